//! `phonedesk apply FILE.csv`: one change per number from a spreadsheet, with a report
//! per row (`crate::bulk` does the work, the console's bulk changes will share it).

use super::args::ApplyArgs;
use super::output::*;
use super::{CliError, Ctx, Res};
use crate::bulk::{self, RowResult};
use serde_json::json;

pub fn run(ctx: &mut Ctx, a: ApplyArgs) -> Res {
    // Over SSH a command never reads the server's files, and stdin is the session's.
    if !ctx.access.files {
        return Err(CliError::usage(
            "apply reads a file on this machine and is not available over SSH; run it where the file is",
        ));
    }
    let rows = if a.file.as_os_str() == "-" {
        let Some(input) = ctx.access.input.as_mut() else {
            return Err(CliError::usage(
                "apply - reads the rows from standard input, and this command has none",
            ));
        };
        bulk::read(input)
    } else {
        let file = std::fs::File::open(ctx.access.path(&a.file)).map_err(|e| {
            CliError::usage(format!(
                "cannot read {}: {}",
                one_line(&a.file.display().to_string()),
                crate::text::plain_io(&e)
            ))
        })?;
        bulk::read(file)
    }
    .map_err(|e| CliError::usage(e.to_string()))?;
    let now = ctx.now();
    let engine = ctx.engine;
    let actor = ctx.actor;
    let reports = {
        // One flush for the whole run, in `bulk::apply`, before the report.
        let mut dispatch = |action| ctx.act_unflushed(action).map_err(|e| e.message);
        bulk::apply(engine, actor, &rows, a.dry_run, now, &mut dispatch)
            .map_err(|e| CliError::refused(e.to_string()))?
    };
    let refused = reports
        .iter()
        .filter(|r| r.result == RowResult::Refused)
        .count();
    if ctx.json {
        ctx.print_json(&json!({
            "dry_run": a.dry_run,
            "rows": reports,
            "refused": refused,
        }))?;
    } else {
        let rows: Vec<Vec<String>> = reports
            .iter()
            .map(|r| {
                vec![
                    r.line.to_string(),
                    r.number.clone(),
                    r.result.word().to_string(),
                    r.message.clone(),
                ]
            })
            .collect();
        table(ctx.out, &["LINE", "NUMBER", "RESULT", "MESSAGE"], &rows)?;
        let done = reports
            .iter()
            .filter(|r| matches!(r.result, RowResult::Done | RowResult::Would))
            .count();
        let verb = if a.dry_run { "would be done" } else { "done" };
        writeln!(
            ctx.out,
            "{done} of {} {verb}, {refused} refused{}.",
            crate::domain::counted(reports.len() as u64, "row"),
            if refused > 0 && !a.dry_run {
                " (the others stay done)"
            } else {
                ""
            }
        )?;
    }
    if refused > 0 {
        return Err(CliError {
            answered: true,
            ..CliError::refused(match refused {
                1 => "1 row was refused".to_string(),
                n => format!("{n} rows were refused"),
            })
        });
    }
    Ok(())
}
