//! Alerts computed from state, against the real worker: the "roles don't require MFA" alert
//! lists the roles, its bulk Fix makes them require MFA, the alert clears, and only
//! administrators may read or fix.

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
