//! Shared widgets, each in its own file: the table's cursor and drawing, forms with
//! validation as you type, the confirm dialog, pick lists, text to copy, the help overlay,
//! the status line, the `:`/`/` input line and the fuzzy filter.

pub mod confirm;
pub mod filter;
pub mod form;
pub mod help;
pub mod hints;
pub mod history;
pub mod line;
pub mod picker;
pub mod status;
pub mod table;
pub mod text_view;

use super::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};

/// A dialog's rectangle: `w` x `h` centred in `area`, clamped to it.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A bordered block in the theme's border set.
pub fn block<'a>(theme: &Theme, title: impl Into<Line<'a>>) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_set(theme.borders)
        .border_style(theme.border)
        .title(title.into().style(theme.title))
}

/// Cuts `s` to `width` characters, ending in `…` (or `~` with ASCII borders) when cut.
pub fn fit(s: &str, width: usize, ascii: bool) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push(if ascii { '~' } else { '…' });
    out
}

/// What a dialog did with a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialogEvent {
    /// Still open.
    Open,
    Cancel,
    /// Confirmed or submitted.
    Done,
    /// A pick list's chosen index.
    Picked(usize),
}

/// A dialog a screen holds open above its table.
pub enum Dialog {
    Confirm(confirm::Confirm),
    Form(form::Form),
    Pick(picker::Picker),
    Text(text_view::TextView),
}

impl Dialog {
    /// Pasted text: into a form's focused field; dialogs without text ignore it.
    pub fn paste(&mut self, text: &str) {
        if let Dialog::Form(d) = self {
            d.paste(text);
        }
    }

    pub fn handle_key(&mut self, key: crossterm::event::KeyEvent) -> DialogEvent {
        match self {
            Dialog::Confirm(d) => d.handle_key(key),
            Dialog::Form(d) => d.handle_key(key),
            Dialog::Pick(d) => d.handle_key(key),
            Dialog::Text(d) => d.handle_key(key),
        }
    }

    pub fn draw(&self, f: &mut ratatui::Frame, area: Rect, theme: &Theme) {
        match self {
            Dialog::Confirm(d) => d.draw(f, area, theme),
            Dialog::Form(d) => d.draw(f, area, theme),
            Dialog::Pick(d) => d.draw(f, area, theme),
            Dialog::Text(d) => d.draw(f, area, theme),
        }
    }

    /// True when closing it would lose typed text.
    pub fn is_dirty(&self) -> bool {
        matches!(self, Dialog::Form(f) if f.is_dirty())
    }

    /// Shows the engine's refusal: beside a form's fields, or `false` when the dialog
    /// cannot show it (the status line will).
    pub fn show_error(&mut self, message: &str) -> bool {
        match self {
            Dialog::Form(f) => {
                f.error = Some(message.to_string());
                true
            }
            _ => false,
        }
    }
}

/// Pasted text as one field's input: each run of line breaks becomes `separator` (a paste is
/// never a submit), other control characters become spaces, and breaks at the ends go.
pub fn pasted_text(text: &str, separator: &str) -> String {
    let lines: Vec<&str> = text
        .split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .collect();
    lines
        .iter()
        .map(|l| {
            l.chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// Inserts `text` at the cursor of `input`.
pub fn insert_text(input: &mut tui_input::Input, text: &str) {
    for c in text.chars() {
        input.handle(tui_input::InputRequest::InsertChar(c));
    }
}
