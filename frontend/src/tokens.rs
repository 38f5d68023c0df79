//! OATH hardware tokens as administrators import and see them: a CSV checked before it is sent,
//! every problem on its line; what the import will do, row by row (never a secret); its outcome in
//! words; and the inventory's order and count. Pure, so it is tested natively; the worker
//! validates every row again.

use crate::pages::format::{plural, sentence};
use crate::totp::describe;
use elevate_shared::api::oath::{OathImported, OathTokenSummary};
use elevate_shared::api::users::UserSummary;
use elevate_shared::domain::oath::{OathTokenRow, RowProblem, parse_csv, validate_rows};
use elevate_shared::ids::Username;

/// The line of a CSV the first data row is on when the header is the first line.
const FIRST_DATA_LINE: usize = 2;

/// One token an import will add, as the check lists it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub serial: String,
    /// e.g. "SHA1 · 6 digits · 30 s".
    pub params: String,
    /// Who it will be assigned to, as people recognise them.
    pub holder: Option<String>,
}

/// A CSV that passed the check: the rows to send, and what each will do. The rows hold secrets
/// (their `Debug` does not show them); drop them once sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    pub rows: Vec<OathTokenRow>,
    pub planned: Vec<Planned>,
}

/// Reads and validates a CSV the way the worker will, naming every problem by its line (the
/// header is line 1). With the directory at hand (`users`), a holder who is not in it is a
/// problem too; without it the worker is left to say so.
pub fn check_csv(text: &str, users: Option<&[UserSummary]>) -> Result<Checked, Vec<RowProblem>> {
    let rows = parse_csv(text)?;
    if rows.is_empty() {
        // `parse_csv` found a header, so there is a first non-blank line.
        let header = text.lines().position(|l| !l.trim().is_empty()).unwrap_or(0) + 1;
        return Err(vec![RowProblem {
            line: header + 1,
            problem: "there are no tokens after the header".into(),
        }]);
    }
    // `validate_rows` counts rows from the first data line; blank lines it skipped still count
    // in the text, so each problem is moved to the line its row is really on.
    let lines = data_lines(text);
    let at = |line: usize| line.checked_sub(FIRST_DATA_LINE).and_then(|i| lines.get(i)).copied();
    let mut problems = Vec::new();
    let tokens = match validate_rows(&rows, FIRST_DATA_LINE) {
        Ok(tokens) => tokens,
        Err(found) => {
            problems = found;
            Vec::new()
        }
    };
    for p in &mut problems {
        p.line = at(p.line).unwrap_or(p.line);
    }
    if let Some(users) = users {
        for (i, row) in rows.iter().enumerate() {
            let Some(Ok(username)) = holder(row).map(Username::parse) else { continue };
            if !users.iter().any(|u| u.username == username) {
                let line = at(FIRST_DATA_LINE + i).unwrap_or(FIRST_DATA_LINE + i);
                problems.push(RowProblem { line, problem: format!("there is no user {username}") });
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems);
    }
    let planned = tokens
        .iter()
        .map(|t| Planned {
            serial: t.serial.to_string(),
            params: describe(t.params),
            holder: t.user.as_ref().map(|u| holder_name(users.unwrap_or_default(), u)),
        })
        .collect();
    Ok(Checked { rows, planned })
}

/// The username a row assigns its token to, as typed.
fn holder(row: &OathTokenRow) -> Option<&str> {
    row.user.as_deref().map(str::trim).filter(|u| !u.is_empty())
}

/// The 1-based numbers of the lines that hold data rows: the non-blank lines after the header
/// (the first non-blank line), as `parse_csv` reads them.
fn data_lines(text: &str) -> Vec<usize> {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).skip(1).map(|(i, _)| i + 1).collect()
}

/// A person named in an import: "Bob Builder (bob)", or the username when they are not listed.
fn holder_name(users: &[UserSummary], username: &Username) -> String {
    users
        .iter()
        .find(|u| &u.username == username)
        .map_or_else(|| username.to_string(), |u| format!("{} ({})", u.display_name, u.username))
}

/// What a checked row will do, in a line: "HW-1 · SHA1 · 6 digits · 30 s · assigned to Bob (bob)".
pub fn summary(p: &Planned) -> String {
    let to = p.holder.as_ref().map_or_else(|| "not assigned".to_owned(), |h| format!("assigned to {h}"));
    format!("{} · {} · {to}", p.serial, p.params)
}

