//! Per-role settings: what activating, extending and assigning a role demands.
//!
//! Single values are typed and range-checked when built ([`MaxActivation`] is 1–24 h, and so on);
//! [`RoleSettings::validate`] checks what spans fields (an approval needs approvers, a quorum fits
//! its approver list, the extension window is shorter than an activation). The defaults are the
//! secure choice: MFA with user verification and a fresh, request-bound tap on every activation,
//! a justification, at most 8 hours, no permanent assignments.

use crate::domain::durations::{AssignmentMaxDuration, ExtensionWindow, MaxActivation, PendingExpiry};
use crate::domain::mfa::{AuthenticatorPolicy, MfaFreshness};
use crate::domain::text::{Hint, TicketSystem};
use crate::domain::ticket::TicketPattern;
use crate::ids::UserId;
use crate::time::DurationMs;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The most approvers a role may list.
pub const MAX_APPROVERS: usize = 25;
/// The most ticket systems a role may list.
pub const MAX_TICKET_SYSTEMS: usize = 10;
/// The most notification recipients per event.
pub const MAX_RECIPIENTS: usize = 20;
/// The longest minimum credential age a role may demand.
pub const MAX_MIN_CREDENTIAL_AGE: DurationMs = DurationMs::from_hours(30 * 24);

/// Everything a role demands. See the module doc for the defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSettings {
    /// The longest a single activation (or an extension, counted from its moment) may run.
    pub max_activation: MaxActivation,
    pub activation_mfa: ActivationMfa,
    pub justification: JustificationPolicy,
    pub ticket: TicketPolicy,
    pub approval: ApprovalPolicy,
    /// The administrator making a direct *active* assignment must have done MFA moments before.
    pub mfa_on_direct_active: bool,
    pub eligible_assignment: AssignmentLimit,
    pub active_assignment: AssignmentLimit,
    pub notifications: Notifications,
    /// The last part of an activation in which Extend is offered.
    pub extension_window: ExtensionWindow,
    /// How long a request may wait for MFA or approval.
    pub pending_expiry: PendingExpiry,
}

/// MFA on activation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationMfa {
    pub required: bool,
    /// Also applies to extensions and approvals, which always need MFA.
    pub authenticators: AuthenticatorPolicy,
    pub freshness: MfaFreshness,
}

/// Whether the requester must say why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JustificationPolicy {
    pub required: bool,
    /// Shown next to the justification field.
    #[serde(default)]
    pub hint: Option<Hint>,
}

/// Whether the requester must cite a ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketPolicy {
    pub required: bool,
    /// The ticket systems accepted; empty accepts any name.
    #[serde(default)]
    pub systems: Vec<TicketSystem>,
    /// The shape ticket numbers must have; none accepts any valid number.
    #[serde(default)]
    pub pattern: Option<TicketPattern>,
}

/// Whether, and by whom, an activation must be approved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPolicy {
    pub required: bool,
    #[serde(default)]
    pub approvers: Vec<UserId>,
    /// How many distinct approvers must approve (N of M).
    pub quorum: u8,
}

/// How long a direct assignment of one kind may last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "limit", content = "max")]
pub enum AssignmentLimit {
    /// Assignments may be permanent (no end).
    Permanent,
    /// Assignments must end, at most this long after they start.
    AtMost(AssignmentMaxDuration),
}

/// Who hears of what. Delivery is the backend's business.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub on_activation: Vec<Recipient>,
    pub on_assignment: Vec<Recipient>,
}

/// A notification recipient.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "user")]
pub enum Recipient {
    /// The people who administer the role.
    RoleAdministrators,
    /// The role's approvers.
    Approvers,
    /// The person the event is about: the requester, or the assignee.
    Subject,
    User(UserId),
}

impl Default for RoleSettings {
    fn default() -> Self {
        let thirty_days = AssignmentMaxDuration::from_days(30).unwrap_or_default();
        Self {
            max_activation: MaxActivation::default(),
            activation_mfa: ActivationMfa {
                required: true,
                authenticators: AuthenticatorPolicy::default(),
                freshness: MfaFreshness::RequireFreshTap,
            },
            justification: JustificationPolicy { required: true, hint: None },
            ticket: TicketPolicy { required: false, systems: Vec::new(), pattern: None },
            approval: ApprovalPolicy { required: false, approvers: Vec::new(), quorum: 1 },
            mfa_on_direct_active: true,
            eligible_assignment: AssignmentLimit::AtMost(AssignmentMaxDuration::default()),
            active_assignment: AssignmentLimit::AtMost(thirty_days),
            notifications: Notifications {
                on_activation: vec![Recipient::RoleAdministrators, Recipient::Subject],
                on_assignment: vec![Recipient::RoleAdministrators, Recipient::Subject],
            },
            extension_window: ExtensionWindow::default(),
            pending_expiry: PendingExpiry::default(),
        }
    }
}

