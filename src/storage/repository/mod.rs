//! The app's records on any `Store` (layout in `storage::layout`), with the rules that keep them whole:
//!
//! - **All or nothing.** A save writes every chunk whose content changed under a generation never used
//!   before, then the schema key, then the manifest: until the manifest switches, the previous copy stays
//!   whole. A failed write removes what the save wrote; the caller keeps its data in memory. A save can
//!   be done in steps across tasks (`begin_save`, `save_some`, `finish_save`: an import's), the chunks a
//!   few at a time under the new generation and the manifest switched last; `save` is the same steps in one go.
//! - **Compare and swap.** A save first checks that the stored manifest is the one this repository last
//!   read or wrote, and checks again at the switch. If another tab wrote in between, the save is refused as
//!   `SaveError::Stale` (what it wrote removed): the caller (`app`) loads the stored records, merges them
//!   into its own by the merge rule, and saves the union.
//! - **Nothing read as nothing.** A missing or unreadable chunk is reported (`Notice`) and the repository
//!   turns read-only until the officer decides (`accept_damage`, or a restore). An unreadable value is copied
//!   aside (`dvk.corrupt.*`) first. Data of a newer schema is never written over. A stored value without
//!   `dvk.schema` is read as schema 0 only if it holds a list of models; a manifest is read as schema 2.
//! - **No leaks.** Chunk keys that neither the manifest nor a backup names, left by an interrupted save, are
//!   removed at load (only those older than the manifest: a newer one may be another tab's save under way).
//!   A save in steps marks itself (`dvk.saving.<g>`, renewed at each step); once its mark is older than
//!   `SAVING_STALE_MS` (the tab died mid-save) a load removes what it wrote, and the mark. A save whose mark
//!   was removed so refuses to switch (`Stale`).
//! - Backups: see `backups`. Older layouts (schema 0 and 1): see `migrate`.

mod backups;
mod migrate;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::codec;
use super::layout::*;
use super::{Store, StoreError};
use crate::domain::history::History;
use crate::domain::model::{Extra, Model, Plan};
use crate::domain::registry::Registry;
use crate::domain::time::Timestamp;

pub use super::layout::{BackupInfo, BACKUP_PREFIX, RECORDS_KEY, SCHEMA_KEY, SETTINGS_KEY};
pub use backups::BACKUPS_KEPT;

/// The records as stored in a chunk (and, whole, in the layouts of schema 0 and 1).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredRecords {
    #[serde(default)]
    pub models: Vec<Model>,
    #[serde(default)]
    pub plans: Vec<Plan>,
    #[serde(default)]
    pub history: History,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Serialize)]
struct ChunkRef<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    models: &'a [&'a Model],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    plans: &'a [&'a Plan],
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a History>,
}

/// Something the officer must be told after loading.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Notice {
    /// A stored value could not be read; it was kept under this key.
    CorruptKeptAside { key: String },
    /// A stored value could not be read nor copied aside; the app will not write over it.
    CorruptLeftInPlace,
    /// Chunks the manifest names are missing: what they held is not on screen.
    MissingChunks { chunks: Vec<String> },
    /// The data was written by a newer version of the app; it is not overwritten.
    NewerSchema { found: u32 },
    /// Storage cannot be used; data lives only in this page.
    Unavailable,
}

/// Why the repository will not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnly {
    /// Part of the stored records is missing or unreadable: writing would make the loss permanent.
    Damaged,
    /// An unreadable value could not be copied aside.
    CorruptInPlace,
    /// A newer version of the app wrote the data.
    NewerSchema,
}

/// Why saving failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    Store(StoreError),
    /// The repository will not write (see `ReadOnly`).
    ReadOnly(ReadOnly),
    /// Another writer (tab) changed the stored records since this repository read them.
    Stale,
}

impl From<StoreError> for SaveError {
    fn from(e: StoreError) -> SaveError {
        SaveError::Store(e)
    }
}

/// What a save did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveReport {
    /// UTF-16 units written.
    pub units: usize,
    /// Backups dropped to make room (the officer is told).
    pub dropped_backups: Vec<BackupInfo>,
}

/// What loading found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub registry: Registry,
    pub history: History,
    pub notices: Vec<Notice>,
}

/// A read of the chunks under way (`Repository::begin_load`).
pub struct Reading {
    manifest_text: String,
    manifest: Manifest,
    /// The chunks to read (every one the manifest names but the summary), and how many are read.
    order: Vec<(String, u64)>,
    next: usize,
    chunks: Vec<Vec<Model>>,
    plans: Vec<Plan>,
    missing: Vec<String>,
    damaged: bool,
    out: Loaded,
    /// When the read began (a save's mark older than this by `SAVING_STALE_MS` is of a dead tab).
    now: Timestamp,
}

