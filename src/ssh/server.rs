//! One SSH connection: public-key authentication against the authorized-keys file, then
//! session channels that are consoles (with a pty), CLI commands (exec without a pty), or a
//! short note on how to connect (neither).

use super::auth::{fingerprint, AuthorizedKeys};
use super::console::{self, ClientPrefs, ConsoleParams, FrontFactory, Input, Output};
use super::exec;
use super::inbox::{Inbox, INPUT_LIMIT};
use super::startups::Startup;
use crate::cli::Runner;
use crate::config::SshConfig;
use crate::domain::Actor;
use crate::engine::Engine;
use russh::keys::ssh_key::PublicKey;
use russh::server::{
    Auth, ChannelOpenHandle, Handler, Msg, PublicKeyOffer, Session, VerifiedPublicKey,
};
use russh::{Channel, ChannelId, MethodKind, MethodSet, Pty};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// What every connection shares.
pub struct Shared {
    /// One engine per organisation served; a session uses its key's.
    pub engines: HashMap<String, Arc<Engine>>,
    /// Replaced on SIGHUP; sessions keep the role they signed in with.
    pub keys: RwLock<AuthorizedKeys>,
    pub settings: SshConfig,
    pub front: FrontFactory,
    pub cli: Runner,
    /// `ssh -p PORT HOST`, for the note shown to sessions without pty or command.
    pub how_to_connect: String,
    pub rt: tokio::runtime::Handle,
    /// Sessions (consoles and commands) running now.
    pub active: AtomicUsize,
    /// The consoles' inboxes, to tell them the server stops.
    pub consoles: Mutex<HashMap<u64, Arc<Inbox>>>,
    pub next_id: AtomicU64,
    pub stopping: AtomicBool,
}

impl Shared {
    /// Takes a session slot, or None when `max_sessions` are running.
    fn slot(self: &Arc<Self>) -> Option<Slot> {
        let max = self.settings.max_sessions;
        let mut cur = self.active.load(Ordering::SeqCst);
        loop {
            if cur >= max {
                return None;
            }
            match self
                .active
                .compare_exchange(cur, cur + 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return Some(Slot(Arc::clone(self))),
                Err(now) => cur = now,
            }
        }
    }
}

