//! Security alerts: one scenario per alert, plus the fixes.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use elevate_shared::domain::assignment::{Assignment, AssignmentKind, AssignmentOrigin};
use elevate_shared::domain::digest::Verdict;
use elevate_shared::domain::mfa::{AllowedMethods, MfaMethodKind};
use elevate_shared::domain::request::ActivationRequest;
use elevate_shared::domain::settings::RoleSettings;
use elevate_shared::domain::{
    Affected, Alert, AlertInput, AlertKind, AlertThresholds, Fix, Role, RoleId, RoleName, Scope, User,
    compute_alerts,
};
use elevate_shared::time::UnixMillis;
use std::collections::BTreeMap;

struct State {
    roles: Vec<Role>,
    settings: BTreeMap<RoleId, RoleSettings>,
    users: Vec<User>,
    assignments: Vec<Assignment>,
    requests: Vec<ActivationRequest>,
    thresholds: AlertThresholds,
}

impl State {
    /// One privileged role with strong settings, user 1 eligible and recently active: no alerts.
    fn quiet() -> Self {
        let mut settings = RoleSettings::default();
        settings.activation_mfa.authenticators.allowed = AllowedMethods::PhishingResistant;
        let mut s = Self {
            roles: vec![role(true)],
            settings: BTreeMap::from([(role_id(), settings)]),
            users: vec![user(1), user(2), user(3)],
            assignments: vec![eligibility(1, 1, "/", before(10 * DAY), None)],
            requests: Vec::new(),
            thresholds: AlertThresholds::default(),
        };
        s.requests.push(activated_request(&s, 1, before(2 * DAY)));
        s
    }

    fn alerts(&self) -> Vec<Alert> {
        compute_alerts(&AlertInput {
            roles: &self.roles,
            settings: &self.settings,
            users: &self.users,
            assignments: &self.assignments,
            requests: &self.requests,
            now: T0,
            thresholds: &self.thresholds,
        })
    }

    fn alert(&self, kind: AlertKind) -> Option<Alert> {
        self.alerts().into_iter().find(|a| a.kind == kind)
    }
}

/// Request `n` by user 1 that became active at `when`, with a tap by key 1.
fn activated_request(s: &State, n: u8, when: UnixMillis) -> ActivationRequest {
    let mut w = World::new();
    w.settings = s.settings[&role_id()].clone();
    w.assignments = vec![eligibility(1, 1, "/", before(400 * DAY), None)];
    let d = draft(60);
    let r = ActivationRequest::create(&w.input(&d, None, when), rid(n)).unwrap().request;
    r.complete_mfa(&tap(1, r.digest, when), w.eligibility(), when).unwrap().request
}

fn active(n: u8, principal: u8, end: Option<UnixMillis>, origin: AssignmentOrigin) -> Assignment {
    Assignment { kind: AssignmentKind::Active, origin, ..eligibility(n, principal, "/", before(DAY), end) }
}

#[test]
fn a_well_configured_portal_has_no_alerts() {
    assert_eq!(State::quiet().alerts(), vec![]);
}

#[test]
fn roles_without_mfa_have_a_bulk_fix() {
    let mut s = State::quiet();
    let other = RoleId::parse("reader").unwrap();
    s.roles.push(Role {
        id: other.clone(),
        name: RoleName::parse("Reader").unwrap(),
        description: None,
        privileged: false,
        scope: Scope::directory(),
    });
    for settings in s.settings.values_mut() {
        settings.activation_mfa.required = false;
    }
    s.settings.insert(
        other.clone(),
        RoleSettings {
            activation_mfa: s.settings[&role_id()].activation_mfa.clone(),
            ..RoleSettings::default()
        },
    );
    let alert = s.alert(AlertKind::RoleWithoutMfa).unwrap();
    assert_eq!(alert.severity, elevate_shared::domain::Severity::High);
    let fix = alert.fix.unwrap();
    assert_eq!(fix, Fix::RequireMfaOnActivation { roles: vec![role_id(), other.clone()] });
    for role in [role_id(), other] {
        let fixed = fix.apply_to_settings(&role, &s.settings[&role]).unwrap();
        assert!(fixed.activation_mfa.required);
        s.settings.insert(role, fixed);
    }
    assert_eq!(s.alert(AlertKind::RoleWithoutMfa), None);
    assert_eq!(fix.apply_to_settings(&RoleId::parse("other").unwrap(), &RoleSettings::default()), None);
}

#[test]
fn privileged_roles_accepting_totp_are_flagged() {
    let mut s = State::quiet();
    s.settings.insert(role_id(), RoleSettings::default());
    let alert = s.alert(AlertKind::PrivilegedRoleWithoutPhishingResistantMfa).unwrap();
    let fixed = alert.fix.unwrap().apply_to_settings(&role_id(), &RoleSettings::default()).unwrap();
    assert_eq!(fixed.activation_mfa.authenticators.allowed, AllowedMethods::PhishingResistant);
}

