//! API tokens: how scripts (the `elevate` CLI, a provisioning job) administer Elevate without a
//! browser.
//!
//! A token belongs to the administrator who created it and acts as them, only while they are an
//! administrator, only within its scopes, only until it expires or is revoked. It carries no MFA:
//! so it reaches only the administrative routes [`scope_for`] names — never activation, approval,
//! a person's own methods, nor the account actions that need a person's judgement (unlock, reset,
//! MFA bypass) — and where an administrative step needs the administrator's fresh MFA (a direct
//! active assignment on a role that asks for it) the token is refused as a session without MFA
//! would be. A token can therefore never activate a role, let alone one that requires MFA.
//!
//! Wire form: `elv1_<user id>_<token id>_<secret>`, sent as `Authorization: Bearer …`. The user
//! id routes the check to its owner's object; the 256-bit secret is stored only as its SHA-256.

use crate::api::paths;
use crate::api::routes::HttpMethod;
use crate::domain::ids::TokenId;
use crate::ids::{CredentialName, UserId};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest a token lives.
pub const MAX_TOKEN_DAYS: u32 = 90;
/// How recent the creating administrator's MFA must be.
pub const TOKEN_CREATION_MFA_WINDOW_MINS: u64 = 10;
/// The most tokens one administrator holds at once (revoked and expired ones do not count).
pub const MAX_TOKENS_PER_USER: usize = 20;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Read users, roles, assignments, alerts and hardware tokens.
    Read,
    /// Create and update people (and issue their invitations).
    Users,
    /// Create roles and change their settings.
    Roles,
    /// Add and remove assignments.
    Assignments,
    /// Search and export the audit log, and verify its chain.
    Audit,
}

impl TokenScope {
    pub const ALL: &'static [Self] = &[Self::Read, Self::Users, Self::Roles, Self::Assignments, Self::Audit];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Users => "users",
            Self::Roles => "roles",
            Self::Assignments => "assignments",
            Self::Audit => "audit",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|x| x.as_str() == s)
    }
}

/// The scope a token needs for an endpoint; none where tokens are not accepted at all.
#[must_use]
pub fn scope_for(method: HttpMethod, path: &str) -> Option<TokenScope> {
    use HttpMethod::{Get, Post};
    match (method, path) {
        (Get, paths::USERS | paths::ROLES | paths::ASSIGNMENTS | paths::ALERTS | paths::ALERTS_RAISED) => {
            Some(TokenScope::Read)
        }
        (Get, paths::OATH_TOKENS | paths::REPORTS_MFA) => Some(TokenScope::Read),
        (Post, paths::USER_CREATE | paths::USER_INVITE | paths::USER_UPDATE) => Some(TokenScope::Users),
        (Post, paths::ROLE_CREATE | paths::ROLE_SETTINGS | paths::ROLE_UPDATE) => Some(TokenScope::Roles),
        (Post, paths::ASSIGNMENT_CREATE | paths::ASSIGNMENT_REMOVE) => Some(TokenScope::Assignments),
        (Get, paths::AUDIT | paths::AUDIT_VERIFY | paths::AUDIT_SEARCH | paths::AUDIT_EXPORT) => {
            Some(TokenScope::Audit)
        }
        _ => None,
    }
}

/// A token as its holder presents it. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiTokenSecret(pub String);

impl fmt::Debug for ApiTokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiTokenSecret(<redacted>)")
    }
}

const PREFIX: &str = "elv1";

impl ApiTokenSecret {
    #[must_use]
    pub fn new(owner: &UserId, id: &TokenId, secret_hex: &str) -> Self {
        Self(format!("{PREFIX}_{owner}_{id}_{secret_hex}"))
    }

    /// Owner, id and secret; `None` when malformed.
    #[must_use]
    pub fn parts(&self) -> Option<(UserId, TokenId, &str)> {
        let mut it = self.0.trim().split('_');
        let (prefix, owner, id, secret) = (it.next()?, it.next()?, it.next()?, it.next()?);
        let hex64 =
            secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        (prefix == PREFIX && it.next().is_none() && hex64)
            .then_some(())
            .and_then(|()| Some((UserId::parse(owner).ok()?, TokenId::parse(id).ok()?, secret)))
    }
}

/// `POST /api/v1/tokens/create`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateApiToken {
    pub name: CredentialName,
    pub scopes: Vec<TokenScope>,
    /// 1 to [`MAX_TOKEN_DAYS`].
    pub days: u32,
}

/// A token as lists show it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenSummary {
    pub id: TokenId,
    pub name: CredentialName,
    pub scopes: Vec<TokenScope>,
    pub created_at: UnixMillis,
    pub expires_at: UnixMillis,
    #[serde(default)]
    pub last_used_at: Option<UnixMillis>,
    #[serde(default)]
    pub revoked_at: Option<UnixMillis>,
}

/// The answer to creating a token: the token itself, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenCreated {
    pub token: ApiTokenSecret,
    pub summary: ApiTokenSummary,
}

/// `GET /api/v1/tokens`: the caller's tokens, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenList {
    pub tokens: Vec<ApiTokenSummary>,
}

/// `POST /api/v1/tokens/revoke`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokeApiToken {
    pub id: TokenId,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::routes::{Access, ROUTES};

    #[test]
    fn tokens_reach_administrative_routes_only() {
        for r in ROUTES {
            if scope_for(r.method, r.path).is_some() {
                assert_eq!(r.access, Access::Admin, "{} {} takes tokens", r.method.as_str(), r.path);
            }
        }
        for (m, p) in [
            (HttpMethod::Post, paths::ACTIVATIONS),
            (HttpMethod::Post, paths::APPROVAL_FINISH),
            (HttpMethod::Post, paths::USER_BYPASS),
            (HttpMethod::Post, paths::USER_RESET_METHODS),
            (HttpMethod::Post, paths::USER_UNLOCK),
            (HttpMethod::Post, paths::TOKEN_CREATE),
            (HttpMethod::Get, paths::ME),
        ] {
            assert_eq!(scope_for(m, p), None, "{p}");
        }
    }

    #[test]
    fn a_token_names_its_owner_and_id_and_is_never_printed() {
        let owner = UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let id = TokenId::parse("00112233445566778899aabbccddeeff").unwrap();
        let secret = "ab".repeat(32);
        let token = ApiTokenSecret::new(&owner, &id, &secret);
        assert_eq!(token.parts(), Some((owner.clone(), id.clone(), secret.as_str())));
        assert_eq!(format!("{token:?}"), "ApiTokenSecret(<redacted>)");
        for bad in [
            token.0.replacen("elv1", "elv2", 1),
            format!("{}0", token.0),
            token.0.replace(&secret, &"AB".repeat(32)),
            format!("{}_x", token.0),
            String::new(),
        ] {
            assert_eq!(ApiTokenSecret(bad.clone()).parts(), None, "{bad}");
        }
    }
}
