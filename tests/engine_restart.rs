//! Restart safety: act, close, reopen, and find the same state; work that fell due while
//! the program was stopped completes on the next start, exactly once.

mod support;

use phonedesk::domain::*;
use support::*;

#[test]
fn state_survives_close_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let before = {
        let e = open(dir.path(), fast_policy(25), 0.0);
        let (local, _) = pool(&e, 3, 0);
        e.dispatch(
            &admin(),
            Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers: local,
            },
            secs(0),
        )
        .unwrap();
        e.dispatch(
            &admin(),
            Action::CreateAccount {
                name: "Acme".into(),
            },
            secs(1),
        )
        .unwrap();
        state(&e)
    };
    let e = open(dir.path(), fast_policy(25), 0.0);
    assert_eq!(state(&e), before);
    assert!(e.check().unwrap().is_empty());
    assert_eq!(e.store().audit(10).unwrap().len(), 2);
}

#[test]
fn work_due_while_stopped_completes_on_the_next_start_once() {
    let dir = tempfile::tempdir().unwrap();
    let (numbers, order) = {
        let e = open(dir.path(), fast_policy(25), 0.0);
        let (local, _) = pool(&e, 2, 0);
        let out = e
            .dispatch(
                &admin(),
                Action::Provision {
                    product_type: ProductType::VoiceConnector,
                    numbers: local.clone(),
                },
                secs(0),
            )
            .unwrap();
        (local, out.order.unwrap())
    };
    // Reopened long after the provisioning delay.
    {
        let e = open(dir.path(), fast_policy(25), 0.0);
        assert_eq!(e.run_due(secs(100)).unwrap(), 1);
        assert_eq!(
            e.store().order(&order).unwrap().unwrap().status(),
            OrderStatus::Successful
        );
        for n in &numbers {
            assert_eq!(
                e.store().number(n).unwrap().unwrap().status,
                NumberStatus::Unassigned
            );
        }
    }
    let e = open(dir.path(), fast_policy(25), 0.0);
    assert_eq!(e.run_due(secs(200)).unwrap(), 0, "nothing runs twice");
    let completions = e
        .store()
        .audit(100)
        .unwrap()
        .iter()
        .filter(|a| a.action == "complete due work")
        .count();
    assert_eq!(completions, 1);
}

#[test]
fn purges_and_name_updates_wait_for_their_time_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let n = {
        let e = open(dir.path(), fast_policy(25), 0.0);
        let (local, _) = pool(&e, 1, 0);
        let n = local[0].clone();
        e.dispatch(
            &admin(),
            Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers: local,
            },
            secs(0),
        )
        .unwrap();
        e.run_due(secs(10)).unwrap();
        e.dispatch(
            &admin(),
            Action::SetUniqueCallingName {
                number: n.clone(),
                name: CallingName::parse("Front Desk").unwrap(),
            },
            secs(11),
        )
        .unwrap();
        e.dispatch(
            &admin(),
            Action::Delete {
                numbers: vec![n.clone()],
            },
            secs(12),
        )
        .unwrap();
        n
    };
    {
        let e = open(dir.path(), fast_policy(25), 0.0);
        e.run_due(secs(83)).unwrap(); // name update done (72 s), purge not yet (168 s)
        let p = e.store().number(&n).unwrap().unwrap();
        assert_eq!(p.calling_name.status, CallingNameStatus::UpdateSucceeded);
        assert!(p.deleted_at().is_some());
    }
    let e = open(dir.path(), fast_policy(25), 0.0);
    e.run_due(secs(12 + 7 * 24)).unwrap();
    assert!(e.store().number(&n).unwrap().is_none(), "purged");
    assert!(e.store().scheduled().unwrap().is_empty());
    assert!(e.check().unwrap().is_empty());
}

#[test]
fn a_second_process_is_told_the_database_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _held = open(dir.path(), fast_policy(25), 0.0);
    let second =
        phonedesk::store::Store::open(&phonedesk::store::StoreOptions::new(dir.path().join("db")));
    let message = second.err().expect("refused").to_string();
    assert!(
        message.contains("in use by another phonedesk process"),
        "{message}"
    );
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path(), fast_policy(25), 0.0));
    {
        let db = sled::open(dir.path().join("db")).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("schema_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let e =
        phonedesk::store::Store::open(&phonedesk::store::StoreOptions::new(dir.path().join("db")));
    let message = e.err().expect("refused").to_string();
    assert!(
        message.contains("newer phonedesk") && message.contains("99"),
        "{message}"
    );
}

#[test]
fn a_damaged_record_refuses_the_action_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let number = {
        let e = open(dir.path(), fast_policy(25), 0.0);
        let (local, _) = pool(&e, 1, 0);
        e.dispatch(
            &admin(),
            Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers: local.clone(),
            },
            secs(0),
        )
        .unwrap();
        e.run_due(secs(10)).unwrap();
        local[0].clone()
    };
    {
        let db = sled::open(dir.path().join("db")).unwrap();
        db.open_tree("numbers")
            .unwrap()
            .insert(number.as_str(), &b"\xff\xff garbage"[..])
            .unwrap();
        db.flush().unwrap();
    }
    let e = open(dir.path(), fast_policy(25), 0.0);
    let before = e.store().audit(100).unwrap();
    let err = e
        .dispatch(
            &admin(),
            Action::Delete {
                numbers: vec![number.clone()],
            },
            secs(20),
        )
        .expect_err("refused");
    let message = err.to_string();
    assert!(message.contains("damaged"), "{message}");
    assert_eq!(
        e.store().audit(100).unwrap(),
        before,
        "nothing written, not even an audit line"
    );
    // The next action on sound records goes through.
    e.dispatch(
        &admin(),
        Action::CreateAccount {
            name: "Acme".into(),
        },
        secs(21),
    )
    .unwrap();
}

#[test]
fn a_sled_database_without_phonedesk_records_is_refused_not_started_afresh() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path().join("db")).unwrap();
        db.insert("someone else's", "data").unwrap();
        db.flush().unwrap();
    }
    let e =
        phonedesk::store::Store::open(&phonedesk::store::StoreOptions::new(dir.path().join("db")));
    let message = e.err().expect("refused").to_string();
    assert!(
        message.contains("damaged, or not a phonedesk database"),
        "{message}"
    );
}

#[test]
fn a_file_where_the_database_directory_should_be_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("db");
    std::fs::write(&file, "not a database").unwrap();
    let e = phonedesk::store::Store::open(&phonedesk::store::StoreOptions::new(&file));
    let message = e.err().expect("refused").to_string();
    assert!(message.contains("it is a file"), "{message}");
}