impl Reading {
    /// Chunks read, and how many there are.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.order.len())
    }
}

/// A save under way in steps (`Repository::begin_save`).
pub struct Saving {
    /// Refused when storage no longer holds what the repository knew (not for a migration's save).
    check: bool,
    /// Under a mark (`dvk.saving.<g>`) other tabs' loads respect.
    marked: bool,
    /// The manifest the save began from, and the one it will switch to.
    base: Manifest,
    next: Manifest,
    /// The registry's and the history's revisions when it began: they must not change until the switch.
    revisions: (u64, u64),
    prints: HashMap<String, u64>,
    /// The chunks that may have changed, and how many are done.
    work: Vec<Work>,
    done: usize,
    /// Chosen when the save first writes.
    generation: Option<u64>,
    /// Keys written so far, and the hashes of their JSON.
    written: Vec<String>,
    hashes: Vec<(String, u64)>,
    report: SaveReport,
}

/// A chunk a save may have to write.
enum Work {
    /// A model chunk, and the positions of its models in `all_models()`.
    Models(usize, Vec<usize>),
    Plans,
    History,
}

impl Saving {
    /// Chunks done, and how many there may be to write.
    pub fn progress(&self) -> (usize, usize) {
        (self.done, self.work.len())
    }
}

/// How a load in parts began.
pub enum Begun {
    /// Read already (nothing to read in parts).
    Whole(Loaded),
    Reading(Reading),
}

/// Where a read in parts is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    More,
    Done,
    /// Another tab saved since the read began: begin again.
    Changed,
}

/// The summary chunk as stored: the summary, and the generations of the chunks it was made from. (No
/// `models`, `plans` or `history` field: an older app that reads the chunk as records finds none.)
#[derive(Serialize, Deserialize)]
struct SummaryChunk<T> {
    summary_of: std::collections::BTreeMap<String, u64>,
    summary: T,
}

/// The app's data on a `Store`.
pub struct Repository<S: Store> {
    store: S,
    read_only: Option<ReadOnly>,
    /// The stored manifest as this repository last read or wrote it (`None`: nothing stored, as far as it
    /// knows). A save goes ahead only while storage still holds exactly this.
    known: Option<Manifest>,
    /// A hash of each stored chunk's JSON, so an unchanged chunk is not written again.
    hashes: HashMap<String, u64>,
    /// For each model chunk as last written or read: a hash of its ids and change stamps. A chunk whose
    /// fingerprint is unchanged is not even serialised (an edit costs one chunk, not 64).
    fingerprints: HashMap<String, u64>,
    /// The history revision last written or read.
    history_revision: Option<u64>,
    /// Each backup's manifest as read (a backup never changes once written); `None`: names no chunks.
    backup_manifests: HashMap<String, Option<Manifest>>,
    /// Added to every generation this repository writes, so two writers that raced (no Web Locks) never
    /// write the same chunk key.
    writer: u64,
}

/// For every model chunk (empty ones included), a hash of its models' ids and change stamps.
fn fingerprints_of(registry: &Registry, chunks: &[usize]) -> HashMap<String, u64> {
    use std::hash::{Hash, Hasher};
    let mut hashers: Vec<std::collections::hash_map::DefaultHasher> = (0..CHUNKS).map(|_| Default::default()).collect();
    for (i, m) in registry.all_models().iter().enumerate() {
        let h = &mut hashers[chunks[i]];
        m.id.hash(h);
        registry.change_count(i).hash(h);
    }
    hashers.into_iter().enumerate().map(|(c, h)| (chunk_name(c), h.finish())).collect()
}

/// A stored chunk's JSON read. UTF-8 is checked once over the whole text and serde then reads it as text:
/// reading bytes (`from_slice`) checks every string on its own, which took about 30% longer (BENCHMARKS.md).
pub(super) fn parse_chunk(json: &[u8]) -> Option<StoredRecords> {
    serde_json::from_str(std::str::from_utf8(json).ok()?).ok()
}

/// A hash of a chunk's JSON, kept in memory only (never stored), so a save skips a chunk whose JSON did not
/// change. foldhash's quality hasher (fixed seed): a good 64-bit mix, about ten times as fast as SipHash here.
fn content_hash(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one(bytes)
}

impl<S: Store> Repository<S> {
    pub fn new(store: S) -> Repository<S> {
        Repository::with_writer(store, 0)
    }

