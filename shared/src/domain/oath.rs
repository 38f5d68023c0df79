//! OATH hardware tokens: the rows an administrator imports (singly or as CSV), validated before
//! anything is stored.
//!
//! A token is a TOTP generator whose secret the vendor supplies; it becomes one of a person's
//! TOTP methods when an administrator assigns it. The CSV format is one header line naming the
//! columns — `serial` and `secret` (base32) are required; `digits` (6), `period` (30),
//! `algorithm` (SHA1) and `user` (a username to assign to) are optional — then one token per
//! line. Values never contain commas, so no quoting is needed or accepted.

use crate::domain::totp::{TotpAlgorithm, TotpParams, TotpSecret};
use crate::ids::{IdError, Username};
use serde::{Deserialize, Serialize};

crate::ids::string_newtype!(
    /// A token's serial number as printed on it: 1–64 letters, digits, `-` or `_`.
    OathSerial,
    validate_serial
);

fn validate_serial(raw: &str) -> Result<(), IdError> {
    const WHAT: &str = "token serial";
    if raw.is_empty() {
        return Err(IdError::Empty { what: WHAT });
    }
    if raw.len() > 64 {
        return Err(IdError::TooLong { what: WHAT, max: 64 });
    }
    if !raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(IdError::BadCharacter { what: WHAT });
    }
    Ok(())
}

/// The most tokens one import takes.
pub const MAX_IMPORT: usize = 1_000;

/// One token as typed or read from a CSV line; nothing is validated yet.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OathTokenRow {
    pub serial: String,
    /// Base32, as vendors ship it.
    pub secret: String,
    #[serde(default)]
    pub digits: Option<u8>,
    #[serde(default)]
    pub period_secs: Option<u64>,
    #[serde(default)]
    pub algorithm: Option<String>,
    /// The username to assign the token to at import.
    #[serde(default)]
    pub user: Option<String>,
}

impl std::fmt::Debug for OathTokenRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OathTokenRow").field("serial", &self.serial).finish_non_exhaustive()
    }
}

/// A validated token.
#[derive(Clone, Debug)]
pub struct OathToken {
    pub serial: OathSerial,
    pub secret: TotpSecret,
    pub params: TotpParams,
    pub user: Option<Username>,
}

/// What is wrong with one row (`line` counts from 1, the header being line 1 in a CSV).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct RowProblem {
    pub line: usize,
    pub problem: String,
}

impl OathTokenRow {
    /// Validates the row; `line` names it in the error.
    pub fn validate(&self, line: usize) -> Result<OathToken, RowProblem> {
        let problem = |p: String| RowProblem { line, problem: p };
        let serial = OathSerial::parse(self.serial.trim()).map_err(|e| problem(e.to_string()))?;
        let secret = TotpSecret::from_base32(self.secret.trim()).map_err(|e| problem(e.to_string()))?;
        let algorithm = match self.algorithm.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => TotpAlgorithm::Sha1,
            Some(a) => match a.to_ascii_uppercase().replace('-', "").as_str() {
                "SHA1" => TotpAlgorithm::Sha1,
                "SHA256" => TotpAlgorithm::Sha256,
                "SHA512" => TotpAlgorithm::Sha512,
                _ => return Err(problem(format!("unknown algorithm {a:?}; use SHA1, SHA256 or SHA512"))),
            },
        };
        let params = TotpParams::new(algorithm, self.digits.unwrap_or(6), self.period_secs.unwrap_or(30))
            .map_err(|e| problem(e.to_string()))?;
        let user = match self.user.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(u) => Some(Username::parse(u).map_err(|e| problem(e.to_string()))?),
        };
        Ok(OathToken { serial, secret, params, user })
    }
}

