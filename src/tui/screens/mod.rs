//! The screens, one file each. A screen holds its state, turns commands and keys into
//! engine actions through `Cx::dispatch`, reloads from the store in `refresh`, and draws
//! only its visible rows. See docs/tui.md for how to add one.

pub mod audit;
pub mod deletion_queue;
pub mod directory;
pub mod inventory;
pub mod jobs;
pub mod names;
pub mod orders;
pub mod pending;
pub mod provision;
pub mod support;
pub mod support_forms;

use super::keys::{Cmd, KeyMap, Scope};
use super::theme::Theme;
use super::widgets::status::Status;
use crate::domain::{
    format_duration, Action, Actor, Outcome, ProductType, SessionId, Timestamp, E164,
};
use crate::engine::{Engine, EngineError};
use crate::local_time::Shown;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::path::Path;

/// The screens, in tab order; `Provision` is the wizard opened from Orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScreenId {
    Orders,
    Pending,
    Inventory,
    DeletionQueue,
    Support,
    Directory,
    Audit,
    Jobs,
    Provision,
}

impl ScreenId {
    pub const TABS: [ScreenId; 7] = [
        ScreenId::Orders,
        ScreenId::Pending,
        ScreenId::Inventory,
        ScreenId::DeletionQueue,
        ScreenId::Support,
        ScreenId::Directory,
        ScreenId::Audit,
    ];

    /// Every screen, the wizard and Jobs included.
    pub const ALL: [ScreenId; 9] = [
        ScreenId::Orders,
        ScreenId::Pending,
        ScreenId::Inventory,
        ScreenId::DeletionQueue,
        ScreenId::Support,
        ScreenId::Directory,
        ScreenId::Audit,
        ScreenId::Jobs,
        ScreenId::Provision,
    ];

    pub fn title(self) -> &'static str {
        match self {
            ScreenId::Orders => "Orders",
            ScreenId::Pending => "Pending",
            ScreenId::Inventory => "Inventory",
            ScreenId::DeletionQueue => "Deletion queue",
            ScreenId::Support => "Support",
            ScreenId::Directory => "Directory",
            ScreenId::Audit => "Audit",
            ScreenId::Jobs => "Jobs",
            ScreenId::Provision => "Provision phone numbers",
        }
    }

    /// The tab a screen belongs to (the wizard lives under Orders, as in the seed).
    pub fn tab(self) -> ScreenId {
        match self {
            ScreenId::Provision => ScreenId::Orders,
            s => s,
        }
    }
}

/// The columns a list screen sorts by (Shift and a letter of the column's name, the letters
/// from `widgets::table::sort_letters`); docs/keys.md lists them.
pub fn sort_columns(scope: Scope) -> &'static [&'static str] {
    match scope {
        Scope::Orders => &orders::COLUMNS,
        Scope::Pending => &pending::COLUMNS,
        Scope::Inventory => &inventory::COLUMNS,
        Scope::DeletionQueue => &deletion_queue::COLUMNS,
        Scope::Support => &support::COLUMNS,
        Scope::Audit => &audit::COLUMNS,
        Scope::Jobs => &jobs::COLUMNS,
        _ => &[],
    }
}

/// Every column a list screen can show, by title: its sortable ones, then the others.
/// `[tui.columns]` and saved views choose among them (by `table::column_name`).
pub fn column_titles(scope: Scope) -> Vec<&'static str> {
    let others: &[&'static str] = match scope {
        Scope::Inventory => &["E.164", "Calls", "SMS"],
        Scope::Pending => &["Expected / reason"],
        Scope::DeletionQueue => &["E.164", "Deleted for good at"],
        Scope::Jobs => &["Detail"],
        _ => &[],
    };
    sort_columns(scope).iter().chain(others).copied().collect()
}

/// The fields a screen's `/` filter matches exactly (`status:assigned`); docs/keys.md
/// lists them.
pub fn filter_fields(scope: Scope) -> &'static [crate::filter::FieldSpec] {
    match scope {
        Scope::Orders => orders::FIELDS,
        Scope::Pending => pending::FIELDS,
        Scope::Inventory => crate::filter::numbers::NUMBER_FIELDS,
        Scope::DeletionQueue => deletion_queue::FIELDS,
        Scope::Support => support::FIELDS,
        Scope::Audit => audit::FIELDS,
        _ => &[],
    }
}

/// What a screen asks of the app besides engine actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Go(ScreenId),
    /// Drill-down: go to a screen with its `/` filter set (a connector's numbers).
    Show(ScreenId, String),
    /// The wizard closes: back to where it was opened from.
    Back,
    /// The Support screen's port-out form, with these numbers filled in (the Inventory's
    /// marks, already checked by the rules).
    PortOut(Vec<E164>, ProductType),
    Quit,
}

