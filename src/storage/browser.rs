//! The browser's localStorage as a `Store` (through gloo-storage), plus what the browser can tell about
//! storage: persistence and use.

use gloo_storage::{LocalStorage, Storage};

use super::{Store, StoreError};

/// localStorage of this origin.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalStore;

fn classify(e: wasm_bindgen::JsValue) -> StoreError {
    let name = js_sys::Reflect::get(&e, &"name".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" {
        StoreError::QuotaExceeded
    } else {
        StoreError::Other(name)
    }
}

/// gloo's handle on localStorage, after checking it exists (gloo panics where it does not).
fn raw() -> Result<web_sys::Storage, StoreError> {
    if available() {
        Ok(LocalStorage::raw())
    } else {
        Err(StoreError::Unavailable)
    }
}

impl Store for LocalStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        let raw = raw()?;
        raw.get_item(key).map_err(classify)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let raw = raw()?;
        raw.set_item(key, value).map_err(classify)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        let raw = raw()?;
        raw.remove_item(key).map_err(classify)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let raw = raw()?;
        let n = raw.length().map_err(classify)?;
        Ok((0..n).filter_map(|i| raw.key(i).ok().flatten()).collect())
    }
}

/// Is storage usable at all (it throws in some private modes)?
pub fn available() -> bool {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).is_some()
}
