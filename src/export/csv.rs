//! Xuất CSV: a table (`export::table`) as CSV for spreadsheets and other software (SPEC §2.7).
//!
//! The header is the table's column names in the officer's language and the values are as the app shows
//! them: names, not codes ("Kinh tế", "Rất hiệu quả", "Có"), dates as on screen (`01/12/2026`,
//! `1 Dec 2026`); numbers are plain digits. Codes stay in the JSON exchange file. The text starts with a
//! UTF-8 byte-order mark so Excel reads Vietnamese correctly, and rows end in CRLF (RFC 4180). (Opened
//! without an import dialog, Excel still guesses the separator from the computer's locale: the `.xlsx`
//! export is the file for Excel.)
//!
//! Quoting is written here rather than taken from the `csv` crate: the rule is four lines (a cell holding a
//! comma, a quote, CR or LF is put in quotes, quotes doubled), and the crate would add code to the
//! WebAssembly build for no gain. A cell that begins with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`
//! so a spreadsheet shows it as text instead of running it as a formula (CSV injection).

use super::looks_like_formula;
use super::table::Table;

const BOM: char = '\u{feff}';

/// Appends one cell, guarded against formulas and quoted when needed.
fn push_cell(out: &mut String, value: &str) {
    let guard = looks_like_formula(value);
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

/// The table as CSV text: a header row, then one row per row of the table.
pub fn write(table: &Table) -> String {
    let mut out = String::with_capacity(256 + table.rows.len() * 64 * table.columns.len().max(1) / 4);
    out.push(BOM);
    push_row(&mut out, &table.headers());
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|c| c.display(table.lang)).collect();
        push_row(&mut out, &cells);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::{self, tests::sample, Column};
    use crate::i18n::{ChunkMsg, Lang, Msg, ShareMsg};

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

    fn column(rows: &[Vec<String>], header: Column, lang: Lang) -> usize {
        rows[0].iter().position(|h| h == header.text(lang)).unwrap_or_else(|| panic!("no column {header:?}"))
    }

    #[test]
    fn models_csv_has_localized_headers_and_values_quotes_and_guards() {
        let m = sample();
        let text = write(&table::models(Lang::Vi, &[&m]));
        assert!(text.starts_with('\u{feff}'));
        let rows = parse(&text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].len(), table::MODEL_COLUMNS.len());
        assert_eq!(rows[1].len(), table::MODEL_COLUMNS.len());
        assert_eq!(rows[0][0], "Tên mô hình");
        assert!(!rows[0].iter().any(|h| h.contains('_')), "no code names in the header: {:?}", rows[0]);
        let get = |col: Column| rows[1][column(&rows, col, Lang::Vi)].clone();
        assert_eq!(get(ChunkMsg::Title.into()), "Nuôi bò, \"sinh kế\"\nở A Lưới");
        assert_eq!(get(ChunkMsg::Lead.into()), "'=HYPERLINK(\"http://x\")", "a formula is shown as text");
        assert_eq!(get(Msg::Field.into()), "Kinh tế");
        assert_eq!(get(Msg::LeadOrganization.into()), "Hội Nông dân");
        assert_eq!(get(Msg::EthnicArea.into()), "Có");
        assert_eq!(get(Msg::StartedOn.into()), "01/05/2023");
        assert_eq!(get(ChunkMsg::MoneyVnd.into()), "15000000");
        assert_eq!(get(ChunkMsg::WorkDays.into()), "");
        assert_eq!(get(ShareMsg::ColUnitCode.into()), "20095");
        assert_eq!(get(ShareMsg::ColTags.into()), "sinh kế; dân tộc");
        assert_eq!(get(ChunkMsg::CurrentRating.into()), "Rất hiệu quả");
        assert_eq!(get(ShareMsg::ColEvaluationCount.into()), "2");
        assert_eq!(get(ShareMsg::ColUpdatedOn.into()), "12/03/2024");

        let rows = parse(&write(&table::models(Lang::En, &[&m])));
        assert_eq!(rows[0][0], "Title");
        let get = |col: Column| rows[1][column(&rows, col, Lang::En)].clone();
        assert_eq!(get(Msg::Field.into()), "Economic");
        assert_eq!(get(ChunkMsg::CurrentRating.into()), "Very effective");
        assert_eq!(get(Msg::EthnicArea.into()), "Yes");
        assert_eq!(get(Msg::StartedOn.into()), "1 May 2023");
    }

    #[test]
    fn evaluations_csv_has_a_row_per_evaluation() {
        let m = sample();
        let mut other = sample();
        other.id = "m2".into();
        other.evaluations.clear();
        let rows = parse(&write(&table::evaluations(Lang::Vi, &[&m, &other])));
        let headers: Vec<&str> = table::EVALUATION_COLUMNS.iter().map(|c| c.text(Lang::Vi)).collect();
        assert_eq!(rows[0], headers);
        assert_eq!(rows.len(), 3, "no row for a model without evaluations");
        let get = |row: usize, col: Column| rows[row][column(&rows, col, Lang::Vi)].clone();
        assert_eq!(get(1, ShareMsg::ColModelId.into()), "m1");
        assert_eq!(get(1, ChunkMsg::EvaluationDate.into()), "20/11/2023");
        assert_eq!(get(2, ChunkMsg::EvaluationDate.into()), "01/03/2024");
        assert_eq!(get(1, ChunkMsg::EvaluatedBy.into()), "'@tổ công tác");
        assert_eq!(get(2, Msg::Rating.into()), "Rất hiệu quả");
        assert_eq!(get(1, ChunkMsg::CloseToNeeds.into()), "Có");
        assert_eq!(get(1, ChunkMsg::Consensus.into()), "Cao");
        assert_eq!(get(1, ChunkMsg::Notes.into()), "'-tốt, gần dân");
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
