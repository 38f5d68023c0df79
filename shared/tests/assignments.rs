//! Direct assignment rules, table-driven.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use elevate_shared::domain::assignment::{
    AssignmentError, AssignmentKind, DirectAssignment, assign_directly, removal_event,
};
use elevate_shared::domain::mfa::MfaRejection;
use elevate_shared::domain::settings::{AssignmentLimit, RoleSettings};
use elevate_shared::domain::{AssignmentMaxDuration, AuditAction, MfaEvidence, Reason, Target};
use elevate_shared::time::{DurationMs, UnixMillis};

fn request(kind: AssignmentKind, end: Option<UnixMillis>) -> DirectAssignment {
    DirectAssignment {
        id: aid(5),
        principal: uid(1),
        role: role_id(),
        scope: scope("/a"),
        kind,
        start: None,
        end,
        justification: None,
    }
}

#[test]
fn direct_assignment_table() {
    let admin = uid(9);
    let fresh = session_mfa(9, before(MIN));
    type Row =
        (&'static str, DirectAssignment, RoleSettings, Option<MfaEvidence>, Result<(), AssignmentError>);
    let permanent = RoleSettings {
        eligible_assignment: AssignmentLimit::Permanent,
        active_assignment: AssignmentLimit::Permanent,
        ..RoleSettings::default()
    };
    let rows: Vec<Row> = vec![
        (
            "eligible for 30 days",
            request(AssignmentKind::Eligible, Some(at(30 * DAY))),
            RoleSettings::default(),
            None,
            Ok(()),
        ),
        (
            "eligible longer than allowed",
            request(AssignmentKind::Eligible, Some(at(366 * DAY))),
            RoleSettings::default(),
            None,
            Err(AssignmentError::TooLong { kind: AssignmentKind::Eligible, max: DurationMs(365 * DAY) }),
        ),
        (
            "permanent eligible when not allowed",
            request(AssignmentKind::Eligible, None),
            RoleSettings::default(),
            None,
            Err(AssignmentError::PermanentNotAllowed { kind: AssignmentKind::Eligible }),
        ),
        (
            "permanent eligible when allowed",
            request(AssignmentKind::Eligible, None),
            permanent.clone(),
            None,
            Ok(()),
        ),
        (
            "active without the administrator's MFA",
            request(AssignmentKind::Active, Some(at(DAY))),
            RoleSettings::default(),
            None,
            Err(AssignmentError::MfaRequired),
        ),
        (
            "active with stale administrator MFA",
            request(AssignmentKind::Active, Some(at(DAY))),
            RoleSettings::default(),
            Some(session_mfa(9, before(6 * MIN))),
            Err(AssignmentError::MfaRejected(MfaRejection::Stale { at: before(6 * MIN) })),
        ),
        (
            "active with fresh administrator MFA",
            request(AssignmentKind::Active, Some(at(DAY))),
            RoleSettings::default(),
            Some(fresh.clone()),
            Ok(()),
        ),
        (
            "active longer than allowed",
            request(AssignmentKind::Active, Some(at(31 * DAY))),
            RoleSettings::default(),
            Some(fresh.clone()),
            Err(AssignmentError::TooLong { kind: AssignmentKind::Active, max: DurationMs(30 * DAY) }),
        ),
        (
            "active without MFA where the role does not ask for it",
            request(AssignmentKind::Active, None),
            RoleSettings { mfa_on_direct_active: false, ..permanent.clone() },
            None,
            Ok(()),
        ),
        (
            "end before start",
            request(AssignmentKind::Eligible, Some(before(1))),
            RoleSettings::default(),
            None,
            Err(AssignmentError::EndNotAfterStart),
        ),
        (
            "start in the past",
            DirectAssignment { start: Some(before(1)), ..request(AssignmentKind::Eligible, Some(at(DAY))) },
            RoleSettings::default(),
            None,
            Err(AssignmentError::StartInPast),
        ),
        (
            "self-assignment of an active privileged role",
            DirectAssignment { principal: uid(9), ..request(AssignmentKind::Active, Some(at(DAY))) },
            RoleSettings::default(),
            Some(fresh.clone()),
            Err(AssignmentError::SelfActiveAssignment),
        ),
        (
            "self-assignment as eligible is fine",
            DirectAssignment { principal: uid(9), ..request(AssignmentKind::Eligible, Some(at(DAY))) },
            RoleSettings::default(),
            None,
            Ok(()),
        ),
    ];
    let role = role(true);
    for (name, req, settings, mfa, expected) in rows {
        let got = assign_directly(req, &role, &settings, &admin, mfa.as_ref(), T0).map(|_| ());
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn a_scope_outside_the_role_is_refused() {
    let mut r = role(true);
    r.scope = scope("/tenants/t");
    let got = assign_directly(
        request(AssignmentKind::Eligible, Some(at(DAY))),
        &r,
        &RoleSettings::default(),
        &uid(9),
        None,
        T0,
    );
    assert!(matches!(got, Err(AssignmentError::ScopeOutsideRole { .. })));
}

#[test]
fn assignments_are_audited_and_honoured_only_while_in_effect() {
    let settings = RoleSettings {
        eligible_assignment: AssignmentLimit::AtMost(AssignmentMaxDuration::from_days(1).unwrap()),
        ..RoleSettings::default()
    };
    let (a, event) = assign_directly(
        request(AssignmentKind::Eligible, Some(at(DAY))),
        &role(true),
        &settings,
        &uid(9),
        None,
        T0,
    )
    .unwrap();
    assert_eq!(event.action, AuditAction::AssignmentAdded);
    assert_eq!(event.target, Target::Assignment(aid(5)));
    assert!(a.is_in_effect(T0));
    assert!(a.is_in_effect(at(DAY - 1)));
    assert!(!a.is_in_effect(at(DAY)), "an expired assignment is never honoured");
    assert!(!a.is_in_effect(before(1)));
    let removed = removal_event(&a, &uid(9), Some(&Reason::parse("left the team").unwrap()), at(HOUR));
    assert_eq!(removed.action, AuditAction::AssignmentRemoved);
    assert_eq!(removed.details.0.get("reason").map(String::as_str), Some("left the team"));
}
