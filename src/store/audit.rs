//! The audit log: entries by sequence, and an index by number (`number \0 seq`) so one
//! number's history is read without scanning the log; queries and the retention prune.

use super::codec::{decode, encode};
use super::{Scan, Store, StoreError, AUDIT, AUDIT_BY_NUMBER};
use crate::domain::{FieldChange, Role, Timestamp, E164};
use serde::{Deserialize, Serialize};

/// One line of the audit log: who did what, when, how it ended, and what it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: u64,
    pub at: Timestamp,
    pub actor: String,
    pub role: Role,
    pub action: String,
    pub detail: String,
    /// The outcome's message, or the error.
    pub result: String,
    pub ok: bool,
    /// The numbers the action named or changed; each is in the by-number index.
    pub numbers: Vec<E164>,
    /// What changed, field by field, before → after; none for a refused action.
    pub changes: Vec<FieldChange>,
}

impl AuditEntry {
    /// The entry as undo reads it.
    pub fn undo_target(&self) -> crate::domain::UndoTarget {
        crate::domain::UndoTarget {
            seq: self.seq,
            actor: self.actor.clone(),
            action: self.action.clone(),
            at: self.at,
            ok: self.ok,
            changes: self.changes.clone(),
        }
    }

    /// An entry about to be written: the store gives it its sequence number and, for an
    /// accepted action, its changes.
    pub fn new(
        at: Timestamp,
        actor: &crate::domain::Actor,
        action: &str,
        detail: String,
        numbers: Vec<E164>,
    ) -> AuditEntry {
        AuditEntry {
            seq: 0,
            at,
            actor: actor.name.clone(),
            role: actor.role,
            action: action.to_string(),
            detail,
            result: String::new(),
            ok: false,
            numbers,
            changes: Vec::new(),
        }
    }

    /// The numbers this entry changed, each once, in the order first changed.
    pub fn changed_numbers(&self) -> Vec<&E164> {
        crate::domain::changed_numbers(&self.changes)
    }
}

/// An entry as written before entries kept their numbers and changes: read as one
/// with neither (the by-number index starts with the first entry written by this build).
#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
struct AuditEntryWithoutChanges {
    seq: u64,
    at: Timestamp,
    actor: String,
    role: Role,
    action: String,
    detail: String,
    result: String,
    ok: bool,
}

/// Reads an entry of either layout. Entries are never rewritten on upgrade: a long log
/// would make the first start of a new build slow, and old entries have nothing to add.
pub(super) fn decode_entry(bytes: &[u8]) -> Option<AuditEntry> {
    if let Ok(e) = decode::<AuditEntry>(bytes) {
        return Some(e);
    }
    let old: AuditEntryWithoutChanges = decode(bytes).ok()?;
    Some(AuditEntry {
        seq: old.seq,
        at: old.at,
        actor: old.actor,
        role: old.role,
        action: old.action,
        detail: old.detail,
        result: old.result,
        ok: old.ok,
        numbers: Vec::new(),
        changes: Vec::new(),
    })
}

/// The by-number index's key of one entry about one number.
pub(super) fn number_key(n: &E164, seq: u64) -> Vec<u8> {
    let mut k = number_prefix(n);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn number_prefix(n: &E164) -> Vec<u8> {
    let mut k = Vec::with_capacity(n.as_str().len() + 9);
    k.extend_from_slice(n.as_str().as_bytes());
    k.push(0);
    k
}

/// The numbers an entry is indexed under: those named and those changed, each once.
pub(super) fn indexed_numbers(entry: &mut AuditEntry) {
    let changed: Vec<E164> = entry.changed_numbers().into_iter().cloned().collect();
    for n in changed {
        if !entry.numbers.contains(&n) {
            entry.numbers.push(n);
        }
    }
}

/// Which entries to show: every given condition must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Entries about this number (named by the action or changed by it).
    pub number: Option<E164>,
    /// Who acted, exactly (ignoring case): `alice`, `local:bob`, `carrier`, `scheduler`.
    pub actor: Option<String>,
    /// The action's name, exactly (ignoring case): `assign`, `delete`, `sync numbers`.
    pub action: Option<String>,
    /// At or after.
    pub since: Option<Timestamp>,
    /// Before.
    pub until: Option<Timestamp>,
    /// Only refused actions.
    pub failed: bool,
}

