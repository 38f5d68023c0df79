//! Passwords at the edge: sign-in with the second factor, setting one, enrolment by invitation,
//! and the owner's view of sign-ins waiting for their second factor ("this wasn't me").
//!
//! The worker hashes with WebCrypto; the user's object counts, decides and keeps state.

use super::Ctx;
use super::auth::{authenticate, directory, signed_in_response, signed_in_response_with};
use crate::directory::Directory;
use crate::edge::crypto::WebCrypto;
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::password::PasswordHash;
use crate::rpc::{UserCall, UserReply, unexpected};
use crate::user_object::{Identity, PasswordOutcome, SignedIn};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::RegistrationStarted;
use elevate_shared::api::password::{
    FraudReport, MAX_PASSWORD_BYTES, PasswordSignIn, PendingPrompts, SecondFactorBypass,
    SecondFactorChallenge, SecondFactorPasskey, SecondFactorTotp, SetPassword, SignInStep,
};
use elevate_shared::api::users::{EnrolPasskeyFinish, EnrolPassword, EnrolStatus, EnrolWith, InvitationCode};
use elevate_shared::ids::UserId;
use worker::{Request, Response};

fn sign_in_failed() -> AppError {
    AppError::api(ErrorCode::SignInFailed, "Sign-in failed.")
}

fn user_agent(req: &Request) -> Result<Option<String>, AppError> {
    Ok(req.headers().get("user-agent")?)
}

