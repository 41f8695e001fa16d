//! The running console's or server's end of the local socket: each connection from this
//! user runs one command on its own thread, through the same runner as `ssh host COMMAND`
//! (`cli::run_hosted`), with the caller's login, time zone, working directory and
//! standard input, and its output and exit code sent back.

use super::place::{place, private_dir, Place, PlaceError};
use super::wire::{self, Request, WireError};
use crate::cli::{Access, Runner};
use crate::domain::Actor;
use crate::engine::Engine;
use std::io::{BufReader, Read, Write};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Commands run at once; more wait for none and are refused in words.
pub const MAX_COMMANDS: usize = 16;
/// How long a client has to send its command once connected.
const REQUEST_WAIT: Duration = Duration::from_secs(10);

/// Why the socket could not be opened (the process carries on without it).
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("{0}")]
    Place(#[from] PlaceError),
    #[error("cannot listen on {path}: {}", crate::text::plain_io(.source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The socket, open while this lives; dropping it stops listening and removes the socket.
pub struct LocalServer {
    place: Place,
    accept: tokio::task::JoinHandle<()>,
    active: Arc<AtomicUsize>,
}

impl LocalServer {
    /// Listens on the socket of the engine's database and organisation (call with the
    /// database's lock held, inside a tokio runtime). A socket already there was left by an
    /// owner that is gone (the lock says the database is ours) and is replaced.
    pub fn listen(
        engine: Arc<Engine>,
        organisation: &str,
        runner: Runner,
    ) -> Result<LocalServer, ListenError> {
        let place = place(engine.store().path(), organisation);
        private_dir(&place.dir)?;
        let io = |source| ListenError::Io {
            path: place.socket.clone(),
            source,
        };
        match std::fs::remove_file(&place.socket) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let listener = tokio::net::UnixListener::bind(&place.socket).map_err(io)?;
        // The directory already keeps others out; the socket's own bits say so too.
        let _ = std::fs::set_permissions(&place.socket, std::fs::Permissions::from_mode(0o600));
        let active = Arc::new(AtomicUsize::new(0));
        let accept = tokio::spawn(accept_loop(listener, engine, runner, Arc::clone(&active)));
        Ok(LocalServer {
            place,
            accept,
            active,
        })
    }

    pub fn socket(&self) -> &std::path::Path {
        &self.place.socket
    }

    /// Stops taking commands, removes the socket, and waits up to `grace` for the
    /// commands already running to finish.
    pub async fn stop(self, grace: Duration) {
        self.accept.abort();
        self.remove();
        let deadline = Instant::now() + grace;
        while self.active.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn remove(&self) {
        let _ = std::fs::remove_file(&self.place.socket);
        if self.place.own_dir {
            let _ = std::fs::remove_dir(&self.place.dir);
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        self.accept.abort();
        self.remove();
    }
}

async fn accept_loop(
    listener: tokio::net::UnixListener,
    engine: Arc<Engine>,
    runner: Runner,
    active: Arc<AtomicUsize>,
) {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, say: wait instead of spinning.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let same_user = stream.peer_cred().is_ok_and(|c| c.uid() == uid);
        let Ok(stream) = stream.into_std() else {
            continue;
        };
        if stream.set_nonblocking(false).is_err() {
            continue;
        }
        if !same_user {
            refuse(
                stream,
                "phonedesk: this phonedesk takes commands from its own user only",
                crate::cli::EXIT_REFUSED,
            );
            continue;
        }
        let slot = Slot::take(&active);
        let Some(slot) = slot else {
            refuse(
                stream,
                &format!("phonedesk: the running phonedesk is already running {MAX_COMMANDS} commands from this machine; try again when one has finished"),
                crate::cli::EXIT_REFUSED,
            );
            continue;
        };
        let engine = Arc::clone(&engine);
        let _ = std::thread::Builder::new()
            .name("local command".into())
            .spawn(move || {
                serve_one(&engine, runner, stream);
                drop(slot);
            });
    }
}

/// One of the `MAX_COMMANDS` places, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(active: &Arc<AtomicUsize>) -> Option<Slot> {
        active
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < MAX_COMMANDS).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(active)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Says no in words and ends the connection.
fn refuse(mut stream: UnixStream, words: &str, code: i32) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = wire::write_frame(&mut stream, wire::ERR, format!("{words}\n").as_bytes());
    let _ = wire::write_frame(&mut stream, wire::EXIT, &wire::exit_frame(code));
}

