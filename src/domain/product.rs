//! Product types and what a number can do.

use serde::{Deserialize, Serialize};

/// Numbers for people (`BusinessCalling`, the simulation only since the Amazon Chime
/// service ended), for a SIP trunk (`VoiceConnector`), or that trigger a SIP media
/// application through a SIP rule (`SipMediaApplicationDialIn`; every number outside the US).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ProductType {
    BusinessCalling,
    VoiceConnector,
    SipMediaApplicationDialIn,
}

impl ProductType {
    /// What the simulated carrier offers in its pick lists.
    pub const ALL: [ProductType; 2] = [ProductType::BusinessCalling, ProductType::VoiceConnector];
    /// What the Chime SDK Voice API knows.
    pub const CHIME_SDK: [ProductType; 2] = [
        ProductType::VoiceConnector,
        ProductType::SipMediaApplicationDialIn,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ProductType::BusinessCalling => "Business Calling",
            ProductType::VoiceConnector => "Voice Connector",
            ProductType::SipMediaApplicationDialIn => "SIP Media Application Dial-In",
        }
    }

    /// Two or three letters, for narrow columns.
    pub fn short(self) -> &'static str {
        match self {
            ProductType::BusinessCalling => "BC",
            ProductType::VoiceConnector => "VC",
            ProductType::SipMediaApplicationDialIn => "SMA",
        }
    }

    /// The API's spelling, used on the command line and in JSON.
    pub fn api_name(self) -> &'static str {
        match self {
            ProductType::BusinessCalling => "BusinessCalling",
            ProductType::VoiceConnector => "VoiceConnector",
            ProductType::SipMediaApplicationDialIn => "SipMediaApplicationDialIn",
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
            "sipmediaapplication" | "sipmediaapplicationdialin" | "sma" => {
                Some(ProductType::SipMediaApplicationDialIn)
            }
            _ => None,
        }
    }

    /// `parse`, with the words that say what is accepted when `text` is not a product
    /// type (the command line's and the console's message).
    pub fn read(text: &str) -> Result<ProductType, String> {
        ProductType::parse(text).ok_or_else(|| {
            format!(
                "“{}” is not a product type: use BusinessCalling (bc) or VoiceConnector (vc)",
                crate::text::one_line(text)
            )
        })
    }
}

/// What an assignee is, for pick lists that offer only what a number's product type takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeKind {
    User,
    VoiceConnector,
    VoiceConnectorGroup,
    SipMediaApplication,
}

impl AssigneeKind {
    /// The command line's words for where a number goes: `user`, `vc` or
    /// `voice-connector`, `group` (`vcg`), `sma` or `sip-media-application`, with or
    /// without the flags' `--`.
    pub fn parse(word: &str) -> Option<AssigneeKind> {
        match word
            .trim()
            .trim_start_matches("--")
            .to_ascii_lowercase()
            .as_str()
        {
            "user" => Some(AssigneeKind::User),
            "vc" | "voice-connector" | "connector" => Some(AssigneeKind::VoiceConnector),
            "group" | "vcg" | "voice-connector-group" => Some(AssigneeKind::VoiceConnectorGroup),
            "sma" | "sip-media-application" => Some(AssigneeKind::SipMediaApplication),
            _ => None,
        }
    }

    /// The words `parse` reads first, for completion and messages.
    pub const WORDS: [&'static str; 4] = ["user", "vc", "group", "sma"];
}

impl super::Assignee {
    pub fn kind(&self) -> AssigneeKind {
        match self {
            super::Assignee::User { .. } => AssigneeKind::User,
            super::Assignee::VoiceConnector(_) => AssigneeKind::VoiceConnector,
            super::Assignee::VoiceConnectorGroup(_) => AssigneeKind::VoiceConnectorGroup,
            super::Assignee::SipMediaApplication(_) => AssigneeKind::SipMediaApplication,
        }
    }
}

impl ProductType {
    /// Where a number of this product type may be assigned: Business Calling numbers to a
    /// user, Voice Connector numbers to a voice connector or group, SIP Media Application
    /// Dial-In numbers to a SIP media application (through a SIP rule). The one place of
    /// this rule: the rules refuse with the hint, the pickers offer only what fits.
    pub fn takes(self, kind: AssigneeKind) -> Result<(), &'static str> {
        use AssigneeKind as K;
        match (self, kind) {
            (ProductType::BusinessCalling, K::User)
            | (ProductType::VoiceConnector, K::VoiceConnector | K::VoiceConnectorGroup)
            | (ProductType::SipMediaApplicationDialIn, K::SipMediaApplication) => Ok(()),
            (ProductType::BusinessCalling, _) => {
                Err("assign it to a user, or switch it to Voice Connector first")
            }
            (ProductType::VoiceConnector, _) => Err(
                "assign it to a voice connector or group, or switch it to another product type first",
            ),
            (ProductType::SipMediaApplicationDialIn, _) => Err(
                "assign it to a SIP media application, or switch it to Voice Connector first",
            ),
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
