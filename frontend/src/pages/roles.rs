//! Roles, for administrators: every role with its scope, counts and MFA in brief, a filter, a
//! form for a new role, and a role's blade with two tabs: **Members** (eligible and active
//! assignments, adding one person or several, removing) and **Settings** (read, then Edit → Save).
//!
//! The server decides everything again: a settings change it refuses is shown in its own words
//! and nothing is saved.

use super::format::{from_local_input, local_input, now, when};
use crate::accounts::name_of;
use crate::api;
use crate::roles::{
    SettingsForm, creator, default_end, limit_for, mfa_summary, origin_text, read_end, read_justification,
    read_new_role, settings_facts, shown, split_members,
};
use crate::routes::Page;
use crate::session::{Session, explain};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::assignments::{CreateAssignment, RemoveAssignment};
use elevate_shared::api::roles::{RoleView, UpdateRoleSettings};
use elevate_shared::api::users::UserSummary;
use elevate_shared::domain::assignment::{Assignment, AssignmentKind};
use elevate_shared::domain::settings::AssignmentLimit;
use elevate_shared::domain::{Reason, RoleId};
use elevate_shared::ids::UserId;
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;

/// An outcome line's message: a confirmation, or an error that may call for a fresh MFA.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Said {
    Ok(String),
    Err(String),
    /// The server wants the administrator's own recent MFA first.
    StepUp(String),
}

fn said(e: &api::ClientError) -> Said {
    match e.code() {
        Some(ErrorCode::MfaRequired | ErrorCode::MfaRejected) => Said::StepUp(explain(e)),
        _ => Said::Err(explain(e)),
    }
}

fn status_line(id: String, message: Option<Said>) -> Option<AnyView> {
    message.map(|m| match m {
        Said::Ok(text) => view! { <p class="ok" role="status" id=id>{text}</p> }.into_any(),
        Said::Err(text) => view! { <p class="error" role="alert" id=id>{text}</p> }.into_any(),
        Said::StepUp(text) => view! {
            <p class="error" role="alert" id=id>
                {text}" Prove it's you first: "
                <A href=Page::SecurityInfo.href()>"Security info → “Verify it's you”"</A>
                " (or sign in again with a passkey), then try again within 5 minutes."
            </p>
        }
        .into_any(),
    })
}

#[component]
pub fn Roles() -> impl IntoView {
    let session = Session::get();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    view! {
        <h1>{Page::Roles.title()}</h1>
        <Show when=move || is_admin.get() fallback=|| view! {
            <section class="card notice greyed" role="note" id="roles-admin-only" aria-disabled="true">
                <p>
                    "Only administrators manage roles, their members and their settings. "
                    "To use a role you are eligible for, go to "
                    <A href=Page::MyRoles.href()>{Page::MyRoles.title()}</A>"."
                </p>
            </section>
        }>
            <Directory />
        </Show>
    }
}

#[component]
fn Directory() -> impl IntoView {
    let roles = RwSignal::new(Vec::<RoleView>::new());
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let loaded = RwSignal::new(None::<Result<(), String>>);
    let selected = RwSignal::new(None::<RoleId>);
    let filter = RwSignal::new(String::new());
    let privileged_only = RwSignal::new(false);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::roles().await {
                Ok(mut list) => {
                    list.roles.sort_by(|a, b| a.role.name.as_str().cmp(b.role.name.as_str()));
                    roles.set(list.roles);
                    loaded.set(Some(Ok(())));
                }
                Err(e) => loaded.set(Some(Err(explain(&e)))),
            }
        })
    };
    load();
    leptos::task::spawn_local(async move {
        if let Ok(mut list) = api::users().await {
            list.users.sort_by(|a, b| a.username.cmp(&b.username));
            users.set(list.users);
        }
    });
    let reload = Callback::new(move |()| load());
    let open = Callback::new(move |id: RoleId| selected.set(Some(id)));

    view! {
        <CreateRoleForm roles=roles open=open />
        <section class="card" aria-labelledby="roles-heading">
            <h2 id="roles-heading">"Roles"</h2>
            <div class="stack">
                <label for="role-filter">"Filter by name or scope"</label>
                <input id="role-filter" type="search" autocomplete="off" prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev)) />
                <label class="check" for="role-privileged-only">
                    <input id="role-privileged-only" type="checkbox" prop:checked=move || privileged_only.get()
                        on:change=move |ev| privileged_only.set(event_target_checked(&ev)) />
                    "Privileged only"
                </label>
            </div>
            {move || match loaded.get() {
                None => view! { <p class="meta" role="status">"Loading roles…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" id="roles-status">{e}</p> }.into_any(),
                Some(Ok(())) => ().into_any(),
            }}
            <ul class="list" id="role-list" aria-live="polite">
                {move || {
                    let (text, only) = (filter.get(), privileged_only.get());
                    let list = roles.get();
                    let visible = list.iter().filter(|v| shown(v, &text, only)).cloned().collect::<Vec<_>>();
                    if visible.is_empty() && loaded.get() == Some(Ok(())) {
                        return view! { <li class="meta">"No role matches."</li> }.into_any();
                    }
                    visible.into_iter().map(|v| view! { <RoleRow view=v selected=selected open=open /> }).collect_view().into_any()
                }}
            </ul>
        </section>
        {move || selected.get().map(|id| view! {
            <RoleBlade id=id roles=roles users=users reload=reload close=Callback::new(move |()| selected.set(None)) />
        })}
    }
}

