//! What a change did to a number, field by field (before → after), as the audit log keeps
//! it: the record behind `phonedesk history`, the Audit screen's "what changed" and undo.
//! Pure: computed from the record before and after one action.

use super::{Assignee, CallingName, PhoneNumber, ProductType, E164};
use serde::{Deserialize, Serialize};

/// One field of one number, before and after an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub number: E164,
    pub change: NumberChange,
}

/// The fields an administrator asks "what was it before?" about. Values are kept as they
/// were (an assignee's id, not its name then), so undo can put them back and a later
/// rename shows the name of today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NumberChange {
    /// The number entered the inventory (ordered, ported in, or found at the carrier),
    /// with the status it entered with.
    Added { status: String },
    /// The number left the inventory (purged, released, or gone at the carrier).
    Removed { status: String },
    /// The status in the API's spelling (`Unassigned`, `Assigned`, `DeleteInProgress`, …).
    Status { before: String, after: String },
    Assignee {
        before: Option<Assignee>,
        after: Option<Assignee>,
    },
    ProductType {
        before: ProductType,
        after: ProductType,
    },
    Label {
        before: Option<String>,
        after: Option<String>,
    },
    /// The calling name asked for: the one on its way when there is one, else the one
    /// in force.
    CallingName {
        before: Option<CallingName>,
        after: Option<CallingName>,
    },
    /// Where the calling name stands (`update in progress`, `up to date`, …).
    NameStatus { before: String, after: String },
}

impl NumberChange {
    /// The field's name as the history and the Audit screen show it.
    pub fn field(&self) -> &'static str {
        match self {
            NumberChange::Added { .. } | NumberChange::Removed { .. } => "inventory",
            NumberChange::Status { .. } => "status",
            NumberChange::Assignee { .. } => "assignee",
            NumberChange::ProductType { .. } => "product type",
            NumberChange::Label { .. } => "label",
            NumberChange::CallingName { .. } => "calling name",
            NumberChange::NameStatus { .. } => "name status",
        }
    }

    /// "assignee: none → voice connector Main trunk", with assignees named by `name`.
    pub fn words(&self, name: &dyn Fn(&Assignee) -> String) -> String {
        let assignee = |a: &Option<Assignee>| a.as_ref().map(name).unwrap_or("none".into());
        let text = |t: &Option<String>| match t {
            Some(t) => format!("“{t}”"),
            None => "none".into(),
        };
        let calling = |n: &Option<CallingName>| match n {
            Some(n) => format!("“{n}”"),
            None => "none".into(),
        };
        let (before, after) = match self {
            NumberChange::Added { status } => return format!("added as {status}"),
            NumberChange::Removed { status } => return format!("removed (was {status})"),
            NumberChange::Status { before, after } => (before.clone(), after.clone()),
            NumberChange::Assignee { before, after } => (assignee(before), assignee(after)),
            NumberChange::ProductType { before, after } => (before.to_string(), after.to_string()),
            NumberChange::Label { before, after } => (text(before), text(after)),
            NumberChange::CallingName { before, after } => (calling(before), calling(after)),
            NumberChange::NameStatus { before, after } => (before.clone(), after.clone()),
        };
        format!("{}: {before} → {after}", self.field())
    }
}

/// The numbers `changes` are about, each once, in the order first changed.
pub fn changed_numbers(changes: &[FieldChange]) -> Vec<&E164> {
    let mut seen: Vec<&E164> = Vec::new();
    for c in changes {
        if !seen.contains(&&c.number) {
            seen.push(&c.number);
        }
    }
    seen
}

/// An audit entry as undo reads it: who did what, when, and what it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoTarget {
    pub seq: u64,
    pub actor: String,
    pub action: String,
    pub at: super::Timestamp,
    pub ok: bool,
    pub changes: Vec<FieldChange>,
}

/// Whether `p` still holds what `change` left: undo takes back only what nobody (no
/// person, no carrier, no passing time) has changed since.
pub fn still_as_left(p: Option<&PhoneNumber>, change: &NumberChange) -> bool {
    let Some(p) = p else { return false };
    match change {
        NumberChange::Added { .. } | NumberChange::Removed { .. } => false,
        NumberChange::Status { after, .. } => p.status_name() == after,
        NumberChange::Assignee { after, .. } => p.assignee() == after.as_ref(),
        NumberChange::ProductType { after, .. } => p.product_type == *after,
        NumberChange::Label { after, .. } => p.label == *after,
        NumberChange::CallingName { after, .. } => asked_name(p) == *after,
        NumberChange::NameStatus { after, .. } => p.calling_name.status.label() == after,
    }
}

/// The calling name an administrator sees as asked for: the pending one, else in force.
fn asked_name(p: &PhoneNumber) -> Option<CallingName> {
    match &p.calling_name.pending {
        Some(pending) => pending.name.clone(),
        None => p.calling_name.current.clone(),
    }
}

