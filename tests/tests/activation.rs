//! Just-in-time activation and approvals against the real worker, with software authenticators
//! whose taps sign the request digests: each assertion here fails without the protection it
//! names.

use elevate_e2e::api::{Answer, Api, now_ms};
use elevate_e2e::peers::pyotp_code;
use elevate_e2e::soft_authenticator::Bend;
use elevate_e2e::stack::Stack;
use elevate_e2e::tenant::{Person, active_roles, administrator, eligible, member, role};
use serde_json::{Value, json};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

fn draft(role: &str, duration: u64) -> Value {
    json!({ "role": role, "draft": {
        "scope": "/", "start": { "kind": "immediate" }, "duration": duration,
        "justification": "Investigating incident 42",
    } })
}

async fn request(p: &Person<'_>, role: &str, duration: u64) -> Answer {
    p.api.post("/api/v1/activations", &draft(role, duration)).await
}

/// The request-bound tap for `request`, started and finished by `p`.
async fn activate(p: &mut Person<'_>, request: &Value, honest: &Bend) -> Answer {
    let started = p.api.post("/api/v1/activations/mfa/start", &json!({ "request": request["id"] })).await;
    assert_eq!(started.status, 200, "{}", started.body);
    assert_eq!(started.body["digest"], request["digest"], "the tap signs the request's own digest");
    let credential = p.tap(&started.body, honest);
    let finish = json!({ "request": request["id"], "ceremony_id": started.body["ceremony_id"], "credential": credential });
    p.api.post("/api/v1/activations/mfa/finish", &finish).await
}

