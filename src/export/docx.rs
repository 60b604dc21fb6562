//! Bản Word: the report (`export::report::ReportContent`) as an Office Open XML document (`.docx`) that the
//! commission edits, signs and files. The XML is written here by hand and zipped with the `zip` crate
//! (the one the Excel writer already brings): a dozen small parts, each fully under our control.
//!
//! The form of a Party document (Hướng dẫn 36-HD/VPTW; sizes from Nghị định 30/2020/NĐ-CP): A4 portrait,
//! margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, body 14 pt, 1.5 line spacing,
//! first-line indent; the header as a two-column borderless table (superior and issuing body, the number
//! left; "ĐẢNG CỘNG SẢN VIỆT NAM" underlined, the place and date in italics right); "BÁO CÁO" and the
//! subject centred; the body's tables as Word tables (header row repeated on each page, numbers
//! right-aligned); the charts as images when the caller gives them (else their tables); the recipients and
//! the signature block as a second borderless table; page numbers at the top from page 2; the photo
//! appendix on a page of its own. Every paragraph has a named style (Heading 1/2, Normal, Caption…) and
//! every table a table style, so an edit keeps the layout.
//!
//! Pure: the images are bytes given by the caller (the browser draws the charts' SVG on a canvas); the
//! document is the same natively and in the browser.

use std::fmt::Write as _;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::report::{Block, ReportContent};
use crate::charts::{bar_table, Table};
use crate::i18n::report::ReportText;
use crate::i18n::Lang;

pub use zip::result::ZipError as Error;

/// The media type of a `.docx` file.
pub const DOCX_MIME: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Page and margins, in twentieths of a point (twips): A4, 20 / 20 / 30 / 15 mm.
pub const PAGE_W: u32 = 11906;
pub const PAGE_H: u32 = 16838;
pub const MARGIN_TOP: u32 = 1134;
pub const MARGIN_BOTTOM: u32 = 1134;
pub const MARGIN_LEFT: u32 = 1701;
pub const MARGIN_RIGHT: u32 = 850;
/// The width of the text: 165 mm.
pub const TEXT_W: u32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
/// The type, and the body's size in half-points (14 pt).
pub const FONT: &str = "Times New Roman";
pub const BODY_HALF_POINTS: u32 = 28;

/// EMU (the unit of drawings) per millimetre.
const EMU_MM: u64 = 36_000;
/// A chart at the width that keeps its text about the body's size (its `viewBox` is 440 units wide, its
/// labels 19 units: at 110 mm they print at about 13 pt).
const CHART_W_MM: u64 = 110;
/// A photo at most the text's width and most of a page high.
const PHOTO_MAX_W_MM: u64 = 165;
const PHOTO_MAX_H_MM: u64 = 190;

/// The format of an image the document can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
}

impl ImageKind {
    fn ext(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpeg",
        }
    }
}

/// A PNG or JPEG image with its size in pixels (read from its header).
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

impl Image {
    /// The image in `bytes`, if they are a PNG or a baseline/progressive JPEG with a readable size.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Image> {
        let (kind, (width, height)) = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() >= 24 && &bytes[12..16] == b"IHDR" {
            (ImageKind::Png, (be32(&bytes[16..20]), be32(&bytes[20..24])))
        } else if bytes.starts_with(&[0xFF, 0xD8]) {
            (ImageKind::Jpeg, jpeg_size(&bytes)?)
        } else {
            return None;
        };
        (width > 0 && height > 0).then_some(Image { bytes, kind, width, height })
    }

    /// The size in EMU at `max_w_mm` wide at most (never wider than the pixels at 96 dpi would make
    /// it, so a small image is not blown up past twice its size) and `max_h_mm` high at most.
    fn extent(&self, max_w_mm: u64, max_h_mm: u64) -> (u64, u64) {
        let (w, h) = (self.width as u64, self.height as u64);
        let mut cx = max_w_mm * EMU_MM;
        let mut cy = cx * h / w;
        if cy > max_h_mm * EMU_MM {
            cy = max_h_mm * EMU_MM;
            cx = cy * w / h;
        }
        (cx.max(1), cy.max(1))
    }
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn be16(b: &[u8]) -> u32 {
    u32::from(u16::from_be_bytes([b[0], b[1]]))
}

