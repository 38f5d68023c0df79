//! Hardware tokens, for administrators: importing OATH TOTP tokens (a vendor's CSV, checked here
//! before anything is sent, or one token typed in), and the inventory, where a token still to hand
//! out is assigned to a person and becomes one of their code methods.
//!
//! Secrets go to the server once and are not kept: the CSV and the secret field are cleared as
//! soon as an import succeeds, and nothing on the page ever shows one back.

use super::format::{plural, when};
use crate::accounts::name_of;
use crate::api;
use crate::browser;
use crate::routes::Page;
use crate::session::{Session, explain};
use crate::tokens::{
    Checked, check_csv, imported_text, inventory_count, inventory_order, problem_text, single_row, summary,
};
use crate::totp::describe;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::oath::{AssignOathToken, ImportOathTokens, OathTokenSummary};
use elevate_shared::api::users::UserSummary;
use elevate_shared::domain::oath::{OathSerial, RowProblem};
use elevate_shared::ids::UserId;
use leptos::prelude::*;
use leptos_router::components::A;

/// The largest CSV file read: a full import of 1,000 tokens is well under it.
const MAX_FILE_BYTES: f64 = 1024.0 * 1024.0;

#[component]
pub fn Tokens() -> impl IntoView {
    let session = Session::get();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    view! {
        <p class="sublinks"><A href=Page::Users.href() attr:id="tokens-back">"← Users"</A></p>
        <h1>{Page::Tokens.title()}</h1>
        <Show when=move || is_admin.get() fallback=|| view! {
            <section class="card notice" role="note">
                <p>"Only administrators manage hardware tokens."</p>
            </section>
        }>
            <p class="lead">
                "OATH TOTP tokens from a vendor: import them, then give each to one person. An assigned "
                "token is one of that person's code methods, like an authenticator app."
            </p>
            <Inventory />
        </Show>
    }
}

/// What a status line says: nothing yet, the step under way, or how it went.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Status {
    Idle,
    Busy(&'static str),
    Done(Result<String, String>),
}

impl Status {
    fn busy(&self) -> bool {
        matches!(self, Status::Busy(_))
    }
}

/// A status line that is always in the page, so screen readers announce what it comes to say.
#[component]
fn StatusLine(#[prop(into)] id: String, status: RwSignal<Status>) -> impl IntoView {
    let class = move || match status.get() {
        Status::Done(Ok(_)) => "ok",
        Status::Done(Err(_)) => "error",
        Status::Idle | Status::Busy(_) => "meta",
    };
    let text = move || match status.get() {
        Status::Idle => String::new(),
        Status::Busy(progress) => progress.to_owned(),
        Status::Done(Ok(text) | Err(text)) => text,
    };
    view! { <p id=id class=class role="status" aria-live="polite">{text}</p> }
}