    /// A repository whose generations carry `writer` (a random number per tab in the browser).
    pub fn with_writer(store: S, writer: u64) -> Repository<S> {
        Repository {
            store,
            read_only: None,
            known: None,
            hashes: HashMap::new(),
            fingerprints: HashMap::new(),
            history_revision: None,
            backup_manifests: HashMap::new(),
            writer: writer % 1024,
        }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Why saves are refused, if they are.
    pub fn read_only(&self) -> Option<ReadOnly> {
        self.read_only
    }

    /// The officer chose to go on with what could be read: saves are allowed again (never over a newer
    /// schema or a value that could not be copied aside).
    pub fn accept_damage(&mut self) {
        if self.read_only == Some(ReadOnly::Damaged) {
            self.read_only = None;
        }
    }

    /// Reads the registry. `now` names a kept-aside copy.
    pub fn load(&mut self, now: Timestamp) -> Loaded {
        let mut out = Loaded::default();
        self.known = None;
        self.hashes.clear();
        self.fingerprints.clear();
        self.history_revision = None;
        if self.read_only != Some(ReadOnly::CorruptInPlace) {
            self.read_only = None;
        }
        let (schema, raw) = match (self.store.get(SCHEMA_KEY), self.store.get(RECORDS_KEY)) {
            (Ok(s), Ok(r)) => (s, r),
            _ => {
                out.notices.push(Notice::Unavailable);
                return out;
            }
        };
        let Some(raw) = raw else { return out };
        let version = match schema.as_deref().map(str::trim) {
            // No schema key: a manifest is schema 2 (the key was lost); anything else is read as schema 0.
            None => {
                if Manifest::parse(&raw).is_some() {
                    2
                } else {
                    0
                }
            }
            Some(v) => v.parse::<u32>().unwrap_or(u32::MAX),
        };
        if version > SCHEMA_VERSION {
            self.read_only = Some(ReadOnly::NewerSchema);
            out.notices.push(Notice::NewerSchema { found: version });
            return out;
        }
        if version == 2 {
            self.load_chunks(&raw, now, &mut out);
        } else {
            migrate::load_old_layout(self, version, &raw, now, &mut out);
        }
        out
    }

    /// Copies an unreadable value aside (or, failing that, turns read-only) and reports it.
    fn keep_aside(&mut self, key: &str, raw: &str, aside: &str, out: &mut Loaded) {
        match self.store.set(aside, raw) {
            Ok(()) => {
                if key == RECORDS_KEY {
                    let _ = self.store.remove(key);
                }
                out.notices.push(Notice::CorruptKeptAside { key: aside.to_string() });
            }
            Err(_) => {
                self.read_only = Some(ReadOnly::CorruptInPlace);
                out.notices.push(Notice::CorruptLeftInPlace);
            }
        }
    }

    fn load_chunks(&mut self, manifest_text: &str, now: Timestamp, out: &mut Loaded) {
        let Some(mut reading) = self.begin_reading(manifest_text, now, out) else { return };
        while self.read_some(&mut reading, usize::MAX, now) == Progress::More {}
        // (a whole read in one go cannot see another tab's save in between)
        *out = self.finish_reading(reading);
    }

    /// Starts a read of the chunks `manifest_text` names; `None` (reported in `out`) if it is unreadable.
    fn begin_reading(&mut self, manifest_text: &str, now: Timestamp, out: &mut Loaded) -> Option<Reading> {
        let Some(manifest) = Manifest::parse(manifest_text) else {
            self.keep_aside(RECORDS_KEY, manifest_text, &format!("{CORRUPT_PREFIX}{}", now.unix_millis()), out);
            return None;
        };
        let order = manifest.chunks.iter().filter(|(c, _)| c.as_str() != SUMMARY_CHUNK).map(|(c, g)| (c.clone(), *g)).collect();
        Some(Reading {
            manifest_text: manifest_text.to_string(),
            manifest,
            order,
            next: 0,
            chunks: Vec::new(),
            plans: Vec::new(),
            missing: Vec::new(),
            damaged: false,
            out: std::mem::take(out),
            now,
        })
    }

    /// Starts reading the registry a few chunks at a time (`read_some`), so a page can answer input in
    /// between. `Begun::Whole` when there is nothing to read in parts (nothing stored, an older layout, a
    /// newer schema, an unreadable manifest): then it is read already.
    pub fn begin_load(&mut self, now: Timestamp) -> Begun {
        let raw = match (self.store.get(SCHEMA_KEY), self.store.get(RECORDS_KEY)) {
            (Ok(s), Ok(Some(r))) if s.as_deref().map(str::trim) == Some("2") && self.read_only != Some(ReadOnly::CorruptInPlace) => r,
            _ => return Begun::Whole(self.load(now)),
        };
        if Manifest::parse(&raw).is_none() {
            return Begun::Whole(self.load(now));
        }
        self.known = None;
        self.hashes.clear();
        self.fingerprints.clear();
        self.history_revision = None;
        self.read_only = None;
        let mut out = Loaded::default();
        match self.begin_reading(&raw, now, &mut out) {
            Some(r) => Begun::Reading(r),
            None => Begun::Whole(out),
        }
    }

    /// Reads up to `n` more chunks. `Progress::Changed` when another tab saved since the read began (the
    /// chunks it names may be gone): the caller begins again.
    pub fn read_some(&mut self, r: &mut Reading, n: usize, now: Timestamp) -> Progress {
        if n != usize::MAX && self.store.get(RECORDS_KEY).ok().flatten().as_deref() != Some(r.manifest_text.as_str()) {
            return Progress::Changed;
        }
        let end = r.next.saturating_add(n).min(r.order.len());
        while r.next < end {
            let (chunk, generation) = r.order[r.next].clone();
            r.next += 1;
            let key = &chunk_key(&chunk, generation);
            let raw = match self.store.get(key) {
                Ok(Some(raw)) => raw,
                Ok(None) => {
                    r.missing.push(chunk.clone());
                    continue;
                }
                Err(_) => {
                    r.out.notices.push(Notice::Unavailable);
                    r.damaged = true;
                    continue;
                }
            };
            let decoded = codec::decode(&raw).ok();
            let parsed = decoded.as_deref().and_then(parse_chunk);
            match parsed {
                Some(rec) => {
                    self.hashes.insert(chunk.clone(), content_hash(decoded.as_deref().unwrap_or_default()));
                    r.chunks.push(rec.models);
                    r.plans.extend(rec.plans);
                    r.out.history.merge_from(&rec.history);
                }
                None => {
                    r.damaged = true;
                    self.keep_aside(key, &raw, &format!("{CORRUPT_PREFIX}{}.{chunk}", now.unix_millis()), &mut r.out);
                }
            }
        }
        if r.next < r.order.len() {
            Progress::More
        } else {
            Progress::Done
        }
    }

    /// The registry once every chunk is read (`read_some` said `Done`).
    pub fn finish_reading(&mut self, r: Reading) -> Loaded {
        let Reading { manifest, chunks, plans, missing, mut damaged, mut out, now, .. } = r;
        let mut models = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
        for c in chunks {
            models.extend(c);
        }
        out.registry = Registry::from_records(models, plans);
        if !missing.is_empty() {
            out.notices.push(Notice::MissingChunks { chunks: missing });
            damaged = true;
        }
        if damaged && self.read_only.is_none() {
            self.read_only = Some(ReadOnly::Damaged);
        }
        let chunk_numbers: Vec<usize> = out.registry.all_models().iter().map(|m| chunk_index(&m.id)).collect();
        let mut prints = fingerprints_of(&out.registry, &chunk_numbers);
        prints.retain(|chunk, _| self.hashes.contains_key(chunk));
        self.fingerprints = prints;
        self.history_revision = self.hashes.contains_key(HISTORY_CHUNK).then(|| out.history.revision());
        self.known = Some(manifest);
        if !damaged {
            self.remove_orphans(now);
        }
        out
    }

    /// The summary stored with the chunks (`SUMMARY_CHUNK`), if the stored manifest names one that was made
    /// from exactly the chunks it names; `None` when it is missing, stale (made from other generations) or
    /// unreadable. Reads only the manifest and the summary.
    pub fn read_summary<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        let manifest = Manifest::parse(&self.store.get(RECORDS_KEY).ok().flatten()?)?;
        let generation = *manifest.chunks.get(SUMMARY_CHUNK)?;
        let raw = self.store.get(&chunk_key(SUMMARY_CHUNK, generation)).ok().flatten()?;
        let json = codec::decode(&raw).ok()?;
        let stored: SummaryChunk<T> = serde_json::from_str(std::str::from_utf8(&json).ok()?).ok()?;
        (stored.summary_of == manifest.summarised()).then_some(stored.summary)
    }

