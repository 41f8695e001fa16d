//! Every rule of the seed, decided against an in-memory view with a scripted desk.

use super::*;
use std::time::Duration;

struct FakeDesk;

impl Desk for FakeDesk {
    fn offers(&self, n: &E164) -> bool {
        !n.as_str().ends_with("9999")
    }
    fn acquire(&self, _order: &OrderId, n: &E164) -> Result<(), String> {
        if n.as_str().ends_with("0666") {
            Err("the carrier released the number".into())
        } else {
            Ok(())
        }
    }
    fn review_port_in(&self, form: &PortIn) -> Result<String, String> {
        if form.numbers.iter().any(|n| n.as_str().contains("555")) {
            Err("not portable".into())
        } else {
            Ok("portable: send the LOA".into())
        }
    }
    fn check_loa(&self, form: &PortIn, loa: &Loa) -> Result<(), String> {
        if loa.authorizing_person == form.authorizing_person {
            Ok(())
        } else {
            Err("the authorizing person differs".into())
        }
    }
    fn port_date(&self, _r: &RequestId, now: Timestamp, policy: &Policy) -> Timestamp {
        now.plus(policy.porting_min)
    }
    fn port_out_credentials(&self, _r: &RequestId) -> (String, Secret) {
        ("PD-TEST".into(), Secret::new("123456"))
    }
    fn answer(&self, _r: &SupportRequest) -> String {
        "We are on it.".into()
    }
}

const DAY: i64 = 86_400_000;
const T: Timestamp = Timestamp(1_800_000_000_000);

struct World {
    view: MemoryView,
    policy: Policy,
    now: Timestamp,
}

fn n(s: &str) -> E164 {
    E164::parse(s).unwrap()
}

fn local(i: u16) -> E164 {
    E164::nanp(206, 215, 1000 + i)
}

fn toll_free(i: u16) -> E164 {
    E164::nanp(888, 215, 1000 + i)
}

impl World {
    fn new() -> World {
        World {
            view: MemoryView::default(),
            policy: Policy::default(),
            now: T,
        }
    }

    fn act_as(&mut self, actor: &Actor, action: Action) -> Result<Outcome, RuleError> {
        let before = format!("{:?}", self.view);
        match decide(
            actor,
            &action,
            &self.view,
            &FakeDesk,
            &self.policy,
            self.now,
        ) {
            Ok(d) => {
                self.view.apply(&d.changes);
                Ok(d.outcome)
            }
            Err(e) => {
                assert_eq!(before, format!("{:?}", self.view));
                Err(e)
            }
        }
    }

    fn act(&mut self, action: Action) -> Result<Outcome, RuleError> {
        self.act_as(&Actor::admin("ana"), action)
    }

    fn ok(&mut self, action: Action) -> Outcome {
        self.act(action).unwrap_or_else(|e| panic!("refused: {e}"))
    }

    /// Moves the clock and completes whatever fell due, as the scheduler does.
    fn advance(&mut self, ms: i64) {
        self.now = Timestamp(self.now.0 + ms);
        let due: Vec<Due> = {
            let mut d: Vec<Due> = self
                .pending_due()
                .into_iter()
                .filter(|d| d.at <= self.now)
                .collect();
            d.sort_by_key(|d| d.at);
            d
        };
        for d in due {
            let out = decide(
                &Actor::system(),
                &Action::RunDue(d),
                &self.view,
                &FakeDesk,
                &self.policy,
                self.now,
            )
            .unwrap();
            self.view.apply(&out.changes);
        }
    }

    fn pending_due(&self) -> Vec<Due> {
        // MemoryView keeps schedules as text; rebuild them from the records.
        let mut out = Vec::new();
        for o in self.view.orders.values() {
            if o.status() == OrderStatus::Processing && o.order_type == OrderType::New {
                out.push(Due {
                    at: o.completes_at.unwrap(),
                    task: Task::CompleteOrder(o.id.clone()),
                });
            }
        }
        for p in self.view.numbers.values() {
            if let Some(pn) = &p.calling_name.pending {
                out.push(Due {
                    at: pn.completes_at,
                    task: Task::CompleteNumberName(p.number.clone()),
                });
            }
            if let Some(until) = p.restorable_until() {
                out.push(Due {
                    at: until,
                    task: Task::Purge(p.number.clone()),
                });
            }
        }
        if let Some(pn) = &self.view.settings.default_calling_name.pending {
            out.push(Due {
                at: pn.completes_at,
                task: Task::CompleteDefaultName,
            });
        }
        for r in self.view.requests.values() {
            if let Some(at) = r.next_step_at {
                out.push(Due {
                    at,
                    task: Task::SupportStep(r.id.clone()),
                });
            }
        }
        out
    }

    fn inventory(&mut self, product: ProductType, numbers: Vec<E164>) {
        self.ok(Action::Provision {
            product_type: product,
            numbers,
        });
        self.advance(self.policy.provisioning_delay.as_millis() as i64);
    }

    fn status(&self, number: &E164) -> Option<StatusCode> {
        self.view.numbers.get(number).map(|p| p.status.code())
    }

    fn user(&mut self) -> (AccountId, UserId) {
        let a = AccountId(
            self.ok(Action::CreateAccount {
                name: "Acme".into(),
            })
            .created
            .unwrap(),
        );
        let u = UserId(
            self.ok(Action::CreateUser {
                account: a.clone(),
                name: "Ana Lima".into(),
                email: "ana@example.com".into(),
            })
            .created
            .unwrap(),
        );
        (a, u)
    }

    fn connector(&mut self, name: &str) -> VoiceConnectorId {
        VoiceConnectorId(
            self.ok(Action::CreateVoiceConnector {
                name: name.into(),
                region: "us-east-1".into(),
                encryption: true,
            })
            .created
            .unwrap(),
        )
    }
}