/// One thing wrong with a set of settings.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum SettingsError {
    #[error("approval is required but no approvers are listed")]
    ApprovalWithoutApprovers,
    #[error("the number of approvals needed must be at least 1")]
    QuorumZero,
    #[error("{quorum} approvals are needed but only {approvers} approvers are listed")]
    QuorumExceedsApprovers { quorum: u8, approvers: usize },
    #[error("an approver is listed twice")]
    DuplicateApprover { user: UserId },
    #[error("at most {MAX_APPROVERS} approvers may be listed")]
    TooManyApprovers,
    #[error("the extension window must be shorter than the maximum activation duration")]
    ExtensionWindowTooLong,
    #[error("a ticket system is listed twice")]
    DuplicateTicketSystem,
    #[error("at most {MAX_TICKET_SYSTEMS} ticket systems may be listed")]
    TooManyTicketSystems,
    #[error("a notification recipient is listed twice")]
    DuplicateRecipient,
    #[error("at most {MAX_RECIPIENTS} recipients may be listed per notification")]
    TooManyRecipients,
    #[error("the minimum credential age may be at most 30 days")]
    MinCredentialAgeTooLong,
}

/// Everything wrong with a set of settings (never empty).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("the role settings are invalid: {}", .errors.first().map(ToString::to_string).unwrap_or_default())]
pub struct InvalidSettings {
    pub errors: Vec<SettingsError>,
}

fn has_duplicates<T: Ord>(items: &[T]) -> bool {
    let set: BTreeSet<&T> = items.iter().collect();
    set.len() != items.len()
}

impl RoleSettings {
    /// Checks the rules that span fields; returns every violation.
    pub fn validate(&self) -> Result<(), InvalidSettings> {
        let mut errors = Vec::new();
        let approval = &self.approval;
        if approval.quorum == 0 {
            errors.push(SettingsError::QuorumZero);
        }
        if approval.approvers.len() > MAX_APPROVERS {
            errors.push(SettingsError::TooManyApprovers);
        }
        let mut seen = BTreeSet::new();
        if let Some(dup) = approval.approvers.iter().find(|u| !seen.insert(*u)) {
            errors.push(SettingsError::DuplicateApprover { user: dup.clone() });
        }
        if approval.required {
            if approval.approvers.is_empty() {
                errors.push(SettingsError::ApprovalWithoutApprovers);
            } else if usize::from(approval.quorum) > approval.approvers.len() {
                errors.push(SettingsError::QuorumExceedsApprovers {
                    quorum: approval.quorum,
                    approvers: approval.approvers.len(),
                });
            }
        }
        if self.extension_window.get() >= self.max_activation.get() {
            errors.push(SettingsError::ExtensionWindowTooLong);
        }
        if self.ticket.systems.len() > MAX_TICKET_SYSTEMS {
            errors.push(SettingsError::TooManyTicketSystems);
        }
        if has_duplicates(&self.ticket.systems) {
            errors.push(SettingsError::DuplicateTicketSystem);
        }
        for list in [&self.notifications.on_activation, &self.notifications.on_assignment] {
            if list.len() > MAX_RECIPIENTS {
                errors.push(SettingsError::TooManyRecipients);
            }
            if has_duplicates(list) {
                errors.push(SettingsError::DuplicateRecipient);
            }
        }
        if self.activation_mfa.authenticators.min_credential_age.is_some_and(|a| a > MAX_MIN_CREDENTIAL_AGE) {
            errors.push(SettingsError::MinCredentialAgeTooLong);
        }
        if errors.is_empty() { Ok(()) } else { Err(InvalidSettings { errors }) }
    }
}