/// A JPEG's (width, height) from its start-of-frame segment.
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xD8 || marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += 2;
            continue;
        }
        let len = be16(&b[i + 2..]) as usize;
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            if i + 9 > b.len() {
                return None;
            }
            return Some((be16(&b[i + 7..]), be16(&b[i + 5..])));
        }
        if marker == 0xD9 || marker == 0xDA {
            return None;
        }
        i += 2 + len;
    }
    None
}

/// The images the document carries: one per chart of the content (None: the chart's table instead), and
/// the photo appendix (None: no appendix) as (caption, image; None when not on this device).
#[derive(Debug, Clone, Default)]
pub struct Pictures {
    pub charts: Vec<Option<Image>>,
    pub photos: Option<Vec<(String, Option<Image>)>>,
}

/// The `.docx` file of `content` with `pictures`.
pub fn write(content: &ReportContent, pictures: &Pictures) -> Result<Vec<u8>, Error> {
    let mut doc = Doc { xml: String::with_capacity(64 * 1024), media: Vec::new(), lang: content.lang };
    doc.body(content, pictures);
    let document = doc.document();
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(document.len() / 3 + doc.media.iter().map(|m| m.1.len()).sum::<usize>() + 8192)));
    // A fixed time (1980) keeps the file the same for the same report, and asks nothing of the clock.
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).last_modified_time(DateTime::default());
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).last_modified_time(DateTime::default());
    let part = |zip: &mut ZipWriter<Cursor<Vec<u8>>>, name: &str, text: &str| -> Result<(), Error> {
        zip.start_file(name, deflated)?;
        zip.write_all(text.as_bytes())?;
        Ok(())
    };
    part(&mut zip, "[Content_Types].xml", CONTENT_TYPES)?;
    part(&mut zip, "_rels/.rels", ROOT_RELS)?;
    part(&mut zip, "docProps/core.xml", &core_props(content))?;
    part(&mut zip, "docProps/app.xml", APP_PROPS)?;
    part(&mut zip, "word/document.xml", &document)?;
    part(&mut zip, "word/styles.xml", &styles(content.lang))?;
    part(&mut zip, "word/settings.xml", SETTINGS)?;
    part(&mut zip, "word/header1.xml", HEADER_PAGE_NUMBER)?;
    part(&mut zip, "word/header2.xml", HEADER_EMPTY)?;
    part(&mut zip, "word/_rels/document.xml.rels", &doc.rels())?;
    for (name, bytes) in &doc.media {
        // Already compressed: stored as they are.
        zip.start_file(format!("word/media/{name}"), stored)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The document's XML as it is being written, and the images it refers to.
struct Doc<'a> {
    xml: String,
    media: Vec<(String, &'a [u8])>,
    lang: Lang,
}

/// `s` escaped for XML text and attributes, without the characters XML 1.0 cannot hold.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A run of `text` with the run properties `rpr` (e.g. `<w:b/>`); lines of `text` are kept as line breaks.
fn run(text: &str, rpr: &str) -> String {
    let mut out = String::new();
    out.push_str("<w:r>");
    if !rpr.is_empty() {
        let _ = write!(out, "<w:rPr>{rpr}</w:rPr>");
    }
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t>", esc(line));
    }
    out.push_str("</w:r>");
    out
}

/// Does this cell hold a number (right-aligned): "2.226", "60,1%", "30/60"?
fn is_number(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || ".,%/ \u{a0}-–".contains(c))
}

impl<'a> Doc<'a> {
    fn p(&mut self, style: &str, ppr: &str, runs: &str) {
        let _ = write!(self.xml, "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{ppr}</w:pPr>{runs}</w:p>");
    }

    fn text(&mut self, style: &str, text: &str) {
        let r = run(text, "");
        self.p(style, "", &r);
    }

