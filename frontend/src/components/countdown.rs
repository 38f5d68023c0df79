//! A live countdown to an instant, from a clock signal that ticks every second.

use crate::activation::countdown;
use elevate_shared::time::UnixMillis;
use leptos::prelude::*;

/// "59:58 left", then "Ended". `data-until` carries the instant (ms since the epoch).
#[component]
pub fn Countdown(until: UnixMillis, now: ReadSignal<UnixMillis>) -> impl IntoView {
    let text = move || {
        let now = now.get();
        if now >= until { "Ended".to_owned() } else { format!("{} left", countdown(until.since(now))) }
    };
    view! { <span class="countdown" role="timer" data-until=until.0.to_string()>{text}</span> }
}
