//! Deletion queue: deleted numbers with when they were deleted and a live countdown of the
//! time left to restore them; Space marks several, `r` moves them back to the inventory
//! (`Action::Restore`). Refusals (the limit, a closed window) go to the status line.
//!
//! The list is the shared table (`widgets::table::Rows`): it reads the queue's records on
//! refresh (numbers wait there only for the restore window) to filter and sort by any column.

use super::{any_countdown_changed, Cx, DrawCx, Screen, ScreenId};
use crate::domain::*;
use crate::filter::FieldSpec;
use crate::local_time::{self, Shown};
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{
    body_height, draw_table, pick_columns, sort_letters, Record, Rows,
};
use crate::tui::widgets::table::{Cell, Row};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;
use std::cmp::Ordering;

const STATUS: [StatusCode; 1] = [StatusCode::DeleteInProgress];

/// The sortable columns, by their header titles (`Rows::header` marks the sorted one).
pub const COLUMNS: [&str; 5] = [
    "Number",
    "Type",
    "Product type",
    "Deleted",
    "Restorable for",
];

/// A row: the deleted number's record.
pub struct Deleted(PhoneNumber);

/// The fields the `/` filter matches exactly (`status:...`).
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "product",
        help: "the product type: bc, vc or its name",
    },
    FieldSpec {
        name: "type",
        help: "Local or Toll-free",
    },
];

impl Record for Deleted {
    const FIELDS: &'static [FieldSpec] = FIELDS;
    fn values(&self, field: &str) -> Vec<String> {
        let p = &self.0;
        match field {
            "product" => vec![
                p.product_type.label().into(),
                p.product_type.short().to_lowercase(),
            ],
            "type" => vec![p.number_type.label().into()],
            _ => Vec::new(),
        }
    }
    fn numbers(&self) -> Vec<E164> {
        vec![self.0.number.clone()]
    }
    type Key = E164;
    fn key(&self) -> E164 {
        self.0.number.clone()
    }
    fn label(&self) -> String {
        self.0.number.national()
    }
    fn haystack(&self) -> String {
        format!("{} {}", self.0.number, self.0.number.national())
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        match column {
            1 => a.number_type.label().cmp(b.number_type.label()),
            2 => a.product_type.label().cmp(b.product_type.label()),
            3 => a.deleted_at().cmp(&b.deleted_at()),
            4 => closes(a).cmp(&closes(b)),
            _ => a.number.cmp(&b.number),
        }
    }
}

#[derive(Default)]
pub struct DeletionQueue {
    rows: Rows<Deleted>,
}

impl DeletionQueue {
    pub fn new() -> DeletionQueue {
        DeletionQueue::default()
    }

    fn restore(&mut self, cx: &mut Cx) {
        let again = cx.keys.keys_label(Cmd::Restore);
        if let Some(ask) = self.rows.ask_before_hidden("Restore", &again) {
            cx.say(Status::info(ask));
            return;
        }
        let numbers = self.rows.targets();
        self.restore_numbers(numbers, cx);
    }

    /// Restores `numbers` (the key's targets, or the numbers typed after `:restore`).
    fn restore_numbers(&mut self, numbers: Vec<E164>, cx: &mut Cx) {
        if numbers.is_empty() {
            cx.say(Status::error(RuleError::NothingSelected.to_string()));
            return;
        }
        // Restore what can be restored and name the rest, instead of refusing the whole
        // selection because of one number that was ported out or whose window closed.
        let records = cx.engine.store().numbers_at(&numbers).unwrap_or_default();
        let (restorable, kept): (Vec<&PhoneNumber>, Vec<&PhoneNumber>) = records
            .iter()
            .partition(|p| restorable_left(p, cx.now).is_some());
        let why: Vec<String> = kept
            .iter()
            .map(|p| {
                let reason = if p.ported_out {
                    "ported out"
                } else {
                    "window closed"
                };
                format!("{} ({reason})", p.number.national())
            })
            .collect();
        if restorable.is_empty() || numbers.len() == 1 {
            // Nothing to restore: the domain's refusal says why in its words.
            let _ = cx.dispatch(Action::Restore { numbers });
            return;
        }
        let numbers = restorable.iter().map(|p| p.number.clone()).collect();
        if cx.dispatch(Action::Restore { numbers }).is_ok() {
            self.rows.clear_marks();
            if !why.is_empty() {
                let done = cx.status.take().map(|s| s.text).unwrap_or_default();
                cx.say(Status::error(format!(
                    "{done} Not restorable: {}.",
                    why.join(", ")
                )));
            }
        }
    }
}

/// When the number's restore window closes (never for a ported-out number).
fn closes(p: &PhoneNumber) -> Option<Timestamp> {
    p.restorable_until().filter(|_| !p.ported_out)
}

/// The time left to restore `p`, or `None` when it cannot be restored: a ported-out number
/// belongs to another carrier, and a closed window is closed.
fn restorable_left(p: &PhoneNumber, now: Timestamp) -> Option<std::time::Duration> {
    match p.restorable_until() {
        Some(at) if at > now && !p.ported_out => Some(now.until(at)),
        _ => None,
    }
}

impl Screen for DeletionQueue {
    fn id(&self) -> ScreenId {
        ScreenId::DeletionQueue
    }

    fn scope(&self) -> Scope {
        Scope::DeletionQueue
    }

