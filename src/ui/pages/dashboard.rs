//! Tổng quan: headline figures and charts (being written).

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::ui::state::use_state;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = use_state();
    view! { <section class="page"><h1>{move || state.t(Msg::DashboardTitle)}</h1></section> }
}
