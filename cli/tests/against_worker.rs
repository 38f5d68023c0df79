//! The `elevate` binary against the real worker (`wrangler dev`, local KV and Durable Objects):
//! with an administrator's API token it creates a person and a role, requires phishing-resistant
//! MFA on the role, makes the person eligible, and disables someone — each checked through the
//! API as the portal reads it. And what a token cannot do: act beyond its scopes, loosen a role,
//! activate one, change who is an administrator, or work after it is revoked.

use elevate_e2e::api::{Api, now_ms};
use elevate_e2e::stack::Stack;
use elevate_e2e::tenant::{administrator, member};
use elevate_shared::api::paths;
use serde_json::{Value, json};
use std::process::Command;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Runs `elevate` with the token; returns (succeeded, stdout, stderr).
fn elevate(stack: &Stack, token: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_elevate"))
        .args(["--url", &stack.api(""), "--token", token])
        .args(args)
        .output()
        .expect("the elevate binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn token(admin: &Api<'_>, scopes: &[&str]) -> String {
    let created = admin
        .post(paths::TOKEN_CREATE, &json!({ "name": "provisioning", "scopes": scopes, "days": 1 }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    created.body["token"].as_str().unwrap_or_default().to_owned()
}

fn role<'v>(roles: &'v Value, id: &str) -> &'v Value {
    roles["roles"].as_array().and_then(|r| r.iter().find(|r| r["role"]["id"] == id)).unwrap_or(&Value::Null)
}

#[tokio::test]
async fn the_cli_creates_users_and_roles_requires_mfa_and_assigns_with_a_scoped_revocable_token() -> TestResult
{
    let stack = Stack::start("cli").await;
    let ada = administrator(&stack).await;
    let carol = member(&stack, &ada, "carol", 3).await;
    let carol_id = carol.id.clone();
    let full = token(&ada.api, &["read", "users", "roles", "assignments"]).await;

    // New-PAMUser: the person and the link that lets them in.
    let (ok, out, err) = elevate(&stack, &full, &["users", "new", "bob", "--name", "Bob Operator"]);
    assert!(ok, "{err}");
    assert!(out.contains("bob \"Bob Operator\"") && out.contains("/enrol#code="), "{out}");

    // New-PAMRole, then Set-PAMRole: MFA on activation, phishing-resistant only.
    let (ok, out, err) =
        elevate(&stack, &full, &["roles", "new", "db-reader", "--name", "Database reader", "--privileged"]);
    assert!(ok && out.starts_with("db-reader"), "{out}{err}");
    // A token may make a role stricter, never looser: switching MFA off is refused, nothing saved.
    let (ok, _, err) = elevate(&stack, &full, &["roles", "set", "db-reader", "--mfa", "off"]);
    assert!(!ok && err.contains("cannot loosen a role (MFA on activation)"), "{err}");
    assert_eq!(
        role(&ada.api.get(paths::ROLES).await.body, "db-reader")["settings"]["activation_mfa"]["required"],
        true
    );
    let (ok, out, err) = elevate(
        &stack,
        &full,
        &["roles", "set", "db-reader", "--mfa", "phishing-resistant", "--max-hours", "2"],
    );
    assert!(ok && out.contains("mfa=phishing-resistant max=2h"), "{out}{err}");
    let roles = ada.api.get(paths::ROLES).await.body;
    let mfa = &role(&roles, "db-reader")["settings"]["activation_mfa"];
    assert_eq!(
        (mfa["required"].as_bool(), mfa["authenticators"]["allowed"].as_str()),
        (Some(true), Some("phishing_resistant"))
    );

    // Assign: bob eligible for 30 days.
    let (ok, out, err) = elevate(&stack, &full, &["assign", "bob", "db-reader", "--days", "30"]);
    assert!(ok && out.contains("Eligible"), "{out}{err}");
    let members = ada.api.get("/api/v1/assignments?role=db-reader").await.body;
    let users = ada.api.get(paths::USERS).await.body;
    let bob_id = users["users"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["username"] == "bob"))
        .map(|u| u["id"].clone());
    let assignment = &members["assignments"][0];
    assert_eq!(
        (&assignment["principal"], &assignment["kind"]),
        (&bob_id.unwrap_or_default(), &json!("eligible"))
    );
    let end = assignment["end"].as_u64().unwrap_or_default();
    assert!(end.abs_diff(now_ms() + 30 * 86_400_000) < 600_000, "about 30 days from now: {assignment}");

    // Set-PAMUser: disabling carol ends her session at once, and she cannot sign in again.
    let (ok, out, err) = elevate(&stack, &full, &["users", "set", "carol", "--disable"]);
    assert!(ok && out.contains("disabled"), "{out}{err}");
    assert_eq!(carol.api.get(paths::ME).await.status, 401, "her session ended");
    // Refused before any ceremony is made for her.
    let again = Api::new(&stack).post(paths::SIGN_IN_PASSKEY_START, &json!({ "username": "carol" })).await;
    assert_eq!((again.status, again.code()), (403, "account_disabled"), "{}", again.body);
    // Who administers Elevate changes only by a person's hand, never a token's.
    let (ok, _, err) = elevate(&stack, &full, &["users", "set", "ada", "--no-admin"]);
    assert!(!ok && err.contains("forbidden") && err.contains("API token cannot"), "{err}");
    let (ok, _, err) = elevate(&stack, &full, &["users", "new", "mallory", "--name", "Mallory", "--admin"]);
    assert!(!ok && err.contains("create an administrator"), "{err}");
    // An invitation for someone who has set up sign-in would hand over their account.
    let carol_again = ada.api.post(paths::USER_INVITE, &json!({ "user": carol_id })).await;
    assert_eq!((carol_again.status, carol_again.code()), (409, "already_enrolled"), "{}", carol_again.body);

    // What a token cannot do. Beyond its scopes:
    let reader = token(&ada.api, &["read"]).await;
    let (ok, _, err) = elevate(&stack, &reader, &["roles", "new", "vault", "--name", "Vault"]);
    assert!(!ok && err.contains("forbidden (403)") && err.contains("`roles` scope"), "{err}");
    assert!(
        ada.api.get(paths::ROLES).await.body["roles"].as_array().is_some_and(|r| r.len() == 1),
        "nothing created"
    );
    // Activate anything, or reach a person's own endpoints: a token is no session.
    let http = reqwest::Client::new();
    for (path, body) in [
        (paths::ACTIVATIONS, json!({ "role": "db-reader", "scope": "/", "duration": 3_600_000 })),
        (paths::TOKEN_CREATE, json!({ "name": "more", "scopes": ["read"], "days": 1 })),
        (paths::USER_BYPASS, json!({ "user": ada.id, "minutes": 10, "uses": 1 })),
    ] {
        let resp = http
            .post(stack.api(path))
            .bearer_auth(&full)
            .header(elevate_shared::api::CSRF_HEADER, elevate_shared::api::CSRF_VALUE)
            .json(&body)
            .send()
            .await?;
        assert!(matches!(resp.status().as_u16(), 401 | 403), "{path} took a token: {}", resp.status());
    }

    // Revoked: the very next call is refused, and both are on record.
    let listed = ada.api.get(paths::TOKENS).await.body;
    let full_id = listed["tokens"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["scopes"].as_array().is_some_and(|s| s.len() == 4)))
        .map(|t| t["id"].clone());
    let revoked = ada.api.post(paths::TOKEN_REVOKE, &json!({ "id": full_id })).await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let (ok, _, err) = elevate(&stack, &full, &["users", "list"]);
    assert!(!ok && err.contains("unauthenticated (401)"), "{err}");
    let log = ada.api.get("/api/v1/audit/search?action=604").await.body;
    assert_eq!(log["events"].as_array().map(Vec::len), Some(1), "{log}");
    let log = ada.api.get("/api/v1/audit/search?action=603").await.body;
    assert_eq!(log["events"].as_array().map(Vec::len), Some(2), "{log}");
    Ok(())
}
