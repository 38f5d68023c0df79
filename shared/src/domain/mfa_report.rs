//! MFA reports (Azure MFA's usage and fraud reports): what each audit event counts towards —
//! sign-ins, verifications, activations with and without MFA, failures, lockouts, fraud reports,
//! bypasses — and by which method. The log object keeps a counter per UTC day for each, so a
//! report over any period reads a few hundred counters, never the events.

use crate::domain::audit::{Actor, AuditAction, AuditEvent};
use crate::ids::UserId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One thing a report counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tally {
    SignIns,
    SignInFailures,
    /// A step-up or request-bound MFA that succeeded.
    Verified,
    /// One that failed (wrong code, replay, refused assertion).
    VerificationFailures,
    ActivationsWithMfa,
    /// Activations the role let through without MFA.
    ActivationsWithoutMfa,
    Lockouts,
    FraudReports,
    BypassesGranted,
    BypassesUsed,
}

impl Tally {
    pub const ALL: &'static [Self] = &[
        Self::SignIns,
        Self::SignInFailures,
        Self::Verified,
        Self::VerificationFailures,
        Self::ActivationsWithMfa,
        Self::ActivationsWithoutMfa,
        Self::Lockouts,
        Self::FraudReports,
        Self::BypassesGranted,
        Self::BypassesUsed,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignIns => "sign_ins",
            Self::SignInFailures => "sign_in_failures",
            Self::Verified => "verified",
            Self::VerificationFailures => "verification_failures",
            Self::ActivationsWithMfa => "activations_with_mfa",
            Self::ActivationsWithoutMfa => "activations_without_mfa",
            Self::Lockouts => "lockouts",
            Self::FraudReports => "fraud_reports",
            Self::BypassesGranted => "bypasses_granted",
            Self::BypassesUsed => "bypasses_used",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }

    /// Whether it counts something that went wrong or around MFA — a failure, a lockout, a fraud
    /// report, a bare activation, a bypass (the charts draw these apart from what went right).
    #[must_use]
    pub const fn is_problem(self) -> bool {
        matches!(
            self,
            Self::SignInFailures
                | Self::VerificationFailures
                | Self::Lockouts
                | Self::FraudReports
                | Self::ActivationsWithoutMfa
                | Self::BypassesGranted
                | Self::BypassesUsed
        )
    }
}

/// How the person proved it (or did not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportMethod {
    Passkey,
    /// An authenticator app or OATH hardware token code.
    Totp,
    /// A password with no second factor.
    Password,
    /// An administrator's one-time bypass.
    Bypass,
    /// Not recorded (e.g. a failed assertion before the method was known).
    Unknown,
}

impl ReportMethod {
    pub const ALL: &'static [Self] =
        &[Self::Passkey, Self::Totp, Self::Password, Self::Bypass, Self::Unknown];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Passkey => "passkey",
            Self::Totp => "totp",
            Self::Password => "password",
            Self::Bypass => "bypass",
            Self::Unknown => "unknown",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| m.as_str() == s)
    }

    /// The method a `method` detail names, as the objects write it (`password+totp`, `passkey`,
    /// `invitation+passkey`, `Totp`, `WebAuthn`, …): the strongest factor in it.
    fn from_detail(detail: Option<&String>) -> Self {
        let Some(d) = detail.map(|d| d.to_ascii_lowercase()) else { return Self::Unknown };
        if d.contains("bypass") {
            Self::Bypass
        } else if d.contains("passkey") || d.contains("webauthn") || d.contains("discover") {
            Self::Passkey
        } else if d.contains("totp") || d.contains("oath") || d.contains("code") {
            Self::Totp
        } else if d.contains("password") {
            Self::Password
        } else {
            Self::Unknown
        }
    }
}

