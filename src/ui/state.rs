//! The app's shared state, given to every component as a context. The records live in one place, the
//! application layer (`crate::app::App`) on localStorage; components read them through `registry`,
//! `history` and `settings` (reactive views that cannot change anything) and change them only through
//! `change` / `update_settings`, which run the `App` operation (under a Web Lock where the browser has one,
//! so two tabs never write at once), tell the views, and show what happened.
//!
//! The app opens on the summary the last save stored (`App::open_gradual`): the dashboard, the list's first
//! screen and the remembered commune's models are there at once, and the chunks are read a few
//! milliseconds at a time, each step its own task so taps and keys are answered in between
//! (`read_in_steps`). Until the last one is read `whole` is false: pages that need every record say they
//! are still loading, and every change waits at the App's gate (`App::change`), landing in order once the
//! registry is whole. Nothing here changes the records except through that gate.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;

use crate::app::{App, AppError, Event, FutureChoice, ImportDone, ImportPlan, ImportStep, Settings};
use crate::domain::filter::Filter;
use crate::domain::history::History;
use crate::domain::registry::Registry;
use crate::domain::search::SearchIndex;
use crate::domain::time::Timestamp;
use crate::i18n::{tf, Catalogue, Lang, Msg};
use crate::domain::evidence::{self, ImageData};
use crate::domain::model::Model;
use crate::storage::browser::LocalStore;
use crate::storage::browser_images::IdbImageStore;
use crate::storage::StoreError;
use crate::storage::repository::{Notice, ReadOnly};

// The browser's clock and ids live in `platform`; pages take them from here with the state.
pub use super::platform::{fmt_local, fmt_local_date, fmt_local_precise, new_id, now, today};

/// What an undo button does. A plain shared closure, not a reactive `Callback`: the page that offered
/// it (e.g. the deleted model's page) is gone by the time the officer presses Undo.
pub type Undo = std::sync::Arc<dyn Fn() + Send + Sync>;

/// A short message shown at the bottom of the screen, with an optional undo.
#[derive(Clone)]
pub struct Toast {
    pub text: String,
    pub undo: Option<Undo>,
}

impl Toast {
    pub fn new(text: impl Into<String>) -> Toast {
        Toast { text: text.into(), undo: None }
    }
}

/// How long one step of work done in parts (the read, an import's save, a file's reading) may take before
/// it yields (a frame at 60 Hz is 16 ms; a tap waits at most about this long).
const STEP_MS: f64 = 12.0;

/// Runs `step` until it gives `Some` or `STEP_MS` have passed (then `None`: go on in a later task).
pub(crate) fn for_a_step<T>(mut step: impl FnMut() -> Option<T>) -> Option<T> {
    let start = js_sys::Date::now();
    loop {
        if let Some(done) = step() {
            return Some(done);
        }
        if js_sys::Date::now() - start > STEP_MS {
            return None;
        }
    }
}

thread_local! {
    /// The page's one `App`: the records, and every change to them.
    static APP: RefCell<Option<App<LocalStore>>> = const { RefCell::new(None) };
}

/// Reads the app (never while a change runs: changes run from event handlers, not inside reads).
fn with_app<T>(f: impl FnOnce(&App<LocalStore>) -> T) -> T {
    APP.with(|a| f(a.borrow().as_ref().expect("the app is open")))
}

fn with_app_mut<T>(f: impl FnOnce(&mut App<LocalStore>) -> T) -> T {
    APP.with(|a| f(a.borrow_mut().as_mut().expect("the app is open")))
}

/// A reactive, read-only view of part of the app's data: reading it in a memo or a view subscribes to
/// changes of that part.
pub struct View<T: 'static> {
    changed: Trigger,
    part: fn(&App<LocalStore>) -> &T,
}

impl<T: 'static> Clone for View<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: 'static> Copy for View<T> {}

impl<T: 'static> View<T> {
    pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        self.changed.track();
        with_app(|a| f((self.part)(a)))
    }

    pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        with_app(|a| f((self.part)(a)))
    }

    pub fn track(&self) {
        self.changed.track();
    }
}

