//! Hostile text: escape sequences (C0 and C1), DEL and bidirectional overrides held in the
//! store, from a database written before the input rule refused them, and typed into
//! commands that are refused (the audit log keeps what was typed). No command may write
//! one raw, in its text or its JSON; JSON gives the text back exactly; CSV cells never start
//! a formula. New input with a hidden character is refused, naming it.

mod cli_common;
use cli_common::*;
use phonedesk::domain::{Change, Role, Secret, Timestamp};
use phonedesk::store::{AuditEntry, Store, StoreOptions};

/// An escape sequence, CSI and OSC (C1), a bell, a right-to-left override, an isolate, a
/// tab, DEL, a carriage return, a right-to-left mark, a line separator and a line break.
const HOSTILE: &str =
    "A\u{1b}[31mB\u{9b}2J\u{9d}0;t\u{7}\u{202e}4321\u{2066}C\tD\u{7f}\re\u{200f}f\u{2028}g\nh";

/// The first raw hidden character in `text` (a line break is the output's own): controls
/// (C0, DEL, C1), bidirectional controls, line and paragraph separators. Written out here
/// rather than taken from the library, so the test does not trust what it tests.
fn raw_hidden(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        c != '\n'
            && (c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || matches!(
                    c,
                    '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{2028}' | '\u{2029}'
                ))
    })
}

fn assert_clean(args: &[&str], out: &Out) {
    assert!(!out.stderr.contains("panicked"), "{args:?}: {}", out.stderr);
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Some(c) = raw_hidden(text) {
            panic!(
                "{args:?} wrote U+{:04X} raw on {stream}: {text:?}",
                c as u32
            );
        }
    }
}

/// A desk whose store holds hostile text in every free-text field, the way a database
/// written before the input rule holds it. Returns the desk and its two numbers.
fn hostile_desk() -> (Desk, Vec<String>) {
    let d = Desk::new();
    d.example_account();
    let n = d.available(&["--area-code", "206"], 2);
    d.provisioned("BusinessCalling", &n);
    d.ok(&["assign", &n[0], "--user", "user-1"]);
    d.ok(&["label", &n[1], "Lobby"]);
    d.ok(&["directory", "voice-connectors", "create", "--name", "Trunk"]);
    d.ok(&[
        "directory",
        "groups",
        "create",
        "--name",
        "Main",
        "--member",
        "vc-1:1",
    ]);
    d.ok(&[
        "support",
        "new",
        "--subject",
        "Help",
        "--issue",
        "Text",
        "--email",
        "a@example.com",
    ]);
    d.ok(&["support", "reply", "req-1", "More"]);
    let port = d.available(&["--area-code", "425"], 1);
    d.ok(&[
        "support",
        "port-in",
        &port[0],
        "--product-type",
        "BusinessCalling",
        "--btn",
        &port[0],
        "--authorizing-person",
        "Ana Lima",
        "--service-account-number",
        "99887766",
        "--service-pin",
        "4321",
        "--service-address",
        "1 Main St",
        "--customer-name",
        "Example Corp",
        "--requested",
        "2030-06-03T09:00",
        "--email",
        "ana@example.com",
    ]);
    d.ok(&["--yes", "delete", &n[1]]);

    let store = Store::open(&StoreOptions::new(&d.db)).unwrap();
    let mut changes = Vec::new();
    for p in store.all_numbers().unwrap() {
        let mut p = p;
        p.label = Some(HOSTILE.into());
        changes.push(Change::PutNumber(p));
    }
    for mut a in store.accounts().unwrap() {
        a.name = HOSTILE.into();
        changes.push(Change::PutAccount(a));
    }
    for mut u in store.users().unwrap() {
        u.name = HOSTILE.into();
        u.email = format!("x{HOSTILE}@example.com");
        changes.push(Change::PutUser(u));
    }
    for mut v in store.voice_connectors().unwrap() {
        v.name = HOSTILE.into();
        changes.push(Change::PutConnector(v));
    }
    for mut g in store.groups().unwrap() {
        g.name = HOSTILE.into();
        changes.push(Change::PutGroup(g));
    }
    for mut r in store.requests().unwrap() {
        r.subject = HOSTILE.into();
        r.issue = format!("{HOSTILE}\n{HOSTILE}");
        r.email = HOSTILE.into();
        for m in &mut r.thread {
            m.text = HOSTILE.into();
            m.name = HOSTILE.into();
        }
        if let phonedesk::domain::RequestKind::PortIn(p) = &mut r.kind {
            p.authorizing_person = HOSTILE.into();
            p.customer_name = HOSTILE.into();
            p.service_pin = Some(Secret::new("12\u{9b}2J\u{1b}]"));
            p.service_account_number = Some(Secret::new("998877\u{202e}\u{7}"));
        }
        r.port_out_account = Some(HOSTILE.into());
        changes.push(Change::PutRequest(r));
    }
    let mut audit = AuditEntry {
        seq: 0,
        at: Timestamp::from_millis(1_800_000_000_000),
        actor: HOSTILE.into(),
        role: Role::Admin,
        action: HOSTILE.into(),
        detail: HOSTILE.into(),
        result: HOSTILE.into(),
        ok: true,
        numbers: Vec::new(),
        changes: Vec::new(),
    };
    store.apply(&changes, &mut audit).unwrap();
    drop(store);
    (d, n)
}

