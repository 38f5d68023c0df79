//! People other than the first administrator, against the real worker: invitations, password
//! sign-in with a second factor whose codes pyotp computes, lock-out under brute force and in
//! parallel, the fraud lock, the one-time bypass, the reset, and everything an administrator
//! may do that nobody else may.

use elevate_e2e::api::{Answer, Api, now_ms};
use elevate_e2e::peers::pyotp_code;
use elevate_e2e::soft_authenticator::{Bend, SoftCredential};
use elevate_e2e::stack::Stack;
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const PASSWORD: &str = "violet kettle harbour 42";
/// No delays, lock-out at the fifth consecutive failure: the tests are about counting.
const LOCKOUT: &str =
    r#"{"free_attempts":4,"base_delay":0,"max_delay":0,"lockout_after":5,"lockout_duration":900000}"#;

/// Enrols `ada` with a software passkey and signs her in; returns her signed-in client.
async fn administrator(stack: &Stack) -> Api<'_> {
    let api = Api::new(stack);
    let honest = Bend::honest(stack.origin());
    let mut key = SoftCredential::new(1, 32);
    let started = api.start_bootstrap().await;
    let enrolled = api.finish_bootstrap(&started, key.attest(&started["options"], &honest), None).await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let started = api.start_sign_in().await;
    let a = api
        .post(
            "/api/v1/sign-in/passkey/finish",
            &Api::finish_body(&started, key.assert(&started["options"], &honest)),
        )
        .await;
    api.with_cookie(&a.session.expect("ada signed in"))
}

/// Creates `username` and returns their id and invitation code.
async fn invite(admin: &Api<'_>, username: &str) -> (String, String) {
    let a = admin
        .post(
            "/api/v1/users/create",
            &json!({ "username": username, "display_name": username.to_uppercase() }),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let id = a.body["user"]["id"].as_str().unwrap_or_default().to_owned();
    (id, a.body["invitation"]["code"].as_str().unwrap_or_default().to_owned())
}

fn status_of<'v>(list: &'v Answer, username: &str) -> &'v Value {
    list.body["users"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["username"] == username))
        .map(|u| &u["status"])
        .unwrap_or_else(|| panic!("{username} is not listed: {}", list.body))
}

fn step_start(ms: u64) -> u64 {
    (ms / 30_000 + 2) * 30_000
}

async fn password_sign_in(api: &Api<'_>, username: &str, password: &str, at: Option<u64>) -> Answer {
    api.post_at("/api/v1/sign-in/password", &json!({ "username": username, "password": password }), at).await
}

