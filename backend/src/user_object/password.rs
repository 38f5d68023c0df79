//! Password sign-in in the user's object: the attempt is counted before the password is checked,
//! then the second factor.
//!
//! The worker hashes (it has WebCrypto and no state); the object decides. `begin_password`
//! counts the attempt as a failure *before* the worker checks it, so parallel guesses cannot
//! outrun the growing delay or the lock-out; a right password then clears the count. A right
//! password on an account with a second factor yields a single-use ticket for that step, which
//! also shows the account's owner a "was this you?" prompt.

use super::account::StoredBypass;
use super::totp::refused;
use super::{SignedIn, UserObject};
use crate::ceremony::{self, Ceremony, Pending, Purpose};
use crate::error::AppError;
use crate::keys::user_object as keys;
use crate::password::PasswordHash;
use crate::session::SessionToken;
use crate::storage::{Store, get_json, put_json};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{MfaEvidence, MfaMethodKind, PublicKeyCredential, RequestChallengeResponse};
use elevate_shared::api::mfa::TypedCode;
use elevate_shared::api::password::{PASSWORD_CHANGE_MFA_WINDOW_MINS, PendingPrompt};
use elevate_shared::domain::audit::AuditAction;
use elevate_shared::domain::lockout::{FailureCounter, FailureOutcome, LockoutPolicy};
use elevate_shared::ids::CeremonyId;
use elevate_shared::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::Passkey;

/// Wrong codes one second-factor ticket tolerates before the password must be typed again.
pub(crate) const SECOND_FACTOR_TRIES: u32 = 3;

/// A counted attempt and the hash to check the password against (a decoy when the account has
/// no password, so the answer takes as long and says as little).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PasswordAttempt {
    pub attempt: CeremonyId,
    pub hash: PasswordHash,
}

/// What a right password leads to.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum PasswordOutcome {
    SignedIn(SignedIn),
    SecondFactor {
        ticket: CeremonyId,
        totp: bool,
        passkey: Option<Box<RequestChallengeResponse>>,
        bypass: bool,
        expires_at: UnixMillis,
    },
}

fn sign_in_failed() -> AppError {
    AppError::api(ErrorCode::SignInFailed, "Sign-in failed.")
}

