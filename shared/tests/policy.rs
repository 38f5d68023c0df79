//! Policy evaluation, table-driven: each row edits a default world and states the one verdict.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use elevate_shared::domain::mfa::{AllowedMethods, MfaFreshness, MfaMethodKind, MfaRejection};
use elevate_shared::domain::policy::{
    ActivationDraft, ActivationStart, ActivationVerdict, Refusal, evaluate,
};
use elevate_shared::domain::request::ActivationRequest;
use elevate_shared::domain::settings::TicketPolicy;
use elevate_shared::domain::{
    FreshnessWindow, Hint, MfaEvidence, Scope, Ticket, TicketNumber, TicketPattern, TicketSystem, UserStatus,
};
use elevate_shared::time::UnixMillis;

struct Case {
    world: World,
    draft: ActivationDraft,
    session: Option<MfaEvidence>,
    now: UnixMillis,
}

impl Case {
    fn new() -> Self {
        Self { world: World::new(), draft: draft(60), session: None, now: T0 }
    }
    fn no_mfa(mut self) -> Self {
        self.world.settings.activation_mfa.required = false;
        self
    }
    fn window(mut self, minutes: u64) -> Self {
        self.world.settings.activation_mfa.freshness =
            MfaFreshness::Within(FreshnessWindow::from_minutes(minutes).unwrap());
        self
    }
}

fn ticket(system: &str, number: &str) -> Ticket {
    Ticket { system: TicketSystem::parse(system).unwrap(), number: TicketNumber::parse(number).unwrap() }
}

fn refused(v: &ActivationVerdict) -> Option<&Refusal> {
    match v {
        ActivationVerdict::Refused { refusal } => Some(refusal),
        _ => None,
    }
}

type Check = fn(&ActivationVerdict) -> bool;

