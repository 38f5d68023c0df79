//! Authenticators, the MFA evidence a session or a ceremony yields, and whether evidence satisfies
//! a role's authenticator policy.
//!
//! The backend verifies the WebAuthn assertion or the TOTP code; this module decides whether the
//! *verified* result is good enough for a given purpose: right kind of method, user verification,
//! not a synced passkey where those are refused, old enough, and fresh — either within a session
//! window, or a tap made for this very request (its challenge was the request's [`Digest`]).
//!
//! TOTP cannot commit to a challenge, so a "fresh tap" by TOTP means a code verified after the
//! request was created and at most [`FRESH_TAP_MAX_AGE`] ago. User verification is a WebAuthn
//! notion; it is not asked of TOTP, which is only ever accepted where any method is allowed.

use crate::domain::digest::Digest;
use crate::domain::durations::FreshnessWindow;
use crate::domain::ids::MethodId;
use crate::ids::CredentialName;
use crate::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};

/// How old a "fresh" tap may be when it is presented: enough for a person to tap and the request
/// to reach the server, short enough that a stolen assertion is soon worthless.
pub const FRESH_TAP_MAX_AGE: DurationMs = DurationMs::from_mins(5);

/// The kind of a registered method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaMethodKind {
    /// A security key or passkey.
    Webauthn,
    /// An authenticator app or OATH hardware token.
    Totp,
}

impl MfaMethodKind {
    /// WebAuthn binds its assertion to the origin, so a phishing site cannot relay it; a TOTP
    /// code can be typed into any site.
    #[must_use]
    pub const fn is_phishing_resistant(self) -> bool {
        matches!(self, Self::Webauthn)
    }
}

/// What the portal may know of one registered method (no key material, no secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaMethodSummary {
    pub id: MethodId,
    pub kind: MfaMethodKind,
    pub name: CredentialName,
    pub registered_at: UnixMillis,
    #[serde(default)]
    pub last_used_at: Option<UnixMillis>,
    /// A passkey that may be synced to other devices (WebAuthn BE flag); false for TOTP.
    #[serde(default)]
    pub backup_eligible: bool,
}

/// A verified MFA: which method, when, and with what properties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaEvidence {
    pub method: MfaMethodKind,
    pub credential: MethodId,
    /// When the backend verified it.
    pub at: UnixMillis,
    /// WebAuthn UV flag (PIN or biometrics); always false for TOTP.
    pub user_verified: bool,
    pub backup_eligible: bool,
    /// When the credential was registered, for the minimum-age rule and abuse alerts.
    pub credential_registered_at: UnixMillis,
    /// The challenge the WebAuthn assertion signed, when it was a request-bound digest.
    #[serde(default)]
    pub bound_to: Option<Digest>,
}

/// Which kinds of method a role accepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AllowedMethods {
    /// WebAuthn or TOTP.
    #[default]
    Any,
    /// WebAuthn only.
    PhishingResistant,
}

impl AllowedMethods {
    #[must_use]
    pub const fn allows(self, kind: MfaMethodKind) -> bool {
        match self {
            Self::Any => true,
            Self::PhishingResistant => kind.is_phishing_resistant(),
        }
    }
}

/// Which authenticators count for a role (activation, extension and approval alike).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticatorPolicy {
    pub allowed: AllowedMethods,
    /// Require the WebAuthn UV flag.
    pub user_verification: bool,
    /// Refuse passkeys that may be synced to other devices (backup eligible).
    #[serde(default)]
    pub refuse_synced_passkeys: bool,
    /// Refuse credentials registered less than this long before use.
    #[serde(default)]
    pub min_credential_age: Option<DurationMs>,
}

impl Default for AuthenticatorPolicy {
    fn default() -> Self {
        Self {
            allowed: AllowedMethods::Any,
            user_verification: true,
            refuse_synced_passkeys: false,
            min_credential_age: None,
        }
    }
}

impl AuthenticatorPolicy {
    /// Whether a registered method could ever satisfy this policy (age aside, which time cures).
    #[must_use]
    pub fn accepts_method(&self, method: &MfaMethodSummary) -> bool {
        self.allowed.allows(method.kind) && !(self.refuse_synced_passkeys && method.backup_eligible)
    }
}

/// Whether an earlier MFA in the session counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode", content = "window")]
pub enum MfaFreshness {
    /// Every activation needs its own request-bound tap; no earlier MFA counts.
    #[default]
    RequireFreshTap,
    /// An MFA done in the session within the window counts.
    Within(FreshnessWindow),
}

/// The freshness a particular check demands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreshnessRule {
    /// Session MFA no older than the window.
    Session(FreshnessWindow),
    /// A tap for this purpose: WebAuthn evidence must have signed `challenge`; any evidence must
    /// be no earlier than `not_before` and at most [`FRESH_TAP_MAX_AGE`] old.
    Tap { challenge: Digest, not_before: UnixMillis },
}

/// Why evidence was not good enough.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum MfaRejection {
    #[error("this role accepts only phishing-resistant methods (security keys and passkeys)")]
    MethodNotAllowed { method: MfaMethodKind, allowed: AllowedMethods },
    #[error("this role requires user verification (PIN or biometrics) on the authenticator")]
    UserNotVerified,
    #[error("this role refuses passkeys that sync to other devices")]
    SyncedPasskeyRefused,
    #[error("the credential is too new to be used for this role")]
    CredentialTooNew { registered_at: UnixMillis, usable_from: UnixMillis },
    #[error("the MFA is too old to count")]
    Stale { at: UnixMillis },
    #[error("the MFA was not made for this request")]
    NotBoundToRequest,
    #[error("the MFA is dated in the future")]
    FromTheFuture { at: UnixMillis },
}

/// Checks `evidence` against `policy` and `freshness` at `now`.
pub fn check_evidence(
    policy: &AuthenticatorPolicy,
    evidence: &MfaEvidence,
    freshness: FreshnessRule,
    now: UnixMillis,
) -> Result<(), MfaRejection> {
    if evidence.at > now {
        return Err(MfaRejection::FromTheFuture { at: evidence.at });
    }
    if !policy.allowed.allows(evidence.method) {
        return Err(MfaRejection::MethodNotAllowed { method: evidence.method, allowed: policy.allowed });
    }
    let webauthn = evidence.method == MfaMethodKind::Webauthn;
    if webauthn && policy.user_verification && !evidence.user_verified {
        return Err(MfaRejection::UserNotVerified);
    }
    if policy.refuse_synced_passkeys && evidence.backup_eligible {
        return Err(MfaRejection::SyncedPasskeyRefused);
    }
    if let Some(min_age) = policy.min_credential_age {
        let usable_from = evidence.credential_registered_at.plus(min_age);
        if evidence.at < usable_from {
            return Err(MfaRejection::CredentialTooNew {
                registered_at: evidence.credential_registered_at,
                usable_from,
            });
        }
    }
    match freshness {
        FreshnessRule::Session(window) => {
            if now.since(evidence.at) > window.get() {
                return Err(MfaRejection::Stale { at: evidence.at });
            }
        }
        FreshnessRule::Tap { challenge, not_before } => {
            if webauthn && evidence.bound_to != Some(challenge) {
                return Err(MfaRejection::NotBoundToRequest);
            }
            if evidence.at < not_before || now.since(evidence.at) > FRESH_TAP_MAX_AGE {
                return Err(MfaRejection::Stale { at: evidence.at });
            }
        }
    }
    Ok(())
}
