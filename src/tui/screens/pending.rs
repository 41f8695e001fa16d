//! Pending: numbers being acquired or ported in, with their order and how long they have
//! been pending; failed acquisitions with the carrier's reason, which can be dismissed.
//! Enter opens a number's details: its order, the full reason or expected completion, and
//! its port request. Below 100 columns the table drops the product type so the
//! "Expected / reason" column keeps its room.

use super::{any_countdown_changed, Cx, DrawCx, Screen, ScreenId};
use crate::domain::*;
use crate::filter::FieldSpec;
use crate::local_time::Shown;
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::block;
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{
    body_height, draw_table, pick_columns, sort_letters, Record, Rows,
};
use crate::tui::widgets::table::{Cell, Row};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

const STATUSES: [StatusCode; 3] = [
    StatusCode::AcquireInProgress,
    StatusCode::PortinInProgress,
    StatusCode::AcquireFailed,
];

/// The sortable columns, by their header titles.
pub const COLUMNS: [&str; 5] = ["Number", "Status", "Product type", "Order", "Pending"];

/// A row: a number being acquired or ported in, or a failed acquisition.
pub struct Waiting(PhoneNumber);

/// The fields the `/` filter matches exactly (`status:...`).
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "status",
        help: "Acquire in progress, Port-in in progress, Failed...",
    },
    FieldSpec {
        name: "product",
        help: "the product type: bc, vc or its name",
    },
    FieldSpec {
        name: "order",
        help: "the order (order-12)",
    },
];

impl Record for Waiting {
    const FIELDS: &'static [FieldSpec] = FIELDS;
    fn values(&self, field: &str) -> Vec<String> {
        let p = &self.0;
        match field {
            "status" => vec![status_label(p).to_string()],
            "product" => vec![
                p.product_type.label().into(),
                p.product_type.short().to_lowercase(),
            ],
            "order" => p.order.iter().map(|o| o.to_string()).collect(),
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
        let p = &self.0;
        let order = p.order.as_ref().map(|o| o.0.as_str()).unwrap_or("");
        format!(
            "{} {} {} {}",
            p.number,
            p.number.national(),
            status_label(p),
            order
        )
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        match column {
            1 => status_label(a).cmp(status_label(b)),
            2 => a.product_type.label().cmp(b.product_type.label()),
            3 => a.order.cmp(&b.order),
            // Pending longest first reads as the created time ascending.
            4 => a.created_at.cmp(&b.created_at),
            _ => a.number.cmp(&b.number),
        }
    }
}

#[derive(Default)]
pub struct Pending {
    rows: Rows<Waiting>,
    /// When each order completes (the port's FOC date for porting orders).
    completes: HashMap<OrderId, Timestamp>,
    /// Each port-in request's status, port date (FOC) and requested date.
    ports: HashMap<RequestId, PortInfo>,
    /// The number whose details Enter opened (the cursor's row; j/k move both).
    details: Option<E164>,
}

/// What the Pending screen shows of a port-in request.
#[derive(Debug, Clone)]
struct PortInfo {
    status: RequestStatus,
    foc: Option<Timestamp>,
    requested: Option<Timestamp>,
}

impl Pending {
    pub fn new() -> Pending {
        Pending::default()
    }

    /// The "Expected / reason" text and whether it is an error; `short` for narrow tables.
    fn expected(&self, p: &PhoneNumber, now: Timestamp, short: bool) -> (String, bool) {
        if let NumberStatus::AcquireFailed { reason } = &p.status {
            return (one_line(reason).into_owned(), true);
        }
        let done = p
            .order
            .as_ref()
            .and_then(|o| self.completes.get(o))
            .copied();
        let text = match (&p.status, done) {
            (NumberStatus::PortinInProgress, Some(at)) if short => format!("FOC {}", at.shown()),
            (NumberStatus::PortinInProgress, Some(at)) => {
                format!("port date (FOC) {}", at.shown())
            }
            (NumberStatus::PortinInProgress, None) => {
                let step = p
                    .port_request
                    .as_ref()
                    .and_then(|r| self.ports.get(r).map(|s| (r, s.status)));
                match step {
                    Some((r, s)) => format!("{r}: {}", port_step(s)),
                    None => String::new(),
                }
            }
            (_, Some(at)) => format!("completes in {}", format_duration(now.until(at))),
            _ => String::new(),
        };
        (text, false)
    }

