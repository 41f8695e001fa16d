//! Support: requests newest first; Enter opens one with its fields (secrets masked), its
//! status and next step, and its thread. Actions: a new plain request, the port-in and
//! port-out forms (support_forms.rs), reply, the LOA step, cancel (confirmed) and close.
//! The port-out account ID and PIN show only while `v` has revealed them.

use super::support_forms::{self as forms, FormDialog, FormStep};
use super::{any_countdown_changed, Cx, DrawCx, Screen, ScreenId};
use crate::domain::*;
use crate::filter::FieldSpec;
use crate::local_time::{self, Shown};
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::confirm::Confirm;
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{
    body_height, draw_table, pick_columns, sort_letters, Record, Rows,
};
use crate::tui::widgets::table::{Cell, Row};
use crate::tui::widgets::{block, DialogEvent};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use std::cmp::Ordering;

/// The sortable columns, by their header titles.
pub const COLUMNS: [&str; 6] = ["Request", "Kind", "Subject", "Status", "Updated", "Numbers"];

/// The fields the `/` filter matches exactly (`status:...`).
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "status",
        help: "the request's status",
    },
    FieldSpec {
        name: "kind",
        help: "the kind of request",
    },
];

impl Record for SupportRequest {
    const FIELDS: &'static [FieldSpec] = FIELDS;
    fn values(&self, field: &str) -> Vec<String> {
        match field {
            "status" => vec![self.status.label().into()],
            "kind" => vec![self.kind_label().into()],
            _ => Vec::new(),
        }
    }
    fn numbers(&self) -> Vec<E164> {
        SupportRequest::numbers(self).to_vec()
    }
    type Key = RequestId;
    fn key(&self) -> RequestId {
        self.id.clone()
    }
    fn label(&self) -> String {
        self.id.to_string()
    }
    fn haystack(&self) -> String {
        let nums: Vec<&str> = self.numbers().iter().map(|n| n.as_str()).collect();
        format!(
            "{} {} {} {} {}",
            self.id,
            self.kind_label(),
            one_line(&self.subject),
            self.status.label(),
            nums.join(" ")
        )
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (self, other);
        match column {
            1 => a.kind_label().cmp(b.kind_label()),
            2 => a.subject.to_lowercase().cmp(&b.subject.to_lowercase()),
            3 => a.status.label().cmp(b.status.label()),
            4 => a.updated_at.cmp(&b.updated_at),
            5 => a.numbers().len().cmp(&b.numbers().len()),
            // Request ids count up: req-10 comes after req-9.
            _ => a.created_at.cmp(&b.created_at),
        }
    }
}

#[derive(Default)]
pub struct Support {
    rows: Rows<SupportRequest>,
    connectors: Vec<VoiceConnector>,
    open: Option<RequestId>,
    scroll: u16,
    /// The port-out account ID and PIN are shown in full.
    reveal: bool,
    form: Option<FormDialog>,
    confirm: Option<(Confirm, RequestId)>,
    /// The contact email of the last request submitted in this session: the next form
    /// starts with it.
    email: Option<String>,
}

impl Support {
    pub fn new() -> Support {
        Support::default()
    }

    /// Opens a form: secrets revealable by those who may, the last email filled in.
    fn open_form(&mut self, dialog: FormDialog, cx: &Cx) {
        let dialog = dialog.may_reveal(cx.actor.role.may_reveal());
        self.form = Some(match &self.email {
            Some(email) => forms::with_email(dialog, email, false),
            None => dialog,
        });
    }

    /// The port-out form with `numbers` filled in (from the Inventory's marks).
    pub fn port_out(&mut self, numbers: &[E164], product_type: ProductType, cx: &Cx) {
        self.open = None;
        self.open_form(forms::port_out_form(numbers, product_type), cx);
        // With the numbers given, the cursor waits where typing is still needed (the email).
        if let Some(f) = self.form.as_mut().filter(|_| !numbers.is_empty()) {
            f.form.focus = f.form.first_invalid().unwrap_or(0);
        }
    }

    fn opened(&self) -> Option<&SupportRequest> {
        let id = self.open.as_ref()?;
        self.rows.all().iter().find(|r| &r.id == id)
    }

