//! The store: trees for numbers, orders, the directory, support requests, settings, due
//! work and the audit log, with indexes by status and by assignee so listings never scan.
//! Every action is written as one transaction across the trees it touches, durable before
//! it is acknowledged. Only the engine writes; front ends read. The storage engine under
//! it is a `Backend` (`backend.rs`; sled in `sled/`): key layouts, index upkeep, counts and
//! `check` are written here once.

mod audit;
pub mod backend;
mod codec;
mod copy;
mod error;
mod postgres;
mod sled;

pub use self::postgres::{PostgresBackend, DEFAULT_TENANT};
pub use self::sled::{ServerMarker, SledBackend};
pub use audit::{AuditEntry, AuditQuery};
pub use backend::{Backend, ChangeSignal, Changed, Claim, Scan, Tree};
pub use copy::Copied;
pub use error::StoreError;

use crate::domain::*;
use backend::{Kv, Pages, WriteTx};
use codec::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The layout this build writes. Bump when records change shape, and add the step from
/// the previous one to the backend's upgrade (`sled/migrate.rs`).
/// 2: a number in the deletion queue keeps until when it can be restored.
/// 3: a number keeps the real carrier's own status.
pub const SCHEMA_VERSION: u32 = 3;
pub(crate) const SCHEMA_KEY: &[u8] = b"schema_version";
const SETTINGS_KEY: &[u8] = b"settings";
/// Numbers per status, written with every transaction so opening a big store is instant.
const COUNTS_KEY: &[u8] = b"status_counts";
const JOB_SEQ_KEY: &[u8] = b"job_seq";

const NUMBERS: Tree = Tree::Numbers;
const BY_STATUS: Tree = Tree::ByStatus;
const BY_ASSIGNEE: Tree = Tree::ByAssignee;
const ORDERS: Tree = Tree::Orders;
const ACCOUNTS: Tree = Tree::Accounts;
const USERS: Tree = Tree::Users;
const CONNECTORS: Tree = Tree::Connectors;
const GROUPS: Tree = Tree::Groups;
const REQUESTS: Tree = Tree::Requests;
const META: Tree = Tree::Meta;
const DUE: Tree = Tree::Due;
const AUDIT: Tree = Tree::Audit;
const ORDER_SUMMARIES: Tree = Tree::OrderSummaries;
const ASSIGNEE_COUNTS: Tree = Tree::AssigneeCounts;
const JOBS: Tree = Tree::Jobs;
const JOB_INDEX: Tree = Tree::JobIndex;
const CARRIER_IDS: Tree = Tree::CarrierIds;
const SIP_MEDIA_APPS: Tree = Tree::SipMediaApps;
const DIAL_IN_RULES: Tree = Tree::DialInRules;
const AUDIT_BY_NUMBER: Tree = Tree::AuditByNumber;
const HOLDS: Tree = Tree::Holds;

/// How the (sled) store is opened.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub path: PathBuf,
    /// sled's page cache, in bytes (sled's own default is 1 GB).
    pub cache_bytes: u64,
    /// Free space below which a write is refused as "the disk is full" before sled starts
    /// it (a write sled cannot finish leaves it refusing writes until reopened).
    pub min_free_bytes: u64,
    /// The reserve file given back when the database must be opened on a full disk
    /// (`space`); made whole before a write.
    pub reserve_file_bytes: u64,
    /// The configured deletion retention: the restore deadline of a number deleted by a
    /// phonedesk that did not store one, when no purge is scheduled for it (migration).
    pub deletion_retention: std::time::Duration,
    /// Each transaction durable before it returns (the default: an action is acknowledged
    /// only once it is on disk). Off only for bulk loading, such as the benchmarks'
    /// seeding: each transaction stays atomic, and `Store::flush` makes all so far durable.
    pub flush_each_write: bool,
}

impl StoreOptions {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StoreOptions {
            path: path.into(),
            cache_bytes: 16 * 1024 * 1024,
            min_free_bytes: 1024 * 1024,
            reserve_file_bytes: 4 * 1024 * 1024,
            deletion_retention: Policy::default().deletion_retention,
            flush_each_write: true,
        }
    }
}

pub struct Store {
    backend: Box<dyn Backend>,
    path: PathBuf,
    /// Numbers per status, kept beside the index so counts cost nothing.
    counts: Mutex<HashMap<StatusCode, usize>>,
    audit_seq: Mutex<u64>,
    /// The first read error met while the rules read through `View` (which cannot return
    /// errors): the engine refuses the action instead of deciding on a record it could
    /// not read.
    view_error: Mutex<Option<StoreError>>,
    /// On a shared backend, the audit entries this process wrote that its follower has not
    /// passed yet (`others_after`): they were announced when written.
    written_here: Mutex<std::collections::BTreeSet<u64>>,
    /// Something follows other processes' changes (`others_after`): only then are this
    /// process's own entries remembered.
    followed: std::sync::atomic::AtomicBool,
}

/// The organisation's one writer (`Store::writer`): while it is held no other writer, in
/// this process or another, changes the store, and every read, through the store or the
/// transaction, sees every earlier commit. The rules decide while it is held; the change
/// it ends with (`Store::apply_in`) is written in the same transaction.
pub struct Writer<'a> {
    tx: Box<dyn WriteTx + 'a>,
}

type Op = (Tree, Vec<u8>, Option<Vec<u8>>);

/// A database location as the store names it once open: a directory as given, a
/// PostgreSQL address as `postgres://HOST:PORT/DATABASE` (without user or password), so a
/// command and the process holding the database agree on it (the local socket's place).
pub fn describe_location(db: &Path) -> PathBuf {
    match postgres_url(db).and_then(|url| url.parse::<tokio_postgres::Config>().ok()) {
        Some(config) => PathBuf::from(postgres::describe_server(&config)),
        None => db.to_path_buf(),
    }
}

