//! Property test of the remote-carrier machinery: random actions, carrier faults
//! (throttling, server errors, lost replies, per-number failures), changes made at the
//! carrier behind phonedesk's back, worker runs, syncs and time passing. After every step
//! the store's invariants hold and a refused action changed nothing; at the end, with the
//! faults gone, every job has its answer, no order was placed twice, and after a sync
//! phonedesk's inventory is the carrier's.

mod carrier_rig;
mod support;

use carrier_rig::Rig;
use phonedesk::carrier::api::{
    Association, AvailableSearch, CarrierApi, CarrierNumberStatus, NumberUpdate,
};
use phonedesk::domain::*;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::time::Duration;
use support::*;

#[derive(Debug, Clone)]
enum Fault {
    Throttle(u32),
    ServerError(u32),
    LostReply(&'static str),
    FailNumber(usize),
}

#[derive(Debug, Clone)]
enum Op {
    Provision(u32),
    Assign { number: usize, connector: usize },
    Reassign { number: usize, connector: usize },
    Unassign(usize),
    Label { number: usize, name: usize },
    Delete(usize),
    Restore(usize),
    Fault(Fault),
    OutsideBuy,
    OutsideRelease(usize),
    OutsideRename(usize),
    Worker,
    Advance(u64),
    Sync,
}

const CALLS: [&str; 5] = [
    "CreatePhoneNumberOrder",
    "AssociatePhoneNumbersWithVoiceConnector",
    "DisassociatePhoneNumbersFromVoiceConnector",
    "UpdatePhoneNumber",
    "BatchDeletePhoneNumber",
];

const LABELS: [&str; 3] = ["Front desk", "Sales.line", "Support-1"];

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (1u32..4).prop_map(Fault::Throttle),
        (1u32..3).prop_map(Fault::ServerError),
        (0usize..CALLS.len()).prop_map(|i| Fault::LostReply(CALLS[i])),
        (0usize..8).prop_map(Fault::FailNumber),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u32..4).prop_map(Op::Provision),
        3 => (0usize..8, 0usize..2).prop_map(|(number, connector)| Op::Assign { number, connector }),
        1 => (0usize..8, 0usize..2).prop_map(|(number, connector)| Op::Reassign { number, connector }),
        2 => (0usize..8).prop_map(Op::Unassign),
        2 => (0usize..8, 0usize..LABELS.len()).prop_map(|(number, name)| Op::Label { number, name }),
        2 => (0usize..8).prop_map(Op::Delete),
        1 => (0usize..8).prop_map(Op::Restore),
        3 => fault().prop_map(Op::Fault),
        1 => Just(Op::OutsideBuy),
        1 => (0usize..8).prop_map(Op::OutsideRelease),
        1 => (0usize..8).prop_map(Op::OutsideRename),
        4 => Just(Op::Worker),
        2 => (1u64..120).prop_map(Op::Advance),
        2 => Just(Op::Sync),
    ]
}

/// The numbers phonedesk holds, in a stable order, for picking by index.
fn held(rig: &Rig) -> Vec<E164> {
    state(&rig.engine)
        .numbers
        .into_iter()
        .map(|p| p.number)
        .collect()
}

fn pick(list: &[E164], i: usize) -> Option<E164> {
    (!list.is_empty()).then(|| list[i % list.len()].clone())
}

/// The carrier's numbers that count: not released, not failed.
fn carrier_numbers(rig: &Rig) -> BTreeMap<E164, phonedesk::carrier::api::CarrierNumber> {
    let mut all = BTreeMap::new();
    let mut next = None;
    loop {
        let page = rig
            .rt
            .block_on(rig.sim.list_numbers(next.as_deref()))
            .unwrap();
        for n in page.items {
            all.insert(n.number.clone(), n);
        }
        match page.next {
            Some(token) => next = Some(token),
            None => return all,
        }
    }
}

/// Dispatches `action`; a refusal must leave the store as it was.
fn try_act(rig: &Rig, action: Action) {
    let before = state(&rig.engine);
    let jobs_before = rig.engine.store().jobs().unwrap().len();
    if let Err(e) = rig.engine.dispatch(&admin(), action.clone(), rig.now()) {
        let after = state(&rig.engine);
        assert_eq!(
            format!("{before:?}"),
            format!("{after:?}"),
            "{action:?} was refused ({e}) but changed the store"
        );
        assert_eq!(rig.engine.store().jobs().unwrap().len(), jobs_before);
    }
}

