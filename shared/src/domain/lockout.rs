//! Throttling and lock-out after repeated authentication failures (DESIGN §3.3).
//!
//! Why it looks like this: NIST SP 800-63B (§5.2.2) requires a verifier to limit consecutive failed
//! attempts on one account to no more than 100, and suggests growing waits before that so a
//! legitimate person who mistypes is slowed, not locked out. So a [`FailureCounter`] moves through
//! three phases under a [`LockoutPolicy`]:
//!
//! 1. the first `free_attempts` consecutive failures cost nothing;
//! 2. each further failure makes the next attempt wait `base_delay`, doubling every time, capped at
//!    `max_delay`;
//! 3. the `lockout_after`-th consecutive failure (at most 100) locks out until `lockout_duration`
//!    has passed. The count is *not* reset when the lock lifts: every further failure locks again
//!    at once, so past the threshold an attacker gets one guess per `lockout_duration`.
//!
//! Only a success ([`FailureCounter::record_success`]) or an administrator's
//! [`FailureCounter::unlock`] starts afresh. Each transition returns the new state and says what
//! happened ([`FailureOutcome::LockoutBegan`]) so the caller can audit it.
//!
//! The counter is plain data with no clock: `now` is a parameter. It is single-writer state, so it
//! lives in the user's Durable Object (DESIGN §4), never in eventually consistent KV.

use crate::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};

/// NIST SP 800-63B's ceiling on consecutive failed attempts.
pub const MAX_CONSECUTIVE_FAILURES: u32 = 100;

/// The numbers of a [`LockoutPolicy`], before validation; also its wire and config form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutSettings {
    /// Consecutive failures that cost no wait.
    pub free_attempts: u32,
    /// The wait after the first failure beyond the free ones; it doubles with each further one.
    pub base_delay: DurationMs,
    /// The longest wait before lock-out.
    pub max_delay: DurationMs,
    /// The consecutive failure that locks out: 1 to [`MAX_CONSECUTIVE_FAILURES`].
    pub lockout_after: u32,
    /// How long a lock-out lasts.
    pub lockout_duration: DurationMs,
}

/// Why lock-out settings were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LockoutPolicyError {
    #[error("lock-out must follow between 1 and {max} consecutive failures")]
    LockoutAfterOutOfRange { max: u32 },
    #[error("free attempts must be fewer than the failures that lock out")]
    TooManyFreeAttempts,
    #[error("delays must satisfy base delay <= maximum delay <= lock-out duration")]
    DelaysOutOfOrder,
    #[error("a lock-out must last between 1 second and {max_ms} ms")]
    LockoutDurationOutOfRange { max_ms: u64 },
}

/// How failures are throttled and when they lock out. Valid by construction, including when
/// deserialised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LockoutSettings", into = "LockoutSettings")]
pub struct LockoutPolicy(LockoutSettings);

impl LockoutPolicy {
    /// The longest lock-out allowed: longer ones amount to a disabled account, which is an
    /// administrator's decision, not a counter's.
    pub const MAX_LOCKOUT: DurationMs = DurationMs::from_hours(7 * 24);

    /// Validates `settings`.
    pub const fn new(settings: LockoutSettings) -> Result<Self, LockoutPolicyError> {
        let s = settings;
        if s.lockout_after == 0 || s.lockout_after > MAX_CONSECUTIVE_FAILURES {
            return Err(LockoutPolicyError::LockoutAfterOutOfRange { max: MAX_CONSECUTIVE_FAILURES });
        }
        if s.free_attempts >= s.lockout_after {
            return Err(LockoutPolicyError::TooManyFreeAttempts);
        }
        if s.lockout_duration.0 < 1000 || s.lockout_duration.0 > Self::MAX_LOCKOUT.0 {
            return Err(LockoutPolicyError::LockoutDurationOutOfRange { max_ms: Self::MAX_LOCKOUT.0 });
        }
        if s.base_delay.0 > s.max_delay.0 || s.max_delay.0 > s.lockout_duration.0 {
            return Err(LockoutPolicyError::DelaysOutOfOrder);
        }
        Ok(Self(s))
    }

    /// The validated numbers.
    #[must_use]
    pub const fn settings(self) -> LockoutSettings {
        self.0
    }

