//! The activation request state machine.
//!
//! ```text
//!            create
//!              │
//!   ┌──────────┼──────────────┬───────────────────────┐
//!   ▼          ▼              ▼                       ▼
//! mfa_required ──► pending_approval ──► scheduled ──► active ──► expired | deactivated
//!   │  │  │          │  │  │  │           │  │        │
//!   │  │  └► failed  │  │  │  └► denied   │  │        └─ (eligibility revoked) ► deactivated
//!   │  └► cancelled ◄┘  │  └► expired     │  └► cancelled
//!   └► expired          └► voided ◄───────┘ voided
//! ```
//!
//! Every transition is a method taking the current request, its inputs and `now`, returning a
//! [`Transition`] — the new request, the audit events it causes and the grant effects the backend
//! must apply — or a typed error that changes nothing. Every transition that changes the state
//! emits at least one audit event.
//!
//! Rules:
//! - The request snapshots the role's terms ([`RequestTerms`]) when it is created; later edits to
//!   the settings do not move the goalposts of a request in flight.
//! - MFA on activation is request-bound: a WebAuthn tap must have signed the request's
//!   [`Digest`] ([`crate::domain::digest`]), after the request was created. After
//!   [`MAX_MFA_FAILURES`] recorded failures the request fails.
//! - Approval: the requester can never approve (checked before anything else); only listed
//!   approvers decide, each once; approving needs the approver's own tap over the approval digest,
//!   from an authenticator other than the requester's; the request activates when the number of
//!   distinct approvers reaches the quorum (N of M); any deny ends it as denied.
//! - The span of an activation comes from [`activation_window`]: never longer than the role's
//!   maximum, never past the eligibility's end (clamped), computed when the activation begins,
//!   against the eligibility as it is then. A future start schedules the activation;
//!   [`ActivationRequest::advance`] makes it active once `now >= start`.
//! - Extension: only while active, only in the last [`RequestTerms::extension_window`], only by the
//!   requester with a fresh tap over the extension digest, and the new end is at most
//!   `min(now + max_activation, eligibility end)`: each extension grants at most what a fresh
//!   activation would, and nothing outlives the eligibility.
//! - Time: a request waiting for MFA or approval expires at `created_at + pending_expiry`; an
//!   active one at its end. [`ActivationRequest::advance`] applies both; honouring code should also
//!   check [`ActivationRequest::is_active_at`] (or the grant's own end), so nothing depends on a
//!   job having run.
//! - Revoking the eligibility a request rests on voids it if it is still waiting or scheduled, and
//!   deactivates it if it is active ([`ActivationRequest::void`]).

use crate::domain::assignment::{Assignment, AssignmentKind, AssignmentOrigin};
use crate::domain::audit::{Actor, AuditAction, AuditDraft, Target};
use crate::domain::digest::{
    ActivationFacts, Digest, Verdict, activation_digest, approval_digest, extension_digest,
};
use crate::domain::durations::{ActivationDuration, ExtensionWindow, MaxActivation};
use crate::domain::ids::{AssignmentId, RequestId, RoleId};
use crate::domain::mfa::{AuthenticatorPolicy, FreshnessRule, MfaEvidence, MfaRejection, check_evidence};
use crate::domain::policy::{ActivationStart, MfaStanding, PolicyInput, Refusal, activation_window, assess};
use crate::domain::scope::Scope;
use crate::domain::text::{Hint, Justification, Reason, Ticket};
use crate::ids::UserId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How many failed MFA attempts a request survives.
pub const MAX_MFA_FAILURES: u8 = 3;

/// What the role demanded when the request was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestTerms {
    pub mfa_required: bool,
    /// Applies to the requester's taps and to approvers' taps alike.
    pub authenticators: AuthenticatorPolicy,
    #[serde(default)]
    pub approval: Option<ApprovalTerms>,
    pub max_activation: MaxActivation,
    pub extension_window: ExtensionWindow,
}

/// Who must approve, and how many of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalTerms {
    /// The listed approvers other than the requester.
    pub approvers: Vec<UserId>,
    pub quorum: u8,
}