    /// Removes chunk keys that nobody names and that are older than the manifest (left by a save that was
    /// interrupted before its manifest switched, or whose clean-up was), and those of a save in steps whose
    /// mark is stale (its tab died mid-save) or older than the manifest (it can never switch now), with the
    /// mark. A fresh mark's keys stay: another tab's save may be under way.
    fn remove_orphans(&mut self, now: Timestamp) {
        let Some(known) = &self.known else { return };
        let top = known.generation;
        let Ok(keys) = self.store.keys() else { return };
        let Some(named) = self.referenced() else { return };
        let mut dead: HashSet<u64> = HashSet::new();
        for k in &keys {
            let Some(g) = saving_generation(k) else { continue };
            let at = self.store.get(k).ok().flatten().and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(i64::MIN);
            if g < top || now.unix_millis().saturating_sub(at) > SAVING_STALE_MS {
                dead.insert(g);
            }
        }
        for k in &keys {
            if generation_of(k).is_some_and(|g| g < top || dead.contains(&g)) && !named.contains(k) {
                let _ = self.store.remove(k);
            }
        }
        for g in dead {
            let _ = self.store.remove(&saving_key(g));
        }
    }

    /// Writes the registry and the history: every chunk whose content changed, then the schema key, then the
    /// manifest. All or nothing. Refused (`Stale`) when storage no longer holds what this repository last
    /// read or wrote. (A save in steps, `begin_save`, done in one go.)
    pub fn save(&mut self, registry: &Registry, history: &History) -> Result<SaveReport, SaveError> {
        self.save_checked(registry, history, true, None::<&()>)
    }

