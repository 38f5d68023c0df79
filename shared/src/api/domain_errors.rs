//! How the domain's typed errors become wire errors: one stable [`ErrorCode`] per reason, with
//! the error's own message for people. The backend calls [`DomainError::to_api_error`] at the
//! edge; nothing here leaks internals, because domain errors carry only what the caller sent or
//! may know.

use crate::api::{ApiError, ErrorCode};
use crate::domain::alerts::DismissError;
use crate::domain::assignment::AssignmentError;
use crate::domain::durations::DurationError;
use crate::domain::policy::Refusal;
use crate::domain::request::{
    CancelError, CreateError, DeactivateError, DecisionError, ExtendError, MfaStepError, RequestStatus,
    VoidError,
};
use crate::domain::settings::InvalidSettings;
use crate::domain::ticket::PatternError;
use crate::ids::IdError;

/// A domain error with a wire code.
pub trait DomainError: std::fmt::Display {
    fn code(&self) -> ErrorCode;

    /// The wire error: the code and the error's message.
    fn to_api_error(&self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }
}

fn state_code(status: RequestStatus) -> ErrorCode {
    if status == RequestStatus::Expired { ErrorCode::RequestExpired } else { ErrorCode::RequestStateConflict }
}

impl DomainError for Refusal {
    fn code(&self) -> ErrorCode {
        match self {
            Self::AccountCannotAct => ErrorCode::AccountCannotAct,
            Self::SettingsInvalid(_) => ErrorCode::SettingsInvalid,
            Self::ScopeOutsideRole { .. } | Self::NotEligible => ErrorCode::NotEligible,
            Self::EligibilityNotStarted { .. } | Self::EligibilityEnded { .. } => ErrorCode::NotEligible,
            Self::DurationExceedsMaximum { .. } => ErrorCode::DurationTooLong,
            Self::StartInPast | Self::StartAfterEligibilityEnd { .. } => ErrorCode::InvalidSchedule,
            Self::AlreadyActive { .. } => ErrorCode::AlreadyActive,
            Self::RequestAlreadyOpen { .. } => ErrorCode::RequestAlreadyOpen,
            Self::NoUsableMfaMethod { .. } => ErrorCode::NoUsableMfaMethod,
            Self::TicketSystemNotAllowed { .. } | Self::TicketNumberMismatch { .. } => {
                ErrorCode::TicketRejected
            }
            Self::ApprovalQuorumUnreachable { .. } => ErrorCode::ApprovalUnavailable,
        }
    }
}

impl DomainError for DismissError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotComputed(_) => ErrorCode::BadRequest,
            Self::NotRaised(_) => ErrorCode::NotFound,
        }
    }
}

impl DomainError for CreateError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Refused(r) => r.code(),
            Self::JustificationRequired { .. } => ErrorCode::JustificationRequired,
            Self::TicketRequired => ErrorCode::TicketRequired,
        }
    }
}

impl DomainError for MfaStepError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::WrongState(s) => state_code(*s),
            Self::Expired => ErrorCode::RequestExpired,
            Self::Rejected(_) => ErrorCode::MfaRejected,
        }
    }
}

impl DomainError for DecisionError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::SelfApproval => ErrorCode::SelfApproval,
            Self::WrongState(s) => state_code(*s),
            Self::Expired => ErrorCode::RequestExpired,
            Self::NotAnApprover => ErrorCode::NotAnApprover,
            Self::AlreadyDecided => ErrorCode::AlreadyDecided,
            Self::MfaRequired => ErrorCode::MfaRequired,
            Self::MfaRejected(_) => ErrorCode::MfaRejected,
            Self::SharedAuthenticator => ErrorCode::SharedAuthenticator,
        }
    }
}

impl DomainError for CancelError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotRequester => ErrorCode::Forbidden,
            Self::WrongState(s) => state_code(*s),
        }
    }
}

impl DomainError for DeactivateError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotRequester => ErrorCode::Forbidden,
            Self::WrongState(s) => state_code(*s),
        }
    }
}

impl DomainError for ExtendError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotRequester => ErrorCode::Forbidden,
            Self::WrongState(s) => state_code(*s),
            Self::NotYetExtendable { .. } | Self::NotLonger | Self::ExceedsLimit { .. } => {
                ErrorCode::ExtensionRefused
            }
            Self::EligibilityUnavailable => ErrorCode::NotEligible,
            Self::MfaRejected(_) => ErrorCode::MfaRejected,
        }
    }
}

impl DomainError for VoidError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::NotDependent => ErrorCode::BadRequest,
            Self::WrongState(s) => state_code(*s),
        }
    }
}

impl DomainError for AssignmentError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::MfaRequired => ErrorCode::MfaRequired,
            Self::MfaRejected(_) => ErrorCode::MfaRejected,
            Self::SelfActiveAssignment => ErrorCode::Forbidden,
            Self::RoleMismatch
            | Self::ScopeOutsideRole { .. }
            | Self::StartInPast
            | Self::EndNotAfterStart
            | Self::PermanentNotAllowed { .. }
            | Self::TooLong { .. } => ErrorCode::AssignmentRefused,
        }
    }
}

impl DomainError for InvalidSettings {
    fn code(&self) -> ErrorCode {
        ErrorCode::SettingsInvalid
    }

    /// Lists every violation, so a settings form can show them all.
    fn to_api_error(&self) -> ApiError {
        let all: Vec<String> = self.errors.iter().map(ToString::to_string).collect();
        ApiError::new(
            ErrorCode::SettingsInvalid,
            format!("The role settings are invalid: {}.", all.join("; ")),
        )
    }
}

impl DomainError for PatternError {
    fn code(&self) -> ErrorCode {
        ErrorCode::SettingsInvalid
    }
}

impl DomainError for DurationError {
    fn code(&self) -> ErrorCode {
        ErrorCode::BadRequest
    }
}

impl DomainError for IdError {
    fn code(&self) -> ErrorCode {
        ErrorCode::BadRequest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_approval_maps_to_its_own_code() {
        let e = DecisionError::SelfApproval.to_api_error();
        assert_eq!(e.code, ErrorCode::SelfApproval);
        assert_eq!(e.code.http_status(), 403);
        assert_eq!(DecisionError::WrongState(RequestStatus::Expired).code(), ErrorCode::RequestExpired);
    }

    #[test]
    fn settings_errors_list_every_violation() {
        use crate::domain::settings::SettingsError;
        let e = InvalidSettings {
            errors: vec![SettingsError::QuorumZero, SettingsError::ApprovalWithoutApprovers],
        };
        let api = e.to_api_error();
        assert_eq!(api.code, ErrorCode::SettingsInvalid);
        assert!(
            api.message.contains("at least 1") && api.message.contains("no approvers"),
            "{}",
            api.message
        );
    }
}
