//! Alerts computed from roles, assignments and activity, for administrators: each with its
//! severity, what it means, the items it names, a Fix over the ticked items (every item ticked at
//! first) and Dismiss with a reason. Dismissed alerts stay listed, apart, with who dismissed them
//! and why, so nothing disappears silently. What a fix over the ticked items is, and every
//! sentence, comes from `crate::alerts`; this module only displays and sends.

use super::format::when;
use crate::accounts::name_of;
use crate::alerts::{
    FixItem, advice, affected_text, dismiss_reason, dismissed_line, fix_action, fix_item, fix_items,
    fix_result, headline, selected_fix, severity,
};
use crate::api;
use crate::session::explain;
use elevate_shared::api::alerts::{AlertList, ApplyFix, DismissAlert, DismissedAlert};
use elevate_shared::api::roles::RoleView;
use elevate_shared::api::users::UserSummary;
use elevate_shared::domain::{Alert, AlertKind, RoleId};
use leptos::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// What the last Fix of each kind did (or why it failed); kept across reloads, since a fixed
/// alert is gone from the list that follows.
type Results = RwSignal<BTreeMap<AlertKind, Result<String, String>>>;

/// The roles and people the alerts name, for names instead of ids.
#[derive(Clone, Default)]
struct Names {
    roles: Vec<RoleView>,
    users: Vec<UserSummary>,
}

impl Names {
    fn role(&self, id: &RoleId) -> String {
        self.roles
            .iter()
            .find(|r| &r.role.id == id)
            .map_or_else(|| id.to_string(), |r| r.role.name.to_string())
    }

    fn describe(&self, a: &elevate_shared::domain::Affected) -> String {
        affected_text(a, |r| self.role(r), |u| name_of(&self.users, u))
    }
}

