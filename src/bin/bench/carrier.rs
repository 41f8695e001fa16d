//! The real carrier's benchmark: phonedesk's AWS SDK client (`[carrier] kind =
//! "chime-sdk-voice"`) against the loopback Chime SDK Voice server, both the release
//! `phonedesk` binary beside this one, each in its own process so each one's memory is its
//! own:
//!
//!     cargo build --release --bins && target/release/bench carrier
//!
//! 1. a first sync of 100,000 numbers bought "in the AWS console" (`/_sim/numbers`), and a
//!    second sync with nothing changed: time and the syncing process's peak memory;
//! 2. a 1,000-number order: `phonedesk provision`, the carrier's delay passed
//!    (`/_sim/advance`), `phonedesk sync`, until the numbers are in the Inventory.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The US states the fake carrier's numbers are searched in, for seeding.
const STATES: [&str; 50] = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY",
];

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

pub fn run(numbers: usize, order: usize) -> BenchResult<()> {
    let exe = std::env::current_exe()?;
    let phonedesk = exe.with_file_name("phonedesk");
    if !phonedesk.exists() {
        return Err(format!(
            "{} is missing: build it first with `cargo build --release --bins`",
            phonedesk.display()
        )
        .into());
    }
    let dir = super::ScratchDir::new()?;
    let limit = numbers + order + 1_000;
    let chime = FakeChime::start(&phonedesk, dir.path(), limit)?;
    let desk = Desk::new(&phonedesk, dir.path(), &chime.url(), limit)?;

    let t = Instant::now();
    let bought = chime.seed(numbers)?;
    let seed_s = t.elapsed().as_secs_f64();
    eprintln!("bench: {bought} numbers bought at the fake carrier in {seed_s:.1} s");

    let first = desk.run(&["sync"])?;
    let first_count = first.json()?["numbers"].as_u64().unwrap_or(0);
    let second = desk.run(&["sync"])?;

    // The order: numbers the carrier offers, found before the clock starts.
    let offered = chime.available(order)?;
    let mut provision = vec!["provision", "--product-type", "vc"];
    provision.extend(offered.iter().map(String::as_str));
    let ordered = desk.run(&provision)?;
    let t = Instant::now();
    chime.advance(24 * 3600)?;
    let advance_ms = super::ms(t.elapsed());
    let landed = desk.run(&["sync"])?;
    let shown = desk.run(&["numbers", "show", &offered[offered.len() - 1]])?;
    let status = shown.json()?["status"].as_str().unwrap_or("").to_string();
    if status != "Unassigned" {
        return Err(format!("the ordered numbers did not land: the last one is “{status}”").into());
    }
    let order_total =
        ordered.elapsed + Duration::from_secs_f64(advance_ms / 1000.0) + landed.elapsed;

    println!("| figure | measured | target |");
    println!("|---|---|---|");
    println!(
        "| first sync of {first_count} numbers (`phonedesk sync`, empty store) | {:.1} s | < 30 s |",
        first.elapsed.as_secs_f64()
    );
    println!(
        "| peak memory of that sync (VmHWM of the `phonedesk sync` process) | {:.1} MB | < 60 MB |",
        first.peak_mb
    );
    println!(
        "| a second sync, nothing changed | {:.1} s, {:.1} MB | |",
        second.elapsed.as_secs_f64(),
        second.peak_mb
    );
    println!(
        "| a {order}-number order, the command (`phonedesk provision`, sent and accepted) | {:.0} ms | |",
        super::ms(ordered.elapsed)
    );
    println!(
        "| the sync that brings those {order} numbers into the Inventory | {:.1} s | |",
        landed.elapsed.as_secs_f64()
    );
    println!(
        "| the order from the command to the numbers in the Inventory, total | {:.1} s | |",
        order_total.as_secs_f64()
    );
    println!(
        "| fake carrier: seeding {bought} numbers through `/_sim/numbers` (not phonedesk) | {seed_s:.1} s | |"
    );
    Ok(())
}

/// One finished run of the `phonedesk` CLI.
struct Ran {
    elapsed: Duration,
    peak_mb: f64,
    stdout: PathBuf,
}

impl Ran {
    fn json(&self) -> BenchResult<Value> {
        Ok(serde_json::from_slice(&std::fs::read(&self.stdout)?)?)
    }
}

/// The `phonedesk` CLI configured for the fake carrier, on a database of its own.
struct Desk {
    bin: PathBuf,
    dir: PathBuf,
    runs: std::cell::Cell<u32>,
}

impl Desk {
    fn new(bin: &Path, scratch: &Path, url: &str, limit: usize) -> BenchResult<Desk> {
        let dir = scratch.join("desk");
        let home = dir.join("home");
        std::fs::create_dir_all(home.join(".aws"))?;
        // Empty AWS files: no profile of the machine's user takes part.
        std::fs::write(home.join(".aws/config"), "")?;
        std::fs::write(home.join(".aws/credentials"), "")?;
        std::fs::write(
            dir.join("phonedesk.toml"),
            format!(
                "[inventory]\nlimit = {limit}\n\n[carrier]\nkind = \"chime-sdk-voice\"\nregion = \"us-east-1\"\nendpoint_url = \"{url}\"\ncall_timeout = \"30s\"\n"
            ),
        )?;
        Ok(Desk {
            bin: bin.to_path_buf(),
            dir,
            runs: std::cell::Cell::new(0),
        })
    }

