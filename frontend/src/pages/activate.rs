//! The activation panel, on one screen: the form with the live verdict (what the activation will
//! need, refreshed as the person types), then the request-bound confirmation (a tap that signs this
//! very request, or a code where the role accepts one), then the outcome.
//!
//! It is also opened for a request that still waits for its confirmation, straight at that step.

use super::format::{from_local_input, local_input, now, short, ticking};
use crate::activation::{
    Form, Problem, Signing, StartChoice, Tone, Unit, duration_input, duration_text, ends_line,
    max_from_probe, probe_draft, read_draft, tap_summary, verdict_view,
};
use crate::api::{self, ClientError};
use crate::components::countdown::Countdown;
use crate::components::status::{Progress, StatusLine};
use crate::requests::{outcome, state_detail};
use crate::routes::Page;
use crate::session::{Session, bound_tap};
use crate::totp::{code_lengths, max_length, pattern, read_code};
use elevate_shared::api::activation::{
    ActivationCode, ActivationResponse, BoundCeremonyFinish, CreateActivation, PreviewActivation, RequestRef,
};
use elevate_shared::api::assignments::EligibleRole;
use elevate_shared::api::users::UserSummary;
use elevate_shared::domain::mfa::AllowedMethods;
use elevate_shared::domain::{
    ActivationDraft, ActivationRequest, ActivationVerdict, Hint, RequestId, RequestState, TicketPattern,
    TicketSystem,
};
use elevate_shared::time::{DurationMs, UnixMillis};
use gloo_timers::future::TimeoutFuture;
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;

/// How long typing must pause before the verdict is asked for again, in milliseconds.
const PREVIEW_DELAY_MS: u32 = 300;

/// What the panel was opened for.
#[derive(Clone, Debug, PartialEq)]
pub enum Opened {
    /// A new activation of a role the person is eligible for.
    New(Box<EligibleRole>),
    /// The confirmation of a request that waits for it.
    Resume { request: Box<ActivationRequest>, role_name: String },
}

/// Where the panel is.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    Form,
    /// The request waits for the requester's confirmation.
    Confirm(Box<ActivationRequest>),
    /// The request as the last step left it.
    Done(Box<ActivationRequest>),
}

/// What the role demands, as previews have revealed it; it stays shown once seen.
#[derive(Clone, Debug, Default, PartialEq)]
struct Needs {
    justification: bool,
    hint: Option<Hint>,
    ticket: Option<(Vec<TicketSystem>, Option<TicketPattern>)>,
}

/// Why a confirmation step failed: the server said no, or it never reached the server.
enum Failure {
    Server(ClientError),
    Local(Problem),
}

/// The panel's shared state, for the steps that move it on.
#[derive(Clone, Copy)]
struct Steps {
    phase: RwSignal<Phase>,
    result: RwSignal<Option<Result<String, Problem>>>,
    busy: RwSignal<Option<&'static str>>,
    users: RwSignal<Vec<UserSummary>>,
    reload: Callback<()>,
}

impl Steps {
    /// The request as a step left it: its confirmation next, or the outcome.
    fn arrive(self, request: ActivationRequest) {
        if request.state == RequestState::MfaRequired {
            self.result.set(None);
            self.phase.set(Phase::Confirm(Box::new(request)));
            return;
        }
        // The page that lent its directory may be gone by the time a step ends.
        let text = self
            .users
            .try_with_untracked(|users| {
                outcome(&request, |id| crate::accounts::display_name(users, id), super::format::clock, short)
            })
            .unwrap_or_else(|| outcome(&request, |_| None, super::format::clock, short));
        let result = match request.state {
            RequestState::Active { .. } | RequestState::PendingApproval | RequestState::Scheduled { .. } => {
                Ok(text)
            }
            RequestState::Cancelled { .. } => Ok("Request cancelled.".to_owned()),
            _ => Err(Problem::new(text)),
        };
        self.result.set(Some(result));
        self.phase.set(Phase::Done(Box::new(request)));
    }

