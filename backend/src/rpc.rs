//! The typed calls the worker makes to its Durable Objects, and how an object answers them.
//!
//! A call travels as JSON in the body of a `fetch` to the object. `dispatch_*` is the whole of
//! an object's request handling apart from the transport, so it also runs natively in tests.

use crate::access::AccessObject;
use crate::audit_log::{AuditLog, Entry};
use crate::ceremony::{self, Pending, Purpose};
use crate::error::AppError;
use crate::password::PasswordHash;
use crate::session::{SessionRecord, SessionToken};
use crate::storage::{OrderedStore, Store};
use crate::tenant_object::{NewOathToken, StoredOathToken, TenantObject};
use crate::user_object::{
    Identity, PasswordAttempt, PasswordOutcome, RegistrationKind, SignedIn, UserObject,
};
use elevate_shared::api::ApiError;
use elevate_shared::api::alerts::RaisedAlert;
use elevate_shared::api::assignments::{CreateAssignment, MyRoles};
use elevate_shared::api::audit::{AuditCursor, AuditSearchPage};
use elevate_shared::api::auth::{
    CreationChallengeResponse, MfaEvidence, PasskeySummary, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse, SessionSummary,
};
use elevate_shared::api::mfa::{TotpEnrolmentStarted, TotpMethodSummary, TypedCode};
use elevate_shared::api::oath::OathTokenSummary;
use elevate_shared::api::password::{FraudReported, PendingPrompt};
use elevate_shared::api::reports::MfaReport;
use elevate_shared::api::roles::{CreateRole, RoleView, UpdateRole};
use elevate_shared::api::tokens::{
    ApiTokenCreated, ApiTokenSecret, ApiTokenSummary, CreateApiToken, TokenScope,
};
use elevate_shared::api::users::{AccountStatus, BypassSummary, Invitation};
use elevate_shared::domain::audit::{AuditEvent, ChainAnchor};
use elevate_shared::domain::audit_query::AuditFilter;
use elevate_shared::domain::digest::Verdict;
use elevate_shared::domain::ids::MethodId;
use elevate_shared::domain::ids::TokenId;
use elevate_shared::domain::lockout::LockoutPolicy;
use elevate_shared::domain::mfa::{MfaEvidence as DomainEvidence, MfaMethodSummary};
use elevate_shared::domain::oath::OathSerial;
use elevate_shared::domain::policy::ActivationDraft;
use elevate_shared::domain::user::UserStatus;
use elevate_shared::domain::{
    ActivationRequest, ActivationVerdict, Assignment, AssignmentId, Digest, Reason, RequestId, Role, RoleId,
    RoleSettings, User,
};
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
    CreateApiToken {
        session: SessionToken,
        body: CreateApiToken,
        now: UnixMillis,
    },
    ApiTokens,
    /// Disables (ending sessions, revoking tokens) or enables the account.
    SetDisabled {
        by: UserId,
        disabled: bool,
        now: UnixMillis,
    },
    RevokeApiToken {
        id: TokenId,
        now: UnixMillis,
    },
    /// The scopes of a presented token (redacted in `Debug`); `unauthenticated` for any token
    /// that does not work, this owner's or not.
    CheckApiToken {
        token: ApiTokenSecret,
        now: UnixMillis,
    },
    RevokeAllApiTokens {
        now: UnixMillis,
    },
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
    StartBound {
        digest: Digest,
        now: UnixMillis,
    },
    FinishBound {
        ceremony_id: CeremonyId,
        digest: Digest,
        credential: Box<PublicKeyCredential>,
        now: UnixMillis,
    },
    CodeForRequest {
        code: TypedCode,
        policy: LockoutPolicy,
        now: UnixMillis,
    },
    Standing {
        now: UnixMillis,
    },
    SeedDemo {
        hash: PasswordHash,
        totp_secret: Option<String>,
        now: UnixMillis,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum UserReply {
    ApiTokenCreated(ApiTokenCreated),
    ApiTokens(Vec<ApiTokenSummary>),
    ApiToken(ApiTokenSummary),
    TokenScopes(Vec<TokenScope>),
    /// How many the call ended or revoked (sessions when disabling, tokens when revoking all).
    Count(usize),
    RegistrationStarted {
        ceremony_id: CeremonyId,
        options: Box<CreationChallengeResponse>,
    },
    Registered {
        passkey: PasskeySummary,
        purpose: Purpose,
    },
    AuthenticationStarted {
        ceremony_id: CeremonyId,
        options: Box<RequestChallengeResponse>,
    },
    SignedIn(SignedIn),
    Session(SessionRecord),
    Methods {
        passkeys: Vec<PasskeySummary>,
        totp: Vec<TotpMethodSummary>,
    },
    TotpEnrolmentStarted(Box<TotpEnrolmentStarted>),
    TotpEnrolled(TotpMethodSummary),
    Verified(MfaEvidence),
    Sessions(Vec<SessionSummary>),
    PasswordAttempt(PasswordAttempt),
    Password(Box<PasswordOutcome>),
    Prompts(Vec<PendingPrompt>),
    FraudReported(FraudReported),
    Invitation(Invitation),
    InvitationValid {
        expires_at: UnixMillis,
    },
    Status(AccountStatus),
    Bypass(BypassSummary),
    Proof(Box<DomainEvidence>),
    Standing {
        methods: Vec<MfaMethodSummary>,
        status: UserStatus,
    },
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
    /// MFA report counters from day `from` up to day `to`.
    MfaReport {
        from: u64,
        to: u64,
    },
    /// Events that match `filter`, newest first, from `cursor` on.
    Search {
        filter: AuditFilter,
        cursor: Option<AuditCursor>,
        limit: usize,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum AuditReply {
    Appended(usize),
    Page { events: Vec<AuditEvent>, head: ChainAnchor },
    Raised(Vec<RaisedAlert>),
    Search(AuditSearchPage),
    MfaReport(MfaReport),
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum TenantCall {
    BootstrapOpen,
    ClaimBootstrap {
        admin: UserId,
        now: UnixMillis,
    },
    Probe {
        now: UnixMillis,
    },
    ImportOath {
        by: UserId,
        tokens: Vec<NewOathToken>,
        now: UnixMillis,
    },
    ListOath,
    AssignOath {
        serial: OathSerial,
        user: UserId,
    },
    ReleaseOath {
        serial: OathSerial,
    },
    /// True the first time: the caller seeds the demo tenant.
    ClaimDemo {
        now: UnixMillis,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum TenantReply {
    BootstrapOpen(bool),
    DemoClaimed(bool),
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
        UserCall::CreateApiToken { session, body, now } => {
            UserReply::ApiTokenCreated(obj.create_api_token(&session, body, now).await?)
        }
        UserCall::ApiTokens => UserReply::ApiTokens(obj.api_tokens().await?),
        UserCall::SetDisabled { by, disabled, now } => {
            UserReply::Count(obj.set_disabled(&by, disabled, now).await?)
        }
        UserCall::RevokeApiToken { id, now } => UserReply::ApiToken(obj.revoke_api_token(&id, now).await?),
        UserCall::CheckApiToken { token, now } => {
            let (_, id, secret) = token.parts().ok_or_else(crate::session::unauthenticated)?;
            UserReply::TokenScopes(obj.check_api_token(&id, secret, now).await?)
        }
        UserCall::RevokeAllApiTokens { now } => UserReply::Count(obj.revoke_all_api_tokens(now).await?),
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
        UserCall::StartBound { digest, now } => {
            let (ceremony_id, options) = obj.start_bound(digest, now).await?;
            UserReply::AuthenticationStarted { ceremony_id, options: Box::new(options) }
        }
        UserCall::FinishBound { ceremony_id, digest, credential, now } => {
            UserReply::Proof(Box::new(obj.finish_bound(&ceremony_id, digest, &credential, now).await?))
        }
        UserCall::CodeForRequest { code, policy, now } => {
            UserReply::Proof(Box::new(obj.code_for_request(&code, policy, now).await?))
        }
        UserCall::SeedDemo { hash, totp_secret, now } => {
            obj.seed_demo(hash, totp_secret, now).await?;
            UserReply::Done
        }
        UserCall::Standing { now } => {
            let (methods, status) = obj.standing(now).await?;
            UserReply::Standing { methods, status }
        }
        UserCall::AddOathToken { by, token, now } => UserReply::TotpEnrolled(
            obj.add_oath_token(&by, &token.serial, token.secret_base32, token.params, now).await?,
        ),
    })
}

pub(crate) async fn dispatch_audit<S: OrderedStore>(
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
        AuditCall::MfaReport { from, to } => AuditReply::MfaReport(log.mfa_report(from, to).await?),
        AuditCall::Search { filter, cursor, limit } => {
            AuditReply::Search(log.search(&filter, cursor.as_ref(), limit).await?)
        }
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
        TenantCall::ClaimDemo { now } => TenantReply::DemoClaimed(obj.claim_demo(now).await?),
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

/// A call to the access object (roles, assignments, requests).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum AccessCall {
    Roles {
        now: UnixMillis,
    },
    Alerts {
        users: Vec<User>,
        now: UnixMillis,
    },
    Fix {
        by: UserId,
        fix: elevate_shared::domain::Fix,
        now: UnixMillis,
    },
    DismissAlert {
        by: UserId,
        users: Vec<User>,
        kind: elevate_shared::domain::AlertKind,
        reason: elevate_shared::domain::Reason,
        now: UnixMillis,
    },
    RoleAssignments {
        role: RoleId,
        now: UnixMillis,
    },
    CreateRole {
        by: UserId,
        body: CreateRole,
        now: UnixMillis,
    },
    UpdateRole {
        by: UserId,
        body: UpdateRole,
        may_loosen: bool,
        now: UnixMillis,
    },
    DeleteRole {
        by: UserId,
        role: RoleId,
        now: UnixMillis,
    },
    SetSettings {
        by: UserId,
        role: RoleId,
        settings: Box<RoleSettings>,
        /// False for a change made with an API token: it may not loosen a protection.
        may_loosen: bool,
        now: UnixMillis,
    },
    Assign {
        by: UserId,
        admin_mfa: Option<DomainEvidence>,
        body: CreateAssignment,
        now: UnixMillis,
    },
    RemoveAssignment {
        by: UserId,
        id: AssignmentId,
        reason: Option<Reason>,
        now: UnixMillis,
    },
    MyRoles {
        principal: Box<User>,
        session_mfa: Option<DomainEvidence>,
        now: UnixMillis,
    },
    MyRequests {
        principal: UserId,
        now: UnixMillis,
    },
    Preview {
        principal: Box<User>,
        role: RoleId,
        draft: ActivationDraft,
        session_mfa: Option<DomainEvidence>,
        now: UnixMillis,
    },
    Create {
        principal: Box<User>,
        role: RoleId,
        draft: ActivationDraft,
        session_mfa: Option<DomainEvidence>,
        now: UnixMillis,
    },
    Request {
        requester: UserId,
        id: RequestId,
        now: UnixMillis,
    },
    CompleteMfa {
        requester: UserId,
        id: RequestId,
        evidence: Box<DomainEvidence>,
        now: UnixMillis,
    },
    MfaFailed {
        requester: UserId,
        id: RequestId,
        detail: String,
        now: UnixMillis,
    },
    Cancel {
        requester: UserId,
        id: RequestId,
        now: UnixMillis,
    },
    Deactivate {
        requester: UserId,
        id: RequestId,
        now: UnixMillis,
    },
    Extend {
        requester: UserId,
        id: RequestId,
        new_end: UnixMillis,
        evidence: Box<DomainEvidence>,
        now: UnixMillis,
    },
    ForApprover {
        approver: UserId,
        id: RequestId,
        now: UnixMillis,
    },
    Approvals {
        approver: UserId,
        now: UnixMillis,
    },
    Decide {
        approver: UserId,
        id: RequestId,
        verdict: Verdict,
        reason: Option<Reason>,
        evidence: Box<DomainEvidence>,
        now: UnixMillis,
    },
    Tidy {
        now: UnixMillis,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum AccessReply {
    Role(Box<RoleView>),
    Roles(Vec<RoleView>),
    Assignment(Box<Assignment>),
    Assignments(Vec<Assignment>),
    Alerts(Box<crate::access::AlertsNow>),
    Fixed(elevate_shared::api::alerts::FixApplied),
    Dismissed(Box<(elevate_shared::domain::Alert, elevate_shared::domain::alerts::Dismissal)>),
    MyRoles(Box<MyRoles>),
    Requests { requests: Vec<ActivationRequest>, roles: Vec<Role> },
    Verdict(Box<ActivationVerdict>),
    Request(Box<ActivationRequest>),
    Approvals(Vec<(ActivationRequest, Role)>),
    Tidied(usize),
    Done,
}

pub(crate) async fn dispatch_access<S: Store>(
    obj: &AccessObject<'_, S>,
    call: AccessCall,
) -> Result<AccessReply, AppError> {
    let request = |r: ActivationRequest| AccessReply::Request(Box::new(r));
    Ok(match call {
        AccessCall::Roles { now } => AccessReply::Roles(obj.role_views(now).await?),
        AccessCall::Alerts { users, now } => AccessReply::Alerts(Box::new(obj.alerts(&users, now).await?)),
        AccessCall::Fix { by, fix, now } => AccessReply::Fixed(obj.apply_fix(&by, &fix, now).await?),
        AccessCall::DismissAlert { by, users, kind, reason, now } => {
            AccessReply::Dismissed(Box::new(obj.dismiss_alert(&by, &users, kind, reason, now).await?))
        }
        AccessCall::RoleAssignments { role, now } => {
            AccessReply::Assignments(obj.role_assignments(&role, now).await?)
        }
        AccessCall::CreateRole { by, body, now } => {
            AccessReply::Role(Box::new(obj.create_role(&by, body, now).await?))
        }
        AccessCall::UpdateRole { by, body, may_loosen, now } => {
            AccessReply::Role(Box::new(obj.update_role(&by, body, may_loosen, now).await?))
        }
        AccessCall::DeleteRole { by, role, now } => {
            obj.delete_role(&by, &role, now).await?;
            AccessReply::Done
        }
        AccessCall::SetSettings { by, role, settings, may_loosen, now } => AccessReply::Role(Box::new(
            obj.set_settings_checked(&by, &role, *settings, may_loosen, now).await?,
        )),
        AccessCall::Assign { by, admin_mfa, body, now } => {
            AccessReply::Assignment(Box::new(obj.assign(&by, admin_mfa.as_ref(), body, now).await?))
        }
        AccessCall::RemoveAssignment { by, id, reason, now } => {
            obj.remove_assignment(&by, &id, reason.as_ref(), now).await?;
            AccessReply::Done
        }
        AccessCall::MyRoles { principal, session_mfa, now } => {
            AccessReply::MyRoles(Box::new(obj.my_roles(&principal, session_mfa.as_ref(), now).await?))
        }
        AccessCall::MyRequests { principal, now } => {
            let (requests, roles) = obj.my_requests(&principal, now).await?;
            AccessReply::Requests { requests, roles }
        }
        AccessCall::Preview { principal, role, draft, session_mfa, now } => AccessReply::Verdict(Box::new(
            obj.preview(&principal, &role, &draft, session_mfa.as_ref(), now).await?,
        )),
        AccessCall::Create { principal, role, draft, session_mfa, now } => {
            request(obj.create_request(&principal, &role, &draft, session_mfa.as_ref(), now).await?)
        }
        AccessCall::Request { requester, id, now } => request(obj.request_of(&id, &requester, now).await?),
        AccessCall::CompleteMfa { requester, id, evidence, now } => {
            request(obj.complete_mfa(&requester, &id, &evidence, now).await?)
        }
        AccessCall::MfaFailed { requester, id, detail, now } => {
            obj.mfa_failed(&requester, &id, &detail, now).await?;
            AccessReply::Done
        }
        AccessCall::Cancel { requester, id, now } => request(obj.cancel(&requester, &id, now).await?),
        AccessCall::Deactivate { requester, id, now } => request(obj.deactivate(&requester, &id, now).await?),
        AccessCall::Extend { requester, id, new_end, evidence, now } => {
            request(obj.extend(&requester, &id, new_end, *evidence, now).await?)
        }
        AccessCall::ForApprover { approver, id, now } => {
            request(obj.for_approver(&approver, &id, now).await?)
        }
        AccessCall::Approvals { approver, now } => {
            AccessReply::Approvals(obj.approvals(&approver, now).await?)
        }
        AccessCall::Decide { approver, id, verdict, reason, evidence, now } => {
            request(obj.decide(&approver, &id, verdict, reason, *evidence, now).await?)
        }
        AccessCall::Tidy { now } => AccessReply::Tidied(obj.tidy(now).await?),
    })
}
