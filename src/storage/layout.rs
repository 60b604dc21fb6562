//! The stored layout (schema version 2): which keys hold what, and the manifest that names the current
//! chunks. Pure naming and parsing; reading and writing is `repository`'s.
//!
//! - `dvk.schema`: the schema version. `dvk.settings`: the officer's settings. `dvk.transfers`: what this
//!   device sent to which device by phone-to-phone transfer. `dvk.clock`: the newest time the device has
//!   accepted (its logical clock). `dvk.sync`, `dvk.sync.docs`, `dvk.sync.photos`: sync with the city's server (the
//!   server, checkpoint, per-document revisions, images it holds; never exported). `dvk.draft.<form>`: a form's
//!   unsaved text. `dvk.corrupt.<millis>…`: values that could not be read, kept aside.
//! - `dvk.records`: the manifest. The models are split in `CHUNKS` chunks by a hash of their id; plans and
//!   the conflict history have a chunk each. Chunk `c` written by the save of generation `g` is stored
//!   under `dvk.records.<c>.<g>`; the manifest names the generation of every chunk.
//! - The summary chunk (`s`, named by the same manifest, so it switches with the chunks it describes):
//!   what the first screens need before the chunks are read (`app::summary`), with the generations of the
//!   chunks it was made from (a summary left by an older app's save is told stale by them).
//! - `dvk.saving.<g>`: a save in steps (an import's) of generation `g` is under way; its value is the time
//!   (Unix milliseconds) of its latest step. Its chunk keys are not yet named by the manifest: loads leave
//!   them alone while the mark is fresh, and remove them with the mark once it is older than
//!   `SAVING_STALE_MS` (the tab died mid-save).
//! - `dvk.backup.<millis>.<count>`: a backup, whose value is the manifest of the moment it was taken (the
//!   key names the time and the live models it holds, so listing backups reads none).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::time::Timestamp;

pub const SCHEMA_KEY: &str = "dvk.schema";
pub const RECORDS_KEY: &str = "dvk.records";
pub const SETTINGS_KEY: &str = "dvk.settings";
/// The phone-to-phone transfers this device sent (app/transfer.rs).
pub const TRANSFERS_KEY: &str = "dvk.transfers";
/// The device's logical clock (`domain::clock::Clock`): the newest time it has accepted.
pub const CLOCK_KEY: &str = "dvk.clock";
/// Sync with the city's server (app/sync.rs): the server, the checkpoint, the last sync.
pub const SYNC_KEY: &str = "dvk.sync";
/// Sync: what the device knows of each server document (revision, content held, refusal).
pub const SYNC_DOCS_KEY: &str = "dvk.sync.docs";
/// Sync: the images the server holds, the "download during sync" setting, the last photo sync (app/sync_photos.rs).
pub const SYNC_PHOTOS_KEY: &str = "dvk.sync.photos";
pub const DRAFT_PREFIX: &str = "dvk.draft.";
pub const CORRUPT_PREFIX: &str = "dvk.corrupt.";
pub const BACKUP_PREFIX: &str = "dvk.backup.";
pub const SAVING_PREFIX: &str = "dvk.saving.";
/// A save in steps whose mark was not renewed for this long is of a tab that died (its steps renew the
/// mark every few milliseconds; a tab throttled in the background holds the records' Web Lock meanwhile).
pub const SAVING_STALE_MS: i64 = 60_000;
pub const SCHEMA_VERSION: u32 = 2;
/// How many chunks the models are split into.
pub const CHUNKS: u32 = 64;
/// The chunk of plans.
pub const PLANS_CHUNK: &str = "p";
/// The chunk of the conflict history.
pub const HISTORY_CHUNK: &str = "h";
/// The chunk of the summary (what the first screens show while the other chunks are read).
pub const SUMMARY_CHUNK: &str = "s";

/// The chunk a model is stored in (FNV-1a of its id).
pub fn chunk_of(id: &str) -> String {
    chunk_name(chunk_index(id))
}

