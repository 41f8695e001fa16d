//! Audit: who did what, when, newest first, with the result (ok or refused) and what it
//! changed, field by field; `/` filters (`number:`, `who:`, `action:`, `result:refused`,
//! `date:`, digits); Enter shows one entry in full. Reads the latest entries only.

use super::names::Names;
use super::{Cx, DrawCx, Screen, ScreenId};
use crate::domain::E164;
use crate::filter::FieldSpec;
use crate::local_time::{self, Shown};
use crate::store::AuditEntry;
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::history;
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{
    body_height, draw_table, pick_columns, sort_letters, Record, Rows,
};
use crate::tui::widgets::table::{Cell, Row};
use crate::tui::widgets::{block, centered};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;
use std::cmp::Ordering;

/// How many of the latest entries the screen reads.
const LIMIT: usize = 2000;
/// And no more once those name this many numbers: an order of 1,000 numbers is one entry
/// with every number and change, and 2,000 of them took seconds and a gigabyte to read.
const NUMBERS: usize = 5_000;

/// The sortable columns, by their header titles.
pub const COLUMNS: [&str; 6] = ["When", "Who", "Action", "Result", "What changed", "Message"];

/// The fields the `/` filter matches exactly (`status:...`).
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "who",
        help: "who acted",
    },
    FieldSpec {
        name: "action",
        help: "the action's name",
    },
    FieldSpec {
        name: "result",
        help: "ok or refused",
    },
    FieldSpec {
        name: "number",
        help: "a number the action named or changed (+12065550123)",
    },
    FieldSpec {
        name: "date",
        help: "the day, in your zone (2026-12-07)",
    },
];

/// An entry with what it changed in words (assignees named as they are today).
pub struct AuditRow {
    pub entry: AuditEntry,
    summary: String,
}

impl Record for AuditRow {
    const FIELDS: &'static [FieldSpec] = FIELDS;
    fn values(&self, field: &str) -> Vec<String> {
        let e = &self.entry;
        match field {
            "who" => vec![one_line(&e.actor).into_owned()],
            "action" => vec![e.action.to_string()],
            "result" => vec![if e.ok { "ok" } else { "refused" }.into()],
            "number" => e
                .numbers
                .iter()
                .flat_map(|n| [n.to_string(), n.national()])
                .collect(),
            "date" => vec![local_time::typed(e.at)
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_string()],
            _ => Vec::new(),
        }
    }
    fn numbers(&self) -> Vec<E164> {
        self.entry.numbers.clone()
    }
    type Key = u64;
    fn key(&self) -> u64 {
        self.entry.seq
    }
    fn label(&self) -> String {
        format!("audit entry {}", self.entry.seq)
    }
    fn haystack(&self) -> String {
        let e = &self.entry;
        format!(
            "{} {} {} {} {} {}",
            one_line(&e.actor),
            e.role.label(),
            e.action,
            self.summary,
            if e.ok { "ok" } else { "refused" },
            one_line(&e.result)
        )
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (&self.entry, &other.entry);
        match column {
            1 => a.actor.cmp(&b.actor),
            2 => a.action.cmp(&b.action),
            3 => b.ok.cmp(&a.ok),
            4 => self.summary.cmp(&other.summary),
            5 => a.result.cmp(&b.result),
            _ => (a.at, a.seq).cmp(&(b.at, b.seq)),
        }
    }
}

#[derive(Default)]
pub struct Audit {
    rows: Rows<AuditRow>,
    names: Names,
    open: bool,
    /// Older entries were left unread (`NUMBERS`): the title says so.
    cut: bool,
}

impl Audit {
    pub fn new() -> Audit {
        Audit::default()
    }

    fn draw_entry(&self, f: &mut Frame, area: Rect, cx: &DrawCx, e: &AuditEntry) {
        let t = cx.theme;
        let b = block(t, format!(" Audit entry {} ", e.seq))
            .title_bottom(Line::from(" Esc back ").style(t.dim));
        let kv = |k: &str, v: String, style| {
            Line::from(vec![
                Span::styled(format!("{k:<9}"), t.dim),
                Span::styled(v, style),
            ])
        };
        let result = if e.ok {
            ("ok", t.ok)
        } else {
            ("refused", t.error)
        };
        let mut lines = vec![
            kv("When", e.at.shown(), t.text),
            kv(
                "Who",
                format!("{} ({})", one_line(&e.actor), e.role.label()),
                t.text,
            ),
            kv("Action", one_line(&e.action).into_owned(), t.text),
            kv("Detail", one_line(&e.detail).into_owned(), t.text),
            kv("Result", result.0.into(), result.1),
            kv("Message", one_line(&e.result).into_owned(), t.text),
        ];
        // Every change on its own line, each number in full: never "and 3 more".
        let mut numbers: Vec<&E164> = e.numbers.iter().collect();
        numbers.retain(|n| !e.changes.iter().any(|c| &c.number == *n));
        for (i, n) in e.changed_numbers().into_iter().enumerate() {
            let heading = if i == 0 { "Changed" } else { "" };
            lines.push(kv(heading, format!("{}  {}", n.national(), n), t.text));
            for c in e.changes.iter().filter(|c| &c.number == n) {
                let words = c.change.words(&|a| self.names.assignee(a));
                lines.push(kv("", format!("  {}", one_line(&words)), t.text));
            }
        }
        if !numbers.is_empty() {
            let list: Vec<String> = numbers.iter().map(|n| n.national()).collect();
            lines.push(kv("Numbers", list.join(", "), t.text));
        }
        let height = (lines.len() as u16 + 2).clamp(8, area.height.saturating_sub(2).max(8));
        let rect = centered(area, 76, height);
        f.render_widget(Clear, rect);
        f.render_widget(
            Paragraph::new(lines).block(b).wrap(Wrap { trim: false }),
            rect,
        );
    }
}

