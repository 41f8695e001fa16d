//! Directory: accounts and their users (calling and SMS permissions toggled with `c` and
//! `s`, with the engine's reminder that the user must sign out and in again), voice
//! connectors (region picked once at creation, encryption toggle) and voice connector
//! groups (up to 3 members with priorities), SIP media applications with the numbers their
//! SIP rules route (Enter shows them in the Inventory). `[` and `]` switch sections; `n` creates,
//! `e` edits, `d` deletes after a confirmation (the engine refuses while numbers are
//! assigned, and says why on the status line).

use super::names::Names;
use super::support_forms::{email_check_for, required};
use super::{Cx, DrawCx, Effect, Screen, ScreenId};
use crate::domain::*;
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::confirm::Confirm;
use crate::tui::widgets::form::{Check, Field, Form};
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{body_height, draw_table, sort_letters, Nav, Record, Rows};
use crate::tui::widgets::table::{Cell, Row};
use crate::tui::widgets::DialogEvent;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use std::cmp::Ordering;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Section {
    #[default]
    Users,
    Connectors,
    Groups,
    Smas,
}

impl Section {
    const ALL: [Section; 4] = [
        Section::Users,
        Section::Connectors,
        Section::Groups,
        Section::Smas,
    ];

    fn title(self) -> &'static str {
        match self {
            Section::Users => "Accounts and users",
            Section::Connectors => "Voice connectors",
            Section::Groups => "Voice connector groups",
            Section::Smas => "SIP media applications",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A row of the users section: an account (with its users' count), or one of its users.
/// The section keeps the accounts' order with their users under them, so it does not sort.
#[derive(Debug, Clone)]
enum Person {
    Account {
        a: Account,
        users: usize,
        text: String,
    },
    User {
        u: User,
        account: String,
    },
}

impl Record for Person {
    type Key = String;
    fn key(&self) -> String {
        match self {
            Person::Account { a, .. } => a.id.0.clone(),
            Person::User { u, .. } => u.id.0.clone(),
        }
    }
    fn label(&self) -> String {
        match self {
            Person::Account { a, .. } => format!("account {}", one_line(&a.name)),
            Person::User { u, .. } => format!("user {}", one_line(&u.name)),
        }
    }
    /// An account matches by its own words or any of its users' (it heads them); a user
    /// by its own words or its account's.
    fn haystack(&self) -> String {
        match self {
            Person::Account { a, text, .. } => format!("{} {} {text}", one_line(&a.name), a.id),
            Person::User { u, account } => format!("{} {account}", user_text(u)),
        }
    }
    fn compare(&self, _other: &Self, _column: usize) -> Ordering {
        Ordering::Equal
    }
}

fn user_text(u: &User) -> String {
    format!(
        "{} {} {}",
        one_line(&u.name),
        one_line(&u.email),
        u.phone_number.as_ref().map(|p| p.as_str()).unwrap_or("")
    )
}

/// A voice connector with the count of numbers assigned to it.
pub struct ConnectorRow {
    c: VoiceConnector,
    numbers: usize,
}

/// The connectors' sortable columns, by their header titles.
pub const CONNECTOR_COLUMNS: [&str; 5] = ["Name", "ID", "Region", "Encryption", "Numbers"];

impl Record for ConnectorRow {
    type Key = VoiceConnectorId;
    fn key(&self) -> VoiceConnectorId {
        self.c.id.clone()
    }
    fn label(&self) -> String {
        format!("voice connector {}", one_line(&self.c.name))
    }
    fn haystack(&self) -> String {
        format!("{} {} {}", one_line(&self.c.name), self.c.id, self.c.region)
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (self, other);
        match column {
            1 => a.c.id.cmp(&b.c.id),
            2 => a.c.region.cmp(&b.c.region),
            3 => a.c.encryption.cmp(&b.c.encryption),
            4 => a.numbers.cmp(&b.numbers),
            _ => a.c.name.to_lowercase().cmp(&b.c.name.to_lowercase()),
        }
    }
}

/// A voice connector group with its members in words and its numbers' count.
pub struct GroupRow {
    g: VoiceConnectorGroup,
    members: String,
    numbers: usize,
}

/// The groups' sortable columns, by their header titles.
pub const GROUP_COLUMNS: [&str; 4] = ["Name", "ID", "Members (priority)", "Numbers"];

impl Record for GroupRow {
    type Key = GroupId;
    fn key(&self) -> GroupId {
        self.g.id.clone()
    }
    fn label(&self) -> String {
        format!("group {}", one_line(&self.g.name))
    }
    fn haystack(&self) -> String {
        format!("{} {}", one_line(&self.g.name), self.g.id)
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (self, other);
        match column {
            1 => a.g.id.cmp(&b.g.id),
            2 => a.members.cmp(&b.members),
            3 => a.numbers.cmp(&b.numbers),
            _ => a.g.name.to_lowercase().cmp(&b.g.name.to_lowercase()),
        }
    }
}

/// A SIP media application with the numbers its SIP rules route.
pub struct SmaRow {
    a: SipMediaApp,
    numbers: Vec<E164>,
}

/// The SIP media applications' sortable columns, by their header titles.
pub const SMA_COLUMNS: [&str; 4] = ["Name", "ID", "Region", "Numbers"];

impl Record for SmaRow {
    type Key = SmaId;
    fn key(&self) -> SmaId {
        self.a.id.clone()
    }
    fn label(&self) -> String {
        format!("SIP media application {}", one_line(&self.a.name))
    }
    fn haystack(&self) -> String {
        let numbers: Vec<&str> = self.numbers.iter().map(|n| n.as_str()).collect();
        format!(
            "{} {} {} {}",
            one_line(&self.a.name),
            self.a.id,
            self.a.region,
            numbers.join(" ")
        )
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (self, other);
        match column {
            1 => a.a.id.cmp(&b.a.id),
            2 => a.a.region.cmp(&b.a.region),
            3 => a.numbers.len().cmp(&b.numbers.len()),
            _ => a.a.name.to_lowercase().cmp(&b.a.name.to_lowercase()),
        }
    }
}

#[derive(Debug, Clone)]
enum Target {
    Account(AccountId),
    User(UserId),
    Connector(VoiceConnectorId),
    Group(GroupId),
}

enum Purpose {
    NewAccount,
    NewUser(AccountId),
    NewConnector,
    EditConnector(VoiceConnectorId),
    /// A new group (`None`) or an edit; the connectors behind the member pick lists.
    Group(Option<GroupId>, Vec<VoiceConnectorId>),
    NewSma,
}

enum Dialog {
    Form(Form, Purpose),
    Confirm(Confirm, Target),
}

#[derive(Default)]
pub struct Directory {
    section: Section,
    names: Names,
    /// Numbers assigned to each connector and group, by id.
    counts: HashMap<String, usize>,
    people: Rows<Person>,
    connectors: Rows<ConnectorRow>,
    groups: Rows<GroupRow>,
    smas: Rows<SmaRow>,
    /// The numbers each SIP media application's rules route.
    dial_in: Vec<DialInRule>,
    dialog: Option<Dialog>,
    /// The engine's note after a permission change: the sign-out reminder.
    note: Option<String>,
}

const ON_OFF: [&str; 2] = ["on", "off"];
const CHOOSE: &str = "Left/Right (or Space) to choose";

fn on_off() -> Vec<String> {
    ON_OFF.iter().map(|s| s.to_string()).collect()
}
const MEMBER_FIELDS: [(usize, usize); 3] = [(1, 2), (3, 4), (5, 6)];

fn priority_check() -> Check {
    Box::new(|s| {
        let t = s.trim();
        if t.is_empty() || t.parse::<u8>().is_ok_and(|p| PRIORITIES.contains(&p)) {
            Ok(())
        } else {
            Err("a priority is 1 (highest) to 99".into())
        }
    })
}

impl Directory {
    pub fn new() -> Directory {
        Directory::default()
    }

    fn nav(&mut self) -> &mut Nav {
        match self.section {
            Section::Users => &mut self.people.nav,
            Section::Connectors => &mut self.connectors.nav,
            Section::Groups => &mut self.groups.nav,
            Section::Smas => &mut self.smas.nav,
        }
    }

    /// Builds the three lists from the directory; the cursors stay on their entries.
    fn load(&mut self, cx: &mut Cx) {
        let n = &self.names;
        let mut people = Vec::new();
        for a in &n.accounts {
            let users: Vec<&User> = n.users.iter().filter(|u| u.account == a.id).collect();
            let text = users
                .iter()
                .map(|u| user_text(u))
                .collect::<Vec<_>>()
                .join(" ");
            let account = format!("{} {}", one_line(&a.name), a.id);
            people.push(Person::Account {
                a: a.clone(),
                users: users.len(),
                text,
            });
            people.extend(users.into_iter().map(|u| Person::User {
                u: u.clone(),
                account: account.clone(),
            }));
        }
        let count = |id: &str| self.counts.get(id).copied().unwrap_or(0);
        let connectors = n
            .connectors
            .iter()
            .map(|c| ConnectorRow {
                c: c.clone(),
                numbers: count(&c.id.0),
            })
            .collect();
        let groups = n
            .groups
            .iter()
            .map(|g| GroupRow {
                g: g.clone(),
                members: g
                    .members
                    .iter()
                    .map(|m| format!("{} ({})", n.of(&m.connector.0), m.priority))
                    .collect::<Vec<_>>()
                    .join(", "),
                numbers: count(&g.id.0),
            })
            .collect();
        let smas = n
            .sip_media_apps
            .iter()
            .map(|a| SmaRow {
                a: a.clone(),
                numbers: self
                    .dial_in
                    .iter()
                    .filter(|r| r.sma == a.id)
                    .map(|r| r.number.clone())
                    .collect(),
            })
            .collect();
        let notes = [
            self.people.set(people),
            self.connectors.set(connectors),
            self.groups.set(groups),
            self.smas.set(smas),
        ];
        // Only the section on screen speaks: the others' cursors moved out of sight.
        if let Some(note) = notes[self.section.index()].clone() {
            cx.note(note);
        }
    }

    /// Shift and a column's letter sorts the connectors or the groups.
    fn sort_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        let scope = Scope::Directory;
        let words = match self.section {
            Section::Users => None,
            Section::Connectors => {
                let letters = sort_letters(&CONNECTOR_COLUMNS, cx.keys, scope);
                self.connectors.sort_key(&key, &letters, &CONNECTOR_COLUMNS)
            }
            Section::Groups => {
                let letters = sort_letters(&GROUP_COLUMNS, cx.keys, scope);
                self.groups.sort_key(&key, &letters, &GROUP_COLUMNS)
            }
            Section::Smas => {
                let letters = sort_letters(&SMA_COLUMNS, cx.keys, scope);
                self.smas.sort_key(&key, &letters, &SMA_COLUMNS)
            }
        };
        words.map(|w| cx.say(Status::info(w))).is_some()
    }

    fn current_user(&self) -> Option<&User> {
        match self.people.current()? {
            Person::User { u, .. } => Some(u),
            Person::Account { .. } => None,
        }
    }

    /// The account of the row under the cursor (an account row or a user's).
    fn current_account(&self) -> Option<&Account> {
        match self.people.current()? {
            Person::Account { a, .. } => Some(a),
            Person::User { u, .. } => self.names.accounts.iter().find(|a| a.id == u.account),
        }
    }

    fn current_connector(&self) -> Option<&VoiceConnector> {
        self.connectors.current().map(|r| &r.c)
    }

    fn current_group(&self) -> Option<&VoiceConnectorGroup> {
        self.groups.current().map(|r| &r.g)
    }

    fn toggle_permission(&mut self, cx: &mut Cx, calling: bool) {
        if self.section != Section::Users {
            cx.say(Status::info(
                "Permissions belong to users: ] or [ to the accounts and users.",
            ));
            return;
        }
        let Some(u) = self.current_user().cloned() else {
            cx.say(Status::error("move to a user to change their permissions"));
            return;
        };
        let (c, s) = if calling {
            (!u.calling_enabled, u.sms_enabled)
        } else {
            (u.calling_enabled, !u.sms_enabled)
        };
        if let Ok(o) = cx.dispatch(Action::SetUserPermissions {
            user: u.id,
            calling: c,
            sms: s,
        }) {
            self.note = o.note.map(|n| format!("{} {n}", o.message));
        }
    }

    /// Enter: the numbers of the user, voice connector or group under the cursor, in the
    /// Inventory filtered by its name.
    fn show_numbers(&mut self, cx: &mut Cx) {
        let name = match self.section {
            Section::Users => self.current_user().map(|u| u.name.clone()),
            Section::Connectors => self.current_connector().map(|c| c.name.clone()),
            Section::Groups => self.current_group().map(|g| g.name.clone()),
            Section::Smas => self.smas.current().map(|r| r.a.name.clone()),
        };
        match name {
            Some(name) => cx.emit(Effect::Show(
                ScreenId::Inventory,
                one_line(&name).into_owned(),
            )),
            None if self.section == Section::Users => {
                cx.say(Status::info("Move to a user to see their numbers."))
            }
            None => {}
        }
    }

    fn toggle_encryption(&mut self, cx: &mut Cx) {
        let Some(c) = self.current_connector().cloned() else {
            cx.say(Status::info(
                "Encryption belongs to voice connectors: ] to the voice connectors.",
            ));
            return;
        };
        let _ = cx.dispatch(Action::UpdateVoiceConnector {
            connector: c.id,
            name: c.name,
            encryption: !c.encryption,
        });
    }

    fn start_create(&mut self, cx: &mut Cx) {
        match self.section {
            Section::Users => match self.current_account().cloned() {
                Some(a) => {
                    let form = Form::new(format!("New user in {}", one_line(&a.name)), "create")
                        .intro("Calling and SMS are off until you turn them on.")
                        .field(Field::new(
                            "Name",
                            "",
                            "the user's full name",
                            required("name"),
                        ))
                        .field(Field::new(
                            "Email",
                            "",
                            "ana@example.com",
                            email_check_for("the user's"),
                        ));
                    self.dialog = Some(Dialog::Form(form, Purpose::NewUser(a.id)));
                }
                None => self.start_account(),
            },
            Section::Connectors => {
                let regions: Vec<String> = REGIONS.iter().map(|r| r.to_string()).collect();
                let form = Form::new("New voice connector", "create")
                    .intro("The region cannot change once the connector is created.")
                    .field(Field::new("Name", "", "e.g. Trunk East", required("name")))
                    .field(Field::choice("Region", regions, "", CHOOSE))
                    .field(Field::choice(
                        "Encryption",
                        on_off(),
                        "",
                        "Space to turn on or off",
                    ));
                self.dialog = Some(Dialog::Form(form, Purpose::NewConnector));
            }
            Section::Groups => self.start_group(cx, None),
            Section::Smas => {
                let regions: Vec<String> = REGIONS.iter().map(|r| r.to_string()).collect();
                let form = Form::new("New SIP media application", "create")
                    .intro("Its SIP Media Application Dial-In numbers are assigned from the Inventory (a).")
                    .field(Field::new("Name", "", "e.g. IVR", required("name")))
                    .field(Field::choice("Region", regions, "", CHOOSE));
                self.dialog = Some(Dialog::Form(form, Purpose::NewSma));
            }
        }
    }

    fn start_account(&mut self) {
        let form = Form::new("New account", "create").field(Field::new(
            "Account name",
            "",
            "e.g. Acme",
            required("account name"),
        ));
        self.dialog = Some(Dialog::Form(form, Purpose::NewAccount));
    }

    fn start_edit(&mut self, cx: &mut Cx) {
        match self.section {
            Section::Users => cx.say(Status::info(
                "Users change by their permissions: c for calling, s for SMS.",
            )),
            Section::Connectors => {
                let Some(c) = self.current_connector().cloned() else {
                    cx.say(Status::error("no voice connector here: n creates one"));
                    return;
                };
                let form = Form::new(format!("Edit voice connector {}", c.id), "save")
                    .intro(format!("Region {} (fixed once created).", c.region))
                    .field(Field::new(
                        "Name",
                        &one_line(&c.name),
                        "e.g. Trunk East",
                        required("name"),
                    ))
                    .field(Field::choice(
                        "Encryption",
                        on_off(),
                        ON_OFF[usize::from(!c.encryption)],
                        "Space to turn on or off",
                    ));
                self.dialog = Some(Dialog::Form(form, Purpose::EditConnector(c.id)));
            }
            Section::Groups => match self.current_group().cloned() {
                Some(g) => self.start_group(cx, Some(g)),
                None => cx.say(Status::error("no group here: n creates one")),
            },
            Section::Smas => cx.say(Status::info(
                "A SIP media application's numbers change from the Inventory: a assigns, u unassigns.",
            )),
        }
    }

    fn start_group(&mut self, cx: &mut Cx, group: Option<VoiceConnectorGroup>) {
        if self.names.connectors.is_empty() {
            cx.say(Status::error(
                "a voice connector group needs voice connectors: create one first (] then n)",
            ));
            return;
        }
        let mut options = vec!["none".to_string()];
        options.extend(
            self.names
                .connectors
                .iter()
                .map(|c| format!("{} ({})", one_line(&c.name), c.id)),
        );
        let ids: Vec<VoiceConnectorId> =
            self.names.connectors.iter().map(|c| c.id.clone()).collect();
        let members = group
            .as_ref()
            .map(|g| g.members.clone())
            .unwrap_or_default();
        let title = match &group {
            Some(g) => format!("Edit voice connector group {}", g.id),
            None => "New voice connector group".to_string(),
        };
        let name = group
            .as_ref()
            .map(|g| one_line(&g.name).into_owned())
            .unwrap_or_default();
        let mut form = Form::new(title, "save")
            .intro("Up to 3 voice connectors; priority 1 is the highest, 99 the lowest.")
            .field(Field::new("Name", &name, "e.g. Main", required("name")));
        for (i, _) in MEMBER_FIELDS.iter().enumerate() {
            let m = members.get(i);
            let chosen = m
                .and_then(|m| ids.iter().position(|id| *id == m.connector))
                .map(|p| options[p + 1].clone())
                .unwrap_or_else(|| options[0].clone());
            let prio = m.map(|m| m.priority.to_string()).unwrap_or_default();
            form = form
                .field(Field::choice(
                    ["Member 1", "Member 2", "Member 3"][i],
                    options.clone(),
                    &chosen,
                    CHOOSE,
                ))
                .field(Field::new(
                    ["Priority 1", "Priority 2", "Priority 3"][i],
                    &prio,
                    "1 (highest) to 99",
                    priority_check(),
                ));
        }
        self.dialog = Some(Dialog::Form(form, Purpose::Group(group.map(|g| g.id), ids)));
    }

    fn start_delete(&mut self, cx: &mut Cx) {
        let (target, what, name) = match self.section {
            Section::Users => match self.people.current() {
                Some(Person::User { u, .. }) => {
                    (Target::User(u.id.clone()), "user", u.name.clone())
                }
                Some(Person::Account { a, .. }) => {
                    (Target::Account(a.id.clone()), "account", a.name.clone())
                }
                None => {
                    cx.say(Status::error("nothing to delete here"));
                    return;
                }
            },
            Section::Connectors => match self.current_connector() {
                Some(c) => (
                    Target::Connector(c.id.clone()),
                    "voice connector",
                    c.name.clone(),
                ),
                None => {
                    cx.say(Status::error("nothing to delete here"));
                    return;
                }
            },
            Section::Groups => match self.current_group() {
                Some(g) => (
                    Target::Group(g.id.clone()),
                    "voice connector group",
                    g.name.clone(),
                ),
                None => {
                    cx.say(Status::error("nothing to delete here"));
                    return;
                }
            },
            Section::Smas => {
                cx.say(Status::info(
                    "SIP media applications are deleted where they are made (the AWS console).",
                ));
                return;
            }
        };
        let name = one_line(&name).into_owned();
        let c = Confirm::new(
            format!("Delete {what}"),
            "delete",
            format!("Delete {what} {name}"),
        )
        .line("It cannot be deleted while numbers are assigned to it.");
        self.dialog = Some(Dialog::Confirm(c, target));
    }

    /// The form's values as an action; `Err` is shown beside the form.
    fn form_action(form: &Form, purpose: &Purpose) -> Result<Action, String> {
        let v = |i: usize| form.value(i).trim().to_string();
        Ok(match purpose {
            Purpose::NewAccount => Action::CreateAccount { name: v(0) },
            Purpose::NewUser(account) => Action::CreateUser {
                account: account.clone(),
                name: v(0),
                email: v(1),
            },
            Purpose::NewConnector => Action::CreateVoiceConnector {
                name: v(0),
                region: v(1),
                encryption: form.chosen(2) == 0,
            },
            Purpose::EditConnector(id) => Action::UpdateVoiceConnector {
                connector: id.clone(),
                name: v(0),
                encryption: form.chosen(1) == 0,
            },
            Purpose::Group(id, ids) => {
                let mut members = Vec::new();
                for (i, (member, priority)) in MEMBER_FIELDS.iter().enumerate() {
                    let chosen = form.chosen(*member);
                    let Some(connector) = chosen.checked_sub(1).and_then(|c| ids.get(c)) else {
                        continue;
                    };
                    let p = v(*priority);
                    let priority = if p.is_empty() {
                        i as u8 + 1
                    } else {
                        p.parse::<u8>()
                            .map_err(|_| format!("priority {p} is not 1 to 99"))?
                    };
                    members.push(GroupMember {
                        connector: connector.clone(),
                        priority,
                    });
                }
                match id {
                    Some(group) => Action::UpdateGroup {
                        group: group.clone(),
                        name: v(0),
                        members,
                    },
                    None => Action::CreateGroup {
                        name: v(0),
                        members,
                    },
                }
            }
            Purpose::NewSma => Action::CreateSipMediaApplication {
                name: v(0),
                region: v(1),
            },
        })
    }

    fn delete_action(target: Target) -> Action {
        match target {
            Target::Account(account) => Action::DeleteAccount { account },
            Target::User(user) => Action::DeleteUser { user },
            Target::Connector(connector) => Action::DeleteVoiceConnector { connector },
            Target::Group(group) => Action::DeleteGroup { group },
        }
    }

    fn switch(&mut self, forward: bool) {
        let i = self.section.index();
        let n = Section::ALL.len();
        self.section = Section::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    fn draw_users(
        &self,
        area: Rect,
        cx: &DrawCx,
    ) -> (Vec<Row<'static>>, Vec<&'static str>, Vec<Constraint>) {
        let t = cx.theme;
        let yes = |b: bool| if b { "on" } else { "off" };
        let rows = self
            .people
            .visible()
            .map(|(e, _)| match e {
                Person::Account { a, users: n, .. } => {
                    let n = *n;
                    Row::new(vec![
                        Cell::from(format!("{} ({})", one_line(&a.name), a.id)),
                        Cell::from(format!(
                            "account, {n} user{}",
                            if n == 1 { "" } else { "s" }
                        )),
                        Cell::from(""),
                        Cell::from(""),
                        Cell::from(""),
                    ])
                    .style(t.title)
                }
                Person::User { u, .. } => Row::new(vec![
                    Cell::from(format!("  {}", one_line(&u.name))),
                    Cell::from(one_line(&u.email).into_owned()),
                    Cell::from(
                        u.phone_number
                            .as_ref()
                            .map(|p| p.national())
                            .unwrap_or_else(|| "-".into()),
                    ),
                    Cell::from(yes(u.calling_enabled)),
                    Cell::from(yes(u.sms_enabled)),
                ]),
            })
            .collect();
        let wide = area.width >= 110;
        let widths = vec![
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(14),
            Constraint::Length(if wide { 7 } else { 4 }),
            Constraint::Length(3),
        ];
        let header = if wide {
            vec!["Name", "Email", "Number", "Calling", "SMS"]
        } else {
            vec!["Name", "Email", "Number", "Call", "SMS"]
        };
        (rows, header, widths)
    }

    fn draw_connectors(&self) -> (Vec<Row<'static>>, Vec<&'static str>, Vec<Constraint>) {
        let rows = self
            .connectors
            .visible()
            .map(|(r, _)| {
                let c = &r.c;
                Row::new(vec![
                    Cell::from(one_line(&c.name).into_owned()),
                    Cell::from(c.id.to_string()),
                    Cell::from(c.region.clone()),
                    Cell::from(if c.encryption { "on" } else { "off" }),
                    Cell::from(r.numbers.to_string()),
                ])
            })
            .collect();
        let widths = vec![
            Constraint::Fill(1),
            Constraint::Length(7),
            Constraint::Length(14),
            Constraint::Length(10),
            Constraint::Length(7),
        ];
        (
            rows,
            vec!["Name", "ID", "Region", "Encryption", "Numbers"],
            widths,
        )
    }

    fn draw_groups(&self) -> (Vec<Row<'static>>, Vec<&'static str>, Vec<Constraint>) {
        let rows = self
            .groups
            .visible()
            .map(|(r, _)| {
                let g = &r.g;
                Row::new(vec![
                    Cell::from(one_line(&g.name).into_owned()),
                    Cell::from(g.id.to_string()),
                    Cell::from(r.members.clone()),
                    Cell::from(r.numbers.to_string()),
                ])
            })
            .collect();
        let widths = vec![
            Constraint::Fill(1),
            Constraint::Length(7),
            Constraint::Fill(2),
            Constraint::Length(7),
        ];
        (
            rows,
            vec!["Name", "ID", "Members (priority)", "Numbers"],
            widths,
        )
    }

    fn draw_smas(&self) -> (Vec<Row<'static>>, Vec<&'static str>, Vec<Constraint>) {
        let rows = self
            .smas
            .visible()
            .map(|(r, _)| {
                let numbers: Vec<String> = r.numbers.iter().map(|n| n.national()).collect();
                Row::new(vec![
                    Cell::from(one_line(&r.a.name).into_owned()),
                    Cell::from(r.a.id.to_string()),
                    Cell::from(r.a.region.clone()),
                    Cell::from(r.numbers.len().to_string()),
                    Cell::from(numbers.join(", ")),
                ])
            })
            .collect();
        let widths = vec![
            Constraint::Fill(1),
            Constraint::Length(7),
            Constraint::Length(14),
            Constraint::Length(7),
            Constraint::Fill(2),
        ];
        (
            rows,
            vec!["Name", "ID", "Region", "Numbers", "Dial-in numbers"],
            widths,
        )
    }
}

impl Screen for Directory {
    fn id(&self) -> ScreenId {
        ScreenId::Directory
    }

    fn scope(&self) -> Scope {
        Scope::Directory
    }

    fn copy_text(&self) -> Option<String> {
        match self.section {
            Section::Users => self.people.copy_text(),
            Section::Connectors => self.connectors.copy_text(),
            Section::Groups => self.groups.copy_text(),
            Section::Smas => self.smas.copy_text(),
        }
    }

    fn goto(&mut self, wanted: &str, _cx: &mut Cx) -> bool {
        // By id or name (a user's email too), in the section that lists it.
        let w = wanted.trim();
        let hit =
            |id: &str, names: &[&str]| id == w || names.iter().any(|n| n.eq_ignore_ascii_case(w));
        if let Some(l) = self
            .connectors
            .all()
            .iter()
            .find(|r| hit(&r.c.id.0, &[&r.c.name]))
            .map(Record::label)
        {
            self.section = Section::Connectors;
            return self.connectors.goto(&l);
        }
        if let Some(l) = self
            .groups
            .all()
            .iter()
            .find(|r| hit(&r.g.id.0, &[&r.g.name]))
            .map(Record::label)
        {
            self.section = Section::Groups;
            return self.groups.goto(&l);
        }
        if let Some(l) = self
            .smas
            .all()
            .iter()
            .find(|r| hit(&r.a.id.0, &[&r.a.name]))
            .map(Record::label)
        {
            self.section = Section::Smas;
            return self.smas.goto(&l);
        }
        let person = self.people.all().iter().find(|p| match p {
            Person::User { u, .. } => hit(&u.id.0, &[&u.name, &u.email]),
            Person::Account { a, .. } => hit(&a.id.0, &[&a.name]),
        });
        if let Some(l) = person.map(Record::label) {
            self.section = Section::Users;
            return self.people.goto(&l);
        }
        false
    }

    fn refresh(&mut self, cx: &mut Cx) {
        self.names = Names::load(cx.engine);
        let store = cx.engine.store();
        self.counts = self
            .names
            .connectors
            .iter()
            .map(|c| c.id.0.clone())
            .chain(self.names.groups.iter().map(|g| g.id.0.clone()))
            .map(|id| {
                let n = store.assigned_count(&id);
                (id, n)
            })
            .collect();
        self.dial_in = store.dial_in_rules().unwrap_or_default();
        self.load(cx);
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        match cmd {
            Cmd::NextSection => self.switch(true),
            Cmd::PrevSection => self.switch(false),
            Cmd::Create => self.start_create(cx),
            Cmd::CreateAccount => self.start_account(),
            Cmd::Edit => self.start_edit(cx),
            Cmd::Remove => self.start_delete(cx),
            Cmd::ToggleCalling => self.toggle_permission(cx, true),
            Cmd::ToggleSms => self.toggle_permission(cx, false),
            Cmd::ToggleEncryption => self.toggle_encryption(cx),
            Cmd::Details => self.show_numbers(cx),
            c => return self.nav().apply(c),
        }
        true
    }

    fn applies(&self, cmd: Cmd) -> bool {
        match cmd {
            Cmd::ToggleCalling | Cmd::ToggleSms => {
                self.section == Section::Users && self.current_user().is_some()
            }
            Cmd::ToggleEncryption => {
                self.section == Section::Connectors && self.current_connector().is_some()
            }
            Cmd::Edit => match self.section {
                Section::Connectors => self.current_connector().is_some(),
                Section::Groups => self.current_group().is_some(),
                _ => false,
            },
            _ => true,
        }
    }

    fn is_modal(&self) -> bool {
        self.dialog.is_some()
    }

    fn on_paste(&mut self, text: &str) {
        if let Some(Dialog::Form(form, _)) = &mut self.dialog {
            form.paste(text);
        }
    }

    fn in_dialog(&self) -> bool {
        matches!(self.dialog, Some(Dialog::Confirm(..)))
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        match self.dialog.take() {
            Some(Dialog::Confirm(mut c, target)) => match c.handle_key(key) {
                DialogEvent::Done => {
                    let _ = cx.dispatch(Self::delete_action(target));
                }
                DialogEvent::Cancel => {}
                _ => self.dialog = Some(Dialog::Confirm(c, target)),
            },
            Some(Dialog::Form(mut form, purpose)) => match form.handle_key(key) {
                DialogEvent::Cancel => {}
                DialogEvent::Done => {
                    let result =
                        Self::form_action(&form, &purpose).and_then(|a| cx.dispatch(a).map(|_| ()));
                    if let Err(e) = result {
                        form.error = Some(e);
                        self.dialog = Some(Dialog::Form(form, purpose));
                    }
                }
                _ => self.dialog = Some(Dialog::Form(form, purpose)),
            },
            None => return self.sort_key(key, cx),
        }
        true
    }

    fn set_filter(&mut self, text: &str, _cx: &mut Cx) {
        self.people.set_filter(text);
        self.connectors.set_filter(text);
        self.groups.set_filter(text);
        self.smas.set_filter(text);
    }

    fn filter(&self) -> &str {
        self.people.filter()
    }

    fn has_unsaved_input(&self) -> bool {
        matches!(&self.dialog, Some(Dialog::Form(f, _)) if f.is_dirty())
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        let note = (self.section == Section::Users)
            .then(|| self.note.clone())
            .flatten();
        let (table_area, note_area) = match &note {
            Some(_) => {
                let [a, b] =
                    Layout::vertical([Constraint::Min(4), Constraint::Length(2)]).areas(area);
                (a, Some(b))
            }
            None => (area, None),
        };
        let height = body_height(table_area);
        let (rows, header, widths) = match self.section {
            Section::Users => {
                self.people.set_height(height);
                let (r, h, w) = self.draw_users(table_area, cx);
                (r, h.into_iter().map(String::from).collect(), w)
            }
            Section::Connectors => {
                self.connectors.set_height(height);
                let (r, h, w) = self.draw_connectors();
                (r, self.connectors.header(t, &h, &CONNECTOR_COLUMNS), w)
            }
            Section::Groups => {
                self.groups.set_height(height);
                let (r, h, w) = self.draw_groups();
                (r, self.groups.header(t, &h, &GROUP_COLUMNS), w)
            }
            Section::Smas => {
                self.smas.set_height(height);
                let (r, h, w) = self.draw_smas();
                (r, self.smas.header(t, &h, &SMA_COLUMNS), w)
            }
        };
        let filter = self.people.filter().to_string();
        let mut title = vec![Span::styled(" Directory ", t.title)];
        for s in Section::ALL {
            let style = if s == self.section {
                t.tab_active
            } else {
                t.tab
            };
            let text = if table_area.width < 120 {
                match s {
                    Section::Users => "Users",
                    Section::Connectors => "Connectors",
                    Section::Groups => "Groups",
                    Section::Smas => "SMAs",
                }
            } else {
                s.title()
            };
            let text = if s == self.section {
                format!("[{text}]")
            } else {
                format!(" {text} ")
            };
            title.push(Span::styled(text, style));
        }
        title.push(Span::styled(" [/] switch ", t.dim));
        if !filter.is_empty() {
            title.push(Span::styled(format!("/{} ", one_line(&filter)), t.accent));
        }
        let empty = match (self.section, filter.is_empty()) {
            (_, false) => "Nothing matches the filter. Esc clears it.",
            (Section::Users, true) => "No accounts yet. A creates an account.",
            (Section::Connectors, true) => "No voice connectors yet. n creates one.",
            (Section::Groups, true) => "No voice connector groups yet. n creates one.",
            (Section::Smas, true) => "No SIP media applications yet. n creates one.",
        };
        draw_table(
            f,
            table_area,
            t,
            Line::from(title),
            header,
            &widths,
            rows,
            &self.nav().clone(),
            empty,
        );
        if let (Some(n), Some(a)) = (note, note_area) {
            f.render_widget(
                Paragraph::new(Line::from(n).style(t.warn)).wrap(Wrap { trim: true }),
                a,
            );
        }
        match &self.dialog {
            Some(Dialog::Form(form, _)) => form.draw(f, area, t),
            Some(Dialog::Confirm(c, _)) => c.draw(f, area, t),
            None => {}
        }
    }
}
