//! The console open in one tmux pane, `phonedesk COMMAND` in the next: the command runs in
//! the console's process through the database's local socket, with the same output and exit
//! code as alone (compared with the same command on a copy of the database), and the
//! console shows the change. A client that sends garbage, speaks another version or goes
//! away in the middle of its input changes nothing and does not disturb the console.
//!
//! Needs tmux (`.ci/run` installs it); without it the test says so and passes.

use phonedesk::local::wire;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_phonedesk");

const CONFIG: &str = r#"
[durations]
provisioning_delay = "1s"

[carrier]
failure_rate = 0.0
"#;

static NEXT_DESK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct Desk {
    dir: tempfile::TempDir,
    tmux_socket: String,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
        let desk = Desk {
            // One tmux server per desk: tests run side by side, and each kills its own.
            tmux_socket: format!(
                "phonedesk-local-{}-{}",
                std::process::id(),
                NEXT_DESK.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            ),
            dir,
        };
        let out = desk.run(
            "db",
            &[
                "provision",
                "--product-type",
                "vc",
                "--area-code",
                "206",
                "--limit",
                "3",
            ],
            "",
        );
        assert!(out.status.success(), "{out:?}");
        std::thread::sleep(Duration::from_millis(1100));
        assert!(desk.run("db", &["run-due"], "").status.success());
        let vc = ["directory", "voice-connectors", "create", "--name", "trunk"];
        assert!(desk.run("db", &vc, "").status.success());
        desk
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn socket(&self) -> PathBuf {
        self.path("db").join("phonedesk.run").join("socket")
    }

    /// `phonedesk ARGS` on the database `db` (or a copy), with `stdin`.
    fn run(&self, db: &str, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(BIN)
            .arg("--config")
            .arg(self.path("config.toml"))
            .arg("--db")
            .arg(self.path(db))
            .args(args)
            .env("TZ", "Europe/Paris")
            .env("USER", "ann")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).unwrap();
        drop(input);
        child.wait_with_output().unwrap()
    }

    /// The same command through the console and alone on the copy: same exit code,
    /// output and errors.
    fn same_as_alone(&self, args: &[&str], stdin: &str) -> Output {
        let text = |o: &Output| {
            (
                o.status.code(),
                String::from_utf8_lossy(&o.stdout).to_string(),
                String::from_utf8_lossy(&o.stderr).to_string(),
            )
        };
        let through = self.run("db", args, stdin);
        let alone = self.run("alone", args, stdin);
        assert_eq!(text(&through), text(&alone), "phonedesk {args:?}");
        through
    }

    fn numbers(&self) -> Vec<String> {
        let out = self.run("db", &["numbers", "list", "--json"], "");
        assert!(out.status.success(), "{out:?}");
        let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        v.iter()
            .map(|x| x["number"].as_str().unwrap().to_string())
            .collect()
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.tmux_socket, "-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run tmux")
    }

    fn open_console(&self) {
        let quote = |p: &Path| format!("'{}'", p.display());
        let cmd = format!(
            "{} --config {} --db {}",
            quote(Path::new(BIN)),
            quote(&self.path("config.toml")),
            quote(&self.path("db"))
        );
        let out = self.tmux(&[
            "new-session",
            "-d",
            "-x",
            "140",
            "-y",
            "30",
            "-e",
            "TERM=xterm-256color",
            "-e",
            "TZ=UTC",
            "-e",
            "USER=console",
            &cmd,
        ]);
        assert!(out.status.success(), "{out:?}");
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "0"]).stdout).to_string()
    }

    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the screen reads:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn wait_for_socket(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.socket().exists() {
            assert!(
                Instant::now() < deadline,
                "no socket; the screen reads:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn tmux_missing() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
}

/// Everything the console's socket answers until it closes: (kind, payload) frames.
fn answers(stream: &mut UnixStream) -> Vec<(u8, Vec<u8>)> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut frames = Vec::new();
    while let Ok(frame) = wire::read_frame(stream) {
        let last = frame.0 == wire::EXIT;
        frames.push(frame);
        if last {
            break;
        }
    }
    frames
}

fn said(frames: &[(u8, Vec<u8>)]) -> (String, Option<i32>) {
    let err: Vec<u8> = frames
        .iter()
        .filter(|(k, _)| *k == wire::ERR)
        .flat_map(|(_, p)| p.clone())
        .collect();
    let code = frames
        .iter()
        .find(|(k, _)| *k == wire::EXIT)
        .and_then(|(_, p)| wire::read_exit(p));
    (String::from_utf8_lossy(&err).to_string(), code)
}

fn request(args: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "protocol": wire::PROTOCOL,
        "args": args,
        "login": "mallory",
        "zone": "UTC",
        "tz": null,
        "dir": [],
        "interactive": false,
    })
}

