//! The console's shared list behaviour on every screen: sort (the Inventory's too), field
//! and digit filters, the hints line, the message log and copying with OSC 52. Driven with
//! key presses on ratatui's `TestBackend`.

mod tui_common;

use phonedesk::domain::*;
use tui_common::*;

/// The numbers of the inventory in the order the list shows them unsorted (E.164).
fn inventory_in_order(w: &World) -> Vec<E164> {
    let mut v = w.inventory.clone();
    v.sort();
    v
}

/// Where `n` first shows in the rendered text (its national form).
fn row_of(text: &str, n: &E164) -> usize {
    text.find(&n.national())
        .unwrap_or_else(|| panic!("{} not on screen:\n{text}", n.national()))
}

/// The number whose details Enter opens: the one under the cursor.
fn under_cursor(a: &mut phonedesk::tui::App, w: &World) -> String {
    press(a, w.now, "<Enter>");
    let text = render(a, 120, 40);
    press(a, w.now, "<Esc>");
    let start = text.find("Inventory › ").expect("details open") + "Inventory › ".len();
    text[start..start + 14].to_string()
}

#[test]
fn the_inventory_sorts_by_a_column_keeps_the_cursor_and_keeps_the_sort_for_the_session() {
    let w = world();
    let mut a = app(&w);
    let inv = inventory_in_order(&w);
    let business: Vec<&E164> = inv[..]
        .iter()
        .filter(|n| w.inventory[..4].contains(n))
        .collect();
    let voice: Vec<&E164> = inv[..]
        .iter()
        .filter(|n| w.inventory[4..].contains(n))
        .collect();
    render(&mut a, 120, 40);
    // The cursor on the second number, then Shift-P: by product type, ascending.
    press(&mut a, w.now, "jP");
    assert!(
        a.status_text()
            .contains("Sorted by Product type, ascending"),
        "{}",
        a.status_text()
    );
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Product type▲"), "{text}");
    assert!(
        row_of(&text, business[3]) < row_of(&text, voice[0]),
        "{text}"
    );
    assert_eq!(under_cursor(&mut a, &w), inv[1].national());
    // Again: the other way round, Voice Connector first; the cursor still on its number.
    press(&mut a, w.now, "P");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Product type▼"), "{text}");
    assert!(
        row_of(&text, voice[1]) < row_of(&text, business[0]),
        "{text}"
    );
    assert_eq!(under_cursor(&mut a, &w), inv[1].national());
    // At 80 columns the shortened title shows the order too.
    let text = render(&mut a, 80, 24);
    assert!(text.contains("Product▼"), "{text}");
    // The sort is the screen's for the session: still there after another screen.
    press(&mut a, w.now, "13");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Product type▼"), "{text}");
    assert!(
        row_of(&text, voice[1]) < row_of(&text, business[0]),
        "{text}"
    );
    // By number, descending: the index's order turned round.
    press(&mut a, w.now, "UU");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Number▼"), "{text}");
    assert!(row_of(&text, &inv[5]) < row_of(&text, &inv[0]), "{text}");
}

#[test]
fn a_sorted_inventory_keeps_its_order_and_its_cursor_through_another_admins_change() {
    let w = world();
    let mut a = app(&w);
    render(&mut a, 120, 40);
    // By "Assigned to" descending: Ana Lima's number first.
    press(&mut a, w.now, "AA");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("Assigned to▼"), "{text}");
    assert_eq!(under_cursor(&mut a, &w), w.inventory[0].national());
    // Another administrator deletes a number: the list stays sorted, without it.
    let gone = w.inventory[5].clone();
    let mut rx = w.engine.subscribe();
    w.engine
        .dispatch(
            &Actor::admin("bo"),
            Action::Delete {
                numbers: vec![gone.clone()],
            },
            w.now,
        )
        .unwrap();
    let ev = rx.try_recv().expect("the deletion's event");
    a.handle_event(ev, w.now);
    let text = render(&mut a, 120, 40);
    assert!(!text.contains(&gone.national()), "{text}");
    assert!(text.contains("Assigned to▼"), "{text}");
    assert_eq!(under_cursor(&mut a, &w), w.inventory[0].national());
}

