//! The invariants every state must keep, whatever sequence of actions led to it. Checked by
//! `phonedesk check`, the property tests and the crash tests.

use super::*;
use std::collections::{HashMap, HashSet};

/// The whole state, as far as the invariants need it.
pub struct Snapshot<'a> {
    pub numbers: &'a [PhoneNumber],
    pub users: &'a [User],
    pub connectors: &'a [VoiceConnector],
    pub groups: &'a [VoiceConnectorGroup],
    pub sip_media_apps: &'a [SipMediaApp],
    pub dial_in_rules: &'a [DialInRule],
    pub policy: &'a Policy,
}

/// Numbers held over the limit, in words. Not a broken invariant of the data: actions never
/// go past the limit, but an administrator may lower it in the configuration. `phonedesk
/// check` reports it as a warning; the property tests assert it never happens.
pub fn over_limit(numbers: &[PhoneNumber], policy: &Policy) -> Option<String> {
    let held = numbers
        .iter()
        .filter(|p| p.status.code().counts_against_limit())
        .count();
    (held > policy.inventory_limit).then(|| {
        format!(
            "{held} numbers are held, over the configured limit of {}",
            policy.inventory_limit
        )
    })
}

/// Every broken invariant, in words; empty when the state is sound.
pub fn check(s: &Snapshot) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for p in s.numbers {
        if !seen.insert(&p.number) {
            problems.push(format!("{} is stored twice", p.number));
        }
    }
    let users: HashMap<&UserId, &User> = s.users.iter().map(|u| (&u.id, u)).collect();
    let connectors: HashSet<&VoiceConnectorId> = s.connectors.iter().map(|v| &v.id).collect();
    let groups: HashSet<&GroupId> = s.groups.iter().map(|g| &g.id).collect();
    let apps: HashSet<&SmaId> = s.sip_media_apps.iter().map(|a| &a.id).collect();
    let rules: HashMap<&E164, &DialInRule> =
        s.dial_in_rules.iter().map(|r| (&r.number, r)).collect();
    let mut per_user: HashMap<&UserId, usize> = HashMap::new();
    for p in s.numbers {
        if p.product_type == ProductType::BusinessCalling && p.number_type == NumberType::TollFree {
            problems.push(format!("{} is toll-free but Business Calling", p.number));
        }
        if p.number_type != p.number.number_type() {
            problems.push(format!("{} has the wrong number type", p.number));
        }
        match (p.product_type, p.assignee()) {
            (ProductType::BusinessCalling, Some(Assignee::User { user, account })) => {
                *per_user.entry(user).or_default() += 1;
                match users.get(user) {
                    None => {
                        problems.push(format!("{} is assigned to a missing user {user}", p.number))
                    }
                    Some(u) if u.phone_number.as_ref() != Some(&p.number) => problems.push(
                        format!("{} is assigned to {user}, who does not list it", p.number),
                    ),
                    Some(u) if &u.account != account => {
                        problems.push(format!("{} names the wrong account for {user}", p.number))
                    }
                    _ => {}
                }
            }
            (ProductType::VoiceConnector, Some(Assignee::VoiceConnector(id))) => {
                if !connectors.contains(id) {
                    problems.push(format!(
                        "{} is assigned to a missing voice connector {id}",
                        p.number
                    ));
                }
            }
            (ProductType::VoiceConnector, Some(Assignee::VoiceConnectorGroup(id))) => {
                if !groups.contains(id) {
                    problems.push(format!("{} is assigned to a missing group {id}", p.number));
                }
            }
            (ProductType::SipMediaApplicationDialIn, Some(Assignee::SipMediaApplication(id))) => {
                if !apps.contains(id) {
                    problems.push(format!(
                        "{} is assigned to a missing SIP media application {id}",
                        p.number
                    ));
                }
                if rules.get(&p.number).map(|r| &r.sma) != Some(id) {
                    problems.push(format!(
                        "{} is assigned to {id} without a SIP rule to it",
                        p.number
                    ));
                }
            }
            (product, Some(a)) => problems.push(format!(
                "{} is {product} but assigned to a {}",
                p.number,
                a.kind_label()
            )),
            (_, None) => {}
        }
    }
    for (user, n) in per_user {
        if n > 1 {
            problems.push(format!("{user} has {n} Business Calling numbers"));
        }
    }
    let by_number: HashMap<&E164, &PhoneNumber> =
        s.numbers.iter().map(|p| (&p.number, p)).collect();
    for u in s.users {
        if let Some(n) = &u.phone_number {
            let ok = by_number
                .get(n)
                .and_then(|p| p.assignee())
                .map(|a| matches!(a, Assignee::User { user, .. } if user == &u.id))
                .unwrap_or(false);
            if !ok {
                problems.push(format!("{} lists {n}, which is not assigned to them", u.id));
            }
        }
    }
    for g in s.groups {
        if g.members.len() > MAX_GROUP_MEMBERS {
            problems.push(format!("group {} has {} members", g.id, g.members.len()));
        }
    }
    if s.groups.len() > MAX_GROUPS {
        problems.push(format!("{} voice connector groups exist", s.groups.len()));
    }
    problems
}

/// The work that must be scheduled for the state to move on by itself, each with what it
/// is for: a processing order, a calling-name update, a number in the deletion queue, a
/// support request waiting on the desk. A missing one would strand its record.
pub fn expected_work(
    numbers: &[PhoneNumber],
    orders: &[OrderSummary],
    requests: &[SupportRequest],
    settings: &Settings,
) -> Vec<(Task, String)> {
    let mut work = Vec::new();
    for o in orders {
        if o.order_type == OrderType::New && o.status == OrderStatus::Processing {
            work.push((Task::CompleteOrder(o.id.clone()), format!("order {}", o.id)));
        }
    }
    for p in numbers {
        if p.calling_name.pending.is_some() {
            work.push((
                Task::CompleteNumberName(p.number.clone()),
                format!("the calling name update of {}", p.number),
            ));
        }
        if p.deleted_at().is_some() {
            work.push((
                Task::Purge(p.number.clone()),
                format!("the purge of {}", p.number),
            ));
        }
    }
    if settings.default_calling_name.pending.is_some() {
        work.push((
            Task::CompleteDefaultName,
            "the default calling name update".into(),
        ));
    }
    for r in requests {
        if r.next_step_at.is_some() {
            work.push((
                Task::SupportStep(r.id.clone()),
                format!("the support desk's next step on {}", r.id),
            ));
        }
    }
    work
}
