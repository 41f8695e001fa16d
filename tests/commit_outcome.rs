//! A commit whose answer is lost (the connection dropped after `COMMIT` was sent) is
//! resolved by reading the audit entry back: written once, never twice. A backend that
//! loses the reply wraps a real (sled) one.

use phonedesk::carrier::SimulatedCarrier;
use phonedesk::domain::{Action, Actor, Policy, Timestamp};
use phonedesk::engine::{Engine, EngineError};
use phonedesk::store::backend::{Kv, WriteTx};
use phonedesk::store::{
    Backend, Changed, Scan, SledBackend, Store, StoreError, StoreOptions, Tree,
};
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Lose {
    Nothing,
    /// The commit goes through; its answer is lost.
    ReplyAfterCommit,
    /// The connection drops before the commit arrives: nothing is written.
    CommitItself,
    /// Every commit, as a database that stays away.
    Always,
}

struct LosesReplies {
    inner: SledBackend,
    lose: Arc<Mutex<Lose>>,
}

struct Tx<'a> {
    inner: Box<dyn WriteTx + 'a>,
    lose: Arc<Mutex<Lose>>,
}

fn unknown() -> StoreError {
    StoreError::CommitUnknown {
        server: "postgres://test:5432/db".into(),
    }
}

impl WriteTx for Tx<'_> {
    fn get(&mut self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get(tree, key)
    }
    fn scan(&mut self, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError> {
        self.inner.scan(tree, scan)
    }
    fn put(&mut self, tree: Tree, key: Vec<u8>, value: Vec<u8>) {
        self.inner.put(tree, key, value)
    }
    fn delete(&mut self, tree: Tree, key: Vec<u8>) {
        self.inner.delete(tree, key)
    }
    fn tell(&mut self, what: Changed) {
        self.inner.tell(what)
    }
    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let lose = {
            let mut lose = self.lose.lock().unwrap();
            let now = *lose;
            if now != Lose::Always {
                *lose = Lose::Nothing;
            }
            now
        };
        match lose {
            Lose::Nothing => self.inner.commit(),
            Lose::ReplyAfterCommit => {
                self.inner.commit()?;
                Err(unknown())
            }
            Lose::CommitItself | Lose::Always => Err(unknown()),
        }
    }
}

impl Backend for LosesReplies {
    fn location(&self) -> &Path {
        self.inner.location()
    }
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get(tree, key)
    }
    fn scan(&self, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError> {
        self.inner.scan(tree, scan)
    }
    fn count(&self, tree: Tree, scan: &Scan) -> Result<usize, StoreError> {
        self.inner.count(tree, scan)
    }
    fn begin(&self) -> Result<Box<dyn WriteTx + '_>, StoreError> {
        Ok(Box::new(Tx {
            inner: self.inner.begin()?,
            lose: self.lose.clone(),
        }))
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.inner.flush()
    }
    fn size_on_disk(&self) -> u64 {
        self.inner.size_on_disk()
    }
}

fn engine(dir: &Path) -> (Engine, Arc<Mutex<Lose>>) {
    let lose = Arc::new(Mutex::new(Lose::Nothing));
    let inner = SledBackend::open(&StoreOptions::new(dir.join("db"))).unwrap();
    let store = Store::over(Box::new(LosesReplies {
        inner,
        lose: lose.clone(),
    }))
    .unwrap();
    let carrier = Arc::new(SimulatedCarrier::new(7, 0.0));
    (Engine::new(store, carrier, Policy::default()), lose)
}

fn create(e: &Engine, name: &str) -> Result<(), EngineError> {
    let action = Action::CreateAccount { name: name.into() };
    e.dispatch(&Actor::admin("ana"), action, Timestamp(1_000))
        .map(|_| ())
}

fn names(e: &Engine) -> Vec<String> {
    let accounts = e.store().accounts().unwrap();
    accounts.into_iter().map(|a| a.name).collect()
}

fn seqs(e: &Engine) -> Vec<u64> {
    let mut seqs: Vec<u64> = e
        .store()
        .audit(100)
        .unwrap()
        .iter()
        .map(|a| a.seq)
        .collect();
    seqs.sort();
    seqs
}

#[test]
fn a_commit_that_went_through_is_acknowledged_once() {
    let dir = tempfile::tempdir().unwrap();
    let (e, lose) = engine(dir.path());
    *lose.lock().unwrap() = Lose::ReplyAfterCommit;
    create(&e, "Example Corp").unwrap();
    assert_eq!(names(&e), ["Example Corp"]);
    assert_eq!(seqs(&e), [1]);
}

#[test]
fn a_commit_that_never_arrived_is_decided_again_once() {
    let dir = tempfile::tempdir().unwrap();
    let (e, lose) = engine(dir.path());
    *lose.lock().unwrap() = Lose::CommitItself;
    create(&e, "Example Corp").unwrap();
    assert_eq!(names(&e), ["Example Corp"]);
    assert_eq!(seqs(&e), [1], "the lost attempt left no entry");
    // The next action follows on.
    create(&e, "Second").unwrap();
    assert_eq!(seqs(&e), [1, 2]);
}

#[test]
fn a_database_that_stays_away_is_said_in_words_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (e, lose) = engine(dir.path());
    *lose.lock().unwrap() = Lose::Always;
    let err = create(&e, "Example Corp").unwrap_err().to_string();
    assert!(err.contains("was not written"), "{err}");
    assert!(names(&e).is_empty());
    assert!(seqs(&e).is_empty());
    *lose.lock().unwrap() = Lose::Nothing;
    create(&e, "Example Corp").unwrap();
    assert_eq!(seqs(&e), [1]);
}
