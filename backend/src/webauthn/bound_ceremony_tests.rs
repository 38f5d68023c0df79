//! A bound ceremony's challenge is the digest it was started with: a tap over that digest
//! verifies, a tap over any other challenge does not.

use super::registration::tests::{ORIGIN, RP_ID, Soft, accepted_alike, start};
use super::{Refused, RelyingParty};
use crate::config::Config;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::PublicKeyCredential;

fn rp() -> RelyingParty {
    let config = Config::from_lookup(|k| match k {
        "RP_ID" => Some(RP_ID.into()),
        "RP_ORIGIN" => Some(ORIGIN.into()),
        _ => None,
    })
    .expect("configuration");
    RelyingParty::new(&config).expect("relying party")
}

/// An assertion by the registration tests' soft key (credential id 0..32) over `challenge`.
fn tap(challenge: &[u8], counter: u32) -> PublicKeyCredential {
    let key = SigningKey::from_bytes(&[7u8; 32].into()).expect("a valid scalar");
    let mut auth_data = Sha256::digest(RP_ID.as_bytes()).to_vec();
    auth_data.push(0x01 | 0x04);
    auth_data.extend_from_slice(&counter.to_be_bytes());
    let client_data = serde_json::json!({
        "type": "webauthn.get",
        "challenge": URL_SAFE_NO_PAD.encode(challenge),
        "origin": ORIGIN,
        "crossOrigin": false,
    })
    .to_string();
    let mut signed = auth_data.clone();
    signed.extend_from_slice(&Sha256::digest(client_data.as_bytes()));
    let signature: DerSignature = key.sign(&signed);
    let id = URL_SAFE_NO_PAD.encode((0u8..32).collect::<Vec<_>>());
    serde_json::from_value(serde_json::json!({
        "id": id, "rawId": id, "type": "public-key", "extensions": {},
        "response": {
            "authenticatorData": URL_SAFE_NO_PAD.encode(&auth_data),
            "clientDataJSON": URL_SAFE_NO_PAD.encode(client_data.as_bytes()),
            "signature": URL_SAFE_NO_PAD.encode(signature.as_bytes()),
            "userHandle": null,
        },
    }))
    .expect("an assertion")
}

#[test]
fn a_tap_over_the_digest_verifies_and_a_tap_over_anything_else_does_not() {
    let c = start();
    let passkey = accepted_alike(&c, &Soft::honest(&c.challenge).response());
    let rp = rp();
    let digest = [42u8; 32];
    let (options, state) =
        rp.start_bound_authentication(std::slice::from_ref(&passkey), &digest).expect("started");
    assert_eq!(
        options.public_key.challenge.to_vec(),
        digest.to_vec(),
        "the browser is asked to sign the digest"
    );

    let verified =
        rp.finish_authentication(&tap(&digest, 1), &state).expect("a tap over the digest verifies");
    assert!(verified.user_verified());
    let other = [43u8; 32];
    assert!(matches!(rp.finish_authentication(&tap(&other, 2), &state), Err(Refused::Other(_))));
    // The random challenge webauthn-rs drew first is not accepted either.
    let (random_options, _) = rp.start_authentication(std::slice::from_ref(&passkey)).expect("started");
    let random = random_options.public_key.challenge.to_vec();
    assert!(rp.finish_authentication(&tap(&random, 3), &state).is_err());
}
