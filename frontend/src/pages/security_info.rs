//! Security info: sign-ins waiting for the person's second factor (with "this wasn't me"), their
//! passkeys, authenticator apps and password, proving presence again with a code, and their
//! sessions.
//!
//! Each card keeps its state in its own signals, created once: refreshing the session after a
//! change re-renders only the lists and what depends on them, never a setup in progress.

use super::format::{clock, when};
use crate::api;
use crate::browser;
use crate::components::qr::Qr;
use crate::components::status::outcome;
use crate::password::{explain_set_password, fraud_report_outcome, read_new_password};
use crate::session::{Session, SessionState, explain, register_passkey};
use crate::totp::{
    DEFAULT_NAME, code_lengths, describe, explain_setup, group_key, max_length, pattern, read_code,
    setup_is_over,
};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::{MySessions, RevokeSession};
use elevate_shared::api::mfa::{
    RemoveMethod, RenameMethod, TotpEnrolmentFinish, TotpEnrolmentStart, TotpEnrolmentStarted, TotpVerify,
};
use elevate_shared::api::password::{
    FraudReport, FraudReported, MIN_PASSWORD_CHARS, PASSWORD_CHANGE_MFA_WINDOW_MINS, PendingPrompt,
    SetPassword,
};
use elevate_shared::domain::ids::MethodId;
use elevate_shared::ids::{CeremonyId, CredentialName};
use leptos::html;
use leptos::prelude::*;
use std::time::Duration;

/// How often the waiting sign-ins are asked for while the page is open.
const PROMPT_POLL: Duration = Duration::from_secs(10);

#[component]
pub fn SecurityInfo() -> impl IntoView {
    // Bumped when something elsewhere on the page ended sessions, so the list asks again.
    let sessions_changed = RwSignal::new(0_u32);
    let session = Session::get();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    view! {
        <h1>"Security info"</h1>
        <PasswordOnly />
        <Prompts sessions_changed=sessions_changed />
        <Passkeys />
        <AuthenticatorApps />
        <PasswordCard />
        <StepUp />
        <Sessions changed=sessions_changed />
        <Show when=move || is_admin.get()>
            <super::api_tokens::ApiTokens />
        </Show>
    }
}

/// A nudge for people who sign in with a password alone (e.g. just after enrolling with one).
#[component]
fn PasswordOnly() -> impl IntoView {
    let session = Session::get();
    let alone = Memo::new(move |_| {
        session.me().is_some_and(|me| me.passkeys.is_empty() && me.totp_methods.is_empty())
    });
    view! {
        <Show when=move || alone.get()>
            <section class="card callout info" id="add-mfa-hint" role="note">
                <h2>"Add a second way to prove it's you"</h2>
                <p>
                    "You sign in with a password alone. Add a passkey or an authenticator app below: then a "
                    "stolen password is not enough to get in, and roles that need MFA become possible."
                </p>
            </section>
        </Show>
    }
}

