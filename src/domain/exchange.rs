//! Tệp trao đổi: the exchange file, format `dvk-registry` version 1 (SPEC §4) — writing it, and reading it
//! defensively.
//!
//! This module owns the file's shape (`ExchangeFile`, `ExportedBy`), `write`/`write_file`, and
//! `read`/`read_limited`/`check_size` with their error enums (`FileError` for a refused file,
//! `RecordError` for one bad record). Errors are codes, never English text: the UI translates them
//! (each has a stable `code()` for message keys).
//!
//! Reading, in order: the size is checked before anything else (`check_size` also lets the UI check a
//! file's size before it reads the bytes); a UTF-8 byte-order mark is dropped; the file must be UTF-8 and
//! not blank; its nesting depth is measured by a flat scan *before* parsing, so a hostile deeply nested
//! file cannot exhaust the stack; then the top level is parsed and `format`, `version`, `models` and
//! `plans` are checked. Each record is then checked and read on its own, so one bad record is reported by
//! its position (0-based index in its list; the UI shows it plus one) and id, and the good ones still come
//! in.
//!
//! Two paths, one outcome. The reference path (`read_reference`, kept for the tests, and what the fast path
//! hands over to) parses the whole file as one JSON `Value`, checks each record as a value (`check_model`,
//! `check_plan`: the first bad field and what is wrong with it; a known field that is null is dropped, a
//! whole float such as `3.0` taken as `3`), converts it with serde and normalises it (`normalise_model`,
//! `normalise_plan`). `read` takes the fast path, about twice as fast: the depth scan also notes where each
//! element of a top-level list is (`scan`); the top level is parsed with the lists only skipped over; and
//! each record is deserialised straight from its own text into `Model` or `Plan`. When that succeeds and the
//! record passes what the checks ask beyond its types (`model_passes`, `plan_passes`: ids, titles and the
//! locality name not blank, a recognition year the checks take; and no object that serde could take for a
//! coded value, `may_hold_coded_object`), the checks would accept it as it is, and it is normalised by the
//! same code. Any other record (a wrong type, a null where the type wants a value, a whole float, a key
//! given twice, …) is parsed to a `Value` and read by the reference path, so its outcome and error are the
//! reference's. A file that is refused, that has `models` or `plans` twice, or with a record that is not
//! JSON at all (a number out of range or a lone surrogate, which skipping over does not notice) is handed
//! whole to the reference path. The tests compare the two paths on generated hostile files and on the fuzz
//! corpus. serde_json's `raw_value` feature is deliberately not used for the record spans: it changes every
//! `Value` parse, reading an object whose first key is `$serde_json::private::RawValue` as the JSON text it
//! holds, so such an unknown field would no longer come in as written.
//!
//! Records that come in are normalised: every known text field is NFC (and trimmed, `fold::nfc`), so text
//! typed on a device that writes NFD compares equal; a known field that is `null` takes its default. Unknown
//! fields (anywhere: top level, records, nested objects) are kept exactly as they came, in their order, and
//! written back on export. Text that looks like HTML or script is only data and is kept verbatim.
//!
//! Two records with the same id in one file: the one the merge rule prefers (`merge::cmp_versions`: newer
//! `updated_at`, then `updated_by`, then content) is kept, the other is reported as `DuplicateId` at its
//! position. This makes the outcome independent of the order of records in the file.

use std::borrow::{Borrow, Cow};
use std::collections::{HashMap, HashSet};
use std::marker::PhantomData;

use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::fold::{is_plain_nfc, nfc};
use super::merge::{cmp_versions, Record};
use super::model::{
    Consensus, Extra, Field, LeadOrganization, Milestone, Model, Plan, Rating, RecognitionLevel, Status, TargetMetric,
};
use super::time::{Date, Timestamp};

/// The `format` every exchange file names.
pub const FORMAT: &str = "dvk-registry";
/// The version this app writes. Files of major version 1 (1, 1.2, …) are read.
pub const VERSION: u32 = 1;
/// Largest file read (50 MiB), checked before reading.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// Deepest nesting of JSON arrays and objects accepted. A real file needs about 6.
pub const MAX_DEPTH: usize = 64;

/// Who exported a file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ExportedBy {
    #[serde(default)]
    pub officer: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub device: String,
    #[serde(flatten)]
    pub extra: Extra,
}

/// The whole exchange file, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeFile {
    pub format: String,
    pub version: u32,
    pub exported_at: Timestamp,
    #[serde(default)]
    pub exported_by: Option<ExportedBy>,
    pub models: Vec<Model>,
    pub plans: Vec<Plan>,
    /// Unknown top-level fields, written back untouched.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ExchangeFile {
    /// A file of this app's format and version.
    pub fn new(models: Vec<Model>, plans: Vec<Plan>, exported_at: Timestamp, by: Option<ExportedBy>) -> Self {
        ExchangeFile {
            format: FORMAT.to_string(),
            version: VERSION,
            exported_at,
            exported_by: by,
            models,
            plans,
            extra: Extra::new(),
        }
    }
}

/// Serialises a slice of anything that borrows as `T` (so `&[Model]` and `&[&Model]` both work).
struct Records<'a, M, T>(&'a [M], PhantomData<T>);

impl<M: Borrow<T>, T: Serialize> Serialize for Records<'_, M, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|m| m.borrow()))
    }
}

/// The file as written, borrowing its records.
#[derive(Serialize)]
#[serde(bound = "")]
struct FileOut<'a, M: Borrow<Model>, P: Borrow<Plan>> {
    format: &'a str,
    version: u32,
    exported_at: Timestamp,
    exported_by: Option<&'a ExportedBy>,
    models: Records<'a, M, Model>,
    plans: Records<'a, P, Plan>,
    #[serde(flatten)]
    extra: &'a Extra,
}

