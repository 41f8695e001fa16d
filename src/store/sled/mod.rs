//! The sled backend: one process per database (our lock file and sled's), a writer
//! transaction = one multi-tree sled transaction flushed before it returns, and the care a
//! local disk needs (refusing writes on a full disk, reopening after sled keeps an IO error,
//! a reserve file to open on a full disk, upgrading older schemas).

mod lock;
mod migrate;
mod space;

pub use lock::ServerMarker;

use super::backend::{Backend, Kv, Scan, Tree, WriteTx};
use super::{StoreError, StoreOptions, SCHEMA_KEY, SCHEMA_VERSION};
use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

pub struct SledBackend {
    path: PathBuf,
    options: StoreOptions,
    /// The open database; `None` only while a reopen after a failed write did not succeed.
    sled: RwLock<Option<Arc<Sled>>>,
    /// A write failed: sled keeps the first IO error of an open database for good and
    /// refuses every later write, so the next write reopens it first.
    write_failed: AtomicBool,
    /// One writer transaction at a time.
    writer: Mutex<()>,
    _lock: lock::ProcessLock,
}

/// One opening of the sled database.
struct Sled {
    config: sled::Config,
    db: sled::Db,
    /// In `Tree::ALL` order.
    trees: Vec<sled::Tree>,
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

    /// As `open_with_reserve`, waiting while sled's file lock is still held by this
    /// process's previous opening: sled lets go of it a moment after that opening is
    /// dropped, when its background threads do (a read that had the old database in hand
    /// does too). Our process lock, taken first, keeps other processes out, so a busy
    /// sled lock here is our own and soon free.
    fn open_waiting(options: &StoreOptions) -> Result<Sled, sled::Error> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match Sled::open_with_reserve(options) {
                Err(e) if is_busy(&e) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                other => return other,
            }
        }
    }

    fn open(options: &StoreOptions) -> Result<Sled, sled::Error> {
        let config = sled::Config::new()
            .path(&options.path)
            .cache_capacity(options.cache_bytes)
            .mode(sled::Mode::LowSpace);
        let db = config.open()?;
        let trees = Tree::ALL
            .iter()
            .map(|t| db.open_tree(t.name()))
            .collect::<Result<Vec<sled::Tree>, _>>()?;
        Ok(Sled { config, db, trees })
    }

    fn tree(&self, tree: Tree) -> &sled::Tree {
        &self.trees[tree.index()]
    }

    /// Whether sled has kept an IO error (from a write or its background flusher): every
    /// later write would fail with it.
    fn latched(&self) -> bool {
        self.config.global_error().is_err()
    }
}

impl SledBackend {
    pub fn open(options: &StoreOptions) -> Result<SledBackend, StoreError> {
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
        let sled = Sled::open_waiting(options).map_err(|e| open_error(&path, e))?;
        // Room to open on a full disk next time; when there is none now, the next write
        // makes it (and is refused until it can).
        let _ = space::restore_reserve(&path, options.reserve_file_bytes);
        let backend = SledBackend {
            path,
            options: options.clone(),
            sled: RwLock::new(Some(Arc::new(sled))),
            write_failed: AtomicBool::new(false),
            writer: Mutex::new(()),
            _lock: process_lock,
        };
        backend.check_schema()?;
        Ok(backend)
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

    fn failed(&self, e: sled::Error) -> StoreError {
        sled_error(&self.path, e)
    }

    fn corrupt(&self, detail: &str) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            detail: detail.to_string(),
        }
    }

    /// Refuses a newer schema, upgrades an older one in place, writes ours into a new one.
    fn check_schema(&self) -> Result<(), StoreError> {
        let sled = self.sled()?;
        let meta = sled.tree(Tree::Meta);
        let found = match meta.get(SCHEMA_KEY).map_err(|e| self.failed(e))? {
            Some(v) => Some(u32::from_be_bytes(
                v.as_ref()
                    .try_into()
                    .map_err(|_| self.corrupt("bad schema version"))?,
            )),
            None => None,
        };
        match found {
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
                        sled.tree(Tree::Numbers),
                        sled.tree(Tree::Due),
                        meta,
                        SCHEMA_KEY,
                        self.options.deletion_retention,
                    )
                    .map_err(failed)?;
                }
                migrate::v2_to_v3(sled.tree(Tree::Numbers), meta, SCHEMA_KEY).map_err(failed)?;
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

    /// Before a write: refuses it in words while the disk is (nearly) full, so sled never
    /// starts a write it cannot finish, and reopens the database when an earlier write
    /// failed.
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
        let sled = Sled::open_waiting(&self.options).map_err(|e| open_error(&self.path, e))?;
        *slot = Some(Arc::new(sled));
        drop(slot);
        self.write_failed.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// After a failed write: reopen at once, so reads do not show what was refused; when
    /// that fails too, the next write tries again.
    fn recover_from_failed_write(&self) {
        self.write_failed.store(true, Ordering::SeqCst);
        let _ = self.reopen();
    }

    fn read_range(&self, tree: &sled::Tree, scan: &Scan) -> sled::Iter {
        tree.range::<Vec<u8>, _>((scan.from.clone(), scan.to.clone()))
    }
}

