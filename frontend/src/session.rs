//! Who is signed in, shared through context, and the ceremonies that change it.

use crate::activation::{Problem, Signing, TAP_MISMATCH, tap_is_for};
use crate::api::{self, ClientError};
use crate::webauthn::{self, Autofill, WebAuthnError};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{
    DiscoverableFinish, Me, PublicKeyCredential, RegistrationFinish, RegistrationStarted,
    RequestChallengeResponse, SignInFinish, SignInStart,
};
use elevate_shared::api::password::{SecondFactorChallenge, SecondFactorPasskey};
use elevate_shared::domain::{ActivationRequest, Digest};
use elevate_shared::ids::{CredentialName, Username};
use leptos::prelude::*;

/// What the portal knows about the person at the keyboard.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    /// Still asking the server.
    Loading,
    SignedOut {
        bootstrap_open: bool,
    },
    SignedIn(Box<Me>),
}

#[derive(Clone, Copy, Debug)]
pub struct Session(pub RwSignal<SessionState>);

impl Session {
    pub fn provide() -> Self {
        let session = Self(RwSignal::new(SessionState::Loading));
        provide_context(session);
        session.refresh();
        session
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Asks the server who is signed in.
    pub fn refresh(self) {
        leptos::task::spawn_local(async move {
            let state = match api::me().await {
                Ok(me) => SessionState::SignedIn(Box::new(me)),
                Err(_) => {
                    let open = api::bootstrap_status().await.map(|s| s.open).unwrap_or(false);
                    SessionState::SignedOut { bootstrap_open: open }
                }
            };
            self.0.set(state);
        });
    }

    pub fn me(self) -> Option<Me> {
        match self.0.get() {
            SessionState::SignedIn(me) => Some(*me),
            _ => None,
        }
    }

    /// The signed-in person as they are now, without tracking later changes.
    pub fn me_untracked(self) -> Option<Me> {
        self.0.with_untracked(|s| match s {
            SessionState::SignedIn(me) => Some((**me).clone()),
            _ => None,
        })
    }
}

/// Error text for a failed step, in the words a person needs.
pub fn explain(e: &ClientError) -> String {
    match e.code() {
        Some(ErrorCode::SignInFailed) => "That username has no passkey here, or sign-in failed.".to_owned(),
        _ => e.to_string(),
    }
}

/// The whole passkey sign-in: options from the server, a tap, verification, a session. Without a
/// username the passkey itself says who is signing in (a discoverable credential), so nothing
/// about which accounts exist is revealed before the tap.
pub async fn sign_in_with_passkey(username: &str) -> Result<Me, String> {
    if username.trim().is_empty() {
        let started = api::discover_start().await.map_err(|e| explain(&e))?;
        let credential = webauthn::get(&started.options).await.map_err(|e| e.to_string())?;
        let finish = DiscoverableFinish { ceremony_id: started.ceremony_id, credential };
        return api::discover_finish(&finish).await.map_err(|e| explain(&e));
    }
    let username = Username::normalise(username).map_err(|e| e.to_string())?;
    let started = api::sign_in_start(&SignInStart { username }).await.map_err(|e| explain(&e))?;
    let credential = webauthn::get(&started.options).await.map_err(|e| e.to_string())?;
    let finish = SignInFinish { user_id: started.user_id, ceremony_id: started.ceremony_id, credential };
    api::sign_in_finish(&finish).await.map_err(|e| explain(&e))
}

/// Completes a registration whose options the server has issued, naming the new passkey; `finish`
/// sends it and returns what the server answers (the passkey, or the signed-in person).
pub async fn register_passkey<T>(
    started: RegistrationStarted,
    name: CredentialName,
    finish: impl AsyncFnOnce(&RegistrationFinish) -> Result<T, ClientError>,
) -> Result<T, String> {
    let credential = webauthn::create(&started.options).await.map_err(|e| e.to_string())?;
    let body =
        RegistrationFinish { user_id: started.user_id, ceremony_id: started.ceremony_id, name, credential };
    finish(&body).await.map_err(|e| explain(&e))
}

/// Why a step with an authenticator failed: the browser produced no credential, or the server
/// refused the one it did.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CeremonyError {
    #[error(transparent)]
    Browser(#[from] WebAuthnError),
    #[error(transparent)]
    Server(#[from] ClientError),
}

/// The second factor of a password sign-in with a passkey or security key, as the challenge
/// asks for it (its options name the person's own credentials).
pub async fn second_factor_with_passkey(challenge: &SecondFactorChallenge) -> Result<Me, CeremonyError> {
    let Some(options) = &challenge.passkey else {
        return Err(WebAuthnError::Other("no passkey was offered".to_owned()).into());
    };
    let credential = webauthn::get(options).await?;
    let body = SecondFactorPasskey {
        user_id: challenge.user_id.clone(),
        ticket: challenge.ticket.clone(),
        credential,
    };
    Ok(api::second_factor_passkey(&body).await?)
}

/// A request-bound tap: the authenticator signs the ceremony's challenge only once the portal has
/// checked that it is the digest `what` calls for on the request shown, so what the person reads is
/// what they sign.
pub async fn bound_tap(
    request: &ActivationRequest,
    what: Signing<'_>,
    digest: &Digest,
    options: &RequestChallengeResponse,
) -> Result<PublicKeyCredential, Problem> {
    if !tap_is_for(request, what, digest, options) {
        return Err(Problem::new(TAP_MISMATCH));
    }
    webauthn::get(options).await.map_err(|e| Problem::new(e.to_string()))
}

/// How long a conditional request must have waited before its failure counts as a browser time-out
/// (worth asking again) rather than a refusal (not worth it), in milliseconds.
const AUTOFILL_TIMEOUT_MS: f64 = 10_000.0;

/// Passkey autofill: while the sign-in page is open, the username field offers the person's
/// passkeys, and picking one signs them in without a username (a discoverable sign-in). Returns
/// the signed-in person, or `None` once it is withdrawn — by another ceremony, by leaving the page
/// — or cannot run. `busy` says when a picked passkey is being checked; `failed` explains a pick
/// the server refused, after which the person may pick again.
pub async fn sign_in_with_autofill(busy: impl Fn(bool), failed: impl Fn(String)) -> Option<Me> {
    if !webauthn::autofill_available().await {
        return None;
    }
    let autofill = Autofill::begin();
    while !autofill.aborted() {
        // The server forgets an unused ceremony after a while; each wait gets a fresh one.
        let started = api::discover_start().await.ok()?;
        let asked_at = js_sys::Date::now();
        let credential = match autofill.get(&started.options).await {
            Ok(credential) => credential,
            Err(WebAuthnError::NotAllowed) if js_sys::Date::now() - asked_at >= AUTOFILL_TIMEOUT_MS => {
                continue;
            }
            Err(_) => return None,
        };
        busy(true);
        let result =
            api::discover_finish(&DiscoverableFinish { ceremony_id: started.ceremony_id, credential }).await;
        busy(false);
        match result {
            Ok(me) => return Some(me),
            Err(e) if e.code() == Some(ErrorCode::CeremonyNotFound) => {
                failed("That sign-in waited too long. Choose your passkey again.".to_owned())
            }
            Err(e) => failed(explain(&e)),
        }
    }
    None
}
