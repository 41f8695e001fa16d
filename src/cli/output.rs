//! Shared output: tables for people, JSON shapes for scripts, and the parsing of the few
//! values the domain has no parser for (on/off, places, ids). Text from users and the store
//! is escaped by `crate::text` (hidden characters shown as `\u{1b}`-style escapes) before it
//! is laid out, and everything a command writes passes an escaping writer besides.

use super::{CliError, Res};
use crate::domain::*;
pub use crate::export::{calls_and_sms, name_status, number_json, ts, Names};
pub use crate::text::{lines, one_line};
use serde_json::{json, Value};
use std::io::Write;
use std::time::Duration;

/// A plain table: a header row, columns padded to their widest cell.
pub fn table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) -> Res {
    // Escaped before measuring, so the columns line up with what is shown.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| one_line(c).into_owned()).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
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
        writeln!(out, "{}", line(r))?;
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
        writeln!(out, "{:<w$} {}", format!("{k}:"), one_line(v), w = w)?;
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
    ProductType::read(text).map_err(CliError::usage)
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
        "job": o.job.map(|j| j.to_string()),
    })
}

/// How long a duration is, for messages ("7 d 0 h", "3 s").
pub fn span(d: Duration) -> String {
    format_duration(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_escapes_hidden_characters_and_lines_up_what_is_shown() {
        let mut out = Vec::new();
        let rows = vec![
            vec!["a\u{202e}b\u{9b}".to_string(), "x".to_string()],
            vec!["plain".to_string(), "y\nz".to_string()],
        ];
        table(&mut out, &["NAME", "NOTE"], &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "NAME              NOTE\na\\u{202e}b\\u{9b}  x\nplain             y\\nz\n"
        );
    }
}
