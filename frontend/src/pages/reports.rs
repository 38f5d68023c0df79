//! MFA reports, for administrators: over the last 7, 30 or 90 days, sign-ins, verifications and
//! activations with MFA against failures, lockouts, fraud reports, bypasses and activations a
//! role let through bare — per day as a chart (SVG drawn here, numbers beside it), per method
//! and per person as tables — and the same as CSV.

use super::format::short;
use crate::accounts::name_of;
use crate::api;
use crate::reports::{CHART_HEIGHT, CHART_WIDTH, bars, good, period, problems, report_url};
use crate::routes::Page;
use crate::session::{Session, explain};
use elevate_shared::api::reports::MfaReport;
use elevate_shared::api::users::UserSummary;
use elevate_shared::domain::mfa_report::{Counts, Tally};
use leptos::prelude::*;

#[component]
pub fn Reports() -> impl IntoView {
    let session = Session::get();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    view! {
        <h1>{Page::Reports.title()}</h1>
        <Show when=move || is_admin.get() fallback=|| view! {
            <section class="card notice" role="note"><p>"Only administrators see MFA reports."</p></section>
        }>
            <Report />
        </Show>
    }
}

/// A tally as a column heading.
const fn heading(t: Tally) -> &'static str {
    match t {
        Tally::SignIns => "Sign-ins",
        Tally::SignInFailures => "Failed sign-ins",
        Tally::Verified => "Verified",
        Tally::VerificationFailures => "Failed MFA",
        Tally::ActivationsWithMfa => "Activations with MFA",
        Tally::ActivationsWithoutMfa => "Activations without MFA",
        Tally::Lockouts => "Lockouts",
        Tally::FraudReports => "Fraud reports",
        Tally::BypassesGranted => "Bypasses granted",
        Tally::BypassesUsed => "Bypasses used",
    }
}

#[component]
fn Report() -> impl IntoView {
    let days = RwSignal::new(30_u64);
    let report = RwSignal::new(None::<Result<MfaReport, String>>);
    let users = RwSignal::new(Vec::<UserSummary>::new());
    leptos::task::spawn_local(async move {
        if let Ok(list) = api::users().await {
            users.set(list.users);
        }
    });
    Effect::new(move |_| {
        let (from, to) = period(super::format::now(), days.get());
        report.set(None);
        leptos::task::spawn_local(async move {
            report.set(Some(api::mfa_report(from, to).await.map_err(|e| explain(&e))));
        });
    });
    let csv = move || {
        let (from, to) = period(super::format::now(), days.get());
        report_url(from, to, true)
    };
    view! {
        <section class="card">
            <div class="actions period" role="group" aria-label="Period">
                {[7_u64, 30, 90].into_iter().map(|n| view! {
                    <button type="button" id=format!("report-days-{n}")
                        class=move || if days.get() == n { "small primary" } else { "small secondary" }
                        aria-pressed=move || (days.get() == n).to_string()
                        on:click=move |_| days.set(n)>{format!("{n} days")}</button>
                }).collect_view()}
            </div>
            <p class="sublinks"><a id="report-csv" download href=csv>"Download CSV"</a></p>
        </section>
        {move || match report.get() {
            None => view! { <p class="meta" role="status" id="report-status">"Counting…"</p> }.into_any(),
            Some(Err(e)) => view! { <p class="error" role="alert" id="report-status">{e}</p> }.into_any(),
            Some(Ok(r)) => view! { <Shown report=r users=users /> }.into_any(),
        }}
    }
}

/// The days the report covers, as UTC dates (its `to` is the midnight after the last day).
fn period_heading(r: &MfaReport) -> String {
    let date = |t: elevate_shared::time::UnixMillis| t.to_rfc3339().chars().take(10).collect::<String>();
    format!(
        "{} to {} (UTC days)",
        date(r.from),
        date(elevate_shared::time::UnixMillis(r.to.0.saturating_sub(1)))
    )
}

#[component]
fn Shown(report: MfaReport, users: RwSignal<Vec<UserSummary>>) -> impl IntoView {
    let (chart, top) = bars(&report.days);
    let totals = report.totals.clone();
    let good_total = good(&totals);
    let problem_total = problems(&totals);
    view! {
        <section class="card" aria-labelledby="report-totals-heading">
            <h2 id="report-totals-heading">{period_heading(&report)}</h2>
            <dl class="facts report-totals" id="report-totals">
                {Tally::ALL.iter().map(|t| view! {
                    <dt>{heading(*t)}</dt><dd data-tally=t.as_str()>{totals.get(*t)}</dd>
                }).collect_view()}
            </dl>
        </section>
        <section class="card" aria-labelledby="report-chart-heading">
            <h2 id="report-chart-heading">"Per day"</h2>
            <p class="meta">
                <span class="legend good">"■"</span>{format!(" went right ({good_total})  ")}
                <span class="legend bad">"■"</span>{format!(" failures, lockouts, fraud, bypasses, bare activations ({problem_total})")}
            </p>
            <svg id="report-chart" class="chart" role="img" viewBox=format!("0 0 {CHART_WIDTH} {}", CHART_HEIGHT + 4.0)
                preserveAspectRatio="none" aria-label=format!("Daily MFA events; the busiest day had {top}")>
                {chart.into_iter().map(|b| {
                    let base = CHART_HEIGHT + 2.0;
                    let label = format!("{}: {} went right, {} problems", short(b.day), b.good, b.problems);
                    view! {
                        <g class="bar" data-good=b.good data-problems=b.problems>
                            <title>{label}</title>
                            <rect class="good" x=b.x width=b.width y=base - b.good_height height=b.good_height />
                            <rect class="bad" x=b.x width=b.width y=base - b.good_height - b.problems_height
                                height=b.problems_height />
                        </g>
                    }
                }).collect_view()}
            </svg>
            <p class="meta">{format!("The tallest bar is {top} events.")}</p>
        </section>
        <section class="card" aria-labelledby="report-methods-heading">
            <h2 id="report-methods-heading">"By method"</h2>
            <CountsTable id="report-methods" rows=report.by_method.iter().map(|m| (m.method.as_str().to_owned(), m.counts.clone())).collect() />
        </section>
        <section class="card" aria-labelledby="report-people-heading">
            <h2 id="report-people-heading">"By person"</h2>
            {move || {
                let listed = users.get();
                let rows = report.by_person.iter().map(|p| (name_of(&listed, &p.user), p.counts.clone())).collect();
                view! { <CountsTable id="report-people" rows=rows /> }
            }}
        </section>
    }
}

/// Rows of counts, one column per tally; scrolls sideways inside its card on a phone.
#[component]
fn CountsTable(id: &'static str, rows: Vec<(String, Counts)>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="meta" id=id>"Nothing in this period."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table id=id class="counts">
                <thead><tr><th scope="col">""</th>
                    {Tally::ALL.iter().map(|t| view! { <th scope="col">{heading(*t)}</th> }).collect_view()}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|(name, c)| view! {
                        <tr><th scope="row">{name}</th>
                            {Tally::ALL.iter().map(|t| view! { <td data-tally=t.as_str()>{c.get(*t)}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
