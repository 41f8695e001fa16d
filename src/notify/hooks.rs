//! `[hooks]`: a command run for chosen notices, with the notice's JSON record on its
//! standard input. Each hook has its own thread and a bounded queue, so a slow or hanging
//! hook never holds the engine, the other hooks or the notices after it: a full queue drops
//! the notice and says how many were dropped. A run is stopped at its time limit (with the
//! processes it started: it runs in a process group of its own), and a failed run is tried
//! again a bounded number of times, waiting twice as long each time. Failures are said
//! once through `Engine::trouble` (the server's stderr, every console's status line), as
//! is a hook working again. No shell runs the command unless the configuration asks.

use super::record;
use crate::config::HookConfig;
use crate::domain::NoticeKind;
use crate::engine::Engine;
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::RecvError;

/// The environment variable that names the notice's kind for the hook.
pub const KIND_VARIABLE: &str = "PHONEDESK_NOTICE";

/// The longest wait between two tries.
const RETRY_DELAY_MAX: Duration = Duration::from_secs(300);

/// How often a running hook is looked at.
const POLL: Duration = Duration::from_millis(20);

/// What a hook wrote on its standard error, at most, for the message of a failure.
const STDERR_KEPT: usize = 4096;

/// One notice for one hook: its kind and its record as JSON text.
struct Job {
    kind: NoticeKind,
    input: String,
}

/// A hook as the dispatcher sees it: which notices it takes and where they go.
struct Route {
    name: String,
    kinds: HashSet<NoticeKind>,
    queue: SyncSender<Job>,
    dropped: u64,
    /// The trouble source of its full queue.
    behind: &'static str,
}

/// The running hooks, to let them finish before the process ends.
#[derive(Default)]
pub struct Running {
    /// Notices queued or being run, over all hooks.
    pending: Arc<AtomicUsize>,
    /// The last event the dispatcher has handed out.
    seen: Arc<AtomicU64>,
    engine: Option<Arc<Engine>>,
}

impl Running {
    /// Waits, at most `within`, until every notice announced so far has been run (or given
    /// up on): a `watch --count 1` or a stopping server still tells what it saw.
    pub fn finish(&self, within: Duration) {
        let Some(engine) = &self.engine else { return };
        let last = engine.last_event_seq();
        let deadline = Instant::now() + within;
        while Instant::now() < deadline
            && (self.seen.load(Ordering::SeqCst) < last || self.pending.load(Ordering::SeqCst) > 0)
        {
            std::thread::sleep(POLL);
        }
    }
}

/// Starts the configured hooks: one thread per hook, and one that hands them the engine's
/// notices. Subscribes before returning, so every notice announced after this call reaches
/// the hooks. Nothing starts without hooks.
pub fn spawn(
    engine: &Arc<Engine>,
    hooks: &BTreeMap<String, HookConfig>,
) -> std::io::Result<Running> {
    if hooks.is_empty() {
        return Ok(Running::default());
    }
    let pending = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(AtomicU64::new(engine.last_event_seq()));
    let mut routes = Vec::new();
    for (name, hook) in hooks {
        let (tx, rx) = mpsc::sync_channel(hook.queue);
        let worker = Worker {
            engine: Arc::clone(engine),
            name: name.clone(),
            hook: hook.clone(),
            // Sources of troubles live as long as the process; one per configured hook.
            failing: Box::leak(format!("the hook `{name}`").into_boxed_str()),
            pending: Arc::clone(&pending),
        };
        std::thread::Builder::new()
            .name(format!("hook {name}"))
            .spawn(move || worker.run(rx))?;
        routes.push(Route {
            name: name.clone(),
            kinds: hook.kinds().into_iter().collect(),
            queue: tx,
            dropped: 0,
            behind: Box::leak(format!("the hook `{name}`'s queue").into_boxed_str()),
        });
    }
    let mut events = engine.subscribe();
    let running = Running {
        pending: Arc::clone(&pending),
        seen: Arc::clone(&seen),
        engine: Some(Arc::clone(engine)),
    };
    let engine = Arc::clone(engine);
    std::thread::Builder::new()
        .name("hooks".into())
        .spawn(move || loop {
            match events.blocking_recv() {
                Ok(event) => {
                    let seq = event.seq;
                    for notice in &event.notices {
                        let Ok(input) = crate::text::json::compact(&record(&event, notice)) else {
                            continue;
                        };
                        for route in routes.iter_mut().filter(|r| r.kinds.contains(&notice.kind)) {
                            let job = Job {
                                kind: notice.kind,
                                input: input.clone(),
                            };
                            pending.fetch_add(1, Ordering::SeqCst);
                            if let Err(e) = route.queue.try_send(job) {
                                pending.fetch_sub(1, Ordering::SeqCst);
                                if let TrySendError::Full(_) = e {
                                    route.drop_one(&engine);
                                }
                            }
                        }
                    }
                    seen.fetch_max(seq, Ordering::SeqCst);
                }
                // The engine announced faster than this thread read: whatever was in
                // those events is lost to every hook.
                Err(RecvError::Lagged(n)) => {
                    for route in &mut routes {
                        route.dropped += n;
                    }
                    engine.trouble(
                        "the hooks",
                        Some(format!(
                            "the hooks fell behind the changes: {} may not have reached them",
                            crate::domain::counted(n, "change")
                        )),
                    );
                }
                Err(RecvError::Closed) => break,
            }
        })?;
    Ok(running)
}

