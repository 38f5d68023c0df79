//! The tamper-evident audit log, and how events reach it exactly once.
//!
//! One Durable Object holds the log, so events are strictly ordered and each carries the hash of
//! the one before (`shared::domain::audit::append`). An object that changes security state writes
//! the event's draft into its own *outbox* in the same step as the change (its storage writes in
//! one event commit together), then forwards the outbox to the log and clears what the log
//! acknowledged. A lost acknowledgement only means a resend, and the log ignores draft ids it has
//! already appended, so every change gets its event once.

use crate::error::AppError;
use crate::storage::{Store, get_json, put_json};
use elevate_shared::api::alerts::RaisedAlert;
use elevate_shared::domain::AlertKind;
use elevate_shared::domain::audit::{AuditDraft, AuditEvent, ChainAnchor, append};
use serde::{Deserialize, Serialize};

const OUTBOX_PREFIX: &str = "outbox/";
const EVENT_PREFIX: &str = "event/";
const SEEN_PREFIX: &str = "seen/";
/// Sequence numbers of the events that raise an alert, so listing alerts reads only those.
const RAISED_PREFIX: &str = "raised/";
const HEAD: &str = "head";
const OUTBOX_NEXT: &str = "outbox_next";

/// A draft with the id that makes its delivery idempotent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Entry {
    pub id: String,
    pub draft: AuditDraft,
}

/// Puts an event's draft in this object's outbox, in the same step as the change it records.
/// A counter numbers the outbox, so it delivers in the order the changes happened.
pub(crate) async fn record(store: &impl Store, draft: AuditDraft) -> Result<(), AppError> {
    let id = hex::encode(crate::random::bytes::<16>()?);
    let next: u64 = get_json(store, OUTBOX_NEXT).await?.unwrap_or(0);
    put_json(store, &format!("{OUTBOX_PREFIX}{next:020}"), &Entry { id, draft }).await?;
    put_json(store, OUTBOX_NEXT, &(next + 1)).await
}

/// What is waiting in an outbox, oldest first, with the keys to clear once delivered.
pub(crate) async fn pending(store: &impl Store) -> Result<Vec<(String, Entry)>, AppError> {
    let mut out = Vec::new();
    for key in store.list(OUTBOX_PREFIX).await? {
        if let Some(entry) = get_json::<Entry>(store, &key).await? {
            out.push((key, entry));
        }
    }
    Ok(out)
}

pub(crate) async fn clear(store: &impl Store, keys: &[String]) -> Result<(), AppError> {
    for key in keys {
        store.delete(key).await?;
    }
    Ok(())
}

/// The log itself, in its own object.
#[derive(Debug)]
pub(crate) struct AuditLog<'a, S: Store> {
    pub store: &'a S,
}

