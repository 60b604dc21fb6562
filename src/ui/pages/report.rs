//! Báo cáo: a printable A4 summary for a chosen scope and period, in the style of the seed's paragraph,
//! with tables by field and by locality, the charts and the plans' progress. "Print" opens the browser's
//! print dialog, so "save as PDF" works everywhere; the print stylesheet hides the app's chrome.

use leptos::prelude::*;

use crate::charts::dashboard as specs;
use crate::domain::filter::Filter;
use crate::domain::locality::{Localities, PROVINCE_CODE};
use crate::domain::model::Field;
use crate::domain::progress::plan_progress;
use crate::domain::stats;
use crate::domain::time::Date;
use crate::i18n::report::summary_paragraph;
use crate::i18n::{number, tf, Msg, Named};
use crate::routes::Route;
use crate::ui::components::{LocalityOptions, TableView};
use crate::ui::pages::dashboard::Chart;
use crate::ui::pages::plans::target_value;
use crate::ui::state::{today, use_state};

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').find_map(|p| p.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
}

#[component]
pub fn ReportPage(query: String) -> impl IntoView {
    let state = use_state();
    let t = move |m: Msg| state.t(m);
    let day = today();
    let from = RwSignal::new(query_value(&query, "from").and_then(Date::parse).unwrap_or_else(|| Date::from_ymd(day.year(), 1, 1).unwrap_or(day)));
    let to = RwSignal::new(query_value(&query, "to").and_then(Date::parse).unwrap_or(day));
    let loc = RwSignal::new(query_value(&query, "loc").and_then(|v| v.parse::<u32>().ok()));
    Effect::new(move |prev: Option<()>| {
        let q = format!("from={}&to={}{}", from.get(), to.get(), loc.get().map(|c| format!("&loc={c}")).unwrap_or_default());
        if prev.is_some() {
            if let Ok(h) = window().history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&Route::Report { query: q }.href()));
            }
        }
    });
    let selection = Memo::new(move |_| {
        let f = Filter { locality: loc.get(), ..Default::default() };
        state.registry.with(|r| f.select_unsorted(r, None))
    });
    // Figures as of the end of the period.
    let summary = Memo::new(move |_| selection.with(|sel| state.registry.with(|r| stats::summary(r, sel, to.get()))));
    let new_by_field = Memo::new(move |_| selection.with(|sel| state.registry.with(|r| stats::started_between(r, sel, from.get(), to.get()))));
    let scope_name = move || match loc.get() {
        None | Some(PROVINCE_CODE) => t(Msg::TheProvince).to_string(),
        Some(c) => Localities::builtin().unit(c).map(|u| u.name.clone()).unwrap_or_default(),
    };
    let paragraph = move || {
        let n: u32 = new_by_field.get().total();
        summary.with(|s| summary_paragraph(state.lang.get(), &scope_name(), s, n, from.get(), to.get()))
    };
    let field_table = Signal::derive(move || {
        let lang = state.lang.get();
        let s = summary.get();
        let nb = new_by_field.get();
        let mut rows: Vec<Vec<String>> = Field::ALL
            .iter()
            .map(|&f| vec![f.name(lang).to_string(), number(lang, s.by_field[f] as u64), number(lang, nb[f] as u64)])
            .collect();
        rows.push(vec![Msg::Total.text(lang).to_string(), number(lang, s.total as u64), number(lang, nb.total() as u64)]);
        crate::charts::Table {
            caption: Msg::ReportByField.text(lang).into(),
            header: vec![Msg::Field.text(lang).into(), Msg::Count.text(lang).into(), Msg::NewInPeriod.text(lang).into()],
            rows,
            footer: None,
            note: None,
        }
    });
    let charts = Memo::new(move |_| {
        let lang = state.lang.get();
        selection.with(|sel| {
            state.registry.with(|r| {
                let s = summary.get();
                let rows = stats::by_locality(r, sel);
                vec![
                    Chart::bar(&specs::fields(lang, &s)),
                    Chart::bar(&specs::localities(lang, &rows, specs::TOP_LOCALITIES, Localities::builtin())),
                    Chart::bar(&specs::years(lang, &stats::by_year(r, sel))),
                    Chart::bar(&specs::ratings(lang, &stats::by_rating(r, sel, to.get()))),
                ]
            })
        })
    });
    let plans = Memo::new(move |_| {
        let lang = state.lang.get();
        state.registry.with(|r| {
            r.plans()
                .map(|p| {
                    let prog = plan_progress(p, r, day);
                    let targets = prog
                        .targets
                        .iter()
                        .map(|x| format!("{}: {} / {}", x.metric.name(lang), target_value(lang, x.metric, x.actual), target_value(lang, x.metric, x.target)))
                        .collect::<Vec<_>>()
                        .join("; ");
                    (p.title.clone(), targets)
                })
                .collect::<Vec<_>>()
        })
    });
    let officer = move || state.settings.with(|s| [s.officer.clone(), s.unit.clone()].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(", "));
    view! {
        <section class="page report-page">
            <div class="report-controls no-print card">
                <h2>{state.tr(Msg::ReportScope)}</h2>
                <label for="r-loc">{state.tr(Msg::Locality)}</label>
                <select id="r-loc" prop:value=move || loc.get().map(|c| c.to_string()).unwrap_or_default()
                    on:change=move |ev| loc.set(event_target_value(&ev).parse().ok())>
                    <option value="">{state.tr(Msg::WholeProvince)}</option>
                    <LocalityOptions/>
                </select>
                <div class="two">
                    <div><label for="r-from">{state.tr(Msg::PeriodFrom)}</label>
                        <input id="r-from" type="date" prop:value=move || from.get().to_string() on:change=move |ev| if let Some(d) = Date::parse(&event_target_value(&ev)) { from.set(d) }/></div>
                    <div><label for="r-to">{state.tr(Msg::PeriodTo)}</label>
                        <input id="r-to" type="date" prop:value=move || to.get().to_string() on:change=move |ev| if let Some(d) = Date::parse(&event_target_value(&ev)) { to.set(d) }/></div>
                </div>
                <button type="button" class="button primary" data-testid="print" on:click=move |_| { let _ = window().print(); }>{state.tr(Msg::Print)}</button>
            </div>
            <article class="report" data-testid="report">
                <h1>{state.tr(Msg::ReportTitle)}</h1>
                <p class="muted">{move || tf(state.lang.get(), Msg::ReportPeriod, &[&from.get(), &to.get()])} " · "
                    {move || tf(state.lang.get(), Msg::ReportMadeBy, &[&day, &{ let o = officer(); if o.is_empty() { o } else { format!(" — {o}") } }])}</p>
                <p class="report-summary" data-testid="report-summary">{paragraph}</p>
                <h2>{state.tr(Msg::ReportByField)}</h2>
                <TableView table=field_table/>
                {move || charts.get().into_iter().enumerate().map(|(i, c)| view! {
                    <figure class="chart report-chart">
                        <div class="chart-svg" role="img" aria-label=c.table.describe() inner_html=c.svg.clone()></div>
                        {(i == 1).then(|| view! { <TableView table=c.table.clone()/> })}
                    </figure>
                }).collect_view()}
                <h2>{state.tr(Msg::ReportPlans)}</h2>
                <Show when=move || plans.with(|p| p.is_empty())><p class="muted">{state.tr(Msg::NoPlans)}</p></Show>
                <ul>
                    {move || plans.get().into_iter().map(|(title, targets)| view! { <li><strong>{title}</strong><br/><span class="small">{targets}</span></li> }).collect_view()}
                </ul>
            </article>
        </section>
    }
}
