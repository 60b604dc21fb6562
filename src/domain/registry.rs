//! Sổ mô hình: the collection of models and plans on this device, with the record operations (edit,
//! delete as a tombstone, undelete, duplicate detection), what it derives per model for sorting and
//! grouping, and a change count per model (the search text is in `search`). `Registered` lets code over
//! both kinds of record be written once.
//!
//! Tombstones (records with `deleted_at`) stay in the registry so deletions travel in exchange files;
//! `models()` and `plans()` hide them.
//!
//! An edit names the versions it was made from (`ancestry`). The clock rule (SPEC §5): an edit made here
//! is saved at the later of the device's clock and the edited version's `updated_at` plus 1 ms
//! (`clock::after`; `now` is the device's clock, `clock::Clock`), so it wins over the version it was made from even on a phone whose clock is behind.

use std::collections::HashMap;

use super::ancestry;
use super::clock;
use super::fold::fold;
use super::locality::{Localities, Placement};
use super::model::{Model, Plan};
use super::record::Record;
use super::time::Timestamp;

/// What the registry derives from one model for sorting and grouping (rebuilt when the model changes).
/// The folded search text is not here: `search::SearchIndex` makes it when the officer first searches.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    /// Folded title, for duplicate detection and sorting.
    pub title_folded: String,
    /// Where the model counts now.
    pub placement: Placement,
    /// `updated_at` in milliseconds, a cheap sort key.
    pub updated_ms: i64,
}

impl Derived {
    pub fn of(m: &Model, localities: &Localities) -> Derived {
        Derived {
            title_folded: fold(&m.title),
            placement: localities.place(&m.locality),
            updated_ms: m.updated_at.unix_millis(),
        }
    }
}

