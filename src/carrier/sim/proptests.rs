//! The lazy state machine under random calls and clock advances: the invariants hold after
//! every step.

use super::tests::{block, fixture_with, settings};
use super::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Order(Vec<u8>),
    Associate(u8, Vec<u8>, bool),
    Disassociate(u8, Vec<u8>),
    Delete(Vec<u8>),
    Restore(u8),
    Name(u8),
    Switch(u8),
    Advance(u32),
}

fn step() -> impl Strategy<Value = Step> {
    let picks = || proptest::collection::vec(0u8..24, 1..4);
    prop_oneof![
        picks().prop_map(Step::Order),
        (0u8..3, picks(), any::<bool>()).prop_map(|(t, n, f)| Step::Associate(t, n, f)),
        (0u8..3, picks()).prop_map(|(t, n)| Step::Disassociate(t, n)),
        picks().prop_map(Step::Delete),
        (0u8..24).prop_map(Step::Restore),
        (0u8..24).prop_map(Step::Name),
        (0u8..24).prop_map(Step::Switch),
        (0u32..200_000).prop_map(Step::Advance),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn invariants_hold_after_every_step(steps in proptest::collection::vec(step(), 1..40)) {
        let mut s = settings();
        s.inventory_limit = 8;
        s.failure_rate = 0.2;
        s.provisioning_delay = Duration::from_secs(60);
        s.name_update = Duration::from_secs(120);
        s.deletion_retention = Duration::from_secs(300);
        let f = fixture_with(s);
        let pool: Vec<E164> = block(f.sim.search_available_numbers(&AvailableSearch {
            state: Some("WA".into()),
            max_results: 24,
            ..AvailableSearch::default()
        })).unwrap().items;
        let vcs = block(f.sim.list_voice_connectors(None)).unwrap().items;
        let groups = block(f.sim.list_groups(None)).unwrap().items;
        let targets = [
            Association::VoiceConnector(vcs[0].id.clone()),
            Association::VoiceConnector(vcs[1].id.clone()),
            Association::VoiceConnectorGroup(groups[0].id.clone()),
        ];
        let pick = |ix: &[u8]| -> Vec<E164> {
            let mut v: Vec<E164> = ix.iter().map(|i| pool[*i as usize % pool.len()].clone()).collect();
            v.sort();
            v.dedup();
            v
        };
        for st in steps {
            let r: CarrierResult<()> = block(async {
                match &st {
                    Step::Order(ix) => f.sim.create_order(&NewOrder {
                        product_type: ProductType::VoiceConnector,
                        numbers: pick(ix),
                        name: None,
                    }).await.map(|_| ()),
                    Step::Associate(t, ix, force) => f.sim
                        .associate(&targets[*t as usize], &pick(ix), *force).await.map(|_| ()),
                    Step::Disassociate(t, ix) => f.sim
                        .disassociate(&targets[*t as usize], &pick(ix)).await.map(|_| ()),
                    Step::Delete(ix) => f.sim.delete_numbers(&pick(ix)).await.map(|_| ()),
                    Step::Restore(i) => f.sim.restore_number(&pool[*i as usize]).await.map(|_| ()),
                    Step::Name(i) => f.sim
                        .update_number(&pool[*i as usize], &NumberUpdate::CallingName("Acme".into()))
                        .await.map(|_| ()),
                    Step::Switch(i) => f.sim
                        .update_number(&pool[*i as usize], &NumberUpdate::ProductType(ProductType::SipMediaApplicationDialIn))
                        .await.map(|_| ()),
                    Step::Advance(secs) => {
                        f.clock.advance(Duration::from_secs(*secs as u64));
                        Ok(())
                    }
                }
            });
            // Refusals are fine; storage failures are not.
            prop_assert!(!matches!(r, Err(CarrierError::ServiceFailure { .. })), "{st:?}: {r:?}");
            check(&f.sim)?;
        }
    }
}

fn check(sim: &SimCarrier) -> Result<(), TestCaseError> {
    let mut numbers = Vec::new();
    let mut next = None;
    loop {
        let page = block(sim.list_numbers(next.as_deref())).unwrap();
        numbers.extend(page.items);
        next = page.next;
        if next.is_none() {
            break;
        }
    }
    let mut orders = Vec::new();
    let mut next = None;
    loop {
        let page = block(sim.list_orders(next.as_deref())).unwrap();
        orders.extend(page.items);
        next = page.next;
        if next.is_none() {
            break;
        }
    }
    // A number is in one order in progress at most (a purged number can be bought again,
    // so finished orders may share it), and the order its record names holds it.
    for n in &numbers {
        let processing = orders
            .iter()
            .filter(|o| {
                o.status == crate::domain::CarrierOrderStatus::Processing
                    && o.numbers.iter().any(|(m, s)| {
                        m == &n.number && *s != crate::domain::OrderedNumberStatus::Failed
                    })
            })
            .count();
        prop_assert!(
            processing <= 1,
            "{} in {} orders in progress",
            n.number,
            processing
        );
        if let Some(id) = &n.order_id {
            let named = orders.iter().find(|o| &o.id == id);
            prop_assert!(
                named.is_some_and(|o| o.numbers.iter().any(|(m, _)| m == &n.number)),
                "{} names order {} which does not hold it",
                n.number,
                id
            );
        }
        // Associated numbers are Assigned, and only those.
        prop_assert_eq!(
            !n.associations.is_empty(),
            n.status == CarrierNumberStatus::Assigned,
            "{:?}",
            n
        );
        prop_assert!(n.associations.len() <= 1);
        if n.status == CarrierNumberStatus::DeleteInProgress {
            prop_assert!(n.deletion_at.is_some());
        }
        if !n.associations.is_empty() {
            prop_assert_eq!(n.product_type, ProductType::VoiceConnector);
        }
    }
    // The inventory limit holds.
    let held = numbers
        .iter()
        .filter(|n| {
            matches!(
                n.status,
                CarrierNumberStatus::AcquireInProgress
                    | CarrierNumberStatus::Unassigned
                    | CarrierNumberStatus::Assigned
            )
        })
        .count();
    prop_assert!(held <= sim.settings().inventory_limit, "{held} held");
    // Orders agree with their numbers' statuses.
    for o in &orders {
        for (m, s) in &o.numbers {
            if *s == crate::domain::OrderedNumberStatus::Processing {
                prop_assert_eq!(o.status, CarrierOrderStatus::Processing);
                if let Some(n) = numbers.iter().find(|n| &n.number == m) {
                    prop_assert_eq!(n.status, CarrierNumberStatus::AcquireInProgress);
                }
            }
        }
    }
    Ok(())
}
