//! A person as the domain sees them: identity, account status and MFA method summaries.

use crate::domain::mfa::MfaMethodSummary;
use crate::ids::{DisplayName, UserId, Username};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// Whether an account may act.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum UserStatus {
    Active,
    Disabled,
    /// Too many MFA failures; the lock lifts by itself at `until`.
    LockedOut {
        until: UnixMillis,
    },
}

/// A user with the public summaries of their registered methods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub display_name: DisplayName,
    pub status: UserStatus,
    #[serde(default)]
    pub methods: Vec<MfaMethodSummary>,
}

impl User {
    /// Whether the account may act at `now` (a lock-out ends on its own).
    #[must_use]
    pub fn can_act(&self, now: UnixMillis) -> bool {
        match self.status {
            UserStatus::Active => true,
            UserStatus::Disabled => false,
            UserStatus::LockedOut { until } => now >= until,
        }
    }
}
