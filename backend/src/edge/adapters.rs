//! The storage port over Workers KV and over Durable Object storage.

use crate::error::AppError;
use crate::storage::Store;
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
