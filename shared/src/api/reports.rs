//! `GET /api/v1/reports/mfa?from=…&to=…[&format=csv]`: MFA over a period — per UTC day, per
//! method and per person — for the Reports page's charts and tables, and as CSV.

use crate::domain::mfa_report::{Counts, ReportMethod, Tally};
use crate::ids::UserId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// The longest period one report covers, in days.
pub const MAX_REPORT_DAYS: u64 = 366;

/// One UTC day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCounts {
    /// Midnight UTC that begins the day.
    pub day: UnixMillis,
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodCounts {
    pub method: ReportMethod,
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonCounts {
    pub user: UserId,
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaReport {
    /// The first day's midnight, and the midnight after the last day.
    pub from: UnixMillis,
    pub to: UnixMillis,
    /// Every day of the period, oldest first, zero days included (charts need the gaps).
    pub days: Vec<DayCounts>,
    pub by_method: Vec<MethodCounts>,
    /// People with anything counted, most events first.
    pub by_person: Vec<PersonCounts>,
    pub totals: Counts,
}

impl MfaReport {
    /// The report as CSV: one row per day, per method and per person, one column per tally.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = String::from("section,key");
        for t in Tally::ALL {
            out.push(',');
            out.push_str(t.as_str());
        }
        out.push_str("\r\n");
        let mut row = |section: &str, key: &str, c: &Counts| {
            out.push_str(section);
            out.push(',');
            out.push_str(key);
            for t in Tally::ALL {
                out.push(',');
                out.push_str(&c.get(*t).to_string());
            }
            out.push_str("\r\n");
        };
        for d in &self.days {
            row("day", &d.day.to_rfc3339()[..10], &d.counts);
        }
        for m in &self.by_method {
            row("method", m.method.as_str(), &m.counts);
        }
        for p in &self.by_person {
            row("person", p.user.as_str(), &p.counts);
        }
        row("total", "all", &self.totals);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_has_a_row_per_day_method_and_person_and_a_total() {
        let mut c = Counts::default();
        c.add(Tally::SignIns, 3);
        c.add(Tally::Lockouts, 1);
        let report = MfaReport {
            from: UnixMillis(0),
            to: UnixMillis(86_400_000),
            days: vec![DayCounts { day: UnixMillis(0), counts: c.clone() }],
            by_method: vec![MethodCounts { method: ReportMethod::Passkey, counts: c.clone() }],
            by_person: vec![PersonCounts {
                user: UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap(),
                counts: c.clone(),
            }],
            totals: c,
        };
        let csv = report.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[0].starts_with("section,key,sign_ins,sign_in_failures,verified"));
        assert_eq!(lines[1], "day,1970-01-01,3,0,0,0,0,0,1,0,0,0");
        assert!(lines[2].starts_with("method,passkey,3,"));
        assert!(lines[3].starts_with("person,0f8fad5b-d9cb-469f-a165-70867728950e,3,"));
        assert!(lines[4].starts_with("total,all,3,"));
    }
}
