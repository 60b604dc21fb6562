//! Thống kê: the figures of the dashboard and the report, over a selection of models.
//!
//! Owns the counting rules: totals by field (lĩnh vực), by current commune (legacy units count under their
//! successor, through `Placement`), new models per start year, current ratings, and the ethnic-minority
//! share. Every function takes the registry plus the positions (into `Registry::all_models()`) the screen
//! selected, so the figures always match the filtered list. Tombstones are skipped even if a position
//! names one. Where time matters the caller passes the day the figures are "as of": an evaluation dated
//! after that day does not count yet, so a report for a past period shows what was known then.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::locality::Placement;
use super::model::{Field, Model, PerField, PerRating, PerStatus, Rating, Status};
use super::registry::Registry;
use super::time::Date;

/// The positions of every live model: the selection when nothing is filtered.
pub fn live_positions(registry: &Registry) -> Vec<usize> {
    registry.models().map(|(i, _)| i).collect()
}

/// The live models a selection names (positions out of range and tombstones are skipped).
fn selected<'a>(registry: &'a Registry, selection: &'a [usize]) -> impl Iterator<Item = (usize, &'a Model)> + 'a {
    let all = registry.all_models();
    selection.iter().filter_map(move |&i| all.get(i).filter(|m| !m.is_deleted()).map(|m| (i, m)))
}

/// The rating of the latest evaluation dated on or before `as_of` (`Model::latest_evaluation_as_of`).
fn rating_as_of(m: &Model, as_of: Date) -> Option<Rating> {
    m.latest_evaluation_as_of(Some(as_of)).map(|e| e.rating)
}

fn share(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// "Hiệu quả", the one definition wherever the share is shown (dashboard, report): the models rated
/// effective or better as a fraction 0–1 of the models evaluated — "hiệu quả trở lên / đã đánh giá" —
/// 0 when none is evaluated. A model never evaluated is not counted either way: it is in the evaluated
/// share (`Summary::evaluated_share`) instead. (A plan's `effective_share` target is another figure: the
/// exchange format defines it over all the models in the plan's scope, and its label says so.)
pub fn effective_share(effective: u32, evaluated: u32) -> f64 {
    share(effective, evaluated)
}

/// The headline figures of a selection, in the words of the seed article: "2,226 models; 190 economic,
/// 1,807 cultural-social, 192 defence-security, 37 political system", new this year, evaluated, effective.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// The day the figures are as of.
    pub as_of: Option<Date>,
    /// The year "new" refers to (the year of `as_of`).
    pub year: i32,
    pub total: u32,
    pub by_field: PerField<u32>,
    /// Started in `year`, on or before `as_of`.
    pub new_in_year: u32,
    /// `new_in_year` split by field.
    pub new_in_year_by_field: PerField<u32>,
    /// With at least one evaluation dated on or before `as_of`.
    pub evaluated: u32,
    /// Whose rating as of `as_of` is effective or very effective.
    pub effective: u32,
    /// In an ethnic-minority area.
    pub ethnic_minority: u32,
    pub by_status: PerStatus<u32>,
    /// With no status recorded.
    pub status_unknown: u32,
    /// Recognised at some level.
    pub recognised: u32,
    /// Sums of what the models recorded (absent values count as 0).
    pub participants: u64,
    pub beneficiary_households: u64,
    pub money_vnd: u64,
    pub work_days: u64,
    pub land_m2: u64,
}

impl Summary {
    /// The count of one field.
    pub fn field(&self, f: Field) -> u32 {
        self.by_field[f]
    }
    /// The count of one status.
    pub fn status(&self, s: Status) -> u32 {
        self.by_status[s]
    }
    /// Evaluated models as a fraction 0–1 of the total (0 when empty).
    pub fn evaluated_share(&self) -> f64 {
        share(self.evaluated, self.total)
    }
    /// "Hiệu quả" of these models: `effective_share(effective, evaluated)`.
    pub fn effective_share(&self) -> f64 {
        effective_share(self.effective, self.evaluated)
    }
    /// Models in ethnic-minority areas as a fraction 0–1 of the total (0 when empty).
    pub fn ethnic_share(&self) -> f64 {
        share(self.ethnic_minority, self.total)
    }
}

