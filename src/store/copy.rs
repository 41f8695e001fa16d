//! `phonedesk db copy`: every tree of one store into another, key by key through the
//! backend interface, so a sled directory moves to PostgreSQL (and back) whole. The target
//! must be new (nothing in it but its schema version): a copy never merges.

use super::backend::{Scan, Tree};
use super::{Store, StoreError, SCHEMA_KEY};

/// Keys written per transaction.
const BATCH: usize = 2_000;

/// What a copy moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Copied {
    pub keys: usize,
    pub numbers: usize,
    pub audit_entries: usize,
}

impl Store {
    /// Whether the store holds nothing yet but its schema version.
    pub fn is_new(&self) -> Result<bool, StoreError> {
        for tree in Tree::ALL {
            let keys = self.backend.scan(tree, &Scan::all().limit(2))?;
            let only_schema =
                tree == Tree::Meta && keys.len() == 1 && keys[0].0.as_slice() == SCHEMA_KEY;
            if !keys.is_empty() && !only_schema {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Copies every record, index and audit entry of `self` into `to`, which must be new.
    /// The batches are durable when it returns; a copy stopped part way leaves `to`
    /// incomplete (the caller says to start again on a new target).
    pub fn copy_into(&self, to: &Store) -> Result<Copied, StoreError> {
        if !to.is_new()? {
            return Err(StoreError::NotNew {
                location: to.path().display().to_string(),
            });
        }
        let mut copied = Copied::default();
        for tree in Tree::ALL {
            let mut tx = to.backend.begin()?;
            let mut in_batch = 0;
            for kv in self.pages(tree, Scan::all()) {
                let (key, value) = kv?;
                tx.put(tree, key, value);
                in_batch += 1;
                copied.keys += 1;
                match tree {
                    Tree::Numbers => copied.numbers += 1,
                    Tree::Audit => copied.audit_entries += 1,
                    _ => {}
                }
                if in_batch == BATCH {
                    tx.commit_deferred()?;
                    tx = to.backend.begin()?;
                    in_batch = 0;
                }
            }
            tx.commit()?;
        }
        to.backend.flush()?;
        // The target's counts and audit sequence are what was copied.
        to.load_counts()?;
        Ok(copied)
    }
}
