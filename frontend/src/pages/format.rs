//! Showing instants in the viewer's own locale and time zone.

use elevate_shared::time::UnixMillis;
use wasm_bindgen::JsValue;

pub fn when(t: UnixMillis) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(t.0 as f64));
    String::from(date.to_locale_string("default", &JsValue::UNDEFINED))
}
