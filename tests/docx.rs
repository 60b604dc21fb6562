//! The report as a Word document (`export::docx`), read back: the file is unzipped, every XML part parsed
//! (roxmltree), and the document checked for the form of a Party document (A4, margins, Times New Roman,
//! the header table, the place-and-date line, "BÁO CÁO", signature and recipients), for the registry's
//! statistics in its tables, and for its images and appendix. An empty scope and 20,000 models too.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use dvk_registry::domain::demo::{province_demo, scaled_demo};
use dvk_registry::domain::filter::Filter;
use dvk_registry::domain::letterhead::Letterhead;
use dvk_registry::domain::model::{Extra, Field, Plan, Target, TargetMetric};
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::stats;
use dvk_registry::domain::time::{Date, Timestamp};
use dvk_registry::export::docx::{self, Image, Pictures};
use dvk_registry::export::report::{self, ReportScope};
use dvk_registry::i18n::{number, Lang, Msg, Named, PageMsg};
use roxmltree::{Document, Node};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn now() -> Timestamp {
    Timestamp::parse("2026-12-01T08:00:00Z").unwrap()
}

fn letterhead() -> Letterhead {
    Letterhead {
        superior: "Đảng bộ thành phố Huế".into(),
        issuer: "Ban Dân vận Thành ủy".into(),
        issuer_code: "BDVTU".into(),
        authority: "T/M Ban Dân vận".into(),
        signer_role: "Trưởng ban".into(),
        signer_name: "Nguyễn Văn An".into(),
        recipients: "Ban Thường vụ Thành ủy (b/c)\nCác đảng ủy trực thuộc\nLưu VP".into(),
        ..Default::default()
    }
}

fn registry(n: usize) -> Registry {
    let models = if n == 2226 { province_demo(2024, now(), "demo") } else { scaled_demo(n, 7, now(), "demo") };
    let mut plan = Plan::new("plan-1".into(), now(), "demo");
    plan.title = "Mô hình sinh kế giai đoạn 2024–2026".into();
    plan.targets = vec![Target { metric: TargetMetric::NewModels, value: 30.0, extra: Extra::new() }];
    Registry::from_records(models, vec![plan])
}

struct Built {
    content: report::ReportContent,
    selection: Vec<usize>,
    parts: BTreeMap<String, Vec<u8>>,
}

fn build(lang: Lang, registry: &Registry, selection: Option<Vec<usize>>, pictures: &Pictures) -> Built {
    let selection = selection.unwrap_or_else(|| Filter::default().select_unsorted(registry, None));
    let lh = letterhead();
    let criteria = Filter::default();
    let scope = ReportScope {
        locality: None,
        criteria: &criteria,
        from: Date::parse("2026-01-01").unwrap(),
        to: Date::parse("2026-12-01").unwrap(),
        letterhead: &lh,
        number: "12",
        today: Date::parse("2026-12-01").unwrap(),
    };
    let content = report::content(lang, registry, &selection, &scope);
    let bytes = docx::write(&content, pictures).expect("the document is written");
    Built { content, selection, parts: unzip(&bytes) }
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.insert(f.name().unwrap().to_string(), data);
    }
    out
}

fn xml(parts: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(parts.get(name).unwrap_or_else(|| panic!("{name} is in the package")).clone()).expect("UTF-8")
}

fn w<'a>(n: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    n.children().find(|c| c.has_tag_name((W, name)))
}

fn all<'a>(n: Node<'a, 'a>, name: &'a str) -> impl Iterator<Item = Node<'a, 'a>> + 'a {
    n.children().filter(move |c| c.has_tag_name((W, name)))
}

fn attr<'a>(n: Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.attribute((W, name))
}

/// A paragraph's text: its runs' text, a line break as '\n'.
fn text(p: Node) -> String {
    let mut s = String::new();
    for d in p.descendants() {
        if d.has_tag_name((W, "t")) {
            s.push_str(d.text().unwrap_or(""));
        } else if d.has_tag_name((W, "br")) {
            s.push('\n');
        }
    }
    s
}

