//! Pending WebAuthn ceremonies: server-side, single-use, expiring after five minutes.
//!
//! Each ceremony lives under its own random id in the user's Durable Object, so a second
//! ceremony never overwrites the first, and taking one deletes it before it is checked, so a
//! replayed or failed response finds nothing to use.

use crate::error::AppError;
use crate::keys::user_object as keys;
use crate::storage::{Store, get_json, put_json};
use crate::webauthn::registration::AskedExtensions;
use elevate_shared::api::ErrorCode;
use elevate_shared::ids::{CeremonyId, DisplayName, Username};
use elevate_shared::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{DiscoverableAuthentication, PasskeyAuthentication};

/// How long a started ceremony stays usable.
pub(crate) const CEREMONY_TTL: DurationMs = DurationMs::from_mins(5);
/// At most this many ceremonies wait per user; starting another evicts the oldest, so nobody can
/// fill a victim's object by starting sign-ins in their name.
pub(crate) const MAX_PENDING: usize = 16;

/// What a ceremony is for. A response is only accepted by the step it was started for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Purpose {
    /// First-run enrolment of the first administrator.
    Bootstrap { username: Username, display_name: DisplayName },
    /// A signed-in person adds a passkey.
    AddPasskey,
    /// Sign-in with a passkey.
    SignIn,
    /// An invited person enrols their first passkey.
    Invitation,
    /// A password was checked; the attempt waits for the worker's verdict.
    PasswordCheck,
    /// A right password waits for the second factor.
    SecondFactor,
    /// A tap that signs this digest: a request's, an approval's or an extension's.
    Bound { digest: elevate_shared::domain::Digest },
}

/// The server's half of a ceremony.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) enum Pending {
    Registration {
        challenge: Vec<u8>,
        algorithms: Vec<i64>,
        asked: AskedExtensions,
    },
    Authentication {
        state: PasskeyAuthentication,
    },
    /// A sign-in whose passkey will say who is signing in.
    Discoverable {
        state: DiscoverableAuthentication,
    },
    /// A password attempt, counted as a failure until the worker reports the password right.
    PasswordAttempt {
        /// This attempt's failure began a lock-out (audited only if the password was wrong).
        lockout_began: Option<UnixMillis>,
    },
    /// The second factor a right password still needs.
    SecondFactor {
        /// The passkey assertion's state, when the account has passkeys.
        passkey: Option<PasskeyAuthentication>,
        started_at: UnixMillis,
        wrong_codes: u32,
        user_agent: Option<String>,
    },
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Ceremony {
    pub purpose: Purpose,
    pub expires_at: UnixMillis,
    pub pending: Pending,
}

/// Stores a new ceremony, dropping expired ones and evicting the oldest beyond [`MAX_PENDING`].
pub(crate) async fn put(
    store: &impl Store,
    id: &CeremonyId,
    purpose: Purpose,
    pending: Pending,
    now: UnixMillis,
) -> Result<(), AppError> {
    let mut live: Vec<(UnixMillis, String)> = Vec::new();
    for key in store.list(keys::CEREMONY_PREFIX).await? {
        match get_json::<Ceremony>(store, &key).await? {
            Some(c) if c.expires_at > now => live.push((c.expires_at, key)),
            _ => {
                store.delete(&key).await?;
            }
        }
    }
    live.sort();
    let excess = (live.len() + 1).saturating_sub(MAX_PENDING);
    for (_, key) in live.into_iter().take(excess) {
        store.delete(&key).await?;
    }
    let ceremony = Ceremony { purpose, expires_at: now.plus(CEREMONY_TTL), pending };
    put_json(store, &keys::ceremony(id), &ceremony).await
}

/// Stores a taken ceremony again under its id, keeping its expiry (a second-factor step that
/// allows another try).
pub(crate) async fn put_back(
    store: &impl Store,
    id: &CeremonyId,
    ceremony: &Ceremony,
) -> Result<(), AppError> {
    put_json(store, &keys::ceremony(id), ceremony).await
}

/// The live ceremonies with their ids, for listing what waits (the "was this you?" prompts).
pub(crate) async fn live(
    store: &impl Store,
    now: UnixMillis,
) -> Result<Vec<(CeremonyId, Ceremony)>, AppError> {
    let mut out = Vec::new();
    for key in store.list(keys::CEREMONY_PREFIX).await? {
        let Some(c) = get_json::<Ceremony>(store, &key).await? else { continue };
        let Ok(id) = CeremonyId::parse(key.trim_start_matches(keys::CEREMONY_PREFIX)) else { continue };
        if c.expires_at > now {
            out.push((id, c));
        }
    }
    Ok(out)
}

/// Ends every pending ceremony; returns how many there were.
pub(crate) async fn cancel_all(store: &impl Store) -> Result<usize, AppError> {
    let keys = store.list(keys::CEREMONY_PREFIX).await?;
    for key in &keys {
        store.delete(key).await?;
    }
    Ok(keys.len())
}

/// Removes and returns a live ceremony. Unknown, used and expired ceremonies are one error, so
/// a caller learns nothing from the difference.
pub(crate) async fn take(store: &impl Store, id: &CeremonyId, now: UnixMillis) -> Result<Ceremony, AppError> {
    let key = keys::ceremony(id);
    let found = get_json::<Ceremony>(store, &key).await?;
    store.delete(&key).await?;
    match found {
        Some(c) if c.expires_at > now => Ok(c),
        _ => Err(not_found()),
    }
}

pub(crate) fn not_found() -> AppError {
    AppError::api(
        ErrorCode::CeremonyNotFound,
        "This sign-in or enrolment step has expired or was already used. Start again.",
    )
}