/// The protections `new` loosens compared with `old`, in words; empty when it loosens none.
/// What a change made without a person's fresh MFA (an API token) may not do. Where "looser"
/// is not a simple order (the freshness window, assignment limits) any change counts.
#[must_use]
pub fn loosened(old: &RoleSettings, new: &RoleSettings) -> Vec<&'static str> {
    use crate::domain::mfa::AllowedMethods;
    let mut out = Vec::new();
    let (o, n) = (&old.activation_mfa, &new.activation_mfa);
    if o.required && !n.required {
        out.push("MFA on activation");
    }
    if o.authenticators.allowed == AllowedMethods::PhishingResistant
        && n.authenticators.allowed == AllowedMethods::Any
    {
        out.push("phishing-resistant MFA only");
    }
    if o.authenticators.user_verification && !n.authenticators.user_verification {
        out.push("user verification");
    }
    if o.authenticators.refuse_synced_passkeys && !n.authenticators.refuse_synced_passkeys {
        out.push("refusing synced passkeys");
    }
    if n.authenticators.min_credential_age < o.authenticators.min_credential_age {
        out.push("the minimum credential age");
    }
    if n.freshness != o.freshness {
        out.push("the MFA freshness window");
    }
    if old.approval.required && (!new.approval.required || new.approval.quorum < old.approval.quorum) {
        out.push("approval");
    }
    if old.justification.required && !new.justification.required {
        out.push("justification");
    }
    if old.ticket.required && !new.ticket.required {
        out.push("ticket");
    }
    if old.mfa_on_direct_active && !new.mfa_on_direct_active {
        out.push("MFA on direct active assignment");
    }
    if new.max_activation.get() > old.max_activation.get() {
        out.push("the maximum activation");
    }
    if new.eligible_assignment != old.eligible_assignment || new.active_assignment != old.active_assignment {
        out.push("assignment limits");
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::domain::durations::MaxActivation;

    #[test]
    fn loosening_is_named_and_tightening_is_not() {
        let strict = RoleSettings::default();
        assert!(loosened(&strict, &strict).is_empty());
        let mut bare = strict.clone();
        bare.activation_mfa.required = false;
        assert_eq!(loosened(&strict, &bare), ["MFA on activation"]);
        assert!(loosened(&bare, &strict).is_empty(), "requiring MFA again is no loosening");
        let mut short = strict.clone();
        short.max_activation = MaxActivation::from_hours(1).unwrap();
        let mut longer = strict.clone();
        longer.max_activation = MaxActivation::from_hours(2).unwrap();
        assert_eq!(loosened(&short, &longer), ["the maximum activation"]);
        assert!(loosened(&longer, &short).is_empty());
        let mut phish_proof = strict.clone();
        phish_proof.activation_mfa.authenticators.allowed =
            crate::domain::mfa::AllowedMethods::PhishingResistant;
        assert!(loosened(&strict, &phish_proof).is_empty());
        assert_eq!(loosened(&phish_proof, &strict), ["phishing-resistant MFA only"]);
    }

    fn user(n: u8) -> UserId {
        UserId::parse(format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
    }

    #[test]
    fn defaults_are_valid_and_secure() {
        let s = RoleSettings::default();
        assert_eq!(s.validate(), Ok(()));
        assert!(s.activation_mfa.required);
        assert!(s.activation_mfa.authenticators.user_verification);
        assert_eq!(s.activation_mfa.freshness, MfaFreshness::RequireFreshTap);
        assert!(s.justification.required);
        assert!(s.mfa_on_direct_active);
        assert!(matches!(s.eligible_assignment, AssignmentLimit::AtMost(_)));
        assert!(matches!(s.active_assignment, AssignmentLimit::AtMost(_)));
    }

    #[test]
    fn cross_field_rules_table() {
        type Edit = fn(&mut RoleSettings);
        let table: &[(&str, Edit, SettingsError)] = &[
            (
                "approval without approvers",
                |s| s.approval.required = true,
                SettingsError::ApprovalWithoutApprovers,
            ),
            ("quorum zero", |s| s.approval.quorum = 0, SettingsError::QuorumZero),
            (
                "N greater than M",
                |s| {
                    s.approval =
                        ApprovalPolicy { required: true, approvers: vec![user(1), user(2)], quorum: 3 };
                },
                SettingsError::QuorumExceedsApprovers { quorum: 3, approvers: 2 },
            ),
            (
                "duplicate approver",
                |s| s.approval.approvers = vec![user(1), user(1)],
                SettingsError::DuplicateApprover { user: user(1) },
            ),
            (
                "extension window as long as an activation",
                |s| {
                    s.max_activation = MaxActivation::from_hours(1).unwrap();
                    s.extension_window = ExtensionWindow::from_minutes(60).unwrap();
                },
                SettingsError::ExtensionWindowTooLong,
            ),
            (
                "duplicate ticket system",
                |s| {
                    let sys = TicketSystem::parse("ServiceNow").unwrap();
                    s.ticket.systems = vec![sys.clone(), sys];
                },
                SettingsError::DuplicateTicketSystem,
            ),
            (
                "duplicate recipient",
                |s| s.notifications.on_activation = vec![Recipient::Subject, Recipient::Subject],
                SettingsError::DuplicateRecipient,
            ),
            (
                "minimum credential age over 30 days",
                |s| {
                    s.activation_mfa.authenticators.min_credential_age = Some(DurationMs::from_hours(31 * 24))
                },
                SettingsError::MinCredentialAgeTooLong,
            ),
        ];
        for (name, edit, expected) in table {
            let mut s = RoleSettings::default();
            edit(&mut s);
            let errors = s.validate().unwrap_err().errors;
            assert!(errors.contains(expected), "{name}: {errors:?}");
        }
    }

    #[test]
    fn every_violation_is_reported() {
        let mut s = RoleSettings {
            approval: ApprovalPolicy { required: true, approvers: vec![], quorum: 0 },
            ..RoleSettings::default()
        };
        s.notifications.on_assignment = vec![Recipient::Approvers, Recipient::Approvers];
        assert_eq!(s.validate().unwrap_err().errors.len(), 3);
    }

    #[test]
    fn max_duration_out_of_range_is_refused_when_built() {
        let json = serde_json::to_string(&RoleSettings::default()).unwrap();
        let too_long = json.replace("\"max_activation\":28800000", "\"max_activation\":90000000");
        assert_ne!(json, too_long);
        assert!(serde_json::from_str::<RoleSettings>(&too_long).is_err());
        assert_eq!(serde_json::from_str::<RoleSettings>(&json).unwrap(), RoleSettings::default());
    }
}
