//! Orders: provisioning and porting orders, newest first; Enter opens an order with the
//! status of each of its numbers. `p` opens the provisioning wizard (as the seed's
//! "Orders, Provision phone numbers").

use super::{any_countdown_changed, Cx, DrawCx, Effect, Screen, ScreenId};
use crate::domain::*;
use crate::filter::FieldSpec;
use crate::local_time::{self, Shown};
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{
    body_height, draw_table, pick_columns, sort_letters, Nav, Record, Rows,
};
use crate::tui::widgets::table::{Cell, Row};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::Frame;
use std::cmp::Ordering;

/// The sortable columns, by their header titles.
pub const COLUMNS: [&str; 7] = [
    "Order",
    "Type",
    "Product type",
    "Status",
    "Created",
    "Numbers",
    "Completed",
];

/// The fields the `/` filter matches exactly (`status:...`).
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "status",
        help: "Processing, Successful, Partial or Failed",
    },
    FieldSpec {
        name: "type",
        help: "New or Porting",
    },
    FieldSpec {
        name: "product",
        help: "the product type: bc, vc or its name",
    },
];

impl Record for OrderSummary {
    const FIELDS: &'static [FieldSpec] = FIELDS;
    fn values(&self, field: &str) -> Vec<String> {
        match field {
            "status" => vec![self.status.label().into()],
            "type" => vec![order_type(self.order_type).into()],
            "product" => vec![
                self.product_type.label().into(),
                self.product_type.short().to_lowercase(),
            ],
            _ => Vec::new(),
        }
    }
    type Key = OrderId;
    fn key(&self) -> OrderId {
        self.id.clone()
    }
    fn label(&self) -> String {
        self.id.to_string()
    }
    fn haystack(&self) -> String {
        format!(
            "{} {} {} {}",
            self.id,
            order_type(self.order_type),
            self.product_type,
            self.status.label()
        )
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (self, other);
        match column {
            1 => order_type(a.order_type).cmp(order_type(b.order_type)),
            2 => a.product_type.label().cmp(b.product_type.label()),
            3 => a.status.label().cmp(b.status.label()),
            5 => a.total.cmp(&b.total),
            6 => (a.completes_at, a.updated_at).cmp(&(b.completes_at, b.updated_at)),
            // Order ids count up: order-10 comes after order-9.
            _ => a.created_at.cmp(&b.created_at),
        }
    }
}

#[derive(Default)]
pub struct Orders {
    /// Summaries only: a list of big orders stays cheap to read on every refresh.
    rows: Rows<OrderSummary>,
    /// The order opened with Enter, with its numbers.
    open: Option<Order>,
    detail_nav: Nav,
}

impl Orders {
    pub fn new() -> Orders {
        Orders::default()
    }
}

fn order_type(t: OrderType) -> &'static str {
    match t {
        OrderType::New => "New",
        OrderType::Porting => "Porting",
    }
}

impl Screen for Orders {
    fn id(&self) -> ScreenId {
        ScreenId::Orders
    }

    fn scope(&self) -> Scope {
        Scope::Orders
    }

    fn copy_text(&self) -> Option<String> {
        self.rows.copy_text()
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
        let all = cx.engine.store().order_summaries().unwrap_or_default();
        if let Some(note) = self.rows.set(all) {
            cx.note(note);
        }
        if let Some(id) = self.open.as_ref().map(|o| o.id.clone()) {
            self.open = cx.engine.store().order(&id).ok().flatten();
        }
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        if self.open.is_some() {
            return match cmd {
                Cmd::Back => {
                    self.open = None;
                    true
                }
                // Drill-down: the order's numbers that reached the Inventory, there.
                Cmd::Details => {
                    if let Some(o) = &self.open {
                        cx.emit(Effect::Show(ScreenId::Inventory, format!("order:{}", o.id)));
                    }
                    true
                }
                c => self.detail_nav.apply(c),
            };
        }
        match cmd {
            Cmd::Details => {
                let id = self.rows.current().map(|o| o.id.clone());
                self.open = id.and_then(|id| cx.engine.store().order(&id).ok().flatten());
                self.detail_nav = Nav::default();
                true
            }
            c => self.rows.apply(c),
        }
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        if self.open.is_some() {
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
        self.open = None;
        self.rows.set_filter(text);
    }

    fn filter(&self) -> &str {
        self.rows.filter()
    }

    fn applies(&self, cmd: Cmd) -> bool {
        match &self.open {
            Some(_) => cmd == Cmd::Details || cmd == Cmd::Filter,
            None => cmd == Cmd::Filter || self.rows.current().is_some(),
        }
    }

    fn filter_fields(&self) -> &'static [FieldSpec] {
        FIELDS
    }

