//! Tóm tắt: what the first screens show before the registry is read. Every save writes it with the chunks,
//! under the same manifest switch (`Repository::save_with`), so it is always exactly what they hold; a
//! cold start reads only it (`App::open_gradual`) and shows the dashboard, the list's first screen and the
//! visit of the remembered commune at once, while the chunks are read a few at a time.
//!
//! It holds the dashboard's unfiltered figures and chart data (`stats::Dashboard`), the models of the
//! list's first screen (the most recently updated, `Sort::Updated`, `PAGE_SIZE` of them: more than a
//! 360×740 screen shows), and every live model of the remembered commune (`Settings::visit_commune`: the
//! visit path opens them). Its `day` is the day its figures are as of: one of another day is not shown
//! (ratings and "new this year" depend on the day), nor one whose chunks changed since (see
//! `Repository::read_summary`). In those cases, and when it is missing or unreadable, the app reads
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
    /// The dashboard of the whole registry (no filter).
    pub dashboard: Dashboard,
    /// The commune whose live models are all in `records`.
    pub commune: Option<u32>,
    /// The ids of the list's first screen, in its order.
    pub first_screen: Vec<String>,
    /// The models of the first screen and of the commune, by id.
    pub records: Vec<Model>,
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
        dashboard,
        commune,
        first_screen: first.iter().map(|&i| all[i].id.clone()).collect(),
        records: positions.iter().map(|&i| all[i].clone()).collect(),
    }
}
