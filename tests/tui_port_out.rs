//! A port-out starts from the Inventory's marked rows: `o` opens the Support screen's
//! port-out form with those numbers filled in, or refuses at once, in the rules' words,
//! numbers that cannot be ported out.

mod tui_common;

use phonedesk::domain::*;
use phonedesk::tui::screens::ScreenId;
use tui_common::*;

/// The third and fourth rows: two unassigned Business Calling numbers.
const MARK_TWO: &str = "jj<Space><Space>";

#[test]
fn o_on_marked_rows_opens_the_port_out_form_with_their_numbers() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let world = world();
        let mut a = app(&world);
        press(&mut a, world.now, &format!("{MARK_TWO}o"));
        assert_eq!(a.current_screen(), ScreenId::Support);
        let text = render(&mut a, w, h);
        insta::assert_snapshot!(format!("port_out_from_marks_{w}x{h}"), text);
        assert!(text.contains("Port numbers out"), "{text}");
        assert!(text.contains("◂ Business Calling ▸"), "{text}");
        assert!(
            a.status_text().contains("Port out 2 numbers"),
            "{}",
            a.status_text()
        );
    }
    // The cursor waits in the email field; submitted, the request names both numbers.
    let world = world();
    let mut a = app(&world);
    press(
        &mut a,
        world.now,
        &format!("{MARK_TWO}oana@example.com<Enter>"),
    );
    let requests = world.engine.store().requests().unwrap();
    assert_eq!(requests.len(), 1, "{}", a.status_text());
    let mut want = vec![world.inventory[2].clone(), world.inventory[3].clone()];
    want.sort();
    let mut got = requests[0].numbers().to_vec();
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn numbers_that_cannot_port_out_are_refused_before_the_form() {
    let world = world();
    let mut a = app(&world);
    // Already leaving: a port-out of the same number is in progress.
    press(
        &mut a,
        world.now,
        &format!("{MARK_TWO}oana@example.com<Enter>3jj<Space>o"),
    );
    assert_eq!(a.current_screen(), ScreenId::Inventory);
    assert!(
        a.status_text().contains("is being ported out by req-1"),
        "{}",
        a.status_text()
    );
    let text = render(&mut a, 120, 40);
    assert!(!text.contains("Port numbers out"), "no form opened: {text}");
    assert_eq!(world.engine.store().requests().unwrap().len(), 1);

    // Business Calling and Voice Connector numbers together: one form has one product type.
    let world = tui_common::world();
    let mut a = app(&world);
    press(&mut a, world.now, "jjj<Space><Space>o");
    assert_eq!(a.current_screen(), ScreenId::Inventory);
    assert!(
        a.status_text().contains("Voice Connector"),
        "{}",
        a.status_text()
    );

    // A viewer changes nothing, so files no port-out either.
    let mut v = app_as(&world, Actor::viewer("vic"), world.now);
    press(&mut v, world.now, "jj<Space>o");
    assert_eq!(v.current_screen(), ScreenId::Inventory);
    assert!(v.status_text().contains("read-only"), "{}", v.status_text());
}
