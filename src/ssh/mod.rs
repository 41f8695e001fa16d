//! `phonedesk serve`: one process owns the store; administrators reach it over SSH.
//!
//! Every SSH session with a pty gets its own console on the shared engine and sees the other
//! sessions' changes live; a session that names a command runs the CLI; keys and roles come
//! from phonedesk's own authorized-keys file (see `auth`). Set-up and limits: docs/ssh.md.

pub mod auth;
pub mod console;
mod cut;
pub mod exec;
mod inbox;
pub mod keys;
mod server;
pub mod startups;

use crate::background::Background;
use crate::cli::Runner;
use crate::config::{Config, Paths};
use crate::engine::Engine;
use crate::store::ServerMarker;
use anyhow::{Context, Result};
use auth::{fingerprint, load_or_create_host_key, AuthorizedKeys};
use console::{FrontFactory, Input};
use cut::{Cut, CutStream};
use russh::{MethodKind, MethodSet};
use server::{Connection, Shared};
use startups::{Full, Startups};
use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};

/// Where the host key lives: the config's `ssh.host_key`, else the data directory.
pub fn host_key_path(config: &Config, paths: &Paths) -> PathBuf {
    config
        .ssh
        .host_key
        .clone()
        .unwrap_or_else(|| paths.data_dir.join("ssh_host_ed25519_key"))
}

/// Where the authorized keys live: the config's `ssh.authorized_keys`, else the config
/// directory.
pub fn authorized_keys_path(config: &Config, paths: &Paths) -> PathBuf {
    config
        .ssh
        .authorized_keys
        .clone()
        .unwrap_or_else(|| paths.config_dir.join("authorized_keys"))
}

/// One organisation `serve` serves: its engine, opened with its configuration
/// (`Config::for_organisation`).
pub struct Served {
    pub organisation: String,
    pub engine: Arc<Engine>,
    pub config: Config,
}

/// Runs the SSH server until SIGTERM or SIGINT, with the real console and CLI, for the
/// organisations the authorized `keys` (read from `keys_path`) sign in to: `served` holds
/// one engine for each.
pub async fn serve(
    served: Vec<Served>,
    keys: AuthorizedKeys,
    keys_path: PathBuf,
    config: Config,
    paths: Paths,
) -> Result<()> {
    let front = front(&config);
    serve_with(
        served,
        (keys, keys_path),
        config,
        paths,
        front,
        crate::cli::run_hosted,
    )
    .await
}

/// The console each pty session gets: the real one, with the configuration's `[tui]`. Its
/// export goes to the client's terminal as CSV text, never to a file on the server.
fn front(config: &Config) -> FrontFactory {
    let tui = config.tui.clone();
    Arc::new(move |engine, actor, prefs: &console::ClientPrefs, now| {
        let mut ui = crate::tui::UiOptions::from_config(&tui);
        ui.no_color |= prefs.no_color;
        ui.export_on_screen = Some(format!("{} export > numbers.csv", prefs.connect_with));
        ui.organisation = prefs.organisation.clone();
        match crate::tui::App::new(engine, actor, ui, now) {
            Ok(app) => Ok(Box::new(app) as Box<dyn console::Front>),
            Err(e) => Err(e.to_string()),
        }
    })
}

