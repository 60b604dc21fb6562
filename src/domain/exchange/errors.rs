//! The exchange reader's error values: `FileError` for a refused file, `RecordError` (a `RecordProblem`,
//! perhaps about one value: `ValueProblem`) for one record that did not come in. Codes, never sentences:
//! `i18n::errors` gives the texts (each value has a stable `code()` for message keys).

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

/// The outcome of checking (or normalising) one record.
pub(super) type Check = Result<(), RecordProblem>;

/// The field at `path` has a value this version cannot use.
pub(super) fn invalid(path: &str, problem: ValueProblem) -> RecordProblem {
    RecordProblem::InvalidValue { field: path.to_string(), problem }
}
