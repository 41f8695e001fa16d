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
    assert!(text.contains("Empty: deleted numbers wait here"), "{text}");
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

// --- Support --------------------------------------------------------------------------

const PORT_IN_STEP_1: &str =
    "5i+12062151234, +12062159876<Tab><Tab><Tab><Tab>ana@example.com<Enter>";
const PORT_IN_STEP_2: &str = "+12062151000<Tab>Ana Lima<Tab>Northwind Telecom<Tab>98765432<Tab>4321<Tab>410 Terry Ave N, Seattle, WA 98109<Tab>Example Corp";

fn only_request(w: &World) -> SupportRequest {
    let all = w.engine.store().requests().unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    all.into_iter().next().unwrap()
}

#[test]
fn file_a_port_in_request_through_the_form_with_secrets_masked() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, PORT_IN_STEP_1);
    let text = render(&mut a, 80, 24);
    assert!(text.contains("2 of 2"), "{text}");
    press(&mut a, w.now, PORT_IN_STEP_2);
    let text = render(&mut a, 80, 24);
    assert!(
        !text.contains("98765432") && !text.contains("4321"),
        "the inputs are masked: {text}"
    );
    assert!(a.has_unsaved_input());
    press(&mut a, w.now, "<Enter>");
    let r = only_request(&w);
    let p = r.port_in().expect("a port-in request").clone();
    assert_eq!(p.numbers.len(), 2);
    assert_eq!(p.authorizing_person, "Ana Lima");
    assert_eq!(p.service_pin.as_ref().map(|s| s.reveal()), Some("4321"));
    assert_eq!(p.requested_at.to_string(), "2026-12-09 09:00 UTC");
    assert_eq!(r.status, RequestStatus::Submitted);
    assert_eq!(
        number(&w, &p.numbers[0]).status,
        NumberStatus::PortinInProgress
    );
    assert!(
        a.status_text().contains("Submitted port in"),
        "{}",
        a.status_text()
    );
    // The request opens with every field, the secrets masked.
    let text = render(&mut a, 120, 40);
    assert!(
        text.contains("Northwind Telecom") && text.contains("Example Corp"),
        "{text}"
    );
    assert!(text.contains("••••••32") && text.contains("••••"), "{text}");
    assert!(
        !text.contains("98765432") && !text.contains("4321"),
        "{text}"
    );
    assert!(text.contains("support answers in 24 h 0 m"), "{text}");
    assert!(!a.has_unsaved_input());
}

#[test]
fn the_engine_refusal_shows_beside_the_port_in_form() {
    let w = world();
    let mut a = app(&w);
    press(
        &mut a,
        w.now,
        "5i+14165550123<Tab><Tab><Tab><Tab>ana@example.com<Enter>",
    );
    press(&mut a, w.now, PORT_IN_STEP_2);
    press(&mut a, w.now, "<Enter>");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("+14165550123 is not a US number"), "{text}");
    assert!(w.engine.store().requests().unwrap().is_empty());
    // Back to step 1 with Esc: the numbers are still there.
    press(&mut a, w.now, "<Esc>");
    let text = render(&mut a, 80, 24);
    assert!(
        text.contains("1 of 2") && text.contains("+14165550123"),
        "{text}"
    );
    // A bad number is flagged as you type.
    press(&mut a, w.now, "<End>, 12");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("✗"), "{text}");
}

#[test]
fn submit_the_loa_prefilled_from_the_port_in_form() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, PORT_IN_STEP_1);
    press(&mut a, w.now, PORT_IN_STEP_2);
    press(&mut a, w.now, "<Enter>");
    // Before support asks for it, the LOA is refused with the reason beside the form.
    press(&mut a, w.now, "L<Enter>");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("only when support asks"), "{text}");
    press(&mut a, w.now, "<Esc>");
    // Support reviews it a day later; the screen hears the engine's event.
    let mut rx = w.engine.subscribe();
    let later = w.now.plus(std::time::Duration::from_secs(86_400 + 60));
    w.engine.run_due(later).unwrap();
    while let Ok(ev) = rx.try_recv() {
        a.handle_event(ev, later);
    }
    assert_eq!(only_request(&w).status, RequestStatus::PendingDocuments);
    let text = render(&mut a, 120, 40);
    assert!(text.contains("submit the LOA"), "{text}");
    press(&mut a, later, "L");
    let text = render(&mut a, 120, 40);
    assert!(
        text.contains("Northwind Telecom") && text.contains("+12062151000"),
        "{text}"
    );
    press(&mut a, later, "<Enter>");
    let r = only_request(&w);
    assert_eq!(r.status, RequestStatus::Foc, "{}", a.status_text());
    assert_eq!(r.loas.len(), 1);
    assert!(
        a.status_text().contains("LOA accepted"),
        "{}",
        a.status_text()
    );
    let text = render(&mut a, 120, 40);
    assert!(text.contains("FOC date"), "{text}");
}