/// "Sign-in requests waiting for you": password sign-ins waiting for this person's second factor,
/// asked for again every few seconds while the page is open. One the person did not start means
/// their password is known; reporting it locks the account until an administrator unlocks it.
#[component]
fn Prompts(sessions_changed: RwSignal<u32>) -> impl IntoView {
    let prompts = RwSignal::new(None::<Result<Vec<PendingPrompt>, String>>);
    // The prompt whose report awaits a second click.
    let confirming = RwSignal::new(None::<CeremonyId>);
    let busy = RwSignal::new(false);
    let reported = RwSignal::new(None::<Result<FraudReported, String>>);
    let session = Session::get();
    let load = move || {
        leptos::task::spawn_local(async move {
            let answer = api::my_prompts().await;
            if answer.as_ref().is_err_and(|e| e.code() == Some(ErrorCode::Unauthenticated)) {
                // The session ended elsewhere: the portal signs out here too.
                return session.refresh();
            }
            let answer = Some(answer.map(|p| p.prompts).map_err(|e| explain(&e)));
            // An unchanged answer leaves the list alone, so focus stays on its buttons.
            if prompts.with_untracked(|now| *now != answer) {
                prompts.set(answer);
            }
        })
    };
    load();
    if let Ok(poll) = set_interval_with_handle(load, PROMPT_POLL) {
        on_cleanup(move || poll.clear());
    }

    let report = move |_| {
        let ticket = confirming.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::report_fraud(&FraudReport { ticket }).await;
            busy.set(false);
            confirming.set(None);
            reported.set(Some(result.map_err(|e| explain(&e))));
            sessions_changed.update(|n| *n += 1);
            load();
        });
    };

    let prompt_item = move |p: PendingPrompt| {
        let ticket = p.ticket.clone();
        let device = p.user_agent.unwrap_or_else(|| "an unknown browser".to_owned());
        view! {
            <li class="prompt" data-ticket=p.ticket.to_string()>
                <strong>"Your password was entered at "{clock(p.started_at)}</strong>
                <span class="meta">"From "{device}" · waits until "{clock(p.expires_at)}</span>
                <span class="meta">"If that was you, finish signing in there. If not, someone knows your password."</span>
                <div class="method-actions">
                    <button type="button" class="small danger" id=format!("fraud-{}", p.ticket)
                        disabled=move || busy.get() on:click=move |_| confirming.set(Some(ticket.clone()))>
                        "This wasn't me"
                    </button>
                </div>
            </li>
        }
    };

    let confirm = move || {
        confirming.get().map(|_| {
            let heading = NodeRef::<html::H3>::new();
            heading.on_load(|el| {
                let _ = el.focus();
            });
            view! {
                <div class="confirm" role="group" aria-labelledby="fraud-confirm-heading">
                    <h3 id="fraud-confirm-heading" tabindex="-1" node_ref=heading>"Report this sign-in?"</h3>
                    <p class="warning-text">
                        "Elevate will cancel the waiting sign-in, sign you out everywhere else, and lock your "
                        "account until an administrator unlocks it. You stay signed in here to see what happened."
                    </p>
                    <div class="actions">
                        <button type="button" class="small danger" id="fraud-confirm" on:click=report
                            disabled=move || busy.get()>
                            {move || if busy.get() { "Reporting…" } else { "Report it and lock my account" }}
                        </button>
                        <button type="button" class="small secondary" id="fraud-keep"
                            on:click=move |_| confirming.set(None) disabled=move || busy.get()>
                            "Cancel"
                        </button>
                    </div>
                </div>
            }
        })
    };

    let outcome = move || {
        reported.get().map(|r| match r {
            Ok(r) => view! {
                <div class="callout" id="fraud-result" role="alert">
                    <h3>"Your account is locked"</h3>
                    <p>{fraud_report_outcome(&r)}</p>
                    <p>"Whoever started that sign-in knows your password. What to do now:"</p>
                    <ol>
                        <li>"Contact an administrator: only they can unlock your account. Until then nobody can sign in as you, you included."</li>
                        <li>"Once it is unlocked, change your password below."</li>
                        <li>"Check “Your sessions”: your other sessions have been signed out."</li>
                    </ol>
                </div>
            }
            .into_any(),
            Err(e) => view! { <p class="error" role="alert" id="fraud-result">{e}</p> }.into_any(),
        })
    };

    view! {
        <section class="card" aria-labelledby="prompts-heading">
            <h2 id="prompts-heading">"Sign-in requests waiting for you"</h2>
            {outcome}
            {move || match prompts.get() {
                None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" id="prompts-status">{e}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <p class="meta" id="prompts-none">
                        "None right now. When someone enters your password, the sign-in waits here for your second factor."
                    </p>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="list" id="prompt-list" aria-live="polite">
                        {list.into_iter().map(prompt_item).collect_view()}
                    </ul>
                }.into_any(),
            }}
            {confirm}
        </section>
    }
}

