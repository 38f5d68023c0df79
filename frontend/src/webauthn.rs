//! The browser's WebAuthn calls (`navigator.credentials.create` / `.get`), with JSON in and out.
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
export function webauthn_get(json) {
  const o = clean(JSON.parse(json).publicKey);
  const publicKey = { ...o, challenge: dec(o.challenge), allowCredentials: descriptors(o.allowCredentials) };
  return navigator.credentials.get({ publicKey }).then((c) => JSON.stringify({
    id: c.id, rawId: enc(c.rawId), type: c.type,
    response: { clientDataJSON: enc(c.response.clientDataJSON),
      authenticatorData: enc(c.response.authenticatorData), signature: enc(c.response.signature),
      userHandle: c.response.userHandle ? enc(c.response.userHandle) : null },
    clientExtensionResults: c.getClientExtensionResults(),
  }));
}
export function webauthn_supported() {
  return typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    fn webauthn_create(options: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch)]
    fn webauthn_get(options: &str) -> Result<js_sys::Promise, JsValue>;
    fn webauthn_supported() -> bool;
}

/// Why the browser did not produce a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebAuthnError {
    #[error("This browser does not support passkeys or security keys.")]
    Unsupported,
    #[error("The request was cancelled or timed out. Try again when your authenticator is ready.")]
    NotAllowed,
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

async fn run<O: serde::Serialize, R: serde::de::DeserializeOwned>(
    call: fn(&str) -> Result<js_sys::Promise, JsValue>,
    options: &O,
) -> Result<R, WebAuthnError> {
    if !webauthn_supported() {
        return Err(WebAuthnError::Unsupported);
    }
    let json = serde_json::to_string(options).map_err(|e| WebAuthnError::Other(e.to_string()))?;
    let promise = call(&json).map_err(classify)?;
    let value = JsFuture::from(promise).await.map_err(classify)?;
    let text = value.as_string().ok_or_else(|| WebAuthnError::Other("no credential".into()))?;
    serde_json::from_str(&text).map_err(|e| WebAuthnError::Other(e.to_string()))
}

fn classify(err: JsValue) -> WebAuthnError {
    let name =
        js_sys::Reflect::get(&err, &"name".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "AbortError" => WebAuthnError::NotAllowed,
        "InvalidStateError" => WebAuthnError::AlreadyRegistered,
        _ => {
            let message = js_sys::Reflect::get(&err, &"message".into()).ok().and_then(|v| v.as_string());
            WebAuthnError::Other(message.unwrap_or(name))
        }
    }
}
