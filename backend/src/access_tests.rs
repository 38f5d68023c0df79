//! The access object over in-memory storage: grants appear at once and end on time, a revoked
//! eligibility takes its requests and grants with it, racing approvers reach one outcome, and
//! the scheduled tidy records what reads already enforce.

use super::*;

use crate::storage::MemoryStore;
use elevate_shared::domain::audit::AuditAction;
use elevate_shared::domain::digest::Verdict;
use elevate_shared::domain::ids::MethodId;
use elevate_shared::domain::mfa::MfaMethodKind;
use elevate_shared::domain::request::RequestStatus;
use elevate_shared::domain::user::UserStatus;
use elevate_shared::domain::{Digest, Justification, RoleName, Scope};
use elevate_shared::ids::{DisplayName, Username};
use futures::executor::block_on;

const T0: UnixMillis = UnixMillis(1_800_000_000_000);
const MIN: u64 = 60_000;

fn uid(n: u8) -> UserId {
    UserId::parse(format!("00000000-0000-4000-8000-{n:012}")).unwrap()
}

fn person(n: u8) -> User {
    User {
        id: uid(n),
        username: Username::parse(format!("user{n}")).unwrap(),
        display_name: DisplayName::parse(format!("User {n}")).unwrap(),
        status: UserStatus::Active,
        methods: vec![elevate_shared::domain::mfa::MfaMethodSummary {
            id: key(n),
            kind: MfaMethodKind::Webauthn,
            name: elevate_shared::ids::CredentialName::parse("Key").unwrap(),
            registered_at: UnixMillis(T0.0 - 30 * 24 * 60 * MIN),
            last_used_at: None,
            backup_eligible: false,
        }],
    }
}

fn key(n: u8) -> MethodId {
    MethodId::parse(format!("key{n}")).unwrap()
}

/// A tap by person `n` over `digest` at `at`.
fn tap(n: u8, digest: Digest, at: UnixMillis) -> MfaEvidence {
    MfaEvidence {
        method: MfaMethodKind::Webauthn,
        credential: key(n),
        at,
        user_verified: true,
        backup_eligible: false,
        credential_registered_at: UnixMillis(T0.0 - 30 * 24 * 60 * MIN),
        bound_to: Some(digest),
    }
}

struct Fixture {
    store: MemoryStore,
}

impl Fixture {
    fn new() -> Self {
        Self { store: MemoryStore::default() }
    }

    fn access(&self) -> AccessObject<'_, MemoryStore> {
        AccessObject { store: &self.store }
    }

    /// A role (`approvers` empty: no approval) that needs no MFA or justification, and person 2
    /// eligible for it for a week.
    fn role_with_eligible(&self, approvers: &[u8]) -> (RoleId, AssignmentId) {
        let mut settings = RoleSettings::default();
        settings.activation_mfa.required = false;
        settings.justification.required = false;
        if !approvers.is_empty() {
            settings.approval.required = true;
            settings.approval.approvers = approvers.iter().map(|n| uid(*n)).collect();
        }
        let id = RoleId::parse("ops").unwrap();
        let body = CreateRole {
            id: id.clone(),
            name: RoleName::parse("Ops").unwrap(),
            description: None,
            privileged: true,
            scope: Scope::parse("/").unwrap(),
            settings: Some(settings),
        };
        block_on(self.access().create_role(&uid(1), body, T0)).unwrap();
        let assignment = CreateAssignment {
            principal: uid(2),
            role: id.clone(),
            scope: Scope::parse("/").unwrap(),
            kind: AssignmentKind::Eligible,
            start: None,
            end: Some(T0.plus(DurationMs::from_hours(7 * 24))),
            justification: None,
        };
        let a = block_on(self.access().assign(&uid(1), None, assignment, T0)).unwrap();
        (id, a.id)
    }

    fn draft(minutes: u64) -> ActivationDraft {
        ActivationDraft {
            scope: Scope::parse("/").unwrap(),
            start: ActivationStart::Immediate,
            duration: ActivationDuration::from_minutes(minutes).unwrap(),
            justification: Some(Justification::parse("Incident 42").unwrap()),
            ticket: None,
        }
    }

    fn actions(&self) -> Vec<AuditAction> {
        block_on(crate::audit_log::pending(&self.store))
            .unwrap()
            .into_iter()
            .map(|(_, e)| e.draft.action)
            .collect()
    }
}

#[test]
fn a_grant_is_visible_at_once_and_not_honoured_after_its_end_even_before_the_tidy_records_it() {
    let f = Fixture::new();
    let (role, _) = f.role_with_eligible(&[]);
    let access = f.access();
    let request = block_on(access.create_request(&person(2), &role, &Fixture::draft(30), None, T0)).unwrap();
    assert_eq!(request.state.status(), RequestStatus::Active);
    let mine = block_on(access.my_roles(&person(2), None, T0)).unwrap();
    assert_eq!(mine.active.len(), 1, "the grant is visible to the very next read");
    let end = T0.plus(DurationMs::from_mins(30));
    assert_eq!(mine.active[0].assignment.end, Some(end));

    let after = end.plus(DurationMs(1_000));
    assert!(block_on(access.my_roles(&person(2), None, after)).unwrap().active.is_empty());
    // The read already recorded the expiry; the tidy finds nothing left to do.
    assert!(f.actions().contains(&AuditAction::ActivationExpired));
    assert_eq!(block_on(access.tidy(after)).unwrap(), 0);
}

