//! The `phonedesk` program: read the flags and the configuration, open the database, let
//! due work complete, then run a command, the console, or the SSH server. Every failure is
//! one line on stderr and an exit code: 1 for a refused action or an unusable database, 2
//! for usage and configuration errors. Nothing here panics on bad input.

use clap::Parser;
use phonedesk::cli::{self, Cli, CliError, Command, EXIT_REFUSED, EXIT_USAGE};
use phonedesk::config::{Config, Paths};
use phonedesk::domain::Actor;
use phonedesk::engine::{now, Engine, EngineError};
use phonedesk::store::StoreError;
use std::io::{IsTerminal, Write};
use std::sync::Arc;

fn main() {
    std::process::exit(real_main());
}

fn real_main() -> i32 {
    // Arguments are text: bytes that are not UTF-8 (a raw 0x9B from `$'\x9b'`) are refused
    // in words instead of panicking in `std::env::args`.
    let mut args = Vec::new();
    for (i, arg) in std::env::args_os().skip(1).enumerate() {
        match arg.into_string() {
            Ok(a) => args.push(a),
            Err(raw) => {
                let json = std::env::args_os().any(|a| a == "--json");
                let e = CliError::usage(format!(
                    "argument {} is not UTF-8 text (“{}”): phonedesk reads UTF-8 only",
                    i + 1,
                    raw.to_string_lossy()
                ));
                cli::fail(&e, json, &mut std::io::stdout(), &mut std::io::stderr());
                return e.code;
            }
        }
    }
    let parsed = match Cli::try_parse() {
        Ok(c) => c,
        // Help, version and usage errors: the same handling as inside a session.
        // clap's messages quote what was typed: escaped like every other output.
        Err(e) => {
            let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
            let mut out = phonedesk::text::Escaping::new(stdout.lock());
            let mut err = phonedesk::text::Escaping::new(stderr.lock());
            let code = cli::parse_failure(e, cli::wants_json(&args), &mut out, &mut err);
            let _ = out.flush();
            let _ = err.flush();
            return code;
        }
    };
    let json = parsed.json;
    let fail = |e: CliError| {
        cli::fail(&e, json, &mut std::io::stdout(), &mut std::io::stderr());
        e.code
    };
    let paths = match Paths::resolve(parsed.config.as_deref()) {
        Ok(p) => p,
        Err(e) => return fail(CliError::usage(e.to_string())),
    };
    let config = match Config::load(&paths.config, paths.config_explicit) {
        Ok(c) => c,
        Err(e) => return fail(CliError::usage(e.to_string())),
    };
    if let Some(Command::FakeChime(args)) = &parsed.command {
        return fake_chime(args, parsed.db.as_deref(), &config);
    }
    if let Some(Command::Db(cli::DbCommand::Copy(args))) = &parsed.command {
        return match db_copy(args, &config, parsed.org.as_deref()) {
            Ok(report) => {
                // The locations are the administrator's words: escaped like all output.
                let stdout = std::io::stdout();
                let mut out = phonedesk::text::Escaping::new(stdout.lock());
                let _ = if json {
                    writeln!(out, "{}", report.json)
                } else {
                    write!(out, "{}", report.text)
                };
                let _ = out.flush();
                report.code
            }
            Err(e) => fail(e),
        };
    }
    let (config, db) = match (parsed.demo, &parsed.command) {
        (false, _) => {
            let db = paths.database(parsed.db.as_deref(), &config);
            (config, db)
        }
        (true, None) => match demo_database(&paths) {
            Ok(db) => (phonedesk::demo::config(&config), db),
            Err(e) => return fail(CliError::refused(e)),
        },
        (true, Some(_)) => {
            return fail(CliError::usage(
                "--demo opens the console on a demo database; it takes no command",
            ))
        }
    };
    // The organisation: `--org`, else PHONEDESK_ORG, else `[database] organisation`.
    let organisation = match phonedesk::organisation::choose(
        parsed.org.as_deref(),
        config.database.organisation.as_deref(),
        &db,
    )
    .and_then(|org| embedded_holds_one(&config, &db).map(|()| org))
    {
        Ok(org) => org,
        Err(e) => return fail(CliError::usage(e)),
    };
    if let Some(Command::Serve) = parsed.command {
        return serve(config, paths, &db, args, json);
    }
    let config = config.for_organisation(&organisation);
    let engine = match open_engine(&config, &db) {
        Ok(e) => e,
        Err(Opened::Held(e)) => {
            return held_elsewhere(&e, parsed.command.as_ref(), &db, &organisation, args, json)
        }
        Err(Opened::Refused(e)) => return fail(e),
    };
    // Work that fell due while phonedesk was stopped completes now (`run-due` reports it).
    // On a full disk it waits, and the command still runs: reads work, changes are refused.
    // `watch` lets its scheduler do it, so that what completes now is told.
    if !matches!(
        parsed.command,
        Some(Command::RunDue) | Some(Command::Watch(_))
    ) {
        match engine.run_due(now()) {
            Ok(_) => {}
            Err(EngineError::Store(e @ StoreError::DiskFull { .. })) => {
                let _ = writeln!(std::io::stderr(), "phonedesk: due work waits: {e}");
            }
            Err(e) => return fail(CliError::refused(e.to_string())),
        }
    }
    if parsed.demo {
        if let Err(e) = phonedesk::demo::fill(&engine, now()) {
            return fail(CliError::refused(format!(
                "cannot fill the demo database: {e}"
            )));
        }
    }
    let actor = Actor::local(login_name().as_deref());
    match parsed.command {
        None if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) => {
            fail(CliError::usage(
                "the console needs a terminal; without one, run a command instead (see --help)",
            ))
        }
        None => console(engine, actor, config),
        Some(Command::Serve) => unreachable!("`serve` opened its organisations above"),
        Some(Command::Watch(_)) => watch(engine, actor, config, args),
        Some(_) => {
            let code = run_command(&engine, &actor, args);
            end_command(engine);
            code
        }
    }
}

