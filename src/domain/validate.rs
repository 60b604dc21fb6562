//! Kiểm tra dữ liệu: the rules a model, an evaluation and a plan must satisfy before they are saved.
//!
//! Each broken rule is a `FieldError`: the form field and the `FieldProblem`, a code with the numbers its
//! message needs. The core holds no sentence: `i18n::validation` gives the text in the officer's language.
//! The rules never read the clock: the caller passes "today". They are for the forms (and for checking
//! generated data); nothing here refuses records that arrive in files.

use super::model::{Evaluation, Milestone, Model, Plan, Status, TargetMetric};
use super::time::Date;

/// Longest title of a model, plan or milestone (characters).
pub const MAX_TITLE: usize = 200;
/// Longest description of a model.
pub const MAX_DESCRIPTION: usize = 5000;
/// Longest lead (person, household or group).
pub const MAX_LEAD: usize = 200;
/// Longest village name.
pub const MAX_VILLAGE: usize = 100;
/// Longest locality name.
pub const MAX_LOCALITY: usize = 200;
/// Longest single tag.
pub const MAX_TAG: usize = 50;
/// Most tags on one model.
pub const MAX_TAGS: usize = 20;
/// Longest notes of an evaluation or a milestone.
pub const MAX_NOTES: usize = 2000;
/// Longest "by" (working group or officer) of an evaluation.
pub const MAX_BY: usize = 200;
/// Earliest start year accepted (the founding of the state; older dates are typing mistakes).
pub const MIN_START_YEAR: i32 = 1945;
/// Earliest recognition or evaluation year accepted.
pub const MIN_RECOGNITION_YEAR: i32 = 1990;
/// Largest number of participants.
pub const MAX_PARTICIPANTS: u32 = 1_000_000;
/// Largest number of beneficiary households.
pub const MAX_HOUSEHOLDS: u32 = 1_000_000;
/// Largest sum of money mobilised (VND).
pub const MAX_MONEY_VND: u64 = 10_000_000_000_000;
/// Largest number of working days.
pub const MAX_WORK_DAYS: u64 = 100_000_000;
/// Largest land area (m²), more than the whole province.
pub const MAX_LAND_M2: u64 = 10_000_000_000;
/// Largest "new models" target of a plan.
pub const MAX_TARGET_COUNT: f64 = 1_000_000.0;

/// A field of the model, evaluation or plan forms. Milestones and targets carry their position in the
/// record's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FormField {
    Title,
    Locality,
    Village,
    Lead,
    StartedOn,
    Participants,
    Households,
    MoneyVnd,
    WorkDays,
    LandM2,
    Description,
    Tags,
    RecognitionYear,
    EvaluationDate,
    EvaluationBy,
    EvaluationNotes,
    PeriodFrom,
    PeriodTo,
    Target(usize),
    MilestoneTitle(usize),
    MilestoneDue(usize),
    MilestoneDone(usize),
    MilestoneNotes(usize),
}

impl FormField {
    /// The field's name in the forms' markup ("title", "target2", "milestonedue0"): the element ids
    /// `f-…` and `err-…`. Written out, because the release build's `Debug` prints nothing.
    pub fn html_name(self) -> String {
        let (name, at) = match self {
            FormField::Title => ("title", None),
            FormField::Locality => ("locality", None),
            FormField::Village => ("village", None),
            FormField::Lead => ("lead", None),
            FormField::StartedOn => ("startedon", None),
            FormField::Participants => ("participants", None),
            FormField::Households => ("households", None),
            FormField::MoneyVnd => ("moneyvnd", None),
            FormField::WorkDays => ("workdays", None),
            FormField::LandM2 => ("landm2", None),
            FormField::Description => ("description", None),
            FormField::Tags => ("tags", None),
            FormField::RecognitionYear => ("recognitionyear", None),
            FormField::EvaluationDate => ("evaluationdate", None),
            FormField::EvaluationBy => ("evaluationby", None),
            FormField::EvaluationNotes => ("evaluationnotes", None),
            FormField::PeriodFrom => ("periodfrom", None),
            FormField::PeriodTo => ("periodto", None),
            FormField::Target(i) => ("target", Some(i)),
            FormField::MilestoneTitle(i) => ("milestonetitle", Some(i)),
            FormField::MilestoneDue(i) => ("milestonedue", Some(i)),
            FormField::MilestoneDone(i) => ("milestonedone", Some(i)),
            FormField::MilestoneNotes(i) => ("milestonenotes", Some(i)),
        };
        match at {
            Some(i) => format!("{name}{i}"),
            None => name.to_string(),
        }
    }
}

