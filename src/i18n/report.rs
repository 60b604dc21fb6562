//! The report's summary paragraph, written in the style of the seed article ("the whole province has
//! 2,226 models; of which 190 economic, 1,807 cultural-social…"), in Vietnamese or English.

use super::{number, percent, tf, Lang, Msg};
use crate::domain::model::Field;
use crate::domain::stats::Summary;
use crate::domain::time::Date;

/// The paragraph for `scope_name` (e.g. "toàn tỉnh", "Xã A Lưới 4"), as of `to`, with `new_in_period`
/// models started between `from` and `to`.
pub fn summary_paragraph(lang: Lang, scope_name: &str, s: &Summary, new_in_period: u32, from: Date, to: Date) -> String {
    let n = |v: u32| number(lang, u64::from(v));
    let totals = tf(
        lang,
        Msg::ReportTotals,
        &[
            &to,
            &scope_name,
            &n(s.total),
            &n(s.by_field[Field::Economic]),
            &n(s.by_field[Field::CulturalSocial]),
            &n(s.by_field[Field::DefenseSecurity]),
            &n(s.by_field[Field::PoliticalSystem]),
        ],
    );
    let period = tf(lang, Msg::ReportPeriodNew, &[&from, &to, &n(new_in_period)]);
    let evaluated =
        tf(lang, Msg::ReportEvaluated, &[&n(s.evaluated), &n(s.effective), &percent(s.effective_share_of_evaluated()), &n(s.ethnic_minority)]);
    format!("{totals} {period} {evaluated}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::PerField;

    #[test]
    fn the_article_sentence_comes_out_in_both_languages() {
        let s = Summary { total: 2226, by_field: PerField::new([190, 1807, 192, 37]), evaluated: 100, effective: 80, ..Default::default() };
        let from = Date::parse("2024-01-01").unwrap();
        let to = Date::parse("2024-12-31").unwrap();
        let vi = summary_paragraph(Lang::Vi, "toàn tỉnh", &s, 30, from, to);
        assert!(vi.contains("toàn tỉnh có 2.226 mô hình “Dân vận khéo”; trong đó có 190 mô hình thuộc lĩnh vực kinh tế; 1.807 mô hình văn hóa - xã hội; 192 mô hình quốc phòng - an ninh; 37 mô hình xây dựng hệ thống chính trị"), "{vi}");
        assert!(vi.contains("30 mô hình mới") && vi.contains("(80%"), "{vi}");
        let en = summary_paragraph(Lang::En, "the province", &s, 30, from, to);
        assert!(en.contains("the province has 2,226"), "{en}");
        assert!(en.contains("190 are in the economic field; 1,807 cultural-social; 192 national defence-security; 37 building the political system"), "{en}");
        assert!(!en.contains('{') && !vi.contains('{'));
    }
}