static NEXT_CHANGE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_change() -> u64 {
    NEXT_CHANGE.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A mark between changes: every change count given so far is below it, every later one at or above it.
pub fn change_mark() -> u64 {
    NEXT_CHANGE.load(std::sync::atomic::Ordering::Relaxed)
}

/// All records of this device.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    models: Vec<Model>,
    derived: Vec<Derived>,
    /// A change count per model, new on every `put` and never reused (even across registries), so storage
    /// and search can tell which models changed since they last looked without comparing them.
    changes: Vec<u64>,
    /// Hashed by foldhash (random seed per page), not SipHash: a load of 20,000 models inserts every id.
    by_id: HashMap<String, usize, foldhash::fast::RandomState>,
    plans: Vec<Plan>,
    plan_by_id: HashMap<String, usize, foldhash::fast::RandomState>,
    /// From the same counter as `changes`, given on every `put` and `put_plan`: two registries (or one
    /// registry at two moments) with the same revision hold the same records (`revision`).
    revision: u64,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// A registry holding these records (a later record with the same id replaces an earlier one).
    pub fn from_records(models: Vec<Model>, plans: Vec<Plan>) -> Registry {
        let mut r = Registry::new();
        r.models.reserve(models.len());
        r.derived.reserve(models.len());
        r.changes.reserve(models.len());
        r.by_id.reserve(models.len());
        // Where each model counts depends only on its locality's code and name, which thousands of models
        // share: each pair is placed once (placing folds names and looks units up).
        let localities = Localities::builtin();
        let mut placed: HashMap<(Option<u32>, &str), Placement, foldhash::fast::FixedState> = HashMap::default();
        let derived: Vec<Derived> = models
            .iter()
            .map(|m| {
                let placement = *placed.entry((m.locality.code, m.locality.name.as_str())).or_insert_with(|| localities.place(&m.locality));
                Derived { title_folded: fold(&m.title), placement, updated_ms: m.updated_at.unix_millis() }
            })
            .collect();
        drop(placed);
        for (m, d) in models.into_iter().zip(derived) {
            r.put_derived(m, d);
        }
        for p in plans {
            r.put_plan(p);
        }
        r
    }

    /// Every model, tombstones included, in insertion order.
    pub fn all_models(&self) -> &[Model] {
        &self.models
    }

    /// Moves with every record put (model or plan) and is never given twice, even across registries: a
    /// registry whose revision is the one noted earlier holds exactly the records it held then (an import
    /// planned then can be done as planned, `merge::MergePlan`). A clone keeps it, with the records.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The change count of the model at position `i` of `all_models()` (see `changes`).
    pub fn change_count(&self, i: usize) -> u64 {
        self.changes[i]
    }

    /// The derived data of the model at position `i` of `all_models()`.
    pub fn derived(&self, i: usize) -> &Derived {
        &self.derived[i]
    }

    /// Live models (not deleted) with their positions.
    pub fn models(&self) -> impl Iterator<Item = (usize, &Model)> {
        self.models.iter().enumerate().filter(|(_, m)| !m.is_deleted())
    }

    /// How many live models there are.
    pub fn live_count(&self) -> usize {
        self.models.iter().filter(|m| !m.is_deleted()).count()
    }

    pub fn get(&self, id: &str) -> Option<&Model> {
        self.by_id.get(id).map(|&i| &self.models[i])
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Adds a model or replaces the one with the same id, as given (no stamping).
    pub fn put(&mut self, m: Model) {
        let d = Derived::of(&m, Localities::builtin());
        self.put_derived(m, d);
    }

    /// `put` with the model's derived data already made (`Derived::of` it).
    fn put_derived(&mut self, m: Model, d: Derived) {
        match self.by_id.get(&m.id) {
            Some(&i) => {
                self.models[i] = m;
                self.derived[i] = d;
                self.changes[i] = next_change();
                self.revision = self.changes[i];
            }
            None => {
                self.by_id.insert(m.id.clone(), self.models.len());
                self.models.push(m);
                self.derived.push(d);
                self.revision = next_change();
                self.changes.push(self.revision);
            }
        }
    }

    /// Saves an edit made on this device: `updated_at` by the clock rule (`clock::after`), `updated_by`.
    /// Returns the time it was saved at.
    pub fn save(&mut self, mut m: Model, now: Timestamp, by: &str) -> Timestamp {
        if let Some(prev) = self.get(&m.id) {
            ancestry::record_edit(&mut m.extra, prev.updated_at, &prev.updated_by, Some(&prev.extra));
        }
        m.updated_at = clock::after(self.get(&m.id).map(|p| p.updated_at), now);
        m.updated_by = by.to_string();
        let at = m.updated_at;
        self.put(m);
        at
    }

    /// Deletes a model as a tombstone; returns the version before, for undo.
    pub fn delete(&mut self, id: &str, now: Timestamp, by: &str) -> Option<Model> {
        let before = self.get(id)?.clone();
        if before.is_deleted() {
            return None;
        }
        let mut m = before.clone();
        m.deleted_at = Some(now);
        self.save(m, now, by);
        Some(before)
    }

    /// A live model, other than `except_id`, with the same folded title in the same place (same current
    /// commune and village).
    pub fn find_duplicate(&self, m: &Model, except_id: &str) -> Option<&Model> {
        let title = fold(&m.title);
        if title.is_empty() {
            return None;
        }
        let placement = Localities::builtin().place(&m.locality);
        let village = m.locality.village.as_deref().map(fold).unwrap_or_default();
        // The title comparison is cheap (folded in the index); places are folded only for those that match.
        self.models().find_map(|(i, other)| {
            let od = &self.derived[i];
            if other.id == except_id || od.title_folded != title {
                return None;
            }
            let same_place = match (placement, od.placement) {
                (Placement::Unplaced, Placement::Unplaced) => fold(&m.locality.name) == fold(&other.locality.name),
                (a, b) => a == b,
            };
            let same_village = other.locality.village.as_deref().map(fold).unwrap_or_default() == village;
            (same_place && same_village).then_some(other)
        })
    }

    /// The villages (thôn, bản, tổ dân phố) already recorded under the commune where `placement` counts,
    /// spelled as first written, sorted: the suggestions when an officer types a village.
    pub fn villages_in(&self, placement: Placement) -> Vec<String> {
        let mut seen: HashMap<String, String> = HashMap::new();
        for (i, m) in self.models() {
            if self.derived[i].placement != placement {
                continue;
            }
            if let Some(v) = m.locality.village.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                seen.entry(fold(v)).or_insert_with(|| v.to_string());
            }
        }
        let mut out: Vec<(String, String)> = seen.into_iter().collect();
        out.sort();
        out.into_iter().map(|(_, v)| v).collect()
    }

    /// Every plan, tombstones included.
    pub fn all_plans(&self) -> &[Plan] {
        &self.plans
    }

    /// Live plans.
    pub fn plans(&self) -> impl Iterator<Item = &Plan> {
        self.plans.iter().filter(|p| !p.is_deleted())
    }

    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plan_by_id.get(id).map(|&i| &self.plans[i])
    }

    /// Adds a plan or replaces the one with the same id, as given (no stamping).
    pub fn put_plan(&mut self, p: Plan) {
        self.revision = next_change();
        match self.plan_by_id.get(&p.id) {
            Some(&i) => self.plans[i] = p,
            None => {
                self.plan_by_id.insert(p.id.clone(), self.plans.len());
                self.plans.push(p);
            }
        }
    }

    /// Saves a plan edited on this device (the clock rule, as `save`).
    pub fn save_plan(&mut self, mut p: Plan, now: Timestamp, by: &str) -> Timestamp {
        if let Some(prev) = self.plan(&p.id) {
            ancestry::record_edit(&mut p.extra, prev.updated_at, &prev.updated_by, Some(&prev.extra));
        }
        p.updated_at = clock::after(self.plan(&p.id).map(|q| q.updated_at), now);
        p.updated_by = by.to_string();
        let at = p.updated_at;
        self.put_plan(p);
        at
    }

    /// Deletes a plan as a tombstone; returns the version before, for undo.
    pub fn delete_plan(&mut self, id: &str, now: Timestamp, by: &str) -> Option<Plan> {
        let before = self.plan(id)?.clone();
        if before.is_deleted() {
            return None;
        }
        let mut p = before.clone();
        p.deleted_at = Some(now);
        self.save_plan(p, now, by);
        Some(before)
    }

    /// Brings back a deleted model or plan as it is now (with anything added to it since it was deleted),
    /// saved as a newer change so the undelete travels too. Returns whether it was deleted.
    pub fn undelete<T: Registered>(&mut self, id: &str, now: Timestamp, by: &str) -> Option<bool> {
        let mut r = T::find(self, id)?.clone();
        if !r.record_deleted() {
            return Some(false);
        }
        r.set_deleted_at(None);
        r.save_into(self, now, by);
        Some(true)
    }
}