impl Route {
    /// A notice dropped on a full queue: counted, and said at the 1st, 2nd, 4th, 8th, ...
    /// drop so a hook stuck for hours does not fill the log.
    fn drop_one(&mut self, engine: &Engine) {
        self.dropped += 1;
        if self.dropped.is_power_of_two() {
            engine.trouble(
                self.behind,
                Some(format!(
                    "the hook `{}` is behind: {} dropped so far (its queue is full)",
                    self.name,
                    crate::domain::counted(self.dropped, "notice")
                )),
            );
        }
    }
}

/// Runs one hook's notices, one at a time, oldest first.
struct Worker {
    engine: Arc<Engine>,
    name: String,
    hook: HookConfig,
    failing: &'static str,
    pending: Arc<AtomicUsize>,
}

impl Worker {
    fn run(self, jobs: Receiver<Job>) {
        let argv = self.hook.argv();
        while let Ok(job) = jobs.recv() {
            let tries = self.hook.retries + 1;
            let mut wait = self.hook.retry_delay;
            let mut failed = None;
            for attempt in 0..tries {
                if attempt > 0 {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(RETRY_DELAY_MAX);
                }
                match run_once(&argv, &job, self.hook.timeout) {
                    Ok(()) => {
                        failed = None;
                        break;
                    }
                    Err(why) => failed = Some(why),
                }
            }
            let said = failed.map(|why| {
                format!(
                    "the hook `{}` failed on the notice {} ({}): {why}",
                    self.name,
                    job.kind.name(),
                    if tries == 1 {
                        "1 try".to_string()
                    } else {
                        format!("{tries} tries")
                    }
                )
            });
            self.engine.trouble(self.failing, said);
            self.pending.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// One run of a hook: started in its own process group, the record written to its standard
/// input, stopped (the whole group) at the time limit.
fn run_once(argv: &[String], job: &Job, limit: Duration) -> Result<(), String> {
    let (program, args) = argv.split_first().ok_or("it has no command")?;
    let mut child = Command::new(program)
        .args(args)
        .env(KIND_VARIABLE, job.kind.name())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start {}: {}",
                crate::text::one_line(program),
                crate::text::plain_io(&e)
            )
        })?;
    // Written aside: a hook that never reads its input must not hold this thread.
    if let Some(mut stdin) = child.stdin.take() {
        let input = format!("{}\n", job.input).into_bytes();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let (said_tx, said_rx) = mpsc::channel();
    if let Some(mut stderr) = child.stderr.take() {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut buf = [0u8; 1024];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let room = STDERR_KEPT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            let _ = said_tx.send(kept);
        });
    }
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                stop_group(&mut child);
                return Err(format!(
                    "it ran past its time limit ({}) and was stopped",
                    humantime::format_duration(limit)
                ));
            }
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => {
                stop_group(&mut child);
                return Err(format!("cannot wait for it: {}", crate::text::plain_io(&e)));
            }
        }
    };
    if status.success() {
        return Ok(());
    }
    // Its last words, if it said them before ending (a child it left running may keep
    // the pipe open: then they are not waited for).
    let said = said_rx
        .recv_timeout(Duration::from_millis(200))
        .ok()
        .map(|bytes| first_line(&bytes))
        .filter(|l| !l.is_empty());
    Err(match said {
        Some(words) => format!("{}: {words}", ended(status)),
        None => ended(status),
    })
}

/// Stops a hook and everything it started: SIGKILL to its process group, then reaps it.
fn stop_group(child: &mut std::process::Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals that process group; the group is the
        // child's own (process_group(0)), so nothing else is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// How a run ended, in words.
fn ended(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("it exited with status {code}"),
        (None, Some(signal)) => format!("it was ended by signal {signal}"),
        _ => "it failed".into(),
    }
}

