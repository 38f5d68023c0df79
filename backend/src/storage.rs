//! The storage port: one small string key/value trait that the services are written against.
//!
//! Workers KV and Durable Object storage implement it at the edge (`edge::adapters`); the
//! in-memory [`MemoryStore`] implements it for native unit tests, so every service runs natively
//! against the same contract.

use crate::error::AppError;
use serde::{Serialize, de::DeserializeOwned};
#[cfg(test)]
use std::cell::RefCell;
#[cfg(test)]
use std::collections::BTreeMap;

/// A string key/value store. No `Send` bounds: inside a worker everything is single-threaded.
pub(crate) trait Store {
    async fn get(&self, key: &str) -> Result<Option<String>, AppError>;
    async fn put(&self, key: &str, value: String) -> Result<(), AppError>;
    /// Removes the key; true when it existed.
    async fn delete(&self, key: &str) -> Result<bool, AppError>;
    /// Keys that start with `prefix`, in order.
    async fn list(&self, prefix: &str) -> Result<Vec<String>, AppError>;
}

/// Typed JSON access on top of any [`Store`].
pub(crate) async fn get_json<T: DeserializeOwned>(
    store: &impl Store,
    key: &str,
) -> Result<Option<T>, AppError> {
    match store.get(key).await? {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| AppError::internal(format!("stored value at {key} is unreadable: {e}"))),
    }
}

pub(crate) async fn put_json<T: Serialize>(store: &impl Store, key: &str, value: &T) -> Result<(), AppError> {
    let text = serde_json::to_string(value)
        .map_err(|e| AppError::internal(format!("cannot encode value for {key}: {e}")))?;
    store.put(key, text).await
}

/// An in-memory store for native tests.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct MemoryStore {
    map: RefCell<BTreeMap<String, String>>,
}

#[cfg(test)]
impl Store for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<String>, AppError> {
        Ok(self.map.borrow().get(key).cloned())
    }
    async fn put(&self, key: &str, value: String) -> Result<(), AppError> {
        self.map.borrow_mut().insert(key.to_owned(), value);
        Ok(())
    }
    async fn delete(&self, key: &str) -> Result<bool, AppError> {
        Ok(self.map.borrow_mut().remove(key).is_some())
    }
    async fn list(&self, prefix: &str) -> Result<Vec<String>, AppError> {
        Ok(self.map.borrow().keys().filter(|k| k.starts_with(prefix)).cloned().collect())
    }
}
