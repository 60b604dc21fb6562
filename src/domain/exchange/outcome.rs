//! What reading a file gives (`ReadOutcome`, `FileMeta`) and the steps both readers share once they have
//! the records: the version rule, the file's own fields, and keeping one record of each id.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::errors::{FileError, RecordError, RecordKind, RecordProblem};
use super::file::{ExchangeFile, ExportedBy, FORMAT, VERSION};
use crate::domain::fold::nfc;
use crate::domain::merge::Incoming;
use crate::domain::model::{Extra, Model, Plan};
use crate::domain::record::{cmp_versions, Record};
use crate::domain::time::Timestamp;

/// What the file says about itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileMeta {
    /// `None` when missing or not a valid time (the records still come in).
    pub exported_at: Option<Timestamp>,
    /// `None` when missing or not an object.
    pub exported_by: Option<ExportedBy>,
    /// The version as written (e.g. `1`, `1.2`).
    pub version: String,
    /// Unknown top-level fields, kept to write back.
    pub extra: Extra,
}

/// A file that was read: its good records (normalised) and what was wrong with the others.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadOutcome {
    pub file_meta: FileMeta,
    pub models: Vec<Model>,
    pub plans: Vec<Plan>,
    /// Sorted by list, then position.
    pub invalid: Vec<RecordError>,
}

impl ReadOutcome {
    /// The file again, for writing back: its records, exporter and unknown top-level fields; the export
    /// time is the file's, or `fallback` when it had none.
    pub fn into_file(self, fallback: Timestamp) -> ExchangeFile {
        ExchangeFile {
            format: FORMAT.to_string(),
            version: VERSION,
            exported_at: self.file_meta.exported_at.unwrap_or(fallback),
            exported_by: self.file_meta.exported_by,
            models: self.models,
            plans: self.plans,
            extra: self.file_meta.extra,
        }
    }
}

impl<'a> From<&'a ReadOutcome> for Incoming<'a> {
    /// The file's good records, for `merge::preview`.
    fn from(outcome: &'a ReadOutcome) -> Incoming<'a> {
        Incoming { models: &outcome.models, plans: &outcome.plans, invalid: outcome.invalid.len() }
    }
}

/// The outcome of a file: its good records, kept (`keep_records`), and the errors sorted.
pub(super) fn outcome(file_meta: FileMeta, models: Vec<ReadOne<Model>>, plans: Vec<ReadOne<Plan>>) -> ReadOutcome {
    let mut invalid = Vec::new();
    let models = keep_records(models, RecordKind::Model, &mut invalid);
    let plans = keep_records(plans, RecordKind::Plan, &mut invalid);
    invalid.sort_by_key(|e| (e.kind, e.position));
    ReadOutcome { file_meta, models, plans, invalid }
}

/// What the file says about itself, from its top-level fields other than the two lists.
pub(super) fn file_meta(mut top: Map<String, Value>, version: String) -> FileMeta {
    top.shift_remove("format");
    top.shift_remove("version");
    let exported_at = top.shift_remove("exported_at").and_then(|v| v.as_str().and_then(Timestamp::parse));
    let exported_by = top.shift_remove("exported_by").and_then(read_exported_by);
    FileMeta { exported_at, exported_by, version, extra: top }
}

/// Major version 1 is read; the version's text is returned.
pub(super) fn check_version(v: Option<&Value>) -> Result<String, FileError> {
    let n = match v {
        Some(Value::Number(n)) => n,
        Some(Value::Null) | None => return Err(FileError::BadVersion { found: None }),
        Some(other) => return Err(FileError::BadVersion { found: Some(other.to_string()) }),
    };
    let major = n.as_f64().map(f64::floor).unwrap_or(f64::NAN);
    if major == VERSION as f64 {
        Ok(n.to_string())
    } else if major > VERSION as f64 {
        Err(FileError::NewerVersion { found: n.to_string() })
    } else {
        Err(FileError::BadVersion { found: Some(n.to_string()) })
    }
}

/// The exporter, when `exported_by` is an object: a member that is not text is dropped, the rest is NFC.
fn read_exported_by(v: Value) -> Option<ExportedBy> {
    let Value::Object(mut o) = v else { return None };
    for key in ["officer", "unit", "device"] {
        if !matches!(o.get(key), Some(Value::String(_)) | None) {
            o.shift_remove(key);
        }
    }
    let mut by: ExportedBy = serde_json::from_value(Value::Object(o)).ok()?;
    by.officer = nfc(&by.officer);
    by.unit = nfc(&by.unit);
    by.device = nfc(&by.device);
    Some(by)
}

/// One record read on its own, or why it is not imported (with its id, when it has a text one).
pub(super) type ReadOne<T> = Result<T, (Option<String>, RecordProblem)>;

/// The id a record's errors name: its `id` when that is text, NFC and trimmed, unless empty.
pub(super) fn value_id(v: &Value) -> Option<String> {
    v.get("id").and_then(Value::as_str).map(nfc).filter(|s| !s.is_empty())
}

/// Keeps the records read, and the preferred of two with one id (by `cmp_versions`, so the outcome does not
/// depend on the order of the records); reports the others.
/// A record that was read has the id its errors name: `value_id` of its JSON is its NFC, trimmed `id`.
fn keep_records<T: Record>(records: Vec<ReadOne<T>>, kind: RecordKind, invalid: &mut Vec<RecordError>) -> Vec<T> {
    let mut kept: Vec<(usize, T)> = Vec::with_capacity(records.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (position, read) in records.into_iter().enumerate() {
        match read {
            Err((id, reason)) => invalid.push(RecordError { kind, position, id, reason }),
            Ok(rec) => match by_id.get(rec.record_id()) {
                None => {
                    by_id.insert(rec.record_id().to_string(), kept.len());
                    kept.push((position, rec));
                }
                Some(&i) => {
                    let id = Some(rec.record_id().to_string());
                    let (old_pos, old) = &kept[i];
                    let dropped_pos = if cmp_versions(&rec, old).is_gt() {
                        let p = *old_pos;
                        kept[i] = (position, rec);
                        p
                    } else {
                        position
                    };
                    invalid.push(RecordError { kind, position: dropped_pos, id, reason: RecordProblem::DuplicateId });
                }
            },
        }
    }
    kept.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn version_rules() {
        assert_eq!(check_version(Some(&json!(1))), Ok("1".into()));
        assert_eq!(check_version(Some(&json!(1.5))), Ok("1.5".into()));
        assert_eq!(check_version(Some(&json!(2))), Err(FileError::NewerVersion { found: "2".into() }));
        assert_eq!(check_version(Some(&json!(2.0))), Err(FileError::NewerVersion { found: "2.0".into() }));
        assert_eq!(check_version(Some(&json!(0))), Err(FileError::BadVersion { found: Some("0".into()) }));
        assert_eq!(check_version(Some(&json!("1"))), Err(FileError::BadVersion { found: Some("\"1\"".into()) }));
        assert_eq!(check_version(None), Err(FileError::BadVersion { found: None }));
    }
}
