//! Searching the audit log: what an administrator asks for, and which index answers it.
//!
//! The log object files every event under one index entry per dimension it carries (its
//! request, actor, target, role, action, and failures), so a search walks the smallest index
//! its conditions allow and reads only the events that index names, not the whole log. Which
//! index is smallest is judged by kind: a request has a handful of events, an action thousands.

use crate::domain::AlertKind;
use crate::domain::audit::{Actor, AuditAction, AuditEvent, Outcome, Target};
use crate::domain::ids::{AssignmentId, MethodId, RequestId, RoleId, TokenId};
use crate::ids::UserId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The conditions of a search; every condition given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Events at or after this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<UnixMillis>,
    /// Events before this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<UnixMillis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// Events about the role: its own changes, and its assignments' and requests'.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<AuditAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestId>,
}

/// One index of the log: the events that share one value of one dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditIndex {
    Request(RequestId),
    Target(Target),
    Actor(UserId),
    Role(RoleId),
    Failures,
    Action(AuditAction),
}

/// Where a search walks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SearchPath {
    /// One index, newest event first; the other conditions are checked on each event.
    Index(AuditIndex),
    /// The time index between the bounds, latest first.
    Time { from: UnixMillis, to: UnixMillis },
    /// The log itself, newest first.
    Log,
}

impl AuditFilter {
    /// Whether `event` meets every condition.
    #[must_use]
    pub fn matches(&self, event: &AuditEvent) -> bool {
        self.from.is_none_or(|from| event.at >= from)
            && self.to.is_none_or(|to| event.at < to)
            && self.actor.as_ref().is_none_or(|a| matches!(&event.actor, Actor::User(u) if u == a))
            && self.target.as_ref().is_none_or(|t| &event.target == t)
            && self.role.as_ref().is_none_or(|r| role_of(event).as_ref() == Some(r))
            && self.action.is_none_or(|a| event.action == a)
            && self.outcome.is_none_or(|o| event.outcome == o)
            && self.request.as_ref().is_none_or(|r| event.request.as_ref() == Some(r))
    }

    /// The walk that reads the fewest events: the most selective index a condition names, else
    /// the time range, else the whole log. Successes are most events, so only failures have an
    /// index.
    #[must_use]
    pub fn search_path(&self) -> SearchPath {
        let index = self
            .request
            .clone()
            .map(AuditIndex::Request)
            .or_else(|| self.target.clone().map(AuditIndex::Target))
            .or_else(|| self.actor.clone().map(AuditIndex::Actor))
            .or_else(|| self.role.clone().map(AuditIndex::Role))
            .or_else(|| (self.outcome == Some(Outcome::Failure)).then_some(AuditIndex::Failures))
            .or_else(|| self.action.map(AuditIndex::Action));
        match (index, self.from, self.to) {
            (Some(index), _, _) => SearchPath::Index(index),
            (None, None, None) => SearchPath::Log,
            (None, from, to) => SearchPath::Time {
                from: from.unwrap_or(UnixMillis(0)),
                to: to.unwrap_or(UnixMillis(u64::MAX)),
            },
        }
    }

    /// The filter as query-string pairs, for the search and export URLs.
    #[must_use]
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(v) = self.from {
            q.push(("from", v.0.to_string()));
        }
        if let Some(v) = self.to {
            q.push(("to", v.0.to_string()));
        }
        if let Some(v) = &self.actor {
            q.push(("actor", v.to_string()));
        }
        if let Some(v) = &self.target {
            q.push(("target", v.to_string()));
        }
        if let Some(v) = &self.role {
            q.push(("role", v.to_string()));
        }
        if let Some(v) = self.action {
            q.push(("action", v.id().to_string()));
        }
        if let Some(v) = self.outcome {
            q.push(("outcome", outcome_name(v).to_owned()));
        }
        if let Some(v) = &self.request {
            q.push(("request", v.to_string()));
        }
        q
    }

    /// Reads the filter from query-string pairs; names it does not know are left to the caller.
    /// An empty value means "any".
    ///
    /// # Errors
    /// The first condition whose value does not parse.
    pub fn from_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, FilterError> {
        let mut f = Self::default();
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let bad = || FilterError { name: name.to_owned(), value: value.to_owned() };
            match name {
                "from" => f.from = Some(UnixMillis(value.parse().map_err(|_| bad())?)),
                "to" => f.to = Some(UnixMillis(value.parse().map_err(|_| bad())?)),
                "actor" => f.actor = Some(UserId::parse(value).map_err(|_| bad())?),
                "target" => f.target = Some(value.parse().map_err(|_| bad())?),
                "role" => f.role = Some(RoleId::parse(value).map_err(|_| bad())?),
                "action" => f.action = Some(parse_action(value).ok_or_else(bad)?),
                "outcome" => {
                    f.outcome = Some(match value {
                        "success" => Outcome::Success,
                        "failure" => Outcome::Failure,
                        _ => return Err(bad()),
                    });
                }
                "request" => f.request = Some(RequestId::parse(value).map_err(|_| bad())?),
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (f.from, f.to)
            && from >= to
        {
            return Err(FilterError { name: "to".into(), value: "not after `from`".into() });
        }
        Ok(f)
    }
}

