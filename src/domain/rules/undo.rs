//! Undo: an administrator takes back one of their own recent changes. The audit entry's
//! field changes say what it was before; the opposite actions are decided by the same
//! rules as any other (so undo can never do what the rules refuse) in the one transaction
//! of the undo. Refused when the entry is someone else's, too old, not reversible, or when
//! the number has changed since.

use super::{Ctx, Outcome, RuleError, Tx};
use crate::domain::{format_duration, still_as_left, Action, NumberChange, UndoTarget, E164};

/// The actions undo takes back, by their audit names.
pub const REVERSIBLE: [&str; 7] = [
    "assign",
    "unassign",
    "reassign",
    "set label",
    "switch product type",
    "set unique calling name",
    "delete",
];

pub(super) fn run(ctx: &Ctx, tx: &mut Tx, t: &UndoTarget) -> Result<Outcome, RuleError> {
    let not_possible = |why: &str| RuleError::UndoNotPossible {
        seq: t.seq,
        action: t.action.clone(),
        why: why.to_string(),
    };
    if t.actor != ctx.actor.name {
        return Err(RuleError::UndoNotYours {
            seq: t.seq,
            actor: t.actor.clone(),
        });
    }
    if !REVERSIBLE.contains(&t.action.as_str()) {
        return Err(not_possible(
            "only assign, unassign, reassign, a label, a product type, a unique calling name and a delete can be undone",
        ));
    }
    if !t.ok {
        return Err(not_possible("it was refused and changed nothing"));
    }
    if t.changes.is_empty() {
        return Err(not_possible(
            "it changed no number here (a change sent to a remote carrier is taken back by the opposite change once it has landed)",
        ));
    }
    if ctx.now > t.at.plus(ctx.policy.undo_window) {
        return Err(RuleError::UndoTooLate {
            seq: t.seq,
            window: format_duration(ctx.policy.undo_window),
        });
    }
    for c in &t.changes {
        if !still_as_left(tx.number(&c.number).as_ref(), &c.change) {
            return Err(RuleError::UndoMovedOn {
                seq: t.seq,
                number: c.number.clone(),
                field: c.change.field(),
            });
        }
    }
    let actions = opposite(t);
    if actions.is_empty() {
        return Err(not_possible("nothing it changed can be put back"));
    }
    let mut numbers: Vec<E164> = Vec::new();
    let mut job = None;
    for a in &actions {
        // As `decide` would: with a remote carrier the opposite change is a carrier job.
        let o = if ctx.policy.carrier_remote && super::remote::handles(a) {
            super::remote::decide(ctx, tx, a)?
        } else {
            ctx.run(tx, a)?
        };
        numbers.extend(o.numbers);
        job = job.or(o.job);
    }
    Ok(Outcome {
        message: format!("Undid entry {} ({}).", t.seq, t.action),
        numbers,
        job,
        ..Outcome::default()
    })
}

/// The actions that put back what `t` changed, one per earlier value (numbers that were
/// assigned to different connectors go back each to its own).
fn opposite(t: &UndoTarget) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    match t.action.as_str() {
        "assign" => {
            let numbers = numbers_where(t, |c| matches!(c, NumberChange::Assignee { .. }));
            if !numbers.is_empty() {
                out.push(Action::Unassign { numbers });
            }
        }
        "unassign" | "reassign" => {
            for (to, numbers) in grouped(t, |c| match c {
                NumberChange::Assignee {
                    before: Some(a), ..
                } => Some(a.clone()),
                _ => None,
            }) {
                out.push(match t.action.as_str() {
                    "unassign" => Action::Assign { numbers, to },
                    _ => Action::Reassign { numbers, to },
                });
            }
        }
        "switch product type" => {
            for (product_type, numbers) in grouped(t, |c| match c {
                NumberChange::ProductType { before, .. } => Some(*before),
                _ => None,
            }) {
                out.push(Action::SwitchProductType {
                    numbers,
                    product_type,
                });
            }
        }
        "set label" => {
            for c in &t.changes {
                if let NumberChange::Label { before, .. } = &c.change {
                    out.push(Action::SetLabel {
                        number: c.number.clone(),
                        label: before.clone(),
                    });
                }
            }
        }
        "set unique calling name" => {
            for c in &t.changes {
                if let NumberChange::CallingName { before, .. } = &c.change {
                    out.push(Action::SetUniqueCallingName {
                        number: c.number.clone(),
                        name: before.clone(),
                    });
                }
            }
        }
        "delete" => {
            let numbers = numbers_where(t, |c| matches!(c, NumberChange::Status { .. }));
            if !numbers.is_empty() {
                out.push(Action::Restore { numbers });
            }
        }
        _ => {}
    }
    out
}

fn numbers_where(t: &UndoTarget, pick: impl Fn(&NumberChange) -> bool) -> Vec<E164> {
    let mut numbers: Vec<E164> = Vec::new();
    for c in t.changes.iter().filter(|c| pick(&c.change)) {
        if !numbers.contains(&c.number) {
            numbers.push(c.number.clone());
        }
    }
    numbers
}

/// Numbers grouped by the earlier value `key` reads from their change, in first-seen order.
fn grouped<K: PartialEq>(
    t: &UndoTarget,
    key: impl Fn(&NumberChange) -> Option<K>,
) -> Vec<(K, Vec<E164>)> {
    let mut groups: Vec<(K, Vec<E164>)> = Vec::new();
    for c in &t.changes {
        let Some(k) = key(&c.change) else { continue };
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, ns)) => ns.push(c.number.clone()),
            None => groups.push((k, vec![c.number.clone()])),
        }
    }
    groups
}
