//! The store: sled trees for numbers, orders, the directory, support requests, settings,
//! due work and the audit log, with indexes by status and by assignee so listings never
//! scan. Every action is written as one transaction across the trees it touches and
//! flushed before it is acknowledged. Only the engine writes; front ends read.

mod audit;
mod codec;
mod error;
mod lock;
mod migrate;
mod space;

pub use audit::{AuditEntry, AuditQuery};
pub use error::StoreError;
pub use lock::ServerMarker;

use crate::domain::*;
use codec::*;
use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
use sled::Tree;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// The layout this build writes. Bump when records change shape, and add the step from
/// the previous one to `migrate`.
/// 2: a number in the deletion queue keeps until when it can be restored.
pub const SCHEMA_VERSION: u32 = 3;
const SCHEMA_KEY: &[u8] = b"schema_version";
const SETTINGS_KEY: &[u8] = b"settings";
/// Numbers per status, written with every transaction so opening a big store is instant.
const COUNTS_KEY: &[u8] = b"status_counts";
const JOB_SEQ_KEY: &[u8] = b"job_seq";

// Positions of the trees in `Store::trees`, the order of a transaction's view.
const NUMBERS: usize = 0;
const BY_STATUS: usize = 1;
const BY_ASSIGNEE: usize = 2;
const ORDERS: usize = 3;
const ACCOUNTS: usize = 4;
const USERS: usize = 5;
const CONNECTORS: usize = 6;
const GROUPS: usize = 7;
const REQUESTS: usize = 8;
const META: usize = 9;
const DUE: usize = 10;
const AUDIT: usize = 11;
const ORDER_SUMMARIES: usize = 12;
/// Numbers per assignee (`Assignee::key` → count), kept in the transaction like the index.
const ASSIGNEE_COUNTS: usize = 13;
/// Carrier jobs (the outbox), by id.
const JOBS: usize = 14;
/// What each job touches (`n:+12065550123`, `r:vc-3`) → the job's id, for "one job at a
/// time per number" and the in-flight marks.
const JOB_INDEX: usize = 15;
/// phonedesk's ids ↔ the carrier's (`vc-3` → `abcdef…`, and `vc#abcdef…` → `vc-3`).
const CARRIER_IDS: usize = 16;
/// SIP media applications, by id.
const SIP_MEDIA_APPS: usize = 17;
/// SIP rules triggered by a phone number, by the number.
const DIAL_IN_RULES: usize = 18;
/// The audit log by number (`number \0 seq` → nothing): one number's history.
const AUDIT_BY_NUMBER: usize = 19;
/// Holds: a number marked in a provisioning wizard → its `Hold` (holder, session, until).
const HOLDS: usize = 20;
const TREE_NAMES: [&str; 21] = [
    "numbers",
    "numbers_by_status",
    "numbers_by_assignee",
    "orders",
    "accounts",
    "users",
    "voice_connectors",
    "voice_connector_groups",
    "support_requests",
    "meta",
    "due",
    "audit",
    "order_summaries",
    "assignee_counts",
    "carrier_jobs",
    "carrier_job_index",
    "carrier_ids",
    "sip_media_applications",
    "dial_in_rules",
    "audit_by_number",
    "holds",
];

/// How the store is opened.
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
}

impl StoreOptions {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        StoreOptions {
            path: path.into(),
            cache_bytes: 16 * 1024 * 1024,
            min_free_bytes: 1024 * 1024,
            reserve_file_bytes: 4 * 1024 * 1024,
            deletion_retention: Policy::default().deletion_retention,
        }
    }
}

pub struct Store {
    path: PathBuf,
    options: StoreOptions,
    /// The open database; `None` only while a reopen after a failed write did not succeed.
    sled: RwLock<Option<Arc<Sled>>>,
    /// A write failed: sled keeps the first IO error of an open database for good and
    /// refuses every later write, so the next write reopens it first.
    write_failed: AtomicBool,
    /// Numbers per status, kept beside the index so counts cost nothing.
    counts: Mutex<HashMap<StatusCode, usize>>,
    audit_seq: Mutex<u64>,
    /// The first read error met while the rules read through `View` (which cannot return
    /// errors): the engine refuses the action instead of deciding on a record it could
    /// not read.
    view_error: Mutex<Option<StoreError>>,
    _lock: lock::ProcessLock,
}