    /// The opened request, else the one under the cursor.
    fn target(&self, cx: &mut Cx) -> Option<SupportRequest> {
        let r = self.opened().or_else(|| self.rows.current());
        if r.is_none() {
            cx.say(Status::error(
                "no request selected: press n, i or o to submit one",
            ));
        }
        r.cloned()
    }

    /// The target, unless it is finished: then the status line says so and no form opens.
    fn open_target(&self, cx: &mut Cx) -> Option<SupportRequest> {
        let r = self.target(cx)?;
        if r.status.is_final() {
            cx.say(Status::error(format!(
                "{} is {}: a finished request takes no more actions",
                r.id,
                r.status.label()
            )));
            return None;
        }
        Some(r)
    }

    fn start_loa(&mut self, cx: &mut Cx) {
        let Some(r) = self.open_target(cx) else {
            return;
        };
        match r.port_in() {
            Some(p) => {
                let document = match (cx.engine.remote().is_some(), cx.export_on_screen) {
                    (false, _) => forms::LoaDocument::None,
                    (true, None) => forms::LoaDocument::LocalFile,
                    (true, Some(_)) => forms::LoaDocument::NotOverSsh,
                };
                self.open_form(forms::loa_form(&r, p, document), cx)
            }
            None => cx.say(Status::error(
                RuleError::NotPortIn {
                    request: r.id.0.clone(),
                }
                .to_string(),
            )),
        }
    }

    fn start_cancel(&mut self, cx: &mut Cx) {
        let Some(r) = self.open_target(cx) else {
            return;
        };
        let c = Confirm::new(
            "Cancel support request",
            "cancel the request",
            format!("Cancel {}", r.id),
        )
        .line(format!("{}: {}", r.id, one_line(&r.subject)))
        .line("Support confirms the cancellation; a port in progress stops.");
        self.confirm = Some((c, r.id));
    }

    fn submitted(&mut self, action: Action, cx: &mut Cx) -> Result<(), String> {
        let new = matches!(action, Action::SubmitRequest(_));
        let outcome = cx.dispatch(action)?;
        if new {
            self.open = outcome.request;
            self.scroll = 0;
            self.reveal = false;
        }
        Ok(())
    }

    fn next_step(&self, r: &SupportRequest, now: Timestamp) -> String {
        let when =
            |at: Timestamp| format!("in {} ({})", format_duration(now.until(at)), at.shown());
        match (r.status, r.next_step_at) {
            (RequestStatus::Submitted, Some(at)) => format!("support answers {}", when(at)),
            (RequestStatus::CancelRequested, Some(at)) => {
                format!("support confirms the cancellation {}", when(at))
            }
            (RequestStatus::PendingDocuments, _) => "submit the LOA: press L".into(),
            (RequestStatus::ChangeRequested, _) => "submit a corrected LOA: press L".into(),
            (RequestStatus::Foc, Some(at)) => format!("the port completes {}", when(at)),
            (RequestStatus::Answered, _) => "reply (r) or close the request (x)".into(),
            (s, _) if s.is_final() => "nothing: the request is finished".into(),
            _ => "waiting for support".into(),
        }
    }

    /// Support's answer names the port-out account ID: masked there too until revealed.
    fn hide_account(&self, r: &SupportRequest, text: &str) -> String {
        match &r.port_out_account {
            Some(acct) if !self.reveal && !acct.is_empty() => {
                text.replace(acct.as_str(), &Secret::new(acct.as_str()).masked())
            }
            _ => text.to_string(),
        }
    }

