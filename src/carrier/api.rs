//! The carrier's side, as one interface: what a carrier holds (numbers, orders, voice
//! connectors and groups, SIP media applications and rules, the default calling name) and
//! the operations phonedesk calls on it. Named after the Chime SDK Voice API
//! (`chime-sdk-voice`), the real carrier; the simulation implements it too, so the
//! sandbox, the tests and real use share one machinery.
//!
//! Carrier records use the carrier's own ids (opaque strings such as a voice connector's
//! `abcdef1ghij2klmno3pqr4` or an order's GUID); phonedesk maps them to its records. Nothing
//! here touches phonedesk's store: a carrier only answers.

pub use crate::domain::{
    Association, AvailableSearch, CarrierConnector, CarrierGroup, CarrierGroupMember,
    CarrierNumber, CarrierNumberStatus, CarrierOrder, CarrierOrderStatus, CarrierSettings,
    NewOrder, NewSipRule, NumberFailure, NumberUpdate, Page, SipMediaApplication, SipRule,
    SupportedCountry,
};
use crate::domain::{ProductType, E164};

/// Why a call to the carrier failed, in the carrier's terms; `Display` is plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarrierError {
    #[error("the carrier is throttling requests")]
    Throttled,
    #[error("the carrier failed (server error {status})")]
    ServiceFailure { status: u16 },
    #[error("the carrier is unavailable for now")]
    Unavailable,
    #[error("the carrier did not answer in time")]
    Timeout,
    #[error("the carrier could not be reached: {0}")]
    Network(String),
    /// Access denied; `action` names the IAM action the credentials lack.
    #[error("the AWS credentials are not allowed to call {action}; add it to the IAM policy")]
    AccessDenied { action: String },
    #[error("the AWS credentials were refused: {0}")]
    Unauthorized(String),
    #[error("the carrier has no {0}")]
    NotFound(String),
    #[error("the carrier no longer has {0}")]
    Gone(String),
    #[error("the carrier refused the request: {0}")]
    BadRequest(String),
    #[error("the carrier refused the change: {0}")]
    Conflict(String),
    #[error("the AWS account's limit was reached: {0}")]
    ResourceLimitExceeded(String),
    #[error("the carrier could not process the request: {0}")]
    Unprocessable(String),
    /// Porting and support cases need a support plan that allows the Support API.
    #[error("the AWS account's support plan does not allow the Support API (Business support or higher is needed)")]
    SubscriptionRequired,
    #[error("the carrier answered something phonedesk cannot read: {0}")]
    Unreadable(String),
}

impl CarrierError {
    /// Worth sending again after a pause: throttling, server errors, timeouts, lost
    /// connections. phonedesk owns this policy; the SDK's own retries are off.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            CarrierError::Throttled
                | CarrierError::ServiceFailure { .. }
                | CarrierError::Unavailable
                | CarrierError::Timeout
                | CarrierError::Network(_)
        )
    }

    /// The request may have been carried out although no answer came back: before it is
    /// sent again, the carrier's state is read (never twice).
    pub fn may_have_applied(&self) -> bool {
        matches!(
            self,
            CarrierError::ServiceFailure { .. } | CarrierError::Timeout | CarrierError::Network(_)
        )
    }
}

pub type CarrierResult<T> = Result<T, CarrierError>;

/// The carrier's side: the calls phonedesk makes. Every method is one API call (lists
/// return one page); the job worker owns timeouts and retries.
#[async_trait::async_trait]
pub trait CarrierApi: Send + Sync {
    /// A short name for messages: "the simulated carrier", "Chime SDK Voice (us-east-1)".
    fn describe(&self) -> String;

    /// The carrier's support desk (AWS Support cases), where ports and support requests
    /// are filed; `None` when it has none.
    fn support(&self) -> Option<&dyn super::support::SupportCases> {
        None
    }

