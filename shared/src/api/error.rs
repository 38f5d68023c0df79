//! The one error shape of the API: `{"error":{"code":"…","message":"…"}}`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stable, machine-readable reason. Clients branch on this, never on the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON of the expected shape, or a field failed validation.
    BadRequest,
    /// The body is larger than [`crate::api::MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// A state-changing request arrived without the anti-CSRF header or from a foreign origin.
    CsrfRejected,
    /// No valid session.
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// First-run enrolment is over: an administrator already exists.
    BootstrapClosed,
    /// The bootstrap secret is wrong.
    BootstrapSecretInvalid,
    /// The username is taken.
    UsernameTaken,
    /// The ceremony does not exist: never started, already used, or expired.
    CeremonyNotFound,
    /// The authenticator's response failed verification.
    WebauthnRejected,
    /// The authenticator did not verify the user (PIN or biometrics) where that is required.
    UserVerificationRequired,
    /// The credential is already registered.
    CredentialAlreadyRegistered,
    /// Sign-in failed; deliberately unspecific so it does not reveal which accounts exist.
    SignInFailed,
    /// The role settings break a rule (approval without approvers, N > M, ...).
    SettingsInvalid,
    /// A direct assignment breaks the role's settings (too long, permanent not allowed, ...).
    AssignmentRefused,
    /// The person is not eligible for the role at this scope now (or at the requested start).
    NotEligible,
    /// The account is disabled or locked out.
    AccountCannotAct,
    /// The role is already active at this scope.
    AlreadyActive,
    /// A request for the same role and scope is already open.
    RequestAlreadyOpen,
    /// The requested duration exceeds the role's maximum.
    DurationTooLong,
    /// The requested start is in the past or after the eligibility ends.
    InvalidSchedule,
    /// The role requires a justification.
    JustificationRequired,
    /// The role requires a ticket.
    TicketRequired,
    /// The ticket system or number is not what the role accepts.
    TicketRejected,
    /// The action needs a (fresh, request-bound) MFA first.
    MfaRequired,
    /// The MFA does not satisfy the role: wrong method, stale, not bound to the request, ...
    MfaRejected,
    /// The person has no registered method the role accepts.
    NoUsableMfaMethod,
    /// The one-time code is wrong, or was already used.
    MfaCodeRejected,
    /// Removing this method would leave the account without a way to sign in.
    LastSignInMethod,
    /// Too many recent MFA failures: wait until the retry time before trying again.
    MfaThrottled,
    /// Too many MFA failures: the account is locked until the given time or an unlock.
    MfaLockedOut,
    /// Too few approvers other than the requester exist to reach the quorum.
    ApprovalUnavailable,
    /// Nobody approves or denies their own request.
    SelfApproval,
    /// The person is not an approver of this request.
    NotAnApprover,
    /// The approver has already decided on this request.
    AlreadyDecided,
    /// The approver used the requester's authenticator.
    SharedAuthenticator,
    /// The request is not in a state that allows this.
    RequestStateConflict,
    /// The request waited too long and has expired.
    RequestExpired,
    /// Extend is not offered yet, or the new end is past what the role or eligibility allows.
    ExtensionRefused,
    /// The invitation code is wrong, used or expired.
    InvitationInvalid,
    /// The password is too short, too common or too like the username.
    PasswordRejected,
    /// The account is locked (after a fraud report, or by an administrator) until an
    /// administrator unlocks it.
    AccountLocked,
    /// The token is already assigned to someone.
    TokenAssigned,
    /// The caller holds as many API tokens as one may; revoke one first.
    TooManyTokens,
    /// An administrator disabled the account: it cannot sign in or act.
    AccountDisabled,
    /// The change would leave no enabled administrator.
    LastAdministrator,
    /// The person has already set up sign-in: an invitation would let its holder add a method to
    /// their account. Reset their methods instead (audited, and it signs them out).
    AlreadyEnrolled,
    /// The role still has assignments or open requests: remove them first.
    RoleInUse,
    /// Something on the server failed; details are logged, never sent.
    Internal,
}

