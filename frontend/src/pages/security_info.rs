//! Security info: the person's passkeys, and adding another.

use super::format::when;
use crate::api;
use crate::session::{Session, explain, register_passkey};
use elevate_shared::ids::CredentialName;
use leptos::prelude::*;

#[component]
pub fn SecurityInfo() -> impl IntoView {
    let session = Session::get();
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = match CredentialName::parse(name.get_untracked().trim()) {
            Ok(n) => n,
            Err(e) => return message.set(Some(Err(e.to_string()))),
        };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = match api::add_passkey_start().await {
                Ok(started) => {
                    register_passkey(started, name, async |b| api::add_passkey_finish(b).await).await
                }
                Err(e) => Err(explain(&e)),
            };
            busy.set(false);
            match result {
                Ok(p) => {
                    message.set(Some(Ok(format!("Added “{}”.", p.name))));
                    session.refresh();
                }
                Err(e) => message.set(Some(Err(e))),
            }
        });
    };

    view! {
        <h1>"Security info"</h1>
        <section class="card">
            <h2>"Passkeys and security keys"</h2>
            <ul class="list" id="passkey-list">
                {move || session.me().map(|me| me.passkeys.into_iter().map(|p| {
                    let backup = if p.backed_up { "Synced passkey" } else if p.backup_eligible { "Can sync" } else { "Device-bound" };
                    let used = p.last_used_at.map(when).unwrap_or_else(|| "never".to_owned());
                    view! {
                        <li class="passkey">
                            <strong>{p.name.to_string()}</strong>
                            <span class="meta">{backup}" · added "{when(p.created_at)}" · last used "{used}</span>
                        </li>
                    }
                }).collect_view())}
            </ul>
        </section>
        <form class="card" on:submit=add>
            <h2>"Add a passkey or security key"</h2>
            <label for="add-passkey-name">"Name"</label>
            <input id="add-passkey-name" placeholder="e.g. Blue security key" required
                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            <button id="add-passkey-submit" type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { "Waiting for your authenticator…" } else { "Add" }}
            </button>
            {move || message.get().map(|m| match m {
                Ok(text) => view! { <p class="ok" role="status" id="add-passkey-status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert" id="add-passkey-status">{text}</p> }.into_any(),
            })}
        </form>
    }
}