/// Setting a password, or changing the one there is (which needs a recent check that it's you).
/// `Me` does not say whether a password is set, so the card serves both.
#[component]
fn PasswordCard() -> impl IntoView {
    let session = Session::get();
    let new = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);
    // The server asked for a recent check, and the person can give one with a code here.
    let step_up_first = RwSignal::new(false);
    let username = move || session.me().map(|me| me.username.to_string()).unwrap_or_default();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(me) = session.0.with_untracked(|s| match s {
            SessionState::SignedIn(me) => Some((me.username.clone(), !me.totp_methods.is_empty())),
            _ => None,
        }) else {
            return;
        };
        let (name, can_step_up) = me;
        let password = match read_new_password(&new.get_untracked(), &name) {
            Ok(p) => p,
            Err(e) => return message.set(Some(Err(e))),
        };
        busy.set(true);
        message.set(None);
        step_up_first.set(false);
        leptos::task::spawn_local(async move {
            let result = api::set_password(&SetPassword { new: password }).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    new.set(String::new());
                    message.set(Some(Ok("Password saved.".to_owned())));
                }
                Err(e) => {
                    step_up_first.set(e.code() == Some(ErrorCode::MfaRequired) && can_step_up);
                    message.set(Some(Err(explain_set_password(&e, can_step_up))));
                }
            }
        });
    };

    view! {
        <form class="card" on:submit=submit novalidate aria-labelledby="password-heading">
            <h2 id="password-heading">"Password"</h2>
            <p class="meta">
                "Set a password, or change the one you have. When you have a passkey or an authenticator app, "
                "Elevate asks for one of them after your password too. Changing a password needs a check that "
                "it's you from the last "{PASSWORD_CHANGE_MFA_WINDOW_MINS}" minutes."
            </p>
            // For password managers: the account the new password belongs to.
            <input type="text" name="username" autocomplete="username" hidden readonly prop:value=username />
            <label for="new-password">"New password"</label>
            <input id="new-password" type="password" autocomplete="new-password" required
                minlength=MIN_PASSWORD_CHARS.to_string() prop:value=move || new.get()
                on:input=move |ev| new.set(event_target_value(&ev)) />
            <p class="meta">{format!("At least {MIN_PASSWORD_CHARS} characters; a few unrelated words work well.")}</p>
            <button id="set-password" type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { "Saving…" } else { "Save password" }}
            </button>
            {move || outcome("password-status", message.get())}
            <Show when=move || step_up_first.get()>
                <button id="password-step-up" type="button" class="secondary"
                    on:click=move |_| browser::focus("stepup-code")>
                    "Go to “Verify it's you”"
                </button>
            </Show>
        </form>
    }
}

