//! The printed report's words: its summary paragraph, written in the style of the seed article ("the
//! whole province has 2,226 models; of which 190 economic, 1,807 cultural-social…"), its subject line
//! with the scope it covers, and the parts that make it a Party document (Hướng dẫn 36-HD/VPTW): the
//! issuing body, number, place and date, signature block and recipients. In Vietnamese or English.

use super::dates::{place_and_date, prose};
use super::{number, percent, tf, Lang, Msg, Named, PageMsg};
use crate::domain::filter::{Filter, RatingFilter};
use crate::domain::letterhead::{Letterhead, LetterheadField};
use crate::domain::model::Field;
use crate::domain::stats::Summary;
use crate::domain::time::Date;

/// The texts of the report's Word document and its button (kept here, beside the report's other words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportText {
    /// The button beside "In".
    DownloadDocx,
    /// While the document is being made (charts and photos drawn).
    DocxPreparing,
    /// The document could not be made.
    DocxFailed,
    /// The file's name before the date.
    FileStem,
    /// In the appendix, where a photo's image is not on this device.
    PhotoNotHere,
    /// The document's title in its properties.
    DocTitle,
}

impl ReportText {
    pub const ALL: [ReportText; 6] =
        [ReportText::DownloadDocx, ReportText::DocxPreparing, ReportText::DocxFailed, ReportText::FileStem, ReportText::PhotoNotHere, ReportText::DocTitle];

    pub fn text(self, lang: Lang) -> &'static str {
        use ReportText::*;
        match (self, lang) {
            (DownloadDocx, Lang::Vi) => "Tải về bản Word (.docx)",
            (DownloadDocx, Lang::En) => "Download as Word (.docx)",
            (DocxPreparing, Lang::Vi) => "Đang tạo bản Word…",
            (DocxPreparing, Lang::En) => "Making the Word document…",
            (DocxFailed, Lang::Vi) => "Không tạo được bản Word. Hãy dùng nút In (lưu thành PDF).",
            (DocxFailed, Lang::En) => "The Word document could not be made. Use Print (save as PDF) instead.",
            (FileStem, Lang::Vi) => "bao-cao-mo-hinh-dan-van-kheo",
            (FileStem, Lang::En) => "report-skillful-mass-mobilization-models",
            (PhotoNotHere, Lang::Vi) => "(Ảnh chưa có trên máy này.)",
            (PhotoNotHere, Lang::En) => "(This photo's image is not on this device.)",
            (DocTitle, Lang::Vi) => "Báo cáo kết quả phong trào thi đua “Dân vận khéo”",
            (DocTitle, Lang::En) => "Report on the “Skillful Mass Mobilization” emulation movement",
        }
    }
}

/// What the document shows where a part is not set: a dotted line to fill in by hand.
pub const BLANK: &str = "……………………";
/// A blank for a short item (the document number).
const SHORT_BLANK: &str = "……";

/// The paragraph for `scope_name` (e.g. "toàn thành phố", "Xã A Lưới 4"), as of `to`, with `new_in_period`
/// models started between `from` and `to`.
pub fn summary_paragraph(lang: Lang, scope_name: &str, s: &Summary, new_in_period: u32, from: Date, to: Date) -> String {
    let n = |v: u32| number(lang, u64::from(v));
    let totals = tf(
        lang,
        PageMsg::ReportTotals,
        &[
            &prose(lang, to),
            &scope_name,
            &n(s.total),
            &n(s.by_field[Field::Economic]),
            &n(s.by_field[Field::CulturalSocial]),
            &n(s.by_field[Field::DefenseSecurity]),
            &n(s.by_field[Field::PoliticalSystem]),
        ],
    );
    let period = tf(lang, PageMsg::ReportPeriodNew, &[&prose(lang, from), &prose(lang, to), &n(new_in_period)]);
    let evaluated = tf(lang, PageMsg::ReportEvaluated, &[&n(s.evaluated), &n(s.effective), &percent(s.effective_share()), &n(s.ethnic_minority)]);
    format!("{totals} {period} {evaluated}")
}

/// The "hiệu quả" line, labelled with what it is a share of: "Hiệu quả trở lên / đã đánh giá: 50% (30/60
/// mô hình)."
pub fn effective_line(lang: Lang, s: &Summary) -> String {
    let n = |v: u32| number(lang, u64::from(v));
    tf(lang, PageMsg::ReportShareLine, &[&Msg::EffectiveShare.text(lang), &percent(s.effective_share()), &n(s.effective), &n(s.evaluated)])
}