/// Why an engine did not open: another phonedesk holds the database (the command may go
/// there), or a refusal to say.
enum Opened {
    Held(StoreError),
    Refused(CliError),
}

/// Opens the database's organisation named in `config` (`Config::for_organisation`) and
/// connects the carrier its configuration names.
fn open_engine(config: &Config, db: &std::path::Path) -> Result<Arc<Engine>, Opened> {
    let engine = match Engine::open(config, db) {
        Ok(e) => Arc::new(e),
        Err(EngineError::Store(
            e @ (StoreError::Locked { .. } | StoreError::HeldByServer { .. }),
        )) => return Err(Opened::Held(e)),
        Err(e) => return Err(Opened::Refused(CliError::refused(e.to_string()))),
    };
    connect_carrier(&engine, config).map_err(|e| Opened::Refused(CliError::refused(e)))?;
    Ok(engine)
}

/// An embedded database holds the default organisation only: a configuration with
/// settings for another (`[organisations.acme]`) is refused with it, in words.
fn embedded_holds_one(config: &Config, db: &std::path::Path) -> Result<(), String> {
    use phonedesk::organisation::{DEFAULT, ONE_ONLY};
    if phonedesk::store::postgres_url(db).is_some() {
        return Ok(());
    }
    match config.organisations.keys().find(|name| *name != DEFAULT) {
        Some(name) => Err(format!(
            "the configuration has [organisations.{name}], but {ONE_ONLY}"
        )),
        None => Ok(()),
    }
}

/// After a command: what it changed is on disk (each change is flushed before it is
/// acknowledged; this covers the due work run before it), and the store is not taken
/// down piece by piece. Freeing sled's page table, an entry for every page of the store,
/// was a fifth of a cold `history` on a store of a million audit entries; the process ends
/// now and the system takes its memory back (the lock file is let go when it ends).
fn end_command(engine: Arc<Engine>) {
    if let Err(e) = engine.store().flush() {
        let _ = writeln!(std::io::stderr(), "phonedesk: {}", e);
    }
    std::mem::forget(engine);
}

