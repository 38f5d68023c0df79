//! Authenticator apps (TOTP): enrolment, and proving presence with a code.
//!
//! Codes travel as strings: whether one is well-formed depends on the method's digit count, so
//! the backend turns it into a `TotpCode` once it knows the method.

use crate::domain::ids::MethodId;
use crate::domain::totp::TotpParams;
use crate::ids::{CeremonyId, CredentialName};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A one-time code as typed. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TypedCode(pub String);

impl fmt::Debug for TypedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TypedCode(<redacted>)")
    }
}

/// `POST /api/v1/me/totp/start`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolmentStart {
    pub name: CredentialName,
}

/// A new authenticator-app secret, shown once so the person can add it to their app. The method
/// only becomes usable after [`TotpEnrolmentFinish`] proves the app produces correct codes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolmentStarted {
    pub enrolment_id: CeremonyId,
    /// `otpauth://totp/…`, for a QR code.
    pub otpauth_uri: String,
    /// The same secret in base32, for typing in by hand.
    pub secret_base32: String,
    pub params: TotpParams,
    pub expires_at: UnixMillis,
}

impl fmt::Debug for TotpEnrolmentStarted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpEnrolmentStarted")
            .field("enrolment_id", &self.enrolment_id)
            .field("params", &self.params)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// `POST /api/v1/me/totp/finish`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolmentFinish {
    pub enrolment_id: CeremonyId,
    pub code: TypedCode,
}

/// A registered authenticator app or OATH token, without its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpMethodSummary {
    pub id: MethodId,
    pub name: CredentialName,
    pub params: TotpParams,
    pub created_at: UnixMillis,
    #[serde(default)]
    pub last_used_at: Option<UnixMillis>,
}

/// `POST /api/v1/me/mfa/totp`: a step-up with a code; answered with the session's new evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpVerify {
    pub code: TypedCode,
}

/// `POST /api/v1/me/methods/remove`: a passkey (by credential id) or an authenticator app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveMethod {
    pub id: MethodId,
}

/// `POST /api/v1/me/methods/rename`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenameMethod {
    pub id: MethodId,
    pub name: CredentialName,
}