/// A search condition whose value does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the audit filter `{name}` cannot be {value:?}")]
pub struct FilterError {
    pub name: String,
    pub value: String,
}

/// An action by its numeric id (`301`) or its name (`request_created`).
fn parse_action(value: &str) -> Option<AuditAction> {
    match value.parse::<u16>() {
        Ok(id) => AuditAction::from_id(id),
        Err(_) => AuditAction::ALL.iter().copied().find(|a| a.name() == value),
    }
}

#[must_use]
pub const fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Success => "success",
        Outcome::Failure => "failure",
    }
}

/// The role an event is about: the role itself, or the role of the assignment or request.
#[must_use]
pub fn role_of(event: &AuditEvent) -> Option<RoleId> {
    match &event.target {
        Target::Role(id) | Target::RoleSettings(id) => Some(id.clone()),
        _ => event.details.0.get("role").and_then(|r| RoleId::parse(r.as_str()).ok()),
    }
}

/// Every index `event` is filed under.
#[must_use]
pub fn indexes_of(event: &AuditEvent) -> Vec<AuditIndex> {
    let mut out = Vec::with_capacity(6);
    if let Some(r) = &event.request {
        out.push(AuditIndex::Request(r.clone()));
    }
    if event.target != Target::None {
        out.push(AuditIndex::Target(event.target.clone()));
    }
    if let Actor::User(u) = &event.actor {
        out.push(AuditIndex::Actor(u.clone()));
    }
    if let Some(role) = role_of(event) {
        out.push(AuditIndex::Role(role));
    }
    if event.outcome == Outcome::Failure {
        out.push(AuditIndex::Failures);
    }
    out.push(AuditIndex::Action(event.action));
    out
}

/// `kind:id` (`role:db-reader`, `user:…`), or `none`; what the target filter and exports show.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("none"),
            Self::User(id) => write!(f, "user:{id}"),
            Self::Role(id) => write!(f, "role:{id}"),
            Self::RoleSettings(id) => write!(f, "role_settings:{id}"),
            Self::Assignment(id) => write!(f, "assignment:{id}"),
            Self::Request(id) => write!(f, "request:{id}"),
            Self::Method(id) => write!(f, "method:{id}"),
            Self::Alert(kind) => write!(f, "alert:{}", kind.as_str()),
            Self::Token(id) => write!(f, "token:{id}"),
        }
    }
}

/// A `kind:id` that names no target.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a target (`kind:id`, e.g. `role:db-reader`)")]
pub struct BadTarget(pub String);

