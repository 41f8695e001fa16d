//! Shared helpers for the CLI tests: a temporary database and configuration with short
//! durations, running the real binary, and snapshots of the whole store for "nothing
//! changed" checks.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_phonedesk");

/// The test durations: everything completes within a few seconds.
pub const FAST: &str = r#"
[durations]
provisioning_delay = "1s"
name_update = "2s"
default_name_cooldown = "3s"
deletion_retention = "3s"
support_response = "1s"
porting_min = "2s"
porting_max = "3s"

[carrier]
failure_rate = 0.0
"#;

pub struct Desk {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub db: PathBuf,
}

#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Desk {
    /// A desk with the fast durations.
    pub fn new() -> Desk {
        Desk::with_config(FAST)
    }

    /// A desk with this configuration text.
    pub fn with_config(text: &str) -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, text).unwrap();
        let db = dir.path().join("db");
        Desk { dir, config, db }
    }

    /// The fast durations with some keys replaced: `[("provisioning_delay", "1h")]`.
    pub fn with(overrides: &[(&str, &str)], extra: &str) -> Desk {
        let mut text = FAST.to_string();
        for (k, v) in overrides {
            let start = text
                .find(&format!("{k} = "))
                .unwrap_or_else(|| panic!("no key {k}"));
            let end = start + text[start..].find('\n').unwrap();
            text.replace_range(start..end, &format!("{k} = \"{v}\""));
        }
        text.push_str(extra);
        Desk::with_config(&text)
    }

    /// Runs the binary. sled may release its file lock a moment after a store opened in this process
    /// is dropped (the lock test), so a "pid unknown" lock refusal is retried briefly.
    pub fn run(&self, args: &[&str]) -> Out {
        for _ in 0..40 {
            let out = self.run_once(args);
            if !(out.code == 1 && out.stderr.contains("(pid unknown)")) {
                return out;
            }
            sleep_ms(25);
        }
        self.run_once(args)
    }

    fn run_once(&self, args: &[&str]) -> Out {
        Desk::finish(self.command(args).output().expect("run phonedesk"))
    }

    /// Runs the binary for a user whose time zone is `tz` (the TZ variable).
    pub fn run_in_zone(&self, tz: &str, args: &[&str]) -> Out {
        let output = self.command(args).env("TZ", tz).output();
        Desk::finish(output.expect("run phonedesk"))
    }

    /// The binary with this desk's configuration and database, run as the login `tester`.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command
            .arg("--config")
            .arg(&self.config)
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .env_remove("PHONEDESK_CONFIG")
            .env_remove("PHONEDESK_DB")
            .env("USER", "tester")
            // Times are read and shown in the user's zone; the tests read them in UTC.
            .env("TZ", "UTC")
            .stdin(Stdio::null());
        command
    }

    /// What a finished run printed and how it ended.
    pub fn finish(output: std::process::Output) -> Out {
        Out {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.code, 0, "phonedesk {args:?} failed: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "phonedesk {args:?} wrote to stderr: {out:?}"
        );
        out.stdout
    }

    /// Runs a command with --json that must succeed; returns its JSON.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.run(&a);
        assert_eq!(out.code, 0, "phonedesk {args:?} failed: {out:?}");
        out.json()
    }

    /// Runs a command that must be refused with `code`, a one-line message containing
    /// `needle`, and no change to the database.
    pub fn refused_with(&self, code: i32, args: &[&str], needle: &str) -> String {
        let before = self.snapshot();
        let out = self.run(args);
        assert_eq!(
            out.code, code,
            "phonedesk {args:?}: expected exit {code}: {out:?}"
        );
        assert_one_line(&out.stderr, needle);
        // With --json, scripts get the error on stdout too, usage errors included.
        {
            let mut a = vec!["--json"];
            a.extend_from_slice(args);
            let j = self.run(&a);
            assert_eq!(j.code, code, "{j:?}");
            assert!(
                j.json()["error"].as_str().unwrap_or("").contains(needle),
                "{j:?}"
            );
        }
        assert!(
            before == self.snapshot(),
            "phonedesk {args:?} was refused but changed the database"
        );
        out.stderr
    }

    pub fn refused(&self, args: &[&str], needle: &str) -> String {
        self.refused_with(1, args, needle)
    }

    /// Everything in the store, as text (`phonedesk dump`): numbers, orders, directory,
    /// requests, settings, due work. Read by the binary so that this process never holds
    /// the database.
    pub fn snapshot(&self) -> String {
        self.ok(&["dump"])
    }

    /// The account "Example Corp" (acct-1) with its users Ana Lima (user-1) and Bo Chen
    /// (user-2).
    pub fn example_account(&self) {
        assert!(self
            .ok(&["directory", "accounts", "create", "Example Corp"])
            .contains("acct-1"));
        for (name, email, id) in [
            ("Ana Lima", "ana@example.com", "user-1"),
            ("Bo Chen", "bo@example.com", "user-2"),
        ] {
            let out = self.ok(&[
                "directory",
                "users",
                "create",
                "--account",
                "acct-1",
                "--name",
                name,
                "--email",
                email,
            ]);
            assert!(out.contains(id), "{out}");
        }
    }

    /// Searches and returns `n` available numbers.
    pub fn available(&self, flags: &[&str], n: usize) -> Vec<String> {
        let limit = n.to_string();
        let mut args = vec!["search", "--limit", &limit];
        args.extend_from_slice(flags);
        let v = self.json(&args);
        let found: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["number"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(found.len(), n, "not enough numbers for {flags:?}");
        found
    }

    /// A desk with `count` acquired Voice Connector numbers in area code 206 and the voice
    /// connector `connector` (vc-1).
    pub fn with_acquired(count: usize, connector: &str) -> (Desk, Vec<String>) {
        let d = Desk::new();
        let numbers = d.acquired_with_connector(count, connector);
        (d, numbers)
    }

    /// On this desk: `count` acquired Voice Connector numbers in area code 206 and the
    /// voice connector `connector` (the next vc-N).
    pub fn acquired_with_connector(&self, count: usize, connector: &str) -> Vec<String> {
        let numbers = self.available(&["--area-code", "206"], count);
        self.provisioned("vc", &numbers);
        self.ok(&[
            "directory",
            "voice-connectors",
            "create",
            "--name",
            connector,
        ]);
        numbers
    }

    /// Provisions numbers and waits until the order has completed.
    pub fn provisioned(&self, product: &str, numbers: &[String]) {
        let mut args = vec!["provision", "--product-type", product];
        args.extend(numbers.iter().map(String::as_str));
        self.ok(&args);
        sleep_ms(1100);
        self.ok(&["run-due"]);
    }

    /// The status of a number, from `numbers show --json`.
    pub fn status(&self, number: &str) -> String {
        self.json(&["numbers", "show", number])["status"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn check_sound(&self) {
        let out = self.ok(&["check"]);
        assert!(out.contains("sound"), "{out}");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

pub fn sleep_ms(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}

/// A failure message: exactly one line, `phonedesk: ...`, containing `needle`, no panic.
pub fn assert_one_line(stderr: &str, needle: &str) {
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    assert!(
        stderr.ends_with('\n') && stderr.lines().count() == 1,
        "not one line: {stderr:?}"
    );
    assert!(stderr.starts_with("phonedesk: "), "{stderr:?}");
    assert!(stderr.contains(needle), "expected “{needle}” in {stderr:?}");
}
