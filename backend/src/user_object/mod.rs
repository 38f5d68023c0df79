//! What one user's Durable Object does: the serialisation point for everything about that user
//! that must be single-use or strictly ordered — pending ceremonies, passkeys and their
//! signature counters, sessions.
//!
//! Written against the [`Store`] port, so the same code runs in the Durable Object (over its
//! transactional storage) and natively in tests (over [`crate::storage::MemoryStore`]).

mod account;
mod api_tokens;
mod bound;
#[cfg(test)]
mod fixture;
mod password;
mod totp;

pub(crate) use password::{PasswordAttempt, PasswordOutcome};

use crate::ceremony::{self, Pending, Purpose};
use crate::directory::Directory;
use crate::error::AppError;
use crate::keys::user_object as keys;
use crate::session::{self, SessionRecord, SessionToken};
use crate::storage::{Store, get_json, put_json};
use crate::webauthn::{Refused, RegistrationChallenge, RelyingParty};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{
    AuthenticatorKind, CreationChallengeResponse, MfaEvidence, MfaMethodKind, PasskeySummary,
    PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, SessionSummary,
};
use elevate_shared::domain::audit::{Actor, AuditAction, AuditDraft, Target};
use elevate_shared::domain::digest::Digest;
use elevate_shared::domain::ids::MethodId;
use elevate_shared::domain::mfa::{MfaEvidence as DomainEvidence, MfaMethodKind as DomainMethodKind};
use elevate_shared::ids::{CeremonyId, CredentialName, DisplayName, UserId, Username};
use elevate_shared::time::UnixMillis;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{AuthenticationResult, DiscoverableAuthentication, Passkey};
use webauthn_rs_core::proto::Credential;

/// Who a registration is for, as the browser will show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Identity {
    pub user_id: UserId,
    pub username: Username,
    pub display_name: DisplayName,
}

/// The kind of registration a finish step accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum RegistrationKind {
    Bootstrap,
    AddPasskey,
    Invitation,
}

impl RegistrationKind {
    fn matches(self, purpose: &Purpose) -> bool {
        matches!(
            (self, purpose),
            (Self::Bootstrap, Purpose::Bootstrap { .. })
                | (Self::AddPasskey, Purpose::AddPasskey)
                | (Self::Invitation, Purpose::Invitation)
        )
    }
}

/// A registered passkey with what the portal shows about it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct StoredPasskey {
    pub name: CredentialName,
    pub created_at: UnixMillis,
    pub last_used_at: Option<UnixMillis>,
    /// The authenticator model, from the attested credential data.
    #[serde(default)]
    pub aaguid: Option<String>,
    pub passkey: Passkey,
}

impl StoredPasskey {
    pub fn credential_id_b64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.passkey.cred_id())
    }

    pub fn summary(&self) -> PasskeySummary {
        let credential = Credential::from(self.passkey.clone());
        PasskeySummary {
            credential_id: self.credential_id_b64(),
            name: self.name.clone(),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            backup_eligible: credential.backup_eligible,
            backed_up: credential.backup_state,
            aaguid: self.aaguid.clone(),
            kind: AuthenticatorKind::from_transports(
                credential.transports.iter().flatten().map(|t| format!("{t:?}").to_lowercase()),
            ),
        }
    }
}

fn no_such_method() -> AppError {
    AppError::api(ErrorCode::NotFound, "You have no such method.")
}

/// A successful sign-in: the new session's secret and record.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SignedIn {
    pub token: SessionToken,
    pub session: SessionRecord,
}

/// One user's object, over its own storage, the directory and this deployment's relying party.
#[derive(Debug)]
pub(crate) struct UserObject<'a, S: Store, K: Store> {
    /// Whose object this is.
    pub user: &'a UserId,
    pub store: &'a S,
    pub directory: Directory<'a, K>,
    pub rp: &'a RelyingParty,
}

