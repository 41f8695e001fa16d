//! The command line's grammar (clap derive). Values stay text here: the domain's parsers
//! (`E164::parse`, `CallingName::parse`, ...) turn them into types, so the messages are
//! the same as in the console.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "phonedesk",
    version,
    about = "A keyboard-first console for an organisation's phone numbers",
    long_about = "A keyboard-first console for an organisation's phone numbers.\n\nWith no command, opens the console. Every action of the console is also a command below; add --json for scripts.",
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Configuration file (default: the platform's config directory; env PHONEDESK_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database directory, or a PostgreSQL address postgres://USER@HOST:PORT/DATABASE
    /// (default: the platform's data directory; env PHONEDESK_DB).
    #[arg(long, global = true, value_name = "DIR|URL")]
    pub db: Option<PathBuf>,
    /// The organisation to work on in a PostgreSQL database (default: `default`; env
    /// PHONEDESK_ORG, or `[database] organisation`). Over SSH the key decides.
    #[arg(long, global = true, value_name = "NAME")]
    pub org: Option<String>,
    /// Print JSON on stdout, for scripts.
    #[arg(long, global = true)]
    pub json: bool,
    /// Answer yes to confirmations (needed for destructive commands without a terminal).
    #[arg(long, short = 'y', global = true)]
    pub yes: bool,
    /// With a remote carrier: return once the change is sent, without waiting for the
    /// carrier's answer (the console, `serve` or the next command records it).
    #[arg(long, global = true)]
    pub no_wait: bool,
    /// Open the console on a throwaway demo database (<data dir>/demo, refilled each time)
    /// with an example organisation and durations of seconds and minutes.
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the carrier for available numbers.
    Search(SearchArgs),
    /// Order numbers: they wait in Pending until the carrier completes the order.
    Provision(ProvisionArgs),
    /// Provisioning and porting orders.
    #[command(subcommand)]
    Orders(OrdersCmd),
    /// List the numbers, or show one number's details.
    #[command(subcommand)]
    Numbers(NumbersCmd),
    /// Assign inventory numbers: Business Calling to a user, Voice Connector to a connector or group, SIP Media Application Dial-In to a SIP media application.
    Assign(AssignArgs),
    /// Move Voice Connector numbers to another connector or group in one step.
    Reassign(AssignArgs),
    /// Unassign numbers (asks for confirmation).
    Unassign(NumbersArg),
    /// Switch unassigned numbers between Business Calling and Voice Connector.
    SwitchProductType(SwitchArgs),
    /// Set or clear a number's label.
    Label(LabelArgs),
    /// Outbound calling names: the default for every number, or one number's own.
    #[command(subcommand)]
    CallingName(CallingNameCmd),
    /// Move unassigned numbers to the deletion queue (asks for confirmation).
    Delete(NumbersArg),
    /// Move numbers from the deletion queue back to the inventory.
    Restore(NumbersArg),
    /// List the deletion queue with the time left to restore each number.
    DeletionQueue,
    /// Clear failed acquisitions from Pending.
    Dismiss(NumbersArg),
    /// Accounts and users, voice connectors, voice connector groups.
    #[command(subcommand)]
    Directory(DirectoryCmd),
    /// Support requests, including port in and port out.
    #[command(subcommand)]
    Support(SupportCmd),
    /// The audit log, newest first, with what each action changed; filters and CSV.
    Audit(AuditArgs),
    /// One number's timeline: ordered, acquired, assigned, renamed, deleted, restored,
    /// changed outside phonedesk; who did each and what it was before.
    History(HistoryArgs),
    /// Undo your latest change of the last minutes (assign, unassign, reassign, label,
    /// product type, a unique calling name still updating, delete), or entry N; --list
    /// shows what can be undone.
    Undo(UndoArgs),
    /// Apply one change per number from a CSV file (number,change,value; `-` reads stdin):
    /// assign, reassign, unassign, label, product-type, calling-name, delete. A report per
    /// row; exit 1 when any row was refused.
    Apply(ApplyArgs),
    /// Export the numbers as CSV or JSON.
    Export(ExportArgs),
    /// Check the database's invariants and indexes; exit 1 when something is wrong.
    Check,
    /// Complete due work now (orders, name updates, purges, support steps).
    RunDue,
    /// Carrier jobs: changes sent, or waiting to be sent, to a remote carrier.
    #[command(subcommand)]
    Jobs(JobsCmd),
    /// Read the carrier's numbers, voice connectors, groups and default calling name, and
    /// apply what changed outside phonedesk.
    Sync,
    /// Stream notices as they happen, one line each (--json: one JSON record a line): orders
    /// completed, partial or failed; ports moving, given their date, completed; calling
    /// names landed or failed; numbers changed outside phonedesk; purges within 24 h; the
    /// inventory at 90 % of its limit. Runs until Ctrl-C or until its reader goes away.
    Watch(WatchArgs),
    /// Serve consoles over SSH on the configured address.
    Serve,
    /// Print every record of the database in debugging form (secrets stay masked).
    #[command(hide = true)]
    Dump,
    /// Serve the simulated carrier over the Chime SDK Voice API on a loopback port, for
    /// trying the real adapter offline (--db: the simulation's own database; default: a
    /// temporary one).
    FakeChime(FakeChimeArgs),
    /// The database itself: `copy` moves a sled directory to PostgreSQL and back.
    #[command(subcommand)]
    Db(DbCommand),
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy every record, index and audit entry into a new, empty database (a directory or
    /// postgres://…), then check the copy. Neither may be open in another phonedesk.
    Copy(DbCopyArgs),
}

#[derive(Debug, Args)]
pub struct DbCopyArgs {
    /// The database to copy: a directory or postgres://USER@HOST:PORT/DATABASE.
    #[arg(long, value_name = "DIR|URL")]
    pub from: PathBuf,
    /// The new database: a directory (made when missing) or postgres://…; it must hold no
    /// phonedesk records yet.
    #[arg(long, value_name = "DIR|URL")]
    pub to: PathBuf,
}

#[derive(Debug, Args, Default, Clone)]
pub struct WatchArgs {
    /// Only these notices (repeat the flag or separate with commas): order-completed,
    /// order-partial, order-failed, port-status, port-date, port-completed, name-landed,
    /// name-failed, changed-outside, purge-soon, near-limit.
    #[arg(long = "kind", value_name = "KIND", value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// Every change and background trouble too, not only the notices.
    #[arg(long)]
    pub all: bool,
    /// Stop after this many lines.
    #[arg(long, value_name = "N", value_parser = whole_number)]
    pub count: Option<usize>,
}

#[derive(Debug, Args)]
pub struct FakeChimeArgs {
    /// The address to listen on: a loopback address; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: String,
    /// The simulation's seed (default: the configuration's carrier seed).
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Debug, Args, Default, Clone)]
pub struct SearchFlags {
    /// Two-letter state code or state name: WA, Washington.
    #[arg(long)]
    pub state: Option<String>,
    /// City, with --state.
    #[arg(long)]
    pub city: Option<String>,
    /// Area code: 206.
    #[arg(long, value_name = "NPA")]
    pub area_code: Option<String>,
    /// Toll-free prefix: 800, 833, 844, 855, 866, 877 or 888.
    #[arg(long, value_name = "PREFIX")]
    pub toll_free_prefix: Option<String>,
    /// Digits the number must contain: 555.
    #[arg(long, value_name = "DIGITS")]
    pub contains: Option<String>,
    /// local or toll-free.
    #[arg(long = "type", value_name = "TYPE")]
    pub number_type: Option<String>,
    /// Country (the carrier has US numbers only).
    #[arg(long, default_value = "US")]
    pub country: String,
}

