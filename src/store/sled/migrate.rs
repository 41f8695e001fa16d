//! Reading records written by an older phonedesk. Each step rewrites what changed shape,
//! in one transaction with the new schema version, so a database is either all old or
//! all new.

use crate::domain::*;
use crate::store::codec::{decode, encode};
use serde::{Deserialize, Serialize};
use sled::transaction::ConflictableTransactionError;
use sled::Transactional;
use std::collections::HashMap;
use std::time::Duration;

/// Why a migration stopped (nothing of it is written then).
pub(super) enum MigrationError {
    Sled(sled::Error),
    Unreadable(&'static str),
}

impl From<sled::Error> for MigrationError {
    fn from(e: sled::Error) -> Self {
        MigrationError::Sled(e)
    }
}

/// Schema 1 kept only when a number was deleted; schema 2 also keeps until when it can be
/// restored, the promise made at deletion.
#[derive(Serialize, Deserialize)]
enum NumberStatusV1 {
    AcquireInProgress,
    AcquireFailed { reason: String },
    PortinInProgress,
    Unassigned,
    Assigned(Assignee),
    DeleteInProgress { deleted_at: Timestamp },
}

#[derive(Serialize, Deserialize)]
struct PhoneNumberV1 {
    number: E164,
    number_type: NumberType,
    product_type: ProductType,
    status: NumberStatusV1,
    capabilities: Capabilities,
    calling_name: NameSetting,
    label: Option<String>,
    order: Option<OrderId>,
    port_request: Option<RequestId>,
    ported_out: bool,
    created_at: Timestamp,
    updated_at: Timestamp,
}

/// Schema 2's number: schema 3 adds the real carrier's own status (`carrier_status`).
#[derive(Serialize, Deserialize)]
struct PhoneNumberV2 {
    number: E164,
    number_type: NumberType,
    product_type: ProductType,
    status: NumberStatus,
    capabilities: Capabilities,
    calling_name: NameSetting,
    label: Option<String>,
    order: Option<OrderId>,
    port_request: Option<RequestId>,
    ported_out: bool,
    created_at: Timestamp,
    updated_at: Timestamp,
}

/// Schema 1 → 2: every number in the deletion queue gets its restore deadline. The purge
/// scheduled at deletion is the promise that was made; a number without one (which `check`
/// reports) gets its deletion time plus `retention`.
pub(super) fn v1_to_v2(
    numbers: &sled::Tree,
    due: &sled::Tree,
    meta: &sled::Tree,
    schema_key: &[u8],
    retention: Duration,
) -> Result<(), MigrationError> {
    let mut purges: HashMap<E164, Timestamp> = HashMap::new();
    for value in due.iter().values() {
        let d: Due =
            decode(&value?).map_err(|_| MigrationError::Unreadable("unreadable due entry"))?;
        if let Task::Purge(n) = d.task {
            let at = purges.entry(n).or_insert(d.at);
            *at = (*at).min(d.at);
        }
    }
    let mut rewritten = Vec::new();
    for kv in numbers.iter() {
        let (key, value) = kv?;
        let old: PhoneNumberV1 = decode(&value)
            .map_err(|_| MigrationError::Unreadable("unreadable record in numbers"))?;
        let NumberStatusV1::DeleteInProgress { deleted_at } = old.status else {
            continue;
        };
        let restorable_until = purges
            .get(&old.number)
            .copied()
            .unwrap_or_else(|| deleted_at.plus(retention));
        let new = PhoneNumberV2 {
            number: old.number,
            number_type: old.number_type,
            product_type: old.product_type,
            status: NumberStatus::DeleteInProgress {
                deleted_at,
                restorable_until,
            },
            capabilities: old.capabilities,
            calling_name: old.calling_name,
            label: old.label,
            order: old.order,
            port_request: old.port_request,
            ported_out: old.ported_out,
            created_at: old.created_at,
            updated_at: old.updated_at,
        };
        rewritten.push((key, encode(&new)));
    }
    rewrite(numbers, meta, schema_key, &rewritten, 2)
}

/// Schema 2 → 3: every number gets the carrier's own status, none yet (the next sync
/// with a real carrier brings it).
pub(super) fn v2_to_v3(
    numbers: &sled::Tree,
    meta: &sled::Tree,
    schema_key: &[u8],
) -> Result<(), MigrationError> {
    let mut rewritten = Vec::new();
    for kv in numbers.iter() {
        let (key, value) = kv?;
        let old: PhoneNumberV2 = decode(&value)
            .map_err(|_| MigrationError::Unreadable("unreadable record in numbers"))?;
        let new = PhoneNumber {
            number: old.number,
            number_type: old.number_type,
            product_type: old.product_type,
            status: old.status,
            capabilities: old.capabilities,
            calling_name: old.calling_name,
            label: old.label,
            order: old.order,
            port_request: old.port_request,
            ported_out: old.ported_out,
            created_at: old.created_at,
            updated_at: old.updated_at,
            carrier_status: None,
        };
        rewritten.push((key, encode(&new)));
    }
    rewrite(numbers, meta, schema_key, &rewritten, 3)
}

/// Writes the rewritten numbers and the new schema version in one transaction.
fn rewrite(
    numbers: &sled::Tree,
    meta: &sled::Tree,
    schema_key: &[u8],
    rewritten: &[(sled::IVec, Vec<u8>)],
    version: u32,
) -> Result<(), MigrationError> {
    (numbers, meta)
        .transaction(|(numbers, meta)| {
            for (key, value) in rewritten {
                numbers.insert(key, value.as_slice())?;
            }
            meta.insert(schema_key, &version.to_be_bytes())?;
            Ok::<(), ConflictableTransactionError<()>>(())
        })
        .map_err(|e| match e {
            sled::transaction::TransactionError::Storage(e) => MigrationError::Sled(e),
            sled::transaction::TransactionError::Abort(()) => {
                MigrationError::Unreadable("the upgrade was aborted")
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreOptions};

    fn deleted_v1(n: &E164, at: Timestamp) -> Vec<u8> {
        let p = PhoneNumber::new(
            n.clone(),
            ProductType::VoiceConnector,
            NumberStatus::Unassigned,
            at,
        );
        encode(&PhoneNumberV1 {
            number: p.number,
            number_type: p.number_type,
            product_type: p.product_type,
            status: NumberStatusV1::DeleteInProgress { deleted_at: at },
            capabilities: p.capabilities,
            calling_name: p.calling_name,
            label: Some("front desk".into()),
            order: None,
            port_request: None,
            ported_out: false,
            created_at: at,
            updated_at: at,
        })
    }

    #[test]
    fn a_schema_1_deletion_keeps_the_restore_time_its_purge_was_scheduled_for() {
        let dir = tempfile::tempdir().unwrap();
        let deleted = Timestamp(1_800_000_000_000);
        let promised = Timestamp(deleted.0 + 600_000);
        let scheduled = E164::from_stored("+12065550100".into());
        let stranded = E164::from_stored("+12065550101".into());
        {
            let db = sled::open(dir.path()).unwrap();
            let numbers = db.open_tree("numbers").unwrap();
            numbers
                .insert(scheduled.as_str(), deleted_v1(&scheduled, deleted))
                .unwrap();
            numbers
                .insert(stranded.as_str(), deleted_v1(&stranded, deleted))
                .unwrap();
            let purge = Due {
                at: promised,
                task: Task::Purge(scheduled.clone()),
            };
            db.open_tree("due")
                .unwrap()
                .insert(crate::store::codec::due_key(&purge), encode(&purge))
                .unwrap();
            db.open_tree("meta")
                .unwrap()
                .insert("schema_version", &1u32.to_be_bytes())
                .unwrap();
            db.flush().unwrap();
        }
        let mut options = StoreOptions::new(dir.path());
        options.deletion_retention = Duration::from_secs(3600);
        let store = Store::open(&options).unwrap();
        let p = store.number(&scheduled).unwrap().unwrap();
        assert_eq!(p.restorable_until(), Some(promised));
        assert_eq!(p.deleted_at(), Some(deleted));
        assert_eq!(p.label.as_deref(), Some("front desk"));
        let p = store.number(&stranded).unwrap().unwrap();
        assert_eq!(p.restorable_until(), Some(Timestamp(deleted.0 + 3_600_000)));
        drop(store);
        // Migrated once: the version is the current one and a second open changes nothing.
        let store = Store::open(&options).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            Some(crate::store::SCHEMA_VERSION)
        );
        let p = store.number(&scheduled).unwrap().unwrap();
        assert_eq!(p.restorable_until(), Some(promised));
    }

    #[test]
    fn a_schema_2_number_reads_with_no_carrier_status_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let n = E164::from_stored("+12065550100".into());
        let at = Timestamp(1_800_000_000_000);
        {
            let db = sled::open(dir.path()).unwrap();
            let old = PhoneNumberV2 {
                number: n.clone(),
                number_type: NumberType::Local,
                product_type: ProductType::VoiceConnector,
                status: NumberStatus::Unassigned,
                capabilities: Capabilities::for_number(NumberType::Local),
                calling_name: NameSetting::default(),
                label: Some("lobby".into()),
                order: None,
                port_request: None,
                ported_out: false,
                created_at: at,
                updated_at: at,
            };
            db.open_tree("numbers")
                .unwrap()
                .insert(n.as_str(), encode(&old))
                .unwrap();
            db.open_tree("meta")
                .unwrap()
                .insert("schema_version", &2u32.to_be_bytes())
                .unwrap();
            db.flush().unwrap();
        }
        let store = Store::open(&StoreOptions::new(dir.path())).unwrap();
        let p = store.number(&n).unwrap().unwrap();
        assert_eq!(p.carrier_status, None);
        assert_eq!(p.status_name(), "Unassigned");
        assert_eq!(p.label.as_deref(), Some("lobby"));
        assert_eq!(store.schema_version().unwrap(), Some(3));
    }
}