/// sled's `range` wants a start not after the end; such a range holds nothing anyway.
fn is_empty_range(scan: &Scan) -> bool {
    match (&scan.from, &scan.to) {
        (Bound::Included(f), Bound::Included(t)) => f > t,
        (Bound::Included(f) | Bound::Excluded(f), Bound::Excluded(t))
        | (Bound::Excluded(f), Bound::Included(t)) => f >= t,
        _ => false,
    }
}

impl Backend for SledBackend {
    fn location(&self) -> &Path {
        &self.path
    }

    fn directory(&self) -> Option<&Path> {
        Some(&self.path)
    }

    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let sled = self.sled()?;
        Ok(sled
            .tree(tree)
            .get(key)
            .map_err(|e| self.failed(e))?
            .map(|v| v.to_vec()))
    }

    fn scan(&self, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError> {
        if is_empty_range(scan) || scan.limit == 0 {
            return Ok(Vec::new());
        }
        let sled = self.sled()?;
        let iter = self.read_range(sled.tree(tree), scan);
        let pair = |kv: sled::Result<(sled::IVec, sled::IVec)>| {
            kv.map(|(k, v)| (k.to_vec(), v.to_vec()))
                .map_err(|e| self.failed(e))
        };
        if scan.rev {
            iter.rev().take(scan.limit).map(pair).collect()
        } else {
            iter.take(scan.limit).map(pair).collect()
        }
    }

    fn count(&self, tree: Tree, scan: &Scan) -> Result<usize, StoreError> {
        if is_empty_range(scan) {
            return Ok(0);
        }
        let sled = self.sled()?;
        if scan.from == Bound::Unbounded && scan.to == Bound::Unbounded {
            return Ok(sled.tree(tree).len());
        }
        let mut n = 0;
        for k in self.read_range(sled.tree(tree), scan).keys() {
            k.map_err(|e| self.failed(e))?;
            n += 1;
        }
        Ok(n)
    }

    fn begin(&self) -> Result<Box<dyn WriteTx + '_>, StoreError> {
        let guard = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        self.make_writable()?;
        Ok(Box::new(SledTx {
            backend: self,
            _guard: guard,
            writes: Vec::new(),
        }))
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.sled()?
            .db
            .flush()
            .map(|_| ())
            .map_err(|e| self.failed(e))
    }

    fn size_on_disk(&self) -> u64 {
        self.sled()
            .ok()
            .and_then(|s| s.db.size_on_disk().ok())
            .unwrap_or(0)
    }
}

/// sled transactions cannot scan, so reads go to the trees (the writer lock keeps them
/// still) and writes are kept until `commit`.
struct SledTx<'a> {
    backend: &'a SledBackend,
    _guard: MutexGuard<'a, ()>,
    writes: Vec<(Tree, Vec<u8>, Option<Vec<u8>>)>,
}

impl WriteTx for SledTx<'_> {
    fn get(&mut self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.backend.get(tree, key)
    }

    fn scan(&mut self, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError> {
        self.backend.scan(tree, scan)
    }

    fn put(&mut self, tree: Tree, key: Vec<u8>, value: Vec<u8>) {
        self.writes.push((tree, key, Some(value)));
    }

    fn delete(&mut self, tree: Tree, key: Vec<u8>) {
        self.writes.push((tree, key, None));
    }

    fn commit(self: Box<Self>) -> Result<(), StoreError> {
        (*self).commit_then(true)
    }

    fn commit_deferred(self: Box<Self>) -> Result<(), StoreError> {
        (*self).commit_then(false)
    }
}

impl SledTx<'_> {
    /// One multi-tree transaction, flushed when `durable` and the store flushes each write.
    fn commit_then(self, durable: bool) -> Result<(), StoreError> {
        if self.writes.is_empty() {
            return Ok(());
        }
        let backend = self.backend;
        let result = backend.sled().and_then(|sled| {
            let applied = sled.trees.as_slice().transaction(|view| {
                for (tree, key, value) in &self.writes {
                    let view = &view[tree.index()];
                    match value {
                        Some(v) => view.insert(key.as_slice(), v.as_slice())?,
                        None => view.remove(key.as_slice())?,
                    };
                }
                Ok::<(), ConflictableTransactionError<()>>(())
            });
            match applied {
                Ok(()) => {}
                Err(TransactionError::Storage(e)) => return Err(backend.failed(e)),
                Err(TransactionError::Abort(())) => {
                    return Err(StoreError::Failed("a transaction was aborted".into()))
                }
            }
            if !(durable && backend.options.flush_each_write) {
                return Ok(());
            }
            sled.db.flush().map(|_| ()).map_err(|e| backend.failed(e))
        });
        if result.is_err() {
            backend.recover_from_failed_write();
        }
        result
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
        other => StoreError::Failed(other.to_string()),
    }
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
