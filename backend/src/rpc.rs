//! The typed calls the worker makes to its Durable Objects, and how an object answers them.
//!
//! A call travels as JSON in the body of a `fetch` to the object. `dispatch_*` is the whole of
//! an object's request handling apart from the transport, so it also runs natively in tests.

use crate::audit_log::{AuditLog, Entry};
use crate::ceremony::{self, Pending, Purpose};
use crate::error::AppError;
use crate::password::PasswordHash;
use crate::session::{SessionRecord, SessionToken};
use crate::storage::Store;
use crate::tenant_object::{NewOathToken, StoredOathToken, TenantObject};
use crate::user_object::{
    Identity, PasswordAttempt, PasswordOutcome, RegistrationKind, SignedIn, UserObject,
};
use elevate_shared::api::ApiError;
use elevate_shared::api::alerts::RaisedAlert;
use elevate_shared::api::auth::{
    CreationChallengeResponse, MfaEvidence, PasskeySummary, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, SessionSummary,
};
use elevate_shared::api::mfa::{TotpEnrolmentStarted, TotpMethodSummary, TypedCode};
use elevate_shared::api::oath::OathTokenSummary;
use elevate_shared::api::password::{FraudReported, PendingPrompt};
use elevate_shared::api::users::{AccountStatus, BypassSummary, Invitation};
use elevate_shared::domain::audit::{AuditEvent, ChainAnchor};
use elevate_shared::domain::ids::MethodId;
use elevate_shared::domain::lockout::LockoutPolicy;
use elevate_shared::domain::oath::OathSerial;
use elevate_shared::ids::{CeremonyId, CredentialName, UserId, Username};
use elevate_shared::time::UnixMillis;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::DiscoverableAuthentication;