    /// The wait that `consecutive` failures impose before the next attempt (zero while free; the
    /// lock-out itself is separate).
    #[must_use]
    pub fn delay_after(self, consecutive: u32) -> DurationMs {
        let s = self.0;
        if consecutive <= s.free_attempts {
            return DurationMs(0);
        }
        let doublings = consecutive - s.free_attempts - 1;
        let factor = 1u64.checked_shl(doublings).unwrap_or(u64::MAX);
        DurationMs(s.base_delay.0.saturating_mul(factor).min(s.max_delay.0))
    }
}

impl Default for LockoutPolicy {
    /// Three free attempts; then 1 s, 2 s, 4 s … up to 30 s; the tenth consecutive failure locks
    /// for 15 minutes.
    fn default() -> Self {
        Self(LockoutSettings {
            free_attempts: 3,
            base_delay: DurationMs::from_secs(1),
            max_delay: DurationMs::from_secs(30),
            lockout_after: 10,
            lockout_duration: DurationMs::from_mins(15),
        })
    }
}

impl TryFrom<LockoutSettings> for LockoutPolicy {
    type Error = LockoutPolicyError;
    fn try_from(s: LockoutSettings) -> Result<Self, LockoutPolicyError> {
        Self::new(s)
    }
}

impl From<LockoutPolicy> for LockoutSettings {
    fn from(p: LockoutPolicy) -> Self {
        p.0
    }
}

/// Why an attempt may not be made now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum AttemptRefused {
    /// Too many recent failures: wait until `retry_at`.
    #[error("too many failed attempts; try again later")]
    Throttled { retry_at: UnixMillis },
    /// Locked out until `until` (or until an administrator unlocks).
    #[error("locked out after repeated failed attempts")]
    LockedOut { until: UnixMillis },
}

/// What a recorded failure did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum FailureOutcome {
    /// The next attempt may follow at once.
    RetryNow,
    /// The next attempt must wait until `retry_at`.
    Throttled { retry_at: UnixMillis },
    /// This failure began a lock-out: audit it.
    LockoutBegan { until: UnixMillis },
    /// The failure was recorded while a lock-out was already in force (the caller skipped
    /// [`FailureCounter::check`]); the lock-out is unchanged.
    AlreadyLockedOut { until: UnixMillis },
}

/// Consecutive failures of one method or account, and the lock-out they caused. Starts (and
/// restarts after a success or an unlock) as `FailureCounter::default()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureCounter {
    consecutive: u32,
    #[serde(default)]
    last_failure_at: Option<UnixMillis>,
    /// The end of the latest lock-out, kept after it passes: it records that one was reached.
    #[serde(default)]
    locked_until: Option<UnixMillis>,
}

impl FailureCounter {
    /// Failures since the last success or unlock.
    #[must_use]
    pub const fn consecutive(&self) -> u32 {
        self.consecutive
    }

    /// When the latest of them happened.
    #[must_use]
    pub const fn last_failure_at(&self) -> Option<UnixMillis> {
        self.last_failure_at
    }

    /// The end of the latest lock-out, which may have passed.
    #[must_use]
    pub const fn locked_until(&self) -> Option<UnixMillis> {
        self.locked_until
    }

    /// Whether a lock-out is in force at `now`.
    #[must_use]
    pub fn is_locked_out(&self, now: UnixMillis) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// Whether an attempt may be made at `now`. Call before verifying anything.
    pub fn check(&self, policy: LockoutPolicy, now: UnixMillis) -> Result<(), AttemptRefused> {
        if let Some(until) = self.locked_until
            && now < until
        {
            return Err(AttemptRefused::LockedOut { until });
        }
        // Concurrent attempts can arrive with a `now` slightly before the last failure's; a zero
        // delay must still never throttle them.
        let delay = policy.delay_after(self.consecutive);
        if let Some(last) = self.last_failure_at
            && delay.0 > 0
            && now < last.plus(delay)
        {
            return Err(AttemptRefused::Throttled { retry_at: last.plus(delay) });
        }
        Ok(())
    }

