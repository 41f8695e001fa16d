use super::*;
use crate::domain::{
    Category, Loa, NumberType, OrderId, Policy, PortIn, ProductType, RequestId, RequestKind,
    RequestStatus, SupportRequest, Timestamp, TOLL_FREE_PREFIXES,
};
use std::collections::HashSet;
use std::time::{Duration, Instant};

fn carrier() -> SimulatedCarrier {
    SimulatedCarrier::new(42, 0.1)
}

fn none_held(_: &E164) -> bool {
    false
}

fn search(c: &SimulatedCarrier, q: SearchQuery) -> Vec<AvailableNumber> {
    c.search(&q, &none_held).expect("the search should succeed")
}

fn national(n: &E164) -> &str {
    &n.as_str()[2..]
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let q = SearchQuery::us().with_state("WA").with_limit(50);
    let a = search(&SimulatedCarrier::new(7, 0.0), q.clone());
    let b = search(&SimulatedCarrier::new(7, 0.5), q.clone());
    let c = search(&SimulatedCarrier::new(8, 0.0), q);
    assert_eq!(a.len(), 50);
    assert_eq!(a, b, "the failure rate does not change what is offered");
    assert_ne!(a, c);
}

#[test]
fn results_are_sorted_distinct_and_at_most_the_limit() {
    let c = carrier();
    for limit in [1, 10, 500] {
        let r = search(&c, SearchQuery::us().with_area_code(206).with_limit(limit));
        assert_eq!(r.len(), limit);
        let numbers: Vec<&E164> = r.iter().map(|a| &a.number).collect();
        let mut sorted = numbers.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(numbers, sorted);
    }
}

#[test]
fn never_offers_a_held_number_and_still_fills_the_limit() {
    let c = carrier();
    let q = SearchQuery::us().with_city("Seattle", "WA").with_limit(20);
    let first = search(&c, q.clone());
    let held: HashSet<E164> = first.iter().take(12).map(|a| a.number.clone()).collect();
    let second = c.search(&q, &|n: &E164| held.contains(n)).unwrap();
    assert_eq!(second.len(), 20);
    assert!(second.iter().all(|a| !held.contains(&a.number)));
    // The numbers that were not held are still offered: held ones give way to others.
    for a in first.iter().skip(12) {
        assert!(second.contains(a), "{}", a.number);
    }
}

#[test]
fn a_held_number_is_never_offered_even_in_a_tiny_pool() {
    let c = carrier();
    // Exactly one exchange digit pattern: 206-215-1234 is the only fit in 206-215.
    let q = SearchQuery::us()
        .with_area_code(206)
        .with_contains("2062151234")
        .with_limit(5);
    let r = search(&c, q.clone());
    assert_eq!(
        r.iter().map(|a| a.number.as_str()).collect::<Vec<_>>(),
        ["+12062151234"]
    );
    let held = E164::nanp(206, 215, 1234);
    assert!(c.search(&q, &|n: &E164| *n == held).unwrap().is_empty());
}

#[test]
fn searches_by_state_city_area_code_and_type() {
    let c = carrier();
    for a in search(&c, SearchQuery::us().with_state("wa").with_limit(200)) {
        assert_eq!(a.state.as_deref(), Some("WA"));
        assert_eq!(a.number_type, NumberType::Local);
    }
    for a in search(
        &c,
        SearchQuery::us()
            .with_city("  seattle ", "Washington")
            .with_limit(100),
    ) {
        assert_eq!(a.city.as_deref(), Some("Seattle"));
        assert_eq!(a.state.as_deref(), Some("WA"));
        assert_eq!(c.place_of(&a.number).as_deref(), Some("Seattle, WA"));
    }
    for a in search(
        &c,
        SearchQuery::us()
            .with_area_code(212)
            .with_type(NumberType::Local)
            .with_limit(100),
    ) {
        assert_eq!(a.number.area_code(), Some(212));
    }
    // An area code and a state that do not meet: nothing.
    assert!(search(&c, SearchQuery::us().with_area_code(206).with_state("TX")).is_empty());
    // An area code the carrier has no numbers in: nothing, not an error.
    assert!(search(&c, SearchQuery::us().with_area_code(416)).is_empty());
}

