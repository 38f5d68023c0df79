//! Activation requests as their requester and approvers read them: where each stands and why it
//! ended, who decided what, the requester's MFA evidence, and the outcome of a step in a line.
//! Pure, so it is tested natively.

use crate::activation::duration_text;
use elevate_shared::domain::ActivationStart;
use elevate_shared::domain::digest::Verdict;
use elevate_shared::domain::mfa::{MfaEvidence, MfaMethodKind};
use elevate_shared::domain::request::{
    ActivationRequest, DeactivatedBy, ExpiredPhase, FailureReason, RequestState, RequestStatus,
};
use elevate_shared::ids::UserId;
use elevate_shared::time::UnixMillis;

/// The stage's wire name (`mfa_required`, `active`, …), for `data-state`.
pub const fn status_name(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::MfaRequired => "mfa_required",
        RequestStatus::PendingApproval => "pending_approval",
        RequestStatus::Scheduled => "scheduled",
        RequestStatus::Active => "active",
        RequestStatus::Expired => "expired",
        RequestStatus::Deactivated => "deactivated",
        RequestStatus::Denied => "denied",
        RequestStatus::Cancelled => "cancelled",
        RequestStatus::Failed => "failed",
        RequestStatus::Voided => "voided",
    }
}

/// Whether the request still waits for something (MFA, approval or its start): the requester may
/// cancel it.
pub const fn is_waiting(state: &RequestState) -> bool {
    matches!(
        state,
        RequestState::MfaRequired | RequestState::PendingApproval | RequestState::Scheduled { .. }
    )
}

/// The stage in a few words, for a chip.
pub const fn state_label(state: &RequestState) -> &'static str {
    match state {
        RequestState::MfaRequired => "Waiting for you to confirm",
        RequestState::PendingApproval => "Waiting for approval",
        RequestState::Scheduled { .. } => "Scheduled",
        RequestState::Active { .. } => "Active",
        RequestState::Expired { phase: ExpiredPhase::Active, .. } => "Ended",
        RequestState::Expired { .. } => "Expired",
        RequestState::Deactivated { .. } => "Deactivated",
        RequestState::Denied { .. } => "Denied",
        RequestState::Cancelled { .. } => "Cancelled",
        RequestState::Failed { .. } => "Failed",
        RequestState::Voided { .. } => "Voided",
    }
}

/// The chip's class: good, waiting or over.
pub const fn state_class(state: &RequestState) -> &'static str {
    match state {
        RequestState::Active { .. } => "chip good",
        RequestState::MfaRequired | RequestState::PendingApproval | RequestState::Scheduled { .. } => {
            "chip warn"
        }
        RequestState::Denied { .. } | RequestState::Failed { .. } => "chip bad",
        _ => "chip",
    }
}

/// Approvals given so far, and how many are needed (`None` when the role needs no approval).
pub fn approvals(r: &ActivationRequest) -> Option<(usize, u8)> {
    let terms = r.terms.approval.as_ref()?;
    let mut approvers: Vec<&UserId> =
        r.decisions.iter().filter(|d| d.verdict == Verdict::Approve).map(|d| &d.approver).collect();
    approvers.sort();
    approvers.dedup();
    Some((approvers.len(), terms.quorum))
}

