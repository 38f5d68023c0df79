//! Showing instants in the viewer's own locale and time zone, counts and method names; the
//! browser's clock, also as a signal that ticks; `datetime-local` values.

use crate::activation::parse_local;
use elevate_shared::api::auth::MfaMethodKind;
use elevate_shared::time::UnixMillis;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsValue;

/// The browser's clock, for comparing with instants the server sent.
pub fn now() -> UnixMillis {
    UnixMillis(js_sys::Date::now() as u64)
}

pub fn when(t: UnixMillis) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(t.0 as f64));
    String::from(date.to_locale_string("default", &JsValue::UNDEFINED))
}

/// The time of day alone, hours and minutes (e.g. "14:05" or "2:05 PM", as the viewer's locale
/// writes it).
pub fn clock(t: UnixMillis) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(t.0 as f64));
    let options = js_sys::Object::new();
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    String::from(date.to_locale_time_string_with_options("default", &options))
}

/// An instant as briefly as it can be told: the time of day when it is today, else the date and
/// time without the year (e.g. "14:05", "3 May, 09:30").
pub fn short(t: UnixMillis) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(t.0 as f64));
    let today = js_sys::Date::new_0();
    if date.to_date_string() == today.to_date_string() {
        return clock(t);
    }
    let options = js_sys::Object::new();
    for (key, value) in [("month", "short"), ("day", "numeric"), ("hour", "2-digit"), ("minute", "2-digit")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    String::from(date.to_locale_string("default", &options))
}

/// The browser's clock as a signal that moves every second while the calling component lives.
pub fn ticking() -> ReadSignal<UnixMillis> {
    let (tick, set_tick) = signal(now());
    if let Ok(handle) = set_interval_with_handle(move || set_tick.set(now()), Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    tick
}

/// An instant as a `datetime-local` input's value, in local time ("2024-05-01T14:05").
pub fn local_input(t: UnixMillis) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(t.0 as f64));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The instant a `datetime-local` input's value names, in local time.
pub fn from_local_input(value: &str) -> Option<UnixMillis> {
    let (year, month, day, hour, minute) = parse_local(value)?;
    let date = js_sys::Date::new_with_year_month_day_hr_min(
        year.unsigned_abs(),
        month as i32 - 1,
        day as i32,
        hour as i32,
        minute as i32,
    );
    let ms = date.get_time();
    (ms.is_finite() && ms > 0.0).then_some(UnixMillis(ms as u64))
}

/// A count with its noun, e.g. "1 passkey", "2 passkeys".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A message as a sentence: a capital first letter and a full stop.
pub fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let Some(first) = chars.next() else { return String::new() };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// How a person proved presence, as a session's last MFA shows it.
pub const fn mfa_method(kind: MfaMethodKind) -> &'static str {
    match kind {
        MfaMethodKind::Passkey => "Passkey",
        MfaMethodKind::Totp => "Authenticator app",
        MfaMethodKind::Bypass => "Administrator's one-time bypass (does not count as MFA)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_the_right_noun() {
        assert_eq!(plural(0, "passkey", "passkeys"), "0 passkeys");
        assert_eq!(plural(1, "passkey", "passkeys"), "1 passkey");
        assert_eq!(plural(3, "passkey", "passkeys"), "3 passkeys");
    }

    #[test]
    fn a_bypass_is_never_shown_as_mfa() {
        assert_eq!(mfa_method(MfaMethodKind::Passkey), "Passkey");
        assert!(mfa_method(MfaMethodKind::Bypass).contains("does not count as MFA"));
    }
}