#[test]
fn plain_request_reply_and_close() {
    let w = world();
    let mut a = app(&w);
    press(
        &mut a,
        w.now,
        "5n<Right><Tab>Invoice<Tab>Wrong total<Tab>ana@example.com<Enter>",
    );
    let r = only_request(&w);
    assert_eq!(
        (r.category, r.subject.as_str()),
        (Category::Billing, "Invoice")
    );
    // A reply is several lines: Enter adds one, ctrl-s sends.
    press(&mut a, w.now, "rPlease hurry<Enter>Thanks<C-s>");
    let thread = only_request(&w).thread;
    assert_eq!(thread.len(), 1);
    assert_eq!(thread[0].text, "Please hurry\nThanks");
    press(&mut a, w.now, "x");
    assert_eq!(only_request(&w).status, RequestStatus::Closed);
}

#[test]
fn port_out_pin_shows_only_while_revealed_and_cancel_asks_first() {
    let w = world();
    let mut a = app(&w);
    let n = w.inventory[3].to_string();
    press(
        &mut a,
        w.now,
        &format!("5o{n}<Tab><Tab>ana@example.com<Enter>"),
    );
    let mut rx = w.engine.subscribe();
    let later = w.now.plus(std::time::Duration::from_secs(86_400 + 60));
    w.engine.run_due(later).unwrap();
    while let Ok(ev) = rx.try_recv() {
        a.handle_event(ev, later);
    }
    let r = only_request(&w);
    let pin = r.port_out_pin.clone().expect("support sent a PIN");
    let account = r.port_out_account.clone().unwrap();
    let text = render(&mut a, 120, 40);
    assert!(
        !text.contains(pin.reveal()) && !text.contains(&account),
        "{text}"
    );
    press(&mut a, later, "v");
    let text = render(&mut a, 120, 40);
    assert!(
        text.contains(pin.reveal()) && text.contains("Shown in full"),
        "{text}"
    );
    press(&mut a, later, "v");
    let text = render(&mut a, 120, 40);
    assert!(!text.contains(pin.reveal()), "{text}");
    press(&mut a, later, "c<Enter>");
    assert_eq!(
        only_request(&w).status,
        RequestStatus::Foc,
        "no tick, no cancel"
    );
    press(&mut a, later, "<Space><Enter>");
    assert_eq!(only_request(&w).status, RequestStatus::CancelRequested);
}

// --- Directory ------------------------------------------------------------------------

fn user_named(w: &World, name: &str) -> User {
    w.engine
        .store()
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.name == name)
        .unwrap()
}

#[test]
fn toggling_a_users_permissions_reminds_to_sign_out_and_in() {
    let w = world();
    let mut a = app(&w);
    // Rows: the account, then Ana Lima and Bo Chen.
    press(&mut a, w.now, "6jc");
    let u = user_named(&w, "Ana Lima");
    assert!(u.calling_enabled && !u.sms_enabled);
    assert!(a.status_text().contains("sign out"), "{}", a.status_text());
    let text = render(&mut a, 80, 24);
    assert!(
        text.contains("must sign out"),
        "the reminder shows in full: {text}"
    );
    press(&mut a, w.now, ":sms<Enter>");
    assert!(user_named(&w, "Ana Lima").sms_enabled);
    press(&mut a, w.now, "c");
    assert!(!user_named(&w, "Ana Lima").calling_enabled);
}

#[test]
fn create_a_voice_connector_then_delete_it_refused_while_it_has_numbers() {
    let w = world();
    let mut a = app(&w);
    press(
        &mut a,
        w.now,
        "6]nTrunk West<Tab><Right><Tab><Space><Enter>",
    );
    let vc = w
        .engine
        .store()
        .voice_connectors()
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Trunk West")
        .unwrap_or_else(|| panic!("not created: {}", a.status_text()));
    assert_eq!((vc.region.as_str(), vc.encryption), ("us-west-2", false));
    // A Voice Connector number assigned to it: deleting is refused, with the reason.
    w.engine
        .dispatch(
            &admin(),
            Action::Assign {
                numbers: vec![w.inventory[4].clone()],
                to: Assignee::VoiceConnector(vc.id.clone()),
            },
            w.now,
        )
        .unwrap();
    press(&mut a, w.now, "jd<Enter>");
    assert!(w.engine.store().voice_connector(&vc.id).unwrap().is_some());
    press(&mut a, w.now, "<Space><Enter>");
    assert!(
        a.status_text().contains("still has 1 number"),
        "{}",
        a.status_text()
    );
    assert!(w.engine.store().voice_connector(&vc.id).unwrap().is_some());
    // Unassigned, it goes.
    w.engine
        .dispatch(
            &admin(),
            Action::Unassign {
                numbers: vec![w.inventory[4].clone()],
            },
            w.now,
        )
        .unwrap();
    press(&mut a, w.now, "d<Space><Enter>");
    assert!(
        w.engine.store().voice_connector(&vc.id).unwrap().is_none(),
        "{}",
        a.status_text()
    );
}

