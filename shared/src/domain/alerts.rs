//! Security alerts, computed from state: risky settings, risky holdings, risky behaviour.
//!
//! [`compute_alerts`] is a pure function of roles, settings, users (with their method summaries),
//! assignments, activation history, `now` and [`AlertThresholds`]. Each [`Alert`] names what it
//! concerns and, where a safe fix exists, carries it as a typed [`Fix`] the backend can apply in
//! bulk (and audit as [`crate::domain::AuditAction::AlertFixed`]). Roles without stored settings
//! are judged by [`RoleSettings::default`], the settings they would be given.
//!
//! The alerts:
//! - `role_without_mfa` — roles that can be activated without MFA. Fix: require MFA.
//! - `privileged_role_without_phishing_resistant_mfa` — privileged roles that accept TOTP.
//!   Fix: require phishing-resistant methods.
//! - `too_many_permanent_holders` — a privileged role permanently active for more people than the
//!   threshold. No automatic fix: which holders to convert is a human decision.
//! - `frequent_activation` — one person activated one role at least N times within the window.
//! - `eligible_without_mfa` — people eligible for a role that requires MFA who have no method that
//!   role accepts, so they could not activate it.
//! - `stale_eligibility` — eligible assignments older than N days never activated in the last N
//!   days. Fix: remove them.
//! - `active_outside_portal` — active assignments made outside the portal's flow (origin
//!   `external`), which bypass every activation check. Fix: remove them.
//! - `fresh_credential_activation` — an activation whose MFA used a credential registered less
//!   than the threshold earlier (a hijacked account adds a key, then activates).
//! - `shared_authenticator` — a requester and an approver of the same request used the same
//!   authenticator credential.

use crate::domain::assignment::{Assignment, AssignmentKind, AssignmentOrigin};
use crate::domain::audit::AuditAction;
use crate::domain::ids::{AssignmentId, MethodId, RequestId, RoleId};
use crate::domain::mfa::AllowedMethods;
use crate::domain::request::ActivationRequest;
use crate::domain::role::Role;
use crate::domain::settings::RoleSettings;
use crate::domain::user::User;
use crate::ids::UserId;
use crate::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Tunable thresholds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertThresholds {
    /// Alert when more distinct people than this hold a privileged role permanently active.
    pub max_permanent_active_holders: usize,
    /// Alert when one person activates one role at least this many times ...
    pub frequent_activation_count: usize,
    /// ... within this window.
    pub frequent_activation_window: DurationMs,
    /// Eligibilities unused this long are stale.
    pub stale_after: DurationMs,
    /// A credential younger than this at activation is suspicious.
    pub fresh_credential_age: DurationMs,
    /// How far back the credential-abuse alerts look.
    pub abuse_lookback: DurationMs,
}

impl Default for AlertThresholds {
    fn default() -> Self {
        Self {
            max_permanent_active_holders: 2,
            frequent_activation_count: 3,
            frequent_activation_window: DurationMs::from_hours(24),
            stale_after: DurationMs::from_hours(30 * 24),
            fresh_credential_age: DurationMs::from_hours(24),
            abuse_lookback: DurationMs::from_hours(30 * 24),
        }
    }
}

/// The kinds of alert, with stable wire names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    RoleWithoutMfa,
    PrivilegedRoleWithoutPhishingResistantMfa,
    TooManyPermanentHolders,
    FrequentActivation,
    EligibleWithoutMfa,
    StaleEligibility,
    ActiveOutsidePortal,
    FreshCredentialActivation,
    SharedAuthenticator,
    /// Raised by an event: someone reported an MFA prompt they did not start.
    FraudReported,
    /// Raised by an event: repeated failures locked an account's verification.
    AccountLockedOut,
    /// Raised by an event: an administrator granted a one-time MFA bypass.
    MfaBypassGranted,
    /// Raised by an event: an authenticator's signature counter went backwards (a clone?).
    CounterRegression,
}

