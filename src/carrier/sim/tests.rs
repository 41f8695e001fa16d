use super::*;
use crate::domain::OrderedNumberStatus;

const DAY: Duration = Duration::from_secs(86_400);

pub(super) struct Fixture {
    pub sim: SimCarrier,
    pub clock: Arc<SimClock>,
    _dir: tempfile::TempDir,
}

pub(super) fn settings() -> SimSettings {
    let mut s = SimSettings::from_policy(&Policy::default(), 7, 0.0);
    s.inventory_limit = 10;
    s
}

pub(super) fn fixture_with(settings: SimSettings) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::Config::new().path(dir.path()).open().unwrap();
    let tree = db.open_tree("carrier").unwrap();
    let clock = SimClock::fixed(Timestamp(1_800_000_000_000));
    let sim = SimCarrier::open(tree, settings, clock.as_clock()).unwrap();
    Fixture {
        sim,
        clock,
        _dir: dir,
    }
}

pub(super) fn fixture() -> Fixture {
    fixture_with(settings())
}

pub(super) fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn search(state: &str, max: u32) -> AvailableSearch {
    AvailableSearch {
        state: Some(state.into()),
        max_results: max,
        ..AvailableSearch::default()
    }
}

/// Orders `count` numbers from a WA search and lets the order complete.
fn bought(f: &Fixture, count: u32, product: ProductType) -> Vec<E164> {
    block(async {
        let found = f
            .sim
            .search_available_numbers(&search("WA", count))
            .await
            .unwrap();
        let order = NewOrder {
            product_type: product,
            numbers: found.items.clone(),
            name: None,
        };
        f.sim.create_order(&order).await.unwrap();
        f.clock.advance(f.sim.settings().provisioning_delay);
        found.items
    })
}

fn vc_id(f: &Fixture) -> String {
    block(f.sim.list_voice_connectors(None)).unwrap().items[0]
        .id
        .clone()
}

#[test]
fn search_pages_are_distinct_and_skip_held_numbers() {
    let f = fixture();
    let (one, two) = block(async {
        let one = f
            .sim
            .search_available_numbers(&search("WA", 5))
            .await
            .unwrap();
        let mut q = search("WA", 5);
        q.next = one.next.clone();
        let two = f.sim.search_available_numbers(&q).await.unwrap();
        (one, two)
    });
    assert_eq!(one.items.len(), 5);
    assert_eq!(one.next.as_deref(), Some("page-1"));
    assert!(two.items.iter().all(|n| !one.items.contains(n)));
    let held = bought(&f, 3, ProductType::VoiceConnector);
    let again = block(f.sim.search_available_numbers(&search("WA", 5))).unwrap();
    assert!(again.items.iter().all(|n| !held.contains(n)));
}

#[test]
fn a_search_is_checked_by_the_domains_rules() {
    let f = fixture();
    let mut q = search("WA", 5);
    q.toll_free_prefix = Some("822".into());
    assert!(matches!(
        block(f.sim.search_available_numbers(&q)),
        Err(CarrierError::BadRequest(_))
    ));
    let q = AvailableSearch {
        max_results: 5,
        ..AvailableSearch::default()
    };
    assert!(matches!(
        block(f.sim.search_available_numbers(&q)),
        Err(CarrierError::BadRequest(m)) if m.contains("area code")
    ));
    assert!(matches!(
        block(f.sim.search_available_numbers(&search("WA", 501))),
        Err(CarrierError::BadRequest(_))
    ));
}

#[test]
fn an_order_completes_after_the_provisioning_delay() {
    let f = fixture();
    let numbers = block(f.sim.search_available_numbers(&search("WA", 3)))
        .unwrap()
        .items;
    let order = block(f.sim.create_order(&NewOrder {
        product_type: ProductType::VoiceConnector,
        numbers: numbers.clone(),
        name: Some("Front desk".into()),
    }))
    .unwrap();
    assert_eq!(order.status, CarrierOrderStatus::Processing);
    assert_eq!(order.id.len(), 36);
    let n = block(f.sim.get_number(&numbers[0])).unwrap();
    assert_eq!(n.status, CarrierNumberStatus::AcquireInProgress);
    assert_eq!(n.name.as_deref(), Some("Front desk"));
    f.clock.advance(f.sim.settings().provisioning_delay);
    let done = block(f.sim.get_order(&order.id)).unwrap();
    assert_eq!(done.status, CarrierOrderStatus::Successful);
    let n = block(f.sim.get_number(&numbers[0])).unwrap();
    assert_eq!(n.status, CarrierNumberStatus::Unassigned);
    assert_eq!(n.country.as_deref(), Some("US"));
    // The same numbers cannot be ordered twice.
    assert!(matches!(
        block(f.sim.create_order(&NewOrder {
            product_type: ProductType::VoiceConnector,
            numbers: numbers[..1].to_vec(),
            name: None,
        })),
        Err(CarrierError::BadRequest(_))
    ));
}

