//! The stored layout of the app (schema version 2) on any `Store`, and its rules:
//!
//! - `dvk.schema` holds the schema version; `dvk.settings` the officer profile and preferences;
//!   `dvk.corrupt.<millis>…` values that could not be read, kept aside; `dvk.backup.<millis>.<count>`
//!   backups (the key names the live models they hold, so listing them reads none).
//! - The registry is split in `CHUNKS` chunks of models (by a hash of the id) plus one chunk of plans and
//!   history, each encoded by `codec` under `dvk.records.<chunk>.<generation>`; `dvk.records` holds the
//!   manifest naming the current key of every chunk. A save rewrites only the chunks whose content
//!   changed (an edit on a 20,000-model registry rewrites one 64th of it) under a generation never used
//!   before, then switches the manifest: until that single write succeeds, the previous copy stays whole.
//! - A backup (taken before an import or a restore) is not a copy: the registry is saved, then the backup
//!   value is a copy of the manifest, naming the chunk keys that held the registry at that moment. A save
//!   removes the chunk keys it replaced only when neither the manifest nor any backup names them; dropping
//!   a backup removes the chunk keys that only it named. So a backup costs a few hundred units, and an
//!   import (every chunk rewritten while the backed-up ones stay) needs twice the registry, not three
//!   times. At most `BACKUPS_KEPT` are kept; a save that finds storage full drops the oldest backups, never
//!   the newest (the one taken for the import in progress), and tries again before giving up.
//!   Backups written by the previous version (the whole registry as one encoded value) still load.
//! - A value that cannot be read is copied aside and reported, never silently replaced. If it cannot even
//!   be copied (quota), the repository turns read-only so the damaged original is not overwritten.
//! - Data written by a newer schema is never overwritten by this older app (read-only, reported).
//! - A failed write (quota) leaves the last good stored copy as it was; the caller keeps its in-memory data.
//! - Older layouts migrate on load: schema 0 (plain JSON under `dvk.records`) and schema 1 (one encoded
//!   value under `dvk.records`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::codec;
use super::{Store, StoreError};
use crate::domain::model::{Extra, Model, Plan};
use crate::domain::registry::Registry;
use crate::domain::time::Timestamp;

pub const SCHEMA_KEY: &str = "dvk.schema";
pub const RECORDS_KEY: &str = "dvk.records";
pub const SETTINGS_KEY: &str = "dvk.settings";
pub const CORRUPT_PREFIX: &str = "dvk.corrupt.";
pub const BACKUP_PREFIX: &str = "dvk.backup.";
/// How many automatic backups are kept (the oldest goes first).
pub const BACKUPS_KEPT: usize = 3;
pub const SCHEMA_VERSION: u32 = 2;
/// How many chunks the models are split into.
pub const CHUNKS: u32 = 64;
const PLANS_CHUNK: &str = "p";

/// The chunk a model is stored in (FNV-1a of its id).
pub fn chunk_of(id: &str) -> String {
    chunk_name(chunk_index(id))
}

/// The number of the chunk a model is stored in (no allocation: a save computes it for every model).
fn chunk_index(id: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % CHUNKS) as usize
}

fn chunk_name(index: usize) -> String {
    format!("m{index:02}")
}

/// `dvk.records` in schema 2: the generation of each chunk; chunk `c` of generation `g` is stored under
/// `dvk.records.<c>.<g>`. `generation` is the one of the save that wrote it. A backup's value is the
/// manifest of the moment it was taken.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Manifest {
    generation: u64,
    chunks: std::collections::BTreeMap<String, u64>,
}

impl Manifest {
    /// The chunk keys it names.
    fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.chunks.iter().map(|(c, g)| chunk_key(c, *g))
    }
}

fn chunk_key(chunk: &str, generation: u64) -> String {
    format!("{RECORDS_KEY}.{chunk}.{generation}")
}

/// The generation in a chunk key (`dvk.records.<c>.<g>`).
fn generation_of(key: &str) -> Option<u64> {
    key.strip_prefix(RECORDS_KEY)?.strip_prefix('.')?.rsplit_once('.')?.1.parse().ok()
}

/// The backups among these keys, newest first: key, time and number of live models.
fn backup_list(keys: Vec<String>) -> Vec<(String, Timestamp, usize)> {
    let mut out: Vec<(String, Timestamp, usize)> = keys
        .into_iter()
        .filter_map(|k| {
            let rest = k.strip_prefix(BACKUP_PREFIX)?;
            let (ms, count) = rest.split_once('.').unwrap_or((rest, "0"));
            let at = Timestamp::from_unix_millis(ms.parse().ok()?);
            let count = count.parse().ok()?;
            Some((k, at, count))
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1));
    out
}

/// For every model chunk (empty ones included), a hash of its models' ids and change stamps.
fn fingerprints(registry: &Registry) -> std::collections::HashMap<String, u64> {
    let chunks: Vec<usize> = registry.all_models().iter().map(|m| chunk_index(&m.id)).collect();
    fingerprints_of(registry, &chunks)
}

/// `fingerprints`, given each model's chunk number.
fn fingerprints_of(registry: &Registry, chunks: &[usize]) -> std::collections::HashMap<String, u64> {
    use std::hash::{Hash, Hasher};
    let mut hashers: Vec<std::collections::hash_map::DefaultHasher> = (0..CHUNKS).map(|_| Default::default()).collect();
    for (i, m) in registry.all_models().iter().enumerate() {
        let h = &mut hashers[chunks[i]];
        m.id.hash(h);
        registry.stamp(i).hash(h);
    }
    hashers.into_iter().enumerate().map(|(c, h)| (chunk_name(c), h.finish())).collect()
}

fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// The records as stored: the registry plus the history of merge conflicts (losing versions).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredRecords {
    #[serde(default)]
    pub models: Vec<Model>,
    #[serde(default)]
    pub plans: Vec<Plan>,
    /// Versions that lost a merge, kept so nothing is lost (see `domain::merge`).
    #[serde(default)]
    pub history: Vec<Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The officer's profile and preferences on this device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub device_id: String,
    /// Saved changes since the last export (the "not exported" badge).
    #[serde(default)]
    pub unexported_changes: u32,
    #[serde(default)]
    pub last_export_at: Option<Timestamp>,
    /// The model list's last filter (URL query), which the dashboard follows.
    #[serde(default)]
    pub last_filter: String,
    #[serde(flatten)]
    pub extra: Extra,
}

impl Settings {
    /// Who a change is stamped with (`updated_by`): the officer's name if set, else the device id.
    pub fn stamp(&self) -> String {
        if self.officer.trim().is_empty() {
            self.device_id.clone()
        } else {
            format!("{} ({})", self.officer.trim(), self.device_id)
        }
    }
}

