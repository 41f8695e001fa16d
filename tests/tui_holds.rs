//! Holds in the console: two administrators' sessions on one engine. Alice's mark holds a
//! number; Bob's wizard shows "held by alice, 9 m left" and refuses his mark and his order
//! with the reason; Alice's order consumes the hold; holds end when they expire and when
//! the console closes. With the remote carrier, Bob's order is refused before any job.

mod carrier_rig;
mod support;
mod tui_common;

use phonedesk::domain::*;
use phonedesk::engine::Event;
use phonedesk::tui::screens::ScreenId;
use phonedesk::tui::{App, UiOptions};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::Receiver;
use tui_common::*;

const SEARCH_425: &str = "p<Enter><Tab><Tab><Tab>425<Enter>";

fn alice() -> Actor {
    Actor::admin("alice")
}

fn bob() -> Actor {
    Actor::admin("bob")
}

/// Hands the engine's events to a console, as its front end does.
fn deliver(events: &mut Receiver<Event>, app: &mut App, now: Timestamp) {
    while let Ok(ev) = events.try_recv() {
        app.handle_event(ev, now);
    }
}

#[test]
fn bob_sees_alices_hold_and_can_neither_mark_nor_order_it_until_she_orders() {
    let w = world();
    let mut events = w.engine.subscribe();
    let mut a = app_as(&w, alice(), w.now);
    let mut b = app_as(&w, bob(), w.now);
    press(&mut a, w.now, SEARCH_425);
    press(&mut b, w.now, SEARCH_425);
    press(&mut a, w.now, "<Space>");
    let held = w.engine.store().holds().unwrap();
    assert_eq!(held.len(), 1, "{}", a.status_text());
    let n = held[0].number.clone();

    // Bob's console redraws on the hold event; half a minute on, 9 minutes are left.
    let later = w.now.plus(Duration::from_secs(30));
    deliver(&mut events, &mut b, later);
    assert!(b.needs_redraw());
    for (cols, rows) in [(80, 24), (120, 40)] {
        let screen = render(&mut b, cols, rows);
        let row = screen
            .lines()
            .find(|l| l.contains(&n.national()))
            .expect("the held number's row");
        assert!(row.contains("held by alice, 9 m left"), "{screen}");
        insta::assert_snapshot!(format!("provision_held_by_alice_{cols}x{rows}"), screen);
    }

    // His mark is refused with the reason, before anything else: no mark, no hold.
    press(&mut b, later, "<Space>");
    let refusal = format!("{} is held by alice for 9 more minutes", n.national());
    assert!(b.status_text().contains(&refusal), "{}", b.status_text());
    assert!(render(&mut b, 120, 40).contains("0 marked"));
    assert_eq!(w.engine.store().holds().unwrap().len(), 1);
    // So is his order of it (the number under the cursor), and nothing is ordered.
    let orders = w.engine.store().orders().unwrap().len();
    press(&mut b, later, "p");
    assert!(b.status_text().contains(&refusal), "{}", b.status_text());
    assert_eq!(w.engine.store().orders().unwrap().len(), orders);

    // Alice orders it: the hold is consumed with the order.
    press(&mut a, later, "p");
    assert_eq!(a.current_screen(), ScreenId::Orders, "{}", a.status_text());
    assert!(w.engine.store().holds().unwrap().is_empty());
    assert_eq!(w.engine.store().orders().unwrap().len(), orders + 1);
}

#[test]
fn a_hold_disappears_when_it_expires_and_when_its_console_closes() {
    let w = world();
    let mut events = w.engine.subscribe();
    let mut b = app_as(&w, bob(), w.now);
    press(&mut b, w.now, SEARCH_425);
    {
        let mut a = app_as(&w, alice(), w.now);
        press(&mut a, w.now, &format!("{SEARCH_425}<Space>"));
        deliver(&mut events, &mut b, w.now);
        assert!(render(&mut b, 120, 40).contains("held by alice, 10 m left"));
    }
    // Alice's console closed: her hold is released and Bob's console redraws without it.
    assert!(w.engine.store().holds().unwrap().is_empty());
    deliver(&mut events, &mut b, w.now);
    assert!(!render(&mut b, 120, 40).contains("held by"));

    // Alice marks again in a new console; ten minutes later it is gone from Bob's screen
    // without any event: the tick notices.
    let mut a = app_as(&w, alice(), w.now);
    press(&mut a, w.now, &format!("{SEARCH_425}<Space>"));
    deliver(&mut events, &mut b, w.now);
    assert!(render(&mut b, 120, 40).contains("held by alice, 10 m left"));
    assert!(b.tick(w.now.plus(Duration::from_secs(61))), "a minute less");
    assert!(render(&mut b, 120, 40).contains("held by alice, 8 m left"));
    let over = w.now.plus(Duration::from_secs(600));
    assert!(b.tick(over));
    assert!(!render(&mut b, 120, 40).contains("held by"));
    // Unmarking releases it at once.
    press(&mut a, w.now, "k<Space>");
    assert!(
        w.engine.store().holds().unwrap().is_empty(),
        "{}",
        a.status_text()
    );
}

#[test]
fn mark_all_leaves_others_holds_unmarked_and_says_so() {
    let w = world();
    let mut a = app_as(&w, alice(), w.now);
    let mut b = app_as(&w, bob(), w.now);
    press(&mut a, w.now, &format!("{SEARCH_425}<Space>"));
    press(&mut b, w.now, SEARCH_425);
    press(&mut b, w.now, "*");
    assert!(
        b.status_text()
            .contains("held by other administrators stay unmarked"),
        "{}",
        b.status_text()
    );
    let holds = w.engine.store().holds().unwrap();
    assert_eq!(holds.iter().filter(|h| h.holder == "alice").count(), 1);
    assert!(holds.iter().filter(|h| h.holder == "bob").count() > 1);
}

/// With the Chime SDK carrier (the loopback server), Bob's order of Alice's number is
/// refused in the console before any carrier job is recorded; Alice's becomes the job.
#[test]
fn with_the_remote_carrier_bobs_order_is_refused_before_any_job() {
    let rig = carrier_rig::Rig::new();
    phonedesk::local_time::use_zone(TimeZone::UTC);
    let now = Timestamp::parse("2026-12-07T10:00:00Z").unwrap();
    let console = |actor| App::new(Arc::clone(&rig.engine), actor, UiOptions::default(), now);
    let (mut a, mut b) = (console(alice()).unwrap(), console(bob()).unwrap());
    let search = "p<Enter><Tab><Tab><Tab>206<Enter>";
    press(&mut a, now, &format!("{search}<Space>"));
    press(&mut b, now, search);
    let held = rig.engine.store().holds().unwrap();
    assert_eq!(held.len(), 1, "{}", a.status_text());
    press(&mut b, now, "p");
    assert!(
        b.status_text()
            .contains("is held by alice for 10 more minutes"),
        "{}",
        b.status_text()
    );
    assert!(rig.engine.store().jobs().unwrap().is_empty());
    press(&mut a, now, "p");
    let jobs = rig.engine.store().jobs().unwrap();
    assert_eq!(jobs.len(), 1, "{}", a.status_text());
    assert!(
        matches!(&jobs[0].action, Action::Provision { numbers, .. } if numbers == &vec![held[0].number.clone()])
    );
    assert!(rig.engine.store().holds().unwrap().is_empty());
}
