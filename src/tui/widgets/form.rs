//! Forms: text fields with a cursor (`tui-input`), each checked as you type by the same
//! domain parser the engine and the CLI use, with the message beside the field.

use super::{block, centered, fit, DialogEvent};
use crate::tui::theme::Theme;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// A field's check: `Ok` or the message to show beside it.
pub type Check = Box<dyn Fn(&str) -> Result<(), String> + Send>;

pub struct Field {
    pub label: &'static str,
    pub input: Input,
    pub hint: &'static str,
    pub check: Check,
    /// Shown as dots (service PIN, account numbers).
    pub secret: bool,
    /// The hint is a format to follow: gone once the field holds valid input.
    pub hint_until_valid: bool,
    /// What a line break in pasted text becomes (", " in a list of numbers).
    pub paste_separator: &'static str,
    initial: String,
}

impl Field {
    pub fn new(label: &'static str, value: &str, hint: &'static str, check: Check) -> Field {
        Field {
            label,
            input: Input::new(value.to_string()),
            hint,
            check,
            secret: false,
            hint_until_valid: false,
            paste_separator: " ",
            initial: value.to_string(),
        }
    }

    pub fn secret(mut self) -> Field {
        self.secret = true;
        self
    }

    /// A list field: pasted lines become items separated by ", ".
    pub fn list(mut self) -> Field {
        self.paste_separator = ", ";
        self
    }

    pub fn hint_until_valid(mut self) -> Field {
        self.hint_until_valid = true;
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    pub fn error(&self) -> Option<String> {
        (self.check)(self.input.value()).err()
    }
}

pub struct Form {
    pub title: String,
    /// Lines above the fields: what the form does and when it takes effect.
    pub intro: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The engine's answer when it refused the form.
    pub error: Option<String>,
    pub submit: &'static str,
}

impl Form {
    pub fn new(title: impl Into<String>, submit: &'static str) -> Form {
        Form {
            title: title.into(),
            intro: Vec::new(),
            fields: Vec::new(),
            focus: 0,
            error: None,
            submit,
        }
    }

    pub fn intro(mut self, line: impl Into<String>) -> Form {
        self.intro.push(line.into());
        self
    }

    pub fn field(mut self, f: Field) -> Form {
        self.fields.push(f);
        self
    }

    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map(|f| f.value()).unwrap_or("")
    }

    /// True when something was typed that would be lost.
    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(|f| f.input.value() != f.initial)
    }

    pub fn first_invalid(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.error().is_some())
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogEvent {
        let n = self.fields.len().max(1);
        match (key.code, key.modifiers) {
            (KeyCode::Esc, _) => return DialogEvent::Cancel,
            (KeyCode::Tab, _) | (KeyCode::Down, _) => self.focus = (self.focus + 1) % n,
            (KeyCode::BackTab, _) | (KeyCode::Up, _) => self.focus = (self.focus + n - 1) % n,
            (KeyCode::Enter, _) => match self.first_invalid() {
                Some(i) => self.focus = i,
                None => return DialogEvent::Done,
            },
            (KeyCode::Char('s'), KeyModifiers::CONTROL) => {
                if self.first_invalid().is_none() {
                    return DialogEvent::Done;
                }
            }
            _ => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    if f.input.handle_event(&Event::Key(key)).is_some() {
                        self.error = None;
                    }
                }
            }
        }
        DialogEvent::Open
    }

    /// Pasted text goes into the focused field; its line breaks never submit the form.
    pub fn paste(&mut self, text: &str) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            let text = super::pasted_text(text, f.paste_separator);
            super::insert_text(&mut f.input, &text);
            self.error = None;
        }
    }

    /// Lines the form needs at this inner width: the intro and the error as they wrap, two
    /// per field, a blank line and the key hint.
    fn height(&self, width: usize) -> u16 {
        let intro: usize = self.intro.iter().map(|l| wrapped_lines(l, width)).sum();
        let error = self.error.as_deref().map_or(0, |e| wrapped_lines(e, width));
        (intro + self.fields.len() * 2 + 4 + error) as u16
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        // 76 columns fit an 80-column terminal; wider ones give messages more room.
        let width = area.width.saturating_sub(4).clamp(76, 100);
        let rect = centered(
            area,
            width,
            self.height(width.saturating_sub(2) as usize) + 1,
        );
        f.render_widget(Clear, rect);
        let outer = block(theme, format!(" {} ", self.title));
        let mut inner = outer.inner(rect);
        f.render_widget(outer, rect);
        // The key hint gets its own line after the content, or the last line when the form
        // does not fit, so a long error can never push it out.
        if inner.height > 1 {
            let content = self.height(inner.width as usize).saturating_sub(4);
            let y = (inner.y + content + 1).min(inner.bottom() - 1);
            let hint = Rect {
                y,
                height: 1,
                ..inner
            };
            inner.height = y - inner.y;
            f.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled("Enter", theme.accent),
                    Span::raw(format!(" {}  ", self.submit)),
                    Span::styled("Tab", theme.accent),
                    Span::raw(" next field  "),
                    Span::styled("Esc", theme.accent),
                    Span::raw(" cancel"),
                ])),
                hint,
            );
        }
        let label_w = self
            .fields
            .iter()
            .map(|f| f.label.chars().count())
            .max()
            .unwrap_or(0)
            .min(24)
            + 2
            + 1;
        let input_w = (inner.width as usize)
            .saturating_sub(label_w + 3)
            .clamp(4, 30);
        let mut lines: Vec<Line> = self
            .intro
            .iter()
            .map(|l| Line::from(l.clone()).style(theme.dim))
            .collect();
        let mut cursor = None;
        for (i, field) in self.fields.iter().enumerate() {
            let focused = i == self.focus;
            let scroll = field.input.visual_scroll(input_w);
            let shown: String = if field.secret {
                "•".repeat(field.value().chars().count())
            } else {
                field.value().to_string()
            };
            let visible: String = shown.chars().skip(scroll).take(input_w).collect();
            let pad = input_w.saturating_sub(visible.chars().count());
            let fill = "_";
            let marker = if focused { "> " } else { "  " };
            let error = field.error();
            let mark = match (&error, field.value().is_empty()) {
                (Some(_), _) => Span::styled(" ✗", theme.error),
                (None, true) => Span::raw(""),
                (None, false) => Span::styled(" ✓", theme.ok),
            };
            let input_style = if focused { theme.accent } else { theme.text };
            lines.push(Line::from(vec![
                Span::styled(marker, theme.accent),
                Span::styled(format!("{:<w$}", field.label, w = label_w - 2), theme.text),
                Span::styled(format!("{visible}{}", fill.repeat(pad)), input_style),
                mark,
            ]));
            let below = match error {
                Some(e) if !field.value().is_empty() || focused => Span::styled(e, theme.error),
                None if field.hint_until_valid && !field.value().is_empty() => Span::raw(""),
                _ => Span::styled(field.hint, theme.dim),
            };
            // Under the input when it fits there, else from the left edge: never cut a rule.
            let room = (inner.width as usize).saturating_sub(label_w);
            let indent = if below.content.chars().count() <= room {
                label_w
            } else {
                2
            };
            let text = fit(
                &below.content,
                (inner.width as usize).saturating_sub(indent),
                theme.ascii,
            );
            lines.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(text, below.style),
            ]));
            if focused {
                let cur = field.input.visual_cursor().saturating_sub(scroll) as u16;
                let y = inner.y + (lines.len() as u16).saturating_sub(2);
                let x = inner.x + label_w as u16 + cur;
                if y < inner.bottom() && x < inner.right() {
                    cursor = Some(Position::new(x, y));
                }
            }
        }
        if let Some(e) = &self.error {
            lines.push(Line::from(e.clone()).style(theme.error));
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        if let Some(p) = cursor {
            f.set_cursor_position(p);
        }
    }
}