#[tokio::test]
async fn an_invited_person_signs_in_with_a_password_and_a_code_that_pyotp_computes() -> TestResult {
    let stack = Stack::start_with("accounts-totp", &[("TEST_CLOCK", "on"), ("MFA_LOCKOUT", LOCKOUT)]).await;
    let admin = administrator(&stack).await;
    let anon = Api::new(&stack);
    let (_, code) = invite(&admin, "bob").await;

    // The invitation names its person; a weak password is refused and the invitation survives.
    let status = anon.post("/api/v1/enrol/status", &json!({ "code": code })).await;
    assert_eq!((status.status, status.body["username"].as_str()), (200, Some("bob")), "{}", status.body);
    let weak =
        anon.post("/api/v1/enrol/password", &json!({ "code": code, "password": "bob-is-short" })).await;
    assert_eq!((weak.status, weak.code()), (400, "password_rejected"), "{}", weak.body);
    // Flip the last hex digit (always to a different one, so the forgery never equals the code).
    let last = if code.ends_with('0') { '1' } else { '0' };
    let tampered = format!("{}{last}", &code[..code.len() - 1]);
    let forged =
        anon.post("/api/v1/enrol/password", &json!({ "code": tampered, "password": PASSWORD })).await;
    assert_eq!((forged.status, forged.code()), (400, "invitation_invalid"), "{}", forged.body);
    let enrolled = anon.post("/api/v1/enrol/password", &json!({ "code": code, "password": PASSWORD })).await;
    assert_eq!(enrolled.status, 200, "{}", enrolled.body);
    let again = anon.post("/api/v1/enrol/password", &json!({ "code": code, "password": PASSWORD })).await;
    assert_eq!((again.status, again.code()), (400, "invitation_invalid"), "an invitation works once");
    let bob = anon.with_cookie(&enrolled.session.expect("enrolment signs in"));

    // Without a second factor, the password alone signs in (and the session holds no MFA).
    let plain = password_sign_in(&anon, "bob", PASSWORD, None).await;
    assert_eq!((plain.status, plain.body["step"].as_str()), (200, Some("signed_in")), "{}", plain.body);
    assert!(plain.body["me"]["session"]["last_mfa"].is_null());

    // Bob adds an authenticator app; pyotp computes every code from the otpauth:// URI.
    let t = step_start(now_ms());
    let started = bob.post_at("/api/v1/me/totp/start", &json!({ "name": "Phone" }), Some(t)).await;
    let uri = started.body["otpauth_uri"].as_str().unwrap_or_default().to_owned();
    let finish = json!({ "enrolment_id": started.body["enrolment_id"], "code": pyotp_code(&uri, t / 1000) });
    assert_eq!(bob.post_at("/api/v1/me/totp/finish", &finish, Some(t)).await.status, 201);

    // Now a right password only leads to the second factor.
    let step = password_sign_in(&anon, "bob", PASSWORD, Some(t + 1_000)).await;
    assert_eq!((step.status, step.body["step"].as_str()), (200, Some("second_factor")), "{}", step.body);
    assert!(step.session.is_none(), "no session before the second factor");
    assert_eq!((step.body["totp"].as_bool(), step.body["passkey"].is_null()), (Some(true), true));
    let prompts = bob.get("/api/v1/me/prompts").await;
    assert_eq!(prompts.body["prompts"].as_array().map(Vec::len), Some(1), "{}", prompts.body);
    let answer = |code: String| json!({ "user_id": step.body["user_id"], "ticket": step.body["ticket"], "code": code });

    // The enrolment's code was used there; the next step's works once.
    let replay = anon
        .post_at("/api/v1/sign-in/second-factor/totp", &answer(pyotp_code(&uri, t / 1000)), Some(t + 2_000))
        .await;
    assert_eq!((replay.status, replay.code()), (400, "mfa_code_rejected"), "{}", replay.body);
    let next = pyotp_code(&uri, t / 1000 + 30);
    let done =
        anon.post_at("/api/v1/sign-in/second-factor/totp", &answer(next.clone()), Some(t + 30_000)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.session.is_some());
    assert_eq!(done.body["session"]["last_mfa"]["method"], "totp");
    let twice = anon.post_at("/api/v1/sign-in/second-factor/totp", &answer(next), Some(t + 31_000)).await;
    assert_eq!((twice.status, twice.code()), (400, "ceremony_not_found"), "the ticket works once");

    // Fifty concurrent second factors with one valid code on fifty tickets: one session.
    let t2 = t + 60_000;
    let mut tickets = Vec::new();
    for i in 0..50 {
        let s = password_sign_in(&anon, "bob", PASSWORD, Some(t2 + i)).await;
        assert_eq!(s.status, 200, "{}", s.body);
        tickets.push(json!({ "user_id": s.body["user_id"], "ticket": s.body["ticket"], "code": pyotp_code(&uri, t2 / 1000) }));
    }
    let answers = futures::future::join_all(
        tickets.iter().map(|b| anon.post_at("/api/v1/sign-in/second-factor/totp", b, Some(t2 + 100))),
    )
    .await;
    let winners = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(
        winners,
        1,
        "{:?}",
        answers.iter().map(|a| (a.status, a.code().to_owned())).collect::<Vec<_>>()
    );

    // The administrator sees bob's methods.
    let list = admin.get("/api/v1/users").await;
    let bob_status = status_of(&list, "bob");
    assert_eq!(
        (bob_status["has_password"].as_bool(), bob_status["totp_methods"].as_u64()),
        (Some(true), Some(1))
    );
    Ok(())
}

