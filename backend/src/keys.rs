//! Every storage key and binding name, built in exactly this one module.
//!
//! KV keys are versioned (`v1/…`) so a later layout can live beside this one during a migration.
//! Durable Object keys are local to one object, so they need no owner in their name.

use elevate_shared::ids::{CeremonyId, UserId, Username};

/// Binding names, as declared in `wrangler.toml`.
pub(crate) mod binding {
    pub const DIRECTORY_KV: &str = "DIRECTORY";
    pub const USER_OBJECT: &str = "USER_OBJECT";
    pub const TENANT_OBJECT: &str = "TENANT_OBJECT";
    pub const AUDIT_OBJECT: &str = "AUDIT_OBJECT";
    /// One object per discoverable sign-in ceremony: it has no user yet to live with.
    pub const CEREMONY_OBJECT: &str = "CEREMONY_OBJECT";
    /// The one object that holds roles, assignments and requests.
    pub const ACCESS_OBJECT: &str = "ACCESS_OBJECT";
    pub const ASSETS: &str = "ASSETS";
}

/// The name of the one tenant-wide Durable Object instance.
pub(crate) const TENANT_OBJECT_NAME: &str = "tenant";
/// The name of the one access Durable Object instance.
pub(crate) const ACCESS_OBJECT_NAME: &str = "access";
/// The name of the one audit log Durable Object instance.
pub(crate) const AUDIT_OBJECT_NAME: &str = "audit";

/// Keys in the `DIRECTORY` KV namespace.
pub(crate) mod kv {
    use super::*;

    pub fn user(id: &UserId) -> String {
        format!("v1/user/{id}")
    }
    pub const USER_PREFIX: &str = "v1/user/";
    pub fn username(name: &Username) -> String {
        format!("v1/username/{name}")
    }
    /// Maps a credential id (base64url) to its owner, so a credential is registered only once.
    pub fn credential_owner(credential_id_b64: &str) -> String {
        format!("v1/credential/{credential_id_b64}")
    }
    pub const HEALTH_PROBE: &str = "v1/health/probe";
}

/// Keys inside one user's Durable Object.
pub(crate) mod user_object {
    use super::*;

    pub const PASSKEYS: &str = "passkeys";
    pub const TOTP_METHODS: &str = "totp";
    /// The account's consecutive MFA failures and lockout.
    pub const MFA_FAILURES: &str = "mfa_failures";
    pub const CEREMONY_PREFIX: &str = "ceremony/";
    pub const PASSWORD: &str = "password";
    /// Set by a fraud report; only an administrator's unlock removes it.
    pub const ACCOUNT_LOCK: &str = "account_lock";
    /// Set while an administrator has disabled the account.
    pub const ACCOUNT_DISABLED: &str = "account_disabled";
    /// An administrator's one-time MFA bypass.
    pub const BYPASS: &str = "bypass";
    /// The hash of the unused enrolment invitation.
    pub const INVITATION: &str = "invitation";
    pub const SESSION_PREFIX: &str = "session/";

    pub fn ceremony(id: &CeremonyId) -> String {
        format!("{CEREMONY_PREFIX}{id}")
    }
    pub fn totp_enrolment(id: &CeremonyId) -> String {
        format!("totp_enrolment/{id}")
    }
    /// Sessions are stored under the hash of their token, never the token itself.
    pub fn session(token_hash_hex: &str) -> String {
        format!("{SESSION_PREFIX}{token_hash_hex}")
    }
}

/// Keys inside the access Durable Object: roles, assignments, requests and alert dismissals.
pub(crate) mod access_object {
    use elevate_shared::domain::{AlertKind, AssignmentId, RequestId, RoleId};

    pub const ROLE_PREFIX: &str = "role/";
    pub const ASSIGNMENT_PREFIX: &str = "assignment/";
    pub const REQUEST_PREFIX: &str = "request/";
    /// One dismissal per computed alert kind; a new one replaces it.
    pub const DISMISSAL_PREFIX: &str = "alert_dismissal/";

    pub fn dismissal(kind: AlertKind) -> String {
        format!("{DISMISSAL_PREFIX}{}", kind.as_str())
    }