impl<S: Store> AuditLog<'_, S> {
    pub async fn head(&self) -> Result<Option<AuditEvent>, AppError> {
        get_json(self.store, HEAD).await
    }

    /// Appends the entries not seen before, in order; returns how many were new.
    pub async fn append(&self, entries: Vec<Entry>) -> Result<usize, AppError> {
        let mut head = self.head().await?;
        let mut appended = 0;
        for entry in entries {
            let seen = format!("{SEEN_PREFIX}{}", entry.id);
            if self.store.get(&seen).await?.is_some() {
                continue;
            }
            let event = append(head.as_ref(), entry.draft);
            put_json(self.store, &event_key(event.seq), &event).await?;
            put_json(self.store, &seen, &event.seq).await?;
            if AlertKind::raised_by(event.action).is_some() {
                put_json(self.store, &format!("{RAISED_PREFIX}{:020}", event.seq), &event.seq).await?;
            }
            head = Some(event);
            appended += 1;
        }
        if let Some(h) = &head {
            put_json(self.store, HEAD, h).await?;
        }
        Ok(appended)
    }

    /// Up to `limit` events from sequence number `from` on.
    pub async fn page(&self, from: u64, limit: usize) -> Result<Vec<AuditEvent>, AppError> {
        let mut events = Vec::new();
        let Some(head) = self.head().await? else { return Ok(events) };
        let mut seq = from;
        while seq <= head.seq && events.len() < limit {
            match get_json::<AuditEvent>(self.store, &event_key(seq)).await? {
                Some(e) => events.push(e),
                None => return Err(AppError::internal(format!("audit event {seq} is missing"))),
            }
            seq += 1;
        }
        Ok(events)
    }

    /// The alerts raised by events, newest first, at most `limit`.
    pub async fn raised(&self, limit: usize) -> Result<Vec<RaisedAlert>, AppError> {
        let mut out = Vec::new();
        for key in self.store.list(RAISED_PREFIX).await?.iter().rev().take(limit) {
            let Some(seq) = get_json::<u64>(self.store, key).await? else { continue };
            let Some(event) = get_json::<AuditEvent>(self.store, &event_key(seq)).await? else { continue };
            let Some((kind, severity)) = AlertKind::raised_by(event.action) else { continue };
            out.push(RaisedAlert {
                seq,
                kind,
                severity,
                raised_at: event.at,
                actor: event.actor,
                target: event.target,
                details: event.details,
            });
        }
        Ok(out)
    }

    /// Where the chain ends now, for verifying an export against it.
    pub async fn anchor(&self) -> Result<ChainAnchor, AppError> {
        Ok(self.head().await?.as_ref().map_or(ChainAnchor::GENESIS, ChainAnchor::after))
    }
}

fn event_key(seq: u64) -> String {
    format!("{EVENT_PREFIX}{seq:020}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStore;
    use elevate_shared::domain::audit::{Actor, AuditAction, Target, verify_chain_to};
    use elevate_shared::time::UnixMillis;
    use futures::executor::block_on;

    fn draft(at: u64) -> AuditDraft {
        AuditDraft::new(AuditAction::SignedIn, Actor::System, Target::None, UnixMillis(at))
    }

    #[test]
    fn outboxed_drafts_reach_the_log_once_in_order_and_chained() {
        let object = MemoryStore::default();
        let log_store = MemoryStore::default();
        let log = AuditLog { store: &log_store };
        for at in [3, 1, 2] {
            block_on(record(&object, draft(at))).unwrap();
        }
        let waiting = block_on(pending(&object)).unwrap();
        let entries: Vec<Entry> = waiting.iter().map(|(_, e)| e.clone()).collect();
        // In the order they were recorded, which is the order the changes happened.
        assert_eq!(entries.iter().map(|e| e.draft.at.0).collect::<Vec<_>>(), [3, 1, 2]);
        // Delivered twice (a lost acknowledgement): appended once.
        assert_eq!(block_on(log.append(entries.clone())).unwrap(), 3);
        assert_eq!(block_on(log.append(entries)).unwrap(), 0);
        block_on(clear(&object, &waiting.into_iter().map(|(k, _)| k).collect::<Vec<_>>())).unwrap();
        assert!(block_on(pending(&object)).unwrap().is_empty());

        let events = block_on(log.page(0, 100)).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(verify_chain_to(&events, block_on(log.anchor()).unwrap()), Ok(()));
        assert_eq!(block_on(log.page(1, 1)).unwrap()[0].seq, 1);
    }

    #[test]
    fn events_that_raise_alerts_are_listed_newest_first() {
        let log_store = MemoryStore::default();
        let log = AuditLog { store: &log_store };
        let entry = |n: u8, action| Entry {
            id: format!("{n:02}"),
            draft: AuditDraft::new(action, Actor::System, Target::None, UnixMillis(u64::from(n))),
        };
        let entries = vec![
            entry(1, AuditAction::FraudReported),
            entry(2, AuditAction::SignedIn),
            entry(3, AuditAction::CounterRegression),
        ];
        block_on(log.append(entries)).unwrap();
        let raised = block_on(log.raised(10)).unwrap();
        let kinds: Vec<_> = raised.iter().map(|a| (a.seq, a.kind)).collect();
        assert_eq!(kinds, [(2, AlertKind::CounterRegression), (0, AlertKind::FraudReported)]);
        assert_eq!(block_on(log.raised(1)).unwrap().len(), 1);
    }
}
