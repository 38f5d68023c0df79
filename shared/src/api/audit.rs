//! The audit log: pages of events, the event catalogue, and chain verification.
//!
//! Proposed routes: `GET /api/v1/audit`, `GET /api/v1/audit/catalogue`, `GET /api/v1/audit/verify`.

use crate::domain::audit::EventSeverity;
use crate::domain::{AuditAction, AuditEvent, ChainAnchor, ChainBreak, RequestId};
use crate::ids::UserId;
use serde::{Deserialize, Serialize};

/// `GET /api/v1/audit?after=…&limit=…&action=…&actor=…&request=…`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Only events with a larger sequence number.
    #[serde(default)]
    pub after: Option<u64>,
    #[serde(default)]
    pub limit: Option<u32>,
    #[serde(default)]
    pub action: Option<AuditAction>,
    #[serde(default)]
    pub actor: Option<UserId>,
    #[serde(default)]
    pub request: Option<RequestId>,
}

/// A page of the log. Unfiltered pages are contiguous segments that verify with
/// [`crate::domain::verify_chain_from`] from the anchor after the previous page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// Pass as `after` for the next page; none at the end.
    #[serde(default)]
    pub next_after: Option<u64>,
    /// The log's current head, to detect events dropped from the end of an export.
    pub head: ChainAnchor,
}

/// One entry of the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub id: u16,
    pub name: String,
    pub meaning: String,
    pub severity: EventSeverity,
}

/// `GET /api/v1/audit/catalogue`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCatalogue {
    pub actions: Vec<CatalogueEntry>,
}

impl AuditCatalogue {
    /// The catalogue as this build knows it.
    #[must_use]
    pub fn current() -> Self {
        let actions = AuditAction::ALL
            .iter()
            .map(|a| CatalogueEntry {
                id: a.id(),
                name: a.name().to_owned(),
                meaning: a.meaning().to_owned(),
                severity: a.severity(),
            })
            .collect();
        Self { actions }
    }
}

/// `GET /api/v1/audit/verify`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainVerification {
    pub events_checked: u64,
    pub head: ChainAnchor,
    #[serde(default)]
    pub broken: Option<ChainBreak>,
}
