//! Inventory: the numbers held (`Unassigned` or `Assigned`), and every action of the
//! seed's Inventory page: assign, reassign, unassign, details, product type, calling
//! names, delete, export, and provision (the wizard).
//!
//! Built for 100,000 numbers: the first frame reads one page of keys from the status index
//! and the records of the visible rows only; the full key list loads after the first frame
//! (`idle`); each key press then reads only the rows that came into view.

use super::names::Names;
use super::{any_countdown_changed, Cx, DrawCx, Screen, ScreenId};
use crate::domain::*;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::sanitize;
use crate::tui::widgets::confirm::Confirm;
use crate::tui::widgets::filter::Fuzzy;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::picker::Picker;
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{body_height, draw_table, Nav};
use crate::tui::widgets::{block, Dialog, DialogEvent};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Wrap};
use ratatui::Frame;
use std::collections::BTreeSet;

const STATUSES: [StatusCode; 2] = [StatusCode::Unassigned, StatusCode::Assigned];

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
}

pub struct Inventory {
    /// Every inventory number in E.164 order, once loaded (after the first frame).
    keys: Option<Vec<E164>>,
    /// The first page, read before the full list.
    first_page: Vec<E164>,
    total: usize,
    filter: String,
    filtered: Option<Vec<E164>>,
    /// Filter haystacks ("number national name calling-name"), built on the first filter.
    haystacks: Option<Vec<(E164, String)>>,
    nav: Nav,
    marks: BTreeSet<E164>,
    /// Records of the visible rows, for `rows_at` (offset, height, generation).
    rows: Vec<PhoneNumber>,
    rows_at: Option<(usize, usize, u64)>,
    generation: u64,
    names: Names,
    details: Option<E164>,
    dialog: Option<(Dialog, Purpose)>,
    default_name: NameSetting,
}

impl Default for Inventory {
    fn default() -> Self {
        Self::new()
    }
}

impl Inventory {
    pub fn new() -> Inventory {
        Inventory {
            keys: None,
            first_page: Vec::new(),
            total: 0,
            filter: String::new(),
            filtered: None,
            haystacks: None,
            nav: Nav::default(),
            marks: BTreeSet::new(),
            rows: Vec::new(),
            rows_at: None,
            generation: 0,
            names: Names::default(),
            details: None,
            dialog: None,
            default_name: NameSetting::default(),
        }
    }

    /// The list the cursor moves over.
    fn list(&self) -> &[E164] {
        match (&self.filtered, &self.keys) {
            (Some(f), _) => f,
            (None, Some(k)) => k,
            (None, None) => &self.first_page,
        }
    }

    fn len(&self) -> usize {
        match (&self.filtered, &self.keys) {
            (Some(f), _) => f.len(),
            (None, Some(k)) => k.len(),
            (None, None) => self.total,
        }
    }

    fn ensure_keys(&mut self, cx: &Cx) {
        if self.keys.is_none() {
            self.keys = Some(cx.engine.store().numbers_in(&STATUSES));
            self.after_list_change();
        }
    }

    fn after_list_change(&mut self) {
        self.generation += 1;
        let len = self.len();
        self.nav.set_len(len);
    }

    fn current(&self) -> Option<E164> {
        if let Some(d) = &self.details {
            return Some(d.clone());
        }
        self.list().get(self.nav.cursor).cloned()
    }

    /// The marked numbers, or the one under the cursor.
    fn targets(&self) -> Vec<E164> {
        if self.details.is_none() && !self.marks.is_empty() {
            return self.marks.iter().cloned().collect();
        }
        self.current().into_iter().collect()
    }

    fn record(&self, cx: &Cx, n: &E164) -> Option<PhoneNumber> {
        cx.engine.store().number(n).ok().flatten()
    }