/// [`serve`] with a chosen console and command runner (tests use stand-ins).
pub async fn serve_with(
    served: Vec<Served>,
    (keys, keys_path): (AuthorizedKeys, PathBuf),
    config: Config,
    paths: Paths,
    front: FrontFactory,
    cli: Runner,
) -> Result<()> {
    let settings = config.ssh.clone();
    if let Some((org, line)) = unserved(&keys, &served) {
        anyhow::bail!(
            "the authorized keys file {}, line {line}, names the organisation “{org}”, which this server has not opened",
            keys_path.display()
        );
    }
    let key_path = host_key_path(&config, &paths);
    let (host_key, created) = load_or_create_host_key(&key_path)?;

    let listen: SocketAddr = settings.listen.parse().with_context(|| {
        format!(
            "`ssh.listen` = {:?} is not an address and port",
            settings.listen
        )
    })?;
    let listener = TcpListener::bind(listen).await.with_context(|| {
        format!("cannot listen on {listen} (`ssh.listen` in the configuration)")
    })?;
    let bound = listener.local_addr()?;
    let host = connect_host(bound);
    for one in &served {
        if let Some(dir) = one.engine.store().directory() {
            ServerMarker::write(dir, &host, bound.port())
                .with_context(|| format!("cannot record the server in {}", dir.display()))?;
        }
    }
    let how_to_connect = if bound.port() == 22 {
        format!("ssh {host}")
    } else {
        format!("ssh -p {} {host}", bound.port())
    };

    let fp = fingerprint(host_key.public_key());
    let key_count = keys.len();

    let ssh_config = Arc::new(russh::server::Config {
        server_id: russh::SshId::Standard(
            concat!("SSH-2.0-phonedesk_", env!("CARGO_PKG_VERSION")).into(),
        ),
        methods: MethodSet::from(&[MethodKind::PublicKey][..]),
        // Counted failures wait longer each time (`Connection::refuse`); an unknown key an
        // agent offers is answered quickly.
        auth_rejection_time: Duration::from_millis(100),
        auth_rejection_time_initial: Some(Duration::ZERO),
        keys: vec![host_key],
        // The connection counts failures itself (russh would count every unknown key an
        // agent offers); this is only a backstop: +1 for OpenSSH's first "none" probe.
        max_auth_attempts: settings.auth_attempts + server::MAX_UNKNOWN_KEYS + 1,
        // Consoles close themselves after `idle_timeout` with a message; this catches the rest.
        inactivity_timeout: Some(settings.idle_timeout + Duration::from_secs(30)),
        keepalive_interval: Some(Duration::from_secs(60)),
        // What a client may send ahead of what its session has read (keystrokes, a paste):
        // small, so a client that floods has little in flight, and a session that closes
        // is heard behind at most this much.
        window_size: inbox::INPUT_LIMIT as u32,
        nodelay: true,
        ..Default::default()
    });

    let shared = Arc::new(Shared {
        engines: served
            .iter()
            .map(|one| (one.organisation.clone(), Arc::clone(&one.engine)))
            .collect(),
        keys: RwLock::new(keys),
        settings,
        front,
        cli,
        how_to_connect,
        rt: tokio::runtime::Handle::current(),
        active: AtomicUsize::new(0),
        consoles: Mutex::new(HashMap::new()),
        next_id: AtomicU64::new(1),
        stopping: AtomicBool::new(false),
    });

    // Each organisation's own background work: its hooks, scheduler, carrier worker and
    // sync, and its local socket (this user's commands from this machine, `phonedesk
    // export` in another pane, reach its engine through the same runner as `ssh host
    // COMMAND`).
    let only_default = served.len() == 1 && served[0].organisation == crate::organisation::DEFAULT;
    // With organisations, the log says whose a background trouble is.
    let mut troubles = Vec::new();
    if !only_default {
        for one in &served {
            troubles.push(log_troubles(&one.organisation, &one.engine));
        }
    }
    let mut background = Vec::new();
    for one in &served {
        background.push(Background::start(&one.engine, &one.config, cli)?);
    }
    // Signal handlers first: a SIGHUP or SIGTERM sent as soon as the server says it is
    // ready must not find the default action (ending the process) still in place.
    let reloader = reload_keys_on_sighup(Arc::clone(&shared), keys_path.clone());
    let stop = shutdown_signal();
    println!("phonedesk serve: listening on {bound}");
    println!(
        "phonedesk serve: host key {fp} ({}{})",
        key_path.display(),
        if created { ", created now" } else { "" }
    );
    println!(
        "phonedesk serve: {} authorized keys from {}",
        key_count,
        keys_path.display()
    );
    if let Some(first) = served.first() {
        println!(
            "phonedesk serve: database {}",
            first.engine.store().path().display()
        );
    }
    for (one, work) in served.iter().zip(&background) {
        let which = if only_default {
            String::new()
        } else {
            println!(
                "phonedesk serve: organisation {}: {} numbers held of {}",
                one.organisation,
                one.engine.store().held(),
                one.engine.policy().inventory_limit
            );
            format!(" for organisation {}", one.organisation)
        };
        if let Some(socket) = work.socket() {
            println!(
                "phonedesk serve: commands on this machine{which} go through {}",
                socket.display()
            );
        }
    }
    println!("phonedesk serve: connect with: {}", shared.how_to_connect);
    let _ = std::io::stdout().flush();

    let startups = Startups::new(
        shared.settings.max_startups,
        shared.settings.max_startups_per_source,
    );
    let grace = shared.settings.login_grace_time;
    let mut refused = Refusals::default();
    let mut trouble = AcceptTrouble::default();
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(stop);
    let signal = loop {
        tokio::select! {
            signal = &mut stop => break signal,
            accepted = listener.accept() => {
                let (socket, peer) = match accepted {
                    Ok(a) => {
                        trouble.recovered();
                        a
                    }
                    Err(e) => {
                        // Out of file descriptors, say: wait a little instead of spinning
                        // on an error that will not go away at once.
                        if let Some(pause) = trouble.failed(&e) {
                            tokio::time::sleep(pause).await;
                        }
                        continue;
                    }
                };
                // A flood is refused here, before it costs a key exchange, so that an
                // administrator (from another address) still gets in.
                let startup = match startups.admit(peer.ip()) {
                    Ok(s) => s,
                    Err(full) => {
                        refused.note(peer, full);
                        drop(socket);
                        continue;
                    }
                };
                let _ = socket.set_nodelay(true);
                let handler = Connection::new(Arc::clone(&shared), Some(peer), startup);
                let config = Arc::clone(&ssh_config);
                connections.spawn(run_connection(config, socket, handler, grace, peer));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    };

    eprintln!("phonedesk serve: {signal}: telling sessions, then stopping");
    shared.stopping.store(true, Ordering::SeqCst);
    drop(listener);
    let inboxes: Vec<_> = shared
        .consoles
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .values()
        .cloned()
        .collect();
    for inbox in inboxes {
        inbox.end(Input::Shutdown(
            "phonedesk: the server is shutting down; your completed changes are saved. Reconnect when it is back.".into(),
        ));
    }
    // Consoles say goodbye and close; commands finish. Wait a little for both.
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline
        && (shared.active.load(Ordering::SeqCst) > 0
            || !shared.consoles.lock().map(|c| c.is_empty()).unwrap_or(true))
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for work in background {
        work.stop().await;
    }
    troubles.iter().for_each(tokio::task::JoinHandle::abort);
    if let Some(r) = reloader {
        r.abort();
    }
    // Let the last goodbyes leave before the connections go.
    tokio::time::sleep(Duration::from_millis(100)).await;
    connections.abort_all();
    for one in &served {
        one.engine
            .store()
            .flush()
            .context("cannot flush the database")?;
    }
    eprintln!("phonedesk serve: stopped; the database is flushed");
    Ok(())
}

/// One connection, from the banner to the end. One that has not signed in within
/// `grace` is cut off, whatever it is doing (sending nothing, or a key exchange that never
/// ends).
async fn run_connection(
    config: Arc<russh::server::Config>,
    socket: TcpStream,
    handler: Connection,
    grace: Duration,
    peer: SocketAddr,
) {
    let signed_in = handler.signed_in();
    let cut = Cut::new();
    let stream = CutStream::new(socket, Arc::clone(&cut));
    let run = async move {
        russh::server::run_stream(config, stream, handler)
            .await?
            .await
    };
    tokio::pin!(run);
    let expired = async {
        tokio::time::sleep(grace).await;
        if signed_in.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
    };
    let ended = tokio::select! {
        ended = &mut run => ended,
        () = expired => {
            eprintln!(
                "phonedesk serve: closed the connection from {peer}: it did not sign in within {} (login_grace_time)",
                humantime::format_duration(grace)
            );
            cut.cut();
            let _ = run.await;
            return;
        }
    };
    if let Err(e) = ended {
        if let Some(why) = ended_why(&e) {
            eprintln!("phonedesk serve: connection from {peer} ended: {why}");
        }
    }
}

/// Connections refused at the door, for the log: the first one, then at most one line
/// every 10 s with how many followed, so a flood cannot fill the log.
#[derive(Default)]
struct Refusals {
    last_line: Option<Instant>,
    since: usize,
}

impl Refusals {
    const EVERY: Duration = Duration::from_secs(10);

    fn note(&mut self, peer: SocketAddr, full: Full) {
        if self.last_line.is_some_and(|t| t.elapsed() < Self::EVERY) {
            self.since += 1;
            return;
        }
        let more = match self.since {
            0 => String::new(),
            n => format!(
                " ({n} more refused in the last {} s)",
                Self::EVERY.as_secs()
            ),
        };
        eprintln!("phonedesk serve: refused a connection from {peer} at once: {full}{more}");
        self.last_line = Some(Instant::now());
        self.since = 0;
    }
}

/// `accept` failing: said once when it starts and once when it ends, with a pause before
/// each new try that grows from 50 ms to 1 s.
#[derive(Default)]
struct AcceptTrouble {
    failures: usize,
}

impl AcceptTrouble {
    /// How long to wait before the next try; None for a failure that needs no pause.
    fn failed(&mut self, e: &std::io::Error) -> Option<Duration> {
        // The client gave up before we took its connection: nothing is wrong here.
        if e.kind() == std::io::ErrorKind::ConnectionAborted {
            return None;
        }
        if self.failures == 0 {
            eprintln!(
                "phonedesk serve: cannot take new connections: {}; trying again (connections already open carry on)",
                accept_error_words(e)
            );
        }
        self.failures += 1;
        Some(Duration::from_millis(50u64 << (self.failures - 1).min(4)).min(Duration::from_secs(1)))
    }

    fn recovered(&mut self) {
        if self.failures > 0 {
            eprintln!(
                "phonedesk serve: taking new connections again (after {} failed tries)",
                self.failures
            );
            self.failures = 0;
        }
    }
}

/// Why `accept` failed, in plain words.
fn accept_error_words(e: &std::io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::EMFILE) => {
            "the server has as many files and connections open as it may (its open-file limit, `ulimit -n`)".into()
        }
        Some(libc::ENFILE) => "the system has as many files open as it may".into(),
        Some(libc::ENOBUFS) | Some(libc::ENOMEM) => "the system is out of memory".into(),
        _ => format!("{}", e.kind()),
    }
}

