//! Where the output goes: a reader that stops reading (`phonedesk numbers list | head -1`)
//! ends the command quietly.

mod cli_common;
use cli_common::*;
use std::process::{Command, Stdio};

/// Runs the binary with its standard output a pipe whose reading end is already closed, so
/// the first write fails with EPIPE.
fn run_into_a_closed_pipe(d: &Desk, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(BIN)
        .arg("--config")
        .arg(&d.config)
        .arg("--db")
        .arg(&d.db)
        .args(args)
        .env_remove("PHONEDESK_CONFIG")
        .env_remove("PHONEDESK_DB")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run phonedesk");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_reader_that_stops_reading_ends_the_command_quietly() {
    let d = Desk::new();
    let n = d.available(&["--area-code", "206"], 3);
    d.provisioned("vc", &n);
    for args in [
        &["numbers", "list"][..],
        &["--json", "numbers", "list"],
        &["export"],
        &["audit"],
        &["check"],
    ] {
        let (code, stderr) = run_into_a_closed_pipe(&d, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr:?}");
    }
    // A refusal still says why, on stderr, with its exit code.
    let (code, stderr) = run_into_a_closed_pipe(&d, &["numbers", "show", "+12065550199"]);
    assert_eq!(code, 1);
    assert_one_line(&stderr, "is not one of your numbers");
}