#[test]
fn commands_in_another_pane_run_in_the_open_console() {
    if tmux_missing() {
        eprintln!("SKIPPED local_socket: tmux is not installed (`.ci/run` installs it)");
        return;
    }
    let desk = Desk::new();
    let ok = Command::new("cp")
        .arg("-a")
        .arg(desk.path("db"))
        .arg(desk.path("alone"))
        .status()
        .unwrap();
    assert!(ok.success());
    let n = desk.numbers();
    desk.open_console();
    desk.wait_until("the inventory", |s| s.contains("Held 3/25"));
    desk.wait_for_socket();

    // Reads, changes and refusals: the same as alone.
    let export = desk.same_as_alone(&["export", "--format", "json"], "");
    assert!(export.status.success(), "{export:?}");
    let assigned = desk.same_as_alone(&["assign", &n[0], "--voice-connector", "vc-1"], "");
    assert!(assigned.status.success(), "{assigned:?}");
    let rows = format!("number,change,value\n{},assign,vc:trunk\n", n[1]);
    let applied = desk.same_as_alone(&["apply", "-"], &rows);
    assert!(applied.status.success(), "{applied:?}");
    let refused = desk.same_as_alone(&["assign", &n[2], "--voice-connector", "vc-9"], "");
    assert!(!refused.status.success());
    // The console shows the changes as they happen.
    desk.wait_until("two numbers assigned", |s| {
        s.matches("vc: trunk").count() == 2
    });
    // A console cannot open a second time; the words say what to do.
    let second = desk.run("db", &[], "");
    assert_eq!(second.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("use the console that has it open"),
        "{second:?}"
    );

    // Garbage, then something too large, then a hang-up: each is refused or dropped alone.
    let mut garbage = UnixStream::connect(desk.socket()).unwrap();
    garbage.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    let (words, code) = said(&answers(&mut garbage));
    assert_eq!(code, Some(2), "{words}");
    assert!(words.contains("phonedesk commands only"), "{words}");
    let mut huge = UnixStream::connect(desk.socket()).unwrap();
    let mut head = vec![wire::REQUEST];
    head.extend_from_slice(&u32::MAX.to_be_bytes());
    huge.write_all(&head).unwrap();
    let (words, code) = said(&answers(&mut huge));
    assert_eq!(code, Some(2), "{words}");
    assert!(words.contains("larger than"), "{words}");
    drop(UnixStream::connect(desk.socket()).unwrap());
    // Another version is refused in words.
    let mut other = UnixStream::connect(desk.socket()).unwrap();
    let mut old = request(&["numbers", "list"]);
    old["protocol"] = serde_json::json!(99);
    wire::write_frame(&mut other, wire::REQUEST, old.to_string().as_bytes()).unwrap();
    let (words, code) = said(&answers(&mut other));
    assert_eq!(code, Some(1), "{words}");
    assert!(words.contains("different versions"), "{words}");
    // A client that goes away in the middle of `apply -` applies nothing.
    let mut gone = UnixStream::connect(desk.socket()).unwrap();
    let body = request(&["apply", "-"]).to_string();
    wire::write_frame(&mut gone, wire::REQUEST, body.as_bytes()).unwrap();
    let (kind, _) = wire::read_frame(&mut gone).unwrap();
    assert_eq!(kind, wire::READ);
    let half = format!("number,change,value\n{},label,half a file\n", n[2]);
    wire::write_frame(&mut gone, wire::INPUT, half.as_bytes()).unwrap();
    let (kind, _) = wire::read_frame(&mut gone).unwrap();
    assert_eq!(kind, wire::READ);
    drop(gone);
    // The console carries on and still answers; nothing of the half file was applied.
    let again = desk.run("db", &["assign", &n[2], "--voice-connector", "vc-1"], "");
    assert!(again.status.success(), "{again:?}");
    desk.wait_until("three numbers assigned", |s| {
        s.matches("vc: trunk").count() == 3
    });
    let audit = desk.run("db", &["audit", "--json"], "");
    let audit = String::from_utf8_lossy(&audit.stdout);
    assert!(!audit.contains("half a file"), "{audit}");
    assert!(audit.contains("local:ann"), "{audit}");
    assert!(!audit.contains("mallory"), "{audit}");

    // A command in a terminal asks its confirmation there, and the answer goes through.
    let cmd = format!(
        "'{}' --config '{}' --db '{}' unassign {}; echo exit=$?; sleep 60",
        BIN,
        desk.path("config.toml").display(),
        desk.path("db").display(),
        n[2]
    );
    let out = desk.tmux(&["new-window", "-d", "-n", "pane2", &cmd]);
    assert!(out.status.success(), "{out:?}");
    let pane2 = || {
        String::from_utf8_lossy(&desk.tmux(&["capture-pane", "-p", "-t", ":pane2"]).stdout)
            .to_string()
    };
    let waited = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let s = pane2();
            if s.contains(what) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what}; the pane reads:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(40));
        }
    };
    waited(&format!("Unassign {}? [y/N]", n[2]));
    desk.tmux(&["send-keys", "-t", ":pane2", "y", "Enter"]);
    let said = waited("exit=0");
    assert!(said.contains(&format!("Unassigned {}", n[2])), "{said}");
    desk.wait_until("two numbers assigned again", |s| {
        s.matches("vc: trunk").count() == 2
    });

    // Quitting removes the socket; commands then open the database themselves.
    desk.tmux(&["send-keys", "-t", "0", "q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while desk.path("db").join("phonedesk.run").exists() {
        assert!(
            Instant::now() < deadline,
            "the socket stayed after the console quit"
        );
        std::thread::sleep(Duration::from_millis(40));
    }
    assert!(desk.run("db", &["numbers", "list"], "").status.success());
}

