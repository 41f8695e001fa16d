//! Numbers as other programs read them: the JSON record of `numbers list --json` and
//! `export`, and the CSV of `export` and of the console's export (`e` on Inventory). One
//! CSV writer serves both front ends; its cells pass `text::csv::cell`, so a spreadsheet
//! never runs a label or a name as a formula, and JSON leaves through `text::json`.

use crate::domain::*;
use crate::engine::Engine;
use crate::store::StoreError;
use crate::text;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;

pub fn place_name(p: Place) -> &'static str {
    match p {
        Place::Pending => "pending",
        Place::Inventory => "inventory",
        Place::DeletionQueue => "deletion-queue",
    }
}

pub fn ts(t: Option<Timestamp>) -> Value {
    t.map(|t| Value::String(t.rfc3339())).unwrap_or(Value::Null)
}

/// The directory, read once per command to put names on ids.
pub struct Names {
    pub accounts: HashMap<AccountId, Account>,
    pub users: HashMap<UserId, User>,
    pub connectors: HashMap<VoiceConnectorId, VoiceConnector>,
    pub groups: HashMap<GroupId, VoiceConnectorGroup>,
    pub sip_media_apps: HashMap<SmaId, SipMediaApp>,
}

impl Names {
    pub fn load(engine: &Engine) -> Result<Names, StoreError> {
        let s = engine.store();
        Ok(Names {
            accounts: s
                .accounts()?
                .into_iter()
                .map(|a| (a.id.clone(), a))
                .collect(),
            users: s.users()?.into_iter().map(|u| (u.id.clone(), u)).collect(),
            connectors: s
                .voice_connectors()?
                .into_iter()
                .map(|v| (v.id.clone(), v))
                .collect(),
            groups: s.groups()?.into_iter().map(|g| (g.id.clone(), g)).collect(),
            sip_media_apps: s
                .sip_media_apps()?
                .into_iter()
                .map(|a| (a.id.clone(), a))
                .collect(),
        })
    }

    pub fn assignee_name(&self, a: &Assignee) -> String {
        let name = match a {
            Assignee::User { user, .. } => self.users.get(user).map(|u| u.name.clone()),
            Assignee::VoiceConnector(id) => self.connectors.get(id).map(|v| v.name.clone()),
            Assignee::VoiceConnectorGroup(id) => self.groups.get(id).map(|g| g.name.clone()),
            Assignee::SipMediaApplication(id) => {
                self.sip_media_apps.get(id).map(|a| a.name.clone())
            }
        };
        name.unwrap_or_else(|| a.key())
    }

    pub fn assignee_json(&self, a: &Assignee) -> Value {
        let kind = match a {
            Assignee::User { .. } => "user",
            Assignee::VoiceConnector(_) => "voice_connector",
            Assignee::VoiceConnectorGroup(_) => "voice_connector_group",
            Assignee::SipMediaApplication(_) => "sip_media_application",
        };
        let mut v = json!({ "kind": kind, "id": a.key(), "name": self.assignee_name(a) });
        if let Assignee::User { account, .. } = a {
            v["account"] = json!(account.as_str());
            v["account_name"] = json!(self.accounts.get(account).map(|a| a.name.as_str()));
        }
        v
    }

    /// "Ana Lima (user-1)".
    pub fn assignee_label(&self, a: &Assignee) -> String {
        format!("{} ({})", self.assignee_name(a), a.key())
    }
}

/// Whether calls and SMS are on for a number: a Business Calling number follows its
/// user's permissions; a Voice Connector number follows its capabilities once assigned.
pub fn calls_and_sms(p: &PhoneNumber, names: &Names) -> (bool, bool) {
    let user = match p.assignee() {
        Some(Assignee::User { user, .. }) => names.users.get(user),
        _ => None,
    };
    p.calls_and_sms_enabled(user)
}

pub fn name_status(s: CallingNameStatus) -> String {
    format!("{s:?}")
}

