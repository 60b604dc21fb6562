//! Ảnh trên máy: where the images of photos live, behind the small `ImageStore` trait. Images do not fit in
//! localStorage (5 MiB holds the records), so the browser keeps them in IndexedDB (`browser_images`), which
//! shares the origin's much larger quota. An image is stored once, keyed by its SHA-256, however many
//! photos (on however many records) name it.
//!
//! The trait is asynchronous because IndexedDB is. `MemoryImageStore` (with a quota in bytes, like a
//! browser's) serves the native tests: its futures are ready at once.

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::StoreError;
use crate::domain::evidence::ImageData;

/// A store of images by SHA-256.
#[allow(async_fn_in_trait)] // used on one thread (the browser's), never sent
pub trait ImageStore {
    /// Writes the image whole, or nothing (`QuotaExceeded` when it does not fit).
    async fn put(&self, image: &ImageData) -> Result<(), StoreError>;
    /// The image's bytes and type, if stored.
    async fn get(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>, StoreError>;
    async fn has(&self, sha256: &str) -> Result<bool, StoreError>;
    async fn remove(&self, sha256: &str) -> Result<(), StoreError>;
    /// Every stored image: its SHA-256 and size in bytes.
    async fn list(&self) -> Result<Vec<(String, u64)>, StoreError>;
}

/// Images in memory, optionally with a quota in bytes.
#[derive(Debug, Default)]
pub struct MemoryImageStore {
    images: RefCell<BTreeMap<String, (String, Vec<u8>)>>,
    quota_bytes: Option<usize>,
}

impl MemoryImageStore {
    pub fn new() -> MemoryImageStore {
        MemoryImageStore::default()
    }
    /// A store that holds at most `bytes` of images.
    pub fn with_quota(bytes: usize) -> MemoryImageStore {
        MemoryImageStore { images: RefCell::default(), quota_bytes: Some(bytes) }
    }
    fn used(&self) -> usize {
        self.images.borrow().values().map(|(_, b)| b.len()).sum()
    }
}

impl ImageStore for MemoryImageStore {
    async fn put(&self, image: &ImageData) -> Result<(), StoreError> {
        if self.images.borrow().contains_key(&image.sha256) {
            return Ok(());
        }
        if self.quota_bytes.is_some_and(|q| self.used() + image.bytes.len() > q) {
            return Err(StoreError::QuotaExceeded);
        }
        self.images.borrow_mut().insert(image.sha256.clone(), (image.mime.clone(), image.bytes.clone()));
        Ok(())
    }
    async fn get(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        Ok(self.images.borrow().get(sha256).cloned())
    }
    async fn has(&self, sha256: &str) -> Result<bool, StoreError> {
        Ok(self.images.borrow().contains_key(sha256))
    }
    async fn remove(&self, sha256: &str) -> Result<(), StoreError> {
        self.images.borrow_mut().remove(sha256);
        Ok(())
    }
    async fn list(&self) -> Result<Vec<(String, u64)>, StoreError> {
        Ok(self.images.borrow().iter().map(|(k, (_, b))| (k.clone(), b.len() as u64)).collect())
    }
}

/// Runs a future that is ready at once (the memory store's), for code that is async only for the browser.
pub fn ready<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("a future that was meant to be ready at once is pending"),
    }
}
