//! Photos and the city's CouchDB (issue #27, "Photos"), the application layer: the real `App` on
//! `MemoryStore` with a `MemoryImageStore`, `run_sync` then `run_photo_sync` (as the sync screen runs them)
//! against the fake CouchDB of tests/support/couch.rs (attachments, `POST _all_docs` with keys). An image
//! goes from one device through the server to another, an upload cut half-way resumes, an image the server
//! has is not sent again, a failing image never fails the records' sync, a deleted model's photo is neither
//! sent nor fetched, and an image comes down on demand (checked against its SHA-256). The browser half is
//! tests/e2e/sync_photos.test.mjs.

mod support;

use std::cell::{Cell, RefCell};

use dvk_registry::app::sync::{run_sync, Host, NetError, Reply, SyncError, SyncOptions, SyncReport, Transport};
use dvk_registry::app::sync_photos::{fetch_photo, photos_waiting, run_photo_sync, FetchError, PhotoReport};
use dvk_registry::app::{App, AppError};
use dvk_registry::domain::evidence::{self, ImageData, Photo};
use dvk_registry::domain::time::Timestamp;
use dvk_registry::storage::images::{ready, ImageStore, MemoryImageStore};
use dvk_registry::storage::MemoryStore;
use serde_json::{json, Value};
use support::couch::{block_on, Fail, Net, Server};
use support::{app_on, at, model};

const URL: &str = "http://127.0.0.1:5984/dvk-hue";

/// Bytes that look like a JPEG (the core sniffs the magic number).
fn jpeg(seed: u8, len: usize) -> ImageData {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
    b.extend((0..len as u32).map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed)));
    ImageData::from_bytes(b).unwrap()
}

/// A device: its App (records), its image store, and the host running its steps.
struct Device {
    app: RefCell<App<MemoryStore>>,
    images: MemoryImageStore,
    now: Cell<i64>,
}

impl Host<MemoryStore> for Device {
    async fn step<R: 'static>(&self, op: impl FnOnce(&mut App<MemoryStore>, Timestamp) -> Result<R, AppError> + 'static) -> Result<R, AppError> {
        let now = self.tick();
        op(&mut self.app.borrow_mut(), now)
    }
}

impl Device {
    fn new(name: &str, start: i64) -> Device {
        let mut app = app_on(MemoryStore::new(), name, at(start));
        app.set_sync_server(URL, &format!("user-{name}")).unwrap();
        Device { app: RefCell::new(app), images: MemoryImageStore::new(), now: Cell::new(start) }
    }
    fn tick(&self) -> Timestamp {
        self.now.set(self.now.get() + 1);
        at(self.now.get())
    }
    fn add_model(&self, id: &str) {
        let now = self.tick();
        self.app.borrow_mut().save_model(model(id, &format!("Mô hình {id}"), "x"), now).unwrap();
    }
    /// Takes a photo of model `id`: the image stored first, then the record names it.
    fn take_photo(&self, id: &str, photo_id: &str, image: &ImageData) {
        ready(self.images.put(image)).unwrap();
        let now = self.tick();
        self.app.borrow_mut().add_model_photo(id, &Photo::new(photo_id.into(), now, "Ảnh", image), now).unwrap();
    }
    /// A sync as the screen runs it: the records, then (when they went through) the images.
    fn sync(&self, t: &impl Transport, download: bool) -> (SyncReport, Option<PhotoReport>) {
        let records = block_on(run_sync(t, self, SyncOptions { pull_batch: 10, pull_batch_max: 10, push_batch: 4 }));
        let photos = records.error.is_none().then(|| block_on(run_photo_sync(t, self, &self.images, download)));
        (records, photos)
    }
    fn has(&self, sha: &str) -> bool {
        ready(self.images.has(sha)).unwrap()
    }
    fn waiting(&self) -> usize {
        let unsent = self.app.borrow().photos_unsent();
        ready(photos_waiting(&self.images, &unsent))
    }
}

fn server() -> RefCell<Server> {
    RefCell::new(Server::default())
}

/// The `_bulk_docs` requests that carried an image document.
fn photo_uploads(s: &RefCell<Server>) -> Vec<String> {
    s.borrow().bulk.iter().flatten().filter(|id| id.starts_with("photo:")).cloned().collect()
}

/// A network on which every request about an image fails (the records' requests go through).
struct NoImages<'a>(Net<'a>);

