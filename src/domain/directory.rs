//! Who numbers are assigned to: accounts and their users, voice connectors and groups, SIP
//! media applications (through a SIP rule per number).

use super::E164;
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($name:ident, $prefix:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            pub fn from_seq(n: u64) -> Self {
                $name(format!("{}-{}", $prefix, n))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(AccountId, "acct");
id_type!(UserId, "user");
id_type!(VoiceConnectorId, "vc");
id_type!(GroupId, "vcg");
id_type!(OrderId, "order");
id_type!(RequestId, "req");
id_type!(SmaId, "sma");

impl SmaId {
    /// The sequence number in `sma-3`, for the next id.
    pub fn seq(&self) -> u64 {
        self.0
            .strip_prefix("sma-")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub account: AccountId,
    pub name: String,
    pub email: String,
    pub calling_enabled: bool,
    pub sms_enabled: bool,
    /// The user's Business Calling number (at most one).
    pub phone_number: Option<E164>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceConnector {
    pub id: VoiceConnectorId,
    pub name: String,
    /// AWS Region, fixed once created.
    pub region: String,
    pub encryption: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    pub connector: VoiceConnectorId,
    /// 1 (highest) to 99.
    pub priority: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoiceConnectorGroup {
    pub id: GroupId,
    pub name: String,
    /// Ordered by priority, highest first.
    pub members: Vec<GroupMember>,
}

/// A SIP media application: the carrier runs it for calls to its numbers. Made in the AWS
/// console with the real carrier (the sync brings it), or in the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipMediaApp {
    pub id: SmaId,
    pub name: String,
    /// AWS Region, where the application runs.
    pub region: String,
}

/// A SIP rule that sends the calls to one phone number (trigger `ToPhoneNumber`) to a SIP
/// media application: how a SIP Media Application Dial-In number is assigned. Kept by its
/// number (a number triggers one rule at most); the carrier's id is read from the carrier
/// when needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialInRule {
    pub number: E164,
    pub name: String,
    pub sma: SmaId,
    /// A disabled rule does not route calls (the carrier's rule must be disabled before it
    /// is deleted).
    pub disabled: bool,
}

impl DialInRule {
    /// The name phonedesk gives the rule it makes for a number.
    pub fn name_for(number: &E164) -> String {
        format!("phonedesk {number}")
    }
}

/// The regions where Chime Voice Connectors run (the API's `VoiceConnectorAwsRegion`).
pub const REGIONS: [&str; 10] = [
    "us-east-1",
    "us-west-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// A group member's priority: 1 (highest) to 99.
pub const PRIORITIES: std::ops::RangeInclusive<u8> = 1..=99;
pub const MAX_GROUPS: usize = 3;
pub const MAX_GROUP_MEMBERS: usize = 3;
pub const NAME_MAX: usize = 256;

/// Where an assigned number points.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Assignee {
    User {
        account: AccountId,
        user: UserId,
    },
    VoiceConnector(VoiceConnectorId),
    VoiceConnectorGroup(GroupId),
    /// A SIP media application, through a SIP rule triggered by the number.
    SipMediaApplication(SmaId),
}

impl Assignee {
    /// A stable key for the by-assignee index.
    pub fn key(&self) -> String {
        match self {
            Assignee::User { user, .. } => user.0.clone(),
            Assignee::VoiceConnector(id) => id.0.clone(),
            Assignee::VoiceConnectorGroup(id) => id.0.clone(),
            Assignee::SipMediaApplication(id) => id.0.clone(),
        }
    }

    pub fn kind_label(&self) -> &'static str {
        match self {
            Assignee::User { .. } => "user",
            Assignee::VoiceConnector(_) => "voice connector",
            Assignee::VoiceConnectorGroup(_) => "voice connector group",
            Assignee::SipMediaApplication(_) => "SIP media application",
        }
    }
}

/// The directory as the lookup of an assignee by what an administrator typed reads it.
#[derive(Debug, Clone, Copy)]
pub struct DirectoryLists<'a> {
    pub users: &'a [User],
    pub connectors: &'a [VoiceConnector],
    pub groups: &'a [VoiceConnectorGroup],
    pub apps: &'a [SipMediaApp],
}

impl DirectoryLists<'_> {
    /// The assignee of `kind` that `typed` names: its id, or its name (a user's email too)
    /// when exactly one entry has it, ignoring case. The one lookup of assignees by name,
    /// for the command line and the console's `:assign`.
    pub fn assignee(
        &self,
        kind: super::AssigneeKind,
        typed: &str,
    ) -> Result<super::Assignee, super::RuleError> {
        use super::{AssigneeKind as K, RuleError as E};
        let typed = typed.trim();
        Ok(match kind {
            K::User => {
                let u = named(self.users, typed, |u| &u.id.0, |u| vec![&u.name, &u.email])
                    .map_err(|n| ambiguous("users", typed, n))?
                    .ok_or_else(|| E::UnknownUser(typed.into()))?;
                super::Assignee::User {
                    account: u.account.clone(),
                    user: u.id.clone(),
                }
            }
            K::VoiceConnector => {
                let c = named(self.connectors, typed, |c| &c.id.0, |c| vec![&c.name])
                    .map_err(|n| ambiguous("voice connectors", typed, n))?
                    .ok_or_else(|| E::UnknownVoiceConnector(typed.into()))?;
                super::Assignee::VoiceConnector(c.id.clone())
            }
            K::VoiceConnectorGroup => {
                let g = named(self.groups, typed, |g| &g.id.0, |g| vec![&g.name])
                    .map_err(|n| ambiguous("voice connector groups", typed, n))?
                    .ok_or_else(|| E::UnknownGroup(typed.into()))?;
                super::Assignee::VoiceConnectorGroup(g.id.clone())
            }
            K::SipMediaApplication => {
                let a = named(self.apps, typed, |a| &a.id.0, |a| vec![&a.name])
                    .map_err(|n| ambiguous("SIP media applications", typed, n))?
                    .ok_or_else(|| E::UnknownSipMediaApplication(typed.into()))?;
                super::Assignee::SipMediaApplication(a.id.clone())
            }
        })
    }
}

