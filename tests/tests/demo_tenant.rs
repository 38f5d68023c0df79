//! The local demo tenant `cargo xtask dev` seeds: once, through the real objects, with people
//! who can sign in with the printed details and roles that show something real at once.

use elevate_e2e::api::Api;
use elevate_e2e::peers::{pyotp_code, unix_now};
use elevate_e2e::stack::Stack;
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn the_demo_tenant_is_seeded_once_and_its_people_sign_in_with_the_printed_details() -> TestResult {
    let stack = Stack::start_with("demo", &[("DEMO_TENANT", "on")]).await;
    let anon = Api::new(&stack);
    let first = anon.post("/api/v1/demo/seed", &json!({})).await;
    assert_eq!((first.status, first.body["created"].as_bool()), (200, Some(true)), "{}", first.body);
    let again = anon.post("/api/v1/demo/seed", &json!({})).await;
    assert_eq!(again.body["created"], false, "seeded once");
    assert_eq!(again.body["accounts"], first.body["accounts"]);
    let account = |name: &str| {
        first.body["accounts"].as_array().and_then(|a| a.iter().find(|a| a["username"] == name)).cloned()
    };
    let bob = account("bob").expect("bob is a demo person");

    // Bob: password, then a code from the printed authenticator URI (computed by pyotp).
    let step = anon
        .post("/api/v1/sign-in/password", &json!({ "username": "bob", "password": bob["password"] }))
        .await;
    assert_eq!(step.body["step"], "second_factor", "{}", step.body);
    let uri = bob["otpauth_uri"].as_str().unwrap_or_default();
    let code = pyotp_code(uri, unix_now());
    let done = anon
        .post(
            "/api/v1/sign-in/second-factor/totp",
            &json!({ "user_id": step.body["user_id"], "ticket": step.body["ticket"], "code": code }),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let bob_api = anon.with_cookie(&done.session.expect("bob signed in"));
    let roles = bob_api.get("/api/v1/me/roles").await;
    let eligible: Vec<&str> = roles.body["eligible"]
        .as_array()
        .map(|e| e.iter().filter_map(|r| r["role"]["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(eligible.len(), 3, "{}", roles.body);
    assert!(eligible.contains(&"prod-admin"), "{eligible:?}");

    // Dave: password only (he has no second factor), and a history of two past activations.
    let dave = account("dave").expect("dave is a demo person");
    let dave_in = anon
        .post("/api/v1/sign-in/password", &json!({ "username": "dave", "password": dave["password"] }))
        .await;
    assert_eq!(dave_in.body["step"], "signed_in", "{}", dave_in.body);
    let dave_api = anon.with_cookie(&dave_in.session.expect("dave signed in"));
    let history = dave_api.get("/api/v1/me/requests").await;
    let states: Vec<&str> = history.body["requests"]
        .as_array()
        .map(|r| r.iter().filter_map(|q| q["state"]["state"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(states, ["expired", "expired"], "{}", history.body);
    Ok(())
}
