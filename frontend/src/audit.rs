//! The audit log as the Audit page asks for it and tells it: the filter form read into the
//! domain's [`AuditFilter`] (with a sentence for each thing that is wrong), the URLs of a search
//! and of an export, and a verification in words. Pure, so it is tested natively.

use elevate_shared::api::audit::{AuditCursor, ChainVerification};
use elevate_shared::api::audit_export::ExportFormat;
use elevate_shared::api::paths;
use elevate_shared::domain::audit::{ChainBreakReason, Details};
use elevate_shared::domain::audit_query::AuditFilter;
use elevate_shared::ids::UserId;
use elevate_shared::percent;
use elevate_shared::time::UnixMillis;

/// Events per page on screen.
pub const PAGE: u32 = 50;

/// The filter form's fields as typed or picked; empty means "any".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterForm {
    /// `datetime-local` values, in the viewer's time zone.
    pub from: String,
    pub to: String,
    /// A user id, picked from the directory.
    pub actor: String,
    /// A role id, picked from the roles.
    pub role: String,
    /// `kind:id`, e.g. `role:db-reader`.
    pub target: String,
    /// An event id from the catalogue.
    pub action: String,
    /// `success` or `failure`.
    pub outcome: String,
    pub request: String,
}

impl FilterForm {
    /// The filter the form describes. `instant` reads a `datetime-local` value (the browser's
    /// time zone is the page's business, not this function's).
    ///
    /// # Errors
    /// A sentence naming the field that does not read.
    pub fn filter(&self, instant: impl Fn(&str) -> Option<UnixMillis>) -> Result<AuditFilter, String> {
        let time = |label: &str, value: &str| -> Result<String, String> {
            if value.trim().is_empty() {
                return Ok(String::new());
            }
            instant(value).map(|t| t.0.to_string()).ok_or_else(|| format!("{label} is not a date and time."))
        };
        let from = time("From", &self.from)?;
        let to = time("To", &self.to)?;
        let pairs = [
            ("from", from.as_str()),
            ("to", to.as_str()),
            ("actor", self.actor.as_str()),
            ("role", self.role.as_str()),
            ("target", self.target.as_str()),
            ("action", self.action.as_str()),
            ("outcome", self.outcome.as_str()),
            ("request", self.request.as_str()),
        ];
        AuditFilter::from_query(pairs).map_err(|e| match e.name.as_str() {
            "to" if e.value.starts_with("not after") => "To must be later than From.".to_owned(),
            "target" => "Target must look like kind:id, e.g. role:db-reader or user:<id>.".to_owned(),
            "request" => "A request id is 32 lowercase hex characters.".to_owned(),
            name => format!("The {name} filter cannot be “{}”.", e.value),
        })
    }
}

/// The query string for `filter` plus `extra` pairs, values percent-encoded.
fn query(filter: &AuditFilter, extra: &[(&str, String)]) -> String {
    let pairs: Vec<String> = filter
        .to_query()
        .into_iter()
        .chain(extra.iter().map(|(k, v)| (*k, v.clone())))
        .map(|(k, v)| format!("{k}={}", percent::encode(&v)))
        .collect();
    if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
}

/// The search URL for one page.
pub fn search_url(filter: &AuditFilter, cursor: Option<&AuditCursor>, limit: u32) -> String {
    let mut extra = vec![("limit", limit.to_string())];
    if let Some(c) = cursor {
        extra.push(("cursor", c.0.clone()));
    }
    format!("{}{}", paths::AUDIT_SEARCH, query(filter, &extra))
}

/// The download link for the filtered set.
pub fn export_url(filter: &AuditFilter, format: ExportFormat) -> String {
    format!("{}{}", paths::AUDIT_EXPORT, query(filter, &[("format", format.as_str().to_owned())]))
}

/// Detail keys whose values are instants (milliseconds since the epoch).
const INSTANTS: &[&str] = &["start", "end", "until", "since", "new_end", "expires_at", "at"];
/// Detail keys whose values are people.
const PEOPLE: &[&str] = &["principal", "by", "granted_by"];

/// An event's details as label and value, for people: instants in the viewer's time, people by
/// name, durations in minutes; anything else as recorded.
pub fn event_details(
    details: &Details,
    at: impl Fn(UnixMillis) -> String,
    person: impl Fn(&UserId) -> String,
) -> Vec<(String, String)> {
    details
        .0
        .iter()
        .map(|(key, value)| {
            let shown = if INSTANTS.contains(&key.as_str()) {
                value.parse::<u64>().map_or_else(|_| value.clone(), |ms| at(UnixMillis(ms)))
            } else if PEOPLE.contains(&key.as_str()) {
                UserId::parse(value.as_str()).map_or_else(|_| value.clone(), |id| person(&id))
            } else if key == "duration_ms" {
                value.parse::<u64>().map_or_else(|_| value.clone(), |ms| format!("{} min", ms / 60_000))
            } else {
                value.clone()
            };
            (label(key), shown)
        })
        .collect()
}

/// `granted_by` → "Granted by"; the few whose plain reading misleads get a word of their own.
fn label(key: &str) -> String {
    match key {
        "principal" => "Person".to_owned(),
        "duration_ms" => "Duration".to_owned(),
        "new_end" => "New end".to_owned(),
        _ => {
            let words = key.replace('_', " ");
            let mut chars = words.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        }
    }
}

