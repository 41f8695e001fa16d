//! Shared helpers for the tests that drive `phonedesk serve` on PostgreSQL with the real
//! OpenSSH client (tests/organisations.rs, tests/multi_node.rs): keys, a `serve` process
//! started and waited for, `ssh` commands and `watch` streams, consoles in tmux.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A new ed25519 key pair `dir/NAME` (no passphrase); returns the public key's line.
pub fn keygen(dir: &Path, name: &str) -> String {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(dir.join(name))
        .status()
        .unwrap();
    assert!(ok.success());
    std::fs::read_to_string(dir.join(format!("{name}.pub"))).unwrap()
}

/// Writes a file only its owner may read (the server refuses keys others can read).
pub fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// A directory for a rig outside /tmp: the server refuses a keys file below a directory
/// others can write, as sshd does.
pub fn rig_dir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
}

/// Whether `ssh`, `ssh-keygen` or `tmux` is missing (said, and the test skipped; a
/// failure where PostgreSQL is required, as in CI).
pub fn tools_missing() -> bool {
    let missing = ["ssh", "ssh-keygen", "tmux"].into_iter().find(|tool| {
        !Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if let Some(tool) = missing {
        assert!(
            std::env::var_os("PHONEDESK_REQUIRE_POSTGRES").is_none(),
            "`{tool}` is needed"
        );
        eprintln!("`{tool}` is missing: this test is skipped");
        return true;
    }
    false
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The lines of `stream`, as they arrive, on a receiver.
pub fn lines_of(stream: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits until a line of `lines` contains `what`; every line read so far is in `seen`.
pub fn read_until(lines: &mpsc::Receiver<String>, seen: &mut Vec<String>, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !seen.iter().any(|l| l.contains(what)) {
        assert!(Instant::now() < deadline, "no {what:?} in {seen:#?}");
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            seen.push(line);
        }
    }
}

/// A number as the console and lists write it: (206) 555-0123.
pub fn national(number: &str) -> String {
    let d = &number[2..];
    format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])
}

/// Starts `serve` (a command with its arguments and environment), its errors going to
/// `errors`, and waits until it says "connect with:"; what it printed up to there.
pub fn start_serve(mut command: Command, errors: &Path) -> (Child, Vec<String>) {
    let log = || std::fs::read_to_string(errors).unwrap_or_default();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(errors).unwrap())
        .spawn()
        .unwrap();
    let lines = lines_of(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.iter().any(|l: &String| l.contains("connect with:")) {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not start: {seen:?}\n{}", log());
        }
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            seen.push(line);
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the server exited ({status}): {seen:?}\n{}", log());
        }
    }
    (child, seen)
}

/// The OpenSSH client for the key `dir/KEY` to 127.0.0.1:`port`, trusting any host key,
/// never asking anything; callers add `-T`/`-tt`, the destination and the command.
pub fn ssh_command(dir: &Path, key: &str, port: u16) -> Command {
    let mut c = Command::new("ssh");
    c.args(["-F", "/dev/null", "-i"])
        .arg(dir.join(key))
        .args(["-p", &port.to_string()])
        .args(["-o", "StrictHostKeyChecking=no"])
        .args(["-o", "UserKnownHostsFile=/dev/null"])
        .args(["-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"])
        .args(["-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10"]);
    c
}

/// `ssh … watch --all --json` (a command from [`ssh_command`]), its lines arriving on the
/// receiver.
pub fn watch(mut ssh: Command) -> (Child, mpsc::Receiver<String>) {
    let mut child = ssh
        .arg("-T")
        .arg("admin@127.0.0.1")
        .args(["watch", "--all", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = lines_of(child.stdout.take().unwrap());
    (child, lines)
}

/// A tmux server of the test's own, killed with it.
pub struct Tmux {
    socket: PathBuf,
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

impl Tmux {
    pub fn new(socket: PathBuf) -> Tmux {
        Tmux { socket }
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env("TERM", "xterm-256color")
            .output()
            .unwrap();
        assert!(out.status.success(), "tmux {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A console over SSH (a command from [`ssh_command`]) in the 160x40 session `pane`.
    pub fn console(&self, pane: &str, ssh: Command) {
        let mut line: Vec<String> = vec!["ssh".into(), "-tt".into()];
        line.extend(ssh.get_args().map(|a| a.to_string_lossy().into_owned()));
        line.push("admin@127.0.0.1".into());
        self.session(pane, &format!("{}; sleep 60", line.join(" ")));
    }

    /// A tmux session `pane` of 160x40 running the shell command `line`.
    pub fn session(&self, pane: &str, line: &str) {
        let size = ["-x", "160", "-y", "40", "-e", "TERM=xterm-256color"];
        self.run(&[&["new-session", "-d", "-s", pane][..], &size, &[line]].concat());
    }

    pub fn screen(&self, pane: &str) -> String {
        self.run(&["capture-pane", "-p", "-t", pane])
    }

    /// Waits (20 s at most) until the screen of `pane` shows `what`; `log` explains a
    /// failure.
    pub fn wait_for(&self, pane: &str, what: &str, log: impl Fn() -> String) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen(pane);
            if s.contains(what) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "pane {pane}: no {what:?} on\n{s}\n--- server log:\n{}",
                log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