#[test]
fn edit_a_connector_and_create_a_group_with_priorities() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "6]e<End> 2<Tab><Space><Enter>");
    let vc = w.engine.store().voice_connectors().unwrap().remove(0);
    assert_eq!((vc.name.as_str(), vc.encryption), ("Trunk East 2", false));
    press(&mut a, w.now, "t");
    assert!(w.engine.store().voice_connectors().unwrap()[0].encryption);
    press(&mut a, w.now, "]nMain<Tab><Space><Tab>5<Enter>");
    let g = w.engine.store().groups().unwrap();
    assert_eq!(g.len(), 1, "{}", a.status_text());
    assert_eq!(
        g[0].members,
        vec![GroupMember {
            connector: vc.id.clone(),
            priority: 5
        }]
    );
    // The engine's rule shows beside the form.
    press(&mut a, w.now, "e<Tab><Tab><BS>0<Enter>");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("priority is 1 (highest) to 99"), "{text}");
}

#[test]
fn create_an_account_and_a_user_in_it() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "6AGlobex<Enter>");
    assert_eq!(
        w.engine.store().accounts().unwrap().len(),
        2,
        "{}",
        a.status_text()
    );
    press(&mut a, w.now, "GnCy Diaz<Tab>cy@example<Enter>");
    assert!(
        a.has_unsaved_input(),
        "an invalid email keeps the form open"
    );
    press(&mut a, w.now, ".com<Enter>");
    let u = user_named(&w, "Cy Diaz");
    assert_eq!(
        w.engine.store().account(&u.account).unwrap().unwrap().name,
        "Globex"
    );
}

/// The status area's text rows (below the table's bottom border), joined with spaces.
fn status_area(text: &str) -> String {
    let rows: Vec<&str> = text.lines().collect();
    let bottom = rows
        .iter()
        .rposition(|r| r.contains('└') || r.contains("+-"))
        .expect("a table border");
    let text = rows[bottom + 1..]
        .iter()
        .map(|r| r.trim_matches('"'))
        .collect::<Vec<_>>()
        .join(" ")
        .replace("⧗ 2 pending │ ? help", "")
        .replace("? help", "");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_long_outcome_wraps_the_status_line_so_the_note_reads_in_full_at_80_columns() {
    let w = world();
    let mut a = app(&w);
    let short = render(&mut a, 80, 24);
    assert_eq!(
        short.lines().filter(|l| l.contains("? help")).count(),
        1,
        "a short message keeps one status line: {short}"
    );
    press(&mut a, w.now, "ja<Enter>j<Enter>");
    let text = render(&mut a, 80, 24);
    let status = status_area(&text);
    assert!(
        status.contains(
            "The user must sign out of Amazon Chime and sign in again to use the new number or permissions."
        ),
        "{text}"
    );
    assert!(!status.contains('…'), "{text}");
    assert_eq!(text.lines().count(), 24);
}

#[test]
fn a_long_refusal_reads_in_full_at_80_columns() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "d<Space><Enter>");
    let full = a.status_text().to_string();
    assert!(full.chars().count() > 60, "{full}");
    let text = render(&mut a, 80, 24);
    let status = status_area(&text);
    let words: Vec<&str> = full.split_whitespace().collect();
    assert!(status.contains(&words.join(" ")), "{full}\n{text}");
}

#[test]
fn pending_shows_the_expected_column_in_full_at_80_columns_and_enter_opens_details() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, PORT_IN_STEP_1);
    press(&mut a, w.now, PORT_IN_STEP_2);
    press(&mut a, w.now, "<Enter>");
    press(&mut a, w.now, "2");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("completes in 50 s"), "{text}");
    assert!(text.contains("req-1: support is reviewing"), "{text}");
    // The first row is an acquisition: its details name the order and when it completes.
    press(&mut a, w.now, "<Enter>");
    assert!(
        !a.status_text().contains("not available"),
        "{}",
        a.status_text()
    );
    let text = render(&mut a, 80, 24);
    assert!(text.contains("Pending ›"), "{text}");
    assert!(text.contains("order-3"), "{text}");
    assert!(text.contains("completes in 50 s"), "{text}");
    // j moves to the next rows; the port's details show its request and dates.
    press(&mut a, w.now, "jj");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("Porting in"), "{text}");
    assert!(text.contains("req-1 (Submitted)"), "{text}");
    assert!(text.contains("support is reviewing"), "{text}");
    assert!(text.contains("Requested date"), "{text}");
    assert!(text.contains("not set yet"), "{text}");
    press(&mut a, w.now, "<Esc>");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("Expected / reason"), "{text}");
    assert_eq!(a.current_screen(), ScreenId::Pending);
}

