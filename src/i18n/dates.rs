//! Calendar days as the officer reads them: `01/12/2026` in Vietnamese, `1 Dec 2026` in English, and in
//! running text ("ngày 01 tháng 12 năm 2026"). The exchange file keeps `YYYY-MM-DD`; screens and exports
//! meant for people (CSV, the workbook's number format) use these.

use super::Lang;
use crate::domain::time::Date;

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `d` as written in `lang`: "01/12/2026" (vi), "1 Dec 2026" (en).
pub fn date(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Vi => format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year()),
        Lang::En => format!("{} {} {:04}", d.day(), MONTHS_EN[usize::from(d.month() - 1)], d.year()),
    }
}

/// `d` in a sentence or a document: "ngày 01 tháng 12 năm 2026" (vi), "1 Dec 2026" (en). As in Party and
/// State documents (Hướng dẫn 36-HD/VPTW; Nghị định 30/2020), a day below 10 and the months 1 and 2 take
/// a leading zero ("ngày 05 tháng 02", but "tháng 4"), so no digit can be added by hand.
pub fn prose(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Vi if d.month() <= 2 => format!("ngày {:02} tháng {:02} năm {}", d.day(), d.month(), d.year()),
        Lang::Vi => format!("ngày {:02} tháng {} năm {}", d.day(), d.month(), d.year()),
        Lang::En => date(Lang::En, d),
    }
}

/// The place and date line of a document: "Huế, ngày 01 tháng 12 năm 2026" (vi), "Huế, 1 Dec 2026" (en).
pub fn place_and_date(lang: Lang, place: &str, d: Date) -> String {
    format!("{}, {}", place.trim(), prose(lang, d))
}

/// The spreadsheet number format that shows a date cell the way `date` writes it.
pub fn excel_format(lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => "dd/mm/yyyy",
        Lang::En => "d mmm yyyy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_as_each_language_reads_them() {
        let d = Date::parse("2026-12-01").unwrap();
        assert_eq!(date(Lang::Vi, d), "01/12/2026");
        assert_eq!(date(Lang::En, d), "1 Dec 2026");
        let d = Date::parse("2024-03-12").unwrap();
        assert_eq!(date(Lang::Vi, d), "12/03/2024");
        assert_eq!(date(Lang::En, d), "12 Mar 2024");
        assert_eq!(date(Lang::En, Date::parse("0999-01-31").unwrap()), "31 Jan 0999");
    }

    #[test]
    fn days_in_running_text_and_the_place_and_date_line() {
        let d = |s| Date::parse(s).unwrap();
        assert_eq!(prose(Lang::Vi, d("2026-12-01")), "ngày 01 tháng 12 năm 2026");
        assert_eq!(prose(Lang::Vi, d("2018-04-03")), "ngày 03 tháng 4 năm 2018");
        assert_eq!(prose(Lang::Vi, d("2026-02-15")), "ngày 15 tháng 02 năm 2026");
        assert_eq!(prose(Lang::Vi, d("2026-01-31")), "ngày 31 tháng 01 năm 2026");
        assert_eq!(prose(Lang::Vi, d("2025-10-10")), "ngày 10 tháng 10 năm 2025");
        assert_eq!(prose(Lang::En, d("2026-12-01")), "1 Dec 2026");
        assert_eq!(place_and_date(Lang::Vi, " Huế ", d("2026-12-01")), "Huế, ngày 01 tháng 12 năm 2026");
        assert_eq!(place_and_date(Lang::En, "Huế", d("2026-12-01")), "Huế, 1 Dec 2026");
    }
}
