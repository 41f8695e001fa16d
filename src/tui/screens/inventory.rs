//! Inventory: the numbers held (`Unassigned` or `Assigned`), and every action of the
//! seed's Inventory page: assign, reassign, unassign, details, product type, calling
//! names, delete, export, and provision (the wizard).
//!
//! Built for 100,000 numbers: no key list is held. The screen keeps a window of keys (the
//! visible rows) read from the status index around the cursor, and the records of those
//! rows only; the count comes from the store's counters. A key press or an engine event
//! reads O(visible rows) keys and records (a jump far from the window scans keys only, from
//! the nearest end). The `/` filter scans records lazily in E.164 order, only as far as the
//! rows on screen need, and finishes counting in the background (`idle`).

use super::names::Names;
use super::{any_countdown_changed, Cx, DrawCx, Effect, Screen, ScreenId};
use crate::domain::*;
use crate::engine::Engine;
use crate::filter::numbers::{status_words, NumberSubject, NUMBER_FIELDS};
use crate::filter::{FieldSpec, Query};
use crate::local_time::Shown;
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::confirm::Confirm;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::history;
use crate::tui::widgets::picker::Picker;
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{
    body_height, draw_table, list_title, pick_columns, sort_column, sort_letters, sort_words,
    sorted_header, Nav, Sort,
};
use crate::tui::widgets::table::{Cell, Row};
use crate::tui::widgets::text_view::TextView;
use crate::tui::widgets::{block, Dialog, DialogEvent};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use std::collections::BTreeSet;

const STATUSES: [StatusCode; 2] = [StatusCode::Unassigned, StatusCode::Assigned];
/// Records the `/` filter reads at a time (a few milliseconds).
const SCAN_STEP: usize = 256;
/// Records a new filter reads at most before its screen is drawn; `idle` reads on (the
/// title says "N+ matches, counting" meanwhile).
const KEY_PRESS_RECORDS: usize = 256;

/// The sortable columns, by their header titles. By Number ascending the list is the
/// store's index; any other sort reads every record once and keeps the sorted keys.
pub const COLUMNS: [&str; 6] = [
    "Number",
    "Type",
    "Product type",
    "Status",
    "Assigned to",
    "Calling name",
];

/// What an open dialog is for.
#[derive(Clone)]
enum Purpose {
    PickAccount {
        numbers: Vec<E164>,
    },
    PickUser {
        numbers: Vec<E164>,
        account: AccountId,
        users: Vec<UserId>,
    },
    PickKind {
        numbers: Vec<E164>,
        reassign: bool,
    },
    PickConnector {
        numbers: Vec<E164>,
        reassign: bool,
        ids: Vec<VoiceConnectorId>,
    },
    PickGroup {
        numbers: Vec<E164>,
        reassign: bool,
        ids: Vec<GroupId>,
    },
    PickSma {
        numbers: Vec<E164>,
        ids: Vec<SmaId>,
    },
    PickProductType {
        numbers: Vec<E164>,
    },
    Unassign {
        numbers: Vec<E164>,
    },
    Delete {
        numbers: Vec<E164>,
    },
    DefaultName,
    UniqueName {
        number: E164,
    },
    /// The export shown as text: nothing to do when it closes.
    Exported,
    /// `:apply`: one change to every number the filter matched, once confirmed.
    Apply {
        rows: Vec<crate::bulk::Row>,
    },
}

pub struct Inventory {
    /// Numbers in the inventory, from the store's counters.
    total: usize,
    /// Keys of the rows from position `window_at` on: the visible rows, kept in step with
    /// `nav` by `sync_window`.
    window: Vec<E164>,
    window_at: usize,
    filter: String,
    /// The filter's matches so far (None: no filter).
    scan: Option<FilterScan>,
    /// The sort chosen (None: by number, the index's order), kept for the session.
    sort: Option<Sort>,
    /// Every row's key in the chosen order, when that is not the index's (the filter's
    /// matches, all of them, when there is a filter).
    sorted: Option<Vec<E164>>,
    nav: Nav,
    marks: BTreeSet<E164>,
    /// Records of the visible rows, for `rows_at` (offset, height, generation).
    rows: Vec<PhoneNumber>,
    rows_at: Option<(usize, usize, u64)>,
    generation: u64,
    names: Names,
    details: Option<E164>,
    /// The record of the number whose details are open, as last drawn.
    details_record: Option<PhoneNumber>,
    dialog: Option<(Dialog, Purpose)>,
    default_name: NameSetting,
    /// The numbers typed after a `:` command, standing in for the marks and the cursor
    /// while the command starts the way its key does.
    given: Option<Vec<E164>>,
}

impl Default for Inventory {
    fn default() -> Self {
        Self::new()
    }
}

impl Inventory {
    pub fn new() -> Inventory {
        Inventory {
            total: 0,
            window: Vec::new(),
            window_at: 0,
            filter: String::new(),
            scan: None,
            sort: None,
            sorted: None,
            nav: Nav::default(),
            marks: BTreeSet::new(),
            rows: Vec::new(),
            rows_at: None,
            generation: 0,
            names: Names::default(),
            details: None,
            details_record: None,
            dialog: None,
            default_name: NameSetting::default(),
            given: None,
        }
    }

    fn len(&self) -> usize {
        match self.listed() {
            Some(keys) => keys.len(),
            None => self.total,
        }
    }

    /// The keys of the rows in the order shown, when the list is not the index's: the sorted
    /// rows, or the filter's matches (so far).
    fn listed(&self) -> Option<&[E164]> {
        match (&self.sorted, &self.scan) {
            (Some(keys), _) => Some(keys),
            (None, Some(scan)) => Some(&scan.matches),
            (None, None) => None,
        }
    }

    /// A sort that is not the index's order (by number, ascending).
    fn sort_needs_keys(&self) -> Option<Sort> {
        self.sort.filter(|s| s.column != 0 || s.descending)
    }

    /// Reads every row (every match of the filter) and orders their keys as chosen; rows
    /// equal in the column keep the numbers' order. Clears the list when the sort is the
    /// index's.
    fn rebuild_sorted(&mut self, engine: &Engine) {
        let Some(sort) = self.sort_needs_keys() else {
            self.sorted = None;
            return;
        };
        let store = engine.store();
        let keys = match self.scan.as_ref() {
            Some(_) => {
                self.scan_until(usize::MAX, engine);
                self.scan
                    .as_ref()
                    .map(|s| s.matches.clone())
                    .unwrap_or_default()
            }
            None => store.numbers_in(&STATUSES),
        };
        let mut rows: Vec<(String, E164)> = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(512) {
            for p in store.numbers_at(chunk).unwrap_or_default() {
                rows.push((sort_text(&p, &self.names, sort.column), p.number));
            }
        }
        rows.sort_by(|a, b| {
            let by_column = if sort.descending {
                b.0.cmp(&a.0)
            } else {
                a.0.cmp(&b.0)
            };
            by_column.then_with(|| a.1.cmp(&b.1))
        });
        self.sorted = Some(rows.into_iter().map(|(_, n)| n).collect());
    }

    /// Shift and a column's letter: sorts by it (again: the other way round); the cursor
    /// stays on its number.
    fn sort_by(&mut self, column: usize, cx: &mut Cx) {
        self.sort_as(Sort::toggled(self.sort, column), cx);
    }

    /// Sorts as `sort` says; the cursor stays on its number.
    fn sort_as(&mut self, sort: Sort, cx: &mut Cx) {
        let anchor = self.at_cursor();
        let rows_above = self.nav.cursor.saturating_sub(self.nav.offset);
        self.sort = Some(sort);
        self.rebuild_sorted(cx.engine);
        self.window.clear();
        self.nav.top();
        self.after_list_change();
        if let Some(key) = anchor {
            self.follow(&key, rows_above, cx.engine);
        }
        self.fill(cx.engine);
    }

    fn after_list_change(&mut self) {
        self.generation += 1;
        let len = self.len();
        self.nav.set_len(len);
    }

    /// The number under the cursor (the window is kept in step with the cursor).
    fn at_cursor(&self) -> Option<E164> {
        match self.listed() {
            Some(keys) => keys.get(self.nav.cursor).cloned(),
            None => self
                .nav
                .cursor
                .checked_sub(self.window_at)
                .and_then(|i| self.window.get(i))
                .cloned(),
        }
    }

    fn current(&self) -> Option<E164> {
        if let Some(d) = &self.details {
            return Some(d.clone());
        }
        self.at_cursor()
    }

    /// The marked numbers, or the one under the cursor.
    fn targets(&self) -> Vec<E164> {
        if let Some(given) = &self.given {
            return given.clone();
        }
        if self.details.is_none() && !self.marks.is_empty() {
            return self.marks.iter().cloned().collect();
        }
        self.current().into_iter().collect()
    }

    /// Marks the filter hides: marks that are not among its matches (known once the
    /// filter has read the whole list; until then, those not matched so far).
    fn hidden_marks(&self) -> usize {
        match &self.scan {
            Some(scan) if !self.marks.is_empty() => self
                .marks
                .iter()
                .filter(|m| scan.matches.binary_search(m).is_err())
                .count(),
            _ => 0,
        }
    }

