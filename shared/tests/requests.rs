//! The activation request state machine, rule by rule.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use elevate_shared::domain::digest::Verdict;
use elevate_shared::domain::mfa::{MfaFreshness, MfaMethodKind, MfaRejection};
use elevate_shared::domain::policy::{ActivationDraft, ActivationStart, Refusal};
use elevate_shared::domain::request::{
    CancelError, CreateError, DeactivateError, DeactivatedBy, Deactivator, DecisionError, DecisionInput,
    ExpiredPhase, ExtendError, ExtendInput, FailureReason, GrantEffect, MAX_MFA_FAILURES, MfaStepError,
    RequestState, RequestStatus, Transition, VoidError,
};
use elevate_shared::domain::{
    ActivationRequest, Actor, AssignmentId, AuditAction, Digest, FreshnessWindow, MfaEvidence, Reason,
};
use elevate_shared::time::{DurationMs, UnixMillis};

fn actions(t: &Transition) -> Vec<AuditAction> {
    t.events.iter().map(|e| e.action).collect()
}

fn create(world: &World, d: &ActivationDraft, session: Option<&MfaEvidence>, now: UnixMillis) -> Transition {
    ActivationRequest::create(&world.input(d, session, now), rid(1)).unwrap()
}

/// A world whose role needs no MFA on activation.
fn world_without_mfa() -> World {
    let mut w = World::new();
    w.settings.activation_mfa.required = false;
    w
}

fn approval_world(approvers: &[u8], quorum: u8) -> World {
    let mut w = world_without_mfa();
    w.settings.approval = settings_with_approval(approvers, quorum).approval;
    w
}

fn approve(r: &ActivationRequest, approver: u8, now: UnixMillis) -> DecisionInput {
    DecisionInput {
        approver: uid(approver),
        verdict: Verdict::Approve,
        reason: None,
        evidence: Some(tap(approver, r.approval_challenge(&uid(approver), Verdict::Approve), now)),
    }
}

#[test]
fn default_flow_needs_a_request_bound_tap_then_activates() {
    let w = World::new();
    let created = create(&w, &draft(60), None, T0);
    let r = &created.request;
    assert_eq!(r.state, RequestState::MfaRequired);
    assert_eq!(actions(&created), [AuditAction::RequestCreated]);
    assert_eq!(r.digest, r.compute_digest());
    assert!(created.effects.is_empty());

    let done = r.complete_mfa(&tap(1, r.digest, at(MIN)), w.eligibility(), at(MIN)).unwrap();
    assert_eq!(actions(&done), [AuditAction::MfaCompletedDuringActivation, AuditAction::RoleActivated]);
    assert_eq!(done.request.state, RequestState::Active { since: at(MIN), until: at(MIN + HOUR) });
    assert!(done.request.is_active_at(at(MIN)));
    assert!(!done.request.is_active_at(at(MIN + HOUR)));
    match done.effects.as_slice() {
        [GrantEffect::Grant(a)] => {
            assert_eq!(a.id, AssignmentId::for_activation(&rid(1)));
            assert_eq!((a.start, a.end), (at(MIN), Some(at(MIN + HOUR))));
        }
        other => panic!("expected one grant, got {other:?}"),
    }
}

#[test]
fn mfa_evidence_that_does_not_prove_this_request_is_rejected() {
    let w = World::new();
    let r = create(&w, &draft(60), None, T0).request;
    let e = w.eligibility();
    let now = at(MIN);
    let table: Vec<(&str, MfaEvidence, MfaStepError)> = vec![
        (
            "signed another challenge",
            tap(1, Digest([7; 32]), now),
            MfaStepError::Rejected(MfaRejection::NotBoundToRequest),
        ),
        (
            "made before the request",
            tap(1, r.digest, before(1)),
            MfaStepError::Rejected(MfaRejection::Stale { at: before(1) }),
        ),
        (
            "dated in the future",
            tap(1, r.digest, at(2 * MIN)),
            MfaStepError::Rejected(MfaRejection::FromTheFuture { at: at(2 * MIN) }),
        ),
        (
            "without user verification",
            MfaEvidence { user_verified: false, ..tap(1, r.digest, now) },
            MfaStepError::Rejected(MfaRejection::UserNotVerified),
        ),
    ];
    for (name, evidence, expected) in table {
        assert_eq!(r.complete_mfa(&evidence, e, now), Err(expected), "{name}");
    }
    // Older than the fresh-tap limit.
    let late = at(10 * MIN);
    assert!(matches!(
        r.complete_mfa(&tap(1, r.digest, at(MIN)), e, late),
        Err(MfaStepError::Rejected(MfaRejection::Stale { .. }))
    ));
}

