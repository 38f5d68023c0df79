//! The browser's WebAuthn calls (`navigator.credentials.create` / `.get`, and `.get` with
//! conditional mediation for passkey autofill), with JSON in and out.
//!
//! Options arrive as webauthn-rs-proto types, which serialise to the WebAuthn JSON forms; the
//! small script below turns base64url fields into buffers and the credential back into JSON.

use elevate_shared::api::auth::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
const dec = (s) => {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(b, (c) => c.charCodeAt(0)).buffer;
};
const enc = (buf) => {
  let s = '';
  for (const x of new Uint8Array(buf)) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const clean = (v) => {
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object') {
    const o = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) o[k] = clean(x);
    return o;
  }
  return v;
};
const descriptors = (list) => (list || []).map((c) => ({ ...c, id: dec(c.id) }));
export function webauthn_create(json) {
  const o = clean(JSON.parse(json).publicKey);
  const publicKey = { ...o, challenge: dec(o.challenge), user: { ...o.user, id: dec(o.user.id) },
    excludeCredentials: descriptors(o.excludeCredentials) };
  return navigator.credentials.create({ publicKey }).then((c) => JSON.stringify({
    id: c.id, rawId: enc(c.rawId), type: c.type,
    response: { clientDataJSON: enc(c.response.clientDataJSON),
      attestationObject: enc(c.response.attestationObject),
      transports: c.response.getTransports ? c.response.getTransports() : [] },
    clientExtensionResults: c.getClientExtensionResults(),
  }));
}
const requestOptions = (json) => {
  const o = clean(JSON.parse(json).publicKey);
  return { ...o, challenge: dec(o.challenge), allowCredentials: descriptors(o.allowCredentials) };
};
const assertion = (c) => JSON.stringify({
  id: c.id, rawId: enc(c.rawId), type: c.type,
  response: { clientDataJSON: enc(c.response.clientDataJSON),
    authenticatorData: enc(c.response.authenticatorData), signature: enc(c.response.signature),
    userHandle: c.response.userHandle ? enc(c.response.userHandle) : null },
  clientExtensionResults: c.getClientExtensionResults(),
});
export function webauthn_get(json) {
  return navigator.credentials.get({ publicKey: requestOptions(json) }).then(assertion);
}
export function webauthn_supported() {
  return typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
}
// The pending autofill request, if any: its controller and a promise that settles with it.
let autofill = null;
export function autofill_available() {
  // A WebDriver virtual authenticator answers a conditional request at once, as if the person had
  // picked the passkey; a browser under automation would be signed in whenever it showed the page.
  if (navigator.webdriver) return Promise.resolve(false);
  const P = window.PublicKeyCredential;
  if (typeof P !== 'function' || typeof P.isConditionalMediationAvailable !== 'function') {
    return Promise.resolve(false);
  }
  return P.isConditionalMediationAvailable().then((yes) => yes === true, () => false);
}
export function autofill_begin() {
  if (autofill) autofill.controller.abort();
  autofill = { controller: new AbortController(), settled: Promise.resolve() };
  return autofill.controller;
}
export function autofill_aborted(controller) {
  return controller.signal.aborted;
}
export function autofill_get(json, controller) {
  const request = navigator.credentials.get({ publicKey: requestOptions(json), mediation: 'conditional',
    signal: controller.signal });
  if (autofill && autofill.controller === controller) autofill.settled = request.then(() => {}, () => {});
  return request.then(assertion);
}
export function autofill_abort() {
  const pending = autofill;
  autofill = null;
  if (!pending) return Promise.resolve();
  pending.controller.abort();
  // The browser drops an aborted request at once; the timer only guards against one that hangs.
  return Promise.race([pending.settled, new Promise((done) => setTimeout(done, 1000))]);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn webauthn_create(options: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch)]
    fn webauthn_get(options: &str) -> Result<js_sys::Promise, JsValue>;
    fn webauthn_supported() -> bool;
    #[wasm_bindgen(js_name = autofill_available)]
    fn autofill_available_js() -> js_sys::Promise;
    fn autofill_begin() -> JsValue;
    fn autofill_aborted(controller: &JsValue) -> bool;
    #[wasm_bindgen(catch)]
    fn autofill_get(options: &str, controller: &JsValue) -> Result<js_sys::Promise, JsValue>;
    fn autofill_abort() -> js_sys::Promise;
}

