//! Passwords: setting one, and signing in with one followed by the second factor.
//!
//! A password alone is a single guessable factor, so the sign-in asks for a second factor whenever
//! the account has one. The rules a new password must meet follow NIST SP 800-63B §5.1.1: length
//! over composition, no hints, a short list of the most common choices refused.

use crate::api::auth::{Me, PublicKeyCredential, RequestChallengeResponse};
use crate::api::mfa::TypedCode;
use crate::ids::{CeremonyId, UserId, Username};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A password as typed. Redacted in `Debug`; never stored or logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(pub String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted, in bytes: long enough for any passphrase, short enough that
/// hashing it costs nothing extra.
pub const MAX_PASSWORD_BYTES: usize = 256;

/// Why a new password was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("use at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("use at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("it must not contain your username")]
    ContainsUsername,
    #[error("it is one of the most commonly used passwords")]
    Common,
    #[error("it repeats one character")]
    Repetitive,
}

/// Passwords that breach corpora show first; a long one is still refused if it is one of these.
const COMMON: &[&str] = &[
    "123456789012",
    "password1234",
    "passwordpassword",
    "qwertyuiop12",
    "qwertyuiopasdfgh",
    "1q2w3e4r5t6y",
    "iloveyou1234",
    "administrator",
    "letmein12345",
    "welcome12345",
    "changeme1234",
    "aaaaaaaaaaaa",
    "abcdefghijkl",
    "abc123abc123",
    "trustno1trustno1",
    "correcthorsebatterystaple",
];

impl Password {
    /// Whether this may become `username`'s new password.
    pub fn check_new(&self, username: &Username) -> Result<(), WeakPassword> {
        let text = self.0.as_str();
        if text.len() > MAX_PASSWORD_BYTES {
            return Err(WeakPassword::TooLong);
        }
        if text.chars().count() < MIN_PASSWORD_CHARS {
            return Err(WeakPassword::TooShort);
        }
        let lower = text.to_lowercase();
        if lower.contains(username.as_str()) {
            return Err(WeakPassword::ContainsUsername);
        }
        if COMMON.contains(&lower.as_str()) {
            return Err(WeakPassword::Common);
        }
        let mut chars = text.chars();
        if let Some(first) = chars.next()
            && chars.all(|c| c == first)
        {
            return Err(WeakPassword::Repetitive);
        }
        Ok(())
    }
}

/// `POST /api/v1/me/password`: set a first password, or change it (which needs an MFA in the
/// last [`PASSWORD_CHANGE_MFA_WINDOW_MINS`] minutes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetPassword {
    pub new: Password,
}

/// How recent an MFA must be to change an existing password.
pub const PASSWORD_CHANGE_MFA_WINDOW_MINS: u64 = 10;

/// `POST /api/v1/sign-in/password`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordSignIn {
    pub username: Username,
    pub password: Password,
}

/// What follows a right password.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum SignInStep {
    /// The account has no second factor: signed in (with no MFA in the session).
    SignedIn { me: Box<Me> },
    /// Prove presence with one of the offered second factors.
    SecondFactor(Box<SecondFactorChallenge>),
}

/// The second-factor step of a password sign-in. The ticket is single-use and short-lived.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SecondFactorChallenge {
    pub user_id: UserId,
    pub ticket: CeremonyId,
    /// An authenticator-app or OATH-token code is accepted.
    pub totp: bool,
    /// A passkey or security key is accepted: complete this with `navigator.credentials.get`.
    #[serde(default)]
    pub passkey: Option<RequestChallengeResponse>,
    /// An administrator granted a one-time bypass that may stand in for the second factor.
    pub bypass: bool,
    pub expires_at: UnixMillis,
}

/// `POST /api/v1/sign-in/second-factor/totp`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorTotp {
    pub user_id: UserId,
    pub ticket: CeremonyId,
    pub code: TypedCode,
}

/// `POST /api/v1/sign-in/second-factor/passkey`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SecondFactorPasskey {
    pub user_id: UserId,
    pub ticket: CeremonyId,
    pub credential: PublicKeyCredential,
}

/// `POST /api/v1/sign-in/second-factor/bypass`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorBypass {
    pub user_id: UserId,
    pub ticket: CeremonyId,
}

/// A password sign-in waiting for this person's second factor. If they did not start it, their
/// password is known to someone else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPrompt {
    pub ticket: CeremonyId,
    pub started_at: UnixMillis,
    pub expires_at: UnixMillis,
    /// The browser that typed the password, as it described itself.
    #[serde(default)]
    pub user_agent: Option<String>,
}

/// `GET /api/v1/me/prompts`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPrompts {
    pub prompts: Vec<PendingPrompt>,
}

/// `POST /api/v1/me/fraud-report`: "this wasn't me".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FraudReport {
    /// The prompt being reported, when the report came from one.
    #[serde(default)]
    pub ticket: Option<CeremonyId>,
}

/// What a fraud report did. The account stays locked until an administrator unlocks it; the
/// reporting session stays open so the person can see what happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FraudReported {
    pub prompts_cancelled: usize,
    pub sessions_ended: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pw: &str) -> Result<(), WeakPassword> {
        Password(pw.into()).check_new(&Username::parse("ada").unwrap())
    }

    #[test]
    fn length_matters_and_composition_does_not() {
        assert_eq!(check("short"), Err(WeakPassword::TooShort));
        assert_eq!(check("elevenchars"), Err(WeakPassword::TooShort));
        assert_eq!(check("all lowercase words ok"), Ok(()));
        assert_eq!(check(&"x".repeat(257)), Err(WeakPassword::TooLong));
        // Characters, not bytes, count towards the minimum.
        assert_eq!(check("ééééééééééé"), Err(WeakPassword::TooShort));
    }

    #[test]
    fn common_repetitive_and_username_passwords_are_refused() {
        assert_eq!(check("Password1234"), Err(WeakPassword::Common));
        assert_eq!(check("zzzzzzzzzzzzzz"), Err(WeakPassword::Repetitive));
        assert_eq!(check("my name is ADA lovelace"), Err(WeakPassword::ContainsUsername));
        assert!(!format!("{:?}", Password("hunter2hunter2".into())).contains("hunter"));
    }
}