impl Screen for Audit {
    fn id(&self) -> ScreenId {
        ScreenId::Audit
    }

    fn scope(&self) -> Scope {
        Scope::Audit
    }

    fn copy_text(&self) -> Option<String> {
        self.rows.copy_text()
    }

    fn goto(&mut self, wanted: &str, _cx: &mut Cx) -> bool {
        self.rows.goto(wanted)
    }

    fn set_sort(&mut self, sort: crate::tui::widgets::table::Sort, _cx: &mut Cx) {
        self.rows.set_sort(sort);
    }

    fn arg_values(&self) -> Vec<String> {
        self.rows.names()
    }

    fn refresh(&mut self, cx: &mut Cx) {
        // Newest first; new entries come in above, the cursor stays on its entry.
        self.names = Names::load(cx.engine);
        let names = &self.names;
        let (entries, cut) = cx
            .engine
            .store()
            .audit_latest(LIMIT, NUMBERS)
            .unwrap_or_default();
        self.cut = cut;
        self.rows.set(
            entries
                .into_iter()
                .map(|entry| AuditRow {
                    summary: history::summary(names, &entry, None),
                    entry,
                })
                .collect(),
        );
    }

    fn on_cmd(&mut self, cmd: Cmd, _cx: &mut Cx) -> bool {
        match cmd {
            Cmd::Details => self.open = self.rows.current().is_some(),
            Cmd::Back if self.open => self.open = false,
            c => return self.rows.apply(c),
        }
        true
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        let letters = sort_letters(&COLUMNS, cx.keys, self.scope());
        match self.rows.sort_key(&key, &letters, &COLUMNS) {
            Some(words) => {
                cx.say(Status::info(words));
                true
            }
            None => false,
        }
    }

    fn set_filter(&mut self, text: &str, _cx: &mut Cx) {
        self.open = false;
        self.rows.set_filter(text);
    }

    fn filter(&self) -> &str {
        self.rows.filter()
    }

    fn applies(&self, cmd: Cmd) -> bool {
        cmd == Cmd::Filter || self.rows.current().is_some()
    }

    fn filter_fields(&self) -> &'static [FieldSpec] {
        FIELDS
    }

    fn filter_values(&self, field: &str) -> Vec<String> {
        self.rows.values_of(field)
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        self.rows.set_height(body_height(area));
        let wide = area.width >= 110;
        let rows = self
            .rows
            .visible()
            .map(|(row, _)| {
                let e = &row.entry;
                let (result, style) = if e.ok {
                    ("ok", t.ok)
                } else {
                    ("refused", t.error)
                };
                let mut cells = vec![
                    Cell::from(e.at.shown()),
                    Cell::from(one_line(&e.actor).into_owned()),
                    Cell::from(one_line(&e.action).into_owned()),
                    Cell::from(result).style(style),
                ];
                cells.push(Cell::from(row.summary.clone()));
                if wide {
                    cells.push(Cell::from(one_line(&e.result).into_owned()));
                }
                Row::new(cells)
            })
            .collect();
        let mut header = vec!["When", "Who", "Action", "Result"];
        let mut widths = vec![
            Constraint::Length(local_time::shown_width()),
            Constraint::Length(if wide { 12 } else { 9 }),
            Constraint::Length(if wide { 24 } else { 16 }),
            Constraint::Length(7),
        ];
        // What changed says it all at 80 columns (with the reason of a refusal); the
        // outcome's own message joins it where there is room.
        header.push("What changed");
        widths.push(Constraint::Fill(2));
        if wide {
            header.push("Message");
            widths.push(Constraint::Fill(1));
        }
        let header = self.rows.header(t, &header, &COLUMNS);
        let name = match self.rows.sort() {
            None => "Audit log (newest first)",
            Some(_) => "Audit log",
        };
        let note = self.cut.then(|| {
            Span::styled(
                format!(
                    " the latest {}; older: phonedesk audit ",
                    self.rows.all().len()
                ),
                t.dim,
            )
        });
        let title = self.rows.title(t, name, note);
        let empty = if self.rows.filter().is_empty() {
            "Nothing has been done yet."
        } else {
            "No entries match the filter. Esc clears it."
        };
        let (header, widths, rows) = pick_columns(cx.columns, header, &widths, rows);
        draw_table(
            f,
            area,
            t,
            title,
            header,
            &widths,
            rows,
            &self.rows.nav,
            empty,
        );
        if self.open {
            if let Some(row) = self.rows.current() {
                self.draw_entry(f, area, cx, &row.entry);
            }
        }
    }
}
