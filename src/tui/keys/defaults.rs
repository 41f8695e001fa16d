//! The console's vocabulary: every command, its name, its default keys and its help line.
//! Add a screen's commands here (with a new `Scope`) and they appear in `?` and `:`.

use super::CmdInfo;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Everywhere outside text input.
    Global,
    /// Moving in tables and lists.
    Navigation,
    Orders,
    Pending,
    Inventory,
    Provision,
    DeletionQueue,
    Support,
    Directory,
    Audit,
    Jobs,
}

impl Scope {
    pub fn label(self) -> &'static str {
        match self {
            Scope::Global => "every",
            Scope::Navigation => "table",
            Scope::Orders => "Orders",
            Scope::Pending => "Pending",
            Scope::Inventory => "Inventory",
            Scope::Provision => "Provision",
            Scope::DeletionQueue => "Deletion queue",
            Scope::Support => "Support",
            Scope::Directory => "Directory",
            Scope::Audit => "Audit",
            Scope::Jobs => "Jobs",
        }
    }

    /// Whether keys of the two scopes can be pressed on the same screen.
    pub fn overlaps(self, other: Scope) -> bool {
        self == other
            || matches!(self, Scope::Global | Scope::Navigation)
            || matches!(other, Scope::Global | Scope::Navigation)
    }

    /// The screen's scope of the two, for messages.
    pub fn narrower(self, other: Scope) -> Scope {
        if matches!(self, Scope::Global | Scope::Navigation) {
            other
        } else {
            self
        }
    }
}

/// Everything the console can be asked to do from a key, the help or the `:` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cmd {
    // Global
    Quit,
    Help,
    Messages,
    Undo,
    CommandLine,
    Filter,
    Back,
    NextTab,
    PrevTab,
    GoOrders,
    GoPending,
    GoInventory,
    GoDeletionQueue,
    GoSupport,
    GoDirectory,
    GoAudit,
    GoJobs,
    Goto,
    View,
    Sort,
    ApplyToMatches,
    // Navigation
    Up,
    Down,
    Left,
    Right,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Mark,
    MarkAll,
    Details,
    Copy,
    Provision,
    // Inventory
    Assign,
    Reassign,
    Unassign,
    SwitchProductType,
    DefaultCallingName,
    UniqueCallingName,
    Delete,
    Export,
    PortOutNumbers,
    // Pending
    DismissFailed,
    // Provision wizard
    Search,
    // Deletion queue
    Restore,
    // Support
    NewRequest,
    PortInRequest,
    PortOutRequest,
    Reply,
    SubmitLoa,
    CancelRequest,
    CloseRequest,
    Reveal,
    // Directory
    NextSection,
    PrevSection,
    Create,
    CreateAccount,
    Edit,
    Remove,
    ToggleCalling,
    ToggleSms,
    ToggleEncryption,
    // Jobs
    RetryJob,
    CancelJob,
}

macro_rules! cmd {
    ($cmd:ident, $name:literal, $scope:ident, [$($key:literal),*], $help:literal) => {
        CmdInfo { cmd: Cmd::$cmd, name: $name, scope: Scope::$scope, keys: &[$($key),*], help: $help }
    };
}