fn port_form(numbers: Vec<E164>, product: ProductType, vc: Option<VoiceConnectorId>) -> PortIn {
    PortIn {
        numbers,
        product_type: product,
        btn: n("+12065550100"),
        authorizing_person: "Ana Lima".into(),
        current_carrier: Some("Old Telco".into()),
        service_account_number: Some(Secret::new("ACC-998877")),
        service_pin: Some(Secret::new("4321")),
        service_address: "1 Main St, Seattle, WA".into(),
        customer_name: "Acme".into(),
        requested_at: Timestamp(T.0 + 30 * DAY),
        voice_connector: vc,
    }
}

// --- Provisioning and the limit -----------------------------------------------------

#[test]
fn provisioning_puts_numbers_in_pending_then_inventory() {
    let mut w = World::new();
    let out = w.ok(Action::Provision {
        product_type: ProductType::BusinessCalling,
        numbers: vec![local(1), local(2)],
    });
    let order = out.order.unwrap();
    assert_eq!(w.status(&local(1)), Some(StatusCode::AcquireInProgress));
    assert_eq!(w.view.orders[&order].status(), OrderStatus::Processing);
    w.advance(60_000);
    assert_eq!(w.status(&local(1)), Some(StatusCode::Unassigned));
    assert_eq!(w.view.orders[&order].status(), OrderStatus::Successful);
}

#[test]
fn a_failed_acquisition_makes_a_partial_order() {
    let mut w = World::new();
    let bad = E164::nanp(206, 215, 666);
    let out = w.ok(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: vec![local(1), bad.clone()],
    });
    w.advance(60_000);
    assert_eq!(
        w.view.orders[&out.order.unwrap()].status(),
        OrderStatus::Partial
    );
    assert_eq!(w.status(&bad), Some(StatusCode::AcquireFailed));
    // Failed numbers do not count and can be dismissed.
    assert_eq!(w.view.held_count(), 1);
    w.ok(Action::DismissFailed {
        numbers: vec![bad.clone()],
    });
    assert_eq!(w.status(&bad), None);
}

#[test]
fn the_inventory_is_limited_to_25_and_an_order_past_it_is_refused_whole() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, (0..24).map(local).collect());
    let e = w.act(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: vec![local(30), local(31)],
    });
    assert!(matches!(
        e,
        Err(RuleError::LimitExceeded {
            limit: 25,
            held: 24,
            adding: 2
        })
    ));
    assert_eq!(w.status(&local(30)), None);
    w.ok(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: vec![local(30)],
    });
    assert_eq!(w.view.held_count(), 25);
}

#[test]
fn numbers_already_held_or_not_offered_cannot_be_ordered() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    assert!(matches!(
        w.act(Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: vec![local(1)]
        }),
        Err(RuleError::AlreadyHeld(_))
    ));
    assert!(matches!(
        w.act(Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: vec![E164::nanp(206, 215, 9999)]
        }),
        Err(RuleError::NotOffered(_))
    ));
    assert!(matches!(
        w.act(Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: vec![]
        }),
        Err(RuleError::NothingSelected)
    ));
}

#[test]
fn toll_free_numbers_are_never_business_calling() {
    let mut w = World::new();
    assert!(matches!(
        w.act(Action::Provision {
            product_type: ProductType::BusinessCalling,
            numbers: vec![toll_free(1)]
        }),
        Err(RuleError::TollFreeBusinessCalling(_))
    ));
    w.inventory(ProductType::VoiceConnector, vec![toll_free(1)]);
    assert!(matches!(
        w.act(Action::SwitchProductType {
            numbers: vec![toll_free(1)],
            product_type: ProductType::BusinessCalling
        }),
        Err(RuleError::TollFreeBusinessCalling(_))
    ));
    let vc = w.connector("trunk");
    let form = port_form(vec![toll_free(2)], ProductType::BusinessCalling, Some(vc));
    assert!(matches!(
        w.act(Action::SubmitRequest(NewRequest::PortIn {
            form,
            email: "a@b.co".into()
        })),
        Err(RuleError::TollFreeBusinessCalling(_))
    ));
}

// --- Assigning ------------------------------------------------------------------------

#[test]
fn business_calling_numbers_go_to_users_one_each_with_permissions_off() {
    let mut w = World::new();
    w.inventory(ProductType::BusinessCalling, vec![local(1), local(2)]);
    let (a, u) = w.user();
    w.ok(Action::SetUserPermissions {
        user: u.clone(),
        calling: true,
        sms: true,
    });
    let out = w.ok(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::User {
            account: a.clone(),
            user: u.clone(),
        },
    });
    assert!(out.note.unwrap().contains("sign out"));
    let user = &w.view.users[&u];
    assert_eq!(user.phone_number, Some(local(1)));
    assert!(!user.calling_enabled && !user.sms_enabled);
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(2)],
            to: Assignee::User {
                account: a,
                user: u
            }
        }),
        Err(RuleError::UserHasNumber { .. })
    ));
}

#[test]
fn product_types_decide_who_numbers_can_go_to() {
    let mut w = World::new();
    w.inventory(ProductType::BusinessCalling, vec![local(1)]);
    w.inventory(ProductType::VoiceConnector, vec![local(2)]);
    let (a, u) = w.user();
    let vc = w.connector("trunk");
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(1)],
            to: Assignee::VoiceConnector(vc.clone())
        }),
        Err(RuleError::WrongAssignee { .. })
    ));
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(2)],
            to: Assignee::User {
                account: a,
                user: u
            }
        }),
        Err(RuleError::WrongAssignee { .. })
    ));
}

