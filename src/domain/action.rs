//! The vocabulary of change: every mutation, from any front end or the scheduler, is one
//! `Action`, decided by `rules::decide` and applied by the engine as one transaction.

use super::{
    AccountId, Assignee, CallingName, CarrierConnector, CarrierGroup, CarrierNumber, CarrierOrder,
    CarrierSettings, CaseProgress, Category, GroupId, GroupMember, JobAnswer, JobId, Loa, LoaFile,
    OrderId, PortIn, PortOut, ProductType, RequestId, SipMediaApplication, SipRule, Timestamp,
    UserId, VoiceConnectorId, E164,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// Everything.
    Admin,
    /// Reads only.
    Viewer,
    /// The scheduler completing due work.
    System,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Viewer => "viewer",
            Role::System => "system",
        }
    }

    /// Whether secrets (the port-out PIN and account ID, a service PIN typed in a form)
    /// may be shown in full: administrators only, in every front end.
    pub fn may_reveal(self) -> bool {
        self == Role::Admin
    }
}

/// Who acts: the local login, an SSH key's name, or the scheduler.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub role: Role,
}

impl Actor {
    pub fn admin(name: impl Into<String>) -> Actor {
        Actor {
            name: name.into(),
            role: Role::Admin,
        }
    }

    pub fn viewer(name: impl Into<String>) -> Actor {
        Actor {
            name: name.into(),
            role: Role::Viewer,
        }
    }

    /// The person at this machine (a local command or console): `local:` and the login
    /// name, or `local:unknown` without one (cron, systemd). An SSH key's name cannot hold
    /// a `:`, so a local actor never reads as a key in the audit log.
    pub fn local(login: Option<&str>) -> Actor {
        let login: String = login
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let login = login.trim();
        let login = if login.is_empty() { "unknown" } else { login };
        Actor::admin(format!("local:{login}"))
    }

    pub fn system() -> Actor {
        Actor {
            name: "scheduler".into(),
            role: Role::System,
        }
    }

    /// The carrier's answers and what a sync found: audited as `carrier`.
    pub fn carrier() -> Actor {
        Actor {
            name: "carrier".into(),
            role: Role::System,
        }
    }
}

/// Work that falls due at a time: the scheduler turns each into `Action::RunDue`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Task {
    CompleteOrder(OrderId),
    CompleteNumberName(E164),
    CompleteDefaultName,
    Purge(E164),
    SupportStep(RequestId),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Due {
    pub at: Timestamp,
    pub task: Task,
}

