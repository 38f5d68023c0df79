//! First-run bootstrap, passkey enrolment, sign-in and the signed-in person.
//!
//! Each step of a WebAuthn ceremony has its own message type. The options and credentials are
//! `webauthn-rs-proto` types, which serialise to the WebAuthn JSON forms the browser speaks.

use crate::ids::{CeremonyId, CredentialName, DisplayName, UserId, Username};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::fmt;
pub use webauthn_rs_proto::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse,
};

/// The one-time secret that lets the first administrator enrol. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BootstrapSecret(pub String);

impl fmt::Debug for BootstrapSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BootstrapSecret(<redacted>)")
    }
}

/// `GET /api/v1/bootstrap`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootstrapStatus {
    /// True until the first administrator has enrolled a passkey.
    pub open: bool,
}

/// `POST /api/v1/bootstrap/passkey/start`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootstrapStart {
    pub secret: BootstrapSecret,
    pub username: Username,
    pub display_name: DisplayName,
}

/// A registration ceremony the browser must now complete with `navigator.credentials.create`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RegistrationStarted {
    pub user_id: UserId,
    pub ceremony_id: CeremonyId,
    pub options: CreationChallengeResponse,
}

/// `POST /api/v1/bootstrap/passkey/finish` and `POST /api/v1/me/passkeys/finish`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RegistrationFinish {
    pub user_id: UserId,
    pub ceremony_id: CeremonyId,
    pub name: CredentialName,
    pub credential: RegisterPublicKeyCredential,
}

/// `POST /api/v1/me/passkeys/start`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddPasskeyStart {}

/// `POST /api/v1/sign-in/passkey/start`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInStart {
    pub username: Username,
}

/// An authentication ceremony the browser must now complete with `navigator.credentials.get`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuthenticationStarted {
    pub user_id: UserId,
    pub ceremony_id: CeremonyId,
    pub options: RequestChallengeResponse,
}

/// `POST /api/v1/sign-in/passkey/finish`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignInFinish {
    pub user_id: UserId,
    pub ceremony_id: CeremonyId,
    pub credential: PublicKeyCredential,
}

/// How a person proved presence most recently in a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MfaMethodKind {
    /// A WebAuthn passkey or security key, with user verification.
    Passkey,
    /// A code from an authenticator app or OATH hardware token.
    Totp,
    /// An administrator's one-time bypass stood in for the second factor. It proves nothing
    /// about presence, so it never counts as MFA for a role.
    Bypass,
}

/// The last MFA a session holds, which later issues count towards a freshness window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaEvidence {
    pub method: MfaMethodKind,
    pub at: UnixMillis,
    pub phishing_resistant: bool,
}

/// One registered passkey or security key, without its key material.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeySummary {
    /// The credential id, base64url without padding.
    pub credential_id: String,
    pub name: CredentialName,
    pub created_at: UnixMillis,
    #[serde(default)]
    pub last_used_at: Option<UnixMillis>,
    pub backup_eligible: bool,
    pub backed_up: bool,
    /// The authenticator model (AAGUID); all zeroes when the authenticator keeps it private.
    #[serde(default)]
    pub aaguid: Option<String>,
    #[serde(default)]
    pub kind: AuthenticatorKind,
}

/// What kind of authenticator holds a credential, as its transports tell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticatorKind {
    /// Built into the device (Touch ID, Windows Hello, Android): a platform passkey.
    Platform,
    /// A roaming key over USB, NFC or Bluetooth.
    SecurityKey,
    /// A phone used across devices (hybrid).
    Phone,
    #[default]
    Unknown,
}

impl AuthenticatorKind {
    /// From WebAuthn transport names (`internal`, `usb`, `nfc`, `ble`, `hybrid`).
    pub fn from_transports(transports: impl IntoIterator<Item = String>) -> Self {
        let names: Vec<String> = transports.into_iter().collect();
        let has = |t: &str| names.iter().any(|n| n == t);
        if has("internal") {
            Self::Platform
        } else if has("usb") || has("nfc") || has("ble") {
            Self::SecurityKey
        } else if has("hybrid") {
            Self::Phone
        } else {
            Self::Unknown
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Platform => "Passkey on a device",
            Self::SecurityKey => "Security key",
            Self::Phone => "Phone",
            Self::Unknown => "Passkey",
        }
    }
}

/// `GET /api/v1/me` and the answer to a successful sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: UserId,
    pub username: Username,
    pub display_name: DisplayName,
    pub is_admin: bool,
    pub passkeys: Vec<PasskeySummary>,
    /// Authenticator apps and OATH tokens.
    #[serde(default)]
    pub totp_methods: Vec<crate::api::mfa::TotpMethodSummary>,
    pub session: SessionInfo,
}

/// What the signed-in person may know of their own session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
    pub last_mfa: Option<MfaEvidence>,
}

/// One of the signed-in person's sessions, as "My sessions" lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// Names the session for revoking; it is not the secret token.
    pub id: String,
    pub created_at: UnixMillis,
    pub last_seen_at: UnixMillis,
    pub expires_at: UnixMillis,
    pub last_mfa: Option<MfaEvidence>,
    /// The browser that signed in, as it described itself.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The session this request came from.
    pub current: bool,
}

/// `GET /api/v1/me/sessions`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySessions {
    pub sessions: Vec<SessionSummary>,
}

/// `POST /api/v1/me/sessions/revoke`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeSession {
    pub id: String,
}

/// `POST /api/v1/sign-in/passkey/discover/start`: a sign-in where the passkey names the person.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DiscoverableStarted {
    pub ceremony_id: CeremonyId,
    pub options: RequestChallengeResponse,
}

/// `POST /api/v1/sign-in/passkey/discover/finish`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DiscoverableFinish {
    pub ceremony_id: CeremonyId,
    pub credential: PublicKeyCredential,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_of_authenticator_follows_its_transports() {
        let kind = |ts: &[&str]| AuthenticatorKind::from_transports(ts.iter().map(|t| (*t).to_owned()));
        assert_eq!(kind(&["internal", "hybrid"]), AuthenticatorKind::Platform);
        assert_eq!(kind(&["usb", "nfc"]), AuthenticatorKind::SecurityKey);
        assert_eq!(kind(&["hybrid"]), AuthenticatorKind::Phone);
        assert_eq!(kind(&[]), AuthenticatorKind::Unknown);
    }
}