    /// Records a failed attempt at `now`: counts it, and throttles or locks out as `policy` says.
    #[must_use]
    pub fn record_failure(self, policy: LockoutPolicy, now: UnixMillis) -> (Self, FailureOutcome) {
        let consecutive = self.consecutive.saturating_add(1);
        let last_failure_at = Some(now);
        if let Some(until) = self.locked_until
            && now < until
        {
            let next = Self { consecutive, last_failure_at, ..self };
            return (next, FailureOutcome::AlreadyLockedOut { until });
        }
        if consecutive >= policy.0.lockout_after {
            let until = now.plus(policy.0.lockout_duration);
            let next = Self { consecutive, last_failure_at, locked_until: Some(until) };
            return (next, FailureOutcome::LockoutBegan { until });
        }
        let next = Self { consecutive, last_failure_at, ..self };
        let delay = policy.delay_after(consecutive);
        if delay.0 == 0 {
            (next, FailureOutcome::RetryNow)
        } else {
            (next, FailureOutcome::Throttled { retry_at: now.plus(delay) })
        }
    }

    /// Records a success: everything starts afresh.
    #[must_use]
    pub fn record_success(self) -> Self {
        Self::default()
    }

    /// An administrator lifts the lock-out and clears the count (audit it as `unlocked`).
    #[must_use]
    pub fn unlock(self) -> Self {
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> LockoutSettings {
        LockoutPolicy::default().settings()
    }

    #[test]
    fn a_zero_delay_never_throttles_even_an_attempt_timed_before_the_last_failure() {
        let policy = LockoutPolicy::new(LockoutSettings {
            free_attempts: 5,
            base_delay: DurationMs(0),
            max_delay: DurationMs(0),
            lockout_after: 10,
            lockout_duration: DurationMs::from_mins(1),
        })
        .unwrap();
        let (counter, _) = FailureCounter::default().record_failure(policy, UnixMillis(1_000));
        assert_eq!(counter.check(policy, UnixMillis(999)), Ok(()));
    }

    #[test]
    fn default_policy_is_valid() {
        assert_eq!(LockoutPolicy::new(settings()), Ok(LockoutPolicy::default()));
    }

    #[test]
    fn settings_are_validated() {
        let with = |f: fn(&mut LockoutSettings)| {
            let mut s = settings();
            f(&mut s);
            LockoutPolicy::new(s)
        };
        let range = Err(LockoutPolicyError::LockoutAfterOutOfRange { max: 100 });
        assert_eq!(with(|s| s.lockout_after = 0), range);
        assert_eq!(with(|s| s.lockout_after = 101), range);
        assert!(with(|s| s.lockout_after = 100).is_ok());
        assert_eq!(with(|s| s.free_attempts = 10), Err(LockoutPolicyError::TooManyFreeAttempts));
        assert_eq!(
            with(|s| s.base_delay = DurationMs::from_mins(1)),
            Err(LockoutPolicyError::DelaysOutOfOrder)
        );
        assert_eq!(
            with(|s| s.max_delay = DurationMs::from_hours(1)),
            Err(LockoutPolicyError::DelaysOutOfOrder)
        );
        assert!(matches!(
            with(|s| s.lockout_duration = DurationMs(0)),
            Err(LockoutPolicyError::LockoutDurationOutOfRange { .. })
        ));
        assert!(matches!(
            with(|s| s.lockout_duration = DurationMs::from_hours(24 * 8)),
            Err(LockoutPolicyError::LockoutDurationOutOfRange { .. })
        ));
    }

    #[test]
    fn deserialising_validates() {
        let json = serde_json::to_string(&LockoutPolicy::default()).unwrap();
        assert_eq!(serde_json::from_str::<LockoutPolicy>(&json).unwrap(), LockoutPolicy::default());
        let too_many = json.replace("\"lockout_after\":10", "\"lockout_after\":101");
        assert!(serde_json::from_str::<LockoutPolicy>(&too_many).is_err());
    }

    #[test]
    fn delays_double_and_cap() {
        let p = LockoutPolicy::default();
        let secs: Vec<u64> = (0..=12).map(|n| p.delay_after(n).as_secs()).collect();
        assert_eq!(secs, [0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30, 30]);
        assert_eq!(p.delay_after(u32::MAX), DurationMs::from_secs(30));
    }
}