    /// `save`, with the summary of what is saved written under the same manifest (`None`: the manifest
    /// names no summary, and the next load reads every chunk before it shows anything).
    pub fn save_with<T: Serialize>(&mut self, registry: &Registry, history: &History, summary: Option<&T>) -> Result<SaveReport, SaveError> {
        self.save_checked(registry, history, true, summary)
    }

    pub(super) fn save_checked<T: Serialize>(&mut self, registry: &Registry, history: &History, check: bool, summary: Option<&T>) -> Result<SaveReport, SaveError> {
        let mut saving = self.begin(registry, history, check, false)?;
        while self.save_some(&mut saving, registry, history, usize::MAX, Timestamp::from_unix_millis(0))? {}
        self.finish_save(saving, summary)
    }

    /// Begins a save in steps (an import's: `save_some` writes a few chunks a step, so the page answers in
    /// between): refused at once as `save` would be (read-only, newer schema, `Stale`); works out which
    /// chunks may have changed. Nothing is written until the first chunk that did; nothing stored changes
    /// meaning until `finish_save` switches the manifest. While it is under way a mark (`dvk.saving.<g>`,
    /// the time of its last step) tells other tabs' loads to leave its chunk keys alone; a mark not renewed
    /// for `SAVING_STALE_MS` is of a tab that died, and the next load removes the keys it names. `registry`
    /// and `history` must not change until `finish_save` (the app's gate holds every other change).
    /// `across_tasks`: the save's steps are spread over tasks (then it is marked); a save in one go (all
    /// steps in one task) needs no mark: no other tab runs in between.
    pub fn begin_save(&mut self, registry: &Registry, history: &History, across_tasks: bool) -> Result<Saving, SaveError> {
        self.begin(registry, history, true, across_tasks)
    }

