//! Đi cơ sở: the field-visit screen. The officer picks the commune they are in; its models are listed
//! with those never evaluated (or not for a year) first, each one tap from its evaluation form.

use leptos::prelude::*;

use crate::domain::filter::Filter;
use crate::domain::locality::Localities;
use crate::domain::progress::needs_visit;
use crate::i18n::{number, tf, Msg, Named};
use crate::routes::Route;
use crate::ui::state::{today, use_state};

#[component]
pub fn VisitPage(query: String) -> impl IntoView {
    let state = use_state();
    let initial = Filter::from_query(&query).locality;
    let commune = RwSignal::new(initial);
    Effect::new(move |prev: Option<()>| {
        let c = commune.get();
        if prev.is_some() {
            let q = c.map(|c| format!("loc={c}")).unwrap_or_default();
            if let Ok(h) = window().history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&Route::Visit { query: q }.href()));
            }
        }
    });
    let day = today();
    let rows = Memo::new(move |_| {
        let Some(code) = commune.get() else { return vec![] };
        state.registry.with(|r| {
            let due: Vec<usize> = needs_visit(r, day);
            let mut list = Filter { locality: Some(code), ..Default::default() }.select(r);
            // those needing a visit first, in needs_visit's order; the rest after
            list.sort_by_key(|i| due.iter().position(|d| d == i).unwrap_or(usize::MAX));
            list.into_iter()
                .map(|i| {
                    let m = &r.all_models()[i];
                    (m.id.clone(), m.title.clone(), m.current_rating(), m.latest_evaluation().map(|e| e.date), due.contains(&i), m.locality.village.clone())
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <section class="page visit-page">
            <a class="back" href="#/plans">"← " {state.tr(Msg::PlansTitle)}</a>
            <h1>{state.tr(Msg::VisitTitle)}</h1>
            <p class="muted">{state.tr(Msg::VisitIntro)}</p>
            <label for="visit-commune">{state.tr(Msg::ChooseCommune)}</label>
            <select id="visit-commune" prop:value=move || commune.get().map(|c| c.to_string()).unwrap_or_default()
                on:change=move |ev| commune.set(event_target_value(&ev).parse().ok())>
                <option value="">{state.tr(Msg::Choose)}</option>
                {Localities::builtin().current_communes().map(|u| view! { <option value=u.code.to_string()>{u.name.clone()}</option> }).collect_view()}
            </select>
            <Show when=move || commune.get().is_some()>
                <p class="result-count">{move || tf(state.lang.get(), Msg::CountModels, &[&number(state.lang.get(), rows.with(|r| r.len()) as u64)])}</p>
            </Show>
            <ul class="model-list">
                {move || {
                    let lang = state.lang.get();
                    rows.get().into_iter().map(|(id, title, rating, last, due, village)| view! {
                        <li class="model-item">
                            <a href=Route::Model { id }.href()>
                                <span class="model-main">
                                    <span class="model-title">{title}</span>
                                    {village.map(|v| view! { <span class="model-meta">{v}</span> })}
                                    <span class="model-tags">
                                        {due.then(|| view! { <span class="tag state-overdue">{Msg::NeedsVisit.text(lang)}</span> })}
                                        <span class=format!("tag rating-{}", rating.map(|r| r.code()).unwrap_or("none"))>
                                            {rating.map(|r| r.name(lang)).unwrap_or(Msg::NotEvaluated.text(lang))}
                                        </span>
                                        {last.map(|d| view! { <span class="tag">{tf(lang, Msg::LastEvaluated, &[&d])}</span> })}
                                    </span>
                                </span>
                            </a>
                        </li>
                    }).collect_view()
                }}
            </ul>
        </section>
    }
}
