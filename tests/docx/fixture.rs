//! Writes the Word report of the demo province (its 2,226 generated models and a plan, the whole province,
//! 2026) and, beside it, what the document must say: the letterhead's texts, the tables' headers and row
//! counts, the totals by field (computed by `domain::stats`, as plain integers), the recipients, the page and
//! the font. `tests/docx/check.py` opens the document with python-docx and compares the two. Run by
//! `make test-docx`:
//!
//!     cargo run --example docx_fixture -- <out dir>     # writes <out dir>/report.docx and expected.json

use std::path::PathBuf;

use dvk_registry::charts::bar_table;
use dvk_registry::domain::demo::province_demo;
use dvk_registry::domain::filter::Filter;
use dvk_registry::domain::letterhead::Letterhead;
use dvk_registry::domain::model::{Extra, Field, Plan, Target, TargetMetric};
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::stats;
use dvk_registry::domain::time::{Date, Timestamp};
use dvk_registry::export::docx::{self, Pictures};
use dvk_registry::export::report::{self, ReportScope};
use dvk_registry::i18n::{Catalogue, Lang, Msg, Named, PageMsg};
use serde_json::json;

const LANG: Lang = Lang::Vi;

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/docx-check".into()));
    std::fs::create_dir_all(&out).expect("output folder");
    let now = Timestamp::parse("2026-12-01T08:00:00Z").unwrap();
    let mut plan = Plan::new("plan-1".into(), now, "demo");
    plan.title = "Mô hình sinh kế giai đoạn 2024–2026".into();
    plan.targets = vec![Target { metric: TargetMetric::NewModels, value: 30.0, extra: Extra::new() }];
    let registry = Registry::from_records(province_demo(2024, now, "demo"), vec![plan]);
    let recipients = ["Ban Thường vụ Thành ủy (b/c)", "Các đảng ủy trực thuộc", "Lưu VP"];
    let letterhead = Letterhead {
        superior: "Đảng bộ thành phố Huế".into(),
        issuer: "Ban Dân vận Thành ủy".into(),
        issuer_code: "BDVTU".into(),
        authority: "T/M Ban Dân vận".into(),
        signer_role: "Trưởng ban".into(),
        signer_name: "Nguyễn Văn An".into(),
        recipients: recipients.join("\n"),
        ..Default::default()
    };
    let (from, to) = (Date::parse("2026-01-01").unwrap(), Date::parse("2026-12-01").unwrap());
    let criteria = Filter::default();
    let selection = criteria.select_unsorted(&registry, None);
    let scope = ReportScope { locality: None, criteria: &criteria, from, to, letterhead: &letterhead, number: "12", today: to };
    let content = report::content(LANG, &registry, &selection, &scope);
    let bytes = docx::write(&content, &Pictures::default()).expect("the document is written");
    std::fs::write(out.join("report.docx"), &bytes).expect("write the document");

    // The figures, from the statistics themselves (not from the report's tables).
    let summary = stats::summary(&registry, &selection, to);
    let new = stats::started_between(&registry, &selection, from, to);
    let by_field: serde_json::Map<String, serde_json::Value> = Field::ALL
        .iter()
        .map(|f| (f.name(LANG).to_string(), json!({ "count": summary.by_field[*f], "new": new[*f] })))
        .collect();
    fn text(m: impl Catalogue) -> String {
        m.text(LANG).to_string()
    }
    // Without chart images each chart stands as its table: localities, years, ratings. Rows count the
    // header and the total row.
    let chart_table = |i: usize| {
        let t = bar_table(&content.charts[i]);
        json!({ "caption": t.caption, "header": t.header, "rows": 1 + t.rows.len() + usize::from(t.footer.is_some()) })
    };
    // The localities' table lists every commune the selection reaches (the chart draws only the largest).
    let mut localities_table = chart_table(0);
    localities_table["rows"] = json!(1 + stats::by_locality(&registry, &selection).len() + 1);
    let lines: Vec<String> =
        recipients.iter().enumerate().map(|(i, r)| format!("- {r}{}", if i + 1 == recipients.len() { "." } else { "," })).collect();
    let expected = json!({
        "header": {
            "left": ["ĐẢNG BỘ THÀNH PHỐ HUẾ", "BAN DÂN VẬN THÀNH ỦY", "*", "Số 12-BC/BDVTU"],
            "right": ["ĐẢNG CỘNG SẢN VIỆT NAM", "Huế, ngày 01 tháng 12 năm 2026"],
        },
        "kind": "BÁO CÁO",
        "subject": content.subject,
        "tables": [
            { "caption": text(PageMsg::ReportByField), "header": [text(Msg::Field), text(Msg::Count), text(PageMsg::NewInPeriod)], "rows": 1 + Field::ALL.len() + 1 },
            localities_table,
            chart_table(1),
            chart_table(2),
        ],
        "total_label": text(Msg::Total),
        "by_field": by_field,
        "total": { "count": summary.total, "new": new.total() },
        "recipients_label": "Nơi nhận:",
        "recipients": lines,
        "signature": ["T/M BAN DÂN VẬN", "TRƯỞNG BAN", "", "", "", "Nguyễn Văn An"],
        "page": { "width_mm": 210, "height_mm": 297, "top_mm": 20, "bottom_mm": 20, "left_mm": 30, "right_mm": 15 },
        "font": { "name": "Times New Roman", "size_pt": 14 },
    });
    std::fs::write(out.join("expected.json"), serde_json::to_string_pretty(&expected).unwrap()).expect("write expected.json");
    println!("wrote {} ({} bytes) and expected.json: {} models", out.join("report.docx").display(), bytes.len(), summary.total);
}
