//! Pending: numbers being acquired or ported in, with their order and how long they have
//! been pending; failed acquisitions with the carrier's reason, which can be dismissed.

use super::{any_countdown_changed, Cx, DrawCx, Screen, ScreenId};
use crate::domain::*;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::sanitize;
use crate::tui::widgets::filter::Fuzzy;
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{body_height, draw_table, Nav};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;
use std::collections::{BTreeSet, HashMap};

const STATUSES: [StatusCode; 3] = [
    StatusCode::AcquireInProgress,
    StatusCode::PortinInProgress,
    StatusCode::AcquireFailed,
];

#[derive(Default)]
pub struct Pending {
    all: Vec<PhoneNumber>,
    shown: Vec<usize>,
    /// When each order completes (the port's FOC date for porting orders).
    completes: HashMap<OrderId, Timestamp>,
    /// Where each port-in request stands, for ports without a date yet.
    ports: HashMap<RequestId, RequestStatus>,
    filter: String,
    nav: Nav,
    marks: BTreeSet<E164>,
}

impl Pending {
    pub fn new() -> Pending {
        Pending::default()
    }

    fn apply_filter(&mut self) {
        let mut fz = Fuzzy::new(&self.filter);
        self.shown = (0..self.all.len())
            .filter(|i| {
                let p = &self.all[*i];
                let order = p.order.as_ref().map(|o| o.0.as_str()).unwrap_or("");
                fz.matches(&format!(
                    "{} {} {} {}",
                    p.number,
                    p.number.national(),
                    status_label(&p.status),
                    order
                ))
            })
            .collect();
        self.nav.set_len(self.shown.len());
    }

    fn visible(&self) -> impl Iterator<Item = &PhoneNumber> {
        self.nav
            .visible()
            .filter_map(|i| self.shown.get(i).and_then(|j| self.all.get(*j)))
    }

    fn dismiss(&mut self, cx: &mut Cx) {
        let targets: Vec<E164> = if self.marks.is_empty() {
            self.shown
                .get(self.nav.cursor)
                .and_then(|i| self.all.get(*i))
                .map(|p| p.number.clone())
                .into_iter()
                .collect()
        } else {
            self.marks.iter().cloned().collect()
        };
        if targets.is_empty() {
            cx.say(Status::error(RuleError::NothingSelected.to_string()));
            return;
        }
        if cx
            .dispatch(Action::DismissFailed { numbers: targets })
            .is_ok()
        {
            self.marks.clear();
        }
    }
}

