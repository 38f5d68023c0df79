//! Every `/api/v1/` endpoint as data: its method, its path and who may call it.
//!
//! The worker's router answers `405` from this table, `docs/openapi.json` must list exactly these
//! operations with the same access (`shared/tests/openapi.rs`), and the end-to-end suite calls
//! every administrator operation of that document as a member and as nobody. One table, so the
//! router, the document and the access tests cannot drift apart.

use super::paths;
use serde::{Deserialize, Serialize};

/// An HTTP method the API answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    Get,
    Post,
}

impl HttpMethod {
    /// The method as it appears on the wire (`GET`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
        }
    }

    /// The method as an OpenAPI path-item key (`get`).
    pub const fn openapi_key(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Post => "post",
        }
    }

    /// The method named by an OpenAPI path-item key, if the API uses it.
    pub fn from_openapi_key(key: &str) -> Option<Self> {
        [Self::Get, Self::Post].into_iter().find(|m| m.openapi_key() == key)
    }

    /// Whether a call changes state, and so must carry [`super::CSRF_HEADER`].
    pub const fn changes_state(self) -> bool {
        matches!(self, Self::Post)
    }
}

/// Who may call an endpoint: what its handler checks before it does anything else.
///
/// Serialised as the `x-elevate-access` extension of each OpenAPI operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Anyone. Sign-in and enrolment steps prove who the caller is with what the body carries (a
    /// ceremony, a single-use ticket, an invitation); first run is open only until it is done.
    Public,
    /// A valid session (`401 unauthenticated` otherwise). The handler acts only on the caller's
    /// own account, or on requests that name the caller as an approver.
    SignedIn,
    /// A session of an administrator: `401 unauthenticated` without one, `403 forbidden` for
    /// anyone else.
    Admin,
    /// Local use only: answered when the configuration turns it on (`DEMO_TENANT=on`, or the test
    /// clock for the benchmark), which it refuses for any relying party but `localhost`; `404`
    /// otherwise.
    LocalConfig,
}

/// One endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: HttpMethod,
    pub path: &'static str,
    pub access: Access,
}

const fn route(method: HttpMethod, path: &'static str, access: Access) -> Route {
    Route { method, path, access }
}

use Access::{Admin, LocalConfig, Public, SignedIn};
use HttpMethod::{Get, Post};

