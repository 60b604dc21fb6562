//! Photos and location on models and evaluations (issue #15), through the application layer on memory
//! stores: a photo's entry travels with its model, its image goes to the image store before the records
//! that name it, an export carries the images or only their references, an import keeps the images a
//! device has, a full image store half-way through an import imports nothing, and deletes are undoable.

mod support;

use std::collections::BTreeMap;

use dvk_registry::app::{self, App, FutureChoice, Undo};
use dvk_registry::domain::evidence::{self, ImageData, Location, Photo, PhotoProblemKind};
use dvk_registry::domain::exchange;
use dvk_registry::domain::model::Rating;
use dvk_registry::storage::images::{ready, ImageStore, MemoryImageStore};
use dvk_registry::storage::{MemoryStore, StoreError};
use support::*;

/// Bytes that look like a JPEG (the core sniffs the magic number; shrinking is the browser's).
fn jpeg(seed: u8, len: usize) -> ImageData {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
    b.extend((0..len as u32).map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed)));
    ImageData::from_bytes(b).unwrap()
}

/// A device: its app (records in localStorage) and its image store (IndexedDB).
struct Device {
    app: App<MemoryStore>,
    images: MemoryImageStore,
}

fn device(name: &str) -> Device {
    Device { app: fresh_app(name), images: MemoryImageStore::new() }
}

/// Takes a photo on `d` of its model `model_id`: the image is stored first, then the record names it.
fn take_photo(d: &mut Device, model_id: &str, photo_id: &str, image: &ImageData, caption: &str, secs: i64) {
    ready(d.images.put(image)).unwrap();
    let photo = Photo::new(photo_id.into(), at(secs), caption, image);
    d.app.add_model_photo(model_id, &photo, at(secs)).unwrap();
}

/// Exports every record of `from`, with its images or without.
fn export(from: &Device, with_images: bool, secs: i64) -> String {
    let models = from.app.registry().all_models().to_vec();
    if with_images {
        let refs = evidence::image_refs(&models);
        let images = ready(app::load_images(&from.images, &refs)).unwrap();
        from.app.export_with_images(&models, &images, at(secs)).0
    } else {
        from.app.export_file(&models, at(secs))
    }
}

/// Imports a file into `to` as the exchange page does: the images first, then the records.
fn import(to: &mut Device, file: &str, secs: i64) -> Result<app::ImportPlan, StoreError> {
    let outcome = exchange::read(file.as_bytes()).unwrap();
    let plan = to.app.plan_import(outcome, "file.json".into(), at(secs));
    ready(app::store_images(&to.images, &plan.images.images))?;
    to.app.import(plan.clone(), FutureChoice::BringBack, at(secs)).unwrap();
    Ok(plan)
}

#[test]
fn a_photo_and_a_location_travel_from_one_officer_to_another_with_the_same_image() {
    let mut a = device("a");
    a.app.save_model(model("m1", "Nhà Đại đoàn kết", "a"), at(0)).unwrap();
    let image = jpeg(3, 5000);
    take_photo(&mut a, "m1", "p1", &image, "Nhà mới của hộ ông Hồ Văn A", 10);
    let here = Location::checked(16.2157, 107.2751, Some(12.0)).unwrap();
    a.app.set_model_location("m1", Some(&here), at(11)).unwrap();
    // an evaluation made on a visit, with its own photo and the place of the visit
    let on_visit = jpeg(7, 3000);
    ready(a.images.put(&on_visit)).unwrap();
    let mut e = ev("e1", "2026-01-02", Rating::Effective);
    evidence::add_photo(&mut e.extra, &Photo::new("p2".into(), at(12), "Tổ công tác tại nhà", &on_visit));
    evidence::set_location(&mut e.extra, Some(&Location::checked(16.2158, 107.2752, Some(30.0)).unwrap()));
    a.app.add_evaluation("m1", e, at(12)).unwrap();

    // the record on the device names the images, it never holds them
    let stored = a.app.registry().get("m1").unwrap().clone();
    assert!(!serde_json::to_string(&stored).unwrap().contains("\"data\""));
    assert_eq!(evidence::location(&stored.extra), Some(here.clone()));

    let file = export(&a, true, 20);
    let mut b = device("b");
    let plan = import(&mut b, &file, 21).unwrap();
    assert_eq!(plan.images.images.len(), 2);
    assert!(plan.images.problems.is_empty());
    let got = b.app.registry().get("m1").unwrap();
    let photos = evidence::live_photos(&got.extra);
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0].caption, "Nhà mới của hộ ông Hồ Văn A");
    assert_eq!(ready(b.images.get(&photos[0].sha256)).unwrap(), Some(("image/jpeg".to_string(), image.bytes.clone())));
    assert_eq!(evidence::sha256_hex(&ready(b.images.get(&image.sha256)).unwrap().unwrap().1), image.sha256, "the same SHA-256");
    assert_eq!(evidence::location(&got.extra), Some(here));
    let visit = &got.evaluations[0];
    assert_eq!(evidence::live_photos(&visit.extra)[0].sha256, on_visit.sha256);
    assert!(ready(b.images.has(&on_visit.sha256)).unwrap());
    assert_eq!(evidence::location(&visit.extra).unwrap().accuracy_m, Some(30.0));
    assert!(!serde_json::to_string(got).unwrap().contains("\"data\""), "the import keeps no image in a record");

    // importing the same file again changes nothing
    let before = b.app.registry().get("m1").unwrap().clone();
    let again = exchange::read(file.as_bytes()).unwrap();
    let plan = b.app.plan_import(again, "file.json".into(), at(22));
    assert_eq!(plan.preview.models.new + plan.preview.models.updated, 0, "{:?}", plan.preview.models);
    assert_eq!(b.app.registry().get("m1").unwrap(), &before);
}

