//! The directory for administrators: people, invitations, and the account actions (unlock,
//! reset methods, one-time bypass), plus the alerts: those events raise, and those computed from
//! state with their fixes and dismissals.

use super::Ctx;
use super::auth::{admin, directory, not_with_a_token};
use crate::directory::{Directory, UserRecord};
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::rpc::{AccessCall, AccessReply, AuditCall, AuditReply, UserCall, UserReply, unexpected};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::alerts::{AlertList, ApplyFix, DismissAlert, DismissedAlert, RaisedAlerts};
use elevate_shared::api::users::{
    AccountStatus, CreateUser, GrantBypass, InvitationIssued, MAX_BYPASS_MINUTES, MAX_BYPASS_USES,
    UserAction, UserCreated, UserList, UserSummary,
};
use elevate_shared::domain::Alert;
use elevate_shared::domain::alerts::Dismissal;
use elevate_shared::domain::audit::{Actor, AuditAction, AuditDraft, Target};
use worker::{Request, Response};

/// The most raised alerts one listing returns.
const MAX_RAISED: usize = 200;

async fn status(ctx: &Ctx<'_>, user: &UserRecord) -> Result<AccountStatus, AppError> {
    match stubs::user(ctx.env, &user.id, UserCall::Status { now: ctx.now }).await? {
        UserReply::Status(s) => Ok(s),
        other => Err(unexpected(&other)),
    }
}

fn summary(user: UserRecord, status: AccountStatus) -> UserSummary {
    UserSummary {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        is_admin: user.is_admin,
        created_at: user.created_at,
        status,
    }
}

/// The account an action names; `not_found` when there is none.
async fn target(ctx: &Ctx<'_>, action: &UserAction) -> Result<UserRecord, AppError> {
    let kv = directory(ctx)?;
    Directory { kv: &kv }
        .user(&action.user)
        .await?
        .ok_or_else(|| AppError::api(ErrorCode::NotFound, "There is no such user."))
}

/// `GET /api/v1/users`
pub(crate) async fn list(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let kv = directory(ctx)?;
    let mut users = Vec::new();
    for user in (Directory { kv: &kv }).users().await? {
        let status = status(ctx, &user).await?;
        users.push(summary(user, status));
    }
    http::json(200, &UserList { users })
}

/// `POST /api/v1/users/create`: the person and their invitation.
pub(crate) async fn create(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: CreateUser = http::read_json(req).await?;
    if body.is_admin && me.via_token.is_some() {
        return Err(not_with_a_token("create an administrator"));
    }
    let kv = directory(ctx)?;
    let user = UserRecord {
        id: crate::random::user_id()?,
        username: body.username,
        display_name: body.display_name,
        is_admin: body.is_admin,
        created_at: ctx.now,
    };
    Directory { kv: &kv }.add_user(&user).await?;
    let draft = AuditDraft::new(
        AuditAction::UserCreated,
        Actor::User(me.user.id.clone()),
        Target::User(user.id.clone()),
        ctx.now,
    )
    .detail("username", user.username.as_str())
    .detail("is_admin", user.is_admin);
    stubs::append_event(ctx.env, draft).await?;
    let invitation =
        match stubs::user(ctx.env, &user.id, UserCall::IssueInvitation { by: me.user.id, now: ctx.now })
            .await?
        {
            UserReply::Invitation(i) => i,
            other => return Err(unexpected(&other)),
        };
    let status = status(ctx, &user).await?;
    http::json(201, &UserCreated { user: summary(user, status), invitation })
}

