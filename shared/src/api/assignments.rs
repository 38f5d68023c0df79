//! Assignments: an administrator's view and direct assignment, and a member's own roles.
//!
//! Proposed routes: `GET /api/v1/assignments`, `POST /api/v1/assignments`,
//! `DELETE /api/v1/assignments/{id}`, `GET /api/v1/me/roles`.

use crate::domain::assignment::{Assignment, AssignmentKind};
use crate::domain::{ActivationVerdict, Reason, Role, RoleId, Scope};
use crate::domain::{Justification, RequestId};
use crate::ids::UserId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// `GET /api/v1/assignments?role=…&principal=…`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentQuery {
    #[serde(default)]
    pub role: Option<RoleId>,
    #[serde(default)]
    pub principal: Option<UserId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentList {
    pub assignments: Vec<Assignment>,
}

/// `POST /api/v1/assignments`. The backend picks the id and checks the rest with
/// [`crate::domain::assignment::assign_directly`]; `end: null` asks for a permanent assignment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAssignment {
    pub principal: UserId,
    pub role: RoleId,
    pub scope: Scope,
    pub kind: AssignmentKind,
    #[serde(default)]
    pub start: Option<UnixMillis>,
    #[serde(default)]
    pub end: Option<UnixMillis>,
    #[serde(default)]
    pub justification: Option<Justification>,
}

/// `POST /api/v1/assignments/remove`: ends the assignment; requests resting on an eligibility
/// are voided and activations resting on it end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveAssignment {
    pub assignment: crate::domain::AssignmentId,
    #[serde(default)]
    pub reason: Option<Reason>,
}

/// One role a member is eligible for, with what activating it would need now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibleRole {
    pub assignment: Assignment,
    pub role: Role,
    /// The verdict for a default one-hour immediate activation at the assignment's scope.
    pub verdict: ActivationVerdict,
}

/// One role a member holds active.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveRole {
    pub assignment: Assignment,
    pub role: Role,
    /// The activation request behind it, when it came from one.
    #[serde(default)]
    pub request: Option<RequestId>,
    /// When Extend is first offered, for activations.
    #[serde(default)]
    pub extension_opens_at: Option<UnixMillis>,
}

/// `GET /api/v1/me/roles`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyRoles {
    pub eligible: Vec<EligibleRole>,
    pub active: Vec<ActiveRole>,
}
