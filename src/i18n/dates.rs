//! Calendar days as the officer reads them: `01/12/2026` in Vietnamese, `1 Dec 2026` in English. The
//! exchange file keeps `YYYY-MM-DD`; exports meant for people (CSV, the workbook's number format) use these.

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
}
