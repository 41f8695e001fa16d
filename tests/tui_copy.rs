//! `y` copies the number or id under the cursor to the administrator's own clipboard with
//! OSC 52, which the terminal carries out (locally, through SSH and tmux): the exact bytes.

mod tui_common;

use base64::Engine as _;
use tui_common::*;

fn osc52(text: &str) -> Vec<u8> {
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend_from_slice(
        base64::engine::general_purpose::STANDARD
            .encode(text)
            .as_bytes(),
    );
    out.push(0x07);
    out
}

#[test]
fn y_copies_the_number_under_the_cursor_in_e164_with_osc52() {
    let w = world();
    let mut a = app(&w);
    render(&mut a, 120, 40);
    assert_eq!(a.take_output(), None, "nothing before the key");
    press(&mut a, w.now, "j");
    press(&mut a, w.now, "y");
    let status = a.status_text().to_string();
    let copied = w
        .inventory
        .iter()
        .find(|n| status.contains(n.as_str()))
        .unwrap_or_else(|| panic!("a number of the inventory is named: {status}"));
    assert!(status.starts_with("Copied +1"), "{status}");
    assert_eq!(a.take_output(), Some(osc52(copied.as_str())));
    assert_eq!(a.take_output(), None, "written once");
    // The details of a number copy the same number.
    press(&mut a, w.now, "<Enter>y");
    assert_eq!(a.take_output(), Some(osc52(copied.as_str())));
}

#[test]
fn y_copies_an_id_where_the_row_is_not_one_number() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "1y");
    let bytes = a.take_output().expect("copied");
    let orders = w.engine.store().order_summaries().unwrap();
    assert!(
        orders.iter().any(|o| bytes == osc52(&o.id.to_string())),
        "an order id: {:?}",
        String::from_utf8_lossy(&bytes)
    );
}

#[test]
fn y_on_an_empty_list_copies_nothing_and_says_so() {
    let w = empty_world();
    let mut a = app(&w);
    press(&mut a, w.now, "y");
    assert_eq!(a.take_output(), None);
    assert!(
        a.status_text().contains("Nothing to copy"),
        "{}",
        a.status_text()
    );
}
