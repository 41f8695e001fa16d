//! Crash safety: a child shell runs a stream of CLI actions and is killed with SIGKILL at
//! random moments. After every kill, each acknowledged action (one whose command exited 0)
//! is in the store and `phonedesk check` finds the invariants and indexes sound.

mod cli_common;

use cli_common::*;
use std::collections::HashSet;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KILLS: usize = 24;

/// A small deterministic generator for the kill delays; the seed is printed on failure.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn stream_script(desk: &Desk, round: usize, ack: &std::path::Path) -> String {
    let bin = BIN;
    let base = format!(
        "'{bin}' --config '{}' --db '{}' --yes",
        desk.config.display(),
        desk.db.display()
    );
    format!(
        r#"i=0
while true; do
  i=$((i+1))
  {base} directory accounts create "crash {round} $i" >/dev/null 2>&1 && echo "account crash {round} $i" >> '{ack}'
  {base} directory voice-connectors create --name "trunk {round} $i" --region us-east-1 >/dev/null 2>&1 && echo "connector trunk {round} $i" >> '{ack}'
  {base} provision --product-type vc --state WA --limit 2 >/dev/null 2>&1 && echo "provision" >> '{ack}'
done"#,
        ack = ack.display()
    )
}

/// Waits until no live process is left in the process group `pgid` (the killed shell and
/// the phonedesk it ran). A zombie counts as gone: it has already released its files and
/// locks; whether it is ever reaped depends on who adopted it.
fn wait_group_gone(pgid: i32, seed: u64) {
    let started = Instant::now();
    while group_alive(pgid) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "seed {seed}: the killed processes of group {pgid} did not exit"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether any process of group `pgid` is still running (per /proc/PID/stat).
fn group_alive(pgid: i32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|e| {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            return false;
        };
        // After the command name in parentheses: state, ppid, pgrp.
        let Some(tail) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            return false;
        };
        let fields: Vec<&str> = tail.split_whitespace().collect();
        fields.len() > 2 && fields[2] == pgid.to_string() && fields[0] != "Z" && fields[0] != "X"
    })
}

#[test]
fn acknowledged_actions_survive_sigkill() {
    let desk = Desk::with(
        &[("provisioning_delay", "1h")],
        "\n[inventory]\nlimit = 100000\n",
    );
    desk.ok(&["check"]);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Lcg(seed);
    let ack = desk.dir.path().join("ack.log");
    let started = Instant::now();
    for round in 0..KILLS {
        let mut child = Command::new("bash")
            .arg("-c")
            .arg(stream_script(&desk, round, &ack))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("bash");
        // Let a few actions through, then kill in the middle of whatever runs.
        std::thread::sleep(Duration::from_millis(60 + rng.next(400)));
        unsafe {
            libc::kill(-(child.id() as i32), libc::SIGKILL);
        }
        let _ = child.wait();
        // Reaping bash is not enough: the phonedesk it was running is killed too, but may
        // still hold the database lock until it has really exited.
        wait_group_gone(child.id() as i32, seed);

        // The kernel may release a killed process's file lock a moment after the process
        // has left the process table on a loaded machine: "in use" is waited out (briefly),
        // anything else fails the test.
        let mut check = desk.run(&["check"]);
        let waited = Instant::now();
        while check.stderr.contains("in use by another phonedesk process")
            && waited.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(50));
            check = desk.run(&["check"]);
        }
        assert_eq!(
            check.code, 0,
            "seed {seed}, round {round}: check failed after SIGKILL: {check:?}"
        );

        let acked = std::fs::read_to_string(&ack).unwrap_or_default();
        let accounts: HashSet<String> = desk
            .json(&["directory", "accounts"])
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        let connectors: HashSet<String> = desk
            .json(&["directory", "voice-connectors"])
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().to_string())
            .collect();
        let numbers = desk.json(&["numbers", "list"]).as_array().unwrap().len();
        let mut provisions = 0;
        for line in acked.lines() {
            if let Some(name) = line.strip_prefix("account ") {
                assert!(
                    accounts.contains(name),
                    "seed {seed}: acknowledged account “{name}” is missing"
                );
            } else if let Some(name) = line.strip_prefix("connector ") {
                assert!(
                    connectors.contains(name),
                    "seed {seed}: acknowledged connector “{name}” is missing"
                );
            } else if line == "provision" {
                provisions += 1;
            }
        }
        assert!(
            numbers >= provisions * 2,
            "seed {seed}: {provisions} acknowledged orders but {numbers} numbers"
        );
    }
    let acked = std::fs::read_to_string(&ack)
        .unwrap_or_default()
        .lines()
        .count();
    assert!(
        acked >= KILLS,
        "the stream acknowledged only {acked} actions in {KILLS} rounds"
    );
    eprintln!(
        "{KILLS} kills, {acked} acknowledged actions, {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
