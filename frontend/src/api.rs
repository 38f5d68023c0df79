//! The typed API client: the only place the SPA builds a URL or sends a request.
//!
//! Requests and responses are `elevate_shared::api` types. Transport failures and API errors are
//! kept apart so the UI can say "can't reach Elevate" differently from "the server said no".

use elevate_shared::api::activation::{
    ActivationCode, ActivationPreview, ActivationResponse, BoundCeremonyFinish, BoundCeremonyStarted,
    CreateActivation, ExtendFinish, ExtendStart, PreviewActivation, RequestList, RequestRef,
};
use elevate_shared::api::alerts::{
    AlertList, ApplyFix, DismissAlert, DismissedAlert, FixApplied, RaisedAlerts,
};
use elevate_shared::api::approvals::{DecisionCeremony, DecisionFinish, DecisionStart, PendingApprovals};
use elevate_shared::api::assignments::{AssignmentList, CreateAssignment, MyRoles, RemoveAssignment};
use elevate_shared::api::auth::{
    AddPasskeyStart, AuthenticationStarted, BootstrapStart, BootstrapStatus, DiscoverableFinish,
    DiscoverableStarted, Me, MfaEvidence, MySessions, PasskeySummary, RegistrationFinish,
    RegistrationStarted, RevokeSession, SignInFinish, SignInStart,
};
use elevate_shared::api::mfa::{
    RemoveMethod, RenameMethod, TotpEnrolmentFinish, TotpEnrolmentStart, TotpEnrolmentStarted,
    TotpMethodSummary, TotpVerify,
};
use elevate_shared::api::oath::{AssignOathToken, ImportOathTokens, OathImported, OathTokenList};
use elevate_shared::api::password::{
    FraudReport, FraudReported, PasswordSignIn, PendingPrompts, SecondFactorBypass, SecondFactorPasskey,
    SecondFactorTotp, SetPassword, SignInStep,
};
use elevate_shared::api::roles::{CreateRole, RoleList, RoleView, UpdateRoleSettings};
use elevate_shared::api::users::{
    BypassSummary, CreateUser, EnrolPasskeyFinish, EnrolPassword, EnrolStatus, EnrolWith, GrantBypass,
    InvitationIssued, UserAction, UserCreated, UserList,
};
use elevate_shared::api::{ApiError, CSRF_HEADER, CSRF_VALUE, ErrorBody, ErrorCode, paths};
use elevate_shared::domain::RoleId;
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    #[error("Elevate cannot be reached right now ({0}). Check your connection and try again.")]
    Transport(String),
    #[error("{}", .0.message)]
    Api(ApiError),
}

impl ClientError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api(e) => Some(e.code),
            Self::Transport(_) => None,
        }
    }
}

async fn decode<R: DeserializeOwned>(resp: Response) -> Result<R, ClientError> {
    if resp.ok() {
        return resp.json::<R>().await.map_err(|e| ClientError::Transport(e.to_string()));
    }
    match resp.json::<ErrorBody>().await {
        Ok(body) => Err(ClientError::Api(body.error)),
        Err(_) => Err(ClientError::Transport(format!("HTTP {}", resp.status()))),
    }
}

async fn get<R: DeserializeOwned>(path: &str) -> Result<R, ClientError> {
    let resp = Request::get(path).send().await.map_err(|e| ClientError::Transport(e.to_string()))?;
    decode(resp).await
}

async fn post<B: Serialize, R: DeserializeOwned>(path: &str, body: &B) -> Result<R, ClientError> {
    let resp = Request::post(path)
        .header(CSRF_HEADER, CSRF_VALUE)
        .json(body)
        .map_err(|e| ClientError::Transport(e.to_string()))?
        .send()
        .await
        .map_err(|e| ClientError::Transport(e.to_string()))?;
    decode(resp).await
}

pub async fn bootstrap_status() -> Result<BootstrapStatus, ClientError> {
    get(paths::BOOTSTRAP).await
}

pub async fn bootstrap_start(body: &BootstrapStart) -> Result<RegistrationStarted, ClientError> {
    post(paths::BOOTSTRAP_PASSKEY_START, body).await
}

pub async fn bootstrap_finish(body: &RegistrationFinish) -> Result<PasskeySummary, ClientError> {
    post(paths::BOOTSTRAP_PASSKEY_FINISH, body).await
}

pub async fn sign_in_start(body: &SignInStart) -> Result<AuthenticationStarted, ClientError> {
    post(paths::SIGN_IN_PASSKEY_START, body).await
}

