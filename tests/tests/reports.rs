//! MFA reports end to end: real events (passkey sign-ins, an authenticator-app code accepted and
//! a wrong one refused) show up in the report's totals, per method and per person, in its CSV,
//! and on the Reports page on a phone, drawn as a bar per day.

use elevate_e2e::api::{Api, now_ms};
use elevate_e2e::browser::{Portal, WAIT};
use elevate_e2e::peers::pyotp_code;
use elevate_e2e::soft_authenticator::SoftCredential;
use elevate_e2e::stack::Stack;
use elevate_e2e::tenant::{Person, member};
use elevate_shared::api::paths;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn count(counts: &Value, tally: &str) -> u64 {
    counts[tally].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn mfa_events_are_counted_per_day_method_and_person_and_drawn_on_the_reports_page() -> TestResult {
    let stack = Stack::start_with("reports", &[("TEST_CLOCK", "on")]).await;
    let portal = Portal::open(&stack, "reports").await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    let api = Api::new(&stack).with_cookie(&portal.browser.cookie("elevate_session").await?);
    let id = api.get(paths::ME).await.body["user_id"].as_str().unwrap_or_default().to_owned();
    let admin = Person { id, api, key: SoftCredential::new(1, 32), username: "ada".into() };
    let mut bob = member(&stack, &admin, "bob", 2).await;
    bob.sign_in_again().await;

    // Bob adds an app, then proves it's him with a later code, and once with a wrong one.
    let t = (now_ms() / 30_000 + 1) * 30_000;
    let started = bob.api.post_at(paths::MY_TOTP_START, &json!({ "name": "Phone" }), Some(t)).await;
    let uri = started.body["otpauth_uri"].as_str().unwrap_or_default().to_owned();
    let finish = json!({ "enrolment_id": started.body["enrolment_id"], "code": pyotp_code(&uri, t / 1000) });
    assert_eq!(bob.api.post_at(paths::MY_TOTP_FINISH, &finish, Some(t)).await.status, 201);
    let later = t + 30_000;
    let right = pyotp_code(&uri, later / 1000);
    let wrong: String = right.chars().map(|c| if c == '9' { '0' } else { char::from(c as u8 + 1) }).collect();
    let refused = bob.api.post_at(paths::MY_MFA_TOTP, &json!({ "code": wrong }), Some(later)).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let verified = bob.api.post_at(paths::MY_MFA_TOTP, &json!({ "code": right }), Some(later)).await;
    assert_eq!(verified.status, 200, "{}", verified.body);

    let report = admin.api.get(paths::REPORTS_MFA).await;
    assert_eq!(report.status, 200, "{}", report.body);
    let totals = &report.body["totals"];
    assert!(count(totals, "sign_ins") >= 3, "ada's and bob's two passkey sign-ins: {totals}");
    assert_eq!((count(totals, "verified"), count(totals, "verification_failures")), (1, 1), "{totals}");
    let days = report.body["days"].as_array().map(Vec::len);
    assert_eq!(days, Some(30), "the 30 days up to today");
    let totp = report.body["by_method"].as_array().and_then(|m| m.iter().find(|m| m["method"] == "totp"));
    assert_eq!(totp.map(|m| count(&m["counts"], "verified")), Some(1));
    let bobs =
        report.body["by_person"].as_array().and_then(|p| p.iter().find(|p| p["user"] == bob.id.as_str()));
    let bobs = bobs.map(|p| p["counts"].clone()).unwrap_or_default();
    assert_eq!((count(&bobs, "verified"), count(&bobs, "verification_failures")), (1, 1), "{bobs}");
    assert!(count(&bobs, "sign_ins") >= 2, "{bobs}");

    // The CSV says the same, row by row.
    let csv = admin.api.get(&format!("{}?format=csv", paths::REPORTS_MFA)).await;
    let text = csv.body.as_str().unwrap_or_default().to_owned();
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    let row = text.lines().find(|l| l.starts_with(&format!("person,{}", bob.id))).unwrap_or_default();
    let cell = |name: &str| header.iter().position(|h| *h == name).and_then(|i| row.split(',').nth(i));
    assert_eq!((cell("verified"), cell("verification_failures")), (Some("1"), Some("1")), "{text}");
    // Members see none of it; a bad period is a typed error.
    assert_eq!(bob.api.get(paths::REPORTS_MFA).await.status, 403);
    let bad = admin.api.get(&format!("{}?from=10&to=5", paths::REPORTS_MFA)).await;
    assert_eq!((bad.status, bad.code()), (400, "bad_request"));

    // The page, on a phone: the totals, a bar per day, today's bar not empty.
    portal.browser.emulate_width(Some(390)).await?;
    portal.browser.goto(&format!("{}/reports", portal.base_url)).await?;
    portal.expect_text("#report-totals dd[data-tally='verification_failures']", "1").await?;
    portal.expect_text("#report-people", "BOB").await?;
    let bars = portal
        .browser
        .execute(
            "const g = [...document.querySelectorAll('#report-chart g.bar')]; \
             return [g.length, Number(g[g.length - 1].dataset.good), Number(g[g.length - 1].dataset.problems)];",
            vec![],
        )
        .await?;
    assert_eq!(bars[0], 30, "{bars}");
    assert!(bars[1].as_u64().unwrap_or(0) >= 4 && bars[2].as_u64().unwrap_or(0) >= 1, "{bars}");
    assert!(portal.horizontal_overflow().await? <= 0, "the Reports page overflows at 390 px");
    portal.screenshot("reports-390px").await?;
    portal.click("#report-days-7").await?;
    portal.browser.wait_for("#report-days-7[aria-pressed='true']", WAIT).await?;
    let mut week = json!(0);
    for _ in 0..50 {
        week = portal
            .browser
            .execute("return document.querySelectorAll('#report-chart g.bar').length;", vec![])
            .await?;
        if week == 7 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(week, 7, "seven days, today included");
    portal.browser.emulate_width(None).await?;
    portal.screenshot("reports-desktop").await?;
    Ok(())
}
