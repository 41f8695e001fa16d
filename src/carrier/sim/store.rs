//! The simulation's records in its sled tree: postcard values under prefixed keys, written
//! in batches so one call's changes land together.

use super::desk::{AttachmentSetRec, CaseRec, PortRec};
use super::records::{GroupRec, Meta, NumberRec, OrderRec};
use crate::carrier::api::{
    CarrierConnector, CarrierError, CarrierNumberStatus, CarrierResult, SipMediaApplication,
    SipRule,
};
use crate::domain::E164;
use serde::{de::DeserializeOwned, Serialize};

const META: &[u8] = b"m/meta";
const NUMBER: &[u8] = b"n/";
const ORDER: &[u8] = b"o/";
const ORDER_ID: &[u8] = b"i/";
const CONNECTOR: &[u8] = b"v/";
const GROUP: &[u8] = b"g/";
const APP: &[u8] = b"s/";
const RULE: &[u8] = b"r/";
const CASE: &[u8] = b"c/";
const PORT: &[u8] = b"p/";
const ATTACHMENTS: &[u8] = b"a/";
/// A number's status as set on the AWS side (`/_sim/`), until the number next changes.
const STATUS: &[u8] = b"x/";

fn key(prefix: &[u8], id: &[u8]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend_from_slice(id);
    k
}

fn storage(e: impl std::fmt::Display) -> CarrierError {
    // The carrier's own failure, as a real one would answer it.
    let _ = e.to_string();
    CarrierError::ServiceFailure { status: 500 }
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> CarrierResult<T> {
    postcard::from_bytes(bytes).map_err(storage)
}

fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_stdvec(value).expect("records always encode")
}

pub(crate) struct Db {
    tree: sled::Tree,
}

impl Db {
    pub fn new(tree: sled::Tree) -> Db {
        Db { tree }
    }

    fn get<T: DeserializeOwned>(&self, k: &[u8]) -> CarrierResult<Option<T>> {
        match self.tree.get(k).map_err(storage)? {
            Some(v) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    /// Records of one kind from after `after` (exclusive), in key order.
    fn scan<T: DeserializeOwned>(
        &self,
        prefix: &'static [u8],
        after: Option<&[u8]>,
    ) -> impl Iterator<Item = CarrierResult<T>> {
        let start = match after {
            Some(a) => {
                let mut k = key(prefix, a);
                k.push(0);
                k
            }
            None => prefix.to_vec(),
        };
        let mut end = prefix.to_vec();
        *end.last_mut().expect("prefixes are not empty") += 1;
        self.tree
            .range(start..end)
            .map(|r| r.map_err(storage).and_then(|(_, v)| decode(&v)))
    }

    pub fn meta(&self) -> CarrierResult<Option<Meta>> {
        self.get(META)
    }

    pub fn number(&self, n: &E164) -> CarrierResult<Option<NumberRec>> {
        self.get(&key(NUMBER, n.as_str().as_bytes()))
    }

    pub fn forced_status(&self, n: &E164) -> CarrierResult<Option<CarrierNumberStatus>> {
        self.get(&key(STATUS, n.as_str().as_bytes()))
    }

    pub fn numbers_from(
        &self,
        after: Option<&E164>,
    ) -> CarrierResult<impl Iterator<Item = CarrierResult<NumberRec>>> {
        Ok(self.scan(NUMBER, after.map(|n| n.as_str().as_bytes())))
    }

    /// The records of the numbers whose E.164 form starts with `prefix` (`+1206215`).
    pub fn numbers_with_prefix(
        &self,
        prefix: &str,
    ) -> impl Iterator<Item = CarrierResult<NumberRec>> {
        self.tree
            .scan_prefix(key(NUMBER, prefix.as_bytes()))
            .map(|r| r.map_err(storage).and_then(|(_, v)| decode(&v)))
    }

    pub fn order(&self, id: &str) -> CarrierResult<Option<OrderRec>> {
        match self.get::<u64>(&key(ORDER_ID, id.as_bytes()))? {
            Some(seq) => self.get(&key(ORDER, &seq.to_be_bytes())),
            None => Ok(None),
        }
    }

    pub fn orders_from(
        &self,
        after: Option<u64>,
    ) -> CarrierResult<impl Iterator<Item = CarrierResult<OrderRec>>> {
        let a = after.map(|s| s.to_be_bytes());
        Ok(self.scan(ORDER, a.as_ref().map(|b| b.as_slice())))
    }

    pub fn connector(&self, id: &str) -> CarrierResult<Option<CarrierConnector>> {
        self.get(&key(CONNECTOR, id.as_bytes()))
    }

    pub fn connectors_from(
        &self,
        after: Option<&str>,
    ) -> CarrierResult<impl Iterator<Item = CarrierResult<CarrierConnector>>> {
        Ok(self.scan(CONNECTOR, after.map(str::as_bytes)))
    }

    pub fn group(&self, id: &str) -> CarrierResult<Option<GroupRec>> {
        self.get(&key(GROUP, id.as_bytes()))
    }

    pub fn groups_from(
        &self,
        after: Option<&str>,
    ) -> CarrierResult<impl Iterator<Item = CarrierResult<GroupRec>>> {
        Ok(self.scan(GROUP, after.map(str::as_bytes)))
    }

    pub fn rule(&self, id: &str) -> CarrierResult<Option<SipRule>> {
        self.get(&key(RULE, id.as_bytes()))
    }

    pub fn rules(&self) -> CarrierResult<Vec<SipRule>> {
        self.scan(RULE, None).collect()
    }

    pub fn apps(&self) -> CarrierResult<Vec<SipMediaApplication>> {
        self.scan(APP, None).collect()
    }

    pub fn case(&self, id: &str) -> CarrierResult<Option<CaseRec>> {
        self.get(&key(CASE, id.as_bytes()))
    }

    pub fn cases(&self) -> CarrierResult<Vec<CaseRec>> {
        self.scan(CASE, None).collect()
    }

    pub fn port(&self, id: &str) -> CarrierResult<Option<PortRec>> {
        self.get(&key(PORT, id.as_bytes()))
    }

    pub fn ports(&self) -> CarrierResult<Vec<PortRec>> {
        self.scan(PORT, None).collect()
    }

    pub fn attachment_set(&self, id: &str) -> CarrierResult<Option<AttachmentSetRec>> {
        self.get(&key(ATTACHMENTS, id.as_bytes()))
    }

    pub fn writer(&self) -> Writer<'_> {
        Writer {
            db: self,
            batch: sled::Batch::default(),
        }
    }
}

/// One call's changes, applied together by `commit`.
pub(crate) struct Writer<'a> {
    db: &'a Db,
    batch: sled::Batch,
}