pub async fn sign_in_finish(body: &SignInFinish) -> Result<Me, ClientError> {
    post(paths::SIGN_IN_PASSKEY_FINISH, body).await
}

pub async fn discover_start() -> Result<DiscoverableStarted, ClientError> {
    post(paths::SIGN_IN_DISCOVER_START, &serde_json::json!({})).await
}

pub async fn discover_finish(body: &DiscoverableFinish) -> Result<Me, ClientError> {
    post(paths::SIGN_IN_DISCOVER_FINISH, body).await
}

pub async fn sign_out() -> Result<serde_json::Value, ClientError> {
    post(paths::SIGN_OUT, &serde_json::json!({})).await
}

pub async fn me() -> Result<Me, ClientError> {
    get(paths::ME).await
}

pub async fn add_passkey_start() -> Result<RegistrationStarted, ClientError> {
    post(paths::MY_PASSKEY_START, &AddPasskeyStart {}).await
}

pub async fn add_passkey_finish(body: &RegistrationFinish) -> Result<PasskeySummary, ClientError> {
    post(paths::MY_PASSKEY_FINISH, body).await
}

pub async fn totp_start(body: &TotpEnrolmentStart) -> Result<TotpEnrolmentStarted, ClientError> {
    post(paths::MY_TOTP_START, body).await
}

pub async fn totp_finish(body: &TotpEnrolmentFinish) -> Result<TotpMethodSummary, ClientError> {
    post(paths::MY_TOTP_FINISH, body).await
}

/// A step-up with an authenticator-app code; the session's new MFA evidence comes back.
pub async fn mfa_totp(body: &TotpVerify) -> Result<MfaEvidence, ClientError> {
    post(paths::MY_MFA_TOTP, body).await
}

pub async fn my_sessions() -> Result<MySessions, ClientError> {
    get(paths::MY_SESSIONS).await
}

pub async fn revoke_session(body: &RevokeSession) -> Result<serde_json::Value, ClientError> {
    post(paths::MY_SESSION_REVOKE, body).await
}

pub async fn remove_method(body: &RemoveMethod) -> Result<serde_json::Value, ClientError> {
    post(paths::MY_METHOD_REMOVE, body).await
}

pub async fn rename_method(body: &RenameMethod) -> Result<serde_json::Value, ClientError> {
    post(paths::MY_METHOD_RENAME, body).await
}

/// A password sign-in: signed in, or the second-factor step that must follow.
pub async fn sign_in_password(body: &PasswordSignIn) -> Result<SignInStep, ClientError> {
    post(paths::SIGN_IN_PASSWORD, body).await
}

pub async fn second_factor_totp(body: &SecondFactorTotp) -> Result<Me, ClientError> {
    post(paths::SIGN_IN_SECOND_FACTOR_TOTP, body).await
}

pub async fn second_factor_passkey(body: &SecondFactorPasskey) -> Result<Me, ClientError> {
    post(paths::SIGN_IN_SECOND_FACTOR_PASSKEY, body).await
}

pub async fn second_factor_bypass(body: &SecondFactorBypass) -> Result<Me, ClientError> {
    post(paths::SIGN_IN_SECOND_FACTOR_BYPASS, body).await
}

pub async fn set_password(body: &SetPassword) -> Result<serde_json::Value, ClientError> {
    post(paths::MY_PASSWORD, body).await
}

/// Password sign-ins waiting for this person's second factor.
pub async fn my_prompts() -> Result<PendingPrompts, ClientError> {
    get(paths::MY_PROMPTS).await
}

/// "This wasn't me": cancels the prompts, ends the other sessions and locks the account.
pub async fn report_fraud(body: &FraudReport) -> Result<FraudReported, ClientError> {
    post(paths::MY_FRAUD_REPORT, body).await
}

pub async fn enrol_status(body: &EnrolWith) -> Result<EnrolStatus, ClientError> {
    post(paths::ENROL_STATUS, body).await
}

pub async fn enrol_passkey_start(body: &EnrolWith) -> Result<RegistrationStarted, ClientError> {
    post(paths::ENROL_PASSKEY_START, body).await
}

pub async fn enrol_passkey_finish(body: &EnrolPasskeyFinish) -> Result<Me, ClientError> {
    post(paths::ENROL_PASSKEY_FINISH, body).await
}

pub async fn enrol_password(body: &EnrolPassword) -> Result<Me, ClientError> {
    post(paths::ENROL_PASSWORD, body).await
}