/// Where the request stands, and why it ended if it did. `at` writes an instant.
pub fn state_detail(r: &ActivationRequest, at: impl Fn(UnixMillis) -> String) -> String {
    match &r.state {
        RequestState::MfaRequired => {
            format!("Confirm it's you by {}, or it expires.", at(r.pending_until))
        }
        RequestState::PendingApproval => {
            let (given, quorum) = approvals(r).unwrap_or((0, 1));
            format!(
                "{given} of {quorum} approvals so far. It expires at {} unless approved.",
                at(r.pending_until)
            )
        }
        RequestState::Scheduled { start, end } => format!("Active from {} until {}.", at(*start), at(*end)),
        RequestState::Active { since, until } => {
            format!("Active since {}, until {}.", at(*since), at(*until))
        }
        RequestState::Expired { at: t, phase: ExpiredPhase::AwaitingMfa } => {
            format!("Expired at {}: it waited too long for you to confirm it's you (MFA).", at(*t))
        }
        RequestState::Expired { at: t, phase: ExpiredPhase::AwaitingApproval } => {
            format!("Expired at {}: it waited too long for approval.", at(*t))
        }
        RequestState::Expired { at: t, phase: ExpiredPhase::Active } => {
            format!("Ended at {}, when its time ran out.", at(*t))
        }
        RequestState::Deactivated { at: t, by } => match by {
            DeactivatedBy::Requester => format!("You deactivated it at {}.", at(*t)),
            DeactivatedBy::Administrator(_) => format!("An administrator deactivated it at {}.", at(*t)),
            DeactivatedBy::EligibilityRevoked => {
                format!("Ended at {}: your eligibility for the role was removed.", at(*t))
            }
        },
        RequestState::Denied { at: t, .. } => format!("Denied at {}.", at(*t)),
        RequestState::Cancelled { at: t } => format!("You cancelled it at {}.", at(*t)),
        RequestState::Failed { at: t, reason } => match reason {
            FailureReason::MfaNotCompleted => {
                format!("Failed at {}: too many unsuccessful attempts to confirm it's you.", at(*t))
            }
            FailureReason::EligibilityUnavailable => {
                format!("Failed at {}: your eligibility no longer allowed it when it was due.", at(*t))
            }
            FailureReason::WindowLapsed => {
                format!("Failed at {}: its time had passed by the time it was approved.", at(*t))
            }
        },
        RequestState::Voided { at: t } => {
            format!("Withdrawn at {}: the eligibility it rested on was removed.", at(*t))
        }
    }
}

/// What was asked: "1 hour, starting when ready" or "2 hours from <at>".
pub fn asked(r: &ActivationRequest, at: impl Fn(UnixMillis) -> String) -> String {
    let span = duration_text(r.duration.get());
    match r.start {
        ActivationStart::Immediate => format!("{span}, from when it is ready"),
        ActivationStart::At(t) => format!("{span}, from {}", at(t)),
    }
}

/// Each decision in a line: "Approved by Bob at 14:05: “Fine.”". `name` names an approver when
/// the portal knows who they are.
pub fn decisions(
    r: &ActivationRequest,
    name: impl Fn(&UserId) -> Option<String>,
    at: impl Fn(UnixMillis) -> String,
) -> Vec<String> {
    r.decisions
        .iter()
        .map(|d| {
            let verb = match d.verdict {
                Verdict::Approve => "Approved",
                Verdict::Deny => "Denied",
            };
            let who = name(&d.approver).unwrap_or_else(|| "an approver".to_owned());
            let mut line = format!("{verb} by {who} at {}", at(d.at));
            match &d.reason {
                Some(reason) => line.push_str(&format!(": “{reason}”")),
                None => line.push('.'),
            }
            line
        })
        .collect()
}

/// Who still has to approve: "Bob", "Bob or Carol", "2 of Bob, Carol and Dan", or counts when the
/// portal cannot name them.
pub fn awaited_approvers(r: &ActivationRequest, name: impl Fn(&UserId) -> Option<String>) -> String {
    let Some(terms) = &r.terms.approval else { return "an approver".to_owned() };
    let (given, quorum) = approvals(r).unwrap_or((0, terms.quorum));
    let still = usize::from(quorum).saturating_sub(given).max(1);
    let open: Vec<&UserId> =
        terms.approvers.iter().filter(|a| !r.decisions.iter().any(|d| &d.approver == *a)).collect();
    let names: Option<Vec<String>> = open.iter().map(|a| name(a)).collect();
    match names {
        Some(names) if !names.is_empty() => {
            let (init, last) = names.split_at(names.len() - 1);
            let last = &last[0];
            if init.is_empty() {
                last.clone()
            } else if still == 1 {
                format!("{} or {last}", init.join(", "))
            } else {
                format!("{still} of {} and {last}", init.join(", "))
            }
        }
        _ if open.len() <= 1 => "an approver".to_owned(),
        _ => format!("{still} of {} approvers", open.len()),
    }
}