#[test]
fn orders_show_the_completion_column_in_full_at_80_columns() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "1");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("in 50 s"), "{text}");
    assert!(text.contains("Completed"), "{text}");
    // Narrow, a time drops its year but keeps its zone; wide, it reads whole.
    assert!(text.contains(" 11-25 09:01 UTC "), "{text}");
    let text = render(&mut a, 120, 40);
    assert!(text.contains(" 2026-11-25 09:01 UTC "), "{text}");
}

#[test]
fn every_tab_label_fits_at_the_minimum_size() {
    let w = world();
    let mut a = app(&w);
    let text = render(&mut a, 60, 15);
    let tabs = text.lines().nth(1).unwrap();
    assert!(tabs.contains("1 Ord") && tabs.contains("7 Audit"), "{text}");
    assert!(!text.contains("too small"), "{text}");
    // One column less is the "too small" screen, which names the real minimum.
    let text = render(&mut a, 59, 15);
    assert!(text.contains("at least 60x15"), "{text}");
}

#[test]
fn the_product_type_dialog_preselects_the_other_type() {
    let w = world();
    let mut a = app(&w);
    // The second row is a Business Calling number: Enter switches it to Voice Connector.
    assert_eq!(
        number(&w, &w.inventory[1]).product_type,
        ProductType::BusinessCalling
    );
    press(&mut a, w.now, "jt<Enter>");
    assert!(!a.status_text().contains("already"), "{}", a.status_text());
    assert_eq!(
        number(&w, &w.inventory[1]).product_type,
        ProductType::VoiceConnector,
        "{}",
        a.status_text()
    );
    // And back: a Voice Connector number preselects Business Calling.
    press(&mut a, w.now, "t<Enter>");
    assert_eq!(
        number(&w, &w.inventory[1]).product_type,
        ProductType::BusinessCalling,
        "{}",
        a.status_text()
    );
}

#[test]
fn an_empty_btn_says_the_field_is_required() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, PORT_IN_STEP_1);
    let text = render(&mut a, 80, 24);
    assert!(text.contains("2 of 2"), "{text}");
    assert!(!text.contains("E.164"), "{text}");
    // A fresh step shows what to type, not a refusal of what was never typed.
    assert!(
        !text.contains("is required") && !text.contains("✗"),
        "{text}"
    );
    assert!(text.contains("billing telephone number"), "{text}");
    // Submitting anyway keeps the form open and names the field.
    press(&mut a, w.now, "<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(!text.contains("“”"), "{text}");
    assert!(text.contains("billing number (BTN) is required"), "{text}");
    assert!(w.engine.store().requests().unwrap().is_empty());
}

#[test]
fn a_viewer_cannot_reveal_the_port_out_pin_or_account_id() {
    let w = world();
    let mut a = app(&w);
    let n = w.inventory[3].to_string();
    press(
        &mut a,
        w.now,
        &format!("5o{n}<Tab><Tab>ana@example.com<Enter>"),
    );
    let later = w.now.plus(std::time::Duration::from_secs(86_400 + 60));
    w.engine.run_due(later).unwrap();
    let r = only_request(&w);
    let pin = r.port_out_pin.clone().expect("support sent a PIN");
    let account = r.port_out_account.clone().unwrap();
    let mut v = app_as(&w, Actor::viewer("vic"), later);
    press(&mut v, later, "5<Enter>");
    let text = render(&mut v, 120, 40);
    assert!(
        text.contains(&r.id.to_string()),
        "the request is open: {text}"
    );
    press(&mut v, later, "v");
    assert!(
        v.status_text().contains("Only administrators"),
        "{}",
        v.status_text()
    );
    let text = render(&mut v, 120, 40);
    assert!(
        !text.contains(pin.reveal()) && !text.contains(&account),
        "{text}"
    );
    assert!(!text.contains("Shown in full"), "{text}");
}

