//! The command line: every action of the console as a subcommand, for scripts and for
//! administrators who prefer a shell. Each command builds an `Action` for the engine (or
//! reads the store) and writes its result to the writers it is given, never to the
//! process's own stdout, so the SSH server can run the same commands for a session.
//! Human-readable text by default; `--json` for scripts. No rule is checked here: the
//! domain decides, the CLI only parses what was typed and shows what came back.

mod apply;
mod args;
mod directory;
mod history;
mod jobs;
mod numbers;
mod orders;
mod output;
mod report;
mod support;
mod watch;

pub use args::{Cli, Command, DbCommand, DbCopyArgs, FakeChimeArgs, WatchArgs};

use crate::domain::{Action, Actor, Outcome, Timestamp};
use crate::engine::{now, Engine, EngineError};
use crate::text::Escaping;
use clap::Parser;
use std::io::{BufRead, Write};
use std::sync::Arc;

/// Exit code for a refused action, an unknown record or a failed check.
pub const EXIT_REFUSED: i32 = 1;
/// Exit code for a command that failed unexpectedly in a server (sysexits' EX_SOFTWARE).
pub const EXIT_SOFTWARE: i32 = 70;
/// Exit code for a usage error: bad flags, a missing `--yes`, a bad configuration.
pub const EXIT_USAGE: i32 = 2;

/// Why a command failed, in one line for the administrator, with its exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub code: i32,
    pub message: String,
    /// The command already printed its JSON answer (with the problems in it).
    pub answered: bool,
}

impl CliError {
    pub fn refused(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_REFUSED,
            message: message.into(),
            answered: false,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_USAGE,
            message: message.into(),
            answered: false,
        }
    }
}

impl From<EngineError> for CliError {
    fn from(e: EngineError) -> Self {
        CliError::refused(e.to_string())
    }
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        CliError::refused(e.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::refused(format!(
            "cannot write the output: {}",
            crate::text::plain_io(&e)
        ))
    }
}

type Res<T = ()> = Result<T, CliError>;

/// How a command may reach outside its writers.
#[derive(Default)]
pub struct Access<'a> {
    /// The command's standard input (`apply -` reads it; confirmations are answered on
    /// it when `ask`); `None` when it has none.
    pub input: Option<&'a mut dyn BufRead>,
    /// Whether a person answers on `input` (a terminal): destructive commands ask there;
    /// otherwise they need `--yes`.
    pub ask: bool,
    /// Whether commands may read and write files on this machine (`apply FILE`,
    /// `export --output`). Off for SSH sessions.
    pub files: bool,
    /// Where relative file names start when the caller's working directory is not this
    /// process's (a command sent over the local socket); `None`: this process's.
    pub dir: Option<std::path::PathBuf>,
}

impl Access<'_> {
    /// A file name as the caller meant it: relative names start in the caller's directory.
    pub fn path(&self, name: &std::path::Path) -> std::path::PathBuf {
        match &self.dir {
            Some(dir) if name.is_relative() => dir.join(name),
            _ => name.to_path_buf(),
        }
    }
}

/// What `watch` reads and when it stops, when its caller decides: the local command
/// subscribes before the scheduler starts (so nothing due is missed) and stops at Ctrl-C.
/// By default `watch` subscribes itself and ends when its reader goes away.
#[derive(Default)]
pub struct Feed<'a> {
    pub events: Option<tokio::sync::broadcast::Receiver<crate::engine::Event>>,
    pub stop: Option<&'a std::sync::atomic::AtomicBool>,
}

/// Waits for Ctrl-C or SIGTERM, which end a `watch` quietly; false at once when signals
/// cannot be watched.
pub async fn interrupted() -> bool {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        return false;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    true
}