    /// An image in its own paragraph (style Figure), described by `descr` for screen readers.
    fn image(&mut self, image: &'a Image, cx: u64, cy: u64, descr: &str) {
        let n = self.media.len() + 1;
        let name = format!("image{n}.{}", image.kind.ext());
        let _ = write!(
            self.xml,
            "<w:p><w:pPr><w:pStyle w:val=\"Figure\"/></w:pPr><w:r><w:drawing>\
<wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\"><wp:extent cx=\"{cx}\" cy=\"{cy}\"/>\
<wp:docPr id=\"{n}\" name=\"{name}\" descr=\"{descr}\"/>\
<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
<a:graphic xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">\
<pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"><pic:nvPicPr><pic:cNvPr id=\"{n}\" name=\"{name}\"/><pic:cNvPicPr/></pic:nvPicPr>\
<pic:blipFill><a:blip r:embed=\"rIdImg{n}\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{cx}\" cy=\"{cy}\"/></a:xfrm><a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>\
</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>",
            descr = esc(descr)
        );
        self.media.push((name, &image.bytes));
    }

    /// A table of numbers: its caption above (style Caption), the header row repeated on each page, the
    /// totals in bold, numbers right-aligned; its note under it.
    fn table(&mut self, t: &Table) {
        if !t.caption.is_empty() {
            self.text("Caption", &t.caption);
        }
        let cols = t.header.len().max(t.rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        let widths: Vec<u32> = if cols == 1 {
            vec![TEXT_W]
        } else {
            let other = (TEXT_W * 3 / 5 / (cols as u32 - 1)).min(2200);
            let mut w = vec![other; cols];
            w[0] = TEXT_W - other * (cols as u32 - 1);
            w
        };
        self.xml.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"ReportTable\"/><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>");
        for w in &widths {
            let _ = write!(self.xml, "<w:gridCol w:w=\"{w}\"/>");
        }
        self.xml.push_str("</w:tblGrid>");
        self.row(&t.header, &widths, RowKind::Header);
        for r in &t.rows {
            self.row(r, &widths, RowKind::Body);
        }
        if let Some(f) = &t.footer {
            self.row(f, &widths, RowKind::Total);
        }
        self.xml.push_str("</w:tbl>");
        if let Some(n) = &t.note {
            self.text("TableNote", n);
        }
    }

    fn row(&mut self, cells: &[String], widths: &[u32], kind: RowKind) {
        self.xml.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if kind == RowKind::Header {
            self.xml.push_str("<w:tblHeader/>");
        }
        self.xml.push_str("</w:trPr>");
        for (i, w) in widths.iter().enumerate() {
            let text = cells.get(i).map(String::as_str).unwrap_or("");
            let style = if kind == RowKind::Header { "TableHeading" } else { "TableText" };
            let jc = if kind != RowKind::Header && i > 0 && is_number(text) { "<w:jc w:val=\"right\"/>" } else { "" };
            let r = run(text, if kind == RowKind::Total { "<w:b/>" } else { "" });
            let _ = write!(self.xml, "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr>");
            self.p(style, jc, &r);
            self.xml.push_str("</w:tc>");
        }
        self.xml.push_str("</w:tr>");
    }