fn to_pretty<T: Serialize>(v: &T) -> String {
    // Cannot fail: every map key is a string and serde_json writes non-finite floats as null.
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The exchange file (pretty JSON) holding these records — all, or a filtered subset, tombstones included
/// as the caller chooses.
pub fn write<M: Borrow<Model>, P: Borrow<Plan>>(
    models: &[M],
    plans: &[P],
    exported_at: Timestamp,
    by: Option<ExportedBy>,
) -> String {
    let extra = Extra::new();
    to_pretty(&FileOut {
        format: FORMAT,
        version: VERSION,
        exported_at,
        exported_by: by.as_ref(),
        models: Records(models, PhantomData),
        plans: Records(plans, PhantomData),
        extra: &extra,
    })
}

/// A whole `ExchangeFile` as pretty JSON (its unknown top-level fields included). The format and version
/// written are always this app's.
pub fn write_file(file: &ExchangeFile) -> String {
    to_pretty(&FileOut {
        format: FORMAT,
        version: VERSION,
        exported_at: file.exported_at,
        exported_by: file.exported_by.as_ref(),
        models: Records(&file.models, PhantomData),
        plans: Records(&file.plans, PhantomData),
        extra: &file.extra,
    })
}

/// Which list a record is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Model,
    Plan,
}

impl RecordKind {
    /// The list's name in the file: `models` or `plans`.
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Model => "models",
            RecordKind::Plan => "plans",
        }
    }
}

/// Why a whole file is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Larger than the limit (`MAX_FILE_BYTES`).
    TooLarge { bytes: u64, limit: u64 },
    /// No bytes, or only white space.
    Empty,
    /// Not UTF-8 text (for example UTF-16, or a spreadsheet or picture).
    NotUtf8 { valid_up_to: usize },
    /// Not JSON; where the parser stopped (1-based line and column).
    NotJson { line: usize, column: usize },
    /// Arrays and objects nested deeper than `limit`.
    TooDeep { limit: usize },
    /// The JSON is not an object at the top.
    NotAnObject,
    /// `format` is not `dvk-registry` (`found` is what it was, if anything).
    WrongFormat { found: Option<String> },
    /// A higher major version than this app reads (`found` as written in the file, e.g. `2`).
    NewerVersion { found: String },
    /// `version` missing, not a number, or below 1.
    BadVersion { found: Option<String> },
    /// The `models` or `plans` list is missing.
    MissingList { kind: RecordKind },
    /// `models` or `plans` is not a list.
    NotAList { kind: RecordKind },
}

impl FileError {
    /// A stable code for the message key.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::TooLarge { .. } => "too_large",
            FileError::Empty => "empty",
            FileError::NotUtf8 { .. } => "not_utf8",
            FileError::NotJson { .. } => "not_json",
            FileError::TooDeep { .. } => "too_deep",
            FileError::NotAnObject => "not_an_object",
            FileError::WrongFormat { .. } => "wrong_format",
            FileError::NewerVersion { .. } => "newer_version",
            FileError::BadVersion { .. } => "bad_version",
            FileError::MissingList { .. } => "missing_list",
            FileError::NotAList { .. } => "not_a_list",
        }
    }
}

/// The kind of JSON value a field needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Text,
    TrueFalse,
    Number,
    /// A whole number, not negative.
    WholeNumber,
    List,
    Object,
}

/// What is wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueProblem {
    /// The value is of another JSON type.
    WrongType { expected: JsonKind },
    /// Text that is empty (after trimming) where some is needed.
    Empty,
    /// A code this version does not know (e.g. a `field` of `"economy"`).
    UnknownCode { found: String },
    /// Not a `YYYY-MM-DD` day that exists.
    NotADate { found: String },
    /// Not an RFC 3339 time.
    NotATime { found: String },
    /// A number outside what the field holds (negative, fractional, too large).
    OutOfRange,
    /// A second evaluation or milestone with the same id in one record.
    DuplicateId { id: String },
}

impl ValueProblem {
    pub fn code(&self) -> &'static str {
        match self {
            ValueProblem::WrongType { .. } => "wrong_type",
            ValueProblem::Empty => "empty",
            ValueProblem::UnknownCode { .. } => "unknown_code",
            ValueProblem::NotADate { .. } => "not_a_date",
            ValueProblem::NotATime { .. } => "not_a_time",
            ValueProblem::OutOfRange => "out_of_range",
            ValueProblem::DuplicateId { .. } => "duplicate_id",
        }
    }
}

/// Why one record is not imported. Field paths are the file's own names: `title`, `locality.name`,
/// `evaluations[2].rating` (list positions 0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordProblem {
    /// The record is not a JSON object.
    NotAnObject,
    /// A required field is missing or null.
    MissingField(String),
    /// A field has a value this version cannot use.
    InvalidValue { field: String, problem: ValueProblem },
    /// Another record of the same list and id was kept instead of this one.
    DuplicateId,
    /// The checks passed but the record still could not be read (should not happen).
    Unreadable,
}

impl RecordProblem {
    pub fn code(&self) -> &'static str {
        match self {
            RecordProblem::NotAnObject => "not_an_object",
            RecordProblem::MissingField(_) => "missing_field",
            RecordProblem::InvalidValue { .. } => "invalid_value",
            RecordProblem::DuplicateId => "duplicate_id",
            RecordProblem::Unreadable => "unreadable",
        }
    }
}

/// One record that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    pub kind: RecordKind,
    /// 0-based index in the file's `models` or `plans` list.
    pub position: usize,
    /// The record's id, when it has a text one.
    pub id: Option<String>,
    pub reason: RecordProblem,
}

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

/// Refuses a file of `len` bytes when it is over `MAX_FILE_BYTES`. Call it with the file's size before
/// reading its bytes.
pub fn check_size(len: u64) -> Result<(), FileError> {
    check_size_limit(len, MAX_FILE_BYTES as u64)
}