#[test]
fn policy_on_authenticators_is_enforced_on_the_tap() {
    let mut w = World::new();
    w.settings.activation_mfa.authenticators.refuse_synced_passkeys = true;
    w.settings.activation_mfa.authenticators.min_credential_age = Some(DurationMs(DAY));
    let r = create(&w, &draft(60), None, T0).request;
    let now = at(MIN);
    let synced = MfaEvidence { backup_eligible: true, ..tap(1, r.digest, now) };
    assert_eq!(
        r.complete_mfa(&synced, w.eligibility(), now),
        Err(MfaStepError::Rejected(MfaRejection::SyncedPasskeyRefused))
    );
    let young = MfaEvidence { credential_registered_at: before(HOUR), ..tap(1, r.digest, now) };
    assert!(matches!(
        r.complete_mfa(&young, w.eligibility(), now),
        Err(MfaStepError::Rejected(MfaRejection::CredentialTooNew { .. }))
    ));
}

#[test]
fn totp_counts_as_a_fresh_step_only_where_any_method_is_allowed() {
    let w = World::new();
    let r = create(&w, &draft(60), None, T0).request;
    let code = MfaEvidence {
        method: MfaMethodKind::Totp,
        user_verified: false,
        bound_to: None,
        ..tap(1, r.digest, at(MIN))
    };
    assert!(r.complete_mfa(&code, w.eligibility(), at(MIN)).is_ok());

    let mut strict = World::new();
    strict.settings.activation_mfa.authenticators.allowed =
        elevate_shared::domain::mfa::AllowedMethods::PhishingResistant;
    let r = create(&strict, &draft(60), None, T0).request;
    assert!(matches!(
        r.complete_mfa(&code, strict.eligibility(), at(MIN)),
        Err(MfaStepError::Rejected(MfaRejection::MethodNotAllowed { .. }))
    ));
}

#[test]
fn a_session_mfa_inside_the_window_activates_at_once() {
    let mut w = World::new();
    w.settings.activation_mfa.freshness = MfaFreshness::Within(FreshnessWindow::from_minutes(10).unwrap());
    let session = session_mfa(1, before(2 * MIN));
    let t = create(&w, &draft(60), Some(&session), T0);
    assert_eq!(
        actions(&t),
        [AuditAction::RequestCreated, AuditAction::MfaCompletedDuringActivation, AuditAction::RoleActivated]
    );
    assert_eq!(t.request.state, RequestState::Active { since: T0, until: at(HOUR) });
}

#[test]
fn repeated_mfa_failures_fail_the_request() {
    let w = World::new();
    let mut r = create(&w, &draft(60), None, T0).request;
    for attempt in 1..=MAX_MFA_FAILURES {
        let t = r.record_mfa_failure("tap cancelled", at(u64::from(attempt) * MIN)).unwrap();
        assert_eq!(t.events[0].action, AuditAction::MfaNotCompleted);
        assert_eq!(t.events[0].action.id(), 101);
        r = t.request;
    }
    assert!(matches!(r.state, RequestState::Failed { reason: FailureReason::MfaNotCompleted, .. }));
    assert_eq!(r.record_mfa_failure("again", at(HOUR)), Err(MfaStepError::WrongState(RequestStatus::Failed)));
}

