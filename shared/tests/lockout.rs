//! Throttling and lock-out: a walk through the default policy, and properties over arbitrary
//! policies and sequences — never more than `lockout_after` (≤ 100, NIST SP 800-63B) consecutive
//! failed attempts without a lock-out first, a lock-out refuses every attempt until it ends, and a
//! success or an unlock starts afresh.
#![allow(clippy::unwrap_used)]

use elevate_shared::domain::lockout::{
    AttemptRefused, FailureCounter, FailureOutcome, LockoutPolicy, LockoutSettings, MAX_CONSECUTIVE_FAILURES,
};
use elevate_shared::time::{DurationMs, UnixMillis};
use proptest::prelude::*;

const T0: UnixMillis = UnixMillis(1_700_000_000_000);

fn after(t: UnixMillis, ms: u64) -> UnixMillis {
    t.plus(DurationMs(ms))
}

fn just_before(t: UnixMillis) -> UnixMillis {
    UnixMillis(t.0 - 1)
}

#[test]
fn the_default_policy_throttles_then_locks_then_relocks() {
    let p = LockoutPolicy::default();
    let mut c = FailureCounter::default();
    let mut now = T0;
    assert_eq!(c.check(p, now), Ok(()));

    // Three free failures.
    for n in 1..=3 {
        let (next, outcome) = c.record_failure(p, now);
        c = next;
        assert_eq!(outcome, FailureOutcome::RetryNow, "failure {n}");
        assert_eq!(c.check(p, now), Ok(()));
    }
    // Then 1, 2, 4, 8, 16, 30 seconds.
    for (n, secs) in [(4, 1), (5, 2), (6, 4), (7, 8), (8, 16), (9, 30)] {
        let (next, outcome) = c.record_failure(p, now);
        c = next;
        let retry_at = now.plus(DurationMs::from_secs(secs));
        assert_eq!(outcome, FailureOutcome::Throttled { retry_at }, "failure {n}");
        assert_eq!(c.check(p, just_before(retry_at)), Err(AttemptRefused::Throttled { retry_at }));
        assert_eq!(c.check(p, retry_at), Ok(()));
        now = retry_at;
    }
    // The tenth locks out for 15 minutes.
    let (next, outcome) = c.record_failure(p, now);
    c = next;
    let until = now.plus(DurationMs::from_mins(15));
    assert_eq!(outcome, FailureOutcome::LockoutBegan { until });
    assert!(c.is_locked_out(now));
    assert_eq!(c.check(p, just_before(until)), Err(AttemptRefused::LockedOut { until }));
    assert_eq!(c.consecutive(), 10);

    // Once the lock lifts, one more failure locks again at once.
    now = until;
    assert_eq!(c.check(p, now), Ok(()));
    let (next, outcome) = c.record_failure(p, now);
    c = next;
    assert_eq!(outcome, FailureOutcome::LockoutBegan { until: now.plus(DurationMs::from_mins(15)) });
    assert_eq!(c.consecutive(), 11);

    // A success after it lifts starts afresh.
    now = now.plus(DurationMs::from_mins(15));
    c = c.record_success();
    assert_eq!(c, FailureCounter::default());
    assert_eq!(c.record_failure(p, now).1, FailureOutcome::RetryNow);
}

#[test]
fn the_hundredth_consecutive_failure_locks_and_the_hundred_and_first_is_refused() {
    let p = LockoutPolicy::new(LockoutSettings {
        free_attempts: 5,
        base_delay: DurationMs::from_secs(1),
        max_delay: DurationMs::from_mins(1),
        lockout_after: 100,
        lockout_duration: DurationMs::from_mins(30),
    })
    .unwrap();
    let mut c = FailureCounter::default();
    let mut now = T0;
    for n in 1..=100 {
        assert_eq!(c.check(p, now), Ok(()), "attempt {n}");
        let (next, outcome) = c.record_failure(p, now);
        c = next;
        match outcome {
            FailureOutcome::RetryNow => assert!(n <= 5),
            FailureOutcome::Throttled { retry_at } => now = retry_at,
            FailureOutcome::LockoutBegan { until } => {
                assert_eq!(n, 100);
                // The 101st attempt, however long it waits short of the end, is refused.
                for wait in [0, 60_000, 29 * 60_000] {
                    assert_eq!(c.check(p, after(now, wait)), Err(AttemptRefused::LockedOut { until }));
                }
            }
            FailureOutcome::AlreadyLockedOut { .. } => unreachable!(),
        }
    }
    assert!(c.locked_until().is_some());
}