/// A new support request, as filed from the Support screen or `support` subcommands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NewRequest {
    Other {
        category: Category,
        subject: String,
        issue: String,
        email: String,
    },
    PortIn {
        form: PortIn,
        email: String,
    },
    PortOut {
        form: PortOut,
        email: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    // Provisioning and inventory
    Provision {
        product_type: ProductType,
        numbers: Vec<E164>,
    },
    Assign {
        numbers: Vec<E164>,
        to: Assignee,
    },
    Reassign {
        numbers: Vec<E164>,
        to: Assignee,
    },
    Unassign {
        numbers: Vec<E164>,
    },
    SwitchProductType {
        numbers: Vec<E164>,
        product_type: ProductType,
    },
    SetLabel {
        number: E164,
        label: Option<String>,
    },
    SetDefaultCallingName {
        name: Option<CallingName>,
    },
    SetUniqueCallingName {
        number: E164,
        name: Option<CallingName>,
    },
    Delete {
        numbers: Vec<E164>,
    },
    Restore {
        numbers: Vec<E164>,
    },
    /// Clears failed acquisitions from Pending.
    DismissFailed {
        numbers: Vec<E164>,
    },

    // Directory
    CreateAccount {
        name: String,
    },
    DeleteAccount {
        account: AccountId,
    },
    CreateUser {
        account: AccountId,
        name: String,
        email: String,
    },
    SetUserPermissions {
        user: UserId,
        calling: bool,
        sms: bool,
    },
    DeleteUser {
        user: UserId,
    },
    CreateVoiceConnector {
        name: String,
        region: String,
        encryption: bool,
    },
    UpdateVoiceConnector {
        connector: VoiceConnectorId,
        name: String,
        encryption: bool,
    },
    DeleteVoiceConnector {
        connector: VoiceConnectorId,
    },
    CreateGroup {
        name: String,
        members: Vec<GroupMember>,
    },
    UpdateGroup {
        group: GroupId,
        name: String,
        members: Vec<GroupMember>,
    },
    DeleteGroup {
        group: GroupId,
    },

    // Support
    SubmitRequest(NewRequest),
    Reply {
        request: RequestId,
        text: String,
    },
    SubmitLoa {
        request: RequestId,
        loa: Loa,
    },
    CancelRequest {
        request: RequestId,
    },
    CloseRequest {
        request: RequestId,
    },

    /// The scheduler: complete what fell due.
    RunDue(Due),

    // The carrier (a remote one: jobs and sync)
    /// The carrier's answer to a job.
    CarrierAnswer {
        job: JobId,
        answer: JobAnswer,
    },
    /// Read an order's progress at the carrier until it completes.
    RefreshOrder {
        order: OrderId,
    },
    /// Send a failed job again.
    RetryJob {
        job: JobId,
    },
    /// Give up a queued or failed job; what it would have changed stays as it is.
    CancelJob {
        job: JobId,
    },
    /// A page of the carrier's numbers, as a sync read them: what differs is applied.
    SyncNumbers {
        numbers: Vec<CarrierNumber>,
    },
    /// Numbers a complete sync did not find at the carrier: they leave the inventory.
    SyncGone {
        numbers: Vec<E164>,
    },
    /// The carrier's new-number orders, as a sync read them: those placed outside
    /// phonedesk (the AWS console) are listed under Orders, and followed to completion.
    SyncOrders {
        orders: Vec<CarrierOrder>,
    },
    /// The carrier's voice connectors, groups and default calling name, whole.
    SyncDirectory {
        connectors: Vec<CarrierConnector>,
        groups: Vec<CarrierGroup>,
        settings: CarrierSettings,
    },
    /// An LOA with its document (a file), for a port-in request filed at AWS Support.
    SubmitLoaFile {
        request: RequestId,
        loa: Loa,
        file: LoaFile,
    },
    /// Support requests as the carrier's support desk and porting orders show them.
    SyncRequests {
        cases: Vec<CaseProgress>,
    },
    /// A SIP media application in the sandbox (the real carrier's are made in the AWS
    /// console and brought by the sync).
    CreateSipMediaApplication {
        name: String,
        region: String,
    },
    /// The carrier's SIP media applications and SIP rules, whole.
    /// Takes back one of the actor's own recent changes (an audit entry).
    Undo(super::UndoTarget),
    SyncSipDirectory {
        apps: Vec<SipMediaApplication>,
        rules: Vec<SipRule>,
    },
}

