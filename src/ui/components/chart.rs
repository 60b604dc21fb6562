//! A chart on a page: the SVG `charts` drew (from escaped text only, never raw user input) with its
//! number table, a text alternative and "save as image"; and a table of numbers as HTML. Used by the
//! dashboard, a plan's page and the printable report.

use leptos::prelude::*;

use crate::charts::{self, for_file, Table};
use crate::i18n::{tf, Msg};
use crate::ui::state::use_state;

/// A drawn chart and its table.
#[derive(Clone, PartialEq)]
pub struct Chart {
    pub svg: String,
    pub table: Table,
}

impl Chart {
    pub fn bar(spec: &charts::BarChart) -> Chart {
        Chart { svg: charts::bar_chart(spec), table: charts::bar_table(spec) }
    }
    pub fn progress(spec: &charts::ProgressChart) -> Chart {
        Chart { svg: charts::progress_chart(spec), table: charts::progress_table(spec) }
    }
}

/// What a chart is drawn from, so that its table (caption, text alternative) can be shown at once and its
/// drawing later (the dashboard draws its charts after its figures' first frame).
#[derive(Clone, PartialEq)]
pub enum ChartSpec {
    Bar(charts::BarChart),
    Progress(charts::ProgressChart),
}

impl ChartSpec {
    pub fn table(&self) -> Table {
        match self {
            ChartSpec::Bar(spec) => charts::bar_table(spec),
            ChartSpec::Progress(spec) => charts::progress_table(spec),
        }
    }
    pub fn svg(&self) -> String {
        match self {
            ChartSpec::Bar(spec) => charts::bar_chart(spec),
            ChartSpec::Progress(spec) => charts::progress_chart(spec),
        }
    }
}

/// A chart (SVG made by `charts` from escaped text, never from raw user input) with its number table,
/// a text alternative, and "save as image" (SVG and PNG).
#[component]
pub fn ChartFrame(
    #[prop(into)] svg: Signal<String>,
    #[prop(into)] table: Signal<Table>,
    #[prop(into)] file_stem: String,
) -> impl IntoView {
    let state = use_state();
    let show_table = RwSignal::new(false);
    let stem = file_stem.clone();
    let save_svg = move |_| {
        let _ = crate::ui::platform::download(&format!("{stem}.svg"), "image/svg+xml", &for_file(&svg.get_untracked()));
    };
    let stem2 = file_stem.clone();
    let save_png = move |_| {
        crate::ui::charts_png::save_png(&for_file(&svg.get_untracked()), &format!("{stem2}.png"));
    };
    let title = move || table.with(|t| t.caption.clone());
    view! {
        <figure class="chart" data-chart=file_stem.clone()>
            <figcaption class="visually-hidden"><h2>{title}</h2></figcaption>
            <div class="chart-svg" role="img"
                aria-label=move || format!("{}. {}", tf(state.lang.get(), Msg::ChartAlt, &[&title()]), table.with(|t| t.describe()))
                inner_html=move || svg.get()></div>
            <div class="chart-actions">
                <button type="button" class="small" aria-expanded=move || show_table.get().to_string()
                    data-testid="toggle-table"
                    on:click=move |_| show_table.update(|v| *v = !*v)>
                    {move || if show_table.get() { state.t(Msg::HideTable) } else { state.t(Msg::ShowTable) }}
                </button>
                <button type="button" class="small" on:click=save_svg data-testid="save-svg">{move || state.t(Msg::SaveSvg)}</button>
                <button type="button" class="small" on:click=save_png data-testid="save-png">{move || state.t(Msg::SavePng)}</button>
            </div>
            <Show when=move || show_table.get()>
                <TableView table=table/>
            </Show>
        </figure>
    }
}

/// A chart's numbers as an HTML table (also used by the printable report).
#[component]
pub fn TableView(#[prop(into)] table: Signal<Table>) -> impl IntoView {
    move || {
        let t = table.get();
        view! {
            <div class="table-wrap"><table class="numbers">
                <thead><tr>{t.header.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {t.rows.iter().map(|row| view! {
                        <tr>
                            <th scope="row">{row.first().cloned().unwrap_or_default()}</th>
                            {row.iter().skip(1).map(|c| view! { <td>{c.clone()}</td> }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
                {t.footer.as_ref().map(|f| view! {
                    <tfoot><tr>
                        <th scope="row">{f.first().cloned().unwrap_or_default()}</th>
                        {f.iter().skip(1).map(|c| view! { <td>{c.clone()}</td> }).collect_view()}
                    </tr></tfoot>
                })}
            </table></div>
            {t.note.as_ref().map(|n| view! { <p class="muted small">{n.clone()}</p> })}
        }
    }
}
