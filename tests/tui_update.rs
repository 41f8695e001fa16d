//! `update` tests: key sequences in, state out, no terminal.

mod tui_common;

use phonedesk::domain::*;
use phonedesk::tui::screens::ScreenId;
use tui_common::*;

fn number(w: &World, n: &E164) -> PhoneNumber {
    w.engine.store().number(n).unwrap().unwrap()
}

#[test]
fn number_keys_tab_and_colon_switch_screens() {
    let w = world();
    let mut a = app(&w);
    assert_eq!(a.current_screen(), ScreenId::Inventory);
    press(&mut a, w.now, "1");
    assert_eq!(a.current_screen(), ScreenId::Orders);
    press(&mut a, w.now, "<Tab>");
    assert_eq!(a.current_screen(), ScreenId::Pending);
    press(&mut a, w.now, "<BackTab><BackTab>");
    assert_eq!(a.current_screen(), ScreenId::Audit);
    press(&mut a, w.now, ":inv<Tab><Enter>");
    assert_eq!(a.current_screen(), ScreenId::Inventory);
    press(&mut a, w.now, ":nonsense<Enter>");
    assert!(
        a.status_text().contains("no command"),
        "{}",
        a.status_text()
    );
}

#[test]
fn unassign_asks_for_the_check_box_then_unassigns() {
    let w = world();
    let mut a = app(&w);
    // The first row is the assigned number.
    press(&mut a, w.now, "u<Enter>");
    assert!(
        number(&w, &w.inventory[0]).assignee().is_some(),
        "Enter without the tick does nothing"
    );
    press(&mut a, w.now, "<Space><Enter>");
    assert_eq!(number(&w, &w.inventory[0]).status, NumberStatus::Unassigned);
    assert!(
        a.status_text().contains("Unassigned") || a.status_text().contains("nassign"),
        "{}",
        a.status_text()
    );
}

#[test]
fn assign_picks_account_then_user() {
    let w = world();
    let mut a = app(&w);
    // Second row: an unassigned Business Calling number; Bo Chen is the second user.
    press(&mut a, w.now, "ja<Enter>j<Enter>");
    let p = number(&w, &w.inventory[1]);
    let Some(Assignee::User { user, .. }) = p.assignee() else {
        panic!("not assigned: {:?} / {}", p.status, a.status_text())
    };
    assert_eq!(
        w.engine.store().user(user).unwrap().unwrap().name,
        "Bo Chen"
    );
    assert!(
        a.status_text().contains("sign out"),
        "the reminder shows: {}",
        a.status_text()
    );
}

#[test]
fn delete_several_marked_numbers_with_confirmation() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "j<Space><Space>");
    press(&mut a, w.now, "d<Space><Enter>");
    for n in &w.inventory[1..3] {
        assert!(
            matches!(number(&w, n).status, NumberStatus::DeleteInProgress { .. }),
            "{n}"
        );
    }
    assert!(number(&w, &w.inventory[3]).place() == Place::Inventory);
}

#[test]
fn a_refused_action_says_why_in_words() {
    let w = world();
    let mut a = app(&w);
    // Deleting the assigned number is refused by the rules.
    press(&mut a, w.now, "d<Space><Enter>");
    assert!(
        a.status_text().contains("unassign it before"),
        "{}",
        a.status_text()
    );
    assert_eq!(number(&w, &w.inventory[0]).place(), Place::Inventory);
}

#[test]
fn calling_name_form_validates_as_you_type_and_keeps_unsaved_input() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "jjjn");
    press(&mut a, w.now, "Acme, Inc");
    assert!(a.has_unsaved_input());
    press(&mut a, w.now, "<Enter>");
    assert!(
        number(&w, &w.inventory[3]).calling_name.pending.is_none(),
        "an invalid name is not sent"
    );
    // q types into the field; ctrl-c asks before quitting.
    press(&mut a, w.now, "<C-c>");
    assert!(!a.should_quit());
    press(&mut a, w.now, "n");
    for _ in 0..9 {
        press(&mut a, w.now, "<BS>");
    }
    press(&mut a, w.now, "Acme Support<Enter>");
    let p = number(&w, &w.inventory[3]);
    assert_eq!(
        p.calling_name.shown().map(|n| n.as_str()),
        Some("Acme Support")
    );
    assert!(!a.has_unsaved_input());
    press(&mut a, w.now, "q");
    assert!(a.should_quit());
}

#[test]
fn filter_narrows_and_esc_clears() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "/ana lima<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Ana Lima"));
    assert!(!text.contains(&w.inventory[1].national()), "{text}");
    press(&mut a, w.now, "<Esc>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains(&w.inventory[1].national()));
}