#[test]
fn a_file_without_photos_keeps_the_images_the_device_already_has() {
    let mut a = device("a");
    a.app.save_model(model("m1", "Nuôi bò", "a"), at(0)).unwrap();
    let image = jpeg(5, 4000);
    take_photo(&mut a, "m1", "p1", &image, "Chuồng bò", 1);
    let mut b = device("b");
    import(&mut b, &export(&a, true, 2), 3).unwrap();
    // A edits the caption and sends a file without photos: B keeps the image, and the new caption
    a.app.set_photo_caption("m1", "p1", "Chuồng bò mới", at(4)).unwrap();
    let light = export(&a, false, 5);
    assert!(!light.contains("\"data\""));
    assert!(light.contains(&image.sha256), "the reference travels");
    let plan = import(&mut b, &light, 6).unwrap();
    assert!(plan.images.images.is_empty());
    let photos = evidence::live_photos(&b.app.registry().get("m1").unwrap().extra);
    assert_eq!(photos[0].caption, "Chuồng bò mới");
    assert!(ready(b.images.has(&image.sha256)).unwrap(), "the image is kept");
    // a third device that never had the image gets the reference, and can be sent the image later
    let mut c = device("c");
    import(&mut c, &light, 7).unwrap();
    assert_eq!(evidence::live_photos(&c.app.registry().get("m1").unwrap().extra).len(), 1);
    assert!(!ready(c.images.has(&image.sha256)).unwrap());
    import(&mut c, &export(&b, true, 8), 9).unwrap();
    assert!(ready(c.images.has(&image.sha256)).unwrap());
}

#[test]
fn a_full_image_store_half_way_through_an_import_imports_nothing_and_loses_nothing() {
    let mut a = device("a");
    a.app.save_model(model("m1", "Nuôi bò", "a"), at(0)).unwrap();
    a.app.save_model(model("m2", "Trồng quế", "a"), at(0)).unwrap();
    let (one, two, three) = (jpeg(3, 40_000), jpeg(5, 40_000), jpeg(9, 40_000));
    take_photo(&mut a, "m1", "p1", &one, "", 1);
    take_photo(&mut a, "m2", "p2", &two, "", 2);
    take_photo(&mut a, "m2", "p3", &three, "", 3);
    let file = export(&a, true, 4);

    // B already holds an image of its own and a record; its image store has room for two more images only
    let mut b = Device { app: fresh_app("b"), images: MemoryImageStore::with_quota(130_000) };
    b.app.save_model(model("mine", "Của tôi", "b"), at(0)).unwrap();
    let own = jpeg(11, 40_000);
    take_photo(&mut b, "mine", "own", &own, "", 1);
    let records_before = b.app.registry().all_models().to_vec();
    let outcome = exchange::read(file.as_bytes()).unwrap();
    let plan = b.app.plan_import(outcome, "file.json".into(), at(5));
    assert_eq!(ready(app::store_images(&b.images, &plan.images.images)), Err(StoreError::QuotaExceeded));
    // the images written before the store filled are taken back; B's own image is kept; no record changed
    let held: Vec<String> = ready(b.images.list()).unwrap().into_iter().map(|(sha, _)| sha).collect();
    assert_eq!(held, vec![own.sha256.clone()]);
    assert_eq!(b.app.registry().all_models(), &records_before[..]);
    // the officer frees room (or imports the records without their images): then it goes through
    let mut b = Device { app: b.app, images: MemoryImageStore::with_quota(200_000) };
    ready(b.images.put(&own)).unwrap();
    assert_eq!(ready(app::store_images(&b.images, &plan.images.images)), Ok(3));
    b.app.import(plan, FutureChoice::BringBack, at(6)).unwrap();
    assert_eq!(b.app.registry().live_count(), 3);
}

