//! Snapshots of every console screen and dialog at 80x24 and 120x40, on ratatui's
//! `TestBackend`, with a fixed clock and fixed data.

mod tui_common;

use phonedesk::domain::*;
use tui_common::*;

fn snap(name: &str, keys: &str) {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let world = world();
        let mut a = app(&world);
        press(&mut a, world.now, keys);
        let text = render(&mut a, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

#[test]
fn inventory() {
    snap("inventory", "");
    // A calling name cut to its column ends in an ellipsis at a word's end, never mid-word.
    let world = world();
    let mut a = app(&world);
    let text = render(&mut a, 80, 24);
    assert!(text.contains("Acme Sales (in…│"), "{text}");
}

#[test]
fn inventory_marked_and_filtered() {
    snap("inventory_marked", "j<Space><Space>");
    snap("inventory_filter", "/acme<Enter>");
}

#[test]
fn inventory_details() {
    snap("inventory_details", "j<Enter>");
}

#[test]
fn inventory_dialogs() {
    snap("assign_account", "ja");
    snap("assign_user", "ja<Enter>");
    snap("assign_voice_connector_type", "jjjja");
    snap("unassign_confirm", "u");
    snap("delete_confirm", "j<Space><Space>d<Enter>");
    snap("product_type", "jt");
    snap("default_name_form", "NAcme, Inc");
    snap("unique_name_form", "jjjnX");
}

#[test]
fn inventory_refused() {
    // Refused at the key, before any confirmation: the first row is assigned.
    snap("refused_delete", "d");
}

#[test]
fn orders_and_details() {
    snap("orders", "1");
    snap("order_details", "1<Enter>");
}

#[test]
fn pending() {
    snap("pending", "2");
    snap("pending_details", "2<Enter>");
    snap(
        "pending_port_in",
        &format!("{PORT_IN_1}{PORT_IN_2}<Enter>2"),
    );
    snap(
        "pending_port_in_details",
        &format!("{PORT_IN_1}{PORT_IN_2}<Enter>2G<Enter>"),
    );
}

#[test]
fn provisioning_wizard() {
    snap("provision_product", "p");
    snap("provision_search", "pj<Enter><Tab><Tab><Tab>5");
    snap(
        "provision_results",
        "p<Enter><Tab><Tab><Tab>425<Enter><Space>",
    );
}

#[test]
fn overlays() {
    snap("help", "?");
    snap("command_line", ":de");
    snap("quit_confirm", "N Ab<C-c>");
}

const DELETE_TWO: &str = "j<Space><Space>d<Space><Enter>";
const PLAIN_REQUEST: &str = "5n<Right><Tab>Invoice<Tab>Wrong total<Tab>ana@example.com<Enter>";
const PORT_IN_1: &str = "5i+12062151234, +12062159876<Tab><Tab><Tab><Tab>ana@example.com<Enter>";
const PORT_IN_2: &str = "+12062151000<Tab>Ana Lima<Tab>Northwind Telecom<Tab>98765432<Tab>4321<Tab>410 Terry Ave N, Seattle, WA 98109<Tab>Example Corp";

#[test]
fn deletion_queue() {
    snap("deletion_queue_empty", "4");
    snap("deletion_queue", &format!("{DELETE_TWO}4"));
    snap("deletion_queue_marked", &format!("{DELETE_TWO}4<Space>"));
    snap("deletion_queue_help", &format!("{DELETE_TWO}4?"));
}

#[test]
fn support_list_and_request() {
    snap("support_empty", "5");
    snap(
        "support_list",
        &format!("{PLAIN_REQUEST}<Esc>{PORT_IN_1}{PORT_IN_2}<Enter><Esc>"),
    );
    snap(
        "support_port_in_request",
        &format!("{PORT_IN_1}{PORT_IN_2}<Enter>"),
    );
    snap("support_plain_request", PLAIN_REQUEST);
}

#[test]
fn support_forms() {
    snap("support_plain_form", "5n<Tab>S");
    snap("support_port_in_form_1", "5i+12062151234, 555");
    snap("support_port_in_form_2", &format!("{PORT_IN_1}{PORT_IN_2}"));
    snap(
        "support_port_in_refused",
        "5i+14165550123<Tab><Tab><Tab><Tab>ana@example.com<Enter>+12062151000<Tab>Ana Lima<Tab><Tab><Tab><Tab>410 Terry Ave N<Tab>Example Corp<Enter>",
    );
    snap("support_port_out_form", "5o");
    snap(
        "support_plain_form_lines",
        "5n<Tab>Dropped calls<Tab>First line<Enter>second line",
    );
    snap("support_form_discard", "5n<Tab>Invoice<Esc>");
    snap(
        "support_port_in_pin_revealed",
        &format!("{PORT_IN_1}<Tab><Tab><Tab><Tab>4321<C-r>"),
    );
    snap(
        "support_loa_form",
        &format!("{PORT_IN_1}{PORT_IN_2}<Enter>L"),
    );
    snap("support_reply_form", &format!("{PLAIN_REQUEST}rThanks"));
    snap("support_cancel_confirm", &format!("{PLAIN_REQUEST}c"));
}

#[test]
fn support_port_out_answered() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let world = world();
        let mut a = app(&world);
        let n = world.inventory[3].to_string();
        press(
            &mut a,
            world.now,
            &format!("5o{n}<Tab><Tab>ana@example.com<Enter>"),
        );
        let mut rx = world.engine.subscribe();
        let later = world.now.plus(std::time::Duration::from_secs(86_400 + 60));
        world.engine.run_due(later).unwrap();
        while let Ok(ev) = rx.try_recv() {
            a.handle_event(ev, later);
        }
        insta::assert_snapshot!(
            format!("support_port_out_masked_{w}x{h}"),
            render(&mut a, w, h)
        );
        press(&mut a, later, "v");
        insta::assert_snapshot!(
            format!("support_port_out_revealed_{w}x{h}"),
            render(&mut a, w, h)
        );
    }
}

