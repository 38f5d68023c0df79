//! The honest placeholder for a page whose feature has not shipped: it says so, and shows no
//! made-up data.

use crate::routes::Page;
use leptos::prelude::*;

#[component]
pub fn NotBuilt(page: Page) -> impl IntoView {
    let what = match page {
        Page::Audit => "the audit log, with filters, export and chain verification",
        _ => "this part of the portal",
    };
    view! {
        <h1>{page.title()}</h1>
        <section class="card notice" role="note">
            <p><strong>"Not built yet."</strong>" This page will show "{what}"."</p>
            <p>"Nothing here is live, so nothing here is shown."</p>
        </section>
    }
}
