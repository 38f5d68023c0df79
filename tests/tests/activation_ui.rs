//! Activation and approval through the real UI in headless Chromium: a member on a phone-sized
//! screen activates a role with a tap, extends and deactivates it, requests one that needs an
//! approver, whom another browser (desktop) approves with a tap, and sees a denial and an expiry
//! (with a clock injected into the page, not by waiting).

use elevate_e2e::api::{Api, now_ms};
use elevate_e2e::browser::{Portal, WAIT};
use elevate_e2e::stack::Stack;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DAY: u64 = 24 * 3_600_000;

/// A person invited by the administrator, who enrols a platform passkey through the UI.
async fn enrol(
    stack: &Stack,
    admin: &Api<'_>,
    username: &str,
    name: &str,
    width: Option<u32>,
) -> Result<(Portal, String), Box<dyn std::error::Error>> {
    let created =
        admin.post("/api/v1/users/create", &json!({ "username": username, "display_name": name })).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let code = created.body["invitation"]["code"].as_str().unwrap_or_default().to_owned();
    let portal = Portal::open(stack, &format!("ui-{username}")).await?;
    portal.browser.emulate_width(width).await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.browser.goto(&format!("{}/enrol#code={code}", portal.base_url)).await?;
    portal.replace("#enrol-key-name", &format!("{name}'s phone")).await?;
    portal.click("#enrol-passkey").await?;
    portal.expect_text("#signed-in-user", name).await?;
    Ok((portal, created.body["user"]["id"].as_str().unwrap_or_default().to_owned()))
}

