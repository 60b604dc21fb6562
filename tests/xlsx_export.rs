//! The Excel export read back as a spreadsheet program would: the `.xlsx` is unzipped and its sheet XML
//! inspected (sheet names, rows, cell types, number formats, frozen header, autofilter, formula guard).
//! `tests/xlsx/check.py` reads the demo province's workbook with openpyxl as a second, independent check.

mod support;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use dvk_registry::domain::demo::province_demo;
use dvk_registry::domain::model::{Consensus, Evaluation, Field, Model, Rating};
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::time::{Date, Timestamp};
use dvk_registry::export::{self, table, xlsx};
use dvk_registry::i18n::{ChunkMsg, Lang, Msg, ShareMsg};
use support::{d, ev, ts};

fn now() -> Timestamp {
    ts("2026-12-01T08:00:00Z")
}

fn today() -> Date {
    d("2026-12-01")
}

/// The files of the workbook, by path.
fn unzip(bytes: &[u8]) -> HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("an .xlsx is a zip file");
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        out.insert(f.name().unwrap().to_string(), s);
    }
    out
}

/// What follows `name="` in `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Minimal XML unescaping for the text of a shared string.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

fn column_letters(mut col: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (col % 26) as u8) as char);
        if col < 26 {
            return s;
        }
        col = col / 26 - 1;
    }
}

/// The cells of a sheet's XML, by reference.
fn cells_of(xml: &str) -> HashMap<String, RawCell> {
    let mut out = HashMap::new();
    for rest in xml.split("<c ").skip(1) {
        let open_end = rest.find('>').unwrap();
        let tag = format!(" {}", &rest[..open_end]);
        let v = if tag.ends_with('/') {
            None
        } else {
            let body = &rest[open_end + 1..rest.find("</c>").unwrap()];
            body.find("<v>").map(|i| body[i + 3..body.find("</v>").unwrap()].to_string())
        };
        let cell = RawCell { t: attr(&tag, "t").map(str::to_string), style: attr(&tag, "s").map(|s| s.parse().unwrap()).unwrap_or(0), v };
        out.insert(attr(&tag, "r").unwrap().to_string(), cell);
    }
    out
}

/// A workbook read back.
struct Book {
    files: HashMap<String, String>,
    strings: Vec<String>,
    /// Per sheet, its cells by reference ("B3").
    cells: Vec<HashMap<String, RawCell>>,
}

/// One cell as stored: its type attribute, style index and value.
#[derive(Debug)]
struct RawCell {
    t: Option<String>,
    style: usize,
    v: Option<String>,
}

impl Book {
    fn read(bytes: &[u8]) -> Book {
        let files = unzip(bytes);
        let strings = files
            .get("xl/sharedStrings.xml")
            .map(|x| {
                x.split("<si>")
                    .skip(1)
                    .map(|si| {
                        let t = &si[si.find("<t").unwrap()..];
                        let t = &t[t.find('>').unwrap() + 1..];
                        unescape(&t[..t.find("</t>").unwrap()])
                    })
                    .collect()
            })
            .unwrap_or_default();
        let cells = (1..).map_while(|n| files.get(&format!("xl/worksheets/sheet{n}.xml"))).map(|xml| cells_of(xml)).collect();
        Book { files, strings, cells }
    }

    fn sheet_names(&self) -> Vec<String> {
        self.files["xl/workbook.xml"].split("<sheet ").skip(1).map(|s| unescape(attr(&format!(" {s}"), "name").unwrap())).collect()
    }

    fn sheet(&self, n: usize) -> &str {
        &self.files[&format!("xl/worksheets/sheet{n}.xml")]
    }

    fn row_count(&self, n: usize) -> usize {
        self.sheet(n).matches("<row ").count()
    }

    /// The cell at (0-based) `row`, `col` of sheet `n`, if written.
    fn cell(&self, n: usize, row: usize, col: usize) -> Option<&RawCell> {
        self.cells[n - 1].get(&format!("{}{}", column_letters(col), row + 1))
    }

    /// The text of a string cell.
    fn text(&self, n: usize, row: usize, col: usize) -> Option<String> {
        let c = self.cell(n, row, col)?;
        assert_eq!(c.t.as_deref(), Some("s"), "a string cell at {row},{col}: {c:?}");
        Some(self.strings[c.v.as_ref().unwrap().parse::<usize>().unwrap()].clone())
    }