/// Refuses a file of `len` bytes when it is over `limit`.
pub fn check_size_limit(len: u64, limit: u64) -> Result<(), FileError> {
    if len > limit {
        Err(FileError::TooLarge { bytes: len, limit })
    } else {
        Ok(())
    }
}

/// Reads an exchange file (at most `MAX_FILE_BYTES`).
pub fn read(bytes: &[u8]) -> Result<ReadOutcome, FileError> {
    read_limited(bytes, MAX_FILE_BYTES)
}

/// Reads an exchange file of at most `max_bytes`, by the fast path (see the module comment); a file that
/// path cannot vouch for is read by the reference path (`read_text`).
pub fn read_limited(bytes: &[u8], max_bytes: usize) -> Result<ReadOutcome, FileError> {
    let text = file_text(bytes, max_bytes)?;
    let lists = scan(text, MAX_DEPTH)?;
    match read_fast(text, &lists) {
        Some(outcome) => Ok(outcome),
        None => read_text(text),
    }
}

/// `read` as it was before the fast path: every record checked as a JSON value. What `read` must give, to
/// the last detail (the tests compare the two); not for the app.
#[doc(hidden)]
pub fn read_reference(bytes: &[u8]) -> Result<ReadOutcome, FileError> {
    let text = file_text(bytes, MAX_FILE_BYTES)?;
    check_depth(text, MAX_DEPTH)?;
    read_text(text)
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

/// The reference path, from a text whose depth has been checked: the whole file parsed as a JSON value,
/// each record checked as one.
fn read_text(text: &str) -> Result<ReadOutcome, FileError> {
    let top: Value =
        serde_json::from_str(text).map_err(|e| FileError::NotJson { line: e.line(), column: e.column() })?;
    let Value::Object(mut top) = top else {
        return Err(FileError::NotAnObject);
    };

    match top.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => return Err(FileError::WrongFormat { found: Some(f.clone()) }),
        Some(Value::Null) | None => return Err(FileError::WrongFormat { found: None }),
        Some(other) => return Err(FileError::WrongFormat { found: Some(other.to_string()) }),
    }
    let version = check_version(top.get("version"))?;
    let models = take_list(&mut top, RecordKind::Model)?;
    let plans = take_list(&mut top, RecordKind::Plan)?;

    Ok(outcome(file_meta(top, version), read_records(models, read_model), read_records(plans, read_plan)))
}

/// The outcome of a file: its good records, kept (`keep_records`), and the errors sorted.
fn outcome(file_meta: FileMeta, models: Vec<ReadOne<Model>>, plans: Vec<ReadOne<Plan>>) -> ReadOutcome {
    let mut invalid = Vec::new();
    let models = keep_records(models, RecordKind::Model, &mut invalid);
    let plans = keep_records(plans, RecordKind::Plan, &mut invalid);
    invalid.sort_by_key(|e| (e.kind, e.position));
    ReadOutcome { file_meta, models, plans, invalid }
}

/// What the file says about itself, from its top-level fields other than the two lists.
fn file_meta(mut top: Map<String, Value>, version: String) -> FileMeta {
    top.shift_remove("format");
    top.shift_remove("version");
    let exported_at = top.shift_remove("exported_at").and_then(|v| v.as_str().and_then(Timestamp::parse));
    let exported_by = top.shift_remove("exported_by").and_then(read_exported_by);
    FileMeta { exported_at, exported_by, version, extra: top }
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

/// Major version 1 is read; the version's text is returned.
fn check_version(v: Option<&Value>) -> Result<String, FileError> {
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

fn take_list(top: &mut Map<String, Value>, kind: RecordKind) -> Result<Vec<Value>, FileError> {
    match top.shift_remove(kind.code()) {
        Some(Value::Array(a)) => Ok(a),
        None => Err(FileError::MissingList { kind }),
        Some(_) => Err(FileError::NotAList { kind }),
    }
}

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
type ReadOne<T> = Result<T, (Option<String>, RecordProblem)>;

/// The id a record's errors name: its `id` when that is text, NFC and trimmed, unless empty.
fn value_id(v: &Value) -> Option<String> {
    v.get("id").and_then(Value::as_str).map(nfc).filter(|s| !s.is_empty())
}

/// Reads each record on its own (the reference path).
fn read_records<T>(values: Vec<Value>, read_one: fn(Value) -> Result<T, RecordProblem>) -> Vec<ReadOne<T>> {
    values
        .into_iter()
        .map(|v| {
            let id = value_id(&v);
            read_one(v).map_err(|reason| (id, reason))
        })
        .collect()
}

/// Keeps the records read, and the preferred of two with one id (see the module comment); reports the others.
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

// ---------------------------------------------------------------------------------------------------
// Checking one record. Each check looks at a known field; a known field that is null is removed so serde's
// default applies. Unknown fields are never touched.

type Obj = Map<String, Value>;
type Check = Result<(), RecordProblem>;

/// The path of `key` under `prefix`; a top-level field's path costs nothing.
fn path(prefix: &str, key: &'static str) -> Cow<'static, str> {
    if prefix.is_empty() {
        Cow::Borrowed(key)
    } else {
        Cow::Owned(format!("{prefix}.{key}"))
    }
}

fn invalid(path: &str, problem: ValueProblem) -> RecordProblem {
    RecordProblem::InvalidValue { field: path.to_string(), problem }
}

fn wrong_type(path: &str, expected: JsonKind) -> RecordProblem {
    invalid(path, ValueProblem::WrongType { expected })
}

/// The known field `key`, unless absent or null (a null one is removed, keeping the others' order).
fn present<'o>(o: &'o mut Obj, key: &str) -> Option<&'o mut Value> {
    if matches!(o.get(key), Some(Value::Null)) {
        o.shift_remove(key);
    }
    o.get_mut(key)
}

fn opt(o: &mut Obj, prefix: &str, key: &'static str, check: impl FnOnce(&mut Value, &str) -> Check) -> Check {
    match present(o, key) {
        Some(v) => check(v, &path(prefix, key)),
        None => Ok(()),
    }
}

fn req(o: &mut Obj, prefix: &str, key: &'static str, check: impl FnOnce(&mut Value, &str) -> Check) -> Check {
    match present(o, key) {
        Some(v) => check(v, &path(prefix, key)),
        None => Err(RecordProblem::MissingField(path(prefix, key).into_owned())),
    }
}

fn object<'v>(v: &'v mut Value, p: &str) -> Result<&'v mut Obj, RecordProblem> {
    v.as_object_mut().ok_or_else(|| wrong_type(p, JsonKind::Object))
}

