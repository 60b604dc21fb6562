//! The stored layout of the app (schema version 1) on any `Store`, and its rules:
//!
//! - `dvk.schema` holds the schema version; `dvk.records` the registry (see `codec`); `dvk.settings` the
//!   officer profile and preferences; `dvk.corrupt.<millis>` values that could not be read, kept aside.
//! - A value that cannot be read is copied aside and reported, never silently replaced. If it cannot even
//!   be copied (quota), the repository turns read-only so the damaged original is not overwritten.
//! - Data written by a newer schema is never overwritten by this older app (read-only, reported).
//! - A failed write (quota) leaves the last good stored copy as it was; the caller keeps its in-memory data.
//! - Schema 0 (plain JSON under `dvk.records`, written by early builds) is migrated on load.

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
pub const SCHEMA_VERSION: u32 = 1;

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
}

impl<S: Store> Repository<S> {
    pub fn new(store: S) -> Repository<S> {
        Repository { store, read_only: std::cell::Cell::new(false) }
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
        let parsed: Option<StoredRecords> = match version {
            0 => serde_json::from_str(&raw).ok(),
            _ => codec::decode(&raw).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()),
        };
        match parsed {
            Some(records) => {
                out.registry = Registry::from_records(records.models, records.plans);
                out.history = records.history;
                if version == 0 {
                    // Migrate now; a failure leaves the old layout, which still loads next time.
                    let _ = self.save(&out.registry, &out.history);
                }
            }
            None => {
                let key = format!("{CORRUPT_PREFIX}{}", now.unix_millis());
                match self.store.set(&key, &raw) {
                    Ok(()) => {
                        let _ = self.store.remove(RECORDS_KEY);
                        out.notices.push(Notice::CorruptKeptAside { key });
                    }
                    Err(_) => {
                        self.read_only.set(true);
                        out.notices.push(Notice::CorruptLeftInPlace);
                    }
                }
            }
        }
        out
    }

    /// Writes the registry (all of it, or nothing). Returns the UTF-16 units written.
    pub fn save(&self, registry: &Registry, history: &[Value]) -> Result<usize, SaveError> {
        if self.read_only.get() {
            return Err(SaveError::ReadOnly);
        }
        let text = encode_records(registry, history);
        self.store.set(RECORDS_KEY, &text).map_err(SaveError::Store)?;
        self.store.set(SCHEMA_KEY, &SCHEMA_VERSION.to_string()).map_err(SaveError::Store)?;
        Ok(text.encode_utf16().count())
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
        let key = format!("{BACKUP_PREFIX}{}", now.unix_millis());
        let text = encode_records(registry, history);
        let mut result = self.store.set(&key, &text);
        if result == Err(StoreError::QuotaExceeded) {
            // Make room by dropping older backups (never the newest we are writing), then try again.
            for (old, _) in self.backups().into_iter().rev() {
                let _ = self.store.remove(&old);
                result = self.store.set(&key, &text);
                if result.is_ok() {
                    break;
                }
            }
        }
        result?;
        for (old, _) in self.backups().into_iter().skip(BACKUPS_KEPT) {
            let _ = self.store.remove(&old);
        }
        Ok(key)
    }

    /// The backups, newest first: key and time.
    pub fn backups(&self) -> Vec<(String, Timestamp)> {
        let mut out: Vec<(String, Timestamp)> = self
            .store
            .keys()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|k| {
                let ms: i64 = k.strip_prefix(BACKUP_PREFIX)?.parse().ok()?;
                Some((k, Timestamp::from_unix_millis(ms)))
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
    let records = StoredRecordsRef { models: registry.all_models(), plans: registry.all_plans(), history };
    let json = serde_json::to_vec(&records).expect("records serialise");
    codec::encode(&json)
}

#[derive(Serialize)]
struct StoredRecordsRef<'a> {
    models: &'a [Model],
    plans: &'a [Plan],
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

    #[test]
    fn save_then_load_gives_the_same_records() {
        let repo = Repository::new(MemoryStore::new());
        let fresh = repo.load(ts("2024-01-01T00:00:00Z"));
        assert_eq!(fresh.registry.all_models().len(), 0);
        assert!(fresh.notices.is_empty());
        let r = registry(30);
        repo.save(&r, &[serde_json::json!({"lost": 1})]).unwrap();
        let back = repo.load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(back.registry.all_models(), r.all_models());
        assert_eq!(back.history.len(), 1);
        assert_eq!(repo.store().get(SCHEMA_KEY).unwrap().as_deref(), Some("1"));
    }

    #[test]
    fn a_full_quota_keeps_the_last_good_copy() {
        let small = registry(2);
        let units = encode_records(&small, &[]).encode_utf16().count();
        let repo = Repository::new(MemoryStore::with_quota(units + 200));
        repo.save(&small, &[]).unwrap();
        let big = registry(500);
        assert_eq!(repo.save(&big, &[]), Err(SaveError::Store(StoreError::QuotaExceeded)));
        let back = repo.load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(back.registry.all_models(), small.all_models(), "the last good copy is intact");
    }

    #[test]
    fn a_corrupted_value_is_kept_aside_and_reported() {
        let store = MemoryStore::new();
        store.set(SCHEMA_KEY, "1").unwrap();
        store.set(RECORDS_KEY, "DVKZ1:10:garbage").unwrap();
        let repo = Repository::new(store);
        let loaded = repo.load(ts("2024-01-02T00:00:00Z"));
        assert_eq!(loaded.registry.all_models().len(), 0);
        let key = format!("{CORRUPT_PREFIX}{}", ts("2024-01-02T00:00:00Z").unix_millis());
        assert_eq!(loaded.notices, vec![Notice::CorruptKeptAside { key: key.clone() }]);
        assert_eq!(repo.store().get(&key).unwrap().as_deref(), Some("DVKZ1:10:garbage"));
        assert_eq!(repo.kept_aside(), vec![key]);
        assert!(!repo.is_read_only(), "after keeping it aside the app may write again");
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
        assert_eq!(loaded.registry.all_models(), r.all_models());
        assert_eq!(repo.store().get(SCHEMA_KEY).unwrap().as_deref(), Some("1"));
        assert!(repo.store().get(RECORDS_KEY).unwrap().unwrap().starts_with("DVKZ1:"));
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
