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