#[test]
fn bad_images_in_a_file_are_reported_one_by_one_and_their_records_still_come_in() {
    let mut a = device("a");
    a.app.save_model(model("m1", "Nuôi bò", "a"), at(0)).unwrap();
    let good = jpeg(3, 100);
    take_photo(&mut a, "m1", "good", &good, "", 1);
    let file = export(&a, true, 2);
    let b64 = |b: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    // a hand-made file: base64 that is not base64, a text file called a photo, a SHA-256 that lies
    let mut value: serde_json::Value = serde_json::from_str(&file).unwrap();
    let photos = value["models"][0]["photos"].as_array_mut().unwrap();
    photos.push(serde_json::json!({"id": "junk", "data": "not base64!"}));
    photos.push(serde_json::json!({"id": "text", "data": b64(b"just some text")}));
    photos.push(serde_json::json!({"id": "liar", "sha256": good.sha256.replace('a', "b"), "data": b64(&good.bytes)}));
    let file = serde_json::to_string(&value).unwrap();
    let mut b = device("b");
    let plan = import(&mut b, &file, 3).unwrap();
    let kinds: Vec<(&str, PhotoProblemKind)> = plan.images.problems.iter().map(|p| (p.photo_id.as_str(), p.kind)).collect();
    assert_eq!(
        kinds,
        [("junk", PhotoProblemKind::NotBase64), ("text", PhotoProblemKind::NotAnImage), ("liar", PhotoProblemKind::DigestMismatch)]
    );
    assert_eq!(ready(b.images.list()).unwrap().len(), 1, "only the good image is stored");
    assert_eq!(evidence::photos(&b.app.registry().get("m1").unwrap().extra).len(), 4, "the record and every photo entry come in");
}

#[test]
fn deleting_a_photo_is_undoable_travels_and_is_not_undone_by_an_older_copy() {
    let mut a = device("a");
    a.app.save_model(model("m1", "Nuôi bò", "a"), at(0)).unwrap();
    take_photo(&mut a, "m1", "p1", &jpeg(3, 100), "Chuồng", 1);
    let old_copy = export(&a, true, 2);
    let undo = a.app.delete_model_photo("m1", "p1", at(3)).unwrap();
    assert_eq!(undo, Undo::DeletePhoto { model_id: "m1".into(), photo_id: "p1".into() });
    assert!(evidence::live_photos(&a.app.registry().get("m1").unwrap().extra).is_empty());
    a.app.undo(&undo, at(4)).unwrap();
    assert_eq!(evidence::live_photos(&a.app.registry().get("m1").unwrap().extra).len(), 1);
    a.app.delete_model_photo("m1", "p1", at(5)).unwrap();
    // B has the older copy, edits the model meanwhile (a newer save than A's delete), then gets A's file
    let mut b = device("b");
    import(&mut b, &old_copy, 6).unwrap();
    let mut m = b.app.registry().get("m1").unwrap().clone();
    m.title = "Nuôi bò sinh sản".into();
    b.app.save_model(m, at(7)).unwrap();
    import(&mut b, &export(&a, false, 8), 9).unwrap();
    let got = b.app.registry().get("m1").unwrap();
    assert_eq!(got.title, "Nuôi bò sinh sản", "B's newer edit wins");
    assert!(evidence::live_photos(&got.extra).is_empty(), "and the deletion is not undone by B's older copy");
    // a deleted photo's image is not exported
    assert!(!export(&b, true, 10).contains("\"data\""));
}

#[test]
fn a_form_opened_before_a_photo_was_added_does_not_drop_it_on_save() {
    let mut a = device("a");
    a.app.save_model(model("m1", "Nuôi bò", "a"), at(0)).unwrap();
    let form_copy = a.app.registry().get("m1").unwrap().clone();
    take_photo(&mut a, "m1", "p1", &jpeg(3, 100), "", 1);
    let mut edited = form_copy;
    edited.title = "Nuôi bò 3B".into();
    a.app.save_model(edited, at(2)).unwrap();
    let m = a.app.registry().get("m1").unwrap();
    assert_eq!(m.title, "Nuôi bò 3B");
    assert_eq!(evidence::live_photos(&m.extra).len(), 1);
}

#[test]
fn the_size_of_an_export_is_known_with_and_without_photos_before_it_is_written() {
    let mut a = device("a");
    a.app.save_model(model("m1", "Nuôi bò", "a"), at(0)).unwrap();
    let image = jpeg(3, 30_000);
    take_photo(&mut a, "m1", "p1", &image, "", 1);
    take_photo(&mut a, "m1", "p2", &image, "the same image twice", 2);
    let models = a.app.registry().all_models().to_vec();
    let sizes: BTreeMap<String, u64> = ready(app::image_sizes(&a.images)).unwrap();
    let est = a.app.export_sizes(&models, &sizes, at(3));
    assert_eq!(est.photos, 2, "the image goes in each photo that names it");
    assert_eq!(est.without, export(&a, false, 3).len() as u64);
    let with = export(&a, true, 3).len() as u64;
    assert!(est.with.abs_diff(with) < 64, "{est:?} vs {with}");
    assert!(!est.with_too_large());
}
