//! The small interface under `Store`: ordered byte trees, reads, and one writer transaction
//! at a time. It is the only code that differs between storage engines (sled today,
//! PostgreSQL next, `docs/storage.md`); key layouts, index upkeep, counts, the audit log and
//! `check` are written once in `Store` above it.

use super::StoreError;
use std::ops::Bound;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// The trees (key spaces) phonedesk keeps. Keys sort as bytes (memcmp, then length), in
/// every backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tree {
    Numbers,
    ByStatus,
    ByAssignee,
    Orders,
    Accounts,
    Users,
    Connectors,
    Groups,
    Requests,
    Meta,
    Due,
    Audit,
    OrderSummaries,
    /// Numbers per assignee (`Assignee::key` → count), kept in the transaction like the index.
    AssigneeCounts,
    /// Carrier jobs (the outbox), by id.
    Jobs,
    /// What each job touches (`n:+12065550123`, `r:vc-3`) → the job's id, for "one job at a
    /// time per number" and the in-flight marks.
    JobIndex,
    /// phonedesk's ids ↔ the carrier's (`vc-3` → `abcdef…`, and `vc#abcdef…` → `vc-3`).
    CarrierIds,
    /// SIP media applications, by id.
    SipMediaApps,
    /// SIP rules triggered by a phone number, by the number.
    DialInRules,
    /// The audit log by number (`number \0 seq` → nothing): one number's history.
    AuditByNumber,
    /// Holds: a number marked in a provisioning wizard → its `Hold` (holder, session, until).
    Holds,
}

impl Tree {
    pub const ALL: [Tree; 21] = [
        Tree::Numbers,
        Tree::ByStatus,
        Tree::ByAssignee,
        Tree::Orders,
        Tree::Accounts,
        Tree::Users,
        Tree::Connectors,
        Tree::Groups,
        Tree::Requests,
        Tree::Meta,
        Tree::Due,
        Tree::Audit,
        Tree::OrderSummaries,
        Tree::AssigneeCounts,
        Tree::Jobs,
        Tree::JobIndex,
        Tree::CarrierIds,
        Tree::SipMediaApps,
        Tree::DialInRules,
        Tree::AuditByNumber,
        Tree::Holds,
    ];

    /// The tree's name on disk (sled's tree names; stable: databases are written with them).
    pub fn name(self) -> &'static str {
        match self {
            Tree::Numbers => "numbers",
            Tree::ByStatus => "numbers_by_status",
            Tree::ByAssignee => "numbers_by_assignee",
            Tree::Orders => "orders",
            Tree::Accounts => "accounts",
            Tree::Users => "users",
            Tree::Connectors => "voice_connectors",
            Tree::Groups => "voice_connector_groups",
            Tree::Requests => "support_requests",
            Tree::Meta => "meta",
            Tree::Due => "due",
            Tree::Audit => "audit",
            Tree::OrderSummaries => "order_summaries",
            Tree::AssigneeCounts => "assignee_counts",
            Tree::Jobs => "carrier_jobs",
            Tree::JobIndex => "carrier_job_index",
            Tree::CarrierIds => "carrier_ids",
            Tree::SipMediaApps => "sip_media_applications",
            Tree::DialInRules => "dial_in_rules",
            Tree::AuditByNumber => "audit_by_number",
            Tree::Holds => "holds",
        }
    }

    /// Its position in `ALL` (a backend's table of open trees).
    pub fn index(self) -> usize {
        self as usize
    }
}

pub type Kv = (Vec<u8>, Vec<u8>);

/// A range of one tree: keys from `from` to `to`, ascending or (with `rev`) descending, at
/// most `limit` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub from: Bound<Vec<u8>>,
    pub to: Bound<Vec<u8>>,
    pub rev: bool,
    pub limit: usize,
}

impl Scan {
    /// Every key.
    pub fn all() -> Scan {
        Scan {
            from: Bound::Unbounded,
            to: Bound::Unbounded,
            rev: false,
            limit: usize::MAX,
        }
    }

