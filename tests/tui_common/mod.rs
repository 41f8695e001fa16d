//! Fixtures for the console's tests: a temporary store with fixed data, a fixed clock, key
//! sequences written as text, and rendering on ratatui's `TestBackend`.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use phonedesk::carrier::SimulatedCarrier;
use phonedesk::domain::*;
use phonedesk::engine::Engine;
use phonedesk::store::{Store, StoreOptions};
use phonedesk::tui::{App, UiOptions};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::sync::Arc;
use std::time::Duration;

pub struct World {
    pub engine: Arc<Engine>,
    pub dir: tempfile::TempDir,
    pub now: Timestamp,
    pub inventory: Vec<E164>,
    pub pending: Vec<E164>,
}

pub fn t0() -> Timestamp {
    Timestamp::parse("2026-11-25T09:00:00Z").unwrap()
}

pub fn admin() -> Actor {
    Actor::admin("ana")
}

pub fn at(s: u64) -> Timestamp {
    t0().plus(Duration::from_secs(s))
}

pub fn empty_world() -> World {
    // Times show in UTC here, whatever zone the machine running the tests is in.
    phonedesk::local_time::use_zone(phonedesk::domain::TimeZone::UTC);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&StoreOptions::new(dir.path().join("db"))).unwrap();
    let engine = Arc::new(Engine::new(
        store,
        Arc::new(SimulatedCarrier::new(2026, 0.0)),
        Policy::default(),
    ));
    World {
        engine,
        dir,
        now: t0(),
        inventory: Vec::new(),
        pending: Vec::new(),
    }
}

fn created(o: &Outcome) -> String {
    o.created.clone().expect("an id")
}

/// Six numbers in the inventory (four Business Calling, two Voice Connector; one assigned,
/// one with a calling name update in progress), two pending, an account with two users
/// and a voice connector.
pub fn world() -> World {
    let mut w = empty_world();
    let e = &w.engine;
    let a = admin();
    let acct = AccountId(created(
        &e.dispatch(
            &a,
            Action::CreateAccount {
                name: "Acme".into(),
            },
            t0(),
        )
        .unwrap(),
    ));
    let mut users = Vec::new();
    for (name, email) in [
        ("Ana Lima", "ana@example.com"),
        ("Bo Chen", "bo@example.com"),
    ] {
        let o = e
            .dispatch(
                &a,
                Action::CreateUser {
                    account: acct.clone(),
                    name: name.into(),
                    email: email.into(),
                },
                t0(),
            )
            .unwrap();
        users.push(UserId(created(&o)));
    }
    e.dispatch(
        &a,
        Action::CreateVoiceConnector {
            name: "Trunk East".into(),
            region: "us-east-1".into(),
            encryption: true,
        },
        t0(),
    )
    .unwrap();
    let found = e
        .search(&SearchQuery::us().with_area_code(206).with_limit(6))
        .unwrap();
    let nums: Vec<E164> = found.iter().map(|f| f.number.clone()).collect();
    e.dispatch(
        &a,
        Action::Provision {
            product_type: ProductType::BusinessCalling,
            numbers: nums[..4].to_vec(),
        },
        t0(),
    )
    .unwrap();
    e.dispatch(
        &a,
        Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: nums[4..].to_vec(),
        },
        t0(),
    )
    .unwrap();
    e.run_due(at(61)).unwrap();
    e.dispatch(
        &a,
        Action::Assign {
            numbers: vec![nums[0].clone()],
            to: Assignee::User {
                account: acct,
                user: users[0].clone(),
            },
        },
        at(70),
    )
    .unwrap();
    e.dispatch(
        &a,
        Action::SetUniqueCallingName {
            number: nums[1].clone(),
            name: CallingName::parse("Acme Sales").unwrap(),
        },
        at(80),
    )
    .unwrap();
    let more = e
        .search(&SearchQuery::us().with_area_code(312).with_limit(2))
        .unwrap();
    let pending: Vec<E164> = more.iter().map(|f| f.number.clone()).collect();
    e.dispatch(
        &a,
        Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: pending.clone(),
        },
        at(120),
    )
    .unwrap();
    w.inventory = nums;
    w.pending = pending;
    w.now = at(130);
    w
}

pub fn app(w: &World) -> App {
    app_as(w, admin(), w.now)
}

/// A console for `actor` (a viewer...), opened at `now`.
pub fn app_as(w: &World, actor: Actor, now: Timestamp) -> App {
    let ui = UiOptions {
        export_dir: w.dir.path().to_path_buf(),
        ..UiOptions::default()
    };
    App::new(Arc::clone(&w.engine), actor, ui, now).unwrap()
}

/// Keys as text: plain characters, and `<Enter>`, `<Esc>`, `<Tab>`, `<BackTab>`, `<Up>`,
/// `<Down>`, `<Left>`, `<Right>`, `<PgUp>`, `<PgDn>`, `<Home>`, `<End>`, `<BS>`, `<C-x>`.
pub fn parse_keys(text: &str) -> Vec<KeyEvent> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '<' {
            out.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
            continue;
        }
        let name: String = chars.by_ref().take_while(|c| *c != '>').collect();
        let ev = match name.as_str() {
            "Enter" => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            "Esc" => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
            "Tab" => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
            "BackTab" => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            "Up" => KeyEvent::new(KeyCode::Up, KeyModifiers::NONE),
            "Down" => KeyEvent::new(KeyCode::Down, KeyModifiers::NONE),
            "Left" => KeyEvent::new(KeyCode::Left, KeyModifiers::NONE),
            "Right" => KeyEvent::new(KeyCode::Right, KeyModifiers::NONE),
            "PgUp" => KeyEvent::new(KeyCode::PageUp, KeyModifiers::NONE),
            "PgDn" => KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE),
            "Home" => KeyEvent::new(KeyCode::Home, KeyModifiers::NONE),
            "End" => KeyEvent::new(KeyCode::End, KeyModifiers::NONE),
            "BS" => KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
            "Space" => KeyEvent::new(KeyCode::Char(' '), KeyModifiers::NONE),
            n if n.starts_with("C-") => KeyEvent::new(
                KeyCode::Char(n.chars().nth(2).unwrap()),
                KeyModifiers::CONTROL,
            ),
            other => panic!("unknown key <{other}>"),
        };
        out.push(ev);
    }
    out
}

pub fn press(app: &mut App, now: Timestamp, keys: &str) {
    for k in parse_keys(keys) {
        app.handle_key(k, now);
    }
}

/// The screen as text, drawn at `w` x `h`.
pub fn render(app: &mut App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| app.draw(f)).unwrap();
    format!("{}", term.backend())
}
