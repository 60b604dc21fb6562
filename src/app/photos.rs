//! Ảnh và vị trí: the changes an officer makes to a model's photos and location, and the images that go
//! with files. A photo's record entry (id, caption, SHA-256…) is a change to its model like any other:
//! saved at once, stamped by the clock rule, travelling in files; a deleted photo is a tombstone, undone in
//! one step (`Undo::DeletePhoto`). An evaluation's photos and location are given with it
//! (`App::add_evaluation`) and, like the evaluation, never edited afterwards.
//!
//! The images themselves are in the `ImageStore`, written before the records that name them:
//! `store_images` writes a file's images before its import is applied, and takes back what it wrote if the
//! store fills up half-way, so the officer is told and nothing is half-imported. `export_with_images` puts
//! the images back into an exchange file; `export_sizes` says how large the file is with and without them
//! before it is written.

use std::collections::{BTreeMap, BTreeSet};

use super::{App, AppError, Undo};
use crate::domain::evidence::{self, ImageData, Location, Photo};
use crate::domain::exchange;
use crate::domain::model::Model;
use crate::domain::time::Timestamp;
use crate::storage::images::ImageStore;
use crate::storage::{Store, StoreError};

impl<S: Store> App<S> {
    /// Changes a live model by `edit` (which says whether it changed anything) and saves it.
    fn edit_model(&mut self, id: &str, now: Timestamp, edit: impl FnOnce(&mut Model) -> bool) -> Result<(), AppError> {
        let mut m = self.registry.get(id).filter(|m| !m.is_deleted()).cloned().ok_or(AppError::NotFound)?;
        if !edit(&mut m) {
            return Err(AppError::NotFound);
        }
        self.touch::<Model>(id);
        let by = self.author();
        self.registry.save(m, now, &by);
        self.count_unexported(1);
        self.persist(now)
    }

    /// Adds a photo (its image already in the image store) to a model.
    pub fn add_model_photo(&mut self, model_id: &str, photo: &Photo, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        self.edit_model(model_id, now, |m| evidence::add_photo(&mut m.extra, photo))
    }

    /// Deletes a model's photo (a tombstone). Returns what undoes it.
    pub fn delete_model_photo(&mut self, model_id: &str, photo_id: &str, now: Timestamp) -> Result<Undo, AppError> {
        let now = self.stamp(now);
        self.edit_model(model_id, now, |m| evidence::set_photo_deleted(&mut m.extra, photo_id, Some(now)))?;
        Ok(Undo::DeletePhoto { model_id: model_id.to_string(), photo_id: photo_id.to_string() })
    }

    /// Brings a deleted photo back, as a newer change (`undo` has stamped `now`).
    pub(super) fn undelete_photo(&mut self, model_id: &str, photo_id: &str, now: Timestamp) -> Result<(), AppError> {
        self.edit_model(model_id, now, |m| evidence::set_photo_deleted(&mut m.extra, photo_id, None))
    }

    /// Changes a photo's caption.
    pub fn set_photo_caption(&mut self, model_id: &str, photo_id: &str, caption: &str, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        self.edit_model(model_id, now, |m| evidence::set_caption(&mut m.extra, photo_id, caption, now))
    }

    /// Sets or clears where a model is.
    pub fn set_model_location(&mut self, model_id: &str, location: Option<&Location>, now: Timestamp) -> Result<(), AppError> {
        let now = self.stamp(now);
        self.edit_model(model_id, now, |m| {
            evidence::set_location(&mut m.extra, location);
            true
        })
    }

    /// The exchange file of these models with the images this device has (`images`, by SHA-256) in their
    /// photos. Returns the file and how many photos went without their image (not on this device).
    pub fn export_with_images<M: std::borrow::Borrow<Model>>(
        &self,
        models: &[M],
        images: &BTreeMap<String, Vec<u8>>,
        now: Timestamp,
    ) -> (String, usize) {
        let mut owned: Vec<Model> = models.iter().map(|m| m.borrow().clone()).collect();
        let missing = evidence::fill_images(&mut owned, |sha| images.get(sha).cloned());
        (self.export_file(&owned, now), missing)
    }

    /// How large the exchange file of these models is without photos and with them, given the size of each
    /// image on this device (by SHA-256), before anything is written.
    pub fn export_sizes<M: std::borrow::Borrow<Model>>(&self, models: &[M], image_sizes: &BTreeMap<String, u64>, now: Timestamp) -> ExportSizes {
        let without = self.export_file(models, now).len() as u64;
        let mut images = 0;
        let mut photos = 0;
        for m in models.iter().map(|m| m.borrow()) {
            for extra in std::iter::once(&m.extra).chain(m.evaluations.iter().map(|e| &e.extra)) {
                for p in evidence::live_photos(extra) {
                    if let Some(&bytes) = image_sizes.get(&p.sha256.to_ascii_lowercase()) {
                        images += evidence::base64_len(bytes);
                        photos += 1;
                    }
                }
            }
        }
        ExportSizes { without, with: without + images, photos }
    }
}

/// The size of an export, in bytes, without and with its photos' images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportSizes {
    pub without: u64,
    pub with: u64,
    /// Photos whose image this device has (what "with photos" carries).
    pub photos: usize,
}

impl ExportSizes {
    /// Does the file with photos pass the limit an exchange file may have (SPEC §4)?
    pub fn with_too_large(&self) -> bool {
        exchange::check_size(self.with).is_err()
    }
}

/// Writes the images a file brought that this device does not have yet, before the import that names them.
/// Returns how many were written. If the store refuses one (full), the ones written here are removed
/// again and the error returned: the import should then not go on as if its photos were kept.
pub async fn store_images<I: ImageStore>(store: &I, images: &[ImageData]) -> Result<usize, StoreError> {
    let mut written: Vec<&str> = Vec::new();
    for image in images {
        let result = match store.has(&image.sha256).await {
            Ok(true) => continue,
            Ok(false) => store.put(image).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            for sha in written {
                let _ = store.remove(sha).await;
            }
            return Err(e);
        }
        written.push(&image.sha256);
    }
    Ok(written.len())
}

/// The bytes of the images named, those this device has.
pub async fn load_images<I: ImageStore>(store: &I, shas: &BTreeSet<String>) -> Result<BTreeMap<String, Vec<u8>>, StoreError> {
    let mut out = BTreeMap::new();
    for sha in shas {
        if let Some((_, bytes)) = store.get(sha).await? {
            out.insert(sha.clone(), bytes);
        }
    }
    Ok(out)
}

/// The size of each stored image, by SHA-256, and their total: what Settings shows as the photos' share.
pub async fn image_sizes<I: ImageStore>(store: &I) -> Result<BTreeMap<String, u64>, StoreError> {
    Ok(store.list().await?.into_iter().collect())
}
