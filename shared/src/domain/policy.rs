//! Policy evaluation: given who asks, for which role at which scope, what they hold, what MFA
//! their session carries and when, say what an activation needs next or why it is refused.
//!
//! The one answer, [`ActivationVerdict`], is what the SPA shows while the form is filled in and
//! what the backend enforces when the request is created ([`crate::domain::request`] calls the
//! same [`assess`]). Checks run in a fixed order, so the same input always yields the same
//! answer: refusals first (account, settings, scope, duration, start, already active, already
//! requested, eligibility, MFA method availability, ticket shape, approver availability), then
//! needs in the order the person meets them: justification, ticket, MFA, approval.
//!
//! # Activation window
//!
//! [`activation_window`] is the one place the span of an activation is computed. With the request's
//! start (`Immediate` or `At(t)`), requested duration `d`, the role's maximum `max` and the
//! eligibility's end `e` (if any), at instant `now`:
//! `begin = now` (immediate) or `max(t, now)` (scheduled); `nominal = now + d` or `t + d`;
//! `end = min(nominal, begin + max, e)`. So an activation never exceeds the maximum and never
//! outlives its eligibility: a requested duration above the maximum is *refused*, a start at or
//! after the eligibility's end is *refused*, and an end past the eligibility's end is *clamped*
//! to it (the verdict's plan shows the clamped end before anyone taps).

use crate::domain::assignment::{Assignment, AssignmentKind};
use crate::domain::durations::ActivationDuration;
use crate::domain::ids::{AssignmentId, RequestId, RoleId};
use crate::domain::mfa::{
    AllowedMethods, FreshnessRule, MfaEvidence, MfaFreshness, MfaRejection, check_evidence,
};
use crate::domain::request::ActivationRequest;
use crate::domain::role::Role;
use crate::domain::scope::Scope;
use crate::domain::settings::{InvalidSettings, RoleSettings};
use crate::domain::text::{Hint, Justification, Ticket, TicketSystem};
use crate::domain::ticket::TicketPattern;
use crate::domain::user::User;
use crate::ids::UserId;
use crate::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};

/// When an activation should begin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "at")]
pub enum ActivationStart {
    /// As soon as every check has passed (MFA, approvals); the duration counts from then.
    Immediate,
    /// At a future instant; the window `[t, t + duration)` is fixed, even if approval comes late.
    At(UnixMillis),
}

/// What a requester asks for (the activation form).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationDraft {
    pub scope: Scope,
    pub start: ActivationStart,
    pub duration: ActivationDuration,
    #[serde(default)]
    pub justification: Option<Justification>,
    #[serde(default)]
    pub ticket: Option<Ticket>,
}

/// Everything policy evaluation looks at.
#[derive(Clone, Copy, Debug)]
pub struct PolicyInput<'a> {
    pub principal: &'a User,
    pub role: &'a Role,
    pub settings: &'a RoleSettings,
    pub draft: &'a ActivationDraft,
    /// The principal's assignments (others are ignored).
    pub assignments: &'a [Assignment],
    /// The principal's requests (terminal ones are ignored).
    pub requests: &'a [ActivationRequest],
    /// The last MFA the session holds, if any.
    pub session_mfa: Option<&'a MfaEvidence>,
    pub now: UnixMillis,
}

/// Why an activation is refused outright.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum Refusal {
    #[error("the account is disabled or locked out")]
    AccountCannotAct,
    #[error("the role's settings are invalid, so it cannot be activated until they are fixed")]
    SettingsInvalid(InvalidSettings),
    #[error("the role cannot be used at this scope")]
    ScopeOutsideRole { role_scope: Scope },
    #[error("the requested duration is longer than the role allows")]
    DurationExceedsMaximum { requested: DurationMs, max: DurationMs },
    #[error("a scheduled start must be in the future")]
    StartInPast,
    #[error("the role is already active at this scope")]
    AlreadyActive { until: Option<UnixMillis> },
    #[error("a request for this role at this scope is already open")]
    RequestAlreadyOpen { request: RequestId },
    #[error("you are not eligible for this role at this scope")]
    NotEligible,
    #[error("your eligibility for this role has not started yet")]
    EligibilityNotStarted { starts_at: UnixMillis },
    #[error("your eligibility for this role has ended")]
    EligibilityEnded { ended_at: UnixMillis },
    #[error("the requested start is after your eligibility ends")]
    StartAfterEligibilityEnd { eligibility_end: UnixMillis },
    #[error("you have no registered MFA method this role accepts")]
    NoUsableMfaMethod { allowed: AllowedMethods },
    #[error("this role does not accept tickets from that system")]
    TicketSystemNotAllowed { allowed: Vec<TicketSystem> },
    #[error("the ticket number does not have the expected form")]
    TicketNumberMismatch { pattern: TicketPattern },
    #[error("too few approvers other than you are listed for this role")]
    ApprovalQuorumUnreachable { quorum: u8, available: usize },
}

