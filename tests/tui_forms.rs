//! Forms as administrators expect them: choices that look like choices, a field's ✗ only
//! once it was touched or submitted, secrets with a reveal key (never for viewers), the
//! issue over several lines, Esc asking before it drops typed input, and the contact
//! email remembered for the next form.

mod tui_common;

use phonedesk::domain::*;
use tui_common::*;

fn line_with<'a>(text: &'a str, what: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(what))
        .unwrap_or_else(|| panic!("no line with {what}:\n{text}"))
}

#[test]
fn choice_fields_show_as_choices_and_cycle_with_left_and_right() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "5o<Tab>");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("◂ Business Calling ▸"), "{text}");
    assert!(
        text.contains("←/→ choose"),
        "the hints name the keys: {text}"
    );
    press(&mut a, w.now, "<Right>");
    assert!(render(&mut a, 80, 24).contains("◂ Voice Connector ▸"));
    // Typing does not edit a choice; Left goes back.
    press(&mut a, w.now, "xy<Left>");
    assert!(render(&mut a, 80, 24).contains("◂ Business Calling ▸"));
}

#[test]
fn a_fresh_form_shows_no_errors_until_a_field_is_touched_or_submitted() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "5n");
    let text = render(&mut a, 80, 24);
    assert!(!text.contains('✗'), "a fresh form refuses nothing: {text}");
    assert!(text.contains("what the request is about"), "{text}");
    // Passing the subject by, empty: now it says so.
    press(&mut a, w.now, "<Tab><Tab>");
    let text = render(&mut a, 80, 24);
    assert!(line_with(&text, "Subject").contains('✗'), "{text}");
    assert!(text.contains("enter the subject"), "{text}");
    assert!(!line_with(&text, "Email").contains('✗'), "{text}");
    // Submitting (ctrl-s: Enter adds a line in the issue) shows every field's message.
    press(&mut a, w.now, "<C-s>");
    let text = render(&mut a, 80, 24);
    assert!(line_with(&text, "Email").contains('✗'), "{text}");
    assert!(text.contains("the email is required"), "{text}");
}

const PORT_IN_STEP_1: &str = "5i+12062151234<Tab><Tab><Tab><Tab>ana@example.com<Enter>";

#[test]
fn a_secret_field_is_masked_and_ctrl_r_shows_it_to_administrators() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, PORT_IN_STEP_1);
    press(&mut a, w.now, "<Tab><Tab><Tab><Tab>4321");
    let text = render(&mut a, 80, 24);
    assert!(line_with(&text, "Service PIN").contains("••••"), "{text}");
    assert!(!text.contains("4321"), "{text}");
    assert!(text.contains("ctrl-r show"), "{text}");
    press(&mut a, w.now, "<C-r>");
    let text = render(&mut a, 80, 24);
    assert!(line_with(&text, "Service PIN").contains("4321"), "{text}");
    assert!(text.contains("ctrl-r hide"), "{text}");
    press(&mut a, w.now, "<C-r>");
    assert!(!render(&mut a, 80, 24).contains("4321"));
}

#[test]
fn a_viewer_can_never_reveal_a_secret() {
    let w = world();
    let mut a = app_as(&w, Actor::viewer("vic"), w.now);
    press(&mut a, w.now, PORT_IN_STEP_1);
    press(&mut a, w.now, "<Tab><Tab><Tab><Tab>4321");
    let text = render(&mut a, 120, 40);
    assert!(!text.contains("ctrl-r"), "not offered to a viewer: {text}");
    press(&mut a, w.now, "<C-r>");
    let text = render(&mut a, 120, 40);
    assert!(!text.contains("4321"), "{text}");
    assert!(
        text.contains("Only administrators can show the service pin"),
        "{text}"
    );
}

#[test]
fn the_issue_takes_several_lines_and_ctrl_s_submits() {
    let w = world();
    let mut a = app(&w);
    press(
        &mut a,
        w.now,
        "5n<Tab>Dropped calls<Tab>First line<Enter>second line",
    );
    let text = render(&mut a, 80, 24);
    assert!(text.contains("First line"), "{text}");
    assert!(text.contains("second line"), "{text}");
    assert!(
        text.contains("Enter new line  ctrl-s submit request"),
        "the hints say how to submit: {text}"
    );
    // A paste keeps its lines in the issue, and does not submit.
    a.handle_paste("third\nfourth", w.now);
    press(&mut a, w.now, "<Tab>ana@example.com<C-s>");
    let requests = w.engine.store().requests().unwrap();
    assert_eq!(requests.len(), 1, "{}", a.status_text());
    assert_eq!(requests[0].issue, "First line\nsecond linethird\nfourth");
}

#[test]
fn esc_on_a_filled_form_asks_before_dropping_the_input() {
    let w = world();
    let mut a = app(&w);
    // An untouched form closes at once.
    press(&mut a, w.now, "5n<Esc>");
    assert!(!render(&mut a, 80, 24).contains("Submit request"));
    press(&mut a, w.now, "n<Tab>Invoice<Esc>");
    let text = render(&mut a, 80, 24);
    assert!(text.contains("Discard what you typed?"), "{text}");
    // n keeps editing, with the input.
    press(&mut a, w.now, "n");
    let text = render(&mut a, 80, 24);
    assert!(!text.contains("Discard what you typed?"), "{text}");
    assert!(line_with(&text, "Subject").contains("Invoice"), "{text}");
    press(&mut a, w.now, "<Esc>y");
    let text = render(&mut a, 80, 24);
    assert!(!text.contains("Submit request"), "{text}");
    assert!(w.engine.store().requests().unwrap().is_empty());
}

#[test]
fn the_contact_email_is_remembered_for_the_next_form() {
    let w = world();
    let mut a = app(&w);
    press(
        &mut a,
        w.now,
        "5n<Tab>Invoice<Tab>Wrong total<Tab>bo@example.com<Enter>",
    );
    assert_eq!(w.engine.store().requests().unwrap().len(), 1);
    press(&mut a, w.now, "<Esc>o");
    let text = render(&mut a, 80, 24);
    assert!(
        line_with(&text, "Email").contains("bo@example.com"),
        "{text}"
    );
    // Prefilled is not typed: Esc closes at once.
    press(&mut a, w.now, "<Esc>");
    assert!(!render(&mut a, 80, 24).contains("Port numbers out"));
}
