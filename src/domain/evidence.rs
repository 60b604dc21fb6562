//! Bằng chứng thực địa: the photos and the location on a model or an evaluation (SPEC §2 capability 11, §3,
//! §4), and the images those photos name.
//!
//! Both travel as the optional fields `photos` and `location` of version 1 of the exchange file. They are
//! kept where every app version keeps them, among a record's unknown fields (`extra`), so the file readers
//! and the stored form carry them exactly as they came (a photo or location written by a newer app, with
//! fields this one does not know, round-trips untouched). This module is their typed view: `photos` and
//! `location` read them, `add_photo`, `set_photo_deleted`, `set_caption` and `set_location` change them in
//! place, touching only the entry named.
//!
//! The image itself (`ImageData`, named by its SHA-256) is never kept in a record on the device: it lives
//! in the image store (`storage::images`), and only a file exported "with photos" carries it, as base64 in
//! the photo's `data` (`take_images` takes it out of a file's records and checks it, `fill_images` puts it
//! back for an export). A photo is deleted by a tombstone (`deleted_at`), so the deletion travels and the
//! merge's union by id cannot bring it back (`merge::union_photos`).

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::model::{Extra, Model};
use super::time::Timestamp;

/// The unknown-field key of a record's photos.
pub const PHOTOS: &str = "photos";
/// The unknown-field key of a record's location.
pub const LOCATION: &str = "location";
/// The largest image a file may carry for one photo (a photo shrunk on a phone is 100–300 KB).
pub const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;
/// The long side of a photo as the phone stores it (SPEC §3).
pub const LONG_SIDE_PX: u32 = 1600;

/// Ảnh: one photo of a model or an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Photo {
    pub id: String,
    #[serde(default)]
    pub taken_at: Option<Timestamp>,
    #[serde(default)]
    pub caption: String,
    /// `image/jpeg` or `image/webp` (a PNG from another app is kept too).
    #[serde(default)]
    pub mime: String,
    /// The SHA-256 of the image, in lower-case hex: its key in the image store.
    #[serde(default)]
    pub sha256: String,
    /// The image as base64, only in a file exported with photos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// When its caption was last changed, so the newer caption wins a merge (an addition of this app's,
    /// kept by others as an unknown field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<Timestamp>,
    /// Set when the photo was deleted (a tombstone, so the deletion travels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Photo {
    /// A photo of an image just taken or picked on this device.
    pub fn new(id: String, taken_at: Timestamp, caption: &str, image: &ImageData) -> Photo {
        Photo {
            id,
            taken_at: Some(taken_at),
            caption: super::fold::nfc(caption.trim()),
            mime: image.mime.clone(),
            sha256: image.sha256.clone(),
            data: None,
            edited_at: None,
            deleted_at: None,
            extra: Extra::new(),
        }
    }
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

/// Vị trí: where a model is, or where a visit was made (WGS 84 degrees; accuracy in metres).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Why a location is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationProblem {
    /// Not two numbers ("16.2157, 107.2751").
    Unreadable,
    /// Latitude outside −90…90.
    LatitudeOutOfRange,
    /// Longitude outside −180…180.
    LongitudeOutOfRange,
    /// A negative or non-finite accuracy.
    BadAccuracy,
}

impl Location {
    /// A location, refused when a value is out of range or not a number.
    pub fn checked(lat: f64, lon: f64, accuracy_m: Option<f64>) -> Result<Location, LocationProblem> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(LocationProblem::LatitudeOutOfRange);
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(LocationProblem::LongitudeOutOfRange);
        }
        if accuracy_m.is_some_and(|a| !a.is_finite() || a < 0.0) {
            return Err(LocationProblem::BadAccuracy);
        }
        // Six decimals is about 0.1 m: more is noise from the sensor and only lengthens the file.
        let round = |x: f64| (x * 1e6).round() / 1e6;
        Ok(Location { lat: round(lat), lon: round(lon), accuracy_m: accuracy_m.map(|a| a.round()), extra: Extra::new() })
    }

    /// A location typed by hand: latitude then longitude, separated by a comma, a semicolon or a space
    /// ("16.2157, 107.2751", "16,2157; 107,2751", "16.2157 107.2751"); a decimal comma is read as a point.
    pub fn parse_typed(text: &str) -> Result<Location, LocationProblem> {
        let text = text.trim().replace('°', " ");
        let parts: Vec<&str> = if text.contains(';') {
            text.split(';').collect()
        } else if text.split_whitespace().count() >= 2 {
            // "16.2157, 107.2751" or "16,2157 107,2751": a comma that ends a number is a separator
            text.split_whitespace().map(|p| p.trim_end_matches(',')).filter(|p| !p.is_empty()).collect()
        } else {
            text.split(',').collect()
        };
        let [lat, lon] = parts.as_slice() else { return Err(LocationProblem::Unreadable) };
        let num = |s: &str| s.trim().replace(',', ".").parse::<f64>().map_err(|_| LocationProblem::Unreadable);
        Location::checked(num(lat)?, num(lon)?, None)
    }

    /// A `geo:` URI, which opens the phone's maps app at the point.
    pub fn geo_uri(&self) -> String {
        format!("geo:{lat},{lon}?q={lat},{lon}", lat = self.lat, lon = self.lon)
    }
}