#[test]
fn verdict_table() {
    let cases: Vec<(&str, Case, Check)> = vec![
        ("default settings need a fresh tap", Case::new(), |v| {
            matches!(
                v,
                ActivationVerdict::NeedsMfa {
                    fresh_tap: true,
                    user_verification: true,
                    allowed: AllowedMethods::Any,
                    session_rejected: None
                }
            )
        }),
        (
            "a session MFA never counts when a fresh tap is required",
            Case { session: Some(session_mfa(1, T0)), ..Case::new() },
            |v| matches!(v, ActivationVerdict::NeedsMfa { fresh_tap: true, .. }),
        ),
        (
            "missing justification comes first, with the hint",
            {
                let mut c = Case::new();
                c.draft.justification = None;
                c.world.settings.justification.hint = Some(Hint::parse("Incident id").unwrap());
                c
            },
            |v| matches!(v, ActivationVerdict::NeedsJustification { hint: Some(h) } if h.as_str() == "Incident id"),
        ),
        (
            "missing ticket",
            {
                let mut c = Case::new();
                c.world.settings.ticket.required = true;
                c
            },
            |v| matches!(v, ActivationVerdict::NeedsTicket { .. }),
        ),
        (
            "ticket from a system the role does not accept",
            {
                let mut c = Case::new();
                c.world.settings.ticket = TicketPolicy {
                    required: true,
                    systems: vec![TicketSystem::parse("ServiceNow").unwrap()],
                    pattern: None,
                };
                c.draft.ticket = Some(ticket("Jira", "OPS-1"));
                c
            },
            |v| matches!(refused(v), Some(Refusal::TicketSystemNotAllowed { .. })),
        ),
        (
            "ticket number of the wrong shape",
            {
                let mut c = Case::new();
                c.world.settings.ticket.pattern = Some(TicketPattern::parse("INC#{7}").unwrap());
                c.draft.ticket = Some(ticket("ServiceNow", "INC12"));
                c
            },
            |v| matches!(refused(v), Some(Refusal::TicketNumberMismatch { .. })),
        ),
        (
            "ticket of the right shape passes",
            {
                let mut c = Case::new().no_mfa();
                c.world.settings.ticket.pattern = Some(TicketPattern::parse("INC#{7}").unwrap());
                c.draft.ticket = Some(ticket("ServiceNow", "INC0012345"));
                c
            },
            |v| matches!(v, ActivationVerdict::Ready { .. }),
        ),
        (
            "no MFA and no approval: ready, for exactly the requested hour",
            Case::new().no_mfa(),
            |v| matches!(v, ActivationVerdict::Ready { plan } if plan.start == T0 && plan.end == at(HOUR) && !plan.clamped_to_eligibility),
        ),
        (
            "session MFA inside the window counts",
            Case { session: Some(session_mfa(1, before(5 * MIN))), ..Case::new().window(10) },
            |v| matches!(v, ActivationVerdict::Ready { .. }),
        ),
        (
            "session MFA outside the window does not",
            Case { session: Some(session_mfa(1, before(11 * MIN))), ..Case::new().window(10) },
            |v| {
                matches!(
                    v,
                    ActivationVerdict::NeedsMfa {
                        fresh_tap: false,
                        session_rejected: Some(MfaRejection::Stale { .. }),
                        ..
                    }
                )
            },
        ),
        (
            "a TOTP session does not satisfy a phishing-resistant role",
            {
                let mut c = Case::new().window(10);
                c.world.settings.activation_mfa.authenticators.allowed = AllowedMethods::PhishingResistant;
                c.session = Some(MfaEvidence { method: MfaMethodKind::Totp, ..session_mfa(1, T0) });
                c
            },
            |v| {
                matches!(
                    v,
                    ActivationVerdict::NeedsMfa {
                        session_rejected: Some(MfaRejection::MethodNotAllowed { .. }),
                        ..
                    }
                )
            },
        ),
        (
            "a session without user verification does not satisfy a UV role",
            {
                let mut c = Case::new().window(10);
                c.session = Some(MfaEvidence { user_verified: false, ..session_mfa(1, T0) });
                c
            },
            |v| {
                matches!(
                    v,
                    ActivationVerdict::NeedsMfa { session_rejected: Some(MfaRejection::UserNotVerified), .. }
                )
            },
        ),
        (
            "approval comes after MFA, listing approvers other than the requester",
            {
                let mut c = Case::new().no_mfa();
                c.world.settings.approval = settings_with_approval(&[1, 2, 3], 2).approval;
                c
            },
            |v| matches!(v, ActivationVerdict::NeedsApproval { approvers, quorum: 2, .. } if approvers == &vec![uid(2), uid(3)]),
        ),
        (
            "a quorum that only the requester could complete is refused",
            {
                let mut c = Case::new().no_mfa();
                c.world.settings.approval = settings_with_approval(&[1, 2], 2).approval;
                c
            },
            |v| matches!(refused(v), Some(Refusal::ApprovalQuorumUnreachable { quorum: 2, available: 1 })),
        ),
        (
            "no eligibility at all",
            {
                let mut c = Case::new();
                c.world.assignments.clear();
                c
            },
            |v| refused(v) == Some(&Refusal::NotEligible),
        ),
        (
            "someone else's eligibility does not count",
            {
                let mut c = Case::new();
                c.world.assignments = vec![eligibility(1, 2, "/", before(DAY), None)];
                c
            },
            |v| refused(v) == Some(&Refusal::NotEligible),
        ),
        (
            "eligibility below the requested scope does not reach up",
            {
                let mut c = Case::new();
                c.world.assignments = vec![eligibility(1, 1, "/a/b", before(DAY), None)];
                c.draft.scope = scope("/a");
                c
            },
            |v| refused(v) == Some(&Refusal::NotEligible),
        ),
        (
            "eligibility at /a/b does not cover /a/bc",
            {
                let mut c = Case::new();
                c.world.assignments = vec![eligibility(1, 1, "/a/b", before(DAY), None)];
                c.draft.scope = scope("/a/bc");
                c
            },
            |v| refused(v) == Some(&Refusal::NotEligible),
        ),
        (
            "eligibility at /a/b covers /a/b/c",
            {
                let mut c = Case::new().no_mfa();
                c.world.assignments = vec![eligibility(1, 1, "/a/b", before(DAY), None)];
                c.draft.scope = scope("/a/b/c");
                c
            },
            |v| matches!(v, ActivationVerdict::Ready { .. }),
        ),
        (
            "eligibility not started yet",
            {
                let mut c = Case::new();
                c.world.assignments = vec![eligibility(1, 1, "/", at(DAY), None)];
                c
            },
            |v| refused(v) == Some(&Refusal::EligibilityNotStarted { starts_at: at(DAY) }),
        ),
        (
            "eligibility ended",
            {
                let mut c = Case::new();
                c.world.assignments = vec![eligibility(1, 1, "/", before(2 * DAY), Some(before(DAY)))];
                c
            },
            |v| refused(v) == Some(&Refusal::EligibilityEnded { ended_at: before(DAY) }),
        ),
        (
            "a scheduled start inside a future eligibility is fine",
            {
                let mut c = Case::new().no_mfa();
                c.world.assignments = vec![eligibility(1, 1, "/", at(DAY), None)];
                c.draft.start = ActivationStart::At(at(2 * DAY));
                c
            },
            |v| matches!(v, ActivationVerdict::Ready { plan } if plan.start == at(2 * DAY) && plan.end == at(2 * DAY + HOUR)),
        ),
        (
            "a scheduled start after the eligibility ends is refused",
            {
                let mut c = Case::new();
                c.draft.start = ActivationStart::At(at(21 * DAY));
                c
            },
            |v| refused(v) == Some(&Refusal::StartAfterEligibilityEnd { eligibility_end: at(20 * DAY) }),
        ),
        (
            "a scheduled start in the past is refused",
            {
                let mut c = Case::new();
                c.draft.start = ActivationStart::At(T0);
                c
            },
            |v| refused(v) == Some(&Refusal::StartInPast),
        ),
        (
            "the end is clamped to the eligibility's end",
            {
                let mut c = Case::new().no_mfa();
                c.world.assignments = vec![eligibility(1, 1, "/", before(DAY), Some(at(30 * MIN)))];
                c
            },
            |v| matches!(v, ActivationVerdict::Ready { plan } if plan.end == at(30 * MIN) && plan.clamped_to_eligibility),
        ),
        (
            "a duration over the role's maximum is refused",
            Case { draft: draft(9 * 60), ..Case::new() },
            |v| matches!(refused(v), Some(Refusal::DurationExceedsMaximum { .. })),
        ),
        (
            "already active at a broader scope",
            {
                let mut c = Case::new();
                let mut active = eligibility(2, 1, "/", before(HOUR), Some(at(HOUR)));
                active.kind = elevate_shared::domain::AssignmentKind::Active;
                c.world.assignments.push(active);
                c.draft.scope = scope("/a");
                c
            },
            |v| refused(v) == Some(&Refusal::AlreadyActive { until: Some(at(HOUR)) }),
        ),
        (
            "an expired active assignment does not count as active",
            {
                let mut c = Case::new().no_mfa();
                let mut active = eligibility(2, 1, "/", before(2 * HOUR), Some(T0));
                active.kind = elevate_shared::domain::AssignmentKind::Active;
                c.world.assignments.push(active);
                c
            },
            |v| matches!(v, ActivationVerdict::Ready { .. }),
        ),
        (
            "a locked-out account cannot activate",
            {
                let mut c = Case::new();
                c.world.principal.status = UserStatus::LockedOut { until: at(MIN) };
                c
            },
            |v| refused(v) == Some(&Refusal::AccountCannotAct),
        ),
        (
            "a lock-out that has lifted does not block",
            {
                let mut c = Case::new().no_mfa();
                c.world.principal.status = UserStatus::LockedOut { until: T0 };
                c
            },
            |v| matches!(v, ActivationVerdict::Ready { .. }),
        ),
        (
            "no registered method the role accepts",
            {
                let mut c = Case::new();
                c.world.settings.activation_mfa.authenticators.allowed = AllowedMethods::PhishingResistant;
                c.world.principal.methods[0].kind = MfaMethodKind::Totp;
                c
            },
            |v| {
                matches!(
                    refused(v),
                    Some(Refusal::NoUsableMfaMethod { allowed: AllowedMethods::PhishingResistant })
                )
            },
        ),
        (
            "invalid settings fail closed",
            {
                let mut c = Case::new();
                c.world.settings.approval.required = true;
                c
            },
            |v| matches!(refused(v), Some(Refusal::SettingsInvalid(_))),
        ),
        (
            "a scope outside the role's own scope",
            {
                let mut c = Case::new();
                c.world.role.scope = Scope::parse("/tenants/t").unwrap();
                c
            },
            |v| matches!(refused(v), Some(Refusal::ScopeOutsideRole { .. })),
        ),
    ];
    for (name, case, check) in &cases {
        let verdict = evaluate(&case.world.input(&case.draft, case.session.as_ref(), case.now));
        assert!(check(&verdict), "{name}: got {verdict:?}");
    }
}

