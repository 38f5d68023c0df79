//! Assignments: who holds (eligible) or may use (active) a role at a scope, from when until when,
//! and how the assignment came to be — and the rules an administrator's direct assignment obeys.
//!
//! An assignment is in effect from its `start` (inclusive) to its `end` (exclusive); no end means
//! permanent. Whether it is in effect is always computed from `now`, so an expired assignment is
//! never honoured even if no job has deleted it.

use crate::domain::audit::{Actor, AuditAction, AuditDraft, Target};
use crate::domain::durations::FreshnessWindow;
use crate::domain::ids::{AssignmentId, RequestId, RoleId};
use crate::domain::mfa::{FreshnessRule, MfaEvidence, MfaRejection, check_evidence};
use crate::domain::role::Role;
use crate::domain::scope::Scope;
use crate::domain::settings::{AssignmentLimit, RoleSettings};
use crate::domain::text::{Justification, Reason};
use crate::ids::UserId;
use crate::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};

/// How recent the assigning administrator's MFA must be for a direct active assignment.
pub const DIRECT_ASSIGNMENT_MFA_WINDOW: DurationMs = DurationMs::from_mins(5);

/// Eligible (may activate) or active (holds the role's privileges).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentKind {
    Eligible,
    Active,
}

/// How the assignment came to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "origin")]
pub enum AssignmentOrigin {
    /// An administrator assigned it in the portal.
    Direct,
    /// The portal granted it when an activation request became active.
    Activated { request: RequestId },
    /// It was made outside the portal's flow (directory sync, import, another tool).
    External,
}

/// One assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: AssignmentId,
    pub principal: UserId,
    pub role: RoleId,
    pub scope: Scope,
    pub kind: AssignmentKind,
    pub origin: AssignmentOrigin,
    pub start: UnixMillis,
    /// Exclusive end; `None` is permanent.
    #[serde(default)]
    pub end: Option<UnixMillis>,
    pub created_by: Actor,
    pub created_at: UnixMillis,
    #[serde(default)]
    pub justification: Option<Justification>,
}

impl Assignment {
    #[must_use]
    pub fn is_permanent(&self) -> bool {
        self.end.is_none()
    }

    /// Whether it applies at instant `at`: `start <= at < end`.
    #[must_use]
    pub fn is_in_effect(&self, at: UnixMillis) -> bool {
        self.start <= at && self.end.is_none_or(|end| at < end)
    }

    /// Whether it gives `principal` role `role` at `scope` (at this scope or one above it).
    #[must_use]
    pub fn covers(&self, principal: &UserId, role: &RoleId, scope: &Scope) -> bool {
        &self.principal == principal && &self.role == role && self.scope.contains(scope)
    }
}

/// An administrator's request to assign a role directly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectAssignment {
    pub id: AssignmentId,
    pub principal: UserId,
    pub role: RoleId,
    pub scope: Scope,
    pub kind: AssignmentKind,
    /// `None` starts now.
    #[serde(default)]
    pub start: Option<UnixMillis>,
    /// `None` asks for a permanent assignment.
    #[serde(default)]
    pub end: Option<UnixMillis>,
    #[serde(default)]
    pub justification: Option<Justification>,
}

/// Why a direct assignment was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "error")]
pub enum AssignmentError {
    #[error("the assignment names a different role")]
    RoleMismatch,
    #[error("the role cannot be assigned at this scope")]
    ScopeOutsideRole { role_scope: Scope },
    #[error("an assignment cannot start in the past")]
    StartInPast,
    #[error("an assignment must end after it starts")]
    EndNotAfterStart,
    #[error("this role does not allow permanent {kind:?} assignments")]
    PermanentNotAllowed { kind: AssignmentKind },
    #[error("this role allows {kind:?} assignments of at most {max:?}")]
    TooLong { kind: AssignmentKind, max: DurationMs },
    #[error("this role requires the assigning administrator to complete MFA first")]
    MfaRequired,
    #[error("the administrator's MFA does not satisfy this role: {0}")]
    MfaRejected(MfaRejection),
    #[error("an administrator cannot give themselves an active privileged role; make them eligible")]
    SelfActiveAssignment,
}

