//! Calling the Durable Objects from the worker, with typed calls and replies.

use crate::audit_log::{self, Entry};
use crate::error::AppError;
use crate::keys::{ACCESS_OBJECT_NAME, AUDIT_OBJECT_NAME, TENANT_OBJECT_NAME, binding};
use crate::rpc::{
    AccessCall, AccessReply, AuditCall, AuditReply, CeremonyCall, CeremonyReply, Outcome, TenantCall,
    TenantReply, UserCall, UserEnvelope, UserReply,
};
use crate::storage::Store;
use elevate_shared::domain::audit::AuditDraft;
use elevate_shared::ids::{CeremonyId, UserId};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{Env, Method, Request, RequestInit, Stub};

pub(crate) async fn user(env: &Env, id: &UserId, call: UserCall) -> Result<UserReply, AppError> {
    let stub = env.durable_object(binding::USER_OBJECT)?.id_from_name(id.as_str())?.get_stub()?;
    send(stub, &UserEnvelope { user: id.clone(), call }).await
}

/// The object of one discoverable sign-in ceremony, named by the ceremony's random id.
pub(crate) async fn ceremony(
    env: &Env,
    id: &CeremonyId,
    call: CeremonyCall,
) -> Result<CeremonyReply, AppError> {
    let stub = env.durable_object(binding::CEREMONY_OBJECT)?.id_from_name(id.as_str())?.get_stub()?;
    send(stub, &call).await
}

pub(crate) async fn audit(env: &Env, call: AuditCall) -> Result<AuditReply, AppError> {
    let stub = env.durable_object(binding::AUDIT_OBJECT)?.id_from_name(AUDIT_OBJECT_NAME)?.get_stub()?;
    send(stub, &call).await
}

/// Appends one event the edge itself records (an export, a user created), as a single delivery.
pub(crate) async fn append_event(env: &Env, draft: AuditDraft) -> Result<(), AppError> {
    let entry = Entry { id: hex::encode(crate::random::bytes::<16>()?), draft };
    match audit(env, AuditCall::Append(vec![entry])).await? {
        AuditReply::Appended(_) => Ok(()),
        other => Err(crate::rpc::unexpected(&other)),
    }
}

/// Delivers an object's outbox to the audit log and clears what was delivered. A failure leaves
/// the outbox for the next call to deliver.
pub(crate) async fn flush_outbox(env: &Env, store: &impl Store) -> Result<(), AppError> {
    let waiting = audit_log::pending(store).await?;
    if waiting.is_empty() {
        return Ok(());
    }
    let (keys, entries): (Vec<String>, Vec<Entry>) = waiting.into_iter().unzip();
    match audit(env, AuditCall::Append(entries)).await? {
        AuditReply::Appended(_) => audit_log::clear(store, &keys).await,
        other => Err(crate::rpc::unexpected(&other)),
    }
}

pub(crate) async fn access(env: &Env, call: AccessCall) -> Result<AccessReply, AppError> {
    let stub = env.durable_object(binding::ACCESS_OBJECT)?.id_from_name(ACCESS_OBJECT_NAME)?.get_stub()?;
    send(stub, &call).await
}

pub(crate) async fn tenant(env: &Env, call: TenantCall) -> Result<TenantReply, AppError> {
    let stub = env.durable_object(binding::TENANT_OBJECT)?.id_from_name(TENANT_OBJECT_NAME)?.get_stub()?;
    send(stub, &call).await
}

async fn send<C: Serialize, R: DeserializeOwned>(stub: Stub, call: &C) -> Result<R, AppError> {
    let body = serde_json::to_string(call).map_err(|e| AppError::internal(format!("encode call: {e}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(JsValue::from_str(&body)));
    let req = Request::new_with_init("https://object.internal/call", &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    let text = resp.text().await?;
    let outcome: Outcome<R> =
        serde_json::from_str(&text).map_err(|e| AppError::internal(format!("decode object reply: {e}")))?;
    outcome.into_result()
}
