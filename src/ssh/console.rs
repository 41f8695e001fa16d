//! One console per SSH session with a pty: its own app state, its own terminal size, its own
//! key parser, all on the shared engine.
//!
//! Each console runs on its own thread (the app may block on the store, and need not be
//! `Send`). Everything that can wake it arrives on one channel: input bytes and resizes from
//! the SSH handler, engine events from a small forwarding task, shutdown from the server.
//! Frames are drawn by ratatui into a byte buffer the size of the client's window and sent as
//! one channel write each, wrapped in synchronized-output markers so the client paints a whole
//! frame at once.

use super::inbox::{is_session_event, Empty, Inbox};
use super::keys::{KeyParser, TermInput, ESC_TIMEOUT};
use crate::domain::{Actor, Timestamp};
use crate::engine::{now, Engine, Event};
use crossterm::event::KeyEvent;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Frame, Terminal, TerminalOptions, Viewport};
use russh::server::Handle;
use russh::ChannelId;
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a console shows: the real console app, or a stand-in.
pub trait Front {
    fn handle_key(&mut self, key: KeyEvent, now: Timestamp);
    /// Text pasted in one piece (bracketed paste).
    fn handle_paste(&mut self, _text: &str, _now: Timestamp) {}
    fn handle_event(&mut self, event: Event, now: Timestamp);
    /// Time passed; true when the screen should be drawn again.
    fn tick(&mut self, now: Timestamp) -> bool;
    fn draw(&mut self, frame: &mut Frame);
    fn needs_redraw(&self) -> bool;
    /// Bytes for the client's terminal besides the frame (an OSC 52 copy).
    fn take_output(&mut self) -> Option<Vec<u8>> {
        None
    }
    fn should_quit(&self) -> bool;
    /// The client's window changed size.
    fn resize(&mut self, _width: u16, _height: u16) {}
    /// Nothing else to do: deferred work; true when the screen changed.
    fn idle(&mut self) -> bool {
        false
    }
    /// A form holds input that was not submitted.
    fn has_unsaved_input(&self) -> bool {
        false
    }
}

/// What the client told us about its terminal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientPrefs {
    /// The client sent `NO_COLOR` (`ssh -o SetEnv=NO_COLOR=1`): no colours in this console.
    pub no_color: bool,
    /// How to reach this server (`ssh -p 2222 host`), for the hints that name a command.
    pub connect_with: String,
    /// The key's organisation, for the header (none for the default one).
    pub organisation: Option<String>,
}

/// Makes the front end of a new console, or says why it cannot.
pub type FrontFactory = Arc<
    dyn Fn(Arc<Engine>, Actor, &ClientPrefs, Timestamp) -> Result<Box<dyn Front>, String>
        + Send
        + Sync,
>;

/// Everything that can wake a console.
#[derive(Debug)]
pub enum Input {
    Bytes(Vec<u8>),
    Resize(u16, u16),
    Engine(Event),
    /// The server is stopping: say so and close.
    Shutdown(String),
    /// The client went away: stop, dispatching nothing.
    Closed,
}

/// How often the app's clock-driven state ("restorable for 6 d") is refreshed.
const TICK: Duration = Duration::from_millis(500);

pub const ENTER_SCREEN: &[u8] = b"\x1b[?1049h\x1b[?2004h\x1b[?25l\x1b[2J\x1b[H";
pub const LEAVE_SCREEN: &[u8] = b"\x1b[0m\x1b[?25h\x1b[?2004l\x1b[?1049l";
const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
const SYNC_END: &[u8] = b"\x1b[?2026l";

/// Writes to one SSH channel from a plain thread.
#[derive(Clone)]
pub struct Output {
    pub handle: Handle,
    pub channel: ChannelId,
    pub rt: tokio::runtime::Handle,
}

impl Output {
    /// One write; false when the client is gone.
    pub fn send(&self, bytes: Vec<u8>) -> bool {
        self.rt
            .block_on(self.handle.data(self.channel, bytes))
            .is_ok()
    }

    /// One write to an extended stream (1: standard error); false when the client is gone.
    pub fn send_ext(&self, ext: u32, bytes: Vec<u8>) -> bool {
        self.rt
            .block_on(self.handle.extended_data(self.channel, ext, bytes))
            .is_ok()
    }

    /// Exit status, EOF, close: the client's `ssh` exits.
    pub fn finish(&self, status: u32) {
        let h = &self.handle;
        let c = self.channel;
        self.rt.block_on(async {
            let _ = h.exit_status_request(c, status).await;
            let _ = h.eof(c).await;
            let _ = h.close(c).await;
        });
    }
}

/// A console's way out: frames are handed to a task that writes them to the channel, so
/// the console never waits for a slow client (that would stop it reading its inbox, and the
/// SSH handler waits for room there). While more than [`BACKLOG`] bytes are on their way the
/// console draws nothing; the next frame it draws shows everything that changed meanwhile.
struct Outbox {
    tx: tokio::sync::mpsc::UnboundedSender<Out>,
    in_flight: Arc<AtomicUsize>,
}

