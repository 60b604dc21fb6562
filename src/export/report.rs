//! The report's content, once: what the printed report (`ui::pages::report`) shows and the Word document
//! (`export::docx`) writes, for a selection of the registry, a period and the letterhead: the document's
//! frame (issuer, number, place and date, signature, recipients), its subject, and its body as a list of
//! blocks (headings, paragraphs, tables, charts with their tables, the plans). Pure: statistics from
//! `domain::stats`, words from `i18n::report`, charts as `charts` specs (SVG drawn by the caller).

use crate::charts::{self, dashboard as specs, BarChart};
use crate::domain::evidence::{cover_photo, Photo};
use crate::domain::filter::Filter;
use crate::domain::letterhead::Letterhead;
use crate::domain::locality::{Localities, PROVINCE_CODE};
use crate::domain::model::{Field, PerField};
use crate::domain::progress::plan_progress;
use crate::domain::registry::Registry;
use crate::domain::stats::{self, Summary};
use crate::domain::time::Date;
use crate::i18n::report::{document_frame, effective_line, filter_criteria, subject, summary_paragraph, DocumentFrame, ReportText};
use crate::i18n::{number, target_value, Lang, Msg, Named, PageMsg};

/// What a report covers and who issues it.
#[derive(Debug, Clone)]
pub struct ReportScope<'a> {
    /// The locality chosen (None or the province's code: the whole province).
    pub locality: Option<u32>,
    /// What else the selection filters by (field, status…), stated in the subject.
    pub criteria: &'a Filter,
    pub from: Date,
    /// The figures are as of this day.
    pub to: Date,
    pub letterhead: &'a Letterhead,
    /// The document's number (empty: left blank).
    pub number: &'a str,
    /// The day of issue (the place-and-date line) and of the plans' progress.
    pub today: Date,
}

/// One part of the report's body, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A part ("I. KẾT QUẢ…").
    Part(String),
    /// A section ("1. Số lượng…").
    Section(String),
    Paragraph(String),
    Table(charts::Table),
    /// The `n`th chart of [`ReportContent::charts`], with its table when the printed report shows it.
    Chart { index: usize, with_table: bool },
    /// A plan: its title (bold) and its targets with their progress.
    Plan { title: String, targets: String },
}

/// Everything the report says, in one language.
#[derive(Debug, Clone)]
pub struct ReportContent {
    pub lang: Lang,
    /// The day of issue.
    pub today: Date,
    pub frame: DocumentFrame,
    pub subject: String,
    pub body: Vec<Block>,
    /// The charts the body refers to (by index), as specs; `charts::bar_chart` draws them.
    pub charts: Vec<BarChart>,
    /// The heading of the photo appendix.
    pub appendix_title: String,
}

/// The scope's name in the report's sentences ("toàn thành phố", "Xã A Lưới 4").
pub fn scope_name(lang: Lang, locality: Option<u32>) -> String {
    match locality {
        None | Some(PROVINCE_CODE) => PageMsg::TheProvince.text(lang).to_string(),
        Some(c) => Localities::builtin().unit(c).map(|u| u.name.clone()).unwrap_or_default(),
    }
}

/// The table of section 1: models by field as of the end of the period, and those started in it.
pub fn field_table(lang: Lang, s: &Summary, new_by_field: &PerField<u32>) -> charts::Table {
    let mut rows: Vec<Vec<String>> = Field::ALL
        .iter()
        .map(|&f| vec![f.name(lang).to_string(), number(lang, s.by_field[f] as u64), number(lang, new_by_field[f] as u64)])
        .collect();
    rows.push(vec![Msg::Total.text(lang).to_string(), number(lang, s.total as u64), number(lang, new_by_field.total() as u64)]);
    charts::Table {
        caption: PageMsg::ReportByField.text(lang).into(),
        header: vec![Msg::Field.text(lang).into(), Msg::Count.text(lang).into(), PageMsg::NewInPeriod.text(lang).into()],
        rows,
        footer: None,
        note: None,
    }
}