    fn apply_filter(&mut self, cx: &Cx) {
        if self.filter.trim().is_empty() {
            self.filtered = None;
        } else {
            self.ensure_keys(cx);
            if self.haystacks.is_none() {
                let keys = self.keys.clone().unwrap_or_default();
                let mut hay = Vec::with_capacity(keys.len());
                for chunk in keys.chunks(512) {
                    for p in cx.engine.store().numbers_at(chunk).unwrap_or_default() {
                        let who = p
                            .assignee()
                            .map(|a| self.names.assignee(a))
                            .unwrap_or_default();
                        let name = p
                            .calling_name
                            .shown()
                            .map(|n| n.to_string())
                            .unwrap_or_default();
                        let text = format!(
                            "{} {} {} {} {} {}",
                            p.number,
                            p.number.national(),
                            p.product_type.label(),
                            p.status.code().api_name(),
                            who,
                            sanitize(&name)
                        );
                        hay.push((p.number, text));
                    }
                }
                self.haystacks = Some(hay);
            }
            let mut fuzzy = Fuzzy::new(&self.filter);
            let hay = self.haystacks.as_deref().unwrap_or_default();
            self.filtered = Some(
                hay.iter()
                    .filter(|(_, h)| fuzzy.matches(h))
                    .map(|(n, _)| n.clone())
                    .collect(),
            );
        }
        self.nav.top();
        self.after_list_change();
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
                .map(|a| sanitize(&a.name).into_owned())
                .collect();
            let p = Picker::new(
                "Assign: account",
                format!(
                    "{}: choose the account the user belongs to",
                    count(&numbers)
                ),
                items,
            )
            .empty("No accounts yet: create one on the Directory screen first.");
            self.open(Dialog::Pick(p), Purpose::PickAccount { numbers });
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
            let p = Picker::new(title, format!("{}: assign to", count(&numbers)), items);
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
                        format!("{} <{}>{has}", sanitize(&u.name), sanitize(&u.email))
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
                        .map(|c| format!("{} ({})", sanitize(&c.name), c.region))
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
                        .map(|g| sanitize(&g.name).into_owned())
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
            } => {
                let Some(id) = ids.get(i).cloned() else {
                    return Ok(());
                };
                let to = Assignee::VoiceConnector(id);
                if reassign {
                    Action::Reassign { numbers, to }
                } else {
                    Action::Assign { numbers, to }
                }
            }
            Purpose::PickGroup {
                numbers,
                reassign,
                ids,
            } => {
                let Some(id) = ids.get(i).cloned() else {
                    return Ok(());
                };
                let to = Assignee::VoiceConnectorGroup(id);
                if reassign {
                    Action::Reassign { numbers, to }
                } else {
                    Action::Assign { numbers, to }
                }
            }
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
    fn start_unassign(&mut self, cx: &mut Cx) {
        let Some(numbers) = self.need_targets(cx) else {
            return;
        };
        let mut c = Confirm::new(
            "Unassign phone numbers",
            "unassign",
            format!("Unassign {}", count(&numbers)),
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
        let days = long_duration(cx.engine.policy().deletion_retention);
        let mut c = Confirm::new(
            "Delete phone numbers",
            "delete",
            format!("Delete {}", count(&numbers)),
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
        let p = Picker::new(
            "Edit product type",
            format!("{}: switch to (unassigned numbers only)", count(&numbers)),
            items,
        );
        self.open(Dialog::Pick(p), Purpose::PickProductType { numbers });
    }

    fn start_default_name(&mut self, cx: &mut Cx) {
        let s = &self.default_name;
        let current = s.shown().map(|n| n.to_string()).unwrap_or_default();
        let policy = cx.engine.policy();
        let mut form = Form::new("Update default calling name", "save")
            .intro(if current.is_empty() { "Now: not set".to_string() } else { format!("Now: {} ({})", sanitize(&current), s.status.label()) })
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
            &sanitize(&current),
            "2-15 letters, digits, spaces; empty clears",
            name_check(),
        ));
        self.open(Dialog::Form(form), Purpose::UniqueName { number });
    }

    fn export(&mut self, cx: &mut Cx) {
        let name = format!(
            "phonedesk-inventory-{}.csv",
            cx.now
                .rfc3339()
                .replace([':', '-'], "")
                .trim_end_matches('Z')
        );
        let path = cx.export_dir.join(name);
        match self.write_csv(cx, &path) {
            Ok(n) => cx.say(Status::ok(format!(
                "Exported {n} numbers to {}",
                path.display()
            ))),
            Err(e) => cx.say(Status::error(format!(
                "could not export to {}: {e}",
                path.display()
            ))),
        }
    }

    fn write_csv(
        &self,
        cx: &Cx,
        path: &std::path::Path,
    ) -> Result<usize, Box<dyn std::error::Error>> {
        let keys = cx.engine.store().numbers_in(&STATUSES);
        let mut w = csv::Writer::from_path(path)?;
        w.write_record([
            "e164",
            "national",
            "type",
            "product_type",
            "status",
            "assigned_to",
            "calling_name",
            "calling_name_status",
            "label",
        ])?;
        for chunk in keys.chunks(512) {
            for p in cx.engine.store().numbers_at(chunk)? {
                let who = p
                    .assignee()
                    .map(|a| self.names.assignee(a))
                    .unwrap_or_default();
                let name = p
                    .calling_name
                    .shown()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                w.write_record([
                    p.number.as_str(),
                    &p.number.national(),
                    p.number_type.label(),
                    p.product_type.api_name(),
                    p.status.code().api_name(),
                    &who,
                    &name,
                    p.calling_name.status.label(),
                    &sanitize(p.label.as_deref().unwrap_or("")),
                ])?;
            }
        }
        w.flush()?;
        Ok(keys.len())
    }

