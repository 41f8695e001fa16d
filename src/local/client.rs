//! The CLI's end of the local socket: a command refused the database because another
//! phonedesk holds it is sent to that process instead, with what changes its output (the
//! login, the time zone, the working directory, whether a person answers), and its
//! standard input as the command reads it; what comes back is written out as it comes,
//! and the exit code is the command's.

use super::place::place;
use super::wire::{self, Request, WireError};
use std::io::{IsTerminal, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::AsRawFd;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What became of a command sent to the running phonedesk.
#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    /// It ran there; this is its exit code.
    Ran(i32),
    /// Nothing answers on the database's socket (the holder is a command, or a phonedesk
    /// without the socket): the caller says the database is in use, as before.
    NobodyListens,
    /// It was sent, and then this went wrong (plain words).
    Failed(String),
}

/// What the command is run with, besides its words: this process's own, by default.
pub struct Caller {
    pub login: Option<String>,
    pub interactive: bool,
    /// Ctrl-C and SIGTERM end the command quietly (exit 0), as they end a `watch` alone;
    /// otherwise they end this process as usual (the command stops at its next write).
    pub stops_on_signal: bool,
}

/// Runs `args` (the words after the program name) in the process holding the organisation
/// `organisation` of `db`.
pub fn send(db: &Path, organisation: &str, args: Vec<String>, caller: Caller) -> Sent {
    let place = place(db, organisation);
    let Ok(mut stream) = UnixStream::connect(&place.socket) else {
        return Sent::NobodyListens;
    };
    // Only a process of this user may hear the command (and read its input): a socket
    // someone else put in our place is not spoken to.
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    match peer_uid(&stream) {
        Some(peer) if peer == uid => {}
        _ => {
            return Sent::Failed(format!(
                "the socket {} belongs to another user; phonedesk does not send commands to it",
                place.socket.display()
            ))
        }
    }
    let zone = crate::local_time::zone();
    let request = Request {
        protocol: wire::PROTOCOL,
        args,
        login: caller.login,
        zone: zone.iana_name().map(str::to_string),
        tz: std::env::var("TZ").ok(),
        dir: std::env::current_dir()
            .map(|d| d.as_os_str().as_bytes().to_vec())
            .unwrap_or_default(),
        interactive: caller.interactive,
    };
    let sent = serde_json::to_vec(&request)
        .map_err(|e| e.to_string())
        .and_then(|bytes| {
            wire::write_frame(&mut stream, wire::REQUEST, &bytes)
                .map_err(|e| crate::text::plain_io(&e))
        });
    if let Err(why) = sent {
        return Sent::Failed(format!(
            "cannot send the command to the running phonedesk: {why}"
        ));
    }
    let stopped = Arc::new(AtomicBool::new(false));
    if caller.stops_on_signal {
        if let Ok(stream) = stream.try_clone() {
            stop_on_signal(stream, Arc::clone(&stopped));
        }
    }
    match converse(&mut stream) {
        Sent::Failed(_) if stopped.load(Ordering::SeqCst) => Sent::Ran(0),
        sent => sent,
    }
}

/// At Ctrl-C or SIGTERM, hangs up: the command in the running phonedesk ends at its next
/// write, and this one with exit 0.
fn stop_on_signal(stream: UnixStream, stopped: Arc<AtomicBool>) {
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            if !rt.block_on(crate::cli::interrupted()) {
                return;
            }
            stopped.store(true, Ordering::SeqCst);
            let _ = stream.shutdown(std::net::Shutdown::Both);
        });
}

/// Copies the command's output out and this process's input in until the exit code.
fn converse(stream: &mut UnixStream) -> Sent {
    let (stdout, stderr, stdin) = (std::io::stdout(), std::io::stderr(), std::io::stdin());
    let mut input_ended = false;
    loop {
        let (kind, payload) = match wire::read_frame(stream) {
            Ok(frame) => frame,
            Err(WireError::Closed) => {
                return Sent::Failed(
                    "the running phonedesk stopped before the command finished; look at `phonedesk audit` to see whether it made its change".into(),
                )
            }
            Err(e) => {
                return Sent::Failed(format!(
                    "lost the running phonedesk before the command finished ({e}); look at `phonedesk audit` to see whether it made its change"
                ))
            }
        };
        match kind {
            wire::OUT => {
                let mut out = stdout.lock();
                if out.write_all(&payload).and_then(|()| out.flush()).is_err() {
                    // Whoever reads the output stopped reading: the command ends quietly,
                    // as it does alone.
                    return Sent::Ran(0);
                }
            }
            wire::ERR => {
                let mut err = stderr.lock();
                let _ = err.write_all(&payload);
                let _ = err.flush();
            }
            wire::READ => {
                let want = wire::read_len(&payload).unwrap_or(0).min(wire::CHUNK);
                let mut buf = vec![0u8; want];
                let n = if input_ended {
                    0
                } else {
                    loop {
                        match stdin.lock().read(&mut buf) {
                            Ok(n) => break n,
                            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                            Err(_) => break 0,
                        }
                    }
                };
                input_ended |= n == 0 && want > 0;
                if wire::write_frame(stream, wire::INPUT, &buf[..n]).is_err() {
                    return Sent::Failed(
                        "lost the running phonedesk while sending it the command's input".into(),
                    );
                }
            }
            wire::EXIT => {
                return match wire::read_exit(&payload) {
                    Some(code) => Sent::Ran(code),
                    None => Sent::Failed(not_understood()),
                }
            }
            _ => return Sent::Failed(not_understood()),
        }
    }
}

fn not_understood() -> String {
    "the running phonedesk answered in a way this one does not understand; run the command with the same phonedesk as the running console or server".into()
}

/// This process's own caller: its login and whether a person answers on its terminal.
pub fn this_process(login: Option<String>, stops_on_signal: bool) -> Caller {
    Caller {
        login,
        interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        stops_on_signal,
    }
}

/// The user of the process at the other end of a Unix socket.
fn peer_uid(stream: &UnixStream) -> Option<u32> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut cred = libc::ucred {
            pid: 0,
            uid: 0,
            gid: 0,
        };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: a valid socket and a buffer of the size given; the kernel writes at most
        // `len` bytes into it.
        let r = unsafe {
            libc::getsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                &mut cred as *mut libc::ucred as *mut libc::c_void,
                &mut len,
            )
        };
        (r == 0).then_some(cred.uid)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let (mut uid, mut gid) = (0, 0);
        // SAFETY: a valid socket and two out-parameters.
        let r = unsafe { libc::getpeereid(stream.as_raw_fd(), &mut uid, &mut gid) };
        (r == 0).then_some(uid)
    }
}