    /// The numbers an action will touch, in words, with the marks the filter hides.
    fn count(&self, numbers: &[E164]) -> String {
        let hidden = if self.details.is_none()
            && self.given.is_none()
            && numbers.len() == self.marks.len()
        {
            self.hidden_marks()
        } else {
            0
        };
        format!("{}{}", count(numbers), hidden_words(hidden))
    }

    fn record(&self, cx: &Cx, n: &E164) -> Option<PhoneNumber> {
        cx.engine.store().number(n).ok().flatten()
    }

    /// Keeps `window` holding the keys of the visible rows (unfiltered), reading from the
    /// nearest of: the current window, the first number, the last number.
    fn sync_window(&mut self, engine: &Engine) {
        if self.listed().is_some() {
            return;
        }
        let h = self.nav.height.max(1);
        let want = self.nav.offset;
        let need = h.min(self.total.saturating_sub(want));
        let have = self.window_at;
        if want >= have && want + need <= have + self.window.len() {
            return;
        }
        let store = engine.store();
        let from_start = want;
        let from_end = self.total.saturating_sub(want);
        let from_window = match self.window.first() {
            Some(_) => want.abs_diff(have),
            None => usize::MAX,
        };
        let keys = if want == 0 || (from_start <= from_window && from_start <= from_end) {
            let mut v = store.numbers_from(&STATUSES, None, true, want + h);
            v.drain(..want.min(v.len()));
            v
        } else if from_end <= from_window {
            let mut v = store.numbers_before(&STATUSES, None, from_end);
            v.reverse();
            v.truncate(h);
            v
        } else {
            let anchor = self.window[0].clone();
            if want >= have {
                let skip = want - have;
                let mut v = store.numbers_from(&STATUSES, Some(&anchor), true, skip + h);
                v.drain(..skip.min(v.len()));
                v
            } else {
                let back = have - want;
                let mut v = store.numbers_before(&STATUSES, Some(&anchor), back);
                v.reverse();
                if v.len() < h {
                    v.extend(store.numbers_from(&STATUSES, Some(&anchor), true, h - v.len()));
                }
                v.truncate(h);
                v
            }
        };
        self.window = keys;
        self.window_at = want;
    }

    /// After a change in the store: the count from the counters, the window re-read from
    /// its first key, and that key's position counted again (numbers may have come or gone
    /// before it). Keys only, O(visible rows) unless the window is deep in the list.
    fn reload_window(&mut self, engine: &Engine) {
        let store = engine.store();
        let old_total = self.total;
        self.total = STATUSES.iter().map(|s| store.count(*s)).sum();
        if self.listed().is_some() {
            return;
        }
        let h = self.nav.height.max(1);
        let anchor = self.window.first().cloned();
        let (offset, cursor) = (self.nav.offset, self.nav.cursor);
        match anchor {
            Some(anchor) if offset > 0 => {
                let rank = store.count_before(&STATUSES, &anchor, offset > old_total.max(1) / 2);
                self.window = store.numbers_from(&STATUSES, Some(&anchor), true, h);
                self.window_at = rank;
                self.nav.offset = rank;
                self.nav.cursor = rank + (cursor - offset);
            }
            _ => {
                self.window = store.numbers_from(&STATUSES, None, true, h);
                self.window_at = 0;
            }
        }
    }

    /// Scans the filter's matches until `need` are known (or the list ends).
    fn scan_until(&mut self, need: usize, engine: &Engine) {
        let Some(scan) = self.scan.as_mut() else {
            return;
        };
        while !scan.done && scan.matches.len() < need {
            scan.step(engine, &self.names, SCAN_STEP);
        }
    }

    /// As `scan_until`, within what is left of the scan's first slice (`KEY_PRESS_RECORDS`,
    /// however often the key press fills the screen): a key press shows what the filter
    /// found so far within one frame, and `idle` goes on at once (a rare match in a million
    /// numbers is thousands of records away).
    fn scan_within_slice(&mut self, need: usize, engine: &Engine) {
        let Some(scan) = self.scan.as_mut() else {
            return;
        };
        while !scan.done && scan.matches.len() < need && scan.slice_left > 0 {
            scan.step(engine, &self.names, SCAN_STEP);
            scan.slice_left = scan.slice_left.saturating_sub(SCAN_STEP);
        }
    }

    /// A new filter: the cursor stays on its number when the new list holds it (clearing
    /// the filter leaves the cursor on the number that was found); else the first row.
    fn apply_filter(&mut self, cx: &Cx) {
        let anchor = self.at_cursor();
        let rows_above = self.nav.cursor.saturating_sub(self.nav.offset);
        if self.filter.trim().is_empty() {
            self.scan = None;
            self.window.clear();
        } else {
            self.scan = Some(FilterScan::new(&self.filter));
        }
        self.rebuild_sorted(cx.engine);
        self.nav.top();
        self.after_list_change();
        self.fill(cx.engine);
        if let Some(key) = anchor {
            let found = match (&self.sorted, &self.scan) {
                (Some(keys), _) => keys.contains(&key),
                // Only as far as the first screen's matches: typing stays instant.
                (None, Some(scan)) => scan.matches.binary_search(&key).is_ok(),
                (None, None) => true,
            };
            if found && self.follow(&key, rows_above, cx.engine).is_some() {
                self.nav.top();
            }
            self.fill(cx.engine);
        }
    }

    /// Puts the cursor back on `key` after the list changed, or on the row that now
    /// follows it when it is gone (the one before it at the end), keeping its line on
    /// screen. Returns what the status line says when the cursor had to move.
    fn follow(&mut self, key: &E164, rows_above: usize, engine: &Engine) -> Option<String> {
        let store = engine.store();
        let target = if let Some(keys) = &self.sorted {
            // Gone: the row that took its place in the order (the one after it).
            let i = keys
                .iter()
                .position(|k| k == key)
                .unwrap_or(self.nav.cursor)
                .min(keys.len().saturating_sub(1));
            let target = keys.get(i).cloned();
            let len = keys.len();
            self.nav.cursor = i;
            self.nav.offset = i.saturating_sub(rows_above);
            self.nav.set_len(len);
            target
        } else if let Some(scan) = self.scan.as_mut() {
            // Matches come in E.164 order: read them until one reaches the key.
            while !scan.done && scan.matches.last().is_none_or(|m| m < key) {
                scan.step(engine, &self.names, 256);
            }
            let len = scan.matches.len();
            let i = scan
                .matches
                .partition_point(|m| m < key)
                .min(len.saturating_sub(1));
            let target = scan.matches.get(i).cloned();
            self.nav.cursor = i;
            self.nav.offset = i.saturating_sub(rows_above);
            self.nav.set_len(len);
            target
        } else {
            let target = store
                .numbers_from(&STATUSES, Some(key), true, 1)
                .into_iter()
                .next()
                .or_else(|| store.numbers_before(&STATUSES, None, 1).into_iter().next());
            if let Some(t) = &target {
                self.put_cursor_on(t, rows_above, engine);
            }
            target
        };
        if target.as_ref() == Some(key) {
            return None;
        }
        let why = match store.number(key).ok().flatten().map(|p| p.place()) {
            Some(Place::Inventory) => "no longer matches the filter",
            Some(Place::DeletionQueue) => "went to the deletion queue",
            Some(Place::Pending) => "is pending again",
            None => "left the inventory",
        };
        Some(match target {
            Some(t) => format!(
                "{} {why}; the cursor moved to {}.",
                key.national(),
                t.national()
            ),
            None => format!("{} {why}.", key.national()),
        })
    }

    /// The unfiltered list with the cursor on `key` (in the inventory), `rows_above` rows
    /// below the top of the screen where the list allows. Reads keys only: the window
    /// around the key and the count of keys before it (from the nearer end).
    fn put_cursor_on(&mut self, key: &E164, rows_above: usize, engine: &Engine) {
        let store = engine.store();
        let h = self.nav.height.max(1);
        let rank = store.count_before(&STATUSES, key, self.nav.cursor > self.total / 2);
        let mut keys = store.numbers_before(&STATUSES, Some(key), rows_above.min(h - 1));
        keys.reverse();
        let above = keys.len();
        keys.extend(store.numbers_from(&STATUSES, Some(key), true, h - above));
        self.window = keys;
        self.window_at = rank - above;
        self.nav.cursor = rank;
        self.nav.offset = rank - above;
        self.nav.set_len(self.total);
        self.generation += 1;
    }

    /// Reads what the rows on screen need: the window, or enough filter matches.
    fn fill(&mut self, engine: &Engine) {
        if self.sorted.is_some() {
            let len = self.len();
            self.nav.set_len(len);
        } else if self.scan.is_some() {
            let need = self.nav.offset + self.nav.height.max(1) + 1;
            self.scan_within_slice(need, engine);
            let len = self.len();
            self.nav.set_len(len);
        } else {
            self.sync_window(engine);
        }
    }

    fn open(&mut self, dialog: Dialog, purpose: Purpose) {
        self.dialog = Some((dialog, purpose));
    }