/// Another phonedesk holds the database: the command runs there, through its local socket
/// (`phonedesk::local`), when that makes sense and it listens; else the refusal says why.
fn held_elsewhere(
    held: &StoreError,
    command: Option<&Command>,
    db: &std::path::Path,
    organisation: &str,
    args: Vec<String>,
    json: bool,
) -> i32 {
    let fail = |message: String| {
        let e = CliError::refused(message);
        cli::fail(&e, json, &mut std::io::stdout(), &mut std::io::stderr());
        e.code
    };
    if let Some(why) = phonedesk::local::not_sent(command) {
        return match held {
            // `ssh` is the way into a server, and its message says how.
            StoreError::HeldByServer { .. } if command.is_none() => fail(held.to_string()),
            _ => fail(format!("{}: {why}", held_path_words(held))),
        };
    }
    // `watch` ends quietly at Ctrl-C or SIGTERM alone; so it does through the socket.
    let watching = matches!(command, Some(Command::Watch(_)));
    let caller = phonedesk::local::client::this_process(login_name(), watching);
    let location = phonedesk::store::describe_location(db);
    match phonedesk::local::send(&location, organisation, args, caller) {
        phonedesk::local::Sent::Ran(code) => code,
        phonedesk::local::Sent::NobodyListens => fail(held.to_string()),
        phonedesk::local::Sent::Failed(why) => fail(why),
    }
}

/// "the database at DIR is open in another phonedesk (pid N)".
fn held_path_words(held: &StoreError) -> String {
    match held {
        StoreError::Locked { path, pid } => format!(
            "the database at {} is open in another phonedesk (pid {pid})",
            path.display()
        ),
        StoreError::HeldByServer { path, pid, .. } => format!(
            "the database at {} is open in `phonedesk serve` (pid {pid})",
            path.display()
        ),
        other => other.to_string(),
    }
}

/// Runs a subcommand through `cli::run`, the same entry the SSH server uses.
fn run_command(engine: &Arc<Engine>, actor: &Actor, args: Vec<String>) -> i32 {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let (mut out, mut err) = (stdout.lock(), stderr.lock());
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let code = cli::run(engine, actor, args, interactive, &mut out, &mut err);
    let _ = out.flush();
    code
}

/// A fresh, empty demo database in the data directory.
fn demo_database(paths: &Paths) -> Result<std::path::PathBuf, String> {
    let db = paths.data_dir.join("demo");
    if let Ok(lock) = std::fs::File::open(db.join("phonedesk.lock")) {
        use fs2::FileExt;
        if lock.try_lock_exclusive().is_err() {
            return Err("another `phonedesk --demo` is running; quit it first".into());
        }
    }
    if db.exists() {
        std::fs::remove_dir_all(&db)
            .map_err(|e| format!("cannot clear the demo database at {}: {e}", db.display()))?;
    }
    Ok(db)
}

/// The login for the audit log: `$USER`, else `$LOGNAME` (cron sets only that).
fn login_name() -> Option<String> {
    ["USER", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|u| !u.trim().is_empty())
}