/// Something the officer must be told after loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The stored records could not be read; they were kept under this key.
    CorruptKeptAside { key: String },
    /// The stored records could not be read nor copied aside; the app will not write over them.
    CorruptLeftInPlace,
    /// The data was written by a newer version of the app; it is not overwritten.
    NewerSchema { found: u32 },
    /// Storage cannot be used; data lives only in this page.
    Unavailable,
}

/// Why saving failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    Store(StoreError),
    /// The repository will not write (see `Notice`).
    ReadOnly,
}

/// What loading found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub registry: Registry,
    pub history: Vec<Value>,
    pub notices: Vec<Notice>,
}

/// The app's data on a `Store`.
pub struct Repository<S: Store> {
    store: S,
    read_only: std::cell::Cell<bool>,
    /// What the stored chunks hold now: the manifest and a hash of each chunk's JSON.
    written: std::cell::RefCell<(Manifest, std::collections::HashMap<String, u64>)>,
    /// For each model chunk as last written or read: a fingerprint of its ids and change stamps. A chunk
    /// whose fingerprint is unchanged is not serialised again (an edit costs one chunk, not 64).
    fingerprints: std::cell::RefCell<std::collections::HashMap<String, u64>>,
    /// Each backup's manifest as read (a backup value never changes once written), so a save does not read
    /// the backups again; `None`: a backup that names no chunks (a whole value of the previous version, or
    /// unreadable).
    backup_manifests: std::cell::RefCell<std::collections::HashMap<String, Option<Manifest>>>,
}

impl<S: Store> Repository<S> {
    pub fn new(store: S) -> Repository<S> {
        Repository {
            store,
            read_only: std::cell::Cell::new(false),
            written: Default::default(),
            fingerprints: Default::default(),
            backup_manifests: Default::default(),
        }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Will saves be refused (damaged or newer data in storage)?
    pub fn is_read_only(&self) -> bool {
        self.read_only.get()
    }

    /// Reads the registry. `now` names a kept-aside copy.
    pub fn load(&self, now: Timestamp) -> Loaded {
        let mut out = Loaded::default();
        let schema = match self.store.get(SCHEMA_KEY) {
            Ok(v) => v,
            Err(_) => {
                out.notices.push(Notice::Unavailable);
                return out;
            }
        };
        let raw = match self.store.get(RECORDS_KEY) {
            Ok(Some(raw)) => raw,
            Ok(None) => return out,
            Err(_) => {
                out.notices.push(Notice::Unavailable);
                return out;
            }
        };
        let version = match schema.as_deref().map(str::trim) {
            None => 0,
            Some(v) => match v.parse::<u32>() {
                Ok(v) => v,
                Err(_) => u32::MAX,
            },
        };
        if version > SCHEMA_VERSION {
            self.read_only.set(true);
            out.notices.push(Notice::NewerSchema { found: version });
            return out;
        }
        if version == 2 {
            self.load_chunks(&raw, now, &mut out);
            return out;
        }
        let parsed: Option<StoredRecords> = match version {
            0 => serde_json::from_str(&raw).ok(),
            _ => codec::decode(&raw).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()),
        };
        match parsed {
            Some(records) => {
                out.registry = Registry::from_records(records.models, records.plans);
                out.history = records.history;
                // Migrate now; a failure leaves the old layout, which still loads next time.
                let _ = self.save(&out.registry, &out.history);
            }
            None => self.keep_aside(RECORDS_KEY, &raw, &format!("{CORRUPT_PREFIX}{}", now.unix_millis()), &mut out),
        }
        out
    }

    /// Copies an unreadable value aside (or, failing that, turns read-only) and reports it.
    fn keep_aside(&self, key: &str, raw: &str, aside: &str, out: &mut Loaded) {
        match self.store.set(aside, raw) {
            Ok(()) => {
                if key == RECORDS_KEY {
                    let _ = self.store.remove(key);
                }
                out.notices.push(Notice::CorruptKeptAside { key: aside.to_string() });
            }
            Err(_) => {
                self.read_only.set(true);
                out.notices.push(Notice::CorruptLeftInPlace);
            }
        }
    }

    fn load_chunks(&self, manifest_text: &str, now: Timestamp, out: &mut Loaded) {
        let Ok(manifest) = serde_json::from_str::<Manifest>(manifest_text) else {
            self.keep_aside(RECORDS_KEY, manifest_text, &format!("{CORRUPT_PREFIX}{}", now.unix_millis()), out);
            return;
        };
        // Each chunk's models, joined once their total is known (extending one vector chunk by chunk
        // copied the models again at every growth).
        let mut chunks: Vec<Vec<Model>> = Vec::with_capacity(manifest.chunks.len());
        let mut plans = Vec::new();
        let mut hashes = std::collections::HashMap::new();
        for (chunk, generation) in &manifest.chunks {
            let key = &chunk_key(chunk, *generation);
            let raw = match self.store.get(key) {
                Ok(Some(raw)) => raw,
                _ => continue, // a missing chunk reads as empty; nothing to keep aside
            };
            let decoded = codec::decode(&raw).ok();
            let parsed = decoded.as_ref().and_then(|b| serde_json::from_slice::<StoredRecords>(b).ok());
            match parsed {
                Some(r) => {
                    hashes.insert(chunk.clone(), content_hash(decoded.as_deref().unwrap_or_default()));
                    chunks.push(r.models);
                    plans.extend(r.plans);
                    out.history.extend(r.history);
                }
                None => self.keep_aside(key, &raw, &format!("{CORRUPT_PREFIX}{}.{chunk}", now.unix_millis()), out),
            }
        }
        let mut models = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for c in chunks {
            models.extend(c);
        }
        out.registry = Registry::from_records(models, plans);
        let mut prints = fingerprints(&out.registry);
        prints.retain(|chunk, _| hashes.contains_key(chunk));
        *self.fingerprints.borrow_mut() = prints;
        *self.written.borrow_mut() = (manifest, hashes);
    }

