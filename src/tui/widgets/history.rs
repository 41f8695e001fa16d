//! Audit entries as console lines: a number's timeline in its details, and what an entry
//! changed on the Audit screen. Assignees are named as they are today; all text escaped.

use crate::domain::E164;
use crate::export::{audit_summary, Namer};
use crate::local_time::Shown;
use crate::store::AuditEntry;
use crate::text::one_line;
use crate::tui::screens::names::Names;
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// An entry in one line, numbers as people write them (see `export::audit_summary`).
pub fn summary(names: &Names, e: &AuditEntry, number: Option<&E164>) -> String {
    let namer = Namer {
        assignee: &|a| names.assignee(a),
        number: &|n| n.national(),
    };
    one_line(&audit_summary(&namer, e, number)).into_owned()
}

/// A number's timeline, newest first: one line per entry.
pub fn timeline(
    t: &Theme,
    names: &Names,
    number: &E164,
    entries: &[AuditEntry],
) -> Vec<Line<'static>> {
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
