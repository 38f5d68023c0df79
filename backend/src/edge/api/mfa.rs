//! Authenticator apps: enrolment and step-up verification with a code.

use super::Ctx;
use super::auth::authenticate;
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::rpc::{UserCall, UserReply, unexpected};
use elevate_shared::api::mfa::{
    RemoveMethod, RenameMethod, TotpEnrolmentFinish, TotpEnrolmentStart, TotpVerify,
};
use worker::{Request, Response};

pub(crate) async fn totp_start(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let body: TotpEnrolmentStart = http::read_json(req).await?;
    let call =
        UserCall::StartTotpEnrolment { username: signed_in.user.username, name: body.name, now: ctx.now };
    match stubs::user(ctx.env, &signed_in.user.id, call).await? {
        UserReply::TotpEnrolmentStarted(started) => http::json(200, &started),
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn totp_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let body: TotpEnrolmentFinish = http::read_json(req).await?;
    let call =
        UserCall::FinishTotpEnrolment { enrolment_id: body.enrolment_id, code: body.code, now: ctx.now };
    match stubs::user(ctx.env, &signed_in.user.id, call).await? {
        UserReply::TotpEnrolled(method) => http::json(201, &method),
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn verify_totp(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let body: TotpVerify = http::read_json(req).await?;
    let call = UserCall::VerifyTotp {
        token: signed_in.token,
        code: body.code,
        policy: ctx.config.lockout,
        now: ctx.now,
    };
    match stubs::user(ctx.env, &signed_in.user.id, call).await? {
        UserReply::Verified(evidence) => http::json(200, &evidence),
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn remove_method(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let body: RemoveMethod = http::read_json(req).await?;
    match stubs::user(ctx.env, &signed_in.user.id, UserCall::RemoveMethod { id: body.id, now: ctx.now })
        .await?
    {
        UserReply::Done => http::json(200, &serde_json::json!({})),
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn rename_method(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let body: RenameMethod = http::read_json(req).await?;
    let call = UserCall::RenameMethod { id: body.id, name: body.name, now: ctx.now };
    match stubs::user(ctx.env, &signed_in.user.id, call).await? {
        UserReply::Done => http::json(200, &serde_json::json!({})),
        other => Err(unexpected(&other)),
    }
}