    /// Runs `phonedesk --json ARGS...`, which must succeed: its wall time and peak
    /// resident memory (the child's `ru_maxrss`, its VmHWM), its answer in a file.
    fn run(&self, args: &[&str]) -> BenchResult<Ran> {
        let home = self.dir.join("home");
        let n = self.runs.get() + 1;
        self.runs.set(n);
        let stdout = self.dir.join(format!("out{n}.json"));
        let t = Instant::now();
        let child = Command::new(&self.bin)
            .arg("--json")
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("USER", "bench")
            .env("PHONEDESK_CONFIG", self.dir.join("phonedesk.toml"))
            .env("PHONEDESK_DB", self.dir.join("db"))
            .env("PHONEDESK_LOOPBACK_ONLY", "1")
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLETESTONLY")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            )
            .env("AWS_CONFIG_FILE", home.join(".aws/config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout)?)
            .stderr(Stdio::piped())
            .spawn()?;
        let (code, peak_kb, stderr) = wait_with_peak(child)?;
        let elapsed = t.elapsed();
        if code != 0 {
            return Err(format!("phonedesk {} failed ({code}): {stderr}", args[0]).into());
        }
        Ok(Ran {
            elapsed,
            peak_mb: peak_kb as f64 / 1024.0,
            stdout,
        })
    }
}

/// Waits for `child`: its exit code, its peak resident memory in KB, its stderr.
fn wait_with_peak(mut child: Child) -> BenchResult<(i32, i64, String)> {
    let mut err = child.stderr.take();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_string(&mut s);
        }
        s
    });
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value, and wait4 only writes into the two
    // pointers, which live for the call.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if r != pid {
        return Err(std::io::Error::last_os_error().into());
    }
    let stderr = reader.join().unwrap_or_default();
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok((code, usage.ru_maxrss, stderr))
}

/// `phonedesk fake-chime` on a loopback port, stopped when dropped.
struct FakeChime {
    child: Child,
    addr: String,
}

impl FakeChime {
    fn start(bin: &Path, scratch: &Path, limit: usize) -> BenchResult<FakeChime> {
        let config = scratch.join("fake-chime.toml");
        std::fs::write(
            &config,
            format!("[inventory]\nlimit = {limit}\n\n[carrier]\nfailure_rate = 0.0\nseed = 7\n"),
        )?;
        let mut child = Command::new(bin)
            .args(["fake-chime", "--listen", "127.0.0.1:0", "--db"])
            .arg(scratch.join("chime"))
            .env("PHONEDESK_CONFIG", &config)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            BufReader::new(out).read_line(&mut line)?;
        }
        match line.trim().strip_prefix("listening on http://") {
            Some(a) => Ok(FakeChime {
                addr: a.to_string(),
                child,
            }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!("fake-chime did not say where it listens: {line:?}").into())
            }
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// One HTTP/1.1 request that must succeed; its JSON answer (`null` when empty).
    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> BenchResult<Value> {
        let mut s = std::net::TcpStream::connect(&self.addr)?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )?;
        let mut answer = String::new();
        s.read_to_string(&mut answer)?;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if !(200..300).contains(&status) {
            return Err(format!("{method} {path} answered {status}: {body}").into());
        }
        Ok(if body.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(body)?
        })
    }

    /// Up to `count` numbers the carrier offers, spread over the states.
    fn available(&self, count: usize) -> BenchResult<Vec<String>> {
        let per_state = count.div_ceil(STATES.len());
        let mut found = Vec::new();
        for state in STATES {
            let want = per_state.min(count - found.len());
            let mut from_state = 0;
            let mut next: Option<String> = None;
            while from_state < want {
                let mut path = format!(
                    "/search?type=phone-numbers&country=US&state={state}&max-results={}",
                    (want - from_state).min(500)
                );
                if let Some(t) = &next {
                    let t = percent_encoding::utf8_percent_encode(
                        t,
                        percent_encoding::NON_ALPHANUMERIC,
                    );
                    path.push_str(&format!("&next-token={t}"));
                }
                let page = self.request("GET", &path, None)?;
                let numbers: Vec<String> = page["E164PhoneNumbers"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|n| n.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                from_state += numbers.len();
                found.extend(numbers);
                match page["NextToken"].as_str() {
                    Some(t) if from_state > 0 => next = Some(t.to_string()),
                    _ => break,
                }
            }
            if found.len() == count {
                break;
            }
        }
        Ok(found)
    }

    /// Buys `count` numbers "in the AWS console", 1,000 at a time.
    fn seed(&self, count: usize) -> BenchResult<usize> {
        let mut bought = 0;
        while bought < count {
            let batch = self.available((count - bought).min(5_000))?;
            if batch.is_empty() {
                return Err(format!("the fake carrier ran out of numbers at {bought}").into());
            }
            for chunk in batch.chunks(1_000) {
                self.request(
                    "POST",
                    "/_sim/numbers",
                    Some(&json!({ "numbers": chunk, "product_type": "VoiceConnector" })),
                )?;
                bought += chunk.len();
            }
        }
        Ok(bought)
    }

    fn advance(&self, seconds: u64) -> BenchResult<()> {
        self.request(
            "POST",
            "/_sim/advance",
            Some(&json!({ "seconds": seconds })),
        )?;
        Ok(())
    }
}

impl Drop for FakeChime {
    fn drop(&mut self) {
        // SAFETY: signals our own child, which has not been waited for yet.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}