enum Out {
    Data(Vec<u8>),
    Finish(u32),
}

/// Frame bytes a console may have on their way to the client.
const BACKLOG: usize = 256 * 1024;

impl Outbox {
    fn new(out: Output) -> Outbox {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Out>();
        let in_flight = Arc::new(AtomicUsize::new(0));
        let sent = Arc::clone(&in_flight);
        out.rt.spawn(async move {
            while let Some(msg) = rx.recv().await {
                match msg {
                    Out::Data(bytes) => {
                        let n = bytes.len();
                        let ok = out.handle.data(out.channel, bytes).await.is_ok();
                        sent.fetch_sub(n, Ordering::SeqCst);
                        if !ok {
                            break;
                        }
                    }
                    Out::Finish(status) => {
                        let _ = out.handle.exit_status_request(out.channel, status).await;
                        let _ = out.handle.eof(out.channel).await;
                        let _ = out.handle.close(out.channel).await;
                        break;
                    }
                }
            }
        });
        Outbox { tx, in_flight }
    }

    /// Queues one write; false when the client is gone.
    fn send(&self, bytes: Vec<u8>) -> bool {
        self.in_flight.fetch_add(bytes.len(), Ordering::SeqCst);
        self.tx.send(Out::Data(bytes)).is_ok()
    }

    fn finish(&self, status: u32) {
        let _ = self.tx.send(Out::Finish(status));
    }

    /// Too much on its way to draw another frame now.
    fn behind(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) > BACKLOG
    }
}

pub struct ConsoleParams {
    pub engine: Arc<Engine>,
    pub actor: Actor,
    pub cols: u16,
    pub rows: u16,
    pub idle_timeout: Duration,
    pub out: Output,
    pub input: Arc<Inbox>,
    pub front: FrontFactory,
    pub prefs: ClientPrefs,
}

/// Why a console ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    Quit,
    Idle,
    Shutdown,
    Disconnected,
}

fn rect(cols: u16, rows: u16) -> Rect {
    Rect::new(0, 0, cols.max(1), rows.max(1))
}

/// Runs one console until the user quits, the client goes away, the session idles out, or
/// the server stops. Never dispatches anything on its own: an unfinished form just vanishes.
pub fn run(p: ConsoleParams) -> Ending {
    let ConsoleParams {
        engine,
        actor,
        cols,
        rows,
        idle_timeout,
        out,
        input,
        front,
        prefs,
    } = p;
    let out = Outbox::new(out);
    // However the console ends, the handler stops waiting to hand it keystrokes.
    struct CloseOnExit(Arc<Inbox>);
    impl Drop for CloseOnExit {
        fn drop(&mut self) {
            self.0.close();
        }
    }
    let _close = CloseOnExit(Arc::clone(&input));
    let _counted = engine.session_started(&actor.name, now());
    let mut app = match front(Arc::clone(&engine), actor, &prefs, now()) {
        Ok(app) => app,
        Err(why) => {
            out.send(format!("phonedesk: cannot open the console: {why}\r\n").into_bytes());
            out.finish(1);
            return Ending::Disconnected;
        }
    };
    app.resize(cols.max(1), rows.max(1));
    let buf = FrameBuf::default();
    let backend = CrosstermBackend::new(buf.clone());
    let options = TerminalOptions {
        viewport: Viewport::Fixed(rect(cols, rows)),
    };
    let Ok(mut term) = Terminal::with_options(backend, options) else {
        return Ending::Disconnected;
    };
    let mut parser = KeyParser::new();
    let mut last_input = Instant::now();
    let mut last_bytes = Instant::now();
    let mut last_tick = Instant::now();
    let mut first = true;
    let mut force = true;

    let ending = 'run: loop {
        let mut held_back = false;
        if force || app.needs_redraw() {
            if out.behind() {
                // The client is slow to take frames: keep reading keys, draw later.
                held_back = true;
                force = true;
            } else {
                if !send_frame(&mut term, &buf, app.as_mut(), &out, first) {
                    break 'run Ending::Disconnected;
                }
                first = false;
                force = false;
                // Work the app deferred past this frame (long lists): draw again if it changed.
                if app.idle() {
                    continue;
                }
            }
        }
        let mut wait = if parser.has_pending() {
            ESC_TIMEOUT.saturating_sub(last_bytes.elapsed())
        } else {
            TICK.saturating_sub(last_tick.elapsed())
        };
        if held_back {
            wait = wait.min(Duration::from_millis(20));
        }
        let mut next = match input.recv_timeout(wait) {
            Ok(msg) => Some(msg),
            Err(Empty::Timeout) => None,
            Err(Empty::Closed) => break 'run Ending::Disconnected,
        };
        // Take everything already waiting before drawing: one frame for a burst. Of a run of
        // engine events only the last is handed on (each one makes the app reload the same),
        // unless that last one only says a session started or ended.
        while let Some(msg) = next.take() {
            let after = input.try_recv();
            match msg {
                Input::Bytes(bytes) => {
                    last_input = Instant::now();
                    last_bytes = last_input;
                    for input in parser.feed_input(&bytes) {
                        match input {
                            TermInput::Key(key) => app.handle_key(key, now()),
                            TermInput::Paste(text) => app.handle_paste(&text, now()),
                        }
                        if app.should_quit() {
                            break 'run Ending::Quit;
                        }
                    }
                }
                Input::Resize(c, r) => {
                    if term.resize(rect(c, r)).is_err() {
                        break 'run Ending::Disconnected;
                    }
                    // A full repaint at the new size, from a cleared screen.
                    let _ = term.clear();
                    app.resize(c.max(1), r.max(1));
                    force = true;
                }
                Input::Engine(ev) => {
                    // A change reloads everything a session start or end would.
                    let covered =
                        matches!(&after, Some(Input::Engine(next)) if !is_session_event(next));
                    if !covered {
                        app.handle_event(ev, now());
                    }
                }
                Input::Shutdown(message) => {
                    let mut message = message;
                    if app.has_unsaved_input() {
                        message.push_str("\r\nThe form you were filling in was not submitted.");
                    }
                    leave(&out, &message);
                    break 'run Ending::Shutdown;
                }
                Input::Closed => break 'run Ending::Disconnected,
            }
            next = after;
        }
        if parser.has_pending() && last_bytes.elapsed() >= ESC_TIMEOUT {
            for key in parser.flush() {
                app.handle_key(key, now());
                if app.should_quit() {
                    break 'run Ending::Quit;
                }
            }
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            if app.tick(now()) {
                force = true;
            }
            if last_input.elapsed() >= idle_timeout {
                let mins = idle_timeout.as_secs() / 60;
                let span = if mins >= 1 {
                    format!("{mins} min")
                } else {
                    format!("{} s", idle_timeout.as_secs())
                };
                leave(
                    &out,
                    &format!("phonedesk: closed after {span} without input; reconnect any time."),
                );
                break 'run Ending::Idle;
            }
        }
    };
    if ending == Ending::Quit {
        leave(&out, "");
    }
    if ending != Ending::Disconnected {
        out.finish(0);
    }
    ending
}

