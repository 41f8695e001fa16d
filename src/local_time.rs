//! The user's time zone, for the front ends: times are read in it (a date and time typed
//! without an offset) and shown in it, with the zone named. The zone is `TZ` when set,
//! else the system's (`/etc/localtime`), else UTC. The domain stays pure: it gets
//! `Timestamp`s and formats with a zone it is given (`Timestamp::shown_in`).

use crate::domain::{TimeZone, Timestamp};
use std::sync::OnceLock;

static ZONE: OnceLock<TimeZone> = OnceLock::new();

/// The zone times are read and shown in, resolved once per process.
pub fn zone() -> &'static TimeZone {
    ZONE.get_or_init(|| {
        if cfg!(test) {
            // The library's own tests read and show times in UTC, wherever they run.
            return TimeZone::UTC;
        }
        TimeZone::try_system().unwrap_or(TimeZone::UTC)
    })
}

/// Fixes the zone before anything is shown (tests pick UTC, so their output is stable
/// wherever they run). Returns false when the zone was already in use.
pub fn use_zone(zone: TimeZone) -> bool {
    ZONE.set(zone).is_ok()
}

thread_local! {
    /// The zone of a command run for another process (the local socket): its caller's.
    static CALLERS: std::cell::RefCell<Option<TimeZone>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with times read and shown in `zone` on this thread (a command run for a
/// caller whose `TZ` is not this process's).
pub fn with_zone<R>(zone: TimeZone, f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            CALLERS.with(|c| c.borrow_mut().take());
        }
    }
    CALLERS.with(|c| *c.borrow_mut() = Some(zone));
    let _reset = Reset;
    f()
}

/// The zone this thread reads and shows times in: its caller's, else the process's.
fn in_zone<R>(f: impl FnOnce(&TimeZone) -> R) -> R {
    let callers = CALLERS.with(|c| c.borrow().clone());
    match callers {
        Some(zone) => f(&zone),
        None => f(zone()),
    }
}

/// The zone named by a `TZ` value, as the C library reads it: an IANA name (`:` before it
/// allowed), a file, a POSIX rule (`EST5EDT`), or UTC when empty; None when it names
/// nothing this machine knows.
pub fn zone_of_tz(tz: &str) -> Option<TimeZone> {
    let name = tz.strip_prefix(':').unwrap_or(tz);
    if name.is_empty() {
        return Some(TimeZone::UTC);
    }
    if name.starts_with('/') {
        return std::fs::read(name)
            .ok()
            .and_then(|bytes| TimeZone::tzif(name, &bytes).ok());
    }
    TimeZone::get(name)
        .ok()
        .or_else(|| TimeZone::posix(name).ok())
}

/// Every time a person reads, in the CLI and the console: `2026-11-25 06:31 UTC`,
/// `2026-11-25 07:31 CET`.
pub fn shown(t: Timestamp) -> String {
    in_zone(|z| t.shown_in(z))
}

/// The width of a shown time in this zone, for table columns: its abbreviation may be
/// longer in summer (CET, CEST), so both halves of a year are measured.
pub fn shown_width() -> u16 {
    let half_year = std::time::Duration::from_secs(182 * 86_400);
    let winter = Timestamp::from_millis(1_767_225_600_000); // 2026-01-01
    [winter, winter.plus(half_year)]
        .into_iter()
        .map(|t| shown(t).chars().count())
        .max()
        .unwrap_or(20) as u16
}

/// `shown` without the year, for narrow tables: `11-25 06:31 UTC`.
pub fn shown_this_year(t: Timestamp) -> String {
    let s = shown(t);
    s.get(5..).map(str::to_string).unwrap_or(s)
}

/// `t.shown()`: the same, as a method, for the many places that show a time.
pub trait Shown {
    fn shown(self) -> String;
}

impl Shown for Timestamp {
    fn shown(self) -> String {
        shown(self)
    }
}

/// A time as a person types it in their zone, without the zone (`2026-12-09 09:00`): the
/// value a form field starts with, which `read` takes back.
pub fn typed(t: Timestamp) -> String {
    let s = shown(t);
    s.rsplit_once(' ')
        .map(|(time, _zone)| time.to_string())
        .unwrap_or(s)
}

/// A time as typed: RFC 3339 with `Z` or an offset, or a date and time in the user's zone.
pub fn read(text: &str) -> Option<Timestamp> {
    in_zone(|z| Timestamp::parse_in(text, z))
}

/// How to write a time, for messages: "2026-12-01 09:00 (Europe/Paris time), or with an
/// offset: 2026-12-01T09:00+02:00".
pub fn how_to_write() -> String {
    let name = in_zone(|z| z.iana_name().unwrap_or("local").to_string());
    format!("2026-12-01 09:00 ({name} time), or with an offset: 2026-12-01T09:00+02:00")
}
