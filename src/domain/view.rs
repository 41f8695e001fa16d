//! What the rules read (`View`, implemented by the store), what they ask the outside world
//! (`Desk`, implemented by the carrier), and what they write (`Change`s, collected in a `Tx`
//! that also answers reads, so a multi-number action sees its own earlier steps).

use super::*;
use std::collections::HashMap;

/// Read access to the current state. The store implements it over sled; tests may use
/// the in-memory `MemoryView`.
pub trait View {
    fn number(&self, n: &E164) -> Option<PhoneNumber>;
    /// Numbers that count against the limit (see `StatusCode::counts_against_limit`).
    fn held_count(&self) -> usize;
    /// Numbers assigned to the user, connector or group with this key (`Assignee::key`).
    fn assigned_count(&self, assignee_key: &str) -> usize;
    fn order(&self, id: &OrderId) -> Option<Order>;
    fn account(&self, id: &AccountId) -> Option<Account>;
    fn users_in_account(&self, id: &AccountId) -> usize;
    fn user(&self, id: &UserId) -> Option<User>;
    fn all_users(&self) -> Vec<User>;
    fn voice_connector(&self, id: &VoiceConnectorId) -> Option<VoiceConnector>;
    fn voice_connector_count(&self) -> usize;
    fn groups(&self) -> Vec<VoiceConnectorGroup>;
    fn sip_media_apps(&self) -> Vec<SipMediaApp>;
    /// The SIP rule that triggers on a number (trigger `ToPhoneNumber`), if any.
    fn dial_in_rule(&self, number: &E164) -> Option<DialInRule>;
    fn dial_in_rules(&self) -> Vec<DialInRule>;
    fn request(&self, id: &RequestId) -> Option<SupportRequest>;
    fn settings(&self) -> Settings;
    fn job(&self, id: JobId) -> Option<Job>;
    /// The job waiting or running on a number (`n:+1…`) or record (`r:vc-3`).
    fn job_on(&self, key: &str) -> Option<JobId>;
    /// The highest job id handed out.
    fn last_job_id(&self) -> u64;
    /// The carrier's id of a local record (`vc-3` → `abcdef…`).
    fn carrier_id(&self, local: &str) -> Option<String>;
    /// The local id of a carrier's record by kind (`vc`, `group`, `order`).
    fn local_id(&self, kind: &str, carrier: &str) -> Option<String>;
    /// The hold on a number (a mark in a provisioning wizard), expired or not.
    fn hold(&self, n: &E164) -> Option<Hold>;
}

/// The carrier's answers. Deterministic implementations keep the rules reproducible.
pub trait Desk {
    /// Whether the carrier sells this number (it is not checked here whether we hold it).
    fn offers(&self, number: &E164) -> bool;
    /// The carrier's answer when an order completes: acquired, or why not.
    fn acquire(&self, order: &OrderId, number: &E164) -> Result<(), String>;
    /// Whether the numbers of a port-in request can be ported, with the desk's reply.
    fn review_port_in(&self, form: &PortIn) -> Result<String, String>;
    /// Whether an LOA matches the losing carrier's records.
    fn check_loa(&self, form: &PortIn, loa: &Loa) -> Result<(), String>;
    /// The port date (FOC) for a request whose LOA was accepted at `now`.
    fn port_date(&self, request: &RequestId, now: Timestamp, policy: &Policy) -> Timestamp;
    /// The account ID and PIN that a port-out request receives.
    fn port_out_credentials(&self, request: &RequestId) -> (String, Secret);
    /// The desk's answer to a plain request.
    fn answer(&self, request: &SupportRequest) -> String;
}

/// One write of a decision. Puts carry the whole new record. Changes live only as long as
/// one action, so the size difference between variants costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    PutNumber(PhoneNumber),
    RemoveNumber(E164),
    PutOrder(Order),
    PutAccount(Account),
    RemoveAccount(AccountId),
    PutUser(User),
    RemoveUser(UserId),
    PutConnector(VoiceConnector),
    RemoveConnector(VoiceConnectorId),
    PutGroup(VoiceConnectorGroup),
    RemoveGroup(GroupId),
    PutSipMediaApp(SipMediaApp),
    RemoveSipMediaApp(SmaId),
    PutDialInRule(DialInRule),
    RemoveDialInRule(E164),
    PutRequest(SupportRequest),
    PutSettings(Settings),
    Schedule(Due),
    Unschedule(Due),
    PutJob(Job),
    RemoveJob(JobId),
    MapCarrierId { local: String, carrier: String },
    UnmapCarrierId { local: String },
    Hold(HoldChange),
}

