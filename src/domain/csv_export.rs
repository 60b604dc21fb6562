//! Xuất CSV: models and their evaluations as CSV for spreadsheets (SPEC §2.7).
//!
//! This module owns the CSV layout: stable English column codes in the header, one row per model (or per
//! evaluation), values as the file's codes (`economic`, `very_effective`, `true`), dates as `YYYY-MM-DD`.
//! The text starts with a UTF-8 byte-order mark so Excel opens Vietnamese correctly, and rows end in CRLF
//! (RFC 4180).
//!
//! Quoting is written here rather than taken from the `csv` crate: the rule is four lines (a cell holding a
//! comma, a quote, CR or LF is put in quotes, quotes doubled), and the crate would add code to the
//! WebAssembly build for no gain. A cell that begins with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
//! so a spreadsheet shows it as text instead of running it as a formula (CSV injection).
//!
//! The caller chooses the models (a filtered list; tombstones are normally left out).

use super::model::Model;

/// The columns of `models_csv`, in order.
pub const MODEL_COLUMNS: &[&str] = &[
    "id",
    "title",
    "field",
    "locality_code",
    "locality_name",
    "village",
    "lead",
    "lead_organization",
    "ethnic_minority_area",
    "status",
    "started_on",
    "participants",
    "beneficiary_households",
    "money_vnd",
    "work_days",
    "land_m2",
    "tags",
    "recognition_level",
    "recognition_year",
    "current_rating",
    "evaluations_count",
    "updated_at",
];

/// The columns of `evaluations_csv`, in order.
pub const EVALUATION_COLUMNS: &[&str] =
    &["model_id", "model_title", "id", "date", "by", "rating", "close_to_needs", "consensus", "notes"];

const BOM: char = '\u{feff}';

/// Appends one cell, guarded against formulas and quoted when needed.
fn push_cell(out: &mut String, value: &str) {
    let guard = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    if quote {
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

fn push_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, c.as_ref());
    }
    out.push_str("\r\n");
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// One row per model, with a header of `MODEL_COLUMNS`.
pub fn models_csv(models: &[&Model]) -> String {
    let mut out = String::with_capacity(64 + models.len() * 256);
    out.push(BOM);
    push_row(&mut out, MODEL_COLUMNS);
    for m in models {
        let row = [
            m.id.clone(),
            m.title.clone(),
            m.field.code().to_string(),
            opt(m.locality.code),
            m.locality.name.clone(),
            m.locality.village.clone().unwrap_or_default(),
            m.lead.clone(),
            opt(m.lead_organization.map(|o| o.code())),
            m.ethnic_minority_area.to_string(),
            opt(m.status.map(|s| s.code())),
            opt(m.started_on),
            opt(m.participants),
            opt(m.beneficiary_households),
            opt(m.contributions.money_vnd),
            opt(m.contributions.work_days),
            opt(m.contributions.land_m2),
            m.tags.join("; "),
            opt(m.recognition.as_ref().map(|r| r.level.code())),
            opt(m.recognition.as_ref().and_then(|r| r.year)),
            opt(m.current_rating().map(|r| r.code())),
            m.evaluations.len().to_string(),
            m.updated_at.to_string(),
        ];
        push_row(&mut out, &row);
    }
    out
}

