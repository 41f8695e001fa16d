//! Property test: `apply` of a random CSV leaves the inventory exactly as the same rows
//! done one by one through the engine (batches change nothing but the number of actions).

mod support;

use phonedesk::bulk::{self, Row};
use phonedesk::domain::*;
use phonedesk::engine::Engine;
use proptest::prelude::*;
use support::*;

fn world(e: &Engine) -> Vec<E164> {
    let (local, _) = acquired_with_connectors(e, 6, &["Trunk A", "Trunk B"]);
    // Two start assigned, so unassign and reassign have something to act on.
    e.dispatch(
        &admin(),
        Action::Assign {
            numbers: local[..2].to_vec(),
            to: Assignee::VoiceConnector(VoiceConnectorId("vc-1".into())),
        },
        secs(102),
    )
    .unwrap();
    local
}

const CHANGES: [(&str, &str); 9] = [
    ("assign", "vc:Trunk A"),
    ("assign", "vc:Trunk B"),
    ("reassign", "vc:Trunk B"),
    ("unassign", ""),
    ("label", "Lobby"),
    ("label", ""),
    ("product-type", "bc"),
    ("delete", ""),
    ("assign", "vc:Nowhere"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn apply_equals_the_rows_one_by_one(
        order in Just((0..6usize).collect::<Vec<_>>()).prop_shuffle(),
        picks in prop::collection::vec(0..CHANGES.len(), 6),
        take in 1..=6usize,
    ) {
        let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (a, b) = (open(a_dir.path(), fast_policy(25), 0.0), open(b_dir.path(), fast_policy(25), 0.0));
        let numbers = world(&a);
        prop_assert_eq!(&world(&b), &numbers);
        let rows: Vec<Row> = order[..take]
            .iter()
            .zip(&picks)
            .enumerate()
            .map(|(i, (n, c))| Row {
                line: i + 2,
                number: numbers[*n].to_string(),
                change: CHANGES[*c].0.into(),
                value: CHANGES[*c].1.into(),
            })
            .collect();
        let now = secs(200);
        let mut by_a = |action| a.dispatch(&admin(), action, now).map_err(|e| e.to_string());
        let reports = bulk::apply(&a, &admin(), &rows, false, now, &mut by_a).unwrap();
        prop_assert_eq!(reports.len(), rows.len());
        // The same rows, each alone, through the other database.
        for row in &rows {
            let mut by_b = |action| b.dispatch(&admin(), action, now).map_err(|e| e.to_string());
            bulk::apply(&b, &admin(), std::slice::from_ref(row), false, now, &mut by_b).unwrap();
        }
        prop_assert_eq!(fields(&a), fields(&b));
        prop_assert!(a.check().unwrap().is_empty());
    }
}
