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

/// An LOA document to attach to a case (AWS Support takes up to 5 MB per file).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoaFile {
    pub name: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for LoaFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LoaFile({}, {} bytes)", self.name, self.data.len())
    }
}

/// The largest LOA file AWS Support takes.
pub const LOA_FILE_MAX: usize = 5 * 1024 * 1024;

/// A request as the carrier shows it: its case at the support desk and its porting order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseProgress {
    pub request: RequestId,
    /// From the porting order, once the desk has made one.
    pub status: Option<RequestStatus>,
    pub foc_date: Option<Timestamp>,
    /// The case's messages after the first (the request itself), oldest first; `None`
    /// when the thread was not read.
    pub thread: Option<Vec<Reply>>,
    /// The case is resolved.
    pub resolved: bool,
}

/// The support desk's words, written once: the simulated desk (in the rules) and the
/// simulated AWS Support behind the loopback server answer with the same sentences.
pub mod desk_text {
    use crate::domain::Timestamp;

    /// Who answers for the desk.
    pub const SUPPORT_NAME: &str = "AWS Support";
    pub const CANCELLED: &str = "The request is cancelled.";
    pub const PORT_IN_COMPLETE: &str = "The port is complete: the numbers are in your inventory.";
    pub const PORT_OUT_COMPLETE: &str =
        "The numbers are ported out. Unassign and delete them from your inventory.";
    /// What phonedesk writes on a case to ask for a port's cancellation (AWS Support has no
    /// cancel call).
    pub const ASK_CANCEL: &str = "Please cancel this port request.";

    pub fn loa_accepted(date: Timestamp) -> String {
        format!("The LOA is accepted. The port is scheduled for {date} (FOC).")
    }

    pub fn loa_mismatch(why: &str) -> String {
        format!(
            "The LOA does not match the carrier's records: {why}. Please submit a corrected LOA."
        )
    }

    pub fn port_out_credentials(account: &str, date: Timestamp) -> String {
        format!("Give your new carrier the account ID {account} and the PIN shown with this request. The port is expected by {date}.")
    }
}

/// A request as an AWS Support case: what `CreateCase` sends, and what an administrator
/// pastes into the Support Center when the account's plan does not allow the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseText {
    pub subject: String,
    pub body: String,
}

/// The mark that finds a request's case again (`DescribeCases`) before a second one is
/// filed: the request id and its creation time, in the subject.
pub fn case_mark(r: &SupportRequest) -> String {
    format!("[phonedesk {} {:x}]", r.id, r.created_at.0)
}

pub fn case_text(r: &SupportRequest) -> CaseText {
    let mut body = r.issue.clone();
    if let RequestKind::PortIn(_) = r.kind {
        body.push_str("\nThe LOA follows as an attachment when AWS Support asks for it.");
    }
    body.push_str(&format!("\nContact email: {}", r.email));
    body.push_str(&format!("\nFiled with phonedesk as {}.", r.id));
    CaseText {
        subject: format!("{} {}", r.subject, case_mark(r)),
        body,
    }
}

/// The phone numbers on a case's first line (the port forms list them there), for a desk
/// that reads the case.
pub fn case_numbers(body: &str) -> Vec<E164> {
    body.lines()
        .next()
        .unwrap_or("")
        .split([' ', ',', '(', ')'])
        .filter(|w| w.starts_with('+'))
        .filter_map(|w| E164::parse(w).ok())
        .collect()
}

/// The LOA as a text document, attached to the case (AWS Support's own form can follow by
/// the upload link Support sends).
pub fn loa_document(r: &SupportRequest, loa: &Loa) -> String {
    let numbers: Vec<&str> = r.numbers().iter().map(|n| n.as_str()).collect();
    format!(
        "Letter of Authorization\nRequest: {}\nNumbers: {}\nCurrent carrier: {}\nAuthorizing person: {}\nBilling telephone number: {}\nService address: {}\nSigned: {}\n",
        r.id,
        numbers.join(", "),
        loa.carrier,
        loa.authorizing_person,
        loa.btn,
        loa.service_address,
        loa.submitted_at
    )
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
