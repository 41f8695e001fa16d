//! `phonedesk serve` driven by the real OpenSSH client. Each test starts the built binary on a
//! free loopback port with its own database, keys and configuration, and opens consoles in
//! tmux panes (a real pseudo-terminal on the client side) to read what the screen shows.
//!
//! Needs `ssh`, `ssh-keygen` and `tmux` (`.ci/run` installs them).

mod small_disk;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_phonedesk");

fn need(tool: &str) {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success());
    assert!(
        found.unwrap_or(false),
        "`{tool}` is needed by the SSH tests (apt-get install -y tmux openssh-client)"
    );
}

/// A directory for a rig's keys outside `/tmp`: the server refuses an authorized-keys file
/// below a directory others can write, as sshd does, and `/tmp` is one.
fn safe_tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("ssh-rig")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Rig {
    dir: tempfile::TempDir,
    port: u16,
    server: Option<Child>,
    stdout: Option<mpsc::Receiver<String>>,
    stderr_path: PathBuf,
    /// The server's open-file limit (`ulimit -n`), when a test sets one.
    open_files: Option<u64>,
}

impl Rig {
    /// Keys `admin` (alice), `viewer` (noc) and `stranger` (not authorized); a database with
    /// three Unassigned numbers; `ssh_extra` lines go into the `[ssh]` section.
    fn new(ssh_extra: &str) -> Rig {
        need("ssh");
        need("ssh-keygen");
        need("tmux");
        let dir = safe_tempdir();
        let d = dir.path();
        for name in ["admin", "viewer", "stranger"] {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
                .arg(d.join(name))
                .status()
                .unwrap();
            assert!(ok.success());
        }
        let pubkey = |n: &str| std::fs::read_to_string(d.join(format!("{n}.pub"))).unwrap();
        let authorized = format!(
            "# role name key\nadmin alice {}viewer noc {}",
            pubkey("admin"),
            pubkey("viewer")
        );
        std::fs::write(d.join("authorized_keys"), authorized).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o600);
            std::fs::set_permissions(d.join("authorized_keys"), mode).unwrap();
        }
        let port = free_port();
        let config = format!(
            "[ssh]\nlisten = \"127.0.0.1:{port}\"\nhost_key = \"{}\"\nauthorized_keys = \"{}\"\n{ssh_extra}\n\
             [durations]\nprovisioning_delay = \"1s\"\n[carrier]\nfailure_rate = 0.0\n",
            d.join("host_key").display(),
            d.join("authorized_keys").display(),
        );
        std::fs::write(d.join("config.toml"), config).unwrap();
        let rig = Rig {
            stderr_path: d.join("serve.err"),
            dir,
            port,
            server: None,
            stdout: None,
            open_files: None,
        };
        let out = rig.local(&[
            "provision",
            "--product-type",
            "vc",
            "--area-code",
            "206",
            "--limit",
            "3",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::thread::sleep(Duration::from_millis(1100));
        let out = rig.local(&["run-due"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        rig
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The server's working directory (created empty).
    fn workdir(&self) -> PathBuf {
        let dir = self.path("cwd");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Every file under the rig's directory, the database's own files aside.
    fn files_outside_the_database(&self) -> Vec<PathBuf> {
        fn walk(dir: &std::path::Path, skip: &std::path::Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p == skip {
                    continue;
                }
                if p.is_dir() {
                    walk(&p, skip, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &self.path("db"), &mut out);
        out.sort();
        out
    }

    /// `phonedesk` on this machine, on the rig's database.
    fn local(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--config")
            .arg(self.path("config.toml"))
            .arg("--db")
            .arg(self.path("db"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn start(&mut self) {
        let mut command = Command::new(BIN);
        if let Some(limit) = self.open_files {
            use std::os::unix::process::CommandExt;
            // SAFETY: setrlimit is async-signal-safe; nothing else runs in the child here.
            unsafe {
                command.pre_exec(move || {
                    let lim = libc::rlimit {
                        rlim_cur: limit,
                        rlim_max: limit,
                    };
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let mut child = command
            .arg("--config")
            .arg(self.path("config.toml"))
            .arg("--db")
            .arg(self.path("db"))
            .arg("serve")
            .env_remove("NO_COLOR")
            // The data directory (exports) inside the rig, never the real home.
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("conf"))
            // A working directory of its own, so a test sees any file it writes there.
            .current_dir(self.workdir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&self.stderr_path).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        self.server = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => {
                    let ready = line.contains("connect with:");
                    seen.push(line);
                    if ready {
                        break;
                    }
                }
                Err(_) if Instant::now() > deadline => {
                    panic!("the server did not start: {seen:?}\n{}", self.server_log())
                }
                Err(_) => {
                    if let Some(status) = self.server.as_mut().unwrap().try_wait().unwrap() {
                        panic!(
                            "the server exited ({status}): {seen:?}\n{}",
                            self.server_log()
                        );
                    }
                }
            }
        }
        assert!(
            seen.iter().any(|l| l.contains("host key SHA256:")),
            "{seen:?}"
        );
        self.stdout = Some(rx);
    }

    fn server_log(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// SIGTERM; waits for the server to exit and returns its exit status.
    fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.server.take().expect("the server runs");
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the server did not stop on SIGTERM\n{}", self.server_log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGHUP and waits until the server's log says `what`.
    fn hup_and_wait(&self, what: &str) {
        let before = self.server_log().matches(what).count();
        unsafe {
            libc::kill(self.server.as_ref().unwrap().id() as i32, libc::SIGHUP);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.server_log().matches(what).count() <= before {
            assert!(
                Instant::now() < deadline,
                "no {what:?} after SIGHUP:\n{}",
                self.server_log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn ssh_base(&self, key: &str) -> Vec<String> {
        [
            "-F",
            "/dev/null",
            "-i",
            &self.path(key).display().to_string(),
            "-p",
            &self.port.to_string(),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "ConnectTimeout=10",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    /// `ssh ... admin@127.0.0.1 COMMAND` without a pty.
    fn ssh(&self, key: &str, command: &[&str]) -> Output {
        Command::new("ssh")
            .args(self.ssh_base(key))
            .arg("-T")
            .arg("admin@127.0.0.1")
            .args(command)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn tmux(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S")
            .arg(self.path("tmux.sock"))
            .arg("-f")
            .arg("/dev/null")
            .env("TERM", "xterm-256color");
        c
    }

    fn tmux_ok(&self, args: &[&str]) {
        let out = self.tmux().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Opens a console for `key` in a tmux pane of `w`x`h`. When ssh exits the pane stays,
    /// showing `[ssh exited N]` under what the server printed last.
    fn open(&self, pane: &str, key: &str, w: u16, h: u16) {
        self.open_with(pane, key, w, h, &[]);
    }

    /// `ssh -tt ... COMMAND` in a tmux pane: a command with a terminal.
    fn open_with(&self, pane: &str, key: &str, w: u16, h: u16, command: &[&str]) {
        self.open_full(pane, key, w, h, &[], command);
    }

    fn open_full(&self, pane: &str, key: &str, w: u16, h: u16, opts: &[&str], command: &[&str]) {
        let mut cmd: Vec<String> = vec!["ssh".into(), "-tt".into()];
        cmd.extend(opts.iter().map(|s| s.to_string()));
        cmd.extend(self.ssh_base(key));
        cmd.push("admin@127.0.0.1".into());
        cmd.extend(command.iter().map(|s| s.to_string()));
        let line = format!("{}; echo \"[ssh exited $?]\"; sleep 120", cmd.join(" "));
        self.tmux_ok(&[
            "new-session",
            "-d",
            "-s",
            pane,
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            &line,
        ]);
    }

    /// The screen with its colours and attributes as escape sequences.
    fn screen_styled(&self, pane: &str) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-e", "-p", "-t", pane])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn screen(&self, pane: &str) -> String {
        let out = self
            .tmux()
            .args(["capture-pane", "-p", "-t", pane])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// tmux key names: `j`, `Enter`, `Escape`, `Up`, `C-c`; `-l` text is sent literally.
    fn keys(&self, pane: &str, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", pane];
        args.extend_from_slice(keys);
        self.tmux_ok(&args);
    }

    fn text(&self, pane: &str, text: &str) {
        self.tmux_ok(&["send-keys", "-t", pane, "-l", text]);
    }

    fn wait_for(&self, pane: &str, what: &str) -> String {
        self.wait_until(pane, what, |s| s.contains(what))
    }

    fn wait_until(&self, pane: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let s = self.screen(pane);
            if ok(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!(
                    "pane {pane}: waited for {what:?}; the screen shows:\n{s}\n--- server log:\n{}",
                    self.server_log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn numbers(&self) -> Vec<serde_json::Value> {
        let out = self.ssh("admin", &["numbers", "list", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
    }

    fn audit(&self) -> Vec<serde_json::Value> {
        let out = self.ssh("admin", &["audit", "--json"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        match v {
            serde_json::Value::Array(a) => a,
            other => other
                .get("entries")
                .and_then(|e| e.as_array())
                .cloned()
                .unwrap_or_default(),
        }
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        let _ = self.tmux().arg("kill-server").output();
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn first_number(rig: &Rig) -> String {
    rig.numbers()[0]["number"].as_str().unwrap().to_string()
}

#[test]
fn ssh_cli_command_returns_json_with_the_callers_role() {
    let mut rig = Rig::new("");
    rig.start();
    let numbers = rig.numbers();
    assert_eq!(numbers.len(), 3);
    let n = numbers[0]["number"].as_str().unwrap().to_string();

    // An admin's change is made, and the audit log names the key's name.
    let out = rig.ssh("admin", &["label", &n, "'front desk'"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = rig.numbers();
    assert_eq!(
        after.iter().find(|x| x["number"] == n.as_str()).unwrap()["label"],
        "front desk"
    );
    let audit = serde_json::to_string(&rig.audit()).unwrap();
    assert!(audit.contains("alice"), "{audit}");

    // A viewer's is refused: exit 1, the reason on stderr, nothing changed.
    let out = rig.ssh("viewer", &["label", &n, "other"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(err.contains("noc") || err.contains("read"), "{err}");
    assert_eq!(
        rig.numbers()
            .iter()
            .find(|x| x["number"] == n.as_str())
            .unwrap()["label"],
        "front desk"
    );

    // Usage errors keep the CLI's exit code.
    let out = rig.ssh("admin", &["numbers", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));

    // No pty and no command: a note on how to connect.
    let out = rig.ssh("admin", &[]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("ssh -p {} 127.0.0.1", rig.port))
    );

    // A port-in's secrets, in both flag forms, never reach the server's log.
    let out = rig.ssh(
        "admin",
        &[
            "support port-in +13125550143 --product-type bc --btn +13125550143",
            "--authorizing-person 'Ana Lima' --service-address '1 Main St'",
            "--customer-name 'Example Corp' --requested 2030-06-03T09:00",
            "--email ana@example.com --service-pin 987654",
            "--service-account-number=11112222",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A viewer may read the request, masked, but not reveal a secret.
    let out = rig.ssh("viewer", &["support", "show", "req-1", "--reveal"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("read-only access"), "{err}");
    assert!(out.stdout.is_empty());
    let out = rig.ssh("viewer", &["support", "show", "req-1", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        !shown.contains("987654") && !shown.contains("11112222"),
        "{shown}"
    );
    assert!(rig.stop().success());
    let log = rig.server_log();
    assert!(
        log.contains("alice (admin) runs `support port-in …`"),
        "{log}"
    );
    assert!(log.contains("noc (viewer) runs `support show …`"), "{log}");
    // Every session's end is logged, a command's with its exit code.
    assert!(log.contains("noc's command ended (exit code 1)"), "{log}");
    assert!(log.contains("alice's command ended (exit code 0)"), "{log}");
    for secret in ["987654", "11112222", "Example Corp"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

/// `ssh host watch --json` streams the server's own notices (here an order another
/// session placed, completed by the server's scheduler) until the client goes away; the
/// server then ends the command by itself, idle as it is.
#[test]
fn ssh_watch_streams_the_servers_notices_until_the_client_disconnects() {
    let mut rig = Rig::new("");
    rig.start();
    let mut watch = Command::new("ssh")
        .args(rig.ssh_base("viewer"))
        .arg("-T")
        .arg("admin@127.0.0.1")
        .args(["watch", "--json", "--kind", "order-completed"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    let stdout = watch.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // The watch is running once the server says so.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rig.server_log().contains("noc (viewer) runs `watch …`") {
        assert!(Instant::now() < deadline, "{}", rig.server_log());
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = rig.ssh(
        "admin",
        &[
            "provision",
            "--product-type",
            "vc",
            "--area-code",
            "425",
            "--limit",
            "1",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let line = lines
        .recv_timeout(Duration::from_secs(15))
        .expect("the watch tells the order's completion");
    let record: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(record["kind"], "order-completed", "{line}");
    assert_eq!(record["order"], "order-2", "{line}");
    // The client goes away; the server's command ends within about a second.
    watch.kill().unwrap();
    let _ = watch.wait();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rig
        .server_log()
        .contains("noc's command ended (exit code 0)")
    {
        assert!(Instant::now() < deadline, "{}", rig.server_log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(rig.stop().success());
}

#[test]
fn ssh_unknown_keys_are_refused_and_sighup_reloads_the_keys() {
    let mut rig = Rig::new("auth_attempts = 2");
    rig.start();
    let out = rig.ssh("stranger", &["numbers", "list"]);
    assert_eq!(out.status.code(), Some(255));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Permission denied"),
        "{out:?}"
    );
    // Without a key, the client has nothing the server accepts.
    let out = Command::new("ssh")
        .args(rig.ssh_base("stranger"))
        .args([
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "PreferredAuthentications=password,keyboard-interactive",
        ])
        .arg("admin@127.0.0.1")
        .arg("true")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(255));
    let fp = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(rig.path("stranger.pub"))
        .output()
        .unwrap();
    let fp = String::from_utf8_lossy(&fp.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_string();
    let log = rig.server_log();
    assert!(log.contains(&format!("refused unknown key {fp}")), "{log}");
    // SIGHUP reads the keys again: the stranger becomes a viewer named guest ...
    let pubkey = std::fs::read_to_string(rig.path("stranger.pub")).unwrap();
    let keys = std::fs::read_to_string(rig.path("authorized_keys")).unwrap();
    std::fs::write(
        rig.path("authorized_keys"),
        format!("{keys}viewer guest {pubkey}"),
    )
    .unwrap();
    rig.hup_and_wait("3 authorized keys");
    let out = rig.ssh("stranger", &["numbers", "list", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let n = first_number(&rig);
    let out = rig.ssh("stranger", &["label", &n, "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("guest"),
        "{out:?}"
    );
    // ... and a broken file keeps the keys in force.
    std::fs::write(
        rig.path("authorized_keys"),
        format!("{keys}superuser guest {pubkey}"),
    )
    .unwrap();
    rig.hup_and_wait("kept the keys in force");
    assert!(rig.server_log().contains("line 4"), "{}", rig.server_log());
    assert!(rig.ssh("stranger", &["numbers", "list"]).status.success());
    assert!(rig.stop().success());
}

#[test]
fn ssh_local_phonedesk_says_the_server_holds_the_database() {
    let mut rig = Rig::new("");
    rig.start();
    // A console cannot open here; the words say how to reach the server's.
    let out = rig.local(&[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("held by `phonedesk serve`"), "{err}");
    assert!(
        err.contains(&format!("ssh -p {} 127.0.0.1", rig.port)),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    // A command runs in the server (the local socket).
    let out = rig.local(&["numbers", "list", "--json"]);
    assert!(out.status.success(), "{out:?}");
    // After the server stops, the database is free again and intact.
    assert!(rig.stop().success());
    let out = rig.local(&["numbers", "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn calling_name(rig: &Rig, number: &str) -> serde_json::Value {
    rig.numbers()
        .into_iter()
        .find(|x| x["number"] == number)
        .unwrap()["calling_name"]
        .clone()
}

#[test]
fn ssh_two_consoles_see_each_others_changes() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("a", "admin", 100, 30);
    rig.open("b", "viewer", 80, 24);
    rig.wait_for("a", "2 admins connected");
    rig.wait_for("b", "2 admins conn");
    // Alice gives the first number a calling name in her console ...
    rig.keys("a", &["n"]);
    rig.wait_for("a", "Unique calling name");
    rig.text("a", "Front Desk");
    let started = Instant::now();
    rig.keys("a", &["Enter"]);
    // ... and it shows in noc's console without a key press there.
    rig.wait_for("b", "Front Desk");
    eprintln!(
        "the other console showed the change {:?} after Enter was sent",
        started.elapsed()
    );
    rig.wait_for("a", "Front Desk");
    let n = first_number(&rig);
    assert_eq!(calling_name(&rig, &n), "Front Desk");
    let audit = serde_json::to_string(&rig.audit()).unwrap();
    assert!(audit.contains("alice"), "{audit}");
    // Quitting closes the session cleanly, and the count in the other header drops.
    rig.keys("a", &["q"]);
    rig.wait_for("a", "[ssh exited 0]");
    rig.wait_until("b", "the count of admins to drop", |s| {
        !s.contains("2 admins conn")
    });
    assert!(rig.stop().success());
}

#[test]
fn ssh_viewer_is_refused_a_change_in_the_status_line() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("v", "viewer", 90, 26);
    rig.wait_for("v", "Inventory");
    let before = rig.numbers();
    rig.keys("v", &["n"]);
    rig.wait_for("v", "Unique calling name");
    rig.text("v", "Noc Try");
    rig.keys("v", &["Enter"]);
    let s = rig.wait_for("v", "read-only");
    let status = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    assert!(
        status.contains("noc has read-only access"),
        "status line: {status}\n{s}"
    );
    assert_eq!(rig.numbers(), before);
    assert!(rig.stop().success());
}

#[test]
fn ssh_disconnect_in_the_middle_of_a_form_changes_nothing() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("f", "admin", 100, 30);
    rig.wait_for("f", "Inventory");
    let numbers = rig.numbers();
    let audit = rig.audit();
    rig.keys("f", &["n"]);
    rig.wait_for("f", "Unique calling name");
    rig.text("f", "Half Done");
    rig.wait_for("f", "Half Done");
    // The client goes away without a word (its terminal closed).
    rig.tmux_ok(&["kill-session", "-t", "f"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rig.server_log().contains("console ended (Disconnected)") {
        assert!(Instant::now() < deadline, "{}", rig.server_log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(rig.numbers(), numbers);
    assert_eq!(rig.audit().len(), audit.len());
    assert!(rig.stop().success());
    // And the database is sound afterwards.
    let out = rig.local(&["check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn ssh_resize_redraws_at_the_new_size() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("r", "admin", 100, 30);
    rig.wait_for("r", "Inventory");
    // The frame's right border and the status line's `? help` sit at the window's edge.
    let edge = |s: &str, w: usize, h: usize| {
        let lines: Vec<&str> = s.lines().collect();
        lines.len() >= h
            && lines[h - 1].trim_end().ends_with("? help")
            && (w - 2..=w).contains(&lines[h - 1].trim_end().chars().count())
            && lines[2].trim_end().chars().count() == w
    };
    rig.wait_until("r", "a frame of 100x30", |s| edge(s, 100, 30));
    rig.tmux_ok(&["resize-window", "-t", "r", "-x", "70", "-y", "20"]);
    rig.wait_until("r", "a frame of 70x20", |s| edge(s, 70, 20));
    rig.tmux_ok(&["resize-window", "-t", "r", "-x", "120", "-y", "40"]);
    rig.wait_until("r", "a frame of 120x40", |s| edge(s, 120, 40));
    assert!(rig.stop().success());
}

#[test]
fn ssh_sigterm_tells_sessions_and_frees_the_database() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("s", "admin", 90, 25);
    rig.wait_for("s", "Inventory");
    assert!(rig.stop().success(), "{}", rig.server_log());
    let s = rig.wait_for("s", "[ssh exited");
    assert!(s.contains("shutting down"), "{s}");
    assert!(rig.server_log().contains("flushed"), "{}", rig.server_log());
    let out = rig.local(&["numbers", "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ssh_limits_sessions_and_idle_time() {
    let mut rig = Rig::new("max_sessions = 1\nidle_timeout = \"3s\"");
    rig.start();
    rig.open("one", "admin", 80, 24);
    rig.wait_for("one", "Inventory");
    // A second session is refused with a message while the first is open.
    let out = rig.ssh("admin", &["numbers", "list"]);
    assert_eq!(out.status.code(), Some(1));
    // A refusal, so on standard error: a script reading stdout gets nothing to parse.
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the server already has 1 sessions"),
        "{out:?}"
    );
    assert!(out.stdout.is_empty(), "{out:?}");
    // The server's log says who was refused, and which limit did it.
    let log = rig.server_log();
    assert!(
        log.contains("refused a session for alice (admin)")
            && log.contains("the server already has 1 sessions (max_sessions)"),
        "{log}"
    );
    // The idle console closes itself with a message, freeing the slot.
    let s = rig.wait_for("one", "[ssh exited");
    assert!(s.contains("without input"), "{s}");
    let out = rig.ssh("admin", &["numbers", "list"]);
    assert!(out.status.success(), "{out:?}");
    assert!(rig.stop().success());
}

#[test]
fn ssh_command_with_a_terminal_asks_to_confirm_on_it() {
    let mut rig = Rig::new("");
    rig.start();
    let numbers = rig.numbers();
    let (n1, n2) = (
        numbers[0]["number"].as_str().unwrap(),
        numbers[1]["number"].as_str().unwrap(),
    );
    // Without a terminal nobody can answer: refused, with the way out.
    let out = rig.ssh("admin", &["delete", n1]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--yes"),
        "{out:?}"
    );
    // With one, the question is asked there; "n" keeps the number ...
    rig.open_with("no", "admin", 100, 10, &["delete", n1]);
    rig.wait_for("no", "[y/N]");
    rig.keys("no", &["n", "Enter"]);
    let s = rig.wait_for("no", "[ssh exited");
    assert!(
        s.contains("[ssh exited 1]") && s.contains("cancelled"),
        "{s}"
    );
    // ... and "yes", typed with a correction, deletes it.
    rig.open_with("yes", "admin", 100, 10, &["delete", n2]);
    rig.wait_for("yes", "[y/N]");
    rig.text("yes", "yx");
    rig.keys("yes", &["BSpace"]);
    rig.text("yes", "es");
    rig.keys("yes", &["Enter"]);
    rig.wait_for("yes", "[ssh exited 0]");
    let after = rig.numbers();
    let place = |n: &str| after.iter().find(|x| x["number"] == n).unwrap()["place"].clone();
    assert_eq!(place(n1), "inventory");
    assert_eq!(place(n2), "deletion-queue");
    assert!(rig.stop().success());
}

#[test]
fn ssh_no_color_sent_by_the_client_turns_colours_off() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("plain", "admin", 100, 30);
    rig.open_full("mono", "viewer", 100, 30, &["-o", "SetEnv=NO_COLOR=1"], &[]);
    rig.wait_for("plain", "Inventory");
    rig.wait_for("mono", "Inventory");
    let plain = rig.screen_styled("plain");
    let mono = rig.screen_styled("mono");
    assert!(plain.contains("38;5;"), "{plain:?}");
    assert!(
        !mono.contains("38;5;") && !mono.contains("48;5;"),
        "{mono:?}"
    );
    assert!(rig.stop().success());
}

#[test]
fn ssh_console_export_goes_to_the_client_and_writes_nothing_on_the_server() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("e", "viewer", 120, 30);
    rig.wait_for("e", "Inventory");
    let before = rig.files_outside_the_database();
    // A viewer presses the export key again and again: each time the CSV is shown on the
    // client's terminal, with the command that saves it there; the server writes nothing.
    for _ in 0..3 {
        rig.keys("e", &["e"]);
        let s = rig.wait_for("e", "Export: 3 numbers as CSV");
        assert!(s.contains("number,"), "the CSV's header row is shown\n{s}");
        assert!(
            s.contains(&format!(
                "ssh -p {} 127.0.0.1 export > numbers.csv",
                rig.port
            )),
            "{s}"
        );
        for n in rig.numbers() {
            assert!(s.contains(n["number"].as_str().unwrap()), "{s}");
        }
        rig.keys("e", &["Escape"]);
        rig.wait_until("e", "the Inventory again", |s| !s.contains("Export:"));
    }
    let after = rig.files_outside_the_database();
    let log = rig.path("serve.err");
    let new: Vec<_> = after
        .iter()
        .filter(|p| !before.contains(p) && **p != log)
        .collect();
    assert!(new.is_empty(), "the server wrote {new:?}");
    assert!(!rig.path("data").join("phonedesk").join("exports").exists());
    // The command the console names brings the same CSV to the administrator's machine.
    let out = rig.ssh("viewer", &["export"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
    assert!(rig.stop().success());
}

#[test]
fn ssh_viewer_run_due_is_refused_and_a_huge_command_gets_one_line() {
    let mut rig = Rig::new("");
    rig.start();
    let before = rig.audit().len();
    // `run-due` is a change like any other: a viewer is refused, and it is audited.
    let out = rig.ssh("viewer", &["run-due"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("noc has read-only access"), "{err}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let audit = rig.audit();
    assert_eq!(audit.len(), before + 1);
    let refused = audit
        .iter()
        .find(|e| e["actor"] == "noc")
        .expect("the refusal is audited");
    assert_eq!(refused["ok"], false, "{refused}");
    assert!(refused.to_string().contains("read-only"), "{refused}");
    let out = rig.ssh("admin", &["run-due"]);
    assert!(out.status.success(), "{out:?}");

    // A command line of 128 KiB is answered with one line, and the connection ends normally.
    let word = "x".repeat(8 * 1024);
    let words: Vec<&str> = std::iter::repeat_n(word.as_str(), 16).collect();
    let out = rig.ssh("admin", &words);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("the command is too long (129 KiB; at most 64 KiB)"),
        "{err}"
    );
    // One of 1 MB (in words of 64 KiB: one argument may not exceed 128 KiB) is more than one
    // SSH message may carry (256 KiB, as in OpenSSH): russh closes the connection before the
    // command can be read. The server says so in its log, in plain words, and carries on.
    let word = "x".repeat(64 * 1024);
    let words: Vec<&str> = std::iter::repeat_n(word.as_str(), 16).collect();
    let out = rig.ssh("admin", &words);
    assert_eq!(out.status.code(), Some(255), "{out:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rig.server_log().contains("larger than SSH allows") {
        assert!(Instant::now() < deadline, "{}", rig.server_log());
        std::thread::sleep(Duration::from_millis(50));
    }
    // The server is still there for the next one.
    assert_eq!(rig.numbers().len(), 3);
    assert!(rig.stop().success());
}

#[test]
fn ssh_keys_file_below_a_directory_others_can_write_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let mut rig = Rig::new("");
    let dir = rig.dir.path().to_path_buf();
    let open = |mode: u32| {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    // At start: the server does not start, and names the directory.
    open(0o777);
    let mut child = Command::new(BIN)
        .arg("--config")
        .arg(rig.path("config.toml"))
        .arg("--db")
        .arg(rig.path("db"))
        .arg("serve")
        .env("XDG_DATA_HOME", rig.path("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server started with keys anyone may replace");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(!status.success());
    assert!(
        err.contains(&format!("the directory {} above it", dir.display()))
            && err.contains("can be written by others (mode 777)"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    // At SIGHUP: the keys in force stay, and the log says which directory is wrong.
    open(0o700);
    rig.start();
    open(0o777);
    rig.hup_and_wait("kept the keys in force");
    let log = rig.server_log();
    assert!(
        log.contains(&format!("the directory {} above it", dir.display())),
        "{log}"
    );
    assert!(rig.ssh("admin", &["numbers", "list"]).status.success());
    open(0o700);
    assert!(rig.stop().success());
}

/// The server that cannot start says why in one line of words, not Rust's "(os error N)".
#[test]
fn ssh_a_port_already_in_use_is_said_in_words() {
    let rig = Rig::new("");
    let _taken = std::net::TcpListener::bind(("127.0.0.1", rig.port)).unwrap();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(rig.path("config.toml"))
        .arg("--db")
        .arg(rig.path("db"))
        .arg("serve")
        .env("XDG_DATA_HOME", rig.path("data"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("cannot listen on 127.0.0.1:{}", rig.port))
            && err.contains("address already in use"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
}

/// A bare SSH client (russh's) that can do what OpenSSH will not: try a password on a server
/// that offers only keys.
struct AnyHostKey;

impl russh::client::Handler for AnyHostKey {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

/// Answers a sign request with a signature that cannot be right (an Ed25519 signature of
/// zeros): what a client holding only the public key, or a broken agent, sends.
struct WrongSignature;

impl russh::Signer for WrongSignature {
    type Error = russh::AgentAuthError;

    #[allow(clippy::manual_async_fn)]
    fn auth_sign(
        &mut self,
        _key: &russh::keys::agent::AgentIdentity,
        _hash_alg: Option<russh::keys::HashAlg>,
        mut to_sign: Vec<u8>,
    ) -> impl std::future::Future<Output = Result<Vec<u8>, Self::Error>> + Send {
        async move {
            let string = |out: &mut Vec<u8>, bytes: &[u8]| {
                out.extend((bytes.len() as u32).to_be_bytes());
                out.extend(bytes);
            };
            let mut blob = Vec::new();
            string(&mut blob, b"ssh-ed25519");
            string(&mut blob, &[0u8; 64]);
            string(&mut to_sign, &blob);
            Ok(to_sign)
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn ssh_agent_keys_are_not_counted_and_every_refusal_is_answered_and_logged() {
    let mut rig = Rig::new("auth_attempts = 2");
    rig.start();
    // An agent with four other keys loaded, then the right one: the unknown keys are
    // refused (and logged) but not counted, so the administrator gets in.
    let mut others = Vec::new();
    for i in 0..4 {
        let name = format!("other{i}");
        let ok = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(rig.path(&name))
            .status()
            .unwrap();
        assert!(ok.success());
        others.push(name);
    }
    let mut cmd = Command::new("ssh");
    let mut base = rig.ssh_base("other0");
    // ssh_base names one identity; add the others, then the right one last.
    for name in others
        .iter()
        .skip(1)
        .chain(std::iter::once(&"admin".to_string()))
    {
        base.push("-i".into());
        base.push(rig.path(name).display().to_string());
    }
    let out = cmd
        .args(&base)
        .arg("-T")
        .arg("admin@127.0.0.1")
        .args(["numbers", "list", "--json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}\n{}", rig.server_log());
    let log = rig.server_log();
    assert_eq!(log.matches("refused unknown key").count(), 4, "{log}");
    assert!(log.contains("not counted"), "{log}");
    assert!(log.contains("alice (admin) signed in"), "{log}");

    // Passwords are refused methods: each attempt is answered, logged and counted; the
    // last one closes the connection.
    let rt = runtime();
    let port = rig.port;
    let answers = rt.block_on(async move {
        let config = std::sync::Arc::new(russh::client::Config::default());
        let mut h = russh::client::connect(config, ("127.0.0.1", port), AnyHostKey)
            .await
            .unwrap();
        let mut answers = Vec::new();
        for pw in ["hunter2", "hunter3", "hunter4"] {
            let r =
                tokio::time::timeout(Duration::from_secs(8), h.authenticate_password("admin", pw))
                    .await;
            answers.push(match r {
                Err(_) => "no answer".to_string(),
                Ok(Ok(a)) if a.success() => "accepted".to_string(),
                Ok(Ok(_)) => "refused".to_string(),
                Ok(Err(_)) => "closed".to_string(),
            });
        }
        answers
    });
    // Each attempt is answered: the second, the last allowed, with no method left (so a
    // client gives up: "Permission denied"); one more after it closes the connection.
    assert_eq!(
        answers,
        ["refused", "refused", "closed"],
        "{}",
        rig.server_log()
    );
    let log = rig.server_log();
    assert_eq!(log.matches("refused a password").count(), 2, "{log}");
    assert!(log.contains("(attempt 2 of 2)"), "{log}");
    assert!(log.contains("too many failed attempts"), "{log}");
    for secret in ["hunter2", "hunter3"] {
        assert!(!log.contains(secret), "{log}");
    }

    // A known key with a wrong signature is a failed attempt, counted and logged like a
    // password: after two of them nothing is left to try.
    let admin = russh::keys::load_public_key(rig.path("admin.pub")).unwrap();
    let answers = rt.block_on(async move {
        let config = std::sync::Arc::new(russh::client::Config::default());
        let mut h = russh::client::connect(config, ("127.0.0.1", port), AnyHostKey)
            .await
            .unwrap();
        let mut answers = Vec::new();
        let mut signer = WrongSignature;
        for _ in 0..4 {
            let attempt = h.authenticate_publickey_with("admin", admin.clone(), None, &mut signer);
            answers.push(
                match tokio::time::timeout(Duration::from_secs(8), attempt).await {
                    Err(_) => "no answer".to_string(),
                    Ok(Ok(a)) if a.success() => "accepted".to_string(),
                    Ok(Ok(russh::client::AuthResult::Failure {
                        remaining_methods, ..
                    })) if remaining_methods.is_empty() => "no method left".to_string(),
                    Ok(Ok(_)) => "refused".to_string(),
                    Ok(Err(_)) => "closed".to_string(),
                },
            );
        }
        answers
    });
    let log = rig.server_log();
    assert_eq!(
        answers,
        ["refused", "refused", "no method left", "closed"],
        "{log}"
    );
    assert_eq!(
        log.matches("refused a wrong signature for key").count(),
        2,
        "{log}"
    );
    assert!(rig.stop().success());
}

/// The disk under a running server fills: changes are refused in plain words while reads
/// answer, and once space is free the same server writes again, without a restart.
#[test]
fn ssh_server_on_a_full_disk_refuses_changes_and_writes_again_once_space_is_free() {
    let mut rig = Rig::new("");
    let Some(disk) = small_disk::SmallDisk::mount_over(&rig.path("db"), 16) else {
        return;
    };
    rig.start();
    let n = first_number(&rig);
    let label = |text: &str| rig.ssh("admin", &["label", &n, text]);
    let labelled = |rig: &Rig| {
        rig.numbers()
            .into_iter()
            .find(|x| x["number"] == n.as_str())
            .unwrap()["label"]
            .clone()
    };
    assert!(label("before").status.success());

    disk.fill();
    for _ in 0..2 {
        let out = label("during");
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        small_disk::assert_plain_disk_full(&err);
    }
    assert_eq!(labelled(&rig), "before");

    disk.free();
    let out = label("after");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(labelled(&rig), "after");
    assert!(rig.stop().success());
}

/// `n` TCP connections to the server from `source` (another loopback address), each having
/// sent an SSH banner and nothing more.
async fn banner_flood(port: u16, source: [u8; 4], n: usize) -> Vec<tokio::net::TcpStream> {
    use tokio::io::AsyncWriteExt;
    let mut held = Vec::new();
    for _ in 0..n {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(std::net::SocketAddr::from((source, 0)))
            .unwrap();
        let connect = socket.connect(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
        match tokio::time::timeout(Duration::from_secs(2), connect).await {
            Ok(Ok(mut s)) => {
                let _ = s.write_all(b"SSH-2.0-flood\r\n").await;
                held.push(s);
            }
            _ => break,
        }
    }
    held
}

/// What each held connection got within `wait`: the server's banner (true) or nothing.
/// Returns (got the banner, closed by the server).
async fn flood_state(held: &mut [tokio::net::TcpStream], wait: Duration) -> (usize, usize) {
    use tokio::io::AsyncReadExt;
    let mut banners = 0;
    let mut closed = 0;
    for s in held.iter_mut() {
        let mut got = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let mut buf = [0u8; 256];
            match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => {
                    closed += 1;
                    break;
                }
                Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
                Err(_) => break,
            }
        }
        if got.starts_with(b"SSH-2.0-") {
            banners += 1;
        }
    }
    (banners, closed)
}

#[test]
fn ssh_an_administrator_gets_in_during_a_banner_flood_and_idle_connections_are_closed() {
    let mut rig =
        Rig::new("login_grace_time = \"3s\"\nmax_startups = 10\nmax_startups_per_source = 3");
    // A small open-file limit: without the caps, the flood below would use up every file
    // descriptor and nobody could connect until it went away.
    rig.open_files = Some(128);
    rig.start();
    let rt = runtime();
    let port = rig.port;
    let mut flood = rt.block_on(banner_flood(port, [127, 0, 0, 2], 300));
    assert_eq!(flood.len(), 300);
    // The administrator signs in meanwhile, from another address.
    let started = Instant::now();
    let out = rig.ssh("admin", &["numbers", "list", "--json"]);
    assert!(out.status.success(), "{out:?}\n{}", rig.server_log());
    assert!(started.elapsed() < Duration::from_secs(10));
    // Three of the flood's connections got the banner and wait to sign in; the rest were
    // closed at once. After the 3 s grace time those three are closed too.
    let (banners, closed) = rt.block_on(flood_state(&mut flood, Duration::from_millis(500)));
    assert_eq!(banners, 3, "{}", rig.server_log());
    assert!(closed >= 297, "{closed}");
    let waited = Instant::now();
    let (_, closed) = rt.block_on(flood_state(&mut flood[..], Duration::from_secs(8)));
    assert_eq!(closed, 300, "{}", rig.server_log());
    assert!(waited.elapsed() < Duration::from_secs(8));
    let log = rig.server_log();
    assert_eq!(
        log.matches("did not sign in within 3s (login_grace_time)")
            .count(),
        3,
        "{log}"
    );
    // The refusals are summed up, not written once each.
    let refusals = log.matches("refused a connection from 127.0.0.2").count();
    assert!((1..=3).contains(&refusals), "{log}");
    assert!(log.contains("max_startups_per_source"), "{log}");
    assert!(rig.stop().success());
}

/// utime + stime of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[test]
fn ssh_running_out_of_file_descriptors_neither_spins_nor_stops_the_server() {
    let mut rig =
        Rig::new("login_grace_time = \"30s\"\nmax_startups = 1000\nmax_startups_per_source = 1000");
    rig.open_files = Some(64);
    rig.start();
    let rt = runtime();
    let port = rig.port;
    let flood = rt.block_on(banner_flood(port, [127, 0, 0, 3], 150));
    std::thread::sleep(Duration::from_millis(500));
    let pid = rig.server.as_ref().unwrap().id();
    let before = cpu_ticks(pid);
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(pid) - before;
    // Out of descriptors for 2 s: waiting, not spinning (100 ticks a second is one core).
    assert!(used < 30, "{used} ticks in 2 s\n{}", rig.server_log());
    let log = rig.server_log();
    assert_eq!(
        log.matches("cannot take new connections").count(),
        1,
        "{log}"
    );
    assert!(log.contains("open-file limit"), "{log}");
    // When the flood goes away, the server takes connections again.
    drop(flood);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = rig.ssh("admin", &["numbers", "list"]);
        if out.status.success() {
            break;
        }
        assert!(Instant::now() < deadline, "{out:?}\n{}", rig.server_log());
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(rig.server_log().contains("taking new connections again"));
    assert!(rig.stop().success());
}

/// The server's resident memory, in MB.
fn rss_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        / 1024
}

#[test]
fn ssh_a_keystroke_flood_is_held_back_and_a_closed_session_ends_at_once() {
    // The flooders, a console and a command connect from one address.
    let mut rig = Rig::new("max_startups_per_source = 20\nmax_sessions = 20");
    rig.start();
    let pid = rig.server.as_ref().unwrap().id();
    rig.open("w", "admin", 100, 30);
    rig.wait_for("w", "Inventory");
    // Sixteen viewers (a viewer may flood too) send `j` as fast as ssh takes it, for 6 s.
    const FLOODERS: usize = 16;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    let mut writers = Vec::new();
    for _ in 0..FLOODERS {
        let mut child = Command::new("ssh")
            .arg("-tt")
            .args(rig.ssh_base("viewer"))
            .arg("admin@127.0.0.1")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stop = std::sync::Arc::clone(&stop);
        writers.push(std::thread::spawn(move || {
            use std::io::Write;
            let chunk = vec![b'j'; 64 * 1024];
            let mut sent = 0usize;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                if stdin.write_all(&chunk).is_err() {
                    break;
                }
                sent += chunk.len();
            }
            sent
        }));
        clients.push(child);
    }
    rig.wait_for("w", &format!("{} admins connected", FLOODERS + 1));
    let started = Instant::now();
    let mut peak = 0;
    let mut answered = None;
    while started.elapsed() < Duration::from_secs(6) {
        peak = peak.max(rss_mb(pid));
        // Another session still answers a key press meanwhile.
        if answered.is_none() && started.elapsed() > Duration::from_secs(2) {
            let t = Instant::now();
            rig.keys("w", &["?"]);
            rig.wait_for("w", "Esc or ? close");
            rig.keys("w", &["Escape"]);
            answered = Some(t.elapsed());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = rig.ssh("admin", &["numbers", "list", "--json"]);
    assert!(out.status.success(), "{out:?}");
    eprintln!("peak server memory {peak} MB; the other console answered in {answered:?}");
    assert!(peak < 100, "the server grew to {peak} MB");
    assert!(answered.unwrap() < Duration::from_secs(5), "{answered:?}");
    // The clients go away: their consoles end at once, with whatever they had not read.
    for c in clients.iter_mut() {
        let _ = c.kill();
        let _ = c.wait();
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let sent: usize = writers.into_iter().map(|w| w.join().unwrap()).sum();
    eprintln!("the flooders sent {} MB", sent / 1_000_000);
    let gone = Instant::now();
    rig.wait_until("w", "only this console connected", |s| {
        !s.contains("admins connected")
    });
    // Sixteen consoles end on a machine other tests load too: seconds, not the minutes a
    // queue of unread keys would take.
    assert!(
        gone.elapsed() < Duration::from_secs(6),
        "{:?}",
        gone.elapsed()
    );
    let log = rig.server_log();
    assert_eq!(
        log.matches("noc's console ended (Disconnected)").count(),
        FLOODERS,
        "{log}"
    );
    assert!(rig.stop().success());
}

#[test]
fn ssh_console_copy_reaches_the_clients_terminal_clipboard_through_tmux() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("y", "viewer", 120, 30);
    rig.wait_for("y", "Inventory");
    // tmux keeps what an application copies with OSC 52 as a paste buffer.
    rig.tmux_ok(&["set-option", "-s", "set-clipboard", "on"]);
    rig.keys("y", &["y"]);
    let s = rig.wait_for("y", "to your clipboard");
    let first = first_number(&rig);
    assert!(s.contains(&format!("Copied {first}")), "{s}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let buffer = loop {
        let out = rig.tmux().args(["show-buffer"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if text == first || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(buffer, first, "the client's clipboard holds the number");
    assert!(rig.stop().success());
}

/// `search --json` over SSH exec: the hold on `number` (null when there is none).
fn hold_over_ssh(rig: &Rig, number: &str) -> serde_json::Value {
    let out = rig.ssh(
        "admin",
        &[
            "search",
            "--json",
            "--area-code",
            "425",
            "--contains",
            &number[5..],
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found[0]["number"], number, "{found:?}");
    found[0]["hold"].clone()
}

#[test]
fn ssh_a_mark_holds_the_number_for_every_session_until_its_console_goes_away() {
    let mut rig = Rig::new("");
    rig.start();
    rig.open("a", "admin", 120, 30);
    rig.open("b", "viewer", 120, 30);
    for pane in ["a", "b"] {
        rig.wait_for(pane, "Inventory");
        rig.keys(pane, &["p", "Enter", "Tab", "Tab", "Tab"]);
        rig.text(pane, "425");
        rig.keys(pane, &["Enter"]);
        rig.wait_for(pane, "numbers available");
    }
    // Alice marks a number: noc's console shows it held, without a key press there.
    rig.keys("a", &["Space"]);
    let screen = rig.wait_for("a", "1 marked");
    let row = screen
        .lines()
        .find(|l| l.contains("held by alice"))
        .unwrap();
    let number = row
        .split_whitespace()
        .find(|w| w.starts_with("+1425"))
        .unwrap()
        .to_string();
    let other = rig.wait_for("b", "held by alice, 9 m left");
    assert!(
        other
            .lines()
            .any(|l| l.contains(&number) && l.contains("held by alice")),
        "{other}"
    );
    // A command over SSH sees it too.
    assert_eq!(hold_over_ssh(&rig, &number)["holder"], "alice");
    // Alice's client goes away: her session's hold ends with it, everywhere.
    rig.tmux_ok(&["kill-session", "-t", "a"]);
    rig.wait_until("b", "the hold to go", |s| !s.contains("held by alice"));
    assert_eq!(hold_over_ssh(&rig, &number), serde_json::Value::Null);
    assert!(rig.stop().success());
}

// ---- Commands on this machine while `serve` holds the database (the local socket) ----

impl Rig {
    /// `phonedesk ARGS` on this machine on the rig's database `db` (or a copy), with
    /// `stdin`, in another time zone than the server's.
    fn on(&self, db: &str, args: &[&str], stdin: &str) -> Output {
        use std::io::Write;
        let mut child = Command::new(BIN)
            .arg("--config")
            .arg(self.path("config.toml"))
            .arg("--db")
            .arg(self.path(db))
            .args(args)
            .env("TZ", "Asia/Tokyo")
            .env("USER", "ann")
            .current_dir(self.workdir())
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

    /// The same command on the served database and, alone, on its copy `alone`: the same
    /// exit code, output and errors. Returns the served one.
    fn same_as_alone(&self, args: &[&str], stdin: &str) -> Output {
        let served = self.on("db", args, stdin);
        let alone = self.on("alone", args, stdin);
        let text = |o: &Output| {
            (
                o.status.code(),
                String::from_utf8_lossy(&o.stdout).to_string(),
                String::from_utf8_lossy(&o.stderr).to_string(),
            )
        };
        assert_eq!(text(&served), text(&alone), "phonedesk {args:?}");
        served
    }

    fn copy_database(&self, to: &str) {
        let ok = Command::new("cp")
            .arg("-a")
            .arg(self.path("db"))
            .arg(self.path(to))
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(path).unwrap().mode() & 0o777
}

#[test]
fn local_commands_run_in_the_running_server_as_they_would_alone() {
    let mut rig = Rig::new("");
    let out = rig.local(&["directory", "voice-connectors", "create", "--name", "main"]);
    assert!(out.status.success(), "{out:?}");
    rig.copy_database("alone");
    rig.start();

    // The socket is in a directory only its owner may enter, made before it listens.
    let run = rig.path("db").join("phonedesk.run");
    assert_eq!(mode(&run), 0o700);
    assert_eq!(mode(&run.join("socket")), 0o600);
    {
        use std::os::unix::fs::MetadataExt;
        let uid = unsafe { libc::geteuid() };
        assert_eq!(std::fs::metadata(&run).unwrap().uid(), uid);
    }

    let numbers = rig.numbers();
    let n: Vec<String> = numbers
        .iter()
        .map(|x| x["number"].as_str().unwrap().to_string())
        .collect();
    // Reads, with times shown in the caller's zone (Asia/Tokyo), not the server's.
    let export = rig.same_as_alone(&["export"], "");
    assert!(export.status.success());
    assert!(String::from_utf8_lossy(&export.stdout).contains(&n[0]));
    let shown = rig.same_as_alone(&["orders", "list"], "");
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("JST"),
        "{shown:?}"
    );
    // A change, by the same actor as alone.
    let assigned = rig.same_as_alone(&["assign", &n[0], "--voice-connector", "vc-1"], "");
    assert!(assigned.status.success(), "{assigned:?}");
    // Rows from standard input, one refused: the report and exit code 1 as alone.
    let rows = format!(
        "number,change,value\n{},label,lobby\n+19995550100,label,nowhere\n",
        n[1]
    );
    let applied = rig.same_as_alone(&["apply", "-"], &rows);
    assert_eq!(applied.status.code(), Some(1), "{applied:?}");
    assert!(String::from_utf8_lossy(&applied.stdout).contains("1 of 2 rows done"));
    // Refused commands: the same words and exit codes.
    let refused = rig.same_as_alone(&["label", "+19995550100", "x"], "");
    assert!(!refused.status.success());
    let unconfirmed = rig.same_as_alone(&["delete", &n[2]], "");
    assert_eq!(unconfirmed.status.code(), Some(2));
    let json = rig.same_as_alone(&["--json", "unassign", "+19995550100"], "");
    assert!(String::from_utf8_lossy(&json.stdout).contains("\"error\""));

    // The server's own engine has the changes, made by the local administrator.
    let after = rig.numbers();
    let find = |num: &str| after.iter().find(|x| x["number"] == num).unwrap().clone();
    assert_eq!(find(&n[1])["label"], "lobby");
    assert!(find(&n[0]).to_string().contains("vc-1"), "{}", find(&n[0]));
    let audit = rig.audit();
    assert!(
        audit.iter().any(|e| e.to_string().contains("local:ann")),
        "{audit:?}"
    );

    // What cannot go through the socket is refused in words naming what to do.
    let serve = rig.on("db", &["serve"], "");
    assert_eq!(serve.status.code(), Some(1));
    let err = String::from_utf8_lossy(&serve.stderr);
    assert!(
        err.contains("quit the phonedesk that has it open first"),
        "{err}"
    );

    // Stopping removes the socket; commands then open the database themselves.
    assert!(rig.stop().success());
    assert!(!run.exists());
    assert!(rig.local(&["numbers", "list"]).status.success());
}

#[test]
fn a_stale_socket_left_by_a_killed_server_neither_blocks_nor_confuses() {
    let mut rig = Rig::new("");
    rig.start();
    let n = first_number(&rig);
    let socket = rig.path("db").join("phonedesk.run").join("socket");
    let mut server = rig.server.take().unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(socket.exists(), "SIGKILL leaves the socket behind");
    // Nobody holds the database: the command opens it itself, as always.
    let out = rig.on("db", &["label", &n, "alone"], "");
    assert!(out.status.success(), "{out:?}");
    // A new server replaces the stale socket, and commands reach it.
    rig.start();
    let out = rig.on("db", &["label", &n, "served"], "");
    assert!(out.status.success(), "{out:?}");
    let label = rig
        .numbers()
        .into_iter()
        .find(|x| x["number"] == n.as_str())
        .unwrap()["label"]
        .clone();
    assert_eq!(label, "served");
    assert!(rig.stop().success());
}
