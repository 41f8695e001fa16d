//! `z` in the console undoes the administrator's latest change, says so on the status
//! line, and refuses in words when there is nothing to undo.

mod tui_common;

use phonedesk::domain::*;
use tui_common::*;

#[test]
fn u_undoes_the_latest_change_and_the_inventory_shows_it_at_once() {
    let w = world();
    let records = w.engine.store().numbers_at(&w.inventory).unwrap();
    let free = records
        .iter()
        .find(|p| p.assignee().is_none())
        .expect("an unassigned number")
        .number
        .clone();
    let zoe = Actor::admin("zoe");
    w.engine
        .dispatch(
            &zoe,
            Action::SetLabel {
                number: free.clone(),
                label: Some("Lobby phone".into()),
            },
            w.now,
        )
        .unwrap();
    let mut a = app_as(&w, zoe, w.now);
    press(&mut a, w.now, "z");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("Undid entry"), "{screen}");
    assert_eq!(w.engine.store().number(&free).unwrap().unwrap().label, None);
    // Nothing left of this administrator's to undo: said in words, nothing changes.
    let before = w.engine.store().all_numbers().unwrap();
    press(&mut a, w.now, "z");
    let screen = render(&mut a, 120, 40);
    assert!(
        screen.contains("nothing of yours can be undone"),
        "{screen}"
    );
    assert_eq!(w.engine.store().all_numbers().unwrap(), before);
}

#[test]
fn a_viewer_cannot_undo() {
    let w = world();
    let mut a = app_as(&w, Actor::viewer("val"), w.now);
    press(&mut a, w.now, "z");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("read-only"), "{screen}");
}
