//! `GET /api/v1/health`: version, a KV round trip and a Durable Object round trip.

use super::Ctx;
use crate::directory::Directory;
use crate::edge::{adapters::Kv, http, stubs};
use crate::error::AppError;
use crate::keys::binding;
use crate::rpc::{TenantCall, TenantReply, unexpected};
use elevate_shared::api::health::{HealthResponse, Probe};
use worker::Response;

pub(crate) async fn get(ctx: &Ctx<'_>) -> Result<Response, AppError> {
    let kv = measure("KV", async {
        let kv = Kv(ctx.env.kv(binding::DIRECTORY_KV)?);
        Directory { kv: &kv }.probe(ctx.now).await
    })
    .await;
    let durable_object = measure("Durable Object", async {
        match stubs::tenant(ctx.env, TenantCall::Probe { now: ctx.now }).await? {
            TenantReply::Done => Ok(()),
            other => Err(unexpected(&other)),
        }
    })
    .await;
    let healthy = kv.ok && durable_object.ok;
    let body = HealthResponse { version: env!("CARGO_PKG_VERSION").to_owned(), kv, durable_object };
    http::json(if healthy { 200 } else { 503 }, &body)
}

/// Times a probe. Failure details go to the log, not to this unauthenticated endpoint.
async fn measure(what: &str, probe: impl Future<Output = Result<(), AppError>>) -> Probe {
    let started = crate::edge::now();
    let result = probe.await;
    let millis = crate::edge::now().since(started).0;
    match result {
        Ok(()) => Probe { ok: true, millis, detail: None },
        Err(e) => {
            worker::console_error!("health: {what} probe failed: {e}");
            Probe { ok: false, millis, detail: Some(format!("{what} round trip failed")) }
        }
    }
}