    fn draw_details(&self, f: &mut Frame, area: Rect, cx: &DrawCx, number: &E164) {
        let t = cx.theme;
        let found = self
            .rows
            .all()
            .iter()
            .map(|w| &w.0)
            .find(|p| &p.number == number);
        let keys = match found.map(|p| &p.status) {
            Some(NumberStatus::AcquireFailed { .. }) => " j/k previous/next  x dismiss  Esc back ",
            _ => " j/k previous/next  Esc back ",
        };
        let b = block(t, format!(" Pending › {} ", number.national()))
            .title_bottom(Line::from(keys).style(t.dim));
        let Some(p) = found else {
            f.render_widget(
                Paragraph::new("This number is no longer pending: see the Inventory or Orders.")
                    .block(b)
                    .wrap(Wrap { trim: false }),
                area,
            );
            return;
        };
        let kv = |k: &str, v: String, style: Style| {
            Line::from(vec![
                Span::styled(format!("{k:<22}"), t.dim),
                Span::styled(v, style),
            ])
        };
        let failed = matches!(p.status, NumberStatus::AcquireFailed { .. });
        let mut lines = vec![
            kv(
                "Phone number",
                format!("{}   {}", p.number.national(), p.number),
                t.text,
            ),
            kv(
                "Status",
                status_label(p).into(),
                if failed { t.error } else { t.accent },
            ),
            kv("Product type", p.product_type.label().into(), t.text),
            kv(
                "Order",
                p.order
                    .as_ref()
                    .map(|o| o.to_string())
                    .unwrap_or_else(|| "-".into()),
                t.text,
            ),
            kv(
                "Pending for",
                format!(
                    "{} (since {})",
                    format_duration(p.created_at.until(cx.now)),
                    p.created_at.shown()
                ),
                t.text,
            ),
        ];
        let done = p
            .order
            .as_ref()
            .and_then(|o| self.completes.get(o))
            .copied();
        match &p.status {
            NumberStatus::AcquireFailed { reason } => {
                lines.push(kv("Reason", one_line(reason).into_owned(), t.error));
                lines.push(kv("Next", "x dismisses it from the list".into(), t.dim));
            }
            NumberStatus::PortinInProgress => {
                let port = p.port_request.as_ref().map(|r| (r, self.ports.get(r)));
                match port {
                    Some((r, Some(info))) => {
                        lines.push(kv(
                            "Port request",
                            format!("{r} ({})", info.status.label()),
                            t.text,
                        ));
                        lines.push(kv("Next step", port_step(info.status).into(), t.text));
                        if let Some(at) = info.requested {
                            lines.push(kv("Requested date", at.shown(), t.text));
                        }
                    }
                    Some((r, None)) => lines.push(kv("Port request", r.to_string(), t.text)),
                    None => lines.push(kv("Port request", "-".into(), t.text)),
                }
                let foc = done.or_else(|| {
                    p.port_request
                        .as_ref()
                        .and_then(|r| self.ports.get(r))
                        .and_then(|i| i.foc)
                });
                lines.push(kv(
                    "Port date (FOC)",
                    match foc {
                        Some(at) => {
                            format!("{} (in {})", at.shown(), format_duration(cx.now.until(at)))
                        }
                        None => "not set yet".into(),
                    },
                    t.text,
                ));
            }
            _ => lines.push(kv(
                "Expected",
                match done {
                    Some(at) => format!(
                        "completes in {} ({})",
                        format_duration(cx.now.until(at)),
                        at.shown()
                    ),
                    None => "when the carrier completes the order".into(),
                },
                t.text,
            )),
        }
        f.render_widget(
            Paragraph::new(lines).block(b).wrap(Wrap { trim: false }),
            area,
        );
    }

