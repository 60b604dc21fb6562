//! Tải khi cần: the parts of the app a first visit does not need (every page but the dashboard and the
//! model list, and the Excel writer) are split out of the main WebAssembly module into chunks fetched the
//! first time they are used (`wasm_split`; the build step is `public/split.mjs`). The service worker
//! precaches every chunk on the first visit, so afterwards they come from the cache, offline too.
//!
//! The Excel writer's split function is next to its caller (`pages/exchange.rs`), the sample data's in
//! `dashboard_cards.rs`, sync's (the settings card and the background runs) in `sync_panel.rs`.
//!
//! Each page here is a split function that builds the page's view; [`lazy_page`] shows it when its chunk
//! has arrived, a short "loading" line until then, and a translated message with "try again" when the
//! chunk cannot be fetched (the very first use with no network before the service worker had cached it).
//! Natively (tests, `cargo check`) a split function is an ordinary call.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::wasm_split::wasm_split;

pub use super::chunk::NotLoaded;
use super::pages;
use super::use_state;
use crate::i18n::Msg;

/// One split page per line: the chunk it goes in, the function that builds it, its arguments, its view.
macro_rules! split_pages {
    ($($chunk:ident :: $name:ident ( $($arg:ident : $ty:ty),* ) => $view:expr;)*) => {$(
        #[wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $name($($arg: $ty),*) -> Result<AnyView, NotLoaded> {
            Ok($view.into_any())
        }
    )*};
}

// Four chunks: wasm-split-cli also makes a chunk for the code each combination of chunks shares, so
// one chunk per page gave about a hundred small files (each a request, and each a slow wasm-opt run at
// build time). The pages are one chunk (after the first visit all come from the service worker's cache
// anyway); sharing (exchange, send) is another; the Excel writer, the largest, and the sample data are
// their own (their split functions are next to their callers).
split_pages! {
    pages::model_detail(id: String) => view! { <pages::model_detail::ModelDetailPage id=id/> };
    pages::model_form(id: Option<String>) => view! { <pages::model_form::ModelFormPage id=id/> };
    pages::plan_list() => view! { <pages::plans::PlansPage/> };
    pages::plan_detail(id: String) => view! { <pages::plans::PlanDetailPage id=id/> };
    pages::plan_form(id: Option<String>) => view! { <pages::plan_form::PlanFormPage id=id/> };
    pages::visit(query: String) => view! { <pages::visit::VisitPage query=query/> };
    pages::report(query: String) => view! { <pages::report::ReportPage query=query/> };
    pages::settings() => view! { <pages::settings::SettingsPage/> };
    share::exchange() => view! { <pages::exchange::ExchangePage/> };
    share::send(query: String) => view! { <pages::send::SendPage query=query/> };
}

/// Where a split page is: loading, shown, or its chunk could not be fetched.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Loading,
    Shown,
    Failed,
}

/// The page `load` builds, once its chunk is here. `load` is called again by "try again".
pub fn lazy_page<F, Fut>(load: F) -> AnyView
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<AnyView, NotLoaded>> + 'static,
{
    // One body for every page (the page switch calls this a dozen times): the future boxed.
    show_when_loaded(Rc::new(move || Box::pin(load()) as Pin<Box<dyn Future<Output = Result<AnyView, NotLoaded>>>>))
}

type Loader = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<AnyView, NotLoaded>>>>>;

fn show_when_loaded(load: Loader) -> AnyView {
    let state = use_state();
    let phase = RwSignal::new(Phase::Loading);
    let page: StoredValue<Option<AnyView>, LocalStorage> = StoredValue::new_local(None);
    // "Try again" runs from a click, outside any owner: the page is built under this one (its context).
    let owner = Owner::current();
    let start = move || {
        let load = load.clone();
        let build = move || {
            // Not tracked by the caller: the page's own reads must not rebuild the shell around it. Dropped
            // with the page if the officer goes elsewhere before the chunk arrives.
            untrack(move || {
                leptos::task::spawn_local_scoped_with_cancellation(async move {
                    match load().await {
                        Ok(view) => {
                            if phase.try_get_untracked().is_some() {
                                page.set_value(Some(view));
                                phase.set(Phase::Shown);
                            }
                        }
                        Err(NotLoaded) => {
                            let _ = phase.try_set(Phase::Failed);
                        }
                    }
                })
            });
        };
        match &owner {
            Some(owner) => owner.with(build),
            None => build(),
        }
    };
    start();
    let retry = StoredValue::new_local(start);
    (move || match phase.get() {
        Phase::Loading => view! {
            <p class="muted lazy-loading" role="status">{state.tr(Msg::PartLoading)}</p>
        }
        .into_any(),
        Phase::Shown => page.try_update_value(|p| p.take()).flatten().unwrap_or_else(|| ().into_any()),
        Phase::Failed => {
            view! {
                <div class="panel error lazy-failed" role="alert">
                    <p>{state.tr(Msg::PartNotLoaded)}</p>
                    <button type="button" class="button primary" on:click=move |_| {
                        phase.set(Phase::Loading);
                        retry.with_value(|start| start());
                    }>{state.tr(Msg::TryAgain)}</button>
                </div>
            }
            .into_any()
        }
    })
    .into_any()
}
