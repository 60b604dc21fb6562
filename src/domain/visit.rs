//! Đi cơ sở: the rules of a field visit. Which models of a commune the officer sees and in which order
//! (those due a visit first: never evaluated, then the longest unvisited; then the others, least recently
//! visited first; stopped models last), and what each card says (its latest rating and date, and whether
//! a visit is due). One sort, O(n log n) in the commune's models.

use super::filter::Filter;
use super::model::{Rating, Status};
use super::progress::VISIT_INTERVAL_DAYS;
use super::registry::Registry;
use super::time::Date;

/// Whether a model is due a field visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Due {
    /// Never evaluated.
    NeverEvaluated,
    /// Its latest evaluation is more than `VISIT_INTERVAL_DAYS` days old.
    Overdue,
    /// Evaluated within the interval.
    NotDue,
    /// Stopped: no visit is planned.
    Stopped,
}

/// One model on the visit screen.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitCard {
    /// The model's position in the registry.
    pub position: usize,
    pub due: Due,
    /// The latest evaluation's rating and date.
    pub latest: Option<(Rating, Date)>,
}

/// The live models of the commune `commune` (a current unit; models recorded under its former units
/// included), in visiting order.
pub fn visit_list(registry: &Registry, commune: u32, today: Date) -> Vec<VisitCard> {
    let mut cards: Vec<VisitCard> = Filter { locality: Some(commune), ..Default::default() }
        .select_unsorted(registry, None)
        .into_iter()
        .map(|position| {
            let m = &registry.all_models()[position];
            let latest = m.latest_evaluation().map(|e| (e.rating, e.date));
            let due = match latest {
                _ if m.status == Some(Status::Stopped) => Due::Stopped,
                None => Due::NeverEvaluated,
                Some((_, d)) if d.days_until(today) > VISIT_INTERVAL_DAYS => Due::Overdue,
                Some(_) => Due::NotDue,
            };
            VisitCard { position, due, latest }
        })
        .collect();
    // never evaluated in registry order; the others oldest visit first
    cards.sort_by_key(|c| (c.due, c.latest.map(|(_, d)| d), c.position));
    cards
}

/// How many cards are due a visit (never evaluated or overdue).
pub fn due_count(cards: &[VisitCard]) -> usize {
    cards.iter().filter(|c| matches!(c.due, Due::NeverEvaluated | Due::Overdue)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Model;
    use crate::domain::test_support::{day as d, ev, model as titled, place};

    fn model(id: &str, commune: u32, evaluated: &[&str], status: Option<Status>) -> Model {
        let mut m = titled(id, id);
        m.status = status;
        m.locality = place(Some(commune), "");
        m.evaluations = evaluated.iter().enumerate().map(|(k, date)| ev(&format!("{id}-e{k}"), date, Rating::Effective)).collect();
        m
    }

    #[test]
    fn due_first_then_least_recently_visited_then_stopped() {
        let a_luoi_4 = 20101;
        let elsewhere = 1;
        let r = Registry::from_records(
            vec![
                model("recent", a_luoi_4, &["2026-10-01"], None),
                model("never-1", a_luoi_4, &[], None),
                model("stopped", a_luoi_4, &[], Some(Status::Stopped)),
                model("old", a_luoi_4, &["2023-05-01", "2024-02-01"], None),
                model("older", a_luoi_4, &["2022-01-01"], None),
                model("never-2", a_luoi_4, &[], None),
                model("elsewhere", elsewhere, &[], None),
                model("a-while", a_luoi_4, &["2026-01-01"], None),
            ],
            vec![],
        );
        let cards = visit_list(&r, a_luoi_4, d("2026-12-01"));
        let ids: Vec<&str> = cards.iter().map(|c| r.all_models()[c.position].id.as_str()).collect();
        assert_eq!(ids, ["never-1", "never-2", "older", "old", "a-while", "recent", "stopped"]);
        let due: Vec<Due> = cards.iter().map(|c| c.due).collect();
        assert_eq!(due, [Due::NeverEvaluated, Due::NeverEvaluated, Due::Overdue, Due::Overdue, Due::NotDue, Due::NotDue, Due::Stopped]);
        assert_eq!(cards[3].latest, Some((Rating::Effective, d("2024-02-01"))), "the latest evaluation, not the first");
        assert_eq!(due_count(&cards), 4);
    }
}
