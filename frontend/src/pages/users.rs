//! Users, for administrators: everyone in the directory with the state of their account, inviting
//! a new person, and the actions on one account (a new invitation, unlock, reset of every method,
//! a one-time bypass of the second factor). Hardware tokens have a page of their own, linked here.
//!
//! Invitation links are shown once, as the server answers them; Elevate keeps only their hash.

use super::format::{clock, now, when};
use crate::accounts::{has_methods, methods, name_of, needs_unlock, notes, read_bypass};
use crate::api;
use crate::browser;
use crate::components::status::outcome;
use crate::routes::{Page, enrol_link};
use crate::session::{Session, explain};
use elevate_shared::api::users::{
    CreateUser, GrantBypass, Invitation, MAX_BYPASS_MINUTES, MAX_BYPASS_USES, UpdateUser, UserAction,
    UserSummary,
};
use elevate_shared::ids::{DisplayName, UserId, Username};
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;

/// An invitation to pass on, and who it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Issued {
    name: String,
    invitation: Invitation,
}

#[component]
pub fn Users() -> impl IntoView {
    let session = Session::get();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    view! {
        <h1>{Page::Users.title()}</h1>
        <Show when=move || is_admin.get() fallback=|| view! {
            <section class="card notice" role="note">
                <p>"Only administrators manage users. Ask one if you need an account changed."</p>
            </section>
        }>
            <p class="sublinks">
                <A href=Page::Tokens.href() attr:id="hardware-tokens-link">"Hardware tokens: import and assign →"</A>
            </p>
            <Directory />
        </Show>
    }
}

#[component]
fn Directory() -> impl IntoView {
    let users = RwSignal::new(Vec::<UserSummary>::new());
    // `None` until the first answer; an error replaces the list until a reload works.
    let loaded = RwSignal::new(None::<Result<(), String>>);
    let issued = RwSignal::new(None::<Issued>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::users().await {
                Ok(mut list) => {
                    list.users.sort_by(|a, b| a.username.cmp(&b.username));
                    users.set(list.users);
                    loaded.set(Some(Ok(())));
                }
                Err(e) => loaded.set(Some(Err(explain(&e)))),
            }
        })
    };
    load();
    let reload = Callback::new(move |()| load());
    let show_invitation = Callback::new(move |i: Issued| issued.set(Some(i)));

    view! {
        <CreateForm reload=reload show_invitation=show_invitation />
        {move || issued.get().map(|i| view! { <InvitationPanel issued=i close=Callback::new(move |()| issued.set(None)) /> })}
        <section class="card" aria-labelledby="users-heading">
            <h2 id="users-heading">"People"</h2>
            {move || match loaded.get() {
                None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" id="users-status">{e}</p> }.into_any(),
                Some(Ok(())) => ().into_any(),
            }}
            <ul class="list" id="user-list">
                <For each=move || users.get() key=|u| u.id.clone() children=move |user: UserSummary| view! {
                    <UserCard id=user.id users=users reload=reload show_invitation=show_invitation />
                } />
            </ul>
        </section>
    }
}

/// Creating a person: their username, name and role, and the invitation that lets them in.
#[component]
fn CreateForm(reload: Callback<()>, show_invitation: Callback<Issued>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let is_admin = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = (|| {
            Ok::<_, String>(CreateUser {
                username: Username::normalise(&username.get_untracked()).map_err(|e| e.to_string())?,
                display_name: DisplayName::parse(display_name.get_untracked().trim())
                    .map_err(|e| e.to_string())?,
                is_admin: is_admin.get_untracked(),
            })
        })();
        let body = match body {
            Ok(b) => b,
            Err(e) => return message.set(Some(Err(e))),
        };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = api::create_user(&body).await;
            busy.set(false);
            match result {
                Ok(created) => {
                    let name = created.user.display_name.to_string();
                    message.set(Some(Ok(format!("Created {name} ({}).", created.user.username))));
                    username.set(String::new());
                    display_name.set(String::new());
                    is_admin.set(false);
                    show_invitation.run(Issued { name, invitation: created.invitation });
                    reload.run(());
                }
                Err(e) => message.set(Some(Err(explain(&e)))),
            }
        });
    };
    view! {
        <form class="card" on:submit=submit novalidate aria-labelledby="create-user-heading">
            <h2 id="create-user-heading">"Add a person"</h2>
            <p class="meta">"They get an invitation link to set up a passkey or a password themselves."</p>
            <label for="new-username">"Username"</label>
            <input id="new-username" autocomplete="off" autocapitalize="none" spellcheck="false" required
                maxlength="64" prop:value=move || username.get()
                on:input=move |ev| username.set(event_target_value(&ev)) />
            <label for="new-display-name">"Name"</label>
            <input id="new-display-name" autocomplete="off" required maxlength="100"
                prop:value=move || display_name.get()
                on:input=move |ev| display_name.set(event_target_value(&ev)) />
            <label class="check" for="new-is-admin">
                <input id="new-is-admin" type="checkbox" prop:checked=move || is_admin.get()
                    on:change=move |ev| is_admin.set(event_target_checked(&ev)) />
                "Administrator"
            </label>
            <button id="create-user" type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { "Creating…" } else { "Create and get an invitation link" }}
            </button>
            {move || outcome("create-user-status", message.get())}
        </form>
    }
}

