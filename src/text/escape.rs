//! Hidden characters made visible for people: each one is written as its escape, `\t`,
//! `\r`, `\n` or `\u{1b}` (the character's code in hex), so a label holding an escape
//! sequence or a right-to-left override reads as exactly what it holds. Everything else,
//! backslashes included, shows as itself.

use super::chars::is_hidden;
use std::borrow::Cow;
use std::fmt::Write as _;

/// Text for one line (a table cell, a status line): every hidden character escaped, line
/// breaks included.
pub fn one_line(text: &str) -> Cow<'_, str> {
    escaped(text, false)
}

/// Text that may span lines (an issue, a reply): line breaks kept, every other hidden
/// character escaped.
pub fn lines(text: &str) -> Cow<'_, str> {
    escaped(text, true)
}

fn escaped(text: &str, keep_line_breaks: bool) -> Cow<'_, str> {
    let hides = |c: char| is_hidden(c) && !(keep_line_breaks && c == '\n');
    if !text.chars().any(hides) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hides(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The visible form of one hidden character.
pub fn push_escape(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// A writer that lets no hidden character through: line breaks pass (they are the
/// output's own), every other hidden character is written as its escape. Every human
/// output of the command line (and so of SSH commands) goes through one. Text is UTF-8; a
/// character cut between two writes is held until its end arrives, and bytes that are not
/// UTF-8 are written as U+FFFD.
pub struct Escaping<W: std::io::Write> {
    inner: W,
    /// The start of a character whose other bytes have not arrived yet.
    partial: Vec<u8>,
}

impl<W: std::io::Write> Escaping<W> {
    pub fn new(inner: W) -> Self {
        Escaping {
            inner,
            partial: Vec::new(),
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: std::io::Write> std::io::Write for Escaping<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        // The common case, written as it came: whole text with nothing to escape.
        if self.partial.is_empty() {
            if let Ok(text) = std::str::from_utf8(bytes) {
                if let Cow::Borrowed(_) = lines(text) {
                    return self.inner.write_all(bytes);
                }
            }
        }
        let joined;
        let mut rest: &[u8] = if self.partial.is_empty() {
            bytes
        } else {
            self.partial.extend_from_slice(bytes);
            joined = std::mem::take(&mut self.partial);
            &joined
        };
        let mut out = String::new();
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    out.push_str(&lines(text));
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    // Checked by from_utf8 just above.
                    out.push_str(&lines(std::str::from_utf8(good).unwrap_or_default()));
                    match e.error_len() {
                        Some(n) => {
                            out.push('\u{FFFD}');
                            rest = &bad[n..];
                        }
                        None => {
                            self.partial = bad.to_vec();
                            break;
                        }
                    }
                }
            }
        }
        self.inner.write_all(out.as_bytes())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn hidden_characters_show_as_their_escapes() {
        assert_eq!(one_line("Desk\u{1b}[31mred\tA"), "Desk\\u{1b}[31mred\\tA");
        assert_eq!(
            one_line("\u{9b}2J \u{9d}0;x\u{7}"),
            "\\u{9b}2J \\u{9d}0;x\\u{7}"
        );
        assert_eq!(one_line("+1 206\u{202e}321"), "+1 206\\u{202e}321");
        assert_eq!(one_line("line one\nline two"), "line one\\nline two");
        assert_eq!(lines("line one\nline two\r"), "line one\nline two\\r");
        assert!(matches!(one_line("Ana Lima • C:\\x"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_escapes_across_cut_characters() {
        let mut w = Escaping::new(Vec::new());
        let text = "a\u{202e}b\u{9b}c\n".as_bytes();
        // Every cut, including inside the two-byte and three-byte characters.
        for cut in 0..text.len() {
            w.write_all(&text[..cut]).unwrap();
            w.write_all(&text[cut..]).unwrap();
        }
        let out = String::from_utf8(w.into_inner()).unwrap();
        assert_eq!(out, "a\\u{202e}b\\u{9b}c\n".repeat(text.len()));
    }

    #[test]
    fn the_writer_replaces_bytes_that_are_not_text() {
        let mut w = Escaping::new(Vec::new());
        w.write_all(b"a\xffb\x1b").unwrap();
        assert_eq!(
            String::from_utf8(w.into_inner()).unwrap(),
            "a\u{FFFD}b\\u{1b}"
        );
    }
}
