//! A full disk, for real: the database lives on a small tmpfs that the test fills. Changes
//! are refused in plain words and leave the store as it was; reads, exports and `check`
//! still work; once space is free the same process writes again, without a restart.
//! (`ssh_server.rs` does the same with `phonedesk serve`.)

mod cli_common;
mod small_disk;
mod support;

use cli_common::Desk;
use phonedesk::domain::*;
use phonedesk::engine::EngineError;
use phonedesk::store::{AuditEntry, Store, StoreError, StoreOptions};
use small_disk::{assert_plain_disk_full, SmallDisk};

#[test]
fn on_a_full_disk_commands_read_but_refuse_changes_in_words() {
    let Some(disk) = SmallDisk::mount(16) else {
        return;
    };
    let mut d = Desk::new();
    d.db = disk.path().join("db");
    d.example_account();
    let n = d.available(&["--area-code", "206"], 2);
    d.provisioned("vc", &n);
    d.ok(&["label", &n[0], "front desk"]);
    // Work that falls due while the disk is full.
    let due = d.available(&["--area-code", "503"], 1);
    d.ok(&["provision", "--product-type", "vc", &due[0]]);
    let before = d.snapshot();

    disk.fill();
    cli_common::sleep_ms(1100);
    // Reads, exports and check open the database and answer; the due work waits.
    let read = |args: &[&str]| {
        let out = d.run(args);
        assert_eq!(out.code, 0, "{out:?}");
        cli_common::assert_one_line(&out.stderr, "due work waits: the disk is full");
        out
    };
    let shown = read(&["--json", "numbers", "show", &due[0]]).json();
    assert_eq!(shown["status"], "AcquireInProgress");
    assert_eq!(
        read(&["--json", "numbers", "list"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(read(&["export", "--format", "csv"])
        .stdout
        .contains("front desk"));
    assert!(read(&["check"]).stdout.contains("sound"));
    assert!(read(&["audit"]).stdout.contains("label"));
    // A change is refused in words, and nothing changed.
    let out = d.run(&["directory", "accounts", "create", "Other Corp"]);
    assert_eq!(out.code, 1, "{out:?}");
    let refusal = format!(
        "phonedesk: the disk is full: free some space on the disk holding {}; phonedesk writes again as soon as there is room",
        d.db.display()
    );
    assert_eq!(out.stderr.lines().last(), Some(refusal.as_str()), "{out:?}");
    assert_plain_disk_full(&out.stderr);
    let out = d.run(&["--json", "delete", "-y", &n[1]]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_plain_disk_full(out.json()["error"].as_str().unwrap());
    assert_eq!(read(&["dump"]).stdout, before);

    disk.free();
    d.ok(&["directory", "accounts", "create", "Other Corp"]);
    assert_eq!(d.status(&due[0]), "Unassigned");
    d.ok(&["delete", "-y", &n[1]]);
    d.check_sound();
}

/// A console or `phonedesk serve` keeps one engine for days: it must write again once the
/// disk has room, without a restart.
#[test]
fn a_running_engine_writes_again_once_space_is_free() {
    let Some(disk) = SmallDisk::mount(16) else {
        return;
    };
    let engine = support::open(disk.path(), support::fast_policy(25), 0.0);
    let admin = support::admin();
    let create = |name: &str| Action::CreateAccount { name: name.into() };
    engine
        .dispatch(&admin, create("Example Corp"), support::secs(1))
        .unwrap();
    let before = support::state(&engine);

    disk.fill();
    for attempt in 0..3 {
        match engine.dispatch(&admin, create("Other Corp"), support::secs(2 + attempt)) {
            Err(EngineError::Store(e @ StoreError::DiskFull { .. })) => {
                assert_plain_disk_full(&e.to_string())
            }
            other => panic!("not refused for the full disk: {other:?}"),
        }
    }
    assert_eq!(support::state(&engine), before, "a refused change showed");
    assert!(engine.check().unwrap().is_empty());

    disk.free();
    engine
        .dispatch(&admin, create("Other Corp"), support::secs(10))
        .expect("writes again once there is room");
    assert_eq!(engine.store().accounts().unwrap().len(), 2);
    assert!(engine.check().unwrap().is_empty());
}

fn labelled(i: usize) -> PhoneNumber {
    let n = E164::from_stored(format!("+1206555{i:04}"));
    let mut p = PhoneNumber::new(
        n,
        ProductType::VoiceConnector,
        NumberStatus::Unassigned,
        support::T0,
    );
    p.label = Some(format!("{i:0>250}"));
    p
}

fn audit() -> AuditEntry {
    AuditEntry {
        seq: 0,
        at: support::T0,
        actor: "tester".into(),
        role: Role::Admin,
        action: "test".into(),
        detail: String::new(),
        result: String::new(),
        ok: true,
        numbers: Vec::new(),
        changes: Vec::new(),
    }
}

/// A write that sled starts and cannot finish (the disk filled under it) leaves sled
/// refusing every later write with that error; the store reopens the database, so reads
/// show what is on disk and writes work again once there is room.
#[test]
fn a_write_the_disk_could_not_hold_is_undone_and_writing_resumes() {
    let Some(disk) = SmallDisk::mount(16) else {
        return;
    };
    let mut options = StoreOptions::new(disk.path().join("db"));
    // Let the write start whatever the free space, so that it fails inside sled.
    options.min_free_bytes = 0;
    let store = Store::open(&options).unwrap();
    store
        .apply(&[Change::PutNumber(labelled(0))], &mut audit())
        .unwrap();
    // About a megabyte: more than the log segment sled writes into.
    let big: Vec<Change> = (1..3000).map(|i| Change::PutNumber(labelled(i))).collect();

    disk.fill();
    let e = store.apply(&big, &mut audit()).unwrap_err();
    assert_plain_disk_full(&e.to_string());
    assert_eq!(
        store.all_numbers().unwrap().len(),
        1,
        "the failed write shows"
    );
    assert_eq!(store.audit(10).unwrap().len(), 1);
    assert!(store.check_indexes().unwrap().is_empty());

    disk.free();
    store
        .apply(&[Change::PutNumber(labelled(5000))], &mut audit())
        .expect("writes again once there is room");
    store.apply(&big, &mut audit()).unwrap();
    assert_eq!(store.all_numbers().unwrap().len(), 3001);
    drop(store);
    // sled lets go of its file lock a moment after it is closed.
    let store = (0..100)
        .find_map(|_| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            Store::open(&options).ok()
        })
        .expect("opens again");
    assert_eq!(store.all_numbers().unwrap().len(), 3001);
    assert_eq!(store.audit(10).unwrap().len(), 3);
    assert!(store.check_indexes().unwrap().is_empty());
}
