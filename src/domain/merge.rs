//! Hợp nhất: merging records that come in from an exchange file into the registry (SPEC §5).
//!
//! This module owns the merge rule (`merge_pair`, with the order of versions `record::cmp_versions`), the
//! import preview (`preview`) and the import itself (`apply`) with its report of conflicts; `plan` works the
//! merge out once (the preview's counts) and `apply_planned` does it later without deciding again, for the
//! registry it was worked out against only (`Registry::revision`). It never reads
//! the clock and never drops data. It knows nothing of files: it takes records (`exchange::ReadOutcome`
//! gives a file's as an `Incoming`).
//!
//! The rule, for two versions of one record (same `id`):
//! - The *winner* is the greater by (`updated_at`, `updated_by`, content of its own fields) — a total order,
//!   so the choice does not depend on which side is local. "Own fields" are everything but `evaluations`,
//!   `milestones`, a model's photos, `updated_at` and `updated_by`, compared as canonical JSON (keys
//!   sorted).
//! - The result is the winner's own fields plus the **union by id** of both sides' evaluations and
//!   milestones, and of a model's photos (kept in `extra["photos"]`, see `union_photos`). Tombstones
//!   (`deleted_at` set) are ordinary records and win or lose the same way; the union still applies, so an
//!   undelete brings every evaluation back.
//! - When one id is on both sides with different content (evaluations are never edited, so only a damaged
//!   or hand-edited file does this; milestones are edited), the version kept is chosen by the item itself,
//!   not by which record won: a milestone that is done beats one that is not, then the greater canonical
//!   JSON wins. Choosing by the winning record would make the result depend on import order when three
//!   versions meet (the merged record no longer knows which side each item came from); choosing by the item
//!   keeps the merge a join: idempotent, commutative and associative. The other version is not lost: the
//!   losing record, which holds it, is reported as a `Conflict`.
//! - After a real merge the items are in a canonical order: evaluations by (date, recorded at, id), milestones by (due,
//!   id) with undated ones last. A version identical to the local one changes nothing at all.
//!
//! Conflicts: a version is reported (`Conflict`, for the caller's history) whenever it would otherwise be
//! lost in part — the losing version when its own fields differ from the winner's or it holds an item
//! version the result does not; the winning version too when one of its item versions was replaced (a
//! done milestone from the other side). A version that only lacks items, or differs only in its save
//! time, loses nothing and is not reported. The registry keeps no edit history, so we cannot tell an older
//! copy the winner was based on from an independent edit. The honest hint we have is `updated_by` (the device that last saved): a device saves
//! one version after another, so a losing version saved by the *same* device as the winner is an earlier
//! save of it — an ordinary update. When the devices differ (or are unknown), the two may be independent
//! edits: `Conflict::concurrent` is set, and those are what `Counts::conflicts` counts and the officer is
//! shown. Importing the same file again reports the same set-aside versions again (the registry does not
//! change); the history should ignore a version it already holds.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::evidence::PHOTOS;
use super::model::{Evaluation, Milestone, Model, Plan};
use super::record::{canonical_of, canonical_value};
use serde_json::Value;
use super::record::{cmp_versions, Record};
use super::registry::{Registered, Registry};
use super::time::Timestamp;

impl Record for Model {
    fn record_id(&self) -> &str {
        &self.id
    }
    fn record_title(&self) -> &str {
        &self.title
    }
    fn record_updated_at(&self) -> Timestamp {
        self.updated_at
    }
    fn record_updated_by(&self) -> &str {
        &self.updated_by
    }
    fn record_deleted_at(&self) -> Option<Timestamp> {
        self.deleted_at
    }
    fn set_deleted_at(&mut self, at: Option<Timestamp>) {
        self.deleted_at = at;
    }
    fn record_extra(&self) -> &super::model::Extra {
        &self.extra
    }
    fn union_items(&mut self, other: &Self) {
        union(&mut self.evaluations, &other.evaluations);
        union(&mut self.milestones, &other.milestones);
        union_photos(&mut self.extra, &other.extra);
    }
    fn items_lost_in(&self, result: &Self) -> bool {
        lost(&self.evaluations, &result.evaluations)
            || lost(&self.milestones, &result.milestones)
            || photos_lost(&self.extra, &result.extra)
    }
    fn own_fields(&self) -> Self {
        // Every field named (no `..`), so a field added to `Model` must be considered here.
        Model {
            id: self.id.clone(),
            title: self.title.clone(),
            field: self.field,
            locality: self.locality.clone(),
            lead: self.lead.clone(),
            lead_organization: self.lead_organization,
            ethnic_minority_area: self.ethnic_minority_area,
            status: self.status,
            started_on: self.started_on,
            participants: self.participants,
            beneficiary_households: self.beneficiary_households,
            contributions: self.contributions.clone(),
            description: self.description.clone(),
            tags: self.tags.clone(),
            recognition: self.recognition.clone(),
            evaluations: Vec::new(),
            milestones: Vec::new(),
            created_at: self.created_at,
            updated_at: Timestamp::from_unix_millis(0),
            updated_by: String::new(),
            deleted_at: self.deleted_at,
            extra: without_photos(&self.extra),
        }
    }
}

