//! Nguồn gốc phiên bản: which versions an edit was made from, so a merge can tell a version that lost to
//! an edit of itself (nothing to show the officer) from one that lost to a concurrent edit made elsewhere
//! without seeing it (a conflict, kept in the history).
//!
//! An edit saved on a device records, in the record's `edited_from` field, the version it replaced
//! (`updated_at` and `updated_by`) followed by that version's own list, at most `KEPT` in all, newest
//! first. The field is one of the record's unknown fields (`extra`) as far as the exchange format goes: an
//! app that does not know it keeps it and writes it back, and a copy it leaves stale still names true
//! ancestors (only older ones), so the check stays sound: a version it names is always an ancestor.

use serde_json::{json, Value};

use super::model::Extra;
use super::time::Timestamp;

/// The field in `extra` that holds the list.
pub const FIELD: &str = "edited_from";
/// How many ancestors a record names.
pub const KEPT: usize = 4;

fn entry(at: Timestamp, by: &str) -> Value {
    json!({ "updated_at": at, "updated_by": by })
}

/// Records in `extra` (of the edited record) that it was made from the version saved at `at` by `by`,
/// whose own list was `previous`.
pub fn record_edit(extra: &mut Extra, at: Timestamp, by: &str, previous: Option<&Extra>) {
    let mut list = vec![entry(at, by)];
    if let Some(Value::Array(older)) = previous.and_then(|p| p.get(FIELD)) {
        list.extend(older.iter().filter(|v| v.is_object()).cloned());
    }
    list.truncate(KEPT);
    extra.insert(FIELD.into(), Value::Array(list));
}

/// Is the version saved at `at` by `by` one that the record with `extra` was made from?
pub fn descends_from(extra: &Extra, at: Timestamp, by: &str) -> bool {
    let Some(Value::Array(list)) = extra.get(FIELD) else { return false };
    let at = serde_json::to_value(at).unwrap_or(Value::Null);
    list.iter().any(|v| v.get("updated_at") == Some(&at) && v.get("updated_by").and_then(Value::as_str) == Some(by))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_names_the_versions_it_came_from_newest_first_and_bounded() {
        let t = |s: i64| Timestamp::from_unix_millis(1_700_000_000_000 + s);
        let mut v1 = Extra::new();
        record_edit(&mut v1, t(0), "a", None);
        assert!(descends_from(&v1, t(0), "a"));
        assert!(!descends_from(&v1, t(0), "b"));
        assert!(!descends_from(&v1, t(1), "a"));
        let mut chain = v1;
        for i in 1..10 {
            let mut next = Extra::new();
            record_edit(&mut next, t(i), "b", Some(&chain));
            chain = next;
        }
        assert!(descends_from(&chain, t(9), "b"));
        assert!(descends_from(&chain, t(6), "b"));
        assert!(!descends_from(&chain, t(5), "b"), "at most {KEPT}");
        assert!(!descends_from(&Extra::new(), t(0), "a"));
        // a damaged list is ignored, not trusted
        let mut junk = Extra::new();
        junk.insert(FIELD.into(), json!("x"));
        assert!(!descends_from(&junk, t(0), "a"));
        let mut next = Extra::new();
        record_edit(&mut next, t(1), "a", Some(&junk));
        assert_eq!(next[FIELD].as_array().unwrap().len(), 1);
    }
}