#[tokio::test]
async fn guessing_locks_out_fraud_locks_until_unlocked_and_bypass_and_reset_do_what_they_say() -> TestResult {
    let stack =
        Stack::start_with("accounts-lockout", &[("TEST_CLOCK", "on"), ("MFA_LOCKOUT", LOCKOUT)]).await;
    let admin = administrator(&stack).await;
    let anon = Api::new(&stack);
    let (bob_id, code) = invite(&admin, "bob").await;
    let enrolled = anon.post("/api/v1/enrol/password", &json!({ "code": code, "password": PASSWORD })).await;
    let bob = anon.with_cookie(&enrolled.session.expect("bob signed in"));
    let t = step_start(now_ms());
    let started = bob.post_at("/api/v1/me/totp/start", &json!({ "name": "Phone" }), Some(t)).await;
    let uri = started.body["otpauth_uri"].as_str().unwrap_or_default().to_owned();
    let finish = json!({ "enrolment_id": started.body["enrolment_id"], "code": pyotp_code(&uri, t / 1000) });
    assert_eq!(bob.post_at("/api/v1/me/totp/finish", &finish, Some(t)).await.status, 201);

    // Twenty guesses at once: at most five are ever checked; the rest wait out the lock-out.
    let wrong: Vec<String> = (0..20).map(|i| format!("wrong guess number {i}")).collect();
    let guesses =
        futures::future::join_all(wrong.iter().map(|w| password_sign_in(&anon, "bob", w, None))).await;
    let checked = guesses.iter().filter(|a| a.code() == "sign_in_failed").count();
    assert!(checked <= 5, "{checked} guesses were checked");
    assert!(guesses.iter().all(|a| matches!(a.code(), "sign_in_failed" | "mfa_locked_out")));
    let right = password_sign_in(&anon, "bob", PASSWORD, None).await;
    assert_eq!((right.status, right.code()), (423, "mfa_locked_out"), "even the right password waits");
    let list = admin.get("/api/v1/users").await;
    assert!(status_of(&list, "bob")["locked_until"].is_u64(), "{}", list.body);
    let alerts = admin.get("/api/v1/alerts/raised").await;
    assert!(
        alerts.body["alerts"].as_array().is_some_and(|a| a.iter().any(|a| a["kind"] == "account_locked_out"))
    );
    assert_eq!(admin.post("/api/v1/users/unlock", &json!({ "user": bob_id })).await.status, 200);
    let step = password_sign_in(&anon, "bob", PASSWORD, None).await;
    assert_eq!(step.body["step"], "second_factor", "{}", step.body);

    // "This wasn't me": the prompt dies, other sessions end, the account locks until unlocked.
    let other = password_sign_in(&anon, "bob", PASSWORD, Some(t + 30_000)).await;
    let other_session = anon
        .post_at(
            "/api/v1/sign-in/second-factor/totp",
            &json!({ "user_id": bob_id, "ticket": other.body["ticket"], "code": pyotp_code(&uri, t / 1000 + 30) }),
            Some(t + 30_000),
        )
        .await
        .session
        .expect("a second session");
    let report = bob.post("/api/v1/me/fraud-report", &json!({ "ticket": step.body["ticket"] })).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(
        (report.body["prompts_cancelled"].as_u64(), report.body["sessions_ended"].as_u64()),
        (Some(1), Some(1))
    );
    let dead = anon
        .post(
            "/api/v1/sign-in/second-factor/totp",
            &json!({ "user_id": bob_id, "ticket": step.body["ticket"], "code": "123456" }),
        )
        .await;
    assert_eq!(dead.code(), "ceremony_not_found");
    assert_eq!(anon.with_cookie(&other_session).get("/api/v1/me").await.status, 401);
    let locked = password_sign_in(&anon, "bob", PASSWORD, None).await;
    assert_eq!((locked.status, locked.code()), (423, "account_locked"), "{}", locked.body);
    let alerts = admin.get("/api/v1/alerts/raised").await;
    let fraud = alerts.body["alerts"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["kind"] == "fraud_reported"))
        .cloned();
    assert_eq!(fraud.map(|f| f["severity"].clone()), Some(json!("high")), "{}", alerts.body);
    assert_eq!(admin.post("/api/v1/users/unlock", &json!({ "user": bob_id })).await.status, 200);

    // A one-time bypass: offered once, used once, never a fresh MFA.
    let bad = admin.post("/api/v1/users/bypass", &json!({ "user": bob_id, "minutes": 600, "uses": 1 })).await;
    assert_eq!((bad.status, bad.code()), (400, "bad_request"));
    let own = admin.get("/api/v1/me").await.body["user_id"].clone();
    let selfish = admin.post("/api/v1/users/bypass", &json!({ "user": own, "minutes": 10, "uses": 1 })).await;
    assert_eq!((selfish.status, selfish.code()), (403, "forbidden"));
    assert_eq!(
        admin.post("/api/v1/users/bypass", &json!({ "user": bob_id, "minutes": 10, "uses": 1 })).await.status,
        200
    );
    let step = password_sign_in(&anon, "bob", PASSWORD, None).await;
    assert_eq!(step.body["bypass"], true, "{}", step.body);
    let ticket = json!({ "user_id": bob_id, "ticket": step.body["ticket"] });
    let bypassed = anon.post("/api/v1/sign-in/second-factor/bypass", &ticket).await;
    assert_eq!(
        (bypassed.status, bypassed.body["session"]["last_mfa"]["method"].as_str()),
        (200, Some("bypass"))
    );
    let bypassed_bob = anon.with_cookie(&bypassed.session.expect("a session"));
    let change =
        bypassed_bob.post("/api/v1/me/password", &json!({ "new": "a different passphrase 7" })).await;
    assert_eq!((change.status, change.code()), (403, "mfa_required"), "a bypass is not an MFA");
    let step = password_sign_in(&anon, "bob", PASSWORD, None).await;
    assert_eq!(step.body["bypass"], false, "the one use is spent");

    // A reset removes every method and session and hands out a new invitation.
    let reset = admin.post("/api/v1/users/reset-methods", &json!({ "user": bob_id })).await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(bypassed_bob.get("/api/v1/me").await.status, 401);
    let gone = password_sign_in(&anon, "bob", PASSWORD, None).await;
    assert_eq!(gone.code(), "sign_in_failed");
    let list = admin.get("/api/v1/users").await;
    let s = status_of(&list, "bob");
    assert_eq!((s["has_password"].as_bool(), s["totp_methods"].as_u64()), (Some(false), Some(0)), "{s}");
    assert!(s["invitation_expires_at"].is_u64());
    let fresh = reset.body["invitation"]["code"].as_str().unwrap_or_default();
    assert_eq!(anon.post("/api/v1/enrol/status", &json!({ "code": fresh })).await.status, 200);
    Ok(())
}