/// The span an activation would have if it began now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationPlan {
    /// The eligibility the activation rests on.
    pub eligibility: AssignmentId,
    pub start: UnixMillis,
    pub end: UnixMillis,
    /// True when the end was cut short to the eligibility's end.
    pub clamped_to_eligibility: bool,
}

/// What an activation needs next, or why it cannot happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "next")]
pub enum ActivationVerdict {
    Refused {
        refusal: Refusal,
    },
    NeedsJustification {
        hint: Option<Hint>,
    },
    NeedsTicket {
        systems: Vec<TicketSystem>,
        pattern: Option<TicketPattern>,
    },
    /// A tap (or, where allowed, a TOTP code); `session_rejected` says why the session's MFA does
    /// not count, when it has one.
    NeedsMfa {
        allowed: AllowedMethods,
        user_verification: bool,
        fresh_tap: bool,
        session_rejected: Option<MfaRejection>,
    },
    /// `approvers` excludes the requester, who can never approve.
    NeedsApproval {
        approvers: Vec<UserId>,
        quorum: u8,
        plan: ActivationPlan,
    },
    /// Nothing more: submitting activates (or schedules) the role.
    Ready {
        plan: ActivationPlan,
    },
}

/// How MFA stands for a draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MfaStanding<'a> {
    NotRequired,
    /// The session's MFA is within the role's freshness window.
    SatisfiedBySession(&'a MfaEvidence),
    Needed {
        session_rejected: Option<MfaRejection>,
    },
}

/// The full assessment of a draft that is not refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment<'a> {
    pub eligibility: &'a Assignment,
    pub plan: ActivationPlan,
    pub needs_justification: bool,
    pub needs_ticket: bool,
    pub mfa: MfaStanding<'a>,
    /// Approvers other than the requester, and how many must approve; `None` if no approval.
    pub approval: Option<(Vec<UserId>, u8)>,
}

/// The activation window; `None` if nothing of it is left. See the module doc.
#[must_use]
pub fn activation_window(
    start: ActivationStart,
    duration: ActivationDuration,
    max: DurationMs,
    eligibility_end: Option<UnixMillis>,
    now: UnixMillis,
) -> Option<(UnixMillis, UnixMillis)> {
    let (begin, nominal_end) = match start {
        ActivationStart::Immediate => (now, now.plus(duration.get())),
        ActivationStart::At(t) => (t.max(now), t.plus(duration.get())),
    };
    let mut end = nominal_end.min(begin.plus(max));
    if let Some(e) = eligibility_end {
        end = end.min(e);
    }
    (end > begin).then_some((begin, end))
}

/// Picks the eligibility that lets `principal` use `role` at `scope` at instant `at`: among the
/// eligible assignments at or above the scope in effect then, the one lasting longest (ties by id).
pub fn find_eligibility<'a>(
    assignments: &'a [Assignment],
    principal: &UserId,
    role: &RoleId,
    scope: &Scope,
    at: UnixMillis,
    now: UnixMillis,
) -> Result<&'a Assignment, Refusal> {
    let candidates: Vec<&Assignment> = assignments
        .iter()
        .filter(|a| a.kind == AssignmentKind::Eligible && a.covers(principal, role, scope))
        .collect();
    if candidates.is_empty() {
        return Err(Refusal::NotEligible);
    }
    let end_key = |a: &Assignment| a.end.map_or(u64::MAX, |e| e.0);
    let best = candidates
        .iter()
        .filter(|a| a.is_in_effect(at))
        .max_by(|a, b| end_key(a).cmp(&end_key(b)).then_with(|| b.id.cmp(&a.id)));
    if let Some(best) = best {
        return Ok(best);
    }
    if let Some(first) = candidates.iter().filter(|a| a.start > at).map(|a| a.start).min() {
        return Err(Refusal::EligibilityNotStarted { starts_at: first });
    }
    let last_end = candidates.iter().filter_map(|a| a.end).max().unwrap_or(at);
    if at > now {
        Err(Refusal::StartAfterEligibilityEnd { eligibility_end: last_end })
    } else {
        Err(Refusal::EligibilityEnded { ended_at: last_end })
    }
}