/// A problem as the list shows it: "Line 3: the token serial has a character it may not have".
pub fn problem_text(p: &RowProblem) -> String {
    format!("Line {}: {}", p.line, p.problem)
}

/// The token typed in the single-token form, checked as an import row would be. Spaces in the
/// secret (vendors print it in groups) are dropped.
pub fn single_row(
    serial: &str,
    secret: &str,
    digits: &str,
    period: &str,
    algorithm: &str,
) -> Result<OathTokenRow, String> {
    let row = OathTokenRow {
        serial: serial.trim().to_owned(),
        secret: secret.split_whitespace().collect(),
        digits: digits.trim().parse().ok(),
        period_secs: period.trim().parse().ok(),
        algorithm: Some(algorithm.trim().to_owned()).filter(|a| !a.is_empty()),
        user: None,
    };
    match row.validate(1) {
        Ok(_) => Ok(row),
        Err(p) => Err(sentence(&p.problem)),
    }
}

/// The outcome of an import: "Imported 2 tokens; assigned HW-1 to bob." (usernames as the worker
/// answers them).
pub fn imported_text(r: &OathImported) -> String {
    let count = plural(r.imported, "token", "tokens");
    if r.assigned.is_empty() {
        return format!("Imported {count}.");
    }
    let assigned: Vec<String> =
        r.assigned.iter().map(|a| format!("{} to {}", a.serial, a.username)).collect();
    format!("Imported {count}; assigned {}.", assigned.join(", "))
}

/// The inventory's order: tokens still to hand out first, then by serial.
pub fn inventory_order(tokens: &mut [OathTokenSummary]) {
    tokens.sort_by(|a, b| {
        (a.assigned_to.is_some(), a.serial.as_str()).cmp(&(b.assigned_to.is_some(), b.serial.as_str()))
    });
}