/// Why the browser did not produce a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebAuthnError {
    #[error("This browser does not support passkeys or security keys.")]
    Unsupported,
    #[error("The request was cancelled or timed out. Try again when your authenticator is ready.")]
    NotAllowed,
    /// The page withdrew the request (passkey autofill, when another ceremony starts).
    #[error("The request was withdrawn.")]
    Aborted,
    #[error("This authenticator is already registered.")]
    AlreadyRegistered,
    #[error("The browser refused the request: {0}")]
    Other(String),
}

pub async fn create(
    options: &CreationChallengeResponse,
) -> Result<RegisterPublicKeyCredential, WebAuthnError> {
    run(webauthn_create, options).await
}

pub async fn get(options: &RequestChallengeResponse) -> Result<PublicKeyCredential, WebAuthnError> {
    run(webauthn_get, options).await
}

/// A ceremony the person started: any passkey autofill request is withdrawn first, as a browser
/// runs one WebAuthn request at a time.
async fn run<O: serde::Serialize, R: serde::de::DeserializeOwned>(
    call: fn(&str) -> Result<js_sys::Promise, JsValue>,
    options: &O,
) -> Result<R, WebAuthnError> {
    if !webauthn_supported() {
        return Err(WebAuthnError::Unsupported);
    }
    stop_autofill().await;
    let json = serde_json::to_string(options).map_err(|e| WebAuthnError::Other(e.to_string()))?;
    settle(call(&json).map_err(classify)?).await
}

async fn settle<R: serde::de::DeserializeOwned>(promise: js_sys::Promise) -> Result<R, WebAuthnError> {
    let value = JsFuture::from(promise).await.map_err(classify)?;
    let text = value.as_string().ok_or_else(|| WebAuthnError::Other("no credential".into()))?;
    serde_json::from_str(&text).map_err(|e| WebAuthnError::Other(e.to_string()))
}

/// Whether this browser offers passkeys in the username field's autofill (conditional mediation).
pub async fn autofill_available() -> bool {
    webauthn_supported() && JsFuture::from(autofill_available_js()).await.is_ok_and(|v| v.is_truthy())
}

/// Withdraws the pending autofill request, if any, and waits until the browser has dropped it.
pub async fn stop_autofill() {
    // The promise never rejects.
    let _ = JsFuture::from(autofill_abort()).await;
}

/// A passkey autofill session: conditional requests that wait, without any prompt, until the person
/// picks a passkey in the username field's suggestions. Starting a ceremony with [`create`] or
/// [`get`], or [`stop_autofill`], aborts it for good; a new session replaces an old one.
#[derive(Debug)]
pub struct Autofill {
    controller: JsValue,
}

impl Autofill {
    pub fn begin() -> Self {
        Self { controller: autofill_begin() }
    }

    /// Whether the session was aborted: nothing more may be asked with it.
    pub fn aborted(&self) -> bool {
        autofill_aborted(&self.controller)
    }

    /// Waits for the person to pick a passkey; [`WebAuthnError::Aborted`] once the session ends.
    pub async fn get(
        &self,
        options: &RequestChallengeResponse,
    ) -> Result<PublicKeyCredential, WebAuthnError> {
        let json = serde_json::to_string(options).map_err(|e| WebAuthnError::Other(e.to_string()))?;
        settle(autofill_get(&json, &self.controller).map_err(classify)?).await
    }
}

fn classify(err: JsValue) -> WebAuthnError {
    let name =
        js_sys::Reflect::get(&err, &"name".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" => WebAuthnError::NotAllowed,
        "AbortError" => WebAuthnError::Aborted,
        "InvalidStateError" => WebAuthnError::AlreadyRegistered,
        _ => {
            let message = js_sys::Reflect::get(&err, &"message".into()).ok().and_then(|v| v.as_string());
            WebAuthnError::Other(message.unwrap_or(name))
        }
    }
}
