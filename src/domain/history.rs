//! Lịch sử xung đột: versions that lost a merge, kept so nothing either officer wrote is ever lost, and
//! shown to the officer as conflicts to review (pick the other version, or keep the current one).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::merge::{Conflict, MergeReport};
use super::model::{Model, Plan};
use super::time::Timestamp;

/// One version set aside by a merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When it was set aside.
    pub at: Timestamp,
    /// `model` or `plan`.
    pub kind: String,
    pub id: String,
    /// The title of the version kept, for the list.
    pub title: String,
    /// The version that lost, as it was (a whole `Model` or `Plan` in exchange form).
    pub lost: Value,
    /// Both sides were changed on different devices: the officer should look.
    pub concurrent: bool,
    /// Where the import came from (file name or exporter).
    #[serde(default)]
    pub source: String,
    /// The officer has looked at it (kept the current version or restored this one).
    #[serde(default)]
    pub resolved: bool,
}

impl HistoryEntry {
    /// The lost version as a model, when it is one.
    pub fn lost_model(&self) -> Option<Model> {
        (self.kind == "model").then(|| serde_json::from_value(self.lost.clone()).ok()).flatten()
    }
}

fn entry<T: Serialize>(kind: &str, c: &Conflict<T>, title: String, at: Timestamp, source: &str) -> Option<HistoryEntry> {
    Some(HistoryEntry {
        at,
        kind: kind.to_string(),
        id: c.id.clone(),
        title,
        lost: serde_json::to_value(&c.lost).ok()?,
        concurrent: c.concurrent,
        source: source.to_string(),
        resolved: false,
    })
}

/// Adds a merge's set-aside versions to `history` (stored as JSON values), skipping versions it already
/// holds (importing the same file twice adds nothing). Returns how many were added.
pub fn record(history: &mut Vec<Value>, report: &MergeReport, at: Timestamp, source: &str) -> usize {
    let mut added = 0;
    let models = report.model_conflicts.iter().filter_map(|c: &Conflict<Model>| entry("model", c, c.kept.title.clone(), at, source));
    let plans = report.plan_conflicts.iter().filter_map(|c: &Conflict<Plan>| entry("plan", c, c.kept.title.clone(), at, source));
    for e in models.chain(plans) {
        let already = history.iter().any(|h| h.get("id") == Some(&Value::String(e.id.clone())) && h.get("lost") == Some(&e.lost));
        if !already {
            if let Ok(v) = serde_json::to_value(&e) {
                history.push(v);
                added += 1;
            }
        }
    }
    added
}

/// The entries that can be read, newest first, with their index in `history`.
pub fn entries(history: &[Value]) -> Vec<(usize, HistoryEntry)> {
    let mut out: Vec<(usize, HistoryEntry)> =
        history.iter().enumerate().filter_map(|(i, v)| serde_json::from_value(v.clone()).ok().map(|e| (i, e))).collect();
    out.sort_by(|a, b| b.1.at.cmp(&a.1.at));
    out
}

/// Marks entry `index` resolved.
pub fn resolve(history: &mut [Value], index: usize) {
    if let Some(Value::Object(o)) = history.get_mut(index) {
        o.insert("resolved".into(), Value::Bool(true));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merge::apply;
    use crate::domain::model::{Field, LocalityRef};
    use crate::domain::registry::Registry;

    fn model(title: &str, at: &str, by: &str) -> Model {
        let mut m = Model::new("m1".into(), Timestamp::parse("2024-01-01T00:00:00Z").unwrap(), by);
        m.title = title.into();
        m.field = Field::Economic;
        m.locality = LocalityRef { code: Some(20101), name: "Xã A Lưới 4".into(), ..Default::default() };
        m.updated_at = Timestamp::parse(at).unwrap();
        m
    }

    #[test]
    fn concurrent_edits_are_recorded_once_and_can_be_restored() {
        let mut r = Registry::from_records(vec![model("Bản của tôi", "2024-02-01T00:00:00Z", "dev-a")], vec![]);
        let incoming = vec![model("Bản của đồng nghiệp", "2024-03-01T00:00:00Z", "dev-b")];
        let report = apply(&mut r, incoming.clone(), vec![]);
        let mut history = Vec::new();
        let at = Timestamp::parse("2024-03-02T00:00:00Z").unwrap();
        assert_eq!(record(&mut history, &report, at, "file.json"), 1);
        assert_eq!(r.get("m1").unwrap().title, "Bản của đồng nghiệp", "the newer version wins");
        let list = entries(&history);
        assert_eq!(list.len(), 1);
        let lost = list[0].1.lost_model().unwrap();
        assert_eq!(lost.title, "Bản của tôi", "the losing version is kept whole");
        assert!(list[0].1.concurrent);
        // the same file again adds nothing
        let report2 = apply(&mut r, incoming, vec![]);
        assert_eq!(record(&mut history, &report2, at, "file.json"), 0);
        resolve(&mut history, 0);
        assert!(entries(&history)[0].1.resolved);
    }
}