/// A number as scripts see it.
pub fn number_json(engine: &Engine, names: &Names, p: &PhoneNumber) -> Value {
    let (calls, sms) = calls_and_sms(p, names);
    let reason = match &p.status {
        NumberStatus::AcquireFailed { reason } => Some(reason.clone()),
        _ => None,
    };
    json!({
        "number": p.number.as_str(),
        "number_type": match p.number_type { NumberType::Local => "Local", NumberType::TollFree => "TollFree" },
        "product_type": p.product_type.api_name(),
        "status": p.status_name(),
        "place": place_name(p.place()),
        "assigned_to": p.assignee().map(|a| names.assignee_json(a)),
        "calls_enabled": calls,
        "sms_enabled": sms,
        "capabilities": {
            "inbound_call": p.capabilities.inbound_call,
            "outbound_call": p.capabilities.outbound_call,
            "inbound_sms": p.capabilities.inbound_sms,
            "outbound_sms": p.capabilities.outbound_sms,
        },
        "calling_name": p.calling_name.shown().map(|n| n.as_str()),
        "calling_name_status": name_status(p.calling_name.status),
        "calling_name_completes_at": ts(p.calling_name.pending.as_ref().map(|x| x.completes_at)),
        "label": p.label,
        "location": engine.carrier().place_of(&p.number),
        "order": p.order.as_ref().map(|o| o.as_str()),
        "port_request": p.port_request.as_ref().map(|r| r.as_str()),
        "ported_out": p.ported_out,
        "failure_reason": reason,
        "deleted_at": ts(p.deleted_at()),
        "restorable_until": ts(p.restorable_until()),
        "created_at": p.created_at.rfc3339(),
        "updated_at": p.updated_at.rfc3339(),
    })
}

/// The CSV columns, in order.
pub const CSV_HEADERS: [&str; 17] = [
    "number",
    "number_type",
    "product_type",
    "status",
    "place",
    "assigned_to_kind",
    "assigned_to_id",
    "assigned_to_name",
    "calls_enabled",
    "sms_enabled",
    "calling_name",
    "calling_name_status",
    "label",
    "location",
    "order",
    "deleted_at",
    "updated_at",
];

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write the CSV: {}", text::plain_io(.0))]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Numbers as CSV rows, a header first; each cell safe for a spreadsheet.
pub struct CsvWriter<W: Write> {
    csv: csv::Writer<W>,
    rows: usize,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W) -> Result<Self, ExportError> {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(CSV_HEADERS)?;
        Ok(CsvWriter { csv, rows: 0 })
    }

    /// One number: the fields of its JSON record, flattened.
    pub fn number(
        &mut self,
        engine: &Engine,
        names: &Names,
        p: &PhoneNumber,
    ) -> Result<(), ExportError> {
        self.record(&number_json(engine, names, p))
    }

    /// One record shaped as `number_json`'s.
    pub fn record(&mut self, r: &Value) -> Result<(), ExportError> {
        let field = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let a = &r["assigned_to"];
        let cells = CSV_HEADERS.map(|h| match h.strip_prefix("assigned_to_") {
            Some(k) => field(a.get(k).unwrap_or(&Value::Null)),
            None => field(&r[h]),
        });
        self.csv
            .write_record(cells.iter().map(|c| text::csv::cell(c).into_owned()))?;
        self.rows += 1;
        Ok(())
    }

    /// The rows written, and the output back.
    pub fn finish(self) -> Result<(usize, W), ExportError> {
        let rows = self.rows;
        let out = self
            .csv
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))?;
        Ok((rows, out))
    }
}

/// An assignee as the history shows it: "voice connector Main trunk".
pub fn assignee_words(names: &Names, a: &Assignee) -> String {
    format!("{} {}", a.kind_label(), names.assignee_name(a))
}

/// One audit entry for scripts (`audit --json`, `history --json`): its changes field by
/// field, with assignees named as they are today.
pub fn audit_json(names: &Names, e: &crate::store::AuditEntry) -> Value {
    let assignee = |a: &Option<Assignee>| match a {
        Some(a) => names.assignee_json(a),
        None => Value::Null,
    };
    let changes: Vec<Value> = e
        .changes
        .iter()
        .map(|c| {
            let (before, after) = match &c.change {
                NumberChange::Added { status } => (Value::Null, json!(status)),
                NumberChange::Removed { status } => (json!(status), Value::Null),
                NumberChange::Status { before, after }
                | NumberChange::NameStatus { before, after } => (json!(before), json!(after)),
                NumberChange::Assignee { before, after } => (assignee(before), assignee(after)),
                NumberChange::ProductType { before, after } => {
                    (json!(before.label()), json!(after.label()))
                }
                NumberChange::Label { before, after } => (json!(before), json!(after)),
                NumberChange::CallingName { before, after } => (
                    json!(before.as_ref().map(|n| n.to_string())),
                    json!(after.as_ref().map(|n| n.to_string())),
                ),
            };
            json!({
                "number": c.number.as_str(),
                "field": c.change.field(),
                "before": before,
                "after": after,
            })
        })
        .collect();
    json!({
        "seq": e.seq,
        "at": e.at.rfc3339(),
        "actor": e.actor,
        "role": e.role.label(),
        "action": e.action,
        "detail": e.detail,
        "result": e.result,
        "ok": e.ok,
        "numbers": e.numbers.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        "changes": changes,
    })
}