    /// Writes the registry: every chunk whose content changed, then the manifest. All or nothing: if a
    /// write fails, the chunks just written are removed and the previous copy is untouched. Returns the
    /// UTF-16 units written.
    pub fn save(&self, registry: &Registry, history: &[Value]) -> Result<usize, SaveError> {
        if self.read_only.get() {
            return Err(SaveError::ReadOnly);
        }
        let chunks: Vec<usize> = registry.all_models().iter().map(|m| chunk_index(&m.id)).collect();
        let prints = fingerprints_of(registry, &chunks);
        let known = self.fingerprints.borrow().clone();
        // A chunk whose models are exactly the ones last written needs no work at all.
        let changed: Vec<bool> = (0..CHUNKS as usize)
            .map(|c| {
                let name = chunk_name(c);
                known.get(&name) != prints.get(&name) || !known.contains_key(&name)
            })
            .collect();
        let mut groups: Vec<Vec<&Model>> = vec![Vec::new(); CHUNKS as usize];
        for (m, &c) in registry.all_models().iter().zip(&chunks) {
            if changed[c] {
                groups[c].push(m);
            }
        }
        let mut jsons: Vec<(String, Vec<u8>)> = groups
            .into_iter()
            .enumerate()
            .filter(|(c, _)| changed[*c])
            .map(|(c, ms)| {
                let chunk = chunk_name(c);
                let json = serde_json::to_vec(&ChunkRef { models: &ms, plans: &[], history: &[] }).expect("records serialise");
                (chunk, json)
            })
            .collect();
        let plans: Vec<&Plan> = registry.all_plans().iter().collect();
        jsons.push((PLANS_CHUNK.to_string(), serde_json::to_vec(&ChunkRef { models: &[], plans: &plans, history }).expect("records serialise")));

        let (manifest, hashes) = self.written.borrow().clone();
        let changed: Vec<(String, Vec<u8>, u64)> = jsons
            .into_iter()
            .map(|(chunk, json)| {
                let h = content_hash(&json);
                (chunk, json, h)
            })
            .filter(|(chunk, _, h)| hashes.get(chunk) != Some(h) || !manifest.chunks.contains_key(chunk))
            .collect();
        if changed.is_empty() && self.store.get(SCHEMA_KEY).ok().flatten().as_deref() == Some("2") {
            *self.fingerprints.borrow_mut() = prints;
            return Ok(0);
        }
        let stored = self.stored_manifest().map_err(SaveError::Store)?;
        let generation = self.next_generation(&manifest, stored.as_ref()).map_err(SaveError::Store)?;
        let mut next = manifest.clone();
        next.generation = generation;
        let mut new_hashes = hashes.clone();
        let mut written_keys: Vec<String> = Vec::new();
        let mut units = 0;
        for (chunk, json, h) in changed {
            let key = chunk_key(&chunk, generation);
            let text = codec::encode(&json);
            // Full: older backups go first (never the newest: it may be the one taken for this import).
            if let Err(e) = self.set_making_room(&key, &text, 1) {
                for k in &written_keys {
                    let _ = self.store.remove(k);
                }
                return Err(SaveError::Store(e));
            }
            units += text.encode_utf16().count();
            written_keys.push(key);
            next.chunks.insert(chunk.clone(), generation);
            new_hashes.insert(chunk, h);
        }
        let manifest_text = serde_json::to_string(&next).expect("manifest serialises");
        let switched = self
            .set_making_room(RECORDS_KEY, &manifest_text, 1)
            .and_then(|_| self.set_making_room(SCHEMA_KEY, &SCHEMA_VERSION.to_string(), 1));
        if let Err(e) = switched {
            for k in &written_keys {
                let _ = self.store.remove(k);
            }
            return Err(SaveError::Store(e));
        }
        *self.fingerprints.borrow_mut() = prints;
        *self.written.borrow_mut() = (next, new_hashes);
        // The chunk keys the previous manifest named (as this repository knew it and as it was stored)
        // that nobody names any more. A key a backup names stays until that backup is dropped.
        if let Some(keep) = self.referenced() {
            let before: std::collections::BTreeSet<String> = manifest.keys().chain(stored.iter().flat_map(Manifest::keys)).collect();
            for old in before.into_iter().filter(|k| !keep.contains(k)) {
                let _ = self.store.remove(&old);
            }
        }
        Ok(units + manifest_text.len())
    }

    /// The manifest under `dvk.records`, if it is one (not if the records are absent, unreadable or of an
    /// older layout).
    fn stored_manifest(&self) -> Result<Option<Manifest>, StoreError> {
        Ok(self.store.get(RECORDS_KEY)?.and_then(|raw| serde_json::from_str(&raw).ok()))
    }

    /// A generation above any written before: above this repository's, the stored manifest's, every
    /// backup's and every chunk key's (after a manifest kept aside as unreadable, the count restarts from
    /// nothing, yet backups may still name older chunks, which must never be overwritten).
    fn next_generation(&self, known: &Manifest, stored: Option<&Manifest>) -> Result<u64, StoreError> {
        let keys = self.store.keys()?;
        let mut top = known.generation.max(stored.map_or(0, |m| m.generation));
        top = keys.iter().filter_map(|k| generation_of(k)).fold(top, u64::max);
        if let Some(backups) = self.backup_manifests() {
            top = backups.iter().filter_map(|(_, m)| m.as_ref()).map(|m| m.generation).fold(top, u64::max);
        }
        Ok(top + 1)
    }

