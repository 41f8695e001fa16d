//! The scheduler: a tokio task that completes due work (orders, calling-name updates,
//! purges, porting steps) through the engine like any other actor. Due work lives in the
//! store, so what fell due while the program was stopped completes on the next start, and
//! each item's completion removes it in the same transaction: exactly once. It also tells
//! of purges drawing near (`Engine::tell_purges_near`) and removes expired holds, about once
//! a second. On a database several nodes share, each runs its own scheduler: an item is
//! run by the node that holds the organisation's writer when it looks, and is gone from
//! the due list for the next (`Engine::run_due`).

use super::{now, Engine};
use std::sync::Arc;
use std::time::Duration;

/// How often the due list is looked at. Cheap: one range read of the due tree.
const TICK: Duration = Duration::from_millis(200);

const SOURCE: &str = "the scheduler";

/// Ticks between two looks for purges within 24 h (one range read of the due tree).
const PURGE_LOOK_EVERY: u32 = 5;
/// Ticks between looks at the audit retention: a minute.
const PRUNE_EVERY: u32 = 300;

/// The scheduler, and on a database other nodes share, the follower of their changes
/// (`follower.rs`): every long-running process starts both, and stopping the scheduler
/// stops its follower.
pub fn spawn_scheduler(engine: Arc<Engine>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let _follower = super::spawn_follower(Arc::clone(&engine)).map(StopOnDrop);
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut ticks: u32 = 0;
        loop {
            tick.tick().await;
            let e = Arc::clone(&engine);
            let look_for_purges = ticks.is_multiple_of(PURGE_LOOK_EVERY);
            // The audit retention is looked at on start and then once a minute.
            let prune = ticks.is_multiple_of(PRUNE_EVERY);
            ticks = ticks.wrapping_add(1);
            // sled calls block; keep them off the async workers.
            let ran = tokio::task::spawn_blocking(move || {
                if prune {
                    e.prune_audit(now())?;
                }
                let ran = e.run_due(now());
                if look_for_purges && ran.is_ok() {
                    // Expired holds count as none already; this only tidies the store.
                    e.end_holds(None, now())?;
                    // Told by one node of those sharing the database, not by each.
                    if e.leads() {
                        e.tell_purges_near(now()).map(|_| 0)
                    } else {
                        Ok(0)
                    }
                } else {
                    ran
                }
            })
            .await;
            // Said once rather than at every tick (a full disk lasts), and its end too.
            match ran {
                Ok(Err(err)) => engine.trouble(
                    SOURCE,
                    Some(format!("the scheduler could not complete due work: {err}")),
                ),
                Ok(Ok(_)) => engine.trouble(SOURCE, None),
                Err(_) => {}
            }
        }
    })
}

/// Stops a task when dropped (with the task that owns it).
struct StopOnDrop(tokio::task::JoinHandle<()>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
