//! Calling the Durable Objects from the worker, with typed calls and replies.

use crate::error::AppError;
use crate::keys::{TENANT_OBJECT_NAME, binding};
use crate::rpc::{Outcome, TenantCall, TenantReply, UserCall, UserReply};
use elevate_shared::ids::UserId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;
use worker::{Env, Method, Request, RequestInit, Stub};

pub(crate) async fn user(env: &Env, id: &UserId, call: UserCall) -> Result<UserReply, AppError> {
    let stub = env.durable_object(binding::USER_OBJECT)?.id_from_name(id.as_str())?.get_stub()?;
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
