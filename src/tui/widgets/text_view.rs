//! Text to read and copy, over the whole screen: the console's export in an SSH session,
//! where the CSV goes to the administrator's terminal instead of a file on the server. The
//! text's lines are drawn without a frame beside them, so a mouse selection copies them as
//! they are; long lines wrap rather than being cut.

use super::DialogEvent;
use crate::tui::theme::Theme;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

pub struct TextView {
    /// What the text is and what to do with it, above it.
    pub intro: Vec<String>,
    /// The text, one entry a line (already safe for a terminal).
    pub lines: Vec<String>,
    /// The first line shown.
    pub scroll: usize,
}

impl TextView {
    pub fn new(intro: Vec<String>, text: &str) -> TextView {
        TextView {
            intro,
            lines: text.lines().map(str::to_string).collect(),
            scroll: 0,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogEvent {
        let last = self.lines.len().saturating_sub(1);
        match key.code {
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => return DialogEvent::Cancel,
            KeyCode::Down | KeyCode::Char('j') => self.scroll += 1,
            KeyCode::Up | KeyCode::Char('k') => self.scroll = self.scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.scroll += 10,
            KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(10),
            KeyCode::Home | KeyCode::Char('g') => self.scroll = 0,
            KeyCode::End | KeyCode::Char('G') => self.scroll = last,
            _ => {}
        }
        self.scroll = self.scroll.min(last);
        DialogEvent::Open
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        f.render_widget(Clear, area);
        let mut lines: Vec<Line> = self
            .intro
            .iter()
            .map(|l| Line::from(l.clone()).style(theme.dim))
            .collect();
        lines.push(Line::from("j/k or PgUp/PgDn scroll  Esc close").style(theme.dim));
        lines.push(Line::from(""));
        lines.extend(
            self.lines
                .iter()
                .skip(self.scroll)
                .map(|l| Line::from(l.clone())),
        );
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}