pub async fn users() -> Result<UserList, ClientError> {
    get(paths::USERS).await
}

pub async fn create_user(body: &CreateUser) -> Result<UserCreated, ClientError> {
    post(paths::USER_CREATE, body).await
}

/// A fresh invitation for the person; any earlier one stops working.
pub async fn invite_user(body: &UserAction) -> Result<InvitationIssued, ClientError> {
    post(paths::USER_INVITE, body).await
}

pub async fn unlock_user(body: &UserAction) -> Result<serde_json::Value, ClientError> {
    post(paths::USER_UNLOCK, body).await
}

/// Removes every method and session of the person; a fresh invitation comes back.
pub async fn reset_methods(body: &UserAction) -> Result<InvitationIssued, ClientError> {
    post(paths::USER_RESET_METHODS, body).await
}

pub async fn grant_bypass(body: &GrantBypass) -> Result<BypassSummary, ClientError> {
    post(paths::USER_BYPASS, body).await
}

/// Alerts raised by events, newest first.
pub async fn raised_alerts() -> Result<RaisedAlerts, ClientError> {
    get(paths::ALERTS_RAISED).await
}

/// Alerts computed from roles, assignments and activity now; dismissed ones apart.
pub async fn alerts() -> Result<AlertList, ClientError> {
    get(paths::ALERTS).await
}

/// Applies an alert's fix, or the part of it naming the selected items.
pub async fn fix_alert(body: &ApplyFix) -> Result<FixApplied, ClientError> {
    post(paths::ALERTS_FIX, body).await
}

/// Dismisses a computed alert with a reason, until a new item appears in it.
pub async fn dismiss_alert(body: &DismissAlert) -> Result<DismissedAlert, ClientError> {
    post(paths::ALERTS_DISMISS, body).await
}

/// The OATH hardware tokens in the inventory, without their secrets.
pub async fn oath_tokens() -> Result<OathTokenList, ClientError> {
    get(paths::OATH_TOKENS).await
}

/// Imports every row or none; rows naming a user are assigned to them as part of it.
pub async fn import_oath(body: &ImportOathTokens) -> Result<OathImported, ClientError> {
    post(paths::OATH_IMPORT, body).await
}

/// Gives a token to a person: it becomes one of their code methods.
pub async fn assign_oath(body: &AssignOathToken) -> Result<TotpMethodSummary, ClientError> {
    post(paths::OATH_ASSIGN, body).await
}

/// The roles the signed-in person may activate, with what a default activation would need, and
/// the roles they hold now.
pub async fn my_roles() -> Result<MyRoles, ClientError> {
    get(paths::MY_ROLES).await
}

/// The person's activation requests, newest first, with the roles they name.
pub async fn my_requests() -> Result<RequestList, ClientError> {
    get(paths::MY_REQUESTS).await
}

/// What an activation as drafted would need next, or why it cannot happen. Changes nothing.
pub async fn preview_activation(body: &PreviewActivation) -> Result<ActivationPreview, ClientError> {
    post(paths::ACTIVATION_PREVIEW, body).await
}

pub async fn create_activation(body: &CreateActivation) -> Result<ActivationResponse, ClientError> {
    post(paths::ACTIVATIONS, body).await
}

/// Starts the tap whose challenge is the request's digest.
pub async fn activation_mfa_start(body: &RequestRef) -> Result<BoundCeremonyStarted, ClientError> {
    post(paths::ACTIVATION_MFA_START, body).await
}

pub async fn activation_mfa_finish(body: &BoundCeremonyFinish) -> Result<ActivationResponse, ClientError> {
    post(paths::ACTIVATION_MFA_FINISH, body).await
}

/// The request's MFA with an authenticator-app code, where the role accepts any method.
pub async fn activation_mfa_totp(body: &ActivationCode) -> Result<ActivationResponse, ClientError> {
    post(paths::ACTIVATION_MFA_TOTP, body).await
}

/// Withdraws a request that is not active yet.
pub async fn cancel_activation(body: &RequestRef) -> Result<ActivationResponse, ClientError> {
    post(paths::ACTIVATION_CANCEL, body).await
}

/// Ends an activation early.
pub async fn deactivate(body: &RequestRef) -> Result<ActivationResponse, ClientError> {
    post(paths::ACTIVATION_DEACTIVATE, body).await
}

/// Starts the tap whose challenge is the extension's digest (the request's and the new end).
pub async fn extend_start(body: &ExtendStart) -> Result<BoundCeremonyStarted, ClientError> {
    post(paths::ACTIVATION_EXTEND_START, body).await
}

