//! Roles and assignments for administrators: the calls activation needs before issue 6 gives
//! them screens (create a role, set its settings, assign and remove).

use super::Ctx;
use super::auth::admin;
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::rpc::{AccessCall, AccessReply, unexpected};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::assignments::{AssignmentList, CreateAssignment, RemoveAssignment};
use elevate_shared::api::roles::{CreateRole, RoleList, UpdateRoleSettings};
use elevate_shared::domain::RoleId;
use worker::{Request, Response};

async fn access(ctx: &Ctx<'_>, call: AccessCall) -> Result<AccessReply, AppError> {
    stubs::access(ctx.env, call).await
}

/// `GET /api/v1/roles`
pub(crate) async fn roles(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    match access(ctx, AccessCall::Roles { now: ctx.now }).await? {
        AccessReply::Roles(roles) => http::json(200, &RoleList { roles }),
        other => Err(unexpected(&other)),
    }
}

/// `GET /api/v1/assignments?role=<role id>`
pub(crate) async fn assignments(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let url = req.url()?;
    let role = http::query(&url, "role")
        .ok_or_else(|| AppError::api(ErrorCode::BadRequest, "Name the role: ?role=<role id>."))?;
    let role = RoleId::parse(role)?;
    match access(ctx, AccessCall::RoleAssignments { role, now: ctx.now }).await? {
        AccessReply::Assignments(assignments) => http::json(200, &AssignmentList { assignments }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/roles/create`
pub(crate) async fn create_role(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: CreateRole = http::read_json(req).await?;
    match access(ctx, AccessCall::CreateRole { by: me.user.id, body, now: ctx.now }).await? {
        AccessReply::Role(view) => http::json(201, &view),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/roles/update`: name, description, privileged flag.
pub(crate) async fn update_role(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: elevate_shared::api::roles::UpdateRole = http::read_json(req).await?;
    let call =
        AccessCall::UpdateRole { by: me.user.id, body, may_loosen: me.via_token.is_none(), now: ctx.now };
    match access(ctx, call).await? {
        AccessReply::Role(view) => http::json(200, &view),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/roles/delete`: only a role nothing rests on; never with an API token.
pub(crate) async fn delete_role(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: elevate_shared::api::roles::DeleteRole = http::read_json(req).await?;
    let call = AccessCall::DeleteRole { by: me.user.id, role: body.role.clone(), now: ctx.now };
    match access(ctx, call).await? {
        AccessReply::Done => http::json(200, &elevate_shared::api::roles::RoleDeleted { role: body.role }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/roles/settings`
pub(crate) async fn set_settings(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: UpdateRoleSettings = http::read_json(req).await?;
    let call = AccessCall::SetSettings {
        by: me.user.id,
        role: body.role,
        settings: Box::new(body.settings),
        may_loosen: me.via_token.is_none(),
        now: ctx.now,
    };
    match access(ctx, call).await? {
        AccessReply::Role(view) => http::json(200, &view),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/assignments/create`: the administrator's session MFA counts where the role
/// demands MFA on a direct active assignment.
pub(crate) async fn assign(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: CreateAssignment = http::read_json(req).await?;
    let call = AccessCall::Assign { by: me.user.id, admin_mfa: me.session.evidence, body, now: ctx.now };
    match access(ctx, call).await? {
        AccessReply::Assignment(a) => http::json(201, &AssignmentList { assignments: vec![*a] }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/assignments/remove`
pub(crate) async fn remove(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: RemoveAssignment = http::read_json(req).await?;
    let call = AccessCall::RemoveAssignment {
        by: me.user.id,
        id: body.assignment,
        reason: body.reason,
        now: ctx.now,
    };
    match access(ctx, call).await? {
        AccessReply::Done => http::json(200, &serde_json::json!({})),
        other => Err(unexpected(&other)),
    }
}
