//! Tổng quan: the headline figures and the charts, over the models the list's filter selects (a district
//! officer who filtered to their district sees their district); "In báo cáo" opens the report over the same
//! selection. Figures come from `domain::stats`, charts from `charts::dashboard`; this page only lays
//! them out. While the registry is read in parts the unfiltered figures are the stored summary's
//! (`app::summary`); a filtered view says it is still loading.

use leptos::prelude::*;

use crate::charts::dashboard as specs;
use crate::domain::filter::Filter;
use crate::domain::locality::Localities;
use crate::domain::stats;
use crate::i18n::{number, percent, tf, Msg, Named};
use crate::routes::Route;
use crate::ui::components::{ChartFrame, ChartSpec, LocalityOptions, StillLoading};
use crate::ui::dashboard_cards::{FilterBanner, SamplesNotice, VisitShortcut, WelcomeCard};
use crate::ui::state::{today, use_state};
use crate::domain::model::Field;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = use_state();
    let filter = Memo::new(move |_| state.settings.with(|s| Filter::from_query(&s.last_filter)));
    let selection = Memo::new(move |_| filter.with(|f| state.registry.with(|r| state.select_unsorted(f, r))));
    let day = today();
    // The figures and charts' data: the stored summary's (unfiltered) while the registry is read in
    // parts, none while a filter waits for every record ("still loading"), else those of the selection.
    let figures: Memo<Option<stats::Dashboard>> = Memo::new(move |_| {
        if !state.whole.get() {
            return if filter.with(|f| f.is_filtering()) { None } else { state.summary_dashboard() };
        }
        Some(selection.with(|sel| state.registry.with(|r| stats::dashboard(r, sel, day))))
    });
    let figure = move |f: fn(&stats::Dashboard) -> u64| figures.with(|d| d.as_ref().map_or(0, f));
    let total = move || figure(|d| d.summary.total as u64);
    let share = move |f: fn(&stats::Summary) -> f64| figures.with(|d| d.as_ref().map_or(0.0, |d| f(&d.summary)));

    // Keep what is shown for the next cold start (see ui::snapshot), once the page has settled, and again
    // once the registry is whole (shown from the summary, the figures do not change then, but only now is
    // everything shown written: `snapshot::save` waits for that).
    Effect::new(move |_| {
        figures.track();
        state.lang.track();
        state.whole.track();
        set_timeout(move || crate::ui::snapshot::save(&state), std::time::Duration::from_millis(400));
    });

    // The charts are drawn after the figures' first frame, one a task: on a phone the figures (all the
    // first screen shows) come sooner, a tap is taken between two charts, and a chart off screen is not
    // laid out until it scrolls near (style/main.css; BENCHMARKS.md row 2). Their captions and text
    // alternatives are there at once.
    let drawn = RwSignal::new(0usize);
    request_animation_frame(move || draw_charts(drawn));
    let chart = move |stem: &'static str, order: usize, make: fn(crate::i18n::Lang, &stats::Dashboard) -> ChartSpec| {
        let spec = Memo::new(move |_| {
            let lang = state.lang.get();
            figures.with(|d| d.as_ref().map(|d| make(lang, d)))
        });
        let svg = Memo::new(move |_| match drawn.get() > order {
            true => spec.with(|c| c.as_ref().map(ChartSpec::svg).unwrap_or_default()),
            false => String::new(),
        });
        view! {
            <ChartFrame
                svg=svg
                table=Signal::derive(move || spec.with(|c| c.as_ref().map(ChartSpec::table).unwrap_or_default()))
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
            <Show when=move || state.live_count() == 0>
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
            <Show when=move || figures.with(Option::is_some) fallback=|| view! { <StillLoading/> }>
            <FilterBanner filter=filter shown=Signal::derive(move || total() as usize)/>
            <Show when=move || { state.live_count() > 0 }>
            <div class="figures" data-testid="figures">
                <div class="figure total">
                    <span class="label">{state.tr(Msg::TotalModels)}</span>
                    <span class="value" data-testid="total">{move || number(state.lang.get(), total() as u64)}</span>
                </div>
                {Field::ALL.iter().map(|f| { let f = *f; view! {
                    <div class="figure">
                        <span class="value">{move || number(state.lang.get(), figures.with(|d| d.as_ref().map_or(0, |d| d.summary.by_field[f] as u64)))}</span>
                        <span class="label"><span class=format!("dot field-{}", f.code())></span>" "{move || f.name(state.lang.get())}</span>
                    </div>
                }}).collect_view()}
                <div class="figure">
                    <span class="value">{move || number(state.lang.get(), figure(|d| d.summary.new_in_year as u64))}</span>
                    <span class="label">{move || tf(state.lang.get(), Msg::NewThisYear, &[&figures.with(|d| d.as_ref().map_or(day.year(), |d| d.summary.year))])}</span>
                </div>
                <div class="figure">
                    <span class="value">{move || percent(share(stats::Summary::evaluated_share))}</span>
                    <span class="label">{state.tr(Msg::EvaluatedShare)}</span>
                </div>
                <div class="figure">
                    <span class="value">{move || percent(share(stats::Summary::effective_share))}</span>
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
                {chart("models-by-field", 0, |lang, d| ChartSpec::Bar(specs::fields(lang, &d.summary)))}
                {chart("models-by-locality", 1, |lang, d| ChartSpec::Bar(specs::localities(lang, &d.localities, specs::TOP_LOCALITIES, Localities::builtin())))}
                {chart("new-models-per-year", 2, |lang, d| ChartSpec::Bar(specs::years(lang, &d.years)))}
                {chart("current-ratings", 3, |lang, d| ChartSpec::Bar(specs::ratings(lang, &d.ratings)))}
                {chart("ethnic-minority-share", CHARTS - 1, |lang, d| ChartSpec::Progress(specs::ethnic(lang, &d.ethnic)))}
            </div>
            </Show>
            </Show>
        </section>
    }
}

/// How many charts the dashboard draws.
const CHARTS: usize = 5;

/// Lets the dashboard draw one more chart in each next task until all are (stops when the page is left).
fn draw_charts(drawn: RwSignal<usize>) {
    set_timeout(
        move || {
            if drawn.try_update(|n| { *n += 1; *n }).is_some_and(|n| n < CHARTS) {
                draw_charts(drawn);
            }
        },
        std::time::Duration::ZERO,
    );
}