    /// The number of a number cell (no type attribute: Excel's default, a number).
    fn number(&self, n: usize, row: usize, col: usize) -> Option<f64> {
        let c = self.cell(n, row, col)?;
        assert_eq!(c.t, None, "a number cell at {row},{col}: {c:?}");
        Some(c.v.as_ref().unwrap().parse().unwrap())
    }

    /// The `<xf>` of style `index` in cellXfs.
    fn xf(&self, index: usize) -> String {
        let styles = &self.files["xl/styles.xml"];
        let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
        let xf = xfs.split("<xf ").nth(index + 1).unwrap_or_else(|| panic!("style {index}"));
        format!(" {}", &xf[..xf.find('>').unwrap()])
    }

    /// The number format code of style `index` (custom formats only).
    fn number_format(&self, index: usize) -> Option<String> {
        let id = attr(&self.xf(index), "numFmtId")?.to_string();
        let styles = &self.files["xl/styles.xml"];
        let key = format!("<numFmt numFmtId=\"{id}\" formatCode=\"");
        let start = styles.find(&key)? + key.len();
        Some(unescape(&styles[start..start + styles[start..].find('"')?]))
    }

    fn headers(&self, n: usize) -> Vec<String> {
        (0..).map_while(|c| self.text(n, xlsx::HEADER_ROW as usize, c)).collect()
    }
}

/// Excel's serial number of a day (days since 1899-12-30).
fn serial(day: Date) -> f64 {
    d("1899-12-30").days_until(day) as f64
}

fn col(t: &table::Table, m: impl Into<table::Column>) -> usize {
    t.column(m).unwrap()
}