/// The fields that differ between a number's record before and after one change; `None`
/// is "not in the inventory".
pub fn number_changes(old: Option<&PhoneNumber>, new: Option<&PhoneNumber>) -> Vec<FieldChange> {
    let (old, new) = match (old, new) {
        (None, None) => return Vec::new(),
        (None, Some(n)) => {
            let mut out = vec![FieldChange {
                number: n.number.clone(),
                change: NumberChange::Added {
                    status: n.status_name().to_string(),
                },
            }];
            // What it came with beyond a bare number: an assignee, a label, a name.
            let blank = PhoneNumber::new(
                n.number.clone(),
                n.product_type,
                super::NumberStatus::Unassigned,
                n.created_at,
            );
            out.extend(
                field_changes(&blank, n)
                    .into_iter()
                    .filter(|c| !matches!(c.change, NumberChange::Status { .. })),
            );
            return out;
        }
        (Some(o), None) => {
            return vec![FieldChange {
                number: o.number.clone(),
                change: NumberChange::Removed {
                    status: o.status_name().to_string(),
                },
            }]
        }
        (Some(o), Some(n)) => (o, n),
    };
    field_changes(old, new)
}

fn field_changes(old: &PhoneNumber, new: &PhoneNumber) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let (status_before, status_after) = (old.status_name(), new.status_name());
    if status_before != status_after {
        changes.push(NumberChange::Status {
            before: status_before.into(),
            after: status_after.into(),
        });
    }
    if old.assignee() != new.assignee() {
        changes.push(NumberChange::Assignee {
            before: old.assignee().cloned(),
            after: new.assignee().cloned(),
        });
    }
    if old.product_type != new.product_type {
        changes.push(NumberChange::ProductType {
            before: old.product_type,
            after: new.product_type,
        });
    }
    if old.label != new.label {
        changes.push(NumberChange::Label {
            before: old.label.clone(),
            after: new.label.clone(),
        });
    }
    let (name_before, name_after) = (asked_name(old), asked_name(new));
    if name_before != name_after {
        changes.push(NumberChange::CallingName {
            before: name_before,
            after: name_after,
        });
    }
    let (state_before, state_after) = (
        old.calling_name.status.label(),
        new.calling_name.status.label(),
    );
    if state_before != state_after {
        changes.push(NumberChange::NameStatus {
            before: state_before.into(),
            after: state_after.into(),
        });
    }
    changes
        .into_iter()
        .map(|change| FieldChange {
            number: new.number.clone(),
            change,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NumberStatus, PendingName, Timestamp, VoiceConnectorId};

    fn number() -> PhoneNumber {
        PhoneNumber::new(
            E164::parse("+12065550123").unwrap(),
            ProductType::VoiceConnector,
            NumberStatus::Unassigned,
            Timestamp(1_800_000_000_000),
        )
    }

    fn vc(id: &str) -> Assignee {
        Assignee::VoiceConnector(VoiceConnectorId(id.into()))
    }

    #[test]
    fn an_assignment_records_the_status_and_the_assignee_before_and_after() {
        let old = number();
        let mut new = old.clone();
        new.status = NumberStatus::Assigned(vc("vc-1"));
        let changes: Vec<_> = number_changes(Some(&old), Some(&new))
            .into_iter()
            .map(|c| c.change)
            .collect();
        assert_eq!(
            changes,
            vec![
                NumberChange::Status {
                    before: "Unassigned".into(),
                    after: "Assigned".into()
                },
                NumberChange::Assignee {
                    before: None,
                    after: Some(vc("vc-1"))
                },
            ]
        );
    }

    #[test]
    fn an_unchanged_record_has_no_changes_and_only_changed_fields_are_kept() {
        let old = number();
        assert!(number_changes(Some(&old), Some(&old)).is_empty());
        let mut new = old.clone();
        new.label = Some("lobby".into());
        new.updated_at = Timestamp(old.updated_at.0 + 1);
        let changes = number_changes(Some(&old), Some(&new));
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].number, old.number);
        assert_eq!(
            changes[0].change.words(&|_| String::new()),
            "label: none → “lobby”"
        );
    }

    #[test]
    fn a_requested_name_is_the_pending_one_and_its_status_is_recorded() {
        let old = number();
        let mut new = old.clone();
        let name = CallingName::parse("Front Desk").unwrap().unwrap();
        new.calling_name.pending = Some(PendingName {
            name: Some(name.clone()),
            completes_at: Timestamp(old.created_at.0 + 60_000),
        });
        new.calling_name.status = crate::domain::CallingNameStatus::UpdateInProgress;
        let words: Vec<_> = number_changes(Some(&old), Some(&new))
            .iter()
            .map(|c| c.change.words(&|_| String::new()))
            .collect();
        assert_eq!(
            words,
            vec![
                "calling name: none → “Front Desk”",
                "name status: not set → update in progress"
            ]
        );
    }

    #[test]
    fn entering_and_leaving_the_inventory_are_changes_of_their_own() {
        let mut n = number();
        n.status = NumberStatus::Assigned(vc("vc-2"));
        let added = number_changes(None, Some(&n));
        assert_eq!(
            added[0].change,
            NumberChange::Added {
                status: "Assigned".into()
            }
        );
        // It arrived assigned: the assignee is part of what it came with.
        assert!(added
            .iter()
            .any(|c| matches!(&c.change, NumberChange::Assignee { after: Some(_), .. })));
        let removed = number_changes(Some(&n), None);
        assert_eq!(
            removed[0].change.words(&|_| String::new()),
            "removed (was Assigned)"
        );
        assert!(number_changes(None, None).is_empty());
    }

    #[test]
    fn assignees_are_named_when_shown() {
        let change = NumberChange::Assignee {
            before: Some(vc("vc-1")),
            after: None,
        };
        assert_eq!(
            change.words(&|a| format!("voice connector {}", a.key())),
            "assignee: voice connector vc-1 → none"
        );
    }
}
