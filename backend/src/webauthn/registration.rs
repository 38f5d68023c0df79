//! Verification of a passkey registration response, done here instead of by webauthn-rs.
//!
//! Why: webauthn-rs 0.6.2's `finish_passkey_registration` reads `SystemTime::now()` (for
//! attestation certificate validity), and on `wasm32-unknown-unknown` that call traps, killing the
//! worker. Passkey registration requests attestation conveyance `none`, so there is no certificate
//! chain whose validity needs a clock; every check that remains is a pure function of the
//! response, the ceremony's challenge and the configuration. This module performs those checks
//! (WebAuthn Level 2 §7.1, for the `none` attestation format) with webauthn-rs's own public
//! parsers (`AuthenticatorData`, `COSEKey`, `CollectedClientData`) and builds webauthn-rs's public
//! `Credential`, which becomes a `Passkey` that webauthn-rs then authenticates as usual.
//! A native differential test checks that, for the same response, webauthn-rs and this module
//! accept and reject alike and produce the same credential.

use serde_cbor_2::Value;
use sha2::{Digest, Sha256};
use webauthn_rs::prelude::{Passkey, RegisterPublicKeyCredential};
use webauthn_rs_core::internals::AuthenticatorData;
use webauthn_rs_core::proto::{
    AttestationFormat, COSEKey, CollectedClientData, CredProps, Credential, CredentialProtectionPolicy,
    ExtnState, ParsedAttestation, RegisteredExtensions, Registration, UserVerificationPolicy,
};

/// The longest credential id accepted (WebAuthn Level 3 caps it at 1023 bytes).
pub(crate) const MAX_CREDENTIAL_ID_LEN: usize = 1023;

/// What the relying party expects of this registration.
#[derive(Debug)]
pub(crate) struct Expected<'a> {
    pub challenge: &'a [u8],
    /// The serialised origin, e.g. `https://pim.example.com` or `http://localhost:8787`.
    pub origin: &'a str,
    pub rp_id: &'a str,
    /// The COSE algorithm ids offered in the creation options.
    pub algorithms: &'a [i64],
    /// The extensions the creation options asked for.
    pub asked: AskedExtensions,
}

/// Which registration extensions the options requested; decides how their answers are recorded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct AskedExtensions {
    pub cred_protect: bool,
    pub cred_props: bool,
}

impl AskedExtensions {
    /// What the creation options sent to the browser asked for.
    pub fn requested_by(options: &webauthn_rs::prelude::CreationChallengeResponse) -> Self {
        let requested = options.public_key.extensions.as_ref();
        Self {
            cred_protect: requested.is_some_and(|e| e.cred_protect.is_some()),
            cred_props: requested.is_some_and(|e| e.cred_props == Some(true)),
        }
    }
}

/// Why a registration response was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RegistrationError {
    #[error("the client data is not readable JSON")]
    ClientDataUnreadable,
    #[error("the client data is for a `{0}` ceremony, not a registration")]
    WrongCeremonyType(String),
    #[error("the response answers a different challenge")]
    ChallengeMismatch,
    #[error("the response was made for the origin {0}")]
    OriginMismatch(String),
    #[error("the response was made in a cross-origin frame")]
    CrossOrigin,
    #[error("the attestation object is not readable")]
    AttestationUnreadable,
    #[error("the attestation format `{0}` is not accepted; only `none` is")]
    AttestationFormatRefused(String),
    #[error("the response was made for another relying party")]
    RpIdMismatch,
    #[error("the authenticator did not report user presence")]
    UserNotPresent,
    #[error("the authenticator did not verify the user")]
    UserNotVerified,
    #[error("the authenticator reports a backed-up credential that is not backup eligible")]
    InconsistentBackupFlags,
    #[error("the response carries no credential")]
    NoCredentialData,
    #[error("the credential id does not match the attested credential")]
    CredentialIdMismatch,
    #[error("the credential id is longer than {MAX_CREDENTIAL_ID_LEN} bytes")]
    CredentialIdTooLong,
    #[error("the credential's public key is not readable")]
    PublicKeyUnreadable,
    #[error("the credential's algorithm was not offered")]
    AlgorithmNotOffered,
}

/// Verifies a registration response and returns the passkey to store.
/// A verified registration: the passkey to store and the authenticator model it came from.
#[derive(Debug)]
pub(crate) struct Registered {
    pub passkey: Passkey,
    /// The authenticator's AAGUID (all zeroes when the authenticator keeps its model private).
    pub aaguid: [u8; 16],
}

