//! Property tests for the invariants of the domain core:
//! - scope containment is a partial order, decided on whole segments;
//! - no activation exceeds the role's maximum or outlives its eligibility, whatever the sequence
//!   of steps and delays;
//! - no requester ever approves their own request;
//! - every transition that changes a request emits at least one audit event;
//! - the audit chain detects any edited, dropped, inserted or reordered event.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use elevate_shared::domain::assignment::Assignment;
use elevate_shared::domain::audit::ChainAnchor;
use elevate_shared::domain::digest::Verdict;
use elevate_shared::domain::policy::{ActivationDraft, ActivationStart};
use elevate_shared::domain::request::{
    ActivationRequest, Deactivator, DecisionError, DecisionInput, ExtendInput, GrantEffect, RequestState,
    Transition,
};
use elevate_shared::domain::{
    ActivationDuration, Actor, AuditAction, AuditDraft, AuditEvent, MaxActivation, Scope, Target, append,
    verify_chain, verify_chain_to,
};
use elevate_shared::time::{DurationMs, UnixMillis};
use proptest::prelude::*;

// ---------------------------------------------------------------- scopes

fn scope_strategy() -> impl Strategy<Value = Scope> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "ab", "a.b"]), 0..4).prop_map(|segments| {
        if segments.is_empty() {
            Scope::directory()
        } else {
            Scope::parse(format!("/{}", segments.join("/"))).unwrap()
        }
    })
}

proptest! {
    #[test]
    fn containment_is_a_partial_order(a in scope_strategy(), b in scope_strategy(), c in scope_strategy()) {
        prop_assert!(a.contains(&a));
        if a.contains(&b) && b.contains(&a) {
            prop_assert_eq!(&a, &b);
        }
        if a.contains(&b) && b.contains(&c) {
            prop_assert!(a.contains(&c));
        }
        let model = {
            let (outer, inner): (Vec<&str>, Vec<&str>) = (a.segments().collect(), b.segments().collect());
            inner.len() >= outer.len() && inner[..outer.len()] == outer[..]
        };
        prop_assert_eq!(a.contains(&b), model);
        prop_assert!(Scope::directory().contains(&a));
    }
}

// ---------------------------------------------------------------- requests

#[derive(Clone, Debug)]
enum Op {
    Wait(u64),
    /// Jump to 10 minutes before the end of an active span (inside the extension window).
    NearEnd,
    CompleteMfa {
        valid: bool,
    },
    FailMfa,
    Decide {
        approver: u8,
        approve: bool,
    },
    Cancel {
        by: u8,
    },
    Deactivate {
        admin: bool,
    },
    Extend {
        minutes: u64,
    },
    Void,
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1u64..=600).prop_map(|m| Op::Wait(m * MIN)),
        2 => Just(Op::NearEnd),
        4 => any::<bool>().prop_map(|valid| Op::CompleteMfa { valid }),
        1 => Just(Op::FailMfa),
        6 => (1u8..=5, prop::bool::weighted(0.9)).prop_map(|(approver, approve)| Op::Decide { approver, approve }),
        1 => (1u8..=2).prop_map(|by| Op::Cancel { by }),
        1 => any::<bool>().prop_map(|admin| Op::Deactivate { admin }),
        4 => (1u64..=10 * 60).prop_map(|minutes| Op::Extend { minutes }),
        1 => Just(Op::Void),
    ]
}

#[derive(Clone, Debug)]
struct Setup {
    mfa: bool,
    approval: Option<u8>,
    max_hours: u64,
    duration_min: u64,
    start_in_min: Option<u64>,
    eligibility_end_min: Option<u64>,
}

fn setup_strategy() -> impl Strategy<Value = Setup> {
    (
        any::<bool>(),
        prop::option::of(1u8..=3),
        1u64..=24,
        5u64..=24 * 60,
        prop::option::of(1u64..=48 * 60),
        prop::option::of(1u64..=72 * 60),
    )
        .prop_map(|(mfa, approval, max_hours, duration_min, start_in_min, eligibility_end_min)| Setup {
            mfa,
            approval,
            max_hours,
            duration_min: duration_min.min(max_hours * 60),
            start_in_min,
            eligibility_end_min,
        })
}

