//! `phonedesk watch`: the engine's notices as they happen, a line each, or JSON lines for
//! scripts. Locally the command owns the database and runs the scheduler, the carrier's
//! worker and sync and the hooks, as `serve` does (`main`); over SSH it reads the server's
//! own events. It ends at Ctrl-C (the caller's stop flag), after `--count` lines, or when
//! its reader goes away (a closed pipe, a closed SSH connection).

use super::args::WatchArgs;
use super::{CliError, Ctx, Res};
use crate::domain::NoticeKind;
use crate::engine::Event;
use crate::notify;
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::error::TryRecvError;

/// How long an idle watch sleeps between looks at its events: short, since it is most of
/// the delay before a change shows (another node's, too); a look costs next to nothing.
const NAP: Duration = Duration::from_millis(10);

/// How often an idle watch checks that its reader is still there.
const STILL_THERE: Duration = Duration::from_secs(1);

pub fn run(ctx: &mut Ctx, a: WatchArgs) -> Res {
    let kinds = kinds(&a.kinds)?;
    let mut events = match ctx.feed.events.take() {
        Some(events) => events,
        None => ctx.engine.subscribe(),
    };
    let stop = ctx.feed.stop;
    let stopped = || stop.is_some_and(|s| s.load(Ordering::Relaxed));
    let mut told = 0usize;
    let mut looked = Instant::now();
    while !stopped() {
        match events.try_recv() {
            Ok(event) => {
                for line in lines(&event, &kinds, a.all, ctx.json)? {
                    writeln!(ctx.out, "{line}")?;
                    told += 1;
                    if a.count == Some(told) {
                        ctx.out.flush()?;
                        return Ok(());
                    }
                }
                ctx.out.flush()?;
            }
            Err(TryRecvError::Empty) => {
                // A reader that went away is noticed at a write; an idle watch writes
                // nothing, so it asks (over SSH, a flush asks the connection).
                if looked.elapsed() >= STILL_THERE {
                    ctx.out.flush()?;
                    looked = Instant::now();
                }
                std::thread::sleep(NAP);
            }
            Err(TryRecvError::Lagged(n)) => writeln!(
                ctx.err,
                "phonedesk: watch fell behind: {} were not shown",
                crate::domain::counted(n, "change")
            )?,
            Err(TryRecvError::Closed) => break,
        }
    }
    Ok(())
}

/// The kinds asked for with `--kind`; empty means every kind.
fn kinds(names: &[String]) -> Res<HashSet<NoticeKind>> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            NoticeKind::parse(n).ok_or_else(|| {
                CliError::usage(format!(
                    "--kind takes {}; not “{}”",
                    NoticeKind::names(),
                    super::output::one_line(n)
                ))
            })
        })
        .collect()
}

/// What one event shows: a line per notice of the kinds asked for, and with `--all` the
/// change or trouble itself (sessions coming and going are not changes).
fn lines(event: &Event, kinds: &HashSet<NoticeKind>, all: bool, json: bool) -> Res<Vec<String>> {
    let as_json = |v: serde_json::Value| {
        crate::text::json::compact(&v).map_err(|e| CliError::refused(e.to_string()))
    };
    let mut out = Vec::new();
    let session = event.action == "session started" || event.action == "session ended";
    let own = event.action == crate::engine::NOTICE;
    if all && !session && !own {
        out.push(match json {
            true => as_json(notify::change_record(event))?,
            false => notify::change_line(event),
        });
    }
    for n in &event.notices {
        if kinds.is_empty() || kinds.contains(&n.kind) {
            out.push(match json {
                true => as_json(notify::record(event, n))?,
                false => notify::line(event, n),
            });
        }
    }
    Ok(out)
}
