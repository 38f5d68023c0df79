//! The audit log, for administrators: filter by time, actor, role, target, event and outcome;
//! page back through the matches (newest first); download the filtered set as CSV or JSON lines;
//! and have the server walk the whole hash chain and say where, if anywhere, it breaks.
//!
//! The search runs on the log's indexes, so a page costs the same at 100 events or 100,000; a
//! sparse search answers with what it found so far and a "keep searching" cursor.

use super::format::{from_local_input, when};
use crate::accounts::name_of;
use crate::alerts::{actor, target};
use crate::api;
use crate::audit::{FilterForm, event_details, export_url, verdict};
use crate::routes::Page;
use crate::session::{Session, explain};
use elevate_shared::api::audit::AuditCursor;
use elevate_shared::api::audit_export::ExportFormat;
use elevate_shared::api::roles::RoleView;
use elevate_shared::api::users::UserSummary;
use elevate_shared::domain::audit::{AuditAction, AuditEvent, Outcome};
use elevate_shared::domain::audit_query::AuditFilter;
use leptos::prelude::*;

#[component]
pub fn Audit() -> impl IntoView {
    let session = Session::get();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    view! {
        <h1>{Page::Audit.title()}</h1>
        <Show when=move || is_admin.get() fallback=|| view! {
            <section class="card notice" role="note">
                <p>"Only administrators read the audit log. Your own requests and their decisions are under My roles."</p>
            </section>
        }>
            <AuditLog />
        </Show>
    }
}

/// Where the list is: loading, failed, or showing what the last search read.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Listing {
    Loading,
    Failed(String),
    Shown { scanned: u32 },
}