async fn signed_in(ctx: &Ctx<'_>, user: &UserId, call: UserCall) -> Result<SignedIn, AppError> {
    match stubs::user(ctx.env, user, call).await? {
        UserReply::SignedIn(s) => Ok(s),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/sign-in/password`
pub(crate) async fn sign_in(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: PasswordSignIn = http::read_json(req).await?;
    if body.password.0.len() > MAX_PASSWORD_BYTES {
        return Err(sign_in_failed());
    }
    let kv = directory(ctx)?;
    let Some(user_id) = Directory { kv: &kv }.user_id_by_username(&body.username).await? else {
        // As slow as a real account, so timing does not tell which usernames exist.
        PasswordHash::decoy().verify(&WebCrypto, &body.password).await?;
        return Err(sign_in_failed());
    };
    let call = UserCall::BeginPassword { policy: ctx.config.lockout, now: ctx.now };
    let attempt = match stubs::user(ctx.env, &user_id, call).await? {
        UserReply::PasswordAttempt(a) => a,
        other => return Err(unexpected(&other)),
    };
    let verified = attempt.hash.verify(&WebCrypto, &body.password).await?;
    let rehashed = match verified && attempt.hash.needs_rehash() {
        true => Some(PasswordHash::new(&WebCrypto, &body.password).await?),
        false => None,
    };
    let call = UserCall::FinishPassword {
        attempt: attempt.attempt,
        verified,
        rehashed,
        user_agent: user_agent(req)?,
        now: ctx.now,
    };
    let outcome = match stubs::user(ctx.env, &user_id, call).await? {
        UserReply::Password(outcome) => *outcome,
        other => return Err(unexpected(&other)),
    };
    match outcome {
        PasswordOutcome::SignedIn(s) => {
            signed_in_response_with(ctx, &user_id, s, |me| SignInStep::SignedIn { me: Box::new(me) }).await
        }
        PasswordOutcome::SecondFactor { ticket, totp, passkey, bypass, expires_at } => {
            let challenge = SecondFactorChallenge {
                user_id,
                ticket,
                totp,
                passkey: passkey.map(|p| *p),
                bypass,
                expires_at,
            };
            http::json(200, &SignInStep::SecondFactor(Box::new(challenge)))
        }
    }
}

/// `POST /api/v1/sign-in/second-factor/totp`
pub(crate) async fn second_factor_totp(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: SecondFactorTotp = http::read_json(req).await?;
    let call = UserCall::SecondFactorTotp {
        ticket: body.ticket,
        code: body.code,
        policy: ctx.config.lockout,
        now: ctx.now,
    };
    let s = signed_in(ctx, &body.user_id, call).await?;
    signed_in_response(ctx, &body.user_id, s).await
}

/// `POST /api/v1/sign-in/second-factor/passkey`
pub(crate) async fn second_factor_passkey(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: SecondFactorPasskey = http::read_json(req).await?;
    let call = UserCall::SecondFactorPasskey {
        ticket: body.ticket,
        credential: Box::new(body.credential),
        now: ctx.now,
    };
    let s = signed_in(ctx, &body.user_id, call).await?;
    signed_in_response(ctx, &body.user_id, s).await
}

/// `POST /api/v1/sign-in/second-factor/bypass`
pub(crate) async fn second_factor_bypass(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: SecondFactorBypass = http::read_json(req).await?;
    let call = UserCall::SecondFactorBypass { ticket: body.ticket, now: ctx.now };
    let s = signed_in(ctx, &body.user_id, call).await?;
    signed_in_response(ctx, &body.user_id, s).await
}

fn check_strength(
    password: &elevate_shared::api::password::Password,
    user: &crate::directory::UserRecord,
) -> Result<(), AppError> {
    password.check_new(&user.username).map_err(|weak| {
        AppError::api(ErrorCode::PasswordRejected, format!("Choose another password: {weak}."))
    })
}

/// `POST /api/v1/me/password`
pub(crate) async fn set_password(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: SetPassword = http::read_json(req).await?;
    check_strength(&body.new, &me.user)?;
    let hash = PasswordHash::new(&WebCrypto, &body.new).await?;
    match stubs::user(ctx.env, &me.user.id, UserCall::SetPassword { token: me.token, hash, now: ctx.now })
        .await?
    {
        UserReply::Done => http::json(200, &serde_json::json!({})),
        other => Err(unexpected(&other)),
    }
}

/// `GET /api/v1/me/prompts`
pub(crate) async fn prompts(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    match stubs::user(ctx.env, &me.user.id, UserCall::Prompts { now: ctx.now }).await? {
        UserReply::Prompts(prompts) => http::json(200, &PendingPrompts { prompts }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/me/fraud-report`
pub(crate) async fn fraud_report(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: FraudReport = http::read_json(req).await?;
    let call = UserCall::ReportFraud { current: me.token, ticket: body.ticket, now: ctx.now };
    match stubs::user(ctx.env, &me.user.id, call).await? {
        UserReply::FraudReported(reported) => http::json(200, &reported),
        other => Err(unexpected(&other)),
    }
}

/// The person an invitation names and its secret, after checking it with their object.
async fn invitation(
    ctx: &Ctx<'_>,
    code: &InvitationCode,
) -> Result<(crate::directory::UserRecord, String, elevate_shared::time::UnixMillis), AppError> {
    let invalid = || {
        AppError::api(
            ErrorCode::InvitationInvalid,
            "This invitation is not valid. Ask an administrator for a new one.",
        )
    };
    let (user_id, secret) = code.parts().ok_or_else(invalid)?;
    let kv = directory(ctx)?;
    let user = Directory { kv: &kv }.user(&user_id).await?.ok_or_else(invalid)?;
    let call = UserCall::CheckInvitation { secret: secret.to_owned(), now: ctx.now };
    match stubs::user(ctx.env, &user.id, call).await? {
        UserReply::InvitationValid { expires_at } => Ok((user, secret.to_owned(), expires_at)),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/enrol/status`
pub(crate) async fn enrol_status(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: EnrolWith = http::read_json(req).await?;
    let (user, _, expires_at) = invitation(ctx, &body.code).await?;
    http::json(200, &EnrolStatus { username: user.username, display_name: user.display_name, expires_at })
}

/// `POST /api/v1/enrol/passkey/start`
pub(crate) async fn enrol_passkey_start(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: EnrolWith = http::read_json(req).await?;
    let (user, secret, _) = invitation(ctx, &body.code).await?;
    let identity =
        Identity { user_id: user.id.clone(), username: user.username, display_name: user.display_name };
    let call = UserCall::StartInvitedRegistration { identity, secret, now: ctx.now };
    match stubs::user(ctx.env, &user.id, call).await? {
        UserReply::RegistrationStarted { ceremony_id, options } => {
            http::json(200, &RegistrationStarted { user_id: user.id, ceremony_id, options: *options })
        }
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/enrol/passkey/finish`
pub(crate) async fn enrol_passkey_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: EnrolPasskeyFinish = http::read_json(req).await?;
    let (user, secret, _) = invitation(ctx, &body.code).await?;
    if body.registration.user_id != user.id {
        return Err(AppError::api(
            ErrorCode::InvitationInvalid,
            "This registration is not for this invitation.",
        ));
    }
    let call = UserCall::FinishInvitedRegistration {
        secret,
        ceremony_id: body.registration.ceremony_id,
        name: body.registration.name,
        credential: Box::new(body.registration.credential),
        user_agent: user_agent(req)?,
        now: ctx.now,
    };
    let s = signed_in(ctx, &user.id, call).await?;
    signed_in_response(ctx, &user.id, s).await
}

/// `POST /api/v1/enrol/password`
pub(crate) async fn enrol_password(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: EnrolPassword = http::read_json(req).await?;
    let (user, secret, _) = invitation(ctx, &body.code).await?;
    check_strength(&body.password, &user)?;
    let hash = PasswordHash::new(&WebCrypto, &body.password).await?;
    let call =
        UserCall::RedeemInvitationWithPassword { secret, hash, user_agent: user_agent(req)?, now: ctx.now };
    let s = signed_in(ctx, &user.id, call).await?;
    signed_in_response(ctx, &user.id, s).await
}
