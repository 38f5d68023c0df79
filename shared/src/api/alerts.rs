//! Security alerts: list, fix (singly or in bulk), dismiss.
//!
//! Routes: `GET /api/v1/alerts`, `POST /api/v1/alerts/fix`, `POST /api/v1/alerts/dismiss`,
//! `GET /api/v1/alerts/raised`. Dismissed alerts are still listed, apart, with who dismissed
//! them and why, so a dismissal is visible rather than an alert silently gone.

use crate::domain::audit::{Actor, Details, Target};
use crate::domain::{Alert, AlertKind, AlertThresholds, AssignmentId, Fix, Reason, RoleId, Severity};
use crate::ids::{DisplayName, UserId};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// `GET /api/v1/alerts`: the alerts that hold now; those an administrator dismissed (and whose
/// items have not grown since) are in `dismissed`, not in `alerts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertList {
    pub alerts: Vec<Alert>,
    #[serde(default)]
    pub dismissed: Vec<DismissedAlert>,
    pub computed_at: UnixMillis,
    pub thresholds: AlertThresholds,
}

/// `POST /api/v1/alerts/fix`: applies `fix`, or the part of it the administrator selected
/// (a fix naming fewer roles or assignments than the alert's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyFix {
    pub fix: Fix,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixApplied {
    pub roles_changed: Vec<RoleId>,
    pub assignments_removed: Vec<AssignmentId>,
}

/// `POST /api/v1/alerts/dismiss`: hides the computed alert `kind` while it names only the items
/// it names now. Answered with the [`DismissedAlert`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DismissAlert {
    pub kind: AlertKind,
    pub reason: Reason,
}

/// A computed alert that holds but was dismissed, and by whom, when and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DismissedAlert {
    pub alert: Alert,
    pub dismissed_by: UserId,
    /// The administrator's name, when the directory still has them.
    #[serde(default)]
    pub dismissed_by_name: Option<DisplayName>,
    pub dismissed_at: UnixMillis,
    pub reason: Reason,
}

/// An alert raised by an audit event (a fraud report, a lockout, a bypass, a cloned
/// authenticator). It names the event by its sequence number in the chained log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaisedAlert {
    pub seq: u64,
    pub kind: AlertKind,
    pub severity: Severity,
    pub raised_at: UnixMillis,
    pub actor: Actor,
    pub target: Target,
    pub details: Details,
}

/// `GET /api/v1/alerts/raised`: newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaisedAlerts {
    pub alerts: Vec<RaisedAlert>,
}