fn world_for(s: &Setup) -> World {
    let mut w = World::new();
    w.settings.activation_mfa.required = s.mfa;
    w.settings.max_activation = MaxActivation::from_hours(s.max_hours).unwrap();
    if s.max_hours == 1 {
        w.settings.extension_window = elevate_shared::domain::ExtensionWindow::from_minutes(30).unwrap();
    }
    if let Some(quorum) = s.approval {
        w.settings.approval = settings_with_approval(&[1, 2, 3, 4], quorum).approval;
    }
    w.assignments = vec![eligibility(1, 1, "/", before(DAY), s.eligibility_end_min.map(|m| at(m * MIN)))];
    w
}

fn draft_for(s: &Setup) -> ActivationDraft {
    ActivationDraft {
        start: s.start_in_min.map_or(ActivationStart::Immediate, |m| ActivationStart::At(at(m * MIN))),
        duration: ActivationDuration::from_minutes(s.duration_min).unwrap(),
        ..draft(60)
    }
}

/// Applies `op` at `now`; `None` when the op was refused (which must change nothing).
fn apply(r: &ActivationRequest, op: &Op, e: &Assignment, now: UnixMillis) -> Option<Transition> {
    match op {
        Op::Wait(_) | Op::NearEnd => Some(r.advance(now)),
        Op::CompleteMfa { valid } => {
            let challenge = if *valid { r.digest } else { r.extension_challenge(now) };
            r.complete_mfa(&tap(1, challenge, now), e, now).ok()
        }
        Op::FailMfa => r.record_mfa_failure("abandoned", now).ok(),
        Op::Decide { approver, approve } => {
            let verdict = if *approve { Verdict::Approve } else { Verdict::Deny };
            let input = DecisionInput {
                approver: uid(*approver),
                verdict,
                reason: None,
                evidence: Some(tap(*approver, r.approval_challenge(&uid(*approver), verdict), now)),
            };
            let result = r.decide(input, e, now);
            if *approver == 1 {
                assert_eq!(result, Err(DecisionError::SelfApproval), "the requester approved");
            }
            result.ok()
        }
        Op::Cancel { by } => r.cancel(&uid(*by), now).ok(),
        Op::Deactivate { admin } => {
            let by = if *admin { Deactivator::Administrator(uid(9)) } else { Deactivator::Requester(uid(1)) };
            r.deactivate(&by, now).ok()
        }
        Op::Extend { minutes } => {
            let new_end = r.state.active_until().unwrap_or(now).plus(DurationMs(minutes * MIN));
            let input =
                ExtendInput { by: uid(1), new_end, evidence: tap(1, r.extension_challenge(new_end), now) };
            r.extend(&input, e, now).ok()
        }
        Op::Void => r.void(&aid(1), Actor::System, now).ok(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn request_invariants_hold_for_any_sequence(setup in setup_strategy(), ops in prop::collection::vec(op_strategy(), 0..24)) {
        let w = world_for(&setup);
        let d = draft_for(&setup);
        let Ok(created) = ActivationRequest::create(&w.input(&d, None, T0), rid(1)) else {
            return Ok(()); // refused by policy: nothing to check here
        };
        prop_assert!(!created.events.is_empty());
        prop_assert_eq!(created.events[0].action, AuditAction::RequestCreated);
        let max = DurationMs::from_hours(setup.max_hours);
        let eligibility_end = w.eligibility().end;
        let mut r = created.request;
        let mut now = T0;
        // The instant the current span was last granted or extended from.
        let mut granted_at: Option<UnixMillis> = None;
        let mut effects = created.effects;
        if let RequestState::Active { since, .. } = r.state { granted_at = Some(since); }
        for op in &ops {
            match op {
                Op::Wait(dt) => now = now.plus(DurationMs(*dt)),
                Op::NearEnd => {
                    if let Some(until) = r.state.active_until() {
                        now = now.max(UnixMillis(until.0.saturating_sub(10 * MIN)));
                    }
                }
                _ => {}
            }
            let Some(t) = apply(&r, op, w.eligibility(), now) else { continue };
            if t.request != r {
                prop_assert!(!t.events.is_empty(), "{:?} changed the request without an audit event", op);
            } else {
                prop_assert!(t.events.is_empty() && t.effects.is_empty());
            }
            match (&r.state, &t.request.state) {
                (RequestState::Active { until: old, .. }, RequestState::Active { until: new, .. }) if new != old => granted_at = Some(now),
                (s, RequestState::Active { since, .. }) if !matches!(s, RequestState::Active { .. }) => granted_at = Some(*since),
                _ => {}
            }
            effects.extend(t.effects);
            r = t.request;
            prop_assert!(r.decisions.iter().all(|d| d.approver != r.requester));
            if let RequestState::Active { since, until } = r.state {
                prop_assert!(until > since);
                prop_assert!(until <= granted_at.unwrap().plus(max), "span beyond the maximum");
                if let Some(end) = eligibility_end { prop_assert!(until <= end, "outlives the eligibility"); }
            }
        }
        for effect in &effects {
            if let GrantEffect::Grant(a) = effect {
                let end = a.end.unwrap();
                prop_assert!(end.since(a.start) <= max);
                prop_assert!(end.since(a.start) <= d.duration.get());
                if let Some(e) = eligibility_end { prop_assert!(end <= e); }
            }
            if let (GrantEffect::Extend { until, .. }, Some(e)) = (effect, eligibility_end) {
                prop_assert!(*until <= e);
            }
        }
    }
}

// ---------------------------------------------------------------- audit chain

fn draft_strategy() -> impl Strategy<Value = AuditDraft> {
    (prop::sample::select(AuditAction::ALL.to_vec()), 0u64..1_000_000, any::<bool>(), "[a-z]{0,6}").prop_map(
        |(action, t, system, note)| {
            let actor = if system { Actor::System } else { Actor::User(uid(1)) };
            let d = AuditDraft::new(action, actor, Target::User(uid(2)), at(t)).detail("note", note);
            if system { d.failed() } else { d }
        },
    )
}

fn build(drafts: Vec<AuditDraft>) -> Vec<AuditEvent> {
    let mut out: Vec<AuditEvent> = Vec::new();
    for d in drafts {
        let e = append(out.last(), d);
        out.push(e);
    }
    out
}

#[derive(Clone, Debug)]
enum Tamper {
    EditDetail(usize),
    EditTime(usize),
    EditAndRehash(usize),
    Drop(usize),
    Swap(usize, usize),
    Duplicate(usize),
}

fn tamper_strategy() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        any::<usize>().prop_map(Tamper::EditDetail),
        any::<usize>().prop_map(Tamper::EditTime),
        any::<usize>().prop_map(Tamper::EditAndRehash),
        any::<usize>().prop_map(Tamper::Drop),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Tamper::Swap(a, b)),
        any::<usize>().prop_map(Tamper::Duplicate),
    ]
}

