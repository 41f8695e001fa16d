//! The `:` line with arguments, in the command line's words: `:assign`, `:delete`,
//! `:goto`, `:filter` and the other list actions, Tab cycling the completions, and bad
//! words refused in plain words with nothing changed. Driven with key presses on
//! ratatui's `TestBackend`.

mod tui_common;

use phonedesk::domain::*;
use tui_common::*;

fn record(w: &World, n: &E164) -> PhoneNumber {
    w.engine.store().number(n).unwrap().unwrap()
}

/// The `:` line as drawn (the last line of the screen).
fn command_line(a: &mut phonedesk::tui::App) -> String {
    let text = render(a, 120, 40);
    text.lines()
        .rev()
        .find(|l| l.contains(':'))
        .unwrap_or_default()
        .trim_matches(|c| c == '"' || c == ' ')
        .to_string()
}

/// Everything the store holds about the numbers, to show a refusal changed nothing.
fn numbers_state(w: &World) -> Vec<PhoneNumber> {
    let mut all: Vec<E164> = w.inventory.clone();
    all.extend(w.pending.clone());
    all.iter().map(|n| record(w, n)).collect()
}

#[test]
fn assign_takes_numbers_a_kind_and_a_quoted_name() {
    let w = world();
    let mut a = app(&w);
    let vc_number = &w.inventory[4];
    press(
        &mut a,
        w.now,
        &format!(":assign {vc_number} vc \"Trunk East\"<Enter>"),
    );
    let p = record(&w, vc_number);
    assert!(
        matches!(p.assignee(), Some(Assignee::VoiceConnector(_))),
        "{:?}; status: {}",
        p.assignee(),
        a.status_text()
    );
    // The id works as the command line's --voice-connector does, and so does reassign.
    let other = &w.inventory[5];
    press(
        &mut a,
        w.now,
        &format!(":assign {other} --voice-connector vc-1<Enter>"),
    );
    assert!(
        matches!(record(&w, other).assignee(), Some(Assignee::VoiceConnector(id)) if id.0 == "vc-1"),
        "{}",
        a.status_text()
    );
}

#[test]
fn assign_without_numbers_acts_on_the_cursor_as_the_key_does() {
    let w = world();
    let mut a = app(&w);
    // The cursor on the first Voice Connector number (the list is in E.164 order).
    let mut sorted = w.inventory.clone();
    sorted.sort();
    let target = w.inventory[4].clone();
    let row = sorted.iter().position(|n| *n == target).unwrap();
    press(&mut a, w.now, &"j".repeat(row));
    press(&mut a, w.now, ":assign vc 'Trunk East'<Enter>");
    assert!(
        matches!(
            record(&w, &target).assignee(),
            Some(Assignee::VoiceConnector(_))
        ),
        "{}",
        a.status_text()
    );
}

#[test]
fn bad_words_are_said_plainly_and_change_nothing() {
    let w = world();
    let mut a = app(&w);
    let before = numbers_state(&w);
    let vc_number = &w.inventory[4];
    let cases = [
        (
            format!(":assign {vc_number} vc Nowhere<Enter>"),
            "no voice connector Nowhere",
        ),
        (
            format!(":assign {vc_number} desk Nowhere<Enter>"),
            "“desk” is not where numbers go",
        ),
        (
            format!(":assign {vc_number} vc \"Trunk<Enter>"),
            "quote is not closed",
        ),
        (":delete 12x<Enter>".to_string(), ""),
        (":quit now<Enter>".to_string(), "takes no arguments"),
        (
            ":frobnicate x<Enter>".to_string(),
            "there is no command :frobnicate",
        ),
        (
            ":goto order-99<Enter>".to_string(),
            "nothing here is called “order-99”",
        ),
        (
            format!(":product-type {vc_number} fax<Enter>"),
            "“fax” is not a product type",
        ),
        // The rules' own refusal, before any dialog: an assigned number is not deleted.
        (
            format!(":delete {}<Enter>", w.inventory[0]),
            "unassign it before",
        ),
    ];
    for (keys, says) in cases {
        press(&mut a, w.now, &keys);
        let status = a.status_text().to_string();
        assert!(!status.is_empty(), "{keys}: nothing said");
        assert!(status.contains(says), "{keys}: {status}");
        let screen = render(&mut a, 120, 40);
        assert!(
            !screen.contains("Delete phone numbers"),
            "{keys}: a dialog opened"
        );
        assert_eq!(numbers_state(&w), before, "{keys} changed the store");
    }
}

#[test]
fn delete_with_a_number_goes_through_the_keys_confirmation() {
    let w = world();
    let mut a = app(&w);
    let n = &w.inventory[3];
    press(&mut a, w.now, &format!(":delete {n}<Enter>"));
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("Delete phone numbers"), "{screen}");
    assert!(screen.contains(&n.national()), "{screen}");
    assert_eq!(
        record(&w, n).place(),
        Place::Inventory,
        "nothing before the confirmation"
    );
    press(&mut a, w.now, "<Space><Enter>");
    assert_eq!(
        record(&w, n).place(),
        Place::DeletionQueue,
        "{}",
        a.status_text()
    );
    // And back with the Deletion queue's :restore.
    press(&mut a, w.now, &format!("4:restore {n}<Enter>"));
    assert_eq!(
        record(&w, n).place(),
        Place::Inventory,
        "{}",
        a.status_text()
    );
}

#[test]
fn delete_without_arguments_acts_on_the_marks() {
    let w = world();
    let mut a = app(&w);
    // Marks on the second and third rows (unassigned Business Calling numbers).
    press(&mut a, w.now, "j<Space><Space>:delete<Enter>");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("Delete 2 numbers"), "{screen}");
}

