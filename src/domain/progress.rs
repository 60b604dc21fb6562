//! Tiến độ kế hoạch: how far a plan has come (SPEC §2.4), computed from the registry — which models its
//! scope covers, the actual value of each target against the plan's value, the state of every milestone —
//! and the lists the officers work from: milestones due soon or overdue (plans and models together) and
//! models that need a field visit.
//!
//! Nothing here reads the clock: the caller passes "today".

use std::collections::BTreeSet;

use super::locality::{Localities, Placement, PROVINCE_CODE};
use super::model::{Milestone, Model, Plan, PlanScope, Status, TargetMetric};
use super::registry::Registry;
use super::time::Date;

/// A milestone not done is "due soon" from this many days before its due date.
pub const DUE_SOON_DAYS: i64 = 30;
/// A model whose latest evaluation is older than this many days needs a new visit.
pub const VISIT_INTERVAL_DAYS: i64 = 365;
/// Shares are compared with this tolerance, so 4 of 5 meets a target of 0.8.
const SHARE_EPSILON: f64 = 1e-9;

/// Where a milestone stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MilestoneState {
    /// It has a done date.
    Done,
    /// Not done, and its due date is `days` days in the past (1 on the day after the due date).
    Overdue { days: i64 },
    /// Not done, due in `days` days (0 on the due date itself), within `DUE_SOON_DAYS`.
    DueSoon { days: i64 },
    /// Not done, due later than `DUE_SOON_DAYS` from now.
    Later,
    /// Not done and without a due date.
    NoDate,
}

impl MilestoneState {
    pub fn is_overdue(self) -> bool {
        matches!(self, MilestoneState::Overdue { .. })
    }
}

/// The state of `m` on `today`. The due date itself is not overdue; the day after is.
pub fn milestone_state(m: &Milestone, today: Date) -> MilestoneState {
    if m.done_on.is_some() {
        return MilestoneState::Done;
    }
    let Some(due) = m.due else {
        return MilestoneState::NoDate;
    };
    let days = today.days_until(due);
    if days < 0 {
        MilestoneState::Overdue { days: -days }
    } else if days <= DUE_SOON_DAYS {
        MilestoneState::DueSoon { days }
    } else {
        MilestoneState::Later
    }
}

/// The models a plan's scope selects, decided once and applied to many models.
#[derive(Debug, Clone)]
pub struct ScopeMatcher<'a> {
    scope: &'a PlanScope,
    whole_province: bool,
    covered: BTreeSet<u32>,
}

impl<'a> ScopeMatcher<'a> {
    /// The matcher of `scope`. No locality codes (or the province's code) means the whole province,
    /// models placed nowhere included.
    pub fn new(scope: &'a PlanScope, localities: &Localities) -> ScopeMatcher<'a> {
        let whole_province = scope.locality_codes.is_empty() || scope.locality_codes.contains(&PROVINCE_CODE);
        let covered = scope.locality_codes.iter().flat_map(|&c| localities.communes_covered(c)).collect();
        ScopeMatcher { scope, whole_province, covered }
    }

    /// Does the scope include model `m`, placed at `placement`?
    pub fn includes(&self, m: &Model, placement: Placement) -> bool {
        if !self.scope.fields.is_empty() && !self.scope.fields.contains(&m.field) {
            return false;
        }
        if self.scope.ethnic_minority_only && !m.ethnic_minority_area {
            return false;
        }
        self.whole_province || matches!(placement, Placement::Commune(c) if self.covered.contains(&c))
    }
}

/// Positions (in `Registry::all_models`) of the live models a plan's scope covers.
fn models_in_scope(scope: &PlanScope, registry: &Registry) -> Vec<usize> {
    let matcher = ScopeMatcher::new(scope, Localities::builtin());
    registry.models().filter(|(i, m)| matcher.includes(m, registry.derived(*i).placement)).map(|(i, _)| i).collect()
}

/// A target's value as people read it (the rule behind "30 models" and "80%").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TargetValue {
    /// Whole models (new models): rounded, never below zero.
    Count(u64),
    /// A share 0–1 (evaluated, effective).
    Share(f64),
}

