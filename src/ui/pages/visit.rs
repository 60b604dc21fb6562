//! Đi cơ sở: the field-visit screen. The officer picks the commune they are in (remembered for the next
//! visit); its models are listed in visiting order (see `domain::visit`), each card with its latest rating
//! and date and a "Đánh giá" button that opens the evaluation sheet in place.

use leptos::prelude::*;

use crate::domain::locality::Localities;
use crate::domain::visit::{due_count, visit_list, Due};
use crate::i18n::{dates, number, tf, Msg, Named, PageMsg};
use crate::routes::{query_value, Route};
use crate::ui::components::WhenWhole;
use crate::ui::evaluation_sheet::EvaluationSheet;
use crate::ui::state::{today, use_state};
use crate::ui::url_state::use_url_writer;

/// The commune's query in the visit's URL (`loc=<code>`).
fn visit_query(commune: Option<u32>) -> String {
    commune.map(|c| format!("loc={c}")).unwrap_or_default()
}

#[component]
pub fn VisitPage(query: String) -> impl IntoView {
    let state = use_state();
    // The URL's commune, else the one of the last visit.
    let from_url = query_value(&query, "loc").and_then(|v| v.parse::<u32>().ok());
    let commune = RwSignal::new(from_url.or_else(|| state.settings.with_untracked(|s| s.visit_commune)));
    let url = use_url_writer();
    if from_url.is_none() && commune.get_untracked().is_some() {
        url.replace(&Route::Visit { query: visit_query(commune.get_untracked()) });
    }
    url.follow(move || Route::Visit { query: visit_query(commune.get()) });
    Effect::new(move |_| {
        let c = commune.get();
        if c.is_some() && state.settings.with_untracked(|s| s.visit_commune != c) {
            state.update_settings(|s| s.visit_commune = c);
        }
    });
    let day = today();
    let cards = Memo::new(move |_| {
        let Some(code) = commune.get() else { return vec![] };
        state.registry.with(|r| visit_list(r, code, day))
    });
    let rating = RwSignal::new(None::<String>);
    view! {
        <section class="page visit-page" data-testid="visit-page">
            <h1>{state.tr(Msg::VisitTitle)}</h1>
            <label for="visit-commune">{state.tr(PageMsg::ChooseCommune)}</label>
            <select id="visit-commune" prop:value=move || commune.get().map(|c| c.to_string()).unwrap_or_default()
                on:change=move |ev| commune.set(event_target_value(&ev).parse().ok())>
                <option value="">{state.tr(PageMsg::Choose)}</option>
                {Localities::builtin().current_communes().map(|u| view! { <option value=u.code.to_string()>{u.name.clone()}</option> }).collect_view()}
            </select>
            // The remembered commune's models are all in the summary: its visit works before the registry
            // is whole; another commune's waits for it.
            <WhenWhole ready=Signal::derive(move || commune.get().is_none() || commune.get() == state.summary_commune())>
            <Show when=move || commune.get().is_some() fallback=move || view! { <p class="muted">{state.tr(PageMsg::VisitPickCommune)}</p> }>
                <p class="result-count" data-testid="visit-count">{move || {
                    let lang = state.lang.get();
                    cards.with(|c| tf(lang, Msg::VisitDueSummary, &[&number(lang, c.len() as u64), &number(lang, due_count(c) as u64)]))
                }}</p>
            </Show>
            <ul class="model-list visit-list">
                {move || {
                    let lang = state.lang.get();
                    state.registry.with(|r| cards.get().into_iter().map(|c| {
                        let m = &r.all_models()[c.position];
                        let id = m.id.clone();
                        let title = m.title.clone();
                        let latest = c.latest.map(|(rt, d)| view! {
                            <span class=format!("tag rating-{}", rt.code())>{tf(lang, PageMsg::RatingOn, &[&rt.name(lang), &dates::date(lang, d)])}</span>
                        });
                        let due = match c.due {
                            Due::NeverEvaluated => Some(view! { <span class="tag rating-none state-overdue">{Msg::NotEvaluated.text(lang)}</span> }),
                            Due::Overdue => Some(view! { <span class="tag state-overdue">{PageMsg::OverdueVisit.text(lang)}</span> }),
                            Due::Stopped => Some(view! { <span class="tag">{PageMsg::StoppedModel.text(lang)}</span> }),
                            Due::NotDue => None,
                        };
                        let rate_label = tf(lang, PageMsg::RateModelNamed, &[&title]);
                        view! {
                            <li class="model-item visit-card" data-testid="visit-card">
                                <a href=Route::Model { id: id.clone() }.href()>
                                    <span class=format!("field-bar field-{}", m.field.code()) aria-hidden="true"></span>
                                    <span class="model-main">
                                        <span class="model-title">{title}</span>
                                        {m.locality.village.clone().filter(|v| !v.is_empty()).map(|v| view! { <span class="model-meta">{v}</span> })}
                                        <span class="model-tags">{due}{latest}</span>
                                    </span>
                                </a>
                                <button type="button" class="button rate-here" data-testid="visit-rate" aria-label=rate_label
                                    on:click=move |_| rating.set(Some(id.clone()))>{PageMsg::RateModel.text(lang)}</button>
                            </li>
                        }
                    }).collect_view())
                }}
            </ul>
            </WhenWhole>
            {move || rating.get().map(|id| view! { <EvaluationSheet id=id on_close=move |_| rating.set(None)/> })}
        </section>
    }
}