impl Record for Plan {
    fn record_id(&self) -> &str {
        &self.id
    }
    fn record_title(&self) -> &str {
        &self.title
    }
    fn record_updated_at(&self) -> Timestamp {
        self.updated_at
    }
    fn record_updated_by(&self) -> &str {
        &self.updated_by
    }
    fn record_deleted_at(&self) -> Option<Timestamp> {
        self.deleted_at
    }
    fn set_deleted_at(&mut self, at: Option<Timestamp>) {
        self.deleted_at = at;
    }
    fn record_extra(&self) -> &super::model::Extra {
        &self.extra
    }
    fn union_items(&mut self, other: &Self) {
        union(&mut self.milestones, &other.milestones);
    }
    fn items_lost_in(&self, result: &Self) -> bool {
        lost(&self.milestones, &result.milestones)
    }
    fn own_fields(&self) -> Self {
        Plan {
            id: self.id.clone(),
            title: self.title.clone(),
            period: self.period.clone(),
            scope: self.scope.clone(),
            targets: self.targets.clone(),
            milestones: Vec::new(),
            created_at: self.created_at,
            updated_at: Timestamp::from_unix_millis(0),
            updated_by: String::new(),
            deleted_at: self.deleted_at,
            extra: self.extra.clone(),
        }
    }
    fn same_content(&self, other: &Self) -> bool {
        self == other || canonical_of(self) == canonical_of(other)
    }
}

/// An evaluation or a milestone: merged by id inside its record.
trait Item: Clone + PartialEq + Serialize {
    fn item_id(&self) -> &str;
    /// The canonical order of a record's list.
    fn order(a: &Self, b: &Self) -> Ordering;
    /// Which of two versions of one id is kept: the greater. A total order, so the choice is a join.
    fn preference(a: &Self, b: &Self) -> Ordering;
}

impl Item for Evaluation {
    fn item_id(&self) -> &str {
        &self.id
    }
    fn order(a: &Self, b: &Self) -> Ordering {
        a.order_key().cmp(&b.order_key())
    }
    fn preference(a: &Self, b: &Self) -> Ordering {
        canonical_of(a).cmp(&canonical_of(b))
    }
}

impl Item for Milestone {
    fn item_id(&self) -> &str {
        &self.id
    }
    fn order(a: &Self, b: &Self) -> Ordering {
        (a.due.is_none(), a.due, &a.id).cmp(&(b.due.is_none(), b.due, &b.id))
    }
    fn preference(a: &Self, b: &Self) -> Ordering {
        a.done_on.is_some().cmp(&b.done_on.is_some()).then_with(|| canonical_of(a).cmp(&canonical_of(b)))
    }
}

fn union<I: Item>(mine: &mut Vec<I>, theirs: &[I]) {
    let mut by_id: BTreeMap<String, I> = BTreeMap::new();
    for item in mine.drain(..).chain(theirs.iter().cloned()) {
        match by_id.get_mut(item.item_id()) {
            None => {
                by_id.insert(item.item_id().to_string(), item);
            }
            Some(kept) => {
                if *kept != item && I::preference(&item, kept).is_gt() {
                    *kept = item;
                }
            }
        }
    }
    *mine = by_id.into_values().collect();
    mine.sort_by(I::order);
}

