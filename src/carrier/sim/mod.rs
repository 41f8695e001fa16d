//! The carrier's side, simulated as a service: what AWS holds (numbers, orders, voice
//! connectors and groups, SIP media applications and rules, the default calling name) and
//! does, behind the `CarrierApi` interface. For the sandbox and the tests.
//!
//! - **Persisted** in a sled tree handed to it (postcard records), so it can live in
//!   phonedesk's database or in its own.
//! - **Deterministic** for a seed: ids, the numbers a search offers (the `SimulatedCarrier`'s
//!   real US exchanges) and which acquisitions fail.
//! - **Lazy time**: a clock is read on every call and states are computed from timestamps
//!   (an order completes after the provisioning delay, a calling name after 72 hours, a
//!   deleted number vanishes after 7 days). Nothing runs in the background.
//! - **The API's rules**, enforced with the domain's own code where it has them.
//! - **Faults** settable at run time (`Faults`), and changes made "in the AWS console"
//!   behind phonedesk's back (`console_*`).

mod desk;
mod faults;
mod records;
mod store;

pub use faults::{CallFault, Faults};

use super::api::*;
use super::{Carrier, HeldNumbers, SimulatedCarrier};
use crate::domain::{
    check_carrier_label, checked_text, parse_toll_free_prefix, CallingName, Desk, NumberType,
    OrderId, Policy, ProductType, SearchQuery, Timestamp, E164, MAX_GROUP_MEMBERS,
    MAX_SEARCH_RESULTS, NAME_MAX, PRIORITIES, REGIONS,
};
use records::{GroupRec, Meta, NameUpdate, NumberRec, OrderRec};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::Db;

/// The clock the simulation reads: the real one, or a test's.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// A clock for the simulation: the system's time, or a fixed start, plus an offset that
/// `advance` moves forward (to see orders complete without waiting).
#[derive(Debug, Default)]
pub struct SimClock {
    fixed: Option<Timestamp>,
    offset_ms: std::sync::atomic::AtomicI64,
}

impl SimClock {
    pub fn system() -> Arc<SimClock> {
        Arc::new(SimClock::default())
    }

    pub fn fixed(start: Timestamp) -> Arc<SimClock> {
        Arc::new(SimClock {
            fixed: Some(start),
            ..SimClock::default()
        })
    }

    pub fn advance(&self, by: Duration) {
        let ms = by.as_millis().min(i64::MAX as u128) as i64;
        self.offset_ms
            .fetch_add(ms, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn now(&self) -> Timestamp {
        let base = self.fixed.unwrap_or_else(crate::engine::now);
        Timestamp(
            base.0
                .saturating_add(self.offset_ms.load(std::sync::atomic::Ordering::SeqCst)),
        )
    }

    pub fn as_clock(self: &Arc<Self>) -> Clock {
        let me = Arc::clone(self);
        Arc::new(move || me.now())
    }
}

/// How the simulated carrier behaves; built from phonedesk's configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSettings {
    pub seed: u64,
    /// Share of ordered numbers that fail to be acquired, 0 to 1.
    pub failure_rate: f64,
    /// Numbers held (being acquired or in the inventory) at most.
    pub inventory_limit: usize,
    pub provisioning_delay: Duration,
    pub name_update: Duration,
    pub default_name_cooldown: Duration,
    pub deletion_retention: Duration,
    /// Items per page of the lists (the API's largest `MaxResults` is 100).
    pub page_size: usize,
    /// Create two voice connectors, a group, two SIP media applications and two SIP rules
    /// in a new carrier, as an AWS account that is already set up would have.
    pub seed_directory: bool,
    /// The support desk's pace (`support_response`, `porting_min`/`porting_max`).
    pub policy: Policy,
}

impl SimSettings {
    pub fn from_policy(policy: &Policy, seed: u64, failure_rate: f64) -> SimSettings {
        SimSettings {
            seed,
            failure_rate,
            inventory_limit: policy.inventory_limit,
            provisioning_delay: policy.provisioning_delay,
            name_update: policy.name_update,
            default_name_cooldown: policy.default_name_cooldown,
            deletion_retention: policy.deletion_retention,
            page_size: 100,
            seed_directory: true,
            policy: policy.clone(),
        }
    }

    /// From phonedesk's configuration: `[carrier]` seed and failure rate, `[inventory]`
    /// limit and `[durations]`.
    pub fn from_config(config: &crate::config::Config) -> SimSettings {
        SimSettings::from_policy(
            &config.policy(),
            config.carrier.seed,
            config.carrier.failure_rate,
        )
    }
}

/// Why the simulation's storage cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("the simulated carrier's storage failed: {0}")]
    Storage(String),
    #[error("the simulated carrier's records cannot be read: {0}")]
    Damaged(String),
}

/// The operations' names in the API, as the loopback server and the faults name them.
pub mod ops {
    pub const SEARCH: &str = "SearchAvailablePhoneNumbers";
    pub const COUNTRIES: &str = "ListSupportedPhoneNumberCountries";
    pub const CREATE_ORDER: &str = "CreatePhoneNumberOrder";
    pub const GET_ORDER: &str = "GetPhoneNumberOrder";
    pub const LIST_ORDERS: &str = "ListPhoneNumberOrders";
    pub const GET_NUMBER: &str = "GetPhoneNumber";
    pub const LIST_NUMBERS: &str = "ListPhoneNumbers";
    pub const ASSOCIATE_VC: &str = "AssociatePhoneNumbersWithVoiceConnector";
    pub const ASSOCIATE_GROUP: &str = "AssociatePhoneNumbersWithVoiceConnectorGroup";
    /// Not an API call: the real API sets a SIP rule's number with `CreateSipRule`.
    pub const ASSOCIATE_RULE: &str = "AssociatePhoneNumberWithSipRule";
    pub const DISASSOCIATE_VC: &str = "DisassociatePhoneNumbersFromVoiceConnector";
    pub const DISASSOCIATE_GROUP: &str = "DisassociatePhoneNumbersFromVoiceConnectorGroup";
    pub const DISASSOCIATE_RULE: &str = "DisassociatePhoneNumberFromSipRule";
    pub const UPDATE_NUMBER: &str = "UpdatePhoneNumber";
    pub const BATCH_UPDATE: &str = "BatchUpdatePhoneNumber";
    pub const DELETE_NUMBER: &str = "DeletePhoneNumber";
    pub const BATCH_DELETE: &str = "BatchDeletePhoneNumber";
    pub const RESTORE: &str = "RestorePhoneNumber";
    pub const GET_SETTINGS: &str = "GetPhoneNumberSettings";
    pub const UPDATE_SETTINGS: &str = "UpdatePhoneNumberSettings";
    pub const LIST_VCS: &str = "ListVoiceConnectors";
    pub const CREATE_VC: &str = "CreateVoiceConnector";
    pub const UPDATE_VC: &str = "UpdateVoiceConnector";
    pub const DELETE_VC: &str = "DeleteVoiceConnector";
    pub const LIST_GROUPS: &str = "ListVoiceConnectorGroups";
    pub const CREATE_GROUP: &str = "CreateVoiceConnectorGroup";
    pub const UPDATE_GROUP: &str = "UpdateVoiceConnectorGroup";
    pub const DELETE_GROUP: &str = "DeleteVoiceConnectorGroup";
    pub const LIST_SMAS: &str = "ListSipMediaApplications";
    pub const LIST_RULES: &str = "ListSipRules";
    pub const CREATE_RULE: &str = "CreateSipRule";
    pub const UPDATE_RULE: &str = "UpdateSipRule";
    pub const DELETE_RULE: &str = "DeleteSipRule";
}