/// A kind of record the registry keeps by id (`Model`, `Plan`), so code that treats both alike (the
/// merge, undelete, conflicts, two tabs) is written once.
pub trait Registered: Record {
    /// The record with this id, tombstones included.
    fn find<'r>(registry: &'r Registry, id: &str) -> Option<&'r Self>;
    /// Adds it or replaces the one with its id, as given (`Registry::put`).
    fn put_into(self, registry: &mut Registry);
    /// Saves it as an edit made on this device, by the clock rule (`Registry::save`).
    fn save_into(self, registry: &mut Registry, now: Timestamp, by: &str) -> Timestamp;
}

impl Registered for Model {
    fn find<'r>(registry: &'r Registry, id: &str) -> Option<&'r Model> {
        registry.get(id)
    }
    fn put_into(self, registry: &mut Registry) {
        registry.put(self)
    }
    fn save_into(self, registry: &mut Registry, now: Timestamp, by: &str) -> Timestamp {
        registry.save(self, now, by)
    }
}

impl Registered for Plan {
    fn find<'r>(registry: &'r Registry, id: &str) -> Option<&'r Plan> {
        registry.plan(id)
    }
    fn put_into(self, registry: &mut Registry) {
        registry.put_plan(self)
    }
    fn save_into(self, registry: &mut Registry, now: Timestamp, by: &str) -> Timestamp {
        registry.save_plan(self, now, by)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::{self, place, ts};

    fn model(id: &str, title: &str, code: Option<u32>, loc: &str) -> Model {
        let mut m = test_support::model(id, title);
        m.locality = place(code, loc);
        m
    }

    #[test]
    fn a_loaded_registry_derives_what_each_put_derives() {
        // from_records places each (code, name) once; the result must be what placing each model gives
        let mut models = crate::domain::demo::scaled_demo(600, 7, ts("2026-01-01T00:00:00Z"), "dev00001");
        models.push(model("x1", "Một", Some(46), "Huế"));
        models.push(model("x2", "Hai", Some(46), "Thành phố Huế"));
        models.push(model("x3", "Ba", None, "Huế"));
        models.push(model("x4", "Bốn", None, ""));
        let r = Registry::from_records(models.clone(), Vec::new());
        assert_eq!(r.all_models().len(), models.len());
        for (i, m) in r.all_models().iter().enumerate() {
            assert_eq!(r.derived(i), &Derived::of(m, Localities::builtin()), "{}", m.id);
        }
    }

    #[test]
    fn delete_is_a_tombstone_and_undo_brings_it_back_newer() {
        let mut r = Registry::new();
        r.put(model("a", "Nuôi bò thịt", Some(20089), "Xã Hồng Thái"));
        assert_eq!(r.live_count(), 1);
        r.delete("a", ts("2024-02-01T00:00:00Z"), "dev").unwrap();
        assert_eq!(r.live_count(), 0);
        assert!(r.get("a").unwrap().is_deleted(), "the tombstone stays so the delete can travel");
        assert!(r.delete("a", ts("2024-02-02T00:00:00Z"), "dev").is_none(), "deleting twice does nothing");
        assert_eq!(r.undelete::<Model>("a", ts("2024-02-03T00:00:00Z"), "dev2"), Some(true));
        assert_eq!(r.undelete::<Model>("a", ts("2024-02-04T00:00:00Z"), "dev2"), Some(false), "a live one stays as it is");
        assert_eq!(r.undelete::<Model>("b", ts("2024-02-04T00:00:00Z"), "dev2"), None);
        let m = r.get("a").unwrap();
        assert!(!m.is_deleted());
        assert_eq!(m.updated_at, ts("2024-02-03T00:00:00Z"));
        assert_eq!(m.updated_by, "dev2");
    }

    #[test]
    fn duplicates_are_same_folded_title_in_same_place() {
        let mut r = Registry::new();
        r.put(model("a", "Trồng quế", Some(20095), "Xã A Roàng"));
        // same title without accents, same place under its new name
        let m = model("b", "trong que", Some(20101), "Xã A Lưới 4");
        assert_eq!(r.find_duplicate(&m, "b").map(|d| d.id.as_str()), Some("a"));
        // itself is not a duplicate
        assert!(r.find_duplicate(r.get("a").unwrap(), "a").is_none());
        // another commune is not a duplicate
        let other = model("c", "Trồng quế", Some(20056), "Xã A Lưới 1");
        assert!(r.find_duplicate(&other, "c").is_none());
        // a deleted model is not a duplicate
        r.delete("a", ts("2024-02-01T00:00:00Z"), "dev");
        assert!(r.find_duplicate(&m, "b").is_none());
    }

    #[test]
    fn villages_are_suggested_per_current_commune() {
        let mut a = model("a", "A", Some(20095), "Xã A Roàng");
        a.locality.village = Some("A Ka".into());
        let mut b = model("b", "B", Some(20101), "Xã A Lưới 4");
        b.locality.village = Some("a ka ".into()); // same village, other spelling
        let mut c = model("c", "C", Some(20101), "Xã A Lưới 4");
        c.locality.village = Some("Ka Dong".into());
        let mut d = model("d", "D", Some(20056), "Xã A Lưới 1");
        d.locality.village = Some("Other".into());
        let r = Registry::from_records(vec![a, b, c, d], vec![]);
        let p = r.derived(0).placement;
        assert_eq!(r.villages_in(p), vec!["A Ka".to_string(), "Ka Dong".to_string()]);
    }

    #[test]
    fn every_put_gets_a_new_change_count_never_reused() {
        let mut r = Registry::new();
        r.put(model("a", "A", None, "X"));
        let s0 = r.change_count(0);
        let mut m = r.get("a").unwrap().clone();
        m.title = "B".into();
        r.put(m.clone());
        assert_ne!(r.change_count(0), s0);
        let other = Registry::from_records(vec![m], vec![]);
        assert_ne!(other.change_count(0), r.change_count(0), "a rebuilt registry never repeats a count");
    }

    #[test]
    fn an_edit_on_a_slow_clock_is_still_later_than_the_version_it_edited() {
        let mut r = Registry::new();
        let mut received = model("a", "Nhận từ huyện", None, "X");
        received.updated_at = ts("2026-03-10T08:00:00Z");
        r.put(received);
        let mut m = r.get("a").unwrap().clone();
        m.title = "Sửa trên máy chậm giờ".into();
        let at = r.save(m, ts("2025-03-10T08:00:00Z"), "phone");
        assert_eq!(at, ts("2026-03-10T08:00:00.001Z"));
        assert_eq!(r.get("a").unwrap().updated_at, at);
        // a clock that is right is used as it is
        let m = r.get("a").unwrap().clone();
        assert_eq!(r.save(m, ts("2026-04-01T00:00:00Z"), "phone"), ts("2026-04-01T00:00:00Z"));
        // and a deletion on the slow clock too
        r.delete("a", ts("2025-01-01T00:00:00Z"), "phone");
        assert!(r.get("a").unwrap().updated_at > ts("2026-04-01T00:00:00Z"));
    }

    #[test]
    fn derived_index_follows_edits() {
        let mut r = Registry::new();
        r.put(model("a", "Nhà Đại đoàn kết", None, "Phường Hương Thủy"));
        assert_eq!(r.derived(0).title_folded, "nha dai doan ket");
        let mut m = r.get("a").unwrap().clone();
        m.title = "Nuôi heo hữu cơ".into();
        r.save(m, ts("2024-03-01T00:00:00Z"), "dev");
        assert_eq!(r.derived(0).title_folded, "nuoi heo huu co");
        assert_eq!(r.derived(0).updated_ms, ts("2024-03-01T00:00:00Z").unix_millis());
        assert!(matches!(r.derived(0).placement, Placement::Commune(_)));
    }
}
