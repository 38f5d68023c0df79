//! Alerts, for administrators: those computed from roles, assignments and activity, with Fix and
//! Dismiss (`alerts_computed`), then the alerts events have raised (fraud reports, lockouts,
//! bypasses, copied authenticators), newest first.

use super::alerts_computed::Computed;
use super::format::when;
use crate::accounts::name_of;
use crate::alerts::{actor, advice, details, headline, newest_first, severity, target};
use crate::api;
use crate::routes::Page;
use crate::session::{Session, explain};
use elevate_shared::api::alerts::RaisedAlert;
use elevate_shared::api::users::UserSummary;
use leptos::prelude::*;

#[component]
pub fn Alerts() -> impl IntoView {
    let session = Session::get();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    view! {
        <h1>{Page::Alerts.title()}</h1>
        <Show when=move || is_admin.get() fallback=|| view! {
            <section class="card notice" role="note">
                <p>"Only administrators see security alerts."</p>
            </section>
        }>
            <Computed />
            <Raised />
        </Show>
    }
}

#[component]
fn Raised() -> impl IntoView {
    let alerts = RwSignal::new(None::<Result<Vec<RaisedAlert>, String>>);
    // For names instead of ids; the alerts are shown without them if the directory is unavailable.
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let busy = RwSignal::new(false);
    let load = move || {
        busy.set(true);
        // Side by side: the list does not wait for the directory.
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::users().await {
                users.set(list.users);
            }
        });
        leptos::task::spawn_local(async move {
            let raised = api::raised_alerts().await;
            alerts.set(Some(raised.map_err(|e| explain(&e)).map(|mut r| {
                newest_first(&mut r.alerts);
                r.alerts
            })));
            busy.set(false);
        });
    };
    load();

    view! {
        <h2 id="raised-alerts-title">"Raised by events"</h2>
        <section class="card notice" role="note">
            <p>
                "These alerts are raised by events: a person reporting a sign-in they did not start, an "
                "account locked after repeated failures, a bypass of the second factor, and a passkey "
                "whose signature counter went backwards."
            </p>
        </section>
        <div class="actions">
            <button type="button" class="secondary" id="alerts-refresh" on:click=move |_| load()
                disabled=move || busy.get()>
                {move || if busy.get() { "Refreshing…" } else { "Refresh" }}
            </button>
        </div>
        {move || match alerts.get() {
            None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert" id="alerts-status">{e}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <p class="card" id="alerts-none">"No event has raised an alert."</p>
            }.into_any(),
            Some(Ok(list)) => {
                let listed = users.get();
                view! {
                    <ul class="list alert-list" id="alert-list">
                        {list.into_iter().map(|a| alert_item(a, &listed)).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}

fn alert_item(alert: RaisedAlert, users: &[UserSummary]) -> impl IntoView {
    let name = |id: &_| name_of(users, id);
    let (label, class) = severity(alert.severity);
    let by = actor(&alert.actor, name);
    let about = target(&alert.target, name);
    let facts = details(&alert.details, when);
    view! {
        <li class="card alert" data-alert-kind=alert.kind.as_str() data-alert-seq=alert.seq.to_string()>
            <div class="alert-head">
                <span class=class>{label}</span>
                <strong>{headline(alert.kind)}</strong>
            </div>
            <span class="meta">
                {when(alert.raised_at)}" · by "{by}
                {about.map(|who| format!(" · about {who}"))}
            </span>
            {advice(alert.kind).map(|text| view! { <p class="advice">{text}</p> })}
            {(!facts.is_empty()).then(|| view! {
                <dl class="facts">
                    {facts.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
            })}
        </li>
    }
}