/// One approver's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalDecision {
    pub approver: UserId,
    pub verdict: Verdict,
    #[serde(default)]
    pub reason: Option<Reason>,
    pub at: UnixMillis,
    /// The authenticator the approver tapped with, when they did.
    #[serde(default)]
    pub credential: Option<crate::domain::ids::MethodId>,
}

/// Which stage a request had reached when it expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiredPhase {
    AwaitingMfa,
    AwaitingApproval,
    Active,
}

/// Who ended an activation early.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "user")]
pub enum DeactivatedBy {
    Requester,
    Administrator(UserId),
    EligibilityRevoked,
}

/// Why a request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// Too many failed MFA attempts.
    MfaNotCompleted,
    /// When the activation was due, the eligibility no longer allowed it.
    EligibilityUnavailable,
    /// A scheduled window had passed by the time the last approval came.
    WindowLapsed,
}

/// Where a request stands, with the data of that stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum RequestState {
    MfaRequired,
    PendingApproval,
    Scheduled { start: UnixMillis, end: UnixMillis },
    Active { since: UnixMillis, until: UnixMillis },
    Expired { at: UnixMillis, phase: ExpiredPhase },
    Deactivated { at: UnixMillis, by: DeactivatedBy },
    Denied { at: UnixMillis, by: UserId },
    Cancelled { at: UnixMillis },
    Failed { at: UnixMillis, reason: FailureReason },
    Voided { at: UnixMillis },
}

/// The stage alone, for lists, filters and error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    MfaRequired,
    PendingApproval,
    Scheduled,
    Active,
    Expired,
    Deactivated,
    Denied,
    Cancelled,
    Failed,
    Voided,
}

impl RequestState {
    #[must_use]
    pub fn status(&self) -> RequestStatus {
        match self {
            Self::MfaRequired => RequestStatus::MfaRequired,
            Self::PendingApproval => RequestStatus::PendingApproval,
            Self::Scheduled { .. } => RequestStatus::Scheduled,
            Self::Active { .. } => RequestStatus::Active,
            Self::Expired { .. } => RequestStatus::Expired,
            Self::Deactivated { .. } => RequestStatus::Deactivated,
            Self::Denied { .. } => RequestStatus::Denied,
            Self::Cancelled { .. } => RequestStatus::Cancelled,
            Self::Failed { .. } => RequestStatus::Failed,
            Self::Voided { .. } => RequestStatus::Voided,
        }
    }

    /// No transition leaves a terminal state.
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        !matches!(
            self,
            Self::MfaRequired | Self::PendingApproval | Self::Scheduled { .. } | Self::Active { .. }
        )
    }

    /// The end of the activation, while active.
    #[must_use]
    pub fn active_until(&self) -> Option<UnixMillis> {
        match self {
            Self::Active { until, .. } => Some(*until),
            _ => None,
        }
    }
}

/// An activation request and everything decided about it so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationRequest {
    pub id: RequestId,
    pub requester: UserId,
    pub role: RoleId,
    pub scope: Scope,
    /// The eligible assignment the request rests on.
    pub eligibility: AssignmentId,
    pub start: ActivationStart,
    pub duration: ActivationDuration,
    #[serde(default)]
    pub justification: Option<Justification>,
    #[serde(default)]
    pub ticket: Option<Ticket>,
    pub created_at: UnixMillis,
    /// When the request expires if it is still waiting for MFA or approval.
    pub pending_until: UnixMillis,
    pub terms: RequestTerms,
    /// The request-bound MFA challenge ([`crate::domain::digest`]).
    pub digest: Digest,
    /// The requester's MFA for this request.
    #[serde(default)]
    pub mfa: Option<MfaEvidence>,
    #[serde(default)]
    pub mfa_failures: u8,
    #[serde(default)]
    pub decisions: Vec<ApprovalDecision>,
    /// When the activation began, once it has.
    #[serde(default)]
    pub activated_at: Option<UnixMillis>,
    pub state: RequestState,
}

