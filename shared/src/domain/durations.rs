//! Typed spans of time with the ranges the settings and requests allow.
//!
//! Each is a [`DurationMs`] that was checked against its range and granularity when it was built,
//! including when deserialised (the wire form is the plain millisecond count), so code that holds
//! one never re-checks it.

use crate::time::DurationMs;
use serde::{Deserialize, Serialize};

/// Why a span was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("{what} must be between {min_ms} ms and {max_ms} ms")]
    OutOfRange { what: &'static str, min_ms: u64, max_ms: u64 },
    #[error("{what} must be a whole number of {unit}")]
    BadGranularity { what: &'static str, unit: &'static str },
}

const MINUTE: u64 = 60_000;
const DAY: u64 = 86_400_000;

macro_rules! bounded_duration {
    ($(#[$meta:meta])* $name:ident, $what:literal, min = $min:expr, max = $max:expr, step = $step:expr, unit = $unit:literal, default = $default:expr) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "DurationMs", into = "DurationMs")]
        pub struct $name(DurationMs);

        impl $name {
            /// The shortest value allowed.
            pub const MIN: DurationMs = DurationMs($min);
            /// The longest value allowed.
            pub const MAX: DurationMs = DurationMs($max);

            /// Checks range and granularity.
            pub const fn new(d: DurationMs) -> Result<Self, DurationError> {
                if d.0 < $min || d.0 > $max {
                    return Err(DurationError::OutOfRange { what: $what, min_ms: $min, max_ms: $max });
                }
                if d.0 % $step != 0 {
                    return Err(DurationError::BadGranularity { what: $what, unit: $unit });
                }
                Ok(Self(d))
            }

            /// The span itself.
            #[must_use]
            pub const fn get(self) -> DurationMs {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self(DurationMs($default))
            }
        }

        impl TryFrom<DurationMs> for $name {
            type Error = DurationError;
            fn try_from(d: DurationMs) -> Result<Self, DurationError> {
                Self::new(d)
            }
        }

        impl From<$name> for DurationMs {
            fn from(v: $name) -> DurationMs {
                v.0
            }
        }
    };
}

bounded_duration!(
    /// A role's maximum activation duration: 1 to 24 hours, in whole minutes. Default 8 hours.
    MaxActivation, "maximum activation duration",
    min = 60 * MINUTE, max = 24 * 60 * MINUTE, step = MINUTE, unit = "minutes", default = 8 * 60 * MINUTE
);
bounded_duration!(
    /// How long a requester asks to hold a role: 5 minutes to 24 hours, in whole minutes. Whether
    /// it fits the role is a separate check against its [`MaxActivation`]. Default 1 hour.
    ActivationDuration, "activation duration",
    min = 5 * MINUTE, max = 24 * 60 * MINUTE, step = MINUTE, unit = "minutes", default = 60 * MINUTE
);
bounded_duration!(
    /// How long an MFA done earlier in the session still counts: 1 minute to 8 hours, whole
    /// minutes. Default 10 minutes.
    FreshnessWindow, "MFA freshness window",
    min = MINUTE, max = 8 * 60 * MINUTE, step = MINUTE, unit = "minutes", default = 10 * MINUTE
);
bounded_duration!(
    /// The last part of an activation in which Extend is offered: 5 minutes to 4 hours, whole
    /// minutes. Default 30 minutes.
    ExtensionWindow, "extension window",
    min = 5 * MINUTE, max = 4 * 60 * MINUTE, step = MINUTE, unit = "minutes", default = 30 * MINUTE
);
bounded_duration!(
    /// How long a request may wait for MFA or approval before it expires: 1 hour to 7 days, whole
    /// minutes. Default 24 hours.
    PendingExpiry, "pending request expiry",
    min = 60 * MINUTE, max = 7 * DAY, step = MINUTE, unit = "minutes", default = DAY
);
bounded_duration!(
    /// The longest a time-bound assignment may last: 1 day to 5 years (1826 days), whole days.
    /// Default 365 days.
    AssignmentMaxDuration, "maximum assignment duration",
    min = DAY, max = 1826 * DAY, step = DAY, unit = "days", default = 365 * DAY
);

impl MaxActivation {
    /// Whole hours, for settings forms.
    pub const fn from_hours(h: u64) -> Result<Self, DurationError> {
        Self::new(DurationMs::from_hours(h))
    }
}

impl ActivationDuration {
    pub const fn from_minutes(m: u64) -> Result<Self, DurationError> {
        Self::new(DurationMs::from_mins(m))
    }
}

impl FreshnessWindow {
    pub const fn from_minutes(m: u64) -> Result<Self, DurationError> {
        Self::new(DurationMs::from_mins(m))
    }
}

impl ExtensionWindow {
    pub const fn from_minutes(m: u64) -> Result<Self, DurationError> {
        Self::new(DurationMs::from_mins(m))
    }
}

impl PendingExpiry {
    pub const fn from_hours(h: u64) -> Result<Self, DurationError> {
        Self::new(DurationMs::from_hours(h))
    }
}

impl AssignmentMaxDuration {
    pub const fn from_days(d: u64) -> Result<Self, DurationError> {
        Self::new(DurationMs(d * DAY))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_activation_is_one_to_twenty_four_hours() {
        assert!(MaxActivation::from_hours(0).is_err());
        assert!(MaxActivation::from_hours(1).is_ok());
        assert!(MaxActivation::from_hours(24).is_ok());
        assert!(MaxActivation::from_hours(25).is_err());
        assert!(matches!(
            MaxActivation::new(DurationMs::from_secs(3601)),
            Err(DurationError::BadGranularity { .. })
        ));
        assert_eq!(MaxActivation::default().get(), DurationMs::from_hours(8));
    }

    #[test]
    fn defaults_are_in_range() {
        assert!(ActivationDuration::new(ActivationDuration::default().get()).is_ok());
        assert!(FreshnessWindow::new(FreshnessWindow::default().get()).is_ok());
        assert!(ExtensionWindow::new(ExtensionWindow::default().get()).is_ok());
        assert_eq!(PendingExpiry::default().get(), DurationMs::from_hours(24));
        assert!(AssignmentMaxDuration::new(AssignmentMaxDuration::default().get()).is_ok());
    }

    #[test]
    fn deserialising_checks_the_range() {
        let ok: Result<MaxActivation, _> = serde_json::from_str("3600000");
        assert!(ok.is_ok());
        let bad: Result<MaxActivation, _> = serde_json::from_str("90000000");
        assert!(bad.is_err());
    }
}
