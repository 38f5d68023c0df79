//! Roles and their settings: list, create, update, and edit settings.
//!
//! Proposed routes (the constants belong in [`crate::api::paths`]):
//! `GET /api/v1/roles`, `POST /api/v1/roles`, `PUT /api/v1/roles/{id}`,
//! `DELETE /api/v1/roles/{id}`, `PUT /api/v1/roles/{id}/settings`.

use crate::domain::{Description, Role, RoleId, RoleName, RoleSettings, Scope};
use serde::{Deserialize, Serialize};

/// A role with its settings, as the role blade shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub role: Role,
    pub settings: RoleSettings,
    /// People eligible for the role now.
    pub eligible_count: usize,
    /// People holding the role active now (activated or assigned).
    pub active_count: usize,
}

/// `GET /api/v1/roles`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleList {
    pub roles: Vec<RoleView>,
}

/// `POST /api/v1/roles`. Settings default to [`RoleSettings::default`] when absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateRole {
    pub id: RoleId,
    pub name: RoleName,
    #[serde(default)]
    pub description: Option<Description>,
    pub privileged: bool,
    pub scope: Scope,
    #[serde(default)]
    pub settings: Option<RoleSettings>,
}

/// `POST /api/v1/roles/settings`: replaces the settings; the backend validates them with
/// [`RoleSettings::validate`] and answers `settings_invalid` with every violation in the message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRoleSettings {
    pub role: RoleId,
    pub settings: RoleSettings,
}

/// `POST /api/v1/roles/update`: a role's name, description or privileged flag; fields left out
/// stay. The id and scope never change (assignments and the audit trail name them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateRole {
    pub role: RoleId,
    #[serde(default)]
    pub name: Option<RoleName>,
    #[serde(default)]
    pub description: Option<Description>,
    #[serde(default)]
    pub privileged: Option<bool>,
}

/// `POST /api/v1/roles/delete`: only a role nobody holds, is eligible for or is asking for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteRole {
    pub role: RoleId,
}

/// The answer to deleting a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDeleted {
    pub role: RoleId,
}
