//! Approvals: the requests waiting for the signed-in person's decision, with everything needed to
//! judge one — who asks, for which role, where, how long, why, the ticket, and how they proved it
//! was them. Approve and Deny are each signed with a tap whose challenge commits to this approver's
//! verdict on exactly this request; a deny asks for the reason.
//!
//! The inbox is asked for again every few seconds. A decision taken here stays on the page with
//! its outcome until the page is left.

use super::format::{clock, short};
use crate::activation::{Problem, Signing};
use crate::api;
use crate::app::Inbox;
use crate::components::status::{Progress, StatusLine};
use crate::requests::{approvals as approval_count, asked, decision_outcome, decisions, mfa_evidence};
use crate::routes::Page;
use crate::session::{Session, bound_tap};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::activation::ActivationResponse;
use elevate_shared::api::approvals::{ApprovalItem, DecisionFinish, DecisionStart};
use elevate_shared::domain::digest::Verdict;
use elevate_shared::domain::{Reason, RequestId};
use elevate_shared::ids::UserId;
use leptos::html;
use leptos::prelude::*;
use std::time::Duration;

/// How often the inbox is asked for while the page is open.
const POLL: Duration = Duration::from_secs(15);

#[component]
pub fn Approvals() -> impl IntoView {
    let session = Session::get();
    let waiting = RwSignal::new(None::<Result<Vec<ApprovalItem>, Problem>>);
    // Requests decided on this page, as the decision left them; they stay listed with the outcome.
    let decided = RwSignal::new(Vec::<ApprovalItem>::new());
    let busy = RwSignal::new(false);
    let inbox = use_context::<Inbox>();
    let load = move || {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = api::approvals().await;
            busy.set(false);
            if answer.as_ref().is_err_and(|e| e.code() == Some(ErrorCode::Unauthenticated)) {
                return session.refresh();
            }
            if let (Ok(waiting), Some(inbox)) = (&answer, inbox) {
                inbox.0.set(waiting.items.len());
            }
            let answer = Some(answer.map(|a| a.items).map_err(|e| Problem::from_client(&e)));
            if waiting.try_with_untracked(|now| *now != answer) == Some(true) {
                waiting.set(answer);
            }
        });
    };
    load();
    if let Ok(poll) = set_interval_with_handle(load, POLL) {
        on_cleanup(move || poll.clear());
    }
    let listed = Memo::new(move |_| {
        let mut items =
            waiting.with(|w| w.as_ref().and_then(|w| w.as_ref().ok()).cloned().unwrap_or_default());
        decided.with(|done| {
            for item in done {
                match items.iter_mut().find(|i| i.request.id == item.request.id) {
                    Some(listed) => *listed = item.clone(),
                    None => items.push(item.clone()),
                }
            }
        });
        items
    });
    let on_decided = Callback::new(move |item: ApprovalItem| {
        decided.update(|done| {
            done.retain(|d| d.request.id != item.request.id);
            done.push(item);
        });
        load();
    });

    view! {
        <h1>{Page::Approvals.title()}</h1>
        <p class="lead">
            "Requests waiting for your decision. You sign each decision with a tap on your passkey or "
            "security key, over exactly the request shown."
        </p>
        <div class="actions">
            <button type="button" class="secondary" id="approvals-refresh" on:click=move |_| load()
                disabled=move || busy.get()>
                {move || if busy.get() { "Refreshing…" } else { "Refresh" }}
            </button>
        </div>
        {move || match waiting.get() {
            None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
            Some(Err(p)) => view! { <StatusLine id="approvals-status" message=Err(p) /> }.into_any(),
            Some(Ok(_)) if listed.with(Vec::is_empty) => view! {
                <p class="card" id="approvals-none">"Nothing is waiting for you."</p>
            }.into_any(),
            Some(Ok(_)) => ().into_any(),
        }}
        <ul class="list approval-list" id="approval-list">
            <For each=move || listed.get() key=|i| i.request.id.clone()
                children=move |item: ApprovalItem| view! {
                    <ApprovalCard id=item.request.id listed=listed on_decided=on_decided />
                } />
        </ul>
    }
}