#[test]
fn an_administrator_unlock_lifts_the_lockout_at_once() {
    let p = LockoutPolicy::new(LockoutSettings {
        free_attempts: 0,
        base_delay: DurationMs(0),
        max_delay: DurationMs(0),
        lockout_after: 1,
        lockout_duration: DurationMs::from_hours(1),
    })
    .unwrap();
    let (c, outcome) = FailureCounter::default().record_failure(p, T0);
    assert_eq!(outcome, FailureOutcome::LockoutBegan { until: T0.plus(DurationMs::from_hours(1)) });
    assert!(c.check(p, T0).is_err());
    let c = c.unlock();
    assert_eq!(c.check(p, T0), Ok(()));
    assert_eq!(c.consecutive(), 0);
}

#[test]
fn a_failure_recorded_during_a_lockout_does_not_extend_it() {
    let p = LockoutPolicy::default();
    let mut c = FailureCounter::default();
    for _ in 0..10 {
        c = c.record_failure(p, T0).0;
    }
    let until = c.locked_until().unwrap();
    let (c, outcome) = c.record_failure(p, after(T0, 1000));
    assert_eq!(outcome, FailureOutcome::AlreadyLockedOut { until });
    assert_eq!(c.locked_until(), Some(until));
    assert_eq!(c.consecutive(), 11);
}

#[test]
fn the_counter_round_trips_through_storage() {
    let (c, _) = FailureCounter::default().record_failure(LockoutPolicy::default(), T0);
    let json = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<FailureCounter>(&json).unwrap(), c);
    assert_eq!(
        serde_json::from_str::<FailureCounter>(r#"{"consecutive":0}"#).unwrap(),
        FailureCounter::default()
    );
}

// ---------------------------------------------------------------- properties

fn policy_strategy() -> impl Strategy<Value = LockoutPolicy> {
    // Small thresholds half the time, so that sequences reach (and pass) lock-outs often.
    prop_oneof![1u32..=12, 1u32..=MAX_CONSECUTIVE_FAILURES]
        .prop_flat_map(|lockout_after| {
            (Just(lockout_after), 0..lockout_after, 0u64..=5_000, 0u64..=60_000, 1_000u64..=3_600_000)
        })
        .prop_map(|(lockout_after, free_attempts, base, extra, duration)| {
            let max = (base + extra).min(duration);
            LockoutPolicy::new(LockoutSettings {
                free_attempts,
                base_delay: DurationMs(base.min(max)),
                max_delay: DurationMs(max),
                lockout_after,
                lockout_duration: DurationMs(duration),
            })
            .unwrap()
        })
}

#[derive(Clone, Debug)]
enum Op {
    /// Wait, then try; the attempt fails unless `succeeds`.
    Attempt { wait_ms: u64, succeeds: bool },
    /// An administrator unlocks.
    Unlock,
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let wait = prop_oneof![
        3 => Just(0u64),
        3 => 0u64..=70_000,
        1 => 0u64..=7_200_000,
    ];
    prop_oneof![
        40 => (wait.clone(), Just(false)).prop_map(|(wait_ms, succeeds)| Op::Attempt { wait_ms, succeeds }),
        1 => (wait, Just(true)).prop_map(|(wait_ms, succeeds)| Op::Attempt { wait_ms, succeeds }),
        1 => Just(Op::Unlock),
    ]
}

