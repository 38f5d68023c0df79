//! A user's object over in-memory storage, for the native tests of its modules.

use super::UserObject;
use crate::config::Config;
use crate::directory::Directory;
use crate::error::AppError;
use crate::keys::user_object as keys;
use crate::session::{SessionRecord, SessionToken};
use crate::storage::{MemoryStore, put_json};
use crate::webauthn::RelyingParty;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::mfa::TypedCode;
use elevate_shared::domain::audit::AuditAction;
use elevate_shared::domain::lockout::{LockoutPolicy, LockoutSettings};
use elevate_shared::domain::totp::{self, TotpParams, TotpSecret};
use elevate_shared::ids::{CredentialName, UserId, Username};
use elevate_shared::time::{DurationMs, UnixMillis};
use futures::executor::block_on;

pub(crate) const T0: UnixMillis = UnixMillis(1_800_000_000_000);

pub(crate) fn rp() -> RelyingParty {
    let config = Config::from_lookup(|k| match k {
        "RP_ID" => Some("localhost".into()),
        "RP_ORIGIN" => Some("http://localhost:8787".into()),
        _ => None,
    })
    .unwrap();
    RelyingParty::new(&config).unwrap()
}

pub(crate) struct Fixture {
    pub user: UserId,
    pub store: MemoryStore,
    pub kv: MemoryStore,
    pub rp: RelyingParty,
    /// A session opened at `T0` without MFA.
    pub token: SessionToken,
}

impl Fixture {
    pub fn new() -> Self {
        let f = Self {
            user: UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap(),
            store: MemoryStore::default(),
            kv: MemoryStore::default(),
            rp: rp(),
            token: SessionToken::generate().unwrap(),
        };
        let session = SessionRecord::new(T0, None);
        block_on(put_json(&f.store, &keys::session(&f.token.hash_hex()), &session)).unwrap();
        f
    }

    pub fn object(&self) -> UserObject<'_, MemoryStore, MemoryStore> {
        UserObject {
            user: &self.user,
            store: &self.store,
            directory: Directory { kv: &self.kv },
            rp: &self.rp,
        }
    }

    /// Enrols an app at `T0` and returns its secret.
    pub fn enrol(&self) -> TotpSecret {
        let obj = self.object();
        let name = CredentialName::parse("Phone").unwrap();
        let started = block_on(obj.start_totp_enrolment(&Username::parse("ada").unwrap(), name, T0)).unwrap();
        assert!(started.otpauth_uri.starts_with("otpauth://totp/Elevate:ada?"));
        let secret = TotpSecret::from_base32(&started.secret_base32).unwrap();
        let code = code(&secret, T0);
        block_on(obj.finish_totp_enrolment(&started.enrolment_id, &code, T0)).unwrap();
        secret
    }
}

pub(crate) fn code(secret: &TotpSecret, at: UnixMillis) -> TypedCode {
    TypedCode(totp::code_at(secret, TotpParams::default(), at).expose().to_owned())
}

/// A code that is not `secret`'s at `at`.
pub(crate) fn wrong_code(secret: &TotpSecret, at: UnixMillis) -> TypedCode {
    TypedCode(if code(secret, at).0 == "000000" { "111111" } else { "000000" }.into())
}

/// No delays; lock-out after `lockout_after` consecutive failures, for 15 minutes.
pub(crate) fn policy(lockout_after: u32) -> LockoutPolicy {
    LockoutPolicy::new(LockoutSettings {
        free_attempts: 0,
        base_delay: DurationMs(0),
        max_delay: DurationMs(0),
        lockout_after,
        lockout_duration: DurationMs::from_mins(15),
    })
    .unwrap()
}

pub(crate) fn code_of(e: AppError) -> ErrorCode {
    e.to_wire().code
}

/// The actions waiting in the object's audit outbox, oldest first.
pub(crate) fn recorded(f: &Fixture) -> Vec<AuditAction> {
    block_on(crate::audit_log::pending(&f.store)).unwrap().into_iter().map(|(_, e)| e.draft.action).collect()
}