#[component]
fn RoleRow(view: RoleView, selected: RwSignal<Option<RoleId>>, open: Callback<RoleId>) -> impl IntoView {
    let id = view.role.id.clone();
    let (summary, warn) = mfa_summary(&view.settings);
    let this = id.clone();
    let is_open = move || selected.with(|s| s.as_ref() == Some(&this));
    let target = id.clone();
    view! {
        <li class="role" data-role=id.to_string()>
            <div class="role-head">
                <button type="button" class="role-open" id=format!("open-role-{id}")
                    aria-expanded=move || is_open().to_string()
                    on:click=move |_| open.run(target.clone())>
                    {view.role.name.to_string()}
                </button>
                <span class="tag">{view.role.scope.to_string()}</span>
                {view.role.privileged.then(|| view! { <span class="tag privileged">"Privileged"</span> })}
            </div>
            <span class="meta role-counts">
                {format!("{} eligible · {} active", view.eligible_count, view.active_count)}
            </span>
            <ul class="chips">
                <li class=if warn { "chip warn mfa-summary" } else { "chip mfa-summary" }>{summary}</li>
            </ul>
        </li>
    }
}

#[component]
fn CreateRoleForm(roles: RwSignal<Vec<RoleView>>, open: Callback<RoleId>) -> impl IntoView {
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let scope = RwSignal::new("/".to_owned());
    let privileged = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Said>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = match read_new_role(
            &id.get_untracked(),
            &name.get_untracked(),
            &description.get_untracked(),
            &scope.get_untracked(),
            privileged.get_untracked(),
        ) {
            Ok(body) => body,
            Err(e) => return message.set(Some(Said::Err(e))),
        };
        busy.set(true);
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = api::create_role(&body).await;
            busy.set(false);
            match result {
                Ok(view) => {
                    let new_id = view.role.id.clone();
                    message.set(Some(Said::Ok(format!(
                        "Created {} with the default settings. Review them under Settings.",
                        view.role.name
                    ))));
                    roles.update(|all| {
                        all.retain(|v| v.role.id != new_id);
                        all.push(view);
                        all.sort_by(|a, b| a.role.name.as_str().cmp(b.role.name.as_str()));
                    });
                    id.set(String::new());
                    name.set(String::new());
                    description.set(String::new());
                    open.run(new_id);
                }
                Err(e) => message.set(Some(said(&e))),
            }
        });
    };
    view! {
        <details class="card create-role">
            <summary>"New role"</summary>
            <form class="stack" on:submit=submit novalidate>
                <label for="new-role-id">"Role id (lowercase letters, digits, - _ .)"</label>
                <input id="new-role-id" autocomplete="off" autocapitalize="none" spellcheck="false" required maxlength="64"
                    prop:value=move || id.get() on:input=move |ev| id.set(event_target_value(&ev)) />
                <label for="new-role-name">"Name"</label>
                <input id="new-role-name" autocomplete="off" required maxlength="100"
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <label for="new-role-description">"Description (optional)"</label>
                <input id="new-role-description" autocomplete="off" maxlength="2000"
                    prop:value=move || description.get() on:input=move |ev| description.set(event_target_value(&ev)) />
                <label for="new-role-scope">"Scope (a path such as / or /subscriptions/prod)"</label>
                <input id="new-role-scope" autocomplete="off" autocapitalize="none" spellcheck="false" required
                    prop:value=move || scope.get() on:input=move |ev| scope.set(event_target_value(&ev)) />
                <label class="check" for="new-role-privileged">
                    <input id="new-role-privileged" type="checkbox" prop:checked=move || privileged.get()
                        on:change=move |ev| privileged.set(event_target_checked(&ev)) />
                    "Privileged"
                </label>
                <button id="create-role" type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { "Creating…" } else { "Create role" }}
                </button>
                <p class="meta progress" role="status" aria-live="polite">{move || busy.get().then_some("Creating the role…")}</p>
                {move || status_line("create-role-status".to_owned(), message.get())}
            </form>
        </details>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Members,
    Settings,
    Details,
}

