//! Joining Elevate with an administrator's invitation: who it is for, then a passkey (or security
//! key) or a password, after which the person is signed in.
//!
//! The code arrives in the link's fragment, which never reaches a server log. It is taken off the
//! address bar at once and kept only in this page's memory; a reload asks for the link again.

use super::format::when;
use crate::api;
use crate::browser;
use crate::password::read_new_password;
use crate::routes::{Page, invitation_code};
use crate::session::{Session, SessionState, explain, register_passkey};
use elevate_shared::api::password::MIN_PASSWORD_CHARS;
use elevate_shared::api::users::{EnrolPasskeyFinish, EnrolPassword, EnrolStatus, EnrolWith, InvitationCode};
use elevate_shared::ids::CredentialName;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

#[component]
pub fn Enrol() -> impl IntoView {
    let from_link = invitation_code(&browser::fragment());
    if from_link.is_some() {
        browser::drop_fragment();
    }
    let code = RwSignal::new(from_link);
    // `None` while the server is asked who the invitation is for.
    let status = RwSignal::new(None::<Result<EnrolStatus, String>>);
    let check = move |c: InvitationCode| {
        status.set(None);
        code.set(Some(c.clone()));
        leptos::task::spawn_local(async move {
            status.set(Some(api::enrol_status(&EnrolWith { code: c }).await.map_err(|e| explain(&e))));
        });
    };
    if let Some(c) = code.get_untracked() {
        check(c);
    }

    view! {
        <main class="narrow">
            <h1 class="brand-title">"Elevate"</h1>
            {move || match (code.get(), status.get()) {
                (None, _) => view! { <PasteLink check=Callback::new(check) problem=None /> }.into_any(),
                (Some(_), None) => view! {
                    <p class="card meta" role="status" id="enrol-checking">"Checking your invitation…"</p>
                }.into_any(),
                (Some(_), Some(Err(e))) => view! { <PasteLink check=Callback::new(check) problem=Some(e) /> }.into_any(),
                (Some(c), Some(Ok(invited))) => view! { <Choose code=c invited=invited /> }.into_any(),
            }}
        </main>
    }
}

/// Asking for the link when the page was opened without one, or with one that does not work.
#[component]
fn PasteLink(check: Callback<InvitationCode>, problem: Option<String>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match invitation_code(&typed.get_untracked()) {
            Some(c) => check.run(c),
            None => error.set(Some("Paste the whole link from your invitation.".to_owned())),
        }
    };
    view! {
        <form class="card" on:submit=submit novalidate>
            <h2>"Join Elevate"</h2>
            {problem.map(|p| view! { <p class="error" role="alert" id="enrol-error">{p}</p> })}
            <p>"An administrator sends you a link to set up how you sign in. Open it, or paste it here."</p>
            <label for="enrol-code">"Invitation link"</label>
            <input id="enrol-code" autocomplete="off" autocapitalize="none" spellcheck="false"
                on:input=move |ev| typed.set(event_target_value(&ev)) />
            <button id="enrol-code-submit" type="submit" class="primary">"Continue"</button>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </form>
    }
}

/// Which way of finishing is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Busy {
    Passkey,
    Password,
}

impl Busy {
    const fn progress(self) -> &'static str {
        match self {
            Busy::Passkey => "Waiting for your authenticator…",
            Busy::Password => "Signing in…",
        }
    }
}

