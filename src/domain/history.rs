//! Lịch sử xung đột: versions that lost to a concurrent edit (one made elsewhere without seeing it), kept
//! so nothing either officer wrote is lost, and shown as conflicts to review (use that version, or keep the
//! current one).
//!
//! The history is bounded (SPEC §5): at most `MAX_PER_RECORD` versions of one record and `MAX_ENTRIES` in
//! all. When either bound is passed, resolved versions go first (oldest first), then the oldest unresolved.
//! A version the kept one was made from is never kept (`ancestry`: an edit of it, on any device), nor a
//! device's own earlier save, and a version already held is not added twice (a file imported twice adds
//! nothing).
//!
//! Stored form: a list of JSON objects `{at, kind: "model"|"plan", id, title, lost, concurrent, source,
//! resolved}`, the same in every version of the app (stored data outlives the app that wrote it); an entry
//! that cannot be read is kept as it is, untouched.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::ancestry;
use super::merge::{Conflict, MergeReport};
use super::model::{Model, Plan};
use super::record::Record;
use super::time::Timestamp;

/// At most this many versions of one record are kept.
pub const MAX_PER_RECORD: usize = 5;
/// At most this many versions are kept in all.
pub const MAX_ENTRIES: usize = 400;

/// A version set aside: a whole model or plan, as it was.
#[derive(Debug, Clone, PartialEq)]
pub enum LostVersion {
    Model(Box<Model>),
    Plan(Box<Plan>),
}

impl From<Model> for LostVersion {
    fn from(m: Model) -> LostVersion {
        LostVersion::Model(Box::new(m))
    }
}

impl From<Plan> for LostVersion {
    fn from(p: Plan) -> LostVersion {
        LostVersion::Plan(Box::new(p))
    }
}

impl LostVersion {
    fn kind(&self) -> &'static str {
        match self {
            LostVersion::Model(_) => "model",
            LostVersion::Plan(_) => "plan",
        }
    }

    /// Who saved the version, and when.
    pub fn saved(&self) -> (Timestamp, &str) {
        match self {
            LostVersion::Model(m) => (m.updated_at, &m.updated_by),
            LostVersion::Plan(p) => (p.updated_at, &p.updated_by),
        }
    }
}

/// One version set aside.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// When it was set aside.
    pub at: Timestamp,
    pub id: String,
    /// The title of the version kept, for the list.
    pub title: String,
    pub lost: LostVersion,
    /// Made on another device (or another tab) without seeing the version kept: the officer should look.
    pub concurrent: bool,
    /// Where it came from (file name and exporter, or "another tab").
    pub source: String,
    /// The officer has looked at it (kept the current version or used this one).
    pub resolved: bool,
}

impl HistoryEntry {
    /// The lost version as a model, when it is one.
    pub fn lost_model(&self) -> Option<&Model> {
        match &self.lost {
            LostVersion::Model(m) => Some(m),
            LostVersion::Plan(_) => None,
        }
    }

    fn to_value(&self) -> Value {
        let lost = match &self.lost {
            LostVersion::Model(m) => serde_json::to_value(m),
            LostVersion::Plan(p) => serde_json::to_value(p),
        }
        .unwrap_or(Value::Null);
        serde_json::json!({
            "at": self.at, "kind": self.lost.kind(), "id": self.id, "title": self.title, "lost": lost,
            "concurrent": self.concurrent, "source": self.source, "resolved": self.resolved,
        })
    }

