//! Adversarial WebAuthn against the real worker, with a software authenticator whose responses
//! each bend one thing a real attacker could: the origin, the flags, the counter, the credential,
//! the ceremony answered, its age, or how many times it is answered. Each assertion here fails
//! without the protection it names.

use elevate_e2e::api::{Api, now_ms};
use elevate_e2e::soft_authenticator::{Bend, SoftCredential, UP};
use elevate_e2e::stack::Stack;
use serde_json::json;

type TestResult = Result<(), Box<dyn std::error::Error>>;

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

    // The counter that went backwards raised an alert for administrators, naming the key.
    let alerts = api.get("/api/v1/alerts/raised").await;
    assert_eq!(alerts.status, 200, "{}", alerts.body);
    let clone = alerts.body["alerts"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["kind"] == "counter_regression"))
        .unwrap_or_else(|| panic!("no counter_regression alert: {}", alerts.body));
    assert_eq!(clone["severity"], "high");
    assert_eq!(clone["details"]["credential_id"], json!(key.id_b64()), "{clone}");
    Ok(())
}
