//! Ứng dụng: the application layer, the one room that owns every change to the officer's records. Pages
//! call it and read from it; they never touch storage or change the registry themselves. It is plain Rust
//! over any `Store` (localStorage in the browser, `MemoryStore` in tests and the simulation), and the clock
//! is always passed in (`now`), so every path is tested natively.
//!
//! `App` holds the registry, the conflict history and the settings, and the repository that stores them.
//! Every change is made in memory, then saved at once (`persist`):
//!
//! - **Two tabs.** A save that finds storage changed by another tab (`SaveError::Stale`) loads what is
//!   stored, merges this tab's unsaved changes into it by the merge rule (SPEC §5), keeps a version that
//!   lost to the other tab's edit in the history, and saves the union. The browser also runs every change
//!   under a Web Lock, so two tabs never write at the same moment.
//! - **A failed save** (storage full) keeps the change in memory, reports it (`AppError`), and is tried
//!   again with the next change; the last good stored copy is never touched. An import or a restore that
//!   cannot be saved is undone in memory: it happens whole or not at all.
//! - **Damaged storage** (a missing or unreadable chunk) makes the app read-only until the officer decides:
//!   export what is readable, restore a backup, or go on with what is readable (`accept_damage`).
//!
//! - **Not whole yet.** `open_gradual` opens on the summary the last save stored (`summary`) and reads the
//!   chunks a few at a time (`load_more`); until the last is read every change waits at one gate,
//!   `change`, and lands in order afterwards (a change made past it panics: it would see only the
//!   summary's models). `open` reads everything at once.
//! - **A big import** saves in steps across tasks (`begin_import` / `import_more`), so the page answers and
//!   its progress bar moves: the gate is closed meanwhile (changes wait, then land in order), and storage
//!   holds the old registry whole until the last step switches the manifest.
//!
//! What each change does is in the submodules: `changes` (models, evaluations, plans), `import`,
//! `restore`, `conflicts`, `export`, `photos` (photos and location, and the images that go with files),
//! `drafts`, `settings`, `sync` (with the city's CouchDB). The App is tested from outside, on
//! `MemoryStore`: tests/integrity.rs and the province simulation (tests/simulation.rs).

mod changes;
mod conflicts;
mod drafts;
mod export;
mod import;
mod photos;
mod restore;
mod settings;
pub mod sync;
pub mod sync_photos;
pub mod summary;
mod transfer;

use std::collections::{HashMap, VecDeque};

use crate::domain::clock::Clock;
use crate::domain::history::{History, LostVersion};
use crate::domain::merge::{self, Conflict, MergeReport};
use crate::domain::model::{Model, Plan};
use crate::domain::record::Record;
use crate::domain::registry::{self, Registered, Registry};
use crate::domain::time::{Date, Timestamp};
use crate::storage::layout::CLOCK_KEY;
use crate::storage::repository::{BackupInfo, Begun, Loaded, Notice, Progress, ReadOnly, Reading, Repository, SaveError, Saving};
use crate::storage::{Store, StoreError};

pub use changes::{Saved, Undo};
pub use drafts::Draft;
pub use export::export_time;
pub use import::{FutureChoice, FutureItem, ImportDone, ImportPlan, ImportStep};
pub use photos::{image_sizes, load_images, store_images, ExportSizes};
pub use settings::Settings;
pub use summary::{first_screen, Summary};
pub use transfer::{device_code, Recipient, TransferChoice, TransferContent, RECIPIENTS_KEPT};
pub use crate::storage::repository::{BACKUPS_KEPT, LOCAL_STORAGE_UNITS};

/// Why a change could not be made or kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// The stored records are read-only (damaged, or written by a newer app).
    ReadOnly(ReadOnly),
    /// Storage is full: the change is on screen but not saved.
    Quota,
    /// Storage cannot be used.
    Unavailable,
    /// The record is not there (deleted in another tab, say).
    NotFound,
    /// The backup that must come first could not be taken: nothing was changed.
    BackupFailed,
    /// The backup cannot be read.
    BackupUnreadable,
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::QuotaExceeded => AppError::Quota,
            StoreError::Unavailable | StoreError::Other(_) => AppError::Unavailable,
        }
    }
}