/// What a filter selects besides its locality, in words ("lĩnh vực Kinh tế", "bắt đầu năm 2024"…), in
/// the filter's order. Empty when it selects by locality only.
pub fn filter_criteria(lang: Lang, f: &Filter) -> Vec<String> {
    let mut out = Vec::new();
    if !f.text.trim().is_empty() {
        out.push(tf(lang, PageMsg::CritSearch, &[&f.text.trim()]));
    }
    if let Some(x) = f.field {
        out.push(tf(lang, PageMsg::CritField, &[&x.name(lang)]));
    }
    if let Some(x) = f.status {
        out.push(tf(lang, PageMsg::CritStatus, &[&x.name(lang)]));
    }
    if f.ethnic_only {
        out.push(PageMsg::CritEthnic.text(lang).to_string());
    }
    if let Some(y) = f.year {
        out.push(tf(lang, PageMsg::CritYear, &[&y]));
    }
    match f.rating {
        Some(RatingFilter::Rated(r)) => out.push(tf(lang, PageMsg::CritRating, &[&r.name(lang)])),
        Some(RatingFilter::NotEvaluated) => out.push(tf(lang, PageMsg::CritRating, &[&Msg::NotEvaluated.text(lang)])),
        None => {}
    }
    if let Some(o) = f.organization {
        out.push(tf(lang, PageMsg::CritOrganization, &[&o.name(lang)]));
    }
    out
}

/// The subject line under "BÁO CÁO": the movement, the scope (`scope_name` and the other `criteria` of
/// the selection) and the period, so the printout says what it covers.
pub fn subject(lang: Lang, scope_name: &str, criteria: &[String], from: Date, to: Date) -> String {
    let criteria = if criteria.is_empty() { String::new() } else { format!(" ({})", criteria.join("; ")) };
    tf(lang, PageMsg::ReportSubject, &[&scope_name, &criteria, &prose(lang, from), &prose(lang, to)])
}

/// The parts of a Party document around the report's body, as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentFrame {
    /// Top left: the superior Party organisation, in capitals ("ĐẢNG BỘ THÀNH PHỐ HUẾ").
    pub superior: String,
    /// Under it, in bold capitals: the issuing body ("BAN DÂN VẬN THÀNH ỦY").
    pub issuer: String,
    /// "Số 12-BC/BDVTU"; blanks where the number or the abbreviation is not known.
    pub number: String,
    /// Top right, bold and underlined.
    pub party: &'static str,
    /// Under it, in italics: "Huế, ngày 01 tháng 12 năm 2026".
    pub place_date: String,
    /// The kind of document, centred: "BÁO CÁO".
    pub kind: &'static str,
    /// The signature block: "T/M BAN DÂN VẬN" (may be empty), "TRƯỞNG BAN", then the name.
    pub authority: String,
    pub signer_role: String,
    pub signer_name: String,
    /// "Nơi nhận:" and its lines ("- Ban Thường vụ Thành ủy (b/c),", …, "- Lưu VP.").
    pub recipients_label: &'static str,
    pub recipients: Vec<String>,
}

/// Capitals as the document writes them, or a blank when empty.
fn caps_or_blank(s: &str) -> String {
    match s.trim() {
        "" => BLANK.to_string(),
        s => s.to_uppercase(),
    }
}

/// The frame of a report issued on `issued` by `letterhead`, numbered `number` (empty: left blank for
/// the clerk, as is usual before a document is issued).
pub fn document_frame(lang: Lang, letterhead: &Letterhead, number: &str, issued: Date) -> DocumentFrame {
    let l = letterhead;
    let blank_short = |s: &str| match s.trim() {
        "" => SHORT_BLANK.to_string(),
        s => s.to_string(),
    };
    let mut recipients: Vec<String> = l.recipients().into_iter().map(str::to_string).collect();
    if recipients.is_empty() {
        recipients = vec![BLANK.to_string(), PageMsg::DocArchive.text(lang).to_string()];
    }
    let last = recipients.len() - 1;
    let recipients = recipients.into_iter().enumerate().map(|(i, r)| format!("- {r}{}", if i == last { "." } else { "," })).collect();
    DocumentFrame {
        superior: caps_or_blank(&l.superior),
        issuer: caps_or_blank(&l.issuer),
        number: tf(lang, PageMsg::DocNumberLine, &[&blank_short(number), &blank_short(&l.issuer_code.trim().to_uppercase())]),
        party: PageMsg::DocParty.text(lang),
        place_date: place_and_date(lang, l.place(), issued),
        kind: PageMsg::DocReport.text(lang),
        authority: l.authority.trim().to_uppercase(),
        signer_role: caps_or_blank(&l.signer_role),
        signer_name: match l.signer_name.trim() {
            "" => BLANK.to_string(),
            s => s.to_string(),
        },
        recipients_label: PageMsg::DocRecipients.text(lang),
        recipients,
    }
}