/// A verification as one sentence, and whether the chain holds.
pub fn verdict(v: &ChainVerification) -> (bool, String) {
    let Some(broken) = &v.broken else {
        return (
            true,
            format!("The chain holds: all {} events verified, none changed, none missing.", v.events_checked),
        );
    };
    let why = match broken.reason {
        ChainBreakReason::HashMismatch => "its contents no longer match its hash: it was edited",
        ChainBreakReason::PreviousHashMismatch => {
            "it does not point at the event before it: events were removed, inserted or reordered"
        }
        ChainBreakReason::SequenceMismatch => {
            "its number is not the next one: events were removed or inserted"
        }
        ChainBreakReason::HeadMismatch => {
            "the chain ends before the log's head: events are missing at the end"
        }
    };
    (false, format!("The chain is broken at event #{}: {why}.", broken.index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::domain::RoleId;
    use elevate_shared::domain::audit::{AuditAction, ChainAnchor, ChainBreak, Outcome, Target};

    /// Stands in for the browser: "day N" is N days after the epoch.
    fn instant(value: &str) -> Option<UnixMillis> {
        value.strip_prefix("day ")?.parse::<u64>().ok().map(|d| UnixMillis(d * 86_400_000))
    }

    #[test]
    fn the_form_reads_into_the_domain_filter() {
        let form = FilterForm {
            from: "day 1".into(),
            to: "day 2".into(),
            role: "db-reader".into(),
            action: "301".into(),
            outcome: "failure".into(),
            target: "role:db-reader".into(),
            ..FilterForm::default()
        };
        let f = form.filter(instant).unwrap();
        assert_eq!(f.from, Some(UnixMillis(86_400_000)));
        assert_eq!(f.to, Some(UnixMillis(172_800_000)));
        assert_eq!(f.role, Some(RoleId::parse("db-reader").unwrap()));
        assert_eq!(f.action, Some(AuditAction::RequestCreated));
        assert_eq!(f.outcome, Some(Outcome::Failure));
        assert_eq!(f.target, Some(Target::Role(RoleId::parse("db-reader").unwrap())));
        assert_eq!(FilterForm::default().filter(instant), Ok(AuditFilter::default()));
    }

    #[test]
    fn each_bad_field_is_named_in_a_sentence() {
        let bad = |form: FilterForm| form.filter(instant).unwrap_err();
        assert_eq!(
            bad(FilterForm { from: "soon".into(), ..Default::default() }),
            "From is not a date and time."
        );
        assert_eq!(
            bad(FilterForm { from: "day 2".into(), to: "day 1".into(), ..Default::default() }),
            "To must be later than From."
        );
        assert!(
            bad(FilterForm { target: "db-reader".into(), ..Default::default() }).starts_with("Target must")
        );
        assert!(bad(FilterForm { request: "42".into(), ..Default::default() }).contains("32 lowercase hex"));
    }

    #[test]
    fn urls_carry_the_filter_and_escape_what_needs_escaping() {
        let f = AuditFilter {
            target: Some(Target::Role(RoleId::parse("db-reader").unwrap())),
            ..Default::default()
        };
        assert_eq!(search_url(&f, None, 50), "/api/v1/audit/search?target=role%3Adb-reader&limit=50");
        let cursor = AuditCursor("ix/t/role:db-reader/00000000000000000042".into());
        assert_eq!(
            search_url(&AuditFilter::default(), Some(&cursor), 10),
            "/api/v1/audit/search?limit=10&cursor=ix%2Ft%2Frole%3Adb-reader%2F00000000000000000042"
        );
        assert_eq!(export_url(&AuditFilter::default(), ExportFormat::Csv), "/api/v1/audit/export?format=csv");
        assert_eq!(
            export_url(&f, ExportFormat::JsonLines),
            "/api/v1/audit/export?target=role%3Adb-reader&format=jsonl"
        );
    }

    #[test]
    fn details_name_people_and_times_and_read_as_words() {
        let bob = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let d = Details(
            [
                ("principal", bob),
                ("end", "permanent"),
                ("start", "86400000"),
                ("name", "Database reader"),
                ("duration_ms", "5400000"),
                ("granted_by", "not-a-user"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        );
        let shown = event_details(&d, |t| format!("day {}", t.0 / 86_400_000), |id| format!("name of {id}"));
        let pairs: Vec<(&str, &str)> = shown.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("Duration", "90 min"),
                ("End", "permanent"),
                ("Granted by", "not-a-user"),
                ("Name", "Database reader"),
                ("Person", format!("name of {bob}").as_str()),
                ("Start", "day 1"),
            ]
        );
    }

    #[test]
    fn a_verification_reads_as_a_sentence() {
        let head = ChainAnchor::GENESIS;
        let ok = ChainVerification { events_checked: 12, head, broken: None };
        assert_eq!(
            verdict(&ok),
            (true, "The chain holds: all 12 events verified, none changed, none missing.".into())
        );
        let broken = ChainVerification {
            events_checked: 7,
            head,
            broken: Some(ChainBreak { index: 7, reason: ChainBreakReason::HashMismatch }),
        };
        let (holds, text) = verdict(&broken);
        assert!(!holds);
        assert_eq!(
            text,
            "The chain is broken at event #7: its contents no longer match its hash: it was edited."
        );
    }
}