fn list(v: &mut Value, p: &str, mut each: impl FnMut(&mut Value, &str) -> Check) -> Check {
    let items = v.as_array_mut().ok_or_else(|| wrong_type(p, JsonKind::List))?;
    for (i, item) in items.iter_mut().enumerate() {
        each(item, &format!("{p}[{i}]"))?;
    }
    Ok(())
}

fn text(v: &mut Value, p: &str) -> Check {
    if v.is_string() {
        Ok(())
    } else {
        Err(wrong_type(p, JsonKind::Text))
    }
}

fn non_empty_text(v: &mut Value, p: &str) -> Check {
    match v.as_str() {
        Some(s) if s.trim().is_empty() => Err(invalid(p, ValueProblem::Empty)),
        Some(_) => Ok(()),
        None => Err(wrong_type(p, JsonKind::Text)),
    }
}

fn boolean(v: &mut Value, p: &str) -> Check {
    if v.is_boolean() {
        Ok(())
    } else {
        Err(wrong_type(p, JsonKind::TrueFalse))
    }
}

fn code<E>(v: &mut Value, p: &str, from_code: fn(&str) -> Option<E>) -> Check {
    let s = v.as_str().ok_or_else(|| wrong_type(p, JsonKind::Text))?;
    match from_code(s) {
        Some(_) => Ok(()),
        None => Err(invalid(p, ValueProblem::UnknownCode { found: s.to_string() })),
    }
}

fn date(v: &mut Value, p: &str) -> Check {
    let s = v.as_str().ok_or_else(|| wrong_type(p, JsonKind::Text))?;
    match Date::parse(s) {
        Some(_) => Ok(()),
        None => Err(invalid(p, ValueProblem::NotADate { found: s.to_string() })),
    }
}

fn time(v: &mut Value, p: &str) -> Check {
    let s = v.as_str().ok_or_else(|| wrong_type(p, JsonKind::Text))?;
    match Timestamp::parse(s) {
        Some(_) => Ok(()),
        None => Err(invalid(p, ValueProblem::NotATime { found: s.to_string() })),
    }
}

/// A whole number in `min..=max`; a float with no fraction (`12.0`) is accepted and rewritten as `12`.
fn whole_in(v: &mut Value, p: &str, min: i64, max: u64) -> Check {
    let Value::Number(n) = v else { return Err(wrong_type(p, JsonKind::WholeNumber)) };
    let ok = if let Some(u) = n.as_u64() {
        u <= max
    } else if let Some(i) = n.as_i64() {
        i >= min
    } else {
        match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f >= min as f64 && f <= max as f64 => {
                *v = if f >= 0.0 { Value::from(f as u64) } else { Value::from(f as i64) };
                return Ok(());
            }
            _ => false,
        }
    };
    if ok {
        Ok(())
    } else {
        Err(invalid(p, ValueProblem::OutOfRange))
    }
}

fn whole32(v: &mut Value, p: &str) -> Check {
    whole_in(v, p, 0, u32::MAX as u64)
}

fn whole64(v: &mut Value, p: &str) -> Check {
    whole_in(v, p, 0, u64::MAX)
}

fn year(v: &mut Value, p: &str) -> Check {
    whole_in(v, p, 1, 9999)
}

fn number(v: &mut Value, p: &str) -> Check {
    match v.as_f64() {
        Some(f) if f.is_finite() => Ok(()),
        Some(_) => Err(invalid(p, ValueProblem::OutOfRange)),
        None => Err(wrong_type(p, JsonKind::Number)),
    }
}

fn check_milestone(v: &mut Value, p: &str) -> Check {
    let m = object(v, p)?;
    req(m, p, "id", non_empty_text)?;
    if present(m, "title").is_none() {
        m.insert("title".into(), Value::String(String::new()));
    }
    req(m, p, "title", text)?;
    opt(m, p, "due", date)?;
    opt(m, p, "done_on", date)?;
    opt(m, p, "notes", text)
}

fn check_evaluation(v: &mut Value, p: &str) -> Check {
    let e = object(v, p)?;
    req(e, p, "id", non_empty_text)?;
    req(e, p, "date", date)?;
    opt(e, p, "by", text)?;
    req(e, p, "rating", |v, p| code(v, p, Rating::from_code))?;
    opt(e, p, "close_to_needs", boolean)?;
    opt(e, p, "consensus", |v, p| code(v, p, Consensus::from_code))?;
    opt(e, p, "notes", text)?;
    opt(e, p, "recorded_at", time)
}