#[test]
fn too_many_permanent_holders() {
    let mut s = State::quiet();
    for n in 2..=4 {
        s.assignments.push(active(n, n, None, AssignmentOrigin::Direct));
    }
    let alert = s.alert(AlertKind::TooManyPermanentHolders).unwrap();
    assert_eq!(alert.affected, [Affected::PermanentHolders { role: role_id(), holders: 3 }]);
    assert_eq!(alert.fix, None);
    s.thresholds.max_permanent_active_holders = 3;
    assert_eq!(s.alert(AlertKind::TooManyPermanentHolders), None);
}

#[test]
fn roles_activated_too_often() {
    let mut s = State::quiet();
    for (n, hours) in [(2, 1), (3, 5), (4, 20)] {
        let r = activated_request(&s, n, before(hours * HOUR));
        s.requests.push(r);
    }
    let alert = s.alert(AlertKind::FrequentActivation).unwrap();
    assert_eq!(alert.affected, [Affected::Activations { principal: uid(1), role: role_id(), count: 3 }]);
    s.thresholds.frequent_activation_count = 4;
    assert_eq!(s.alert(AlertKind::FrequentActivation), None);
}

#[test]
fn eligible_users_without_a_usable_method() {
    let mut s = State::quiet();
    s.assignments.push(eligibility(2, 2, "/", before(DAY), None));
    s.assignments.push(eligibility(3, 3, "/", before(DAY), None));
    s.users[1].methods.clear();
    s.users[2].methods[0].kind = MfaMethodKind::Totp; // the role accepts security keys only
    let alert = s.alert(AlertKind::EligibleWithoutMfa).unwrap();
    assert_eq!(
        alert.affected,
        [Affected::User { user: uid(2), role: role_id() }, Affected::User { user: uid(3), role: role_id() }]
    );
}

#[test]
fn stale_eligibilities_can_be_removed() {
    let mut s = State::quiet();
    s.assignments.push(eligibility(2, 2, "/", before(40 * DAY), None));
    s.assignments.push(eligibility(3, 3, "/", before(10 * DAY), None)); // too young to be stale
    let alert = s.alert(AlertKind::StaleEligibility).unwrap();
    assert_eq!(
        alert.affected,
        [Affected::Assignment { assignment: aid(2), principal: uid(2), role: role_id() }]
    );
    assert_eq!(alert.fix, Some(Fix::RemoveAssignments { assignments: vec![aid(2)] }));
}

#[test]
fn active_assignments_made_outside_the_portal() {
    let mut s = State::quiet();
    s.assignments.push(active(2, 2, Some(at(DAY)), AssignmentOrigin::External));
    s.assignments.push(active(3, 3, Some(at(DAY)), AssignmentOrigin::Direct));
    s.assignments.push(active(4, 3, Some(before(1)), AssignmentOrigin::External)); // already over
    let alert = s.alert(AlertKind::ActiveOutsidePortal).unwrap();
    assert_eq!(alert.fix, Some(Fix::RemoveAssignments { assignments: vec![aid(2)] }));
}

#[test]
fn activation_with_a_freshly_registered_key() {
    let mut s = State::quiet();
    s.users[0].methods[0].registered_at = before(2 * DAY + HOUR);
    let alert = s.alert(AlertKind::FreshCredentialActivation).unwrap();
    assert_eq!(
        alert.affected,
        [Affected::Request { request: rid(1), requester: uid(1), credential: key(1) }]
    );
    s.users[0].methods[0].registered_at = before(3 * DAY + 1);
    assert_eq!(s.alert(AlertKind::FreshCredentialActivation), None);
}

#[test]
fn requester_and_approver_sharing_an_authenticator() {
    let mut s = State::quiet();
    // A record where the approver's decision carries the requester's credential (an import, or
    // data from before the state machine refused it).
    let mut r = s.requests[0].clone();
    r.decisions.push(elevate_shared::domain::request::ApprovalDecision {
        approver: uid(2),
        verdict: Verdict::Approve,
        reason: None,
        at: before(2 * DAY),
        credential: Some(key(1)),
    });
    s.requests[0] = r;
    let alert = s.alert(AlertKind::SharedAuthenticator).unwrap();
    assert_eq!(alert.affected.len(), 1);
}

#[test]
fn alerts_are_ordered_by_severity_and_serialise_with_stable_names() {
    let mut s = State::quiet();
    s.assignments.push(eligibility(2, 2, "/", before(40 * DAY), None));
    s.assignments.push(active(3, 3, Some(at(DAY)), AssignmentOrigin::External));
    let alerts = s.alerts();
    let severities: Vec<_> = alerts.iter().map(|a| a.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(severities, sorted);
    for kind in AlertKind::ALL {
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
    }
}
