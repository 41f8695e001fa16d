//! Notices with the remote carrier (the simulation behind the Chime SDK Voice API): an
//! order completing when the carrier says so, a calling name landing when a sync reads it,
//! and numbers changed in the carrier's console told as changed outside phonedesk, once.

mod carrier_rig;
mod support;

use carrier_rig::Rig;
use phonedesk::carrier::api::NumberUpdate;
use phonedesk::domain::*;
use phonedesk::engine::Event;
use std::time::Duration;
use tokio::sync::broadcast::Receiver;

/// The notices announced since the last look.
fn told(events: &mut Receiver<Event>) -> Vec<Notice> {
    std::iter::from_fn(|| events.try_recv().ok())
        .flat_map(|e| e.notices)
        .collect()
}

fn kinds(notices: &[Notice]) -> Vec<NoticeKind> {
    notices.iter().map(|n| n.kind).collect()
}

#[test]
fn the_remote_carrier_tells_orders_names_and_changes_made_outside_phonedesk() {
    let rig = Rig::new();
    rig.sync();
    let mut events = rig.engine.subscribe();
    let numbers = rig.provisioned(2);
    let notices = told(&mut events);
    assert_eq!(kinds(&notices), vec![NoticeKind::OrderCompleted]);
    assert_eq!(notices[0].numbers, numbers);

    // A calling name lands when the carrier has it and a sync reads it.
    let name = CallingName::parse("Front Desk").unwrap();
    let o = rig.act(Action::SetUniqueCallingName {
        number: numbers[0].clone(),
        name,
    });
    assert!(rig.settle(o.job.unwrap()).ok);
    rig.clock.advance(Duration::from_secs(3 * 86_400));
    rig.sync();
    let notices = told(&mut events);
    assert_eq!(kinds(&notices), vec![NoticeKind::NameLanded], "{notices:?}");
    assert_eq!(notices[0].numbers, vec![numbers[0].clone()]);

    // Changed in the carrier's console: told as changed outside phonedesk, once.
    rig.sim
        .console_update(&numbers[0], &NumberUpdate::Name("Lobby".into()))
        .unwrap();
    rig.sim.console_release(&numbers[1]).unwrap();
    rig.clock.advance(Duration::from_secs(60));
    rig.sync();
    let notices = told(&mut events);
    let outside: Vec<E164> = notices
        .iter()
        .filter(|n| n.kind == NoticeKind::ChangedOutside)
        .flat_map(|n| n.numbers.clone())
        .collect();
    assert!(outside.contains(&numbers[0]), "{notices:?}");
    assert!(outside.contains(&numbers[1]), "{notices:?}");
    rig.sync();
    assert_eq!(told(&mut events), vec![], "nothing differs the second time");
}