#[tokio::test]
async fn a_member_activates_with_a_tap_bound_to_the_request_and_the_grant_ends_on_time() -> TestResult {
    let stack = Stack::start_with("activation", &[("TEST_CLOCK", "on")]).await;
    let honest = Bend::honest(stack.origin());
    let admin = administrator(&stack).await;
    let mut bob = member(&stack, &admin, "bob", 2).await;
    let carol = member(&stack, &admin, "carol", 3).await;
    role(&admin, "db-reader", |_| {}).await;
    role(&admin, "db-writer", |_| {}).await;
    eligible(&admin, &bob, "db-reader").await;
    let writer = eligible(&admin, &bob, "db-writer").await;

    // What the role asks, before anything is sent.
    let mut no_reason = draft("db-reader", HOUR);
    no_reason["draft"]["justification"] = Value::Null;
    let preview = bob.api.post("/api/v1/activations/preview", &no_reason).await;
    assert_eq!(preview.body["verdict"]["next"], "needs_justification", "{}", preview.body);
    let refused = bob.api.post("/api/v1/activations", &no_reason).await;
    assert_eq!((refused.status, refused.code()), (400, "justification_required"));
    let too_long = request(&bob, "db-reader", 9 * HOUR).await;
    assert_eq!((too_long.status, too_long.code()), (400, "duration_too_long"), "{}", too_long.body);
    let mut late = draft("db-reader", HOUR);
    late["draft"]["start"] = json!({ "kind": "at", "at": now_ms() + 8 * DAY });
    let late = bob.api.post("/api/v1/activations", &late).await;
    assert_eq!((late.status, late.code()), (400, "invalid_schedule"), "{}", late.body);
    let stranger = request(&carol, "db-reader", HOUR).await;
    assert_eq!((stranger.status, stranger.code()), (403, "not_eligible"), "{}", stranger.body);

    // Created, but not active without its MFA: the API alone grants nothing.
    let a = request(&bob, "db-reader", 5 * MINUTE).await;
    assert_eq!(
        (a.status, a.body["request"]["state"]["state"].as_str()),
        (201, Some("mfa_required")),
        "{}",
        a.body
    );
    let a = a.body["request"].clone();
    assert!(active_roles(&bob.api.get("/api/v1/me/roles").await).is_empty());
    let b = request(&bob, "db-writer", HOUR).await.body["request"].clone();

    // A tap made for request A does not complete request B.
    let started = bob.api.post("/api/v1/activations/mfa/start", &json!({ "request": a["id"] })).await;
    let credential = bob.tap(&started.body, &honest);
    let crossed =
        json!({ "request": b["id"], "ceremony_id": started.body["ceremony_id"], "credential": credential });
    let crossed = bob.api.post("/api/v1/activations/mfa/finish", &crossed).await;
    assert_eq!((crossed.status, crossed.code()), (400, "ceremony_not_found"), "{}", crossed.body);
    // Nor does a tap over A's digest sent through a ceremony started for B.
    let for_b = bob.api.post("/api/v1/activations/mfa/start", &json!({ "request": b["id"] })).await;
    let mut over_a = for_b.body.clone();
    over_a["options"]["publicKey"]["challenge"] = started.body["options"]["publicKey"]["challenge"].clone();
    let credential = bob.tap(&over_a, &honest);
    let wrong =
        json!({ "request": b["id"], "ceremony_id": for_b.body["ceremony_id"], "credential": credential });
    let wrong = bob.api.post("/api/v1/activations/mfa/finish", &wrong).await;
    assert_eq!((wrong.status, wrong.code()), (400, "webauthn_rejected"), "{}", wrong.body);
    assert!(active_roles(&bob.api.get("/api/v1/me/roles").await).is_empty());

    // Another person cannot read, cancel or tap for bob's request.
    for path in
        ["/api/v1/activations/cancel", "/api/v1/activations/mfa/start", "/api/v1/activations/deactivate"]
    {
        let a = carol.api.post(path, &json!({ "request": a["id"] })).await;
        assert_eq!((a.status, a.code()), (404, "not_found"), "{path}: {}", a.body);
    }

    // The right tap: active at once, and visible to the very next read.
    let done = activate(&mut bob, &a, &honest).await;
    assert_eq!(done.body["request"]["state"]["state"], "active", "{}", done.body);
    let until = done.body["request"]["state"]["until"].as_u64().unwrap_or(0);
    let roles = bob.api.get("/api/v1/me/roles").await;
    assert_eq!(active_roles(&roles), ["db-reader"], "{}", roles.body);
    assert_eq!(roles.body["active"][0]["assignment"]["end"].as_u64(), Some(until));

    // One second after its end the grant is not honoured, though no job has run.
    let later = bob.api.get_at("/api/v1/me/roles", Some(until + 1_000)).await.body;
    assert_eq!(later["active"], json!([]), "{later}");

    // Deactivate ends the grant now.
    let b_done = activate(&mut bob, &b, &honest).await;
    assert_eq!(b_done.body["request"]["state"]["state"], "active", "{}", b_done.body);
    let off = bob.api.post("/api/v1/activations/deactivate", &json!({ "request": b["id"] })).await;
    assert_eq!(off.body["request"]["state"]["state"], "deactivated", "{}", off.body);
    assert_eq!(active_roles(&bob.api.get("/api/v1/me/roles").await), ["db-reader"]);

    // Every step is in the audit log with the request id, and the chain holds.
    let log = admin.api.get("/api/v1/audit?limit=500").await;
    let actions: Vec<u64> = log.body["events"]
        .as_array()
        .map(|e| e.iter().filter(|e| e["request"] == a["id"]).filter_map(|e| e["action"].as_u64()).collect())
        .unwrap_or_default();
    // Created (301), MFA completed during activation (103), activated (305).
    for id in [301, 103, 305] {
        assert!(actions.contains(&id), "no event {id} for the request: {actions:?}");
    }
    let verified = admin.api.get("/api/v1/audit/verify").await;
    assert!(verified.body["broken"].is_null(), "{}", verified.body);

    // A code is not enough where the role wants a phishing-resistant tap: 403, and no grant.
    role(&admin, "vault", |s| s["activation_mfa"]["authenticators"]["allowed"] = json!("phishing_resistant"))
        .await;
    let vault_eligibility = eligible(&admin, &bob, "vault").await;
    let t = (now_ms() / 30_000 + 2) * 30_000;
    let app = bob.api.post_at("/api/v1/me/totp/start", &json!({ "name": "Phone" }), Some(t)).await;
    let uri = app.body["otpauth_uri"].as_str().unwrap_or_default().to_owned();
    let finish = json!({ "enrolment_id": app.body["enrolment_id"], "code": pyotp_code(&uri, t / 1000) });
    assert_eq!(bob.api.post_at("/api/v1/me/totp/finish", &finish, Some(t)).await.status, 201);
    let vault = request(&bob, "vault", HOUR).await.body["request"].clone();
    let code = json!({ "request": vault["id"], "code": pyotp_code(&uri, t / 1000 + 30) });
    let refused = bob.api.post_at("/api/v1/activations/mfa/totp", &code, Some(t + 30_000)).await;
    assert_eq!((refused.status, refused.code()), (403, "mfa_rejected"), "{}", refused.body);
    assert!(!active_roles(&bob.api.get("/api/v1/me/roles").await).contains(&"vault".to_owned()));
    // The tap it wants does it.
    let vault_on = activate(&mut bob, &vault, &honest).await;
    assert_eq!(vault_on.body["request"]["state"]["state"], "active", "{}", vault_on.body);

    // Revoking an eligibility voids a scheduled request and ends the activation resting on it.
    let mut later = draft("db-writer", HOUR);
    later["draft"]["start"] = json!({ "kind": "at", "at": now_ms() + 2 * HOUR });
    let scheduled = bob.api.post("/api/v1/activations", &later).await;
    assert_eq!(scheduled.status, 201, "{}", scheduled.body);
    let scheduled = scheduled.body["request"].clone();
    let scheduled = activate(&mut bob, &scheduled, &honest).await.body["request"].clone();
    assert_eq!(scheduled["state"]["state"], "scheduled", "{scheduled}");
    for eligibility in [&writer, &vault_eligibility] {
        let removed =
            admin.api.post("/api/v1/assignments/remove", &json!({ "assignment": eligibility })).await;
        assert_eq!(removed.status, 200, "{}", removed.body);
    }
    let mine = bob.api.get("/api/v1/me/requests").await;
    let state_of = |id: &Value| {
        mine.body["requests"]
            .as_array()
            .and_then(|r| r.iter().find(|q| &q["id"] == id))
            .map(|q| q["state"]["state"].clone())
    };
    assert_eq!(state_of(&scheduled["id"]), Some(json!("voided")), "{}", mine.body);
    assert_eq!(state_of(&vault["id"]), Some(json!("deactivated")), "{}", mine.body);
    assert!(!active_roles(&bob.api.get("/api/v1/me/roles").await).contains(&"vault".to_owned()));
    Ok(())
}