/// The label of a letterhead field, as on the Settings page.
pub fn letterhead_label(field: LetterheadField) -> PageMsg {
    match field {
        LetterheadField::Superior => PageMsg::LhSuperior,
        LetterheadField::Issuer => PageMsg::LhIssuer,
        LetterheadField::IssuerCode => PageMsg::LhIssuerCode,
        LetterheadField::SignerRole => PageMsg::LhSignerRole,
        LetterheadField::SignerName => PageMsg::LhSignerName,
        LetterheadField::Recipients => PageMsg::LhRecipients,
    }
}

/// The on-screen hint naming what the letterhead lacks (None when nothing is missing).
pub fn letterhead_hint(lang: Lang, letterhead: &Letterhead) -> Option<String> {
    let missing = letterhead.missing();
    (!missing.is_empty()).then(|| {
        let names: Vec<&str> = missing.into_iter().map(|f| letterhead_label(f).text(lang)).collect();
        tf(lang, PageMsg::LetterheadMissing, &[&names.join(", ")])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{PerField, Status};

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn the_article_sentence_comes_out_in_both_languages() {
        let s = Summary { total: 2226, by_field: PerField::new([190, 1807, 192, 37]), evaluated: 100, effective: 80, ..Default::default() };
        let (from, to) = (d("2024-01-01"), d("2024-12-31"));
        let vi = summary_paragraph(Lang::Vi, "toàn thành phố", &s, 30, from, to);
        assert!(vi.contains("toàn thành phố có 2.226 mô hình “Dân vận khéo”; trong đó có 190 mô hình thuộc lĩnh vực kinh tế; 1.807 mô hình văn hóa - xã hội; 192 mô hình quốc phòng - an ninh; 37 mô hình xây dựng hệ thống chính trị"), "{vi}");
        assert!(vi.contains("30 mô hình mới") && vi.contains("(80%"), "{vi}");
        let en = summary_paragraph(Lang::En, "the province", &s, 30, from, to);
        assert!(en.contains("the province has 2,226"), "{en}");
        assert!(en.contains("190 are in the economic field; 1,807 cultural-social; 192 national defence-security; 37 building the political system"), "{en}");
        assert!(!en.contains('{') && !vi.contains('{'));
    }

    #[test]
    fn the_report_writes_its_days_as_people_write_them() {
        let s = Summary { total: 5, ..Default::default() };
        let vi = summary_paragraph(Lang::Vi, "toàn thành phố", &s, 1, d("2026-01-01"), d("2026-12-01"));
        assert!(vi.starts_with("Tính đến ngày 01 tháng 12 năm 2026, toàn thành phố có 5 mô hình"), "{vi}");
        assert!(vi.contains("(từ ngày 01 tháng 01 năm 2026 đến ngày 01 tháng 12 năm 2026)"), "{vi}");
        assert!(!vi.contains("2026-"), "no ISO dates: {vi}");
        let en = summary_paragraph(Lang::En, "the province", &s, 1, d("2026-01-01"), d("2026-12-01"));
        assert!(en.starts_with("As of 1 Dec 2026, the province has 5"), "{en}");
        assert!(en.contains("(1 Jan 2026 to 1 Dec 2026)"), "{en}");
    }

    #[test]
    fn effective_is_labelled_with_what_it_is_a_share_of() {
        let s = Summary { total: 100, evaluated: 60, effective: 30, ..Default::default() };
        assert_eq!(effective_line(Lang::Vi, &s), "Hiệu quả trở lên / đã đánh giá: 50% (30/60 mô hình).");
        assert_eq!(effective_line(Lang::En, &s), "Effective or better / evaluated: 50% (30 of 60 models).");
        let vi = summary_paragraph(Lang::Vi, "toàn thành phố", &s, 0, d("2026-01-01"), d("2026-12-01"));
        assert!(vi.contains("30 mô hình được đánh giá hiệu quả trở lên (50% số mô hình đã đánh giá)"), "the same share as the line: {vi}");
    }

    #[test]
    fn the_subject_states_the_scope_and_the_period() {
        let f = Filter { field: Some(Field::Economic), status: Some(Status::Active), year: Some(2024), locality: Some(481), ..Default::default() };
        let criteria = filter_criteria(Lang::Vi, &f);
        assert_eq!(criteria, ["lĩnh vực Kinh tế", "tình trạng Đang thực hiện", "bắt đầu năm 2024"], "the locality is the scope name, not a criterion");
        assert_eq!(
            subject(Lang::Vi, "Xã A Lưới 4", &criteria, d("2026-01-01"), d("2026-12-01")),
            "Kết quả thực hiện phong trào thi đua “Dân vận khéo” trên địa bàn Xã A Lưới 4 (lĩnh vực Kinh tế; tình trạng Đang thực hiện; bắt đầu năm 2024), từ ngày 01 tháng 01 năm 2026 đến ngày 01 tháng 12 năm 2026"
        );
        assert_eq!(
            subject(Lang::En, "the province", &[], d("2026-01-01"), d("2026-12-01")),
            "Results of the “Skillful Mass Mobilization” emulation movement in the province, from 1 Jan 2026 to 1 Dec 2026"
        );
        assert!(filter_criteria(Lang::En, &Filter { locality: Some(481), ..Default::default() }).is_empty());
        let f = Filter { text: " sinh kế ".into(), rating: Some(RatingFilter::NotEvaluated), ethnic_only: true, ..Default::default() };
        assert_eq!(filter_criteria(Lang::Vi, &f), ["có từ “sinh kế”", "vùng đồng bào dân tộc thiểu số", "mức đánh giá hiện tại Chưa đánh giá"]);
    }

    #[test]
    fn a_filled_letterhead_makes_the_header_and_signature_of_a_party_document() {
        let l = Letterhead {
            superior: "Đảng bộ thành phố Huế".into(),
            issuer: "Ban Dân vận Thành ủy".into(),
            issuer_code: "bdvtu".into(),
            authority: "T/M Ban Dân vận".into(),
            signer_role: "Trưởng ban".into(),
            signer_name: "Nguyễn Văn A".into(),
            recipients: "Ban Thường vụ Thành ủy (b/c),\nCác đảng ủy trực thuộc,\nLưu VP.".into(),
            ..Default::default()
        };
        let f = document_frame(Lang::Vi, &l, " 12 ", d("2026-12-01"));
        assert_eq!(f.superior, "ĐẢNG BỘ THÀNH PHỐ HUẾ");
        assert_eq!(f.issuer, "BAN DÂN VẬN THÀNH ỦY");
        assert_eq!(f.number, "Số 12-BC/BDVTU");
        assert_eq!(f.party, "ĐẢNG CỘNG SẢN VIỆT NAM");
        assert_eq!(f.place_date, "Huế, ngày 01 tháng 12 năm 2026");
        assert_eq!(f.kind, "BÁO CÁO");
        assert_eq!((f.authority.as_str(), f.signer_role.as_str(), f.signer_name.as_str()), ("T/M BAN DÂN VẬN", "TRƯỞNG BAN", "Nguyễn Văn A"));
        assert_eq!(f.recipients_label, "Nơi nhận:");
        assert_eq!(f.recipients, ["- Ban Thường vụ Thành ủy (b/c),", "- Các đảng ủy trực thuộc,", "- Lưu VP."]);
        assert_eq!(letterhead_hint(Lang::Vi, &l), None);
        let en = document_frame(Lang::En, &l, "12", d("2026-12-01"));
        assert_eq!((en.number.as_str(), en.place_date.as_str(), en.party), ("No. 12-BC/BDVTU", "Huế, 1 Dec 2026", "COMMUNIST PARTY OF VIETNAM"));
    }

    #[test]
    fn an_empty_letterhead_leaves_dotted_blanks_and_says_what_to_fill_in() {
        let f = document_frame(Lang::Vi, &Letterhead::default(), "", d("2026-03-09"));
        assert_eq!((f.superior.as_str(), f.issuer.as_str(), f.signer_role.as_str(), f.signer_name.as_str()), (BLANK, BLANK, BLANK, BLANK));
        assert_eq!(f.number, "Số ……-BC/……");
        assert_eq!(f.place_date, "Huế, ngày 09 tháng 3 năm 2026");
        assert_eq!(f.authority, "", "signing directly");
        assert_eq!(f.recipients, [format!("- {BLANK},"), "- Lưu Văn phòng.".to_string()]);
        let hint = letterhead_hint(Lang::Vi, &Letterhead::default()).unwrap();
        assert!(hint.contains("Cơ quan ban hành") && hint.contains("Họ tên người ký"), "{hint}");
    }
}
