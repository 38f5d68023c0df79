//! Every way in, through the real UI in headless Chromium at phone and desktop widths: a platform
//! passkey, a USB security key, a password followed by an authenticator-app code (pyotp), an
//! invitation redeemed on a phone, and "this wasn't me" ending with an administrator's unlock.

use elevate_e2e::api::Api;
use elevate_e2e::browser::{Portal, WAIT};
use elevate_e2e::peers::{pyotp_code, unix_now};
use elevate_e2e::stack::Stack;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PASSWORD: &str = "plum orchard lantern 93";

async fn sign_out(portal: &Portal) -> TestResult {
    portal.click("#sign-out").await?;
    portal.browser.wait_for("#sign-in-username", WAIT).await?;
    Ok(())
}

/// A username-first passkey sign-in through the sign-in page.
async fn sign_in_with_passkey(portal: &Portal) -> TestResult {
    portal.fill("#sign-in-username", "ada").await?;
    portal.click("#sign-in-submit").await?;
    portal.expect_text("#signed-in-user", "Ada Lovelace").await?;
    Ok(())
}

async fn me(portal: &Portal) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(portal.fetch("GET", "/api/v1/me", None, false).await?.body)
}

#[tokio::test]
async fn a_passkey_a_security_key_and_a_password_with_an_app_code_each_sign_in_through_the_ui() -> TestResult
{
    let stack = Stack::start("methods-ui").await;
    let portal = Portal::open(&stack, "methods-ui").await?;
    let platform = portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    // Keep the platform credential, as a phone keeps its passkey while a key is in use.
    let platform_credentials = portal.browser.credentials(&platform).await?;
    assert_eq!(platform_credentials.len(), 1);

    // On a phone-sized screen: register a USB security key through Security info.
    portal.browser.emulate_width(Some(390)).await?;
    portal.browser.remove_authenticator(&platform).await?;
    let usb = portal.browser.add_authenticator("usb", true).await?;
    portal.browser.goto(&format!("{}/security-info", portal.base_url)).await?;
    portal.replace("#add-passkey-name", "Blue key").await?;
    portal.click("#add-passkey-submit").await?;
    portal.expect_text("#add-passkey-status", "Added").await?;
    portal.expect_text("#passkey-list", "Security key").await?;
    let registered = portal.browser.credentials(&usb).await?[0]["signCount"].as_u64();
    assert!(portal.horizontal_overflow().await? <= 0, "Security info overflows at 390 px");
    portal.screenshot("methods-security-key-added-390px").await?;

    // Sign in with the security key alone (the platform authenticator is away).
    sign_out(&portal).await?;
    sign_in_with_passkey(&portal).await?;
    let used = portal.browser.credentials(&usb).await?;
    assert!(used[0]["signCount"].as_u64() > registered, "the key signed the sign-in: {used:?}");

    // Sign in with the platform passkey again (the key is away now).
    let usb_credentials = portal.browser.credentials(&usb).await?;
    portal.browser.remove_authenticator(&usb).await?;
    let platform = portal.browser.add_authenticator("internal", true).await?;
    portal.browser.add_credential(&platform, &platform_credentials[0]).await?;
    sign_out(&portal).await?;
    sign_in_with_passkey(&portal).await?;
    let used = portal.browser.credentials(&platform).await?;
    let before = platform_credentials[0]["signCount"].as_u64().unwrap_or(0);
    assert!(used[0]["signCount"].as_u64() > Some(before), "the passkey signed: {used:?}");

    // A password (the passkey sign-in is a fresh MFA) and an authenticator app, at desktop width.
    portal.browser.emulate_width(None).await?;
    portal.browser.goto(&format!("{}/security-info", portal.base_url)).await?;
    portal.fill("#new-password", PASSWORD).await?;
    portal.click("#set-password").await?;
    portal.expect_text("#password-status", "saved").await?;
    let (uri, enrolled_step) = portal.enrol_app("Work phone").await?;

    // Password, then a code from the app, on a phone.
    portal.browser.emulate_width(Some(390)).await?;
    sign_out(&portal).await?;
    portal.fill("#sign-in-username", "ada").await?;
    portal.fill("#password", PASSWORD).await?;
    portal.click("#sign-in-password").await?;
    portal.browser.wait_for("#second-factor-code", WAIT).await?;
    portal.screenshot("methods-second-factor-390px").await?;
    assert!(portal.horizontal_overflow().await? <= 0, "the second-factor step overflows at 390 px");
    // The enrolment's time step is used up, so wait for the next one if need be.
    let mut now = unix_now();
    while now / 30 <= enrolled_step {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        now = unix_now();
    }
    portal.fill("#second-factor-code", &pyotp_code(&uri, now)).await?;
    portal.click("#second-factor-submit").await?;
    portal.expect_text("#signed-in-user", "Ada Lovelace").await?;
    assert_eq!(me(&portal).await?["session"]["last_mfa"]["method"], "totp");

    // Remove the security key through the UI (desktop); the passkey and the app remain.
    portal.browser.emulate_width(None).await?;
    portal.browser.goto(&format!("{}/security-info", portal.base_url)).await?;
    portal.click("button[data-remove='Blue key']").await?;
    portal.click("button[data-confirm-remove='Blue key']").await?;
    portal.browser.wait_for_gone("button[data-remove='Blue key']", WAIT).await?;
    let after = me(&portal).await?;
    assert_eq!(after["passkeys"].as_array().map(Vec::len), Some(1), "{after}");
    assert_eq!(after["totp_methods"].as_array().map(Vec::len), Some(1), "{after}");
    portal.screenshot("methods-after-removal-desktop").await?;
    // The removed key is no longer offered, and even answering anyway (its resident credential,
    // with the allow list emptied) it no longer signs in.
    let key = portal.browser.add_authenticator("usb", true).await?;
    portal.browser.add_credential(&key, &usb_credentials[0]).await?;
    portal.browser.remove_authenticator(&platform).await?;
    let (_, answer) = portal.scripted_sign_in("ada", "publicKey.allowCredentials = [];").await?;
    assert_eq!((answer.status, answer.code()), (400, "webauthn_rejected"), "{:?}", answer.body);
    Ok(())
}