impl<S: Store, K: Store> UserObject<'_, S, K> {
    pub async fn password_hash(&self) -> Result<Option<PasswordHash>, AppError> {
        get_json(self.store, keys::PASSWORD).await
    }

    /// Counts an attempt (refusing it while throttled or locked) and hands out what to check.
    pub async fn begin_password(
        &self,
        policy: LockoutPolicy,
        now: UnixMillis,
    ) -> Result<PasswordAttempt, AppError> {
        self.ensure_unlocked().await?;
        let counter: FailureCounter = get_json(self.store, keys::MFA_FAILURES).await?.unwrap_or_default();
        counter.check(policy, now).map_err(|r| refused(r, now))?;
        let (counter, outcome) = counter.record_failure(policy, now);
        put_json(self.store, keys::MFA_FAILURES, &counter).await?;
        let lockout_began = match outcome {
            FailureOutcome::LockoutBegan { until } => Some(until),
            _ => None,
        };
        let hash = self.password_hash().await?.unwrap_or_else(PasswordHash::decoy);
        let attempt = crate::random::ceremony_id()?;
        ceremony::put(
            self.store,
            &attempt,
            Purpose::PasswordCheck,
            Pending::PasswordAttempt { lockout_began },
            now,
        )
        .await?;
        Ok(PasswordAttempt { attempt, hash })
    }

    /// Takes the worker's verdict on an attempt. A right password forgives the counted failure
    /// and either signs in (no second factor registered) or opens the second-factor step.
    pub async fn finish_password(
        &self,
        attempt: &CeremonyId,
        verified: bool,
        rehashed: Option<PasswordHash>,
        user_agent: Option<String>,
        now: UnixMillis,
    ) -> Result<PasswordOutcome, AppError> {
        let taken = ceremony::take(self.store, attempt, now).await?;
        let (Purpose::PasswordCheck, Pending::PasswordAttempt { lockout_began }) =
            (&taken.purpose, &taken.pending)
        else {
            return Err(ceremony::not_found());
        };
        let has_password = self.store.get(keys::PASSWORD).await?.is_some();
        if !verified || !has_password {
            let counter: FailureCounter = get_json(self.store, keys::MFA_FAILURES).await?.unwrap_or_default();
            self.record(
                self.draft(AuditAction::SignInFailed, now).failed().detail("reason", "wrong_password"),
            )
            .await?;
            if let Some(until) = lockout_began {
                self.record_lockout(counter.consecutive(), *until, now).await?;
            }
            return Err(sign_in_failed());
        }
        put_json(self.store, keys::MFA_FAILURES, &FailureCounter::default()).await?;
        if let Some(hash) = rehashed {
            put_json(self.store, keys::PASSWORD, &hash).await?;
        }
        let passkeys: Vec<Passkey> = self.passkeys().await?.into_iter().map(|p| p.passkey).collect();
        let totp = !self.totp_methods().await?.is_empty();
        let bypass = self.bypass().await?.is_some_and(|b| b.usable(now));
        if passkeys.is_empty() && !totp {
            return Ok(PasswordOutcome::SignedIn(
                self.open_session(None, None, "password", user_agent, now).await?,
            ));
        }
        let (options, state) = if passkeys.is_empty() {
            (None, None)
        } else {
            let (options, state) = self.rp.start_authentication(&passkeys)?;
            (Some(Box::new(options)), Some(state))
        };
        let ticket = crate::random::ceremony_id()?;
        let pending = Pending::SecondFactor { passkey: state, started_at: now, wrong_codes: 0, user_agent };
        ceremony::put(self.store, &ticket, Purpose::SecondFactor, pending, now).await?;
        Ok(PasswordOutcome::SecondFactor {
            ticket,
            totp,
            passkey: options,
            bypass,
            expires_at: now.plus(ceremony::CEREMONY_TTL),
        })
    }

    async fn take_second_factor(&self, ticket: &CeremonyId, now: UnixMillis) -> Result<Ceremony, AppError> {
        let taken = ceremony::take(self.store, ticket, now).await?;
        if taken.purpose != Purpose::SecondFactor {
            return Err(ceremony::not_found());
        }
        Ok(taken)
    }

    fn ticket_user_agent(taken: &Ceremony) -> Option<String> {
        match &taken.pending {
            Pending::SecondFactor { user_agent, .. } => user_agent.clone(),
            _ => None,
        }
    }

    /// The second factor by code. A wrong code puts the ticket back for another try, up to
    /// [`SECOND_FACTOR_TRIES`]; every wrong code also counts towards the account's lock-out.
    pub async fn second_factor_totp(
        &self,
        ticket: &CeremonyId,
        code: &TypedCode,
        policy: LockoutPolicy,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        let mut taken = self.take_second_factor(ticket, now).await?;
        match self.accept_code(code, policy, now).await {
            Ok(evidence) => {
                let mfa = MfaEvidence { method: MfaMethodKind::Totp, at: now, phishing_resistant: false };
                let user_agent = Self::ticket_user_agent(&taken);
                self.open_session(Some(mfa), Some(evidence), "password+totp", user_agent, now).await
            }
            Err(e) => {
                if e.to_wire().code == ErrorCode::MfaCodeRejected
                    && let Pending::SecondFactor { wrong_codes, .. } = &mut taken.pending
                {
                    *wrong_codes += 1;
                    if *wrong_codes < SECOND_FACTOR_TRIES {
                        ceremony::put_back(self.store, ticket, &taken).await?;
                    }
                }
                Err(e)
            }
        }
    }

    /// The second factor by passkey: the assertion answers the ticket's own challenge.
    pub async fn second_factor_passkey(
        &self,
        ticket: &CeremonyId,
        credential: &PublicKeyCredential,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        let taken = self.take_second_factor(ticket, now).await?;
        let user_agent = Self::ticket_user_agent(&taken);
        let Pending::SecondFactor { passkey: Some(state), .. } = &taken.pending else {
            return Err(ceremony::not_found());
        };
        let verified = self.rp.finish_authentication(credential, state);
        self.complete_sign_in(verified, credential, "password+passkey", user_agent, now).await
    }

    /// The administrator's one-time bypass stands in for the second factor, once per use.
    pub async fn second_factor_bypass(
        &self,
        ticket: &CeremonyId,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        let taken = self.take_second_factor(ticket, now).await?;
        self.ensure_unlocked().await?;
        let Some(mut bypass) = self.bypass().await?.filter(|b: &StoredBypass| b.usable(now)) else {
            return Err(AppError::api(
                ErrorCode::MfaRequired,
                "No bypass is available. Use your second factor.",
            ));
        };
        bypass.uses_left -= 1;
        put_json(self.store, keys::BYPASS, &bypass).await?;
        self.record(
            self.draft(AuditAction::BypassUsed, now)
                .detail("uses_left", bypass.uses_left)
                .detail("granted_by", bypass.granted_by.as_str()),
        )
        .await?;
        let mfa = MfaEvidence { method: MfaMethodKind::Bypass, at: now, phishing_resistant: false };
        self.open_session(Some(mfa), None, "password+bypass", Self::ticket_user_agent(&taken), now).await
    }

    /// Second-factor steps waiting now: if the owner did not start one, someone has their password.
    pub async fn prompts(&self, now: UnixMillis) -> Result<Vec<PendingPrompt>, AppError> {
        let mut out: Vec<PendingPrompt> = ceremony::live(self.store, now)
            .await?
            .into_iter()
            .filter_map(|(id, c)| match c.pending {
                Pending::SecondFactor { started_at, user_agent, .. } => {
                    Some(PendingPrompt { ticket: id, started_at, expires_at: c.expires_at, user_agent })
                }
                _ => None,
            })
            .collect();
        out.sort_by_key(|p| std::cmp::Reverse(p.started_at));
        Ok(out)
    }

    /// Sets or changes the password. Changing one needs an MFA in the last few minutes, so a
    /// borrowed session cannot take the account over.
    pub async fn set_password(
        &self,
        token: &SessionToken,
        hash: PasswordHash,
        now: UnixMillis,
    ) -> Result<(), AppError> {
        let session = self.check_session(token, now).await?;
        let exists = self.store.get(keys::PASSWORD).await?.is_some();
        let window = DurationMs::from_mins(PASSWORD_CHANGE_MFA_WINDOW_MINS);
        let fresh = session
            .last_mfa
            .as_ref()
            .is_some_and(|m| m.method != MfaMethodKind::Bypass && now.since(m.at) <= window);
        if exists && !fresh {
            return Err(AppError::api(
                ErrorCode::MfaRequired,
                format!(
                    "Verify it's you first: changing a password needs an MFA in the last {PASSWORD_CHANGE_MFA_WINDOW_MINS} minutes."
                ),
            ));
        }
        put_json(self.store, keys::PASSWORD, &hash).await?;
        let change = if exists { "changed" } else { "set" };
        self.record(
            self.draft(AuditAction::MethodRegistered, now)
                .detail("method", "password")
                .detail("change", change),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password::RustKdf;
    use crate::user_object::fixture::*;
    use elevate_shared::api::password::Password;
    use futures::executor::block_on;

    fn with_password(f: &Fixture) -> Password {
        let pw = Password("a long enough passphrase".into());
        let hash = block_on(PasswordHash::new(&RustKdf, &pw)).unwrap();
        block_on(put_json(&f.store, keys::PASSWORD, &hash)).unwrap();
        pw
    }

    /// One whole password step as the worker runs it.
    fn sign_in(
        f: &Fixture,
        pw: &Password,
        lockout_after: u32,
        now: UnixMillis,
    ) -> Result<PasswordOutcome, AppError> {
        let obj = f.object();
        let attempt = block_on(obj.begin_password(policy(lockout_after), now))?;
        let verified = block_on(attempt.hash.verify(&RustKdf, pw)).unwrap();
        block_on(obj.finish_password(&attempt.attempt, verified, None, None, now))
    }

    #[test]
    fn parallel_guesses_are_counted_before_they_are_checked() {
        let f = Fixture::new();
        let pw = with_password(&f);
        let obj = f.object();
        // Five attempts begun at once (none finished yet): the sixth is already refused.
        for _ in 0..5 {
            block_on(obj.begin_password(policy(5), T0)).unwrap();
        }
        let refused = block_on(obj.begin_password(policy(5), T0)).unwrap_err();
        assert_eq!(code_of(refused), ErrorCode::MfaLockedOut);
        // Even the right password waits for the lock-out to pass; then it clears the count.
        assert_eq!(code_of(sign_in(&f, &pw, 5, T0).unwrap_err()), ErrorCode::MfaLockedOut);
        let later = T0.plus(DurationMs::from_mins(16));
        assert!(matches!(sign_in(&f, &pw, 5, later).unwrap(), PasswordOutcome::SignedIn(_)));
        let wrong = Password("not the passphrase".into());
        for _ in 0..4 {
            assert_eq!(code_of(sign_in(&f, &wrong, 5, later).unwrap_err()), ErrorCode::SignInFailed);
        }
        assert!(sign_in(&f, &pw, 5, later).is_ok(), "four failures after a success do not lock");
    }

    #[test]
    fn a_right_password_needs_the_second_factor_and_the_enrolment_code_is_not_one() {
        let f = Fixture::new();
        let pw = with_password(&f);
        let secret = f.enrol();
        let obj = f.object();
        let PasswordOutcome::SecondFactor { ticket, totp, passkey, bypass, .. } =
            sign_in(&f, &pw, 10, T0).unwrap()
        else {
            panic!("a second factor is registered")
        };
        assert!(totp && passkey.is_none() && !bypass);
        assert_eq!(block_on(obj.prompts(T0)).unwrap().len(), 1, "the owner sees the waiting sign-in");
        // The code the app showed at enrolment was used up there.
        let replay =
            block_on(obj.second_factor_totp(&ticket, &code(&secret, T0), policy(10), T0)).unwrap_err();
        assert_eq!(code_of(replay), ErrorCode::MfaCodeRejected);
        let next = T0.plus(DurationMs::from_secs(30));
        let signed_in =
            block_on(obj.second_factor_totp(&ticket, &code(&secret, next), policy(10), next)).unwrap();
        assert_eq!(signed_in.session.last_mfa.unwrap().method, MfaMethodKind::Totp);
        // The ticket worked once.
        let again =
            block_on(obj.second_factor_totp(&ticket, &code(&secret, next), policy(10), next)).unwrap_err();
        assert_eq!(code_of(again), ErrorCode::CeremonyNotFound);
        assert!(block_on(obj.prompts(next)).unwrap().is_empty());
    }

    #[test]
    fn a_ticket_allows_three_wrong_codes() {
        let f = Fixture::new();
        let pw = with_password(&f);
        let secret = f.enrol();
        let obj = f.object();
        let at = T0.plus(DurationMs::from_mins(1));
        let PasswordOutcome::SecondFactor { ticket, .. } = sign_in(&f, &pw, 10, at).unwrap() else {
            panic!()
        };
        for _ in 0..SECOND_FACTOR_TRIES {
            let e = block_on(obj.second_factor_totp(&ticket, &wrong_code(&secret, at), policy(10), at))
                .unwrap_err();
            assert_eq!(code_of(e), ErrorCode::MfaCodeRejected);
        }
        let gone = block_on(obj.second_factor_totp(&ticket, &code(&secret, at), policy(10), at)).unwrap_err();
        assert_eq!(code_of(gone), ErrorCode::CeremonyNotFound);
    }

    #[test]
    fn a_bypass_stands_in_for_the_second_factor_a_limited_number_of_times_and_never_as_fresh_mfa() {
        let f = Fixture::new();
        let pw = with_password(&f);
        f.enrol();
        let obj = f.object();
        let admin = elevate_shared::ids::UserId::parse("11111111-2222-4333-8444-555555555555").unwrap();
        block_on(obj.grant_bypass(&admin, 10, 1, T0)).unwrap();
        let PasswordOutcome::SecondFactor { ticket, bypass, .. } = sign_in(&f, &pw, 10, T0).unwrap() else {
            panic!()
        };
        assert!(bypass);
        let s = block_on(obj.second_factor_bypass(&ticket, T0)).unwrap();
        assert_eq!(s.session.last_mfa.as_ref().unwrap().method, MfaMethodKind::Bypass);
        // Changing the password needs a real MFA, and a bypass is not one.
        let hash =
            block_on(PasswordHash::new(&RustKdf, &Password("another long passphrase".into()))).unwrap();
        let e = block_on(obj.set_password(&s.token, hash, T0)).unwrap_err();
        assert_eq!(code_of(e), ErrorCode::MfaRequired);
        // The one use is spent.
        let PasswordOutcome::SecondFactor { ticket, bypass, .. } = sign_in(&f, &pw, 10, T0).unwrap() else {
            panic!()
        };
        assert!(!bypass);
        assert_eq!(
            code_of(block_on(obj.second_factor_bypass(&ticket, T0)).unwrap_err()),
            ErrorCode::MfaRequired
        );
        let actions = recorded(&f);
        assert!(actions.contains(&AuditAction::BypassGranted) && actions.contains(&AuditAction::BypassUsed));
    }

    #[test]
    fn a_fraud_report_ends_prompts_and_other_sessions_and_locks_until_an_administrator_unlocks() {
        let f = Fixture::new();
        let pw = with_password(&f);
        f.enrol();
        let obj = f.object();
        let PasswordOutcome::SecondFactor { ticket, .. } = sign_in(&f, &pw, 10, T0).unwrap() else {
            panic!()
        };
        let other = block_on(obj.open_session(None, None, "test", None, T0)).unwrap();
        let reported = block_on(obj.report_fraud(&f.token, Some(&ticket), T0)).unwrap();
        assert_eq!((reported.prompts_cancelled, reported.sessions_ended), (1, 1));
        assert!(block_on(obj.check_session(&f.token, T0)).is_ok(), "the reporter's session stays");
        assert!(block_on(obj.check_session(&other.token, T0)).is_err());
        assert_eq!(code_of(sign_in(&f, &pw, 10, T0).unwrap_err()), ErrorCode::AccountLocked);
        let admin = elevate_shared::ids::UserId::parse("11111111-2222-4333-8444-555555555555").unwrap();
        block_on(obj.unlock(&admin, T0)).unwrap();
        assert!(sign_in(&f, &pw, 10, T0).is_ok());
        assert!(recorded(&f).contains(&AuditAction::FraudReported));
    }

    #[test]
    fn an_invitation_works_once_and_a_reset_replaces_everything() {
        let f = Fixture::new();
        let obj = f.object();
        let admin = elevate_shared::ids::UserId::parse("11111111-2222-4333-8444-555555555555").unwrap();
        let invitation = block_on(obj.issue_invitation(&admin, T0)).unwrap();
        let (_, secret) = invitation.code.parts().unwrap();
        let pw = Password("a long enough passphrase".into());
        let hash = block_on(PasswordHash::new(&RustKdf, &pw)).unwrap();
        assert_eq!(
            code_of(block_on(obj.check_invitation("0".repeat(32).as_str(), T0)).unwrap_err()),
            ErrorCode::InvitationInvalid
        );
        block_on(obj.redeem_invitation_with_password(secret, hash.clone(), None, T0)).unwrap();
        let again = block_on(obj.redeem_invitation_with_password(secret, hash, None, T0)).unwrap_err();
        assert_eq!(code_of(again), ErrorCode::InvitationInvalid);
        assert!(matches!(sign_in(&f, &pw, 10, T0).unwrap(), PasswordOutcome::SignedIn(_)));

        let fresh = block_on(obj.reset_methods(&admin, T0)).unwrap();
        let status = block_on(obj.status(T0)).unwrap();
        assert!(!status.has_password && status.passkeys == 0 && status.totp_methods == 0);
        assert_eq!(status.invitation_expires_at, Some(fresh.expires_at));
        assert!(block_on(obj.check_session(&f.token, T0)).is_err(), "a reset ends every session");
        assert_eq!(code_of(sign_in(&f, &pw, 10, T0).unwrap_err()), ErrorCode::SignInFailed);
        // An invitation expires.
        let (_, secret) = fresh.code.parts().unwrap();
        let late = fresh.expires_at;
        assert_eq!(
            code_of(block_on(obj.check_invitation(secret, late)).unwrap_err()),
            ErrorCode::InvitationInvalid
        );
        assert!(recorded(&f).contains(&AuditAction::MfaMethodChanged));
    }
}