/// The number of the chunk a model is stored in (no allocation: a save computes it for every model).
pub fn chunk_index(id: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (h % CHUNKS) as usize
}

pub fn chunk_name(index: usize) -> String {
    format!("m{index:02}")
}

/// The manifest: the generation of the save that wrote it, and the generation of each chunk.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub generation: u64,
    pub chunks: BTreeMap<String, u64>,
}

impl Manifest {
    /// The chunk keys it names.
    pub fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.chunks.iter().map(|(c, g)| chunk_key(c, *g))
    }

    /// The keys of the chunks that hold records (every chunk but the summary).
    pub fn record_keys(&self) -> impl Iterator<Item = String> + '_ {
        self.chunks.iter().filter(|(c, _)| c.as_str() != SUMMARY_CHUNK).map(|(c, g)| chunk_key(c, *g))
    }

    /// What a summary is made from: the generation of every chunk but the summary's and the history's.
    pub fn summarised(&self) -> BTreeMap<String, u64> {
        self.chunks.iter().filter(|(c, _)| c.as_str() != SUMMARY_CHUNK && c.as_str() != HISTORY_CHUNK).map(|(c, g)| (c.clone(), *g)).collect()
    }

    /// Reads a manifest from stored text (not a record list of an older layout).
    pub fn parse(text: &str) -> Option<Manifest> {
        serde_json::from_str(text).ok()
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("manifest serialises")
    }
}

pub fn chunk_key(chunk: &str, generation: u64) -> String {
    format!("{RECORDS_KEY}.{chunk}.{generation}")
}

/// The mark of a save in steps of generation `generation`.
pub fn saving_key(generation: u64) -> String {
    format!("{SAVING_PREFIX}{generation}")
}

/// The generation a save's mark names.
pub fn saving_generation(key: &str) -> Option<u64> {
    key.strip_prefix(SAVING_PREFIX)?.parse().ok()
}

/// The generation in a chunk key (`dvk.records.<c>.<g>`).
pub fn generation_of(key: &str) -> Option<u64> {
    key.strip_prefix(RECORDS_KEY)?.strip_prefix('.')?.rsplit_once('.')?.1.parse().ok()
}

/// A backup, as its key names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub key: String,
    pub at: Timestamp,
    /// Live models it holds.
    pub models: usize,
}

pub fn backup_key(at: Timestamp, models: usize) -> String {
    format!("{BACKUP_PREFIX}{}.{models}", at.unix_millis())
}

/// The backups among these keys, newest first.
pub fn backup_list(keys: Vec<String>) -> Vec<BackupInfo> {
    let mut out: Vec<BackupInfo> = keys
        .into_iter()
        .filter_map(|k| {
            let rest = k.strip_prefix(BACKUP_PREFIX)?;
            let (ms, count) = rest.split_once('.').unwrap_or((rest, "0"));
            let at = Timestamp::from_unix_millis(ms.parse().ok()?);
            let models = count.parse().ok()?;
            Some(BackupInfo { key: k, at, models })
        })
        .collect();
    out.sort_by(|a, b| b.at.cmp(&a.at).then(b.key.cmp(&a.key)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_back() {
        assert_eq!(generation_of(&chunk_key("m07", 42)), Some(42));
        assert_eq!(generation_of(RECORDS_KEY), None);
        assert_eq!(generation_of("dvk.records.m07.x"), None);
        let at = Timestamp::from_unix_millis(1_700_000_000_000);
        let list = backup_list(vec![backup_key(at, 12), "dvk.backup.junk".into(), "dvk.settings".into()]);
        assert_eq!(list, vec![BackupInfo { key: backup_key(at, 12), at, models: 12 }]);
        assert!(chunk_index("any id") < CHUNKS as usize);
        assert_eq!(Manifest::parse("{\"models\": []}"), None, "a record list is no manifest");
    }
}