/// What `v`, a value of `metric` (a plan's target, the value reached or the gap), stands for.
pub fn target_value(metric: TargetMetric, v: f64) -> TargetValue {
    match metric {
        TargetMetric::NewModels => TargetValue::Count(if v.is_finite() { v.max(0.0).round() as u64 } else { 0 }),
        TargetMetric::EvaluatedShare | TargetMetric::EffectiveShare => TargetValue::Share(v),
    }
}

/// One target with what the registry shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetProgress {
    pub metric: TargetMetric,
    /// The plan's value (a count, or a share 0–1).
    pub target: f64,
    /// The value reached (same unit).
    pub actual: f64,
    pub met: bool,
    /// How much is missing (0 when met).
    pub gap: f64,
}

impl TargetProgress {
    /// Reached fraction of the target, 0–1 (1 when the target is 0), for progress bars.
    pub fn fraction(&self) -> f64 {
        if self.target <= 0.0 {
            1.0
        } else {
            (self.actual / self.target).clamp(0.0, 1.0)
        }
    }
}

/// A milestone of a plan with its state.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneProgress {
    pub id: String,
    pub title: String,
    pub due: Option<Date>,
    pub done_on: Option<Date>,
    pub state: MilestoneState,
}

/// How far a plan has come.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanProgress {
    /// Positions of the live models in scope.
    pub models: Vec<usize>,
    /// Models in scope that started within the period (all models in scope when the plan has no period).
    pub new_in_period: usize,
    /// Models in scope with at least one evaluation.
    pub evaluated: usize,
    /// Models in scope whose current rating is effective or better.
    pub effective: usize,
    /// The plan's targets, in the plan's order.
    pub targets: Vec<TargetProgress>,
    /// The plan's milestones, in the plan's order.
    pub milestones: Vec<MilestoneProgress>,
    /// Share of the period elapsed on `today`, 0–1 (None without a period).
    pub elapsed: Option<f64>,
    /// Has the plan's period begun on `today` (true without a period)? A target of a plan that has not
    /// begun is not met, whatever the figures are today.
    pub started: bool,
}

impl PlanProgress {
    pub fn in_scope(&self) -> usize {
        self.models.len()
    }
    pub fn overdue_milestones(&self) -> usize {
        self.milestones.iter().filter(|m| m.state.is_overdue()).count()
    }
    pub fn done_milestones(&self) -> usize {
        self.milestones.iter().filter(|m| m.state == MilestoneState::Done).count()
    }
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The progress of `plan` computed from `registry` on `today`.
pub fn plan_progress(plan: &Plan, registry: &Registry, today: Date) -> PlanProgress {
    let models = models_in_scope(&plan.scope, registry);
    let all = registry.all_models();
    let in_period = |m: &Model| match &plan.period {
        Some(p) => m.started_on.is_some_and(|d| p.from <= d && d <= p.to),
        None => true,
    };
    let new_in_period = models.iter().filter(|&&i| in_period(&all[i])).count();
    let evaluated = models.iter().filter(|&&i| !all[i].evaluations.is_empty()).count();
    let effective = models.iter().filter(|&&i| all[i].current_rating().is_some_and(|r| r.is_effective())).count();

    let started = plan.period.as_ref().is_none_or(|p| p.from <= today);
    let targets = plan
        .targets
        .iter()
        .map(|t| {
            let actual = match t.metric {
                TargetMetric::NewModels => new_in_period as f64,
                TargetMetric::EvaluatedShare => share(evaluated, models.len()),
                TargetMetric::EffectiveShare => share(effective, models.len()),
            };
            let met = started && actual + SHARE_EPSILON >= t.value;
            let gap = if met { 0.0 } else { t.value - actual };
            TargetProgress { metric: t.metric, target: t.value, actual, met, gap }
        })
        .collect();

    let milestones = plan
        .milestones
        .iter()
        .map(|m| MilestoneProgress {
            id: m.id.clone(),
            title: m.title.clone(),
            due: m.due,
            done_on: m.done_on,
            state: milestone_state(m, today),
        })
        .collect();

    let elapsed = plan.period.as_ref().map(|p| {
        let total = p.from.days_until(p.to) + 1;
        let gone = p.from.days_until(today) + 1;
        if total <= 0 {
            1.0
        } else {
            (gone as f64 / total as f64).clamp(0.0, 1.0)
        }
    });

    PlanProgress { models, new_in_period, evaluated, effective, targets, milestones, elapsed, started }
}

/// Whose milestone it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    Plan { id: String, title: String },
    /// `position` is the model's position in `Registry::all_models`.
    Model { id: String, title: String, position: usize },
}

