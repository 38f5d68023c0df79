//! Random identifiers and secrets from the platform's CSPRNG (`crypto.getRandomValues` in
//! workerd, the OS natively).

use crate::error::AppError;
use elevate_shared::ids::{CeremonyId, UserId};

pub(crate) fn bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
    Ok(buf)
}

pub(crate) fn ceremony_id() -> Result<CeremonyId, AppError> {
    CeremonyId::parse(hex::encode(bytes::<16>()?)).map_err(|e| AppError::internal(e.to_string()))
}

pub(crate) fn user_id() -> Result<UserId, AppError> {
    let uuid = uuid::Builder::from_random_bytes(bytes::<16>()?).into_uuid();
    UserId::parse(uuid.hyphenated().to_string()).map_err(|e| AppError::internal(e.to_string()))
}
