//! Where a role applies: the directory (`/`) or a resource path below it.
//!
//! Scopes follow Azure's resource hierarchy
//! (`/tenants/t/subscriptions/s/resourceGroups/g/...`), and an assignment at a scope applies
//! at every scope below it. Containment is decided on whole path segments, never on string
//! prefixes: `/a/b` contains `/a/b/c` but not `/a/bc`. It is a partial order (reflexive,
//! antisymmetric, transitive), and `/` contains every scope.
//!
//! A scope is kept in one canonical form (leading `/`, no trailing `/`, no empty segments, no `.`
//! or `..`), so equal scopes are equal strings. Segments compare case-sensitively: where Azure would
//! treat `/A` and `/a` alike, Elevate treats them as different scopes, which can only refuse
//! access, never widen it.

use crate::ids::IdError;
use serde::{Deserialize, Serialize};
use std::fmt;

const WHAT: &str = "scope";
/// The most segments a scope may have.
pub const MAX_DEPTH: usize = 16;
/// The longest segment allowed.
pub const MAX_SEGMENT: usize = 90;
/// The longest scope allowed, in bytes.
pub const MAX_LEN: usize = 1024;

/// A canonical scope path. Built only through [`Scope::parse`] (also when deserialised).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Scope(String);

impl Scope {
    /// The directory: the root of every scope.
    #[must_use]
    pub fn directory() -> Self {
        Self("/".to_owned())
    }

    /// Validates a path such as `/tenants/contoso/subscriptions/prod`.
    pub fn parse(raw: impl Into<String>) -> Result<Self, IdError> {
        let raw = raw.into();
        if raw.is_empty() {
            return Err(IdError::Empty { what: WHAT });
        }
        if raw.len() > MAX_LEN {
            return Err(IdError::TooLong { what: WHAT, max: MAX_LEN });
        }
        if raw == "/" {
            return Ok(Self(raw));
        }
        let Some(rest) = raw.strip_prefix('/') else {
            return Err(IdError::BadFormat { what: WHAT });
        };
        let mut depth = 0;
        for segment in rest.split('/') {
            depth += 1;
            if segment.is_empty() || segment == "." || segment == ".." || segment.len() > MAX_SEGMENT {
                return Err(IdError::BadFormat { what: WHAT });
            }
            if !segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
                return Err(IdError::BadCharacter { what: WHAT });
            }
        }
        if depth > MAX_DEPTH {
            return Err(IdError::BadFormat { what: WHAT });
        }
        Ok(Self(raw))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the directory scope `/`.
    #[must_use]
    pub fn is_directory(&self) -> bool {
        self.0 == "/"
    }

    /// The path segments, outermost first; none for the directory.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// How many segments deep the scope is (the directory is 0).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.segments().count()
    }

    /// True when `other` is this scope or lies below it, segment by segment.
    #[must_use]
    pub fn contains(&self, other: &Scope) -> bool {
        let mut inner = other.segments();
        self.segments().all(|outer| inner.next() == Some(outer))
    }

    /// The scope one level up; `None` for the directory.
    #[must_use]
    pub fn parent(&self) -> Option<Scope> {
        if self.is_directory() {
            return None;
        }
        match self.0.rfind('/') {
            Some(0) | None => Some(Self::directory()),
            Some(i) => Some(Self(self.0[..i].to_owned())),
        }
    }
}

impl TryFrom<String> for Scope {
    type Error = IdError;
    fn try_from(raw: String) -> Result<Self, IdError> {
        Self::parse(raw)
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> String {
        s.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn s(raw: &str) -> Scope {
        Scope::parse(raw).unwrap()
    }

    #[test]
    fn canonical_form_only() {
        for ok in ["/", "/a", "/tenants/t/subscriptions/s/resourceGroups/g", "/a.b/c-d/e_f"] {
            assert!(Scope::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a", "/a/", "//a", "/a//b", "/./a", "/a/..", "/a b", "/a?b", "/\u{e9}"] {
            assert!(Scope::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Scope::parse(format!("/{}", "a/".repeat(MAX_DEPTH) + "a")).is_err());
    }

    #[test]
    fn containment_is_by_segment_not_by_prefix() {
        let table = [
            ("/", "/", true),
            ("/", "/a/b", true),
            ("/a", "/", false),
            ("/a/b", "/a/b", true),
            ("/a/b", "/a/b/c", true),
            ("/a/b", "/a/bc", false),
            ("/a/b", "/a", false),
            ("/a/bc", "/a/b", false),
            ("/A", "/a", false),
        ];
        for (outer, inner, expected) in table {
            assert_eq!(s(outer).contains(&s(inner)), expected, "{outer} contains {inner}");
        }
    }

    #[test]
    fn parents_walk_up_to_the_directory() {
        assert_eq!(s("/a/b").parent(), Some(s("/a")));
        assert_eq!(s("/a").parent(), Some(s("/")));
        assert_eq!(s("/").parent(), None);
        assert_eq!(s("/a/b/c").depth(), 3);
    }
}