/// The inventory in a line: "3 tokens, 1 not assigned".
pub fn inventory_count(tokens: &[OathTokenSummary]) -> String {
    if tokens.is_empty() {
        return "No tokens imported yet.".to_owned();
    }
    let free = tokens.iter().filter(|t| t.assigned_to.is_none()).count();
    format!("{}, {free} not assigned.", plural(tokens.len(), "token", "tokens"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::api::oath::OathAssignment;
    use elevate_shared::api::users::AccountStatus;
    use elevate_shared::domain::oath::OathSerial;
    use elevate_shared::domain::totp::TotpParams;
    use elevate_shared::ids::{DisplayName, UserId};
    use elevate_shared::time::UnixMillis;

    const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    const BOB: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn bob() -> UserSummary {
        UserSummary {
            id: UserId::parse(BOB).unwrap(),
            username: Username::parse("bob").unwrap(),
            display_name: DisplayName::parse("Bob Builder").unwrap(),
            is_admin: false,
            created_at: UnixMillis(0),
            status: AccountStatus::default(),
        }
    }

    fn lines(problems: &[RowProblem]) -> Vec<usize> {
        problems.iter().map(|p| p.line).collect()
    }

    #[test]
    fn a_good_csv_is_planned_row_by_row_without_its_secrets() {
        let csv = format!(
            "serial,secret,digits,period,algorithm,user\nHW-1,{SECRET},6,30,SHA1,bob\nHW-2,{SECRET},8,60,sha256,\n"
        );
        let checked = check_csv(&csv, Some(&[bob()])).unwrap();
        assert_eq!(checked.rows.len(), 2);
        let lines: Vec<String> = checked.planned.iter().map(summary).collect();
        assert_eq!(
            lines,
            [
                "HW-1 · SHA1 · 6 digits · 30 s · assigned to Bob Builder (bob)",
                "HW-2 · SHA256 · 8 digits · 60 s · not assigned"
            ]
        );
        assert!(!format!("{checked:?}").contains(SECRET), "a check never prints a secret");
        // Without the directory a holder is named by username.
        let checked = check_csv(&csv, None).unwrap();
        assert_eq!(checked.planned[0].holder.as_deref(), Some("bob"));
    }

    #[test]
    fn every_problem_is_named_by_the_line_it_is_on() {
        // Line 3 is blank; the bad rows are on lines 4 (serial) and 6 (secret) and 7 (a repeat).
        let csv = format!(
            "serial,secret\nHW-1,{SECRET}\n\nHW 2,{SECRET}\nHW-3,{SECRET}\nHW-4,nope!\nHW-1,{SECRET}\n"
        );
        let problems = check_csv(&csv, None).unwrap_err();
        assert_eq!(lines(&problems), [4, 6, 7]);
        assert!(problem_text(&problems[2]).starts_with("Line 7: serial HW-1 appears twice"));
        // Without blank lines the numbers are validate_rows' own.
        let csv = format!("serial,secret\nHW 1,{SECRET}\nHW-2,{SECRET}\n");
        assert_eq!(lines(&check_csv(&csv, None).unwrap_err()), [2]);
        // A row that does not read at all is reported by parse_csv, on its line.
        let csv = format!("serial,secret\n\nHW-1,{SECRET},8\n");
        assert_eq!(lines(&check_csv(&csv, None).unwrap_err()), [3]);
        assert_eq!(lines(&check_csv("", None).unwrap_err()), [1]);
        assert_eq!(lines(&check_csv("\nserial,secret\n\n", None).unwrap_err()), [3]);
        assert_eq!(lines(&check_csv("id,key\n1,2\n", None).unwrap_err()), [1]);
    }

    #[test]
    fn a_holder_missing_from_the_directory_is_a_problem_when_the_directory_is_known() {
        let csv =
            format!("serial,secret,user\nHW-1,{SECRET},bob\nHW-2,{SECRET},carol\nHW-3,{SECRET},Bad Name\n");
        let problems = check_csv(&csv, Some(&[bob()])).unwrap_err();
        assert_eq!(lines(&problems), [3, 4], "sorted by line");
        assert_eq!(problem_text(&problems[0]), "Line 3: there is no user carol");
        assert!(problems[1].problem.contains("username"), "{problems:?}");
        // Without the directory only the worker can tell.
        let csv = format!("serial,secret,user\nHW-1,{SECRET},carol\n");
        assert!(check_csv(&csv, None).is_ok());
    }

    #[test]
    fn a_single_token_is_checked_as_a_row_and_its_secret_may_be_grouped() {
        let row =
            single_row(" HW-9 ", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ", "8", "60", "SHA512").unwrap();
        assert_eq!((row.serial.as_str(), row.secret.as_str()), ("HW-9", SECRET));
        assert_eq!(
            (row.digits, row.period_secs, row.algorithm.as_deref()),
            (Some(8), Some(60), Some("SHA512"))
        );
        assert_eq!(row.user, None);
        let refused = |serial: &str, secret: &str| single_row(serial, secret, "6", "30", "SHA1").unwrap_err();
        assert_eq!(refused("", SECRET), "Token serial must not be empty.");
        assert!(refused("HW-1", "").starts_with(|c: char| c.is_uppercase()));
        assert!(refused("HW-1", "").ends_with('.'));
        assert!(!refused("HW-1", "short").contains("short"), "a secret is never quoted back");
    }

    #[test]
    fn messages_become_sentences() {
        assert_eq!(sentence("there is no user bob"), "There is no user bob.");
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(sentence("  "), "");
    }

    #[test]
    fn an_import_says_how_many_and_who_got_which() {
        let assigned = |serial: &str, user: &str| OathAssignment {
            serial: OathSerial::parse(serial).unwrap(),
            username: Username::parse(user).unwrap(),
        };
        let text = |imported, assigned| imported_text(&OathImported { imported, assigned });
        assert_eq!(text(1, vec![]), "Imported 1 token.");
        assert_eq!(text(3, vec![assigned("HW-1", "bob")]), "Imported 3 tokens; assigned HW-1 to bob.");
        assert_eq!(
            text(2, vec![assigned("HW-1", "bob"), assigned("HW-2", "carol")]),
            "Imported 2 tokens; assigned HW-1 to bob, HW-2 to carol."
        );
    }

    #[test]
    fn the_inventory_lists_free_tokens_first_and_counts_them() {
        let token = |serial: &str, held: bool| OathTokenSummary {
            serial: OathSerial::parse(serial).unwrap(),
            params: TotpParams::default(),
            imported_at: UnixMillis(0),
            assigned_to: held.then(|| UserId::parse(BOB).unwrap()),
        };
        let mut tokens = vec![token("HW-3", false), token("HW-1", true), token("HW-2", false)];
        inventory_order(&mut tokens);
        let serials: Vec<&str> = tokens.iter().map(|t| t.serial.as_str()).collect();
        assert_eq!(serials, ["HW-2", "HW-3", "HW-1"]);
        assert_eq!(inventory_count(&tokens), "3 tokens, 2 not assigned.");
        assert_eq!(inventory_count(&tokens[2..]), "1 token, 0 not assigned.");
        assert_eq!(inventory_count(&[]), "No tokens imported yet.");
    }
}
