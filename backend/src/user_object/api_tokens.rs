//! The owner's API tokens: created (the secret shown once and kept only as its SHA-256), listed,
//! revoked, and checked on every request that presents one. They live in the owner's object, so
//! a revocation holds for the very next request, and a check is one read.

use super::UserObject;
use crate::error::AppError;
use crate::session::SessionToken;
use crate::storage::{Store, get_json, put_json};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::MfaMethodKind;
use elevate_shared::api::tokens::{
    ApiTokenCreated, ApiTokenSecret, ApiTokenSummary, CreateApiToken, MAX_TOKEN_DAYS, MAX_TOKENS_PER_USER,
    TOKEN_CREATION_MFA_WINDOW_MINS, TokenScope,
};
use elevate_shared::domain::audit::{AuditAction, Target};
use elevate_shared::domain::ids::TokenId;
use elevate_shared::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const PREFIX: &str = "api_token/";

fn key(id: &TokenId) -> String {
    format!("{PREFIX}{id}")
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct StoredApiToken {
    pub summary: ApiTokenSummary,
    pub secret_sha256: String,
}

/// The one answer to every token that does not work, whatever the reason: nothing to learn.
fn refused() -> AppError {
    AppError::api(ErrorCode::Unauthenticated, "This API token is not valid. Create a new one in the portal.")
}

/// Last-used times are written at most this often, so a busy script does not write on every call.
const LAST_USED_GRANULARITY: DurationMs = DurationMs::from_mins(1);

impl<S: Store, K: Store> UserObject<'_, S, K> {
    /// Creates a token for the session's owner, who must have passed MFA in the last minutes.
    pub async fn create_api_token(
        &self,
        session: &SessionToken,
        body: CreateApiToken,
        now: UnixMillis,
    ) -> Result<ApiTokenCreated, AppError> {
        let record = self.check_session(session, now).await?;
        let window = DurationMs::from_mins(TOKEN_CREATION_MFA_WINDOW_MINS);
        let fresh = record.last_mfa.as_ref().is_some_and(|m| {
            m.method == MfaMethodKind::Passkey && m.phishing_resistant && now.since(m.at) <= window
        });
        if !fresh {
            // A phished session plus a relayed code must not mint a 90-day credential.
            return Err(AppError::api(
                ErrorCode::MfaRequired,
                format!(
                    "Verify it's you with a passkey first: creating an API token needs a passkey sign-in or tap in the last {TOKEN_CREATION_MFA_WINDOW_MINS} minutes."
                ),
            ));
        }
        let mut scopes = body.scopes;
        scopes.sort();
        scopes.dedup();
        if scopes.is_empty() {
            return Err(AppError::api(ErrorCode::BadRequest, "A token needs at least one scope."));
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&body.days) {
            return Err(AppError::api(
                ErrorCode::BadRequest,
                format!("A token lives from 1 to {MAX_TOKEN_DAYS} days."),
            ));
        }
        let live = self.api_tokens().await?.iter().filter(|t| usable(t, now)).count();
        if live >= MAX_TOKENS_PER_USER {
            return Err(AppError::api(
                ErrorCode::TooManyTokens,
                format!("You hold {MAX_TOKENS_PER_USER} tokens already: revoke one first."),
            ));
        }
        let id = TokenId::parse(hex::encode(crate::random::bytes::<16>()?))?;
        let secret = hex::encode(crate::random::bytes::<32>()?);
        let summary = ApiTokenSummary {
            id: id.clone(),
            name: body.name,
            scopes,
            created_at: now,
            expires_at: now.plus(DurationMs::from_hours(24 * u64::from(body.days))),
            last_used_at: None,
            revoked_at: None,
        };
        let stored = StoredApiToken {
            summary: summary.clone(),
            secret_sha256: hex::encode(Sha256::digest(secret.as_bytes())),
        };
        put_json(self.store, &key(&id), &stored).await?;
        let scopes: Vec<&str> = summary.scopes.iter().map(|s| s.as_str()).collect();
        self.record(
            self.draft(AuditAction::ApiTokenCreated, now)
                .with_target(Target::Token(id.clone()))
                .detail("name", &summary.name)
                .detail("scopes", scopes.join(","))
                .detail("expires_at", summary.expires_at.0),
        )
        .await?;
        Ok(ApiTokenCreated { token: ApiTokenSecret::new(self.user, &id, &secret), summary })
    }

    /// Every token the owner created, newest first.
    pub async fn api_tokens(&self) -> Result<Vec<ApiTokenSummary>, AppError> {
        let mut out = Vec::new();
        for k in self.store.list(PREFIX).await? {
            if let Some(t) = get_json::<StoredApiToken>(self.store, &k).await? {
                out.push(t.summary);
            }
        }
        out.sort_by_key(|t| std::cmp::Reverse(t.created_at));
        Ok(out)
    }

    /// Revokes a token at once. Revoking one already revoked changes nothing and is not an error.
    pub async fn revoke_api_token(&self, id: &TokenId, now: UnixMillis) -> Result<ApiTokenSummary, AppError> {
        let Some(mut stored) = get_json::<StoredApiToken>(self.store, &key(id)).await? else {
            return Err(AppError::api(ErrorCode::NotFound, "You have no such token."));
        };
        if stored.summary.revoked_at.is_none() {
            stored.summary.revoked_at = Some(now);
            put_json(self.store, &key(id), &stored).await?;
            self.record(
                self.draft(AuditAction::ApiTokenRevoked, now)
                    .with_target(Target::Token(id.clone()))
                    .detail("name", &stored.summary.name),
            )
            .await?;
        }
        Ok(stored.summary)
    }

    /// Revokes every token the owner holds (when they are disabled or lose the administrator
    /// role: a token must not come back to life with a later promotion).
    pub async fn revoke_all_api_tokens(&self, now: UnixMillis) -> Result<usize, AppError> {
        let mut revoked = 0;
        for token in self.api_tokens().await?.into_iter().filter(|t| t.revoked_at.is_none()) {
            self.revoke_api_token(&token.id, now).await?;
            revoked += 1;
        }
        Ok(revoked)
    }

    /// The scopes of a presented token, if it is this owner's, unrevoked, unexpired and its secret
    /// matches (compared in constant time).
    pub async fn check_api_token(
        &self,
        id: &TokenId,
        secret: &str,
        now: UnixMillis,
    ) -> Result<Vec<TokenScope>, AppError> {
        let Some(mut stored) = get_json::<StoredApiToken>(self.store, &key(id)).await? else {
            return Err(refused());
        };
        self.ensure_enabled().await.map_err(|_| refused())?;
        let presented = hex::encode(Sha256::digest(secret.as_bytes()));
        let matches = bool::from(presented.as_bytes().ct_eq(stored.secret_sha256.as_bytes()));
        if !matches || !usable(&stored.summary, now) {
            return Err(refused());
        }
        if stored.summary.last_used_at.is_none_or(|t| now.since(t) >= LAST_USED_GRANULARITY) {
            stored.summary.last_used_at = Some(now);
            put_json(self.store, &key(id), &stored).await?;
        }
        Ok(stored.summary.scopes)
    }
}

