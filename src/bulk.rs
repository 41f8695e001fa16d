//! Bulk work: one change per number from a CSV file (`phonedesk apply`), checked row by
//! row against the rules and applied in batches that are each one action through the
//! engine. A row's refusal never undoes the others; the report says what happened to
//! every row.
//!
//! The file has a header and the columns `number,change,value`:
//! `assign`/`reassign` (value `vc:NAME`, `group:NAME`, `sma:NAME` or `user:NAME`, by id
//! or name), `unassign`, `label` (value: the label, empty clears it), `product-type`
//! (`vc` or `bc`), `calling-name` (empty clears it), `delete`.

use crate::domain::*;
use crate::engine::{Engine, EngineError};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;

/// Rows sent as one action at most (the API's batch calls take up to 500 numbers... and
/// one refusal found late costs one batch re-run row by row).
const BATCH: usize = 500;

/// One row of the file, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The file's line (the header is line 1).
    pub line: usize,
    pub number: String,
    pub change: String,
    pub value: String,
}

/// What a row asks for, once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Assign(Assignee),
    Reassign(Assignee),
    Unassign,
    Label(Option<String>),
    ProductType(ProductType),
    CallingName(Option<CallingName>),
    Delete,
}

impl Change {
    /// The action for `numbers` (several only for the changes the rules take in batches).
    fn action(&self, numbers: Vec<E164>) -> Action {
        match self {
            Change::Assign(to) => Action::Assign {
                numbers,
                to: to.clone(),
            },
            Change::Reassign(to) => Action::Reassign {
                numbers,
                to: to.clone(),
            },
            Change::Unassign => Action::Unassign { numbers },
            Change::ProductType(p) => Action::SwitchProductType {
                numbers,
                product_type: *p,
            },
            Change::Delete => Action::Delete { numbers },
            Change::Label(label) => Action::SetLabel {
                number: numbers[0].clone(),
                label: label.clone(),
            },
            Change::CallingName(name) => Action::SetUniqueCallingName {
                number: numbers[0].clone(),
                name: name.clone(),
            },
        }
    }

    fn batches(&self) -> bool {
        !matches!(self, Change::Label(_) | Change::CallingName(_))
    }
}

/// How a row ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowResult {
    Done,
    /// `--dry-run`: the rules would accept it now.
    Would,
    Refused,
    Skipped,
}

impl RowResult {
    pub fn word(&self) -> &'static str {
        match self {
            RowResult::Done => "done",
            RowResult::Would => "would do",
            RowResult::Refused => "refused",
            RowResult::Skipped => "skipped",
        }
    }
}

/// What happened to one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub line: usize,
    pub number: String,
    pub result: RowResult,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    #[error("the file is not CSV: {0}")]
    Csv(String),
    #[error("the file's header must be number,change,value (value may be left out), not “{0}”")]
    Header(String),
    #[error("the file has no rows")]
    Empty,
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Reads the rows of a CSV file.
pub fn read(input: impl Read) -> Result<Vec<Row>, BulkError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let header = csv
        .headers()
        .map_err(|e| BulkError::Csv(e.to_string()))?
        .clone();
    let names: Vec<String> = header.iter().map(|h| h.to_ascii_lowercase()).collect();
    if names.len() < 2 || names[0] != "number" || names[1] != "change" {
        return Err(BulkError::Header(
            crate::text::one_line(&names.join(",")).into_owned(),
        ));
    }
    let mut rows = Vec::new();
    for (i, record) in csv.records().enumerate() {
        let record = record.map_err(|e| BulkError::Csv(e.to_string()))?;
        let cell = |k: usize| record.get(k).unwrap_or("").to_string();
        rows.push(Row {
            line: record.position().map_or(i + 2, |p| p.line() as usize),
            number: cell(0),
            change: cell(1),
            value: cell(2),
        });
    }
    if rows.is_empty() {
        return Err(BulkError::Empty);
    }
    Ok(rows)
}

