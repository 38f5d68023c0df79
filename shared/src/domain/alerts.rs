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
//!
//! An administrator may instead [`dismiss`] a computed alert, with a reason. The [`Dismissal`]
//! remembers the items the alert named at that moment ([`ItemKey`]s, which leave out counts that
//! drift), and [`Dismissal::covers`] the alert only while it names no item outside that set: a
//! decision about these roles is not a decision about a role added tomorrow, so a new item
//! raises the alert again. [`split_dismissed`] applies the stored dismissals to fresh alerts.

use crate::domain::assignment::{Assignment, AssignmentKind, AssignmentOrigin};
use crate::domain::audit::{Actor, AuditAction, AuditDraft, Target};
use crate::domain::ids::{AssignmentId, MethodId, RequestId, RoleId};
use crate::domain::mfa::AllowedMethods;
use crate::domain::request::ActivationRequest;
use crate::domain::role::Role;
use crate::domain::settings::RoleSettings;
use crate::domain::text::Reason;
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

    /// Whether the alert is computed from state (and so can be dismissed), rather than raised by
    /// an event.
    #[must_use]
    pub const fn is_computed(self) -> bool {
        !matches!(
            self,
            Self::FraudReported | Self::AccountLockedOut | Self::MfaBypassGranted | Self::CounterRegression
        )
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

/// What identifies one affected item from one computation to the next. Counts (holders,
/// activations) are left out: a count that moves does not make a new item.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ItemKey {
    Role { role: RoleId },
    Assignment { assignment: AssignmentId },
    User { user: UserId, role: RoleId },
    Activations { principal: UserId, role: RoleId },
    Request { request: RequestId },
}

impl Affected {
    #[must_use]
    pub fn key(&self) -> ItemKey {
        match self {
            Self::Role { role } | Self::PermanentHolders { role, .. } => ItemKey::Role { role: role.clone() },
            Self::Assignment { assignment, .. } => ItemKey::Assignment { assignment: assignment.clone() },
            Self::User { user, role } => ItemKey::User { user: user.clone(), role: role.clone() },
            Self::Activations { principal, role, .. } => {
                ItemKey::Activations { principal: principal.clone(), role: role.clone() }
            }
            Self::Request { request, .. } => ItemKey::Request { request: request.clone() },
        }
    }
}

/// An administrator's decision that a computed alert needs no action, over the items it named
/// when they decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dismissal {
    pub kind: AlertKind,
    pub items: BTreeSet<ItemKey>,
    pub by: UserId,
    pub at: UnixMillis,
    pub reason: Reason,
}

impl Dismissal {
    /// Whether `alert` stays hidden: it is this dismissal's kind and names no item the
    /// administrator did not see when dismissing it.
    #[must_use]
    pub fn covers(&self, alert: &Alert) -> bool {
        alert.kind == self.kind && alert.affected.iter().all(|a| self.items.contains(&a.key()))
    }
}

/// Why an alert cannot be dismissed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DismissError {
    /// Alerts raised by events are a record of what happened; only computed ones are dismissed.
    #[error("Only alerts computed from roles, assignments and activity can be dismissed; {} is raised by events.", .0.as_str())]
    NotComputed(AlertKind),
    #[error("There is no {} alert now, so there is nothing to dismiss.", .0.as_str())]
    NotRaised(AlertKind),
}

/// A dismissal as [`dismiss`] makes it: the alert it covers now, the dismissal to store, and its
/// audit event (which carries the reason), to be recorded in the same step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dismissed {
    pub alert: Alert,
    pub dismissal: Dismissal,
    pub event: AuditDraft,
}

/// Dismisses the `kind` alert among `alerts` (as computed at `now`, dismissed or not), over the
/// items it names now.
///
/// # Errors
/// [`DismissError`] when `kind` is not a computed alert or does not hold now.
pub fn dismiss(
    alerts: &[Alert],
    kind: AlertKind,
    by: &UserId,
    reason: Reason,
    now: UnixMillis,
) -> Result<Dismissed, DismissError> {
    if !kind.is_computed() {
        return Err(DismissError::NotComputed(kind));
    }
    let alert = alerts.iter().find(|a| a.kind == kind).ok_or(DismissError::NotRaised(kind))?;
    let items: BTreeSet<ItemKey> = alert.affected.iter().map(Affected::key).collect();
    let event =
        AuditDraft::new(AuditAction::AlertDismissed, Actor::User(by.clone()), Target::Alert(kind), now)
            .detail("reason", &reason)
            .detail("items", items.len());
    let dismissal = Dismissal { kind, items, by: by.clone(), at: now, reason };
    Ok(Dismissed { alert: alert.clone(), dismissal, event })
}