/// A change the backend must make to the stored grants alongside the new request state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum GrantEffect {
    /// Store this active assignment.
    Grant(Assignment),
    /// Move the end of this active assignment.
    Extend { assignment: AssignmentId, until: UnixMillis },
    /// End this active assignment at `at`.
    End { assignment: AssignmentId, at: UnixMillis },
}

/// The outcome of a transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub request: ActivationRequest,
    pub events: Vec<AuditDraft>,
    pub effects: Vec<GrantEffect>,
}

impl Transition {
    fn start(request: &ActivationRequest) -> Self {
        Self { request: request.clone(), events: Vec::new(), effects: Vec::new() }
    }
}

/// Why a request could not be created.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreateError {
    #[error(transparent)]
    Refused(Refusal),
    #[error("this role requires a justification")]
    JustificationRequired { hint: Option<Hint> },
    #[error("this role requires a ticket")]
    TicketRequired,
}

/// Why an MFA step was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MfaStepError {
    #[error("the request is not waiting for MFA (it is {0:?})")]
    WrongState(RequestStatus),
    #[error("the request has expired")]
    Expired,
    #[error("{0}")]
    Rejected(MfaRejection),
}

/// Why a decision was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("nobody can approve or deny their own request")]
    SelfApproval,
    #[error("the request is not waiting for approval (it is {0:?})")]
    WrongState(RequestStatus),
    #[error("the request has expired")]
    Expired,
    #[error("you are not an approver of this request")]
    NotAnApprover,
    #[error("you have already decided on this request")]
    AlreadyDecided,
    #[error("approving needs a tap on your authenticator")]
    MfaRequired,
    #[error("{0}")]
    MfaRejected(MfaRejection),
    #[error("the approver used the same authenticator as the requester")]
    SharedAuthenticator,
}

/// Why a cancellation was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CancelError {
    #[error("only the requester can cancel a request")]
    NotRequester,
    #[error("the request can no longer be cancelled (it is {0:?})")]
    WrongState(RequestStatus),
}

/// Why a deactivation was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeactivateError {
    #[error("only the requester or an administrator can deactivate")]
    NotRequester,
    #[error("the role is not active (it is {0:?})")]
    WrongState(RequestStatus),
}

/// Why an extension was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExtendError {
    #[error("only the requester can extend an activation")]
    NotRequester,
    #[error("the role is not active (it is {0:?})")]
    WrongState(RequestStatus),
    #[error("extension opens in the last part of the activation")]
    NotYetExtendable { opens_at: UnixMillis },
    #[error("the new end must be later than the current one")]
    NotLonger,
    #[error("the new end is past what the role or the eligibility allows")]
    ExceedsLimit { limit: UnixMillis },
    #[error("the eligibility no longer allows this activation")]
    EligibilityUnavailable,
    #[error("{0}")]
    MfaRejected(MfaRejection),
}

/// Why a void was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VoidError {
    #[error("the request does not rest on that eligibility")]
    NotDependent,
    #[error("the request is already over (it is {0:?})")]
    WrongState(RequestStatus),
}

/// Who asks to deactivate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deactivator {
    Requester(UserId),
    /// The caller has already checked that this person administers the role.
    Administrator(UserId),
}

/// An approver's decision as submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionInput {
    pub approver: UserId,
    pub verdict: Verdict,
    pub reason: Option<Reason>,
    /// Required to approve; optional to deny (a deny only ever removes access).
    pub evidence: Option<MfaEvidence>,
}

/// A request to extend, as submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtendInput {
    pub by: UserId,
    pub new_end: UnixMillis,
    pub evidence: MfaEvidence,
}

fn request_event(r: &ActivationRequest, action: AuditAction, actor: Actor, now: UnixMillis) -> AuditDraft {
    AuditDraft::new(action, actor, Target::Request(r.id.clone()), now)
        .for_request(&r.id)
        .detail("role", &r.role)
        .detail("scope", &r.scope)
}

