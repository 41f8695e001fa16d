//! Audit: who did what, when, newest first, with the result (ok or refused) and its
//! message; `/` filters; Enter shows one entry in full. Reads the latest entries only.

use super::{Cx, DrawCx, Screen, ScreenId};
use crate::local_time::{self, Shown};
use crate::store::AuditEntry;
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::filter::Fuzzy;
use crate::tui::widgets::table::{body_height, draw_table, Nav};
use crate::tui::widgets::{block, centered};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Wrap};
use ratatui::Frame;

/// How many of the latest entries the screen reads.
const LIMIT: usize = 2000;

#[derive(Default)]
pub struct Audit {
    all: Vec<AuditEntry>,
    shown: Vec<usize>,
    filter: String,
    nav: Nav,
    open: bool,
}

impl Audit {
    pub fn new() -> Audit {
        Audit::default()
    }

    fn apply_filter(&mut self) {
        let mut fz = Fuzzy::new(&self.filter);
        self.shown = (0..self.all.len())
            .filter(|i| {
                let e = &self.all[*i];
                fz.matches(&format!(
                    "{} {} {} {} {} {}",
                    one_line(&e.actor),
                    e.role.label(),
                    e.action,
                    one_line(&e.detail),
                    if e.ok { "ok" } else { "refused" },
                    one_line(&e.result)
                ))
            })
            .collect();
        self.nav.set_len(self.shown.len());
    }

    fn current(&self) -> Option<&AuditEntry> {
        self.shown
            .get(self.nav.cursor)
            .and_then(|i| self.all.get(*i))
    }

    fn draw_entry(&self, f: &mut Frame, area: Rect, cx: &DrawCx, e: &AuditEntry) {
        let t = cx.theme;
        let rect = centered(area, 76, 11);
        f.render_widget(Clear, rect);
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
        let lines = vec![
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

    fn refresh(&mut self, cx: &mut Cx) {
        self.all = cx.engine.store().audit(LIMIT).unwrap_or_default();
        self.apply_filter();
    }

    fn on_cmd(&mut self, cmd: Cmd, _cx: &mut Cx) -> bool {
        match cmd {
            Cmd::Details => self.open = self.current().is_some(),
            Cmd::Back if self.open => self.open = false,
            c => return self.nav.apply(c),
        }
        true
    }

    fn set_filter(&mut self, text: &str, _cx: &mut Cx) {
        self.filter = text.to_string();
        self.open = false;
        self.apply_filter();
        self.nav.top();
    }

    fn filter(&self) -> &str {
        &self.filter
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        self.nav.set_height(body_height(area));
        self.nav.set_len(self.shown.len());
        let wide = area.width >= 110;
        let rows = self
            .nav
            .visible()
            .filter_map(|i| self.shown.get(i).and_then(|j| self.all.get(*j)))
            .map(|e| {
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
                if wide {
                    cells.push(Cell::from(one_line(&e.detail).into_owned()));
                }
                cells.push(Cell::from(one_line(&e.result).into_owned()));
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
        if wide {
            header.push("Detail");
            widths.push(Constraint::Fill(1));
        }
        header.push("Message");
        widths.push(Constraint::Fill(if wide { 2 } else { 1 }));
        let title = if self.filter.is_empty() {
            Line::from(" Audit log (newest first) ")
        } else {
            Line::from(format!(
                " Audit log (newest first) /{} ",
                one_line(&self.filter)
            ))
        };
        let empty = if self.filter.is_empty() {
            "Nothing has been done yet."
        } else {
            "No entries match the filter. Esc clears it."
        };
        draw_table(f, area, t, title, header, &widths, rows, &self.nav, empty);
        if self.open {
            if let Some(e) = self.current() {
                self.draw_entry(f, area, cx, e);
            }
        }
    }
}