struct Slot(Arc<Shared>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct Chan {
    pty: Option<(u16, u16)>,
    prefs: ClientPrefs,
    /// Where keystrokes go: a console's inbox, or a command's on a terminal.
    console: Option<Arc<Inbox>>,
    /// Keystrokes wait for room (a console, which always reads), or are dropped when the
    /// inbox is full (a command, which reads only to confirm and may be busy writing).
    waits: bool,
    started: bool,
}

pub struct Connection {
    shared: Arc<Shared>,
    peer: String,
    actor: Option<Actor>,
    /// The engine of the signed-in key's organisation: everything the session sees and
    /// does goes through it alone.
    engine: Option<Arc<Engine>>,
    /// That organisation's name.
    organisation: String,
    /// Refused attempts that count toward `auth_attempts`.
    failures: usize,
    /// Unknown keys offered so far (not counted as failures; see [`MAX_UNKNOWN_KEYS`]).
    unknown_keys: usize,
    /// The fingerprint of a known key accepted for signing. A sign-in clears it; any other
    /// request while it is set means the key's signature was wrong (russh refuses a wrong
    /// signature without asking us).
    signing: Option<String>,
    /// Its place among the connections waiting to sign in; given up at sign-in.
    startup: Option<Startup>,
    /// Set at sign-in: the login grace time no longer applies.
    signed_in: Arc<AtomicBool>,
    channels: HashMap<ChannelId, Chan>,
}

/// Unknown keys one connection may offer. An ssh-agent offers every key it holds, one after
/// the other, so these are not counted as failed attempts; this only stops a client that
/// offers keys without end.
pub const MAX_UNKNOWN_KEYS: usize = 32;

impl Connection {
    pub fn new(shared: Arc<Shared>, peer: Option<SocketAddr>, startup: Startup) -> Connection {
        Connection {
            startup: Some(startup),
            signed_in: Arc::new(AtomicBool::new(false)),
            shared,
            peer: peer
                .map(|p| p.to_string())
                .unwrap_or_else(|| "unknown".into()),
            actor: None,
            engine: None,
            organisation: String::new(),
            failures: 0,
            unknown_keys: 0,
            signing: None,
            channels: HashMap::new(),
        }
    }

    /// Logs a refused attempt and slows the next one down: 0.5 s, 1 s, 2 s, then 4 s each.
    /// The `auth_attempts`-th refusal is answered with no method left, so the client gives
    /// up ("Permission denied"); any request after it closes the connection.
    async fn refuse(&mut self, user: &str, what: &str) -> Result<Auth, anyhow::Error> {
        self.failures += 1;
        let max = self.shared.settings.auth_attempts;
        eprintln!(
            "phonedesk serve: refused {what} for user `{}` from {} (attempt {} of {max})",
            clean(user),
            self.peer,
            self.failures
        );
        let delay = Duration::from_millis(500u64 << (self.failures - 1).min(3));
        tokio::time::sleep(delay).await;
        let methods = if self.failures >= max {
            eprintln!(
                "phonedesk serve: no more attempts for {}: too many failed attempts",
                self.peer
            );
            MethodSet::empty()
        } else {
            MethodSet::from(&[MethodKind::PublicKey][..])
        };
        Ok(Auth::Reject {
            proceed_with_methods: Some(methods),
            partial_success: false,
        })
    }

    /// Every authentication request starts here: after the last allowed failure nothing
    /// more is heard; a request after a known key was accepted for signing, with no
    /// sign-in between, means that key's signature was wrong (russh refuses a wrong
    /// signature without asking us), a failed attempt.
    /// Returns the answer when that refusal was the last allowed one.
    async fn next_request(&mut self, user: &str) -> Result<Option<Auth>, anyhow::Error> {
        if self.exhausted() {
            eprintln!(
                "phonedesk serve: closing the connection from {}: too many failed attempts",
                self.peer
            );
            anyhow::bail!("too many failed authentication attempts");
        }
        if let Some(fp) = self.signing.take() {
            let answer = self
                .refuse(user, &format!("a wrong signature for key {fp}"))
                .await?;
            if self.exhausted() {
                return Ok(Some(answer));
            }
        }
        Ok(None)
    }

    /// True once the connection has signed in (for the login grace time).
    pub fn signed_in(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.signed_in)
    }

    fn exhausted(&self) -> bool {
        self.failures >= self.shared.settings.auth_attempts
    }

    /// An unknown key: refused and logged, not counted (an agent offers all its keys).
    fn unknown_key(&mut self, user: &str, key: &PublicKey) -> Result<Auth, anyhow::Error> {
        self.unknown_keys += 1;
        eprintln!(
            "phonedesk serve: refused unknown key {} for user `{}` from {} (not counted: an agent offers every key it holds)",
            fingerprint(key),
            clean(user),
            self.peer
        );
        if self.unknown_keys >= MAX_UNKNOWN_KEYS {
            eprintln!(
                "phonedesk serve: closing the connection from {}: it offered {MAX_UNKNOWN_KEYS} unknown keys",
                self.peer
            );
            anyhow::bail!("too many failed authentication attempts (unknown keys)");
        }
        Ok(Auth::Reject {
            proceed_with_methods: Some(MethodSet::from(&[MethodKind::PublicKey][..])),
            partial_success: false,
        })
    }

    /// Who a key is, and the engine of its organisation.
    fn known(&self, key: &PublicKey) -> Option<(Actor, String, Arc<Engine>)> {
        let keys = self.shared.keys.read().unwrap_or_else(|e| e.into_inner());
        let k = keys.find(key)?;
        let engine = self.shared.engines.get(&k.organisation)?;
        Some((k.actor(), k.organisation.clone(), Arc::clone(engine)))
    }

    /// Answers a session with one text and ends it: the answer on standard output, or a
    /// refusal on standard error.
    fn send_now(
        session: &mut Session,
        channel: ChannelId,
        text: &str,
        status: u32,
    ) -> Result<(), anyhow::Error> {
        let bytes = text.replace('\n', "\r\n").into_bytes();
        if status == 0 {
            session.data(channel, bytes)?;
        } else {
            session.extended_data(channel, 1, bytes)?;
        }
        session.exit_status_request(channel, status)?;
        session.eof(channel)?;
        session.close(channel)?;
        Ok(())
    }

    /// The refusal of a session over `max_sessions`: logged, and the client's words.
    fn busy_text(&self, actor: &Actor) -> String {
        let max = self.shared.settings.max_sessions;
        eprintln!(
            "phonedesk serve: refused a session for {} ({}) from {}: the server already has {max} sessions (max_sessions)",
            actor.name,
            actor.role.label(),
            self.peer
        );
        format!("phonedesk: the server already has {max} sessions, its limit; try again later.\n")
    }

    fn start_console(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), anyhow::Error> {
        let (Some(actor), Some(engine)) = (self.actor.clone(), self.engine.clone()) else {
            return Ok(());
        };
        let (cols, rows) = self
            .channels
            .get(&channel)
            .and_then(|c| c.pty)
            .unwrap_or((80, 24));
        let mut prefs = self
            .channels
            .get(&channel)
            .map(|c| c.prefs.clone())
            .unwrap_or_default();
        prefs.connect_with = self.shared.how_to_connect.clone();
        prefs.organisation = crate::organisation::shown_in_header(&self.organisation);
        let Some(slot) = self.shared.slot() else {
            return Self::send_now(session, channel, &self.busy_text(&actor), 1);
        };
        let inbox = Arc::new(Inbox::new(INPUT_LIMIT));
        let shared = Arc::clone(&self.shared);
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        shared
            .consoles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, Arc::clone(&inbox));
        if let Some(c) = self.channels.get_mut(&channel) {
            c.console = Some(Arc::clone(&inbox));
            c.waits = true;
            c.started = true;
        }
        // Engine events into the console's inbox, until the console is gone.
        let mut events = engine.subscribe();
        let events_to = Arc::clone(&inbox);
        shared.rt.spawn(async move {
            loop {
                let ev = tokio::select! {
                    ev = events.recv() => ev,
                    () = events_to.closed() => break,
                };
                let ev = match ev {
                    Ok(ev) => ev,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                };
                if !events_to.push(Input::Engine(ev)) {
                    break;
                }
            }
        });
        let rx = inbox;
        let params = ConsoleParams {
            engine,
            actor: actor.clone(),
            cols,
            rows,
            idle_timeout: shared.settings.idle_timeout,
            out: Output {
                handle: session.handle(),
                channel,
                rt: shared.rt.clone(),
            },
            input: rx,
            front: Arc::clone(&shared.front),
            prefs,
        };
        let peer = self.peer.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("console-{id}"))
            .spawn(move || {
                eprintln!(
                    "phonedesk serve: {} ({}) opened a console from {peer}",
                    actor.name,
                    actor.role.label()
                );
                let ending = console::run(params);
                eprintln!(
                    "phonedesk serve: {}'s console ended ({ending:?})",
                    actor.name
                );
                shared
                    .consoles
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&id);
                drop(slot);
            });
        if let Err(e) = spawned {
            self.shared
                .consoles
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            return Self::send_now(
                session,
                channel,
                &format!("phonedesk: cannot start a console: {e}\n"),
                1,
            );
        }
        Ok(())
    }

    fn start_command(
        &mut self,
        channel: ChannelId,
        command: String,
        session: &mut Session,
    ) -> Result<(), anyhow::Error> {
        let (Some(actor), Some(engine)) = (self.actor.clone(), self.engine.clone()) else {
            return Ok(());
        };
        let pty = self
            .channels
            .get(&channel)
            .map(|c| c.pty.is_some())
            .unwrap_or(false);
        if let Some(c) = self.channels.get_mut(&channel) {
            c.started = true;
        }
        if let Some(other) = other_organisation(&command, &self.organisation) {
            let text = format!(
                "phonedesk: over SSH your key chooses the organisation: it signs in to “{}”, not “{}”; use a key of that organisation\n",
                self.organisation,
                crate::organisation::shown(&other)
            );
            return Self::send_now(session, channel, &text, 2);
        }
        let Some(slot) = self.shared.slot() else {
            return Self::send_now(session, channel, &self.busy_text(&actor), 1);
        };
        let shared = Arc::clone(&self.shared);
        let out = Output {
            handle: session.handle(),
            channel,
            rt: shared.rt.clone(),
        };
        // With a pty, what the client types answers the command's confirmations.
        let input = if pty {
            let inbox = Arc::new(Inbox::new(INPUT_LIMIT));
            if let Some(c) = self.channels.get_mut(&channel) {
                c.console = Some(Arc::clone(&inbox));
            }
            Some(inbox)
        } else {
            None
        };
        // Only the subcommand's words: its values may be secrets (a service PIN).
        eprintln!(
            "phonedesk serve: {} ({}) runs `{}`",
            actor.name,
            actor.role.label(),
            command_words(&command)
        );
        let spawned = std::thread::Builder::new()
            .name("command".into())
            .spawn(move || {
                let status = exec::run(shared.cli, &engine, &actor, &command, &out, input);
                out.finish(status as u32);
                eprintln!(
                    "phonedesk serve: {}'s command ended (exit code {status})",
                    actor.name
                );
                drop(slot);
            });
        if let Err(e) = spawned {
            return Self::send_now(
                session,
                channel,
                &format!("phonedesk: cannot run the command: {e}\n"),
                1,
            );
        }
        Ok(())
    }

    fn note(&self) -> String {
        format!(
            "phonedesk: this server opens a console for an interactive terminal.\n\
             Connect with a terminal:   {}\n\
             or run one command:        {} numbers list --json\n",
            self.shared.how_to_connect, self.shared.how_to_connect
        )
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        for chan in self.channels.values() {
            if let Some(inbox) = &chan.console {
                inbox.end(Input::Closed);
            }
        }
    }
}

