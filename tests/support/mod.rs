//! Shared set-up for the engine-level tests: a real sled database in a temporary directory
//! and the simulated carrier.
#![allow(dead_code)]

use phonedesk::carrier::SimulatedCarrier;
use phonedesk::domain::*;
use phonedesk::engine::Engine;
use phonedesk::store::{Store, StoreOptions};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub const T0: Timestamp = Timestamp(1_790_000_000_000);

/// The seed's rules with durations in seconds, so a test can run a week in a moment.
pub fn fast_policy(limit: usize) -> Policy {
    Policy {
        inventory_limit: limit,
        provisioning_delay: Duration::from_secs(10),
        name_update: Duration::from_secs(72),
        default_name_cooldown: Duration::from_secs(7 * 24),
        deletion_retention: Duration::from_secs(7 * 24),
        support_response: Duration::from_secs(24),
        porting_min: Duration::from_secs(14 * 24),
        porting_max: Duration::from_secs(28 * 24),
        search_limit: 500,
        carrier_remote: false,
        undo_window: Duration::from_secs(15 * 60),
        hold_for: Duration::from_secs(10 * 60),
    }
}

pub fn open(dir: &Path, policy: Policy, failure_rate: f64) -> Engine {
    let mut options = StoreOptions::new(dir.join("db"));
    options.cache_bytes = 4 * 1024 * 1024;
    let store = Store::open(&options).expect("open store");
    engine_over(store, policy, failure_rate)
}

/// The engine over any store, with the simulated carrier of `open`.
pub fn engine_over(store: Store, policy: Policy, failure_rate: f64) -> Engine {
    Engine::new(
        store,
        Arc::new(SimulatedCarrier::new(7, failure_rate)),
        policy,
    )
}

pub fn admin() -> Actor {
    Actor::admin("tester")
}

pub fn secs(n: i64) -> Timestamp {
    Timestamp(T0.0 + n * 1000)
}

/// Everything a rule could change, for "a refused action changed nothing".
#[derive(Debug, PartialEq)]
pub struct State {
    pub numbers: Vec<PhoneNumber>,
    pub orders: Vec<Order>,
    pub accounts: Vec<Account>,
    pub users: Vec<User>,
    pub connectors: Vec<VoiceConnector>,
    pub groups: Vec<VoiceConnectorGroup>,
    pub requests: Vec<SupportRequest>,
    pub settings: Settings,
    pub scheduled: Vec<Due>,
}

pub fn state(e: &Engine) -> State {
    let s = e.store();
    State {
        numbers: s.all_numbers().unwrap(),
        orders: s.orders().unwrap(),
        accounts: s.accounts().unwrap(),
        users: s.users().unwrap(),
        connectors: s.voice_connectors().unwrap(),
        groups: s.groups().unwrap(),
        requests: s.requests().unwrap(),
        settings: s.settings().unwrap(),
        scheduled: s.scheduled().unwrap(),
    }
}

/// Local numbers in Seattle and toll-free 888 numbers the carrier offers.
pub fn pool(e: &Engine, local: usize, toll_free: usize) -> (Vec<E164>, Vec<E164>) {
    let l = e
        .search(&SearchQuery::us().with_area_code(206).with_limit(local))
        .unwrap()
        .into_iter()
        .map(|a| a.number)
        .collect();
    if toll_free == 0 {
        return (l, Vec::new());
    }
    let t = e
        .search(
            &SearchQuery::us()
                .with_toll_free_prefix(888)
                .with_limit(toll_free),
        )
        .unwrap()
        .into_iter()
        .map(|a| a.number)
        .collect();
    (l, t)
}

pub fn created(o: &Outcome) -> String {
    o.created.clone().expect("an id")
}

/// A number as undo and bulk work promise to leave it: status, assignee, product type,
/// label.
pub type Fields = (E164, String, Option<Assignee>, ProductType, Option<String>);

/// Every number's `Fields`, in number order.
pub fn fields(e: &Engine) -> Vec<Fields> {
    e.store()
        .all_numbers()
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p.number.clone(),
                p.status_name().to_string(),
                p.assignee().cloned(),
                p.product_type,
                p.label.clone(),
            )
        })
        .collect()
}

/// `local` acquired Voice Connector numbers (ordered at 0 s, completed at 100 s) and a
/// voice connector per name (at 101 s): the set-up of the history, undo and bulk tests.
pub fn acquired_with_connectors(
    e: &Engine,
    local: usize,
    names: &[&str],
) -> (Vec<E164>, Vec<VoiceConnectorId>) {
    let (numbers, _) = pool(e, local, 0);
    e.dispatch(
        &admin(),
        Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: numbers.clone(),
        },
        secs(0),
    )
    .unwrap();
    e.run_due(secs(100)).unwrap();
    let connectors = names
        .iter()
        .map(|name| {
            let o = e
                .dispatch(
                    &admin(),
                    Action::CreateVoiceConnector {
                        name: name.to_string(),
                        region: "us-east-1".into(),
                        encryption: true,
                    },
                    secs(101),
                )
                .unwrap();
            VoiceConnectorId(created(&o))
        })
        .collect();
    (numbers, connectors)
}