#[test]
fn the_scheduled_tidy_records_expiries_nobody_has_read() {
    let f = Fixture::new();
    let (role, _) = f.role_with_eligible(&[]);
    let access = f.access();
    block_on(access.create_request(&person(2), &role, &Fixture::draft(5), None, T0)).unwrap();
    let later = T0.plus(DurationMs::from_mins(6));
    assert_eq!(block_on(access.tidy(later)).unwrap(), 1);
    assert!(f.actions().contains(&AuditAction::ActivationExpired));
    let (requests, _) = block_on(access.my_requests(&uid(2), later)).unwrap();
    assert_eq!(requests[0].state.status(), RequestStatus::Expired);
}

#[test]
fn revoking_an_eligibility_voids_waiting_requests_and_ends_the_grants_resting_on_it() {
    let f = Fixture::new();
    let (role, eligibility) = f.role_with_eligible(&[3]);
    let access = f.access();
    let waiting = block_on(access.create_request(&person(2), &role, &Fixture::draft(30), None, T0)).unwrap();
    assert_eq!(waiting.state.status(), RequestStatus::PendingApproval);
    block_on(access.remove_assignment(&uid(1), &eligibility, None, T0)).unwrap();
    let (requests, _) = block_on(access.my_requests(&uid(2), T0)).unwrap();
    assert_eq!(requests[0].state.status(), RequestStatus::Voided);
    assert!(f.actions().contains(&AuditAction::RequestVoided));
}

#[test]
fn of_two_approvers_on_a_one_of_two_only_the_first_decides_and_the_requester_never() {
    let f = Fixture::new();
    let (role, _) = f.role_with_eligible(&[3, 4]);
    let access = f.access();
    let r = block_on(access.create_request(&person(2), &role, &Fixture::draft(30), None, T0)).unwrap();
    let at = T0.plus(DurationMs(1_000));
    let own = tap(2, r.approval_challenge(&uid(2), Verdict::Approve), at);
    let e = block_on(access.decide(&uid(2), &r.id, Verdict::Approve, None, own, at)).unwrap_err();
    assert_eq!(e.to_wire().code, ErrorCode::SelfApproval);
    let stranger = tap(5, r.approval_challenge(&uid(5), Verdict::Approve), at);
    let e = block_on(access.decide(&uid(5), &r.id, Verdict::Approve, None, stranger, at)).unwrap_err();
    assert_eq!(e.to_wire().code, ErrorCode::NotFound, "a stranger learns nothing of the request");

    let first = tap(3, r.approval_challenge(&uid(3), Verdict::Approve), at);
    let decided = block_on(access.decide(&uid(3), &r.id, Verdict::Approve, None, first, at)).unwrap();
    assert_eq!(decided.state.status(), RequestStatus::Active);
    let second = tap(4, r.approval_challenge(&uid(4), Verdict::Approve), at);
    let e = block_on(access.decide(&uid(4), &r.id, Verdict::Approve, None, second, at)).unwrap_err();
    assert_eq!(e.to_wire().code, ErrorCode::RequestStateConflict);
    // While the grant holds, the role cannot be activated again.
    let other = block_on(access.create_request(&person(2), &role, &Fixture::draft(30), None, at));
    assert_eq!(other.unwrap_err().to_wire().code, ErrorCode::AlreadyActive);
}

/// Roles `ids`, each without MFA on activation.
fn lax_roles(f: &Fixture, ids: &[&str]) {
    for id in ids {
        let mut settings = RoleSettings::default();
        settings.activation_mfa.required = false;
        let body = CreateRole {
            id: RoleId::parse(*id).unwrap(),
            name: RoleName::parse(*id).unwrap(),
            description: None,
            privileged: false,
            scope: Scope::parse("/").unwrap(),
            settings: Some(settings),
        };
        block_on(f.access().create_role(&uid(1), body, T0)).unwrap();
    }
}

fn lax_alert(now: &AlertsNow) -> Option<&elevate_shared::domain::Alert> {
    now.shown.iter().find(|a| a.kind == AlertKind::RoleWithoutMfa)
}

fn reason(text: &str) -> Reason {
    Reason::parse(text).unwrap()
}

