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

impl UnixMillis {
    /// The instant as RFC 3339 in UTC with milliseconds (`2026-11-29T11:27:01.123Z`), for exports
    /// that spreadsheets and log tools read.
    #[must_use]
    pub fn to_rfc3339(self) -> String {
        let secs = self.0 / 1000;
        let (days, rest) = (secs / 86_400, secs % 86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60,
            self.0 % 1000
        )
    }
}

/// Year, month, day of the `days`-th day after 1970-01-01 (Howard Hinnant's `civil_from_days`,
/// proleptic Gregorian).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
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

    #[test]
    fn instants_format_as_rfc3339_utc() {
        assert_eq!(UnixMillis(0).to_rfc3339(), "1970-01-01T00:00:00.000Z");
        // As `date -u -d @1795951570 +%FT%T` prints it; then a leap day and a year end.
        assert_eq!(UnixMillis(1_795_951_570_297).to_rfc3339(), "2026-11-29T11:26:10.297Z");
        assert_eq!(UnixMillis(951_782_400_000).to_rfc3339(), "2000-02-29T00:00:00.000Z");
        assert_eq!(UnixMillis(1_704_067_199_999).to_rfc3339(), "2023-12-31T23:59:59.999Z");
    }
}
