//! The exported tables: rows of typed cells under headers in the officer's language. The CSV and the Excel
//! workbook are both written from these, so the two can never disagree about a column or a value.
//!
//! A cell keeps its kind (text, number, date, yes/no), and each writer shows it in its own way: the CSV
//! writes a number as plain digits and a date as on screen (`01/12/2026`, `1 Dec 2026`); the workbook
//! writes a real number and a real date with a display format. Yes/no is the app's word ("Có", "Không"),
//! in both: a spreadsheet's TRUE/FALSE would be English in a Vietnamese sheet.

use crate::domain::locality::{Localities, Placement};
use crate::domain::model::{Model, TargetMetric};
use crate::domain::progress::plan_progress;
use crate::domain::registry::Registry;
use crate::domain::time::Date;
use crate::domain::evidence;
use crate::i18n::{dates, percent, ChunkMsg, Lang, Msg, Named, OrMsg, ShareMsg};

/// How a number reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Num {
    /// A count or an amount, grouped by thousands in the workbook ("15.000.000").
    Count,
    /// A year or a code: digits only ("2024", "20095").
    Plain,
    /// A fraction 0–1 shown as a whole percentage ("80%").
    Share,
    /// Degrees of latitude or longitude, to six decimals ("16.2157").
    Degrees,
}

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64, Num),
    Date(Date),
    Bool(bool),
}

impl Cell {
    /// Text, or `Empty` when there is none.
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// The value as text in `lang`, as the CSV writes it: numbers as plain digits (a spreadsheet reads them
    /// as numbers whatever its locale's separators), shares as "80%", dates as on screen, yes/no as words.
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(v, Num::Share) => percent(*v),
            Cell::Number(v, _) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", *v as i64),
            Cell::Number(v, _) => v.to_string(),
            Cell::Date(d) => dates::date(lang, *d),
            Cell::Bool(b) => yes_no(lang, *b).to_string(),
        }
    }
}

/// "Có" / "Không" (vi), "Yes" / "No" (en).
fn yes_no(lang: Lang, b: bool) -> &'static str {
    (if b { ChunkMsg::Yes } else { ChunkMsg::No }).text(lang)
}

/// A column's header: one of the model's fields (the main catalogue's, as the pages name them) or one of
/// the export's own.
pub type Column = OrMsg<ShareMsg>;

/// A table: one sheet of the workbook, or one CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub lang: Lang,
    /// The sheet's tab name ("Mô hình").
    pub sheet: ShareMsg,
    /// What the sheet holds, for its title row ("Danh sách mô hình “Dân vận khéo”").
    pub title: ShareMsg,
    pub columns: Vec<Column>,
    /// Each row has one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The column headers in the table's language.
    pub fn headers(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.text(self.lang)).collect()
    }

    /// The position of a column.
    pub fn column(&self, header: impl Into<Column>) -> Option<usize> {
        let header = header.into();
        self.columns.iter().position(|c| *c == header)
    }
}

fn count<T: Into<f64>>(v: Option<T>) -> Cell {
    v.map(|v| Cell::Number(v.into(), Num::Count)).unwrap_or(Cell::Empty)
}

fn named<T: Named>(lang: Lang, v: Option<T>) -> Cell {
    v.map(|v| Cell::Text(v.name(lang).to_string())).unwrap_or(Cell::Empty)
}

fn date(d: Option<Date>) -> Cell {
    d.map(Cell::Date).unwrap_or(Cell::Empty)
}

/// The commune or ward where a model counts now, as the list shows it (the province for a province-level
/// model; "not in the official list" for a unit the lists do not hold).
fn commune_now(lang: Lang, m: &Model) -> String {
    let places = Localities::builtin();
    match places.place(&m.locality) {
        Placement::Unplaced => Msg::Unplaced.text(lang).to_string(),
        p => places.placement_name(p).unwrap_or_default().to_string(),
    }
}