/// What is wrong with a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldProblem {
    /// Empty (after trimming) where a value is required.
    Required,
    /// Longer than `max` characters (after trimming).
    TooLong { max: usize },
    /// More than `max` tags.
    TooManyTags { max: usize },
    /// A date after today.
    FutureDate,
    /// A date before the earliest year the field accepts.
    TooOld,
    /// A milestone done before the model started.
    DoneBeforeStart,
    /// A number larger than `max`.
    NumberOver { max: u64 },
    /// A year outside `min..=max`.
    YearOutside { min: i32, max: i32 },
    /// A recognition year before the model's start year.
    RecognizedBeforeStart,
    /// A period that ends before it starts.
    EndsBeforeStart,
    /// A target that is not a finite number of zero or more.
    NotANumber,
    /// A fraction where a whole number is needed.
    NotWhole,
    /// A share over 1 (100%).
    ShareOverWhole,
    /// A milestone due before its plan's period begins.
    DueBeforePlanStarts,
    /// A milestone due after its plan's period ends.
    DueAfterPlanEnds,
    /// A typed locality that names no commune, ward or former unit.
    UnknownLocality,
    /// A typed locality that could be any of `count` units: one must be picked.
    AmbiguousLocality { count: usize },
}

/// One broken rule: which field, and what is wrong with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    pub field: FormField,
    pub problem: FieldProblem,
}

