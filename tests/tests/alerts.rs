//! Alerts computed from state, against the real worker: the "roles don't require MFA" alert
//! lists the roles, its bulk Fix makes them require MFA, the alert clears, and only
//! administrators may read or fix. Through the Alerts page at desktop and phone widths: a Fix
//! over the ticked roles only, then the rest; a dismissal with a reason, audited, that a new
//! role undoes. Bad dismissals are typed errors that change nothing.

use elevate_e2e::api::Api;
use elevate_e2e::browser::{Portal, WAIT};
use elevate_e2e::stack::Stack;
use elevate_e2e::tenant::{administrator, member, role};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn alert<'v>(list: &'v Value, kind: &str) -> Option<&'v Value> {
    list["alerts"].as_array().and_then(|a| a.iter().find(|a| a["kind"] == kind))
}

#[tokio::test]
async fn the_roles_without_mfa_alert_lists_them_and_its_bulk_fix_clears_it() -> TestResult {
    let stack = Stack::start("alerts").await;
    let admin = administrator(&stack).await;
    let bob = member(&stack, &admin, "bob", 2).await;
    for id in ["billing", "reports"] {
        role(&admin, id, |s| s["activation_mfa"]["required"] = json!(false)).await;
    }
    role(&admin, "strict", |_| {}).await;

    let before = admin.api.get("/api/v1/alerts").await;
    assert_eq!(before.status, 200, "{}", before.body);
    let lax = alert(&before.body, "role_without_mfa").unwrap_or_else(|| panic!("no alert: {}", before.body));
    let roles: Vec<&str> = lax["affected"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["role"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(roles, ["billing", "reports"], "{lax}");
    assert_eq!(lax["fix"], json!({ "fix": "require_mfa_on_activation", "roles": ["billing", "reports"] }));

    // Members may neither read nor fix.
    assert_eq!(bob.api.get("/api/v1/alerts").await.status, 403);
    assert_eq!(bob.api.post("/api/v1/alerts/fix", &json!({ "fix": lax["fix"] })).await.status, 403);

    let fixed = admin.api.post("/api/v1/alerts/fix", &json!({ "fix": lax["fix"] })).await;
    assert_eq!(fixed.body["roles_changed"], json!(["billing", "reports"]), "{}", fixed.body);
    let after = admin.api.get("/api/v1/alerts").await;
    assert!(alert(&after.body, "role_without_mfa").is_none(), "{}", after.body);
    let roles = admin.api.get("/api/v1/roles").await;
    assert!(
        roles.body["roles"]
            .as_array()
            .is_some_and(|r| r.iter().all(|v| v["settings"]["activation_mfa"]["required"] == true)),
        "{}",
        roles.body
    );
    Ok(())
}

/// The ids of the roles an alert names.
fn alert_roles(alert: &Value) -> Vec<String> {
    alert["affected"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["role"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// A privileged role at `/` with the default settings, MFA on activation as `mfa` says (for the
/// administrator the portal signed in, who has no software key of the suite's own).
async fn ui_role(admin: &Api<'_>, id: &str, mfa: bool) {
    let created = admin
        .post("/api/v1/roles/create", &json!({ "id": id, "name": id, "privileged": true, "scope": "/" }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let mut settings = created.body["settings"].clone();
    settings["activation_mfa"]["required"] = json!(mfa);
    let set = admin.post("/api/v1/roles/settings", &json!({ "role": id, "settings": settings })).await;
    assert_eq!(set.status, 200, "{}", set.body);
}

/// Whether each role requires MFA on activation, by id.
async fn mfa_required(admin: &Api<'_>) -> Vec<(String, bool)> {
    let roles = admin.get("/api/v1/roles").await;
    assert_eq!(roles.status, 200, "{}", roles.body);
    roles.body["roles"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|v| {
                    let id = v["role"]["id"].as_str().unwrap_or_default().to_owned();
                    (id, v["settings"]["activation_mfa"]["required"] == true)
                })
                .collect()
        })
        .unwrap_or_default()
}

const LAX: &str = "role_without_mfa";
const PHISHABLE: &str = "privileged_role_without_phishing_resistant_mfa";

#[tokio::test]
async fn an_administrator_fixes_ticked_roles_and_dismisses_an_alert_with_a_reason_on_desktop_and_phone()
-> TestResult {
    let stack = Stack::start("alerts-ui").await;
    let portal = Portal::open(&stack, "alerts-ui").await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    let admin = Api::new(&stack).with_cookie(&portal.browser.cookie("elevate_session").await?);
    for id in ["billing", "reports"] {
        ui_role(&admin, id, false).await;
    }
    ui_role(&admin, "strict", true).await;

    let listed = admin.get("/api/v1/alerts").await;
    let lax = alert(&listed.body, LAX).unwrap_or_else(|| panic!("no alert: {}", listed.body));
    assert_eq!(alert_roles(lax), ["billing", "reports"], "exactly the roles without MFA");

    // Desktop: every item is ticked; untick "reports" and fix the rest.
    portal.browser.emulate_width(None).await?;
    portal.browser.goto(&format!("{}/alerts", portal.base_url)).await?;
    let item = format!("li.alert[data-alert-kind='{LAX}']");
    portal.expect_text(&item, "Roles can be activated without MFA").await?;
    for id in ["billing", "reports"] {
        let checked = portal
            .browser
            .execute(
                "return document.querySelector(arguments[0]).checked;",
                vec![json!(format!("{item} input[data-fix-item='{id}']"))],
            )
            .await?;
        assert_eq!(checked, json!(true), "{id} is ticked at first");
    }
    portal.expect_text(&format!("#fix-{LAX}"), "Require MFA for 2 roles").await?;
    portal.click(&format!("{item} input[data-fix-item='reports']")).await?;
    portal.expect_text(&format!("#fix-{LAX}"), "Require MFA for 1 role").await?;
    portal.screenshot("alerts-computed-desktop").await?;
    portal.click(&format!("#fix-{LAX}")).await?;
    portal.expect_text(&format!("#fix-result-{LAX}"), "1 role now requires MFA").await?;
    // The reloaded list names only the unticked role.
    portal.browser.wait_for_gone(&format!("{item} input[data-fix-item='billing']"), WAIT).await?;
    let text = portal.expect_text(&format!("#affected-{LAX}"), "reports").await?;
    assert!(!text.contains("billing"), "the fixed role is gone from the alert: {text}");
    assert_eq!(
        mfa_required(&admin).await,
        [("billing".to_owned(), true), ("reports".to_owned(), false), ("strict".to_owned(), true)]
    );
    let listed = admin.get("/api/v1/alerts").await;
    assert_eq!(
        alert(&listed.body, LAX).map(alert_roles),
        Some(vec!["reports".to_owned()]),
        "{}",
        listed.body
    );
    portal.screenshot("alerts-after-fix-desktop").await?;

    // Phone: fix the rest; the alert clears.
    portal.browser.emulate_width(Some(390)).await?;
    portal.browser.goto(&format!("{}/alerts", portal.base_url)).await?;
    portal.expect_text(&format!("#fix-{LAX}"), "Require MFA for 1 role").await?;
    assert!(portal.horizontal_overflow().await? <= 0, "the Alerts page overflows at 390 px");
    portal.screenshot("alerts-computed-390px").await?;
    portal.click(&format!("#fix-{LAX}")).await?;
    portal.expect_text(&format!("#fix-result-{LAX}"), "1 role now requires MFA").await?;
    portal.browser.wait_for_gone(&item, WAIT).await?;
    assert!(mfa_required(&admin).await.iter().all(|(_, on)| *on));
    let listed = admin.get("/api/v1/alerts").await;
    assert!(alert(&listed.body, LAX).is_none(), "{}", listed.body);

    // Every role is privileged and accepts codes: dismiss that alert, with a reason, on the phone.
    let phishable = alert(&listed.body, PHISHABLE).unwrap_or_else(|| panic!("no alert: {}", listed.body));
    assert_eq!(alert_roles(phishable), ["billing", "reports", "strict"]);
    portal.click(&format!("#dismiss-{PHISHABLE}")).await?;
    // A reason is required: nothing is sent without one.
    portal.click(&format!("#dismiss-confirm-{PHISHABLE}")).await?;
    portal.expect_text(&format!("#alert-problem-{PHISHABLE}"), "Say why").await?;
    let reason = "Hardware keys are rolled out next quarter; codes accepted until then";
    portal.fill(&format!("#dismiss-reason-{PHISHABLE}"), reason).await?;
    assert!(portal.horizontal_overflow().await? <= 0, "the dismiss form overflows at 390 px");
    portal.screenshot("alerts-dismiss-390px").await?;
    portal.click(&format!("#dismiss-confirm-{PHISHABLE}")).await?;
    portal
        .expect_text(&format!("#dismissed-{PHISHABLE}"), &format!("Dismissed by Ada Lovelace: {reason}"))
        .await?;
    portal
        .browser
        .wait_for_gone(&format!("#computed-alert-list li[data-alert-kind='{PHISHABLE}']"), WAIT)
        .await?;
    portal.screenshot("alerts-dismissed-390px").await?;

    let listed = admin.get("/api/v1/alerts").await;
    assert!(alert(&listed.body, PHISHABLE).is_none(), "{}", listed.body);
    let dismissed = &listed.body["dismissed"][0];
    assert_eq!(dismissed["alert"]["kind"], PHISHABLE, "{}", listed.body);
    assert_eq!(dismissed["reason"], reason);
    assert_eq!(dismissed["dismissed_by_name"], "Ada Lovelace");

    let log = admin.get("/api/v1/audit?limit=500").await;
    assert_eq!(log.status, 200, "{}", log.body);
    let events: Vec<&Value> = log.body["events"]
        .as_array()
        .map(|e| e.iter().filter(|e| e["action"] == 502).collect())
        .unwrap_or_default();
    assert_eq!(events.len(), 1, "one dismissal, audited once: {}", log.body);
    assert_eq!(events[0]["details"]["reason"], reason, "{}", events[0]);
    assert_eq!(events[0]["target"], json!({ "kind": "alert", "id": PHISHABLE }), "{}", events[0]);

    // A new privileged role the dismissal did not cover raises the alert again.
    ui_role(&admin, "vault", true).await;
    let listed = admin.get("/api/v1/alerts").await;
    let back = alert(&listed.body, PHISHABLE).unwrap_or_else(|| panic!("not raised again: {}", listed.body));
    assert_eq!(alert_roles(back), ["billing", "reports", "strict", "vault"]);
    Ok(())
}

#[tokio::test]
async fn a_dismissal_needs_a_known_computed_alert_and_a_reason_and_an_administrator() -> TestResult {
    let stack = Stack::start("alerts-dismiss").await;
    let admin = administrator(&stack).await;
    let bob = member(&stack, &admin, "bob", 2).await;
    role(&admin, "billing", |s| s["activation_mfa"]["required"] = json!(false)).await;
    let dismiss = |kind: &str, reason: &str| json!({ "kind": kind, "reason": reason });

    for (body, code, why) in [
        (dismiss(LAX, ""), "bad_request", "an empty reason"),
        (dismiss(LAX, "   "), "bad_request", "a blank reason"),
        (dismiss(LAX, &"x".repeat(501)), "bad_request", "an oversized reason"),
        (dismiss("no_such_alert", "Reviewed"), "bad_request", "an unknown kind"),
        (dismiss("fraud_reported", "Reviewed"), "bad_request", "an alert raised by events"),
        (json!({ "kind": LAX }), "bad_request", "no reason at all"),
        (dismiss("stale_eligibility", "Reviewed"), "not_found", "an alert that does not hold"),
    ] {
        let a = admin.api.post("/api/v1/alerts/dismiss", &body).await;
        assert_eq!(a.code(), code, "{why}: {}", a.body);
    }
    let a = bob.api.post("/api/v1/alerts/dismiss", &dismiss(LAX, "Mine now")).await;
    assert_eq!(a.status, 403, "{}", a.body);

    // Nothing changed: the alert still shows, nothing is dismissed or audited.
    let listed = admin.api.get("/api/v1/alerts").await;
    assert!(alert(&listed.body, LAX).is_some(), "{}", listed.body);
    assert_eq!(listed.body["dismissed"], json!([]));
    let log = admin.api.get("/api/v1/audit?limit=500").await;
    assert!(
        log.body["events"].as_array().is_some_and(|e| e.iter().all(|e| e["action"] != 502)),
        "{}",
        log.body
    );

    let ok = admin.api.post("/api/v1/alerts/dismiss", &dismiss(LAX, "Read-only billing export")).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["alert"]["kind"], LAX);
    assert_eq!(ok.body["reason"], "Read-only billing export");
    Ok(())
}
