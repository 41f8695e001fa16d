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

/// Lines a multi-line field shows (it scrolls to its cursor beyond that).
const TEXT_ROWS: usize = 4;

pub struct Field {
    pub label: &'static str,
    pub input: Input,
    pub hint: &'static str,
    pub check: Check,
    /// Shown as dots (service PIN, account numbers) until revealed.
    pub secret: bool,
    revealed: bool,
    /// The hint is a format to follow: gone once the field holds valid input.
    pub hint_until_valid: bool,
    /// What a line break in pasted text becomes (", " in a list of numbers).
    pub paste_separator: &'static str,
    /// A pick list: the value is one of these, chosen with Left/Right (or Space).
    options: Vec<String>,
    /// Several lines: Enter adds one (an issue, a reply).
    multiline: bool,
    /// Typed in, chosen or left: its check's message shows from then on.
    touched: bool,
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
            revealed: false,
            hint_until_valid: false,
            paste_separator: " ",
            options: Vec::new(),
            multiline: false,
            touched: false,
            initial: value.to_string(),
        }
    }

    /// A pick list of `options`, starting on `value` (the first option when it is none).
    pub fn choice(
        label: &'static str,
        options: Vec<String>,
        value: &str,
        hint: &'static str,
    ) -> Field {
        let value = if options.iter().any(|o| o == value) {
            value.to_string()
        } else {
            options.first().cloned().unwrap_or_default()
        };
        let mut f = Field::new(label, &value, hint, Box::new(|_| Ok(())));
        f.options = options;
        f
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

    /// Text over several lines: Enter adds a line, pasted line breaks stay.
    pub fn multiline(mut self) -> Field {
        self.multiline = true;
        self.paste_separator = "\n";
        self
    }

    pub fn hint_until_valid(mut self) -> Field {
        self.hint_until_valid = true;
        self
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Sets the value as if the form had opened with it (not unsaved input).
    pub fn prefill(&mut self, value: &str) {
        self.input = Input::new(value.to_string());
        self.initial = value.to_string();
    }

    /// Sets the value as typed (unsaved input).
    pub fn set(&mut self, value: &str) {
        self.input = Input::new(value.to_string());
        self.touched = true;
    }

    pub fn error(&self) -> Option<String> {
        (self.check)(self.input.value()).err()
    }

    pub fn is_choice(&self) -> bool {
        !self.options.is_empty()
    }

    /// The position of a choice field's value in its options.
    pub fn chosen(&self) -> usize {
        self.options
            .iter()
            .position(|o| o == self.value())
            .unwrap_or(0)
    }

    /// Left/Right (and Space) cycle a choice field; other typing does nothing there.
    fn choose(&mut self, key: KeyEvent) -> bool {
        let n = self.options.len();
        let i = self.chosen();
        let next = match key.code {
            KeyCode::Left => (i + n - 1) % n,
            KeyCode::Right | KeyCode::Char(' ') => (i + 1) % n,
            KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete => return true,
            _ => return false,
        };
        self.input = Input::new(self.options[next].clone());
        self.touched = true;
        true
    }

    /// Lines the field takes on the form: its input and the line below it.
    fn rows(&self) -> usize {
        if self.multiline {
            TEXT_ROWS + 1
        } else {
            2
        }
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
    /// Submit was asked: every field's message shows.
    submitted: bool,
    /// Esc goes back a step (keeping the input) rather than closing.
    back_on_esc: bool,
    /// Esc was pressed on a form holding input: y throws it away, n keeps editing.
    discarding: bool,
    /// Secret fields may be shown in full (administrators only; see `Role::may_reveal`).
    pub may_reveal: bool,
}

/// What Esc asks before it throws typed input away.
pub const DISCARD_QUESTION: &str = "Discard what you typed?";

impl Form {
    pub fn new(title: impl Into<String>, submit: &'static str) -> Form {
        Form {
            title: title.into(),
            intro: Vec::new(),
            fields: Vec::new(),
            focus: 0,
            error: None,
            submit,
            submitted: false,
            back_on_esc: false,
            discarding: false,
            may_reveal: false,
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

    /// Esc goes back a step of a wizard, which keeps the input: nothing to ask.
    pub fn back_on_esc(mut self) -> Form {
        self.back_on_esc = true;
        self
    }

    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map(|f| f.value()).unwrap_or("")
    }

    /// The position of choice field `i`'s value in its options.
    pub fn chosen(&self, i: usize) -> usize {
        self.fields.get(i).map_or(0, |f| f.chosen())
    }

    /// True when something was typed that would be lost.
    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(|f| f.input.value() != f.initial)
    }

    pub fn first_invalid(&self) -> Option<usize> {
        self.fields.iter().position(|f| f.error().is_some())
    }

    /// Asks before Esc throws the input away (the caller knows of input elsewhere).
    pub fn ask_discard(&mut self) {
        self.discarding = true;
    }

    /// Submit asked: every field's message shows from now on; the first field in error
    /// takes the focus, or the form is done.
    fn try_submit(&mut self) -> DialogEvent {
        self.submitted = true;
        match self.first_invalid() {
            Some(i) => {
                self.focus = i;
                DialogEvent::Open
            }
            None => DialogEvent::Done,
        }
    }

    fn move_focus(&mut self, to: usize) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            f.touched = true;
        }
        self.focus = to;
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> DialogEvent {
        if self.discarding {
            match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => return DialogEvent::Cancel,
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => self.discarding = false,
                _ => {}
            }
            return DialogEvent::Open;
        }
        let n = self.fields.len().max(1);
        let focused = self.fields.get(self.focus);
        let multiline = focused.is_some_and(|f| f.multiline);
        let choice = focused.is_some_and(|f| f.is_choice());
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match (key.code, key.modifiers) {
            (KeyCode::Esc, _) if !self.back_on_esc && self.is_dirty() => self.discarding = true,
            (KeyCode::Esc, _) => return DialogEvent::Cancel,
            (KeyCode::Tab, _) | (KeyCode::Down, _) => self.move_focus((self.focus + 1) % n),
            (KeyCode::BackTab, _) | (KeyCode::Up, _) => self.move_focus((self.focus + n - 1) % n),
            (KeyCode::Enter, _) if multiline => {
                self.edit(KeyEvent::new(KeyCode::Char('\n'), KeyModifiers::NONE))
            }
            (KeyCode::Enter, _) | (KeyCode::Char('s'), KeyModifiers::CONTROL) => {
                return self.try_submit()
            }
            (KeyCode::Char('r'), KeyModifiers::CONTROL) => self.toggle_reveal(),
            _ if choice && !ctrl => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    if f.choose(key) {
                        self.error = None;
                    }
                }
            }
            _ => self.edit(key),
        }
        DialogEvent::Open
    }

    fn edit(&mut self, key: KeyEvent) {
        if let Some(f) = self.fields.get_mut(self.focus) {
            if f.input.handle_event(&Event::Key(key)).is_some() {
                f.touched = true;
                self.error = None;
            }
        }
    }

    /// Ctrl-R shows or hides the focused secret field, for those who may see it.
    fn toggle_reveal(&mut self) {
        let may = self.may_reveal;
        let Some(f) = self.fields.get_mut(self.focus).filter(|f| f.secret) else {
            return;
        };
        if may {
            f.revealed = !f.revealed;
        } else {
            self.error = Some(format!(
                "Only administrators can show the {}; it stays masked.",
                f.label.to_lowercase()
            ));
        }
    }

    /// Pasted text goes into the focused field; its line breaks never submit the form.
    /// A choice field takes none.
    pub fn paste(&mut self, text: &str) {
        if let Some(f) = self.fields.get_mut(self.focus).filter(|f| !f.is_choice()) {
            let text = super::pasted_text(text, f.paste_separator);
            super::insert_text(&mut f.input, &text);
            f.touched = true;
            self.error = None;
        }
    }

    /// Lines the form needs at this inner width: the intro and the error as they wrap, the
    /// fields', a blank line and the key hint.
    fn height(&self, width: usize) -> u16 {
        let intro: usize = self.intro.iter().map(|l| wrapped_lines(l, width)).sum();
        let error = self.error.as_deref().map_or(0, |e| wrapped_lines(e, width));
        let fields: usize = self.fields.iter().map(|f| f.rows()).sum();
        (intro + fields + 4 + error) as u16
    }

    /// The key hint for the focused field.
    fn key_hint(&self, theme: &Theme) -> Line<'static> {
        if self.discarding {
            return Line::from(vec![
                Span::styled(DISCARD_QUESTION, theme.warn),
                Span::raw("  "),
                Span::styled("y", theme.accent),
                Span::raw(" discard  "),
                Span::styled("n", theme.accent),
                Span::raw(" keep editing"),
            ]);
        }
        let focused = self.fields.get(self.focus);
        let mut keys: Vec<(&str, String)> = Vec::new();
        if focused.is_some_and(|f| f.multiline) {
            keys.push(("Enter", "new line".into()));
            keys.push(("ctrl-s", self.submit.into()));
        } else {
            keys.push(("Enter", self.submit.into()));
        }
        if focused.is_some_and(|f| f.is_choice()) {
            keys.push(("←/→", "choose".into()));
        }
        if focused.is_some_and(|f| f.secret) && self.may_reveal {
            let shown = focused.is_some_and(|f| f.revealed);
            keys.push(("ctrl-r", if shown { "hide" } else { "show" }.into()));
        }
        keys.push(("Tab", "next field".into()));
        keys.push((
            "Esc",
            if self.back_on_esc { "back" } else { "cancel" }.into(),
        ));
        let mut spans = Vec::new();
        for (i, (key, what)) in keys.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw("  "));
            }
            spans.push(Span::styled(key.to_string(), theme.accent));
            spans.push(Span::raw(format!(" {what}")));
        }
        Line::from(spans)
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
            f.render_widget(Paragraph::new(self.key_hint(theme)), hint);
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
            let error = field.error();
            let judged = field.touched || self.submitted;
            // A choice is always one of its options: no mark.
            let mark = match (&error, field.value().is_empty() || field.is_choice()) {
                (Some(_), _) if judged => Span::styled(" ✗", theme.error),
                (Some(_), _) | (None, true) => Span::raw(""),
                (None, false) => Span::styled(" ✓", theme.ok),
            };
            let input_style = if focused { theme.accent } else { theme.text };
            let marker = if focused { "> " } else { "  " };
            let label = Span::styled(format!("{:<w$}", field.label, w = label_w - 2), theme.text);
            let (rows, at) = field_rows(field, input_w, theme.ascii);
            let first = lines.len();
            for (r, text) in rows.into_iter().enumerate() {
                let pad = input_w.saturating_sub(text.chars().count());
                let fill = if field.is_choice() { " " } else { "_" };
                let mut spans = if r == 0 {
                    vec![Span::styled(marker, theme.accent), label.clone()]
                } else {
                    vec![Span::raw(" ".repeat(label_w))]
                };
                spans.push(Span::styled(
                    format!("{text}{}", fill.repeat(pad)),
                    input_style,
                ));
                if r == 0 {
                    spans.push(mark.clone());
                }
                lines.push(Line::from(spans));
            }
            let below = match error {
                Some(e) if judged => Span::styled(e, theme.error),
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
            if let (true, Some((row, col))) = (focused, at) {
                let y = inner.y + (first + row) as u16;
                let x = inner.x + (label_w + col) as u16;
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

/// A field's input as drawn in `width` columns: its rows (one, or `TEXT_ROWS` for text
/// over several lines) and where the cursor is among them (none on a choice field).
fn field_rows(field: &Field, width: usize, ascii: bool) -> (Vec<String>, Option<(usize, usize)>) {
    let value = field.value();
    if field.is_choice() {
        let (l, r) = if ascii { ("<", ">") } else { ("◂", "▸") };
        return (vec![format!("{l} {value} {r}")], None);
    }
    let shown: String = if field.secret && !field.revealed {
        "•".repeat(value.chars().count())
    } else {
        value.to_string()
    };
    if !field.multiline {
        let scroll = field.input.visual_scroll(width);
        let visible: String = shown.chars().skip(scroll).take(width).collect();
        let col = field.input.visual_cursor().saturating_sub(scroll);
        return (vec![visible], Some((0, col)));
    }
    // Each line cut into rows of `width` characters; the window of rows holds the cursor.
    let cursor = field.input.cursor();
    let mut rows: Vec<String> = Vec::new();
    let mut at = (0, 0);
    let mut seen = 0;
    for line in shown.split('\n') {
        let chars: Vec<char> = line.chars().collect();
        let chunks: Vec<String> = if chars.is_empty() {
            vec![String::new()]
        } else {
            chars
                .chunks(width.max(1))
                .map(|c| c.iter().collect())
                .collect()
        };
        let len = chars.len();
        if cursor >= seen && cursor <= seen + len {
            let (off, w) = (cursor - seen, width.max(1));
            // At the end of a full last row the cursor stays on it, after its last character.
            let (r, c) = if off > 0 && off == len && off % w == 0 {
                (off / w - 1, w)
            } else {
                (off / w, off % w)
            };
            at = (rows.len() + r, c);
        }
        rows.extend(chunks);
        seen += len + 1;
    }
    let start = (at.0 + 1).saturating_sub(TEXT_ROWS);
    let mut window: Vec<String> = rows.into_iter().skip(start).take(TEXT_ROWS).collect();
    window.resize(TEXT_ROWS, String::new());
    (window, Some((at.0 - start, at.1)))
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
