//! Holds: a number marked in the provisioning wizard is kept for the administrator who
//! marked it for a while (`Policy::hold_for`), so two administrators do not order the same
//! numbers. Not to be confused with the numbers the organisation holds (its inventory):
//! a hold is on a number the carrier still offers. The rules here are pure; the store
//! keeps the holds (tree `holds`) and the engine writes them.

use super::{Actor, RuleError, Timestamp, View, E164};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One console session (local or SSH): its holds end with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SessionId(pub String);

impl std::fmt::Display for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A number kept for one administrator's session until `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hold {
    pub number: E164,
    /// The administrator's name (the actor's, as the audit log says it).
    pub holder: String,
    pub session: SessionId,
    pub until: Timestamp,
}

/// A write to the holds: one transaction of the store, with an action's other changes
/// (a provision consumes its holds) or alone (marking and unmarking, not audited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldChange {
    Put(Hold),
    Remove(E164),
}

impl Hold {
    /// An expired hold counts as no hold.
    pub fn is_active(&self, now: Timestamp) -> bool {
        now < self.until
    }

    /// Held, now, by someone other than `actor`: it keeps `actor` from marking or ordering.
    pub fn blocks(&self, actor: &Actor, now: Timestamp) -> bool {
        self.is_active(now) && self.holder != actor.name
    }

    /// "9 m left" (whole minutes, rounded down), "40 s left" in the last minute.
    fn left(&self, now: Timestamp) -> Duration {
        now.until(self.until)
    }

    /// How the hold is shown in every list, the console's and `phonedesk search`'s:
    /// "held by alice, 9 m left".
    pub fn shown(&self, now: Timestamp) -> String {
        let left = self.left(now).as_secs();
        let left = if left >= 60 {
            format!("{} m", left / 60)
        } else {
            format!("{left} s")
        };
        format!("held by {}, {left} left", self.holder)
    }

    /// The refusal when `actor` may not mark or order the number.
    fn refusal(&self, now: Timestamp) -> RuleError {
        let secs = self.left(now).as_secs();
        let left = match secs {
            s if s >= 120 => format!("{} more minutes", s / 60),
            s if s >= 60 => "1 more minute".to_string(),
            1 => "1 more second".to_string(),
            s => format!("{s} more seconds"),
        };
        RuleError::HeldByOther {
            number: self.number.clone(),
            holder: self.holder.clone(),
            left,
        }
    }
}

/// The hold on `n` that is in force at `now` (an expired one reads as none).
pub fn active_hold(view: &dyn View, n: &E164, now: Timestamp) -> Option<Hold> {
    view.hold(n).filter(|h| h.is_active(now))
}

/// Whether `actor` may order `n` now: refused while someone else holds it.
pub fn may_order(
    view: &dyn View,
    actor: &Actor,
    n: &E164,
    now: Timestamp,
) -> Result<(), RuleError> {
    match view.hold(n) {
        Some(h) if h.blocks(actor, now) => Err(h.refusal(now)),
        _ => Ok(()),
    }
}

/// What ordering `numbers` does to their holds: each one, the actor's own or an expired
/// one, is consumed with the order (someone else's in force refuses it first, `may_order`).
pub fn consumed_by_order(view: &dyn View, numbers: &[E164]) -> Vec<HoldChange> {
    numbers
        .iter()
        .filter(|n| view.hold(n).is_some())
        .map(|n| HoldChange::Remove(n.clone()))
        .collect()
}

/// Marks `numbers` for `actor`'s `session` until `now + hold_for`. Refused as a whole,
/// naming the number, when one is held by someone else or is already the organisation's;
/// a number the actor held already (in this or another session) is held anew by this one.
pub fn place(
    view: &dyn View,
    actor: &Actor,
    session: &SessionId,
    numbers: &[E164],
    now: Timestamp,
    hold_for: Duration,
) -> Result<Vec<HoldChange>, RuleError> {
    super::rules::may_change(actor)?;
    let numbers = super::rules::listed_once(numbers)?;
    let mut out = Vec::with_capacity(numbers.len());
    for n in numbers {
        may_order(view, actor, &n, now)?;
        if view.number(&n).is_some_and(|p| p.status.code().is_held()) {
            return Err(RuleError::AlreadyHeld(n));
        }
        out.push(HoldChange::Put(Hold {
            number: n,
            holder: actor.name.clone(),
            session: session.clone(),
            until: now.plus(hold_for),
        }));
    }
    Ok(out)
}

/// Unmarks `numbers`: the holds `session` has on them end (others' stay as they are).
pub fn release(view: &dyn View, session: &SessionId, numbers: &[E164]) -> Vec<HoldChange> {
    numbers
        .iter()
        .filter(|n| view.hold(n).is_some_and(|h| &h.session == session))
        .map(|n| HoldChange::Remove(n.clone()))
        .collect()
}

