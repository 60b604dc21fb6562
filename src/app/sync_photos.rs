//! Ảnh khi đồng bộ: the images of photos and the city's CouchDB. A model's record names its photos (id,
//! SHA-256, caption…) exactly as an exchange file does, without the image; each image is its own immutable
//! document `photo:<sha256>` (`type: "photo"`, `sha256`, `mime`, `written_by`) with the image as its
//! attachment `image`. Its id is its content, so two devices uploading the same image write the same
//! document (the second gets a 409, which means "the server has it"), and an upload never conflicts with
//! an edit of the record.
//!
//! Images move after the records and never hold them up: `run_photo_sync` runs once `run_sync` has ended
//! (and stored its report), each failure of an image is counted in its own [`PhotoReport`], and a record
//! sync is complete whatever happens to the images.
//! - **Up**: the images named by live photos of live models, that this device has and does not know the
//!   server holds, are asked for in one cheap request per hundred (`POST _all_docs` with `keys`, no bodies);
//!   those the server lacks are sent one per `_bulk_docs` request (base64 `_attachments`, accepted by
//!   CouchDB 3 and pouchdb-server alike), and each is noted as held as soon as it is written, so an upload
//!   cut half-way resumes with the image it was at. A photo deleted, or on a deleted model, is not sent.
//! - **Down**: the images live photos name that this device lacks, one `GET photo:<sha>?attachments=true`
//!   each (JSON, the image in base64), checked against its SHA-256 before it is stored — during a sync when
//!   the UI says the network is not metered (its setting and `navigator.connection`), and on demand
//!   ([`fetch_photo`]) when a photo is shown that this device does not have.
//!
//! What is kept (`dvk.sync.photos`, never in an exported file): the server it is about, the images known to
//! be on it, the officer's "download during sync" setting, and the last photo sync's report.

use std::collections::BTreeSet;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::sync::{status_error, Host, Reply, SyncError, Transport};
use super::{App, AppError};
use crate::domain::evidence::{self, ImageData};
use crate::domain::sync::{self as proto, BulkOutcome, DocKind};
use crate::domain::time::Timestamp;
use crate::storage::images::ImageStore;
use crate::storage::layout::SYNC_PHOTOS_KEY;
use crate::storage::{Store, StoreError};

/// Images asked about per `POST _all_docs`.
pub const PHOTO_CHECK_BATCH: usize = 100;

/// What the device knows of the server's images (`dvk.sync.photos`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoSync {
    /// The database URL the rest is about (another one: nothing is known to be there).
    #[serde(default)]
    pub url: String,
    /// SHA-256s of the images the server holds (sent or seen there).
    #[serde(default)]
    pub on_server: BTreeSet<String>,
    /// The officer turned off downloading images during a sync (they then come when a photo is shown).
    #[serde(default)]
    pub no_download: bool,
    /// The last photo sync.
    #[serde(default)]
    pub last: Option<PhotoReport>,
}

/// What one photo sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoReport {
    #[serde(default)]
    pub at: Option<Timestamp>,
    /// Images sent and written.
    #[serde(default)]
    pub sent: usize,
    /// Images this device has that the server still lacks (not sent: a failure, or a sync cut short).
    #[serde(default)]
    pub waiting: usize,
    /// Images the server refused (its rules), with the reason, by SHA-256.
    #[serde(default)]
    pub refused: Vec<(String, String)>,
    /// Images that came down.
    #[serde(default)]
    pub received: usize,
    /// Images named by photos here that did not come down (not on the server yet, damaged, failed).
    #[serde(default)]
    pub not_received: usize,
    /// Downloads were left for later (a metered network, or the setting).
    #[serde(default)]
    pub download_skipped: bool,
    /// Why it stopped before the end, if it did.
    #[serde(default)]
    pub error: Option<SyncError>,
}

impl<S: Store> App<S> {
    /// The stored photo state, about the server set up now (what was known of another server is dropped).
    pub fn photo_sync(&self) -> PhotoSync {
        let url = self.sync_setup().url;
        let mut p: PhotoSync = self.repo.read_value(SYNC_PHOTOS_KEY).unwrap_or_default();
        if p.url != url {
            p = PhotoSync { url, no_download: p.no_download, ..PhotoSync::default() };
        }
        p
    }

    /// Turns downloading images during a sync on or off.
    pub fn set_photo_download(&mut self, on: bool) -> Result<(), AppError> {
        let mut p = self.photo_sync();
        p.no_download = !on;
        self.repo.write_value(SYNC_PHOTOS_KEY, &p).map_err(AppError::from)
    }

    /// The SHA-256s of the images that live photos of live models name (their evaluations' too).
    pub fn live_photo_refs(&self) -> BTreeSet<String> {
        evidence::image_refs(self.registry.all_models().iter().filter(|m| !m.is_deleted()))
    }

    /// Of the images live photos name, those the server is not known to hold (whether this device has
    /// each is the image store's to say: `photos_waiting`).
    pub fn photos_unsent(&self) -> Vec<String> {
        let p = self.photo_sync();
        self.live_photo_refs().into_iter().filter(|s| !p.on_server.contains(s)).collect()
    }

