//! Which characters are hidden: they do something to a terminal (or to how a line reads)
//! instead of showing as themselves. The input rule refuses them and every output escapes
//! them, so both read this one list.

/// What kind of hidden character, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F): terminal commands.
    Control,
    /// Marks, embeddings, overrides and isolates that change the order a line is read in.
    Bidirectional,
    /// U+2028 and U+2029: line breaks that some programs honour and others do not.
    Separator,
}

impl Kind {
    pub fn words(self) -> &'static str {
        match self {
            Kind::Control => "a control character",
            Kind::Bidirectional => "a bidirectional control character",
            Kind::Separator => "an invisible line break",
        }
    }
}

/// A hidden character described for a person: "escape, U+001B".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hidden {
    pub ch: char,
    pub kind: Kind,
    pub name: &'static str,
}

impl std::fmt::Display for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}, U+{:04X})",
            self.kind.words(),
            self.name,
            self.ch as u32
        )
    }
}

const C0: [&str; 32] = [
    "null",
    "start of heading",
    "start of text",
    "end of text",
    "end of transmission",
    "enquiry",
    "acknowledge",
    "bell",
    "backspace",
    "tab",
    "line feed",
    "vertical tab",
    "form feed",
    "carriage return",
    "shift out",
    "shift in",
    "data link escape",
    "device control one",
    "device control two",
    "device control three",
    "device control four",
    "negative acknowledge",
    "synchronous idle",
    "end of transmission block",
    "cancel",
    "end of medium",
    "substitute",
    "escape",
    "file separator",
    "group separator",
    "record separator",
    "unit separator",
];

const C1: [&str; 32] = [
    "padding character",
    "high octet preset",
    "break permitted here",
    "no break here",
    "index",
    "next line",
    "start of selected area",
    "end of selected area",
    "character tabulation set",
    "character tabulation with justification",
    "line tabulation set",
    "partial line forward",
    "partial line backward",
    "reverse line feed",
    "single shift two",
    "single shift three",
    "device control string",
    "private use one",
    "private use two",
    "set transmit state",
    "cancel character",
    "message waiting",
    "start of guarded area",
    "end of guarded area",
    "start of string",
    "single graphic character introducer",
    "single character introducer",
    "control sequence introducer",
    "string terminator",
    "operating system command",
    "privacy message",
    "application program command",
];

/// The character described if it is hidden; `None` for every character that shows as
/// itself.
pub fn hidden(c: char) -> Option<Hidden> {
    let (kind, name) = match c as u32 {
        n @ 0x00..=0x1F => (Kind::Control, C0[n as usize]),
        0x7F => (Kind::Control, "delete"),
        n @ 0x80..=0x9F => (Kind::Control, C1[(n - 0x80) as usize]),
        0x061C => (Kind::Bidirectional, "arabic letter mark"),
        0x200E => (Kind::Bidirectional, "left-to-right mark"),
        0x200F => (Kind::Bidirectional, "right-to-left mark"),
        0x202A => (Kind::Bidirectional, "left-to-right embedding"),
        0x202B => (Kind::Bidirectional, "right-to-left embedding"),
        0x202C => (Kind::Bidirectional, "pop directional formatting"),
        0x202D => (Kind::Bidirectional, "left-to-right override"),
        0x202E => (Kind::Bidirectional, "right-to-left override"),
        0x2066 => (Kind::Bidirectional, "left-to-right isolate"),
        0x2067 => (Kind::Bidirectional, "right-to-left isolate"),
        0x2068 => (Kind::Bidirectional, "first strong isolate"),
        0x2069 => (Kind::Bidirectional, "pop directional isolate"),
        0x2028 => (Kind::Separator, "line separator"),
        0x2029 => (Kind::Separator, "paragraph separator"),
        _ => return None,
    };
    Some(Hidden { ch: c, kind, name })
}

pub fn is_hidden(c: char) -> bool {
    hidden(c).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_character_is_hidden_and_named() {
        for c in (0u32..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_control() {
                let h = hidden(c).unwrap_or_else(|| panic!("U+{:04X} is not hidden", c as u32));
                assert_eq!(h.kind, Kind::Control);
                assert!(!h.name.is_empty());
            }
        }
    }

    #[test]
    fn bidirectional_controls_are_hidden() {
        for c in [
            '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{61C}',
        ] {
            assert_eq!(hidden(c).map(|h| h.kind), Some(Kind::Bidirectional));
        }
        assert!(!is_hidden('a') && !is_hidden('é') && !is_hidden('•') && !is_hidden(' '));
    }

    #[test]
    fn a_hidden_character_reads_with_its_name_and_code() {
        assert_eq!(
            hidden('\u{1b}').unwrap().to_string(),
            "a control character (escape, U+001B)"
        );
        assert_eq!(
            hidden('\u{9b}').unwrap().to_string(),
            "a control character (control sequence introducer, U+009B)"
        );
        assert_eq!(
            hidden('\u{202E}').unwrap().to_string(),
            "a bidirectional control character (right-to-left override, U+202E)"
        );
    }
}
