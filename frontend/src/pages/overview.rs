//! The landing page after sign-in: who you are, your session and what is available.

use super::format::{mfa_method, when};
use crate::routes::Page;
use crate::session::Session;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Overview() -> impl IntoView {
    let session = Session::get();
    move || {
        session.me().map(|me| {
            let mfa = me
                .session
                .last_mfa
                .as_ref()
                .map(|m| format!("{}, {}", mfa_method(m.method), when(m.at)))
                .unwrap_or_else(|| "None in this session".to_owned());
            let passkeys = me.passkeys.len();
            view! {
                <h1>"Overview"</h1>
                <p class="lead">"Welcome, " {me.display_name.to_string()} "."</p>
                <div class="cards">
                    <section class="card">
                        <h2>"Your session"</h2>
                        <dl>
                            <dt>"Signed in"</dt><dd>{when(me.session.created_at)}</dd>
                            <dt>"Last MFA"</dt><dd>{mfa}</dd>
                            <dt>"Ends by"</dt><dd>{when(me.session.expires_at)}</dd>
                        </dl>
                    </section>
                    <section class="card">
                        <h2>"Your passkeys"</h2>
                        <p>{format!("{passkeys} registered")}</p>
                        <A href=Page::SecurityInfo.href()>"Manage security info"</A>
                    </section>
                    <section class="card notice">
                        <h2>"Roles"</h2>
                        <p>"Role activation is not built yet; no roles are shown until it is."</p>
                    </section>
                </div>
            }
        })
    }
}