impl SearchFlags {
    pub fn any(&self) -> bool {
        self.state.is_some()
            || self.city.is_some()
            || self.area_code.is_some()
            || self.toll_free_prefix.is_some()
            || self.contains.is_some()
            || self.number_type.is_some()
    }
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub flags: SearchFlags,
    /// The product type you mean to provision (shown with the results).
    #[arg(long, value_name = "TYPE")]
    pub product_type: Option<String>,
    /// How many numbers, at most (default 10, up to 500).
    #[arg(long, value_parser = whole_number)]
    pub limit: Option<usize>,
}

#[derive(Debug, Args)]
pub struct ProvisionArgs {
    /// BusinessCalling (bc) or VoiceConnector (vc).
    #[arg(long, value_name = "TYPE")]
    pub product_type: String,
    /// The numbers to order, from a search. Or give search flags to order what they find.
    pub numbers: Vec<String>,
    #[command(flatten)]
    pub search: SearchFlags,
    /// With search flags: how many of the results to order (default 1).
    #[arg(long, value_parser = whole_number)]
    pub limit: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum OrdersCmd {
    /// Every order, newest first.
    List,
    /// One order with its numbers.
    Show { id: String },
}

#[derive(Debug, Subcommand)]
pub enum NumbersCmd {
    /// Numbers with their status, filtered.
    List(ListArgs),
    /// One number's details.
    Show { number: String },
}

#[derive(Debug, Args, Default)]
pub struct ListArgs {
    /// A status: AcquireInProgress, AcquireFailed, PortinInProgress, Unassigned, Assigned, DeleteInProgress.
    #[arg(long)]
    pub status: Option<String>,
    /// pending, inventory or deletion-queue.
    #[arg(long)]
    pub place: Option<String>,
    #[arg(long, value_name = "TYPE")]
    pub product_type: Option<String>,
    /// A user, voice connector or group id: user-1, vc-2, vcg-1.
    #[arg(long, value_name = "ID")]
    pub assigned_to: Option<String>,
    /// Where the number rings: a city (Seattle).
    #[arg(long)]
    pub city: Option<String>,
    /// Where the number rings: a state (WA or Washington).
    #[arg(long)]
    pub state: Option<String>,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    #[arg(required = true)]
    pub numbers: Vec<String>,
    /// A user for Business Calling numbers (user-1).
    #[arg(long, value_name = "ID", conflicts_with_all = ["voice_connector", "group"])]
    pub user: Option<String>,
    /// The user's account (default: the account the user belongs to).
    #[arg(long, value_name = "ID", requires = "user")]
    pub account: Option<String>,
    /// A voice connector for Voice Connector numbers (vc-1).
    #[arg(long, value_name = "ID", conflicts_with = "group")]
    pub voice_connector: Option<String>,
    /// A voice connector group for Voice Connector numbers (vcg-1).
    #[arg(long, value_name = "ID", conflicts_with = "sip_media_application")]
    pub group: Option<String>,
    /// A SIP media application for SIP Media Application Dial-In numbers (sma-1, or its
    /// name): a SIP rule triggered by the number routes it there.
    #[arg(
        long,
        visible_alias = "sma",
        value_name = "ID",
        conflicts_with_all = ["user", "voice_connector"]
    )]
    pub sip_media_application: Option<String>,
}