/// The numbers of the inventory a filter typed after `/` keeps, as the 120x40 screen shows.
fn shown_after_filter(w: &World, filter: &str) -> Vec<E164> {
    let mut a = app(w);
    press(&mut a, w.now, &format!("/{filter}<Enter>"));
    let text = render(&mut a, 120, 40);
    let mut v: Vec<E164> = w
        .inventory
        .iter()
        .filter(|n| text.contains(&n.national()))
        .cloned()
        .collect();
    v.sort();
    v
}

fn sorted(v: &[E164]) -> Vec<E164> {
    let mut v = v.to_vec();
    v.sort();
    v
}

#[test]
fn the_inventory_filters_by_field_exactly_and_inverts_with_a_bang() {
    let w = world();
    // Two Voice Connector numbers, one assigned Business Calling number (Ana Lima's).
    assert_eq!(
        shown_after_filter(&w, "product:vc"),
        sorted(&w.inventory[4..])
    );
    assert_eq!(
        shown_after_filter(&w, "product:\"Business Calling\""),
        sorted(&w.inventory[..4])
    );
    assert_eq!(
        shown_after_filter(&w, "status:assigned"),
        sorted(&w.inventory[..1])
    );
    assert_eq!(
        shown_after_filter(&w, "!status:assigned"),
        sorted(&w.inventory[1..])
    );
    assert_eq!(
        shown_after_filter(&w, "user:\"Ana Lima\""),
        sorted(&w.inventory[..1])
    );
    assert_eq!(
        shown_after_filter(&w, "state:WA").len(),
        6,
        "all are 206 numbers"
    );
    assert_eq!(shown_after_filter(&w, "state:TX").len(), 0);
    assert_eq!(
        shown_after_filter(&w, "name:\"Acme Sales\""),
        sorted(&w.inventory[1..2])
    );
}

#[test]
fn digits_match_a_number_in_place_not_anywhere_in_it() {
    let w = world();
    // The exchange of one number, e.g. 374 of (206) 374-9620: only numbers whose area
    // code, exchange or line starts with those digits, not those that hold them in the
    // middle.
    for n in &w.inventory {
        let exchange = &n.as_str()[5..8];
        let want: Vec<E164> = sorted(&w.inventory)
            .into_iter()
            .filter(|m| {
                let d = &m.as_str()[2..];
                d.starts_with(exchange)
                    || d[3..].starts_with(exchange)
                    || d[6..].starts_with(exchange)
            })
            .collect();
        assert_eq!(shown_after_filter(&w, exchange), want, "{exchange}");
        assert_eq!(
            shown_after_filter(&w, &format!("/{exchange}")),
            want,
            "{exchange}"
        );
    }
    // The last two digits of a line number are in it, but not in place.
    let tail = &w.inventory[0].as_str()[10..];
    let in_place: Vec<E164> = sorted(&w.inventory)
        .into_iter()
        .filter(|m| {
            let d = &m.as_str()[2..];
            d.starts_with(tail) || d[3..].starts_with(tail) || d[6..].starts_with(tail)
        })
        .collect();
    assert!(!in_place.contains(&w.inventory[0]));
    assert_eq!(shown_after_filter(&w, tail), in_place, "{tail}");
}

