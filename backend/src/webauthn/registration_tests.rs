//! Differential tests: for the same responses, webauthn-rs's own `finish_passkey_registration`
//! (which may read the clock natively) and [`super::verify`] must agree — the same passkey when
//! both accept, and a refusal from us whenever webauthn-rs refuses.

use super::*;
use crate::config::Config;
use crate::webauthn::RelyingParty;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::SigningKey;
use serde_cbor_2::Value as Cbor;
use std::collections::BTreeMap;
use webauthn_rs::prelude::{PasskeyRegistration, Uuid, Webauthn, WebauthnBuilder};
use webauthn_rs_core::proto::AuthenticatorAttestationResponseRaw;

pub(crate) const RP_ID: &str = "localhost";
pub(crate) const ORIGIN: &str = "http://localhost:8787";

/// What a soft authenticator puts in its response; each test bends one field.
#[derive(Clone)]
pub(crate) struct Soft {
    ceremony_type: &'static str,
    challenge: Vec<u8>,
    origin: String,
    rp_id: String,
    flags: u8,
    fmt: &'static str,
    credential_id: Vec<u8>,
    raw_id: Option<Vec<u8>>,
    alg: i128,
}

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const BS: u8 = 0x10;
const AT: u8 = 0x40;

impl Soft {
    pub(crate) fn honest(challenge: &[u8]) -> Self {
        Self {
            ceremony_type: "webauthn.create",
            challenge: challenge.to_vec(),
            origin: ORIGIN.to_owned(),
            rp_id: RP_ID.to_owned(),
            flags: UP | UV | AT,
            fmt: "none",
            credential_id: (0u8..32).collect(),
            raw_id: None,
            alg: -7,
        }
    }

    pub(crate) fn response(&self) -> RegisterPublicKeyCredential {
        let key = SigningKey::from_bytes(&[7u8; 32].into()).expect("a valid scalar");
        let point = key.verifying_key().to_encoded_point(false);
        let cose = Cbor::Map(BTreeMap::from([
            (Cbor::Integer(1), Cbor::Integer(2)),
            (Cbor::Integer(3), Cbor::Integer(self.alg)),
            (Cbor::Integer(-1), Cbor::Integer(1)),
            (Cbor::Integer(-2), Cbor::Bytes(point.x().expect("x").to_vec())),
            (Cbor::Integer(-3), Cbor::Bytes(point.y().expect("y").to_vec())),
        ]));
        let mut auth_data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        auth_data.push(self.flags);
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0xaa; 16]);
        auth_data.extend_from_slice(&(self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.credential_id);
        auth_data.extend(serde_cbor_2::to_vec(&cose).expect("cbor"));
        let att_stmt = if self.fmt == "none" {
            Cbor::Map(BTreeMap::new())
        } else {
            Cbor::Map(BTreeMap::from([(Cbor::Text("alg".into()), Cbor::Integer(-7))]))
        };
        let attestation = Cbor::Map(BTreeMap::from([
            (Cbor::Text("fmt".into()), Cbor::Text(self.fmt.into())),
            (Cbor::Text("attStmt".into()), att_stmt),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]));
        let client_data = serde_json::json!({
            "type": self.ceremony_type,
            "challenge": URL_SAFE_NO_PAD.encode(&self.challenge),
            "origin": self.origin,
            "crossOrigin": false,
        });
        let raw_id = self.raw_id.clone().unwrap_or_else(|| self.credential_id.clone());
        RegisterPublicKeyCredential {
            id: URL_SAFE_NO_PAD.encode(&raw_id),
            raw_id,
            response: AuthenticatorAttestationResponseRaw {
                attestation_object: serde_cbor_2::to_vec(&attestation).expect("cbor"),
                client_data_json: serde_json::to_vec(&client_data).expect("json"),
                transports: None,
            },
            type_: "public-key".into(),
            extensions: Default::default(),
        }
    }
}

pub(crate) struct Ceremony {
    webauthn: Webauthn,
    state: PasskeyRegistration,
    pub(crate) challenge: Vec<u8>,
    algorithms: Vec<i64>,
    asked: AskedExtensions,
}

pub(crate) fn start() -> Ceremony {
    let origin = url::Url::parse(ORIGIN).expect("url");
    let webauthn = WebauthnBuilder::new(RP_ID, &origin).and_then(|b| b.build()).expect("relying party");
    let (options, state) =
        webauthn.start_passkey_registration(Uuid::nil(), "ada", "Ada", None).expect("registration options");
    let challenge = options.public_key.challenge.to_vec();
    let algorithms = options.public_key.pub_key_cred_params.iter().map(|p| p.alg).collect();
    assert!(options.public_key.extensions.is_some(), "passkeys request extensions");
    let asked = AskedExtensions::requested_by(&options);
    Ceremony { webauthn, state, challenge, algorithms, asked }
}

impl Ceremony {
    /// What our verifier expects for this ceremony.
    fn expected(&self) -> Expected<'_> {
        Expected {
            challenge: &self.challenge,
            origin: ORIGIN,
            rp_id: RP_ID,
            algorithms: &self.algorithms,
            asked: self.asked,
        }
    }
}

fn ours(c: &Ceremony, response: &RegisterPublicKeyCredential) -> Result<Passkey, RegistrationError> {
    verify(&c.expected(), response).map(|r| r.passkey)
}

/// Both verifiers accept `response` and produce the same passkey; returns ours.
pub(crate) fn accepted_alike(c: &Ceremony, response: &RegisterPublicKeyCredential) -> Passkey {
    let theirs = c.webauthn.finish_passkey_registration(response, &c.state).expect("webauthn-rs accepts");
    let mine = ours(c, response).expect("we accept");
    assert_eq!(serde_json::to_value(&mine).expect("json"), serde_json::to_value(&theirs).expect("json"));
    mine
}