    fn detail_lines(&self, r: &SupportRequest, cx: &DrawCx) -> Vec<Line<'static>> {
        let t = cx.theme;
        let kv = |k: &str, v: String| {
            Line::from(vec![
                Span::styled(format!("{k:<24}"), t.dim),
                Span::raw(one_line(&v).into_owned()),
            ])
        };
        let mut lines = vec![
            kv("Request", format!("{} ({})", r.id, r.kind_label())),
            kv("Subject", r.subject.clone()),
            kv("Category", r.category.label().into()),
            kv("Status", r.status.label().into()),
        ];
        if let Some(foc) = r.foc_date {
            lines.push(kv("FOC date (port date)", foc.shown()));
        }
        lines.push(kv("Next step", self.next_step(r, cx.now)));
        lines.push(kv("Email", r.email.clone()));
        lines.push(kv(
            "Created / updated",
            format!("{} / {}", r.created_at.shown(), r.updated_at.shown()),
        ));
        let list = |ns: &[E164]| ns.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ");
        let masked = |s: &Option<Secret>| {
            s.as_ref()
                .map(|s| s.masked())
                .unwrap_or_else(|| "not given".into())
        };
        match &r.kind {
            RequestKind::Other => {
                lines.push(Line::from(""));
                lines.push(Line::from("Issue").style(t.title));
                for l in r.issue.lines() {
                    lines.push(Line::from(format!("  {}", one_line(l))));
                }
            }
            RequestKind::PortIn(p) => {
                lines.push(Line::from(""));
                lines.push(Line::from("Port in").style(t.title));
                let vc = p
                    .voice_connector
                    .as_ref()
                    .map(|id| {
                        self.connectors
                            .iter()
                            .find(|c| &c.id == id)
                            .map(|c| format!("{} ({id})", c.name))
                            .unwrap_or_else(|| id.to_string())
                    })
                    .unwrap_or_else(|| "-".into());
                lines.extend([
                    kv("Numbers", list(&p.numbers)),
                    kv("Product type", p.product_type.label().into()),
                    kv("Billing number (BTN)", p.btn.to_string()),
                    kv("Authorizing person", p.authorizing_person.clone()),
                    kv(
                        "Current carrier",
                        p.current_carrier
                            .clone()
                            .unwrap_or_else(|| "unknown".into()),
                    ),
                    kv("Service account number", masked(&p.service_account_number)),
                    kv("Service PIN", masked(&p.service_pin)),
                    kv("Service address", p.service_address.clone()),
                    kv("Customer name", p.customer_name.clone()),
                    kv("Requested port date", p.requested_at.shown()),
                    kv("Voice connector", vc),
                ]);
                for l in &r.loas {
                    lines.push(kv(
                        "LOA",
                        format!(
                            "{}, signed by {}, submitted {}",
                            l.carrier,
                            l.authorizing_person,
                            l.submitted_at.shown()
                        ),
                    ));
                }
            }
            RequestKind::PortOut(p) => {
                lines.push(Line::from(""));
                lines.push(Line::from("Port out").style(t.title));
                lines.push(kv("Numbers", list(&p.numbers)));
                lines.push(kv("Product type", p.product_type.label().into()));
                match (&r.port_out_account, &r.port_out_pin) {
                    (None, None) => lines.push(kv(
                        "Account ID and PIN",
                        "support sends them with its answer".into(),
                    )),
                    (account, pin) => {
                        let account = account.clone().map(Secret::new);
                        let show = |s: &Option<Secret>| match s {
                            Some(s) if self.reveal => s.reveal().to_string(),
                            Some(s) => s.masked(),
                            None => "-".into(),
                        };
                        lines.push(kv("Account ID", show(&account)));
                        lines.push(kv("PIN", show(pin)));
                        lines.push(if self.reveal {
                            Line::from("  Shown in full: press v to hide them again.").style(t.warn)
                        } else {
                            Line::from("  Masked: press v to show them while you copy them.")
                                .style(t.dim)
                        });
                    }
                }
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::from(format!("Thread ({})", r.thread.len())).style(t.title));
        if r.thread.is_empty() {
            lines.push(Line::from("  No replies yet.").style(t.dim));
        }
        for reply in &r.thread {
            lines.push(Line::from(vec![
                Span::styled(format!("  {}", one_line(&reply.name)), t.accent),
                Span::styled(format!("  {}", reply.at.shown()), t.dim),
            ]));
            for l in reply.text.lines() {
                let l = self.hide_account(r, l);
                lines.push(Line::from(format!("    {}", one_line(&l))));
            }
        }
        lines
    }

    fn draw_detail(&self, f: &mut Frame, area: Rect, cx: &DrawCx, r: &SupportRequest) {
        let t = cx.theme;
        let admin = cx.role == crate::domain::Role::Admin;
        // A finished request takes no actions: offer none (revealing stays possible).
        let mut keys = String::new();
        match (&r.kind, r.status.is_final()) {
            (RequestKind::PortOut(_), true) if admin => keys.push_str(" v reveal "),
            (_, true) => {}
            (RequestKind::PortIn(_), false) => keys.push_str(" r reply  L LOA  c cancel "),
            (RequestKind::PortOut(_), false) if admin => {
                keys.push_str(" r reply  v reveal  c cancel ")
            }
            (RequestKind::PortOut(_), false) => keys.push_str(" r reply  c cancel "),
            (RequestKind::Other, false) => keys.push_str(" r reply  c cancel  x close "),
        }
        keys.push_str(" j/k scroll  Esc back ");
        let b = block(t, format!(" Support › {} {} ", r.id, one_line(&r.subject)))
            .title_bottom(Line::from(keys).style(t.dim));
        let lines = self.detail_lines(r, cx);
        f.render_widget(
            Paragraph::new(lines)
                .block(b)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            area,
        );
    }

