//! Every administrator operation refuses everyone else, read from `docs/openapi.json` rather than
//! listed here: each operation whose `x-elevate-access` is `admin` is called with its documented
//! request example (and query parameter examples) by a signed-in member, who must get 403
//! `forbidden`, and by a caller with no session, who must get 401 `unauthenticated`. Afterwards the
//! administrator's view of people, roles, assignments, tokens and alerts is unchanged. A new
//! administrator endpoint is covered as soon as it is documented, and `shared/tests/openapi.rs`
//! makes sure it is.

use elevate_e2e::api::{Answer, Api};
use elevate_e2e::stack::{Stack, root};
use elevate_e2e::tenant::{administrator, member, role};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::routes::{Access, HttpMethod};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The person the document's examples name. The test points those examples at the
/// administrator, so a call that got through would change something the snapshot sees.
const EXAMPLE_PERSON: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
/// The role the document's examples name; the test creates it, for the same reason.
const EXAMPLE_ROLE: &str = "global-admin";

/// One administrator operation as the document describes it.
#[derive(Debug)]
struct Operation {
    method: HttpMethod,
    /// The path with its documented query parameters.
    url: String,
    body: Value,
}

fn admin_operations(doc: &Value, admin_id: &str) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("the document has paths") {
        for (key, op) in item.as_object().expect("a path item is an object") {
            let method = HttpMethod::from_openapi_key(key).expect("a method the API answers");
            let access: Access = serde_json::from_value(op["x-elevate-access"].clone())
                .expect("every operation says who may call it");
            if access != Access::Admin {
                continue;
            }
            let query: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| Some(format!("{}={}", p["name"].as_str()?, scalar(p.get("example")?)?)))
                .collect();
            let url = if query.is_empty() { path.clone() } else { format!("{path}?{}", query.join("&")) };
            let example = op["requestBody"]["content"]["application/json"]["example"].clone();
            let body = if example.is_null() { json!({}) } else { example };
            let body = serde_json::from_str(&body.to_string().replace(EXAMPLE_PERSON, admin_id))
                .expect("the example stays JSON");
            ops.push(Operation { method, url, body });
        }
    }
    ops
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

async fn call(api: &Api<'_>, op: &Operation) -> Answer {
    match op.method {
        HttpMethod::Get => api.get(&op.url).await,
        HttpMethod::Post => api.post(&op.url, &op.body).await,
    }
}

/// What an administrator sees of the tenant's state.
async fn snapshot(admin: &Api<'_>) -> Vec<Value> {
    let mut seen = Vec::new();
    for path in [
        "/api/v1/users".to_owned(),
        "/api/v1/roles".to_owned(),
        format!("/api/v1/assignments?role={EXAMPLE_ROLE}"),
        "/api/v1/oath-tokens".to_owned(),
    ] {
        let a = admin.get(&path).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        seen.push(a.body);
    }
    let alerts = admin.get("/api/v1/alerts").await;
    assert_eq!(alerts.status, 200, "{}", alerts.body);
    seen.push(alerts.body["dismissed"].clone());
    seen
}

#[tokio::test]
async fn every_administrator_operation_refuses_members_and_strangers_and_changes_nothing() -> TestResult {
    let text = std::fs::read_to_string(root().join("docs/openapi.json"))?;
    let doc: Value = serde_json::from_str(&text)?;

    let stack = Stack::start("admin-access").await;
    let admin = administrator(&stack).await;
    let bob = member(&stack, &admin, "bob", 2).await;
    role(&admin, EXAMPLE_ROLE, |_| {}).await;
    let anon = Api::new(&stack);

    let ops = admin_operations(&doc, &admin.id);
    assert!(ops.len() >= 20, "only {} administrator operations documented", ops.len());
    let before = snapshot(&admin.api).await;

    let forbidden = (ErrorCode::Forbidden.http_status(), ErrorCode::Forbidden.as_str());
    let unauthenticated = (ErrorCode::Unauthenticated.http_status(), ErrorCode::Unauthenticated.as_str());
    let mut wrong = Vec::new();
    for op in &ops {
        let as_member = call(&bob.api, op).await;
        if (as_member.status, as_member.code()) != forbidden {
            wrong.push(format!(
                "{} {} as a member: {} {}",
                op.method.as_str(),
                op.url,
                as_member.status,
                as_member.body
            ));
        }
        let as_nobody = call(&anon, op).await;
        if (as_nobody.status, as_nobody.code()) != unauthenticated {
            wrong.push(format!(
                "{} {} with no session: {} {}",
                op.method.as_str(),
                op.url,
                as_nobody.status,
                as_nobody.body
            ));
        }
    }
    assert!(wrong.is_empty(), "administrator operations that did not refuse:\n{}", wrong.join("\n"));

    assert_eq!(snapshot(&admin.api).await, before, "a refused call changed the tenant");
    // Bob is still a plain member and still signed in.
    let me = bob.api.get("/api/v1/me").await;
    assert_eq!((me.status, me.body["is_admin"].as_bool()), (200, Some(false)), "{}", me.body);
    Ok(())
}
