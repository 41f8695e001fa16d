//! Property test: random action sequences through the engine on a temporary sled
//! database. After every step the invariants hold, and a refused action changed nothing.
//! And the differential property: the same sequence on sled and on PostgreSQL gives the
//! same outcomes, the same state and the same audit log.

mod postgres_rig;
mod support;

use phonedesk::domain::*;
use phonedesk::engine::{Engine, EngineError};
use proptest::prelude::*;
use support::*;

#[derive(Debug, Clone)]
enum Op {
    Provision {
        bc: bool,
        picks: Vec<usize>,
        toll_free: bool,
    },
    AssignUser {
        number: usize,
        user: usize,
    },
    AssignConnector {
        number: usize,
        connector: usize,
        group: bool,
    },
    Reassign {
        number: usize,
        connector: usize,
        group: bool,
    },
    Unassign {
        number: usize,
    },
    Switch {
        number: usize,
        bc: bool,
    },
    Delete {
        picks: Vec<usize>,
    },
    Restore {
        picks: Vec<usize>,
    },
    UniqueName {
        number: usize,
        name: usize,
    },
    DefaultName {
        name: usize,
    },
    CreateGroup {
        members: Vec<usize>,
    },
    DeleteConnector {
        connector: usize,
    },
    DeleteGroup {
        group: usize,
    },
    PortIn {
        picks: Vec<usize>,
        bc: bool,
        toll_free: bool,
    },
    Advance {
        seconds: i64,
    },
}

const NAMES: [&str; 6] = [
    "Acme",
    "Front Desk",
    "A",
    "ABCDEFGHIJKLMNOP",
    "Bad,Name",
    "",
];

fn op() -> impl Strategy<Value = Op> {
    let picks = || proptest::collection::vec(0usize..12, 1..4);
    prop_oneof![
        (any::<bool>(), picks(), any::<bool>()).prop_map(|(bc, picks, toll_free)| Op::Provision {
            bc,
            picks,
            toll_free
        }),
        (0usize..12, 0usize..3).prop_map(|(number, user)| Op::AssignUser { number, user }),
        (0usize..12, 0usize..3, any::<bool>()).prop_map(|(number, connector, group)| {
            Op::AssignConnector {
                number,
                connector,
                group,
            }
        }),
        (0usize..12, 0usize..3, any::<bool>()).prop_map(|(number, connector, group)| {
            Op::Reassign {
                number,
                connector,
                group,
            }
        }),
        (0usize..12).prop_map(|number| Op::Unassign { number }),
        (0usize..12, any::<bool>()).prop_map(|(number, bc)| Op::Switch { number, bc }),
        picks().prop_map(|picks| Op::Delete { picks }),
        picks().prop_map(|picks| Op::Restore { picks }),
        (0usize..12, 0usize..NAMES.len())
            .prop_map(|(number, name)| Op::UniqueName { number, name }),
        (0usize..NAMES.len()).prop_map(|name| Op::DefaultName { name }),
        proptest::collection::vec(0usize..3, 1..5).prop_map(|members| Op::CreateGroup { members }),
        (0usize..3).prop_map(|connector| Op::DeleteConnector { connector }),
        (0usize..4).prop_map(|group| Op::DeleteGroup { group }),
        (picks(), any::<bool>(), any::<bool>()).prop_map(|(picks, bc, toll_free)| Op::PortIn {
            picks,
            bc,
            toll_free
        }),
        (1i64..200).prop_map(|seconds| Op::Advance { seconds }),
    ]
}

struct World {
    engine: Engine,
    local: Vec<E164>,
    toll_free: Vec<E164>,
    users: Vec<(AccountId, UserId)>,
    connectors: Vec<VoiceConnectorId>,
    now: i64,
}

impl World {
    fn number(&self, i: usize) -> E164 {
        let all: Vec<&E164> = self.local.iter().chain(self.toll_free.iter()).collect();
        all[i % all.len()].clone()
    }

    fn numbers(&self, picks: &[usize], toll_free: bool) -> Vec<E164> {
        let from = if toll_free {
            &self.toll_free
        } else {
            &self.local
        };
        picks.iter().map(|i| from[i % from.len()].clone()).collect()
    }