impl<T: Clone + 'static> View<T> {
    pub fn get(&self) -> T {
        self.with(T::clone)
    }

    pub fn get_untracked(&self) -> T {
        self.with_untracked(T::clone)
    }
}

/// Everything the pages share.
#[derive(Clone, Copy)]
pub struct AppState {
    pub registry: View<Registry>,
    /// The folded text of every model for free-text search: made when first read (the first search, or
    /// focusing the search box), then kept up to date by refolding only the models that changed.
    pub search: Memo<SearchIndex>,
    /// Versions that lost to a concurrent edit (kept so nothing is lost).
    pub history: View<History>,
    pub settings: View<Settings>,
    pub lang: Memo<Lang>,
    pub toast: RwSignal<Option<Toast>>,
    /// Problems found when loading (damaged or newer data): shown until dismissed.
    pub notices: RwSignal<Vec<Notice>>,
    /// The last failed write, shown as a banner until a write succeeds.
    pub save_error: RwSignal<Option<Msg>>,
    /// A new version of the app is installed and waits for a reload.
    pub update_ready: RwSignal<bool>,
    /// Every chunk of the registry is read (see the module's doc). Until then `registry` holds only the
    /// summary's models.
    pub whole: RwSignal<bool>,
}

/// The message for a change that could not be made or saved.
pub fn error_msg(e: &AppError) -> Msg {
    match e {
        AppError::Quota => Msg::ErrQuota,
        AppError::Unavailable => Msg::ErrStorageUnavailable,
        AppError::ReadOnly(ReadOnly::NewerSchema) => Msg::ErrNewerSchema,
        AppError::ReadOnly(_) => Msg::ErrReadOnlyDamaged,
        AppError::NotFound => Msg::ErrRecordGone,
        AppError::BackupFailed => Msg::ErrBackupFailed,
        AppError::BackupUnreadable => Msg::ErrBackupUnreadable,
    }
}

impl AppState {
    /// Opens the app on localStorage and makes the views. `room_maker` frees what is not records when
    /// storage is full (the saved dashboard).
    pub fn load(room_maker: Box<dyn FnMut() -> bool>) -> AppState {
        let writer = (js_sys::Math::random() * 1024.0) as u64;
        let mut app = App::open_gradual(LocalStore, writer, now(), today(), || new_id()[..8].to_string());
        app.set_room_maker(room_maker);
        app.set_day_of(Box::new(super::platform::local_day));
        let whole = RwSignal::new(app.is_whole());
        let mut notices = app.notices().to_vec();
        if !crate::storage::browser::available() && !notices.contains(&Notice::Unavailable) {
            notices.push(Notice::Unavailable);
        }
        APP.with(|a| *a.borrow_mut() = Some(app));
        let registry = View { changed: Trigger::new(), part: App::registry };
        let history = View { changed: Trigger::new(), part: App::history };
        let settings = View { changed: Trigger::new(), part: App::settings };
        let lang = Memo::new(move |_| settings.with(|s| Lang::from_code(&s.lang).unwrap_or_default()));
        // Never compared: telling two indexes apart would cost as much as making one.
        let search = Memo::new_with_compare(
            move |previous: Option<&SearchIndex>| registry.with(|r| SearchIndex::build(r, previous)),
            |_, _| true,
        );
        AppState {
            registry,
            search,
            history,
            settings,
            lang,
            toast: RwSignal::new(None),
            notices: RwSignal::new(notices),
            save_error: RwSignal::new(None),
            update_ready: RwSignal::new(false),
            whole,
        }
    }

