//! Giao diện: the Leptos components. The app shell (header, navigation, banners, toast) and the page
//! chosen from the URL fragment (see `routes`). Components read signals and call `domain`; they hold no
//! rules of their own.

mod camera;
mod capture;
mod charts_png;
mod chunk;
mod components;
mod dashboard_cards;
mod evaluation_sheet;
mod pages;
mod receive;
mod report_docx;
mod platform;
mod snapshot;
mod split;
mod state;
mod sync_http;
mod sync_panel;
mod url_state;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use leptos_router::components::{Route as RouterRoute, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::i18n::Msg;
use crate::routes::{Route, Tab};
use crate::storage::repository::{Notice, RECORDS_KEY, SETTINGS_KEY};
pub use state::{use_state, AppState};

/// Starts the app: panic screen, service worker, mount.
pub fn start() {
    platform::install_panic_screen();
    leptos::mount::mount_to_body(App);
    // The app is on screen: the last dashboard painted while it loaded goes.
    snapshot::remove_painted();
}

/// The root component: state, router, shell.
#[component]
pub fn App() -> impl IntoView {
    // The saved dashboard is only a nicety: when storage is full, the records get its room.
    let state = AppState::load(Box::new(snapshot::forget));
    provide_context(state);
    // The rest of the registry is read once the first screen is up (see state.rs).
    set_timeout(move || state.read_in_steps(), std::time::Duration::ZERO);
    platform::register_service_worker(move || state.update_ready.set(true));
    // <html lang> follows the chosen language.
    Effect::new(move |_| {
        let lang = state.lang.get();
        if let Some(el) = document().document_element() {
            let _ = el.set_attribute("lang", lang.code());
        }
        document().set_title(Msg::AppName.text(lang));
    });
    // Another tab changed the data: take it in (the manifest switches last in a save, so one event per
    // save; chunks and backups are ignored).
    let handle = window_event_listener(leptos::ev::storage, move |ev| {
        if matches!(ev.key().unwrap_or_default().as_str(), RECORDS_KEY | SETTINGS_KEY) {
            state.refresh_from_storage();
        }
    });
    // Every change is saved when it is made; the dashboard, if shown, is kept for the next cold start
    // (phones often end a page without pagehide, so also when it is hidden).
    let hide = window_event_listener(leptos::ev::pagehide, move |_| snapshot::save(&state));
    let hidden = window_event_listener(leptos::ev::visibilitychange, move |_| {
        if document().hidden() {
            snapshot::save(&state);
        }
    });
    // Sync with the city's server, when one is set up: now, and each time the network comes back.
    sync_panel::sync_soon(state);
    let online = window_event_listener(leptos::ev::online, move |_| sync_panel::sync_soon(state));
    on_cleanup(move || {
        online.remove();
        handle.remove();
        hide.remove();
        hidden.remove();
    });
    view! {
        <Router>
            <Routes fallback=|| view! { <Shell/> }>
                <RouterRoute path=path!("/*any") view=Shell/>
            </Routes>
        </Router>
    }
}

/// Header, navigation, banners and the current page.
#[component]
fn Shell() -> impl IntoView {
    let state = use_state();
    let location = use_location();
    let route = Memo::new(move |_| Route::parse(&location.hash.get()));
    // The page shown: the model list stays the same page while its filter (the URL query) changes, so
    // typing in its search box does not rebuild it; the list follows the query itself.
    // The same holds for the visit and the report, which write their commune and period to the URL: the
    // page made for the first address stays while only its query changes.
    let page = Memo::new(move |before: Option<&Route>| match (route.get(), before) {
        (Route::Models { .. }, _) => Route::Models { query: String::new() },
        (r @ (Route::Visit { .. } | Route::Report { .. }), Some(b)) if std::mem::discriminant(&r) == std::mem::discriminant(b) => b.clone(),
        (r, _) => r,
    });
    // (It keeps its last value on other pages, so leaving the list does not reset its filter.)
    let models_query = Memo::new(move |prev: Option<&String>| match route.get() {
        Route::Models { query } => query,
        _ => prev.cloned().unwrap_or_default(),
    });
    url_state::provide_came_from(route);
    // Each page starts at the top.
    Effect::new(move |_| {
        page.track();
        window().scroll_to_with_x_and_y(0.0, 0.0);
    });
    let t = move |m: Msg| state.t(m);
    let tab_label = move |tab: Tab| match tab {
        Tab::Dashboard => t(Msg::NavDashboard),
        Tab::Models => t(Msg::NavModels),
        Tab::Plans => t(Msg::NavPlans),
        Tab::Exchange => t(Msg::NavExchange),
        Tab::Settings => t(Msg::NavSettings),
    };
    let tab_icon = |tab: Tab| match tab {
        Tab::Dashboard => "▦",
        Tab::Models => "☰",
        Tab::Plans => "⚑",
        Tab::Exchange => "⇅",
        Tab::Settings => "⚙",
    };
    let unexported = move || state.settings.with(|s| s.unexported_changes);
    view! {
        <a class="skip" href="#main" on:click=|ev| {
            ev.prevent_default();
            if let Some(m) = document().get_element_by_id("main") {
                let _ = m.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        }>{state.tr(Msg::SkipToContent)}</a>
        <header class="app-header">
            <a class="brand" href="#/">
                <span class="brand-mark" aria-hidden="true">"DVK"</span>
                <span class="brand-name">{state.tr(Msg::AppName)}</span>
                <span class="brand-short">{state.tr(Msg::AppShort)}</span>
            </a>
            <components::LangSwitch/>
        </header>
        <components::Banners/>
        <nav class="tabs" aria-label=state.tr(Msg::MainNavigation)>
            {Tab::ALL
                .into_iter()
                .map(|tab| {
                    let current = move || route.with(|r| r.tab() == Some(tab));
                    view! {
                        <a
                            href=tab.route().href()
                            class="tab"
                            class:current=current
                            aria-current=move || if current() { Some("page") } else { None }
                            data-tab=tab.code()
                        >
                            <span class="tab-icon" aria-hidden="true">{tab_icon(tab)}</span>
                            <span class="tab-label">{move || tab_label(tab)}</span>
                            {(tab == Tab::Exchange).then(|| view! {
                                <Show when=move || { unexported() > 0 }>
                                    <span class="badge" title=state.tr(Msg::UnexportedChanges)>{unexported}</span>
                                </Show>
                            })}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        <main id="main" tabindex="-1" data-registry=move || if state.whole.get() { "whole" } else { "reading" }>
            {move || {
                // the page is a part of the screen a change's `then` may set (see state::Here)
                state::provide_scope();
                match page.get() {
                Route::Dashboard => view! { <pages::dashboard::DashboardPage/> }.into_any(),
                Route::Models { .. } => view! { <pages::models::ModelsPage query=models_query/> }.into_any(),
                // The other pages come in chunks fetched on first use (see split.rs).
                Route::NewModel => split::lazy_page(|| split::model_form(None)),
                // A model the summary holds opens at once; any other once the registry is whole, as do
                // the pages that need every record (see state.rs).
                Route::Model { id } => {
                    let known = model_known(state, &id);
                    view! { <components::WhenWhole ready=known>{let id = id.clone(); move || { let id = id.clone(); split::lazy_page(move || split::model_detail(id.clone())) }}</components::WhenWhole> }.into_any()
                }
                Route::EditModel { id } => {
                    let known = model_known(state, &id);
                    view! { <components::WhenWhole ready=known>{let id = id.clone(); move || { let id = id.clone(); split::lazy_page(move || split::model_form(Some(id.clone()))) }}</components::WhenWhole> }.into_any()
                }
                Route::Plans => whole_page(|| split::lazy_page(split::plan_list)),
                Route::NewPlan => whole_page(|| split::lazy_page(|| split::plan_form(None))),
                Route::Plan { id } => whole_page(move || { let id = id.clone(); split::lazy_page(move || split::plan_detail(id.clone())) }),
                Route::EditPlan { id } => whole_page(move || { let id = id.clone(); split::lazy_page(move || split::plan_form(Some(id.clone()))) }),
                Route::Visit { query } => split::lazy_page(move || split::visit(query.clone())),
                Route::Report { query } => whole_page(move || { let query = query.clone(); split::lazy_page(move || split::report(query.clone())) }),
                Route::Exchange => whole_page(|| split::lazy_page(split::exchange)),
                Route::Send { query } => whole_page(move || { let query = query.clone(); split::lazy_page(move || split::send(query.clone())) }),
                Route::Settings => split::lazy_page(split::settings),
                Route::NotFound { .. } => view! { <pages::not_found::NotFoundPage/> }.into_any(),
            }}}
        </main>
        <components::ToastView/>
    }
}

/// A page that needs every record: "still loading" until the registry is whole.
fn whole_page(page: impl Fn() -> AnyView + Send + Sync + 'static) -> AnyView {
    let state = use_state();
    view! {
        <Show when=move || state.whole.get() fallback=|| view! { <section class="page"><components::StillLoading/></section> }>
            {page()}
        </Show>
    }
    .into_any()
}

/// Whether the model `id` is read already (the summary's, or any once whole).
fn model_known(state: AppState, id: &str) -> Signal<bool> {
    let id = id.to_string();
    Signal::derive(move || state.registry.with(|r| r.get(&id).is_some()))
}

/// Banners for problems found at load time.
pub(crate) fn notice_text(n: &Notice, lang: crate::i18n::Lang) -> String {
    match n {
        Notice::CorruptKeptAside { .. } | Notice::CorruptLeftInPlace => Msg::ErrCorrupt.text(lang).to_string(),
        Notice::MissingChunks { chunks } => crate::i18n::tf(lang, Msg::NoticeMissingChunks, &[&chunks.len()]),
        Notice::NewerSchema { .. } => Msg::ErrNewerSchema.text(lang).to_string(),
        Notice::Unavailable => Msg::ErrStorageUnavailable.text(lang).to_string(),
    }
}
