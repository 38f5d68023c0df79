//! A software FIDO2 authenticator for adversarial API tests: it makes registration and
//! assertion responses the way a real one does (P-256, `none` attestation), and lets a test bend
//! any part of them — origin, flags, counter, credential id — to prove the worker refuses.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use serde_cbor_2::Value as Cbor;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub const UP: u8 = 0x01;
pub const UV: u8 = 0x04;
const AT: u8 = 0x40;

/// One credential held by the soft authenticator.
#[derive(Clone)]
pub struct SoftCredential {
    pub id: Vec<u8>,
    key: SigningKey,
    pub counter: u32,
}

impl std::fmt::Debug for SoftCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftCredential")
            .field("id", &URL_SAFE_NO_PAD.encode(&self.id))
            .finish_non_exhaustive()
    }
}

/// How a response is made; tests change one field to attack one check.
#[derive(Clone, Debug)]
pub struct Bend {
    pub origin: String,
    pub rp_id: String,
    pub flags: u8,
    pub ceremony_type: Option<&'static str>,
}

impl Bend {
    pub fn honest(origin: &str) -> Self {
        Self { origin: origin.to_owned(), rp_id: "localhost".to_owned(), flags: UP | UV, ceremony_type: None }
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn challenge_of(options: &Value) -> String {
    options["publicKey"]["challenge"].as_str().unwrap_or_default().to_owned()
}

impl SoftCredential {
    /// A credential with a key derived from `seed` and an id of `id_len` bytes.
    pub fn new(seed: u8, id_len: usize) -> Self {
        let key = SigningKey::from_bytes(&[seed.max(1); 32].into()).expect("a valid P-256 scalar");
        Self { id: (0..id_len).map(|i| (i as u8) ^ seed).collect(), key, counter: 0 }
    }

    /// The credential id as the API writes it (base64url, no padding).
    pub fn id_b64(&self) -> String {
        b64(&self.id)
    }

    /// The `credential` of a registration finish, answering `options` (creation options JSON).
    pub fn attest(&self, options: &Value, bend: &Bend) -> Value {
        let point = self.key.verifying_key().to_encoded_point(false);
        let cose = Cbor::Map(BTreeMap::from([
            (Cbor::Integer(1), Cbor::Integer(2)),
            (Cbor::Integer(3), Cbor::Integer(-7)),
            (Cbor::Integer(-1), Cbor::Integer(1)),
            (Cbor::Integer(-2), Cbor::Bytes(point.x().expect("x").to_vec())),
            (Cbor::Integer(-3), Cbor::Bytes(point.y().expect("y").to_vec())),
        ]));
        let mut auth_data = Sha256::digest(bend.rp_id.as_bytes()).to_vec();
        auth_data.push(bend.flags | AT);
        auth_data.extend_from_slice(&self.counter.to_be_bytes());
        auth_data.extend_from_slice(&[0x5a; 16]);
        auth_data.extend_from_slice(&(self.id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.id);
        auth_data.extend(serde_cbor_2::to_vec(&cose).expect("cbor"));
        let attestation = Cbor::Map(BTreeMap::from([
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(BTreeMap::new())),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]));
        let client_data = json!({
            "type": bend.ceremony_type.unwrap_or("webauthn.create"),
            "challenge": challenge_of(options),
            "origin": bend.origin,
            "crossOrigin": false,
        });
        json!({
            "id": b64(&self.id),
            "rawId": b64(&self.id),
            "type": "public-key",
            "response": {
                "attestationObject": b64(&serde_cbor_2::to_vec(&attestation).expect("cbor")),
                "clientDataJSON": b64(client_data.to_string().as_bytes()),
                "transports": ["usb"],
            },
            "extensions": {},
        })
    }

    /// The `credential` of a sign-in finish, answering `options` (request options JSON); the
    /// counter advances by one first, as an authenticator's does.
    pub fn assert(&mut self, options: &Value, bend: &Bend) -> Value {
        self.counter += 1;
        self.assert_with_counter(options, bend, self.counter)
    }

    /// An assertion with a chosen counter (to replay an old one, or to go backwards).
    pub fn assert_with_counter(&self, options: &Value, bend: &Bend, counter: u32) -> Value {
        let mut auth_data = Sha256::digest(bend.rp_id.as_bytes()).to_vec();
        auth_data.push(bend.flags);
        auth_data.extend_from_slice(&counter.to_be_bytes());
        let client_data = json!({
            "type": bend.ceremony_type.unwrap_or("webauthn.get"),
            "challenge": challenge_of(options),
            "origin": bend.origin,
            "crossOrigin": false,
        })
        .to_string();
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(client_data.as_bytes()));
        let signature: DerSignature = self.key.sign(&signed);
        json!({
            "id": b64(&self.id),
            "rawId": b64(&self.id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(client_data.as_bytes()),
                "signature": b64(signature.as_bytes()),
                "userHandle": null,
            },
            "extensions": {},
        })
    }
}
