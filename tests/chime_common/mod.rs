//! The real carrier from the command line, offline: the built binary's `phonedesk
//! fake-chime` (the simulated carrier behind the Chime SDK Voice wire protocol) on a
//! loopback port with its own database, and the built `phonedesk` CLI configured with
//! `[carrier] kind = "chime-sdk-voice"` and `endpoint_url` pointing at it, static test
//! credentials, and a home of its own: nothing a test runs can reach AWS
//! (`PHONEDESK_LOOPBACK_ONLY=1` makes the binary refuse any other endpoint).
//!
//! Use from a test file with `mod chime_common;`. `/_sim/` controls: faults, the simulated
//! clock, request counts, and changes made "in the AWS console".

#![allow(dead_code)] // each test file uses its own part

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The fake carrier's own configuration: no random acquisition failures, so a test is
/// deterministic; faults are armed explicitly through `/_sim/`.
const FAKE_CHIME_CONFIG: &str = "[carrier]\nfailure_rate = 0.0\nseed = 7\n";

/// A running `phonedesk fake-chime`, stopped (SIGTERM) when dropped.
pub struct FakeChime {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    _dir: tempfile::TempDir,
}

impl FakeChime {
    /// Starts the built binary's fake Chime SDK Voice server on a free loopback port, on a
    /// database of its own, and waits until it listens.
    pub fn start() -> FakeChime {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("fake-chime.toml");
        std::fs::write(&config, FAKE_CHIME_CONFIG).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_phonedesk"))
            .args(["fake-chime", "--listen", "127.0.0.1:0", "--db"])
            .arg(dir.path().join("chime"))
            .env("PHONEDESK_CONFIG", &config)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = match line.trim().strip_prefix("listening on http://") {
            Some(a) => a.to_string(),
            None => {
                let _ = child.kill();
                panic!("fake-chime did not say where it listens: {line:?}");
            }
        };
        assert!(addr.starts_with("127.0.0.1:"), "{addr}");
        FakeChime {
            child,
            addr,
            _dir: dir,
        }
    }

    /// `http://127.0.0.1:PORT`, for `endpoint_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// One HTTP/1.1 request; the status and the body (JSON, or `null` when empty).
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        let value = if body.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"))
        };
        (status, value)
    }

    /// A `/_sim/` control that must succeed.
    pub fn sim(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, v) = self.request(method, &format!("/_sim/{path}"), body.as_ref());
        assert!(
            (200..300).contains(&status),
            "{method} /_sim/{path} answered {status}: {v}"
        );
        v
    }

    /// Requests the server received per API operation (`CreatePhoneNumberOrder` → 1).
    pub fn requests(&self) -> BTreeMap<String, u64> {
        serde_json::from_value(self.sim("GET", "requests", None)).unwrap()
    }

    /// Requests of one operation so far.
    pub fn count(&self, operation: &str) -> u64 {
        self.requests().get(operation).copied().unwrap_or(0)
    }

    /// Arms a fault for the next `count` calls of `operation` (or of any operation):
    /// `json!({"kind": "throttle"})`, `{"kind": "server-error", "status": 500}`,
    /// `{"kind": "delay", "millis": 100}`, `{"kind": "fail-reply"}` (carried out, then
    /// answered with a 500).
    pub fn fault(&self, fault: Value, count: u32, operation: Option<&str>) {
        let mut body = fault;
        body["count"] = json!(count);
        if let Some(op) = operation {
            body["operation"] = json!(op);
        }
        self.sim("POST", "faults", Some(body));
    }

    /// Batch answers fail this number with the API's error `code` (`Conflict`, ...).
    pub fn fail_number(&self, number: &str, code: &str) {
        self.sim(
            "POST",
            "faults/number",
            Some(json!({ "number": number, "code": code })),
        );
    }

    /// The next `count` ordered numbers fail to be acquired.
    pub fn fail_acquisitions(&self, count: u32) {
        self.sim(
            "POST",
            "faults/acquisitions",
            Some(json!({ "count": count })),
        );
    }

    pub fn clear_faults(&self) {
        self.sim("DELETE", "faults", None);
    }

    /// Moves the simulated clock on (orders complete, names update, purges happen).
    pub fn advance(&self, seconds: u64) {
        self.sim("POST", "advance", Some(json!({ "seconds": seconds })));
    }

    /// Numbers bought "in the AWS console", behind phonedesk's back.
    pub fn console_buy(&self, numbers: &[&str], product_type: &str) -> Value {
        self.sim(
            "POST",
            "numbers",
            Some(json!({ "numbers": numbers, "product_type": product_type })),
        )
    }

    /// A number changed in the AWS console: `{"name": ..}`, `{"calling_name": ..}`,
    /// `{"product_type": ..}`, `{"associate": "VoiceConnectorId:<id>"}`.
    pub fn console_change(&self, number: &str, change: Value) {
        self.sim(
            "POST",
            &format!("numbers/{}", number.replace('+', "%2B")),
            Some(change),
        );
    }

    /// A number released in the AWS console.
    pub fn console_release(&self, number: &str) {
        self.sim(
            "DELETE",
            &format!("numbers/{}", number.replace('+', "%2B")),
            None,
        );
    }

    /// A read of the API itself, as the AWS console would see it (`/phone-numbers/...`).
    pub fn api_get(&self, path: &str) -> Value {
        let (status, v) = self.request("GET", path, None);
        assert_eq!(status, 200, "GET {path}: {v}");
        v
    }
}

