//! The few browser facilities pages need beyond the DOM: where the portal is served from, the
//! location's fragment, the clipboard, moving focus to an element by id, and reading a chosen file.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
export function copy_text(text) {
  if (!navigator.clipboard || !window.isSecureContext) return Promise.reject(new Error('no clipboard'));
  return navigator.clipboard.writeText(text);
}
"#)]
extern "C" {
    fn copy_text(text: &str) -> js_sys::Promise;
}

/// The portal's origin, e.g. `https://elevate.example`.
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// The location's fragment, with its `#` (empty when there is none).
pub fn fragment() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// Puts `text` on the clipboard; `false` when the browser does not allow it here.
pub async fn copy(text: &str) -> bool {
    JsFuture::from(copy_text(text)).await.is_ok()
}

/// Copies `text` and says how it went, as an outcome line shows it; `what` names the thing to
/// select and copy by hand when the browser refuses ("the link", "the token").
pub async fn copy_outcome(text: &str, what: &str) -> Result<String, String> {
    if copy(text).await {
        Ok("Copied.".to_owned())
    } else {
        Err(format!("This browser did not allow copying: select {what} and copy it."))
    }
}

/// Moves focus to the element with this id, which scrolls it into view.
pub fn focus(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Takes the fragment off the address bar (and the history entry) without a navigation, so a
/// secret that came in it is not left on screen or in the browser's history.
pub fn drop_fragment() {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let path =
        format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
}

/// The text of the file chosen in a file input (`None` when none is), which is then unchosen so
/// choosing the same file again reads it again. A file over `max_bytes` is refused unread.
pub async fn read_chosen_file(
    input: &web_sys::HtmlInputElement,
    max_bytes: f64,
) -> Result<Option<String>, String> {
    let file = input.files().and_then(|files| files.get(0));
    input.set_value("");
    let Some(file) = file else { return Ok(None) };
    if file.size() > max_bytes {
        return Err(format!("{} is too large to import.", file.name()));
    }
    match JsFuture::from(file.text()).await {
        Ok(text) => Ok(text.as_string()),
        Err(_) => Err(format!("{} could not be read.", file.name())),
    }
}