/// The photos of a record (deleted ones too), in the order kept; an entry this version cannot read is
/// left out here and kept as it is in the record.
pub fn photos(extra: &Extra) -> Vec<Photo> {
    match extra.get(PHOTOS) {
        Some(Value::Array(list)) => list.iter().filter_map(|v| Photo::deserialize(v).ok()).collect(),
        _ => Vec::new(),
    }
}

/// The photos not deleted.
pub fn live_photos(extra: &Extra) -> Vec<Photo> {
    photos(extra).into_iter().filter(|p| !p.is_deleted()).collect()
}

/// The photo that stands for a model in a report's appendix: its own latest photo (by when it was taken),
/// else the latest of its evaluations' photos.
pub fn cover_photo(m: &Model) -> Option<Photo> {
    let latest = |list: Vec<Photo>| list.into_iter().filter(|p| !p.sha256.is_empty()).max_by(|a, b| (a.taken_at, &a.id).cmp(&(b.taken_at, &b.id)));
    latest(live_photos(&m.extra)).or_else(|| latest(m.evaluations.iter().flat_map(|e| live_photos(&e.extra)).collect()))
}

/// How many photos (not deleted) a record has, without reading each one whole.
pub fn photo_count(extra: &Extra) -> usize {
    match extra.get(PHOTOS) {
        Some(Value::Array(list)) => list.iter().filter(|p| p.get("deleted_at").is_none_or(Value::is_null)).count(),
        _ => 0,
    }
}

/// Adds a photo. False when the record holds `photos` in a shape this version does not know (not a list),
/// which is then left untouched.
pub fn add_photo(extra: &mut Extra, photo: &Photo) -> bool {
    let value = serde_json::to_value(photo).expect("a photo serialises");
    match extra.entry(PHOTOS).or_insert_with(|| Value::Array(Vec::new())) {
        Value::Array(list) => {
            list.push(value);
            true
        }
        _ => false,
    }
}

fn photo_entry<'a>(extra: &'a mut Extra, id: &str) -> Option<&'a mut serde_json::Map<String, Value>> {
    match extra.get_mut(PHOTOS) {
        Some(Value::Array(list)) => list.iter_mut().filter_map(Value::as_object_mut).find(|p| p.get("id").and_then(Value::as_str) == Some(id)),
        _ => None,
    }
}

/// Marks a photo deleted at `at`, or brings it back (`None`). False when there is no such photo.
pub fn set_photo_deleted(extra: &mut Extra, id: &str, at: Option<Timestamp>) -> bool {
    let Some(entry) = photo_entry(extra, id) else { return false };
    match at {
        Some(at) => entry.insert("deleted_at".into(), Value::String(at.to_string())),
        None => entry.remove("deleted_at"),
    };
    true
}

/// Changes a photo's caption on a device whose clock says `now`. Its `edited_at` follows the clock rule
/// (`clock::after`): never before the caption it replaces, so the edit wins the merge even on a phone
/// whose clock is behind. False when there is no such photo.
pub fn set_caption(extra: &mut Extra, id: &str, caption: &str, now: Timestamp) -> bool {
    let Some(entry) = photo_entry(extra, id) else { return false };
    let previous = entry.get("edited_at").and_then(Value::as_str).and_then(Timestamp::parse);
    entry.insert("caption".into(), Value::String(super::fold::nfc(caption.trim())));
    entry.insert("edited_at".into(), Value::String(super::clock::after(previous, now).to_string()));
    true
}

