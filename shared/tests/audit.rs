//! The audit catalogue and the hash chain.
#![allow(clippy::unwrap_used)]

use elevate_shared::api::audit::AuditCatalogue;
use elevate_shared::domain::audit::{ChainBreakReason, EventSeverity};
use elevate_shared::domain::{
    Actor, AuditAction, AuditDraft, AuditEvent, ChainAnchor, ChainBreak, RequestId, Target, append,
    verify_chain, verify_chain_from,
};
use elevate_shared::ids::UserId;
use elevate_shared::time::UnixMillis;

fn chain(drafts: Vec<AuditDraft>) -> Vec<AuditEvent> {
    let mut out: Vec<AuditEvent> = Vec::new();
    for d in drafts {
        let e = append(out.last(), d);
        out.push(e);
    }
    out
}

fn golden_drafts() -> Vec<AuditDraft> {
    let user = UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
    let request = RequestId::parse("00112233445566778899aabbccddeeff").unwrap();
    let target = Target::Request(request.clone());
    vec![
        AuditDraft::new(
            AuditAction::RequestCreated,
            Actor::User(user.clone()),
            target.clone(),
            UnixMillis(1_800_000_000_000),
        )
        .for_request(&request)
        .detail("scope", "/")
        .detail("role", "global-admin"),
        AuditDraft::new(
            AuditAction::MfaCompletedDuringActivation,
            Actor::User(user),
            target.clone(),
            UnixMillis(1_800_000_060_000),
        )
        .for_request(&request)
        .detail("source", "request_bound"),
        AuditDraft::new(AuditAction::ActivationExpired, Actor::System, target, UnixMillis(1_800_000_120_000))
            .for_request(&request),
    ]
}

#[test]
fn event_hashes_match_the_documented_encoding() {
    // Computed independently from the layout in `domain::audit`'s module doc.
    let events = chain(golden_drafts());
    let hashes: Vec<String> = events.iter().map(|e| e.hash.to_hex()).collect();
    assert_eq!(
        hashes,
        [
            "2fe7f8a08d1695e321a731384b984e63c15b7adee73a720fe23e7252674be754",
            "ce0d13f986bf443be6b1466f88714c38551fd1a79e16e70ac40b22fb632da484",
            "67692608a3e1ce8cd824d7c8b63825932b4d3e4526531d19bc3e057fdd8ba1e7",
        ]
    );
    assert_eq!(verify_chain(&events), Ok(()));
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [0, 1, 2]);
}

#[test]
fn tampering_is_reported_at_the_first_broken_link() {
    let events = chain(golden_drafts());

    let mut edited = events.clone();
    edited[1].details.0.insert("source".into(), "session".into());
    assert_eq!(verify_chain(&edited), Err(ChainBreak { index: 1, reason: ChainBreakReason::HashMismatch }));

    let mut rehashed = edited.clone();
    rehashed[1].hash = rehashed[1].compute_hash();
    assert_eq!(
        verify_chain(&rehashed),
        Err(ChainBreak { index: 2, reason: ChainBreakReason::PreviousHashMismatch })
    );

    let mut dropped = events.clone();
    dropped.remove(1);
    assert_eq!(
        verify_chain(&dropped),
        Err(ChainBreak { index: 1, reason: ChainBreakReason::PreviousHashMismatch })
    );

    let mut swapped = events.clone();
    swapped.swap(0, 1);
    assert_eq!(
        verify_chain(&swapped),
        Err(ChainBreak { index: 0, reason: ChainBreakReason::PreviousHashMismatch })
    );

    let mut renumbered = events.clone();
    renumbered[2].seq = 7;
    renumbered[2].hash = renumbered[2].compute_hash();
    assert_eq!(
        verify_chain(&renumbered),
        Err(ChainBreak { index: 2, reason: ChainBreakReason::SequenceMismatch })
    );
}

#[test]
fn segments_verify_from_an_anchor() {
    let events = chain(golden_drafts());
    assert_eq!(verify_chain_from(ChainAnchor::after(&events[0]), &events[1..]), Ok(()));
    assert!(verify_chain(&events[1..]).is_err(), "a segment is not a whole log");
    assert_eq!(verify_chain(&[]), Ok(()));
}

#[test]
fn catalogue_ids_are_stable_unique_and_round_trip() {
    let snapshot: Vec<(u16, &str)> = AuditAction::ALL.iter().map(|a| (a.id(), a.name())).collect();
    assert_eq!(
        snapshot,
        [
            (101, "mfa_not_completed"),
            (103, "mfa_completed_during_activation"),
            (104, "mfa_succeeded"),
            (105, "mfa_failed"),
            (106, "locked_out"),
            (107, "unlocked"),
            (108, "bypass_granted"),
            (109, "bypass_used"),
            (110, "fraud_reported"),
            (111, "counter_regression"),
            (201, "signed_in"),
            (202, "sign_in_failed"),
            (203, "signed_out"),
            (204, "bootstrap_completed"),
            (301, "request_created"),
            (302, "request_approved"),
            (303, "request_denied"),
            (304, "activation_scheduled"),
            (305, "role_activated"),
            (306, "activation_extended"),
            (307, "role_deactivated"),
            (308, "activation_expired"),
            (309, "request_expired"),
            (310, "request_cancelled"),
            (311, "request_failed"),
            (312, "request_voided"),
            (401, "role_created"),
            (402, "role_updated"),
            (403, "role_deleted"),
            (404, "role_settings_changed"),
            (405, "assignment_added"),
            (406, "assignment_removed"),
            (411, "user_created"),
            (412, "invitation_issued"),
            (413, "invitation_redeemed"),
            (414, "oath_tokens_imported"),
            (415, "user_updated"),
            (501, "alert_fixed"),
            (502, "alert_dismissed"),
            (601, "token_created"),
            (602, "token_revoked"),
            (603, "api_token_created"),
            (604, "api_token_revoked"),
            (701, "audit_exported"),
            (821, "method_registered"),
            (822, "method_removed"),
            (823, "method_renamed"),
            (825, "mfa_method_changed"),
        ]
    );
    for a in AuditAction::ALL {
        assert_eq!(AuditAction::from_id(a.id()), Some(*a));
        let json = serde_json::to_string(a).unwrap();
        assert_eq!(json, a.id().to_string());
        assert!(!a.meaning().is_empty());
    }
    assert_eq!(AuditAction::from_id(102), None);
    assert!(serde_json::from_str::<AuditAction>("102").is_err());
    assert_eq!(AuditAction::MfaNotCompleted.severity(), EventSeverity::Error);
    assert_eq!(AuditAction::MfaMethodChanged.severity(), EventSeverity::Warning);
    assert_eq!(AuditCatalogue::current().actions.len(), AuditAction::ALL.len());
}

#[test]
fn events_round_trip_through_json_and_still_verify() {
    let events = chain(golden_drafts());
    let json = serde_json::to_string(&events).unwrap();
    let back: Vec<AuditEvent> = serde_json::from_str(&json).unwrap();
    assert_eq!(verify_chain(&back), Ok(()));
}