#[test]
fn directory() {
    snap("directory_users", "6");
    snap("directory_permission_note", "6jc");
    snap("directory_connectors", "6]");
    snap("directory_groups", "6]]");
    snap("directory_user_form", "6nCy");
    snap("directory_account_form", "6A");
    snap("directory_connector_form", "6]nTrunk West<Tab><Right>");
    snap("directory_connector_edit", "6]e");
    snap("directory_group_form", "6]]nMain<Tab><Space><Tab>1");
    snap("directory_delete_confirm", "6]d");
}

#[test]
fn audit() {
    // A refused action is audited: dismissing a number still being acquired.
    snap("audit", "2x7");
    snap("audit_entry", "2x7<Enter>");
    snap("audit_filtered", "2x7/refused<Enter>");
}

#[test]
fn too_small() {
    let world = world();
    let mut a = app(&world);
    insta::assert_snapshot!("too_small_50x12", render(&mut a, 50, 12));
}

#[test]
fn minimum_size() {
    let world = world();
    let mut a = app(&world);
    insta::assert_snapshot!("minimum_60x15", render(&mut a, 60, 15));
}

#[test]
fn inventory_sorted() {
    // By product type, descending (Shift-P twice): the header shows the order.
    snap("inventory_sorted", "PP");
}

/// The fixture with a SIP media application (IVR): the last Voice Connector number
/// switched to SIP Media Application Dial-In and routed to it by a SIP rule, and the third
/// number switched too but not assigned yet.
fn world_with_sma() -> World {
    let w = world();
    let e = &w.engine;
    let a = admin();
    let sma = SmaId(
        e.dispatch(
            &a,
            Action::CreateSipMediaApplication {
                name: "IVR".into(),
                region: "us-east-1".into(),
            },
            w.now,
        )
        .unwrap()
        .created
        .unwrap(),
    );
    let (routed, waiting) = (w.inventory[5].clone(), w.inventory[2].clone());
    e.dispatch(
        &a,
        Action::SwitchProductType {
            numbers: vec![routed.clone(), waiting],
            product_type: ProductType::SipMediaApplicationDialIn,
        },
        w.now,
    )
    .unwrap();
    e.dispatch(
        &a,
        Action::Assign {
            numbers: vec![routed],
            to: Assignee::SipMediaApplication(sma),
        },
        w.now,
    )
    .unwrap();
    w
}

fn snap_sma(name: &str, keys: &str) -> Vec<String> {
    let mut texts = Vec::new();
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let world = world_with_sma();
        let mut a = app(&world);
        press(&mut a, world.now, keys);
        let text = render(&mut a, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
        texts.push(text);
    }
    texts
}

#[test]
fn sip_media_applications_in_the_directory_and_the_assign_picker() {
    let w = world_with_sma();
    let routed = w.inventory[5].national();
    for text in snap_sma("directory_smas", "6]]]") {
        assert!(text.contains("IVR") && text.contains(&routed), "{text}");
    }
    // Enter: the application's numbers in the Inventory.
    for text in snap_sma("directory_sma_numbers", "6]]]<Enter>") {
        assert!(text.contains(&routed), "{text}");
        assert!(!text.contains(&w.inventory[4].national()), "{text}");
    }
    // A SIP Media Application Dial-In number is offered SIP media applications only...
    for text in snap_sma("assign_sip_media_application", "jja") {
        assert!(text.contains("IVR (us-east-1)"), "{text}");
        assert!(!text.contains("Voice connector group"), "{text}");
    }
    // ...and a Voice Connector number connectors and groups only.
    for text in snap_sma("assign_vc_kinds_beside_an_sma", "jjjja") {
        assert!(text.contains("Voice connector group"), "{text}");
        assert!(!text.contains("IVR (us-east-1)"), "{text}");
    }
    // Picking it assigns through a SIP rule.
    let mut a = app(&w);
    press(&mut a, w.now, "jja<Enter>");
    let p = w.engine.store().number(&w.inventory[2]).unwrap().unwrap();
    assert_eq!(
        p.assignee(),
        Some(&Assignee::SipMediaApplication(SmaId::from_seq(1)))
    );
    assert!(w
        .engine
        .store()
        .dial_in_rule(&w.inventory[2])
        .unwrap()
        .is_some());
}

/// The demo's Inventory at 80 columns: the calling name whose update is in progress
/// ("Front Desk (in 1 m 30 s)") no longer fits its column; it ends in an ellipsis at a
/// word's end instead of `Front Desk (in 1 m`.
#[test]
fn the_demo_inventory_cuts_text_with_an_ellipsis_at_80_columns() {
    use phonedesk::carrier::SimulatedCarrier;
    use phonedesk::engine::Engine;
    use phonedesk::store::{Store, StoreOptions};
    use std::sync::Arc;
    let mut w = empty_world();
    let store = Store::open(&StoreOptions::new(w.dir.path().join("demo"))).unwrap();
    let policy = phonedesk::demo::config(&phonedesk::config::Config::default()).policy();
    w.engine = Arc::new(Engine::new(
        store,
        Arc::new(SimulatedCarrier::new(2026, 0.0)),
        policy,
    ));
    phonedesk::demo::fill(&w.engine, w.now).unwrap();
    let mut a = app(&w);
    let text = render(&mut a, 80, 24);
    let line = text
        .lines()
        .find(|l| l.contains("Front Desk"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("Front Desk (in…│"), "{line}");
}