    fn copy_text(&self) -> Option<String> {
        self.rows.copy_text()
    }

    fn refresh(&mut self, cx: &mut Cx) {
        let store = cx.engine.store();
        let keys = store.numbers_in(&STATUS);
        let records = store.numbers_at(&keys).unwrap_or_default();
        if let Some(note) = self.rows.set(records.into_iter().map(Deleted).collect()) {
            cx.note(note);
        }
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        match cmd {
            Cmd::Mark => self.rows.toggle_mark(),
            Cmd::MarkAll => cx.say(Status::info(self.rows.mark_all())),
            Cmd::Restore => self.restore(cx),
            Cmd::Back if !self.rows.marks().is_empty() && self.rows.filter().is_empty() => {
                self.rows.clear_marks()
            }
            c => return self.rows.apply(c),
        }
        true
    }

    fn on_cmd_args(&mut self, cmd: Cmd, args: &[String], cx: &mut Cx) -> bool {
        if cmd != Cmd::Restore {
            return false;
        }
        if let Some(numbers) = super::typed_numbers(args, cx) {
            self.restore_numbers(numbers, cx);
        }
        true
    }

    fn goto(&mut self, wanted: &str, _cx: &mut Cx) -> bool {
        self.rows.goto(wanted)
    }

    fn set_sort(&mut self, sort: crate::tui::widgets::table::Sort, _cx: &mut Cx) {
        self.rows.set_sort(sort);
    }

    fn arg_values(&self) -> Vec<String> {
        self.rows.names()
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        let letters = sort_letters(&COLUMNS, cx.keys, self.scope());
        match self.rows.sort_key(&key, &letters, &COLUMNS) {
            Some(words) => {
                cx.say(Status::info(words));
                true
            }
            None => false,
        }
    }

    fn set_filter(&mut self, text: &str, _cx: &mut Cx) {
        self.rows.set_filter(text);
    }

    fn filter(&self) -> &str {
        self.rows.filter()
    }

    fn applies(&self, cmd: Cmd) -> bool {
        // Without a row only the filter is left to offer.
        cmd == Cmd::Filter || self.rows.current().is_some()
    }

    fn filter_fields(&self) -> &'static [FieldSpec] {
        FIELDS
    }

    fn filter_values(&self, field: &str) -> Vec<String> {
        self.rows.values_of(field)
    }

    fn tick(&mut self, before: Timestamp, now: Timestamp) -> bool {
        let deadlines = self.rows.visible().filter_map(|(r, _)| closes(&r.0));
        any_countdown_changed(deadlines, before, now)
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        self.rows.set_height(body_height(area));
        let t = cx.theme;
        let wide = area.width >= 110;
        let rows: Vec<Row> = self
            .rows
            .visible()
            .map(|(Deleted(p), marked)| {
                let left = match restorable_left(p, cx.now) {
                    // The real carrier's own word (`DeleteFailed`, `ReleaseInProgress`...).
                    _ if p.carrier_status.is_some() => Span::styled(p.status_name(), t.warn),
                    Some(left) => Span::raw(format_duration(left)),
                    None if p.ported_out => Span::styled("no: ported out", t.warn),
                    None => Span::styled("window closed", t.warn),
                };
                let mut cells = vec![
                    Cell::from(if marked { "*" } else { " " }),
                    Cell::from(p.number.national()),
                ];
                if wide {
                    cells.push(Cell::from(p.number.to_string()));
                }
                cells.push(Cell::from(p.number_type.label()));
                cells.push(Cell::from(p.product_type.label()));
                cells.push(Cell::from(
                    p.deleted_at()
                        .map(|d| {
                            if wide {
                                d.shown()
                            } else {
                                local_time::shown_this_year(d)
                            }
                        })
                        .unwrap_or_default(),
                ));
                cells.push(Cell::from(Line::from(vec![left])));
                if wide {
                    cells.push(Cell::from(closes(p).map(|c| c.shown()).unwrap_or_default()));
                }
                let row = Row::new(cells);
                if marked {
                    row.style(t.marked)
                } else {
                    row
                }
            })
            .collect();
        let mut header = vec!["", "Number"];
        let mut widths = vec![Constraint::Length(1), Constraint::Length(14)];
        if wide {
            header.push("E.164");
            widths.push(Constraint::Length(12));
        }
        header.extend(["Type", "Product type", "Deleted", "Restorable for"]);
        widths.extend([
            Constraint::Length(9),
            Constraint::Length(16),
            // "2026-11-25 09:02 UTC" reads "11-25 09:02 UTC" when narrow.
            Constraint::Length(local_time::shown_width() - if wide { 0 } else { 5 }),
            Constraint::Fill(1),
        ]);
        if wide {
            header.push("Deleted for good at");
            widths.push(Constraint::Length(local_time::shown_width().max(19)));
        }
        let header = self.rows.header(t, &header, &COLUMNS);
        let title = self.rows.title(t, "Deletion queue", None);
        let empty = if self.rows.filter().is_empty() {
            "Empty: deleted numbers wait here, restorable, until deleted for good."
        } else {
            "No numbers match the filter. Esc clears it."
        };
        let (header, widths, rows) = pick_columns(cx.columns, header, &widths, rows);
        draw_table(
            f,
            area,
            t,
            title,
            header,
            &widths,
            rows,
            &self.rows.nav,
            empty,
        );
    }
}