#[test]
fn waiting_requests_expire_after_the_pending_expiry() {
    let w = World::new();
    let r = create(&w, &draft(60), None, T0).request;
    let quiet = r.advance(at(24 * HOUR - 1));
    assert_eq!(quiet.request, r);
    assert!(quiet.events.is_empty());
    let t = r.advance(at(24 * HOUR));
    assert_eq!(
        t.request.state,
        RequestState::Expired { at: at(24 * HOUR), phase: ExpiredPhase::AwaitingMfa }
    );
    assert_eq!(actions(&t), [AuditAction::MfaNotCompleted, AuditAction::RequestExpired]);
    // A late tap on an expired request is refused even before any job ran.
    assert_eq!(
        r.complete_mfa(&tap(1, r.digest, at(24 * HOUR)), w.eligibility(), at(24 * HOUR)),
        Err(MfaStepError::Expired)
    );

    let w = approval_world(&[2], 1);
    let r = create(&w, &draft(60), None, T0).request;
    let t = r.advance(at(24 * HOUR));
    assert_eq!(
        t.request.state,
        RequestState::Expired { at: at(24 * HOUR), phase: ExpiredPhase::AwaitingApproval }
    );
    assert_eq!(
        r.decide(approve(&r, 2, at(24 * HOUR)), w.eligibility(), at(24 * HOUR)),
        Err(DecisionError::Expired)
    );
}

#[test]
fn n_of_m_approval_counts_distinct_approvers_and_activates_from_the_last_approval() {
    let w = approval_world(&[1, 2, 3, 4], 2);
    let created = create(&w, &draft(60), None, T0);
    let r = created.request;
    assert_eq!(r.state, RequestState::PendingApproval);
    let e = w.eligibility();

    assert_eq!(r.decide(approve(&r, 1, at(MIN)), e, at(MIN)), Err(DecisionError::SelfApproval));
    assert_eq!(r.decide(approve(&r, 5, at(MIN)), e, at(MIN)), Err(DecisionError::NotAnApprover));
    let no_tap = DecisionInput { evidence: None, ..approve(&r, 2, at(MIN)) };
    assert_eq!(r.decide(no_tap, e, at(MIN)), Err(DecisionError::MfaRequired));
    let deny_digest = DecisionInput {
        evidence: Some(tap(2, r.approval_challenge(&uid(2), Verdict::Deny), at(MIN))),
        ..approve(&r, 2, at(MIN))
    };
    assert_eq!(
        r.decide(deny_digest, e, at(MIN)),
        Err(DecisionError::MfaRejected(MfaRejection::NotBoundToRequest))
    );

    let first = r.decide(approve(&r, 2, at(MIN)), e, at(MIN)).unwrap();
    assert_eq!(first.request.state, RequestState::PendingApproval);
    assert_eq!(actions(&first), [AuditAction::RequestApproved]);
    let r = first.request;
    assert_eq!(r.decide(approve(&r, 2, at(2 * MIN)), e, at(2 * MIN)), Err(DecisionError::AlreadyDecided));

    let second = r.decide(approve(&r, 3, at(3 * HOUR)), e, at(3 * HOUR)).unwrap();
    assert_eq!(actions(&second), [AuditAction::RequestApproved, AuditAction::RoleActivated]);
    assert_eq!(second.request.state, RequestState::Active { since: at(3 * HOUR), until: at(4 * HOUR) });
    let r = second.request;
    assert_eq!(
        r.decide(approve(&r, 4, at(3 * HOUR)), e, at(3 * HOUR)),
        Err(DecisionError::WrongState(RequestStatus::Active))
    );
}

#[test]
fn any_deny_ends_the_request() {
    let w = approval_world(&[2, 3], 2);
    let r = create(&w, &draft(60), None, T0).request;
    let e = w.eligibility();
    let r = r.decide(approve(&r, 2, at(MIN)), e, at(MIN)).unwrap().request;
    let deny = DecisionInput {
        approver: uid(3),
        verdict: Verdict::Deny,
        reason: Some(Reason::parse("Not during the freeze").unwrap()),
        evidence: None,
    };
    let t = r.decide(deny, e, at(2 * MIN)).unwrap();
    assert_eq!(t.request.state, RequestState::Denied { at: at(2 * MIN), by: uid(3) });
    assert_eq!(actions(&t), [AuditAction::RequestDenied]);
    assert!(t.effects.is_empty());
}

