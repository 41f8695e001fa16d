//! The engine: the one door for every change. An `Action` from any front end (a key press,
//! a subcommand, an SSH session) or from the scheduler is decided by the domain rules,
//! written as one store transaction with its audit entry, and announced as an `Event` so
//! every console can refresh. Reads go straight to the store.

mod clock;
mod follower;
mod scheduler;

pub use clock::now;
pub use follower::spawn_follower;
pub use scheduler::spawn_scheduler;

use crate::carrier::api::CarrierApi;
use crate::carrier::{Carrier, HeldNumbers, SimulatedCarrier};
use crate::config::Config;
use crate::domain::*;
use crate::store::{AuditEntry, Store, StoreError, StoreOptions, Writer};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("phonedesk is stopping")]
    Stopped,
}

/// Something happened: consoles refresh what they show, and `watch` and the hooks tell
/// its notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub seq: u64,
    pub at: Timestamp,
    pub actor: String,
    /// The action's name (`Action::name`), or one of the event kinds below.
    pub action: std::borrow::Cow<'static, str>,
    pub ok: bool,
    pub message: String,
    /// What is worth telling about the change (`domain::notices`): empty for most.
    pub notices: Vec<Notice>,
}

pub struct Engine {
    store: Store,
    carrier: Arc<dyn Carrier>,
    policy: Policy,
    events: broadcast::Sender<Event>,
    event_seq: AtomicU64,
    sessions: AtomicUsize,
    /// The remote carrier (Chime SDK Voice) when the configuration names one; set once
    /// after opening, since building its client is asynchronous.
    remote: std::sync::OnceLock<Arc<dyn CarrierApi>>,
    /// How every worker of this process treats the remote carrier (the configured call
    /// timeout): the background worker's and a command's own wait alike.
    worker_settings: std::sync::OnceLock<crate::carrier::worker::WorkerSettings>,
    /// Whose numbers the remote carrier holds ("AWS 111122223333 us-east-1", and the long
    /// form with the caller's ARN), for the console's header and first words.
    carrier_label: std::sync::OnceLock<(String, String)>,
    /// Carrier jobs a worker is sending now: `serve`'s worker and a session's command may
    /// both find a job waiting, and only one may send it.
    claimed_jobs: Mutex<std::collections::HashSet<crate::domain::JobId>>,
    /// Background troubles (the scheduler, the carrier worker, the sync) as last said, by
    /// source: each is said when it starts, changes or ends, not at every try.
    troubles: Mutex<std::collections::HashMap<&'static str, String>>,
    /// Whether troubles also go to stderr: not while the console owns the terminal.
    troubles_to_stderr: std::sync::atomic::AtomicBool,
    /// Purges already told (number, purge time), so each is told once per run.
    purges_told: Mutex<std::collections::HashSet<(E164, Timestamp)>>,
    /// How long audit entries are kept (`[audit] keep`); unset: all of them.
    audit_keep: std::sync::OnceLock<std::time::Duration>,
}

/// The event action of a background trouble (and of its end): consoles show it.
pub const TROUBLE: &str = "trouble";

/// The event action of a notice that is no action's result (a purge drawing near).
pub const NOTICE: &str = "notice";

/// The event action of a change to the holds (a mark or unmark in a provisioning wizard,
/// a session's end): consoles redraw, nothing is audited.
pub const HOLD: &str = "hold";

/// A job one worker is sending; released when dropped.
pub struct JobClaim<'a> {
    engine: &'a Engine,
    job: crate::domain::JobId,
    /// The claim among the nodes sharing the database (held until dropped).
    node: Option<Box<dyn crate::store::Claim + 'a>>,
}

impl Drop for JobClaim<'_> {
    fn drop(&mut self) {
        self.node.take();
        self.engine
            .claimed_jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.job);
    }
}