#[test]
fn the_seed_decides_ids_and_failures() {
    let make = || {
        let mut s = settings();
        s.failure_rate = 0.5;
        let f = fixture_with(s);
        let numbers = block(f.sim.search_available_numbers(&search("OR", 8)))
            .unwrap()
            .items;
        let o = block(f.sim.create_order(&NewOrder {
            product_type: ProductType::VoiceConnector,
            numbers,
            name: None,
        }))
        .unwrap();
        f.clock.advance(DAY);
        let o = block(f.sim.get_order(&o.id)).unwrap();
        (o, vc_id(&f))
    };
    let (a, vc_a) = make();
    let (b, vc_b) = make();
    assert_eq!(a, b);
    assert_eq!(vc_a, vc_b);
    assert_eq!(vc_a.len(), 22);
    assert!(a
        .numbers
        .iter()
        .any(|(_, s)| *s == OrderedNumberStatus::Failed));
    assert!(a
        .numbers
        .iter()
        .any(|(_, s)| *s == OrderedNumberStatus::Acquired));
    assert_eq!(a.status, CarrierOrderStatus::Partial);
}

#[test]
fn numbers_outside_the_us_are_sip_media_application_numbers() {
    let f = fixture();
    let uk = E164::parse("+442079460123").unwrap();
    let vc = block(f.sim.create_order(&NewOrder {
        product_type: ProductType::VoiceConnector,
        numbers: vec![uk.clone()],
        name: None,
    }));
    assert!(matches!(vc, Err(CarrierError::BadRequest(m)) if m.contains("outside the US")));
    let sma = block(f.sim.create_order(&NewOrder {
        product_type: ProductType::SipMediaApplicationDialIn,
        numbers: vec![uk.clone()],
        name: None,
    }))
    .unwrap();
    assert_eq!(sma.numbers.len(), 1);
    f.clock.advance(f.sim.settings().provisioning_delay);
    let n = block(f.sim.get_number(&uk)).unwrap();
    assert_eq!(n.country.as_deref(), Some("GB"));
    // ...and cannot become Voice Connector numbers.
    assert!(matches!(
        block(
            f.sim
                .update_number(&uk, &NumberUpdate::ProductType(ProductType::VoiceConnector))
        ),
        Err(CarrierError::BadRequest(_))
    ));
    // A SIP rule triggered by the number takes it (CreateSipRule), once.
    let app = block(f.sim.list_sip_media_applications(None))
        .unwrap()
        .items[0]
        .clone();
    let new = NewSipRule {
        name: "dial-in".into(),
        number: uk.clone(),
        sma_id: app.id.clone(),
        region: app.region.clone(),
    };
    let rule = block(f.sim.create_sip_rule(&new)).unwrap();
    assert_eq!(rule.trigger_value, uk.as_str());
    assert_eq!(rule.targets, vec![app.id.clone()]);
    let n = block(f.sim.get_number(&uk)).unwrap();
    assert_eq!(n.status, CarrierNumberStatus::Assigned);
    assert_eq!(n.associations, vec![Association::SipRule(rule.id.clone())]);
    assert!(matches!(
        block(f.sim.create_sip_rule(&new)),
        Err(CarrierError::BadRequest(_) | CarrierError::Conflict(_))
    ));
    // Deleted only once disabled; then the number is unassigned.
    assert!(matches!(
        block(f.sim.delete_sip_rule(&rule.id)),
        Err(CarrierError::BadRequest(m)) if m.contains("disable")
    ));
    block(f.sim.update_sip_rule(&rule.id, &rule.name, true)).unwrap();
    block(f.sim.delete_sip_rule(&rule.id)).unwrap();
    let n = block(f.sim.get_number(&uk)).unwrap();
    assert_eq!(n.status, CarrierNumberStatus::Unassigned);
    assert!(block(f.sim.list_sip_rules(None)).unwrap().items.is_empty());
}