type Op = (usize, Vec<u8>, Option<Vec<u8>>);

/// One opening of the sled database.
struct Sled {
    config: sled::Config,
    db: sled::Db,
    trees: Vec<Tree>,
}

impl Sled {
    /// Opens the database, giving the reserve back to the file system when the disk is
    /// too full for sled to open it.
    fn open_with_reserve(options: &StoreOptions) -> Result<Sled, sled::Error> {
        space::remove_unfinished_snapshots(&options.path);
        match Sled::open(options) {
            Err(sled::Error::Io(io))
                if is_disk_full(&io) && space::release_reserve(&options.path) =>
            {
                space::remove_unfinished_snapshots(&options.path);
                Sled::open(options)
            }
            other => other,
        }
    }

    fn open(options: &StoreOptions) -> Result<Sled, sled::Error> {
        let config = sled::Config::new()
            .path(&options.path)
            .cache_capacity(options.cache_bytes)
            .mode(sled::Mode::LowSpace);
        let db = config.open()?;
        let trees = TREE_NAMES
            .iter()
            .map(|name| db.open_tree(name))
            .collect::<Result<Vec<Tree>, _>>()?;
        Ok(Sled { config, db, trees })
    }

    /// Whether sled has kept an IO error (from a write or its background flusher): every
    /// later write would fail with it.
    fn latched(&self) -> bool {
        self.config.global_error().is_err()
    }
}