#[test]
fn a_failed_acquisition_shows_its_full_reason_in_the_pending_details() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        phonedesk::store::Store::open(&phonedesk::store::StoreOptions::new(dir.path().join("db")))
            .unwrap();
    let engine = std::sync::Arc::new(phonedesk::engine::Engine::new(
        store,
        std::sync::Arc::new(phonedesk::carrier::SimulatedCarrier::new(2026, 1.0)),
        Policy::default(),
    ));
    let found = engine
        .search(&SearchQuery::us().with_area_code(206).with_limit(1))
        .unwrap();
    engine
        .dispatch(
            &admin(),
            Action::Provision {
                product_type: ProductType::BusinessCalling,
                numbers: vec![found[0].number.clone()],
            },
            t0(),
        )
        .unwrap();
    engine.run_due(at(61)).unwrap();
    let p = engine.store().number(&found[0].number).unwrap().unwrap();
    let NumberStatus::AcquireFailed { reason } = p.status else {
        panic!("not failed: {:?}", p.status)
    };
    let ui = phonedesk::tui::UiOptions {
        export_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    let mut a =
        phonedesk::tui::App::new(std::sync::Arc::clone(&engine), admin(), ui, at(70)).unwrap();
    press(&mut a, at(70), "2<Enter>");
    let text = render(&mut a, 80, 24);
    let flat: String = text
        .lines()
        .map(|l| l.trim_matches('"').trim_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Failed"), "{text}");
    assert!(flat.contains("x dismiss"), "{text}");
    // The reason wraps inside the details, every word in order.
    let words: Vec<&str> = reason.split(' ').collect();
    let first = words.first().unwrap();
    let last = words.last().unwrap();
    assert!(
        flat.contains(first) && flat.contains(last),
        "{reason}\n{text}"
    );
    press(&mut a, at(70), "x");
    let after = engine.store().number(&found[0].number).unwrap();
    assert!(
        !matches!(
            after.map(|p| p.status),
            Some(NumberStatus::AcquireFailed { .. })
        ),
        "x dismisses the shown number: {}",
        a.status_text()
    );
}

#[test]
fn ctrl_c_in_a_confirmation_cancels_it_instead_of_quitting() {
    let w = world();
    let mut a = app(&w);
    // The third row is unassigned: delete asks to confirm.
    press(&mut a, w.now, "jjd");
    assert!(render(&mut a, 120, 40).contains("Delete phone numbers"));
    press(&mut a, w.now, "<C-c>");
    assert!(
        !a.should_quit(),
        "Ctrl-C in a confirmation quit the console"
    );
    assert!(
        !render(&mut a, 120, 40).contains("Delete phone numbers"),
        "the confirmation is still open"
    );
    assert_eq!(number(&w, &w.inventory[0]).place(), Place::Inventory);
    // Outside a dialog Ctrl-C still quits.
    press(&mut a, w.now, "<C-c>");
    assert!(a.should_quit());
}

#[test]
fn a_remapped_quit_key_replaces_ctrl_c() {
    let w = world();
    let mut keys = std::collections::BTreeMap::new();
    keys.insert(
        "quit".to_string(),
        phonedesk::config::KeyList::One("ctrl-q".into()),
    );
    let ui = phonedesk::tui::UiOptions {
        export_dir: w.dir.path().to_path_buf(),
        keys,
        ..Default::default()
    };
    let mut a =
        phonedesk::tui::App::new(std::sync::Arc::clone(&w.engine), admin(), ui, w.now).unwrap();
    press(&mut a, w.now, "<C-c>");
    assert!(!a.should_quit(), "Ctrl-C quit although quit = \"ctrl-q\"");
    press(&mut a, w.now, "q");
    assert!(!a.should_quit(), "q quit although quit = \"ctrl-q\"");
    press(&mut a, w.now, "<C-q>");
    assert!(a.should_quit());
}

#[test]
fn a_cancelled_provisioning_wizard_starts_fresh() {
    let w = world();
    let mut a = app(&w);
    let start = a.current_screen();
    press(&mut a, w.now, "p<Down><Enter><Tab><Tab><Tab>99<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("3 digits from 200 to 999"), "{text}");
    // Esc back to the product type, Esc out of the wizard.
    press(&mut a, w.now, "<Esc><Esc>");
    assert_eq!(a.current_screen(), start);
    press(&mut a, w.now, "p<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(
        text.contains("Provision phone numbers › Business Calling"),
        "the old product type came back: {text}"
    );
    assert!(
        !text.contains("200 to 999"),
        "a stale error came back: {text}"
    );
    assert!(!text.contains("99 "), "an old value came back: {text}");
}

#[test]
fn a_business_calling_toll_free_search_says_toll_free_is_voice_connector_only() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "p<Enter><Tab><Tab><Tab><Tab>800<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(
        text.contains("toll-free numbers can only be Voice Connector"),
        "{text}"
    );
}

