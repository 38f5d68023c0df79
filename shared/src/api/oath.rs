//! OATH hardware tokens for administrators: import (one row or a whole CSV, parsed in the SPA
//! with `domain::oath::parse_csv` and validated again by the worker), list, and assign.

use crate::domain::oath::{OathSerial, OathTokenRow};
use crate::domain::totp::TotpParams;
use crate::ids::{UserId, Username};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/oath-tokens/import`: all rows or none. A row naming a `user` is assigned to
/// them as part of the import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOathTokens {
    pub tokens: Vec<OathTokenRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OathImported {
    pub imported: usize,
    /// The tokens assigned during the import.
    pub assigned: Vec<OathAssignment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OathAssignment {
    pub serial: OathSerial,
    pub username: Username,
}

/// One token in the inventory, without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OathTokenSummary {
    pub serial: OathSerial,
    pub params: TotpParams,
    pub imported_at: UnixMillis,
    #[serde(default)]
    pub assigned_to: Option<UserId>,
}

/// `GET /api/v1/oath-tokens`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OathTokenList {
    pub tokens: Vec<OathTokenSummary>,
}

/// `POST /api/v1/oath-tokens/assign`: the token becomes one of the person's code methods.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignOathToken {
    pub serial: OathSerial,
    pub user: UserId,
}
