//! Authenticator apps in the user's object: enrolment that only turns a method on after a
//! correct code, and single-use verification with the account's failure counter.
//!
//! Everything that must not happen twice — a code's step being accepted, a failure being
//! counted — is read and written here without awaiting anything but this object's own storage,
//! so the Durable Object's input gate makes each call atomic: of fifty concurrent submissions of
//! one code, exactly one succeeds.

use super::UserObject;
use crate::error::AppError;
use crate::keys::user_object as keys;
use crate::session::SessionToken;
use crate::storage::{Store, get_json, put_json};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{MfaEvidence, MfaMethodKind};
use elevate_shared::api::mfa::{TotpEnrolmentStarted, TotpMethodSummary, TypedCode};
use elevate_shared::domain::audit::AuditAction;
use elevate_shared::domain::ids::MethodId;
use elevate_shared::domain::lockout::{AttemptRefused, FailureCounter, FailureOutcome, LockoutPolicy};
use elevate_shared::domain::mfa::{MfaEvidence as DomainEvidence, MfaMethodKind as DomainMethodKind};
use elevate_shared::domain::totp::{self, OtpAuthUri, TotpCode, TotpParams, TotpRejection, TotpSecret};
use elevate_shared::ids::{CeremonyId, CredentialName, Username};
use elevate_shared::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};

/// How long a started enrolment waits for its first code.
pub(crate) const ENROLMENT_TTL: DurationMs = DurationMs::from_mins(5);
/// Wrong codes an enrolment tolerates before it is discarded.
pub(crate) const ENROLMENT_TRIES: u32 = 5;

/// An authenticator app as stored. The secret never leaves this object after enrolment.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredTotp {
    pub id: MethodId,
    pub name: CredentialName,
    secret_base32: String,
    pub params: TotpParams,
    pub created_at: UnixMillis,
    pub last_used_at: Option<UnixMillis>,
    /// The last accepted time step; only ever moves forward.
    last_step: Option<u64>,
}

impl std::fmt::Debug for StoredTotp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTotp").field("name", &self.name).finish_non_exhaustive()
    }
}

impl StoredTotp {
    pub fn summary(&self) -> TotpMethodSummary {
        TotpMethodSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            params: self.params,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
        }
    }

    fn secret(&self) -> Result<TotpSecret, AppError> {
        TotpSecret::from_base32(&self.secret_base32)
            .map_err(|e| AppError::internal(format!("stored TOTP secret unreadable: {e}")))
    }
}

/// An enrolment waiting for its first correct code.
#[derive(Serialize, Deserialize)]
struct PendingEnrolment {
    name: CredentialName,
    secret_base32: String,
    params: TotpParams,
    expires_at: UnixMillis,
    wrong_codes: u32,
}