#[test]
fn an_honest_response_gives_the_same_passkey_as_webauthn_rs() {
    let c = start();
    let response = Soft::honest(&c.challenge).response();
    accepted_alike(&c, &response);
}

#[test]
fn backup_flags_are_carried_over_like_webauthn_rs_does() {
    let c = start();
    let mut soft = Soft::honest(&c.challenge);
    soft.flags |= BE | BS;
    let response = soft.response();
    let mine = accepted_alike(&c, &response);
    let credential = Credential::from(mine);
    assert!(credential.backup_eligible && credential.backup_state);
}

#[test]
fn client_reported_extensions_are_recorded_like_webauthn_rs_does() {
    let c = start();
    let mut response = Soft::honest(&c.challenge).response();
    response.extensions.cred_props = Some(webauthn_rs_core::proto::CredProps { rk: Some(true) });
    accepted_alike(&c, &response);
}

#[test]
fn a_key_whose_algorithm_was_not_offered_is_refused() {
    let c = start();
    let response = Soft::honest(&c.challenge).response();
    let only_rsa = [-257];
    let expected = Expected { algorithms: &only_rsa, ..c.expected() };
    assert_eq!(verify(&expected, &response).err(), Some(RegistrationError::AlgorithmNotOffered));
}

#[test]
fn the_authenticator_model_is_reported() {
    let c = start();
    let registered = verify(&c.expected(), &Soft::honest(&c.challenge).response()).expect("accepted");
    assert_eq!(registered.aaguid, [0xaa; 16]);
}

#[test]
fn every_bent_response_is_refused_by_us_whenever_webauthn_rs_refuses_it() {
    use RegistrationError as E;
    let c = start();
    let other_challenge = vec![9u8; c.challenge.len()];
    type Bend = Box<dyn Fn(&mut Soft)>;
    let cases: Vec<(&str, Bend, RegistrationError)> = vec![
        (
            "assertion type",
            Box::new(|s| s.ceremony_type = "webauthn.get"),
            E::WrongCeremonyType("webauthn.get".into()),
        ),
        ("other challenge", Box::new(move |s| s.challenge = other_challenge.clone()), E::ChallengeMismatch),
        (
            "evil origin",
            Box::new(|s| s.origin = "https://evil.example".into()),
            E::OriginMismatch("https://evil.example".into()),
        ),
        (
            "lookalike origin",
            Box::new(|s| s.origin = "http://localhost.evil.example:8787".into()),
            E::OriginMismatch("http://localhost.evil.example:8787".into()),
        ),
        (
            "wrong port",
            Box::new(|s| s.origin = "http://localhost:8788".into()),
            E::OriginMismatch("http://localhost:8788".into()),
        ),
        ("other RP id", Box::new(|s| s.rp_id = "example.com".into()), E::RpIdMismatch),
        ("no presence", Box::new(|s| s.flags &= !UP), E::UserNotPresent),
        ("no verification", Box::new(|s| s.flags &= !UV), E::UserNotVerified),
        ("backed up, not eligible", Box::new(|s| s.flags |= BS), E::InconsistentBackupFlags),
        ("other raw id", Box::new(|s| s.raw_id = Some(vec![1, 2, 3])), E::CredentialIdMismatch),
        ("1024-byte id", Box::new(|s| s.credential_id = vec![5; 1024]), E::CredentialIdTooLong),
        ("ES512, never offered", Box::new(|s| s.alg = -36), E::AlgorithmNotOffered),
        ("packed attestation", Box::new(|s| s.fmt = "packed"), E::AttestationFormatRefused("packed".into())),
    ];
    for (name, bend, expected) in cases {
        let mut soft = Soft::honest(&c.challenge);
        bend(&mut soft);
        let response = soft.response();
        let mine = ours(&c, &response);
        assert_eq!(mine.as_ref().err(), Some(&expected), "{name}");
        // Differential: webauthn-rs accepting something we refuse is fine (we are stricter on
        // purpose, e.g. attestation formats and id length), but never the other way round.
        if c.webauthn.finish_passkey_registration(&response, &c.state).is_err() {
            assert!(mine.is_err(), "{name}: webauthn-rs refuses what we accept");
        }
    }
}

#[test]
fn a_relying_party_built_from_configuration_uses_this_verifier() {
    let config = Config::from_lookup(|k| match k {
        "RP_ID" => Some(RP_ID.into()),
        "RP_ORIGIN" => Some(ORIGIN.into()),
        _ => None,
    })
    .expect("config");
    let rp = RelyingParty::new(&config).expect("relying party");
    let user = elevate_shared::ids::UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").expect("id");
    let (options, pending) = rp
        .start_registration(
            &user,
            &elevate_shared::ids::Username::parse("ada").expect("name"),
            &elevate_shared::ids::DisplayName::parse("Ada").expect("name"),
            vec![],
        )
        .expect("options");
    let selection = options.public_key.authenticator_selection.as_ref().expect("selection");
    assert!(selection.require_resident_key);
    assert_eq!(selection.user_verification, UserVerificationPolicy::Required);
    assert!(rp.finish_registration(&pending, &Soft::honest(&pending.challenge).response()).is_ok());
    let mut no_uv = Soft::honest(&pending.challenge);
    no_uv.flags &= !UV;
    let refused = rp.finish_registration(&pending, &no_uv.response()).expect_err("refused");
    assert_eq!(refused.to_wire().code, elevate_shared::api::ErrorCode::UserVerificationRequired);
}
