//! The page for an address the app does not know.

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::ui::state::use_state;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let state = use_state();
    view! {
        <section class="page not-found" data-testid="not-found-page">
            <h1>{state.tr(Msg::NotFoundTitle)}</h1>
            <p>{state.tr(Msg::NotFoundBody)}</p>
            <a class="button primary" href="#/">{state.tr(Msg::BackToDashboard)}</a>
        </section>
    }
}