/// A decision in the making: reads see earlier writes of the same action.
pub struct Tx<'a> {
    base: &'a dyn View,
    numbers: HashMap<E164, Option<PhoneNumber>>,
    users: HashMap<UserId, Option<User>>,
    groups: Option<Vec<VoiceConnectorGroup>>,
    settings: Option<Settings>,
    order_list: Vec<E164>,
    changes: Vec<Change>,
    held_delta: isize,
    assigned_delta: HashMap<String, isize>,
}

impl<'a> Tx<'a> {
    pub fn new(base: &'a dyn View) -> Self {
        Tx {
            base,
            numbers: HashMap::new(),
            users: HashMap::new(),
            groups: None,
            settings: None,
            order_list: Vec::new(),
            changes: Vec::new(),
            held_delta: 0,
            assigned_delta: HashMap::new(),
        }
    }

    pub fn base(&self) -> &dyn View {
        self.base
    }

    pub fn number(&self, n: &E164) -> Option<PhoneNumber> {
        match self.numbers.get(n) {
            Some(v) => v.clone(),
            None => self.base.number(n),
        }
    }

    pub fn held_count(&self) -> usize {
        (self.base.held_count() as isize + self.held_delta).max(0) as usize
    }

    pub fn assigned_count(&self, key: &str) -> usize {
        let d = self.assigned_delta.get(key).copied().unwrap_or(0);
        (self.base.assigned_count(key) as isize + d).max(0) as usize
    }

    pub fn user(&self, id: &UserId) -> Option<User> {
        match self.users.get(id) {
            Some(v) => v.clone(),
            None => self.base.user(id),
        }
    }

    pub fn groups(&self) -> Vec<VoiceConnectorGroup> {
        self.groups.clone().unwrap_or_else(|| self.base.groups())
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .clone()
            .unwrap_or_else(|| self.base.settings())
    }

    fn track(&mut self, old: Option<&PhoneNumber>, new: Option<&PhoneNumber>) {
        let held = |p: Option<&PhoneNumber>| {
            p.map(|p| p.status.code().counts_against_limit() as isize)
                .unwrap_or(0)
        };
        self.held_delta += held(new) - held(old);
        if let Some(a) = old.and_then(|p| p.assignee()) {
            *self.assigned_delta.entry(a.key()).or_default() -= 1;
        }
        if let Some(a) = new.and_then(|p| p.assignee()) {
            *self.assigned_delta.entry(a.key()).or_default() += 1;
        }
    }

    pub fn put_number(&mut self, mut p: PhoneNumber) {
        let old = self.number(&p.number);
        // The carrier's own status describes the state it was read with: a rule that moves
        // the number on (without setting a carrier status of its own) leaves it behind.
        if let Some(o) = &old {
            if o.status.code() != p.status.code() && o.carrier_status == p.carrier_status {
                p.carrier_status = None;
            }
        }
        self.track(old.as_ref(), Some(&p));
        if !self.numbers.contains_key(&p.number) {
            self.order_list.push(p.number.clone());
        }
        self.numbers.insert(p.number.clone(), Some(p));
    }

    pub fn remove_number(&mut self, n: &E164) {
        let old = self.number(n);
        self.track(old.as_ref(), None);
        if !self.numbers.contains_key(n) {
            self.order_list.push(n.clone());
        }
        self.numbers.insert(n.clone(), None);
    }

    pub fn put_user(&mut self, u: User) {
        self.users.insert(u.id.clone(), Some(u));
    }

    pub fn remove_user(&mut self, id: &UserId) {
        self.users.insert(id.clone(), None);
    }

    pub fn put_groups(&mut self, groups: Vec<VoiceConnectorGroup>) {
        self.groups = Some(groups);
    }

    pub fn put_settings(&mut self, s: Settings) {
        self.settings = Some(s);
    }

    /// Writes that need no read-back (orders, requests, directory records, schedules).
    pub fn push(&mut self, c: Change) {
        self.changes.push(c);
    }

