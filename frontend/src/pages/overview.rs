//! The landing page after sign-in: roles waiting to be activated, the roles held now with their
//! countdowns, requests in flight, requests waiting for this person's approval, raised alerts for
//! administrators, and the session.

use super::format::{mfa_method, plural, short, ticking, when};
use crate::activation::Problem;
use crate::api;
use crate::components::countdown::Countdown;
use crate::components::status::StatusLine;
use crate::requests::{is_waiting, state_class, state_label, status_name};
use crate::routes::Page;
use crate::session::Session;
use elevate_shared::api::activation::RequestList;
use elevate_shared::api::assignments::MyRoles;
use leptos::prelude::*;
use leptos_router::components::A;
use std::time::Duration;

/// How often the counts are asked for while the page is open.
const POLL: Duration = Duration::from_secs(30);

#[component]
pub fn Overview() -> impl IntoView {
    let session = Session::get();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    let roles = RwSignal::new(None::<Result<MyRoles, Problem>>);
    let requests = RwSignal::new(None::<Result<RequestList, Problem>>);
    let approvals = RwSignal::new(None::<Result<usize, Problem>>);
    let alerts = RwSignal::new(None::<Result<usize, Problem>>);
    let tick = ticking();

    let load = move || {
        super::my_roles::load_mine(session, roles, requests);
        leptos::task::spawn_local(async move {
            let answer =
                Some(api::approvals().await.map(|a| a.items.len()).map_err(|e| Problem::from_client(&e)));
            if approvals.try_with_untracked(|now| *now != answer) == Some(true) {
                approvals.set(answer);
            }
        });
        if is_admin.get_untracked() {
            leptos::task::spawn_local(async move {
                let answer = Some(
                    api::raised_alerts().await.map(|a| a.alerts.len()).map_err(|e| Problem::from_client(&e)),
                );
                if alerts.try_with_untracked(|now| *now != answer) == Some(true) {
                    alerts.set(answer);
                }
            });
        }
    };
    load();
    if let Ok(poll) = set_interval_with_handle(load, POLL) {
        on_cleanup(move || poll.clear());
    }

    let eligible_count = Memo::new(move |_| {
        roles.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map_or(0, |r| r.eligible.len()))
    });

    let banner = move || {
        let n = eligible_count.get();
        (n > 0).then(|| {
            view! {
                <section class="card callout info banner" id="eligible-banner" role="note">
                    <p>
                        <strong>"You have eligible roles that can be activated."</strong>" "
                        {format!("{} waiting for when you need {}.", plural(n, "role is", "roles are"), if n == 1 { "it" } else { "them" })}
                    </p>
                    <A href=Page::MyRoles.href() attr:id="eligible-banner-link" attr:class="button-link">"Activate a role"</A>
                </section>
            }
        })
    };

    let active = move || {
        match roles.get() {
        None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
        Some(Err(p)) => view! { <StatusLine id="overview-active-status" message=Err(p) /> }.into_any(),
        Some(Ok(r)) if r.active.is_empty() => view! { <p class="meta">"None right now."</p> }.into_any(),
        Some(Ok(r)) => view! {
            <ul class="list compact">
                {r.active.into_iter().map(|a| view! {
                    <li class="active-role" data-role=a.role.id.to_string()>
                        <strong>{a.role.name.to_string()}</strong>" "<span class="tag">{a.assignment.scope.to_string()}</span>
                        {a.assignment.end.map(|end| view! {
                            <span class="meta">"until "{short(end)}" · "<Countdown until=end now=tick /></span>
                        })}
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    };

    let pending = move || match requests.get() {
        None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
        Some(Err(p)) => view! { <StatusLine id="overview-pending-status" message=Err(p) /> }.into_any(),
        Some(Ok(list)) => {
            let waiting: Vec<_> = list.requests.iter().filter(|r| is_waiting(&r.state)).cloned().collect();
            if waiting.is_empty() {
                return view! { <p class="meta">"None waiting."</p> }.into_any();
            }
            let name = |r: &elevate_shared::domain::ActivationRequest| {
                list.roles
                    .iter()
                    .find(|role| role.id == r.role)
                    .map_or_else(|| r.role.to_string(), |role| role.name.to_string())
            };
            view! {
                <ul class="list compact">
                    {waiting.iter().map(|r| view! {
                        <li class="request" data-request=r.id.to_string() data-state=status_name(r.state.status())>
                            <strong>{name(r)}</strong>" "<span class="tag">{r.scope.to_string()}</span>" "
                            <span class=state_class(&r.state)>{state_label(&r.state)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any()
        }
    };

    let count_card =
        move |answer: Option<Result<usize, Problem>>, one: &'static str, many: &'static str| match answer {
            None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
            Some(Err(p)) => view! { <p class="error">{p.text}</p> }.into_any(),
            Some(Ok(n)) => {
                view! { <p><strong class="count">{n}</strong>" "{if n == 1 { one } else { many }}</p> }
                    .into_any()
            }
        };
    let count_of =
        |answer: Option<Result<usize, Problem>>| answer.and_then(Result::ok).map(|n| n.to_string());

    let welcome = move || {
        session.me().map(|me| {
            let mfa = me
                .session
                .last_mfa
                .as_ref()
                .map(|m| format!("{}, {}", mfa_method(m.method), when(m.at)))
                .unwrap_or_else(|| "None in this session".to_owned());
            (
                me.display_name.to_string(),
                mfa,
                me.session.created_at,
                me.session.expires_at,
                me.passkeys.len(),
            )
        })
    };

    view! {
        <h1>"Overview"</h1>
        <p class="lead">"Welcome, "{move || welcome().map(|w| w.0).unwrap_or_default()}"."</p>
        {banner}
        <div class="cards">
            <section class="card" id="overview-active" aria-labelledby="overview-active-heading">
                <h2 id="overview-active-heading">"Your active roles"</h2>
                {active}
                <A href=Page::MyRoles.href()>"My roles"</A>
            </section>
            <section class="card" id="overview-pending" aria-labelledby="overview-pending-heading">
                <h2 id="overview-pending-heading">"Your pending requests"</h2>
                {pending}
                <A href=Page::MyRoles.href()>"My requests"</A>
            </section>
            <section class="card" id="overview-approvals" aria-labelledby="overview-approvals-heading"
                data-count=move || count_of(approvals.get())>
                <h2 id="overview-approvals-heading">"Waiting for your approval"</h2>
                {move || count_card(approvals.get(), "request", "requests")}
                <A href=Page::Approvals.href() attr:id="overview-approvals-link">"Open Approvals"</A>
            </section>
            <Show when=move || is_admin.get()>
                <section class="card" id="overview-alerts" aria-labelledby="overview-alerts-heading"
                    data-count=move || count_of(alerts.get())>
                    <h2 id="overview-alerts-heading">"Security alerts"</h2>
                    {move || count_card(alerts.get(), "raised alert", "raised alerts")}
                    <A href=Page::Alerts.href() attr:id="overview-alerts-link">"Open Alerts"</A>
                </section>
            </Show>
            {move || welcome().map(|(_, mfa, created, expires, passkeys)| view! {
                <section class="card">
                    <h2>"Your session"</h2>
                    <dl>
                        <dt>"Signed in"</dt><dd>{when(created)}</dd>
                        <dt>"Last MFA"</dt><dd>{mfa}</dd>
                        <dt>"Ends by"</dt><dd>{when(expires)}</dd>
                    </dl>
                </section>
                <section class="card">
                    <h2>"Your passkeys"</h2>
                    <p>{format!("{passkeys} registered")}</p>
                    <A href=Page::SecurityInfo.href()>"Manage security info"</A>
                </section>
            })}
        </div>
    }
}