#[test]
fn tab_completes_field_names_and_values_in_the_filter() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "/prod<Tab>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("/product:"), "{text}");
    press(&mut a, w.now, "v<Tab>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("/product:\"Voice Connector\""), "{text}");
    press(&mut a, w.now, "<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains(&w.inventory[4].national()), "{text}");
    assert!(!text.contains(&w.inventory[0].national()), "{text}");
    // Several values: the hints list them.
    let mut a = app(&w);
    press(&mut a, w.now, "/status:<Tab>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains("status:Assigned status:Unassigned"), "{text}");
}

#[test]
fn field_filters_on_a_shared_table_screen() {
    let w = world();
    let mut a = app(&w);
    // Pending: two Voice Connector numbers being acquired.
    press(&mut a, w.now, "2/product:bc<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(!text.contains(&w.pending[0].national()), "{text}");
    press(&mut a, w.now, "<Esc>/!product:bc<Enter>");
    let text = render(&mut a, 120, 40);
    assert!(text.contains(&w.pending[0].national()), "{text}");
    assert!(text.contains(&w.pending[1].national()), "{text}");
}

/// The line under the screen's table: the hints line.
fn hints_line(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .iter()
        .rposition(|l| l.starts_with("\"└"))
        .expect("a table");
    lines[end + 1].to_string()
}

#[test]
fn the_hints_line_offers_the_keys_that_apply_to_the_row_under_the_cursor() {
    let w = world();
    let mut a = app(&w);
    // The first row is Ana Lima's (assigned): unassign, not assign or delete.
    let text = render(&mut a, 80, 24);
    let hints = hints_line(&text);
    assert!(hints.contains("u unassign"), "{hints}");
    assert!(
        !hints.contains("a assign") && !hints.contains("d delete"),
        "{hints}"
    );
    assert!(hints.trim_matches('"').chars().count() <= 80, "{hints}");
    // An unassigned row: assign and delete, not unassign.
    press(&mut a, w.now, "j");
    let text = render(&mut a, 80, 24);
    let hints = hints_line(&text);
    assert!(
        hints.contains("a assign") && hints.contains("d delete"),
        "{hints}"
    );
    assert!(!hints.contains("u unassign"), "{hints}");
    // Another screen shows its own keys; an empty list offers only what needs no row.
    press(&mut a, w.now, "5");
    let text = render(&mut a, 120, 40);
    let hints = hints_line(&text);
    assert!(hints.contains("n new-request"), "{hints}");
    assert!(!hints.contains("r reply"), "{hints}");
}

#[test]
fn the_hints_line_shows_remapped_keys() {
    let w = world();
    let mut keys = std::collections::BTreeMap::new();
    keys.insert(
        "delete".to_string(),
        phonedesk::config::KeyList::One("x".into()),
    );
    let ui = phonedesk::tui::UiOptions {
        keys,
        export_dir: w.dir.path().to_path_buf(),
        ..Default::default()
    };
    let mut a = phonedesk::tui::App::new(w.engine.clone(), admin(), ui, w.now).unwrap();
    press(&mut a, w.now, "j");
    let text = render(&mut a, 120, 40);
    let hints = hints_line(&text);
    assert!(
        hints.contains("x delete") && !hints.contains("d delete"),
        "{hints}"
    );
}

#[test]
fn enter_on_an_orders_details_shows_its_numbers_in_the_inventory() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, "1");
    // The oldest order's details (it completed), then its numbers in the Inventory.
    press(&mut a, w.now, "G<Enter>");
    let details = render(&mut a, 120, 40);
    assert!(details.contains("Orders › order-"), "{details}");
    press(&mut a, w.now, "<Enter>");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Inventory
    );
    let screen = render(&mut a, 120, 40);
    let order = w
        .engine
        .store()
        .order_summaries()
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .find(|id| details.contains(&format!("Orders › {id} ")))
        .expect("the details name their order");
    assert!(screen.contains(&format!("order:{order}")), "{screen}");
    let acquired: Vec<_> = w
        .engine
        .store()
        .order(&order)
        .unwrap()
        .unwrap()
        .numbers
        .into_iter()
        .filter(|n| n.status == phonedesk::domain::OrderedNumberStatus::Acquired)
        .map(|n| n.number)
        .collect();
    assert!(!acquired.is_empty());
    for n in &acquired {
        assert!(screen.contains(&n.national()), "{n}: {screen}");
    }
}