    /// Takes the next id of a kind and records the advanced counter.
    pub fn next_id(&mut self, pick: impl Fn(&mut Sequences) -> &mut u64) -> u64 {
        let mut s = self.settings();
        let counter = pick(&mut s.sequences);
        *counter += 1;
        let id = *counter;
        self.put_settings(s);
        id
    }

    /// The writes, in a stable order: numbers as first touched, then users, groups,
    /// settings, then everything pushed.
    pub fn into_changes(mut self) -> Vec<Change> {
        let mut out = Vec::new();
        for n in &self.order_list {
            match self.numbers.remove(n) {
                Some(Some(p)) => out.push(Change::PutNumber(p)),
                Some(None) => out.push(Change::RemoveNumber(n.clone())),
                None => {}
            }
        }
        let mut users: Vec<_> = self.users.into_iter().collect();
        users.sort_by(|a, b| a.0.cmp(&b.0));
        for (id, u) in users {
            out.push(match u {
                Some(u) => Change::PutUser(u),
                None => Change::RemoveUser(id),
            });
        }
        if let Some(groups) = self.groups {
            let before = self.base.groups();
            for g in &before {
                if !groups.iter().any(|n| n.id == g.id) {
                    out.push(Change::RemoveGroup(g.id.clone()));
                }
            }
            for g in groups {
                if !before.contains(&g) {
                    out.push(Change::PutGroup(g));
                }
            }
        }
        if let Some(s) = self.settings {
            out.push(Change::PutSettings(s));
        }
        out.extend(self.changes);
        out
    }
}

/// An in-memory `View` for tests and for checking a state without a store.
#[derive(Debug, Clone, Default)]
pub struct MemoryView {
    pub numbers: std::collections::BTreeMap<E164, PhoneNumber>,
    pub orders: std::collections::BTreeMap<OrderId, Order>,
    pub accounts: std::collections::BTreeMap<AccountId, Account>,
    pub users: std::collections::BTreeMap<UserId, User>,
    pub connectors: std::collections::BTreeMap<VoiceConnectorId, VoiceConnector>,
    pub groups: std::collections::BTreeMap<GroupId, VoiceConnectorGroup>,
    pub requests: std::collections::BTreeMap<RequestId, SupportRequest>,
    pub settings: Settings,
    pub schedule: std::collections::BTreeSet<(Timestamp, String)>,
    pub jobs: std::collections::BTreeMap<JobId, Job>,
    pub carrier_ids: std::collections::BTreeMap<String, String>,
    pub sip_media_apps: std::collections::BTreeMap<SmaId, SipMediaApp>,
    pub dial_in_rules: std::collections::BTreeMap<E164, DialInRule>,
    pub holds: std::collections::BTreeMap<E164, Hold>,
}

impl MemoryView {
    pub fn apply(&mut self, changes: &[Change]) {
        for c in changes {
            match c.clone() {
                Change::PutNumber(p) => {
                    self.numbers.insert(p.number.clone(), p);
                }
                Change::RemoveNumber(n) => {
                    self.numbers.remove(&n);
                }
                Change::PutOrder(o) => {
                    self.orders.insert(o.id.clone(), o);
                }
                Change::PutAccount(a) => {
                    self.accounts.insert(a.id.clone(), a);
                }
                Change::RemoveAccount(id) => {
                    self.accounts.remove(&id);
                }
                Change::PutUser(u) => {
                    self.users.insert(u.id.clone(), u);
                }
                Change::RemoveUser(id) => {
                    self.users.remove(&id);
                }
                Change::PutConnector(v) => {
                    self.connectors.insert(v.id.clone(), v);
                }
                Change::RemoveConnector(id) => {
                    self.connectors.remove(&id);
                }
                Change::PutGroup(g) => {
                    self.groups.insert(g.id.clone(), g);
                }
                Change::RemoveGroup(id) => {
                    self.groups.remove(&id);
                }
                Change::PutSipMediaApp(a) => {
                    self.sip_media_apps.insert(a.id.clone(), a);
                }
                Change::RemoveSipMediaApp(id) => {
                    self.sip_media_apps.remove(&id);
                }
                Change::PutDialInRule(r) => {
                    self.dial_in_rules.insert(r.number.clone(), r);
                }
                Change::RemoveDialInRule(n) => {
                    self.dial_in_rules.remove(&n);
                }
                Change::PutRequest(r) => {
                    self.requests.insert(r.id.clone(), r);
                }
                Change::PutSettings(s) => self.settings = s,
                Change::Schedule(d) => {
                    self.schedule.insert((d.at, format!("{:?}", d.task)));
                }
                Change::Unschedule(d) => {
                    self.schedule.remove(&(d.at, format!("{:?}", d.task)));
                }
                Change::PutJob(j) => {
                    self.jobs.insert(j.id, j);
                }
                Change::RemoveJob(id) => {
                    self.jobs.remove(&id);
                }
                Change::MapCarrierId { local, carrier } => {
                    self.carrier_ids.insert(local, carrier);
                }
                Change::UnmapCarrierId { local } => {
                    self.carrier_ids.remove(&local);
                }
                Change::Hold(HoldChange::Put(h)) => {
                    self.holds.insert(h.number.clone(), h);
                }
                Change::Hold(HoldChange::Remove(n)) => {
                    self.holds.remove(&n);
                }
            }
        }
    }
}