/// The summary of the selected models as of `today`.
pub fn summary(registry: &Registry, selection: &[usize], today: Date) -> Summary {
    let year = today.year();
    let mut s = Summary { as_of: Some(today), year, ..Summary::default() };
    for (_, m) in selected(registry, selection) {
        let f = m.field;
        s.total += 1;
        s.by_field[f] += 1;
        if m.started_on.is_some_and(|d| d.year() == year && d <= today) {
            s.new_in_year += 1;
            s.new_in_year_by_field[f] += 1;
        }
        if let Some(r) = rating_as_of(m, today) {
            s.evaluated += 1;
            if r.is_effective() {
                s.effective += 1;
            }
        }
        if m.ethnic_minority_area {
            s.ethnic_minority += 1;
        }
        match m.status {
            Some(st) => s.by_status[st] += 1,
            None => s.status_unknown += 1,
        }
        if m.recognition.is_some() {
            s.recognised += 1;
        }
        s.participants += u64::from(m.participants.unwrap_or(0));
        s.beneficiary_households += u64::from(m.beneficiary_households.unwrap_or(0));
        s.money_vnd = s.money_vnd.saturating_add(m.contributions.money_vnd.unwrap_or(0));
        s.work_days = s.work_days.saturating_add(m.contributions.work_days.unwrap_or(0));
        s.land_m2 = s.land_m2.saturating_add(m.contributions.land_m2.unwrap_or(0));
    }
    s
}

/// Models started between `from` and `to` (both included), by field — "new this period" of a report.
pub fn started_between(registry: &Registry, selection: &[usize], from: Date, to: Date) -> PerField<u32> {
    let mut out = PerField::default();
    for (_, m) in selected(registry, selection) {
        if m.started_on.is_some_and(|d| from <= d && d <= to) {
            out[m.field] += 1;
        }
    }
    out
}

/// One row of "by locality": a current commune, the province as a whole, or the unplaced models.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalityCount {
    pub placement: Placement,
    pub total: u32,
    pub by_field: PerField<u32>,
}

/// Counts per current commune (a record naming a pre-2025 unit counts under its successor), with the
/// fields split; province-level and unplaced models are rows of their own. Sorted by count, largest
/// first; ties in the order of `Placement` (communes by code, then the province, then unplaced).
pub fn by_locality(registry: &Registry, selection: &[usize]) -> Vec<LocalityCount> {
    let mut map: BTreeMap<Placement, PerField<u32>> = BTreeMap::new();
    for (i, m) in selected(registry, selection) {
        map.entry(registry.derived(i).placement).or_default()[m.field] += 1;
    }
    let mut rows: Vec<LocalityCount> = map
        .into_iter()
        .map(|(placement, by_field)| LocalityCount { placement, total: by_field.total(), by_field })
        .collect();
    // The sort is stable, so equal counts keep the `Placement` order of the map.
    rows.sort_by_key(|r| std::cmp::Reverse(r.total));
    rows
}

/// New models per start year, stacked by field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct YearCounts {
    /// Start year → counts by field. Years between the first and the last with no new model are present
    /// with zeros (unless the span is implausibly long), so a chart shows the gaps.
    pub by_year: BTreeMap<i32, PerField<u32>>,
    /// Models with no start date, by field.
    pub no_start_date: PerField<u32>,
}

impl YearCounts {
    /// Models with no start date, all fields.
    pub fn no_start_total(&self) -> u32 {
        self.no_start_date.total()
    }
    /// Models with a start date, all years.
    pub fn dated_total(&self) -> u32 {
        self.by_year.values().map(PerField::total).sum()
    }
}

/// Longest span of years whose gaps are filled with zero rows.
const MAX_FILLED_SPAN: i32 = 40;

