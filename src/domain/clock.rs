//! Đồng hồ của máy: the device's hybrid logical clock (SPEC §5), the one place every time stamp the device
//! makes comes from: a record's `updated_at` and `deleted_at`, an evaluation's `recorded_at`, a photo's
//! caption time, a file's `exported_at`, backup keys, "last sent to this officer", drafts, sync times.
//!
//! The clock keeps the newest time this device has accepted: its own stamps, and times it took in as they
//! are from a file or a server (never a time that was flagged as being in the future and brought back or
//! left out). A stamp is the later of the phone's clock and that newest time plus 1 ms, so the device's
//! time never runs backwards past what it has seen: on a phone whose date is a year behind, an edit made
//! after importing a colleague's file is still later than everything in that file, and wins everywhere.
//! The time is always passed in (`now`, the phone's clock); the App stores the clock (`Clock` serialises
//! to `{"newest": "…"}`) so it survives a reload.

use serde::{Deserialize, Serialize};

use super::time::Timestamp;

/// A day in milliseconds: how far the newest accepted time may be ahead of the phone's clock before the
/// phone's clock is said to be behind, and how far past a file's export time (or the phone's clock) a time
/// in a file may be before it is flagged as being in the future.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// When an edit of a version saved at `previous` is saved, by a device whose clock (already read through
/// `Clock::stamp`) says `now`: never at or before the version it edits (SPEC §5).
pub fn after(previous: Option<Timestamp>, now: Timestamp) -> Timestamp {
    match previous {
        Some(p) if p.unix_millis() >= now.unix_millis() => Timestamp::from_unix_millis(p.unix_millis() + 1),
        _ => now,
    }
}

/// The newest time this device has accepted; stamps are taken from it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    #[serde(default)]
    newest: Option<Timestamp>,
}

impl Clock {
    /// A clock that has accepted nothing yet.
    pub fn new() -> Clock {
        Clock::default()
    }

    /// The newest time accepted, if any.
    pub fn newest(&self) -> Option<Timestamp> {
        self.newest
    }

    /// The time a stamp taken now would have, without taking it: the later of `now` and the newest
    /// accepted time plus 1 ms. For what is read but not kept (a preview, the size of a file).
    pub fn peek(&self, now: Timestamp) -> Timestamp {
        after(self.newest, now)
    }

    /// Takes a stamp: `peek(now)`, which becomes the newest accepted time. Two stamps are never equal.
    pub fn stamp(&mut self, now: Timestamp) -> Timestamp {
        let t = self.peek(now);
        self.newest = Some(t);
        t
    }

    /// Takes in a time the device accepted as it is (a record of a file kept as it is, a server's
    /// document): later stamps come after it. Times flagged as being in the future must not be given here.
    pub fn accept(&mut self, t: Timestamp) {
        if self.newest.is_none_or(|n| t > n) {
            self.newest = Some(t);
        }
    }

    /// Takes in what another copy of this clock has seen (another tab's, or the stored one).
    pub fn join(&mut self, other: Clock) {
        if let Some(t) = other.newest {
            self.accept(t);
        }
    }

    /// The newest accepted time when it is more than a day ahead of the phone's clock: the phone's clock is
    /// behind (its date was never set, or reset when the battery ran flat). `None` while it looks right.
    pub fn behind(&self, now: Timestamp) -> Option<Timestamp> {
        self.newest.filter(|n| n.unix_millis() > now.unix_millis() + DAY_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn a_stamp_follows_the_phone_while_it_is_ahead_and_the_newest_time_otherwise() {
        let mut c = Clock::new();
        assert_eq!(c.stamp(ts("2026-12-06T08:00:00Z")), ts("2026-12-06T08:00:00Z"));
        assert_eq!(c.stamp(ts("2026-12-06T09:00:00Z")), ts("2026-12-06T09:00:00Z"), "physical time while ahead");
        // the phone's clock set back a year: stamps go on from the newest time
        assert_eq!(c.stamp(ts("2025-12-06T09:00:00Z")), ts("2026-12-06T09:00:00.001Z"));
        assert_eq!(c.stamp(ts("2025-12-06T09:00:00Z")), ts("2026-12-06T09:00:00.002Z"), "never equal");
        assert_eq!(c.peek(ts("2025-12-06T09:00:00Z")), ts("2026-12-06T09:00:00.003Z"));
        assert_eq!(c.newest(), Some(ts("2026-12-06T09:00:00.002Z")), "peek takes nothing");
    }

    #[test]
    fn an_accepted_time_is_never_moved_back_and_says_the_phone_is_behind() {
        let mut c = Clock::new();
        let now = ts("2025-12-06T08:00:00Z");
        assert_eq!(c.behind(now), None);
        c.accept(ts("2026-12-05T10:00:00Z"));
        c.accept(ts("2026-01-01T00:00:00Z"));
        assert_eq!(c.newest(), Some(ts("2026-12-05T10:00:00Z")), "an older time does not move it back");
        assert_eq!(c.behind(now), Some(ts("2026-12-05T10:00:00Z")));
        assert_eq!(c.behind(ts("2026-12-05T09:00:00Z")), None, "within a day is not behind");
        assert!(c.stamp(now) > ts("2026-12-05T10:00:00Z"));
    }

    #[test]
    fn two_copies_join_to_the_newer() {
        let mut a = Clock::new();
        let mut b = Clock::new();
        a.stamp(ts("2026-12-06T08:00:00Z"));
        b.stamp(ts("2026-12-07T08:00:00Z"));
        a.join(b);
        assert_eq!(a.newest(), Some(ts("2026-12-07T08:00:00Z")));
        b.join(Clock::new());
        assert_eq!(b.newest(), Some(ts("2026-12-07T08:00:00Z")));
    }

    #[test]
    fn it_survives_being_written_and_read() {
        let mut c = Clock::new();
        c.stamp(ts("2026-12-06T08:00:00.123Z"));
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Clock>(&text).unwrap(), c);
        assert_eq!(serde_json::from_str::<Clock>("{}").unwrap(), Clock::new());
    }

    #[test]
    fn an_edit_is_after_the_version_it_edits() {
        let prev = ts("2026-12-06T08:00:00Z");
        assert_eq!(after(Some(prev), ts("2026-12-06T07:00:00Z")), ts("2026-12-06T08:00:00.001Z"));
        assert_eq!(after(Some(prev), prev), ts("2026-12-06T08:00:00.001Z"));
        assert_eq!(after(Some(prev), ts("2026-12-06T09:00:00Z")), ts("2026-12-06T09:00:00Z"));
        assert_eq!(after(None, prev), prev);
    }
}
