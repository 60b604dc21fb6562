//! Tệp trao đổi: the exchange file, format `dvk-registry` version 1 (SPEC §4) — writing it, and reading it
//! defensively. Errors are codes, never sentences: `i18n::errors` translates them.
//!
//! The files, one job each:
//! - `file`: the file's shape (`ExchangeFile`, `ExportedBy`) and limits, `write`, `file_name`, `check_size`;
//! - `errors`: why a file is refused (`FileError`) or a record is not imported (`RecordError`);
//! - `check`: the reference reader, which checks each record field by field as a JSON value;
//! - `fast`: the fast reader, which reads each record straight into its type and hands the reference
//!   reader what it cannot vouch for;
//! - `normalise`: what both readers do to a record that came in (NFC text, duplicate item ids refused);
//! - `outcome`: what a read gives (`ReadOutcome`) and the steps both readers share once they have the
//!   records (the version rule, the file's own fields, one record kept per id).
//!
//! Reading (`read`), in order: the size is checked before anything else (`check_size` also lets the UI
//! check a file's size before it reads the bytes); a UTF-8 byte-order mark is dropped; the file must be
//! UTF-8 and not blank; its nesting depth is measured by a flat scan *before* parsing, so a hostile deeply
//! nested file cannot exhaust the stack; then the top level is parsed and `format`, `version`, `models` and
//! `plans` are checked. Each record is then checked and read on its own, so one bad record is reported by
//! its position (0-based index in its list; the UI shows it plus one) and id, and the good ones still come
//! in. `read` takes the fast reader, which gives exactly what the reference reader (`read_reference`)
//! gives in about half the time.
//!
//! Unknown fields (anywhere: top level, records, nested objects) are kept exactly as they came, in their
//! order, and written back on export. Two records with the same id in one file: the one the merge rule
//! prefers (`record::cmp_versions`: newer `updated_at`, then `updated_by`, then content) is kept, the other
//! is reported as `DuplicateId` at its position, so the outcome does not depend on the order of records in
//! the file.

mod check;
mod errors;
mod fast;
mod file;
mod normalise;
mod outcome;

pub use errors::{FileError, JsonKind, RecordError, RecordKind, RecordProblem, ValueProblem};
pub use file::{
    check_size, check_size_limit, file_name, write, write_file, ExchangeFile, ExportedBy, FORMAT, MAX_DEPTH,
    MAX_FILE_BYTES, VERSION,
};
pub use outcome::{FileMeta, ReadOutcome};

/// Reads one model given as a JSON value (a record from elsewhere than a file, such as a CouchDB document's
/// body): the reference reader's checks and normalising, unknown fields kept.
pub fn read_model_value(v: serde_json::Value) -> Result<crate::domain::model::Model, RecordProblem> {
    check::read_model(v)
}

/// Reads one plan given as a JSON value, as `read_model_value` does a model.
pub fn read_plan_value(v: serde_json::Value) -> Result<crate::domain::model::Plan, RecordProblem> {
    check::read_plan(v)
}

/// Reads an exchange file (at most `MAX_FILE_BYTES`).
pub fn read(bytes: &[u8]) -> Result<ReadOutcome, FileError> {
    read_limited(bytes, MAX_FILE_BYTES)
}

/// Reads an exchange file of at most `max_bytes` by the fast reader (`fast`); a file that reader cannot
/// vouch for is read by the reference reader (`check`). `Reading` in one go.
pub fn read_limited(bytes: &[u8], max_bytes: usize) -> Result<ReadOutcome, FileError> {
    let mut reading = Reading::begin_limited(bytes, max_bytes)?;
    loop {
        if let Some(result) = reading.read_some(usize::MAX) {
            return result;
        }
    }
}

