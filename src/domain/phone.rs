//! A number in our hands and where it is: Pending, Inventory or the Deletion queue.

use super::{Assignee, Capabilities, NameSetting, NumberType, OrderId, ProductType, RequestId, Timestamp, E164};
use serde::{Deserialize, Serialize};

/// The API's `PhoneNumberStatus`, with what each state carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberStatus {
    AcquireInProgress,
    AcquireFailed { reason: String },
    PortinInProgress,
    Unassigned,
    Assigned(Assignee),
    /// In the deletion queue since `deleted_at` (the API's `DeletionTimestamp`).
    DeleteInProgress { deleted_at: Timestamp },
}

/// The status without its data: for indexes and filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum StatusCode {
    AcquireInProgress,
    AcquireFailed,
    PortinInProgress,
    Unassigned,
    Assigned,
    DeleteInProgress,
}

/// The three lists of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Place {
    Pending,
    Inventory,
    DeletionQueue,
}

impl StatusCode {
    pub const ALL: [StatusCode; 6] = [
        StatusCode::AcquireInProgress,
        StatusCode::AcquireFailed,
        StatusCode::PortinInProgress,
        StatusCode::Unassigned,
        StatusCode::Assigned,
        StatusCode::DeleteInProgress,
    ];

    pub fn byte(self) -> u8 {
        self as u8
    }

    pub fn from_byte(b: u8) -> Option<StatusCode> {
        StatusCode::ALL.get(b as usize).copied()
    }

    pub fn api_name(self) -> &'static str {
        match self {
            StatusCode::AcquireInProgress => "AcquireInProgress",
            StatusCode::AcquireFailed => "AcquireFailed",
            StatusCode::PortinInProgress => "PortinInProgress",
            StatusCode::Unassigned => "Unassigned",
            StatusCode::Assigned => "Assigned",
            StatusCode::DeleteInProgress => "DeleteInProgress",
        }
    }

    pub fn parse(text: &str) -> Option<StatusCode> {
        let k = text.replace(['-', '_', ' '], "").to_ascii_lowercase();
        StatusCode::ALL.into_iter().find(|s| s.api_name().to_ascii_lowercase() == k)
    }

    pub fn place(self) -> Place {
        match self {
            StatusCode::AcquireInProgress | StatusCode::AcquireFailed | StatusCode::PortinInProgress => {
                Place::Pending
            }
            StatusCode::Unassigned | StatusCode::Assigned => Place::Inventory,
            StatusCode::DeleteInProgress => Place::DeletionQueue,
        }
    }

    /// Numbers that count against the inventory limit: being acquired, being ported in, or
    /// in the inventory. Failed acquisitions and the deletion queue do not.
    pub fn counts_against_limit(self) -> bool {
        matches!(
            self,
            StatusCode::AcquireInProgress
                | StatusCode::PortinInProgress
                | StatusCode::Unassigned
                | StatusCode::Assigned
        )
    }
}

impl NumberStatus {
    pub fn code(&self) -> StatusCode {
        match self {
            NumberStatus::AcquireInProgress => StatusCode::AcquireInProgress,
            NumberStatus::AcquireFailed { .. } => StatusCode::AcquireFailed,
            NumberStatus::PortinInProgress => StatusCode::PortinInProgress,
            NumberStatus::Unassigned => StatusCode::Unassigned,
            NumberStatus::Assigned(_) => StatusCode::Assigned,
            NumberStatus::DeleteInProgress { .. } => StatusCode::DeleteInProgress,
        }
    }
}

/// Up to 256 characters of the administrators' own label (the API's `Name`).
pub const LABEL_MAX: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber {
    pub number: E164,
    pub number_type: NumberType,
    pub product_type: ProductType,
    pub status: NumberStatus,
    pub capabilities: Capabilities,
    pub calling_name: NameSetting,
    pub label: Option<String>,
    pub order: Option<OrderId>,
    pub port_request: Option<RequestId>,
    /// Set when a port-out completed: the number now rings at another carrier.
    pub ported_out: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl PhoneNumber {
    pub fn new(number: E164, product_type: ProductType, status: NumberStatus, now: Timestamp) -> Self {
        let number_type = number.number_type();
        PhoneNumber {
            capabilities: Capabilities::for_number(number_type),
            number,
            number_type,
            product_type,
            status,
            calling_name: NameSetting::default(),
            label: None,
            order: None,
            port_request: None,
            ported_out: false,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn assignee(&self) -> Option<&Assignee> {
        match &self.status {
            NumberStatus::Assigned(a) => Some(a),
            _ => None,
        }
    }

    pub fn place(&self) -> Place {
        self.status.code().place()
    }

    pub fn deleted_at(&self) -> Option<Timestamp> {
        match self.status {
            NumberStatus::DeleteInProgress { deleted_at } => Some(deleted_at),
            _ => None,
        }
    }
}