#[test]
fn provisioning_wizard_orders_and_the_order_lands_in_inventory_without_a_key() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "p");
    assert_eq!(a.current_screen(), ScreenId::Provision);
    // Business Calling, then search area code 425.
    press(&mut a, w.now, "<Enter><Tab><Tab><Tab>425<Enter>");
    press(&mut a, w.now, "<Space><Space>p");
    assert_eq!(a.current_screen(), ScreenId::Orders, "{}", a.status_text());
    let held_before = w.engine.store().held();
    assert_eq!(held_before, 10);
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Processing"), "{text}");
    // The scheduler completes it; the console hears the engine's event.
    let mut rx = w.engine.subscribe();
    w.engine.run_due(at(400)).unwrap();
    while let Ok(ev) = rx.try_recv() {
        a.handle_event(ev, at(400));
    }
    assert!(a.needs_redraw());
    press(&mut a, at(400), "3");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("(425)"), "{text}");
}

#[test]
fn bad_search_shows_the_rule_beside_the_form() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "p<Enter><Enter>");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("needs an area code"), "{text}");
    press(&mut a, w.now, "<Tab><Tab><Tab>99");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("3 digits from 200 to 999"), "{text}");
}

#[test]
fn ticks_redraw_only_when_a_countdown_changes() {
    let w = world();
    let mut a = app(&w);
    render(&mut a, 120, 40);
    assert!(!a.needs_redraw());
    // The Inventory shows only hour-level countdowns: a second changes nothing.
    assert!(!a.tick(at(131)));
    press(&mut a, at(131), "2");
    render(&mut a, 120, 40);
    // Pending shows "pending for 11 s": the next second changes it.
    assert!(a.tick(at(132)));
}

#[test]
fn too_small_never_panics_and_q_still_quits() {
    let w = world();
    let mut a = app(&w);
    let text = render(&mut a, 40, 10);
    assert!(text.contains("too small"), "{text}");
    press(&mut a, w.now, "jjd");
    press(&mut a, w.now, "q");
    assert!(a.should_quit());
}

#[test]
fn export_writes_a_csv_and_says_where() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "e");
    assert!(
        a.status_text().contains("Exported 6 numbers to"),
        "{}",
        a.status_text()
    );
    let file = std::fs::read_dir(w.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().ends_with(".csv"));
    let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
    assert_eq!(text.lines().count(), 7);
}

// --- Deletion queue -------------------------------------------------------------------

fn days(d: u64) -> std::time::Duration {
    std::time::Duration::from_secs(d * 86_400)
}

#[test]
fn restore_marked_numbers_from_the_deletion_queue_with_a_live_countdown() {
    let w = world();
    let mut a = app(&w);
    // Delete rows 2 and 3 in the inventory, then restore both from the queue.
    press(&mut a, w.now, "j<Space><Space>d<Space><Enter>4");
    assert_eq!(a.current_screen(), ScreenId::DeletionQueue);
    let text = render(&mut a, 120, 40);
    assert!(text.contains("7 d 0 h"), "{text}");
    assert!(text.contains(&w.inventory[1].national()), "{text}");
    // The countdown ticks without a key press.
    let secs = |s: u64| w.now.plus(std::time::Duration::from_secs(s));
    assert!(a.tick(secs(1)), "7 d 0 h becomes 6 d 23 h");
    render(&mut a, 120, 40);
    assert!(!a.tick(secs(60)), "no redraw while the text stays the same");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("6 d 23 h"), "{text}");
    let later = w
        .now
        .plus(days(6) + std::time::Duration::from_secs(23 * 3600 + 30 * 60));
    assert!(a.tick(later));
    let text = render(&mut a, 120, 40);
    assert!(text.contains("30 m 0 s"), "{text}");
    press(&mut a, later, "<Space><Space>r");
    for n in &w.inventory[1..3] {
        assert_eq!(number(&w, n).status, NumberStatus::Unassigned, "{n}");
    }
    assert!(
        a.status_text().contains("back to the inventory"),
        "{}",
        a.status_text()
    );
    let text = render(&mut a, 120, 40);
    assert!(text.contains("deletion queue is empty"), "{text}");
}

#[test]
fn restore_refusals_show_on_the_status_line() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "jd<Space><Enter>");
    // After the window closed (the purge has not run yet): refused, nothing changes.
    let late = w.now.plus(days(8));
    press(&mut a, late, "4r");
    assert!(
        a.status_text().contains("can no longer be restored"),
        "{}",
        a.status_text()
    );
    assert!(matches!(
        number(&w, &w.inventory[1]).status,
        NumberStatus::DeleteInProgress { .. }
    ));
    let text = render(&mut a, 120, 40);
    assert!(text.contains("window closed"), "{text}");

    // Within the window but over the inventory limit.
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "jd<Space><Enter>");
    let held = w.engine.store().held();
    let fill: Vec<E164> = w
        .engine
        .search(&SearchQuery::us().with_area_code(503).with_limit(25 - held))
        .unwrap()
        .into_iter()
        .map(|f| f.number)
        .collect();
    w.engine
        .dispatch(
            &admin(),
            Action::Provision {
                product_type: ProductType::BusinessCalling,
                numbers: fill,
            },
            w.now,
        )
        .unwrap();
    press(&mut a, w.now, "4r");
    assert!(
        a.status_text().contains("limited to 25"),
        "{}",
        a.status_text()
    );
    assert!(matches!(
        number(&w, &w.inventory[1]).status,
        NumberStatus::DeleteInProgress { .. }
    ));
}