    /// Reads the rest of the registry, a few milliseconds of chunks per task (each under the records'
    /// lock, since the last one lets the waiting changes through), yielding to input in between; once it
    /// is whole, tells the views, runs what the waiting changes' callers do with their results, and keeps
    /// a summary for the next cold start when the stored one would not be used.
    pub fn read_in_steps(&self) {
        let state = *self;
        if state.whole.get_untracked() {
            state.keep_summary();
            return;
        }
        if super::platform::read_held() {
            set_timeout(move || state.read_in_steps(), std::time::Duration::from_millis(20));
            return;
        }
        super::platform::with_records_lock(Box::new(move || {
            let landed = with_app_mut(|app| for_a_step(|| app.load_more(now(), 1)));
            match landed {
                None => {
                    set_timeout(move || state.read_in_steps(), std::time::Duration::ZERO);
                }
                Some(landed) => {
                    let notices = with_app(|a| a.notices().to_vec());
                    state.whole.set(true);
                    state.registry.changed.notify();
                    state.history.changed.notify();
                    state.settings.changed.notify();
                    if state.notices.with_untracked(|n| *n != notices) {
                        state.notices.set(notices);
                    }
                    for done in landed {
                        done();
                    }
                    state.keep_summary();
                }
            }
        }));
    }

    /// Writes the summary for the next cold start if the stored one would not be used (`App::keep_summary`).
    fn keep_summary(&self) {
        super::platform::with_records_lock(Box::new(move || {
            if let Some(done) = with_app_mut(|app| app.change(now(), |app, now| app.keep_summary(now), |_| ())) {
                done();
            }
        }));
    }

    /// The number of live models, reactive: the summary's while the registry is not whole (never the count
    /// of the few models read so far).
    pub fn live_count(&self) -> usize {
        if self.whole.get() {
            self.registry.with(|r| r.live_count())
        } else {
            self.registry.track();
            with_app(|a| a.summary().map_or(0, |s| s.dashboard.live))
        }
    }

    /// The dashboard of the whole registry as the stored summary has it, while the registry is not whole.
    pub fn summary_dashboard(&self) -> Option<crate::domain::stats::Dashboard> {
        self.whole.track();
        with_app(|a| a.summary().map(|s| s.dashboard.clone()))
    }

    /// The commune whose models are all read already (the summary's), while the registry is not whole.
    pub fn summary_commune(&self) -> Option<u32> {
        with_app(|a| a.summary().and_then(|s| s.commune))
    }