/// How many lines `text` takes when word-wrapped at `width` (as `Wrap` does; a word
/// longer than the line is broken).
fn wrapped_lines(text: &str, width: usize) -> usize {
    let width = width.max(1);
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        let need = if used == 0 { n } else { used + 1 + n };
        if need <= width {
            used = need;
        } else if n <= width {
            lines += 1;
            used = n;
        } else {
            lines += (used > 0) as usize + (n - 1) / width;
            used = match n % width {
                0 => width,
                r => r,
            };
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CallingName;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn validates_as_you_type_and_submits_only_when_valid() {
        let check: Check =
            Box::new(|s| CallingName::parse(s).map(|_| ()).map_err(|e| e.to_string()));
        let mut form = Form::new("Name", "Save").field(Field::new("Calling name", "", "", check));
        assert!(!form.is_dirty());
        form.handle_key(key(KeyCode::Char('A')));
        assert!(form.is_dirty());
        assert!(form.fields[0].error().unwrap().contains("at least 2"));
        assert_eq!(form.handle_key(key(KeyCode::Enter)), DialogEvent::Open);
        form.handle_key(key(KeyCode::Char('b')));
        assert_eq!(form.fields[0].error(), None);
        assert_eq!(form.handle_key(key(KeyCode::Enter)), DialogEvent::Done);
        assert_eq!(form.value(0), "Ab");
    }

    #[test]
    fn a_long_error_never_hides_the_key_hint() {
        use ratatui::backend::TestBackend;
        use ratatui::Terminal;
        let theme = Theme::new(true, false);
        let mut form = Form::new("Port numbers in", "next")
            .intro("Step 1 of 2.")
            .field(Field::new(
                "Numbers",
                "",
                "one per line",
                Box::new(|_| Ok(())),
            ));
        form.error = Some(
            "a Voice Connector port-in needs a voice connector to put the numbers on: create one \
             in the Directory first, or choose Business Calling for numbers that people use"
                .into(),
        );
        for (w, h) in [(80, 24), (120, 40), (80, 10)] {
            let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
            term.draw(|f| form.draw(f, f.area(), &theme)).unwrap();
            let screen = format!("{}", term.backend());
            assert!(screen.contains("Enter next"), "{w}x{h}:\n{screen}");
            if h > 10 {
                assert!(screen.contains("that people use"), "{w}x{h}:\n{screen}");
            }
        }
    }

    #[test]
    fn wrapped_lines_counts_as_word_wrap_does() {
        assert_eq!(wrapped_lines("", 10), 1);
        assert_eq!(wrapped_lines("abc def", 7), 1);
        assert_eq!(wrapped_lines("abc def", 6), 2);
        assert_eq!(wrapped_lines("abcdefghij", 5), 2);
    }
}