impl Engine {
    pub fn new(store: Store, carrier: Arc<dyn Carrier>, policy: Policy) -> Engine {
        let (events, _) = broadcast::channel(1024);
        Engine {
            store,
            carrier,
            policy,
            events,
            event_seq: AtomicU64::new(0),
            sessions: AtomicUsize::new(0),
            remote: std::sync::OnceLock::new(),
            worker_settings: std::sync::OnceLock::new(),
            carrier_label: std::sync::OnceLock::new(),
            claimed_jobs: Mutex::new(Default::default()),
            troubles: Mutex::new(Default::default()),
            troubles_to_stderr: std::sync::atomic::AtomicBool::new(true),
            purges_told: Mutex::new(Default::default()),
            audit_keep: std::sync::OnceLock::new(),
        }
    }

    /// The console owns the terminal: background troubles are shown there, not on stderr.
    pub fn keep_troubles_off_stderr(&self) {
        self.troubles_to_stderr.store(false, Ordering::Relaxed);
    }

    /// A background task's state: `Some(words)` while it fails, `None` once it works.
    /// Said (on stderr for a server's log, and as an event every console shows) only when
    /// it starts, changes or ends.
    pub fn trouble(&self, source: &'static str, failing: Option<String>) {
        let said = {
            let mut troubles = self.troubles.lock().unwrap_or_else(|e| e.into_inner());
            match failing {
                Some(words) if troubles.get(source) != Some(&words) => {
                    troubles.insert(source, words.clone());
                    Some((false, words))
                }
                None => troubles
                    .remove(source)
                    .map(|_| (true, format!("{source} works again"))),
                Some(_) => None,
            }
        };
        if let Some((ok, words)) = said {
            if self.troubles_to_stderr.load(Ordering::Relaxed) {
                eprintln!("phonedesk: {words}");
            }
            self.announce(&Actor::system(), TROUBLE, now(), ok, &words, Vec::new());
        }
    }

    /// Connects the remote carrier: its jobs are sent by `carrier::worker`. Only once.
    pub fn set_remote(&self, api: Arc<dyn CarrierApi>) {
        let _ = self.remote.set(api);
    }

    /// Says whose numbers the remote carrier holds: a short and a long form. Only once.
    pub fn set_carrier_label(&self, short: String, long: String) {
        let _ = self.carrier_label.set((short, long));
    }

    /// Whose numbers the remote carrier holds (short, long), when known.
    pub fn carrier_label(&self) -> Option<(&str, &str)> {
        self.carrier_label
            .get()
            .map(|(s, l)| (s.as_str(), l.as_str()))
    }

    /// Sets how this process's workers treat the carrier (from `[carrier]`). Only once.
    pub fn set_worker_settings(&self, settings: crate::carrier::worker::WorkerSettings) {
        let _ = self.worker_settings.set(settings);
    }

    /// How this process's workers treat the carrier: the configured settings, or the
    /// defaults.
    pub fn worker_settings(&self) -> crate::carrier::worker::WorkerSettings {
        self.worker_settings.get().cloned().unwrap_or_default()
    }

