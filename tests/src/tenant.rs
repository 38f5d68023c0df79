//! A tenant set up over the API the way an administrator would: the bootstrapped administrator,
//! members who enrol a software key from their invitation, roles with chosen settings, and
//! eligibility. Shared by the activation suite and the workerd bench.

use crate::api::{Answer, Api, now_ms};
use crate::soft_authenticator::{Bend, SoftCredential};
use crate::stack::Stack;
use elevate_shared::api::paths;
use serde_json::{Value, json};

const DAY: u64 = 24 * 60 * 60_000;

/// A signed-in person with their own software key.
#[derive(Debug)]
pub struct Person<'s> {
    pub api: Api<'s>,
    pub key: SoftCredential,
    pub id: String,
    pub username: String,
}

impl Person<'_> {
    /// Answers a bound ceremony (its challenge is the digest) with this person's key.
    pub fn tap(&mut self, started: &Value, honest: &Bend) -> Value {
        self.key.assert(&started["options"], honest)
    }

    /// Signs in again with a username-first passkey sign-in and carries the new session from
    /// then on. A passkey sign-in records the session's MFA evidence, which a role's freshness
    /// window may count; an invitation's first session has none.
    pub async fn sign_in_again(&mut self) {
        let honest = Bend::honest(self.api.stack.origin());
        let anon = Api::new(self.api.stack);
        let started = anon.start_sign_in_as(&self.username).await;
        let credential = self.key.assert(&started["options"], &honest);
        let a = anon.post(paths::SIGN_IN_PASSKEY_FINISH, &Api::finish_body(&started, credential)).await;
        assert_eq!(a.status, 200, "{}", a.body);
        self.api = anon.with_cookie(&a.session.expect("signed in again"));
    }
}

/// Bootstraps the administrator `ada` with a software key and signs her in with it.
pub async fn administrator(stack: &Stack) -> Person<'_> {
    let api = Api::new(stack);
    let honest = Bend::honest(stack.origin());
    let mut key = SoftCredential::new(1, 32);
    let started = api.start_bootstrap().await;
    assert_eq!(
        api.finish_bootstrap(&started, key.attest(&started["options"], &honest), None).await.status,
        201
    );
    let started = api.start_sign_in().await;
    let a = api
        .post(
            paths::SIGN_IN_PASSKEY_FINISH,
            &Api::finish_body(&started, key.assert(&started["options"], &honest)),
        )
        .await;
    let id = a.body["user_id"].as_str().unwrap_or_default().to_owned();
    Person { api: api.with_cookie(&a.session.expect("ada signed in")), key, id, username: "ada".to_owned() }
}

/// Creates `username`, who enrols a software key (derived from `seed`) with the invitation and is
/// signed in by it.
pub async fn member<'s>(stack: &'s Stack, admin: &Person<'s>, username: &str, seed: u8) -> Person<'s> {
    let honest = Bend::honest(stack.origin());
    let created = admin
        .api
        .post(paths::USER_CREATE, &json!({ "username": username, "display_name": username.to_uppercase() }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let code = created.body["invitation"]["code"].clone();
    let anon = Api::new(stack);
    let started = anon.post(paths::ENROL_PASSKEY_START, &json!({ "code": code })).await;
    let key = SoftCredential::new(seed, 32);
    let registration = json!({
        "user_id": started.body["user_id"], "ceremony_id": started.body["ceremony_id"], "name": "Soft key",
        "credential": key.attest(&started.body["options"], &honest),
    });
    let enrolled =
        anon.post(paths::ENROL_PASSKEY_FINISH, &json!({ "code": code, "registration": registration })).await;
    assert_eq!(enrolled.status, 200, "{}", enrolled.body);
    let id = created.body["user"]["id"].as_str().unwrap_or_default().to_owned();
    Person {
        api: anon.with_cookie(&enrolled.session.expect("signed in")),
        key,
        id,
        username: username.to_owned(),
    }
}

/// Creates a role with the default (strict) settings changed by `change`; returns the answer to
/// the settings change.
pub async fn role(admin: &Person<'_>, id: &str, change: impl FnOnce(&mut Value)) -> Value {
    let created = admin
        .api
        .post(paths::ROLE_CREATE, &json!({ "id": id, "name": id, "privileged": true, "scope": "/" }))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let mut settings = created.body["settings"].clone();
    change(&mut settings);
    let set = admin.api.post(paths::ROLE_SETTINGS, &json!({ "role": id, "settings": settings })).await;
    assert_eq!(set.status, 200, "{}", set.body);
    set.body
}

/// Makes `who` eligible for `role` at `/` for a week; returns the assignment id.
pub async fn eligible(admin: &Person<'_>, who: &Person<'_>, role: &str) -> String {
    let a = admin
        .api
        .post(
            paths::ASSIGNMENT_CREATE,
            &json!({ "principal": who.id, "role": role, "scope": "/", "kind": "eligible", "end": now_ms() + 7 * DAY }),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["assignments"][0]["id"].as_str().unwrap_or_default().to_owned()
}

/// The ids of the roles a `GET /api/v1/me/roles` answer lists as active.
pub fn active_roles(roles: &Answer) -> Vec<String> {
    roles.body["active"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["role"]["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}