    fn need_targets(&self, cx: &mut Cx) -> Option<Vec<E164>> {
        let t = self.targets();
        if t.is_empty() {
            cx.say(Status::error(RuleError::NothingSelected.to_string()));
            None
        } else {
            Some(t)
        }
    }

    fn start_assign(&mut self, cx: &mut Cx, reassign: bool) {
        let Some(numbers) = self.need_targets(cx) else {
            return;
        };
        let Some(first) = self.record(cx, &numbers[0]) else {
            return;
        };
        if self.refused_before_pickers(cx, &numbers, reassign) {
            return;
        }
        if first.product_type == ProductType::BusinessCalling {
            if reassign {
                cx.say(Status::error(
                    RuleError::ReassignBusinessCalling(first.number).to_string(),
                ));
                return;
            }
            let items = self
                .names
                .accounts
                .iter()
                .map(|a| one_line(&a.name).into_owned())
                .collect();
            let p = Picker::new(
                "Assign: account",
                format!(
                    "{}: choose the account the user belongs to",
                    self.count(&numbers)
                ),
                items,
            )
            .empty("No accounts yet: create one on the Directory screen first.");
            self.open(Dialog::Pick(p), Purpose::PickAccount { numbers });
        } else if first
            .product_type
            .takes(AssigneeKind::SipMediaApplication)
            .is_ok()
        {
            // A SIP Media Application Dial-In number goes to a SIP media application only.
            if reassign {
                cx.say(Status::error(
                    RuleError::ReassignSipMediaApplication(first.number).to_string(),
                ));
                return;
            }
            let apps = &self.names.sip_media_apps;
            let items = apps
                .iter()
                .map(|a| format!("{} ({})", one_line(&a.name), a.region))
                .collect();
            let ids = apps.iter().map(|a| a.id.clone()).collect();
            let p = Picker::new(
                "Assign: SIP media application",
                format!(
                    "{}: a SIP rule will route it to the application",
                    self.count(&numbers)
                ),
                items,
            )
            .empty("No SIP media applications yet: create one on the Directory screen first.");
            self.open(Dialog::Pick(p), Purpose::PickSma { numbers, ids });
        } else {
            let title = if reassign {
                "Reassign: assignment type"
            } else {
                "Assign: assignment type"
            };
            let items = vec![
                "Voice connector".to_string(),
                "Voice connector group".to_string(),
            ];
            let p = Picker::new(title, format!("{}: assign to", self.count(&numbers)), items);
            self.open(Dialog::Pick(p), Purpose::PickKind { numbers, reassign });
        }
    }

    fn on_dialog_done(
        &mut self,
        purpose: Purpose,
        picked: Option<usize>,
        form_values: Vec<String>,
        cx: &mut Cx,
    ) -> Result<(), String> {
        let i = picked.unwrap_or(0);
        if let Purpose::Apply { rows } = purpose {
            self.apply_rows(&rows, cx);
            return Ok(());
        }
        let action = match purpose {
            Purpose::PickAccount { numbers } => {
                let Some(account) = self.names.accounts.get(i).map(|a| a.id.clone()) else {
                    return Ok(());
                };
                let users: Vec<&User> = self
                    .names
                    .users
                    .iter()
                    .filter(|u| u.account == account)
                    .collect();
                let items = users
                    .iter()
                    .map(|u| {
                        let has = u
                            .phone_number
                            .as_ref()
                            .map(|n| format!("  (has {n})"))
                            .unwrap_or_default();
                        format!("{} <{}>{has}", one_line(&u.name), one_line(&u.email))
                    })
                    .collect();
                let ids = users.iter().map(|u| u.id.clone()).collect();
                let p = Picker::new(
                    "Assign: user",
                    format!("Account {}: choose the user", self.names.of(&account.0)),
                    items,
                )
                .empty("This account has no users yet.");
                self.open(
                    Dialog::Pick(p),
                    Purpose::PickUser {
                        numbers,
                        account,
                        users: ids,
                    },
                );
                return Ok(());
            }
            Purpose::PickUser {
                numbers,
                account,
                users,
            } => {
                let Some(user) = users.get(i).cloned() else {
                    return Ok(());
                };
                Action::Assign {
                    numbers,
                    to: Assignee::User { account, user },
                }
            }
            Purpose::PickKind { numbers, reassign } => {
                let verb = if reassign { "Reassign" } else { "Assign" };
                if i == 0 {
                    let items = self
                        .names
                        .connectors
                        .iter()
                        .map(|c| format!("{} ({})", one_line(&c.name), c.region))
                        .collect();
                    let ids = self.names.connectors.iter().map(|c| c.id.clone()).collect();
                    let p = Picker::new(
                        format!("{verb}: voice connector"),
                        "Choose the voice connector",
                        items,
                    )
                    .empty("No voice connectors yet: create one on the Directory screen first.");
                    self.open(
                        Dialog::Pick(p),
                        Purpose::PickConnector {
                            numbers,
                            reassign,
                            ids,
                        },
                    );
                } else {
                    let items = self
                        .names
                        .groups
                        .iter()
                        .map(|g| one_line(&g.name).into_owned())
                        .collect();
                    let ids = self.names.groups.iter().map(|g| g.id.clone()).collect();
                    let p = Picker::new(
                        format!("{verb}: voice connector group"),
                        "Choose the group",
                        items,
                    )
                    .empty(
                        "No voice connector groups yet: create one on the Directory screen first.",
                    );
                    self.open(
                        Dialog::Pick(p),
                        Purpose::PickGroup {
                            numbers,
                            reassign,
                            ids,
                        },
                    );
                }
                return Ok(());
            }
            Purpose::PickConnector {
                numbers,
                reassign,
                ids,
            } => match ids.get(i).cloned() {
                Some(id) => assign_action(numbers, Assignee::VoiceConnector(id), reassign),
                None => return Ok(()),
            },
            Purpose::PickGroup {
                numbers,
                reassign,
                ids,
            } => match ids.get(i).cloned() {
                Some(id) => assign_action(numbers, Assignee::VoiceConnectorGroup(id), reassign),
                None => return Ok(()),
            },
            Purpose::PickSma { numbers, ids } => match ids.get(i).cloned() {
                Some(id) => Action::Assign {
                    numbers,
                    to: Assignee::SipMediaApplication(id),
                },
                None => return Ok(()),
            },
            Purpose::PickProductType { numbers } => Action::SwitchProductType {
                numbers,
                product_type: ProductType::ALL[i.min(1)],
            },
            Purpose::Unassign { numbers } => Action::Unassign { numbers },
            Purpose::Delete { numbers } => Action::Delete { numbers },
            Purpose::DefaultName => match CallingName::parse(&form_values[0]) {
                Ok(name) => Action::SetDefaultCallingName { name },
                Err(e) => return Err(e.to_string()),
            },
            Purpose::UniqueName { number } => match CallingName::parse(&form_values[0]) {
                Ok(name) => Action::SetUniqueCallingName { number, name },
                Err(e) => return Err(e.to_string()),
            },
            Purpose::Exported | Purpose::Apply { .. } => return Ok(()),
        };
        let affected: Vec<E164> = match &action {
            Action::Assign { numbers, .. }
            | Action::Reassign { numbers, .. }
            | Action::Unassign { numbers }
            | Action::Delete { numbers }
            | Action::SwitchProductType { numbers, .. } => numbers.clone(),
            _ => Vec::new(),
        };
        let is_form = matches!(
            action,
            Action::SetDefaultCallingName { .. } | Action::SetUniqueCallingName { .. }
        );
        match cx.dispatch(action) {
            Ok(_) => {
                for n in &affected {
                    self.marks.remove(n);
                }
                Ok(())
            }
            // A form stays open with the refusal beside its fields.
            Err(e) if is_form => Err(e),
            Err(_) => Ok(()),
        }
    }
}

impl Inventory {
    /// Every row the list holds: the whole inventory, or every match (read now).
    fn every_listed(&mut self, cx: &mut Cx) -> Vec<E164> {
        match self.scan.as_mut() {
            _ if self.sorted.is_some() => self.sorted.clone().unwrap_or_default(),
            Some(_) => {
                self.scan_until(usize::MAX, cx.engine);
                self.after_list_change();
                self.scan
                    .as_ref()
                    .map(|s| s.matches.clone())
                    .unwrap_or_default()
            }
            None => cx.engine.store().numbers_in(&STATUSES),
        }
    }