#[test]
fn assigning_to_someone_who_does_not_exist_is_refused() {
    let mut w = World::new();
    w.inventory(ProductType::BusinessCalling, vec![local(1)]);
    w.inventory(ProductType::VoiceConnector, vec![local(2)]);
    let (a, u) = w.user();
    let other = AccountId(
        w.ok(Action::CreateAccount {
            name: "Other".into(),
        })
        .created
        .unwrap(),
    );
    let to = |account: &AccountId, user: &str| Assignee::User {
        account: account.clone(),
        user: UserId(user.into()),
    };
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(1)],
            to: to(&a, "user-99")
        }),
        Err(RuleError::UnknownUser(_))
    ));
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(1)],
            to: to(&AccountId("acct-9".into()), u.as_str())
        }),
        Err(RuleError::UnknownAccount(_))
    ));
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(1)],
            to: to(&other, u.as_str())
        }),
        Err(RuleError::UserNotInAccount { .. })
    ));
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(2)],
            to: Assignee::VoiceConnector(VoiceConnectorId("vc-9".into()))
        }),
        Err(RuleError::UnknownVoiceConnector(_))
    ));
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(2)],
            to: Assignee::VoiceConnectorGroup(GroupId("vcg-9".into()))
        }),
        Err(RuleError::UnknownGroup(_))
    ));
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(7)],
            to: Assignee::VoiceConnector(VoiceConnectorId("vc-9".into()))
        }),
        Err(RuleError::UnknownVoiceConnector(_))
    ));
}

#[test]
fn pending_numbers_are_not_in_the_inventory_yet() {
    let mut w = World::new();
    w.ok(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: vec![local(1)],
    });
    let vc = w.connector("trunk");
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(1)],
            to: Assignee::VoiceConnector(vc)
        }),
        Err(RuleError::NotInInventory { .. })
    ));
    assert!(matches!(
        w.act(Action::Delete {
            numbers: vec![local(5)]
        }),
        Err(RuleError::UnknownNumber(_))
    ));
}

#[test]
fn voice_connector_numbers_reassign_in_one_step_business_calling_ones_do_not() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1), local(2)]);
    w.inventory(ProductType::BusinessCalling, vec![local(3)]);
    let (a, u) = w.user();
    let one = w.connector("one");
    let two = w.connector("two");
    let group = GroupId(
        w.ok(Action::CreateGroup {
            name: "g".into(),
            members: vec![GroupMember {
                connector: two.clone(),
                priority: 1,
            }],
        })
        .created
        .unwrap(),
    );
    w.ok(Action::Assign {
        numbers: vec![local(1), local(2)],
        to: Assignee::VoiceConnector(one.clone()),
    });
    w.ok(Action::Reassign {
        numbers: vec![local(1)],
        to: Assignee::VoiceConnectorGroup(group.clone()),
    });
    assert_eq!(
        w.view.numbers[&local(1)].assignee(),
        Some(&Assignee::VoiceConnectorGroup(group))
    );
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(2)],
            to: Assignee::VoiceConnector(two)
        }),
        Err(RuleError::IsAssigned { .. })
    ));
    w.ok(Action::Assign {
        numbers: vec![local(3)],
        to: Assignee::User {
            account: a.clone(),
            user: u.clone(),
        },
    });
    assert!(matches!(
        w.act(Action::Reassign {
            numbers: vec![local(3)],
            to: Assignee::User {
                account: a,
                user: u
            }
        }),
        Err(RuleError::ReassignBusinessCalling(_))
    ));
}

#[test]
fn unassigning_frees_the_user_and_the_number() {
    let mut w = World::new();
    w.inventory(ProductType::BusinessCalling, vec![local(1)]);
    let (a, u) = w.user();
    w.ok(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::User {
            account: a,
            user: u.clone(),
        },
    });
    w.ok(Action::Unassign {
        numbers: vec![local(1)],
    });
    assert_eq!(w.status(&local(1)), Some(StatusCode::Unassigned));
    assert_eq!(w.view.users[&u].phone_number, None);
    assert!(matches!(
        w.act(Action::Unassign {
            numbers: vec![local(1)]
        }),
        Err(RuleError::NotAssigned(_))
    ));
}

#[test]
fn only_unassigned_numbers_switch_product_type_or_get_deleted() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1), local(2)]);
    let vc = w.connector("trunk");
    w.ok(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::VoiceConnector(vc),
    });
    assert!(matches!(
        w.act(Action::SwitchProductType {
            numbers: vec![local(2), local(1)],
            product_type: ProductType::BusinessCalling
        }),
        Err(RuleError::IsAssigned { .. })
    ));
    assert_eq!(
        w.view.numbers[&local(2)].product_type,
        ProductType::VoiceConnector,
        "refused whole"
    );
    assert!(matches!(
        w.act(Action::Delete {
            numbers: vec![local(1)]
        }),
        Err(RuleError::IsAssigned { .. })
    ));
    w.ok(Action::SwitchProductType {
        numbers: vec![local(2)],
        product_type: ProductType::BusinessCalling,
    });
    assert!(matches!(
        w.act(Action::SwitchProductType {
            numbers: vec![local(2)],
            product_type: ProductType::BusinessCalling
        }),
        Err(RuleError::SameProductType { .. })
    ));
}

// --- Calling names ----------------------------------------------------------------------

#[test]
fn the_default_calling_name_changes_once_in_seven_days_and_takes_72_hours() {
    let mut w = World::new();
    let name = CallingName::parse("Acme Corp").unwrap();
    let out = w.ok(Action::SetDefaultCallingName { name: name.clone() });
    assert_eq!(
        out.takes_effect_at,
        Some(T.plus(Duration::from_secs(72 * 3600)))
    );
    assert!(matches!(
        w.act(Action::SetDefaultCallingName { name: None }),
        Err(RuleError::DefaultNameInProgress { .. })
    ));
    w.advance(72 * 3600 * 1000);
    assert_eq!(w.view.settings.default_calling_name.current, name);
    assert_eq!(
        w.view.settings.default_calling_name.status,
        CallingNameStatus::UpdateSucceeded
    );
    assert!(matches!(
        w.act(Action::SetDefaultCallingName { name: None }),
        Err(RuleError::DefaultNameCooldown { .. })
    ));
    w.advance(4 * DAY);
    w.ok(Action::SetDefaultCallingName { name: None });
}

