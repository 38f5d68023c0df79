//! My roles: the roles the person may activate (Activate opens the activation panel), the roles
//! they hold now with a live countdown (Extend once the last stretch has begun, Deactivate), and
//! their requests with where each stands (Cancel while one waits, and its confirmation if it
//! still needs one).
//!
//! The lists are asked for again every few seconds, and after every step, so approvals and
//! expiries show without a reload. Rows keep their own state across refreshes.

use super::activate::{ActivationPanel, Opened};
use super::format::{now, short, ticking};
use crate::accounts::display_name;
use crate::activation::{
    Problem, Signing, Unit, duration_input, eligible_summary, extension_end, read_duration, unique_ids,
};
use crate::api;
use crate::components::countdown::Countdown;
use crate::components::status::{Progress, StatusLine};
use crate::requests::{asked, decisions, is_waiting, state_class, state_detail, state_label, status_name};
use crate::routes::Page;
use crate::session::{Session, bound_tap};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::activation::{
    ActivationResponse, ExtendFinish, ExtendStart, RequestList, RequestRef,
};
use elevate_shared::api::assignments::{ActiveRole, EligibleRole, MyRoles as MyRolesData};
use elevate_shared::api::users::UserSummary;
use elevate_shared::domain::{
    ActivationRequest, ActivationVerdict, AssignmentId, Refusal, RequestId, RequestState, Role,
};
use elevate_shared::time::UnixMillis;
use leptos::prelude::*;
use std::time::Duration;

/// How often the lists are asked for while the page is open.
const POLL: Duration = Duration::from_secs(15);
/// How many requests are listed before "Show all".
const RECENT_REQUESTS: usize = 10;

type Notice = RwSignal<Option<Result<String, Problem>>>;

/// Loads my roles and my requests into their signals, leaving a signal untouched when nothing
/// changed (the pages poll, and an unchanged list must not re-render), and hands an ended session
/// back to sign-in. My roles and the Overview both show these two lists.
pub(super) fn load_mine(
    session: Session,
    roles: RwSignal<Option<Result<MyRolesData, Problem>>>,
    requests: RwSignal<Option<Result<RequestList, Problem>>>,
) {
    leptos::task::spawn_local(async move {
        let answer = api::my_roles().await;
        if answer.as_ref().is_err_and(|e| e.code() == Some(ErrorCode::Unauthenticated)) {
            return session.refresh();
        }
        let answer = Some(answer.map_err(|e| Problem::from_client(&e)));
        if roles.try_with_untracked(|now| *now != answer) == Some(true) {
            roles.set(answer);
        }
    });
    leptos::task::spawn_local(async move {
        let answer = Some(api::my_requests().await.map_err(|e| Problem::from_client(&e)));
        if requests.try_with_untracked(|now| *now != answer) == Some(true) {
            requests.set(answer);
        }
    });
}