/// What a screen may use while handling a key: the engine (reads, and `dispatch` for
/// every change), who acts, the time, and the status line.
pub struct Cx<'a> {
    pub engine: &'a Engine,
    pub actor: &'a Actor,
    pub now: Timestamp,
    pub keys: &'a KeyMap,
    pub export_dir: &'a Path,
    /// Set in an SSH session: the export is shown as CSV text to copy, never written on the
    /// server; the text is the command that saves it on the administrator's machine.
    pub export_on_screen: Option<&'a str>,
    /// The console session whose holds the provisioning wizard's marks are.
    pub session: Option<&'a SessionId>,
    pub(crate) effects: Vec<Effect>,
    pub(crate) status: Option<Status>,
    pub(crate) notes: Vec<String>,
    /// Set when an action went through: every screen reloads.
    pub(crate) changed: bool,
}

impl<'a> Cx<'a> {
    pub fn new(
        engine: &'a Engine,
        actor: &'a Actor,
        now: Timestamp,
        keys: &'a KeyMap,
        export_dir: &'a Path,
    ) -> Cx<'a> {
        Cx {
            engine,
            actor,
            now,
            keys,
            export_dir,
            export_on_screen: None,
            session: None,
            effects: Vec::new(),
            status: None,
            notes: Vec::new(),
            changed: false,
        }
    }

    /// Sends an action through the engine (the one door for change) and puts its result
    /// on the status line: the outcome's message, its note and when it takes effect, or
    /// the refusal in words. Returns the refusal's text for a form to show by its fields.
    pub fn dispatch(&mut self, action: Action) -> Result<Outcome, String> {
        let result = self.engine.dispatch(self.actor, action, self.now);
        self.show(result)
    }

    /// Holds `numbers` for this console session (marks in the provisioning wizard): true
    /// when held, else the refusal is on the status line ("… is held by alice for 9 more
    /// minutes") and nothing changed.
    pub fn hold(&mut self, numbers: &[E164]) -> bool {
        let Some(session) = self.session else {
            return false;
        };
        match self
            .engine
            .place_holds(self.actor, session, numbers, self.now)
        {
            Ok(()) => true,
            Err(e) => {
                self.status = Some(Status::error(engine_words(&e)));
                false
            }
        }
    }

    /// Releases this session's holds on `numbers` (unmarked); a failure is said.
    pub fn release(&mut self, numbers: &[E164]) {
        let Some(session) = self.session else { return };
        if let Err(e) = self
            .engine
            .release_holds(self.actor, session, numbers, self.now)
        {
            self.status = Some(Status::error(engine_words(&e)));
        }
    }

    /// Undoes the administrator's latest change that can be undone (`phonedesk undo`),
    /// with its result on the status line.
    pub fn undo(&mut self) -> Result<Outcome, String> {
        let result = self.engine.undo(self.actor, None, self.now);
        self.show(result)
    }

    fn show(&mut self, result: Result<Outcome, EngineError>) -> Result<Outcome, String> {
        match result {
            Ok(outcome) => {
                let mut text = outcome.message.clone();
                if let Some(at) = outcome.takes_effect_at {
                    text.push_str(&format!(
                        " Takes effect in {} ({}).",
                        format_duration(self.now.until(at)),
                        at.shown()
                    ));
                }
                if let Some(note) = &outcome.note {
                    text.push(' ');
                    text.push_str(note);
                }
                self.status = Some(Status::ok(text));
                self.changed = true;
                Ok(outcome)
            }
            Err(e) => {
                let text = engine_words(&e);
                self.status = Some(Status::error(text.clone()));
                Err(text)
            }
        }
    }

    /// Refuses an action at once, in the rules' words, when they would refuse it now:
    /// true when refused (the dialog that would have led to it is not opened).
    pub fn refuses(&mut self, action: &Action) -> bool {
        match self.engine.precheck(self.actor, action, self.now) {
            Ok(()) => false,
            Err(e) => {
                self.status = Some(Status::error(engine_words(&e)));
                true
            }
        }
    }

    pub fn say(&mut self, status: Status) {
        self.status = Some(status);
    }

    /// Adds a sentence to whatever the status line says (the result of the action that
    /// caused it stays readable): "the cursor moved to ...".
    pub fn note(&mut self, text: String) {
        self.notes.push(text);
    }

    pub fn go(&mut self, screen: ScreenId) {
        self.effects.push(Effect::Go(screen));
    }

    pub fn emit(&mut self, effect: Effect) {
        self.effects.push(effect);
    }
}

/// The phone numbers typed as a command's arguments (`:restore +12065550123`), each
/// read as the command line reads it; the first that is not a number is said on the
/// status line (None: nothing is done).
pub fn typed_numbers(args: &[String], cx: &mut Cx) -> Option<Vec<crate::domain::E164>> {
    let mut out = Vec::new();
    for a in args {
        match crate::domain::E164::parse(a) {
            Ok(n) => out.push(n),
            Err(e) => {
                cx.say(Status::error(e.to_string()));
                return None;
            }
        }
    }
    Some(out)
}

