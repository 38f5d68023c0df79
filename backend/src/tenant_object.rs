//! What the tenant's single Durable Object does: the once-only first-run enrolment, and a probe
//! that proves Durable Object storage answers.

use crate::error::AppError;
use crate::keys::tenant_object as keys;
use crate::storage::{Store, get_json, put_json};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::oath::OathTokenSummary;
use elevate_shared::domain::audit::{Actor, AuditAction, AuditDraft, Target};
use elevate_shared::domain::oath::OathSerial;
use elevate_shared::domain::totp::TotpParams;
use elevate_shared::ids::UserId;
use elevate_shared::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// The fact that first-run enrolment happened, and who did it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BootstrapRecord {
    pub admin: UserId,
    pub at: UnixMillis,
}

#[derive(Debug)]
pub(crate) struct TenantObject<'a, S: Store> {
    pub store: &'a S,
}

impl<S: Store> TenantObject<'_, S> {
    pub async fn bootstrap_open(&self) -> Result<bool, AppError> {
        Ok(get_json::<BootstrapRecord>(self.store, keys::BOOTSTRAP).await?.is_none())
    }

    /// Closes first-run enrolment in the name of `admin`; refused if it is already closed, so of
    /// two racing enrolments exactly one wins.
    pub async fn claim_bootstrap(&self, admin: &UserId, now: UnixMillis) -> Result<(), AppError> {
        if !self.bootstrap_open().await? {
            return Err(closed());
        }
        put_json(self.store, keys::BOOTSTRAP, &BootstrapRecord { admin: admin.clone(), at: now }).await?;
        let draft = AuditDraft::new(
            AuditAction::BootstrapCompleted,
            Actor::User(admin.clone()),
            Target::User(admin.clone()),
            now,
        );
        crate::audit_log::record(self.store, draft).await
    }

    /// Marks the demo tenant as seeded; true only for the first caller.
    pub async fn claim_demo(&self, now: UnixMillis) -> Result<bool, AppError> {
        if self.store.get(keys::DEMO).await?.is_some() {
            return Ok(false);
        }
        put_json(self.store, keys::DEMO, &now).await?;
        Ok(true)
    }

    /// Writes `now` and reads it back.
    pub async fn probe(&self, now: UnixMillis) -> Result<(), AppError> {
        put_json(self.store, keys::PROBE, &now).await?;
        match get_json::<UnixMillis>(self.store, keys::PROBE).await? {
            Some(read) if read == now => Ok(()),
            other => Err(AppError::internal(format!("probe read back {other:?}, wrote {now:?}"))),
        }
    }
}

pub(crate) fn closed() -> AppError {
    AppError::api(
        ErrorCode::BootstrapClosed,
        "First-run enrolment is closed: an administrator already exists. Sign in instead.",
    )
}

/// An OATH token in the inventory, with its secret (which only leaves to be assigned).
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredOathToken {
    pub serial: OathSerial,
    pub secret_base32: String,
    pub params: TotpParams,
    pub imported_at: UnixMillis,
    pub assigned_to: Option<UserId>,
}

impl std::fmt::Debug for StoredOathToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredOathToken").field("serial", &self.serial).finish_non_exhaustive()
    }
}

impl StoredOathToken {
    pub fn summary(&self) -> OathTokenSummary {
        OathTokenSummary {
            serial: self.serial.clone(),
            params: self.params,
            imported_at: self.imported_at,
            assigned_to: self.assigned_to.clone(),
        }
    }
}

/// A token to store, validated by the worker.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct NewOathToken {
    pub serial: OathSerial,
    pub secret_base32: String,
    pub params: TotpParams,
}

impl std::fmt::Debug for NewOathToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOathToken").field("serial", &self.serial).finish_non_exhaustive()
    }
}

impl<S: Store> TenantObject<'_, S> {
    /// Stores all of `tokens` or none: a serial already in the inventory refuses the import.
    pub async fn import_oath(
        &self,
        by: &UserId,
        tokens: Vec<NewOathToken>,
        now: UnixMillis,
    ) -> Result<usize, AppError> {
        let mut known = Vec::new();
        for t in &tokens {
            if self.store.get(&keys::oath_token(&t.serial)).await?.is_some() {
                known.push(t.serial.to_string());
            }
        }
        if !known.is_empty() {
            return Err(AppError::api(
                ErrorCode::BadRequest,
                format!("Already imported, so nothing was imported: {}.", known.join(", ")),
            ));
        }
        for t in &tokens {
            let stored = StoredOathToken {
                serial: t.serial.clone(),
                secret_base32: t.secret_base32.clone(),
                params: t.params,
                imported_at: now,
                assigned_to: None,
            };
            put_json(self.store, &keys::oath_token(&t.serial), &stored).await?;
        }
        let draft =
            AuditDraft::new(AuditAction::OathTokensImported, Actor::User(by.clone()), Target::None, now)
                .detail("count", tokens.len())
                .detail("serials", tokens.iter().map(|t| t.serial.as_str()).collect::<Vec<_>>().join(" "));
        crate::audit_log::record(self.store, draft).await?;
        Ok(tokens.len())
    }

    pub async fn oath_tokens(&self) -> Result<Vec<OathTokenSummary>, AppError> {
        let mut out = Vec::new();
        for key in self.store.list(keys::OATH_PREFIX).await? {
            if let Some(t) = get_json::<StoredOathToken>(self.store, &key).await? {
                out.push(t.summary());
            }
        }
        Ok(out)
    }

    /// Marks the token as `user`'s and hands out its secret for their object; a token is
    /// assigned once.
    pub async fn assign_oath(&self, serial: &OathSerial, user: &UserId) -> Result<StoredOathToken, AppError> {
        let key = keys::oath_token(serial);
        let Some(mut token) = get_json::<StoredOathToken>(self.store, &key).await? else {
            return Err(AppError::api(ErrorCode::NotFound, format!("There is no token {serial}.")));
        };
        if token.assigned_to.is_some() {
            return Err(AppError::api(
                ErrorCode::TokenAssigned,
                format!("Token {serial} is already assigned."),
            ));
        }
        token.assigned_to = Some(user.clone());
        put_json(self.store, &key, &token).await?;
        Ok(token)
    }

    /// Undoes an assignment whose second half (the user's object) failed.
    pub async fn release_oath(&self, serial: &OathSerial) -> Result<(), AppError> {
        let key = keys::oath_token(serial);
        if let Some(mut token) = get_json::<StoredOathToken>(self.store, &key).await? {
            token.assigned_to = None;
            put_json(self.store, &key, &token).await?;
        }
        Ok(())
    }
}