fn check_model(o: &mut Obj) -> Check {
    req(o, "", "id", non_empty_text)?;
    req(o, "", "title", non_empty_text)?;
    req(o, "", "field", |v, p| code(v, p, Field::from_code))?;
    req(o, "", "locality", |v, p| {
        let l = object(v, p)?;
        opt(l, p, "code", whole32)?;
        req(l, p, "name", non_empty_text)?;
        opt(l, p, "village", text)
    })?;
    opt(o, "", "lead", text)?;
    opt(o, "", "lead_organization", |v, p| code(v, p, LeadOrganization::from_code))?;
    opt(o, "", "ethnic_minority_area", boolean)?;
    opt(o, "", "status", |v, p| code(v, p, Status::from_code))?;
    opt(o, "", "started_on", date)?;
    opt(o, "", "participants", whole32)?;
    opt(o, "", "beneficiary_households", whole32)?;
    opt(o, "", "contributions", |v, p| {
        let c = object(v, p)?;
        opt(c, p, "money_vnd", whole64)?;
        opt(c, p, "work_days", whole64)?;
        opt(c, p, "land_m2", whole64)
    })?;
    opt(o, "", "description", text)?;
    opt(o, "", "tags", |v, p| list(v, p, text))?;
    opt(o, "", "recognition", |v, p| {
        let r = object(v, p)?;
        req(r, p, "level", |v, p| code(v, p, RecognitionLevel::from_code))?;
        opt(r, p, "year", year)
    })?;
    opt(o, "", "evaluations", |v, p| list(v, p, check_evaluation))?;
    opt(o, "", "milestones", |v, p| list(v, p, check_milestone))?;
    req(o, "", "created_at", time)?;
    req(o, "", "updated_at", time)?;
    opt(o, "", "updated_by", text)?;
    opt(o, "", "deleted_at", time)
}

fn check_plan(o: &mut Obj) -> Check {
    req(o, "", "id", non_empty_text)?;
    req(o, "", "title", non_empty_text)?;
    opt(o, "", "period", |v, p| {
        let period = object(v, p)?;
        req(period, p, "from", date)?;
        req(period, p, "to", date)
    })?;
    opt(o, "", "scope", |v, p| {
        let s = object(v, p)?;
        opt(s, p, "locality_codes", |v, p| list(v, p, whole32))?;
        opt(s, p, "fields", |v, p| list(v, p, |v, p| code(v, p, Field::from_code)))?;
        opt(s, p, "ethnic_minority_only", boolean)
    })?;
    opt(o, "", "targets", |v, p| {
        list(v, p, |v, p| {
            let t = object(v, p)?;
            req(t, p, "metric", |v, p| code(v, p, TargetMetric::from_code))?;
            req(t, p, "value", number)
        })
    })?;
    opt(o, "", "milestones", |v, p| list(v, p, check_milestone))?;
    req(o, "", "created_at", time)?;
    req(o, "", "updated_at", time)?;
    opt(o, "", "updated_by", text)?;
    opt(o, "", "deleted_at", time)
}

// ---------------------------------------------------------------------------------------------------
// Normalising a record that passed its checks.

/// NFC and trimmed, in place. Most text is already NFC (and ASCII), which the quick check sees without
/// allocating.
fn to_nfc(s: &mut String) {
    let trimmed = s.trim();
    if trimmed.len() == s.len() && is_plain_nfc(s) {
        return;
    }
    *s = nfc(s);
}

fn normalise_milestones(ms: &mut [Milestone], list: &str) -> Check {
    let mut seen = HashSet::new();
    for (i, m) in ms.iter_mut().enumerate() {
        to_nfc(&mut m.id);
        to_nfc(&mut m.title);
        to_nfc(&mut m.notes);
        if !seen.insert(m.id.clone()) {
            return Err(invalid(&format!("{list}[{i}].id"), ValueProblem::DuplicateId { id: m.id.clone() }));
        }
    }
    Ok(())
}

fn read_model(v: Value) -> Result<Model, RecordProblem> {
    let Value::Object(mut o) = v else { return Err(RecordProblem::NotAnObject) };
    check_model(&mut o)?;
    let mut m: Model = serde_json::from_value(Value::Object(o)).map_err(|_| RecordProblem::Unreadable)?;
    normalise_model(&mut m)?;
    Ok(m)
}

/// NFC and trims a model's text, drops an empty village and empty tags; refuses an evaluation or milestone
/// id used twice.
fn normalise_model(m: &mut Model) -> Check {
    to_nfc(&mut m.id);
    to_nfc(&mut m.title);
    to_nfc(&mut m.locality.name);
    if let Some(village) = &mut m.locality.village {
        to_nfc(village);
        if village.is_empty() {
            m.locality.village = None;
        }
    }
    to_nfc(&mut m.lead);
    to_nfc(&mut m.description);
    for tag in &mut m.tags {
        to_nfc(tag);
    }
    m.tags.retain(|t| !t.is_empty());
    to_nfc(&mut m.updated_by);
    let mut seen = HashSet::new();
    for (i, e) in m.evaluations.iter_mut().enumerate() {
        to_nfc(&mut e.id);
        to_nfc(&mut e.by);
        to_nfc(&mut e.notes);
        if !seen.insert(e.id.clone()) {
            return Err(invalid(&format!("evaluations[{i}].id"), ValueProblem::DuplicateId { id: e.id.clone() }));
        }
    }
    normalise_milestones(&mut m.milestones, "milestones")
}

fn read_plan(v: Value) -> Result<Plan, RecordProblem> {
    let Value::Object(mut o) = v else { return Err(RecordProblem::NotAnObject) };
    check_plan(&mut o)?;
    let mut p: Plan = serde_json::from_value(Value::Object(o)).map_err(|_| RecordProblem::Unreadable)?;
    normalise_plan(&mut p)?;
    Ok(p)
}

fn normalise_plan(p: &mut Plan) -> Check {
    to_nfc(&mut p.id);
    to_nfc(&mut p.title);
    to_nfc(&mut p.updated_by);
    normalise_milestones(&mut p.milestones, "milestones")
}