impl FieldError {
    fn new(field: FormField, problem: FieldProblem) -> FieldError {
        FieldError { field, problem }
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn required(out: &mut Vec<FieldError>, field: FormField, value: &str, max: usize) {
    if value.trim().is_empty() {
        out.push(FieldError::new(field, FieldProblem::Required));
    } else {
        at_most_chars(out, field, value, max);
    }
}

fn at_most_chars(out: &mut Vec<FieldError>, field: FormField, value: &str, max: usize) {
    if chars(value.trim()) > max {
        out.push(FieldError::new(field, FieldProblem::TooLong { max }));
    }
}

fn at_most<T: PartialOrd + Into<u64>>(out: &mut Vec<FieldError>, field: FormField, value: Option<T>, max: T) {
    if let Some(v) = value {
        if v > max {
            out.push(FieldError::new(field, FieldProblem::NumberOver { max: max.into() }));
        }
    }
}

/// Checks a milestone at position `index`: title, notes, a done date not in the future and not before
/// `not_before` (the model's start).
fn validate_milestone(m: &Milestone, index: usize, not_before: Option<Date>, today: Date) -> Vec<FieldError> {
    let mut out = Vec::new();
    required(&mut out, FormField::MilestoneTitle(index), &m.title, MAX_TITLE);
    at_most_chars(&mut out, FormField::MilestoneNotes(index), &m.notes, MAX_NOTES);
    if let Some(done) = m.done_on {
        if done > today {
            out.push(FieldError::new(FormField::MilestoneDone(index), FieldProblem::FutureDate));
        } else if not_before.is_some_and(|start| done < start) {
            out.push(FieldError::new(FormField::MilestoneDone(index), FieldProblem::DoneBeforeStart));
        }
    }
    if let Some(due) = m.due {
        if due.year() < MIN_RECOGNITION_YEAR {
            out.push(FieldError::new(FormField::MilestoneDue(index), FieldProblem::TooOld));
        }
    }
    out
}

/// Every rule a model breaks (empty when it may be saved).
///
/// A start date in the future is accepted only for a `planned` model (a model being prepared).
pub fn validate_model(m: &Model, today: Date) -> Vec<FieldError> {
    let mut out = Vec::new();
    required(&mut out, FormField::Title, &m.title, MAX_TITLE);
    required(&mut out, FormField::Locality, &m.locality.name, MAX_LOCALITY);
    if let Some(v) = &m.locality.village {
        at_most_chars(&mut out, FormField::Village, v, MAX_VILLAGE);
    }
    at_most_chars(&mut out, FormField::Lead, &m.lead, MAX_LEAD);
    at_most_chars(&mut out, FormField::Description, &m.description, MAX_DESCRIPTION);

    if m.tags.len() > MAX_TAGS {
        out.push(FieldError::new(FormField::Tags, FieldProblem::TooManyTags { max: MAX_TAGS }));
    }
    if m.tags.iter().any(|t| chars(t.trim()) > MAX_TAG) {
        out.push(FieldError::new(FormField::Tags, FieldProblem::TooLong { max: MAX_TAG }));
    }

    if let Some(start) = m.started_on {
        if start > today && m.status != Some(Status::Planned) {
            out.push(FieldError::new(FormField::StartedOn, FieldProblem::FutureDate));
        } else if start.year() < MIN_START_YEAR {
            out.push(FieldError::new(FormField::StartedOn, FieldProblem::TooOld));
        }
    }

    at_most(&mut out, FormField::Participants, m.participants, MAX_PARTICIPANTS);
    at_most(&mut out, FormField::Households, m.beneficiary_households, MAX_HOUSEHOLDS);
    at_most(&mut out, FormField::MoneyVnd, m.contributions.money_vnd, MAX_MONEY_VND);
    at_most(&mut out, FormField::WorkDays, m.contributions.work_days, MAX_WORK_DAYS);
    at_most(&mut out, FormField::LandM2, m.contributions.land_m2, MAX_LAND_M2);

    if let Some(year) = m.recognition.as_ref().and_then(|r| r.year) {
        if year < MIN_RECOGNITION_YEAR || year > today.year() {
            out.push(FieldError::new(
                FormField::RecognitionYear,
                FieldProblem::YearOutside { min: MIN_RECOGNITION_YEAR, max: today.year() },
            ));
        } else if m.start_year().is_some_and(|s| year < s) {
            out.push(FieldError::new(FormField::RecognitionYear, FieldProblem::RecognizedBeforeStart));
        }
    }

    for (i, ms) in m.milestones.iter().enumerate() {
        out.extend(validate_milestone(ms, i, m.started_on, today));
    }
    out
}

/// Every rule an evaluation breaks: a date not in the future (nor before 1990), "by" and notes not too long.
pub fn validate_evaluation(e: &Evaluation, today: Date) -> Vec<FieldError> {
    let mut out = Vec::new();
    if e.date > today {
        out.push(FieldError::new(FormField::EvaluationDate, FieldProblem::FutureDate));
    } else if e.date.year() < MIN_RECOGNITION_YEAR {
        out.push(FieldError::new(FormField::EvaluationDate, FieldProblem::TooOld));
    }
    at_most_chars(&mut out, FormField::EvaluationBy, &e.by, MAX_BY);
    at_most_chars(&mut out, FormField::EvaluationNotes, &e.notes, MAX_NOTES);
    out
}

/// Every rule a plan breaks: a title, a period whose end is not before its start, targets that are
/// sensible (a whole, non-negative number of new models; shares from 0 to 1), milestones with titles.
pub fn validate_plan(p: &Plan) -> Vec<FieldError> {
    let mut out = Vec::new();
    required(&mut out, FormField::Title, &p.title, MAX_TITLE);
    if let Some(period) = &p.period {
        if period.from.year() < MIN_RECOGNITION_YEAR {
            out.push(FieldError::new(FormField::PeriodFrom, FieldProblem::TooOld));
        }
        if period.to < period.from {
            out.push(FieldError::new(FormField::PeriodTo, FieldProblem::EndsBeforeStart));
        }
    }
    for (i, t) in p.targets.iter().enumerate() {
        let field = FormField::Target(i);
        if !t.value.is_finite() || t.value < 0.0 {
            out.push(FieldError::new(field, FieldProblem::NotANumber));
            continue;
        }
        match t.metric {
            TargetMetric::NewModels => {
                if t.value.fract() != 0.0 {
                    out.push(FieldError::new(field, FieldProblem::NotWhole));
                } else if t.value > MAX_TARGET_COUNT {
                    out.push(FieldError::new(field, FieldProblem::NumberOver { max: MAX_TARGET_COUNT as u64 }));
                }
            }
            TargetMetric::EvaluatedShare | TargetMetric::EffectiveShare => {
                if t.value > 1.0 {
                    out.push(FieldError::new(field, FieldProblem::ShareOverWhole));
                }
            }
        }
    }
    for (i, ms) in p.milestones.iter().enumerate() {
        required(&mut out, FormField::MilestoneTitle(i), &ms.title, MAX_TITLE);
        if let (Some(due), Some(period)) = (ms.due, &p.period) {
            if due < period.from {
                out.push(FieldError::new(FormField::MilestoneDue(i), FieldProblem::DueBeforePlanStarts));
            } else if due > period.to {
                out.push(FieldError::new(FormField::MilestoneDue(i), FieldProblem::DueAfterPlanEnds));
            }
        }
        at_most_chars(&mut out, FormField::MilestoneNotes(i), &ms.notes, MAX_NOTES);
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_fields_html_name_is_its_variant_name_in_lower_case() {
        // The ids the forms had when they were made from `Debug` (the e2e tests and saved links use them).
        let fields = [FormField::Title, FormField::Locality, FormField::Village, FormField::Lead, FormField::StartedOn,
            FormField::Participants, FormField::Households, FormField::MoneyVnd, FormField::WorkDays, FormField::LandM2,
            FormField::Description, FormField::Tags, FormField::RecognitionYear, FormField::EvaluationDate,
            FormField::EvaluationBy, FormField::EvaluationNotes, FormField::PeriodFrom, FormField::PeriodTo,
            FormField::Target(3), FormField::MilestoneTitle(0), FormField::MilestoneDue(12), FormField::MilestoneDone(1),
            FormField::MilestoneNotes(2)];
        for f in fields {
            assert_eq!(f.html_name(), format!("{f:?}").to_lowercase().replace(['(', ')'], ""));
        }
    }
    use super::*;
    use crate::domain::model::{
        Extra, Period, Rating, Recognition, RecognitionLevel, Target,
    };
    use crate::domain::test_support::{self, day as d, ev, ms, place};

    fn today() -> Date {
        d("2025-06-15")
    }

    fn valid() -> Model {
        let mut m = test_support::model("m", "Mô hình nuôi bò thịt của ông Hồ Văn Nghiêm");
        m.locality = place(Some(20089), "Xã Hồng Thái");
        m.started_on = Some(d("2021-03-01"));
        m
    }

    fn fields(errs: &[FieldError]) -> Vec<(FormField, FieldProblem)> {
        errs.iter().map(|e| (e.field, e.problem)).collect()
    }

    fn milestone(title: &str, done: Option<&str>) -> Milestone {
        Milestone { title: title.into(), ..ms("ms", None, done) }
    }

    #[test]
    fn a_complete_model_is_valid() {
        assert!(validate_model(&valid(), today()).is_empty());
    }

    #[test]
    fn title_and_locality_are_required_after_trimming() {
        let mut m = valid();
        m.title = "   ".into();
        m.locality.name = "\t".into();
        let e = validate_model(&m, today());
        assert_eq!(fields(&e), vec![(FormField::Title, FieldProblem::Required), (FormField::Locality, FieldProblem::Required)]);
    }

    #[test]
    fn title_length_counts_characters_not_bytes() {
        let mut m = valid();
        m.title = "ư".repeat(200); // 400 bytes, 200 characters
        assert!(validate_model(&m, today()).is_empty());
        m.title.push('a');
        let e = validate_model(&m, today());
        assert_eq!(fields(&e), vec![(FormField::Title, FieldProblem::TooLong { max: 200 })]);
    }

    #[test]
    fn text_lengths_have_limits() {
        let mut m = valid();
        m.description = "a".repeat(5000);
        m.lead = "b".repeat(200);
        m.locality.village = Some("c".repeat(100));
        assert!(validate_model(&m, today()).is_empty());
        m.description.push('a');
        m.lead.push('b');
        m.locality.village.as_mut().unwrap().push('c');
        let e = validate_model(&m, today());
        assert_eq!(
            fields(&e),
            vec![
                (FormField::Village, FieldProblem::TooLong { max: 100 }),
                (FormField::Lead, FieldProblem::TooLong { max: 200 }),
                (FormField::Description, FieldProblem::TooLong { max: 5000 })
            ]
        );
    }

    #[test]
    fn tags_have_a_length_and_a_count_limit() {
        let mut m = valid();
        m.tags = (0..20).map(|i| format!("nhãn {i}")).collect();
        m.tags[0] = "đ".repeat(50);
        assert!(validate_model(&m, today()).is_empty());
        m.tags[0].push('x');
        assert_eq!(fields(&validate_model(&m, today())), vec![(FormField::Tags, FieldProblem::TooLong { max: 50 })]);
        m.tags[0] = "ok".into();
        m.tags.push("một nhãn nữa".into());
        let e = validate_model(&m, today());
        assert_eq!(fields(&e), vec![(FormField::Tags, FieldProblem::TooManyTags { max: 20 })]);
    }

    #[test]
    fn start_date_is_not_in_the_future_nor_before_1945() {
        let mut m = valid();
        m.started_on = Some(today());
        assert!(validate_model(&m, today()).is_empty(), "today is fine");
        m.started_on = Some(today().add_days(1));
        assert_eq!(fields(&validate_model(&m, today())), vec![(FormField::StartedOn, FieldProblem::FutureDate)]);
        m.started_on = Some(d("1945-01-01"));
        assert!(validate_model(&m, today()).is_empty());
        m.started_on = Some(d("1944-12-31"));
        assert_eq!(fields(&validate_model(&m, today())), vec![(FormField::StartedOn, FieldProblem::TooOld)]);
    }

    #[test]
    fn a_planned_model_may_start_in_the_future() {
        let mut m = valid();
        m.status = Some(Status::Planned);
        m.started_on = Some(today().add_days(60));
        assert!(validate_model(&m, today()).is_empty());
        m.status = Some(Status::Active);
        assert!(!validate_model(&m, today()).is_empty());
    }

    #[test]
    fn numbers_stay_in_sane_ranges() {
        let mut m = valid();
        m.participants = Some(MAX_PARTICIPANTS);
        m.beneficiary_households = Some(MAX_HOUSEHOLDS);
        m.contributions.money_vnd = Some(MAX_MONEY_VND);
        m.contributions.work_days = Some(MAX_WORK_DAYS);
        m.contributions.land_m2 = Some(MAX_LAND_M2);
        assert!(validate_model(&m, today()).is_empty());
        m.participants = Some(MAX_PARTICIPANTS + 1);
        m.beneficiary_households = Some(MAX_HOUSEHOLDS + 1);
        m.contributions.money_vnd = Some(MAX_MONEY_VND + 1);
        m.contributions.work_days = Some(MAX_WORK_DAYS + 1);
        m.contributions.land_m2 = Some(MAX_LAND_M2 + 1);
        let e = validate_model(&m, today());
        assert_eq!(
            fields(&e),
            vec![
                (FormField::Participants, FieldProblem::NumberOver { max: 1_000_000 }),
                (FormField::Households, FieldProblem::NumberOver { max: 1_000_000 }),
                (FormField::MoneyVnd, FieldProblem::NumberOver { max: MAX_MONEY_VND }),
                (FormField::WorkDays, FieldProblem::NumberOver { max: MAX_WORK_DAYS }),
                (FormField::LandM2, FieldProblem::NumberOver { max: MAX_LAND_M2 })
            ]
        );
    }

    #[test]
    fn recognition_year_is_between_1990_and_this_year_and_not_before_the_start() {
        let mut m = valid();
        let rec = |year| Some(Recognition { level: RecognitionLevel::District, year: Some(year), extra: Extra::new() });
        m.recognition = rec(2025);
        assert!(validate_model(&m, today()).is_empty());
        m.recognition = rec(2021);
        assert!(validate_model(&m, today()).is_empty(), "the start year itself is fine");
        m.recognition = rec(2026);
        let e = validate_model(&m, today());
        let outside = FieldProblem::YearOutside { min: 1990, max: 2025 };
        assert_eq!(fields(&e), vec![(FormField::RecognitionYear, outside)]);
        m.recognition = rec(1989);
        assert_eq!(fields(&validate_model(&m, today())), vec![(FormField::RecognitionYear, outside)]);
        m.started_on = None;
        m.recognition = rec(1990);
        assert!(validate_model(&m, today()).is_empty());
        m.started_on = Some(d("2021-03-01"));
        m.recognition = rec(2020);
        assert_eq!(fields(&validate_model(&m, today())), vec![(FormField::RecognitionYear, FieldProblem::RecognizedBeforeStart)]);
        // a recognition without a year is fine
        m.recognition = Some(Recognition { level: RecognitionLevel::Commune, year: None, extra: Extra::new() });
        assert!(validate_model(&m, today()).is_empty());
    }

    #[test]
    fn model_milestones_need_a_title_and_a_sensible_done_date() {
        let mut m = valid();
        m.milestones = vec![milestone("Tổng kết 1 năm", Some("2022-03-01")), milestone("Nhân rộng", None)];
        assert!(validate_model(&m, today()).is_empty());
        m.milestones[1].title = " ".into();
        m.milestones[0].done_on = Some(today().add_days(1));
        assert_eq!(
            fields(&validate_model(&m, today())),
            vec![(FormField::MilestoneDone(0), FieldProblem::FutureDate), (FormField::MilestoneTitle(1), FieldProblem::Required)]
        );
        m.milestones[1].title = "Nhân rộng".into();
        m.milestones[0].done_on = Some(d("2021-02-28"));
        assert_eq!(fields(&validate_model(&m, today())), vec![(FormField::MilestoneDone(0), FieldProblem::DoneBeforeStart)]);
    }

    fn evaluation(date: &str, notes: &str) -> Evaluation {
        let by = "Đoàn công tác Ban Dân vận Tỉnh ủy".into();
        Evaluation { by, close_to_needs: Some(true), notes: notes.into(), ..ev("e", date, Rating::Effective) }
    }

    #[test]
    fn evaluation_date_is_not_in_the_future() {
        assert!(validate_evaluation(&evaluation("2025-06-15", ""), today()).is_empty());
        assert_eq!(
            fields(&validate_evaluation(&evaluation("2025-06-16", ""), today())),
            vec![(FormField::EvaluationDate, FieldProblem::FutureDate)]
        );
        assert_eq!(
            fields(&validate_evaluation(&evaluation("1989-12-31", ""), today())),
            vec![(FormField::EvaluationDate, FieldProblem::TooOld)]
        );
    }

    #[test]
    fn evaluation_notes_are_at_most_2000_characters() {
        assert!(validate_evaluation(&evaluation("2025-01-01", &"ê".repeat(2000)), today()).is_empty());
        let e = validate_evaluation(&evaluation("2025-01-01", &"ê".repeat(2001)), today());
        assert_eq!(fields(&e), vec![(FormField::EvaluationNotes, FieldProblem::TooLong { max: 2000 })]);
    }

    fn plan() -> Plan {
        let mut p = test_support::plan("p", "Mô hình sinh kế vùng đồng bào dân tộc thiểu số năm 2024");
        p.period = Some(Period { from: d("2024-01-01"), to: d("2024-12-31"), extra: Extra::new() });
        p.targets = vec![
            Target { metric: TargetMetric::NewModels, value: 30.0, extra: Extra::new() },
            Target { metric: TargetMetric::EffectiveShare, value: 0.8, extra: Extra::new() },
        ];
        p.milestones = vec![milestone("Sơ kết 6 tháng", None)];
        p
    }

    #[test]
    fn a_complete_plan_is_valid() {
        assert!(validate_plan(&plan()).is_empty());
        let mut p = plan();
        p.period = None;
        p.targets[1].value = 1.0;
        p.targets[0].value = 0.0;
        assert!(validate_plan(&p).is_empty(), "no period, a share of exactly 1 and a zero target are fine");
    }

    #[test]
    fn plan_title_is_required() {
        let mut p = plan();
        p.title = "  ".into();
        assert_eq!(fields(&validate_plan(&p)), vec![(FormField::Title, FieldProblem::Required)]);
    }

    #[test]
    fn plan_period_ends_on_or_after_its_start() {
        let mut p = plan();
        p.period.as_mut().unwrap().to = d("2024-01-01");
        assert!(validate_plan(&p).is_empty(), "a one-day period is fine");
        p.period.as_mut().unwrap().to = d("2023-12-31");
        assert_eq!(fields(&validate_plan(&p)), vec![(FormField::PeriodTo, FieldProblem::EndsBeforeStart)]);
    }

    #[test]
    fn plan_targets_are_non_negative_and_shares_at_most_one() {
        let mut p = plan();
        p.targets[0].value = -1.0;
        p.targets[1].value = 1.01;
        assert_eq!(
            fields(&validate_plan(&p)),
            vec![(FormField::Target(0), FieldProblem::NotANumber), (FormField::Target(1), FieldProblem::ShareOverWhole)]
        );
        p.targets[0].value = 2.5;
        p.targets[1].value = f64::NAN;
        assert_eq!(
            fields(&validate_plan(&p)),
            vec![(FormField::Target(0), FieldProblem::NotWhole), (FormField::Target(1), FieldProblem::NotANumber)]
        );
    }

    #[test]
    fn plan_milestones_fall_within_the_period() {
        let mut p = plan();
        let due = |title: &str, on: &str| Milestone { due: Some(d(on)), ..milestone(title, None) };
        p.milestones = vec![due("Khởi động", "2024-01-01"), due("Tổng kết", "2024-12-31")];
        assert!(validate_plan(&p).is_empty(), "the first and last days are in the period");
        p.milestones = vec![due("Sớm", "2023-12-31"), due("Muộn", "2025-01-01")];
        assert_eq!(
            fields(&validate_plan(&p)),
            vec![(FormField::MilestoneDue(0), FieldProblem::DueBeforePlanStarts), (FormField::MilestoneDue(1), FieldProblem::DueAfterPlanEnds)]
        );
        p.period = None;
        assert!(validate_plan(&p).is_empty(), "a plan without a period takes any date");
    }

    #[test]
    fn plan_milestones_need_a_title() {
        let mut p = plan();
        p.milestones.push(milestone("", None));
        assert_eq!(fields(&validate_plan(&p)), vec![(FormField::MilestoneTitle(1), FieldProblem::Required)]);
    }
}
