//! The confirm dialog of destructive actions: as the seed's check box, the administrator
//! ticks "I understand" (Space) before Enter does anything.

use super::{block, centered, DialogEvent};
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    pub check_label: String,
    pub verb: &'static str,
    pub checked: bool,
    pub nudge: bool,
}

impl Confirm {
    pub fn new(
        title: impl Into<String>,
        verb: &'static str,
        check_label: impl Into<String>,
    ) -> Confirm {
        Confirm {
            title: title.into(),
            lines: Vec::new(),
            check_label: check_label.into(),
            verb,
            checked: false,
            nudge: false,
        }
    }

    pub fn line(mut self, l: impl Into<String>) -> Confirm {
        self.lines.push(l.into());
        self
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogEvent {
        match key.code {
            KeyCode::Esc | KeyCode::Char('n') => DialogEvent::Cancel,
            KeyCode::Char(' ') | KeyCode::Char('x') => {
                self.checked = !self.checked;
                self.nudge = false;
                DialogEvent::Open
            }
            KeyCode::Enter if self.checked => DialogEvent::Done,
            KeyCode::Enter => {
                self.nudge = true;
                DialogEvent::Open
            }
            _ => DialogEvent::Open,
        }
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let h = self.lines.len() as u16 + 7;
        let rect = centered(area, 70, h);
        f.render_widget(Clear, rect);
        let outer = block(theme, format!(" {} ", self.title));
        let inner = outer.inner(rect);
        f.render_widget(outer, rect);
        let mut lines: Vec<Line> = self.lines.iter().map(|l| Line::from(l.clone())).collect();
        lines.push(Line::from(""));
        let boxed = if self.checked { "[x] " } else { "[ ] " };
        lines.push(Line::from(vec![
            Span::styled(boxed, theme.accent),
            Span::raw(self.check_label.clone()),
        ]));
        lines.push(Line::from(""));
        if self.nudge {
            lines.push(Line::from("Tick the box first: press Space.").style(theme.warn));
        }
        lines.push(Line::from(vec![
            Span::styled("Space", theme.accent),
            Span::raw(" tick  "),
            Span::styled("Enter", theme.accent),
            Span::raw(format!(" {}  ", self.verb)),
            Span::styled("Esc", theme.accent),
            Span::raw(" cancel"),
        ]));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