/// The outcome of a step for the requester, in a line: "Active until 14:05", "Waiting for approval
/// by Bob", "Scheduled from … until …", or where it ended. `clock` writes a time of day, `at` an
/// instant.
pub fn outcome(
    r: &ActivationRequest,
    name: impl Fn(&UserId) -> Option<String>,
    clock: impl Fn(UnixMillis) -> String,
    at: impl Fn(UnixMillis) -> String,
) -> String {
    match &r.state {
        RequestState::Active { until, .. } => format!("Active until {}", clock(*until)),
        RequestState::PendingApproval => format!("Waiting for approval by {}", awaited_approvers(r, name)),
        RequestState::Scheduled { start, end } => format!("Scheduled from {} until {}", at(*start), at(*end)),
        RequestState::MfaRequired => "Waiting for you to confirm it's you".to_owned(),
        _ => state_detail(r, at),
    }
}

/// How the requester proved it was them for this request, for approvers: "Passkey or security
/// key at 14:02, with PIN or biometrics".
pub fn mfa_evidence(evidence: Option<&MfaEvidence>, at: impl Fn(UnixMillis) -> String) -> String {
    let Some(e) = evidence else {
        return "None for this request: the role does not ask for it.".to_owned();
    };
    match e.method {
        MfaMethodKind::Webauthn => format!(
            "Passkey or security key at {}, {}",
            at(e.at),
            if e.user_verified { "with PIN or biometrics" } else { "without PIN or biometrics" }
        ),
        MfaMethodKind::Totp => format!("Authenticator-app code at {}", at(e.at)),
    }
}