#[test]
fn searches_by_toll_free_prefix() {
    let c = carrier();
    for p in TOLL_FREE_PREFIXES {
        let r = search(
            &c,
            SearchQuery::us().with_toll_free_prefix(p).with_limit(30),
        );
        assert_eq!(r.len(), 30);
        for a in r {
            assert_eq!(a.number.area_code(), Some(p));
            assert_eq!(a.number_type, NumberType::TollFree);
            assert_eq!((a.city.as_deref(), a.state.as_deref()), (None, None));
        }
    }
}

#[test]
fn digit_patterns_match_anywhere_in_the_national_number() {
    let c = carrier();
    for pattern in ["555", "0", "12", "2061", "9999", "4321987"] {
        let r = search(
            &c,
            SearchQuery::us()
                .with_state("WA")
                .with_contains(pattern)
                .with_limit(40),
        );
        assert!(!r.is_empty(), "{pattern}");
        for a in &r {
            assert!(
                national(&a.number).contains(pattern),
                "{} for {pattern}",
                a.number
            );
        }
    }
    // A pattern that spans the exchange and the line.
    let r = search(
        &c,
        SearchQuery::us()
            .with_area_code(206)
            .with_contains("2151")
            .with_limit(10),
    );
    assert!(r.iter().all(|a| national(&a.number).contains("2151")));
    assert_eq!(r.len(), 10);
    // A pattern no number can contain in this area: nothing.
    assert!(search(
        &c,
        SearchQuery::us()
            .with_area_code(206)
            .with_contains("2069999999")
    )
    .is_empty());
}

#[test]
fn generated_numbers_are_realistic() {
    let c = carrier();
    let mut numbers = Vec::new();
    for q in [
        SearchQuery::us().with_state("NY").with_limit(500),
        SearchQuery::us().with_state("DC").with_limit(500),
        SearchQuery::us()
            .with_area_code(310)
            .with_contains("555")
            .with_limit(500),
        SearchQuery::us()
            .with_toll_free_prefix(800)
            .with_contains("555")
            .with_limit(500),
        SearchQuery::us()
            .with_area_code(206)
            .with_contains("0000")
            .with_limit(500),
    ] {
        numbers.extend(search(&c, q).into_iter().map(|a| a.number));
    }
    let mut distinct_lines = HashSet::new();
    for n in &numbers {
        let d = national(n);
        assert_ne!(&d[6..], "0000", "{n}");
        assert!(!(&d[3..6] == "555" && &d[6..8] == "01"), "fictional {n}");
        assert!(c.offers(n), "{n}");
        // libphonenumber agrees: a valid US number.
        let parsed = E164::parse(n.as_str()).unwrap_or_else(|e| panic!("{n}: {e}"));
        assert!(parsed.is_us(), "{n}");
        distinct_lines.insert(d[6..].to_string());
    }
    // Line numbers spread: no run of the same few lines.
    assert!(
        distinct_lines.len() > numbers.len() / 3,
        "{} of {}",
        distinct_lines.len(),
        numbers.len()
    );
}

