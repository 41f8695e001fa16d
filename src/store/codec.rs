//! Record encoding (postcard) and key layouts.

use crate::domain::{Due, StatusCode, E164};
use serde::{de::DeserializeOwned, Serialize};

pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_stdvec(value).expect("records always encode")
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, postcard::Error> {
    postcard::from_bytes(bytes)
}

/// Ids like `order-12` sort by their number: the key is the sequence, big-endian.
pub fn seq_key(id: &str) -> [u8; 8] {
    let n: u64 = id
        .rsplit('-')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    n.to_be_bytes()
}

pub fn status_key(status: StatusCode, n: &E164) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + n.as_str().len());
    k.push(status.byte());
    k.extend_from_slice(n.as_str().as_bytes());
    k
}

pub fn assignee_key(assignee: &str, n: &E164) -> Vec<u8> {
    let mut k = Vec::with_capacity(assignee.len() + 1 + n.as_str().len());
    k.extend_from_slice(assignee.as_bytes());
    k.push(0);
    k.extend_from_slice(n.as_str().as_bytes());
    k
}

pub fn assignee_prefix(assignee: &str) -> Vec<u8> {
    let mut k = assignee.as_bytes().to_vec();
    k.push(0);
    k
}

/// Due work sorts by time: 8 bytes of time, then the encoded task.
pub fn due_key(due: &Due) -> Vec<u8> {
    let mut k = (due.at.millis() as u64).to_be_bytes().to_vec();
    k.extend_from_slice(&encode(&due.task));
    k
}

/// Index keys hold the number's E.164 text after a fixed prefix.
pub fn number_from_key(key: &[u8], prefix_len: usize) -> Option<E164> {
    std::str::from_utf8(key.get(prefix_len..)?)
        .ok()
        .map(|s| E164::from_stored(s.to_string()))
}