#[test]
fn an_approver_cannot_use_the_requesters_authenticator() {
    let mut w = approval_world(&[2], 1);
    w.settings.activation_mfa.required = true;
    let r = create(&w, &draft(60), None, T0).request;
    let r = r.complete_mfa(&tap(1, r.digest, at(MIN)), w.eligibility(), at(MIN)).unwrap().request;
    assert_eq!(r.state, RequestState::PendingApproval);
    let mut input = approve(&r, 2, at(2 * MIN));
    if let Some(evidence) = &mut input.evidence {
        evidence.credential = key(1);
    }
    assert_eq!(r.decide(input, w.eligibility(), at(2 * MIN)), Err(DecisionError::SharedAuthenticator));
}

#[test]
fn approval_after_the_eligibility_ended_fails_the_request() {
    let mut w = approval_world(&[2], 1);
    w.assignments[0].end = Some(at(2 * HOUR));
    let r = create(&w, &draft(60), None, T0).request;
    let t = r.decide(approve(&r, 2, at(3 * HOUR)), w.eligibility(), at(3 * HOUR)).unwrap();
    assert_eq!(actions(&t), [AuditAction::RequestApproved, AuditAction::RequestFailed]);
    assert_eq!(
        t.request.state,
        RequestState::Failed { at: at(3 * HOUR), reason: FailureReason::EligibilityUnavailable }
    );
    assert!(t.effects.is_empty());
}

#[test]
fn a_scheduled_window_that_lapsed_during_approval_fails() {
    let w = approval_world(&[2], 1);
    let d = ActivationDraft { start: ActivationStart::At(at(HOUR)), ..draft(60) };
    let r = create(&w, &d, None, T0).request;
    let t = r.decide(approve(&r, 2, at(2 * HOUR)), w.eligibility(), at(2 * HOUR)).unwrap();
    assert_eq!(
        t.request.state,
        RequestState::Failed { at: at(2 * HOUR), reason: FailureReason::WindowLapsed }
    );
    // Approved part-way through the window: active for what is left of it.
    let t = r.decide(approve(&r, 2, at(90 * MIN)), w.eligibility(), at(90 * MIN)).unwrap();
    assert_eq!(t.request.state, RequestState::Active { since: at(90 * MIN), until: at(2 * HOUR) });
}

#[test]
fn a_future_start_schedules_and_time_activates_then_expires() {
    let w = world_without_mfa();
    let d = ActivationDraft { start: ActivationStart::At(at(2 * HOUR)), ..draft(60) };
    let t = create(&w, &d, None, T0);
    assert_eq!(actions(&t), [AuditAction::RequestCreated, AuditAction::ActivationScheduled]);
    let r = t.request;
    assert_eq!(r.state, RequestState::Scheduled { start: at(2 * HOUR), end: at(3 * HOUR) });
    assert!(r.advance(at(2 * HOUR - 1)).events.is_empty());

    let started = r.advance(at(2 * HOUR + 5));
    assert_eq!(actions(&started), [AuditAction::RoleActivated]);
    assert_eq!(started.request.state, RequestState::Active { since: at(2 * HOUR), until: at(3 * HOUR) });
    assert!(matches!(started.effects.as_slice(), [GrantEffect::Grant(_)]));

    let ended = started.request.advance(at(3 * HOUR));
    assert_eq!(actions(&ended), [AuditAction::ActivationExpired]);
    assert_eq!(ended.request.state, RequestState::Expired { at: at(3 * HOUR), phase: ExpiredPhase::Active });
    assert_eq!(
        ended.effects,
        [GrantEffect::End { assignment: AssignmentId::for_activation(&rid(1)), at: at(3 * HOUR) }]
    );

    // If no job ran during the whole window, one step records both and grants nothing.
    let late = r.advance(at(5 * HOUR));
    assert_eq!(actions(&late), [AuditAction::RoleActivated, AuditAction::ActivationExpired]);
    assert!(late.effects.is_empty());
}

