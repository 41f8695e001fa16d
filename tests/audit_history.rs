//! The audit log keeps what each action changed, field by field, and each number's own
//! history: read from a temporary sled database after real actions through the engine.

mod support;

use phonedesk::domain::*;
use phonedesk::store::AuditQuery;
use support::*;

/// Two numbers provisioned and acquired, and a voice connector to assign them to.
fn inventory(e: &phonedesk::engine::Engine) -> (Vec<E164>, VoiceConnectorId) {
    let (numbers, mut vcs) = acquired_with_connectors(e, 2, &["Main trunk"]);
    (numbers, vcs.remove(0))
}

#[test]
fn an_assignment_is_recorded_field_by_field_in_the_numbers_history() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), fast_policy(25), 0.0);
    let (numbers, vc) = inventory(&e);
    let to = Assignee::VoiceConnector(vc.clone());
    e.dispatch(
        &Actor::admin("alice"),
        Action::Assign {
            numbers: vec![numbers[0].clone()],
            to: to.clone(),
        },
        secs(200),
    )
    .unwrap();
    let history = e.store().history(&numbers[0], 100).unwrap();
    let actions: Vec<&str> = history.iter().map(|a| a.action.as_str()).collect();
    // Oldest first: ordered, acquired (the due order completing), assigned.
    assert_eq!(actions, ["provision", "complete due work", "assign"]);
    let assign = history.last().unwrap();
    assert_eq!(assign.actor, "alice");
    let changes: Vec<&NumberChange> = assign.changes.iter().map(|c| &c.change).collect();
    assert_eq!(
        changes,
        [
            &NumberChange::Status {
                before: "Unassigned".into(),
                after: "Assigned".into()
            },
            &NumberChange::Assignee {
                before: None,
                after: Some(to)
            },
        ]
    );
    // The other number's history has no assignment.
    let other = e.store().history(&numbers[1], 100).unwrap();
    assert!(other.iter().all(|a| a.action != "assign"));
    assert!(e.check().unwrap().is_empty());
}

#[test]
fn a_refused_action_is_in_the_history_of_the_numbers_it_named_and_changed_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), fast_policy(25), 0.0);
    let (numbers, _) = inventory(&e);
    let refused = e.dispatch(
        &admin(),
        Action::Restore {
            numbers: vec![numbers[0].clone()],
        },
        secs(200),
    );
    assert!(refused.is_err());
    let last = e.store().history(&numbers[0], 1).unwrap();
    assert_eq!(last.len(), 1);
    assert!(!last[0].ok);
    assert!(last[0].changes.is_empty());
    let failed = e
        .store()
        .audit_query(
            &AuditQuery {
                number: Some(numbers[0].clone()),
                failed: true,
                ..AuditQuery::default()
            },
            10,
        )
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].action, "restore");
}

#[test]
fn audit_queries_combine_actor_action_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), fast_policy(25), 0.0);
    let (numbers, _) = inventory(&e);
    for (i, who) in ["alice", "bob", "alice"].into_iter().enumerate() {
        e.dispatch(
            &Actor::admin(who),
            Action::SetLabel {
                number: numbers[0].clone(),
                label: Some(format!("label {i}")),
            },
            secs(300 + i as i64 * 10),
        )
        .unwrap();
    }
    let q = |actor: Option<&str>, since: Option<i64>, until: Option<i64>| AuditQuery {
        actor: actor.map(String::from),
        action: Some("SET LABEL".into()),
        since: since.map(secs),
        until: until.map(secs),
        ..AuditQuery::default()
    };
    let all = e.store().audit_query(&q(None, None, None), 100).unwrap();
    assert_eq!(all.len(), 3);
    // Newest first.
    assert!(all[0].seq > all[1].seq && all[1].seq > all[2].seq);
    assert_eq!(
        e.store()
            .audit_query(&q(Some("alice"), None, None), 100)
            .unwrap()
            .len(),
        2
    );
    let middle = e
        .store()
        .audit_query(&q(None, Some(305), Some(315)), 100)
        .unwrap();
    assert_eq!(middle.len(), 1);
    assert_eq!(middle[0].actor, "bob");
    assert_eq!(
        middle[0].changes[0].change,
        NumberChange::Label {
            before: Some("label 0".into()),
            after: Some("label 1".into())
        }
    );
}

#[test]
fn the_retention_removes_old_entries_and_their_index_but_keeps_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), fast_policy(25), 0.0);
    let (numbers, _) = inventory(&e);
    let before = e.store().audit(1000).unwrap().len();
    assert!(before >= 3);
    // Nothing is removed without a retention.
    assert_eq!(e.prune_audit(secs(1_000_000)).unwrap(), 0);
    e.keep_audit_for(std::time::Duration::from_secs(3600));
    // Everything is older than an hour at this time, but the newest entry stays.
    assert_eq!(e.prune_audit(secs(1_000_000)).unwrap(), before - 1);
    let left = e.store().audit(1000).unwrap();
    assert_eq!(left.len(), 1);
    assert!(e.store().history(&numbers[0], 100).unwrap().len() <= 1);
    // The sequence goes on across a reopen: no entry number is used twice.
    let last = left[0].seq;
    drop(e);
    let e = open(dir.path(), fast_policy(25), 0.0);
    e.dispatch(
        &admin(),
        Action::SetLabel {
            number: numbers[0].clone(),
            label: Some("after".into()),
        },
        secs(1_000_001),
    )
    .unwrap();
    assert_eq!(e.store().audit(1).unwrap()[0].seq, last + 1);
    assert_eq!(
        e.store()
            .history(&numbers[0], 100)
            .unwrap()
            .last()
            .unwrap()
            .seq,
        last + 1
    );
}

#[test]
fn the_latest_entries_stop_at_a_budget_of_numbers_and_say_older_ones_were_left() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), fast_policy(25), 0.0);
    // The order and its completion: two entries naming 20 numbers each.
    let (numbers, _) = acquired_with_connectors(&e, 20, &[]);
    for (i, n) in numbers.iter().take(3).enumerate() {
        e.dispatch(
            &admin(),
            Action::SetLabel {
                number: n.clone(),
                label: Some(format!("desk {i}")),
            },
            secs(300 + i as i64),
        )
        .unwrap();
    }
    let store = e.store();
    let everything = store.audit(100).unwrap();
    // Enough for everything: all of it, and nothing left unread.
    let (all, more) = store.audit_latest(100, 1_000).unwrap();
    assert_eq!(all, everything);
    assert!(!more);
    // A budget of 4 numbers: the three label changes and the completion that crossed it.
    let (latest, more) = store.audit_latest(100, 4).unwrap();
    assert_eq!(latest, everything[..4]);
    assert!(more);
    // The newest entry always comes, even past the budget; the limit still holds.
    assert_eq!(store.audit_latest(100, 0).unwrap().0, everything[..1]);
    let (two, more) = store.audit_latest(2, 1_000).unwrap();
    assert_eq!(two, everything[..2]);
    assert!(!more, "the limit, not the budget, stopped it");
}
