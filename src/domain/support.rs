//! Support requests: plain ones, and the structured port-in and port-out forms of the seed.

use super::{ProductType, RequestId, Timestamp, VoiceConnectorId, E164};
use serde::{Deserialize, Serialize};

pub const SUBJECT_PORT_IN: &str = "Porting phone numbers in";
pub const SUBJECT_PORT_OUT: &str = "Porting phone numbers out";

/// A value that must never be shown or logged in full (service PIN, account numbers).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value, for the carrier's checks only.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// `••••23`: the last two characters at most, never more than a third of the value.
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        let shown = if n >= 6 { 2 } else { 0 };
        let tail: String = self.0.chars().skip(n - shown).collect();
        format!("{}{}", "•".repeat(n.clamp(4, 12) - shown.min(n)), tail)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    General,
    Billing,
    Technical,
    Other,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::General,
        Category::Billing,
        Category::Technical,
        Category::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Category::General => "General",
            Category::Billing => "Billing",
            Category::Technical => "Technical",
            Category::Other => "Other",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.label().eq_ignore_ascii_case(text.trim()))
    }
}

/// The port-in form: every field the seed lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortIn {
    pub numbers: Vec<E164>,
    pub product_type: ProductType,
    /// Billing Telephone Number of the account at the current carrier.
    pub btn: E164,
    pub authorizing_person: String,
    pub current_carrier: Option<String>,
    pub service_account_number: Option<Secret>,
    pub service_pin: Option<Secret>,
    pub service_address: String,
    pub customer_name: String,
    pub requested_at: Timestamp,
    /// For Voice Connector ports: the connector the numbers are meant for (must exist).
    pub voice_connector: Option<VoiceConnectorId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortOut {
    pub numbers: Vec<E164>,
    pub product_type: ProductType,
}

/// A Letter of Authorization/Agency for one current carrier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loa {
    pub carrier: String,
    pub authorizing_person: String,
    pub btn: E164,
    pub service_address: String,
    pub submitted_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestKind {
    Other,
    PortIn(PortIn),
    PortOut(PortOut),
}

/// The life of a request. Port requests use the Chime port statuses; plain requests use
/// `Submitted`, `Answered` and `Closed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Submitted,
    Answered,
    /// Portable: the LOA is requested.
    PendingDocuments,
    /// Firm order commitment: the port date is set.
    Foc,
    /// The LOA did not match the carrier's records; send a corrected one.
    ChangeRequested,
    /// Not portable, or the port failed.
    Exception,
    CancelRequested,
    Cancelled,
    Completed,
    Closed,
}

impl RequestStatus {
    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Submitted => "Submitted",
            RequestStatus::Answered => "Answered",
            RequestStatus::PendingDocuments => "PendingDocuments",
            RequestStatus::Foc => "FOC",
            RequestStatus::ChangeRequested => "ChangeRequested",
            RequestStatus::Exception => "Exception",
            RequestStatus::CancelRequested => "CancelRequested",
            RequestStatus::Cancelled => "Cancelled",
            RequestStatus::Completed => "Completed",
            RequestStatus::Closed => "Closed",
        }
    }

    /// No further step will happen.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            RequestStatus::Exception
                | RequestStatus::Cancelled
                | RequestStatus::Completed
                | RequestStatus::Closed
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Author {
    Administrator,
    Support,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub author: Author,
    /// The administrator's name (key name over SSH, login locally) or "AWS Support".
    pub name: String,
    pub at: Timestamp,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportRequest {
    pub id: RequestId,
    pub category: Category,
    pub subject: String,
    pub issue: String,
    pub email: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub thread: Vec<Reply>,
    pub loas: Vec<Loa>,
    /// The port date, once set (FOC).
    pub foc_date: Option<Timestamp>,
    /// Port out: the account ID and PIN to give the new carrier.
    pub port_out_account: Option<String>,
    pub port_out_pin: Option<Secret>,
    /// When the support desk acts next, if it will.
    pub next_step_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl SupportRequest {
    pub fn port_in(&self) -> Option<&PortIn> {
        match &self.kind {
            RequestKind::PortIn(p) => Some(p),
            _ => None,
        }
    }

    pub fn numbers(&self) -> &[E164] {
        match &self.kind {
            RequestKind::PortIn(p) => &p.numbers,
            RequestKind::PortOut(p) => &p.numbers,
            RequestKind::Other => &[],
        }
    }

    pub fn kind_label(&self) -> &'static str {
        match self.kind {
            RequestKind::Other => "request",
            RequestKind::PortIn(_) => "port in",
            RequestKind::PortOut(_) => "port out",
        }
    }
}

/// The names of the support forms, for "the port-in form is missing the email".
pub const PLAIN_FORM: &str = "plain request";
pub const PORT_IN_FORM: &str = "port-in form";
pub const PORT_OUT_FORM: &str = "port-out form";
pub const LOA_FORM: &str = "LOA";

/// A plausible email address: one `@`, something on each side, a dot in the domain.
pub fn is_plausible_email(text: &str) -> bool {
    let t = text.trim();
    match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !t
                    .chars()
                    .any(|c| c.is_whitespace() || crate::text::is_hidden(c))
                && !domain.contains('@')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked() {
        assert_eq!(Secret::new("1234").masked(), "••••");
        assert_eq!(Secret::new("98765432").masked(), "••••••32");
        assert!(!format!("{:?}", Secret::new("98765432")).contains("9876"));
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(is_plausible_email("ana@example.com"));
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "a@b@c.com",
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }
}