#[test]
fn only_the_requester_cancels_and_only_before_activation() {
    let w = approval_world(&[2], 1);
    let r = create(&w, &draft(60), None, T0).request;
    assert_eq!(r.cancel(&uid(2), at(MIN)), Err(CancelError::NotRequester));
    let t = r.cancel(&uid(1), at(MIN)).unwrap();
    assert_eq!(t.request.state, RequestState::Cancelled { at: at(MIN) });
    assert_eq!(actions(&t), [AuditAction::RequestCancelled]);

    let active = create(&world_without_mfa(), &draft(60), None, T0).request;
    assert_eq!(active.cancel(&uid(1), at(MIN)), Err(CancelError::WrongState(RequestStatus::Active)));
}

#[test]
fn deactivation_by_the_requester_or_an_administrator() {
    let r = create(&world_without_mfa(), &draft(60), None, T0).request;
    assert_eq!(r.deactivate(&Deactivator::Requester(uid(2)), at(MIN)), Err(DeactivateError::NotRequester));
    let t = r.deactivate(&Deactivator::Requester(uid(1)), at(MIN)).unwrap();
    assert_eq!(t.request.state, RequestState::Deactivated { at: at(MIN), by: DeactivatedBy::Requester });
    assert_eq!(actions(&t), [AuditAction::RoleDeactivated]);
    assert_eq!(
        t.effects,
        [GrantEffect::End { assignment: AssignmentId::for_activation(&rid(1)), at: at(MIN) }]
    );
    let t = r.deactivate(&Deactivator::Administrator(uid(9)), at(MIN)).unwrap();
    assert_eq!(
        t.request.state,
        RequestState::Deactivated { at: at(MIN), by: DeactivatedBy::Administrator(uid(9)) }
    );
    // Past its end the activation is over, whether or not expiry has been recorded.
    assert_eq!(
        r.deactivate(&Deactivator::Requester(uid(1)), at(HOUR)),
        Err(DeactivateError::WrongState(RequestStatus::Active))
    );
}

#[test]
fn extension_rules() {
    let mut w = world_without_mfa();
    w.assignments[0].end = Some(at(8 * HOUR));
    let r = create(&w, &draft(60), None, T0).request;
    let e = w.eligibility();
    let ext = |by: u8, new_end: UnixMillis, now: UnixMillis| ExtendInput {
        by: uid(by),
        new_end,
        evidence: tap(by, r.extension_challenge(new_end), now),
    };
    let in_window = at(40 * MIN);
    assert_eq!(r.extension_opens_at(), Some(at(30 * MIN)));

    assert_eq!(r.extend(&ext(2, at(2 * HOUR), in_window), e, in_window), Err(ExtendError::NotRequester));
    assert_eq!(
        r.extend(&ext(1, at(2 * HOUR), at(10 * MIN)), e, at(10 * MIN)),
        Err(ExtendError::NotYetExtendable { opens_at: at(30 * MIN) })
    );
    assert_eq!(r.extend(&ext(1, at(HOUR), in_window), e, in_window), Err(ExtendError::NotLonger));
    // At most max_activation (8 h) from now ...
    assert_eq!(
        r.extend(&ext(1, at(40 * MIN + 8 * HOUR + 1), in_window), e, in_window),
        Err(ExtendError::ExceedsLimit { limit: at(8 * HOUR) })
    );
    // ... and never past the eligibility's end.
    assert_eq!(
        r.extend(&ext(1, at(8 * HOUR + 1), in_window), e, in_window),
        Err(ExtendError::ExceedsLimit { limit: at(8 * HOUR) })
    );
    let wrong_digest =
        ExtendInput { evidence: tap(1, r.digest, in_window), ..ext(1, at(2 * HOUR), in_window) };
    assert_eq!(
        r.extend(&wrong_digest, e, in_window),
        Err(ExtendError::MfaRejected(MfaRejection::NotBoundToRequest))
    );
    let mut revoked = e.clone();
    revoked.end = Some(at(39 * MIN));
    assert_eq!(
        r.extend(&ext(1, at(2 * HOUR), in_window), &revoked, in_window),
        Err(ExtendError::EligibilityUnavailable)
    );

    let t = r.extend(&ext(1, at(2 * HOUR), in_window), e, in_window).unwrap();
    assert_eq!(t.request.state, RequestState::Active { since: T0, until: at(2 * HOUR) });
    assert_eq!(actions(&t), [AuditAction::ActivationExtended]);
    assert_eq!(
        t.effects,
        [GrantEffect::Extend { assignment: AssignmentId::for_activation(&rid(1)), until: at(2 * HOUR) }]
    );
    let after = t.request.advance(at(HOUR));
    assert!(after.events.is_empty(), "the old end no longer expires it");
}

