//! The storage port over Workers KV and over Durable Object storage.

use crate::error::AppError;
use crate::storage::{OrderedStore, Scan, Store};
use wasm_bindgen::JsValue;
use worker::{KvStore, ListOptions, Storage};

/// A Workers KV namespace.
pub(crate) struct Kv(pub KvStore);

impl Store for Kv {
    async fn get(&self, key: &str) -> Result<Option<String>, AppError> {
        Ok(self.0.get(key).text().await?)
    }
    async fn put(&self, key: &str, value: String) -> Result<(), AppError> {
        Ok(self.0.put(key, value)?.execute().await?)
    }
    async fn delete(&self, key: &str) -> Result<bool, AppError> {
        let existed = self.0.get(key).text().await?.is_some();
        self.0.delete(key).await?;
        Ok(existed)
    }
    async fn list(&self, prefix: &str) -> Result<Vec<String>, AppError> {
        let mut keys = Vec::new();
        let mut cursor = None;
        loop {
            let mut request = self.0.list().prefix(prefix.to_owned());
            if let Some(c) = cursor.take() {
                request = request.cursor(c);
            }
            let page = request.execute().await?;
            keys.extend(page.keys.into_iter().map(|k| k.name));
            match page.cursor {
                Some(c) if !page.list_complete => cursor = Some(c),
                _ => return Ok(keys),
            }
        }
    }
}

/// One Durable Object's transactional storage. Values are stored as JSON text.
pub(crate) struct ObjectStorage(pub Storage);

impl Store for ObjectStorage {
    async fn get(&self, key: &str) -> Result<Option<String>, AppError> {
        Ok(self.0.get::<String>(key).await?)
    }
    async fn put(&self, key: &str, value: String) -> Result<(), AppError> {
        Ok(self.0.put(key, value).await?)
    }
    async fn delete(&self, key: &str) -> Result<bool, AppError> {
        Ok(self.0.delete(key).await?)
    }
    async fn list(&self, prefix: &str) -> Result<Vec<String>, AppError> {
        let map = self.0.list_with_options(ListOptions::new().prefix(prefix)).await?;
        let mut keys = Vec::new();
        for key in map.keys() {
            let key: JsValue = key.map_err(|e| AppError::internal(format!("list: {e:?}")))?;
            keys.push(key.as_string().ok_or_else(|| AppError::internal("list: a key is not text"))?);
        }
        Ok(keys)
    }
}

/// Durable Object storage answers at most this many keys per `get` of several.
const GET_MANY_MAX: usize = 128;

fn text(value: &JsValue, what: &str) -> Result<String, AppError> {
    value.as_string().ok_or_else(|| AppError::internal(format!("{what}: a stored value is not text")))
}

impl OrderedStore for ObjectStorage {
    async fn scan(&self, range: Scan<'_>) -> Result<Vec<(String, String)>, AppError> {
        let mut options = ListOptions::new().prefix(range.prefix).reverse(range.reverse).limit(range.limit);
        if let Some(start) = range.start {
            options = options.start(start);
        }
        if let Some(end) = range.end {
            options = options.end(end);
        }
        let map = self.0.list_with_options(options).await?;
        let mut out = Vec::with_capacity(map.size() as usize);
        for entry in map.entries() {
            let pair = js_sys::Array::from(&entry.map_err(|e| AppError::internal(format!("scan: {e:?}")))?);
            out.push((text(&pair.get(0), "scan key")?, text(&pair.get(1), "scan")?));
        }
        Ok(out)
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, AppError> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(GET_MANY_MAX) {
            let map = self.0.get_multiple(chunk.iter().map(String::as_str).collect()).await?;
            for key in chunk {
                let value = map.get(&JsValue::from_str(key));
                out.push(if value.is_undefined() { None } else { Some(text(&value, "get_many")?) });
            }
        }
        Ok(out)
    }
}