/// One role's blade: its name and scope, and the Members and Settings tabs.
#[component]
fn RoleBlade(
    id: RoleId,
    roles: RwSignal<Vec<RoleView>>,
    users: RwSignal<Vec<UserSummary>>,
    reload: Callback<()>,
    close: Callback<()>,
) -> impl IntoView {
    let role_id = id.clone();
    let view_of = Memo::new(move |_| roles.with(|all| all.iter().find(|v| v.role.id == role_id).cloned()));
    let tab = RwSignal::new(Tab::Members);
    let heading = NodeRef::<html::H2>::new();
    heading.on_load(|el| {
        el.scroll_into_view();
        let _ = el.focus();
    });
    let title = move || view_of.get().map(|v| v.role.name.to_string()).unwrap_or_else(|| "Role".to_owned());
    let tab_button = move |which: Tab, dom_id: &'static str, panel: &'static str, label: &'static str| {
        view! {
            <button type="button" role="tab" id=dom_id class="tab" aria-controls=panel
                aria-selected=move || (tab.get() == which).to_string()
                on:click=move |_| tab.set(which)>{label}</button>
        }
    };
    view! {
        <section class="card blade" id="role-blade" data-role=id.to_string() aria-labelledby="role-blade-heading">
            <div class="blade-head">
                <h2 id="role-blade-heading" tabindex="-1" node_ref=heading>{title}</h2>
                <button type="button" class="small secondary" id="role-blade-close" on:click=move |_| close.run(())>"Close"</button>
            </div>
            {move || view_of.get().map(|v| view! {
                <p class="meta">
                    <span class="tag">{v.role.scope.to_string()}</span>" "
                    {v.role.privileged.then(|| view! { <span class="tag privileged">"Privileged"</span> })}
                    " "{v.role.description.map(|d| d.to_string()).unwrap_or_default()}
                </p>
            })}
            <div class="tabs" role="tablist" aria-label="Role">
                {tab_button(Tab::Members, "tab-members", "panel-members", "Members")}
                {tab_button(Tab::Settings, "tab-settings", "panel-settings", "Settings")}
                {tab_button(Tab::Details, "tab-details", "panel-details", "Details")}
            </div>
            <div role="tabpanel" id="panel-members" aria-labelledby="tab-members" hidden=move || tab.get() != Tab::Members>
                <Members id=id.clone() view_of=view_of users=users reload=reload />
            </div>
            <div role="tabpanel" id="panel-settings" aria-labelledby="tab-settings" hidden=move || tab.get() != Tab::Settings>
                <SettingsTab view_of=view_of roles=roles users=users />
            </div>
            <div role="tabpanel" id="panel-details" aria-labelledby="tab-details" hidden=move || tab.get() != Tab::Details>
                <super::role_details::RoleDetails view_of=view_of reload=reload close=close />
            </div>
        </section>
    }
}