#[component]
pub fn MyRoles() -> impl IntoView {
    let session = Session::get();
    let roles = RwSignal::new(None::<Result<MyRolesData, Problem>>);
    let requests = RwSignal::new(None::<Result<RequestList, Problem>>);
    // Approvers' names, for administrators, who may read the directory.
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let opened = RwSignal::new(None::<Opened>);
    let notice: Notice = RwSignal::new(None);
    let tick = ticking();

    let load = move || {
        load_mine(session, roles, requests);
    };
    load();
    if let Ok(poll) = set_interval_with_handle(load, POLL) {
        on_cleanup(move || poll.clear());
    }
    if session.me_untracked().is_some_and(|me| me.is_admin) {
        leptos::task::spawn_local(async move {
            if let Ok(list) = api::users().await {
                users.set(list.users);
            }
        });
    }
    let reload = Callback::new(move |()| load());

    let eligible = Memo::new(move |_| {
        roles.with(|r| {
            r.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.eligible.clone()).unwrap_or_default()
        })
    });
    let active = Memo::new(move |_| {
        roles.with(|r| {
            let list = r.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.active.clone()).unwrap_or_default();
            let ids = unique_ids(list.iter().map(|a| a.role.id.as_str()));
            ids.into_iter().zip(list).collect::<Vec<(String, ActiveRole)>>()
        })
    });
    let request_list = Memo::new(move |_| {
        requests.with(|r| {
            r.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.requests.clone()).unwrap_or_default()
        })
    });
    // Every role named anywhere on the page, for requests' names.
    let known_roles = Memo::new(move |_| {
        let mut known: Vec<Role> = requests
            .with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.roles.clone()).unwrap_or_default());
        known.extend(eligible.get().into_iter().map(|e| e.role));
        known
    });

    let eligible_item = move |(html, e): (String, EligibleRole)| {
        let now = now();
        let (tone, needs) = eligible_summary(&e.verdict, now, short);
        let when = match (e.assignment.start > now, e.assignment.end) {
            (true, Some(end)) => format!("Eligible from {} until {}", short(e.assignment.start), short(end)),
            (true, None) => format!("Eligible from {}", short(e.assignment.start)),
            (false, Some(end)) => format!("Eligible until {}", short(end)),
            (false, None) => "Eligible permanently".to_owned(),
        };
        let role = e.role.clone();
        let opening = e.clone();
        let already_active =
            matches!(&e.verdict, ActivationVerdict::Refused { refusal: Refusal::AlreadyActive { .. } });
        view! {
            <li class="eligible-role" data-role=role.id.to_string() data-scope=e.assignment.scope.to_string()>
                <div class="role-head">
                    <strong>{role.name.to_string()}</strong>
                    <span class="tag">{e.assignment.scope.to_string()}</span>
                    {role.privileged.then(|| view! { <span class="tag privileged">"Privileged"</span> })}
                </div>
                {role.description.map(|d| view! { <span class="meta">{d.to_string()}</span> })}
                <span class="meta">{when}</span>
                <span class=tone.line_class()>{needs}</span>
                // Already active: the active list below offers Extend and Deactivate instead.
                {(!already_active).then(|| view! {
                    <div class="method-actions">
                        <button type="button" class="small accent" id=format!("activate-{html}")
                            on:click=move |_| {
                                notice.set(None);
                                opened.set(Some(Opened::New(Box::new(opening.clone()))));
                            }>
                            "Activate"
                        </button>
                    </div>
                })}
            </li>
        }
    };

    let show_all = RwSignal::new(false);
    let shown_requests = Memo::new(move |_| {
        let list = request_list.get();
        if show_all.get() { list } else { list.into_iter().take(RECENT_REQUESTS).collect() }
    });

    view! {
        <h1>{Page::MyRoles.title()}</h1>
        <p class="lead">"Activate a role when you need it. It ends on its own when its time is up."</p>
        {move || notice.get().map(|m| view! { <StatusLine id="my-roles-status" message=m /> })}
        {move || opened.get().map(|o| view! {
            <ActivationPanel opened=o users=users reload=reload close=Callback::new(move |()| opened.set(None)) />
        })}
        <section class="card" aria-labelledby="eligible-heading">
            <h2 id="eligible-heading">"Eligible roles"</h2>
            {move || match roles.get() {
                None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
                Some(Err(p)) => view! { <StatusLine id="roles-status" message=Err(p) /> }.into_any(),
                Some(Ok(r)) if r.eligible.is_empty() => view! {
                    <p class="meta" id="eligible-none">
                        "You are not eligible for any role. An administrator makes people eligible."
                    </p>
                }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            <ul class="list" id="eligible-list">
                {move || {
                    let list = eligible.get();
                    let ids = unique_ids(list.iter().map(|e| e.role.id.as_str()));
                    ids.into_iter().zip(list).map(eligible_item).collect_view()
                }}
            </ul>
        </section>
        <section class="card" aria-labelledby="active-heading">
            <h2 id="active-heading">"Active roles"</h2>
            {move || (roles.with(|r| matches!(r, Some(Ok(_)))) && active.with(Vec::is_empty)).then(|| view! {
                <p class="meta" id="active-none">"None right now."</p>
            })}
            <ul class="list" id="active-list">
                <For each=move || active.get() key=|(_, a)| a.assignment.id.clone()
                    children=move |(_, a): (String, ActiveRole)| view! {
                        <ActiveItem id=a.assignment.id listed=active requests=request_list eligible=eligible
                            tick=tick reload=reload notice=notice />
                    } />
            </ul>
        </section>
        <section class="card" aria-labelledby="requests-heading">
            <h2 id="requests-heading">"My requests"</h2>
            {move || match requests.get() {
                None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
                Some(Err(p)) => view! { <StatusLine id="requests-status" message=Err(p) /> }.into_any(),
                Some(Ok(l)) if l.requests.is_empty() => view! {
                    <p class="meta" id="requests-none">"You have not asked for a role yet."</p>
                }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            <ul class="list" id="request-list">
                <For each=move || shown_requests.get() key=|r| r.id.clone()
                    children=move |r: ActivationRequest| view! {
                        <RequestItem id=r.id listed=request_list roles=known_roles users=users opened=opened
                            reload=reload />
                    } />
            </ul>
            {move || {
                let total = request_list.with(Vec::len);
                (!show_all.get() && total > RECENT_REQUESTS).then(|| view! {
                    <button type="button" class="secondary" id="requests-more" on:click=move |_| show_all.set(true)>
                        {format!("Show all {total} requests")}
                    </button>
                })
            }}
        </section>
    }
}

/// Which second step of an active role is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Deactivate,
    Extend,
}

/// One active role: when it ends, with a live countdown; Extend once the last stretch has begun
/// (a tap signs the new end); Deactivate after a second click. It reads the role from the list
/// by its assignment, so a refresh updates it without losing an open step or a message.
#[component]
fn ActiveItem(
    id: AssignmentId,
    listed: Memo<Vec<(String, ActiveRole)>>,
    requests: Memo<Vec<ActivationRequest>>,
    eligible: Memo<Vec<EligibleRole>>,
    tick: ReadSignal<UnixMillis>,
    reload: Callback<()>,
    notice: Notice,
) -> impl IntoView {
    let item =
        Memo::new(move |_| listed.with(|all| all.iter().find(|(_, a)| a.assignment.id == id).cloned()));
    let request = Memo::new(move |_| {
        let wanted = item.with(|i| i.as_ref().and_then(|(_, a)| a.request.clone()))?;
        requests.with(|all| all.iter().find(|r| r.id == wanted).cloned())
    });
    let eligibility_end = move |r: &ActivationRequest| {
        eligible.with_untracked(|all| {
            all.iter().find(|e| e.assignment.id == r.eligibility).and_then(|e| e.assignment.end)
        })
    };
    let open = RwSignal::new(None::<Open>);
    let busy = RwSignal::new(None::<&'static str>);
    let message = RwSignal::new(None::<Result<String, Problem>>);
    let extend_for = RwSignal::new(String::new());
    let extend_unit = RwSignal::new(Unit::Hours);

    // When Extend is offered (activations only), and whether that time has come; the clock ticks
    // every second, the answer changes once.
    let opens_at = Memo::new(move |_| {
        item.with(|i| i.as_ref().and_then(|(_, a)| a.request.as_ref().and(a.extension_opens_at)))
    });
    let extendable = Memo::new(move |_| opens_at.get().is_some_and(|t| tick.get() >= t));

    // When its time is up, the lists are asked for again (once).
    let ended = StoredValue::new(false);
    Effect::new(move |_| {
        let now = tick.get();
        let end = item.with(|i| i.as_ref().and_then(|(_, a)| a.assignment.end));
        if end.is_some_and(|end| now >= end) && !ended.get_value() {
            ended.set_value(true);
            reload.try_run(());
        }
    });

    let deactivate = move |_| {
        let Some((_, a)) = item.get_untracked() else { return };
        let Some(request) = a.request.clone() else { return };
        busy.set(Some("Deactivating…"));
        message.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::deactivate(&RequestRef { request }).await;
            busy.set(None);
            match answer {
                Ok(_) => {
                    notice.set(Some(Ok(format!("Deactivated {} at {}.", a.role.name, a.assignment.scope))));
                    open.set(None);
                    reload.try_run(());
                }
                Err(e) => message.set(Some(Err(Problem::from_client(&e)))),
            }
        });
    };

    let open_extend = move |_| {
        if let Some(r) = request.get_untracked() {
            let (text, unit) = duration_input(r.terms.max_activation.get());
            extend_for.set(text);
            extend_unit.set(unit);
        }
        message.set(None);
        open.set(Some(Open::Extend));
    };
    // The new end as typed, or why there is none.
    let new_end = Memo::new(move |_| {
        let now = tick.get();
        let r = request.get().ok_or("This activation's request is still loading.".to_owned())?;
        let wanted = read_duration(&extend_for.get(), extend_unit.get())?;
        extension_end(&r, eligibility_end(&r), wanted, now, short)
    });
    let extend = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(r) = request.get_untracked() else { return };
        let new_end = match extension_end(
            &r,
            eligibility_end(&r),
            match read_duration(&extend_for.get_untracked(), extend_unit.get_untracked()) {
                Ok(d) => d,
                Err(e) => return message.set(Some(Err(Problem::new(e)))),
            },
            now(),
            short,
        ) {
            Ok(end) => end,
            Err(e) => return message.set(Some(Err(Problem::new(e)))),
        };
        busy.set(Some("Waiting for your authenticator…"));
        message.set(None);
        leptos::task::spawn_local(async move {
            let answer: Result<ActivationResponse, Problem> = async {
                let started = api::extend_start(&ExtendStart { request: r.id.clone(), new_end })
                    .await
                    .map_err(|e| Problem::from_client(&e))?;
                let credential =
                    bound_tap(&r, Signing::Extension(new_end), &started.digest, &started.options).await?;
                busy.set(Some("Extending…"));
                let finish = ExtendFinish {
                    request: r.id.clone(),
                    new_end,
                    ceremony_id: started.ceremony_id,
                    credential,
                };
                api::extend_finish(&finish).await.map_err(|e| Problem::from_client(&e))
            }
            .await;
            busy.set(None);
            match answer {
                Ok(response) => {
                    let until = response.request.state.active_until().unwrap_or(new_end);
                    open.set(None);
                    message.set(Some(Ok(format!("Extended until {}.", short(until)))));
                    reload.try_run(());
                }
                Err(p) => message.set(Some(Err(p))),
            }
        });
    };

    move || {
        let Some((html, a)) = item.get() else { return ().into_any() };
        let end = a.assignment.end;
        let has_request = a.request.is_some();
        let name = a.role.name.to_string();
        view! {
            <li class="active-role" data-role=a.role.id.to_string() data-scope=a.assignment.scope.to_string()
                data-request=a.request.as_ref().map(ToString::to_string)>
                <div class="role-head">
                    <strong>{name.clone()}</strong>
                    <span class="tag">{a.assignment.scope.to_string()}</span>
                    {a.role.privileged.then(|| view! { <span class="tag privileged">"Privileged"</span> })}
                </div>
                {match end {
                    Some(end) => view! {
                        <span class="meta">"Active until "{short(end)}" · "<Countdown until=end now=tick /></span>
                    }.into_any(),
                    None => view! { <span class="meta">"Assigned permanently by an administrator"</span> }.into_any(),
                }}
                {(!has_request).then(|| view! {
                    <span class="meta">"Assigned by an administrator: it ends when they remove it or its time is up."</span>
                })}
                {move || opens_at.get().filter(|_| !extendable.get()).map(|t| view! {
                    <span class="meta">"You can extend it from "{short(t)}"."</span>
                })}
                <div class="method-actions">
                    {
                        let html = html.clone();
                        move || extendable.get().then(|| view! {
                            <button type="button" class="small accent" id=format!("extend-{html}")
                                aria-expanded=move || (open.get() == Some(Open::Extend)).to_string()
                                on:click=open_extend>"Extend"</button>
                        })
                    }
                    {has_request.then(|| view! {
                        <button type="button" class="small secondary" id=format!("deactivate-{html}")
                            aria-expanded=move || (open.get() == Some(Open::Deactivate)).to_string()
                            on:click=move |_| { message.set(None); open.set(Some(Open::Deactivate)) }>
                            "Deactivate"
                        </button>
                    })}
                </div>
                {
                    let (html, name) = (html.clone(), name.clone());
                    move || (open.get() == Some(Open::Deactivate)).then(|| view! {
                        <div class="confirm">
                            <p class="warning-text">
                                "Deactivate "{name.clone()}" now? To use it again you will have to activate it again."
                            </p>
                            <div class="actions">
                                <button type="button" class="small danger" id=format!("deactivate-confirm-{html}")
                                    disabled=move || busy.get().is_some() on:click=deactivate>"Deactivate now"</button>
                                <button type="button" class="small secondary" id=format!("deactivate-keep-{html}")
                                    on:click=move |_| open.set(None)>"Keep it"</button>
                            </div>
                        </div>
                    })
                }
                {
                    let html = html.clone();
                    move || (open.get() == Some(Open::Extend)).then(|| view! {
                        <form class="confirm stack" on:submit=extend novalidate>
                            <p class="meta">
                                "Keep the role without a new request. Your tap signs the new end; it can be at most "
                                "as long from now as a new activation."
                            </p>
                            <label for=format!("extend-duration-{html}")>"Keep it for (from now)"</label>
                            <div class="duration-row">
                                <input id=format!("extend-duration-{html}") inputmode="decimal" autocomplete="off"
                                    prop:value=move || extend_for.get()
                                    on:input=move |ev| extend_for.set(event_target_value(&ev)) />
                                <select id=format!("extend-unit-{html}") aria-label="Unit"
                                    prop:value=move || extend_unit.get().as_str()
                                    on:change=move |ev| extend_unit.set(Unit::parse(&event_target_value(&ev)))>
                                    <option value="hours" prop:selected=move || extend_unit.get() == Unit::Hours>
                                        "hours"
                                    </option>
                                    <option value="minutes" prop:selected=move || extend_unit.get() == Unit::Minutes>
                                        "minutes"
                                    </option>
                                </select>
                            </div>
                            <p class="meta" id=format!("extend-end-{html}") aria-live="polite">
                                {move || match new_end.get() {
                                    Ok(end) => format!("New end: {}", short(end)),
                                    Err(e) => e,
                                }}
                            </p>
                            <div class="actions">
                                <button type="submit" class="small accent" id=format!("extend-confirm-{html}")
                                    disabled=move || busy.get().is_some() || new_end.with(Result::is_err)>
                                    "Extend with your authenticator"
                                </button>
                                <button type="button" class="small secondary" id=format!("extend-cancel-{html}")
                                    on:click=move |_| open.set(None)>"Cancel"</button>
                            </div>
                        </form>
                    })
                }
                <Progress id=format!("active-progress-{html}") busy=busy.into() />
                {
                    let id = format!("active-status-{html}");
                    move || message.get().map(|m| view! { <StatusLine id=id.clone() message=m /> })
                }
            </li>
        }
        .into_any()
    }
}