impl AlertKind {
    pub const ALL: [AlertKind; 13] = [
        Self::RoleWithoutMfa,
        Self::PrivilegedRoleWithoutPhishingResistantMfa,
        Self::TooManyPermanentHolders,
        Self::FrequentActivation,
        Self::EligibleWithoutMfa,
        Self::StaleEligibility,
        Self::ActiveOutsidePortal,
        Self::FreshCredentialActivation,
        Self::SharedAuthenticator,
        Self::FraudReported,
        Self::AccountLockedOut,
        Self::MfaBypassGranted,
        Self::CounterRegression,
    ];

    /// The alert an audit event raises, with its severity, for the alerts raised by events rather
    /// than computed from state.
    #[must_use]
    pub const fn raised_by(action: AuditAction) -> Option<(Self, Severity)> {
        match action {
            AuditAction::FraudReported => Some((Self::FraudReported, Severity::High)),
            AuditAction::CounterRegression => Some((Self::CounterRegression, Severity::High)),
            AuditAction::LockedOut => Some((Self::AccountLockedOut, Severity::Medium)),
            AuditAction::BypassGranted => Some((Self::MfaBypassGranted, Severity::Medium)),
            _ => None,
        }
    }

    /// The wire name (as serde writes it).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RoleWithoutMfa => "role_without_mfa",
            Self::PrivilegedRoleWithoutPhishingResistantMfa => {
                "privileged_role_without_phishing_resistant_mfa"
            }
            Self::TooManyPermanentHolders => "too_many_permanent_holders",
            Self::FrequentActivation => "frequent_activation",
            Self::EligibleWithoutMfa => "eligible_without_mfa",
            Self::StaleEligibility => "stale_eligibility",
            Self::ActiveOutsidePortal => "active_outside_portal",
            Self::FreshCredentialActivation => "fresh_credential_activation",
            Self::SharedAuthenticator => "shared_authenticator",
            Self::FraudReported => "fraud_reported",
            Self::AccountLockedOut => "account_locked_out",
            Self::MfaBypassGranted => "mfa_bypass_granted",
            Self::CounterRegression => "counter_regression",
        }
    }
}

/// How urgent an alert is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

/// One thing an alert concerns.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Affected {
    Role {
        role: RoleId,
    },
    /// A role held permanently active by `holders` people.
    PermanentHolders {
        role: RoleId,
        holders: usize,
    },
    Assignment {
        assignment: AssignmentId,
        principal: UserId,
        role: RoleId,
    },
    User {
        user: UserId,
        role: RoleId,
    },
    Activations {
        principal: UserId,
        role: RoleId,
        count: usize,
    },
    Request {
        request: RequestId,
        requester: UserId,
        credential: MethodId,
    },
}

/// A fix the backend can apply as one audited action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fix")]
pub enum Fix {
    /// Turn on MFA on activation for these roles.
    RequireMfaOnActivation { roles: Vec<RoleId> },
    /// Accept only phishing-resistant methods for these roles.
    RequirePhishingResistantMfa { roles: Vec<RoleId> },
    /// Remove these assignments.
    RemoveAssignments { assignments: Vec<AssignmentId> },
}

impl Fix {
    /// The settings `role` should have after the fix, if the fix changes that role's settings.
    #[must_use]
    pub fn apply_to_settings(&self, role: &RoleId, settings: &RoleSettings) -> Option<RoleSettings> {
        let mut next = settings.clone();
        match self {
            Self::RequireMfaOnActivation { roles } if roles.contains(role) => {
                next.activation_mfa.required = true;
            }
            Self::RequirePhishingResistantMfa { roles } if roles.contains(role) => {
                next.activation_mfa.required = true;
                next.activation_mfa.authenticators.allowed = AllowedMethods::PhishingResistant;
            }
            _ => return None,
        }
        Some(next)
    }
}

/// One alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub severity: Severity,
    pub affected: Vec<Affected>,
    #[serde(default)]
    pub fix: Option<Fix>,
}

/// What the alerts are computed from.
#[derive(Clone, Copy, Debug)]
pub struct AlertInput<'a> {
    pub roles: &'a [Role],
    pub settings: &'a BTreeMap<RoleId, RoleSettings>,
    pub users: &'a [User],
    pub assignments: &'a [Assignment],
    pub requests: &'a [ActivationRequest],
    pub now: UnixMillis,
    pub thresholds: &'a AlertThresholds,
}

