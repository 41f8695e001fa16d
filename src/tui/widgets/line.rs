//! The one-line inputs at the bottom: `:` commands and the `/` filter, both with Tab
//! completion.

use crate::tui::theme::Theme;
use crossterm::event::{Event, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

pub struct LineInput {
    pub prompt: &'static str,
    pub input: Input,
    /// Completions for the current text (Tab).
    pub hints: Vec<String>,
}

impl LineInput {
    pub fn new(prompt: &'static str, value: &str) -> LineInput {
        LineInput {
            prompt,
            input: Input::new(value.to_string()),
            hints: Vec::new(),
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Pasted text, on one line; true when it changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let text = super::pasted_text(text, " ");
        super::insert_text(&mut self.input, &text);
        !text.is_empty()
    }

    /// Edits the text; true when it changed.
    pub fn edit(&mut self, key: KeyEvent) -> bool {
        let before = self.input.value().to_string();
        self.input.handle_event(&Event::Key(key));
        before != self.input.value()
    }

    pub fn set(&mut self, value: &str) {
        self.input = Input::new(value.to_string());
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let w = area.width.saturating_sub(self.prompt.len() as u16 + 1) as usize;
        let scroll = self.input.visual_scroll(w);
        let shown: String = self.input.value().chars().skip(scroll).take(w).collect();
        let mut spans = vec![Span::styled(self.prompt, theme.accent), Span::raw(shown)];
        if !self.hints.is_empty() {
            let room =
                (area.width as usize).saturating_sub(self.prompt.len() + self.value().len() + 4);
            let mut hint = String::from("   ");
            for h in &self.hints {
                if hint.len() + h.len() + 1 > room {
                    hint.push('…');
                    break;
                }
                hint.push_str(h);
                hint.push(' ');
            }
            spans.push(Span::styled(hint, theme.dim));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
        let x = area.x
            + self.prompt.len() as u16
            + (self.input.visual_cursor().saturating_sub(scroll)) as u16;
        f.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
    }
}