/// A `watch` holds the database; a second `watch` and a change run through its socket;
/// Ctrl-C ends the second one with exit 0, as it ends a `watch` alone.
#[test]
fn watch_through_the_socket_streams_changes_and_ends_quietly_at_ctrl_c() {
    use std::io::{BufRead, BufReader};
    let desk = Desk::new();
    let n = desk.numbers();
    let watch = |db: &str| {
        Command::new(BIN)
            .arg("--config")
            .arg(desk.path("config.toml"))
            .arg("--db")
            .arg(desk.path(db))
            .args(["watch", "--all"])
            .env("TZ", "UTC")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut holder = watch("db");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !desk.socket().exists() {
        assert!(Instant::now() < deadline, "the holding watch has no socket");
        std::thread::sleep(Duration::from_millis(40));
    }
    let mut through = watch("db");
    let mut lines = BufReader::new(through.stdout.take().unwrap()).lines();
    // The second watch subscribes in the holder; give it a moment, then change something.
    std::thread::sleep(Duration::from_millis(500));
    let out = desk.run("db", &["label", &n[0], "watched"], "");
    assert!(out.status.success(), "{out:?}");
    let line = lines.next().unwrap().unwrap();
    assert!(line.contains(&n[0]), "{line}");
    unsafe {
        libc::kill(through.id() as i32, libc::SIGINT);
    }
    let status = through.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
    unsafe {
        libc::kill(holder.id() as i32, libc::SIGTERM);
    }
    assert_eq!(holder.wait().unwrap().code(), Some(0));
    assert!(!desk.path("db").join("phonedesk.run").exists());
}
