//! Display names for ids (users, accounts, voice connectors, groups), loaded once per
//! refresh so drawing a row never reads the store; all escaped here (`text::one_line`).

use crate::domain::{Account, Assignee, SipMediaApp, User, VoiceConnector, VoiceConnectorGroup};
use crate::engine::Engine;
use crate::text::one_line;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Names {
    pub accounts: Vec<Account>,
    pub users: Vec<User>,
    pub connectors: Vec<VoiceConnector>,
    pub groups: Vec<VoiceConnectorGroup>,
    pub sip_media_apps: Vec<SipMediaApp>,
    by_id: HashMap<String, String>,
}

impl Names {
    pub fn load(engine: &Engine) -> Names {
        let s = engine.store();
        let mut n = Names {
            accounts: s.accounts().unwrap_or_default(),
            users: s.users().unwrap_or_default(),
            connectors: s.voice_connectors().unwrap_or_default(),
            groups: s.groups().unwrap_or_default(),
            sip_media_apps: s.sip_media_apps().unwrap_or_default(),
            by_id: HashMap::new(),
        };
        for a in &n.accounts {
            n.by_id
                .insert(a.id.0.clone(), one_line(&a.name).into_owned());
        }
        for u in &n.users {
            n.by_id
                .insert(u.id.0.clone(), one_line(&u.name).into_owned());
        }
        for c in &n.connectors {
            n.by_id
                .insert(c.id.0.clone(), one_line(&c.name).into_owned());
        }
        for g in &n.groups {
            n.by_id
                .insert(g.id.0.clone(), one_line(&g.name).into_owned());
        }
        for a in &n.sip_media_apps {
            n.by_id
                .insert(a.id.0.clone(), one_line(&a.name).into_owned());
        }
        n
    }

    /// The directory as the shared lookup of assignees by id or name reads it.
    pub fn lists(&self) -> crate::domain::DirectoryLists<'_> {
        crate::domain::DirectoryLists {
            users: &self.users,
            connectors: &self.connectors,
            groups: &self.groups,
            apps: &self.sip_media_apps,
        }
    }

    /// The names Tab offers after `:assign ... vc` (and `user`, `group`, `sma`).
    pub fn names_of(&self, kind: crate::domain::AssigneeKind) -> Vec<String> {
        use crate::domain::AssigneeKind as K;
        match kind {
            K::User => self
                .users
                .iter()
                .map(|u| one_line(&u.name).into())
                .collect(),
            K::VoiceConnector => self
                .connectors
                .iter()
                .map(|c| one_line(&c.name).into())
                .collect(),
            K::VoiceConnectorGroup => self
                .groups
                .iter()
                .map(|g| one_line(&g.name).into())
                .collect(),
            K::SipMediaApplication => self
                .sip_media_apps
                .iter()
                .map(|a| one_line(&a.name).into())
                .collect(),
        }
    }

    /// The name of an account, user, connector or group id; the id itself if unknown.
    pub fn of(&self, id: &str) -> String {
        self.by_id
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// What a filter on an id matches: its name, and a user's email.
    pub fn words_of(&self, id: &str) -> Vec<String> {
        let mut v: Vec<String> = self.by_id.get(id).cloned().into_iter().collect();
        if let Some(u) = self.users.iter().find(|u| u.id.0 == id) {
            v.push(one_line(&u.email).into_owned());
        }
        v
    }

    /// Calls and SMS enabled on a number (the user's permissions for a user's number).
    pub fn calls_and_sms(&self, p: &crate::domain::PhoneNumber) -> (bool, bool) {
        let user = match p.assignee() {
            Some(Assignee::User { user, .. }) => self.users.iter().find(|u| &u.id == user),
            _ => None,
        };
        p.calls_and_sms_enabled(user)
    }

    /// `Ana Lima`, `vc: Trunk East`, `group: Main`, `sma: IVR`.
    pub fn assignee(&self, a: &Assignee) -> String {
        match a {
            Assignee::User { user, .. } => self.of(&user.0),
            Assignee::VoiceConnector(id) => format!("vc: {}", self.of(&id.0)),
            Assignee::VoiceConnectorGroup(id) => format!("group: {}", self.of(&id.0)),
            Assignee::SipMediaApplication(id) => format!("sma: {}", self.of(&id.0)),
        }
    }
}