/// The columns of `models`, in order.
pub const MODEL_COLUMNS: &[Column] = &[
    OrMsg::Chunks(ChunkMsg::Title),
    OrMsg::Main(Msg::Field),
    OrMsg::Own(ShareMsg::ColCommuneNow),
    OrMsg::Own(ShareMsg::ColLocalityRecorded),
    OrMsg::Chunks(ChunkMsg::Village),
    OrMsg::Chunks(ChunkMsg::Lead),
    OrMsg::Main(Msg::LeadOrganization),
    OrMsg::Main(Msg::EthnicArea),
    OrMsg::Main(Msg::Status),
    OrMsg::Main(Msg::StartedOn),
    OrMsg::Chunks(ChunkMsg::Participants),
    OrMsg::Chunks(ChunkMsg::Households),
    OrMsg::Chunks(ChunkMsg::MoneyVnd),
    OrMsg::Chunks(ChunkMsg::WorkDays),
    OrMsg::Chunks(ChunkMsg::LandM2),
    OrMsg::Own(ShareMsg::ColTags),
    OrMsg::Chunks(ChunkMsg::RecognitionLevel),
    OrMsg::Chunks(ChunkMsg::RecognitionYear),
    OrMsg::Chunks(ChunkMsg::CurrentRating),
    OrMsg::Own(ShareMsg::ColLastEvaluated),
    OrMsg::Own(ShareMsg::ColEvaluationCount),
    OrMsg::Own(ShareMsg::PhotoCountCol),
    OrMsg::Own(ShareMsg::LatitudeCol),
    OrMsg::Own(ShareMsg::LongitudeCol),
    OrMsg::Own(ShareMsg::ColUpdatedOn),
    OrMsg::Own(ShareMsg::ColUnitCode),
    OrMsg::Own(ShareMsg::ColModelId),
];

/// One row per model, in the order given (the caller leaves out deleted ones).
pub fn models(lang: Lang, models: &[&Model]) -> Table {
    let rows = models
        .iter()
        .map(|m| {
            let latest = m.latest_evaluation();
            let location = evidence::location(&m.extra);
            vec![
                Cell::text(m.title.as_str()),
                Cell::Text(m.field.name(lang).to_string()),
                Cell::text(commune_now(lang, m)),
                Cell::text(m.locality.name.as_str()),
                Cell::text(m.locality.village.clone().unwrap_or_default()),
                Cell::text(m.lead.as_str()),
                named(lang, m.lead_organization),
                Cell::Bool(m.ethnic_minority_area),
                named(lang, m.status),
                date(m.started_on),
                count(m.participants),
                count(m.beneficiary_households),
                // Amounts are whole numbers far below 2^53, so f64 holds them exactly.
                count(m.contributions.money_vnd.map(|v| v as f64)),
                count(m.contributions.work_days.map(|v| v as f64)),
                count(m.contributions.land_m2.map(|v| v as f64)),
                Cell::text(m.tags.join("; ")),
                named(lang, m.recognition.as_ref().map(|r| r.level)),
                m.recognition.as_ref().and_then(|r| r.year).map(|y| Cell::Number(y.into(), Num::Plain)).unwrap_or(Cell::Empty),
                Cell::Text(latest.map(|e| e.rating.name(lang)).unwrap_or(Msg::NotEvaluated.text(lang)).to_string()),
                date(latest.map(|e| e.date)),
                Cell::Number(m.evaluations.len() as f64, Num::Count),
                Cell::Number(evidence::photo_count(&m.extra) as f64, Num::Count),
                location.as_ref().map(|l| Cell::Number(l.lat, Num::Degrees)).unwrap_or(Cell::Empty),
                location.as_ref().map(|l| Cell::Number(l.lon, Num::Degrees)).unwrap_or(Cell::Empty),
                Cell::Date(m.updated_at.date()),
                m.locality.code.map(|c| Cell::Number(c.into(), Num::Plain)).unwrap_or(Cell::Empty),
                Cell::Text(m.id.clone()),
            ]
        })
        .collect();
    Table { lang, sheet: ShareMsg::SheetModels, title: ShareMsg::SheetModelsTitle, columns: MODEL_COLUMNS.to_vec(), rows }
}

/// The columns of `evaluations`, in order.
pub const EVALUATION_COLUMNS: &[Column] = &[
    OrMsg::Chunks(ChunkMsg::Title),
    OrMsg::Own(ShareMsg::ColCommuneNow),
    OrMsg::Chunks(ChunkMsg::EvaluationDate),
    OrMsg::Chunks(ChunkMsg::EvaluatedBy),
    OrMsg::Main(Msg::Rating),
    OrMsg::Chunks(ChunkMsg::CloseToNeeds),
    OrMsg::Chunks(ChunkMsg::Consensus),
    OrMsg::Chunks(ChunkMsg::Notes),
    OrMsg::Own(ShareMsg::ColModelId),
    OrMsg::Own(ShareMsg::ColEvaluationId),
];

