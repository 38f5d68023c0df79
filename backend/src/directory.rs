//! The directory in Workers KV: users and the indexes that find them.
//!
//! KV is eventually consistent, so nothing here is single-use or counted; those facts live in
//! the Durable Objects, and KV holds what is read often and changes rarely.

use crate::error::AppError;
use crate::keys::kv as keys;
use crate::storage::{Store, get_json, put_json};
use elevate_shared::api::ErrorCode;
use elevate_shared::ids::{DisplayName, UserId, Username};
use elevate_shared::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// A person in the directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct UserRecord {
    pub id: UserId,
    pub username: Username,
    pub display_name: DisplayName,
    /// Set for the administrator enrolled at first run.
    pub is_admin: bool,
    pub created_at: UnixMillis,
}

#[derive(Debug)]
pub(crate) struct Directory<'a, S: Store> {
    pub kv: &'a S,
}

impl<S: Store> Directory<'_, S> {
    pub async fn user(&self, id: &UserId) -> Result<Option<UserRecord>, AppError> {
        get_json(self.kv, &keys::user(id)).await
    }

    pub async fn user_id_by_username(&self, name: &Username) -> Result<Option<UserId>, AppError> {
        get_json(self.kv, &keys::username(name)).await
    }

    pub async fn ensure_username_free(&self, name: &Username) -> Result<(), AppError> {
        match self.user_id_by_username(name).await? {
            None => Ok(()),
            Some(_) => Err(AppError::api(ErrorCode::UsernameTaken, format!("The username {name} is taken."))),
        }
    }

    pub async fn add_user(&self, user: &UserRecord) -> Result<(), AppError> {
        self.ensure_username_free(&user.username).await?;
        put_json(self.kv, &keys::user(&user.id), user).await?;
        put_json(self.kv, &keys::username(&user.username), &user.id).await
    }

    /// Replaces a person's record (name, administrator flag); the username never changes.
    pub async fn update_user(&self, user: &UserRecord) -> Result<(), AppError> {
        put_json(self.kv, &keys::user(&user.id), user).await
    }

    /// Everyone in the directory, by username.
    pub async fn users(&self) -> Result<Vec<UserRecord>, AppError> {
        let mut out = Vec::new();
        for key in self.kv.list(keys::USER_PREFIX).await? {
            if let Some(user) = get_json::<UserRecord>(self.kv, &key).await? {
                out.push(user);
            }
        }
        out.sort_by(|a, b| a.username.cmp(&b.username));
        Ok(out)
    }

    pub async fn credential_owner(&self, credential_id_b64: &str) -> Result<Option<UserId>, AppError> {
        get_json(self.kv, &keys::credential_owner(credential_id_b64)).await
    }

    pub async fn ensure_credential_new(&self, credential_id_b64: &str) -> Result<(), AppError> {
        match self.credential_owner(credential_id_b64).await? {
            None => Ok(()),
            Some(_) => Err(AppError::api(
                ErrorCode::CredentialAlreadyRegistered,
                "This authenticator is already registered.",
            )),
        }
    }

    pub async fn record_credential(&self, credential_id_b64: &str, owner: &UserId) -> Result<(), AppError> {
        put_json(self.kv, &keys::credential_owner(credential_id_b64), owner).await
    }

    pub async fn forget_credential(&self, credential_id_b64: &str) -> Result<(), AppError> {
        self.kv.delete(&keys::credential_owner(credential_id_b64)).await.map(drop)
    }

    /// Writes `now` and reads it back.
    pub async fn probe(&self, now: UnixMillis) -> Result<(), AppError> {
        put_json(self.kv, keys::HEALTH_PROBE, &now).await?;
        match get_json::<UnixMillis>(self.kv, keys::HEALTH_PROBE).await? {
            Some(read) if read == now => Ok(()),
            other => Err(AppError::internal(format!("KV probe read back {other:?}, wrote {now:?}"))),
        }
    }
}
