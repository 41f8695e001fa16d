//! Undo through the engine on a temporary sled database: the rules it keeps (own changes,
//! the window, nothing changed since) and, as a property, that an accepted undo returns
//! the inventory to what it was before the change.

mod support;

use phonedesk::domain::*;
use phonedesk::engine::{Engine, EngineError};
use proptest::prelude::*;
use support::*;

/// Four acquired numbers and two voice connectors.
fn world(e: &Engine) -> (Vec<E164>, Vec<Assignee>) {
    let (numbers, vcs) = acquired_with_connectors(e, 4, &["Trunk A", "Trunk B"]);
    (
        numbers,
        vcs.into_iter().map(Assignee::VoiceConnector).collect(),
    )
}

fn refusal(r: Result<Outcome, EngineError>) -> String {
    r.expect_err("undo should be refused").to_string()
}

#[test]
fn undo_takes_back_an_assignment_and_is_itself_audited() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), fast_policy(25), 0.0);
    let (numbers, vcs) = world(&e);
    let before = fields(&e);
    let alice = Actor::admin("alice");
    e.dispatch(
        &alice,
        Action::Assign {
            numbers: numbers[..2].to_vec(),
            to: vcs[0].clone(),
        },
        secs(200),
    )
    .unwrap();
    let listed = e.undoable(&alice, secs(201)).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].1, None, "it can be undone");
    let o = e.undo(&alice, None, secs(201)).unwrap();
    assert!(o.message.starts_with("Undid entry"), "{}", o.message);
    assert_eq!(fields(&e), before);
    let last = &e.store().audit(1).unwrap()[0];
    assert_eq!(last.action, "undo");
    assert!(last.detail.contains("(assign)"), "{}", last.detail);
    // Once undone, it has changed since: a second undo of it is refused.
    let seq = listed[0].0.seq;
    let again = refusal(e.undo(&alice, Some(seq), secs(202)));
    assert!(again.contains("has changed since"), "{again}");
    assert!(e.check().unwrap().is_empty());
}

#[test]
fn undo_is_refused_for_someone_elses_change_after_the_window_and_after_a_later_change() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), fast_policy(25), 0.0);
    let (numbers, vcs) = world(&e);
    let (alice, bob) = (Actor::admin("alice"), Actor::admin("bob"));
    e.dispatch(
        &alice,
        Action::SetLabel {
            number: numbers[0].clone(),
            label: Some("lobby".into()),
        },
        secs(200),
    )
    .unwrap();
    let seq = e.store().audit(1).unwrap()[0].seq;
    let before = fields(&e);
    let theirs = refusal(e.undo(&bob, Some(seq), secs(201)));
    assert!(theirs.contains("alice's"), "{theirs}");
    let late = refusal(e.undo(&alice, Some(seq), secs(200 + 16 * 60)));
    assert!(late.contains("undo window of 15 m"), "{late}");
    assert_eq!(fields(&e), before, "refusals change nothing");
    // Bob relabels it: alice's undo would throw his change away.
    e.dispatch(
        &bob,
        Action::SetLabel {
            number: numbers[0].clone(),
            label: Some("front".into()),
        },
        secs(202),
    )
    .unwrap();
    let moved = refusal(e.undo(&alice, Some(seq), secs(203)));
    assert!(
        moved.contains("has changed since") && moved.contains("label"),
        "{moved}"
    );
    // Not a reversible action, and nothing to undo at all.
    let create = e.store().audit_query(
        &phonedesk::store::AuditQuery {
            action: Some("create voice connector".into()),
            ..Default::default()
        },
        1,
    );
    let create_seq = create.unwrap()[0].seq;
    let not = refusal(e.undo(&admin(), Some(create_seq), secs(204)));
    assert!(not.contains("cannot be undone"), "{not}");
    let nothing = refusal(e.undo(&Actor::admin("carol"), None, secs(204)));
    assert!(nothing.contains("nothing of yours"), "{nothing}");
    let _ = vcs;
}

