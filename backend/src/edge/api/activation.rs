//! A member's roles and requests, activation with request-bound MFA, and approvals.
//!
//! The access object decides; the user's object verifies taps and codes. A proof travels from
//! one to the other only through the worker, as typed evidence naming the digest it signed.

use super::Ctx;
use super::auth::{SignedIn, authenticate};
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::rpc::{AccessCall, AccessReply, UserCall, UserReply, unexpected};
use elevate_shared::api::activation::{
    ActivationCode, ActivationPreview, ActivationResponse, BoundCeremonyFinish, BoundCeremonyStarted,
    CreateActivation, ExtendFinish, ExtendStart, PreviewActivation, RequestList, RequestRef,
};
use elevate_shared::api::approvals::{
    ApprovalItem, DecisionCeremony, DecisionFinish, DecisionStart, PendingApprovals,
};
use elevate_shared::domain::digest::extension_digest;
use elevate_shared::domain::{ActivationRequest, Digest, MfaEvidence, RequestId, User};
use elevate_shared::ids::{CeremonyId, UserId};
use worker::{Request, Response};

async fn access(ctx: &Ctx<'_>, call: AccessCall) -> Result<AccessReply, AppError> {
    stubs::access(ctx.env, call).await
}

fn request_reply(reply: AccessReply) -> Result<ActivationRequest, AppError> {
    match reply {
        AccessReply::Request(r) => Ok(*r),
        other => Err(unexpected(&other)),
    }
}

fn respond(request: ActivationRequest) -> Result<Response, AppError> {
    http::json(200, &ActivationResponse { request })
}

/// The signed-in person as activation policy sees them.
async fn principal(ctx: &Ctx<'_>, me: &SignedIn) -> Result<User, AppError> {
    match stubs::user(ctx.env, &me.user.id, UserCall::Standing { now: ctx.now }).await? {
        UserReply::Standing { methods, status } => Ok(User {
            id: me.user.id.clone(),
            username: me.user.username.clone(),
            display_name: me.user.display_name.clone(),
            status,
            methods,
        }),
        other => Err(unexpected(&other)),
    }
}

/// Starts a tap over `digest` with the person's passkeys.
async fn start_tap(
    ctx: &Ctx<'_>,
    user: &UserId,
    digest: Digest,
) -> Result<(CeremonyId, elevate_shared::api::auth::RequestChallengeResponse), AppError> {
    match stubs::user(ctx.env, user, UserCall::StartBound { digest, now: ctx.now }).await? {
        UserReply::AuthenticationStarted { ceremony_id, options } => Ok((ceremony_id, *options)),
        other => Err(unexpected(&other)),
    }
}

/// Verifies a tap over `digest`.
async fn finish_tap(
    ctx: &Ctx<'_>,
    user: &UserId,
    ceremony_id: CeremonyId,
    digest: Digest,
    credential: elevate_shared::api::auth::PublicKeyCredential,
) -> Result<MfaEvidence, AppError> {
    let call = UserCall::FinishBound { ceremony_id, digest, credential: Box::new(credential), now: ctx.now };
    match stubs::user(ctx.env, user, call).await? {
        UserReply::Proof(evidence) => Ok(*evidence),
        other => Err(unexpected(&other)),
    }
}

async fn own_request(ctx: &Ctx<'_>, me: &SignedIn, id: RequestId) -> Result<ActivationRequest, AppError> {
    request_reply(access(ctx, AccessCall::Request { requester: me.user.id.clone(), id, now: ctx.now }).await?)
}

/// `GET /api/v1/me/roles`
pub(crate) async fn my_roles(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let principal = principal(ctx, &me).await?;
    let call = AccessCall::MyRoles {
        principal: Box::new(principal),
        session_mfa: me.session.evidence,
        now: ctx.now,
    };
    match access(ctx, call).await? {
        AccessReply::MyRoles(roles) => http::json(200, &roles),
        other => Err(unexpected(&other)),
    }
}

