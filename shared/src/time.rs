//! Typed instants and durations.
//!
//! The core never reads a clock; callers pass `now` in as a [`UnixMillis`], taken at the edge
//! (the worker's `Date.now()`, or a test's fixed value).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnixMillis(pub u64);

impl UnixMillis {
    /// The instant `d` after `self`, saturating at the far future.
    #[must_use]
    pub fn plus(self, d: DurationMs) -> Self {
        Self(self.0.saturating_add(d.0))
    }

    /// The instant `d` before `self`, saturating at the epoch.
    #[must_use]
    pub fn minus(self, d: DurationMs) -> Self {
        Self(self.0.saturating_sub(d.0))
    }

    /// The time elapsed from `earlier` to `self`, zero if `earlier` is later.
    #[must_use]
    pub fn since(self, earlier: UnixMillis) -> DurationMs {
        DurationMs(self.0.saturating_sub(earlier.0))
    }

    /// Whole seconds since the epoch, as TOTP and cookies count time.
    #[must_use]
    pub fn as_unix_secs(self) -> u64 {
        self.0 / 1000
    }
}

impl fmt::Display for UnixMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

/// A span of time in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DurationMs(pub u64);

impl DurationMs {
    pub const fn from_secs(s: u64) -> Self {
        Self(s * 1000)
    }
    pub const fn from_mins(m: u64) -> Self {
        Self(m * 60_000)
    }
    pub const fn from_hours(h: u64) -> Self {
        Self(h * 3_600_000)
    }
    #[must_use]
    pub const fn as_secs(self) -> u64 {
        self.0 / 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        assert_eq!(UnixMillis(u64::MAX).plus(DurationMs(5)), UnixMillis(u64::MAX));
        assert_eq!(UnixMillis(5).since(UnixMillis(10)), DurationMs(0));
        assert_eq!(UnixMillis(10).since(UnixMillis(4)), DurationMs(6));
        assert_eq!(DurationMs::from_mins(5), DurationMs(300_000));
    }
}
