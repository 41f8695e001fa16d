//! The `:` line: a command's name, then its arguments in the command line's words
//! (`:assign +12065550123 vc "Main trunk"`), split as a shell would (quotes keep spaces);
//! and what Tab offers for the word being typed. Which command a name means and what
//! an argument is are the key map's and the screens' to say: this only reads the line.

use crate::domain::AssigneeKind;

/// A `:` line read: the command's name and the text after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed<'a> {
    pub name: &'a str,
    /// Everything after the name, as typed (a `:filter` keeps its own quoting).
    pub rest: &'a str,
}

impl<'a> Typed<'a> {
    /// None for an empty line.
    pub fn read(text: &'a str) -> Option<Typed<'a>> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let (name, rest) = text
            .split_once(char::is_whitespace)
            .map_or((text, ""), |(n, r)| (n, r.trim()));
        Some(Typed { name, rest })
    }

    /// The arguments, split as a shell would; an unclosed quote is said in words.
    pub fn args(&self) -> Result<Vec<String>, String> {
        split(self.rest)
    }
}

/// Words split as a shell would (`vc "Main trunk"` is two words).
pub fn split(text: &str) -> Result<Vec<String>, String> {
    shell_words::split(text).map_err(|_| {
        "a quote is not closed: end the quoted words with the same quote mark".to_string()
    })
}

/// A word as it must be typed to read back as itself (`"Main trunk"` with its quotes).
pub fn quoted(word: &str) -> String {
    shell_words::quote(word).into_owned()
}

/// What an argument of a command can be, for Tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// Numbers or ids listed on the screen (`+12065550123`, `order-12`).
    Listed,
    /// Where a number goes (`user`, `vc`, `group`, `sma`), then the assignee's name.
    Assignee,
    /// A product type (`bc`, `vc`), after the numbers.
    ProductType,
    /// The `/` filter's fields and values.
    Filter,
    /// A saved view's name.
    View,
    /// A sortable column of the screen.
    Column,
    /// Nothing to offer (a calling name).
    Free,
}

/// The kind of argument each command takes, by its `:` name.
pub fn arg_kind(name: &str) -> ArgKind {
    match name {
        "assign" | "reassign" => ArgKind::Assignee,
        "product-type" => ArgKind::ProductType,
        "filter" => ArgKind::Filter,
        "view" => ArgKind::View,
        "sort" => ArgKind::Column,
        "default-name" | "calling-name" => ArgKind::Free,
        _ => ArgKind::Listed,
    }
}

/// The line split at the word Tab completes: the text before it and the word so far
/// (empty after a space). Quotes that are still open belong to the word.
pub fn last_word(text: &str) -> (&str, &str) {
    let mut start = 0;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => start = i + c.len_utf8(),
            _ => {}
        }
    }
    (&text[..start], &text[start..])
}

/// The word so far without its quotes, to compare with candidates.
pub fn unquoted(word: &str) -> String {
    word.chars().filter(|c| *c != '"' && *c != '\'').collect()
}

/// The words of an assignment already typed: is the word being completed the assignee's
/// name (after `vc`), and of which kind.
pub fn assignee_kind_before(args_before: &[String]) -> Option<AssigneeKind> {
    args_before.last().and_then(|w| AssigneeKind::parse(w))
}

/// Tab's cycle over the candidates for one word: each Tab puts the next one in its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The line before the word.
    pub head: String,
    pub options: Vec<String>,
    pub at: usize,
}

impl Cycle {
    /// The line with the current candidate in place (quoted when it has spaces); the one
    /// candidate is followed by a space, ready for the next word.
    pub fn line(&self) -> String {
        let word = &self.options[self.at];
        let word = if word.ends_with(':') || word.contains(':') {
            // Filter terms carry their own quoting (`vc:"Main trunk"`).
            word.clone()
        } else {
            quoted(word)
        };
        let space = if self.options.len() == 1 && !word.ends_with(':') {
            " "
        } else {
            ""
        };
        format!("{}{word}{space}", self.head)
    }

    pub fn step(&mut self, back: bool) {
        let n = self.options.len();
        self.at = if back {
            (self.at + n - 1) % n
        } else {
            (self.at + 1) % n
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_a_name_and_words_split_as_a_shell_would() {
        let t = Typed::read(r#" assign +12065550123 vc "Main trunk" "#).unwrap();
        assert_eq!(t.name, "assign");
        assert_eq!(t.args().unwrap(), vec!["+12065550123", "vc", "Main trunk"]);
        assert_eq!(Typed::read("  "), None);
        let t = Typed::read(r#"filter vc:"Main trunk" !status:assigned"#).unwrap();
        assert_eq!(t.rest, r#"vc:"Main trunk" !status:assigned"#);
        let bad = Typed::read(r#"assign +12065550123 vc "Main"#).unwrap();
        assert!(bad.args().unwrap_err().contains("quote is not closed"));
    }

    #[test]
    fn the_last_word_keeps_an_open_quote() {
        assert_eq!(last_word("assign vc "), ("assign vc ", ""));
        assert_eq!(
            last_word(r#"assign vc "Main t"#),
            ("assign vc ", r#""Main t"#)
        );
        assert_eq!(last_word("go"), ("", "go"));
    }

    #[test]
    fn tab_cycles_and_quotes_what_has_spaces() {
        let mut c = Cycle {
            head: "assign vc ".into(),
            options: vec!["Main trunk".into(), "Trunk East".into()],
            at: 0,
        };
        assert_eq!(c.line(), "assign vc 'Main trunk'");
        c.step(false);
        assert_eq!(c.line(), "assign vc 'Trunk East'");
        c.step(false);
        assert_eq!(c.at, 0);
        c.step(true);
        assert_eq!(c.at, 1);
        let one = Cycle {
            head: String::new(),
            options: vec!["delete".into()],
            at: 0,
        };
        assert_eq!(one.line(), "delete ");
    }
}
