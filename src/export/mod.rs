//! Exports meant for people and spreadsheets (SPEC §2.7), next to the JSON exchange file of
//! `domain::exchange` (which keeps the codes and is the one that imports back):
//!
//! - `table`: the tables (models, evaluations, plans with their progress) as rows of typed cells with
//!   headers in the officer's language; the one place that decides columns and values;
//! - `csv`: a table as CSV text;
//! - `xlsx`: tables as an Excel workbook (one sheet each), written to a buffer with `rust_xlsxwriter`;
//! - `report`: the report's content (frame, subject, sections, tables, charts, plans), shared by the
//!   printed report and the Word document;
//! - `docx`: the report as a Word document (`.docx`), its XML written by hand and zipped with `zip`.
//!
//! This module sits beside `domain` and `i18n` and uses both (the domain never reads display text). Pure:
//! no browser types; the exchange page calls it and hands the result to `ui::platform`.

pub mod csv;
pub mod docx;
pub mod report;
pub mod table;
pub mod xlsx;

use crate::domain::model::Model;
use crate::domain::registry::Registry;
use crate::domain::time::Date;
use crate::i18n::Lang;

/// The media type of a `.xlsx` file.
pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Whether a spreadsheet would take this text for a formula (CSV injection): the CSV puts a `'` before it,
/// the workbook marks the cell as text with Excel's quote prefix.
pub fn looks_like_formula(value: &str) -> bool {
    value.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The workbook of the exchange page's Excel button: a sheet of `models` (in the order given, deleted ones
/// left out by the caller), one of their evaluations, and one of the live plans of `registry` with their
/// progress on `today`. Each sheet's title row names `unit` and `today`.
pub fn workbook(lang: Lang, unit: &str, today: Date, models: &[&Model], registry: &Registry) -> Result<Vec<u8>, xlsx::Error> {
    write_workbook(&workbook_tables(lang, today, models, registry), unit, today)
}

/// The workbook of `tables`, each sheet's title row naming `unit` and `today` (the second half of
/// [`workbook`]; the app calls it in the chunk that holds the workbook writer).
pub fn write_workbook(tables: &[table::Table], unit: &str, today: Date) -> Result<Vec<u8>, xlsx::Error> {
    xlsx::write(tables, &xlsx::Heading { unit, date: today })
}

/// The three sheets of [`workbook`], before they are written (the app writes them in the chunk that holds
/// the workbook writer, `ui/split.rs`).
pub fn workbook_tables(lang: Lang, today: Date, models: &[&Model], registry: &Registry) -> Vec<table::Table> {
    vec![table::models(lang, models), table::evaluations(lang, models), table::plans(lang, registry, today)]
}