#[test]
fn no_command_writes_a_hidden_character_raw() {
    let (d, n) = hostile_desk();
    // Refused input is kept in the audit log as typed.
    for args in [
        vec!["label", n[0].as_str(), HOSTILE],
        vec!["directory", "accounts", "create", HOSTILE],
        vec!["support", "reply", "req-1", HOSTILE],
        vec![
            "directory",
            "users",
            "create",
            "--account",
            "acct-1",
            "--name",
            "Cy",
            "--email",
            HOSTILE,
        ],
    ] {
        let out = d.run(&args);
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert_clean(&args, &out);
    }
    let commands: Vec<Vec<&str>> = vec![
        vec!["numbers", "list"],
        vec!["numbers", "show", &n[0]],
        vec!["deletion-queue"],
        vec!["directory", "accounts"],
        vec!["directory", "users"],
        vec!["directory", "voice-connectors"],
        vec!["directory", "groups"],
        vec!["orders", "list"],
        vec!["orders", "show", "order-1"],
        vec!["calling-name", "show"],
        vec!["support", "list"],
        vec!["support", "show", "req-1"],
        vec!["support", "show", "req-2"],
        vec!["support", "show", "req-2", "--reveal"],
        vec!["audit"],
        vec!["dump"],
        vec!["check"],
        vec!["export", "--format", "csv"],
        vec!["export", "--format", "json"],
        // Usage errors and refusals quote what was typed.
        vec!["numbers", "show", HOSTILE],
        vec!["numbers", "list", "--status", HOSTILE],
        vec![HOSTILE],
        vec!["label", &n[0], HOSTILE],
    ];
    for args in &commands {
        for json in [false, true] {
            let mut all = args.clone();
            if json {
                all.insert(0, "--json");
            }
            let out = d.run(&all);
            assert_clean(&all, &out);
            if json
                && out.code == 0
                && !out.stdout.trim().is_empty()
                && !["export", "dump"].contains(&args[0])
            {
                // Scripts get the text back exactly.
                let _ = out.json();
            }
        }
    }

    // People see every hidden character as its escape.
    let list = d.ok(&["numbers", "list"]);
    assert!(
        list.contains("A\\u{1b}[31mB\\u{9b}2J\\u{9d}0;t\\u{7}\\u{202e}4321\\u{2066}C\\tD\\u{7f}\\re\\u{200f}f\\u{2028}g\\nh"),
        "{list}"
    );
    let show = d.ok(&["support", "show", "req-1"]);
    assert!(show.contains("\\u{202e}4321"), "{show}");
    // Scripts get it back exactly, escaped as \u in the JSON text.
    let json = d.run(&["--json", "numbers", "show", &n[0]]);
    assert!(json.stdout.contains("\\u009b") && json.stdout.contains("\\u202e"));
    assert_eq!(json.json()["label"], HOSTILE);
    let audit = d.json(&["audit"]);
    assert!(audit
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["detail"].as_str().is_some_and(|t| t.contains(HOSTILE))));
    // A masked secret shows its last characters escaped in `dump`.
    let dump = d.ok(&["dump"]);
    assert!(
        dump.contains("\\u{9b}") || dump.contains("\\u{1b}]"),
        "{dump}"
    );
}