#[test]
fn a_finished_request_offers_no_actions() {
    let w = world();
    let o = w
        .engine
        .dispatch(
            &admin(),
            Action::SubmitRequest(NewRequest::Other {
                category: Category::General,
                subject: "Invoice copy".into(),
                issue: "Please send the November invoice.".into(),
                email: "ana@example.com".into(),
            }),
            w.now,
        )
        .unwrap();
    let id = o.request.expect("a request id");
    w.engine
        .dispatch(&admin(), Action::CloseRequest { request: id }, w.now)
        .unwrap();
    let mut a = app(&w);
    press(&mut a, w.now, "5<Enter>");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("Invoice copy"), "{screen}");
    for offered in ["r reply", "c cancel", "x close", "L LOA"] {
        assert!(!screen.contains(offered), "offers {offered}: {screen}");
    }
    for key in ["c", "r", "L"] {
        press(&mut a, w.now, key);
        assert!(
            a.status_text().contains("finished request"),
            "{key}: {}",
            a.status_text()
        );
        let screen = render(&mut a, 120, 40);
        assert!(
            !screen.contains("Cancel support request") && !screen.contains("Reply to"),
            "{key} opened a dialog: {screen}"
        );
    }
}

#[test]
fn a_voice_connector_port_in_without_a_connector_is_refused_at_step_one() {
    let w = world();
    let mut a = app(&w);
    press(
        &mut a,
        w.now,
        "5i+12069876543<Tab><Space><Tab><Tab><Tab>ana@example.com<Enter>",
    );
    let text = render(&mut a, 120, 40);
    assert!(text.contains("(1 of 2)"), "went on to step 2: {text}");
    assert!(text.contains("missing the voice connector"), "{text}");
}

#[test]
fn the_port_in_numbers_hint_is_a_format_and_goes_once_valid() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "5i");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("+1 and 10 digits each"), "{text}");
    assert!(
        !text.contains("555"),
        "an example that would be refused: {text}"
    );
    press(&mut a, w.now, "+12069876543");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("✓"), "{text}");
    assert!(!text.contains("+1 and 10 digits each"), "{text}");
}

#[test]
fn a_ported_out_number_in_the_deletion_queue_is_not_restorable_and_the_rest_restore() {
    let w = world();
    let mut a = app(&w);
    let gone = w.inventory[3].clone();
    let kept = w.inventory[1].clone();
    press(
        &mut a,
        w.now,
        &format!("5o{gone}<Tab><Tab>ana@example.com<Enter>"),
    );
    assert_eq!(
        w.engine.store().requests().unwrap().len(),
        1,
        "{}",
        render(&mut a, 120, 40)
    );
    // Support answers, then the port completes on its date.
    // Support answers with the port date; the port completes on that date.
    let answered = w.now.plus(std::time::Duration::from_secs(60 * 86_400));
    w.engine.run_due(answered).unwrap();
    let later = answered.plus(std::time::Duration::from_secs(60 * 86_400));
    w.engine.run_due(later).unwrap();
    assert!(number(&w, &gone).ported_out);
    w.engine
        .dispatch(
            &admin(),
            Action::Delete {
                numbers: vec![gone.clone(), kept.clone()],
            },
            later,
        )
        .unwrap();
    let mut a = app(&w);
    press(&mut a, later, "4");
    let screen = render(&mut a, 120, 40);
    let row = screen
        .lines()
        .find(|l| l.contains(&gone.national()))
        .unwrap_or_else(|| panic!("no row for {gone}: {screen}"));
    assert!(row.contains("ported out"), "{row}");
    press(&mut a, later, "*r");
    assert_eq!(
        number(&w, &kept).place(),
        Place::Inventory,
        "{}",
        a.status_text()
    );
    assert_eq!(number(&w, &gone).place(), Place::DeletionQueue);
    assert!(
        a.status_text().contains(&gone.national()) && a.status_text().contains("ported out"),
        "{}",
        a.status_text()
    );
}

#[test]
fn pasted_lines_are_separators_in_a_numbers_field_never_a_submit() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "5i");
    a.handle_paste("+12068976329\n+12063749620\r\n+12069876543\n", w.now);
    let text = render(&mut a, 120, 40);
    assert!(
        text.contains("(1 of 2)"),
        "the paste moved the form on: {text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("Numbers to port"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains(", +12063749620, +12069876543"), "{line}");
    assert!(line.contains("✓"), "{line}");
    assert!(w.engine.store().requests().unwrap().is_empty());
    // On a list screen a paste is not a string of commands (Esc asks before it drops
    // the pasted numbers: y).
    press(&mut a, w.now, "<Esc>y3");
    a.handle_paste("dq", w.now);
    assert!(!a.should_quit());
    assert_eq!(a.current_screen(), ScreenId::Inventory);
    // In the filter it is text on one line.
    press(&mut a, w.now, "/");
    a.handle_paste("ana\nlima", w.now);
    press(&mut a, w.now, "<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Ana Lima"), "{text}");
    assert!(!text.contains(&w.inventory[1].national()), "{text}");
}