    fn draw_list(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        self.rows.set_height(body_height(area));
        let wide = area.width >= 110;
        let rows = self
            .rows
            .visible()
            .map(|(r, _)| {
                let style = match r.status {
                    RequestStatus::Exception | RequestStatus::ChangeRequested => t.error,
                    RequestStatus::PendingDocuments | RequestStatus::Answered => t.warn,
                    RequestStatus::Completed => t.ok,
                    _ => t.text,
                };
                let mut cells = vec![
                    Cell::from(r.id.to_string()),
                    Cell::from(r.kind_label()),
                    Cell::from(one_line(&r.subject).into_owned()),
                    Cell::from(r.status.label()).style(style),
                    Cell::from(r.updated_at.shown()),
                ];
                if wide {
                    cells.push(Cell::from(r.numbers().len().to_string()));
                }
                Row::new(cells)
            })
            .collect();
        let mut header = vec!["Request", "Kind", "Subject", "Status", "Updated"];
        let mut widths = vec![
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Fill(1),
            Constraint::Length(16),
            Constraint::Length(local_time::shown_width()),
        ];
        if wide {
            header.push("Numbers");
            widths.push(Constraint::Length(7));
        }
        let header = self.rows.header(t, &header, &COLUMNS);
        let title = self.rows.title(t, "Support requests", None);
        let empty = if self.rows.filter().is_empty() {
            "No support requests. n submits one; i ports numbers in, o ports numbers out."
        } else {
            "No requests match the filter. Esc clears it."
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

impl Screen for Support {
    fn id(&self) -> ScreenId {
        ScreenId::Support
    }

    fn scope(&self) -> Scope {
        Scope::Support
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
        let store = cx.engine.store();
        if let Some(note) = self.rows.set(store.requests().unwrap_or_default()) {
            cx.note(note);
        }
        self.connectors = store.voice_connectors().unwrap_or_default();
        if self.opened().is_none() {
            self.open = None;
        }
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        match cmd {
            Cmd::NewRequest => self.open_form(forms::plain_form(), cx),
            Cmd::PortInRequest => {
                let form = forms::port_in_form(&self.connectors, cx.engine.policy(), cx.now);
                self.open_form(form, cx)
            }
            Cmd::PortOutRequest => self.port_out(&[], ProductType::BusinessCalling, cx),
            Cmd::Reply => {
                if let Some(r) = self.open_target(cx) {
                    self.open_form(forms::reply_form(&r.id), cx);
                }
            }
            Cmd::SubmitLoa => self.start_loa(cx),
            Cmd::CancelRequest => self.start_cancel(cx),
            Cmd::CloseRequest => {
                if let Some(r) = self.open_target(cx) {
                    let _ = cx.dispatch(Action::CloseRequest { request: r.id });
                }
            }
            // The port-out PIN and account ID move numbers away: admins only.
            Cmd::Reveal if !cx.actor.role.may_reveal() => {
                self.reveal = false;
                cx.say(Status::error(format!(
                    "Only administrators can reveal the port-out account ID and PIN; you are signed in as a {}.",
                    cx.actor.role.label()
                )));
            }
            Cmd::Reveal => match self.opened() {
                Some(r) if matches!(r.kind, RequestKind::PortOut(_)) => {
                    self.reveal = !self.reveal;
                    cx.say(Status::info(if self.reveal {
                        "The account ID and PIN are shown in full; v hides them."
                    } else {
                        "The account ID and PIN are masked again."
                    }));
                }
                _ => cx.say(Status::info(
                    "v reveals the account ID and PIN of an opened port-out request.",
                )),
            },
            Cmd::Details if self.open.is_none() => {
                self.open = self.rows.current().map(|r| r.id.clone());
                self.scroll = 0;
                self.reveal = false;
            }
            Cmd::Back if self.open.is_some() => {
                self.open = None;
                self.reveal = false;
            }
            Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom | Cmd::PageUp | Cmd::PageDown
                if self.open.is_some() =>
            {
                self.scroll = match cmd {
                    Cmd::Up => self.scroll.saturating_sub(1),
                    Cmd::Down => self.scroll.saturating_add(1).min(200),
                    Cmd::PageUp => self.scroll.saturating_sub(10),
                    Cmd::PageDown => self.scroll.saturating_add(10).min(200),
                    Cmd::Top => 0,
                    _ => 200,
                };
            }
            c if self.open.is_none() => return self.rows.apply(c),
            _ => return false,
        }
        true
    }

    fn is_modal(&self) -> bool {
        self.form.is_some() || self.confirm.is_some()
    }

    fn on_paste(&mut self, text: &str) {
        if let Some(form) = &mut self.form {
            form.paste(text);
        }
    }

    fn in_dialog(&self) -> bool {
        self.confirm.is_some()
    }

    fn open_port_out(&mut self, numbers: &[E164], product_type: ProductType, cx: &mut Cx) {
        self.port_out(numbers, product_type, cx);
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        if let Some((mut c, id)) = self.confirm.take() {
            match c.handle_key(key) {
                DialogEvent::Done => {
                    let _ = cx.dispatch(Action::CancelRequest { request: id });
                }
                DialogEvent::Cancel => {}
                _ => self.confirm = Some((c, id)),
            }
            return true;
        }
        let Some(mut form) = self.form.take() else {
            if self.open.is_some() {
                return false;
            }
            let letters = sort_letters(&COLUMNS, cx.keys, self.scope());
            let words = self.rows.sort_key(&key, &letters, &COLUMNS);
            return words.map(|w| cx.say(Status::info(w))).is_some();
        };
        match form.handle_key(key, cx.now) {
            FormStep::Open | FormStep::Next => self.form = Some(form),
            FormStep::PortForm { port_in, email } => {
                let port = if port_in {
                    forms::port_in_form(&self.connectors, cx.engine.policy(), cx.now)
                } else {
                    forms::port_out_form(&[], ProductType::BusinessCalling)
                };
                self.open_form(port, cx);
                self.form = self.form.take().map(|f| forms::with_email(f, &email, true));
                cx.say(Status::info(format!(
                    "A port is filed with this form (key {} on the Support screen): it asks for \
                     everything the carriers need.",
                    if port_in { "i" } else { "o" }
                )));
            }
            FormStep::Cancelled => {}
            FormStep::Submit(action) => match self.submitted(*action, cx) {
                Ok(()) => {
                    if let Some(email) = form.email().filter(|e| !e.is_empty()) {
                        self.email = Some(email.to_string());
                    }
                }
                Err(e) => {
                    form.form.error = Some(e);
                    self.form = Some(form);
                }
            },
        }
        true
    }

    fn set_filter(&mut self, text: &str, _cx: &mut Cx) {
        self.open = None;
        self.rows.set_filter(text);
    }

    fn filter(&self) -> &str {
        self.rows.filter()
    }

    fn applies(&self, cmd: Cmd) -> bool {
        match cmd {
            Cmd::NewRequest | Cmd::PortInRequest | Cmd::PortOutRequest | Cmd::Filter => true,
            // A finished request takes no actions; revealing stays possible.
            Cmd::Reveal | Cmd::Details | Cmd::Mark => {
                self.opened().or_else(|| self.rows.current()).is_some()
            }
            _ => self
                .opened()
                .or_else(|| self.rows.current())
                .is_some_and(|r| !r.status.is_final()),
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
            .opened()
            .map(|r| r.next_step_at.into_iter().chain(r.foc_date).collect())
            .unwrap_or_default();
        any_countdown_changed(times.into_iter(), before, now)
    }

    fn has_unsaved_input(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.is_dirty())
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        match self.opened().cloned() {
            Some(r) => self.draw_detail(f, area, cx, &r),
            None => self.draw_list(f, area, cx),
        }
        if let Some(form) = &self.form {
            form.draw(f, area, cx.theme);
        }
        if let Some((c, _)) = &self.confirm {
            c.draw(f, area, cx.theme);
        }
    }
}