    /// Writes `key`; if storage is full, drops backups, oldest first, all but the newest `spare`, until
    /// the write succeeds or none is left to drop.
    fn set_making_room(&self, key: &str, value: &str, spare: usize) -> Result<(), StoreError> {
        let mut result = self.store.set(key, value);
        if result == Err(StoreError::QuotaExceeded) {
            let Ok(keys) = self.store.keys() else { return result };
            for (old, _, _) in backup_list(keys).into_iter().skip(spare).rev() {
                self.drop_backup(&old);
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
    fn backup_manifests(&self) -> Option<Vec<(String, Option<Manifest>)>> {
        let list = backup_list(self.store.keys().ok()?);
        let mut cache = self.backup_manifests.borrow_mut();
        cache.retain(|k, _| list.iter().any(|(b, _, _)| b == k));
        let mut out = Vec::with_capacity(list.len());
        for (key, _, _) in list {
            if !cache.contains_key(&key) {
                match self.store.get(&key) {
                    // A value of the previous version (the whole registry, encoded) is no manifest.
                    Ok(Some(raw)) => {
                        cache.insert(key.clone(), serde_json::from_str::<Manifest>(&raw).ok());
                    }
                    Ok(None) => continue,
                    Err(_) => return None,
                }
            }
            let m = cache[&key].clone();
            out.push((key, m));
        }
        Some(out)
    }

    /// Every chunk key still named: by the stored manifest, this repository's, or a backup. `None` if that
    /// cannot be known.
    fn referenced(&self) -> Option<std::collections::HashSet<String>> {
        let mut keep: std::collections::HashSet<String> = self.written.borrow().0.keys().collect();
        keep.extend(self.stored_manifest().ok()?.iter().flat_map(Manifest::keys));
        for (_, m) in self.backup_manifests()? {
            keep.extend(m.iter().flat_map(Manifest::keys));
        }
        Some(keep)
    }

    /// Removes a backup, then the chunk keys that only it named.
    fn drop_backup(&self, key: &str) {
        let named = self.backup_manifests().and_then(|list| list.into_iter().find(|(k, _)| k == key)).and_then(|(_, m)| m);
        if self.store.remove(key).is_err() {
            return;
        }
        self.backup_manifests.borrow_mut().remove(key);
        if let (Some(named), Some(keep)) = (named, self.referenced()) {
            for k in named.keys().filter(|k| !keep.contains(k)) {
                let _ = self.store.remove(&k);
            }
        }
    }

    /// Does this repository know the stored registry as it is (it wrote or read the stored manifest)?
    fn in_step(&self) -> bool {
        let schema = self.store.get(SCHEMA_KEY).ok().flatten();
        match self.store.get(RECORDS_KEY) {
            Ok(None) => self.written.borrow().0.chunks.is_empty(),
            Ok(Some(raw)) => {
                schema.as_deref().map(str::trim) == Some("2")
                    && serde_json::from_str::<Manifest>(&raw).is_ok_and(|m| m == self.written.borrow().0)
            }
            Err(_) => false,
        }
    }

    /// The settings; unreadable settings give the defaults (and are left for the next save to replace:
    /// they hold no records).
    pub fn load_settings(&self) -> Settings {
        self.store
            .get(SETTINGS_KEY)
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    }

    /// The manifest as this repository last wrote or read it, exactly in its stored form (`None` before
    /// either). Equal to the stored `dvk.records` unless someone else wrote since.
    pub fn manifest_text(&self) -> Option<String> {
        let written = self.written.borrow();
        let m = &written.0;
        (m.generation != 0 || !m.chunks.is_empty()).then(|| serde_json::to_string(m).expect("manifest serialises"))
    }

    pub fn save_settings(&self, settings: &Settings) -> Result<(), StoreError> {
        let text = serde_json::to_string(settings).map_err(|e| StoreError::Other(e.to_string()))?;
        self.store.set(SETTINGS_KEY, &text)
    }

    /// Takes a backup of `registry` (before an import or a restore): saves it (a save that finds nothing
    /// changed writes nothing), then writes the manifest of its chunks as the backup, and drops the oldest
    /// backups beyond `BACKUPS_KEPT` (with the chunks only they named). Returns its key. If the registry
    /// cannot be saved or the backup written, the caller must not go on. Cheap on the repository that last
    /// read or wrote the stored registry (the app's one repository); another first reads it, so that its
    /// save rewrites only what differs. `now` names the backup (and any value kept aside on that read).
    pub fn save_backup(&self, registry: &Registry, history: &[Value], now: Timestamp) -> Result<String, StoreError> {
        if !self.in_step() {
            let _ = self.load(now);
        }
        self.save(registry, history).map_err(|e| match e {
            SaveError::Store(e) => e,
            SaveError::ReadOnly => StoreError::Other("the stored records are read-only".into()),
        })?;
        let manifest = self.written.borrow().0.clone();
        // The key names the time and how many live models it holds, so listing backups reads no backup.
        let key = format!("{BACKUP_PREFIX}{}.{}", now.unix_millis(), registry.live_count());
        let text = serde_json::to_string(&manifest).expect("manifest serialises");
        // Full: drop older backups (never this one), then try again.
        self.set_making_room(&key, &text, 0)?;
        self.backup_manifests.borrow_mut().insert(key.clone(), Some(manifest));
        let keys = self.store.keys().unwrap_or_default();
        for (old, _, _) in backup_list(keys).into_iter().skip(BACKUPS_KEPT) {
            self.drop_backup(&old);
        }
        Ok(key)
    }

    /// The backups, newest first: key, time and number of live models.
    pub fn backups(&self) -> Vec<(String, Timestamp, usize)> {
        backup_list(self.store.keys().unwrap_or_default())
    }

    /// Reads a backup: the chunks its manifest names, or (a backup of the previous version) the whole
    /// registry as one encoded value. `None` if it is absent, unreadable or a chunk it names is missing.
    pub fn load_backup(&self, key: &str) -> Option<(Registry, Vec<Value>)> {
        let raw = self.store.get(key).ok().flatten()?;
        let records = match serde_json::from_str::<Manifest>(&raw) {
            Ok(manifest) => {
                let mut all = StoredRecords::default();
                for chunk in manifest.keys() {
                    let text = self.store.get(&chunk).ok().flatten()?;
                    let part: StoredRecords = serde_json::from_slice(&codec::decode(&text).ok()?).ok()?;
                    all.models.extend(part.models);
                    all.plans.extend(part.plans);
                    all.history.extend(part.history);
                }
                all
            }
            Err(_) => serde_json::from_slice(&codec::decode(&raw).ok()?).ok()?,
        };
        Some((Registry::from_records(records.models, records.plans), records.history))
    }

    /// Keys of values kept aside as unreadable.
    pub fn kept_aside(&self) -> Vec<String> {
        self.store
            .keys()
            .unwrap_or_default()
            .into_iter()
            .filter(|k| k.starts_with(CORRUPT_PREFIX))
            .collect()
    }
}

/// The stored text of a registry.
pub fn encode_records(registry: &Registry, history: &[Value]) -> String {
    let models: Vec<&Model> = registry.all_models().iter().collect();
    let plans: Vec<&Plan> = registry.all_plans().iter().collect();
    let json = serde_json::to_vec(&ChunkRef { models: &models, plans: &plans, history }).expect("records serialise");
    codec::encode(&json)
}

#[derive(Serialize)]
struct ChunkRef<'a> {
    models: &'a [&'a Model],
    plans: &'a [&'a Plan],
    history: &'a [Value],
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::LocalityRef;
    use crate::storage::MemoryStore;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn registry(n: usize) -> Registry {
        let models = (0..n)
            .map(|i| {
                let mut m = Model::new(format!("id-{i}"), ts("2024-01-01T00:00:00Z"), "dev");
                m.title = format!("Mô hình số {i}");
                m.locality = LocalityRef { code: Some(20101), name: "Xã A Lưới 4".into(), ..Default::default() };
                m
            })
            .collect();
        Registry::from_records(models, vec![])
    }

    /// The records sorted by id, as JSON (order in storage is not meaningful; JSON keeps failures short).
    fn records(r: &Registry) -> Vec<String> {
        let mut v: Vec<String> = r.all_models().iter().map(|m| serde_json::to_string(m).unwrap()).collect();
        v.sort();
        v
    }