/// Connects the remote carrier the configuration names (`[carrier] kind`).
#[cfg_attr(not(feature = "aws"), allow(unused_variables))]
fn connect_carrier(engine: &Arc<Engine>, config: &Config) -> Result<(), String> {
    use phonedesk::config::CarrierKind;
    match config.carrier.kind {
        CarrierKind::Simulated => Ok(()),
        #[cfg(feature = "aws")]
        CarrierKind::ChimeSdkVoice => {
            // Loading the profile reads files; a small runtime of its own, as the console's
            // and serve's runtimes are made later. The clients spawn on whichever runs them.
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| format!("cannot start the carrier's runtime: {e}"))?;
            let connected = rt.block_on(phonedesk::carrier::chime::connect(&config.carrier))?;
            engine.set_remote(connected.api.clone());
            // Whose numbers these are, shown by the console (STS needs no permission; a
            // failure only leaves the account unsaid).
            let whose = rt.block_on(async {
                tokio::time::timeout(config.carrier.call_timeout, connected.whose()).await
            });
            if let Ok((short, long)) = whose {
                engine.set_carrier_label(short, long);
            }
            engine.set_worker_settings(phonedesk::carrier::worker::WorkerSettings {
                call_timeout: config.carrier.call_timeout,
                ..Default::default()
            });
            Ok(())
        }
        #[cfg(not(feature = "aws"))]
        CarrierKind::ChimeSdkVoice => Err(
            "this phonedesk was built without the Chime SDK carrier (the `aws` feature); rebuild it with default features".into(),
        ),
    }
}

/// CONSOLE CALL SITE: no subcommand opens the console (`phonedesk::tui::run_local`).
fn console(engine: Arc<Engine>, actor: Actor, config: Config) -> i32 {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "phonedesk: cannot start the console: {e}"
            );
            return EXIT_REFUSED;
        }
    };
    let result = rt.block_on(async {
        // Orders, name updates and purges complete on screen while the console runs.
        let background = start_background(&engine, &config)?;
        let r = phonedesk::tui::run_local(engine, actor, &config).await;
        background.stop().await;
        Ok(r)
    });
    let result = match result {
        Ok(r) => r,
        Err(code) => return code,
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "phonedesk: {}",
                phonedesk::text::error_words(&e)
            );
            EXIT_USAGE
        }
    }
}

/// SERVE CALL SITE: `phonedesk serve` runs the SSH server (`phonedesk::ssh::serve`) for
/// every organisation its authorized keys sign in to, one engine each.
fn serve(config: Config, paths: Paths, db: &std::path::Path, args: Vec<String>, json: bool) -> i32 {
    use phonedesk::organisation::{DEFAULT, ONE_ONLY};
    let refuse = |message: String| {
        let _ = writeln!(std::io::stderr(), "phonedesk: {message}");
        EXIT_REFUSED
    };
    let keys_path = phonedesk::ssh::authorized_keys_path(&config, &paths);
    let keys = match phonedesk::ssh::auth::AuthorizedKeys::load(&keys_path) {
        Ok(k) => k,
        Err(e) => return refuse(phonedesk::text::error_words(&e)),
    };
    let organisations = keys.organisations();
    if phonedesk::store::postgres_url(db).is_none() {
        if let Some((org, line)) = organisations.iter().find(|(org, _)| **org != DEFAULT) {
            return refuse(format!(
                "the authorized keys file {}, line {line}, names the organisation “{org}”, but {ONE_ONLY}",
                keys_path.display()
            ));
        }
    }
    let mut served = Vec::new();
    for organisation in organisations.keys() {
        let org_config = config.for_organisation(organisation);
        let engine = match open_engine(&org_config, db) {
            Ok(e) => e,
            Err(Opened::Held(e)) => {
                return held_elsewhere(&e, Some(&Command::Serve), db, organisation, args, json)
            }
            Err(Opened::Refused(e)) => return refuse(e.message),
        };
        // Work that fell due while phonedesk was stopped completes now.
        match engine.run_due(now()) {
            Ok(_) => {}
            Err(EngineError::Store(e @ StoreError::DiskFull { .. })) => {
                let _ = writeln!(std::io::stderr(), "phonedesk: due work waits: {e}");
            }
            Err(e) => return refuse(e.to_string()),
        }
        served.push(phonedesk::ssh::Served {
            organisation: organisation.to_string(),
            engine,
            config: org_config,
        });
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return refuse(format!("cannot start the server: {e}")),
    };
    match rt.block_on(phonedesk::ssh::serve(
        served, keys, keys_path, config, paths,
    )) {
        Ok(()) => 0,
        Err(e) => refuse(phonedesk::text::error_words(&e)),
    }
}

