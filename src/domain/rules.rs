//! The rules of the seed as one pure function: `decide(actor, action, view, desk, policy,
//! now)` returns the writes and a result for the administrator, or a `RuleError` and no
//! writes at all.

use super::*;

/// What an accepted action did, for the status line, the CLI and `--json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    /// One sentence: "Assigned +12065550123 to Ana Lima."
    pub message: String,
    /// A follow-up the administrator should know ("the user must sign out and in again").
    pub note: Option<String>,
    /// When the change takes effect, if later.
    pub takes_effect_at: Option<Timestamp>,
    pub order: Option<OrderId>,
    pub request: Option<RequestId>,
    /// The id of a created directory record.
    pub created: Option<String>,
    pub numbers: Vec<E164>,
    /// The carrier job that carries the change out, when the carrier is remote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<JobId>,
}

impl Outcome {
    fn say(message: impl Into<String>) -> Outcome {
        Outcome {
            message: message.into(),
            ..Default::default()
        }
    }
}

pub struct Decision {
    pub changes: Vec<Change>,
    pub outcome: Outcome,
}

const SIGN_OUT_NOTE: &str = "The user must sign out of Amazon Chime and sign in again to use the new number or permissions.";

/// Whether `actor` may change anything at all: a viewer reads only. Every change passes
/// this, the actions `decide` takes and the requests that are not one action (`run-due`).
pub fn may_change(actor: &Actor) -> Result<(), RuleError> {
    match actor.role {
        Role::Viewer => Err(RuleError::ReadOnly {
            actor: actor.name.clone(),
        }),
        Role::Admin | Role::System => Ok(()),
    }
}

pub fn decide(
    actor: &Actor,
    action: &Action,
    view: &dyn View,
    desk: &dyn Desk,
    policy: &Policy,
    now: Timestamp,
) -> Result<Decision, RuleError> {
    may_change(actor)?;
    if actor.role == Role::Admin && action.is_system() {
        return Err(RuleError::NotScheduler);
    }
    let mut tx = Tx::new(view);
    let ctx = Ctx {
        actor,
        desk,
        policy,
        now,
    };
    let outcome = if policy.carrier_remote && remote::handles(action) {
        remote::decide(&ctx, &mut tx, action)?
    } else {
        ctx.run(&mut tx, action)?
    };
    Ok(Decision {
        changes: tx.into_changes(),
        outcome,
    })
}

#[derive(Clone, Copy)]
struct Ctx<'a> {
    actor: &'a Actor,
    desk: &'a dyn Desk,
    policy: &'a Policy,
    now: Timestamp,
}

/// "+12065550123" or "3 numbers".
fn count_label(numbers: &[E164]) -> String {
    match numbers {
        [one] => one.to_string(),
        many => format!("{} numbers", many.len()),
    }
}

/// "“Acme”" or "not set", for messages about calling names.
fn name_words(name: &Option<CallingName>) -> String {
    name.as_ref()
        .map(|n| format!("“{n}”"))
        .unwrap_or_else(|| "not set".into())
}

/// The open port-out request on a number, if any.
fn open_port_out(tx: &Tx, p: &PhoneNumber) -> Option<RequestId> {
    let id = p.port_request.as_ref()?;
    let r = tx.base().request(id)?;
    (matches!(r.kind, RequestKind::PortOut(_)) && !r.status.is_final()).then(|| id.clone())
}

/// The numbers of an action, each listed once: a number listed twice is refused (naming
/// it) rather than quietly acted on once, for every action that takes several numbers.
pub(super) fn listed_once(numbers: &[E164]) -> Result<Vec<E164>, RuleError> {
    if numbers.is_empty() {
        return Err(RuleError::NothingSelected);
    }
    let mut seen = std::collections::HashSet::new();
    match numbers.iter().find(|n| !seen.insert(*n)) {
        Some(n) => Err(RuleError::Duplicate { number: n.clone() }),
        None => Ok(numbers.to_vec()),
    }
}

fn status_words(p: &PhoneNumber) -> String {
    match &p.status {
        NumberStatus::AcquireInProgress => "still being provisioned".into(),
        NumberStatus::AcquireFailed { .. } => "a failed acquisition".into(),
        NumberStatus::PortinInProgress => "still being ported in".into(),
        NumberStatus::Unassigned => "unassigned".into(),
        NumberStatus::Assigned(_) => "assigned".into(),
        NumberStatus::DeleteInProgress { .. } => "in the deletion queue".into(),
    }
}

/// One of the AWS Regions voice connectors and SIP media applications run in.
fn checked_region(region: &str) -> Result<String, RuleError> {
    let region = region.trim();
    if !REGIONS.contains(&region) {
        return Err(RuleError::UnknownRegion(
            region
                .chars()
                .filter(|c| !c.is_control())
                .take(30)
                .collect(),
        ));
    }
    Ok(region.to_string())
}

/// The next free SIP media application id (`sma-N`): they have no counter of their own.
pub(super) fn next_sma_id(view: &dyn View) -> SmaId {
    let last = view
        .sip_media_apps()
        .iter()
        .map(|a| a.id.seq())
        .max()
        .unwrap_or(0);
    SmaId::from_seq(last + 1)
}

