//! A role: a named set of privileges, defined at a scope and assignable at or below it.

use crate::domain::ids::RoleId;
use crate::domain::scope::Scope;
use crate::domain::text::{Description, RoleName};
use serde::{Deserialize, Serialize};

/// A role as administrators define it. Its settings live apart ([`crate::domain::RoleSettings`]),
/// because they change more often and are audited on their own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: RoleId,
    pub name: RoleName,
    #[serde(default)]
    pub description: Option<Description>,
    /// Privileged roles are the ones alerts watch most closely (permanent holders, MFA, ...).
    pub privileged: bool,
    /// Where the role is defined: the directory (`/`) for directory roles, or a resource path for
    /// resource roles. Assignments may be made at this scope or below it.
    pub scope: Scope,
}

impl Role {
    /// Whether this role may be assigned at `scope`.
    #[must_use]
    pub fn assignable_at(&self, scope: &Scope) -> bool {
        self.scope.contains(scope)
    }
}