    /// `:apply CHANGE [VALUE]`: the change for every number the filter matches (the whole
    /// inventory without one), checked first; a confirmation says how many and how many
    /// the rules refuse.
    fn start_apply(&mut self, args: &[String], cx: &mut Cx) {
        let Some((change, value)) = args.split_first() else {
            cx.say(Status::error(
                "say the change: :apply assign vc:NAME, unassign, label TEXT, product-type vc, calling-name NAME or delete",
            ));
            return;
        };
        let value = value.join(" ");
        let rows: Vec<crate::bulk::Row> = self
            .every_listed(cx)
            .into_iter()
            .enumerate()
            .map(|(i, n)| crate::bulk::Row {
                line: i + 1,
                number: n.to_string(),
                change: change.clone(),
                value: value.clone(),
            })
            .collect();
        if rows.is_empty() {
            cx.say(Status::error(
                "No numbers match the filter: nothing to apply.",
            ));
            return;
        }
        let mut no_dispatch = |_| Err(String::new());
        let checked =
            match crate::bulk::apply(cx.engine, cx.actor, &rows, true, cx.now, &mut no_dispatch) {
                Ok(r) => r,
                Err(e) => {
                    cx.say(Status::error(e.to_string()));
                    return;
                }
            };
        let would = checked
            .iter()
            .filter(|r| r.result == crate::bulk::RowResult::Would)
            .count();
        if would == 0 {
            let why = checked
                .first()
                .map(|r| r.message.clone())
                .unwrap_or_default();
            cx.say(Status::error(format!(
                "The change applies to none of the {} numbers: {}",
                rows.len(),
                one_line(&why)
            )));
            return;
        }
        let what = one_line(&format!("{change} {value}")).trim().to_string();
        let scope = if self.filter.is_empty() {
            "in the inventory".to_string()
        } else {
            format!("matching “{}”", one_line(&self.filter))
        };
        let c = Confirm::new(
            "Apply to the filter's numbers",
            "apply",
            format!("Apply “{what}” to {}", self.count(&rows_numbers(&rows))),
        )
        .line(format!("Every number {scope}: {} rows.", rows.len()))
        .line(format!(
            "{would} can take it now; {} cannot (the report after says why).",
            rows.len() - would
        ));
        self.open(Dialog::Confirm(c), Purpose::Apply { rows });
    }

    /// Applies confirmed rows and shows the report, one line per number.
    fn apply_rows(&mut self, rows: &[crate::bulk::Row], cx: &mut Cx) {
        let (engine, actor, now) = (cx.engine, cx.actor, cx.now);
        let mut dispatch = |action| cx.dispatch(action);
        let reports = match crate::bulk::apply(engine, actor, rows, false, now, &mut dispatch) {
            Ok(r) => r,
            Err(e) => {
                cx.say(Status::error(e.to_string()));
                return;
            }
        };
        let done = reports
            .iter()
            .filter(|r| r.result == crate::bulk::RowResult::Done)
            .count();
        let text: String = reports
            .iter()
            .map(|r| {
                format!(
                    "{:<14} {:<8} {}\n",
                    r.number,
                    r.result.word(),
                    one_line(&r.message)
                )
            })
            .collect();
        let intro = format!(
            "{done} of {} numbers done; a refused number leaves the others done.",
            reports.len()
        );
        cx.say(Status::ok(intro.clone()));
        self.open(
            Dialog::Text(TextView::new(vec![intro], &text)),
            Purpose::Exported,
        );
    }
}

fn rows_numbers(rows: &[crate::bulk::Row]) -> Vec<E164> {
    rows.iter()
        .filter_map(|r| E164::parse(&r.number).ok())
        .collect()
}

/// The commands that take numbers typed after them on the `:` line.
const TAKES_NUMBERS: [Cmd; 7] = [
    Cmd::PortOutNumbers,
    Cmd::Assign,
    Cmd::Reassign,
    Cmd::Unassign,
    Cmd::Delete,
    Cmd::SwitchProductType,
    Cmd::UniqueCallingName,
];

impl Inventory {
    /// `:assign +12065550123 vc "Main trunk"`, `:delete +12065550123`, `:product-type
    /// +12065550123 bc`, `:calling-name +12065550123 "Acme Sales"`, `:default-name Acme`:
    /// the numbers first (none: the marks or the cursor's, as the key), then the command
    /// line's words for the rest. Whatever is not given opens the key's dialog.
    fn run_with_args(&mut self, cmd: Cmd, args: &[String], cx: &mut Cx) {
        if cmd == Cmd::DefaultCallingName {
            let action = CallingName::parse(&args.join(" "))
                .map(|name| Action::SetDefaultCallingName { name });
            return self.act(action.map_err(|e| e.to_string()), cx);
        }
        let split = args
            .iter()
            .position(|a| !looks_like_a_number(a))
            .unwrap_or(args.len());
        let (typed, rest) = args.split_at(split);
        let Some(numbers) = super::typed_numbers(typed, cx) else {
            return;
        };
        // Acting at once (no dialog to count them in) on marks the filter hides would
        // touch rows not on screen unannounced: say so instead.
        let hidden = self.hidden_marks();
        if numbers.is_empty() && !rest.is_empty() && self.details.is_none() && hidden > 0 {
            cx.say(Status::error(format!(
                "{hidden} of {} {} hidden by the filter: give the numbers, or clear the filter (Esc) to see them first",
                counted(self.marks.len() as u64, "marked number"),
                if hidden == 1 { "is" } else { "are" }
            )));
            return;
        }
        if !numbers.is_empty() {
            self.given = Some(numbers);
        }
        let reassign = cmd == Cmd::Reassign;
        match (cmd, rest) {
            (_, []) => {
                self.on_cmd(cmd, cx);
            }
            (Cmd::Assign | Cmd::Reassign, [kind, name @ ..]) => {
                let action = self.assign_typed(kind, &name.join(" "), reassign);
                if let Some(numbers) = self.need_targets(cx) {
                    self.act(action.map(|to| assign_action(numbers, to, reassign)), cx);
                }
            }
            (Cmd::SwitchProductType, [word]) => {
                let action = ProductType::read(word);
                if let Some(numbers) = self.need_targets(cx) {
                    let action = action.map(|product_type| Action::SwitchProductType {
                        numbers,
                        product_type,
                    });
                    self.act(action, cx);
                }
            }
            (Cmd::UniqueCallingName, name) => {
                let name = CallingName::parse(&name.join(" ")).map_err(|e| e.to_string());
                match self.need_targets(cx).as_deref() {
                    Some([number]) => {
                        let number = number.clone();
                        let action = name.map(|name| Action::SetUniqueCallingName { number, name });
                        self.act(action, cx);
                    }
                    Some(_) => cx.say(Status::error(
                        "a unique calling name is set one number at a time: give one number",
                    )),
                    None => {}
                }
            }
            (_, [first, ..]) => cx.say(Status::error(format!(
                ":{} takes phone numbers only; “{}” is not one",
                crate::tui::keys::info(cmd).name,
                one_line(first)
            ))),
        }
        self.given = None;
    }

    /// Where `:assign` sends the numbers: a kind in the command line's words (`vc`,
    /// `group`, `user`, `sma`) and an id or name, read by the shared lookup.
    fn assign_typed(&self, kind: &str, name: &str, reassign: bool) -> Result<Assignee, String> {
        let verb = if reassign { "reassign" } else { "assign" };
        let kind = AssigneeKind::parse(kind).ok_or_else(|| {
            format!(
                "“{}” is not where numbers go: use :{verb} NUMBERS user|vc|group|sma NAME",
                one_line(kind)
            )
        })?;
        if name.trim().is_empty() {
            return Err(format!("say which one: :{verb} NUMBERS vc \"Main trunk\""));
        }
        self.names
            .lists()
            .assignee(kind, name)
            .map_err(|e| e.to_string())
    }

    /// Sends a typed action through the same checks as the key's (nothing opens when the
    /// rules refuse it), or says what was wrong with the words typed.
    fn act(&mut self, action: Result<Action, String>, cx: &mut Cx) {
        let action = match action {
            Ok(a) => a,
            Err(words) => return cx.say(Status::error(one_line(&words).into_owned())),
        };
        if cx.refuses(&action) {
            return;
        }
        if cx.dispatch(action).is_ok() {
            for n in self.targets() {
                self.marks.remove(&n);
            }
        }
    }

    fn start_unassign(&mut self, cx: &mut Cx) {
        let Some(numbers) = self.need_targets(cx) else {
            return;
        };
        if cx.refuses(&Action::Unassign {
            numbers: numbers.clone(),
        }) {
            return;
        }
        let mut c = Confirm::new(
            "Unassign phone numbers",
            "unassign",
            format!("Unassign {}", self.count(&numbers)),
        );
        for n in numbers.iter().take(5) {
            let who = self
                .record(cx, n)
                .and_then(|p| p.assignee().map(|a| self.names.assignee(a)));
            c = c.line(format!(
                "{}  {}",
                n.national(),
                who.unwrap_or_else(|| "not assigned".into())
            ));
        }
        if numbers.len() > 5 {
            c = c.line(format!("... and {} more", numbers.len() - 5));
        }
        self.open(Dialog::Confirm(c), Purpose::Unassign { numbers });
    }

    fn start_delete(&mut self, cx: &mut Cx) {
        let Some(numbers) = self.need_targets(cx) else {
            return;
        };
        if cx.refuses(&Action::Delete {
            numbers: numbers.clone(),
        }) {
            return;
        }
        let days = long_duration(cx.engine.policy().deletion_retention);
        let mut c = Confirm::new(
            "Delete phone numbers",
            "delete",
            format!("Delete {}", self.count(&numbers)),
        )
        .line(format!(
            "Deleted numbers stay in the Deletion queue for {days}, restorable until then."
        ));
        for n in numbers.iter().take(5) {
            c = c.line(format!("  {}  {}", n.national(), n));
        }
        if numbers.len() > 5 {
            c = c.line(format!("  ... and {} more", numbers.len() - 5));
        }
        self.open(Dialog::Confirm(c), Purpose::Delete { numbers });
    }