pub(crate) fn verify(
    expected: &Expected<'_>,
    credential: &RegisterPublicKeyCredential,
) -> Result<Registered, RegistrationError> {
    use RegistrationError as E;

    // §7.1 steps 5–10: the client data.
    let client: CollectedClientData =
        serde_json::from_slice(&credential.response.client_data_json).map_err(|_| E::ClientDataUnreadable)?;
    if client.type_ != "webauthn.create" {
        return Err(E::WrongCeremonyType(client.type_));
    }
    if !bool::from(subtle::ConstantTimeEq::ct_eq(client.challenge.as_slice(), expected.challenge)) {
        return Err(E::ChallengeMismatch);
    }
    let origin = client.origin.origin().ascii_serialization();
    if origin != expected.origin {
        return Err(E::OriginMismatch(origin));
    }
    if client.cross_origin == Some(true) {
        return Err(E::CrossOrigin);
    }

    // Step 12: the attestation object.
    let (fmt, att_stmt, auth_data_bytes) = split_attestation_object(&credential.response.attestation_object)?;
    if fmt != "none" || !is_empty_map(&att_stmt) {
        return Err(E::AttestationFormatRefused(fmt));
    }
    // Step 13: the RP id hash is the first 32 bytes of the authenticator data.
    let rp_id_hash = auth_data_bytes.get(..32).ok_or(E::AttestationUnreadable)?;
    if rp_id_hash != &Sha256::digest(expected.rp_id.as_bytes())[..] {
        return Err(E::RpIdMismatch);
    }
    let auth_data = AuthenticatorData::<Registration>::try_from(auth_data_bytes.as_slice())
        .map_err(|_| E::AttestationUnreadable)?;
    // Steps 14–15: presence, then verification (passkeys always require it).
    if !auth_data.user_present {
        return Err(E::UserNotPresent);
    }
    if !auth_data.user_verified {
        return Err(E::UserNotVerified);
    }
    if auth_data.backup_state && !auth_data.backup_eligible {
        return Err(E::InconsistentBackupFlags);
    }
    let attested = auth_data.acd.ok_or(E::NoCredentialData)?;
    if attested.credential_id.len() > MAX_CREDENTIAL_ID_LEN {
        return Err(E::CredentialIdTooLong);
    }
    if attested.credential_id != credential.raw_id {
        return Err(E::CredentialIdMismatch);
    }
    // Step 16: the key's algorithm must be one we offered.
    let key = COSEKey::try_from(&attested.credential_pk).map_err(|_| E::PublicKeyUnreadable)?;
    if !expected.algorithms.contains(&(key.type_ as i64)) {
        return Err(E::AlgorithmNotOffered);
    }
    let extensions = registered_extensions(
        expected.asked,
        auth_data.extensions.cred_protect.map(|p| p.0),
        auth_data.extensions.hmac_secret,
        credential.extensions.cred_props.clone(),
    );

    let credential = Credential {
        cred_id: attested.credential_id,
        cred: key,
        counter: auth_data.counter,
        transports: credential.response.transports.clone(),
        user_verified: auth_data.user_verified,
        backup_eligible: auth_data.backup_eligible,
        backup_state: auth_data.backup_state,
        registration_policy: UserVerificationPolicy::Required,
        extensions,
        attestation: ParsedAttestation::default(),
        attestation_format: AttestationFormat::None,
    };
    Ok(Registered { passkey: Passkey::from(credential), aaguid: attested.aaguid })
}

/// Records each extension as requested-and-answered (`Set` when the authenticator signed it,
/// `Unsigned` when only the client reported it), requested-but-ignored, or unsolicited.
fn registered_extensions(
    asked: AskedExtensions,
    cred_protect: Option<CredentialProtectionPolicy>,
    hmac_secret: Option<bool>,
    cred_props: Option<CredProps>,
) -> RegisteredExtensions {
    let mut ext = RegisteredExtensions::none();
    ext.cred_protect = match (asked.cred_protect, cred_protect) {
        (true, Some(p)) => ExtnState::Set(p),
        (true, None) => ExtnState::Ignored,
        (false, Some(p)) => ExtnState::Unsolicited(p),
        (false, None) => ExtnState::NotRequested,
    };
    ext.cred_props = match (asked.cred_props, cred_props) {
        (true, Some(p)) => ExtnState::Unsigned(p),
        (true, None) => ExtnState::Ignored,
        (false, _) => ExtnState::NotRequested,
    };
    if let Some(h) = hmac_secret {
        ext.hmac_create_secret = ExtnState::Unsolicited(h);
    }
    ext
}

fn split_attestation_object(bytes: &[u8]) -> Result<(String, Value, Vec<u8>), RegistrationError> {
    let unreadable = RegistrationError::AttestationUnreadable;
    let Value::Map(map) = serde_cbor_2::from_slice::<Value>(bytes).map_err(|_| unreadable.clone())? else {
        return Err(unreadable);
    };
    let field = |name: &str| map.get(&Value::Text(name.to_owned())).cloned();
    let Some(Value::Text(fmt)) = field("fmt") else {
        return Err(unreadable);
    };
    let Some(Value::Bytes(auth_data)) = field("authData") else {
        return Err(unreadable);
    };
    let att_stmt = field("attStmt").unwrap_or(Value::Map(Default::default()));
    Ok((fmt, att_stmt, auth_data))
}

fn is_empty_map(v: &Value) -> bool {
    matches!(v, Value::Map(m) if m.is_empty())
}

#[cfg(test)]
#[path = "registration_tests.rs"]
pub(crate) mod tests;