/// Something that happened along the way, for the officer to be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Another tab had saved: its changes and this tab's were merged. `conflicts`: versions set aside.
    MergedWithOtherTab { conflicts: usize },
    /// Backups were dropped to make room for a save.
    BackupsDropped(Vec<BackupInfo>),
}

/// A record's version: when and by whom it was saved, and a hash of its content (an import adds
/// evaluations, milestones and photos to a record without changing when or by whom it was saved).
type Version = (Timestamp, String, u64);

fn version_of<T: Record>(record: &T) -> Version {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_vec(record).unwrap_or_default().hash(&mut h);
    (record.record_updated_at(), record.record_updated_by().to_string(), h.finish())
}

/// The versions changed records were edited from, by id (see `App::model_bases`).
type Bases = HashMap<String, Option<Version>>;

/// A kind of record the App changes (`Model`, `Plan`): where it keeps what each change was made from, and
/// where a merge reports its conflicts, so the changes that treat both alike are written once.
trait Kind: Registered + Into<LostVersion> {
    fn bases<S: Store>(app: &mut App<S>) -> &mut Bases;
    fn conflicts(report: &mut MergeReport) -> &mut Vec<Conflict<Self>>;
}

impl Kind for Model {
    fn bases<S: Store>(app: &mut App<S>) -> &mut Bases {
        &mut app.model_bases
    }
    fn conflicts(report: &mut MergeReport) -> &mut Vec<Conflict<Model>> {
        &mut report.model_conflicts
    }
}

impl Kind for Plan {
    fn bases<S: Store>(app: &mut App<S>) -> &mut Bases {
        &mut app.plan_bases
    }
    fn conflicts(report: &mut MergeReport) -> &mut Vec<Conflict<Plan>> {
        &mut report.plan_conflicts
    }
}

/// What is left to do once a change has landed, outside the App (a page's answer to it): returned by
/// `App::change` and `App::load_more`, run by the caller once it has let go of the App.
pub type Landed = Box<dyn FnOnce()>;

/// A change waiting at the gate.
type Queued<S> = Box<dyn FnOnce(&mut App<S>) -> Landed>;

/// The registry being read a few chunks at a time (`App::open_gradual`): the read, and the summary shown
/// meanwhile.
struct Loading {
    reading: Reading,
    summary: Summary,
}

/// A save in steps under way (an import's, `import::Importing`): what is written so far, and how many times
/// it began (again after another tab's save was taken in, or room was made).
struct Persisting {
    saving: Option<Saving>,
    tries: usize,
    made_room: bool,
    /// Under a mark other tabs respect (a save across tasks); a save in one go needs none.
    marked: bool,
}

impl Persisting {
    fn new(marked: bool) -> Persisting {
        Persisting { saving: None, tries: 0, made_room: false, marked }
    }

    /// Chunks done, and how many there may be to write (the first step works that out).
    fn progress(&self) -> (usize, usize) {
        self.saving.as_ref().map_or((0, 1), Saving::progress)
    }
}

/// The officer's records on this device, and every change to them.
pub struct App<S: Store> {
    repo: Repository<S>,
    registry: Registry,
    history: History,
    settings: Settings,
    notices: Vec<Notice>,
    events: Vec<Event>,
    /// Models whose change count is at or above this were changed since the last load or save.
    sync_mark: u64,
    /// For models and plans changed since then: the version they were edited from (`None`: unknown, or
    /// new). Tells a change made over another tab's edit (concurrent) from one made over what was read.
    model_bases: Bases,
    plan_bases: Bases,
    /// Changes are in memory that storage does not hold (the last save failed).
    unsaved: bool,
    /// The device's logical clock (SPEC §5): every stamp this App makes comes from it (`stamp`), and it is
    /// stored under `dvk.clock` so it survives a reload.
    clock: Clock,
    /// Frees room that is not records when storage is full (the browser's saved dashboard); returns
    /// whether it freed any.
    room_maker: Option<Box<dyn FnMut() -> bool>>,
    /// The sync state's in-memory copy (app/sync.rs).
    sync_cache: sync::SyncCache,
    /// While the registry is not whole: `registry` holds only the summary's models (the gate, `change`,
    /// is closed).
    loading: Option<Loading>,
    /// An import saving in steps (`begin_import`): the gate is closed until it ends.
    importing: Option<import::Importing>,
    /// The changes waiting at the closed gate, in the order they were made.
    queue: VecDeque<Queued<S>>,
    /// The officer's calendar day at a moment (the summary's figures are as of it); UTC unless told.
    day_of: Box<dyn Fn(Timestamp) -> Date>,
}