fn style(p: Node) -> String {
    w(p, "pPr").and_then(|ppr| w(ppr, "pStyle")).and_then(|s| attr(s, "val")).unwrap_or("").to_string()
}

/// The cells' texts of a table, row by row.
fn cells(tbl: Node) -> Vec<Vec<String>> {
    all(tbl, "tr").map(|tr| all(tr, "tc").map(|tc| all(tc, "p").map(text).collect::<Vec<_>>().join("\n")).collect()).collect()
}

/// Every part parses, every relationship's target is in the package, and every part has a content type.
fn check_package(parts: &BTreeMap<String, Vec<u8>>) {
    for (name, data) in parts {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let s = std::str::from_utf8(data).unwrap();
            Document::parse(s).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
    let types = xml(parts, "[Content_Types].xml");
    let types = Document::parse(&types).unwrap();
    for name in parts.keys().filter(|n| *n != "[Content_Types].xml") {
        let ext = name.rsplit('.').next().unwrap();
        let covered = types.descendants().any(|n| {
            n.attribute("PartName") == Some(&format!("/{name}")) || n.attribute("Extension") == Some(ext)
        });
        assert!(covered, "{name} has a content type");
    }
    let rels = xml(parts, "word/_rels/document.xml.rels");
    for r in Document::parse(&rels).unwrap().descendants().filter(|n| n.has_tag_name("Relationship")) {
        let target = format!("word/{}", r.attribute("Target").unwrap());
        assert!(parts.contains_key(&target), "{target} is in the package");
    }
}

#[test]
fn the_document_has_the_form_of_a_party_report_on_a4_in_times_new_roman() {
    let reg = registry(2226);
    let b = build(Lang::Vi, &reg, None, &Pictures::default());
    check_package(&b.parts);
    let doc_xml = xml(&b.parts, "word/document.xml");
    let doc = Document::parse(&doc_xml).unwrap();
    let body = w(doc.root_element(), "body").unwrap();
    // A4 portrait; margins 20 / 20 / 30 / 15 mm (1 mm = 56.7 twips); page numbers from the second page.
    let sect = w(body, "sectPr").unwrap();
    let size = w(sect, "pgSz").unwrap();
    assert_eq!((attr(size, "w"), attr(size, "h")), (Some("11906"), Some("16838")));
    let m = w(sect, "pgMar").unwrap();
    let mm = |side: &str| attr(m, side).unwrap().parse::<f64>().unwrap() / 56.693;
    assert_eq!([mm("top"), mm("bottom"), mm("left"), mm("right")].map(f64::round), [20.0, 20.0, 30.0, 15.0]);
    assert!(w(sect, "titlePg").is_some(), "the first page has its own (empty) header");
    let header = xml(&b.parts, "word/header1.xml");
    assert!(header.contains(" PAGE "), "the other pages are numbered");
    assert!(!xml(&b.parts, "word/header2.xml").contains("PAGE"), "the first is not");

    // The header: a borderless table of two columns.
    let first = body.children().find(|n| n.is_element()).unwrap();
    assert!(first.has_tag_name((W, "tbl")), "the document opens with the header table");
    let tbl_style = w(w(first, "tblPr").unwrap(), "tblStyle").and_then(|s| attr(s, "val"));
    assert_eq!(tbl_style, Some("LayoutTable"));
    let head = cells(first);
    assert_eq!(head.len(), 1);
    assert_eq!(head[0][0], "ĐẢNG BỘ THÀNH PHỐ HUẾ\nBAN DÂN VẬN THÀNH ỦY\n*\nSố 12-BC/BDVTU");
    assert_eq!(head[0][1], "ĐẢNG CỘNG SẢN VIỆT NAM\nHuế, ngày 01 tháng 12 năm 2026");
    let right: Vec<Node> = first.descendants().filter(|n| n.has_tag_name((W, "tc"))).nth(1).map(|tc| all(tc, "p").collect()).unwrap();
    let rpr = |p: Node, prop: &str| p.descendants().any(|n| n.has_tag_name((W, prop)));
    assert!(rpr(right[0], "u") && rpr(right[0], "b"), "the Party's name is bold and underlined");
    assert!(rpr(right[1], "i"), "the place and date are in italics");
    let issuer_para = first.descendants().filter(|n| n.has_tag_name((W, "p"))).nth(1).unwrap();
    assert!(rpr(issuer_para, "b"), "the issuing body is bold");

    // "BÁO CÁO" and the subject, centred by their styles.
    let paras: Vec<Node> = all(body, "p").collect();
    let kind = paras.iter().find(|p| text(**p) == "BÁO CÁO").expect("BÁO CÁO");
    assert_eq!(style(*kind), "Title");
    let subject = paras.iter().find(|p| style(**p) == "Subtitle").unwrap();
    assert_eq!(text(*subject), b.content.subject);
    assert!(text(*subject).contains("toàn thành phố"));
    // Headings and paragraphs are text with styles.
    let headings: Vec<String> = paras.iter().filter(|p| style(**p).starts_with("Heading")).map(|p| text(*p)).collect();
    assert!(headings.contains(&"I. KẾT QUẢ THỰC HIỆN".to_string()) && headings.iter().any(|h| h.starts_with("1. ")), "{headings:?}");
    let summary = stats::summary(&reg, &b.selection, Date::parse("2026-12-01").unwrap());
    let para = paras.iter().map(|p| text(*p)).find(|t| t.starts_with("Tính đến ngày")).expect("the summary paragraph");
    assert!(para.contains("toàn thành phố có 2.226 mô hình"), "{para}");
    assert!(para.contains(&format!("{} mô hình thuộc lĩnh vực kinh tế", number(Lang::Vi, summary.by_field[Field::Economic] as u64))), "{para}");

    // The styles: Times New Roman, 14 pt, 1.5 lines, first-line indent; headings; the table styles.
    let styles_xml = xml(&b.parts, "word/styles.xml");
    let styles = Document::parse(&styles_xml).unwrap();
    let fonts = styles.descendants().find(|n| n.has_tag_name((W, "rFonts"))).unwrap();
    for a in ["ascii", "hAnsi", "cs", "eastAsia"] {
        assert_eq!(attr(fonts, a), Some("Times New Roman"));
    }
    assert_eq!(styles.descendants().find(|n| n.has_tag_name((W, "sz"))).and_then(|n| attr(n, "val")), Some("28"));
    let style_node = |id: &str| styles.descendants().find(|n| n.has_tag_name((W, "style")) && attr(*n, "styleId") == Some(id)).unwrap_or_else(|| panic!("style {id}"));
    let normal = style_node("Normal");
    let spacing = normal.descendants().find(|n| n.has_tag_name((W, "spacing"))).unwrap();
    assert_eq!(attr(spacing, "line"), Some("360"), "1.5 lines");
    let ind = normal.descendants().find(|n| n.has_tag_name((W, "ind"))).unwrap();
    assert!(attr(ind, "firstLine").unwrap().parse::<u32>().unwrap() > 0, "first-line indent");
    for id in ["Heading1", "Heading2", "Title", "Caption", "ReportTable", "LayoutTable"] {
        style_node(id);
    }
    assert!(!doc_xml.contains("<w:drawing>"), "no chart images were given: their tables stand in, nothing is a picture of text");
}

#[test]
fn every_table_of_the_printed_report_is_a_word_table_with_the_registrys_figures() {
    let reg = registry(2226);
    let b = build(Lang::Vi, &reg, None, &Pictures::default());
    let doc_xml = xml(&b.parts, "word/document.xml");
    let doc = Document::parse(&doc_xml).unwrap();
    let body = w(doc.root_element(), "body").unwrap();
    let tables: Vec<Node> = all(body, "tbl").collect();
    // Header, by field, localities, years and ratings (their charts' tables: no images), signature.
    assert_eq!(tables.len(), 6);
    let to = Date::parse("2026-12-01").unwrap();
    let summary = stats::summary(&reg, &b.selection, to);
    let new = stats::started_between(&reg, &b.selection, Date::parse("2026-01-01").unwrap(), to);
    let by_field = cells(tables[1]);
    assert_eq!(by_field[0], [Msg::Field.text(Lang::Vi), Msg::Count.text(Lang::Vi), PageMsg::NewInPeriod.text(Lang::Vi)].map(str::to_string));
    assert_eq!(by_field.len(), 1 + Field::ALL.len() + 1);
    for (i, f) in Field::ALL.iter().enumerate() {
        assert_eq!(by_field[1 + i], [f.name(Lang::Vi).to_string(), number(Lang::Vi, summary.by_field[*f] as u64), number(Lang::Vi, new[*f] as u64)]);
    }
    assert_eq!(by_field[5][1], "2.226", "the total the Vietnamese way");
    assert_eq!(summary.by_field.iter().map(|(_, n)| *n).sum::<u32>(), 2226);
    // The header row repeats on every page; numbers are right-aligned, labels not.
    for t in &tables[1..5] {
        let first_row = all(*t, "tr").next().unwrap();
        assert!(first_row.descendants().any(|n| n.has_tag_name((W, "tblHeader"))), "header row repeated");
        let row = all(*t, "tr").nth(1).unwrap();
        let jc: Vec<Option<&str>> = all(row, "tc").map(|tc| tc.descendants().find(|n| n.has_tag_name((W, "jc"))).and_then(|n| attr(n, "val"))).collect();
        assert_eq!(jc[0], None);
        assert!(jc[1..].iter().all(|j| *j == Some("right")), "{jc:?}");
    }
    // Localities: one row per commune the selection reaches, then the total.
    let loc = cells(tables[2]);
    assert_eq!(loc.len(), 1 + stats::by_locality(&reg, &b.selection).len() + 1);
    assert_eq!(loc.last().unwrap().last().unwrap(), "2.226");
    // The signature block and recipients.
    let sig = cells(tables[5]);
    assert_eq!(sig[0][0], "Nơi nhận:\n- Ban Thường vụ Thành ủy (b/c),\n- Các đảng ủy trực thuộc,\n- Lưu VP.");
    assert_eq!(sig[0][1], "T/M BAN DÂN VẬN\nTRƯỞNG BAN\n\n\n\nNguyễn Văn An");
    // The plan's progress.
    assert!(all(body, "p").any(|p| text(p).starts_with("Mô hình sinh kế giai đoạn 2024–2026\n")));
}

fn fake_png(w: u32, h: u32) -> Image {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend(w.to_be_bytes());
    png.extend(h.to_be_bytes());
    png.extend([8, 6, 0, 0, 0]);
    Image::from_bytes(png).unwrap()
}

#[test]
fn charts_go_in_as_images_and_the_appendix_as_captioned_photos_shrunk_to_the_page() {
    let reg = registry(2226);
    let jpeg = Image::from_bytes(vec![0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0x0B, 0xB8, 0x0F, 0xA0, 3, 0, 0, 0]).unwrap();
    let pictures = Pictures {
        charts: vec![Some(fake_png(880, 600)), Some(fake_png(880, 500)), Some(fake_png(880, 400))],
        photos: Some(vec![("Tổ tự quản: buổi ra quân".into(), Some(jpeg)), ("Mô hình không có ảnh".into(), None)]),
    };
    let b = build(Lang::Vi, &reg, None, &pictures);
    check_package(&b.parts);
    assert_eq!(b.parts.keys().filter(|k| k.starts_with("word/media/")).count(), 4);
    let doc_xml = xml(&b.parts, "word/document.xml");
    let doc = Document::parse(&doc_xml).unwrap();
    let body = w(doc.root_element(), "body").unwrap();
    assert_eq!(all(body, "tbl").count(), 4, "header, by field, localities (shown with its chart), signature");
    let extents: Vec<(u64, u64)> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "extent")
        .map(|n| (n.attribute("cx").unwrap().parse().unwrap(), n.attribute("cy").unwrap().parse().unwrap()))
        .collect();
    assert_eq!(extents.len(), 4);
    assert_eq!(extents[0], (110 * 36_000, 110 * 36_000 * 600 / 880), "a chart keeps its proportions");
    assert!(extents[3].0 <= 165 * 36_000 && extents[3].1 <= 190 * 36_000, "the photo fits the page: {:?}", extents[3]);
    let descr: Vec<&str> = doc.descendants().filter(|n| n.tag_name().name() == "docPr").map(|n| n.attribute("descr").unwrap()).collect();
    assert!(descr[0].contains("Xã") || descr[0].contains("Phường") || !descr[0].is_empty(), "the chart's numbers as its description");
    let paras: Vec<Node> = all(body, "p").collect();
    let appendix = paras.iter().position(|p| text(*p) == "PHỤ LỤC: ẢNH CÁC MÔ HÌNH").expect("the appendix heading");
    assert!(paras[appendix].descendants().any(|n| n.has_tag_name((W, "pageBreakBefore"))), "on a page of its own");
    let captions: Vec<String> = paras[appendix..].iter().filter(|p| style(**p) == "PhotoCaption").map(|p| text(*p)).collect();
    assert_eq!(captions, ["Tổ tự quản: buổi ra quân", "Mô hình không có ảnh (Ảnh chưa có trên máy này.)"]);
}