#[test]
fn an_open_request_blocks_a_second_one() {
    let mut world = World::new();
    let d = draft(60);
    let first = ActivationRequest::create(&world.input(&d, None, T0), rid(1)).unwrap().request;
    world.requests.push(first);
    let verdict = evaluate(&world.input(&d, None, at(MIN)));
    assert_eq!(
        verdict,
        ActivationVerdict::Refused { refusal: Refusal::RequestAlreadyOpen { request: rid(1) } }
    );
    // A different scope is a different request.
    let other = ActivationDraft { scope: scope("/a"), ..draft(60) };
    assert!(matches!(evaluate(&world.input(&other, None, at(MIN))), ActivationVerdict::NeedsMfa { .. }));
}

#[test]
fn the_longest_lasting_eligibility_is_chosen() {
    let mut world = World::new();
    world.settings.activation_mfa.required = false;
    world.assignments = vec![
        eligibility(1, 1, "/", before(DAY), Some(at(10 * MIN))),
        eligibility(2, 1, "/a", before(DAY), Some(at(3 * HOUR))),
        eligibility(3, 1, "/a/b", before(DAY), Some(at(20 * MIN))),
    ];
    let d = ActivationDraft { scope: scope("/a/b"), ..draft(60) };
    match evaluate(&world.input(&d, None, T0)) {
        ActivationVerdict::Ready { plan } => {
            assert_eq!(plan.eligibility, aid(2));
            assert_eq!(plan.end, at(HOUR));
        }
        other => panic!("expected ready, got {other:?}"),
    }
}

#[test]
fn the_verdict_serialises_with_a_discriminant_the_ui_can_switch_on() {
    let world = World::new();
    let d = draft(60);
    let json = serde_json::to_value(evaluate(&world.input(&d, None, T0))).unwrap();
    assert_eq!(json["next"], "needs_mfa");
    assert_eq!(json["fresh_tap"], true);
}
