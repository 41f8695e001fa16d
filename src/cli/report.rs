//! Reports and upkeep: the audit log, exports, the consistency check, due work.

use super::args::*;
use super::numbers::select;
use super::output::*;
use super::{CliError, Ctx, Res};
use crate::export::{CsvWriter, ExportError};
use crate::local_time::Shown;
use serde_json::json;

pub fn export(ctx: &mut Ctx, a: ExportArgs) -> Res {
    let format = a.format.trim().to_ascii_lowercase();
    if format != "csv" && format != "json" {
        return Err(CliError::usage(format!(
            "--format is csv or json, not “{}”",
            one_line(&a.format)
        )));
    }
    if a.output.is_some() && !ctx.access.files {
        return Err(CliError::usage(
            "--output writes files on the server and is not available here; export to stdout",
        ));
    }
    let filter = super::args::ListArgs {
        place: a.place.clone(),
        ..Default::default()
    };
    let numbers = select(ctx, &filter)?;
    let names = Names::load(ctx.engine)?;
    let (count, bytes) = if format == "json" {
        let records: Vec<serde_json::Value> = numbers
            .iter()
            .map(|p| number_json(ctx.engine, &names, p))
            .collect();
        let mut text =
            crate::text::json::pretty(&records).map_err(|e| CliError::refused(e.to_string()))?;
        text.push('\n');
        (numbers.len(), text.into_bytes())
    } else {
        let err = |e: ExportError| CliError::refused(e.to_string());
        let mut w = CsvWriter::new(Vec::new()).map_err(err)?;
        for p in &numbers {
            w.number(ctx.engine, &names, p).map_err(err)?;
        }
        w.finish().map_err(err)?
    };
    match &a.output {
        Some(path) => {
            std::fs::write(ctx.access.path(path), &bytes).map_err(|e| {
                CliError::refused(format!(
                    "cannot write {}: {}",
                    path.display(),
                    crate::text::plain_io(&e)
                ))
            })?;
            let msg = format!("Exported {} numbers to {}.", count, path.display());
            if ctx.json {
                ctx.print_json(&json!({ "ok": true, "message": msg, "count": count, "path": path }))
            } else {
                writeln!(ctx.out, "{msg}")?;
                Ok(())
            }
        }
        None => {
            ctx.out.write_all(&bytes)?;
            Ok(())
        }
    }
}

/// The invariants and indexes (problems: exit 1), and warnings that leave the data sound
/// (more numbers held than a lowered `[inventory] limit` allows: exit 0).
pub fn check(ctx: &mut Ctx) -> Res {
    let problems = ctx.engine.check()?;
    let store = ctx.engine.store();
    let numbers = store.all_numbers()?;
    let policy = ctx.engine.policy();
    let warnings: Vec<String> = crate::domain::invariants::over_limit(&numbers, policy)
        .map(|w| {
            format!("{w}: no number can be ordered, ported in or restored until numbers are deleted or the limit is raised")
        })
        .into_iter()
        .collect();
    if ctx.json {
        ctx.print_json(&json!({
            "ok": problems.is_empty(),
            "problems": problems,
            "warnings": warnings,
        }))?;
    } else {
        if problems.is_empty() {
            writeln!(
                ctx.out,
                "The database is sound: {} numbers, {} held of {}.",
                numbers.len(),
                store.held(),
                policy.inventory_limit
            )?;
        }
        for p in &problems {
            writeln!(ctx.out, "{}", one_line(p))?;
        }
        for w in &warnings {
            writeln!(ctx.out, "Warning: {}", one_line(w))?;
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let mut e = CliError::refused(format!("the check found {} problem(s)", problems.len()));
        e.answered = ctx.json;
        Err(e)
    }
}

pub fn run_due(ctx: &mut Ctx) -> Res {
    let ran = ctx.engine.run_due_for(ctx.actor, ctx.now())?;
    let next = ctx.engine.store().next_due();
    if ctx.json {
        return ctx.print_json(&json!({ "ok": true, "completed": ran, "next_due_at": ts(next) }));
    }
    match ran {
        0 => writeln!(ctx.out, "Nothing was due.")?,
        n => writeln!(ctx.out, "Completed {n} due item(s).")?,
    }
    if let Some(t) = next {
        writeln!(
            ctx.out,
            "Next due work: {} (in {}).",
            t.shown(),
            left(ctx.now(), t)
        )?;
    }
    Ok(())
}

/// Every record, in Rust's debugging form: for support and for tests that check that a
/// refused action changed nothing. Secrets print masked; hidden characters (in a masked
/// secret too) print escaped. Administrators only.
pub fn dump(ctx: &mut Ctx) -> Res {
    if ctx.actor.role != crate::domain::Role::Admin {
        return Err(CliError::refused(
            "only administrators can dump the database",
        ));
    }
    let s = ctx.engine.store();
    let mut line =
        |what: &str, records: String| writeln!(ctx.out, "{what}: {}", one_line(&records));
    line("numbers", format!("{:?}", s.all_numbers()?))?;
    line("orders", format!("{:?}", s.orders()?))?;
    line("accounts", format!("{:?}", s.accounts()?))?;
    line("users", format!("{:?}", s.users()?))?;
    line("voice connectors", format!("{:?}", s.voice_connectors()?))?;
    line("groups", format!("{:?}", s.groups()?))?;
    line("requests", format!("{:?}", s.requests()?))?;
    line("settings", format!("{:?}", s.settings()?))?;
    line("due", format!("{:?}", s.scheduled()?))?;
    Ok(())
}