/// The record's location, if it has one this version can read.
pub fn location(extra: &Extra) -> Option<Location> {
    extra.get(LOCATION).and_then(|v| Location::deserialize(v).ok())
}

/// Sets or clears the record's location.
pub fn set_location(extra: &mut Extra, location: Option<&Location>) {
    match location {
        Some(l) => {
            extra.insert(LOCATION.into(), serde_json::to_value(l).expect("a location serialises"));
        }
        None => {
            extra.remove(LOCATION);
        }
    }
}

/// An image, as the image store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageData {
    pub sha256: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl ImageData {
    /// An image from its bytes: refused unless they are a JPEG, PNG or WebP image.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<ImageData, PhotoProblemKind> {
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(PhotoProblemKind::TooLarge);
        }
        let mime = sniff_mime(&bytes).ok_or(PhotoProblemKind::NotAnImage)?;
        Ok(ImageData { sha256: sha256_hex(&bytes), mime: mime.to_string(), bytes })
    }
}

/// The SHA-256 of some bytes in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from_digit(u32::from(b >> 4), 16).expect("a hex digit"));
        out.push(char::from_digit(u32::from(b & 15), 16).expect("a hex digit"));
    }
    out
}

/// The image type the bytes begin with (JPEG, PNG, WebP), or none.
pub fn sniff_mime(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// What was wrong with one photo's image in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoProblemKind {
    /// `data` is not base64.
    NotBase64,
    /// The bytes are not a JPEG, PNG or WebP image.
    NotAnImage,
    /// The image's SHA-256 is not the one the photo names.
    DigestMismatch,
    /// Larger than `MAX_IMAGE_BYTES`.
    TooLarge,
}

/// A photo of a file whose image was refused: the photo is kept without it (as if exported without
/// photos), and the officer is told which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoProblem {
    pub model_id: String,
    pub model_title: String,
    pub photo_id: String,
    pub kind: PhotoProblemKind,
}

/// The images a file's records carry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TakenImages {
    /// One per SHA-256, in SHA-256 order.
    pub images: Vec<ImageData>,
    pub problems: Vec<PhotoProblem>,
}

impl TakenImages {
    /// The bytes of every image.
    pub fn bytes(&self) -> usize {
        self.images.iter().map(|i| i.bytes.len()).sum()
    }
}

/// Takes the images out of records read from a file (model photos and evaluation photos): each photo's
/// `data` is removed, and its image checked (base64, an image, its SHA-256 the one the photo names; a photo
/// that names none is given the image's). The records are left as the device keeps them.
pub fn take_images(models: &mut [Model]) -> TakenImages {
    let mut images: BTreeMap<String, ImageData> = BTreeMap::new();
    let mut problems = Vec::new();
    for m in models.iter_mut() {
        let (id, title) = (m.id.clone(), m.title.clone());
        let lists = std::iter::once(&mut m.extra).chain(m.evaluations.iter_mut().map(|e| &mut e.extra));
        for extra in lists {
            let Some(Value::Array(list)) = extra.get_mut(PHOTOS) else { continue };
            for entry in list.iter_mut().filter_map(Value::as_object_mut) {
                let Some(data) = entry.remove("data") else { continue };
                let photo_id = entry.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
                let problem = |kind| PhotoProblem { model_id: id.clone(), model_title: title.clone(), photo_id: photo_id.clone(), kind };
                let Value::String(text) = data else {
                    if !data.is_null() {
                        problems.push(problem(PhotoProblemKind::NotBase64));
                    }
                    continue;
                };
                match image_of(entry, &text) {
                    Ok(image) => {
                        images.entry(image.sha256.clone()).or_insert(image);
                    }
                    Err(kind) => problems.push(problem(kind)),
                }
            }
        }
    }
    TakenImages { images: images.into_values().collect(), problems }
}

/// The image of one photo entry's `data`, checked against the entry (which is given a SHA-256 and a type
/// when it names none).
fn image_of(entry: &mut serde_json::Map<String, Value>, data: &str) -> Result<ImageData, PhotoProblemKind> {
    // Base64 is four characters per three bytes: refuse what would be too large before decoding.
    if data.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
        return Err(PhotoProblemKind::TooLarge);
    }
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()).map_err(|_| PhotoProblemKind::NotBase64)?;
    let image = ImageData::from_bytes(bytes)?;
    match entry.get("sha256").and_then(Value::as_str) {
        Some(named) if !named.is_empty() => {
            if !named.eq_ignore_ascii_case(&image.sha256) {
                return Err(PhotoProblemKind::DigestMismatch);
            }
        }
        _ => {
            entry.insert("sha256".into(), Value::String(image.sha256.clone()));
        }
    }
    if entry.get("mime").and_then(Value::as_str).is_none_or(str::is_empty) {
        entry.insert("mime".into(), Value::String(image.mime.clone()));
    }
    Ok(image)
}

