//! The stored layout of the app (schema version 2) on any `Store`, and its rules:
//!
//! - `dvk.schema` holds the schema version; `dvk.settings` the officer profile and preferences;
//!   `dvk.corrupt.<millis>…` values that could not be read, kept aside; `dvk.backup.<millis>` backups.
//! - The registry is split in `CHUNKS` chunks of models (by a hash of the id) plus one chunk of plans and
//!   history, each encoded by `codec` under `dvk.records.<chunk>.<generation>`; `dvk.records` holds the
//!   manifest naming the current key of every chunk. A save rewrites only the chunks whose content
//!   changed (an edit on a 20,000-model registry rewrites one 64th of it), then switches the manifest:
//!   until that single write succeeds, the previous copy stays whole.
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
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("m{:02}", h % CHUNKS)
}

/// `dvk.records` in schema 2: the generation of each chunk; chunk `c` of generation `g` is stored under
/// `dvk.records.<c>.<g>`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Manifest {
    generation: u64,
    chunks: std::collections::BTreeMap<String, u64>,
}

fn chunk_key(chunk: &str, generation: u64) -> String {
    format!("{RECORDS_KEY}.{chunk}.{generation}")
}

/// For every model chunk (empty ones included), a hash of its models' ids and change stamps.
fn fingerprints(registry: &Registry) -> std::collections::HashMap<String, u64> {
    use std::hash::{Hash, Hasher};
    let mut hashers: std::collections::BTreeMap<String, std::collections::hash_map::DefaultHasher> =
        (0..CHUNKS).map(|c| (format!("m{c:02}"), Default::default())).collect();
    for (i, m) in registry.all_models().iter().enumerate() {
        let h = hashers.entry(chunk_of(&m.id)).or_default();
        m.id.hash(h);
        registry.stamp(i).hash(h);
    }
    hashers.into_iter().map(|(c, h)| (c, h.finish())).collect()
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
}

impl<S: Store> Repository<S> {
    pub fn new(store: S) -> Repository<S> {
        Repository { store, read_only: std::cell::Cell::new(false), written: Default::default(), fingerprints: Default::default() }
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
        let mut models = Vec::new();
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
                    models.extend(r.models);
                    plans.extend(r.plans);
                    out.history.extend(r.history);
                }
                None => self.keep_aside(key, &raw, &format!("{CORRUPT_PREFIX}{}.{chunk}", now.unix_millis()), out),
            }
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
        let prints = fingerprints(registry);
        let known = self.fingerprints.borrow().clone();
        let mut groups: std::collections::BTreeMap<String, Vec<&Model>> = (0..CHUNKS).map(|c| (format!("m{c:02}"), Vec::new())).collect();
        for m in registry.all_models() {
            groups.entry(chunk_of(&m.id)).or_default().push(m);
        }
        let mut jsons: Vec<(String, Vec<u8>)> = groups
            .into_iter()
            // A chunk whose models are exactly the ones last written needs no work at all.
            .filter(|(chunk, _)| known.get(chunk) != prints.get(chunk) || known.get(chunk).is_none())
            .map(|(chunk, ms)| {
                let json = serde_json::to_vec(&ChunkRef { models: &ms, plans: &[], history: &[] }).expect("records serialise");
                (chunk, json)
            })
            .collect();
        let plans: Vec<&Plan> = registry.all_plans().iter().collect();
        jsons.push((PLANS_CHUNK.to_string(), serde_json::to_vec(&ChunkRef { models: &[], plans: &plans, history }).expect("records serialise")));

        let (manifest, hashes) = self.written.borrow().clone();
        let generation = manifest.generation + 1;
        let mut next = manifest.clone();
        next.generation = generation;
        let mut new_hashes = hashes.clone();
        let mut written_keys: Vec<String> = Vec::new();
        let mut replaced: Vec<String> = Vec::new();
        let mut units = 0;
        for (chunk, json) in jsons {
            let h = content_hash(&json);
            if hashes.get(&chunk) == Some(&h) && manifest.chunks.contains_key(&chunk) {
                continue;
            }
            let key = chunk_key(&chunk, generation);
            let text = codec::encode(&json);
            if let Err(e) = self.store.set(&key, &text) {
                for k in &written_keys {
                    let _ = self.store.remove(k);
                }
                return Err(SaveError::Store(e));
            }
            units += text.encode_utf16().count();
            written_keys.push(key.clone());
            if let Some(old) = next.chunks.insert(chunk.clone(), generation) {
                replaced.push(chunk_key(&chunk, old));
            }
            new_hashes.insert(chunk, h);
        }
        if written_keys.is_empty() && self.store.get(SCHEMA_KEY).ok().flatten().as_deref() == Some("2") {
            *self.fingerprints.borrow_mut() = prints;
            return Ok(0);
        }
        let manifest_text = serde_json::to_string(&next).expect("manifest serialises");
        let switched = self.store.set(RECORDS_KEY, &manifest_text).and_then(|_| self.store.set(SCHEMA_KEY, &SCHEMA_VERSION.to_string()));
        if let Err(e) = switched {
            for k in &written_keys {
                let _ = self.store.remove(k);
            }
            return Err(SaveError::Store(e));
        }
        for old in replaced {
            let _ = self.store.remove(&old);
        }
        *self.fingerprints.borrow_mut() = prints;
        *self.written.borrow_mut() = (next, new_hashes);
        Ok(units + manifest_text.len())
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

    pub fn save_settings(&self, settings: &Settings) -> Result<(), StoreError> {
        let text = serde_json::to_string(settings).map_err(|e| StoreError::Other(e.to_string()))?;
        self.store.set(SETTINGS_KEY, &text)
    }

    /// Writes a backup of `registry` (before an import or a restore) and drops the oldest beyond
    /// `BACKUPS_KEPT`. Returns its key. If it cannot be written, the caller must not go on.
    pub fn save_backup(&self, registry: &Registry, history: &[Value], now: Timestamp) -> Result<String, StoreError> {
        // The key names the time and how many live models it holds, so listing backups reads no backup.
        let key = format!("{BACKUP_PREFIX}{}.{}", now.unix_millis(), registry.live_count());
        let text = encode_records(registry, history);
        let mut result = self.store.set(&key, &text);
        if result == Err(StoreError::QuotaExceeded) {
            // Make room by dropping older backups (never the newest we are writing), then try again.
            for (old, _, _) in self.backups().into_iter().rev() {
                let _ = self.store.remove(&old);
                result = self.store.set(&key, &text);
                if result.is_ok() {
                    break;
                }
            }
        }
        result?;
        for (old, _, _) in self.backups().into_iter().skip(BACKUPS_KEPT) {
            let _ = self.store.remove(&old);
        }
        Ok(key)
    }

    /// The backups, newest first: key, time and number of live models.
    pub fn backups(&self) -> Vec<(String, Timestamp, usize)> {
        let mut out: Vec<(String, Timestamp, usize)> = self
            .store
            .keys()
            .unwrap_or_default()
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

    /// Reads a backup.
    pub fn load_backup(&self, key: &str) -> Option<(Registry, Vec<Value>)> {
        let raw = self.store.get(key).ok().flatten()?;
        let bytes = codec::decode(&raw).ok()?;
        let records: StoredRecords = serde_json::from_slice(&bytes).ok()?;
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