/// An invitation link, shown once, with a way to copy it.
#[component]
fn InvitationPanel(issued: Issued, close: Callback<()>) -> impl IntoView {
    let link = enrol_link(&browser::origin(), &issued.invitation.code);
    let copied = RwSignal::new(None::<Result<String, String>>);
    let heading = NodeRef::<html::H2>::new();
    heading.on_load(|el| {
        el.scroll_into_view();
        let _ = el.focus();
    });
    let to_copy = link.clone();
    let copy = move |_| {
        let text = to_copy.clone();
        leptos::task::spawn_local(async move {
            copied.set(Some(browser::copy_outcome(&text, "the link").await));
        });
    };
    let name = issued.name;
    view! {
        <section class="card invitation" aria-labelledby="invitation-heading">
            <h2 id="invitation-heading" tabindex="-1" node_ref=heading>"Invitation for "{name.clone()}</h2>
            <p>
                "Send this link to "{name.clone()}" through a channel you trust. Whoever opens it can set up "
                "sign-in as "{name}", once, until "<strong>{when(issued.invitation.expires_at)}</strong>"."
            </p>
            <p class="meta">"Elevate shows it only now. A new link replaces it."</p>
            <code id="invitation-link" class="uri">{link}</code>
            <div class="actions">
                <button id="copy-invitation" type="button" class="primary" on:click=copy>"Copy link"</button>
                <button id="invitation-done" type="button" class="secondary" on:click=move |_| close.run(())>"Done"</button>
            </div>
            {move || outcome("copy-status", copied.get())}
        </section>
    }
}

/// Which of a card's actions is open for its second step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Reset,
    Bypass,
    Disable,
}