    fn from_value(v: &Value) -> Option<HistoryEntry> {
        let o = v.as_object()?;
        let text = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
        let lost_value = o.get("lost")?.clone();
        let lost = match o.get("kind")?.as_str()? {
            "model" => LostVersion::Model(Box::new(serde_json::from_value(lost_value).ok()?)),
            "plan" => LostVersion::Plan(Box::new(serde_json::from_value(lost_value).ok()?)),
            _ => return None,
        };
        Some(HistoryEntry {
            at: serde_json::from_value(o.get("at")?.clone()).ok()?,
            id: text("id")?,
            title: text("title").unwrap_or_default(),
            lost,
            concurrent: o.get("concurrent").and_then(Value::as_bool).unwrap_or(true),
            source: text("source").unwrap_or_default(),
            resolved: o.get("resolved").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

fn next_stamp() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The versions set aside on this device.
#[derive(Debug, Clone)]
pub struct History {
    entries: Vec<HistoryEntry>,
    /// Stored entries this version cannot read (a newer app's), kept and written back as they are.
    unreadable: Vec<Value>,
    /// New on every change and never reused, so storage can tell whether to write the history again.
    revision: u64,
}

impl Default for History {
    fn default() -> History {
        History { entries: Vec::new(), unreadable: Vec::new(), revision: next_stamp() }
    }
}

impl PartialEq for History {
    fn eq(&self, other: &History) -> bool {
        self.entries == other.entries && self.unreadable == other.unreadable
    }
}

impl Serialize for History {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let all: Vec<Value> = self.entries.iter().map(HistoryEntry::to_value).chain(self.unreadable.iter().cloned()).collect();
        all.serialize(s)
    }
}

impl<'de> Deserialize<'de> for History {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<History, D::Error> {
        Ok(History::from_values(Vec::<Value>::deserialize(d)?))
    }
}

impl History {
    pub fn new() -> History {
        History::default()
    }

    /// The history held by these stored values (unreadable ones kept as they are), within its bounds.
    fn from_values(values: Vec<Value>) -> History {
        let mut h = History::new();
        for v in values {
            match HistoryEntry::from_value(&v) {
                Some(e) => h.entries.push(e),
                None => h.unreadable.push(v),
            }
        }
        h.prune();
        h
    }

    /// Changes on every change of content (see `revision`).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in the order added.
    pub fn all(&self) -> &[HistoryEntry] {
        &self.entries
    }

    /// The entries to show the officer (concurrent ones), newest first, with their index.
    pub fn conflicts(&self) -> Vec<(usize, &HistoryEntry)> {
        let mut out: Vec<(usize, &HistoryEntry)> = self.entries.iter().enumerate().filter(|(_, e)| e.concurrent).collect();
        out.sort_by(|a, b| b.1.at.cmp(&a.1.at).then(b.0.cmp(&a.0)));
        out
    }

    pub fn get(&self, index: usize) -> Option<&HistoryEntry> {
        self.entries.get(index)
    }

    fn holds(&self, id: &str, lost: &LostVersion) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id && &e.lost == lost)
    }

    /// Adds one version (unless it is held already). Returns whether it was added.
    pub fn add(&mut self, entry: HistoryEntry) -> bool {
        let added = self.push_new(entry);
        if added {
            self.prune();
        }
        added
    }

    /// `add` without keeping the bounds yet: the caller prunes once after a batch. (Pruning once keeps the
    /// same entries as pruning after each: eviction takes the first in one fixed order, so an entry evicted
    /// along the way would be evicted at the end too.)
    fn push_new(&mut self, entry: HistoryEntry) -> bool {
        if self.holds(&entry.id, &entry.lost).is_some() {
            return false;
        }
        self.entries.push(entry);
        self.revision = next_stamp();
        true
    }

    /// Adds a merge's concurrent set-aside versions (all of them when `all_concurrent`: two tabs of one
    /// device stamp the same `updated_by`, yet neither saw the other's edit). Returns how many were added.
    pub fn record(&mut self, report: &MergeReport, at: Timestamp, source: &str, all_concurrent: bool) -> usize {
        let added = self.record_list(&report.model_conflicts, at, source, all_concurrent)
            + self.record_list(&report.plan_conflicts, at, source, all_concurrent);
        // Once for the batch: pruning after each of an import's hundreds of conflicts cost more than the merge.
        if added > 0 {
            self.prune();
        }
        added
    }

    fn record_list<T: Record + Into<LostVersion>>(&mut self, conflicts: &[Conflict<T>], at: Timestamp, source: &str, all_concurrent: bool) -> usize {
        let mut added = 0;
        for c in conflicts.iter().filter(|c| c.concurrent || all_concurrent) {
            // A version the kept one was made from lost to an edit of itself: no conflict.
            if ancestry::descends_from(c.kept.record_extra(), c.lost.record_updated_at(), c.lost.record_updated_by()) {
                continue;
            }
            let lost = c.lost.clone().into();
            let entry = HistoryEntry { at, id: c.id.clone(), title: c.kept.record_title().to_string(), lost, concurrent: true, source: source.to_string(), resolved: false };
            added += usize::from(self.push_new(entry));
        }
        added
    }

    /// Marks entry `index` resolved.
    pub fn resolve(&mut self, index: usize) {
        if let Some(e) = self.entries.get_mut(index) {
            if !e.resolved {
                e.resolved = true;
                self.revision = next_stamp();
                self.prune();
            }
        }
    }

    /// Takes in every entry of `other` (another tab's history): the union, resolved where either is.
    pub fn merge_from(&mut self, other: &History) {
        let before = (self.entries.len(), self.entries.iter().filter(|e| e.resolved).count());
        for e in &other.entries {
            match self.holds(&e.id, &e.lost) {
                Some(i) => self.entries[i].resolved |= e.resolved,
                None => self.entries.push(e.clone()),
            }
        }
        for v in &other.unreadable {
            if !self.unreadable.contains(v) {
                self.unreadable.push(v.clone());
            }
        }
        if before != (self.entries.len(), self.entries.iter().filter(|e| e.resolved).count()) {
            self.revision = next_stamp();
        }
        self.prune();
    }

    /// Keeps the bounds: per record, then in all; resolved versions go first, oldest first.
    fn prune(&mut self) {
        let before = self.entries.len();
        // The order of eviction: resolved before unresolved, then oldest, then first added.
        let evict_order = |entries: &[HistoryEntry], candidates: &mut Vec<usize>| {
            candidates.sort_by(|&a, &b| {
                let (ea, eb) = (&entries[a], &entries[b]);
                eb.resolved.cmp(&ea.resolved).then(ea.at.cmp(&eb.at)).then(a.cmp(&b))
            });
        };
        let mut drop = vec![false; self.entries.len()];
        let mut by_id: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            by_id.entry(e.id.as_str()).or_default().push(i);
        }
        for (_, mut list) in by_id {
            if list.len() > MAX_PER_RECORD {
                evict_order(&self.entries, &mut list);
                for &i in &list[..list.len() - MAX_PER_RECORD] {
                    drop[i] = true;
                }
            }
        }
        let mut kept: Vec<usize> = (0..self.entries.len()).filter(|&i| !drop[i]).collect();
        if kept.len() > MAX_ENTRIES {
            evict_order(&self.entries, &mut kept);
            for &i in &kept[..kept.len() - MAX_ENTRIES] {
                drop[i] = true;
            }
        }
        if drop.iter().any(|d| *d) {
            let mut i = 0;
            self.entries.retain(|_| {
                i += 1;
                !drop[i - 1]
            });
        }
        if self.entries.len() != before {
            self.revision = next_stamp();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merge::{apply, Side};
    use crate::domain::registry::Registry;
    use crate::domain::test_support::{self, place, ts};

    /// A model in Xã A Lưới 4 saved at `at` by `by`.
    fn model(id: &str, title: &str, at: &str, by: &str) -> Model {
        let mut m = test_support::model(id, title);
        m.locality = place(Some(20101), "Xã A Lưới 4");
        m.updated_at = ts(at);
        m.updated_by = by.into();
        m
    }

    #[test]
    fn concurrent_edits_are_recorded_once_and_can_be_resolved() {
        let mut r = Registry::from_records(vec![model("m1", "Bản của tôi", "2024-02-01T00:00:00Z", "dev-a")], vec![]);
        let incoming = vec![model("m1", "Bản của đồng nghiệp", "2024-03-01T00:00:00Z", "dev-b")];
        let report = apply(&mut r, incoming.clone(), vec![]);
        let mut history = History::new();
        let at = ts("2024-03-02T00:00:00Z");
        assert_eq!(history.record(&report, at, "file.json", false), 1);
        assert_eq!(r.get("m1").unwrap().title, "Bản của đồng nghiệp", "the newer version wins");
        let list = history.conflicts();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].1.lost_model().unwrap().title, "Bản của tôi", "the losing version is kept whole");
        // the same file again adds nothing
        let report2 = apply(&mut r, incoming, vec![]);
        assert_eq!(history.record(&report2, at, "file.json", false), 0);
        history.resolve(0);
        assert!(history.conflicts()[0].1.resolved);
    }