impl Writer<'_> {
    pub fn put_meta(&mut self, m: &Meta) {
        self.batch.insert(META, encode(m));
    }

    pub fn put_number(&mut self, r: &NumberRec) {
        self.batch
            .insert(key(NUMBER, r.number.as_str().as_bytes()), encode(r));
        self.batch.remove(key(STATUS, r.number.as_str().as_bytes()));
    }

    pub fn remove_number(&mut self, n: &E164) {
        self.batch.remove(key(NUMBER, n.as_str().as_bytes()));
        self.batch.remove(key(STATUS, n.as_str().as_bytes()));
    }

    pub fn force_status(&mut self, n: &E164, status: CarrierNumberStatus) {
        self.batch
            .insert(key(STATUS, n.as_str().as_bytes()), encode(&status));
    }

    pub fn put_order(&mut self, o: &OrderRec) {
        self.batch
            .insert(key(ORDER_ID, o.id.as_bytes()), encode(&o.seq));
        self.batch
            .insert(key(ORDER, &o.seq.to_be_bytes()), encode(o));
    }

    pub fn put_connector(&mut self, v: &CarrierConnector) {
        self.batch
            .insert(key(CONNECTOR, v.id.as_bytes()), encode(v));
    }

    pub fn remove_connector(&mut self, id: &str) {
        self.batch.remove(key(CONNECTOR, id.as_bytes()));
    }

    pub fn put_group(&mut self, g: &GroupRec) {
        self.batch.insert(key(GROUP, g.id.as_bytes()), encode(g));
    }

    pub fn remove_group(&mut self, id: &str) {
        self.batch.remove(key(GROUP, id.as_bytes()));
    }

    pub fn put_app(&mut self, a: &SipMediaApplication) {
        self.batch.insert(key(APP, a.id.as_bytes()), encode(a));
    }

    pub fn put_rule(&mut self, r: &SipRule) {
        self.batch.insert(key(RULE, r.id.as_bytes()), encode(r));
    }

    pub fn remove_rule(&mut self, id: &str) {
        self.batch.remove(key(RULE, id.as_bytes()));
    }

    pub fn put_case(&mut self, c: &CaseRec) {
        self.batch.insert(key(CASE, c.id.as_bytes()), encode(c));
    }

    pub fn put_port(&mut self, p: &PortRec) {
        self.batch.insert(key(PORT, p.id.as_bytes()), encode(p));
    }

    pub fn put_attachment_set(&mut self, a: &AttachmentSetRec) {
        self.batch
            .insert(key(ATTACHMENTS, a.id.as_bytes()), encode(a));
    }

    /// Applies the changes atomically and flushes them: an answer is never given for a
    /// change a crash could lose.
    pub fn commit(self) -> CarrierResult<()> {
        self.db.tree.apply_batch(self.batch).map_err(storage)?;
        self.db.tree.flush().map_err(storage)?;
        Ok(())
    }
}