#[test]
fn a_dismissed_alert_is_listed_apart_with_its_reason_and_audited_in_the_same_step() {
    let f = Fixture::new();
    lax_roles(&f, &["billing", "reports"]);
    let access = f.access();
    let people = [person(1)];
    assert!(lax_alert(&block_on(access.alerts(&people, T0)).unwrap()).is_some());

    let at = T0.plus(DurationMs(1_000));
    let why = reason("Read-only roles; reviewed with the security team");
    let (alert, dismissal) =
        block_on(access.dismiss_alert(&uid(1), &people, AlertKind::RoleWithoutMfa, why.clone(), at)).unwrap();
    assert_eq!(alert.affected.len(), 2);
    assert_eq!((dismissal.by.clone(), dismissal.at, dismissal.reason.clone()), (uid(1), at, why.clone()));

    let now = block_on(access.alerts(&people, at)).unwrap();
    assert!(lax_alert(&now).is_none(), "dismissed: not shown");
    assert_eq!(now.dismissed.len(), 1, "but listed apart: {now:?}");
    assert_eq!(now.dismissed[0].1.reason, why);

    let events = block_on(crate::audit_log::pending(&f.store)).unwrap();
    let dismissed: Vec<_> =
        events.iter().map(|(_, e)| &e.draft).filter(|d| d.action == AuditAction::AlertDismissed).collect();
    assert_eq!(dismissed.len(), 1);
    assert_eq!(dismissed[0].actor, Actor::User(uid(1)));
    assert_eq!(dismissed[0].target, elevate_shared::domain::audit::Target::Alert(AlertKind::RoleWithoutMfa));
    assert_eq!(dismissed[0].details.0.get("reason"), Some(&why.to_string()));
    assert_eq!(dismissed[0].at, at);
}

#[test]
fn a_new_item_raises_a_dismissed_alert_again_and_a_fixed_one_stays_hidden() {
    let f = Fixture::new();
    lax_roles(&f, &["billing", "reports"]);
    let access = f.access();
    let people = [person(1)];
    block_on(access.dismiss_alert(&uid(1), &people, AlertKind::RoleWithoutMfa, reason("Accepted"), T0))
        .unwrap();

    // Fewer items (one fixed): still covered by the dismissal.
    let fix = elevate_shared::domain::Fix::RequireMfaOnActivation {
        roles: vec![RoleId::parse("billing").unwrap()],
    };
    block_on(access.apply_fix(&uid(1), &fix, T0)).unwrap();
    let now = block_on(access.alerts(&people, T0)).unwrap();
    assert!(lax_alert(&now).is_none());
    assert_eq!(now.dismissed[0].0.affected.len(), 1);

    // A role nobody looked at: the alert is back, with every item.
    lax_roles(&f, &["payroll"]);
    let now = block_on(access.alerts(&people, T0)).unwrap();
    let back = lax_alert(&now).unwrap_or_else(|| panic!("not raised again: {now:?}"));
    let roles: Vec<_> = back.affected.iter().map(|a| a.key()).collect();
    assert_eq!(roles.len(), 2, "{roles:?}");
    assert!(now.dismissed.is_empty());
}

#[test]
fn refused_dismissals_change_nothing() {
    let f = Fixture::new();
    lax_roles(&f, &["billing"]);
    let access = f.access();
    let people = [person(1)];
    let before = f.actions();
    let e = block_on(access.dismiss_alert(&uid(1), &people, AlertKind::FraudReported, reason("No"), T0))
        .unwrap_err();
    assert_eq!(e.to_wire().code, ErrorCode::BadRequest);
    let e = block_on(access.dismiss_alert(&uid(1), &people, AlertKind::StaleEligibility, reason("No"), T0))
        .unwrap_err();
    assert_eq!(e.to_wire().code, ErrorCode::NotFound);
    assert_eq!(f.actions(), before, "nothing audited");
    let now = block_on(access.alerts(&people, T0)).unwrap();
    assert!(lax_alert(&now).is_some() && now.dismissed.is_empty());
}

#[test]
fn a_role_is_deleted_only_once_nothing_rests_on_it_and_renamed_with_its_history() {
    let f = Fixture::new();
    let (role, eligibility) = f.role_with_eligible(&[]);
    let access = f.access();
    let in_use = block_on(access.delete_role(&uid(1), &role, T0)).unwrap_err();
    assert_eq!(in_use.to_wire().code, ErrorCode::RoleInUse);
    assert!(block_on(access.role(&role)).is_ok(), "nothing changed");

    let rename = UpdateRole {
        role: role.clone(),
        name: Some(RoleName::parse("Operations").unwrap()),
        description: None,
        privileged: Some(false),
    };
    // Without a person's MFA (a token), a role cannot stop being privileged.
    let refused = block_on(access.update_role(&uid(1), rename.clone(), false, T0)).unwrap_err();
    assert_eq!(refused.to_wire().code, ErrorCode::Forbidden);
    let view = block_on(access.update_role(&uid(1), rename, true, T0)).unwrap();
    assert_eq!((view.role.name.as_str(), view.role.privileged), ("Operations", false));

    block_on(access.remove_assignment(&uid(1), &eligibility, None, T0)).unwrap();
    block_on(access.delete_role(&uid(1), &role, T0)).unwrap();
    assert!(block_on(access.role(&role)).is_err());
    let actions = f.actions();
    assert!(actions.contains(&AuditAction::RoleUpdated) && actions.contains(&AuditAction::RoleDeleted));
    // The person's own views still load without the role.
    assert!(block_on(access.my_roles(&person(2), None, T0)).unwrap().eligible.is_empty());
}