#[test]
fn the_orders_table_shows_one_date_format() {
    let w = world();
    let mut a = app(&w);
    press(
        &mut a,
        w.now,
        "p<Enter><Tab><Tab><Tab>425<Enter><Space><Space>p",
    );
    let mut rx = w.engine.subscribe();
    w.engine.run_due(at(400)).unwrap();
    while let Ok(ev) = rx.try_recv() {
        a.handle_event(ev, at(400));
    }
    press(&mut a, at(400), "1");
    let text = render(&mut a, 80, 24);
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("order-")).collect();
    assert!(!rows.is_empty(), "{text}");
    for row in rows {
        assert!(
            !row.contains("2026-"),
            "a long date in a narrow table: {row}"
        );
    }
}

#[test]
fn the_seeds_port_in_subject_leads_to_the_port_in_form() {
    let w = world();
    let mut a = app(&w);
    // Category Other, Subject "Porting phone numbers in", as the seed says.
    press(
        &mut a,
        w.now,
        "5n<Space><Space><Space><Tab>Porting phone numbers in<Tab>Please port +12069876543<Tab>ana@example.com<Enter>",
    );
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Port numbers in (1 of 2)"), "{text}");
    assert!(text.contains("ana@example.com"), "{text}");
    assert!(w.engine.store().requests().unwrap().is_empty());
}

/// Delivers the engine's events of `run` to the console, as the front ends' loops do.
fn land(w: &World, a: &mut phonedesk::tui::App, now: Timestamp, run: impl FnOnce()) {
    let mut rx = w.engine.subscribe();
    run();
    while let Ok(ev) = rx.try_recv() {
        a.handle_event(ev, now);
    }
}

/// The number the Inventory's cursor is on, read from its details' title.
fn number_under_cursor(a: &mut phonedesk::tui::App, now: Timestamp) -> String {
    press(a, now, "<Enter>");
    let text = render(a, 120, 40);
    press(a, now, "<Esc>");
    let title = text
        .lines()
        .find_map(|l| l.split("Inventory › ").nth(1))
        .unwrap_or_else(|| panic!("no details: {text}"));
    title.chars().take(14).collect()
}

#[test]
fn the_cursor_stays_on_its_number_when_an_order_lands_before_it() {
    let w = world();
    let mut a = app(&w);
    render(&mut a, 120, 40);
    press(&mut a, w.now, "jjj");
    let target = w.inventory[3].national();
    assert_eq!(number_under_cursor(&mut a, w.now), target);
    // Another administrator's order of numbers that sort before it lands.
    let found: Vec<E164> = w
        .engine
        .search(&SearchQuery::us().with_area_code(201).with_limit(3))
        .unwrap()
        .into_iter()
        .map(|f| f.number)
        .collect();
    assert!(found.iter().all(|n| n < &w.inventory[3]));
    land(&w, &mut a, at(400), || {
        let bo = Actor::admin("bo");
        let order = Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: found.clone(),
        };
        w.engine.dispatch(&bo, order, at(300)).unwrap();
        w.engine.run_due(at(400)).unwrap();
    });
    render(&mut a, 120, 40);
    assert!(number(&w, &found[0]).place() == Place::Inventory);
    assert_eq!(number_under_cursor(&mut a, at(400)), target);
    // The keys act on that number: `n` opens the calling name form for it.
    press(&mut a, at(400), "n");
    let text = render(&mut a, 120, 40);
    assert!(
        text.contains(&w.inventory[3].to_string()) || text.contains(&target),
        "{text}"
    );
}

#[test]
fn when_the_row_under_the_cursor_goes_the_cursor_takes_its_neighbour_and_says_why() {
    let w = world();
    let mut a = app(&w);
    render(&mut a, 120, 40);
    press(&mut a, w.now, "jjj");
    land(&w, &mut a, at(200), || {
        let bo = Actor::admin("bo");
        let delete = Action::Delete {
            numbers: vec![w.inventory[3].clone()],
        };
        w.engine.dispatch(&bo, delete, at(200)).unwrap();
    });
    render(&mut a, 120, 40);
    let status = a.status_text().to_string();
    assert!(status.contains(&w.inventory[3].national()), "{status}");
    assert!(status.contains("deletion queue"), "{status}");
    assert!(status.contains(&w.inventory[4].national()), "{status}");
    assert_eq!(
        number_under_cursor(&mut a, at(200)),
        w.inventory[4].national()
    );
}

