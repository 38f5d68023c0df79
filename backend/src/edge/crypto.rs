//! PBKDF2 through workerd's WebCrypto (`crypto.subtle.deriveBits`), which runs natively rather
//! than in WebAssembly.

use crate::error::AppError;
use crate::password::Kdf;
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue, prelude::wasm_bindgen};
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    type SubtleCrypto;

    #[wasm_bindgen(method, js_name = importKey)]
    fn import_key(
        this: &SubtleCrypto,
        format: &str,
        key: &Uint8Array,
        algorithm: &str,
        extractable: bool,
        usages: &Array,
    ) -> Promise;

    #[wasm_bindgen(method, js_name = deriveBits)]
    fn derive_bits(this: &SubtleCrypto, algorithm: &Object, key: &JsValue, length: u32) -> Promise;
}

/// The runtime's WebCrypto.
#[derive(Debug, Default)]
pub(crate) struct WebCrypto;

fn js_error(what: &str) -> impl Fn(JsValue) -> AppError + '_ {
    move |e| AppError::internal(format!("WebCrypto {what}: {e:?}"))
}

fn subtle() -> Result<SubtleCrypto, AppError> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).map_err(js_error("crypto"))?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(js_error("subtle"))?;
    Ok(subtle.unchecked_into())
}

impl Kdf for WebCrypto {
    async fn pbkdf2_sha256(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<[u8; 32], AppError> {
        let subtle = subtle()?;
        let usages = Array::of1(&"deriveBits".into());
        let key =
            JsFuture::from(subtle.import_key("raw", &Uint8Array::from(password), "PBKDF2", false, &usages))
                .await
                .map_err(js_error("importKey"))?;
        let algorithm = Object::new();
        let set = |k: &str, v: JsValue| Reflect::set(&algorithm, &k.into(), &v).map_err(js_error("params"));
        set("name", "PBKDF2".into())?;
        set("hash", "SHA-256".into())?;
        set("salt", Uint8Array::from(salt).into())?;
        set("iterations", iterations.into())?;
        let bits = JsFuture::from(subtle.derive_bits(&algorithm, &key, 256))
            .await
            .map_err(js_error("deriveBits"))?;
        let bytes = Uint8Array::new(&bits).to_vec();
        bytes.try_into().map_err(|_| AppError::internal("WebCrypto deriveBits: not 32 bytes"))
    }
}
