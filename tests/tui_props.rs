//! Random key sequences over every screen never panic and never break an engine
//! invariant; time passes and the scheduler runs in between, as it does live.

mod tui_common;

use proptest::prelude::*;
use tui_common::*;

#[derive(Debug, Clone)]
enum Step {
    Keys(&'static str),
    Type(String),
    Draw(u16, u16),
    Wait(u64),
}

const KEYS: &[&str] = &[
    "j",
    "k",
    "h",
    "l",
    "g",
    "G",
    "<PgDn>",
    "<PgUp>",
    "<Home>",
    "<End>",
    "<Up>",
    "<Down>",
    "<Left>",
    "<Right>",
    "<Space>",
    "*",
    "<Enter>",
    "<Esc>",
    "<Tab>",
    "<BackTab>",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "p",
    "a",
    "r",
    "u",
    "t",
    "n",
    "N",
    "d",
    "e",
    "x",
    "s",
    "/",
    ":",
    "?",
    "q",
    "y",
    "<C-c>",
    "<BS>",
    "<C-a>",
    // Deletion queue, Support, Directory
    "m",
    "i",
    "o",
    "L",
    "c",
    "v",
    "[",
    "]",
    "A",
    // Sorts: Shift and a column's letter
    "O",
    "T",
    "S",
    "C",
    "U",
    "W",
    "R",
    "I",
    "E",
    "P",
    "M",
];

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => proptest::sample::select(KEYS).prop_map(Step::Keys),
        2 => "[a-zA-Z0-9 ,+\u{1b}-]{0,6}".prop_map(Step::Type),
        1 => proptest::sample::select(vec![(80u16, 24u16), (120, 40), (30, 8), (61, 15)]).prop_map(|(w, h)| Step::Draw(w, h)),
        1 => (1u64..400).prop_map(Step::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, max_shrink_iters: 100, ..ProptestConfig::default() })]

    #[test]
    fn random_keys_never_panic_nor_break_invariants(steps in proptest::collection::vec(step(), 1..60)) {
        let w = world();
        let mut a = app(&w);
        let mut rx = w.engine.subscribe();
        let mut now = w.now;
        for s in &steps {
            match s {
                Step::Keys(k) => press(&mut a, now, k),
                Step::Type(t) => {
                    for c in t.chars() {
                        a.handle_key(crossterm::event::KeyEvent::new(crossterm::event::KeyCode::Char(c), crossterm::event::KeyModifiers::NONE), now);
                    }
                }
                Step::Draw(width, height) => {
                    render(&mut a, *width, *height);
                }
                Step::Wait(secs) => {
                    now = now.plus(std::time::Duration::from_secs(*secs));
                    w.engine.run_due(now).unwrap();
                    a.tick(now);
                }
            }
            while let Ok(ev) = rx.try_recv() {
                a.handle_event(ev, now);
            }
        }
        render(&mut a, 80, 24);
        let problems = w.engine.check().unwrap();
        prop_assert!(problems.is_empty(), "{:?}", problems);
    }
}

/// A row for the table property: a key and a name to sort and filter by.
#[derive(Debug, Clone)]
struct Item(u16, String);

impl phonedesk::tui::widgets::table::Record for Item {
    type Key = u16;
    fn key(&self) -> u16 {
        self.0
    }
    fn label(&self) -> String {
        format!("item {}", self.0)
    }
    fn haystack(&self) -> String {
        self.1.clone()
    }
    fn compare(&self, other: &Self, column: usize) -> std::cmp::Ordering {
        match column {
            1 => self.1.cmp(&other.1),
            _ => self.0.cmp(&other.0),
        }
    }
}

fn items(keys: &std::collections::BTreeSet<u16>) -> Vec<Item> {
    keys.iter()
        .map(|k| Item(*k, format!("n{}", k % 7)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever the list becomes, the cursor stays on its record while the record is
    /// shown; else it is on a row that is shown (its neighbour), or the list is empty.
    #[test]
    fn the_cursor_keeps_its_record_through_refreshes_filters_and_sorts(
        first in proptest::collection::btree_set(0u16..60, 0..30),
        moves in proptest::collection::vec(0usize..12, 0..8),
        changes in proptest::collection::vec((proptest::collection::btree_set(0u16..60, 0..30), 0u8..4), 1..8),
    ) {
        use phonedesk::tui::keys::Cmd;
        use phonedesk::tui::widgets::table::Rows;
        let mut rows: Rows<Item> = Rows::default();
        rows.set_height(5);
        rows.set(items(&first));
        for m in moves {
            rows.apply([Cmd::Down, Cmd::Up, Cmd::PageDown, Cmd::Bottom][m % 4]);
        }
        for (keys, how) in changes {
            let before = rows.current().map(|i| i.0);
            match how {
                0 => { rows.set(items(&keys)); }
                1 => rows.sort_by(keys.len() % 2),
                2 => rows.set_filter(&format!("n{}", keys.len() % 7)),
                _ => rows.set_filter(""),
            }
            let now = rows.current().map(|i| i.0);
            let filter = rows.filter().to_string();
            let still_shown = before.is_some_and(|b| {
                rows.all().iter().any(|i| i.0 == b && (filter.is_empty() || i.1.contains(&filter)))
            });
            if still_shown {
                prop_assert_eq!(now, before, "how {}", how);
            }
            if !rows.is_empty() {
                prop_assert!(now.is_some());
            }
        }
    }
}