    /// Every key starting with `prefix`.
    pub fn prefix(prefix: &[u8]) -> Scan {
        Scan {
            from: Bound::Included(prefix.to_vec()),
            to: prefix_end(prefix).map_or(Bound::Unbounded, Bound::Excluded),
            ..Scan::all()
        }
    }

    /// Keys from `from` (included) to `to` (excluded).
    pub fn between(from: Vec<u8>, to: Vec<u8>) -> Scan {
        Scan {
            from: Bound::Included(from),
            to: Bound::Excluded(to),
            ..Scan::all()
        }
    }

    pub fn from(mut self, from: Bound<Vec<u8>>) -> Scan {
        self.from = from;
        self
    }

    pub fn to(mut self, to: Bound<Vec<u8>>) -> Scan {
        self.to = to;
        self
    }

    pub fn rev(mut self) -> Scan {
        self.rev = true;
        self
    }

    pub fn limit(mut self, limit: usize) -> Scan {
        self.limit = limit;
        self
    }

    /// Whether `key` lies in the range (ignoring the limit).
    pub fn contains(&self, key: &[u8]) -> bool {
        let above = match &self.from {
            Bound::Included(f) => key >= f.as_slice(),
            Bound::Excluded(f) => key > f.as_slice(),
            Bound::Unbounded => true,
        };
        let below = match &self.to {
            Bound::Included(t) => key <= t.as_slice(),
            Bound::Excluded(t) => key < t.as_slice(),
            Bound::Unbounded => true,
        };
        above && below
    }
}

/// The first key after every key that starts with `prefix` (none when the prefix is all
/// 0xff bytes, or empty).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// A storage engine under `Store`.
pub trait Backend: Send + Sync {
    /// Where the data lives, for messages (a directory for sled, the server for PostgreSQL).
    fn location(&self) -> &Path;
    /// The local directory holding the database, when it is one (the lock file and the
    /// local socket live there).
    fn directory(&self) -> Option<&Path> {
        None
    }
    /// Reads outside a transaction: committed data.
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    fn scan(&self, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError>;
    /// How many keys the range holds (its limit ignored), without reading the values.
    fn count(&self, tree: Tree, scan: &Scan) -> Result<usize, StoreError>;
    /// The only writer: waits for any other, and sees every earlier commit.
    fn begin(&self) -> Result<Box<dyn WriteTx + '_>, StoreError>;
    /// Everything acknowledged is on disk (commits already are; this is for shutdown).
    fn flush(&self) -> Result<(), StoreError>;
    /// Bytes on disk, for `status`.
    fn size_on_disk(&self) -> u64;
    /// Whether other processes may write the same organisation (a database server): the
    /// store then reads its counts again in each writer transaction, and a long-running
    /// process follows the others' changes (`changes`).
    fn shared(&self) -> bool {
        false
    }
    /// Hints that another process changed the organisation, for a shared backend: raised
    /// after every commit anywhere (and after every reconnect, when hints may have been
    /// lost). Only a hint: the audit log is what says what changed.
    fn changes(&self) -> Option<Arc<ChangeSignal>> {
        None
    }
    /// Claims `what` (a carrier job) for this process until the claim is dropped; `None`
    /// while another process holds it. A process that dies frees its claims at once. One
    /// process alone (sled) has nothing to claim against.
    fn claim(&self, what: u64) -> Result<Option<Box<dyn Claim + '_>>, StoreError> {
        let _ = what;
        Ok(Some(Box::new(Unclaimed)))
    }
    /// Whether this process leads the processes sharing the organisation: the one that does
    /// what must be done once for all (telling of purges drawing near, the periodic carrier
    /// sync). Taken when free and kept for the process's life; when the leader goes, the
    /// next to ask takes it. One process alone always leads.
    fn lead(&self) -> Result<bool, StoreError> {
        Ok(true)
    }
}

/// The claim key of the lead (`Backend::lead`); job ids stay below it.
pub const LEAD_CLAIM: u64 = 0xffff_ffff;