/// Plays `ops` as a caller does (check, then verify, then record) and checks the invariants.
fn play(policy: LockoutPolicy, ops: &[Op]) -> Result<(), TestCaseError> {
    let limit = policy.settings().lockout_after;
    let mut c = FailureCounter::default();
    let mut now = T0;
    // Failed attempts let through since the last lock-out began, success or unlock.
    let mut run = 0u32;
    // Failures since the last success or unlock.
    let mut since_reset = 0u32;
    let mut lock: Option<UnixMillis> = None;
    for op in ops {
        match *op {
            Op::Unlock => {
                c = c.unlock();
                run = 0;
                since_reset = 0;
                lock = None;
                prop_assert_eq!(c.check(policy, now), Ok(()));
            }
            Op::Attempt { wait_ms, succeeds } => {
                now = after(now, wait_ms);
                let verdict = c.check(policy, now);
                if let Some(until) = lock
                    && now < until
                {
                    prop_assert_eq!(verdict, Err(AttemptRefused::LockedOut { until }));
                }
                if verdict.is_err() {
                    continue;
                }
                if succeeds {
                    c = c.record_success();
                    run = 0;
                    since_reset = 0;
                    lock = None;
                    prop_assert_eq!(c.check(policy, now), Ok(()));
                    prop_assert_eq!(c.consecutive(), 0);
                    continue;
                }
                run += 1;
                since_reset += 1;
                prop_assert!(
                    run <= limit && run <= MAX_CONSECUTIVE_FAILURES,
                    "failure attempt {} let through without a lock-out (limit {})",
                    run,
                    limit
                );
                let (next, outcome) = c.record_failure(policy, now);
                c = next;
                prop_assert_eq!(c.consecutive(), since_reset);
                match outcome {
                    FailureOutcome::LockoutBegan { until } => {
                        prop_assert!(until > now);
                        prop_assert!(since_reset >= limit);
                        run = 0;
                        lock = Some(until);
                    }
                    FailureOutcome::AlreadyLockedOut { .. } => {
                        prop_assert!(false, "an attempt was let through during a lock-out");
                    }
                    FailureOutcome::Throttled { retry_at } => {
                        prop_assert!(since_reset < limit);
                        prop_assert_eq!(c.check(policy, now), Err(AttemptRefused::Throttled { retry_at }));
                    }
                    FailureOutcome::RetryNow => {
                        prop_assert!(since_reset <= policy.settings().free_attempts);
                    }
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any valid policy, any sequence: never more failures than `lockout_after` without a
    /// lock-out in between; a lock-out refuses everything until it ends; successes reset.
    #[test]
    fn no_run_of_failures_outlasts_the_policy(
        policy in policy_strategy(),
        ops in prop::collection::vec(op_strategy(), 0..400),
    ) {
        play(policy, &ops)?;
    }

    /// NIST's own ceiling: with `lockout_after = 100` and waits long enough to pass every
    /// throttle, the 101st consecutive failed attempt is never let through before a lock-out.
    #[test]
    fn never_a_101st_failure_without_a_lockout(
        free_attempts in 0u32..100,
        waits in prop::collection::vec(prop_oneof![1 => Just(0u64), 3 => 0u64..=120_000], 101..300),
    ) {
        let policy = LockoutPolicy::new(LockoutSettings {
            free_attempts,
            base_delay: DurationMs(10),
            max_delay: DurationMs::from_mins(1),
            lockout_after: 100,
            lockout_duration: DurationMs::from_mins(10),
        })
        .unwrap();
        let ops: Vec<Op> = waits.into_iter().map(|wait_ms| Op::Attempt { wait_ms, succeeds: false }).collect();
        play(policy, &ops)?;
    }

    /// Settings above NIST's ceiling are refused, whatever the rest.
    #[test]
    fn lockout_after_above_100_is_refused(lockout_after in 101u32.., free_attempts in 0u32..100) {
        let settings = LockoutSettings {
            free_attempts,
            base_delay: DurationMs(0),
            max_delay: DurationMs(0),
            lockout_after,
            lockout_duration: DurationMs::from_mins(1),
        };
        prop_assert!(LockoutPolicy::new(settings).is_err());
    }
}