impl ActivationRequest {
    /// Creates a request from a draft that policy allows, with id `id` (random, from the backend).
    ///
    /// The initial state is the first unmet step: `mfa_required` unless the role needs no MFA or
    /// the session's MFA is inside the role's freshness window; then `pending_approval` if
    /// approval is required; otherwise the role is activated (or scheduled) at once.
    pub fn create(input: &PolicyInput<'_>, id: RequestId) -> Result<Transition, CreateError> {
        let a = assess(input).map_err(CreateError::Refused)?;
        let settings = input.settings;
        if a.needs_justification {
            return Err(CreateError::JustificationRequired { hint: settings.justification.hint.clone() });
        }
        if a.needs_ticket {
            return Err(CreateError::TicketRequired);
        }
        let draft = input.draft;
        let requester = input.principal.id.clone();
        let digest = activation_digest(&ActivationFacts {
            request: &id,
            requester: &requester,
            role: &input.role.id,
            scope: &draft.scope,
            start: draft.start,
            duration: draft.duration,
            justification: draft.justification.as_ref(),
            ticket: draft.ticket.as_ref(),
        });
        let now = input.now;
        let request = ActivationRequest {
            id,
            requester: requester.clone(),
            role: input.role.id.clone(),
            scope: draft.scope.clone(),
            eligibility: a.eligibility.id.clone(),
            start: draft.start,
            duration: draft.duration,
            justification: draft.justification.clone(),
            ticket: draft.ticket.clone(),
            created_at: now,
            pending_until: now.plus(settings.pending_expiry.get()),
            terms: RequestTerms {
                mfa_required: settings.activation_mfa.required,
                authenticators: settings.activation_mfa.authenticators.clone(),
                approval: a.approval.map(|(approvers, quorum)| ApprovalTerms { approvers, quorum }),
                max_activation: settings.max_activation,
                extension_window: settings.extension_window,
            },
            digest,
            mfa: None,
            mfa_failures: 0,
            decisions: Vec::new(),
            activated_at: None,
            state: RequestState::MfaRequired,
        };
        let mut t = Transition::start(&request);
        let mut created =
            request_event(&request, AuditAction::RequestCreated, Actor::User(requester.clone()), now)
                .detail("duration_ms", draft.duration.get().0);
        if let ActivationStart::At(at) = draft.start {
            created = created.detail("start", at.0);
        }
        if let Some(j) = &draft.justification {
            created = created.detail("justification", j);
        }
        if let Some(ticket) = &draft.ticket {
            created = created.detail("ticket", format!("{}:{}", ticket.system, ticket.number));
        }
        t.events.push(created);
        match a.mfa {
            MfaStanding::Needed { .. } => return Ok(t),
            MfaStanding::NotRequired => {}
            MfaStanding::SatisfiedBySession(evidence) => {
                t.request.mfa = Some(evidence.clone());
                t.events.push(
                    request_event(
                        &request,
                        AuditAction::MfaCompletedDuringActivation,
                        Actor::User(requester),
                        now,
                    )
                    .detail("source", "session")
                    .detail("method", format!("{:?}", evidence.method))
                    .detail("credential", &evidence.credential),
                );
            }
        }
        t.after_mfa(a.eligibility, now);
        Ok(t)
    }

    /// Recomputes the request-bound digest from the request's fields.
    #[must_use]
    pub fn compute_digest(&self) -> Digest {
        activation_digest(&ActivationFacts {
            request: &self.id,
            requester: &self.requester,
            role: &self.role,
            scope: &self.scope,
            start: self.start,
            duration: self.duration,
            justification: self.justification.as_ref(),
            ticket: self.ticket.as_ref(),
        })
    }

    /// The challenge an approver's tap must sign to give `verdict`.
    #[must_use]
    pub fn approval_challenge(&self, approver: &UserId, verdict: Verdict) -> Digest {
        approval_digest(&self.digest, approver, verdict)
    }

    /// The challenge the requester's tap must sign to extend to `new_end`.
    #[must_use]
    pub fn extension_challenge(&self, new_end: UnixMillis) -> Digest {
        extension_digest(&self.digest, new_end)
    }