/// Who the invitation is for, and the two ways to finish: a passkey, or a password.
#[component]
fn Choose(code: InvitationCode, invited: EnrolStatus) -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let code = StoredValue::new(code);
    let key_name = RwSignal::new("My passkey".to_owned());
    let password = RwSignal::new(String::new());
    // Which of the two is running; both wait while either does.
    let busy = RwSignal::new(None::<Busy>);
    let passkey_error = RwSignal::new(None::<String>);
    let password_error = RwSignal::new(None::<String>);
    let username = invited.username.clone();

    let done = move |me| {
        session.0.set(SessionState::SignedIn(Box::new(me)));
        navigate(&Page::SecurityInfo.href(), NavigateOptions::default());
    };

    let done_passkey = done.clone();
    let with_passkey = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = match CredentialName::parse(key_name.get_untracked().trim()) {
            Ok(n) => n,
            Err(e) => return passkey_error.set(Some(e.to_string())),
        };
        busy.set(Some(Busy::Passkey));
        passkey_error.set(None);
        password_error.set(None);
        let done = done_passkey.clone();
        leptos::task::spawn_local(async move {
            let code = code.get_value();
            let result = match api::enrol_passkey_start(&EnrolWith { code: code.clone() }).await {
                Ok(started) => {
                    register_passkey(started, name, async |registration| {
                        let body = EnrolPasskeyFinish { code, registration: registration.clone() };
                        api::enrol_passkey_finish(&body).await
                    })
                    .await
                }
                Err(e) => Err(explain(&e)),
            };
            busy.set(None);
            match result {
                Ok(me) => done(me),
                Err(e) => passkey_error.set(Some(e)),
            }
        });
    };

    let for_check = invited.username.clone();
    let with_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let secret = match read_new_password(&password.get_untracked(), &for_check) {
            Ok(p) => p,
            Err(e) => return password_error.set(Some(e)),
        };
        busy.set(Some(Busy::Password));
        passkey_error.set(None);
        password_error.set(None);
        let done = done.clone();
        leptos::task::spawn_local(async move {
            let body = EnrolPassword { code: code.get_value(), password: secret };
            let result = api::enrol_password(&body).await;
            busy.set(None);
            match result {
                Ok(me) => done(me),
                Err(e) => password_error.set(Some(explain(&e))),
            }
        });
    };

    let idle = move || busy.get().is_none();
    view! {
        <section class="card" aria-labelledby="enrol-for">
            <h2 id="enrol-for">"Welcome, "{invited.display_name.to_string()}</h2>
            <p>
                "This invitation sets up how you sign in to Elevate as "
                <strong id="enrol-username">{invited.username.to_string()}</strong>
                ". It works once, until "{when(invited.expires_at)}"."
            </p>
            {move || session.me().map(|me| view! {
                <p class="warning-text">
                    "This browser is signed in as "{me.display_name.to_string()}
                    ". Finishing here signs you in as the invited person instead."
                </p>
            })}
        </section>
        <form class="card" on:submit=with_passkey aria-labelledby="enrol-passkey-heading" novalidate>
            <h2 id="enrol-passkey-heading">"Use a passkey or security key"</h2>
            <p class="meta">"Recommended: nobody can phish it, and it counts as MFA."</p>
            <label for="enrol-key-name">"Name for this passkey"</label>
            <input id="enrol-key-name" required maxlength="64" prop:value=move || key_name.get()
                on:input=move |ev| key_name.set(event_target_value(&ev)) />
            <button id="enrol-passkey" type="submit" class="primary" disabled=move || !idle()>
                {move || if busy.get() == Some(Busy::Passkey) { Busy::Passkey.progress() } else { "Create a passkey" }}
            </button>
            {move || passkey_error.get().map(|e| view! { <p class="error" role="alert" id="enrol-passkey-error">{e}</p> })}
        </form>
        <form class="card" on:submit=with_password aria-labelledby="enrol-password-heading" novalidate>
            <h2 id="enrol-password-heading">"Use a password"</h2>
            <p class="meta">
                {format!("At least {MIN_PASSWORD_CHARS} characters; a few unrelated words work well. ")}
                "A password alone is the weakest way in: add a passkey or an authenticator app afterwards."
            </p>
            // For password managers: the account the new password belongs to.
            <input type="text" name="username" autocomplete="username" hidden readonly prop:value=username.to_string() />
            <label for="enrol-password">"New password"</label>
            <input id="enrol-password" type="password" autocomplete="new-password" required
                minlength=MIN_PASSWORD_CHARS.to_string() prop:value=move || password.get()
                on:input=move |ev| password.set(event_target_value(&ev)) />
            <button id="enrol-password-submit" type="submit" class="secondary" disabled=move || !idle()>
                {move || if busy.get() == Some(Busy::Password) { Busy::Password.progress() } else { "Set password and sign in" }}
            </button>
            {move || password_error.get().map(|e| view! { <p class="error" role="alert" id="enrol-password-error">{e}</p> })}
        </form>
        <p class="sr-only" role="status" aria-live="polite" id="enrol-progress">{move || busy.get().map(Busy::progress)}</p>
    }
}