/// A model's photos (SPEC §3) travel among its unknown fields (`extra["photos"]`, a list of objects with an
/// `id`; `domain::evidence` is their typed view), and merge as a union by id like evaluations (SPEC §4). Of
/// two versions of one id, a deleted one (`deleted_at` set) beats one that is not, so a deletion is never
/// undone by an older copy; then the later caption edit (`edited_at`); then one with the image (`data`)
/// beats one exported without it; then the greater canonical JSON. The list is kept in id order (entries without an id last, as they are), so every
/// merge order gives the same list. (An evaluation's photos are part of the evaluation, which is never
/// edited once saved.)

fn photo_key(p: &Value) -> Option<&str> {
    p.get("id").and_then(Value::as_str)
}

pub(crate) fn union_photos(mine: &mut super::model::Extra, theirs: &super::model::Extra) {
    let (a, b) = match (mine.get(PHOTOS), theirs.get(PHOTOS)) {
        (Some(Value::Array(a)), Some(Value::Array(b))) => (a.clone(), b.as_slice()),
        (Some(Value::Array(a)), None) => (a.clone(), &[][..]),
        (None, Some(Value::Array(b))) => (Vec::new(), b.as_slice()),
        // Absent on both sides, or not a list (a newer app's shape): the winner's stays as it is.
        _ => return,
    };
    let has_data = |p: &Value| p.get("data").is_some_and(|d| !d.is_null());
    let deleted = |p: &Value| p.get("deleted_at").is_some_and(|d| !d.is_null());
    let edited = |p: &Value| p.get("edited_at").and_then(Value::as_str).and_then(Timestamp::parse);
    let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
    let mut no_id: Vec<Value> = Vec::new();
    for p in a.into_iter().chain(b.iter().cloned()) {
        match photo_key(&p) {
            Some(id) => match by_id.get_mut(id) {
                None => {
                    by_id.insert(id.to_string(), p);
                }
                Some(kept) => {
                    let better = deleted(&p)
                        .cmp(&deleted(kept))
                        .then_with(|| edited(&p).cmp(&edited(kept)))
                        .then_with(|| has_data(&p).cmp(&has_data(kept)))
                        .then_with(|| canonical_value(&p).cmp(&canonical_value(kept)));
                    if *kept != p && better.is_gt() {
                        *kept = p;
                    }
                }
            },
            None => {
                if !no_id.contains(&p) {
                    no_id.push(p);
                }
            }
        }
    }
    no_id.sort_by_cached_key(canonical_value);
    mine.insert(PHOTOS.into(), Value::Array(by_id.into_values().chain(no_id).collect()));
}

/// Does `loser` hold a photo version that `result` does not?
fn photos_lost(loser: &super::model::Extra, result: &super::model::Extra) -> bool {
    let Some(Value::Array(list)) = loser.get(PHOTOS) else { return false };
    let kept: &[Value] = match result.get(PHOTOS) {
        Some(Value::Array(r)) => r,
        _ => &[],
    };
    list.iter().any(|p| !kept.iter().any(|k| k == p || canonical_value(k) == canonical_value(p)))
}

/// The unknown fields without the photos (which merge by id, not with the record's own fields).
fn without_photos(extra: &super::model::Extra) -> super::model::Extra {
    let mut e = extra.clone();
    e.remove(PHOTOS);
    e
}

fn lost<I: Item>(loser: &[I], result: &[I]) -> bool {
    let in_result: HashMap<&str, &I> = result.iter().map(|i| (i.item_id(), i)).collect();
    loser.iter().any(|i| match in_result.get(i.item_id()) {
        Some(r) => !same(*r, i),
        None => true,
    })
}

/// Same content (unknown fields in any order), for items.
fn same<T: PartialEq + Serialize>(a: &T, b: &T) -> bool {
    a == b || canonical_of(a) == canonical_of(b)
}

/// Which side a version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Already in the registry.
    Local,
    /// From the file being imported.
    Incoming,
}

/// A version that lost and would otherwise be lost in part: keep `lost` in the record's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict<T> {
    pub id: String,
    /// What the registry holds after the merge.
    pub kept: T,
    /// The losing version, as it was.
    pub lost: T,
    pub lost_side: Side,
    /// The two versions were saved by different (or unknown) devices, so they may be independent edits:
    /// show it to the officer. When false the loser is an earlier save of the winner's device.
    pub concurrent: bool,
}

