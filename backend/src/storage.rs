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

/// A range of keys to read in order: those starting with `prefix`, from `start` (inclusive) to
/// `end` (exclusive), at most `limit`, newest-last or (with `reverse`) newest-first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scan<'a> {
    pub prefix: &'a str,
    pub start: Option<&'a str>,
    pub end: Option<&'a str>,
    pub reverse: bool,
    pub limit: usize,
}

/// A store that reads key ranges with their values in one call, as Durable Object storage does
/// (Workers KV lists only forwards and without values, so it does not implement this).
pub(crate) trait OrderedStore: Store {
    /// The keys in `range`, in order, with their values.
    async fn scan(&self, range: Scan<'_>) -> Result<Vec<(String, String)>, AppError>;
    /// The values of `keys`, in the same order; none where a key is absent.
    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, AppError>;
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

#[cfg(test)]
impl OrderedStore for MemoryStore {
    async fn scan(&self, range: Scan<'_>) -> Result<Vec<(String, String)>, AppError> {
        let map = self.map.borrow();
        let within = |k: &&String| {
            k.starts_with(range.prefix)
                && range.start.is_none_or(|s| k.as_str() >= s)
                && range.end.is_none_or(|e| k.as_str() < e)
        };
        let pick = |(k, v): (&String, &String)| (k.clone(), v.clone());
        Ok(if range.reverse {
            map.iter().rev().filter(|(k, _)| within(k)).take(range.limit).map(pick).collect()
        } else {
            map.iter().filter(|(k, _)| within(k)).take(range.limit).map(pick).collect()
        })
    }
    async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, AppError> {
        let map = self.map.borrow();
        Ok(keys.iter().map(|k| map.get(k).cloned()).collect())
    }
}