    /// The text of a message of any catalogue in the current language (reactive).
    pub fn t<M: Catalogue>(&self, msg: M) -> &'static str {
        msg.text(self.lang.get())
    }

    /// A label for a view (child or attribute) that follows the language. Every label shares this one
    /// closure type, so the view code for it is generated once instead of once per label (about 150 in
    /// the app): smaller wasm than writing `move || t(Msg::…)` at each place. One per catalogue: a
    /// chunk's labels (`PageMsg`…) have theirs in that chunk.
    pub fn tr<M: Catalogue>(&self, msg: M) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || msg.text(lang.get())
    }

    /// Runs a change of the records (an `App` operation), under the records' Web Lock where the browser has
    /// one, then tells the views and shows what happened (a failed save, a merge with another tab, backups
    /// dropped for room). `then` gets the operation's result, but only while the part of the screen that
    /// asked for the change is still there ([`Here`]): a change can land long after it was asked for (it
    /// waits at the gate while the registry is read, and for the Web Lock), and by then its page may be
    /// gone with its signals (setting one would trap). When it is gone, a failure is still told (a toast).
    pub fn change<R: 'static>(
        &self,
        op: impl FnOnce(&mut App<LocalStore>, Timestamp) -> Result<R, AppError> + 'static,
        then: impl FnOnce(Result<R, AppError>) + 'static,
    ) {
        self.change_at(Here::now(), op, |_| None, then);
    }

    /// [`change`](Self::change), with what to tell when it succeeds: `told`'s toast is shown whether or
    /// not the page that asked is still there (e.g. "evaluation saved" after the officer moved on), then
    /// `then` runs if it is.
    pub fn change_told<R: 'static>(
        &self,
        op: impl FnOnce(&mut App<LocalStore>, Timestamp) -> Result<R, AppError> + 'static,
        told: impl FnOnce(&R) -> Option<Toast> + 'static,
        then: impl FnOnce(Result<R, AppError>) + 'static,
    ) {
        self.change_at(Here::now(), op, told, then);
    }

    /// [`change_told`](Self::change_told) asked for from `here`, taken before: for a change asked for in
    /// a `spawn_local` future (after an `.await` there is no owner to tell where it runs).
    pub fn change_at<R: 'static>(
        &self,
        here: Here,
        op: impl FnOnce(&mut App<LocalStore>, Timestamp) -> Result<R, AppError> + 'static,
        told: impl FnOnce(&R) -> Option<Toast> + 'static,
        then: impl FnOnce(Result<R, AppError>) + 'static,
    ) {
        self.change_anywhere(op, self.answer(here, told, then));
    }

    /// What the asker of a change gets once it landed: `told`'s toast whether or not the part of the screen
    /// that asked (`here`) is still there, then `then` if it is, or else a failure told as a toast.
    fn answer<R: 'static>(
        &self,
        here: Here,
        told: impl FnOnce(&R) -> Option<Toast> + 'static,
        then: impl FnOnce(Result<R, AppError>) + 'static,
    ) -> impl FnOnce(Result<R, AppError>) + 'static {
        let state = *self;
        move |result| {
            if let Ok(r) = &result {
                if let Some(t) = told(r) {
                    state.toast.set(Some(t));
                }
            }
            if here.is_there() {
                then(result);
            } else if let Err(e) = &result {
                state.show_error(e);
            }
        }
    }

    /// [`change`](Self::change) whose `then` always runs, wherever it was asked from: for a caller that is
    /// no part of the screen (the sync's driver awaits every step's result). `then` must not set a page's
    /// signals.
    pub fn change_anywhere<R: 'static>(
        &self,
        op: impl FnOnce(&mut App<LocalStore>, Timestamp) -> Result<R, AppError> + 'static,
        then: impl FnOnce(Result<R, AppError>) + 'static,
    ) {
        let state = *self;
        super::platform::with_records_lock(Box::new(move || {
            // Through the App's gate: while the registry is not whole the change waits there, and this
            // runs when it lands (from `read_in_steps`).
            let landed = with_app_mut(|app| {
                app.change(
                    now(),
                    move |app, now| {
                        let r = op(app, now);
                        (r, app.take_events(), app.notices().to_vec())
                    },
                    move |(result, events, notices)| state.changed(result, events, notices, then),
                )
            });
            if let Some(done) = landed {
                done();
            }
        }));
    }

    /// Imports a planned file with its save done in steps (`App::begin_import` / `import_more`), about
    /// `STEP_MS` a task, yielding in between as the gradual open does, so the screen answers throughout:
    /// `progress` (chunks written, of how many) moves with it. The import begins through the gate like any
    /// change; its steps hold the records' Web Lock from the first to the last, and every other change of
    /// this tab waits at the App's gate until it ends (then they land, in order). `told` and `then` as in
    /// [`change_at`](Self::change_at); the steps go on if the page that asked is gone.
    pub fn import(
        &self,
        here: Here,
        plan: ImportPlan,
        choice: FutureChoice,
        progress: RwSignal<Option<(usize, usize)>>,
        told: impl FnOnce(&ImportDone) -> Option<Toast> + 'static,
        then: impl FnOnce(Result<ImportDone, AppError>) + 'static,
    ) {
        let state = *self;
        let finish = move |result: Result<ImportDone, AppError>, events: Vec<Event>, notices: Vec<Notice>| {
            let _ = progress.try_set(None);
            state.changed(result, events, notices, state.answer(here, told, then));
        };
        super::platform::with_records_lock(Box::new(move || {
            let landed = with_app_mut(|app| {
                app.change(
                    now(),
                    move |app, now| {
                        let r = app.begin_import(plan, choice, now);
                        (r, app.take_events(), app.notices().to_vec())
                    },
                    move |(begun, events, notices)| match begun {
                        Ok(p) => {
                            let _ = progress.try_set(Some(p));
                            super::platform::with_records_lock_held(Box::new(move |release| {
                                state.import_steps(progress, events, Box::new(finish), release);
                            }));
                        }
                        Err(e) => finish(Err(e), events, notices),
                    },
                )
            });
            if let Some(done) = landed {
                done();
            }
        }));
    }

    /// One task of an import's save: steps for about `STEP_MS`, then yields (or ends: lets go of the
    /// lock, tells what happened, and lands the changes that waited).
    fn import_steps(
        self,
        progress: RwSignal<Option<(usize, usize)>>,
        mut events: Vec<Event>,
        finish: Box<dyn FnOnce(Result<ImportDone, AppError>, Vec<Event>, Vec<Notice>)>,
        release: Box<dyn FnOnce()>,
    ) {
        let mut so_far = None;
        let step = with_app_mut(|app| {
            for_a_step(|| match app.import_more(now(), 1) {
                ImportStep::More { done, total } => {
                    so_far = Some((done, total));
                    None
                }
                ImportStep::Done(result, landed) => Some((result, landed, app.take_events(), app.notices().to_vec())),
            })
        });
        match step {
            None => {
                let _ = progress.try_set(so_far);
                let state = self;
                set_timeout(move || state.import_steps(progress, events, finish, release), std::time::Duration::ZERO);
            }
            Some((result, landed, more, notices)) => {
                release();
                events.extend(more);
                finish(result, events, notices);
                for done in landed {
                    done();
                }
            }
        }
    }

    /// A change landed: tells the views and shows what happened.
    fn changed<R>(&self, result: Result<R, AppError>, events: Vec<Event>, notices: Vec<Notice>, then: impl FnOnce(Result<R, AppError>)) {
        let state = *self;
        {
            state.registry.changed.notify();
            state.history.changed.notify();
            state.settings.changed.notify();
            match &result {
                Ok(_) => state.save_error.set(None),
                Err(e) if matches!(e, AppError::Quota | AppError::Unavailable | AppError::ReadOnly(_)) => state.save_error.set(Some(error_msg(e))),
                Err(_) => {}
            }
            if state.notices.with_untracked(|n| *n != notices) {
                state.notices.set(notices);
            }
            state.show_events(events);
            then(result);
        }
    }

    fn show_events(&self, events: Vec<Event>) {
        let lang = self.lang.get_untracked();
        for e in events {
            let text = match e {
                Event::MergedWithOtherTab { conflicts: 0 } => Msg::ChangedInOtherTab.text(lang).to_string(),
                Event::MergedWithOtherTab { conflicts } => tf(lang, Msg::MergedWithOtherTabConflicts, &[&conflicts]),
                Event::BackupsDropped(list) => {
                    let times: Vec<String> = list.iter().map(|b| fmt_local_precise(lang, b.at)).collect();
                    tf(lang, Msg::BackupsDropped, &[&times.join(", ")])
                }
            };
            self.show_toast(text, None);
        }
    }

    /// Changes the settings and writes them (no lock needed: they hold no records).
    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) {
        let result = with_app_mut(|app| app.update_settings(change));
        self.settings.changed.notify();
        if let Err(e) = result {
            self.save_error.set(Some(error_msg(&e)));
        }
    }

    /// Reads the app directly (for a value not worth a view, e.g. the backups list or a draft).
    pub fn read<T>(&self, f: impl FnOnce(&App<LocalStore>) -> T) -> T {
        with_app(f)
    }

    /// Keeps what a form holds (a draft), so a killed tab loses nothing.
    /// (Through the gate, without the lock or telling the views: a draft holds no records, but it waits
    /// with the changes so a discard after a save is never undone by a draft written late.)
    pub fn save_draft(&self, form: &str, text: String) {
        let form = form.to_string();
        self.gate(move |app, now| {
            let _ = app.save_draft(&form, text, now);
        });
    }

    pub fn discard_draft(&self, form: &str) {
        let form = form.to_string();
        self.gate(move |app, _| app.discard_draft(&form));
    }

    /// Runs `op` through the App's gate (now, or once the registry is whole), with nothing to tell.
    fn gate(&self, op: impl FnOnce(&mut App<LocalStore>, Timestamp) + 'static) {
        if let Some(done) = with_app_mut(|app| app.change(now(), op, |()| ())) {
            done();
        }
    }

    /// The models `filter` selects, unsorted (for statistics and counts). The search index is read (and
    /// made, the first time) only when the filter has text.
    pub fn select_unsorted(&self, filter: &Filter, registry: &Registry) -> Vec<usize> {
        if filter.text.trim().is_empty() {
            filter.select_unsorted(registry, None)
        } else {
            self.search.with(|ix| filter.select_unsorted(registry, Some(ix)))
        }
    }

    /// Is everything on screen written to storage?
    pub fn is_saved(&self) -> bool {
        self.whole.get_untracked() && with_app(|a| a.waiting() == 0 && a.import_progress().is_none()) && !with_app(|a| a.unsaved()) && self.save_error.with_untracked(|e| e.is_none())
    }

    /// The stored forms of the records' manifest and of the settings as this page last wrote or read them
    /// (see `ui::snapshot`).
    pub fn stored_forms(&self) -> (Option<String>, Option<String>) {
        with_app(|a| (a.repository().manifest_text(), serde_json::to_string(a.settings()).ok()))
    }

    /// Another tab wrote the records or the settings: take them in (keeping this tab's unsaved changes).
    pub fn refresh_from_storage(&self) {
        let state = *self;
        self.change(
            |app, now| Ok(app.refresh(now)),
            move |changed| {
                if changed == Ok(true) {
                    state.show_toast(state.t(Msg::ChangedInOtherTab).to_string(), None);
                }
            },
        );
    }

    pub fn show_toast(&self, text: String, undo: Option<Undo>) {
        self.toast.set(Some(Toast { text, undo }));
    }

    /// Shows a failed change as a toast (a save failure also stays as a banner).
    pub fn show_error(&self, e: &AppError) {
        self.show_toast(self.t(error_msg(e)).to_string(), None);
    }

    // The photos' images live apart from the records (IndexedDB): pages reach them only through these.

    /// The size of each stored image, by SHA-256 (none when the image store cannot be read).
    pub async fn image_sizes(&self) -> BTreeMap<String, u64> {
        crate::app::image_sizes(&IdbImageStore).await.unwrap_or_default()
    }

    /// The exchange file of `models` with the images this device has in their photos, and how many
    /// photos went without theirs.
    pub async fn export_with_photos(&self, models: &[Model]) -> (String, usize) {
        let images = crate::app::load_images(&IdbImageStore, &evidence::image_refs(models)).await.unwrap_or_default();
        self.read(|app| app.export_with_images(models, &images, now()))
    }

    /// Writes a file's images before its import (`app::store_images`); on failure, what to tell the
    /// officer (nothing was written then).
    pub async fn store_images(&self, images: &[ImageData]) -> Result<usize, Msg> {
        crate::app::store_images(&IdbImageStore, images).await.map_err(|e| match e {
            StoreError::QuotaExceeded => Msg::ImportPhotosFull,
            _ => Msg::PhotoStoreUnavailable,
        })
    }
}

