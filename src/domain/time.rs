//! Calendar dates (`YYYY-MM-DD`) and UTC timestamps (RFC 3339) as the exchange file writes them.
//!
//! Both wrap the `time` crate, so parsing and ordering are a maintained library's; they serialise to the
//! exact text SPEC §4 asks for. The forms this app writes (`YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SS.mmmZ`) are
//! read by a short path of their own before the general parser (a load of 20,000 models reads about
//! 100,000 of them; a test holds both to the same answers), and serde reads them without copying the
//! string. The domain never reads the clock: callers pass "now" in.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// Parses `YYYY-MM-DD`; anything else (or an impossible day) is `None`.
    pub fn parse(s: &str) -> Option<Date> {
        let fmt = format_description!("[year]-[month]-[day]");
        if s.len() != 10 {
            return None;
        }
        if let Some(d) = Date::parse_digits(s.as_bytes()) {
            return Some(d);
        }
        time::Date::parse(s, &fmt).ok().map(Date)
    }
    /// `YYYY-MM-DD` of ASCII digits naming a real day, read without the general parser (loading 20,000
    /// models reads about 100,000 dates and times); anything else is left to it.
    fn parse_digits(b: &[u8]) -> Option<Date> {
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        Date::from_ymd(digits(b, 0, 4)? as i32, digits(b, 5, 2)? as u8, digits(b, 8, 2)? as u8)
    }
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        let month = time::Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day).ok().map(Date)
    }
    pub fn year(self) -> i32 {
        self.0.year()
    }
    pub fn month(self) -> u8 {
        self.0.month() as u8
    }
    pub fn day(self) -> u8 {
        self.0.day()
    }
    /// The day `days` after this one (negative goes back).
    pub fn add_days(self, days: i64) -> Date {
        Date(self.0.saturating_add(time::Duration::days(days)))
    }
    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        (other.0 - self.0).whole_days()
    }
}

/// The number written by the `n` ASCII digits of `b` from `at` (`None` if any is not a digit).
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    b.get(at..at + n)?.iter().try_fold(0u32, |v, &c| c.is_ascii_digit().then(|| v * 10 + u32::from(c - b'0')))
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), self.0.month() as u8, self.0.day())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads a string without keeping it (no copy unless the text had escapes) into a `T`, or the error `what`
/// names: what `String::deserialize` then a parse gave, without the allocation.
struct Text<T>(fn(&str) -> Option<T>, &'static str);

impl<'de, T> serde::de::Visitor<'de> for Text<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
        (self.0)(s).ok_or_else(|| E::custom(format!("invalid {} '{s}' ({})", self.1, if self.1 == "date" { "YYYY-MM-DD" } else { "RFC 3339" })))
    }
    fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<T, E> {
        // what `String`'s visitor does with bytes: text if they are UTF-8
        match std::str::from_utf8(b) {
            Ok(s) => self.visit_str(s),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(b), &self)),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_string(Text(Date::parse, "date"))
    }
}