    fn start_product_type(&mut self, cx: &mut Cx) {
        let Some(numbers) = self.need_targets(cx) else {
            return;
        };
        let items = ProductType::ALL
            .iter()
            .map(|p| p.label().to_string())
            .collect();
        let mut p = Picker::new(
            "Edit product type",
            format!(
                "{}: switch to (unassigned numbers only)",
                self.count(&numbers)
            ),
            items,
        );
        // Preselect the type the numbers are not: Enter then switches them.
        let store = cx.engine.store();
        let mut current = numbers
            .iter()
            .take(1000)
            .map(|n| store.number(n).ok().flatten().map(|p| p.product_type));
        if let Some(Some(first)) = current.next() {
            if current.all(|t| t == Some(first)) {
                p.selected = ProductType::ALL
                    .iter()
                    .position(|t| *t != first)
                    .unwrap_or(0);
                // One type: the switch to the other is the only one; refuse it at once
                // when the rules would (a toll-free or an assigned number).
                let switch = Action::SwitchProductType {
                    numbers: numbers.clone(),
                    product_type: ProductType::ALL[p.selected],
                };
                if cx.refuses(&switch) {
                    return;
                }
            }
        }
        self.open(Dialog::Pick(p), Purpose::PickProductType { numbers });
    }

    /// Refuses assign and reassign before the pickers when a selected number cannot take
    /// it whatever is picked: assigning one already assigned, reassigning one that is not.
    /// The rules say why: the action is asked of them with the number's own assignee
    /// (assign), or the refusal is theirs (reassign).
    fn refused_before_pickers(&self, cx: &mut Cx, numbers: &[E164], reassign: bool) -> bool {
        let records = cx.engine.store().numbers_at(numbers).unwrap_or_default();
        for p in &records {
            match (p.assignee(), reassign) {
                (Some(to), false) => {
                    let probe = Action::Assign {
                        numbers: vec![p.number.clone()],
                        to: to.clone(),
                    };
                    if cx.refuses(&probe) {
                        return true;
                    }
                }
                (None, true) => {
                    cx.say(Status::error(
                        RuleError::NotAssigned(p.number.clone()).to_string(),
                    ));
                    return true;
                }
                _ => {}
            }
        }
        false
    }

    /// The port-out form for the marked numbers (or the one under the cursor), refused
    /// first, in the rules' words, when they could not be ported out: asked of the rules
    /// as the request the form would submit (with a stand-in email, typed in the form).
    fn start_port_out(&mut self, cx: &mut Cx) {
        let Some(numbers) = self.need_targets(cx) else {
            return;
        };
        let Some(first) = self.record(cx, &numbers[0]) else {
            return;
        };
        let probe = Action::SubmitRequest(NewRequest::PortOut {
            form: PortOut {
                numbers: numbers.clone(),
                product_type: first.product_type,
            },
            email: "probe@example.com".into(),
        });
        if cx.refuses(&probe) {
            return;
        }
        cx.say(Status::info(format!(
            "Port out {}: check the form and give your email.",
            self.count(&numbers)
        )));
        cx.emit(Effect::PortOut(numbers, first.product_type));
    }

    fn start_default_name(&mut self, cx: &mut Cx) {
        // Refused at once while an update is on its way or in its cooldown: asked of the
        // rules with a name that differs from the current one.
        let probe = match self.default_name.current {
            Some(_) => None,
            None => CallingName::parse("Probe").ok().flatten(),
        };
        if cx.refuses(&Action::SetDefaultCallingName { name: probe }) {
            return;
        }
        let s = &self.default_name;
        let current = s.shown().map(|n| n.to_string()).unwrap_or_default();
        let policy = cx.engine.policy();
        let mut form = Form::new("Update default calling name", "save")
            .intro(if current.is_empty() { "Now: not set".to_string() } else { format!("Now: {} ({})", one_line(&current), s.status.label()) })
            .intro(format!(
                "Shown to recipients of outbound calls from every number. Changes once every {}; takes effect within {}.",
                long_duration(policy.default_name_cooldown),
                long_duration(policy.name_update)
            ));
        form = form.field(Field::new(
            "Default calling name",
            &current,
            "2-15 letters, digits, spaces; empty clears",
            name_check(),
        ));
        self.open(Dialog::Form(form), Purpose::DefaultName);
    }

    fn start_unique_name(&mut self, cx: &mut Cx) {
        let Some(number) = self.current() else {
            cx.say(Status::error(RuleError::NothingSelected.to_string()));
            return;
        };
        let Some(p) = self.record(cx, &number) else {
            return;
        };
        let current = p
            .calling_name
            .shown()
            .map(|n| n.to_string())
            .unwrap_or_default();
        let form = Form::new(
            format!("Unique calling name of {}", number.national()),
            "save",
        )
        .intro(format!(
            "Takes effect within {}; it cannot change again until that update completes.",
            long_duration(cx.engine.policy().name_update)
        ))
        .field(Field::new(
            "Unique calling name",
            &one_line(&current),
            "2-15 letters, digits, spaces; empty clears",
            name_check(),
        ));
        self.open(Dialog::Form(form), Purpose::UniqueName { number });
    }

    fn export(&mut self, cx: &mut Cx) {
        if let Some(save_with) = cx.export_on_screen {
            return self.export_on_screen(cx, save_with);
        }
        let name = format!(
            "phonedesk-inventory-{}.csv",
            cx.now
                .rfc3339()
                .replace([':', '-'], "")
                .trim_end_matches('Z')
        );
        let path = cx.export_dir.join(name);
        let written = std::fs::File::create(&path)
            .map_err(|e| crate::text::plain_io(&e).into())
            .and_then(|file| self.write_csv(cx, std::io::BufWriter::new(file)));
        match written {
            Ok((n, _)) => cx.say(Status::ok(format!(
                "Exported {n} numbers to {}",
                path.display()
            ))),
            Err(e) => cx.say(Status::error(format!(
                "could not export to {}: {e}",
                path.display()
            ))),
        }
    }

    /// In an SSH session the export goes to the administrator's terminal as CSV text to
    /// copy, with the command that saves it as a file on their own machine: nothing is
    /// written on the server, whoever presses the key.
    fn export_on_screen(&mut self, cx: &mut Cx, save_with: &str) {
        match self.write_csv(cx, Vec::new()) {
            Ok((n, csv)) => {
                let intro = vec![
                    format!(
                        "Export: {n} numbers as CSV, to select and copy (nothing is saved on the server)."
                    ),
                    format!("To save them as a file on your machine, run: {save_with}"),
                ];
                let text = String::from_utf8_lossy(&csv);
                self.open(Dialog::Text(TextView::new(intro, &text)), Purpose::Exported);
            }
            Err(e) => cx.say(Status::error(format!("could not export: {e}"))),
        }
    }

    /// The inventory as the command line's `export` writes it (one CSV writer for both);
    /// the number of rows and the output back.
    fn write_csv<W: std::io::Write>(
        &self,
        cx: &Cx,
        out: W,
    ) -> Result<(usize, W), Box<dyn std::error::Error>> {
        let store = cx.engine.store();
        let keys = store.numbers_in(&STATUSES);
        let names = crate::export::Names::load(cx.engine)?;
        let mut w = crate::export::CsvWriter::new(out)?;
        for chunk in keys.chunks(512) {
            for p in store.numbers_at(chunk)? {
                w.number(cx.engine, &names, &p)?;
            }
        }
        let (rows, mut out) = w.finish()?;
        out.flush()?;
        Ok((rows, out))
    }

    /// Loads the records of the visible rows when the viewport moved or the data changed.
    fn load_rows(&mut self, engine: &Engine) {
        self.fill(engine);
        let range = self.nav.visible();
        let key = (range.start, range.len(), self.generation);
        if self.rows_at == Some(key) {
            return;
        }
        let keys: Vec<E164> = match self.listed() {
            Some(listed) => {
                let end = range.end.min(listed.len());
                listed[range.start.min(end)..end].to_vec()
            }
            None => {
                let start = range
                    .start
                    .saturating_sub(self.window_at)
                    .min(self.window.len());
                let end = (start + range.len()).min(self.window.len());
                self.window[start..end].to_vec()
            }
        };
        self.rows = engine.store().numbers_at(&keys).unwrap_or_default();
        self.rows_at = Some(key);
    }

    fn calling_name_cell(&self, p: &PhoneNumber, now: Timestamp, long: bool) -> String {
        let name = p
            .calling_name
            .shown()
            .map(|n| one_line(n.as_str()).into_owned());
        match (&p.calling_name.pending, name) {
            (Some(pending), n) => {
                let left = format_duration(now.until(pending.completes_at));
                let n = n.unwrap_or_else(|| "(clearing)".into());
                if long {
                    format!("{n}: update in progress, completes in {left}")
                } else {
                    format!("{n} (in {left})")
                }
            }
            (None, Some(n)) => n,
            (None, None) => "-".into(),
        }
    }

