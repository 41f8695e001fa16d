//! Telling of notices outside the console: one JSON record and one text line per notice,
//! written once here for `phonedesk watch` (locally and over SSH) and the `[hooks]`.
//! The notices themselves are derived by the domain (`domain::notices`) and carried by the
//! engine's events.

pub mod hooks;

use crate::domain::{Notice, NoticeKind};
use crate::engine::{Event, TROUBLE};
use crate::export::ts;
use crate::local_time::shown;
use crate::text::one_line;
use serde_json::{json, Value};

/// One notice as a JSON record: a line of `watch --json`, a hook's standard input.
pub fn record(event: &Event, notice: &Notice) -> Value {
    json!({
        "seq": event.seq,
        "at": event.at.rfc3339(),
        "kind": notice.kind.name(),
        "message": notice.words,
        "actor": event.actor,
        "action": event.action,
        "numbers": notice.numbers,
        "order": notice.order,
        "request": notice.request,
        "status": notice.status,
        "when": ts(notice.when),
        "held": notice.held,
        "limit": notice.limit,
    })
}

/// The kind `watch --all` gives an event without a notice: `change` (an action, done or
/// refused) or `trouble` (a background task failing or working again).
pub fn plain_kind(event: &Event) -> &'static str {
    if event.action == TROUBLE {
        "trouble"
    } else {
        "change"
    }
}

/// An event without a notice as a JSON record, for `watch --all`.
pub fn change_record(event: &Event) -> Value {
    json!({
        "seq": event.seq,
        "at": event.at.rfc3339(),
        "kind": plain_kind(event),
        "message": event.message,
        "actor": event.actor,
        "action": event.action,
        "ok": event.ok,
    })
}

/// One notice as a line for people, escaped: `2026-12-07 18:04 UTC  order completed  order-3
/// completed: 2 numbers acquired.`, with the date it announces when it has one.
pub fn line(event: &Event, notice: &Notice) -> String {
    let when = notice.when.map(|at| {
        let what = match notice.kind {
            NoticeKind::PurgeSoon => "purged at",
            NoticeKind::PortDate => "port date",
            _ => "at",
        };
        format!(" ({what} {})", shown(at))
    });
    format!(
        "{}  {}  {}{}",
        shown(event.at),
        notice.kind.label(),
        one_line(&notice.words),
        when.unwrap_or_default()
    )
}

/// An event without a notice as a line, for `watch --all`: who did what, and how it went.
pub fn change_line(event: &Event) -> String {
    let how = if event.ok { "" } else { " (refused)" };
    let message = if event.message.is_empty() {
        String::new()
    } else {
        format!(": {}", one_line(&event.message))
    };
    format!(
        "{}  {}  {} by {}{how}{message}",
        shown(event.at),
        plain_kind(event),
        one_line(&event.action),
        one_line(&event.actor),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::*;

    fn event(message: &str) -> Event {
        Event {
            seq: 7,
            at: Timestamp::parse("2026-12-07T18:04:00Z").unwrap(),
            actor: "scheduler".into(),
            action: "complete due work".into(),
            ok: true,
            message: message.into(),
            notices: Vec::new(),
        }
    }

    #[test]
    fn a_notice_reads_the_same_as_a_line_and_as_a_record() {
        let mut n = near_limit(22, 23, 25).unwrap();
        n.numbers = vec![E164::nanp(206, 555, 1)];
        let e = event("");
        assert_eq!(
            line(&e, &n),
            "2026-12-07 18:04 UTC  inventory near its limit  The inventory holds 23 of its 25 numbers (92%)."
        );
        let r = record(&e, &n);
        assert_eq!(r["kind"], "near-limit");
        assert_eq!(r["seq"], 7);
        assert_eq!(r["at"], "2026-12-07T18:04:00Z");
        assert_eq!(r["numbers"], json!(["+12065550001"]));
        assert_eq!(
            (r["held"].clone(), r["limit"].clone()),
            (json!(23), json!(25))
        );
        assert!(r["order"].is_null() && r["when"].is_null());
    }

    #[test]
    fn hidden_characters_in_a_change_are_escaped_in_its_line() {
        let e = event("Label set to \u{1b}[2Jx.");
        let l = change_line(&e);
        assert!(!l.contains('\u{1b}'), "{l}");
        assert!(l.contains("\\u{1b}[2Jx"), "{l}");
        assert_eq!(change_record(&e)["kind"], "change");
    }
}
