//! Saved views (`[[tui.views]]`: a filter, a sort and columns for a screen, reached with
//! `:view NAME` or `:NAME`), the columns of each screen (`[tui.columns]`), `:sort`, and
//! the configuration's errors for them in plain words. On ratatui's `TestBackend`.

mod tui_common;

use phonedesk::config::Config;
use phonedesk::tui::{App, UiOptions};
use std::path::Path;
use std::sync::Arc;
use tui_common::*;

const CONFIG: &str = r#"
[tui.columns]
inventory = ["status", "number", "assigned-to"]

[[tui.views]]
name = "unassigned"
screen = "inventory"
filter = "status:unassigned"
sort = "number desc"
columns = ["number", "product-type"]

[[tui.views]]
name = "failed-orders"
screen = "orders"
filter = "status:failed"
"#;

fn app_with(w: &World, toml: &str) -> Result<App, String> {
    let config = Config::parse(toml, Path::new("config.toml")).map_err(|e| e.to_string())?;
    let ui = UiOptions {
        export_dir: w.dir.path().to_path_buf(),
        ..UiOptions::from_config(&config.tui)
    };
    App::new(Arc::clone(&w.engine), admin(), ui, w.now).map_err(|e| e.to_string())
}

/// The header line of the table (the line under the title).
fn header(text: &str) -> String {
    text.lines().nth(3).unwrap_or_default().to_string()
}

#[test]
fn columns_are_chosen_and_ordered_per_screen_at_every_width() {
    let w = world();
    let mut a = app_with(&w, CONFIG).unwrap();
    for (width, height) in [(80, 24), (120, 40)] {
        let text = render(&mut a, width, height);
        let h = header(&text);
        let (status, number, who) = (
            h.find("Status").expect("Status"),
            h.find("Number").expect("Number"),
            h.find("Assigned to").expect("Assigned to"),
        );
        assert!(status < number && number < who, "{h}");
        assert!(!h.contains("Calling name") && !h.contains("Type"), "{h}");
        // The numbers still read in full: the widths follow the terminal.
        assert!(text.contains(&w.inventory[0].national()), "{text}");
    }
    // Without the section: every column, as before.
    let mut plain = app(&w);
    assert!(header(&render(&mut plain, 120, 40)).contains("Calling name"));
}

#[test]
fn a_saved_view_sets_the_screen_filter_sort_and_columns() {
    let w = world();
    let mut a = app_with(&w, CONFIG).unwrap();
    press(&mut a, w.now, "1:view unassigned<Enter>");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Inventory
    );
    let text = render(&mut a, 120, 40);
    assert!(text.contains("/status:unassigned"), "{text}");
    let h = header(&text);
    assert!(h.contains("Number▼") && h.contains("Product type"), "{h}");
    assert!(!h.contains("Assigned to"), "{h}");
    // Sorted descending: the largest unassigned number first, the assigned one hidden.
    let mut unassigned: Vec<_> = w.inventory[1..].to_vec();
    unassigned.sort();
    let first = unassigned.last().unwrap().national();
    let rows: Vec<&str> = text.lines().skip(4).collect();
    assert!(rows[0].contains(&first), "{text}");
    assert!(!text.contains(&w.inventory[0].national()), "{text}");

    // By its own name, from another screen; and a view of another screen.
    press(&mut a, w.now, "<Esc>2:failed-orders<Enter>");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Orders
    );
    assert!(render(&mut a, 120, 40).contains("/status:failed"));
    press(&mut a, w.now, ":unassigned<Enter>");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Inventory
    );

    // An unknown view is said, with the ones there are; nothing moves.
    press(&mut a, w.now, "1:view nope<Enter>");
    assert_eq!(
        a.current_screen(),
        phonedesk::tui::screens::ScreenId::Orders
    );
    assert!(
        a.status_text()
            .contains("there is no view “nope”; the views are unassigned, failed-orders"),
        "{}",
        a.status_text()
    );
}

#[test]
fn tab_completes_view_names_and_sort_columns() {
    let w = world();
    let mut a = app_with(&w, CONFIG).unwrap();
    press(&mut a, w.now, ":view <Tab>");
    let line = render(&mut a, 120, 40);
    assert!(
        line.contains(":view unassigned   unassigned failed-orders"),
        "{line}"
    );
    press(&mut a, w.now, "<Esc>:fail<Tab><Enter>");
    assert!(render(&mut a, 120, 40).contains("/status:failed"));
    press(&mut a, w.now, "3:sort pro<Tab>");
    assert!(render(&mut a, 120, 40).contains(":sort product-type "));
}

#[test]
fn sort_by_name_and_its_errors() {
    let w = world();
    let mut a = app(&w);
    press(&mut a, w.now, ":sort status desc<Enter>");
    assert_eq!(a.status_text(), "Sorted by Status, descending.");
    assert!(header(&render(&mut a, 120, 40)).contains("Status▼"));
    press(&mut a, w.now, ":sort colour<Enter>");
    assert!(
        a.status_text()
            .starts_with(":sort: the Inventory screen does not sort by “colour”; use number, type"),
        "{}",
        a.status_text()
    );
    assert!(header(&render(&mut a, 120, 40)).contains("Status▼"));
}

#[test]
fn configuration_errors_name_the_entry_and_list_what_is_valid() {
    let w = world();
    let cases = [
        (
            "[tui.columns]\ninventory = [\"number\", \"colour\"]\n",
            "[tui.columns] `inventory`: “colour” is not a column of the Inventory screen; use number, type, product-type, status, assigned-to, calling-name, e164, calls, sms",
        ),
        (
            "[tui.columns]\ninvetory = [\"number\"]\n",
            "[tui.columns] `invetory`: “invetory” is not a list screen; use orders, pending, inventory, deletion-queue, support, audit, jobs",
        ),
        (
            "[[tui.views]]\nname = \"x\"\nscreen = \"orders\"\nsort = \"when\"\n",
            "[[tui.views]] `x` `sort`: the Orders screen does not sort by “when”; use order, type, product-type, status, created, numbers, completed, with desc after it for the other way round",
        ),
        (
            "[tui.columns]\ninventory = \"number\"\n",
            "line 2: `inventory` must be a list of column names in quotes, e.g. [\"number\", \"status\"]",
        ),
    ];
    for (toml, says) in cases {
        let e = app_with(&w, toml).err().expect("refused");
        assert!(e.contains(says), "{toml}\n{e}");
        assert!(!e.contains("expected") && !e.contains("Error"), "{e}");
    }
    // An unknown key in a view: named with its line, and the keys a view has (as every
    // section of the configuration says it).
    let e = app_with(
        &w,
        "[[tui.views]]\nname = \"x\"\nscreen = \"orders\"\ncolour = \"red\"\n",
    )
    .err()
    .expect("refused");
    assert!(
        e.contains("line 4") && e.contains("`colour`") && e.contains("`name`, `screen`"),
        "{e}"
    );
}
