//! The Workers runtime edge: the fetch entry point, Durable Object classes, storage adapters and
//! HTTP plumbing. Everything that knows about `worker` lives under here.

mod adapters;
mod api;
mod crypto;
mod http;
mod objects;
mod stubs;

use crate::error::AppError;
use crate::keys::binding;
use elevate_shared::api::paths;
use elevate_shared::time::UnixMillis;
use worker::{Context, Env, Request, Response, event};

#[event(fetch)]
pub async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    // The asset layer answers everything but `/api/*` before the worker runs; anything else that
    // reaches us is handed back to it, so deep links still get the SPA.
    if !req.path().starts_with(paths::API_PREFIX) {
        return env.assets(binding::ASSETS)?.fetch_request(req).await;
    }
    api::handle(req, &env).await
}

/// The scheduled trigger: brings every request up to now, recording expiries (reads enforce
/// them anyway; this keeps the audit log and My requests current without a visit).
#[event(scheduled)]
pub async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    match stubs::access(&env, crate::rpc::AccessCall::Tidy { now: now() }).await {
        Ok(reply) => worker::console_log!("scheduled tidy: {reply:?}"),
        Err(e) => worker::console_error!("scheduled tidy failed: {e}"),
    }
}

/// The current time, read once per request at the edge and passed inward.
pub(crate) fn now() -> UnixMillis {
    UnixMillis(worker::Date::now().as_millis())
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        AppError::internal(format!("runtime: {e}"))
    }
}

impl From<worker::kv::KvError> for AppError {
    fn from(e: worker::kv::KvError) -> Self {
        AppError::internal(format!("KV: {e}"))
    }
}

/// The configuration from the worker's vars and secrets.
pub(crate) fn config(env: &Env) -> Result<crate::config::Config, AppError> {
    crate::config::Config::from_lookup(|name| {
        env.var(name).map(|v| v.to_string()).or_else(|_| env.secret(name).map(|s| s.to_string())).ok()
    })
}