pub const COMMANDS: &[CmdInfo] = &[
    cmd!(
        Quit,
        "quit",
        Global,
        ["q", "ctrl-c"],
        "Quit (asks first when a form holds unsaved input)"
    ),
    cmd!(
        Help,
        "help",
        Global,
        ["?", "F1"],
        "Show the keys of this screen"
    ),
    cmd!(
        Messages,
        "messages",
        Global,
        ["M"],
        "Message log (results and events, with times)"
    ),
    cmd!(
        Undo,
        "undo",
        Global,
        ["z"],
        "Undo your latest change of the undo window"
    ),
    cmd!(
        CommandLine,
        "command",
        Global,
        [":"],
        "Type a command by name, Tab completes"
    ),
    cmd!(
        Filter,
        "filter",
        Global,
        ["/"],
        "Filter the table as you type; Esc clears"
    ),
    cmd!(
        Back,
        "back",
        Global,
        ["Esc"],
        "Go back, close, clear the filter"
    ),
    cmd!(NextTab, "next-tab", Global, ["Tab"], "Next screen"),
    cmd!(
        PrevTab,
        "prev-tab",
        Global,
        ["shift-tab"],
        "Previous screen"
    ),
    cmd!(GoOrders, "orders", Global, ["1"], "Orders"),
    cmd!(GoPending, "pending", Global, ["2"], "Pending"),
    cmd!(GoInventory, "inventory", Global, ["3"], "Inventory"),
    cmd!(
        GoDeletionQueue,
        "deletion-queue",
        Global,
        ["4"],
        "Deletion queue"
    ),
    cmd!(GoSupport, "support", Global, ["5"], "Support"),
    cmd!(GoDirectory, "directory", Global, ["6"], "Directory"),
    cmd!(GoAudit, "audit", Global, ["7"], "Audit log"),
    cmd!(
        GoJobs,
        "jobs",
        Global,
        ["8"],
        "Carrier jobs: changes waiting for the real carrier"
    ),
    cmd!(
        Goto,
        "goto",
        Global,
        [],
        "Go to a number, order or request: :goto order-12"
    ),
    cmd!(
        View,
        "view",
        Global,
        [],
        "A saved view of the configuration: :view NAME"
    ),
    cmd!(
        ApplyToMatches,
        "apply",
        Inventory,
        [],
        "One change to every number the filter matches: :apply assign vc:Main trunk"
    ),
    cmd!(
        Sort,
        "sort",
        Global,
        [],
        "Sort by a column: :sort status, :sort status desc"
    ),
    cmd!(
        Provision,
        "provision",
        Global,
        ["p"],
        "Provision phone numbers (in the wizard: order the marked numbers)"
    ),
    cmd!(Up, "up", Navigation, ["k", "Up"], "Move up"),
    cmd!(Down, "down", Navigation, ["j", "Down"], "Move down"),
    cmd!(
        Left,
        "left",
        Navigation,
        ["h", "Left"],
        "Previous screen (or step)"
    ),
    cmd!(
        Right,
        "right",
        Navigation,
        ["l", "Right"],
        "Next screen (or step)"
    ),
    cmd!(Top, "top", Navigation, ["g", "Home"], "First row"),
    cmd!(Bottom, "bottom", Navigation, ["G", "End"], "Last row"),
    cmd!(PageUp, "page-up", Navigation, ["PgUp", "ctrl-b"], "Page up"),
    cmd!(
        PageDown,
        "page-down",
        Navigation,
        ["PgDn", "ctrl-f"],
        "Page down"
    ),
    cmd!(
        Mark,
        "mark",
        Navigation,
        ["Space"],
        "Mark or unmark the row"
    ),
    cmd!(
        MarkAll,
        "mark-all",
        Navigation,
        ["*", "ctrl-a"],
        "Mark all visible rows (again: unmark all)"
    ),
    cmd!(
        Details,
        "details",
        Navigation,
        ["Enter"],
        "Open details; in an order, its numbers"
    ),
    cmd!(
        Copy,
        "copy",
        Navigation,
        ["y"],
        "Copy number or id (clipboard, OSC 52)"
    ),
    cmd!(
        Assign,
        "assign",
        Inventory,
        ["a"],
        "Assign to a user, voice connector or group"
    ),
    cmd!(
        Reassign,
        "reassign",
        Inventory,
        ["r"],
        "Reassign Voice Connector numbers"
    ),
    cmd!(
        Unassign,
        "unassign",
        Inventory,
        ["u"],
        "Unassign (asks to confirm)"
    ),
    cmd!(
        SwitchProductType,
        "product-type",
        Inventory,
        ["t"],
        "Switch the product type of unassigned numbers"
    ),
    cmd!(
        DefaultCallingName,
        "default-name",
        Inventory,
        ["N"],
        "Update the default calling name"
    ),
    cmd!(
        UniqueCallingName,
        "calling-name",
        Inventory,
        ["n"],
        "Update the unique calling name of a number"
    ),
    cmd!(
        Delete,
        "delete",
        Inventory,
        ["d", "Delete"],
        "Delete unassigned numbers (asks to confirm)"
    ),
    cmd!(
        Export,
        "export",
        Inventory,
        ["e"],
        "Export the inventory as CSV"
    ),
    cmd!(
        PortOutNumbers,
        "port-out-marked",
        Inventory,
        ["o"],
        "Port out marked numbers (or this one)"
    ),
    cmd!(
        DismissFailed,
        "dismiss",
        Pending,
        ["x"],
        "Dismiss failed acquisitions"
    ),
    cmd!(Search, "search", Provision, ["s"], "Edit the search"),
    cmd!(
        Restore,
        "restore",
        DeletionQueue,
        ["r", "m"],
        "Move to inventory (marked or current)"
    ),
    cmd!(
        NewRequest,
        "new-request",
        Support,
        ["n"],
        "Submit a support request"
    ),
    cmd!(
        PortInRequest,
        "port-in",
        Support,
        ["i"],
        "Request to port existing numbers in"
    ),
    cmd!(
        PortOutRequest,
        "port-out",
        Support,
        ["o"],
        "Request to port numbers out"
    ),
    cmd!(Reply, "reply", Support, ["r"], "Reply to the request"),
    cmd!(
        SubmitLoa,
        "loa",
        Support,
        ["L"],
        "Submit the LOA of a port-in request"
    ),
    cmd!(
        CancelRequest,
        "cancel-request",
        Support,
        ["c"],
        "Cancel the request (asks to confirm)"
    ),
    cmd!(
        CloseRequest,
        "close-request",
        Support,
        ["x"],
        "Close a plain request"
    ),
    cmd!(
        Reveal,
        "reveal",
        Support,
        ["v"],
        "Show/hide the port-out account ID, PIN"
    ),
    cmd!(
        NextSection,
        "next-section",
        Directory,
        ["]"],
        "Next section: users, connectors, groups, SIP media applications"
    ),
    cmd!(
        PrevSection,
        "prev-section",
        Directory,
        ["["],
        "Previous section"
    ),
    cmd!(
        Create,
        "new",
        Directory,
        ["n"],
        "New user, voice connector or group"
    ),
    cmd!(
        CreateAccount,
        "new-account",
        Directory,
        ["A"],
        "Create an account"
    ),
    cmd!(
        Edit,
        "edit",
        Directory,
        ["e"],
        "Edit the voice connector or group"
    ),
    cmd!(
        Remove,
        "remove",
        Directory,
        ["d", "Delete"],
        "Delete the entry (asks to confirm)"
    ),
    cmd!(
        ToggleCalling,
        "calling",
        Directory,
        ["c"],
        "Turn the user's calling on or off"
    ),
    cmd!(
        ToggleSms,
        "sms",
        Directory,
        ["s"],
        "Turn the user's SMS on or off"
    ),
    cmd!(
        ToggleEncryption,
        "encryption",
        Directory,
        ["t"],
        "Turn the connector's encryption on/off"
    ),
    cmd!(
        RetryJob,
        "retry",
        Jobs,
        ["R"],
        "Send a failed job again (one sent before is looked up at the carrier first)"
    ),
    cmd!(
        CancelJob,
        "cancel-job",
        Jobs,
        ["x"],
        "Cancel a failed or waiting job (asks first)"
    ),
];
