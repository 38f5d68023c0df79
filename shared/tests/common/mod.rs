//! Fixtures shared by the domain tests: a small world of users, one role, eligibilities and
//! MFA evidence, at fixed instants (no clock anywhere).
#![allow(dead_code, clippy::unwrap_used)]

use elevate_shared::domain::assignment::{Assignment, AssignmentKind, AssignmentOrigin};
use elevate_shared::domain::digest::Digest;
use elevate_shared::domain::mfa::{MfaEvidence, MfaMethodKind, MfaMethodSummary};
use elevate_shared::domain::policy::{ActivationDraft, ActivationStart, PolicyInput};
use elevate_shared::domain::request::ActivationRequest;
use elevate_shared::domain::settings::{ApprovalPolicy, RoleSettings};
use elevate_shared::domain::{
    ActivationDuration, Actor, AssignmentId, Justification, MethodId, RequestId, Role, RoleId, RoleName,
    Scope, User, UserStatus,
};
use elevate_shared::ids::{CredentialName, DisplayName, UserId, Username};
use elevate_shared::time::{DurationMs, UnixMillis};

pub const T0: UnixMillis = UnixMillis(1_800_000_000_000);
pub const MIN: u64 = 60_000;
pub const HOUR: u64 = 60 * MIN;
pub const DAY: u64 = 24 * HOUR;

pub fn at(offset_ms: u64) -> UnixMillis {
    T0.plus(DurationMs(offset_ms))
}

pub fn before(offset_ms: u64) -> UnixMillis {
    UnixMillis(T0.0 - offset_ms)
}

pub fn uid(n: u8) -> UserId {
    UserId::parse(format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
}

pub fn rid(n: u8) -> RequestId {
    RequestId::parse(format!("{n:02x}").repeat(16)).unwrap()
}

pub fn aid(n: u8) -> AssignmentId {
    AssignmentId::parse(format!("a{n:x}").repeat(16).chars().take(32).collect::<String>()).unwrap()
}

pub fn key(n: u8) -> MethodId {
    MethodId::parse(format!("key-{n}")).unwrap()
}

pub fn scope(raw: &str) -> Scope {
    Scope::parse(raw).unwrap()
}

pub fn user(n: u8) -> User {
    User {
        id: uid(n),
        username: Username::parse(format!("user{n}")).unwrap(),
        display_name: DisplayName::parse(format!("User {n}")).unwrap(),
        status: UserStatus::Active,
        methods: vec![MfaMethodSummary {
            id: key(n),
            kind: MfaMethodKind::Webauthn,
            name: CredentialName::parse("Key").unwrap(),
            registered_at: before(30 * DAY),
            last_used_at: None,
            backup_eligible: false,
        }],
    }
}

pub fn role_id() -> RoleId {
    RoleId::parse("global-admin").unwrap()
}

pub fn role(privileged: bool) -> Role {
    Role {
        id: role_id(),
        name: RoleName::parse("Global Administrator").unwrap(),
        description: None,
        privileged,
        scope: Scope::directory(),
    }
}

pub fn eligibility(
    n: u8,
    principal: u8,
    at_scope: &str,
    start: UnixMillis,
    end: Option<UnixMillis>,
) -> Assignment {
    Assignment {
        id: aid(n),
        principal: uid(principal),
        role: role_id(),
        scope: scope(at_scope),
        kind: AssignmentKind::Eligible,
        origin: AssignmentOrigin::Direct,
        start,
        end,
        created_by: Actor::User(uid(99)),
        created_at: start,
        justification: None,
    }
}

pub fn draft(minutes: u64) -> ActivationDraft {
    ActivationDraft {
        scope: Scope::directory(),
        start: ActivationStart::Immediate,
        duration: ActivationDuration::from_minutes(minutes).unwrap(),
        justification: Some(Justification::parse("Incident 42").unwrap()),
        ticket: None,
    }
}

/// A WebAuthn tap by user `n` with their key, at `when`, that signed `challenge`.
pub fn tap(n: u8, challenge: Digest, when: UnixMillis) -> MfaEvidence {
    MfaEvidence {
        method: MfaMethodKind::Webauthn,
        credential: key(n),
        at: when,
        user_verified: true,
        backup_eligible: false,
        credential_registered_at: before(30 * DAY),
        bound_to: Some(challenge),
    }
}

/// Session MFA (a passkey sign-in) by user `n` at `when`, bound to nothing in particular.
pub fn session_mfa(n: u8, when: UnixMillis) -> MfaEvidence {
    MfaEvidence { bound_to: None, ..tap(n, Digest::ZERO, when) }
}

pub fn settings_with_approval(approvers: &[u8], quorum: u8) -> RoleSettings {
    RoleSettings {
        approval: ApprovalPolicy {
            required: true,
            approvers: approvers.iter().map(|n| uid(*n)).collect(),
            quorum,
        },
        ..RoleSettings::default()
    }
}

/// Everything a policy evaluation needs, owned, so a test can borrow a [`PolicyInput`] from it.
pub struct World {
    pub principal: User,
    pub role: Role,
    pub settings: RoleSettings,
    pub assignments: Vec<Assignment>,
    pub requests: Vec<ActivationRequest>,
}

impl World {
    /// User 1 eligible for the privileged role at `/` from 10 days ago for 30 days; default settings.
    pub fn new() -> Self {
        Self {
            principal: user(1),
            role: role(true),
            settings: RoleSettings::default(),
            assignments: vec![eligibility(1, 1, "/", before(10 * DAY), Some(at(20 * DAY)))],
            requests: Vec::new(),
        }
    }

    pub fn input<'a>(
        &'a self,
        draft: &'a ActivationDraft,
        session: Option<&'a MfaEvidence>,
        now: UnixMillis,
    ) -> PolicyInput<'a> {
        PolicyInput {
            principal: &self.principal,
            role: &self.role,
            settings: &self.settings,
            draft,
            assignments: &self.assignments,
            requests: &self.requests,
            session_mfa: session,
            now,
        }
    }

    pub fn eligibility(&self) -> &Assignment {
        &self.assignments[0]
    }
}