#[component]
fn AuditLog() -> impl IntoView {
    let form = RwSignal::new(FilterForm::default());
    let form_error = RwSignal::new(None::<String>);
    let applied = RwSignal::new(AuditFilter::default());
    let events = RwSignal::new(Vec::<AuditEvent>::new());
    let next = RwSignal::new(None::<AuditCursor>);
    let listing = RwSignal::new(Listing::Loading);
    // For names instead of ids and for the pickers; the log shows ids if these are unavailable.
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let roles = RwSignal::new(Vec::<RoleView>::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::users().await {
            users.set(list.users);
        }
    });
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::roles().await {
            roles.set(list.roles);
        }
    });

    // A fresh search replaces the list; "more" appends the next page of the same search.
    let load = move |cursor: Option<AuditCursor>| {
        let filter = applied.get_untracked();
        let more = cursor.is_some();
        listing.set(Listing::Loading);
        leptos::task::spawn_local(async move {
            match api::audit_search(&filter, cursor.as_ref()).await {
                Ok(page) => {
                    if more {
                        events.update(|e| e.extend(page.events));
                    } else {
                        events.set(page.events);
                    }
                    next.set(page.next);
                    listing.set(Listing::Shown { scanned: page.scanned });
                }
                Err(e) => listing.set(Listing::Failed(explain(&e))),
            }
        });
    };
    load(None);

    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.get_untracked().filter(from_local_input) {
            Ok(filter) => {
                form_error.set(None);
                applied.set(filter);
                load(None);
            }
            Err(e) => form_error.set(Some(e)),
        }
    };
    let clear = move |_| {
        form.set(FilterForm::default());
        form_error.set(None);
        applied.set(AuditFilter::default());
        load(None);
    };
    let field = move |set: fn(&mut FilterForm, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            form.update(|f| set(f, value));
        }
    };

    view! {
        <form class="card audit-filter" on:submit=apply novalidate aria-labelledby="audit-filter-heading">
            <h2 id="audit-filter-heading">"Filter"</h2>
            <div class="pair">
                <div class="stack">
                    <label for="audit-from">"From"</label>
                    <input id="audit-from" type="datetime-local" prop:value=move || form.get().from
                        on:input=field(|f, v| f.from = v) />
                </div>
                <div class="stack">
                    <label for="audit-to">"To"</label>
                    <input id="audit-to" type="datetime-local" prop:value=move || form.get().to
                        on:input=field(|f, v| f.to = v) />
                </div>
            </div>
            <div class="pair">
                <div class="stack">
                    <label for="audit-actor">"Who did it"</label>
                    <select id="audit-actor" prop:value=move || form.get().actor on:change=field(|f, v| f.actor = v)>
                        <option value="">"Anyone"</option>
                        <For each=move || users.get() key=|u| u.id.clone() children=move |u: UserSummary| view! {
                            <option value=u.id.to_string()>{format!("{} ({})", u.display_name, u.username)}</option>
                        } />
                    </select>
                </div>
                <div class="stack">
                    <label for="audit-role">"Role"</label>
                    <select id="audit-role" prop:value=move || form.get().role on:change=field(|f, v| f.role = v)>
                        <option value="">"Any role"</option>
                        <For each=move || roles.get() key=|r| r.role.id.clone() children=move |r: RoleView| view! {
                            <option value=r.role.id.to_string()>{r.role.name.to_string()}</option>
                        } />
                    </select>
                </div>
            </div>
            <div class="pair">
                <div class="stack">
                    <label for="audit-action">"Event"</label>
                    <select id="audit-action" prop:value=move || form.get().action on:change=field(|f, v| f.action = v)>
                        <option value="">"Any event"</option>
                        {AuditAction::ALL.iter().map(|a| view! {
                            <option value=a.id().to_string()>{format!("{} {}", a.id(), a.meaning())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="stack">
                    <label for="audit-outcome">"Outcome"</label>
                    <select id="audit-outcome" prop:value=move || form.get().outcome on:change=field(|f, v| f.outcome = v)>
                        <option value="">"Any"</option>
                        <option value="success">"Succeeded"</option>
                        <option value="failure">"Failed"</option>
                    </select>
                </div>
            </div>
            <details class="more-filters">
                <summary>"Target or request"</summary>
                <label for="audit-target">"Target"</label>
                <input id="audit-target" class="mono" autocomplete="off" autocapitalize="none" spellcheck="false"
                    placeholder="role:db-reader" prop:value=move || form.get().target
                    on:input=field(|f, v| f.target = v) />
                <label for="audit-request">"Request id"</label>
                <input id="audit-request" class="mono" autocomplete="off" autocapitalize="none" spellcheck="false"
                    prop:value=move || form.get().request on:input=field(|f, v| f.request = v) />
            </details>
            {move || form_error.get().map(|e| view! { <p class="error" role="alert" id="audit-filter-error">{e}</p> })}
            <div class="actions">
                <button id="audit-apply" type="submit" class="primary">"Show events"</button>
                <button id="audit-clear" type="button" class="secondary" on:click=clear>"Clear"</button>
            </div>
        </form>

        <section class="card" aria-labelledby="audit-events-heading">
            <h2 id="audit-events-heading">"Events"</h2>
            <p class="sublinks export-links">
                <a id="audit-export-csv" download href=move || export_url(&applied.get(), ExportFormat::Csv)>
                    "Download CSV"
                </a>
                <a id="audit-export-jsonl" download href=move || export_url(&applied.get(), ExportFormat::JsonLines)>
                    "Download JSON lines"
                </a>
            </p>
            <ul class="list audit-list" id="audit-events">
                <For each=move || events.get() key=|e| e.seq children=move |e: AuditEvent| view! {
                    <EventRow event=e users=users />
                } />
            </ul>
            {move || match listing.get() {
                Listing::Loading => view! { <p class="meta" role="status" id="audit-status">"Searching…"</p> }.into_any(),
                Listing::Failed(e) => view! { <p class="error" role="alert" id="audit-status">{e}</p> }.into_any(),
                Listing::Shown { scanned } => {
                    let shown = events.get().len();
                    let more = next.get().is_some();
                    let text = match (shown, more) {
                        (0, false) => "No events match.".to_owned(),
                        (n, false) => format!("{n} events: that is all."),
                        (n, true) => format!("{n} events so far (this page read {scanned})."),
                    };
                    view! { <p class="meta" role="status" id="audit-status" data-shown=shown>{text}</p> }.into_any()
                }
            }}
            {move || next.get().map(|cursor| view! {
                <button id="audit-more" type="button" class="secondary"
                    on:click=move |_| load(Some(cursor.clone()))>"Show older events"</button>
            })}
        </section>

        <Verify />
    }
}

/// One event: when, what and whether it worked; who did it to what; its details.
#[component]
fn EventRow(event: AuditEvent, users: RwSignal<Vec<UserSummary>>) -> impl IntoView {
    let name = move |id: &elevate_shared::ids::UserId| name_of(&users.get(), id);
    let failed = event.outcome == Outcome::Failure;
    let who = move || actor(&event.actor, name);
    let what = target(&event.target, name);
    // Names fill in when the directory arrives.
    let recorded = event.details.clone();
    let facts = move || event_details(&recorded, when, |id| name_of(&users.get(), id));
    view! {
        <li class="audit-event" data-seq=event.seq data-action=event.action.id()>
            <div class="audit-head">
                <strong>{event.action.meaning()}</strong>
                <span class=if failed { "tag tag-bad" } else { "tag" }>{if failed { "failed" } else { "ok" }}</span>
            </div>
            <p class="meta">
                {when(event.at)}" · #"{event.seq}" · event "{event.action.id()}
            </p>
            <p class="audit-who">{who}{what.map(|t| format!(" → {t}"))}</p>
            {move || {
                let facts = facts();
                (!facts.is_empty()).then(|| view! {
                    <dl class="facts">
                        {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                    </dl>
                })
            }}
        </li>
    }
}

/// The chain check: the server recomputes every hash and link, oldest first.
#[component]
fn Verify() -> impl IntoView {
    let busy = RwSignal::new(false);
    let result = RwSignal::new(None::<Result<(bool, String), String>>);
    let run = move |_| {
        busy.set(true);
        result.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::audit_verify().await;
            busy.set(false);
            result.set(Some(answer.map(|v| verdict(&v)).map_err(|e| explain(&e))));
        });
    };
    view! {
        <section class="card" aria-labelledby="audit-verify-heading">
            <h2 id="audit-verify-heading">"Integrity"</h2>
            <p class="meta">
                "Every event carries the hash of the one before. Verifying recomputes them all, so an "
                "edited, removed or reordered event shows up as the first broken link."
            </p>
            <button id="audit-verify" type="button" class="primary" disabled=move || busy.get() on:click=run>
                {move || if busy.get() { "Verifying…" } else { "Verify the chain" }}
            </button>
            {move || result.get().map(|r| match r {
                Ok((true, text)) => view! { <p class="ok" role="status" id="audit-verify-result" data-holds="true">{text}</p> }.into_any(),
                Ok((false, text)) => view! { <p class="error" role="alert" id="audit-verify-result" data-holds="false">{text}</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert" id="audit-verify-result">{e}</p> }.into_any(),
            })}
        </section>
    }
}