impl Drop for FakeChime {
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// What one run of the CLI gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// The `--json` answer on stdout.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
}

/// The built `phonedesk` CLI on a temporary database, managing "real" numbers at a
/// `FakeChime` through the AWS SDK.
pub struct ChimeDesk {
    pub chime: FakeChime,
    dir: tempfile::TempDir,
}

impl ChimeDesk {
    /// A fake carrier and a phonedesk configured for it.
    pub fn start() -> ChimeDesk {
        ChimeDesk::with(FakeChime::start(), "")
    }

    /// phonedesk in front of `chime`, with `extra` appended to its configuration.
    pub fn with(chime: FakeChime, extra: &str) -> ChimeDesk {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        // Empty AWS files: no profile of the machine's user can leak into a test.
        std::fs::write(home.join(".aws/config"), "").unwrap();
        std::fs::write(home.join(".aws/credentials"), "").unwrap();
        let config = format!(
            "[carrier]\nkind = \"chime-sdk-voice\"\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\ncall_timeout = \"5s\"\n{extra}",
            chime.url()
        );
        std::fs::write(dir.path().join("phonedesk.toml"), config).unwrap();
        ChimeDesk { chime, dir }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("db")
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("phonedesk.toml")
    }

    /// The CLI command with its environment: the temp config and database, static test
    /// credentials, a home of its own, loopback only. Callers add the arguments.
    pub fn command(&self) -> Command {
        let home = self.dir.path().join("home");
        let mut c = Command::new(env!("CARGO_BIN_EXE_phonedesk"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("USER", "ana")
            .env("PHONEDESK_CONFIG", self.config())
            .env("PHONEDESK_DB", self.db())
            .env("PHONEDESK_LOOPBACK_ONLY", "1")
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLETESTONLY")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            )
            .env("AWS_CONFIG_FILE", home.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null());
        c
    }

    /// Runs `phonedesk ARGS...`.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().unwrap())
    }

    /// Runs `phonedesk --json ARGS...`, which must succeed, and returns its answer.
    pub fn json(&self, args: &[&str]) -> Value {
        let r = self.run_json(args);
        assert_eq!(r.code, 0, "phonedesk {args:?} failed: {r:?}");
        r.json()
    }

    /// Runs `phonedesk --json ARGS...` whatever its exit code.
    pub fn run_json(&self, args: &[&str]) -> Run {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// Runs `phonedesk --json ARGS...`, which must be refused (exit 1); its one-line
    /// message on stderr.
    pub fn refused(&self, args: &[&str]) -> String {
        let r = self.run_json(args);
        assert_eq!(r.code, 1, "phonedesk {args:?} was not refused: {r:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
        r.stderr.trim().to_string()
    }

    /// `phonedesk --json numbers show NUMBER`.
    pub fn number(&self, number: &str) -> Value {
        self.json(&["numbers", "show", number])
    }

    /// `phonedesk --json jobs list`.
    pub fn jobs(&self) -> Vec<Value> {
        self.json(&["jobs", "list"]).as_array().unwrap().clone()
    }

    /// `phonedesk --json sync`.
    pub fn sync(&self) -> Value {
        self.json(&["sync"])
    }

    /// `phonedesk check` passes.
    pub fn check(&self) {
        let r = self.run(&["check"]);
        assert_eq!(r.code, 0, "check failed: {r:?}");
    }
}