/// How the history names what it shows: assignees and numbers, each front end its own way
/// (the console names a number as people write it, the CLI as E.164).
pub struct Namer<'a> {
    pub assignee: &'a dyn Fn(&Assignee) -> String,
    pub number: &'a dyn Fn(&E164) -> String,
}

/// What changed, in words: "+12065550123 assignee: none → voice connector Main trunk; …",
/// each number named once before its fields; only `only`'s fields, without naming it,
/// for one number's own history.
pub fn changes_text(namer: &Namer, changes: &[FieldChange], only: Option<&E164>) -> String {
    let mut out = String::new();
    let mut last: Option<&E164> = None;
    for c in changes
        .iter()
        .filter(|c| only.is_none_or(|n| c.number == *n))
    {
        if last != Some(&c.number) {
            if !out.is_empty() {
                out.push_str("; ");
            }
            if only.is_none() {
                out.push_str(&(namer.number)(&c.number));
                out.push(' ');
            }
            last = Some(&c.number);
        } else {
            out.push_str(", ");
        }
        out.push_str(&c.change.words(namer.assignee));
    }
    out
}

/// An entry in one line: what changed; else, for a refused action, why; else the
/// action's words without its name in front (the action is shown beside it).
pub fn audit_summary(namer: &Namer, e: &crate::store::AuditEntry, only: Option<&E164>) -> String {
    let changed = changes_text(namer, &e.changes, only);
    // A sync applies what was done at the carrier (the AWS console, another tool).
    if !changed.is_empty() && e.actor == Actor::carrier().name && e.action.starts_with("sync ") {
        return format!("changed outside phonedesk: {changed}");
    }
    if !changed.is_empty() {
        return changed;
    }
    if !e.ok {
        return e.result.clone();
    }
    e.detail
        .strip_prefix(e.action.as_str())
        .map(str::trim_start)
        .unwrap_or(&e.detail)
        .to_string()
}

/// The audit log's CSV columns.
pub const AUDIT_CSV_HEADERS: [&str; 9] = [
    "seq", "at", "actor", "role", "action", "ok", "numbers", "changes", "result",
];

/// Audit entries as CSV, every cell made safe for a spreadsheet.
pub fn audit_csv<W: Write>(
    out: W,
    names: &Names,
    entries: &[crate::store::AuditEntry],
) -> Result<W, ExportError> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(AUDIT_CSV_HEADERS)?;
    for e in entries {
        let numbers: Vec<&str> = e.numbers.iter().map(|n| n.as_str()).collect();
        let cells = [
            e.seq.to_string(),
            e.at.rfc3339(),
            e.actor.clone(),
            e.role.label().to_string(),
            e.action.clone(),
            e.ok.to_string(),
            numbers.join(" "),
            changes_text(
                &Namer {
                    assignee: &|a| assignee_words(names, a),
                    number: &|n| n.to_string(),
                },
                &e.changes,
                None,
            ),
            e.result.clone(),
        ];
        csv.write_record(cells.iter().map(|c| text::csv::cell(c).into_owned()))?;
    }
    csv.into_inner()
        .map_err(|e| ExportError::Io(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cell_is_safe_and_numbers_stay_whole() {
        let record = json!({
            "number": "+12065550123",
            "label": "=HYPERLINK(\"http://evil.example/?x\",\"Click\")",
            "assigned_to": { "kind": "user", "id": "user-1", "name": "@SUM(1+1)*cmd|' /C calc'!A0" },
            "calling_name": "+1+cmd|' /C calc'!A0",
            "location": "Seattle, WA\u{1b}[2J",
            "calls_enabled": true,
        });
        let mut w = CsvWriter::new(Vec::new()).unwrap();
        w.record(&record).unwrap();
        let (rows, bytes) = w.finish().unwrap();
        assert_eq!(rows, 1);
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        let cell = |name: &str| {
            let i = CSV_HEADERS.iter().position(|h| *h == name).unwrap();
            row[i].to_string()
        };
        assert_eq!(cell("number"), "+12065550123");
        assert_eq!(
            cell("label"),
            "'=HYPERLINK(\"http://evil.example/?x\",\"Click\")"
        );
        assert_eq!(cell("assigned_to_name"), "'@SUM(1+1)*cmd|' /C calc'!A0");
        assert_eq!(cell("calling_name"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(cell("location"), "Seattle, WA\\u{1b}[2J");
        assert_eq!(cell("calls_enabled"), "true");
        assert_eq!(cell("order"), "");
    }
}