/// Restores the client's screen and prints `message` below where the shell was.
fn leave(out: &Outbox, message: &str) {
    let mut bytes = LEAVE_SCREEN.to_vec();
    if !message.is_empty() {
        bytes.extend_from_slice(message.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    out.send(bytes);
}

/// Draws one frame into the buffer and sends what changed as one write.
fn send_frame(
    term: &mut Terminal<CrosstermBackend<FrameBuf>>,
    buf: &FrameBuf,
    app: &mut dyn Front,
    out: &Outbox,
    first: bool,
) -> bool {
    if term.draw(|f| app.draw(f)).is_err() {
        return false;
    }
    let extra = app.take_output();
    let mut body = buf.0.borrow_mut();
    if body.is_empty() && !first && extra.is_none() {
        return true;
    }
    let mut frame = Vec::with_capacity(body.len() + 64);
    if first {
        frame.extend_from_slice(ENTER_SCREEN);
    }
    frame.extend_from_slice(SYNC_BEGIN);
    frame.extend_from_slice(&body);
    frame.extend_from_slice(SYNC_END);
    if let Some(extra) = extra {
        frame.extend_from_slice(&extra);
    }
    body.clear();
    drop(body);
    out.send(frame)
}

/// Where ratatui's backend writes a frame; shared so the console can take it.
#[derive(Clone, Default)]
struct FrameBuf(Rc<RefCell<Vec<u8>>>);

impl Write for FrameBuf {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The real console.
impl Front for crate::tui::App {
    fn handle_key(&mut self, key: KeyEvent, now: Timestamp) {
        crate::tui::App::handle_key(self, key, now)
    }

    fn handle_paste(&mut self, text: &str, now: Timestamp) {
        crate::tui::App::handle_paste(self, text, now)
    }

    fn handle_event(&mut self, event: Event, now: Timestamp) {
        crate::tui::App::handle_event(self, event, now)
    }

    fn tick(&mut self, now: Timestamp) -> bool {
        crate::tui::App::tick(self, now)
    }

    fn draw(&mut self, frame: &mut Frame) {
        crate::tui::App::draw(self, frame)
    }

    fn needs_redraw(&self) -> bool {
        crate::tui::App::needs_redraw(self)
    }

    fn take_output(&mut self) -> Option<Vec<u8>> {
        crate::tui::App::take_output(self)
    }

    fn should_quit(&self) -> bool {
        crate::tui::App::should_quit(self)
    }

    fn resize(&mut self, width: u16, height: u16) {
        crate::tui::App::resize(self, width, height)
    }

    fn idle(&mut self) -> bool {
        crate::tui::App::idle(self)
    }

    fn has_unsaved_input(&self) -> bool {
        crate::tui::App::has_unsaved_input(self)
    }
}