    #[test]
    fn a_devices_own_earlier_save_is_not_kept() {
        let mut r = Registry::from_records(vec![model("m1", "Lần một", "2024-02-01T00:00:00Z", "dev-a")], vec![]);
        let report = apply(&mut r, vec![model("m1", "Lần hai", "2024-03-01T00:00:00Z", "dev-a")], vec![]);
        assert_eq!(report.model_conflicts.len(), 1, "the merge reports it");
        let mut history = History::new();
        assert_eq!(history.record(&report, ts("2024-03-02T00:00:00Z"), "f", false), 0);
        assert!(history.is_empty());
        // two tabs of one device: the same updated_by, yet concurrent
        let mut r = Registry::from_records(vec![model("m1", "Tab A", "2024-02-01T00:00:00Z", "dev-a")], vec![]);
        let report = apply(&mut r, vec![model("m1", "Tab B", "2024-02-01T00:00:01Z", "dev-a")], vec![]);
        assert_eq!(history.record(&report, ts("2024-03-02T00:00:00Z"), "tab", true), 1);
    }

    fn entry(id: &str, n: u32, resolved: bool) -> HistoryEntry {
        let at = Timestamp::from_unix_millis(1_700_000_000_000 + i64::from(n) * 1000);
        let mut m = model(id, &format!("v{n}"), "2024-01-01T00:00:00Z", "x");
        m.updated_at = at;
        HistoryEntry { at, id: id.into(), title: m.title.clone(), lost: LostVersion::Model(Box::new(m)), concurrent: true, source: String::new(), resolved }
    }