/// Every endpoint the worker answers.
pub const ROUTES: &[Route] = &[
    route(Get, paths::HEALTH, Public),
    route(Get, paths::BOOTSTRAP, Public),
    route(Post, paths::BOOTSTRAP_PASSKEY_START, Public),
    route(Post, paths::BOOTSTRAP_PASSKEY_FINISH, Public),
    route(Post, paths::SIGN_IN_PASSKEY_START, Public),
    route(Post, paths::SIGN_IN_PASSKEY_FINISH, Public),
    route(Post, paths::SIGN_IN_DISCOVER_START, Public),
    route(Post, paths::SIGN_IN_DISCOVER_FINISH, Public),
    route(Post, paths::SIGN_OUT, Public),
    route(Get, paths::ME, SignedIn),
    route(Post, paths::MY_PASSKEY_START, SignedIn),
    route(Post, paths::MY_PASSKEY_FINISH, SignedIn),
    route(Post, paths::MY_TOTP_START, SignedIn),
    route(Post, paths::MY_TOTP_FINISH, SignedIn),
    route(Post, paths::MY_MFA_TOTP, SignedIn),
    route(Post, paths::MY_METHOD_REMOVE, SignedIn),
    route(Post, paths::MY_METHOD_RENAME, SignedIn),
    route(Get, paths::MY_SESSIONS, SignedIn),
    route(Post, paths::MY_SESSION_REVOKE, SignedIn),
    route(Post, paths::SIGN_IN_PASSWORD, Public),
    route(Post, paths::SIGN_IN_SECOND_FACTOR_TOTP, Public),
    route(Post, paths::SIGN_IN_SECOND_FACTOR_PASSKEY, Public),
    route(Post, paths::SIGN_IN_SECOND_FACTOR_BYPASS, Public),
    route(Post, paths::MY_PASSWORD, SignedIn),
    route(Get, paths::MY_PROMPTS, SignedIn),
    route(Post, paths::MY_FRAUD_REPORT, SignedIn),
    route(Post, paths::ENROL_STATUS, Public),
    route(Post, paths::ENROL_PASSKEY_START, Public),
    route(Post, paths::ENROL_PASSKEY_FINISH, Public),
    route(Post, paths::ENROL_PASSWORD, Public),
    route(Get, paths::USERS, Admin),
    route(Post, paths::USER_CREATE, Admin),
    route(Post, paths::USER_UPDATE, Admin),
    route(Post, paths::USER_INVITE, Admin),
    route(Post, paths::USER_UNLOCK, Admin),
    route(Post, paths::USER_RESET_METHODS, Admin),
    route(Post, paths::USER_BYPASS, Admin),
    route(Get, paths::ALERTS_RAISED, Admin),
    route(Get, paths::ALERTS, Admin),
    route(Post, paths::ALERTS_FIX, Admin),
    route(Post, paths::ALERTS_DISMISS, Admin),
    route(Get, paths::OATH_TOKENS, Admin),
    route(Post, paths::OATH_IMPORT, Admin),
    route(Post, paths::OATH_ASSIGN, Admin),
    route(Get, paths::ROLES, Admin),
    route(Post, paths::ROLE_CREATE, Admin),
    route(Post, paths::ROLE_SETTINGS, Admin),
    route(Post, paths::ROLE_UPDATE, Admin),
    route(Post, paths::ROLE_DELETE, Admin),
    route(Get, paths::ASSIGNMENTS, Admin),
    route(Post, paths::ASSIGNMENT_CREATE, Admin),
    route(Post, paths::ASSIGNMENT_REMOVE, Admin),
    route(Get, paths::MY_ROLES, SignedIn),
    route(Get, paths::MY_REQUESTS, SignedIn),
    route(Post, paths::ACTIVATION_PREVIEW, SignedIn),
    route(Post, paths::ACTIVATIONS, SignedIn),
    route(Post, paths::ACTIVATION_MFA_START, SignedIn),
    route(Post, paths::ACTIVATION_MFA_FINISH, SignedIn),
    route(Post, paths::ACTIVATION_MFA_TOTP, SignedIn),
    route(Post, paths::ACTIVATION_CANCEL, SignedIn),
    route(Post, paths::ACTIVATION_DEACTIVATE, SignedIn),
    route(Post, paths::ACTIVATION_EXTEND_START, SignedIn),
    route(Post, paths::ACTIVATION_EXTEND_FINISH, SignedIn),
    route(Get, paths::APPROVALS, SignedIn),
    route(Post, paths::APPROVAL_START, SignedIn),
    route(Post, paths::APPROVAL_FINISH, SignedIn),
    route(Get, paths::AUDIT, Admin),
    route(Get, paths::AUDIT_VERIFY, Admin),
    route(Get, paths::AUDIT_SEARCH, Admin),
    route(Get, paths::AUDIT_EXPORT, Admin),
    route(Get, paths::REPORTS_MFA, Admin),
    route(Get, paths::TOKENS, Admin),
    route(Post, paths::TOKEN_CREATE, Admin),
    route(Post, paths::TOKEN_REVOKE, Admin),
    route(Post, paths::BENCH, LocalConfig),
    route(Post, paths::DEMO_SEED, LocalConfig),
];

/// The endpoint at `path` for `method`, if there is one.
pub fn find(method: HttpMethod, path: &str) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// Whether any method is answered at `path` (so another method is `405`, not `404`).
pub fn is_routed(path: &str) -> bool {
    ROUTES.iter().any(|r| r.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_endpoint_is_listed_twice() {
        let mut seen = HashSet::new();
        for r in ROUTES {
            assert!(seen.insert((r.method, r.path)), "{} {} is listed twice", r.method.as_str(), r.path);
        }
    }

    #[test]
    fn every_path_is_under_the_api_prefix() {
        for r in ROUTES {
            assert!(r.path.starts_with("/api/v1/"), "{} is outside /api/v1/", r.path);
        }
    }

    #[test]
    fn lookups_follow_the_table() {
        assert_eq!(find(Get, paths::USERS).map(|r| r.access), Some(Admin));
        assert_eq!(find(Post, paths::USERS), None);
        assert!(is_routed(paths::USERS));
        assert!(!is_routed("/api/v1/nothing"));
        assert_eq!(HttpMethod::from_openapi_key("post"), Some(Post));
        assert_eq!(HttpMethod::from_openapi_key("delete"), None);
    }
}