/// The role's members: who is eligible, who is active, adding and removing.
#[component]
fn Members(
    id: RoleId,
    view_of: Memo<Option<RoleView>>,
    users: RwSignal<Vec<UserSummary>>,
    reload: Callback<()>,
) -> impl IntoView {
    let assignments = RwSignal::new(Vec::<Assignment>::new());
    let loaded = RwSignal::new(None::<Result<(), String>>);
    let role_id = StoredValue::new(id);
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::role_assignments(&role_id.get_value()).await {
                Ok(list) => {
                    assignments.set(list.assignments);
                    loaded.set(Some(Ok(())));
                }
                Err(e) => loaded.set(Some(Err(explain(&e)))),
            }
        })
    };
    load();
    // After a change: the members here, and the counts in the list.
    let changed = Callback::new(move |()| {
        load();
        reload.run(());
    });
    let members = Memo::new(move |_| assignments.with(|all| split_members(all)));
    let list = move |kind: AssignmentKind| {
        move || {
            let (eligible, active) = members.get();
            let items = if kind == AssignmentKind::Eligible { eligible } else { active };
            if items.is_empty() {
                return view! { <li class="meta">"None."</li> }.into_any();
            }
            items
                .into_iter()
                .map(|a| view! { <MemberRow a=a users=users changed=changed /> })
                .collect_view()
                .into_any()
        }
    };
    view! {
        {move || match loaded.get() {
            None => view! { <p class="meta" role="status">"Loading members…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert" id="members-status">{e}</p> }.into_any(),
            Some(Ok(())) => ().into_any(),
        }}
        <h3>"Eligible"</h3>
        <ul class="list" id="members-eligible" aria-live="polite">{list(AssignmentKind::Eligible)}</ul>
        <h3>"Active"</h3>
        <ul class="list" id="members-active" aria-live="polite">{list(AssignmentKind::Active)}</ul>
        <AddMembers view_of=view_of users=users changed=changed />
    }
}

#[component]
fn MemberRow(a: Assignment, users: RwSignal<Vec<UserSummary>>, changed: Callback<()>) -> impl IntoView {
    let id = a.id.to_string();
    let listed = users.get_untracked();
    let who = name_of(&listed, &a.principal);
    let by = creator(&a.created_by, |u| name_of(&listed, u));
    let now = now();
    let period = match a.end {
        None if a.start <= now => "permanent".to_owned(),
        None => format!("from {}, permanent", when(a.start)),
        Some(end) if a.start <= now => format!("until {}", when(end)),
        Some(end) => format!("{} to {}", when(a.start), when(end)),
    };
    let scheduled = a.start > now;
    let confirming = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Said>);
    let assignment = StoredValue::new(a.id.clone());
    let remove = move |_| {
        let reason = match reason.get_untracked().trim() {
            "" => None,
            r => match Reason::parse(r) {
                Ok(r) => Some(r),
                Err(e) => return message.set(Some(Said::Err(e.to_string()))),
            },
        };
        busy.set(true);
        message.set(None);
        let body = RemoveAssignment { assignment: assignment.get_value(), reason };
        leptos::task::spawn_local(async move {
            let result = api::remove_assignment(&body).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    confirming.set(false);
                    changed.run(());
                }
                Err(e) => message.set(Some(said(&e))),
            }
        });
    };
    let justification = a.justification.map(|j| j.to_string());
    view! {
        <li class="member" data-assignment=id.clone()>
            <div class="role-head">
                <strong>{who.clone()}</strong>
                <span class="tag">{a.scope.to_string()}</span>
                <span class="chip">{origin_text(&a.origin)}</span>
                {scheduled.then(|| view! { <span class="chip warn">"scheduled"</span> })}
            </div>
            <span class="meta member-period">{period}</span>
            <span class="meta">"Assigned by "{by}" on "{when(a.created_at)}</span>
            {justification.map(|j| view! { <span class="meta quote">"“"{j}"”"</span> })}
            <div class="method-actions">
                <button type="button" class="small secondary" id=format!("remove-{id}")
                    aria-expanded=move || confirming.get().to_string()
                    on:click=move |_| confirming.set(true)>"Remove"</button>
            </div>
            {
                let id = id.clone();
                move || confirming.get().then(|| view! {
                    <div class="confirm stack">
                        <p class="warning-text">
                            "Remove "{who.clone()}"? An eligibility's pending requests are withdrawn and the "
                            "activations resting on it end now."
                        </p>
                        <label for=format!("remove-reason-{id}")>"Reason (optional)"</label>
                        <input id=format!("remove-reason-{id}") autocomplete="off" maxlength="500"
                            prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                        <div class="actions">
                            <button type="button" class="small danger" id=format!("remove-confirm-{id}")
                                disabled=move || busy.get() on:click=remove>"Remove now"</button>
                            <button type="button" class="small secondary" id=format!("remove-cancel-{id}")
                                on:click=move |_| confirming.set(false)>"Cancel"</button>
                        </div>
                    </div>
                })
            }
            <p class="meta progress" role="status" aria-live="polite">{move || busy.get().then_some("Removing…")}</p>
            {
                let id = format!("member-status-{id}");
                move || status_line(id.clone(), message.get())
            }
        </li>
    }
}

