//! Tổng quan: the headline figures and the charts, over the models the list's filter selects (a district
//! officer who filtered to their district sees their district); "In báo cáo" opens the report over the same
//! selection. Figures come from `domain::stats`, charts from `charts::dashboard`; this page only lays
//! them out.

use leptos::prelude::*;

use crate::charts::dashboard as specs;
use crate::domain::filter::Filter;
use crate::domain::locality::Localities;
use crate::domain::stats;
use crate::i18n::{number, percent, tf, Msg, Named};
use crate::routes::Route;
use crate::ui::components::{Chart, ChartFrame, LocalityOptions};
use crate::ui::dashboard_cards::{FilterBanner, SamplesNotice, VisitShortcut, WelcomeCard};
use crate::ui::state::{today, use_state};
use crate::domain::model::Field;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = use_state();
    let filter = Memo::new(move |_| state.settings.with(|s| Filter::from_query(&s.last_filter)));
    let selection = Memo::new(move |_| filter.with(|f| state.registry.with(|r| state.select_unsorted(f, r))));
    let day = today();
    let summary = Memo::new(move |_| selection.with(|sel| state.registry.with(|r| stats::summary(r, sel, day))));
    let total = move || summary.with(|s| s.total);

    // Keep what is shown for the next cold start (see ui::snapshot), once the page has settled.
    Effect::new(move |_| {
        summary.track();
        state.lang.track();
        set_timeout(move || crate::ui::snapshot::save(&state), std::time::Duration::from_millis(400));
    });

    let chart = move |stem: &'static str, make: fn(crate::i18n::Lang, &crate::domain::registry::Registry, &[usize], &stats::Summary) -> Chart| {
        let built = Memo::new(move |_| {
            let lang = state.lang.get();
            selection.with(|sel| state.registry.with(|r| summary.with(|s| make(lang, r, sel, s))))
        });
        view! {
            <ChartFrame
                svg=Signal::derive(move || built.with(|c| c.svg.clone()))
                table=Signal::derive(move || built.with(|c| c.table.clone()))
                file_stem=stem
            />
        }
    };

    view! {
        <section class="page dashboard">
            <div class="page-head">
                <h1>{state.tr(Msg::DashboardTitle)}</h1>
                <a class="button no-print" data-testid="open-report"
                    href=move || Route::Report { query: filter.with(|f| f.selection_only().to_query()) }.href()>{state.tr(Msg::OpenReport)}</a>
            </div>
            <Show when=move || state.registry.with(|r| r.live_count() == 0)>
                <WelcomeCard/>
            </Show>
            <div class="drill no-print">
                <label for="dash-loc">{state.tr(Msg::Locality)}</label>
                <select id="dash-loc" data-testid="dashboard-locality"
                    prop:value=move || filter.with(|f| f.locality.map(|c| c.to_string()).unwrap_or_default())
                    on:change=move |ev| {
                        let loc = event_target_value(&ev).parse().ok();
                        let q = Filter { locality: loc, ..filter.get_untracked() }.to_query();
                        state.update_settings(|s| s.last_filter = q);
                    }>
                    <option value="">{state.tr(Msg::WholeProvince)}</option>
                    <LocalityOptions/>
                </select>
            </div>
            <FilterBanner filter=filter shown=Signal::derive(move || summary.with(|s| s.total as usize))/>
            <Show when=move || state.registry.with(|r| r.live_count() > 0)>
            <div class="figures" data-testid="figures">
                <div class="figure total">
                    <span class="label">{state.tr(Msg::TotalModels)}</span>
                    <span class="value" data-testid="total">{move || number(state.lang.get(), total() as u64)}</span>
                </div>
                {Field::ALL.iter().map(|f| { let f = *f; view! {
                    <div class="figure">
                        <span class="value">{move || number(state.lang.get(), summary.with(|s| s.by_field[f]) as u64)}</span>
                        <span class="label"><span class=format!("dot field-{}", f.code())></span>" "{move || f.name(state.lang.get())}</span>
                    </div>
                }}).collect_view()}
                <div class="figure">
                    <span class="value">{move || number(state.lang.get(), summary.with(|s| s.new_in_year) as u64)}</span>
                    <span class="label">{move || tf(state.lang.get(), Msg::NewThisYear, &[&summary.with(|s| s.year)])}</span>
                </div>
                <div class="figure">
                    <span class="value">{move || percent(summary.with(|s| s.evaluated_share()))}</span>
                    <span class="label">{state.tr(Msg::EvaluatedShare)}</span>
                </div>
                <div class="figure">
                    <span class="value">{move || percent(summary.with(|s| s.effective_share()))}</span>
                    <span class="label">{state.tr(Msg::EffectiveShare)}</span>
                </div>
                <a class="figure" href="#/exchange">
                    <span class="value">{move || number(state.lang.get(), state.settings.with(|s| s.unexported_changes) as u64)}</span>
                    <span class="label">{state.tr(Msg::UnexportedChanges)}</span>
                </a>
            </div>
            <VisitShortcut/>
            <SamplesNotice/>
            <WelcomeCard/>
            <div class="charts-grid">
                {chart("models-by-field", |lang, _r, _sel, s| Chart::bar(&specs::fields(lang, s)))}
                {chart("models-by-locality", |lang, r, sel, _s| Chart::bar(&specs::localities(lang, &stats::by_locality(r, sel), specs::TOP_LOCALITIES, Localities::builtin())))}
                {chart("new-models-per-year", |lang, r, sel, _s| Chart::bar(&specs::years(lang, &stats::by_year(r, sel))))}
                {chart("current-ratings", |lang, r, sel, _s| Chart::bar(&specs::ratings(lang, &stats::by_rating(r, sel, today()))))}
                {chart("ethnic-minority-share", |lang, r, sel, _s| Chart::progress(&specs::ethnic(lang, &stats::ethnic_share(r, sel))))}
            </div>
            </Show>
        </section>
    }
}
