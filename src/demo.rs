//! `phonedesk --demo`: the console on a throwaway database filled with an example
//! organisation, with durations short enough to watch orders complete, names update and
//! ports progress within minutes. Everything is made through the engine, like any action.

use crate::config::Config;
use crate::domain::*;
use crate::engine::{Engine, EngineError};
use std::time::Duration;

/// The configuration with demo durations.
pub fn config(base: &Config) -> Config {
    let mut c = base.clone();
    let d = &mut c.durations;
    d.provisioning_delay = Duration::from_secs(8);
    d.name_update = Duration::from_secs(90);
    d.default_name_cooldown = Duration::from_secs(5 * 60);
    d.deletion_retention = Duration::from_secs(10 * 60);
    d.support_response = Duration::from_secs(20);
    d.porting_min = Duration::from_secs(60);
    d.porting_max = Duration::from_secs(120);
    c.carrier.failure_rate = 0.1;
    c
}

/// Fills an empty store: an account with users, voice connectors and a group, numbers in
/// every state, an order still processing, a port-in waiting for its LOA and a plain
/// support request.
pub fn fill(engine: &Engine, now: Timestamp) -> Result<(), EngineError> {
    let admin = Actor::admin("demo");
    let act = |a: Action| engine.dispatch(&admin, a, now);
    let created = |o: Outcome| o.created.unwrap_or_default();
    let pick = |q: SearchQuery| -> Result<Vec<E164>, EngineError> {
        Ok(engine.search(&q)?.into_iter().map(|a| a.number).collect())
    };

    let acme = AccountId(created(act(Action::CreateAccount {
        name: "Acme Corp".into(),
    })?));
    let mut users = Vec::new();
    for (name, email) in [
        ("Ana Lima", "ana@acme.example"),
        ("Bo Chen", "bo@acme.example"),
        ("Chidi Okafor", "chidi@acme.example"),
        ("Dana Reyes", "dana@acme.example"),
    ] {
        let o = act(Action::CreateUser {
            account: acme.clone(),
            name: name.into(),
            email: email.into(),
        })?;
        users.push(UserId(created(o)));
    }
    let east = VoiceConnectorId(created(act(Action::CreateVoiceConnector {
        name: "PBX east".into(),
        region: "us-east-1".into(),
        encryption: true,
    })?));
    let west = VoiceConnectorId(created(act(Action::CreateVoiceConnector {
        name: "PBX west".into(),
        region: "us-west-2".into(),
        encryption: true,
    })?));
    let group = GroupId(created(act(Action::CreateGroup {
        name: "Failover".into(),
        members: vec![
            GroupMember {
                connector: east.clone(),
                priority: 1,
            },
            GroupMember {
                connector: west.clone(),
                priority: 2,
            },
        ],
    })?));

    // Numbers already in the inventory: ordered and completed at once, as the scheduler
    // would once their delay passed.
    let people = pick(SearchQuery::us().with_city("Seattle", "WA").with_limit(5))?;
    let trunks = pick(SearchQuery::us().with_state("NY").with_limit(4))?;
    let toll_free = pick(SearchQuery::us().with_toll_free_prefix(888).with_limit(1))?;
    act(Action::Provision {
        product_type: ProductType::BusinessCalling,
        numbers: people.clone(),
    })?;
    let mut vc = trunks.clone();
    vc.extend(toll_free.clone());
    act(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: vc,
    })?;
    let later = now.plus(engine.policy().provisioning_delay);
    engine.run_due(later)?;
    let at_later = |a: Action| engine.dispatch(&admin, a, later);
    let held = |n: &E164| {
        engine
            .store()
            .number(n)
            .ok()
            .flatten()
            .map(|p| p.status == NumberStatus::Unassigned)
            .unwrap_or(false)
    };
    for (n, u) in people.iter().zip(&users).take(3) {
        if held(n) {
            at_later(Action::Assign {
                numbers: vec![n.clone()],
                to: Assignee::User {
                    account: acme.clone(),
                    user: u.clone(),
                },
            })?;
        }
    }
    if let Some(u) = users.first() {
        at_later(Action::SetUserPermissions {
            user: u.clone(),
            calling: true,
            sms: true,
        })?;
    }
    let east_numbers: Vec<E164> = trunks
        .iter()
        .take(2)
        .chain(&toll_free)
        .filter(|n| held(n))
        .cloned()
        .collect();
    if !east_numbers.is_empty() {
        at_later(Action::Assign {
            numbers: east_numbers,
            to: Assignee::VoiceConnector(east),
        })?;
    }
    if let Some(n) = trunks.get(2).filter(|n| held(n)) {
        at_later(Action::Assign {
            numbers: vec![n.clone()],
            to: Assignee::VoiceConnectorGroup(group),
        })?;
    }
    // A SIP media application with a dial-in number: the fourth trunk number, switched
    // to SIP Media Application Dial-In and routed to it by a SIP rule.
    let ivr = SmaId(created(at_later(Action::CreateSipMediaApplication {
        name: "IVR".into(),
        region: "us-east-1".into(),
    })?));
    if let Some(n) = trunks.get(3).filter(|n| held(n)) {
        at_later(Action::SwitchProductType {
            numbers: vec![n.clone()],
            product_type: ProductType::SipMediaApplicationDialIn,
        })?;
        at_later(Action::Assign {
            numbers: vec![n.clone()],
            to: Assignee::SipMediaApplication(ivr),
        })?;
    }
    at_later(Action::SetDefaultCallingName {
        name: CallingName::parse("Acme Corp").ok().flatten(),
    })?;
    if let Some(n) = people.get(3).filter(|n| held(n)) {
        at_later(Action::SetUniqueCallingName {
            number: n.clone(),
            name: CallingName::parse("Front Desk").ok().flatten(),
        })?;
    }
    if let Some(n) = people.get(4).filter(|n| held(n)) {
        at_later(Action::Delete {
            numbers: vec![n.clone()],
        })?;
    }

    // Work in progress: an order being provisioned, a port-in, a plain request.
    let pending = pick(SearchQuery::us().with_area_code(415).with_limit(2))?;
    at_later(Action::Provision {
        product_type: ProductType::BusinessCalling,
        numbers: pending,
    })?;
    let ported = pick(SearchQuery::us().with_area_code(312).with_limit(2))?;
    if let Some(btn) = ported.first().cloned() {
        at_later(Action::SubmitRequest(NewRequest::PortIn {
            form: PortIn {
                numbers: ported,
                product_type: ProductType::VoiceConnector,
                btn,
                authorizing_person: "Ana Lima".into(),
                current_carrier: Some("Old Telco".into()),
                service_account_number: Some(Secret::new("55443322")),
                service_pin: Some(Secret::new("2468")),
                service_address: "1 Main St, Chicago, IL".into(),
                customer_name: "Acme Corp".into(),
                requested_at: later.plus(Duration::from_secs(7 * 86_400)),
                voice_connector: Some(west),
            },
            email: "ana@acme.example".into(),
        }))?;
    }
    at_later(Action::SubmitRequest(NewRequest::Other {
        category: Category::Technical,
        subject: "Calls drop after 5 minutes".into(),
        issue: "Calls on PBX east drop after about five minutes.".into(),
        email: "ana@acme.example".into(),
    }))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::carrier::SimulatedCarrier;
    use crate::store::{Store, StoreOptions};
    use std::sync::Arc;

    #[test]
    fn the_demo_fills_every_screen_and_keeps_the_invariants() {
        let dir = tempfile::tempdir().unwrap();
        let c = config(&Config::default());
        let store = Store::open(&StoreOptions::new(dir.path().join("db"))).unwrap();
        let engine = Engine::new(
            store,
            Arc::new(SimulatedCarrier::new(
                c.carrier.seed,
                c.carrier.failure_rate,
            )),
            c.policy(),
        );
        let now = Timestamp::parse("2026-11-25T09:00").unwrap();
        fill(&engine, now).unwrap();
        assert!(engine.check().unwrap().is_empty());
        let s = engine.store();
        assert!(s.count(StatusCode::Assigned) >= 3);
        assert_eq!(s.count(StatusCode::AcquireInProgress), 2);
        assert_eq!(s.count(StatusCode::PortinInProgress), 2);
        assert_eq!(s.requests().unwrap().len(), 2);
        assert_eq!(s.users().unwrap().len(), 4);
        assert_eq!(s.groups().unwrap().len(), 1);
        assert_eq!(s.sip_media_apps().unwrap().len(), 1);
        assert_eq!(s.dial_in_rules().unwrap().len(), 1);
        assert!(s.held() <= engine.policy().inventory_limit);
    }
}