impl Handler for Connection {
    type Error = anyhow::Error;

    async fn auth_none(&mut self, user: &str) -> Result<Auth, Self::Error> {
        if let Some(last) = self.next_request(user).await? {
            return Ok(last);
        }
        Ok(Auth::Reject {
            proceed_with_methods: Some(MethodSet::from(&[MethodKind::PublicKey][..])),
            partial_success: false,
        })
    }

    async fn auth_password(&mut self, user: &str, _password: &str) -> Result<Auth, Self::Error> {
        if let Some(last) = self.next_request(user).await? {
            return Ok(last);
        }
        self.refuse(user, "a password (only keys are accepted)")
            .await
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        if let Some(last) = self.next_request(user).await? {
            return Ok(last);
        }
        self.refuse(user, "keyboard-interactive (only keys are accepted)")
            .await
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        if let Some(last) = self.next_request(user).await? {
            return Ok(last);
        }
        if self.known(offer.public_key).is_some() {
            self.signing = Some(fingerprint(offer.public_key));
            return Ok(Auth::Accept);
        }
        self.unknown_key(user, offer.public_key)
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        self.signing = None;
        match self.known(key.public_key) {
            Some((actor, organisation, engine)) => {
                let of = if organisation == crate::organisation::DEFAULT {
                    String::new()
                } else {
                    format!(" of {organisation}")
                };
                eprintln!(
                    "phonedesk serve: {} ({}){of} signed in with {} from {}",
                    actor.name,
                    actor.role.label(),
                    fingerprint(key.public_key),
                    self.peer
                );
                self.actor = Some(actor);
                self.engine = Some(engine);
                self.organisation = organisation;
                self.startup = None;
                self.signed_in.store(true, Ordering::SeqCst);
                Ok(Auth::Accept)
            }
            // Taken out of the file (SIGHUP) between the offer and the signature.
            None => {
                let what = format!("key {}, no longer authorized", fingerprint(key.public_key));
                self.refuse(user, &what).await
            }
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.actor.is_none() || self.shared.stopping.load(Ordering::SeqCst) {
            drop(reply);
            return Ok(());
        }
        // Input reaches us through `data`; the channel object is not read, so drop it.
        self.channels.insert(channel.id(), Chan::default());
        drop(channel);
        reply.accept().await;
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&channel) {
            Some(c) if !c.started => {
                // Some clients send 0x0 and the real size in a window change right after.
                c.pty = Some(if col_width == 0 || row_height == 0 {
                    (80, 24)
                } else {
                    (clamp(col_width), clamp(row_height))
                });
                session.channel_success(channel)?;
            }
            _ => session.channel_failure(channel)?,
        }
        Ok(())
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(c) = self.channels.get_mut(&channel) {
            let size = (clamp(col_width), clamp(row_height));
            if c.pty.is_some() {
                c.pty = Some(size);
            }
            if let Some(inbox) = &c.console {
                inbox.push(Input::Resize(size.0, size.1));
            }
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(c) = self.channels.get(&channel) else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        if c.started {
            session.channel_failure(channel)?;
            return Ok(());
        }
        session.channel_success(channel)?;
        self.shell_request_inner(channel, session)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let started = self.channels.get(&channel).map(|c| c.started);
        if started != Some(false) {
            session.channel_failure(channel)?;
            return Ok(());
        }
        session.channel_success(channel)?;
        if data.len() > MAX_COMMAND {
            let text = format!(
                "phonedesk: the command is too long ({} KiB; at most {} KiB)\n",
                data.len().div_ceil(1024),
                MAX_COMMAND / 1024
            );
            if let Some(c) = self.channels.get_mut(&channel) {
                c.started = true;
            }
            return Self::send_now(session, channel, &text, 2);
        }
        let command = String::from_utf8_lossy(data).trim().to_string();
        if command.is_empty() {
            return self.shell_request_inner(channel, session);
        }
        self.start_command(channel, command, session)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_failure(channel)?;
        Ok(())
    }

    /// Only `NO_COLOR` is taken (`ssh -o SetEnv=NO_COLOR=1`); every other variable is refused.
    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        _value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&channel) {
            Some(c) if name == "NO_COLOR" && !c.started => {
                c.prefs.no_color = true;
                session.channel_success(channel)?;
            }
            _ => session.channel_failure(channel)?,
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some((inbox, waits)) = self
            .channels
            .get(&channel)
            .and_then(|c| c.console.clone().map(|i| (i, c.waits)))
        else {
            return Ok(());
        };
        // Waiting here stops russh from reading this connection: the client's channel
        // window closes and it sends no faster than the console reads.
        if waits {
            inbox.push_bytes(data.to_vec()).await;
        } else {
            inbox.offer_bytes(data.to_vec());
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(inbox) = self.channels.get(&channel).and_then(|c| c.console.as_ref()) {
            inbox.end(Input::Closed);
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(c) = self.channels.remove(&channel) {
            if let Some(inbox) = c.console {
                inbox.end(Input::Closed);
            }
        }
        Ok(())
    }
}

impl Connection {
    fn shell_request_inner(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), anyhow::Error> {
        let pty = self
            .channels
            .get(&channel)
            .map(|c| c.pty.is_some())
            .unwrap_or(false);
        if pty {
            self.start_console(channel, session)
        } else {
            if let Some(c) = self.channels.get_mut(&channel) {
                c.started = true;
            }
            Self::send_now(session, channel, &self.note(), 0)
        }
    }
}

/// The longest command line a session may send (`ssh host COMMAND`).
const MAX_COMMAND: usize = 64 * 1024;

fn clamp(v: u32) -> u16 {
    v.clamp(1, 1000) as u16
}

/// The organisation a command line's `--org` names, when it is not `mine` (the key's):
/// a session works on its key's organisation only, and says so rather than ignore it.
fn other_organisation(command: &str, mine: &str) -> Option<String> {
    let words = exec::split_words(command).ok()?;
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let named = match word.strip_prefix("--org") {
            Some("") => words.next().cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        if let Some(named) = named.filter(|n| n != mine) {
            return Some(named);
        }
    }
    None
}

/// What the log says a command line runs: the names of the subcommands it reaches
/// (`support port-in`), followed by `…` when more words follow. Only names from the CLI's
/// grammar are written, never a word as typed, so no value reaches the log: the service
/// PIN and account numbers, and whatever a future flag keeps secret, stay out of it.
fn command_words(command: &str) -> String {
    use clap::CommandFactory;
    let Ok(words) = exec::split_words(command) else {
        return "(a command line that cannot be read)".into();
    };
    let mut words = words.into_iter().peekable();
    if words.peek().map(|w| w == "phonedesk").unwrap_or(false) {
        words.next();
    }
    let mut cmd = crate::cli::Cli::command();
    let mut names: Vec<String> = Vec::new();
    let mut more = false;
    while let Some(word) = words.next() {
        if word.starts_with('-') {
            // A global flag: `--config FILE`, `--db DIR` and `--org NAME` take the next word.
            if word == "--config" || word == "--db" || word == "--org" {
                words.next();
            }
            more = true;
            continue;
        }
        match cmd.find_subcommand(&word) {
            Some(sub) => {
                names.push(sub.get_name().to_string());
                cmd = sub.clone();
            }
            None => {
                more = true;
                break;
            }
        }
    }
    more |= words.next().is_some();
    match (names.is_empty(), more) {
        (true, _) => "(no command)".into(),
        (false, false) => names.join(" "),
        (false, true) => format!("{} …", names.join(" ")),
    }
}

/// Untrusted text for the log (a user name a client sent): hidden characters escaped as
/// everywhere else (`text::one_line`), at most 200 characters.
fn clean(s: &str) -> String {
    crate::text::one_line(s).chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::{clean, command_words, other_organisation};

    #[test]
    fn a_command_naming_another_organisation_is_told_which_one_it_is() {
        assert_eq!(other_organisation("numbers list", "beta"), None);
        assert_eq!(other_organisation("--org beta numbers list", "beta"), None);
        assert_eq!(other_organisation("numbers list --org=beta", "beta"), None);
        assert_eq!(
            other_organisation("--org acme numbers list", "beta").as_deref(),
            Some("acme")
        );
        assert_eq!(
            other_organisation("export --org=acme", "default").as_deref(),
            Some("acme")
        );
        assert_eq!(
            other_organisation("label +12065550123 --organic", "beta"),
            None
        );
    }

    #[test]
    fn a_user_name_in_the_log_shows_hidden_characters_escaped() {
        assert_eq!(
            clean("ana\u{1b}]0;x\u{7}\u{202e}nimda"),
            "ana\\u{1b}]0;x\\u{7}\\u{202e}nimda"
        );
        assert_eq!(clean(&"x".repeat(300)).len(), 200);
    }

    #[test]
    fn the_log_names_the_subcommand_and_never_a_value() {
        let line = "support port-in +13125550100 --product-type bc --btn +13125550100 \
                    --service-pin 987654 --service-account-number=11112222 \
                    --customer-name 'Example Corp' --requested 2026-12-01T09:00";
        let logged = command_words(line);
        assert_eq!(logged, "support port-in …");
        for secret in ["987654", "11112222", "Example", "+1312"] {
            assert!(!logged.contains(secret), "{logged}");
        }
        // Secrets before the subcommand, or a flag where a subcommand should be.
        for line in [
            "--service-pin 987654 support port-in",
            "--service-pin=987654 support port-in",
            "phonedesk --json 987654",
            "support --service-pin 987654 port-in",
        ] {
            let logged = command_words(line);
            assert!(!logged.contains("987654"), "{line}: {logged}");
        }
        assert_eq!(command_words("numbers list"), "numbers list");
        assert_eq!(
            command_words("phonedesk --json numbers list"),
            "numbers list …"
        );
        assert_eq!(
            command_words("--db /srv/db directory accounts create Acme"),
            "directory accounts create …"
        );
        assert_eq!(command_words("check"), "check");
        assert_eq!(command_words("frobnicate 987654"), "(no command)");
        assert_eq!(command_words(""), "(no command)");
        // A line the shell rules cannot split says so, without its words.
        let logged = command_words("support port-in --service-pin '987654");
        assert!(!logged.contains("987654"), "{logged}");
    }
}