#[test]
fn every_exchange_yields_valid_us_numbers() {
    // One number per exchange of the data: all valid for libphonenumber, all US.
    let g = geo::geo();
    let mut bad = std::collections::BTreeMap::<u16, Vec<u16>>::new();
    for e in g.exchanges.iter() {
        let n = E164::nanp(e.npa, e.nxx, 4821);
        match E164::parse(n.as_str()) {
            Ok(p) if p.is_us() => {}
            _ => bad.entry(e.npa).or_default().push(e.nxx),
        }
    }
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn no_canadian_or_caribbean_numbers() {
    let c = carrier();
    let states: Vec<String> = c.states().into_iter().map(|(code, _)| code).collect();
    assert_eq!(states.len(), 51);
    assert!(!states
        .iter()
        .any(|s| ["ON", "QC", "BC", "AB", "PR", "VI"].contains(&s.as_str())));
    assert!(c.cities("ON").is_empty());
    assert!(c.cities("WA").iter().any(|city| city == "Seattle"));
    assert!(c.cities("Washington").iter().any(|city| city == "Spokane"));
    for n in [
        "+14165550123",
        "+16135550123",
        "+12423221234",
        "+17877221234",
    ] {
        let n = E164::parse(n).unwrap();
        assert!(!c.offers(&n), "{n}");
        assert_eq!(c.place_of(&n), None);
    }
    let ontario = SearchQuery::us().with_state("ON");
    assert_eq!(
        c.search(&ontario, &none_held),
        Err(SearchError::UnknownState("ON".into()))
    );
}

#[test]
fn search_validates_the_query() {
    let c = carrier();
    assert_eq!(
        c.search(&SearchQuery::us(), &none_held),
        Err(SearchError::NeedsLocation)
    );
    let gb = SearchQuery {
        country: "GB".into(),
        ..SearchQuery::us().with_area_code(206)
    };
    assert_eq!(
        c.search(&gb, &none_held),
        Err(SearchError::UnsupportedCountry("GB".into()))
    );
    let too_many = SearchQuery::us().with_area_code(206).with_limit(501);
    assert!(matches!(
        c.search(&too_many, &none_held),
        Err(SearchError::BadLimit { .. })
    ));
}

#[test]
fn offers_real_exchanges_only() {
    let c = carrier();
    let n = |s: &str| E164::parse(s).unwrap();
    assert!(c.offers(&n("+12062151234")));
    assert!(
        !c.offers(&n("+18005550199")),
        "the 555 exchange is not sold"
    );
    assert!(c.offers(&n("+18882345678")));
    assert!(!c.offers(&n("+12062150000")), "line 0000");
    assert!(!c.offers(&n("+13105550123")), "fictional 555-01XX");
    assert!(
        c.offers(&n("+13105551234")),
        "310-555 is a real exchange in the data"
    );
    assert!(!c.offers(&n("+442079460123")));
}

#[test]
fn the_failure_rate_is_roughly_honoured() {
    let order = OrderId::from_seq(3);
    let numbers: Vec<E164> = search(
        &carrier(),
        SearchQuery::us().with_state("CA").with_limit(500),
    )
    .into_iter()
    .chain(search(
        &carrier(),
        SearchQuery::us().with_state("TX").with_limit(500),
    ))
    .map(|a| a.number)
    .collect();
    assert_eq!(numbers.len(), 1000);
    for rate in [0.0, 0.1, 0.5, 1.0] {
        let c = SimulatedCarrier::new(9, rate);
        let failed = numbers
            .iter()
            .filter(|n| c.acquire(&order, n).is_err())
            .count();
        let expected = rate * 1000.0;
        assert!(
            (failed as f64 - expected).abs() <= 40.0,
            "rate {rate}: {failed} failed"
        );
        // Deterministic: the same answer twice.
        assert!(numbers
            .iter()
            .all(|n| c.acquire(&order, n) == c.acquire(&order, n)));
    }
    let c = SimulatedCarrier::new(9, 1.0);
    let why = c.acquire(&order, &numbers[0]).unwrap_err();
    assert!(why.starts_with("the "), "{why}");
    assert_eq!(SimulatedCarrier::new(1, f64::NAN).failure_rate(), 0.0);
    assert_eq!(SimulatedCarrier::new(1, 7.0).failure_rate(), 1.0);
}

#[test]
fn acquiring_a_number_not_offered_fails() {
    let c = SimulatedCarrier::new(1, 0.0);
    let n = E164::parse("+14165550123").unwrap();
    assert!(c.acquire(&OrderId::from_seq(1), &n).is_err());
}

fn form() -> PortIn {
    PortIn {
        numbers: vec![
            E164::parse("+12062151234").unwrap(),
            E164::parse("+12062159876").unwrap(),
        ],
        product_type: ProductType::BusinessCalling,
        btn: E164::parse("+12062151000").unwrap(),
        authorizing_person: "Ana Lima".into(),
        current_carrier: Some("Northwind Telecom".into()),
        service_account_number: None,
        service_pin: None,
        service_address: "410 Terry Ave N, Seattle, WA 98109".into(),
        customer_name: "Example Corp".into(),
        requested_at: Timestamp::EPOCH,
        voice_connector: None,
    }
}

fn loa_for(f: &PortIn) -> Loa {
    Loa {
        carrier: f.current_carrier.clone().unwrap_or_default(),
        authorizing_person: f.authorizing_person.clone(),
        btn: f.btn.clone(),
        service_address: f.service_address.clone(),
        submitted_at: Timestamp::EPOCH,
    }
}

#[test]
fn port_ins_from_known_exchanges_are_portable() {
    let c = carrier();
    let reply = c.review_port_in(&form()).unwrap();
    assert!(reply.contains("Letter of Authorization"), "{reply}");
    assert!(reply.contains("Northwind Telecom"), "{reply}");
    let mut tf = form();
    tf.numbers = vec![E164::parse("+18882345678").unwrap()];
    assert!(c.review_port_in(&tf).is_ok());
}

#[test]
fn fictional_and_unknown_exchanges_are_not_portable() {
    let c = carrier();
    let mut f = form();
    f.numbers.push(E164::parse("+12065550123").unwrap());
    let why = c.review_port_in(&f).unwrap_err();
    assert!(
        why.contains("+12065550123 is a fictional 555-01XX number"),
        "{why}"
    );

    let mut f = form();
    // 206-200 is not an exchange in the data.
    let unknown = E164::parse("+12062001234").unwrap();
    assert!(geo::geo().exchange(206, 200).is_none());
    f.numbers.push(unknown);
    let why = c.review_port_in(&f).unwrap_err();
    assert!(
        why.contains("the losing carrier does not release numbers from the 206-200 exchange"),
        "{why}"
    );
}

#[test]
fn an_loa_matching_the_records_is_accepted() {
    let c = carrier();
    let f = form();
    assert_eq!(c.check_loa(&f, &loa_for(&f)), Ok(()));
    // Case and spacing do not matter.
    let mut loa = loa_for(&f);
    loa.carrier = "NORTHWIND  telecom".into();
    loa.authorizing_person = "  ana   LIMA ".into();
    loa.service_address = "410 terry ave n,  Seattle, WA 98109".into();
    assert_eq!(c.check_loa(&f, &loa), Ok(()));
    // Without a carrier on the form, any carrier is accepted.
    let mut open = f.clone();
    open.current_carrier = None;
    let mut loa = loa_for(&f);
    loa.carrier = "Anyone".into();
    assert_eq!(c.check_loa(&open, &loa), Ok(()));
}

#[test]
fn an_loa_mismatch_names_the_fields_that_differ() {
    let c = carrier();
    let f = form();
    let mut loa = loa_for(&f);
    loa.authorizing_person = "Bo Chen".into();
    let why = c.check_loa(&f, &loa).unwrap_err();
    assert_eq!(
        why,
        "the authorizing person differs (LOA: “Bo Chen”; records: “Ana Lima”)"
    );

    let mut loa = loa_for(&f);
    loa.carrier = "Contoso Mobile".into();
    loa.btn = E164::parse("+12062151001").unwrap();
    loa.service_address = "1 Main St".into();
    let why = c.check_loa(&f, &loa).unwrap_err();
    assert!(
        why.contains("the carrier differs (LOA: “Contoso Mobile”; records: “Northwind Telecom”)"),
        "{why}"
    );
    assert!(
        why.contains("the billing telephone number differs (LOA: “+12062151001”"),
        "{why}"
    );
    assert!(why.contains("the service address differs"), "{why}");
    assert!(!why.contains("authorizing person"), "{why}");
}

#[test]
fn port_dates_fall_inside_the_porting_window() {
    let c = carrier();
    let policy = Policy::default();
    let now = Timestamp::parse("2026-11-25T06:31:00Z").unwrap();
    let mut distinct = HashSet::new();
    for i in 1..=300 {
        let id = RequestId::from_seq(i);
        let date = c.port_date(&id, now, &policy);
        assert!(
            date >= now.plus(policy.porting_min) && date <= now.plus(policy.porting_max),
            "{date}"
        );
        assert_eq!(date, c.port_date(&id, now, &policy));
        distinct.insert(date);
    }
    assert!(distinct.len() > 250);
    // A window of zero width, and a misconfigured one, still give a date.
    let fixed = Policy {
        porting_min: Duration::from_secs(60),
        porting_max: Duration::from_secs(60),
        ..Policy::default()
    };
    assert_eq!(
        c.port_date(&RequestId::from_seq(1), now, &fixed),
        now.plus(Duration::from_secs(60))
    );
    let upside_down = Policy {
        porting_max: Duration::ZERO,
        ..fixed
    };
    assert_eq!(
        c.port_date(&RequestId::from_seq(1), now, &upside_down),
        now.plus(Duration::from_secs(60))
    );
}

#[test]
fn port_out_credentials_are_deterministic_per_request() {
    let c = carrier();
    let (account, pin) = c.port_out_credentials(&RequestId::from_seq(4));
    assert_eq!(
        (account.clone(), pin.clone()),
        c.port_out_credentials(&RequestId::from_seq(4))
    );
    assert!(
        account.starts_with("PD-") && account.len() == 9,
        "{account}"
    );
    assert!(account[3..]
        .bytes()
        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()));
    assert!(pin.reveal().len() == 6 && pin.reveal().bytes().all(|b| b.is_ascii_digit()));
    assert!(!format!("{pin:?}").contains(pin.reveal()));
    assert_ne!(account, c.port_out_credentials(&RequestId::from_seq(5)).0);
    assert_ne!(
        account,
        SimulatedCarrier::new(43, 0.1)
            .port_out_credentials(&RequestId::from_seq(4))
            .0
    );
}