/// `POST /api/v1/users/invite`: a fresh invitation, voiding the last.
pub(crate) async fn invite(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let user = target(ctx, &http::read_json(req).await?).await?;
    match stubs::user(ctx.env, &user.id, UserCall::IssueInvitation { by: me.user.id, now: ctx.now }).await? {
        UserReply::Invitation(invitation) => http::json(200, &InvitationIssued { invitation }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/users/unlock`
pub(crate) async fn unlock(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let user = target(ctx, &http::read_json(req).await?).await?;
    match stubs::user(ctx.env, &user.id, UserCall::Unlock { by: me.user.id, now: ctx.now }).await? {
        UserReply::Done => http::json(200, &serde_json::json!({})),
        other => Err(unexpected(&other)),
    }
}

/// Administrators do not reset or bypass their own MFA: another administrator must.
fn not_self(me: &UserRecord, user: &UserRecord) -> Result<(), AppError> {
    if me.id == user.id {
        return Err(AppError::api(
            ErrorCode::Forbidden,
            "You cannot do this to your own account; ask another administrator.",
        ));
    }
    Ok(())
}

/// `POST /api/v1/users/reset-methods`: every method goes; a new invitation comes.
pub(crate) async fn reset_methods(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let user = target(ctx, &http::read_json(req).await?).await?;
    not_self(&me.user, &user)?;
    match stubs::user(ctx.env, &user.id, UserCall::ResetMethods { by: me.user.id, now: ctx.now }).await? {
        UserReply::Invitation(invitation) => http::json(200, &InvitationIssued { invitation }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/users/bypass`
pub(crate) async fn bypass(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: GrantBypass = http::read_json(req).await?;
    if !(1..=MAX_BYPASS_MINUTES).contains(&body.minutes) || !(1..=MAX_BYPASS_USES).contains(&body.uses) {
        return Err(AppError::api(
            ErrorCode::BadRequest,
            format!(
                "A bypass lasts 1 to {MAX_BYPASS_MINUTES} minutes and allows 1 to {MAX_BYPASS_USES} uses."
            ),
        ));
    }
    let user = target(ctx, &UserAction { user: body.user }).await?;
    not_self(&me.user, &user)?;
    let call = UserCall::GrantBypass { by: me.user.id, minutes: body.minutes, uses: body.uses, now: ctx.now };
    match stubs::user(ctx.env, &user.id, call).await? {
        UserReply::Bypass(granted) => http::json(200, &granted),
        other => Err(unexpected(&other)),
    }
}

/// `GET /api/v1/alerts/raised`
pub(crate) async fn raised_alerts(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    match stubs::audit(ctx.env, AuditCall::Raised { limit: MAX_RAISED }).await? {
        AuditReply::Raised(alerts) => http::json(200, &RaisedAlerts { alerts }),
        other => Err(unexpected(&other)),
    }
}

/// Everyone in the directory with their methods and standing from their own objects: what the
/// computed alerts are computed over.
async fn people(ctx: &Ctx<'_>) -> Result<Vec<elevate_shared::domain::User>, AppError> {
    let kv = directory(ctx)?;
    let mut people = Vec::new();
    for user in (Directory { kv: &kv }).users().await? {
        match stubs::user(ctx.env, &user.id, UserCall::Standing { now: ctx.now }).await? {
            UserReply::Standing { methods, status } => people.push(elevate_shared::domain::User {
                id: user.id,
                username: user.username,
                display_name: user.display_name,
                status,
                methods,
            }),
            other => return Err(unexpected(&other)),
        }
    }
    Ok(people)
}

fn dismissed(alert: Alert, d: Dismissal, people: &[elevate_shared::domain::User]) -> DismissedAlert {
    DismissedAlert {
        dismissed_by_name: people.iter().find(|p| p.id == d.by).map(|p| p.display_name.clone()),
        alert,
        dismissed_by: d.by,
        dismissed_at: d.at,
        reason: d.reason,
    }
}

/// `GET /api/v1/alerts`: computed from state now, with each person's methods from their object;
/// dismissed ones apart, with who dismissed them and why.
pub(crate) async fn alerts(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let people = people(ctx).await?;
    match stubs::access(ctx.env, AccessCall::Alerts { users: people.clone(), now: ctx.now }).await? {
        AccessReply::Alerts(now) => http::json(
            200,
            &AlertList {
                alerts: now.shown,
                dismissed: now.dismissed.into_iter().map(|(a, d)| dismissed(a, d, &people)).collect(),
                computed_at: ctx.now,
                thresholds: elevate_shared::domain::AlertThresholds::default(),
            },
        ),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/alerts/dismiss`: hides a computed alert, with a reason, until a new item appears.
pub(crate) async fn dismiss(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: DismissAlert = http::read_json(req).await?;
    let people = people(ctx).await?;
    let call = AccessCall::DismissAlert {
        by: me.user.id,
        users: people.clone(),
        kind: body.kind,
        reason: body.reason,
        now: ctx.now,
    };
    match stubs::access(ctx.env, call).await? {
        AccessReply::Dismissed(done) => {
            let (alert, d) = *done;
            http::json(200, &dismissed(alert, d, &people))
        }
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/alerts/fix`: the fix an alert offered, or the part of it that was selected.
pub(crate) async fn fix(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: ApplyFix = http::read_json(req).await?;
    match stubs::access(ctx.env, AccessCall::Fix { by: me.user.id, fix: body.fix, now: ctx.now }).await? {
        AccessReply::Fixed(applied) => http::json(200, &applied),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/users/update`: a new name, the administrator flag, or disabled / enabled.
/// Never leaves Elevate without an enabled administrator, and never takes an administrator's
/// rights away by their own hand.
pub(crate) async fn update(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let body: elevate_shared::api::users::UpdateUser = http::read_json(req).await?;
    let kv = directory(ctx)?;
    let dir = Directory { kv: &kv };
    let mut record = dir
        .user(&body.user)
        .await?
        .ok_or_else(|| AppError::api(ErrorCode::NotFound, "There is no such user."))?;
    let current = summary(record.clone(), status(ctx, &record).await?);
    let mut enabled_admins = 0;
    for user in dir.users().await?.into_iter().filter(|u| u.is_admin) {
        if !status(ctx, &user).await?.disabled {
            enabled_admins += 1;
        }
    }
    // Who administers Elevate changes only by a person's hand: a token neither promotes, demotes
    // nor disables an administrator.
    let admin_change =
        body.is_admin.is_some_and(|a| a != record.is_admin) || (record.is_admin && body.disabled.is_some());
    if admin_change && me.via_token.is_some() {
        return Err(not_with_a_token("change an administrator's role or account"));
    }
    body.check(&me.user.id, &current, enabled_admins)?;
    let demoted = record.is_admin && body.is_admin == Some(false);

    let mut changes = Vec::new();
    if let Some(name) = body.display_name.filter(|n| *n != record.display_name) {
        changes.push(("display_name", name.to_string()));
        record.display_name = name;
    }
    if let Some(is_admin) = body.is_admin.filter(|a| *a != record.is_admin) {
        changes.push(("is_admin", is_admin.to_string()));
        record.is_admin = is_admin;
    }
    if !changes.is_empty() {
        dir.update_user(&record).await?;
        let draft = changes.iter().fold(
            AuditDraft::new(
                AuditAction::UserUpdated,
                Actor::User(me.user.id.clone()),
                Target::User(record.id.clone()),
                ctx.now,
            ),
            |d, (k, v)| d.detail(k, v),
        );
        stubs::append_event(ctx.env, draft).await?;
    }
    if demoted {
        // Their tokens must not come back to life with a later promotion.
        match stubs::user(ctx.env, &record.id, UserCall::RevokeAllApiTokens { now: ctx.now }).await? {
            UserReply::Count(_) => {}
            other => return Err(unexpected(&other)),
        }
    }
    if let Some(disabled) = body.disabled {
        let call = UserCall::SetDisabled { by: me.user.id.clone(), disabled, now: ctx.now };
        match stubs::user(ctx.env, &record.id, call).await? {
            UserReply::Count(_) => {}
            other => return Err(unexpected(&other)),
        }
    }
    let status = status(ctx, &record).await?;
    http::json(200, &summary(record, status))
}