    #[test]
    fn the_history_is_bounded_per_record_and_in_all_resolved_going_first() {
        let mut h = History::new();
        for n in 0..8 {
            h.add(entry("a", n, n == 6));
        }
        assert_eq!(h.len(), MAX_PER_RECORD);
        let titles: Vec<&str> = h.all().iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, vec!["v2", "v3", "v4", "v5", "v7"], "the resolved one went first, then the oldest");
        for n in 0..(MAX_ENTRIES as u32 + 50) {
            h.add(entry(&format!("r{n}"), 100 + n, n % 3 == 0));
        }
        assert_eq!(h.len(), MAX_ENTRIES);
        let resolved_left = h.all().iter().filter(|e| e.resolved).count();
        assert!(resolved_left < MAX_ENTRIES / 3, "resolved ones were evicted first ({resolved_left} left)");
        assert!(h.all().iter().any(|e| e.title == "v7"), "unresolved ones stay while resolved ones can go");
    }

    #[test]
    fn recording_a_batch_keeps_what_adding_one_by_one_keeps() {
        // A history near its bounds (some resolved), then one import's conflicts: many records, some past
        // the per-record bound, in all past MAX_ENTRIES.
        let mut before = History::new();
        for n in 0..390u32 {
            before.add(entry(&format!("r{}", n % 97), n, n % 7 == 0));
        }
        let at = Timestamp::from_unix_millis(1_800_000_000_000);
        let mut report = MergeReport::default();
        for n in 0..300u32 {
            let id = format!("r{}", n % 130);
            let kept = model(&id, "kept", "2025-01-01T00:00:00Z", "dev-b");
            let mut lost = model(&id, &format!("lost {n}"), "2024-12-01T00:00:00Z", "dev-a");
            lost.updated_at = Timestamp::from_unix_millis(1_700_000_000_000 + i64::from(n));
            report.model_conflicts.push(Conflict { id, kept, lost, lost_side: Side::Local, concurrent: true });
        }
        let mut one_by_one = before.clone();
        let mut added = 0;
        for c in &report.model_conflicts {
            let e = HistoryEntry { at, id: c.id.clone(), title: c.kept.title.clone(), lost: c.lost.clone().into(), concurrent: true, source: "f".into(), resolved: false };
            added += usize::from(one_by_one.add(e));
        }
        let mut batch = before.clone();
        assert_eq!(batch.record(&report, at, "f", false), added);
        assert_eq!(batch.all(), one_by_one.all());
        assert_eq!(batch.len(), MAX_ENTRIES);
        assert_ne!(batch.revision(), before.revision());
    }

    #[test]
    fn stored_form_round_trips_and_keeps_unreadable_entries() {
        let mut h = History::new();
        h.add(entry("a", 1, false));
        h.resolve(0);
        let mut values: Vec<Value> = serde_json::from_value(serde_json::to_value(&h).unwrap()).unwrap();
        values.push(serde_json::json!({"kind": "photo", "id": "p1", "lost": {}}));
        let back: History = serde_json::from_value(Value::Array(values.clone())).unwrap();
        assert_eq!(back.len(), 1);
        assert!(back.all()[0].resolved);
        assert_eq!(serde_json::to_value(&back).unwrap(), Value::Array(values), "written back untouched");
    }

    #[test]
    fn merging_two_tabs_histories_is_a_union() {
        let mut a = History::new();
        a.add(entry("x", 1, false));
        let mut b = History::new();
        b.add(entry("x", 1, true));
        b.add(entry("y", 2, false));
        let rev = a.revision();
        a.merge_from(&b);
        assert_eq!(a.len(), 2);
        assert!(a.all()[0].resolved);
        assert_ne!(a.revision(), rev);
        let rev = a.revision();
        a.merge_from(&b);
        assert_eq!(a.revision(), rev, "nothing new: unchanged");
    }
}
