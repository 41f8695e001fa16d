//! The status line: the last action's result or error in words, an activity indicator
//! while work is pending, and where to find help.

use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Ok,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub tone: Tone,
}

impl Status {
    pub fn info(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Info,
        }
    }
    pub fn ok(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Ok,
        }
    }
    pub fn error(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Error,
        }
    }
}

pub fn draw_status(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    status: &Status,
    activity: Option<&str>,
) {
    let style = match status.tone {
        Tone::Info => theme.text,
        Tone::Ok => theme.ok,
        Tone::Error => theme.error,
    };
    let right = match activity {
        Some(a) => format!(" {a} │ ? help "),
        None => " ? help ".to_string(),
    };
    let right = if theme.ascii {
        right.replace('│', "|")
    } else {
        right
    };
    let room = (area.width as usize).saturating_sub(right.chars().count() + 1);
    let text = super::fit(&crate::tui::sanitize(&status.text), room, theme.ascii);
    let pad = room.saturating_sub(text.chars().count());
    let line = Line::from(vec![
        Span::styled(text, style),
        Span::raw(" ".repeat(pad + 1)),
        Span::styled(right, theme.dim),
    ]);
    f.render_widget(Paragraph::new(line), area);
}