#[test]
fn the_inventory_limit_refuses_orders_and_restores() {
    let f = fixture();
    let held = bought(&f, 9, ProductType::VoiceConnector);
    let more = block(f.sim.search_available_numbers(&search("OR", 2)))
        .unwrap()
        .items;
    let r = block(f.sim.create_order(&NewOrder {
        product_type: ProductType::VoiceConnector,
        numbers: more.clone(),
        name: None,
    }));
    assert!(matches!(r, Err(CarrierError::ResourceLimitExceeded(_))));
    // Nothing was written.
    assert!(matches!(
        block(f.sim.get_number(&more[0])),
        Err(CarrierError::NotFound(_))
    ));
    block(f.sim.delete_numbers(&held[..1])).unwrap();
    block(f.sim.create_order(&NewOrder {
        product_type: ProductType::VoiceConnector,
        numbers: more.clone(),
        name: None,
    }))
    .unwrap();
    assert!(matches!(
        block(f.sim.restore_number(&held[0])),
        Err(CarrierError::ResourceLimitExceeded(_))
    ));
}

#[test]
fn association_rules_follow_the_api() {
    let f = fixture();
    let numbers = bought(&f, 3, ProductType::VoiceConnector);
    let vcs = block(f.sim.list_voice_connectors(None)).unwrap().items;
    let (a, b) = (
        Association::VoiceConnector(vcs[0].id.clone()),
        Association::VoiceConnector(vcs[1].id.clone()),
    );
    assert!(block(f.sim.associate(&a, &numbers[..2], false))
        .unwrap()
        .is_empty());
    // Already elsewhere: refused per number without force, moved with it.
    let failures = block(f.sim.associate(&b, &numbers, false)).unwrap();
    assert_eq!(failures.len(), 2);
    assert!(failures
        .iter()
        .all(|f| f.code == "PhoneNumberAssociationsExist"));
    assert!(block(f.sim.associate(&b, &numbers, true))
        .unwrap()
        .is_empty());
    let n = block(f.sim.get_number(&numbers[0])).unwrap();
    assert_eq!(n.associations, vec![b.clone()]);
    // Unknown ids and numbers.
    assert!(matches!(
        block(
            f.sim
                .associate(&Association::VoiceConnector("nope".into()), &numbers, false)
        ),
        Err(CarrierError::NotFound(_))
    ));
    let stranger = E164::nanp(206, 215, 9999);
    let failures = block(f.sim.associate(&b, std::slice::from_ref(&stranger), false)).unwrap();
    assert_eq!(failures[0].code, "NotFound");
    assert!(matches!(
        block(f.sim.associate(&b, &[stranger.clone(), stranger], false)),
        Err(CarrierError::BadRequest(_))
    ));
    // Assigned numbers cannot be deleted nor change product type; the connector cannot go.
    let failures = block(f.sim.delete_numbers(&numbers[..1])).unwrap();
    assert_eq!(failures[0].code, "PhoneNumberAssociationsExist");
    assert!(matches!(
        block(f.sim.update_number(
            &numbers[0],
            &NumberUpdate::ProductType(ProductType::SipMediaApplicationDialIn)
        )),
        Err(CarrierError::BadRequest(_))
    ));
    assert!(matches!(
        block(f.sim.delete_voice_connector(b.id())),
        Err(CarrierError::Conflict(m)) if m.contains("phone numbers")
    ));
    assert!(block(f.sim.disassociate(&b, &numbers)).unwrap().is_empty());
    let failures = block(f.sim.disassociate(&b, &numbers[..1])).unwrap();
    assert_eq!(failures[0].code, "BadRequest");
    // Still in the seeded group.
    assert!(matches!(
        block(f.sim.delete_voice_connector(b.id())),
        Err(CarrierError::Conflict(m)) if m.contains("group")
    ));
}

#[test]
fn updates_take_one_attribute_and_names_take_72_hours() {
    let f = fixture();
    let numbers = bought(&f, 2, ProductType::VoiceConnector);
    let (a, b) = (numbers[0].clone(), numbers[1].clone());
    let items = vec![
        (a.clone(), NumberUpdate::CallingName("Acme".into())),
        (b.clone(), NumberUpdate::Name("bad/label".into())),
    ];
    let failures = block(f.sim.batch_update_numbers(&items)).unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].number, b);
    let n = block(f.sim.get_number(&a)).unwrap();
    assert_eq!(n.calling_name.as_deref(), Some("Acme"));
    assert_eq!(
        n.calling_name_status,
        Some(crate::domain::CallingNameStatus::UpdateInProgress)
    );
    // A second update waits for the first.
    assert!(matches!(
        block(
            f.sim
                .update_number(&a, &NumberUpdate::CallingName("Other".into()))
        ),
        Err(CarrierError::Conflict(_))
    ));
    f.clock.advance(f.sim.settings().name_update);
    let n = block(f.sim.get_number(&a)).unwrap();
    assert_eq!(
        n.calling_name_status,
        Some(crate::domain::CallingNameStatus::UpdateSucceeded)
    );
    block(
        f.sim
            .update_number(&a, &NumberUpdate::CallingName("Other".into())),
    )
    .unwrap();
    // Duplicates and bad names.
    let dup = vec![
        (a.clone(), NumberUpdate::Name("x".into())),
        (a.clone(), NumberUpdate::Name("y".into())),
    ];
    assert!(matches!(
        block(f.sim.batch_update_numbers(&dup)),
        Err(CarrierError::BadRequest(_))
    ));
    assert!(matches!(
        block(
            f.sim
                .update_number(&b, &NumberUpdate::CallingName("A!".into()))
        ),
        Err(CarrierError::BadRequest(_))
    ));
}

