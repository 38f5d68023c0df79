//! The ticket-number pattern a role may require: a small, safe pattern language with no regex
//! engine behind it.
//!
//! # Syntax
//!
//! A pattern is a sequence of atoms, each optionally followed by a repetition:
//! - `#` one ASCII digit; `@` one ASCII letter; `*` one ASCII letter or digit;
//! - `\c` the character `c` literally (to match `#`, `@`, `*`, `{`, `}` or `\`);
//! - any other printable ASCII character (not space) matches itself, case-sensitively;
//! - `{n}` after an atom repeats it exactly `n` times, `{m,n}` between `m` and `n` times
//!   (`0 <= m <= n <= 64`, `n >= 1`).
//!
//! The whole ticket number must match (the pattern is anchored at both ends). Examples:
//! `INC#{7}` matches `INC0012345`; `@{2,10}-#{1,6}` matches `OPS-42`; `CHG\#*{4}` matches `CHG#a1B2`.
//!
//! Matching walks the atoms once, keeping the set of reachable positions in the input, so it takes
//! at most atoms × length × 64 steps: no pattern can make it slow. Patterns are at most 64
//! characters and 32 atoms long.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest pattern accepted, in characters.
pub const MAX_PATTERN_LEN: usize = 64;
/// The most atoms a pattern may have.
pub const MAX_ATOMS: usize = 32;
/// The largest repetition count.
pub const MAX_REPEAT: u8 = 64;

/// Why a pattern was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    #[error("the ticket pattern is empty")]
    Empty,
    #[error("the ticket pattern is longer than {MAX_PATTERN_LEN} characters")]
    TooLong,
    #[error("the ticket pattern has more than {MAX_ATOMS} parts")]
    TooManyAtoms,
    #[error("the ticket pattern has a character that is not printable ASCII at position {0}")]
    BadCharacter(usize),
    #[error("the ticket pattern ends with a lone backslash")]
    DanglingEscape,
    #[error("the ticket pattern has a repetition with nothing to repeat at position {0}")]
    NothingToRepeat(usize),
    #[error("the ticket pattern has a malformed repetition at position {0}")]
    BadRepetition(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Digit,
    Letter,
    Alphanumeric,
    Literal(u8),
}

