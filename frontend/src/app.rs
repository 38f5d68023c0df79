//! The app root: session context, the router, and the signed-in shell with its navigation.

use crate::pages::{
    alerts::Alerts, approvals::Approvals, audit::Audit, bootstrap::Bootstrap, enrol::Enrol,
    my_roles::MyRoles, overview::Overview, reports::Reports, roles::Roles, security_info::SecurityInfo,
    sign_in::SignIn, tokens::Tokens, users::Users,
};
use crate::routes::Page;
use crate::session::{Session, SessionState};
use leptos::prelude::*;
use leptos_router::StaticSegment;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::use_location;
use std::time::Duration;

/// Which top-level screen the session (and, for an invitation, the path) calls for. Only a change
/// of screen re-renders the tree, so refreshing the signed-in person's details keeps every page's
/// own state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Screen {
    Loading,
    Bootstrap,
    SignIn,
    /// Redeeming an invitation, signed in or not: it is for a person who has no way in yet.
    Enrol,
    Portal,
}

#[component]
pub fn App() -> impl IntoView {
    let session = Session::provide();
    view! {
        <Router>
            <Screens session=session />
        </Router>
    }
}

#[component]
fn Screens(session: Session) -> impl IntoView {
    let location = use_location();
    let screen = Memo::new(move |_| {
        if Page::Enrol.is_at(&location.pathname.get()) {
            return Screen::Enrol;
        }
        match session.0.get() {
            SessionState::Loading => Screen::Loading,
            SessionState::SignedOut { bootstrap_open: true } => Screen::Bootstrap,
            SessionState::SignedOut { bootstrap_open: false } => Screen::SignIn,
            SessionState::SignedIn(_) => Screen::Portal,
        }
    });
    move || match screen.get() {
        Screen::Loading => view! { <p class="loading" role="status">"Loading Elevate…"</p> }.into_any(),
        Screen::Bootstrap => view! { <Bootstrap /> }.into_any(),
        Screen::SignIn => view! { <SignIn /> }.into_any(),
        Screen::Enrol => view! { <Enrol /> }.into_any(),
        Screen::Portal => view! { <Shell /> }.into_any(),
    }
}

/// How many requests wait for the signed-in person's approval, as the navigation counts them.
/// The Approvals page sets it whenever it has asked.
#[derive(Clone, Copy, Debug)]
pub struct Inbox(pub RwSignal<usize>);

/// How often the navigation's count of requests waiting for approval is asked for.
const INBOX_POLL: Duration = Duration::from_secs(60);

/// The signed-in portal: a header, the navigation and the current page.
#[component]
fn Shell() -> impl IntoView {
    let session = Session::get();
    let inbox = Inbox(RwSignal::new(0));
    provide_context(inbox);
    let count = move || {
        leptos::task::spawn_local(async move {
            if let Ok(waiting) = crate::api::approvals().await {
                inbox.0.set(waiting.items.len());
            }
        })
    };
    count();
    if let Ok(poll) = set_interval_with_handle(count, INBOX_POLL) {
        on_cleanup(move || poll.clear());
    }
    let name = move || session.me().map(|me| me.display_name.to_string()).unwrap_or_default();
    let is_admin = Memo::new(move |_| session.me().is_some_and(|me| me.is_admin));
    let signing_out = RwSignal::new(false);
    let sign_out = move |_| {
        signing_out.set(true);
        leptos::task::spawn_local(async move {
            // Whatever the server says, the local view must not stay signed in.
            let _ = crate::api::sign_out().await;
            session.refresh();
        });
    };
    view! {
        <div class="shell">
            <header class="topbar">
                <span class="brand">"Elevate"</span>
                <span class="who" id="signed-in-user">
                    {name}
                    {move || is_admin.get().then_some(view! { <span class="badge">"Administrator"</span> })}
                </span>
                <button class="link" id="sign-out" on:click=sign_out disabled=move || signing_out.get()>
                    "Sign out"
                </button>
            </header>
            <nav class="nav" aria-label="Portal">
                {move || Page::nav(is_admin.get())
                    .map(|page| view! {
                        <A href=page.href()>
                            {page.title()}
                            {(page == Page::Approvals).then_some(move || {
                                let n = inbox.0.get();
                                (n > 0).then(|| view! {
                                    <span class="nav-count" id="nav-approvals-count"
                                        aria-label=format!("{n} waiting")>{n}</span>
                                })
                            })}
                        </A>
                    })
                    .collect_view()}
            </nav>
            <main class="content">
                <Routes fallback=|| view! { <h1>"Page not found"</h1><p>"There is no such page in Elevate."</p> }>
                    <Route path=StaticSegment(Page::Overview.segment()) view=Overview />
                    <Route path=StaticSegment(Page::MyRoles.segment()) view=MyRoles />
                    <Route path=StaticSegment(Page::Approvals.segment()) view=Approvals />
                    <Route path=StaticSegment(Page::Roles.segment()) view=Roles />
                    <Route path=StaticSegment(Page::Users.segment()) view=Users />
                    <Route path=StaticSegment(Page::Tokens.segment()) view=Tokens />
                    <Route path=StaticSegment(Page::Alerts.segment()) view=Alerts />
                    <Route path=StaticSegment(Page::Audit.segment()) view=Audit />
                    <Route path=StaticSegment(Page::Reports.segment()) view=Reports />
                    <Route path=StaticSegment(Page::SecurityInfo.segment()) view=SecurityInfo />
                    <Route path=StaticSegment(Page::SignIn.segment()) view=Overview />
                    <Route path=StaticSegment(Page::Bootstrap.segment()) view=Overview />
                </Routes>
            </main>
        </div>
    }
}
