//! Time as a plain value: the domain never reads a clock, callers pass `now`.

pub use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const EPOCH: Timestamp = Timestamp(0);

    pub fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    pub fn plus(self, d: Duration) -> Self {
        Timestamp(
            self.0
                .saturating_add(d.as_millis().min(i64::MAX as u128) as i64),
        )
    }

    pub fn minus(self, d: Duration) -> Self {
        Timestamp(
            self.0
                .saturating_sub(d.as_millis().min(i64::MAX as u128) as i64),
        )
    }

    /// Time from `self` until `later`, zero when `later` is not after `self`.
    pub fn until(self, later: Timestamp) -> Duration {
        Duration::from_millis(later.0.saturating_sub(self.0).max(0) as u64)
    }

    /// RFC 3339 in UTC, to the second: `2026-11-25T06:31:23Z`.
    pub fn rfc3339(self) -> String {
        let secs = self.0.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        )
    }

    /// The one format every time is shown in, to a person, in the CLI and the console:
    /// `2026-11-25 06:31 UTC`, `2026-11-25 07:31 CET` (the zone's abbreviation, or its
    /// offset where it has none). The front ends pass the user's zone
    /// (`crate::local_time`); the rules' own messages use UTC (`Display`).
    pub fn shown_in(self, zone: &TimeZone) -> String {
        match jiff::Timestamp::from_millisecond(self.0) {
            Ok(t) => t
                .to_zoned_datetime(zone.clone())
                .strftime("%Y-%m-%d %H:%M %Z")
                .to_string(),
            // Outside jiff's range (years before -9999 or after 9999): never stored.
            Err(_) => format!("{} UTC", self.rfc3339()),
        }
    }

    /// Reads a time as a person types it: RFC 3339 with `Z` or an offset
    /// (`2026-12-01T09:00+02:00`), or a date and time without one (`2026-12-01T09:00`,
    /// `2026-12-01 09:00`, `2026-12-01` for midnight), which is in `zone`. A local time a
    /// clock change skips or repeats takes the offset in force before the change.
    pub fn parse_in(text: &str, zone: &TimeZone) -> Option<Timestamp> {
        let text = text.trim();
        if let Ok(t) = text.parse::<jiff::Timestamp>() {
            return Some(Timestamp(t.as_millisecond()));
        }
        let civil = text
            .parse::<jiff::civil::DateTime>()
            .or_else(|_| {
                text.parse::<jiff::civil::Date>()
                    .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
            })
            .ok()?;
        let zoned = civil.to_zoned_datetime(zone.clone()).ok()?;
        Some(Timestamp(zoned.timestamp().as_millisecond()))
    }

    /// `parse_in` UTC, for tests and fixed data.
    pub fn parse(text: &str) -> Option<Timestamp> {
        Timestamp::parse_in(text, &TimeZone::UTC)
    }
}

/// For the rules' messages, which are kept (support's replies, the audit log) and read by
/// anyone: `2026-11-28 07:06 UTC`.
impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown_in(&TimeZone::UTC))
    }
}

/// "6 d 23 h", "71 h 59 m", "4 m 10 s": the two largest units, for countdowns. Days only
/// from three days up, so a 72-hour name update reads in hours as the seed states it.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (days, hours, mins, secs) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    if days >= 3 {
        format!("{days} d {hours} h")
    } else if s >= 3600 {
        format!("{} h {mins} m", s / 3600)
    } else if mins > 0 {
        format!("{mins} m {secs} s")
    } else {
        format!("{secs} s")
    }
}

// Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let t = Timestamp::parse("2026-11-25T06:31:23Z").unwrap();
        assert_eq!(t.rfc3339(), "2026-11-25T06:31:23Z");
        assert_eq!(t.to_string(), "2026-11-25 06:31 UTC");
        assert_eq!(
            Timestamp::parse("2026-11-25 06:31").unwrap().to_string(),
            "2026-11-25 06:31 UTC"
        );
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn reads_offsets_and_local_times() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let utc = |s: &str| Timestamp::parse(s).unwrap();
        // An offset or Z says which instant, whatever the user's zone.
        for text in [
            "2027-01-01T09:00+02:00",
            "2027-01-01T07:00Z",
            "2027-01-01 07:00:00Z",
            "2027-01-01T02:00-05:00",
        ] {
            assert_eq!(
                Timestamp::parse_in(text, &paris),
                Some(utc("2027-01-01T07:00")),
                "{text}"
            );
        }
        // Without one, the time is in the user's zone (CET in winter, CEST in summer).
        assert_eq!(
            Timestamp::parse_in("2027-01-01T09:00", &paris),
            Some(utc("2027-01-01T08:00"))
        );
        assert_eq!(
            Timestamp::parse_in("2027-07-01 09:00", &paris),
            Some(utc("2027-07-01T07:00"))
        );
        assert_eq!(
            Timestamp::parse_in("2027-01-01", &paris),
            Some(utc("2026-12-31T23:00"))
        );
        // Shown back with the zone.
        let t = Timestamp::parse_in("2027-01-01T09:00", &paris).unwrap();
        assert_eq!(t.shown_in(&paris), "2027-01-01 09:00 CET");
        assert_eq!(t.shown_in(&TimeZone::UTC), "2027-01-01 08:00 UTC");
    }

    #[test]
    fn rejects_nonsense_dates() {
        for bad in [
            "",
            "2026-13-01",
            "2026-11-25T25:00",
            "next tuesday",
            "2026-11",
            "2026-02-30 09:00",
        ] {
            assert!(Timestamp::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn countdowns_use_two_units() {
        assert_eq!(
            format_duration(Duration::from_secs(7 * 86_400 - 3600)),
            "6 d 23 h"
        );
        assert_eq!(
            format_duration(Duration::from_secs(72 * 3600 - 60)),
            "71 h 59 m"
        );
        assert_eq!(format_duration(Duration::from_secs(250)), "4 m 10 s");
        assert_eq!(format_duration(Duration::from_secs(3)), "3 s");
    }
}
