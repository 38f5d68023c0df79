//! The audit log's export formats: CSV for spreadsheets, JSON lines for log tools.
//!
//! JSON lines keep every field, the hashes included, so an export of the whole log verifies
//! offline with [`crate::domain::verify_chain`]. CSV is for people: one row per event with the
//! time in RFC 3339 and the catalogue's name beside the id. A cell a spreadsheet would run as a
//! formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading `'`: justifications and
//! names are typed by users, and an export must not become an attack on whoever opens it.

use crate::domain::audit::{Actor, AuditEvent};
use crate::domain::audit_query::outcome_name;

/// A format the export endpoint writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
}

impl ExportFormat {
    /// The `format` query value (`csv`, `jsonl`).
    #[must_use]
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "csv" => Some(Self::Csv),
            "jsonl" => Some(Self::JsonLines),
            _ => None,
        }
    }

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
        }
    }

    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::JsonLines => "application/x-ndjson",
        }
    }

    /// What comes before the first event.
    #[must_use]
    pub const fn header(self) -> &'static str {
        match self {
            Self::Csv => "seq,time,event_id,event,outcome,actor,target,request,details,hash\r\n",
            Self::JsonLines => "",
        }
    }

    /// One event, with its line ending.
    #[must_use]
    pub fn line(self, e: &AuditEvent) -> String {
        match self {
            Self::Csv => csv_row(e),
            // An event always encodes; the fallback keeps a line per event regardless.
            Self::JsonLines => serde_json::to_string(e).unwrap_or_else(|_| "{}".into()) + "\n",
        }
    }
}

fn csv_row(e: &AuditEvent) -> String {
    let actor = match &e.actor {
        Actor::System => "system".to_owned(),
        Actor::User(id) => format!("user:{id}"),
    };
    let details = serde_json::to_string(&e.details).unwrap_or_default();
    let cells = [
        e.seq.to_string(),
        e.at.to_rfc3339(),
        e.action.id().to_string(),
        e.action.name().to_owned(),
        outcome_name(e.outcome).to_owned(),
        actor,
        e.target.to_string(),
        e.request.as_ref().map(ToString::to_string).unwrap_or_default(),
        details,
        e.hash.to_hex(),
    ];
    let mut row = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    row.push_str("\r\n");
    row
}

/// RFC 4180 quoting, after neutralising a leading formula character.
fn cell(raw: &str) -> String {
    let text =
        if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{raw}") } else { raw.to_owned() };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{AuditAction, AuditDraft, Target, append, verify_chain};
    use crate::time::UnixMillis;

    fn event(justification: &str) -> AuditEvent {
        let draft =
            AuditDraft::new(AuditAction::RequestCreated, Actor::System, Target::None, UnixMillis(1_500))
                .detail("justification", justification);
        append(None, draft)
    }

    #[test]
    fn a_csv_row_has_every_column_and_quotes_what_needs_quoting() {
        let row = ExportFormat::Csv.line(&event("db, \"prod\""));
        let hash = event("db, \"prod\"").hash.to_hex();
        assert_eq!(
            row,
            format!(
                "0,1970-01-01T00:00:01.500Z,301,request_created,success,system,none,,\
                 \"{{\"\"justification\"\":\"\"db, \\\"\"prod\\\"\"\"\"}}\",{hash}\r\n"
            )
        );
        let columns = ExportFormat::Csv.header().trim_end().split(',').count();
        assert_eq!(columns, 10);
    }

    #[test]
    fn a_cell_that_would_run_as_a_formula_is_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM"), "'@SUM");
        assert_eq!(cell("plain"), "plain");
    }

    #[test]
    fn json_lines_keep_the_chain_verifiable() {
        let first = event("a");
        let second = append(
            Some(&first),
            AuditDraft::new(AuditAction::SignedIn, Actor::System, Target::None, UnixMillis(2)),
        );
        let text: String = [&first, &second].iter().map(|e| ExportFormat::JsonLines.line(e)).collect();
        let back: Vec<AuditEvent> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(verify_chain(&back), Ok(()));
    }
}
