//! Every way an action can be refused, in words for the administrator. A refused action
//! changes nothing.

use super::{CallingNameError, JobId, NumberError, ProductType, Timestamp, E164};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{actor} has read-only access: ask an administrator to do this")]
    ReadOnly { actor: String },
    #[error("only the scheduler completes due work")]
    NotScheduler,
    #[error("Business Calling, accounts and users ended with the Amazon Chime service on 2026-02-20; the Chime SDK carrier has Voice Connector and SIP Media Application Dial-In numbers")]
    BusinessCallingEnded,
    #[error("the LOA file cannot be sent: {0}")]
    LoaFile(String),
    #[error("{what} is waiting on the carrier ({job}); wait for it to finish, or cancel it with `phonedesk jobs cancel {job}`")]
    JobInFlight { what: String, job: JobId },
    #[error("there is no carrier job {0}")]
    NoSuchJob(JobId),
    #[error("{0} has not failed; only a failed job can be sent again")]
    JobNotFailed(JobId),
    #[error("{0} may already have reached the carrier; wait for its answer")]
    JobSent(JobId),
    #[error(transparent)]
    Number(#[from] NumberError),
    #[error(transparent)]
    CallingName(#[from] CallingNameError),
    #[error("select at least one number")]
    NothingSelected,
    #[error("{}", match .0 { Some(seq) => format!("there is no audit entry {seq}"), None => "nothing of yours can be undone now: see `phonedesk undo --list`".to_string() })]
    UndoNothing(Option<u64>),
    #[error("entry {seq} is {actor}'s: you can undo only your own changes")]
    UndoNotYours { seq: u64, actor: String },
    #[error("entry {seq} ({action}) cannot be undone: {why}")]
    UndoNotPossible {
        seq: u64,
        action: String,
        why: String,
    },
    #[error("entry {seq} is older than the undo window of {window}")]
    UndoTooLate { seq: u64, window: String },
    #[error("{number} has changed since entry {seq} (its {field}): undo takes back only what nobody changed since")]
    UndoMovedOn {
        seq: u64,
        number: E164,
        field: &'static str,
    },
    #[error("{0} is not one of your numbers")]
    UnknownNumber(E164),
    #[error("{number} is not in the inventory (it is {status})")]
    NotInInventory { number: E164, status: String },
    #[error("{0} is already yours")]
    AlreadyHeld(E164),
    /// Someone else's hold (a mark in their provisioning wizard) keeps the number.
    #[error("{} is held by {holder} for {left}", number.national())]
    HeldByOther {
        number: E164,
        holder: String,
        left: String,
    },
    #[error("{0} is not available from the carrier any more; search again")]
    NotOffered(E164),
    #[error("the inventory is limited to {limit} numbers: {held} are held or pending and this would add {adding}; delete numbers or raise the limit first")]
    LimitExceeded {
        limit: usize,
        held: usize,
        adding: usize,
    },
    #[error("{0} is toll-free: toll-free numbers can only be Voice Connector numbers")]
    TollFreeBusinessCalling(E164),
    #[error("{number} is a {product} number: {hint}")]
    WrongAssignee {
        number: E164,
        product: ProductType,
        hint: &'static str,
    },
    #[error("{user} already has the Business Calling number {number}; unassign it first")]
    UserHasNumber { user: String, number: E164 },
    #[error("{number} is assigned to {to}; unassign it before you {what}")]
    IsAssigned {
        number: E164,
        to: String,
        what: &'static str,
    },
    #[error("{0} is not assigned")]
    NotAssigned(E164),
    #[error("only Voice Connector numbers can be reassigned; unassign {0} and assign it to the other user")]
    ReassignBusinessCalling(E164),
    #[error("only Voice Connector numbers can be reassigned; unassign {0} and assign it to the other SIP media application")]
    ReassignSipMediaApplication(E164),
    #[error("no SIP media application {0}")]
    UnknownSipMediaApplication(String),
    #[error("with the Chime SDK, SIP media applications are made in the AWS console; `phonedesk sync` brings them into the directory")]
    SipMediaApplicationAtCarrier,
    #[error("{number} is already {product}")]
    SameProductType { number: E164, product: ProductType },
    #[error("{0} is not in the deletion queue")]
    NotInDeletionQueue(E164),
    #[error("{number} can no longer be restored: its restore window closed at {closed_at}")]
    RestoreWindowClosed { number: E164, closed_at: Timestamp },
    #[error("{0} is not a failed acquisition")]
    NotFailed(E164),
    #[error("the default calling name was changed at {last}; it can change again at {next}")]
    DefaultNameCooldown { last: Timestamp, next: Timestamp },
    #[error("{what} is already {name}: nothing to change")]
    NameUnchanged { what: String, name: String },
    #[error(
        "{number} was ported out to another carrier: unassign and delete it; it cannot be {what}"
    )]
    PortedOut { number: E164, what: &'static str },
    #[error("{number} is being ported out by {request}; it cannot be {what} until the port completes or is cancelled")]
    PortOutInProgress {
        number: E164,
        request: String,
        what: &'static str,
    },
    #[error("{email} is already the email of {user}")]
    EmailTaken { email: String, user: String },
    #[error("{number} is already assigned to {to}")]
    AlreadyAssignedThere { number: E164, to: String },
    #[error(
        "the requested port date {requested} is in the past; pick a date and time from now on"
    )]
    RequestedInPast { requested: Timestamp },
    #[error(
        "the default calling name update is still in progress; it completes at {completes_at}"
    )]
    DefaultNameInProgress { completes_at: Timestamp },
    #[error("the calling name of {number} is still being updated; try again after {completes_at}")]
    NameUpdateInProgress {
        number: E164,
        completes_at: Timestamp,
    },
    #[error("a label has at most 256 characters")]
    LabelTooLong,
    /// The real carrier's rule for a number's `Name`, checked before anything is sent.
    #[error("the carrier refuses this label: {0}")]
    CarrierLabel(#[from] crate::domain::CarrierLabelError),
    #[error("no account {0}")]
    UnknownAccount(String),
    #[error("no user {0}")]
    UnknownUser(String),
    #[error("user {user} is not in account {account}")]
    UserNotInAccount { user: String, account: String },
    #[error("no voice connector {0}")]
    UnknownVoiceConnector(String),
    #[error("no voice connector group {0}")]
    UnknownGroup(String),
    #[error("{ids} are all {what} named “{name}”: use the id")]
    AmbiguousName {
        what: &'static str,
        name: String,
        ids: String,
    },
    #[error("no support request {0}")]
    UnknownRequest(String),
    #[error("{what} cannot be empty")]
    Empty { what: &'static str },
    #[error("{what} has at most {max} characters")]
    TooLong { what: &'static str, max: usize },
    #[error("{what} contains {hidden} at position {position}")]
    HiddenCharacter {
        what: String,
        hidden: crate::text::Hidden,
        position: usize,
    },
    #[error("“{0}” is not a Voice Connector region (try us-east-1 or us-west-2)")]
    UnknownRegion(String),
    #[error("there can be at most 3 voice connector groups; delete one first")]
    TooManyGroups,
    #[error("a voice connector group holds at most 3 voice connectors")]
    TooManyMembers,
    #[error("a group member's priority is 1 (highest) to 99, not {0}")]
    BadPriority(u8),
    #[error("{0} appears twice in the group")]
    DuplicateMember(String),
    #[error("a voice connector group needs at least one voice connector")]
    NoMembers,
    #[error("{name} still has {} assigned; unassign {} first", super::counted(*count as u64, "number"), if *count == 1 { "it" } else { "them" })]
    HasNumbers { name: String, count: usize },
    #[error("{name} is a member of voice connector group {group}; remove it from the group first")]
    InGroup { name: String, group: String },
    #[error("account {name} still has {}; delete {} first", super::counted(*count as u64, "user"), if *count == 1 { "it" } else { "them" })]
    AccountHasUsers { name: String, count: usize },
    #[error("{0} is not a US number: only United States numbers can be ported in")]
    PortInNotUs(E164),
    #[error(
        "create a voice connector first: Voice Connector numbers are ported to a voice connector"
    )]
    PortInNeedsVoiceConnector,
    /// `form` names the request being filed ("port-in form", "plain request"), so the
    /// administrator knows which form to complete.
    #[error("the {form} is missing the {field}")]
    MissingField {
        form: &'static str,
        field: &'static str,
    },
    #[error("“{0}” is not an email address")]
    BadEmail(String),
    #[error("{0} is not in your inventory, so it cannot be ported out")]
    NotOursToPortOut(E164),
    #[error("{number} is a {actual} number, not {claimed}")]
    ProductMismatch {
        number: E164,
        actual: ProductType,
        claimed: ProductType,
    },
    #[error("{number} is listed twice")]
    Duplicate { number: E164 },
    #[error("{request} is not a port-in request")]
    NotPortIn { request: String },
    #[error("{request} is {status}: {hint}")]
    WrongRequestState {
        request: String,
        status: &'static str,
        hint: &'static str,
    },
    #[error("{number} is already being ported in by {request}")]
    PortInProgress { number: E164, request: String },
}
