//! The tamper-evident audit log, and how events reach it exactly once.
//!
//! One Durable Object holds the log, so events are strictly ordered and each carries the hash of
//! the one before (`shared::domain::audit::append`). An object that changes security state writes
//! the event's draft into its own *outbox* in the same step as the change (its storage writes in
//! one event commit together), then forwards the outbox to the log and clears what the log
//! acknowledged. A lost acknowledgement only means a resend, and the log ignores draft ids it has
//! already appended, so every change gets its event once.

use crate::error::AppError;
use crate::keys::audit_object as keys;
use crate::storage::{OrderedStore, Scan, Store, get_json, put_json};
use elevate_shared::api::alerts::RaisedAlert;
use elevate_shared::api::audit::{AuditCursor, AuditSearchPage};
use elevate_shared::api::reports::{DayCounts, MethodCounts, MfaReport, PersonCounts};
use elevate_shared::domain::AlertKind;
use elevate_shared::domain::audit::{AuditDraft, AuditEvent, ChainAnchor, append};
use elevate_shared::domain::audit_query::{AuditFilter, SearchPath, indexes_of};
use elevate_shared::domain::mfa_report::{Counts, ReportMethod, Tally, day_of, tally_of};
use elevate_shared::ids::UserId;
use elevate_shared::time::UnixMillis;
use std::collections::BTreeMap;

const DAY_MS: u64 = 86_400_000;
use serde::{Deserialize, Serialize};

/// The most index entries one search request reads; a sparse search answers with what it found
/// and a cursor, so no request's cost grows with the log.
const SCAN_BUDGET: usize = 2_000;
/// Entries read per storage call while searching.
const SCAN_BATCH: usize = 256;
/// Events indexed per storage pass when catching up on a log written before the indexes.
const INDEX_BATCH: usize = 500;

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
    let next: u64 = get_json(store, keys::OUTBOX_NEXT).await?.unwrap_or(0);
    put_json(store, &keys::outbox(next), &Entry { id, draft }).await?;
    put_json(store, keys::OUTBOX_NEXT, &(next + 1)).await
}

