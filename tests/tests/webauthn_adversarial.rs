//! Adversarial WebAuthn against the real worker, with a software authenticator whose responses
//! each bend one thing a real attacker could: the origin, the flags, the counter, the credential,
//! the ceremony answered, its age, or how many times it is answered. Each assertion here fails
//! without the protection it names.

use elevate_e2e::soft_authenticator::{Bend, SoftCredential, UP};
use elevate_e2e::stack::{Stack, bootstrap_secret};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The API as a script (or an attacker) sees it.
struct Api<'s> {
    stack: &'s Stack,
    http: reqwest::Client,
    cookie: Option<String>,
}

struct Answer {
    status: u16,
    body: Value,
    session: Option<String>,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl<'s> Api<'s> {
    fn new(stack: &'s Stack) -> Self {
        Self { stack, http: reqwest::Client::new(), cookie: None }
    }

    async fn post_at(&self, path: &str, body: &Value, now_ms: Option<u64>) -> Answer {
        let mut req = self.http.post(self.stack.api(path)).header("x-elevate-csrf", "1").json(body);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("elevate_session={c}"));
        }
        if let Some(t) = now_ms {
            req = req.header("x-elevate-test-now", t.to_string());
        }
        let resp = req.send().await.expect("the worker answers");
        let status = resp.status().as_u16();
        let session = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("elevate_session="))
            .and_then(|v| v.split(';').next())
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        Answer { status, body: resp.json().await.unwrap_or(Value::Null), session }
    }

    async fn post(&self, path: &str, body: &Value) -> Answer {
        self.post_at(path, body, None).await
    }

    async fn bootstrap_open(&self) -> bool {
        let resp = self.http.get(self.stack.api("/api/v1/bootstrap")).send().await.expect("answers");
        resp.json::<Value>().await.map(|v| v["open"] == true).unwrap_or(false)
    }

    async fn start_bootstrap(&self) -> Value {
        let a = self
            .post(
                "/api/v1/bootstrap/passkey/start",
                &json!({ "secret": bootstrap_secret(), "username": "ada", "display_name": "Ada" }),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.body
    }

    async fn finish_bootstrap(&self, started: &Value, credential: Value, now_ms: Option<u64>) -> Answer {
        let body = json!({
            "user_id": started["user_id"], "ceremony_id": started["ceremony_id"],
            "name": "Soft key", "credential": credential,
        });
        self.post_at("/api/v1/bootstrap/passkey/finish", &body, now_ms).await
    }

    async fn start_sign_in(&self) -> Value {
        let a = self.post("/api/v1/sign-in/passkey/start", &json!({ "username": "ada" })).await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.body
    }

    fn finish_body(started: &Value, credential: Value) -> Value {
        json!({ "user_id": started["user_id"], "ceremony_id": started["ceremony_id"], "credential": credential })
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

const FIVE_MINUTES_MS: u64 = 5 * 60 * 1000;

#[tokio::test]
async fn registration_responses_that_bend_a_rule_are_refused_and_change_nothing() -> TestResult {
    let stack = Stack::start_with("adv-register", &[("TEST_CLOCK", "on")]).await;
    let api = Api::new(&stack);
    let origin = stack.origin().to_owned();
    let key = SoftCredential::new(1, 32);
    let honest = Bend::honest(&origin);

    let refused = [
        ("a 1024-byte credential id", SoftCredential::new(2, 1024), honest.clone(), "webauthn_rejected"),
        (
            "another site's origin",
            key.clone(),
            Bend { origin: "https://evil.example".into(), ..honest.clone() },
            "webauthn_rejected",
        ),
        (
            "another relying party",
            key.clone(),
            Bend { rp_id: "evil.example".into(), ..honest.clone() },
            "webauthn_rejected",
        ),
        (
            "no user verification",
            key.clone(),
            Bend { flags: UP, ..honest.clone() },
            "user_verification_required",
        ),
        (
            "an assertion instead",
            key.clone(),
            Bend { ceremony_type: Some("webauthn.get"), ..honest.clone() },
            "webauthn_rejected",
        ),
    ];
    for (what, credential, bend, code) in refused {
        let started = api.start_bootstrap().await;
        let answer =
            api.finish_bootstrap(&started, credential.attest(&started["options"], &bend), None).await;
        assert_eq!((answer.status, answer.code()), (400, code), "{what}: {}", answer.body);
        assert!(api.bootstrap_open().await, "{what} closed the bootstrap");
    }

    // A challenge answered more than five minutes after it was issued is gone.
    let started = api.start_bootstrap().await;
    let late = now_ms() + FIVE_MINUTES_MS + 1_000;
    let answer = api.finish_bootstrap(&started, key.attest(&started["options"], &honest), Some(late)).await;
    assert_eq!((answer.status, answer.code()), (400, "ceremony_not_found"), "{}", answer.body);
    // And a ceremony answered once cannot be answered again, even honestly.
    let answer = api.finish_bootstrap(&started, key.attest(&started["options"], &honest), None).await;
    assert_eq!((answer.status, answer.code()), (400, "ceremony_not_found"));
    assert!(api.bootstrap_open().await);

    // The honest response works.
    let started = api.start_bootstrap().await;
    let answer = api.finish_bootstrap(&started, key.attest(&started["options"], &honest), None).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert!(!api.bootstrap_open().await);
    Ok(())
}

#[tokio::test]
async fn sign_in_assertions_that_bend_a_rule_are_refused() -> TestResult {
    let stack = Stack::start_with("adv-sign-in", &[("TEST_CLOCK", "on")]).await;
    let mut api = Api::new(&stack);
    let origin = stack.origin().to_owned();
    let honest = Bend::honest(&origin);
    let mut key = SoftCredential::new(1, 32);
    let started = api.start_bootstrap().await;
    assert_eq!(
        api.finish_bootstrap(&started, key.attest(&started["options"], &honest), None).await.status,
        201
    );

    let port: u16 = origin.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let origins = [
        ("another site", "https://evil.example".to_owned()),
        ("a lookalike suffix", format!("http://localhost.evil.example:{port}")),
        ("another port", format!("http://localhost:{}", port + 1)),
        ("plain https", format!("https://localhost:{port}")),
    ];
    for (what, bad) in origins {
        let started = api.start_sign_in().await;
        let credential = key.assert(&started["options"], &Bend { origin: bad, ..honest.clone() });
        let a = api.post("/api/v1/sign-in/passkey/finish", &Api::finish_body(&started, credential)).await;
        assert_eq!((a.status, a.code()), (400, "webauthn_rejected"), "{what}: {}", a.body);
        assert!(a.session.is_none(), "{what} opened a session");
    }

    // Without user verification.
    let started = api.start_sign_in().await;
    let credential = key.assert(&started["options"], &Bend { flags: UP, ..honest.clone() });
    let a = api.post("/api/v1/sign-in/passkey/finish", &Api::finish_body(&started, credential)).await;
    assert_eq!((a.status, a.code()), (400, "user_verification_required"), "{}", a.body);

    // A key that was never registered.
    let mut stranger = SoftCredential::new(9, 32);
    let started = api.start_sign_in().await;
    let credential = stranger.assert(&started["options"], &honest);
    let a = api.post("/api/v1/sign-in/passkey/finish", &Api::finish_body(&started, credential)).await;
    assert_eq!((a.status, a.code()), (400, "webauthn_rejected"), "{}", a.body);

    // Fifty concurrent answers to one challenge: exactly one session.
    let started = api.start_sign_in().await;
    let body = Api::finish_body(&started, key.assert(&started["options"], &honest));
    let answers =
        futures::future::join_all((0..50).map(|_| api.post("/api/v1/sign-in/passkey/finish", &body))).await;
    let winners = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(winners, 1, "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    assert!(answers.iter().filter(|a| a.status != 200).all(|a| a.code() == "ceremony_not_found"));
    let cookie = answers.iter().find_map(|a| a.session.clone()).expect("the winner got a session");

    // A signature counter that goes backwards (a cloned key) is refused.
    let started = api.start_sign_in().await;
    let credential = key.assert_with_counter(&started["options"], &honest, key.counter - 1);
    let a = api.post("/api/v1/sign-in/passkey/finish", &Api::finish_body(&started, credential)).await;
    assert_eq!((a.status, a.code()), (400, "webauthn_rejected"), "{}", a.body);

    // A challenge older than five minutes is gone.
    let started = api.start_sign_in().await;
    let credential = key.assert(&started["options"], &honest);
    let late = now_ms() + FIVE_MINUTES_MS + 1_000;
    let a = api
        .post_at("/api/v1/sign-in/passkey/finish", &Api::finish_body(&started, credential), Some(late))
        .await;
    assert_eq!((a.status, a.code()), (400, "ceremony_not_found"), "{}", a.body);

    // A challenge issued for another purpose (adding a key) cannot complete a sign-in.
    api.cookie = Some(cookie);
    let registration = api.post("/api/v1/me/passkeys/start", &json!({})).await;
    assert_eq!(registration.status, 200, "{}", registration.body);
    let credential = key.assert(&registration.body["options"], &honest);
    let a =
        api.post("/api/v1/sign-in/passkey/finish", &Api::finish_body(&registration.body, credential)).await;
    assert_eq!((a.status, a.code()), (400, "ceremony_not_found"), "{}", a.body);

    // After all of that, the honest key still signs in.
    let started = api.start_sign_in().await;
    let credential = key.assert(&started["options"], &honest);
    let a = api.post("/api/v1/sign-in/passkey/finish", &Api::finish_body(&started, credential)).await;
    assert_eq!(a.status, 200, "{}", a.body);
    Ok(())
}