    fn draw_list(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        self.nav.set_height(body_height(area));
        self.nav.set_len(self.len());
        self.load_rows(cx.engine);
        let wide = area.width >= 110;
        let t = cx.theme;
        let remote = cx.engine.remote().is_some();
        let rows: Vec<Row> = self
            .rows
            .iter()
            .map(|p| {
                let marked = self.marks.contains(&p.number);
                let who = p
                    .assignee()
                    .map(|a| self.names.assignee(a))
                    .unwrap_or_else(|| "-".into());
                let status = Span::raw(status_words(p));
                // A change on its way to a remote carrier shows instead, until answered.
                let status = match remote.then(|| cx.engine.store().job_on_number(&p.number)) {
                    Some(Some(j)) if j.is_failed() => Span::styled("Job failed", t.warn),
                    Some(Some(_)) => Span::styled("Sending…", t.dim),
                    _ => status,
                };
                let product = if wide {
                    p.product_type.label()
                } else {
                    p.product_type.short()
                };
                let mut cells = vec![
                    // Unstyled when unmarked: a styled blank costs bytes on every move.
                    if marked {
                        Cell::from("*").style(t.marked)
                    } else {
                        Cell::from(" ")
                    },
                    Cell::from(p.number.national()),
                ];
                if wide {
                    cells.push(Cell::from(p.number.to_string()));
                }
                cells.push(Cell::from(p.number_type.label()));
                cells.push(Cell::from(product));
                cells.push(Cell::from(status));
                cells.push(Cell::from(who));
                cells.push(Cell::from(self.calling_name_cell(p, cx.now, false)));
                if wide {
                    let (calls, sms) = self.names.calls_and_sms(p);
                    cells.push(Cell::from(yes_no(calls)));
                    cells.push(Cell::from(yes_no(sms)));
                }
                let row = Row::new(cells);
                if marked {
                    row.style(t.marked)
                } else {
                    row
                }
            })
            .collect();
        let (titles, widths): (Vec<&str>, Vec<Constraint>) = if wide {
            (
                vec![
                    "",
                    "Number",
                    "E.164",
                    "Type",
                    "Product type",
                    "Status",
                    "Assigned to",
                    "Calling name",
                    "Calls",
                    "SMS",
                ],
                vec![
                    Constraint::Length(1),
                    Constraint::Length(14),
                    Constraint::Length(12),
                    Constraint::Length(9),
                    Constraint::Length(16),
                    Constraint::Length(10),
                    Constraint::Fill(1),
                    Constraint::Fill(1),
                    Constraint::Length(5),
                    Constraint::Length(3),
                ],
            )
        } else {
            (
                vec![
                    "",
                    "Number",
                    "Type",
                    "Product",
                    "Status",
                    "Assigned to",
                    "Calling name",
                ],
                vec![
                    Constraint::Length(1),
                    Constraint::Length(14),
                    Constraint::Length(9),
                    Constraint::Length(8),
                    Constraint::Length(10),
                    Constraint::Fill(1),
                    Constraint::Fill(1),
                ],
            )
        };
        let header = sorted_header(t, &titles, &COLUMNS, self.sort);
        let counting =
            self.scan.as_ref().filter(|s| !s.done).map(|scan| {
                Span::styled(format!("{}+ matches, counting ", scan.matches.len()), t.dim)
            });
        let hidden = match &self.scan {
            Some(scan) if scan.done => self.hidden_marks(),
            _ => 0,
        };
        let title = list_title(
            t,
            "Inventory",
            &self.filter,
            counting,
            self.marks.len(),
            hidden,
        );
        let empty = if self.filter.is_empty() {
            "No numbers in the inventory yet. Press p to provision phone numbers."
        } else if self.scan.as_ref().is_some_and(|s| !s.done) {
            "Looking for numbers that match the filter…"
        } else {
            "No numbers match the filter. Esc clears it."
        };
        let (header, widths, rows) = pick_columns(cx.columns, header, &widths, rows);
        draw_table(f, area, t, title, header, &widths, rows, &self.nav, empty);
    }

    fn draw_details(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx, number: &E164) {
        let t = cx.theme;
        // The long names where they fit, the short ones at 80 columns: never a cut key.
        let keys = [
            " a assign  r reassign  u unassign  n calling name  t product type  d delete  Esc back ",
            " a assign  r reassign  u unassign  n name  t type  d delete  Esc back ",
        ]
        .into_iter()
        .find(|k| k.chars().count() + 2 <= area.width as usize)
        .unwrap_or(" a r u n t d  Esc back ");
        let b = block(t, format!(" Inventory › {} ", number.national()))
            .title_bottom(Line::from(keys).style(t.dim));
        let Some(p) = cx.engine.store().number(number).ok().flatten() else {
            f.render_widget(
                Paragraph::new("This number is no longer in the inventory.").block(b),
                area,
            );
            return;
        };
        self.details_record = Some(p.clone());
        let kv = |k: &str, v: String| {
            Line::from(vec![Span::styled(format!("{k:<22}"), t.dim), Span::raw(v)])
        };
        // What is on its way to a remote carrier for this number, and where it stands.
        let job: Vec<Line> = match cx.engine.store().job_on_number(&p.number) {
            Some(j) => {
                let mut lines = vec![kv(
                    "Carrier job",
                    format!(
                        "{}: {} ({})",
                        j.id,
                        one_line(&j.describe()),
                        one_line(&j.state_words(Shown::shown))
                    ),
                )];
                if j.is_failed() {
                    lines.push(kv(
                        "",
                        "On the Jobs screen, R sends it again and x cancels it.".into(),
                    ));
                }
                lines
            }
            None => Vec::new(),
        };
        let who = match p.assignee() {
            Some(a) => format!("{} ({})", self.names.assignee(a), a.kind_label()),
            None => "not assigned".into(),
        };
        let caps = p.capabilities;
        let (calls_on, sms_on) = self.names.calls_and_sms(&p);
        let lines = vec![
            kv(
                "Phone number",
                format!("{}   {}", p.number.national(), p.number),
            ),
            kv("Type", p.number_type.label().into()),
            kv("Product type", p.product_type.label().into()),
            kv(
                "Status",
                if p.ported_out {
                    format!(
                        "{} (ported out to another carrier: unassign and delete it)",
                        p.status_name()
                    )
                } else {
                    p.status_name().into()
                },
            ),
            kv("Assigned to", who),
            kv("Calling name", self.calling_name_cell(&p, cx.now, true)),
            kv("Calling name status", p.calling_name.status.label().into()),
            kv("Calls enabled", yes_no(calls_on).into()),
            kv("SMS enabled", yes_no(sms_on).into()),
            kv(
                "Capabilities",
                format!(
                    "calls in {}, out {}; SMS in {}, out {}",
                    yes_no(caps.inbound_call),
                    yes_no(caps.outbound_call),
                    yes_no(caps.inbound_sms),
                    yes_no(caps.outbound_sms)
                ),
            ),
            kv(
                "Label",
                one_line(p.label.as_deref().unwrap_or("-")).into_owned(),
            ),
            kv(
                "Order",
                p.order
                    .as_ref()
                    .map(|o| o.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
            kv("Created", p.created_at.shown()),
            kv("Updated", p.updated_at.shown()),
        ];
        let mut lines: Vec<Line> = job.into_iter().chain(lines).collect();
        // Its latest history in the rows left (two for the heading and the gap).
        let room = (area.height as usize).saturating_sub(2 + lines.len() + 2);
        if room > 0 {
            let mut entries = cx.engine.store().history(number, room).unwrap_or_default();
            entries.reverse();
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                "History, newest first (all of it: phonedesk history NUMBER)",
                t.dim,
            ));
            if entries.is_empty() {
                lines.push(Line::styled("Nothing recorded yet.", t.dim));
            }
            lines.extend(history::timeline(t, &self.names, number, &entries));
        }
        // Wrapped: a long line takes more rows and the oldest history lines give way.
        f.render_widget(
            Paragraph::new(lines).block(b).wrap(Wrap { trim: false }),
            area,
        );
    }
}

impl Screen for Inventory {
    fn id(&self) -> ScreenId {
        ScreenId::Inventory
    }

    fn scope(&self) -> Scope {
        Scope::Inventory
    }

    fn copy_text(&self) -> Option<String> {
        self.details
            .clone()
            .or_else(|| self.current())
            .map(|n| n.to_string())
    }