/// The PostgreSQL address a database location names, if it is one (`--db postgres://…`).
pub fn postgres_url(location: &Path) -> Option<&str> {
    let text = location.to_str()?;
    (text.starts_with("postgres://") || text.starts_with("postgresql://")).then_some(text)
}

impl Store {
    /// Opens (or creates) the sled database of `options`.
    pub fn open(options: &StoreOptions) -> Result<Store, StoreError> {
        Store::over(Box::new(SledBackend::open(options)?))
    }

    /// The store over an opened backend.
    pub fn over(backend: Box<dyn Backend>) -> Result<Store, StoreError> {
        let store = Store {
            path: backend.location().to_path_buf(),
            backend,
            counts: Mutex::new(HashMap::new()),
            audit_seq: Mutex::new(0),
            view_error: Mutex::new(None),
            written_here: Mutex::new(Default::default()),
            followed: Default::default(),
        };
        store.load_counts()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The local directory of an embedded (sled) database; `None` for a database server.
    pub fn directory(&self) -> Option<&Path> {
        self.backend.directory()
    }

    /// Opens the organisation `organisation` of the database at `location`: a PostgreSQL
    /// address (`postgres://…`), which other processes may share, or a sled directory, which holds
    /// the default organisation only.
    pub fn open_at(
        location: &Path,
        organisation: &str,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        match postgres_url(location) {
            Some(url) => {
                let backend = PostgresBackend::open(url, organisation)?;
                Store::over(Box::new(backend))
            }
            None if organisation != DEFAULT_TENANT => Err(StoreError::OneOrganisation {
                organisation: organisation.to_string(),
            }),
            None => Store::open(options),
        }
    }

    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    /// The schema version the database is written in (`None` for a new one).
    pub fn schema_version(&self) -> Result<Option<u32>, StoreError> {
        match self.backend.get(META, SCHEMA_KEY)? {
            Some(v) => Ok(Some(u32::from_be_bytes(
                v.as_slice()
                    .try_into()
                    .map_err(|_| self.corrupt("bad schema version"))?,
            ))),
            None => Ok(None),
        }
    }

    fn load_counts(&self) -> Result<(), StoreError> {
        let mut seq = self.audit_seq.lock().unwrap();
        let counts = self.backend.get(META, COUNTS_KEY)?;
        let last = self.backend.scan(AUDIT, &Scan::all().rev().limit(1))?;
        let (counts, last) = self.cached(counts, last)?;
        *self.counts.lock().unwrap() = counts;
        *seq = last;
        Ok(())
    }

    /// The counts and the audit sequence (the last entry's key) as stored, as the caches
    /// keep them.
    fn cached(
        &self,
        counts: Option<Vec<u8>>,
        last_audit: Vec<Kv>,
    ) -> Result<(HashMap<StatusCode, usize>, u64), StoreError> {
        let stored: Option<Vec<(StatusCode, usize)>> = self.decoded(META, counts)?;
        let counts: HashMap<StatusCode, usize> = match stored {
            Some(list) => list.into_iter().collect(),
            // A store written before counts were kept: count once from the index.
            None => StatusCode::ALL
                .into_iter()
                .map(|s| {
                    let n = self.backend.count(BY_STATUS, &Scan::prefix(&[s.byte()]))?;
                    Ok((s, n))
                })
                .collect::<Result<_, StoreError>>()?,
        };
        let seq = last_audit
            .first()
            .map(|(k, _)| u64::from_be_bytes(k.as_slice().try_into().unwrap_or([0; 8])))
            .unwrap_or(0);
        Ok((counts, seq))
    }

    /// Reads the counts and the audit sequence again, as committed: another process on a
    /// shared backend may have changed them (the follower calls it when it sees changes).
    /// Waits for a write of this process's own, whose commit updates them.
    pub fn refresh(&self) -> Result<(), StoreError> {
        self.load_counts()
    }

    /// Takes the organisation's one writer (waiting for any other). On a shared backend
    /// the counts and the audit sequence are read again inside it: the rules decide on
    /// what every node committed.
    pub fn writer(&self) -> Result<Writer<'_>, StoreError> {
        let mut tx = self.backend.begin()?;
        if self.backend.shared() {
            let counts = tx.get(META, COUNTS_KEY)?;
            let last = tx.scan(AUDIT, &Scan::all().rev().limit(1))?;
            let (counts, last) = self.cached(counts, last)?;
            let mut seq = self.audit_seq.lock().unwrap();
            *self.counts.lock().unwrap() = counts;
            *seq = last;
        }
        Ok(Writer { tx })
    }

    /// The audit entries after `seq` (at most `limit`) that other processes wrote, oldest
    /// first, and the last sequence read: what a follower announces. Entries this process
    /// wrote are passed over (they were announced when written).
    pub fn others_after(
        &self,
        seq: u64,
        limit: usize,
    ) -> Result<(Vec<AuditEntry>, u64), StoreError> {
        self.followed
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let from = std::ops::Bound::Excluded(seq.to_be_bytes().to_vec());
        let rows = self
            .backend
            .scan(AUDIT, &Scan::all().from(from).limit(limit))?;
        let mut last = seq;
        let mut mine = self.written_here.lock().unwrap();
        let mut others = Vec::new();
        for (k, v) in rows {
            let at = u64::from_be_bytes(k.as_slice().try_into().unwrap_or([0; 8]));
            last = last.max(at);
            if mine.remove(&at) {
                continue;
            }
            let entry = audit::decode_entry(&v);
            others.push(entry.ok_or_else(|| self.corrupt("unreadable audit entry"))?);
        }
        // Entries of this process's that were never read back (pruned already).
        mine.retain(|s| *s > last);
        Ok((others, last))
    }

    /// The last audit sequence committed, as cached.
    pub fn last_audit_seq(&self) -> u64 {
        *self.audit_seq.lock().unwrap()
    }

