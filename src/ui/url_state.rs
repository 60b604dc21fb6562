//! Trạng thái trong địa chỉ: the one way a page keeps what the officer chose (a filter, a commune, a
//! period) in the URL fragment, so the view can be bookmarked, shared, reloaded and restored by back and
//! forward. Every write goes through the router (so it knows the current address) and replaces the
//! current history entry (choosing must not flood "back"). While the officer types, `Pause` holds a write
//! back until the typing stops.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::routes::Route;

/// How long typing must stop before a held-back write happens.
pub const TYPING_PAUSE: Duration = Duration::from_millis(400);

/// Writes a route into the URL in place of the current one. Made in a component's body (it needs the
/// router); copied freely into event handlers and effects.
#[derive(Clone, Copy)]
pub struct UrlWriter {
    navigate: StoredValue<Box<dyn Fn(&str, NavigateOptions)>, LocalStorage>,
}

/// The page's `UrlWriter`.
pub fn use_url_writer() -> UrlWriter {
    let navigate = use_navigate();
    UrlWriter { navigate: StoredValue::new_local(Box::new(navigate)) }
}

impl UrlWriter {
    /// Shows `route` in the address bar, replacing the current entry.
    pub fn replace(&self, route: &Route) {
        let path = window().location().pathname().unwrap_or_default();
        let url = format!("{path}{}", route.href());
        self.navigate.with_value(|n| n(&url, NavigateOptions { resolve: false, replace: true, scroll: false, ..Default::default() }));
    }

    /// Keeps `route()` in the URL: each change after the page's first drawing is written at once.
    pub fn follow(self, route: impl Fn() -> Route + 'static) {
        Effect::new(move |drawn: Option<()>| {
            let r = route();
            if drawn.is_some() {
                self.replace(&r);
            }
        });
    }
}

/// A write held back until typing pauses: `hold` starts (or restarts) the wait, `flush` does a waiting
/// write at once (when the officer leaves the box), `cancel` drops it. A waiting write is dropped when the
/// page goes.
#[derive(Clone, Copy)]
pub struct Pause {
    waiting: StoredValue<Option<(TimeoutHandle, Box<dyn FnOnce()>)>, LocalStorage>,
}

impl Pause {
    pub fn new() -> Pause {
        let pause = Pause { waiting: StoredValue::new_local(None) };
        on_cleanup(move || {
            pause.cancel();
        });
        pause
    }

    /// Does `write` once typing has paused for `TYPING_PAUSE` (a later `hold` replaces it).
    pub fn hold(&self, write: impl FnOnce() + 'static) {
        self.cancel();
        let this = *self;
        let Ok(handle) = set_timeout_with_handle(move || this.flush(), TYPING_PAUSE) else {
            write();
            return;
        };
        self.waiting.set_value(Some((handle, Box::new(write))));
    }

    /// Does the waiting write now, if there is one.
    pub fn flush(&self) {
        if let Some((handle, write)) = self.waiting.try_update_value(|w| w.take()).flatten() {
            handle.clear();
            write();
        }
    }

    /// Drops the waiting write; says whether there was one.
    pub fn cancel(&self) -> bool {
        match self.waiting.try_update_value(|w| w.take()).flatten() {
            Some((handle, _)) => {
                handle.clear();
                true
            }
            None => false,
        }
    }
}

/// The list page the officer came from (the model list with its filter, the field visit, …), so a
/// model's page can lead back to it. Forms (new, edit) and records' pages are passed over: coming back
/// from editing a model still leads to the visit it was opened from.
#[derive(Clone, Copy)]
pub struct CameFrom(pub Signal<Option<Route>>);

/// Records `CameFrom` as `route` changes; called once by the app's shell. A memo (not an effect), so a
/// page made for the new route already reads where it came from.
pub fn provide_came_from(route: Memo<Route>) {
    let track = Memo::new(move |before: Option<&(Option<Route>, Route)>| {
        let now = route.get();
        match before {
            None => (None, now),
            Some((came_from, before)) => {
                let a_list = !matches!(
                    before,
                    Route::Model { .. } | Route::EditModel { .. } | Route::NewModel | Route::NewPlan | Route::EditPlan { .. } | Route::NotFound { .. }
                );
                if a_list && std::mem::discriminant(before) != std::mem::discriminant(&now) {
                    (Some(before.clone()), now)
                } else {
                    (came_from.clone(), now)
                }
            }
        }
    });
    // Read at every change, so no step is skipped while no page asks.
    Effect::new(move |_| track.with(|_| ()));
    provide_context(CameFrom(Signal::derive(move || track.with(|t| t.0.clone()))));
}

/// Where "back" leads from a record's page: the list it was opened from, else the model list.
pub fn back_from_model() -> (Route, crate::i18n::PageMsg) {
    use crate::i18n::PageMsg;
    match use_context::<CameFrom>().and_then(|c| c.0.get_untracked()) {
        Some(r @ Route::Visit { .. }) => (r, PageMsg::BackToVisit),
        Some(r @ Route::Models { .. }) => (r, PageMsg::BackToList),
        _ => (Route::Models { query: String::new() }, PageMsg::BackToList),
    }
}
