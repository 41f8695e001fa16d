//! The work that runs beside a front end for each organisation's engine a process holds
//! (the console, `watch`, and `serve` once per organisation it serves): the hooks, the
//! scheduler, the carrier's worker and periodic sync, and the local socket. Started in one
//! place, so every engine gets all of it, and a new background task is added once.

use crate::cli::Runner;
use crate::config::Config;
use crate::engine::Engine;
use crate::local::LocalServer;
use crate::notify::hooks;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How long a stopping process waits for the commands sent over its socket to finish.
pub const LOCAL_FINISH: Duration = Duration::from_secs(3);

/// How long a stopping process waits for its hooks to run what they were handed.
pub const HOOKS_FINISH: Duration = Duration::from_secs(5);

/// One engine's background work, running until [`stop`](Background::stop).
pub struct Background {
    tasks: Vec<JoinHandle<()>>,
    hooks: hooks::Running,
    local: Option<LocalServer>,
}

/// Why the background work could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot start the hooks: {}", crate::text::plain_io(.0))]
pub struct StartError(#[from] std::io::Error);

impl Background {
    /// Starts `engine`'s work with `config` (its organisation's: `Config::for_organisation`),
    /// inside a tokio runtime. The hooks start first, so they miss nothing the scheduler
    /// completes at once. Commands from this user's other processes reach the engine on
    /// its socket through `runner`; a socket that cannot be opened is said through
    /// `Engine::trouble` and the rest runs on.
    pub fn start(
        engine: &Arc<Engine>,
        config: &Config,
        runner: Runner,
    ) -> Result<Background, StartError> {
        let hooks = hooks::spawn(engine, &config.hooks)?;
        let mut tasks = vec![crate::engine::spawn_scheduler(Arc::clone(engine))];
        if let Some(api) = engine.remote().cloned() {
            tasks.push(crate::carrier::worker::spawn(
                Arc::clone(engine),
                Arc::clone(&api),
                engine.worker_settings(),
            ));
            tasks.push(crate::carrier::sync::spawn_periodic(
                Arc::clone(engine),
                api,
                config.carrier.sync_interval,
            ));
        }
        let organisation = config.database.organisation();
        let local = match LocalServer::listen(Arc::clone(engine), organisation, runner) {
            Ok(local) => Some(local),
            Err(e) => {
                engine.trouble(
                    "the local socket",
                    Some(format!(
                        "commands from this machine cannot reach this phonedesk: {e}"
                    )),
                );
                None
            }
        };
        Ok(Background {
            tasks,
            hooks,
            local,
        })
    }

    /// The socket other processes' commands reach the engine on, when it is open.
    pub fn socket(&self) -> Option<&std::path::Path> {
        self.local.as_ref().map(LocalServer::socket)
    }

    /// Stops taking commands on the socket (waiting a little for those running), stops the
    /// tasks, and lets the hooks finish what they were handed.
    pub async fn stop(self) {
        if let Some(local) = self.local {
            local.stop(LOCAL_FINISH).await;
        }
        self.tasks.iter().for_each(JoinHandle::abort);
        let hooks = self.hooks;
        let _ = tokio::task::spawn_blocking(move || hooks.finish(HOOKS_FINISH)).await;
    }
}
