//! The dashboard's charts as specs: `domain::stats` figures plus the caller's `Lang` in, a `BarChart` or
//! `ProgressChart` with every text translated out. The screen, the report and the "save as image" button
//! all build their charts here, so they show the same thing.

use crate::domain::locality::{Localities, Placement};
use crate::domain::model::{Field, PerField, Rating, TargetMetric};
use crate::domain::stats::{EthnicShare, LocalityCount, RatingCounts, Summary, YearCounts};
use crate::i18n::{t, tf, ChunkMsg, Lang, Msg, Named, PageMsg};

use super::{palette, BarChart, GapTexts, ProgressChart, ProgressHeaders, ProgressRow, Series};

/// How many localities the locality chart shows before it groups the rest.
pub const TOP_LOCALITIES: usize = 10;

fn base(lang: Lang, title: Msg, categories: Vec<String>, series: Vec<Series>, header: Msg) -> BarChart {
    let mut spec = BarChart::new(t(lang, title), categories, series);
    spec.category_header = t(lang, header).to_string();
    spec.total_header = t(lang, Msg::Total).to_string();
    spec.no_data = t(lang, Msg::ChartNoData).to_string();
    spec.thousands = lang.thousands();
    spec
}

fn field_series(lang: Lang, counts: &[PerField<u32>]) -> Vec<Series> {
    Field::ALL
        .iter()
        .map(|&field| Series::new(field.name(lang), counts.iter().map(|c| u64::from(c[field])).collect()))
        .collect()
}

/// Models by field (single series, each field in its own colour).
pub fn fields(lang: Lang, summary: &Summary) -> BarChart {
    let categories = Field::ALL.iter().map(|f| f.name(lang).to_string()).collect();
    let values = Field::ALL.iter().map(|&f| u64::from(summary.by_field[f])).collect();
    let mut spec = base(lang, Msg::ByField, categories, vec![Series::new(t(lang, Msg::Count), values)], Msg::Field);
    spec.category_colors = palette::FIELDS.values().to_vec();
    spec
}

/// The display name of a placement: the commune's name, the province marked as province level, or
/// "not in the official list".
fn placement_label(lang: Lang, placement: Placement, localities: &Localities) -> String {
    match (placement, localities.placement_name(placement)) {
        (Placement::Province, Some(name)) => tf(lang, Msg::ChartProvinceLevel, &[&name]),
        (Placement::Commune(_), Some(name)) => name.to_string(),
        _ => t(lang, Msg::Unplaced).to_string(),
    }
}

/// Models by current locality, stacked by field. The chart draws the `top` largest rows and sums up the
/// rest in a remark; the table lists every row.
pub fn localities(lang: Lang, rows: &[LocalityCount], top: usize, localities: &Localities) -> BarChart {
    let categories = rows.iter().map(|r| placement_label(lang, r.placement, localities)).collect();
    let counts: Vec<PerField<u32>> = rows.iter().map(|r| r.by_field).collect();
    let mut spec = base(lang, Msg::ByLocality, categories, field_series(lang, &counts), Msg::Locality);
    spec.series_colors = palette::FIELDS.values().to_vec();
    spec.max_bars = Some(top.max(1));
    spec.rest_note = t(lang, Msg::ChartOtherLocalities).to_string();
    spec
}

/// New models per start year, stacked by field, in columns; models with no start date in a note.
pub fn years(lang: Lang, counts: &YearCounts) -> BarChart {
    let categories = counts.by_year.keys().map(|y| y.to_string()).collect();
    let per_year: Vec<PerField<u32>> = counts.by_year.values().copied().collect();
    let mut spec = base(lang, Msg::ByYear, categories, field_series(lang, &per_year), Msg::Year).vertical();
    spec.series_colors = palette::FIELDS.values().to_vec();
    let undated = counts.no_start_total();
    if undated > 0 {
        spec.note = Some(tf(lang, Msg::ChartNoStartDate, &[&crate::i18n::number(lang, u64::from(undated))]));
    }
    spec
}

