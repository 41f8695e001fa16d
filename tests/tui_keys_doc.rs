//! docs/keys.md is the key map as written in `tui/keys/defaults.rs`; this test keeps the
//! two equal. After changing a key, run with `UPDATE_KEYS_DOC=1` to rewrite the file.

use phonedesk::tui::keys::{KeyMap, Scope, COMMANDS};

fn render() -> String {
    let keys = KeyMap::defaults();
    let mut out = String::from(
        "# Console keys\n\n\
         Generated from `src/tui/keys/defaults.rs` (checked by `tests/tui_keys_doc.rs`). Press `?` in\n\
         the console for the keys of the current screen; `:` followed by a name runs any command\n\
         shown here (Tab completes).\n\n\
         Remap any command in `config.toml`, by name: a key or a list of keys replaces all of its\n\
         default keys. A name that is not a command, a key that cannot be read, or a key that\n\
         two commands would share on one screen is an error that names the entry.\n\n\
         ```toml\n[tui.keys]\ndelete = [\"x\", \"Delete\"]\nquit = \"ctrl-q\"\n```\n\n\
         Key names: one character (`d`, `G`, `?`), `Space`, `Enter`, `Esc`, `Tab`, `shift-tab`,\n\
         `Backspace`, `Delete`, `Insert`, `Up`, `Down`, `Left`, `Right`, `Home`, `End`, `PgUp`,\n\
         `PgDn`, `F1`-`F12`, each with `ctrl-` or `alt-` in front if wanted.\n\n\
         In forms, keys type text: Tab and Shift-Tab move between fields, Enter submits, Esc\n\
         cancels (on a later step of a form with several, Esc goes back one step). The `quit`\n\
         keys that use `ctrl-` (ctrl-c by default) ask to quit from a form holding input; in\n\
         confirmations and pickers they cancel, as Esc does. In confirmations, Space ticks the\n\
         box and Enter confirms.\n\n\
         Pasted text (bracketed paste, locally and over SSH) goes into the focused field as text:\n\
         line breaks separate the numbers of a list and never submit the form; on a list screen\n\
         a paste does nothing.\n",
    );
    let mut scopes: Vec<Scope> = Vec::new();
    for c in COMMANDS {
        if !scopes.contains(&c.scope) {
            scopes.push(c.scope);
        }
    }
    for s in scopes {
        let title = match s {
            Scope::Global => "Everywhere".to_string(),
            Scope::Navigation => "Tables and lists".to_string(),
            s => format!("{} screen", s.label()),
        };
        out.push_str(&format!(
            "\n## {title}\n\n| keys | command | what it does |\n|---|---|---|\n"
        ));
        for c in COMMANDS.iter().filter(|c| c.scope == s) {
            let k = keys.keys_label(c.cmd).replace('|', "\\|");
            out.push_str(&format!("| `{k}` | `:{}` | {} |\n", c.name, c.help));
        }
    }
    out
}

#[test]
fn docs_keys_md_matches_the_key_map() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/keys.md");
    let want = render();
    if std::env::var_os("UPDATE_KEYS_DOC").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "docs/keys.md is out of date: run UPDATE_KEYS_DOC=1 cargo test --test tui_keys_doc"
    );
}