/// A part of the screen whose signals a change's `then` may set: a page (the shell provides one around
/// each page it shows) or a part that comes and goes within one (the evaluation sheet). Provided as a
/// context on the current reactive owner; its flag drops when that owner is cleaned up, which is when the
/// signals made with it are disposed.
#[derive(Clone)]
struct Scope(Arc<AtomicBool>);

/// Marks the current owner as a [`Scope`] (call it at the top of a page or of a part that comes and goes).
pub fn provide_scope() {
    let there = Arc::new(AtomicBool::new(true));
    let flag = there.clone();
    on_cleanup(move || flag.store(false, Ordering::Relaxed));
    provide_context(Scope(there));
}

/// Where a change was asked from: the nearest [`Scope`] above the current owner (an event handler runs
/// under the owner its view was made in; a `spawn_local` future under none, unless it is
/// `spawn_local_scoped`). Asked when the change lands.
#[derive(Clone)]
pub struct Here(Option<Arc<AtomicBool>>);

impl Here {
    pub fn now() -> Here {
        Here(use_context::<Scope>().map(|s| s.0))
    }

    /// Is that part of the screen still there? (Always, for a change asked from outside any.)
    pub fn is_there(&self) -> bool {
        self.0.as_ref().is_none_or(|t| t.load(Ordering::Relaxed))
    }
}

/// The state given by `App`.
pub fn use_state() -> AppState {
    expect_context::<AppState>()
}