/// One command's context: who acts, on what, and where its words go.
pub(crate) struct Ctx<'a, 'i> {
    pub engine: &'a Arc<Engine>,
    pub actor: &'a Actor,
    pub json: bool,
    pub yes: bool,
    pub no_wait: bool,
    pub access: Access<'i>,
    pub feed: Feed<'i>,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

/// Runs one command line (the words after the program name) and returns its exit code.
/// `interactive` means this process's stdin is a terminal the administrator can answer
/// confirmations on; without it, destructive commands need `--yes`. Global flags
/// `--config`, `--db` and `--org` are accepted and ignored here (the caller opened the
/// engine, of one organisation).
pub fn run(
    engine: &Arc<Engine>,
    actor: &Actor,
    args: Vec<String>,
    interactive: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let access = Access {
        input: Some(&mut lock),
        ask: interactive,
        files: true,
        dir: None,
    };
    run_with(engine, actor, args, access, out, err)
}

/// `run` for front ends that are not this process's terminal (the SSH server): the
/// confirmations come from `access.input`, and `access.files` says whether commands may
/// write files on this machine.
pub fn run_with(
    engine: &Arc<Engine>,
    actor: &Actor,
    args: Vec<String>,
    access: Access<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    run_fed(engine, actor, args, access, Feed::default(), out, err)
}

/// What runs a command for a caller inside the process that holds the engine: an SSH
/// session's `ssh host COMMAND`, a command sent over the local socket. One runner for both:
/// [`run_hosted`] (tests may stand in another).
pub type Runner =
    fn(&Arc<Engine>, &Actor, Vec<String>, Access<'_>, &mut dyn Write, &mut dyn Write) -> i32;

/// `run_with` for a caller outside this process: `phonedesk` before the command is
/// allowed (`ssh host phonedesk numbers list`), and a command that fails unexpectedly
/// ends alone (exit 70) without taking the console or the server with it.
pub fn run_hosted(
    engine: &Arc<Engine>,
    actor: &Actor,
    mut args: Vec<String>,
    access: Access<'_>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if args.first().is_some_and(|a| a == "phonedesk") {
        args.remove(0);
    }
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_with(engine, actor, args, access, &mut *out, &mut *err)
    }));
    run.unwrap_or_else(|_| {
        let _ = writeln!(err, "phonedesk: the command failed unexpectedly");
        EXIT_SOFTWARE
    })
}

/// `run_with` with what `watch` reads and when it stops (the local `phonedesk watch`).
pub fn run_fed<'i>(
    engine: &Arc<Engine>,
    actor: &Actor,
    args: Vec<String>,
    access: Access<'i>,
    feed: Feed<'i>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    // Whatever a command prints, no hidden character from a user or the store reaches the
    // reader raw: commands lay their text out escaped, and this is the net under them.
    let mut out = Escaping::new(out);
    let mut err = Escaping::new(err);
    let code = run_escaped(engine, actor, args, access, feed, &mut out, &mut err);
    let _ = out.flush();
    let _ = err.flush();
    code
}

fn run_escaped<'i>(
    engine: &Arc<Engine>,
    actor: &Actor,
    args: Vec<String>,
    access: Access<'i>,
    feed: Feed<'i>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let json = wants_json(&args);
    let argv = std::iter::once("phonedesk".to_string()).chain(args);
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => return parse_failure(e, json, out, err),
    };
    let json = cli.json;
    let mut watched = Watched {
        inner: out,
        broken: false,
    };
    let mut ctx = Ctx {
        engine,
        actor,
        json,
        yes: cli.yes,
        no_wait: cli.no_wait,
        access,
        feed,
        out: &mut watched,
        err: &mut *err,
    };
    let result = match cli.command {
        Some(command) => dispatch(&mut ctx, command),
        None => Err(CliError::usage(
            "name a command, e.g. `numbers list`; see --help",
        )),
    };
    match result {
        Ok(()) => 0,
        // Whoever reads the output stopped reading (`numbers list | head -1`): what they
        // took was what they wanted, so the command ends quietly.
        Err(_) if watched.broken => 0,
        Err(e) => {
            fail(&e, json, watched.inner, err);
            e.code
        }
    }
}