/// What an approver's decision did, in a line.
pub fn decision_outcome(
    verdict: Verdict,
    r: &ActivationRequest,
    clock: impl Fn(UnixMillis) -> String,
) -> String {
    match (verdict, &r.state) {
        (Verdict::Deny, _) => "Denied.".to_owned(),
        (Verdict::Approve, RequestState::Active { until, .. }) => {
            format!("Approved. The role is active until {}.", clock(*until))
        }
        (Verdict::Approve, RequestState::Scheduled { start, end }) => {
            format!("Approved. The role is scheduled from {} until {}.", clock(*start), clock(*end))
        }
        (Verdict::Approve, RequestState::PendingApproval) => {
            let (given, quorum) = approvals(r).unwrap_or((1, 1));
            let more = usize::from(quorum).saturating_sub(given);
            format!("Approved. It waits for {more} more approval{}.", if more == 1 { "" } else { "s" })
        }
        (Verdict::Approve, RequestState::Failed { .. }) => {
            "Approved, but the request could no longer be granted.".to_owned()
        }
        (Verdict::Approve, _) => "Approved.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::domain::durations::{ExtensionWindow, MaxActivation};
    use elevate_shared::domain::mfa::AuthenticatorPolicy;
    use elevate_shared::domain::request::{ApprovalDecision, ApprovalTerms, RequestTerms};
    use elevate_shared::domain::{
        ActivationDuration, AssignmentId, Digest, MethodId, Reason, RequestId, RoleId, Scope,
    };
    use elevate_shared::time::DurationMs;

    const T0: u64 = 1_699_999_980_000;
    const ADA: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const BOB: &str = "1f8fad5b-d9cb-469f-a165-70867728950e";
    const CAROL: &str = "2f8fad5b-d9cb-469f-a165-70867728950e";

    fn at(t: UnixMillis) -> String {
        format!("t+{}m", (t.0 - T0) / 60_000)
    }

    fn t(m: u64) -> UnixMillis {
        UnixMillis(T0).plus(DurationMs::from_mins(m))
    }

    fn user(id: &str) -> UserId {
        UserId::parse(id).unwrap()
    }

    fn names(id: &UserId) -> Option<String> {
        match id.as_str() {
            BOB => Some("Bob".into()),
            CAROL => Some("Carol".into()),
            _ => None,
        }
    }

    fn request(state: RequestState, approvers: &[&str], quorum: u8) -> ActivationRequest {
        ActivationRequest {
            id: RequestId::parse("00112233445566778899aabbccddeeff").unwrap(),
            requester: user(ADA),
            role: RoleId::parse("db-admin").unwrap(),
            scope: Scope::parse("/prod").unwrap(),
            eligibility: AssignmentId::parse("ffeeddccbbaa99887766554433221100").unwrap(),
            start: ActivationStart::Immediate,
            duration: ActivationDuration::from_minutes(60).unwrap(),
            justification: None,
            ticket: None,
            created_at: t(0),
            pending_until: t(60),
            terms: RequestTerms {
                mfa_required: true,
                authenticators: AuthenticatorPolicy::default(),
                approval: (!approvers.is_empty()).then(|| ApprovalTerms {
                    approvers: approvers.iter().map(|a| user(a)).collect(),
                    quorum,
                }),
                max_activation: MaxActivation::default(),
                extension_window: ExtensionWindow::default(),
            },
            digest: Digest::ZERO,
            mfa: None,
            mfa_failures: 0,
            decisions: Vec::new(),
            activated_at: None,
            state,
        }
    }

    fn decision(approver: &str, verdict: Verdict, reason: Option<&str>) -> ApprovalDecision {
        ApprovalDecision {
            approver: user(approver),
            verdict,
            reason: reason.map(|r| Reason::parse(r).unwrap()),
            at: t(5),
            credential: None,
        }
    }

    #[test]
    fn expired_requests_say_what_they_waited_for() {
        let expired = |phase| request(RequestState::Expired { at: t(60), phase }, &[], 1);
        assert!(
            state_detail(&expired(ExpiredPhase::AwaitingMfa), at)
                .contains("waited too long for you to confirm")
        );
        assert!(
            state_detail(&expired(ExpiredPhase::AwaitingApproval), at)
                .contains("waited too long for approval")
        );
        assert_eq!(
            state_detail(&expired(ExpiredPhase::Active), at),
            "Ended at t+60m, when its time ran out."
        );
        assert_eq!(state_label(&expired(ExpiredPhase::Active).state), "Ended");
        assert_eq!(state_label(&expired(ExpiredPhase::AwaitingMfa).state), "Expired");
    }

    #[test]
    fn every_state_has_a_name_and_only_waiting_ones_can_be_cancelled() {
        let states = [
            (RequestState::MfaRequired, "mfa_required", true),
            (RequestState::PendingApproval, "pending_approval", true),
            (RequestState::Scheduled { start: t(1), end: t(2) }, "scheduled", true),
            (RequestState::Active { since: t(1), until: t(2) }, "active", false),
            (RequestState::Denied { at: t(1), by: user(BOB) }, "denied", false),
            (RequestState::Cancelled { at: t(1) }, "cancelled", false),
            (RequestState::Failed { at: t(1), reason: FailureReason::WindowLapsed }, "failed", false),
            (RequestState::Voided { at: t(1) }, "voided", false),
            (RequestState::Deactivated { at: t(1), by: DeactivatedBy::Requester }, "deactivated", false),
        ];
        for (state, name, waiting) in states {
            assert_eq!(status_name(state.status()), name);
            // The wire name is the one serde writes.
            let json = serde_json::to_value(&state).unwrap();
            assert_eq!(json["state"], name);
            assert_eq!(is_waiting(&state), waiting, "{name}");
            assert!(!state_detail(&request(state, &[], 1), at).is_empty());
        }
    }

    #[test]
    fn the_outcome_is_a_line_the_requester_can_act_on() {
        let clock = |t: UnixMillis| format!("c{}", at(t));
        let active = request(RequestState::Active { since: t(0), until: t(65) }, &[], 1);
        assert_eq!(outcome(&active, names, clock, at), "Active until ct+65m");
        let waiting = request(RequestState::PendingApproval, &[BOB, CAROL], 1);
        assert_eq!(outcome(&waiting, names, clock, at), "Waiting for approval by Bob or Carol");
        assert_eq!(outcome(&waiting, |_| None, clock, at), "Waiting for approval by 1 of 2 approvers");
        let mut two = request(RequestState::PendingApproval, &[BOB, CAROL, ADA], 2);
        assert_eq!(outcome(&two, |_| None, clock, at), "Waiting for approval by 2 of 3 approvers");
        two.decisions.push(decision(BOB, Verdict::Approve, None));
        assert_eq!(state_detail(&two, at), "1 of 2 approvals so far. It expires at t+60m unless approved.");
        assert_eq!(outcome(&two, |_| None, clock, at), "Waiting for approval by 1 of 2 approvers");
        let alone = request(RequestState::PendingApproval, &[BOB], 1);
        assert_eq!(outcome(&alone, names, clock, at), "Waiting for approval by Bob");
        assert_eq!(outcome(&alone, |_| None, clock, at), "Waiting for approval by an approver");
        let three = request(RequestState::PendingApproval, &[BOB, CAROL], 2);
        assert_eq!(awaited_approvers(&three, names), "2 of Bob and Carol");
        let denied = request(RequestState::Denied { at: t(3), by: user(BOB) }, &[BOB], 1);
        assert_eq!(outcome(&denied, names, clock, at), "Denied at t+3m.");
    }

    #[test]
    fn decisions_name_the_approver_when_known_and_quote_the_reason() {
        let mut r = request(RequestState::Denied { at: t(5), by: user(BOB) }, &[BOB, CAROL], 1);
        r.decisions.push(decision(BOB, Verdict::Deny, Some("Use the read-only role.")));
        r.decisions.push(decision(ADA, Verdict::Approve, None));
        assert_eq!(
            decisions(&r, names, at),
            ["Denied by Bob at t+5m: “Use the read-only role.”", "Approved by an approver at t+5m."]
        );
    }

    #[test]
    fn approvals_count_each_approver_once() {
        let mut r = request(RequestState::PendingApproval, &[BOB, CAROL], 2);
        assert_eq!(approvals(&r), Some((0, 2)));
        r.decisions.push(decision(BOB, Verdict::Approve, None));
        r.decisions.push(decision(BOB, Verdict::Approve, None));
        assert_eq!(approvals(&r), Some((1, 2)));
        assert_eq!(decision_outcome(Verdict::Approve, &r, at), "Approved. It waits for 1 more approval.");
        assert_eq!(approvals(&request(RequestState::MfaRequired, &[], 1)), None);
    }

    #[test]
    fn approvers_see_how_the_requester_proved_it_was_them() {
        let evidence = |method, user_verified| MfaEvidence {
            method,
            credential: MethodId::parse("abc").unwrap(),
            at: t(2),
            user_verified,
            backup_eligible: false,
            credential_registered_at: t(0),
            bound_to: None,
        };
        assert_eq!(
            mfa_evidence(Some(&evidence(MfaMethodKind::Webauthn, true)), at),
            "Passkey or security key at t+2m, with PIN or biometrics"
        );
        assert!(
            mfa_evidence(Some(&evidence(MfaMethodKind::Webauthn, false)), at)
                .ends_with("without PIN or biometrics")
        );
        assert_eq!(
            mfa_evidence(Some(&evidence(MfaMethodKind::Totp, false)), at),
            "Authenticator-app code at t+2m"
        );
        assert!(mfa_evidence(None, at).starts_with("None"));
    }

    #[test]
    fn decisions_say_what_they_did() {
        let active = request(RequestState::Active { since: t(0), until: t(60) }, &[BOB], 1);
        assert_eq!(
            decision_outcome(Verdict::Approve, &active, at),
            "Approved. The role is active until t+60m."
        );
        assert_eq!(decision_outcome(Verdict::Deny, &active, at), "Denied.");
        let mut scheduled = active.clone();
        scheduled.start = ActivationStart::At(t(30));
        assert_eq!(asked(&scheduled, at), "1 hour, from t+30m");
        assert_eq!(asked(&active, at), "1 hour, from when it is ready");
    }
}
