//! Alerts raised by events, as the Alerts page tells them: what happened and what to do, in words,
//! who was involved, and their details under readable names. Pure, so it is tested natively.

use elevate_shared::api::alerts::RaisedAlert;
use elevate_shared::domain::audit::{Actor, Details, Target};
use elevate_shared::domain::{AlertKind, Severity};
use elevate_shared::ids::UserId;
use elevate_shared::time::UnixMillis;

/// What happened, in a line.
pub const fn headline(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::FraudReported => "Someone reported a sign-in they did not start",
        AlertKind::AccountLockedOut => "An account's verification was locked after repeated failures",
        AlertKind::MfaBypassGranted => "An administrator let someone sign in without their second factor",
        AlertKind::CounterRegression => {
            "A passkey's signature counter went backwards: it may have been copied"
        }
        // Computed from roles and their settings; not raised by events, so not listed yet.
        _ => "Security alert",
    }
}

/// What an administrator should do about it.
pub const fn advice(kind: AlertKind) -> Option<&'static str> {
    match kind {
        AlertKind::FraudReported => Some(
            "Their password is known to someone else. The account stays locked until an administrator \
             unlocks it on Users; ask them to change their password once it is.",
        ),
        AlertKind::AccountLockedOut => {
            Some("Someone may be guessing their password or codes. Check with the person before unlocking.")
        }
        AlertKind::MfaBypassGranted => Some(
            "Check that the person asked for it, through a channel you trust. It ends after its uses or time.",
        ),
        AlertKind::CounterRegression => {
            Some("Ask the person whether they copied the key. If not, reset their sign-in methods on Users.")
        }
        _ => None,
    }
}

pub const fn severity(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::High => ("High", "sev sev-high"),
        Severity::Medium => ("Medium", "sev sev-medium"),
        Severity::Low => ("Low", "sev sev-low"),
    }
}

/// Who did it: a person, or Elevate itself.
pub fn actor(a: &Actor, name: impl Fn(&UserId) -> String) -> String {
    match a {
        Actor::System => "Elevate".to_owned(),
        Actor::User(id) => name(id),
    }
}

/// What it concerned, when it names something.
pub fn target(t: &Target, name: impl Fn(&UserId) -> String) -> Option<String> {
    match t {
        Target::None => None,
        Target::User(id) => Some(name(id)),
        Target::Role(id) | Target::RoleSettings(id) => Some(format!("role {id}")),
        Target::Assignment(id) => Some(format!("assignment {id}")),
        Target::Request(id) => Some(format!("request {id}")),
        Target::Method(id) => Some(format!("method {id}")),
        Target::Alert(kind) => Some(format!("alert {}", kind.as_str())),
        Target::Token(id) => Some(format!("token {id}")),
    }
}

/// A detail's name as people read it.
pub fn detail_label(key: &str) -> String {
    let known = match key {
        "failures" => "Failures in a row",
        "until" => "Locked until",
        "minutes" => "Lasts (minutes)",
        "uses" => "Uses",
        "prompts_cancelled" => "Waiting sign-ins cancelled",
        "sessions_ended" => "Sessions ended",
        "prompt" => "Reported sign-in",
        "credential_id" => "Credential id",
        "name" => "Passkey",
        "stored_counter" => "Counter Elevate had",
        "presented_counter" => "Counter presented",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The details in key order, instants (`until`, `…_at`) written by `at`.
pub fn details(d: &Details, at: impl Fn(UnixMillis) -> String) -> Vec<(String, String)> {
    d.0.iter()
        .map(|(key, value)| {
            let instant = key == "until" || key.ends_with("_at");
            let shown = match value.parse::<u64>() {
                Ok(ms) if instant => at(UnixMillis(ms)),
                _ => value.clone(),
            };
            (detail_label(key), shown)
        })
        .collect()
}

/// Newest first, the order the log raised them in breaking ties.
pub fn newest_first(alerts: &mut [RaisedAlert]) {
    alerts.sort_by(|a, b| b.raised_at.cmp(&a.raised_at).then(b.seq.cmp(&a.seq)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const ADA: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn name(id: &UserId) -> String {
        format!("<{}>", &id.as_str()[..4])
    }

    fn alert(seq: u64, raised_at: u64) -> RaisedAlert {
        RaisedAlert {
            seq,
            kind: AlertKind::FraudReported,
            severity: Severity::High,
            raised_at: UnixMillis(raised_at),
            actor: Actor::System,
            target: Target::None,
            details: Details::default(),
        }
    }

    #[test]
    fn every_event_raised_alert_is_told_with_advice() {
        for kind in [
            AlertKind::FraudReported,
            AlertKind::AccountLockedOut,
            AlertKind::MfaBypassGranted,
            AlertKind::CounterRegression,
        ] {
            assert_ne!(headline(kind), "Security alert", "{kind:?}");
            assert!(advice(kind).is_some(), "{kind:?}");
        }
        assert_eq!(headline(AlertKind::RoleWithoutMfa), "Security alert");
        assert_eq!(severity(Severity::High), ("High", "sev sev-high"));
    }

    #[test]
    fn people_are_named_and_the_system_is_elevate() {
        let ada = UserId::parse(ADA).unwrap();
        assert_eq!(actor(&Actor::System, name), "Elevate");
        assert_eq!(actor(&Actor::User(ada.clone()), name), "<0f8f>");
        assert_eq!(target(&Target::User(ada), name), Some("<0f8f>".to_owned()));
        assert_eq!(target(&Target::None, name), None);
    }

    #[test]
    fn details_get_readable_names_and_times() {
        let d = Details(BTreeMap::from([
            ("failures".to_owned(), "5".to_owned()),
            ("until".to_owned(), "1700000000000".to_owned()),
            ("expires_at".to_owned(), "12".to_owned()),
            ("some_new_key".to_owned(), "x".to_owned()),
        ]));
        let at = |t: UnixMillis| format!("t{}", t.0);
        assert_eq!(
            details(&d, at),
            [
                ("Expires at".to_owned(), "t12".to_owned()),
                ("Failures in a row".to_owned(), "5".to_owned()),
                ("Some new key".to_owned(), "x".to_owned()),
                ("Locked until".to_owned(), "t1700000000000".to_owned()),
            ]
        );
    }

    #[test]
    fn alerts_are_listed_newest_first() {
        let mut alerts = vec![alert(1, 100), alert(3, 300), alert(2, 300), alert(0, 50)];
        newest_first(&mut alerts);
        assert_eq!(alerts.iter().map(|a| a.seq).collect::<Vec<_>>(), [3, 2, 1, 0]);
    }
}