impl Owner {
    pub fn id(&self) -> &str {
        match self {
            Owner::Plan { id, .. } | Owner::Model { id, .. } => id,
        }
    }
    pub fn title(&self) -> &str {
        match self {
            Owner::Plan { title, .. } | Owner::Model { title, .. } => title,
        }
    }
}

/// A milestone that is overdue or due soon.
#[derive(Debug, Clone, PartialEq)]
pub struct UpcomingItem {
    pub owner: Owner,
    pub milestone_id: String,
    pub title: String,
    pub due: Date,
    pub state: MilestoneState,
    /// Where the owning model counts (for grouping by locality); None for a plan's milestone.
    pub placement: Option<Placement>,
}

/// Milestones not done that are overdue or due within `within_days` days, of live plans and of live
/// models that are not stopped: overdue first, then by due date (then owner and milestone, so the order
/// is stable).
pub fn upcoming(registry: &Registry, today: Date, within_days: i64) -> Vec<UpcomingItem> {
    let mut out = Vec::new();
    let mut consider = |m: &Milestone, owner: &dyn Fn() -> Owner, placement: Option<Placement>| {
        let (Some(due), None) = (m.due, m.done_on) else {
            return;
        };
        if today.days_until(due) > within_days {
            return;
        }
        out.push(UpcomingItem {
            owner: owner(),
            milestone_id: m.id.clone(),
            title: m.title.clone(),
            due,
            state: milestone_state(m, today),
            placement,
        });
    };
    for p in registry.plans() {
        for m in &p.milestones {
            consider(m, &|| Owner::Plan { id: p.id.clone(), title: p.title.clone() }, None);
        }
    }
    for (i, model) in registry.models() {
        if model.status == Some(Status::Stopped) {
            continue;
        }
        for m in &model.milestones {
            let owner = || Owner::Model { id: model.id.clone(), title: model.title.clone(), position: i };
            consider(m, &owner, Some(registry.derived(i).placement));
        }
    }
    out.sort_by(|a, b| {
        b.state
            .is_overdue()
            .cmp(&a.state.is_overdue())
            .then(a.due.cmp(&b.due))
            .then_with(|| a.owner.id().cmp(b.owner.id()))
            .then_with(|| a.milestone_id.cmp(&b.milestone_id))
    });
    out
}