/// Adding one person, or several at once, with the same kind, end and justification.
#[component]
fn AddMembers(
    view_of: Memo<Option<RoleView>>,
    users: RwSignal<Vec<UserSummary>>,
    changed: Callback<()>,
) -> impl IntoView {
    let user = RwSignal::new(String::new());
    let kind = RwSignal::new(AssignmentKind::Eligible);
    let permanent = RwSignal::new(false);
    let end = RwSignal::new(String::new());
    let justification = RwSignal::new(String::new());
    let busy = RwSignal::new(None::<String>);
    let message = RwSignal::new(None::<Said>);
    let bulk = RwSignal::new(Vec::<UserId>::new());
    let bulk_results = RwSignal::new(Vec::<(String, Said)>::new());

    // A suggested end within the role's limit, whenever the role or the kind changes.
    Effect::new(move |_| {
        let k = kind.get();
        if let Some(v) = view_of.get() {
            end.set(local_input(default_end(&v.settings, k, now())));
            if !matches!(limit_for(&v.settings, k), AssignmentLimit::Permanent) {
                permanent.set(false);
            }
        }
    });
    let allows_permanent = move || {
        view_of.with(|v| {
            v.as_ref().is_some_and(|v| limit_for(&v.settings, kind.get()) == AssignmentLimit::Permanent)
        })
    };
    let limit_hint = move || {
        view_of.with(|v| {
            v.as_ref().map(|v| match limit_for(&v.settings, kind.get()) {
                AssignmentLimit::Permanent => {
                    "This role allows permanent assignments of this kind.".to_owned()
                }
                AssignmentLimit::AtMost(d) => {
                    format!(
                        "This role allows assignments of this kind of at most {} days.",
                        d.get().0 / 86_400_000
                    )
                }
            })
        })
    };
    let mfa_note = move || {
        view_of.with(|v| {
            v.as_ref()
                .is_some_and(|v| v.settings.mfa_on_direct_active && kind.get() == AssignmentKind::Active)
        })
    };
    let build = move |principal: UserId| -> Result<CreateAssignment, String> {
        let v = view_of.get_untracked().ok_or_else(|| "This role is no longer listed.".to_owned())?;
        let kind = kind.get_untracked();
        let end =
            read_end(&v.settings, kind, permanent.get_untracked(), from_local_input(&end.get_untracked()))?;
        let justification = read_justification(&justification.get_untracked())?;
        Ok(CreateAssignment {
            principal,
            role: v.role.id,
            scope: v.role.scope,
            kind,
            start: None,
            end,
            justification,
        })
    };
    let add_one = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = user.get_untracked();
        let Some(principal) =
            users.with_untracked(|all| all.iter().find(|u| u.id.to_string() == chosen).map(|u| u.id.clone()))
        else {
            return message.set(Some(Said::Err("Choose a person to add.".to_owned())));
        };
        let body = match build(principal) {
            Ok(body) => body,
            Err(e) => return message.set(Some(Said::Err(e))),
        };
        let name = users.with_untracked(|all| name_of(all, &body.principal));
        busy.set(Some(format!("Adding {name}…")));
        message.set(None);
        leptos::task::spawn_local(async move {
            let result = api::create_assignment(&body).await;
            busy.set(None);
            match result {
                Ok(_) => {
                    let kind = if body.kind == AssignmentKind::Eligible { "eligible" } else { "active" };
                    message.set(Some(Said::Ok(format!("Added {name} as {kind}."))));
                    justification.set(String::new());
                    changed.run(());
                }
                Err(e) => message.set(Some(said(&e))),
            }
        });
    };
    let add_many = move |_| {
        let chosen = bulk.get_untracked();
        if chosen.is_empty() {
            return bulk_results.set(vec![(String::new(), Said::Err("Tick the people to add.".to_owned()))]);
        }
        let listed = users.get_untracked();
        let mut bodies = Vec::new();
        for principal in chosen {
            match build(principal) {
                Ok(body) => bodies.push(body),
                Err(e) => return bulk_results.set(vec![(String::new(), Said::Err(e))]),
            }
        }
        bulk_results.set(Vec::new());
        leptos::task::spawn_local(async move {
            let total = bodies.len();
            for (n, body) in bodies.into_iter().enumerate() {
                let name = name_of(&listed, &body.principal);
                busy.set(Some(format!("Adding {name} ({} of {total})…", n + 1)));
                let outcome = match api::create_assignment(&body).await {
                    Ok(_) => Said::Ok("added".to_owned()),
                    Err(e) => said(&e),
                };
                bulk_results.update(|r| r.push((name, outcome)));
            }
            busy.set(None);
            bulk.set(Vec::new());
            changed.run(());
        });
    };

    view! {
        <form class="stack add-member" on:submit=add_one novalidate>
            <h3>"Add a member"</h3>
            <label for="add-member-user">"Person"</label>
            <select id="add-member-user" prop:value=move || user.get() on:change=move |ev| user.set(event_target_value(&ev))>
                <option value="">"Choose a person…"</option>
                {move || users.get().into_iter().map(|u| view! {
                    <option value=u.id.to_string()>{format!("{} ({})", u.display_name, u.username)}</option>
                }).collect_view()}
            </select>
            <label for="add-member-kind">"Assignment type"</label>
            <select id="add-member-kind"
                on:change=move |ev| kind.set(if event_target_value(&ev) == "active" { AssignmentKind::Active } else { AssignmentKind::Eligible })>
                <option value="eligible" selected=move || kind.get() == AssignmentKind::Eligible>"Eligible (activates when needed)"</option>
                <option value="active" selected=move || kind.get() == AssignmentKind::Active>"Active (holds it now)"</option>
            </select>
            <p class="meta">{limit_hint}</p>
            {move || allows_permanent().then(|| view! {
                <label class="check" for="add-member-permanent">
                    <input id="add-member-permanent" type="checkbox" prop:checked=move || permanent.get()
                        on:change=move |ev| permanent.set(event_target_checked(&ev)) />
                    "Permanent (no end)"
                </label>
            })}
            <label for="add-member-end">"Ends"</label>
            <input id="add-member-end" type="datetime-local" prop:value=move || end.get()
                disabled=move || permanent.get()
                on:input=move |ev| end.set(event_target_value(&ev)) />
            <label for="add-member-justification">"Justification (optional)"</label>
            <textarea id="add-member-justification" class="prose" maxlength="500"
                prop:value=move || justification.get()
                on:input=move |ev| justification.set(event_target_value(&ev))></textarea>
            {move || mfa_note().then(|| view! {
                <p class="meta">
                    "An active assignment of this role needs your own MFA within the last 5 minutes "
                    "(Security info → “Verify it's you”)."
                </p>
            })}
            <button id="add-member" type="submit" class="primary" disabled=move || busy.get().is_some()>"Add member"</button>
            <p class="meta progress" role="status" aria-live="polite">{move || busy.get()}</p>
            {move || status_line("add-member-status".to_owned(), message.get())}
        </form>
        <fieldset class="choice bulk" id="bulk-add-users">
            <legend>"Add several people (same type, end and justification as above)"</legend>
            {move || users.get().into_iter().map(|u| {
                let id = u.id.clone();
                let checked_id = id.clone();
                let dom_id = format!("bulk-user-{}", u.username);
                let for_id = dom_id.clone();
                view! {
                    <label class="check" for=for_id>
                        <input id=dom_id type="checkbox" value=u.id.to_string()
                            prop:checked=move || bulk.with(|b| b.contains(&checked_id))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let id = id.clone();
                                bulk.update(|b| {
                                    b.retain(|x| x != &id);
                                    if on { b.push(id) }
                                });
                            } />
                        {format!("{} ({})", u.display_name, u.username)}
                    </label>
                }
            }).collect_view()}
            <button id="bulk-add" type="button" class="secondary" disabled=move || busy.get().is_some() on:click=add_many>
                {move || format!("Add {} selected", bulk.with(Vec::len))}
            </button>
        </fieldset>
        <ul class="list compact" id="bulk-add-status" aria-live="polite">
            {move || bulk_results.get().into_iter().map(|(name, outcome)| {
                let (class, text) = match outcome {
                    Said::Ok(t) => ("ok", t),
                    Said::Err(t) | Said::StepUp(t) => ("error", t),
                };
                let text = if name.is_empty() { text } else { format!("{name}: {text}") };
                view! { <li class=class>{text}</li> }
            }).collect_view()}
        </ul>
    }
}