    /// Ends a confirmation step. A refused attempt may have ended the request (too many failures,
    /// or it expired), so its state is asked for again before the step is offered once more.
    async fn settle(self, id: RequestId, outcome: Result<ActivationResponse, Failure>) {
        self.busy.set(None);
        let e = match outcome {
            Ok(response) => {
                self.reload.try_run(());
                return self.arrive(response.request);
            }
            Err(Failure::Local(problem)) => return self.result.set(Some(Err(problem))),
            Err(Failure::Server(e)) => e,
        };
        let problem = Problem::from_client(&e);
        self.reload.try_run(());
        let now_state =
            api::my_requests().await.ok().and_then(|list| list.requests.into_iter().find(|r| r.id == id));
        match now_state {
            Some(r) if r.state != RequestState::MfaRequired => {
                let text = format!("{} {}", problem.text, state_detail(&r, short));
                self.result.set(Some(Err(Problem { text, ..problem })));
                self.phase.set(Phase::Done(Box::new(r)));
            }
            _ => self.result.set(Some(Err(problem))),
        }
    }
}

#[component]
pub fn ActivationPanel(
    opened: Opened,
    /// For approvers' names, when the person may see the directory.
    users: RwSignal<Vec<UserSummary>>,
    reload: Callback<()>,
    close: Callback<()>,
) -> impl IntoView {
    let (role_id, role_name, scope, eligibility_end, first_verdict, first_phase) = match opened {
        Opened::New(e) => {
            let e = *e;
            let name = e.role.name.to_string();
            (e.role.id, name, e.assignment.scope, e.assignment.end, Some(e.verdict), Phase::Form)
        }
        Opened::Resume { request, role_name } => {
            let (id, scope) = (request.role.clone(), request.scope.clone());
            (id, role_name, scope, None, None, Phase::Confirm(request))
        }
    };
    let phase = RwSignal::new(first_phase);
    let result = RwSignal::new(None::<Result<String, Problem>>);
    let busy = RwSignal::new(None::<&'static str>);
    let steps = Steps { phase, result, busy, users, reload };
    let tick = ticking();

    // The form.
    let (hours, unit_first) = duration_input(DurationMs::from_hours(1));
    let duration = RwSignal::new(hours);
    let unit = RwSignal::new(unit_first);
    let later = RwSignal::new(false);
    let start_at = RwSignal::new(String::new());
    let justification = RwSignal::new(String::new());
    let ticket_system = RwSignal::new(String::new());
    let ticket_number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let form = Memo::new(move |_| Form {
        duration: duration.get(),
        unit: unit.get(),
        start: if later.get() {
            StartChoice::At(from_local_input(&start_at.get()))
        } else {
            StartChoice::Now
        },
        justification: justification.get(),
        ticket_system: ticket_system.get(),
        ticket_number: ticket_number.get(),
    });

    // What the role demands and allows, as previews reveal it.
    let needs = RwSignal::new(Needs::default());
    let max = RwSignal::new(None::<DurationMs>);
    let learn = move |v: &ActivationVerdict| match v {
        ActivationVerdict::NeedsJustification { hint } => needs.update(|n| {
            n.justification = true;
            if hint.is_some() {
                n.hint = hint.clone();
            }
        }),
        ActivationVerdict::NeedsTicket { systems, pattern } => {
            needs.update(|n| n.ticket = Some((systems.clone(), pattern.clone())));
            if ticket_system.get_untracked().is_empty()
                && let Some(first) = systems.first()
            {
                ticket_system.set(first.to_string());
            }
        }
        _ => {}
    };

    // The live verdict, for the draft it was given for; a newer edit makes an answer stale.
    let verdict = RwSignal::new(None::<Result<(ActivationDraft, ActivationVerdict), Problem>>);
    let checking = RwSignal::new(false);
    let generation = StoredValue::new(0_u64);
    if let Some(v) = first_verdict {
        learn(&v);
        if let Ok(draft) = read_draft(&form.get_untracked(), &scope, now()) {
            verdict.set(Some(Ok((draft, v))));
        }
        // The longest activation there is, previewed, tells the role's maximum.
        let (role, probe) = (role_id.clone(), probe_draft(&scope));
        leptos::task::spawn_local(async move {
            if let Ok(p) = api::preview_activation(&PreviewActivation { role, draft: probe }).await {
                max.set(max_from_probe(&p.verdict));
            }
        });
    }
    {
        let (role_id, scope) = (role_id.clone(), scope.clone());
        Effect::new(move |_| {
            let form = form.get();
            if !phase.with(|p| *p == Phase::Form) {
                return;
            }
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let draft = match read_draft(&form, &scope, now()) {
                Ok(draft) => draft,
                Err(e) => {
                    checking.set(false);
                    return verdict.set(Some(Err(Problem::new(e))));
                }
            };
            checking.set(true);
            let role = role_id.clone();
            let current = move || generation.try_get_value() == Some(mine);
            leptos::task::spawn_local(async move {
                TimeoutFuture::new(PREVIEW_DELAY_MS).await;
                if !current() {
                    return;
                }
                let answer = api::preview_activation(&PreviewActivation { role, draft: draft.clone() }).await;
                if !current() {
                    return;
                }
                checking.set(false);
                verdict.set(Some(match answer {
                    Ok(p) => {
                        learn(&p.verdict);
                        Ok((draft, p.verdict))
                    }
                    Err(e) => Err(Problem::from_client(&e)),
                }));
            });
        });
    }
    let refused =
        Memo::new(move |_| verdict.with(|v| matches!(v, Some(Ok((_, ActivationVerdict::Refused { .. }))))));

    let submit = {
        let (role_id, scope) = (role_id.clone(), scope.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked().is_some() {
                return;
            }
            let draft = match read_draft(&form.get_untracked(), &scope, now()) {
                Ok(d) => d,
                Err(e) => return result.set(Some(Err(Problem::new(e)))),
            };
            busy.set(Some("Submitting your request…"));
            result.set(None);
            let role = role_id.clone();
            leptos::task::spawn_local(async move {
                let answer = api::create_activation(&CreateActivation { role, draft }).await;
                busy.set(None);
                match answer {
                    Ok(response) => {
                        reload.try_run(());
                        steps.arrive(response.request);
                    }
                    Err(e) => result.set(Some(Err(Problem::from_client(&e)))),
                }
            });
        }
    };

    let waiting = move || match phase.get_untracked() {
        Phase::Confirm(r) => Some(*r),
        _ => None,
    };
    let tap = move |_| {
        let Some(request) = waiting() else { return };
        busy.set(Some("Waiting for your authenticator…"));
        result.set(None);
        leptos::task::spawn_local(async move {
            let id = request.id.clone();
            let outcome: Result<ActivationResponse, Failure> = async {
                let started = api::activation_mfa_start(&RequestRef { request: id.clone() })
                    .await
                    .map_err(Failure::Server)?;
                let credential = bound_tap(&request, Signing::Request, &started.digest, &started.options)
                    .await
                    .map_err(Failure::Local)?;
                busy.set(Some("Checking…"));
                let finish =
                    BoundCeremonyFinish { request: id.clone(), ceremony_id: started.ceremony_id, credential };
                api::activation_mfa_finish(&finish).await.map_err(Failure::Server)
            }
            .await;
            steps.settle(id, outcome).await;
        });
    };
    let session = Session::get();
    let lengths = Memo::new(move |_| {
        session
            .me()
            .map(|me| code_lengths(me.totp_methods.iter().map(|m| m.params.digits)))
            .unwrap_or_default()
    });
    let submit_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(request) = waiting() else { return };
        let typed = match read_code(&code.get_untracked(), &lengths.get_untracked()) {
            Ok(c) => c,
            Err(e) => return result.set(Some(Err(Problem::new(e)))),
        };
        busy.set(Some("Checking the code…"));
        result.set(None);
        leptos::task::spawn_local(async move {
            let answer =
                api::activation_mfa_totp(&ActivationCode { request: request.id.clone(), code: typed }).await;
            code.set(String::new());
            steps.settle(request.id, answer.map_err(Failure::Server)).await;
        });
    };
    let cancel = move |_| {
        let Some(request) = waiting() else { return };
        busy.set(Some("Cancelling the request…"));
        result.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::cancel_activation(&RequestRef { request: request.id.clone() }).await;
            steps.settle(request.id, answer.map_err(Failure::Server)).await;
        });
    };

    let heading = NodeRef::<html::H2>::new();
    heading.on_load(|el| {
        let _ = el.focus();
    });

    let form_view = {
        move || {
            let verdict_box = {
                move || {
                    let now = now();
                    match verdict.get() {
                        None => {
                            view! { <p class="meta">"Checking what this activation needs…"</p> }.into_any()
                        }
                        Some(Err(problem)) => view! {
                            <p class="verdict-headline"><strong>"Check the form"</strong></p>
                            <p>{problem.text}</p>
                            {problem.add_method.then(add_method_link)}
                        }
                        .into_any(),
                        Some(Ok((draft, v))) => {
                            let shown = verdict_view(&v, now, short);
                            let ends = ends_line(&v, &draft, eligibility_end, now, short);
                            view! {
                                <p class="verdict-headline"><strong>{shown.headline}</strong></p>
                                <ul class="verdict-details">
                                    {shown.details.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}
                                </ul>
                                {ends.map(|e| view! { <p class="ends" id="activation-ends">{e}</p> })}
                                {shown.add_method.then(add_method_link)}
                            }
                            .into_any()
                        }
                    }
                }
            };
            let verdict_name = move || {
                verdict.with(|v| match v {
                    None => "",
                    Some(Err(_)) => "invalid",
                    Some(Ok((_, v))) => verdict_view(v, UnixMillis(0), |_| String::new()).next,
                })
            };
            let verdict_class = move || {
                verdict.with(|v| match v {
                    Some(Ok((_, v))) => verdict_view(v, UnixMillis(0), |_| String::new()).tone.class(),
                    Some(Err(_)) => Tone::Refused.class(),
                    None => "verdict",
                })
            };
            let submit_label = move || {
                if busy.get().is_some() {
                    return "Submitting…";
                }
                verdict.with(|v| match v {
                    Some(Ok((_, ActivationVerdict::NeedsApproval { .. }))) => "Request approval",
                    Some(Ok((draft, _)))
                        if draft.start != elevate_shared::domain::ActivationStart::Immediate =>
                    {
                        "Schedule"
                    }
                    _ => "Activate",
                })
            };
            let ticket_fields = move || {
                needs.get().ticket.map(|(systems, pattern)| {
                    let system_field = if systems.is_empty() {
                        view! {
                            <input id="activation-ticket-system" autocomplete="off" maxlength="64"
                                placeholder="e.g. ServiceNow" prop:value=move || ticket_system.get()
                                on:input=move |ev| ticket_system.set(event_target_value(&ev)) />
                        }
                        .into_any()
                    } else {
                        view! {
                            <select id="activation-ticket-system" prop:value=move || ticket_system.get()
                                on:change=move |ev| ticket_system.set(event_target_value(&ev))>
                                {systems.iter().map(|s| {
                                    let s = s.to_string();
                                    let chosen = s.clone();
                                    view! {
                                        <option value=s.clone() prop:selected=move || ticket_system.get() == chosen>
                                            {s.clone()}
                                        </option>
                                    }
                                }).collect_view()}
                            </select>
                        }
                        .into_any()
                    };
                    view! {
                        <div class="pair ticket">
                            <div class="stack">
                                <label for="activation-ticket-system">"Ticket system"</label>
                                {system_field}
                            </div>
                            <div class="stack">
                                <label for="activation-ticket-number">"Ticket number"</label>
                                <input id="activation-ticket-number" autocomplete="off" autocapitalize="characters"
                                    spellcheck="false" maxlength="64" class="mono"
                                    placeholder=pattern.as_ref().map(ToString::to_string)
                                    prop:value=move || ticket_number.get()
                                    on:input=move |ev| ticket_number.set(event_target_value(&ev)) />
                            </div>
                        </div>
                        {pattern.map(|p| view! {
                            <p class="meta" id="activation-ticket-hint">
                                "Form: "<code>{p.to_string()}</code>" ("{crate::activation::PATTERN_LEGEND}")"
                            </p>
                        })}
                    }
                })
            };
            let pick_start = move |ev: leptos::ev::Event| {
                let value = event_target_value(&ev);
                start_at.set(value);
                later.set(true);
            };
            view! {
                <form class="stack activation-form" on:submit=submit.clone() novalidate>
                    <label for="activation-duration">"Duration"</label>
                    <div class="duration-row">
                        <input id="activation-duration" inputmode="decimal" autocomplete="off" required
                            aria-describedby="activation-duration-hint" prop:value=move || duration.get()
                            on:input=move |ev| duration.set(event_target_value(&ev)) />
                        <select id="activation-duration-unit" aria-label="Unit" prop:value=move || unit.get().as_str()
                            on:change=move |ev| unit.set(Unit::parse(&event_target_value(&ev)))>
                            <option value="hours" prop:selected=move || unit.get() == Unit::Hours>"hours"</option>
                            <option value="minutes" prop:selected=move || unit.get() == Unit::Minutes>"minutes"</option>
                        </select>
                    </div>
                    <p class="meta" id="activation-duration-hint">
                        {move || max.get().map(|m| format!("This role allows up to {}. ", duration_text(m)))}
                        "You can also type 90m or 1h30."
                    </p>
                    <fieldset class="choice">
                        <legend>"Start"</legend>
                        <label class="check" for="activation-start-now">
                            <input type="radio" id="activation-start-now" name="activation-start" value="now"
                                prop:checked=move || !later.get() on:change=move |_| later.set(false) />
                            "Now"
                        </label>
                        <label class="check" for="activation-start-later">
                            <input type="radio" id="activation-start-later" name="activation-start" value="later"
                                prop:checked=move || later.get() on:change=move |_| later.set(true) />
                            "At a time"
                        </label>
                        <label class="sr-only" for="activation-start-at">"Start at"</label>
                        <input type="datetime-local" id="activation-start-at" min=local_input(now())
                            prop:value=move || start_at.get() on:input=pick_start on:change=pick_start />
                    </fieldset>
                    <label for="activation-justification">
                        "Justification "
                        <span class="meta">{move || if needs.get().justification { "(required)" } else { "(optional)" }}</span>
                    </label>
                    {move || needs.get().hint.map(|h| view! { <p class="meta" id="activation-hint">{h.to_string()}</p> })}
                    <textarea id="activation-justification" class="prose" rows="3" maxlength="500"
                        placeholder="Why do you need the role now?" prop:value=move || justification.get()
                        on:input=move |ev| justification.set(event_target_value(&ev))></textarea>
                    {ticket_fields}
                    <div id="activation-verdict" class=verdict_class data-verdict=verdict_name
                        data-checking=move || checking.get().to_string() aria-live="polite">
                        {verdict_box}
                        {move || checking.get().then(|| view! { <p class="meta">"Checking…"</p> })}
                    </div>
                    <button id="activation-submit" type="submit" class="primary"
                        disabled=move || busy.get().is_some() || refused.get()>
                        {submit_label}
                    </button>
                </form>
            }
        }
    };

    let confirm_view = {
        let role_name = role_name.clone();
        move |r: ActivationRequest| {
            let summary = tap_summary(&role_name, &r, short);
            let me = session.me_untracked();
            let has_passkey = me.as_ref().is_some_and(|m| !m.passkeys.is_empty());
            let offer_code =
                r.terms.authenticators.allowed == AllowedMethods::Any && !lengths.get_untracked().is_empty();
            let offer_tap = has_passkey || !offer_code;
            let uv = r.terms.authenticators.user_verification;
            let step_heading = NodeRef::<html::H3>::new();
            step_heading.on_load(|el| {
                el.scroll_into_view();
                let _ = el.focus();
            });
            view! {
                <div class="confirm-step" id="activation-mfa">
                    <h3 tabindex="-1" node_ref=step_heading>"Confirm it's you"</h3>
                    <p class="signs" id="activation-tap-summary">{summary}</p>
                    <p class="meta">
                        {format!("The request waits for you until {}.", short(r.pending_until))}
                        {uv.then_some(" Your key's PIN or your fingerprint or face will be asked for.")}
                    </p>
                    {offer_tap.then(|| view! {
                        <button type="button" id="activation-tap" class="primary" on:click=tap
                            disabled=move || busy.get().is_some()>
                            {move || if busy.get().is_some() { "Waiting…" } else { "Confirm with passkey or security key" }}
                        </button>
                    })}
                    {offer_code.then(|| view! {
                        <form class="stack code-form" on:submit=submit_code novalidate>
                            <label for="activation-code">
                                {if offer_tap { "Or enter a code from your authenticator app" } else { "Enter a code from your authenticator app" }}
                            </label>
                            <input id="activation-code" inputmode="numeric" autocomplete="one-time-code" spellcheck="false"
                                pattern=move || pattern(&lengths.get()) maxlength=move || max_length(&lengths.get()).to_string()
                                prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                            <button id="activation-code-submit" type="submit" class="secondary"
                                disabled=move || busy.get().is_some()>"Confirm with code"</button>
                        </form>
                    })}
                    <button type="button" id="activation-cancel" class="link" on:click=cancel
                        disabled=move || busy.get().is_some()>"Cancel this request"</button>
                </div>
            }
        }
    };

    let done_view = move |r: ActivationRequest| {
        r.state.active_until().map(|until| {
            view! {
                <p class="meta" id="activation-time-left"><Countdown until=until now=tick /></p>
            }
        })
    };

    let close_label = move || match phase.get() {
        Phase::Form => "Cancel",
        Phase::Confirm(_) => "Finish later",
        Phase::Done(_) => "Done",
    };

    view! {
        <section class="card panel" id="activation-panel" aria-labelledby="activation-heading"
            data-role=role_id.to_string()>
            <h2 id="activation-heading" tabindex="-1" node_ref=heading>"Activate "{role_name.clone()}</h2>
            <p class="meta">"At "<span class="tag">{scope.to_string()}</span>
                {eligibility_end.map(|e| format!(" · eligible until {}", short(e)))}</p>
            {move || match phase.get() {
                Phase::Form => form_view().into_any(),
                Phase::Confirm(r) => confirm_view(*r).into_any(),
                Phase::Done(r) => done_view(*r).into_any(),
            }}
            <Progress id="activation-progress" busy=busy.into() />
            {move || result.get().map(|m| view! { <StatusLine id="activation-result" message=m /> })}
            <div class="actions">
                <button type="button" id="activation-close" class="secondary" on:click=move |_| close.run(())>
                    {close_label}
                </button>
            </div>
        </section>
    }
}

fn add_method_link() -> impl IntoView {
    view! {
        <p><A href=Page::SecurityInfo.href() attr:class="add-method-link">"Add a method on Security info"</A></p>
    }
}