impl AuditQuery {
    pub fn matches(&self, e: &AuditEntry) -> bool {
        let same = |want: &Option<String>, have: &str| {
            want.as_ref()
                .is_none_or(|w| w.trim().eq_ignore_ascii_case(have))
        };
        self.number.as_ref().is_none_or(|n| e.numbers.contains(n))
            && same(&self.actor, &e.actor)
            && same(&self.action, &e.action)
            && self.since.is_none_or(|t| e.at >= t)
            && self.until.is_none_or(|t| e.at < t)
            && (!self.failed || !e.ok)
    }
}

impl Store {
    fn entry(&self, bytes: &[u8]) -> Result<AuditEntry, StoreError> {
        decode_entry(bytes).ok_or_else(|| self.corrupt("unreadable audit entry"))
    }

    /// The audit log, newest first, at most `limit` entries.
    pub fn audit(&self, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        self.audit_query(&AuditQuery::default(), limit)
    }

    /// The entries `query` matches, newest first, at most `limit`. A number's entries
    /// come from the by-number index; a time range stops the scan at its start (entries
    /// are written in time order).
    pub fn audit_query(
        &self,
        query: &AuditQuery,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        if let Some(n) = &query.number {
            for kv in self.pages(AUDIT_BY_NUMBER, Scan::prefix(&number_prefix(n)).rev()) {
                let (key, _) = kv?;
                let seq = &key[key.len().saturating_sub(8)..];
                let Some(bytes) = self.backend.get(AUDIT, seq)? else {
                    continue; // pruned meanwhile
                };
                let e = self.entry(&bytes)?;
                if query.since.is_some_and(|t| e.at < t) {
                    break;
                }
                if query.matches(&e) {
                    out.push(e);
                    if out.len() >= limit {
                        break;
                    }
                }
            }
            return Ok(out);
        }
        for kv in self.pages(AUDIT, Scan::all().rev()) {
            let e = self.entry(&kv?.1)?;
            if query.since.is_some_and(|t| e.at < t) {
                break;
            }
            if query.matches(&e) {
                out.push(e);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The latest entries, newest first: at most `limit`, and no more once those read name
    /// `max_numbers` numbers in all (the first entry always comes); and whether older
    /// entries were left unread for that budget. An entry of a 1,000-number order carries
    /// every number and change, so a screen that shows the latest entries reads in
    /// proportion to what they hold, not only to their count.
    pub fn audit_latest(
        &self,
        limit: usize,
        max_numbers: usize,
    ) -> Result<(Vec<AuditEntry>, bool), StoreError> {
        // Small pages: a page of big entries is read whole before the budget is checked.
        const PAGE: usize = 32;
        let mut out: Vec<AuditEntry> = Vec::new();
        let mut numbers = 0;
        let mut scan = Scan::all().rev();
        while out.len() < limit && (out.is_empty() || numbers < max_numbers) {
            let page = self
                .backend
                .scan(AUDIT, &scan.clone().limit(PAGE.min(limit - out.len())))?;
            let last_page = page.len() < PAGE.min(limit - out.len());
            for (key, value) in page {
                if !out.is_empty() && numbers >= max_numbers {
                    return Ok((out, true));
                }
                let e = self.entry(&value)?;
                numbers += e.numbers.len().max(e.changes.len());
                out.push(e);
                scan = scan.to(std::ops::Bound::Excluded(key));
            }
            if last_page {
                return Ok((out, false));
            }
        }
        // Stopped at the budget or the limit: older entries are unread when there are any.
        let more = out.len() < limit && !self.backend.scan(AUDIT, &scan.limit(1))?.is_empty();
        Ok((out, more))
    }

    /// One entry by its number.
    pub fn audit_entry(&self, seq: u64) -> Result<Option<AuditEntry>, StoreError> {
        match self.backend.get(AUDIT, &seq.to_be_bytes())? {
            Some(bytes) => Ok(Some(self.entry(&bytes)?)),
            None => Ok(None),
        }
    }

    /// One number's timeline, oldest first: the latest `limit` entries about it.
    pub fn history(&self, n: &E164, limit: usize) -> Result<Vec<AuditEntry>, StoreError> {
        let query = AuditQuery {
            number: Some(n.clone()),
            ..AuditQuery::default()
        };
        let mut entries = self.audit_query(&query, limit)?;
        entries.reverse();
        Ok(entries)
    }

    /// Removes the entries written before `before`, oldest first, at most `batch` of them
    /// in one transaction with their index keys; returns how many went. The engine calls
    /// it under its writer lock.
    pub fn prune_audit(&self, before: Timestamp, batch: usize) -> Result<usize, StoreError> {
        let mut tx = self.backend.begin()?;
        let mut ops: Vec<super::Op> = Vec::new();
        // The newest entry always stays: it carries the sequence on across a restart.
        let newest = tx
            .scan(AUDIT, &Scan::all().rev().limit(1))?
            .pop()
            .map(|(k, _)| k);
        for (key, value) in tx.scan(AUDIT, &Scan::all().limit(batch))? {
            if Some(&key) == newest.as_ref() {
                break;
            }
            let e = self.entry(&value)?;
            if e.at >= before {
                break;
            }
            for n in &e.numbers {
                ops.push((AUDIT_BY_NUMBER, number_key(n, e.seq), None));
            }
            ops.push((AUDIT, key, None));
        }
        let pruned = ops.iter().filter(|(tree, _, _)| *tree == AUDIT).count();
        if pruned > 0 {
            super::commit(tx, ops)?;
        }
        Ok(pruned)
    }

    /// Index keys to write with a new entry.
    pub(super) fn audit_index_ops(entry: &AuditEntry, ops: &mut Vec<super::Op>) {
        for n in &entry.numbers {
            ops.push((AUDIT_BY_NUMBER, number_key(n, entry.seq), Some(Vec::new())));
        }
        ops.push((AUDIT, entry.seq.to_be_bytes().to_vec(), Some(encode(entry))));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_written_before_changes_were_kept_reads_with_none() {
        let old = AuditEntryWithoutChanges {
            seq: 7,
            at: Timestamp(1_800_000_000_000),
            actor: "alice".into(),
            role: Role::Admin,
            action: "assign".into(),
            detail: "assign +12065550123 to voice connector vc-1".into(),
            result: "Assigned 1 number.".into(),
            ok: true,
        };
        let e = decode_entry(&encode(&old)).unwrap();
        assert_eq!((e.seq, e.actor.as_str(), e.ok), (7, "alice", true));
        assert!(e.numbers.is_empty() && e.changes.is_empty());
        // And one of today reads whole.
        let mut new = e.clone();
        new.numbers = vec![E164::parse("+12065550123").unwrap()];
        assert_eq!(decode_entry(&encode(&new)).unwrap(), new);
        assert!(decode_entry(b"\xff\xff").is_none());
    }

    #[test]
    fn index_keys_of_one_number_sort_by_sequence_and_never_mix_with_a_longer_number() {
        let a = E164::parse("+12065550123").unwrap();
        let longer = E164::from_stored("+120655501234".into());
        assert!(number_key(&a, 2) < number_key(&a, 10));
        assert!(!number_key(&longer, 1).starts_with(&number_prefix(&a)));
    }
}