/// The first line of what a hook wrote, escaped and cut to 200 characters.
fn first_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let cut: String = line.trim().chars().take(200).collect();
    crate::text::one_line(&cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> Job {
        Job {
            kind: NoticeKind::OrderFailed,
            input: r#"{"kind":"order-failed"}"#.into(),
        }
    }

    fn sh(script: &str) -> Vec<String> {
        vec!["/bin/sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn a_run_reads_the_record_and_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let got = dir.path().join("got");
        let script = format!(
            "cat > '{}'; echo \"$PHONEDESK_NOTICE\" >> '{}'",
            got.display(),
            got.display()
        );
        run_once(&sh(&script), &job(), Duration::from_secs(5)).unwrap();
        assert_eq!(
            std::fs::read_to_string(&got).unwrap(),
            "{\"kind\":\"order-failed\"}\norder-failed\n"
        );
    }

    #[test]
    fn a_failed_run_says_how_it_ended_and_its_first_words() {
        let e = run_once(
            &sh("echo 'no route to mail host' >&2; exit 3"),
            &job(),
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert_eq!(e, "it exited with status 3: no route to mail host");
        let e = run_once(
            &["/nonexistent/notify".to_string()],
            &job(),
            Duration::from_secs(5),
        )
        .unwrap_err();
        assert!(e.starts_with("cannot start /nonexistent/notify: "), "{e}");
        assert!(!e.contains("Os {"), "{e}");
    }

    /// A hook that holds its notices fills its queue: the next notice is dropped and the
    /// drop said, while the engine goes on (every order completes at once).
    #[test]
    fn a_full_queue_drops_the_notice_and_says_so_without_holding_the_engine() {
        use crate::carrier::SimulatedCarrier;
        use crate::config::CommandLine;
        use crate::domain::*;
        use crate::store::{Store, StoreOptions};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&StoreOptions::new(dir.path().join("db"))).unwrap();
        let policy = Policy {
            provisioning_delay: Duration::from_secs(1),
            ..Policy::default()
        };
        let engine = Arc::new(Engine::new(
            store,
            Arc::new(SimulatedCarrier::new(3, 0.0)),
            policy,
        ));
        engine.keep_troubles_off_stderr();
        let hook = HookConfig {
            on: vec!["order-completed".into()],
            command: CommandLine::Words(sh("sleep 5")),
            shell: false,
            timeout: Duration::from_secs(5),
            retries: 0,
            retry_delay: Duration::from_millis(10),
            queue: 1,
        };
        let _running = spawn(&engine, &BTreeMap::from([("slow".to_string(), hook)])).unwrap();
        let mut events = engine.subscribe();
        let q = SearchQuery::us().with_area_code(907).with_limit(3);
        let t0 = Timestamp(1_790_000_000_000);
        for a in engine.search(&q).unwrap() {
            let provision = Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers: vec![a.number],
            };
            engine
                .dispatch(&Actor::admin("admin"), provision, t0)
                .unwrap();
        }
        let started = Instant::now();
        assert_eq!(engine.run_due(t0.plus(Duration::from_secs(2))).unwrap(), 3);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the engine waited for the hook"
        );
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut said = Vec::new();
        while said.is_empty() && Instant::now() < deadline {
            while let Ok(e) = events.try_recv() {
                if e.action == crate::engine::TROUBLE {
                    said.push(e.message);
                }
            }
            std::thread::sleep(POLL);
        }
        assert_eq!(
            said,
            ["the hook `slow` is behind: 1 notice dropped so far (its queue is full)"]
        );
    }

    #[test]
    fn a_run_past_its_limit_is_stopped_with_what_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let pids = dir.path().join("pids");
        // The shell starts a sleep and waits: both must go.
        let script = format!("sleep 30 & echo $$ $! > '{}'; wait", pids.display());
        let started = Instant::now();
        let e = run_once(&sh(&script), &job(), Duration::from_millis(300)).unwrap_err();
        assert_eq!(e, "it ran past its time limit (300ms) and was stopped");
        assert!(started.elapsed() < Duration::from_secs(5));
        let text = std::fs::read_to_string(&pids).unwrap();
        // SIGKILL is sent to the group at once; a busy machine takes a moment to end them.
        let alive = |pid: &str| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|stat| !stat.contains(") Z "))
                .unwrap_or(false)
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        for pid in text.split_whitespace() {
            while alive(pid) && Instant::now() < deadline {
                std::thread::sleep(POLL);
            }
            assert!(!alive(pid), "process {pid} of the hook still runs");
        }
    }
}
