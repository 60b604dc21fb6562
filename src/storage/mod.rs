//! Lưu trữ: where records live on the device, behind the small `Store` trait.
//!
//! - `Store`: get / set / remove text values by key, reporting a full quota distinctly.
//! - `MemoryStore`: an in-memory store with an optional quota, for tests and as a fallback.
//! - `browser::LocalStore` (browser build only): localStorage through gloo-storage.
//! - `codec`: the compact encoding of the registry (deflate + 15 bits per character).
//! - `repository`: the versioned schema on top of a `Store`: load, save, corruption and migrations.
//! - `images`: the `ImageStore` trait for photos' images (IndexedDB in the browser), and its memory twin.

pub mod codec;
pub mod images;
pub mod layout;
pub mod repository;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod browser_images;

use std::cell::RefCell;
use std::collections::BTreeMap;

/// Why a storage operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The browser's storage quota is used up: nothing was written.
    QuotaExceeded,
    /// Storage cannot be used at all (blocked, private mode).
    Unavailable,
    /// Anything else, with the browser's words.
    Other(String),
}

/// A key-value store of text.
pub trait Store {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes all of `value` or nothing.
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&self, key: &str) -> Result<(), StoreError>;
    /// Every key (for listing kept-aside and backup entries).
    fn keys(&self) -> Result<Vec<String>, StoreError>;
}

/// A borrowed store is a store (two repositories on one store, as two tabs or two parts of the app).
impl<S: Store + ?Sized> Store for &S {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        (**self).remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        (**self).keys()
    }
}

/// An in-memory store. With a quota, it counts UTF-16 units of keys and values as browsers do, and a
/// write that would pass the quota fails with `QuotaExceeded` and changes nothing.
#[derive(Debug, Default)]
pub struct MemoryStore {
    map: RefCell<BTreeMap<String, String>>,
    quota_units: Option<usize>,
    /// UTF-16 units of keys and values held, kept as values come and go (so a write to a large store
    /// does not count the whole store again).
    used: std::cell::Cell<usize>,
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }
    /// A store that holds at most `units` UTF-16 code units of keys and values.
    pub fn with_quota(units: usize) -> MemoryStore {
        MemoryStore { map: RefCell::default(), quota_units: Some(units), used: Default::default() }
    }
    /// UTF-16 units in use.
    pub fn used_units(&self) -> usize {
        self.used.get()
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.map.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let old = self.map.borrow().get(key).map(|v| utf16_len(key) + utf16_len(v)).unwrap_or(0);
        let used = self.used.get() - old + utf16_len(key) + utf16_len(value);
        if self.quota_units.is_some_and(|q| used > q) {
            return Err(StoreError::QuotaExceeded);
        }
        self.map.borrow_mut().insert(key.to_string(), value.to_string());
        self.used.set(used);
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        if let Some(v) = self.map.borrow_mut().remove(key) {
            self.used.set(self.used.get() - utf16_len(key) - utf16_len(&v));
        }
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.map.borrow().keys().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_quota_refuses_whole_writes() {
        let s = MemoryStore::with_quota(10);
        s.set("a", "1234").unwrap();
        assert_eq!(s.set("b", "123456789"), Err(StoreError::QuotaExceeded));
        assert_eq!(s.get("b").unwrap(), None, "a refused write leaves nothing");
        assert_eq!(s.get("a").unwrap().as_deref(), Some("1234"));
        s.set("a", "12345678").unwrap(); // replacing counts the old value out
        assert_eq!(s.used_units(), 9);
        s.remove("a").unwrap();
        assert!(s.keys().unwrap().is_empty());
    }
}