    /// Notes that the server holds these images.
    pub fn photos_on_server(&mut self, shas: &[String]) -> Result<(), AppError> {
        let mut p = self.photo_sync();
        p.on_server.extend(shas.iter().cloned());
        self.repo.write_value(SYNC_PHOTOS_KEY, &p).map_err(AppError::from)
    }

    /// Forgets which images the server holds (it went back to an older backup, say): the next photo sync
    /// asks again about each image this device has, and sends those it lacks.
    pub fn forget_photos_on_server(&mut self) -> Result<(), AppError> {
        let mut p = self.photo_sync();
        p.on_server.clear();
        self.repo.write_value(SYNC_PHOTOS_KEY, &p).map_err(AppError::from)
    }

    /// Ends a photo sync: stores its report.
    pub fn photo_sync_finish(&mut self, mut report: PhotoReport, now: Timestamp) -> Result<PhotoReport, AppError> {
        report.at = Some(self.peek(now));
        let mut p = self.photo_sync();
        p.last = Some(report.clone());
        self.repo.write_value(SYNC_PHOTOS_KEY, &p)?;
        Ok(report)
    }
}

/// How many of `unsent` (`App::photos_unsent`) this device has: the images waiting to be sent.
pub async fn photos_waiting<I: ImageStore>(images: &I, unsent: &[String]) -> usize {
    let have = stored(images).await.unwrap_or_default();
    unsent.iter().filter(|s| have.contains(*s)).count()
}

/// The SHA-256s of the images this device has (one read of the store).
async fn stored<I: ImageStore>(images: &I) -> Result<BTreeSet<String>, StoreError> {
    Ok(images.list().await?.into_iter().map(|(sha, _)| sha).collect())
}

/// The document of an image, with the image as its base64 attachment `image`.
pub fn photo_doc(image: &ImageData, user: &str) -> Value {
    json!({
        "_id": proto::doc_id(DocKind::Photo, &image.sha256),
        "type": DocKind::Photo.word(),
        "sha256": image.sha256,
        "mime": image.mime,
        "written_by": user,
        "_attachments": { "image": {
            "content_type": image.mime,
            "data": base64::engine::general_purpose::STANDARD.encode(&image.bytes),
        }},
    })
}

/// The `POST _all_docs` body asking which of these images the server holds (no bodies come back).
pub fn photo_keys_body(shas: &[String]) -> String {
    let keys: Vec<String> = shas.iter().map(|s| proto::doc_id(DocKind::Photo, s)).collect();
    json!({ "keys": keys }).to_string()
}

/// The SHA-256s an `_all_docs` answer says the server holds (live documents).
pub fn photos_held(body: &str) -> Result<Vec<String>, SyncError> {
    let v: Value = serde_json::from_str(body).map_err(|_| SyncError::Protocol)?;
    let rows = v.get("rows").and_then(Value::as_array).ok_or(SyncError::Protocol)?;
    Ok(rows
        .iter()
        .filter(|r| r.get("error").is_none() && r.pointer("/value/deleted").and_then(Value::as_bool) != Some(true))
        .filter_map(|r| r.get("id").and_then(Value::as_str))
        .filter_map(|id| match proto::parse_doc_id(id) {
            Some((DocKind::Photo, sha)) => Some(sha.to_string()),
            _ => None,
        })
        .collect())
}

/// The image of a photo document read with `?attachments=true`, if it is the image `sha256` names.
pub fn read_photo_doc(body: &str, sha256: &str) -> Option<ImageData> {
    let v: Value = serde_json::from_str(body).ok()?;
    let data = v.pointer("/_attachments/image/data")?.as_str()?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).ok()?;
    let image = ImageData::from_bytes(bytes).ok()?;
    (image.sha256 == sha256).then_some(image)
}

/// The path of an image's document with its attachment inline.
fn photo_path(sha256: &str) -> String {
    format!("{}?attachments=true", proto::doc_path(&proto::doc_id(DocKind::Photo, sha256), None))
}

/// Why one image did not come down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchError {
    /// The server does not have it (yet: the device that took it has not sent it).
    NotOnServer,
    /// It came, but is not the image its photo names (or not an image).
    Damaged,
    /// This device has no room for it.
    StorageFull,
    /// The request failed (no network, the server, a session expired).
    Sync(SyncError),
}

/// Brings one image down and stores it (a photo shown that this device does not have).
pub async fn fetch_photo<T: Transport, I: ImageStore>(t: &T, images: &I, sha256: &str) -> Result<(), FetchError> {
    let reply = t.get(&photo_path(sha256)).await.map_err(|e| FetchError::Sync(e.into()))?;
    if reply.status == 404 {
        return Err(FetchError::NotOnServer);
    }
    if let Some(e) = status_error(reply.status) {
        return Err(FetchError::Sync(e));
    }
    let image = read_photo_doc(&reply.body, sha256).ok_or(FetchError::Damaged)?;
    images.put(&image).await.map_err(|e| match e {
        StoreError::QuotaExceeded => FetchError::StorageFull,
        _ => FetchError::Sync(SyncError::Storage),
    })
}

