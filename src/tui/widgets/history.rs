//! Audit entries as console lines: a number's timeline in its details, and what an entry
//! changed on the Audit screen. Assignees are named as they are today; all text escaped.

use crate::domain::{FieldChange, E164};
use crate::local_time::Shown;
use crate::store::AuditEntry;
use crate::text::one_line;
use crate::tui::screens::names::Names;
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// What changed, in words; only `number`'s fields (and without naming it) when given.
pub fn changes_text(names: &Names, changes: &[FieldChange], number: Option<&E164>) -> String {
    let name = |a: &crate::domain::Assignee| names.assignee(a);
    let mut out = String::new();
    let mut last: Option<&E164> = None;
    for c in changes
        .iter()
        .filter(|c| number.map_or(true, |n| c.number == *n))
    {
        if last != Some(&c.number) {
            if !out.is_empty() {
                out.push_str("; ");
            }
            if number.is_none() {
                out.push_str(&c.number.national());
                out.push(' ');
            }
            last = Some(&c.number);
        } else {
            out.push_str(", ");
        }
        out.push_str(&c.change.words(&name));
    }
    one_line(&out).into_owned()
}

/// An entry's one-line summary: what changed; else, for a refused action, why; else the
/// action's words without its name in front (the Action column says it).
pub fn summary(names: &Names, e: &AuditEntry, number: Option<&E164>) -> String {
    let changed = changes_text(names, &e.changes, number);
    if !changed.is_empty() {
        return changed;
    }
    if !e.ok {
        return one_line(&e.result).into_owned();
    }
    let detail = e
        .detail
        .strip_prefix(e.action.as_str())
        .map(str::trim_start)
        .unwrap_or(&e.detail);
    one_line(detail).into_owned()
}

/// A number's timeline, newest first: one line per entry.
pub fn timeline(t: &Theme, names: &Names, number: &E164, entries: &[AuditEntry]) -> Vec<Line<'static>> {
    entries
        .iter()
        .map(|e| {
            let style = if e.ok { t.text } else { t.error };
            Line::from(vec![
                Span::styled(format!("{}  ", e.at.shown()), t.dim),
                Span::styled(format!("{}  ", one_line(&e.actor)), t.dim),
                Span::styled(format!("{}: ", e.action), style),
                Span::styled(summary(names, e, Some(number)), style),
            ])
        })
        .collect()
}