/// Merges two versions of one record (see the module comment). Symmetric: swapping the arguments gives
/// the same result (equal content), with each conflict's `lost_side` swapped. Returns the merged record
/// and the versions set aside: the losing version when it would otherwise lose some of its own fields or
/// item versions, and the winning version too when one of its item versions was replaced.
pub fn merge_pair<T: Record>(local: &T, incoming: &T) -> (T, Vec<Conflict<T>>) {
    if local.same_content(incoming) {
        return (local.clone(), Vec::new());
    }
    let (winner, loser, loser_side, winner_side) = if cmp_versions(incoming, local).is_gt() {
        (incoming, local, Side::Local, Side::Incoming)
    } else {
        (local, incoming, Side::Incoming, Side::Local)
    };
    let mut result = winner.clone();
    result.union_items(loser);
    let devices_differ =
        winner.record_updated_by().is_empty() || winner.record_updated_by() != loser.record_updated_by();
    let mut set_aside = Vec::new();
    for (version, side, loses) in [
        (loser, loser_side, !loser.own_fields().same_content(&winner.own_fields()) || loser.items_lost_in(&result)),
        (winner, winner_side, winner.items_lost_in(&result)),
    ] {
        if loses {
            set_aside.push(Conflict {
                id: winner.record_id().to_string(),
                kept: result.clone(),
                lost: version.clone(),
                lost_side: side,
                // A version the kept one was made from (its ancestry names it) lost to an edit of itself.
                concurrent: devices_differ
                    && !super::ancestry::descends_from(result.record_extra(), version.record_updated_at(), version.record_updated_by()),
            });
        }
    }
    (result, set_aside)
}

/// What happens to one incoming record.
enum Decision<T> {
    /// Not in the registry: added as it is.
    New,
    /// A tombstone for a record the registry never had: stored, so the deletion travels on.
    NewTombstone,
    /// The registry's version stays exactly as it is.
    Unchanged,
    /// The registry's version is replaced by this one.
    Updated(T),
    /// Like `Updated`, and a live record becomes a tombstone.
    Deleted(T),
}

fn decide<T: Record>(local: Option<&T>, incoming: &T) -> (Decision<T>, Vec<Conflict<T>>) {
    let Some(local) = local else {
        return (if incoming.record_deleted() { Decision::NewTombstone } else { Decision::New }, Vec::new());
    };
    if local.same_content(incoming) {
        return (Decision::Unchanged, Vec::new());
    }
    let (result, conflict) = merge_pair(local, incoming);
    let decision = if result.same_content(local) {
        Decision::Unchanged
    } else if result.record_deleted() && !local.record_deleted() {
        Decision::Deleted(result)
    } else {
        Decision::Updated(result)
    };
    (decision, conflict)
}

/// How the incoming records of one kind fare. `new + new_tombstones + updated + deleted + unchanged` is
/// the number of incoming records; `set_aside` and `conflicts` count among them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Records the registry did not have (live ones).
    pub new: usize,
    /// Tombstones of records the registry did not have: stored, nothing visible changes.
    pub new_tombstones: usize,
    /// Records the import changes (the incoming version wins, or brings evaluations or milestones).
    pub updated: usize,
    /// Live records the import deletes (an incoming tombstone wins).
    pub deleted: usize,
    /// Records the import leaves exactly as they are.
    pub unchanged: usize,
    /// Versions that lose something and go to the history (`Conflict`s, either side; a record can set
    /// aside both versions when each loses something).
    pub set_aside: usize,
    /// Of those, the ones where the two versions were saved by different devices: possible independent
    /// edits to show the officer.
    pub conflicts: usize,
}

impl Counts {
    fn tally<T>(&mut self, d: &Decision<T>, set_aside: &[Conflict<T>]) {
        match d {
            Decision::New => self.new += 1,
            Decision::NewTombstone => self.new_tombstones += 1,
            Decision::Unchanged => self.unchanged += 1,
            Decision::Updated(_) => self.updated += 1,
            Decision::Deleted(_) => self.deleted += 1,
        }
        self.set_aside += set_aside.len();
        self.conflicts += set_aside.iter().filter(|c| c.concurrent).count();
    }
}

/// What an import would do, before doing it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergePreview {
    pub models: Counts,
    pub plans: Counts,
    /// Records of the file that cannot be imported (`Incoming::invalid`).
    pub invalid: usize,
}

