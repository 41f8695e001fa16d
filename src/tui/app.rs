//! The app: state, `update(msg) -> effects`, and the view. Front-end agnostic: the local
//! terminal loop (`run_local`) and each SSH session feed it key presses, engine events and
//! ticks, and draw it into whatever `Frame` they own.

use super::command::{self, ArgKind, Cycle, Typed};
use super::keys::{self, Cmd, KeyMap, KeyMapError, Scope};
use super::screens::{self, Cx, DrawCx, Effect, Screen, ScreenId};
use super::theme::{Theme, ThemeError};
use super::views::{ViewError, Views};
use super::widgets::help::{draw_help, draw_overlay_text, help_lines};
use super::widgets::hints::{draw_hints, hints as hint_list};
use super::widgets::line::LineInput;
use super::widgets::status::{draw_status, status_height, Status, Tone};
use super::widgets::{block, centered};
use crate::config::{KeyList, TuiConfig, ViewConfig};
use crate::domain::{format_duration, Actor, CallingNameStatus, StatusCode, Timestamp};
use crate::engine::{Engine, Event};
use crate::filter::complete as complete_filter;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

/// Below this the console shows "terminal too small" instead of its screens.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// How the console looks and which keys it answers to.
#[derive(Debug, Clone, Default)]
pub struct UiOptions {
    /// `[tui.keys]`: action name → keys.
    pub keys: BTreeMap<String, KeyList>,
    /// An optional theme file.
    pub theme: Option<PathBuf>,
    pub ascii: bool,
    pub no_color: bool,
    /// Where `export` writes its CSV file (default: the current directory).
    pub export_dir: PathBuf,
    /// `[[tui.views]]`: saved views (a filter, a sort, columns), by name.
    pub views: Vec<ViewConfig>,
    /// `[tui.columns]`: the columns of each list screen, in order.
    pub columns: BTreeMap<String, Vec<String>>,
    /// Set for an SSH session: `export` shows its CSV as text to copy and writes no file
    /// (on the server); this is the command that saves it on the client's machine.
    pub export_on_screen: Option<String>,
    /// The organisation the header names, when it is not the default one (one of several
    /// in a PostgreSQL database).
    pub organisation: Option<String>,
}