#[test]
fn a_unique_name_cannot_change_while_its_update_is_in_progress() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    w.ok(Action::SetUniqueCallingName {
        number: local(1),
        name: CallingName::parse("Front Desk").unwrap(),
    });
    let p = &w.view.numbers[&local(1)].calling_name;
    assert_eq!(p.status, CallingNameStatus::UpdateInProgress);
    assert!(matches!(
        w.act(Action::SetUniqueCallingName {
            number: local(1),
            name: None
        }),
        Err(RuleError::NameUpdateInProgress { .. })
    ));
    w.advance(72 * 3600 * 1000);
    assert_eq!(
        w.view.numbers[&local(1)]
            .calling_name
            .current
            .as_ref()
            .unwrap()
            .as_str(),
        "Front Desk"
    );
    w.ok(Action::SetUniqueCallingName {
        number: local(1),
        name: None,
    });
}

// --- Deletion queue -------------------------------------------------------------------

#[test]
fn deleted_numbers_restore_within_seven_days_and_are_purged_after() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1), local(2)]);
    w.ok(Action::Delete {
        numbers: vec![local(1), local(2)],
    });
    assert_eq!(w.status(&local(1)), Some(StatusCode::DeleteInProgress));
    assert_eq!(w.view.held_count(), 0);
    w.advance(6 * DAY);
    w.ok(Action::Restore {
        numbers: vec![local(1)],
    });
    assert_eq!(w.status(&local(1)), Some(StatusCode::Unassigned));
    w.advance(DAY);
    assert_eq!(w.status(&local(2)), None, "purged after 7 days");
    assert!(matches!(
        w.act(Action::Restore {
            numbers: vec![local(2)]
        }),
        Err(RuleError::NotInDeletionQueue(_))
    ));
    assert_eq!(
        w.status(&local(1)),
        Some(StatusCode::Unassigned),
        "the restored one stays"
    );
}

#[test]
fn restoring_after_the_window_is_refused_even_before_the_purge_runs() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    w.ok(Action::Delete {
        numbers: vec![local(1)],
    });
    w.now = Timestamp(w.now.0 + 7 * DAY);
    assert!(matches!(
        w.act(Action::Restore {
            numbers: vec![local(1)]
        }),
        Err(RuleError::RestoreWindowClosed { .. })
    ));
}

#[test]
fn a_restore_past_the_limit_is_refused() {
    let mut w = World::new();
    w.policy.inventory_limit = 2;
    w.inventory(ProductType::VoiceConnector, vec![local(1), local(2)]);
    w.ok(Action::Delete {
        numbers: vec![local(1)],
    });
    w.inventory(ProductType::VoiceConnector, vec![local(3)]);
    assert!(matches!(
        w.act(Action::Restore {
            numbers: vec![local(1)]
        }),
        Err(RuleError::LimitExceeded { limit: 2, .. })
    ));
}

// --- Directory ---------------------------------------------------------------------------

#[test]
fn groups_hold_three_connectors_and_there_are_three_groups_at_most() {
    let mut w = World::new();
    let vcs: Vec<_> = (0..4).map(|i| w.connector(&format!("vc{i}"))).collect();
    let member = |i: usize, p: u8| GroupMember {
        connector: vcs[i].clone(),
        priority: p,
    };
    assert!(matches!(
        w.act(Action::CreateGroup {
            name: "big".into(),
            members: vec![member(0, 1), member(1, 2), member(2, 3), member(3, 4)]
        }),
        Err(RuleError::TooManyMembers)
    ));
    assert!(matches!(
        w.act(Action::CreateGroup {
            name: "p".into(),
            members: vec![member(0, 100)]
        }),
        Err(RuleError::BadPriority(100))
    ));
    assert!(matches!(
        w.act(Action::CreateGroup {
            name: "p".into(),
            members: vec![member(0, 0)]
        }),
        Err(RuleError::BadPriority(0))
    ));
    assert!(matches!(
        w.act(Action::CreateGroup {
            name: "d".into(),
            members: vec![member(0, 1), member(0, 2)]
        }),
        Err(RuleError::DuplicateMember(_))
    ));
    for i in 0..3 {
        w.ok(Action::CreateGroup {
            name: format!("g{i}"),
            members: vec![member(i, 1)],
        });
    }
    assert!(matches!(
        w.act(Action::CreateGroup {
            name: "g4".into(),
            members: vec![member(3, 1)]
        }),
        Err(RuleError::TooManyGroups)
    ));
    let g = &w.view.groups.values().next().unwrap().clone();
    w.ok(Action::UpdateGroup {
        group: g.id.clone(),
        name: "renamed".into(),
        members: vec![member(3, 5), member(0, 1)],
    });
    assert_eq!(
        w.view.groups[&g.id].members[0].connector, vcs[0],
        "ordered by priority"
    );
}

#[test]
fn connectors_and_groups_with_numbers_cannot_be_deleted() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    let vc = w.connector("trunk");
    let other = w.connector("spare");
    w.ok(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::VoiceConnector(vc.clone()),
    });
    assert!(matches!(
        w.act(Action::DeleteVoiceConnector {
            connector: vc.clone()
        }),
        Err(RuleError::HasNumbers { count: 1, .. })
    ));
    let g = GroupId(
        w.ok(Action::CreateGroup {
            name: "g".into(),
            members: vec![GroupMember {
                connector: other.clone(),
                priority: 1,
            }],
        })
        .created
        .unwrap(),
    );
    assert!(matches!(
        w.act(Action::DeleteVoiceConnector { connector: other }),
        Err(RuleError::InGroup { .. })
    ));
    w.ok(Action::Reassign {
        numbers: vec![local(1)],
        to: Assignee::VoiceConnectorGroup(g.clone()),
    });
    assert!(matches!(
        w.act(Action::DeleteGroup { group: g.clone() }),
        Err(RuleError::HasNumbers { .. })
    ));
    w.ok(Action::DeleteVoiceConnector { connector: vc });
    w.ok(Action::Unassign {
        numbers: vec![local(1)],
    });
    w.ok(Action::DeleteGroup { group: g });
}

