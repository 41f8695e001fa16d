//! The `/` filter on a large inventory: a key press reads a bounded number of records
//! before its screen is drawn, and the console's idle work finds the rest.

mod tui_common;

use phonedesk::carrier::SimulatedCarrier;
use phonedesk::domain::*;
use phonedesk::engine::Engine;
use phonedesk::store::{Store, StoreOptions};
use std::sync::Arc;
use std::time::Duration;
use tui_common::*;

/// 1,500 numbers in the inventory, ordered in three orders and completed.
fn big_world() -> World {
    let mut w = empty_world();
    let store = Store::open(&StoreOptions::new(w.dir.path().join("big"))).unwrap();
    let policy = Policy {
        inventory_limit: 2_000,
        search_limit: 500,
        provisioning_delay: Duration::from_secs(1),
        ..Policy::default()
    };
    let engine = Arc::new(Engine::new(
        store,
        Arc::new(SimulatedCarrier::new(2026, 0.0)),
        policy,
    ));
    for state in ["WA", "OR", "CA"] {
        let numbers: Vec<E164> = engine
            .search(&SearchQuery::us().with_state(state).with_limit(500))
            .unwrap()
            .into_iter()
            .map(|a| a.number)
            .collect();
        engine
            .dispatch(
                &admin(),
                Action::Provision {
                    product_type: ProductType::VoiceConnector,
                    numbers,
                },
                at(0),
            )
            .unwrap();
    }
    engine.run_due(at(10)).unwrap();
    w.inventory = engine.store().numbers_in(&[StatusCode::Unassigned]);
    assert_eq!(w.inventory.len(), 1_500);
    w.engine = engine;
    w.now = at(20);
    w
}

#[test]
fn a_filter_keystroke_reads_a_slice_and_idle_work_finds_the_rest() {
    let w = big_world();
    let mut a = app(&w);
    // The last number in E.164 order: its record is the 1,500th the filter reads.
    let last = w.inventory.last().unwrap().clone();
    let digits: String = last.as_str().chars().filter(char::is_ascii_digit).collect();
    press(&mut a, w.now, &format!("/{}", &digits[1..]));
    let screen = render(&mut a, 120, 40);
    assert!(
        !screen.contains(&last.national()) && screen.contains("counting"),
        "the key press read the whole inventory:\n{screen}"
    );
    let mut slices = 0;
    while a.idle() {
        slices += 1;
        assert!(slices < 100, "idle work never ends");
    }
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains(&last.national()), "{screen}");
    assert!(!screen.contains("counting"), "{screen}");
}
