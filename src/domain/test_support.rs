//! Fixtures for the unit tests inside `src/` (the integration tests in `tests/` have `tests/support`):
//! times, dates, a model, an evaluation, a milestone and a plan, with nothing set that a test does not
//! ask for. One place, so a field added to a record is mended once. Compiled for tests only.

use super::model::{Evaluation, Extra, LocalityRef, Milestone, Model, Plan, Rating};
use super::time::{Date, Timestamp};

pub(crate) fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

pub(crate) fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// When `model` and `plan` are made: 2024-01-01.
pub(crate) fn made() -> Timestamp {
    ts("2024-01-01T00:00:00Z")
}

/// A model titled `title`, made by "dev" at `made()`, with no locality.
pub(crate) fn model(id: &str, title: &str) -> Model {
    let mut m = Model::new(id.into(), made(), "dev");
    m.title = title.into();
    m
}

/// A locality: a unit's code (if any) and the name recorded.
pub(crate) fn place(code: Option<u32>, name: &str) -> LocalityRef {
    LocalityRef { code, name: name.into(), ..Default::default() }
}

/// An evaluation by "Tổ công tác" with only a date and a rating.
pub(crate) fn ev(id: &str, date: &str, rating: Rating) -> Evaluation {
    Evaluation {
        id: id.into(),
        date: day(date),
        by: "Tổ công tác".into(),
        rating,
        close_to_needs: None,
        consensus: None,
        notes: String::new(),
        recorded_at: None,
        extra: Extra::new(),
    }
}

/// A milestone titled as its id, due and done on the days given.
pub(crate) fn ms(id: &str, due: Option<&str>, done: Option<&str>) -> Milestone {
    Milestone { id: id.into(), title: id.into(), due: due.map(day), done_on: done.map(day), notes: String::new(), extra: Extra::new() }
}

/// A plan titled `title`, made and saved by "dev" at `made()`, with no period, scope, targets or milestones.
pub(crate) fn plan(id: &str, title: &str) -> Plan {
    let mut p = Plan::new(id.into(), made(), "dev");
    p.title = title.into();
    p
}
