//! Security alerts: list, fix (singly or in bulk), dismiss, tune.
//!
//! Proposed routes: `GET /api/v1/alerts`, `POST /api/v1/alerts/{kind}/fix`,
//! `POST /api/v1/alerts/{kind}/dismiss`, `GET|PUT /api/v1/alerts/thresholds`.

use crate::domain::audit::{Actor, Details, Target};
use crate::domain::{Alert, AlertKind, AlertThresholds, AssignmentId, Fix, Reason, RoleId, Severity};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// `GET /api/v1/alerts`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertList {
    pub alerts: Vec<Alert>,
    pub computed_at: UnixMillis,
    pub thresholds: AlertThresholds,
}

/// `POST /api/v1/alerts/{kind}/fix`: applies `fix`, or the part of it the administrator selected
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

/// `POST /api/v1/alerts/{kind}/dismiss`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DismissAlert {
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