/// One row per evaluation of these models (in the models' order, then each model's), with a header of
/// `EVALUATION_COLUMNS`.
pub fn evaluations_csv(models: &[&Model]) -> String {
    let mut out = String::new();
    out.push(BOM);
    push_row(&mut out, EVALUATION_COLUMNS);
    for m in models {
        for e in &m.evaluations {
            let row = [
                m.id.as_str(),
                m.title.as_str(),
                e.id.as_str(),
                &e.date.to_string(),
                e.by.as_str(),
                e.rating.code(),
                e.close_to_needs.map(|b| if b { "true" } else { "false" }).unwrap_or(""),
                e.consensus.map(|c| c.code()).unwrap_or(""),
                e.notes.as_str(),
            ];
            push_row(&mut out, &row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Consensus, Evaluation, Extra, Field, Rating};
    use crate::domain::time::{Date, Timestamp};

    /// Splits CSV text into rows of cells (a small RFC 4180 reader, for checking what was written).
    fn parse(text: &str) -> Vec<Vec<String>> {
        let text = text.strip_prefix(BOM).expect("starts with a BOM");
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') if cell.is_empty() => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cell.push(c),
            }
        }
        assert!(!quoted && cell.is_empty() && row.is_empty(), "ends with a complete row");
        rows
    }

    fn sample() -> Model {
        let now = Timestamp::parse("2024-03-12T09:30:00Z").unwrap();
        let mut m = Model::new("m1".into(), now, "dev");
        m.title = "Nuôi bò, \"sinh kế\"\nở A Lưới".into();
        m.field = Field::Economic;
        m.locality.name = "Xã A Roàng".into();
        m.locality.code = Some(20095);
        m.lead = "=HYPERLINK(\"http://x\")".into();
        m.tags = vec!["sinh kế".into(), "dân tộc".into()];
        m.participants = Some(12);
        m.evaluations.push(Evaluation { recorded_at: None,
            id: "e1".into(),
            date: Date::parse("2024-03-01").unwrap(),
            by: "@tổ".into(),
            rating: Rating::VeryEffective,
            close_to_needs: Some(true),
            consensus: Some(Consensus::High),
            notes: "-tốt, gần dân".into(),
            extra: Extra::new(),
        });
        m
    }

    #[test]
    fn models_csv_quotes_guards_and_keeps_vietnamese() {
        let m = sample();
        let text = models_csv(&[&m]);
        assert!(text.starts_with('\u{feff}'));
        let rows = parse(&text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].len(), MODEL_COLUMNS.len());
        assert_eq!(rows[1].len(), MODEL_COLUMNS.len());
        let get = |col: &str| rows[1][MODEL_COLUMNS.iter().position(|c| *c == col).unwrap()].clone();
        assert_eq!(get("title"), "Nuôi bò, \"sinh kế\"\nở A Lưới");
        assert_eq!(get("lead"), "'=HYPERLINK(\"http://x\")", "a formula is shown as text");
        assert_eq!(get("field"), "economic");
        assert_eq!(get("locality_code"), "20095");
        assert_eq!(get("village"), "");
        assert_eq!(get("tags"), "sinh kế; dân tộc");
        assert_eq!(get("current_rating"), "very_effective");
        assert_eq!(get("evaluations_count"), "1");
        assert_eq!(get("ethnic_minority_area"), "false");
        assert_eq!(get("updated_at"), "2024-03-12T09:30:00Z");
    }

    #[test]
    fn evaluations_csv_has_a_row_per_evaluation() {
        let m = sample();
        let mut other = sample();
        other.id = "m2".into();
        other.evaluations.clear();
        let rows = parse(&evaluations_csv(&[&m, &other]));
        assert_eq!(rows[0], EVALUATION_COLUMNS);
        assert_eq!(rows.len(), 2, "no row for a model without evaluations");
        assert_eq!(rows[1][0], "m1");
        assert_eq!(rows[1][3], "2024-03-01");
        assert_eq!(rows[1][4], "'@tổ");
        assert_eq!(rows[1][5], "very_effective");
        assert_eq!(rows[1][6], "true");
        assert_eq!(rows[1][7], "high");
        assert_eq!(rows[1][8], "'-tốt, gần dân");
    }

    #[test]
    fn cells_quote_only_when_needed() {
        let mut s = String::new();
        push_cell(&mut s, "plain text");
        assert_eq!(s, "plain text");
        s.clear();
        push_cell(&mut s, "a\"b");
        assert_eq!(s, "\"a\"\"b\"");
        s.clear();
        push_cell(&mut s, "+1,2");
        assert_eq!(s, "\"'+1,2\"");
    }
}
