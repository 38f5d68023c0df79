//! The `/api/v1/` router. Routes are thin: check, decode, call, encode. Which paths exist (for
//! `405` against `404`) and who may call them is `elevate_shared::api::routes::ROUTES`;
//! `backend/tests/route_table.rs` checks this match against it.

mod access;
mod activation;
mod audit;
mod auth;
mod bench;
mod demo;
mod health;
mod mfa;
mod oath;
mod password;
mod reports;
mod tokens;
mod users;

use super::http;
use crate::config::Config;
use crate::error::AppError;
use elevate_shared::api::{ErrorCode, paths, routes};
use elevate_shared::time::UnixMillis;
use worker::{Env, Method, Request, Response};

/// What every handler gets: the environment, the configuration and the request's `now`.
pub(crate) struct Ctx<'e> {
    pub env: &'e Env,
    pub config: Config,
    pub now: UnixMillis,
}

pub(crate) async fn handle(mut req: Request, env: &Env) -> worker::Result<Response> {
    let result = async {
        let config = super::config(env)?;
        let now = request_now(&req, &config)?;
        let ctx = Ctx { env, config, now };
        http::check_csrf(&req, &ctx.config)?;
        route(&ctx, &mut req).await
    }
    .await;
    match result {
        Ok(resp) => Ok(resp),
        Err(e) => http::error(&e),
    }
}

/// The request's `now`: the worker's clock, or — only where the test clock is configured — the
/// time the request names.
fn request_now(req: &Request, config: &Config) -> Result<UnixMillis, AppError> {
    if config.test_clock
        && let Some(v) = req.headers().get(crate::config::TEST_NOW_HEADER)?
    {
        return v
            .parse::<u64>()
            .map(UnixMillis)
            .map_err(|_| AppError::api(ErrorCode::BadRequest, "The test clock header is not a number."));
    }
    Ok(super::now())
}