    /// Whether the role this request grants is in effect at `now`, whatever jobs have run.
    #[must_use]
    pub fn is_active_at(&self, now: UnixMillis) -> bool {
        match self.state {
            RequestState::Active { since, until } => since <= now && now < until,
            _ => false,
        }
    }

    /// When Extend is first offered, while active.
    #[must_use]
    pub fn extension_opens_at(&self) -> Option<UnixMillis> {
        self.state
            .active_until()
            .map(|until| UnixMillis(until.0.saturating_sub(self.terms.extension_window.get().0)))
    }

    fn eligibility_allows(&self, eligibility: &Assignment, at: UnixMillis) -> bool {
        eligibility.id == self.eligibility
            && eligibility.kind == AssignmentKind::Eligible
            && eligibility.covers(&self.requester, &self.role, &self.scope)
            && eligibility.is_in_effect(at)
    }

    fn grant(&self, since: UnixMillis, until: UnixMillis, now: UnixMillis) -> Assignment {
        Assignment {
            id: AssignmentId::for_activation(&self.id),
            principal: self.requester.clone(),
            role: self.role.clone(),
            scope: self.scope.clone(),
            kind: AssignmentKind::Active,
            origin: AssignmentOrigin::Activated { request: self.id.clone() },
            start: since,
            end: Some(until),
            created_by: Actor::User(self.requester.clone()),
            created_at: now,
            justification: self.justification.clone(),
        }
    }

    fn ensure_waiting(&self, now: UnixMillis, expected: RequestStatus) -> Result<(), RequestStatus> {
        let status = self.state.status();
        if status != expected || now >= self.pending_until { Err(status) } else { Ok(()) }
    }

    /// Accepts the requester's MFA for this request: a tap that signed [`Self::digest`] (or a TOTP
    /// code, where allowed) made after the request was created. Moves on to approval or activation.
    /// A rejected MFA changes nothing; the backend records the failed attempt with
    /// [`Self::record_mfa_failure`].
    pub fn complete_mfa(
        &self,
        evidence: &MfaEvidence,
        eligibility: &Assignment,
        now: UnixMillis,
    ) -> Result<Transition, MfaStepError> {
        if let Err(status) = self.ensure_waiting(now, RequestStatus::MfaRequired) {
            return Err(if status == RequestStatus::MfaRequired {
                MfaStepError::Expired
            } else {
                MfaStepError::WrongState(status)
            });
        }
        let rule = FreshnessRule::Tap { challenge: self.digest, not_before: self.created_at };
        check_evidence(&self.terms.authenticators, evidence, rule, now).map_err(MfaStepError::Rejected)?;
        let mut t = Transition::start(self);
        t.request.mfa = Some(evidence.clone());
        t.events.push(
            request_event(
                self,
                AuditAction::MfaCompletedDuringActivation,
                Actor::User(self.requester.clone()),
                now,
            )
            .detail("source", "request_bound")
            .detail("method", format!("{:?}", evidence.method))
            .detail("credential", &evidence.credential),
        );
        t.after_mfa(eligibility, now);
        Ok(t)
    }

    /// Records a failed or abandoned MFA attempt (PAM event 101). After [`MAX_MFA_FAILURES`] the
    /// request fails.
    pub fn record_mfa_failure(&self, detail: &str, now: UnixMillis) -> Result<Transition, MfaStepError> {
        if let Err(status) = self.ensure_waiting(now, RequestStatus::MfaRequired) {
            return Err(if status == RequestStatus::MfaRequired {
                MfaStepError::Expired
            } else {
                MfaStepError::WrongState(status)
            });
        }
        let mut t = Transition::start(self);
        t.request.mfa_failures = self.mfa_failures.saturating_add(1);
        let actor = Actor::User(self.requester.clone());
        t.events.push(
            request_event(self, AuditAction::MfaNotCompleted, actor, now)
                .failed()
                .detail("attempt", t.request.mfa_failures)
                .detail("detail", detail),
        );
        if t.request.mfa_failures >= MAX_MFA_FAILURES {
            t.fail(FailureReason::MfaNotCompleted, now);
        }
        Ok(t)
    }

