//! First-run enrolment, passkey sign-in and sign-out, and the signed-in person.

use super::Ctx;
use crate::ceremony::Purpose;
use crate::directory::{Directory, UserRecord};
use crate::edge::{adapters::Kv, http, stubs};
use crate::error::AppError;
use crate::keys::binding;
use crate::rpc::{CeremonyCall, CeremonyReply, TenantCall, TenantReply, UserCall, UserReply, unexpected};
use crate::session::{self, ABSOLUTE_LIFETIME, SessionRecord, SessionToken};
use crate::tenant_object;
use crate::user_object::{Identity, RegistrationKind};
use crate::webauthn::RelyingParty;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{
    AddPasskeyStart, AuthenticationStarted, BootstrapStart, BootstrapStatus, DiscoverableFinish,
    DiscoverableStarted, Me, MySessions, PasskeySummary, RegistrationFinish, RegistrationStarted,
    RevokeSession, SignInFinish, SignInStart,
};
use elevate_shared::api::routes::HttpMethod;
use elevate_shared::api::tokens::{ApiTokenSecret, scope_for};
use elevate_shared::domain::ids::TokenId;
use elevate_shared::ids::UserId;
use worker::{Request, Response};

/// A request made by a signed-in person; only [`authenticate`] makes one.
pub(super) struct SignedIn {
    pub user: UserRecord,
    pub session: SessionRecord,
    pub token: SessionToken,
}

pub(super) async fn authenticate(ctx: &Ctx<'_>, req: &Request) -> Result<SignedIn, AppError> {
    let (user_id, token) = http::session_cookie(req).ok_or_else(session::unauthenticated)?;
    let session =
        match stubs::user(ctx.env, &user_id, UserCall::CheckSession { token: token.clone(), now: ctx.now })
            .await?
        {
            UserReply::Session(s) => s,
            other => return Err(unexpected(&other)),
        };
    let user = directory(ctx)?;
    let user = Directory { kv: &user }.user(&user_id).await?.ok_or_else(session::unauthenticated)?;
    Ok(SignedIn { user, session, token })
}

/// An administrator acting, in a browser session or through one of their API tokens.
pub(super) struct Acting {
    pub user: UserRecord,
    /// The MFA the request carries: the session's; a token carries none, so every step that
    /// asks for the administrator's fresh MFA refuses it.
    pub session: SessionRecord,
    /// The API token acting, if not a session: it may not change who administers Elevate nor
    /// loosen a role.
    pub via_token: Option<TokenId>,
}

/// What an API token may never do, whatever its scopes.
pub(super) fn not_with_a_token(what: &str) -> AppError {
    AppError::api(ErrorCode::Forbidden, format!("An API token cannot {what}: sign in to do it yourself."))
}

/// A request by an administrator: with a session, or — where `shared::api::tokens::scope_for`
/// names a scope for this endpoint and the token holds it — with an API token of a current
/// administrator. No credential: `unauthenticated`; anyone else: `forbidden`.
pub(super) async fn admin(ctx: &Ctx<'_>, req: &Request) -> Result<Acting, AppError> {
    let forbidden = || AppError::api(ErrorCode::Forbidden, "Only administrators can do this.");
    if http::session_cookie(req).is_none()
        && let Some(token) = http::bearer_token(req)?
    {
        let (user, id) = token_owner(ctx, req, &token).await?;
        return if user.is_admin {
            Ok(Acting { user, session: SessionRecord::new(ctx.now, None), via_token: Some(id) })
        } else {
            Err(forbidden())
        };
    }
    let signed_in = authenticate(ctx, req).await?;
    if !signed_in.user.is_admin {
        return Err(forbidden());
    }
    Ok(Acting { user: signed_in.user, session: signed_in.session, via_token: None })
}