    fn record_keys(store: &MemoryStore) -> Vec<String> {
        store.keys().unwrap().into_iter().filter(|k| k.starts_with("dvk.records.")).collect()
    }

    #[test]
    fn save_then_load_gives_the_same_records() {
        let repo = Repository::new(MemoryStore::new());
        let fresh = repo.load(ts("2024-01-01T00:00:00Z"));
        assert_eq!(fresh.registry.all_models().len(), 0);
        assert!(fresh.notices.is_empty());
        let r = registry(300);
        repo.save(&r, &[serde_json::json!({"lost": 1})]).unwrap();
        let back = Repository::new(repo.store);
        let loaded = back.load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(records(&loaded.registry), records(&r));
        assert_eq!(loaded.history.len(), 1);
        assert_eq!(back.store().get(SCHEMA_KEY).unwrap().as_deref(), Some("2"));
    }

    #[test]
    fn an_edit_rewrites_one_chunk_and_leaves_no_stale_keys() {
        let repo = Repository::new(MemoryStore::new());
        let mut r = registry(500);
        repo.save(&r, &[]).unwrap();
        let before = record_keys(repo.store());
        assert_eq!(before.len(), CHUNKS as usize + 1);
        let full: usize = before.iter().map(|k| repo.store().get(k).unwrap().unwrap().encode_utf16().count()).sum();
        let mut m = r.get("id-42").unwrap().clone();
        m.title = "Đã sửa".into();
        r.put(m);
        let units = repo.save(&r, &[]).unwrap();
        let after = record_keys(repo.store());
        assert_eq!(after.len(), before.len(), "the replaced chunk's old key is removed");
        let changed: Vec<&String> = after.iter().filter(|k| !before.contains(k)).collect();
        assert_eq!(changed.len(), 1, "only the edited model's chunk is rewritten: {changed:?}");
        assert!(changed[0].starts_with(&format!("dvk.records.{}.", chunk_of("id-42"))));
        assert!(units * 10 < full, "{units} units written of {full}");
        assert!(units > 0);
        assert_eq!(repo.save(&r, &[]).unwrap(), 0, "nothing changed, nothing written");
        let again = Repository::new(repo.store).load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(again.registry.get("id-42").unwrap().title, "Đã sửa");
    }

    #[test]
    fn a_replaced_registry_with_the_same_ids_is_written_whole() {
        let repo = Repository::new(MemoryStore::new());
        let r = registry(100);
        repo.save(&r, &[]).unwrap();
        // e.g. a backup restored: same ids, other content, a new Registry value
        let mut models: Vec<Model> = r.all_models().to_vec();
        for m in &mut models {
            m.title = format!("{} (khôi phục)", m.title);
        }
        let restored = Registry::from_records(models, vec![]);
        assert!(repo.save(&restored, &[]).unwrap() > 0);
        let back = Repository::new(repo.store).load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(records(&back.registry), records(&restored));
    }

    #[test]
    fn after_loading_an_edit_still_rewrites_only_its_chunk() {
        let repo = Repository::new(MemoryStore::new());
        repo.save(&registry(300), &[]).unwrap();
        let again = Repository::new(repo.store);
        let mut r = again.load(ts("2024-01-02T00:00:00Z")).registry;
        let before = record_keys(again.store());
        let mut m = r.get("id-5").unwrap().clone();
        m.title = "Sửa sau khi tải".into();
        r.put(m);
        again.save(&r, &[]).unwrap();
        let after = record_keys(again.store());
        assert_eq!(after.iter().filter(|k| !before.contains(k)).count(), 1);
        let back = Repository::new(again.store).load(ts("2024-01-03T00:00:00Z"));
        assert_eq!(back.registry.get("id-5").unwrap().title, "Sửa sau khi tải");
    }

    #[test]
    fn a_full_quota_keeps_the_last_good_copy() {
        let probe = Repository::new(MemoryStore::new());
        let small = registry(2);
        probe.save(&small, &[]).unwrap();
        let used = probe.store().used_units();
        let repo = Repository::new(MemoryStore::with_quota(used + 2000));
        repo.save(&small, &[]).unwrap();
        let keys_before = record_keys(repo.store());
        let big = registry(3000);
        assert_eq!(repo.save(&big, &[]), Err(SaveError::Store(StoreError::QuotaExceeded)));
        assert_eq!(record_keys(repo.store()), keys_before, "chunks written by the failed save are removed");
        let back = Repository::new(repo.store).load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(records(&back.registry), records(&small), "the last good copy is intact");
    }

    #[test]
    fn a_corrupted_chunk_is_kept_aside_and_the_others_load() {
        let repo = Repository::new(MemoryStore::new());
        let r = registry(200);
        repo.save(&r, &[]).unwrap();
        let victim = chunk_of("id-7");
        let key = record_keys(repo.store()).into_iter().find(|k| k.starts_with(&format!("dvk.records.{victim}."))).unwrap();
        repo.store().set(&key, "DVKZ1:10:garbage").unwrap();
        let now = ts("2024-01-02T00:00:00Z");
        let back = Repository::new(repo.store);
        let loaded = back.load(now);
        let aside = format!("{CORRUPT_PREFIX}{}.{victim}", now.unix_millis());
        assert_eq!(loaded.notices, vec![Notice::CorruptKeptAside { key: aside.clone() }]);
        assert_eq!(back.store().get(&aside).unwrap().as_deref(), Some("DVKZ1:10:garbage"));
        assert!(loaded.registry.get("id-7").is_none());
        let lost = r.all_models().iter().filter(|m| chunk_of(&m.id) == victim).count();
        assert_eq!(loaded.registry.all_models().len(), 200 - lost, "every other chunk loads");
        assert!(!back.is_read_only());
    }

    #[test]
    fn a_corrupted_manifest_is_kept_aside_and_reported() {
        let store = MemoryStore::new();
        store.set(SCHEMA_KEY, "2").unwrap();
        store.set(RECORDS_KEY, "{not a manifest").unwrap();
        let repo = Repository::new(store);
        let now = ts("2024-01-02T00:00:00Z");
        let loaded = repo.load(now);
        let key = format!("{CORRUPT_PREFIX}{}", now.unix_millis());
        assert_eq!(loaded.notices, vec![Notice::CorruptKeptAside { key: key.clone() }]);
        assert_eq!(repo.store().get(&key).unwrap().as_deref(), Some("{not a manifest"));
        assert_eq!(repo.kept_aside(), vec![key]);
    }

