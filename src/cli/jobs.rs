//! `phonedesk jobs` and `phonedesk sync`: the remote carrier's outbox and the carrier's
//! truth, and the wait a command does for its own jobs.

use super::args::JobsCmd;
use super::{output, CliError, Ctx, Res};
use crate::carrier::worker::{self, Answered};
use crate::domain::{Action, JobId};
use crate::engine::Engine;
use crate::local_time::Shown;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// How long a command waits for its own jobs' answers before it leaves them to the
/// console, `serve` or the next command.
const WAIT: Duration = Duration::from_secs(120);

/// Runs an async carrier task from the CLI, whether or not a runtime is around (the SSH
/// server runs commands on its blocking threads).
pub(super) fn block_on<F>(f: F) -> Res<F::Output>
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    crate::carrier::block_on(f).ok_or_else(|| CliError::refused("cannot start the carrier worker"))
}

fn remote(engine: &Arc<Engine>) -> Res<Arc<dyn crate::carrier::api::CarrierApi>> {
    engine.remote().cloned().ok_or_else(|| {
        CliError::refused(
            "the simulated carrier has no jobs to send: set [carrier] kind = \"chime-sdk-voice\" in the configuration to manage real numbers",
        )
    })
}

/// Sends ready jobs until these have their final answers.
pub fn wait_for(engine: &Arc<Engine>, jobs: &[JobId]) -> Res<Vec<Answered>> {
    let api = remote(engine)?;
    let settings = engine.worker_settings();
    let answers = block_on(worker::run_until_answered(
        engine,
        api.as_ref(),
        &settings,
        jobs,
        WAIT,
        &crate::engine::now,
    ))??;
    Ok(answers)
}

pub fn run(ctx: &mut Ctx, cmd: JobsCmd) -> Res {
    match cmd {
        JobsCmd::List => list(ctx),
        JobsCmd::Retry { job } => {
            let id = parse(&job)?;
            let o = ctx.act(Action::RetryJob { job: id })?;
            ctx.report(&o)
        }
        JobsCmd::Cancel { job } => {
            let id = parse(&job)?;
            let o = ctx.act(Action::CancelJob { job: id })?;
            ctx.report(&o)
        }
    }
}

fn parse(text: &str) -> Res<JobId> {
    JobId::parse(text).ok_or_else(|| {
        CliError::usage(format!(
            "“{}” is not a job id; job ids look like job-3",
            output::one_line(text)
        ))
    })
}

fn list(ctx: &mut Ctx) -> Res {
    let jobs = ctx.engine.store().jobs()?;
    if ctx.json {
        let items: Vec<_> = jobs
            .iter()
            .map(|j| {
                json!({
                    "id": j.id.to_string(),
                    "what": j.describe(),
                    "actor": j.actor,
                    "state": j.state.label(),
                    "detail": j.state_words(Shown::shown),
                    "attempts": j.attempts,
                    "created_at": j.created_at.rfc3339(),
                    "numbers": j.numbers.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
                })
            })
            .collect();
        return ctx.print_json(&json!(items));
    }
    if jobs.is_empty() {
        writeln!(ctx.out, "No carrier jobs.")?;
        return Ok(());
    }
    for j in &jobs {
        writeln!(
            ctx.out,
            "{:<8} {:<12} {}  ({})",
            j.id.to_string(),
            j.state.label(),
            output::one_line(&j.describe()),
            output::one_line(&j.state_words(Shown::shown))
        )?;
    }
    Ok(())
}

pub fn sync(ctx: &mut Ctx) -> Res {
    let api = remote(ctx.engine)?;
    // What waits to be sent goes first (changes made with --no-wait, orders to read), so
    // the sync sees the carrier after them.
    block_on(worker::run_ready_and_read_orders(
        ctx.engine,
        api.as_ref(),
        &ctx.engine.worker_settings(),
        &crate::engine::now,
    ))??;
    let report = block_on(crate::carrier::sync::sync(
        ctx.engine,
        api.as_ref(),
        &crate::engine::now,
    ))?
    .map_err(|e| CliError::refused(e.to_string()))?;
    if ctx.json {
        let mut answer = json!({
            "ok": true,
            "numbers": report.numbers,
            "changed": report.changed.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
            "gone": report.gone.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
            "directory": report.directory,
        });
        if !report.orders.is_empty() {
            answer["orders"] = json!(report.orders);
        }
        return ctx.print_json(&answer);
    }
    writeln!(
        ctx.out,
        "The carrier holds {} numbers: {} changed outside phonedesk, {} gone. {}",
        report.numbers,
        report.changed.len(),
        report.gone.len(),
        output::one_line(&report.directory)
    )?;
    if !report.orders.is_empty() {
        writeln!(ctx.out, "{}", output::one_line(&report.orders))?;
    }
    Ok(())
}
