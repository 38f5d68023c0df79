//! Showing instants in the viewer's own locale and time zone, counts and method names.

use elevate_shared::api::auth::MfaMethodKind;
use elevate_shared::time::UnixMillis;
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

/// A count with its noun, e.g. "1 passkey", "2 passkeys".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
