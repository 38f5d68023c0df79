//! The audit catalogue and the tamper-evident chain of audit events.
//!
//! Every security-relevant change emits an [`AuditDraft`]; the backend turns drafts into
//! [`AuditEvent`]s with [`append`], which numbers them and links each to the hash of the one
//! before. Anyone holding an export can check it offline with [`verify_chain`]: an edited, dropped,
//! inserted or reordered event breaks the chain at a reported index. (Dropping events from the
//! *end* of an export is only visible against a known head: [`verify_chain_to`] checks that too.)
//!
//! Event ids are stable and documented in [`AuditAction`]; PAM's 101, 103 and 825 keep their
//! meaning. Ids are never reused or renumbered.
//!
//! # Canonical encoding (version 1)
//!
//! With the primitives of [`crate::domain::digest`] (`str`, `u8`, `u16`, `u32`, `u64`, `opt`):
//!
//! `str("elevate/audit-event") ‖ u8(1) ‖ u64(seq) ‖ u64(at, unix ms) ‖ u16(action id) ‖ actor ‖
//!  target ‖ u8(outcome: 1 success, 2 failure) ‖ opt(str(request id)) ‖ u32(detail count) ‖
//!  (str(key) ‖ str(value)) for each detail in ascending key order ‖ previous hash (32 raw bytes)`
//!
//! where `actor` is `u8(0)` for the system or `u8(1) ‖ str(user id)`, and `target` is
//! `u8(kind) ‖ str(id)` with kinds 0 none (empty id), 1 user, 2 role, 3 role settings (role id),
//! 4 assignment, 5 request, 6 MFA method, 7 alert (its kind's name), 8 token.
//! An event's hash is `SHA-256` of that encoding; the first event's previous hash is 32 zero bytes.

use crate::domain::alerts::AlertKind;
use crate::domain::digest::{Digest, Preimage};
use crate::domain::ids::{AssignmentId, MethodId, RequestId, RoleId, TokenId};
use crate::ids::UserId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const EVENT_TAG: &str = "elevate/audit-event";

/// How loud an event is in the log viewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSeverity {
    Information,
    Warning,
    Error,
}

