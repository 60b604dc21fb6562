//! The page for an address the app does not know.

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::ui::state::use_state;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let state = use_state();
    let t = move |m: Msg| state.t(m);
    view! {
        <section class="page not-found" data-testid="not-found-page">
            <h1>{move || t(Msg::NotFoundTitle)}</h1>
            <p>{move || t(Msg::NotFoundBody)}</p>
            <a class="button primary" href="#/">{move || t(Msg::BackToDashboard)}</a>
        </section>
    }
}