// ---------------------------------------------------------------------------------------------------
// The fast path: each record read straight into its type, from its own span of the text. It gives what the
// reference path (above) gives, or hands over to it.

/// An array that is the value of a member of the top-level object: which member (0-based, in the file's
/// order) and the span of each of its elements in the text.
struct TopList {
    member: usize,
    items: Vec<std::ops::Range<usize>>,
}

/// The bytes `scan` looks at outside strings.
const STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 7 {
        t[b"\"[]{},:"[i] as usize] = true;
        i += 1;
    }
    t
};

/// JSON white space.
fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// `check_depth`, in the same one pass, also noting the elements of every array that is the value of a
/// top-level member (the spans are only meaningful once the text is known to be JSON). Strings are skipped
/// with `memchr`, as `check_depth` skips them (an escape takes the byte after it, whatever it is); outside
/// them only the bytes of `STRUCTURAL` are looked at.
fn scan(text: &str, limit: usize) -> Result<Vec<TopList>, FileError> {
    let b = text.as_bytes();
    let mut lists: Vec<TopList> = Vec::new();
    let mut depth = 0usize;
    // `:` at depth 1: one per member of the top-level object, so the member being read is `colons - 1`
    let mut colons = 0usize;
    // inside the array of a top-level member (at depth 2), and where its current element begins
    let mut in_list = false;
    let mut start = 0usize;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if !STRUCTURAL[c as usize] {
            continue;
        }
        match c {
            b'"' => loop {
                match memchr::memchr2(b'"', b'\\', b.get(i..).unwrap_or_default()) {
                    None => return Ok(lists),
                    Some(k) if b[i + k] == b'\\' => i += k + 2,
                    Some(k) => {
                        i += k + 1;
                        break;
                    }
                }
            },
            b'[' | b'{' => {
                if depth == 1 && c == b'[' {
                    in_list = true;
                    lists.push(TopList { member: colons.wrapping_sub(1), items: Vec::new() });
                    start = after_ws(b, i);
                }
                depth += 1;
                if depth > limit {
                    return Err(FileError::TooDeep { limit });
                }
            }
            b']' | b'}' => {
                if in_list && depth == 2 {
                    end_item(b, start, i - 1, &mut lists);
                    in_list = false;
                }
                depth = depth.saturating_sub(1);
            }
            b',' if in_list && depth == 2 => {
                end_item(b, start, i - 1, &mut lists);
                start = after_ws(b, i);
            }
            b':' if depth == 1 => colons += 1,
            _ => {}
        }
    }
    Ok(lists)
}

/// The first byte at or after `i` that is not white space.
fn after_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

/// The element of the last list that begins at `start` ends before `end` and its white space (none: `[]`).
fn end_item(b: &[u8], start: usize, mut end: usize, lists: &mut [TopList]) {
    while end > start && is_ws(b[end - 1]) {
        end -= 1;
    }
    if let (true, Some(list)) = (end > start, lists.last_mut()) {
        list.items.push(start..end);
    }
}

/// The top level of a file, the two lists only skipped over (their records are read one by one).
struct Top {
    /// Every member but `models` and `plans`, as `Value` parsing keeps them (a repeated key: the last
    /// value, at the first place).
    members: Map<String, Value>,
    /// `models` and `plans`: which member each is, and how many records it holds.
    models: Option<(usize, usize)>,
    plans: Option<(usize, usize)>,
    /// `models` or `plans` came twice. The earlier list was only skipped over, and skipping does not look
    /// inside numbers and escapes as parsing does (`1e400`, a lone surrogate), so such a file is handed over.
    repeated: bool,
}

/// How many elements a JSON array has (its elements are skipped, not parsed into anything).
struct Count(usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Count, A::Error> {
                let mut n = 0;
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    n += 1;
                }
                Ok(Count(n))
            }
        }
        d.deserialize_seq(V)
    }
}

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
                let mut top = Top { members: Map::new(), models: None, plans: None, repeated: false };
                let mut member = 0;
                while let Some(key) = map.next_key::<String>()? {
                    let list = match key.as_str() {
                        "models" => Some(&mut top.models),
                        "plans" => Some(&mut top.plans),
                        _ => None,
                    };
                    match list {
                        Some(list) => {
                            top.repeated |= list.is_some();
                            *list = Some((member, map.next_value::<Count>()?.0));
                        }
                        None => {
                            top.members.insert(key, map.next_value()?);
                        }
                    }
                    member += 1;
                }
                Ok(top)
            }
        }
        d.deserialize_map(V)
    }
}

/// The fast path; `None` hands the file to the reference path: when it is refused (whatever the reason,
/// the reference path names it), when `models` or `plans` comes twice, when a list is not where the scan
/// saw it, or when a record is not JSON.
fn read_fast(text: &str, lists: &[TopList]) -> Option<ReadOutcome> {
    let Top { members, models, plans, repeated } = serde_json::from_str(text).ok()?;
    if repeated || !matches!(members.get("format"), Some(Value::String(f)) if f == FORMAT) {
        return None;
    }
    let version = check_version(members.get("version")).ok()?;
    let items = |(member, len): (usize, usize)| {
        let list = lists.iter().find(|l| l.member == member)?;
        (list.items.len() == len).then(|| list.items.iter().map(|r| &text[r.clone()]))
    };
    let models: Vec<ReadOne<Model>> = items(models?)?.map(model_from_text).collect::<Option<_>>()?;
    let plans: Vec<ReadOne<Plan>> = items(plans?)?.map(plan_from_text).collect::<Option<_>>()?;

    Some(outcome(file_meta(members, version), models, plans))
}

fn model_from_text(text: &str) -> Option<ReadOne<Model>> {
    from_text(text, model_passes, normalise_model, read_model)
}

fn plan_from_text(text: &str) -> Option<ReadOne<Plan>> {
    from_text(text, plan_passes, normalise_plan, read_plan)
}

