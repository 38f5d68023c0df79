//! `docs/openapi.json` is written by hand; these tests keep it true. Its operations are exactly
//! `ROUTES` (method and path) with the same `x-elevate-access`; every `$ref` resolves; state-
//! changing operations ask for the anti-CSRF header and guarded ones for the session; its error
//! codes and their statuses are `ErrorCode`'s; and each request body names the Rust type the
//! worker decodes, with an example that decodes into it (the end-to-end suite sends those
//! examples); and the operations that take API tokens, with their scopes, are `scope_for`'s.

use elevate_shared::api::routes::{Access, HttpMethod, ROUTES, Route};
use elevate_shared::api::tokens::{TokenScope, scope_for};
use elevate_shared::api::{
    ErrorCode, activation, alerts, approvals, assignments, auth, mfa, oath, password, paths, roles, tokens,
    users,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeSet;

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");
    let text = std::fs::read_to_string(path).expect("docs/openapi.json is readable");
    serde_json::from_str(&text).expect("docs/openapi.json is JSON")
}

/// Every operation of the document: method, path and the operation object.
fn operations(doc: &Value) -> Vec<(HttpMethod, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("`paths` is an object") {
        for (key, op) in item.as_object().expect("a path item is an object") {
            let method = HttpMethod::from_openapi_key(key)
                .unwrap_or_else(|| panic!("{path}: `{key}` is not a method the API answers"));
            ops.push((method, path.clone(), op.clone()));
        }
    }
    ops
}

fn route(method: HttpMethod, path: &str) -> &'static Route {
    elevate_shared::api::routes::find(method, path)
        .unwrap_or_else(|| panic!("{} {path} is documented but not in ROUTES", method.as_str()))
}

#[test]
fn the_document_is_openapi_3_1() {
    let doc = document();
    assert_eq!(doc["openapi"].as_str().map(|v| v.starts_with("3.1.")), Some(true));
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
}

#[test]
fn the_operations_are_exactly_the_routes() {
    let documented: BTreeSet<(HttpMethod, String)> =
        operations(&document()).into_iter().map(|(m, p, _)| (m, p)).collect();
    let routed: BTreeSet<(HttpMethod, String)> =
        ROUTES.iter().map(|r| (r.method, r.path.to_owned())).collect();
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(undocumented.is_empty(), "routed but not in docs/openapi.json: {undocumented:?}");
    assert!(unrouted.is_empty(), "in docs/openapi.json but not routed: {unrouted:?}");
}

#[test]
fn each_operation_says_who_may_call_it_as_the_route_does() {
    for (method, path, op) in operations(&document()) {
        let access: Access = serde_json::from_value(op["x-elevate-access"].clone())
            .unwrap_or_else(|e| panic!("{} {path}: x-elevate-access: {e}", method.as_str()));
        assert_eq!(access, route(method, &path).access, "{} {path}", method.as_str());
    }
}

#[test]
fn each_operation_asks_for_the_cookie_and_header_its_route_needs() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        let what = format!("{} {path}", method.as_str());
        let requirements = op["security"].as_array().unwrap_or_else(|| panic!("{what}: no `security`"));
        assert!(!requirements.is_empty(), "{what}: empty `security`");
        for requirement in requirements {
            let names: BTreeSet<&str> =
                requirement.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
            for name in &names {
                assert!(doc["components"]["securitySchemes"][*name].is_object(), "{what}: no scheme {name}");
            }
            assert_eq!(names.contains("csrf"), method.changes_state(), "{what}: the anti-CSRF header");
            if matches!(route(method, &path).access, Access::SignedIn | Access::Admin) {
                // A session, or — where the route takes tokens — an API token instead.
                let token = scope_for(method, &path).is_some() && names.contains("apiToken");
                assert!(names.contains("session") || token, "{what}: a guarded operation needs the session");
            }
        }
    }
    let csrf = &doc["components"]["securitySchemes"]["csrf"];
    assert_eq!(csrf["name"].as_str(), Some(elevate_shared::api::CSRF_HEADER));
    assert_eq!(csrf["in"].as_str(), Some("header"));
}