/// What is waiting in an outbox, oldest first, with the keys to clear once delivered.
pub(crate) async fn pending(store: &impl Store) -> Result<Vec<(String, Entry)>, AppError> {
    let mut out = Vec::new();
    for key in store.list(keys::OUTBOX_PREFIX).await? {
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
pub(crate) struct AuditLog<'a, S: OrderedStore> {
    pub store: &'a S,
}

impl<S: OrderedStore> AuditLog<'_, S> {
    pub async fn head(&self) -> Result<Option<AuditEvent>, AppError> {
        get_json(self.store, keys::HEAD).await
    }

    /// Appends the entries not seen before, in order, indexed; returns how many were new.
    pub async fn append(&self, entries: Vec<Entry>) -> Result<usize, AppError> {
        let mut head = self.head().await?;
        self.catch_up_indexes(head.as_ref()).await?;
        let mut appended = 0;
        for entry in entries {
            let seen = keys::seen(&entry.id);
            if self.store.get(&seen).await?.is_some() {
                continue;
            }
            let event = append(head.as_ref(), entry.draft);
            put_json(self.store, &keys::event(event.seq), &event).await?;
            put_json(self.store, &seen, &event.seq).await?;
            if AlertKind::raised_by(event.action).is_some() {
                put_json(self.store, &keys::raised(event.seq), &event.seq).await?;
            }
            self.index(&event).await?;
            head = Some(event);
            appended += 1;
        }
        if let Some(h) = &head {
            put_json(self.store, keys::HEAD, h).await?;
            put_json(self.store, keys::INDEXED_TO, &(h.seq + 1)).await?;
        }
        Ok(appended)
    }

    /// Files `event` under each of its indexes and the time index (the value is its number),
    /// and counts it in the MFA report counters of its day.
    async fn index(&self, event: &AuditEvent) -> Result<(), AppError> {
        let seq = event.seq.to_string();
        for index in indexes_of(event) {
            self.store.put(&keys::index_entry(&index, event.seq), seq.clone()).await?;
        }
        self.store.put(&keys::time_entry(event.at, event.seq), seq).await?;
        if let Some((tally, method, person)) = tally_of(event) {
            let day = day_of(event.at);
            self.increment(&keys::stat_method(day, tally, method)).await?;
            if let Some(person) = person {
                self.increment(&keys::stat_person(day, &person, tally)).await?;
            }
        }
        Ok(())
    }

    async fn increment(&self, key: &str) -> Result<(), AppError> {
        let n: u64 = get_json(self.store, key).await?.unwrap_or(0);
        put_json(self.store, key, &(n + 1)).await
    }

    /// MFA from day `from` up to (not including) day `to`, from the counters alone.
    pub async fn mfa_report(&self, from: u64, to: u64) -> Result<MfaReport, AppError> {
        self.catch_up_indexes(self.head().await?.as_ref()).await?;
        let mut days: BTreeMap<u64, Counts> = (from..to).map(|d| (d, Counts::default())).collect();
        let mut by_method: BTreeMap<ReportMethod, Counts> = BTreeMap::new();
        let mut by_person: BTreeMap<UserId, Counts> = BTreeMap::new();
        let mut totals = Counts::default();
        let (mut start, end) = (keys::stat_day(from), keys::stat_day(to));
        loop {
            let range = Scan {
                prefix: keys::STAT_PREFIX,
                start: Some(&start),
                end: Some(&end),
                reverse: false,
                limit: 1_000,
            };
            let batch = self.store.scan(range).await?;
            for (key, value) in &batch {
                let n: u64 =
                    value.parse().map_err(|_| AppError::internal(format!("{key} is not a count")))?;
                let parts: Vec<&str> = key.split('/').collect();
                let day = parts.get(1).and_then(|d| d.parse::<u64>().ok());
                match (day, parts.get(2..).unwrap_or_default()) {
                    (Some(day), ["m", tally, method]) => {
                        let (Some(tally), Some(method)) = (Tally::parse(tally), ReportMethod::parse(method))
                        else {
                            continue;
                        };
                        days.entry(day).or_default().add(tally, n);
                        by_method.entry(method).or_default().add(tally, n);
                        totals.add(tally, n);
                    }
                    (Some(_), ["u", user, tally]) => {
                        let (Ok(user), Some(tally)) = (UserId::parse(*user), Tally::parse(tally)) else {
                            continue;
                        };
                        by_person.entry(user).or_default().add(tally, n);
                    }
                    _ => {}
                }
            }
            match batch.last() {
                // The next key after the last one read.
                Some((last, _)) if batch.len() == 1_000 => start = format!("{last}\u{0}"),
                _ => break,
            }
        }
        let mut by_person: Vec<PersonCounts> =
            by_person.into_iter().map(|(user, counts)| PersonCounts { user, counts }).collect();
        by_person.sort_by_key(|p| std::cmp::Reverse(p.counts.0.values().sum::<u64>()));
        Ok(MfaReport {
            from: UnixMillis(from * DAY_MS),
            to: UnixMillis(to * DAY_MS),
            days: days
                .into_iter()
                .map(|(d, counts)| DayCounts { day: UnixMillis(d * DAY_MS), counts })
                .collect(),
            by_method: by_method
                .into_iter()
                .map(|(method, counts)| MethodCounts { method, counts })
                .collect(),
            by_person,
            totals,
        })
    }

    /// Indexes the events a log written before indexes existed holds, once.
    async fn catch_up_indexes(&self, head: Option<&AuditEvent>) -> Result<(), AppError> {
        let Some(head) = head else { return Ok(()) };
        let mut next: u64 = get_json(self.store, keys::INDEXED_TO).await?.unwrap_or(0);
        while next <= head.seq {
            let from = keys::event(next);
            let scan = Scan {
                prefix: keys::EVENT_PREFIX,
                start: Some(&from),
                end: None,
                reverse: false,
                limit: INDEX_BATCH,
            };
            let batch = self.store.scan(scan).await?;
            if batch.is_empty() {
                return Err(AppError::internal(format!("audit event {next} is missing")));
            }
            for (key, text) in batch {
                let event = decode(&key, &text)?;
                self.index(&event).await?;
                next = event.seq + 1;
            }
            put_json(self.store, keys::INDEXED_TO, &next).await?;
        }
        Ok(())
    }

    /// Up to `limit` events from sequence number `from` on, oldest first and contiguous.
    pub async fn page(&self, from: u64, limit: usize) -> Result<Vec<AuditEvent>, AppError> {
        let start = keys::event(from);
        let scan = Scan { prefix: keys::EVENT_PREFIX, start: Some(&start), end: None, reverse: false, limit };
        let mut events = Vec::new();
        for (key, text) in self.store.scan(scan).await? {
            let event = decode(&key, &text)?;
            if event.seq != from + events.len() as u64 {
                return Err(AppError::internal(format!(
                    "audit event {} is missing",
                    from + events.len() as u64
                )));
            }
            events.push(event);
        }
        Ok(events)
    }

    /// Up to `limit` events that match `filter`, newest first, from `cursor` on.
    ///
    /// Walks the filter's [`SearchPath`] backwards in batches, reading at most [`SCAN_BUDGET`]
    /// entries; the cursor is the last entry read, so the next page starts just before it.
    pub async fn search(
        &self,
        filter: &AuditFilter,
        cursor: Option<&AuditCursor>,
        limit: usize,
    ) -> Result<AuditSearchPage, AppError> {
        self.catch_up_indexes(self.head().await?.as_ref()).await?;
        let path = filter.search_path();
        let (prefix, start) = match &path {
            SearchPath::Log => (keys::EVENT_PREFIX.to_owned(), None),
            SearchPath::Index(index) => (keys::index_prefix(index), None),
            SearchPath::Time { from, .. } => (keys::TIME_PREFIX.to_owned(), Some(keys::time_from(*from))),
        };
        let mut end = match (cursor, &path) {
            (Some(c), _) if c.0.starts_with(&prefix) => Some(c.0.clone()),
            (Some(_), _) => {
                return Err(AppError::api(
                    elevate_shared::api::ErrorCode::BadRequest,
                    "The cursor belongs to another search; start again from the first page.",
                ));
            }
            (None, SearchPath::Time { to, .. }) => Some(keys::time_from(*to)),
            (None, _) => None,
        };
        let mut events = Vec::new();
        let mut scanned = 0usize;
        loop {
            let want = SCAN_BATCH.min(SCAN_BUDGET - scanned);
            let range = Scan {
                prefix: &prefix,
                start: start.as_deref(),
                end: end.as_deref(),
                reverse: true,
                limit: want,
            };
            let batch = self.store.scan(range).await?;
            let exhausted = batch.len() < want;
            let candidates = match path {
                SearchPath::Log => batch
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), decode(k, v)?)))
                    .collect::<Result<Vec<_>, AppError>>()?,
                _ => self.events_named_by(&batch).await?,
            };
            for (key, event) in candidates {
                scanned += 1;
                end = Some(key);
                if filter.matches(&event) {
                    events.push(event);
                    if events.len() == limit {
                        return Ok(page(events, end, scanned));
                    }
                }
            }
            if exhausted {
                return Ok(page(events, None, scanned));
            }
            if scanned >= SCAN_BUDGET {
                return Ok(page(events, end, scanned));
            }
        }
    }

    /// The events that index entries (whose values are sequence numbers) name, with the entries'
    /// keys, in the entries' order.
    async fn events_named_by(
        &self,
        entries: &[(String, String)],
    ) -> Result<Vec<(String, AuditEvent)>, AppError> {
        let event_keys = entries
            .iter()
            .map(|(k, v)| {
                v.parse::<u64>()
                    .map(keys::event)
                    .map_err(|_| AppError::internal(format!("index entry {k} is unreadable")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let texts = self.store.get_many(&event_keys).await?;
        entries
            .iter()
            .zip(event_keys.iter().zip(texts))
            .map(|((entry, _), (event_key, text))| {
                let text =
                    text.ok_or_else(|| AppError::internal(format!("{entry} names missing {event_key}")))?;
                Ok((entry.clone(), decode(event_key, &text)?))
            })
            .collect()
    }

    /// The alerts raised by events, newest first, at most `limit`.
    pub async fn raised(&self, limit: usize) -> Result<Vec<RaisedAlert>, AppError> {
        let mut out = Vec::new();
        for key in self.store.list(keys::RAISED_PREFIX).await?.iter().rev().take(limit) {
            let Some(seq) = get_json::<u64>(self.store, key).await? else { continue };
            let Some(event) = get_json::<AuditEvent>(self.store, &keys::event(seq)).await? else { continue };
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

fn page(events: Vec<AuditEvent>, next: Option<String>, scanned: usize) -> AuditSearchPage {
    AuditSearchPage {
        events,
        next: next.map(AuditCursor),
        scanned: u32::try_from(scanned).unwrap_or(u32::MAX),
    }
}

fn decode(key: &str, text: &str) -> Result<AuditEvent, AppError> {
    serde_json::from_str(text)
        .map_err(|e| AppError::internal(format!("stored value at {key} is unreadable: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStore;
    use elevate_shared::domain::audit::{Actor, AuditAction, Target, verify_chain_to};
    use elevate_shared::ids::UserId;
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

    /// 3,000 events over three roles, two actors, failures every seventh, times out of order.
    fn busy_log(store: &MemoryStore) -> Vec<AuditEvent> {
        use elevate_shared::domain::audit::Target;
        let log = AuditLog { store };
        let actors = [
            UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap(),
            UserId::parse("7c9e6679-7425-40de-944b-e07fc1f90ae7").unwrap(),
        ];
        let entries = (0..3_000u64)
            .map(|n| {
                let role = ["db-reader", "prod-admin", "helpdesk"][(n % 3) as usize];
                let action =
                    if n % 5 == 0 { AuditAction::RoleSettingsChanged } else { AuditAction::RequestCreated };
                // Times mostly rise with the sequence number, but not always (a late outbox).
                let at = UnixMillis(1_000_000 + n * 1_000 - if n % 11 == 0 { 5_500 } else { 0 });
                let mut draft =
                    AuditDraft::new(action, Actor::User(actors[(n % 2) as usize].clone()), Target::None, at)
                        .detail("role", role);
                if n % 7 == 0 {
                    draft = draft.failed();
                }
                Entry { id: format!("{n}"), draft }
            })
            .collect();
        block_on(log.append(entries)).unwrap();
        block_on(log.page(0, 5_000)).unwrap()
    }

    /// Every page of a search, followed to the end.
    fn search_all(log: &AuditLog<'_, MemoryStore>, filter: &AuditFilter, limit: usize) -> (Vec<u64>, usize) {
        let (mut seqs, mut pages, mut cursor) = (Vec::new(), 0, None);
        loop {
            let page = block_on(log.search(filter, cursor.as_ref(), limit)).unwrap();
            assert!(page.events.len() <= limit);
            assert!(page.scanned as usize <= SCAN_BUDGET);
            seqs.extend(page.events.iter().map(|e| e.seq));
            pages += 1;
            match page.next {
                Some(next) => cursor = Some(next),
                None => return (seqs, pages),
            }
        }
    }

    #[test]
    fn every_search_path_pages_to_exactly_what_a_full_scan_finds() {
        let store = MemoryStore::default();
        let all = busy_log(&store);
        let log = AuditLog { store: &store };
        let q = |s: &str| AuditFilter::from_query(s.split('&').filter_map(|p| p.split_once('='))).unwrap();
        for filter in [
            q(""),
            q("role=prod-admin"),
            q("role=helpdesk&outcome=failure"),
            q("outcome=failure&action=404"),
            q("action=404&actor=7c9e6679-7425-40de-944b-e07fc1f90ae7"),
            q("from=1500000&to=1600000"),
            q("from=2000000&role=db-reader"),
            q("outcome=success&action=301&to=1200000"),
        ] {
            let mut expected: Vec<&AuditEvent> = all.iter().filter(|e| filter.matches(e)).collect();
            // Newest first: by time on the time index, by sequence number elsewhere.
            if matches!(filter.search_path(), SearchPath::Time { .. }) {
                expected.sort_by_key(|e| std::cmp::Reverse((e.at, e.seq)));
            } else {
                expected.sort_by_key(|e| std::cmp::Reverse(e.seq));
            }
            let expected: Vec<u64> = expected.iter().map(|e| e.seq).collect();
            assert!(!expected.is_empty(), "{filter:?} should match something");
            let (found, _) = search_all(&log, &filter, 50);
            assert_eq!(found, expected, "{filter:?}");
        }
    }

    #[test]
    fn a_sparse_search_stops_at_its_budget_and_continues_from_the_cursor() {
        let store = MemoryStore::default();
        let all = busy_log(&store);
        let log = AuditLog { store: &store };
        // Only the time index narrows this; the outcome and actor conditions are checked per event.
        let filter = AuditFilter::from_query([("outcome", "success"), ("from", "1000000")]).unwrap();
        let first = block_on(log.search(&filter, None, 5_000)).unwrap();
        assert_eq!(first.scanned as usize, SCAN_BUDGET);
        assert!(first.next.is_some(), "the budget ran out before the range did");
        let (found, pages) = search_all(&log, &filter, 5_000);
        assert_eq!(found.len(), all.iter().filter(|e| filter.matches(e)).count());
        assert_eq!(pages, 2);
    }

    #[test]
    fn a_cursor_from_another_search_is_refused() {
        let store = MemoryStore::default();
        busy_log(&store);
        let log = AuditLog { store: &store };
        let by_role = AuditFilter::from_query([("role", "helpdesk")]).unwrap();
        let cursor = block_on(log.search(&by_role, None, 1)).unwrap().next.unwrap();
        let other = AuditFilter::from_query([("role", "db-reader")]).unwrap();
        let refused = block_on(log.search(&other, Some(&cursor), 1)).unwrap_err();
        assert_eq!(refused.to_wire().code, elevate_shared::api::ErrorCode::BadRequest);
    }

    #[test]
    fn a_log_written_before_the_indexes_is_indexed_on_first_use() {
        let store = MemoryStore::default();
        let all = busy_log(&store);
        // Drop every index entry and the marker: the log as an older version left it.
        for key in block_on(store.list("ix/")).unwrap() {
            block_on(store.delete(&key)).unwrap();
        }
        block_on(store.delete(keys::INDEXED_TO)).unwrap();
        let log = AuditLog { store: &store };
        let filter = AuditFilter::from_query([("role", "helpdesk")]).unwrap();
        let (found, _) = search_all(&log, &filter, 100);
        assert_eq!(found.len(), all.iter().filter(|e| filter.matches(e)).count());
        assert_eq!(found.len(), 1_000);
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
