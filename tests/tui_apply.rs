//! `:apply` on the Inventory: one change to every number the filter matches, with the
//! count and a confirmation first and the per-number report after.

mod tui_common;

use phonedesk::domain::*;
use tui_common::*;

#[test]
fn apply_labels_every_number_the_filter_matches_after_a_confirmation() {
    let w = world();
    let unassigned: Vec<E164> = w
        .engine
        .store()
        .numbers_at(&w.inventory)
        .unwrap()
        .into_iter()
        .filter(|p| p.assignee().is_none())
        .map(|p| p.number)
        .collect();
    assert!(unassigned.len() >= 2, "the world has unassigned numbers");
    let mut a = app(&w);
    press(&mut a, w.now, "/status:unassigned<Enter>");
    press(&mut a, w.now, ":apply label Lobby phone<Enter>");
    let screen = render(&mut a, 120, 40);
    assert!(
        screen.contains("Apply to the filter's numbers")
            && screen.contains(&format!(
                "Every number matching “status:unassigned”: {} rows",
                unassigned.len()
            )),
        "{screen}"
    );
    // Nothing is written before the confirmation.
    for n in &unassigned {
        assert_eq!(w.engine.store().number(n).unwrap().unwrap().label, None);
    }
    press(&mut a, w.now, "<Space><Enter>");
    let screen = render(&mut a, 120, 40);
    assert!(
        screen.contains(&format!(
            "{} of {} numbers done",
            unassigned.len(),
            unassigned.len()
        )),
        "{screen}"
    );
    for n in &unassigned {
        assert_eq!(
            w.engine
                .store()
                .number(n)
                .unwrap()
                .unwrap()
                .label
                .as_deref(),
            Some("Lobby phone")
        );
    }
    // The assigned ones were not touched.
    let others = w
        .engine
        .store()
        .numbers_at(&w.inventory)
        .unwrap()
        .into_iter()
        .filter(|p| p.assignee().is_some());
    for p in others {
        assert_eq!(p.label, None);
    }
}

#[test]
fn apply_refuses_an_unknown_change_and_a_change_that_fits_no_number_before_any_dialog() {
    let w = world();
    let before = w.engine.store().all_numbers().unwrap();
    let mut a = app(&w);
    press(&mut a, w.now, ":apply paint blue<Enter>");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("is not a change"), "{screen}");
    press(&mut a, w.now, "/status:assigned<Enter>");
    press(&mut a, w.now, ":apply assign vc:Nowhere<Enter>");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("applies to none of the"), "{screen}");
    assert!(
        !screen.contains("Apply to the filter's numbers"),
        "{screen}"
    );
    assert_eq!(w.engine.store().all_numbers().unwrap(), before);
}
