//! Deletion queue: deleted numbers with when they were deleted and a live countdown of the
//! time left to restore them; Space marks several, `r` moves them back to the inventory
//! (`Action::Restore`). Refusals (the limit, a closed window) go to the status line.
//!
//! Like Inventory, it reads the key list from the status index and only the records of the
//! visible rows, so a long queue stays instant.

use super::{any_countdown_changed, Cx, DrawCx, Screen, ScreenId};
use crate::domain::*;
use crate::local_time::{self, Shown};
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::filter::Fuzzy;
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{body_height, draw_table, list_title, Nav};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};
use ratatui::Frame;
use std::collections::BTreeSet;

const STATUS: [StatusCode; 1] = [StatusCode::DeleteInProgress];

#[derive(Default)]
pub struct DeletionQueue {
    /// Every number in the queue, in E.164 order.
    keys: Vec<E164>,
    filter: String,
    filtered: Option<Vec<E164>>,
    nav: Nav,
    marks: BTreeSet<E164>,
    /// Records of the visible rows, read when the viewport or the data changed.
    rows: Vec<PhoneNumber>,
    rows_at: Option<(usize, usize, u64)>,
    generation: u64,
}

impl DeletionQueue {
    pub fn new() -> DeletionQueue {
        DeletionQueue::default()
    }

    fn list(&self) -> &[E164] {
        self.filtered.as_deref().unwrap_or(&self.keys)
    }

    fn apply_filter(&mut self) {
        self.filtered = if self.filter.trim().is_empty() {
            None
        } else {
            let mut fz = Fuzzy::new(&self.filter);
            Some(
                self.keys
                    .iter()
                    .filter(|n| fz.matches(&format!("{} {}", n, n.national())))
                    .cloned()
                    .collect(),
            )
        };
        self.generation += 1;
        self.nav.set_len(self.list().len());
    }

    /// The marked numbers, or the one under the cursor.
    fn targets(&self) -> Vec<E164> {
        if !self.marks.is_empty() {
            return self.marks.iter().cloned().collect();
        }
        self.list()
            .get(self.nav.cursor)
            .cloned()
            .into_iter()
            .collect()
    }

    fn restore(&mut self, cx: &mut Cx) {
        let numbers = self.targets();
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
            self.marks.clear();
            if !why.is_empty() {
                let done = cx.status.take().map(|s| s.text).unwrap_or_default();
                cx.say(Status::error(format!(
                    "{done} Not restorable: {}.",
                    why.join(", ")
                )));
            }
        }
    }

    fn load_rows(&mut self, engine: &crate::engine::Engine) {
        let range = self.nav.visible();
        let key = (range.start, range.len(), self.generation);
        if self.rows_at == Some(key) {
            return;
        }
        let list = self.list();
        let end = range.end.min(list.len());
        let start = range.start.min(end);
        self.rows = engine
            .store()
            .numbers_at(&list[start..end])
            .unwrap_or_default();
        self.rows_at = Some(key);
    }

    fn closes(&self, p: &PhoneNumber) -> Option<Timestamp> {
        p.restorable_until().filter(|_| !p.ported_out)
    }
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

    fn refresh(&mut self, cx: &mut Cx) {
        self.keys = cx.engine.store().numbers_in(&STATUS);
        let keys = &self.keys;
        self.marks.retain(|m| keys.binary_search(m).is_ok());
        self.apply_filter();
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        match cmd {
            Cmd::Mark => {
                if let Some(n) = self.list().get(self.nav.cursor).cloned() {
                    if !self.marks.remove(&n) {
                        self.marks.insert(n);
                    }
                    self.nav.down(1);
                }
            }
            Cmd::MarkAll => {
                let all = self.list().to_vec();
                if !all.is_empty() && all.iter().all(|n| self.marks.contains(n)) {
                    self.marks.clear();
                } else {
                    self.marks.extend(all);
                }
            }
            Cmd::Restore => self.restore(cx),
            Cmd::Back if !self.marks.is_empty() && self.filter.is_empty() => self.marks.clear(),
            c => return self.nav.apply(c),
        }
        true
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
        let deadlines = self.rows.iter().filter_map(|p| self.closes(p));
        any_countdown_changed(deadlines, before, now)
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        self.nav.set_height(body_height(area));
        self.nav.set_len(self.list().len());
        self.load_rows(cx.engine);
        let t = cx.theme;
        let wide = area.width >= 110;
        let rows: Vec<Row> = self
            .rows
            .iter()
            .map(|p| {
                let marked = self.marks.contains(&p.number);
                let left = match restorable_left(p, cx.now) {
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
                    cells.push(Cell::from(
                        self.closes(p).map(|c| c.shown()).unwrap_or_default(),
                    ));
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
        let title = list_title(t, "Deletion queue", &self.filter, None, self.marks.len());
        let empty = if self.filter.is_empty() {
            "Empty: deleted numbers wait here, restorable, until deleted for good."
        } else {
            "No numbers match the filter. Esc clears it."
        };
        draw_table(f, area, t, title, header, &widths, rows, &self.nav, empty);
    }
}