/// Longest subject, name or other one-line field of a support request.
pub const TEXT_MAX: usize = 256;
/// Longest issue text or reply.
pub const ISSUE_MAX: usize = 10_000;

/// One line of free text (a name, a label, a subject) as the rules take it: trimmed, not
/// empty, at most `max` characters, and refused when it holds a hidden character (a
/// control or a bidirectional control), which the error names with its position. Forms
/// check fields with it as you type.
pub fn checked_text(text: &str, what: &'static str, max: usize) -> Result<String, RuleError> {
    checked(text, what, max, false)
}

/// Free text over several lines (an issue, a reply): as `checked_text`, but line breaks
/// are kept, a CR LF or a lone CR read as one line break.
pub fn checked_lines(text: &str, what: &'static str, max: usize) -> Result<String, RuleError> {
    checked(text, what, max, true)
}

fn checked(
    text: &str,
    what: &'static str,
    max: usize,
    multi_line: bool,
) -> Result<String, RuleError> {
    let trimmed = text.trim();
    let leading = text.len() - text.trim_start().len();
    let before = text[..leading].chars().count();
    let line_break = |c: char| multi_line && (c == '\n' || c == '\r');
    if let Err(e) = shown_as_typed(trimmed, what, line_break) {
        return Err(match e {
            RuleError::HiddenCharacter {
                what,
                hidden,
                position,
            } => RuleError::HiddenCharacter {
                what,
                hidden,
                position: before + position,
            },
            other => other,
        });
    }
    let clean = if multi_line {
        trimmed.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        trimmed.to_string()
    };
    if clean.is_empty() {
        return Err(RuleError::Empty { what });
    }
    if clean.chars().count() > max {
        return Err(RuleError::TooLong { what, max });
    }
    Ok(clean)
}

/// Refuses `text` if it holds a hidden character other than those `allowed`, naming it
/// and its position (from 1). For values that are not free text but are typed all the
/// same (a service PIN).
pub fn shown_as_typed(
    text: &str,
    what: impl Into<String>,
    allowed: impl Fn(char) -> bool,
) -> Result<(), RuleError> {
    match text.chars().enumerate().find_map(|(i, c)| {
        crate::text::hidden(c)
            .filter(|_| !allowed(c))
            .map(|h| (i, h))
    }) {
        Some((i, hidden)) => Err(RuleError::HiddenCharacter {
            what: what.into(),
            hidden,
            position: i + 1,
        }),
        None => Ok(()),
    }
}

