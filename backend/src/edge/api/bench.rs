//! `POST /api/v1/bench`: runs one CPU-heavy verification `iterations` times inside workerd, so
//! that `cargo xtask bench` can time it from outside. (workerd freezes `Date.now()` while a
//! request computes, so the worker cannot time itself; the driver,
//! `tests/src/bin/workerd_bench.rs`, times whole requests with k runs and with none and divides
//! the difference by k.)
//!
//! **Never reachable in production.** It answers `404 not_found`, exactly like a path that does
//! not exist, unless the test clock is on; and [`crate::config::Config`] refuses `TEST_CLOCK=on`
//! unless `RP_ID` is `localhost`, which only the local test stacks use. It needs no session and
//! touches no account: everything it verifies comes in its body.
//!
//! The body names the operation and how many times to run it (`{"totp": {"iterations": k, …}}`):
//! - `totp`: [`totp::verify`] of `code` against `secret` (base32, SHA-1, 6 digits, 30 s, ±1
//!   step) at `now`, with no step accepted before;
//! - `assertion`: the relying party's [`RelyingParty::finish_authentication`] (webauthn-rs's
//!   passkey authentication, unchanged) of `credential` against `state`, with the relying party
//!   built from this worker's configuration, as sign-in builds it;
//! - `password`: [`PasswordHash::verify`] of `password` through WebCrypto, against a hash of the
//!   same password made once before the runs.
//!
//! - `audit_fill`: appends `events` synthetic events (numbered from `first`, so a resend appends
//!   nothing) to the audit log, as the activation and role paths write them, for the audit
//!   search and export bench. The one operation that writes: it fills the local log a bench
//!   stack starts with, and like the rest it does not exist where the test clock is off.
//!
//! Everything an operation needs besides the runs themselves (decoding, hashing the password,
//! building the relying party) is done also when `iterations` is 0, so the difference between
//! two requests is the runs alone. The answer counts the runs that verified: the work cannot be
//! optimised away, and the driver checks that every run succeeded.

use super::Ctx;
use crate::edge::crypto::WebCrypto;
use crate::edge::http;
use crate::error::AppError;
use crate::password::PasswordHash;
use crate::webauthn::RelyingParty;
use elevate_shared::api::password::{MAX_PASSWORD_BYTES, Password};
use elevate_shared::api::{ErrorCode, MAX_BODY_BYTES};
use elevate_shared::domain::totp::{self, TotpCode, TotpParams, TotpSecret};
use elevate_shared::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use webauthn_rs::prelude::{PasskeyAuthentication, PublicKeyCredential};
use worker::{Request, Response};

/// The most runs of a TOTP check in one request (each costs microseconds).
const MAX_TOTP_RUNS: u32 = 10_000;
/// The most runs of any other operation in one request (each costs milliseconds).
const MAX_RUNS: u32 = 200;

/// What to run, e.g. `{"totp": {"iterations": 1000, …}}`. Local measurement only, so its shape
/// lives here rather than in `shared::api`. Externally tagged: serde's internally tagged enums
/// buffer their fields and compile another copy of each field's decoder (the WebAuthn types'
/// cost ~23 KB of gzipped wasm); this shape reuses the decoders the worker already has.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum Bench {
    Totp { iterations: u32, secret: String, code: String, now: UnixMillis },
    Assertion { iterations: u32, state: Box<PasskeyAuthentication>, credential: Box<PublicKeyCredential> },
    Password { iterations: u32, password: Password },
    AuditFill { events: u32, first: u64, now: UnixMillis },
}

/// The most events one `audit_fill` request appends.
const MAX_FILL: u32 = 5_000;

/// Event `n` of a busy tenant's log: fifty people and twelve roles, requests and their
/// activations, assignments, settings changes and sign-ins, one in twenty failing, a second
/// apart, ending at `now`.
fn synthetic(n: u64, total_end: u64, now: UnixMillis) -> crate::audit_log::Entry {
    use elevate_shared::domain::RequestId;
    use elevate_shared::domain::audit::{Actor, AuditAction, AuditDraft, Target};
    use elevate_shared::ids::UserId;
    let person = |k: u64| UserId::parse(format!("{:08x}-0000-4000-8000-{:012x}", k % 50, k % 50)).ok();
    let role = format!("role-{:02}", n % 12);
    let request = RequestId::parse(format!("{:032x}", n / 3)).ok();
    let actor = person(n).map_or(Actor::System, Actor::User);
    let at = UnixMillis(now.0.saturating_sub(total_end.saturating_sub(n) * 1_000));
    let (action, target) = match n % 10 {
        0..=2 => (AuditAction::RequestCreated, request.clone().map_or(Target::None, Target::Request)),
        3..=5 => (AuditAction::RoleActivated, request.clone().map_or(Target::None, Target::Request)),
        6 => (AuditAction::AssignmentAdded, Target::None),
        7 => (AuditAction::RoleSettingsChanged, Target::None),
        _ => (AuditAction::SignedIn, Target::None),
    };
    let mut draft = AuditDraft::new(action, actor, target, at).detail("role", &role).detail("scope", "/");
    if let (Some(r), true) = (&request, n % 10 < 6) {
        draft = draft.for_request(r);
    }
    if n % 20 == 19 {
        draft = draft.failed();
    }
    crate::audit_log::Entry { id: format!("bench-{n}"), draft }
}