macro_rules! catalogue {
    ($($(#[$doc:meta])* $variant:ident = $id:literal, $name:literal, $severity:ident, $meaning:literal;)*) => {
        /// Every kind of audit event, with its stable numeric id.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "u16", into = "u16")]
        pub enum AuditAction {
            $($(#[$doc])* $variant,)*
        }

        impl AuditAction {
            /// Every action, in id order.
            pub const ALL: &'static [AuditAction] = &[$(Self::$variant,)*];

            /// The stable numeric id.
            #[must_use]
            pub const fn id(self) -> u16 {
                match self { $(Self::$variant => $id,)* }
            }

            /// The stable snake_case name.
            #[must_use]
            pub const fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// What the event means, for the log viewer and the documentation.
            #[must_use]
            pub const fn meaning(self) -> &'static str {
                match self { $(Self::$variant => $meaning,)* }
            }

            #[must_use]
            pub const fn severity(self) -> EventSeverity {
                match self { $(Self::$variant => EventSeverity::$severity,)* }
            }

            /// The action with numeric id `id`, if there is one.
            #[must_use]
            pub const fn from_id(id: u16) -> Option<Self> {
                match id { $($id => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

catalogue! {
    /// The requester did not complete MFA for an activation (wrong method, failed or abandoned tap).
    MfaNotCompleted = 101, "mfa_not_completed", Error, "User did not complete MFA during activation";
    /// The requester completed MFA for an activation (a request-bound tap, or a session MFA inside
    /// the role's freshness window).
    MfaCompletedDuringActivation = 103, "mfa_completed_during_activation", Information, "User completed MFA during activation";
    /// MFA succeeded outside an activation: sign-in second factor, approval tap, extension tap.
    MfaSucceeded = 104, "mfa_succeeded", Information, "MFA succeeded";
    /// MFA failed outside an activation.
    MfaFailed = 105, "mfa_failed", Warning, "MFA failed";
    /// Repeated MFA failures locked a method or an account.
    LockedOut = 106, "locked_out", Warning, "Method or account locked out after repeated MFA failures";
    /// A lock-out was lifted, by an administrator or by time.
    Unlocked = 107, "unlocked", Information, "Lock-out lifted";
    /// An administrator granted a time-boxed one-time MFA bypass.
    BypassGranted = 108, "bypass_granted", Warning, "One-time MFA bypass granted";
    /// A one-time MFA bypass was used.
    BypassUsed = 109, "bypass_used", Warning, "One-time MFA bypass used";
    /// A person reported an MFA prompt they did not start ("this wasn't me").
    FraudReported = 110, "fraud_reported", Error, "Unexpected MFA prompt reported as fraud";
    /// An authenticator's signature counter did not move forward: it may have been cloned.
    CounterRegression = 111, "counter_regression", Error, "Authenticator signature counter went backwards";
    SignedIn = 201, "signed_in", Information, "User signed in";
    SignInFailed = 202, "sign_in_failed", Warning, "Sign-in failed";
    SignedOut = 203, "signed_out", Information, "User signed out";
    /// The first administrator enrolled with the bootstrap secret.
    BootstrapCompleted = 204, "bootstrap_completed", Warning, "First administrator enrolled; bootstrap closed";
    RequestCreated = 301, "request_created", Information, "Activation requested";
    /// One approver approved (the request may still need more approvals).
    RequestApproved = 302, "request_approved", Information, "Activation request approved by an approver";
    RequestDenied = 303, "request_denied", Warning, "Activation request denied";
    /// Approved (or needing no approval) with a start in the future.
    ActivationScheduled = 304, "activation_scheduled", Information, "Activation scheduled";
    RoleActivated = 305, "role_activated", Information, "Role activated";
    ActivationExtended = 306, "activation_extended", Information, "Activation extended";
    /// Ended before its time, by the requester, an administrator or a revoked eligibility.
    RoleDeactivated = 307, "role_deactivated", Information, "Role deactivated";
    /// An activation reached its end.
    ActivationExpired = 308, "activation_expired", Information, "Activation expired";
    /// A request waited too long for MFA or approval.
    RequestExpired = 309, "request_expired", Information, "Activation request expired before it was completed";
    RequestCancelled = 310, "request_cancelled", Information, "Activation request cancelled by the requester";
    /// The request could not proceed (MFA attempts exhausted, eligibility gone when it was due).
    RequestFailed = 311, "request_failed", Error, "Activation request failed";
    /// The eligibility a pending or scheduled request rested on was revoked.
    RequestVoided = 312, "request_voided", Warning, "Activation request voided by a revoked eligibility";
    RoleCreated = 401, "role_created", Warning, "Role created";
    RoleUpdated = 402, "role_updated", Warning, "Role updated";
    RoleDeleted = 403, "role_deleted", Warning, "Role deleted";
    RoleSettingsChanged = 404, "role_settings_changed", Warning, "Role settings changed";
    AssignmentAdded = 405, "assignment_added", Warning, "Role assignment added";
    AssignmentRemoved = 406, "assignment_removed", Warning, "Role assignment removed";
    /// An administrator added a person to the directory.
    UserCreated = 411, "user_created", Warning, "User created";
    /// An administrator issued an enrolment invitation (for a new user or after a reset).
    InvitationIssued = 412, "invitation_issued", Warning, "Enrolment invitation issued";
    /// A person used their invitation to enrol their first method.
    InvitationRedeemed = 413, "invitation_redeemed", Information, "Enrolment invitation redeemed";
    /// An administrator imported OATH hardware tokens into the inventory.
    OathTokensImported = 414, "oath_tokens_imported", Warning, "OATH hardware tokens imported";
    /// A person's name, administrator flag or disabled state changed.
    UserUpdated = 415, "user_updated", Warning, "User updated";
    AlertFixed = 501, "alert_fixed", Information, "Security alert fixed";
    AlertDismissed = 502, "alert_dismissed", Warning, "Security alert dismissed";
    TokenCreated = 601, "token_created", Information, "Grant token issued";
    TokenRevoked = 602, "token_revoked", Warning, "Grant token revoked";
    ApiTokenCreated = 603, "api_token_created", Warning, "API token created";
    ApiTokenRevoked = 604, "api_token_revoked", Information, "API token revoked";
    /// Someone took a copy of (part of) the log; the filter and the row count are in the details.
    AuditExported = 701, "audit_exported", Information, "Audit log exported";
    MethodRegistered = 821, "method_registered", Information, "MFA method registered";
    MethodRemoved = 822, "method_removed", Warning, "MFA method removed";
    MethodRenamed = 823, "method_renamed", Information, "MFA method renamed";
    /// Someone other than the user changed the user's MFA methods (an administrator's reset), the
    /// successor of PAM's "telephone number has been changed" monitoring event.
    MfaMethodChanged = 825, "mfa_method_changed", Warning, "MFA method changed by someone other than its owner";
}

/// A numeric id that names no action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown audit action id {0}")]
pub struct UnknownAction(pub u16);

impl TryFrom<u16> for AuditAction {
    type Error = UnknownAction;
    fn try_from(id: u16) -> Result<Self, UnknownAction> {
        Self::from_id(id).ok_or(UnknownAction(id))
    }
}

impl From<AuditAction> for u16 {
    fn from(a: AuditAction) -> u16 {
        a.id()
    }
}

/// Who did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Actor {
    /// Time or the portal itself (expiry, scheduled start).
    System,
    User(UserId),
}

/// What it was done to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Target {
    None,
    User(UserId),
    Role(RoleId),
    RoleSettings(RoleId),
    Assignment(AssignmentId),
    Request(RequestId),
    Method(MethodId),
    Alert(AlertKind),
    Token(TokenId),
}

impl Target {
    fn encoding(&self) -> (u8, &str) {
        match self {
            Self::None => (0, ""),
            Self::User(id) => (1, id.as_str()),
            Self::Role(id) => (2, id.as_str()),
            Self::RoleSettings(id) => (3, id.as_str()),
            Self::Assignment(id) => (4, id.as_str()),
            Self::Request(id) => (5, id.as_str()),
            Self::Method(id) => (6, id.as_str()),
            Self::Alert(kind) => (7, kind.as_str()),
            Self::Token(id) => (8, id.as_str()),
        }
    }
}

/// Whether the action succeeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
}

/// Free-form key/value details, kept in key order so the encoding is canonical.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Details(pub BTreeMap<String, String>);

/// An event as a transition emits it, before the log numbers and links it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDraft {
    pub at: UnixMillis,
    pub action: AuditAction,
    pub actor: Actor,
    pub target: Target,
    pub outcome: Outcome,
    #[serde(default)]
    pub request: Option<RequestId>,
    #[serde(default)]
    pub details: Details,
}

impl AuditDraft {
    /// A successful `action` by `actor` on `target` at `at`.
    #[must_use]
    pub fn new(action: AuditAction, actor: Actor, target: Target, at: UnixMillis) -> Self {
        Self {
            at,
            action,
            actor,
            target,
            outcome: Outcome::Success,
            request: None,
            details: Details::default(),
        }
    }

    #[must_use]
    pub fn failed(mut self) -> Self {
        self.outcome = Outcome::Failure;
        self
    }

    /// The same event about `target` instead.
    #[must_use]
    pub fn with_target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    #[must_use]
    pub fn for_request(mut self, id: &RequestId) -> Self {
        self.request = Some(id.clone());
        self
    }

    #[must_use]
    pub fn detail(mut self, key: &str, value: impl ToString) -> Self {
        self.details.0.insert(key.to_owned(), value.to_string());
        self
    }
}

/// An event in the log: a draft with its place in the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the log, from 0.
    pub seq: u64,
    pub at: UnixMillis,
    pub action: AuditAction,
    pub actor: Actor,
    pub target: Target,
    pub outcome: Outcome,
    #[serde(default)]
    pub request: Option<RequestId>,
    #[serde(default)]
    pub details: Details,
    /// The hash of the event before (zero for the first).
    pub prev_hash: Digest,
    /// The hash of this event's canonical encoding.
    pub hash: Digest,
}

impl AuditEvent {
    /// Recomputes the hash from the event's contents (everything but `hash`).
    #[must_use]
    pub fn compute_hash(&self) -> Digest {
        let mut p = Preimage::new(EVENT_TAG);
        p.u64(self.seq).u64(self.at.0).u16(self.action.id());
        match &self.actor {
            Actor::System => p.u8(0),
            Actor::User(id) => p.u8(1).str(id.as_str()),
        };
        let (kind, id) = self.target.encoding();
        p.u8(kind).str(id);
        p.u8(match self.outcome {
            Outcome::Success => 1,
            Outcome::Failure => 2,
        });
        p.opt_str(self.request.as_ref().map(RequestId::as_str));
        p.u32(u32::try_from(self.details.0.len()).unwrap_or(u32::MAX));
        for (k, v) in &self.details.0 {
            p.str(k).str(v);
        }
        p.raw(&self.prev_hash.0);
        p.finish()
    }
}

/// Where a chain (or a segment of one) continues from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainAnchor {
    pub next_seq: u64,
    pub prev_hash: Digest,
}

impl ChainAnchor {
    /// The start of the log.
    pub const GENESIS: ChainAnchor = ChainAnchor { next_seq: 0, prev_hash: Digest::ZERO };

    /// The anchor right after `event`.
    #[must_use]
    pub fn after(event: &AuditEvent) -> Self {
        Self { next_seq: event.seq.saturating_add(1), prev_hash: event.hash }
    }
}

/// Numbers `draft`, links it to `prev` (the log's last event, `None` for an empty log) and hashes it.
#[must_use]
pub fn append(prev: Option<&AuditEvent>, draft: AuditDraft) -> AuditEvent {
    let anchor = prev.map_or(ChainAnchor::GENESIS, ChainAnchor::after);
    let mut event = AuditEvent {
        seq: anchor.next_seq,
        at: draft.at,
        action: draft.action,
        actor: draft.actor,
        target: draft.target,
        outcome: draft.outcome,
        request: draft.request,
        details: draft.details,
        prev_hash: anchor.prev_hash,
        hash: Digest::ZERO,
    };
    event.hash = event.compute_hash();
    event
}

/// Why the chain broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainBreakReason {
    /// The event's contents do not match its hash: it was edited.
    HashMismatch,
    /// The event does not point at the one before it: something was dropped, inserted or moved.
    PreviousHashMismatch,
    /// The sequence number is not the next one.
    SequenceMismatch,
    /// Every link holds, but the chain does not end at the expected head: events are missing
    /// from the end (`index` is then the number of events checked).
    HeadMismatch,
}

/// The first broken link of a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("the audit chain breaks at index {index}: {reason:?}")]
pub struct ChainBreak {
    pub index: usize,
    pub reason: ChainBreakReason,
}

/// Verifies a whole log from its first event.
pub fn verify_chain(events: &[AuditEvent]) -> Result<(), ChainBreak> {
    verify_chain_from(ChainAnchor::GENESIS, events)
}

/// Verifies a whole export and that it ends at `head`, the anchor the portal published after its
/// last event. This also catches events dropped from the end.
pub fn verify_chain_to(events: &[AuditEvent], head: ChainAnchor) -> Result<(), ChainBreak> {
    verify_chain(events)?;
    let end = events.last().map_or(ChainAnchor::GENESIS, ChainAnchor::after);
    if end == head {
        Ok(())
    } else {
        Err(ChainBreak { index: events.len(), reason: ChainBreakReason::HeadMismatch })
    }
}

/// Verifies a segment of the log that continues from `anchor`.
pub fn verify_chain_from(anchor: ChainAnchor, events: &[AuditEvent]) -> Result<(), ChainBreak> {
    let mut expected = anchor;
    for (index, event) in events.iter().enumerate() {
        let broken = |reason| Err(ChainBreak { index, reason });
        if event.compute_hash() != event.hash {
            return broken(ChainBreakReason::HashMismatch);
        }
        if event.prev_hash != expected.prev_hash {
            return broken(ChainBreakReason::PreviousHashMismatch);
        }
        if event.seq != expected.next_seq {
            return broken(ChainBreakReason::SequenceMismatch);
        }
        expected = ChainAnchor::after(event);
    }
    Ok(())
}