/// A row's number and change, or why it cannot be read.
fn understand(row: &Row, lists: &DirectoryLists) -> Result<(E164, Change), String> {
    let number = E164::parse(&row.number).map_err(|e| e.to_string())?;
    let value = row.value.trim();
    let assignee = || -> Result<Assignee, String> {
        let (kind, name) = value.split_once(':').ok_or_else(|| {
            format!("say whom to as vc:NAME, group:NAME, sma:NAME or user:NAME, not “{value}”")
        })?;
        let kind = AssigneeKind::parse(kind)
            .ok_or_else(|| format!("“{}” is not vc, group, sma or user", kind.trim()))?;
        lists.assignee(kind, name).map_err(|e| e.to_string())
    };
    let change = match row.change.trim().to_ascii_lowercase().as_str() {
        "assign" => Change::Assign(assignee()?),
        "reassign" => Change::Reassign(assignee()?),
        "unassign" => Change::Unassign,
        "label" => Change::Label((!value.is_empty()).then(|| value.to_string())),
        "product-type" => Change::ProductType(ProductType::read(value)?),
        "calling-name" => {
            Change::CallingName(CallingName::parse(value).map_err(|e| e.to_string())?)
        }
        "delete" => Change::Delete,
        other => {
            return Err(format!(
                "“{other}” is not a change: assign, reassign, unassign, label, product-type, calling-name or delete"
            ))
        }
    };
    Ok((number, change))
}

/// Checks (`dry_run`) or applies every row; a report per row, in the file's order.
pub fn apply(
    engine: &Engine,
    actor: &Actor,
    rows: &[Row],
    dry_run: bool,
    now: Timestamp,
    dispatch: &mut dyn FnMut(Action) -> Result<Outcome, String>,
) -> Result<Vec<Report>, BulkError> {
    let store = engine.store();
    let (users, connectors, groups, apps) = (
        store.users().map_err(EngineError::from)?,
        store.voice_connectors().map_err(EngineError::from)?,
        store.groups().map_err(EngineError::from)?,
        store.sip_media_apps().map_err(EngineError::from)?,
    );
    let lists = DirectoryLists {
        users: &users,
        connectors: &connectors,
        groups: &groups,
        apps: &apps,
    };
    let mut reports: Vec<Option<Report>> = vec![None; rows.len()];
    let report = |row: &Row, result: RowResult, message: String| Report {
        line: row.line,
        number: row.number.clone(),
        result,
        message,
    };
    // Read every row; a number twice is done once, at its first row.
    let mut wanted: Vec<(usize, E164, Change)> = Vec::new();
    let mut first_row: HashMap<E164, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        match understand(row, &lists) {
            Err(why) => reports[i] = Some(report(row, RowResult::Refused, why)),
            Ok((n, change)) => match first_row.get(&n) {
                Some(first) => {
                    reports[i] = Some(report(
                        row,
                        RowResult::Skipped,
                        format!("{n} is already changed by line {}", rows[*first].line),
                    ))
                }
                None => {
                    first_row.insert(n.clone(), i);
                    wanted.push((i, n, change));
                }
            },
        }
    }
    // Each row is checked alone against the rules; the accepted ones of a run of equal
    // changes go as one action.
    let mut k = 0;
    while k < wanted.len() {
        let change = wanted[k].2.clone();
        let mut end = k + 1;
        while change.batches() && end < wanted.len() && wanted[end].2 == change && end - k < BATCH {
            end += 1;
        }
        let mut batch: Vec<(usize, E164)> = Vec::new();
        for (i, n, c) in &wanted[k..end] {
            let row = &rows[*i];
            match engine.precheck(actor, &c.action(vec![n.clone()]), now) {
                Err(e) => reports[*i] = Some(report(row, RowResult::Refused, e.to_string())),
                Ok(()) if dry_run => {
                    reports[*i] = Some(report(
                        row,
                        RowResult::Would,
                        c.action(vec![n.clone()]).describe(),
                    ))
                }
                Ok(()) => batch.push((*i, n.clone())),
            }
        }
        if !batch.is_empty() {
            let numbers: Vec<E164> = batch.iter().map(|(_, n)| n.clone()).collect();
            match dispatch(change.action(numbers)) {
                Ok(o) => {
                    for (i, _) in &batch {
                        reports[*i] = Some(report(&rows[*i], RowResult::Done, o.message.clone()));
                    }
                }
                // Refused whole after the rows passed alone: each row on its own.
                Err(_) => {
                    for (i, n) in &batch {
                        let (result, message) = match dispatch(change.action(vec![n.clone()])) {
                            Ok(o) => (RowResult::Done, o.message),
                            Err(why) => (RowResult::Refused, why),
                        };
                        reports[*i] = Some(report(&rows[*i], result, message));
                    }
                }
            }
        }
        k = end;
    }
    // The caller may have dispatched without flushing (`Engine::dispatch_unflushed`):
    // nothing is reported done before it is on disk.
    if !dry_run {
        store.flush().map_err(EngineError::from)?;
    }
    Ok(reports.into_iter().flatten().collect())
}
