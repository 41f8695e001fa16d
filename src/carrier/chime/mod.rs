//! The real carrier: `ChimeCarrier` implements `CarrierApi` on the Amazon Chime SDK Voice
//! API (`aws-sdk-chimesdkvoice`), and `AwsSupport` implements `SupportCases` on AWS Support
//! for porting. Every trait method is one API call; lists return one page. The SDK's own
//! retries are off: the job worker decides what is sent again (see `session`).

mod carrier;
mod convert;
mod errors;
pub mod ops;
mod session;
mod support;

pub use carrier::ChimeCarrier;
pub use convert::number_from_api;
pub use ops::{iam_policy, Operation};
pub use session::{
    behavior_version, config_loader, connect, AwsIdentity, AwsSession, ChimeSettings, Connected,
    SetupError, LOOPBACK_ONLY_ENV, SUPPORT_REGION,
};
pub use support::AwsSupport;

#[cfg(test)]
mod tests;
