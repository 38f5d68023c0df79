//! What the tenant's single Durable Object does: the once-only first-run enrolment, and a probe
//! that proves Durable Object storage answers.

use crate::error::AppError;
use crate::keys::tenant_object as keys;
use crate::storage::{Store, get_json, put_json};
use elevate_shared::api::ErrorCode;
use elevate_shared::domain::audit::{Actor, AuditAction, AuditDraft, Target};
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
