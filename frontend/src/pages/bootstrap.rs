//! First-run setup: the first administrator enrols a passkey with the one-time bootstrap secret.

use crate::api;
use crate::session::{Session, explain, register_passkey};
use elevate_shared::api::auth::{BootstrapSecret, BootstrapStart};
use elevate_shared::ids::{CredentialName, DisplayName, Username};
use leptos::prelude::*;

#[component]
pub fn Bootstrap() -> impl IntoView {
    let session = Session::get();
    let secret = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let key_name = RwSignal::new("My passkey".to_owned());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        let parsed = (|| {
            Ok::<_, String>((
                BootstrapStart {
                    secret: BootstrapSecret(secret.get_untracked().trim().to_owned()),
                    username: Username::normalise(&username.get_untracked()).map_err(|e| e.to_string())?,
                    display_name: DisplayName::parse(display_name.get_untracked().trim())
                        .map_err(|e| e.to_string())?,
                },
                CredentialName::parse(key_name.get_untracked().trim()).map_err(|e| e.to_string())?,
            ))
        })();
        let (start, name) = match parsed {
            Ok(v) => v,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = match api::bootstrap_start(&start).await {
                Ok(started) => {
                    register_passkey(started, name, async |b| api::bootstrap_finish(b).await).await
                }
                Err(e) => Err(explain(&e)),
            };
            busy.set(false);
            match result {
                Ok(_) => session.refresh(),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <main class="narrow">
            <h1 class="brand-title">"Elevate"</h1>
            <form class="card" on:submit=submit>
                <h2>"First-run setup"</h2>
                <p>"Create the first administrator. You need the bootstrap secret that "
                   <code>"cargo xtask dev"</code>" printed (in production, the "
                   <code>"BOOTSTRAP_SECRET"</code>" secret). It works once."</p>
                <label for="bootstrap-secret">"Bootstrap secret"</label>
                <input id="bootstrap-secret" type="password" autocomplete="off" required
                    on:input=move |ev| secret.set(event_target_value(&ev)) />
                <label for="bootstrap-username">"Username"</label>
                <input id="bootstrap-username" autocomplete="username" autocapitalize="none" required
                    on:input=move |ev| username.set(event_target_value(&ev)) />
                <label for="bootstrap-display-name">"Your name"</label>
                <input id="bootstrap-display-name" autocomplete="name" required
                    on:input=move |ev| display_name.set(event_target_value(&ev)) />
                <label for="bootstrap-passkey-name">"Name for this passkey"</label>
                <input id="bootstrap-passkey-name" required prop:value=move || key_name.get()
                    on:input=move |ev| key_name.set(event_target_value(&ev)) />
                <button id="bootstrap-submit" type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Waiting for your authenticator…" } else { "Create administrator passkey" }}
                </button>
                {move || error.get().map(|e| view! { <p class="error" role="alert" id="bootstrap-error">{e}</p> })}
            </form>
        </main>
    }
}