impl View for MemoryView {
    fn number(&self, n: &E164) -> Option<PhoneNumber> {
        self.numbers.get(n).cloned()
    }
    fn held_count(&self) -> usize {
        self.numbers
            .values()
            .filter(|p| p.status.code().counts_against_limit())
            .count()
    }
    fn assigned_count(&self, key: &str) -> usize {
        self.numbers
            .values()
            .filter(|p| p.assignee().map(|a| a.key() == key).unwrap_or(false))
            .count()
    }
    fn order(&self, id: &OrderId) -> Option<Order> {
        self.orders.get(id).cloned()
    }
    fn account(&self, id: &AccountId) -> Option<Account> {
        self.accounts.get(id).cloned()
    }
    fn users_in_account(&self, id: &AccountId) -> usize {
        self.users.values().filter(|u| &u.account == id).count()
    }
    fn user(&self, id: &UserId) -> Option<User> {
        self.users.get(id).cloned()
    }
    fn all_users(&self) -> Vec<User> {
        self.users.values().cloned().collect()
    }
    fn voice_connector(&self, id: &VoiceConnectorId) -> Option<VoiceConnector> {
        self.connectors.get(id).cloned()
    }
    fn voice_connector_count(&self) -> usize {
        self.connectors.len()
    }
    fn groups(&self) -> Vec<VoiceConnectorGroup> {
        self.groups.values().cloned().collect()
    }
    fn sip_media_apps(&self) -> Vec<SipMediaApp> {
        self.sip_media_apps.values().cloned().collect()
    }
    fn dial_in_rule(&self, number: &E164) -> Option<DialInRule> {
        self.dial_in_rules.get(number).cloned()
    }
    fn dial_in_rules(&self) -> Vec<DialInRule> {
        self.dial_in_rules.values().cloned().collect()
    }
    fn request(&self, id: &RequestId) -> Option<SupportRequest> {
        self.requests.get(id).cloned()
    }
    fn settings(&self) -> Settings {
        self.settings.clone()
    }
    fn job(&self, id: JobId) -> Option<Job> {
        self.jobs.get(&id).cloned()
    }
    fn job_on(&self, key: &str) -> Option<JobId> {
        self.jobs
            .values()
            .find(|j| {
                j.numbers.iter().any(|n| format!("n:{n}") == key)
                    || j.records.iter().any(|r| format!("r:{r}") == key)
            })
            .map(|j| j.id)
    }
    fn last_job_id(&self) -> u64 {
        self.jobs.keys().last().map(|j| j.0).unwrap_or(0)
    }
    fn carrier_id(&self, local: &str) -> Option<String> {
        self.carrier_ids.get(local).cloned()
    }
    fn local_id(&self, kind: &str, carrier: &str) -> Option<String> {
        self.carrier_ids
            .iter()
            .find(|(l, c)| c.as_str() == carrier && l.starts_with(&format!("{kind}-")))
            .map(|(l, _)| l.clone())
    }
    fn hold(&self, n: &E164) -> Option<Hold> {
        self.holds.get(n).cloned()
    }
}