fn step(rig: &Rig, op: &Op, bought_outside: &mut Vec<E164>) {
    let numbers = held(rig);
    let connectors = rig.engine.store().voice_connectors().unwrap();
    let connector = |i: usize| connectors[i % connectors.len()].id.clone();
    match op {
        Op::Provision(count) => {
            // The administrator's search meets the carrier's faults too.
            let available = rig
                .rt
                .block_on(rig.sim.search_available_numbers(&AvailableSearch {
                    area_code: Some("206".into()),
                    country: Some("US".into()),
                    max_results: *count,
                    ..Default::default()
                }))
                .map(|page| page.items)
                .unwrap_or_default();
            if !available.is_empty() {
                try_act(
                    rig,
                    Action::Provision {
                        product_type: ProductType::VoiceConnector,
                        numbers: available,
                    },
                );
            }
        }
        Op::Assign {
            number,
            connector: c,
        }
        | Op::Reassign {
            number,
            connector: c,
        } => {
            if let (Some(n), false) = (pick(&numbers, *number), connectors.is_empty()) {
                let to = Assignee::VoiceConnector(connector(*c));
                let action = if matches!(op, Op::Assign { .. }) {
                    Action::Assign {
                        numbers: vec![n],
                        to,
                    }
                } else {
                    Action::Reassign {
                        numbers: vec![n],
                        to,
                    }
                };
                try_act(rig, action);
            }
        }
        Op::Unassign(i) => {
            if let Some(n) = pick(&numbers, *i) {
                try_act(rig, Action::Unassign { numbers: vec![n] });
            }
        }
        Op::Label { number, name } => {
            if let Some(n) = pick(&numbers, *number) {
                try_act(
                    rig,
                    Action::SetLabel {
                        number: n,
                        label: Some(LABELS[*name].to_string()),
                    },
                );
            }
        }
        Op::Delete(i) => {
            if let Some(n) = pick(&numbers, *i) {
                try_act(rig, Action::Delete { numbers: vec![n] });
            }
        }
        Op::Restore(i) => {
            if let Some(n) = pick(&numbers, *i) {
                try_act(rig, Action::Restore { numbers: vec![n] });
            }
        }
        Op::Fault(f) => {
            let faults = rig.sim.faults();
            match f {
                Fault::Throttle(k) => faults.throttle_next(*k),
                Fault::ServerError(k) => faults.fail_next(*k, 500),
                Fault::LostReply(call) => faults.fail_reply_next(1, Some(call)),
                Fault::FailNumber(i) => {
                    if let Some(n) = pick(&numbers, *i) {
                        faults.fail_number(n, "ServiceFailure");
                    }
                }
            }
        }
        Op::OutsideBuy => {
            let bought = rig
                .rt
                .block_on(rig.sim.search_available_numbers(&AvailableSearch {
                    area_code: Some("312".into()),
                    country: Some("US".into()),
                    max_results: 1,
                    ..Default::default()
                }))
                .map(|page| page.items)
                .unwrap_or_default();
            if !bought.is_empty() {
                // The carrier may refuse (its limit): then nothing was bought.
                if rig
                    .sim
                    .console_buy(&bought, ProductType::VoiceConnector)
                    .is_ok()
                {
                    bought_outside.extend(bought);
                }
            }
        }
        Op::OutsideRelease(i) => {
            if let Some(n) = pick(&numbers, *i) {
                let _ = rig.sim.console_release(&n);
            }
        }
        Op::OutsideRename(i) => {
            if let Some(n) = pick(&numbers, *i) {
                let _ = rig
                    .sim
                    .console_update(&n, &NumberUpdate::Name("Renamed there".into()));
            }
        }
        Op::Worker => rig.run_ready(),
        Op::Advance(secs) => rig.clock.advance(Duration::from_secs(*secs)),
        Op::Sync => {
            // A sync may meet a fault; the next one reads again.
            let _ = rig.try_sync();
        }
    }
}

/// With the faults gone: every job answered (failed ones retried), orders completed, one
/// last sync.
fn settle_everything(rig: &Rig) {
    rig.sim.faults().clear();
    for _ in 0..20 {
        let jobs = rig.engine.store().jobs().unwrap();
        for job in jobs.iter().filter(|j| j.is_failed()) {
            try_act(rig, Action::RetryJob { job: job.id });
        }
        rig.clock.advance(Duration::from_secs(120));
        rig.run_ready();
        if rig.engine.store().jobs().unwrap().is_empty() {
            break;
        }
    }
    let left = rig.engine.store().jobs().unwrap();
    assert!(left.is_empty(), "jobs never answered: {left:?}");
    rig.clock.advance(Duration::from_secs(120));
    rig.sync();
}