impl UiOptions {
    /// The configuration's `[tui]` section, with `NO_COLOR` from the environment.
    pub fn from_config(tui: &TuiConfig) -> UiOptions {
        UiOptions {
            keys: tui.keys.clone(),
            theme: tui.theme.clone(),
            ascii: tui.ascii_borders,
            no_color: Theme::no_color_from_env(),
            export_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            export_on_screen: None,
            organisation: None,
            views: tui.views.clone(),
            columns: tui.columns.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error(transparent)]
    Keys(#[from] KeyMapError),
    #[error(transparent)]
    Theme(#[from] ThemeError),
    #[error(transparent)]
    Views(#[from] ViewError),
}

/// Everything that can happen to the app.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Text pasted in one piece (bracketed paste): typed into the focused field.
    Paste(String),
    Engine(Event),
    Tick(Timestamp),
    Resize(u16, u16),
}

enum Overlay {
    None,
    Help {
        scroll: usize,
    },
    /// The message log, newest first.
    Messages {
        scroll: usize,
    },
    Command(LineInput),
    Filter(LineInput),
    ConfirmQuit,
}

/// The header's facts, reloaded on engine events.
#[derive(Debug, Clone, Default)]
struct Header {
    held: usize,
    limit: usize,
    pending: usize,
    name: String,
    /// The name's state ("update in progress"), when it has one worth showing.
    name_status: Option<&'static str>,
    name_completes: Option<Timestamp>,
}

pub struct App {
    engine: Arc<Engine>,
    actor: Actor,
    keys: KeyMap,
    theme: Theme,
    views: Views,
    export_dir: PathBuf,
    export_on_screen: Option<String>,
    /// Named in the header (`UiOptions::organisation`).
    organisation: Option<String>,
    now: Timestamp,
    current: ScreenId,
    previous: ScreenId,
    screens: Vec<Box<dyn Screen + Send>>,
    /// The tabs shown: Jobs only with a remote carrier (the simulated one answers at once).
    tabs: Vec<ScreenId>,
    stale: HashSet<ScreenId>,
    overlay: Overlay,
    status: Status,
    header: Header,
    sessions_label: Option<String>,
    /// Every message the status line said or was kept from saying, with its time: the
    /// administrator's own results and what happened in the background.
    log: std::collections::VecDeque<(Timestamp, Status)>,
    /// The status line holds the administrator's own last result: a background message
    /// does not replace it (it goes to the log and is counted in `unread`).
    status_own: bool,
    unread: usize,
    /// Tab's cycle over the completions of the `:` line's last word.
    cycle: Option<Cycle>,
    /// Bytes for the terminal besides the frame (an OSC 52 copy), taken by the front end.
    output: Option<Vec<u8>>,
    /// The terminal size last seen (0x0 before the first frame).
    size: (u16, u16),
    dirty: bool,
    quit: bool,
    /// This console's session: the provisioning wizard's holds are its, and end with it.
    session: crate::engine::ConsoleSession,
}

impl App {
    /// A console for `actor` on `engine`, opening on the Inventory screen.
    pub fn new(
        engine: Arc<Engine>,
        actor: Actor,
        ui: UiOptions,
        now: Timestamp,
    ) -> Result<App, UiError> {
        let keys = KeyMap::new(&ui.keys)?;
        let views = Views::new(&ui.views, &ui.columns)?;
        let mut theme = Theme::new(ui.no_color, ui.ascii);
        if let Some(path) = &ui.theme {
            theme = theme.load_file(path, ui.no_color)?;
        }
        let screens: Vec<Box<dyn Screen + Send>> = vec![
            Box::new(screens::orders::Orders::new()),
            Box::new(screens::pending::Pending::new()),
            Box::new(screens::inventory::Inventory::new()),
            Box::new(screens::deletion_queue::DeletionQueue::new()),
            Box::new(screens::support::Support::new()),
            Box::new(screens::directory::Directory::new()),
            Box::new(screens::audit::Audit::new()),
            Box::new(screens::jobs::Jobs::new()),
            Box::new(screens::provision::Provision::new()),
        ];
        let mut tabs = ScreenId::TABS.to_vec();
        if engine.remote().is_some() {
            tabs.push(ScreenId::Jobs);
        }
        let status = Status::info(welcome(&engine));
        let session = engine.console_session();
        let mut app = App {
            engine,
            actor,
            keys,
            theme,
            views,
            export_dir: ui.export_dir,
            export_on_screen: ui.export_on_screen,
            organisation: ui.organisation,
            now,
            current: ScreenId::Inventory,
            previous: ScreenId::Inventory,
            screens,
            stale: ScreenId::ALL.into_iter().collect(),
            tabs,
            overlay: Overlay::None,
            status,
            header: Header::default(),
            sessions_label: None,
            output: None,
            cycle: None,
            log: Default::default(),
            status_own: false,
            unread: 0,
            size: (0, 0),
            dirty: true,
            quit: false,
            session,
        };
        app.refresh_header();
        app.refresh_screen(ScreenId::Inventory);
        Ok(app)
    }

    // --- The API for front ends -----------------------------------------------------------

    pub fn handle_key(&mut self, key: KeyEvent, now: Timestamp) {
        self.now = now;
        let effects = self.update(Msg::Key(key));
        self.apply(effects);
    }

    /// Bytes the front end writes to the terminal after the frame (an OSC 52 copy).
    pub fn take_output(&mut self) -> Option<Vec<u8>> {
        self.output.take()
    }

    pub fn handle_paste(&mut self, text: &str, now: Timestamp) {
        self.now = now;
        let effects = self.update(Msg::Paste(text.to_string()));
        self.apply(effects);
    }

    pub fn handle_event(&mut self, event: Event, now: Timestamp) {
        self.now = now;
        let effects = self.update(Msg::Engine(event));
        self.apply(effects);
    }

    /// Time passed; true when something on screen changed (a countdown second).
    pub fn tick(&mut self, now: Timestamp) -> bool {
        let was = self.dirty;
        let effects = self.update(Msg::Tick(now));
        self.apply(effects);
        self.dirty && !was
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        let effects = self.update(Msg::Resize(width, height));
        self.apply(effects);
    }

    /// Work deferred past the first frame (long key lists); true when the screen changed.
    pub fn idle(&mut self) -> bool {
        let id = self.current;
        let changed = self.with_screen(id, |s, cx| s.idle(cx));
        self.dirty |= changed;
        changed
    }

    pub fn needs_redraw(&self) -> bool {
        self.dirty
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    pub fn has_unsaved_input(&self) -> bool {
        self.screens.iter().any(|s| s.has_unsaved_input())
    }

    /// Overrides the header's "N admins connected" (the SSH server knows who is on).
    pub fn set_sessions_label(&mut self, label: Option<String>) {
        if self.sessions_label != label {
            self.sessions_label = label;
            self.dirty = true;
        }
    }

    pub fn current_screen(&self) -> ScreenId {
        self.current
    }

    pub fn status_text(&self) -> &str {
        &self.status.text
    }

    // --- Update -------------------------------------------------------------------------

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) if key.kind == KeyEventKind::Release => Vec::new(),
            Msg::Key(key) => {
                self.dirty = true;
                let before = self.status.clone();
                let effects = self.on_key(key);
                self.own_status_changed(&before);
                effects
            }
            Msg::Paste(text) => {
                self.dirty = true;
                let before = self.status.clone();
                self.on_paste(&text);
                self.own_status_changed(&before);
                Vec::new()
            }
            Msg::Engine(event) => {
                self.on_engine_event(&event);
                Vec::new()
            }
            Msg::Tick(now) => {
                let before = self.now;
                self.now = now;
                let id = self.current;
                let mut changed = self.with_screen(id, |s, _| s.tick(before, now));
                if let Some(at) = self.header.name_completes {
                    changed |= screens::any_countdown_changed(std::iter::once(at), before, now);
                }
                changed |= self.idle();
                self.dirty |= changed;
                Vec::new()
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
                Vec::new()
            }
        }
    }

    /// A paste goes where typing would, as text: never as commands on a list screen, and
    /// its line breaks never submit anything.
    fn on_paste(&mut self, text: &str) {
        match &mut self.overlay {
            Overlay::Filter(line) => {
                if line.paste(text) {
                    let text = line.value().to_string();
                    self.set_filter(text);
                }
            }
            Overlay::Command(line) => {
                let scope = self.screens[index(self.current)].scope();
                line.paste(text);
                line.hints = names(keys::complete(scope, line.value()));
            }
            Overlay::ConfirmQuit | Overlay::Help { .. } | Overlay::Messages { .. } => {}
            Overlay::None => {
                let id = self.current;
                if self.screens[index(id)].is_modal() {
                    self.screens[index(id)].on_paste(text);
                }
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        // The quit keys are the key map's (a remap replaces Ctrl-C). Inside a form only the
        // Ctrl ones count, since plain keys type text.
        let quit_key = self.keys.lookup(Scope::Global, &key) == Some(Cmd::Quit);
        let ctrl_quit = quit_key && key.modifiers.contains(KeyModifiers::CONTROL);
        match &mut self.overlay {
            Overlay::None => {}
            Overlay::ConfirmQuit => {
                match key.code {
                    KeyCode::Char('y') | KeyCode::Enter => return vec![Effect::Quit],
                    KeyCode::Char('n') | KeyCode::Esc => self.overlay = Overlay::None,
                    _ if quit_key => return vec![Effect::Quit],
                    _ => {}
                }
                return Vec::new();
            }
            Overlay::Messages { scroll } => {
                match key.code {
                    KeyCode::Char('j') | KeyCode::Down => *scroll += 1,
                    KeyCode::Char('k') | KeyCode::Up => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown => *scroll += 10,
                    KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                    KeyCode::Char('g') | KeyCode::Home => *scroll = 0,
                    _ => self.overlay = Overlay::None,
                }
                return Vec::new();
            }
            Overlay::Help { scroll } => {
                match key.code {
                    KeyCode::Char('j') | KeyCode::Down => *scroll += 1,
                    KeyCode::Char('k') | KeyCode::Up => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown => *scroll += 10,
                    KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                    KeyCode::Char('g') | KeyCode::Home => *scroll = 0,
                    _ => self.overlay = Overlay::None,
                }
                return Vec::new();
            }
            Overlay::Filter(line) => {
                match key.code {
                    KeyCode::Esc => {
                        self.overlay = Overlay::None;
                        self.set_filter(String::new());
                    }
                    KeyCode::Enter => self.overlay = Overlay::None,
                    KeyCode::Tab => {
                        // Field names, then the field's values (`status:` → `status:Assigned`).
                        let screen = &self.screens[index(self.current)];
                        let fields = screen.filter_fields();
                        let values = |f: &str| screen.filter_values(f);
                        let done = complete_filter(line.value(), fields, &values);
                        line.hints = done.options.clone();
                        let text = done.apply(line.value());
                        if text != line.value() {
                            line.set(&text);
                            self.set_filter(text);
                        }
                    }
                    _ => {
                        line.hints.clear();
                        if line.edit(key) {
                            let text = line.value().to_string();
                            self.set_filter(text);
                        }
                    }
                }
                return Vec::new();
            }
            Overlay::Command(line) => {
                let scope = self.screens[index(self.current)].scope();
                match key.code {
                    KeyCode::Esc => self.overlay = Overlay::None,
                    KeyCode::Tab | KeyCode::BackTab => {
                        // Each Tab puts the next completion of the last word in its place:
                        // command names, then the arguments' values.
                        let back = key.code == KeyCode::BackTab;
                        let text = line.value().to_string();
                        let cycle = match self.cycle.take() {
                            Some(mut c) if c.options.len() > 1 && c.line() == text => {
                                c.step(back);
                                Some(c)
                            }
                            _ => {
                                let (head, options) = self.completions(scope, &text);
                                (!options.is_empty()).then_some(Cycle {
                                    head,
                                    options,
                                    at: 0,
                                })
                            }
                        };
                        let Overlay::Command(line) = &mut self.overlay else {
                            return Vec::new();
                        };
                        match &cycle {
                            Some(c) => {
                                line.set(&c.line());
                                line.hints = c.options.clone();
                            }
                            None => line.hints.clear(),
                        }
                        self.cycle = cycle;
                    }
                    KeyCode::Enter => {
                        let text = line.value().trim().to_string();
                        self.overlay = Overlay::None;
                        self.cycle = None;
                        return self.run_named(scope, &text);
                    }
                    _ => {
                        self.cycle = None;
                        line.edit(key);
                        line.hints = match Typed::read(line.value()) {
                            Some(t) if !line.value().contains(' ') => {
                                names(keys::complete(scope, t.name))
                            }
                            _ => Vec::new(),
                        };
                    }
                }
                return Vec::new();
            }
        }
        if self.too_small_for_screens() {
            return if quit_key {
                self.request_quit()
            } else {
                Vec::new()
            };
        }
        let id = self.current;
        if ctrl_quit && self.screens[index(id)].in_dialog() {
            // A confirmation or picker: the quit key cancels it, as Esc does, so a reflex
            // Ctrl-C never ends the console with a dialog half answered.
            let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
            return self.with_screen_effects(id, |s, cx| {
                s.on_key(esc, cx);
            });
        }
        if ctrl_quit {
            return self.request_quit();
        }
        if self.screens[index(id)].is_modal() {
            return self.with_screen_effects(id, |s, cx| {
                s.on_key(key, cx);
            });
        }
        let scope = self.screens[index(id)].scope();
        match self.keys.lookup(scope, &key) {
            Some(cmd) => self.run_cmd(cmd),
            None => self.with_screen_effects(id, |s, cx| {
                s.on_key(key, cx);
            }),
        }
    }

    /// What Tab offers for the last word of the `:` line: the line before that word and
    /// the candidates (command names first, then the values of the command's arguments).
    fn completions(&self, scope: Scope, text: &str) -> (String, Vec<String>) {
        let (head, word) = command::last_word(text);
        let Some(typed) = Typed::read(head) else {
            // Command names, then the saved views' (`:NAME` shows one).
            let mut v = names(keys::complete(scope, word));
            for view in self.views.names() {
                if view.starts_with(word) && !v.contains(&view) {
                    v.push(view);
                }
            }
            return (head.to_string(), v);
        };
        let screen = &self.screens[index(self.current)];
        let typed_word = command::unquoted(word);
        let starts = |v: &String| {
            let (v, w) = (v.to_lowercase(), typed_word.to_lowercase());
            v.starts_with(&w) || v.trim_start_matches('+').starts_with(&w)
        };
        let before = command::split(typed.rest).unwrap_or_default();
        let mut values: Vec<String> = match command::arg_kind(typed.name) {
            ArgKind::Filter => {
                // The filter's own completion: field names, then the field's values.
                let fields = screen.filter_fields();
                let values = |f: &str| screen.filter_values(f);
                let done = complete_filter(word, fields, &values);
                return (format!("{head}{}", &word[..done.start]), done.options);
            }
            ArgKind::Assignee => match command::assignee_kind_before(&before) {
                Some(kind) => screens::names::Names::load(&self.engine).names_of(kind),
                None => crate::domain::AssigneeKind::WORDS
                    .iter()
                    .map(|w| w.to_string())
                    .chain(screen.arg_values())
                    .collect(),
            },
            ArgKind::ProductType => ["bc", "vc"]
                .iter()
                .map(|w| w.to_string())
                .chain(screen.arg_values())
                .collect(),
            ArgKind::Listed if typed.name == "goto" => {
                // Anything `:goto` reaches: this screen's rows, then orders and requests.
                let store = self.engine.store();
                let orders = store.orders().unwrap_or_default();
                let requests = store.requests().unwrap_or_default();
                screen
                    .arg_values()
                    .into_iter()
                    .chain(orders.iter().map(|o| o.id.to_string()))
                    .chain(requests.iter().map(|r| r.id.to_string()))
                    .collect()
            }
            ArgKind::Listed => screen.arg_values(),
            ArgKind::View => self.views.names(),
            ArgKind::Column => super::views::sort_names(screen.scope()),
            ArgKind::Free => Vec::new(),
        };
        values.retain(|v| starts(v));
        let mut seen = HashSet::new();
        values.retain(|v| seen.insert(v.clone()));
        (head.to_string(), values)
    }

    fn run_named(&mut self, scope: Scope, text: &str) -> Vec<Effect> {
        let Some(typed) = Typed::read(text) else {
            return Vec::new();
        };
        let name = match typed.name {
            "q" | "q!" | "exit" => "quit",
            "h" => "help",
            other => other,
        };
        match keys::command_named(scope, name) {
            Some(info) if typed.rest.is_empty() => self.run_cmd(info.cmd),
            Some(info) => self.run_with_args(info.cmd, typed),
            // `:NAME` for a saved view whose name is not a command's.
            None if typed.rest.is_empty() && self.views.named(name).is_some() => {
                self.show_view(name)
            }
            None => {
                let shown = crate::text::one_line(typed.name)
                    .chars()
                    .take(30)
                    .collect::<String>();
                self.status = if keys::COMMANDS.iter().any(|i| i.name == name) {
                    Status::error(format!(
                        ":{shown} is not available on the {} screen",
                        self.current.title()
                    ))
                } else {
                    Status::error(format!(
                        "there is no command :{shown}; press : then Tab to list them"
                    ))
                };
                Vec::new()
            }
        }
    }

    /// A `:` command with arguments: the filter and `:goto` are the app's; the rest goes
    /// to the screen, which starts it the way its key does, with what the words name.
    /// Bad words are said on the status line and change nothing.
    fn run_with_args(&mut self, cmd: Cmd, typed: Typed) -> Vec<Effect> {
        let name = keys::info(cmd).name;
        if cmd == Cmd::Filter {
            self.set_filter(typed.rest.to_string());
            return Vec::new();
        }
        let args = match typed.args() {
            Ok(args) => args,
            Err(words) => {
                self.status = Status::error(words);
                return Vec::new();
            }
        };
        if cmd == Cmd::View {
            return match args.as_slice() {
                [name] if self.views.named(name).is_some() => self.show_view(name),
                _ => {
                    self.status = Status::error(format!(
                        "there is no view “{}”; {}",
                        crate::text::one_line(typed.rest),
                        self.views_words()
                    ));
                    Vec::new()
                }
            };
        }
        if cmd == Cmd::Sort {
            let scope = self.screens[index(self.current)].scope();
            match super::views::read_sort(":sort", scope, typed.rest) {
                Ok(sort) => {
                    let id = self.current;
                    self.with_screen(id, |s, cx| s.set_sort(sort, cx));
                    let name = screens::sort_columns(scope)[sort.column];
                    let way = if sort.descending {
                        "descending"
                    } else {
                        "ascending"
                    };
                    self.status = Status::info(format!("Sorted by {name}, {way}."));
                }
                Err(e) => self.status = Status::error(e.to_string()),
            }
            return Vec::new();
        }
        if cmd == Cmd::Goto {
            // A number may be typed as it is shown: `(206) 555-0123`.
            return match args.as_slice() {
                [] => Vec::new(),
                words => self.goto(&words.join(" ")),
            };
        }
        let id = self.current;
        let mut took = false;
        let effects = self.with_screen_effects(id, |s, cx| took = s.on_cmd_args(cmd, &args, cx));
        if !took {
            self.status = Status::error(format!(
                ":{name} takes no arguments on the {} screen; type :{name} alone",
                id.title()
            ));
        }
        effects
    }

    /// A saved view: its screen, with its filter, sort and columns.
    fn show_view(&mut self, name: &str) -> Vec<Effect> {
        let Some(view) = self.views.named(name).cloned() else {
            return Vec::new();
        };
        self.go(view.screen);
        self.set_filter(view.filter.clone());
        if let Some(sort) = view.sort {
            self.with_screen(view.screen, |s, cx| s.set_sort(sort, cx));
        }
        self.views.show(&view);
        self.status = Status::info(format!(
            "View {}: {}.",
            crate::text::one_line(&view.name),
            view.screen.title()
        ));
        vec![Effect::Go(view.screen)]
    }

    /// The saved views' names, for messages.
    fn views_words(&self) -> String {
        let names = self.views.names();
        if names.is_empty() {
            "no views are saved: add [[tui.views]] to the configuration".into()
        } else {
            format!("the views are {}", names.join(", "))
        }
    }

    /// `:goto`: the screen that lists `wanted` (this one first, then the tabs in order)
    /// shows it with the cursor on it.
    fn goto(&mut self, wanted: &str) -> Vec<Effect> {
        let mut order = vec![self.current];
        order.extend(self.tabs.iter().copied().filter(|t| *t != self.current));
        for id in order {
            if self.stale.contains(&id) {
                self.refresh_screen(id);
            }
            if self.with_screen(id, |s, cx| s.goto(wanted, cx)) {
                self.status = Status::info(format!(
                    "{} on the {} screen.",
                    crate::text::one_line(wanted),
                    id.title()
                ));
                return vec![Effect::Go(id)];
            }
        }
        self.status = Status::error(format!(
            "nothing here is called “{}”: give a phone number, an order (order-12), a request (req-3), or a user, connector or group by id or name",
            crate::text::one_line(wanted)
        ));
        Vec::new()
    }

    /// A command, by key or by name: the screen first, then the app's own.
    fn run_cmd(&mut self, cmd: Cmd) -> Vec<Effect> {
        let id = self.current;
        let mut handled = false;
        let mut effects = self.with_screen_effects(id, |s, cx| handled = s.on_cmd(cmd, cx));
        if handled {
            return effects;
        }
        let tabs = self.tabs.clone();
        let pos = tabs.iter().position(|t| *t == id.tab()).unwrap_or(0);
        match cmd {
            Cmd::Quit => effects.extend(self.request_quit()),
            Cmd::Help => self.overlay = Overlay::Help { scroll: 0 },
            Cmd::Messages => {
                self.unread = 0;
                self.overlay = Overlay::Messages { scroll: 0 };
            }
            Cmd::Undo => effects.extend(self.with_screen_effects(id, |_, cx| {
                let _ = cx.undo();
            })),
            Cmd::CommandLine => self.overlay = Overlay::Command(LineInput::new(":", "")),
            Cmd::Filter => {
                let current = self.screens[index(id)].filter().to_string();
                self.overlay = Overlay::Filter(LineInput::new("/", &current));
            }
            Cmd::NextTab | Cmd::Right => effects.push(Effect::Go(tabs[(pos + 1) % tabs.len()])),
            Cmd::PrevTab | Cmd::Left => {
                effects.push(Effect::Go(tabs[(pos + tabs.len() - 1) % tabs.len()]))
            }
            Cmd::GoOrders => effects.push(Effect::Go(ScreenId::Orders)),
            Cmd::GoPending => effects.push(Effect::Go(ScreenId::Pending)),
            Cmd::GoInventory => effects.push(Effect::Go(ScreenId::Inventory)),
            Cmd::GoDeletionQueue => effects.push(Effect::Go(ScreenId::DeletionQueue)),
            Cmd::GoSupport => effects.push(Effect::Go(ScreenId::Support)),
            Cmd::GoDirectory => effects.push(Effect::Go(ScreenId::Directory)),
            Cmd::GoAudit => effects.push(Effect::Go(ScreenId::Audit)),
            Cmd::GoJobs if self.tabs.contains(&ScreenId::Jobs) => {
                effects.push(Effect::Go(ScreenId::Jobs))
            }
            Cmd::GoJobs => {
                self.status = Status::info(
                    "No carrier jobs here: the simulated carrier answers every change at once. \
                     With [carrier] kind = \"chime-sdk-voice\", changes wait on the Jobs screen \
                     for the carrier's answer.",
                )
            }
            Cmd::Provision => effects.push(Effect::Go(ScreenId::Provision)),
            Cmd::Copy => {
                self.status = match self.screens[index(id)].copy_text() {
                    Some(text) => {
                        // Store text reaches the clipboard as one line without controls.
                        let text = crate::text::one_line(&text).into_owned();
                        self.output = Some(osc52(&text));
                        Status::ok(format!(
                            "Copied {text} to your clipboard (through your terminal: OSC 52)."
                        ))
                    }
                    None => Status::info("Nothing to copy here."),
                };
            }
            Cmd::Back => {
                if !self.screens[index(id)].filter().is_empty() {
                    self.set_filter(String::new());
                }
            }
            Cmd::View => {
                let words = self.views_words();
                self.status = Status::info(format!("Say which view: :view NAME; {words}."));
            }
            Cmd::Sort => {
                let scope = self.screens[index(id)].scope();
                let names = super::views::sort_names(scope);
                self.status = Status::info(if names.is_empty() {
                    format!("The {} screen has no columns to sort by.", id.title())
                } else {
                    format!(
                        "Say which column: :sort {} (desc after it for the other way round).",
                        names.join("|")
                    )
                });
            }
            Cmd::Goto => {
                self.status = Status::info(
                    "say where: :goto +12065550123, :goto order-12 or :goto req-3 (Tab completes)",
                )
            }
            Cmd::Up | Cmd::Down | Cmd::Top | Cmd::Bottom | Cmd::PageUp | Cmd::PageDown => {}
            other => {
                let info = keys::info(other);
                self.status = Status::info(format!(
                    ":{} is not available on the {} screen",
                    info.name,
                    id.title()
                ));
            }
        }
        effects
    }

    fn request_quit(&mut self) -> Vec<Effect> {
        if self.has_unsaved_input() {
            self.overlay = Overlay::ConfirmQuit;
            Vec::new()
        } else {
            vec![Effect::Quit]
        }
    }

    fn set_filter(&mut self, text: String) {
        let id = self.current;
        self.with_screen(id, |s, cx| s.set_filter(&text, cx));
        self.dirty = true;
    }

    /// A key or paste changed the status line: the administrator's own result, logged.
    fn own_status_changed(&mut self, before: &Status) {
        if self.status != *before && !self.status.text.is_empty() {
            self.status_own = true;
            self.remember(self.status.clone());
        }
    }

    fn remember(&mut self, status: Status) {
        const KEEP: usize = 500;
        if self.log.len() == KEEP {
            self.log.pop_front();
        }
        self.log.push_back((self.now, status));
    }

    /// A background message: logged, and shown unless the status line holds the
    /// administrator's own result (then counted as unread).
    fn background(&mut self, status: Status) {
        self.remember(status.clone());
        if self.status_own {
            self.unread += 1;
        } else {
            self.status = status;
        }
    }

    fn on_engine_event(&mut self, event: &Event) {
        self.dirty = true;
        self.refresh_header();
        if event.action == "session started" || event.action == "session ended" {
            return;
        }
        // A mark in someone's wizard: only search results show holds, nothing to say.
        if event.action == crate::engine::HOLD {
            self.stale.insert(ScreenId::Provision);
            if self.current == ScreenId::Provision {
                self.refresh_screen(ScreenId::Provision);
            }
            return;
        }
        if event.action == crate::engine::TROUBLE {
            let words = crate::text::one_line(&event.message).into_owned();
            self.background(if event.ok {
                Status::info(words)
            } else {
                Status::error(words)
            });
            return;
        }
        if event.actor != self.actor.name && event.ok && !event.message.is_empty() {
            self.background(Status::info(format!("{}: {}", event.actor, event.message)));
        }
        self.refresh_all();
    }

    /// Reloads the current screen now and the others when they are next shown.
    fn refresh_all(&mut self) {
        for id in ScreenId::ALL {
            self.stale.insert(id);
        }
        self.refresh_screen(self.current);
        self.refresh_header();
    }

    fn refresh_screen(&mut self, id: ScreenId) {
        self.stale.remove(&id);
        self.with_screen(id, |s, cx| s.refresh(cx));
    }

    fn refresh_header(&mut self) {
        let store = self.engine.store();
        let settings = store.settings().unwrap_or_default();
        let name = &settings.default_calling_name;
        let shown = name
            .shown()
            .map(|n| n.to_string())
            .unwrap_or_else(|| "not set".into());
        self.header = Header {
            held: store.held(),
            limit: self.engine.policy().inventory_limit,
            pending: store.count(StatusCode::AcquireInProgress)
                + store.count(StatusCode::PortinInProgress),
            name: crate::text::one_line(&shown).into_owned(),
            name_status: match name.status {
                CallingNameStatus::Unassigned if name.pending.is_none() => None,
                status => Some(status.label()),
            },
            name_completes: name.pending.as_ref().map(|p| p.completes_at),
        };
    }

    fn apply(&mut self, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Quit => self.quit = true,
                Effect::Go(id) => self.go(id),
                Effect::Show(id, filter) => {
                    self.go(id);
                    self.set_filter(filter);
                }
                Effect::PortOut(numbers, product_type) => {
                    self.go(ScreenId::Support);
                    self.with_screen(ScreenId::Support, |s, cx| {
                        s.open_port_out(&numbers, product_type, cx)
                    });
                }
                Effect::Back => {
                    let to = self.previous;
                    self.go(if to == ScreenId::Provision {
                        ScreenId::Inventory
                    } else {
                        to
                    });
                }
            }
            self.dirty = true;
        }
    }

    fn go(&mut self, id: ScreenId) {
        if id != self.current {
            if id == ScreenId::Provision {
                self.previous = self.current;
            }
            self.current = id;
        }
        self.overlay = Overlay::None;
        if self.stale.contains(&id) {
            self.refresh_screen(id);
        }
    }

    /// Runs `f` on a screen with a fresh `Cx`, then takes the status and effects it left.
    fn with_screen<R>(&mut self, id: ScreenId, f: impl FnOnce(&mut dyn Screen, &mut Cx) -> R) -> R {
        let (r, effects) = self.with_screen_inner(id, |s, cx| f(s, cx));
        self.apply(effects);
        r
    }

    fn with_screen_effects(
        &mut self,
        id: ScreenId,
        f: impl FnOnce(&mut (dyn Screen + Send), &mut Cx),
    ) -> Vec<Effect> {
        self.with_screen_inner(id, |s, cx| f(s, cx)).1
    }

    fn with_screen_inner<R>(
        &mut self,
        id: ScreenId,
        f: impl FnOnce(&mut (dyn Screen + Send), &mut Cx) -> R,
    ) -> (R, Vec<Effect>) {
        let engine = Arc::clone(&self.engine);
        let mut cx = Cx::new(&engine, &self.actor, self.now, &self.keys, &self.export_dir);
        cx.export_on_screen = self.export_on_screen.as_deref();
        cx.session = Some(self.session.id());
        let r = f(self.screens[index(id)].as_mut(), &mut cx);
        let Cx {
            effects,
            status,
            notes,
            changed,
            ..
        } = cx;
        if let Some(s) = status {
            self.status = s;
        }
        for note in notes {
            if self.status.text.is_empty() {
                self.status = Status::info(note);
            } else {
                self.status.text = format!("{} {note}", self.status.text);
            }
        }
        if changed {
            self.refresh_all();
        }
        (r, effects)
    }

    fn too_small_for_screens(&self) -> bool {
        let (w, h) = self.size;
        w > 0 && (w < MIN_WIDTH || h < MIN_HEIGHT)
    }

    // --- View ---------------------------------------------------------------------------

    /// Draws the whole console into the frame, then makes sure no cell holds a hidden
    /// character.
    pub fn draw(&mut self, f: &mut Frame) {
        self.draw_console(f);
        super::scrub::scrub(f.buffer_mut());
    }

    fn draw_console(&mut self, f: &mut Frame) {
        self.dirty = false;
        let area = f.area();
        self.size = (area.width, area.height);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            self.draw_too_small(f, area);
            return;
        }
        let pending = (self.header.pending > 0).then(|| {
            let glyph = if self.theme.ascii { "~" } else { "⧗" };
            format!("{glyph} {} pending", self.header.pending)
        });
        // Background messages kept from the status line: how many, and the key to read them.
        let unread = (self.unread > 0).then(|| {
            let key = self.keys.keys_label(Cmd::Messages);
            format!("{} new: {key}", self.unread)
        });
        let activity = match (pending, unread) {
            (Some(p), Some(u)) => Some(format!("{u} │ {p}")),
            (p, u) => p.or(u),
        };
        // The status line grows (up to 3 lines) when its message does not fit the width,
        // so outcomes' notes and long refusals read in full at 80 columns.
        let status_height = match &self.overlay {
            Overlay::Command(_) | Overlay::Filter(_) => 1,
            _ => status_height(&self.theme, &self.status, activity.as_deref(), area.width),
        };
        // The hints line shows while the screen takes keys as commands (not in a dialog).
        let hints_height = u16::from(
            !self.screens[index(self.current)].is_modal() && matches!(self.overlay, Overlay::None),
        );
        let [header, tabs, body, hints, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(hints_height),
            Constraint::Length(status_height),
        ])
        .areas(area);
        self.draw_header(f, header);
        self.draw_tabs(f, tabs);
        let engine = Arc::clone(&self.engine);
        let dcx = DrawCx {
            theme: &self.theme,
            now: self.now,
            engine: &engine,
            keys: &self.keys,
            role: self.actor.role,
            columns: self.views.columns(self.current),
        };
        self.screens[index(self.current)].draw(f, body, &dcx);
        if hints_height > 0 {
            let screen = &self.screens[index(self.current)];
            let list = hint_list(&self.keys, screen.scope(), &|c| screen.applies(c));
            draw_hints(f, hints, &self.theme, &list);
        }
        match &self.overlay {
            Overlay::Command(line) | Overlay::Filter(line) => line.draw(f, status, &self.theme),
            _ => draw_status(f, status, &self.theme, &self.status, activity.as_deref()),
        }
        // Overlays leave a grown status area readable (they keep clear of one line already).
        let above = Rect {
            height: area.height.saturating_sub(status.height - 1),
            ..area
        };
        match &self.overlay {
            Overlay::Help { scroll } => {
                let scope = self.screens[index(self.current)].scope();
                let lines = help_lines(&self.keys, scope, &self.theme);
                let max = lines.len().saturating_sub(1);
                draw_help(f, above, &self.theme, &lines, (*scroll).min(max));
            }
            Overlay::Messages { scroll } => {
                let lines = self.message_lines();
                let max = lines.len().saturating_sub(1);
                draw_overlay_text(
                    f,
                    above,
                    &self.theme,
                    " Messages, newest first ",
                    &lines,
                    (*scroll).min(max),
                );
            }
            Overlay::ConfirmQuit => self.draw_confirm_quit(f, above),
            _ => {}
        }
    }

    /// The message log as lines: time, then the message in its tone.
    fn message_lines(&self) -> Vec<Line<'static>> {
        if self.log.is_empty() {
            return vec![Line::from("No messages yet.")];
        }
        let t = &self.theme;
        self.log
            .iter()
            .rev()
            .map(|(at, s)| {
                let style = match s.tone {
                    Tone::Error => t.warn,
                    Tone::Ok => t.accent,
                    Tone::Info => t.text,
                };
                Line::from(vec![
                    Span::styled(format!("{}  ", crate::local_time::shown(*at)), t.dim),
                    Span::styled(crate::text::one_line(&s.text).into_owned(), style),
                ])
            })
            .collect()
    }

    fn draw_too_small(&self, f: &mut Frame, area: Rect) {
        f.render_widget(Clear, area);
        let text = format!(
            "Terminal too small: {}x{}. phonedesk needs at least {}x{}. Enlarge the window, or press q to quit.",
            area.width, area.height, MIN_WIDTH, MIN_HEIGHT
        );
        f.render_widget(
            Paragraph::new(text)
                .style(self.theme.warn)
                .wrap(Wrap { trim: true }),
            area,
        );
    }

    fn draw_header(&self, f: &mut Frame, area: Rect) {
        let t = &self.theme;
        let sep = if t.ascii { " | " } else { " │ " };
        let h = &self.header;
        let held_style = if h.held >= h.limit { t.warn } else { t.accent };
        let sessions = self.sessions_label.clone().or_else(|| {
            let n = self.engine.sessions();
            (n > 1).then(|| format!("{n} admins connected"))
        });
        let left = format_duration_opt(h.name_completes.map(|at| self.now.until(at)));
        // The long wording when it fits, the short one otherwise (80 columns).
        let line = |long: bool| {
            let mut spans = vec![Span::styled(" phonedesk", t.title)];
            if let Some(org) = &self.organisation {
                spans.push(Span::styled(sep, t.dim));
                spans.push(Span::styled(
                    crate::text::one_line(org).into_owned(),
                    t.accent,
                ));
            }
            spans.extend([
                Span::styled(sep, t.dim),
                Span::raw("Held "),
                Span::styled(format!("{}/{}", h.held, h.limit), held_style),
            ]);
            if let Some(s) = &sessions {
                spans.push(Span::styled(sep, t.dim));
                spans.push(Span::styled(crate::text::one_line(s).into_owned(), t.dim));
            }
            spans.push(Span::styled(sep, t.dim));
            spans.push(Span::raw(if long {
                "Default calling name: "
            } else {
                "Default name: "
            }));
            spans.push(Span::styled(h.name.clone(), t.text));
            let state = match (h.name_status, &left, long) {
                (Some(status), Some(left), true) => format!(" ({status}), completes in {left}"),
                (Some(_), Some(left), false) => format!(" (updating, {left} left)"),
                (Some(status), None, _) => format!(" ({status})"),
                (None, _, _) => String::new(),
            };
            spans.push(Span::styled(state, t.dim));
            Line::from(spans)
        };
        // Whose numbers, when the carrier is remote and there is room.
        let whose = self.engine.carrier_label().map(|(short, _)| {
            Line::from(
                [
                    line(true).spans,
                    vec![
                        Span::styled(sep, t.dim),
                        Span::styled(crate::text::one_line(short).into_owned(), t.dim),
                    ],
                ]
                .concat(),
            )
        });
        if let Some(whose) = whose.filter(|l| l.width() <= area.width as usize) {
            f.render_widget(Paragraph::new(whose), area);
            return;
        }
        let long = line(true);
        let chosen = if long.width() <= area.width as usize {
            long
        } else {
            line(false)
        };
        f.render_widget(Paragraph::new(chosen), area);
    }

    fn draw_tabs(&self, f: &mut Frame, area: Rect) {
        let t = &self.theme;
        // The widest labels that fit: full titles with two spaces, full titles with one
        // (80 columns), then short names (the minimum width, 60 columns).
        let labels = |style: usize| -> Vec<String> {
            self.tabs
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let title = match (style, id) {
                        (0, _) => id.title(),
                        (1, ScreenId::DeletionQueue) => "Deletion q.",
                        (1, _) => id.title(),
                        (_, ScreenId::Orders) => "Ord",
                        (_, ScreenId::Pending) => "Pend",
                        (_, ScreenId::Inventory) => "Inv",
                        (_, ScreenId::DeletionQueue) => "Del q",
                        (_, ScreenId::Support) => "Supp",
                        (_, ScreenId::Directory) => "Dir",
                        (_, _) => id.title(),
                    };
                    if style == 0 {
                        format!(" {} {} ", i + 1, title)
                    } else {
                        format!("{} {} ", i + 1, title)
                    }
                })
                .collect()
        };
        let fits = |l: &[String], lead: usize| {
            lead + l.iter().map(|s| s.chars().count()).sum::<usize>() <= area.width as usize
        };
        let full = labels(0);
        let (texts, lead) = if area.width >= 100 && fits(&full, 0) {
            (full, 0)
        } else if fits(&labels(1), 1) {
            (labels(1), 1)
        } else {
            (labels(2), 1)
        };
        let mut spans = Vec::new();
        if lead > 0 {
            spans.push(Span::raw(" "));
        }
        for (id, text) in self.tabs.iter().zip(texts) {
            let active = *id == self.current.tab();
            spans.push(Span::styled(
                text,
                if active { t.tab_active } else { t.tab },
            ));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_confirm_quit(&self, f: &mut Frame, area: Rect) {
        let rect = centered(area, 56, 6);
        f.render_widget(Clear, rect);
        let b = block(&self.theme, " Quit? ");
        let inner = b.inner(rect);
        f.render_widget(b, rect);
        let lines = vec![
            Line::from("A form holds text you have not saved."),
            Line::from("Quit anyway and lose it?"),
            Line::from(vec![
                Span::styled("y", self.theme.accent),
                Span::raw(" quit   "),
                Span::styled("n", self.theme.accent),
                Span::raw(" or Esc: stay"),
            ]),
        ];
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    }
}

