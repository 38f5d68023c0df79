//! Request-bound MFA in the user's object: a tap whose challenge is a request's digest (or an
//! approval's, or an extension's), and a code for a request where the role accepts one.
//!
//! The object verifies and keeps the credential's counter; what the proof is worth for the
//! request (fresh enough, the right kind, signed the right digest) is the access object's and the
//! domain's to judge.

use super::UserObject;
use crate::ceremony::{self, Pending, Purpose};
use crate::error::AppError;
use crate::storage::Store;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{PublicKeyCredential, RequestChallengeResponse};
use elevate_shared::api::mfa::TypedCode;
use elevate_shared::domain::audit::AuditAction;
use elevate_shared::domain::ids::MethodId;
use elevate_shared::domain::lockout::LockoutPolicy;
use elevate_shared::domain::mfa::{MfaMethodKind, MfaMethodSummary};
use elevate_shared::domain::user::UserStatus;
use elevate_shared::domain::{Digest, MfaEvidence};
use elevate_shared::ids::CeremonyId;
use elevate_shared::time::UnixMillis;
use webauthn_rs::prelude::Passkey;

impl<S: Store, K: Store> UserObject<'_, S, K> {
    /// Starts a tap over `digest` with any of this person's passkeys.
    pub async fn start_bound(
        &self,
        digest: Digest,
        now: UnixMillis,
    ) -> Result<(CeremonyId, RequestChallengeResponse), AppError> {
        self.ensure_unlocked().await?;
        let passkeys: Vec<Passkey> = self.passkeys().await?.into_iter().map(|p| p.passkey).collect();
        if passkeys.is_empty() {
            return Err(AppError::api(
                ErrorCode::NoUsableMfaMethod,
                "You have no passkey or security key. Register one on Security info first.",
            ));
        }
        let (options, state) = self.rp.start_bound_authentication(&passkeys, &digest.0)?;
        let id = crate::random::ceremony_id()?;
        ceremony::put(self.store, &id, Purpose::Bound { digest }, Pending::Authentication { state }, now)
            .await?;
        Ok((id, options))
    }

    /// Verifies a tap over `digest`; the ceremony works once and only for that digest.
    pub async fn finish_bound(
        &self,
        ceremony_id: &CeremonyId,
        digest: Digest,
        credential: &PublicKeyCredential,
        now: UnixMillis,
    ) -> Result<MfaEvidence, AppError> {
        let taken = ceremony::take(self.store, ceremony_id, now).await?;
        let (Purpose::Bound { digest: signed }, Pending::Authentication { state }) =
            (&taken.purpose, &taken.pending)
        else {
            return Err(ceremony::not_found());
        };
        if *signed != digest {
            return Err(ceremony::not_found());
        }
        let verified = self.rp.finish_authentication(credential, state);
        let evidence =
            self.accept_assertion(verified, credential, Some(digest), AuditAction::MfaFailed, now).await?;
        self.record(
            self.draft(AuditAction::MfaSucceeded, now).detail("method", "passkey").detail("bound", "request"),
        )
        .await?;
        Ok(evidence)
    }

    /// A code for a request: the same single-use, lock-out-counted check as every code.
    pub async fn code_for_request(
        &self,
        code: &TypedCode,
        policy: LockoutPolicy,
        now: UnixMillis,
    ) -> Result<MfaEvidence, AppError> {
        self.accept_code(code, policy, now).await
    }
}

impl<S: Store, K: Store> UserObject<'_, S, K> {
    /// This person as activation policy sees them: their methods (no secrets) and whether the
    /// account may act (a fraud lock disables it; a failure lock-out ends on its own).
    pub async fn standing(&self, now: UnixMillis) -> Result<(Vec<MfaMethodSummary>, UserStatus), AppError> {
        let mut methods = Vec::new();
        for p in self.passkeys().await? {
            let summary = p.summary();
            methods.push(MfaMethodSummary {
                id: MethodId::parse(summary.credential_id)?,
                kind: MfaMethodKind::Webauthn,
                name: summary.name,
                registered_at: summary.created_at,
                last_used_at: summary.last_used_at,
                backup_eligible: summary.backup_eligible,
            });
        }
        for t in self.totp_methods().await? {
            methods.push(MfaMethodSummary {
                id: t.id.clone(),
                kind: MfaMethodKind::Totp,
                name: t.name.clone(),
                registered_at: t.created_at,
                last_used_at: t.last_used_at,
                backup_eligible: false,
            });
        }
        let status = self.status(now).await?;
        let standing = if status.account_locked_at.is_some() {
            UserStatus::Disabled
        } else if let Some(until) = status.locked_until {
            UserStatus::LockedOut { until }
        } else {
            UserStatus::Active
        };
        Ok((methods, standing))
    }
}