/// One record from its JSON text: read straight into its type when that gives what the reference path gives
/// (serde reads it, and it passes what the checks ask beyond the types: the checks would accept it and
/// change nothing serde does not do itself), else by the reference path on its JSON value. `None` when the
/// text is not JSON: the file is then handed to the reference path, which refuses it.
fn from_text<T: Record + serde::de::DeserializeOwned>(
    text: &str,
    passes: fn(&T) -> bool,
    normalise: fn(&mut T) -> Check,
    read_value: fn(Value) -> Result<T, RecordProblem>,
) -> Option<ReadOne<T>> {
    if let Ok(mut rec) = serde_json::from_str::<T>(text) {
        if passes(&rec) && !may_hold_coded_object(text) {
            return Some(match normalise(&mut rec) {
                Ok(()) => Ok(rec),
                // `nfc` of the id read (NFC is idempotent): what `value_id` gives for this record
                Err(reason) => Err((Some(nfc(rec.record_id())).filter(|s| !s.is_empty()), reason)),
            });
        }
    }
    let v: Value = serde_json::from_str(text).ok()?;
    let id = value_id(&v);
    Some(read_value(v).map_err(|reason| (id, reason)))
}

/// Text that is not blank, as `non_empty_text` asks.
fn filled(s: &str) -> bool {
    !s.trim().is_empty()
}

/// What `check_model` asks of a model that its types do not (the types refuse a wrong JSON type, a null
/// where a value is needed, a float where a whole number is, an unknown code, a bad date or time, a number
/// out of its type's range, a missing required field, a key given twice).
fn model_passes(m: &Model) -> bool {
    filled(&m.id)
        && filled(&m.title)
        && filled(&m.locality.name)
        // `whole_in(1, 9999)` lets 0 through (written as a whole number, not as a float)
        && m.recognition.as_ref().and_then(|r| r.year).is_none_or(|y| (0..=9999).contains(&y))
        && m.evaluations.iter().all(|e| filled(&e.id))
        && m.milestones.iter().all(|x| filled(&x.id))
}

/// What `check_plan` asks of a plan that its types do not.
fn plan_passes(p: &Plan) -> bool {
    filled(&p.id) && filled(&p.title) && p.milestones.iter().all(|x| filled(&x.id))
}

/// Might the record's text hold an object of one member whose value is null and whose key could be a code
/// (`{"active": null}`)? serde reads that as the coded value `active` (the map form of an enum variant),
/// where `code` wants text. Any such object, anywhere (unknown fields included; even inside a string, which
/// only costs the fast path), sends the record to the reference path. A code's key, even written with
/// escapes, is only ASCII letters, digits, `_` and `\`. Linear: each byte is looked at for one `null` only.
fn may_hold_coded_object(text: &str) -> bool {
    let b = text.as_bytes();
    let before_ws = |mut k: usize| {
        while k > 0 && is_ws(b[k - 1]) {
            k -= 1;
        }
        k
    };
    memchr::memmem::find_iter(b, b"null").any(|at| {
        if b.get(after_ws(b, at + 4)) != Some(&b'}') {
            return false;
        }
        // back over `"key" :` to the key's opening quote
        let k = before_ws(at);
        if k == 0 || b[k - 1] != b':' {
            return false;
        }
        let k = before_ws(k - 1);
        if k == 0 || b[k - 1] != b'"' {
            return false;
        }
        let mut q = k - 1;
        while q > 0 && (b[q - 1].is_ascii_alphanumeric() || matches!(b[q - 1], b'_' | b'\\')) {
            q -= 1;
        }
        // `q - 1` is the opening quote (or an escaped quote, in a key that is no code): first in an object?
        if q == 0 || b[q - 1] != b'"' {
            return false;
        }
        let q = before_ws(q - 1);
        q > 0 && b[q - 1] == b'{'
    })
}