#[component]
pub fn Computed() -> impl IntoView {
    let list = RwSignal::new(None::<Result<AlertList, String>>);
    let names = RwSignal::new(Names::default());
    let results: Results = RwSignal::new(BTreeMap::new());
    let loading = RwSignal::new(false);
    let load = move || {
        loading.set(true);
        leptos::task::spawn_local(async move {
            // Names are a nicety: the alerts show with ids if either list is unavailable.
            let roles = api::roles().await.map(|l| l.roles).unwrap_or_default();
            let users = api::users().await.map(|l| l.users).unwrap_or_default();
            names.set(Names { roles, users });
        });
        leptos::task::spawn_local(async move {
            list.set(Some(api::alerts().await.map_err(|e| explain(&e))));
            loading.set(false);
        });
    };
    load();
    let reload = Callback::new(move |()| load());

    view! {
        <section class="computed-alerts" id="computed-alerts" aria-labelledby="computed-alerts-title"
            data-loading=move || loading.get().to_string()>
            <h2 id="computed-alerts-title">"From roles and assignments"</h2>
            {move || {
                let done = results.get();
                (!done.is_empty()).then(|| view! {
                    <div class="card" id="fix-results">
                        {done.into_iter().map(|(kind, r)| {
                            let id = format!("fix-result-{}", kind.as_str());
                            match r {
                                Ok(text) => view! { <p class="ok" role="status" id=id>{text}</p> }.into_any(),
                                Err(text) => view! { <p class="error" role="alert" id=id>{text}</p> }.into_any(),
                            }
                        }).collect_view()}
                    </div>
                })
            }}
            {move || match list.get() {
                None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" id="computed-status">{e}</p> }.into_any(),
                Some(Ok(l)) => {
                    let n = names.get();
                    view! {
                        {if l.alerts.is_empty() {
                            view! { <p class="card" id="computed-none">"No alert needs action now."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="list alert-list" id="computed-alert-list">
                                    {l.alerts.into_iter().map(|a| view! {
                                        <ComputedItem alert=a names=n.clone() results=results reload=reload />
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {(!l.dismissed.is_empty()).then(|| view! {
                            <h3>"Dismissed"</h3>
                            <ul class="list alert-list" id="dismissed-alert-list">
                                {l.dismissed.into_iter().map(|d| dismissed_item(d, &n)).collect_view()}
                            </ul>
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}

#[component]
fn ComputedItem(alert: Alert, names: Names, results: Results, reload: Callback<()>) -> impl IntoView {
    let kind = alert.kind;
    let k = kind.as_str();
    let (label, class) = severity(alert.severity);
    let fix = alert.fix.clone();
    let ticked = RwSignal::new(
        fix.as_ref().map(|f| fix_items(f).into_iter().collect::<BTreeSet<_>>()).unwrap_or_default(),
    );
    let busy = RwSignal::new(None::<&'static str>);
    let dismissing = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);

    let chosen = {
        let fix = fix.clone();
        Memo::new(move |_| fix.as_ref().and_then(|f| ticked.with(|t| selected_fix(f, t))))
    };
    let apply = move |_| {
        let Some(fix) = chosen.get_untracked() else { return };
        busy.set(Some("Applying the fix…"));
        problem.set(None);
        results.update(|r| {
            r.remove(&kind);
        });
        leptos::task::spawn_local(async move {
            let outcome = api::fix_alert(&ApplyFix { fix: fix.clone() }).await;
            busy.set(None);
            results.update(|r| {
                r.insert(kind, outcome.as_ref().map(|a| fix_result(&fix, a)).map_err(explain));
            });
            if outcome.is_ok() {
                reload.run(());
            }
        });
    };
    let confirm_dismiss = move |_| {
        let reason = match dismiss_reason(&reason.get_untracked()) {
            Ok(r) => r,
            Err(why) => return problem.set(Some(why)),
        };
        busy.set(Some("Dismissing…"));
        problem.set(None);
        leptos::task::spawn_local(async move {
            let outcome = api::dismiss_alert(&DismissAlert { kind, reason }).await;
            busy.set(None);
            match outcome {
                Ok(_) => reload.run(()),
                Err(e) => problem.set(Some(explain(&e))),
            }
        });
    };

    // Ticked items are touch-sized rows; plain ones are a compact list.
    let list_class = if fix.is_some() { "list affected" } else { "list compact affected" };
    let items = alert
        .affected
        .iter()
        .map(|a| {
            let text = names.describe(a);
            match fix.as_ref().and_then(|f| fix_item(a, f)) {
                Some(item) => checkbox(item, text, ticked, busy).into_any(),
                None => view! { <li>{text}</li> }.into_any(),
            }
        })
        .collect_view();

    view! {
        <li class="card alert computed" data-alert-kind=k>
            <div class="alert-head">
                <span class=class>{label}</span>
                <strong>{headline(kind)}</strong>
            </div>
            {advice(kind).map(|text| view! { <p class="advice">{text}</p> })}
            <ul class=list_class id=format!("affected-{k}")>{items}</ul>
            <div class="actions">
                {fix.is_some().then(|| view! {
                    <button type="button" class="primary" id=format!("fix-{k}") on:click=apply
                        disabled=move || busy.get().is_some() || chosen.get().is_none()>
                        {move || fix_action(chosen.get().as_ref())}
                    </button>
                })}
                <button type="button" class="secondary" id=format!("dismiss-{k}")
                    aria-expanded=move || dismissing.get().to_string()
                    disabled=move || busy.get().is_some()
                    on:click=move |_| { problem.set(None); dismissing.update(|d| *d = !*d) }>
                    "Dismiss"
                </button>
            </div>
            {move || dismissing.get().then(|| view! {
                <div class="confirm stack">
                    <label for=format!("dismiss-reason-{k}")>
                        "Why does this need no action? The reason is kept in the audit log."
                    </label>
                    <textarea id=format!("dismiss-reason-{k}") class="prose" rows="3" maxlength="500" required
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <div class="actions">
                        <button type="button" class="small danger" id=format!("dismiss-confirm-{k}")
                            disabled=move || busy.get().is_some() on:click=confirm_dismiss>"Dismiss alert"</button>
                        <button type="button" class="small secondary" id=format!("dismiss-cancel-{k}")
                            on:click=move |_| dismissing.set(false)>"Keep it"</button>
                    </div>
                </div>
            })}
            <p class="meta progress" role="status" aria-live="polite" id=format!("alert-progress-{k}")>
                {move || busy.get()}
            </p>
            {move || problem.get().map(|p| view! { <p class="error" role="alert" id=format!("alert-problem-{k}")>{p}</p> })}
        </li>
    }
}

fn checkbox(
    item: FixItem,
    text: String,
    ticked: RwSignal<BTreeSet<FixItem>>,
    busy: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let id = item.id().to_owned();
    let (shown, toggled) = (item.clone(), item);
    view! {
        <li>
            <label class="check">
                <input type="checkbox" data-fix-item=id
                    prop:checked=move || ticked.with(|t| t.contains(&shown))
                    disabled=move || busy.get().is_some()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ticked.update(|t| {
                            if on { t.insert(toggled.clone()); } else { t.remove(&toggled); }
                        });
                    } />
                <span>{text}</span>
            </label>
        </li>
    }
}

fn dismissed_item(d: DismissedAlert, names: &Names) -> impl IntoView {
    let k = d.alert.kind.as_str();
    let (label, class) = severity(d.alert.severity);
    let line = dismissed_line(&d);
    view! {
        <li class="card alert dismissed" data-alert-kind=k id=format!("dismissed-{k}")>
            <div class="alert-head">
                <span class=class>{label}</span>
                <strong>{headline(d.alert.kind)}</strong>
            </div>
            <p class="dismissal">{line}</p>
            <span class="meta">{when(d.dismissed_at)}" · shown again if a new item appears"</span>
            <ul class="list compact affected">
                {d.alert.affected.iter().map(|a| view! { <li>{names.describe(a)}</li> }).collect_view()}
            </ul>
        </li>
    }
}