impl FromStr for Target {
    type Err = BadTarget;
    fn from_str(s: &str) -> Result<Self, BadTarget> {
        let bad = || BadTarget(s.to_owned());
        if s == "none" {
            return Ok(Self::None);
        }
        let (kind, id) = s.split_once(':').ok_or_else(bad)?;
        Ok(match kind {
            "user" => Self::User(UserId::parse(id).map_err(|_| bad())?),
            "role" => Self::Role(RoleId::parse(id).map_err(|_| bad())?),
            "role_settings" => Self::RoleSettings(RoleId::parse(id).map_err(|_| bad())?),
            "assignment" => Self::Assignment(AssignmentId::parse(id).map_err(|_| bad())?),
            "request" => Self::Request(RequestId::parse(id).map_err(|_| bad())?),
            "method" => Self::Method(MethodId::parse(id).map_err(|_| bad())?),
            "alert" => {
                Self::Alert(AlertKind::ALL.iter().copied().find(|k| k.as_str() == id).ok_or_else(bad)?)
            }
            "token" => Self::Token(TokenId::parse(id).map_err(|_| bad())?),
            _ => return Err(bad()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{AuditDraft, append};

    const BOB: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const REQ: &str = "00112233445566778899aabbccddeeff";

    fn bob() -> UserId {
        UserId::parse(BOB).unwrap()
    }

    fn request_event() -> AuditEvent {
        let req = RequestId::parse(REQ).unwrap();
        let draft = AuditDraft::new(
            AuditAction::RequestCreated,
            Actor::User(bob()),
            Target::Request(req.clone()),
            UnixMillis(5_000),
        )
        .for_request(&req)
        .detail("role", "db-reader")
        .failed();
        append(None, draft)
    }

    #[test]
    fn an_event_is_filed_under_every_dimension_it_carries() {
        let e = request_event();
        let req = RequestId::parse(REQ).unwrap();
        assert_eq!(
            indexes_of(&e),
            [
                AuditIndex::Request(req.clone()),
                AuditIndex::Target(Target::Request(req)),
                AuditIndex::Actor(bob()),
                AuditIndex::Role(RoleId::parse("db-reader").unwrap()),
                AuditIndex::Failures,
                AuditIndex::Action(AuditAction::RequestCreated),
            ]
        );
    }

    #[test]
    fn every_condition_must_hold() {
        let e = request_event();
        let q = |s: &str| AuditFilter::from_query(s.split('&').filter_map(|p| p.split_once('='))).unwrap();
        assert!(AuditFilter::default().matches(&e));
        assert!(q("role=db-reader&outcome=failure&from=5000&to=5001").matches(&e));
        assert!(q(&format!("actor={BOB}&action=request_created")).matches(&e));
        assert!(!q("role=prod-admin").matches(&e));
        assert!(!q("outcome=success").matches(&e));
        assert!(!q("from=5001").matches(&e), "from is inclusive, so 5001 excludes 5000");
        assert!(!q("to=5000").matches(&e), "to is exclusive");
        assert!(!q("action=302").matches(&e));
    }

    #[test]
    fn the_most_selective_index_drives_the_search() {
        let q = |s: &str| AuditFilter::from_query(s.split('&').filter_map(|p| p.split_once('='))).unwrap();
        assert_eq!(q("").search_path(), SearchPath::Log);
        assert_eq!(
            q("from=10").search_path(),
            SearchPath::Time { from: UnixMillis(10), to: UnixMillis(u64::MAX) }
        );
        assert_eq!(
            q(&format!("action=301&actor={BOB}&from=10")).search_path(),
            SearchPath::Index(AuditIndex::Actor(bob()))
        );
        assert_eq!(q("outcome=failure&action=301").search_path(), SearchPath::Index(AuditIndex::Failures));
        assert_eq!(
            q("outcome=success&action=301").search_path(),
            SearchPath::Index(AuditIndex::Action(AuditAction::RequestCreated))
        );
    }

    #[test]
    fn filters_round_trip_through_the_query_string_and_bad_values_are_named() {
        let f = AuditFilter {
            from: Some(UnixMillis(1)),
            to: Some(UnixMillis(2)),
            actor: Some(bob()),
            target: Some(Target::Role(RoleId::parse("db-reader").unwrap())),
            role: Some(RoleId::parse("db-reader").unwrap()),
            action: Some(AuditAction::RequestCreated),
            outcome: Some(Outcome::Failure),
            request: Some(RequestId::parse(REQ).unwrap()),
        };
        let pairs = f.to_query();
        let back = AuditFilter::from_query(pairs.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(back, f);
        for (name, value) in [
            ("from", "yesterday"),
            ("target", "role"),
            ("target", "planet:mars"),
            ("action", "999"),
            ("outcome", "meh"),
        ] {
            assert_eq!(
                AuditFilter::from_query([(name, value)]),
                Err(FilterError { name: name.into(), value: value.into() })
            );
        }
        assert!(AuditFilter::from_query([("from", "5"), ("to", "5")]).is_err(), "an empty range");
        assert_eq!(AuditFilter::from_query([("actor", " ")]), Ok(AuditFilter::default()));
    }
}