impl Action {
    /// A short name for the audit log and status line.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Provision { .. } => "provision",
            Action::Assign { .. } => "assign",
            Action::Reassign { .. } => "reassign",
            Action::Unassign { .. } => "unassign",
            Action::SwitchProductType { .. } => "switch product type",
            Action::SetLabel { .. } => "set label",
            Action::SetDefaultCallingName { .. } => "set default calling name",
            Action::SetUniqueCallingName { .. } => "set unique calling name",
            Action::Delete { .. } => "delete",
            Action::Restore { .. } => "restore",
            Action::DismissFailed { .. } => "dismiss failed",
            Action::CreateAccount { .. } => "create account",
            Action::DeleteAccount { .. } => "delete account",
            Action::CreateUser { .. } => "create user",
            Action::SetUserPermissions { .. } => "set user permissions",
            Action::DeleteUser { .. } => "delete user",
            Action::CreateVoiceConnector { .. } => "create voice connector",
            Action::UpdateVoiceConnector { .. } => "update voice connector",
            Action::DeleteVoiceConnector { .. } => "delete voice connector",
            Action::CreateGroup { .. } => "create voice connector group",
            Action::UpdateGroup { .. } => "update voice connector group",
            Action::DeleteGroup { .. } => "delete voice connector group",
            Action::SubmitRequest(_) => "submit support request",
            Action::Reply { .. } => "reply to support request",
            Action::SubmitLoa { .. } => "submit LOA",
            Action::CancelRequest { .. } => "cancel support request",
            Action::CloseRequest { .. } => "close support request",
            Action::RunDue(_) => "complete due work",
            Action::CarrierAnswer { .. } => "carrier answer",
            Action::RefreshOrder { .. } => "refresh order",
            Action::RetryJob { .. } => "retry job",
            Action::CancelJob { .. } => "cancel job",
            Action::SyncNumbers { .. } => "sync numbers",
            Action::SyncGone { .. } => "sync numbers gone",
            Action::SyncOrders { .. } => "sync orders",
            Action::SyncDirectory { .. } => "sync directory",
            Action::SubmitLoaFile { .. } => "submit LOA",
            Action::SyncRequests { .. } => "sync support requests",
            Action::CreateSipMediaApplication { .. } => "create SIP media application",
            Action::SyncSipDirectory { .. } => "sync SIP media applications",
            Action::Undo(_) => "undo",
        }
    }

    /// The numbers an action names, for the audit log's by-number index: a refused
    /// action shows in the history of the numbers it was about.
    pub fn numbers(&self) -> Vec<E164> {
        match self {
            Action::Provision { numbers, .. }
            | Action::Assign { numbers, .. }
            | Action::Reassign { numbers, .. }
            | Action::Unassign { numbers }
            | Action::SwitchProductType { numbers, .. }
            | Action::Delete { numbers }
            | Action::Restore { numbers }
            | Action::DismissFailed { numbers } => numbers.clone(),
            Action::SetLabel { number, .. } | Action::SetUniqueCallingName { number, .. } => {
                vec![number.clone()]
            }
            Action::Undo(t) => super::changed_numbers(&t.changes)
                .into_iter()
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The support request an action is about, when it names one.
    pub fn request(&self) -> Option<&RequestId> {
        match self {
            Action::Reply { request, .. }
            | Action::SubmitLoa { request, .. }
            | Action::SubmitLoaFile { request, .. }
            | Action::CancelRequest { request }
            | Action::CloseRequest { request } => Some(request),
            _ => None,
        }
    }

    /// True for what only the scheduler and the carrier's side may send.
    pub fn is_system(&self) -> bool {
        matches!(
            self,
            Action::RunDue(_)
                | Action::CarrierAnswer { .. }
                | Action::RefreshOrder { .. }
                | Action::SyncNumbers { .. }
                | Action::SyncGone { .. }
                | Action::SyncOrders { .. }
                | Action::SyncDirectory { .. }
                | Action::SyncRequests { .. }
                | Action::SyncSipDirectory { .. }
        )
    }

    /// A one-line description for the audit log. Never contains secrets (PIN, account
    /// numbers): port forms are summarised, not dumped.
    pub fn describe(&self) -> String {
        fn list(ns: &[E164]) -> String {
            match ns.len() {
                0 => "no numbers".into(),
                1..=3 => ns.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", "),
                n => format!("{}, {} and {} more", ns[0], ns[1], n - 2),
            }
        }
        match self {
            Action::Provision {
                product_type,
                numbers,
            } => format!("provision {} as {}", list(numbers), product_type),
            Action::Assign { numbers, to } => format!(
                "assign {} to {} {}",
                list(numbers),
                to.kind_label(),
                to.key()
            ),
            Action::Reassign { numbers, to } => format!(
                "reassign {} to {} {}",
                list(numbers),
                to.kind_label(),
                to.key()
            ),
            Action::Unassign { numbers } => format!("unassign {}", list(numbers)),
            Action::SwitchProductType {
                numbers,
                product_type,
            } => format!("switch {} to {}", list(numbers), product_type),
            Action::SetLabel { number, .. } => format!("set the label of {number}"),
            Action::SetDefaultCallingName { name } => format!(
                "set the default calling name to {}",
                name.as_ref()
                    .map(|n| format!("“{n}”"))
                    .unwrap_or("nothing".into())
            ),
            Action::SetUniqueCallingName { number, name } => format!(
                "set the calling name of {number} to {}",
                name.as_ref()
                    .map(|n| format!("“{n}”"))
                    .unwrap_or("nothing".into())
            ),
            Action::Delete { numbers } => format!("delete {}", list(numbers)),
            Action::Restore { numbers } => format!("restore {}", list(numbers)),
            Action::DismissFailed { numbers } => format!("dismiss failed {}", list(numbers)),
            Action::CreateAccount { name } => format!("create account “{name}”"),
            Action::DeleteAccount { account } => format!("delete account {account}"),
            Action::CreateUser { account, name, .. } => {
                format!("create user “{name}” in {account}")
            }
            Action::SetUserPermissions { user, calling, sms } => {
                format!(
                    "set {user} calling {} and SMS {}",
                    on_off(*calling),
                    on_off(*sms)
                )
            }
            Action::DeleteUser { user } => format!("delete user {user}"),
            Action::CreateVoiceConnector { name, region, .. } => {
                format!("create voice connector “{name}” in {region}")
            }
            Action::UpdateVoiceConnector { connector, .. } => {
                format!("update voice connector {connector}")
            }
            Action::DeleteVoiceConnector { connector } => {
                format!("delete voice connector {connector}")
            }
            Action::CreateGroup { name, .. } => format!("create voice connector group “{name}”"),
            Action::UpdateGroup { group, .. } => format!("update voice connector group {group}"),
            Action::DeleteGroup { group } => format!("delete voice connector group {group}"),
            Action::SubmitRequest(NewRequest::Other { subject, .. }) => {
                format!("submit request “{subject}”")
            }
            Action::SubmitRequest(NewRequest::PortIn { form, .. }) => {
                format!("submit port in of {}", list(&form.numbers))
            }
            Action::SubmitRequest(NewRequest::PortOut { form, .. }) => {
                format!("submit port out of {}", list(&form.numbers))
            }
            Action::Reply { request, .. } => format!("reply to {request}"),
            Action::SubmitLoa { request, loa } => {
                format!("submit LOA for {request} ({})", loa.carrier)
            }
            Action::CancelRequest { request } => format!("cancel {request}"),
            Action::CloseRequest { request } => format!("close {request}"),
            Action::RunDue(due) => match &due.task {
                Task::CompleteOrder(id) => format!("complete order {id}"),
                Task::CompleteNumberName(n) => format!("complete the calling name update of {n}"),
                Task::CompleteDefaultName => "complete the default calling name update".into(),
                Task::Purge(n) => format!("purge {n} from the deletion queue"),
                Task::SupportStep(id) => format!("support desk step on {id}"),
            },
            Action::CarrierAnswer { job, answer } => match answer {
                JobAnswer::Sending => format!("{job} sent to the carrier"),
                JobAnswer::Done { failed, .. } if failed.is_empty() => {
                    format!("{job} carried out")
                }
                JobAnswer::Done { failed, .. } => {
                    format!("{job} carried out, {} refused", failed.len())
                }
                JobAnswer::Later { .. } => format!("{job} to be sent again"),
                JobAnswer::Uncertain { .. } => format!("{job} without a clear answer"),
                JobAnswer::Wait { .. } => format!("{job} waits on the carrier"),
                JobAnswer::Failed { .. } => format!("{job} failed"),
            },
            Action::RefreshOrder { order } => format!("refresh order {order}"),
            Action::RetryJob { job } => format!("retry {job}"),
            Action::CancelJob { job } => format!("cancel {job}"),
            Action::SyncNumbers { numbers } => {
                let ns: Vec<E164> = numbers.iter().map(|n| n.number.clone()).collect();
                format!("sync {}", list(&ns))
            }
            Action::SyncGone { numbers } => format!("sync: gone at the carrier {}", list(numbers)),
            Action::SyncOrders { orders } => format!("sync {} orders of the carrier", orders.len()),
            Action::SyncDirectory { .. } => {
                "sync voice connectors, groups and the default calling name".into()
            }
            Action::SubmitLoaFile { request, loa, file } => {
                format!(
                    "submit LOA for {request} ({}, file {})",
                    loa.carrier, file.name
                )
            }
            Action::CreateSipMediaApplication { name, region } => {
                format!("create SIP media application “{name}” in {region}")
            }
            Action::SyncSipDirectory { .. } => "sync SIP media applications and SIP rules".into(),
            Action::Undo(t) => format!("undo entry {} ({})", t.seq, t.action),
            Action::SyncRequests { cases } => match cases.as_slice() {
                [one] => format!("sync support request {}", one.request),
                many => format!("sync {} support requests", many.len()),
            },
        }
    }
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_actor_is_marked_local_and_never_reads_as_a_key() {
        assert_eq!(Actor::local(Some("ana")).name, "local:ana");
        assert_eq!(Actor::local(Some("ana")).role, Role::Admin);
        assert_eq!(Actor::local(None).name, "local:unknown");
        assert_eq!(Actor::local(Some("  ")).name, "local:unknown");
        assert_eq!(Actor::local(Some("a\u{1b}[31mna")).name, "local:a[31mna");
    }
}