/// Pages of one search, at most: a search is recomputed page by page.
const MAX_SEARCH_PAGES: usize = 20;

/// The simulated carrier. Reads need no lock; writes take one.
pub struct SimCarrier {
    db: Db,
    settings: SimSettings,
    clock: Clock,
    desk: SimulatedCarrier,
    faults: Faults,
    write: Mutex<()>,
    calls: Mutex<BTreeMap<String, u64>>,
    /// Answer every Support call with `SubscriptionRequiredException` (no support plan).
    no_support_plan: std::sync::atomic::AtomicBool,
}

type Failures = Vec<NumberFailure>;

fn bad(message: impl Into<String>) -> CarrierError {
    CarrierError::BadRequest(message.into())
}

fn failure(number: &E164, code: &str, message: impl Into<String>) -> NumberFailure {
    NumberFailure {
        number: number.clone(),
        code: code.to_string(),
        message: message.into(),
    }
}

/// Refuses an empty list or one naming a number twice (the API's rule for batches).
fn distinct(numbers: &[E164], what: &str) -> CarrierResult<()> {
    if numbers.is_empty() {
        return Err(bad(format!("{what} needs at least one phone number")));
    }
    let mut seen = HashSet::new();
    if let Some(n) = numbers.iter().find(|n| !seen.insert(*n)) {
        return Err(bad(format!("{n} appears twice in the request")));
    }
    Ok(())
}

fn status_words(s: CarrierNumberStatus) -> &'static str {
    match s {
        CarrierNumberStatus::AcquireInProgress => "still being acquired",
        CarrierNumberStatus::AcquireFailed => "a failed acquisition",
        CarrierNumberStatus::Unassigned => "unassigned",
        CarrierNumberStatus::Assigned => "assigned",
        CarrierNumberStatus::DeleteInProgress => "in the deletion queue",
        _ => "not in the inventory",
    }
}

impl SimCarrier {
    /// Opens (or starts) a simulated carrier in `tree`.
    pub fn open(
        tree: sled::Tree,
        settings: SimSettings,
        clock: Clock,
    ) -> Result<SimCarrier, SimError> {
        let desk = SimulatedCarrier::new(settings.seed, settings.failure_rate);
        let sim = SimCarrier {
            db: Db::new(tree),
            settings,
            clock,
            desk,
            faults: Faults::default(),
            write: Mutex::new(()),
            calls: Mutex::new(BTreeMap::new()),
            no_support_plan: Default::default(),
        };
        if sim
            .db
            .meta()
            .map_err(|e| SimError::Damaged(e.to_string()))?
            .is_none()
        {
            sim.start().map_err(|e| SimError::Storage(e.to_string()))?;
        }
        Ok(sim)
    }

    pub fn settings(&self) -> &SimSettings {
        &self.settings
    }

    /// The faults handle: set faults on it at any time.
    pub fn faults(&self) -> Faults {
        self.faults.clone()
    }

    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// How many times an operation was called (by its API name, `ops::*`).
    pub fn calls(&self, operation: &str) -> u64 {
        self.lock_calls().get(operation).copied().unwrap_or(0)
    }