/// The holds to remove from `holds`: those of a session that ended (`Some`), or every
/// expired one (`None`).
pub fn ended(holds: &[Hold], ended: Option<&SessionId>, now: Timestamp) -> Vec<HoldChange> {
    holds
        .iter()
        .filter(|h| match ended {
            Some(session) => &h.session == session,
            None => !h.is_active(now),
        })
        .map(|h| HoldChange::Remove(h.number.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MemoryView, NumberStatus, PhoneNumber, ProductType};

    const MINUTE: Duration = Duration::from_secs(60);
    const T0: Timestamp = Timestamp(1_790_000_000_000);

    fn n() -> E164 {
        E164::parse("+12065550123").unwrap()
    }

    fn alice_session() -> SessionId {
        SessionId("s-alice".into())
    }

    /// A view where alice holds (206) 555-0123 from T0 for 10 minutes.
    fn held_by_alice() -> MemoryView {
        let mut v = MemoryView::default();
        v.holds.insert(
            n(),
            Hold {
                number: n(),
                holder: "alice".into(),
                session: alice_session(),
                until: T0.plus(10 * MINUTE),
            },
        );
        v
    }

    #[test]
    fn a_hold_reads_who_and_how_long_in_minutes_then_seconds() {
        let v = held_by_alice();
        let h = v.holds[&n()].clone();
        let at = |secs| T0.plus(Duration::from_secs(secs));
        assert_eq!(h.shown(at(0)), "held by alice, 10 m left");
        assert_eq!(h.shown(at(1)), "held by alice, 9 m left");
        assert_eq!(h.shown(at(9 * 60 + 20)), "held by alice, 40 s left");
    }

    #[test]
    fn someone_elses_hold_refuses_an_order_in_plain_words() {
        let v = held_by_alice();
        let bob = Actor::admin("bob");
        let e = may_order(&v, &bob, &n(), T0.plus(Duration::from_secs(30))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "(206) 555-0123 is held by alice for 9 more minutes"
        );
        let e = may_order(&v, &bob, &n(), T0.plus(Duration::from_secs(9 * 60 + 10))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "(206) 555-0123 is held by alice for 50 more seconds"
        );
        let e = place(&v, &bob, &SessionId("s-bob".into()), &[n()], T0, MINUTE).unwrap_err();
        assert_eq!(e, may_order(&v, &bob, &n(), T0).unwrap_err());
    }

    #[test]
    fn the_holders_own_order_passes_and_consumes_the_hold() {
        let v = held_by_alice();
        let alice = Actor::admin("alice");
        assert_eq!(may_order(&v, &alice, &n(), T0), Ok(()));
        assert_eq!(consumed_by_order(&v, &[n()]), vec![HoldChange::Remove(n())]);
    }

    #[test]
    fn an_expired_hold_counts_as_no_hold() {
        let v = held_by_alice();
        let bob = Actor::admin("bob");
        let over = T0.plus(10 * MINUTE);
        assert_eq!(active_hold(&v, &n(), over), None);
        assert_eq!(may_order(&v, &bob, &n(), over), Ok(()));
        let placed = place(&v, &bob, &SessionId("s-bob".into()), &[n()], over, MINUTE).unwrap();
        assert!(matches!(&placed[..], [HoldChange::Put(h)] if h.holder == "bob"));
        // An order still sweeps the dead hold away with it.
        assert_eq!(consumed_by_order(&v, &[n()]), vec![HoldChange::Remove(n())]);
        assert_eq!(
            ended(&[v.holds[&n()].clone()], None, over),
            vec![HoldChange::Remove(n())]
        );
    }

    #[test]
    fn a_hold_is_placed_for_the_configured_time_and_only_on_what_can_be_ordered() {
        let mut v = MemoryView::default();
        let alice = Actor::admin("alice");
        let placed = place(&v, &alice, &alice_session(), &[n()], T0, 10 * MINUTE).unwrap();
        assert_eq!(
            placed,
            vec![HoldChange::Put(Hold {
                number: n(),
                holder: "alice".into(),
                session: alice_session(),
                until: T0.plus(10 * MINUTE),
            })]
        );
        let viewer = Actor::viewer("vera");
        assert!(matches!(
            place(&v, &viewer, &alice_session(), &[n()], T0, MINUTE),
            Err(RuleError::ReadOnly { .. })
        ));
        assert_eq!(
            place(&v, &alice, &alice_session(), &[n(), n()], T0, MINUTE),
            Err(RuleError::Duplicate { number: n() })
        );
        let p = PhoneNumber::new(
            n(),
            ProductType::VoiceConnector,
            NumberStatus::Unassigned,
            T0,
        );
        v.numbers.insert(n(), p);
        assert_eq!(
            place(&v, &alice, &alice_session(), &[n()], T0, MINUTE),
            Err(RuleError::AlreadyHeld(n()))
        );
    }

    #[test]
    fn unmarking_or_ending_a_session_releases_only_that_sessions_holds() {
        let v = held_by_alice();
        let other = SessionId("s-alice-2".into());
        assert_eq!(release(&v, &other, &[n()]), vec![]);
        assert_eq!(
            release(&v, &alice_session(), &[n()]),
            vec![HoldChange::Remove(n())]
        );
        let holds = vec![v.holds[&n()].clone()];
        assert_eq!(ended(&holds, Some(&other), T0), vec![]);
        assert_eq!(
            ended(&holds, Some(&alice_session()), T0),
            vec![HoldChange::Remove(n())]
        );
    }
}