/// An approver's decision, tapped over the approval digest.
async fn decide(p: &mut Person<'_>, request: &Value, verdict: &str, honest: &Bend) -> Answer {
    let started =
        p.api.post("/api/v1/approvals/start", &json!({ "request": request["id"], "verdict": verdict })).await;
    if started.status != 200 {
        return started;
    }
    let credential = p.tap(&started.body, honest);
    let finish = json!({
        "request": request["id"], "ceremony_id": started.body["ceremony_id"], "verdict": verdict,
        "reason": "Checked with the on-call lead", "credential": credential,
    });
    p.api.post("/api/v1/approvals/finish", &finish).await
}

#[tokio::test]
async fn approvals_are_tapped_by_distinct_approvers_once_and_never_by_the_requester() -> TestResult {
    let stack = Stack::start_with("approval", &[("TEST_CLOCK", "on")]).await;
    let honest = Bend::honest(stack.origin());
    let admin = administrator(&stack).await;
    let mut bob = member(&stack, &admin, "bob", 2).await;
    let mut carol = member(&stack, &admin, "carol", 3).await;
    let mut dave = member(&stack, &admin, "dave", 4).await;
    let approvers = json!([carol.id, dave.id, bob.id]);
    role(&admin, "prod-admin", |s| {
        s["approval"] = json!({ "required": true, "approvers": approvers, "quorum": 1 });
    })
    .await;
    let eligibility = eligible(&admin, &bob, "prod-admin").await;

    // Requested with a tap: it waits for an approver other than bob.
    let created = request(&bob, "prod-admin", HOUR).await.body["request"].clone();
    let pending = activate(&mut bob, &created, &honest).await;
    assert_eq!(pending.body["request"]["state"]["state"], "pending_approval", "{}", pending.body);
    let r = pending.body["request"].clone();
    assert!(r["terms"]["approval"]["approvers"].as_array().is_some_and(|a| !a.contains(&json!(bob.id))));

    // Bob can never approve his own request.
    let own = decide(&mut bob, &r, "approve", &honest).await;
    assert_eq!((own.status, own.code()), (403, "self_approval"), "{}", own.body);

    // Carol's inbox shows it with bob's MFA evidence; a stranger's does not.
    let inbox = carol.api.get("/api/v1/approvals").await;
    assert_eq!(inbox.body["items"][0]["request"]["id"], r["id"], "{}", inbox.body);
    assert_eq!(inbox.body["items"][0]["requester_username"], "bob");
    assert_eq!(inbox.body["items"][0]["request"]["mfa"]["method"], "webauthn");
    assert_eq!(admin.api.get("/api/v1/approvals").await.body["items"], json!([]));

    // Two approvers racing on a 1-of-2: one decision makes it active, the other finds it decided.
    let (c, d) =
        tokio::join!(decide(&mut carol, &r, "approve", &honest), decide(&mut dave, &r, "approve", &honest));
    let outcomes = [(c.status, c.code().to_owned()), (d.status, d.code().to_owned())];
    assert_eq!(outcomes.iter().filter(|(s, _)| *s == 200).count(), 1, "{outcomes:?} {} {}", c.body, d.body);
    assert!(outcomes.iter().any(|(s, code)| *s == 409 && code == "request_state_conflict"), "{outcomes:?}");
    assert_eq!(active_roles(&bob.api.get("/api/v1/me/roles").await), ["prod-admin"]);
    // The same approval again is one decision too many.
    let again = decide(&mut carol, &r, "approve", &honest).await;
    assert_eq!(again.status, 409, "{}", again.body);
    let off = bob.api.post("/api/v1/activations/deactivate", &json!({ "request": r["id"] })).await;
    assert_eq!(off.body["request"]["state"]["state"], "deactivated");

    // Denied with a reason, which bob sees.
    let second = request(&bob, "prod-admin", HOUR).await.body["request"].clone();
    let second = activate(&mut bob, &second, &honest).await.body["request"].clone();
    let denied = decide(&mut dave, &second, "deny", &honest).await;
    assert_eq!(denied.body["request"]["state"]["state"], "denied", "{}", denied.body);
    let mine = bob.api.get("/api/v1/me/requests").await;
    let seen =
        mine.body["requests"].as_array().and_then(|a| a.iter().find(|q| q["id"] == second["id"])).cloned();
    assert_eq!(
        seen.map(|q| q["decisions"][0]["reason"].clone()),
        Some(json!("Checked with the on-call lead"))
    );

    // A pending request expires after a day, and bob sees why.
    let third = request(&bob, "prod-admin", HOUR).await.body["request"].clone();
    let third = activate(&mut bob, &third, &honest).await.body["request"].clone();
    let pending_until = third["pending_until"].as_u64().unwrap_or(0);
    // A day later bob's session has long ended: he signs in again, at that time.
    let at = pending_until + 1_000;
    let anon = Api::new(&stack);
    let started =
        anon.post_at("/api/v1/sign-in/passkey/start", &json!({ "username": "bob" }), Some(at)).await;
    let credential = bob.key.assert(&started.body["options"], &honest);
    let finish = Api::finish_body(&started.body, credential);
    let signed_in = anon.post_at("/api/v1/sign-in/passkey/finish", &finish, Some(at)).await;
    let bob_later = anon.with_cookie(&signed_in.session.clone().expect("signed in again"));
    let late = bob_later.get_at("/api/v1/me/requests", Some(at)).await.body;
    let expired =
        late["requests"].as_array().and_then(|a| a.iter().find(|q| q["id"] == third["id"])).cloned();
    assert_eq!(
        expired.map(|q| q["state"].clone()),
        Some(json!({ "state": "expired", "at": pending_until, "phase": "awaiting_approval" }))
    );

    // Revoking the eligibility voids a waiting request.
    let fourth = request(&bob, "prod-admin", HOUR).await.body["request"].clone();
    let fourth = activate(&mut bob, &fourth, &honest).await.body["request"].clone();
    assert_eq!(fourth["state"]["state"], "pending_approval");
    let removed = admin.api.post("/api/v1/assignments/remove", &json!({ "assignment": eligibility })).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let mine = bob.api.get("/api/v1/me/requests").await;
    let voided =
        mine.body["requests"].as_array().and_then(|a| a.iter().find(|q| q["id"] == fourth["id"])).cloned();
    assert_eq!(voided.map(|q| q["state"]["state"].clone()), Some(json!("voided")), "{}", mine.body);
    let gone = decide(&mut carol, &fourth, "approve", &honest).await;
    assert_eq!(gone.status, 409, "a voided request takes no decision: {}", gone.body);
    Ok(())
}