    pub fn role(id: &RoleId) -> String {
        format!("{ROLE_PREFIX}{id}")
    }
    pub fn assignment(id: &AssignmentId) -> String {
        format!("{ASSIGNMENT_PREFIX}{id}")
    }
    pub fn request(id: &RequestId) -> String {
        format!("{REQUEST_PREFIX}{id}")
    }
}

/// Keys inside the tenant Durable Object.
pub(crate) mod tenant_object {
    use elevate_shared::domain::oath::OathSerial;

    pub const BOOTSTRAP: &str = "bootstrap";
    /// When the local demo tenant was seeded.
    pub const DEMO: &str = "demo";
    pub const OATH_PREFIX: &str = "oath/";
    pub fn oath_token(serial: &OathSerial) -> String {
        format!("{OATH_PREFIX}{serial}")
    }
    pub const PROBE: &str = "probe";
}

/// Keys inside the audit log's Durable Object.
pub(crate) mod audit_object {
    use elevate_shared::domain::audit_query::AuditIndex;
    use elevate_shared::domain::mfa_report::{ReportMethod, Tally};
    use elevate_shared::ids::UserId;
    use elevate_shared::time::UnixMillis;

    pub const EVENT_PREFIX: &str = "event/";
    pub const OUTBOX_PREFIX: &str = "outbox/";
    pub const OUTBOX_NEXT: &str = "outbox_next";
    pub const SEEN_PREFIX: &str = "seen/";
    /// Sequence numbers of the events that raise an alert, so listing alerts reads only those.
    pub const RAISED_PREFIX: &str = "raised/";
    pub const HEAD: &str = "head";
    /// The sequence number the indexes reach (exclusive): events before it are indexed.
    pub const INDEXED_TO: &str = "indexed_to";
    /// Events by time, for searches with only a time range.
    pub const TIME_PREFIX: &str = "ix/at/";
    /// MFA report counters, by UTC day.
    pub const STAT_PREFIX: &str = "stat/";

    /// Where day `day`'s counters begin.
    pub fn stat_day(day: u64) -> String {
        format!("{STAT_PREFIX}{day:06}/")
    }
    /// A day's count of `tally` by `method`.
    pub fn stat_method(day: u64, tally: Tally, method: ReportMethod) -> String {
        format!("{}m/{}/{}", stat_day(day), tally.as_str(), method.as_str())
    }
    /// A day's count of `tally` for one person.
    pub fn stat_person(day: u64, user: &UserId, tally: Tally) -> String {
        format!("{}u/{user}/{}", stat_day(day), tally.as_str())
    }

    /// Fixed width, so keys sort as numbers do.
    pub fn event(seq: u64) -> String {
        format!("{EVENT_PREFIX}{seq:020}")
    }
    pub fn seen(entry_id: &str) -> String {
        format!("{SEEN_PREFIX}{entry_id}")
    }
    pub fn raised(seq: u64) -> String {
        format!("{RAISED_PREFIX}{seq:020}")
    }
    pub fn outbox(n: u64) -> String {
        format!("{OUTBOX_PREFIX}{n:020}")
    }
    /// The entries of one index; each value ends in `/` so no value's prefix is another's.
    pub fn index_prefix(index: &AuditIndex) -> String {
        match index {
            AuditIndex::Request(id) => format!("ix/q/{id}/"),
            AuditIndex::Target(target) => format!("ix/t/{target}/"),
            AuditIndex::Actor(id) => format!("ix/u/{id}/"),
            AuditIndex::Role(id) => format!("ix/r/{id}/"),
            AuditIndex::Failures => "ix/f/".to_owned(),
            AuditIndex::Action(action) => format!("ix/a/{:05}/", action.id()),
        }
    }
    pub fn index_entry(index: &AuditIndex, seq: u64) -> String {
        format!("{}{seq:020}", index_prefix(index))
    }
    /// Where the events at `at` begin in the time index.
    pub fn time_from(at: UnixMillis) -> String {
        format!("{TIME_PREFIX}{:020}/", at.0)
    }
    pub fn time_entry(at: UnixMillis, seq: u64) -> String {
        format!("{}{seq:020}", time_from(at))
    }
}