impl<S: Store, K: Store> UserObject<'_, S, K> {
    pub async fn totp_methods(&self) -> Result<Vec<StoredTotp>, AppError> {
        Ok(get_json(self.store, keys::TOTP_METHODS).await?.unwrap_or_default())
    }

    /// Draws a new secret and keeps it pending until a code proves the app has it.
    pub async fn start_totp_enrolment(
        &self,
        username: &Username,
        name: CredentialName,
        now: UnixMillis,
    ) -> Result<TotpEnrolmentStarted, AppError> {
        let random = crate::random::bytes::<{ TotpSecret::RECOMMENDED_BYTES }>()?;
        let secret = TotpSecret::generated(random.to_vec()).map_err(|e| AppError::internal(e.to_string()))?;
        let params = TotpParams::default();
        let secret_base32 = secret.to_base32();
        let uri = OtpAuthUri::enrolment(username, secret, params).to_uri();
        let id = crate::random::ceremony_id()?;
        let expires_at = now.plus(ENROLMENT_TTL);
        let pending = PendingEnrolment {
            name,
            secret_base32: secret_base32.clone(),
            params,
            expires_at,
            wrong_codes: 0,
        };
        put_json(self.store, &keys::totp_enrolment(&id), &pending).await?;
        Ok(TotpEnrolmentStarted { enrolment_id: id, otpauth_uri: uri, secret_base32, params, expires_at })
    }

    /// Turns the method on if `code` is right; the accepted step is stored with it, so the code
    /// typed here can never be used again.
    pub async fn finish_totp_enrolment(
        &self,
        id: &CeremonyId,
        code: &TypedCode,
        now: UnixMillis,
    ) -> Result<TotpMethodSummary, AppError> {
        let key = keys::totp_enrolment(id);
        let Some(mut pending) = get_json::<PendingEnrolment>(self.store, &key).await? else {
            return Err(crate::ceremony::not_found());
        };
        if pending.expires_at <= now {
            self.store.delete(&key).await?;
            return Err(crate::ceremony::not_found());
        }
        let secret = TotpSecret::from_base32(&pending.secret_base32)
            .map_err(|e| AppError::internal(format!("pending TOTP secret unreadable: {e}")))?;
        let accepted = TotpCode::normalise(&code.0, pending.params.digits)
            .ok()
            .and_then(|c| totp::verify(&secret, pending.params, &c, now, None).ok());
        let Some(accepted) = accepted else {
            pending.wrong_codes += 1;
            if pending.wrong_codes >= ENROLMENT_TRIES {
                self.store.delete(&key).await?;
                return Err(AppError::api(
                    ErrorCode::CeremonyNotFound,
                    "Too many wrong codes: this setup was cancelled. Start again.",
                ));
            }
            put_json(self.store, &key, &pending).await?;
            return Err(wrong_code());
        };
        self.store.delete(&key).await?;
        let id = MethodId::parse(hex::encode(crate::random::bytes::<16>()?))
            .map_err(|e| AppError::internal(e.to_string()))?;
        let stored = StoredTotp {
            id,
            name: pending.name,
            secret_base32: pending.secret_base32,
            params: pending.params,
            created_at: now,
            last_used_at: Some(now),
            last_step: Some(accepted.step),
        };
        let summary = stored.summary();
        let mut methods = self.totp_methods().await?;
        methods.push(stored);
        put_json(self.store, keys::TOTP_METHODS, &methods).await?;
        self.record(
            self.draft(AuditAction::MethodRegistered, now)
                .detail("method", "totp")
                .detail("name", summary.name.as_str()),
        )
        .await?;
        Ok(summary)
    }

    /// Adds an OATH hardware token an administrator assigned: it works like an app at once (the
    /// person holds the token; its secret came from the vendor, not from this screen).
    pub async fn add_oath_token(
        &self,
        by: &elevate_shared::ids::UserId,
        serial: &elevate_shared::domain::oath::OathSerial,
        secret_base32: String,
        params: TotpParams,
        now: UnixMillis,
    ) -> Result<TotpMethodSummary, AppError> {
        let shown: String = serial.as_str().chars().take(48).collect();
        let name = CredentialName::parse(format!("OATH token {shown}"))
            .map_err(|e| AppError::internal(e.to_string()))?;
        let summary = self.install_totp(name, secret_base32, params, now).await?;
        self.record(
            self.draft_by(by, AuditAction::MfaMethodChanged, now)
                .detail("change", "oath_token_assigned")
                .detail("serial", serial.as_str()),
        )
        .await?;
        Ok(summary)
    }

    /// Adds a code method whose secret came from elsewhere (a token's vendor, the demo seed);
    /// it works at once, and its first code is whichever comes next.
    pub(super) async fn install_totp(
        &self,
        name: CredentialName,
        secret_base32: String,
        params: TotpParams,
        now: UnixMillis,
    ) -> Result<TotpMethodSummary, AppError> {
        let id = MethodId::parse(hex::encode(crate::random::bytes::<16>()?))
            .map_err(|e| AppError::internal(e.to_string()))?;
        let stored = StoredTotp {
            id,
            name,
            secret_base32,
            params,
            created_at: now,
            last_used_at: None,
            last_step: None,
        };
        stored.secret()?;
        let summary = stored.summary();
        let mut methods = self.totp_methods().await?;
        methods.push(stored);
        put_json(self.store, keys::TOTP_METHODS, &methods).await?;
        Ok(summary)
    }

    /// A step-up in a live session: checks the account's lockout, tries the code against every
    /// method, and on success records the new MFA evidence in the session.
    pub async fn verify_totp(
        &self,
        token: &SessionToken,
        code: &TypedCode,
        policy: LockoutPolicy,
        now: UnixMillis,
    ) -> Result<MfaEvidence, AppError> {
        let mut session = self.check_session(token, now).await?;
        session.evidence = Some(self.accept_code(code, policy, now).await?);
        let evidence = MfaEvidence { method: MfaMethodKind::Totp, at: now, phishing_resistant: false };
        session.last_mfa = Some(evidence.clone());
        put_json(self.store, &keys::session(&token.hash_hex()), &session).await?;
        Ok(evidence)
    }

    /// Accepts `code` once from any of the account's apps or tokens, within the account's
    /// lock-out: the step-up, the sign-in's second factor and a request's MFA all come through
    /// here. Successes and failures are audited; failures count towards the lock-out. Returns the
    /// proof, naming the method that matched.
    pub(super) async fn accept_code(
        &self,
        code: &TypedCode,
        policy: LockoutPolicy,
        now: UnixMillis,
    ) -> Result<DomainEvidence, AppError> {
        self.ensure_unlocked().await?;
        let counter: FailureCounter = get_json(self.store, keys::MFA_FAILURES).await?.unwrap_or_default();
        counter.check(policy, now).map_err(|r| refused(r, now))?;

        let mut methods = self.totp_methods().await?;
        if methods.is_empty() {
            return Err(AppError::api(
                ErrorCode::NoUsableMfaMethod,
                "You have no authenticator app registered.",
            ));
        }
        let mut replayed = false;
        for method in methods.iter_mut() {
            let Ok(parsed) = TotpCode::normalise(&code.0, method.params.digits) else { continue };
            match totp::verify(&method.secret()?, method.params, &parsed, now, method.last_step) {
                Ok(accepted) => {
                    method.last_step = Some(accepted.step);
                    method.last_used_at = Some(now);
                    let (id, registered_at) = (method.id.clone(), method.created_at);
                    put_json(self.store, keys::TOTP_METHODS, &methods).await?;
                    put_json(self.store, keys::MFA_FAILURES, &counter.record_success()).await?;
                    self.record(self.draft(AuditAction::MfaSucceeded, now).detail("method", "totp")).await?;
                    return Ok(DomainEvidence {
                        method: DomainMethodKind::Totp,
                        credential: id,
                        at: now,
                        user_verified: false,
                        backup_eligible: false,
                        credential_registered_at: registered_at,
                        bound_to: None,
                    });
                }
                Err(TotpRejection::Replayed) => replayed = true,
                Err(_) => {}
            }
        }
        let (counter, outcome) = counter.record_failure(policy, now);
        put_json(self.store, keys::MFA_FAILURES, &counter).await?;
        let reason = if replayed { "replayed" } else { "wrong_code" };
        self.record(
            self.draft(AuditAction::MfaFailed, now)
                .failed()
                .detail("method", "totp")
                .detail("reason", reason),
        )
        .await?;
        if let FailureOutcome::LockoutBegan { until } = outcome {
            self.record_lockout(counter.consecutive(), until, now).await?;
        }
        match outcome {
            FailureOutcome::LockoutBegan { until } | FailureOutcome::AlreadyLockedOut { until } => {
                Err(refused(AttemptRefused::LockedOut { until }, now))
            }
            FailureOutcome::RetryNow | FailureOutcome::Throttled { .. } if replayed => Err(AppError::api(
                ErrorCode::MfaCodeRejected,
                "That code was already used. Wait for the next one from your app.",
            )),
            FailureOutcome::RetryNow | FailureOutcome::Throttled { .. } => Err(wrong_code()),
        }
    }

    pub(super) async fn record_lockout(
        &self,
        failures: u32,
        until: UnixMillis,
        now: UnixMillis,
    ) -> Result<(), AppError> {
        self.record(
            self.draft(AuditAction::LockedOut, now).detail("failures", failures).detail("until", until.0),
        )
        .await
    }
}

