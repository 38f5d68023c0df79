//! Server-side sessions: an opaque random token in a cookie, its hash and its record in the
//! user's Durable Object.
//!
//! The cookie value is `<user id>.<token>`: the user id only routes the lookup to the right
//! object; the 256-bit token is the secret, stored server-side only as its SHA-256.

use crate::error::AppError;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{MfaEvidence, SessionInfo};
use elevate_shared::ids::UserId;
use elevate_shared::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

pub(crate) const COOKIE_NAME: &str = "elevate_session";
/// A session ends this long after sign-in, however active.
pub(crate) const ABSOLUTE_LIFETIME: DurationMs = DurationMs::from_hours(12);
/// A session ends after this long without a request.
pub(crate) const IDLE_TIMEOUT: DurationMs = DurationMs::from_mins(60);

/// The secret half of a session cookie. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SessionToken(String);

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

impl SessionToken {
    pub fn generate() -> Result<Self, AppError> {
        Ok(Self(hex::encode(crate::random::bytes::<32>()?)))
    }

    /// The key the session is stored under.
    pub fn hash_hex(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    pub fn cookie_value(&self, user: &UserId) -> String {
        format!("{user}.{}", self.0)
    }

    /// Splits a cookie value into the user it routes to and the token; `None` when malformed.
    pub fn parse_cookie_value(value: &str) -> Option<(UserId, Self)> {
        let (user, token) = value.split_once('.')?;
        let user = UserId::parse(user).ok()?;
        let ok = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| (user, Self(token.to_owned())))
    }
}

/// A session as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SessionRecord {
    pub created_at: UnixMillis,
    pub last_seen_at: UnixMillis,
    pub last_mfa: Option<MfaEvidence>,
    /// How the browser that signed in described itself (shortened), for "My sessions".
    #[serde(default)]
    pub user_agent: Option<String>,
    /// The last MFA as the domain weighs it (which credential, user verification, its age), for
    /// activation's freshness rules. None after a bypass: that proves nothing.
    #[serde(default)]
    pub evidence: Option<elevate_shared::domain::MfaEvidence>,
}

/// The longest user-agent text kept with a session.
pub(crate) const MAX_USER_AGENT: usize = 200;

impl SessionRecord {
    pub fn new(now: UnixMillis, mfa: Option<MfaEvidence>) -> Self {
        Self { created_at: now, last_seen_at: now, last_mfa: mfa, user_agent: None, evidence: None }
    }

    pub fn expires_at(&self) -> UnixMillis {
        self.created_at.plus(ABSOLUTE_LIFETIME).min(self.last_seen_at.plus(IDLE_TIMEOUT))
    }

    pub fn is_live(&self, now: UnixMillis) -> bool {
        now < self.expires_at()
    }

    pub fn info(&self) -> SessionInfo {
        SessionInfo {
            created_at: self.created_at,
            expires_at: self.expires_at(),
            last_mfa: self.last_mfa.clone(),
        }
    }
}

pub(crate) fn unauthenticated() -> AppError {
    AppError::api(ErrorCode::Unauthenticated, "Sign in to continue.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_when_idle_or_old() {
        let start = UnixMillis(1_000_000);
        let mut s = SessionRecord::new(start, None);
        assert!(s.is_live(start.plus(DurationMs::from_mins(59))));
        assert!(!s.is_live(start.plus(IDLE_TIMEOUT)));
        // Touching it keeps it alive, but never past the absolute lifetime.
        s.last_seen_at = start.plus(DurationMs::from_hours(11));
        assert!(s.is_live(start.plus(DurationMs::from_mins(11 * 60 + 30))));
        assert!(!s.is_live(start.plus(ABSOLUTE_LIFETIME)));
    }

    #[test]
    fn cookie_values_round_trip_and_malformed_ones_are_refused() {
        let user = UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let token = SessionToken::generate().unwrap();
        let (u, t) = SessionToken::parse_cookie_value(&token.cookie_value(&user)).unwrap();
        assert_eq!((u, t), (user, token.clone()));
        assert!(SessionToken::parse_cookie_value("nope").is_none());
        assert!(SessionToken::parse_cookie_value("0f8fad5b-d9cb-469f-a165-70867728950e.short").is_none());
        assert!(!format!("{token:?}").contains(&token.0));
    }
}