    /// Records an approver's decision. See the module doc for the rules.
    pub fn decide(
        &self,
        input: DecisionInput,
        eligibility: &Assignment,
        now: UnixMillis,
    ) -> Result<Transition, DecisionError> {
        if input.approver == self.requester {
            return Err(DecisionError::SelfApproval);
        }
        if let Err(status) = self.ensure_waiting(now, RequestStatus::PendingApproval) {
            return Err(if status == RequestStatus::PendingApproval {
                DecisionError::Expired
            } else {
                DecisionError::WrongState(status)
            });
        }
        let terms = self.terms.approval.as_ref().ok_or(DecisionError::NotAnApprover)?;
        if !terms.approvers.contains(&input.approver) {
            return Err(DecisionError::NotAnApprover);
        }
        if self.decisions.iter().any(|d| d.approver == input.approver) {
            return Err(DecisionError::AlreadyDecided);
        }
        if input.verdict == Verdict::Approve && input.evidence.is_none() {
            return Err(DecisionError::MfaRequired);
        }
        if let Some(evidence) = &input.evidence {
            let challenge = self.approval_challenge(&input.approver, input.verdict);
            let rule = FreshnessRule::Tap { challenge, not_before: self.created_at };
            check_evidence(&self.terms.authenticators, evidence, rule, now)
                .map_err(DecisionError::MfaRejected)?;
            if self.mfa.as_ref().is_some_and(|m| m.credential == evidence.credential) {
                return Err(DecisionError::SharedAuthenticator);
            }
        }
        let mut t = Transition::start(self);
        t.request.decisions.push(ApprovalDecision {
            approver: input.approver.clone(),
            verdict: input.verdict,
            reason: input.reason.clone(),
            at: now,
            credential: input.evidence.as_ref().map(|e| e.credential.clone()),
        });
        let actor = Actor::User(input.approver.clone());
        let mut event = match input.verdict {
            Verdict::Deny => request_event(self, AuditAction::RequestDenied, actor, now),
            Verdict::Approve => request_event(self, AuditAction::RequestApproved, actor, now),
        };
        if let Some(reason) = &input.reason {
            event = event.detail("reason", reason);
        }
        if input.verdict == Verdict::Deny {
            t.events.push(event);
            t.request.state = RequestState::Denied { at: now, by: input.approver };
            return Ok(t);
        }
        let approvals = distinct_approvals(&t.request.decisions);
        t.events.push(event.detail("approvals", approvals).detail("quorum", terms.quorum));
        if approvals >= usize::from(terms.quorum) {
            t.begin_activation(eligibility, now);
        }
        Ok(t)
    }

    /// The requester withdraws a request that is not yet active.
    pub fn cancel(&self, by: &UserId, now: UnixMillis) -> Result<Transition, CancelError> {
        if by != &self.requester {
            return Err(CancelError::NotRequester);
        }
        match self.state {
            RequestState::MfaRequired | RequestState::PendingApproval | RequestState::Scheduled { .. } => {}
            _ => return Err(CancelError::WrongState(self.state.status())),
        }
        let mut t = Transition::start(self);
        t.request.state = RequestState::Cancelled { at: now };
        t.events.push(request_event(self, AuditAction::RequestCancelled, Actor::User(by.clone()), now));
        Ok(t)
    }

    /// Ends an active activation early.
    pub fn deactivate(&self, by: &Deactivator, now: UnixMillis) -> Result<Transition, DeactivateError> {
        let (actor, who) = match by {
            Deactivator::Requester(u) if u == &self.requester => (u, DeactivatedBy::Requester),
            Deactivator::Requester(_) => return Err(DeactivateError::NotRequester),
            Deactivator::Administrator(u) => (u, DeactivatedBy::Administrator(u.clone())),
        };
        if !self.is_active_at(now) {
            return Err(DeactivateError::WrongState(self.state.status()));
        }
        let mut t = Transition::start(self);
        t.end_active(who, Actor::User(actor.clone()), now);
        Ok(t)
    }

