//! Validated free text: role names and descriptions, justifications, hints, reasons, tickets.
//!
//! Free text ends up in audit events, notifications and the UI, so it is bounded in length, has no
//! leading or trailing whitespace, and carries no control characters (multi-line fields allow
//! `\n` and `\t` only). Limits count Unicode scalar values, not bytes.

use crate::ids::{IdError, string_newtype};
use serde::{Deserialize, Serialize};

fn validate_text(raw: &str, what: &'static str, max: usize, multiline: bool) -> Result<(), IdError> {
    if raw.trim().is_empty() {
        return Err(IdError::Empty { what });
    }
    if raw.chars().count() > max {
        return Err(IdError::TooLong { what, max });
    }
    let bad_control = |c: char| c.is_control() && !(multiline && matches!(c, '\n' | '\t'));
    if raw.trim() != raw || raw.chars().any(bad_control) {
        return Err(IdError::BadCharacter { what });
    }
    Ok(())
}

fn validate_role_name(raw: &str) -> Result<(), IdError> {
    validate_text(raw, "role name", 100, false)
}

fn validate_description(raw: &str) -> Result<(), IdError> {
    validate_text(raw, "description", 2000, true)
}

fn validate_justification(raw: &str) -> Result<(), IdError> {
    validate_text(raw, "justification", 500, true)
}

fn validate_hint(raw: &str) -> Result<(), IdError> {
    validate_text(raw, "justification hint", 200, false)
}

fn validate_reason(raw: &str) -> Result<(), IdError> {
    validate_text(raw, "reason", 500, true)
}

fn validate_ticket_system(raw: &str) -> Result<(), IdError> {
    validate_text(raw, "ticket system", 64, false)
}

fn validate_ticket_number(raw: &str) -> Result<(), IdError> {
    const WHAT: &str = "ticket number";
    if raw.is_empty() {
        return Err(IdError::Empty { what: WHAT });
    }
    if raw.len() > 64 {
        return Err(IdError::TooLong { what: WHAT, max: 64 });
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(IdError::BadCharacter { what: WHAT });
    }
    Ok(())
}

string_newtype!(
    /// A role's display name ("Global Administrator").
    RoleName,
    validate_role_name
);
string_newtype!(
    /// What a role is for; may span lines.
    Description,
    validate_description
);
string_newtype!(
    /// Why the requester needs the role now; may span lines.
    Justification,
    validate_justification
);
string_newtype!(
    /// The hint a role shows next to its justification field ("Include the incident id").
    Hint,
    validate_hint
);
string_newtype!(
    /// Why an approver decided as they did, or why an administrator acted.
    Reason,
    validate_reason
);
string_newtype!(
    /// The ticket system a ticket number belongs to ("ServiceNow").
    TicketSystem,
    validate_ticket_system
);
string_newtype!(
    /// A ticket number: printable ASCII without spaces, at most 64 characters. Whether it has the
    /// role's expected shape is checked separately by a [`crate::domain::TicketPattern`].
    TicketNumber,
    validate_ticket_number
);

/// The ticket a requester cites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub system: TicketSystem,
    pub number: TicketNumber,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_bounded_trimmed_and_free_of_controls() {
        assert!(Justification::parse("Incident 42:\nrestore the VM").is_ok());
        assert!(Justification::parse("   ").is_err());
        assert!(Justification::parse(" padded").is_err());
        assert!(Justification::parse("bell\u{7}").is_err());
        assert!(Justification::parse("x".repeat(501)).is_err());
        assert!(RoleName::parse("two\nlines").is_err());
        assert!(Hint::parse("Include the incident id").is_ok());
    }

    #[test]
    fn ticket_numbers_are_printable_ascii() {
        assert!(TicketNumber::parse("INC0012345").is_ok());
        assert!(TicketNumber::parse("INC 1").is_err());
        assert!(TicketNumber::parse("INC\u{e9}").is_err());
        assert!(TicketNumber::parse("").is_err());
    }
}