/// Models by current rating, then those not evaluated (in grey).
pub fn ratings(lang: Lang, counts: &RatingCounts) -> BarChart {
    let mut categories: Vec<String> = Rating::ALL.iter().map(|r| r.name(lang).to_string()).collect();
    categories.push(t(lang, Msg::NotEvaluated).to_string());
    let mut values: Vec<u64> = Rating::ALL.iter().map(|&r| u64::from(counts.by_rating[r])).collect();
    values.push(u64::from(counts.not_evaluated));
    let mut spec = base(lang, Msg::ByRating, categories, vec![Series::new(t(lang, Msg::Count), values)], Msg::Rating);
    spec.category_colors = vec![palette::BLUE; Rating::ALL.len()];
    spec.category_colors.push(palette::GREY);
    spec
}

fn progress_base(lang: Lang, title: String, rows: Vec<ProgressRow>) -> ProgressChart {
    let mut spec = ProgressChart::new(title, rows);
    spec.no_data = t(lang, Msg::ChartNoData).to_string();
    spec.thousands = lang.thousands();
    spec
}

/// The share of models in ethnic-minority areas: all fields, then each field that has models (no bar
/// when there is no model).
pub fn ethnic(lang: Lang, share: &EthnicShare) -> ProgressChart {
    let mut rows = Vec::new();
    if share.total > 0 {
        rows.push(ProgressRow::count(
            t(lang, Msg::AllFields),
            u64::from(share.ethnic_minority),
            u64::from(share.total),
        ));
        for &field in Field::ALL {
            if share.field_totals[field] > 0 {
                rows.push(ProgressRow::count(
                    field.name(lang),
                    u64::from(share.by_field[field]),
                    u64::from(share.field_totals[field]),
                ));
            }
        }
    }
    let mut spec = progress_base(lang, t(lang, Msg::EthnicShare).to_string(), rows);
    spec.headers = ProgressHeaders {
        label: t(lang, Msg::Field).to_string(),
        actual: t(lang, Msg::EthnicArea).to_string(),
        target: t(lang, Msg::Total).to_string(),
        share: t(lang, Msg::Share).to_string(),
        gap: String::new(),
    };
    spec
}

/// A plan's targets: for each, its metric, the value reached and the plan's value (counts for
/// `new_models`, fractions 0–1 for the shares), with the gap to go. Titled for what it shows (the plan's
/// name is the page's title); before the plan's period begins (`started` false) no target reads as met.
pub fn plan_progress(lang: Lang, started: bool, targets: &[(TargetMetric, f64, f64)]) -> ProgressChart {
    let rows = targets
        .iter()
        .map(|(metric, actual, target)| match metric {
            TargetMetric::NewModels => ProgressRow {
                label: metric.name(lang).to_string(),
                actual: *actual,
                target: *target,
                quantity: super::Quantity::Count,
            },
            _ => ProgressRow::fraction(metric.name(lang), *actual, *target),
        })
        .collect();
    let mut spec = progress_base(lang, t(lang, PageMsg::ChartPlanProgress).to_string(), rows);
    spec.headers = ProgressHeaders {
        label: t(lang, PageMsg::ChartItem).to_string(),
        actual: t(lang, ChunkMsg::ChartAchieved).to_string(),
        target: t(lang, PageMsg::ChartTarget).to_string(),
        share: t(lang, PageMsg::Progress).to_string(),
        gap: t(lang, ChunkMsg::ChartGap).to_string(),
    };
    spec.gap = Some(if started {
        GapTexts {
            template: t(lang, PageMsg::ChartGapShort).to_string(),
            points: t(lang, PageMsg::PercentPoints).to_string(),
            reached: t(lang, PageMsg::ChartReached).to_string(),
        }
    } else {
        let not_yet = t(lang, PageMsg::PlanNotStarted).to_string();
        GapTexts { template: not_yet.clone(), points: not_yet.clone(), reached: not_yet }
    });
    spec
}
