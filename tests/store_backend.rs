//! The storage backend's contract, one suite for every backend (`docs/storage.md`): byte
//! order, ranges and their bounds, reverse and limited scans, counts, a transaction's writes
//! all or nothing and in order, one writer at a time, and commits that survive a reopen.
//! sled and PostgreSQL (a throwaway server, `postgres_rig`) run the same `suite`.

mod postgres_rig;

use phonedesk::store::backend::{prefix_end, Backend, Pages, Scan, Tree};
use phonedesk::store::{PostgresBackend, SledBackend, StoreOptions};
use postgres_rig::TestPostgres;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;
use std::time::Duration;

fn put_all(backend: &dyn Backend, tree: Tree, pairs: &[(&[u8], &[u8])]) {
    let mut tx = backend.begin().unwrap();
    for (k, v) in pairs {
        tx.put(tree, k.to_vec(), v.to_vec());
    }
    tx.commit().unwrap();
}

fn keys(backend: &dyn Backend, tree: Tree, scan: Scan) -> Vec<Vec<u8>> {
    backend
        .scan(tree, &scan)
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

fn v(keys: &[&[u8]]) -> Vec<Vec<u8>> {
    keys.iter().map(|k| k.to_vec()).collect()
}

/// Every check of the contract, on an empty backend.
fn suite(backend: &dyn Backend) {
    reads_what_was_committed(backend);
    keys_sort_as_bytes_and_ranges_keep_their_bounds(backend);
    a_dropped_transaction_writes_nothing(backend);
    writes_apply_in_order(backend);
    trees_are_apart(backend);
    long_ranges_read_a_page_at_a_time(backend);
    a_deferred_commit_is_read_at_once_and_all_or_nothing(backend);
}

fn a_deferred_commit_is_read_at_once_and_all_or_nothing(b: &dyn Backend) {
    let mut tx = b.begin().unwrap();
    tx.put(Tree::Audit, b"deferred-1".to_vec(), b"one".to_vec());
    tx.put(Tree::Audit, b"deferred-2".to_vec(), b"two".to_vec());
    tx.delete(Tree::Audit, b"deferred-1".to_vec());
    tx.commit_deferred().unwrap();
    assert_eq!(b.get(Tree::Audit, b"deferred-1").unwrap(), None);
    assert_eq!(
        b.get(Tree::Audit, b"deferred-2").unwrap(),
        Some(b"two".to_vec())
    );
    // The next writer sees it, and a flush makes it durable.
    let mut tx = b.begin().unwrap();
    assert_eq!(
        tx.get(Tree::Audit, b"deferred-2").unwrap(),
        Some(b"two".to_vec())
    );
    drop(tx);
    b.flush().unwrap();
}

fn reads_what_was_committed(b: &dyn Backend) {
    assert_eq!(b.get(Tree::Meta, b"k").unwrap(), None);
    put_all(b, Tree::Meta, &[(b"k", b"one")]);
    assert_eq!(b.get(Tree::Meta, b"k").unwrap(), Some(b"one".to_vec()));
    // Inside a transaction, reads see what was committed before it.
    let mut tx = b.begin().unwrap();
    assert_eq!(tx.get(Tree::Meta, b"k").unwrap(), Some(b"one".to_vec()));
    assert_eq!(
        tx.scan(Tree::Meta, &Scan::prefix(b"k")).unwrap(),
        vec![(b"k".to_vec(), b"one".to_vec())]
    );
    tx.put(Tree::Meta, b"k".to_vec(), b"two".to_vec());
    tx.commit().unwrap();
    assert_eq!(b.get(Tree::Meta, b"k").unwrap(), Some(b"two".to_vec()));
    // An empty value is a value.
    put_all(b, Tree::Meta, &[(b"empty", b"")]);
    assert_eq!(b.get(Tree::Meta, b"empty").unwrap(), Some(Vec::new()));
}

fn keys_sort_as_bytes_and_ranges_keep_their_bounds(b: &dyn Backend) {
    let t = Tree::ByStatus;
    put_all(
        b,
        t,
        &[
            (b"b", b""),
            (b"a\x00", b""),
            (b"a", b""),
            (b"a\xff", b""),
            (b"\xff\xff", b""),
            (b"ab", b""),
        ],
    );
    let all = v(&[b"a", b"a\x00", b"ab", b"a\xff", b"b", b"\xff\xff"]);
    assert_eq!(keys(b, t, Scan::all()), all);
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(keys(b, t, Scan::all().rev()), reversed);
    assert_eq!(
        keys(b, t, Scan::prefix(b"a")),
        v(&[b"a", b"a\x00", b"ab", b"a\xff"])
    );
    assert_eq!(keys(b, t, Scan::prefix(b"\xff")), v(&[b"\xff\xff"]));
    assert_eq!(
        keys(b, t, Scan::prefix(b"a").rev().limit(2)),
        v(&[b"a\xff", b"ab"])
    );
    assert_eq!(
        keys(b, t, Scan::between(b"a\x00".to_vec(), b"b".to_vec())),
        v(&[b"a\x00", b"ab", b"a\xff"])
    );
    assert_eq!(
        keys(
            b,
            t,
            Scan::all()
                .from(Bound::Excluded(b"a".to_vec()))
                .to(Bound::Included(b"b".to_vec()))
        ),
        v(&[b"a\x00", b"ab", b"a\xff", b"b"])
    );
    assert_eq!(keys(b, t, Scan::all().limit(0)), Vec::<Vec<u8>>::new());
    // A range whose start is after its end holds nothing (and is no error).
    assert_eq!(
        keys(b, t, Scan::between(b"b".to_vec(), b"a".to_vec())),
        Vec::<Vec<u8>>::new()
    );
    assert_eq!(
        b.count(t, &Scan::between(b"b".to_vec(), b"a".to_vec()))
            .unwrap(),
        0
    );
    assert_eq!(b.count(t, &Scan::all()).unwrap(), 6);
    assert_eq!(b.count(t, &Scan::prefix(b"a").limit(1)).unwrap(), 4);
    assert_eq!(prefix_end(b"a\xff"), Some(b"b".to_vec()));
}

fn a_dropped_transaction_writes_nothing(b: &dyn Backend) {
    {
        let mut tx = b.begin().unwrap();
        tx.put(Tree::Orders, b"never".to_vec(), b"x".to_vec());
        tx.delete(Tree::Meta, b"k".to_vec());
    }
    assert_eq!(b.get(Tree::Orders, b"never").unwrap(), None);
    assert_eq!(b.get(Tree::Meta, b"k").unwrap(), Some(b"two".to_vec()));
}

fn writes_apply_in_order(b: &dyn Backend) {
    let mut tx = b.begin().unwrap();
    tx.put(Tree::Users, b"gone".to_vec(), b"1".to_vec());
    tx.delete(Tree::Users, b"gone".to_vec());
    tx.delete(Tree::Users, b"back".to_vec());
    tx.put(Tree::Users, b"back".to_vec(), b"2".to_vec());
    tx.put(Tree::Users, b"twice".to_vec(), b"3".to_vec());
    tx.put(Tree::Users, b"twice".to_vec(), b"4".to_vec());
    // Deleting what is not there is no error.
    tx.delete(Tree::Users, b"never-was".to_vec());
    tx.commit().unwrap();
    assert_eq!(b.get(Tree::Users, b"gone").unwrap(), None);
    assert_eq!(b.get(Tree::Users, b"back").unwrap(), Some(b"2".to_vec()));
    assert_eq!(b.get(Tree::Users, b"twice").unwrap(), Some(b"4".to_vec()));
}

fn trees_are_apart(b: &dyn Backend) {
    put_all(b, Tree::Accounts, &[(b"shared", b"accounts")]);
    put_all(b, Tree::Groups, &[(b"shared", b"groups")]);
    assert_eq!(
        b.get(Tree::Accounts, b"shared").unwrap(),
        Some(b"accounts".to_vec())
    );
    assert_eq!(
        b.get(Tree::Groups, b"shared").unwrap(),
        Some(b"groups".to_vec())
    );
    for t in Tree::ALL {
        let n = b.count(t, &Scan::all()).unwrap();
        assert_eq!(n, b.scan(t, &Scan::all()).unwrap().len(), "{}", t.name());
    }
}

fn long_ranges_read_a_page_at_a_time(b: &dyn Backend) {
    let t = Tree::Audit;
    let mut tx = b.begin().unwrap();
    for i in 0u64..1_500 {
        tx.put(t, i.to_be_bytes().to_vec(), i.to_string().into_bytes());
    }
    tx.commit().unwrap();
    let read: Vec<u64> = Pages::new(b, t, Scan::all())
        .map(|kv| u64::from_be_bytes(kv.unwrap().0.try_into().unwrap()))
        .collect();
    assert_eq!(read, (0..1_500).collect::<Vec<_>>());
    let newest: Vec<u64> = Pages::new(b, t, Scan::all().rev().limit(700))
        .map(|kv| u64::from_be_bytes(kv.unwrap().0.try_into().unwrap()))
        .collect();
    assert_eq!(newest, (800..1_500).rev().collect::<Vec<_>>());
    let middle = Scan::between(
        100u64.to_be_bytes().to_vec(),
        1_200u64.to_be_bytes().to_vec(),
    );
    assert_eq!(Pages::new(b, t, middle.clone()).count(), 1_100);
    assert_eq!(b.count(t, &middle).unwrap(), 1_100);
}

fn sled_at(dir: &std::path::Path) -> SledBackend {
    SledBackend::open(&StoreOptions::new(dir)).unwrap()
}

#[test]
fn sled_keeps_the_backend_contract() {
    let dir = tempfile::tempdir().unwrap();
    suite(&sled_at(&dir.path().join("db")));
}

#[test]
fn sled_commits_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    {
        let b = sled_at(&path);
        put_all(&b, Tree::Numbers, &[(b"+12065550100", b"kept")]);
    }
    let b = sled_at(&path);
    assert_eq!(
        b.get(Tree::Numbers, b"+12065550100").unwrap(),
        Some(b"kept".to_vec())
    );
}