    /// A borderless table of two columns (the header, the signature block): each cell a list of
    /// (style, runs) paragraphs.
    fn layout_table(&mut self, widths: [u32; 2], cells: [Vec<(&str, String)>; 2]) {
        self.xml.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"LayoutTable\"/><w:tblW w:w=\"");
        let _ = write!(self.xml, "{}\" w:type=\"dxa\"/><w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr><w:tblGrid>", widths[0] + widths[1]);
        for w in widths {
            let _ = write!(self.xml, "<w:gridCol w:w=\"{w}\"/>");
        }
        self.xml.push_str("</w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (w, paras) in widths.iter().zip(cells) {
            let _ = write!(self.xml, "<w:tc><w:tcPr><w:tcW w:w=\"{w}\" w:type=\"dxa\"/></w:tcPr>");
            if paras.is_empty() {
                self.p("Letterhead", "", "");
            }
            for (style, runs) in paras {
                self.p(style, "", &runs);
            }
            self.xml.push_str("</w:tc>");
        }
        self.xml.push_str("</w:tr></w:tbl>");
    }

    fn body(&mut self, c: &ReportContent, pictures: &'a Pictures) {
        let f = &c.frame;
        // The header: superior and issuing body over the number, left; the Party's name and the place
        // and date, right (Hướng dẫn 36: 14 pt upright / bold, 15 pt bold underlined, 14 pt italic).
        self.layout_table(
            [4111, TEXT_W - 4111],
            [
                vec![
                    ("Letterhead", run(&f.superior, "")),
                    ("Letterhead", run(&f.issuer, "<w:b/>")),
                    ("Letterhead", run("*", "")),
                    ("Letterhead", run(&f.number, "")),
                ],
                vec![("Letterhead", run(f.party, "<w:b/><w:sz w:val=\"30\"/><w:u w:val=\"single\"/>")), ("PlaceDate", run(&f.place_date, "<w:i/>"))],
            ],
        );
        self.text("Title", f.kind);
        self.text("Subtitle", &c.subject);
        for block in &c.body {
            match block {
                Block::Part(t) => self.text("Heading1", t),
                Block::Section(t) => self.text("Heading2", t),
                Block::Paragraph(t) => self.text("Normal", t),
                Block::Table(t) => self.table(t),
                Block::Chart { index, with_table } => {
                    let Some(spec) = c.charts.get(*index) else { continue };
                    let table = bar_table(spec);
                    let image = pictures.charts.get(*index).and_then(Option::as_ref);
                    if let Some(img) = image {
                        let (cx, cy) = img.extent(CHART_W_MM, PHOTO_MAX_H_MM);
                        self.image(img, cx, cy, &table.describe());
                        self.text("Caption", &spec.title);
                    }
                    if *with_table || image.is_none() {
                        // Under the chart its title is the caption already.
                        let t = if image.is_some() { Table { caption: String::new(), ..table } } else { table };
                        self.table(&t);
                    }
                }
                Block::Plan { title, targets } => {
                    let mut runs = run(title, "<w:b/>");
                    if !targets.is_empty() {
                        runs.push_str(&run(&format!("\n{targets}"), ""));
                    }
                    self.p("Normal", "", &runs);
                }
            }
        }
        // Recipients left, the signature right.
        let mut left = vec![("RecipientsLabel", run(f.recipients_label, ""))];
        left.extend(f.recipients.iter().map(|r| ("Recipients", run(r, ""))));
        let mut right = Vec::new();
        if !f.authority.is_empty() {
            right.push(("Signature", run(&f.authority, "")));
        }
        right.push(("Signature", run(&f.signer_role, "")));
        for _ in 0..3 {
            right.push(("Signature", String::new()));
        }
        right.push(("Signature", run(&f.signer_name, "")));
        self.p("Normal", "", "");
        self.layout_table([4536, TEXT_W - 4536], [left, right]);
        if let Some(photos) = &pictures.photos {
            self.p("Heading1", "<w:pageBreakBefore/><w:jc w:val=\"center\"/>", &run(&c.appendix_title, ""));
            for (caption, image) in photos {
                match image {
                    Some(img) => {
                        let (cx, cy) = img.extent(PHOTO_MAX_W_MM, PHOTO_MAX_H_MM);
                        self.image(img, cx, cy, caption);
                        self.text("PhotoCaption", caption);
                    }
                    None => {
                        let r = run(&format!("{caption} {}", ReportText::PhotoNotHere.text(self.lang)), "");
                        self.p("PhotoCaption", "", &r);
                    }
                }
            }
        }
    }

    fn document(&self) -> String {
        format!(
            "{XML_DECL}<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\" xmlns:wp=\"{WP}\"><w:body>{}\
<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader1\"/><w:headerReference w:type=\"first\" r:id=\"rIdHeader2\"/>\
<w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\" w:orient=\"portrait\"/>\
<w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
<w:pgNumType w:start=\"1\"/><w:titlePg/></w:sectPr></w:body></w:document>",
            self.xml
        )
    }

    fn rels(&self) -> String {
        let mut s = format!(
            "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rIdStyles\" Type=\"{RT}/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rIdSettings\" Type=\"{RT}/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rIdHeader1\" Type=\"{RT}/header\" Target=\"header1.xml\"/>\
<Relationship Id=\"rIdHeader2\" Type=\"{RT}/header\" Target=\"header2.xml\"/>"
        );
        for (i, (name, _)) in self.media.iter().enumerate() {
            let _ = write!(s, "<Relationship Id=\"rIdImg{}\" Type=\"{RT}/image\" Target=\"media/{name}\"/>", i + 1);
        }
        s.push_str("</Relationships>");
        s
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Header,
    Body,
    Total,
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const RT: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/word/header2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const APP_PROPS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>DVK Registry</Application></Properties>";

/// Word 2013 and later's layout (no "compatibility mode" banner).
const SETTINGS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat></w:settings>";

/// The page number, centred at the top (from page 2: the first page has `HEADER_EMPTY`).
const HEADER_PAGE_NUMBER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p></w:hdr>";

const HEADER_EMPTY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr></w:p></w:hdr>";

fn core_props(c: &ReportContent) -> String {
    let issuer = if c.frame.issuer.chars().all(|ch| ch == '…') { String::new() } else { c.frame.issuer.clone() };
    format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
<dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><dc:language>{}</dc:language>\
<dcterms:created xsi:type=\"dcterms:W3CDTF\">{}T00:00:00Z</dcterms:created></cp:coreProperties>",
        esc(ReportText::DocTitle.text(c.lang)),
        esc(&c.subject),
        esc(&issuer),
        lang_tag(c.lang),
        c.today
    )
}