/// The clock when none is stored (a first start after an update, or a damaged value): the newest time this
/// device stamped itself, read from the records it saved last. Those are times it accepted; a time a file
/// brought in is not taken (it might be one flagged as being in the future and kept as it is).
fn own_stamps(registry: &Registry, author: &str) -> Clock {
    let mut c = Clock::new();
    let models = registry.all_models().iter().filter(|m| m.updated_by == author).map(|m| m.updated_at);
    let plans = registry.all_plans().iter().filter(|p| p.updated_by == author).map(|p| p.updated_at);
    for t in models.chain(plans) {
        c.accept(t);
    }
    c
}

impl<S: Store> App<S> {
    /// Loads everything from `store`. `writer` tells this tab's writes apart (random in the browser);
    /// `new_device_id` names the device the first time.
    pub fn open(store: S, writer: u64, now: Timestamp, new_device_id: impl FnOnce() -> String) -> App<S> {
        let mut repo = Repository::with_writer(store, writer);
        let loaded = repo.load(now);
        let settings = Settings::load_or_create(&repo, new_device_id);
        App::assemble(repo, loaded, settings)
    }

    /// Opens on the stored summary when there is a usable one (made from the chunks stored now, as of
    /// `today`): `registry` then holds only the summary's models, `summary` the figures, and the chunks
    /// are read by `load_more`; every change waits (`change`) until the last one is read. Without a usable
    /// summary (missing, stale, unreadable, of another day) it reads everything at once, as `open` does.
    pub fn open_gradual(store: S, writer: u64, now: Timestamp, today: Date, new_device_id: impl FnOnce() -> String) -> App<S> {
        let mut repo = Repository::with_writer(store, writer);
        let settings = Settings::load_or_create(&repo, new_device_id);
        let mut reading = match repo.begin_load(now) {
            Begun::Whole(loaded) => return App::assemble(repo, loaded, settings),
            Begun::Reading(r) => r,
        };
        match repo.read_summary::<Summary>().filter(|s| s.good_on(today)) {
            Some(mut summary) => {
                // (of an earlier day, its figures are today's: `Summary::good_on`)
                summary.dashboard.summary.as_of = Some(today);
                let mut app = App::assemble(repo, Loaded::default(), settings);
                app.registry = Registry::from_records(summary.records.clone(), Vec::new());
                app.clock = app.repo.read_value(CLOCK_KEY).unwrap_or_default();
                app.loading = Some(Loading { reading, summary });
                app
            }
            None => {
                while repo.read_some(&mut reading, usize::MAX, now) == Progress::More {}
                let loaded = repo.finish_reading(reading);
                App::assemble(repo, loaded, settings)
            }
        }
    }

    fn assemble(repo: Repository<S>, loaded: Loaded, settings: Settings) -> App<S> {
        let clock = repo.read_value(CLOCK_KEY).unwrap_or_else(|| own_stamps(&loaded.registry, &settings.author()));
        App {
            repo,
            registry: loaded.registry,
            history: loaded.history,
            settings,
            notices: loaded.notices,
            events: Vec::new(),
            sync_mark: registry::change_mark(),
            model_bases: HashMap::new(),
            plan_bases: HashMap::new(),
            unsaved: false,
            clock,
            room_maker: None,
            sync_cache: sync::SyncCache::default(),
            loading: None,
            importing: None,
            queue: VecDeque::new(),
            day_of: Box::new(Timestamp::date),
        }
    }

    /// Is the whole registry read? Until it is, `registry` holds only the summary's models: a page that
    /// needs every record says it is still loading, and changes wait (`change`).
    pub fn is_whole(&self) -> bool {
        self.loading.is_none()
    }