#[test]
fn the_demo_province_workbook_has_its_sheets_rows_and_typed_cells() {
    let models = province_demo(2024, now(), "dev");
    let registry = Registry::from_records(models, vec![]);
    let live: Vec<&Model> = registry.all_models().iter().filter(|m| !m.is_deleted()).collect();
    assert_eq!(live.len(), 2226);
    let bytes = export::workbook(Lang::Vi, "Ban Dân vận Thành ủy Huế", today(), &live, &registry).unwrap();
    let book = Book::read(&bytes);
    assert_eq!(book.sheet_names(), ["Mô hình", "Đánh giá", "Kế hoạch"]);

    // Title row, header row, one row per model / evaluation; the plans sheet of a registry without plans
    // has its title and header only.
    let evaluations: usize = live.iter().map(|m| m.evaluations.len()).sum();
    assert!(evaluations > 1000, "the demo evaluates most models ({evaluations})");
    assert_eq!(book.row_count(1), 2 + 2226);
    assert_eq!(book.row_count(2), 2 + evaluations);
    assert_eq!(book.row_count(3), 2);
    assert_eq!(book.text(1, 0, 0).unwrap(), "Ban Dân vận Thành ủy Huế — Danh sách mô hình “Dân vận khéo” — ngày 01/12/2026");
    let headers: Vec<String> = table::MODEL_COLUMNS.iter().map(|c| c.text(Lang::Vi).to_string()).collect();
    assert_eq!(book.headers(1), headers);

    let t = table::models(Lang::Vi, &live);
    for (i, m) in live.iter().enumerate() {
        let row = xlsx::FIRST_DATA_ROW as usize + i;
        assert_eq!(book.text(1, row, col(&t, ChunkMsg::Title)).unwrap(), m.title, "row {row}");
        assert_eq!(book.text(1, row, col(&t, Msg::Field)).unwrap(), dvk_registry::i18n::Named::name(m.field, Lang::Vi));
        assert_eq!(book.number(1, row, col(&t, ChunkMsg::Participants)), m.participants.map(f64::from), "row {row}");
        assert_eq!(book.number(1, row, col(&t, ChunkMsg::MoneyVnd)), m.contributions.money_vnd.map(|v| v as f64), "row {row}");
        match m.started_on {
            Some(d) => {
                let c = book.cell(1, row, col(&t, Msg::StartedOn)).unwrap();
                assert_eq!(c.t, None, "a date is a number in the sheet");
                assert_eq!(c.v.as_ref().unwrap().parse::<f64>().unwrap(), serial(d));
                assert_eq!(book.number_format(c.style).as_deref(), Some("dd/mm/yyyy"));
            }
            None => assert!(book.cell(1, row, col(&t, Msg::StartedOn)).is_none()),
        }
    }
    // Counts are grouped by thousands; the evaluations sheet has real dates too.
    let c = book.cell(1, 2, col(&t, ShareMsg::ColEvaluationCount)).unwrap();
    assert_eq!(book.number_format(c.style).as_deref(), Some("#,##0"));
    let e = table::evaluations(Lang::Vi, &live);
    let c = book.cell(2, 2, col(&e, ChunkMsg::EvaluationDate)).unwrap();
    assert_eq!(book.number_format(c.style).as_deref(), Some("dd/mm/yyyy"));

    // Frozen title and header, autofilter over header and data.
    let sheet1 = book.sheet(1);
    assert!(sheet1.contains(r#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#), "frozen header");
    assert!(sheet1.contains(&format!(r#"<autoFilter ref="A2:{}{}"/>"#, column_letters(headers.len() - 1), 2 + 2226)));
    assert!(sheet1.contains("<cols>"), "column widths are set");
}

fn tricky_model() -> Model {
    let mut m = Model::new("m-tricky".into(), now(), "dev");
    m.title = "=1+1 Nuôi bò “sinh kế” ở A Lưới".into();
    m.field = Field::CulturalSocial;
    m.locality.name = "Xã A Lưới 4".into();
    m.lead = "@Hội Phụ nữ".into();
    m.description = "x".repeat(40_000);
    m.tags = vec!["+84 tag".into()];
    m.started_on = Date::parse("2024-02-29");
    let (by, notes) = ("-Tổ công tác".into(), "ghi chú ".repeat(5000));
    let (close_to_needs, consensus) = (Some(false), Some(Consensus::Medium));
    m.evaluations.push(Evaluation { by, notes, close_to_needs, consensus, ..ev("e1", "2024-03-12", Rating::Effective) });
    m
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let m = tricky_model();
    let registry = Registry::from_records(vec![m.clone()], vec![]);
    let bytes = export::workbook(Lang::Vi, "", today(), &[&m], &registry).unwrap();
    let book = Book::read(&bytes);
    assert!(!book.sheet(1).contains("<f>") && !book.sheet(2).contains("<f>"), "no formula anywhere");
    let t = table::models(Lang::Vi, &[&m]);
    let row = xlsx::FIRST_DATA_ROW as usize;
    for (sheet, column, expected) in [(1, col(&t, ChunkMsg::Title), m.title.as_str()), (1, col(&t, ChunkMsg::Lead), "@Hội Phụ nữ"), (1, col(&t, ShareMsg::ColTags), "+84 tag")] {
        assert_eq!(book.text(sheet, row, column).unwrap(), expected, "kept as typed, without a visible quote");
        let style = book.cell(sheet, row, column).unwrap().style;
        assert_eq!(attr(&book.xf(style), "quotePrefix"), Some("1"), "{expected}: marked as text for Excel");
    }
    let e = table::evaluations(Lang::Vi, &[&m]);
    assert_eq!(book.text(2, row, col(&e, ChunkMsg::EvaluatedBy)).unwrap(), "-Tổ công tác");
    assert_eq!(book.text(2, row, col(&e, ChunkMsg::CloseToNeeds)).unwrap(), "Không", "yes/no in the app's words");
    // A plain text has no quote prefix; a note longer than a cell holds is cut, not refused.
    let style = book.cell(1, row, col(&t, Msg::Field)).unwrap().style;
    assert_eq!(attr(&book.xf(style), "quotePrefix"), None);
    assert_eq!(book.text(2, row, col(&e, ChunkMsg::Notes)).unwrap().chars().count(), 32_767);
    // No unit: the title row names the app.
    assert!(book.text(1, 0, 0).unwrap().starts_with("Sổ mô hình Dân vận khéo — "));
}

#[test]
fn an_english_workbook_has_english_sheets_headers_and_dates() {
    let m = tricky_model();
    let registry = Registry::from_records(vec![m.clone()], vec![]);
    let book = Book::read(&export::workbook(Lang::En, "A Lưới commune", today(), &[&m], &registry).unwrap());
    assert_eq!(book.sheet_names(), ["Models", "Evaluations", "Plans"]);
    assert_eq!(book.headers(1)[0], "Title");
    assert_eq!(book.text(1, 0, 0).unwrap(), "A Lưới commune — “Skillful Mass Mobilization” models — 1 Dec 2026");
    let t = table::models(Lang::En, &[&m]);
    let c = book.cell(1, 2, col(&t, Msg::StartedOn)).unwrap();
    assert_eq!(c.v.as_ref().unwrap().parse::<f64>().unwrap(), serial(d("2024-02-29")));
    assert_eq!(book.number_format(c.style).as_deref(), Some("d mmm yyyy"));
    assert_eq!(book.text(1, 2, col(&t, Msg::Field)).unwrap(), "Cultural-social");
}
