//! Time as a plain value: the domain never reads a clock, callers pass `now`.

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

    /// `2026-11-25 06:31` for tables.
    pub fn short(self) -> String {
        let s = self.rfc3339();
        format!("{} {}", &s[..10], &s[11..16])
    }

    /// Parses `2026-12-01T09:00:00Z`, `2026-12-01T09:00` or `2026-12-01 09:00` (UTC).
    pub fn parse(text: &str) -> Option<Timestamp> {
        let t = text.trim().trim_end_matches('Z');
        let (date, time) = t.split_once(['T', ' ']).unwrap_or((t, "00:00"));
        let mut dp = date.split('-');
        let y: i64 = dp.next()?.parse().ok()?;
        let m: i64 = dp.next()?.parse().ok()?;
        let d: i64 = dp.next()?.parse().ok()?;
        if dp.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        let mut tp = time.split(':');
        let hh: i64 = tp.next()?.parse().ok()?;
        let mm: i64 = tp.next().unwrap_or("0").parse().ok()?;
        let ss: i64 = tp.next().unwrap_or("0").parse().ok()?;
        if hh > 23 || mm > 59 || ss > 59 {
            return None;
        }
        let days = days_from_civil(y, m, d);
        Some(Timestamp(
            ((days * 86_400) + hh * 3600 + mm * 60 + ss) * 1000,
        ))
    }
}

/// For messages: `2026-11-28 07:06 UTC`. Scripts get `rfc3339()` or the raw millis.
impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} UTC", self.short())
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

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let t = Timestamp::parse("2026-11-25T06:31:23Z").unwrap();
        assert_eq!(t.rfc3339(), "2026-11-25T06:31:23Z");
        assert_eq!(t.short(), "2026-11-25 06:31");
        assert_eq!(
            Timestamp::parse("2026-11-25 06:31").unwrap().short(),
            "2026-11-25 06:31"
        );
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn rejects_nonsense_dates() {
        for bad in [
            "",
            "2026-13-01",
            "2026-11-25T25:00",
            "next tuesday",
            "2026-11",
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
