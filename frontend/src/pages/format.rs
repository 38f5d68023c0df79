//! Showing instants in the viewer's own locale and time zone.

use elevate_shared::time::UnixMillis;
use wasm_bindgen::JsValue;

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