#[test]
fn clearing_a_filter_keeps_the_cursor_on_the_number_found() {
    let w = world();
    let mut a = app(&w);
    render(&mut a, 120, 40);
    let wanted = &w.inventory[4];
    let digits = &wanted.as_str()[wanted.as_str().len() - 4..];
    press(&mut a, w.now, &format!("/{digits}<Enter>"));
    render(&mut a, 120, 40);
    assert_eq!(number_under_cursor(&mut a, w.now), wanted.national());
    press(&mut a, w.now, "<Esc>");
    render(&mut a, 120, 40);
    assert_eq!(number_under_cursor(&mut a, w.now), wanted.national());
}

#[test]
fn enter_on_a_voice_connector_shows_its_numbers_in_the_inventory() {
    let w = world();
    let connector = w.engine.store().voice_connectors().unwrap()[0].id.clone();
    w.engine
        .dispatch(
            &admin(),
            Action::Assign {
                numbers: vec![w.inventory[4].clone()],
                to: Assignee::VoiceConnector(connector),
            },
            w.now,
        )
        .unwrap();
    let mut a = app(&w);
    press(&mut a, w.now, "6]<Enter>");
    assert_eq!(a.current_screen(), ScreenId::Inventory);
    let text = render(&mut a, 120, 40);
    assert!(text.contains("/Trunk East"), "{text}");
    assert!(text.contains(&w.inventory[4].national()), "{text}");
    assert!(!text.contains(&w.inventory[5].national()), "{text}");
}

#[test]
fn sorting_a_list_by_a_column_keeps_the_cursor_on_its_row() {
    let w = world();
    let mut a = app(&w);
    // Pending: two numbers, oldest first; sort by Number descending with N twice.
    press(&mut a, w.now, "2");
    render(&mut a, 120, 40);
    let first = |text: &str, a: &E164, b: &E164| {
        let pa = text.find(&a.national()).unwrap();
        let pb = text.find(&b.national()).unwrap();
        pa < pb
    };
    let (p0, p1) = (&w.pending[0], &w.pending[1]);
    let ascending = p0 < p1;
    press(&mut a, w.now, "N");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Number▲"), "{text}");
    assert_eq!(first(&text, p0, p1), ascending, "{text}");
    press(&mut a, w.now, "N");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Number▼"), "{text}");
    assert_eq!(first(&text, p0, p1), !ascending, "{text}");
    assert!(
        a.status_text().contains("descending"),
        "{}",
        a.status_text()
    );
    // The sort is the screen's own: it is still there after a trip to another screen.
    press(&mut a, w.now, "32");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Number▼"), "{text}");
}

#[test]
fn marks_hidden_by_the_filter_are_counted_and_an_action_on_them_asks_first() {
    let w = world();
    let mut a = app(&w);
    // Delete two numbers, then mark both in the Deletion queue.
    press(&mut a, w.now, "jjj<Space><Space>d<Space><Enter>4*");
    assert_eq!(
        w.engine
            .store()
            .numbers_in(&[StatusCode::DeleteInProgress])
            .len(),
        2
    );
    let digits = &w.inventory[3].as_str()[8..];
    press(&mut a, w.now, &format!("/{digits}<Enter>"));
    let text = render(&mut a, 120, 40);
    assert!(text.contains("2 marked, 1 hidden by the filter"), "{text}");
    press(&mut a, w.now, "r");
    assert!(
        a.status_text().contains("2 marked rows, 1 of them hidden"),
        "{}",
        a.status_text()
    );
    assert_eq!(number(&w, &w.inventory[4]).place(), Place::DeletionQueue);
    press(&mut a, w.now, "r");
    assert_eq!(number(&w, &w.inventory[3]).place(), Place::Inventory);
    assert_eq!(number(&w, &w.inventory[4]).place(), Place::Inventory);
}

#[test]
fn an_action_the_rules_refuse_is_refused_before_its_dialog() {
    let w = world();
    let mut a = app(&w);
    // The first row is assigned to Ana Lima: delete says why at once, no confirmation.
    press(&mut a, w.now, "d");
    let text = render(&mut a, 120, 40);
    assert!(!text.contains("Delete phone numbers"), "{text}");
    assert!(a.status_text().contains("Ana Lima"), "{}", a.status_text());
    // The third is not assigned: unassign says so at once.
    press(&mut a, w.now, "jju");
    let text = render(&mut a, 120, 40);
    assert!(!text.contains("Unassign phone numbers"), "{text}");
    assert!(
        a.status_text().contains(&w.inventory[2].to_string()),
        "{}",
        a.status_text()
    );
    // The first, assigned: its product type cannot switch; said before the picker.
    press(&mut a, w.now, "ggt");
    let text = render(&mut a, 120, 40);
    assert!(!text.contains("Edit product type"), "{text}");
    // What can apply still opens its dialog.
    press(&mut a, w.now, "jjd");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Delete phone numbers"), "{text}");
}
