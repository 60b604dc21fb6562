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
//! file cannot exhaust the stack; then the top level is parsed as a JSON value and `format`, `version`,
//! `models` and `plans` are checked. Each record is then checked and read on its own, so one bad record is
//! reported by its position (0-based index in its list; the UI shows it plus one) and id, and the good
//! ones still come in.
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

/// Reads an exchange file of at most `max_bytes`.
pub fn read_limited(bytes: &[u8], max_bytes: usize) -> Result<ReadOutcome, FileError> {
    check_size_limit(bytes.len() as u64, max_bytes as u64)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| FileError::NotUtf8 { valid_up_to: e.valid_up_to() })?;
    check_depth(text, MAX_DEPTH)?;
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

    top.shift_remove("format");
    top.shift_remove("version");
    let exported_at = top.shift_remove("exported_at").and_then(|v| v.as_str().and_then(Timestamp::parse));
    let exported_by = top.shift_remove("exported_by").and_then(read_exported_by);
    let file_meta = FileMeta { exported_at, exported_by, version, extra: top };

    let mut invalid = Vec::new();
    let models = read_records(models, RecordKind::Model, &mut invalid, read_model);
    let plans = read_records(plans, RecordKind::Plan, &mut invalid, read_plan);
    invalid.sort_by_key(|e| (e.kind, e.position));
    Ok(ReadOutcome { file_meta, models, plans, invalid })
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

/// Reads each record on its own; keeps the preferred of two with one id (see the module comment).
fn read_records<T>(
    values: Vec<Value>,
    kind: RecordKind,
    invalid: &mut Vec<RecordError>,
    read_one: fn(Value) -> Result<T, RecordProblem>,
) -> Vec<T>
where
    T: Record,
{
    let mut kept: Vec<(usize, T)> = Vec::with_capacity(values.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (position, v) in values.into_iter().enumerate() {
        let id = v.get("id").and_then(Value::as_str).map(nfc).filter(|s| !s.is_empty());
        match read_one(v) {
            Err(reason) => invalid.push(RecordError { kind, position, id, reason }),
            Ok(rec) => match by_id.get(rec.record_id()) {
                None => {
                    by_id.insert(rec.record_id().to_string(), kept.len());
                    kept.push((position, rec));
                }
                Some(&i) => {
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
    opt(e, p, "notes", text)
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
    normalise_milestones(&mut m.milestones, "milestones")?;
    Ok(m)
}

fn read_plan(v: Value) -> Result<Plan, RecordProblem> {
    let Value::Object(mut o) = v else { return Err(RecordProblem::NotAnObject) };
    check_plan(&mut o)?;
    let mut p: Plan = serde_json::from_value(Value::Object(o)).map_err(|_| RecordProblem::Unreadable)?;
    to_nfc(&mut p.id);
    to_nfc(&mut p.title);
    to_nfc(&mut p.updated_by);
    normalise_milestones(&mut p.milestones, "milestones")?;
    Ok(p)
}

/// The name of an exported file: `dvk-<unit>-<date>.<ext>`, the unit folded to plain ASCII words
/// ("Ban Dân vận Huyện ủy A Lưới" → `dvk-ban-dan-van-huyen-uy-a-luoi-2026-11-29.json`).
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
    if slug.is_empty() {
        format!("dvk-{date}.{ext}")
    } else {
        format!("dvk-{slug}-{date}.{ext}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn export_file_names_are_plain_ascii() {
        let d = crate::domain::time::Date::parse("2026-11-29").unwrap();
        assert_eq!(super::file_name("Ban Dân vận Huyện ủy A Lưới", d, "json"), "dvk-ban-dan-van-huyen-uy-a-luoi-2026-11-29.json");
        assert_eq!(super::file_name("  ", d, "csv"), "dvk-2026-11-29.csv");
        assert_eq!(super::file_name("../<x>", d, "json"), "dvk-x-2026-11-29.json");
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