fn lang_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "vi-VN",
        Lang::En => "en-GB",
    }
}

/// The styles: Normal (14 pt, 1.5 lines, first-line indent 1 cm, justified), the headings, the
/// letterhead's and signature's paragraphs, the tables' (13 pt, single), and the two table styles.
fn styles(lang: Lang) -> String {
    let mut s = format!(
        "{XML_DECL}<w:styles xmlns:w=\"{W}\"><w:docDefaults><w:rPrDefault><w:rPr>\
<w:rFonts w:ascii=\"{FONT}\" w:hAnsi=\"{FONT}\" w:eastAsia=\"{FONT}\" w:cs=\"{FONT}\"/>\
<w:sz w:val=\"{BODY_HALF_POINTS}\"/><w:szCs w:val=\"{BODY_HALF_POINTS}\"/><w:lang w:val=\"{lang}\" w:eastAsia=\"{lang}\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>",
        lang = lang_tag(lang)
    );
    // (id, name, based on, pPr, rPr)
    let para: [(&str, &str, &str, &str, &str); 16] = [
        ("Normal", "Normal", "", "<w:spacing w:before=\"0\" w:after=\"120\" w:line=\"360\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/>", ""),
        ("Heading1", "heading 1", "Normal", "<w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"120\"/><w:outlineLvl w:val=\"0\"/>", "<w:b/><w:bCs/>"),
        ("Heading2", "heading 2", "Normal", "<w:keepNext/><w:keepLines/><w:spacing w:before=\"120\" w:after=\"60\"/><w:outlineLvl w:val=\"1\"/>", "<w:b/><w:bCs/>"),
        ("Title", "Title", "Normal", "<w:keepNext/><w:spacing w:before=\"360\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/>", "<w:b/><w:bCs/><w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/>"),
        ("Subtitle", "Subtitle", "Normal", "<w:keepNext/><w:spacing w:before=\"60\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:left=\"567\" w:right=\"567\" w:firstLine=\"0\"/><w:jc w:val=\"center\"/>", "<w:b/><w:bCs/>"),
        ("Letterhead", "Letterhead", "Normal", "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/>", ""),
        ("PlaceDate", "Place and date", "Letterhead", "<w:spacing w:before=\"120\"/>", "<w:i/><w:iCs/>"),
        ("Caption", "caption", "Normal", "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/>", "<w:b/><w:bCs/><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/>"),
        ("TableText", "Table Text", "Normal", "<w:spacing w:before=\"20\" w:after=\"20\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"left\"/>", "<w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/>"),
        ("TableHeading", "Table Heading", "TableText", "<w:keepNext/><w:jc w:val=\"center\"/>", "<w:b/><w:bCs/>"),
        ("TableNote", "Table Note", "Normal", "<w:spacing w:before=\"60\" w:after=\"120\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/>", "<w:i/><w:iCs/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>"),
        ("Figure", "Figure", "Normal", "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/>", ""),
        ("PhotoCaption", "Photo Caption", "Caption", "<w:spacing w:after=\"240\"/>", "<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/><w:i/><w:iCs/>"),
        ("Signature", "Signature", "Letterhead", "<w:keepNext/>", "<w:b/><w:bCs/>"),
        ("RecipientsLabel", "Recipients Label", "Letterhead", "<w:keepNext/><w:jc w:val=\"left\"/>", "<w:b/><w:bCs/><w:i/><w:iCs/><w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>"),
        ("Recipients", "Recipients", "Letterhead", "<w:keepNext/><w:jc w:val=\"left\"/>", "<w:sz w:val=\"22\"/><w:szCs w:val=\"22\"/>"),
    ];
    for (id, name, based, ppr, rpr) in para {
        let default = if id == "Normal" { " w:default=\"1\"" } else { "" };
        let _ = write!(s, "<w:style w:type=\"paragraph\"{default} w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>");
        if !based.is_empty() {
            let _ = write!(s, "<w:basedOn w:val=\"{based}\"/><w:next w:val=\"Normal\"/>");
        }
        let _ = write!(s, "<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>");
    }
    let _ = write!(
        s,
        "<w:style w:type=\"paragraph\" w:styleId=\"Header\"><w:name w:val=\"header\"/><w:basedOn w:val=\"Normal\"/>\
<w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
<w:rPr><w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/></w:rPr></w:style>\
<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/>\
<w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
<w:style w:type=\"table\" w:styleId=\"ReportTable\"><w:name w:val=\"Report Table\"/><w:basedOn w:val=\"TableNormal\"/><w:qFormat/>\
<w:tblPr><w:tblBorders>{b}</w:tblBorders><w:tblCellMar><w:top w:w=\"28\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/><w:bottom w:w=\"28\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr>\
<w:tblStylePr w:type=\"firstRow\"><w:rPr><w:b/><w:bCs/></w:rPr><w:tcPr><w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"E8EEF4\"/></w:tcPr></w:tblStylePr></w:style>\
<w:style w:type=\"table\" w:styleId=\"LayoutTable\"><w:name w:val=\"Layout Table\"/><w:basedOn w:val=\"TableNormal\"/>\
<w:tblPr><w:tblBorders>{n}</w:tblBorders><w:tblCellMar><w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style></w:styles>",
        b = borders("single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000"),
        n = borders("nil"),
    );
    s
}