    fn begin(&mut self, registry: &Registry, history: &History, check: bool, marked: bool) -> Result<Saving, SaveError> {
        self.check_writable(check)?;
        let base = self.known.clone().unwrap_or_default();
        let chunk_numbers: Vec<usize> = registry.all_models().iter().map(|m| chunk_index(&m.id)).collect();
        let prints = fingerprints_of(registry, &chunk_numbers);
        let changed: Vec<bool> = (0..CHUNKS as usize)
            .map(|c| {
                let name = chunk_name(c);
                self.fingerprints.get(&name) != prints.get(&name) || !self.fingerprints.contains_key(&name)
            })
            .collect();
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); CHUNKS as usize];
        for (i, &c) in chunk_numbers.iter().enumerate() {
            if changed[c] {
                groups[c].push(i);
            }
        }
        let mut work: Vec<Work> = groups.into_iter().enumerate().filter(|(c, _)| changed[*c]).map(|(c, ms)| Work::Models(c, ms)).collect();
        work.push(Work::Plans);
        if self.history_revision != Some(history.revision()) {
            work.push(Work::History);
        }
        Ok(Saving {
            check,
            marked,
            next: base.clone(),
            base,
            revisions: (registry.revision(), history.revision()),
            prints,
            work,
            done: 0,
            generation: None,
            written: Vec::new(),
            hashes: Vec::new(),
            report: SaveReport::default(),
        })
    }

    /// Refuses a write as a save must (read-only, newer schema, `Stale` when `check`); gives the stored
    /// schema and manifest texts.
    fn check_writable(&mut self, check: bool) -> Result<(Option<String>, Option<String>), SaveError> {
        if let Some(why) = self.read_only {
            return Err(SaveError::ReadOnly(why));
        }
        let schema = self.store.get(SCHEMA_KEY)?;
        if let Some(found) = schema.as_deref().map(|s| s.trim().parse::<u32>().unwrap_or(u32::MAX)) {
            if found > SCHEMA_VERSION {
                self.read_only = Some(ReadOnly::NewerSchema);
                return Err(SaveError::ReadOnly(ReadOnly::NewerSchema));
            }
        }
        let stored_text = self.store.get(RECORDS_KEY)?;
        let stored = stored_text.as_deref().and_then(Manifest::parse);
        if check && (stored != self.known || (stored_text.is_some() && stored.is_none())) {
            return Err(SaveError::Stale);
        }
        Ok((schema, stored_text))
    }

    /// Writes up to `n` more of the chunks a save may have to write (`Ok(true)`: more left), each under the
    /// save's new generation: the stored registry stays the one the manifest names. `now` renews the save's
    /// mark. On failure what the save wrote is removed (the save is over: begin again).
    pub fn save_some(&mut self, s: &mut Saving, registry: &Registry, history: &History, n: usize, now: Timestamp) -> Result<bool, SaveError> {
        assert_eq!(s.revisions, (registry.revision(), history.revision()), "the records changed during a save in steps");
        let end = s.done.saturating_add(n).min(s.work.len());
        let mut renewed = false;
        while s.done < end {
            let (chunk, json) = match &s.work[s.done] {
                Work::Models(c, ms) => {
                    let models: Vec<&Model> = ms.iter().map(|&i| &registry.all_models()[i]).collect();
                    (chunk_name(*c), serde_json::to_vec(&ChunkRef { models: &models, plans: &[], history: None }).expect("records serialise"))
                }
                Work::Plans => {
                    let plans: Vec<&Plan> = registry.all_plans().iter().collect();
                    (PLANS_CHUNK.to_string(), serde_json::to_vec(&ChunkRef { models: &[], plans: &plans, history: None }).expect("records serialise"))
                }
                Work::History => (HISTORY_CHUNK.to_string(), serde_json::to_vec(&ChunkRef { models: &[], plans: &[], history: Some(history) }).expect("history serialises")),
            };
            s.done += 1;
            let h = content_hash(&json);
            if self.hashes.get(&chunk) == Some(&h) && s.base.chunks.contains_key(&chunk) {
                continue;
            }
            if s.marked && !renewed {
                renewed = true;
                if let Err(e) = self.renew_mark(s, now) {
                    self.abandon_save(s);
                    return Err(e);
                }
            }
            if let Err(e) = self.write_chunk(s, chunk, &json, h) {
                self.abandon_save(s);
                return Err(e);
            }
        }
        Ok(s.done < s.work.len())
    }

    /// The save's generation, chosen when it first writes (a save that finds nothing changed chooses none).
    fn generation_for(&mut self, s: &mut Saving) -> Result<u64, SaveError> {
        if let Some(g) = s.generation {
            return Ok(g);
        }
        let stored = self.store.get(RECORDS_KEY)?.as_deref().and_then(Manifest::parse);
        let g = self.next_generation(&s.base, stored.as_ref())?;
        s.generation = Some(g);
        s.next.generation = g;
        Ok(g)
    }

    /// Writes (or renews) the mark of a save in steps: the time of its latest step.
    fn renew_mark(&mut self, s: &mut Saving, now: Timestamp) -> Result<(), SaveError> {
        let g = self.generation_for(s)?;
        self.set_making_room(&saving_key(g), &now.unix_millis().to_string(), 1, &mut s.report.dropped_backups)?;
        Ok(())
    }

    fn write_chunk(&mut self, s: &mut Saving, chunk: String, json: &[u8], h: u64) -> Result<(), SaveError> {
        let g = self.generation_for(s)?;
        let key = chunk_key(&chunk, g);
        let text = codec::encode(json);
        self.set_making_room(&key, &text, 1, &mut s.report.dropped_backups)?;
        s.report.units += text.encode_utf16().count();
        s.written.push(key);
        s.next.chunks.insert(chunk.clone(), g);
        s.hashes.push((chunk, h));
        Ok(())
    }

    /// Stops a save in steps: removes what it wrote, and its mark. Storage holds what it held before.
    pub fn abandon_save(&mut self, s: &mut Saving) {
        for k in s.written.drain(..) {
            let _ = self.store.remove(&k);
        }
        if let (true, Some(g)) = (s.marked, s.generation) {
            let _ = self.store.remove(&saving_key(g));
        }
        s.done = s.work.len();
    }

    /// Ends a save (every step done): writes the summary, the schema key, then the manifest, the one
    /// atomic step; then removes the chunk keys nobody names any more. Refused (`Stale`, what it wrote
    /// removed) when another writer switched the manifest since the save began, or removed its mark.
    pub fn finish_save<T: Serialize>(&mut self, mut s: Saving, summary: Option<&T>) -> Result<SaveReport, SaveError> {
        debug_assert!(s.done == s.work.len(), "every step done before the switch");
        let checked = match self.check_writable(s.check) {
            // (a load in another tab took this save for a dead tab's and removed what it wrote)
            Ok(_) if s.marked && s.generation.is_some_and(|g| !matches!(self.store.get(&saving_key(g)), Ok(Some(_)))) => Err(SaveError::Stale),
            other => other,
        };
        let (schema, stored_text) = match checked {
            Ok(texts) => texts,
            Err(e) => {
                self.abandon_save(&mut s);
                return Err(e);
            }
        };
        let stored = stored_text.as_deref().and_then(Manifest::parse);
        let summary = summary.map(|v| serde_json::to_value(v).expect("summary serialises"));
        // The summary, made from the chunks as they will be named.
        let summary_json = |of, summary: &serde_json::Value| serde_json::to_vec(&SummaryChunk { summary_of: of, summary }).expect("summary serialises");
        if s.written.is_empty() {
            let unchanged = match &summary {
                None => !s.base.chunks.contains_key(SUMMARY_CHUNK),
                Some(v) => s.base.chunks.contains_key(SUMMARY_CHUNK) && self.hashes.get(SUMMARY_CHUNK) == Some(&content_hash(&summary_json(s.base.summarised(), v))),
            };
            if unchanged && stored.is_some() && schema.as_deref().map(str::trim) == Some("2") {
                self.fingerprints = s.prints;
                self.history_revision = Some(s.revisions.1);
                return Ok(s.report);
            }
        }
        let summary_json = summary.as_ref().map(|v| summary_json(s.next.summarised(), v));
        let outcome = self.switch(&mut s, summary_json);
        if let Err(e) = outcome {
            self.abandon_save(&mut s);
            return Err(e);
        }
        self.fingerprints = s.prints;
        self.history_revision = Some(s.revisions.1);
        for (chunk, h) in s.hashes {
            self.hashes.insert(chunk, h);
        }
        let known = std::mem::replace(&mut s.base, Manifest::default());
        self.known = Some(s.next);
        if let (true, Some(g)) = (s.marked, s.generation) {
            let _ = self.store.remove(&saving_key(g));
        }
        // The chunk keys the previous manifest named that nobody names any more (a key a backup names
        // stays until that backup is dropped).
        if let Some(keep) = self.referenced() {
            let before: HashSet<String> = known.keys().chain(stored.iter().flat_map(Manifest::keys)).collect();
            for old in before.into_iter().filter(|k| !keep.contains(k)) {
                let _ = self.store.remove(&old);
            }
        }
        Ok(s.report)
    }

    /// The summary chunk if it changed, the schema key, then the manifest.
    fn switch(&mut self, s: &mut Saving, summary_json: Option<Vec<u8>>) -> Result<(), SaveError> {
        self.generation_for(s)?;
        match summary_json {
            Some(json) => {
                let h = content_hash(&json);
                if self.hashes.get(SUMMARY_CHUNK) != Some(&h) || !s.base.chunks.contains_key(SUMMARY_CHUNK) {
                    self.write_chunk(s, SUMMARY_CHUNK.to_string(), &json, h)?;
                }
            }
            None => {
                s.next.chunks.remove(SUMMARY_CHUNK);
            }
        }
        // The schema key before the manifest: a manifest is never read under an older schema number.
        let manifest_text = s.next.to_text();
        self.set_making_room(SCHEMA_KEY, &SCHEMA_VERSION.to_string(), 1, &mut s.report.dropped_backups)?;
        self.set_making_room(RECORDS_KEY, &manifest_text, 1, &mut s.report.dropped_backups)?;
        s.report.units += manifest_text.len();
        Ok(())
    }

    /// A generation above any written before (the stored manifest's, every backup's, every chunk key's and
    /// every save mark's), plus this writer's offset.
    fn next_generation(&mut self, known: &Manifest, stored: Option<&Manifest>) -> Result<u64, StoreError> {
        let keys = self.store.keys()?;
        let mut top = known.generation.max(stored.map_or(0, |m| m.generation));
        top = keys.iter().filter_map(|k| generation_of(k).or_else(|| saving_generation(k))).fold(top, u64::max);
        if let Some(backups) = self.backup_manifests() {
            top = backups.iter().filter_map(|(_, m)| m.as_ref()).map(|m| m.generation).fold(top, u64::max);
        }
        Ok(top + 1 + self.writer)
    }

    /// Every chunk key still named: by the stored manifest, this repository's, or a backup. `None` if that
    /// cannot be known.
    fn referenced(&mut self) -> Option<HashSet<String>> {
        let mut keep: HashSet<String> = self.known.iter().flat_map(Manifest::keys).collect();
        let stored = self.store.get(RECORDS_KEY).ok()?;
        keep.extend(stored.as_deref().and_then(Manifest::parse).iter().flat_map(Manifest::keys));
        for (_, m) in self.backup_manifests()? {
            keep.extend(m.iter().flat_map(Manifest::keys));
        }
        Some(keep)
    }

    /// The manifest as this repository last wrote or read it, exactly in its stored form (`None` before
    /// either). Equal to the stored `dvk.records` unless someone else wrote since.
    pub fn manifest_text(&self) -> Option<String> {
        self.known.as_ref().map(Manifest::to_text)
    }

    /// Does storage still hold what this repository last read or wrote?
    pub fn in_step(&self) -> bool {
        let stored = self.store.get(RECORDS_KEY).ok().flatten();
        stored.as_deref().and_then(Manifest::parse) == self.known && (stored.is_none() || self.known.is_some())
    }

    /// A small JSON value of its own (settings, drafts); `None` if absent or unreadable.
    pub fn read_value<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.store.get(key).ok().flatten().and_then(|s| serde_json::from_str(&s).ok())
    }

    pub fn write_value<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let text = serde_json::to_string(value).map_err(|e| StoreError::Other(e.to_string()))?;
        self.store.set(key, &text)
    }

    /// A large value of its own (sync's per-document state): stored in the records' compressed form
    /// (`codec`), so it takes a fraction of the room. Plain JSON, as earlier versions wrote it, still reads.
    pub fn read_packed_value<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        let text = self.store.get(key).ok().flatten()?;
        match codec::decode(&text) {
            Ok(bytes) => serde_json::from_slice(&bytes).ok(),
            Err(codec::CodecError::NotEncoded) => serde_json::from_str(&text).ok(),
            Err(_) => None,
        }
    }

    pub fn write_packed_value<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let json = serde_json::to_vec(value).map_err(|e| StoreError::Other(e.to_string()))?;
        self.store.set(key, &codec::encode(&json))
    }

    pub fn remove_value(&self, key: &str) -> Result<(), StoreError> {
        self.store.remove(key)
    }

    /// Keys of values kept aside as unreadable.
    pub fn kept_aside(&self) -> Vec<String> {
        self.store.keys().unwrap_or_default().into_iter().filter(|k| k.starts_with(CORRUPT_PREFIX)).collect()
    }

    /// How much of localStorage the app's values take (keys and values, in the UTF-16 code units
    /// browsers count), by what they hold.
    pub fn usage(&self) -> Usage {
        let keys = self.store.keys().unwrap_or_default();
        let current: HashSet<String> = self
            .store
            .get(RECORDS_KEY)
            .ok()
            .flatten()
            .and_then(|t| Manifest::parse(&t))
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        let mut usage = Usage::default();
        for key in keys.into_iter().filter(|k| k.starts_with("dvk.")) {
            let units = key.encode_utf16().count() + self.store.get(&key).ok().flatten().map_or(0, |v| v.encode_utf16().count());
            if key == RECORDS_KEY || current.contains(&key) {
                usage.records += units;
            } else if key.starts_with(BACKUP_PREFIX) || generation_of(&key).is_some() {
                // a backup's manifest, or a chunk only backups still name
                usage.backups += units;
            } else {
                usage.other += units;
            }
        }
        usage
    }
}