/// The charts of sections 2–4: localities, years, ratings (as of `to`).
pub fn chart_specs(lang: Lang, registry: &Registry, selection: &[usize], to: Date) -> Vec<BarChart> {
    vec![
        specs::localities(lang, &stats::by_locality(registry, selection), specs::TOP_LOCALITIES, Localities::builtin()),
        specs::years(lang, &stats::by_year(registry, selection)),
        specs::ratings(lang, &stats::by_rating(registry, selection, to)),
    ]
}

/// The live plans with their targets' progress on `today`: (title, "target: actual / goal; …").
pub fn plan_lines(lang: Lang, registry: &Registry, today: Date) -> Vec<(String, String)> {
    registry
        .plans()
        .map(|p| {
            let prog = plan_progress(p, registry, today);
            let targets = prog
                .targets
                .iter()
                .map(|x| format!("{}: {} / {}", x.metric.name(lang), target_value(lang, x.metric, x.actual), target_value(lang, x.metric, x.target)))
                .collect::<Vec<_>>()
                .join("; ");
            (p.title.clone(), targets)
        })
        .collect()
}

/// The photo appendix: each live model of the selection that has a photo, with its cover photo.
pub fn appendix_photos(registry: &Registry, selection: &[usize]) -> Vec<(String, Photo)> {
    selection
        .iter()
        .map(|&i| &registry.all_models()[i])
        .filter(|m| !m.is_deleted())
        .filter_map(|m| cover_photo(m).map(|p| (m.title.clone(), p)))
        .collect()
}

/// A photo's caption in the appendix: the model's title, then the photo's own caption.
pub fn photo_caption(title: &str, photo: &Photo) -> String {
    if photo.caption.trim().is_empty() {
        title.to_string()
    } else {
        format!("{title}: {}", photo.caption.trim())
    }
}

/// The report on the models at `selection` (positions in `registry`) for `scope`.
pub fn content(lang: Lang, registry: &Registry, selection: &[usize], scope: &ReportScope) -> ReportContent {
    let summary = stats::summary(registry, selection, scope.to);
    let new_by_field = stats::started_between(registry, selection, scope.from, scope.to);
    let name = scope_name(lang, scope.locality);
    let criteria = filter_criteria(lang, &Filter { locality: None, ..scope.criteria.clone() });
    let mut body = vec![
        Block::Part(PageMsg::ReportPartResults.text(lang).into()),
        Block::Section(PageMsg::ReportSecModels.text(lang).into()),
        Block::Paragraph(summary_paragraph(lang, &name, &summary, new_by_field.total(), scope.from, scope.to)),
        Block::Table(field_table(lang, &summary, &new_by_field)),
        Block::Section(PageMsg::ReportSecLocalities.text(lang).into()),
        Block::Chart { index: 0, with_table: true },
        Block::Section(PageMsg::ReportSecYears.text(lang).into()),
        Block::Chart { index: 1, with_table: false },
        Block::Section(PageMsg::ReportSecRatings.text(lang).into()),
        Block::Paragraph(effective_line(lang, &summary)),
        Block::Chart { index: 2, with_table: false },
        Block::Part(PageMsg::ReportPartPlans.text(lang).into()),
    ];
    let plans = plan_lines(lang, registry, scope.today);
    if plans.is_empty() {
        body.push(Block::Paragraph(PageMsg::NoPlans.text(lang).into()));
    }
    body.extend(plans.into_iter().map(|(title, targets)| Block::Plan { title, targets }));
    ReportContent {
        lang,
        today: scope.today,
        frame: document_frame(lang, scope.letterhead, scope.number, scope.today),
        subject: subject(lang, &name, &criteria, scope.from, scope.to),
        body,
        charts: chart_specs(lang, registry, selection, scope.to),
        appendix_title: PageMsg::ReportAppendixTitle.text(lang).into(),
    }
}

/// The Word file's name: "bao-cao-mo-hinh-dan-van-kheo-2026-12-06.docx".
pub fn docx_file_name(lang: Lang, today: Date) -> String {
    format!("{}-{today}.docx", ReportText::FileStem.text(lang))
}
