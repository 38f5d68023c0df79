//! An administrator's API tokens: list, create (after a fresh MFA; the token is shown once),
//! revoke. Only a person in a session manages tokens: a token can neither mint nor list them.

use super::Ctx;
use super::auth::{admin, authenticate};
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::rpc::{UserCall, UserReply, unexpected};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::tokens::{ApiTokenList, CreateApiToken, RevokeApiToken};
use worker::{Request, Response};

/// `GET /api/v1/tokens`: the caller's tokens, newest first, never their secrets.
pub(crate) async fn list(ctx: &Ctx<'_>, req: &Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    match stubs::user(ctx.env, &me.user.id, UserCall::ApiTokens).await? {
        UserReply::ApiTokens(tokens) => http::json(200, &ApiTokenList { tokens }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/tokens/create`
pub(crate) async fn create(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    if !me.user.is_admin {
        return Err(AppError::api(ErrorCode::Forbidden, "Only administrators can do this."));
    }
    let body: CreateApiToken = http::read_json(req).await?;
    let call = UserCall::CreateApiToken { session: me.token, body, now: ctx.now };
    match stubs::user(ctx.env, &me.user.id, call).await? {
        UserReply::ApiTokenCreated(created) => http::json(201, &created),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/tokens/revoke`: effective for the token's very next request.
pub(crate) async fn revoke(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: RevokeApiToken = http::read_json(req).await?;
    match stubs::user(ctx.env, &me.user.id, UserCall::RevokeApiToken { id: body.id, now: ctx.now }).await? {
        UserReply::ApiToken(summary) => http::json(200, &summary),
        other => Err(unexpected(&other)),
    }
}