    /// Claims a carrier job for sending; `None` while another worker has it, of this
    /// process or of another node on the same database.
    pub fn claim_job(&self, job: crate::domain::JobId) -> Option<JobClaim<'_>> {
        let mut claimed = self.claimed_jobs.lock().unwrap_or_else(|e| e.into_inner());
        if !claimed.insert(job) {
            return None;
        }
        drop(claimed);
        // Released by its drop unless the node's claim is taken too.
        let mut claim = JobClaim {
            engine: self,
            job,
            node: None,
        };
        // A database that cannot be asked now: the job waits for the next round.
        claim.node = Some(self.store.backend().claim(job.0).ok().flatten()?);
        Some(claim)
    }

    /// Whether this process does the work that is done once for all the processes sharing
    /// the database (`Backend::lead`); a database that cannot be asked now: not this time.
    pub fn leads(&self) -> bool {
        self.store.backend().lead().unwrap_or(false)
    }

    /// The remote carrier, when there is one.
    pub fn remote(&self) -> Option<&Arc<dyn CarrierApi>> {
        self.remote.get()
    }

    /// Opens the database at `db` (a sled directory or a PostgreSQL address), the
    /// configuration's organisation in it (`[database] organisation`), with the
    /// configuration's policy and simulated carrier.
    pub fn open(config: &Config, db: &Path) -> Result<Engine, EngineError> {
        let mut options = StoreOptions::new(db);
        options.cache_bytes = config.database.cache_mb * 1024 * 1024;
        options.deletion_retention = config.policy().deletion_retention;
        let store = Store::open_at(db, config.database.organisation(), &options)?;
        let carrier = Arc::new(SimulatedCarrier::new(
            config.carrier.seed,
            config.carrier.failure_rate,
        ));
        let engine = Engine::new(store, carrier, config.policy());
        if let Some(keep) = config.audit.keep {
            engine.keep_audit_for(keep);
        }
        Ok(engine)
    }

    /// Audit entries older than `keep` are removed by [`prune_audit`](Self::prune_audit).
    pub fn keep_audit_for(&self, keep: std::time::Duration) {
        let _ = self.audit_keep.set(keep);
    }

    /// Removes the audit entries older than the configured retention, a batch at a time
    /// so changes are not held up; returns how many went.
    pub fn prune_audit(&self, now: Timestamp) -> Result<usize, EngineError> {
        const BATCH: usize = 1000;
        let Some(keep) = self.audit_keep.get() else {
            return Ok(0);
        };
        let before = now.minus(*keep);
        let mut total = 0;
        loop {
            let pruned = self.store.prune_audit(before, BATCH)?;
            total += pruned;
            if pruned < BATCH {
                return Ok(total);
            }
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn carrier(&self) -> &dyn Carrier {
        self.carrier.as_ref()
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// The sequence number of the last event announced (0 before the first).
    pub fn last_event_seq(&self) -> u64 {
        self.event_seq.load(Ordering::SeqCst)
    }

    /// Decides and applies one action. A refused action changes nothing but the audit log.
    pub fn dispatch(
        &self,
        actor: &Actor,
        action: Action,
        now: Timestamp,
    ) -> Result<Outcome, EngineError> {
        self.dispatch_then(actor, action, now, true)
    }

    /// As `dispatch`, but the store is not flushed after it (`Store::apply_unflushed`): for
    /// a run of actions acknowledged together, whose caller flushes (`Store::flush`) before
    /// it says they were done. `phonedesk apply` of 10,000 rows is thousands of actions
    /// (a label is one number's), and a flush each was most of its time.
    pub fn dispatch_unflushed(
        &self,
        actor: &Actor,
        action: Action,
        now: Timestamp,
    ) -> Result<Outcome, EngineError> {
        self.dispatch_then(actor, action, now, false)
    }

    fn dispatch_then(
        &self,
        actor: &Actor,
        action: Action,
        now: Timestamp,
        durable: bool,
    ) -> Result<Outcome, EngineError> {
        let retry = action.clone();
        let first = self
            .store
            .writer()
            .map_err(EngineError::Store)
            .and_then(|writer| self.decide_and_apply(writer, actor, action, now, durable));
        match first {
            // The database went away before the change was written (a lost connection, a
            // restarted server): decided again, once, on what is there now.
            Err(EngineError::Store(e)) if e.nothing_written() => {
                std::thread::sleep(std::time::Duration::from_millis(200));
                let writer = self.store.writer()?;
                self.decide_and_apply(writer, actor, retry, now, durable)
            }
            other => other,
        }
    }

    /// Decides `action` while `writer` is held (every node's earlier commits are seen, no
    /// other writer runs) and writes the outcome and its audit entry in that transaction.
    fn decide_and_apply(
        &self,
        writer: Writer<'_>,
        actor: &Actor,
        action: Action,
        now: Timestamp,
        durable: bool,
    ) -> Result<Outcome, EngineError> {
        let decided = decide(
            actor,
            &action,
            &self.store,
            self.carrier.as_ref(),
            &self.policy,
            now,
        );
        // A record the rules could not read refuses the action: nothing is decided on it.
        if let Some(e) = self.store.take_view_error() {
            return Err(EngineError::Store(e));
        }
        let mut audit = AuditEntry::new(
            now,
            actor,
            action.name(),
            action.describe(),
            action.numbers(),
        );
        let mut notices = Vec::new();
        let result = match decided {
            Ok(decision) => {
                audit.ok = true;
                audit.result = decision.outcome.message.clone();
                let held_before = self.store.held();
                notices = crate::domain::notices(actor, &action, &decision.changes, &self.store);
                // A record unreadable while looking for notices only goes untold: the
                // next action must not be refused for it.
                let _ = self.store.take_view_error();
                self.store
                    .apply_in(writer, &decision.changes, &mut audit, durable)?;
                notices.extend(near_limit(
                    held_before,
                    self.store.held(),
                    self.policy.inventory_limit,
                ));
                Ok(decision.outcome)
            }
            Err(e) => {
                audit.result = e.to_string();
                self.store.apply_in(writer, &[], &mut audit, durable)?;
                Err(EngineError::Rule(e))
            }
        };
        self.announce(actor, action.name(), now, audit.ok, &audit.result, notices);
        result
    }

    /// Undoes entry `seq` (the actor's latest undoable one when `None`): an action like any
    /// other, decided by the rules, audited as "undo entry N".
    pub fn undo(
        &self,
        actor: &Actor,
        seq: Option<u64>,
        now: Timestamp,
    ) -> Result<Outcome, EngineError> {
        // A viewer hears that it reads only, not that it has nothing to undo.
        crate::domain::rules::may_change(actor)?;
        let entry = match seq {
            Some(seq) => self
                .store
                .audit_entry(seq)?
                .ok_or(EngineError::Rule(RuleError::UndoNothing(Some(seq))))?,
            None => self
                .undoable(actor, now)?
                .into_iter()
                .find(|(_, refused)| refused.is_none())
                .map(|(e, _)| e)
                .ok_or(EngineError::Rule(RuleError::UndoNothing(None)))?,
        };
        self.dispatch(actor, Action::Undo(entry.undo_target()), now)
    }

    /// The actor's own entries of the undo window that undo could take back, newest
    /// first, each with why undo would be refused now (`None`: it would be accepted).
    pub fn undoable(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<(AuditEntry, Option<String>)>, EngineError> {
        let query = crate::store::AuditQuery {
            actor: Some(actor.name.clone()),
            since: Some(now.minus(self.policy.undo_window)),
            ..Default::default()
        };
        let entries = self.store.audit_query(&query, 200)?;
        Ok(entries
            .into_iter()
            .filter(|e| e.ok && crate::domain::rules::REVERSIBLE.contains(&e.action.as_str()))
            .map(|e| {
                let refused = self
                    .precheck(actor, &Action::Undo(e.undo_target()), now)
                    .err()
                    .map(|err| err.to_string());
                (e, refused)
            })
            .collect())
    }

    /// Whether `action` would be accepted now, decided by the same rules as `dispatch`
    /// but neither written nor audited: the console says a refusal as soon as a key is
    /// pressed instead of after the action's dialogs.
    pub fn precheck(
        &self,
        actor: &Actor,
        action: &Action,
        now: Timestamp,
    ) -> Result<(), EngineError> {
        let decided = decide(
            actor,
            action,
            &self.store,
            self.carrier.as_ref(),
            &self.policy,
            now,
        );
        if let Some(e) = self.store.take_view_error() {
            return Err(EngineError::Store(e));
        }
        decided.map(|_| ()).map_err(EngineError::Rule)
    }

    fn announce(
        &self,
        actor: &Actor,
        action: &'static str,
        at: Timestamp,
        ok: bool,
        message: &str,
        notices: Vec<Notice>,
    ) {
        let seq = self.event_seq.fetch_add(1, Ordering::Relaxed) + 1;
        // Nobody listening is fine.
        let _ = self.events.send(Event {
            seq,
            at,
            actor: actor.name.clone(),
            action: action.into(),
            ok,
            message: message.to_string(),
            notices,
        });
    }

    /// Announces an audit entry another process wrote (the follower). Its notices were
    /// told by the process that made the change (hooks run once, where it was made).
    fn announce_entry(&self, entry: AuditEntry) {
        let seq = self.event_seq.fetch_add(1, Ordering::Relaxed) + 1;
        let _ = self.events.send(Event {
            seq,
            at: entry.at,
            actor: entry.actor,
            action: entry.action.into(),
            ok: entry.ok,
            message: entry.result,
            notices: Vec::new(),
        });
    }

    /// Tells of the deleted numbers whose purge is within 24 h of `now`, each once per
    /// run: one event per number. Returns how many were told.
    pub fn tell_purges_near(&self, now: Timestamp) -> Result<usize, EngineError> {
        let due = self.store.due_until(now.plus(PURGE_WARNING))?;
        let mut told = self.purges_told.lock().unwrap_or_else(|e| e.into_inner());
        told.retain(|(_, at)| *at >= now);
        let mut notices = Vec::new();
        for d in due {
            let Task::Purge(n) = d.task else { continue };
            if told.contains(&(n.clone(), d.at)) {
                continue;
            }
            let Some(number) = self.store.number(&n)? else {
                continue;
            };
            if let Some(notice) = purge_soon(&number, d.at, now) {
                told.insert((n, d.at));
                notices.push(notice);
            }
        }
        drop(told);
        let count = notices.len();
        for notice in notices {
            let words = notice.words.clone();
            self.announce(&Actor::system(), NOTICE, now, true, &words, vec![notice]);
        }
        Ok(count)
    }

    /// Searches the carrier for numbers we could order; never offers one we hold.
    pub fn search(&self, query: &SearchQuery) -> Result<Vec<AvailableNumber>, EngineError> {
        // Tidy first ("washington" → WA, "555-01" → 55501), then apply the configured limit.
        let query = &query.normalized();
        query.validate(self.policy.search_limit)?;
        Ok(self.carrier.search(query, &Holdings(&self.store))?)
    }

    /// Whether the organisation holds this number (a failed acquisition is not held).
    pub fn holds(&self, n: &E164) -> bool {
        Holdings(&self.store).holds(n)
    }

    /// The hold in force on `n` at `now` (a mark in someone's provisioning wizard).
    pub fn hold_on(&self, n: &E164, now: Timestamp) -> Result<Option<Hold>, EngineError> {
        Ok(self.store.hold(n)?.filter(|h| h.is_active(now)))
    }

    /// A new console session, whose holds end when it is dropped.
    pub fn console_session(self: &Arc<Self>) -> ConsoleSession {
        let id = SessionId(format!("{:016x}", rand::random::<u64>()));
        ConsoleSession {
            engine: Arc::clone(self),
            id,
        }
    }

    /// Holds `numbers` for `actor`'s `session` for the configured time (a mark in the
    /// provisioning wizard). Refused as a whole when one is someone else's; expired holds
    /// go in the same transaction. Not audited: announced so other consoles redraw.
    pub fn place_holds(
        &self,
        actor: &Actor,
        session: &SessionId,
        numbers: &[E164],
        now: Timestamp,
    ) -> Result<(), EngineError> {
        self.change_holds(actor, "held", numbers, now, |store| {
            let placed = hold::place(store, actor, session, numbers, now, self.policy.hold_for)?;
            let mut changes = hold::ended(&store.holds()?, None, now);
            changes.extend(placed);
            Ok(changes)
        })
    }

    /// Unmarks `numbers`: the holds `session` has on them end.
    pub fn release_holds(
        &self,
        actor: &Actor,
        session: &SessionId,
        numbers: &[E164],
        now: Timestamp,
    ) -> Result<(), EngineError> {
        self.change_holds(actor, "released", numbers, now, |store| {
            Ok(hold::release(store, session, numbers))
        })
    }

    /// Ends every hold of `session` (its console closed), or with `None` every expired
    /// one (the scheduler's sweep); returns how many holds went.
    pub fn end_holds(
        &self,
        session: Option<&SessionId>,
        now: Timestamp,
    ) -> Result<usize, EngineError> {
        let mut ended = 0;
        self.change_holds(&Actor::system(), "released", &[], now, |store| {
            let changes = hold::ended(&store.holds()?, session, now);
            ended = changes.len();
            Ok(changes)
        })?;
        Ok(ended)
    }

    /// Decides a change to the holds under the writer lock and writes it as one
    /// transaction of its own, announced as a `hold` event (not audited).
    fn change_holds(
        &self,
        actor: &Actor,
        verb: &str,
        numbers: &[E164],
        now: Timestamp,
        decide: impl FnOnce(&Store) -> Result<Vec<HoldChange>, EngineError>,
    ) -> Result<(), EngineError> {
        let writer = self.store.writer()?;
        let decided = decide(&self.store);
        // A hold the rules could not read refuses the change, as for any action.
        if let Some(e) = self.store.take_view_error() {
            return Err(EngineError::Store(e));
        }
        self.write_holds(writer, actor, verb, numbers, &decided?, now)
    }

    fn write_holds(
        &self,
        writer: Writer<'_>,
        actor: &Actor,
        verb: &str,
        numbers: &[E164],
        changes: &[HoldChange],
        now: Timestamp,
    ) -> Result<(), EngineError> {
        if changes.is_empty() {
            return Ok(());
        }
        self.store.apply_holds(writer, changes)?;
        let words = match numbers {
            [] => format!("{verb} {}", counted(changes.len() as u64, "hold")),
            [one] => format!("{verb} {}", one.national()),
            many => format!("{verb} {} numbers", many.len()),
        };
        self.announce(actor, HOLD, now, true, &words, Vec::new());
        Ok(())
    }

    /// Completes everything due at `now`, oldest first; returns how many items ran.
    pub fn run_due(&self, now: Timestamp) -> Result<usize, EngineError> {
        let due = self.store.due_until(now)?;
        let system = Actor::system();
        let mut ran = 0;
        for d in &due {
            let writer = self.store.writer()?;
            // Another node sharing the database may have completed it since it was read:
            // once it holds the writer it is gone from the due list, so it runs once.
            if !self.store.is_scheduled(d)? {
                continue;
            }
            self.decide_and_apply(writer, &system, Action::RunDue(d.clone()), now, true)?;
            ran += 1;
        }
        Ok(ran)
    }

    /// `run-due` asked for by someone: refused to a viewer like every change (and audited as
    /// refused), else the scheduler's [`run_due`](Self::run_due).
    pub fn run_due_for(&self, by: &Actor, now: Timestamp) -> Result<usize, EngineError> {
        if let Err(refused) = crate::domain::rules::may_change(by) {
            const ACTION: &str = "complete due work";
            let mut audit = AuditEntry::new(now, by, ACTION, String::new(), Vec::new());
            audit.result = refused.to_string();
            self.store.audit_only(&mut audit)?;
            self.announce(by, ACTION, now, false, &audit.result, Vec::new());
            return Err(EngineError::Rule(refused));
        }
        self.run_due(now)
    }

    /// Counts a connected console for the header; the count drops when the guard does.
    pub fn session_started(self: &Arc<Self>, who: &str, now: Timestamp) -> SessionGuard {
        self.sessions.fetch_add(1, Ordering::SeqCst);
        self.announce(
            &Actor::viewer(who),
            "session started",
            now,
            true,
            "",
            Vec::new(),
        );
        SessionGuard {
            engine: Arc::clone(self),
            who: who.to_string(),
        }
    }

    pub fn sessions(&self) -> usize {
        self.sessions.load(Ordering::SeqCst)
    }

    /// Every broken invariant and index problem; empty when the store is sound.
    pub fn check(&self) -> Result<Vec<String>, EngineError> {
        let numbers = self.store.all_numbers()?;
        let users = self.store.users()?;
        let connectors = self.store.voice_connectors()?;
        let groups = self.store.groups()?;
        let sip_media_apps = self.store.sip_media_apps()?;
        let dial_in_rules = self.store.dial_in_rules()?;
        let mut problems = invariants::check(&invariants::Snapshot {
            numbers: &numbers,
            users: &users,
            connectors: &connectors,
            groups: &groups,
            sip_media_apps: &sip_media_apps,
            dial_in_rules: &dial_in_rules,
            policy: &self.policy,
        });
        problems.extend(self.store.check_indexes()?);
        let scheduled: std::collections::HashSet<Task> = self
            .store
            .scheduled()?
            .into_iter()
            .map(|d| d.task)
            .collect();
        let work = invariants::expected_work(
            &numbers,
            &self.store.order_summaries()?,
            &self.store.requests()?,
            &self.store.settings()?,
        );
        // With a remote carrier, an order completes when its job reads the carrier's answer.
        let jobs = self.store.jobs()?;
        let followed = |task: &Task| match task {
            Task::CompleteOrder(order) => jobs.iter().any(|j| j.records.contains(&order.0)),
            _ => false,
        };
        for (task, what) in work {
            if !scheduled.contains(&task) && !followed(&task) {
                problems.push(format!("nothing is scheduled to complete {what}"));
            }
        }
        Ok(problems)
    }
}

/// A console session (local or SSH) as holds know it: its holds end when it is dropped,
/// whichever way the console ends. A process killed outright leaves them to expire.
pub struct ConsoleSession {
    engine: Arc<Engine>,
    id: SessionId,
}

impl ConsoleSession {
    pub fn id(&self) -> &SessionId {
        &self.id
    }
}

impl Drop for ConsoleSession {
    fn drop(&mut self) {
        // A store that cannot be written now leaves the holds to expire.
        let _ = self.engine.end_holds(Some(&self.id), now());
    }
}

pub struct SessionGuard {
    engine: Arc<Engine>,
    who: String,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.engine.sessions.fetch_sub(1, Ordering::SeqCst);
        self.engine.announce(
            &Actor::viewer(&self.who),
            "session ended",
            now(),
            true,
            "",
            Vec::new(),
        );
    }
}

/// The store's numbers as a search sees them: an exchange's held numbers are read with one
/// scan of the status index, so skipping them costs nothing per candidate.
struct Holdings<'a>(&'a Store);

impl HeldNumbers for Holdings<'_> {
    fn holds(&self, n: &E164) -> bool {
        self.0
            .number(n)
            .ok()
            .flatten()
            .is_some_and(|p| p.status.code().is_held())
    }

    fn held_lines(&self, npa: u16, nxx: u16) -> Option<Vec<u16>> {
        Some(self.0.held_lines(npa, nxx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn engine(dir: &Path) -> Engine {
        let store = Store::open(&StoreOptions::new(dir.join("db"))).unwrap();
        Engine::new(
            store,
            Arc::new(SimulatedCarrier::new(1, 0.0)),
            Policy::default(),
        )
    }

    #[test]
    fn a_trouble_is_said_when_it_starts_changes_and_ends_not_at_every_try() {
        let dir = tempfile::tempdir().unwrap();
        let e = engine(dir.path());
        e.keep_troubles_off_stderr();
        let mut events = e.subscribe();
        let failing = || Some("the carrier sync could not reach the carrier".to_string());
        e.trouble("the carrier sync", failing());
        e.trouble("the carrier sync", failing());
        e.trouble("the carrier sync", Some("the disk is full".into()));
        e.trouble("the carrier sync", None);
        e.trouble("the carrier sync", None);
        let said: Vec<(bool, String)> = std::iter::from_fn(|| events.try_recv().ok())
            .inspect(|ev| assert_eq!(ev.action, TROUBLE))
            .map(|ev| (ev.ok, ev.message))
            .collect();
        assert_eq!(
            said,
            vec![
                (false, "the carrier sync could not reach the carrier".into()),
                (false, "the disk is full".into()),
                (true, "the carrier sync works again".into()),
            ]
        );
    }

    /// The engine's events carry the notices of what they changed: the provisioning that
    /// fills the inventory to 90 %, the order's completion, and, from the scheduler's look
    /// ahead, a purge within 24 h (told once).
    #[test]
    fn events_carry_the_notices_of_their_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&StoreOptions::new(dir.path().join("db"))).unwrap();
        let policy = Policy {
            inventory_limit: 2,
            provisioning_delay: Duration::from_secs(1),
            deletion_retention: Duration::from_secs(3600),
            ..Policy::default()
        };
        let engine = Engine::new(store, Arc::new(SimulatedCarrier::new(3, 0.0)), policy);
        let mut events = engine.subscribe();
        let kinds = |events: &mut broadcast::Receiver<Event>| -> Vec<NoticeKind> {
            std::iter::from_fn(|| events.try_recv().ok())
                .flat_map(|e| e.notices)
                .map(|n| n.kind)
                .collect()
        };
        let q = SearchQuery::us().with_area_code(907).with_limit(2);
        let numbers: Vec<E164> = engine
            .search(&q)
            .unwrap()
            .into_iter()
            .map(|a| a.number)
            .collect();
        let admin = Actor::admin("admin");
        let t0 = Timestamp(1_790_000_000_000);
        let provision = Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: numbers.clone(),
        };
        engine.dispatch(&admin, provision, t0).unwrap();
        assert_eq!(kinds(&mut events), vec![NoticeKind::NearLimit]);
        let t1 = t0.plus(Duration::from_secs(2));
        engine.run_due(t1).unwrap();
        assert_eq!(kinds(&mut events), vec![NoticeKind::OrderCompleted]);
        let delete = Action::Delete {
            numbers: vec![numbers[0].clone()],
        };
        engine.dispatch(&admin, delete, t1).unwrap();
        assert_eq!(kinds(&mut events), vec![]);
        assert_eq!(engine.tell_purges_near(t1).unwrap(), 1);
        assert_eq!(kinds(&mut events), vec![NoticeKind::PurgeSoon]);
        assert_eq!(
            engine
                .tell_purges_near(t1.plus(Duration::from_secs(60)))
                .unwrap(),
            0
        );
        assert_eq!(kinds(&mut events), vec![]);
    }

    /// The store's held lines are the held numbers' own (a failed acquisition is not held),
    /// and a search skips them exactly as asking about each number did.
    #[test]
    fn a_search_skips_the_stores_held_numbers_of_each_exchange() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&StoreOptions::new(dir.path().join("db"))).unwrap();
        let policy = Policy {
            provisioning_delay: Duration::from_secs(1),
            ..Policy::default()
        };
        let engine = Engine::new(store, Arc::new(SimulatedCarrier::new(3, 0.3)), policy);
        let q = SearchQuery::us().with_area_code(907).with_limit(20);
        let first = engine.search(&q).unwrap();
        let ordered: Vec<E164> = first.iter().map(|a| a.number.clone()).collect();
        let t0 = Timestamp(1_790_000_000_000);
        engine
            .dispatch(
                &Actor::admin("admin"),
                Action::Provision {
                    product_type: ProductType::VoiceConnector,
                    numbers: ordered.clone(),
                },
                t0,
            )
            .unwrap();
        engine.run_due(t0.plus(Duration::from_secs(2))).unwrap();
        let holds = Holdings(&engine.store);
        let failed = engine.store.numbers_in(&[StatusCode::AcquireFailed]);
        assert!(!failed.is_empty(), "some acquisitions fail at this rate");
        for n in &ordered {
            let d = &n.as_str()[2..];
            let (npa, nxx, line) = (
                d[..3].parse().unwrap(),
                d[3..6].parse().unwrap(),
                d[6..].parse().unwrap(),
            );
            let lines = holds.held_lines(npa, nxx).unwrap();
            assert_eq!(lines.contains(&line), !failed.contains(n), "{n}");
            assert_eq!(holds.holds(n), !failed.contains(n), "{n}");
        }
        let again = engine.search(&q).unwrap();
        let asked = engine
            .carrier
            .search(&q, &|n: &E164| holds.holds(n))
            .unwrap();
        assert_eq!(again, asked);
        assert!(again.iter().all(|a| !holds.holds(&a.number)));
    }
}