/// One request waiting for a decision. It reads its request from the list by id, so a refresh
/// updates it without losing a reason being typed or an outcome.
#[component]
fn ApprovalCard(
    id: RequestId,
    listed: Memo<Vec<ApprovalItem>>,
    on_decided: Callback<ApprovalItem>,
) -> impl IntoView {
    let session = Session::get();
    let me = Memo::new(move |_| session.me().map(|me| me.user_id));
    let item = Memo::new(move |_| listed.with(|all| all.iter().find(|i| i.request.id == id).cloned()));
    // The deny form, which asks for the reason, is open.
    let denying = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(None::<&'static str>);
    let message = RwSignal::new(None::<Result<String, Problem>>);
    // Set once this approver has decided here.
    let done = RwSignal::new(false);

    let decide = move |verdict: Verdict| {
        let (Some(item), Some(approver)) = (item.get_untracked(), me.get_untracked()) else { return };
        let typed = match verdict {
            Verdict::Approve => comment.get_untracked(),
            Verdict::Deny => reason.get_untracked(),
        };
        let reason = match (verdict, typed.trim()) {
            (Verdict::Deny, "") => {
                return message.set(Some(Err(Problem::new(format!(
                    "Say why you deny it, so {} knows what to change.",
                    item.requester_name
                )))));
            }
            (_, "") => None,
            (_, text) => match Reason::parse(text) {
                Ok(r) => Some(r),
                Err(e) => {
                    return message.set(Some(Err(Problem::new(super::format::sentence(&e.to_string())))));
                }
            },
        };
        busy.set(Some("Waiting for your authenticator…"));
        message.set(None);
        leptos::task::spawn_local(async move {
            let answer = sign_decision(&item, &approver, verdict, reason, busy).await;
            busy.set(None);
            match answer {
                Ok(response) => {
                    done.set(true);
                    denying.set(false);
                    message.set(Some(Ok(decision_outcome(verdict, &response.request, clock))));
                    on_decided.try_run(ApprovalItem { request: response.request, ..item });
                }
                Err(p) => message.set(Some(Err(p))),
            }
        });
    };

    move || {
        let Some(item) = item.get() else { return ().into_any() };
        let r = &item.request;
        let id = r.id.to_string();
        let requester = item.requester_name.to_string();
        let mine_decided = done.get()
            || me.with(|me| me.as_ref().is_some_and(|me| r.decisions.iter().any(|d| &d.approver == me)));
        let counted = approval_count(r).map(|(given, quorum)| format!("{given} of {quorum}"));
        let said = decisions(r, |_| None, short);
        view! {
            <li class="card approval" data-request=id.clone() data-role=item.role.id.to_string()>
                <div class="role-head">
                    <strong>{requester.clone()}</strong>
                    <span class="meta">{item.requester_username.to_string()}</span>
                </div>
                <p class="asks">
                    "asks for "<strong>{item.role.name.to_string()}</strong>" at "
                    <span class="tag">{r.scope.to_string()}</span>
                    {item.role.privileged.then(|| view! { " "<span class="tag privileged">"Privileged"</span> })}
                </p>
                <dl class="facts">
                    <dt>"For"</dt><dd>{asked(r, short)}</dd>
                    <dt>"Why"</dt>
                    <dd class="quote">{r.justification.as_ref().map_or_else(|| "No justification given".to_owned(), ToString::to_string)}</dd>
                    {r.ticket.as_ref().map(|t| view! { <dt>"Ticket"</dt><dd>{format!("{} {}", t.system, t.number)}</dd> })}
                    <dt>"Their MFA"</dt><dd>{mfa_evidence(r.mfa.as_ref(), short)}</dd>
                    <dt>"Asked"</dt><dd>{short(r.created_at)}</dd>
                    <dt>"Waits until"</dt><dd>{short(r.pending_until)}</dd>
                    {counted.map(|c| view! { <dt>"Approvals"</dt><dd>{c}</dd> })}
                </dl>
                {(!said.is_empty()).then(|| view! {
                    <ul class="decisions">{said.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul>
                })}
                {(!mine_decided).then(|| {
                    let id = id.clone();
                    view! {
                        <details class="comment">
                            <summary>"Add a comment to an approval"</summary>
                            <label for=format!("approve-reason-{id}")>"Comment (optional)"</label>
                            <textarea id=format!("approve-reason-{id}") class="prose" rows="2" maxlength="500"
                                prop:value=move || comment.get()
                                on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                        </details>
                        <div class="actions decide">
                            <button type="button" class="primary" id=format!("approve-{id}")
                                disabled=move || busy.get().is_some() on:click=move |_| decide(Verdict::Approve)>
                                "Approve"
                            </button>
                            <button type="button" class="secondary" id=format!("deny-{id}")
                                aria-expanded=move || denying.get().to_string()
                                disabled=move || busy.get().is_some()
                                on:click=move |_| { message.set(None); denying.set(true) }>
                                "Deny"
                            </button>
                        </div>
                    }
                })}
                {
                    let (id, requester) = (id.clone(), requester.clone());
                    move || (denying.get() && !done.get()).then(|| {
                        let field = NodeRef::<html::Textarea>::new();
                        field.on_load(|el| {
                            let _ = el.focus();
                        });
                        view! {
                            <div class="confirm stack">
                                <label for=format!("deny-reason-{id}")>{format!("Why deny it? {requester} will see this.")}</label>
                                <textarea id=format!("deny-reason-{id}") class="prose" rows="3" maxlength="500" required
                                    node_ref=field prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                                <div class="actions">
                                    <button type="button" class="small danger" id=format!("deny-confirm-{id}")
                                        disabled=move || busy.get().is_some() on:click=move |_| decide(Verdict::Deny)>
                                        "Deny with your authenticator"
                                    </button>
                                    <button type="button" class="small secondary" id=format!("deny-keep-{id}")
                                        on:click=move |_| denying.set(false)>"Keep it waiting"</button>
                                </div>
                            </div>
                        }
                    })
                }
                <Progress id=format!("approval-progress-{id}") busy=busy.into() />
                {
                    let status = format!("approval-status-{id}");
                    move || message.get().map(|m| view! { <StatusLine id=status.clone() message=m /> })
                }
            </li>
        }
        .into_any()
    }
}

/// The decision, signed: the server starts a tap over this approver's verdict on the request, the
/// portal checks that is what it signs, the authenticator signs, and the server records it.
async fn sign_decision(
    item: &ApprovalItem,
    approver: &UserId,
    verdict: Verdict,
    reason: Option<Reason>,
    busy: RwSignal<Option<&'static str>>,
) -> Result<ActivationResponse, Problem> {
    let request = item.request.id.clone();
    let started = api::approval_start(&DecisionStart { request: request.clone(), verdict })
        .await
        .map_err(|e| Problem::from_client(&e))?;
    let signing = Signing::Decision { approver, verdict };
    let credential = bound_tap(&item.request, signing, &started.digest, &started.options).await?;
    busy.set(Some("Recording your decision…"));
    let finish = DecisionFinish { request, ceremony_id: started.ceremony_id, verdict, reason, credential };
    api::approval_finish(&finish).await.map_err(|e| Problem::from_client(&e))
}
