//! Holds through the engine on a temporary sled database, with two administrators' console
//! sessions: a mark holds a number for its marker, someone else can neither mark nor order
//! it, the marker's order consumes the hold, and holds end on their own and with the
//! session.

mod support;

use phonedesk::domain::*;
use phonedesk::engine::{Engine, HOLD};
use std::sync::Arc;
use support::*;

fn provision(numbers: &[E164]) -> Action {
    Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: numbers.to_vec(),
    }
}

/// An engine on a temporary database and `n` numbers the carrier offers.
fn offered(n: usize) -> (tempfile::TempDir, Arc<Engine>, Vec<E164>) {
    let dir = tempfile::tempdir().unwrap();
    let e = Arc::new(open(dir.path(), fast_policy(25), 0.0));
    let (numbers, _) = pool(&e, n, 0);
    (dir, e, numbers)
}

/// The refusal someone else meets on a number alice holds, 9 minutes on.
fn held_by_alice(n: &E164) -> String {
    format!("{} is held by alice for 9 more minutes", n.national())
}

#[test]
fn alice_holds_bob_is_refused_and_alices_order_consumes_the_hold() {
    let (_dir, e, numbers) = offered(3);
    let (alice, bob) = (Actor::admin("alice"), Actor::admin("bob"));
    let (alices, bobs) = (e.console_session(), e.console_session());
    let mut events = e.subscribe();
    let audited = e.store().audit(100).unwrap().len();

    e.place_holds(&alice, alices.id(), &numbers[..2], secs(0))
        .unwrap();
    let ev = events.try_recv().unwrap();
    assert_eq!((ev.action.as_ref(), ev.actor.as_str()), (HOLD, "alice"));
    assert_eq!(e.store().audit(100).unwrap().len(), audited, "not audited");
    let shown = e.hold_on(&numbers[0], secs(30)).unwrap().unwrap();
    assert_eq!(shown.shown(secs(30)), "held by alice, 9 m left");

    // Bob can neither mark nor order them; nothing is written, the refusal is audited.
    let refused = e
        .place_holds(&bob, bobs.id(), &numbers[1..], secs(30))
        .unwrap_err()
        .to_string();
    assert_eq!(refused, held_by_alice(&numbers[1]));
    let before = state(&e);
    let refused = e
        .dispatch(&bob, provision(&numbers[..1]), secs(30))
        .unwrap_err()
        .to_string();
    assert_eq!(refused, held_by_alice(&numbers[0]));
    assert_eq!(state(&e), before);
    assert!(e.hold_on(&numbers[0], secs(30)).unwrap().is_some());
    // A number nobody holds is Bob's to mark.
    e.place_holds(&bob, bobs.id(), &numbers[2..], secs(30))
        .unwrap();

    // Alice's order (from any of her sessions: the CLI has none) consumes her holds.
    e.dispatch(&alice, provision(&numbers[..2]), secs(40))
        .unwrap();
    assert_eq!(e.hold_on(&numbers[0], secs(40)).unwrap(), None);
    assert_eq!(e.hold_on(&numbers[1], secs(40)).unwrap(), None);
    assert_eq!(e.store().holds().unwrap().len(), 1, "Bob's stays");
    assert!(e.check().unwrap().is_empty());
}

#[test]
fn holds_expire_on_their_own_and_end_with_their_session() {
    let (_dir, e, numbers) = offered(3);
    let (alice, bob) = (Actor::admin("alice"), Actor::admin("bob"));
    let bobs = e.console_session();
    {
        let alices = e.console_session();
        e.place_holds(&alice, alices.id(), &numbers[..1], secs(0))
            .unwrap();
        e.place_holds(&bob, bobs.id(), &numbers[1..2], secs(0))
            .unwrap();
        // Unmarking releases the hold; marking again holds it anew.
        e.release_holds(&alice, alices.id(), &numbers[..1], secs(1))
            .unwrap();
        assert_eq!(e.hold_on(&numbers[0], secs(1)).unwrap(), None);
        // Someone else's unmark does not release Bob's hold.
        e.release_holds(&alice, alices.id(), &numbers[1..2], secs(1))
            .unwrap();
        assert!(e.hold_on(&numbers[1], secs(1)).unwrap().is_some());
        e.place_holds(&alice, alices.id(), &numbers[..1], secs(2))
            .unwrap();
        assert!(e.hold_on(&numbers[0], secs(2)).unwrap().is_some());
    }
    // Alice's console closed: her hold ended, Bob's did not.
    assert_eq!(e.store().hold(&numbers[0]).unwrap(), None);
    assert!(e.hold_on(&numbers[1], secs(3)).unwrap().is_some());

    // Ten minutes on, Bob's hold counts as none: never shown, Alice may order it ...
    let over = secs(10 * 60);
    assert_eq!(e.hold_on(&numbers[1], over).unwrap(), None);
    // ... and the scheduler's sweep removes it from the store.
    assert_eq!(e.end_holds(None, over).unwrap(), 1);
    assert!(e.store().holds().unwrap().is_empty());
    e.dispatch(&alice, provision(&numbers[1..2]), over).unwrap();
    drop(bobs);
}

#[test]
fn a_viewer_cannot_hold_and_a_number_already_ours_cannot_be_held() {
    let (_dir, e, numbers) = offered(1);
    let s = e.console_session();
    let refused = e
        .place_holds(&Actor::viewer("vera"), s.id(), &numbers, secs(0))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("read-only"), "{refused}");
    e.dispatch(&admin(), provision(&numbers), secs(0)).unwrap();
    let refused = e
        .place_holds(&admin(), s.id(), &numbers, secs(1))
        .unwrap_err()
        .to_string();
    assert!(refused.contains("is already yours"), "{refused}");
    assert!(e.store().holds().unwrap().is_empty());
}

/// With the remote carrier, an order is a carrier job: someone else's hold refuses it
/// before any job is recorded, and the holder's own order consumes the hold in the same
/// transaction as its job.
#[test]
fn with_the_remote_carrier_a_held_number_is_refused_before_any_job() {
    let dir = tempfile::tempdir().unwrap();
    let policy = Policy {
        carrier_remote: true,
        ..fast_policy(25)
    };
    let e = Arc::new(open(dir.path(), policy, 0.0));
    let n = E164::parse("+12065550123").unwrap();
    let (alice, bob) = (Actor::admin("alice"), Actor::admin("bob"));
    let alices = e.console_session();
    e.place_holds(&alice, alices.id(), std::slice::from_ref(&n), secs(0))
        .unwrap();
    let refused = e
        .dispatch(&bob, provision(std::slice::from_ref(&n)), secs(60))
        .unwrap_err()
        .to_string();
    assert_eq!(
        refused,
        "(206) 555-0123 is held by alice for 9 more minutes"
    );
    assert!(e.store().jobs().unwrap().is_empty());
    assert_eq!(e.store().number(&n).unwrap(), None);
    let sent = e
        .dispatch(&alice, provision(std::slice::from_ref(&n)), secs(61))
        .unwrap();
    assert!(sent.job.is_some());
    assert_eq!(e.store().jobs().unwrap().len(), 1);
    assert_eq!(e.store().hold(&n).unwrap(), None);
}