    fn corrupt(&self, detail: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail: detail.to_string(),
        }
    }

    fn decoded<T: serde::de::DeserializeOwned>(
        &self,
        tree: Tree,
        bytes: Option<Vec<u8>>,
    ) -> Result<Option<T>, StoreError> {
        match bytes {
            Some(v) => decode(&v)
                .map(Some)
                .map_err(|_| self.corrupt(&format!("unreadable record in {}", tree.name()))),
            None => Ok(None),
        }
    }

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        tree: Tree,
        key: &[u8],
    ) -> Result<Option<T>, StoreError> {
        self.decoded(tree, self.backend.get(tree, key)?)
    }

    /// A record read inside a writer transaction.
    fn get_in<T: serde::de::DeserializeOwned>(
        &self,
        tx: &mut dyn WriteTx,
        tree: Tree,
        key: &[u8],
    ) -> Result<Option<T>, StoreError> {
        self.decoded(tree, tx.get(tree, key)?)
    }

    fn all<T: serde::de::DeserializeOwned>(&self, tree: Tree) -> Result<Vec<T>, StoreError> {
        self.pages(tree, Scan::all())
            .map(|kv| {
                let (_, v) = kv?;
                decode(&v)
                    .map_err(|_| self.corrupt(&format!("unreadable record in {}", tree.name())))
            })
            .collect()
    }

    /// A range read a page at a time.
    fn pages(&self, tree: Tree, scan: Scan) -> Pages<'_> {
        Pages::new(self.backend.as_ref(), tree, scan)
    }

    /// The keys of a range, a page at a time, stopping at the first read error (the lists
    /// that use it cannot say one; `check` reads with errors).
    fn keys(&self, tree: Tree, scan: Scan) -> impl Iterator<Item = Vec<u8>> + '_ {
        self.pages(tree, scan)
            .map_while(|kv| kv.ok())
            .map(|(k, _)| k)
    }

    /// A big-endian u64 stored under `key`, 0 when absent.
    fn u64_at(&self, tree: Tree, key: &[u8]) -> u64 {
        self.backend
            .get(tree, key)
            .ok()
            .flatten()
            .and_then(|v| v.as_slice().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0)
    }

    fn text_at(&self, tree: Tree, key: &[u8]) -> Option<String> {
        let v = self.backend.get(tree, key).ok().flatten()?;
        String::from_utf8(v).ok()
    }

    // --- Writing ------------------------------------------------------------------------

    /// Applies a decision's changes and its audit entry as one transaction, durable before
    /// it returns.
    pub fn apply(&self, changes: &[Change], audit: &mut AuditEntry) -> Result<(), StoreError> {
        self.apply_in(self.writer()?, changes, audit, true)
    }

    /// Applies a decision's changes and its audit entry in the writer it was decided
    /// under, ending it. Not `durable`: atomic, but durable only with the next durable
    /// commit or `flush`, for a run of actions acknowledged together whose caller flushes
    /// once before it says they were done (`phonedesk apply`).
    pub fn apply_in(
        &self,
        writer: Writer<'_>,
        changes: &[Change],
        audit: &mut AuditEntry,
        durable: bool,
    ) -> Result<(), StoreError> {
        let mut tx = writer.tx;
        let mut ops: Vec<Op> = Vec::with_capacity(changes.len() * 3 + 1);
        let mut count_delta: HashMap<StatusCode, isize> = HashMap::new();
        let mut assignee_delta: HashMap<String, isize> = HashMap::new();
        // Old records are read through the transaction: no other writer moves them.
        for c in changes {
            match c {
                Change::PutNumber(p) => {
                    let old: Option<PhoneNumber> =
                        self.get_in(&mut *tx, NUMBERS, p.number.as_str().as_bytes())?;
                    audit.changes.extend(number_changes(old.as_ref(), Some(p)));
                    self.unindex(
                        &mut ops,
                        &mut count_delta,
                        &mut assignee_delta,
                        old.as_ref(),
                    );
                    self.index(&mut ops, &mut count_delta, &mut assignee_delta, p);
                    ops.push((
                        NUMBERS,
                        p.number.as_str().as_bytes().to_vec(),
                        Some(encode(p)),
                    ));
                }
                Change::RemoveNumber(n) => {
                    let old: Option<PhoneNumber> =
                        self.get_in(&mut *tx, NUMBERS, n.as_str().as_bytes())?;
                    audit.changes.extend(number_changes(old.as_ref(), None));
                    self.unindex(
                        &mut ops,
                        &mut count_delta,
                        &mut assignee_delta,
                        old.as_ref(),
                    );
                    ops.push((NUMBERS, n.as_str().as_bytes().to_vec(), None));
                }
                Change::PutOrder(o) => {
                    ops.push((ORDERS, seq_key(&o.id.0).to_vec(), Some(encode(o))));
                    ops.push((
                        ORDER_SUMMARIES,
                        seq_key(&o.id.0).to_vec(),
                        Some(encode(&OrderSummary::from(o))),
                    ));
                }
                Change::PutAccount(a) => {
                    ops.push((ACCOUNTS, seq_key(&a.id.0).to_vec(), Some(encode(a))))
                }
                Change::RemoveAccount(id) => ops.push((ACCOUNTS, seq_key(&id.0).to_vec(), None)),
                Change::PutUser(u) => ops.push((USERS, seq_key(&u.id.0).to_vec(), Some(encode(u)))),
                Change::RemoveUser(id) => ops.push((USERS, seq_key(&id.0).to_vec(), None)),
                Change::PutConnector(v) => {
                    ops.push((CONNECTORS, seq_key(&v.id.0).to_vec(), Some(encode(v))))
                }
                Change::RemoveConnector(id) => {
                    ops.push((CONNECTORS, seq_key(&id.0).to_vec(), None))
                }
                Change::PutGroup(g) => {
                    ops.push((GROUPS, seq_key(&g.id.0).to_vec(), Some(encode(g))))
                }
                Change::RemoveGroup(id) => ops.push((GROUPS, seq_key(&id.0).to_vec(), None)),
                Change::PutSipMediaApp(a) => {
                    ops.push((SIP_MEDIA_APPS, seq_key(&a.id.0).to_vec(), Some(encode(a))))
                }
                Change::RemoveSipMediaApp(id) => {
                    ops.push((SIP_MEDIA_APPS, seq_key(&id.0).to_vec(), None))
                }
                Change::PutDialInRule(r) => ops.push((
                    DIAL_IN_RULES,
                    r.number.as_str().as_bytes().to_vec(),
                    Some(encode(r)),
                )),
                Change::RemoveDialInRule(n) => {
                    ops.push((DIAL_IN_RULES, n.as_str().as_bytes().to_vec(), None))
                }
                Change::PutRequest(r) => {
                    ops.push((REQUESTS, seq_key(&r.id.0).to_vec(), Some(encode(r))))
                }
                Change::PutSettings(s) => ops.push((META, SETTINGS_KEY.to_vec(), Some(encode(s)))),
                Change::Schedule(d) => ops.push((DUE, due_key(d), Some(encode(d)))),
                Change::Unschedule(d) => ops.push((DUE, due_key(d), None)),
                Change::PutJob(job) => {
                    if let Some(old) =
                        self.get_in::<Job>(&mut *tx, JOBS, &job.id.0.to_be_bytes())?
                    {
                        for key in job_keys(&old) {
                            ops.push((JOB_INDEX, key, None));
                        }
                    }
                    for key in job_keys(job) {
                        ops.push((JOB_INDEX, key, Some(job.id.0.to_be_bytes().to_vec())));
                    }
                    ops.push((JOBS, job.id.0.to_be_bytes().to_vec(), Some(encode(job))));
                    if job.id.0 > u64_in(&mut *tx, META, JOB_SEQ_KEY)? {
                        ops.push((
                            META,
                            JOB_SEQ_KEY.to_vec(),
                            Some(job.id.0.to_be_bytes().to_vec()),
                        ));
                    }
                }
                Change::RemoveJob(id) => {
                    if let Some(old) = self.get_in::<Job>(&mut *tx, JOBS, &id.0.to_be_bytes())? {
                        for key in job_keys(&old) {
                            ops.push((JOB_INDEX, key, None));
                        }
                    }
                    ops.push((JOBS, id.0.to_be_bytes().to_vec(), None));
                }
                Change::MapCarrierId { local, carrier } => {
                    if let Some(old) = text_in(&mut *tx, CARRIER_IDS, local.as_bytes())? {
                        ops.push((CARRIER_IDS, reverse_id_key(local, &old), None));
                    }
                    ops.push((
                        CARRIER_IDS,
                        local.as_bytes().to_vec(),
                        Some(carrier.as_bytes().to_vec()),
                    ));
                    ops.push((
                        CARRIER_IDS,
                        reverse_id_key(local, carrier),
                        Some(local.as_bytes().to_vec()),
                    ));
                }
                Change::UnmapCarrierId { local } => {
                    if let Some(old) = text_in(&mut *tx, CARRIER_IDS, local.as_bytes())? {
                        ops.push((CARRIER_IDS, reverse_id_key(local, &old), None));
                    }
                    ops.push((CARRIER_IDS, local.as_bytes().to_vec(), None));
                }
                Change::Hold(h) => ops.push(hold_op(h)),
            }
        }
        for (key, d) in assignee_delta.into_iter().filter(|(_, d)| *d != 0) {
            let now =
                (u64_in(&mut *tx, ASSIGNEE_COUNTS, key.as_bytes())? as isize + d).max(0) as u64;
            let value = (now > 0).then(|| now.to_be_bytes().to_vec());
            ops.push((ASSIGNEE_COUNTS, key.into_bytes(), value));
        }
        let mut seq_guard = self.audit_seq.lock().unwrap();
        audit.seq = *seq_guard + 1;
        audit::indexed_numbers(audit);
        Store::audit_index_ops(audit, &mut ops);
        let mut counts = self.counts.lock().unwrap();
        let mut new_counts = counts.clone();
        for (s, d) in count_delta {
            let c = new_counts.entry(s).or_default();
            *c = (*c as isize + d).max(0) as usize;
        }
        let list: Vec<(StatusCode, usize)> = StatusCode::ALL
            .iter()
            .map(|s| (*s, new_counts.get(s).copied().unwrap_or(0)))
            .collect();
        ops.push((META, COUNTS_KEY.to_vec(), Some(encode(&list))));
        tx.tell(Changed::Audited);
        let shared = self.followed.load(std::sync::atomic::Ordering::SeqCst);
        if shared {
            // Before the commit: this process's follower may read the entry back at once.
            self.written_here.lock().unwrap().insert(audit.seq);
        }
        pause_before_commit_when_asked();
        let mut committed = if durable {
            commit(tx, ops)
        } else {
            write_ops(tx.as_mut(), ops);
            tx.commit_deferred()
        };
        if let Err(StoreError::CommitUnknown { server }) = committed {
            committed = self.resolve_commit(audit, server);
        }
        if let Err(e) = committed {
            drop((seq_guard, counts));
            if shared {
                self.written_here.lock().unwrap().remove(&audit.seq);
            }
            // What the caches say must be what is stored.
            let _ = self.load_counts();
            return Err(e);
        }
        *seq_guard = audit.seq;
        *counts = new_counts;
        Ok(())
    }

    /// Whether a commit whose answer was lost (the connection dropped after `COMMIT` was
    /// sent) went through. The audit entry is the request's receipt: its sequence number
    /// was taken under the writer, so the entry stored under it is this one exactly when
    /// the commit went through; none there means it did not, and nothing was written.
    /// When the database cannot be asked, it stays unknown.
    fn resolve_commit(&self, audit: &AuditEntry, server: String) -> Result<(), StoreError> {
        match self.backend.get(AUDIT, &audit.seq.to_be_bytes()) {
            Ok(Some(stored)) if stored == encode(audit) => Ok(()),
            Ok(_) => Err(StoreError::NotWritten { server }),
            Err(_) => Err(StoreError::CommitUnknown { server }),
        }
    }

    /// Writes holds alone, as one transaction: marking and unmarking in the wizard are
    /// not inventory changes and are not audited.
    pub fn apply_holds(
        &self,
        writer: Writer<'_>,
        changes: &[HoldChange],
    ) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut tx = writer.tx;
        tx.tell(Changed::Holds);
        commit(tx, changes.iter().map(hold_op).collect())
    }

    /// Records a refused action in the audit log (nothing else changes).
    pub fn audit_only(&self, audit: &mut AuditEntry) -> Result<(), StoreError> {
        self.apply(&[], audit)
    }

    fn index(
        &self,
        ops: &mut Vec<Op>,
        delta: &mut HashMap<StatusCode, isize>,
        assignees: &mut HashMap<String, isize>,
        p: &PhoneNumber,
    ) {
        let code = p.status.code();
        *delta.entry(code).or_default() += 1;
        ops.push((BY_STATUS, status_key(code, &p.number), Some(Vec::new())));
        if let Some(a) = p.assignee() {
            ops.push((
                BY_ASSIGNEE,
                assignee_key(&a.key(), &p.number),
                Some(Vec::new()),
            ));
            *assignees.entry(a.key()).or_default() += 1;
        }
    }

    fn unindex(
        &self,
        ops: &mut Vec<Op>,
        delta: &mut HashMap<StatusCode, isize>,
        assignees: &mut HashMap<String, isize>,
        old: Option<&PhoneNumber>,
    ) {
        let Some(p) = old else { return };
        let code = p.status.code();
        *delta.entry(code).or_default() -= 1;
        ops.push((BY_STATUS, status_key(code, &p.number), None));
        if let Some(a) = p.assignee() {
            ops.push((BY_ASSIGNEE, assignee_key(&a.key(), &p.number), None));
            *assignees.entry(a.key()).or_default() -= 1;
        }
    }

    /// How many numbers are assigned to a user, connector or group (`Assignee::key`):
    /// one read, whatever the count.
    pub fn assigned_count(&self, assignee_key: &str) -> usize {
        self.u64_at(ASSIGNEE_COUNTS, assignee_key.as_bytes()) as usize
    }

    // --- Reading ------------------------------------------------------------------------

    /// A carrier job.
    pub fn job(&self, id: JobId) -> Result<Option<Job>, StoreError> {
        self.get(JOBS, &id.0.to_be_bytes())
    }

    /// The hold on a number, expired or not (`domain::hold` says whether it is in force).
    pub fn hold(&self, n: &E164) -> Result<Option<Hold>, StoreError> {
        self.get(HOLDS, n.as_str().as_bytes())
    }

    /// Every hold, expired or not, by number.
    pub fn holds(&self) -> Result<Vec<Hold>, StoreError> {
        self.all(HOLDS)
    }

    /// Every carrier job, oldest first.
    pub fn jobs(&self) -> Result<Vec<Job>, StoreError> {
        self.all(JOBS)
    }

    /// The job waiting, running or failed on a number, for the lists and details.
    pub fn job_on_number(&self, number: &E164) -> Option<Job> {
        let id = self.job_on(&format!("n:{number}"))?;
        self.job(id).ok().flatten()
    }

    /// The job on a number (`n:+1…`) or record (`r:vc-3`), if one is waiting or running.
    pub fn job_on(&self, key: &str) -> Option<JobId> {
        Some(JobId(self.u64_at(JOB_INDEX, key.as_bytes()))).filter(|id| id.0 != 0)
    }

    /// The highest job id handed out (ids are never reused).
    pub fn last_job_id(&self) -> u64 {
        self.u64_at(META, JOB_SEQ_KEY)
    }

    /// The carrier's id of a local record (`vc-3`, `group-1`, `order-2`).
    pub fn carrier_id(&self, local: &str) -> Option<String> {
        self.text_at(CARRIER_IDS, local.as_bytes())
    }

    /// The local id of a carrier's record, by kind (`vc`, `group`, `order`).
    pub fn local_id(&self, kind: &str, carrier: &str) -> Option<String> {
        self.text_at(CARRIER_IDS, format!("{kind}#{carrier}").as_bytes())
    }

    pub fn number(&self, n: &E164) -> Result<Option<PhoneNumber>, StoreError> {
        self.get(NUMBERS, n.as_str().as_bytes())
    }

    /// Numbers in a status, in E.164 order.
    pub fn count(&self, status: StatusCode) -> usize {
        self.counts
            .lock()
            .unwrap()
            .get(&status)
            .copied()
            .unwrap_or(0)
    }

    pub fn held(&self) -> usize {
        let counts = self.counts.lock().unwrap();
        StatusCode::ALL
            .iter()
            .filter(|s| s.counts_against_limit())
            .map(|s| counts.get(s).copied().unwrap_or(0))
            .sum()
    }

    /// The numbers in the given statuses, keys only (cheap for 100,000 numbers).
    pub fn numbers_in(&self, statuses: &[StatusCode]) -> Vec<E164> {
        let mut out: Vec<E164> = self.numbers_in_iter(statuses).collect();
        if statuses.len() > 1 {
            out.sort();
        }
        out
    }

    /// The last four digits of the held numbers (`StatusCode::is_held`) of the NANP
    /// exchange `npa`-`nxx`: one prefix scan of the status index per held status.
    pub fn held_lines(&self, npa: u16, nxx: u16) -> Vec<u16> {
        let exchange = format!("+1{npa:03}{nxx:03}");
        let mut lines = Vec::new();
        for s in StatusCode::ALL.into_iter().filter(|s| s.is_held()) {
            let mut prefix = vec![s.byte()];
            prefix.extend_from_slice(exchange.as_bytes());
            lines.extend(self.keys(BY_STATUS, Scan::prefix(&prefix)).filter_map(|k| {
                let line = std::str::from_utf8(k.get(prefix.len()..)?).ok()?;
                (line.len() == 4)
                    .then(|| line.parse::<u16>().ok())
                    .flatten()
            }));
        }
        lines
    }

    /// The numbers in the given statuses, one status after another, read from the index as
    /// they are asked for (a long list without holding it).
    pub fn numbers_in_iter<'a>(
        &'a self,
        statuses: &'a [StatusCode],
    ) -> impl Iterator<Item = E164> + 'a {
        statuses.iter().copied().flat_map(move |s| {
            self.keys(BY_STATUS, Scan::prefix(&[s.byte()]))
                .filter_map(|k| number_from_key(&k, 1))
        })
    }

    /// At most `limit` numbers of one status from `after` on: for showing the first screen
    /// of a long list before the whole key list is read.
    pub fn numbers_page(&self, status: StatusCode, limit: usize) -> Vec<E164> {
        self.keys(BY_STATUS, Scan::prefix(&[status.byte()]).limit(limit))
            .filter_map(|k| number_from_key(&k, 1))
            .collect()
    }

    /// The records for these numbers, skipping any that are gone.
    pub fn numbers_at(&self, keys: &[E164]) -> Result<Vec<PhoneNumber>, StoreError> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            if let Some(p) = self.number(k)? {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Numbers assigned to a user, voice connector or group (by `Assignee::key`).
    pub fn numbers_assigned_to(&self, assignee_key: &str) -> Vec<E164> {
        let prefix = assignee_prefix(assignee_key);
        self.keys(BY_ASSIGNEE, Scan::prefix(&prefix))
            .filter_map(|k| number_from_key(&k, prefix.len()))
            .collect()
    }

    pub fn all_numbers(&self) -> Result<Vec<PhoneNumber>, StoreError> {
        self.all(NUMBERS)
    }

    /// Orders, newest first.
    pub fn orders(&self) -> Result<Vec<Order>, StoreError> {
        let mut v: Vec<Order> = self.all(ORDERS)?;
        v.reverse();
        Ok(v)
    }

    /// Orders without their numbers, newest first: cheap however big the orders are.
    pub fn order_summaries(&self) -> Result<Vec<OrderSummary>, StoreError> {
        let mut v: Vec<OrderSummary> = self.all(ORDER_SUMMARIES)?;
        v.reverse();
        Ok(v)
    }

    /// One order's summary (no numbers); `None` when missing or unreadable.
    pub fn order_summary(&self, id: &OrderId) -> Option<OrderSummary> {
        self.get(ORDER_SUMMARIES, &seq_key(&id.0)).ok().flatten()
    }

    pub fn order(&self, id: &OrderId) -> Result<Option<Order>, StoreError> {
        self.get(ORDERS, &seq_key(&id.0))
    }

    pub fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.all(ACCOUNTS)
    }

    pub fn account(&self, id: &AccountId) -> Result<Option<Account>, StoreError> {
        self.get(ACCOUNTS, &seq_key(&id.0))
    }

    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        self.all(USERS)
    }

    pub fn user(&self, id: &UserId) -> Result<Option<User>, StoreError> {
        self.get(USERS, &seq_key(&id.0))
    }

    pub fn voice_connectors(&self) -> Result<Vec<VoiceConnector>, StoreError> {
        self.all(CONNECTORS)
    }

    pub fn voice_connector(
        &self,
        id: &VoiceConnectorId,
    ) -> Result<Option<VoiceConnector>, StoreError> {
        self.get(CONNECTORS, &seq_key(&id.0))
    }

    pub fn groups(&self) -> Result<Vec<VoiceConnectorGroup>, StoreError> {
        self.all(GROUPS)
    }

    /// SIP media applications, oldest first.
    pub fn sip_media_apps(&self) -> Result<Vec<SipMediaApp>, StoreError> {
        self.all(SIP_MEDIA_APPS)
    }

    /// SIP rules triggered by a phone number, by number.
    pub fn dial_in_rules(&self) -> Result<Vec<DialInRule>, StoreError> {
        self.all(DIAL_IN_RULES)
    }

    pub fn dial_in_rule(&self, number: &E164) -> Result<Option<DialInRule>, StoreError> {
        self.get(DIAL_IN_RULES, number.as_str().as_bytes())
    }

    /// Support requests, newest first.
    pub fn requests(&self) -> Result<Vec<SupportRequest>, StoreError> {
        let mut v: Vec<SupportRequest> = self.all(REQUESTS)?;
        v.reverse();
        Ok(v)
    }

    pub fn request(&self, id: &RequestId) -> Result<Option<SupportRequest>, StoreError> {
        self.get(REQUESTS, &seq_key(&id.0))
    }

    pub fn settings(&self) -> Result<Settings, StoreError> {
        Ok(self.get(META, SETTINGS_KEY)?.unwrap_or_default())
    }

    /// Work due at or before `now`, oldest first.
    pub fn due_until(&self, now: Timestamp) -> Result<Vec<Due>, StoreError> {
        let end = (now.millis().max(0) as u64 + 1).to_be_bytes();
        self.pages(DUE, Scan::all().to(std::ops::Bound::Excluded(end.to_vec())))
            .map(|kv| {
                let (_, v) = kv?;
                decode(&v).map_err(|_| self.corrupt("unreadable due entry"))
            })
            .collect()
    }

    /// Whether `due` is still to be done (no one has completed it yet).
    pub fn is_scheduled(&self, due: &Due) -> Result<bool, StoreError> {
        Ok(self.backend.get(DUE, &due_key(due))?.is_some())
    }

    /// All scheduled work, oldest first.
    pub fn scheduled(&self) -> Result<Vec<Due>, StoreError> {
        self.all(DUE)
    }

    pub fn next_due(&self) -> Option<Timestamp> {
        let first = self.backend.scan(DUE, &Scan::all().limit(1)).ok()?;
        let (k, _) = first.first()?;
        let at: [u8; 8] = k.get(..8)?.try_into().ok()?;
        Some(Timestamp(u64::from_be_bytes(at) as i64))
    }

    pub fn size_on_disk(&self) -> u64 {
        self.backend.size_on_disk()
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        self.backend.flush()
    }

    /// Checks the indexes against the records: every number indexed once under its status
    /// and assignee, no stray index entries, counts right. Returns the problems found.
    pub fn check_indexes(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let numbers = self.all_numbers()?;
        let mut status_keys = std::collections::HashSet::new();
        let mut assignee_keys = std::collections::HashSet::new();
        for p in &numbers {
            status_keys.insert(status_key(p.status.code(), &p.number));
            if let Some(a) = p.assignee() {
                assignee_keys.insert(assignee_key(&a.key(), &p.number));
            }
        }
        let indexed: std::collections::HashSet<Vec<u8>> = self
            .pages(BY_STATUS, Scan::all())
            .map(|kv| kv.map(|(k, _)| k))
            .collect::<Result<_, _>>()?;
        if indexed != status_keys {
            problems.push(format!(
                "the status index disagrees with the records ({} indexed, {} expected)",
                indexed.len(),
                status_keys.len()
            ));
        }
        let indexed: std::collections::HashSet<Vec<u8>> = self
            .pages(BY_ASSIGNEE, Scan::all())
            .map(|kv| kv.map(|(k, _)| k))
            .collect::<Result<_, _>>()?;
        if indexed != assignee_keys {
            problems.push("the assignee index disagrees with the records".into());
        }
        let mut per_assignee: HashMap<String, usize> = HashMap::new();
        for a in numbers.iter().filter_map(|p| p.assignee()) {
            *per_assignee.entry(a.key()).or_default() += 1;
        }
        let stored: HashMap<String, usize> = self
            .pages(ASSIGNEE_COUNTS, Scan::all())
            .map(|kv| {
                let (k, v) = kv?;
                let n = v.as_slice().try_into().map(u64::from_be_bytes).unwrap_or(0);
                Ok((String::from_utf8_lossy(&k).to_string(), n as usize))
            })
            .collect::<Result<_, StoreError>>()?;
        if stored != per_assignee {
            problems.push("the per-assignee counts disagree with the records".into());
        }
        for kv in self.pages(HOLDS, Scan::all()) {
            let (key, hold) = kv?;
            match decode::<Hold>(&hold) {
                Ok(h) if h.number.as_str().as_bytes() == key.as_slice() => {}
                _ => problems.push(format!(
                    "the hold on {} is unreadable",
                    String::from_utf8_lossy(&key)
                )),
            }
        }
        if self.backend.count(ORDER_SUMMARIES, &Scan::all())?
            != self.backend.count(ORDERS, &Scan::all())?
        {
            problems.push("the order summaries disagree with the orders".into());
        }
        for s in StatusCode::ALL {
            let real = numbers.iter().filter(|p| p.status.code() == s).count();
            if real != self.count(s) {
                problems.push(format!(
                    "the count of {} is {} but {} are stored",
                    s.api_name(),
                    self.count(s),
                    real
                ));
            }
        }
        Ok(problems)
    }
}

