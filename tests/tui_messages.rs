//! A background event no longer replaces the administrator's own last result on the
//! status line: it goes to the message log (`M`, `:messages`), counted until read.

mod tui_common;

use phonedesk::domain::*;
use tui_common::*;

#[test]
fn a_background_event_keeps_the_own_result_and_the_log_has_both_with_times() {
    let w = world();
    let mut a = app(&w);
    render(&mut a, 120, 40);
    press(&mut a, w.now, "y");
    let own = a.status_text().to_string();
    assert!(own.starts_with("Copied"), "{own}");

    // Another administrator changes a number meanwhile.
    let mut events = w.engine.subscribe();
    w.engine
        .dispatch(
            &Actor::admin("bo"),
            Action::SetLabel {
                number: w.inventory[0].clone(),
                label: Some("Lobby".into()),
            },
            w.now,
        )
        .unwrap();
    while let Ok(ev) = events.try_recv() {
        a.handle_event(ev, w.now);
    }
    assert_eq!(a.status_text(), own, "the own result stays");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("1 new: M"), "{screen}");

    press(&mut a, w.now, "M");
    let log = render(&mut a, 120, 40);
    assert!(log.contains("Messages, newest first"), "{log}");
    let bo = log.find("bo: ").expect("the background event is logged");
    let copied = log.find("Copied").expect("the own result is logged");
    assert!(bo < copied, "newest first: {log}");
    assert!(log.contains("2026-11-25 09:02"), "with times: {log}");
    press(&mut a, w.now, "<Esc>");
    let screen = render(&mut a, 120, 40);
    assert!(!screen.contains("1 new"), "read: {screen}");
    assert!(!screen.contains("Messages, newest first"), "{screen}");
}

#[test]
fn without_an_own_result_a_background_event_shows_on_the_status_line() {
    let w = world();
    let mut a = app(&w);
    let mut events = w.engine.subscribe();
    w.engine
        .dispatch(
            &Actor::admin("bo"),
            Action::SetLabel {
                number: w.inventory[0].clone(),
                label: Some("Lobby".into()),
            },
            w.now,
        )
        .unwrap();
    while let Ok(ev) = events.try_recv() {
        a.handle_event(ev, w.now);
    }
    assert!(a.status_text().starts_with("bo: "), "{}", a.status_text());
    press(&mut a, w.now, ":messages<Enter>");
    let log = render(&mut a, 120, 40);
    assert!(log.contains("Messages, newest first"), "{log}");
}