impl Class {
    fn matches(self, b: u8) -> bool {
        match self {
            Self::Digit => b.is_ascii_digit(),
            Self::Letter => b.is_ascii_alphabetic(),
            Self::Alphanumeric => b.is_ascii_alphanumeric(),
            Self::Literal(c) => b == c,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Atom {
    class: Class,
    min: u8,
    max: u8,
}

/// A parsed ticket pattern. Serialised as its source text; deserialising parses it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketPattern {
    source: String,
    atoms: Vec<Atom>,
}

impl TicketPattern {
    /// Parses `source` in the syntax above.
    pub fn parse(source: impl Into<String>) -> Result<Self, PatternError> {
        let source = source.into();
        if source.is_empty() {
            return Err(PatternError::Empty);
        }
        if source.len() > MAX_PATTERN_LEN {
            return Err(PatternError::TooLong);
        }
        let bytes = source.as_bytes();
        if let Some(i) = bytes.iter().position(|b| !b.is_ascii_graphic()) {
            return Err(PatternError::BadCharacter(i));
        }
        let mut atoms: Vec<Atom> = Vec::new();
        // Whether the last atom may still take a repetition (it has not had one yet).
        let mut can_repeat = false;
        let mut i = 0;
        while i < bytes.len() {
            let class = match bytes[i] {
                b'#' => Class::Digit,
                b'@' => Class::Letter,
                b'*' => Class::Alphanumeric,
                b'\\' => {
                    i += 1;
                    Class::Literal(*bytes.get(i).ok_or(PatternError::DanglingEscape)?)
                }
                b'{' => {
                    let (min, max, next) = parse_repetition(bytes, i)?;
                    let last = atoms.last_mut().ok_or(PatternError::NothingToRepeat(i))?;
                    if !can_repeat {
                        return Err(PatternError::BadRepetition(i));
                    }
                    last.min = min;
                    last.max = max;
                    can_repeat = false;
                    i = next;
                    continue;
                }
                b'}' => return Err(PatternError::BadRepetition(i)),
                c => Class::Literal(c),
            };
            if atoms.len() == MAX_ATOMS {
                return Err(PatternError::TooManyAtoms);
            }
            atoms.push(Atom { class, min: 1, max: 1 });
            can_repeat = true;
            i += 1;
        }
        Ok(Self { source, atoms })
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `input` matches the pattern.
    #[must_use]
    pub fn matches(&self, input: &str) -> bool {
        let input = input.as_bytes();
        let mut reachable = vec![false; input.len() + 1];
        reachable[0] = true;
        for atom in &self.atoms {
            let mut next = vec![false; input.len() + 1];
            for start in (0..=input.len()).filter(|&p| reachable[p]) {
                let mut pos = start;
                for count in 0..=atom.max {
                    if count >= atom.min {
                        next[pos] = true;
                    }
                    match input.get(pos) {
                        Some(&b) if count < atom.max && atom.class.matches(b) => pos += 1,
                        _ => break,
                    }
                }
            }
            reachable = next;
        }
        reachable[input.len()]
    }
}

/// Parses `{n}` or `{m,n}` starting at `open`; returns `(min, max, index after '}')`.
fn parse_repetition(bytes: &[u8], open: usize) -> Result<(u8, u8, usize), PatternError> {
    let bad = PatternError::BadRepetition(open);
    let close = bytes[open..].iter().position(|&b| b == b'}').ok_or(bad.clone())? + open;
    let inner = std::str::from_utf8(&bytes[open + 1..close]).map_err(|_| bad.clone())?;
    let number = |s: &str| -> Result<u8, PatternError> {
        if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad.clone());
        }
        s.parse::<u8>().map_err(|_| bad.clone())
    };
    let (min, max) = match inner.split_once(',') {
        None => {
            let n = number(inner)?;
            (n, n)
        }
        Some((m, n)) => (number(m)?, number(n)?),
    };
    if max == 0 || min > max || max > MAX_REPEAT {
        return Err(bad);
    }
    Ok((min, max, close + 1))
}

impl TryFrom<String> for TicketPattern {
    type Error = PatternError;
    fn try_from(raw: String) -> Result<Self, PatternError> {
        Self::parse(raw)
    }
}

impl From<TicketPattern> for String {
    fn from(p: TicketPattern) -> String {
        p.source
    }
}

impl fmt::Display for TicketPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn matching_table() {
        let table: &[(&str, &str, bool)] = &[
            ("INC#{7}", "INC0012345", true),
            ("INC#{7}", "INC001234", false),
            ("INC#{7}", "INC00123456", false),
            ("INC#{7}", "inc0012345", false),
            ("@{2,10}-#{1,6}", "OPS-42", true),
            ("@{2,10}-#{1,6}", "O-42", false),
            ("@{2,10}-#{1,6}", "OPS-", false),
            ("CHG\\#*{4}", "CHG#a1B2", true),
            ("CHG\\#*{4}", "CHGxa1B2", false),
            ("#{0,3}#", "1", true),
            ("#{0,3}#", "1234", true),
            ("#{0,3}#", "12345", false),
            ("*{1,64}", &"a".repeat(64), true),
            ("*{1,64}", &"a".repeat(65), false),
            ("a\\{b", "a{b", true),
        ];
        for (pattern, input, expected) in table {
            let p = TicketPattern::parse(*pattern).unwrap();
            assert_eq!(p.matches(input), *expected, "{pattern} ~ {input}");
        }
    }

    #[test]
    fn bad_patterns_are_refused() {
        let table: &[(&str, PatternError)] = &[
            ("", PatternError::Empty),
            ("a b", PatternError::BadCharacter(1)),
            ("ab\\", PatternError::DanglingEscape),
            ("{3}", PatternError::NothingToRepeat(0)),
            ("#{3", PatternError::BadRepetition(1)),
            ("#{0}", PatternError::BadRepetition(1)),
            ("#{5,2}", PatternError::BadRepetition(1)),
            ("#{65}", PatternError::BadRepetition(1)),
            ("#{2}{3}", PatternError::BadRepetition(4)),
            ("#{1}{3}", PatternError::BadRepetition(4)),
            ("#}", PatternError::BadRepetition(1)),
            ("#{a}", PatternError::BadRepetition(1)),
        ];
        for (pattern, err) in table {
            assert_eq!(TicketPattern::parse(*pattern).as_ref().err(), Some(err), "{pattern}");
        }
        assert_eq!(TicketPattern::parse("#".repeat(33)), Err(PatternError::TooManyAtoms));
        assert_eq!(TicketPattern::parse("#".repeat(65)), Err(PatternError::TooLong));
    }

    #[test]
    fn serialises_as_its_source() {
        let p = TicketPattern::parse("INC#{7}").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"INC#{7}\"");
        let back: TicketPattern = serde_json::from_str("\"INC#{7}\"").unwrap();
        assert_eq!(back, p);
        assert!(serde_json::from_str::<TicketPattern>("\"{\"").is_err());
    }
}
