//! The account as a whole: enrolment invitations, the fraud lock, and what administrators do to
//! an account (status, unlock, reset methods, one-time bypass).

use super::{SignedIn, UserObject};
use crate::ceremony::{self, Purpose};
use crate::error::AppError;
use crate::keys::user_object as keys;
use crate::password::PasswordHash;
use crate::session::{SessionRecord, SessionToken};
use crate::storage::{Store, get_json, put_json};
use crate::webauthn::registration::Registered;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{
    CreationChallengeResponse, MfaEvidence, MfaMethodKind, RegisterPublicKeyCredential,
};
use elevate_shared::api::password::FraudReported;
use elevate_shared::api::users::{
    AccountStatus, BypassSummary, INVITATION_HOURS, Invitation, InvitationCode,
};
use elevate_shared::domain::audit::AuditAction;
use elevate_shared::domain::lockout::FailureCounter;
use elevate_shared::ids::{CeremonyId, CredentialName, UserId};
use elevate_shared::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Why an account is locked until an administrator unlocks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AccountLock {
    pub at: UnixMillis,
    pub reason: String,
}

/// An unused invitation: only the hash of its secret is kept.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct StoredInvitation {
    secret_sha256: String,
    expires_at: UnixMillis,
}

/// An administrator's one-time bypass of the second factor.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct StoredBypass {
    pub expires_at: UnixMillis,
    pub uses_left: u32,
    pub granted_by: UserId,
}

impl StoredBypass {
    pub fn usable(&self, now: UnixMillis) -> bool {
        self.uses_left > 0 && now < self.expires_at
    }
}

/// Who disabled the account, and when.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Disabled {
    pub by: UserId,
    pub at: UnixMillis,
}

fn invitation_invalid() -> AppError {
    AppError::api(
        ErrorCode::InvitationInvalid,
        "This invitation is not valid: it is wrong, already used or expired. Ask an administrator for a new one.",
    )
}

