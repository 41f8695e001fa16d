//! Shared output: tables for people, JSON shapes for scripts, and the parsing of the few
//! values the domain has no parser for (on/off, places, ids). Anything read from the store
//! is stripped of control characters before it reaches a terminal.

use super::{CliError, Res};
use crate::domain::*;
use crate::engine::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

/// Untrusted text made safe for a terminal: control characters dropped.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect()
}

/// One line, for error messages.
pub fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// A plain table: a header row, columns padded to their widest cell.
pub fn table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) -> Res {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let last = cells.len().saturating_sub(1);
        cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                if i == last {
                    c
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(
        out,
        "{}",
        line(headers.iter().map(|h| h.to_string()).collect())
    )?;
    for r in rows {
        writeln!(out, "{}", line(r.iter().map(|c| one_line(c)).collect()))?;
    }
    Ok(())
}

/// `key: value` lines with the keys aligned.
pub fn fields(out: &mut dyn Write, pairs: &[(&str, String)]) -> Res {
    let w = pairs
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        + 1;
    for (k, v) in pairs {
        writeln!(out, "{:<w$} {}", format!("{k}:"), clean(v), w = w)?;
    }
    Ok(())
}

pub fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

pub fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

pub fn parse_on_off(text: &str, what: &str) -> Res<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "on" | "yes" | "true" | "1" => Ok(true),
        "off" | "no" | "false" | "0" => Ok(false),
        _ => Err(CliError::usage(format!(
            "{what} is on or off, not “{}”",
            one_line(text)
        ))),
    }
}

pub fn parse_numbers(texts: &[String]) -> Res<Vec<E164>> {
    texts.iter().map(|t| parse_number(t)).collect()
}

/// A phone number as typed; one that cannot be read as E.164 is a usage error (exit 2), as
/// every value that does not parse. Whether it is one of yours is the domain's to say.
pub fn parse_number(text: &str) -> Res<E164> {
    E164::parse(text).map_err(|e| CliError::usage(e.to_string()))
}

pub fn parse_product(text: &str) -> Res<ProductType> {
    ProductType::parse(text).ok_or_else(|| {
        CliError::usage(format!(
            "“{}” is not a product type: use BusinessCalling (bc) or VoiceConnector (vc)",
            one_line(text)
        ))
    })
}

pub fn parse_place(text: &str) -> Res<Place> {
    match text
        .trim()
        .to_ascii_lowercase()
        .replace(['_', ' '], "-")
        .as_str()
    {
        "pending" => Ok(Place::Pending),
        "inventory" => Ok(Place::Inventory),
        "deletion-queue" | "deletion" | "deleted" => Ok(Place::DeletionQueue),
        _ => Err(CliError::usage(format!(
            "“{}” is not a place: use pending, inventory or deletion-queue",
            one_line(text)
        ))),
    }
}

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

/// "in 2 h 3 m" style countdown from `now` to `at`.
pub fn left(now: Timestamp, at: Timestamp) -> String {
    format_duration(now.until(at))
}

pub fn outcome_json(o: &Outcome) -> Value {
    json!({
        "ok": true,
        "message": o.message,
        "note": o.note,
        "takes_effect_at": ts(o.takes_effect_at),
        "order": o.order.as_ref().map(|x| x.as_str()),
        "request": o.request.as_ref().map(|x| x.as_str()),
        "created": o.created,
        "numbers": o.numbers.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
    })
}

/// The directory, read once per command to put names on ids.
pub struct Names {
    pub accounts: HashMap<AccountId, Account>,
    pub users: HashMap<UserId, User>,
    pub connectors: HashMap<VoiceConnectorId, VoiceConnector>,
    pub groups: HashMap<GroupId, VoiceConnectorGroup>,
}

impl Names {
    pub fn load(engine: &Engine) -> Res<Names> {
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
        })
    }

    pub fn assignee_name(&self, a: &Assignee) -> String {
        let name = match a {
            Assignee::User { user, .. } => self.users.get(user).map(|u| u.name.clone()),
            Assignee::VoiceConnector(id) => self.connectors.get(id).map(|v| v.name.clone()),
            Assignee::VoiceConnectorGroup(id) => self.groups.get(id).map(|g| g.name.clone()),
        };
        name.unwrap_or_else(|| a.key())
    }

    pub fn assignee_json(&self, a: &Assignee) -> Value {
        let kind = match a {
            Assignee::User { .. } => "user",
            Assignee::VoiceConnector(_) => "voice_connector",
            Assignee::VoiceConnectorGroup(_) => "voice_connector_group",
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
        "status": p.status.code().api_name(),
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

/// How long a duration is, for messages ("7 d 0 h", "3 s").
pub fn span(d: Duration) -> String {
    format_duration(d)
}
