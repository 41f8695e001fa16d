//! Key names as written in the configuration and shown in the help: `d`, `G`, `ctrl-r`,
//! `alt-x`, `Enter`, `Esc`, `Space`, `Tab`, `shift-tab`, `PgUp`, `F1`.

use super::{Key, KeyCodeKey};

const NAMED: [(&str, &str); 16] = [
    ("enter", "Enter"),
    ("return", "Enter"),
    ("esc", "Esc"),
    ("escape", "Esc"),
    ("tab", "Tab"),
    ("backtab", "BackTab"),
    ("backspace", "Backspace"),
    ("delete", "Delete"),
    ("del", "Delete"),
    ("insert", "Insert"),
    ("up", "Up"),
    ("down", "Down"),
    ("left", "Left"),
    ("right", "Right"),
    ("home", "Home"),
    ("end", "End"),
];

pub fn parse_key(text: &str) -> Result<Key, String> {
    let bad = |why: &str| format!("“{text}” is not a key: {why}");
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad("it is empty"));
    }
    let (mut ctrl, mut alt, mut shift) = (false, false, false);
    loop {
        let lower = rest.to_ascii_lowercase();
        let cut = [
            "ctrl-", "ctrl+", "c-", "alt-", "alt+", "a-", "m-", "shift-", "shift+", "s-",
        ]
        .iter()
        .find(|p| lower.starts_with(**p) && rest.len() > p.len());
        match cut {
            Some(p) => {
                match p.chars().next() {
                    Some('c') => ctrl = true,
                    Some('a') | Some('m') => alt = true,
                    _ => shift = true,
                }
                rest = &rest[p.len()..];
            }
            None => break,
        }
    }
    if rest.ends_with('-') && rest.len() > 1 || rest.ends_with('+') && rest.len() > 1 {
        return Err(bad("a modifier needs a key after it, e.g. ctrl-r"));
    }
    let lower = rest.to_ascii_lowercase();
    let code = if rest.chars().count() == 1 {
        let c = rest.chars().next().unwrap_or(' ');
        if shift && c.is_ascii_alphabetic() {
            KeyCodeKey::Char(c.to_ascii_uppercase())
        } else {
            KeyCodeKey::Char(c)
        }
    } else if lower == "space" {
        KeyCodeKey::Char(' ')
    } else if lower == "pgup" || lower == "pageup" {
        KeyCodeKey::Named("PgUp")
    } else if lower == "pgdn" || lower == "pagedown" || lower == "pgdown" {
        KeyCodeKey::Named("PgDn")
    } else if lower == "tab" && shift {
        KeyCodeKey::Named("BackTab")
    } else if let Some((_, n)) = NAMED.iter().find(|(k, _)| *k == lower) {
        KeyCodeKey::Named(n)
    } else if let Some(n) = lower
        .strip_prefix('f')
        .and_then(|d| d.parse::<u8>().ok())
        .filter(|n| (1..=12).contains(n))
    {
        KeyCodeKey::F(n)
    } else {
        return Err(bad("use one character, Space, Enter, Esc, Tab, shift-tab, Backspace, Delete, Insert, Up, Down, Left, Right, Home, End, PgUp, PgDn or F1-F12, with ctrl- or alt- in front if needed"));
    };
    Ok(Key { code, ctrl, alt })
}

pub fn format_key(k: &Key) -> String {
    let mut s = String::new();
    if k.ctrl {
        s.push_str("ctrl-");
    }
    if k.alt {
        s.push_str("alt-");
    }
    match k.code {
        KeyCodeKey::Char(' ') => s.push_str("Space"),
        KeyCodeKey::Char(c) => s.push(c),
        KeyCodeKey::F(n) => s.push_str(&format!("F{n}")),
        KeyCodeKey::Named("BackTab") => s.push_str("shift-Tab"),
        KeyCodeKey::Named("Up") => s.push('↑'),
        KeyCodeKey::Named("Down") => s.push('↓'),
        KeyCodeKey::Named(n) => s.push_str(n),
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_spellings() {
        assert_eq!(
            parse_key("ctrl-r").unwrap(),
            Key {
                code: KeyCodeKey::Char('r'),
                ctrl: true,
                alt: false
            }
        );
        assert_eq!(
            parse_key("shift-tab").unwrap().code,
            KeyCodeKey::Named("BackTab")
        );
        assert_eq!(parse_key("Space").unwrap().code, KeyCodeKey::Char(' '));
        assert_eq!(parse_key("F5").unwrap().code, KeyCodeKey::F(5));
        assert_eq!(parse_key("-").unwrap().code, KeyCodeKey::Char('-'));
        assert!(parse_key("ctrl-").is_err());
        assert!(parse_key("hyper-x").is_err());
        assert!(parse_key("").is_err());
    }
}