/// The owner of a presented API token, if the token works and holds the scope this endpoint
/// needs.
async fn token_owner(
    ctx: &Ctx<'_>,
    req: &Request,
    token: &ApiTokenSecret,
) -> Result<(UserRecord, TokenId), AppError> {
    let (owner, id, _) = token.parts().ok_or_else(session::unauthenticated)?;
    let method = match req.method() {
        worker::Method::Get => Some(HttpMethod::Get),
        worker::Method::Post => Some(HttpMethod::Post),
        _ => None,
    };
    let needed = method.and_then(|m| scope_for(m, &req.path())).ok_or_else(|| {
        AppError::api(ErrorCode::Forbidden, "API tokens cannot do this: it needs a person, signed in.")
    })?;
    let call = UserCall::CheckApiToken { token: token.clone(), now: ctx.now };
    let scopes = match stubs::user(ctx.env, &owner, call).await? {
        UserReply::TokenScopes(s) => s,
        other => return Err(unexpected(&other)),
    };
    if !scopes.contains(&needed) {
        return Err(AppError::api(
            ErrorCode::Forbidden,
            format!("This API token lacks the `{}` scope this needs.", needed.as_str()),
        ));
    }
    let kv = directory(ctx)?;
    let user = Directory { kv: &kv }.user(&owner).await?.ok_or_else(session::unauthenticated)?;
    Ok((user, id))
}

pub(super) fn directory(ctx: &Ctx<'_>) -> Result<Kv, AppError> {
    Ok(Kv(ctx.env.kv(binding::DIRECTORY_KV)?))
}