    fn group(&self, i: usize) -> GroupId {
        let groups = self.engine.store().groups().unwrap();
        groups
            .get(i)
            .map(|g| g.id.clone())
            .unwrap_or(GroupId("vcg-404".into()))
    }

    fn target(&self, connector: usize, group: bool) -> Assignee {
        if group {
            Assignee::VoiceConnectorGroup(self.group(connector))
        } else {
            Assignee::VoiceConnector(self.connectors[connector % self.connectors.len()].clone())
        }
    }

    fn action(&mut self, op: &Op) -> Option<Action> {
        let product = |bc: bool| {
            if bc {
                ProductType::BusinessCalling
            } else {
                ProductType::VoiceConnector
            }
        };
        Some(match op.clone() {
            Op::Provision {
                bc,
                picks,
                toll_free,
            } => Action::Provision {
                product_type: product(bc),
                numbers: self.numbers(&picks, toll_free),
            },
            Op::AssignUser { number, user } => {
                let (account, user) = self.users[user % self.users.len()].clone();
                Action::Assign {
                    numbers: vec![self.number(number)],
                    to: Assignee::User { account, user },
                }
            }
            Op::AssignConnector {
                number,
                connector,
                group,
            } => Action::Assign {
                numbers: vec![self.number(number)],
                to: self.target(connector, group),
            },
            Op::Reassign {
                number,
                connector,
                group,
            } => Action::Reassign {
                numbers: vec![self.number(number)],
                to: self.target(connector, group),
            },
            Op::Unassign { number } => Action::Unassign {
                numbers: vec![self.number(number)],
            },
            Op::Switch { number, bc } => Action::SwitchProductType {
                numbers: vec![self.number(number)],
                product_type: product(bc),
            },
            Op::Delete { picks } => Action::Delete {
                numbers: picks.iter().map(|i| self.number(*i)).collect(),
            },
            Op::Restore { picks } => Action::Restore {
                numbers: picks.iter().map(|i| self.number(*i)).collect(),
            },
            Op::UniqueName { number, name } => match CallingName::parse(NAMES[name]) {
                Ok(name) => Action::SetUniqueCallingName {
                    number: self.number(number),
                    name,
                },
                Err(_) => return None,
            },
            Op::DefaultName { name } => match CallingName::parse(NAMES[name]) {
                Ok(name) => Action::SetDefaultCallingName { name },
                Err(_) => return None,
            },
            Op::CreateGroup { members } => Action::CreateGroup {
                name: "group".into(),
                members: members
                    .iter()
                    .enumerate()
                    .map(|(i, c)| GroupMember {
                        connector: self.connectors[c % self.connectors.len()].clone(),
                        priority: i as u8 + 1,
                    })
                    .collect(),
            },
            Op::DeleteConnector { connector } => Action::DeleteVoiceConnector {
                connector: self.connectors[connector % self.connectors.len()].clone(),
            },
            Op::DeleteGroup { group } => Action::DeleteGroup {
                group: self.group(group),
            },
            Op::PortIn {
                picks,
                bc,
                toll_free,
            } => {
                let mut numbers = self.numbers(&picks, toll_free);
                numbers.dedup();
                Action::SubmitRequest(NewRequest::PortIn {
                    form: PortIn {
                        numbers,
                        product_type: product(bc),
                        btn: self.local[0].clone(),
                        authorizing_person: "Ana Lima".into(),
                        current_carrier: None,
                        service_account_number: None,
                        service_pin: None,
                        service_address: "1 Main St".into(),
                        customer_name: "Acme".into(),
                        requested_at: secs(0),
                        voice_connector: self.connectors.first().cloned(),
                    },
                    email: "ana@example.com".into(),
                })
            }
            Op::Advance { seconds } => {
                self.now += seconds;
                return None;
            }
        })
    }
}

fn setup(dir: &std::path::Path) -> World {
    setup_on(open(dir, fast_policy(8), 0.2))
}

