//! The walking skeleton, end to end: the built SPA and worker under `wrangler dev` with local
//! KV and Durable Objects, driven in headless Chromium with a virtual authenticator.

use elevate_e2e::browser::{Portal, WAIT};
use elevate_e2e::stack::{Stack, bootstrap_secret};
use elevate_shared::api::audit::AuditPage;
use elevate_shared::domain::audit::{AuditAction, verify_chain_to};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn health_proves_kv_and_durable_object_round_trips() -> TestResult {
    let stack = Stack::start("health").await;
    let resp = reqwest::get(stack.api("/api/v1/health")).await?;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await?;
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(body["kv"]["ok"], true, "{body}");
    assert_eq!(body["durable_object"]["ok"], true, "{body}");
    // Deep links that are not API paths get the SPA.
    let page = reqwest::get(stack.api("/security-info")).await?;
    assert_eq!(page.status(), 200);
    assert!(page.text().await?.contains("<title>Elevate</title>"));
    // Unknown API paths get a typed JSON 404, not the SPA.
    let missing = reqwest::get(stack.api("/api/v1/nope")).await?;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>().await?["error"]["code"], "not_found");
    // The local measurement endpoint does not exist without the test clock.
    let bench = reqwest::Client::new()
        .post(stack.api("/api/v1/bench"))
        .header("x-elevate-csrf", "1")
        .json(&serde_json::json!({ "totp": { "iterations": 1 } }))
        .send()
        .await?;
    assert_eq!(bench.status(), 404);
    assert_eq!(bench.json::<Value>().await?["error"]["code"], "not_found");
    // Nor does the demo seed without DEMO_TENANT.
    let demo = reqwest::Client::new()
        .post(stack.api("/api/v1/demo/seed"))
        .header("x-elevate-csrf", "1")
        .json(&serde_json::json!({}))
        .send()
        .await?;
    assert_eq!(demo.status(), 404);
    Ok(())
}