#[tokio::test]
async fn an_invited_person_enrols_on_a_phone_and_reports_a_sign_in_they_did_not_start() -> TestResult {
    let stack = Stack::start("invite-ui").await;
    let admin = Portal::open(&stack, "invite-ui-admin").await?;
    admin.browser.add_authenticator("internal", true).await?;
    admin.enrol_first_admin_and_sign_in().await?;

    // The administrator creates bob on the Users page and gets his invitation link.
    admin.browser.goto(&format!("{}/users", admin.base_url)).await?;
    admin.fill("#new-username", "bob").await?;
    admin.fill("#new-display-name", "Bob Marley").await?;
    admin.click("#create-user").await?;
    let link = admin.expect_text("#invitation-link", "/enrol#code=").await?;
    admin.screenshot("users-invitation-desktop").await?;

    // Bob opens it on his phone and enrols a passkey, then sets a password.
    let bob = Portal::open(&stack, "invite-ui-bob").await?;
    bob.browser.emulate_width(Some(390)).await?;
    bob.browser.add_authenticator("internal", true).await?;
    bob.browser.goto(link.trim()).await?;
    bob.expect_text("#enrol-for", "Bob Marley").await?;
    assert!(bob.horizontal_overflow().await? <= 0, "the enrolment page overflows at 390 px");
    bob.screenshot("enrol-390px").await?;
    bob.replace("#enrol-key-name", "Bob's phone").await?;
    bob.click("#enrol-passkey").await?;
    bob.expect_text("#signed-in-user", "Bob Marley").await?;
    bob.expect_text("#passkey-list", "Bob's phone").await?;
    bob.fill("#new-password", PASSWORD).await?;
    bob.click("#set-password").await?;
    bob.expect_text("#password-status", "saved").await?;

    // Someone else types bob's password: they only reach the second factor, which bob sees.
    let attacker = Api::new(&stack);
    let step =
        attacker.post("/api/v1/sign-in/password", &json!({ "username": "bob", "password": PASSWORD })).await;
    assert_eq!(step.body["step"], "second_factor", "{}", step.body);
    let ticket = step.body["ticket"].as_str().unwrap_or_default().to_owned();
    bob.browser.goto(&format!("{}/security-info", bob.base_url)).await?;
    bob.click(&format!("#fraud-{ticket}")).await?;
    bob.screenshot("fraud-confirm-390px").await?;
    bob.click("#fraud-confirm").await?;
    bob.expect_text("#fraud-result", "locked").await?;
    bob.screenshot("fraud-reported-390px").await?;
    let finish = json!({ "user_id": step.body["user_id"], "ticket": ticket, "code": "123456" });
    let dead = attacker.post("/api/v1/sign-in/second-factor/totp", &finish).await;
    assert_eq!(dead.code(), "ceremony_not_found", "the reported prompt is gone");
    let locked =
        attacker.post("/api/v1/sign-in/password", &json!({ "username": "bob", "password": PASSWORD })).await;
    assert_eq!((locked.status, locked.code()), (423, "account_locked"));

    // The administrator sees the alert and the lock, and unlocks bob from the Users page (phone).
    admin.browser.goto(&format!("{}/alerts", admin.base_url)).await?;
    admin.browser.wait_for("li.alert[data-alert-kind='fraud_reported']", WAIT).await?;
    admin.screenshot("alerts-fraud-desktop").await?;
    admin.browser.emulate_width(Some(390)).await?;
    admin.browser.goto(&format!("{}/users", admin.base_url)).await?;
    admin.expect_text("li.user-card[data-username='bob']", "reported a sign-in").await?;
    assert!(admin.horizontal_overflow().await? <= 0, "the Users page overflows at 390 px");
    admin.screenshot("users-locked-390px").await?;
    admin.click("#unlock-bob").await?;
    admin.expect_text("#user-status-bob", "Unlocked").await?;
    let again =
        attacker.post("/api/v1/sign-in/password", &json!({ "username": "bob", "password": PASSWORD })).await;
    assert_eq!(again.body["step"], "second_factor", "unlocked: {}", again.body);
    Ok(())
}