/// `GET /api/v1/me/requests`
pub(crate) async fn my_requests(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    match access(ctx, AccessCall::MyRequests { principal: me.user.id, now: ctx.now }).await? {
        AccessReply::Requests { requests, roles } => http::json(200, &RequestList { requests, roles }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/activations/preview`
pub(crate) async fn preview(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: PreviewActivation = http::read_json(req).await?;
    let principal = principal(ctx, &me).await?;
    let call = AccessCall::Preview {
        principal: Box::new(principal),
        role: body.role,
        draft: body.draft,
        session_mfa: me.session.evidence,
        now: ctx.now,
    };
    match access(ctx, call).await? {
        AccessReply::Verdict(verdict) => http::json(200, &ActivationPreview { verdict: *verdict }),
        other => Err(unexpected(&other)),
    }
}

/// `POST /api/v1/activations`
pub(crate) async fn create(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: CreateActivation = http::read_json(req).await?;
    let principal = principal(ctx, &me).await?;
    let call = AccessCall::Create {
        principal: Box::new(principal),
        role: body.role,
        draft: body.draft,
        session_mfa: me.session.evidence,
        now: ctx.now,
    };
    let request = request_reply(access(ctx, call).await?)?;
    http::json(201, &ActivationResponse { request })
}

/// `POST /api/v1/activations/mfa/start`: a tap whose challenge is the request's digest.
pub(crate) async fn mfa_start(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: RequestRef = http::read_json(req).await?;
    let request = own_request(ctx, &me, body.request).await?;
    let (ceremony_id, options) = start_tap(ctx, &me.user.id, request.digest).await?;
    http::json(
        200,
        &BoundCeremonyStarted { request_id: request.id, ceremony_id, digest: request.digest, options },
    )
}

/// `POST /api/v1/activations/mfa/finish`
pub(crate) async fn mfa_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: BoundCeremonyFinish = http::read_json(req).await?;
    let request = own_request(ctx, &me, body.request).await?;
    let evidence = match finish_tap(ctx, &me.user.id, body.ceremony_id, request.digest, body.credential).await
    {
        Ok(e) => e,
        Err(e) => return Err(record_failure(ctx, &me, request.id, e).await),
    };
    let call = AccessCall::CompleteMfa {
        requester: me.user.id,
        id: request.id,
        evidence: Box::new(evidence),
        now: ctx.now,
    };
    respond(request_reply(access(ctx, call).await?)?)
}

/// `POST /api/v1/activations/mfa/totp`: a code, where the role accepts any method.
pub(crate) async fn mfa_totp(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: ActivationCode = http::read_json(req).await?;
    let request = own_request(ctx, &me, body.request).await?;
    let call = UserCall::CodeForRequest { code: body.code, policy: ctx.config.lockout, now: ctx.now };
    let evidence = match stubs::user(ctx.env, &me.user.id, call).await {
        Ok(UserReply::Proof(e)) => *e,
        Ok(other) => return Err(unexpected(&other)),
        Err(e) => return Err(record_failure(ctx, &me, request.id, e).await),
    };
    let call = AccessCall::CompleteMfa {
        requester: me.user.id,
        id: request.id,
        evidence: Box::new(evidence),
        now: ctx.now,
    };
    respond(request_reply(access(ctx, call).await?)?)
}

/// A failed request MFA (PAM 101) is recorded against the request; the caller gets the
/// verification's own error.
async fn record_failure(ctx: &Ctx<'_>, me: &SignedIn, id: RequestId, error: AppError) -> AppError {
    if matches!(error, AppError::Api(_)) {
        let detail = error.to_wire().code.as_str().to_owned();
        let call = AccessCall::MfaFailed { requester: me.user.id.clone(), id, detail, now: ctx.now };
        if let Err(e) = access(ctx, call).await {
            return e;
        }
    }
    error
}

/// `POST /api/v1/activations/cancel`
pub(crate) async fn cancel(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: RequestRef = http::read_json(req).await?;
    respond(request_reply(
        access(ctx, AccessCall::Cancel { requester: me.user.id, id: body.request, now: ctx.now }).await?,
    )?)
}

/// `POST /api/v1/activations/deactivate`
pub(crate) async fn deactivate(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: RequestRef = http::read_json(req).await?;
    let call = AccessCall::Deactivate { requester: me.user.id, id: body.request, now: ctx.now };
    respond(request_reply(access(ctx, call).await?)?)
}

/// `POST /api/v1/activations/extend/start`: a tap over the extension digest for `new_end`.
pub(crate) async fn extend_start(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: ExtendStart = http::read_json(req).await?;
    let request = own_request(ctx, &me, body.request).await?;
    let digest = extension_digest(&request.digest, body.new_end);
    let (ceremony_id, options) = start_tap(ctx, &me.user.id, digest).await?;
    http::json(200, &BoundCeremonyStarted { request_id: request.id, ceremony_id, digest, options })
}

/// `POST /api/v1/activations/extend/finish`
pub(crate) async fn extend_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: ExtendFinish = http::read_json(req).await?;
    let request = own_request(ctx, &me, body.request).await?;
    let digest = extension_digest(&request.digest, body.new_end);
    let evidence = finish_tap(ctx, &me.user.id, body.ceremony_id, digest, body.credential).await?;
    let call = AccessCall::Extend {
        requester: me.user.id,
        id: request.id,
        new_end: body.new_end,
        evidence: Box::new(evidence),
        now: ctx.now,
    };
    respond(request_reply(access(ctx, call).await?)?)
}

/// `GET /api/v1/approvals`
pub(crate) async fn approvals(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let waiting = match access(ctx, AccessCall::Approvals { approver: me.user.id, now: ctx.now }).await? {
        AccessReply::Approvals(items) => items,
        other => return Err(unexpected(&other)),
    };
    let kv = super::auth::directory(ctx)?;
    let directory = crate::directory::Directory { kv: &kv };
    let mut items = Vec::new();
    for (request, role) in waiting {
        let Some(requester) = directory.user(&request.requester).await? else { continue };
        items.push(ApprovalItem {
            requester_name: requester.display_name,
            requester_username: requester.username,
            request,
            role,
        });
    }
    http::json(200, &PendingApprovals { items })
}

async fn for_approver(ctx: &Ctx<'_>, me: &SignedIn, id: RequestId) -> Result<ActivationRequest, AppError> {
    request_reply(
        access(ctx, AccessCall::ForApprover { approver: me.user.id.clone(), id, now: ctx.now }).await?,
    )
}

/// `POST /api/v1/approvals/start`: a tap over the approval digest (this approver's verdict on
/// this request).
pub(crate) async fn approval_start(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: DecisionStart = http::read_json(req).await?;
    let request = for_approver(ctx, &me, body.request).await?;
    let digest = request.approval_challenge(&me.user.id, body.verdict);
    let (ceremony_id, options) = start_tap(ctx, &me.user.id, digest).await?;
    http::json(200, &DecisionCeremony { request_id: request.id, ceremony_id, digest, options })
}

/// `POST /api/v1/approvals/finish`
pub(crate) async fn approval_finish(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    let me = authenticate(ctx, req).await?;
    let body: DecisionFinish = http::read_json(req).await?;
    let request = for_approver(ctx, &me, body.request).await?;
    let digest = request.approval_challenge(&me.user.id, body.verdict);
    let evidence = finish_tap(ctx, &me.user.id, body.ceremony_id, digest, body.credential).await?;
    let call = AccessCall::Decide {
        approver: me.user.id,
        id: request.id,
        verdict: body.verdict,
        reason: body.reason,
        evidence: Box::new(evidence),
        now: ctx.now,
    };
    respond(request_reply(access(ctx, call).await?)?)
}