/// Every alert that holds at `input.now`, most severe first (then in [`AlertKind`] order).
/// Items within an alert are sorted, so the result is deterministic.
#[must_use]
pub fn compute_alerts(input: &AlertInput<'_>) -> Vec<Alert> {
    let defaults = RoleSettings::default();
    let settings_of = |role: &RoleId| input.settings.get(role).unwrap_or(&defaults);
    let mut alerts = Vec::new();
    let mut push = |kind, severity, mut affected: Vec<Affected>, fix| {
        if !affected.is_empty() {
            affected.sort();
            alerts.push(Alert { kind, severity, affected, fix });
        }
    };

    let without_mfa: Vec<&Role> =
        input.roles.iter().filter(|r| !settings_of(&r.id).activation_mfa.required).collect();
    let severity = if without_mfa.iter().any(|r| r.privileged) { Severity::High } else { Severity::Medium };
    let ids: Vec<RoleId> = without_mfa.iter().map(|r| r.id.clone()).collect();
    push(
        AlertKind::RoleWithoutMfa,
        severity,
        ids.iter().map(|role| Affected::Role { role: role.clone() }).collect(),
        Some(Fix::RequireMfaOnActivation { roles: ids.clone() }),
    );

    let weak: Vec<RoleId> = input
        .roles
        .iter()
        .filter(|r| r.privileged)
        .filter(|r| {
            let mfa = &settings_of(&r.id).activation_mfa;
            mfa.required && mfa.authenticators.allowed == AllowedMethods::Any
        })
        .map(|r| r.id.clone())
        .collect();
    push(
        AlertKind::PrivilegedRoleWithoutPhishingResistantMfa,
        Severity::Medium,
        weak.iter().map(|role| Affected::Role { role: role.clone() }).collect(),
        Some(Fix::RequirePhishingResistantMfa { roles: weak.clone() }),
    );

    push(AlertKind::TooManyPermanentHolders, Severity::High, permanent_holders(input), None);
    push(AlertKind::FrequentActivation, Severity::Medium, frequent_activations(input), None);
    push(AlertKind::EligibleWithoutMfa, Severity::Medium, eligible_without_mfa(input, &settings_of), None);

    let stale = stale_eligibilities(input);
    let fix = Fix::RemoveAssignments { assignments: assignment_ids(&stale) };
    push(AlertKind::StaleEligibility, Severity::Low, stale, Some(fix));

    let outside = outside_portal(input);
    let fix = Fix::RemoveAssignments { assignments: assignment_ids(&outside) };
    push(AlertKind::ActiveOutsidePortal, Severity::High, outside, Some(fix));

    let (fresh, shared) = credential_abuse(input);
    push(AlertKind::FreshCredentialActivation, Severity::High, fresh, None);
    push(AlertKind::SharedAuthenticator, Severity::High, shared, None);

    alerts.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.kind.cmp(&b.kind)));
    alerts
}

fn assignment_ids(affected: &[Affected]) -> Vec<AssignmentId> {
    affected
        .iter()
        .filter_map(|a| match a {
            Affected::Assignment { assignment, .. } => Some(assignment.clone()),
            _ => None,
        })
        .collect()
}

fn permanent_holders(input: &AlertInput<'_>) -> Vec<Affected> {
    let mut out = Vec::new();
    for role in input.roles.iter().filter(|r| r.privileged) {
        let holders: BTreeSet<&UserId> = input
            .assignments
            .iter()
            .filter(|a| a.role == role.id && a.kind == AssignmentKind::Active)
            .filter(|a| a.is_permanent() && a.is_in_effect(input.now))
            .map(|a| &a.principal)
            .collect();
        if holders.len() > input.thresholds.max_permanent_active_holders {
            out.push(Affected::PermanentHolders { role: role.id.clone(), holders: holders.len() });
        }
    }
    out
}

/// Activation instants of each (requester, role).
fn activations(requests: &[ActivationRequest]) -> BTreeMap<(&UserId, &RoleId), Vec<UnixMillis>> {
    let mut by_pair: BTreeMap<(&UserId, &RoleId), Vec<UnixMillis>> = BTreeMap::new();
    for r in requests {
        if let Some(at) = r.activated_at {
            by_pair.entry((&r.requester, &r.role)).or_default().push(at);
        }
    }
    by_pair
}