#[derive(Serialize)]
struct Ran {
    iterations: u32,
    verified: u32,
    /// Why the first run that did not verify was refused, if one did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    first_refusal: Option<String>,
}

fn not_found() -> AppError {
    AppError::api(ErrorCode::NotFound, "There is no such API endpoint.")
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::api(ErrorCode::BadRequest, message)
}

fn at_most(iterations: u32, max: u32) -> Result<u32, AppError> {
    if iterations > max {
        return Err(bad(format!("At most {max} iterations of this operation.")));
    }
    Ok(iterations)
}

/// The body, decoded from text: the Durable Objects decode their calls and stored ceremonies
/// from text too, so the WebAuthn types' decoders are shared rather than compiled again for
/// bytes (~8 KB of gzipped wasm). With both, the endpoint adds ~4 KB to the worker.
async fn read_bench(req: &mut Request) -> Result<Bench, AppError> {
    let text = req.text().await?;
    if text.len() > MAX_BODY_BYTES {
        return Err(AppError::api(ErrorCode::PayloadTooLarge, "The request body is too large."));
    }
    serde_json::from_str(&text).map_err(|e| bad(format!("The request body is not valid: {e}.")))
}

pub(crate) async fn run(ctx: &Ctx<'_>, req: &mut Request) -> Result<Response, AppError> {
    if !ctx.config.test_clock {
        return Err(not_found());
    }
    let ran = match read_bench(req).await? {
        Bench::Totp { iterations, secret, code, now } => {
            let k = at_most(iterations, MAX_TOTP_RUNS)?;
            let params = TotpParams::default();
            let secret = TotpSecret::from_base32(&secret).map_err(|e| bad(e.to_string()))?;
            let code = TotpCode::parse(&code, params.digits).map_err(|e| bad(e.to_string()))?;
            let mut ran = Ran { iterations: k, verified: 0, first_refusal: None };
            for _ in 0..k {
                match totp::verify(black_box(&secret), params, black_box(&code), black_box(now), None) {
                    Ok(_) => ran.verified += 1,
                    Err(e) => {
                        ran.first_refusal.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            ran
        }
        Bench::Assertion { iterations, state, credential } => {
            let k = at_most(iterations, MAX_RUNS)?;
            let rp = RelyingParty::new(&ctx.config)?;
            let mut ran = Ran { iterations: k, verified: 0, first_refusal: None };
            for _ in 0..k {
                match rp.finish_authentication(black_box(&credential), black_box(&state)) {
                    Ok(_) => ran.verified += 1,
                    Err(e) => {
                        ran.first_refusal.get_or_insert_with(|| e.to_string());
                    }
                }
            }
            ran
        }
        Bench::Password { iterations, password } => {
            let k = at_most(iterations, MAX_RUNS)?;
            if password.0.len() > MAX_PASSWORD_BYTES {
                return Err(bad(format!("A password has at most {MAX_PASSWORD_BYTES} bytes.")));
            }
            let hash = PasswordHash::new(&WebCrypto, &password).await?;
            let mut ran = Ran { iterations: k, verified: 0, first_refusal: None };
            for _ in 0..k {
                if hash.verify(&WebCrypto, &password).await? {
                    ran.verified += 1;
                } else {
                    ran.first_refusal.get_or_insert_with(|| "the password did not match".to_owned());
                }
            }
            ran
        }
        Bench::AuditFill { events, first, now } => {
            let k = at_most(events, MAX_FILL)?;
            let end = first + u64::from(k);
            let entries = (first..end).map(|n| synthetic(n, end, now)).collect();
            let appended =
                match crate::edge::stubs::audit(ctx.env, crate::rpc::AuditCall::Append(entries)).await? {
                    crate::rpc::AuditReply::Appended(n) => n,
                    other => return Err(crate::rpc::unexpected(&other)),
                };
            Ran { iterations: k, verified: u32::try_from(appended).unwrap_or(u32::MAX), first_refusal: None }
        }
    };
    http::json(200, &ran)
}
