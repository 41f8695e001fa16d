//! The audit log and one number's history: `audit` with its filters (table, `--json`,
//! `--csv`) and `history NUMBER`, a timeline of who did what to it and what it was before.

use super::args::{AuditArgs, HistoryArgs, UndoArgs};
use super::output::*;
use super::{CliError, Ctx, Res};
use crate::domain::E164;
use crate::export::{assignee_words, audit_csv, audit_json, audit_summary, Namer};
use crate::local_time::{self, Shown};
use crate::store::{AuditEntry, AuditQuery};
use serde_json::json;

fn when(text: &Option<String>, flag: &str) -> Res<Option<crate::domain::Timestamp>> {
    let Some(text) = text else { return Ok(None) };
    local_time::read(text).map(Some).ok_or_else(|| {
        CliError::usage(format!(
            "--{flag} “{}” is not a time: write {}",
            one_line(text),
            local_time::how_to_write()
        ))
    })
}

fn query(a: &AuditArgs) -> Res<AuditQuery> {
    let text = |t: &Option<String>| t.as_ref().map(|t| t.trim().to_string());
    let q = AuditQuery {
        number: a.number.as_deref().map(number_to_look_up).transpose()?,
        actor: text(&a.actor),
        action: text(&a.action),
        since: when(&a.since, "since")?,
        until: when(&a.until, "until")?,
        failed: a.failed,
    };
    if let (Some(since), Some(until)) = (q.since, q.until) {
        if since >= until {
            return Err(CliError::usage(
                "--since must be before --until: nothing is between them",
            ));
        }
    }
    Ok(q)
}

/// A number to look up: its form checked, not libphonenumber's validity (see
/// `E164::parse_to_look_up`).
fn number_to_look_up(text: &str) -> Res<E164> {
    E164::parse_to_look_up(text).map_err(|e| CliError::usage(e.to_string()))
}

pub fn audit(ctx: &mut Ctx, a: AuditArgs) -> Res {
    if a.csv && ctx.json {
        return Err(CliError::usage("choose --csv or --json, not both"));
    }
    let q = query(&a)?;
    let entries = ctx.engine.store().audit_query(&q, a.limit)?;
    let names = Names::load(ctx.engine)?;
    if ctx.json {
        let v: Vec<_> = entries.iter().map(|e| audit_json(&names, e)).collect();
        return ctx.print_json(&json!(v));
    }
    if a.csv {
        let bytes = audit_csv(Vec::new(), &names, &entries)
            .map_err(|e| CliError::refused(e.to_string()))?;
        ctx.out.write_all(&bytes)?;
        return Ok(());
    }
    if entries.is_empty() {
        let words = if q == AuditQuery::default() {
            "The audit log is empty."
        } else {
            "No audit entries match."
        };
        writeln!(ctx.out, "{words}")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = entries.iter().map(|e| row(&names, e, None)).collect();
    table(
        ctx.out,
        &["WHEN", "WHO", "ACTION", "RESULT", "WHAT CHANGED"],
        &rows,
    )
}

/// A table row: what changed (only `number`'s fields when given), else why it was
/// refused, else the action's own words.
fn row(names: &Names, e: &AuditEntry, number: Option<&E164>) -> Vec<String> {
    let namer = Namer {
        assignee: &|a| assignee_words(names, a),
        number: &|n| n.to_string(),
    };
    vec![
        e.at.shown(),
        e.actor.clone(),
        e.action.clone(),
        if e.ok { "ok" } else { "refused" }.into(),
        audit_summary(&namer, e, number),
    ]
}

pub fn history(ctx: &mut Ctx, a: HistoryArgs) -> Res {
    let number = number_to_look_up(&a.number)?;
    let entries = ctx.engine.store().history(&number, a.limit)?;
    let names = Names::load(ctx.engine)?;
    if ctx.json {
        let v: Vec<_> = entries.iter().map(|e| audit_json(&names, e)).collect();
        return ctx.print_json(&json!({ "number": number.as_str(), "entries": v }));
    }
    if entries.is_empty() {
        writeln!(
            ctx.out,
            "Nothing is recorded about {} (the history starts with this version of phonedesk).",
            number.national()
        )?;
        return Ok(());
    }
    writeln!(ctx.out, "History of {} ({})", number.national(), number)?;
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| row(&names, e, Some(&number)))
        .collect();
    table(
        ctx.out,
        &["WHEN", "WHO", "ACTION", "RESULT", "WHAT CHANGED"],
        &rows,
    )
}

pub fn undo(ctx: &mut Ctx, a: UndoArgs) -> Res {
    if a.list {
        let now = ctx.now();
        let listed = ctx.engine.undoable(ctx.actor, now)?;
        let names = Names::load(ctx.engine)?;
        if ctx.json {
            let v: Vec<_> = listed
                .iter()
                .map(|(e, refused)| {
                    let mut v = audit_json(&names, e);
                    v["can_undo"] = json!(refused.is_none());
                    v["refused"] = json!(refused);
                    v
                })
                .collect();
            return ctx.print_json(&json!(v));
        }
        if listed.is_empty() {
            writeln!(
                ctx.out,
                "Nothing of yours can be undone: no change of yours in the undo window."
            )?;
            return Ok(());
        }
        let rows: Vec<Vec<String>> = listed
            .iter()
            .map(|(e, refused)| {
                let mut r = row(&names, e, None);
                r.insert(0, e.seq.to_string());
                r.remove(4); // the result: every listed entry was accepted
                r.push(match refused {
                    None => "yes".into(),
                    Some(why) => format!("no: {why}"),
                });
                r
            })
            .collect();
        return table(
            ctx.out,
            &["ENTRY", "WHEN", "WHO", "ACTION", "WHAT CHANGED", "CAN UNDO"],
            &rows,
        );
    }
    let now = ctx.now();
    let o = ctx.engine.undo(ctx.actor, a.entry, now)?;
    let o = ctx.follow(o)?;
    ctx.report(&o)
}