/// A moment in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Parses RFC 3339 (any offset; kept as UTC). A time whose UTC year falls outside 0000–9999 is
    /// refused: RFC 3339 could not write it back.
    pub fn parse(s: &str) -> Option<Timestamp> {
        if let Some(t) = Timestamp::parse_utc(s.as_bytes()) {
            return Some(t);
        }
        let t = OffsetDateTime::parse(s, &Rfc3339).ok()?.checked_to_offset(UtcOffset::UTC)?;
        (0..=9999).contains(&t.year()).then_some(Timestamp(t))
    }
    /// The form this app writes, `YYYY-MM-DDTHH:MM:SS[.f…]Z` (1 to 9 digits of fraction, seconds below
    /// 60), read without the general parser; anything else (another offset, a leap second, lower case) is
    /// left to it, which gives the same moment for what this reads (a test compares them).
    fn parse_utc(b: &[u8]) -> Option<Timestamp> {
        if b.len() < 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[b.len() - 1] != b'Z' {
            return None;
        }
        let date = Date::parse_digits(&b[..10])?;
        let (h, m, sec) = (digits(b, 11, 2)?, digits(b, 14, 2)?, digits(b, 17, 2)?);
        let frac = &b[19..b.len() - 1];
        let nanos = match frac {
            [] => 0,
            [b'.', f @ ..] if (1..=9).contains(&f.len()) => digits(f, 0, f.len())? * 10u32.pow(9 - f.len() as u32),
            _ => return None,
        };
        if h > 23 || m > 59 || sec > 59 {
            return None;
        }
        let time = time::Time::from_hms_nano(h as u8, m as u8, sec as u8, nanos).ok()?;
        Some(Timestamp(time::PrimitiveDateTime::new(date.0, time).assume_utc()))
    }
    /// From milliseconds since 1970 (what the browser's `Date.now()` gives).
    pub fn from_unix_millis(ms: i64) -> Timestamp {
        let t = OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Timestamp(t)
    }
    pub fn unix_millis(self) -> i64 {
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }
    /// The UTC day of this moment.
    pub fn date(self) -> Date {
        Date(self.0.date())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.format(&Rfc3339) {
            Ok(s) => f.write_str(&s),
            Err(_) => Err(fmt::Error),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_string(Text(Timestamp::parse, "time"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The general parsers alone (what `parse` was before its fast paths).
    fn general_date(s: &str) -> Option<Date> {
        (s.len() == 10).then(|| time::Date::parse(s, &format_description!("[year]-[month]-[day]")).ok().map(Date)).flatten()
    }
    fn general_time(s: &str) -> Option<Timestamp> {
        let t = OffsetDateTime::parse(s, &Rfc3339).ok()?.checked_to_offset(UtcOffset::UTC)?;
        (0..=9999).contains(&t.year()).then_some(Timestamp(t))
    }

    #[test]
    fn the_fast_paths_read_what_the_general_parsers_read() {
        let mut times: Vec<String> = Vec::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ms = (x % 253_402_300_800_000) as i64; // 1970 … 9999
            let t = Timestamp::from_unix_millis(ms);
            times.push(t.to_string());
            times.push(Timestamp(t.0 + time::Duration::nanoseconds((x >> 40) as i64 % 1_000_000)).to_string());
        }
        for s in [
            "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z",
            "2016-12-31T23:59:60Z", "2024-01-01T00:00:00.1234567891Z", "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.123456789Z", "2024-01-01t00:00:00z",
            "2024-01-01T00:00:00+07:00", "2024-01-01T00:00:00-00:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
            "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "2024-1-01T00:00:00Z",
            "+024-01-01T00:00:00Z", "2024-01-01T0a:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00", "",
        ] {
            times.push(s.to_string());
        }
        for s in &times {
            if let Some(fast) = Timestamp::parse_utc(s.as_bytes()) {
                assert_eq!(Some(fast), general_time(s), "{s}");
                assert_eq!(fast.unix_millis(), general_time(s).unwrap().unix_millis());
            }
            assert_eq!(Timestamp::parse(s), general_time(s), "{s}");
            let d = &s[..s.len().min(10)];
            assert_eq!(Date::parse(d), general_date(d), "{d}");
            if let Some(fast) = Date::parse_digits(d.as_bytes()) {
                assert_eq!(Some(fast), general_date(d), "{d}");
            }
        }
        for d in ["2024-02-29", "2023-02-29", "2024-04-31", "0000-01-01", "9999-12-31", "2024-1-010", "2024/01/01", "+202-01-01", "2024-01-1a"] {
            assert_eq!(Date::parse(d), general_date(d), "{d}");
        }
        // read by serde as before: the string, or the same errors
        let t: Timestamp = serde_json::from_str("\"2024-05-06T07:08:09.123Z\"").unwrap();
        assert_eq!(t.to_string(), "2024-05-06T07:08:09.123Z");
        let escaped: Date = serde_json::from_str("\"2024-05-0\\u0036\"").unwrap();
        assert_eq!(escaped.to_string(), "2024-05-06");
        assert_eq!(serde_json::from_str::<Date>("5").unwrap_err().to_string(), "invalid type: integer `5`, expected a string at line 1 column 1");
        assert_eq!(serde_json::from_str::<Date>("\"2024-13-01\"").unwrap_err().to_string(), "invalid date '2024-13-01' (YYYY-MM-DD) at line 1 column 12");
        assert_eq!(serde_json::from_str::<Timestamp>("\"x\"").unwrap_err().to_string(), "invalid time 'x' (RFC 3339) at line 1 column 3");
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_none(), "not a leap year");
        assert!(Date::parse("2024-2-3").is_none());
        assert!(Date::parse("12/03/2024").is_none());
        assert!(Date::parse("").is_none());
        let d = Date::parse("2024-12-30").unwrap();
        assert_eq!(d.add_days(3).to_string(), "2025-01-02");
        assert_eq!(d.days_until(d.add_days(-10)), -10);
    }

    #[test]
    fn timestamps_order_by_instant_not_text() {
        let a = Timestamp::parse("2024-03-12T09:30:00Z").unwrap();
        let b = Timestamp::parse("2024-03-12T09:30:00.5Z").unwrap();
        let c = Timestamp::parse("2024-03-12T16:30:00+07:00").unwrap();
        assert!(a < b);
        assert_eq!(a, c, "an offset is converted to UTC");
        assert_eq!(c.to_string(), "2024-03-12T09:30:00Z");
        assert!(Timestamp::parse("2024-03-12").is_none());
        // found while fuzzing the importer: offsets that push the UTC year out of 0000–9999
        assert!(Timestamp::parse("9999-12-31T23:59:59-01:00").is_none());
        assert!(Timestamp::parse("0000-01-01T00:00:00+01:00").is_none());
        let edge = Timestamp::parse("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(Timestamp::parse(&edge.to_string()), Some(edge));
        let ms = Timestamp::from_unix_millis(1_700_000_000_123);
        assert_eq!(ms.unix_millis(), 1_700_000_000_123);
    }
}