/// The SHA-256s of the images the records' photos (not deleted) name: what an export with photos carries.
pub fn image_refs<'a>(models: impl IntoIterator<Item = &'a Model>) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for m in models {
        for extra in std::iter::once(&m.extra).chain(m.evaluations.iter().map(|e| &e.extra)) {
            for p in live_photos(extra) {
                if !p.sha256.is_empty() {
                    refs.insert(p.sha256.to_ascii_lowercase());
                }
            }
        }
    }
    refs
}

/// Puts each photo's image (not a deleted photo's) into its `data`, for an export with photos: `image`
/// gives the bytes of an image by SHA-256, or none when this device does not have it (the photo then
/// travels as a reference only). Returns how many photos were left without their image.
pub fn fill_images(models: &mut [Model], mut image: impl FnMut(&str) -> Option<Vec<u8>>) -> usize {
    let mut missing = 0;
    let mut cache: BTreeMap<String, Option<String>> = BTreeMap::new();
    for m in models.iter_mut() {
        let lists = std::iter::once(&mut m.extra).chain(m.evaluations.iter_mut().map(|e| &mut e.extra));
        for extra in lists {
            let Some(Value::Array(list)) = extra.get_mut(PHOTOS) else { continue };
            for entry in list.iter_mut().filter_map(Value::as_object_mut) {
                if entry.get("deleted_at").is_some_and(|d| !d.is_null()) {
                    entry.remove("data");
                    continue;
                }
                let sha = entry.get("sha256").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
                let data = cache
                    .entry(sha.clone())
                    .or_insert_with(|| if sha.is_empty() { None } else { image(&sha).map(|b| base64::engine::general_purpose::STANDARD.encode(b)) })
                    .clone();
                match data {
                    Some(d) => {
                        entry.insert("data".into(), Value::String(d));
                    }
                    None => missing += 1,
                }
            }
        }
    }
    missing
}

