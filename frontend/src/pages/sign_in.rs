//! Sign-in with a passkey.

use crate::session::{Session, SessionState, sign_in_with_passkey};
use leptos::prelude::*;

#[component]
pub fn SignIn() -> impl IntoView {
    let session = Session::get();
    let username = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match sign_in_with_passkey(&username.get_untracked()).await {
                Ok(me) => session.0.set(SessionState::SignedIn(Box::new(me))),
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="narrow">
            <h1 class="brand-title">"Elevate"</h1>
            <form class="card" on:submit=submit>
                <h2>"Sign in"</h2>
                <label for="sign-in-username">"Username " <span class="meta">"(not needed with a passkey)"</span></label>
                <input id="sign-in-username" name="username" autocomplete="username webauthn"
                    autocapitalize="none" spellcheck="false"
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev)) />
                <button id="sign-in-submit" type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Waiting for your passkey…" } else { "Sign in with a passkey" }}
                </button>
                {move || error.get().map(|e| view! { <p class="error" role="alert" id="sign-in-error">{e}</p> })}
            </form>
        </main>
    }
}