/// The records an import brings: a file's good records, and how many of its records could not be read.
/// `&exchange::ReadOutcome` turns into one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Incoming<'a> {
    pub models: &'a [Model],
    pub plans: &'a [Plan],
    pub invalid: usize,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergeReport {
    pub models: Counts,
    pub plans: Counts,
    /// Every model version that would otherwise be lost in part, for the history.
    pub model_conflicts: Vec<Conflict<Model>>,
    /// The same for plans.
    pub plan_conflicts: Vec<Conflict<Plan>>,
}

/// What one incoming record becomes in a merge worked out beforehand (`plan`).
#[derive(Debug, Clone)]
enum Step<T> {
    /// The registry's version stays exactly as it is.
    Keep,
    /// The incoming record goes in as it came (new to the registry).
    Incoming,
    /// This merged version replaces the registry's.
    Merged(T),
}

/// A merge worked out against a registry and not yet done (`plan`): what each incoming record becomes, the
/// counts and the versions set aside. The import preview shows its counts; `apply_planned` then does it
/// without deciding anything again, as long as the registry is still the one it was worked out against
/// (`is_for`: the registry's `revision` moves with every change, this tab's or one read from storage).
#[derive(Debug, Clone)]
pub struct MergePlan {
    revision: u64,
    models: Vec<Step<Model>>,
    plans: Vec<Step<Plan>>,
    report: MergeReport,
    invalid: usize,
}

impl MergePlan {
    /// What the import would do.
    pub fn preview(&self) -> MergePreview {
        MergePreview { models: self.report.models.clone(), plans: self.report.plans.clone(), invalid: self.invalid }
    }

    /// Was it worked out against this registry as it is now?
    pub fn is_for(&self, registry: &Registry) -> bool {
        registry.revision() == self.revision
    }

    /// Records it would put into the registry (new, updated, deleted), models and plans.
    pub fn puts(&self) -> usize {
        fn n<T>(steps: &[Step<T>]) -> usize {
            steps.iter().filter(|s| !matches!(s, Step::Keep)).count()
        }
        n(&self.models) + n(&self.plans)
    }
}

/// Works out what importing these records (a file's good ones) into `registry` does, without doing it.
pub fn plan<'a>(registry: &Registry, incoming: impl Into<Incoming<'a>>) -> MergePlan {
    let incoming = incoming.into();
    let mut report = MergeReport::default();
    let models = plan_list(registry, incoming.models, &mut report.models, &mut report.model_conflicts);
    let plans = plan_list(registry, incoming.plans, &mut report.plans, &mut report.plan_conflicts);
    MergePlan { revision: registry.revision(), models, plans, report, invalid: incoming.invalid }
}

fn plan_list<'a, T: Registered + Clone>(registry: &Registry, incoming: &'a [T], counts: &mut Counts, conflicts: &mut Vec<Conflict<T>>) -> Vec<Step<T>> {
    // Records already decided in this list (the step that put it last), so a repeated id meets its own
    // earlier result, as it would if the records were put one by one.
    let mut decided: HashMap<&'a str, usize> = HashMap::new();
    let mut steps: Vec<Step<T>> = Vec::with_capacity(incoming.len());
    for rec in incoming {
        let local = match decided.get(rec.record_id()) {
            Some(&j) => match &steps[j] {
                Step::Merged(r) => Some(r),
                Step::Incoming => Some(&incoming[j]),
                Step::Keep => unreachable!("only steps that put are noted"),
            },
            None => T::find(registry, rec.record_id()),
        };
        let (decision, conflict) = decide(local, rec);
        counts.tally(&decision, &conflict);
        conflicts.extend(conflict);
        let step = match decision {
            Decision::New | Decision::NewTombstone => Step::Incoming,
            Decision::Updated(r) | Decision::Deleted(r) => Step::Merged(r),
            Decision::Unchanged => Step::Keep,
        };
        if !matches!(step, Step::Keep) {
            decided.insert(rec.record_id(), steps.len());
        }
        steps.push(step);
    }
    steps
}

/// What importing these records (a file's good ones) into `registry` would do.
pub fn preview<'a>(registry: &Registry, incoming: impl Into<Incoming<'a>>) -> MergePreview {
    plan(registry, incoming).preview()
}