#[test]
fn directory_input_is_checked() {
    let mut w = World::new();
    assert!(matches!(
        w.act(Action::CreateAccount { name: "  ".into() }),
        Err(RuleError::Empty { .. })
    ));
    assert!(matches!(
        w.act(Action::CreateVoiceConnector {
            name: "x".into(),
            region: "mars-1".into(),
            encryption: true
        }),
        Err(RuleError::UnknownRegion(_))
    ));
    let a = AccountId(
        w.ok(Action::CreateAccount { name: "A".into() })
            .created
            .unwrap(),
    );
    assert!(matches!(
        w.act(Action::CreateUser {
            account: a.clone(),
            name: "Bo".into(),
            email: "nope".into()
        }),
        Err(RuleError::BadEmail(_))
    ));
    let u = UserId(
        w.ok(Action::CreateUser {
            account: a.clone(),
            name: "Bo".into(),
            email: "bo@x.io".into(),
        })
        .created
        .unwrap(),
    );
    assert!(matches!(
        w.act(Action::DeleteAccount { account: a }),
        Err(RuleError::AccountHasUsers { .. })
    ));
    w.ok(Action::DeleteUser { user: u });
}

#[test]
fn viewers_read_only_and_only_the_scheduler_completes_work() {
    let mut w = World::new();
    assert!(matches!(
        w.act_as(
            &Actor::viewer("val"),
            Action::CreateAccount { name: "A".into() }
        ),
        Err(RuleError::ReadOnly { .. })
    ));
    assert!(matches!(
        w.act(Action::RunDue(Due {
            at: T,
            task: Task::CompleteDefaultName
        })),
        Err(RuleError::NotScheduler)
    ));
}

// --- Support and porting -------------------------------------------------------------

#[test]
fn a_port_in_goes_from_submitted_to_completed_with_an_loa() {
    let mut w = World::new();
    let vc = w.connector("trunk");
    let numbers = vec![n("+12062151234"), n("+18882151234")];
    let form = port_form(numbers.clone(), ProductType::VoiceConnector, Some(vc));
    let out = w.ok(Action::SubmitRequest(NewRequest::PortIn {
        form: form.clone(),
        email: "ana@example.com".into(),
    }));
    let id = out.request.unwrap();
    assert_eq!(w.status(&numbers[0]), Some(StatusCode::PortinInProgress));
    assert_eq!(w.view.held_count(), 2);
    // The LOA is not wanted before support asks for it.
    let loa = Loa {
        carrier: "Old Telco".into(),
        authorizing_person: "Someone Else".into(),
        btn: form.btn.clone(),
        service_address: form.service_address.clone(),
        submitted_at: T,
    };
    assert!(matches!(
        w.act(Action::SubmitLoa {
            request: id.clone(),
            loa: loa.clone()
        }),
        Err(RuleError::WrongRequestState { .. })
    ));
    w.advance(DAY);
    assert_eq!(w.view.requests[&id].status, RequestStatus::PendingDocuments);
    w.ok(Action::SubmitLoa {
        request: id.clone(),
        loa: loa.clone(),
    });
    assert_eq!(
        w.view.requests[&id].status,
        RequestStatus::ChangeRequested,
        "a mismatch sends it back"
    );
    w.ok(Action::SubmitLoa {
        request: id.clone(),
        loa: Loa {
            authorizing_person: "Ana Lima".into(),
            ..loa
        },
    });
    let r = &w.view.requests[&id];
    assert_eq!(r.status, RequestStatus::Foc);
    let foc = r.foc_date.unwrap();
    w.now = foc;
    w.advance(0);
    assert_eq!(w.view.requests[&id].status, RequestStatus::Completed);
    assert_eq!(w.status(&numbers[0]), Some(StatusCode::Unassigned));
    assert_eq!(w.status(&numbers[1]), Some(StatusCode::Unassigned));
    // The issue text never carries the PIN in clear.
    assert!(!w.view.requests[&id].issue.contains("4321"));
    assert!(!w.view.requests[&id].issue.contains("ACC-998877"));
}