#[test]
fn an_empty_scope_and_twenty_thousand_models_both_give_a_valid_document() {
    let reg = registry(2226);
    let b = build(Lang::Vi, &reg, Some(vec![]), &Pictures::default());
    check_package(&b.parts);
    let doc_xml = xml(&b.parts, "word/document.xml");
    let doc = Document::parse(&doc_xml).unwrap();
    let body = w(doc.root_element(), "body").unwrap();
    let by_field = cells(all(body, "tbl").nth(1).unwrap());
    assert_eq!(by_field.last().unwrap()[1], "0");

    let big = registry(20_000);
    let b = build(Lang::En, &big, None, &Pictures::default());
    check_package(&b.parts);
    let doc_xml = xml(&b.parts, "word/document.xml");
    let doc = Document::parse(&doc_xml).unwrap();
    let body = w(doc.root_element(), "body").unwrap();
    let by_field = cells(all(body, "tbl").nth(1).unwrap());
    assert_eq!(by_field.last().unwrap()[1], "20,000", "English groups with commas");
    assert!(all(body, "p").any(|p| text(p) == "REPORT"), "the English document");
    let head = cells(all(body, "tbl").next().unwrap());
    assert_eq!(head[0][1], "COMMUNIST PARTY OF VIETNAM\nHuế, 1 Dec 2026");
}