fn assignee_at_carrier(rig: &Rig, n: &phonedesk::carrier::api::CarrierNumber) -> NumberStatus {
    match n.associations.first() {
        None => NumberStatus::Unassigned,
        Some(Association::VoiceConnector(id)) => {
            NumberStatus::Assigned(Assignee::VoiceConnector(VoiceConnectorId(
                rig.engine
                    .store()
                    .local_id("vc", id)
                    .expect("a known connector"),
            )))
        }
        Some(Association::VoiceConnectorGroup(id)) => {
            NumberStatus::Assigned(Assignee::VoiceConnectorGroup(GroupId(
                rig.engine
                    .store()
                    .local_id("group", id)
                    .expect("a known group"),
            )))
        }
        Some(Association::SipRule(_)) => NumberStatus::Unassigned,
    }
}

fn check_converged(rig: &Rig, provisions: u64, bought_outside: &[E164]) {
    let at_carrier = carrier_numbers(rig);
    let here = state(&rig.engine).numbers;
    for p in &here {
        let Some(c) = at_carrier.get(&p.number) else {
            // Failed acquisitions stay visible until dismissed; nothing else is held here
            // that the carrier does not hold.
            assert!(
                matches!(p.status, NumberStatus::AcquireFailed { .. }),
                "{} is held here ({:?}) but not at the carrier",
                p.number,
                p.status
            );
            continue;
        };
        match c.status {
            CarrierNumberStatus::Unassigned | CarrierNumberStatus::Assigned => {
                assert_eq!(p.status, assignee_at_carrier(rig, c), "{}", p.number);
                assert_eq!(p.label, c.name, "{}", p.number);
            }
            CarrierNumberStatus::DeleteInProgress => {
                assert!(
                    matches!(p.status, NumberStatus::DeleteInProgress { .. }),
                    "{}: {:?}",
                    p.number,
                    p.status
                )
            }
            _ => {}
        }
    }
    for (n, c) in &at_carrier {
        if matches!(
            c.status,
            CarrierNumberStatus::Unassigned
                | CarrierNumberStatus::Assigned
                | CarrierNumberStatus::DeleteInProgress
        ) {
            assert!(
                here.iter().any(|p| &p.number == n),
                "{n} is at the carrier ({:?}) but not here",
                c.status
            );
        }
    }
    // Never twice: every order at the carrier is one of phonedesk's, each once.
    let mut orders = Vec::new();
    let mut next = None;
    loop {
        let page = rig
            .rt
            .block_on(rig.sim.list_orders(next.as_deref()))
            .unwrap();
        // Orders placed in the AWS console are not phonedesk's.
        orders.extend(
            page.items
                .into_iter()
                .filter(|o| !o.numbers.iter().all(|(n, _)| bought_outside.contains(n))),
        );
        match page.next {
            Some(token) => next = Some(token),
            None => break,
        }
    }
    let mut local: Vec<String> = orders
        .iter()
        .map(|o| {
            rig.engine
                .store()
                .local_id("order", &o.id)
                .unwrap_or_else(|| panic!("order {} at the carrier is not phonedesk's", o.id))
        })
        .collect();
    local.sort();
    let count = local.len();
    local.dedup();
    assert_eq!(local.len(), count, "an order was placed twice: {orders:?}");
    assert!(
        count as u64 <= provisions,
        "{count} orders for {provisions} provisions"
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_carrier_machinery_keeps_its_promises(ops in prop::collection::vec(op(), 1..30)) {
        let rig = Rig::new();
        rig.sync();
        let mut provisions = 0;
        let mut bought_outside = Vec::new();
        for op in &ops {
            let orders_before = state(&rig.engine).orders.len();
            step(&rig, op, &mut bought_outside);
            if state(&rig.engine).orders.len() > orders_before {
                provisions += 1;
            }
            let problems = rig.engine.check().unwrap();
            prop_assert!(problems.is_empty(), "after {:?}: {:?}", op, problems);
        }
        settle_everything(&rig);
        check_converged(&rig, provisions, &bought_outside);
        let problems = rig.engine.check().unwrap();
        prop_assert!(problems.is_empty(), "at the end: {:?}", problems);
    }
}
