//! Golden vectors for request-bound MFA digests. They were computed independently of this crate
//! (a few lines of Python following the layout in `domain::digest`'s module doc), so they pin the
//! documented layout, not merely the code. They must hold natively and in wasm alike; changing
//! one means a new layout version.
#![allow(clippy::unwrap_used)]

use elevate_shared::domain::digest::{
    ActivationFacts, Verdict, activation_digest, approval_digest, extension_digest,
};
use elevate_shared::domain::policy::ActivationStart;
use elevate_shared::domain::{
    ActivationDuration, Digest, Justification, RequestId, RoleId, Scope, Ticket, TicketNumber, TicketSystem,
};
use elevate_shared::ids::UserId;
use elevate_shared::time::UnixMillis;

fn ids() -> (RequestId, UserId) {
    (
        RequestId::parse("00112233445566778899aabbccddeeff").unwrap(),
        UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap(),
    )
}

fn full_request_digest() -> Digest {
    let (request, requester) = ids();
    let role = RoleId::parse("subscription.owner").unwrap();
    let scope = Scope::parse("/tenants/contoso/subscriptions/prod").unwrap();
    let justification = Justification::parse("Incident 42: restore the VM\nafter the outage").unwrap();
    let ticket = Ticket {
        system: TicketSystem::parse("ServiceNow").unwrap(),
        number: TicketNumber::parse("INC0012345").unwrap(),
    };
    activation_digest(&ActivationFacts {
        request: &request,
        requester: &requester,
        role: &role,
        scope: &scope,
        start: ActivationStart::At(UnixMillis(1_800_000_000_000)),
        duration: ActivationDuration::from_minutes(480).unwrap(),
        justification: Some(&justification),
        ticket: Some(&ticket),
    })
}

#[test]
fn activation_digest_vectors() {
    let (request, requester) = ids();
    let role = RoleId::parse("global-admin").unwrap();
    let scope = Scope::directory();
    let minimal = ActivationFacts {
        request: &request,
        requester: &requester,
        role: &role,
        scope: &scope,
        start: ActivationStart::Immediate,
        duration: ActivationDuration::from_minutes(60).unwrap(),
        justification: None,
        ticket: None,
    };
    assert_eq!(
        activation_digest(&minimal).to_hex(),
        "3e18052a25c39cad441fcf6ffd66e25e91deec4b6da5c9e274304077473c9f0c"
    );

    let unicode = Justification::parse("Zürich ✓").unwrap();
    let with_unicode = ActivationFacts { justification: Some(&unicode), ..minimal };
    assert_eq!(
        activation_digest(&with_unicode).to_hex(),
        "8778cc9fd8ca211b95addcecdd991bf3ce1be0c6e9e4ac19b138a6bb51a3e130"
    );

    assert_eq!(
        full_request_digest().to_hex(),
        "3768dea68b8f98d82cc817ea4367300f448192c20fbf7233e4532c07ea84e45f"
    );
}

#[test]
fn approval_and_extension_digest_vectors() {
    let request = full_request_digest();
    let approver = UserId::parse("7c9e6679-7425-40de-944b-e07fc1f90ae7").unwrap();
    assert_eq!(
        approval_digest(&request, &approver, Verdict::Approve).to_hex(),
        "d1893667ac370092ab911fb448284fbc5ac524a0b091fa776ff8ff4075649a52"
    );
    assert_eq!(
        approval_digest(&request, &approver, Verdict::Deny).to_hex(),
        "7b4118a04b19f95a3258e2e1231e78bc7bec1c6da2c283bd366b437feca3e3bf"
    );
    assert_eq!(
        extension_digest(&request, UnixMillis(1_800_000_000_000 + 32_400_000)).to_hex(),
        "232c5baf4bf411440422dd7388782867c3508e03048a570eb29f7988f71441c2"
    );
}

#[test]
fn every_field_changes_the_digest() {
    let (request, requester) = ids();
    let other_request = RequestId::parse("ffeeddccbbaa99887766554433221100").unwrap();
    let other_user = UserId::parse("7c9e6679-7425-40de-944b-e07fc1f90ae7").unwrap();
    let role = RoleId::parse("global-admin").unwrap();
    let other_role = RoleId::parse("global-admin2").unwrap();
    let scope = Scope::directory();
    let other_scope = Scope::parse("/a").unwrap();
    let j = Justification::parse("x").unwrap();
    let t = Ticket { system: TicketSystem::parse("x").unwrap(), number: TicketNumber::parse("1").unwrap() };
    let base = ActivationFacts {
        request: &request,
        requester: &requester,
        role: &role,
        scope: &scope,
        start: ActivationStart::Immediate,
        duration: ActivationDuration::from_minutes(60).unwrap(),
        justification: None,
        ticket: None,
    };
    let variants = [
        ActivationFacts { request: &other_request, ..base },
        ActivationFacts { requester: &other_user, ..base },
        ActivationFacts { role: &other_role, ..base },
        ActivationFacts { scope: &other_scope, ..base },
        ActivationFacts { start: ActivationStart::At(UnixMillis(0)), ..base },
        ActivationFacts { duration: ActivationDuration::from_minutes(61).unwrap(), ..base },
        ActivationFacts { justification: Some(&j), ..base },
        ActivationFacts { ticket: Some(&t), ..base },
    ];
    let mut seen = std::collections::BTreeSet::from([activation_digest(&base)]);
    for v in &variants {
        assert!(seen.insert(activation_digest(v)), "{v:?} collides");
    }
}

#[test]
fn length_prefixes_keep_field_boundaries_unambiguous() {
    // "ab" + "c" and "a" + "bc" would concatenate alike; the length prefixes keep them apart.
    let (request, requester) = ids();
    let scope = Scope::directory();
    let s1 = TicketSystem::parse("ab").unwrap();
    let n1 = TicketNumber::parse("c").unwrap();
    let s2 = TicketSystem::parse("a").unwrap();
    let n2 = TicketNumber::parse("bc").unwrap();
    let t1 = Ticket { system: s1, number: n1 };
    let t2 = Ticket { system: s2, number: n2 };
    let role = RoleId::parse("r").unwrap();
    let facts = |t| ActivationFacts {
        request: &request,
        requester: &requester,
        role: &role,
        scope: &scope,
        start: ActivationStart::Immediate,
        duration: ActivationDuration::from_minutes(60).unwrap(),
        justification: None,
        ticket: Some(t),
    };
    assert_ne!(activation_digest(&facts(&t1)), activation_digest(&facts(&t2)));
}