/// The role's settings: read, then Edit → Save or Cancel.
#[component]
fn SettingsTab(
    view_of: Memo<Option<RoleView>>,
    roles: RwSignal<Vec<RoleView>>,
    users: RwSignal<Vec<UserSummary>>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let form = RwSignal::new(None::<SettingsForm>);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Said>);
    let edit = move |_| {
        if let Some(v) = view_of.get_untracked() {
            form.set(Some(SettingsForm::from_settings(&v.settings)));
            message.set(None);
            editing.set(true);
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(v), Some(f)) = (view_of.get_untracked(), form.get_untracked()) else { return };
        let settings = match f.to_settings(&v.settings) {
            Ok(s) => s,
            Err(problems) => return message.set(Some(Said::Err(problems.join(" ")))),
        };
        busy.set(true);
        message.set(None);
        let body = UpdateRoleSettings { role: v.role.id.clone(), settings };
        leptos::task::spawn_local(async move {
            let result = api::update_role_settings(&body).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    roles.update(|all| {
                        if let Some(slot) = all.iter_mut().find(|r| r.role.id == saved.role.id) {
                            *slot = saved;
                        }
                    });
                    editing.set(false);
                    message.set(Some(Said::Ok(
                        "Saved. The new settings apply to the next activation.".to_owned(),
                    )));
                }
                Err(e) => message.set(Some(said(&e))),
            }
        });
    };
    view! {
        {move || if editing.get() {
            view! {
                <form class="stack settings-form" id="settings-form" on:submit=save novalidate>
                    <SettingsFields form=form users=users />
                    <div class="actions">
                        <button id="settings-save" type="submit" class="primary" disabled=move || busy.get()>
                            {move || if busy.get() { "Saving…" } else { "Save" }}
                        </button>
                        <button id="settings-cancel" type="button" class="secondary"
                            on:click=move |_| { editing.set(false); message.set(None); }>"Cancel"</button>
                    </div>
                </form>
            }.into_any()
        } else {
            view! {
                <div class="actions">
                    <button id="settings-edit" type="button" class="primary" on:click=edit>"Edit"</button>
                </div>
                <dl class="facts" id="settings-view">
                    {move || view_of.get().map(|v| {
                        let listed = users.get();
                        settings_facts(&v.settings, |u| name_of(&listed, u)).into_iter().map(|(label, value)| view! {
                            <dt>{label}</dt><dd>{value}</dd>
                        }).collect_view()
                    })}
                </dl>
            }.into_any()
        }}
        <p class="meta progress" role="status" aria-live="polite">{move || busy.get().then_some("Saving the settings…")}</p>
        {move || status_line("settings-status".to_owned(), message.get())}
    }
}

