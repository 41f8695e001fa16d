//! The terminal is always given back: the built console runs in tmux and is stopped by
//! `q`, SIGTERM and SIGHUP; each time the alternate screen is left, the cursor is visible
//! again and the shell behind it prints normally. A terminal below the minimum size gets a
//! message, not a crash, and the console comes back when it grows.
//!
//! Needs tmux (`.ci/run` installs it); without it the test says so and passes.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_phonedesk");

struct Term {
    socket: String,
    dir: tempfile::TempDir,
}

impl Term {
    fn new(name: &str) -> Term {
        Term {
            socket: format!("pd-term-{name}-{}", std::process::id()),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run tmux")
    }

    /// Starts the console under a shell that reports how it ended, then waits.
    fn start(&self, width: u16, height: u16) {
        let db = self.dir.path().join("db");
        std::fs::write(self.dir.path().join("config.toml"), "").unwrap();
        let script = format!(
            "'{BIN}' --db '{}'; echo \"CONSOLE ENDED $?\"; sleep 60",
            db.display()
        );
        let out = self.tmux(&[
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "-e",
            "TERM=xterm-256color",
            "-e",
            &format!(
                "PHONEDESK_CONFIG={}",
                self.dir.path().join("config.toml").display()
            ),
            "sh",
            "-c",
            &script,
        ]);
        assert!(
            out.status.success(),
            "tmux: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "0"]).stdout).into_owned()
    }

    fn flag(&self, name: &str) -> String {
        let out = self.tmux(&["display-message", "-p", "-t", "0", &format!("#{{{name}}}")]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("waited for {text:?}; the screen reads:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The console's pid: the shell's child.
    fn console_pid(&self) -> i32 {
        let shell = self.flag("pane_pid");
        let out = Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .expect("pgrep");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .find(|pid: &i32| {
                std::fs::read_to_string(format!("/proc/{pid}/comm"))
                    .map(|c| c.trim() == "phonedesk")
                    .unwrap_or(false)
            })
            .expect("the console's pid")
    }

    fn assert_given_back(&self, code: &str) {
        self.wait_for(&format!("CONSOLE ENDED {code}"));
        assert_eq!(
            self.flag("alternate_on"),
            "0",
            "still on the alternate screen"
        );
        assert_eq!(self.flag("cursor_flag"), "1", "the cursor is still hidden");
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn tmux_missing() -> bool {
    let missing = Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true);
    if missing {
        eprintln!("SKIPPED: tmux is not installed (.ci/run installs it)");
    }
    missing
}

#[test]
fn quitting_gives_the_terminal_back() {
    if tmux_missing() {
        return;
    }
    let t = Term::new("quit");
    t.start(100, 30);
    t.wait_for("Inventory");
    assert_eq!(t.flag("alternate_on"), "1");
    t.tmux(&["send-keys", "-t", "0", "q"]);
    t.assert_given_back("0");
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back() {
    if tmux_missing() {
        return;
    }
    for (name, signal) in [("term", libc::SIGTERM), ("hup", libc::SIGHUP)] {
        let t = Term::new(name);
        t.start(100, 30);
        t.wait_for("Inventory");
        unsafe {
            libc::kill(t.console_pid(), signal);
        }
        t.assert_given_back("");
    }
}

#[test]
fn a_tiny_terminal_gets_a_message_and_the_console_comes_back() {
    if tmux_missing() {
        return;
    }
    let t = Term::new("tiny");
    t.start(40, 10);
    t.wait_for("Terminal too small");
    t.tmux(&["resize-window", "-t", "0", "-x", "100", "-y", "30"]);
    t.wait_for("Inventory");
    t.tmux(&["resize-window", "-t", "0", "-x", "20", "-y", "5"]);
    t.wait_for("too small");
    t.tmux(&["resize-window", "-t", "0", "-x", "80", "-y", "24"]);
    t.wait_for("Inventory");
    t.tmux(&["send-keys", "-t", "0", "q"]);
    t.assert_given_back("0");
}
