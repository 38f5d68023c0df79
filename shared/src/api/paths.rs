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
/// Set or change one's password.
pub const MY_PASSWORD: &str = "/api/v1/me/password";
/// Password sign-ins waiting for this person's second factor ("was this you?").
pub const MY_PROMPTS: &str = "/api/v1/me/prompts";
/// "This wasn't me": kill pending prompts and lock the account.
pub const MY_FRAUD_REPORT: &str = "/api/v1/me/fraud-report";

pub const SIGN_IN_PASSWORD: &str = "/api/v1/sign-in/password";
pub const SIGN_IN_SECOND_FACTOR_TOTP: &str = "/api/v1/sign-in/second-factor/totp";
pub const SIGN_IN_SECOND_FACTOR_PASSKEY: &str = "/api/v1/sign-in/second-factor/passkey";
pub const SIGN_IN_SECOND_FACTOR_BYPASS: &str = "/api/v1/sign-in/second-factor/bypass";

/// Redeeming an administrator's invitation: who it is for, then a passkey or a password.
pub const ENROL_STATUS: &str = "/api/v1/enrol/status";
pub const ENROL_PASSKEY_START: &str = "/api/v1/enrol/passkey/start";
pub const ENROL_PASSKEY_FINISH: &str = "/api/v1/enrol/passkey/finish";
pub const ENROL_PASSWORD: &str = "/api/v1/enrol/password";

/// Administrators: the directory and the actions on one person's account.
pub const USERS: &str = "/api/v1/users";
pub const USER_CREATE: &str = "/api/v1/users/create";
pub const USER_INVITE: &str = "/api/v1/users/invite";
pub const USER_UNLOCK: &str = "/api/v1/users/unlock";
pub const USER_RESET_METHODS: &str = "/api/v1/users/reset-methods";
pub const USER_BYPASS: &str = "/api/v1/users/bypass";
/// Administrators: the OATH hardware token inventory.
pub const OATH_TOKENS: &str = "/api/v1/oath-tokens";
pub const OATH_IMPORT: &str = "/api/v1/oath-tokens/import";
pub const OATH_ASSIGN: &str = "/api/v1/oath-tokens/assign";
/// Alerts computed from roles, assignments and people, and their fixes.
pub const ALERTS: &str = "/api/v1/alerts";
pub const ALERTS_FIX: &str = "/api/v1/alerts/fix";
/// Dismiss a computed alert with a reason (until a new item appears in it).
pub const ALERTS_DISMISS: &str = "/api/v1/alerts/dismiss";
/// Alerts raised by events (fraud reports, lockouts, bypasses, cloned authenticators).
pub const ALERTS_RAISED: &str = "/api/v1/alerts/raised";

/// Roles and assignments (administrators write; issue 6 builds their screens).
pub const ROLES: &str = "/api/v1/roles";
pub const ROLE_CREATE: &str = "/api/v1/roles/create";
pub const ROLE_SETTINGS: &str = "/api/v1/roles/settings";
/// `GET ?role=<role id>`: a role's members (eligible and active, in effect or scheduled).
pub const ASSIGNMENTS: &str = "/api/v1/assignments";
pub const ASSIGNMENT_CREATE: &str = "/api/v1/assignments/create";
pub const ASSIGNMENT_REMOVE: &str = "/api/v1/assignments/remove";

/// A member's roles and requests, and activation.
pub const MY_ROLES: &str = "/api/v1/me/roles";
pub const MY_REQUESTS: &str = "/api/v1/me/requests";
pub const ACTIVATION_PREVIEW: &str = "/api/v1/activations/preview";
pub const ACTIVATIONS: &str = "/api/v1/activations";
pub const ACTIVATION_MFA_START: &str = "/api/v1/activations/mfa/start";
pub const ACTIVATION_MFA_FINISH: &str = "/api/v1/activations/mfa/finish";
pub const ACTIVATION_MFA_TOTP: &str = "/api/v1/activations/mfa/totp";
pub const ACTIVATION_CANCEL: &str = "/api/v1/activations/cancel";
pub const ACTIVATION_DEACTIVATE: &str = "/api/v1/activations/deactivate";
pub const ACTIVATION_EXTEND_START: &str = "/api/v1/activations/extend/start";
pub const ACTIVATION_EXTEND_FINISH: &str = "/api/v1/activations/extend/finish";

/// Approvers: the inbox and a decision co-signed by a tap.
pub const APPROVALS: &str = "/api/v1/approvals";
pub const APPROVAL_START: &str = "/api/v1/approvals/start";
pub const APPROVAL_FINISH: &str = "/api/v1/approvals/finish";

/// Local demo only: answered when `DEMO_TENANT=on` (localhost), 404 otherwise.
pub const DEMO_SEED: &str = "/api/v1/demo/seed";

/// Local measurement only: answered when the test clock is configured, 404 otherwise.
pub const BENCH: &str = "/api/v1/bench";

pub const AUDIT: &str = "/api/v1/audit";
pub const AUDIT_VERIFY: &str = "/api/v1/audit/verify";
/// Newest first, filtered; `GET` with the filter, `cursor` and `limit` in the query.
pub const AUDIT_SEARCH: &str = "/api/v1/audit/search";
/// The filtered set as a download: `format=csv` or `format=jsonl` plus the filter.
pub const AUDIT_EXPORT: &str = "/api/v1/audit/export";

/// The prefix under which the worker answers instead of serving the SPA.
pub const API_PREFIX: &str = "/api/";

/// The caller's API tokens (`GET`), creating one, revoking one.
pub const TOKENS: &str = "/api/v1/tokens";
pub const TOKEN_CREATE: &str = "/api/v1/tokens/create";
pub const TOKEN_REVOKE: &str = "/api/v1/tokens/revoke";
/// An administrator changes a person's name, administrator flag or whether the account is
/// disabled.
pub const USER_UPDATE: &str = "/api/v1/users/update";
/// MFA over a period (`from`, `to` in milliseconds; `format=csv` for a download).
pub const REPORTS_MFA: &str = "/api/v1/reports/mfa";
pub const ROLE_UPDATE: &str = "/api/v1/roles/update";
pub const ROLE_DELETE: &str = "/api/v1/roles/delete";