async fn bootstrap_open(ctx: &Ctx<'_>) -> Result<bool, AppError> {
    match stubs::tenant(ctx.env, TenantCall::BootstrapOpen).await? {
        TenantReply::BootstrapOpen(open) => Ok(open),
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn bootstrap_status(ctx: &Ctx<'_>) -> Result<Response, AppError> {
    http::json(200, &BootstrapStatus { open: bootstrap_open(ctx).await? })
}

pub(crate) async fn bootstrap_start(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: BootstrapStart = http::read_json(req).await?;
    if !bootstrap_open(ctx).await? {
        return Err(tenant_object::closed());
    }
    if !ctx.config.bootstrap_secret_matches(&body.secret) {
        return Err(AppError::api(ErrorCode::BootstrapSecretInvalid, "The bootstrap secret is not right."));
    }
    let kv = directory(ctx)?;
    Directory { kv: &kv }.ensure_username_free(&body.username).await?;
    let identity = Identity {
        user_id: crate::random::user_id()?,
        username: body.username.clone(),
        display_name: body.display_name.clone(),
    };
    let purpose = Purpose::Bootstrap { username: body.username, display_name: body.display_name };
    let call = UserCall::StartRegistration { identity: identity.clone(), purpose, now: ctx.now };
    registration_started(ctx, identity, call).await
}

async fn registration_started(
    ctx: &Ctx<'_>,
    identity: Identity,
    call: UserCall,
) -> Result<Response, AppError> {
    match stubs::user(ctx.env, &identity.user_id, call).await? {
        UserReply::RegistrationStarted { ceremony_id, options } => http::json(
            200,
            &RegistrationStarted { user_id: identity.user_id, ceremony_id, options: *options },
        ),
        other => Err(unexpected(&other)),
    }
}

/// Verifies the registration in the user's object, which stores the passkey.
async fn finish_registration(
    ctx: &Ctx<'_>,
    body: RegistrationFinish,
    kind: RegistrationKind,
) -> Result<(PasskeySummary, Purpose), AppError> {
    let call = UserCall::FinishRegistration {
        ceremony_id: body.ceremony_id,
        kind,
        name: body.name,
        credential: Box::new(body.credential),
        now: ctx.now,
    };
    match stubs::user(ctx.env, &body.user_id, call).await? {
        UserReply::Registered { passkey, purpose } => Ok((passkey, purpose)),
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn bootstrap_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: RegistrationFinish = http::read_json(req).await?;
    if !bootstrap_open(ctx).await? {
        return Err(tenant_object::closed());
    }
    let user_id = body.user_id.clone();
    let (passkey, purpose) = finish_registration(ctx, body, RegistrationKind::Bootstrap).await?;
    let Purpose::Bootstrap { username, display_name } = purpose else {
        return Err(AppError::internal("a bootstrap ceremony had another purpose"));
    };
    // The tenant object lets exactly one enrolment close the bootstrap.
    match stubs::tenant(ctx.env, TenantCall::ClaimBootstrap { admin: user_id.clone(), now: ctx.now }).await? {
        TenantReply::Done => {}
        other => return Err(unexpected(&other)),
    }
    let kv = directory(ctx)?;
    let user = UserRecord { id: user_id, username, display_name, is_admin: true, created_at: ctx.now };
    Directory { kv: &kv }.add_user(&user).await?;
    http::json(201, &passkey)
}

pub(crate) async fn sign_in_start(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: SignInStart = http::read_json(req).await?;
    let kv = directory(ctx)?;
    let failed = || AppError::api(ErrorCode::SignInFailed, "Sign-in failed.");
    let user_id = Directory { kv: &kv }.user_id_by_username(&body.username).await?.ok_or_else(failed)?;
    match stubs::user(ctx.env, &user_id, UserCall::StartAuthentication { now: ctx.now }).await? {
        UserReply::AuthenticationStarted { ceremony_id, options } => {
            http::json(200, &AuthenticationStarted { user_id, ceremony_id, options: *options })
        }
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn sign_in_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: SignInFinish = http::read_json(req).await?;
    let call = UserCall::FinishAuthentication {
        ceremony_id: body.ceremony_id,
        credential: Box::new(body.credential),
        user_agent: req.headers().get("user-agent")?,
        now: ctx.now,
    };
    let signed_in = match stubs::user(ctx.env, &body.user_id, call).await? {
        UserReply::SignedIn(s) => s,
        other => return Err(unexpected(&other)),
    };
    signed_in_response(ctx, &body.user_id, signed_in).await
}

/// The signed-in person and the session cookie.
pub(super) async fn signed_in_response(
    ctx: &Ctx<'_>,
    user_id: &UserId,
    signed_in: crate::user_object::SignedIn,
) -> Result<Response, AppError> {
    signed_in_response_with(ctx, user_id, signed_in, |me| me).await
}

/// The session cookie with a body built around the signed-in person.
pub(super) async fn signed_in_response_with<T: serde::Serialize>(
    ctx: &Ctx<'_>,
    user_id: &UserId,
    signed_in: crate::user_object::SignedIn,
    body: impl FnOnce(Me) -> T,
) -> Result<Response, AppError> {
    let kv = directory(ctx)?;
    let user = Directory { kv: &kv }.user(user_id).await?.ok_or_else(session::unauthenticated)?;
    let me = me_body(ctx, &user, &signed_in.session).await?;
    let mut resp = http::json(200, &body(me))?;
    http::set_session_cookie(
        &mut resp,
        &signed_in.token.cookie_value(&user.id),
        ABSOLUTE_LIFETIME.as_secs(),
    )?;
    Ok(resp)
}

/// A sign-in without a username: the passkey's user handle says who is signing in.
pub(crate) async fn discover_start(ctx: &Ctx<'_>) -> Result<Response, AppError> {
    let (options, state) = RelyingParty::new(&ctx.config)?.start_discoverable()?;
    let ceremony_id = crate::random::ceremony_id()?;
    let call = CeremonyCall::Put { id: ceremony_id.clone(), state: Box::new(state), now: ctx.now };
    match stubs::ceremony(ctx.env, &ceremony_id, call).await? {
        CeremonyReply::Stored => http::json(200, &DiscoverableStarted { ceremony_id, options }),
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn discover_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let body: DiscoverableFinish = http::read_json(req).await?;
    // The ceremony is taken first, whoever the answer claims to be: it works once.
    let call = CeremonyCall::Take { id: body.ceremony_id.clone(), now: ctx.now };
    let state = match stubs::ceremony(ctx.env, &body.ceremony_id, call).await? {
        CeremonyReply::Taken(state) => state,
        other => return Err(unexpected(&other)),
    };
    let failed = || AppError::api(ErrorCode::SignInFailed, "Sign-in failed.");
    let user_id = RelyingParty::new(&ctx.config)?.claimed_user(&body.credential).ok_or_else(failed)?;
    let kv = directory(ctx)?;
    Directory { kv: &kv }.user(&user_id).await?.ok_or_else(failed)?;
    let call = UserCall::FinishDiscoverable {
        state,
        credential: Box::new(body.credential),
        user_agent: req.headers().get("user-agent")?,
        now: ctx.now,
    };
    match stubs::user(ctx.env, &user_id, call).await? {
        UserReply::SignedIn(signed_in) => signed_in_response(ctx, &user_id, signed_in).await,
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn sign_out(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    if let Ok(signed_in) = authenticate(ctx, req).await {
        match stubs::user(
            ctx.env,
            &signed_in.user.id,
            UserCall::EndSession { token: signed_in.token, now: ctx.now },
        )
        .await?
        {
            UserReply::Done => {}
            other => return Err(unexpected(&other)),
        }
    }
    let mut resp = http::json(200, &serde_json::json!({}))?;
    http::clear_session_cookie(&mut resp)?;
    Ok(resp)
}

pub(crate) async fn me(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    http::json(200, &me_body(ctx, &signed_in.user, &signed_in.session).await?)
}

pub(crate) async fn add_passkey_start(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let _: AddPasskeyStart = http::read_json(req).await?;
    let user = signed_in.user;
    let identity = Identity { user_id: user.id, username: user.username, display_name: user.display_name };
    let call = UserCall::StartRegistration {
        identity: identity.clone(),
        purpose: Purpose::AddPasskey,
        now: ctx.now,
    };
    registration_started(ctx, identity, call).await
}

pub(crate) async fn add_passkey_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let body: RegistrationFinish = http::read_json(req).await?;
    if body.user_id != signed_in.user.id {
        return Err(AppError::api(ErrorCode::Forbidden, "You can only add passkeys to your own account."));
    }
    let (passkey, _) = finish_registration(ctx, body, RegistrationKind::AddPasskey).await?;
    http::json(201, &passkey)
}

/// The signed-in person as the SPA sees them, with all their methods.
async fn me_body(ctx: &Ctx<'_>, user: &UserRecord, session: &SessionRecord) -> Result<Me, AppError> {
    let (passkeys, totp_methods) = match stubs::user(ctx.env, &user.id, UserCall::ListMethods).await? {
        UserReply::Methods { passkeys, totp } => (passkeys, totp),
        other => return Err(unexpected(&other)),
    };
    Ok(Me {
        user_id: user.id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        is_admin: user.is_admin,
        passkeys,
        totp_methods,
        session: session.info(),
    })
}

pub(crate) async fn my_sessions(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let call = UserCall::ListSessions { current: signed_in.token, now: ctx.now };
    match stubs::user(ctx.env, &signed_in.user.id, call).await? {
        UserReply::Sessions(sessions) => http::json(200, &MySessions { sessions }),
        other => Err(unexpected(&other)),
    }
}

pub(crate) async fn revoke_session(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let signed_in = authenticate(ctx, req).await?;
    let body: RevokeSession = http::read_json(req).await?;
    let call = UserCall::RevokeSession { id: body.id, now: ctx.now };
    match stubs::user(ctx.env, &signed_in.user.id, call).await? {
        UserReply::Done => http::json(200, &serde_json::json!({})),
        other => Err(unexpected(&other)),
    }
}
