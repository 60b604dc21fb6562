//! The app's shared state, given to every component as a context. The records live in one place, the
//! application layer (`crate::app::App`) on localStorage; components read them through `registry`,
//! `history` and `settings` (reactive views that cannot change anything) and change them only through
//! `change` / `update_settings`, which run the `App` operation (under a Web Lock where the browser has one,
//! so two tabs never write at once), tell the views, and show what happened.

use std::cell::RefCell;
use std::collections::BTreeMap;

use leptos::prelude::*;

use crate::app::{App, AppError, Event, Settings};
use crate::domain::filter::Filter;
use crate::domain::history::History;
use crate::domain::registry::Registry;
use crate::domain::search::SearchIndex;
use crate::domain::time::Timestamp;
use crate::i18n::{tf, Lang, Msg};
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
        let mut app = App::open(LocalStore, writer, now(), || new_id()[..8].to_string());
        app.set_room_maker(room_maker);
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
        }
    }

    /// The text of a message in the current language (reactive).
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }

    /// A label for a view (child or attribute) that follows the language. Every label shares this one
    /// closure type, so the view code for it is generated once instead of once per label (about 150 in
    /// the app): smaller wasm than writing `move || t(Msg::…)` at each place.
    pub fn tr(&self, msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.lang;
        move || msg.text(lang.get())
    }

    /// Runs a change of the records (an `App` operation), under the records' Web Lock where the browser has
    /// one, then tells the views and shows what happened (a failed save, a merge with another tab, backups
    /// dropped for room). `then` gets the operation's result.
    pub fn change<R: 'static>(
        &self,
        op: impl FnOnce(&mut App<LocalStore>, Timestamp) -> Result<R, AppError> + 'static,
        then: impl FnOnce(Result<R, AppError>) + 'static,
    ) {
        let state = *self;
        super::platform::with_records_lock(Box::new(move || {
            let (result, events, notices) = with_app_mut(|app| {
                let r = op(app, now());
                (r, app.take_events(), app.notices().to_vec())
            });
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
        }));
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
    pub fn save_draft(&self, form: &str, text: String) {
        let _ = with_app_mut(|app| app.save_draft(form, text, now()));
    }

    pub fn discard_draft(&self, form: &str) {
        with_app_mut(|app| app.discard_draft(form));
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
        !with_app(|a| a.unsaved()) && self.save_error.with_untracked(|e| e.is_none())
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

/// The state given by `App`.
pub fn use_state() -> AppState {
    expect_context::<AppState>()
}
