//! What the simulated carrier stores, and how time turns it into the API's answers: every
//! state that changes with time is computed from timestamps when it is read (lazy time),
//! so nothing needs to run in the background.

use crate::carrier::api::{
    Association, CarrierGroup, CarrierNumber, CarrierNumberStatus, CarrierOrder,
    CarrierOrderStatus, CarrierSettings,
};
use crate::domain::{
    CallingNameStatus, Capabilities, OrderType, OrderedNumberStatus, ProductType, Timestamp, E164,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A calling name on its way: in force from `completes_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NameUpdate {
    /// `None` clears the name.
    pub name: Option<String>,
    pub completes_at: Timestamp,
}

/// A number the carrier holds, or is acquiring, or failed to acquire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NumberRec {
    pub number: E164,
    pub product_type: ProductType,
    pub order_id: Option<String>,
    /// When the acquisition completes, and whether it succeeds (decided when ordered).
    pub acquired_at: Timestamp,
    pub acquire_ok: bool,
    pub associations: Vec<Association>,
    /// The calling name in force before `name_update` completes.
    pub calling_name: Option<String>,
    pub name_update: Option<NameUpdate>,
    pub name: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// In the deletion queue since then.
    pub deleted_at: Option<Timestamp>,
}

impl NumberRec {
    /// The status at `now`; `None` once purged from the deletion queue.
    pub fn status(&self, now: Timestamp, retention: Duration) -> Option<CarrierNumberStatus> {
        if let Some(d) = self.deleted_at {
            return (now < d.plus(retention)).then_some(CarrierNumberStatus::DeleteInProgress);
        }
        Some(if now < self.acquired_at {
            CarrierNumberStatus::AcquireInProgress
        } else if !self.acquire_ok {
            CarrierNumberStatus::AcquireFailed
        } else if self.associations.is_empty() {
            CarrierNumberStatus::Unassigned
        } else {
            CarrierNumberStatus::Assigned
        })
    }

    /// The name in force at `now` and its status.
    pub fn calling_name_at(&self, now: Timestamp) -> (Option<String>, CallingNameStatus) {
        match &self.name_update {
            Some(u) if now < u.completes_at => {
                (u.name.clone(), CallingNameStatus::UpdateInProgress)
            }
            Some(u) => (
                u.name.clone(),
                if u.name.is_some() {
                    CallingNameStatus::UpdateSucceeded
                } else {
                    CallingNameStatus::Unassigned
                },
            ),
            None => (
                self.calling_name.clone(),
                if self.calling_name.is_some() {
                    CallingNameStatus::UpdateSucceeded
                } else {
                    CallingNameStatus::Unassigned
                },
            ),
        }
    }

    /// True while a calling name update has not completed.
    pub fn name_update_pending(&self, now: Timestamp) -> bool {
        self.name_update
            .as_ref()
            .map(|u| now < u.completes_at)
            .unwrap_or(false)
    }

    /// Folds a completed name update into the name in force (before a new one starts).
    pub fn settle_name(&mut self, now: Timestamp) {
        if let Some(u) = &self.name_update {
            if now >= u.completes_at {
                self.calling_name = u.name.clone();
                self.name_update = None;
            }
        }
    }

    /// Counts against the account's inventory limit at `now`.
    pub fn counts_against_limit(&self, now: Timestamp, retention: Duration) -> bool {
        matches!(
            self.status(now, retention),
            Some(
                CarrierNumberStatus::AcquireInProgress
                    | CarrierNumberStatus::Unassigned
                    | CarrierNumberStatus::Assigned
                    | CarrierNumberStatus::PortinInProgress
                    | CarrierNumberStatus::PortinCancelRequested
            )
        )
    }

    /// The API's view at `now`; `None` once purged.
    pub fn view(&self, now: Timestamp, retention: Duration) -> Option<CarrierNumber> {
        let status = self.status(now, retention)?;
        let (calling_name, name_status) = self.calling_name_at(now);
        let number_type = self.number.number_type();
        // The time of the last change a reader can see: a completed acquisition or name
        // update counts as a change.
        let mut updated = self.updated_at;
        for t in [
            Some(self.acquired_at),
            self.name_update.as_ref().map(|u| u.completes_at),
        ]
        .into_iter()
        .flatten()
        {
            if t <= now && t > updated {
                updated = t;
            }
        }
        Some(CarrierNumber {
            number: self.number.clone(),
            number_type,
            product_type: self.product_type,
            status,
            capabilities: Capabilities::for_number(number_type),
            associations: self.associations.clone(),
            calling_name,
            calling_name_status: Some(name_status),
            name: self.name.clone(),
            order_id: self.order_id.clone(),
            created_at: Some(self.created_at),
            updated_at: Some(updated),
            deletion_at: self.deleted_at,
            country: self.number.country(),
        })
    }
}

/// An order: its numbers and whether each will be acquired (decided when it was placed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OrderRec {
    pub id: String,
    pub seq: u64,
    pub product_type: ProductType,
    pub numbers: Vec<(E164, bool)>,
    pub created_at: Timestamp,
    pub completes_at: Timestamp,
}

impl OrderRec {
    pub fn view(&self, now: Timestamp) -> CarrierOrder {
        let done = now >= self.completes_at;
        let numbers: Vec<(E164, OrderedNumberStatus)> = self
            .numbers
            .iter()
            .map(|(n, ok)| {
                let s = match (done, ok) {
                    (false, _) => OrderedNumberStatus::Processing,
                    (true, true) => OrderedNumberStatus::Acquired,
                    (true, false) => OrderedNumberStatus::Failed,
                };
                (n.clone(), s)
            })
            .collect();
        let acquired = self.numbers.iter().filter(|(_, ok)| *ok).count();
        let status = if !done {
            CarrierOrderStatus::Processing
        } else if acquired == self.numbers.len() {
            CarrierOrderStatus::Successful
        } else if acquired == 0 {
            CarrierOrderStatus::Failed
        } else {
            CarrierOrderStatus::Partial
        };
        CarrierOrder {
            id: self.id.clone(),
            order_type: OrderType::New,
            product_type: self.product_type,
            status,
            numbers,
            created_at: Some(self.created_at),
            updated_at: Some(if done {
                self.completes_at
            } else {
                self.created_at
            }),
            foc_date: None,
        }
    }
}

/// What the carrier keeps once: id counters and the default calling name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub seq: u64,
    pub calling_name: Option<String>,
    pub calling_name_updated_at: Option<Timestamp>,
}

impl Meta {
    pub fn settings(&self) -> CarrierSettings {
        CarrierSettings {
            calling_name: self.calling_name.clone(),
            updated_at: self.calling_name_updated_at,
        }
    }
}

/// A group as stored (the API's shape is enough).
pub(crate) type GroupRec = CarrierGroup;

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(86_400);

    fn rec() -> NumberRec {
        NumberRec {
            number: E164::nanp(206, 215, 1234),
            product_type: ProductType::VoiceConnector,
            order_id: Some("o".into()),
            acquired_at: Timestamp(1000),
            acquire_ok: true,
            associations: vec![],
            calling_name: None,
            name_update: None,
            name: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
            deleted_at: None,
        }
    }

    #[test]
    fn a_number_is_acquired_after_the_delay() {
        let r = rec();
        assert_eq!(
            r.status(Timestamp(999), DAY),
            Some(CarrierNumberStatus::AcquireInProgress)
        );
        assert_eq!(
            r.status(Timestamp(1000), DAY),
            Some(CarrierNumberStatus::Unassigned)
        );
        let failed = NumberRec {
            acquire_ok: false,
            ..rec()
        };
        assert_eq!(
            failed.status(Timestamp(1000), DAY),
            Some(CarrierNumberStatus::AcquireFailed)
        );
        assert!(!failed.counts_against_limit(Timestamp(1000), DAY));
        assert!(failed.counts_against_limit(Timestamp(10), DAY));
    }

    #[test]
    fn a_deleted_number_vanishes_after_the_retention() {
        let r = NumberRec {
            deleted_at: Some(Timestamp(5000)),
            ..rec()
        };
        let until = Timestamp(5000).plus(DAY);
        assert_eq!(
            r.status(Timestamp(until.0 - 1), DAY),
            Some(CarrierNumberStatus::DeleteInProgress)
        );
        assert_eq!(r.status(until, DAY), None);
        assert!(r.view(until, DAY).is_none());
    }

    #[test]
    fn a_name_update_completes_later() {
        let mut r = rec();
        r.name_update = Some(NameUpdate {
            name: Some("Acme".into()),
            completes_at: Timestamp(2000),
        });
        assert_eq!(
            r.calling_name_at(Timestamp(1999)),
            (Some("Acme".into()), CallingNameStatus::UpdateInProgress)
        );
        assert!(r.name_update_pending(Timestamp(1999)));
        assert_eq!(
            r.calling_name_at(Timestamp(2000)),
            (Some("Acme".into()), CallingNameStatus::UpdateSucceeded)
        );
        r.settle_name(Timestamp(2000));
        assert_eq!(r.calling_name.as_deref(), Some("Acme"));
        assert_eq!(r.name_update, None);
    }

    #[test]
    fn an_order_completes_after_the_delay() {
        let n = |l| E164::nanp(206, 215, l);
        let o = OrderRec {
            id: "x".into(),
            seq: 1,
            product_type: ProductType::VoiceConnector,
            numbers: vec![(n(1), true), (n(2), false)],
            created_at: Timestamp(0),
            completes_at: Timestamp(60_000),
        };
        assert_eq!(o.view(Timestamp(1)).status, CarrierOrderStatus::Processing);
        let done = o.view(Timestamp(60_000));
        assert_eq!(done.status, CarrierOrderStatus::Partial);
        assert_eq!(done.numbers[1].1, OrderedNumberStatus::Failed);
    }
}
