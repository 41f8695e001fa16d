//! The one place where text from the store becomes text for the terminal: control
//! characters (escape sequences, carriage returns, bells) are dropped so nothing an
//! administrator typed can drive another administrator's terminal.

use std::borrow::Cow;

/// `text` without control characters; tabs and newlines become spaces.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_keeps_the_rest() {
        assert_eq!(sanitize("Ana\u{1b}[2J Lima\u{7}"), "Ana[2J Lima");
        assert_eq!(sanitize("a\tb\nc"), "a b c");
        assert_eq!(sanitize("\u{9b}31mred"), "31mred");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }
}