    #[test]
    fn a_corrupted_value_that_cannot_be_copied_is_never_overwritten() {
        let junk = "DVKZ1:10:".to_string() + &"x".repeat(100);
        let store = MemoryStore::with_quota(200);
        store.set(SCHEMA_KEY, "1").unwrap();
        store.set(RECORDS_KEY, &junk).unwrap();
        let repo = Repository::new(store);
        let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(loaded.notices, vec![Notice::CorruptLeftInPlace]);
        assert_eq!(repo.save(&registry(1), &[]), Err(SaveError::ReadOnly));
        assert_eq!(repo.store().get(RECORDS_KEY).unwrap(), Some(junk));
    }

    #[test]
    fn newer_schema_is_not_overwritten() {
        let store = MemoryStore::new();
        store.set(SCHEMA_KEY, "7").unwrap();
        store.set(RECORDS_KEY, "whatever v7 writes").unwrap();
        let repo = Repository::new(store);
        let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(loaded.notices, vec![Notice::NewerSchema { found: 7 }]);
        assert_eq!(repo.save(&registry(1), &[]), Err(SaveError::ReadOnly));
        assert_eq!(repo.store().get(RECORDS_KEY).unwrap().as_deref(), Some("whatever v7 writes"));
    }

    #[test]
    fn schema_0_plain_json_is_migrated() {
        let r = registry(3);
        let plain = serde_json::json!({"models": r.all_models(), "plans": []}).to_string();
        let store = MemoryStore::new();
        store.set(RECORDS_KEY, &plain).unwrap();
        let repo = Repository::new(store);
        let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(records(&loaded.registry), records(&r));
        assert_eq!(repo.store().get(SCHEMA_KEY).unwrap().as_deref(), Some("2"));
        let again = Repository::new(repo.store).load(ts("2024-01-03T00:00:00Z"));
        assert_eq!(records(&again.registry), records(&r));
    }

    #[test]
    fn schema_1_single_value_is_migrated() {
        let r = registry(40);
        let store = MemoryStore::new();
        store.set(SCHEMA_KEY, "1").unwrap();
        store.set(RECORDS_KEY, &encode_records(&r, &[serde_json::json!({"h": 1})])).unwrap();
        let repo = Repository::new(store);
        let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(records(&loaded.registry), records(&r));
        assert_eq!(repo.store().get(SCHEMA_KEY).unwrap().as_deref(), Some("2"));
        let again = Repository::new(repo.store).load(ts("2024-01-03T00:00:00Z"));
        assert_eq!(records(&again.registry), records(&r));
        assert_eq!(again.history.len(), 1);
    }

    #[test]
    fn backups_keep_the_newest_few_and_restore() {
        let repo = Repository::new(MemoryStore::new());
        for i in 0..5 {
            let at = Timestamp::from_unix_millis(1_700_000_000_000 + i * 1000);
            repo.save_backup(&registry(i as usize + 1), &[], at).unwrap();
        }
        let list = repo.backups();
        assert_eq!(list.len(), BACKUPS_KEPT);
        assert!(list[0].1 > list[1].1, "newest first");
        let (r, _) = repo.load_backup(&list[0].0).unwrap();
        assert_eq!(r.all_models().len(), 5);
        assert_eq!(list[0].2, 5, "the listing knows the count without reading the backup");
        assert!(repo.load_backup("dvk.backup.nothing").is_none());
    }

    #[test]
    fn a_backup_that_does_not_fit_is_refused() {
        let repo = Repository::new(MemoryStore::with_quota(50));
        let r = registry(50);
        assert_eq!(repo.save_backup(&r, &[], ts("2024-01-01T00:00:00Z")), Err(StoreError::QuotaExceeded));
        assert!(repo.backups().is_empty());
    }

