//! The photos' images in IndexedDB (browser build only): one database `dvk-images`, one object store
//! `images`, each image a `Blob` (its `type` the image type) under its SHA-256. IndexedDB shares the
//! origin's quota (much larger than localStorage's 5 MiB); a write that does not fit aborts its
//! transaction with `QuotaExceededError`, reported as `StoreError::QuotaExceeded`.
//!
//! Written with web-sys's own `Idb*` bindings (no extra crate): the five calls the `ImageStore` trait needs
//! are a few lines each once a request or a transaction is a future (`request`, `finished`). A `Blob`
//! read back is a handle: its size is known without reading its bytes, and the page shows it through an
//! object URL (`object_url`), so a list of thumbnails never copies images into wasm memory.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

use super::images::ImageStore;
use super::StoreError;
use crate::domain::evidence::ImageData;

const DB: &str = "dvk-images";
const STORE: &str = "images";

thread_local! {
    static OPEN: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

/// The images of this browser profile.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdbImageStore;

fn error_of(e: JsValue) -> StoreError {
    let name = e.dyn_ref::<web_sys::DomException>().map(|d| d.name()).unwrap_or_default();
    match name.as_str() {
        "QuotaExceededError" => StoreError::QuotaExceeded,
        "" => StoreError::Other(e.as_string().unwrap_or_else(|| "IndexedDB".to_string())),
        _ => StoreError::Other(name),
    }
}

/// A request as a future: its result, or its error.
async fn request(req: IdbRequest) -> Result<JsValue, StoreError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let r = req.clone();
        let bad = Closure::once_into_js(move |_: web_sys::Event| {
            let e: JsValue = r.error().ok().flatten().map(Into::into).unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(bad.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(error_of)
}

/// A transaction as a future: done when committed, an error when aborted (a full quota aborts it).
async fn finished(tx: IdbTransaction) -> Result<(), StoreError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let t = tx.clone();
        let reject2 = reject.clone();
        let t2 = tx.clone();
        let bad = Closure::once_into_js(move |_: web_sys::Event| {
            let e: JsValue = t.error().map(Into::into).unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        let aborted = Closure::once_into_js(move |_: web_sys::Event| {
            let e: JsValue = t2.error().map(Into::into).unwrap_or(JsValue::UNDEFINED);
            let _ = reject2.call1(&JsValue::NULL, &e);
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(bad.unchecked_ref()));
        tx.set_onabort(Some(aborted.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(error_of)
}

/// The database, opened (and made, the first time) once per page.
async fn db() -> Result<IdbDatabase, StoreError> {
    if let Some(db) = OPEN.with(|o| o.borrow().clone()) {
        return Ok(db);
    }
    let factory = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()).ok_or(StoreError::Unavailable)?;
    let open = factory.open_with_u32(DB, 1).map_err(|_| StoreError::Unavailable)?;
    let o = open.clone();
    let upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        if let Ok(result) = o.result() {
            let db: IdbDatabase = result.unchecked_into();
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: IdbDatabase = request(open.unchecked_into()).await?.unchecked_into();
    OPEN.with(|o| *o.borrow_mut() = Some(db.clone()));
    Ok(db)
}

async fn store(mode: IdbTransactionMode) -> Result<(IdbTransaction, web_sys::IdbObjectStore), StoreError> {
    let db = db().await?;
    let tx = db.transaction_with_str_and_mode(STORE, mode).map_err(error_of)?;
    let os = tx.object_store(STORE).map_err(error_of)?;
    Ok((tx, os))
}

/// The stored image as a Blob handle (its bytes not read), if stored.
pub async fn blob(sha256: &str) -> Result<Option<web_sys::Blob>, StoreError> {
    let (_, os) = store(IdbTransactionMode::Readonly).await?;
    let v = request(os.get(&JsValue::from_str(sha256)).map_err(error_of)?).await?;
    Ok(v.dyn_into::<web_sys::Blob>().ok())
}

/// An object URL showing the stored image (revoke it when done), if stored.
pub async fn object_url(sha256: &str) -> Result<Option<String>, StoreError> {
    Ok(blob(sha256).await?.and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok()))
}

impl ImageStore for IdbImageStore {
    async fn put(&self, image: &ImageData) -> Result<(), StoreError> {
        let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(image.bytes.as_slice()));
        let bag = web_sys::BlobPropertyBag::new();
        bag.set_type(&image.mime);
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &bag).map_err(error_of)?;
        let (tx, os) = store(IdbTransactionMode::Readwrite).await?;
        os.put_with_key(&blob, &JsValue::from_str(&image.sha256)).map_err(error_of)?;
        finished(tx).await
    }
    async fn get(&self, sha256: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let Some(b) = blob(sha256).await? else { return Ok(None) };
        let buf = JsFuture::from(b.array_buffer()).await.map_err(error_of)?;
        Ok(Some((b.type_(), js_sys::Uint8Array::new(&buf).to_vec())))
    }
    async fn has(&self, sha256: &str) -> Result<bool, StoreError> {
        let (_, os) = store(IdbTransactionMode::Readonly).await?;
        let n = request(os.count_with_key(&JsValue::from_str(sha256)).map_err(error_of)?).await?;
        Ok(n.as_f64().unwrap_or(0.0) > 0.0)
    }
    async fn remove(&self, sha256: &str) -> Result<(), StoreError> {
        let (tx, os) = store(IdbTransactionMode::Readwrite).await?;
        os.delete(&JsValue::from_str(sha256)).map_err(error_of)?;
        finished(tx).await
    }
    async fn list(&self) -> Result<Vec<(String, u64)>, StoreError> {
        // both asked in one transaction before either is awaited, so they see the same images
        let (_, os) = store(IdbTransactionMode::Readonly).await?;
        let keys = os.get_all_keys().map_err(error_of)?;
        let values = os.get_all().map_err(error_of)?;
        let (keys, values) = (request(keys).await?, request(values).await?);
        let keys: js_sys::Array = keys.unchecked_into();
        let values: js_sys::Array = values.unchecked_into();
        Ok(keys
            .iter()
            .zip(values.iter())
            .filter_map(|(k, v)| Some((k.as_string()?, v.dyn_into::<web_sys::Blob>().ok()?.size() as u64)))
            .collect())
    }
}
