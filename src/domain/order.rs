//! Orders: one per provisioning or port-in, kept as history.

use super::{OrderId, ProductType, RequestId, Timestamp, E164};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderType {
    New,
    Porting,
}

/// The API's `PhoneNumberOrderStatus`, derived from the numbers' states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderStatus {
    Processing,
    Successful,
    Partial,
    Failed,
}

impl OrderStatus {
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Processing => "Processing",
            OrderStatus::Successful => "Successful",
            OrderStatus::Partial => "Partial",
            OrderStatus::Failed => "Failed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderedNumberStatus {
    Processing,
    Acquired,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderedNumber {
    pub number: E164,
    pub status: OrderedNumberStatus,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub order_type: OrderType,
    pub product_type: ProductType,
    pub created_at: Timestamp,
    /// When the carrier completes it (provisioning delay, or the port's FOC date).
    pub completes_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub numbers: Vec<OrderedNumber>,
    /// The support request behind a porting order.
    pub request: Option<RequestId>,
}

impl Order {
    pub fn status(&self) -> OrderStatus {
        let total = self.numbers.len();
        let count = |s| self.numbers.iter().filter(|n| n.status == s).count();
        if count(OrderedNumberStatus::Processing) > 0 {
            OrderStatus::Processing
        } else if count(OrderedNumberStatus::Acquired) == total && total > 0 {
            OrderStatus::Successful
        } else if count(OrderedNumberStatus::Failed) == total {
            OrderStatus::Failed
        } else {
            OrderStatus::Partial
        }
    }
}

/// An order without its numbers: what lists of orders show. The store keeps one beside
/// each order so a list of big orders reads a few bytes per order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: OrderId,
    pub order_type: OrderType,
    pub product_type: ProductType,
    pub status: OrderStatus,
    pub created_at: Timestamp,
    pub completes_at: Option<Timestamp>,
    pub updated_at: Timestamp,
    pub total: usize,
    pub acquired: usize,
    pub failed: usize,
    pub request: Option<RequestId>,
}

impl From<&Order> for OrderSummary {
    fn from(o: &Order) -> Self {
        let count = |s| o.numbers.iter().filter(|n| n.status == s).count();
        OrderSummary {
            id: o.id.clone(),
            order_type: o.order_type,
            product_type: o.product_type,
            status: o.status(),
            created_at: o.created_at,
            completes_at: o.completes_at,
            updated_at: o.updated_at,
            total: o.numbers.len(),
            acquired: count(OrderedNumberStatus::Acquired),
            failed: count(OrderedNumberStatus::Failed),
            request: o.request.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(statuses: &[OrderedNumberStatus]) -> Order {
        Order {
            id: OrderId::from_seq(1),
            order_type: OrderType::New,
            product_type: ProductType::VoiceConnector,
            created_at: Timestamp(0),
            completes_at: None,
            updated_at: Timestamp(0),
            numbers: statuses
                .iter()
                .enumerate()
                .map(|(i, s)| OrderedNumber {
                    number: E164::nanp(206, 555, i as u16),
                    status: *s,
                    reason: None,
                })
                .collect(),
            request: None,
        }
    }

    #[test]
    fn status_follows_the_numbers() {
        use OrderedNumberStatus::*;
        assert_eq!(
            order(&[Processing, Acquired]).status(),
            OrderStatus::Processing
        );
        assert_eq!(
            order(&[Acquired, Acquired]).status(),
            OrderStatus::Successful
        );
        assert_eq!(order(&[Acquired, Failed]).status(), OrderStatus::Partial);
        assert_eq!(order(&[Failed, Failed]).status(), OrderStatus::Failed);
    }
}
