//! Tóm tắt: what the first screens show before the registry is read. Every save writes it with the chunks,
//! under the same manifest switch (`Repository::save_with`), so it is always exactly what they hold; a
//! cold start reads only it (`App::open_gradual`) and shows the dashboard, the list's first screen and the
//! visit of the remembered commune at once, while the chunks are read a few at a time.
//!
//! It holds the dashboard's unfiltered figures and chart data (`stats::Dashboard`), the models of the
//! list's first screen (the most recently updated, `Sort::Updated`, `PAGE_SIZE` of them: more than a
//! 360×740 screen shows), and every live model of the remembered commune (`Settings::visit_commune`: the
//! visit path opens them). Its `day` is the day its figures are as of, and `until` the first day they could
//! differ (`valid_until`: ratings and "new this year" count only what is dated by the day), so a summary
//! is shown on a later day only before `until` (the officer's first start of each day opens on it too),
//! never one whose chunks changed since (see `Repository::read_summary`). In those cases, and when it is missing or unreadable, the app reads
//! everything first, as before.

use serde::{Deserialize, Serialize};

use crate::domain::filter::{Filter, PAGE_SIZE};
use crate::domain::model::Model;
use crate::domain::registry::Registry;
use crate::domain::stats::{self, Dashboard};
use crate::domain::time::Date;

/// What a save stores for the next cold start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The day the figures are as of.
    pub day: Date,
    /// The first day after `day` its figures may differ from that day's (`valid_until`); absent in a
    /// summary of an older app: then it is good on its own day only.
    #[serde(default)]
    pub until: Option<Date>,
    /// The dashboard of the whole registry (no filter).
    pub dashboard: Dashboard,
    /// The commune whose live models are all in `records`.
    pub commune: Option<u32>,
    /// The ids of the list's first screen, in its order.
    pub first_screen: Vec<String>,
    /// The models of the first screen and of the commune, by id.
    pub records: Vec<Model>,
}

impl Summary {
    /// Are its figures those of `today` too? On its own day, or on a later one before `until`.
    pub fn good_on(&self, today: Date) -> bool {
        self.day == today || (self.day < today && self.until.is_some_and(|u| today < u))
    }
}

/// The first day after `day` on which the dashboard of `registry` may differ from that of `day`, nothing
/// else changing: the next 1 January ("new this year"), or, if earlier, the first day after `day` a live
/// model starts on or one of its evaluations is dated (what the figures as of a day leave out until then).
pub fn valid_until(registry: &Registry, day: Date) -> Date {
    let new_year = Date::from_ymd(day.year() + 1, 1, 1).unwrap_or(day.add_days(1));
    registry
        .models()
        .flat_map(|(_, m)| m.started_on.into_iter().chain(m.evaluations.iter().map(|e| e.date)))
        .filter(|d| *d > day)
        .fold(new_year, Date::min)
}

/// The live positions of the list's first screen, in its order (the first `PAGE_SIZE` of
/// `filter::sorted_order(registry, Sort::Updated)`, without sorting all of them; exact ties by id, so
/// the order does not depend on where a model sits in memory).
pub fn first_screen(registry: &Registry) -> Vec<usize> {
    let all = registry.all_models();
    let key = |i: &usize| (std::cmp::Reverse(registry.derived(*i).updated_ms), registry.derived(*i).title_folded.as_str(), all[*i].id.as_str());
    let mut live: Vec<usize> = registry.models().map(|(i, _)| i).collect();
    if live.len() > PAGE_SIZE {
        live.select_nth_unstable_by(PAGE_SIZE - 1, |a, b| key(a).cmp(&key(b)));
        live.truncate(PAGE_SIZE);
    }
    live.sort_by(|a, b| key(a).cmp(&key(b)));
    live
}

/// The summary of `registry` as of `day`, with the models of `commune`.
pub fn make(registry: &Registry, commune: Option<u32>, day: Date) -> Summary {
    let dashboard = stats::dashboard(registry, &stats::live_positions(registry), day);
    let first = first_screen(registry);
    let mut positions = first.clone();
    if let Some(c) = commune {
        positions.extend(Filter { locality: Some(c), ..Default::default() }.select_unsorted(registry, None));
    }
    let all = registry.all_models();
    positions.sort_unstable_by(|a, b| all[*a].id.cmp(&all[*b].id));
    positions.dedup();
    Summary {
        day,
        until: Some(valid_until(registry, day)),
        dashboard,
        commune,
        first_screen: first.iter().map(|&i| all[i].id.clone()).collect(),
        records: positions.iter().map(|&i| all[i].clone()).collect(),
    }
}
