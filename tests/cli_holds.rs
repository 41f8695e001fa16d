//! Holds seen from the command line. The hold comes from a console (the built binary in
//! tmux, as alice). While it runs, a command (as the login `tester`) reaches it through
//! its local socket and sees the hold live; then the console is killed outright: its hold
//! stays in the store, `phonedesk search` shows it as held (text and `--json`), another
//! administrator's `provision` of it is refused with nothing written, and once it expires
//! it shows no more and the number can be ordered.
//!
//! Needs tmux (`.ci/run` installs it).

mod cli_common;

use cli_common::{Desk, BIN, FAST};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a mark holds here: long enough to look, short enough to wait out.
const HOLD_FOR_SECS: u64 = 15;

fn tmux(socket: &str, args: &[&str]) -> Output {
    Command::new("tmux")
        .args(["-L", socket, "-f", "/dev/null"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tmux")
}

fn quoted(p: &std::path::Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// Waits until the console's screen shows `text`.
fn wait_for(socket: &str, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = tmux(socket, &["capture-pane", "-p", "-t", "0"]);
        let screen = String::from_utf8_lossy(&out.stdout).to_string();
        if screen.contains(text) {
            return screen;
        }
        assert!(
            Instant::now() < deadline,
            "no “{text}” on screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Alice marks the first 425 number in her console, which is then killed (SIGKILL): it
/// never gets to release the hold. Returns the number.
fn hold_left_by_a_killed_console(desk: &Desk) -> String {
    let socket = format!("phonedesk-holds-{}", std::process::id());
    let cmd = format!(
        "exec env USER=alice TZ=UTC {} --config {} --db {}",
        quoted(std::path::Path::new(BIN)),
        quoted(&desk.config),
        quoted(&desk.db)
    );
    let started = tmux(
        &socket,
        &[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-e",
            "NO_COLOR=1",
            &cmd,
        ],
    );
    assert!(started.status.success(), "{started:?}");
    wait_for(&socket, "Inventory");
    let keys = |keys: &[&str]| {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        assert!(tmux(&socket, &args).status.success());
    };
    keys(&["p", "Enter", "Tab", "Tab", "Tab", "4", "2", "5", "Enter"]);
    wait_for(&socket, "numbers available");
    keys(&["Space"]);
    let screen = wait_for(&socket, "1 marked");
    let row = screen
        .lines()
        .find(|l| l.contains("held by local:alice"))
        .unwrap_or_else(|| panic!("no hold on screen:\n{screen}"));
    // "│* (425) 227-3055 +14252273055 …": the E.164 column.
    let number = row
        .split_whitespace()
        .find(|w| w.starts_with("+1425"))
        .unwrap()
        .to_string();
    // While the console runs, a command goes through its socket and meets the live hold.
    let found = desk.json(&search(&number));
    assert_eq!(found[0]["hold"]["holder"], "local:alice", "{found}");
    desk.refused(
        &["provision", "--product-type", "vc", &number],
        "is held by local:alice for",
    );
    let pid = tmux(
        &socket,
        &["display-message", "-p", "-t", "0", "#{pane_pid}"],
    );
    let pid = String::from_utf8_lossy(&pid.stdout).trim().to_string();
    assert!(Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(10);
    while Command::new("kill")
        .args(["-0", &pid])
        .status()
        .unwrap()
        .success()
    {
        assert!(Instant::now() < deadline, "the console did not die");
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = tmux(&socket, &["kill-server"]);
    number
}

/// A search that finds `n` (by its last seven digits).
fn search(n: &str) -> Vec<&str> {
    vec!["search", "--area-code", "425", "--contains", &n[5..]]
}

#[test]
fn a_killed_consoles_hold_shows_in_search_refuses_others_and_expires() {
    let config = FAST.replace(
        "[durations]\n",
        &format!("[durations]\nhold_for = \"{HOLD_FOR_SECS}s\"\n"),
    );
    let desk = Desk::with_config(&config);
    let marked_at = Instant::now();
    let n = hold_left_by_a_killed_console(&desk);

    // `search --json` says who holds it and until when; the text has a HOLD column.
    let found = desk.json(&search(&n));
    assert_eq!(found[0]["number"], n.as_str(), "{found}");
    let hold = &found[0]["hold"];
    assert_eq!(hold["holder"], "local:alice", "{found}");
    assert!(hold["until"].as_str().unwrap().ends_with('Z'), "{found}");
    assert!(
        hold["shown"]
            .as_str()
            .unwrap()
            .starts_with("held by local:alice, "),
        "{found}"
    );
    let others = desk.json(&["search", "--area-code", "425", "--limit", "20"]);
    let others = others.as_array().unwrap();
    assert!(others.iter().any(|a| a["hold"].is_null()), "{others:?}");
    let text = desk.ok(&search(&n));
    let row = text.lines().find(|l| l.contains(&n)).unwrap();
    assert!(row.contains("held by local:alice, "), "{text}");
    assert!(text.lines().next().unwrap().contains("HOLD"), "{text}");

    // Another administrator (the login `tester`) cannot order it; nothing is written.
    desk.refused(
        &["provision", "--product-type", "vc", &n],
        "is held by local:alice for",
    );
    // Ordering from a search that finds only it says why, too.
    desk.refused(
        &[
            "provision",
            "--product-type",
            "vc",
            "--area-code",
            "425",
            "--contains",
            &n[5..],
        ],
        "is held by local:alice for",
    );

    // Once it expires it shows no more, and it can be ordered.
    let over = Duration::from_secs(HOLD_FOR_SECS + 1);
    std::thread::sleep(over.saturating_sub(marked_at.elapsed()));
    let found = desk.json(&search(&n));
    assert_eq!(found[0]["number"], n.as_str());
    assert_eq!(found[0]["hold"], serde_json::Value::Null, "{found}");
    assert!(!desk.ok(&search(&n)).contains("HOLD"));
    desk.ok(&["provision", "--product-type", "vc", &n]);
    desk.ok(&["check"]);
}