impl<S: Store, K: Store> UserObject<'_, S, K> {
    /// Refuses everything that signs in or proves presence while the account is disabled or a
    /// fraud report's lock holds, before any work is done (or a bypass use spent).
    pub(super) async fn ensure_unlocked(&self) -> Result<(), AppError> {
        self.ensure_enabled().await?;
        match get_json::<AccountLock>(self.store, keys::ACCOUNT_LOCK).await? {
            None => Ok(()),
            Some(_) => Err(AppError::api(
                ErrorCode::AccountLocked,
                "This account is locked after a report of suspicious sign-in activity. An administrator must unlock it.",
            )),
        }
    }

    /// Refuses every session, sign-in and token of a disabled account.
    pub(super) async fn ensure_enabled(&self) -> Result<(), AppError> {
        match get_json::<Disabled>(self.store, keys::ACCOUNT_DISABLED).await? {
            None => Ok(()),
            Some(_) => Err(AppError::api(
                ErrorCode::AccountDisabled,
                "This account is disabled. An administrator can enable it again.",
            )),
        }
    }

    /// Disables the account (every session ends and every API token is revoked, at once) or
    /// enables it again. Returns how many sessions ended.
    pub async fn set_disabled(
        &self,
        by: &UserId,
        disabled: bool,
        now: UnixMillis,
    ) -> Result<usize, AppError> {
        let was = get_json::<Disabled>(self.store, keys::ACCOUNT_DISABLED).await?.is_some();
        if was == disabled {
            return Ok(0);
        }
        let mut ended = 0;
        if disabled {
            put_json(self.store, keys::ACCOUNT_DISABLED, &Disabled { by: by.clone(), at: now }).await?;
            ended = self.end_sessions_except(None).await?;
            self.revoke_all_api_tokens(now).await?;
            self.store.delete(keys::INVITATION).await?;
            self.store.delete(keys::BYPASS).await?;
        } else {
            self.store.delete(keys::ACCOUNT_DISABLED).await?;
        }
        self.record(
            self.draft_by(by, AuditAction::UserUpdated, now)
                .detail("disabled", disabled)
                .detail("sessions_ended", ended),
        )
        .await?;
        Ok(ended)
    }

    pub(super) async fn bypass(&self) -> Result<Option<StoredBypass>, AppError> {
        get_json(self.store, keys::BYPASS).await
    }

    /// Issues a new invitation (voiding any earlier one) and returns its code, which is shown
    /// once and never stored.
    ///
    /// Only for an account with no way to sign in yet: for anyone else, an invitation would let
    /// whoever holds it add a passkey or replace the password, i.e. take the account over.
    pub async fn issue_invitation(&self, by: &UserId, now: UnixMillis) -> Result<Invitation, AppError> {
        let enrolled = !self.passkeys().await?.is_empty()
            || !self.totp_methods().await?.is_empty()
            || self.store.get(keys::PASSWORD).await?.is_some();
        if enrolled {
            return Err(AppError::api(
                ErrorCode::AlreadyEnrolled,
                "This person has already set up sign-in. To start them over, reset their sign-in methods.",
            ));
        }
        let secret = hex::encode(crate::random::bytes::<16>()?);
        let expires_at = now.plus(DurationMs::from_hours(INVITATION_HOURS));
        let stored =
            StoredInvitation { secret_sha256: hex::encode(Sha256::digest(secret.as_bytes())), expires_at };
        put_json(self.store, keys::INVITATION, &stored).await?;
        self.record(self.draft_by(by, AuditAction::InvitationIssued, now).detail("expires_at", expires_at.0))
            .await?;
        Ok(Invitation { code: InvitationCode::new(self.user, &secret), expires_at })
    }

    /// The invitation's expiry if `secret` is its live secret.
    pub async fn check_invitation(&self, secret: &str, now: UnixMillis) -> Result<UnixMillis, AppError> {
        self.ensure_enabled().await?;
        let Some(stored) = get_json::<StoredInvitation>(self.store, keys::INVITATION).await? else {
            return Err(invitation_invalid());
        };
        let presented = hex::encode(Sha256::digest(secret.as_bytes()));
        let matches = bool::from(presented.as_bytes().ct_eq(stored.secret_sha256.as_bytes()));
        if !matches || stored.expires_at <= now {
            return Err(invitation_invalid());
        }
        Ok(stored.expires_at)
    }

    /// Checks and uses up the invitation, with no await on anything but this object's storage
    /// in between, so of two concurrent redemptions exactly one gets through.
    async fn redeem_invitation(&self, secret: &str, now: UnixMillis) -> Result<(), AppError> {
        self.check_invitation(secret, now).await?;
        self.store.delete(keys::INVITATION).await?;
        self.record(self.draft(AuditAction::InvitationRedeemed, now)).await
    }

    pub async fn start_invited_registration(
        &self,
        identity: &super::Identity,
        secret: &str,
        now: UnixMillis,
    ) -> Result<(CeremonyId, CreationChallengeResponse), AppError> {
        self.check_invitation(secret, now).await?;
        self.start_registration(identity, Purpose::Invitation, now).await
    }

    /// Enrols the invited person's first passkey and signs them in. Creating the passkey with
    /// user verification is their first MFA.
    pub async fn finish_invited_registration(
        &self,
        secret: &str,
        ceremony_id: &CeremonyId,
        name: CredentialName,
        credential: &RegisterPublicKeyCredential,
        user_agent: Option<String>,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        let (registered, _): (Registered, _) = self
            .verify_registration(ceremony_id, super::RegistrationKind::Invitation, credential, now)
            .await?;
        self.redeem_invitation(secret, now).await?;
        let summary = self.store_passkey(registered, name, now).await?;
        let mfa = MfaEvidence { method: MfaMethodKind::Passkey, at: now, phishing_resistant: true };
        // Creating the passkey required user verification: that is the session's MFA.
        let evidence = elevate_shared::domain::MfaEvidence {
            method: elevate_shared::domain::MfaMethodKind::Webauthn,
            credential: elevate_shared::domain::MethodId::parse(summary.credential_id)?,
            at: now,
            user_verified: true,
            backup_eligible: summary.backup_eligible,
            credential_registered_at: now,
            bound_to: None,
        };
        self.open_session(Some(mfa), Some(evidence), "invitation+passkey", user_agent, now).await
    }

    /// Sets the invited person's password (hashed by the worker) and signs them in, without MFA.
    pub async fn redeem_invitation_with_password(
        &self,
        secret: &str,
        hash: PasswordHash,
        user_agent: Option<String>,
        now: UnixMillis,
    ) -> Result<SignedIn, AppError> {
        self.redeem_invitation(secret, now).await?;
        put_json(self.store, keys::PASSWORD, &hash).await?;
        self.record(self.draft(AuditAction::MethodRegistered, now).detail("method", "password")).await?;
        self.open_session(None, None, "invitation+password", user_agent, now).await
    }

    /// Sets up a demo account: its password and, if given, an authenticator app with a known
    /// secret. Only the demo seed calls this (localhost, `DEMO_TENANT=on`).
    pub async fn seed_demo(
        &self,
        hash: PasswordHash,
        totp_secret: Option<String>,
        now: UnixMillis,
    ) -> Result<(), AppError> {
        put_json(self.store, keys::PASSWORD, &hash).await?;
        let seeder = crate::demo::seeder();
        self.record(self.draft_by(&seeder, AuditAction::MfaMethodChanged, now).detail("change", "demo_seed"))
            .await?;
        if let Some(secret) = totp_secret {
            let name =
                CredentialName::parse("Demo authenticator").map_err(|e| AppError::internal(e.to_string()))?;
            self.install_totp(name, secret, elevate_shared::domain::totp::TotpParams::default(), now).await?;
        }
        Ok(())
    }

    /// What an administrator sees of this account's security.
    pub async fn status(&self, now: UnixMillis) -> Result<AccountStatus, AppError> {
        let counter: FailureCounter = get_json(self.store, keys::MFA_FAILURES).await?.unwrap_or_default();
        let lock = get_json::<AccountLock>(self.store, keys::ACCOUNT_LOCK).await?;
        let invitation = get_json::<StoredInvitation>(self.store, keys::INVITATION).await?;
        Ok(AccountStatus {
            passkeys: self.passkeys().await?.len(),
            totp_methods: self.totp_methods().await?.len(),
            has_password: self.store.get(keys::PASSWORD).await?.is_some(),
            consecutive_failures: counter.consecutive(),
            locked_until: counter.locked_until().filter(|until| *until > now),
            account_locked_at: lock.map(|l| l.at),
            bypass: self.bypass().await?.filter(|b| b.usable(now)).map(|b| BypassSummary {
                expires_at: b.expires_at,
                uses_left: b.uses_left,
                granted_by: b.granted_by,
            }),
            invitation_expires_at: invitation.map(|i| i.expires_at).filter(|e| *e > now),
            disabled: self.store.get(keys::ACCOUNT_DISABLED).await?.is_some(),
        })
    }

    /// Lifts both a failure lock-out and a fraud lock.
    pub async fn unlock(&self, by: &UserId, now: UnixMillis) -> Result<(), AppError> {
        let counter: FailureCounter = get_json(self.store, keys::MFA_FAILURES).await?.unwrap_or_default();
        put_json(self.store, keys::MFA_FAILURES, &counter.unlock()).await?;
        let had_lock = self.store.delete(keys::ACCOUNT_LOCK).await?;
        self.record(
            self.draft_by(by, AuditAction::Unlocked, now)
                .detail("failures", counter.consecutive())
                .detail("fraud_lock", had_lock),
        )
        .await
    }

    /// Removes every method, session and pending ceremony, and issues a new invitation: the
    /// person enrols afresh (a lost or compromised authenticator).
    pub async fn reset_methods(&self, by: &UserId, now: UnixMillis) -> Result<Invitation, AppError> {
        let passkeys = self.passkeys().await?;
        let totp = self.totp_methods().await?;
        let had_password = self.store.delete(keys::PASSWORD).await?;
        self.store.delete(keys::PASSKEYS).await?;
        self.store.delete(keys::TOTP_METHODS).await?;
        self.store.delete(keys::BYPASS).await?;
        ceremony::cancel_all(self.store).await?;
        let sessions = self.end_sessions_except(None).await?;
        self.record(
            self.draft_by(by, AuditAction::MfaMethodChanged, now)
                .detail("change", "reset")
                .detail("passkeys_removed", passkeys.len())
                .detail("totp_removed", totp.len())
                .detail("password_removed", had_password)
                .detail("sessions_ended", sessions),
        )
        .await?;
        for p in &passkeys {
            self.directory.forget_credential(&p.credential_id_b64()).await?;
        }
        self.issue_invitation(by, now).await
    }

    pub async fn grant_bypass(
        &self,
        by: &UserId,
        minutes: u32,
        uses: u32,
        now: UnixMillis,
    ) -> Result<BypassSummary, AppError> {
        let bypass = StoredBypass {
            expires_at: now.plus(DurationMs::from_mins(u64::from(minutes))),
            uses_left: uses,
            granted_by: by.clone(),
        };
        put_json(self.store, keys::BYPASS, &bypass).await?;
        self.record(
            self.draft_by(by, AuditAction::BypassGranted, now)
                .detail("minutes", minutes)
                .detail("uses", uses),
        )
        .await?;
        Ok(BypassSummary { expires_at: bypass.expires_at, uses_left: uses, granted_by: by.clone() })
    }

    /// "This wasn't me": every pending prompt and ceremony ends, every other session ends, and
    /// the account locks until an administrator unlocks it.
    pub async fn report_fraud(
        &self,
        current: &SessionToken,
        ticket: Option<&CeremonyId>,
        now: UnixMillis,
    ) -> Result<FraudReported, AppError> {
        self.check_session(current, now).await?;
        let prompts = ceremony::live(self.store, now)
            .await?
            .into_iter()
            .filter(|(_, c)| c.purpose == Purpose::SecondFactor)
            .count();
        ceremony::cancel_all(self.store).await?;
        let sessions_ended = self.end_sessions_except(Some(current)).await?;
        let lock = AccountLock { at: now, reason: "fraud_reported".into() };
        put_json(self.store, keys::ACCOUNT_LOCK, &lock).await?;
        let mut draft = self
            .draft(AuditAction::FraudReported, now)
            .detail("prompts_cancelled", prompts)
            .detail("sessions_ended", sessions_ended);
        if let Some(ticket) = ticket {
            draft = draft.detail("prompt", ticket.as_str());
        }
        self.record(draft).await?;
        Ok(FraudReported { prompts_cancelled: prompts, sessions_ended })
    }

    /// Ends every session but `keep`; returns how many ended.
    async fn end_sessions_except(&self, keep: Option<&SessionToken>) -> Result<usize, AppError> {
        let keep = keep.map(|t| keys::session(&t.hash_hex()));
        let mut ended = 0;
        for key in self.store.list(keys::SESSION_PREFIX).await? {
            if Some(&key) != keep.as_ref() && get_json::<SessionRecord>(self.store, &key).await?.is_some() {
                self.store.delete(&key).await?;
                ended += 1;
            }
        }
        Ok(ended)
    }
}