pub async fn extend_finish(body: &ExtendFinish) -> Result<ActivationResponse, ClientError> {
    post(paths::ACTIVATION_EXTEND_FINISH, body).await
}

/// Requests waiting for the signed-in approver.
pub async fn approvals() -> Result<PendingApprovals, ClientError> {
    get(paths::APPROVALS).await
}

/// Starts the tap that signs this approver's verdict on the request.
pub async fn approval_start(body: &DecisionStart) -> Result<DecisionCeremony, ClientError> {
    post(paths::APPROVAL_START, body).await
}

pub async fn approval_finish(body: &DecisionFinish) -> Result<ActivationResponse, ClientError> {
    post(paths::APPROVAL_FINISH, body).await
}

/// Every role with its settings and how many hold it, for administrators.
pub async fn roles() -> Result<RoleList, ClientError> {
    get(paths::ROLES).await
}

pub async fn create_role(body: &CreateRole) -> Result<RoleView, ClientError> {
    post(paths::ROLE_CREATE, body).await
}

/// Replaces the role's settings; invalid ones are refused whole, with every violation listed.
pub async fn update_role_settings(body: &UpdateRoleSettings) -> Result<RoleView, ClientError> {
    post(paths::ROLE_SETTINGS, body).await
}

/// The role's assignments, eligible and active, in effect or scheduled.
pub async fn role_assignments(role: &RoleId) -> Result<AssignmentList, ClientError> {
    // A role id is lowercase letters, digits, `-`, `_` and `.`: nothing to escape in a query.
    get(&format!("{}?role={}", paths::ASSIGNMENTS, role.as_str())).await
}

pub async fn create_assignment(body: &CreateAssignment) -> Result<AssignmentList, ClientError> {
    post(paths::ASSIGNMENT_CREATE, body).await
}

pub async fn remove_assignment(body: &RemoveAssignment) -> Result<serde_json::Value, ClientError> {
    post(paths::ASSIGNMENT_REMOVE, body).await
}

/// One page of a filtered search of the audit log, newest first.
pub async fn audit_search(
    filter: &elevate_shared::domain::audit_query::AuditFilter,
    cursor: Option<&elevate_shared::api::audit::AuditCursor>,
) -> Result<elevate_shared::api::audit::AuditSearchPage, ClientError> {
    get(&crate::audit::search_url(filter, cursor, crate::audit::PAGE)).await
}

/// Walks the whole hash chain on the server and reports the first broken link.
pub async fn audit_verify() -> Result<elevate_shared::api::audit::ChainVerification, ClientError> {
    get(paths::AUDIT_VERIFY).await
}

/// The signed-in administrator's API tokens, newest first.
pub async fn api_tokens() -> Result<elevate_shared::api::tokens::ApiTokenList, ClientError> {
    get(paths::TOKENS).await
}

/// A new API token, shown once.
pub async fn create_api_token(
    body: &elevate_shared::api::tokens::CreateApiToken,
) -> Result<elevate_shared::api::tokens::ApiTokenCreated, ClientError> {
    post(paths::TOKEN_CREATE, body).await
}

pub async fn revoke_api_token(
    body: &elevate_shared::api::tokens::RevokeApiToken,
) -> Result<elevate_shared::api::tokens::ApiTokenSummary, ClientError> {
    post(paths::TOKEN_REVOKE, body).await
}

/// Renames a person, changes their administrator flag, or disables / enables the account.
pub async fn update_user(
    body: &elevate_shared::api::users::UpdateUser,
) -> Result<elevate_shared::api::users::UserSummary, ClientError> {
    post(paths::USER_UPDATE, body).await
}

/// MFA over the UTC days from `from`'s to `to`'s.
pub async fn mfa_report(
    from: elevate_shared::time::UnixMillis,
    to: elevate_shared::time::UnixMillis,
) -> Result<elevate_shared::api::reports::MfaReport, ClientError> {
    get(&crate::reports::report_url(from, to, false)).await
}

/// A role's name, description or privileged flag.
pub async fn update_role(
    body: &elevate_shared::api::roles::UpdateRole,
) -> Result<elevate_shared::api::roles::RoleView, ClientError> {
    post(paths::ROLE_UPDATE, body).await
}

/// Deletes a role nothing rests on.
pub async fn delete_role(
    body: &elevate_shared::api::roles::DeleteRole,
) -> Result<elevate_shared::api::roles::RoleDeleted, ClientError> {
    post(paths::ROLE_DELETE, body).await
}