fn frequent_activations(input: &AlertInput<'_>) -> Vec<Affected> {
    let since = UnixMillis(input.now.0.saturating_sub(input.thresholds.frequent_activation_window.0));
    activations(input.requests)
        .into_iter()
        .filter_map(|((principal, role), times)| {
            let count = times.iter().filter(|t| **t >= since && **t <= input.now).count();
            (count >= input.thresholds.frequent_activation_count.max(1)).then(|| Affected::Activations {
                principal: principal.clone(),
                role: role.clone(),
                count,
            })
        })
        .collect()
}

fn eligible_without_mfa<'s>(
    input: &AlertInput<'_>,
    settings_of: &dyn Fn(&RoleId) -> &'s RoleSettings,
) -> Vec<Affected> {
    let users: BTreeMap<&UserId, &User> = input.users.iter().map(|u| (&u.id, u)).collect();
    let mut out = BTreeSet::new();
    for a in input.assignments.iter().filter(|a| a.kind == AssignmentKind::Eligible) {
        if a.end.is_some_and(|end| end <= input.now) {
            continue;
        }
        let mfa = &settings_of(&a.role).activation_mfa;
        if !mfa.required {
            continue;
        }
        let usable = users
            .get(&a.principal)
            .is_some_and(|u| u.methods.iter().any(|m| mfa.authenticators.accepts_method(m)));
        if !usable {
            out.insert(Affected::User { user: a.principal.clone(), role: a.role.clone() });
        }
    }
    out.into_iter().collect()
}

fn stale_eligibilities(input: &AlertInput<'_>) -> Vec<Affected> {
    let since = UnixMillis(input.now.0.saturating_sub(input.thresholds.stale_after.0));
    let activations = activations(input.requests);
    input
        .assignments
        .iter()
        .filter(|a| a.kind == AssignmentKind::Eligible && a.is_in_effect(input.now) && a.start <= since)
        .filter(|a| {
            !activations.get(&(&a.principal, &a.role)).is_some_and(|times| times.iter().any(|t| *t >= since))
        })
        .map(|a| Affected::Assignment {
            assignment: a.id.clone(),
            principal: a.principal.clone(),
            role: a.role.clone(),
        })
        .collect()
}

fn outside_portal(input: &AlertInput<'_>) -> Vec<Affected> {
    input
        .assignments
        .iter()
        .filter(|a| a.kind == AssignmentKind::Active && a.origin == AssignmentOrigin::External)
        .filter(|a| a.is_in_effect(input.now) || a.start > input.now)
        .map(|a| Affected::Assignment {
            assignment: a.id.clone(),
            principal: a.principal.clone(),
            role: a.role.clone(),
        })
        .collect()
}

fn credential_abuse(input: &AlertInput<'_>) -> (Vec<Affected>, Vec<Affected>) {
    let since = UnixMillis(input.now.0.saturating_sub(input.thresholds.abuse_lookback.0));
    let registered: BTreeMap<(&UserId, &MethodId), UnixMillis> = input
        .users
        .iter()
        .flat_map(|u| u.methods.iter().map(move |m| ((&u.id, &m.id), m.registered_at)))
        .collect();
    let (mut fresh, mut shared) = (Vec::new(), Vec::new());
    for r in input.requests.iter().filter(|r| r.created_at >= since) {
        let Some(mfa) = &r.mfa else { continue };
        let registered_at =
            registered.get(&(&r.requester, &mfa.credential)).copied().unwrap_or(mfa.credential_registered_at);
        if r.activated_at.is_some() && mfa.at.since(registered_at) < input.thresholds.fresh_credential_age {
            fresh.push(Affected::Request {
                request: r.id.clone(),
                requester: r.requester.clone(),
                credential: mfa.credential.clone(),
            });
        }
        if r.decisions.iter().any(|d| d.credential.as_ref() == Some(&mfa.credential)) {
            shared.push(Affected::Request {
                request: r.id.clone(),
                requester: r.requester.clone(),
                credential: mfa.credential.clone(),
            });
        }
    }
    (fresh, shared)
}
