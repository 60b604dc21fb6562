//! Tệp trao đổi: the exchange file's shape (format `dvk-registry` version 1, SPEC §4) and its limits;
//! writing it, and naming the files the app exports.

use std::borrow::Borrow;
use std::marker::PhantomData;

use serde::{Deserialize, Serialize, Serializer};

use super::errors::FileError;
use crate::domain::fold::fold;
use crate::domain::model::{Extra, Model, Plan};
use crate::domain::time::{Date, Timestamp};

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

/// The name of an exported file: `dvk_<unit>_<date>.<ext>`, the unit (or commune) folded to lowercase
/// ASCII words joined by hyphens ("Xã A Lưới 4" → `dvk_xa-a-luoi-4_2026-12-01.json`), so forty communes'
/// files do not look alike; underscores keep the three parts apart. No unit: `dvk_<date>.<ext>`.
pub fn file_name(unit: &str, date: Date, ext: &str) -> String {
    let slug: String = fold(unit)
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
    use super::*;

    #[test]
    fn export_file_names_are_plain_ascii() {
        let d = Date::parse("2026-11-29").unwrap();
        assert_eq!(file_name("Ban Dân vận Huyện ủy A Lưới", d, "json"), "dvk_ban-dan-van-huyen-uy-a-luoi_2026-11-29.json");
        assert_eq!(file_name("Xã A Lưới 4", d, "xlsx"), "dvk_xa-a-luoi-4_2026-11-29.xlsx");
        assert_eq!(file_name("Phường Thuận Hóa danh gia", d, "csv"), "dvk_phuong-thuan-hoa-danh-gia_2026-11-29.csv");
        assert_eq!(file_name("ĐẢNG ỦY XÃ ĐỨC", d, "csv"), "dvk_dang-uy-xa-duc_2026-11-29.csv", "đ folds to d, capitals to lowercase");
        assert_eq!(file_name("  ", d, "csv"), "dvk_2026-11-29.csv");
        assert_eq!(file_name("../<x>", d, "json"), "dvk_x_2026-11-29.json");
        // a long unit is cut at 60 characters, never leaving a trailing hyphen
        let long = file_name(&"Ban Dân vận ".repeat(10), d, "json");
        assert!(long.starts_with("dvk_ban-dan-van-") && long.ends_with("_2026-11-29.json") && !long.contains("-_"), "{long}");
    }

    #[test]
    fn size_is_checked_against_the_limit() {
        assert_eq!(
            check_size(MAX_FILE_BYTES as u64 + 1),
            Err(FileError::TooLarge { bytes: MAX_FILE_BYTES as u64 + 1, limit: MAX_FILE_BYTES as u64 })
        );
        assert!(check_size(MAX_FILE_BYTES as u64).is_ok());
    }
}