/// New models per start year by field; models without a start date are counted apart.
pub fn by_year(registry: &Registry, selection: &[usize]) -> YearCounts {
    let mut out = YearCounts::default();
    for (_, m) in selected(registry, selection) {
        let f = m.field;
        match m.start_year() {
            Some(y) => out.by_year.entry(y).or_default()[f] += 1,
            None => out.no_start_date[f] += 1,
        }
    }
    if let (Some(&first), Some(&last)) = (out.by_year.keys().next(), out.by_year.keys().next_back()) {
        if last - first <= MAX_FILLED_SPAN {
            for y in first..=last {
                out.by_year.entry(y).or_default();
            }
        }
    }
    out
}

/// Counts per current rating.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RatingCounts {
    pub by_rating: PerRating<u32>,
    /// With no evaluation on or before the day.
    pub not_evaluated: u32,
}

impl RatingCounts {
    pub fn rating(&self, r: Rating) -> u32 {
        self.by_rating[r]
    }
    pub fn total(&self) -> u32 {
        self.by_rating.total() + self.not_evaluated
    }
}

/// Counts per rating as of `today` (the latest evaluation on or before it), plus "not evaluated".
pub fn by_rating(registry: &Registry, selection: &[usize], today: Date) -> RatingCounts {
    let mut out = RatingCounts::default();
    for (_, m) in selected(registry, selection) {
        match rating_as_of(m, today) {
            Some(r) => out.by_rating[r] += 1,
            None => out.not_evaluated += 1,
        }
    }
    out
}

/// Models in ethnic-minority areas against all the selected models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EthnicShare {
    pub ethnic_minority: u32,
    pub total: u32,
    /// The ethnic-minority models by field.
    pub by_field: PerField<u32>,
    /// All the selected models by field (what `by_field` is a part of).
    pub field_totals: PerField<u32>,
}

impl EthnicShare {
    /// A fraction 0–1 (0 when empty).
    pub fn share(&self) -> f64 {
        share(self.ethnic_minority, self.total)
    }
}

/// How many selected models are in ethnic-minority areas.
pub fn ethnic_share(registry: &Registry, selection: &[usize]) -> EthnicShare {
    let mut out = EthnicShare::default();
    for (_, m) in selected(registry, selection) {
        out.total += 1;
        out.field_totals[m.field] += 1;
        if m.ethnic_minority_area {
            out.ethnic_minority += 1;
            out.by_field[m.field] += 1;
        }
    }
    out
}

/// Everything the dashboard shows of a selection: the headline figures, the data of its five charts, and
/// the counts its cards read (live models, sample models). What the stored summary keeps of the whole
/// registry (`app::summary`), so a cold start shows the dashboard before the records are read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Dashboard {
    pub summary: Summary,
    pub localities: Vec<LocalityCount>,
    pub years: YearCounts,
    pub ratings: RatingCounts,
    pub ethnic: EthnicShare,
    /// Live models in the whole registry (not only the selection).
    pub live: usize,
    /// Sample models in the whole registry.
    pub samples: usize,
}

/// The dashboard of `selection` as of `today`.
pub fn dashboard(registry: &Registry, selection: &[usize], today: Date) -> Dashboard {
    Dashboard {
        summary: summary(registry, selection, today),
        localities: by_locality(registry, selection),
        years: by_year(registry, selection),
        ratings: by_rating(registry, selection, today),
        ethnic: ethnic_share(registry, selection),
        live: registry.live_count(),
        samples: registry.models().filter(|(_, m)| m.is_sample()).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_zero_when_empty() {
        let s = Summary::default();
        assert_eq!(s.evaluated_share(), 0.0);
        assert_eq!(s.effective_share(), 0.0);
        assert_eq!(EthnicShare::default().share(), 0.0);
    }

    #[test]
    fn effective_is_a_share_of_the_evaluated_models_not_of_all() {
        // 100 models, 60 evaluated, 30 of them effective or better: 50%, not 30%.
        assert_eq!(effective_share(30, 60), 0.5);
        let s = Summary { total: 100, evaluated: 60, effective: 30, ..Summary::default() };
        assert_eq!(s.effective_share(), 0.5);
        assert_eq!(s.evaluated_share(), 0.6);
        assert_eq!(effective_share(0, 0), 0.0, "nothing evaluated yet");
        assert_eq!(effective_share(4, 4), 1.0);
    }
}