/// Every `$ref` in `value`, with where it was found.
fn refs<'v>(value: &'v Value, at: &str, out: &mut Vec<(String, &'v str)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push((
                        at.to_owned(),
                        v.as_str().unwrap_or_else(|| panic!("{at}: $ref is not a string")),
                    ));
                } else {
                    refs(v, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                refs(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_ref_resolves() {
    let doc = document();
    let mut found = Vec::new();
    refs(&doc, "", &mut found);
    assert!(found.len() > 100, "the document's $refs were not found: {}", found.len());
    for (at, reference) in found {
        let pointer = reference.strip_prefix('#').unwrap_or_else(|| panic!("{at}: {reference} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{at}: {reference} does not resolve");
    }
}

/// Every `ErrorCode`; adding a variant without listing it here does not compile.
fn every_error_code() -> Vec<ErrorCode> {
    use ErrorCode as E;
    let all = vec![
        E::BadRequest,
        E::PayloadTooLarge,
        E::CsrfRejected,
        E::Unauthenticated,
        E::Forbidden,
        E::NotFound,
        E::MethodNotAllowed,
        E::BootstrapClosed,
        E::BootstrapSecretInvalid,
        E::UsernameTaken,
        E::CeremonyNotFound,
        E::WebauthnRejected,
        E::UserVerificationRequired,
        E::CredentialAlreadyRegistered,
        E::SignInFailed,
        E::SettingsInvalid,
        E::AssignmentRefused,
        E::NotEligible,
        E::AccountCannotAct,
        E::AlreadyActive,
        E::RequestAlreadyOpen,
        E::DurationTooLong,
        E::InvalidSchedule,
        E::JustificationRequired,
        E::TicketRequired,
        E::TicketRejected,
        E::MfaRequired,
        E::MfaRejected,
        E::NoUsableMfaMethod,
        E::MfaCodeRejected,
        E::LastSignInMethod,
        E::MfaThrottled,
        E::MfaLockedOut,
        E::ApprovalUnavailable,
        E::SelfApproval,
        E::NotAnApprover,
        E::AlreadyDecided,
        E::SharedAuthenticator,
        E::RequestStateConflict,
        E::RequestExpired,
        E::ExtensionRefused,
        E::InvitationInvalid,
        E::PasswordRejected,
        E::AccountLocked,
        E::TokenAssigned,
        E::TooManyTokens,
        E::AccountDisabled,
        E::LastAdministrator,
        E::AlreadyEnrolled,
        E::RoleInUse,
        E::Internal,
    ];
    for code in &all {
        match code {
            E::BadRequest
            | E::PayloadTooLarge
            | E::CsrfRejected
            | E::Unauthenticated
            | E::Forbidden
            | E::NotFound
            | E::MethodNotAllowed
            | E::BootstrapClosed
            | E::BootstrapSecretInvalid
            | E::UsernameTaken
            | E::CeremonyNotFound
            | E::WebauthnRejected
            | E::UserVerificationRequired
            | E::CredentialAlreadyRegistered
            | E::SignInFailed
            | E::SettingsInvalid
            | E::AssignmentRefused
            | E::NotEligible
            | E::AccountCannotAct
            | E::AlreadyActive
            | E::RequestAlreadyOpen
            | E::DurationTooLong
            | E::InvalidSchedule
            | E::JustificationRequired
            | E::TicketRequired
            | E::TicketRejected
            | E::MfaRequired
            | E::MfaRejected
            | E::NoUsableMfaMethod
            | E::MfaCodeRejected
            | E::LastSignInMethod
            | E::MfaThrottled
            | E::MfaLockedOut
            | E::ApprovalUnavailable
            | E::SelfApproval
            | E::NotAnApprover
            | E::AlreadyDecided
            | E::SharedAuthenticator
            | E::RequestStateConflict
            | E::RequestExpired
            | E::ExtensionRefused
            | E::InvitationInvalid
            | E::PasswordRejected
            | E::AccountLocked
            | E::TokenAssigned
            | E::TooManyTokens
            | E::AccountDisabled
            | E::LastAdministrator
            | E::AlreadyEnrolled
            | E::RoleInUse
            | E::Internal => {}
        }
    }
    all
}

#[test]
fn the_error_codes_and_their_statuses_are_the_enums() {
    let doc = document();
    let schema = &doc["components"]["schemas"]["ErrorCode"];
    let listed: BTreeSet<&str> = schema["enum"]
        .as_array()
        .expect("ErrorCode lists its codes")
        .iter()
        .flat_map(Value::as_str)
        .collect();
    let codes = every_error_code();
    let expected: BTreeSet<&str> = codes.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, expected, "ErrorCode's `enum` in docs/openapi.json");
    for code in codes {
        let status = schema["x-elevate-status"][code.as_str()].as_u64();
        assert_eq!(status, Some(u64::from(code.http_status())), "the status of {code}");
    }
}

type Decode = fn(&Value) -> Result<(), String>;

fn decodes<T: DeserializeOwned>(example: &Value) -> Result<(), String> {
    serde_json::from_value::<T>(example.clone()).map(drop).map_err(|e| e.to_string())
}

/// The component a type is documented under: its Rust name.
fn body<T: DeserializeOwned>() -> (&'static str, Decode) {
    let name = std::any::type_name::<T>().rsplit("::").next().unwrap_or_default();
    (name, decodes::<T>)
}

/// The body each state-changing route decodes. Routes that read no body are absent.
fn request_body(method: HttpMethod, path: &str) -> Option<(&'static str, Decode)> {
    if method != HttpMethod::Post {
        return None;
    }
    Some(match path {
        paths::BOOTSTRAP_PASSKEY_START => body::<auth::BootstrapStart>(),
        paths::BOOTSTRAP_PASSKEY_FINISH | paths::MY_PASSKEY_FINISH => body::<auth::RegistrationFinish>(),
        paths::SIGN_IN_PASSKEY_START => body::<auth::SignInStart>(),
        paths::SIGN_IN_PASSKEY_FINISH => body::<auth::SignInFinish>(),
        paths::SIGN_IN_DISCOVER_FINISH => body::<auth::DiscoverableFinish>(),
        paths::MY_PASSKEY_START => body::<auth::AddPasskeyStart>(),
        paths::MY_SESSION_REVOKE => body::<auth::RevokeSession>(),
        paths::MY_TOTP_START => body::<mfa::TotpEnrolmentStart>(),
        paths::MY_TOTP_FINISH => body::<mfa::TotpEnrolmentFinish>(),
        paths::MY_MFA_TOTP => body::<mfa::TotpVerify>(),
        paths::MY_METHOD_REMOVE => body::<mfa::RemoveMethod>(),
        paths::MY_METHOD_RENAME => body::<mfa::RenameMethod>(),
        paths::SIGN_IN_PASSWORD => body::<password::PasswordSignIn>(),
        paths::SIGN_IN_SECOND_FACTOR_TOTP => body::<password::SecondFactorTotp>(),
        paths::SIGN_IN_SECOND_FACTOR_PASSKEY => body::<password::SecondFactorPasskey>(),
        paths::SIGN_IN_SECOND_FACTOR_BYPASS => body::<password::SecondFactorBypass>(),
        paths::MY_PASSWORD => body::<password::SetPassword>(),
        paths::MY_FRAUD_REPORT => body::<password::FraudReport>(),
        paths::ENROL_STATUS | paths::ENROL_PASSKEY_START => body::<users::EnrolWith>(),
        paths::ENROL_PASSKEY_FINISH => body::<users::EnrolPasskeyFinish>(),
        paths::ENROL_PASSWORD => body::<users::EnrolPassword>(),
        paths::USER_CREATE => body::<users::CreateUser>(),
        paths::USER_UPDATE => body::<users::UpdateUser>(),
        paths::TOKEN_CREATE => body::<tokens::CreateApiToken>(),
        paths::TOKEN_REVOKE => body::<tokens::RevokeApiToken>(),
        paths::USER_INVITE | paths::USER_UNLOCK | paths::USER_RESET_METHODS => body::<users::UserAction>(),
        paths::USER_BYPASS => body::<users::GrantBypass>(),
        paths::ALERTS_FIX => body::<alerts::ApplyFix>(),
        paths::ALERTS_DISMISS => body::<alerts::DismissAlert>(),
        paths::OATH_IMPORT => body::<oath::ImportOathTokens>(),
        paths::OATH_ASSIGN => body::<oath::AssignOathToken>(),
        paths::ROLE_CREATE => body::<roles::CreateRole>(),
        paths::ROLE_SETTINGS => body::<roles::UpdateRoleSettings>(),
        paths::ROLE_UPDATE => body::<roles::UpdateRole>(),
        paths::ROLE_DELETE => body::<roles::DeleteRole>(),
        paths::ASSIGNMENT_CREATE => body::<assignments::CreateAssignment>(),
        paths::ASSIGNMENT_REMOVE => body::<assignments::RemoveAssignment>(),
        paths::ACTIVATION_PREVIEW => body::<activation::PreviewActivation>(),
        paths::ACTIVATIONS => body::<activation::CreateActivation>(),
        paths::ACTIVATION_MFA_START | paths::ACTIVATION_CANCEL | paths::ACTIVATION_DEACTIVATE => {
            body::<activation::RequestRef>()
        }
        paths::ACTIVATION_MFA_FINISH => body::<activation::BoundCeremonyFinish>(),
        paths::ACTIVATION_MFA_TOTP => body::<activation::ActivationCode>(),
        paths::ACTIVATION_EXTEND_START => body::<activation::ExtendStart>(),
        paths::ACTIVATION_EXTEND_FINISH => body::<activation::ExtendFinish>(),
        paths::APPROVAL_START => body::<approvals::DecisionStart>(),
        paths::APPROVAL_FINISH => body::<approvals::DecisionFinish>(),
        _ => return None,
    })
}

/// The local benchmark decodes a shape that lives in the worker (it is not part of the contract
/// the SPA speaks), so only its presence is checked.
const BODY_OUTSIDE_SHARED: &[&str] = &[paths::BENCH];

#[test]
fn each_request_body_is_the_decoded_type_with_an_example_that_decodes() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        let what = format!("{} {path}", method.as_str());
        let content = &op["requestBody"]["content"]["application/json"];
        match request_body(method, &path) {
            Some((name, decode)) => {
                assert_eq!(
                    content["schema"]["$ref"].as_str(),
                    Some(format!("#/components/schemas/{name}").as_str()),
                    "{what}: the request schema"
                );
                let example = content.get("example").unwrap_or_else(|| panic!("{what}: no request example"));
                decode(example)
                    .unwrap_or_else(|e| panic!("{what}: the example does not decode as {name}: {e}"));
            }
            None if BODY_OUTSIDE_SHARED.contains(&path.as_str()) => {
                assert!(content["example"].is_object(), "{what}: no request example");
            }
            None => assert!(op.get("requestBody").is_none(), "{what} reads no body but documents one"),
        }
    }
}

#[test]
fn every_operation_documents_its_answer_and_the_error_body() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        let what = format!("{} {path}", method.as_str());
        let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{what}: no responses"));
        assert!(responses.keys().any(|k| k.starts_with('2')), "{what}: no success answer");
        assert!(responses.contains_key("default"), "{what}: no default (error) answer");
        let guarded = matches!(route(method, &path).access, Access::SignedIn | Access::Admin);
        assert_eq!(responses.contains_key("401"), guarded, "{what}: 401 for a missing session");
        if route(method, &path).access == Access::Admin {
            assert_eq!(
                responses["403"]["$ref"].as_str(),
                Some("#/components/responses/Forbidden"),
                "{what}: 403 forbidden for non-administrators"
            );
        }
        assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{what}: no summary");
    }
}

#[test]
fn the_operations_that_take_api_tokens_and_their_scopes_are_the_rules() {
    let doc = document();
    let mut taking = 0;
    for (method, path, op) in operations(&doc) {
        let what = format!("{} {path}", method.as_str());
        let documented = op["x-elevate-token-scope"].as_str();
        let rule = scope_for(method, &path);
        assert_eq!(documented, rule.map(TokenScope::as_str), "{what}: the token scope");
        let alternatives = op["security"].as_array().map(Vec::as_slice).unwrap_or_default();
        let accepts = alternatives.iter().any(|r| r.get("apiToken").is_some());
        assert_eq!(accepts, rule.is_some(), "{what}: the apiToken alternative");
        taking += usize::from(accepts);
    }
    assert!(taking >= 10, "only {taking} operations take tokens");
}
