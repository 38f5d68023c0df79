//! OATH hardware tokens for administrators: the inventory lives in the tenant object (one
//! place decides who holds a token); an assigned token's secret moves into its holder's object.

use super::Ctx;
use super::auth::{admin, directory};
use crate::directory::Directory;
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::rpc::{TenantCall, TenantReply, UserCall, UserReply, unexpected};
use crate::tenant_object::NewOathToken;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::mfa::TotpMethodSummary;
use elevate_shared::api::oath::{
    AssignOathToken, ImportOathTokens, OathAssignment, OathImported, OathTokenList,
};
use elevate_shared::domain::oath::{OathSerial, validate_rows};
use elevate_shared::ids::UserId;
use worker::{Request, Response};

/// Assigns a token: the tenant object marks it taken (once), then the holder's object gets it;
/// if that fails the mark is undone.
async fn assign(
    ctx: &Ctx<'_>,
    by: &UserId,
    serial: &OathSerial,
    user: &UserId,
) -> Result<TotpMethodSummary, AppError> {
    let token =
        match stubs::tenant(ctx.env, TenantCall::AssignOath { serial: serial.clone(), user: user.clone() })
            .await?
        {
            TenantReply::OathToken(t) => *t,
            other => return Err(unexpected(&other)),
        };
    let new = NewOathToken { serial: token.serial, secret_base32: token.secret_base32, params: token.params };
    let call = UserCall::AddOathToken { by: by.clone(), token: new, now: ctx.now };
    match stubs::user(ctx.env, user, call).await {
        Ok(UserReply::TotpEnrolled(summary)) => Ok(summary),
        failed => {
            stubs::tenant(ctx.env, TenantCall::ReleaseOath { serial: serial.clone() }).await?;
            match failed {
                Err(e) => Err(e),
                Ok(other) => Err(unexpected(&other)),
            }
        }
    }
}

/// `POST /api/v1/oath-tokens/import`
pub(crate) async fn import(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: ImportOathTokens = http::read_json(req).await?;
    let tokens = validate_rows(&body.tokens, 1).map_err(|problems| {
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        AppError::api(ErrorCode::BadRequest, format!("Nothing was imported. {}.", listed.join("; ")))
    })?;
    // Every named holder must exist before anything is stored.
    let kv = directory(ctx)?;
    let dir = Directory { kv: &kv };
    let mut holders = Vec::new();
    for t in &tokens {
        if let Some(username) = &t.user {
            let id = dir.user_id_by_username(username).await?.ok_or_else(|| {
                AppError::api(
                    ErrorCode::BadRequest,
                    format!("Nothing was imported: there is no user {username}."),
                )
            })?;
            holders.push((t.serial.clone(), id, username.clone()));
        }
    }
    let new: Vec<NewOathToken> = tokens
        .into_iter()
        .map(|t| NewOathToken { serial: t.serial, secret_base32: t.secret.to_base32(), params: t.params })
        .collect();
    let imported = match stubs::tenant(
        ctx.env,
        TenantCall::ImportOath { by: me.user.id.clone(), tokens: new, now: ctx.now },
    )
    .await?
    {
        TenantReply::Imported(n) => n,
        other => return Err(unexpected(&other)),
    };
    let mut assigned = Vec::new();
    for (serial, id, username) in holders {
        assign(ctx, &me.user.id, &serial, &id).await?;
        assigned.push(OathAssignment { serial, username });
    }
    http::json(201, &OathImported { imported, assigned })
}

/// `GET /api/v1/oath-tokens`
pub(crate) async fn list(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    match stubs::tenant(ctx.env, TenantCall::ListOath).await? {
        TenantReply::OathTokens(tokens) => http::json(200, &OathTokenList { tokens }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/oath-tokens/assign`
pub(crate) async fn assign_route(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: AssignOathToken = http::read_json(req).await?;
    let kv = directory(ctx)?;
    Directory { kv: &kv }
        .user(&body.user)
        .await?
        .ok_or_else(|| AppError::api(ErrorCode::NotFound, "There is no such user."))?;
    http::json(200, &assign(ctx, &me.user.id, &body.serial, &body.user).await?)
}