type Read<T> = for<'a> fn(&'a SettingsForm) -> &'a T;
type Write<T> = fn(&mut SettingsForm, T);

fn check(
    form: RwSignal<Option<SettingsForm>>,
    id: &'static str,
    label: &'static str,
    get: Read<bool>,
    set: Write<bool>,
) -> impl IntoView {
    view! {
        <label class="check" for=id>
            <input id=id type="checkbox" prop:checked=move || form.with(|f| f.as_ref().is_some_and(|f| *get(f)))
                on:change=move |ev| { let on = event_target_checked(&ev); form.update(|f| if let Some(f) = f { set(f, on) }) } />
            {label}
        </label>
    }
}

fn field(
    form: RwSignal<Option<SettingsForm>>,
    id: &'static str,
    label: &'static str,
    numeric: bool,
    get: Read<String>,
    set: Write<String>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input id=id autocomplete="off" inputmode=if numeric { "decimal" } else { "text" }
            prop:value=move || form.with(|f| f.as_ref().map(|f| get(f).clone()).unwrap_or_default())
            on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| if let Some(f) = f { set(f, v) }) } />
    }
}

#[component]
fn SettingsFields(form: RwSignal<Option<SettingsForm>>, users: RwSignal<Vec<UserSummary>>) -> impl IntoView {
    let flag = move |get: Read<bool>| move || form.with(|f| f.as_ref().is_some_and(|f| *get(f)));
    let fresh = flag(|f| &f.fresh_tap);
    let eligible_permanent = flag(|f| &f.eligible_permanent);
    let active_permanent = flag(|f| &f.active_permanent);
    view! {
        <h3>"Activation"</h3>
        {field(form, "set-max-activation", "Maximum activation (hours, 1–24)", true, |f| &f.max_activation_hours, |f, v| f.max_activation_hours = v)}
        {check(form, "set-mfa-required", "Require MFA on activation", |f| &f.mfa_required, |f, v| f.mfa_required = v)}
        <label for="set-allowed">"Allowed methods"</label>
        <select id="set-allowed" on:change=move |ev| {
            let strong = event_target_value(&ev) == "phishing_resistant";
            form.update(|f| if let Some(f) = f { f.phishing_resistant = strong });
        }>
            <option value="any" selected=move || !flag(|f| &f.phishing_resistant)()>"Any: passkey, security key or authenticator app"</option>
            <option value="phishing_resistant" selected=flag(|f| &f.phishing_resistant)>"Phishing-resistant only: passkeys and security keys"</option>
        </select>
        {check(form, "set-user-verification", "Require user verification (PIN or biometrics)", |f| &f.user_verification, |f, v| f.user_verification = v)}
        {check(form, "set-refuse-synced", "Refuse passkeys that sync to other devices", |f| &f.refuse_synced_passkeys, |f, v| f.refuse_synced_passkeys = v)}
        {field(form, "set-min-credential-age", "Minimum credential age (hours; empty for none; at most 720)", true, |f| &f.min_credential_age_hours, |f, v| f.min_credential_age_hours = v)}
        {check(form, "set-fresh-tap", "Require a fresh tap for each activation", |f| &f.fresh_tap, |f, v| f.fresh_tap = v)}
        {move || (!fresh()).then(|| field(form, "set-within-minutes", "Or accept MFA from the last N minutes (1–480)", true, |f| &f.within_minutes, |f, v| f.within_minutes = v))}
        {check(form, "set-justification-required", "Require a justification", |f| &f.justification_required, |f, v| f.justification_required = v)}
        {field(form, "set-hint", "Justification hint (optional)", false, |f| &f.hint, |f, v| f.hint = v)}
        {check(form, "set-ticket-required", "Require a ticket", |f| &f.ticket_required, |f, v| f.ticket_required = v)}
        {field(form, "set-ticket-systems", "Ticket systems (comma-separated)", false, |f| &f.ticket_systems, |f, v| f.ticket_systems = v)}
        {field(form, "set-ticket-pattern", "Ticket number pattern (optional)", false, |f| &f.ticket_pattern, |f, v| f.ticket_pattern = v)}
        {check(form, "set-approval-required", "Require approval", |f| &f.approval_required, |f, v| f.approval_required = v)}
        <fieldset class="choice" id="set-approvers">
            <legend>"Approvers"</legend>
            {move || users.get().into_iter().map(|u| {
                let id = u.id.clone();
                let checked_id = id.clone();
                let dom_id = format!("approver-{}", u.username);
                let for_id = dom_id.clone();
                view! {
                    <label class="check" for=for_id>
                        <input id=dom_id type="checkbox" value=u.id.to_string()
                            prop:checked=move || form.with(|f| f.as_ref().is_some_and(|f| f.approvers.contains(&checked_id)))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let id = id.clone();
                                form.update(|f| if let Some(f) = f {
                                    f.approvers.retain(|x| x != &id);
                                    if on { f.approvers.push(id) }
                                });
                            } />
                        {format!("{} ({})", u.display_name, u.username)}
                    </label>
                }
            }).collect_view()}
        </fieldset>
        {field(form, "set-quorum", "Approvals needed", true, |f| &f.quorum, |f, v| f.quorum = v)}
        {field(form, "set-extension-minutes", "Extension window (minutes before the end, 5–240)", true, |f| &f.extension_minutes, |f, v| f.extension_minutes = v)}
        {field(form, "set-pending-hours", "Pending requests expire after (hours, 1–168)", true, |f| &f.pending_hours, |f, v| f.pending_hours = v)}
        <h3>"Assignment"</h3>
        {check(form, "set-mfa-direct-active", "Require MFA on direct active assignment", |f| &f.mfa_on_direct_active, |f, v| f.mfa_on_direct_active = v)}
        {check(form, "set-eligible-permanent", "Allow permanent eligible assignments", |f| &f.eligible_permanent, |f, v| f.eligible_permanent = v)}
        {move || (!eligible_permanent()).then(|| field(form, "set-eligible-days", "Eligible assignments last at most (days, 1–1826)", true, |f| &f.eligible_days, |f, v| f.eligible_days = v))}
        {check(form, "set-active-permanent", "Allow permanent active assignments", |f| &f.active_permanent, |f, v| f.active_permanent = v)}
        {move || (!active_permanent()).then(|| field(form, "set-active-days", "Active assignments last at most (days, 1–1826)", true, |f| &f.active_days, |f, v| f.active_days = v))}
        <p class="meta">"Notifications are shown in the read view and kept as they are."</p>
    }
}