/// A call to one user's object, naming the user (an object cannot learn its own name).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct UserEnvelope {
    pub user: UserId,
    pub call: UserCall,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum UserCall {
    StartRegistration {
        identity: Identity,
        purpose: Purpose,
        now: UnixMillis,
    },
    FinishRegistration {
        ceremony_id: CeremonyId,
        kind: RegistrationKind,
        name: CredentialName,
        credential: Box<RegisterPublicKeyCredential>,
        now: UnixMillis,
    },
    StartAuthentication {
        now: UnixMillis,
    },
    FinishAuthentication {
        ceremony_id: CeremonyId,
        credential: Box<PublicKeyCredential>,
        user_agent: Option<String>,
        now: UnixMillis,
    },
    FinishDiscoverable {
        state: Box<DiscoverableAuthentication>,
        credential: Box<PublicKeyCredential>,
        user_agent: Option<String>,
        now: UnixMillis,
    },
    ListSessions {
        current: SessionToken,
        now: UnixMillis,
    },
    RevokeSession {
        id: String,
        now: UnixMillis,
    },
    CheckSession {
        token: SessionToken,
        now: UnixMillis,
    },
    EndSession {
        token: SessionToken,
        now: UnixMillis,
    },
    ListMethods,
    StartTotpEnrolment {
        username: Username,
        name: CredentialName,
        now: UnixMillis,
    },
    FinishTotpEnrolment {
        enrolment_id: CeremonyId,
        code: TypedCode,
        now: UnixMillis,
    },
    RemoveMethod {
        id: MethodId,
        now: UnixMillis,
    },
    RenameMethod {
        id: MethodId,
        name: CredentialName,
        now: UnixMillis,
    },
    VerifyTotp {
        token: SessionToken,
        code: TypedCode,
        policy: LockoutPolicy,
        now: UnixMillis,
    },
    BeginPassword {
        policy: LockoutPolicy,
        now: UnixMillis,
    },
    FinishPassword {
        attempt: CeremonyId,
        verified: bool,
        rehashed: Option<PasswordHash>,
        user_agent: Option<String>,
        now: UnixMillis,
    },
    SecondFactorTotp {
        ticket: CeremonyId,
        code: TypedCode,
        policy: LockoutPolicy,
        now: UnixMillis,
    },
    SecondFactorPasskey {
        ticket: CeremonyId,
        credential: Box<PublicKeyCredential>,
        now: UnixMillis,
    },
    SecondFactorBypass {
        ticket: CeremonyId,
        now: UnixMillis,
    },
    SetPassword {
        token: SessionToken,
        hash: PasswordHash,
        now: UnixMillis,
    },
    Prompts {
        now: UnixMillis,
    },
    ReportFraud {
        current: SessionToken,
        ticket: Option<CeremonyId>,
        now: UnixMillis,
    },
    IssueInvitation {
        by: UserId,
        now: UnixMillis,
    },
    CheckInvitation {
        secret: String,
        now: UnixMillis,
    },
    StartInvitedRegistration {
        identity: Identity,
        secret: String,
        now: UnixMillis,
    },
    FinishInvitedRegistration {
        secret: String,
        ceremony_id: CeremonyId,
        name: CredentialName,
        credential: Box<RegisterPublicKeyCredential>,
        user_agent: Option<String>,
        now: UnixMillis,
    },
    RedeemInvitationWithPassword {
        secret: String,
        hash: PasswordHash,
        user_agent: Option<String>,
        now: UnixMillis,
    },
    Status {
        now: UnixMillis,
    },
    Unlock {
        by: UserId,
        now: UnixMillis,
    },
    ResetMethods {
        by: UserId,
        now: UnixMillis,
    },
    GrantBypass {
        by: UserId,
        minutes: u32,
        uses: u32,
        now: UnixMillis,
    },
    AddOathToken {
        by: UserId,
        token: NewOathToken,
        now: UnixMillis,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum UserReply {
    RegistrationStarted { ceremony_id: CeremonyId, options: Box<CreationChallengeResponse> },
    Registered { passkey: PasskeySummary, purpose: Purpose },
    AuthenticationStarted { ceremony_id: CeremonyId, options: Box<RequestChallengeResponse> },
    SignedIn(SignedIn),
    Session(SessionRecord),
    Methods { passkeys: Vec<PasskeySummary>, totp: Vec<TotpMethodSummary> },
    TotpEnrolmentStarted(Box<TotpEnrolmentStarted>),
    TotpEnrolled(TotpMethodSummary),
    Verified(MfaEvidence),
    Sessions(Vec<SessionSummary>),
    PasswordAttempt(PasswordAttempt),
    Password(Box<PasswordOutcome>),
    Prompts(Vec<PendingPrompt>),
    FraudReported(FraudReported),
    Invitation(Invitation),
    InvitationValid { expires_at: UnixMillis },
    Status(AccountStatus),
    Bypass(BypassSummary),
    Done,
}

/// A call to one ceremony's own object (sign-ins that have no user yet).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum CeremonyCall {
    Put { id: CeremonyId, state: Box<DiscoverableAuthentication>, now: UnixMillis },
    Take { id: CeremonyId, now: UnixMillis },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum CeremonyReply {
    Stored,
    Taken(Box<DiscoverableAuthentication>),
}

pub(crate) async fn dispatch_ceremony<S: Store>(
    store: &S,
    call: CeremonyCall,
) -> Result<CeremonyReply, AppError> {
    Ok(match call {
        CeremonyCall::Put { id, state, now } => {
            ceremony::put(store, &id, Purpose::SignIn, Pending::Discoverable { state: *state }, now).await?;
            CeremonyReply::Stored
        }
        CeremonyCall::Take { id, now } => match ceremony::take(store, &id, now).await? {
            ceremony::Ceremony {
                purpose: Purpose::SignIn, pending: Pending::Discoverable { state }, ..
            } => CeremonyReply::Taken(Box::new(state)),
            _ => return Err(ceremony::not_found()),
        },
    })
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum AuditCall {
    Append(Vec<Entry>),
    /// Events after sequence number `after` (from the start when none), at most `limit`.
    Page {
        after: Option<u64>,
        limit: usize,
    },
    Raised {
        limit: usize,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum AuditReply {
    Appended(usize),
    Page { events: Vec<AuditEvent>, head: ChainAnchor },
    Raised(Vec<RaisedAlert>),
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum TenantCall {
    BootstrapOpen,
    ClaimBootstrap { admin: UserId, now: UnixMillis },
    Probe { now: UnixMillis },
    ImportOath { by: UserId, tokens: Vec<NewOathToken>, now: UnixMillis },
    ListOath,
    AssignOath { serial: OathSerial, user: UserId },
    ReleaseOath { serial: OathSerial },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum TenantReply {
    BootstrapOpen(bool),
    Imported(usize),
    OathTokens(Vec<OathTokenSummary>),
    OathToken(Box<StoredOathToken>),
    Done,
}

/// An object's answer on the wire: the result, or the error kept as expected or unexpected.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Outcome<T> {
    Ok(T),
    Api(ApiError),
    Internal(String),
}

impl<T> From<Result<T, AppError>> for Outcome<T> {
    fn from(r: Result<T, AppError>) -> Self {
        match r {
            Ok(v) => Self::Ok(v),
            Err(AppError::Api(e)) => Self::Api(e),
            Err(AppError::Internal(e)) => Self::Internal(e),
        }
    }
}

impl<T> Outcome<T> {
    pub fn into_result(self) -> Result<T, AppError> {
        match self {
            Self::Ok(v) => Ok(v),
            Self::Api(e) => Err(AppError::Api(e)),
            Self::Internal(e) => Err(AppError::Internal(e)),
        }
    }
}

pub(crate) async fn dispatch_user<S: Store, K: Store>(
    obj: &UserObject<'_, S, K>,
    call: UserCall,
) -> Result<UserReply, AppError> {
    Ok(match call {
        UserCall::StartRegistration { identity, purpose, now } => {
            let (ceremony_id, options) = obj.start_registration(&identity, purpose, now).await?;
            UserReply::RegistrationStarted { ceremony_id, options: Box::new(options) }
        }
        UserCall::FinishRegistration { ceremony_id, kind, name, credential, now } => {
            let (passkey, purpose) =
                obj.finish_registration(&ceremony_id, kind, name, &credential, now).await?;
            UserReply::Registered { passkey, purpose }
        }
        UserCall::StartAuthentication { now } => {
            let (ceremony_id, options) = obj.start_authentication(now).await?;
            UserReply::AuthenticationStarted { ceremony_id, options: Box::new(options) }
        }
        UserCall::FinishAuthentication { ceremony_id, credential, user_agent, now } => {
            UserReply::SignedIn(obj.finish_authentication(&ceremony_id, &credential, user_agent, now).await?)
        }
        UserCall::FinishDiscoverable { state, credential, user_agent, now } => {
            UserReply::SignedIn(obj.finish_discoverable(*state, &credential, user_agent, now).await?)
        }
        UserCall::ListSessions { current, now } => UserReply::Sessions(obj.sessions(&current, now).await?),
        UserCall::RevokeSession { id, now } => {
            obj.revoke_session(&id, now).await?;
            UserReply::Done
        }
        UserCall::CheckSession { token, now } => UserReply::Session(obj.check_session(&token, now).await?),
        UserCall::EndSession { token, now } => {
            obj.end_session(&token, now).await?;
            UserReply::Done
        }
        UserCall::ListMethods => UserReply::Methods {
            passkeys: obj.passkeys().await?.iter().map(|p| p.summary()).collect(),
            totp: obj.totp_methods().await?.iter().map(|t| t.summary()).collect(),
        },
        UserCall::StartTotpEnrolment { username, name, now } => {
            UserReply::TotpEnrolmentStarted(Box::new(obj.start_totp_enrolment(&username, name, now).await?))
        }
        UserCall::FinishTotpEnrolment { enrolment_id, code, now } => {
            UserReply::TotpEnrolled(obj.finish_totp_enrolment(&enrolment_id, &code, now).await?)
        }
        UserCall::RemoveMethod { id, now } => {
            obj.remove_method(&id, now).await?;
            UserReply::Done
        }
        UserCall::RenameMethod { id, name, now } => {
            obj.rename_method(&id, name, now).await?;
            UserReply::Done
        }
        UserCall::VerifyTotp { token, code, policy, now } => {
            UserReply::Verified(obj.verify_totp(&token, &code, policy, now).await?)
        }
        UserCall::BeginPassword { policy, now } => {
            UserReply::PasswordAttempt(obj.begin_password(policy, now).await?)
        }
        UserCall::FinishPassword { attempt, verified, rehashed, user_agent, now } => UserReply::Password(
            Box::new(obj.finish_password(&attempt, verified, rehashed, user_agent, now).await?),
        ),
        UserCall::SecondFactorTotp { ticket, code, policy, now } => {
            UserReply::SignedIn(obj.second_factor_totp(&ticket, &code, policy, now).await?)
        }
        UserCall::SecondFactorPasskey { ticket, credential, now } => {
            UserReply::SignedIn(obj.second_factor_passkey(&ticket, &credential, now).await?)
        }
        UserCall::SecondFactorBypass { ticket, now } => {
            UserReply::SignedIn(obj.second_factor_bypass(&ticket, now).await?)
        }
        UserCall::SetPassword { token, hash, now } => {
            obj.set_password(&token, hash, now).await?;
            UserReply::Done
        }
        UserCall::Prompts { now } => UserReply::Prompts(obj.prompts(now).await?),
        UserCall::ReportFraud { current, ticket, now } => {
            UserReply::FraudReported(obj.report_fraud(&current, ticket.as_ref(), now).await?)
        }
        UserCall::IssueInvitation { by, now } => UserReply::Invitation(obj.issue_invitation(&by, now).await?),
        UserCall::CheckInvitation { secret, now } => {
            UserReply::InvitationValid { expires_at: obj.check_invitation(&secret, now).await? }
        }
        UserCall::StartInvitedRegistration { identity, secret, now } => {
            let (ceremony_id, options) = obj.start_invited_registration(&identity, &secret, now).await?;
            UserReply::RegistrationStarted { ceremony_id, options: Box::new(options) }
        }
        UserCall::FinishInvitedRegistration { secret, ceremony_id, name, credential, user_agent, now } => {
            UserReply::SignedIn(
                obj.finish_invited_registration(&secret, &ceremony_id, name, &credential, user_agent, now)
                    .await?,
            )
        }
        UserCall::RedeemInvitationWithPassword { secret, hash, user_agent, now } => {
            UserReply::SignedIn(obj.redeem_invitation_with_password(&secret, hash, user_agent, now).await?)
        }
        UserCall::Status { now } => UserReply::Status(obj.status(now).await?),
        UserCall::Unlock { by, now } => {
            obj.unlock(&by, now).await?;
            UserReply::Done
        }
        UserCall::ResetMethods { by, now } => UserReply::Invitation(obj.reset_methods(&by, now).await?),
        UserCall::GrantBypass { by, minutes, uses, now } => {
            UserReply::Bypass(obj.grant_bypass(&by, minutes, uses, now).await?)
        }
        UserCall::AddOathToken { by, token, now } => UserReply::TotpEnrolled(
            obj.add_oath_token(&by, &token.serial, token.secret_base32, token.params, now).await?,
        ),
    })
}

pub(crate) async fn dispatch_audit<S: Store>(
    log: &AuditLog<'_, S>,
    call: AuditCall,
) -> Result<AuditReply, AppError> {
    Ok(match call {
        AuditCall::Append(entries) => AuditReply::Appended(log.append(entries).await?),
        AuditCall::Page { after, limit } => {
            let from = after.map_or(0, |a| a.saturating_add(1));
            AuditReply::Page { events: log.page(from, limit).await?, head: log.anchor().await? }
        }
        AuditCall::Raised { limit } => AuditReply::Raised(log.raised(limit).await?),
    })
}

pub(crate) async fn dispatch_tenant<S: Store>(
    obj: &TenantObject<'_, S>,
    call: TenantCall,
) -> Result<TenantReply, AppError> {
    Ok(match call {
        TenantCall::BootstrapOpen => TenantReply::BootstrapOpen(obj.bootstrap_open().await?),
        TenantCall::ClaimBootstrap { admin, now } => {
            obj.claim_bootstrap(&admin, now).await?;
            TenantReply::Done
        }
        TenantCall::Probe { now } => {
            obj.probe(now).await?;
            TenantReply::Done
        }
        TenantCall::ImportOath { by, tokens, now } => {
            TenantReply::Imported(obj.import_oath(&by, tokens, now).await?)
        }
        TenantCall::ListOath => TenantReply::OathTokens(obj.oath_tokens().await?),
        TenantCall::AssignOath { serial, user } => {
            TenantReply::OathToken(Box::new(obj.assign_oath(&serial, &user).await?))
        }
        TenantCall::ReleaseOath { serial } => {
            obj.release_oath(&serial).await?;
            TenantReply::Done
        }
    })
}

/// The error for a reply of the wrong variant: a bug between worker and object, never input.
pub(crate) fn unexpected(reply: &impl std::fmt::Debug) -> AppError {
    AppError::internal(format!("unexpected reply from a Durable Object: {reply:?}"))
}