/// A fault for the multi-node tests (`PHONEDESK_FAULT=pause_before_commit`): the writer
/// stops just before it commits an audited change, holding the organisation's writer, so
/// a test can kill the process inside a transaction. Read once.
fn pause_before_commit_when_asked() {
    static PAUSE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let pause = *PAUSE
        .get_or_init(|| std::env::var("PHONEDESK_FAULT").is_ok_and(|f| f == "pause_before_commit"));
    if pause {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

/// Writes `ops`, in order, as the transaction's writes and commits it.
fn commit(mut tx: Box<dyn WriteTx + '_>, ops: Vec<Op>) -> Result<(), StoreError> {
    write_ops(tx.as_mut(), ops);
    tx.commit()
}

fn write_ops(tx: &mut (dyn WriteTx + '_), ops: Vec<Op>) {
    for (tree, key, value) in ops {
        match value {
            Some(v) => tx.put(tree, key, v),
            None => tx.delete(tree, key),
        }
    }
}

/// A big-endian u64 read inside a transaction, 0 when absent.
fn u64_in(tx: &mut dyn WriteTx, tree: Tree, key: &[u8]) -> Result<u64, StoreError> {
    Ok(tx
        .get(tree, key)?
        .and_then(|v| v.as_slice().try_into().ok().map(u64::from_be_bytes))
        .unwrap_or(0))
}

/// Text read inside a transaction.
fn text_in(tx: &mut dyn WriteTx, tree: Tree, key: &[u8]) -> Result<Option<String>, StoreError> {
    Ok(tx.get(tree, key)?.and_then(|v| String::from_utf8(v).ok()))
}

/// A hold written or removed, under its number.
fn hold_op(change: &HoldChange) -> Op {
    match change {
        HoldChange::Put(h) => (
            HOLDS,
            h.number.as_str().as_bytes().to_vec(),
            Some(encode(h)),
        ),
        HoldChange::Remove(n) => (HOLDS, n.as_str().as_bytes().to_vec(), None),
    }
}

/// The job index's keys for a job: its numbers and records.
fn job_keys(job: &Job) -> Vec<Vec<u8>> {
    job.numbers
        .iter()
        .map(|n| format!("n:{n}").into_bytes())
        .chain(job.records.iter().map(|r| format!("r:{r}").into_bytes()))
        .collect()
}

/// `vc#abcdef…` for `vc-3` → `abcdef…`: the kind is the local id's prefix.
fn reverse_id_key(local: &str, carrier: &str) -> Vec<u8> {
    let kind = local.rsplit_once('-').map(|(k, _)| k).unwrap_or(local);
    format!("{kind}#{carrier}").into_bytes()
}

impl Store {
    /// A read for the rules: an error is kept for `take_view_error` and reads as absent.
    fn seen<T: Default>(&self, r: Result<T, StoreError>) -> T {
        r.unwrap_or_else(|e| {
            self.view_error.lock().unwrap().get_or_insert(e);
            T::default()
        })
    }

    /// The read error met while deciding the last action, if any (and forgets it).
    pub fn take_view_error(&self) -> Option<StoreError> {
        self.view_error.lock().unwrap().take()
    }
}

/// The store as the rules see it.
impl View for Store {
    fn job(&self, id: JobId) -> Option<Job> {
        self.seen(Store::job(self, id))
    }
    fn job_on(&self, key: &str) -> Option<JobId> {
        Store::job_on(self, key)
    }
    fn last_job_id(&self) -> u64 {
        Store::last_job_id(self)
    }
    fn carrier_id(&self, local: &str) -> Option<String> {
        Store::carrier_id(self, local)
    }
    fn local_id(&self, kind: &str, carrier: &str) -> Option<String> {
        Store::local_id(self, kind, carrier)
    }
    fn number(&self, n: &E164) -> Option<PhoneNumber> {
        self.seen(Store::number(self, n))
    }
    fn hold(&self, n: &E164) -> Option<Hold> {
        self.seen(Store::hold(self, n))
    }
    fn held_count(&self) -> usize {
        self.held()
    }
    fn assigned_count(&self, key: &str) -> usize {
        Store::assigned_count(self, key)
    }
    fn order(&self, id: &OrderId) -> Option<Order> {
        self.seen(Store::order(self, id))
    }
    fn account(&self, id: &AccountId) -> Option<Account> {
        self.seen(Store::account(self, id))
    }
    fn users_in_account(&self, id: &AccountId) -> usize {
        self.seen(self.users())
            .iter()
            .filter(|u| &u.account == id)
            .count()
    }
    fn user(&self, id: &UserId) -> Option<User> {
        self.seen(Store::user(self, id))
    }
    fn all_users(&self) -> Vec<User> {
        self.seen(self.users())
    }
    fn voice_connector(&self, id: &VoiceConnectorId) -> Option<VoiceConnector> {
        self.seen(Store::voice_connector(self, id))
    }
    fn voice_connector_count(&self) -> usize {
        self.backend.count(CONNECTORS, &Scan::all()).unwrap_or(0)
    }
    fn groups(&self) -> Vec<VoiceConnectorGroup> {
        self.seen(Store::groups(self))
    }
    fn sip_media_apps(&self) -> Vec<SipMediaApp> {
        self.seen(Store::sip_media_apps(self))
    }
    fn dial_in_rule(&self, number: &E164) -> Option<DialInRule> {
        self.seen(Store::dial_in_rule(self, number))
    }
    fn dial_in_rules(&self) -> Vec<DialInRule> {
        self.seen(Store::dial_in_rules(self))
    }
    fn request(&self, id: &RequestId) -> Option<SupportRequest> {
        self.seen(Store::request(self, id))
    }
    fn settings(&self) -> Settings {
        self.seen(Store::settings(self))
    }
}

/// Windows over the status index, for lists too long to hold (the console's Inventory).
impl Store {
    /// Up to `limit` numbers in any of `statuses`, in E.164 order, from `from` on (`from`
    /// itself included when `inclusive`), or from the first. Reads keys only.
    pub fn numbers_from(
        &self,
        statuses: &[StatusCode],
        from: Option<&E164>,
        inclusive: bool,
        limit: usize,
    ) -> Vec<E164> {
        let mut out = Vec::new();
        for s in statuses {
            let mut scan = Scan::prefix(&[s.byte()]).limit(limit);
            if let Some(n) = from {
                let start = status_key(*s, n);
                scan = scan.from(if inclusive {
                    std::ops::Bound::Included(start)
                } else {
                    std::ops::Bound::Excluded(start)
                });
            }
            out.extend(
                self.keys(BY_STATUS, scan)
                    .filter_map(|k| number_from_key(&k, 1)),
            );
        }
        out.sort();
        out.truncate(limit);
        out
    }

    /// Up to `limit` numbers in any of `statuses` that sort before `before` (or the last
    /// ones), nearest first. Reads keys only.
    pub fn numbers_before(
        &self,
        statuses: &[StatusCode],
        before: Option<&E164>,
        limit: usize,
    ) -> Vec<E164> {
        let mut out = Vec::new();
        for s in statuses {
            let mut scan = Scan::prefix(&[s.byte()]).rev().limit(limit);
            if let Some(n) = before {
                scan = scan.to(std::ops::Bound::Excluded(status_key(*s, n)));
            }
            out.extend(
                self.keys(BY_STATUS, scan)
                    .filter_map(|k| number_from_key(&k, 1)),
            );
        }
        out.sort_by(|a, b| b.cmp(a));
        out.truncate(limit);
        out
    }

    /// How many numbers in any of `statuses` sort before `key` (its position in the list).
    /// Counts keys, from whichever end is nearer when `near_end` says the key is in the
    /// second half.
    pub fn count_before(&self, statuses: &[StatusCode], key: &E164, near_end: bool) -> usize {
        let count = |scan: Scan| self.backend.count(BY_STATUS, &scan).unwrap_or(0);
        if near_end {
            let after: usize = statuses
                .iter()
                .map(|s| {
                    count(
                        Scan::prefix(&[s.byte()])
                            .from(std::ops::Bound::Included(status_key(*s, key))),
                    )
                })
                .sum();
            let total: usize = statuses.iter().map(|s| self.count(*s)).sum();
            total.saturating_sub(after)
        } else {
            statuses
                .iter()
                .map(|s| {
                    count(
                        Scan::prefix(&[s.byte()])
                            .to(std::ops::Bound::Excluded(status_key(*s, key))),
                    )
                })
                .sum()
        }
    }
}