#[tokio::test]
async fn first_administrator_enrols_a_passkey_signs_in_and_sees_the_shell() -> TestResult {
    let stack = Stack::start("enrol").await;
    let portal = Portal::open(&stack, "enrol").await?;
    let authenticator = portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    let bootstrap_finish = portal.recorded("/api/v1/bootstrap/passkey/finish").await?;

    // The server holds the session; the page cannot read its cookie.
    let me = portal.fetch("GET", "/api/v1/me", None, false).await?;
    assert_eq!(me.status, 200, "{:?}", me.body);
    assert_eq!(me.body["username"], "ada");
    assert_eq!(me.body["is_admin"], true);
    assert_eq!(me.body["passkeys"].as_array().map(Vec::len), Some(1));
    assert_eq!(me.body["session"]["last_mfa"]["method"], "passkey");
    let cookies = portal.browser.execute("return document.cookie;", vec![]).await?;
    assert!(!cookies.as_str().unwrap_or_default().contains("elevate_session"), "cookie visible to scripts");
    // The authenticator really signed: its counter moved.
    let creds = portal.browser.credentials(&authenticator).await?;
    assert_eq!(creds.len(), 1);
    assert!(creds[0]["signCount"].as_u64().unwrap_or(0) >= 1, "{creds:?}");

    // The shell: every navigation entry, at phone and desktop widths.
    let nav = portal.browser.find("nav.nav").await?;
    let nav_text = portal.browser.text(&nav).await?;
    for page in ["Overview", "My roles", "Approvals", "Roles", "Alerts", "Audit", "Security info"] {
        assert!(nav_text.contains(page), "navigation lacks {page}: {nav_text:?}");
    }
    portal.browser.emulate_width(Some(390)).await?;
    portal.expect_text("#signed-in-user", "Ada Lovelace").await?;
    assert!(portal.horizontal_overflow().await? <= 0, "the shell overflows a 390 px screen");
    portal.screenshot("signed-in-shell-390px").await?;
    portal.browser.emulate_width(None).await?;
    portal.screenshot("signed-in-shell-desktop").await?;

    // The navigation opens the audit log; a deep link opens the right page.
    portal.click("nav.nav a[href='/audit']").await?;
    portal.expect_text("#audit-verify", "Verify the chain").await?;
    portal.browser.goto(&format!("{}/security-info", portal.base_url)).await?;
    portal.expect_text("main", "Passkeys and security keys").await?;

    // First-run enrolment works once: the recorded finish and a new start are both refused.
    let replay =
        portal.fetch("POST", "/api/v1/bootstrap/passkey/finish", Some(&bootstrap_finish), true).await?;
    assert_eq!((replay.status, replay.code()), (403, "bootstrap_closed"), "{:?}", replay.body);
    let again =
        format!(r#"{{"secret":"{}","username":"mallory","display_name":"Mallory"}}"#, bootstrap_secret());
    let start = portal.fetch("POST", "/api/v1/bootstrap/passkey/start", Some(&again), true).await?;
    assert_eq!((start.status, start.code()), (403, "bootstrap_closed"));

    // Signing out ends the session on the server.
    portal.click("#sign-out").await?;
    portal.browser.wait_for("#sign-in-username", WAIT).await?;
    let after = portal.fetch("GET", "/api/v1/me", None, false).await?;
    assert_eq!((after.status, after.code()), (401, "unauthenticated"));

    // Signing in needs no username: the passkey says who is signing in. Its answer works once.
    portal.record_posts().await?;
    portal.click("#sign-in-submit").await?;
    portal.expect_text("#signed-in-user", "Ada Lovelace").await?;
    let discover_finish = portal.recorded("/api/v1/sign-in/passkey/discover/finish").await?;
    let replay =
        portal.fetch("POST", "/api/v1/sign-in/passkey/discover/finish", Some(&discover_finish), true).await?;
    assert_eq!((replay.status, replay.code()), (400, "ceremony_not_found"), "{:?}", replay.body);
    portal.browser.quit().await?;
    Ok(())
}

#[tokio::test]
async fn ceremonies_are_single_use_and_demand_user_verification() -> TestResult {
    let stack = Stack::start("ceremony").await;
    let portal = Portal::open(&stack, "ceremony").await?;
    let platform = portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;

    // A replayed sign-in response finds its ceremony used up, and opens no session.
    let (finish, first) = portal.scripted_sign_in("ada", "").await?;
    assert_eq!(first.status, 200, "{:?}", first.body);
    let replay = portal.fetch("POST", "/api/v1/sign-in/passkey/finish", Some(&finish), true).await?;
    assert_eq!((replay.status, replay.code()), (400, "ceremony_not_found"), "{:?}", replay.body);

    // An assertion made without user verification is refused.
    let (_, no_uv) = portal.scripted_sign_in("ada", "publicKey.userVerification = 'discouraged';").await?;
    assert_eq!((no_uv.status, no_uv.code()), (400, "user_verification_required"), "{:?}", no_uv.body);

    // A second authenticator (a USB security key) through the Security info page...
    portal.browser.remove_authenticator(&platform).await?;
    portal.browser.add_authenticator("usb", true).await?;
    portal.browser.goto(&format!("{}/security-info", portal.base_url)).await?;
    portal.record_posts().await?;
    portal.fill("#add-passkey-name", "Backup key").await?;
    portal.click("#add-passkey-submit").await?;
    portal.expect_text("#add-passkey-status", "Added").await?;
    let passkeys = |a: &elevate_e2e::browser::Answer| a.body["passkeys"].as_array().map(Vec::len);
    let me = portal.fetch("GET", "/api/v1/me", None, false).await?;
    assert_eq!(passkeys(&me), Some(2), "{:?}", me.body);
    // Each key's kind comes from its transports, its model from the attested data.
    assert_eq!(me.body["passkeys"][0]["kind"], "platform", "{:?}", me.body);
    assert_eq!(me.body["passkeys"][1]["kind"], "security_key", "{:?}", me.body);
    assert!(me.body["passkeys"][1]["aaguid"].as_str().is_some_and(|a| a.len() == 36), "{:?}", me.body);
    portal.expect_text("#passkey-list", "Backup key").await?;
    portal.expect_text("#passkey-list", "Security key").await?;

    // ...whose registration response, replayed, is refused and adds nothing.
    let body = portal.recorded("/api/v1/me/passkeys/finish").await?;
    let replay = portal.fetch("POST", "/api/v1/me/passkeys/finish", Some(&body), true).await?;
    assert_eq!((replay.status, replay.code()), (400, "ceremony_not_found"), "{:?}", replay.body);

    // Bad input gets a typed 4xx and changes nothing.
    let bad = portal.fetch("POST", "/api/v1/me/passkeys/finish", Some(r#"{"user_id": "#), true).await?;
    assert_eq!((bad.status, bad.code()), (400, "bad_request"), "{:?}", bad.body);
    let wrong_type =
        portal.fetch("POST", "/api/v1/sign-in/passkey/start", Some(r#"{"username": 5}"#), true).await?;
    assert_eq!((wrong_type.status, wrong_type.code()), (400, "bad_request"));
    let huge = format!(r#"{{"username":"{}"}}"#, "a".repeat(70 * 1024));
    let too_big = portal.fetch("POST", "/api/v1/sign-in/passkey/start", Some(&huge), true).await?;
    assert_eq!((too_big.status, too_big.code()), (413, "payload_too_large"));
    let wrong_method = portal.fetch("GET", "/api/v1/sign-out", None, false).await?;
    assert_eq!((wrong_method.status, wrong_method.code()), (405, "method_not_allowed"));
    let me = portal.fetch("GET", "/api/v1/me", None, false).await?;
    assert_eq!(passkeys(&me), Some(2), "bad input changed the passkeys: {:?}", me.body);

    // State-changing calls without the anti-forgery header, or from another origin, are refused.
    let no_csrf = portal.fetch("POST", "/api/v1/me/passkeys/start", Some("{}"), false).await?;
    assert_eq!((no_csrf.status, no_csrf.code()), (403, "csrf_rejected"));
    let foreign = reqwest::Client::new()
        .post(stack.api("/api/v1/sign-in/passkey/start"))
        .header("x-elevate-csrf", "1")
        .header("origin", "https://evil.example")
        .body(r#"{"username":"ada"}"#)
        .send()
        .await?;
    assert_eq!(foreign.status(), 403);
    assert_eq!(foreign.json::<Value>().await?["error"]["code"], "csrf_rejected");

    // Everything above left its trace in the audit log, as a chain anyone can verify.
    let answer = portal.fetch("GET", "/api/v1/audit?limit=500", None, false).await?;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let page: AuditPage = serde_json::from_value(answer.body)?;
    assert_eq!(verify_chain_to(&page.events, page.head), Ok(()));
    let count = |action| page.events.iter().filter(|e| e.action == action).count();
    assert_eq!(count(AuditAction::BootstrapCompleted), 1);
    assert_eq!(count(AuditAction::MethodRegistered), 2, "the first passkey and the backup key");
    assert!(count(AuditAction::SignedIn) >= 2);
    assert!(count(AuditAction::SignInFailed) >= 1, "the assertion without user verification");
    let verified = portal.fetch("GET", "/api/v1/audit/verify", None, false).await?;
    assert_eq!(verified.body["broken"], Value::Null, "{:?}", verified.body);
    assert_eq!(verified.body["events_checked"], page.events.len());
    portal.browser.quit().await?;
    Ok(())
}

#[tokio::test]
async fn my_sessions_lists_every_browser_and_ends_another_at_once() -> TestResult {
    let stack = Stack::start("sessions").await;
    let portal = Portal::open(&stack, "sessions").await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    let first = portal.browser.cookie("elevate_session").await?;
    // A second sign-in: the browser now holds the new session, the first one lives on.
    let (_, second) = portal.scripted_sign_in("ada", "").await?;
    assert_eq!(second.status, 200);
    let current = portal.browser.cookie("elevate_session").await?;
    assert_ne!(first, current);

    portal.browser.goto(&format!("{}/security-info", portal.base_url)).await?;
    portal.expect_text("#session-list", "This browser").await?;
    let count = || async {
        let v =
            portal.browser.execute("return document.querySelectorAll('li.session').length;", vec![]).await;
        v.map(|v| v.as_u64().unwrap_or(0)).unwrap_or(0)
    };
    assert_eq!(count().await, 2);
    portal.click("li.session[data-session-current='false'] button[data-revoke-session]").await?;
    let deadline = std::time::Instant::now() + WAIT;
    while count().await != 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(count().await, 1, "the other session is still listed");

    // The revoked session is refused at once; this one carries on.
    let me = |cookie: String| {
        let url = stack.api("/api/v1/me");
        async move {
            reqwest::Client::new()
                .get(url)
                .header("cookie", format!("elevate_session={cookie}"))
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }
    };
    assert_eq!(me(first).await, 401);
    assert_eq!(me(current).await, 200);
    // Someone else's session id is not found, whatever it is.
    let bogus = format!(r#"{{"id":"{}"}}"#, "a".repeat(64));
    let answer = portal.fetch("POST", "/api/v1/me/sessions/revoke", Some(&bogus), true).await?;
    assert_eq!((answer.status, answer.code()), (404, "not_found"));
    portal.browser.quit().await?;
    Ok(())
}