/// Why a connection ended, for the log; None when there is nothing to say (a client that
/// gives up after a refusal just hangs up).
fn ended_why(e: &anyhow::Error) -> Option<String> {
    if let Some(russh::Error::PacketSize(len)) = e.downcast_ref::<russh::Error>() {
        return Some(format!(
            "it sent a message of {} KiB, larger than SSH allows (256 KiB); the connection was closed",
            len.div_ceil(1024)
        ));
    }
    let msg = e.to_string();
    if msg.contains("too many failed") || msg.contains("early eof") {
        return None;
    }
    Some(msg)
}

/// The host name to put in `ssh -p PORT HOST`: the address we listen on, or this machine's
/// name when we listen on every address.
fn connect_host(bound: SocketAddr) -> String {
    let ip = bound.ip();
    if ip.is_unspecified() {
        hostname().unwrap_or_else(|| "localhost".into())
    } else {
        ip.to_string()
    }
}

#[cfg(unix)]
fn hostname() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it or
    // fails.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let name = String::from_utf8_lossy(&buf[..end]).to_string();
    (!name.is_empty()).then_some(name)
}

#[cfg(not(unix))]
fn hostname() -> Option<String> {
    None
}

/// SIGHUP reads the authorized-keys file again. A file with an error is reported and the
/// keys in force are kept; sessions already open keep the role they signed in with.
#[cfg(unix)]
fn reload_keys_on_sighup(
    shared: Arc<Shared>,
    path: PathBuf,
) -> Option<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hup = match signal(SignalKind::hangup()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("phonedesk serve: SIGHUP will not reload the keys: {e}");
            return None;
        }
    };
    Some(tokio::spawn(async move {
        while hup.recv().await.is_some() {
            let loaded = AuthorizedKeys::load(&path).and_then(|keys| {
                // An organisation needs its engine, opened at start.
                match unserved_in(&keys, &shared.engines) {
                    Some((org, line)) => anyhow::bail!(
                        "line {line} names the organisation “{org}”, which this server does not serve; restart it to serve a new organisation"
                    ),
                    None => Ok(keys),
                }
            });
            match loaded {
                Ok(keys) => {
                    let n = keys.len();
                    *shared.keys.write().unwrap_or_else(|e| e.into_inner()) = keys;
                    eprintln!(
                        "phonedesk serve: SIGHUP: {n} authorized keys from {}",
                        path.display()
                    );
                }
                Err(e) => eprintln!(
                    "phonedesk serve: SIGHUP: kept the keys in force: {}",
                    crate::text::error_words(&e)
                ),
            }
        }
    }))
}