#[test]
fn port_in_rules() {
    let mut w = World::new();
    let email = || "ana@example.com".to_string();
    let submit = |w: &mut World, form: PortIn| {
        w.act(Action::SubmitRequest(NewRequest::PortIn {
            form,
            email: email(),
        }))
    };
    // Voice Connector ports need a voice connector first.
    let e = submit(
        &mut w,
        port_form(vec![local(1)], ProductType::VoiceConnector, None),
    );
    assert!(matches!(e, Err(RuleError::PortInNeedsVoiceConnector)));
    // US numbers only.
    let e = submit(
        &mut w,
        port_form(vec![n("+14165550123")], ProductType::BusinessCalling, None),
    );
    assert!(matches!(e, Err(RuleError::PortInNotUs(_))));
    let e = submit(
        &mut w,
        port_form(vec![n("+442079460123")], ProductType::BusinessCalling, None),
    );
    assert!(matches!(e, Err(RuleError::PortInNotUs(_))));
    // Required fields.
    let mut f = port_form(vec![local(1)], ProductType::BusinessCalling, None);
    f.authorizing_person = " ".into();
    assert!(matches!(
        submit(&mut w, f),
        Err(RuleError::MissingField {
            field: "authorizing person",
            ..
        })
    ));
    let mut f = port_form(vec![local(1)], ProductType::BusinessCalling, None);
    f.service_address.clear();
    assert!(matches!(
        submit(&mut w, f),
        Err(RuleError::MissingField {
            field: "service address",
            ..
        })
    ));
    let mut f = port_form(vec![local(1)], ProductType::BusinessCalling, None);
    f.customer_name.clear();
    assert!(matches!(
        submit(&mut w, f),
        Err(RuleError::MissingField {
            field: "customer name",
            ..
        })
    ));
    assert!(matches!(
        submit(
            &mut w,
            port_form(vec![], ProductType::BusinessCalling, None)
        ),
        Err(RuleError::MissingField { .. })
    ));
    let e = w.act(Action::SubmitRequest(NewRequest::PortIn {
        form: port_form(vec![local(1)], ProductType::BusinessCalling, None),
        email: "".into(),
    }));
    assert!(matches!(
        e,
        Err(RuleError::MissingField {
            form: "port-in form",
            field: "email"
        })
    ));
    // Numbers we hold cannot be ported in.
    w.inventory(ProductType::BusinessCalling, vec![local(2)]);
    assert!(matches!(
        submit(
            &mut w,
            port_form(vec![local(2)], ProductType::BusinessCalling, None)
        ),
        Err(RuleError::AlreadyHeld(_))
    ));
    // The limit counts ports too.
    w.policy.inventory_limit = 2;
    assert!(matches!(
        submit(
            &mut w,
            port_form(vec![local(3), local(4)], ProductType::BusinessCalling, None)
        ),
        Err(RuleError::LimitExceeded { .. })
    ));
}

#[test]
fn an_unportable_request_releases_its_numbers() {
    let mut w = World::new();
    let form = port_form(vec![n("+12065550123")], ProductType::BusinessCalling, None);
    let id = w
        .ok(Action::SubmitRequest(NewRequest::PortIn {
            form,
            email: "a@b.co".into(),
        }))
        .request
        .unwrap();
    w.advance(DAY);
    assert_eq!(w.view.requests[&id].status, RequestStatus::Exception);
    assert_eq!(w.status(&n("+12065550123")), None);
    assert_eq!(w.view.held_count(), 0);
}

#[test]
fn a_port_out_gets_credentials_then_marks_the_numbers_ported() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    let form = PortOut {
        numbers: vec![local(1)],
        product_type: ProductType::BusinessCalling,
    };
    assert!(matches!(
        w.act(Action::SubmitRequest(NewRequest::PortOut {
            form,
            email: "a@b.co".into()
        })),
        Err(RuleError::ProductMismatch { .. })
    ));
    let form = PortOut {
        numbers: vec![local(9)],
        product_type: ProductType::VoiceConnector,
    };
    assert!(matches!(
        w.act(Action::SubmitRequest(NewRequest::PortOut {
            form,
            email: "a@b.co".into()
        })),
        Err(RuleError::NotOursToPortOut(_))
    ));
    let form = PortOut {
        numbers: vec![local(1)],
        product_type: ProductType::VoiceConnector,
    };
    let id = w
        .ok(Action::SubmitRequest(NewRequest::PortOut {
            form,
            email: "a@b.co".into(),
        }))
        .request
        .unwrap();
    w.advance(DAY);
    let r = &w.view.requests[&id];
    assert_eq!(r.port_out_account.as_deref(), Some("PD-TEST"));
    assert!(
        r.thread.iter().all(|m| !m.text.contains("123456")),
        "the PIN is not in the thread"
    );
    let foc = r.foc_date.unwrap();
    w.now = foc;
    w.advance(0);
    assert!(w.view.numbers[&local(1)].ported_out);
    w.ok(Action::Delete {
        numbers: vec![local(1)],
    });
}

#[test]
fn plain_requests_are_answered_and_closed() {
    let mut w = World::new();
    let new = |subject: &str, email: &str| {
        Action::SubmitRequest(NewRequest::Other {
            category: Category::Technical,
            subject: subject.into(),
            issue: "Calls drop after 5 minutes".into(),
            email: email.into(),
        })
    };
    assert!(matches!(
        w.act(new("", "a@b.co")),
        Err(RuleError::Empty { .. })
    ));
    assert!(matches!(
        w.act(new("Dropped calls", "ab.co")),
        Err(RuleError::BadEmail(_))
    ));
    let id = w.ok(new("Dropped calls", "a@b.co")).request.unwrap();
    w.advance(DAY);
    assert_eq!(w.view.requests[&id].status, RequestStatus::Answered);
    w.ok(Action::Reply {
        request: id.clone(),
        text: "Thanks, still happening".into(),
    });
    assert_eq!(w.view.requests[&id].status, RequestStatus::Submitted);
    w.ok(Action::CloseRequest {
        request: id.clone(),
    });
    assert!(matches!(
        w.act(Action::Reply {
            request: id,
            text: "hello".into()
        }),
        Err(RuleError::WrongRequestState { .. })
    ));
}

#[test]
fn cancelling_a_port_releases_its_numbers_after_support_confirms() {
    let mut w = World::new();
    let form = port_form(vec![local(1)], ProductType::BusinessCalling, None);
    let id = w
        .ok(Action::SubmitRequest(NewRequest::PortIn {
            form,
            email: "a@b.co".into(),
        }))
        .request
        .unwrap();
    w.ok(Action::CancelRequest {
        request: id.clone(),
    });
    assert_eq!(w.view.requests[&id].status, RequestStatus::CancelRequested);
    w.advance(DAY);
    assert_eq!(w.view.requests[&id].status, RequestStatus::Cancelled);
    assert_eq!(w.status(&local(1)), None);
}

