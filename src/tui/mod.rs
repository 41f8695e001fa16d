//! The console: a keyboard-first ratatui front end over the engine. It turns key presses
//! into engine `Action`s and shows outcomes and state; it never writes to the store.
//!
//! # The API for front ends (the local terminal here, SSH sessions in `ssh/`)
//!
//! ```ignore
//! let mut app = App::new(engine.clone(), actor, UiOptions::from_config(&config.tui), now())?;
//! app.handle_key(key_event, now());       // crossterm::event::KeyEvent
//! app.handle_paste(&text, now());         // a bracketed paste, as one piece of text
//! app.handle_event(engine_event, now());  // engine::Event from engine.subscribe()
//! app.resize(w, h);                       // the terminal was resized
//! if app.tick(now()) { /* a countdown changed: redraw */ }   // once a second
//! app.idle();                             // after the first frame: load long lists
//! if app.needs_redraw() { terminal.draw(|f| app.draw(f))?; }
//! app.should_quit(); app.has_unsaved_input();
//! app.set_sessions_label(Some("3 admins connected".into()));
//! ```
//!
//! Each frame should be wrapped in synchronized output and the screen never cleared but on
//! resize; `run_local` shows how. Layout: `app.rs` (state, update, view), `terminal.rs`
//! (the local terminal only), `keys/` (the key map, help and `:` come from it),
//! `theme.rs`, `widgets/` (shared), `screens/` (one file per screen). See docs/tui.md.

pub mod app;
pub mod command;
pub mod keys;
pub mod screens;
mod scrub;
pub mod terminal;
pub mod theme;
pub mod views;
pub mod widgets;

pub use app::{App, Msg, UiError, UiOptions, MIN_HEIGHT, MIN_WIDTH};

use crate::config::Config;
use crate::domain::Actor;
use crate::engine::{now, Engine};
use crossterm::event::{self, Event as TermEvent};
use crossterm::queue;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

/// Runs the console on the local terminal until the administrator quits, or SIGTERM or
/// SIGHUP arrives. The terminal is restored in every case. The caller runs the scheduler.
pub async fn run_local(engine: Arc<Engine>, actor: Actor, config: &Config) -> anyhow::Result<()> {
    // A background task's trouble would write over the screen: it is shown in the console.
    engine.keep_troubles_off_stderr();
    let mut ui = UiOptions::from_config(&config.tui);
    ui.organisation = crate::organisation::shown_in_header(config.database.organisation());
    let mut app = App::new(Arc::clone(&engine), actor.clone(), ui, now())?;
    let _session = engine.session_started(&actor.name, now());
    let mut events = engine.subscribe();
    let mut keys = spawn_reader();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;

    let mut guard = terminal::TerminalGuard::enter()?;
    draw(&mut guard, &mut app)?;
    // Work a screen left for after its frame (a filter's remaining matches) goes on a
    // slice at a time whenever no key, event or tick is waiting, as the SSH console does.
    let mut idle_work = true;
    while !app.should_quit() {
        tokio::select! {
            biased;
            ev = keys.recv() => match ev {
                Some(TermEvent::Key(k)) => app.handle_key(k, now()),
                Some(TermEvent::Paste(text)) => app.handle_paste(&text, now()),
                Some(TermEvent::Resize(w, h)) => {
                    guard.terminal.autoresize()?;
                    app.resize(w, h);
                }
                Some(_) => {}
                None => break,
            },
            ev = events.recv() => match ev {
                Ok(e) => app.handle_event(e, now()),
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Missed some: one refresh covers them all.
                    app.handle_event(crate::engine::Event { seq: 0, at: now(), actor: String::new(), action: "lagged".into(), ok: true, message: String::new(), notices: Vec::new() }, now());
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
            _ = tick.tick() => { app.tick(now()); }
            _ = term.recv() => break,
            _ = hup.recv() => break,
            _ = std::future::ready(()), if idle_work => {
                idle_work = app.idle();
                if app.needs_redraw() {
                    draw(&mut guard, &mut app)?;
                }
                // Keys that came meanwhile are read before the next slice.
                tokio::task::yield_now().await;
                continue;
            }
        }
        // Anything handled may have left work (a new filter): look again after drawing.
        idle_work = true;
        if app.needs_redraw() {
            draw(&mut guard, &mut app)?;
        }
    }
    drop(guard);
    Ok(())
}

/// One frame inside synchronized output, so the terminal shows it at once.
fn draw(guard: &mut terminal::TerminalGuard, app: &mut App) -> std::io::Result<()> {
    queue!(guard.terminal.backend_mut(), BeginSynchronizedUpdate)?;
    guard.terminal.draw(|f| app.draw(f))?;
    queue!(guard.terminal.backend_mut(), EndSynchronizedUpdate)?;
    if let Some(bytes) = app.take_output() {
        guard.terminal.backend_mut().write_all(&bytes)?;
    }
    guard.terminal.backend_mut().flush()
}

/// Terminal input on a thread of its own (crossterm's reader blocks).
fn spawn_reader() -> mpsc::UnboundedReceiver<TermEvent> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || loop {
        match event::read() {
            Ok(ev) => {
                if tx.send(ev).is_err() {
                    return;
                }
            }
            Err(_) => return,
        }
    });
    rx
}