/// Validates every row; any problem refuses the whole set (nothing half-imported), and a
/// serial twice is a problem.
pub fn validate_rows(rows: &[OathTokenRow], first_line: usize) -> Result<Vec<OathToken>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut tokens: Vec<OathToken> = Vec::new();
    if rows.len() > MAX_IMPORT {
        problems.push(RowProblem {
            line: first_line,
            problem: format!("at most {MAX_IMPORT} tokens per import"),
        });
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let serial = row.serial.trim();
        if seen.contains(&serial) {
            let problem = format!("serial {serial} appears twice");
            problems.push(RowProblem { line: first_line + i, problem });
            continue;
        }
        seen.push(serial);
        match row.validate(first_line + i) {
            Ok(t) => tokens.push(t),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() { Ok(tokens) } else { Err(problems) }
}

/// Reads the CSV format described in the module docs into rows (without validating values).
pub fn parse_csv(text: &str) -> Result<Vec<OathTokenRow>, Vec<RowProblem>> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((header_at, header)) = lines.next() else {
        return Err(vec![RowProblem { line: 1, problem: "the file is empty".into() }]);
    };
    let columns: Vec<String> =
        header.split(',').map(|c| c.trim().to_ascii_lowercase().replace(' ', "_")).collect();
    let find = |name: &str| columns.iter().position(|c| c == name);
    let (Some(serial), Some(secret)) = (find("serial"), find("secret")) else {
        return Err(vec![RowProblem {
            line: header_at + 1,
            problem: "the header must name the columns serial and secret".into(),
        }]);
    };
    let (digits, period, algorithm, user) = (find("digits"), find("period"), find("algorithm"), find("user"));
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (at, line) in lines {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != columns.len() {
            problems.push(RowProblem {
                line: at + 1,
                problem: format!("{} values for {} columns", cells.len(), columns.len()),
            });
            continue;
        }
        let cell = |i: Option<usize>| i.map(|i| cells[i]).filter(|c| !c.is_empty());
        let number = |i: Option<usize>, what: &str| -> Result<Option<u64>, RowProblem> {
            cell(i)
                .map(|c| c.parse::<u64>())
                .transpose()
                .map_err(|_| RowProblem { line: at + 1, problem: format!("{what} must be a whole number") })
        };
        let parsed = number(digits, "digits").and_then(|d| Ok((d, number(period, "period")?)));
        match parsed {
            Ok((d, p)) => rows.push(OathTokenRow {
                serial: cells[serial].to_owned(),
                secret: cells[secret].to_owned(),
                digits: d.map(|d| u8::try_from(d).unwrap_or(u8::MAX)),
                period_secs: p,
                algorithm: cell(algorithm).map(str::to_owned),
                user: cell(user).map(str::to_owned),
            }),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn a_csv_with_optional_columns_reads_and_validates() {
        let csv = format!(
            "Serial, Secret, Digits, Period, Algorithm, User\n\
             TOK-1, {SECRET}, 6, 30, SHA1, bob\n\
             \n\
             TOK-2, {}, 8, 60, sha256,\n",
            SECRET.to_lowercase()
        );
        let rows = parse_csv(&csv).unwrap();
        let tokens = validate_rows(&rows, 2).unwrap();
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[0].user.as_ref().map(Username::as_str), Some("bob"));
        assert_eq!((tokens[1].params.digits.get(), tokens[1].params.period_secs.secs()), (8, 60));
        assert_eq!(tokens[1].params.algorithm, TotpAlgorithm::Sha256);
        assert!(tokens[1].user.is_none());
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_accepted() {
        let csv = format!(
            "serial,secret,digits\nTOK-1,{SECRET},7\nTOK 2,{SECRET},6\nTOK-3,not base32!,6\nTOK-4,{SECRET}\nTOK-1,{SECRET},6\n"
        );
        let problems = match parse_csv(&csv) {
            Ok(rows) => validate_rows(&rows, 2).unwrap_err(),
            Err(p) => p,
        };
        assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [5], "the short row first");
        let rows = parse_csv(&csv.replace(&format!("TOK-4,{SECRET}\n"), "")).unwrap();
        let problems = validate_rows(&rows, 2).unwrap_err();
        assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 3, 4, 5]);
        assert!(problems[3].problem.contains("twice"));
        assert!(!format!("{:?}", rows[0]).contains(SECRET), "rows never print their secret");
    }

    #[test]
    fn a_header_without_serial_and_secret_is_refused() {
        assert_eq!(parse_csv("id,key\n1,2").unwrap_err()[0].line, 1);
        assert!(parse_csv("").is_err());
    }
}