/// What `event` counts towards, by which method, for whom; none for events reports ignore.
#[must_use]
pub fn tally_of(event: &AuditEvent) -> Option<(Tally, ReportMethod, Option<UserId>)> {
    let method = ReportMethod::from_detail(event.details.0.get("method"));
    let tally = match event.action {
        AuditAction::SignedIn => Tally::SignIns,
        AuditAction::SignInFailed => Tally::SignInFailures,
        AuditAction::MfaSucceeded => Tally::Verified,
        AuditAction::MfaFailed => Tally::VerificationFailures,
        AuditAction::MfaCompletedDuringActivation => Tally::ActivationsWithMfa,
        AuditAction::LockedOut => Tally::Lockouts,
        AuditAction::FraudReported => Tally::FraudReports,
        AuditAction::BypassGranted => Tally::BypassesGranted,
        AuditAction::BypassUsed => Tally::BypassesUsed,
        // An activation that needed no MFA: activated with no MFA event of its own before it.
        AuditAction::RoleActivated if event.details.0.get("mfa").is_some_and(|m| m == "none") => {
            Tally::ActivationsWithoutMfa
        }
        _ => return None,
    };
    let method = match (tally, method) {
        (Tally::BypassesGranted | Tally::BypassesUsed, _) => ReportMethod::Bypass,
        (Tally::SignInFailures, ReportMethod::Unknown)
            if event.details.0.get("reason").is_some_and(|r| r == "wrong_password") =>
        {
            ReportMethod::Password
        }
        (_, m) => m,
    };
    // Whom it is about: the account's own events name it as the target; otherwise the actor.
    let person = match (&event.target, &event.actor) {
        (crate::domain::audit::Target::User(u), _) | (_, Actor::User(u)) => Some(u.clone()),
        _ => None,
    };
    Some((tally, method, person))
}

/// The UTC day an instant falls on, counted from the epoch.
#[must_use]
pub const fn day_of(t: UnixMillis) -> u64 {
    t.0 / 86_400_000
}

/// Counts by tally; absent means zero.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Counts(pub BTreeMap<Tally, u64>);

impl Counts {
    #[must_use]
    pub fn get(&self, t: Tally) -> u64 {
        self.0.get(&t).copied().unwrap_or(0)
    }
    pub fn add(&mut self, t: Tally, n: u64) {
        *self.0.entry(t).or_default() += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{AuditDraft, Target, append};

    fn event(action: AuditAction, details: &[(&str, &str)]) -> AuditEvent {
        let bob = UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let mut d = AuditDraft::new(action, Actor::User(bob.clone()), Target::User(bob), UnixMillis(0));
        for (k, v) in details {
            d = d.detail(k, v);
        }
        append(None, d)
    }

    #[test]
    fn each_event_counts_once_by_its_strongest_factor() {
        let m = |action, details: &[(&str, &str)]| tally_of(&event(action, details)).map(|(t, m, _)| (t, m));
        use ReportMethod::*;
        assert_eq!(m(AuditAction::SignedIn, &[("method", "password+totp")]), Some((Tally::SignIns, Totp)));
        assert_eq!(
            m(AuditAction::SignedIn, &[("method", "invitation+passkey")]),
            Some((Tally::SignIns, Passkey))
        );
        assert_eq!(m(AuditAction::SignedIn, &[("method", "password")]), Some((Tally::SignIns, Password)));
        assert_eq!(
            m(AuditAction::SignedIn, &[("method", "password+bypass")]),
            Some((Tally::SignIns, Bypass))
        );
        assert_eq!(
            m(AuditAction::SignInFailed, &[("reason", "wrong_password")]),
            Some((Tally::SignInFailures, Password))
        );
        assert_eq!(
            m(AuditAction::MfaFailed, &[("method", "totp")]),
            Some((Tally::VerificationFailures, Totp))
        );
        assert_eq!(
            m(AuditAction::MfaCompletedDuringActivation, &[("method", "WebAuthn")]),
            Some((Tally::ActivationsWithMfa, Passkey))
        );
        assert_eq!(m(AuditAction::BypassGranted, &[]), Some((Tally::BypassesGranted, Bypass)));
        assert_eq!(
            m(AuditAction::RoleActivated, &[("mfa", "none")]),
            Some((Tally::ActivationsWithoutMfa, Unknown))
        );
        assert_eq!(m(AuditAction::RoleActivated, &[]), None, "counted by its MFA event instead");
        assert_eq!(m(AuditAction::RoleCreated, &[]), None);
    }

    #[test]
    fn names_round_trip_and_days_are_utc() {
        for t in Tally::ALL {
            assert_eq!(Tally::parse(t.as_str()), Some(*t));
        }
        for m in ReportMethod::ALL {
            assert_eq!(ReportMethod::parse(m.as_str()), Some(*m));
        }
        assert_eq!(day_of(UnixMillis(86_399_999)), 0);
        assert_eq!(day_of(UnixMillis(86_400_000)), 1);
    }
}
