//! Product types and what a number can do.

use serde::{Deserialize, Serialize};

/// Numbers for people (`BusinessCalling`) or for a SIP trunk (`VoiceConnector`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProductType {
    BusinessCalling,
    VoiceConnector,
}

impl ProductType {
    pub const ALL: [ProductType; 2] = [ProductType::BusinessCalling, ProductType::VoiceConnector];

    pub fn label(self) -> &'static str {
        match self {
            ProductType::BusinessCalling => "Business Calling",
            ProductType::VoiceConnector => "Voice Connector",
        }
    }

    /// The API's spelling, used on the command line and in JSON.
    pub fn api_name(self) -> &'static str {
        match self {
            ProductType::BusinessCalling => "BusinessCalling",
            ProductType::VoiceConnector => "VoiceConnector",
        }
    }

    /// Accepts `BusinessCalling`, `business-calling`, `bc`, `VoiceConnector`, `vc`, ...
    pub fn parse(text: &str) -> Option<ProductType> {
        let k: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match k.as_str() {
            "businesscalling" | "bc" | "business" => Some(ProductType::BusinessCalling),
            "voiceconnector" | "vc" | "voice" => Some(ProductType::VoiceConnector),
            _ => None,
        }
    }
}

impl std::fmt::Display for ProductType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What calls and messages a number supports (shown in its details).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    pub inbound_call: bool,
    pub outbound_call: bool,
    pub inbound_sms: bool,
    pub outbound_sms: bool,
}

impl Capabilities {
    /// Local numbers do voice and SMS; toll-free numbers here do voice only.
    pub fn for_number(number_type: super::NumberType) -> Capabilities {
        let sms = number_type == super::NumberType::Local;
        Capabilities {
            inbound_call: true,
            outbound_call: true,
            inbound_sms: sms,
            outbound_sms: sms,
        }
    }
}
