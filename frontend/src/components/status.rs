//! An outcome line: a confirmation (`role=status`) or a problem (`role=alert`), with a link to
//! Security info when registering a method is the way out.

use crate::activation::Problem;
use crate::routes::Page;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn StatusLine(#[prop(into)] id: String, message: Result<String, Problem>) -> impl IntoView {
    match message {
        Ok(text) => view! { <p class="ok" role="status" id=id>{text}</p> }.into_any(),
        Err(problem) => view! {
            <p class="error" role="alert" id=id>
                {problem.text}
                {problem.add_method.then(|| view! {
                    " "<A href=Page::SecurityInfo.href() attr:class="add-method-link">"Add one on Security info"</A>
                })}
            </p>
        }
        .into_any(),
    }
}

/// A progress line while something runs (`role=status`, empty otherwise).
#[component]
pub fn Progress(#[prop(into)] id: String, busy: Signal<Option<&'static str>>) -> impl IntoView {
    view! { <p class="meta progress" role="status" aria-live="polite" id=id>{move || busy.get()}</p> }
}

/// An outcome line for plain text: a confirmation (`role=status`) or a problem (`role=alert`);
/// nothing before there is an outcome.
pub fn outcome(id: impl Into<String>, message: Option<Result<String, String>>) -> Option<AnyView> {
    let id = id.into();
    message.map(|m| match m {
        Ok(text) => view! { <p class="ok" role="status" id=id>{text}</p> }.into_any(),
        Err(text) => view! { <p class="error" role="alert" id=id>{text}</p> }.into_any(),
    })
}
