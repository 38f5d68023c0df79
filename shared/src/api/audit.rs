//! The audit log on the wire: chain pages (oldest first, contiguous, for verification and
//! offline copies), filtered searches (newest first, for people), the catalogue, and the
//! verification report. The filter itself is [`crate::domain::audit_query::AuditFilter`].

use crate::domain::audit::EventSeverity;
use crate::domain::{AuditAction, AuditEvent, ChainAnchor, ChainBreak};
use serde::{Deserialize, Serialize};

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

/// Where a search continues: the last index entry it read. Opaque to clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AuditCursor(pub String);

/// `GET /api/v1/audit/search`: one page of the events that match the filter, newest first.
///
/// A search reads at most a bounded number of index entries per request, so a page can hold
/// fewer than `limit` events and still have a `next` cursor: the client asks again from there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditSearchPage {
    pub events: Vec<AuditEvent>,
    #[serde(default)]
    pub next: Option<AuditCursor>,
    /// How many events this page read to find these, for the "searched N" hint.
    pub scanned: u32,
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
