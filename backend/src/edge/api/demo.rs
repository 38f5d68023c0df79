//! `POST /api/v1/demo/seed`: the local demo tenant, seeded once through the same objects and
//! rules as everything else. Answers 404 unless `DEMO_TENANT=on`, which the configuration
//! refuses for any relying party but `localhost`.

use super::Ctx;
use super::auth::directory;
use crate::demo::{self, PEOPLE};
use crate::directory::{Directory, UserRecord};
use crate::edge::crypto::WebCrypto;
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::password::PasswordHash;
use crate::rpc::{AccessCall, AccessReply, TenantCall, TenantReply, UserCall, UserReply, unexpected};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::assignments::CreateAssignment;
use elevate_shared::api::demo::{DemoAccount, DemoSeeded};
use elevate_shared::api::password::Password;
use elevate_shared::domain::User;
use elevate_shared::domain::assignment::AssignmentKind;
use elevate_shared::domain::durations::ActivationDuration;
use elevate_shared::domain::policy::{ActivationDraft, ActivationStart};
use elevate_shared::domain::totp::{OtpAuthUri, TotpParams, TotpSecret};
use elevate_shared::ids::UserId;
use elevate_shared::time::DurationMs;
use worker::{Request, Response};

pub(crate) async fn seed(ctx: &Ctx<'_>, _req: &mut Request) -> Result<Response, AppError> {
    if !ctx.config.demo_tenant {
        return Err(AppError::api(ErrorCode::NotFound, "There is no such API endpoint."));
    }
    let created = match stubs::tenant(ctx.env, TenantCall::ClaimDemo { now: ctx.now }).await? {
        TenantReply::DemoClaimed(first) => first,
        other => return Err(unexpected(&other)),
    };
    if created {
        seed_everything(ctx).await?;
    }
    let accounts = PEOPLE
        .iter()
        .map(|p| DemoAccount {
            username: demo::username(p.username),
            display_name: demo::display_name(p.display_name),
            password: p.password.to_owned(),
            otpauth_uri: p.totp_secret.and_then(|s| {
                let secret = TotpSecret::from_base32(s).ok()?;
                Some(
                    OtpAuthUri::enrolment(&demo::username(p.username), secret, TotpParams::default())
                        .to_uri(),
                )
            }),
            about: p.about.to_owned(),
        })
        .collect();
    let roles = demo::roles(&[]).into_iter().map(|r| r.role.name.as_str().to_owned()).collect();
    http::json(200, &DemoSeeded { created, accounts, roles })
}

async fn seed_everything(ctx: &Ctx<'_>) -> Result<(), AppError> {
    let kv = directory(ctx)?;
    let dir = Directory { kv: &kv };
    let seeder = demo::seeder();
    let mut ids: Vec<(&str, UserId)> = Vec::new();
    for p in PEOPLE {
        let record = UserRecord {
            id: crate::random::user_id()?,
            username: demo::username(p.username),
            display_name: demo::display_name(p.display_name),
            is_admin: false,
            created_at: ctx.now,
        };
        dir.add_user(&record).await?;
        let hash = PasswordHash::new(&WebCrypto, &Password(p.password.to_owned())).await?;
        let call = UserCall::SeedDemo { hash, totp_secret: p.totp_secret.map(str::to_owned), now: ctx.now };
        match stubs::user(ctx.env, &record.id, call).await? {
            UserReply::Done => {}
            other => return Err(unexpected(&other)),
        }
        ids.push((p.username, record.id));
    }
    let id_of = |name: &str| ids.iter().find(|(n, _)| *n == name).map(|(_, id)| id.clone());
    let approvers: Vec<UserId> = id_of("carol").into_iter().collect();
    for demo_role in demo::roles(&approvers) {
        let role_id = demo_role.role.id.clone();
        let scope = demo_role.role.scope.clone();
        let call = AccessCall::CreateRole { by: seeder.clone(), body: demo_role.role, now: ctx.now };
        access(ctx, call).await?;
        for name in demo_role.eligible {
            let Some(principal) = id_of(name) else { continue };
            let body = CreateAssignment {
                principal,
                role: role_id.clone(),
                scope: scope.clone(),
                kind: AssignmentKind::Eligible,
                start: None,
                end: Some(ctx.now.plus(DurationMs::from_hours(120 * 24))),
                justification: None,
            };
            // Made two months ago, so the history below rests on it.
            let made = ctx.now.minus(DurationMs::from_hours(60 * 24));
            access(ctx, AccessCall::Assign { by: seeder.clone(), admin_mfa: None, body, now: made }).await?;
        }
    }
    // A little history: Dave read billing two days ago and this morning (that role asks no MFA).
    if let Some(dave) = id_of("dave") {
        let principal = User {
            id: dave,
            username: demo::username("dave"),
            display_name: demo::display_name("Dave Analyst"),
            status: elevate_shared::domain::user::UserStatus::Active,
            methods: Vec::new(),
        };
        for hours_ago in [50, 5] {
            let draft = ActivationDraft {
                scope: elevate_shared::domain::Scope::parse("/billing")?,
                start: ActivationStart::Immediate,
                duration: ActivationDuration::from_minutes(60)
                    .map_err(|e| AppError::internal(e.to_string()))?,
                justification: None,
                ticket: None,
            };
            let call = AccessCall::Create {
                principal: Box::new(principal.clone()),
                role: elevate_shared::domain::RoleId::parse("billing-reader")?,
                draft,
                session_mfa: None,
                now: ctx.now.minus(DurationMs::from_hours(hours_ago)),
            };
            access(ctx, call).await?;
        }
    }
    Ok(())
}

async fn access(ctx: &Ctx<'_>, call: AccessCall) -> Result<AccessReply, AppError> {
    stubs::access(ctx.env, call).await
}