#[test]
fn export_cells_never_start_a_formula_and_numbers_stay_whole() {
    let d = Desk::new();
    d.ok(&["directory", "accounts", "create", "Example Corp"]);
    d.ok(&[
        "directory",
        "users",
        "create",
        "--account",
        "acct-1",
        "--name",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "--email",
        "x@example.com",
    ]);
    let n = d.available(&["--area-code", "206"], 3);
    d.provisioned("BusinessCalling", &n);
    d.ok(&["assign", &n[0], "--user", "user-1"]);
    d.ok(&[
        "label",
        &n[1],
        "=HYPERLINK(\"http://evil.example/?x\",\"Click\")",
    ]);
    d.ok(&["label", &n[2], "+1+cmd|' /C calc'!A0"]);
    d.ok(&["label", &n[0], "--", "-2+3"]);
    let text = d.ok(&["export", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    for row in &rows {
        for cell in row.iter() {
            let number = cell.starts_with('+')
                && cell[1..].chars().all(|c| c.is_ascii_digit())
                && cell.len() <= 16;
            assert!(
                number || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
        assert!(n.contains(&row[col("number")].to_string()), "{row:?}");
    }
    let labels: Vec<&str> = rows.iter().map(|r| &r[col("label")]).collect();
    assert!(labels.contains(&"'=HYPERLINK(\"http://evil.example/?x\",\"Click\")"));
    assert!(labels.contains(&"'+1+cmd|' /C calc'!A0"));
    assert!(labels.contains(&"'-2+3"));
    let names: Vec<&str> = rows.iter().map(|r| &r[col("assigned_to_name")]).collect();
    assert!(names.contains(&"'@SUM(1+1)*cmd|' /C calc'!A0"), "{names:?}");
    // The JSON export is for programs: the text as stored.
    let json = d.json(&["export", "--format", "json"]);
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["label"] == "+1+cmd|' /C calc'!A0"));
}

#[test]
fn free_text_with_a_hidden_character_is_refused_and_named() {
    let d = Desk::new();
    d.example_account();
    let n = d.available(&["--area-code", "206"], 1);
    d.provisioned("BusinessCalling", &n);
    let before = d.snapshot();
    let out = d.refused(
        &["label", &n[0], "Desk\u{1b}[31mred\tA"],
        "the label contains a control character (escape, U+001B) at position 5",
    );
    assert_one_line(&out, "escape");
    d.refused(
        &["label", &n[0], "Desk \u{202e}4321"],
        "the label contains a bidirectional control character (right-to-left override, U+202E) at position 6",
    );
    d.refused(
        &["directory", "accounts", "create", "Acme\u{9b}2J"],
        "the account name contains a control character (control sequence introducer, U+009B) at position 5",
    );
    d.refused(
        &[
            "directory",
            "users",
            "create",
            "--account",
            "acct-1",
            "--name",
            "Cy\u{7}",
            "--email",
            "cy@example.com",
        ],
        "the user's name contains a control character (bell, U+0007) at position 3",
    );
    d.refused(
        &[
            "support",
            "new",
            "--subject",
            "Help\tme",
            "--issue",
            "x",
            "--email",
            "a@example.com",
        ],
        "the subject contains a control character (tab, U+0009) at position 5",
    );
    d.refused(
        &[
            "support",
            "new",
            "--subject",
            "Help",
            "--issue",
            "one\n\u{1b}[2Jtwo",
            "--email",
            "a@example.com",
        ],
        "the issue contains a control character (escape, U+001B) at position 5",
    );
    assert_eq!(d.snapshot(), before, "a refusal changed the store");
    // A label with ordinary text still works, trimmed.
    d.ok(&["label", &n[0], "  Front desk "]);
    assert_eq!(d.json(&["numbers", "show", &n[0]])["label"], "Front desk");
}

#[test]
fn issue_text_and_replies_keep_their_line_breaks() {
    let d = Desk::new();
    d.ok(&[
        "support",
        "new",
        "--subject",
        "Two lines",
        "--issue",
        "line one\nline two\r\nline three",
        "--email",
        "a@example.com",
    ]);
    d.ok(&["support", "reply", "req-1", "first\nsecond"]);
    let v = d.json(&["support", "show", "req-1"]);
    assert_eq!(v["issue"], "line one\nline two\nline three");
    let thread = v["thread"].as_array().unwrap();
    assert!(thread.iter().any(|m| m["text"] == "first\nsecond"), "{v}");
    let shown = d.ok(&["support", "show", "req-1"]);
    assert!(
        shown.contains("\nline one\nline two\nline three\n"),
        "{shown}"
    );
    assert!(shown.contains("first\nsecond"), "{shown}");
}

#[test]
fn an_argument_that_is_not_utf8_is_refused_in_words() {
    use std::os::unix::ffi::OsStrExt;
    let d = Desk::new();
    for json in [false, true] {
        let mut cmd = std::process::Command::new(BIN);
        cmd.arg("--config").arg(&d.config).arg("--db").arg(&d.db);
        if json {
            cmd.arg("--json");
        }
        // A raw C1 byte, as `$'\x9b'` gives in a shell: not UTF-8.
        let out = cmd
            .args(["label", "+12065550123"])
            .arg(std::ffi::OsStr::from_bytes(b"Desk\x9b2J\x1b[0m"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_one_line(&stderr, "is not UTF-8 text");
        assert!(raw_hidden(&stderr).is_none() && raw_hidden(&stdout).is_none());
        if json {
            let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
            assert!(v["error"].as_str().unwrap().contains("UTF-8"));
        }
    }
}

/// The SSH server runs commands through `cli::run_with` with its channel as the writers:
/// the same escaping, checked here at that entry, as an administrator and as a viewer.
#[test]
fn commands_run_for_an_ssh_session_escape_too() {
    let (d, n) = hostile_desk();
    let config = phonedesk::config::Config::load(&d.config, true).unwrap();
    let engine = std::sync::Arc::new(phonedesk::engine::Engine::open(&config, &d.db).unwrap());
    for actor in [
        phonedesk::domain::Actor::admin("key:ana"),
        phonedesk::domain::Actor::viewer("key:bo"),
    ] {
        for args in [
            vec!["numbers", "list"],
            vec!["--json", "numbers", "show", &n[0]],
            vec!["audit"],
            vec!["--json", "audit"],
            vec!["directory", "users"],
            vec!["support", "show", "req-2"],
            vec!["dump"],
            vec!["export"],
            vec!["label", &n[0], HOSTILE],
            vec![HOSTILE],
        ] {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let argv: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            let access = phonedesk::cli::Access::default();
            phonedesk::cli::run_with(&engine, &actor, argv, access, &mut out, &mut err);
            let out = Out {
                code: 0,
                stdout: String::from_utf8(out).unwrap(),
                stderr: String::from_utf8(err).unwrap(),
            };
            assert_clean(&args, &out);
        }
    }
}