/// Assesses a draft in full, or says why it is refused.
pub fn assess<'a>(input: &PolicyInput<'a>) -> Result<Assessment<'a>, Refusal> {
    let PolicyInput { principal, role, settings, draft, assignments, requests, session_mfa, now } = *input;
    if !principal.can_act(now) {
        return Err(Refusal::AccountCannotAct);
    }
    settings.validate().map_err(Refusal::SettingsInvalid)?;
    if !role.assignable_at(&draft.scope) {
        return Err(Refusal::ScopeOutsideRole { role_scope: role.scope.clone() });
    }
    let max = settings.max_activation.get();
    if draft.duration.get() > max {
        return Err(Refusal::DurationExceedsMaximum { requested: draft.duration.get(), max });
    }
    let begin = match draft.start {
        ActivationStart::Immediate => now,
        ActivationStart::At(t) if t <= now => return Err(Refusal::StartInPast),
        ActivationStart::At(t) => t,
    };
    let active = assignments.iter().find(|a| {
        a.kind == AssignmentKind::Active
            && a.covers(&principal.id, &role.id, &draft.scope)
            && a.is_in_effect(now)
    });
    if let Some(a) = active {
        return Err(Refusal::AlreadyActive { until: a.end });
    }
    let open = requests.iter().find(|r| {
        r.requester == principal.id && r.role == role.id && r.scope == draft.scope && !r.state.is_terminal()
    });
    if let Some(r) = open {
        return Err(match r.state.active_until() {
            Some(until) => Refusal::AlreadyActive { until: Some(until) },
            None => Refusal::RequestAlreadyOpen { request: r.id.clone() },
        });
    }
    let eligibility = find_eligibility(assignments, &principal.id, &role.id, &draft.scope, begin, now)?;
    let mfa_policy = &settings.activation_mfa;
    if mfa_policy.required && !principal.methods.iter().any(|m| mfa_policy.authenticators.accepts_method(m)) {
        return Err(Refusal::NoUsableMfaMethod { allowed: mfa_policy.authenticators.allowed });
    }
    if let Some(ticket) = &draft.ticket {
        if !settings.ticket.systems.is_empty() && !settings.ticket.systems.contains(&ticket.system) {
            return Err(Refusal::TicketSystemNotAllowed { allowed: settings.ticket.systems.clone() });
        }
        if let Some(pattern) = &settings.ticket.pattern
            && !pattern.matches(ticket.number.as_str())
        {
            return Err(Refusal::TicketNumberMismatch { pattern: pattern.clone() });
        }
    }
    let approval = if settings.approval.required {
        let others: Vec<UserId> =
            settings.approval.approvers.iter().filter(|a| **a != principal.id).cloned().collect();
        if others.len() < usize::from(settings.approval.quorum) {
            return Err(Refusal::ApprovalQuorumUnreachable {
                quorum: settings.approval.quorum,
                available: others.len(),
            });
        }
        Some((others, settings.approval.quorum))
    } else {
        None
    };
    let (start, end) = activation_window(draft.start, draft.duration, max, eligibility.end, now)
        .ok_or(Refusal::StartAfterEligibilityEnd { eligibility_end: eligibility.end.unwrap_or(begin) })?;
    let nominal = activation_window(draft.start, draft.duration, max, None, now).map(|(_, e)| e);
    let plan = ActivationPlan {
        eligibility: eligibility.id.clone(),
        start,
        end,
        clamped_to_eligibility: nominal.is_some_and(|n| n > end),
    };
    let mfa = if !mfa_policy.required {
        MfaStanding::NotRequired
    } else {
        match (mfa_policy.freshness, session_mfa) {
            (_, None) => MfaStanding::Needed { session_rejected: None },
            (MfaFreshness::RequireFreshTap, Some(_)) => MfaStanding::Needed { session_rejected: None },
            (MfaFreshness::Within(window), Some(evidence)) => {
                match check_evidence(
                    &mfa_policy.authenticators,
                    evidence,
                    FreshnessRule::Session(window),
                    now,
                ) {
                    Ok(()) => MfaStanding::SatisfiedBySession(evidence),
                    Err(rejection) => MfaStanding::Needed { session_rejected: Some(rejection) },
                }
            }
        }
    };
    Ok(Assessment {
        eligibility,
        plan,
        needs_justification: settings.justification.required && draft.justification.is_none(),
        needs_ticket: settings.ticket.required && draft.ticket.is_none(),
        mfa,
        approval,
    })
}

/// What the activation described by `input` needs next, or why it is refused.
#[must_use]
pub fn evaluate(input: &PolicyInput<'_>) -> ActivationVerdict {
    let a = match assess(input) {
        Ok(a) => a,
        Err(refusal) => return ActivationVerdict::Refused { refusal },
    };
    let settings = input.settings;
    if a.needs_justification {
        return ActivationVerdict::NeedsJustification { hint: settings.justification.hint.clone() };
    }
    if a.needs_ticket {
        return ActivationVerdict::NeedsTicket {
            systems: settings.ticket.systems.clone(),
            pattern: settings.ticket.pattern.clone(),
        };
    }
    if let MfaStanding::Needed { session_rejected } = a.mfa {
        let policy = &settings.activation_mfa;
        return ActivationVerdict::NeedsMfa {
            allowed: policy.authenticators.allowed,
            user_verification: policy.authenticators.user_verification,
            fresh_tap: policy.freshness == MfaFreshness::RequireFreshTap,
            session_rejected,
        };
    }
    match a.approval {
        Some((approvers, quorum)) => ActivationVerdict::NeedsApproval { approvers, quorum, plan: a.plan },
        None => ActivationVerdict::Ready { plan: a.plan },
    }
}