fn plain(category: Category, subject: &str, issue: &str) -> SupportRequest {
    SupportRequest {
        id: RequestId::from_seq(9),
        category,
        subject: subject.into(),
        issue: issue.into(),
        email: "ana@example.com".into(),
        kind: RequestKind::Other,
        status: RequestStatus::Submitted,
        thread: Vec::new(),
        loas: Vec::new(),
        foc_date: None,
        port_out_account: None,
        port_out_pin: None,
        next_step_at: None,
        created_at: Timestamp::EPOCH,
        updated_at: Timestamp::EPOCH,
    }
}

#[test]
fn the_desk_answers_plain_requests_by_fixed_rules() {
    let c = carrier();
    let a = |cat, s: &str, i: &str| c.answer(&plain(cat, s, i));
    assert!(a(
        Category::General,
        "Moving numbers",
        "Can we port our numbers?"
    )
    .contains("Porting phone numbers in"));
    assert!(a(Category::General, "Need more", "We hit the limit").contains("inventory limit"));
    assert!(a(Category::Technical, "Caller ID", "wrong name shown").contains("72 hours"));
    assert!(a(Category::Technical, "Texts", "SMS not delivered").contains("sign out"));
    assert!(a(Category::Billing, "Invoice", "question").contains("billing team"));
    assert!(a(Category::Technical, "Dropped calls", "calls drop").contains("req-9"));
    assert!(a(Category::Other, "Hello", "hi").contains("Thank you"));
    // The same request, the same answer.
    assert_eq!(
        a(Category::Other, "Hello", "hi"),
        a(Category::Other, "Hello", "hi")
    );
}