#[test]
fn goto_jumps_to_the_record_on_its_screen() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, ":goto order-2<Enter>");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Orders
    );
    press(&mut a, w.now, "y");
    assert!(
        a.status_text().contains("Copied order-2"),
        "{}",
        a.status_text()
    );
    // A number: the screen that holds it, the cursor on it.
    let last = w.inventory.iter().max().unwrap();
    press(&mut a, w.now, &format!(":goto {last}<Enter>y"));
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Inventory
    );
    assert!(
        a.status_text().contains(&last.to_string()),
        "{}",
        a.status_text()
    );
    let pending = &w.pending[0];
    press(
        &mut a,
        w.now,
        &format!(":goto {}<Enter>y", pending.national()),
    );
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Pending
    );
    assert!(
        a.status_text().contains(&pending.to_string()),
        "{}",
        a.status_text()
    );
}

#[test]
fn filter_takes_the_filter_as_typed() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, ":filter status:assigned<Enter>");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("/status:assigned"), "{screen}");
    assert!(screen.contains(&w.inventory[0].national()), "{screen}");
    assert!(!screen.contains(&w.inventory[3].national()), "{screen}");
}

#[test]
fn tab_cycles_command_names_then_argument_values() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, ":del<Tab>");
    assert_eq!(command_line(&mut a), ":delete   delete deletion-queue");
    press(&mut a, w.now, "<Tab>");
    assert!(command_line(&mut a).starts_with(":deletion-queue "));
    press(&mut a, w.now, "<Tab>");
    assert!(command_line(&mut a).starts_with(":delete "));
    press(&mut a, w.now, "<Esc>");
    // Where to: the kinds, then the names of the kind chosen, quoted.
    let n = &w.inventory[4];
    press(&mut a, w.now, &format!(":assign {n} v<Tab>"));
    assert!(command_line(&mut a).starts_with(&format!(":assign {n} vc ")));
    press(&mut a, w.now, "<Tab>");
    assert!(
        command_line(&mut a).starts_with(&format!(":assign {n} vc 'Trunk East' ")),
        "{}",
        command_line(&mut a)
    );
    press(&mut a, w.now, "<Enter>");
    assert!(matches!(
        record(&w, n).assignee(),
        Some(Assignee::VoiceConnector(_))
    ));
    // Order ids for :goto; field names, then values, for :filter.
    press(&mut a, w.now, ":goto order-<Tab>");
    assert!(command_line(&mut a).starts_with(":goto order-3   order-3 order-2 order-1"));
    press(&mut a, w.now, "<Tab>");
    assert!(command_line(&mut a).starts_with(":goto order-2 "));
    press(&mut a, w.now, "<Enter>");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Orders
    );
    press(&mut a, w.now, "3:filter sta<Tab>");
    assert!(command_line(&mut a).starts_with(":filter status:   status: state:"));
    press(&mut a, w.now, "<Tab>");
    assert!(command_line(&mut a).starts_with(":filter state: "));
    press(&mut a, w.now, "<Esc>:filter statu<Tab><Tab>");
    assert!(command_line(&mut a).starts_with(":filter status:\"Ported out\""));
    press(&mut a, w.now, "<Tab>");
    assert!(
        command_line(&mut a).starts_with(":filter status:Assigned"),
        "{}",
        command_line(&mut a)
    );
}

#[test]
fn an_action_at_once_on_marks_the_filter_hides_is_refused_with_the_count() {
    let w = world();
    let mut a = app(&w);
    // Mark the two Voice Connector numbers, then filter one of them out of sight.
    let vcs = [w.inventory[4].clone(), w.inventory[5].clone()];
    for n in &vcs {
        press(&mut a, w.now, &format!(":goto {n}<Enter><Space>"));
    }
    press(&mut a, w.now, &format!(":filter {}<Enter>", vcs[0]));
    let before = numbers_state(&w);
    press(&mut a, w.now, ":assign vc 'Trunk East'<Enter>");
    assert_eq!(
        a.status_text(),
        "1 of 2 marked numbers is hidden by the filter: give the numbers, or clear the filter (Esc) to see them first"
    );
    assert_eq!(numbers_state(&w), before);
    // Named, they go.
    press(
        &mut a,
        w.now,
        &format!(":assign {} {} vc 'Trunk East'<Enter>", vcs[0], vcs[1]),
    );
    for n in &vcs {
        assert!(matches!(
            record(&w, n).assignee(),
            Some(Assignee::VoiceConnector(_))
        ));
    }
}

#[test]
fn goto_reaches_the_directory_by_id_or_name() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, ":goto 'Trunk East'<Enter>");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Directory
    );
    let screen = render(&mut a, 120, 40);
    assert!(
        screen.contains("Trunk East") && screen.contains("us-east-1"),
        "{screen}"
    );
    press(&mut a, w.now, "3:goto bo@example.com<Enter>y");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Directory
    );
    assert!(a.status_text().contains("Bo Chen"), "{}", a.status_text());
}

#[test]
fn port_out_takes_the_numbers_typed() {
    let w = world();
    let mut a = app(&w);
    let (one, two) = (&w.inventory[2], &w.inventory[3]);
    press(
        &mut a,
        w.now,
        &format!(":port-out-marked {one} {two}<Enter>"),
    );
    let screen = render(&mut a, 120, 40);
    assert!(
        screen.contains(one.as_str()) && screen.contains(two.as_str()),
        "{screen}"
    );
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Support,
        "{}",
        a.status_text()
    );
}
