//! Báo cáo: the printable A4 report for a scope and period, laid out as a Party document (Hướng dẫn
//! 36-HD/VPTW): issuing body and number top left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date top
//! right, "BÁO CÁO" and its subject (which states the scope and period), numbered sections with the
//! seed-style paragraph, tables, charts and the plans' progress, then recipients and the signature block
//! from the letterhead in Settings. The scope is the dashboard's (its "In báo cáo" link carries its filter)
//! or the one chosen here. "Print" opens the browser's print dialog, so "save as PDF" works everywhere; the
//! print stylesheet hides the app's chrome and the controls.

use leptos::prelude::*;

use crate::domain::filter::Filter;
use crate::export::report;
use crate::domain::stats;
use crate::domain::time::Date;
use crate::i18n::report::{document_frame, effective_line, filter_criteria, letterhead_hint, subject, summary_paragraph, ReportText};
use crate::i18n::{tf, ChunkMsg, Msg, PageMsg};
use crate::routes::{query_value, Route};
use crate::ui::components::evidence::PhotoThumb;
use crate::ui::components::{Chart, LocalityOptions, TableView};
use crate::ui::report_docx::{self, Failure};
use crate::ui::state::{today, use_state};
use crate::ui::url_state::use_url_writer;

#[component]
pub fn ReportPage(query: String) -> impl IntoView {
    let state = use_state();
    let day = today();
    let from = RwSignal::new(query_value(&query, "from").and_then(Date::parse).unwrap_or_else(|| Date::from_ymd(day.year(), 1, 1).unwrap_or(day)));
    let to = RwSignal::new(query_value(&query, "to").and_then(Date::parse).unwrap_or(day));
    let loc = RwSignal::new(query_value(&query, "loc").and_then(|v| v.parse::<u32>().ok()));
    // What else the dashboard's filter selected (field, status…): the report keeps it and says so.
    let criteria = RwSignal::new(Filter { locality: None, ..Filter::from_query(&query).selection_only() });
    let number_text = RwSignal::new(String::new());
    // The photo appendix (off by default): one captioned photo per model of the selection that has one.
    let appendix = RwSignal::new(false);
    use_url_writer().follow(move || {
        let rest = Filter { locality: loc.get(), ..criteria.get() }.to_query();
        Route::Report { query: format!("from={}&to={}{}", from.get(), to.get(), if rest.is_empty() { String::new() } else { format!("&{rest}") }) }
    });
    let selection = Memo::new(move |_| {
        let f = Filter { locality: loc.get(), ..criteria.get() };
        state.registry.with(|r| state.select_unsorted(&f, r))
    });
    // Figures as of the end of the period.
    let summary = Memo::new(move |_| selection.with(|sel| state.registry.with(|r| stats::summary(r, sel, to.get()))));
    let new_by_field = Memo::new(move |_| selection.with(|sel| state.registry.with(|r| stats::started_between(r, sel, from.get(), to.get()))));
    let scope_name = move || report::scope_name(state.lang.get(), loc.get());
    let criteria_text = Memo::new(move |_| criteria.with(|f| filter_criteria(state.lang.get(), f)));
    let frame = Memo::new(move |_| state.settings.with(|s| document_frame(state.lang.get(), &s.letterhead, &number_text.get(), day)));
    let hint = Memo::new(move |_| state.settings.with(|s| letterhead_hint(state.lang.get(), &s.letterhead)));
    let subject_line = move || criteria_text.with(|c| subject(state.lang.get(), &scope_name(), c, from.get(), to.get()));
    let paragraph = move || {
        let n: u32 = new_by_field.get().total();
        summary.with(|s| summary_paragraph(state.lang.get(), &scope_name(), s, n, from.get(), to.get()))
    };
    let field_table = Signal::derive(move || summary.with(|s| new_by_field.with(|nb| report::field_table(state.lang.get(), s, nb))));
    // The charts of sections 2–4 (localities with their table, years, ratings).
    let charts = Memo::new(move |_| {
        let lang = state.lang.get();
        selection.with(|sel| state.registry.with(|r| report::chart_specs(lang, r, sel, to.get()).iter().map(Chart::bar).collect::<Vec<_>>()))
    });
    // A chart at the width that keeps its text no bigger than the body's; its table (if shown) at the
    // text's full width.
    let figure = move |i: usize, with_table: bool| {
        move || {
            charts.with(|c| {
                let c = c[i].clone();
                view! {
                    <figure class="chart report-chart">
                        <div class="chart-svg" role="img" aria-label=c.table.describe() inner_html=c.svg.clone()></div>
                    </figure>
                    {with_table.then(|| view! { <TableView table=c.table.clone()/> })}
                }
            })
        }
    };
    let plans = Memo::new(move |_| {
        let lang = state.lang.get();
        state.registry.with(|r| report::plan_lines(lang, r, day))
    });
    // "Tải về bản Word": the same report (scope, period, language, number, "Kèm ảnh") as a .docx.
    let docx_busy = RwSignal::new(false);
    let docx_failure = RwSignal::new(None::<Failure>);
    let download_docx = move |_| {
        if docx_busy.get_untracked() {
            return;
        }
        let lang = state.lang.get_untracked();
        let criteria = criteria.get_untracked();
        let number = number_text.get_untracked();
        let content = selection.with_untracked(|sel| {
            state.registry.with_untracked(|r| {
                state.settings.with_untracked(|s| {
                    let scope = report::ReportScope {
                        locality: loc.get_untracked(),
                        criteria: &criteria,
                        from: from.get_untracked(),
                        to: to.get_untracked(),
                        letterhead: &s.letterhead,
                        number: &number,
                        today: day,
                    };
                    report::content(lang, r, sel, &scope)
                })
            })
        });
        let photos = appendix.get_untracked().then(|| selection.with_untracked(|sel| state.registry.with_untracked(|r| report::appendix_photos(r, sel))));
        docx_busy.set(true);
        docx_failure.set(None);
        leptos::task::spawn_local(async move {
            let result = report_docx::download(content, photos).await;
            let _ = docx_busy.try_set(false);
            let _ = docx_failure.try_set(result.err());
        });
    };
    view! {
        <section class="page report-page">
            <div class="report-controls no-print card">
                <h2>{state.tr(PageMsg::ReportScope)}</h2>
                <label for="r-loc">{state.tr(Msg::Locality)}</label>
                <select id="r-loc" prop:value=move || loc.get().map(|c| c.to_string()).unwrap_or_default()
                    on:change=move |ev| loc.set(event_target_value(&ev).parse().ok())>
                    <option value="">{state.tr(Msg::WholeProvince)}</option>
                    <LocalityOptions/>
                </select>
                <Show when=move || criteria_text.with(|c| !c.is_empty())>
                    <p class="small" data-testid="report-criteria">
                        {move || tf(state.lang.get(), PageMsg::ReportAlsoFiltered, &[&criteria_text.get().join("; ")])} " "
                        <button type="button" class="link" on:click=move |_| criteria.set(Filter::default())>{state.tr(Msg::ClearFilters)}</button>
                    </p>
                </Show>
                <div class="two">
                    <div><label for="r-from">{state.tr(ChunkMsg::PeriodFrom)}</label>
                        <input id="r-from" type="date" prop:value=move || from.get().to_string() on:change=move |ev| if let Some(d) = Date::parse(&event_target_value(&ev)) { from.set(d) }/></div>
                    <div><label for="r-to">{state.tr(ChunkMsg::PeriodTo)}</label>
                        <input id="r-to" type="date" prop:value=move || to.get().to_string() on:change=move |ev| if let Some(d) = Date::parse(&event_target_value(&ev)) { to.set(d) }/></div>
                </div>
                <div class="field">
                    <label for="r-number">{state.tr(PageMsg::DocNumber)}</label>
                    <input id="r-number" type="text" inputmode="numeric" autocomplete="off" placeholder=state.tr(PageMsg::DocNumberHint)
                        prop:value=move || number_text.get() on:input=move |ev| number_text.set(event_target_value(&ev))/>
                </div>
                {move || hint.get().map(|h| view! {
                    <p class="banner info" data-testid="letterhead-hint"><span>{h}</span>
                        <a class="button" href=Route::Settings.href()>{state.t(PageMsg::OpenSettings)}</a></p>
                })}
                <label class="check"><input type="checkbox" data-testid="photo-appendix" prop:checked=move || appendix.get() on:change=move |ev| appendix.set(event_target_checked(&ev))/>
                    {state.tr(PageMsg::ReportPhotoAppendix)}</label>
                <div class="report-actions">
                    <button type="button" class="button primary" data-testid="print" on:click=move |_| { let _ = window().print(); }>{state.tr(PageMsg::Print)}</button>
                    <button type="button" class="button" data-testid="download-docx" on:click=download_docx
                        prop:disabled=move || docx_busy.get() aria-busy=move || docx_busy.get().to_string()>
                        {move || ReportText::text(if docx_busy.get() { ReportText::DocxPreparing } else { ReportText::DownloadDocx }, state.lang.get())}
                    </button>
                </div>
                {move || docx_failure.get().map(|f| view! {
                    <p class="banner error" role="alert" data-testid="docx-failed">
                        {match f { Failure::NotLoaded => state.t(Msg::PartNotLoaded), Failure::Failed => ReportText::DocxFailed.text(state.lang.get()) }}
                    </p>
                })}
            </div>
            <article class="report doc" data-testid="report" lang=move || state.lang.get().code()>
                <header class="doc-head">
                    <div class="doc-issuer">
                        <div data-testid="doc-superior">{move || frame.with(|f| f.superior.clone())}</div>
                        <div class="doc-issuer-name" data-testid="doc-issuer">{move || frame.with(|f| f.issuer.clone())}</div>
                        <div class="doc-star" aria-hidden="true">"*"</div>
                        <div data-testid="doc-number">{move || frame.with(|f| f.number.clone())}</div>
                    </div>
                    <div class="doc-party-block">
                        <div class="doc-party" data-testid="doc-party">{move || frame.with(|f| f.party)}</div>
                        <div class="doc-place-date" data-testid="doc-place-date">{move || frame.with(|f| f.place_date.clone())}</div>
                    </div>
                </header>
                <h1 class="doc-kind" data-testid="doc-kind">{move || frame.with(|f| f.kind)}</h1>
                <p class="doc-subject" data-testid="doc-subject">{subject_line}</p>
                <div class="doc-rule" aria-hidden="true"></div>
                <h2>{state.tr(PageMsg::ReportPartResults)}</h2>
                <h3>{state.tr(PageMsg::ReportSecModels)}</h3>
                <p class="report-summary" data-testid="report-summary">{paragraph}</p>
                <TableView table=field_table/>
                <h3>{state.tr(PageMsg::ReportSecLocalities)}</h3>
                {figure(0, true)}
                <h3>{state.tr(PageMsg::ReportSecYears)}</h3>
                {figure(1, false)}
                <h3>{state.tr(PageMsg::ReportSecRatings)}</h3>
                <p data-testid="report-effective">{move || summary.with(|s| effective_line(state.lang.get(), s))}</p>
                {figure(2, false)}
                <h2>{state.tr(PageMsg::ReportPartPlans)}</h2>
                <Show when=move || plans.with(|p| p.is_empty())><p>{state.tr(PageMsg::NoPlans)}</p></Show>
                <ul class="doc-plans">
                    {move || plans.get().into_iter().map(|(title, targets)| view! { <li><strong>{title}</strong><br/><span>{targets}</span></li> }).collect_view()}
                </ul>
                <footer class="doc-foot">
                    <div class="doc-recipients" data-testid="doc-recipients">
                        <div class="doc-recipients-label">{move || frame.with(|f| f.recipients_label)}</div>
                        {move || frame.with(|f| f.recipients.iter().map(|r| view! { <div>{r.clone()}</div> }).collect_view())}
                    </div>
                    <div class="doc-sign" data-testid="doc-sign">
                        {move || frame.with(|f| (!f.authority.is_empty()).then(|| view! { <div>{f.authority.clone()}</div> }))}
                        <div>{move || frame.with(|f| f.signer_role.clone())}</div>
                        <div class="doc-sign-space"></div>
                        <div class="doc-signer" data-testid="doc-signer">{move || frame.with(|f| f.signer_name.clone())}</div>
                    </div>
                </footer>
                {move || appendix.get().then(|| {
                    let covers = selection.with(|sel| state.registry.with(|r| report::appendix_photos(r, sel)));
                    view! {
                        <section class="doc-appendix" data-testid="report-appendix">
                            <h2>{state.tr(PageMsg::ReportAppendixTitle)}</h2>
                            {covers.into_iter().map(|(title, p)| view! {
                                <figure class="appendix-photo">
                                    <PhotoThumb sha256=p.sha256.clone() alt=title.clone() eager=true/>
                                    <figcaption>{report::photo_caption(&title, &p)}</figcaption>
                                </figure>
                            }).collect_view()}
                        </section>
                    }
                })}
            </article>
        </section>
    }
}