    fn refresh(&mut self, cx: &mut Cx) {
        // The cursor follows its number, not its position (another order may land above).
        let anchor = self.at_cursor();
        let rows_above = self.nav.cursor.saturating_sub(self.nav.offset);
        let store = cx.engine.store();
        self.names = Names::load(cx.engine);
        self.default_name = store
            .settings()
            .map(|s| s.default_calling_name)
            .unwrap_or_default();
        if anchor.is_some() {
            // `follow` reads the window around the cursor's number below.
            self.total = STATUSES.iter().map(|s| store.count(*s)).sum();
        } else {
            self.reload_window(cx.engine);
        }
        if let Some(scan) = self.scan.as_mut() {
            // Records changed: match again, as far as the cursor needs within a key press's
            // slice (`follow` reads on to the cursor's number; `idle` does the rest).
            *scan = FilterScan::new(&self.filter);
            let need = self.nav.cursor.max(self.nav.offset) + self.nav.height.max(1) + 1;
            self.scan_within_slice(need, cx.engine);
        }
        self.rebuild_sorted(cx.engine);
        // Marks of numbers that left the inventory go (one lookup per mark).
        self.marks.retain(|m| {
            store
                .number(m)
                .ok()
                .flatten()
                .is_some_and(|p| p.place() == Place::Inventory)
        });
        if let Some(d) = &self.details {
            if !store
                .number(d)
                .ok()
                .flatten()
                .map(|p| p.place() == Place::Inventory)
                .unwrap_or(false)
            {
                self.details = None;
            }
        }
        self.after_list_change();
        if let Some(key) = anchor {
            if let Some(note) = self.follow(&key, rows_above, cx.engine) {
                cx.note(note);
            }
        }
        self.fill(cx.engine);
    }

    fn idle(&mut self, cx: &mut Cx) -> bool {
        // Finish counting the filter's matches a slice at a time (the title shows "so far").
        match self.scan.as_mut() {
            Some(scan) if !scan.done => {
                scan.step(cx.engine, &self.names, SCAN_STEP);
                self.after_list_change();
                true
            }
            _ => false,
        }
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        match cmd {
            Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom | Cmd::PageUp | Cmd::PageDown => {
                if self.details.is_some() {
                    return true;
                }
                if self.scan.is_some() && self.sorted.is_none() {
                    // Matches past the known ones are scanned only when the cursor goes there.
                    let h = self.nav.height.max(1);
                    let need = match cmd {
                        Cmd::Bottom => usize::MAX,
                        Cmd::PageDown => self.nav.cursor + 2 * h + 1,
                        Cmd::Down => self.nav.cursor + h + 2,
                        _ => 0,
                    };
                    self.scan_until(need, cx.engine);
                    let len = self.len();
                    self.nav.set_len(len);
                }
                self.nav.apply(cmd);
                self.fill(cx.engine);
            }
            Cmd::Mark => {
                if let Some(n) = self.at_cursor() {
                    if !self.marks.remove(&n) {
                        self.marks.insert(n);
                    }
                    self.nav.down(1);
                    self.fill(cx.engine);
                }
            }
            Cmd::MarkAll => {
                let all = self.every_listed(cx);
                if !all.is_empty() && all.iter().all(|n| self.marks.contains(n)) {
                    self.marks.clear();
                    cx.say(Status::info("Unmarked all numbers."));
                } else {
                    let n = all.len();
                    self.marks.extend(all);
                    cx.say(Status::info(format!("Marked {n} numbers.")));
                }
            }
            Cmd::Details => self.details = self.at_cursor(),
            Cmd::Back => {
                if self.details.take().is_none() {
                    if !self.filter.is_empty() {
                        self.filter.clear();
                        self.apply_filter(cx);
                    } else if !self.marks.is_empty() {
                        self.marks.clear();
                    } else {
                        return false;
                    }
                }
            }
            Cmd::Assign => self.start_assign(cx, false),
            Cmd::Reassign => self.start_assign(cx, true),
            Cmd::Unassign => self.start_unassign(cx),
            Cmd::SwitchProductType => self.start_product_type(cx),
            Cmd::DefaultCallingName => self.start_default_name(cx),
            Cmd::UniqueCallingName => self.start_unique_name(cx),
            Cmd::Delete => self.start_delete(cx),
            Cmd::Export => self.export(cx),
            Cmd::PortOutNumbers => self.start_port_out(cx),
            _ => return false,
        }
        true
    }

    fn is_modal(&self) -> bool {
        self.dialog.is_some()
    }

    fn applies(&self, cmd: Cmd) -> bool {
        // The row under the cursor, as last drawn (or the one whose details are open).
        let key = self.current();
        let open = self
            .details_record
            .as_ref()
            .filter(|p| Some(&p.number) == key.as_ref());
        let row = || key.and_then(|k| self.rows.iter().find(|p| p.number == k));
        let Some(p) = open.or_else(row) else {
            return matches!(cmd, Cmd::DefaultCallingName | Cmd::Export | Cmd::Filter);
        };
        let assigned = p.assignee().is_some();
        match cmd {
            Cmd::Assign | Cmd::SwitchProductType => !assigned && !p.ported_out,
            Cmd::Delete => !assigned,
            Cmd::Reassign => assigned && p.product_type == ProductType::VoiceConnector,
            Cmd::Unassign => assigned,
            Cmd::PortOutNumbers => !p.ported_out,
            Cmd::Details | Cmd::Mark => self.details.is_none(),
            _ => true,
        }
    }

    fn on_cmd_args(&mut self, cmd: Cmd, args: &[String], cx: &mut Cx) -> bool {
        if cmd == Cmd::ApplyToMatches {
            self.start_apply(args, cx);
            return true;
        }
        if !TAKES_NUMBERS.contains(&cmd) && cmd != Cmd::DefaultCallingName {
            return false;
        }
        self.run_with_args(cmd, args, cx);
        true
    }

    fn set_sort(&mut self, sort: Sort, cx: &mut Cx) {
        self.sort_as(sort, cx);
    }

    fn goto(&mut self, wanted: &str, cx: &mut Cx) -> bool {
        let Ok(number) = E164::parse(wanted) else {
            return false;
        };
        let in_inventory = self
            .record(cx, &number)
            .is_some_and(|p| p.place() == Place::Inventory);
        if !in_inventory {
            return false;
        }
        self.details = None;
        let rows_above = self.nav.height / 2;
        if self.follow(&number, rows_above, cx.engine).is_some() {
            // The filter hides it: the whole inventory, with the cursor on it.
            self.set_filter("", cx);
            self.follow(&number, rows_above, cx.engine);
        }
        true
    }

    fn arg_values(&self) -> Vec<String> {
        let mut v: Vec<String> = self.marks.iter().map(|n| n.to_string()).collect();
        v.extend(self.rows.iter().map(|p| p.number.to_string()));
        v.dedup();
        v
    }

    fn on_paste(&mut self, text: &str) {
        if let Some((dialog, _)) = &mut self.dialog {
            dialog.paste(text);
        }
    }

    fn in_dialog(&self) -> bool {
        matches!(
            self.dialog,
            Some((Dialog::Confirm(_) | Dialog::Pick(_) | Dialog::Text(_), _))
        )
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        let Some((mut dialog, purpose)) = self.dialog.take() else {
            if self.details.is_some() {
                return false;
            }
            let letters = sort_letters(&COLUMNS, cx.keys, Scope::Inventory);
            let Some((column, c)) = sort_column(&key, &letters) else {
                return false;
            };
            self.sort_by(column, cx);
            cx.say(Status::info(sort_words(COLUMNS[column], self.sort, c)));
            return true;
        };
        let ev = dialog.handle_key(key);
        match ev {
            DialogEvent::Open => self.dialog = Some((dialog, purpose)),
            DialogEvent::Cancel => {}
            DialogEvent::Done | DialogEvent::Picked(_) => {
                let values = match &dialog {
                    Dialog::Form(f) => f.fields.iter().map(|x| x.value().to_string()).collect(),
                    _ => Vec::new(),
                };
                let picked = if let DialogEvent::Picked(i) = ev {
                    Some(i)
                } else {
                    None
                };
                if let Err(e) = self.on_dialog_done(purpose.clone(), picked, values, cx) {
                    if dialog.show_error(&e) {
                        self.dialog = Some((dialog, purpose));
                    }
                }
            }
        }
        true
    }

    fn set_filter(&mut self, text: &str, cx: &mut Cx) {
        self.filter = text.to_string();
        self.details = None;
        self.apply_filter(cx);
    }

    fn filter(&self) -> &str {
        &self.filter
    }