#[test]
fn deleted_numbers_wait_seven_days_then_vanish() {
    let f = fixture();
    let numbers = bought(&f, 2, ProductType::VoiceConnector);
    assert!(block(f.sim.delete_numbers(&numbers)).unwrap().is_empty());
    let n = block(f.sim.get_number(&numbers[0])).unwrap();
    assert_eq!(n.status, CarrierNumberStatus::DeleteInProgress);
    assert!(n.deletion_at.is_some());
    block(f.sim.restore_number(&numbers[0])).unwrap();
    f.clock.advance(f.sim.settings().deletion_retention);
    assert!(matches!(
        block(f.sim.get_number(&numbers[1])),
        Err(CarrierError::NotFound(_))
    ));
    let listed = block(f.sim.list_numbers(None)).unwrap().items;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].number, numbers[0]);
}

#[test]
fn the_default_calling_name_changes_once_a_week() {
    let f = fixture();
    block(f.sim.update_settings("Acme Corp")).unwrap();
    assert_eq!(
        block(f.sim.get_settings()).unwrap().calling_name.as_deref(),
        Some("Acme Corp")
    );
    assert!(matches!(
        block(f.sim.update_settings("Other")),
        Err(CarrierError::BadRequest(_))
    ));
    f.clock.advance(DAY * 7);
    block(f.sim.update_settings("")).unwrap();
    assert_eq!(block(f.sim.get_settings()).unwrap().calling_name, None);
}

#[test]
fn groups_follow_the_api_limits() {
    let f = fixture();
    let vcs = block(f.sim.list_voice_connectors(None)).unwrap().items;
    let member = |i: usize, p: u8| CarrierGroupMember {
        connector_id: vcs[i].id.clone(),
        priority: p,
    };
    assert!(matches!(
        block(f.sim.create_group("G", &[member(0, 0)])),
        Err(CarrierError::BadRequest(_))
    ));
    assert!(matches!(
        block(f.sim.create_group("G", &[member(0, 1), member(0, 2)])),
        Err(CarrierError::BadRequest(_))
    ));
    assert!(matches!(
        block(f.sim.create_group(
            "G",
            &[member(0, 1), member(1, 2), member(0, 3), member(1, 4)]
        )),
        Err(CarrierError::BadRequest(_))
    ));
    let g = block(f.sim.create_group("G", &[member(1, 5), member(0, 1)])).unwrap();
    assert_eq!(g.members[0].priority, 1);
    let numbers = bought(&f, 1, ProductType::VoiceConnector);
    let target = Association::VoiceConnectorGroup(g.id.clone());
    block(f.sim.associate(&target, &numbers, false)).unwrap();
    assert!(matches!(
        block(f.sim.delete_group(&g.id)),
        Err(CarrierError::Conflict(_))
    ));
    block(f.sim.disassociate(&target, &numbers)).unwrap();
    block(f.sim.delete_group(&g.id)).unwrap();
    assert!(matches!(
        block(f.sim.delete_group(&g.id)),
        Err(CarrierError::NotFound(_))
    ));
    assert!(matches!(
        block(f.sim.create_voice_connector("X", "mars-1", true)),
        Err(CarrierError::BadRequest(_))
    ));
    let vc = block(f.sim.create_voice_connector("X", "ap-southeast-2", true)).unwrap();
    block(f.sim.delete_voice_connector(&vc.id)).unwrap();
}

#[test]
fn lists_page_through_everything() {
    let mut s = settings();
    s.page_size = 2;
    let f = fixture_with(s);
    let numbers = bought(&f, 5, ProductType::VoiceConnector);
    let mut seen = Vec::new();
    let mut next = None;
    loop {
        let page = block(f.sim.list_numbers(next.as_deref())).unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.into_iter().map(|n| n.number));
        next = page.next;
        if next.is_none() {
            break;
        }
    }
    let mut want = numbers.clone();
    want.sort();
    assert_eq!(seen, want);
    let apps = block(f.sim.list_sip_media_applications(None)).unwrap();
    assert_eq!(apps.items.len(), 2);
    assert!(apps.next.is_none());
}

