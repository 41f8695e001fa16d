//! The key map: every console command has a name (used by `:` and by `[tui.keys]` in the
//! configuration), a scope, default keys and a line of help. The `?` overlay and the `:`
//! completion are generated from this table, so they cannot drift from the keys.

mod defaults;
mod parse;

pub use defaults::{Cmd, Scope, COMMANDS};
pub use parse::{format_key, parse_key};

use crate::config::KeyList;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::{BTreeMap, HashMap};

/// One command's row in the table.
#[derive(Debug, Clone, Copy)]
pub struct CmdInfo {
    pub cmd: Cmd,
    /// The name for `:` and the configuration: `delete`, `next-tab`.
    pub name: &'static str,
    pub scope: Scope,
    pub keys: &'static [&'static str],
    pub help: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyMapError {
    #[error("[tui.keys] `{name}`: there is no console action of that name (see docs/keys.md)")]
    UnknownAction { name: String },
    #[error("[tui.keys] `{name}`: {message}")]
    BadKey { name: String, message: String },
    #[error("[tui.keys] `{name}` and `{other}` both use {key} on the {scope} screen")]
    Conflict {
        name: String,
        other: String,
        key: String,
        scope: &'static str,
    },
    #[error("[tui.keys] `{name}` has no keys: give at least one")]
    NoKeys { name: String },
}

/// A key press reduced to what bindings compare: code and the Ctrl/Alt modifiers (Shift is
/// part of the character for letters and symbols).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCodeKey,
    pub ctrl: bool,
    pub alt: bool,
}

/// `KeyCode` with the variants bindings use, orderable for stable help output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCodeKey {
    Char(char),
    F(u8),
    Named(&'static str),
}

impl Key {
    pub fn from_event(ev: &KeyEvent) -> Option<Key> {
        let named = |n| Some(KeyCodeKey::Named(n));
        let code = match ev.code {
            KeyCode::Char(c) => Some(KeyCodeKey::Char(c)),
            KeyCode::F(n) => Some(KeyCodeKey::F(n)),
            KeyCode::Enter => named("Enter"),
            KeyCode::Esc => named("Esc"),
            KeyCode::Tab => named("Tab"),
            KeyCode::BackTab => named("BackTab"),
            KeyCode::Backspace => named("Backspace"),
            KeyCode::Delete => named("Delete"),
            KeyCode::Insert => named("Insert"),
            KeyCode::Up => named("Up"),
            KeyCode::Down => named("Down"),
            KeyCode::Left => named("Left"),
            KeyCode::Right => named("Right"),
            KeyCode::Home => named("Home"),
            KeyCode::End => named("End"),
            KeyCode::PageUp => named("PgUp"),
            KeyCode::PageDown => named("PgDn"),
            _ => None,
        }?;
        Some(Key {
            code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        })
    }
}

/// Bindings per scope, after the configuration's remapping.
#[derive(Debug, Clone)]
pub struct KeyMap {
    by_key: HashMap<(Scope, Key), Cmd>,
    keys_of: HashMap<Cmd, Vec<Key>>,
}

impl KeyMap {
    /// The defaults with `overrides` applied: each entry replaces all keys of one action.
    pub fn new(overrides: &BTreeMap<String, KeyList>) -> Result<KeyMap, KeyMapError> {
        let mut keys_of: HashMap<Cmd, Vec<Key>> = HashMap::new();
        for info in COMMANDS {
            let keys = info
                .keys
                .iter()
                .map(|k| parse_key(k).expect("default keys parse"))
                .collect();
            keys_of.insert(info.cmd, keys);
        }
        for (name, list) in overrides {
            let info = COMMANDS
                .iter()
                .find(|i| i.name == name)
                .ok_or_else(|| KeyMapError::UnknownAction { name: name.clone() })?;
            let mut keys = Vec::new();
            for k in list.keys() {
                keys.push(parse_key(k).map_err(|message| KeyMapError::BadKey {
                    name: name.clone(),
                    message,
                })?);
            }
            if keys.is_empty() {
                return Err(KeyMapError::NoKeys { name: name.clone() });
            }
            keys_of.insert(info.cmd, keys);
        }
        let mut by_key = HashMap::new();
        for info in COMMANDS {
            for key in &keys_of[&info.cmd] {
                // A key serves one command wherever it can be pressed: a screen's key may not
                // hide a global or navigation key.
                for other in COMMANDS
                    .iter()
                    .filter(|o| o.cmd != info.cmd && info.scope.overlaps(o.scope))
                {
                    if keys_of[&other.cmd].contains(key) {
                        return Err(KeyMapError::Conflict {
                            name: info.name.into(),
                            other: other.name.into(),
                            key: format_key(key),
                            scope: info.scope.narrower(other.scope).label(),
                        });
                    }
                }
                by_key.insert((info.scope, *key), info.cmd);
            }
        }
        Ok(KeyMap { by_key, keys_of })
    }

