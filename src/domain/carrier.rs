//! What a carrier reports: its numbers, orders, voice connectors and groups, SIP media
//! applications and rules, and settings, in the carrier's own terms and ids. Pure data: the
//! carrier module fetches these, the rules compare them with phonedesk's records (the
//! carrier is the source of truth).

use super::{CallingNameStatus, Capabilities, NumberType, OrderType, OrderedNumberStatus};
use super::{ProductType, Timestamp, E164};
use serde::{Deserialize, Serialize};

/// The eleven statuses of the API's `PhoneNumberStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CarrierNumberStatus {
    AcquireInProgress,
    AcquireFailed,
    Unassigned,
    Assigned,
    ReleaseInProgress,
    DeleteInProgress,
    ReleaseFailed,
    DeleteFailed,
    PortinInProgress,
    PortinCancelRequested,
    Cancelled,
}

impl CarrierNumberStatus {
    pub const ALL: [CarrierNumberStatus; 11] = [
        CarrierNumberStatus::AcquireInProgress,
        CarrierNumberStatus::AcquireFailed,
        CarrierNumberStatus::Unassigned,
        CarrierNumberStatus::Assigned,
        CarrierNumberStatus::ReleaseInProgress,
        CarrierNumberStatus::DeleteInProgress,
        CarrierNumberStatus::ReleaseFailed,
        CarrierNumberStatus::DeleteFailed,
        CarrierNumberStatus::PortinInProgress,
        CarrierNumberStatus::PortinCancelRequested,
        CarrierNumberStatus::Cancelled,
    ];

    /// The API's spelling.
    pub fn api_name(self) -> &'static str {
        match self {
            CarrierNumberStatus::AcquireInProgress => "AcquireInProgress",
            CarrierNumberStatus::AcquireFailed => "AcquireFailed",
            CarrierNumberStatus::Unassigned => "Unassigned",
            CarrierNumberStatus::Assigned => "Assigned",
            CarrierNumberStatus::ReleaseInProgress => "ReleaseInProgress",
            CarrierNumberStatus::DeleteInProgress => "DeleteInProgress",
            CarrierNumberStatus::ReleaseFailed => "ReleaseFailed",
            CarrierNumberStatus::DeleteFailed => "DeleteFailed",
            CarrierNumberStatus::PortinInProgress => "PortinInProgress",
            CarrierNumberStatus::PortinCancelRequested => "PortinCancelRequested",
            CarrierNumberStatus::Cancelled => "Cancelled",
        }
    }

    pub fn from_api(s: &str) -> Option<CarrierNumberStatus> {
        Self::ALL.into_iter().find(|v| v.api_name() == s)
    }
}

/// What a number is associated with at the carrier, by the carrier's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Association {
    VoiceConnector(String),
    VoiceConnectorGroup(String),
    SipRule(String),
}

impl Association {
    /// The API's `PhoneNumberAssociationName`.
    pub fn api_name(&self) -> &'static str {
        match self {
            Association::VoiceConnector(_) => "VoiceConnectorId",
            Association::VoiceConnectorGroup(_) => "VoiceConnectorGroupId",
            Association::SipRule(_) => "SipRuleId",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Association::VoiceConnector(id)
            | Association::VoiceConnectorGroup(id)
            | Association::SipRule(id) => id,
        }
    }

    pub fn from_api(name: &str, value: String) -> Option<Association> {
        match name {
            "VoiceConnectorId" => Some(Association::VoiceConnector(value)),
            "VoiceConnectorGroupId" => Some(Association::VoiceConnectorGroup(value)),
            "SipRuleId" => Some(Association::SipRule(value)),
            _ => None,
        }
    }
}

/// A number as the carrier holds it (the API's `PhoneNumber`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierNumber {
    pub number: E164,
    pub number_type: NumberType,
    pub product_type: ProductType,
    pub status: CarrierNumberStatus,
    pub capabilities: Capabilities,
    pub associations: Vec<Association>,
    pub calling_name: Option<String>,
    pub calling_name_status: Option<CallingNameStatus>,
    /// The number's `Name` (phonedesk's label).
    pub name: Option<String>,
    pub order_id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// When it entered the deletion queue.
    pub deletion_at: Option<Timestamp>,
    /// ISO 3166 alpha-2.
    pub country: Option<String>,
}

/// The API's `PhoneNumberOrderStatus`: new orders' four, and the porting orders' seven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CarrierOrderStatus {
    Processing,
    Successful,
    Failed,
    Partial,
    PendingDocuments,
    Submitted,
    Foc,
    ChangeRequested,
    Exception,
    CancelRequested,
    Cancelled,
}

impl CarrierOrderStatus {
    pub const ALL: [CarrierOrderStatus; 11] = [
        CarrierOrderStatus::Processing,
        CarrierOrderStatus::Successful,
        CarrierOrderStatus::Failed,
        CarrierOrderStatus::Partial,
        CarrierOrderStatus::PendingDocuments,
        CarrierOrderStatus::Submitted,
        CarrierOrderStatus::Foc,
        CarrierOrderStatus::ChangeRequested,
        CarrierOrderStatus::Exception,
        CarrierOrderStatus::CancelRequested,
        CarrierOrderStatus::Cancelled,
    ];