#[test]
fn faults_throttle_fail_and_lose_replies() {
    let f = fixture();
    let faults = f.sim.faults();
    faults.throttle_next(1);
    assert_eq!(block(f.sim.get_settings()), Err(CarrierError::Throttled));
    faults.fail_next(1, 503);
    assert_eq!(block(f.sim.get_settings()), Err(CarrierError::Unavailable));
    block(f.sim.get_settings()).unwrap();
    // The order is placed, but its answer is lost.
    let numbers = block(f.sim.search_available_numbers(&search("WA", 2)))
        .unwrap()
        .items;
    faults.fail_reply_next(1, Some(ops::CREATE_ORDER));
    let r = block(f.sim.create_order(&NewOrder {
        product_type: ProductType::VoiceConnector,
        numbers: numbers.clone(),
        name: None,
    }));
    assert_eq!(r, Err(CarrierError::ServiceFailure { status: 500 }));
    assert_eq!(f.sim.calls(ops::CREATE_ORDER), 1);
    let orders = block(f.sim.list_orders(None)).unwrap().items;
    assert_eq!(orders.len(), 1);
    assert_eq!(
        block(f.sim.get_number(&numbers[0])).unwrap().status,
        CarrierNumberStatus::AcquireInProgress
    );
    // Per-number failures in batch answers leave the number unchanged.
    f.clock.advance(DAY);
    faults.fail_number(numbers[0].clone(), "ServiceFailure");
    let failures = block(f.sim.delete_numbers(&numbers)).unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].code, "ServiceFailure");
    assert_eq!(
        block(f.sim.get_number(&numbers[0])).unwrap().status,
        CarrierNumberStatus::Unassigned
    );
    // Acquisitions that fail.
    faults.clear();
    faults.fail_next_acquisitions(1);
    let more = block(f.sim.search_available_numbers(&search("WA", 2)))
        .unwrap()
        .items;
    let o = block(f.sim.create_order(&NewOrder {
        product_type: ProductType::VoiceConnector,
        numbers: more,
        name: None,
    }))
    .unwrap();
    f.clock.advance(DAY);
    assert_eq!(
        block(f.sim.get_order(&o.id)).unwrap().status,
        CarrierOrderStatus::Partial
    );
}

#[test]
fn slow_answers_take_their_time() {
    let f = fixture();
    f.sim.faults().delay_next(1, Duration::from_millis(200));
    let started = std::time::Instant::now();
    block(f.sim.get_settings()).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn the_console_changes_things_behind_phonedesks_back() {
    let f = fixture();
    let n = E164::nanp(206, 215, 4321);
    f.sim
        .console_buy(std::slice::from_ref(&n), ProductType::VoiceConnector)
        .unwrap();
    let got = block(f.sim.get_number(&n)).unwrap();
    assert_eq!(got.status, CarrierNumberStatus::Unassigned);
    let vc = Association::VoiceConnector(vc_id(&f));
    f.sim.console_associate(&vc, &n).unwrap();
    f.sim
        .console_update(&n, &NumberUpdate::Name("From console".into()))
        .unwrap();
    let got = block(f.sim.get_number(&n)).unwrap();
    assert_eq!(got.status, CarrierNumberStatus::Assigned);
    assert_eq!(got.name.as_deref(), Some("From console"));
    f.sim.console_release(&n).unwrap();
    assert!(matches!(
        block(f.sim.get_number(&n)),
        Err(CarrierError::NotFound(_))
    ));
    // None of that was an API call.
    assert_eq!(f.sim.calls(ops::CREATE_ORDER), 0);
}

#[test]
fn the_state_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let clock = SimClock::fixed(Timestamp(1_800_000_000_000));
    let n = E164::nanp(206, 215, 4321);
    let vc = {
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        let sim =
            SimCarrier::open(db.open_tree("c").unwrap(), settings(), clock.as_clock()).unwrap();
        sim.console_buy(std::slice::from_ref(&n), ProductType::VoiceConnector)
            .unwrap();
        block(sim.list_voice_connectors(None)).unwrap().items
    };
    let db = sled::Config::new().path(dir.path()).open().unwrap();
    let sim = SimCarrier::open(db.open_tree("c").unwrap(), settings(), clock.as_clock()).unwrap();
    assert_eq!(block(sim.list_voice_connectors(None)).unwrap().items, vc);
    assert_eq!(
        block(sim.get_number(&n)).unwrap().status,
        CarrierNumberStatus::Unassigned
    );
}