    /// Loads the records of the visible rows when the viewport moved or the data changed.
    fn load_rows(&mut self, engine: &crate::engine::Engine) {
        let range = self.nav.visible();
        let key = (range.start, range.len(), self.generation);
        if self.rows_at == Some(key) {
            return;
        }
        if self.keys.is_none() && self.filtered.is_none() && self.first_page.len() < range.end {
            self.first_page = first_page(engine, range.end.max(1));
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

    fn calling_name_cell(&self, p: &PhoneNumber, now: Timestamp, long: bool) -> String {
        let name = p
            .calling_name
            .shown()
            .map(|n| sanitize(n.as_str()).into_owned());
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
        let rows: Vec<Row> = self
            .rows
            .iter()
            .map(|p| {
                let marked = self.marks.contains(&p.number);
                let who = p
                    .assignee()
                    .map(|a| self.names.assignee(a))
                    .unwrap_or_else(|| "-".into());
                let status = match p.status.code() {
                    StatusCode::Assigned => "Assigned",
                    _ => "Unassigned",
                };
                let product = if wide {
                    p.product_type.label()
                } else {
                    short_product(p.product_type)
                };
                let mut cells = vec![
                    Cell::from(if marked { "*" } else { " " }).style(t.marked),
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
                    let calls = p.capabilities.inbound_call || p.capabilities.outbound_call;
                    let sms = p.capabilities.inbound_sms || p.capabilities.outbound_sms;
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
        let (header, widths): (Vec<&str>, Vec<Constraint>) = if wide {
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
        let mut title = vec![Span::styled(" Inventory ", t.title)];
        if !self.filter.is_empty() {
            title.push(Span::styled(
                format!("/{} ", sanitize(&self.filter)),
                t.accent,
            ));
        }
        if !self.marks.is_empty() {
            title.push(Span::styled(
                format!("{} marked ", self.marks.len()),
                t.marked,
            ));
        }
        let empty = if self.filter.is_empty() {
            "No numbers in the inventory yet. Press p to provision phone numbers."
        } else {
            "No numbers match the filter. Esc clears it."
        };
        draw_table(
            f,
            area,
            t,
            Line::from(title),
            header,
            &widths,
            rows,
            &self.nav,
            empty,
        );
    }

    fn draw_details(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx, number: &E164) {
        let t = cx.theme;
        let b = block(t, format!(" Inventory › {} ", number.national()))
            .title_bottom(Line::from(" a assign  r reassign  u unassign  n calling name  t product type  d delete  Esc back ").style(t.dim));
        let Some(p) = cx.engine.store().number(number).ok().flatten() else {
            f.render_widget(
                Paragraph::new("This number is no longer in the inventory.").block(b),
                area,
            );
            return;
        };
        let kv = |k: &str, v: String| {
            Line::from(vec![Span::styled(format!("{k:<22}"), t.dim), Span::raw(v)])
        };
        let who = match p.assignee() {
            Some(a) => format!("{} ({})", self.names.assignee(a), a.kind_label()),
            None => "not assigned".into(),
        };
        let caps = p.capabilities;
        let lines = vec![
            kv(
                "Phone number",
                format!("{}   {}", p.number.national(), p.number),
            ),
            kv("Type", p.number_type.label().into()),
            kv("Product type", p.product_type.label().into()),
            kv("Status", p.status.code().api_name().into()),
            kv("Assigned to", who),
            kv("Calling name", self.calling_name_cell(&p, cx.now, true)),
            kv("Calling name status", p.calling_name.status.label().into()),
            kv(
                "Calls",
                format!(
                    "inbound {}, outbound {}",
                    yes_no(caps.inbound_call),
                    yes_no(caps.outbound_call)
                ),
            ),
            kv(
                "SMS",
                format!(
                    "inbound {}, outbound {}",
                    yes_no(caps.inbound_sms),
                    yes_no(caps.outbound_sms)
                ),
            ),
            kv(
                "Label",
                sanitize(p.label.as_deref().unwrap_or("-")).into_owned(),
            ),
            kv(
                "Order",
                p.order
                    .as_ref()
                    .map(|o| o.to_string())
                    .unwrap_or_else(|| "-".into()),
            ),
            kv("Created", p.created_at.short()),
            kv("Updated", p.updated_at.short()),
        ];
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

    fn refresh(&mut self, cx: &mut Cx) {
        let store = cx.engine.store();
        self.total = STATUSES.iter().map(|s| store.count(*s)).sum();
        self.names = Names::load(cx.engine);
        self.default_name = store
            .settings()
            .map(|s| s.default_calling_name)
            .unwrap_or_default();
        self.haystacks = None;
        self.first_page.clear();
        if self.keys.is_some() {
            self.keys = Some(store.numbers_in(&STATUSES));
        }
        if !self.filter.is_empty() {
            let cursor = self.nav.cursor;
            self.apply_filter(cx);
            self.nav.cursor = cursor;
        }
        if let Some(keys) = &self.keys {
            self.marks.retain(|m| keys.binary_search(m).is_ok());
        } else if !self.marks.is_empty() {
            self.ensure_keys(cx);
            let keys = self.keys.as_deref().unwrap_or_default();
            self.marks.retain(|m| keys.binary_search(m).is_ok());
        }
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
    }

    fn idle(&mut self, cx: &mut Cx) -> bool {
        // Loading the key list changes nothing on screen.
        if self.keys.is_none() {
            self.ensure_keys(cx);
        }
        false
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        // Before the first frame only the first page is known; commands past it need keys.
        if self.keys.is_none()
            && self.filtered.is_none()
            && self.nav.cursor + self.nav.height.max(1) > self.first_page.len()
        {
            match cmd {
                Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom | Cmd::PageUp | Cmd::PageDown => {}
                _ => self.ensure_keys(cx),
            }
        }
        match cmd {
            Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom | Cmd::PageUp | Cmd::PageDown => {
                if self.details.is_some() {
                    return true;
                }
                let past_first_page =
                    self.nav.cursor + self.nav.height + self.nav.page() >= self.first_page.len();
                if self.keys.is_none()
                    && (past_first_page || matches!(cmd, Cmd::Bottom | Cmd::PageDown))
                {
                    self.ensure_keys(cx);
                }
                self.nav.apply(cmd);
            }
            Cmd::Mark => {
                if let Some(n) = self.list().get(self.nav.cursor).cloned() {
                    if !self.marks.remove(&n) {
                        self.marks.insert(n);
                    }
                    self.nav.down(1);
                }
            }
            Cmd::MarkAll => {
                self.ensure_keys(cx);
                let all: Vec<E164> = self.list().to_vec();
                if !all.is_empty() && all.iter().all(|n| self.marks.contains(n)) {
                    self.marks.clear();
                    cx.say(Status::info("Unmarked all numbers."));
                } else {
                    let n = all.len();
                    self.marks.extend(all);
                    cx.say(Status::info(format!("Marked {n} numbers.")));
                }
            }
            Cmd::Details => self.details = self.list().get(self.nav.cursor).cloned(),
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
            _ => return false,
        }
        true
    }

    fn is_modal(&self) -> bool {
        self.dialog.is_some()
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        let Some((mut dialog, purpose)) = self.dialog.take() else {
            return false;
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

/// The first `n` inventory numbers in E.164 order, from two short index scans.
fn first_page(engine: &crate::engine::Engine, n: usize) -> Vec<E164> {
    let store = engine.store();
    let mut v: Vec<E164> = STATUSES
        .iter()
        .flat_map(|s| store.numbers_page(*s, n))
        .collect();
    v.sort();
    v.truncate(n);
    v
}

/// "7 days", "72 hours": configured durations as the seed words them.
fn long_duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        s if s % 86_400 == 0 && s >= 4 * 86_400 => format!("{} days", s / 86_400),
        s if s % 3600 == 0 && s >= 3600 => format!("{} hours", s / 3600),
        s if s % 60 == 0 && s >= 60 => format!("{} minutes", s / 60),
        s => format!("{s} seconds"),
    }
}

fn name_check() -> crate::tui::widgets::form::Check {
    Box::new(|s| CallingName::parse(s).map(|_| ()).map_err(|e| e.to_string()))
}

fn short_product(p: ProductType) -> &'static str {
    match p {
        ProductType::BusinessCalling => "Business",
        ProductType::VoiceConnector => "VoiceCon",
    }
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