/// An engine error in the administrator's words.
fn engine_words(e: &EngineError) -> String {
    match e {
        EngineError::Store(s) => format!("the database failed: {s}"),
        other => other.to_string(),
    }
}

/// What drawing may read.
pub struct DrawCx<'a> {
    pub theme: &'a Theme,
    pub now: Timestamp,
    pub engine: &'a Engine,
    pub keys: &'a KeyMap,
    /// Who is looking: screens hide what this role cannot do.
    pub role: crate::domain::Role,
    /// The columns chosen for this screen (`[tui.columns]`, a saved view), for
    /// `table::pick_columns`; None: all of the screen's.
    pub columns: Option<&'a [String]>,
}

/// One screen of the console.
pub trait Screen {
    fn id(&self) -> ScreenId;

    /// The key map scope of the screen's own commands (shown first in `?`).
    fn scope(&self) -> Scope;

    /// Reloads what the screen shows from the store (after an engine event or an action).
    fn refresh(&mut self, cx: &mut Cx);

    /// A command from the key map or the `:` line; `false` lets the app handle it
    /// (tabs, quit, help...).
    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool;

    /// A command typed on the `:` line with arguments, in the command line's words and
    /// split as a shell would (`:assign +12065550123 vc "Main trunk"`, `:delete
    /// +12065550123`): it goes the way the key goes (the same checks and confirmation),
    /// with what the arguments name. False when the command takes no arguments here.
    fn on_cmd_args(&mut self, _cmd: Cmd, _args: &[String], _cx: &mut Cx) -> bool {
        false
    }

    /// `:sort`, a saved view: sorts by one of `sort_columns(scope)`, that way round.
    fn set_sort(&mut self, _sort: crate::tui::widgets::table::Sort, _cx: &mut Cx) {}

    /// `:goto`: puts the cursor on the record `wanted` names (a number, `order-12`);
    /// false when it is not on this screen.
    fn goto(&mut self, _wanted: &str, _cx: &mut Cx) -> bool {
        false
    }

    /// What Tab offers for an argument of a `:` command here: the numbers or ids listed.
    fn arg_values(&self) -> Vec<String> {
        Vec::new()
    }

    /// True while a dialog or form is open: every key goes to `on_key` first.
    fn is_modal(&self) -> bool {
        false
    }

    /// Text pasted while modal (bracketed paste): into the focused field, never as keys.
    fn on_paste(&mut self, _text: &str) {}

    /// What `y` copies to the administrator's clipboard: the number or id under the
    /// cursor.
    fn copy_text(&self) -> Option<String> {
        None
    }

    /// Opens the port-out form with `numbers` filled in (`Effect::PortOut`): the Support
    /// screen's.
    fn open_port_out(&mut self, _numbers: &[E164], _product_type: ProductType, _cx: &mut Cx) {}

    /// Whether a command applies to the row under the cursor, for the hints line (an
    /// assigned number cannot be deleted, so `d delete` is not offered on it).
    fn applies(&self, _cmd: Cmd) -> bool {
        true
    }

    /// True while a confirmation or picker is open (not a form): the quit key cancels it.
    fn in_dialog(&self) -> bool {
        false
    }

    /// Raw keys while modal (text input, dialogs), or keys the key map does not bind.
    fn on_key(&mut self, _key: KeyEvent, _cx: &mut Cx) -> bool {
        false
    }

    /// The `/` filter changed.
    fn set_filter(&mut self, _text: &str, _cx: &mut Cx) {}

    fn filter(&self) -> &str {
        ""
    }

    /// The fields the `/` filter matches exactly here (`status:assigned`).
    fn filter_fields(&self) -> &'static [crate::filter::FieldSpec] {
        &[]
    }

    /// The values Tab completes after `field:`.
    fn filter_values(&self, _field: &str) -> Vec<String> {
        Vec::new()
    }

    /// Time passed from `before` to `now`: true when something on screen reads differently
    /// (a countdown second). Must be cheap: only look at what is visible.
    fn tick(&mut self, _before: Timestamp, _now: Timestamp) -> bool {
        false
    }

    /// Deferred work that should not delay the first frame (loading long key lists).
    fn idle(&mut self, _cx: &mut Cx) -> bool {
        false
    }

    fn has_unsaved_input(&self) -> bool {
        false
    }

    /// Draws into `area`; `&mut` so the screen can fetch the rows that became visible
    /// (the view reads state, it does not change what the state means).
    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx);
}

/// True when a duration shown as `format_duration(from → to)` reads differently at `now`
/// than at `before`, for any of `times` (deadlines in the future or origins in the past).
pub fn any_countdown_changed(
    times: impl Iterator<Item = Timestamp>,
    before: Timestamp,
    now: Timestamp,
) -> bool {
    let text =
        |a: Timestamp, b: Timestamp| format_duration(if a <= b { a.until(b) } else { b.until(a) });
    times.into_iter().any(|t| text(before, t) != text(now, t))
}