/// One row per evaluation of these models: the models in the order given, each model's evaluations oldest
/// first (the last one is the model's current rating).
pub fn evaluations(lang: Lang, models: &[&Model]) -> Table {
    let mut rows = Vec::new();
    for m in models {
        if m.evaluations.is_empty() {
            continue;
        }
        let commune = commune_now(lang, m);
        let mut evals: Vec<_> = m.evaluations.iter().collect();
        evals.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        for e in evals {
            rows.push(vec![
                Cell::text(m.title.as_str()),
                Cell::text(commune.as_str()),
                Cell::Date(e.date),
                Cell::text(e.by.as_str()),
                Cell::Text(e.rating.name(lang).to_string()),
                e.close_to_needs.map(Cell::Bool).unwrap_or(Cell::Empty),
                named(lang, e.consensus),
                Cell::text(e.notes.as_str()),
                Cell::Text(m.id.clone()),
                Cell::Text(e.id.clone()),
            ]);
        }
    }
    Table { lang, sheet: ShareMsg::SheetEvaluations, title: ShareMsg::SheetEvaluationsTitle, columns: EVALUATION_COLUMNS.to_vec(), rows }
}

/// The columns of `plans`, in order.
pub const PLAN_COLUMNS: &[Column] = &[
    OrMsg::Chunks(ChunkMsg::PlanTitle),
    OrMsg::Chunks(ChunkMsg::PeriodFrom),
    OrMsg::Chunks(ChunkMsg::PeriodTo),
    OrMsg::Own(ShareMsg::ColScopeLocalities),
    OrMsg::Own(ShareMsg::ColScopeFields),
    OrMsg::Main(Msg::EthnicOnly),
    OrMsg::Own(ShareMsg::ColModelsInScope),
    OrMsg::Own(ShareMsg::ColTargetMetric),
    OrMsg::Own(ShareMsg::ColTargetValue),
    OrMsg::Chunks(ChunkMsg::ChartAchieved),
    OrMsg::Own(ShareMsg::ColTargetMet),
    OrMsg::Chunks(ChunkMsg::ChartGap),
    OrMsg::Own(ShareMsg::ColMilestones),
    OrMsg::Own(ShareMsg::ColMilestonesDone),
    OrMsg::Own(ShareMsg::ColMilestonesOverdue),
    OrMsg::Own(ShareMsg::ColPlanId),
];