    fn dismiss(&mut self, cx: &mut Cx) {
        let again = cx.keys.keys_label(Cmd::DismissFailed);
        if let Some(ask) = self.rows.ask_before_hidden("Dismiss", &again) {
            cx.say(Status::info(ask));
            return;
        }
        let targets: Vec<E164> = if self.rows.marks().is_empty() {
            self.rows.targets()
        } else {
            // Only the failed ones among the marked: "mark all" then dismiss clears the
            // failures and leaves the numbers still being acquired or ported alone.
            let failed: Vec<E164> = self
                .rows
                .target_records()
                .into_iter()
                .filter(|w| matches!(w.0.status, NumberStatus::AcquireFailed { .. }))
                .map(|w| w.0.number.clone())
                .collect();
            if failed.is_empty() {
                self.rows.targets()
            } else {
                failed
            }
        };
        self.dismiss_numbers(targets, cx);
    }

    /// Dismisses `targets` (the key's, or the numbers typed after `:dismiss`).
    fn dismiss_numbers(&mut self, targets: Vec<E164>, cx: &mut Cx) {
        if targets.is_empty() {
            cx.say(Status::error(RuleError::NothingSelected.to_string()));
            return;
        }
        if cx
            .dispatch(Action::DismissFailed { numbers: targets })
            .is_ok()
        {
            self.rows.clear_marks();
        }
    }
}

/// What a port-in request waits for, in words.
fn port_step(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Submitted => "support is reviewing",
        RequestStatus::PendingDocuments => "submit the LOA",
        RequestStatus::ChangeRequested => "correct the LOA",
        RequestStatus::Foc => "the port date is set",
        other => other.label(),
    }
}

fn status_label(p: &PhoneNumber) -> &'static str {
    if p.carrier_status.is_some() {
        // The real carrier's own word (`PortinCancelRequested`...).
        return p.status_name();
    }
    match &p.status {
        NumberStatus::AcquireInProgress => "Acquiring",
        NumberStatus::AcquireFailed { .. } => "Failed",
        NumberStatus::PortinInProgress => "Porting in",
        _ => "-",
    }
}

impl Screen for Pending {
    fn id(&self) -> ScreenId {
        ScreenId::Pending
    }

    fn scope(&self) -> Scope {
        Scope::Pending
    }

    fn copy_text(&self) -> Option<String> {
        self.rows.copy_text()
    }