/// Starts the engine's background work (`phonedesk::background`): the hooks, the scheduler,
/// the carrier's tasks and the local socket. Inside the runtime.
fn start_background(
    engine: &Arc<Engine>,
    config: &Config,
) -> Result<phonedesk::background::Background, i32> {
    phonedesk::background::Background::start(engine, config, cli::run_hosted).map_err(|e| {
        let _ = writeln!(std::io::stderr(), "phonedesk: {e}");
        EXIT_REFUSED
    })
}

/// WATCH CALL SITE: `phonedesk watch` owns the database like `serve`: it runs the scheduler,
/// the carrier's worker and sync and the hooks, and prints the notices until Ctrl-C, SIGTERM,
/// `--count` or a closed pipe.
fn watch(engine: Arc<Engine>, actor: Actor, config: Config, args: Vec<String>) -> i32 {
    use std::sync::atomic::{AtomicBool, Ordering};
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "phonedesk: cannot start watching: {e}");
            return EXIT_REFUSED;
        }
    };
    // Subscribed before anything runs: what completes at once is told too.
    let events = engine.subscribe();
    let stop = Arc::new(AtomicBool::new(false));
    let started = rt.block_on(async {
        let background = start_background(&engine, &config)?;
        let stop = Arc::clone(&stop);
        let interrupted = tokio::spawn(async move {
            if cli::interrupted().await {
                stop.store(true, Ordering::Relaxed);
            }
        });
        Ok((background, interrupted))
    });
    let (background, interrupted) = match started {
        Ok(b) => b,
        Err(code) => return code,
    };
    let code = {
        let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
        let mut out = ReaderGone(stdout.lock());
        let mut err = stderr.lock();
        let feed = cli::Feed {
            events: Some(events),
            stop: Some(&stop),
        };
        let access = cli::Access {
            files: true,
            ..Default::default()
        };
        cli::run_fed(&engine, &actor, args, access, feed, &mut out, &mut err)
    };
    rt.block_on(background.stop());
    interrupted.abort();
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    code
}

/// Standard output whose flush also says when nobody reads it any more (the pipe's reader
/// closed it, the terminal hung up), so an idle `watch | head -3` ends too.
struct ReaderGone<W: Write>(W);

impl<W: Write> Write for ReaderGone<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()?;
        let mut fd = libc::pollfd {
            fd: libc::STDOUT_FILENO,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no wait; poll(2) only reads and writes that struct.
        let ready = unsafe { libc::poll(&mut fd, 1, 0) };
        if ready > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        Ok(())
    }
}

/// FAKE-CHIME CALL SITE: `phonedesk fake-chime` serves the simulated carrier over the Chime
/// SDK Voice wire protocol until SIGTERM or Ctrl-C (`phonedesk::carrier::loopback`).
fn fake_chime(args: &cli::FakeChimeArgs, db: Option<&std::path::Path>, config: &Config) -> i32 {
    use phonedesk::carrier::loopback::{LoopbackServer, SimAdmin};
    use phonedesk::carrier::sim::{SimCarrier, SimClock, SimSettings};
    let fail = |code: i32, message: String| {
        let _ = writeln!(std::io::stderr(), "phonedesk: {message}");
        code
    };
    let addr: std::net::SocketAddr = match args.listen.parse() {
        Ok(a) => a,
        Err(_) => {
            return fail(
                EXIT_USAGE,
                format!(
                    "--listen takes an address and port, e.g. 127.0.0.1:0, not “{}”",
                    args.listen
                        .chars()
                        .filter(|c| !c.is_control())
                        .collect::<String>()
                ),
            )
        }
    };
    let sled_config = match db {
        Some(dir) => sled::Config::new().path(dir),
        None => sled::Config::new().temporary(true),
    };
    let opened = sled_config.open().and_then(|d| d.open_tree("fake_chime"));
    let tree = match opened {
        Ok(t) => t,
        Err(e) => {
            let place = db
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| "a temporary directory".into());
            return fail(
                EXIT_REFUSED,
                format!("cannot open the fake Chime database in {place}: {e}"),
            );
        }
    };
    let mut settings = SimSettings::from_config(config);
    if let Some(seed) = args.seed {
        settings.seed = seed;
    }
    let clock = SimClock::system();
    let sim = match SimCarrier::open(tree, settings, clock.as_clock()) {
        Ok(s) => Arc::new(s),
        Err(e) => return fail(EXIT_REFUSED, e.to_string()),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(EXIT_REFUSED, format!("cannot start the server: {e}")),
    };
    rt.block_on(async move {
        let admin = SimAdmin {
            sim: Arc::clone(&sim),
            clock,
        };
        let server = match LoopbackServer::start(addr, sim, Some(admin)).await {
            Ok(s) => s,
            Err(e) => return fail(EXIT_REFUSED, e.to_string()),
        };
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on {}", server.url());
        let _ = out.flush();
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(e) => return fail(EXIT_REFUSED, format!("cannot wait for signals: {e}")),
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        drop(server);
        0
    })
}