/// Checks a direct assignment against the role and its settings; on success returns the
/// assignment to store and its audit event.
///
/// Rules: the scope lies within the role's scope; the start is not in the past; the end is after
/// the start; a permanent assignment needs the role to allow it, a time-bound one is no longer
/// than the role allows; an active assignment needs the administrator's MFA within
/// [`DIRECT_ASSIGNMENT_MFA_WINDOW`] when the role asks for it; and nobody assigns themselves an
/// active privileged role (that would bypass every activation check).
pub fn assign_directly(
    req: DirectAssignment,
    role: &Role,
    settings: &RoleSettings,
    admin: &UserId,
    admin_mfa: Option<&MfaEvidence>,
    now: UnixMillis,
) -> Result<(Assignment, AuditDraft), AssignmentError> {
    if req.role != role.id {
        return Err(AssignmentError::RoleMismatch);
    }
    if !role.assignable_at(&req.scope) {
        return Err(AssignmentError::ScopeOutsideRole { role_scope: role.scope.clone() });
    }
    let start = req.start.unwrap_or(now);
    if start < now {
        return Err(AssignmentError::StartInPast);
    }
    let limit = match req.kind {
        AssignmentKind::Eligible => settings.eligible_assignment,
        AssignmentKind::Active => settings.active_assignment,
    };
    match (req.end, limit) {
        (Some(end), _) if end <= start => return Err(AssignmentError::EndNotAfterStart),
        (None, AssignmentLimit::AtMost(_)) => {
            return Err(AssignmentError::PermanentNotAllowed { kind: req.kind });
        }
        (Some(end), AssignmentLimit::AtMost(max)) if end.since(start) > max.get() => {
            return Err(AssignmentError::TooLong { kind: req.kind, max: max.get() });
        }
        _ => {}
    }
    if req.kind == AssignmentKind::Active {
        if role.privileged && &req.principal == admin {
            return Err(AssignmentError::SelfActiveAssignment);
        }
        if settings.mfa_on_direct_active {
            let evidence = admin_mfa.ok_or(AssignmentError::MfaRequired)?;
            let window = FreshnessWindow::new(DIRECT_ASSIGNMENT_MFA_WINDOW).unwrap_or_default();
            check_evidence(
                &settings.activation_mfa.authenticators,
                evidence,
                FreshnessRule::Session(window),
                now,
            )
            .map_err(AssignmentError::MfaRejected)?;
        }
    }
    let assignment = Assignment {
        id: req.id,
        principal: req.principal,
        role: req.role,
        scope: req.scope,
        kind: req.kind,
        origin: AssignmentOrigin::Direct,
        start,
        end: req.end,
        created_by: Actor::User(admin.clone()),
        created_at: now,
        justification: req.justification,
    };
    let event = assignment_event(AuditAction::AssignmentAdded, &assignment, Actor::User(admin.clone()), now);
    Ok((assignment, event))
}

/// The audit event for removing `assignment`. Requests resting on a removed eligibility must
/// also be voided ([`crate::domain::ActivationRequest::void`]).
#[must_use]
pub fn removal_event(
    assignment: &Assignment,
    by: &UserId,
    reason: Option<&Reason>,
    now: UnixMillis,
) -> AuditDraft {
    let mut event =
        assignment_event(AuditAction::AssignmentRemoved, assignment, Actor::User(by.clone()), now);
    if let Some(reason) = reason {
        event = event.detail("reason", reason);
    }
    event
}

fn assignment_event(action: AuditAction, a: &Assignment, actor: Actor, now: UnixMillis) -> AuditDraft {
    let kind = match a.kind {
        AssignmentKind::Eligible => "eligible",
        AssignmentKind::Active => "active",
    };
    AuditDraft::new(action, actor, Target::Assignment(a.id.clone()), now)
        .detail("principal", &a.principal)
        .detail("role", &a.role)
        .detail("scope", &a.scope)
        .detail("kind", kind)
        .detail("start", a.start.0)
        .detail("end", a.end.map_or_else(|| "permanent".to_owned(), |e| e.0.to_string()))
}