impl<S: Store, K: Store> UserObject<'_, S, K> {
    pub async fn passkeys(&self) -> Result<Vec<StoredPasskey>, AppError> {
        Ok(get_json(self.store, keys::PASSKEYS).await?.unwrap_or_default())
    }

    pub async fn start_registration(
        &self,
        identity: &Identity,
        purpose: Purpose,
        now: UnixMillis,
    ) -> Result<(CeremonyId, CreationChallengeResponse), AppError> {
        let exclude = self.passkeys().await?.iter().map(|p| p.passkey.cred_id().clone()).collect();
        let (options, RegistrationChallenge { challenge, algorithms, asked }) = self.rp.start_registration(
            &identity.user_id,
            &identity.username,
            &identity.display_name,
            exclude,
        )?;
        let id = crate::random::ceremony_id()?;
        ceremony::put(self.store, &id, purpose, Pending::Registration { challenge, algorithms, asked }, now)
            .await?;
        Ok((id, options))
    }

    /// Verifies the response to a registration ceremony of `kind` and stores the passkey.
    /// Returns the stored passkey's summary and what the ceremony was for.
    pub async fn finish_registration(
        &self,
        ceremony_id: &CeremonyId,
        kind: RegistrationKind,
        name: CredentialName,
        credential: &RegisterPublicKeyCredential,
        now: UnixMillis,
    ) -> Result<(PasskeySummary, Purpose), AppError> {
        let (registered, purpose) = self.verify_registration(ceremony_id, kind, credential, now).await?;
        Ok((self.store_passkey(registered, name, now).await?, purpose))
    }

    /// Checks a registration response against its ceremony, touching nothing but the ceremony.
    ///
    /// The ceremony is taken before anything else is looked at, so a replayed or failed
    /// response always finds it gone.
    pub(super) async fn verify_registration(
        &self,
        ceremony_id: &CeremonyId,
        kind: RegistrationKind,
        credential: &RegisterPublicKeyCredential,
        now: UnixMillis,
    ) -> Result<(crate::webauthn::registration::Registered, Purpose), AppError> {
        let taken = ceremony::take(self.store, ceremony_id, now).await?;
        let Pending::Registration { challenge, algorithms, asked } = taken.pending else {
            return Err(ceremony::not_found());
        };
        if !kind.matches(&taken.purpose) {
            return Err(ceremony::not_found());
        }
        let registered = self
            .rp
            .finish_registration(&RegistrationChallenge { challenge, algorithms, asked }, credential)?;
        Ok((registered, taken.purpose))
    }

    /// Stores a verified passkey. The directory's credential index keeps one authenticator from
    /// being registered to two people.
    pub(super) async fn store_passkey(
        &self,
        registered: crate::webauthn::registration::Registered,
        name: CredentialName,
        now: UnixMillis,
    ) -> Result<PasskeySummary, AppError> {
        let passkey = registered.passkey;
        let aaguid = uuid::Uuid::from_bytes(registered.aaguid).hyphenated().to_string();
        let mut passkeys = self.passkeys().await?;
        if passkeys.iter().any(|p| p.passkey.cred_id() == passkey.cred_id()) {
            return Err(AppError::api(
                ErrorCode::CredentialAlreadyRegistered,
                "This authenticator is already registered.",
            ));
        }
        let stored =
            StoredPasskey { name, created_at: now, last_used_at: None, aaguid: Some(aaguid), passkey };
        let summary = stored.summary();
        self.directory.ensure_credential_new(&summary.credential_id).await?;
        passkeys.push(stored);
        put_json(self.store, keys::PASSKEYS, &passkeys).await?;
        self.directory.record_credential(&summary.credential_id, self.user).await?;
        self.record(
            self.draft(AuditAction::MethodRegistered, now)
                .detail("method", "passkey")
                .detail("name", summary.name.as_str())
                .detail("credential_id", &summary.credential_id),
        )
        .await?;
        Ok(summary)
    }

    pub async fn start_authentication(
        &self,
        now: UnixMillis,
    ) -> Result<(CeremonyId, RequestChallengeResponse), AppError> {
        self.ensure_unlocked().await?;
        let passkeys: Vec<Passkey> = self.passkeys().await?.into_iter().map(|p| p.passkey).collect();
        if passkeys.is_empty() {
            return Err(AppError::api(ErrorCode::SignInFailed, "Sign-in failed."));
        }
        let (options, state) = self.rp.start_authentication(&passkeys)?;
        let id = crate::random::ceremony_id()?;
        ceremony::put(self.store, &id, Purpose::SignIn, Pending::Authentication { state }, now).await?;
        Ok((id, options))
    }

    /// Verifies a sign-in assertion, advances the credential's counter and opens a session.
    pub async fn finish_authentication(
        &self,
        ceremony_id: &CeremonyId,
        credential: &PublicKeyCredential,
        user_agent: Option<String>,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        let taken = ceremony::take(self.store, ceremony_id, now).await?;
        let (Purpose::SignIn, Pending::Authentication { state }) = (&taken.purpose, &taken.pending) else {
            return Err(ceremony::not_found());
        };
        let verified = self.rp.finish_authentication(credential, state);
        self.complete_sign_in(verified, credential, "passkey", user_agent, now).await
    }

    /// Finishes a sign-in where the passkey named this user; `state` was taken, single-use, from
    /// the ceremony's own object.
    pub async fn finish_discoverable(
        &self,
        state: DiscoverableAuthentication,
        credential: &PublicKeyCredential,
        user_agent: Option<String>,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        let passkeys = self.passkeys().await?;
        let Some(stored) =
            passkeys.iter().find(|p| p.passkey.cred_id().as_slice() == credential.raw_id.as_slice())
        else {
            let e = AppError::api(ErrorCode::WebauthnRejected, "This authenticator is not registered.");
            return Err(self.sign_in_failed(e, now).await);
        };
        let verified = self.rp.finish_discoverable(credential, state, &stored.passkey);
        self.complete_sign_in(verified, credential, "passkey", user_agent, now).await
    }

    /// After the assertion's verification: refuse a counter that went backwards, advance the
    /// credential, open a session, and record the outcome either way.
    pub(super) async fn complete_sign_in(
        &self,
        verified: Result<AuthenticationResult, Refused>,
        presented: &PublicKeyCredential,
        how: &str,
        user_agent: Option<String>,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        let evidence =
            self.accept_assertion(verified, presented, None, AuditAction::SignInFailed, now).await?;
        let mfa = MfaEvidence { method: MfaMethodKind::Passkey, at: now, phishing_resistant: true };
        self.open_session(Some(mfa), Some(evidence), how, user_agent, now).await
    }

    /// After an assertion's verification: refuse it while the account is locked, refuse and
    /// alert on a counter that went backwards, advance the credential, and describe the proof.
    /// A refusal is recorded as `failure` (a failed sign-in, or a failed MFA).
    pub(super) async fn accept_assertion(
        &self,
        verified: Result<AuthenticationResult, Refused>,
        presented: &PublicKeyCredential,
        bound_to: Option<Digest>,
        failure: AuditAction,
        now: UnixMillis,
    ) -> Result<DomainEvidence, AppError> {
        if let Err(locked) = self.ensure_unlocked().await {
            return Err(self.failed(failure, locked, now).await);
        }
        let result = match verified {
            Ok(r) => r,
            Err(Refused::CounterRegression) => {
                let passkeys = self.passkeys().await?;
                let stored =
                    passkeys.iter().find(|p| p.passkey.cred_id().as_slice() == presented.raw_id.as_slice());
                return Err(self.counter_regressed(stored, failure, now).await);
            }
            Err(Refused::Other(e)) => return Err(self.failed(failure, e, now).await),
        };
        let mut passkeys = self.passkeys().await?;
        let Some(stored) = passkeys.iter_mut().find(|p| p.passkey.cred_id() == result.cred_id()) else {
            let e = AppError::api(ErrorCode::WebauthnRejected, "This authenticator is not registered.");
            return Err(self.failed(failure, e, now).await);
        };
        // A counter that does not move forward suggests a cloned authenticator (counters of 0
        // mean the authenticator does not count, as synced passkeys do). webauthn-rs refuses
        // most of these itself; this catches the rest.
        let stored_counter = Credential::from(stored.passkey.clone()).counter;
        if result.counter() != 0 && result.counter() <= stored_counter {
            let stored = stored.clone();
            return Err(self.counter_regressed(Some(&stored), failure, now).await);
        }
        stored.passkey.update_credential(&result);
        stored.last_used_at = Some(now);
        let evidence = DomainEvidence {
            method: DomainMethodKind::Webauthn,
            credential: MethodId::parse(stored.credential_id_b64())?,
            at: now,
            user_verified: result.user_verified(),
            backup_eligible: result.backup_eligible(),
            credential_registered_at: stored.created_at,
            bound_to,
        };
        put_json(self.store, keys::PASSKEYS, &passkeys).await?;
        Ok(evidence)
    }

    /// Records a counter regression (which raises an alert) and the failed sign-in.
    async fn counter_regressed(
        &self,
        stored: Option<&StoredPasskey>,
        failure: AuditAction,
        now: UnixMillis,
    ) -> AppError {
        let mut draft = self.draft(AuditAction::CounterRegression, now).failed();
        if let Some(stored) = stored {
            draft = draft
                .detail("credential_id", stored.credential_id_b64())
                .detail("name", stored.name.as_str());
        }
        if let Err(e) = self.record(draft).await {
            return e;
        }
        self.failed(failure, Refused::CounterRegression.into(), now).await
    }

    /// Opens a session after a successful sign-in and records it.
    pub(super) async fn open_session(
        &self,
        mfa: Option<MfaEvidence>,
        evidence: Option<DomainEvidence>,
        how: &str,
        user_agent: Option<String>,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        self.ensure_enabled().await?;
        let token = SessionToken::generate()?;
        let mut session = SessionRecord::new(now, mfa);
        session.evidence = evidence;
        session.user_agent = user_agent.map(|ua| ua.chars().take(session::MAX_USER_AGENT).collect());
        put_json(self.store, &keys::session(&token.hash_hex()), &session).await?;
        self.record(self.draft(AuditAction::SignedIn, now).detail("method", how)).await?;
        Ok(SignedIn { token, session })
    }

    /// Returns the live session for `token` and records the activity; ends dead ones.
    pub async fn check_session(
        &self,
        token: &SessionToken,
        now: UnixMillis,
    ) -> Result<SessionRecord, AppError> {
        let key = keys::session(&token.hash_hex());
        let Some(mut record) = get_json::<SessionRecord>(self.store, &key).await? else {
            return Err(session::unauthenticated());
        };
        if !record.is_live(now) {
            self.store.delete(&key).await?;
            return Err(session::unauthenticated());
        }
        self.ensure_enabled().await?;
        record.last_seen_at = now;
        put_json(self.store, &key, &record).await?;
        Ok(record)
    }

    pub async fn end_session(&self, token: &SessionToken, now: UnixMillis) -> Result<(), AppError> {
        if self.store.delete(&keys::session(&token.hash_hex())).await? {
            self.record(self.draft(AuditAction::SignedOut, now)).await?;
        }
        Ok(())
    }

    /// Removes a passkey (by credential id) or an authenticator app. The last passkey stays:
    /// it is the only way to sign in.
    pub async fn remove_method(&self, id: &MethodId, now: UnixMillis) -> Result<(), AppError> {
        let mut passkeys = self.passkeys().await?;
        if let Some(at) = passkeys.iter().position(|p| p.credential_id_b64() == id.as_str()) {
            if passkeys.len() == 1 {
                return Err(AppError::api(
                    ErrorCode::LastSignInMethod,
                    "This is your only passkey, and you need one to sign in. Add another before removing it.",
                ));
            }
            let removed = passkeys.remove(at);
            put_json(self.store, keys::PASSKEYS, &passkeys).await?;
            self.record(
                self.draft(AuditAction::MethodRemoved, now)
                    .detail("method", "passkey")
                    .detail("name", removed.name.as_str())
                    .detail("credential_id", id.as_str()),
            )
            .await?;
            return self.directory.forget_credential(id.as_str()).await;
        }
        let mut methods = self.totp_methods().await?;
        let Some(at) = methods.iter().position(|m| &m.id == id) else {
            return Err(no_such_method());
        };
        let removed = methods.remove(at);
        put_json(self.store, keys::TOTP_METHODS, &methods).await?;
        self.record(
            self.draft(AuditAction::MethodRemoved, now)
                .detail("method", "totp")
                .detail("name", removed.name.as_str()),
        )
        .await
    }

    pub async fn rename_method(
        &self,
        id: &MethodId,
        name: CredentialName,
        now: UnixMillis,
    ) -> Result<(), AppError> {
        let mut passkeys = self.passkeys().await?;
        let mut methods = self.totp_methods().await?;
        let old = if let Some(p) = passkeys.iter_mut().find(|p| p.credential_id_b64() == id.as_str()) {
            let old = std::mem::replace(&mut p.name, name.clone());
            put_json(self.store, keys::PASSKEYS, &passkeys).await?;
            old
        } else if let Some(m) = methods.iter_mut().find(|m| &m.id == id) {
            let old = std::mem::replace(&mut m.name, name.clone());
            put_json(self.store, keys::TOTP_METHODS, &methods).await?;
            old
        } else {
            return Err(no_such_method());
        };
        self.record(
            self.draft(AuditAction::MethodRenamed, now)
                .detail("from", old.as_str())
                .detail("to", name.as_str()),
        )
        .await
    }

    /// The live sessions, newest first; dead ones are tidied away on the way.
    pub async fn sessions(
        &self,
        current: &SessionToken,
        now: UnixMillis,
    ) -> Result<Vec<SessionSummary>, AppError> {
        let current = keys::session(&current.hash_hex());
        let mut out = Vec::new();
        for key in self.store.list(keys::SESSION_PREFIX).await? {
            let Some(record) = get_json::<SessionRecord>(self.store, &key).await? else { continue };
            if !record.is_live(now) {
                self.store.delete(&key).await?;
                continue;
            }
            out.push(SessionSummary {
                id: key.trim_start_matches(keys::SESSION_PREFIX).to_owned(),
                created_at: record.created_at,
                last_seen_at: record.last_seen_at,
                expires_at: record.expires_at(),
                last_mfa: record.last_mfa.clone(),
                user_agent: record.user_agent.clone(),
                current: key == current,
            });
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Ok(out)
    }

    /// Ends one of this user's sessions by the id "My sessions" showed.
    pub async fn revoke_session(&self, id: &str, now: UnixMillis) -> Result<(), AppError> {
        let well_formed = id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
        if !well_formed || !self.store.delete(&keys::session(id)).await? {
            return Err(AppError::api(ErrorCode::NotFound, "There is no such session."));
        }
        self.record(self.draft(AuditAction::SignedOut, now).detail("revoked_session", &id[..12])).await
    }

    /// An event about this user, done by this user.
    fn draft(&self, action: AuditAction, now: UnixMillis) -> AuditDraft {
        self.draft_by(self.user, action, now)
    }

    /// An event about this user, done by `actor` (an administrator).
    fn draft_by(&self, actor: &UserId, action: AuditAction, now: UnixMillis) -> AuditDraft {
        AuditDraft::new(action, Actor::User(actor.clone()), Target::User(self.user.clone()), now)
    }

    async fn record(&self, draft: AuditDraft) -> Result<(), AppError> {
        crate::audit_log::record(self.store, draft).await
    }

    /// Records a failed sign-in and hands back its error (or the failure to record it).
    async fn sign_in_failed(&self, e: AppError, now: UnixMillis) -> AppError {
        self.failed(AuditAction::SignInFailed, e, now).await
    }

    /// Records a failure as `action` and hands back its error (or the failure to record it).
    async fn failed(&self, action: AuditAction, e: AppError, now: UnixMillis) -> AppError {
        let draft = self.draft(action, now).failed().detail("reason", e.to_wire().code);
        match self.record(draft).await {
            Ok(()) => e,
            Err(recording) => recording,
        }
    }
}