fn usable(t: &ApiTokenSummary, now: UnixMillis) -> bool {
    t.revoked_at.is_none() && now < t.expires_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::user_object as keys;
    use crate::session::SessionRecord;
    use crate::user_object::fixture::{Fixture, recorded};
    use elevate_shared::api::auth::MfaEvidence;
    use elevate_shared::ids::CredentialName;
    use futures::executor::block_on;

    const T0: UnixMillis = UnixMillis(1_800_000_000_000);

    /// A session that passed a passkey tap at `at`.
    fn session_with_mfa(f: &Fixture, at: UnixMillis) -> SessionToken {
        let token = SessionToken::generate().unwrap();
        let mfa = MfaEvidence { method: MfaMethodKind::Passkey, at, phishing_resistant: true };
        block_on(put_json(&f.store, &keys::session(&token.hash_hex()), &SessionRecord::new(at, Some(mfa))))
            .unwrap();
        token
    }

    fn body(scopes: &[TokenScope], days: u32) -> CreateApiToken {
        CreateApiToken { name: CredentialName::parse("provisioning").unwrap(), scopes: scopes.to_vec(), days }
    }

    #[test]
    fn a_token_works_until_revoked_or_expired_and_only_with_its_secret() {
        let f = Fixture::new();
        let obj = f.object();
        let session = session_with_mfa(&f, T0);
        let created =
            block_on(obj.create_api_token(&session, body(&[TokenScope::Users, TokenScope::Read], 1), T0))
                .unwrap();
        let (owner, id, secret) = created.token.parts().unwrap();
        assert_eq!(&owner, obj.user);
        assert_eq!(created.summary.scopes, [TokenScope::Read, TokenScope::Users], "sorted, once each");
        assert_eq!(block_on(obj.check_api_token(&id, secret, T0)).unwrap(), created.summary.scopes);
        let wrong = "0".repeat(64);
        assert!(block_on(obj.check_api_token(&id, &wrong, T0)).is_err());
        let day = DurationMs::from_hours(24);
        assert!(block_on(obj.check_api_token(&id, secret, T0.plus(day))).is_err(), "expired after a day");
        block_on(obj.revoke_api_token(&id, T0)).unwrap();
        assert!(block_on(obj.check_api_token(&id, secret, T0)).is_err(), "revoked");
        // Created and revoked are on record, naming the token.
        let actions = recorded(&f);
        assert!(
            actions.contains(&AuditAction::ApiTokenCreated)
                && actions.contains(&AuditAction::ApiTokenRevoked)
        );
    }

    #[test]
    fn disabling_ends_sessions_and_tokens_at_once_and_enabling_lets_sign_in_again() {
        let f = Fixture::new();
        let obj = f.object();
        let session = session_with_mfa(&f, T0);
        let created = block_on(obj.create_api_token(&session, body(&[TokenScope::Read], 1), T0)).unwrap();
        let (_, id, secret) = created.token.parts().unwrap();
        let admin = elevate_shared::ids::UserId::parse("7c9e6679-7425-40de-944b-e07fc1f90ae7").unwrap();

        let ended = block_on(obj.set_disabled(&admin, true, T0)).unwrap();
        assert_eq!(ended, 2, "the fixture's session and the one with MFA");
        assert!(block_on(obj.check_session(&session, T0)).is_err());
        assert!(block_on(obj.check_api_token(&id, secret, T0)).is_err());
        let refused = block_on(obj.open_session(None, None, "passkey", None, T0)).err().unwrap();
        assert_eq!(refused.to_wire().code, ErrorCode::AccountDisabled);
        assert!(block_on(obj.status(T0)).unwrap().disabled);
        assert_eq!(
            block_on(obj.set_disabled(&admin, true, T0)).unwrap(),
            0,
            "disabling twice changes nothing"
        );

        block_on(obj.set_disabled(&admin, false, T0)).unwrap();
        assert!(block_on(obj.open_session(None, None, "passkey", None, T0)).is_ok());
        assert!(block_on(obj.check_api_token(&id, secret, T0)).is_err(), "revoked tokens stay revoked");
        let updates = recorded(&f).iter().filter(|a| **a == AuditAction::UserUpdated).count();
        assert_eq!(updates, 2, "disabled and enabled, each on record");
    }

    #[test]
    fn creating_one_needs_a_recent_mfa_and_sane_bounds() {
        let f = Fixture::new();
        let obj = f.object();
        let session = session_with_mfa(&f, T0);
        let later = T0.plus(DurationMs::from_mins(TOKEN_CREATION_MFA_WINDOW_MINS + 1));
        let stale =
            block_on(obj.create_api_token(&session, body(&[TokenScope::Read], 1), later)).unwrap_err();
        assert_eq!(stale.to_wire().code, ErrorCode::MfaRequired);
        for (scopes, days) in
            [(&[][..], 1), (&[TokenScope::Read][..], 0), (&[TokenScope::Read][..], MAX_TOKEN_DAYS + 1)]
        {
            let refused = block_on(obj.create_api_token(&session, body(scopes, days), T0)).unwrap_err();
            assert_eq!(refused.to_wire().code, ErrorCode::BadRequest, "{scopes:?} for {days} days");
        }
        assert!(block_on(obj.api_tokens()).unwrap().is_empty(), "nothing was created");
    }
}