fn setup_on(engine: Engine) -> World {
    let (local, toll_free) = pool(&engine, 8, 4);
    let a = admin();
    let account = AccountId(created(
        &engine
            .dispatch(
                &a,
                Action::CreateAccount {
                    name: "Acme".into(),
                },
                secs(0),
            )
            .unwrap(),
    ));
    let users = (0..3)
        .map(|i| {
            let o = engine
                .dispatch(
                    &a,
                    Action::CreateUser {
                        account: account.clone(),
                        name: format!("User {i}"),
                        email: format!("u{i}@example.com"),
                    },
                    secs(0),
                )
                .unwrap();
            (account.clone(), UserId(created(&o)))
        })
        .collect();
    let connectors = (0..3)
        .map(|i| {
            let o = engine
                .dispatch(
                    &a,
                    Action::CreateVoiceConnector {
                        name: format!("vc {i}"),
                        region: "us-east-1".into(),
                        encryption: true,
                    },
                    secs(0),
                )
                .unwrap();
            VoiceConnectorId(created(&o))
        })
        .collect();
    World {
        engine,
        local,
        toll_free,
        users,
        connectors,
        now: 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_action_sequences_keep_every_invariant(ops in proptest::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let mut w = setup(dir.path());
        for op in &ops {
            let Some(action) = w.action(op) else {
                w.engine.run_due(secs(w.now)).unwrap();
                let problems = w.engine.check().unwrap();
                prop_assert!(problems.is_empty(), "after {:?}: {:?}", op, problems);
                continue;
            };
            let before = state(&w.engine);
            match w.engine.dispatch(&admin(), action.clone(), secs(w.now)) {
                Ok(_) => {}
                Err(EngineError::Rule(_)) => {
                    prop_assert_eq!(&state(&w.engine), &before, "refused {:?} changed the state", action);
                }
                Err(other) => prop_assert!(false, "store failed: {}", other),
            }
            let problems = w.engine.check().unwrap();
            prop_assert!(problems.is_empty(), "after {:?}: {:?}", action, problems);
            let held = w.engine.store().held();
            prop_assert!(held <= w.engine.policy().inventory_limit, "{} held after {:?}", held, action);
        }
    }
}

/// One step of a sequence: the action's outcome in words (or the due work's), for
/// comparing two engines.
fn step(w: &mut World, op: &Op) -> String {
    match w.action(op) {
        None => format!("{:?}", w.engine.run_due(secs(w.now))),
        Some(action) => match w.engine.dispatch(&admin(), action, secs(w.now)) {
            Ok(outcome) => format!("{outcome:?}"),
            Err(e) => format!("refused: {e}"),
        },
    }
}

#[test]
fn the_same_sequence_on_sled_and_postgres_gives_the_same_state_and_audit() {
    use phonedesk::store::{PostgresBackend, Store};
    let Some(pg) = postgres_rig::TestPostgres::start() else {
        return;
    };
    let url = pg.create("differential");
    let case = std::cell::Cell::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 16,
        max_shrink_iters: 50,
        ..ProptestConfig::default()
    });
    runner
        .run(&proptest::collection::vec(op(), 1..30), |ops| {
            case.set(case.get() + 1);
            let dir = tempfile::tempdir().unwrap();
            let mut on_sled = setup(dir.path());
            let backend = PostgresBackend::open(&url, &format!("case-{}", case.get())).unwrap();
            let store = Store::over(Box::new(backend)).unwrap();
            let mut on_postgres = setup_on(engine_over(store, fast_policy(8), 0.2));
            for op in &ops {
                let (s, p) = (step(&mut on_sled, op), step(&mut on_postgres, op));
                prop_assert_eq!(&s, &p, "outcomes of {:?}", op);
                prop_assert_eq!(state(&on_sled.engine), state(&on_postgres.engine));
            }
            let audit = |w: &World| w.engine.store().audit(10_000).unwrap();
            prop_assert_eq!(audit(&on_sled), audit(&on_postgres));
            prop_assert!(on_postgres.engine.check().unwrap().is_empty());
            Ok(())
        })
        .unwrap();
    assert!(case.get() >= 16, "{} cases ran", case.get());
}
