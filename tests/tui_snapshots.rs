//! Snapshots of every console screen and dialog at 80x24 and 120x40, on ratatui's
//! `TestBackend`, with a fixed clock and fixed data.

mod tui_common;

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
    snap("refused_delete", "d<Space><Enter>");
}

#[test]
fn orders_and_details() {
    snap("orders", "1");
    snap("order_details", "1<Enter>");
}

#[test]
fn pending() {
    snap("pending", "2");
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

#[test]
fn not_built_yet_screens() {
    snap("deletion_queue_placeholder", "4");
}

#[test]
fn too_small() {
    let world = world();
    let mut a = app(&world);
    insta::assert_snapshot!("too_small_50x12", render(&mut a, 50, 12));
}