/// Fresh alerts apart: those to show, and those a stored dismissal still covers, with it.
#[must_use]
pub fn split_dismissed(
    alerts: Vec<Alert>,
    dismissals: &[Dismissal],
) -> (Vec<Alert>, Vec<(Alert, Dismissal)>) {
    let mut shown = Vec::new();
    let mut dismissed = Vec::new();
    for alert in alerts {
        match dismissals.iter().find(|d| d.covers(&alert)) {
            Some(d) => dismissed.push((alert, d.clone())),
            None => shown.push(alert),
        }
    }
    (shown, dismissed)
}

#[cfg(test)]
mod dismissal_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn role(id: &str) -> Affected {
        Affected::Role { role: RoleId::parse(id).unwrap() }
    }

    fn lax(ids: &[&str]) -> Alert {
        Alert {
            kind: AlertKind::RoleWithoutMfa,
            severity: Severity::High,
            affected: ids.iter().map(|id| role(id)).collect(),
            fix: None,
        }
    }

    fn ada() -> UserId {
        UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap()
    }

    #[test]
    fn a_dismissal_hides_the_same_items_or_fewer_and_not_a_new_one() {
        let reason = Reason::parse("Break-glass roles, reviewed quarterly").unwrap();
        let Dismissed { alert, dismissal: d, event } =
            dismiss(&[lax(&["a", "b"])], AlertKind::RoleWithoutMfa, &ada(), reason, UnixMillis(7)).unwrap();
        assert_eq!(alert, lax(&["a", "b"]));
        assert_eq!(event.action, AuditAction::AlertDismissed);
        assert_eq!(event.target, Target::Alert(AlertKind::RoleWithoutMfa));
        assert_eq!(
            event.details.0.get("reason").map(String::as_str),
            Some("Break-glass roles, reviewed quarterly")
        );
        assert!(d.covers(&lax(&["a", "b"])));
        assert!(d.covers(&lax(&["b"])));
        assert!(!d.covers(&lax(&["a", "b", "c"])), "a new role raises it again");
        let other = Alert { kind: AlertKind::PrivilegedRoleWithoutPhishingResistantMfa, ..lax(&["a"]) };
        assert!(!d.covers(&other), "a dismissal is for its own kind only");

        let (shown, hidden) = split_dismissed(vec![lax(&["a"]), other.clone()], std::slice::from_ref(&d));
        assert_eq!(shown, [other]);
        assert_eq!(hidden, [(lax(&["a"]), d)]);
    }

    #[test]
    fn counts_that_drift_are_not_new_items() {
        let r = RoleId::parse("ops").unwrap();
        let holders = |n| Alert {
            kind: AlertKind::TooManyPermanentHolders,
            severity: Severity::High,
            affected: vec![Affected::PermanentHolders { role: r.clone(), holders: n }],
            fix: None,
        };
        let reason = Reason::parse("Known").unwrap();
        let d = dismiss(&[holders(3)], AlertKind::TooManyPermanentHolders, &ada(), reason, UnixMillis(1))
            .unwrap();
        assert!(d.dismissal.covers(&holders(4)));
    }

    #[test]
    fn raised_and_absent_alerts_cannot_be_dismissed() {
        let reason = Reason::parse("No").unwrap();
        assert_eq!(
            dismiss(&[], AlertKind::FraudReported, &ada(), reason.clone(), UnixMillis(1)).unwrap_err(),
            DismissError::NotComputed(AlertKind::FraudReported)
        );
        assert_eq!(
            dismiss(&[lax(&["a"])], AlertKind::StaleEligibility, &ada(), reason, UnixMillis(1)).unwrap_err(),
            DismissError::NotRaised(AlertKind::StaleEligibility)
        );
        assert_eq!(AlertKind::ALL.iter().filter(|k| k.is_computed()).count(), 9);
    }
}