/// The entry whose id is `typed`, else the one entry with a name equal to it (ignoring
/// case); `Err(ids)` when several have that name.
fn named<'a, T>(
    items: &'a [T],
    typed: &str,
    id: impl Fn(&T) -> &str,
    names: impl Fn(&T) -> Vec<&str>,
) -> Result<Option<&'a T>, Vec<String>> {
    if let Some(found) = items.iter().find(|i| id(i) == typed) {
        return Ok(Some(found));
    }
    let matching: Vec<&T> = items
        .iter()
        .filter(|i| {
            names(i)
                .iter()
                .any(|n| n.trim().eq_ignore_ascii_case(typed))
        })
        .collect();
    match matching.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(many.iter().map(|i| id(i).to_string()).collect()),
    }
}

fn ambiguous(what: &'static str, typed: &str, ids: Vec<String>) -> super::RuleError {
    super::RuleError::AmbiguousName {
        what,
        name: typed.to_string(),
        ids: ids.join(", "),
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::*;
    use crate::domain::{Assignee, AssigneeKind, RuleError};

    #[test]
    fn an_assignee_is_found_by_id_or_by_a_name_only_one_entry_has() {
        let vc = |id: &str, name: &str| VoiceConnector {
            id: VoiceConnectorId(id.into()),
            name: name.into(),
            region: "us-east-1".into(),
            encryption: true,
        };
        let connectors = [
            vc("vc-1", "Main trunk"),
            vc("vc-2", "Backup"),
            vc("vc-3", "backup"),
        ];
        let users = [User {
            id: UserId("user-1".into()),
            account: AccountId("acct-1".into()),
            name: "Ana Lima".into(),
            email: "ana@example.com".into(),
            calling_enabled: true,
            sms_enabled: true,
            phone_number: None,
        }];
        let lists = DirectoryLists {
            users: &users,
            connectors: &connectors,
            groups: &[],
            apps: &[],
        };
        let k = AssigneeKind::VoiceConnector;
        let found = |t: &str| lists.assignee(k, t);
        assert_eq!(
            found("main TRUNK"),
            Ok(Assignee::VoiceConnector(VoiceConnectorId("vc-1".into())))
        );
        assert_eq!(
            found("vc-2"),
            Ok(Assignee::VoiceConnector(VoiceConnectorId("vc-2".into())))
        );
        assert_eq!(
            found("Nowhere"),
            Err(RuleError::UnknownVoiceConnector("Nowhere".into()))
        );
        let two = found("Backup").unwrap_err().to_string();
        assert_eq!(
            two,
            "vc-2, vc-3 are all voice connectors named “Backup”: use the id"
        );
        assert_eq!(
            lists.assignee(AssigneeKind::User, "ana@example.com"),
            Ok(Assignee::User {
                account: AccountId("acct-1".into()),
                user: UserId("user-1".into())
            })
        );
        assert_eq!(AssigneeKind::parse("--voice-connector"), Some(k));
        assert_eq!(AssigneeKind::parse("desk"), None);
    }
}