/// One photo sync, after `run_sync`: the images the server lacks go up, then (with `download`) the images
/// this device lacks come down. Ends by storing its report (`photo_sync_finish`); a failure is its `error`
/// and touches no record.
pub async fn run_photo_sync<S: Store, T: Transport, H: Host<S>, I: ImageStore>(t: &T, host: &H, images: &I, download: bool) -> PhotoReport {
    let mut report = PhotoReport { download_skipped: !download, ..PhotoReport::default() };
    if let Err(e) = photo_steps(t, host, images, download, &mut report).await {
        report.error = Some(e);
    }
    let fallback = report.clone();
    host.step(move |app, now| app.photo_sync_finish(report, now)).await.unwrap_or(fallback)
}

async fn photo_steps<S: Store, T: Transport, H: Host<S>, I: ImageStore>(
    t: &T,
    host: &H,
    images: &I,
    download: bool,
    report: &mut PhotoReport,
) -> Result<(), SyncError> {
    let (url, user, unsent, refs) = host
        .step(|app, _| {
            let setup = app.sync_setup();
            Ok((setup.url, setup.user, app.photos_unsent(), app.live_photo_refs()))
        })
        .await?;
    if url.is_empty() {
        return Err(SyncError::NotSetUp);
    }
    // Up: the images this device has that the server is not known to hold.
    let have = stored(images).await.map_err(|_| SyncError::Storage)?;
    let mine: Vec<String> = unsent.into_iter().filter(|s| have.contains(s)).collect();
    report.waiting = mine.len();
    for chunk in mine.chunks(PHOTO_CHECK_BATCH) {
        let reply = answer(t.post("_all_docs", photo_keys_body(chunk)).await)?;
        let held = photos_held(&reply.body)?;
        let lacking: Vec<String> = chunk.iter().filter(|s| !held.contains(s)).cloned().collect();
        report.waiting -= held.len().min(report.waiting);
        if !held.is_empty() {
            host.step(move |app, _| app.photos_on_server(&held)).await?;
        }
        for sha in lacking {
            let Ok(Some((mime, bytes))) = images.get(&sha).await else { continue };
            let image = ImageData { sha256: sha.clone(), mime, bytes };
            let body = proto::bulk_docs_body(&[photo_doc(&image, &user)]);
            let reply = answer(t.post("_bulk_docs", body).await)?;
            let outcomes = proto::outcomes_by_id(&proto::parse_bulk_response(&reply.body)?);
            match outcomes.into_iter().next().map(|(_, o)| o) {
                // A 409: the document is there already (another device sent the same image).
                Some(BulkOutcome::Ok { .. } | BulkOutcome::Conflict) => {
                    let one = vec![sha];
                    host.step(move |app, _| app.photos_on_server(&one)).await?;
                    report.sent += 1;
                    report.waiting -= 1;
                }
                Some(BulkOutcome::Forbidden { reason }) => report.refused.push((sha, reason)),
                Some(BulkOutcome::Unauthorized { .. }) => return Err(SyncError::Unauthorized),
                Some(BulkOutcome::Other { .. }) | None => {}
            }
        }
    }
    // Down: the images live photos name that this device lacks.
    if !download {
        return Ok(());
    }
    for sha in refs.into_iter().filter(|s| !have.contains(s)) {
        match fetch_photo(t, images, &sha).await {
            Ok(()) => {
                report.received += 1;
                let one = vec![sha];
                host.step(move |app, _| app.photos_on_server(&one)).await?;
            }
            Err(FetchError::NotOnServer | FetchError::Damaged) => report.not_received += 1,
            Err(FetchError::StorageFull) => return Err(SyncError::StorageFull),
            Err(FetchError::Sync(SyncError::Server(_))) => report.not_received += 1,
            Err(FetchError::Sync(e)) => return Err(e),
        }
    }
    Ok(())
}

/// A reply with a success status, else why not.
fn answer(r: Result<Reply, super::sync::NetError>) -> Result<Reply, SyncError> {
    let r = r?;
    match status_error(r.status) {
        None => Ok(r),
        Some(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_document_carries_its_image_and_is_read_back_only_if_it_is_that_image() {
        let png = base64::engine::general_purpose::STANDARD
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
            .unwrap();
        let image = ImageData::from_bytes(png).unwrap();
        let doc = photo_doc(&image, "lan");
        assert_eq!(doc["_id"], json!(format!("photo:{}", image.sha256)));
        assert_eq!(doc["_attachments"]["image"]["content_type"], json!("image/png"));
        let back = read_photo_doc(&doc.to_string(), &image.sha256).unwrap();
        assert_eq!(back.bytes, image.bytes);
        assert!(read_photo_doc(&doc.to_string(), &"0".repeat(64)).is_none(), "another image's id");
        let held = photos_held(r#"{"rows":[{"key":"photo:aa","id":"photo:aa","value":{"rev":"1-x"}},{"key":"photo:bb","error":"not_found"},{"key":"photo:cc","id":"photo:cc","value":{"rev":"2-y","deleted":true}}]}"#).unwrap();
        assert_eq!(held, vec!["aa".to_string()]);
    }
}