/// One request: the role, where it stands and why it ended, what was asked and decided; Cancel
/// while it waits, and its confirmation while it needs one.
#[component]
fn RequestItem(
    id: RequestId,
    listed: Memo<Vec<ActivationRequest>>,
    roles: Memo<Vec<Role>>,
    users: RwSignal<Vec<UserSummary>>,
    opened: RwSignal<Option<Opened>>,
    reload: Callback<()>,
) -> impl IntoView {
    let request = Memo::new(move |_| listed.with(|all| all.iter().find(|r| r.id == id).cloned()));
    let busy = RwSignal::new(None::<&'static str>);
    let message = RwSignal::new(None::<Result<String, Problem>>);
    let role_of =
        move |r: &ActivationRequest| roles.with(|all| all.iter().find(|role| role.id == r.role).cloned());

    let cancel = move |_| {
        let Some(r) = request.get_untracked() else { return };
        busy.set(Some("Cancelling…"));
        message.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::cancel_activation(&RequestRef { request: r.id }).await;
            busy.set(None);
            match answer {
                Ok(_) => {
                    message.set(Some(Ok("Request cancelled.".to_owned())));
                    reload.try_run(());
                }
                Err(e) => message.set(Some(Err(Problem::from_client(&e)))),
            }
        });
    };

    move || {
        let Some(r) = request.get() else { return ().into_any() };
        let role_name = role_of(&r).map_or_else(|| r.role.to_string(), |role| role.name.to_string());
        let id = r.id.to_string();
        let said = users.with(|u| decisions(&r, |who| display_name(u, who), short));
        let resume = (r.state == RequestState::MfaRequired).then(|| {
            let (request, role_name) = (r.clone(), role_name.clone());
            move |_| {
                opened.set(Some(Opened::Resume {
                    request: Box::new(request.clone()),
                    role_name: role_name.clone(),
                }))
            }
        });
        view! {
            <li class="request" data-request=id.clone() data-state=status_name(r.state.status())
                data-role=r.role.to_string()>
                <div class="role-head">
                    <strong>{role_name}</strong>
                    <span class="tag">{r.scope.to_string()}</span>
                    <span class=state_class(&r.state)>{state_label(&r.state)}</span>
                </div>
                <span class="meta">"Asked at "{short(r.created_at)}" for "{asked(&r, short)}</span>
                <p class="state-detail">{state_detail(&r, short)}</p>
                {r.justification.as_ref().map(|j| view! { <p class="quote">"Why: "{j.to_string()}</p> })}
                {r.ticket.as_ref().map(|t| view! { <p class="meta">"Ticket: "{format!("{} {}", t.system, t.number)}</p> })}
                {(!said.is_empty()).then(|| view! {
                    <ul class="decisions">{said.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                })}
                {(is_waiting(&r.state) || resume.is_some()).then(|| view! {
                    <div class="method-actions">
                        {resume.map(|open| view! {
                            <button type="button" class="small accent" id=format!("verify-{id}") on:click=open>
                                "Confirm it's you"
                            </button>
                        })}
                        {is_waiting(&r.state).then(|| view! {
                            <button type="button" class="small secondary" id=format!("cancel-{id}")
                                disabled=move || busy.get().is_some() on:click=cancel>"Cancel request"</button>
                        })}
                    </div>
                })}
                <Progress id=format!("request-progress-{id}") busy=busy.into() />
                {
                    let status = format!("request-status-{id}");
                    move || message.get().map(|m| view! { <StatusLine id=status.clone() message=m /> })
                }
            </li>
        }
        .into_any()
    }
}
