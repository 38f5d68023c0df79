//! Role administration through the UI: an administrator edits a role's settings (Edit → Save,
//! with the server's validation shown and nothing saved when invalid) and makes a person eligible
//! from the role blade, at desktop and phone widths.

use elevate_e2e::api::Api;
use elevate_e2e::browser::{Portal, WAIT};
use elevate_e2e::stack::Stack;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn an_administrator_edits_settings_and_assigns_a_member_from_the_role_blade() -> TestResult {
    let stack = Stack::start("roles-ui").await;
    let portal = Portal::open(&stack, "roles-ui").await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    let admin = Api::new(&stack).with_cookie(&portal.browser.cookie("elevate_session").await?);
    let bob = admin
        .post("/api/v1/users/create", &json!({ "username": "bob", "display_name": "Bob Operator" }))
        .await;
    assert_eq!(bob.status, 201, "{}", bob.body);
    let created = admin
        .post(
            "/api/v1/roles/create",
            &json!({ "id": "db-reader", "name": "Database reader", "privileged": true, "scope": "/" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);

    portal.browser.goto(&format!("{}/roles", portal.base_url)).await?;
    portal.expect_text("li.role[data-role='db-reader']", "Database reader").await?;
    portal.click("#open-role-db-reader").await?;

    // Settings: an invalid combination is refused with the server's reason and nothing saved.
    portal.click("#tab-settings").await?;
    portal.click("#settings-edit").await?;
    portal.click("#set-approval-required").await?;
    portal.click("#settings-save").await?;
    portal.expect_text("#settings-status", "approv").await?;
    let saved = admin.get("/api/v1/roles").await;
    assert_eq!(saved.body["roles"][0]["settings"]["approval"]["required"], false, "nothing was saved");
    // A valid change: approval off again, a 4-hour maximum.
    portal.click("#set-approval-required").await?;
    portal.replace("#set-max-activation", "4").await?;
    portal.click("#settings-save").await?;
    portal.browser.wait_for("#settings-view", WAIT).await?;
    let saved = admin.get("/api/v1/roles").await;
    assert_eq!(saved.body["roles"][0]["settings"]["max_activation"], 4 * 3_600_000, "{}", saved.body);
    portal.screenshot("role-settings-desktop").await?;

    // Members, on a phone: make Bob eligible.
    portal.browser.emulate_width(Some(390)).await?;
    portal.click("#tab-members").await?;
    let bob_id = bob.body["user"]["id"].as_str().unwrap_or_default().to_owned();
    portal
        .browser
        .execute(
            "const s = document.querySelector('#add-member-user'); s.value = arguments[0]; \
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(bob_id)],
        )
        .await?;
    portal.click("#add-member").await?;
    portal.expect_text("#members-eligible", "Bob Operator").await?;
    assert!(portal.horizontal_overflow().await? <= 0, "the role blade overflows at 390 px");
    portal.screenshot("role-members-390px").await?;
    let members = admin.get("/api/v1/assignments?role=db-reader").await;
    assert_eq!(members.body["assignments"][0]["principal"], json!(bob_id), "{}", members.body);

    // Details: a new name is saved; deleting is refused while Bob is eligible, and nothing goes.
    portal.click("#tab-details").await?;
    portal.replace("#role-name", "Database reader (prod)").await?;
    portal.click("#role-details-save").await?;
    portal.expect_text("#role-details-status", "Saved").await?;
    portal.expect_text("#role-blade-heading", "Database reader (prod)").await?;
    portal.click("#role-delete").await?;
    portal.click("#role-delete-confirm").await?;
    portal.expect_text("#role-details-status", "still has 1 assignment").await?;
    assert!(portal.horizontal_overflow().await? <= 0, "the Details tab overflows at 390 px");
    portal.screenshot("role-details-390px").await?;
    assert_eq!(admin.get("/api/v1/roles").await.body["roles"].as_array().map(Vec::len), Some(1));
    // A role nothing rests on goes, and the blade closes.
    let scratch = admin
        .post(
            "/api/v1/roles/create",
            &json!({ "id": "scratch", "name": "Scratch", "privileged": false, "scope": "/" }),
        )
        .await;
    assert_eq!(scratch.status, 201, "{}", scratch.body);
    portal.browser.goto(&format!("{}/roles", portal.base_url)).await?;
    portal.click("#open-role-scratch").await?;
    portal.click("#tab-details").await?;
    portal.click("#role-delete").await?;
    portal.click("#role-delete-confirm").await?;
    portal.browser.wait_for_gone("#role-blade", WAIT).await?;
    let left: Vec<Value> =
        admin.get("/api/v1/roles").await.body["roles"].as_array().cloned().unwrap_or_default();
    assert_eq!(left.iter().map(|r| r["role"]["id"].clone()).collect::<Vec<_>>(), [json!("db-reader")]);
    Ok(())
}