    fn on_cmd_args(&mut self, cmd: Cmd, args: &[String], cx: &mut Cx) -> bool {
        if cmd != Cmd::DismissFailed {
            return false;
        }
        if let Some(numbers) = super::typed_numbers(args, cx) {
            self.dismiss_numbers(numbers, cx);
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

    fn refresh(&mut self, cx: &mut Cx) {
        let store = cx.engine.store();
        let keys = store.numbers_in(&STATUSES);
        let mut all = store.numbers_at(&keys).unwrap_or_default();
        // In progress first (oldest first), failed after.
        all.sort_by_key(|p| {
            (
                matches!(p.status, NumberStatus::AcquireFailed { .. }),
                p.created_at,
                p.number.clone(),
            )
        });
        self.completes.clear();
        let orders: BTreeSet<OrderId> = all.iter().filter_map(|p| p.order.clone()).collect();
        for id in orders {
            if let Some(at) = store.order_summary(&id).and_then(|o| o.completes_at) {
                self.completes.insert(id, at);
            }
        }
        self.ports.clear();
        let requests: BTreeSet<RequestId> =
            all.iter().filter_map(|p| p.port_request.clone()).collect();
        for id in requests {
            if let Some(r) = store.request(&id).ok().flatten() {
                let requested = match &r.kind {
                    RequestKind::PortIn(form) => Some(form.requested_at),
                    _ => None,
                };
                self.ports.insert(
                    id,
                    PortInfo {
                        status: r.status,
                        foc: r.foc_date,
                        requested,
                    },
                );
            }
        }
        if let Some(note) = self.rows.set(all.into_iter().map(Waiting).collect()) {
            cx.note(note);
        }
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        if self.details.is_some() {
            match cmd {
                Cmd::Back => {
                    self.details = None;
                    return true;
                }
                Cmd::DismissFailed => {
                    self.rows.clear_marks();
                    self.dismiss(cx);
                    return true;
                }
                Cmd::Details | Cmd::Mark | Cmd::MarkAll => return true,
                c if self.rows.apply(c) => {
                    self.details = self.rows.current().map(|w| w.0.number.clone());
                    return true;
                }
                _ => return false,
            }
        }
        match cmd {
            Cmd::Details => {
                self.details = self.rows.current().map(|w| w.0.number.clone());
                if self.details.is_none() {
                    cx.say(Status::info("Nothing pending to show."));
                }
                true
            }
            Cmd::Mark => {
                self.rows.toggle_mark();
                true
            }
            Cmd::MarkAll => {
                cx.say(Status::info(self.rows.mark_all()));
                true
            }
            Cmd::DismissFailed => {
                self.dismiss(cx);
                true
            }
            Cmd::Back if !self.rows.marks().is_empty() => {
                self.rows.clear_marks();
                true
            }
            c => self.rows.apply(c),
        }
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        if self.details.is_some() {
            return false;
        }
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
        self.details = None;
        self.rows.set_filter(text);
    }

    fn filter(&self) -> &str {
        self.rows.filter()
    }

    fn applies(&self, cmd: Cmd) -> bool {
        let row = self.rows.current();
        match cmd {
            Cmd::DismissFailed => {
                row.is_some_and(|w| matches!(w.0.status, NumberStatus::AcquireFailed { .. }))
            }
            Cmd::Filter => true,
            _ => row.is_some(),
        }
    }

    fn filter_fields(&self) -> &'static [FieldSpec] {
        FIELDS
    }

    fn filter_values(&self, field: &str) -> Vec<String> {
        self.rows.values_of(field)
    }

    fn tick(&mut self, before: Timestamp, now: Timestamp) -> bool {
        let times: Vec<Timestamp> = self
            .rows
            .visible()
            .map(|(w, _)| &w.0)
            .filter(|p| !matches!(p.status, NumberStatus::AcquireFailed { .. }))
            .flat_map(|p| {
                [
                    Some(p.created_at),
                    p.order
                        .as_ref()
                        .and_then(|o| self.completes.get(o).copied()),
                ]
            })
            .flatten()
            .collect();
        any_countdown_changed(times.into_iter(), before, now)
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        self.rows.set_height(body_height(area));
        if let Some(n) = &self.details {
            self.draw_details(f, area, cx, n);
            return;
        }
        // Below 100 columns the product type goes and the reason column keeps the room.
        let narrow = area.width < 100;
        let rows = self
            .rows
            .visible()
            .map(|(Waiting(p), marked)| {
                let (note, failed) = self.expected(p, cx.now, narrow);
                let style = if failed { t.error } else { t.dim };
                let mut cells = vec![
                    Cell::from(if marked { "*" } else { " " }),
                    Cell::from(p.number.national()),
                    Cell::from(status_label(p)).style(if failed { t.error } else { t.accent }),
                ];
                if !narrow {
                    cells.push(Cell::from(p.product_type.label()));
                }
                cells.extend([
                    Cell::from(
                        p.order
                            .as_ref()
                            .map(|o| o.to_string())
                            .unwrap_or_else(|| "-".into()),
                    ),
                    Cell::from(format_duration(p.created_at.until(cx.now))),
                    Cell::from(note).style(style),
                ]);
                let row = Row::new(cells);
                if marked {
                    row.style(t.marked)
                } else {
                    row
                }
            })
            .collect();
        let mut widths = vec![
            Constraint::Length(1),
            Constraint::Length(14),
            Constraint::Length(10),
            Constraint::Length(16),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Fill(1),
        ];
        let mut header = vec![
            "",
            "Number",
            "Status",
            "Product type",
            "Order",
            "Pending",
            "Expected / reason",
        ];
        if narrow {
            widths.remove(3);
            header.remove(3);
            widths[4] = Constraint::Length(9);
        }
        let header = self.rows.header(t, &header, &COLUMNS);
        let title = self.rows.title(t, "Pending", None);
        let empty = if self.rows.filter().is_empty() {
            "Nothing pending. Numbers being provisioned or ported in show here."
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