/// Positions of the live models (not stopped) that need a field visit: never evaluated, or whose latest
/// evaluation is more than `VISIT_INTERVAL_DAYS` days before `today`. Never-evaluated models come first
/// (in registry order), then the longest unvisited.
pub fn needs_visit(registry: &Registry, today: Date) -> Vec<usize> {
    let mut never = Vec::new();
    let mut stale: Vec<(Date, usize)> = Vec::new();
    for (i, m) in registry.models() {
        if m.status == Some(Status::Stopped) {
            continue;
        }
        match m.latest_evaluation() {
            None => never.push(i),
            Some(e) if e.date.days_until(today) > VISIT_INTERVAL_DAYS => stale.push((e.date, i)),
            Some(_) => {}
        }
    }
    stale.sort();
    never.extend(stale.into_iter().map(|(_, i)| i));
    never
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Extra, Field, Period, Rating, Target};
    use crate::domain::test_support::{self, day as d, ev, ms, place, ts};

    fn model(id: &str, code: Option<u32>, name: &str, field: Field, started: &str) -> Model {
        let mut m = test_support::model(id, &format!("Mô hình {id}"));
        m.field = field;
        m.locality = place(code, name);
        m.started_on = Some(d(started));
        m
    }

    fn plan(codes: Vec<u32>, fields: Vec<Field>, period: Option<(&str, &str)>, targets: Vec<(TargetMetric, f64)>) -> Plan {
        let mut p = test_support::plan("plan", "Kế hoạch");
        p.period = period.map(|(f, t)| Period { from: d(f), to: d(t), extra: Extra::new() });
        p.scope = PlanScope { locality_codes: codes, fields, ethnic_minority_only: false, extra: Extra::new() };
        p.targets = targets.into_iter().map(|(metric, value)| Target { metric, value, extra: Extra::new() }).collect();
        p
    }

    #[test]
    fn a_target_of_new_models_is_a_whole_count_and_the_others_are_shares() {
        assert_eq!(target_value(TargetMetric::NewModels, 29.6), TargetValue::Count(30));
        assert_eq!(target_value(TargetMetric::NewModels, -2.0), TargetValue::Count(0), "a gap never shows as negative");
        assert_eq!(target_value(TargetMetric::NewModels, f64::NAN), TargetValue::Count(0));
        assert_eq!(target_value(TargetMetric::EvaluatedShare, 0.75), TargetValue::Share(0.75));
        assert_eq!(target_value(TargetMetric::EffectiveShare, 0.8), TargetValue::Share(0.8));
    }

    #[test]
    fn milestone_state_on_due_date_and_day_after() {
        let m = ms("a", Some("2024-06-30"), None);
        assert_eq!(milestone_state(&m, d("2024-06-30")), MilestoneState::DueSoon { days: 0 });
        assert_eq!(milestone_state(&m, d("2024-07-01")), MilestoneState::Overdue { days: 1 });
        assert_eq!(milestone_state(&m, d("2024-05-31")), MilestoneState::DueSoon { days: 30 });
        assert_eq!(milestone_state(&m, d("2024-05-30")), MilestoneState::Later);
        assert_eq!(milestone_state(&ms("b", Some("2024-06-30"), Some("2024-07-05")), d("2024-08-01")), MilestoneState::Done);
        assert_eq!(milestone_state(&ms("c", None, None), d("2024-08-01")), MilestoneState::NoDate);
    }

    #[test]
    fn scope_filters_field_and_ethnic_area() {
        let mut a = model("a", Some(20095), "Xã A Roàng", Field::Economic, "2024-02-01");
        a.ethnic_minority_area = true;
        let b = model("b", Some(20095), "Xã A Roàng", Field::CulturalSocial, "2024-02-01");
        let c = model("c", Some(20095), "Xã A Roàng", Field::Economic, "2024-02-01");
        let r = Registry::from_records(vec![a, b, c], vec![]);
        let mut p = plan(vec![], vec![Field::Economic], None, vec![]);
        assert_eq!(models_in_scope(&p.scope, &r), vec![0, 2]);
        p.scope.ethnic_minority_only = true;
        assert_eq!(models_in_scope(&p.scope, &r), vec![0]);
        p.scope.fields.clear();
        p.scope.ethnic_minority_only = false;
        assert_eq!(models_in_scope(&p.scope, &r), vec![0, 1, 2]);
    }

    #[test]
    fn whole_province_scope_includes_unplaced_models_and_a_commune_scope_does_not() {
        let a = model("a", None, "Thôn không có trong danh mục", Field::Economic, "2024-02-01");
        let b = model("b", Some(20101), "Xã A Lưới 4", Field::Economic, "2024-02-01");
        let mut gone = model("c", Some(20101), "Xã A Lưới 4", Field::Economic, "2024-02-01");
        gone.deleted_at = Some(ts("2024-01-01T00:00:00Z"));
        let r = Registry::from_records(vec![a, b, gone], vec![]);
        assert_eq!(models_in_scope(&PlanScope::default(), &r), vec![0, 1], "tombstones never count");
        let p46 = PlanScope { locality_codes: vec![PROVINCE_CODE], ..Default::default() };
        assert_eq!(models_in_scope(&p46, &r), vec![0, 1]);
        let p = PlanScope { locality_codes: vec![20101], ..Default::default() };
        assert_eq!(models_in_scope(&p, &r), vec![1]);
    }

    #[test]
    fn shares_are_zero_when_nothing_is_in_scope() {
        let r = Registry::new();
        let p = plan(vec![481], vec![], None, vec![(TargetMetric::EffectiveShare, 0.5), (TargetMetric::NewModels, 0.0)]);
        let pr = plan_progress(&p, &r, d("2024-06-01"));
        assert_eq!(pr.targets[0].actual, 0.0);
        assert!(!pr.targets[0].met);
        assert_eq!(pr.targets[0].gap, 0.5);
        assert!(pr.targets[1].met, "a target of zero is met by nothing");
        assert_eq!(pr.targets[1].fraction(), 1.0);
    }

    #[test]
    fn a_plan_that_has_not_begun_has_met_no_target() {
        let a = model("a", Some(20101), "Xã A Lưới 4", Field::Economic, "2024-02-01");
        let r = Registry::from_records(vec![a], vec![]);
        let p = plan(vec![], vec![], Some(("2027-01-01", "2027-12-31")), vec![(TargetMetric::NewModels, 0.0)]);
        let before = plan_progress(&p, &r, d("2026-12-01"));
        assert!(!before.started);
        assert!(!before.targets[0].met, "a zero target is not met before the plan begins");
        let during = plan_progress(&p, &r, d("2027-01-01"));
        assert!(during.started && during.targets[0].met);
    }

    #[test]
    fn elapsed_share_of_the_period() {
        let p = plan(vec![], vec![], Some(("2024-01-01", "2024-01-10")), vec![]);
        let r = Registry::new();
        assert_eq!(plan_progress(&p, &r, d("2023-12-01")).elapsed, Some(0.0));
        assert_eq!(plan_progress(&p, &r, d("2024-01-05")).elapsed, Some(0.5));
        assert_eq!(plan_progress(&p, &r, d("2024-02-01")).elapsed, Some(1.0));
        assert_eq!(plan_progress(&plan(vec![], vec![], None, vec![]), &r, d("2024-02-01")).elapsed, None);
    }

    #[test]
    fn scope_by_old_district_covers_old_and_current_communes() {
        let a = model("a", Some(20095), "Xã A Roàng", Field::Economic, "2024-02-01");
        let b = model("b", Some(20101), "Xã A Lưới 4", Field::Economic, "2024-03-01");
        let c = model("c", Some(20173), "Xã Thượng Quảng", Field::Economic, "2024-03-01"); // Nam Đông, not A Lưới
        let e = model("e", Some(19975), "Phường Hương Thủy", Field::Economic, "2024-03-01");
        let r = Registry::from_records(vec![a, b, c, e], vec![]);
        let p = plan(vec![481], vec![], Some(("2024-01-01", "2024-12-31")), vec![(TargetMetric::NewModels, 2.0)]);
        let pr = plan_progress(&p, &r, d("2024-06-01"));
        assert_eq!(pr.models, vec![0, 1]);
        assert_eq!(pr.targets[0].actual, 2.0);
        assert!(pr.targets[0].met);
        // an old commune code covers the current commune that absorbed it, and what else was merged into it
        let q = plan(vec![20098], vec![], None, vec![]); // Xã Đông Sơn → Xã A Lưới 4
        assert_eq!(plan_progress(&q, &r, d("2024-06-01")).models, vec![0, 1]);
        // two codes: the union
        let u = plan(vec![481, 482], vec![], None, vec![]);
        assert_eq!(plan_progress(&u, &r, d("2024-06-01")).models, vec![0, 1, 2]);
    }

    #[test]
    fn period_bounds_are_inclusive() {
        let models = vec![
            model("before", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-12-31"),
            model("first", Some(20101), "Xã A Lưới 4", Field::Economic, "2024-01-01"),
            model("last", Some(20101), "Xã A Lưới 4", Field::Economic, "2024-12-31"),
            model("after", Some(20101), "Xã A Lưới 4", Field::Economic, "2025-01-01"),
        ];
        let mut undated = model("undated", Some(20101), "Xã A Lưới 4", Field::Economic, "2024-05-01");
        undated.started_on = None;
        let r = Registry::from_records(models.into_iter().chain([undated]).collect(), vec![]);
        let p = plan(vec![], vec![], Some(("2024-01-01", "2024-12-31")), vec![(TargetMetric::NewModels, 3.0)]);
        let pr = plan_progress(&p, &r, d("2025-02-01"));
        assert_eq!(pr.in_scope(), 5);
        assert_eq!(pr.new_in_period, 2, "both bounds count; the day before and the day after do not");
        let t = &pr.targets[0];
        assert!(!t.met);
        assert_eq!(t.gap, 1.0);
        assert!((t.fraction() - 2.0 / 3.0).abs() < 1e-12);
        // without a period every model in scope counts
        let open = plan(vec![], vec![], None, vec![(TargetMetric::NewModels, 5.0)]);
        assert!(plan_progress(&open, &r, d("2025-02-01")).targets[0].met);
    }

    #[test]
    fn shares_use_the_latest_evaluation_by_date() {
        let mut a = model("a", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        // entered out of order: the later-dated evaluation is the current rating
        a.evaluations = vec![ev("a2", "2024-05-01", Rating::Effective), ev("a1", "2024-01-01", Rating::NotEffective)];
        let mut b = model("b", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        b.evaluations = vec![ev("b2", "2024-05-01", Rating::Limited), ev("b1", "2024-01-01", Rating::VeryEffective)];
        let mut c = model("c", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        c.evaluations = vec![ev("c1", "2024-02-01", Rating::VeryEffective)];
        let d4 = model("d", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        let r = Registry::from_records(vec![a, b, c, d4], vec![]);
        let p = plan(vec![], vec![], None, vec![(TargetMetric::EvaluatedShare, 0.75), (TargetMetric::EffectiveShare, 0.6)]);
        let pr = plan_progress(&p, &r, d("2024-06-01"));
        assert_eq!((pr.evaluated, pr.effective), (3, 2));
        assert_eq!(pr.targets[0].actual, 0.75);
        assert!(pr.targets[0].met, "exactly on target is met");
        assert_eq!(pr.targets[1].actual, 0.5);
        assert!(!pr.targets[1].met);
        assert!((pr.targets[1].gap - 0.1).abs() < 1e-12);
        assert!(!pr.targets.iter().all(|t| t.met));
    }

    #[test]
    fn plan_milestones_get_their_state() {
        let mut p = plan(vec![], vec![], None, vec![]);
        p.milestones = vec![ms("1", Some("2024-03-31"), Some("2024-03-30")), ms("2", Some("2024-06-30"), None), ms("3", None, None)];
        let pr = plan_progress(&p, &Registry::new(), d("2024-07-02"));
        let states: Vec<_> = pr.milestones.iter().map(|m| m.state).collect();
        assert_eq!(states, vec![MilestoneState::Done, MilestoneState::Overdue { days: 2 }, MilestoneState::NoDate]);
        assert_eq!((pr.done_milestones(), pr.overdue_milestones()), (1, 1));
    }

    #[test]
    fn upcoming_lists_overdue_first_then_by_due_date_with_owner_and_placement() {
        let mut a = model("a", Some(20095), "Xã A Roàng", Field::Economic, "2023-01-01");
        a.milestones = vec![
            ms("a-late", Some("2024-06-20"), None),
            ms("a-done", Some("2024-05-01"), Some("2024-05-02")),
            ms("a-far", Some("2024-09-01"), None),
            ms("a-nodate", None, None),
        ];
        let mut p = plan(vec![], vec![], None, vec![]);
        p.milestones = vec![ms("p-overdue", Some("2024-05-31"), None), ms("p-today", Some("2024-06-01"), None)];
        let mut gone = p.clone();
        gone.id = "gone".into();
        gone.deleted_at = Some(ts("2024-01-01T00:00:00Z"));
        let r = Registry::from_records(vec![a], vec![p, gone]);
        let items = upcoming(&r, d("2024-06-01"), 30);
        let ids: Vec<&str> = items.iter().map(|i| i.milestone_id.as_str()).collect();
        assert_eq!(ids, vec!["p-overdue", "p-today", "a-late"]);
        assert_eq!(items[0].state, MilestoneState::Overdue { days: 1 });
        assert_eq!(items[1].state, MilestoneState::DueSoon { days: 0 });
        assert_eq!(items[0].owner, Owner::Plan { id: "plan".into(), title: "Kế hoạch".into() });
        assert_eq!(items[0].placement, None);
        assert_eq!(items[2].owner.id(), "a");
        assert_eq!(items[2].placement, Some(Placement::Commune(20101)), "A Roàng counts under A Lưới 4");
        // a wider window brings the far one in; overdue stays first
        let wide = upcoming(&r, d("2024-06-01"), 120);
        assert_eq!(wide.last().unwrap().milestone_id, "a-far");
        assert_eq!(wide[0].milestone_id, "p-overdue");
    }

    #[test]
    fn needs_visit_never_evaluated_or_latest_older_than_a_year() {
        let today = d("2025-06-01");
        let never = model("never", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        let mut fresh = model("fresh", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        // an old evaluation listed after a recent one: the recent one counts
        fresh.evaluations = vec![ev("f2", "2025-01-01", Rating::Effective), ev("f1", "2023-02-01", Rating::Limited)];
        let mut edge = model("edge", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        edge.evaluations = vec![ev("e1", "2024-06-01", Rating::Effective)]; // 365 days: not yet
        let mut stale = model("stale", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        stale.evaluations = vec![ev("s1", "2024-05-31", Rating::Effective)]; // 366 days
        let mut older = model("older", Some(20101), "Xã A Lưới 4", Field::Economic, "2023-01-01");
        older.evaluations = vec![ev("o1", "2023-05-31", Rating::Effective)];
        let r = Registry::from_records(vec![never, fresh, edge, stale, older], vec![]);
        assert_eq!(d("2024-06-01").days_until(today), 365);
        assert_eq!(needs_visit(&r, today), vec![0, 4, 3], "never first, then the longest unvisited");
    }

    #[test]
    fn stopped_models_are_not_in_upcoming_or_needs_visit() {
        let mut a = model("a", Some(20101), "Xã A Lưới 4", Field::Economic, "2024-02-01");
        a.milestones.push(ms("m", Some("2024-03-01"), None));
        a.status = Some(Status::Stopped);
        let r = Registry::from_records(vec![a], vec![]);
        assert!(upcoming(&r, d("2024-06-01"), 30).is_empty());
        assert!(needs_visit(&r, d("2024-06-01")).is_empty());
    }
}