#[test]
fn sled_deferred_commits_survive_a_reopen_after_a_flush() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    {
        let b = sled_at(&path);
        let mut tx = b.begin().unwrap();
        tx.put(Tree::Numbers, b"+12065550100".to_vec(), b"kept".to_vec());
        tx.commit_deferred().unwrap();
        b.flush().unwrap();
    }
    let b = sled_at(&path);
    assert_eq!(
        b.get(Tree::Numbers, b"+12065550100").unwrap(),
        Some(b"kept".to_vec())
    );
}

/// Four threads, spread over `backends` (one per node), each increment one counter 25
/// times inside writer transactions: a second writer slipping in between the read and the
/// write would lose an increment.
fn increments_lose_nothing(backends: Vec<Arc<dyn Backend + Send + Sync>>) {
    put_all(
        backends[0].as_ref(),
        Tree::Meta,
        &[(b"n", &0u64.to_be_bytes())],
    );
    let writers: Vec<_> = (0..4)
        .map(|i| {
            let b = backends[i % backends.len()].clone();
            std::thread::spawn(move || {
                for _ in 0..25 {
                    let mut tx = b.begin().unwrap();
                    let n = u64::from_be_bytes(
                        tx.get(Tree::Meta, b"n")
                            .unwrap()
                            .unwrap()
                            .try_into()
                            .unwrap(),
                    );
                    std::thread::sleep(Duration::from_micros(200));
                    tx.put(Tree::Meta, b"n".to_vec(), (n + 1).to_be_bytes().to_vec());
                    tx.commit().unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let last = backends.last().unwrap();
    assert_eq!(
        last.get(Tree::Meta, b"n").unwrap(),
        Some(100u64.to_be_bytes().to_vec())
    );
}

#[test]
fn sled_admits_one_writer_at_a_time_and_the_next_sees_its_commit() {
    let dir = tempfile::tempdir().unwrap();
    increments_lose_nothing(vec![Arc::new(sled_at(&dir.path().join("db")))]);
}

#[test]
fn postgres_keeps_the_backend_contract_and_its_organisations_apart() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let url = pg.create("contract");
    let b = PostgresBackend::open(&url, "first").unwrap();
    suite(&b);
    // A second organisation in the same database sees none of the first's keys.
    let other = PostgresBackend::open(&url, "second").unwrap();
    assert_ne!(other.tenant(), b.tenant());
    assert_eq!(other.get(Tree::Meta, b"k").unwrap(), None);
    assert_eq!(other.count(Tree::Audit, &Scan::all()).unwrap(), 0);
    put_all(&other, Tree::Meta, &[(b"k", b"second's")]);
    assert_eq!(b.get(Tree::Meta, b"k").unwrap(), Some(b"two".to_vec()));
    // Opening again finds the same organisation and its data.
    drop(b);
    let again = PostgresBackend::open(&url, "first").unwrap();
    assert_eq!(again.get(Tree::Meta, b"k").unwrap(), Some(b"two".to_vec()));
}

#[test]
fn postgres_commits_are_one_writer_at_a_time_across_connections() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let url = pg.create("writers");
    // Two backends are two nodes: each has its own connections and its own writer lock.
    let nodes = (0..2)
        .map(|_| {
            Arc::new(PostgresBackend::open(&url, "org").unwrap()) as Arc<dyn Backend + Send + Sync>
        })
        .collect();
    increments_lose_nothing(nodes);
}

#[test]
fn a_claim_is_one_nodes_until_it_is_dropped_or_the_node_goes() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let url = pg.create("claims");
    let (a, b) = (
        PostgresBackend::open(&url, "org").unwrap(),
        PostgresBackend::open(&url, "org").unwrap(),
    );
    let other_org = PostgresBackend::open(&url, "other").unwrap();
    let held = a.claim(7).unwrap().expect("a free claim is taken");
    assert!(b.claim(7).unwrap().is_none(), "held by the other node");
    assert!(b.claim(8).unwrap().is_some(), "another job is free");
    assert!(
        other_org.claim(7).unwrap().is_some(),
        "organisations are apart"
    );
    drop(held);
    let again = b.claim(7).unwrap().expect("free once dropped");
    // A node that dies frees its claims at once: its connection ends.
    drop(again);
    let _held = a.claim(9).unwrap().unwrap();
    drop(_held);
    let c = PostgresBackend::open(&url, "org").unwrap();
    let dying = c.claim(10).unwrap().unwrap();
    std::mem::forget(dying);
    drop(c);
    let mut freed = false;
    for _ in 0..50 {
        if a.claim(10).unwrap().is_some() {
            freed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(freed, "a gone node's claim is freed");
}

#[test]
fn one_node_leads_until_it_goes() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let url = pg.create("lead");
    let (a, b) = (
        PostgresBackend::open(&url, "org").unwrap(),
        PostgresBackend::open(&url, "org").unwrap(),
    );
    let other_org = PostgresBackend::open(&url, "other").unwrap();
    assert!(a.lead().unwrap());
    assert!(a.lead().unwrap(), "kept");
    assert!(!b.lead().unwrap(), "one leader");
    assert!(other_org.lead().unwrap(), "each organisation has its own");
    // A job claim beside the lead does not take it away.
    drop(a.claim(3).unwrap().unwrap());
    assert!(a.lead().unwrap() && !b.lead().unwrap());
    drop(a);
    let mut took_over = false;
    for _ in 0..50 {
        if b.lead().unwrap() {
            took_over = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(took_over, "the next node leads once the leader goes");
}

#[test]
fn a_commit_on_one_node_wakes_the_others_of_its_organisation_only() {
    use phonedesk::store::Changed;
    use std::sync::atomic::Ordering;
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let url = pg.create("hints");
    let (a, b, other) = (
        PostgresBackend::open(&url, "org").unwrap(),
        PostgresBackend::open(&url, "org").unwrap(),
        PostgresBackend::open(&url, "other").unwrap(),
    );
    let (on_b, on_other) = (b.changes().unwrap(), other.changes().unwrap());
    let settled = |s: &phonedesk::store::ChangeSignal| {
        // The first (re)connect raises both counters once.
        for _ in 0..100 {
            if s.audited.load(Ordering::SeqCst) > 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        (
            s.audited.load(Ordering::SeqCst),
            s.holds.load(Ordering::SeqCst),
        )
    };
    let (audited, holds) = settled(&on_b);
    let (other_audited, _) = settled(&on_other);
    assert!(audited > 0, "listening");
    let mut tx = a.begin().unwrap();
    tx.put(Tree::Numbers, b"+12065550100".to_vec(), b"x".to_vec());
    tx.tell(Changed::Audited);
    tx.commit().unwrap();
    let mut tx = a.begin().unwrap();
    tx.tell(Changed::Holds);
    tx.put(Tree::Holds, b"+12065550100".to_vec(), b"h".to_vec());
    tx.commit().unwrap();
    let started = std::time::Instant::now();
    while (
        on_b.audited.load(Ordering::SeqCst),
        on_b.holds.load(Ordering::SeqCst),
    ) != (audited + 1, holds + 1)
    {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "no hint came: {} {}",
            on_b.audited.load(Ordering::SeqCst),
            on_b.holds.load(Ordering::SeqCst)
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    // A dropped transaction tells nothing; another organisation hears nothing.
    let mut tx = a.begin().unwrap();
    tx.tell(Changed::Audited);
    drop(tx);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(on_b.audited.load(Ordering::SeqCst), audited + 1);
    assert_eq!(on_other.audited.load(Ordering::SeqCst), other_audited);
}

#[test]
fn postgres_is_reached_again_after_the_server_restarts() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let url = pg.create("restart");
    let b = PostgresBackend::open(&url, "org").unwrap();
    put_all(&b, Tree::Numbers, &[(b"+12065550100", b"before")]);
    pg.restart_immediately();
    // Both connections died with the server; reads and the writer connect anew by themselves.
    assert_eq!(
        b.get(Tree::Numbers, b"+12065550100").unwrap(),
        Some(b"before".to_vec())
    );
    let mut tx = b.begin().unwrap();
    tx.put(Tree::Numbers, b"+12065550101".to_vec(), b"after".to_vec());
    tx.commit().unwrap();
    assert_eq!(
        b.get(Tree::Numbers, b"+12065550101").unwrap(),
        Some(b"after".to_vec())
    );
}

#[test]
fn postgres_refuses_in_words_what_it_cannot_reach_or_read() {
    let said = |url: &str| match PostgresBackend::open(url, "org") {
        Ok(_) => panic!("{url} opened"),
        Err(e) => e.to_string(),
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = said(&format!(
        "postgres://desk:s3cret@127.0.0.1:{port}/phonedesk"
    ));
    assert!(
        refused.starts_with(&format!(
            "cannot reach the PostgreSQL database at postgres://127.0.0.1:{port}/phonedesk: "
        )),
        "{refused}"
    );
    assert!(
        !refused.contains("s3cret") && !refused.contains("os error"),
        "{refused}"
    );
    let bad = said("postgres://desk:s3cret@127.0.0.1:notaport/x");
    assert_eq!(
        bad,
        "postgres://desk@127.0.0.1:notaport/x is not a PostgreSQL address; write it as postgres://USER@HOST:PORT/DATABASE"
    );
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let missing = said(&pg.url("nosuchdb"));
    assert!(
        missing.contains("database \"nosuchdb\" does not exist"),
        "{missing}"
    );
}

/// A random key of a few bytes, biased to share prefixes and to hold 0x00 and 0xff.
fn key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![Just(0u8), Just(0xff), Just(b'a'), any::<u8>()],
        0..4,
    )
}

fn bound() -> impl Strategy<Value = Bound<Vec<u8>>> {
    prop_oneof![
        Just(Bound::Unbounded),
        key().prop_map(Bound::Included),
        key().prop_map(Bound::Excluded),
    ]
}

/// Random writes, then random scans: the backend answers as an ordered map would.
fn scans_like_an_ordered_map(
    b: &dyn Backend,
    writes: &[(Vec<u8>, Option<Vec<u8>>)],
    scans: Vec<Scan>,
) -> Result<(), TestCaseError> {
    let mut model = BTreeMap::new();
    let mut tx = b.begin().unwrap();
    for (k, value) in writes {
        match value {
            Some(value) => {
                tx.put(Tree::Numbers, k.clone(), value.clone());
                model.insert(k.clone(), value.clone());
            }
            None => {
                tx.delete(Tree::Numbers, k.clone());
                model.remove(k);
            }
        }
    }
    tx.commit().unwrap();
    for scan in scans {
        let (rev, limit) = (scan.rev, scan.limit);
        let mut want: Vec<(Vec<u8>, Vec<u8>)> = model
            .iter()
            .filter(|(k, _)| scan.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let count = want.len();
        if rev {
            want.reverse();
        }
        want.truncate(limit);
        prop_assert_eq!(b.scan(Tree::Numbers, &scan).unwrap(), want.clone());
        prop_assert_eq!(b.count(Tree::Numbers, &scan).unwrap(), count);
        let paged: Vec<_> = Pages::new(b, Tree::Numbers, scan.clone())
            .map(|kv| kv.unwrap())
            .collect();
        prop_assert_eq!(paged, want);
    }
    Ok(())
}

fn writes() -> impl Strategy<Value = Vec<(Vec<u8>, Option<Vec<u8>>)>> {
    prop::collection::vec((key(), prop::option::of(key())), 0..60)
}

fn scans() -> impl Strategy<Value = Vec<Scan>> {
    let scan =
        (bound(), bound(), any::<bool>(), 0usize..8).prop_map(|(from, to, rev, limit)| Scan {
            from,
            to,
            rev,
            limit,
        });
    prop::collection::vec(scan, 1..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sled_scans_like_an_ordered_map(writes in writes(), scans in scans()) {
        let dir = tempfile::tempdir().unwrap();
        scans_like_an_ordered_map(&sled_at(&dir.path().join("db")), &writes, scans)?;
    }
}

/// The same on PostgreSQL: one server (stopped when the test ends), a new organisation per
/// case.
#[test]
fn postgres_scans_like_an_ordered_map() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let url = pg.create("model");
    let case = std::cell::Cell::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(24));
    runner
        .run(&(writes(), scans()), |(writes, scans)| {
            case.set(case.get() + 1);
            let b = PostgresBackend::open(&url, &format!("case-{}", case.get())).unwrap();
            scans_like_an_ordered_map(&b, &writes, scans)
        })
        .unwrap();
}