/// Writes `engine`'s background troubles to the server's log with its organisation's name
/// (`phonedesk serve: acme: the carrier …`) instead of the engine's own unnamed line.
fn log_troubles(organisation: &str, engine: &Arc<Engine>) -> tokio::task::JoinHandle<()> {
    engine.keep_troubles_off_stderr();
    let mut events = engine.subscribe();
    let organisation = organisation.to_string();
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(e) if e.action == crate::engine::TROUBLE => {
                    eprintln!(
                        "phonedesk serve: {organisation}: {}",
                        crate::text::one_line(&e.message)
                    );
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    })
}

/// The first organisation the keys sign in to that `served` has no engine for, and its line.
fn unserved(keys: &AuthorizedKeys, served: &[Served]) -> Option<(String, usize)> {
    let engines: HashMap<String, Arc<Engine>> = served
        .iter()
        .map(|one| (one.organisation.clone(), Arc::clone(&one.engine)))
        .collect();
    unserved_in(keys, &engines)
}

fn unserved_in(
    keys: &AuthorizedKeys,
    engines: &HashMap<String, Arc<Engine>>,
) -> Option<(String, usize)> {
    keys.organisations()
        .into_iter()
        .find(|(org, _)| !engines.contains_key(*org))
        .map(|(org, line)| (org.to_string(), line))
}

#[cfg(not(unix))]
fn reload_keys_on_sighup(
    _shared: Arc<Shared>,
    _path: PathBuf,
) -> Option<tokio::task::JoinHandle<()>> {
    None
}

/// Listens for SIGTERM and SIGINT (Ctrl-C) from now on; the future resolves with the
/// signal's name.
fn shutdown_signal() -> impl std::future::Future<Output = &'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            let term = async {
                match term {
                    Some(mut t) => {
                        t.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let int = async {
                match int {
                    Some(mut i) => {
                        i.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = term => "SIGTERM",
                () = int => "SIGINT",
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}