    // Numbers to buy
    async fn search_available_numbers(&self, q: &AvailableSearch) -> CarrierResult<Page<E164>>;
    async fn list_supported_countries(
        &self,
        product_type: ProductType,
    ) -> CarrierResult<Vec<SupportedCountry>>;

    // Orders
    async fn create_order(&self, order: &NewOrder) -> CarrierResult<CarrierOrder>;
    async fn get_order(&self, id: &str) -> CarrierResult<CarrierOrder>;
    async fn list_orders(&self, next: Option<&str>) -> CarrierResult<Page<CarrierOrder>>;

    // Inventory
    async fn get_number(&self, number: &E164) -> CarrierResult<CarrierNumber>;
    async fn list_numbers(&self, next: Option<&str>) -> CarrierResult<Page<CarrierNumber>>;
    /// Associates with a voice connector or group; `force` moves numbers already
    /// associated elsewhere (reassign).
    async fn associate(
        &self,
        target: &Association,
        numbers: &[E164],
        force: bool,
    ) -> CarrierResult<Vec<NumberFailure>>;
    async fn disassociate(
        &self,
        target: &Association,
        numbers: &[E164],
    ) -> CarrierResult<Vec<NumberFailure>>;
    async fn update_number(
        &self,
        number: &E164,
        update: &NumberUpdate,
    ) -> CarrierResult<CarrierNumber>;
    /// One attribute per number; a number may appear once.
    async fn batch_update_numbers(
        &self,
        items: &[(E164, NumberUpdate)],
    ) -> CarrierResult<Vec<NumberFailure>>;
    /// Into the deletion queue (7 days at the carrier).
    async fn delete_numbers(&self, numbers: &[E164]) -> CarrierResult<Vec<NumberFailure>>;
    async fn restore_number(&self, number: &E164) -> CarrierResult<CarrierNumber>;

    // The default calling name
    async fn get_settings(&self) -> CarrierResult<CarrierSettings>;
    /// An empty name clears it.
    async fn update_settings(&self, calling_name: &str) -> CarrierResult<()>;

    // Voice connectors and groups
    async fn list_voice_connectors(
        &self,
        next: Option<&str>,
    ) -> CarrierResult<Page<CarrierConnector>>;
    async fn create_voice_connector(
        &self,
        name: &str,
        region: &str,
        encryption: bool,
    ) -> CarrierResult<CarrierConnector>;
    async fn update_voice_connector(
        &self,
        id: &str,
        name: &str,
        encryption: bool,
    ) -> CarrierResult<CarrierConnector>;
    async fn delete_voice_connector(&self, id: &str) -> CarrierResult<()>;
    async fn list_groups(&self, next: Option<&str>) -> CarrierResult<Page<CarrierGroup>>;
    async fn create_group(
        &self,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<CarrierGroup>;
    async fn update_group(
        &self,
        id: &str,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<CarrierGroup>;
    async fn delete_group(&self, id: &str) -> CarrierResult<()>;

    // SIP media applications (read here; created in the AWS console) and SIP rules (a
    // number is assigned to an application by a rule triggered by the number)
    async fn list_sip_media_applications(
        &self,
        next: Option<&str>,
    ) -> CarrierResult<Page<SipMediaApplication>>;
    async fn list_sip_rules(&self, next: Option<&str>) -> CarrierResult<Page<SipRule>>;
    /// `CreateSipRule` with trigger `ToPhoneNumber`: the number is then associated with
    /// the rule (`SipRuleId`).
    async fn create_sip_rule(&self, rule: &NewSipRule) -> CarrierResult<SipRule>;
    /// `UpdateSipRule`: its name and whether it is disabled (targets unchanged).
    async fn update_sip_rule(&self, id: &str, name: &str, disabled: bool)
        -> CarrierResult<SipRule>;
    /// `DeleteSipRule`: the carrier refuses a rule that is not disabled.
    async fn delete_sip_rule(&self, id: &str) -> CarrierResult<()>;
}