/// An exchange file being read a few records at a time, so that the app can yield to input in between (a
/// 20,000-model file takes seconds on a phone): what `read` does, in steps. `begin` checks the size, the
/// text and the depth and reads the top level; each `read_some` reads some records, and the last gives
/// what `read` gives. A file the fast reader cannot vouch for is read whole by the reference reader at
/// the first `read_some`.
pub struct Reading {
    text: String,
    fast: Option<fast::FastRead>,
    ended: bool,
}

impl Reading {
    /// Begins reading an exchange file (at most `MAX_FILE_BYTES`).
    pub fn begin(bytes: &[u8]) -> Result<Reading, FileError> {
        Reading::begin_limited(bytes, MAX_FILE_BYTES)
    }

    fn begin_limited(bytes: &[u8], max_bytes: usize) -> Result<Reading, FileError> {
        let text = file_text(bytes, max_bytes)?;
        let lists = fast::scan(text, MAX_DEPTH)?;
        let fast = fast::begin_fast(text, lists);
        Ok(Reading { text: text.to_owned(), fast, ended: false })
    }

    /// Records read, of how many (`(0, 1)` for a file the reference reader reads whole).
    pub fn progress(&self) -> (usize, usize) {
        self.fast.as_ref().map_or((0, 1), fast::FastRead::progress)
    }

    /// Reads up to `records` more records (at least one); `Some` with what the file gives once it is read.
    /// Not to be called again after that.
    pub fn read_some(&mut self, records: usize) -> Option<Result<ReadOutcome, FileError>> {
        assert!(!self.ended, "the file was read");
        let step = match self.fast.as_mut() {
            Some(fast) => fast.read_some(&self.text, records.max(1)),
            None => None,
        };
        match step {
            Some(false) => None,
            Some(true) => {
                self.ended = true;
                self.fast.take().map(|f| Ok(f.finish()))
            }
            None => {
                self.ended = true;
                self.fast = None;
                Some(check::read_text(&self.text))
            }
        }
    }
}

/// The reference reader alone: every record checked as a JSON value. What `read` must give, to the last
/// detail (the tests compare the two); not for the app.
#[doc(hidden)]
pub fn read_reference(bytes: &[u8]) -> Result<ReadOutcome, FileError> {
    let text = file_text(bytes, MAX_FILE_BYTES)?;
    check_depth(text, MAX_DEPTH)?;
    check::read_text(text)
}

/// The file's text: the size checked first, a byte-order mark dropped, not blank, UTF-8.
fn file_text(bytes: &[u8], max_bytes: usize) -> Result<&str, FileError> {
    check_size_limit(bytes.len() as u64, max_bytes as u64)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    std::str::from_utf8(bytes).map_err(|e| FileError::NotUtf8 { valid_up_to: e.valid_up_to() })
}

