//! The only clock read in phonedesk; everything below takes `now` as an argument.

use crate::domain::Timestamp;

pub fn now() -> Timestamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp(d.as_millis() as i64)
}