/// `cargo test --release --lib carrier::tests::search_timing -- --ignored --nocapture`
#[test]
#[ignore]
fn search_timing() {
    let start = Instant::now();
    let _ = E164::parse("+12062151234");
    println!("libphonenumber's first use: {:?}", start.elapsed());
    let start = Instant::now();
    let _ = geo::geo();
    println!("parsing and indexing the data: {:?}", start.elapsed());
    let c = carrier();
    let queries = [
        SearchQuery::us().with_state("CA").with_limit(500),
        SearchQuery::us()
            .with_state("CA")
            .with_contains("4321")
            .with_limit(500),
        SearchQuery::us().with_area_code(212).with_limit(500),
        SearchQuery::us().with_city("Seattle", "WA").with_limit(500),
        SearchQuery::us()
            .with_toll_free_prefix(888)
            .with_contains("77")
            .with_limit(500),
        SearchQuery::us()
            .with_state("TX")
            .with_contains("2345678")
            .with_limit(500),
        SearchQuery::us().with_state("NY").with_limit(10),
    ];
    for q in queries {
        let start = Instant::now();
        let rounds = 20;
        let mut n = 0;
        for _ in 0..rounds {
            n = c.search(&q, &none_held).unwrap().len();
        }
        let per = start.elapsed() / rounds;
        println!("{per:>10.2?}  {n:>3} results  {q:?}");
    }
    let start = Instant::now();
    let fresh = SimulatedCarrier::new(1, 0.0);
    let _ = fresh.place_of(&E164::nanp(206, 215, 1234));
    println!(
        "(data already parsed; second carrier costs {:?})",
        start.elapsed()
    );
}