/// One row per target of each plan of `registry` (a plan without targets has one row), with the progress
/// computed from the whole registry on `today`, as the plans page shows it.
pub fn plans(lang: Lang, registry: &Registry, today: Date) -> Table {
    let places = Localities::builtin();
    let mut rows = Vec::new();
    for p in registry.plans() {
        let progress = plan_progress(p, registry, today);
        let localities = if p.scope.locality_codes.is_empty() {
            Msg::WholeProvince.text(lang).to_string()
        } else {
            let names: Vec<String> =
                p.scope.locality_codes.iter().map(|c| places.unit(*c).map(|u| u.name.clone()).unwrap_or_else(|| c.to_string())).collect();
            names.join(", ")
        };
        let fields = if p.scope.fields.is_empty() {
            Msg::AllFields.text(lang).to_string()
        } else {
            p.scope.fields.iter().map(|f| f.name(lang)).collect::<Vec<_>>().join(", ")
        };
        let plan_cells = vec![
            Cell::text(p.title.as_str()),
            date(p.period.as_ref().map(|x| x.from)),
            date(p.period.as_ref().map(|x| x.to)),
            Cell::Text(localities),
            Cell::Text(fields),
            Cell::Bool(p.scope.ethnic_minority_only),
            Cell::Number(progress.in_scope() as f64, Num::Count),
        ];
        let milestone_cells = [
            Cell::Number(progress.milestones.len() as f64, Num::Count),
            Cell::Number(progress.done_milestones() as f64, Num::Count),
            Cell::Number(progress.overdue_milestones() as f64, Num::Count),
            Cell::Text(p.id.clone()),
        ];
        let target_rows: Vec<Vec<Cell>> = if progress.targets.is_empty() {
            vec![vec![Cell::Empty; 5]]
        } else {
            progress
                .targets
                .iter()
                .map(|t| {
                    let kind = match t.metric {
                        TargetMetric::NewModels => Num::Count,
                        TargetMetric::EvaluatedShare | TargetMetric::EffectiveShare => Num::Share,
                    };
                    vec![
                        Cell::Text(t.metric.name(lang).to_string()),
                        Cell::Number(t.target, kind),
                        Cell::Number(t.actual, kind),
                        Cell::Bool(t.met),
                        Cell::Number(t.gap, kind),
                    ]
                })
                .collect()
        };
        for target in target_rows {
            let mut row = plan_cells.clone();
            row.extend(target);
            row.extend(milestone_cells.iter().cloned());
            rows.push(row);
        }
    }
    Table { lang, sheet: ShareMsg::SheetPlans, title: ShareMsg::SheetPlansTitle, columns: PLAN_COLUMNS.to_vec(), rows }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::model::{Consensus, Evaluation, Extra, Field, LeadOrganization, Milestone, Period, Plan, PlanScope, Rating, Status, Target};
    use crate::domain::test_support::{self, day, ev, ms, ts};

    /// An evaluation whose texts look like spreadsheet formulas.
    fn evaluation(id: &str, date: &str, rating: Rating) -> Evaluation {
        let (by, notes) = ("@tổ công tác".into(), "-tốt, gần dân".into());
        Evaluation { by, notes, close_to_needs: Some(true), consensus: Some(Consensus::High), ..ev(id, date, rating) }
    }

    /// A model in A Lưới with a formula-looking lead, two evaluations out of order, and every number set.
    pub(crate) fn sample() -> Model {
        let mut m = Model::new("m1".into(), ts("2024-03-12T09:30:00Z"), "dev");
        m.title = "Nuôi bò, \"sinh kế\"\nở A Lưới".into();
        m.field = Field::Economic;
        m.locality.name = "Xã A Roàng".into();
        m.locality.code = Some(20095);
        m.locality.village = Some("A Ka".into());
        m.lead = "=HYPERLINK(\"http://x\")".into();
        m.lead_organization = Some(LeadOrganization::FarmersAssociation);
        m.ethnic_minority_area = true;
        m.status = Some(Status::Active);
        m.started_on = Some(day("2023-05-01"));
        m.participants = Some(12);
        m.beneficiary_households = Some(5);
        m.contributions.money_vnd = Some(15_000_000);
        m.contributions.land_m2 = Some(500);
        m.tags = vec!["sinh kế".into(), "dân tộc".into()];
        m.evaluations.push(evaluation("e2", "2024-03-01", Rating::VeryEffective));
        m.evaluations.push(evaluation("e1", "2023-11-20", Rating::Limited));
        m
    }

    fn plan() -> Plan {
        let mut p = test_support::plan("p1", "Sinh kế vùng đồng bào 2024");
        p.period = Some(Period { from: day("2024-01-01"), to: day("2024-12-31"), extra: Extra::new() });
        p.scope = PlanScope { locality_codes: vec![], fields: vec![Field::Economic], ethnic_minority_only: true, extra: Extra::new() };
        p.targets = vec![
            Target { metric: TargetMetric::NewModels, value: 3.0, extra: Extra::new() },
            Target { metric: TargetMetric::EffectiveShare, value: 0.8, extra: Extra::new() },
        ];
        p.milestones = vec![Milestone { title: "Sơ kết".into(), ..ms("ms1", Some("2024-06-30"), None) }];
        (p.created_at, p.updated_at) = (ts("2024-01-02T00:00:00Z"), ts("2024-01-02T00:00:00Z"));
        p
    }

    fn get(t: &Table, row: usize, col: impl Into<Column>) -> &Cell {
        let col = col.into();
        &t.rows[row][t.column(col).unwrap_or_else(|| panic!("no column {col:?}"))]
    }

    #[test]
    fn model_rows_are_typed_and_in_the_officers_language() {
        let m = sample();
        let t = models(Lang::Vi, &[&m]);
        assert_eq!(t.rows.len(), 1);
        assert!(t.rows.iter().all(|r| r.len() == t.columns.len()));
        assert_eq!(t.headers()[0], "Tên mô hình");
        assert_eq!(get(&t, 0, Msg::Field), &Cell::Text("Kinh tế".into()));
        assert_eq!(get(&t, 0, Msg::LeadOrganization), &Cell::Text("Hội Nông dân".into()));
        assert_eq!(get(&t, 0, Msg::Status), &Cell::Text("Đang thực hiện".into()));
        assert_eq!(get(&t, 0, Msg::EthnicArea), &Cell::Bool(true));
        assert_eq!(get(&t, 0, Msg::StartedOn), &Cell::Date(day("2023-05-01")));
        assert_eq!(get(&t, 0, ChunkMsg::MoneyVnd), &Cell::Number(15_000_000.0, Num::Count));
        assert_eq!(get(&t, 0, ChunkMsg::WorkDays), &Cell::Empty, "no value is an empty cell, not 0");
        assert_eq!(get(&t, 0, ShareMsg::ColUnitCode), &Cell::Number(20095.0, Num::Plain));
        // the latest evaluation by date gives the rating, whatever the stored order
        assert_eq!(get(&t, 0, ChunkMsg::CurrentRating), &Cell::Text("Rất hiệu quả".into()));
        assert_eq!(get(&t, 0, ShareMsg::ColLastEvaluated), &Cell::Date(day("2024-03-01")));
        assert_eq!(get(&t, 0, ShareMsg::ColEvaluationCount), &Cell::Number(2.0, Num::Count));
        // A Roàng (2025-01) is part of a current commune: the sheet says which
        let Cell::Text(now) = get(&t, 0, ShareMsg::ColCommuneNow) else { panic!("commune is text") };
        assert!(now.starts_with("Xã A Lưới"), "{now}");
        assert_eq!(get(&t, 0, ShareMsg::ColLocalityRecorded), &Cell::Text("Xã A Roàng".into()));

        let en = models(Lang::En, &[&m]);
        assert_eq!(en.headers()[0], "Title");
        assert_eq!(get(&en, 0, Msg::Field), &Cell::Text("Economic".into()));
        assert_eq!(get(&en, 0, Msg::EthnicArea).display(Lang::En), "Yes");
        assert_eq!(get(&en, 0, Msg::StartedOn).display(Lang::En), "1 May 2023");
        assert_eq!(get(&t, 0, Msg::StartedOn).display(Lang::Vi), "01/05/2023");
    }

    #[test]
    fn the_photo_count_and_the_location_are_columns() {
        let mut m = sample();
        let t = models(Lang::Vi, &[&m]);
        assert_eq!(get(&t, 0, ShareMsg::PhotoCountCol), &Cell::Number(0.0, Num::Count));
        assert_eq!(get(&t, 0, ShareMsg::LatitudeCol), &Cell::Empty);
        let image = crate::domain::evidence::ImageData::from_bytes(vec![0xFF, 0xD8, 0xFF, 1, 2, 3]).unwrap();
        for id in ["p1", "p2", "p3"] {
            crate::domain::evidence::add_photo(&mut m.extra, &crate::domain::evidence::Photo::new(id.into(), ts("2024-03-12T02:10:00Z"), "", &image));
        }
        crate::domain::evidence::set_photo_deleted(&mut m.extra, "p2", Some(ts("2024-03-13T02:10:00Z")));
        let l = crate::domain::evidence::Location::checked(16.2157, 107.2751, Some(12.0)).unwrap();
        crate::domain::evidence::set_location(&mut m.extra, Some(&l));
        let t = models(Lang::Vi, &[&m]);
        assert_eq!(get(&t, 0, ShareMsg::PhotoCountCol), &Cell::Number(2.0, Num::Count), "a deleted photo is not counted");
        assert_eq!(get(&t, 0, ShareMsg::LatitudeCol), &Cell::Number(16.2157, Num::Degrees));
        assert_eq!(get(&t, 0, ShareMsg::LongitudeCol).display(Lang::Vi), "107.2751");
        assert_eq!(get(&t, 0, ShareMsg::LongitudeCol).display(Lang::En), "107.2751");
    }

    #[test]
    fn an_unevaluated_model_says_so_and_has_no_evaluation_rows() {
        let mut m = sample();
        m.evaluations.clear();
        m.locality = Default::default();
        m.locality.name = "Thôn không có trong danh mục".into();
        let t = models(Lang::Vi, &[&m]);
        assert_eq!(get(&t, 0, ChunkMsg::CurrentRating), &Cell::Text("Chưa đánh giá".into()));
        assert_eq!(get(&t, 0, ShareMsg::ColLastEvaluated), &Cell::Empty);
        assert_eq!(get(&t, 0, ShareMsg::ColCommuneNow), &Cell::Text("Ngoài danh mục".into()));
        assert!(evaluations(Lang::Vi, &[&m]).rows.is_empty());
    }

    #[test]
    fn evaluation_rows_are_oldest_first_per_model() {
        let m = sample();
        let mut other = sample();
        other.id = "m2".into();
        other.evaluations.truncate(1);
        let t = evaluations(Lang::Vi, &[&m, &other]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(get(&t, 0, ShareMsg::ColEvaluationId), &Cell::Text("e1".into()));
        assert_eq!(get(&t, 1, ShareMsg::ColEvaluationId), &Cell::Text("e2".into()));
        assert_eq!(get(&t, 2, ShareMsg::ColModelId), &Cell::Text("m2".into()));
        assert_eq!(get(&t, 0, Msg::Rating), &Cell::Text("Hạn chế".into()));
        assert_eq!(get(&t, 0, ChunkMsg::EvaluationDate), &Cell::Date(day("2023-11-20")));
        assert_eq!(get(&t, 0, ChunkMsg::CloseToNeeds), &Cell::Bool(true));
        assert_eq!(get(&t, 0, ChunkMsg::Consensus), &Cell::Text("Cao".into()));
    }

    #[test]
    fn plan_rows_carry_targets_and_progress() {
        let mut m = sample();
        m.started_on = Some(day("2024-02-01"));
        let mut none = plan();
        none.id = "p2".into();
        none.targets.clear();
        none.scope.fields.clear();
        let r = Registry::from_records(vec![m], vec![plan(), none]);
        let t = plans(Lang::Vi, &r, day("2024-07-15"));
        assert_eq!(t.rows.len(), 3, "two targets, and one row for the plan without targets");
        assert!(t.rows.iter().all(|r| r.len() == t.columns.len()));
        assert_eq!(get(&t, 0, ShareMsg::ColTargetMetric), &Cell::Text("Số mô hình mới".into()));
        assert_eq!(get(&t, 0, ShareMsg::ColTargetValue), &Cell::Number(3.0, Num::Count));
        assert_eq!(get(&t, 0, ChunkMsg::ChartAchieved), &Cell::Number(1.0, Num::Count));
        assert_eq!(get(&t, 0, ShareMsg::ColTargetMet), &Cell::Bool(false));
        assert_eq!(get(&t, 0, ChunkMsg::ChartGap), &Cell::Number(2.0, Num::Count));
        assert_eq!(get(&t, 1, ShareMsg::ColTargetValue), &Cell::Number(0.8, Num::Share));
        assert_eq!(get(&t, 1, ChunkMsg::ChartAchieved), &Cell::Number(1.0, Num::Share), "its one model is very effective");
        assert_eq!(get(&t, 1, ShareMsg::ColTargetValue).display(Lang::Vi), "80%");
        assert_eq!(get(&t, 0, ShareMsg::ColModelsInScope), &Cell::Number(1.0, Num::Count));
        assert_eq!(get(&t, 0, ShareMsg::ColMilestonesOverdue), &Cell::Number(1.0, Num::Count));
        assert_eq!(get(&t, 0, ShareMsg::ColScopeLocalities), &Cell::Text("Toàn thành phố".into()));
        assert_eq!(get(&t, 0, ShareMsg::ColScopeFields), &Cell::Text("Kinh tế".into()));
        assert_eq!(get(&t, 2, ShareMsg::ColScopeFields), &Cell::Text("Mọi lĩnh vực".into()));
        assert_eq!(get(&t, 2, ShareMsg::ColTargetMetric), &Cell::Empty);
        assert_eq!(get(&t, 2, ChunkMsg::PeriodFrom), &Cell::Date(day("2024-01-01")));
    }

    #[test]
    fn numbers_show_as_plain_digits_in_text() {
        assert_eq!(Cell::Number(15_000_000.0, Num::Count).display(Lang::Vi), "15000000");
        assert_eq!(Cell::Number(2024.0, Num::Plain).display(Lang::En), "2024");
        assert_eq!(Cell::Number(0.725, Num::Share).display(Lang::En), "73%");
        assert_eq!(Cell::Bool(false).display(Lang::Vi), "Không");
        assert_eq!(Cell::text(""), Cell::Empty);
    }
}