/// A command's output, noting whether its reader went away (a broken pipe, or an SSH
/// channel that closed).
struct Watched<'a> {
    inner: &'a mut dyn Write,
    broken: bool,
}

impl Watched<'_> {
    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.broken = true;
            }
        }
        r
    }
}

impl Write for Watched<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(bytes);
        self.note(r)
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let r = self.inner.write_all(bytes);
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}

/// Prints a failure: one line on stderr, and `{"error": ...}` on stdout for scripts. The
/// message is escaped here too, as `main` calls this with the process's own streams.
pub fn fail(e: &CliError, json: bool, out: &mut dyn Write, err: &mut dyn Write) {
    let _ = writeln!(err, "phonedesk: {}", output::one_line(&e.message));
    if json && !e.answered {
        let answer = serde_json::json!({ "error": e.message });
        if let Ok(text) = crate::text::json::compact(&answer) {
            let _ = writeln!(out, "{text}");
        }
    }
}

/// Whether a command line asks for JSON, read before clap parses it so that a line clap
/// refuses still answers scripts in JSON (`--json` is a global flag, valid anywhere before
/// a `--`).
pub fn wants_json(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// A command line clap did not run: help and version go to stdout with exit 0; anything
/// else is a usage error (exit 2), reported as every failure is (`fail`).
pub fn parse_failure(e: clap::Error, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = write!(out, "{}", e.render());
            0
        }
        _ => {
            let e = CliError::usage(usage_line(&e));
            fail(&e, json, out, err);
            e.code
        }
    }
}

/// clap's error as one line: its text before the usage block, joined, with a pointer to
/// `--help`. A command given without its subcommand names the ones it has.
pub fn usage_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        return missing_subcommand_line(&text);
    }
    let mut parts = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("Usage:") || l.starts_with("For more information") {
            break;
        }
        if !l.is_empty() {
            parts.push(l.trim_start_matches("error:").trim().to_string());
        }
    }
    let mut msg = parts.join(" ");
    if let Some(tip) = text.lines().map(str::trim).find(|l| l.starts_with("tip:")) {
        if !msg.contains(tip) {
            msg = format!("{msg} ({tip})");
        }
    }
    format!("{msg}; see --help")
}