#[test]
fn undoing_a_delete_restores_and_undoing_an_unassign_puts_each_number_back_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let e = open(dir.path(), fast_policy(25), 0.0);
    let (numbers, vcs) = world(&e);
    for (n, vc) in numbers[..2].iter().zip(&vcs) {
        e.dispatch(
            &admin(),
            Action::Assign {
                numbers: vec![n.clone()],
                to: vc.clone(),
            },
            secs(200),
        )
        .unwrap();
    }
    let assigned = fields(&e);
    e.dispatch(
        &admin(),
        Action::Unassign {
            numbers: numbers[..2].to_vec(),
        },
        secs(201),
    )
    .unwrap();
    e.undo(&admin(), None, secs(202)).unwrap();
    assert_eq!(fields(&e), assigned, "each back on its own connector");
    let before = fields(&e);
    e.dispatch(
        &admin(),
        Action::Delete {
            numbers: vec![numbers[3].clone()],
        },
        secs(203),
    )
    .unwrap();
    e.undo(&admin(), None, secs(204)).unwrap();
    assert_eq!(fields(&e), before);
    assert!(e.check().unwrap().is_empty());
}

#[derive(Debug, Clone)]
enum Op {
    Assign(usize, usize),
    Reassign(usize, usize),
    Unassign(usize),
    Label(usize, Option<&'static str>),
    Switch(usize, bool),
    Delete(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4usize, 0..2usize).prop_map(|(n, c)| Op::Assign(n, c)),
        (0..4usize, 0..2usize).prop_map(|(n, c)| Op::Reassign(n, c)),
        (0..4usize).prop_map(Op::Unassign),
        (
            0..4usize,
            prop::option::of(prop_oneof![Just("lobby"), Just("sales")])
        )
            .prop_map(|(n, l)| Op::Label(n, l)),
        (0..4usize, any::<bool>()).prop_map(|(n, bc)| Op::Switch(n, bc)),
        (0..4usize).prop_map(Op::Delete),
    ]
}

fn action(op: &Op, numbers: &[E164], vcs: &[Assignee]) -> Action {
    let one = |i: usize| vec![numbers[i].clone()];
    match op {
        Op::Assign(n, c) => Action::Assign {
            numbers: one(*n),
            to: vcs[*c].clone(),
        },
        Op::Reassign(n, c) => Action::Reassign {
            numbers: one(*n),
            to: vcs[*c].clone(),
        },
        Op::Unassign(n) => Action::Unassign { numbers: one(*n) },
        Op::Label(n, l) => Action::SetLabel {
            number: numbers[*n].clone(),
            label: l.map(String::from),
        },
        Op::Switch(n, bc) => Action::SwitchProductType {
            numbers: one(*n),
            product_type: if *bc {
                ProductType::BusinessCalling
            } else {
                ProductType::VoiceConnector
            },
        },
        Op::Delete(n) => Action::Delete { numbers: one(*n) },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Random changes, each undone or not: wherever undo is accepted, the inventory is
    /// what it was before the change; a refused undo changes nothing.
    #[test]
    fn an_accepted_undo_returns_the_inventory_to_its_earlier_state(
        steps in prop::collection::vec((op(), any::<bool>()), 1..14)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let e = open(dir.path(), fast_policy(25), 0.0);
        let (numbers, vcs) = world(&e);
        let mut t = 300;
        for (op, undo) in steps {
            let before = fields(&e);
            t += 1;
            let accepted = e.dispatch(&admin(), action(&op, &numbers, &vcs), secs(t)).is_ok();
            if !undo || !accepted {
                continue;
            }
            let seq = e.store().audit(1).unwrap()[0].seq;
            let after = fields(&e);
            t += 1;
            match e.undo(&admin(), Some(seq), secs(t)) {
                Ok(_) => prop_assert_eq!(fields(&e), before),
                Err(why) => {
                    // A change that changed something can always be undone at once.
                    prop_assert!(before == after, "undo of {:?} refused: {}", op, why);
                    prop_assert_eq!(fields(&e), after);
                }
            }
            prop_assert!(e.check().unwrap().is_empty());
        }
    }
}