/// The name of an exported file: `dvk_<unit>_<date>.<ext>`, the unit (or commune) folded to lowercase
/// ASCII words joined by hyphens ("Xã A Lưới 4" → `dvk_xa-a-luoi-4_2026-12-01.json`), so forty communes'
/// files do not look alike; underscores keep the three parts apart. No unit: `dvk_<date>.<ext>`.
pub fn file_name(unit: &str, date: crate::domain::time::Date, ext: &str) -> String {
    let slug: String = crate::domain::fold::fold(unit)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("dvk_{date}.{ext}")
    } else {
        format!("dvk_{slug}_{date}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn export_file_names_are_plain_ascii() {
        let d = crate::domain::time::Date::parse("2026-11-29").unwrap();
        assert_eq!(super::file_name("Ban Dân vận Huyện ủy A Lưới", d, "json"), "dvk_ban-dan-van-huyen-uy-a-luoi_2026-11-29.json");
        assert_eq!(super::file_name("Xã A Lưới 4", d, "xlsx"), "dvk_xa-a-luoi-4_2026-11-29.xlsx");
        assert_eq!(super::file_name("Phường Thuận Hóa danh gia", d, "csv"), "dvk_phuong-thuan-hoa-danh-gia_2026-11-29.csv");
        assert_eq!(super::file_name("ĐẢNG ỦY XÃ ĐỨC", d, "csv"), "dvk_dang-uy-xa-duc_2026-11-29.csv", "đ folds to d, capitals to lowercase");
        assert_eq!(super::file_name("  ", d, "csv"), "dvk_2026-11-29.csv");
        assert_eq!(super::file_name("../<x>", d, "json"), "dvk_x_2026-11-29.json");
        // a long unit is cut at 60 characters, never leaving a trailing hyphen
        let long = super::file_name(&"Ban Dân vận ".repeat(10), d, "json");
        assert!(long.starts_with("dvk_ban-dan-van-") && long.ends_with("_2026-11-29.json") && !long.contains("-_"), "{long}");
    }

    use super::*;
    use serde_json::json;
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
    fn version_rules() {
        assert_eq!(check_version(Some(&json!(1))), Ok("1".into()));
        assert_eq!(check_version(Some(&json!(1.5))), Ok("1.5".into()));
        assert_eq!(check_version(Some(&json!(2))), Err(FileError::NewerVersion { found: "2".into() }));
        assert_eq!(check_version(Some(&json!(2.0))), Err(FileError::NewerVersion { found: "2.0".into() }));
        assert_eq!(check_version(Some(&json!(0))), Err(FileError::BadVersion { found: Some("0".into()) }));
        assert_eq!(check_version(Some(&json!("1"))), Err(FileError::BadVersion { found: Some("\"1\"".into()) }));
        assert_eq!(check_version(None), Err(FileError::BadVersion { found: None }));
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

    /// The spans `scan` finds for the top-level lists, as text.
    fn lists_of(text: &str) -> Vec<(usize, Vec<&str>)> {
        let lists = scan(text, MAX_DEPTH).unwrap();
        lists.iter().map(|l| (l.member, l.items.iter().map(|r| &text[r.clone()]).collect())).collect()
    }

    #[test]
    fn the_scan_finds_each_element_of_the_top_level_lists() {
        let text = r#"{"format":"x", "a" : { "b": [1, 2] },
            "models": [ {"id":"a]},[{"} , "s\"],", -0.5e3 ,null,[[1],{}],
            {"x":"\\"}	],"plans":[],"c":[ 7 ], "d": "[", "e":[{}]}"#;
        assert_eq!(
            lists_of(text),
            vec![
                (2, vec![r#"{"id":"a]},[{"}"#, r#""s\"],""#, "-0.5e3", "null", "[[1],{}]", r#"{"x":"\\"}"#]),
                (3, vec![]),
                (4, vec!["7"]),
                (6, vec!["{}"]),
            ]
        );
        // every element is the JSON serde sees there
        let v: Value = serde_json::from_str(text).unwrap();
        for (member, items) in lists_of(text) {
            let (_, list) = v.as_object().unwrap().iter().nth(member).unwrap();
            let parsed: Vec<Value> = items.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
            assert_eq!(&Value::Array(parsed), list);
        }
        // a top level that is a list has no members
        assert!(lists_of("[[1,2],[3]]").iter().all(|(member, _)| *member == usize::MAX));
    }

    proptest::proptest! {
        #[test]
        fn the_scan_measures_depth_as_check_depth_does(text in r#"[\[\]{}"\\ ,:a1]{0,40}"#) {
            proptest::prop_assert_eq!(scan(&text, 3).map(|_| ()), check_depth(&text, 3));
        }
    }

    #[test]
    fn objects_like_a_coded_value_are_seen() {
        for text in [
            r#"{"field":{"economic":null}}"#,
            "{\"field\": {\n \"economic\" :\tnull\r\n}}",
            r#"{"field":{"\u0065conomic":null}}"#,
            r#"{"x":[{"a_1":null}]}"#,
            r#"{"x":{"a\\":null}}"#,
            r#"{"a\":null}": 1}"#, // inside a string: seen too (that only costs the fast path)
        ] {
            assert!(may_hold_coded_object(text), "{text}");
        }
        for text in [
            r#"{"field":"economic","deleted_at":null}"#,
            r#"{"a":1,"b":null}"#,
            r#"{"a":[null]}"#,
            r#"{"a":"null}"}"#,
            "null",
            r#"{"x":"null"}"#,
            r#"{"a b":null}"#,
            r#"{"a\"b":null}"#,
            r#"{"\\\\\"":null}"#,
            r#"{"{\"a\": null}": 1}"#,
        ] {
            assert!(!may_hold_coded_object(text), "{text}");
        }
    }

    #[test]
    fn every_record_of_a_written_file_takes_the_fast_path() {
        let now = Timestamp::parse("2026-11-29T08:00:00Z").unwrap();
        let models = crate::domain::demo::province_demo(7, now, "dev");
        let text = write(&models, &[] as &[Plan], now, None);
        let lists = scan(&text, MAX_DEPTH).unwrap();
        let Top { models: Some((member, len)), .. } = serde_json::from_str::<Top>(&text).unwrap() else { panic!() };
        let list = lists.iter().find(|l| l.member == member).unwrap();
        assert_eq!((list.items.len(), len), (models.len(), models.len()));
        for r in &list.items {
            let t = &text[r.clone()];
            let m: Model = serde_json::from_str(t).unwrap();
            assert!(model_passes(&m) && !may_hold_coded_object(t), "{t}");
        }
    }

    #[test]
    fn an_unknown_field_named_like_serde_jsons_raw_value_token_stays_an_object() {
        // serde_json's `raw_value` feature would read this object as the JSON text it holds (`[1]`): the
        // fast path finds its records itself and leaves that feature off, so nothing is lost.
        let mut m = model_json("m1");
        m["future"] = json!({ "$serde_json::private::RawValue": "[1]" });
        let out = read(&file(vec![m.clone()], vec![])).unwrap();
        assert_eq!(out.models[0].extra["future"], m["future"]);
    }

    #[test]
    fn size_is_checked_first() {
        assert_eq!(
            check_size(MAX_FILE_BYTES as u64 + 1),
            Err(FileError::TooLarge { bytes: MAX_FILE_BYTES as u64 + 1, limit: MAX_FILE_BYTES as u64 })
        );
        assert!(check_size(MAX_FILE_BYTES as u64).is_ok());
        // over the limit even though it is not JSON at all: the size is looked at first
        assert_eq!(read_limited(&[0xff; 11], 10), Err(FileError::TooLarge { bytes: 11, limit: 10 }));
    }
}