    /// The stored summary the app opened on, while the registry is not whole.
    pub fn summary(&self) -> Option<&Summary> {
        self.loading.as_ref().map(|l| &l.summary)
    }

    /// Chunks read so far and how many there are, while the registry is not whole.
    pub fn load_progress(&self) -> Option<(usize, usize)> {
        self.loading.as_ref().map(|l| l.reading.progress())
    }

    /// How many changes wait at the gate (for the registry to be whole, or an import to end).
    pub fn waiting(&self) -> usize {
        self.queue.len()
    }

    /// Is the gate closed (the registry not whole yet, or an import saving in steps)?
    fn gate_closed(&self) -> bool {
        self.loading.is_some() || self.importing.is_some()
    }

    /// Lets the changes waiting at the gate through, in order, while it is open (one of them may close it
    /// again: an import begun); what their callers do with their results is returned.
    fn let_through(&mut self) -> Vec<Landed> {
        let mut out = Vec::new();
        while !self.gate_closed() {
            let Some(op) = self.queue.pop_front() else { break };
            out.push(op(self));
        }
        out
    }

    /// The one gate every change of the records goes through (saves, evaluations, deletes, undo, imports,
    /// restores, conflict choices, another tab's refresh, drafts, the transfer log; sync too, when it
    /// comes: `app::sync` calls its operations through here). When the registry is whole, `op` runs now and
    /// what `done` does with its result is returned to run once the caller lets go of the App. While the
    /// chunks are still being read, or an import saves in steps, `op` waits in a queue (never dropped) and
    /// runs, in order, when the last chunk is read or the import ends (`load_more` / `import_more` return
    /// what its `done` does then); `None` is returned.
    pub fn change<R: 'static>(
        &mut self,
        now: Timestamp,
        op: impl FnOnce(&mut App<S>, Timestamp) -> R + 'static,
        done: impl FnOnce(R) + 'static,
    ) -> Option<Landed> {
        if self.gate_closed() {
            self.queue.push_back(Box::new(move |app: &mut App<S>| {
                let r = op(app, now);
                Box::new(move || done(r)) as Landed
            }));
            None
        } else {
            let r = op(self, now);
            Some(Box::new(move || done(r)))
        }
    }

    /// Reads up to `chunks` more chunks. When the last is read the registry is whole: the waiting
    /// changes land, in the order they were made, and what their callers do with their results is
    /// returned (`Some`, empty when none waited or the registry was whole already). `None`: more to read.
    /// If another tab saved meanwhile, the read begins again on what it stored.
    pub fn load_more(&mut self, now: Timestamp, chunks: usize) -> Option<Vec<Landed>> {
        let Some(loading) = self.loading.as_mut() else { return Some(Vec::new()) };
        match self.repo.read_some(&mut loading.reading, chunks.max(1), now) {
            Progress::More => return None,
            Progress::Changed => match self.repo.begin_load(now) {
                Begun::Reading(r) => {
                    loading.reading = r;
                    return None;
                }
                Begun::Whole(loaded) => {
                    self.loading = None;
                    return Some(self.land(loaded));
                }
            },
            Progress::Done => {}
        }
        let Loading { reading, .. } = self.loading.take().expect("loading");
        let loaded = self.repo.finish_reading(reading);
        Some(self.land(loaded))
    }

    /// The registry is whole: takes it in, then lets the waiting changes through, in order.
    fn land(&mut self, loaded: Loaded) -> Vec<Landed> {
        self.registry = loaded.registry;
        self.history = loaded.history;
        for n in loaded.notices {
            if !self.notices.contains(&n) {
                self.notices.push(n);
            }
        }
        if self.repo.read_value::<Clock>(CLOCK_KEY).is_none() {
            self.clock.join(own_stamps(&self.registry, &self.author()));
        }
        self.synced();
        self.let_through()
    }

    /// Writes the summary for the next cold start when the stored one would not be used (missing, stale,
    /// of another day or of another commune), the registry being whole and saved: a registry read whole
    /// (the first start of the day, after an update, or one whose summary was stale) opens on its summary
    /// next time. Returns whether it wrote. Goes through the gate like every change.
    pub fn keep_summary(&mut self, now: Timestamp) -> Result<bool, AppError> {
        if !self.is_whole() || self.unsaved || self.repo.read_only().is_some() {
            return Ok(false);
        }
        let day = (self.day_of)(now);
        let usable = self.repo.read_summary::<Summary>().is_some_and(|s| s.good_on(day) && s.commune == self.settings.visit_commune);
        if usable || (self.registry.all_models().is_empty() && self.registry.all_plans().is_empty()) {
            return Ok(false);
        }
        self.persist(now).map(|()| true)
    }

    /// Reads every chunk left and lands the waiting changes (tests, and a page that cannot wait).
    pub fn finish_loading(&mut self, now: Timestamp) -> Vec<Landed> {
        loop {
            if let Some(done) = self.load_more(now, usize::MAX - 1) {
                return done;
            }
        }
    }

    /// The officer's calendar day at a moment (the browser's local day; UTC by default).
    pub fn set_day_of(&mut self, f: Box<dyn Fn(Timestamp) -> Date>) {
        self.day_of = f;
    }

    /// Panics when a change is made past the gate while the registry is not whole (a bug: it would be
    /// made on the summary's models only).
    fn assert_whole(&self) {
        assert!(self.loading.is_none(), "a change made before the registry is whole must go through App::change");
    }

    /// What to free, besides old backups, when storage is full.
    pub fn set_room_maker(&mut self, f: Box<dyn FnMut() -> bool>) {
        self.room_maker = Some(f);
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// What loading found (damaged or newer data).
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Why changes cannot be saved, if they cannot.
    pub fn read_only(&self) -> Option<ReadOnly> {
        self.repo.read_only()
    }

    /// Are there changes in memory that storage does not hold?
    pub fn unsaved(&self) -> bool {
        self.unsaved
    }

    /// The events since last asked.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub fn backups(&self) -> Vec<BackupInfo> {
        self.repo.backups()
    }

    /// What the app's values take of localStorage, by records, backups and the rest (Settings shows it).
    pub fn storage_usage(&self) -> crate::storage::repository::Usage {
        self.repo.usage()
    }

    /// Keys of stored values kept aside as unreadable (Settings lists them).
    pub fn kept_aside(&self) -> Vec<String> {
        self.repo.kept_aside()
    }

    /// The repository (for the saved dashboard's check of the stored manifest, and tests).
    pub fn repository(&self) -> &Repository<S> {
        &self.repo
    }

    /// The device's logical clock (what it has accepted; `Clock::behind` says whether the phone's clock is
    /// behind it).
    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// The newest time this device has accepted when the phone's clock (`now`) is more than a day behind
    /// it: Settings and the export screen say so, with both dates.
    pub fn clock_behind(&self, now: Timestamp) -> Option<Timestamp> {
        self.clock.behind(now)
    }

    /// The time of a change made now, by the device's logical clock: never before anything this device has
    /// accepted, and never twice the same. Every change that stamps something calls it first. The clock is
    /// written at once (joined with what another tab stored), so it survives a reload.
    fn stamp(&mut self, now: Timestamp) -> Timestamp {
        self.assert_whole();
        self.load_clock();
        let t = self.clock.stamp(now);
        self.write_clock();
        t
    }

    /// The time a stamp would have now, without taking one (for what is written but changes nothing: a
    /// file's export time, a draft).
    fn peek(&self, now: Timestamp) -> Timestamp {
        self.clock.peek(now)
    }

    /// Takes in times accepted as they are (a file's records kept as they are) and writes the clock.
    fn accept_times(&mut self, times: impl IntoIterator<Item = Timestamp>) {
        self.load_clock();
        for t in times {
            self.clock.accept(t);
        }
        self.write_clock();
    }

    /// Joins the clock another tab stored.
    fn load_clock(&mut self) {
        if let Some(stored) = self.repo.read_value::<Clock>(CLOCK_KEY) {
            self.clock.join(stored);
        }
    }

    /// Writes the clock. A failure (storage full) is not reported here: the change it stamps is saved next
    /// and reports it, and the clock is written again with the next stamp.
    fn write_clock(&mut self) {
        let _ = self.repo.write_value(CLOCK_KEY, &self.clock);
    }

    /// Who changes are saved by (`updated_by`).
    fn author(&self) -> String {
        self.settings.author()
    }

    /// Notes that the model or plan `id` is about to change (its current version is what the change is
    /// made from).
    fn touch<T: Kind>(&mut self, id: &str) {
        if !T::bases(self).contains_key(id) {
            let base = T::find(&self.registry, id).map(version_of);
            T::bases(self).insert(id.to_string(), base);
        }
    }

    /// Saves what is in memory. When another tab saved first, merges with what it stored and tries again.
    fn persist(&mut self, now: Timestamp) -> Result<(), AppError> {
        self.assert_whole();
        let mut p = Persisting::new(false);
        loop {
            if let Some(result) = self.persist_some(&mut p, usize::MAX, now, now) {
                return result;
            }
        }
    }

    /// One step of a save (`persist`, or an import's across tasks): begins it, writes up to `chunks`
    /// chunks, or switches the manifest once all are written. `Some` when it is over. A save that finds
    /// another tab's save at its start or at its switch takes that in (`absorb_stored`) and begins again,
    /// a few times at most; one that finds storage full has room made once (`room_maker`) and begins again.
    /// `step_now` renews the mark of a save across tasks.
    fn persist_some(&mut self, p: &mut Persisting, chunks: usize, now: Timestamp, step_now: Timestamp) -> Option<Result<(), AppError>> {
        let error = match p.saving.as_mut() {
            None if p.tries == 4 => {
                self.unsaved = true;
                return Some(Err(AppError::Unavailable));
            }
            None => {
                p.tries += 1;
                match self.repo.begin_save(&self.registry, &self.history, p.marked) {
                    Ok(s) => {
                        p.saving = Some(s);
                        return None;
                    }
                    Err(e) => e,
                }
            }
            Some(s) => match self.repo.save_some(s, &self.registry, &self.history, chunks, step_now) {
                Ok(true) => return None,
                Ok(false) => {
                    let summary = summary::make(&self.registry, self.settings.visit_commune, (self.day_of)(now));
                    match self.repo.finish_save(p.saving.take().expect("saving"), Some(&summary)) {
                        Ok(report) => {
                            if !report.dropped_backups.is_empty() {
                                self.events.push(Event::BackupsDropped(report.dropped_backups));
                            }
                            self.synced();
                            return Some(Ok(()));
                        }
                        Err(e) => e,
                    }
                }
                Err(e) => e,
            },
        };
        p.saving = None;
        match error {
            SaveError::Stale => {
                self.absorb_stored(now);
                None
            }
            SaveError::Store(StoreError::QuotaExceeded) if !p.made_room && self.room_maker.as_mut().is_some_and(|f| f()) => {
                p.made_room = true;
                None
            }
            e => {
                self.unsaved = true;
                Some(Err(match e {
                    SaveError::ReadOnly(r) => AppError::ReadOnly(r),
                    SaveError::Store(e) => e.into(),
                    SaveError::Stale => unreachable!("handled above"),
                }))
            }
        }
    }

    fn synced(&mut self) {
        self.unsaved = false;
        self.sync_mark = registry::change_mark();
        self.model_bases.clear();
        self.plan_bases.clear();
    }

    /// Loads what another tab stored and takes this tab's unsaved changes into it (SPEC §5). A change made
    /// over the version that is still stored simply replaces it; one made over a version the other tab
    /// changed meanwhile is merged, and whatever lost is kept in the history as a conflict.
    fn absorb_stored(&mut self, now: Timestamp) {
        let now = self.peek(now);
        let loaded = self.repo.load(now);
        // Everything loaded counts as saved; what is put from here on, as changed.
        let mark = registry::change_mark();
        for n in loaded.notices {
            if !self.notices.contains(&n) {
                self.notices.push(n);
            }
        }
        let mine = std::mem::replace(&mut self.registry, loaded.registry);
        let my_history = std::mem::replace(&mut self.history, loaded.history);
        self.history.merge_from(&my_history);
        // Changed models are told by their change count, changed plans by having a base.
        let models: Vec<&Model> =
            mine.all_models().iter().enumerate().filter(|&(i, _)| mine.change_count(i) >= self.sync_mark).map(|(_, m)| m).collect();
        let plans: Vec<&Plan> = mine.all_plans().iter().filter(|p| self.plan_bases.contains_key(&p.id)).collect();
        let mut report = MergeReport::default();
        self.take_in(models, &mut report);
        self.take_in(plans, &mut report);
        let conflicts = self.history.record(&report, now, settings::OTHER_TAB_SOURCE, true);
        self.events.push(Event::MergedWithOtherTab { conflicts });
        // The merged changes are still to be saved, over the versions now stored.
        self.sync_mark = mark;
    }

    /// Takes this tab's changed records into the registry just loaded: one edited over the version still
    /// stored replaces it; one edited over a version changed meanwhile (or of unknown base) is merged with
    /// it, the conflicts going to `report`. The versions now stored become the bases.
    fn take_in<T: Kind>(&mut self, changed: Vec<&T>, report: &mut MergeReport) {
        let old_bases = std::mem::take(T::bases(self));
        let mut bases = Bases::new();
        for mine in changed {
            let id = mine.record_id();
            let stored = T::find(&self.registry, id).map(|s| (s.clone(), version_of(s)));
            bases.insert(id.to_string(), stored.as_ref().map(|(_, v)| v.clone()));
            match stored {
                Some((s, v)) if old_bases.get(id).cloned().flatten().as_ref() != Some(&v) => {
                    let (merged, conflicts) = merge::merge_pair(&s, mine);
                    merged.put_into(&mut self.registry);
                    T::conflicts(report).extend(conflicts);
                }
                _ => mine.clone().put_into(&mut self.registry),
            }
        }
        *T::bases(self) = bases;
    }

    /// Another tab wrote (the storage event): takes in what it stored, keeping this tab's unsaved changes.
    /// Returns whether anything was read.
    pub fn refresh(&mut self, now: Timestamp) -> bool {
        self.assert_whole();
        self.load_clock();
        let now = self.peek(now);
        if self.repo.in_step() {
            self.settings = Settings::load_or_create(&self.repo, || self.settings.device_id.clone());
            return false;
        }
        if self.unsaved {
            self.absorb_stored(now);
            let _ = self.persist(now);
        } else {
            let loaded = self.repo.load(now);
            self.registry = loaded.registry;
            self.history = loaded.history;
            for n in loaded.notices {
                if !self.notices.contains(&n) {
                    self.notices.push(n);
                }
            }
            self.synced();
        }
        self.settings = Settings::load_or_create(&self.repo, || self.settings.device_id.clone());
        true
    }

    /// Saves changes left unsaved by a failed save (after room was made, say).
    pub fn save_pending(&mut self, now: Timestamp) -> Result<(), AppError> {
        if self.unsaved {
            self.persist(now)
        } else {
            Ok(())
        }
    }

    /// The officer chose to go on with what could be read of damaged storage: saves are allowed again.
    pub fn accept_damage(&mut self, now: Timestamp) -> Result<(), AppError> {
        self.repo.accept_damage();
        self.notices.retain(|n| !matches!(n, Notice::MissingChunks { .. } | Notice::CorruptKeptAside { .. }));
        self.touch_all();
        self.persist(now)
    }

    /// Marks every record as changed, made over unknown versions (a restore or an accepted damage
    /// rewrites the registry).
    fn touch_all(&mut self) {
        self.sync_mark = 0;
        self.model_bases.clear();
        self.plan_bases = self.registry.all_plans().iter().map(|p| (p.id.clone(), None)).collect();
    }

    /// Saves a backup of what storage holds, after saving what is in memory. The backup must be taken before
    /// an import or a restore; if it cannot, they do not happen.
    fn backup(&mut self, now: Timestamp, protect: Option<&str>) -> Result<String, AppError> {
        if self.repo.read_only().is_none() {
            self.persist(now).map_err(|_| AppError::BackupFailed)?;
        }
        match self.repo.write_backup(now, self.registry.live_count(), protect) {
            Ok((key, dropped)) => {
                if !dropped.is_empty() {
                    self.events.push(Event::BackupsDropped(dropped));
                }
                Ok(key)
            }
            Err(_) => Err(AppError::BackupFailed),
        }
    }
}