    /// Extends an active activation. See the module doc for the rules.
    pub fn extend(
        &self,
        input: &ExtendInput,
        eligibility: &Assignment,
        now: UnixMillis,
    ) -> Result<Transition, ExtendError> {
        if input.by != self.requester {
            return Err(ExtendError::NotRequester);
        }
        let (since, until) = match self.state {
            RequestState::Active { since, until } if now < until => (since, until),
            _ => return Err(ExtendError::WrongState(self.state.status())),
        };
        let opens_at = UnixMillis(until.0.saturating_sub(self.terms.extension_window.get().0));
        if now < opens_at {
            return Err(ExtendError::NotYetExtendable { opens_at });
        }
        if input.new_end <= until {
            return Err(ExtendError::NotLonger);
        }
        if !self.eligibility_allows(eligibility, now) {
            return Err(ExtendError::EligibilityUnavailable);
        }
        let mut limit = now.plus(self.terms.max_activation.get());
        if let Some(end) = eligibility.end {
            limit = limit.min(end);
        }
        if input.new_end > limit {
            return Err(ExtendError::ExceedsLimit { limit });
        }
        let rule =
            FreshnessRule::Tap { challenge: self.extension_challenge(input.new_end), not_before: opens_at };
        check_evidence(&self.terms.authenticators, &input.evidence, rule, now)
            .map_err(ExtendError::MfaRejected)?;
        let mut t = Transition::start(self);
        t.request.state = RequestState::Active { since, until: input.new_end };
        t.events.push(
            request_event(self, AuditAction::ActivationExtended, Actor::User(self.requester.clone()), now)
                .detail("from", until.0)
                .detail("to", input.new_end.0)
                .detail("credential", &input.evidence.credential),
        );
        t.effects.push(GrantEffect::Extend {
            assignment: AssignmentId::for_activation(&self.id),
            until: input.new_end,
        });
        Ok(t)
    }

    /// Applies what time alone decides at `now`: a waiting request expires, a scheduled one
    /// becomes active, an active one expires. When nothing is due the transition has no events
    /// and an unchanged request.
    #[must_use]
    pub fn advance(&self, now: UnixMillis) -> Transition {
        let mut t = Transition::start(self);
        match self.state {
            RequestState::MfaRequired | RequestState::PendingApproval if now >= self.pending_until => {
                let at = self.pending_until;
                let phase = if self.state == RequestState::MfaRequired {
                    t.events.push(
                        request_event(self, AuditAction::MfaNotCompleted, Actor::System, now)
                            .failed()
                            .detail("detail", "request expired before MFA was completed"),
                    );
                    ExpiredPhase::AwaitingMfa
                } else {
                    ExpiredPhase::AwaitingApproval
                };
                t.request.state = RequestState::Expired { at, phase };
                t.events.push(request_event(self, AuditAction::RequestExpired, Actor::System, now));
            }
            RequestState::Scheduled { start, end } if now >= start => {
                t.request.activated_at = Some(start);
                t.events.push(
                    request_event(self, AuditAction::RoleActivated, Actor::System, now)
                        .detail("since", start.0)
                        .detail("until", end.0)
                        .detail("mfa", if self.mfa.is_some() { "yes" } else { "none" }),
                );
                if now < end {
                    t.request.state = RequestState::Active { since: start, until: end };
                    t.effects.push(GrantEffect::Grant(self.grant(start, end, now)));
                } else {
                    t.request.state = RequestState::Expired { at: end, phase: ExpiredPhase::Active };
                    t.events.push(request_event(self, AuditAction::ActivationExpired, Actor::System, now));
                }
            }
            RequestState::Active { until, .. } if now >= until => {
                t.request.state = RequestState::Expired { at: until, phase: ExpiredPhase::Active };
                t.events.push(request_event(self, AuditAction::ActivationExpired, Actor::System, now));
                t.effects
                    .push(GrantEffect::End { assignment: AssignmentId::for_activation(&self.id), at: until });
            }
            _ => {}
        }
        t
    }