/// The first words: whose numbers these are when the carrier is remote (the
/// administrator sees which AWS account they are about to change), then the keys.
fn welcome(engine: &Engine) -> String {
    const KEYS: &str = "? lists this screen's keys; : runs a command.";
    match engine.carrier_label() {
        Some((_, long)) => format!(
            "Managing the numbers of {}. {KEYS}",
            crate::text::one_line(long)
        ),
        None => format!("Welcome. {KEYS}"),
    }
}

/// OSC 52: the terminal (locally, through SSH, through tmux) puts `text` on the
/// administrator's own clipboard. Base64 keeps every byte of it out of the escape.
fn osc52(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    let mut out = b"\x1b]52;c;".to_vec();
    out.extend_from_slice(
        base64::engine::general_purpose::STANDARD
            .encode(text)
            .as_bytes(),
    );
    out.push(0x07);
    out
}

fn index(id: ScreenId) -> usize {
    match id {
        ScreenId::Orders => 0,
        ScreenId::Pending => 1,
        ScreenId::Inventory => 2,
        ScreenId::DeletionQueue => 3,
        ScreenId::Support => 4,
        ScreenId::Directory => 5,
        ScreenId::Audit => 6,
        ScreenId::Jobs => 7,
        ScreenId::Provision => 8,
    }
}

fn names(v: Vec<&'static str>) -> Vec<String> {
    v.into_iter().map(String::from).collect()
}

fn format_duration_opt(d: Option<std::time::Duration>) -> Option<String> {
    d.map(format_duration)
}