fn wrong_code() -> AppError {
    AppError::api(ErrorCode::MfaCodeRejected, "That code is not right. Check your app and try again.")
}

pub(super) fn refused(r: AttemptRefused, now: UnixMillis) -> AppError {
    let wait_secs = |t: UnixMillis| t.since(now).0.div_ceil(1000).max(1);
    match r {
        AttemptRefused::Throttled { retry_at } => AppError::api(
            ErrorCode::MfaThrottled,
            format!("Too many wrong codes. Try again in {} s.", wait_secs(retry_at)),
        ),
        AttemptRefused::LockedOut { until } => AppError::api(
            ErrorCode::MfaLockedOut,
            format!(
                "Too many failed attempts: verification is locked for {} min. An administrator can unlock it sooner.",
                wait_secs(until).div_ceil(60)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionRecord;
    use crate::user_object::fixture::{self, Fixture, T0, code, code_of, policy, recorded};
    use elevate_shared::domain::audit::AuditAction;
    use futures::executor::block_on;

    #[test]
    fn the_enrolment_code_can_never_be_used_again_but_the_next_one_can() {
        let f = Fixture::new();
        let secret = f.enrol();
        let obj = f.object();
        let replay = block_on(obj.verify_totp(&f.token, &code(&secret, T0), policy(10), T0)).unwrap_err();
        assert_eq!(code_of(replay), ErrorCode::MfaCodeRejected);
        let later = T0.plus(DurationMs::from_secs(30));
        let evidence = block_on(obj.verify_totp(&f.token, &code(&secret, later), policy(10), later)).unwrap();
        assert_eq!(evidence.method, MfaMethodKind::Totp);
        assert!(!evidence.phishing_resistant);
        // The session now carries the evidence.
        let session: SessionRecord =
            block_on(get_json(&f.store, &keys::session(&f.token.hash_hex()))).unwrap().unwrap();
        assert_eq!(session.last_mfa, Some(evidence));
        // And the same code a second time is refused.
        let again =
            block_on(obj.verify_totp(&f.token, &code(&secret, later), policy(10), later)).unwrap_err();
        assert_eq!(code_of(again), ErrorCode::MfaCodeRejected);
    }

    #[test]
    fn repeated_failures_lock_the_account_even_against_a_right_code() {
        let f = Fixture::new();
        let secret = f.enrol();
        let obj = f.object();
        let at = T0.plus(DurationMs::from_secs(60));
        let wrong = fixture::wrong_code(&secret, at);
        for attempt in 1..=5 {
            let e = block_on(obj.verify_totp(&f.token, &wrong, policy(5), at)).unwrap_err();
            let expected = if attempt < 5 { ErrorCode::MfaCodeRejected } else { ErrorCode::MfaLockedOut };
            assert_eq!(code_of(e), expected, "attempt {attempt}");
        }
        let right = block_on(obj.verify_totp(&f.token, &code(&secret, at), policy(5), at)).unwrap_err();
        assert_eq!(code_of(right), ErrorCode::MfaLockedOut);
        assert_eq!(recorded(&f).iter().filter(|a| **a == AuditAction::LockedOut).count(), 1);
        // Once the lockout has passed, a right code works and resets the count.
        let after = at.plus(DurationMs::from_mins(16));
        assert!(block_on(obj.verify_totp(&f.token, &code(&secret, after), policy(5), after)).is_ok());
    }

    #[test]
    fn an_enrolment_expires_and_gives_up_after_five_wrong_codes() {
        let f = Fixture::new();
        let obj = f.object();
        let ada = Username::parse("ada").unwrap();
        let name = || CredentialName::parse("Phone").unwrap();
        let started = block_on(obj.start_totp_enrolment(&ada, name(), T0)).unwrap();
        let secret = TotpSecret::from_base32(&started.secret_base32).unwrap();
        let late = T0.plus(ENROLMENT_TTL);
        let e = block_on(obj.finish_totp_enrolment(&started.enrolment_id, &code(&secret, late), late))
            .unwrap_err();
        assert_eq!(code_of(e), ErrorCode::CeremonyNotFound);

        let started = block_on(obj.start_totp_enrolment(&ada, name(), T0)).unwrap();
        let secret = TotpSecret::from_base32(&started.secret_base32).unwrap();
        let wrong = fixture::wrong_code(&secret, T0);
        for _ in 1..ENROLMENT_TRIES {
            let e = block_on(obj.finish_totp_enrolment(&started.enrolment_id, &wrong, T0)).unwrap_err();
            assert_eq!(code_of(e), ErrorCode::MfaCodeRejected);
        }
        let e = block_on(obj.finish_totp_enrolment(&started.enrolment_id, &wrong, T0)).unwrap_err();
        assert_eq!(code_of(e), ErrorCode::CeremonyNotFound);
        // The right code no longer helps: the setup is gone.
        let e =
            block_on(obj.finish_totp_enrolment(&started.enrolment_id, &code(&secret, T0), T0)).unwrap_err();
        assert_eq!(code_of(e), ErrorCode::CeremonyNotFound);
        assert!(block_on(obj.totp_methods()).unwrap().is_empty());
    }
}