async fn role(admin: &Api<'_>, id: &str, name: &str, change: impl FnOnce(&mut Value)) {
    let created = admin
        .post("/api/v1/roles/create", &json!({ "id": id, "name": name, "privileged": true, "scope": "/" }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let mut settings = created.body["settings"].clone();
    change(&mut settings);
    let set = admin.post("/api/v1/roles/settings", &json!({ "role": id, "settings": settings })).await;
    assert_eq!(set.status, 200, "{}", set.body);
}

async fn eligible(admin: &Api<'_>, who: &str, role: &str) {
    let body = json!({ "principal": who, "role": role, "scope": "/", "kind": "eligible", "end": now_ms() + 7 * DAY });
    let a = admin.post("/api/v1/assignments/create", &body).await;
    assert_eq!(a.status, 201, "{}", a.body);
}

/// Opens the activation panel for `role`, fills it and submits; the verdict must settle first.
async fn activate(portal: &Portal, role: &str, duration: &str) -> TestResult {
    portal.browser.goto(&format!("{}/my-roles", portal.base_url)).await?;
    portal.click(&format!("#activate-{role}")).await?;
    portal.replace("#activation-duration", duration).await?;
    portal.replace("#activation-justification", "Investigating incident 42").await?;
    portal.browser.wait_for("#activation-verdict[data-checking='false']", WAIT).await?;
    portal.click("#activation-submit").await?;
    portal.click("#activation-tap").await?;
    Ok(())
}

#[tokio::test]
async fn a_member_activates_on_a_phone_and_an_approver_approves_from_another_browser() -> TestResult {
    let stack = Stack::start_with("activation-ui", &[("TEST_CLOCK", "on")]).await;
    let admin_portal = Portal::open(&stack, "ui-admin").await?;
    admin_portal.browser.add_authenticator("internal", true).await?;
    admin_portal.enrol_first_admin_and_sign_in().await?;
    let admin = Api::new(&stack).with_cookie(&admin_portal.browser.cookie("elevate_session").await?);
    let (bob, bob_id) = enrol(&stack, &admin, "bob", "Bob Operator", Some(390)).await?;
    let (carol, carol_id) = enrol(&stack, &admin, "carol", "Carol Approver", None).await?;
    role(&admin, "db-reader", "Database reader", |_| {}).await;
    role(&admin, "prod-admin", "Production admin", |s| {
        s["approval"] = json!({ "required": true, "approvers": [carol_id], "quorum": 1 });
    })
    .await;
    role(&admin, "billing-admin", "Billing admin", |s| {
        s["approval"] = json!({ "required": true, "approvers": [carol_id], "quorum": 1 });
    })
    .await;
    eligible(&admin, &bob_id, "db-reader").await;
    eligible(&admin, &bob_id, "prod-admin").await;
    eligible(&admin, &bob_id, "billing-admin").await;

    // The overview tells bob he has roles to activate.
    bob.browser.goto(&bob.base_url).await?;
    bob.browser.wait_for("#eligible-banner", WAIT).await?;

    // Bob activates the database role for 30 minutes with a tap (it is in its last half hour at
    // once, so Extend is offered), on a phone.
    activate(&bob, "db-reader", "30m").await?;
    bob.expect_text("#activation-result", "Active until").await?;
    assert!(bob.horizontal_overflow().await? <= 0, "the activation panel overflows at 390 px");
    bob.screenshot("activation-active-390px").await?;
    bob.browser.goto(&format!("{}/my-roles", bob.base_url)).await?;
    bob.browser.wait_for("li.active-role[data-role='db-reader'] .countdown", WAIT).await?;
    bob.screenshot("my-roles-countdown-390px").await?;

    // Extend with a fresh tap, then deactivate.
    bob.click("#extend-db-reader").await?;
    bob.click("#extend-confirm-db-reader").await?;
    bob.expect_text("#active-status-db-reader", "xtended").await?;
    bob.click("#deactivate-db-reader").await?;
    bob.click("#deactivate-confirm-db-reader").await?;
    bob.browser.wait_for_gone("li.active-role[data-role='db-reader']", WAIT).await?;

    // Production admin needs Carol: bob's tap sends it for approval.
    activate(&bob, "prod-admin", "10m").await?;
    bob.expect_text("#activation-result", "Waiting for approval").await?;
    let requests = admin.get("/api/v1/me/requests").await;
    assert_eq!(requests.status, 200);
    let mine = Api::new(&stack).with_cookie(&bob.browser.cookie("elevate_session").await?);
    let pending = mine.get("/api/v1/me/requests").await.body["requests"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // Carol approves from her desktop with a tap.
    carol.browser.goto(&format!("{}/approvals", carol.base_url)).await?;
    carol.expect_text(&format!("li.approval[data-request='{pending}']"), "Investigating incident 42").await?;
    carol.screenshot("approvals-inbox-desktop").await?;
    carol.click(&format!("#approve-{pending}")).await?;
    carol.expect_text(&format!("#approval-status-{pending}"), "pprove").await?;

    // Bob sees it active with a countdown.
    bob.browser.goto(&format!("{}/my-roles", bob.base_url)).await?;
    bob.browser.wait_for("li.active-role[data-role='prod-admin'] .countdown", WAIT).await?;

    // A denial: bob asks for the billing role, Carol denies it with a reason.
    activate(&bob, "billing-admin", "1h").await?;
    bob.expect_text("#activation-result", "Waiting for approval").await?;
    let again = mine.get("/api/v1/me/requests").await.body["requests"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    carol.click("#approvals-refresh").await?;
    carol.click(&format!("#deny-{again}")).await?;
    carol.fill(&format!("#deny-reason-{again}"), "No change ticket for this").await?;
    carol.click(&format!("#deny-confirm-{again}")).await?;
    carol.expect_text(&format!("#approval-status-{again}"), "enied").await?;
    bob.browser.goto(&format!("{}/my-roles", bob.base_url)).await?;
    bob.expect_text(&format!("li.request[data-request='{again}']"), "No change ticket for this").await?;
    bob.screenshot("my-requests-denied-390px").await?;
    assert!(bob.horizontal_overflow().await? <= 0, "My roles overflows at 390 px");

    // An injected clock one second past the end: the grant is gone and the request says expired.
    let until =
        mine.get("/api/v1/me/roles").await.body["active"][0]["assignment"]["end"].as_u64().unwrap_or(0);
    bob.browser
        .execute(
            "const at = String(arguments[0]); const orig = window.fetch; \
             window.fetch = (input, init) => { init = init || {}; init.headers = Object.assign({}, init.headers, { 'x-elevate-test-now': at }); return orig(input, init); };",
            vec![json!(until + 1_000)],
        )
        .await?;
    bob.click("nav a[href='/']").await?;
    bob.click("nav a[href='/my-roles']").await?;
    bob.browser.wait_for("#active-none", WAIT).await?;
    bob.browser.wait_for("li.request[data-state='expired'][data-role='prod-admin']", WAIT).await?;
    bob.screenshot("my-roles-expired-390px").await?;

    Ok(())
}
