//! The Durable Object classes. Each decodes one typed call, runs it through the object's plain
//! Rust logic over its own storage, and encodes the outcome.

use super::adapters::{Kv, ObjectStorage};
use crate::access::AccessObject;
use crate::audit_log::AuditLog;
use crate::directory::Directory;
use crate::error::AppError;
use crate::keys::binding;
use crate::rpc::{
    AccessCall, AuditCall, CeremonyCall, Outcome, TenantCall, UserEnvelope, dispatch_access, dispatch_audit,
    dispatch_ceremony, dispatch_tenant, dispatch_user,
};
use crate::tenant_object::TenantObject;
use crate::user_object::UserObject;
use crate::webauthn::RelyingParty;
use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{DurableObject, Env, Request, Response, State, durable_object};

/// One per user: ceremonies, passkeys, sessions.
#[allow(missing_debug_implementations)] // runtime handles without Debug
#[durable_object(fetch)]
pub struct UserDurableObject {
    state: State,
    env: Env,
}

impl DurableObject for UserDurableObject {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        answer(req, |envelope: UserEnvelope| async move {
            let config = super::config(&self.env)?;
            let rp = RelyingParty::new(&config)?;
            let store = ObjectStorage(self.state.storage());
            let kv = Kv(self.env.kv(binding::DIRECTORY_KV)?);
            let object =
                UserObject { user: &envelope.user, store: &store, directory: Directory { kv: &kv }, rp: &rp };
            let result = dispatch_user(&object, envelope.call).await;
            deliver_audit(&self.env, &store).await;
            result
        })
        .await
    }
}

/// The tenant's single object: first-run enrolment.
#[allow(missing_debug_implementations)] // runtime handles without Debug
#[durable_object(fetch)]
pub struct TenantDurableObject {
    state: State,
    env: Env,
}

impl DurableObject for TenantDurableObject {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        answer(req, |call: TenantCall| async move {
            let store = ObjectStorage(self.state.storage());
            let result = dispatch_tenant(&TenantObject { store: &store }, call).await;
            deliver_audit(&self.env, &store).await;
            result
        })
        .await
    }
}

/// Roles, assignments and activation requests: every grant and decision in one place.
#[allow(missing_debug_implementations)] // runtime handles without Debug
#[durable_object(fetch)]
pub struct AccessDurableObject {
    state: State,
    env: Env,
}

impl DurableObject for AccessDurableObject {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        answer(req, |call: AccessCall| async move {
            let store = ObjectStorage(self.state.storage());
            let result = dispatch_access(&AccessObject { store: &store }, call).await;
            deliver_audit(&self.env, &store).await;
            result
        })
        .await
    }
}

/// The one audit log.
#[allow(missing_debug_implementations)] // runtime handles without Debug
#[durable_object(fetch)]
pub struct AuditLogDurableObject {
    state: State,
}

impl DurableObject for AuditLogDurableObject {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        answer(req, |call: AuditCall| async move {
            let store = ObjectStorage(self.state.storage());
            dispatch_audit(&AuditLog { store: &store }, call).await
        })
        .await
    }
}

/// One discoverable sign-in ceremony: it has no user yet, so it lives in its own object. Anyone
/// can start one, so each object sets an alarm that clears it once the ceremony has expired:
/// abandoned ceremonies leave nothing behind.
#[allow(missing_debug_implementations)] // runtime handles without Debug
#[durable_object(alarm)]
pub struct CeremonyDurableObject {
    state: State,
}

impl DurableObject for CeremonyDurableObject {
    fn new(state: State, _env: Env) -> Self {
        Self { state }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        answer(req, |call: CeremonyCall| async move {
            let storage = self.state.storage();
            if matches!(call, CeremonyCall::Put { .. }) {
                // A minute past the ceremony's life, measured by the runtime's own clock.
                let clear_after = std::time::Duration::from_millis(crate::ceremony::CEREMONY_TTL.0 + 60_000);
                storage.set_alarm(clear_after).await?;
            }
            dispatch_ceremony(&ObjectStorage(storage), call).await
        })
        .await
    }

    async fn alarm(&self) -> worker::Result<Response> {
        self.state.storage().delete_all().await?;
        Response::empty()
    }
}

/// Sends an object's outbox to the log after a call. The change and its draft are already
/// stored together, so a failure here delays the event, never loses it: it is logged and the
/// next call delivers it.
async fn deliver_audit(env: &Env, store: &ObjectStorage) {
    if let Err(e) = super::stubs::flush_outbox(env, store).await {
        worker::console_error!("audit delivery postponed: {e}");
    }
}

async fn answer<C, R, F, Fut>(mut req: Request, run: F) -> worker::Result<Response>
where
    C: DeserializeOwned,
    R: Serialize,
    F: FnOnce(C) -> Fut,
    Fut: std::future::Future<Output = Result<R, AppError>>,
{
    let body = req.text().await?;
    let result = match serde_json::from_str::<C>(&body) {
        Ok(call) => run(call).await,
        Err(e) => Err(AppError::internal(format!("undecodable object call: {e}"))),
    };
    Response::from_json(&Outcome::from(result))
}
