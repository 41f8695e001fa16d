//! `phonedesk apply FILE.csv`: a report per row, refused rows never undo the others,
//! `--dry-run` changes nothing, bad files are refused in words.

mod cli_common;
use cli_common::*;

fn desk() -> (Desk, Vec<String>) {
    Desk::with_acquired(4, "Main trunk")
}

fn write(d: &Desk, text: &str) -> String {
    let path = d.path().join("changes.csv");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn apply_reports_every_row_and_a_refused_row_leaves_the_others_done() {
    let (d, n) = desk();
    let file = write(
        &d,
        &format!(
            "number,change,value\n{},assign,vc:Main trunk\n{},assign,vc:Main trunk\n{},label,Lobby\n555,assign,vc:Main trunk\n{},restore,\n{},label,Again\n{},delete,\n",
            n[0], n[1], n[2], n[3], n[2], n[0]
        ),
    );
    let out = d.run(&["--json", "apply", &file]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = out.json();
    let results: Vec<(u64, &str)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        results,
        [
            (2, "done"),
            (3, "done"),
            (4, "done"),
            (5, "refused"),
            (6, "refused"),
            (7, "skipped"),
            (8, "skipped")
        ]
    );
    assert_eq!(v["refused"], 2);
    assert_eq!(d.status(&n[0]), "Assigned");
    assert_eq!(d.status(&n[1]), "Assigned");
    assert_eq!(d.json(&["numbers", "show", &n[2]])["label"], "Lobby");
    // Both assignments went as one action.
    let assigns = d.json(&["audit", "--action", "assign"]);
    assert_eq!(assigns.as_array().unwrap().len(), 1);
    assert_eq!(assigns[0]["numbers"].as_array().unwrap().len(), 2);
    // The text report says the same, with a total.
    let text = d.run(&["apply", &file]);
    assert!(text.stdout.contains("LINE  NUMBER"), "{text:?}");
    assert!(text.stdout.contains("refused"), "{text:?}");
    assert_one_line(&text.stderr, "were refused");
}

#[test]
fn a_dry_run_checks_every_row_and_changes_nothing() {
    let (d, n) = desk();
    let file = write(
        &d,
        &format!(
            "number,change,value\n{},assign,vc:Main trunk\n{},product-type,bc\n{},assign,vc:Nowhere\n",
            n[0], n[1], n[2]
        ),
    );
    let before = d.snapshot();
    let out = d.run(&["--json", "apply", "--dry-run", &file]);
    assert_eq!(out.code, 1, "{out:?}");
    let v = out.json();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["rows"][0]["result"], "would");
    assert_eq!(v["rows"][1]["result"], "would");
    assert_eq!(v["rows"][2]["result"], "refused");
    assert!(
        v["rows"][2]["message"]
            .as_str()
            .unwrap()
            .contains("Nowhere"),
        "{v}"
    );
    assert_eq!(d.snapshot(), before);
}

#[test]
fn apply_reads_stdin_and_refuses_a_bad_file_in_words() {
    let (d, n) = desk();
    let mut cmd = d.command(&["apply", "-"]);
    cmd.stdin(std::process::Stdio::piped());
    cmd.stdout(std::process::Stdio::piped());
    cmd.stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("number,change\n{},delete\n", n[3]).as_bytes())
        .unwrap();
    let out = Desk::finish(child.wait_with_output().unwrap());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("1 of 1 row done"), "{out:?}");
    assert_eq!(d.status(&n[3]), "DeleteInProgress");

    let bad = write(&d, "phone,what\n+12065550100,delete\n");
    d.refused_with(2, &["apply", &bad], "header must be number,change,value");
    let empty = write(&d, "number,change,value\n");
    d.refused_with(2, &["apply", &empty], "no rows");
    d.refused_with(2, &["apply", "/nonexistent/changes.csv"], "cannot read");
}
