//! Who is signed in, shared through context, and the ceremonies that change it.

use crate::api::{self, ClientError};
use crate::webauthn;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{DiscoverableFinish, Me, RegistrationFinish, SignInFinish, SignInStart};
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

/// Completes a registration whose options the server has issued, naming the new passkey.
pub async fn register_passkey(
    started: elevate_shared::api::auth::RegistrationStarted,
    name: CredentialName,
    finish: impl AsyncFnOnce(
        &RegistrationFinish,
    ) -> Result<elevate_shared::api::auth::PasskeySummary, ClientError>,
) -> Result<elevate_shared::api::auth::PasskeySummary, String> {
    let credential = webauthn::create(&started.options).await.map_err(|e| e.to_string())?;
    let body =
        RegistrationFinish { user_id: started.user_id, ceremony_id: started.ceremony_id, name, credential };
    finish(&body).await.map_err(|e| explain(&e))
}
