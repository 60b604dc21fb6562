//! Bản ghi: what the exchange reader, the merge and the application layer need of a `Model` or a `Plan` —
//! its id, title, save stamp and tombstone, its own fields, its items — and the order of two versions of
//! one record (`cmp_versions`). Code that treats models and plans alike is written once over this trait
//! (with `registry::Registered` for where the registry keeps each kind).
//!
//! The trait is implemented in `merge.rs`, beside the union of evaluations and milestones its item methods
//! use. `exchange` keeps the preferred of two records with one id by `cmp_versions`, so a file reads the
//! same whatever the order of its records; `merge` picks the winner of two versions the same way.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::Value;

use super::model::Extra;
use super::time::Timestamp;

/// A record that merges by id: `Model` or `Plan`.
pub trait Record: Clone + PartialEq + Serialize {
    fn record_id(&self) -> &str;
    fn record_title(&self) -> &str;
    fn record_updated_at(&self) -> Timestamp;
    fn record_updated_by(&self) -> &str;
    /// When it was deleted (a tombstone), if it was.
    fn record_deleted_at(&self) -> Option<Timestamp>;
    fn set_deleted_at(&mut self, at: Option<Timestamp>);
    /// Its unknown fields (and `ancestry`'s note of the versions it was made from).
    fn record_extra(&self) -> &Extra;
    fn record_deleted(&self) -> bool {
        self.record_deleted_at().is_some()
    }
    /// Takes into `self` every evaluation and milestone of `other` (union by id, canonical order).
    fn union_items(&mut self, other: &Self);
    /// Does `self` hold an evaluation or milestone version that `result` does not?
    fn items_lost_in(&self, result: &Self) -> bool;
    /// A copy without evaluations, milestones and save stamp: what "own fields" compares.
    fn own_fields(&self) -> Self;
    /// Same content. `==` is exact for JSON-born data (object key order is ignored); a record that can
    /// hold a float also compares canonical JSON, so a NaN equals itself.
    fn same_content(&self, other: &Self) -> bool {
        self == other
    }
}

/// The merge order of two versions of one record: `Greater` when `a` wins over `b` — the newer
/// `updated_at`, then the greater `updated_by`, then the greater canonical JSON of the own fields. A total
/// order, so the choice does not depend on which version is local.
pub fn cmp_versions<T: Record>(a: &T, b: &T) -> Ordering {
    a.record_updated_at()
        .cmp(&b.record_updated_at())
        .then_with(|| a.record_updated_by().cmp(b.record_updated_by()))
        .then_with(|| canonical_of(&a.own_fields()).cmp(&canonical_of(&b.own_fields())))
}

/// JSON with object keys sorted, so equal content gives equal text whatever the order of unknown fields.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

pub(crate) fn canonical_value(v: &Value) -> String {
    let mut out = String::new();
    canonical(v, &mut out);
    out
}

/// The canonical JSON of anything serialisable (keys sorted at every level).
pub(crate) fn canonical_of<T: Serialize>(t: &T) -> String {
    canonical_value(&serde_json::to_value(t).unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_ignores_key_order() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":[1,{"q":2,"p":3}],"x":"s"}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":"s","y":[1,{"p":3,"q":2}]},"b":1}"#).unwrap();
        assert_eq!(canonical_value(&a), canonical_value(&b));
        assert_eq!(canonical_value(&b), r#"{"a":{"x":"s","y":[1,{"p":3,"q":2}]},"b":1}"#);
    }
}