impl NoImages<'_> {
    fn about_images(path: &str, body: Option<&str>) -> bool {
        path.starts_with("photo%3A") || path.starts_with("_all_docs") || body.is_some_and(|b| b.contains("\"photo:"))
    }
}

impl Transport for NoImages<'_> {
    async fn get(&self, path: &str) -> Result<Reply, NetError> {
        if Self::about_images(path, None) {
            return Err(NetError::Unreachable);
        }
        self.0.get(path).await
    }
    async fn post(&self, path: &str, body: String) -> Result<Reply, NetError> {
        if Self::about_images(path, Some(&body)) {
            return Err(NetError::Unreachable);
        }
        self.0.post(path, body).await
    }
    async fn put(&self, path: &str, body: String) -> Result<Reply, NetError> {
        self.0.put(path, body).await
    }
}

#[test]
fn a_photo_travels_from_one_device_through_the_server_to_another() {
    let s = server();
    let a = Device::new("a", 0);
    a.add_model("m1");
    let image = jpeg(3, 5000);
    a.take_photo("m1", "p1", &image);
    assert_eq!(a.waiting(), 1);
    let (records, photos) = a.sync(&Net::new(&s), true);
    assert_eq!(records.error, None);
    let photos = photos.unwrap();
    assert_eq!((photos.sent, photos.waiting, photos.error), (1, 0, None), "{photos:?}");
    assert_eq!(a.waiting(), 0);
    // On the server: one immutable document per image, the record naming it without the image.
    let doc_id = format!("photo:{}", image.sha256);
    let doc = s.borrow().winner_body(&doc_id);
    assert_eq!((doc["type"].clone(), doc["sha256"].clone(), doc["mime"].clone()), (json!("photo"), json!(image.sha256), json!("image/jpeg")));
    assert_eq!(doc["_attachments"]["image"]["content_type"], json!("image/jpeg"));
    let entry = s.borrow().winner_body("model:m1")["photos"][0].clone();
    assert_eq!((entry["id"].clone(), entry["sha256"].clone()), (json!("p1"), json!(image.sha256)));
    assert!(entry.get("data").is_none(), "the record carries the reference only: {entry}");

    let b = Device::new("b", 100);
    let (records, photos) = b.sync(&Net::new(&s), true);
    assert_eq!((records.error, records.new), (None, 1));
    assert_eq!(photos.unwrap().received, 1);
    let on_b = ready(b.images.get(&image.sha256)).unwrap().expect("the image came down");
    assert_eq!(on_b, ("image/jpeg".to_string(), image.bytes.clone()));
    let m = b.app.borrow().registry().get("m1").cloned().unwrap();
    assert_eq!(evidence::live_photos(&m.extra)[0].sha256, image.sha256);
    // B knows the server holds it: nothing waits to be sent, nothing is asked for again.
    assert_eq!(b.waiting(), 0);
    let reads = s.borrow().photo_reads;
    b.sync(&Net::new(&s), true);
    assert_eq!(s.borrow().photo_reads, reads);
}

#[test]
fn an_image_already_on_the_server_is_not_sent_again() {
    let s = server();
    let a = Device::new("a", 0);
    a.add_model("m1");
    let image = jpeg(5, 4000);
    a.take_photo("m1", "p1", &image);
    a.sync(&Net::new(&s), true);
    assert_eq!(photo_uploads(&s).len(), 1);
    // A again: it knows the server has it, asks nothing.
    let before = s.borrow().log.len();
    let (_, photos) = a.sync(&Net::new(&s), true);
    assert_eq!(photos.unwrap().sent, 0);
    assert!(!s.borrow().log[before..].iter().any(|l| l.contains("_all_docs") || l.contains("photo")), "no question about a known image");
    // B took the same image (the same bytes, from the same file) on another model: one cheap question, no upload.
    let b = Device::new("b", 50);
    b.add_model("m2");
    b.take_photo("m2", "p2", &image);
    assert_eq!(b.waiting(), 1);
    let (_, photos) = b.sync(&Net::new(&s), true);
    let photos = photos.unwrap();
    assert_eq!((photos.sent, photos.waiting, photos.error), (0, 0, None));
    assert_eq!(photo_uploads(&s).len(), 1, "sent once in all");
    assert_eq!(b.waiting(), 0);
}