/// The room localStorage gives one site in the browsers officers use (Chrome, Firefox, Safari): 5 Mi
/// UTF-16 code units of keys and values.
pub const LOCAL_STORAGE_UNITS: usize = 5 * 1024 * 1024;

/// What the app's values take of localStorage, in UTF-16 code units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// The records as they are now (the manifest and its chunks).
    pub records: usize,
    /// Backups (their manifests and the chunks only they still name).
    pub backups: usize,
    /// Settings, drafts and values kept aside.
    pub other: usize,
}

impl Usage {
    pub fn total(&self) -> usize {
        self.records + self.backups + self.other
    }

    /// The share of `LOCAL_STORAGE_UNITS` in use, 0–1 (more when a browser gives more room).
    pub fn share(&self) -> f64 {
        self.total() as f64 / LOCAL_STORAGE_UNITS as f64
    }
}

/// The stored text of a whole registry in one value (schema 1; still read by `migrate` and old backups).
pub fn encode_records(registry: &Registry, history: &History) -> String {
    let models: Vec<&Model> = registry.all_models().iter().collect();
    let plans: Vec<&Plan> = registry.all_plans().iter().collect();
    let json = serde_json::to_vec(&ChunkRef { models: &models, plans: &plans, history: Some(history) }).expect("records serialise");
    codec::encode(&json)
}

#[cfg(test)]
mod tests;