    /// The eligibility `revoked` was removed: a waiting or scheduled request is voided, an active
    /// one is deactivated.
    pub fn void(&self, revoked: &AssignmentId, by: Actor, now: UnixMillis) -> Result<Transition, VoidError> {
        if revoked != &self.eligibility {
            return Err(VoidError::NotDependent);
        }
        let mut t = Transition::start(self);
        match self.state {
            RequestState::Active { .. } => t.end_active(DeactivatedBy::EligibilityRevoked, by, now),
            RequestState::MfaRequired | RequestState::PendingApproval | RequestState::Scheduled { .. } => {
                t.request.state = RequestState::Voided { at: now };
                t.events.push(
                    request_event(self, AuditAction::RequestVoided, by, now).detail("eligibility", revoked),
                );
            }
            _ => return Err(VoidError::WrongState(self.state.status())),
        }
        Ok(t)
    }
}

fn distinct_approvals(decisions: &[ApprovalDecision]) -> usize {
    decisions
        .iter()
        .filter(|d| d.verdict == Verdict::Approve)
        .map(|d| &d.approver)
        .collect::<BTreeSet<_>>()
        .len()
}

impl Transition {
    /// After MFA (or when none is needed): wait for approval, or begin.
    fn after_mfa(&mut self, eligibility: &Assignment, now: UnixMillis) {
        if self.request.terms.approval.is_some() {
            self.request.state = RequestState::PendingApproval;
        } else {
            self.begin_activation(eligibility, now);
        }
    }

    /// Every check has passed: activate now, schedule, or fail if the eligibility or the window
    /// no longer allows it.
    fn begin_activation(&mut self, eligibility: &Assignment, now: UnixMillis) {
        let r = &self.request;
        let begin = match r.start {
            ActivationStart::Immediate => now,
            ActivationStart::At(t) => t.max(now),
        };
        if !r.eligibility_allows(eligibility, begin) {
            self.fail(FailureReason::EligibilityUnavailable, now);
            return;
        }
        let max = r.terms.max_activation.get();
        let Some((start, end)) = activation_window(r.start, r.duration, max, eligibility.end, now) else {
            self.fail(FailureReason::WindowLapsed, now);
            return;
        };
        let actor = Actor::User(r.requester.clone());
        if start > now {
            let event = request_event(r, AuditAction::ActivationScheduled, actor, now)
                .detail("start", start.0)
                .detail("end", end.0);
            self.events.push(event);
            self.request.state = RequestState::Scheduled { start, end };
        } else {
            // Whether MFA stood behind it, so reports count activations a role let through bare.
            let event = request_event(r, AuditAction::RoleActivated, actor, now)
                .detail("since", start.0)
                .detail("until", end.0)
                .detail("mfa", if r.mfa.is_some() { "yes" } else { "none" });
            let grant = r.grant(start, end, now);
            self.events.push(event);
            self.effects.push(GrantEffect::Grant(grant));
            self.request.activated_at = Some(start);
            self.request.state = RequestState::Active { since: start, until: end };
        }
    }

    fn fail(&mut self, reason: FailureReason, now: UnixMillis) {
        let event = request_event(&self.request, AuditAction::RequestFailed, Actor::System, now)
            .failed()
            .detail("reason", format!("{reason:?}"));
        self.events.push(event);
        self.request.state = RequestState::Failed { at: now, reason };
    }

    fn end_active(&mut self, by: DeactivatedBy, actor: Actor, now: UnixMillis) {
        let reason = match &by {
            DeactivatedBy::Requester => "requester",
            DeactivatedBy::Administrator(_) => "administrator",
            DeactivatedBy::EligibilityRevoked => "eligibility_revoked",
        };
        let event =
            request_event(&self.request, AuditAction::RoleDeactivated, actor, now).detail("by", reason);
        self.events.push(event);
        self.effects
            .push(GrantEffect::End { assignment: AssignmentId::for_activation(&self.request.id), at: now });
        self.request.state = RequestState::Deactivated { at: now, by };
    }
}
