//! Every API path, written once. The router, the SPA's client, the tests and the OpenAPI check all
//! use these constants.

pub const HEALTH: &str = "/api/v1/health";
pub const BOOTSTRAP: &str = "/api/v1/bootstrap";
pub const BOOTSTRAP_PASSKEY_START: &str = "/api/v1/bootstrap/passkey/start";
pub const BOOTSTRAP_PASSKEY_FINISH: &str = "/api/v1/bootstrap/passkey/finish";
pub const SIGN_IN_PASSKEY_START: &str = "/api/v1/sign-in/passkey/start";
pub const SIGN_IN_PASSKEY_FINISH: &str = "/api/v1/sign-in/passkey/finish";
pub const SIGN_IN_DISCOVER_START: &str = "/api/v1/sign-in/passkey/discover/start";
pub const SIGN_IN_DISCOVER_FINISH: &str = "/api/v1/sign-in/passkey/discover/finish";
pub const SIGN_OUT: &str = "/api/v1/sign-out";
pub const ME: &str = "/api/v1/me";
pub const MY_PASSKEY_START: &str = "/api/v1/me/passkeys/start";
pub const MY_PASSKEY_FINISH: &str = "/api/v1/me/passkeys/finish";
pub const MY_TOTP_START: &str = "/api/v1/me/totp/start";
pub const MY_TOTP_FINISH: &str = "/api/v1/me/totp/finish";
/// Step-up: prove presence again in this session with an authenticator-app code.
pub const MY_MFA_TOTP: &str = "/api/v1/me/mfa/totp";
pub const MY_METHOD_REMOVE: &str = "/api/v1/me/methods/remove";
pub const MY_METHOD_RENAME: &str = "/api/v1/me/methods/rename";
pub const MY_SESSIONS: &str = "/api/v1/me/sessions";
pub const MY_SESSION_REVOKE: &str = "/api/v1/me/sessions/revoke";

pub const AUDIT: &str = "/api/v1/audit";
pub const AUDIT_VERIFY: &str = "/api/v1/audit/verify";

/// The prefix under which the worker answers instead of serving the SPA.
pub const API_PREFIX: &str = "/api/";