/// Reads the request, or says why not (None: the client went away or said nothing).
fn read_request(stream: &mut UnixStream) -> Result<Request, Option<(String, i32)>> {
    let usage = |words: String| Some((words, crate::cli::EXIT_USAGE));
    let not_ours = || {
        usage("phonedesk: the running phonedesk did not understand what was sent: it takes phonedesk commands only".into())
    };
    let (kind, payload) = match wire::read_frame(stream) {
        Ok(frame) => frame,
        Err(WireError::TooLarge { kind, len }) if kind == wire::REQUEST => {
            return Err(usage(format!(
                "phonedesk: a command of {len} bytes is larger than the {} the running phonedesk takes",
                wire::MAX_FRAME
            )))
        }
        Err(WireError::TooLarge { .. }) => return Err(not_ours()),
        Err(_) => return Err(None),
    };
    if kind != wire::REQUEST {
        return Err(not_ours());
    }
    let value: serde_json::Value = serde_json::from_slice(&payload).map_err(|_| not_ours())?;
    let version = value.get("protocol").and_then(|v| v.as_u64());
    match version {
        Some(v) if v == u64::from(wire::PROTOCOL) => {}
        Some(v) => {
            return Err(Some((
                format!(
                    "phonedesk: this phonedesk and the running one (pid {}) are different versions (local socket version {v} and {}); run the command with the same phonedesk as the running console or server",
                    std::process::id(),
                    wire::PROTOCOL
                ),
                crate::cli::EXIT_REFUSED,
            )))
        }
        None => return Err(not_ours()),
    }
    serde_json::from_value(value).map_err(|_| not_ours())
}

fn serve_one(engine: &Arc<Engine>, runner: Runner, mut stream: UnixStream) {
    let _ = stream.set_read_timeout(Some(REQUEST_WAIT));
    let request = match read_request(&mut stream) {
        Ok(r) => r,
        Err(Some((words, code))) => return refuse(stream, &words, code),
        Err(None) => return,
    };
    let _ = stream.set_read_timeout(None);
    let (Ok(out), Ok(err), Ok(input)) =
        (stream.try_clone(), stream.try_clone(), stream.try_clone())
    else {
        return refuse(
            stream,
            "phonedesk: the running phonedesk cannot take more connections now",
            crate::cli::EXIT_REFUSED,
        );
    };
    let mut out = FrameWriter::new(out, wire::OUT);
    let mut err = FrameWriter::new(err, wire::ERR);
    let mut input = BufReader::with_capacity(wire::CHUNK, SocketInput { stream: input });
    let actor = Actor::local(request.login.as_deref());
    let access = Access {
        input: Some(&mut input),
        ask: request.interactive,
        files: true,
        dir: Some(PathBuf::from(std::ffi::OsString::from_vec(request.dir))),
    };
    let zone = request
        .zone
        .as_deref()
        .and_then(|name| crate::domain::TimeZone::get(name).ok())
        .or_else(|| {
            request
                .tz
                .as_deref()
                .and_then(crate::local_time::zone_of_tz)
        });
    let run = || runner(engine, &actor, request.args, access, &mut out, &mut err);
    let code = match zone {
        Some(zone) => crate::local_time::with_zone(zone, run),
        None => run(),
    };
    let _ = out.flush();
    let _ = err.flush();
    let _ = wire::write_frame(&mut stream, wire::EXIT, &wire::exit_frame(code));
}

/// One of the command's output streams: collected up to a chunk, sent on flush. A client
/// that went away makes every later write fail as a closed pipe, so the command ends
/// quietly, as it does when a local pipe's reader goes away.
struct FrameWriter {
    stream: UnixStream,
    kind: u8,
    buf: Vec<u8>,
    broken: bool,
}

impl FrameWriter {
    fn new(stream: UnixStream, kind: u8) -> FrameWriter {
        FrameWriter {
            stream,
            kind,
            buf: Vec::new(),
            broken: false,
        }
    }

    /// Sends what is collected; with nothing collected, an empty frame asks whether the
    /// client is still there (an idle `watch` learns so that its reader went away).
    fn send(&mut self) -> std::io::Result<()> {
        if self.broken {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        let bytes = std::mem::take(&mut self.buf);
        let sent = if bytes.is_empty() {
            wire::write_frame(&mut self.stream, self.kind, &[])
        } else {
            bytes
                .chunks(wire::CHUNK)
                .try_for_each(|chunk| wire::write_frame(&mut self.stream, self.kind, chunk))
        };
        sent.map_err(|_| {
            self.broken = true;
            std::io::ErrorKind::BrokenPipe.into()
        })
    }
}

impl Write for FrameWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.broken {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= wire::CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// The client's standard input, asked for as the command reads it. Its end comes as an
/// empty frame; a client that goes away before is an error, never an early end, so
/// `apply -` never applies half a file.
struct SocketInput {
    stream: UnixStream,
}

impl Read for SocketInput {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let gone = || {
            std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "the command's caller went away before the end of its input",
            )
        };
        let want = buf.len().min(wire::CHUNK) as u32;
        wire::write_frame(&mut self.stream, wire::READ, &want.to_be_bytes()).map_err(|_| gone())?;
        match wire::read_frame(&mut self.stream) {
            Ok((wire::INPUT, bytes)) if bytes.len() <= buf.len() => {
                buf[..bytes.len()].copy_from_slice(&bytes);
                Ok(bytes.len())
            }
            _ => Err(gone()),
        }
    }
}