#[test]
fn every_rejection_leaves_the_invariants_whole() {
    let mut w = World::new();
    w.inventory(ProductType::BusinessCalling, vec![local(1)]);
    let (a, u) = w.user();
    w.ok(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::User {
            account: a,
            user: u,
        },
    });
    let numbers: Vec<_> = w.view.numbers.values().cloned().collect();
    let users: Vec<_> = w.view.users.values().cloned().collect();
    let problems = invariants::check(&invariants::Snapshot {
        numbers: &numbers,
        users: &users,
        connectors: &[],
        groups: &[],
        sip_media_apps: &[],
        dial_in_rules: &[],
        policy: &w.policy,
    });
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_calling_name_equal_to_the_current_one_changes_nothing() {
    let mut w = World::new();
    assert!(matches!(
        w.act(Action::SetDefaultCallingName { name: None }),
        Err(RuleError::NameUnchanged { .. })
    ));
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    assert!(matches!(
        w.act(Action::SetUniqueCallingName {
            number: local(1),
            name: None
        }),
        Err(RuleError::NameUnchanged { .. })
    ));
    // The cooldown did not start: a real change goes through.
    w.ok(Action::SetDefaultCallingName {
        name: CallingName::parse("Acme").unwrap(),
    });
}

#[test]
fn reassigning_to_where_a_number_already_is_is_refused() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    let vc = w.connector("trunk");
    w.ok(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::VoiceConnector(vc.clone()),
    });
    assert!(matches!(
        w.act(Action::Reassign {
            numbers: vec![local(1)],
            to: Assignee::VoiceConnector(vc)
        }),
        Err(RuleError::AlreadyAssignedThere { .. })
    ));
}

#[test]
fn a_port_date_in_the_past_is_refused() {
    let mut w = World::new();
    let mut form = port_form(vec![local(1)], ProductType::BusinessCalling, None);
    form.requested_at = Timestamp(T.0 - 1000);
    assert!(matches!(
        w.act(Action::SubmitRequest(NewRequest::PortIn {
            form,
            email: "a@b.co".into()
        })),
        Err(RuleError::RequestedInPast { .. })
    ));
}

#[test]
fn numbers_being_ported_out_or_gone_are_only_unassigned_and_deleted() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1), local(2)]);
    let vc = w.connector("trunk");
    w.ok(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::VoiceConnector(vc.clone()),
    });
    let port_out = |numbers: Vec<E164>| {
        Action::SubmitRequest(NewRequest::PortOut {
            form: PortOut {
                numbers,
                product_type: ProductType::VoiceConnector,
            },
            email: "a@b.co".into(),
        })
    };
    assert!(matches!(
        w.act(port_out(vec![local(2), local(2)])),
        Err(RuleError::Duplicate { .. })
    ));
    let id = w.ok(port_out(vec![local(1), local(2)])).request.unwrap();
    // While the port is open: no second port, no delete, no unassign, no new assignment or name.
    assert!(matches!(
        w.act(Action::Unassign {
            numbers: vec![local(1)]
        }),
        Err(RuleError::PortOutInProgress { .. })
    ));
    assert!(matches!(
        w.act(port_out(vec![local(1)])),
        Err(RuleError::PortOutInProgress { .. })
    ));
    assert!(matches!(
        w.act(Action::Delete {
            numbers: vec![local(2)]
        }),
        Err(RuleError::PortOutInProgress { .. })
    ));
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(2)],
            to: Assignee::VoiceConnector(vc.clone())
        }),
        Err(RuleError::PortOutInProgress { .. })
    ));
    w.advance(DAY);
    let foc = w.view.requests[&id].foc_date.unwrap();
    w.now = foc;
    w.advance(0);
    assert!(w.view.numbers[&local(1)].ported_out);
    // Ported out: unassign and delete only.
    assert!(matches!(
        w.act(Action::SetUniqueCallingName {
            number: local(2),
            name: CallingName::parse("Gone").unwrap()
        }),
        Err(RuleError::PortedOut { .. })
    ));
    assert!(matches!(
        w.act(Action::Assign {
            numbers: vec![local(2)],
            to: Assignee::VoiceConnector(vc)
        }),
        Err(RuleError::PortedOut { .. })
    ));
    assert!(matches!(
        w.act(port_out(vec![local(2)])),
        Err(RuleError::PortedOut { .. })
    ));
    w.ok(Action::Unassign {
        numbers: vec![local(1)],
    });
    w.ok(Action::Delete {
        numbers: vec![local(1), local(2)],
    });
    assert!(matches!(
        w.act(Action::Restore {
            numbers: vec![local(1)]
        }),
        Err(RuleError::PortedOut { .. })
    ));
}

/// The due purge of one number, run by the scheduler at `w.now`.
fn run_purge(w: &mut World, n: &E164, at: Timestamp) -> Decision {
    let d = decide(
        &Actor::system(),
        &Action::RunDue(Due {
            at,
            task: Task::Purge(n.clone()),
        }),
        &w.view,
        &FakeDesk,
        &w.policy,
        w.now,
    )
    .unwrap();
    w.view.apply(&d.changes);
    d
}

#[test]
fn a_shortened_deletion_retention_keeps_the_promised_restore_window() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    let promised = w.now.plus(w.policy.deletion_retention);
    let said = w.ok(Action::Delete {
        numbers: vec![local(1)],
    });
    assert!(
        said.message.contains(&promised.to_string()),
        "{}",
        said.message
    );
    assert_eq!(w.view.numbers[&local(1)].restorable_until(), Some(promised));
    // The administrator shortens the retention to a quarter: the promise still holds.
    w.policy.deletion_retention /= 4;
    w.now = Timestamp(promised.0 - DAY);
    w.ok(Action::Restore {
        numbers: vec![local(1)],
    });
    assert_eq!(w.status(&local(1)), Some(StatusCode::Unassigned));
    // Restoring unscheduled the promised purge, not one at the new retention's time.
    let purge = format!("{:?}", Task::Purge(local(1)));
    assert!(
        w.view.schedule.iter().all(|(_, task)| *task != purge),
        "a purge was left behind: {:?}",
        w.view.schedule
    );
}

