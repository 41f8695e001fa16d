//! Outbound calling names (CNAM): the default for the whole inventory and a unique name per
//! number. Names follow the API's rule `^[a-zA-Z0-9 ]{2,15}$`; updates take effect later.

use super::Timestamp;
use serde::{Deserialize, Serialize};

pub const CALLING_NAME_MAX: usize = 15;
pub const CALLING_NAME_MIN: usize = 2;

/// A calling name that passed the API's rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallingName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallingNameError {
    #[error("a calling name needs at least {CALLING_NAME_MIN} characters")]
    TooShort,
    #[error("a calling name has at most {CALLING_NAME_MAX} characters (this one has {0})")]
    TooLong(usize),
    #[error("a calling name may hold only letters A-Z, digits and spaces (not “{0}”)")]
    BadCharacter(String),
}

impl CallingName {
    /// Checks a name as typed. An empty (or all-space) input means "clear the name": `None`.
    pub fn parse(text: &str) -> Result<Option<CallingName>, CallingNameError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        if let Some(c) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == ' '))
        {
            let shown = if c.is_control() {
                format!("U+{:04X}", c as u32)
            } else {
                c.to_string()
            };
            return Err(CallingNameError::BadCharacter(shown));
        }
        let n = text.chars().count();
        if n < CALLING_NAME_MIN {
            return Err(CallingNameError::TooShort);
        }
        if n > CALLING_NAME_MAX {
            return Err(CallingNameError::TooLong(n));
        }
        Ok(Some(CallingName(text.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CallingName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The API's `CallingNameStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallingNameStatus {
    Unassigned,
    UpdateInProgress,
    UpdateSucceeded,
    UpdateFailed,
}

impl CallingNameStatus {
    pub fn label(self) -> &'static str {
        match self {
            CallingNameStatus::Unassigned => "not set",
            CallingNameStatus::UpdateInProgress => "update in progress",
            CallingNameStatus::UpdateSucceeded => "up to date",
            CallingNameStatus::UpdateFailed => "update failed",
        }
    }
}

/// A calling name as the network knows it, with the update on its way, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameSetting {
    /// The name in force.
    pub current: Option<CallingName>,
    pub status: CallingNameStatus,
    /// The name being rolled out and when it takes effect.
    pub pending: Option<PendingName>,
    /// When the administrator last asked for a change (the default name's cooldown).
    pub last_requested_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingName {
    pub name: Option<CallingName>,
    pub completes_at: Timestamp,
}

impl Default for NameSetting {
    fn default() -> Self {
        NameSetting {
            current: None,
            status: CallingNameStatus::Unassigned,
            pending: None,
            last_requested_at: None,
        }
    }
}

impl NameSetting {
    pub fn in_progress(&self) -> bool {
        self.pending.is_some()
    }

    /// The name an administrator should see: the pending one while it rolls out.
    pub fn shown(&self) -> Option<&CallingName> {
        match &self.pending {
            Some(p) => p.name.as_ref(),
            None => self.current.as_ref(),
        }
    }

    /// Starts an update that completes at `completes_at`.
    pub fn request(&mut self, name: Option<CallingName>, now: Timestamp, completes_at: Timestamp) {
        self.pending = Some(PendingName { name, completes_at });
        self.status = CallingNameStatus::UpdateInProgress;
        self.last_requested_at = Some(now);
    }

    /// Finishes the update in progress; returns false when there was none.
    pub fn complete(&mut self) -> bool {
        match self.pending.take() {
            Some(p) => {
                self.status = if p.name.is_some() {
                    CallingNameStatus::UpdateSucceeded
                } else {
                    CallingNameStatus::Unassigned
                };
                self.current = p.name;
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_api_pattern() {
        for ok in ["Ab", "Example Corp 1", "ABCDEFGHIJKLMNO", "  two spaces  "] {
            assert!(CallingName::parse(ok).unwrap().is_some(), "{ok}");
        }
    }

    #[test]
    fn empty_means_clear() {
        assert_eq!(CallingName::parse("").unwrap(), None);
        assert_eq!(CallingName::parse("   ").unwrap(), None);
    }

    #[test]
    fn refuses_names_outside_the_pattern() {
        assert_eq!(CallingName::parse("A"), Err(CallingNameError::TooShort));
        assert_eq!(
            CallingName::parse("ABCDEFGHIJKLMNOP"),
            Err(CallingNameError::TooLong(16))
        );
        assert!(
            matches!(CallingName::parse("Acme, Inc"), Err(CallingNameError::BadCharacter(c)) if c == ",")
        );
        assert!(
            matches!(CallingName::parse("Acme\u{1b}[2J"), Err(CallingNameError::BadCharacter(c)) if c == "U+001B")
        );
        assert!(matches!(
            CallingName::parse("Café"),
            Err(CallingNameError::BadCharacter(_))
        ));
        assert!(matches!(
            CallingName::parse("Hi 📞"),
            Err(CallingNameError::BadCharacter(_))
        ));
    }

    #[test]
    fn an_update_shows_pending_then_completes() {
        let mut s = NameSetting::default();
        let name = CallingName::parse("Acme").unwrap();
        s.request(name.clone(), Timestamp(0), Timestamp(10));
        assert!(s.in_progress());
        assert_eq!(s.shown(), name.as_ref());
        assert_eq!(s.current, None);
        assert!(s.complete());
        assert_eq!(s.current, name);
        assert_eq!(s.status, CallingNameStatus::UpdateSucceeded);
        assert!(!s.complete());
    }
}
