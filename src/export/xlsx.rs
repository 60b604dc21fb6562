//! Xuất Excel: tables (`export::table`) as an `.xlsx` workbook, one sheet per table, written to a buffer
//! by `rust_xlsxwriter` (natively in tests, in the browser for the download).
//!
//! Each sheet: a title row naming the unit and the day; the header row (bold, wrapped, frozen with the title
//! above it, with an autofilter over the data); then the rows. Numbers are numbers (counts grouped by
//! thousands, years and codes as digits, shares as percentages), dates are dates shown as on screen
//! (`dd/mm/yyyy` in Vietnamese, `d mmm yyyy` in English), text is text: a text that would read as a
//! formula (`=`, `+`, `-`, `@`…) is written as a string with Excel's quote prefix, so it stays text even
//! when the cell is edited. Column widths follow the longest value (within limits).

use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::looks_like_formula;
use super::table::{Cell, Num, Table};
use crate::domain::time::Date;
use crate::i18n::{dates, tf, Lang, Msg, ShareMsg};

pub use rust_xlsxwriter::XlsxError as Error;

/// The row of the column headers (0-based; the title row is above it).
pub const HEADER_ROW: u32 = 1;
/// The first row of data.
pub const FIRST_DATA_ROW: u32 = 2;
/// Excel's longest text in a cell, in UTF-16 units.
const MAX_TEXT: usize = 32_767;
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 50.0;
/// A header wraps onto a second line past this many characters (its row is two lines high).
const HEADER_WRAP: usize = 16;

/// What the title row of every sheet names.
pub struct Heading<'a> {
    /// The officer's unit (or name); the app's name when empty.
    pub unit: &'a str,
    pub date: Date,
}

struct Formats {
    title: Format,
    header: Format,
    date: Format,
    count: Format,
    plain: Format,
    degrees: Format,
    share: Format,
    guarded: Format,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        Formats {
            title: Format::new().set_bold().set_font_size(13),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xE8_EE_F4))
                .set_border_bottom(FormatBorder::Thin),
            date: Format::new().set_num_format(dates::excel_format(lang)).set_align(FormatAlign::Left),
            count: Format::new().set_num_format("#,##0"),
            plain: Format::new().set_num_format("0"),
            degrees: Format::new().set_num_format("0.0#####"),
            share: Format::new().set_num_format("0%"),
            guarded: Format::new().set_quote_prefix(),
        }
    }

    fn number(&self, kind: Num) -> &Format {
        match kind {
            Num::Count => &self.count,
            Num::Plain => &self.plain,
            Num::Degrees => &self.degrees,
            Num::Share => &self.share,
        }
    }
}

/// The workbook holding `tables` (one sheet each, in order), as the bytes of an `.xlsx` file.
pub fn write(tables: &[Table], heading: &Heading) -> Result<Vec<u8>, Error> {
    let mut workbook = Workbook::new();
    let lang = tables.first().map(|t| t.lang).unwrap_or_default();
    let unit = if heading.unit.trim().is_empty() { Msg::AppName.text(lang) } else { heading.unit.trim() };
    workbook.set_properties(&DocProperties::new().set_title(Msg::AppName.text(lang)).set_author(unit));
    for table in tables {
        let formats = Formats::new(table.lang);
        let sheet = workbook.add_worksheet();
        let title = tf(table.lang, ShareMsg::SheetHeading, &[&unit, &table.title.text(table.lang), &dates::date(table.lang, heading.date)]);
        write_sheet(sheet, table, &title, &formats)?;
    }
    workbook.save_to_buffer()
}

fn write_sheet(sheet: &mut Worksheet, table: &Table, title: &str, f: &Formats) -> Result<(), Error> {
    sheet.set_name(table.sheet.text(table.lang))?;
    sheet.write_string_with_format(0, 0, clip(title), &f.title)?;
    sheet.set_row_height(0, 20)?;
    let headers = table.headers();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count().min(HEADER_WRAP)).collect();
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col as u16, *header, &f.header)?;
    }
    if headers.iter().any(|h| h.chars().count() > HEADER_WRAP) {
        sheet.set_row_height(HEADER_ROW, 30)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        let r = FIRST_DATA_ROW + i as u32;
        for (col, cell) in row.iter().enumerate() {
            let c = col as u16;
            let shown = match cell {
                Cell::Empty => 0,
                Cell::Text(s) => {
                    let s = clip(s);
                    if looks_like_formula(s) {
                        sheet.write_string_with_format(r, c, s, &f.guarded)?;
                    } else {
                        sheet.write_string(r, c, s)?;
                    }
                    s.chars().count()
                }
                Cell::Number(v, kind) => {
                    sheet.write_number_with_format(r, c, *v, f.number(*kind))?;
                    let digits = cell.display(table.lang).chars().count();
                    if *kind == Num::Count {
                        digits + digits.saturating_sub(1) / 3
                    } else {
                        digits
                    }
                }
                Cell::Date(d) => {
                    let shown = dates::date(table.lang, *d);
                    match ExcelDateTime::from_ymd(d.year().clamp(0, u16::MAX as i32) as u16, d.month(), d.day()) {
                        Ok(dt) => sheet.write_datetime_with_format(r, c, &dt, &f.date)?,
                        // Excel has no day before 1900: such a date stays text, as on screen.
                        Err(_) => sheet.write_string(r, c, &shown)?,
                    };
                    shown.chars().count()
                }
                Cell::Bool(_) => {
                    let shown = cell.display(table.lang);
                    sheet.write_string(r, c, &shown)?;
                    shown.chars().count()
                }
            };
            if let Some(w) = widths.get_mut(col) {
                *w = (*w).max(shown);
            }
        }
    }
    for (col, w) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, (*w as f64 + 2.0).clamp(MIN_WIDTH, MAX_WIDTH))?;
    }
    let last_col = headers.len().saturating_sub(1) as u16;
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + table.rows.len() as u32, last_col)?;
    Ok(())
}

/// `s` cut to what one cell can hold (a longer note would make Excel refuse the whole file).
fn clip(s: &str) -> &str {
    if s.len() <= MAX_TEXT {
        return s;
    }
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > MAX_TEXT {
            return &s[..i];
        }
    }
    s
}