#[test]
fn the_file_is_named_after_the_report_and_the_day() {
    let d = Date::parse("2026-12-06").unwrap();
    assert_eq!(report::docx_file_name(Lang::Vi, d), "bao-cao-mo-hinh-dan-van-kheo-2026-12-06.docx");
    assert_eq!(report::docx_file_name(Lang::En, d), "report-skillful-mass-mobilization-models-2026-12-06.docx");
}

#[test]
fn the_same_report_gives_the_same_bytes() {
    let reg = registry(300);
    let sel = Filter::default().select_unsorted(&reg, None);
    let lh = letterhead();
    let criteria = Filter { field: Some(Field::Economic), ..Default::default() };
    let scope = ReportScope {
        locality: Some(481),
        criteria: &criteria,
        from: Date::parse("2026-01-01").unwrap(),
        to: Date::parse("2026-12-01").unwrap(),
        letterhead: &lh,
        number: "",
        today: Date::parse("2026-12-01").unwrap(),
    };
    let c = report::content(Lang::Vi, &reg, &sel, &scope);
    assert!(c.subject.contains("lĩnh vực Kinh tế"), "{}", c.subject);
    assert_eq!(c.frame.number, "Số ……-BC/BDVTU", "the number left for the clerk");
    let a = docx::write(&c, &Pictures::default()).unwrap();
    assert_eq!(a, docx::write(&c, &Pictures::default()).unwrap());
}