impl ErrorCode {
    /// The HTTP status that goes with the code.
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            Self::BadRequest | Self::UserVerificationRequired | Self::WebauthnRejected => 400,
            Self::CeremonyNotFound => 400,
            Self::Unauthenticated | Self::SignInFailed => 401,
            Self::CsrfRejected | Self::Forbidden | Self::BootstrapClosed => 403,
            Self::BootstrapSecretInvalid => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::UsernameTaken | Self::CredentialAlreadyRegistered => 409,
            Self::PayloadTooLarge => 413,
            Self::MfaCodeRejected => 400,
            Self::LastSignInMethod => 409,
            Self::MfaLockedOut | Self::AccountLocked => 423,
            Self::InvitationInvalid | Self::PasswordRejected => 400,
            Self::TokenAssigned
            | Self::TooManyTokens
            | Self::LastAdministrator
            | Self::AlreadyEnrolled
            | Self::RoleInUse => 409,
            Self::AccountDisabled => 403,
            Self::MfaThrottled => 429,
            Self::SettingsInvalid
            | Self::AssignmentRefused
            | Self::DurationTooLong
            | Self::InvalidSchedule
            | Self::JustificationRequired
            | Self::TicketRequired
            | Self::TicketRejected => 400,
            Self::NotEligible
            | Self::AccountCannotAct
            | Self::MfaRequired
            | Self::MfaRejected
            | Self::NoUsableMfaMethod
            | Self::SelfApproval
            | Self::NotAnApprover
            | Self::SharedAuthenticator => 403,
            Self::AlreadyActive
            | Self::RequestAlreadyOpen
            | Self::ApprovalUnavailable
            | Self::AlreadyDecided
            | Self::RequestStateConflict
            | Self::RequestExpired
            | Self::ExtensionRefused => 409,
            Self::Internal => 500,
        }
    }

    /// The wire name, as in the JSON body.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::PayloadTooLarge => "payload_too_large",
            Self::CsrfRejected => "csrf_rejected",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::BootstrapClosed => "bootstrap_closed",
            Self::BootstrapSecretInvalid => "bootstrap_secret_invalid",
            Self::UsernameTaken => "username_taken",
            Self::CeremonyNotFound => "ceremony_not_found",
            Self::WebauthnRejected => "webauthn_rejected",
            Self::UserVerificationRequired => "user_verification_required",
            Self::CredentialAlreadyRegistered => "credential_already_registered",
            Self::SignInFailed => "sign_in_failed",
            Self::SettingsInvalid => "settings_invalid",
            Self::AssignmentRefused => "assignment_refused",
            Self::NotEligible => "not_eligible",
            Self::AccountCannotAct => "account_cannot_act",
            Self::AlreadyActive => "already_active",
            Self::RequestAlreadyOpen => "request_already_open",
            Self::DurationTooLong => "duration_too_long",
            Self::InvalidSchedule => "invalid_schedule",
            Self::JustificationRequired => "justification_required",
            Self::TicketRequired => "ticket_required",
            Self::TicketRejected => "ticket_rejected",
            Self::MfaRequired => "mfa_required",
            Self::MfaRejected => "mfa_rejected",
            Self::MfaCodeRejected => "mfa_code_rejected",
            Self::LastSignInMethod => "last_sign_in_method",
            Self::MfaThrottled => "mfa_throttled",
            Self::MfaLockedOut => "mfa_locked_out",
            Self::NoUsableMfaMethod => "no_usable_mfa_method",
            Self::ApprovalUnavailable => "approval_unavailable",
            Self::SelfApproval => "self_approval",
            Self::NotAnApprover => "not_an_approver",
            Self::AlreadyDecided => "already_decided",
            Self::SharedAuthenticator => "shared_authenticator",
            Self::RequestStateConflict => "request_state_conflict",
            Self::RequestExpired => "request_expired",
            Self::ExtensionRefused => "extension_refused",
            Self::InvitationInvalid => "invitation_invalid",
            Self::PasswordRejected => "password_rejected",
            Self::AccountLocked => "account_locked",
            Self::TokenAssigned => "token_assigned",
            Self::TooManyTokens => "too_many_tokens",
            Self::AccountDisabled => "account_disabled",
            Self::LastAdministrator => "last_administrator",
            Self::AlreadyEnrolled => "already_enrolled",
            Self::RoleInUse => "role_in_use",
            Self::Internal => "internal",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error's code and a message meant for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for ApiError {}

/// The JSON envelope every error response has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ApiError,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_name_matches_serde() {
        for code in [
            ErrorCode::BadRequest,
            ErrorCode::CsrfRejected,
            ErrorCode::CeremonyNotFound,
            ErrorCode::UserVerificationRequired,
            ErrorCode::InvitationInvalid,
            ErrorCode::PasswordRejected,
            ErrorCode::AccountLocked,
            ErrorCode::TooManyTokens,
            ErrorCode::AccountDisabled,
            ErrorCode::LastAdministrator,
            ErrorCode::AlreadyEnrolled,
            ErrorCode::RoleInUse,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn envelope_has_the_documented_shape() {
        let body = ErrorBody { error: ApiError::new(ErrorCode::BadRequest, "no") };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":{"code":"bad_request","message":"no"}}"#
        );
    }
}