impl Ctx<'_> {
    fn run(&self, tx: &mut Tx, action: &Action) -> Result<Outcome, RuleError> {
        match action {
            Action::Provision {
                product_type,
                numbers,
            } => self.provision(tx, *product_type, numbers),
            Action::Assign { numbers, to } => self.assign(tx, numbers, to, false),
            Action::Reassign { numbers, to } => self.assign(tx, numbers, to, true),
            Action::Unassign { numbers } => self.unassign(tx, numbers),
            Action::SwitchProductType {
                numbers,
                product_type,
            } => self.switch(tx, numbers, *product_type),
            Action::SetLabel { number, label } => self.set_label(tx, number, label.as_deref()),
            Action::SetDefaultCallingName { name } => self.default_name(tx, name.clone()),
            Action::SetUniqueCallingName { number, name } => {
                self.unique_name(tx, number, name.clone())
            }
            Action::Delete { numbers } => self.delete(tx, numbers),
            Action::Restore { numbers } => self.restore(tx, numbers),
            Action::DismissFailed { numbers } => self.dismiss(tx, numbers),
            Action::CreateAccount { name } => self.create_account(tx, name),
            Action::DeleteAccount { account } => self.delete_account(tx, account),
            Action::CreateUser {
                account,
                name,
                email,
            } => self.create_user(tx, account, name, email),
            Action::SetUserPermissions { user, calling, sms } => {
                self.permissions(tx, user, *calling, *sms)
            }
            Action::DeleteUser { user } => self.delete_user(tx, user),
            Action::CreateVoiceConnector {
                name,
                region,
                encryption,
            } => self.create_connector(tx, name, region, *encryption),
            Action::UpdateVoiceConnector {
                connector,
                name,
                encryption,
            } => self.update_connector(tx, connector, name, *encryption),
            Action::DeleteVoiceConnector { connector } => self.delete_connector(tx, connector),
            Action::CreateGroup { name, members } => self.save_group(tx, None, name, members),
            Action::UpdateGroup {
                group,
                name,
                members,
            } => self.save_group(tx, Some(group), name, members),
            Action::DeleteGroup { group } => self.delete_group(tx, group),
            Action::CreateSipMediaApplication { name, region } => {
                self.create_sip_media_app(tx, name, region)
            }
            Action::SubmitRequest(new) => support::submit(self, tx, new),
            Action::Reply { request, text } => support::reply(self, tx, request, text),
            Action::SubmitLoa { request, loa } | Action::SubmitLoaFile { request, loa, .. } => {
                support::submit_loa(self, tx, request, loa)
            }
            Action::CancelRequest { request } => support::cancel(self, tx, request),
            Action::CloseRequest { request } => support::close(self, tx, request),
            Action::RunDue(due) => self.run_due(tx, due),
            Action::Undo(target) => undo::run(self, tx, target),
            Action::CarrierAnswer { .. }
            | Action::RefreshOrder { .. }
            | Action::RetryJob { .. }
            | Action::CancelJob { .. }
            | Action::SyncNumbers { .. }
            | Action::SyncGone { .. }
            | Action::SyncOrders { .. }
            | Action::SyncDirectory { .. }
            | Action::SyncSipDirectory { .. }
            | Action::SyncRequests { .. } => remote::decide(self, tx, action),
        }
    }

    fn known(&self, tx: &Tx, n: &E164) -> Result<PhoneNumber, RuleError> {
        tx.number(n)
            .ok_or_else(|| RuleError::UnknownNumber(n.clone()))
    }

    fn in_inventory(&self, tx: &Tx, n: &E164) -> Result<PhoneNumber, RuleError> {
        let p = self.known(tx, n)?;
        match p.place() {
            Place::Inventory => Ok(p),
            _ => Err(RuleError::NotInInventory {
                number: n.clone(),
                status: status_words(&p),
            }),
        }
    }

    /// Refuses work on a number that left for another carrier, or is leaving: ported-out
    /// numbers only get unassigned and deleted, and a pending port-out blocks changes.
    fn not_leaving(
        &self,
        tx: &Tx,
        p: &PhoneNumber,
        what: &'static str,
        ported_out_ok: bool,
    ) -> Result<(), RuleError> {
        if p.ported_out && !ported_out_ok {
            return Err(RuleError::PortedOut {
                number: p.number.clone(),
                what,
            });
        }
        if let Some(open) = open_port_out(tx, p) {
            return Err(RuleError::PortOutInProgress {
                number: p.number.clone(),
                request: open.0.clone(),
                what,
            });
        }
        Ok(())
    }

    fn check_limit(&self, tx: &Tx, adding: usize) -> Result<(), RuleError> {
        let held = tx.held_count();
        if held + adding > self.policy.inventory_limit {
            return Err(RuleError::LimitExceeded {
                limit: self.policy.inventory_limit,
                held,
                adding,
            });
        }
        Ok(())
    }

    fn provision(
        &self,
        tx: &mut Tx,
        product: ProductType,
        numbers: &[E164],
    ) -> Result<Outcome, RuleError> {
        let numbers = listed_once(numbers)?;
        for n in &numbers {
            if product == ProductType::BusinessCalling && n.number_type() == NumberType::TollFree {
                return Err(RuleError::TollFreeBusinessCalling(n.clone()));
            }
            match tx.number(n) {
                Some(p) if !matches!(p.status, NumberStatus::AcquireFailed { .. }) => {
                    return Err(RuleError::AlreadyHeld(n.clone()))
                }
                _ => {}
            }
            hold::may_order(tx.base(), self.actor, n, self.now)?;
            if !self.desk.offers(n) {
                return Err(RuleError::NotOffered(n.clone()));
            }
        }
        self.check_limit(tx, numbers.len())?;
        for consumed in hold::consumed_by_order(tx.base(), &numbers) {
            tx.push(Change::Hold(consumed));
        }
        let id = OrderId::from_seq(tx.next_id(|s| &mut s.order));
        let completes_at = self.now.plus(self.policy.provisioning_delay);
        for n in &numbers {
            let mut p = PhoneNumber::new(
                n.clone(),
                product,
                NumberStatus::AcquireInProgress,
                self.now,
            );
            p.order = Some(id.clone());
            tx.put_number(p);
        }
        tx.push(Change::PutOrder(Order {
            id: id.clone(),
            order_type: OrderType::New,
            product_type: product,
            created_at: self.now,
            completes_at: Some(completes_at),
            updated_at: self.now,
            numbers: numbers
                .iter()
                .map(|n| OrderedNumber {
                    number: n.clone(),
                    status: OrderedNumberStatus::Processing,
                    reason: None,
                })
                .collect(),
            request: None,
        }));
        tx.push(Change::Schedule(Due {
            at: completes_at,
            task: Task::CompleteOrder(id.clone()),
        }));
        Ok(Outcome {
            message: format!("Ordered {} as {} ({id}).", count_label(&numbers), product),
            takes_effect_at: Some(completes_at),
            order: Some(id),
            numbers,
            ..Default::default()
        })
    }

    /// Who `to` is, checked, as a name for messages.
    fn assignee_name(&self, tx: &Tx, to: &Assignee) -> Result<String, RuleError> {
        match to {
            Assignee::User { account, user } => {
                let acct = tx
                    .base()
                    .account(account)
                    .ok_or_else(|| RuleError::UnknownAccount(account.0.clone()))?;
                let u = tx
                    .user(user)
                    .ok_or_else(|| RuleError::UnknownUser(user.0.clone()))?;
                if &u.account != account {
                    return Err(RuleError::UserNotInAccount {
                        user: u.name,
                        account: acct.name,
                    });
                }
                Ok(u.name)
            }
            Assignee::VoiceConnector(id) => tx
                .base()
                .voice_connector(id)
                .map(|v| v.name)
                .ok_or_else(|| RuleError::UnknownVoiceConnector(id.0.clone())),
            Assignee::VoiceConnectorGroup(id) => tx
                .groups()
                .into_iter()
                .find(|g| &g.id == id)
                .map(|g| g.name)
                .ok_or_else(|| RuleError::UnknownGroup(id.0.clone())),
            Assignee::SipMediaApplication(id) => tx
                .base()
                .sip_media_apps()
                .into_iter()
                .find(|a| &a.id == id)
                .map(|a| a.name)
                .ok_or_else(|| RuleError::UnknownSipMediaApplication(id.0.clone())),
        }
    }

    fn describe_assignee(&self, tx: &Tx, a: &Assignee) -> String {
        self.assignee_name(tx, a).unwrap_or_else(|_| a.key())
    }

    fn assign(
        &self,
        tx: &mut Tx,
        numbers: &[E164],
        to: &Assignee,
        reassign: bool,
    ) -> Result<Outcome, RuleError> {
        let numbers = listed_once(numbers)?;
        let name = self.assignee_name(tx, to)?;
        for n in &numbers {
            let mut p = self.in_inventory(tx, n)?;
            self.not_leaving(tx, &p, "assigned", false)?;
            let old = p.assignee().cloned();
            if let Err(hint) = p.product_type.takes(to.kind()) {
                return Err(RuleError::WrongAssignee {
                    number: n.clone(),
                    product: p.product_type,
                    hint,
                });
            }
            match (p.product_type, reassign) {
                (ProductType::BusinessCalling, true) => {
                    return Err(RuleError::ReassignBusinessCalling(n.clone()))
                }
                (ProductType::SipMediaApplicationDialIn, true) => {
                    return Err(RuleError::ReassignSipMediaApplication(n.clone()))
                }
                _ => {}
            }
            match (&old, reassign) {
                (Some(a), false) => {
                    return Err(RuleError::IsAssigned {
                        number: n.clone(),
                        to: self.describe_assignee(tx, a),
                        what: "assign it again (or reassign it)",
                    })
                }
                (None, true) => return Err(RuleError::NotAssigned(n.clone())),
                (Some(a), true) if a == to => {
                    return Err(RuleError::AlreadyAssignedThere {
                        number: n.clone(),
                        to: name.clone(),
                    })
                }
                _ => {}
            }
            if let Assignee::User { user, .. } = to {
                let mut u = tx
                    .user(user)
                    .ok_or_else(|| RuleError::UnknownUser(user.0.clone()))?;
                if let Some(existing) = &u.phone_number {
                    return Err(RuleError::UserHasNumber {
                        user: u.name.clone(),
                        number: existing.clone(),
                    });
                }
                u.phone_number = Some(n.clone());
                // Permissions start off; the administrator turns them on.
                u.calling_enabled = false;
                u.sms_enabled = false;
                tx.put_user(u);
            }
            if let Assignee::SipMediaApplication(sma) = to {
                // The SIP rule that sends the number's calls to the application.
                tx.push(Change::PutDialInRule(DialInRule {
                    number: n.clone(),
                    name: DialInRule::name_for(n),
                    sma: sma.clone(),
                    disabled: false,
                }));
            }
            p.status = NumberStatus::Assigned(to.clone());
            p.updated_at = self.now;
            tx.put_number(p);
        }
        let verb = if reassign { "Reassigned" } else { "Assigned" };
        let note = matches!(to, Assignee::User { .. }).then(|| SIGN_OUT_NOTE.to_string());
        Ok(Outcome {
            message: format!("{verb} {} to {name}.", count_label(&numbers)),
            note,
            numbers,
            ..Default::default()
        })
    }

    fn unassign(&self, tx: &mut Tx, numbers: &[E164]) -> Result<Outcome, RuleError> {
        let numbers = listed_once(numbers)?;
        for n in &numbers {
            let mut p = self.in_inventory(tx, n)?;
            self.not_leaving(tx, &p, "unassigned", true)?;
            let Some(a) = p.assignee().cloned() else {
                return Err(RuleError::NotAssigned(n.clone()));
            };
            if let Assignee::User { user, .. } = &a {
                if let Some(mut u) = tx.user(user) {
                    u.phone_number = None;
                    u.calling_enabled = false;
                    u.sms_enabled = false;
                    tx.put_user(u);
                }
            }
            if let Assignee::SipMediaApplication(_) = &a {
                tx.push(Change::RemoveDialInRule(n.clone()));
            }
            p.status = NumberStatus::Unassigned;
            p.updated_at = self.now;
            tx.put_number(p);
        }
        Ok(Outcome {
            message: format!("Unassigned {}.", count_label(&numbers)),
            numbers,
            ..Default::default()
        })
    }

    fn switch(
        &self,
        tx: &mut Tx,
        numbers: &[E164],
        product: ProductType,
    ) -> Result<Outcome, RuleError> {
        let numbers = listed_once(numbers)?;
        for n in &numbers {
            let mut p = self.in_inventory(tx, n)?;
            self.not_leaving(tx, &p, "switched to another product type", false)?;
            if let Some(a) = p.assignee() {
                let to = self.describe_assignee(tx, a);
                return Err(RuleError::IsAssigned {
                    number: n.clone(),
                    to,
                    what: "switch its product type",
                });
            }
            if p.product_type == product {
                return Err(RuleError::SameProductType {
                    number: n.clone(),
                    product,
                });
            }
            if product == ProductType::BusinessCalling && p.number_type == NumberType::TollFree {
                return Err(RuleError::TollFreeBusinessCalling(n.clone()));
            }
            p.product_type = product;
            p.updated_at = self.now;
            tx.put_number(p);
        }
        Ok(Outcome {
            message: format!("Switched {} to {product}.", count_label(&numbers)),
            numbers,
            ..Default::default()
        })
    }

    fn set_label(&self, tx: &mut Tx, n: &E164, label: Option<&str>) -> Result<Outcome, RuleError> {
        let mut p = self.known(tx, n)?;
        let label = match label {
            Some(l) if !l.trim().is_empty() => Some(
                checked_text(l, "the label", LABEL_MAX).map_err(|e| match e {
                    RuleError::TooLong { .. } => RuleError::LabelTooLong,
                    other => other,
                })?,
            ),
            _ => None,
        };
        if let (true, Some(l)) = (self.policy.carrier_remote, &label) {
            check_carrier_label(l)?;
        }
        p.label = label;
        p.updated_at = self.now;
        tx.put_number(p);
        Ok(Outcome {
            message: format!("Updated the label of {n}."),
            numbers: vec![n.clone()],
            ..Default::default()
        })
    }

    fn default_name(&self, tx: &mut Tx, name: Option<CallingName>) -> Result<Outcome, RuleError> {
        let mut s = tx.settings();
        if let Some(p) = &s.default_calling_name.pending {
            return Err(RuleError::DefaultNameInProgress {
                completes_at: p.completes_at,
            });
        }
        if s.default_calling_name.current == name {
            return Err(RuleError::NameUnchanged {
                what: "the default calling name".into(),
                name: name_words(&name),
            });
        }
        if let Some(last) = s.default_calling_name.last_requested_at {
            let next = last.plus(self.policy.default_name_cooldown);
            if self.now < next {
                return Err(RuleError::DefaultNameCooldown { last, next });
            }
        }
        let at = self.now.plus(self.policy.name_update);
        s.default_calling_name.request(name.clone(), self.now, at);
        tx.put_settings(s);
        tx.push(Change::Schedule(Due {
            at,
            task: Task::CompleteDefaultName,
        }));
        let what = name
            .map(|n| format!("“{n}”"))
            .unwrap_or_else(|| "nothing".into());
        Ok(Outcome {
            message: format!("The default calling name becomes {what} by {}.", at),
            takes_effect_at: Some(at),
            ..Default::default()
        })
    }

    fn unique_name(
        &self,
        tx: &mut Tx,
        n: &E164,
        name: Option<CallingName>,
    ) -> Result<Outcome, RuleError> {
        let mut p = self.in_inventory(tx, n)?;
        self.not_leaving(tx, &p, "given a calling name", false)?;
        if let Some(pending) = &p.calling_name.pending {
            return Err(RuleError::NameUpdateInProgress {
                number: n.clone(),
                completes_at: pending.completes_at,
            });
        }
        if p.calling_name.current == name {
            return Err(RuleError::NameUnchanged {
                what: format!("the calling name of {n}"),
                name: name_words(&name),
            });
        }
        let at = self.now.plus(self.policy.name_update);
        p.calling_name.request(name.clone(), self.now, at);
        p.updated_at = self.now;
        tx.put_number(p);
        tx.push(Change::Schedule(Due {
            at,
            task: Task::CompleteNumberName(n.clone()),
        }));
        let what = name
            .map(|n| format!("“{n}”"))
            .unwrap_or_else(|| "nothing".into());
        Ok(Outcome {
            message: format!("The calling name of {n} becomes {what} by {}.", at),
            takes_effect_at: Some(at),
            numbers: vec![n.clone()],
            ..Default::default()
        })
    }

    fn delete(&self, tx: &mut Tx, numbers: &[E164]) -> Result<Outcome, RuleError> {
        let numbers = listed_once(numbers)?;
        let until = self.now.plus(self.policy.deletion_retention);
        for n in &numbers {
            let mut p = self.in_inventory(tx, n)?;
            self.not_leaving(tx, &p, "deleted", true)?;
            if let Some(a) = p.assignee() {
                let to = self.describe_assignee(tx, a);
                return Err(RuleError::IsAssigned {
                    number: n.clone(),
                    to,
                    what: "delete it",
                });
            }
            p.status = NumberStatus::DeleteInProgress {
                deleted_at: self.now,
                restorable_until: until,
            };
            p.updated_at = self.now;
            tx.put_number(p);
            tx.push(Change::Schedule(Due {
                at: until,
                task: Task::Purge(n.clone()),
            }));
        }
        Ok(Outcome {
            message: format!(
                "Moved {} to the deletion queue; restorable until {}.",
                count_label(&numbers),
                until
            ),
            numbers,
            ..Default::default()
        })
    }

    fn restore(&self, tx: &mut Tx, numbers: &[E164]) -> Result<Outcome, RuleError> {
        let numbers = listed_once(numbers)?;
        for n in &numbers {
            let mut p = self
                .known(tx, n)
                .map_err(|_| RuleError::NotInDeletionQueue(n.clone()))?;
            let Some(closes) = p.restorable_until() else {
                return Err(RuleError::NotInDeletionQueue(n.clone()));
            };
            if p.ported_out {
                return Err(RuleError::PortedOut {
                    number: n.clone(),
                    what: "restored",
                });
            }
            if self.now >= closes {
                return Err(RuleError::RestoreWindowClosed {
                    number: n.clone(),
                    closed_at: closes,
                });
            }
            p.status = NumberStatus::Unassigned;
            p.updated_at = self.now;
            tx.put_number(p);
            tx.push(Change::Unschedule(Due {
                at: closes,
                task: Task::Purge(n.clone()),
            }));
        }
        // The numbers are counted now, so the check is against the total.
        if tx.held_count() > self.policy.inventory_limit {
            let held = tx.held_count() - numbers.len();
            return Err(RuleError::LimitExceeded {
                limit: self.policy.inventory_limit,
                held,
                adding: numbers.len(),
            });
        }
        Ok(Outcome {
            message: format!("Moved {} back to the inventory.", count_label(&numbers)),
            numbers,
            ..Default::default()
        })
    }

    fn dismiss(&self, tx: &mut Tx, numbers: &[E164]) -> Result<Outcome, RuleError> {
        let numbers = listed_once(numbers)?;
        for n in &numbers {
            let p = self.known(tx, n)?;
            if !matches!(p.status, NumberStatus::AcquireFailed { .. }) {
                return Err(RuleError::NotFailed(n.clone()));
            }
            tx.remove_number(n);
        }
        Ok(Outcome {
            message: format!("Dismissed {}.", count_label(&numbers)),
            numbers,
            ..Default::default()
        })
    }

    // --- Directory -------------------------------------------------------------------

    fn create_account(&self, tx: &mut Tx, name: &str) -> Result<Outcome, RuleError> {
        let name = checked_text(name, "the account name", NAME_MAX)?;
        let id = AccountId::from_seq(tx.next_id(|s| &mut s.account));
        tx.push(Change::PutAccount(Account {
            id: id.clone(),
            name: name.clone(),
        }));
        Ok(Outcome {
            message: format!("Created account {name} ({id})."),
            created: Some(id.0),
            ..Default::default()
        })
    }

    fn delete_account(&self, tx: &mut Tx, id: &AccountId) -> Result<Outcome, RuleError> {
        let a = tx
            .base()
            .account(id)
            .ok_or_else(|| RuleError::UnknownAccount(id.0.clone()))?;
        let count = tx.base().users_in_account(id);
        if count > 0 {
            return Err(RuleError::AccountHasUsers {
                name: a.name,
                count,
            });
        }
        tx.push(Change::RemoveAccount(id.clone()));
        Ok(Outcome::say(format!("Deleted account {}.", a.name)))
    }

    fn create_user(
        &self,
        tx: &mut Tx,
        account: &AccountId,
        name: &str,
        email: &str,
    ) -> Result<Outcome, RuleError> {
        tx.base()
            .account(account)
            .ok_or_else(|| RuleError::UnknownAccount(account.0.clone()))?;
        let name = checked_text(name, "the user's name", NAME_MAX)?;
        if !is_plausible_email(email) {
            return Err(RuleError::BadEmail(
                crate::text::one_line(email.trim())
                    .chars()
                    .take(80)
                    .collect(),
            ));
        }
        let email = email.trim();
        if let Some(u) = tx
            .base()
            .all_users()
            .into_iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
        {
            return Err(RuleError::EmailTaken {
                email: email.to_string(),
                user: u.name,
            });
        }
        let id = UserId::from_seq(tx.next_id(|s| &mut s.user));
        tx.put_user(User {
            id: id.clone(),
            account: account.clone(),
            name: name.clone(),
            email: email.trim().to_string(),
            calling_enabled: false,
            sms_enabled: false,
            phone_number: None,
        });
        Ok(Outcome {
            message: format!("Created user {name} ({id})."),
            created: Some(id.0),
            ..Default::default()
        })
    }

    fn permissions(
        &self,
        tx: &mut Tx,
        id: &UserId,
        calling: bool,
        sms: bool,
    ) -> Result<Outcome, RuleError> {
        let mut u = tx
            .user(id)
            .ok_or_else(|| RuleError::UnknownUser(id.0.clone()))?;
        u.calling_enabled = calling;
        u.sms_enabled = sms;
        let name = u.name.clone();
        tx.put_user(u);
        let on = |b: bool| if b { "on" } else { "off" };
        Ok(Outcome {
            message: format!("{name}: calling {}, SMS {}.", on(calling), on(sms)),
            note: Some(SIGN_OUT_NOTE.into()),
            ..Default::default()
        })
    }

    fn delete_user(&self, tx: &mut Tx, id: &UserId) -> Result<Outcome, RuleError> {
        let u = tx
            .user(id)
            .ok_or_else(|| RuleError::UnknownUser(id.0.clone()))?;
        if u.phone_number.is_some() {
            return Err(RuleError::HasNumbers {
                name: u.name,
                count: 1,
            });
        }
        tx.remove_user(id);
        Ok(Outcome::say(format!("Deleted user {}.", u.name)))
    }

    fn create_connector(
        &self,
        tx: &mut Tx,
        name: &str,
        region: &str,
        encryption: bool,
    ) -> Result<Outcome, RuleError> {
        let name = checked_text(name, "the voice connector name", NAME_MAX)?;
        let region = checked_region(region)?;
        let id = VoiceConnectorId::from_seq(tx.next_id(|s| &mut s.connector));
        tx.push(Change::PutConnector(VoiceConnector {
            id: id.clone(),
            name: name.clone(),
            region,
            encryption,
        }));
        Ok(Outcome {
            message: format!("Created voice connector {name} ({id})."),
            created: Some(id.0),
            ..Default::default()
        })
    }

    fn update_connector(
        &self,
        tx: &mut Tx,
        id: &VoiceConnectorId,
        name: &str,
        encryption: bool,
    ) -> Result<Outcome, RuleError> {
        let mut v = tx
            .base()
            .voice_connector(id)
            .ok_or_else(|| RuleError::UnknownVoiceConnector(id.0.clone()))?;
        v.name = checked_text(name, "the voice connector name", NAME_MAX)?;
        v.encryption = encryption;
        let msg = format!("Updated voice connector {}.", v.name);
        tx.push(Change::PutConnector(v));
        Ok(Outcome::say(msg))
    }

    fn delete_connector(&self, tx: &mut Tx, id: &VoiceConnectorId) -> Result<Outcome, RuleError> {
        let v = tx
            .base()
            .voice_connector(id)
            .ok_or_else(|| RuleError::UnknownVoiceConnector(id.0.clone()))?;
        let count = tx.assigned_count(&id.0);
        if count > 0 {
            return Err(RuleError::HasNumbers {
                name: v.name,
                count,
            });
        }
        if let Some(g) = tx
            .groups()
            .into_iter()
            .find(|g| g.members.iter().any(|m| &m.connector == id))
        {
            return Err(RuleError::InGroup {
                name: v.name,
                group: g.name,
            });
        }
        tx.push(Change::RemoveConnector(id.clone()));
        Ok(Outcome::say(format!("Deleted voice connector {}.", v.name)))
    }

    fn save_group(
        &self,
        tx: &mut Tx,
        id: Option<&GroupId>,
        name: &str,
        members: &[GroupMember],
    ) -> Result<Outcome, RuleError> {
        let name = checked_text(name, "the group name", NAME_MAX)?;
        let mut groups = tx.groups();
        if id.is_none() && groups.len() >= MAX_GROUPS {
            return Err(RuleError::TooManyGroups);
        }
        if members.is_empty() {
            return Err(RuleError::NoMembers);
        }
        if members.len() > MAX_GROUP_MEMBERS {
            return Err(RuleError::TooManyMembers);
        }
        let mut seen = std::collections::HashSet::new();
        for m in members {
            if !PRIORITIES.contains(&m.priority) {
                return Err(RuleError::BadPriority(m.priority));
            }
            if tx.base().voice_connector(&m.connector).is_none() {
                return Err(RuleError::UnknownVoiceConnector(m.connector.0.clone()));
            }
            if !seen.insert(&m.connector) {
                return Err(RuleError::DuplicateMember(m.connector.0.clone()));
            }
        }
        let mut members = members.to_vec();
        members.sort_by_key(|m| m.priority);
        let (id, verb) = match id {
            Some(id) => {
                let g = groups
                    .iter_mut()
                    .find(|g| &g.id == id)
                    .ok_or_else(|| RuleError::UnknownGroup(id.0.clone()))?;
                g.name = name.clone();
                g.members = members;
                (id.clone(), "Updated")
            }
            None => {
                let id = GroupId::from_seq(tx.next_id(|s| &mut s.group));
                groups.push(VoiceConnectorGroup {
                    id: id.clone(),
                    name: name.clone(),
                    members,
                });
                (id, "Created")
            }
        };
        tx.put_groups(groups);
        Ok(Outcome {
            message: format!("{verb} voice connector group {name} ({id})."),
            created: (verb == "Created").then(|| id.0.clone()),
            ..Default::default()
        })
    }

    fn create_sip_media_app(
        &self,
        tx: &mut Tx,
        name: &str,
        region: &str,
    ) -> Result<Outcome, RuleError> {
        let name = checked_text(name, "the SIP media application name", NAME_MAX)?;
        let region = checked_region(region)?;
        let id = next_sma_id(tx.base());
        tx.push(Change::PutSipMediaApp(SipMediaApp {
            id: id.clone(),
            name: name.clone(),
            region,
        }));
        Ok(Outcome {
            message: format!("Created SIP media application {name} ({id})."),
            created: Some(id.0),
            ..Default::default()
        })
    }

    fn delete_group(&self, tx: &mut Tx, id: &GroupId) -> Result<Outcome, RuleError> {
        let mut groups = tx.groups();
        let pos = groups
            .iter()
            .position(|g| &g.id == id)
            .ok_or_else(|| RuleError::UnknownGroup(id.0.clone()))?;
        let count = tx.assigned_count(&id.0);
        if count > 0 {
            return Err(RuleError::HasNumbers {
                name: groups[pos].name.clone(),
                count,
            });
        }
        let g = groups.remove(pos);
        tx.put_groups(groups);
        Ok(Outcome::say(format!(
            "Deleted voice connector group {}.",
            g.name
        )))
    }

    // --- Due work ----------------------------------------------------------------------

    fn run_due(&self, tx: &mut Tx, due: &Due) -> Result<Outcome, RuleError> {
        // Whatever happens, this due entry is done: exactly once.
        tx.push(Change::Unschedule(due.clone()));
        match &due.task {
            Task::CompleteOrder(id) => self.complete_order(tx, id),
            Task::CompleteNumberName(n) => {
                let Some(mut p) = tx.number(n) else {
                    return Ok(Outcome::say(format!("{n} is gone.")));
                };
                if p.calling_name.pending.as_ref().map(|x| x.completes_at) != Some(due.at)
                    || !p.calling_name.complete()
                {
                    return Ok(Outcome::say("Nothing to complete."));
                }
                p.updated_at = self.now;
                tx.put_number(p);
                Ok(Outcome {
                    message: format!("The calling name of {n} is updated."),
                    numbers: vec![n.clone()],
                    ..Default::default()
                })
            }
            Task::CompleteDefaultName => {
                let mut s = tx.settings();
                if s.default_calling_name
                    .pending
                    .as_ref()
                    .map(|x| x.completes_at)
                    != Some(due.at)
                {
                    return Ok(Outcome::say("Nothing to complete."));
                }
                s.default_calling_name.complete();
                tx.put_settings(s);
                Ok(Outcome::say("The default calling name is updated."))
            }
            // The window is the one promised when the number was deleted, so a changed
            // `deletion_retention` neither purges early nor strands a number: a purge that
            // comes too early (one left from an earlier deletion) is put back at the
            // promised time.
            Task::Purge(n) => match tx.number(n).and_then(|p| p.restorable_until()) {
                Some(closes) => {
                    if self.now < closes {
                        tx.push(Change::Schedule(Due {
                            at: closes,
                            task: Task::Purge(n.clone()),
                        }));
                        return Ok(Outcome::say(format!(
                            "{n} stays restorable until {}.",
                            closes
                        )));
                    }
                    tx.remove_number(n);
                    Ok(Outcome {
                        message: format!("{n} was deleted for good."),
                        numbers: vec![n.clone()],
                        ..Default::default()
                    })
                }
                None => Ok(Outcome::say("Nothing to purge.")),
            },
            Task::SupportStep(id) => support::step(self, tx, id, due.at),
        }
    }

    fn complete_order(&self, tx: &mut Tx, id: &OrderId) -> Result<Outcome, RuleError> {
        let Some(mut order) = tx.base().order(id) else {
            return Ok(Outcome::say("No such order."));
        };
        if order.order_type != OrderType::New || order.status() != OrderStatus::Processing {
            return Ok(Outcome::say("Nothing to complete."));
        }
        for item in order
            .numbers
            .iter_mut()
            .filter(|i| i.status == OrderedNumberStatus::Processing)
        {
            let Some(mut p) = tx.number(&item.number) else {
                item.status = OrderedNumberStatus::Failed;
                item.reason = Some("the number left the order".into());
                continue;
            };
            if p.status != NumberStatus::AcquireInProgress || p.order.as_ref() != Some(id) {
                continue;
            }
            match self.desk.acquire(id, &item.number) {
                Ok(()) => {
                    item.status = OrderedNumberStatus::Acquired;
                    p.status = NumberStatus::Unassigned;
                }
                Err(reason) => {
                    item.status = OrderedNumberStatus::Failed;
                    item.reason = Some(reason.clone());
                    p.status = NumberStatus::AcquireFailed { reason };
                }
            }
            p.updated_at = self.now;
            tx.put_number(p);
        }
        order.updated_at = self.now;
        let status = order.status();
        tx.push(Change::PutOrder(order));
        Ok(Outcome {
            message: format!("Order {id} completed: {}.", status.label()),
            order: Some(id.clone()),
            ..Default::default()
        })
    }
}

mod remote;
pub use remote::SIP_DIRECTORY_MATCHES;
mod support;
mod undo;
pub use undo::REVERSIBLE;

#[cfg(test)]
mod tests;
