//! Kế hoạch: plans (being written).

use leptos::prelude::*;

use crate::i18n::Msg;
use crate::ui::state::use_state;

#[component]
pub fn PlansPage() -> impl IntoView {
    let state = use_state();
    view! { <section class="page"><h1>{move || state.t(Msg::PlansTitle)}</h1></section> }
}
