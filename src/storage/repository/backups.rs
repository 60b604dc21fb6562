//! Backups (taken before every import and restore) and making room when storage is full.
//!
//! A backup is not a copy: its value is the manifest of the moment it was taken, naming the chunk keys that
//! held the registry then. A save removes the chunk keys it replaced only when neither the manifest nor any
//! backup names them; dropping a backup removes the chunk keys that only it named. So a backup costs a few
//! hundred units, and an import (every chunk rewritten while the backed-up ones stay) needs twice the
//! registry, not three times. At most `BACKUPS_KEPT` are kept. A save that finds storage full drops the
//! oldest backups (never the newest: it may be the one taken for the import in progress) and tries again;
//! the backups it dropped are reported so the officer is told. Backups written by an earlier version (the
//! whole registry as one encoded value) still load.

use super::*;

/// How many automatic backups are kept (the oldest goes first).
pub const BACKUPS_KEPT: usize = 3;

impl<S: Store> Repository<S> {
    /// Writes `key`; if storage is full, drops backups, oldest first, all but the newest `spare`, until the
    /// write succeeds or none is left to drop. The dropped ones are added to `dropped`.
    pub(super) fn set_making_room(&mut self, key: &str, value: &str, spare: usize, dropped: &mut Vec<BackupInfo>) -> Result<(), StoreError> {
        self.set_making_room_except(key, value, spare, None, dropped)
    }

    /// `set_making_room`, never dropping the backup `protect`.
    fn set_making_room_except(&mut self, key: &str, value: &str, spare: usize, protect: Option<&str>, dropped: &mut Vec<BackupInfo>) -> Result<(), StoreError> {
        let mut result = self.store.set(key, value);
        if result == Err(StoreError::QuotaExceeded) {
            let Ok(keys) = self.store.keys() else { return result };
            for old in backup_list(keys).into_iter().skip(spare).rev().filter(|b| Some(b.key.as_str()) != protect) {
                if self.drop_backup(&old.key) {
                    dropped.push(old);
                }
                result = self.store.set(key, value);
                if result != Err(StoreError::QuotaExceeded) {
                    break;
                }
            }
        }
        result
    }

    /// Every backup's manifest (newest first), each read once. `None` if the backups cannot be listed or
    /// one cannot be read: then what they name is unknown, and no chunk may be removed.
    pub(super) fn backup_manifests(&mut self) -> Option<Vec<(String, Option<Manifest>)>> {
        let list = backup_list(self.store.keys().ok()?);
        self.backup_manifests.retain(|k, _| list.iter().any(|b| &b.key == k));
        let mut out = Vec::with_capacity(list.len());
        for b in list {
            if !self.backup_manifests.contains_key(&b.key) {
                match self.store.get(&b.key) {
                    // A value of the previous version (the whole registry, encoded) is no manifest.
                    Ok(Some(raw)) => {
                        self.backup_manifests.insert(b.key.clone(), Manifest::parse(&raw));
                    }
                    Ok(None) => continue,
                    Err(_) => return None,
                }
            }
            let m = self.backup_manifests[&b.key].clone();
            out.push((b.key, m));
        }
        Some(out)
    }

    /// Removes a backup, then the chunk keys that only it named. Returns whether it was removed.
    fn drop_backup(&mut self, key: &str) -> bool {
        let named = self.backup_manifests().and_then(|list| list.into_iter().find(|(k, _)| k == key)).and_then(|(_, m)| m);
        if self.store.remove(key).is_err() {
            return false;
        }
        self.backup_manifests.remove(key);
        if let (Some(named), Some(keep)) = (named, self.referenced()) {
            for k in named.keys().filter(|k| !keep.contains(k)) {
                let _ = self.store.remove(&k);
            }
        }
        true
    }

    /// Takes a backup of what storage holds now, as this repository last read or wrote it (the caller saves
    /// first): writes the manifest as the backup, then drops the oldest backups beyond `BACKUPS_KEPT`. Works
    /// on damaged records too (the backup names the chunks as they are). Refused when this repository is not
    /// in step with storage (the caller reloads and merges first) or the data is of a newer schema. Making
    /// room never drops `protect` (the backup a restore is about to bring back).
    pub fn write_backup(&mut self, now: Timestamp, live_models: usize, protect: Option<&str>) -> Result<(String, Vec<BackupInfo>), SaveError> {
        if matches!(self.read_only, Some(ReadOnly::NewerSchema | ReadOnly::CorruptInPlace)) {
            return Err(SaveError::ReadOnly(self.read_only.expect("set")));
        }
        if !self.in_step() {
            return Err(SaveError::Stale);
        }
        let manifest = self.known.clone().unwrap_or_default();
        // Never earlier than the newest backup (the clock rule): the newest by time is the one taken last,
        // which making room and pruning keep, even after the device's clock was set back.
        let newest = backup_list(self.store.keys().unwrap_or_default()).first().map(|b| b.at);
        let key = backup_key(crate::domain::clock::after(newest, now), live_models);
        let mut dropped = Vec::new();
        // Full: drop older backups (never this one), then try again.
        self.set_making_room_except(&key, &manifest.to_text(), 0, protect, &mut dropped)?;
        self.backup_manifests.insert(key.clone(), Some(manifest));
        // The oldest beyond `BACKUPS_KEPT` go, never this one nor `protect`: after the clock was set back,
        // the backup just taken has the oldest time of all.
        let list = backup_list(self.store.keys().unwrap_or_default());
        let excess = list.len().saturating_sub(BACKUPS_KEPT);
        let old: Vec<BackupInfo> =
            list.into_iter().rev().filter(|b| b.key != key && Some(b.key.as_str()) != protect).take(excess).collect();
        for b in old {
            self.drop_backup(&b.key);
        }
        Ok((key, dropped))
    }

    /// Saves `registry` (a save that finds nothing changed writes nothing), then takes a backup of it.
    pub fn save_backup(&mut self, registry: &Registry, history: &History, now: Timestamp) -> Result<String, SaveError> {
        self.save(registry, history)?;
        Ok(self.write_backup(now, registry.live_count(), None)?.0)
    }

    /// The backups, newest first.
    pub fn backups(&self) -> Vec<BackupInfo> {
        backup_list(self.store.keys().unwrap_or_default())
    }

    /// Reads a backup: the chunks its manifest names, or (a backup of the previous version) the whole
    /// registry as one encoded value. `None` if it is absent, unreadable or a chunk it names is missing.
    pub fn load_backup(&self, key: &str) -> Option<(Registry, History)> {
        let raw = self.store.get(key).ok().flatten()?;
        let records = match Manifest::parse(&raw) {
            Some(manifest) => {
                let mut all = StoredRecords::default();
                for chunk in manifest.record_keys() {
                    let text = self.store.get(&chunk).ok().flatten()?;
                    let part: StoredRecords = parse_chunk(&codec::decode(&text).ok()?)?;
                    all.models.extend(part.models);
                    all.plans.extend(part.plans);
                    all.history.merge_from(&part.history);
                }
                all
            }
            None => parse_chunk(&codec::decode(&raw).ok()?)?,
        };
        Some((Registry::from_records(records.models, records.plans), records.history))
    }
}