/// Imports records into `registry` by the merge rule. Idempotent and order-independent; never drops a
/// record, evaluation or milestone id. The caller backs the registry up first (SPEC §5) and stores
/// `model_conflicts` / `plan_conflicts` in the history.
pub fn apply(registry: &mut Registry, models: Vec<Model>, plans: Vec<Plan>) -> MergeReport {
    let worked_out = plan(registry, Incoming { models: &models, plans: &plans, invalid: 0 });
    apply_planned(registry, worked_out, models, plans)
}

/// Does a merge worked out by `plan` from exactly these records: the same registry and report as `apply`
/// would give, with nothing decided again. Panics if the registry changed since (`MergePlan::is_for`) or
/// the records are not those it was worked out from: the caller works it out again instead.
pub fn apply_planned(registry: &mut Registry, worked_out: MergePlan, models: Vec<Model>, plans: Vec<Plan>) -> MergeReport {
    assert!(worked_out.is_for(registry), "a merge worked out against another registry");
    assert!(worked_out.models.len() == models.len() && worked_out.plans.len() == plans.len(), "a merge worked out from other records");
    put_steps(registry, worked_out.models, models);
    put_steps(registry, worked_out.plans, plans);
    worked_out.report
}

fn put_steps<T: Registered>(registry: &mut Registry, steps: Vec<Step<T>>, incoming: Vec<T>) {
    for (step, rec) in steps.into_iter().zip(incoming) {
        match step {
            Step::Keep => {}
            Step::Incoming => rec.put_into(registry),
            Step::Merged(r) => r.put_into(registry),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Rating;
    use crate::domain::test_support::{self, ev, ms, ts};

    /// A model in Xã A Roàng saved at `at` by `by`.
    fn model(id: &str, title: &str, at: &str, by: &str) -> Model {
        let mut m = test_support::model(id, title);
        m.locality.name = "Xã A Roàng".into();
        m.updated_at = ts(at);
        m.updated_by = by.into();
        m
    }

    #[test]
    fn newer_wins_and_evaluations_are_united() {
        let mut old = model("a", "Cũ", "2024-01-01T00:00:00Z", "dev1");
        old.evaluations = vec![ev("e1", "2024-01-05", Rating::Limited)];
        let mut new = model("a", "Mới", "2024-02-01T00:00:00Z", "dev1");
        new.evaluations = vec![ev("e2", "2024-01-20", Rating::Effective)];
        let (r, c) = merge_pair(&old, &new);
        assert_eq!(r.title, "Mới");
        let ids: Vec<_> = r.evaluations.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["e1", "e2"], "union in date order");
        assert_eq!(c.len(), 1, "the old title is set aside");
        assert_eq!(c[0].lost_side, Side::Local);
        assert_eq!(c[0].lost, old);
        assert_eq!(c[0].kept, r);
        assert!(!c[0].concurrent, "same device: an earlier save");
        let (r2, c2) = merge_pair(&new, &old);
        assert_eq!(r, r2, "symmetric");
        assert_eq!(c2[0].lost_side, Side::Incoming);
    }

    #[test]
    fn a_version_that_only_lacks_items_loses_nothing() {
        let mut old = model("a", "T", "2024-01-01T00:00:00Z", "dev1");
        old.evaluations = vec![ev("e1", "2024-01-05", Rating::Limited)];
        let mut new = old.clone();
        new.updated_at = ts("2024-03-01T00:00:00Z");
        new.updated_by = "dev2".into();
        new.evaluations.push(ev("e2", "2024-02-05", Rating::Effective));
        let (r, c) = merge_pair(&old, &new);
        assert_eq!(r, new);
        assert!(c.is_empty());
    }

    #[test]
    fn ties_are_broken_by_device_then_content() {
        let a = model("a", "Alpha", "2024-01-01T00:00:00Z", "dev1");
        let b = model("a", "Beta", "2024-01-01T00:00:00Z", "dev2");
        assert_eq!(merge_pair(&a, &b).0.title, "Beta", "greater updated_by");
        assert_eq!(merge_pair(&b, &a).0.title, "Beta");
        let c = model("a", "Gamma", "2024-01-01T00:00:00Z", "dev1");
        assert_eq!(merge_pair(&a, &c).0.title, merge_pair(&c, &a).0.title, "content decides, either way round");
        assert!(!merge_pair(&a, &c).1[0].concurrent);
    }

    #[test]
    fn a_done_milestone_beats_an_open_one() {
        let mut a = model("a", "T", "2024-01-01T00:00:00Z", "dev1");
        a.milestones = vec![ms("m1", Some("2024-06-30"), Some("2024-06-01")), ms("m0", None, None)];
        let mut b = model("a", "T", "2024-05-01T00:00:00Z", "dev2");
        b.milestones = vec![ms("m1", Some("2024-06-30"), None), ms("m2", Some("2024-03-01"), None)];
        let (r, c) = merge_pair(&a, &b);
        let got: Vec<_> = r.milestones.iter().map(|m| (m.id.as_str(), m.done_on.is_some())).collect();
        assert_eq!(got, [("m2", false), ("m1", true), ("m0", false)], "by due date, undated last");
        assert_eq!(c.len(), 1, "only b's open m1 is set aside: a is wholly in the result");
        assert_eq!(c[0].lost_side, Side::Incoming);
        assert_eq!(c[0].lost, b);
        assert!(c[0].concurrent);
    }

    #[test]
    fn tombstones_win_and_lose_like_any_record() {
        let live = model("a", "T", "2024-01-01T00:00:00Z", "dev1");
        let mut dead = live.clone();
        dead.deleted_at = Some(ts("2024-02-01T00:00:00Z"));
        dead.updated_at = ts("2024-02-01T00:00:00Z");
        let mut reg = Registry::from_records(vec![live.clone()], vec![]);
        let rep = apply(&mut reg, vec![dead.clone()], vec![]);
        assert_eq!(rep.models.deleted, 1);
        assert!(reg.get("a").unwrap().is_deleted());
        assert_eq!(rep.model_conflicts.len(), 1, "the live version goes to history");
        // an older live version does not bring it back
        let rep = apply(&mut reg, vec![live], vec![]);
        assert_eq!(rep.models.unchanged, 1);
        assert!(reg.get("a").unwrap().is_deleted());
        // a newer restore does
        let mut back = dead.clone();
        back.deleted_at = None;
        back.updated_at = ts("2024-03-01T00:00:00Z");
        let rep = apply(&mut reg, vec![back], vec![]);
        assert_eq!(rep.models.updated, 1);
        assert!(!reg.get("a").unwrap().is_deleted());
    }

    #[test]
    fn preview_counts_match_apply() {
        let mut reg = Registry::new();
        reg.put(model("same", "S", "2024-01-01T00:00:00Z", "d"));
        reg.put(model("old", "O", "2024-01-01T00:00:00Z", "d"));
        reg.put(model("mine", "Mine", "2024-05-01T00:00:00Z", "d"));
        reg.put(model("live", "L", "2024-01-01T00:00:00Z", "d"));
        let mut gone = model("live", "L", "2024-02-01T00:00:00Z", "d");
        gone.deleted_at = Some(ts("2024-02-01T00:00:00Z"));
        let mut never = model("never", "N", "2024-02-01T00:00:00Z", "x");
        never.deleted_at = Some(ts("2024-02-01T00:00:00Z"));
        let incoming = vec![
            model("same", "S", "2024-01-01T00:00:00Z", "d"),
            model("old", "O2", "2024-02-01T00:00:00Z", "d"),
            model("mine", "Theirs", "2024-02-01T00:00:00Z", "other"),
            gone,
            never,
            model("fresh", "F", "2024-02-01T00:00:00Z", "x"),
        ];
        let p = preview(&reg, Incoming { models: &incoming, plans: &[], invalid: 2 });
        assert_eq!(p.invalid, 2);
        let expected =
            Counts { new: 1, new_tombstones: 1, updated: 1, deleted: 1, unchanged: 2, set_aside: 3, conflicts: 1 };
        assert_eq!(p.models, expected);
        let before: Vec<Model> = reg.all_models().to_vec();
        assert_eq!(reg.all_models(), &before[..], "preview changes nothing");
        let r = apply(&mut reg, incoming.clone(), vec![]);
        assert_eq!(r.models, expected);
        assert_eq!(reg.get("mine").unwrap().title, "Mine");
        let again = apply(&mut reg, incoming, vec![]);
        assert_eq!(again.models.unchanged, 6, "the second import changes nothing");
    }
}