    fn filter_fields(&self) -> &'static [FieldSpec] {
        NUMBER_FIELDS
    }

    fn filter_values(&self, field: &str) -> Vec<String> {
        let n = &self.names;
        match field {
            "status" => vec!["Assigned".into(), "Unassigned".into(), "Ported out".into()],
            "product" => ProductType::ALL.iter().map(|t| t.label().into()).collect(),
            "type" => vec!["Local".into(), "Toll-free".into()],
            "vc" => n
                .connectors
                .iter()
                .map(|c| one_line(&c.name).into())
                .collect(),
            "group" => n.groups.iter().map(|g| one_line(&g.name).into()).collect(),
            "user" => n.users.iter().map(|u| one_line(&u.name).into()).collect(),
            "state" => US_STATES.iter().map(|(code, _)| code.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    fn tick(&mut self, before: Timestamp, now: Timestamp) -> bool {
        let deadlines = self
            .rows
            .iter()
            .filter_map(|p| p.calling_name.pending.as_ref().map(|x| x.completes_at));
        any_countdown_changed(deadlines, before, now)
    }

    fn has_unsaved_input(&self) -> bool {
        self.dialog
            .as_ref()
            .map(|(d, _)| d.is_dirty())
            .unwrap_or(false)
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        match self.details.clone() {
            Some(n) => self.draw_details(f, area, cx, &n),
            None => self.draw_list(f, area, cx),
        }
        if let Some((d, _)) = &self.dialog {
            d.draw(f, area, cx.theme);
        }
    }
}

/// The `/` filter's matches, found lazily: records are read in E.164 order, a slice at a
/// time, only as far as needed.
struct FilterScan {
    query: Query,
    matches: Vec<E164>,
    /// The last number scanned.
    resume: Option<E164>,
    done: bool,
    /// Records the key press that made this scan may still read (`scan_within_slice`).
    slice_left: usize,
}

impl FilterScan {
    fn new(query: &str) -> FilterScan {
        FilterScan {
            query: Query::parse(query, NUMBER_FIELDS),
            matches: Vec::new(),
            resume: None,
            done: false,
            slice_left: KEY_PRESS_RECORDS,
        }
    }

    /// Reads the next `n` records and keeps those that match.
    fn step(&mut self, engine: &Engine, names: &Names, n: usize) {
        if self.done {
            return;
        }
        let store = engine.store();
        let keys = store.numbers_from(&STATUSES, self.resume.as_ref(), false, n);
        self.done = keys.len() < n;
        self.resume = keys.last().cloned().or(self.resume.take());
        let words = |id: &str| names.words_of(id);
        let state = |n: &E164| state_of(engine, n);
        let text = |p: &PhoneNumber| haystack(p, names);
        for p in store.numbers_at(&keys).unwrap_or_default() {
            let row = NumberSubject {
                number: &p,
                names: &words,
                state: &state,
                text: &text,
            };
            if self.query.matches(&row) {
                self.matches.push(p.number);
            }
        }
    }
}

/// The two-letter code of the US state a number rings in, from the carrier's data.
fn state_of(engine: &Engine, n: &E164) -> Option<&'static str> {
    let place = engine.carrier().place_of(n)?;
    let state = place.rsplit(", ").next().unwrap_or(&place);
    us_state(state).map(|(code, _)| code)
}

/// What the filter matches a number against: number, national form, product type,
/// status, assignee and calling name.
fn haystack(p: &PhoneNumber, names: &Names) -> String {
    let who = p.assignee().map(|a| names.assignee(a)).unwrap_or_default();
    let name = p
        .calling_name
        .shown()
        .map(|n| n.to_string())
        .unwrap_or_default();
    format!(
        "{} {} {} {} {} {}",
        p.number,
        p.number.national(),
        p.product_type.label(),
        p.status_name(),
        who,
        one_line(&name)
    )
}

/// What a sort by `column` (of `COLUMNS`) compares: the cell's text, in lower case.
fn sort_text(p: &PhoneNumber, names: &Names, column: usize) -> String {
    let text = match column {
        1 => p.number_type.label().to_string(),
        2 => p.product_type.label().to_string(),
        3 => status_words(p).to_string(),
        4 => p.assignee().map(|a| names.assignee(a)).unwrap_or_default(),
        5 => p
            .calling_name
            .shown()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        _ => p.number.to_string(),
    };
    text.to_lowercase()
}

/// "7 days", "72 hours": configured durations as the seed words them.
fn long_duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        s if s % 86_400 == 0 && s >= 4 * 86_400 => counted(s / 86_400, "day"),
        s if s % 3600 == 0 && s >= 3600 => counted(s / 3600, "hour"),
        s if s % 60 == 0 && s >= 60 => counted(s / 60, "minute"),
        s => counted(s, "second"),
    }
}

fn name_check() -> crate::tui::widgets::form::Check {
    Box::new(|s| CallingName::parse(s).map(|_| ()).map_err(|e| e.to_string()))
}

/// Assign, or reassign when the numbers already have somewhere to go.
fn assign_action(numbers: Vec<E164>, to: Assignee, reassign: bool) -> Action {
    if reassign {
        Action::Reassign { numbers, to }
    } else {
        Action::Assign { numbers, to }
    }
}

/// A word typed where numbers may come: it starts as a number does.
fn looks_like_a_number(word: &str) -> bool {
    word.starts_with(['+', '(']) || word.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn count(numbers: &[E164]) -> String {
    match numbers {
        [one] => one.to_string(),
        many => format!("{} numbers", many.len()),
    }
}

/// "3 of them hidden by the filter": said before an action on marks touches rows the
/// administrator cannot see.
fn hidden_words(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        n => format!(" ({n} of them hidden by the filter)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::carrier::SimulatedCarrier;
    use crate::store::{Store, StoreOptions};

    #[test]
    fn durations_in_words_use_the_plural_rule() {
        assert_eq!(
            long_duration(std::time::Duration::from_secs(60)),
            "1 minute"
        );
        assert_eq!(
            long_duration(std::time::Duration::from_secs(3600)),
            "1 hour"
        );
        assert_eq!(long_duration(std::time::Duration::from_secs(1)), "1 second");
        assert_eq!(
            long_duration(std::time::Duration::from_secs(120)),
            "2 minutes"
        );
    }
    use crate::tui::keys::KeyMap;
    use std::sync::Arc;
    use std::time::Duration;

    /// An engine holding `n` inventory numbers, a third of them assigned.
    fn engine(dir: &std::path::Path, n: usize) -> Engine {
        let store = Store::open(&StoreOptions::new(dir.join("db"))).unwrap();
        let policy = Policy {
            inventory_limit: n,
            provisioning_delay: Duration::from_secs(1),
            ..Policy::default()
        };
        let e = Engine::new(store, Arc::new(SimulatedCarrier::new(7, 0.0)), policy);
        let admin = Actor::admin("t");
        let t0 = Timestamp(1_790_000_000_000);
        let mut numbers = Vec::new();
        for state in ["WA", "CA", "TX", "NY"] {
            let q = SearchQuery::us().with_state(state).with_limit(n / 4 + 1);
            numbers.extend(e.search(&q).unwrap().into_iter().map(|a| a.number));
        }
        numbers.truncate(n);
        e.dispatch(
            &admin,
            Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers,
            },
            t0,
        )
        .unwrap();
        e.run_due(t0.plus(Duration::from_secs(2))).unwrap();
        e
    }

    fn check(inv: &Inventory, all: &[E164], what: &str) {
        let v = inv.nav.visible();
        assert_eq!(inv.nav.len, all.len(), "{what}: len");
        assert_eq!(
            inv.at_cursor().as_ref(),
            all.get(inv.nav.cursor),
            "{what}: cursor {}",
            inv.nav.cursor
        );
        let from = v.start - inv.window_at;
        assert_eq!(
            &inv.window[from..from + v.len()],
            &all[v.clone()],
            "{what}: rows {v:?}"
        );
    }

    #[test]
    fn the_window_follows_the_cursor_and_survives_changes_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(dir.path(), 300);
        let all = e.store().numbers_in(&STATUSES);
        assert_eq!(all.len(), 300);
        let keys = KeyMap::new(&Default::default()).unwrap();
        let actor = Actor::admin("t");
        let now = Timestamp(1_790_000_100_000);
        let mut cx = Cx::new(&e, &actor, now, &keys, std::path::Path::new("."));
        let mut inv = Inventory::new();
        inv.refresh(&mut cx);
        inv.nav.set_height(7);
        inv.fill(&e);
        check(&inv, &all, "start");
        let steps = [
            Cmd::Down,
            Cmd::PageDown,
            Cmd::PageDown,
            Cmd::Down,
            Cmd::Up,
            Cmd::Bottom,
            Cmd::Up,
            Cmd::PageUp,
            Cmd::PageUp,
            Cmd::Top,
            Cmd::PageDown,
            Cmd::Up,
            Cmd::Up,
            Cmd::Up,
        ];
        for (i, cmd) in steps.iter().cycle().take(200).enumerate() {
            inv.on_cmd(*cmd, &mut cx);
            check(&inv, &all, &format!("step {i} {cmd:?}"));
        }
        // Deep in the list, delete numbers before the window: it keeps its rows and its
        // position counts again.
        for _ in 0..20 {
            inv.on_cmd(Cmd::PageDown, &mut cx);
        }
        let at = inv.at_cursor().unwrap();
        let gone: Vec<E164> = all[..5].to_vec();
        cx.dispatch(Action::Delete { numbers: gone }).unwrap();
        inv.refresh(&mut cx);
        let all = e.store().numbers_in(&STATUSES);
        assert_eq!(
            inv.at_cursor(),
            Some(at.clone()),
            "the cursor stays on its number"
        );
        check(&inv, &all, "after deleting before the window");
        // The filter finds matches lazily and marks all of them on request.
        let area = &at.as_str()[2..5];
        inv.set_filter(area, &mut cx);
        let want: Vec<&E164> = all.iter().filter(|n| n.national().contains(area)).collect();
        inv.on_cmd(Cmd::Bottom, &mut cx);
        assert_eq!(inv.len(), want.len());
        inv.on_cmd(Cmd::MarkAll, &mut cx);
        assert_eq!(inv.marks.len(), want.len());
    }
}