fn borders(val: &str) -> String {
    ["top", "left", "bottom", "right", "insideH", "insideV"].iter().map(|side| format!("<w:{side} w:val=\"{val}\"/>")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_sizes_are_read_from_png_and_jpeg_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(880u32.to_be_bytes());
        png.extend(500u32.to_be_bytes());
        let img = Image::from_bytes(png).unwrap();
        assert_eq!((img.kind, img.width, img.height), (ImageKind::Png, 880, 500));
        // SOI, an APP0 of 4 bytes, then SOF0 (length 11, precision 8, height 300, width 400).
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xC0, 0, 11, 8, 0x01, 0x2C, 0x01, 0x90, 3, 0, 0, 0];
        let img = Image::from_bytes(jpeg).unwrap();
        assert_eq!((img.kind, img.width, img.height), (ImageKind::Jpeg, 400, 300));
        assert!(Image::from_bytes(b"RIFF....WEBP".to_vec()).is_none(), "WebP is drawn to JPEG by the caller");
        let (cx, cy) = img.extent(165, 190);
        assert_eq!((cx, cy), (165 * EMU_MM, 165 * EMU_MM * 3 / 4));
        let tall = Image { bytes: vec![], kind: ImageKind::Jpeg, width: 100, height: 1000 };
        assert_eq!(tall.extent(165, 190).1, 190 * EMU_MM);
    }

    #[test]
    fn numbers_are_told_from_words() {
        assert!(is_number("2.226") && is_number("60,1%") && is_number("30/60"));
        assert!(!is_number("Kinh tế") && !is_number("") && !is_number("Xã 4"));
    }

    #[test]
    fn text_is_escaped_and_keeps_no_control_characters() {
        assert_eq!(esc("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
