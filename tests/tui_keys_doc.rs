//! docs/keys.md is the key map as written in `tui/keys/defaults.rs`; this test keeps the
//! two equal. After changing a key, run with `UPDATE_KEYS_DOC=1` to rewrite the file.

use phonedesk::tui::keys::{KeyMap, Scope, COMMANDS};
use phonedesk::tui::screens::directory::{CONNECTOR_COLUMNS, GROUP_COLUMNS};
use phonedesk::tui::screens::{filter_fields, sort_columns};
use phonedesk::tui::widgets::table::sort_letters;

fn render() -> String {
    let keys = KeyMap::defaults();
    let mut out = String::from(
        "# Console keys\n\n\
         Generated from `src/tui/keys/defaults.rs` (checked by `tests/tui_keys_doc.rs`). Press `?` in\n\
         the console for the keys of the current screen; `:` followed by a name runs any command\n\
         shown here (Tab completes). The line above the status line lists the keys that apply\n\
         to the row under the cursor, from this key map (remaps included), as many as fit.\n\n\
         Remap any command in `config.toml`, by name: a key or a list of keys replaces all of its\n\
         default keys. A name that is not a command, a key that cannot be read, or a key that\n\
         two commands would share on one screen is an error that names the entry.\n\n\
         ```toml\n[tui.keys]\ndelete = [\"x\", \"Delete\"]\nquit = \"ctrl-q\"\n```\n\n\
         Key names: one character (`d`, `G`, `?`), `Space`, `Enter`, `Esc`, `Tab`, `shift-tab`,\n\
         `Backspace`, `Delete`, `Insert`, `Up`, `Down`, `Left`, `Right`, `Home`, `End`, `PgUp`,\n\
         `PgDn`, `F1`-`F12`, each with `ctrl-` or `alt-` in front if wanted.\n\n\
         In forms, keys type text: Tab and Shift-Tab move between fields, Enter submits (ctrl-s\n\
         too, from any field). A choice shows as `◂ value ▸`: Left/Right (or Space) cycle it. In\n\
         a field of several lines (a request's issue, a reply) Enter adds a line and ctrl-s\n\
         submits. A secret (the service account number and PIN) shows as dots; ctrl-r shows or\n\
         hides it, for administrators only. A field says what is wrong with it once you have\n\
         typed in it or passed it, or when you submit. Esc cancels, and asks first (`y`\n\
         discards, `n` keeps editing) when the form holds input; on a later step of a form with\n\
         several, Esc goes back one step and keeps what you typed. The `quit` keys that use\n\
         `ctrl-` (ctrl-c by default) ask to quit from a form holding input; in confirmations and\n\
         pickers they cancel, as Esc does. In confirmations, Space ticks the box and Enter\n\
         confirms.\n\n\
         Pasted text (bracketed paste, locally and over SSH) goes into the focused field as text:\n\
         line breaks separate the numbers of a list, stay line breaks in a field of several lines,\n\
         and never submit the form; on a list screen a paste does nothing.\n",
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
            // A command without a key is typed on the `:` line only.
            let k = if k.is_empty() {
                "—".to_string()
            } else {
                format!("`{k}`")
            };
            out.push_str(&format!("| {k} | `:{}` | {} |\n", c.name, c.help));
        }
    }
    out.push_str(
        "\n## Sorting\n\n\
         On a list, Shift and a letter of a column's name sorts by that column; the same key\n\
         again turns the order round. The sorted column's title shows the order (▲ ascending,\n\
         ▼ descending), each screen keeps its own sort, and the cursor and the marks stay on\n\
         their rows. The letter is the first one of the name that the screen's keys leave free\n\
         (a remap can change it):\n\n\
         | screen | sort keys |\n|---|---|\n",
    );
    for s in [
        Scope::Orders,
        Scope::Pending,
        Scope::Inventory,
        Scope::DeletionQueue,
        Scope::Support,
        Scope::Audit,
    ] {
        let names = sort_columns(s);
        let letters = sort_letters(names, &keys, s);
        let cells: Vec<String> = names
            .iter()
            .zip(letters)
            .filter_map(|(n, l)| l.map(|l| format!("`{l}` {n}")))
            .collect();
        out.push_str(&format!("| {} | {} |\n", s.label(), cells.join(", ")));
    }
    for (section, names) in [
        ("Directory: voice connectors", &CONNECTOR_COLUMNS[..]),
        ("Directory: groups", &GROUP_COLUMNS[..]),
    ] {
        let letters = sort_letters(names, &keys, Scope::Directory);
        let cells: Vec<String> = names
            .iter()
            .zip(letters)
            .filter_map(|(n, l)| l.map(|l| format!("`{l}` {n}")))
            .collect();
        out.push_str(&format!("| {section} | {} |\n", cells.join(", ")));
    }
    out.push_str(
        "\nThe Inventory opens in E.164 order, read from the store's index (a million numbers\n\
         open at once); any other sort reads every number once when chosen and after each\n\
         change. Accounts and users keep each account's users under it.\n\n\
         Marks follow their rows through filters: the title counts the marks a filter hides\n\
         (`12 marked, 9 hidden by the filter`), and an action on marks counts the hidden ones\n\
         before it runs (a confirmation names them; an action without one asks for its key\n\
         again).\n",
    );
    out.push_str(
        "\n## Filters\n\n\
         `/` filters the list as you type; every term must hold:\n\n\
         - a word matches the row's text as a substring, ignoring case (`~word`: its letters\n  \
         in order, fuzzily);\n\
         - `field:value` matches the field exactly, ignoring case (`status:assigned`,\n  \
         `vc:\"Main trunk\"`: quotes keep spaces in a value); Tab completes field names, then\n  \
         values;\n\
         - digits match a phone number in place: from the start of its area code, exchange or\n  \
         line number, across the punctuation (`360` keeps (360) 555-0123 and (206) 360-1234,\n  \
         not (341) 207-1360); `+1360` from the start of the E.164 form; `/360` is the same as\n  \
         `360`; on a list without numbers digits are a word;\n\
         - `!` in front of any term inverts it (`!status:assigned`).\n\n\
         | screen | fields |\n|---|---|\n",
    );
    for s in [
        Scope::Orders,
        Scope::Pending,
        Scope::Inventory,
        Scope::DeletionQueue,
        Scope::Support,
        Scope::Audit,
    ] {
        let cells: Vec<String> = filter_fields(s)
            .iter()
            .map(|f| format!("`{}:` {}", f.name, f.help))
            .collect();
        out.push_str(&format!("| {} | {} |\n", s.label(), cells.join("; ")));
    }
    out.push_str(COMMAND_LINE);
    out
}