    pub fn defaults() -> KeyMap {
        KeyMap::new(&BTreeMap::new()).expect("the default key map is consistent")
    }

    /// The command a key means on a screen: the screen's own bindings first, then the
    /// table navigation keys (when the screen shows a table), then the global ones.
    pub fn lookup(&self, screen: Scope, ev: &KeyEvent) -> Option<Cmd> {
        let key = Key::from_event(ev)?;
        [screen, Scope::Navigation, Scope::Global]
            .into_iter()
            .find_map(|s| self.by_key.get(&(s, key)).copied())
    }

    pub fn keys(&self, cmd: Cmd) -> &[Key] {
        self.keys_of.get(&cmd).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// `d, Delete`: the keys of a command as the help shows them.
    pub fn keys_label(&self, cmd: Cmd) -> String {
        self.keys(cmd)
            .iter()
            .map(format_key)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The commands the help shows on a screen, grouped by scope: the screen's, then
    /// navigation, then global.
    pub fn help_for(&self, screen: Scope) -> Vec<(Scope, Vec<&'static CmdInfo>)> {
        let mut out = Vec::new();
        for s in [screen, Scope::Navigation, Scope::Global] {
            let cmds: Vec<_> = COMMANDS.iter().filter(|i| i.scope == s).collect();
            if !cmds.is_empty() && !out.iter().any(|(o, _)| *o == s) {
                out.push((s, cmds));
            }
        }
        out
    }
}

/// The command of a `:` name on a screen.
pub fn command_named(screen: Scope, name: &str) -> Option<&'static CmdInfo> {
    let name = name.trim();
    COMMANDS.iter().find(|i| {
        i.name == name
            && (i.scope == screen || i.scope == Scope::Navigation || i.scope == Scope::Global)
    })
}

/// `:` completion: the names available on a screen that start with `prefix`, sorted.
pub fn complete(screen: Scope, prefix: &str) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = COMMANDS
        .iter()
        .filter(|i| i.scope == screen || i.scope == Scope::Navigation || i.scope == Scope::Global)
        .map(|i| i.name)
        .filter(|n| n.starts_with(prefix.trim()))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub fn info(cmd: Cmd) -> &'static CmdInfo {
    COMMANDS
        .iter()
        .find(|i| i.cmd == cmd)
        .expect("every command has a row")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEvent;

    fn ev(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn defaults_resolve_per_screen_then_global() {
        let m = KeyMap::defaults();
        assert_eq!(
            m.lookup(Scope::Inventory, &ev(KeyCode::Char('d'))),
            Some(Cmd::Delete)
        );
        assert_eq!(
            m.lookup(Scope::Inventory, &ev(KeyCode::Char('j'))),
            Some(Cmd::Down)
        );
        assert_eq!(
            m.lookup(Scope::Orders, &ev(KeyCode::Char('q'))),
            Some(Cmd::Quit)
        );
        assert_eq!(m.lookup(Scope::Orders, &ev(KeyCode::Char('d'))), None);
    }

    #[test]
    fn remapping_replaces_the_keys_of_one_action() {
        let mut o = BTreeMap::new();
        o.insert(
            "delete".to_string(),
            KeyList::Many(vec!["x".into(), "Delete".into()]),
        );
        let m = KeyMap::new(&o).unwrap();
        assert_eq!(
            m.lookup(Scope::Inventory, &ev(KeyCode::Char('x'))),
            Some(Cmd::Delete)
        );
        assert_eq!(
            m.lookup(Scope::Inventory, &ev(KeyCode::Delete)),
            Some(Cmd::Delete)
        );
        assert_eq!(m.lookup(Scope::Inventory, &ev(KeyCode::Char('d'))), None);
        assert_eq!(m.keys_label(Cmd::Delete), "x, Delete");
    }

    #[test]
    fn bad_entries_are_named() {
        let mut o = BTreeMap::new();
        o.insert("dlete".to_string(), KeyList::One("x".into()));
        assert_eq!(
            KeyMap::new(&o).unwrap_err(),
            KeyMapError::UnknownAction {
                name: "dlete".into()
            }
        );
        let mut o = BTreeMap::new();
        o.insert("delete".to_string(), KeyList::One("ctrl-".into()));
        let e = KeyMap::new(&o).unwrap_err().to_string();
        assert!(e.contains("`delete`") && e.contains("ctrl-"), "{e}");
        let mut o = BTreeMap::new();
        o.insert("delete".to_string(), KeyList::One("q".into()));
        let e = KeyMap::new(&o).unwrap_err().to_string();
        assert!(e.contains("`delete`") && e.contains("`quit`"), "{e}");
    }

    #[test]
    fn completion_lists_what_the_screen_offers() {
        assert_eq!(
            complete(Scope::Inventory, "del"),
            vec!["delete", "deletion-queue"]
        );
        assert!(complete(Scope::Orders, "del").contains(&"deletion-queue"));
        assert!(!complete(Scope::Orders, "del").contains(&"delete"));
    }
}
