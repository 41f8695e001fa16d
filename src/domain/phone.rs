//! A number in our hands and where it is: Pending, Inventory or the Deletion queue.

use super::{
    Assignee, Capabilities, CarrierNumberStatus, NameSetting, NumberType, OrderId, ProductType,
    RequestId, Timestamp, E164,
};
use serde::{Deserialize, Serialize};

/// The API's `PhoneNumberStatus`, with what each state carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberStatus {
    AcquireInProgress,
    AcquireFailed {
        reason: String,
    },
    PortinInProgress,
    Unassigned,
    Assigned(Assignee),
    /// In the deletion queue since `deleted_at` (the API's `DeletionTimestamp`), restorable
    /// until `restorable_until`: the promise made when it was deleted, kept whatever the
    /// retention is changed to later.
    DeleteInProgress {
        deleted_at: Timestamp,
        restorable_until: Timestamp,
    },
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
        StatusCode::ALL
            .into_iter()
            .find(|s| s.api_name().to_ascii_lowercase() == k)
    }

    pub fn place(self) -> Place {
        match self {
            StatusCode::AcquireInProgress
            | StatusCode::AcquireFailed
            | StatusCode::PortinInProgress => Place::Pending,
            StatusCode::Unassigned | StatusCode::Assigned => Place::Inventory,
            StatusCode::DeleteInProgress => Place::DeletionQueue,
        }
    }

    /// Numbers the organisation holds, which a search never offers: all but a failed
    /// acquisition (the order's answer, not a number).
    pub fn is_held(self) -> bool {
        self != StatusCode::AcquireFailed
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

/// Why the real carrier refuses a label (the API's `Name` of a number).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarrierLabelError {
    #[error("a label has at most {LABEL_MAX} characters")]
    TooLong,
    #[error("a label may hold only letters A-Z, digits and , . _ - (not “{0}”)")]
    BadCharacter(String),
    #[error("a label may not begin or end with a space")]
    EdgeSpace,
}

/// The Chime SDK Voice API's rule for a number's `Name`: empty, or words of letters,
/// digits and `, . _ -` separated by white space
/// (`^$|^[a-zA-Z0-9\,\.\_\-]+(\s+[a-zA-Z0-9\,\.\_\-]+)*$`), at most 256 characters.
/// The carrier simulation enforces it and phonedesk checks it before sending a label.
pub fn check_carrier_label(label: &str) -> Result<(), CarrierLabelError> {
    // Java's `\s`: space, tab, line feed, vertical tab, form feed, carriage return.
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r');
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | '_' | '-');
    if label.chars().count() > LABEL_MAX {
        return Err(CarrierLabelError::TooLong);
    }
    if let Some(c) = label.chars().find(|&c| !is_space(c) && !is_word(c)) {
        let shown = if c.is_control() {
            format!("U+{:04X}", c as u32)
        } else {
            c.to_string()
        };
        return Err(CarrierLabelError::BadCharacter(shown));
    }
    if label.starts_with(is_space) || label.ends_with(is_space) {
        return Err(CarrierLabelError::EdgeSpace);
    }
    Ok(())
}

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
    /// The real carrier's own status, kept when it says more than `status` (the lifecycle
    /// phonedesk's rules work from): `ReleaseFailed`, `DeleteFailed`, `ReleaseInProgress`,
    /// `PortinCancelRequested`, `Cancelled`. `None` with the simulated carrier, and once
    /// phonedesk's own rules move the number on.
    pub carrier_status: Option<CarrierNumberStatus>,
}

