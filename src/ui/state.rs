//! The app's shared state, given to every component as a context: the registry, the settings, the
//! language, and the one place that persists them (`commit`). Components read these signals and call the
//! domain; they never write storage themselves.

use leptos::prelude::*;
use serde_json::Value;

use crate::domain::filter::Filter;
use crate::domain::registry::Registry;
use crate::domain::search::SearchIndex;
use crate::domain::time::{Date, Timestamp};
use crate::i18n::{Lang, Msg};
use crate::storage::browser::LocalStore;
use crate::storage::repository::{Notice, Repository, SaveError, Settings};
use crate::storage::StoreError;

/// What an undo button does. A plain shared closure, not a reactive `Callback`: the page that offered
/// it (e.g. the deleted model's page) is gone by the time the officer presses Undo.
pub type Undo = std::sync::Arc<dyn Fn() + Send + Sync>;

/// A short message shown at the bottom of the screen, with an optional undo.
#[derive(Clone)]
pub struct Toast {
    pub text: String,
    pub undo: Option<Undo>,
}

/// Everything the pages share.
#[derive(Clone, Copy)]
pub struct AppState {
    pub registry: RwSignal<Registry>,
    /// The folded text of every model for free-text search: made when first read (the first search, or
    /// focusing the search box), then kept up to date by refolding only the models that changed.
    pub search: Memo<SearchIndex>,
    /// Versions that lost a merge (kept so nothing is lost).
    pub history: RwSignal<Vec<Value>>,
    pub settings: RwSignal<Settings>,
    pub lang: Memo<Lang>,
    pub toast: RwSignal<Option<Toast>>,
    /// Problems found when loading (damaged or newer data): shown until dismissed.
    pub notices: RwSignal<Vec<Notice>>,
    /// The last failed write, shown as a banner until a write succeeds.
    pub save_error: RwSignal<Option<Msg>>,
    /// A new version of the app is installed and waits for a reload.
    pub update_ready: RwSignal<bool>,
    /// A write of the registry is scheduled.
    persist_pending: StoredValue<bool>,
}

/// Now, from the browser's clock.
pub fn now() -> Timestamp {
    Timestamp::from_unix_millis(js_sys::Date::now() as i64)
}

/// Today in the officer's local calendar.
pub fn today() -> Date {
    let d = js_sys::Date::new_0();
    Date::from_ymd(d.get_full_year() as i32, d.get_month() as u8 + 1, d.get_date() as u8).unwrap_or_else(|| now().date())
}

/// A moment in the device's local time, as "2026-11-29 15:04".
pub fn fmt_local(ts: Timestamp) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ts.unix_millis() as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// A new random id (UUID v4).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

thread_local! {
    /// The one repository of the page: it remembers which stored chunks are current, so a save writes
    /// only what changed.
    static REPO: Repository<LocalStore> = Repository::new(LocalStore);
}

/// The page's one repository. Backups go through it too: it knows which chunks are stored, so taking a
/// backup writes nothing but the backup's manifest.
pub fn with_repo<T>(f: impl FnOnce(&Repository<LocalStore>) -> T) -> T {
    REPO.with(f)
}