/// Held numbers read a whole exchange at a time, as the store and the simulation give them.
struct HeldByExchange<'a>(&'a HashSet<E164>);

impl HeldNumbers for HeldByExchange<'_> {
    fn holds(&self, _: &E164) -> bool {
        unreachable!("a holder that lists an exchange's lines is never asked number by number")
    }

    fn held_lines(&self, npa: u16, nxx: u16) -> Option<Vec<u16>> {
        let prefix = format!("+1{npa:03}{nxx:03}");
        Some(
            self.0
                .iter()
                .filter_map(|n| n.as_str().strip_prefix(&prefix)?.parse().ok())
                .collect(),
        )
    }
}

mod held_numbers {
    use super::*;
    use proptest::prelude::*;

    fn queries() -> impl Strategy<Value = SearchQuery> {
        prop_oneof![
            Just(SearchQuery::us().with_state("WY")),
            Just(SearchQuery::us().with_state("DC")),
            Just(SearchQuery::us().with_city("Seattle", "WA")),
            Just(SearchQuery::us().with_area_code(206)),
            Just(SearchQuery::us().with_area_code(907).with_contains("12")),
            Just(
                SearchQuery::us()
                    .with_toll_free_prefix(888)
                    .with_contains("77")
            ),
            Just(
                SearchQuery::us()
                    .with_area_code(206)
                    .with_contains("2062151")
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Skipping an exchange's held lines in memory offers exactly what asking about each
        /// candidate offered (the algorithm before), and never a held number.
        #[test]
        fn reading_held_lines_per_exchange_offers_what_asking_per_number_did(
            q in queries(),
            limit in 1usize..60,
            seed in 0u64..4,
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..80),
            extra_lines in proptest::collection::vec(0u16..10_000, 0..40),
        ) {
            let c = SimulatedCarrier::new(seed, 0.0);
            let q = q.with_limit(limit);
            // Held: some of what the search offers first, and other lines of its exchanges.
            let offered = search(&c, q.clone().with_limit(limit * 2));
            let mut held: HashSet<E164> = HashSet::new();
            for (i, p) in picks.iter().enumerate() {
                let n = &offered[p.index(offered.len())].number;
                held.insert(n.clone());
                if let Some(&line) = extra_lines.get(i) {
                    let d = &n.as_str()[2..];
                    held.insert(E164::nanp(d[..3].parse().unwrap(), d[3..6].parse().unwrap(), line));
                }
            }
            let per_number = c.search(&q, &|n: &E164| held.contains(n)).unwrap();
            let per_exchange = c.search(&q, &HeldByExchange(&held)).unwrap();
            prop_assert_eq!(&per_exchange, &per_number);
            prop_assert!(per_exchange.iter().all(|a| !held.contains(&a.number)));
            prop_assert!(per_exchange.len() <= limit);
        }
    }
}