    /// `n` models that compress about as badly as real ones (a pseudo-random description each), so chunk
    /// sizes dwarf the manifests in quota arithmetic.
    fn noisy_registry(n: usize) -> Registry {
        let models = (0..n)
            .map(|i| {
                let mut m = Model::new(format!("id-{i}"), ts("2024-01-01T00:00:00Z"), "dev");
                m.title = format!("Mô hình số {i}");
                let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                m.description = (0..12)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        format!("{x:016x}")
                    })
                    .collect();
                m
            })
            .collect();
        Registry::from_records(models, vec![])
    }

    /// Every model edited on this device at `at` (as a full import that changes every chunk would).
    fn edit_all(r: &Registry, at: &str) -> Registry {
        let mut out = r.clone();
        for m in r.all_models() {
            out.save(m.clone(), ts(at), "dev");
        }
        out
    }

    fn edit_one(r: &mut Registry, id: &str, title: &str) {
        let mut m = r.get(id).unwrap().clone();
        m.title = title.into();
        r.put(m);
    }

    fn at(i: i64) -> Timestamp {
        Timestamp::from_unix_millis(1_700_000_000_000 + i * 1000)
    }

    /// Every chunk key the stored manifest or a stored backup names.
    fn named_keys(store: &MemoryStore) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for k in store.keys().unwrap() {
            if k == RECORDS_KEY || k.starts_with(BACKUP_PREFIX) {
                if let Ok(m) = serde_json::from_str::<Manifest>(&store.get(&k).unwrap().unwrap()) {
                    out.extend(m.keys());
                }
            }
        }
        out
    }

    fn stored_keys(store: &MemoryStore) -> std::collections::BTreeSet<String> {
        record_keys(store).into_iter().collect()
    }

    #[test]
    fn a_backup_copies_no_chunk() {
        let repo = Repository::new(MemoryStore::new());
        let r = noisy_registry(500);
        repo.save(&r, &[]).unwrap();
        let keys = record_keys(repo.store());
        let used = repo.store().used_units();
        let key = repo.save_backup(&r, &[], at(1)).unwrap();
        let value = repo.store().get(&key).unwrap().unwrap();
        let grown = repo.store().used_units() - used;
        assert_eq!(grown, key.encode_utf16().count() + value.encode_utf16().count(), "only the backup's own value");
        assert!(grown < 1_000, "a backup of {used} units costs {grown}: the manifest, whatever the size");
        assert_eq!(record_keys(repo.store()), keys, "no chunk written or removed");
        let (b, _) = repo.load_backup(&key).unwrap();
        assert_eq!(records(&b), records(&r));
    }

    #[test]
    fn a_backup_saves_unsaved_changes_first() {
        let repo = Repository::new(MemoryStore::new());
        let mut r = registry(200);
        repo.save(&r, &[]).unwrap();
        edit_one(&mut r, "id-3", "Chưa lưu");
        let history = [serde_json::json!({"lost": 1})];
        let key = repo.save_backup(&r, &history, at(1)).unwrap();
        let (b, h) = repo.load_backup(&key).unwrap();
        assert_eq!(b.get("id-3").unwrap().title, "Chưa lưu");
        assert_eq!(h.len(), 1);
        let loaded = Repository::new(repo.store).load(at(2));
        assert_eq!(records(&loaded.registry), records(&r), "the change is saved as well");
    }

    #[test]
    fn after_a_backup_and_an_edit_the_backup_keeps_the_old_content() {
        let repo = Repository::new(MemoryStore::new());
        let old = registry(300);
        repo.save(&old, &[]).unwrap();
        let key = repo.save_backup(&old, &[], at(1)).unwrap();
        let mut new = old.clone();
        edit_one(&mut new, "id-42", "Đã sửa");
        repo.save(&new, &[serde_json::json!({"lost": 1})]).unwrap();
        // the edited chunk and the plans chunk have a new key each; the backup keeps their old ones
        assert_eq!(record_keys(repo.store()).len(), CHUNKS as usize + 1 + 2);
        assert_eq!(stored_keys(repo.store()), named_keys(repo.store()));
        let (b, h) = repo.load_backup(&key).unwrap();
        assert_eq!(records(&b), records(&old));
        assert!(h.is_empty());
        let again = Repository::new(repo.store);
        let loaded = again.load(at(2));
        assert!(loaded.notices.is_empty(), "kept chunks are neither stray nor corrupt: {:?}", loaded.notices);
        assert_eq!(records(&loaded.registry), records(&new));
        assert_eq!(loaded.history.len(), 1);
        // a repository that only loaded keeps them too
        edit_one(&mut new, "id-42", "Sửa lần hai");
        again.save(&new, &[]).unwrap();
        assert_eq!(records(&again.load_backup(&key).unwrap().0), records(&old));
        assert_eq!(stored_keys(again.store()), named_keys(again.store()));
    }

    #[test]
    fn rotating_backups_out_removes_exactly_the_chunks_nobody_names() {
        let repo = Repository::new(MemoryStore::new());
        let mut r = registry(400);
        repo.save(&r, &[]).unwrap();
        let mut taken: Vec<(String, Vec<String>)> = Vec::new();
        for i in 0..12 {
            let key = repo.save_backup(&r, &[], at(i)).unwrap();
            taken.push((key, records(&r)));
            for j in 0..3 {
                edit_one(&mut r, &format!("id-{}", (i * 37 + j * 101) % 400), &format!("Lần {i}.{j}"));
            }
            repo.save(&r, &[]).unwrap();
            let list = repo.backups();
            assert_eq!(list.len(), (i as usize + 1).min(BACKUPS_KEPT));
            for (key, content) in &taken[taken.len() - list.len()..] {
                assert!(list.iter().any(|(k, _, _)| k == key), "the newest are kept");
                assert_eq!(&records(&repo.load_backup(key).unwrap().0), content, "{key} still loads as taken");
            }
            for (key, _) in &taken[..taken.len() - list.len()] {
                assert!(repo.store().get(key).unwrap().is_none(), "{key} rotated out");
            }
            assert_eq!(stored_keys(repo.store()), named_keys(repo.store()), "cycle {i}: no chunk leaks, none named is gone");
        }
        // the current 65, plus at most 4 older chunk keys (3 edited chunks and the plans chunk) per backup
        let n = record_keys(repo.store()).len();
        assert!(n <= CHUNKS as usize + 1 + BACKUPS_KEPT * 4, "{n} chunk keys");
        assert_eq!(records(&Repository::new(repo.store).load(at(99)).registry), records(&r));
    }

    /// The units a registry takes when stored alone.
    fn alone(r: &Registry) -> usize {
        let probe = Repository::new(MemoryStore::new());
        probe.save(r, &[]).unwrap();
        probe.store().used_units()
    }

    #[test]
    fn a_full_import_fits_in_twice_the_registry_and_can_be_undone() {
        let r0 = noisy_registry(1500);
        let size = alone(&r0);
        let repo = Repository::new(MemoryStore::with_quota(size * 21 / 10));
        repo.save(&r0, &[]).unwrap();
        // an import: backup, then every chunk rewritten while the backed-up ones stay
        let b1 = repo.save_backup(&r0, &[], at(1)).unwrap();
        let r1 = edit_all(&r0, "2024-02-01T00:00:00Z");
        repo.save(&r1, &[]).unwrap();
        assert_eq!(records(&repo.load_backup(&b1).unwrap().0), records(&r0));
        // a second import: the first backup holds a whole older generation, so the save drops it for room
        let b2 = repo.save_backup(&r1, &[], at(2)).unwrap();
        let r2 = edit_all(&r1, "2024-03-01T00:00:00Z");
        repo.save(&r2, &[]).unwrap();
        let list: Vec<String> = repo.backups().into_iter().map(|b| b.0).collect();
        assert_eq!(list, vec![b2.clone()], "the older backup made room; the one taken for this import stays");
        assert_eq!(records(&repo.load_backup(&b2).unwrap().0), records(&r1));
        assert_eq!(stored_keys(repo.store()), named_keys(repo.store()));
        // undo it as the exchange page does: read the backup, back up what is there, save the backup's content
        let (restored, history) = repo.load_backup(&b2).unwrap();
        let b3 = repo.save_backup(&r2, &[], at(3)).unwrap();
        repo.save(&restored, &history).unwrap();
        assert_eq!(records(&repo.load_backup(&b3).unwrap().0), records(&r2), "the undo can itself be undone");
        assert_eq!(stored_keys(repo.store()), named_keys(repo.store()));
        let loaded = Repository::new(repo.store).load(at(4));
        assert!(loaded.notices.is_empty());
        assert_eq!(records(&loaded.registry), records(&r1));
    }

    #[test]
    fn a_full_import_without_twice_the_room_fails_cleanly() {
        let r0 = noisy_registry(1500);
        let size = alone(&r0);
        let store = MemoryStore::with_quota(size * 19 / 10);
        let repo = Repository::new(&store);
        repo.save(&r0, &[]).unwrap();
        let b1 = repo.save_backup(&r0, &[], at(1)).unwrap();
        let keys = record_keys(&store);
        let r1 = edit_all(&r0, "2024-02-01T00:00:00Z");
        assert_eq!(repo.save(&r1, &[]), Err(SaveError::Store(StoreError::QuotaExceeded)));
        assert_eq!(record_keys(&store), keys, "the chunks written by the failed save are removed");
        assert_eq!(repo.backups().len(), 1, "the backup taken for the import is never dropped");
        assert_eq!(records(&repo.load_backup(&b1).unwrap().0), records(&r0));
        assert_eq!(records(&Repository::new(&store).load(at(2)).registry), records(&r0), "the last good copy is intact");
        // and the repository goes on: an ordinary edit still saves
        let mut small = r0.clone();
        edit_one(&mut small, "id-9", "Vẫn lưu được");
        repo.save(&small, &[]).unwrap();
        assert_eq!(Repository::new(&store).load(at(3)).registry.get("id-9").unwrap().title, "Vẫn lưu được");
        assert_eq!(records(&repo.load_backup(&b1).unwrap().0), records(&r0));
    }

    #[test]
    fn backups_of_the_previous_version_still_load_and_rotate_out() {
        let repo = Repository::new(MemoryStore::new());
        let history = [serde_json::json!({"h": 1})];
        for i in 0..3 {
            let r = registry(10 + i);
            let key = format!("{BACKUP_PREFIX}{}.{}", at(i as i64).unix_millis(), r.live_count());
            repo.store().set(&key, &encode_records(&r, &history)).unwrap();
        }
        let (r, h) = repo.load_backup(&format!("{BACKUP_PREFIX}{}.11", at(1).unix_millis())).unwrap();
        assert_eq!(records(&r), records(&registry(11)));
        assert_eq!(h.len(), 1);
        let current = registry(50);
        repo.save(&current, &[]).unwrap();
        let key = repo.save_backup(&current, &[], at(5)).unwrap();
        let list: Vec<usize> = repo.backups().into_iter().map(|b| b.2).collect();
        assert_eq!(list, vec![50, 12, 11], "the oldest old-style backup rotated out");
        assert_eq!(records(&repo.load_backup(&key).unwrap().0), records(&current));
        let mut next = current.clone();
        edit_one(&mut next, "id-1", "Mới");
        repo.save(&next, &[]).unwrap();
        assert_eq!(stored_keys(repo.store()), named_keys(repo.store()));
        assert_eq!(records(&repo.load_backup(&key).unwrap().0), records(&current));
    }

    #[test]
    fn a_damaged_backup_gives_none() {
        let repo = Repository::new(MemoryStore::new());
        let r = registry(100);
        repo.save(&r, &[]).unwrap();
        let key = repo.save_backup(&r, &[], at(1)).unwrap();
        let manifest: Manifest = serde_json::from_str(&repo.store().get(&key).unwrap().unwrap()).unwrap();
        let chunk = manifest.keys().next().unwrap();
        // a chunk it names is damaged, then missing
        let good = repo.store().get(&chunk).unwrap().unwrap();
        repo.store().set(&chunk, "DVKZ1:10:garbage").unwrap();
        assert!(repo.load_backup(&key).is_none());
        repo.store().remove(&chunk).unwrap();
        assert!(repo.load_backup(&key).is_none());
        repo.store().set(&chunk, &good).unwrap();
        assert!(repo.load_backup(&key).is_some());
        // its own value damaged
        for junk in ["{\"generation\": 3, \"chunks\": {\"m00\": ", "{not json", "", "DVKZ1:10:garbage", "{\"generation\":1,\"chunks\":{\"m00\":99}}"] {
            repo.store().set(&key, junk).unwrap();
            assert!(repo.load_backup(&key).is_none(), "{junk:?}");
        }
    }

    #[test]
    fn a_second_repository_backs_up_without_rewriting() {
        // as a page part (or another tab) that did not load the registry itself
        let store = MemoryStore::new();
        let first = Repository::new(&store);
        let mut r = registry(300);
        first.save(&r, &[]).unwrap();
        let keys = record_keys(&store);
        let other = Repository::new(&store);
        let key = other.save_backup(&r, &[], at(1)).unwrap();
        assert_eq!(record_keys(&store), keys, "it reads the stored registry and finds nothing to write");
        edit_one(&mut r, "id-8", "Sau sao lưu");
        first.save(&r, &[]).unwrap();
        assert_eq!(records(&other.load_backup(&key).unwrap().0), records(&registry(300)));
        assert_eq!(stored_keys(&store), named_keys(&store));
    }

    #[test]
    fn chunks_a_backup_names_are_never_overwritten_after_the_manifest_is_lost() {
        let store = MemoryStore::new();
        let repo = Repository::new(&store);
        let r = registry(100);
        repo.save(&r, &[]).unwrap();
        let key = repo.save_backup(&r, &[], at(1)).unwrap();
        store.set(RECORDS_KEY, "{damaged").unwrap();
        let fresh = Repository::new(&store);
        let loaded = fresh.load(at(2));
        assert_eq!(loaded.notices.len(), 1, "{:?}", loaded.notices);
        fresh.save(&registry(3), &[]).unwrap();
        assert_eq!(records(&fresh.load_backup(&key).unwrap().0), records(&r), "the backup's chunks were not overwritten");
        assert_eq!(records(&Repository::new(&store).load(at(3)).registry), records(&registry(3)));
    }

    #[test]
    fn the_manifest_text_is_what_is_stored_after_a_save_and_after_a_load() {
        let store = MemoryStore::new();
        let repo = Repository::new(&store);
        assert_eq!(repo.manifest_text(), None);
        repo.save(&registry(30), &[]).unwrap();
        let stored = store.get(RECORDS_KEY).unwrap();
        assert!(stored.is_some());
        assert_eq!(repo.manifest_text(), stored);
        let other = Repository::new(&store);
        let _ = other.load(ts("2024-01-01T00:00:00Z"));
        assert_eq!(other.manifest_text(), stored, "read back in the same form");
        // someone else saves: the first repository's text no longer matches what is stored
        let mut r = registry(30);
        let mut m = r.all_models()[0].clone();
        m.title = "Khác".into();
        r.put(m);
        other.save(&r, &[]).unwrap();
        assert_ne!(repo.manifest_text(), store.get(RECORDS_KEY).unwrap());
    }

    #[test]
    fn settings_round_trip_and_bad_settings_give_defaults() {
        let repo = Repository::new(MemoryStore::new());
        assert_eq!(repo.load_settings(), Settings::default());
        let s = Settings { lang: "en".into(), officer: "Nguyễn Văn A".into(), device_id: "dev1".into(), ..Default::default() };
        repo.save_settings(&s).unwrap();
        assert_eq!(repo.load_settings(), s);
        assert_eq!(s.stamp(), "Nguyễn Văn A (dev1)");
        repo.store().set(SETTINGS_KEY, "{not json").unwrap();
        assert_eq!(repo.load_settings(), Settings::default());
    }
}