#[component]
fn Inventory() -> impl IntoView {
    let tokens = RwSignal::new(Vec::<OathTokenSummary>::new());
    // `None` until the first answer; an error replaces the list until a reload works.
    let loaded = RwSignal::new(None::<Result<(), String>>);
    // The directory, for holders' names, the assign lists and checking an import's holders.
    let users = RwSignal::new(Vec::<UserSummary>::new());
    let directory = RwSignal::new(None::<Result<(), String>>);
    leptos::task::spawn_local(async move {
        match api::users().await {
            Ok(mut list) => {
                list.users.sort_by(|a, b| a.username.cmp(&b.username));
                users.set(list.users);
                directory.set(Some(Ok(())));
            }
            Err(e) => directory.set(Some(Err(explain(&e)))),
        }
    });
    let load = move || {
        leptos::task::spawn_local(async move {
            match api::oath_tokens().await {
                Ok(mut list) => {
                    inventory_order(&mut list.tokens);
                    tokens.set(list.tokens);
                    loaded.set(Some(Ok(())));
                }
                Err(e) => loaded.set(Some(Err(explain(&e)))),
            }
        })
    };
    load();
    let reload = Callback::new(move |()| load());

    view! {
        <CsvImport users=users directory=directory reload=reload />
        <AddToken reload=reload />
        <section class="card" aria-labelledby="oath-list-heading">
            <h2 id="oath-list-heading">"Inventory"</h2>
            {move || match loaded.get() {
                None => view! { <p class="meta" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert" id="oath-list-status">{e}</p> }.into_any(),
                Some(Ok(())) => view! {
                    <p class="meta" id="oath-count">{move || tokens.with(|t| inventory_count(t))}</p>
                }.into_any(),
            }}
            {move || directory.get().and_then(Result::err).map(|e| view! {
                <p class="error" role="alert" id="oath-users-status">
                    "The list of people could not be loaded, so tokens cannot be assigned here: "{e}
                </p>
            })}
            <ul class="list" id="oath-list">
                <For each=move || tokens.get() key=|t| t.serial.clone() children=move |t: OathTokenSummary| view! {
                    <TokenItem serial=t.serial tokens=tokens users=users reload=reload />
                } />
            </ul>
        </section>
    }
}

/// Importing a CSV: the text (typed, pasted or read from a file), a check that lists what the
/// import will do or every problem by line, then the import itself.
#[component]
fn CsvImport(
    users: RwSignal<Vec<UserSummary>>,
    directory: RwSignal<Option<Result<(), String>>>,
    reload: Callback<()>,
) -> impl IntoView {
    let csv = RwSignal::new(String::new());
    // The last check, for the text as it is now: any edit clears it.
    let checked = RwSignal::new(None::<Result<Checked, Vec<RowProblem>>>);
    let status = RwSignal::new(Status::Idle);
    let busy = move || status.with(Status::busy);
    let edit = move |text: String| {
        csv.set(text);
        checked.set(None);
        status.set(Status::Idle);
    };
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let listed = users.get_untracked();
        let known = matches!(directory.get_untracked(), Some(Ok(()))).then_some(listed.as_slice());
        checked.set(Some(check_csv(&csv.get_untracked(), known)));
        status.set(Status::Idle);
    };
    let import = move |_| {
        let Some(Ok(Checked { rows, .. })) = checked.get_untracked() else { return };
        status.set(Status::Busy("Importing…"));
        leptos::task::spawn_local(async move {
            match api::import_oath(&ImportOathTokens { tokens: rows }).await {
                Ok(imported) => {
                    // The secrets are on the server now; none stays on the page.
                    csv.set(String::new());
                    checked.set(None);
                    status.set(Status::Done(Ok(imported_text(&imported))));
                    reload.run(());
                }
                Err(e) => status.set(Status::Done(Err(explain(&e)))),
            }
        });
    };
    let read_file = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        leptos::task::spawn_local(async move {
            match browser::read_chosen_file(&input, MAX_FILE_BYTES).await {
                Ok(Some(text)) => edit(text),
                Ok(None) => {}
                Err(e) => status.set(Status::Done(Err(e))),
            }
        });
    };

    view! {
        <section class="card" aria-labelledby="oath-import-heading">
            <h2 id="oath-import-heading">"Import from a CSV"</h2>
            <form class="stack" on:submit=check novalidate>
                <label for="oath-csv">"Tokens as CSV"</label>
                <p class="meta" id="oath-csv-help">
                    "A header line, then one token per line. "<code>"serial,secret"</code>" are required, the "
                    "secret in base32; "<code>"digits,period,algorithm,user"</code>" are optional (6, 30 s, "
                    "SHA1, and the username to assign the token to)."
                </p>
                <textarea id="oath-csv" rows="6" aria-describedby="oath-csv-help" autocomplete="off"
                    autocapitalize="none" spellcheck="false" placeholder="serial,secret,user"
                    prop:value=move || csv.get() prop:disabled=busy
                    on:input=move |ev| edit(event_target_value(&ev))></textarea>
                <label for="oath-file">"Or read a CSV file"</label>
                <input id="oath-file" type="file" accept=".csv,text/csv,text/plain" prop:disabled=busy
                    on:change=read_file />
                <button id="oath-check" type="submit" class="secondary" disabled=busy>"Check"</button>
            </form>
            {move || checked.get().map(|result| match result {
                Err(problems) => view! {
                    <div id="oath-problems" class="callout" role="alert">
                        <p>
                            <strong>"Nothing can be imported until "
                                {if problems.len() == 1 { "this is" } else { "these are" }}" fixed:"</strong>
                        </p>
                        <ul>
                            {problems.iter().map(|p| view! {
                                <li data-line=p.line.to_string()>{problem_text(p)}</li>
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
                Ok(Checked { planned, .. }) => view! {
                    <div id="oath-plan" class="plan">
                        <p>
                            <strong>{plural(planned.len(), "token", "tokens")}" to import."</strong>
                            " Nothing is sent until you press Import."
                        </p>
                        <ul class="list">
                            {planned.iter().map(|p| view! {
                                <li class="plan-row" data-serial=p.serial.clone()>{summary(p)}</li>
                            }).collect_view()}
                        </ul>
                        <button id="oath-import" type="button" class="primary" on:click=import disabled=busy>
                            {move || if busy() { "Importing…" } else { "Import" }}
                        </button>
                    </div>
                }.into_any(),
            })}
            <StatusLine id="oath-import-status" status=status />
        </section>
    }
}

/// Adding one token by hand, from what is printed on it or its data sheet.
#[component]
fn AddToken(reload: Callback<()>) -> impl IntoView {
    let serial = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let digits = RwSignal::new("6".to_owned());
    let period = RwSignal::new("30".to_owned());
    let algorithm = RwSignal::new("SHA1".to_owned());
    let status = RwSignal::new(Status::Idle);
    let busy = move || status.with(Status::busy);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let row = single_row(
            &serial.get_untracked(),
            &secret.get_untracked(),
            &digits.get_untracked(),
            &period.get_untracked(),
            &algorithm.get_untracked(),
        );
        let row = match row {
            Ok(row) => row,
            Err(e) => return status.set(Status::Done(Err(e))),
        };
        let added = row.serial.clone();
        status.set(Status::Busy("Adding…"));
        leptos::task::spawn_local(async move {
            match api::import_oath(&ImportOathTokens { tokens: vec![row] }).await {
                Ok(_) => {
                    serial.set(String::new());
                    secret.set(String::new());
                    status.set(Status::Done(Ok(format!("Added {added}. Assign it in the inventory below."))));
                    reload.run(());
                }
                Err(e) => status.set(Status::Done(Err(explain(&e)))),
            }
        });
    };
    view! {
        <form class="card" on:submit=submit novalidate aria-labelledby="oath-add-heading">
            <h2 id="oath-add-heading">"Add one token"</h2>
            <label for="oath-serial">"Serial number"</label>
            <input id="oath-serial" autocomplete="off" autocapitalize="characters" spellcheck="false" required
                maxlength="64" prop:value=move || serial.get()
                on:input=move |ev| serial.set(event_target_value(&ev)) />
            <label for="oath-secret">"Secret (base32)"</label>
            <input id="oath-secret" class="mono" autocomplete="off" autocapitalize="characters" spellcheck="false"
                required prop:value=move || secret.get()
                on:input=move |ev| secret.set(event_target_value(&ev)) />
            <div class="triple">
                <div class="stack">
                    <label for="oath-digits">"Digits"</label>
                    <select id="oath-digits" prop:value=move || digits.get()
                        on:change=move |ev| digits.set(event_target_value(&ev))>
                        <option value="6">"6"</option>
                        <option value="8">"8"</option>
                    </select>
                </div>
                <div class="stack">
                    <label for="oath-period">"Period"</label>
                    <select id="oath-period" prop:value=move || period.get()
                        on:change=move |ev| period.set(event_target_value(&ev))>
                        <option value="30">"30 s"</option>
                        <option value="60">"60 s"</option>
                    </select>
                </div>
                <div class="stack">
                    <label for="oath-algorithm">"Algorithm"</label>
                    <select id="oath-algorithm" prop:value=move || algorithm.get()
                        on:change=move |ev| algorithm.set(event_target_value(&ev))>
                        <option value="SHA1">"SHA1"</option>
                        <option value="SHA256">"SHA256"</option>
                        <option value="SHA512">"SHA512"</option>
                    </select>
                </div>
            </div>
            <button id="oath-add" type="submit" class="primary" disabled=busy>
                {move || if busy() { "Adding…" } else { "Add token" }}
            </button>
            <StatusLine id="oath-add-status" status=status />
        </form>
    }
}

/// One token: its serial, parameters and import date, and who holds it or a way to assign it.
/// It reads the token from the shared list by serial, so a reload updates it in place and keeps
/// its status line.
#[component]
fn TokenItem(
    serial: OathSerial,
    tokens: RwSignal<Vec<OathTokenSummary>>,
    users: RwSignal<Vec<UserSummary>>,
    reload: Callback<()>,
) -> impl IntoView {
    let key = serial.clone();
    let token = Memo::new(move |_| tokens.with(|all| all.iter().find(|t| t.serial == key).cloned()));
    let choice = RwSignal::new(String::new());
    let status = RwSignal::new(Status::Idle);
    let busy = move || status.with(Status::busy);
    let text = serial.to_string();
    let serial = StoredValue::new(serial);
    let assign = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let serial = serial.get_value();
        let Ok(user) = UserId::parse(choice.get_untracked()) else {
            return status.set(Status::Done(Err(format!("Choose who gets {serial}."))));
        };
        let name = name_of(&users.get_untracked(), &user);
        status.set(Status::Busy("Assigning…"));
        leptos::task::spawn_local(async move {
            match api::assign_oath(&AssignOathToken { serial: serial.clone(), user }).await {
                Ok(_) => {
                    choice.set(String::new());
                    status.set(Status::Done(Ok(format!("Assigned {serial} to {name}."))));
                    reload.run(());
                }
                Err(e) => {
                    // Someone else was quicker: show who holds it now.
                    if e.code() == Some(ErrorCode::TokenAssigned) {
                        reload.run(());
                    }
                    status.set(Status::Done(Err(explain(&e))));
                }
            }
        });
    };
    let (select_id, go_id) = (format!("oath-assign-{text}"), format!("oath-assign-go-{text}"));
    view! {
        <li class="token" data-serial=text.clone()>
            {move || token.get().map(|t| {
                let holder = t.assigned_to.clone();
                let (select_id, go_id) = (select_id.clone(), go_id.clone());
                view! {
                    <div class="user-head">
                        <strong class="serial">{t.serial.to_string()}</strong>
                        {holder.is_none().then(|| view! { <span class="tag">"Not assigned"</span> })}
                    </div>
                    <span class="meta">{describe(t.params)}" · imported "{when(t.imported_at)}</span>
                    {match holder {
                        Some(id) => view! {
                            <span class="holder">"Held by "{move || users.with(|u| name_of(u, &id))}</span>
                        }.into_any(),
                        None => view! {
                            <form class="assign" on:submit=assign novalidate>
                                <label for=select_id.clone()>"Assign to…"</label>
                                <div class="assign-row">
                                    <select id=select_id prop:value=move || choice.get()
                                        on:change=move |ev| choice.set(event_target_value(&ev))>
                                        <option value="">"Choose a person"</option>
                                        {move || users.get().into_iter().map(|u| view! {
                                            <option value=u.id.to_string()>
                                                {format!("{} ({})", u.display_name, u.username)}
                                            </option>
                                        }).collect_view()}
                                    </select>
                                    <button id=go_id type="submit" class="small" disabled=busy>"Assign"</button>
                                </div>
                            </form>
                        }.into_any(),
                    }}
                }
            })}
            <StatusLine id=format!("oath-status-{text}") status=status />
        </li>
    }
}