/// One person: who they are, their account's state, and the actions on it. It reads the person
/// from the shared list by id, so a reload updates it without losing an open action or message.
#[component]
fn UserCard(
    id: UserId,
    users: RwSignal<Vec<UserSummary>>,
    reload: Callback<()>,
    show_invitation: Callback<Issued>,
) -> impl IntoView {
    let session = Session::get();
    let own = session.me().is_some_and(|me| me.user_id == id);
    let user_id = id.clone();
    let user = Memo::new(move |_| users.with(|all| all.iter().find(|u| u.id == user_id).cloned()));
    let open = RwSignal::new(None::<Open>);
    // What is running, as its progress line says it.
    let busy = RwSignal::new(None::<&'static str>);
    let message = RwSignal::new(None::<Result<String, String>>);
    let minutes = RwSignal::new("15".to_owned());
    let uses = RwSignal::new("1".to_owned());
    let id = StoredValue::new(id);

    // Runs one action; `done` turns its answer into the message, and may pass on an invitation.
    let act = move |progress: &'static str, action: Action| {
        busy.set(Some(progress));
        message.set(None);
        let name = user.get_untracked().map(|u| u.display_name.to_string()).unwrap_or_default();
        let target = UserAction { user: id.get_value() };
        leptos::task::spawn_local(async move {
            let result = match action {
                Action::Invite => api::invite_user(&target).await.map(|i| {
                    show_invitation.run(Issued { name: name.clone(), invitation: i.invitation });
                    format!("New invitation link for {name} below; the earlier one no longer works.")
                }),
                Action::Unlock => api::unlock_user(&target).await.map(|_| format!("Unlocked {name}.")),
                Action::Reset => api::reset_methods(&target).await.map(|i| {
                    show_invitation.run(Issued { name: name.clone(), invitation: i.invitation });
                    format!(
                        "Removed {name}'s sign-in methods and sessions. Their new invitation link is below."
                    )
                }),
                Action::Disable(disabled) => {
                    let body = UpdateUser {
                        user: target.user,
                        display_name: None,
                        is_admin: None,
                        disabled: Some(disabled),
                    };
                    api::update_user(&body).await.map(|_| {
                        if disabled {
                            format!("Disabled {name}: signed out everywhere, API tokens revoked.")
                        } else {
                            format!("Enabled {name} again.")
                        }
                    })
                }
                Action::Bypass { minutes, uses } => {
                    api::grant_bypass(&GrantBypass { user: target.user, minutes, uses }).await.map(|b| {
                        format!(
                            "{name} may sign in without a second factor {} until {}.",
                            if b.uses_left == 1 {
                                "once".to_owned()
                            } else {
                                format!("{} times", b.uses_left)
                            },
                            clock(b.expires_at)
                        )
                    })
                }
            };
            busy.set(None);
            match result {
                Ok(text) => {
                    open.set(None);
                    message.set(Some(Ok(text)));
                    reload.run(());
                }
                Err(e) => message.set(Some(Err(explain(&e)))),
            }
        });
    };

    let grant = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match read_bypass(&minutes.get_untracked(), &uses.get_untracked()) {
            Ok((minutes, uses)) => act("Granting…", Action::Bypass { minutes, uses }),
            Err(e) => message.set(Some(Err(e))),
        }
    };

    move || {
        let Some(u) = user.get() else { return ().into_any() };
        let username = u.username.to_string();
        let now = now();
        let listed = users.get_untracked();
        let who = |id: &UserId| name_of(&listed, id);
        let unlockable = needs_unlock(&u.status, now);
        let invitable = !has_methods(&u.status);
        let name = u.display_name.to_string();
        let has_password = u.status.has_password;
        let disabled = u.status.disabled;
        view! {
            <li class="user-card" data-username=username.clone()>
                <div class="user-head">
                    <strong>{name.clone()}</strong>
                    <span class="meta">{username.clone()}</span>
                    {u.is_admin.then(|| view! { <span class="tag">"Administrator"</span> })}
                    {own.then(|| view! { <span class="tag">"You"</span> })}
                </div>
                <span class="meta">{methods(&u.status)}" · added "{when(u.created_at)}</span>
                <ul class="chips">
                    {notes(&u.status, now, when, who).into_iter().map(|n| view! {
                        <li class=n.tone.class()>{n.text}</li>
                    }).collect_view()}
                </ul>
                <div class="method-actions">
                    {unlockable.then(|| view! {
                        <button type="button" class="small" id=format!("unlock-{username}")
                            disabled=move || busy.get().is_some() on:click=move |_| act("Unlocking…", Action::Unlock)>"Unlock"</button>
                    })}
                    {invitable.then(|| view! {
                        <button type="button" class="small secondary" id=format!("invite-{username}")
                            disabled=move || busy.get().is_some() on:click=move |_| act("Issuing…", Action::Invite)>
                            "New invitation link"
                        </button>
                    })}
                    {(!own).then(|| view! {
                        <button type="button" class="small secondary" id=format!("bypass-{username}")
                            aria-expanded=move || (open.get() == Some(Open::Bypass)).to_string()
                            on:click=move |_| open.set(Some(Open::Bypass))>"Allow sign-in without MFA"</button>
                        <button type="button" class="small secondary" id=format!("reset-{username}")
                            aria-expanded=move || (open.get() == Some(Open::Reset)).to_string()
                            on:click=move |_| open.set(Some(Open::Reset))>"Reset sign-in methods"</button>
                    })}
                    {(!own && !disabled).then(|| view! {
                        <button type="button" class="small secondary" id=format!("disable-{username}")
                            aria-expanded=move || (open.get() == Some(Open::Disable)).to_string()
                            on:click=move |_| open.set(Some(Open::Disable))>"Disable"</button>
                    })}
                    {disabled.then(|| view! {
                        <button type="button" class="small" id=format!("enable-{username}")
                            disabled=move || busy.get().is_some() on:click=move |_| act("Enabling…", Action::Disable(false))>"Enable"</button>
                    })}
                </div>
                {own.then(|| view! {
                    <p class="meta">"Another administrator resets or bypasses your own sign-in methods."</p>
                })}
                {
                    let (name, username) = (name.clone(), username.clone());
                    move || (open.get() == Some(Open::Disable)).then(|| view! {
                        <div class="confirm">
                            <p class="warning-text">
                                {name.clone()}" will be signed out everywhere, their API tokens revoked, and they "
                                "cannot sign in until an administrator enables them again. Nothing else is removed."
                            </p>
                            <div class="actions">
                                <button type="button" class="small danger" id=format!("confirm-disable-{username}")
                                    disabled=move || busy.get().is_some() on:click=move |_| act("Disabling…", Action::Disable(true))>
                                    "Disable account"
                                </button>
                                <button type="button" class="small secondary" id=format!("cancel-disable-{username}")
                                    on:click=move |_| open.set(None)>"Cancel"</button>
                            </div>
                        </div>
                    })
                }
                {
                    let (name, username) = (name.clone(), username.clone());
                    move || (open.get() == Some(Open::Reset)).then(|| view! {
                        <div class="confirm">
                            <p class="warning-text">
                                "This removes all of "{name.clone()}"'s passkeys, authenticator apps and password, and "
                                "signs them out everywhere. They get a new invitation link to set up sign-in again."
                            </p>
                            <div class="actions">
                                <button type="button" class="small danger" id=format!("confirm-reset-{username}")
                                    disabled=move || busy.get().is_some() on:click=move |_| act("Resetting…", Action::Reset)>
                                    "Remove every method"
                                </button>
                                <button type="button" class="small secondary" id=format!("cancel-reset-{username}")
                                    on:click=move |_| open.set(None)>"Cancel"</button>
                            </div>
                        </div>
                    })
                }
                {
                    let (name, username) = (name.clone(), username.clone());
                    move || (open.get() == Some(Open::Bypass)).then(|| view! {
                        <form class="confirm stack" on:submit=grant novalidate>
                            <p class="meta">
                                "For a lost phone or key: after their password, "{name.clone()}" may sign in without a "
                                "second factor. It never counts as MFA for a role, and it ends after its uses or its "
                                "time, whichever comes first."
                            </p>
                            {(!has_password).then(|| view! {
                                <p class="warning-text">
                                    "They have no password, so a bypass does not help them sign in. Reset their methods instead."
                                </p>
                            })}
                            <div class="pair">
                                <div class="stack">
                                    <label for=format!("bypass-minutes-{username}")>"Minutes (1–"{MAX_BYPASS_MINUTES}")"</label>
                                    <input id=format!("bypass-minutes-{username}") type="number" inputmode="numeric"
                                        min="1" max=MAX_BYPASS_MINUTES.to_string() prop:value=move || minutes.get()
                                        on:input=move |ev| minutes.set(event_target_value(&ev)) />
                                </div>
                                <div class="stack">
                                    <label for=format!("bypass-uses-{username}")>"Uses (1–"{MAX_BYPASS_USES}")"</label>
                                    <input id=format!("bypass-uses-{username}") type="number" inputmode="numeric"
                                        min="1" max=MAX_BYPASS_USES.to_string() prop:value=move || uses.get()
                                        on:input=move |ev| uses.set(event_target_value(&ev)) />
                                </div>
                            </div>
                            <div class="actions">
                                <button type="submit" class="small danger" id=format!("bypass-grant-{username}")
                                    disabled=move || busy.get().is_some()>"Grant bypass"</button>
                                <button type="button" class="small secondary" id=format!("bypass-cancel-{username}")
                                    on:click=move |_| open.set(None)>"Cancel"</button>
                            </div>
                        </form>
                    })
                }
                <p class="meta" role="status" aria-live="polite">{move || busy.get()}</p>
                {
                    let id = format!("user-status-{username}");
                    move || outcome(id.clone(), message.get())
                }
            </li>
        }
        .into_any()
    }
}

/// An action on one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Invite,
    Unlock,
    Reset,
    Bypass {
        minutes: u32,
        uses: u32,
    },
    /// Disable (true) or enable (false) the account.
    Disable(bool),
}