impl AppState {
    /// Loads everything from storage and makes the signals.
    pub fn load() -> AppState {
        let loaded = with_repo(|r| r.load(now()));
        let mut settings = with_repo(|r| r.load_settings());
        if settings.device_id.is_empty() {
            settings.device_id = new_id()[..8].to_string();
            let _ = with_repo(|r| r.save_settings(&settings));
        }
        let mut notices = loaded.notices;
        if !crate::storage::browser::available() && !notices.contains(&Notice::Unavailable) {
            notices.push(Notice::Unavailable);
        }
        let settings = RwSignal::new(settings);
        let lang = Memo::new(move |_| settings.with(|s| Lang::from_code(&s.lang).unwrap_or_default()));
        let registry = RwSignal::new(loaded.registry);
        // Never compared: telling two indexes apart would cost as much as making one.
        let search = Memo::new_with_compare(
            move |previous: Option<&SearchIndex>| registry.with(|r| SearchIndex::build(r, previous)),
            |_, _| true,
        );
        AppState {
            registry,
            search,
            history: RwSignal::new(loaded.history),
            settings,
            lang,
            toast: RwSignal::new(None),
            notices: RwSignal::new(notices),
            save_error: RwSignal::new(None),
            update_ready: RwSignal::new(false),
            persist_pending: StoredValue::new(false),
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

    /// Changes the registry and writes it to storage. A failed write keeps the change on screen and shows
    /// why; the last good stored copy stays as it was.
    pub fn commit(&self, change: impl FnOnce(&mut Registry)) {
        self.registry.update(change);
        self.settings.update(|s| s.unexported_changes = s.unexported_changes.saturating_add(1));
        self.save_settings();
        self.schedule_persist();
    }

    /// Writes the registry right after the screen has updated (a large registry takes a moment to
    /// encode); several changes in a row are written once.
    pub fn schedule_persist(&self) {
        if self.persist_pending.get_value() {
            return;
        }
        self.persist_pending.set_value(true);
        let state = *self;
        set_timeout(
            move || state.flush(),
            std::time::Duration::from_millis(30),
        );
    }

    /// Writes a scheduled change now (the page is being hidden or closed).
    pub fn flush(&self) {
        if self.persist_pending.get_value() {
            self.persist_pending.set_value(false);
            self.persist();
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

    /// Is everything on screen written to storage (nothing waiting, the last write succeeded)?
    pub fn is_saved(&self) -> bool {
        !self.persist_pending.get_value() && self.save_error.with_untracked(|e| e.is_none())
    }

    /// The stored forms of the records' manifest and of the settings as this page last wrote or read them
    /// (see `ui::snapshot`).
    pub fn stored_forms(&self) -> (Option<String>, Option<String>) {
        (with_repo(|r| r.manifest_text()), self.settings.with_untracked(|s| serde_json::to_string(s).ok()))
    }

    /// Writes the registry as it is now.
    pub fn persist(&self) -> bool {
        let save = || self.registry.with_untracked(|r| self.history.with_untracked(|h| with_repo(|repo| repo.save(r, h))));
        let mut result = save();
        if matches!(result, Err(SaveError::Store(StoreError::QuotaExceeded))) {
            // The dashboard snapshot is only a nicety: the records need the room.
            super::snapshot::forget();
            result = save();
        }
        match result {
            Ok(_) => {
                self.save_error.set(None);
                true
            }
            Err(e) => {
                self.save_error.set(Some(match e {
                    SaveError::Store(StoreError::QuotaExceeded) => Msg::ErrQuota,
                    SaveError::Store(StoreError::Unavailable) => Msg::ErrStorageUnavailable,
                    SaveError::ReadOnly => {
                        let newer = self.notices.with_untracked(|n| n.iter().any(|x| matches!(x, Notice::NewerSchema { .. })));
                        if newer { Msg::ErrNewerSchema } else { Msg::ErrCorrupt }
                    }
                    SaveError::Store(StoreError::Other(_)) => Msg::ErrStorageUnavailable,
                }));
                false
            }
        }
    }

    /// Writes the settings.
    pub fn save_settings(&self) {
        let ok = self.settings.with_untracked(|s| with_repo(|r| r.save_settings(s)));
        if let Err(StoreError::QuotaExceeded) = ok {
            self.save_error.set(Some(Msg::ErrQuota));
        }
    }

    /// Reloads the registry from storage (after another tab changed it).
    pub fn reload_from_storage(&self) {
        let loaded = with_repo(|r| r.load(now()));
        self.registry.set(loaded.registry);
        self.history.set(loaded.history);
        self.reload_settings();
    }

    /// Reloads the settings from storage (another tab changed them).
    pub fn reload_settings(&self) {
        let s = with_repo(|r| r.load_settings());
        if self.settings.with_untracked(|cur| *cur != s) {
            self.settings.set(s);
        }
    }

    /// Who changes are stamped with.
    pub fn stamp(&self) -> String {
        self.settings.with_untracked(|s| s.stamp())
    }

    pub fn show_toast(&self, text: String, undo: Option<Undo>) {
        self.toast.set(Some(Toast { text, undo }));
    }
}

/// The state given by `App`.
pub fn use_state() -> AppState {
    expect_context::<AppState>()
}