impl PhoneNumber {
    pub fn new(
        number: E164,
        product_type: ProductType,
        status: NumberStatus,
        now: Timestamp,
    ) -> Self {
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
            carrier_status: None,
        }
    }

    /// The status as the views show it, in the API's spelling: the carrier's own when it
    /// keeps one, else the lifecycle's.
    pub fn status_name(&self) -> &'static str {
        match self.carrier_status {
            Some(s) => s.api_name(),
            None => self.status.code().api_name(),
        }
    }

    pub fn assignee(&self) -> Option<&Assignee> {
        match &self.status {
            NumberStatus::Assigned(a) => Some(a),
            _ => None,
        }
    }

    /// Whether calls and text messages are enabled on this number, as its details show:
    /// for a user's number the user's permissions (and the number's capabilities), for a
    /// connector's or group's number its capabilities, for an unassigned number neither.
    /// `user` is the assigned user, when there is one.
    pub fn calls_and_sms_enabled(&self, user: Option<&super::User>) -> (bool, bool) {
        let c = self.capabilities;
        match self.assignee() {
            Some(Assignee::User { .. }) => match user {
                Some(u) => (
                    u.calling_enabled && c.outbound_call,
                    u.sms_enabled && c.outbound_sms,
                ),
                None => (false, false),
            },
            Some(_) => (c.outbound_call, c.outbound_sms),
            None => (false, false),
        }
    }

    pub fn place(&self) -> Place {
        self.status.code().place()
    }

    pub fn deleted_at(&self) -> Option<Timestamp> {
        match self.status {
            NumberStatus::DeleteInProgress { deleted_at, .. } => Some(deleted_at),
            _ => None,
        }
    }

    /// Until when a number in the deletion queue can be restored (the promise made when
    /// it was deleted).
    pub fn restorable_until(&self) -> Option<Timestamp> {
        match self.status {
            NumberStatus::DeleteInProgress {
                restorable_until, ..
            } => Some(restorable_until),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carrier_labels_follow_the_api_pattern() {
        for ok in [
            "",
            "Front desk",
            "sales-1, floor.2_b",
            "a\tb",
            "x".repeat(LABEL_MAX).as_str(),
        ] {
            assert_eq!(check_carrier_label(ok), Ok(()), "{ok:?}");
        }
        assert_eq!(
            check_carrier_label(&"x".repeat(LABEL_MAX + 1)),
            Err(CarrierLabelError::TooLong)
        );
        assert_eq!(
            check_carrier_label(" desk"),
            Err(CarrierLabelError::EdgeSpace)
        );
        assert_eq!(
            check_carrier_label("desk "),
            Err(CarrierLabelError::EdgeSpace)
        );
        assert_eq!(
            check_carrier_label("Café"),
            Err(CarrierLabelError::BadCharacter("é".into()))
        );
        assert_eq!(
            check_carrier_label("a/b"),
            Err(CarrierLabelError::BadCharacter("/".into()))
        );
        assert_eq!(
            check_carrier_label("a\u{1b}b"),
            Err(CarrierLabelError::BadCharacter("U+001B".into()))
        );
    }
    use crate::domain::{AccountId, User, UserId, VoiceConnectorId};

    fn number(status: NumberStatus) -> PhoneNumber {
        PhoneNumber::new(
            E164::nanp(206, 215, 1234),
            ProductType::BusinessCalling,
            status,
            Timestamp(0),
        )
    }

    #[test]
    fn calls_and_sms_follow_the_users_permissions() {
        let to = Assignee::User {
            account: AccountId::from_seq(1),
            user: UserId::from_seq(1),
        };
        let mut user = User {
            id: UserId::from_seq(1),
            account: AccountId::from_seq(1),
            name: "Ana".into(),
            email: "ana@example.com".into(),
            calling_enabled: true,
            sms_enabled: false,
            phone_number: None,
        };
        let p = number(NumberStatus::Assigned(to));
        assert_eq!(p.calls_and_sms_enabled(Some(&user)), (true, false));
        user.sms_enabled = true;
        assert_eq!(p.calls_and_sms_enabled(Some(&user)), (true, true));
        assert_eq!(
            number(NumberStatus::Unassigned).calls_and_sms_enabled(None),
            (false, false)
        );
        let vc = number(NumberStatus::Assigned(Assignee::VoiceConnector(
            VoiceConnectorId::from_seq(1),
        )));
        assert_eq!(vc.calls_and_sms_enabled(None), (true, true));
    }
}