struct CopyReport {
    text: String,
    json: serde_json::Value,
    code: i32,
}

/// `phonedesk db copy --from A --to B`: both opened (and claimed) here, the copy checked.
/// On PostgreSQL the organisation copied from or into is the chosen one (`--org`); a
/// directory holds the default.
fn db_copy(
    args: &cli::DbCopyArgs,
    config: &Config,
    org_flag: Option<&str>,
) -> Result<CopyReport, CliError> {
    use phonedesk::store::{describe_location, postgres_url, Store, StoreOptions};
    let (from, to) = (describe_location(&args.from), describe_location(&args.to));
    if from == to {
        return Err(CliError::usage("--from and --to name the same database"));
    }
    let server = match postgres_url(&args.to) {
        Some(_) => &args.to,
        None => &args.from,
    };
    let organisation =
        phonedesk::organisation::choose(org_flag, config.database.organisation.as_deref(), server)
            .map_err(CliError::usage)?;
    let open = |location: &std::path::Path| {
        let mut options = StoreOptions::new(location);
        options.cache_bytes = config.database.cache_mb * 1024 * 1024;
        options.deletion_retention = config.policy().deletion_retention;
        let org = match postgres_url(location) {
            Some(_) => organisation.as_str(),
            None => phonedesk::organisation::DEFAULT,
        };
        Store::open_at(location, org, &options).map_err(|e| CliError::refused(e.to_string()))
    };
    let source = open(&args.from)?;
    let target = open(&args.to)?;
    let copied = source.copy_into(&target).map_err(|e| {
        let message = match e {
            phonedesk::store::StoreError::NotNew { .. } => e.to_string(),
            e => format!(
                "{e}; the copy stopped part way: remove {} (or drop its tables) and copy again",
                to.display()
            ),
        };
        CliError::refused(message)
    })?;
    let problems = target
        .check_indexes()
        .map_err(|e| CliError::refused(e.to_string()))?;
    let mut text = format!(
        "Copied {} keys ({} numbers, {} audit entries) from {} to {}.\n",
        copied.keys,
        copied.numbers,
        copied.audit_entries,
        from.display(),
        to.display()
    );
    if problems.is_empty() {
        text.push_str("The copy is sound.\n");
    } else {
        for p in &problems {
            text.push_str(&format!("The copy is not sound: {p}\n"));
        }
    }
    Ok(CopyReport {
        json: serde_json::json!({
            "from": from.display().to_string(),
            "to": to.display().to_string(),
            "keys": copied.keys,
            "numbers": copied.numbers,
            "audit_entries": copied.audit_entries,
            "problems": problems,
        }),
        code: if problems.is_empty() { 0 } else { 1 },
        text,
    })
}
