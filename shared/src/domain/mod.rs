//! The pure domain core: who may hold which privileged role, when, and on what evidence.
//!
//! Everything here is a value or a pure function. Nothing reads a clock (time arrives as a
//! `now: UnixMillis` parameter), nothing performs I/O, nothing panics on input: bad input is a
//! typed error. The backend loads state, calls these functions, stores what they return and
//! appends the audit events they emit; the SPA calls the same functions to show what will happen.
//!
//! Map of the module:
//! - [`ids`], [`text`], [`durations`]: validated newtypes for identifiers, free text and spans.
//! - [`scope`]: the resource hierarchy and its containment order.
//! - [`role`], [`user`], [`mfa`]: roles, people and their authenticators, MFA evidence checks.
//! - [`totp`]: TOTP secrets, codes, `otpauth://` URIs and single-use verification (RFC 6238).
//! - [`lockout`]: throttling and lock-out after repeated failures (NIST SP 800-63B).
//! - [`settings`]: per-role settings, their secure defaults and their validation.
//! - [`ticket`]: the restricted ticket-number pattern language.
//! - [`assignment`]: eligible / active assignments and the rules for direct assignment.
//! - [`policy`]: what an activation needs next, or why it is refused.
//! - [`request`]: the activation request state machine.
//! - [`digest`]: request-bound MFA challenges (SHA-256 over a documented byte layout).
//! - [`audit`]: the event catalogue and the tamper-evident hash chain.
//! - [`audit_query`]: searching the log, and the indexes that make a search cheap.
//! - [`mfa_report`]: what each event counts towards in the MFA reports.
//! - [`alerts`]: security alerts computed from state, with typed fixes.

pub mod alerts;
pub mod assignment;
pub mod audit;
pub mod audit_query;
pub mod digest;
pub mod durations;
pub mod ids;
pub mod lockout;
pub mod mfa;
pub mod mfa_report;
pub mod oath;
pub mod policy;
pub mod request;
pub mod role;
pub mod scope;
pub mod settings;
pub mod text;
pub mod ticket;
pub mod totp;
pub mod user;

pub use alerts::{Affected, Alert, AlertInput, AlertKind, AlertThresholds, Fix, Severity, compute_alerts};
pub use assignment::{Assignment, AssignmentError, AssignmentKind, AssignmentOrigin, DirectAssignment};
pub use audit::{
    Actor, AuditAction, AuditDraft, AuditEvent, ChainAnchor, ChainBreak, ChainBreakReason, Details, Outcome,
    Target, append, verify_chain, verify_chain_from, verify_chain_to,
};
pub use digest::Digest;
pub use durations::{
    ActivationDuration, AssignmentMaxDuration, DurationError, ExtensionWindow, FreshnessWindow,
    MaxActivation, PendingExpiry,
};
pub use ids::{AssignmentId, MethodId, RequestId, RoleId, TokenId};
pub use lockout::{
    AttemptRefused, FailureCounter, FailureOutcome, LockoutPolicy, LockoutPolicyError, LockoutSettings,
};
pub use mfa::{MfaEvidence, MfaMethodKind, MfaMethodSummary, MfaRejection};
pub use policy::{ActivationDraft, ActivationStart, ActivationVerdict, PolicyInput, Refusal, evaluate};
pub use request::{ActivationRequest, RequestState, RequestStatus, Transition};
pub use role::Role;
pub use scope::Scope;
pub use settings::RoleSettings;
pub use text::{Description, Hint, Justification, Reason, RoleName, Ticket, TicketNumber, TicketSystem};
pub use ticket::TicketPattern;
pub use totp::{
    AcceptedStep, OtpAuthError, OtpAuthUri, SkewWindow, TotpAlgorithm, TotpCode, TotpCodeError, TotpDigits,
    TotpParams, TotpParamsError, TotpPeriod, TotpRejection, TotpSecret, TotpSecretError,
};
pub use user::{User, UserStatus};