    fn filter_values(&self, field: &str) -> Vec<String> {
        self.rows.values_of(field)
    }

    fn tick(&mut self, before: Timestamp, now: Timestamp) -> bool {
        let due = self
            .rows
            .visible()
            .map(|(o, _)| o)
            .filter(|o| o.status == OrderStatus::Processing)
            .filter_map(|o| o.completes_at);
        any_countdown_changed(due, before, now)
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        if let Some(o) = &self.open {
            // Below 100 columns the E.164 column gives its room to the reason.
            let wide = area.width >= 100;
            self.detail_nav.set_height(body_height(area));
            self.detail_nav.set_len(o.numbers.len());
            let rows = o.numbers[self.detail_nav.visible()]
                .iter()
                .map(|n| {
                    let status = match n.status {
                        OrderedNumberStatus::Processing => "Processing",
                        OrderedNumberStatus::Acquired => "Acquired",
                        OrderedNumberStatus::Failed => "Failed",
                    };
                    let style = if n.status == OrderedNumberStatus::Failed {
                        t.error
                    } else {
                        t.text
                    };
                    let mut cells = vec![Cell::from(n.number.national())];
                    if wide {
                        cells.push(Cell::from(n.number.to_string()));
                    }
                    cells.push(Cell::from(status).style(style));
                    cells.push(Cell::from(
                        one_line(n.reason.as_deref().unwrap_or("")).into_owned(),
                    ));
                    Row::new(cells)
                })
                .collect();
            let title = Line::from(format!(
                " Orders › {} ({}, {}, {}) ",
                o.id,
                order_type(o.order_type),
                o.product_type,
                o.status().label()
            ));
            let (header, widths) = if wide {
                (
                    vec!["Number", "E.164", "Status", "Reason"],
                    vec![
                        Constraint::Length(14),
                        Constraint::Length(12),
                        Constraint::Length(10),
                        Constraint::Fill(1),
                    ],
                )
            } else {
                (
                    vec!["Number", "Status", "Reason"],
                    vec![
                        Constraint::Length(14),
                        Constraint::Length(10),
                        Constraint::Fill(1),
                    ],
                )
            };
            draw_table(
                f,
                area,
                t,
                title,
                header,
                &widths,
                rows,
                &self.detail_nav,
                "No numbers.",
            );
            return;
        }
        self.rows.set_height(body_height(area));
        // Below 100 columns the product type and the creation date shorten so the last
        // column ("in 13 d 23 h", a date, "port date not set") reads in full.
        let narrow = area.width < 100;
        let rows = self
            .rows
            .visible()
            .map(|(o, _)| {
                let status = o.status;
                let style = match status {
                    OrderStatus::Failed => t.error,
                    OrderStatus::Partial => t.warn,
                    OrderStatus::Successful => t.ok,
                    OrderStatus::Processing => t.accent,
                };
                let when = match (status, o.completes_at) {
                    (OrderStatus::Processing, Some(at)) => {
                        format!("in {}", format_duration(cx.now.until(at)))
                    }
                    // A port before its FOC date is set.
                    (OrderStatus::Processing, None) => "port date not set".into(),
                    _ if narrow => local_time::shown_this_year(o.updated_at),
                    _ => o.updated_at.shown(),
                };
                Row::new(vec![
                    Cell::from(o.id.to_string()),
                    Cell::from(order_type(o.order_type)),
                    Cell::from(if narrow {
                        o.product_type.short()
                    } else {
                        o.product_type.label()
                    }),
                    Cell::from(status.label()).style(style),
                    Cell::from(if narrow {
                        local_time::shown_this_year(o.created_at)
                    } else {
                        o.created_at.shown()
                    }),
                    Cell::from(o.total.to_string()),
                    Cell::from(when),
                ])
            })
            .collect();
        let widths = [
            Constraint::Length(if narrow { 9 } else { 10 }),
            Constraint::Length(7),
            Constraint::Length(if narrow { 7 } else { 16 }),
            Constraint::Length(10),
            // "2026-11-25 09:00 UTC" reads "11-25 09:00 UTC" when narrow.
            Constraint::Length(local_time::shown_width() - if narrow { 5 } else { 0 }),
            Constraint::Length(7),
            Constraint::Fill(1),
        ];
        let header = self.rows.header(
            t,
            &[
                "Order",
                "Type",
                if narrow { "Product" } else { "Product type" },
                "Status",
                "Created",
                "Numbers",
                "Completed",
            ],
            &COLUMNS,
        );
        let title = self.rows.title(t, "Orders", None);
        let empty = if self.rows.filter().is_empty() {
            "No orders yet. Press p to provision phone numbers."
        } else {
            "No orders match the filter. Esc clears it."
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