#[test]
fn an_upload_cut_half_way_resumes_with_the_image_it_was_at() {
    for fail in [Fail::Drop, Fail::LoseReply, Fail::Status(503)] {
        let images: Vec<ImageData> = (1..=3).map(|i| jpeg(i * 11, 3000)).collect();
        let srv = server();
        let fresh = Device::new("a", 0);
        fresh.add_model("m1");
        for (i, image) in images.iter().enumerate() {
            fresh.take_photo("m1", &format!("p{i}"), image);
        }
        let net = Net::new(&srv);
        let records = block_on(run_sync(&net, &fresh, SyncOptions::default()));
        assert_eq!(records.error, None);
        // Requests from here: _all_docs (0), upload 1 (1), upload 2 (2) ← cut, upload 3 (3).
        let base = net.count.get();
        net.fail.set(Some((base + 2, fail)));
        let photos = block_on(run_photo_sync(&net, &fresh, &fresh.images, false));
        assert!(photos.error.is_some() || fail == Fail::Status(503), "{fail:?}: {photos:?}");
        assert_eq!(photos.sent, 1, "{fail:?}: {photos:?}");
        assert!(fresh.app.borrow().sync_setup().last_report.unwrap().error.is_none(), "the records' sync stays done");
        let uploads_before = photo_uploads(&srv).len();
        // The next sync sends what the server still lacks, and nothing it already has.
        let photos = block_on(run_photo_sync(&Net::new(&srv), &fresh, &fresh.images, false));
        assert_eq!(photos.error, None, "{fail:?}");
        let expected = if fail == Fail::LoseReply { 1 } else { 2 };
        assert_eq!(photos.sent, expected, "{fail:?}: the written one is not sent again");
        assert_eq!(photo_uploads(&srv).len() - uploads_before, expected, "{fail:?}");
        let mut on_server = srv.borrow().photos();
        on_server.sort();
        let mut want: Vec<String> = images.iter().map(|i| i.sha256.clone()).collect();
        want.sort();
        assert_eq!(on_server, want, "{fail:?}");
        assert_eq!(fresh.waiting(), 0);
    }
}

#[test]
fn a_failed_image_does_not_fail_the_record_sync() {
    let s = server();
    let a = Device::new("a", 0);
    a.add_model("m1");
    let image = jpeg(9, 3000);
    a.take_photo("m1", "p1", &image);
    // Every image request fails: the records go up all the same, the image waits.
    let (records, photos) = a.sync(&NoImages(Net::new(&s)), true);
    assert_eq!((records.error, records.pushed), (None, 1));
    let setup = a.app.borrow().sync_setup();
    assert!(setup.last_sync.is_some() && setup.last_report.unwrap().error.is_none(), "the sync counts as done");
    let photos = photos.unwrap();
    assert_eq!((photos.sent, photos.waiting, photos.error), (0, 1, Some(SyncError::Unreachable)));
    assert_eq!(a.waiting(), 1);
    assert!(s.borrow().docs.contains_key("model:m1"));
    // B: the record comes, its image cannot: the record sync is complete, the image is named as missing.
    a.sync(&Net::new(&s), true);
    let b = Device::new("b", 100);
    let (records, photos) = b.sync(&NoImages(Net::new(&s)), true);
    assert_eq!((records.error, records.new), (None, 1));
    assert_eq!(photos.unwrap().error, Some(SyncError::Unreachable));
    assert!(b.app.borrow().registry().get("m1").is_some());
    assert!(!b.has(&image.sha256));
    // The server refuses an image (its rules: a type it does not take): named, the records untouched.
    let c = Device::new("c", 200);
    c.add_model("m3");
    let gif = ImageData { mime: "image/gif".into(), ..jpeg(4, 100) };
    ready(c.images.put(&gif)).unwrap();
    let now = c.tick();
    c.app.borrow_mut().add_model_photo("m3", &Photo::new("p3".into(), now, "", &gif), now).unwrap();
    let (records, photos) = c.sync(&Net::new(&s), true);
    assert_eq!(records.error, None);
    let photos = photos.unwrap();
    assert_eq!(photos.error, None);
    assert_eq!(photos.refused.len(), 1, "{photos:?}");
    assert_eq!(photos.waiting, 1);
    assert!(s.borrow().docs.contains_key("model:m3"));
}

