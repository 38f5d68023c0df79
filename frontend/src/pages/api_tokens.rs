//! "API tokens" on Security info, for administrators: tokens for scripts and the `elevate`
//! command line. A token is shown once, at creation (which needs an MFA in the last minutes);
//! the list shows what each may do, until when, when it was last used, and revokes it at once.

use super::format::{now, when};
use crate::api;
use crate::api_tokens::{read_form, scope_words, state};
use crate::browser;
use crate::components::status::outcome;
use crate::session::explain;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::tokens::{ApiTokenSecret, ApiTokenSummary, RevokeApiToken, TokenScope};
use leptos::prelude::*;

#[component]
pub fn ApiTokens() -> impl IntoView {
    let tokens = RwSignal::new(None::<Result<Vec<ApiTokenSummary>, String>>);
    let shown = RwSignal::new(None::<ApiTokenSecret>);
    let load = move || {
        leptos::task::spawn_local(async move {
            tokens.set(Some(api::api_tokens().await.map(|l| l.tokens).map_err(|e| explain(&e))));
        });
    };
    load();
    let reload = Callback::new(move |()| load());
    view! {
        <section class="card" aria-labelledby="api-tokens-heading">
            <h2 id="api-tokens-heading">"API tokens"</h2>
            <p class="meta">
                "For scripts and the "<code>"elevate"</code>" command line. A token acts as you, only within "
                "what you tick, and never activates a role."
            </p>
            <CreateToken reload=reload shown=shown />
            {move || shown.get().map(|token| view! { <ShownOnce token=token close=Callback::new(move |()| shown.set(None)) /> })}
            {move || match tokens.get() {
                None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" id="api-tokens-status">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="meta" id="api-tokens-none">"No tokens yet."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="list" id="api-token-list">
                        {list.into_iter().map(|t| view! { <TokenRow token=t reload=reload /> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CreateToken(reload: Callback<()>, shown: RwSignal<Option<ApiTokenSecret>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let days = RwSignal::new("30".to_owned());
    let scopes = RwSignal::new(vec![TokenScope::Read]);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match read_form(&name.get_untracked(), &scopes.get_untracked(), &days.get_untracked()) {
            Ok(b) => b,
            Err(e) => return message.set(Some(Err(e))),
        };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = api::create_api_token(&body).await;
            busy.set(false);
            match result {
                Ok(created) => {
                    name.set(String::new());
                    shown.set(Some(created.token));
                    reload.run(());
                }
                Err(e) if e.code() == Some(ErrorCode::MfaRequired) => message.set(Some(Err(format!(
                    "{} Sign in again with your passkey, or enter a code under “Verify it's you”, then create it.",
                    explain(&e)
                )))),
                Err(e) => message.set(Some(Err(explain(&e)))),
            }
        });
    };
    view! {
        <form class="token-create" on:submit=submit novalidate>
            <label for="api-token-name">"Name"</label>
            <input id="api-token-name" autocomplete="off" maxlength="64" placeholder="provisioning job"
                prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            <fieldset class="scopes">
                <legend>"It may"</legend>
                {TokenScope::ALL.iter().map(|&s| {
                    let id = format!("api-token-scope-{}", s.as_str());
                    let input_id = id.clone();
                    view! {
                        <label class="check" for=id>
                            <input id=input_id type="checkbox" prop:checked=move || scopes.with(|v| v.contains(&s))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    scopes.update(|v| {
                                        v.retain(|x| *x != s);
                                        if on { v.push(s); }
                                    });
                                } />
                            {scope_words(s)}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label for="api-token-days">"Days until it expires"</label>
            <input id="api-token-days" inputmode="numeric" maxlength="2"
                prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) />
            <button id="api-token-create" type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { "Creating…" } else { "Create token" }}
            </button>
            {move || outcome("api-token-create-status", message.get())}
        </form>
    }
}

/// The new token, this once, with a way to copy it.
#[component]
fn ShownOnce(token: ApiTokenSecret, close: Callback<()>) -> impl IntoView {
    let copied = RwSignal::new(None::<Result<String, String>>);
    let text = token.0.clone();
    let copy = move |_| {
        let text = text.clone();
        leptos::task::spawn_local(async move {
            copied.set(Some(browser::copy_outcome(&text, "the token").await));
        });
    };
    view! {
        <div class="invitation" role="region" aria-label="Your new token">
            <p><strong>"Copy it now: Elevate shows it only this once."</strong></p>
            <code id="api-token-secret" class="uri">{token.0}</code>
            <div class="actions">
                <button id="api-token-copy" type="button" class="primary" on:click=copy>"Copy token"</button>
                <button id="api-token-done" type="button" class="secondary" on:click=move |_| close.run(())>"Done"</button>
            </div>
            {move || outcome("api-token-copy-status", copied.get())}
        </div>
    }
}

#[component]
fn TokenRow(token: ApiTokenSummary, reload: Callback<()>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);
    let current = state(&token, now());
    let id = token.id.clone();
    let revoke = move |_| {
        let body = RevokeApiToken { id: id.clone() };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::revoke_api_token(&body).await;
            busy.set(false);
            match result {
                Ok(_) => reload.run(()),
                Err(e) => message.set(Some(Err(explain(&e)))),
            }
        });
    };
    let scopes: Vec<&str> = token.scopes.iter().map(|s| s.as_str()).collect();
    view! {
        <li class="passkey" data-token-state=current>
            <strong>{token.name.to_string()}</strong>
            <span class="meta">{format!("{} · may {}", current, scopes.join(", "))}</span>
            <span class="meta">
                {format!("created {} · expires {}", when(token.created_at), when(token.expires_at))}
                {token.last_used_at.map(|t| format!(" · last used {}", when(t)))}
            </span>
            {(current == "active").then(|| view! {
                <div class="method-actions">
                    <button type="button" class="secondary" id=format!("api-token-revoke-{}", token.id)
                        disabled=move || busy.get() on:click=revoke.clone()>"Revoke"</button>
                </div>
            })}
            {move || outcome(format!("api-token-status-{}", token.id), message.get())}
        </li>
    }
}
