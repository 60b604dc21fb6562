//! Translated texts of the form checks (`domain::validate`): each `FieldProblem` is a `Msg`, its numbers
//! filled in, so the forms show every problem in the officer's language.

use super::{tf, Lang, PageMsg};
use crate::domain::validate::{FieldError, FieldProblem};

/// The message of a problem (its `{0}` and `{1}` unfilled: `problem` gives them).
pub fn msg(problem: FieldProblem) -> PageMsg {
    match problem {
        FieldProblem::Required => PageMsg::ErrRequired,
        FieldProblem::TooLong { .. } => PageMsg::ErrTooLong,
        FieldProblem::TooManyTags { .. } => PageMsg::ErrTooManyTags,
        FieldProblem::FutureDate => PageMsg::ErrFutureDate,
        FieldProblem::TooOld => PageMsg::ErrTooOld,
        FieldProblem::DoneBeforeStart => PageMsg::ErrDateOrder,
        FieldProblem::NumberOver { .. } => PageMsg::ErrNumberMax,
        FieldProblem::YearOutside { .. } => PageMsg::ErrYearRange,
        FieldProblem::RecognizedBeforeStart => PageMsg::ErrRecognizedBeforeStart,
        FieldProblem::EndsBeforeStart => PageMsg::ErrPeriodOrder,
        FieldProblem::NotANumber => PageMsg::ErrNumberRange,
        FieldProblem::NotWhole => PageMsg::ErrWholeNumber,
        FieldProblem::ShareOverWhole => PageMsg::ErrShareRange,
        FieldProblem::UnknownLocality => PageMsg::ErrUnknownLocality,
        FieldProblem::DueBeforePlanStarts => PageMsg::ErrDueBeforePlan,
        FieldProblem::DueAfterPlanEnds => PageMsg::ErrDueAfterPlan,
        FieldProblem::AmbiguousLocality { .. } => PageMsg::ErrAmbiguousLocality,
    }
}

/// A problem's text with its numbers filled in ("Longer than 200 characters.").
pub fn problem(lang: Lang, problem: FieldProblem) -> String {
    let m = msg(problem);
    match problem {
        FieldProblem::TooLong { max } | FieldProblem::TooManyTags { max } => tf(lang, m, &[&max]),
        FieldProblem::NumberOver { max } => tf(lang, m, &[&max]),
        FieldProblem::AmbiguousLocality { count } => tf(lang, m, &[&count]),
        FieldProblem::YearOutside { min, max } => tf(lang, m, &[&min, &max]),
        _ => m.text(lang).to_string(),
    }
}

/// The text shown beside the field of `error`.
pub fn field_error(lang: Lang, error: &FieldError) -> String {
    problem(lang, error.problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Model, Recognition, RecognitionLevel};
    use crate::domain::time::{Date, Timestamp};
    use crate::domain::validate::{validate_model, MAX_MONEY_VND};

    #[test]
    fn numbers_are_filled_in() {
        assert_eq!(problem(Lang::En, FieldProblem::TooLong { max: 200 }), "Longer than 200 characters.");
        assert_eq!(problem(Lang::Vi, FieldProblem::TooManyTags { max: 20 }), "Tối đa 20 nhãn.");
        assert_eq!(
            problem(Lang::En, FieldProblem::YearOutside { min: 1990, max: 2025 }),
            "The year must be from 1990 to 2025."
        );
        assert_eq!(problem(Lang::En, FieldProblem::NumberOver { max: 1_000_000 }), "Must not be more than 1000000.");
        assert_eq!(problem(Lang::Vi, FieldProblem::Required), "Bắt buộc nhập.");
    }

    #[test]
    fn every_problem_reads_in_both_languages_with_no_placeholder_left() {
        let all = [
            FieldProblem::Required,
            FieldProblem::TooLong { max: 50 },
            FieldProblem::TooManyTags { max: 20 },
            FieldProblem::FutureDate,
            FieldProblem::TooOld,
            FieldProblem::DoneBeforeStart,
            FieldProblem::NumberOver { max: MAX_MONEY_VND },
            FieldProblem::YearOutside { min: 1990, max: 2025 },
            FieldProblem::RecognizedBeforeStart,
            FieldProblem::EndsBeforeStart,
            FieldProblem::NotANumber,
            FieldProblem::NotWhole,
            FieldProblem::ShareOverWhole,
        ];
        for p in all {
            for lang in Lang::ALL {
                let text = problem(lang, p);
                assert!(!text.trim().is_empty() && !text.contains('{'), "{p:?} {lang:?}: {text}");
            }
        }
    }

    #[test]
    fn a_form_error_reads_as_its_problem() {
        let mut m = Model::new("m".into(), Timestamp::parse("2024-01-01T00:00:00Z").unwrap(), "dev");
        m.title = "Mô hình".into();
        m.locality.name = "Xã Hồng Thái".into();
        m.recognition =
            Some(Recognition { level: RecognitionLevel::District, year: Some(2026), extra: Default::default() });
        let errors = validate_model(&m, Date::parse("2025-06-15").unwrap());
        assert_eq!(errors.len(), 1);
        assert_eq!(field_error(Lang::Vi, &errors[0]), "Năm phải từ 1990 đến 2025.");
    }
}
