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

/// The most lines the status area grows to; text past them is cut with `…`.
pub const MAX_LINES: usize = 3;

/// The right-hand part of the first line: the activity indicator and where help is.
fn right_part(theme: &Theme, activity: Option<&str>) -> String {
    let right = match activity {
        Some(a) => format!(" {a} │ ? help "),
        None => " ? help ".to_string(),
    };
    if theme.ascii {
        right.replace('│', "|")
    } else {
        right
    }
}

/// The status text broken into lines for `width` columns: the first line leaves room for
/// the right-hand part, the others use the whole width (less one column). One line when the
/// text fits; at most `MAX_LINES`, the last one cut with `…` if even those are not enough.
fn status_lines(theme: &Theme, status: &Status, activity: Option<&str>, width: u16) -> Vec<String> {
    let right = right_part(theme, activity).chars().count();
    let first = (width as usize).saturating_sub(right + 1);
    let rest = (width as usize).saturating_sub(1).max(1);
    let text = crate::text::one_line(&status.text);
    let mut lines = wrap(&text, first, rest);
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last = lines.last_mut().expect("MAX_LINES > 0");
        let mark = if theme.ascii { '~' } else { '…' };
        if last.chars().count() + 2 <= rest {
            last.push(' ');
        } else {
            *last = last.chars().take(rest.saturating_sub(1)).collect();
        }
        last.push(mark);
    }
    lines
}

/// How many lines the status area needs at `width` (1 to `MAX_LINES`).
pub fn status_height(theme: &Theme, status: &Status, activity: Option<&str>, width: u16) -> u16 {
    status_lines(theme, status, activity, width).len().max(1) as u16
}

/// Greedy word wrap: `first` columns on the first line, `rest` on the others; a word longer
/// than a line is broken.
pub fn wrap(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let width = |n: usize| if n == 1 { first.max(1) } else { rest.max(1) };
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let room = width(lines.len());
            let line = lines.last_mut().expect("one line at least");
            let used = line.chars().count();
            let sep = usize::from(used > 0);
            if used + sep + word.len() <= room {
                if sep == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used == 0 {
                // Longer than a whole line: break it.
                line.extend(word[..room].iter());
                word.drain(..room);
            }
            lines.push(String::new());
        }
    }
    lines
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
    let right = right_part(theme, activity);
    let room = (area.width as usize).saturating_sub(right.chars().count() + 1);
    let mut lines = status_lines(theme, status, activity, area.width).into_iter();
    let first = lines.next().unwrap_or_default();
    let pad = room.saturating_sub(first.chars().count());
    let mut out = vec![Line::from(vec![
        Span::styled(first, style),
        Span::raw(" ".repeat(pad + 1)),
        Span::styled(right, theme.dim),
    ])];
    out.extend(lines.map(|l| Line::from(Span::styled(l, style))));
    // A status area shorter than the text (too small a terminal) shows its start.
    out.truncate(area.height.max(1) as usize);
    f.render_widget(Paragraph::new(out), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_fills_lines_and_breaks_long_words() {
        assert_eq!(wrap("a bb ccc", 4, 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4, 6), vec!["abcd", "efghij"]);
        assert_eq!(wrap("", 4, 4), vec![""]);
        assert_eq!(wrap("one two", 3, 10), vec!["one", "two"]);
    }

    #[test]
    fn the_status_grows_to_at_most_three_lines() {
        let theme = Theme::new(true, false);
        let short = Status::ok("Assigned.");
        assert_eq!(status_height(&theme, &short, None, 80), 1);
        let long = Status::ok("word ".repeat(30));
        assert_eq!(status_height(&theme, &long, None, 80), 2);
        let huge = Status::ok("word ".repeat(100));
        assert_eq!(status_height(&theme, &huge, None, 80), 3);
        let lines = status_lines(&theme, &huge, None, 80);
        assert!(lines[2].ends_with('…'), "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() < 80));
    }
}