/// A claim held until dropped (`Backend::claim`).
pub trait Claim: Send {}

struct Unclaimed;
impl Claim for Unclaimed {}

/// What other processes changed, as hints: `notify` wakes a follower; the counters say
/// which kinds of change came since it last looked.
#[derive(Default)]
pub struct ChangeSignal {
    pub notify: tokio::sync::Notify,
    /// Audited changes (the audit log has grown) and reconnects (hints may be lost).
    pub audited: AtomicU64,
    /// Holds placed or released (not audited).
    pub holds: AtomicU64,
}

/// What a writer transaction changed, for other processes' hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Audited,
    Holds,
}

/// One writer transaction: what it writes is all applied at `commit`, durably, or not at all.
pub trait WriteTx {
    /// Reads see at least every commit before this transaction began. Whether they see
    /// the transaction's own writes differs between backends: `Store` reads before it
    /// writes.
    fn get(&mut self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    fn scan(&mut self, tree: Tree, scan: &Scan) -> Result<Vec<Kv>, StoreError>;
    fn put(&mut self, tree: Tree, key: Vec<u8>, value: Vec<u8>);
    fn delete(&mut self, tree: Tree, key: Vec<u8>);
    /// Tells other processes, when this commits, that it changed `what` (a hint on a
    /// shared backend; nothing to tell on one alone).
    fn tell(&mut self, what: Changed) {
        let _ = what;
    }
    /// Applies the writes, in order, and returns once they are durable.
    fn commit(self: Box<Self>) -> Result<(), StoreError>;
    /// Applies the writes, in order and all or nothing, without waiting for them to be
    /// durable: they are with the next `commit` or `Backend::flush`. For a run of
    /// transactions acknowledged together. A backend that cannot tell the two commits.
    fn commit_deferred(self: Box<Self>) -> Result<(), StoreError> {
        self.commit()
    }
}

/// A range read a page at a time, for lists too long to hold at once.
pub struct Pages<'a> {
    backend: &'a dyn Backend,
    tree: Tree,
    scan: Scan,
    left: usize,
    page: std::vec::IntoIter<Kv>,
    done: bool,
}

const PAGE: usize = 512;

impl<'a> Pages<'a> {
    pub fn new(backend: &'a dyn Backend, tree: Tree, scan: Scan) -> Pages<'a> {
        Pages {
            backend,
            tree,
            left: scan.limit,
            scan,
            page: Vec::new().into_iter(),
            done: false,
        }
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<Kv, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        if let Some(kv) = self.page.next() {
            self.left -= 1;
            return Some(Ok(kv));
        }
        if self.done {
            return None;
        }
        let ask = self.scan.clone().limit(self.left.min(PAGE));
        let page = match self.backend.scan(self.tree, &ask) {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                return Some(Err(e));
            }
        };
        self.done = page.len() < ask.limit;
        // The next page starts after this one's last key.
        if let Some((last, _)) = page.last() {
            if self.scan.rev {
                self.scan.to = Bound::Excluded(last.clone());
            } else {
                self.scan.from = Bound::Excluded(last.clone());
            }
        }
        self.page = page.into_iter();
        let kv = self.page.next()?;
        self.left -= 1;
        Some(Ok(kv))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_ends_at_the_next_byte_and_all_ff_has_no_end() {
        assert_eq!(prefix_end(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_end(b"\xff\xff"), None);
        assert_eq!(prefix_end(b""), None);
        let s = Scan::prefix(b"a\xff");
        assert!(s.contains(b"a\xff") && s.contains(b"a\xff\xff\x01") && !s.contains(b"b"));
    }

    #[test]
    fn every_tree_has_its_place_and_a_distinct_name() {
        for (i, t) in Tree::ALL.iter().enumerate() {
            assert_eq!(t.index(), i);
        }
        let names: std::collections::HashSet<_> = Tree::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(names.len(), Tree::ALL.len());
    }
}