#[tokio::test]
async fn another_persons_passkey_or_ceremony_is_refused_and_only_administrators_administer() -> TestResult {
    let stack = Stack::start_with("accounts-foreign", &[("TEST_CLOCK", "on")]).await;
    let admin = administrator(&stack).await;
    let anon = Api::new(&stack);
    let honest = Bend::honest(stack.origin());
    let (_, code) = invite(&admin, "bob").await;

    // Bob enrols a passkey with his invitation.
    let mut bob_key = SoftCredential::new(2, 32);
    let started = anon.post("/api/v1/enrol/passkey/start", &json!({ "code": code })).await;
    assert_eq!(started.status, 200, "{}", started.body);
    let registration = json!({
        "user_id": started.body["user_id"], "ceremony_id": started.body["ceremony_id"], "name": "Bob's key",
        "credential": bob_key.attest(&started.body["options"], &honest),
    });
    let enrolled = anon
        .post("/api/v1/enrol/passkey/finish", &json!({ "code": code, "registration": registration }))
        .await;
    assert_eq!(enrolled.status, 200, "{}", enrolled.body);
    assert_eq!(enrolled.body["session"]["last_mfa"]["method"], "passkey");
    assert!(enrolled.session.is_some(), "bob signed in");

    // Bob's key answering a challenge issued for ada: refused, no session.
    let for_ada = anon.start_sign_in_as("ada").await;
    let foreign = anon
        .post(
            "/api/v1/sign-in/passkey/finish",
            &Api::finish_body(&for_ada, bob_key.assert(&for_ada["options"], &honest)),
        )
        .await;
    assert_eq!((foreign.status, foreign.code()), (400, "webauthn_rejected"), "{}", foreign.body);
    assert!(foreign.session.is_none());

    // A challenge issued for bob, answered by bob, but presented as ada's: not found.
    let for_bob = anon.start_sign_in_as("bob").await;
    let mut misrouted = Api::finish_body(&for_bob, bob_key.assert(&for_bob["options"], &honest));
    misrouted["user_id"] = for_ada["user_id"].clone();
    let a = anon.post("/api/v1/sign-in/passkey/finish", &misrouted).await;
    assert_eq!((a.status, a.code()), (400, "ceremony_not_found"), "{}", a.body);

    // That every administrator endpoint refuses bob is `admin_access.rs`, for all of them at once.

    // Bob's own passkey still signs him in.
    let started = anon.start_sign_in_as("bob").await;
    let a = anon
        .post(
            "/api/v1/sign-in/passkey/finish",
            &Api::finish_body(&started, bob_key.assert(&started["options"], &honest)),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    Ok(())
}

#[tokio::test]
async fn imported_oath_tokens_are_assigned_once_and_their_codes_sign_in() -> TestResult {
    let stack = Stack::start_with("accounts-oath", &[("TEST_CLOCK", "on"), ("MFA_LOCKOUT", LOCKOUT)]).await;
    let admin = administrator(&stack).await;
    let anon = Api::new(&stack);
    let (_, code) = invite(&admin, "bob").await;
    let (carol_id, _) = invite(&admin, "carol").await;
    let enrolled = anon.post("/api/v1/enrol/password", &json!({ "code": code, "password": PASSWORD })).await;
    assert_eq!(enrolled.status, 200, "{}", enrolled.body);

    // A bad file imports nothing and names every bad row.
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let bad = json!({ "tokens": [
        { "serial": "HW-1", "secret": secret },
        { "serial": "HW 2", "secret": secret },
        { "serial": "HW-3", "secret": "not base32!" },
        { "serial": "HW-4", "secret": secret, "digits": 7 },
    ] });
    let refused = admin.post("/api/v1/oath-tokens/import", &bad).await;
    assert_eq!((refused.status, refused.code()), (400, "bad_request"), "{}", refused.body);
    let message = refused.body["error"]["message"].as_str().unwrap_or_default();
    assert!(["line 2", "line 3", "line 4"].iter().all(|l| message.contains(l)), "{message}");
    assert_eq!(admin.get("/api/v1/oath-tokens").await.body["tokens"], json!([]));

    // Two tokens, one assigned to bob as it is imported (8 digits, 60 s, SHA-256).
    let good = json!({ "tokens": [
        { "serial": "HW-1", "secret": secret, "digits": 8, "period_secs": 60, "algorithm": "SHA256", "user": "bob" },
        { "serial": "HW-2", "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" },
    ] });
    let imported = admin.post("/api/v1/oath-tokens/import", &good).await;
    assert_eq!(imported.status, 201, "{}", imported.body);
    assert_eq!(imported.body["assigned"], json!([{ "serial": "HW-1", "username": "bob" }]));
    let again = admin.post("/api/v1/oath-tokens/import", &json!({ "tokens": [good["tokens"][1]] })).await;
    assert_eq!((again.status, again.code()), (400, "bad_request"), "a serial is imported once");
    let list = admin.get("/api/v1/oath-tokens").await;
    assert!(!list.body.to_string().contains(secret), "the inventory never shows secrets");
    assert_eq!(list.body["tokens"].as_array().map(Vec::len), Some(2));

    // A token is assigned once.
    let taken =
        admin.post("/api/v1/oath-tokens/assign", &json!({ "serial": "HW-1", "user": carol_id })).await;
    assert_eq!((taken.status, taken.code()), (409, "token_assigned"), "{}", taken.body);
    let assigned =
        admin.post("/api/v1/oath-tokens/assign", &json!({ "serial": "HW-2", "user": carol_id })).await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);

    // Bob signs in with his password and the token's code, as pyotp computes it.
    let uri = format!("otpauth://totp/HW-1?secret={secret}&digits=8&period=60&algorithm=SHA256");
    let t = (now_ms() / 60_000 + 2) * 60_000;
    let step = password_sign_in(&anon, "bob", PASSWORD, Some(t)).await;
    assert_eq!(step.body["step"], "second_factor", "{}", step.body);
    let answer = json!({ "user_id": step.body["user_id"], "ticket": step.body["ticket"], "code": pyotp_code(&uri, t / 1000) });
    let done = anon.post_at("/api/v1/sign-in/second-factor/totp", &answer, Some(t + 1_000)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["totp_methods"][0]["name"], "OATH token HW-1");

    // Only administrators manage tokens.
    let bob = anon.with_cookie(&done.session.expect("a session"));
    assert_eq!(bob.get("/api/v1/oath-tokens").await.status, 403);
    assert_eq!(bob.post("/api/v1/oath-tokens/import", &good).await.status, 403);
    Ok(())
}