fn status_label(s: &NumberStatus) -> &'static str {
    match s {
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

    fn refresh(&mut self, cx: &mut Cx) {
        let store = cx.engine.store();
        let keys = store.numbers_in(&STATUSES);
        self.all = store.numbers_at(&keys).unwrap_or_default();
        // In progress first (oldest first), failed after.
        self.all.sort_by_key(|p| {
            (
                matches!(p.status, NumberStatus::AcquireFailed { .. }),
                p.created_at,
                p.number.clone(),
            )
        });
        self.completes.clear();
        let orders: BTreeSet<OrderId> = self.all.iter().filter_map(|p| p.order.clone()).collect();
        for id in orders {
            if let Some(at) = store.order_summary(&id).and_then(|o| o.completes_at) {
                self.completes.insert(id, at);
            }
        }
        self.ports.clear();
        let requests: BTreeSet<RequestId> = self
            .all
            .iter()
            .filter_map(|p| p.port_request.clone())
            .collect();
        for id in requests {
            if let Some(r) = store.request(&id).ok().flatten() {
                self.ports.insert(id, r.status);
            }
        }
        self.marks.retain(|m| keys.binary_search(m).is_ok());
        self.apply_filter();
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        match cmd {
            Cmd::Mark => {
                if let Some(p) = self
                    .shown
                    .get(self.nav.cursor)
                    .and_then(|i| self.all.get(*i))
                {
                    let n = p.number.clone();
                    if !self.marks.remove(&n) {
                        self.marks.insert(n);
                    }
                    self.nav.down(1);
                }
                true
            }
            Cmd::MarkAll => {
                let all: Vec<E164> = self
                    .shown
                    .iter()
                    .map(|i| self.all[*i].number.clone())
                    .collect();
                if !all.is_empty() && all.iter().all(|n| self.marks.contains(n)) {
                    self.marks.clear();
                } else {
                    self.marks.extend(all);
                }
                true
            }
            Cmd::DismissFailed => {
                self.dismiss(cx);
                true
            }
            Cmd::Back if !self.marks.is_empty() => {
                self.marks.clear();
                true
            }
            c => self.nav.apply(c),
        }
    }

    fn set_filter(&mut self, text: &str, _cx: &mut Cx) {
        self.filter = text.to_string();
        self.apply_filter();
        self.nav.top();
    }

    fn filter(&self) -> &str {
        &self.filter
    }

    fn tick(&mut self, before: Timestamp, now: Timestamp) -> bool {
        let times: Vec<Timestamp> = self
            .visible()
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
        self.nav.set_height(body_height(area));
        self.nav.set_len(self.shown.len());
        let rows = self
            .visible()
            .map(|p| {
                let marked = self.marks.contains(&p.number);
                let (note, style) = match &p.status {
                    NumberStatus::AcquireFailed { reason } => {
                        (sanitize(reason).into_owned(), t.error)
                    }
                    _ => {
                        let done = p
                            .order
                            .as_ref()
                            .and_then(|o| self.completes.get(o))
                            .copied();
                        let label = match (&p.status, done) {
                            (NumberStatus::PortinInProgress, Some(at)) => {
                                format!("port date (FOC) {}", at.short())
                            }
                            (NumberStatus::PortinInProgress, None) => {
                                let step = p
                                    .port_request
                                    .as_ref()
                                    .and_then(|r| self.ports.get(r).map(|s| (r, s)));
                                match step {
                                    Some((r, RequestStatus::Submitted)) => {
                                        format!("{r}: support is reviewing")
                                    }
                                    Some((r, RequestStatus::PendingDocuments)) => {
                                        format!("{r}: submit the LOA")
                                    }
                                    Some((r, RequestStatus::ChangeRequested)) => {
                                        format!("{r}: correct the LOA")
                                    }
                                    Some((r, s)) => format!("{r}: {}", s.label()),
                                    None => String::new(),
                                }
                            }
                            (_, Some(at)) => {
                                format!("completes in {}", format_duration(cx.now.until(at)))
                            }
                            _ => String::new(),
                        };
                        (label, t.dim)
                    }
                };
                let row = Row::new(vec![
                    Cell::from(if marked { "*" } else { " " }),
                    Cell::from(p.number.national()),
                    Cell::from(status_label(&p.status)).style(if style == t.error {
                        t.error
                    } else {
                        t.accent
                    }),
                    Cell::from(p.product_type.label()),
                    Cell::from(
                        p.order
                            .as_ref()
                            .map(|o| o.to_string())
                            .unwrap_or_else(|| "-".into()),
                    ),
                    Cell::from(format_duration(p.created_at.until(cx.now))),
                    Cell::from(note).style(style),
                ]);
                if marked {
                    row.style(t.marked)
                } else {
                    row
                }
            })
            .collect();
        let widths = [
            Constraint::Length(1),
            Constraint::Length(14),
            Constraint::Length(10),
            Constraint::Length(16),
            Constraint::Length(9),
            Constraint::Length(10),
            Constraint::Fill(1),
        ];
        let mut title = String::from(" Pending ");
        if !self.filter.is_empty() {
            title.push_str(&format!("/{} ", sanitize(&self.filter)));
        }
        if !self.marks.is_empty() {
            title.push_str(&format!("{} marked ", self.marks.len()));
        }
        draw_table(
            f,
            area,
            t,
            Line::from(title),
            vec![
                "",
                "Number",
                "Status",
                "Product type",
                "Order",
                "Pending",
                "Expected / reason",
            ],
            &widths,
            rows,
            &self.nav,
            "Nothing pending. Numbers being provisioned or ported in show here.",
        );
    }
}
