//! Administration for scripts and of accounts, in the browser: an administrator creates an API
//! token on Security info (shown once; it works for what it was given and nothing else), revokes
//! it there (the next call with it fails), and disables a person from the Users page on a phone
//! (their session ends at once), then enables them again.

use elevate_e2e::api::Api;
use elevate_e2e::browser::{Portal, WAIT};
use elevate_e2e::soft_authenticator::SoftCredential;
use elevate_e2e::stack::Stack;
use elevate_e2e::tenant::{Person, member};
use elevate_shared::api::paths;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn an_administrator_creates_and_revokes_a_token_and_disables_someone_from_the_portal() -> TestResult {
    let stack = Stack::start("automation-ui").await;
    let portal = Portal::open(&stack, "automation-ui").await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    let api = Api::new(&stack).with_cookie(&portal.browser.cookie("elevate_session").await?);
    let me = api.get(paths::ME).await;
    let admin = Person {
        id: me.body["user_id"].as_str().unwrap_or_default().to_owned(),
        api,
        key: SoftCredential::new(1, 32),
        username: "ada".into(),
    };
    let bob = member(&stack, &admin, "bob", 2).await;

    // A token that may only read, created in the browser moments after the passkey sign-in.
    portal.browser.goto(&format!("{}/security-info", portal.base_url)).await?;
    portal.fill("#api-token-name", "nightly report").await?;
    portal.click("#api-token-create").await?;
    let token = portal.expect_text("#api-token-secret", "elv1_").await?;
    portal.screenshot("api-token-shown-desktop").await?;
    let http = reqwest::Client::new();
    let read = http.get(stack.api(paths::USERS)).bearer_auth(token.trim()).send().await?;
    assert_eq!(read.status(), 200, "the token reads users");
    let write = http
        .post(stack.api(paths::ROLE_CREATE))
        .bearer_auth(token.trim())
        .header(elevate_shared::api::CSRF_HEADER, elevate_shared::api::CSRF_VALUE)
        .body(r#"{"id":"x","name":"x","privileged":false,"scope":"/"}"#)
        .send()
        .await?;
    assert_eq!(write.status(), 403, "but may not create roles");

    // Revoked in the list: refused on the very next call.
    portal.click("#api-token-done").await?;
    portal.browser.wait_for("#api-token-list li[data-token-state='active']", WAIT).await?;
    portal.click("#api-token-list li[data-token-state='active'] button").await?;
    portal.browser.wait_for("#api-token-list li[data-token-state='revoked']", WAIT).await?;
    let after = http.get(stack.api(paths::USERS)).bearer_auth(token.trim()).send().await?;
    assert_eq!(after.status(), 401, "a revoked token is refused at once");

    // Disabling bob on a phone ends his session; enabling lets him back.
    portal.browser.emulate_width(Some(390)).await?;
    portal.browser.goto(&format!("{}/users", portal.base_url)).await?;
    portal.click("#disable-bob").await?;
    portal.screenshot("disable-confirm-390px").await?;
    portal.click("#confirm-disable-bob").await?;
    portal.expect_text("li.user-card[data-username='bob']", "Disabled: cannot sign in").await?;
    assert!(portal.horizontal_overflow().await? <= 0, "the Users page overflows at 390 px");
    portal.screenshot("user-disabled-390px").await?;
    assert_eq!(bob.api.get(paths::ME).await.status, 401, "bob's session ended");
    portal.click("#enable-bob").await?;
    portal.browser.wait_for("#disable-bob", WAIT).await?;
    let mut bob = bob;
    bob.sign_in_again().await;
    assert_eq!(bob.api.get(paths::ME).await.status, 200, "bob signs in again");
    Ok(())
}