#[derive(Debug, Args)]
pub struct NumbersArg {
    #[arg(required = true)]
    pub numbers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct SwitchArgs {
    #[arg(required = true)]
    pub numbers: Vec<String>,
    /// BusinessCalling (bc) or VoiceConnector (vc).
    #[arg(long, value_name = "TYPE")]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    pub number: String,
    /// The label; leave out with --clear.
    #[arg(required_unless_present = "clear")]
    pub text: Option<String>,
    #[arg(long, conflicts_with = "text")]
    pub clear: bool,
}

#[derive(Debug, Subcommand)]
pub enum CallingNameCmd {
    /// Show the default calling name, or set it (once every 7 days).
    Default {
        /// 2 to 15 letters, digits and spaces.
        name: Option<String>,
        /// Clear the default calling name.
        #[arg(long, conflicts_with = "name")]
        clear: bool,
    },
    /// Set or clear one number's unique calling name.
    Set {
        number: String,
        /// 2 to 15 letters, digits and spaces.
        #[arg(required_unless_present = "clear")]
        name: Option<String>,
        #[arg(long, conflicts_with = "name")]
        clear: bool,
    },
    /// The default name and every unique name, with their update state.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum DirectoryCmd {
    /// Accounts (list with no further word).
    Accounts {
        #[command(subcommand)]
        cmd: Option<AccountsCmd>,
    },
    /// Users (list with no further word).
    Users {
        #[command(subcommand)]
        cmd: Option<UsersCmd>,
    },
    /// Voice connectors (list with no further word).
    VoiceConnectors {
        #[command(subcommand)]
        cmd: Option<ConnectorsCmd>,
    },
    /// Voice connector groups (list with no further word).
    Groups {
        #[command(subcommand)]
        cmd: Option<GroupsCmd>,
    },
    /// SIP media applications and the numbers their SIP rules route (list with no further
    /// word).
    #[command(name = "sip-media-applications", visible_alias = "smas")]
    SipMediaApplications {
        #[command(subcommand)]
        cmd: Option<SmaCmd>,
    },
    /// SIP rules triggered by a phone number: how SIP Media Application Dial-In numbers
    /// are assigned.
    #[command(name = "sip-rules")]
    SipRules,
}

#[derive(Debug, Subcommand)]
pub enum SmaCmd {
    List,
    /// A SIP media application in the sandbox (with the Chime SDK they are made in the
    /// AWS console and brought by `phonedesk sync`).
    Create {
        #[arg(long)]
        name: String,
        /// us-east-1, us-west-2, ...
        #[arg(long, default_value = "us-east-1")]
        region: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountsCmd {
    List,
    /// Create an account: --name NAME (or the name alone).
    Create {
        /// The account's name.
        #[arg(
            long = "name",
            value_name = "NAME",
            required_unless_present = "positional_name"
        )]
        name: Option<String>,
        /// The name, given without --name.
        #[arg(value_name = "NAME", conflicts_with = "name")]
        positional_name: Option<String>,
    },
    /// Delete an account with no users (asks for confirmation).
    Delete {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    List {
        #[arg(long, value_name = "ID")]
        account: Option<String>,
    },
    Create {
        #[arg(long, value_name = "ID")]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
    },
    /// Calling and SMS permissions; the user must sign out and in again.
    Edit {
        id: String,
        /// on or off.
        #[arg(long, value_name = "on|off")]
        calling: Option<String>,
        /// on or off.
        #[arg(long, value_name = "on|off")]
        sms: Option<String>,
    },
    /// Delete a user with no number (asks for confirmation).
    Delete { id: String },
}

#[derive(Debug, Subcommand)]
pub enum ConnectorsCmd {
    List,
    Create {
        #[arg(long)]
        name: String,
        /// us-east-1, us-west-2, ... (fixed once created).
        #[arg(long, default_value = "us-east-1")]
        region: String,
        /// on or off.
        #[arg(long, value_name = "on|off", default_value = "on")]
        encryption: String,
    },
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_name = "on|off")]
        encryption: Option<String>,
    },
    /// Delete a connector with no numbers and in no group (asks for confirmation).
    Delete {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum GroupsCmd {
    List,
    Create {
        #[arg(long)]
        name: String,
        /// A member connector and its priority (1 highest): vc-1:1. Up to 3.
        #[arg(long = "member", value_name = "VC:PRIORITY")]
        members: Vec<String>,
    },
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        /// Replaces the members: vc-1:1 --member vc-2:2.
        #[arg(long = "member", value_name = "VC:PRIORITY")]
        members: Vec<String>,
    },
    /// Delete a group with no numbers (asks for confirmation).
    Delete {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SupportCmd {
    /// Every request, newest first.
    List,
    /// One request with its thread. Secrets stay masked unless --reveal.
    Show {
        id: String,
        /// Show the port-out PIN given by support.
        #[arg(long)]
        reveal: bool,
    },
    /// File a plain request.
    New {
        /// General, Billing, Technical or Other.
        #[arg(long, default_value = "Other")]
        category: String,
        #[arg(long)]
        subject: String,
        #[arg(long)]
        issue: String,
        #[arg(long)]
        email: String,
    },
    /// Ask to port US numbers in.
    PortIn(PortInArgs),
    /// Ask to port numbers out to another carrier.
    PortOut {
        #[arg(required = true)]
        numbers: Vec<String>,
        #[arg(long, value_name = "TYPE")]
        product_type: String,
        #[arg(long)]
        email: String,
    },
    /// Reply on a request's thread.
    Reply { id: String, text: String },
    /// Submit the Letter of Authorization a port-in asks for (one per current carrier).
    Loa {
        id: String,
        #[arg(long)]
        carrier: String,
        #[arg(long)]
        authorizing_person: String,
        #[arg(long, value_name = "NUMBER")]
        btn: String,
        #[arg(long)]
        service_address: String,
        /// The signed LOA document to attach to the AWS Support case (5 MB at most).
        #[arg(long, value_name = "PATH")]
        file: Option<std::path::PathBuf>,
    },
    /// Ask support to cancel a request (asks for confirmation).
    Cancel { id: String },
    /// Close a plain request.
    Close { id: String },
}

#[derive(Debug, Args)]
pub struct PortInArgs {
    /// The numbers to port in.
    pub numbers: Vec<String>,
    /// BusinessCalling (bc) or VoiceConnector (vc).
    #[arg(long, value_name = "TYPE")]
    pub product_type: Option<String>,
    /// Billing telephone number of the account at the current carrier.
    #[arg(long, value_name = "NUMBER")]
    pub btn: Option<String>,
    /// The person in charge of billing with the current carrier.
    #[arg(long)]
    pub authorizing_person: Option<String>,
    /// The current carrier, if known.
    #[arg(long)]
    pub current_carrier: Option<String>,
    /// Service account number, if the carrier has one (kept secret).
    #[arg(long)]
    pub service_account_number: Option<String>,
    /// Service PIN, if available (kept secret).
    #[arg(long)]
    pub service_pin: Option<String>,
    /// As on the current carrier's contract.
    #[arg(long)]
    pub service_address: Option<String>,
    /// As on the current carrier's contract.
    #[arg(long)]
    pub customer_name: Option<String>,
    /// Requested date and time of the port, in your time zone (TZ): 2026-12-01T09:00, or
    /// with an offset: 2026-12-01T09:00+02:00, 2026-12-01T07:00Z.
    #[arg(long, value_name = "WHEN")]
    pub requested: Option<String>,
    /// For Voice Connector numbers: the connector they are for (vc-1).
    #[arg(long, value_name = "ID")]
    pub voice_connector: Option<String>,
    /// The email of your administrator account.
    #[arg(long)]
    pub email: Option<String>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Entries to show, newest first.
    #[arg(long, default_value_t = 50, value_parser = at_least_one)]
    pub limit: usize,
    /// Only entries about this number (named by the action or changed by it).
    #[arg(long, value_name = "NUMBER")]
    pub number: Option<String>,
    /// Only what this actor did: an SSH key's name, local:LOGIN, carrier or scheduler.
    #[arg(long, value_name = "WHO")]
    pub actor: Option<String>,
    /// Only this action, by the name the log shows: assign, delete, "sync numbers".
    #[arg(long, value_name = "NAME")]
    pub action: Option<String>,
    /// Only entries at or after this time (2026-12-01 09:00 in your zone, or RFC 3339).
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only entries before this time.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// Only refused actions.
    #[arg(long)]
    pub failed: bool,
    /// Write CSV (one row per entry) instead of a table.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The CSV file, or - for stdin.
    pub file: PathBuf,
    /// Check every row against the rules and say what would happen; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The audit entry to undo (its number in `audit --json`, `undo --list`); default:
    /// your latest change that can be undone.
    #[arg(value_parser = entry_number)]
    pub entry: Option<u64>,
    /// List your changes of the undo window, and whether each can be undone now.
    #[arg(long, conflicts_with = "entry")]
    pub list: bool,
}

/// An audit entry's number as typed: `12` or `#12`.
fn entry_number(text: &str) -> Result<u64, String> {
    text.trim()
        .trim_start_matches('#')
        .parse()
        .map_err(|_| "must be an audit entry's number such as 12".to_string())
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The number: +12065550123 or (206) 555-0123.
    pub number: String,
    /// The latest entries to show, oldest first.
    #[arg(long, default_value_t = 1000, value_parser = at_least_one)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// csv or json.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only pending, inventory or deletion-queue.
    #[arg(long)]
    pub place: Option<String>,
}

/// A count of entries to show: none would read as "nothing recorded".
fn at_least_one(text: &str) -> Result<usize, String> {
    match whole_number(text)? {
        0 => Err("must be at least 1".to_string()),
        n => Ok(n),
    }
}

/// A count as typed: clap's own message for these is Rust's ("invalid digit found in
/// string").
fn whole_number(text: &str) -> Result<usize, String> {
    text.trim()
        .parse()
        .map_err(|_| "must be a whole number such as 10".to_string())
}

#[derive(Debug, Subcommand)]
pub enum JobsCmd {
    /// List the carrier jobs, oldest first.
    List,
    /// Send a failed job again.
    Retry {
        /// The job's id: job-3 or 3.
        job: String,
    },
    /// Give up a queued or failed job.
    Cancel {
        /// The job's id: job-3 or 3.
        job: String,
    },
}