#[test]
fn a_deleted_models_photo_is_neither_sent_nor_fetched_and_blocks_nothing() {
    let s = server();
    let a = Device::new("a", 0);
    a.add_model("gone");
    a.add_model("kept");
    let gone = jpeg(21, 3000);
    a.take_photo("gone", "p1", &gone);
    let now = a.tick();
    a.app.borrow_mut().delete_model("gone", now).unwrap();
    // A photo whose image this device never had (it came in a file without photos).
    let elsewhere = jpeg(23, 3000);
    let now = a.tick();
    a.app.borrow_mut().add_model_photo("kept", &Photo::new("p2".into(), now, "", &elsewhere), now).unwrap();
    assert_eq!(a.waiting(), 0, "nothing this device could send");
    let (records, photos) = a.sync(&Net::new(&s), true);
    assert_eq!(records.error, None);
    let photos = photos.unwrap();
    assert_eq!((photos.sent, photos.waiting, photos.error), (0, 0, None), "{photos:?}");
    assert!(photo_uploads(&s).is_empty());
    // The tombstone travels; B does not ask for the deleted model's image, and the one nobody sent is
    // "not received", not an error.
    let b = Device::new("b", 100);
    let (records, photos) = b.sync(&Net::new(&s), true);
    assert_eq!(records.error, None);
    assert!(b.app.borrow().registry().get("gone").unwrap().is_deleted());
    let photos = photos.unwrap();
    assert_eq!((photos.received, photos.not_received, photos.error), (0, 1, None), "{photos:?}");
    assert!(!s.borrow().log.iter().any(|l| l.contains(&gone.sha256)), "the deleted model's image is not asked for");
}

#[test]
fn an_image_comes_down_on_demand_and_only_if_it_is_the_image_named() {
    let s = server();
    let a = Device::new("a", 0);
    a.add_model("m1");
    let image = jpeg(13, 3000);
    a.take_photo("m1", "p1", &image);
    a.sync(&Net::new(&s), true);
    // B on a metered network: the records come, the image waits for the photo to be shown.
    let b = Device::new("b", 100);
    let (_, photos) = b.sync(&Net::new(&s), false);
    assert!(photos.unwrap().download_skipped);
    assert_eq!(s.borrow().photo_reads, 0);
    assert!(!b.has(&image.sha256));
    assert_eq!(block_on(fetch_photo(&Net::new(&s), &b.images, &image.sha256)), Ok(()));
    assert!(b.has(&image.sha256));
    // An image the server lacks, and one whose bytes are not what its id says.
    let absent = jpeg(17, 100);
    assert_eq!(block_on(fetch_photo(&Net::new(&s), &b.images, &absent.sha256)), Err(FetchError::NotOnServer));
    let c = Device::new("c", 200);
    let forged = format!("photo:{}", absent.sha256);
    {
        let mut srv = s.borrow_mut();
        let mut doc = srv.winner_body(&format!("photo:{}", image.sha256));
        doc.insert("_id".into(), json!(forged));
        doc.insert("sha256".into(), json!(absent.sha256));
        srv.write(&Value::Object(doc)).unwrap();
    }
    assert_eq!(block_on(fetch_photo(&Net::new(&s), &c.images, &absent.sha256)), Err(FetchError::Damaged));
    assert!(!c.has(&absent.sha256));
    // No network: said so.
    let net = Net::new(&s);
    net.fail.set(Some((0, Fail::Offline)));
    assert_eq!(block_on(fetch_photo(&net, &c.images, &image.sha256)), Err(FetchError::Sync(SyncError::Offline)));
}

#[test]
fn after_the_server_went_back_the_images_it_lost_are_sent_again() {
    let s = server();
    let a = Device::new("a", 0);
    a.add_model("m1");
    a.sync(&Net::new(&s), true);
    let before_photos = s.borrow().clone();
    let image = jpeg(29, 2000);
    a.take_photo("m1", "p1", &image);
    a.sync(&Net::new(&s), true);
    assert_eq!(s.borrow().photos(), vec![image.sha256.clone()]);
    // The city restores yesterday's backup: the image document is gone. Told so (the checkpoint's
    // check), the device forgets what it knew and sends the image once more.
    *s.borrow_mut() = before_photos;
    let (records, photos) = a.sync(&Net::new(&s), true);
    assert!(records.server_went_back, "the checkpoint's check finds the server went back: {records:?}");
    let photos = photos.unwrap();
    assert_eq!((photos.sent, photos.error), (1, None), "the lost image is sent again by the next sync");
    assert_eq!(s.borrow().photos(), vec![image.sha256.clone()]);
}