#[test]
fn a_lengthened_deletion_retention_purges_when_promised_and_strands_nothing() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    let promised = w.now.plus(w.policy.deletion_retention);
    w.ok(Action::Delete {
        numbers: vec![local(1)],
    });
    w.policy.deletion_retention *= 4;
    // Restoring at the promised time is refused, naming that time.
    w.now = promised;
    match w.act(Action::Restore {
        numbers: vec![local(1)],
    }) {
        Err(RuleError::RestoreWindowClosed { closed_at, .. }) => assert_eq!(closed_at, promised),
        other => panic!("restored after the promised window: {other:?}"),
    }
    // The purge comes when promised and deletes the number for good.
    run_purge(&mut w, &local(1), promised);
    assert_eq!(w.status(&local(1)), None, "purged when promised");
}

#[test]
fn a_purge_left_from_an_earlier_deletion_is_put_back_at_the_promised_time() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1)]);
    let first = w.now.plus(w.policy.deletion_retention);
    w.ok(Action::Delete {
        numbers: vec![local(1)],
    });
    w.ok(Action::Restore {
        numbers: vec![local(1)],
    });
    w.now = Timestamp(w.now.0 + DAY);
    let second = w.now.plus(w.policy.deletion_retention);
    w.ok(Action::Delete {
        numbers: vec![local(1)],
    });
    // A purge from the first deletion (say, restored from an old schedule) comes early.
    w.now = first;
    let d = run_purge(&mut w, &local(1), first);
    assert!(d.changes.iter().any(|c| matches!(
        c,
        Change::Schedule(Due { at, task: Task::Purge(_) }) if *at == second
    )));
    assert_eq!(w.status(&local(1)), Some(StatusCode::DeleteInProgress));
}

#[test]
fn two_users_cannot_share_an_email() {
    let mut w = World::new();
    let (a, _) = w.user();
    assert!(matches!(
        w.act(Action::CreateUser {
            account: a,
            name: "Ana Two".into(),
            email: "ANA@example.com".into()
        }),
        Err(RuleError::EmailTaken { .. })
    ));
}

// --- Free text ---------------------------------------------------------------------------

#[test]
fn free_text_with_a_hidden_character_is_refused_with_the_character_and_its_position() {
    let e = checked_text("Desk\u{1b}[31mred\tA", "the label", 256).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the label contains a control character (escape, U+001B) at position 5"
    );
    // Positions count in the text as typed, leading spaces included.
    let e = checked_text("  ab\u{202e}c", "the name", 256).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the name contains a bidirectional control character (right-to-left override, U+202E) at position 5"
    );
    for c in [
        '\u{7f}', '\u{85}', '\u{9b}', '\u{9d}', '\u{2066}', '\u{200f}', '\u{61c}', '\u{2028}',
    ] {
        assert!(
            matches!(
                checked_text(&format!("a{c}b"), "the label", 256),
                Err(RuleError::HiddenCharacter { position: 2, .. })
            ),
            "U+{:04X} accepted",
            c as u32
        );
    }
    // A line break is one of them on one line; surrounding whitespace is trimmed.
    assert!(checked_text("one\ntwo", "the subject", 256).is_err());
    assert_eq!(
        checked_text(" Front desk\n", "the label", 256).unwrap(),
        "Front desk"
    );
}

#[test]
fn multi_line_text_keeps_its_line_breaks_and_refuses_other_hidden_characters() {
    assert_eq!(
        checked_lines("line one\nline two\r\nline three\rfour\n", "the issue", 100).unwrap(),
        "line one\nline two\nline three\nfour"
    );
    let e = checked_lines("one\n\ttwo", "the reply", 100).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the reply contains a control character (tab, U+0009) at position 5"
    );
    assert!(checked_lines("a\u{202e}b", "the issue", 100).is_err());
}

#[test]
fn an_sma_number_goes_to_a_sip_media_application_through_a_sip_rule_in_the_sandbox() {
    let mut w = World::new();
    w.inventory(ProductType::VoiceConnector, vec![local(1), local(2)]);
    let sma = SmaId(
        w.ok(Action::CreateSipMediaApplication {
            name: "IVR".into(),
            region: "us-east-1".into(),
        })
        .created
        .unwrap(),
    );
    assert!(w
        .act(Action::CreateSipMediaApplication {
            name: "Elsewhere".into(),
            region: "mars-1".into(),
        })
        .is_err());
    // A Voice Connector number does not go to a SIP media application.
    let e = w.act(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::SipMediaApplication(sma.clone()),
    });
    assert!(matches!(e, Err(RuleError::WrongAssignee { .. })), "{e:?}");
    w.ok(Action::SwitchProductType {
        numbers: vec![local(1)],
        product_type: ProductType::SipMediaApplicationDialIn,
    });
    let e = w.act(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::SipMediaApplication(SmaId::from_seq(9)),
    });
    assert_eq!(
        e,
        Err(RuleError::UnknownSipMediaApplication("sma-9".into()))
    );
    let o = w.ok(Action::Assign {
        numbers: vec![local(1)],
        to: Assignee::SipMediaApplication(sma.clone()),
    });
    assert_eq!(o.message, format!("Assigned {} to IVR.", local(1)));
    let rule = &w.view.dial_in_rules[&local(1)];
    assert_eq!((&rule.sma, rule.disabled), (&sma, false));
    // Deleting needs it unassigned; unassigning removes its rule.
    assert!(matches!(
        w.act(Action::Delete {
            numbers: vec![local(1)]
        }),
        Err(RuleError::IsAssigned { .. })
    ));
    w.ok(Action::Unassign {
        numbers: vec![local(1)],
    });
    assert!(w.view.dial_in_rules.is_empty());
    assert_eq!(w.view.numbers[&local(1)].status, NumberStatus::Unassigned);
}
