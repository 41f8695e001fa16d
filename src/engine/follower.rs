//! The follower: on a database several nodes share, each long-running process (`serve`,
//! the console, `watch`) announces the changes the other nodes made, so every console
//! shows them. The audit log is the change feed: its sequence is taken under the
//! organisation's writer, so it has no gaps and its order is the commit order. The
//! database's notifications only wake the follower up; it also looks every second, and
//! after every reconnect, so a lost notification costs at most a second.

use super::{now, Engine, EngineError, HOLD};
use crate::domain::Actor;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// How long the follower waits for a hint before it looks anyway.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Entries read at a time.
const PAGE: usize = 500;

const SOURCE: &str = "the change feed";

/// Follows the other nodes' changes while the task runs; `None` on a store no other
/// process writes (sled).
pub fn spawn_follower(engine: Arc<Engine>) -> Option<tokio::task::JoinHandle<()>> {
    let signal = engine.store().backend().changes()?;
    let mut seen = engine.store().last_audit_seq();
    // From now on this process's own entries are told apart from the others'.
    let _ = engine.store().others_after(seen, 0);
    Some(tokio::spawn(async move {
        let mut holds = signal.holds.load(Ordering::SeqCst);
        loop {
            let _ = tokio::time::timeout(LOOK_EVERY, signal.notify.notified()).await;
            let now_holds = signal.holds.load(Ordering::SeqCst);
            if now_holds != holds {
                holds = now_holds;
                // Holds are not audited: consoles read them again.
                engine.announce(
                    &Actor::system(),
                    HOLD,
                    now(),
                    true,
                    "holds changed",
                    Vec::new(),
                );
            }
            let e = Arc::clone(&engine);
            match tokio::task::spawn_blocking(move || e.catch_up(seen)).await {
                Ok(Ok(last)) => {
                    seen = last;
                    engine.trouble(SOURCE, None);
                }
                Ok(Err(err)) => engine.trouble(
                    SOURCE,
                    Some(format!("cannot read the other nodes' changes: {err}")),
                ),
                Err(_) => {}
            }
        }
    }))
}

impl Engine {
    /// Announces the entries other processes wrote after `seen`, oldest first, and reads
    /// the counts again when there were any; returns the last entry read.
    fn catch_up(&self, mut seen: u64) -> Result<u64, EngineError> {
        loop {
            let (others, last) = self.store.others_after(seen, PAGE)?;
            if !others.is_empty() {
                self.store.refresh()?;
            }
            for entry in others {
                self.announce_entry(entry);
            }
            if last == seen {
                return Ok(seen);
            }
            seen = last;
        }
    }
}