/// Measures nesting without recursion: counts `[`/`{` outside strings.
fn check_depth(text: &str, limit: usize) -> Result<(), FileError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in text.as_bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Err(FileError::TooDeep { limit });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{
        Consensus, Contributions, Evaluation, Extra, Field, LeadOrganization, LocalityRef, Milestone, Model, Period,
        Plan, PlanScope, Rating, Recognition, RecognitionLevel, Status, Target, TargetMetric,
    };
    use crate::domain::test_support::{day as d, ts as t};
    use serde_json::{json, Value};
    use unicode_normalization::UnicodeNormalization;

    fn model_json(id: &str) -> Value {
        json!({
            "id": id, "title": "Nuôi bò thịt", "field": "economic",
            "locality": { "code": 20095, "name": "Xã A Roàng", "village": "A Ka" },
            "created_at": "2023-05-02T01:00:00Z", "updated_at": "2024-03-12T09:30:00Z"
        })
    }

    fn file(models: Vec<Value>, plans: Vec<Value>) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "format": "dvk-registry", "version": 1, "exported_at": "2026-11-29T08:00:00Z",
            "models": models, "plans": plans
        }))
        .unwrap()
    }

    fn model_problem(mut edit: impl FnMut(&mut Value)) -> RecordProblem {
        let mut m = model_json("m1");
        edit(&mut m);
        let out = read(&file(vec![m, model_json("ok")], vec![])).unwrap();
        assert_eq!(out.models.len(), 1, "the good record still comes in");
        assert_eq!(out.models[0].id, "ok");
        assert_eq!(out.invalid.len(), 1);
        assert_eq!(out.invalid[0].position, 0);
        out.invalid[0].reason.clone()
    }

    #[test]
    fn depth_scan_ignores_brackets_in_strings() {
        assert!(check_depth(r#"{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}"#, 3).is_ok());
        assert!(check_depth(r#"{"a":"\"[[[[[[[[[[[["}"#, 2).is_ok());
        assert_eq!(check_depth("[[[[]]]]", 3), Err(FileError::TooDeep { limit: 3 }));
        assert!(check_depth("[[[]]][[[]]]", 3).is_ok(), "depth goes back down");
    }

    #[test]
    fn required_fields_are_named() {
        for (field, path) in [
            ("id", "id"),
            ("title", "title"),
            ("field", "field"),
            ("locality", "locality"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ] {
            let p = model_problem(|m| {
                m.as_object_mut().unwrap().remove(field);
            });
            assert_eq!(p, RecordProblem::MissingField(path.into()), "{field}");
        }
        let p = model_problem(|m| m["locality"].as_object_mut().unwrap().clear());
        assert_eq!(p, RecordProblem::MissingField("locality.name".into()));
        let p = model_problem(|m| m["title"] = json!("   "));
        assert_eq!(p, RecordProblem::InvalidValue { field: "title".into(), problem: ValueProblem::Empty });
        let p = model_problem(|m| m["title"] = Value::Null);
        assert_eq!(p, RecordProblem::MissingField("title".into()));
    }

    #[test]
    fn bad_values_are_named() {
        let p = model_problem(|m| m["field"] = json!("economy"));
        assert_eq!(
            p,
            RecordProblem::InvalidValue {
                field: "field".into(),
                problem: ValueProblem::UnknownCode { found: "economy".into() }
            }
        );
        let p = model_problem(|m| m["started_on"] = json!("2023-02-29"));
        assert_eq!(
            p,
            RecordProblem::InvalidValue {
                field: "started_on".into(),
                problem: ValueProblem::NotADate { found: "2023-02-29".into() }
            }
        );
        let p = model_problem(|m| m["updated_at"] = json!("yesterday"));
        assert!(
            matches!(p, RecordProblem::InvalidValue { ref field, problem: ValueProblem::NotATime { .. } } if field == "updated_at")
        );
        let p = model_problem(|m| m["participants"] = json!(-3));
        assert_eq!(p, RecordProblem::InvalidValue { field: "participants".into(), problem: ValueProblem::OutOfRange });
        let p = model_problem(|m| m["participants"] = json!("12"));
        assert_eq!(
            p,
            RecordProblem::InvalidValue {
                field: "participants".into(),
                problem: ValueProblem::WrongType { expected: JsonKind::WholeNumber }
            }
        );
        let p = model_problem(|m| {
            m["evaluations"] = json!([{"id":"e1","date":"2024-01-01","rating":"effective"},
                                      {"id":"e2","date":"2024-01-02","rating":"great"}])
        });
        assert_eq!(
            p,
            RecordProblem::InvalidValue {
                field: "evaluations[1].rating".into(),
                problem: ValueProblem::UnknownCode { found: "great".into() }
            }
        );
        let p = model_problem(|m| {
            m["evaluations"] = json!([{"id":"e1","date":"2024-01-01","rating":"effective"},
                                      {"id":"e1","date":"2024-01-02","rating":"limited"}])
        });
        assert_eq!(
            p,
            RecordProblem::InvalidValue {
                field: "evaluations[1].id".into(),
                problem: ValueProblem::DuplicateId { id: "e1".into() }
            }
        );
        let p = model_problem(|m| *m = json!("a string"));
        assert_eq!(p, RecordProblem::NotAnObject);
    }

    #[test]
    fn nulls_take_defaults_and_whole_floats_are_accepted() {
        let mut m = model_json("m1");
        for key in ["lead", "description", "tags", "evaluations", "contributions", "ethnic_minority_area", "status"] {
            m[key] = Value::Null;
        }
        m["participants"] = json!(12.0);
        let out = read(&file(vec![m], vec![])).unwrap();
        assert!(out.invalid.is_empty(), "{:?}", out.invalid);
        let m = &out.models[0];
        assert_eq!(m.lead, "");
        assert!(m.evaluations.is_empty());
        assert_eq!(m.participants, Some(12));
        assert_eq!(m.status, None);
    }

    #[test]
    fn nfd_text_becomes_nfc() {
        let mut m = model_json("m1");
        let nfd: String = "Mô hình Dân vận khéo ở A Lưới".nfd().collect();
        m["title"] = json!(nfd);
        m["tags"] = json!(["sinh kế".nfd().collect::<String>()]);
        let out = read(&file(vec![m], vec![])).unwrap();
        assert_eq!(out.models[0].title, "Mô hình Dân vận khéo ở A Lưới");
        assert_eq!(out.models[0].tags, vec!["sinh kế".to_string()]);
    }

    proptest::proptest! {
        #[test]
        fn the_scan_measures_depth_as_check_depth_does(text in r#"[\[\]{}"\\ ,:a1]{0,40}"#) {
            proptest::prop_assert_eq!(fast::scan(&text, 3).map(|_| ()), check_depth(&text, 3));
        }
    }

    #[test]
    fn an_unknown_field_named_like_serde_jsons_raw_value_token_stays_an_object() {
        // serde_json's `raw_value` feature would read this object as the JSON text it holds (`[1]`): the
        // fast reader finds its records itself and leaves that feature off, so nothing is lost.
        let mut m = model_json("m1");
        m["future"] = json!({ "$serde_json::private::RawValue": "[1]" });
        let out = read(&file(vec![m.clone()], vec![])).unwrap();
        assert_eq!(out.models[0].extra["future"], m["future"]);
    }

    #[test]
    fn size_is_checked_first() {
        // over the limit even though it is not JSON at all: the size is looked at first
        assert_eq!(read_limited(&[0xff; 11], 10), Err(FileError::TooLarge { bytes: 11, limit: 10 }));
    }

    fn full_milestone() -> Milestone {
        Milestone {
            id: "ms1".into(),
            title: "Sơ kết".into(),
            due: Some(d("2024-06-30")),
            done_on: Some(d("2024-06-20")),
            notes: "Đúng hạn".into(),
            extra: Extra::new(),
        }
    }

    /// A model with every field set, written out without `..` so that a field added to `Model` must be
    /// set here too (and then the test below asks both readers about it).
    fn full_model() -> Model {
        Model {
            id: "m1".into(),
            title: "Nuôi bò thịt".into(),
            field: Field::Economic,
            locality: LocalityRef {
                code: Some(20095),
                name: "Xã A Roàng".into(),
                village: Some("A Ka".into()),
                extra: Extra::new(),
            },
            lead: "Hồ Văn Nghiêm".into(),
            lead_organization: Some(LeadOrganization::FarmersAssociation),
            ethnic_minority_area: true,
            status: Some(Status::Active),
            started_on: Some(d("2021-03-01")),
            participants: Some(12),
            beneficiary_households: Some(30),
            contributions: Contributions {
                money_vnd: Some(5_000_000),
                work_days: Some(40),
                land_m2: Some(200),
                extra: Extra::new(),
            },
            description: "Mô tả".into(),
            tags: vec!["sinh kế".into()],
            recognition: Some(Recognition { level: RecognitionLevel::District, year: Some(2023), extra: Extra::new() }),
            evaluations: vec![Evaluation {
                id: "e1".into(),
                date: d("2024-01-05"),
                by: "Tổ công tác".into(),
                rating: Rating::Effective,
                close_to_needs: Some(true),
                consensus: Some(Consensus::High),
                notes: "Tốt".into(),
                recorded_at: Some(t("2024-01-05T08:00:00Z")),
                extra: Extra::new(),
            }],
            milestones: vec![full_milestone()],
            created_at: t("2023-05-02T01:00:00Z"),
            updated_at: t("2024-03-12T09:30:00Z"),
            updated_by: "dev1".into(),
            deleted_at: Some(t("2024-03-12T09:30:00Z")),
            extra: Extra::new(),
        }
    }

    /// A plan with every field set, written out without `..` (see `full_model`).
    fn full_plan() -> Plan {
        Plan {
            id: "p1".into(),
            title: "Kế hoạch 2024".into(),
            period: Some(Period { from: d("2024-01-01"), to: d("2024-12-31"), extra: Extra::new() }),
            scope: PlanScope {
                locality_codes: vec![20095],
                fields: vec![Field::Economic],
                ethnic_minority_only: true,
                extra: Extra::new(),
            },
            targets: vec![Target { metric: TargetMetric::NewModels, value: 30.0, extra: Extra::new() }],
            milestones: vec![full_milestone()],
            created_at: t("2024-01-01T00:00:00Z"),
            updated_at: t("2024-02-01T00:00:00Z"),
            updated_by: "dev1".into(),
            deleted_at: None,
            extra: Extra::new(),
        }
    }

    /// Every known field below `v`, as the checks name it (`locality.name`, `evaluations[0].rating`), with
    /// the JSON pointer to its value.
    fn field_paths(v: &Value, path: &str, pointer: &str, out: &mut Vec<(String, String)>) {
        let children: Vec<(String, String, &Value)> = match v {
            Value::Object(o) => o
                .iter()
                .map(|(k, c)| {
                    (if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, format!("{pointer}/{k}"), c)
                })
                .collect(),
            Value::Array(a) => {
                a.iter().enumerate().map(|(i, c)| (format!("{path}[{i}]"), format!("{pointer}/{i}"), c)).collect()
            }
            _ => Vec::new(),
        };
        for (p, ptr, c) in children {
            out.push((p.clone(), ptr.clone()));
            field_paths(c, &p, &ptr, out);
        }
    }

    #[test]
    fn every_field_of_every_record_is_checked_by_both_readers() {
        let (model, plan) = (full_model(), full_plan());
        let f = file(vec![serde_json::to_value(&model).unwrap()], vec![serde_json::to_value(&plan).unwrap()]);
        let out = read(&f).unwrap();
        assert!(out.invalid.is_empty(), "{:?}", out.invalid);
        assert_eq!((out.models, out.plans), (vec![model.clone()], vec![plan.clone()]));
        let records = [
            (RecordKind::Model, serde_json::to_value(&model).unwrap()),
            (RecordKind::Plan, serde_json::to_value(&plan).unwrap()),
        ];
        for (kind, record) in records {
            let mut paths = Vec::new();
            field_paths(&record, "", "", &mut paths);
            assert!(paths.len() > 20, "{paths:?}");
            for (path, pointer) in paths {
                // a value of another JSON type: every known field has a check that names it
                let mut bad = record.clone();
                let v = bad.pointer_mut(&pointer).unwrap();
                *v = if v.is_boolean() { json!("x") } else { json!(true) };
                let f = match kind {
                    RecordKind::Model => file(vec![bad], vec![]),
                    RecordKind::Plan => file(vec![], vec![bad]),
                };
                let reference = read_reference(&f).unwrap();
                assert_eq!(read(&f).unwrap(), reference, "{path}");
                let [e] = &reference.invalid[..] else { panic!("{path}: {:?}", reference.invalid) };
                assert!(
                    matches!(&e.reason, RecordProblem::InvalidValue { field, problem: ValueProblem::WrongType { .. } } if *field == path),
                    "{path}: {:?}",
                    e.reason
                );
            }
        }
    }
}