proptest! {
    #[test]
    fn any_tampering_is_detected(drafts in prop::collection::vec(draft_strategy(), 2..16), tamper in tamper_strategy()) {
        let events = build(drafts);
        let head = ChainAnchor::after(events.last().unwrap());
        prop_assert_eq!(verify_chain_to(&events, head), Ok(()));
        let n = events.len();
        let mut bad = events.clone();
        match tamper {
            Tamper::EditDetail(i) => { bad[i % n].details.0.insert("note".into(), "forged!".into()); }
            Tamper::EditTime(i) => { bad[i % n].at = UnixMillis(bad[i % n].at.0 + 1); }
            Tamper::EditAndRehash(i) => {
                let e = &mut bad[i % n];
                e.outcome = match e.outcome {
                    elevate_shared::domain::Outcome::Success => elevate_shared::domain::Outcome::Failure,
                    elevate_shared::domain::Outcome::Failure => elevate_shared::domain::Outcome::Success,
                };
                e.hash = e.compute_hash();
            }
            Tamper::Drop(i) => { bad.remove(i % n); }
            Tamper::Swap(a, b) => {
                let (a, b) = (a % n, b % n);
                let b = if a == b { (b + 1) % n } else { b };
                bad.swap(a, b);
            }
            Tamper::Duplicate(i) => { let e = bad[i % n].clone(); bad.insert(i % n, e); }
        }
        prop_assert!(verify_chain_to(&bad, head).is_err(), "undetected: {:?}", tamper);
        // Without the head, everything but a change confined to the very end is still caught.
        let confined_to_end = match tamper {
            Tamper::Drop(i) => i % n == n - 1,
            Tamper::EditAndRehash(i) => i % n == n - 1,
            _ => false,
        };
        if !confined_to_end {
            prop_assert!(verify_chain(&bad).is_err(), "undetected without head: {:?}", tamper);
        }
    }
}