    fn lock_calls(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, u64>> {
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.write.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn retention(&self) -> Duration {
        self.settings.deletion_retention
    }

    /// A fresh carrier: its counters and, if asked, an account already set up.
    fn start(&self) -> CarrierResult<()> {
        let _w = self.lock();
        let mut meta = Meta::default();
        let mut w = self.db.writer();
        if self.settings.seed_directory {
            let now = self.now();
            let mut vcs = Vec::new();
            for (name, region) in [
                ("Primary trunk", "us-east-1"),
                ("Backup trunk", "us-west-2"),
            ] {
                let id = self.short_id(&mut meta, "vc");
                let vc = CarrierConnector {
                    outbound_host: Some(format!("{id}.voiceconnector.chime.aws")),
                    id,
                    name: name.into(),
                    region: region.into(),
                    encryption: true,
                };
                w.put_connector(&vc);
                vcs.push(vc.id);
            }
            let group = GroupRec {
                id: self.short_id(&mut meta, "vcg"),
                name: "Trunks".into(),
                members: vcs
                    .iter()
                    .enumerate()
                    .map(|(i, id)| CarrierGroupMember {
                        connector_id: id.clone(),
                        priority: i as u8 + 1,
                    })
                    .collect(),
            };
            w.put_group(&group);
            // SIP rules come with the numbers they route (`CreateSipRule`).
            for (name, region) in [("IVR", "us-east-1"), ("Voicemail", "us-west-2")] {
                let app = SipMediaApplication {
                    id: self.guid(&mut meta, "sma"),
                    name: name.into(),
                    region: region.into(),
                };
                w.put_app(&app);
            }
            let _ = now;
        }
        w.put_meta(&meta);
        w.commit()
    }

    /// A stable 64-bit hash of the seed and some labelled values.
    fn hash(&self, kind: &str, n: u64) -> u64 {
        let mut h = mix(self.settings.seed ^ 0x7369_6d75_6c61_7465);
        for b in kind.bytes() {
            h = mix(h ^ b as u64);
        }
        mix(h ^ n)
    }

    /// A GUID, as the API's order, SIP media application and rule ids.
    fn guid(&self, meta: &mut Meta, kind: &str) -> String {
        meta.seq += 1;
        let (a, b) = (self.hash(kind, meta.seq), self.hash(kind, !meta.seq));
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        )
    }

    /// A 22-character id, as the API's voice connector and group ids.
    fn short_id(&self, meta: &mut Meta, kind: &str) -> String {
        const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        meta.seq += 1;
        let mut h = self.hash(kind, meta.seq);
        (0..22)
            .map(|i| {
                if i == 11 {
                    h = self.hash(kind, h);
                }
                let c = ALPHABET[(h % 36) as usize] as char;
                h /= 36;
                c
            })
            .collect()
    }

    /// A number the carrier has a record of at `now` (held, being acquired, failed or in
    /// the deletion queue); purged numbers are gone.
    fn live(&self, n: &E164, now: Timestamp) -> CarrierResult<Option<NumberRec>> {
        Ok(self
            .db
            .number(n)?
            .filter(|r| r.status(now, self.retention()).is_some()))
    }

    fn inventory_count(&self, now: Timestamp) -> CarrierResult<usize> {
        let mut count = 0;
        for r in self.db.numbers_from(None)? {
            if r?.counts_against_limit(now, self.retention()) {
                count += 1;
            }
        }
        Ok(count)
    }

    fn check_limit(&self, now: Timestamp, adding: usize) -> CarrierResult<()> {
        let held = self.inventory_count(now)?;
        let limit = self.settings.inventory_limit;
        if held + adding > limit {
            return Err(CarrierError::ResourceLimitExceeded(format!(
                "the account holds {held} of its {limit} phone numbers; {adding} more do not fit"
            )));
        }
        Ok(())
    }

    fn target_exists(&self, target: &Association) -> CarrierResult<()> {
        let found = match target {
            Association::VoiceConnector(id) => self.db.connector(id)?.is_some(),
            Association::VoiceConnectorGroup(id) => self.db.group(id)?.is_some(),
            Association::SipRule(id) => self.db.rule(id)?.is_some(),
        };
        if found {
            Ok(())
        } else {
            Err(CarrierError::NotFound(match target {
                Association::VoiceConnector(id) => format!("voice connector {id}"),
                Association::VoiceConnectorGroup(id) => format!("voice connector group {id}"),
                Association::SipRule(id) => format!("SIP rule {id}"),
            }))
        }
    }

    /// Numbers associated with `target` at `now`.
    fn associated_with(&self, target: &Association, now: Timestamp) -> CarrierResult<usize> {
        let mut count = 0;
        for r in self.db.numbers_from(None)? {
            let r = r?;
            if r.status(now, self.retention()).is_some() && r.associations.contains(target) {
                count += 1;
            }
        }
        Ok(count)
    }

    // ---- the operations, at `now`, without faults ----

    fn search_at(&self, q: &AvailableSearch, now: Timestamp) -> CarrierResult<Page<E164>> {
        let max = q.max_results as usize;
        if !(1..=MAX_SEARCH_RESULTS).contains(&max) {
            return Err(bad(format!(
                "MaxResults must be 1 to {MAX_SEARCH_RESULTS}, not {max}"
            )));
        }
        let mut query = SearchQuery::us().with_limit(max);
        if let Some(c) = &q.country {
            query.country = c.clone();
        }
        if let Some(a) = q.area_code.as_deref() {
            query.area_code = Some(
                a.trim()
                    .parse()
                    .map_err(|_| bad("an area code has 3 digits, e.g. 206"))?,
            );
        }
        if let Some(p) = q.toll_free_prefix.as_deref() {
            query.toll_free_prefix = Some(parse_toll_free_prefix(p).ok_or_else(|| {
                bad("a toll-free prefix is one of 800, 833, 844, 855, 866, 877 or 888")
            })?);
        }
        query.state = q.state.clone();
        query.city = q.city.clone();
        query.number_type = q.number_type;
        let page: usize = match q.next.as_deref() {
            None => 0,
            Some(t) => t
                .strip_prefix("page-")
                .and_then(|k| k.parse().ok())
                .filter(|k| *k < MAX_SEARCH_PAGES)
                .ok_or_else(|| bad("the NextToken is not one this carrier gave"))?,
        };
        let mut earlier: BTreeSet<E164> = BTreeSet::new();
        for k in 0..=page {
            let held = SearchHeld {
                sim: self,
                earlier: &earlier,
                now,
            };
            let found = self
                .desk
                .search(&query, &held)
                .map_err(|e| bad(e.to_string()))?;
            if k == page {
                let items: Vec<E164> = found.into_iter().map(|a| a.number).collect();
                let next = (items.len() == max && page + 1 < MAX_SEARCH_PAGES)
                    .then(|| format!("page-{}", page + 1));
                return Ok(Page { items, next });
            }
            if found.len() < max {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                });
            }
            earlier.extend(found.into_iter().map(|a| a.number));
        }
        Ok(Page {
            items: Vec::new(),
            next: None,
        })
    }

    fn create_order_at(
        &self,
        order: &NewOrder,
        now: Timestamp,
        delay: Duration,
        faults: bool,
    ) -> CarrierResult<CarrierOrder> {
        if order.product_type == ProductType::BusinessCalling {
            return Err(bad(
                "the product type must be VoiceConnector or SipMediaApplicationDialIn",
            ));
        }
        distinct(&order.numbers, "an order")?;
        if order.product_type == ProductType::VoiceConnector {
            if let Some(n) = order.numbers.iter().find(|n| !n.is_us()) {
                return Err(bad(format!(
                    "{n} is outside the US: such numbers take the SIP media application dial-in product type"
                )));
            }
        }
        if let Some(name) = &order.name {
            check_carrier_label(name).map_err(|e| bad(e.to_string()))?;
        }
        let _w = self.lock();
        for n in &order.numbers {
            if let Some(r) = self.live(n, now)? {
                if r.status(now, self.retention()) != Some(CarrierNumberStatus::AcquireFailed) {
                    return Err(bad(format!("{n} is not available")));
                }
            }
        }
        self.check_limit(now, order.numbers.len())?;
        let mut meta = self.db.meta()?.unwrap_or_default();
        let id = self.guid(&mut meta, "order");
        let completes_at = now.plus(delay);
        let numbers: Vec<(E164, bool)> = order
            .numbers
            .iter()
            .map(|n| {
                let forced = faults && self.faults.acquisition_fails(n);
                let ok =
                    !forced && (!n.is_nanp() || self.desk.acquire(&OrderId(id.clone()), n).is_ok());
                (n.clone(), ok)
            })
            .collect();
        let rec = OrderRec {
            id: id.clone(),
            seq: meta.seq,
            product_type: order.product_type,
            numbers: numbers.clone(),
            created_at: now,
            completes_at,
        };
        let mut w = self.db.writer();
        for (n, ok) in &numbers {
            w.put_number(&NumberRec {
                number: n.clone(),
                product_type: order.product_type,
                order_id: Some(id.clone()),
                acquired_at: completes_at,
                acquire_ok: *ok,
                associations: vec![],
                calling_name: None,
                name_update: None,
                name: order.name.clone().filter(|s| !s.is_empty()),
                created_at: now,
                updated_at: now,
                deleted_at: None,
            });
        }
        w.put_order(&rec);
        w.put_meta(&meta);
        w.commit()?;
        Ok(rec.view(now))
    }

    fn associate_at(
        &self,
        target: &Association,
        numbers: &[E164],
        force: bool,
        now: Timestamp,
        faults: bool,
    ) -> CarrierResult<Failures> {
        self.target_exists(target)?;
        distinct(numbers, "an association")?;
        let _w = self.lock();
        let mut w = self.db.writer();
        let mut failures = Vec::new();
        let mut rule = match target {
            Association::SipRule(id) => self.db.rule(id)?,
            _ => None,
        };
        for n in numbers {
            if let Some(code) = faults.then(|| self.faults.number_failure(n)).flatten() {
                failures.push(failure(n, &code, "the carrier failed on this number"));
                continue;
            }
            let Some(mut r) = self.live(n, now)? else {
                failures.push(failure(
                    n,
                    "NotFound",
                    format!("{n} is not in the inventory"),
                ));
                continue;
            };
            let status = r.status(now, self.retention());
            if !matches!(
                status,
                Some(CarrierNumberStatus::Unassigned | CarrierNumberStatus::Assigned)
            ) {
                let s = status.map(status_words).unwrap_or("gone");
                failures.push(failure(n, "BadRequest", format!("{n} is {s}")));
                continue;
            }
            let wanted = match target {
                Association::SipRule(_) => ProductType::SipMediaApplicationDialIn,
                _ => ProductType::VoiceConnector,
            };
            if r.product_type != wanted {
                failures.push(failure(
                    n,
                    "BadRequest",
                    format!(
                        "{n} has the product type {}; only {} numbers go there",
                        r.product_type.api_name(),
                        wanted.api_name()
                    ),
                ));
                continue;
            }
            if r.associations.contains(target) {
                continue;
            }
            if !r.associations.is_empty() && !force {
                failures.push(failure(
                    n,
                    "PhoneNumberAssociationsExist",
                    format!("{n} is associated elsewhere; associate it with force to move it"),
                ));
                continue;
            }
            if let Some(rule) = rule.as_mut() {
                // A SIP rule triggers on one number: the number it had leaves it.
                if let Ok(prev) = E164::parse(&rule.trigger_value) {
                    if &prev != n {
                        if !force {
                            failures.push(failure(
                                n,
                                "Conflict",
                                format!("the SIP rule {} already triggers on {prev}", rule.id),
                            ));
                            continue;
                        }
                        if let Some(mut p) = self.live(&prev, now)? {
                            p.associations.retain(|a| a != target);
                            p.updated_at = now;
                            w.put_number(&p);
                        }
                    }
                }
                rule.trigger_value = n.to_string();
            }
            self.leave_rules(&mut w, &r, now)?;
            r.associations = vec![target.clone()];
            r.updated_at = now;
            w.put_number(&r);
        }
        if let Some(rule) = &rule {
            w.put_rule(rule);
        }
        w.commit()?;
        Ok(failures)
    }

    /// Clears the trigger of the SIP rules a number leaves.
    fn leave_rules(
        &self,
        w: &mut store::Writer,
        r: &NumberRec,
        _now: Timestamp,
    ) -> CarrierResult<()> {
        for a in &r.associations {
            if let Association::SipRule(id) = a {
                if let Some(mut rule) = self.db.rule(id)? {
                    if rule.trigger_value == r.number.as_str() {
                        rule.trigger_value.clear();
                        w.put_rule(&rule);
                    }
                }
            }
        }
        Ok(())
    }

    fn disassociate_at(
        &self,
        target: &Association,
        numbers: &[E164],
        now: Timestamp,
        faults: bool,
    ) -> CarrierResult<Failures> {
        self.target_exists(target)?;
        distinct(numbers, "a disassociation")?;
        let _w = self.lock();
        let mut w = self.db.writer();
        let mut failures = Vec::new();
        for n in numbers {
            if let Some(code) = faults.then(|| self.faults.number_failure(n)).flatten() {
                failures.push(failure(n, &code, "the carrier failed on this number"));
                continue;
            }
            let Some(mut r) = self.live(n, now)? else {
                failures.push(failure(
                    n,
                    "NotFound",
                    format!("{n} is not in the inventory"),
                ));
                continue;
            };
            if !r.associations.contains(target) {
                failures.push(failure(
                    n,
                    "BadRequest",
                    format!("{n} is not associated with {}", target.id()),
                ));
                continue;
            }
            self.leave_rules(&mut w, &r, now)?;
            r.associations.retain(|a| a != target);
            r.updated_at = now;
            w.put_number(&r);
        }
        w.commit()?;
        Ok(failures)
    }

    /// One update of one number: the changed record, or the API's error code and words.
    fn updated(
        &self,
        n: &E164,
        update: &NumberUpdate,
        now: Timestamp,
    ) -> CarrierResult<Result<NumberRec, (&'static str, String)>> {
        let Some(mut r) = self.live(n, now)? else {
            return Ok(Err(("NotFound", format!("{n} is not in the inventory"))));
        };
        let status = r.status(now, self.retention());
        let in_inventory = matches!(
            status,
            Some(CarrierNumberStatus::Unassigned | CarrierNumberStatus::Assigned)
        );
        if !in_inventory {
            let s = status.map(status_words).unwrap_or("gone");
            return Ok(Err(("BadRequest", format!("{n} is {s}"))));
        }
        match update {
            NumberUpdate::ProductType(p) => {
                if *p == ProductType::BusinessCalling {
                    return Ok(Err((
                        "BadRequest",
                        "the product type must be VoiceConnector or SipMediaApplicationDialIn"
                            .into(),
                    )));
                }
                if *p != r.product_type {
                    if status != Some(CarrierNumberStatus::Unassigned) {
                        return Ok(Err((
                            "BadRequest",
                            format!("{n} is assigned; only unassigned numbers change product type"),
                        )));
                    }
                    if *p == ProductType::VoiceConnector && !n.is_us() {
                        return Ok(Err((
                            "BadRequest",
                            format!("{n} is outside the US and cannot be a Voice Connector number"),
                        )));
                    }
                    r.product_type = *p;
                }
            }
            NumberUpdate::CallingName(text) => {
                if n.number_type() == NumberType::TollFree {
                    return Ok(Err((
                        "BadRequest",
                        format!("{n} is toll-free; calling names are for toll-based numbers"),
                    )));
                }
                let name = match CallingName::parse(text) {
                    Ok(name) => name.map(|c| c.as_str().to_string()),
                    Err(e) => return Ok(Err(("BadRequest", e.to_string()))),
                };
                if r.name_update_pending(now) {
                    return Ok(Err((
                        "Conflict",
                        format!(
                            "{n} has a calling name update in progress; wait until it completes"
                        ),
                    )));
                }
                r.settle_name(now);
                r.name_update = Some(NameUpdate {
                    name,
                    completes_at: now.plus(self.settings.name_update),
                });
            }
            NumberUpdate::Name(text) => {
                if let Err(e) = check_carrier_label(text) {
                    return Ok(Err(("BadRequest", e.to_string())));
                }
                r.name = Some(text.clone()).filter(|s| !s.is_empty());
            }
        }
        r.updated_at = now;
        Ok(Ok(r))
    }

    fn update_number_at(
        &self,
        n: &E164,
        update: &NumberUpdate,
        now: Timestamp,
    ) -> CarrierResult<CarrierNumber> {
        let _w = self.lock();
        match self.updated(n, update, now)? {
            Ok(r) => {
                let mut w = self.db.writer();
                w.put_number(&r);
                w.commit()?;
                r.view(now, self.retention())
                    .ok_or_else(|| CarrierError::NotFound(n.to_string()))
            }
            // The whole call's error names the number, as the API's NotFoundException does.
            Err(("NotFound", _)) => Err(CarrierError::NotFound(n.to_string())),
            Err((code, message)) => Err(error_for_code(code, message)),
        }
    }

    fn batch_update_at(
        &self,
        items: &[(E164, NumberUpdate)],
        now: Timestamp,
        faults: bool,
    ) -> CarrierResult<Failures> {
        let numbers: Vec<E164> = items.iter().map(|(n, _)| n.clone()).collect();
        distinct(&numbers, "a batch update")?;
        let _w = self.lock();
        let mut w = self.db.writer();
        let mut failures = Vec::new();
        for (n, update) in items {
            if let Some(code) = faults.then(|| self.faults.number_failure(n)).flatten() {
                failures.push(failure(n, &code, "the carrier failed on this number"));
                continue;
            }
            match self.updated(n, update, now)? {
                Ok(r) => w.put_number(&r),
                Err((code, message)) => failures.push(failure(n, code, message)),
            }
        }
        w.commit()?;
        Ok(failures)
    }

    fn delete_at(&self, numbers: &[E164], now: Timestamp, faults: bool) -> CarrierResult<Failures> {
        distinct(numbers, "a deletion")?;
        let _w = self.lock();
        let mut w = self.db.writer();
        let mut failures = Vec::new();
        for n in numbers {
            if let Some(code) = faults.then(|| self.faults.number_failure(n)).flatten() {
                failures.push(failure(n, &code, "the carrier failed on this number"));
                continue;
            }
            let Some(mut r) = self.live(n, now)? else {
                failures.push(failure(
                    n,
                    "NotFound",
                    format!("{n} is not in the inventory"),
                ));
                continue;
            };
            if !r.associations.is_empty() {
                failures.push(failure(
                    n,
                    "PhoneNumberAssociationsExist",
                    format!("{n} is still associated; disassociate it first"),
                ));
                continue;
            }
            let status = r.status(now, self.retention());
            if status != Some(CarrierNumberStatus::Unassigned) {
                let s = status.map(status_words).unwrap_or("gone");
                failures.push(failure(n, "BadRequest", format!("{n} is {s}")));
                continue;
            }
            r.deleted_at = Some(now);
            r.updated_at = now;
            w.put_number(&r);
        }
        w.commit()?;
        Ok(failures)
    }

    fn restore_at(&self, n: &E164, now: Timestamp) -> CarrierResult<CarrierNumber> {
        let _w = self.lock();
        let Some(mut r) = self.live(n, now)? else {
            return Err(CarrierError::NotFound(n.to_string()));
        };
        if r.status(now, self.retention()) != Some(CarrierNumberStatus::DeleteInProgress) {
            return Err(bad(format!("{n} is not in the deletion queue")));
        }
        self.check_limit(now, 1)?;
        r.deleted_at = None;
        r.updated_at = now;
        let mut w = self.db.writer();
        w.put_number(&r);
        w.commit()?;
        r.view(now, self.retention())
            .ok_or_else(|| CarrierError::NotFound(n.to_string()))
    }

    fn update_settings_at(&self, name: &str, now: Timestamp) -> CarrierResult<()> {
        let name = CallingName::parse(name).map_err(|e| bad(e.to_string()))?;
        let _w = self.lock();
        let mut meta = self.db.meta()?.unwrap_or_default();
        if let Some(last) = meta.calling_name_updated_at {
            let next = last.plus(self.settings.default_name_cooldown);
            if now < next {
                return Err(bad(format!(
                    "the default calling name changes once every {}; next change from {}",
                    humantime::format_duration(self.settings.default_name_cooldown),
                    next.rfc3339()
                )));
            }
        }
        meta.calling_name = name.map(|c| c.as_str().to_string());
        meta.calling_name_updated_at = Some(now);
        let mut w = self.db.writer();
        w.put_meta(&meta);
        w.commit()
    }

    fn connector_name(name: &str) -> CarrierResult<String> {
        checked_text(name, "the voice connector name", NAME_MAX).map_err(|e| bad(e.to_string()))
    }

    fn create_connector_at(
        &self,
        name: &str,
        region: &str,
        encryption: bool,
    ) -> CarrierResult<CarrierConnector> {
        let name = Self::connector_name(name)?;
        if !REGIONS.contains(&region) {
            return Err(bad(format!(
                "“{}” is not a voice connector region: use one of {}",
                region
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(30)
                    .collect::<String>(),
                REGIONS.join(", ")
            )));
        }
        let _w = self.lock();
        let mut meta = self.db.meta()?.unwrap_or_default();
        let id = self.short_id(&mut meta, "vc");
        let vc = CarrierConnector {
            outbound_host: Some(format!("{id}.voiceconnector.chime.aws")),
            id,
            name,
            region: region.to_string(),
            encryption,
        };
        let mut w = self.db.writer();
        w.put_connector(&vc);
        w.put_meta(&meta);
        w.commit()?;
        Ok(vc)
    }

    fn update_connector_at(
        &self,
        id: &str,
        name: &str,
        encryption: bool,
    ) -> CarrierResult<CarrierConnector> {
        let name = Self::connector_name(name)?;
        let _w = self.lock();
        let mut vc = self
            .db
            .connector(id)?
            .ok_or_else(|| CarrierError::NotFound(format!("voice connector {id}")))?;
        vc.name = name;
        vc.encryption = encryption;
        let mut w = self.db.writer();
        w.put_connector(&vc);
        w.commit()?;
        Ok(vc)
    }

    fn delete_connector_at(&self, id: &str, now: Timestamp) -> CarrierResult<()> {
        let _w = self.lock();
        let vc = self
            .db
            .connector(id)?
            .ok_or_else(|| CarrierError::NotFound(format!("voice connector {id}")))?;
        let count = self.associated_with(&Association::VoiceConnector(id.to_string()), now)?;
        if count > 0 {
            return Err(CarrierError::Conflict(format!(
                "voice connector {} still has {count} phone numbers; disassociate them first",
                vc.name
            )));
        }
        for g in self.db.groups_from(None)? {
            let g = g?;
            if g.members.iter().any(|m| m.connector_id == id) {
                return Err(CarrierError::Conflict(format!(
                    "voice connector {} is in the group {}; remove it from the group first",
                    vc.name, g.name
                )));
            }
        }
        let mut w = self.db.writer();
        w.remove_connector(id);
        w.commit()
    }

    fn check_group(
        &self,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<(String, Vec<CarrierGroupMember>)> {
        let name =
            checked_text(name, "the group name", NAME_MAX).map_err(|e| bad(e.to_string()))?;
        if members.len() > MAX_GROUP_MEMBERS {
            return Err(bad(format!(
                "a group has at most {MAX_GROUP_MEMBERS} voice connectors"
            )));
        }
        let mut seen = HashSet::new();
        for m in members {
            if !PRIORITIES.contains(&m.priority) {
                return Err(bad(format!("a priority is 1 to 99, not {}", m.priority)));
            }
            if !seen.insert(&m.connector_id) {
                return Err(bad(format!(
                    "voice connector {} appears twice in the group",
                    m.connector_id
                )));
            }
            if self.db.connector(&m.connector_id)?.is_none() {
                return Err(CarrierError::NotFound(format!(
                    "voice connector {}",
                    m.connector_id
                )));
            }
        }
        let mut members = members.to_vec();
        members.sort_by_key(|m| m.priority);
        Ok((name, members))
    }

    fn create_group_at(
        &self,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<CarrierGroup> {
        let _w = self.lock();
        let (name, members) = self.check_group(name, members)?;
        let mut meta = self.db.meta()?.unwrap_or_default();
        let g = GroupRec {
            id: self.short_id(&mut meta, "vcg"),
            name,
            members,
        };
        let mut w = self.db.writer();
        w.put_group(&g);
        w.put_meta(&meta);
        w.commit()?;
        Ok(g)
    }

    fn update_group_at(
        &self,
        id: &str,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<CarrierGroup> {
        let _w = self.lock();
        let mut g = self
            .db
            .group(id)?
            .ok_or_else(|| CarrierError::NotFound(format!("voice connector group {id}")))?;
        let (name, members) = self.check_group(name, members)?;
        g.name = name;
        g.members = members;
        let mut w = self.db.writer();
        w.put_group(&g);
        w.commit()?;
        Ok(g)
    }

    /// `CreateSipRule` with trigger `ToPhoneNumber`: an inventory SIP Media Application
    /// Dial-In number that no rule triggers on yet, associated with the new rule.
    fn create_rule_at(&self, new: &NewSipRule, now: Timestamp) -> CarrierResult<SipRule> {
        let _w = self.lock();
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > 256 {
            return Err(bad("a SIP rule's name has 1 to 256 characters"));
        }
        let app = self
            .db
            .apps()?
            .into_iter()
            .find(|a| a.id == new.sma_id)
            .ok_or_else(|| {
                CarrierError::NotFound(format!("SIP media application {}", new.sma_id))
            })?;
        if app.region != new.region {
            return Err(bad(format!(
                "the SIP media application {} runs in {}, not {}",
                app.id, app.region, new.region
            )));
        }
        let n = &new.number;
        let mut r = self
            .live(n, now)?
            .ok_or_else(|| CarrierError::NotFound(n.to_string()))?;
        let status = r.status(now, self.retention());
        if !matches!(status, Some(CarrierNumberStatus::Unassigned)) {
            let s = status.map(status_words).unwrap_or("gone");
            return Err(bad(format!(
                "{n} is {s}; only an unassigned number can trigger a SIP rule"
            )));
        }
        if r.product_type != ProductType::SipMediaApplicationDialIn {
            return Err(bad(format!(
                "{n} has the product type {}; only SipMediaApplicationDialIn numbers trigger SIP rules",
                r.product_type.api_name()
            )));
        }
        if let Some(other) =
            self.db.rules()?.into_iter().find(|x| {
                x.trigger_type == SipRule::TO_PHONE_NUMBER && x.trigger_value == n.as_str()
            })
        {
            return Err(CarrierError::Conflict(format!(
                "the SIP rule {} already triggers on {n}",
                other.id
            )));
        }
        let mut meta = self.db.meta()?.unwrap_or_default();
        let rule = SipRule {
            id: self.guid(&mut meta, "rule"),
            name: name.to_string(),
            disabled: false,
            trigger_type: SipRule::TO_PHONE_NUMBER.into(),
            trigger_value: n.to_string(),
            targets: vec![app.id],
        };
        r.associations = vec![Association::SipRule(rule.id.clone())];
        r.updated_at = now;
        let mut w = self.db.writer();
        w.put_rule(&rule);
        w.put_number(&r);
        w.put_meta(&meta);
        w.commit()?;
        Ok(rule)
    }

    fn update_rule_at(&self, id: &str, name: &str, disabled: bool) -> CarrierResult<SipRule> {
        let _w = self.lock();
        let mut rule = self
            .db
            .rule(id)?
            .ok_or_else(|| CarrierError::NotFound(format!("SIP rule {id}")))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 256 {
            return Err(bad("a SIP rule's name has 1 to 256 characters"));
        }
        rule.name = name.to_string();
        rule.disabled = disabled;
        let mut w = self.db.writer();
        w.put_rule(&rule);
        w.commit()?;
        Ok(rule)
    }

    /// `DeleteSipRule`: only a disabled rule; its number is no longer associated.
    fn delete_rule_at(&self, id: &str, now: Timestamp) -> CarrierResult<()> {
        let _w = self.lock();
        let rule = self
            .db
            .rule(id)?
            .ok_or_else(|| CarrierError::NotFound(format!("SIP rule {id}")))?;
        if !rule.disabled {
            return Err(bad(format!(
                "the SIP rule {id} is enabled; disable it before deleting it"
            )));
        }
        let target = Association::SipRule(rule.id.clone());
        let mut w = self.db.writer();
        if let Ok(n) = E164::parse(&rule.trigger_value) {
            if let Some(mut r) = self.live(&n, now)? {
                if r.associations.contains(&target) {
                    r.associations.retain(|a| *a != target);
                    r.updated_at = now;
                    w.put_number(&r);
                }
            }
        }
        w.remove_rule(id);
        w.commit()
    }

    fn delete_group_at(&self, id: &str, now: Timestamp) -> CarrierResult<()> {
        let _w = self.lock();
        let g = self
            .db
            .group(id)?
            .ok_or_else(|| CarrierError::NotFound(format!("voice connector group {id}")))?;
        let count = self.associated_with(&Association::VoiceConnectorGroup(id.to_string()), now)?;
        if count > 0 {
            return Err(CarrierError::Conflict(format!(
                "voice connector group {} still has {count} phone numbers; disassociate them first",
                g.name
            )));
        }
        let mut w = self.db.writer();
        w.remove_group(id);
        w.commit()
    }

    fn list_numbers_at(
        &self,
        next: Option<&str>,
        now: Timestamp,
    ) -> CarrierResult<Page<CarrierNumber>> {
        let after = match next {
            None => None,
            Some(t) => Some(
                E164::parse(t).map_err(|_| bad("the NextToken is not one this carrier gave"))?,
            ),
        };
        if after.is_none() {
            // Ports that ended brought or took numbers.
            self.settle_desk(now)?;
        }
        let size = self.settings.page_size.max(1);
        let mut items = Vec::new();
        let mut last = None;
        for r in self.db.numbers_from(after.as_ref())? {
            let r = r?;
            if items.len() == size {
                break;
            }
            last = Some(r.number.clone());
            if let Some(v) = self.shown(&r, now)? {
                items.push(v);
            }
        }
        let more = match &last {
            Some(l) => self.db.numbers_from(Some(l))?.next().is_some(),
            None => false,
        };
        Ok(Page {
            items,
            next: last.filter(|_| more).map(|l| l.to_string()),
        })
    }

    fn list_orders_at(
        &self,
        next: Option<&str>,
        now: Timestamp,
    ) -> CarrierResult<Page<CarrierOrder>> {
        let after: Option<u64> = match next {
            None => None,
            Some(t) => Some(
                t.parse()
                    .map_err(|_| bad("the NextToken is not one this carrier gave"))?,
            ),
        };
        let size = self.settings.page_size.max(1);
        let mut recs: Vec<OrderRec> = Vec::new();
        for r in self.db.orders_from(after)? {
            if recs.len() == size + 1 {
                break;
            }
            recs.push(r?);
        }
        let more = recs.len() > size;
        recs.truncate(size);
        let mut items: Vec<CarrierOrder> = recs.iter().map(|r| r.view(now)).collect();
        if !more {
            // The porting orders Support made follow the new orders, on the last page.
            self.settle_desk(now)?;
            items.extend(self.db.ports()?.iter().map(|p| p.view(now)));
        }
        Ok(Page {
            next: recs.last().filter(|_| more).map(|r| r.seq.to_string()),
            items,
        })
    }

    fn page_of<T>(
        &self,
        all: Vec<T>,
        next: Option<&str>,
        key: impl Fn(&T) -> String,
    ) -> CarrierResult<Page<T>> {
        let size = self.settings.page_size.max(1);
        let start = match next {
            None => 0,
            Some(t) => all
                .iter()
                .position(|x| key(x).as_str() > t)
                .unwrap_or(all.len()),
        };
        let mut items: Vec<T> = all.into_iter().skip(start).take(size + 1).collect();
        let more = items.len() > size;
        items.truncate(size);
        Ok(Page {
            next: items.last().filter(|_| more).map(&key),
            items,
        })
    }

    // ---- "the AWS console": changes behind phonedesk's back, without faults ----

    /// Buys numbers in the console: they are in the inventory at once.
    pub fn console_buy(
        &self,
        numbers: &[E164],
        product_type: ProductType,
    ) -> CarrierResult<CarrierOrder> {
        let order = NewOrder {
            product_type,
            numbers: numbers.to_vec(),
            name: None,
        };
        let now = self.now();
        let o = self.create_order_at(&order, now, Duration::ZERO, false)?;
        // A console purchase does not fail at random.
        let _w = self.lock();
        let mut w = self.db.writer();
        for n in numbers {
            if let Some(mut r) = self.db.number(n)? {
                r.acquire_ok = true;
                w.put_number(&r);
            }
        }
        if let Some(mut rec) = self.db.order(&o.id)? {
            for (_, ok) in rec.numbers.iter_mut() {
                *ok = true;
            }
            w.put_order(&rec);
        }
        w.commit()?;
        drop(_w);
        self.get_order_at(&o.id, now)
    }

    /// Changes a number in the console.
    pub fn console_update(
        &self,
        number: &E164,
        update: &NumberUpdate,
    ) -> CarrierResult<CarrierNumber> {
        self.update_number_at(number, update, self.now())
    }

    /// Associates a number in the console (moving it if it was elsewhere).
    pub fn console_associate(&self, target: &Association, number: &E164) -> CarrierResult<()> {
        let failures = self.associate_at(
            target,
            std::slice::from_ref(number),
            true,
            self.now(),
            false,
        )?;
        match failures.into_iter().next() {
            Some(f) => Err(error_for_code(&f.code, f.message)),
            None => Ok(()),
        }
    }

    /// Puts a number in a status of the AWS side's own (`ReleaseFailed`, `Cancelled`...):
    /// reads show it until the number next changes.
    pub fn console_set_status(
        &self,
        number: &E164,
        status: CarrierNumberStatus,
    ) -> CarrierResult<()> {
        let now = self.now();
        let _w = self.lock();
        self.live(number, now)?
            .ok_or_else(|| CarrierError::NotFound(number.to_string()))?;
        let mut w = self.db.writer();
        w.force_status(number, status);
        w.commit()
    }

    /// The API's view of a number at `now`, in the status the AWS side set, if any.
    fn shown(&self, r: &NumberRec, now: Timestamp) -> CarrierResult<Option<CarrierNumber>> {
        let Some(mut v) = r.view(now, self.retention()) else {
            return Ok(None);
        };
        if let Some(status) = self.db.forced_status(&r.number)? {
            v.status = status;
        }
        Ok(Some(v))
    }

    /// Releases a number in the console: it is gone at once, with its associations.
    pub fn console_release(&self, number: &E164) -> CarrierResult<()> {
        let now = self.now();
        let _w = self.lock();
        let r = self
            .live(number, now)?
            .ok_or_else(|| CarrierError::NotFound(number.to_string()))?;
        let mut w = self.db.writer();
        self.leave_rules(&mut w, &r, now)?;
        w.remove_number(number);
        w.commit()
    }

    fn get_order_at(&self, id: &str, now: Timestamp) -> CarrierResult<CarrierOrder> {
        if let Some(o) = self.db.order(id)? {
            return Ok(o.view(now));
        }
        self.settle_desk(now)?;
        self.db
            .port(id)?
            .map(|p| p.view(now))
            .ok_or_else(|| CarrierError::NotFound(format!("order {id}")))
    }

    /// Runs one API call: counted, its faults applied, at the clock's time.
    async fn call<T>(
        &self,
        op: &'static str,
        f: impl FnOnce(&Self, Timestamp) -> CarrierResult<T>,
    ) -> CarrierResult<T> {
        *self.lock_calls().entry(op.to_string()).or_default() += 1;
        let (delay, error) = self.faults.before_call(op);
        if let Some(d) = delay {
            tokio::time::sleep(d).await;
        }
        if let Some(e) = error {
            return Err(e);
        }
        let result = f(self, self.now())?;
        if self.faults.fail_reply(op) {
            return Err(CarrierError::ServiceFailure { status: 500 });
        }
        Ok(result)
    }
}

/// A whole-call error from a batch item's code.
pub(crate) fn error_for_code(code: &str, message: String) -> CarrierError {
    match code {
        "NotFound" => CarrierError::NotFound(message),
        "Gone" => CarrierError::Gone(message),
        "Conflict" | "PhoneNumberAssociationsExist" | "VoiceConnectorGroupAssociationsExist" => {
            CarrierError::Conflict(message)
        }
        "ResourceLimitExceeded" => CarrierError::ResourceLimitExceeded(message),
        "Throttled" | "Throttling" => CarrierError::Throttled,
        "ServiceFailure" => CarrierError::ServiceFailure { status: 500 },
        "ServiceUnavailable" => CarrierError::Unavailable,
        "Unprocessable" => CarrierError::Unprocessable(message),
        "AccessDenied" | "Forbidden" => CarrierError::AccessDenied {
            action: "chime:UpdatePhoneNumber".into(),
        },
        "Unauthorized" => CarrierError::Unauthorized(message),
        _ => CarrierError::BadRequest(message),
    }
}

/// splitmix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[async_trait::async_trait]
impl CarrierApi for SimCarrier {
    fn describe(&self) -> String {
        "the simulated carrier".into()
    }

    fn support(&self) -> Option<&dyn crate::carrier::support::SupportCases> {
        Some(self)
    }

    async fn search_available_numbers(&self, q: &AvailableSearch) -> CarrierResult<Page<E164>> {
        self.call(ops::SEARCH, |s, now| s.search_at(q, now)).await
    }

    async fn list_supported_countries(
        &self,
        product_type: ProductType,
    ) -> CarrierResult<Vec<SupportedCountry>> {
        self.call(ops::COUNTRIES, |_, _| {
            if product_type == ProductType::BusinessCalling {
                return Err(bad(
                    "the product type must be VoiceConnector or SipMediaApplicationDialIn",
                ));
            }
            Ok(vec![SupportedCountry {
                country: "US".into(),
                number_types: vec![NumberType::Local, NumberType::TollFree],
            }])
        })
        .await
    }

    async fn create_order(&self, order: &NewOrder) -> CarrierResult<CarrierOrder> {
        self.call(ops::CREATE_ORDER, |s, now| {
            s.create_order_at(order, now, s.settings.provisioning_delay, true)
        })
        .await
    }

    async fn get_order(&self, id: &str) -> CarrierResult<CarrierOrder> {
        self.call(ops::GET_ORDER, |s, now| s.get_order_at(id, now))
            .await
    }

    async fn list_orders(&self, next: Option<&str>) -> CarrierResult<Page<CarrierOrder>> {
        self.call(ops::LIST_ORDERS, |s, now| s.list_orders_at(next, now))
            .await
    }

    async fn get_number(&self, number: &E164) -> CarrierResult<CarrierNumber> {
        self.call(ops::GET_NUMBER, |s, now| {
            let r = s.live(number, now)?;
            r.map(|r| s.shown(&r, now))
                .transpose()?
                .flatten()
                .ok_or_else(|| CarrierError::NotFound(number.to_string()))
        })
        .await
    }

    async fn list_numbers(&self, next: Option<&str>) -> CarrierResult<Page<CarrierNumber>> {
        self.call(ops::LIST_NUMBERS, |s, now| s.list_numbers_at(next, now))
            .await
    }

    async fn associate(
        &self,
        target: &Association,
        numbers: &[E164],
        force: bool,
    ) -> CarrierResult<Vec<NumberFailure>> {
        let op = match target {
            Association::VoiceConnector(_) => ops::ASSOCIATE_VC,
            Association::VoiceConnectorGroup(_) => ops::ASSOCIATE_GROUP,
            Association::SipRule(_) => ops::ASSOCIATE_RULE,
        };
        self.call(op, |s, now| {
            s.associate_at(target, numbers, force, now, true)
        })
        .await
    }

    async fn disassociate(
        &self,
        target: &Association,
        numbers: &[E164],
    ) -> CarrierResult<Vec<NumberFailure>> {
        let op = match target {
            Association::VoiceConnector(_) => ops::DISASSOCIATE_VC,
            Association::VoiceConnectorGroup(_) => ops::DISASSOCIATE_GROUP,
            Association::SipRule(_) => ops::DISASSOCIATE_RULE,
        };
        self.call(op, |s, now| s.disassociate_at(target, numbers, now, true))
            .await
    }

    async fn update_number(
        &self,
        number: &E164,
        update: &NumberUpdate,
    ) -> CarrierResult<CarrierNumber> {
        self.call(ops::UPDATE_NUMBER, |s, now| {
            if let Some(code) = s.faults.number_failure(number) {
                return Err(error_for_code(
                    &code,
                    format!("the carrier failed on {number}"),
                ));
            }
            s.update_number_at(number, update, now)
        })
        .await
    }

    async fn batch_update_numbers(
        &self,
        items: &[(E164, NumberUpdate)],
    ) -> CarrierResult<Vec<NumberFailure>> {
        self.call(ops::BATCH_UPDATE, |s, now| {
            s.batch_update_at(items, now, true)
        })
        .await
    }

    async fn delete_numbers(&self, numbers: &[E164]) -> CarrierResult<Vec<NumberFailure>> {
        self.call(ops::BATCH_DELETE, |s, now| s.delete_at(numbers, now, true))
            .await
    }

    async fn restore_number(&self, number: &E164) -> CarrierResult<CarrierNumber> {
        self.call(ops::RESTORE, |s, now| s.restore_at(number, now))
            .await
    }

    async fn get_settings(&self) -> CarrierResult<CarrierSettings> {
        self.call(ops::GET_SETTINGS, |s, _| {
            Ok(s.db.meta()?.unwrap_or_default().settings())
        })
        .await
    }

    async fn update_settings(&self, calling_name: &str) -> CarrierResult<()> {
        self.call(ops::UPDATE_SETTINGS, |s, now| {
            s.update_settings_at(calling_name, now)
        })
        .await
    }

    async fn list_voice_connectors(
        &self,
        next: Option<&str>,
    ) -> CarrierResult<Page<CarrierConnector>> {
        self.call(ops::LIST_VCS, |s, _| {
            let all =
                s.db.connectors_from(None)?
                    .collect::<CarrierResult<Vec<_>>>()?;
            s.page_of(all, next, |v| v.id.clone())
        })
        .await
    }

    async fn create_voice_connector(
        &self,
        name: &str,
        region: &str,
        encryption: bool,
    ) -> CarrierResult<CarrierConnector> {
        self.call(ops::CREATE_VC, |s, _| {
            s.create_connector_at(name, region, encryption)
        })
        .await
    }

    async fn update_voice_connector(
        &self,
        id: &str,
        name: &str,
        encryption: bool,
    ) -> CarrierResult<CarrierConnector> {
        self.call(ops::UPDATE_VC, |s, _| {
            s.update_connector_at(id, name, encryption)
        })
        .await
    }

    async fn delete_voice_connector(&self, id: &str) -> CarrierResult<()> {
        self.call(ops::DELETE_VC, |s, now| s.delete_connector_at(id, now))
            .await
    }

    async fn list_groups(&self, next: Option<&str>) -> CarrierResult<Page<CarrierGroup>> {
        self.call(ops::LIST_GROUPS, |s, _| {
            let all = s.db.groups_from(None)?.collect::<CarrierResult<Vec<_>>>()?;
            s.page_of(all, next, |g| g.id.clone())
        })
        .await
    }

    async fn create_group(
        &self,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<CarrierGroup> {
        self.call(ops::CREATE_GROUP, |s, _| s.create_group_at(name, members))
            .await
    }

    async fn update_group(
        &self,
        id: &str,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<CarrierGroup> {
        self.call(ops::UPDATE_GROUP, |s, _| {
            s.update_group_at(id, name, members)
        })
        .await
    }

    async fn delete_group(&self, id: &str) -> CarrierResult<()> {
        self.call(ops::DELETE_GROUP, |s, now| s.delete_group_at(id, now))
            .await
    }

    async fn list_sip_media_applications(
        &self,
        next: Option<&str>,
    ) -> CarrierResult<Page<SipMediaApplication>> {
        self.call(ops::LIST_SMAS, |s, _| {
            let all = s.db.apps()?;
            s.page_of(all, next, |a| a.id.clone())
        })
        .await
    }

    async fn list_sip_rules(&self, next: Option<&str>) -> CarrierResult<Page<SipRule>> {
        self.call(ops::LIST_RULES, |s, _| {
            let all = s.db.rules()?;
            s.page_of(all, next, |r| r.id.clone())
        })
        .await
    }

    async fn create_sip_rule(&self, rule: &NewSipRule) -> CarrierResult<SipRule> {
        self.call(ops::CREATE_RULE, |s, now| s.create_rule_at(rule, now))
            .await
    }

    async fn update_sip_rule(
        &self,
        id: &str,
        name: &str,
        disabled: bool,
    ) -> CarrierResult<SipRule> {
        self.call(ops::UPDATE_RULE, |s, _| {
            s.update_rule_at(id, name, disabled)
        })
        .await
    }

    async fn delete_sip_rule(&self, id: &str) -> CarrierResult<()> {
        self.call(ops::DELETE_RULE, |s, now| s.delete_rule_at(id, now))
            .await
    }
}

/// What a search of the simulated carrier skips: numbers it has a record of at `now`, and
/// the numbers of the pages before the one asked for.
struct SearchHeld<'a> {
    sim: &'a SimCarrier,
    earlier: &'a BTreeSet<E164>,
    now: Timestamp,
}

impl HeldNumbers for SearchHeld<'_> {
    fn holds(&self, n: &E164) -> bool {
        self.earlier.contains(n) || self.sim.live(n, self.now).ok().flatten().is_some()
    }

    fn held_lines(&self, npa: u16, nxx: u16) -> Option<Vec<u16>> {
        let line = |n: &E164| n.as_str().get(8..).and_then(|l| l.parse().ok());
        let retention = self.sim.retention();
        let mut lines: Vec<u16> = self
            .earlier
            .range(E164::nanp(npa, nxx, 0)..=E164::nanp(npa, nxx, 9999))
            .filter_map(line)
            .collect();
        for r in self
            .sim
            .db
            .numbers_with_prefix(&format!("+1{npa:03}{nxx:03}"))
        {
            // A record the carrier cannot read: ask about each number instead.
            let r = r.ok()?;
            if r.status(self.now, retention).is_some() {
                lines.extend(line(&r.number));
            }
        }
        Some(lines)
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