#[test]
fn revoking_the_eligibility_voids_waiting_requests_and_ends_active_ones() {
    let w = approval_world(&[2], 1);
    let pending = create(&w, &draft(60), None, T0).request;
    assert_eq!(pending.void(&aid(7), Actor::User(uid(9)), at(MIN)), Err(VoidError::NotDependent));
    let t = pending.void(&aid(1), Actor::User(uid(9)), at(MIN)).unwrap();
    assert_eq!(t.request.state, RequestState::Voided { at: at(MIN) });
    assert_eq!(actions(&t), [AuditAction::RequestVoided]);
    assert_eq!(
        t.request.void(&aid(1), Actor::System, at(2 * MIN)),
        Err(VoidError::WrongState(RequestStatus::Voided))
    );

    let d = ActivationDraft { start: ActivationStart::At(at(HOUR)), ..draft(60) };
    let scheduled = create(&world_without_mfa(), &d, None, T0).request;
    assert_eq!(
        scheduled.void(&aid(1), Actor::System, at(MIN)).unwrap().request.state,
        RequestState::Voided { at: at(MIN) }
    );

    let active = create(&world_without_mfa(), &draft(60), None, T0).request;
    let t = active.void(&aid(1), Actor::User(uid(9)), at(MIN)).unwrap();
    assert_eq!(
        t.request.state,
        RequestState::Deactivated { at: at(MIN), by: DeactivatedBy::EligibilityRevoked }
    );
    assert_eq!(
        t.effects,
        [GrantEffect::End { assignment: AssignmentId::for_activation(&rid(1)), at: at(MIN) }]
    );
}

#[test]
fn creation_refuses_what_policy_refuses_and_what_is_missing() {
    let w = World::new();
    let over = draft(9 * 60);
    assert!(matches!(
        ActivationRequest::create(&w.input(&over, None, T0), rid(1)),
        Err(CreateError::Refused(Refusal::DurationExceedsMaximum { .. }))
    ));
    let no_reason = ActivationDraft { justification: None, ..draft(60) };
    assert_eq!(
        ActivationRequest::create(&w.input(&no_reason, None, T0), rid(1)),
        Err(CreateError::JustificationRequired { hint: None })
    );
    let mut ticketed = World::new();
    ticketed.settings.ticket.required = true;
    assert_eq!(
        ActivationRequest::create(&ticketed.input(&draft(60), None, T0), rid(1)),
        Err(CreateError::TicketRequired)
    );
}

#[test]
fn terms_are_snapshotted_at_creation() {
    let mut w = approval_world(&[2], 1);
    let r = create(&w, &draft(60), None, T0).request;
    // Approval turned off afterwards: the request still waits for its approver.
    w.settings.approval.required = false;
    assert_eq!(r.state, RequestState::PendingApproval);
    assert!(r.terms.approval.is_some());
    let t = r.decide(approve(&r, 2, at(MIN)), w.eligibility(), at(MIN)).unwrap();
    assert!(matches!(t.request.state, RequestState::Active { .. }));
}

#[test]
fn requests_round_trip_through_json() {
    let w = approval_world(&[2], 1);
    let r = create(&w, &draft(60), None, T0).request;
    let json = serde_json::to_string(&r).unwrap();
    let back: ActivationRequest = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    assert!(json.contains("\"state\":\"pending_approval\""), "{json}");
}