    pub fn api_name(self) -> &'static str {
        match self {
            CarrierOrderStatus::Processing => "Processing",
            CarrierOrderStatus::Successful => "Successful",
            CarrierOrderStatus::Failed => "Failed",
            CarrierOrderStatus::Partial => "Partial",
            CarrierOrderStatus::PendingDocuments => "PendingDocuments",
            CarrierOrderStatus::Submitted => "Submitted",
            CarrierOrderStatus::Foc => "FOC",
            CarrierOrderStatus::ChangeRequested => "ChangeRequested",
            CarrierOrderStatus::Exception => "Exception",
            CarrierOrderStatus::CancelRequested => "CancelRequested",
            CarrierOrderStatus::Cancelled => "Cancelled",
        }
    }

    pub fn from_api(s: &str) -> Option<CarrierOrderStatus> {
        Self::ALL.into_iter().find(|v| v.api_name() == s)
    }

    /// True once nothing more will happen to the order.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            CarrierOrderStatus::Successful
                | CarrierOrderStatus::Failed
                | CarrierOrderStatus::Partial
                | CarrierOrderStatus::Cancelled
        )
    }
}

/// An order as the carrier holds it (the API's `PhoneNumberOrder`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierOrder {
    pub id: String,
    pub order_type: OrderType,
    pub product_type: ProductType,
    pub status: CarrierOrderStatus,
    pub numbers: Vec<(E164, OrderedNumberStatus)>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// A porting order's firm order commitment date, as the carrier wrote it.
    pub foc_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierConnector {
    pub id: String,
    pub name: String,
    pub region: String,
    pub encryption: bool,
    pub outbound_host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierGroupMember {
    pub connector_id: String,
    pub priority: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierGroup {
    pub id: String,
    pub name: String,
    pub members: Vec<CarrierGroupMember>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipMediaApplication {
    pub id: String,
    pub name: String,
    pub region: String,
}

/// A SIP rule; phonedesk uses those triggered by a phone number (`ToPhoneNumber`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipRule {
    pub id: String,
    pub name: String,
    pub disabled: bool,
    pub trigger_type: String,
    pub trigger_value: String,
    /// The SIP media applications it routes to, by id.
    pub targets: Vec<String>,
}

/// A SIP rule to make (`CreateSipRule`): trigger `ToPhoneNumber` on `number`, routing to
/// one SIP media application (priority 1, in its region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSipRule {
    pub name: String,
    pub number: E164,
    /// The carrier's id of the SIP media application.
    pub sma_id: String,
    pub region: String,
}

impl SipRule {
    /// The trigger type of the rules that route one phone number.
    pub const TO_PHONE_NUMBER: &'static str = "ToPhoneNumber";
}

/// The account's default outbound calling name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarrierSettings {
    pub calling_name: Option<String>,
    pub updated_at: Option<Timestamp>,
}

/// `ListSupportedPhoneNumberCountries`: a country and the number types it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportedCountry {
    pub country: String,
    pub number_types: Vec<NumberType>,
}

/// One page of a list, and the token for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// `SearchAvailablePhoneNumbers`'s input: all optional, at least one location for the US.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AvailableSearch {
    pub area_code: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub toll_free_prefix: Option<String>,
    pub number_type: Option<NumberType>,
    /// 1 to 500.
    pub max_results: u32,
    pub next: Option<String>,
}

/// A new order (`CreatePhoneNumberOrder`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub product_type: ProductType,
    pub numbers: Vec<E164>,
    /// The numbers' `Name`, if set at order time.
    pub name: Option<String>,
}

/// One attribute of a number to change (`UpdatePhoneNumber`): the API takes one at a
/// time per batch item. An empty string clears a calling name or a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NumberUpdate {
    ProductType(ProductType),
    CallingName(String),
    Name(String),
}

/// A per-number failure inside a batch answer (`PhoneNumberErrors`): the call itself
/// succeeded, this number did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberFailure {
    pub number: E164,
    /// The API's `ErrorCode` (`NotFound`, `Conflict`, `PhoneNumberAssociationsExist`, ...).
    pub code: String,
    pub message: String,
}

impl NumberFailure {
    /// The failure in plain words, for the administrator.
    pub fn words(&self) -> String {
        let why = match self.code.as_str() {
            "NotFound" | "Gone" => "the carrier no longer holds it".to_string(),
            "PhoneNumberAssociationsExist" => {
                "it is still assigned at the carrier; unassign it first".to_string()
            }
            "VoiceConnectorGroupAssociationsExist" => {
                "its voice connector group still has numbers".to_string()
            }
            "ResourceLimitExceeded" => "the account's number limit is reached".to_string(),
            "Throttled" | "Throttling" => "the carrier is busy; try again shortly".to_string(),
            "ServiceFailure" | "ServiceUnavailable" => {
                "the carrier failed; try again shortly".to_string()
            }
            "AccessDenied" | "Forbidden" | "Unauthorized" => {
                "the AWS credentials may not change it".to_string()
            }
            _ if !self.message.is_empty() => self.message.clone(),
            code => format!("the carrier refused it ({code})"),
        };
        format!("{}: {why}", self.number)
    }
}
