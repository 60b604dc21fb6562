//! A filter in words, for the dashboard's "Đang lọc: …" banner: "“nuôi bò”, Kinh tế, Xã A Lưới 4,
//! Chưa đánh giá".

use super::{tf, Lang, Msg, Named};
use crate::domain::filter::{Filter, RatingFilter};
use crate::domain::locality::Localities;

/// What `filter` keeps, in `lang`, its conditions joined by ", " (empty when it keeps everything).
pub fn describe(lang: Lang, filter: &Filter, localities: &Localities) -> String {
    let mut parts: Vec<String> = Vec::new();
    let text = filter.text.trim();
    if !text.is_empty() {
        parts.push(tf(lang, Msg::FilterText, &[&text]));
    }
    if let Some(f) = filter.field {
        parts.push(f.name(lang).to_string());
    }
    if let Some(unit) = filter.locality.and_then(|c| localities.unit(c)) {
        parts.push(unit.name.clone());
    }
    if let Some(s) = filter.status {
        parts.push(s.name(lang).to_string());
    }
    match filter.rating {
        Some(RatingFilter::Rated(r)) => parts.push(r.name(lang).to_string()),
        Some(RatingFilter::NotEvaluated) => parts.push(Msg::NotEvaluated.text(lang).to_string()),
        None => {}
    }
    if let Some(o) = filter.organization {
        parts.push(o.name(lang).to_string());
    }
    if let Some(y) = filter.year {
        parts.push(tf(lang, Msg::FilterYear, &[&y]));
    }
    if filter.ethnic_only {
        parts.push(Msg::EthnicOnlyShort.text(lang).to_string());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Field, Rating};

    #[test]
    fn names_every_condition_in_the_language() {
        let l = Localities::builtin();
        assert_eq!(describe(Lang::Vi, &Filter::default(), l), "");
        let not_evaluated = Filter { rating: Some(RatingFilter::NotEvaluated), ..Default::default() };
        assert_eq!(describe(Lang::Vi, &not_evaluated, l), "Chưa đánh giá");
        let f = Filter {
            text: " nuôi bò ".into(),
            field: Some(Field::Economic),
            locality: Some(20101),
            rating: Some(RatingFilter::Rated(Rating::Effective)),
            year: Some(2024),
            ethnic_only: true,
            ..Default::default()
        };
        assert_eq!(describe(Lang::Vi, &f, l), "“nuôi bò”, Kinh tế, Xã A Lưới 4, Hiệu quả, bắt đầu năm 2024, chỉ vùng DTTS");
        assert_eq!(describe(Lang::En, &f, l), "“nuôi bò”, Economic, Xã A Lưới 4, Effective, started in 2024, ethnic-minority areas only");
    }
}