/// "My sessions": every browser signed in as this person, with a way to end the others. Asks
/// again whenever `changed` moves.
#[component]
fn Sessions(changed: RwSignal<u32>) -> impl IntoView {
    let session = Session::get();
    let list = RwSignal::new(None::<Result<MySessions, String>>);
    let load = move || {
        leptos::task::spawn_local(async move {
            list.set(Some(api::my_sessions().await.map_err(|e| explain(&e))));
        })
    };
    Effect::new(move |_| {
        changed.track();
        load();
    });
    let revoke = move |id: String, current: bool| {
        leptos::task::spawn_local(async move {
            match api::revoke_session(&RevokeSession { id }).await {
                Ok(_) if current => session.refresh(),
                Ok(_) => load(),
                Err(e) => list.set(Some(Err(explain(&e)))),
            }
        })
    };
    view! {
        <section class="card">
            <h2>"Your sessions"</h2>
            <p class="meta">"Every browser signed in as you. Sign out any you don't recognise."</p>
            {move || match list.get() {
                None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" id="sessions-status">{e}</p> }.into_any(),
                Some(Ok(mine)) => view! {
                    <ul class="list" id="session-list">
                        {mine.sessions.into_iter().map(|s| {
                            let (id, current) = (s.id.clone(), s.current);
                            let device = s.user_agent.clone().unwrap_or_else(|| "Unknown browser".to_owned());
                            view! {
                                <li class="session" data-session-current=current.to_string()>
                                    <strong>{if current { "This browser".to_owned() } else { device.clone() }}</strong>
                                    <span class="meta">
                                        "Signed in "{when(s.created_at)}" · last active "{when(s.last_seen_at)}
                                        " · ends by "{when(s.expires_at)}
                                    </span>
                                    {current.then(|| view! { <span class="meta">{device}</span> })}
                                    <div class="method-actions">
                                        <button type="button" class="small secondary" data-revoke-session=id.clone()
                                            on:click=move |_| revoke(id.clone(), current)>
                                            {if current { "Sign out here" } else { "Sign out" }}
                                        </button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Passkeys() -> impl IntoView {
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
        <section class="card">
            <h2>"Passkeys and security keys"</h2>
            <ul class="list" id="passkey-list">
                {move || session.me().map(|me| { let last = me.passkeys.len() == 1; me.passkeys.into_iter().map(move |p| {
                    let backup = if p.backed_up { "Synced passkey" } else if p.backup_eligible { "Can sync" } else { "Device-bound" };
                    let used = p.last_used_at.map(when).unwrap_or_else(|| "never".to_owned());
                    view! {
                        <li class="passkey">
                            <strong>{p.name.to_string()}</strong>
                            <span class="meta">{p.kind.label()}" · "{backup}" · added "{when(p.created_at)}" · last used "{used}</span>
                            {p.aaguid.clone().map(|a| view! { <span class="meta aaguid">"Model (AAGUID) "{a}</span> })}
                            <MethodActions id=p.credential_id.clone() name=p.name.to_string() last_passkey=last />
                        </li>
                    }
                }).collect_view() })}
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
            {move || outcome("add-passkey-status", message.get())}
        </form>
    }
}

/// Rename and remove for one method. Removing asks for a second click, and says what is lost;
/// the server refuses to remove the last passkey, which is the only way to sign in.
#[component]
fn MethodActions(id: String, name: String, last_passkey: bool) -> impl IntoView {
    let session = Session::get();
    let renaming = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let new_name = RwSignal::new(name.clone());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let method = MethodId::parse(id.clone());
    let (m1, m2) = (method.clone(), method);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(id), Ok(name)) = (m1.clone(), CredentialName::parse(new_name.get_untracked().trim())) else {
            return error
                .set(Some("Names are 1 to 64 characters, without leading or trailing spaces.".into()));
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::rename_method(&RenameMethod { id, name }).await {
                Ok(_) => {
                    renaming.set(false);
                    error.set(None);
                    session.refresh();
                }
                Err(e) => error.set(Some(explain(&e))),
            }
            busy.set(false);
        });
    };
    let remove = move |_| {
        let Ok(id) = m2.clone() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            match api::remove_method(&RemoveMethod { id }).await {
                Ok(_) => session.refresh(),
                Err(e) => {
                    error.set(Some(explain(&e)));
                    confirming.set(false);
                }
            }
            busy.set(false);
        });
    };
    let rename_form = move || {
        let (id, save) = (id.clone(), save.clone());
        view! {
            <form class="inline" on:submit=save>
                <label class="sr-only" for=format!("rename-{id}")>"New name"</label>
                <input id=format!("rename-{id}") data-rename-input=id.clone() prop:value=move || new_name.get()
                    on:input=move |ev| new_name.set(event_target_value(&ev)) />
                <button type="submit" class="small" data-rename-save=id.clone() disabled=move || busy.get()>"Save"</button>
                <button type="button" class="small secondary" on:click=move |_| renaming.set(false)>"Cancel"</button>
            </form>
        }
    };
    let label = name.clone();
    let buttons = move || {
        let label = label.clone();
        view! {
            <button type="button" class="small secondary" data-rename=label.clone()
                on:click=move |_| renaming.set(true)>"Rename"</button>
            <button type="button" class="small secondary" data-remove=label
                on:click=move |_| confirming.set(true)>"Remove"</button>
        }
    };
    let confirm = move || {
        let (name, remove) = (name.clone(), remove.clone());
        let warning = if last_passkey {
            "This is your only passkey: you could not sign in without it. Add another first."
        } else {
            "It stops working for Elevate at once. If a role needs MFA and this is your last method, you cannot activate it."
        };
        view! {
            <p class="warning">{warning}</p>
            <button type="button" class="small danger" data-confirm-remove=name
                on:click=remove disabled=move || busy.get()>"Remove it"</button>
            <button type="button" class="small secondary" on:click=move |_| confirming.set(false)>"Keep it"</button>
        }
    };
    view! {
        <div class="method-actions">
            {move || renaming.get().then(rename_form.clone())}
            {move || (!renaming.get() && !confirming.get()).then(buttons.clone())}
            {move || confirming.get().then(confirm.clone())}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </div>
    }
}

/// The person's authenticator apps, and setting one up: start (the server draws a key), show the
/// key as a QR code and as text, then turn it on with a first code.
#[component]
fn AuthenticatorApps() -> impl IntoView {
    let session = Session::get();
    let methods = Memo::new(move |_| session.me().map(|me| me.totp_methods).unwrap_or_default());
    let name = RwSignal::new(DEFAULT_NAME.to_owned());
    let code = RwSignal::new(String::new());
    // The enrolment in progress; it holds the key, so it is dropped as soon as it is over.
    let setup = RwSignal::new(None::<TotpEnrolmentStarted>);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);
    // Focus returns to the start button after a setup ends, but is not taken on first render.
    let refocus_start = RwSignal::new(false);
    let code_input = NodeRef::<html::Input>::new();

    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let app_name = match CredentialName::parse(name.get_untracked().trim()) {
            Ok(n) => n,
            Err(e) => return message.set(Some(Err(e.to_string()))),
        };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = api::totp_start(&TotpEnrolmentStart { name: app_name }).await;
            busy.set(false);
            match result {
                Ok(started) => {
                    code.set(String::new());
                    setup.set(Some(started));
                }
                Err(e) => message.set(Some(Err(explain_setup(&e)))),
            }
        });
    };

    let end_setup = move || {
        setup.set(None);
        code.set(String::new());
        refocus_start.set(true);
    };

    let verify = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((enrolment_id, digits)) =
            setup.with_untracked(|s| s.as_ref().map(|s| (s.enrolment_id.clone(), s.params.digits)))
        else {
            return;
        };
        let typed = match read_code(&code.get_untracked(), &[digits]) {
            Ok(c) => c,
            Err(e) => return message.set(Some(Err(e))),
        };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = api::totp_finish(&TotpEnrolmentFinish { enrolment_id, code: typed }).await;
            busy.set(false);
            match result {
                Ok(method) => {
                    end_setup();
                    name.set(DEFAULT_NAME.to_owned());
                    message.set(Some(Ok(format!("“{}” is on.", method.name))));
                    session.refresh();
                }
                Err(e) if setup_is_over(&e) => {
                    end_setup();
                    message.set(Some(Err(explain_setup(&e))));
                }
                Err(e) => {
                    // A rejected code is spent either way: clear it for the next one.
                    code.set(String::new());
                    message.set(Some(Err(explain_setup(&e))));
                    if let Some(input) = code_input.get_untracked() {
                        let _ = input.focus();
                    }
                }
            }
        });
    };

    let cancel = move |_| {
        // The server forgets the enrolment when it expires; nothing was turned on.
        end_setup();
        message.set(None);
    };

    let start_form = move || {
        let start_button = NodeRef::<html::Button>::new();
        start_button.on_load(move |el| {
            if refocus_start.get_untracked() {
                refocus_start.set(false);
                let _ = el.focus();
            }
        });
        view! {
            <form class="stack" on:submit=start>
                <label for="totp-name">"Name"</label>
                <input id="totp-name" required maxlength="64" autocomplete="off"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <button id="totp-start" type="submit" class="primary" node_ref=start_button
                    disabled=move || busy.get()>
                    {move || if busy.get() { "Starting…" } else { "Set up an authenticator app" }}
                </button>
            </form>
        }
    };

    let setup_panel = move |started: TotpEnrolmentStarted| {
        let digits = started.params.digits.get();
        let heading = NodeRef::<html::H3>::new();
        heading.on_load(|el| {
            let _ = el.focus();
        });
        let uri = started.otpauth_uri;
        view! {
            <div class="totp-setup">
                <h3 tabindex="-1" node_ref=heading>"Add Elevate to your app"</h3>
                <p>"Scan this QR code with your authenticator app."</p>
                <div id="totp-qr" class="qr-frame">
                    <Qr text=uri.clone() label="QR code that adds Elevate to an authenticator app" />
                </div>
                <p class="meta">
                    "On this phone? "<a id="totp-open" href=uri.clone()>"Open it in your authenticator app"</a>"."
                </p>
                <p class="hint">"Can't scan? Enter this key:"</p>
                <p id="totp-secret" class="secret">{group_key(&started.secret_base32)}</p>
                <p class="meta">"Time-based · "{describe(started.params)}</p>
                <details class="setup-link">
                    <summary>"Show setup link"</summary>
                    <code id="totp-uri" class="uri">{uri}</code>
                </details>
                <form class="stack" on:submit=verify novalidate>
                    <label for="totp-code">{format!("Enter the {digits}-digit code the app shows")}</label>
                    <input id="totp-code" node_ref=code_input inputmode="numeric" autocomplete="one-time-code"
                        pattern=format!("[0-9]{{{digits}}}") maxlength=digits.to_string() required
                        spellcheck="false" prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev)) />
                    <p class="meta">"Finish by "{clock(started.expires_at)}"."</p>
                    <div class="actions">
                        <button id="totp-verify" type="submit" class="primary" disabled=move || busy.get()>
                            {move || if busy.get() { "Checking…" } else { "Verify and turn on" }}
                        </button>
                        <button id="totp-cancel" type="button" class="secondary" on:click=cancel
                            disabled=move || busy.get()>
                            "Cancel"
                        </button>
                    </div>
                </form>
            </div>
        }
    };

    view! {
        <section class="card" aria-labelledby="totp-heading">
            <h2 id="totp-heading">"Authenticator app"</h2>
            <ul class="list" id="totp-list">
                {move || methods.get().into_iter().map(|m| {
                    let used = m.last_used_at.map(when).unwrap_or_else(|| "never".to_owned());
                    view! {
                        <li class="totp-method">
                            <strong>{m.name.to_string()}</strong>
                            <span class="meta">{describe(m.params)}" · added "{when(m.created_at)}" · last used "{used}</span>
                            <MethodActions id=m.id.to_string() name=m.name.to_string() last_passkey=false />
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || methods.with(Vec::is_empty).then(|| view! {
                <p class="meta" id="totp-none">"None yet. An app on your phone can give you codes to prove it's you."</p>
            })}
            {move || match setup.get() {
                None => start_form().into_any(),
                Some(started) => setup_panel(started).into_any(),
            }}
            {move || outcome("totp-status", message.get())}
        </section>
    }
}

/// Proving presence again in this session with a code, for people who have an authenticator app.
#[component]
fn StepUp() -> impl IntoView {
    let session = Session::get();
    let lengths = Memo::new(move |_| {
        session
            .me()
            .map(|me| code_lengths(me.totp_methods.iter().map(|m| m.params.digits)))
            .unwrap_or_default()
    });
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = match read_code(&code.get_untracked(), &lengths.get_untracked()) {
            Ok(c) => c,
            Err(e) => return message.set(Some(Err(e))),
        };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = api::mfa_totp(&TotpVerify { code: typed }).await;
            busy.set(false);
            code.set(String::new());
            match result {
                Ok(evidence) => {
                    message.set(Some(Ok(format!("Verified at {}", clock(evidence.at)))));
                    session.refresh();
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };

    view! {
        <Show when=move || lengths.with(|l| !l.is_empty())>
            <form class="card" on:submit=submit novalidate aria-labelledby="stepup-heading">
                <h2 id="stepup-heading">"Verify it's you"</h2>
                <p class="meta">"Enter a new code from your authenticator app to confirm it's you in this session."</p>
                <label for="stepup-code">"Code"</label>
                <input id="stepup-code" inputmode="numeric" autocomplete="one-time-code" required spellcheck="false"
                    pattern=move || pattern(&lengths.get()) maxlength=move || max_length(&lengths.get()).to_string()
                    prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                <button id="stepup-submit" type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Checking…" } else { "Verify" }}
                </button>
                {move || outcome("stepup-status", message.get())}
            </form>
        </Show>
    }
}