#[tokio::test]
async fn an_activation_extends_only_late_with_a_fresh_tap_and_never_past_its_limits() -> TestResult {
    let stack = Stack::start_with("extend", &[("TEST_CLOCK", "on")]).await;
    let honest = Bend::honest(stack.origin());
    let admin = administrator(&stack).await;
    let mut bob = member(&stack, &admin, "bob", 2).await;
    role(&admin, "ops", |s| s["max_activation"] = json!(2 * HOUR)).await;
    eligible(&admin, &bob, "ops").await;
    let r = request(&bob, "ops", HOUR).await.body["request"].clone();
    let active = activate(&mut bob, &r, &honest).await.body["request"].clone();
    let until = active["state"]["until"].as_u64().unwrap_or(0);

    // Too early: Extend opens in the last 30 minutes.
    let early = bob
        .api
        .post("/api/v1/activations/extend/start", &json!({ "request": r["id"], "new_end": until + HOUR }))
        .await;
    let credential = bob.tap(&early.body, &honest);
    let finish = json!({ "request": r["id"], "new_end": until + HOUR, "ceremony_id": early.body["ceremony_id"], "credential": credential });
    let refused = bob.api.post("/api/v1/activations/extend/finish", &finish).await;
    assert_eq!((refused.status, refused.code()), (409, "extension_refused"), "{}", refused.body);

    // In the last part, with a fresh tap over the extension: allowed up to two hours from now.
    let late = until - 10 * MINUTE;
    let body = json!({ "request": r["id"], "new_end": late + 3 * HOUR });
    let too_far = bob.api.post_at("/api/v1/activations/extend/start", &body, Some(late)).await;
    let credential = bob.key.assert(&too_far.body["options"], &honest);
    let finish = json!({ "request": r["id"], "new_end": late + 3 * HOUR, "ceremony_id": too_far.body["ceremony_id"], "credential": credential });
    let refused = bob.api.post_at("/api/v1/activations/extend/finish", &finish, Some(late)).await;
    assert_eq!((refused.status, refused.code()), (409, "extension_refused"), "{}", refused.body);
    let fine = bob
        .api
        .post_at(
            "/api/v1/activations/extend/start",
            &json!({ "request": r["id"], "new_end": late + HOUR }),
            Some(late),
        )
        .await;
    let credential = bob.key.assert(&fine.body["options"], &honest);
    let finish = json!({ "request": r["id"], "new_end": late + HOUR, "ceremony_id": fine.body["ceremony_id"], "credential": credential });
    let extended = bob.api.post_at("/api/v1/activations/extend/finish", &finish, Some(late)).await;
    assert_eq!(extended.body["request"]["state"]["until"].as_u64(), Some(late + HOUR), "{}", extended.body);
    Ok(())
}
