//! Calendar dates (`YYYY-MM-DD`) and UTC timestamps (RFC 3339) as the exchange file writes them.
//!
//! Both wrap the `time` crate, so parsing and ordering are a maintained library's; they serialise to the
//! exact text SPEC §4 asks for. The domain never reads the clock: callers pass "now" in.

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
        time::Date::parse(s, &fmt).ok().map(Date)
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

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid date '{s}' (YYYY-MM-DD)")))
    }
}

/// A moment in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Parses RFC 3339 (any offset; kept as UTC). A time whose UTC year falls outside 0000–9999 is
    /// refused: RFC 3339 could not write it back.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let t = OffsetDateTime::parse(s, &Rfc3339).ok()?.checked_to_offset(UtcOffset::UTC)?;
        (0..=9999).contains(&t.year()).then_some(Timestamp(t))
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
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("invalid time '{s}' (RFC 3339)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