/// How long `bytes` of image grow to as base64 in a file (with the `"data": ""` around it).
pub fn base64_len(bytes: u64) -> u64 {
    bytes.div_ceil(3) * 4 + 12
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::{model, ts};

    /// The smallest JPEG-looking bytes (the magic number and some payload): the core only sniffs.
    fn jpeg(seed: u8) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
        b.extend((0..200u32).map(|i| (i as u8).wrapping_mul(seed)));
        b
    }

    #[test]
    fn typed_locations_are_read_in_the_ways_officers_write_them_and_refused_out_of_range() {
        for text in ["16.2157, 107.2751", "16,2157; 107,2751", "16.2157 107.2751", "16.2157,107.2751", " 16.2157° 107.2751° "] {
            let l = Location::parse_typed(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!((l.lat, l.lon), (16.2157, 107.2751), "{text}");
        }
        assert_eq!(Location::parse_typed("91, 107"), Err(LocationProblem::LatitudeOutOfRange));
        assert_eq!(Location::parse_typed("-90.5, 107"), Err(LocationProblem::LatitudeOutOfRange));
        assert_eq!(Location::parse_typed("16, 180.01"), Err(LocationProblem::LongitudeOutOfRange));
        assert_eq!(Location::parse_typed("A Lưới"), Err(LocationProblem::Unreadable));
        assert_eq!(Location::parse_typed("16.2"), Err(LocationProblem::Unreadable));
        assert_eq!(Location::parse_typed("NaN, 107"), Err(LocationProblem::LatitudeOutOfRange));
        assert_eq!(Location::checked(16.0, 107.0, Some(-3.0)), Err(LocationProblem::BadAccuracy));
        let l = Location::checked(16.21571234, 107.27519876, Some(12.4)).unwrap();
        assert_eq!((l.lat, l.lon, l.accuracy_m), (16.215712, 107.275199, Some(12.0)));
        assert_eq!(Location::parse_typed("16.2157, 107.2751").unwrap().geo_uri(), "geo:16.2157,107.2751?q=16.2157,107.2751");
    }

    #[test]
    fn photos_and_location_are_read_and_changed_in_place_keeping_what_this_version_does_not_know() {
        let mut m = model("m1", "Nuôi bò");
        let image = ImageData::from_bytes(jpeg(3)).unwrap();
        let p = Photo::new("p1".into(), ts("2024-03-12T02:10:00Z"), "  Chuồng bò  ", &image);
        assert!(add_photo(&mut m.extra, &p));
        // a photo from a newer app: an unknown field, and one entry this version cannot read at all
        m.extra.get_mut(PHOTOS).unwrap().as_array_mut().unwrap().push(serde_json::json!({"id": "p2", "sha256": "ab", "future": [1]}));
        m.extra.get_mut(PHOTOS).unwrap().as_array_mut().unwrap().push(serde_json::json!({"id": 7}));
        let read = photos(&m.extra);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].caption, "Chuồng bò");
        assert_eq!(read[0].sha256, image.sha256);
        assert_eq!(read[1].extra.get("future"), Some(&serde_json::json!([1])));
        assert!(set_photo_deleted(&mut m.extra, "p1", Some(ts("2024-03-13T02:10:00Z"))));
        assert_eq!(live_photos(&m.extra).len(), 1);
        assert_eq!(photo_count(&m.extra), 2, "the unreadable entry is no deleted photo");
        assert!(set_photo_deleted(&mut m.extra, "p1", None));
        assert!(set_caption(&mut m.extra, "p2", "Nhà", ts("2024-03-15T00:00:00Z")));
        assert!(!set_caption(&mut m.extra, "nope", "x", ts("2024-03-15T00:00:00Z")));
        let list = m.extra[PHOTOS].as_array().unwrap();
        assert_eq!(list[1], serde_json::json!({"id": "p2", "sha256": "ab", "future": [1], "caption": "Nhà", "edited_at": "2024-03-15T00:00:00Z"}));
        assert_eq!(list[2], serde_json::json!({"id": 7}));
        // a phone whose clock is a year behind still stamps its edit after the caption it replaces
        assert!(set_caption(&mut m.extra, "p2", "Nhà mới", ts("2023-03-15T00:00:00Z")));
        assert_eq!(photos(&m.extra)[1].edited_at, Some(ts("2024-03-15T00:00:00.001Z")));
        // photos in a shape this version does not know are left alone
        let mut other = Extra::new();
        other.insert(PHOTOS.into(), serde_json::json!({"album": 1}));
        assert!(!add_photo(&mut other, &p));
        assert_eq!(other[PHOTOS], serde_json::json!({"album": 1}));

        let loc = Location::checked(16.2157, 107.2751, Some(12.0)).unwrap();
        set_location(&mut m.extra, Some(&loc));
        assert_eq!(m.extra[LOCATION], serde_json::json!({"lat": 16.2157, "lon": 107.2751, "accuracy_m": 12.0}));
        assert_eq!(location(&m.extra), Some(loc));
        set_location(&mut m.extra, None);
        assert_eq!(location(&m.extra), None);
        m.extra.insert(LOCATION.into(), Value::Null);
        assert_eq!(location(&m.extra), None);
    }

    #[test]
    fn images_are_taken_out_of_a_file_checked_and_put_back_for_an_export() {
        let good = ImageData::from_bytes(jpeg(3)).unwrap();
        let other = ImageData::from_bytes(jpeg(5)).unwrap();
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let mut m = model("m1", "Nuôi bò");
        m.extra.insert(
            PHOTOS.into(),
            serde_json::json!([
                {"id": "ok", "sha256": good.sha256, "mime": "image/jpeg", "data": b64(&good.bytes)},
                {"id": "no-sha", "data": b64(&other.bytes)},
                {"id": "dup", "sha256": good.sha256.to_uppercase(), "data": b64(&good.bytes)},
                {"id": "wrong-sha", "sha256": "00", "data": b64(&good.bytes)},
                {"id": "not-b64", "sha256": good.sha256, "data": "@@@"},
                {"id": "not-image", "data": b64(b"hello, world")},
                {"id": "ref-only", "sha256": other.sha256},
            ]),
        );
        let mut e = crate::domain::test_support::ev("e1", "2024-03-12", crate::domain::model::Rating::Effective);
        e.extra.insert(PHOTOS.into(), serde_json::json!([{"id": "on-eval", "data": b64(&other.bytes)}]));
        m.evaluations.push(e);
        let mut models = vec![m];
        let taken = take_images(&mut models);
        assert_eq!(taken.images.len(), 2, "one image per SHA-256");
        assert!(taken.images.contains(&good) && taken.images.contains(&other));
        let kinds: Vec<(&str, PhotoProblemKind)> = taken.problems.iter().map(|p| (p.photo_id.as_str(), p.kind)).collect();
        assert_eq!(
            kinds,
            [("wrong-sha", PhotoProblemKind::DigestMismatch), ("not-b64", PhotoProblemKind::NotBase64), ("not-image", PhotoProblemKind::NotAnImage)]
        );
        let list = models[0].extra[PHOTOS].as_array().unwrap();
        assert!(list.iter().all(|p| p.get("data").is_none()), "no image is kept in a record");
        assert_eq!(list[1]["sha256"], serde_json::json!(other.sha256), "a photo naming no SHA-256 is given its image's");
        assert_eq!(list[1]["mime"], serde_json::json!("image/jpeg"));
        assert_eq!(list.len(), 7, "every photo is kept, with or without its image");
        assert_eq!(models[0].evaluations[0].extra[PHOTOS][0]["sha256"], serde_json::json!(other.sha256));

        // back out with the images this device has; a deleted photo carries none
        assert!(set_photo_deleted(&mut models[0].extra, "dup", Some(ts("2024-03-14T02:10:00Z"))));
        let refs = image_refs(&models);
        assert!(refs.contains(&good.sha256) && refs.contains(&other.sha256));
        let have = [good.clone(), other.clone()];
        let missing = fill_images(&mut models, |sha| have.iter().find(|i| i.sha256 == sha).map(|i| i.bytes.clone()));
        // wrong-sha names "00", not-b64 is fine (names good), not-image names nothing
        assert_eq!(missing, 2);
        let list = models[0].extra[PHOTOS].as_array().unwrap();
        assert_eq!(list[0]["data"], serde_json::json!(b64(&good.bytes)));
        assert!(list[2].get("data").is_none(), "deleted");
        assert_eq!(models[0].evaluations[0].extra[PHOTOS][0]["data"], serde_json::json!(b64(&other.bytes)));
        // and read again, the same images come out
        let again = take_images(&mut models);
        assert_eq!(again.images, taken.images);
        assert!(again.problems.is_empty(), "{:?}", again.problems);
    }

    #[test]
    fn a_models_cover_photo_is_its_latest_own_photo_else_its_visits_latest() {
        let image = ImageData::from_bytes(jpeg(3)).unwrap();
        let mut m = model("m1", "Nuôi bò");
        assert_eq!(cover_photo(&m), None);
        let mut e = crate::domain::test_support::ev("e1", "2024-03-12", crate::domain::model::Rating::Effective);
        add_photo(&mut e.extra, &Photo::new("visit".into(), ts("2024-03-12T02:00:00Z"), "", &image));
        m.evaluations.push(e);
        assert_eq!(cover_photo(&m).unwrap().id, "visit");
        add_photo(&mut m.extra, &Photo::new("old".into(), ts("2024-01-01T00:00:00Z"), "", &image));
        add_photo(&mut m.extra, &Photo::new("new".into(), ts("2024-02-01T00:00:00Z"), "", &image));
        assert_eq!(cover_photo(&m).unwrap().id, "new");
        set_photo_deleted(&mut m.extra, "new", Some(ts("2024-02-02T00:00:00Z")));
        assert_eq!(cover_photo(&m).unwrap().id, "old");
    }

    #[test]
    fn an_image_is_known_by_its_magic_number_and_its_size() {
        assert_eq!(sniff_mime(&jpeg(1)), Some("image/jpeg"));
        assert_eq!(sniff_mime(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_mime(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_mime(b"GIF89a"), None);
        assert_eq!(ImageData::from_bytes(b"<svg/>".to_vec()), Err(PhotoProblemKind::NotAnImage));
        let mut big = jpeg(1);
        big.resize(MAX_IMAGE_BYTES + 1, 0);
        assert_eq!(ImageData::from_bytes(big), Err(PhotoProblemKind::TooLarge));
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(base64_len(3), 16);
        assert_eq!(base64_len(4), 20);
    }
}
