//! A throwaway PostgreSQL server for the tests: `initdb` in a temporary directory, started
//! with `pg_ctl` on a free loopback port (never another address), stopped and removed when
//! dropped. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
//!
//! Without PostgreSQL installed the tests that need it say so and pass, unless
//! `PHONEDESK_REQUIRE_POSTGRES` is set (`.ci/run` sets it): then they fail.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct TestPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

/// The directory holding PostgreSQL's programs: Debian's versioned directory (the newest),
/// or the one on PATH that holds them all.
fn bin_dir() -> Option<PathBuf> {
    const TOOLS: [&str; 3] = ["initdb", "pg_ctl", "createdb"];
    let complete = |dir: &Path| TOOLS.iter().all(|t| dir.join(t).is_file());
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|dirs| dirs.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.retain(|b| complete(b));
    versions.sort();
    versions.pop().or_else(|| {
        let paths = std::env::var_os("PATH")?;
        std::env::split_paths(&paths).find(|p| complete(p))
    })
}

fn is_root() -> bool {
    // SAFETY: getuid has no preconditions.
    unsafe { libc::getuid() == 0 }
}

impl TestPostgres {
    /// A new server, or `None` (after saying why) where PostgreSQL is not installed and not
    /// required.
    pub fn start() -> Option<TestPostgres> {
        let required = std::env::var_os("PHONEDESK_REQUIRE_POSTGRES").is_some();
        let Some(bin) = bin_dir() else {
            assert!(
                !required,
                "PostgreSQL is required here but initdb was not found"
            );
            eprintln!("PostgreSQL is not installed: this test is skipped");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("phonedesk-pg")
            .tempdir()
            .unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        if is_root() {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown to postgres failed");
        }
        let pg = TestPostgres {
            port: free_port(),
            bin,
            dir,
        };
        pg.run(
            "initdb",
            &[
                "-D",
                path_str(&data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=60",
            pg.port,
            path_str(pg.dir.path())
        );
        pg.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&data),
                "-l",
                path_str(&pg.dir.path().join("log")),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
        Some(pg)
    }

    /// A database's address on this server; `create` makes it first.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// A new, empty database named `name`.
    pub fn create(&self, name: &str) -> String {
        self.run(
            "createdb",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                name,
            ],
        );
        self.url(name)
    }

    /// Stops the server at once (as a crash would) and starts it again on the same port.
    pub fn restart_immediately(&self) {
        let data = self.dir.path().join("data");
        // With its log file: a server left writing to our pipe would never let it close.
        let log = self.dir.path().join("log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&data),
                "-l",
                path_str(&log),
                "-m",
                "immediate",
                "-w",
                "restart",
            ],
        );
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let output = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .current_dir(self.dir.path())
                .output()
        } else {
            Command::new(&program)
                .args(args)
                .current_dir(self.dir.path())
                .output()
        }
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
        assert!(
            output.status.success(),
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let program = self.bin.join("pg_ctl");
        let args = ["-D", path_str(&data), "-m", "immediate", "stop"];
        let _ = if is_root() {
            Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(&program)
                .args(args)
                .output()
        } else {
            Command::new(&program).args(args).output()
        };
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