async fn route(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let path = req.path();
    match (req.method(), path.as_str()) {
        (Method::Get, paths::HEALTH) => health::get(ctx).await,
        (Method::Get, paths::BOOTSTRAP) => auth::bootstrap_status(ctx).await,
        (Method::Post, paths::BOOTSTRAP_PASSKEY_START) => auth::bootstrap_start(ctx, req).await,
        (Method::Post, paths::BOOTSTRAP_PASSKEY_FINISH) => auth::bootstrap_finish(ctx, req).await,
        (Method::Post, paths::SIGN_IN_PASSKEY_START) => auth::sign_in_start(ctx, req).await,
        (Method::Post, paths::SIGN_IN_PASSKEY_FINISH) => auth::sign_in_finish(ctx, req).await,
        (Method::Post, paths::SIGN_IN_DISCOVER_START) => auth::discover_start(ctx).await,
        (Method::Post, paths::SIGN_IN_DISCOVER_FINISH) => auth::discover_finish(ctx, req).await,
        (Method::Post, paths::SIGN_OUT) => auth::sign_out(ctx, req).await,
        (Method::Get, paths::ME) => auth::me(ctx, req).await,
        (Method::Post, paths::MY_PASSKEY_START) => auth::add_passkey_start(ctx, req).await,
        (Method::Post, paths::MY_PASSKEY_FINISH) => auth::add_passkey_finish(ctx, req).await,
        (Method::Post, paths::MY_TOTP_START) => mfa::totp_start(ctx, req).await,
        (Method::Post, paths::MY_TOTP_FINISH) => mfa::totp_finish(ctx, req).await,
        (Method::Post, paths::MY_MFA_TOTP) => mfa::verify_totp(ctx, req).await,
        (Method::Post, paths::MY_METHOD_REMOVE) => mfa::remove_method(ctx, req).await,
        (Method::Post, paths::MY_METHOD_RENAME) => mfa::rename_method(ctx, req).await,
        (Method::Get, paths::MY_SESSIONS) => auth::my_sessions(ctx, req).await,
        (Method::Post, paths::MY_SESSION_REVOKE) => auth::revoke_session(ctx, req).await,
        (Method::Post, paths::SIGN_IN_PASSWORD) => password::sign_in(ctx, req).await,
        (Method::Post, paths::SIGN_IN_SECOND_FACTOR_TOTP) => password::second_factor_totp(ctx, req).await,
        (Method::Post, paths::SIGN_IN_SECOND_FACTOR_PASSKEY) => {
            password::second_factor_passkey(ctx, req).await
        }
        (Method::Post, paths::SIGN_IN_SECOND_FACTOR_BYPASS) => password::second_factor_bypass(ctx, req).await,
        (Method::Post, paths::MY_PASSWORD) => password::set_password(ctx, req).await,
        (Method::Get, paths::MY_PROMPTS) => password::prompts(ctx, req).await,
        (Method::Post, paths::MY_FRAUD_REPORT) => password::fraud_report(ctx, req).await,
        (Method::Post, paths::ENROL_STATUS) => password::enrol_status(ctx, req).await,
        (Method::Post, paths::ENROL_PASSKEY_START) => password::enrol_passkey_start(ctx, req).await,
        (Method::Post, paths::ENROL_PASSKEY_FINISH) => password::enrol_passkey_finish(ctx, req).await,
        (Method::Post, paths::ENROL_PASSWORD) => password::enrol_password(ctx, req).await,
        (Method::Get, paths::USERS) => users::list(ctx, req).await,
        (Method::Post, paths::USER_CREATE) => users::create(ctx, req).await,
        (Method::Post, paths::USER_UPDATE) => users::update(ctx, req).await,
        (Method::Post, paths::USER_INVITE) => users::invite(ctx, req).await,
        (Method::Post, paths::USER_UNLOCK) => users::unlock(ctx, req).await,
        (Method::Post, paths::USER_RESET_METHODS) => users::reset_methods(ctx, req).await,
        (Method::Post, paths::USER_BYPASS) => users::bypass(ctx, req).await,
        (Method::Get, paths::ALERTS_RAISED) => users::raised_alerts(ctx, req).await,
        (Method::Get, paths::ALERTS) => users::alerts(ctx, req).await,
        (Method::Post, paths::ALERTS_FIX) => users::fix(ctx, req).await,
        (Method::Post, paths::ALERTS_DISMISS) => users::dismiss(ctx, req).await,
        (Method::Get, paths::OATH_TOKENS) => oath::list(ctx, req).await,
        (Method::Post, paths::OATH_IMPORT) => oath::import(ctx, req).await,
        (Method::Post, paths::OATH_ASSIGN) => oath::assign_route(ctx, req).await,
        (Method::Get, paths::ROLES) => access::roles(ctx, req).await,
        (Method::Post, paths::ROLE_CREATE) => access::create_role(ctx, req).await,
        (Method::Post, paths::ROLE_SETTINGS) => access::set_settings(ctx, req).await,
        (Method::Post, paths::ROLE_UPDATE) => access::update_role(ctx, req).await,
        (Method::Post, paths::ROLE_DELETE) => access::delete_role(ctx, req).await,
        (Method::Get, paths::ASSIGNMENTS) => access::assignments(ctx, req).await,
        (Method::Post, paths::ASSIGNMENT_CREATE) => access::assign(ctx, req).await,
        (Method::Post, paths::ASSIGNMENT_REMOVE) => access::remove(ctx, req).await,
        (Method::Get, paths::MY_ROLES) => activation::my_roles(ctx, req).await,
        (Method::Get, paths::MY_REQUESTS) => activation::my_requests(ctx, req).await,
        (Method::Post, paths::ACTIVATION_PREVIEW) => activation::preview(ctx, req).await,
        (Method::Post, paths::ACTIVATIONS) => activation::create(ctx, req).await,
        (Method::Post, paths::ACTIVATION_MFA_START) => activation::mfa_start(ctx, req).await,
        (Method::Post, paths::ACTIVATION_MFA_FINISH) => activation::mfa_finish(ctx, req).await,
        (Method::Post, paths::ACTIVATION_MFA_TOTP) => activation::mfa_totp(ctx, req).await,
        (Method::Post, paths::ACTIVATION_CANCEL) => activation::cancel(ctx, req).await,
        (Method::Post, paths::ACTIVATION_DEACTIVATE) => activation::deactivate(ctx, req).await,
        (Method::Post, paths::ACTIVATION_EXTEND_START) => activation::extend_start(ctx, req).await,
        (Method::Post, paths::ACTIVATION_EXTEND_FINISH) => activation::extend_finish(ctx, req).await,
        (Method::Get, paths::APPROVALS) => activation::approvals(ctx, req).await,
        (Method::Post, paths::APPROVAL_START) => activation::approval_start(ctx, req).await,
        (Method::Post, paths::APPROVAL_FINISH) => activation::approval_finish(ctx, req).await,
        (Method::Get, paths::AUDIT) => audit::list(ctx, req).await,
        (Method::Get, paths::AUDIT_VERIFY) => audit::verify(ctx, req).await,
        (Method::Get, paths::AUDIT_SEARCH) => audit::search(ctx, req).await,
        (Method::Get, paths::REPORTS_MFA) => reports::mfa(ctx, req).await,
        (Method::Get, paths::TOKENS) => tokens::list(ctx, req).await,
        (Method::Post, paths::TOKEN_CREATE) => tokens::create(ctx, req).await,
        (Method::Post, paths::TOKEN_REVOKE) => tokens::revoke(ctx, req).await,
        (Method::Get, paths::AUDIT_EXPORT) => audit::export(ctx, req).await,
        (Method::Post, paths::BENCH) => bench::run(ctx, req).await,
        (Method::Post, paths::DEMO_SEED) => demo::seed(ctx, req).await,
        (_, p) if routes::is_routed(p) => {
            Err(AppError::api(ErrorCode::MethodNotAllowed, "This method is not allowed here."))
        }
        _ => Err(AppError::api(ErrorCode::NotFound, "There is no such API endpoint.")),
    }
}