/// The `:` line's arguments (src/tui/command.rs and each screen's `on_cmd_args`).
const COMMAND_LINE: &str = "\n## The `:` line\n\n\
`:` runs any command above by name. The list actions also take the command line's words\n\
after the name, split as a shell splits them (quotes keep spaces); without numbers they\n\
act on the marked rows or the cursor's, as their key does, through the same checks and\n\
the same confirmation:\n\n\
| typed | what it does |\n|---|---|\n\
| `:assign +12065550123 vc \"Main trunk\"` | assign to a voice connector (`vc`), group (`group`), user (`user`) or SIP media application (`sma`), named by id or name (`--voice-connector vc-1` works too) |\n\
| `:reassign +12065550123 group Backup` | move Voice Connector numbers in one step |\n\
| `:delete +12065550123`, `:unassign ...` | the key's confirmation, for the numbers given |\n\
| `:product-type +12065550123 vc` | switch the product type (`bc` or `vc`) |\n\
| `:calling-name +12065550123 \"Acme Sales\"`, `:default-name Acme` | set a calling name |\n\
| `:port-out-marked +12065550123 +12065550124` | the port-out form with those numbers |\n\
| `:restore ...` (Deletion queue), `:dismiss ...` (Pending) | for the numbers given |\n\
| `:goto order-12`, `:goto +12065550123`, `:goto req-3`, `:goto vc-1` | the screen that lists it (a number, order, request, or a user, connector or group by id or name), with the cursor on it (a filter that hides it is cleared) |\n\
| `:filter status:unassigned` | the `/` filter, as typed |\n\
| `:sort status desc` | sort by a column, by name (`desc`: the other way round) |\n\
| `:view unassigned-wa`, `:unassigned-wa` | a saved view: its screen with its filter, sort and columns |\n\n\
Saved views and the columns of each screen are set in the configuration; a name that\n\
is not a screen or a column is refused at start with the list of the valid ones:\n\n\
```toml\n[tui.columns]\ninventory = [\"number\", \"status\", \"assigned-to\", \"calling-name\"]\n\n\
[[tui.views]]\nname = \"unassigned-wa\"\nscreen = \"inventory\"\nfilter = \"status:unassigned state:WA\"\n\
sort = \"number\"\ncolumns = [\"number\", \"product-type\", \"status\"]\n```\n\n\
Tab cycles the completions of the word being typed, Shift-Tab goes back: command names,\n\
then the values of the argument (the numbers or ids listed on the screen, where a number\n\
goes and the names of that kind, order and request ids, filter fields and values, view
names, columns). A name\n\
that is not a command, or words a command cannot read, are said on the status line in\n\
plain words, and nothing changes.\n";

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