/// "`phonedesk numbers` needs a command (list, show); see `phonedesk numbers --help`", from
/// the help clap renders for a command given alone.
fn missing_subcommand_line(help: &str) -> String {
    let command = help
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage:"))
        .map(|u| {
            u.split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<']))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "phonedesk".into());
    let names: Vec<&str> = help
        .lines()
        .skip_while(|l| l.trim() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    format!(
        "`{command}` needs a command ({}); see `{command} --help`",
        names.join(", ")
    )
}

fn dispatch(ctx: &mut Ctx, command: Command) -> Res {
    match command {
        Command::Search(a) => numbers::search(ctx, a),
        Command::Provision(a) => numbers::provision(ctx, a),
        Command::Orders(a) => orders::run(ctx, a),
        Command::Numbers(a) => numbers::numbers(ctx, a),
        Command::Assign(a) => numbers::assign(ctx, a, false),
        Command::Reassign(a) => numbers::assign(ctx, a, true),
        Command::Unassign(a) => numbers::unassign(ctx, a),
        Command::SwitchProductType(a) => numbers::switch(ctx, a),
        Command::Label(a) => numbers::label(ctx, a),
        Command::CallingName(a) => numbers::calling_name(ctx, a),
        Command::Delete(a) => numbers::delete(ctx, a),
        Command::Restore(a) => numbers::restore(ctx, a),
        Command::DeletionQueue => numbers::deletion_queue(ctx),
        Command::Dismiss(a) => numbers::dismiss(ctx, a),
        Command::Directory(a) => directory::run(ctx, a),
        Command::Support(a) => support::run(ctx, a),
        Command::Audit(a) => history::audit(ctx, a),
        Command::History(a) => history::history(ctx, a),
        Command::Undo(a) => history::undo(ctx, a),
        Command::Apply(a) => apply::run(ctx, a),
        Command::Export(a) => report::export(ctx, a),
        Command::Check => report::check(ctx),
        Command::RunDue => report::run_due(ctx),
        Command::Dump => report::dump(ctx),
        Command::Jobs(a) => jobs::run(ctx, a),
        Command::Sync => jobs::sync(ctx),
        Command::Watch(a) => watch::run(ctx, a),
        Command::Serve => Err(CliError::usage(
            "`serve` starts the SSH server and runs only from the command line",
        )),
        Command::FakeChime(_) => Err(CliError::usage(
            "`fake-chime` starts a server and runs only from the command line",
        )),
        Command::Db(_) => Err(CliError::usage(
            "`db copy` opens both databases itself and runs only from the command line",
        )),
    }
}

impl Ctx<'_, '_> {
    pub fn now(&self) -> Timestamp {
        now()
    }

    /// Sends an action through the engine, the one door for change. With a remote
    /// carrier, waits for the carrier's answer to the action's job (unless `--no-wait`)
    /// and reports that: the change is done, or refused and why.
    pub fn act(&mut self, action: Action) -> Res<Outcome> {
        let outcome = self.engine.dispatch(self.actor, action, now())?;
        self.follow(outcome)
    }

    /// As `act`, without flushing the store after the action: for `apply`'s run of
    /// actions, which flushes once before its report. An action that made a carrier job
    /// is flushed before it is followed, so the job is on disk before it can be sent.
    pub fn act_unflushed(&mut self, action: Action) -> Res<Outcome> {
        let outcome = self.engine.dispatch_unflushed(self.actor, action, now())?;
        if outcome.job.is_some() {
            self.engine.store().flush().map_err(EngineError::from)?;
        }
        self.follow(outcome)
    }

    /// Waits for the carrier's answer to an accepted action's job (unless `--no-wait`).
    pub fn follow(&mut self, mut outcome: Outcome) -> Res<Outcome> {
        if let (Some(job), false) = (outcome.job, self.no_wait) {
            for answer in jobs::wait_for(self.engine, &[job])? {
                if !answer.ok {
                    return Err(CliError::refused(answer.message));
                }
                outcome.message = answer.message;
            }
        }
        Ok(outcome)
    }

    /// Shows what an accepted action did: its sentence, its note, and when it takes effect.
    pub fn report(&mut self, o: &Outcome) -> Res {
        if self.json {
            return self.print_json(&output::outcome_json(o));
        }
        writeln!(self.out, "{}", output::lines(&o.message))?;
        if let Some(note) = &o.note {
            writeln!(self.out, "Note: {}", output::lines(note))?;
        }
        Ok(())
    }

    pub fn print_json(&mut self, v: &serde_json::Value) -> Res {
        let text = crate::text::json::pretty(v).map_err(|e| CliError::refused(e.to_string()))?;
        writeln!(self.out, "{text}")?;
        Ok(())
    }

    /// Asks before a destructive action, as the console's check box does. `--yes` answers
    /// for the administrator; with no terminal to ask on, the command is refused.
    pub fn confirm(&mut self, question: &str) -> Res {
        if self.yes {
            return Ok(());
        }
        let input = match self.access.input.as_mut() {
            Some(input) if self.access.ask => input,
            _ => {
                return Err(CliError::usage(format!(
                    "{question} There is no terminal to ask on: add --yes to confirm"
                )))
            }
        };
        write!(self.err, "{question} [y/N] ")?;
        self.err.flush()?;
        let mut answer = String::new();
        input.read_line(&mut answer)?;
        match answer.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" => Ok(()),
            _ => Err(CliError::refused("cancelled: nothing was changed")),
        }
    }
}
