//! Authenticator apps (TOTP) end to end: enrolment through the Security info page with codes
//! computed by an independent implementation (pyotp) from the enrolled `otpauth://` URI, and the
//! protections around codes, against the real worker.

use elevate_e2e::browser::Portal;
use elevate_e2e::peers::pyotp_code;
use elevate_e2e::stack::Stack;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn step_up(http: &reqwest::Client, stack: &Stack, cookie: &str, code: &str) -> (u16, Value) {
    let resp = http
        .post(stack.api("/api/v1/me/mfa/totp"))
        .header("x-elevate-csrf", "1")
        .header("cookie", format!("elevate_session={cookie}"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .expect("the worker answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn authenticator_app_enrols_through_the_ui_and_each_code_works_once() -> TestResult {
    // Zero delays and a high lockout threshold keep this test about single use, not lockout.
    let lockout =
        r#"{"free_attempts":99,"base_delay":0,"max_delay":0,"lockout_after":100,"lockout_duration":60000}"#;
    let stack = Stack::start_with("totp", &[("MFA_LOCKOUT", lockout)]).await;
    let portal = Portal::open(&stack, "totp").await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;

    // Enrol on a phone-sized screen.
    portal.browser.emulate_width(Some(390)).await?;
    let (uri, enrolled_step) = portal.enrol_app("Pixel authenticator").await?;
    assert!(portal.horizontal_overflow().await? <= 0, "Security info overflows a 390 px screen");
    portal.screenshot("totp-enrolled-390px").await?;
    portal.browser.emulate_width(None).await?;
    portal.expect_text("#totp-list", "Pixel authenticator").await?;
    let me = portal.fetch("GET", "/api/v1/me", None, false).await?;
    assert_eq!(me.body["totp_methods"][0]["params"]["digits"], 6, "{:?}", me.body);
    assert!(me.body.to_string().find("secret").is_none(), "the secret came back after enrolment");

    let cookie = portal.browser.cookie("elevate_session").await?;
    let http = reqwest::Client::new();
    // The code typed at enrolment cannot be used again.
    let enrolment_code = pyotp_code(&uri, enrolled_step * 30);
    let (status, body) = step_up(&http, &stack, &cookie, &enrolment_code).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("mfa_code_rejected")), "{body}");

    // The next step's code, sent fifty times at once: exactly one is accepted.
    let next = pyotp_code(&uri, (enrolled_step + 1) * 30);
    let attempts = (0..50).map(|_| step_up(&http, &stack, &cookie, &next));
    let answers = futures::future::join_all(attempts).await;
    let accepted = answers.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(accepted, 1, "{:?}", answers.iter().map(|a| a.0).collect::<Vec<_>>());
    let refusals: Vec<_> =
        answers.iter().filter(|(s, _)| *s != 200).map(|(s, b)| (*s, b["error"]["code"].clone())).collect();
    assert!(refusals.iter().all(|(s, c)| *s == 400 && c == "mfa_code_rejected"), "{refusals:?}");
    let winner = answers.iter().find(|(s, _)| *s == 200).map(|(_, b)| b.clone()).unwrap_or_default();
    assert_eq!(winner["method"], "totp");
    assert_eq!(winner["phishing_resistant"], false);
    // The session remembers the step-up.
    let me = portal.fetch("GET", "/api/v1/me", None, false).await?;
    assert_eq!(me.body["session"]["last_mfa"]["method"], "totp", "{:?}", me.body);

    // Bad input is a typed 4xx.
    let (status, body) = step_up(&http, &stack, &cookie, "12ab56").await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("mfa_code_rejected")));
    let junk = portal.fetch("POST", "/api/v1/me/mfa/totp", Some(r#"{"code": 123456}"#), true).await?;
    assert_eq!((junk.status, junk.code()), (400, "bad_request"));

    // Rename, then remove the app, on a phone-sized screen; the last passkey cannot go.
    portal.browser.goto(&format!("{}/security-info", portal.base_url)).await?;
    portal.browser.emulate_width(Some(390)).await?;
    portal.click("button[data-rename='Pixel authenticator']").await?;
    let input = portal.browser.wait_for("input[data-rename-input]", elevate_e2e::browser::WAIT).await?;
    portal.browser.clear(&input).await?;
    portal.browser.type_into(&input, "Work phone").await?;
    portal.click("button[data-rename-save]").await?;
    portal.expect_text("#totp-list", "Work phone").await?;
    portal.click("button[data-remove='Work phone']").await?;
    portal.click("button[data-confirm-remove='Work phone']").await?;
    portal.expect_text("#totp-none", "None yet").await?;
    portal.click("button[data-remove='My passkey']").await?;
    portal.click("button[data-confirm-remove='My passkey']").await?;
    portal.expect_text("#passkey-list", "only passkey").await?;
    assert!(portal.horizontal_overflow().await? <= 0);
    portal.screenshot("methods-last-passkey-390px").await?;
    portal.browser.emulate_width(None).await?;
    let me = portal.fetch("GET", "/api/v1/me", None, false).await?;
    assert_eq!(me.body["totp_methods"].as_array().map(Vec::len), Some(0), "{:?}", me.body);
    assert_eq!(me.body["passkeys"].as_array().map(Vec::len), Some(1), "{:?}", me.body);
    // A removed app's codes no longer verify anything.
    let (status, body) = step_up(&http, &stack, &cookie, &pyotp_code(&uri, (enrolled_step + 2) * 30)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("no_usable_mfa_method")), "{body}");
    portal.browser.quit().await?;
    Ok(())
}

#[tokio::test]
async fn guessing_codes_locks_verification_before_the_hundredth_failure() -> TestResult {
    let lockout =
        r#"{"free_attempts":9,"base_delay":0,"max_delay":0,"lockout_after":10,"lockout_duration":900000}"#;
    let stack = Stack::start_with("lockout", &[("MFA_LOCKOUT", lockout)]).await;
    let portal = Portal::open(&stack, "lockout").await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    let (uri, step) = portal.enrol_app("Authenticator").await?;
    let cookie = portal.browser.cookie("elevate_session").await?;
    let http = reqwest::Client::new();
    let right = pyotp_code(&uri, (step + 1) * 30);
    let mut locked_at = None;
    for attempt in 1..=100u32 {
        let guess = format!("{:06}", (attempt * 7919) % 1_000_000);
        if guess == right {
            continue;
        }
        let (status, body) = step_up(&http, &stack, &cookie, &guess).await;
        if status == 423 {
            assert_eq!(body["error"]["code"], "mfa_locked_out");
            locked_at = Some(attempt);
            break;
        }
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("mfa_code_rejected")));
    }
    let locked_at = locked_at.expect("never locked out in 100 guesses");
    assert!(locked_at <= 10, "locked only at guess {locked_at}");
    // Locked means locked: the right code is refused too.
    let (status, body) = step_up(&http, &stack, &cookie, &right).await;
    assert_eq!((status, body["error"]["code"].as_str()), (423, Some("mfa_locked_out")), "{body}");
    portal.browser.quit().await?;
    Ok(())
}