impl Store {
    pub fn open(options: &StoreOptions) -> Result<Store, StoreError> {
        let path = options.path.clone();
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        if path.exists() && !path.is_dir() {
            return Err(StoreError::Io {
                path: path.clone(),
                source: std::io::Error::other("it is a file; give the database's directory"),
            });
        }
        // Before anything is written: a directory of someone else's files stays untouched.
        refuse_foreign_directory(&path)?;
        std::fs::create_dir_all(&path).map_err(io)?;
        let process_lock = lock::ProcessLock::acquire(&path)?;
        let sled = Sled::open_with_reserve(options).map_err(|e| open_error(&path, e))?;
        // Room to open on a full disk next time; when there is none now, the next write
        // makes it (and is refused until it can).
        let _ = space::restore_reserve(&path, options.reserve_file_bytes);
        let store = Store {
            path: path.clone(),
            options: options.clone(),
            sled: RwLock::new(Some(Arc::new(sled))),
            write_failed: AtomicBool::new(false),
            counts: Mutex::new(HashMap::new()),
            audit_seq: Mutex::new(0),
            view_error: Mutex::new(None),
            _lock: process_lock,
        };
        store.check_schema(options)?;
        store.load_counts()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open database (a read holds it for as long as it reads).
    fn sled(&self) -> Result<Arc<Sled>, StoreError> {
        self.sled
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(|| StoreError::Closed {
                path: self.path.clone(),
            })
    }

    /// One tree of the open database. A caller holding it must not ask for another while
    /// it still reads (a reopen waits for it, and the second ask would wait for the reopen).
    fn tree(&self, tree: usize) -> Result<Tree, StoreError> {
        Ok(self.sled()?.trees[tree].clone())
    }

    /// Before a write: refuses it in words while the disk is (nearly) full, so sled never
    /// starts a write it cannot finish, and reopens the database when an earlier write
    /// failed. Called by `apply`, under the engine's writer lock.
    fn make_writable(&self) -> Result<(), StoreError> {
        let full = || StoreError::DiskFull {
            path: self.path.clone(),
        };
        match space::restore_reserve(&self.path, self.options.reserve_file_bytes) {
            Ok(true) => {}
            Ok(false) => return Err(full()),
            Err(source) => {
                return Err(StoreError::Io {
                    path: self.path.clone(),
                    source,
                })
            }
        }
        if space::free_bytes(&self.path).is_some_and(|free| free < self.options.min_free_bytes) {
            return Err(full());
        }
        let latched = self.sled().map(|s| s.latched()).unwrap_or(true);
        if latched || self.write_failed.load(Ordering::SeqCst) {
            self.reopen()?;
        }
        Ok(())
    }

    /// Closes the database and opens it again, which clears sled's kept IO error: what
    /// reads show is then what is on disk (a failed write is not). Reads wait meanwhile.
    fn reopen(&self) -> Result<(), StoreError> {
        let mut slot = self.sled.write().unwrap_or_else(PoisonError::into_inner);
        slot.take();
        // A read that had the old database in hand lets go of it (and sled of its file
        // lock) a moment later.
        let deadline = Instant::now() + Duration::from_secs(5);
        let sled = loop {
            match Sled::open_with_reserve(&self.options) {
                Ok(sled) => break sled,
                Err(e) if is_busy(&e) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                Err(e) => return Err(open_error(&self.path, e)),
            }
        };
        *slot = Some(Arc::new(sled));
        drop(slot);
        self.load_counts()?;
        self.write_failed.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// After a failed write: reopen at once, so reads do not show what was refused; when
    /// that fails too, the next write tries again.
    fn recover_from_failed_write(&self) {
        self.write_failed.store(true, Ordering::SeqCst);
        let _ = self.reopen();
    }

    /// The schema version the database is written in (`None` for a new one).
    pub fn schema_version(&self) -> Result<Option<u32>, StoreError> {
        match self
            .tree(META)?
            .get(SCHEMA_KEY)
            .map_err(|e| self.failed(e))?
        {
            Some(v) => Ok(Some(u32::from_be_bytes(
                v.as_ref()
                    .try_into()
                    .map_err(|_| self.corrupt("bad schema version"))?,
            ))),
            None => Ok(None),
        }
    }

    fn check_schema(&self, options: &StoreOptions) -> Result<(), StoreError> {
        let sled = self.sled()?;
        let meta = &sled.trees[META];
        match self.schema_version()? {
            Some(found) if found > SCHEMA_VERSION => {
                return Err(StoreError::NewerSchema {
                    path: self.path.clone(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            Some(found @ (1 | 2)) => {
                let failed = |e| match e {
                    migrate::MigrationError::Sled(e) => self.failed(e),
                    migrate::MigrationError::Unreadable(what) => {
                        self.corrupt(&format!("cannot upgrade it: {what}"))
                    }
                };
                if found == 1 {
                    migrate::v1_to_v2(
                        &sled.trees[NUMBERS],
                        &sled.trees[DUE],
                        meta,
                        SCHEMA_KEY,
                        options.deletion_retention,
                    )
                    .map_err(failed)?;
                }
                migrate::v2_to_v3(&sled.trees[NUMBERS], meta, SCHEMA_KEY).map_err(failed)?;
                sled.db.flush().map_err(|e| self.failed(e))?;
            }
            Some(_) => {}
            // An existing database without our version key lost its records (sled's
            // recovery stops at damage) or was never phonedesk's: refuse, do not start afresh.
            None if sled.db.was_recovered() => {
                return Err(self.corrupt(
                    "it holds no phonedesk records, though it is not new: damaged, or not a phonedesk database",
                ))
            }
            None => {
                meta.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| self.failed(e))?;
                sled.db.flush().map_err(|e| self.failed(e))?;
            }
        }
        Ok(())
    }

    fn load_counts(&self) -> Result<(), StoreError> {
        let stored: Option<Vec<(StatusCode, usize)>> = self.get(META, COUNTS_KEY)?;
        let by_status = self.tree(BY_STATUS)?;
        let counts: HashMap<StatusCode, usize> = match stored {
            Some(list) => list.into_iter().collect(),
            // A store written before counts were kept: count once from the index.
            None => StatusCode::ALL
                .into_iter()
                .map(|s| (s, by_status.scan_prefix([s.byte()]).count()))
                .collect(),
        };
        *self.counts.lock().unwrap() = counts;
        let last = self.tree(AUDIT)?.last().map_err(|e| self.failed(e))?;
        *self.audit_seq.lock().unwrap() = last
            .map(|(k, _)| u64::from_be_bytes(k.as_ref().try_into().unwrap_or([0; 8])))
            .unwrap_or(0);
        Ok(())
    }

    fn failed(&self, e: sled::Error) -> StoreError {
        sled_error(&self.path, e)
    }

    fn corrupt(&self, detail: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail: detail.to_string(),
        }
    }

    fn get<T: serde::de::DeserializeOwned>(
        &self,
        tree: usize,
        key: &[u8],
    ) -> Result<Option<T>, StoreError> {
        match self.tree(tree)?.get(key).map_err(|e| self.failed(e))? {
            Some(v) => decode(&v)
                .map(Some)
                .map_err(|_| self.corrupt(&format!("unreadable record in {}", TREE_NAMES[tree]))),
            None => Ok(None),
        }
    }

    fn all<T: serde::de::DeserializeOwned>(&self, tree: usize) -> Result<Vec<T>, StoreError> {
        self.tree(tree)?
            .iter()
            .values()
            .map(|v| {
                let v = v.map_err(|e| self.failed(e))?;
                decode(&v).map_err(|_| {
                    self.corrupt(&format!("unreadable record in {}", TREE_NAMES[tree]))
                })
            })
            .collect()
    }

    // --- Writing ------------------------------------------------------------------------

    /// Applies a decision's changes and its audit entry as one transaction, then flushes.
    pub fn apply(&self, changes: &[Change], audit: &mut AuditEntry) -> Result<(), StoreError> {
        self.make_writable()?;
        let mut ops: Vec<Op> = Vec::with_capacity(changes.len() * 3 + 1);
        let mut count_delta: HashMap<StatusCode, isize> = HashMap::new();
        let mut assignee_delta: HashMap<String, isize> = HashMap::new();
        // Old records are read outside the transaction: the engine is the only writer and
        // holds its write lock, so they cannot move under us.
        for c in changes {
            match c {
                Change::PutNumber(p) => {
                    let old: Option<PhoneNumber> =
                        self.get(NUMBERS, p.number.as_str().as_bytes())?;
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
                    let old: Option<PhoneNumber> = self.get(NUMBERS, n.as_str().as_bytes())?;
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
                    if let Some(old) = self.job(job.id)? {
                        for key in job_keys(&old) {
                            ops.push((JOB_INDEX, key, None));
                        }
                    }
                    for key in job_keys(job) {
                        ops.push((JOB_INDEX, key, Some(job.id.0.to_be_bytes().to_vec())));
                    }
                    ops.push((JOBS, job.id.0.to_be_bytes().to_vec(), Some(encode(job))));
                    if job.id.0 > self.last_job_id() {
                        ops.push((
                            META,
                            JOB_SEQ_KEY.to_vec(),
                            Some(job.id.0.to_be_bytes().to_vec()),
                        ));
                    }
                }
                Change::RemoveJob(id) => {
                    if let Some(old) = self.job(*id)? {
                        for key in job_keys(&old) {
                            ops.push((JOB_INDEX, key, None));
                        }
                    }
                    ops.push((JOBS, id.0.to_be_bytes().to_vec(), None));
                }
                Change::MapCarrierId { local, carrier } => {
                    if let Some(old) = self.carrier_id(local) {
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
                    if let Some(old) = self.carrier_id(local) {
                        ops.push((CARRIER_IDS, reverse_id_key(local, &old), None));
                    }
                    ops.push((CARRIER_IDS, local.as_bytes().to_vec(), None));
                }
                Change::Hold(h) => ops.push(hold_op(h)),
            }
        }
        for (key, d) in assignee_delta.into_iter().filter(|(_, d)| *d != 0) {
            let now = (self.assigned_count(&key) as isize + d).max(0) as u64;
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
        if let Err(e) = self.commit(&ops) {
            drop((seq_guard, counts));
            self.recover_from_failed_write();
            return Err(e);
        }
        *seq_guard = audit.seq;
        *counts = new_counts;
        Ok(())
    }

    /// Writes holds alone, as one transaction: marking and unmarking in the wizard are
    /// not inventory changes and are not audited.
    pub fn apply_holds(&self, changes: &[HoldChange]) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        self.make_writable()?;
        let ops: Vec<Op> = changes.iter().map(hold_op).collect();
        if let Err(e) = self.commit(&ops) {
            self.recover_from_failed_write();
            return Err(e);
        }
        Ok(())
    }

    /// Records a refused action in the audit log (nothing else changes).
    pub fn audit_only(&self, audit: &mut AuditEntry) -> Result<(), StoreError> {
        self.apply(&[], audit)
    }

    fn commit(&self, ops: &[Op]) -> Result<(), StoreError> {
        let sled = self.sled()?;
        let result = sled.trees.as_slice().transaction(|view| {
            for (tree, key, value) in ops {
                match value {
                    Some(v) => view[*tree].insert(key.as_slice(), v.as_slice())?,
                    None => view[*tree].remove(key.as_slice())?,
                };
            }
            Ok::<(), ConflictableTransactionError<()>>(())
        });
        match result {
            Ok(()) => {}
            Err(TransactionError::Storage(e)) => return Err(self.failed(e)),
            Err(TransactionError::Abort(())) => {
                return Err(StoreError::Sled("a transaction was aborted".into()))
            }
        }
        sled.db.flush().map_err(|e| self.failed(e))?;
        Ok(())
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
        self.tree(ASSIGNEE_COUNTS)
            .ok()
            .and_then(|t| t.get(assignee_key.as_bytes()).ok().flatten())
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0) as usize
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
        self.tree(JOB_INDEX)
            .ok()?
            .get(key.as_bytes())
            .ok()
            .flatten()
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .map(JobId)
    }

    /// The highest job id handed out (ids are never reused).
    pub fn last_job_id(&self) -> u64 {
        self.tree(META)
            .ok()
            .and_then(|t| t.get(JOB_SEQ_KEY).ok().flatten())
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0)
    }

    /// The carrier's id of a local record (`vc-3`, `group-1`, `order-2`).
    pub fn carrier_id(&self, local: &str) -> Option<String> {
        let v = self
            .tree(CARRIER_IDS)
            .ok()?
            .get(local.as_bytes())
            .ok()
            .flatten()?;
        String::from_utf8(v.to_vec()).ok()
    }

    /// The local id of a carrier's record, by kind (`vc`, `group`, `order`).
    pub fn local_id(&self, kind: &str, carrier: &str) -> Option<String> {
        let key = format!("{kind}#{carrier}");
        let v = self
            .tree(CARRIER_IDS)
            .ok()?
            .get(key.as_bytes())
            .ok()
            .flatten()?;
        String::from_utf8(v.to_vec()).ok()
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
        let mut out = Vec::new();
        let Ok(by_status) = self.tree(BY_STATUS) else {
            return out;
        };
        for s in statuses {
            out.extend(
                by_status
                    .scan_prefix([s.byte()])
                    .keys()
                    .filter_map(|k| k.ok().and_then(|k| number_from_key(&k, 1))),
            );
        }
        if statuses.len() > 1 {
            out.sort();
        }
        out
    }

    /// The last four digits of the held numbers (`StatusCode::is_held`) of the NANP
    /// exchange `npa`-`nxx`: one prefix scan of the status index per held status.
    pub fn held_lines(&self, npa: u16, nxx: u16) -> Vec<u16> {
        let Ok(by_status) = self.tree(BY_STATUS) else {
            return Vec::new();
        };
        let exchange = format!("+1{npa:03}{nxx:03}");
        let mut lines = Vec::new();
        for s in StatusCode::ALL.into_iter().filter(|s| s.is_held()) {
            let mut prefix = vec![s.byte()];
            prefix.extend_from_slice(exchange.as_bytes());
            lines.extend(by_status.scan_prefix(&prefix).keys().filter_map(|k| {
                let k = k.ok()?;
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
        &self,
        statuses: &'a [StatusCode],
    ) -> impl Iterator<Item = E164> + 'a {
        let by_status = self.tree(BY_STATUS).ok();
        statuses.iter().copied().flat_map(move |s| {
            by_status
                .clone()
                .into_iter()
                .flat_map(move |t| t.scan_prefix([s.byte()]).keys())
                .filter_map(|k| k.ok().and_then(|k| number_from_key(&k, 1)))
        })
    }

    /// At most `limit` numbers of one status from `after` on: for showing the first screen
    /// of a long list before the whole key list is read.
    pub fn numbers_page(&self, status: StatusCode, limit: usize) -> Vec<E164> {
        let Ok(by_status) = self.tree(BY_STATUS) else {
            return Vec::new();
        };
        by_status
            .scan_prefix([status.byte()])
            .keys()
            .take(limit)
            .filter_map(|k| k.ok().and_then(|k| number_from_key(&k, 1)))
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
        let Ok(by_assignee) = self.tree(BY_ASSIGNEE) else {
            return Vec::new();
        };
        by_assignee
            .scan_prefix(&prefix)
            .keys()
            .filter_map(|k| k.ok().and_then(|k| number_from_key(&k, prefix.len())))
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
        self.tree(DUE)?
            .range(..end.to_vec())
            .values()
            .map(|v| {
                let v = v.map_err(|e| self.failed(e))?;
                decode(&v).map_err(|_| self.corrupt("unreadable due entry"))
            })
            .collect()
    }

    /// All scheduled work, oldest first.
    pub fn scheduled(&self) -> Result<Vec<Due>, StoreError> {
        self.all(DUE)
    }

    pub fn next_due(&self) -> Option<Timestamp> {
        let (k, _) = self.tree(DUE).ok()?.first().ok()??;
        let at: [u8; 8] = k.get(..8)?.try_into().ok()?;
        Some(Timestamp(u64::from_be_bytes(at) as i64))
    }

    pub fn size_on_disk(&self) -> u64 {
        self.sled()
            .ok()
            .and_then(|s| s.db.size_on_disk().ok())
            .unwrap_or(0)
    }

    pub fn flush(&self) -> Result<(), StoreError> {
        self.sled()?
            .db
            .flush()
            .map(|_| ())
            .map_err(|e| self.failed(e))
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
            .tree(BY_STATUS)?
            .iter()
            .keys()
            .filter_map(|k| k.ok())
            .map(|k| k.to_vec())
            .collect();
        if indexed != status_keys {
            problems.push(format!(
                "the status index disagrees with the records ({} indexed, {} expected)",
                indexed.len(),
                status_keys.len()
            ));
        }
        let indexed: std::collections::HashSet<Vec<u8>> = self
            .tree(BY_ASSIGNEE)?
            .iter()
            .keys()
            .filter_map(|k| k.ok())
            .map(|k| k.to_vec())
            .collect();
        if indexed != assignee_keys {
            problems.push("the assignee index disagrees with the records".into());
        }
        let mut per_assignee: HashMap<String, usize> = HashMap::new();
        for a in numbers.iter().filter_map(|p| p.assignee()) {
            *per_assignee.entry(a.key()).or_default() += 1;
        }
        let stored: HashMap<String, usize> = self
            .tree(ASSIGNEE_COUNTS)?
            .iter()
            .filter_map(|kv| kv.ok())
            .map(|(k, v)| {
                let n = v.as_ref().try_into().map(u64::from_be_bytes).unwrap_or(0);
                (String::from_utf8_lossy(&k).to_string(), n as usize)
            })
            .collect();
        if stored != per_assignee {
            problems.push("the per-assignee counts disagree with the records".into());
        }
        for (key, hold) in self.tree(HOLDS)?.iter().filter_map(|kv| kv.ok()) {
            match decode::<Hold>(&hold) {
                Ok(h) if h.number.as_str().as_bytes() == key.as_ref() => {}
                _ => problems.push(format!(
                    "the hold on {} is unreadable",
                    String::from_utf8_lossy(&key)
                )),
            }
        }
        if self.tree(ORDER_SUMMARIES)?.len() != self.tree(ORDERS)?.len() {
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

/// What only a phonedesk database holds: sled's files, or our lock file (written first, so
/// a database whose first open was cut short is still ours).
const DATABASE_FILES: [&str; 3] = ["db", "conf", lock::LOCK_FILE];

/// Refuses an existing, non-empty directory that is not a phonedesk database. Checked before
/// the process lock, which would create a file in it; a phonedesk starting on the same new
/// directory at the same moment writes its lock file first, so it is never taken for foreign.
fn refuse_foreign_directory(path: &Path) -> Result<(), StoreError> {
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let mut empty = true;
    for entry in entries.flatten() {
        empty = false;
        if DATABASE_FILES.iter().any(|f| entry.file_name() == *f) {
            return Ok(());
        }
    }
    if empty {
        Ok(())
    } else {
        Err(StoreError::NotADatabase {
            path: path.to_path_buf(),
        })
    }
}

/// sled's file lock is held (by another process, or by this one's previous opening for a
/// moment after it was closed).
fn is_busy(e: &sled::Error) -> bool {
    matches!(e, sled::Error::Io(io) if io.to_string().contains("could not acquire lock"))
}

/// A full disk or an exceeded quota.
fn is_disk_full(io: &std::io::Error) -> bool {
    matches!(
        io.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    ) || matches!(io.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
}

/// A sled error met while reading or writing, in words.
fn sled_error(path: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(io) if is_disk_full(&io) => StoreError::DiskFull {
            path: path.to_path_buf(),
        },
        sled::Error::Io(io) => StoreError::Io {
            path: path.to_path_buf(),
            source: io,
        },
        sled::Error::Corruption { .. } => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "sled reported corruption".into(),
        },
        other => StoreError::Sled(other.to_string()),
    }
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

fn open_error(path: &Path, e: sled::Error) -> StoreError {
    match e {
        e if is_busy(&e) => StoreError::Locked {
            path: path.to_path_buf(),
            pid: "unknown".into(),
        },
        sled::Error::Io(io) if is_disk_full(&io) => StoreError::DiskFull {
            path: path.to_path_buf(),
        },
        sled::Error::Io(io) => StoreError::Io {
            path: path.to_path_buf(),
            source: io,
        },
        sled::Error::Corruption { .. } => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: "sled found corruption".into(),
        },
        sled::Error::Unsupported(why) => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: why,
        },
        other => StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: other.to_string(),
        },
    }
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
        self.tree(CONNECTORS).map(|t| t.len()).unwrap_or(0)
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
        let Ok(by_status) = self.tree(BY_STATUS) else {
            return out;
        };
        for s in statuses {
            let start = match from {
                Some(n) => status_key(*s, n),
                None => vec![s.byte()],
            };
            let iter = by_status
                .range(start.clone()..)
                .keys()
                .filter_map(|k| k.ok())
                .take_while(|k| k.first() == Some(&s.byte()))
                .filter(|k| inclusive || from.is_none() || k.as_ref() != start.as_slice())
                .take(limit)
                .filter_map(|k| number_from_key(&k, 1));
            out.extend(iter);
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
        let Ok(by_status) = self.tree(BY_STATUS) else {
            return out;
        };
        for s in statuses {
            let end = match before {
                Some(n) => status_key(*s, n),
                None => vec![s.byte() + 1],
            };
            let iter = by_status
                .range(vec![s.byte()]..end)
                .keys()
                .rev()
                .filter_map(|k| k.ok())
                .take(limit)
                .filter_map(|k| number_from_key(&k, 1));
            out.extend(iter);
        }
        out.sort_by(|a, b| b.cmp(a));
        out.truncate(limit);
        out
    }

    /// How many numbers in any of `statuses` sort before `key` (its position in the list).
    /// Counts keys, from whichever end is nearer when `near_end` says the key is in the
    /// second half.
    pub fn count_before(&self, statuses: &[StatusCode], key: &E164, near_end: bool) -> usize {
        let Ok(tree) = self.tree(BY_STATUS) else {
            return 0;
        };
        if near_end {
            let after: usize = statuses
                .iter()
                .map(|s| {
                    tree.range(status_key(*s, key)..vec![s.byte() + 1])
                        .keys()
                        .count()
                })
                .sum();
            let total: usize = statuses.iter().map(|s| self.count(*s)).sum();
            total.saturating_sub(after)
        } else {
            statuses
                .iter()
                .map(|s| {
                    tree.range(vec![s.byte()]..status_key(*s, key))
                        .keys()
                        .count()
                })
                .sum()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Error, ErrorKind};

    fn said(io: Error) -> String {
        sled_error(Path::new("/srv/db"), sled::Error::Io(io)).to_string()
    }

    #[test]
    fn a_full_disk_or_quota_reads_as_the_disk_is_full() {
        let full = "the disk is full: free some space on the disk holding /srv/db; phonedesk writes again as soon as there is room";
        assert_eq!(said(Error::from_raw_os_error(libc::ENOSPC)), full);
        assert_eq!(said(Error::from_raw_os_error(libc::EDQUOT)), full);
        // sled hands on an error it kept as a new error with the old one's debug text.
        let kept = format!("{:?}", Error::from_raw_os_error(libc::ENOSPC));
        assert_eq!(said(Error::new(ErrorKind::StorageFull, kept)), full);
    }
}
