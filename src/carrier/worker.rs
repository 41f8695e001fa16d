//! The carrier worker: sends carrier jobs, oldest first per number, with a timeout per
//! call, waits and sends again on throttling and server errors (with backoff and jitter),
//! and reports every answer through the engine door as an action of the actor `carrier`.
//!
//! Never twice: the job is recorded as sent before the call. A job found sent (a crash, a
//! timeout, a lost reply) is resolved by reading the carrier's state first; only when the
//! carrier shows nothing of it is it sent again. The SDK's own retries are off: this
//! module owns the retry policy, per operation.

use super::api::{
    Association, CarrierApi, CarrierError, CarrierGroupMember, CarrierNumberStatus, NewOrder,
    NewSipRule, NumberFailure, NumberUpdate, SipRule,
};
use crate::domain::{
    Action, Actor, Assignee, DialInRule, Job, JobAnswer, JobId, JobState, OrderedNumberStatus,
    SmaId, Timestamp, E164,
};
use crate::engine::{Engine, EngineError};
use std::sync::Arc;
use std::time::Duration;

/// How the worker treats the carrier.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// One call, at most.
    pub call_timeout: Duration,
    /// Sends of one job that end in an error, at most, before it fails for good.
    pub max_attempts: u32,
    /// The first pause after a throttled or failed call; doubled each time, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// How often an order in progress is read again.
    pub order_poll: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            call_timeout: Duration::from_secs(30),
            max_attempts: 8,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(60),
            order_poll: crate::domain::ORDER_POLL,
        }
    }
}

/// Phone numbers per batch call (the API's lists and batches take at most this many).
const BATCH: usize = 100;

/// A job's final answer, as recorded: what the administrator who asked is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub job: JobId,
    /// Carried out (perhaps with some numbers refused), or not at all.
    pub ok: bool,
    pub message: String,
}

/// Runs every job that is ready at `now()`; returns the final answers recorded.
pub async fn run_ready(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    settings: &WorkerSettings,
    now: &(dyn Fn() -> Timestamp + Send + Sync),
) -> Result<Vec<Answered>, EngineError> {
    run_jobs(engine, api, settings, now, &|_| false).await
}

/// Before a sync from the command line: every job that is ready, and every order being
/// followed read at once whatever its poll time (reading an order is always safe), so a
/// completed order lands in the inventory with the sync.
pub async fn run_ready_and_read_orders(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    settings: &WorkerSettings,
    now: &(dyn Fn() -> Timestamp + Send + Sync),
) -> Result<Vec<Answered>, EngineError> {
    let order = |j: &Job| matches!(j.action, Action::RefreshOrder { .. });
    run_jobs(engine, api, settings, now, &order).await
}

/// Runs the jobs that are ready, or that `early` lets run before their time.
async fn run_jobs(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    settings: &WorkerSettings,
    now: &(dyn Fn() -> Timestamp + Send + Sync),
    early: &(dyn Fn(&Job) -> bool + Send + Sync),
) -> Result<Vec<Answered>, EngineError> {
    let jobs = blocking(engine, |e| e.store().jobs()).await?;
    let mut busy: std::collections::HashSet<String> = Default::default();
    let mut ran = Vec::new();
    let at = now();
    for job in jobs {
        // Oldest first per number and record: a younger job waits for the older one.
        let keys: Vec<String> = job
            .numbers
            .iter()
            .map(|n| format!("n:{n}"))
            .chain(job.records.iter().map(|r| format!("r:{r}")))
            .collect();
        let blocked = keys.iter().any(|k| busy.contains(k));
        busy.extend(keys);
        if blocked || job.is_failed() || (job.not_before > at && !early(&job)) {
            continue;
        }
        // Another worker of this process may be sending it, or may have just answered it:
        // claim it, then read it again.
        let Some(_claim) = engine.claim_job(job.id) else {
            continue;
        };
        let id = job.id;
        let Some(job) = blocking(engine, move |e| e.store().job(id)).await? else {
            continue;
        };
        if job.is_failed() || (job.not_before > at && !early(&job)) {
            continue;
        }
        let answer = run_job(engine, api, settings, &job, now).await?;
        let last = matches!(answer, JobAnswer::Done { .. } | JobAnswer::Failed { .. });
        let ok = matches!(answer, JobAnswer::Done { .. });
        let message = record(engine, job.id, answer, now()).await?;
        if last {
            ran.push(Answered {
                job: job.id,
                ok,
                message,
            });
        }
    }
    Ok(ran)
}

/// Runs jobs until each of `wanted` has its final answer (or `deadline` passed), and
/// returns those answers. For the CLI, which reports its own jobs.
pub async fn run_until_answered(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    settings: &WorkerSettings,
    wanted: &[JobId],
    deadline: Duration,
    now: &(dyn Fn() -> Timestamp + Send + Sync),
) -> Result<Vec<Answered>, EngineError> {
    let until = std::time::Instant::now() + deadline;
    let mut answers = Vec::new();
    loop {
        let ran = run_ready(engine, api, settings, now).await?;
        answers.extend(ran.into_iter().filter(|a| wanted.contains(&a.job)));
        let open: Vec<Job> = wanted
            .iter()
            .filter_map(|id| engine.store().job(*id).ok().flatten())
            .filter(|j| !j.is_failed())
            // A followed order is answered once the carrier accepted it.
            .filter(|j| !matches!(j.action, Action::RefreshOrder { .. }))
            .collect();
        if open.is_empty() || std::time::Instant::now() >= until {
            return Ok(answers);
        }
        let next = open.iter().map(|j| j.not_before).min().unwrap_or(now());
        let wait = now().until(next).min(Duration::from_millis(500));
        tokio::time::sleep(wait.max(Duration::from_millis(5))).await;
    }
}

/// The worker as a task: runs ready jobs, then sleeps until the next one is due or a
/// change (a new job) is announced.
pub fn spawn(
    engine: Arc<Engine>,
    api: Arc<dyn CarrierApi>,
    settings: WorkerSettings,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = engine.subscribe();
        let now = crate::engine::now;
        loop {
            let ran = run_ready(&engine, api.as_ref(), &settings, &now).await;
            engine.trouble(
                "the carrier worker",
                ran.err()
                    .map(|e| format!("the carrier worker could not record an answer: {e}")),
            );
            let next = engine
                .store()
                .jobs()
                .unwrap_or_default()
                .iter()
                .filter(|j| !j.is_failed())
                .map(|j| j.not_before)
                .min();
            let wait = next
                .map(|at| crate::engine::now().until(at))
                .unwrap_or(Duration::from_secs(5))
                .clamp(Duration::from_millis(20), Duration::from_secs(5));
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = events.recv() => {}
            }
        }
    })
}

async fn blocking<T: Send + 'static>(
    engine: &Arc<Engine>,
    f: impl FnOnce(&Engine) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, EngineError> {
    let e = Arc::clone(engine);
    tokio::task::spawn_blocking(move || f(&e))
        .await
        .map_err(|_| EngineError::Stopped)?
        .map_err(EngineError::Store)
}

/// Records an answer through the engine; returns what it says.
async fn record(
    engine: &Arc<Engine>,
    job: JobId,
    answer: JobAnswer,
    at: Timestamp,
) -> Result<String, EngineError> {
    let e = Arc::clone(engine);
    let result = tokio::task::spawn_blocking(move || {
        e.dispatch(&Actor::carrier(), Action::CarrierAnswer { job, answer }, at)
    })
    .await
    .map_err(|_| EngineError::Stopped)?;
    match result {
        Ok(o) => Ok(o.message),
        Err(EngineError::Rule(e)) => Ok(e.to_string()),
        Err(e) => Err(e),
    }
}

async fn run_job(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    settings: &WorkerSettings,
    job: &Job,
    now: &(dyn Fn() -> Timestamp + Send + Sync),
) -> Result<JobAnswer, EngineError> {
    if let JobState::Sent { .. } = job.state {
        match tokio::time::timeout(settings.call_timeout, resolve(engine, api, job)).await {
            Ok(Ok(Some(answer))) => return Ok(answer),
            Ok(Ok(None)) => {}
            // Reading the carrier's state failed: still unresolved, so the next try reads
            // again before anything is sent (a throttled read must not turn into a resend).
            Ok(Err(e)) => return Ok(still_uncertain(after_error(settings, job, e, now()))),
            Err(_) => {
                return Ok(still_uncertain(after_error(
                    settings,
                    job,
                    CarrierError::Timeout,
                    now(),
                )))
            }
        }
    }
    record(engine, job.id, JobAnswer::Sending, now()).await?;
    let sent = tokio::time::timeout(
        settings.call_timeout,
        perform(engine, api, settings, job, now),
    );
    Ok(match sent.await {
        Ok(Ok(answer)) => answer,
        Ok(Err(e)) => after_error(settings, job, e, now()),
        Err(_) => after_error(settings, job, CarrierError::Timeout, now()),
    })
}

/// A job whose earlier call may have been carried out stays to be resolved first.
fn still_uncertain(answer: JobAnswer) -> JobAnswer {
    match answer {
        JobAnswer::Later { reason, at } => JobAnswer::Uncertain { reason, at },
        other => other,
    }
}

/// The next step after a failed call: wait and send again, resolve first, or give up.
fn after_error(settings: &WorkerSettings, job: &Job, e: CarrierError, now: Timestamp) -> JobAnswer {
    let tries = job.attempts + 1;
    // The carrier no longer has one of the job's numbers (released in the AWS console):
    // an answer about that number, not a failure to retry. The next sync removes it.
    if let CarrierError::NotFound(what) | CarrierError::Gone(what) = &e {
        if let Some(n) = job.numbers.iter().find(|n| n.as_str() == what) {
            return JobAnswer::Done {
                failed: vec![(n.clone(), e.to_string())],
                carrier_ref: None,
            };
        }
    }
    if !e.is_retryable() {
        return JobAnswer::Failed {
            reason: e.to_string(),
        };
    }
    if tries >= settings.max_attempts {
        return JobAnswer::Failed {
            reason: format!("gave up after {tries} tries: {e}"),
        };
    }
    let at = now.plus(backoff(settings, job.id, tries));
    if e.may_have_applied() {
        JobAnswer::Uncertain {
            reason: e.to_string(),
            at,
        }
    } else {
        JobAnswer::Later {
            reason: e.to_string(),
            at,
        }
    }
}

/// Exponential backoff with jitter, deterministic per job and try (no clock, no RNG state).
fn backoff(settings: &WorkerSettings, job: JobId, tries: u32) -> Duration {
    let base = settings
        .backoff
        .saturating_mul(1u32 << tries.min(16).saturating_sub(1))
        .min(settings.max_backoff);
    let h = (job.0 ^ ((tries as u64) << 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    // "Equal jitter": half the pause fixed, half spread.
    let half = base / 2;
    half + Duration::from_millis((h >> 11) % (half.as_millis() as u64 + 1))
}

fn failures(list: Vec<NumberFailure>) -> Vec<(E164, String)> {
    list.into_iter()
        .map(|f| {
            let words = f.words();
            let why = words
                .split_once(": ")
                .map(|(_, w)| w.to_string())
                .unwrap_or(words);
            (f.number, why)
        })
        .collect()
}

fn done(failed: Vec<(E164, String)>) -> JobAnswer {
    JobAnswer::Done {
        failed,
        carrier_ref: None,
    }
}

/// The carrier's id of a local voice connector or group, for a call.
fn target(engine: &Engine, to: &Assignee) -> Result<Association, CarrierError> {
    let local = to.key();
    let carrier = engine.store().carrier_id(&local).ok_or_else(|| {
        CarrierError::NotFound(format!(
            "{} {local} (it is not known at the carrier; run `phonedesk sync`)",
            to.kind_label()
        ))
    })?;
    match to {
        Assignee::VoiceConnector(_) => Ok(Association::VoiceConnector(carrier)),
        Assignee::VoiceConnectorGroup(_) => Ok(Association::VoiceConnectorGroup(carrier)),
        Assignee::User { .. } => Err(CarrierError::BadRequest(
            "Business Calling users are not part of the Chime SDK".into(),
        )),
        Assignee::SipMediaApplication(_) => Err(CarrierError::BadRequest(
            "a number reaches a SIP media application through a SIP rule".into(),
        )),
    }
}

/// The carrier's id and region of a local SIP media application, for a SIP rule.
fn sma_target(engine: &Engine, sma: &SmaId) -> Result<(String, String), CarrierError> {
    let id = carrier_id(engine, &sma.0, "SIP media application")?;
    let region = engine
        .store()
        .sip_media_apps()
        .ok()
        .and_then(|apps| apps.into_iter().find(|a| &a.id == sma))
        .map(|a| a.region)
        .ok_or_else(|| CarrierError::NotFound(format!("SIP media application {sma}")))?;
    Ok((id, region))
}

/// Every SIP rule at the carrier (an account has tens at most).
async fn all_sip_rules(api: &dyn CarrierApi) -> Result<Vec<SipRule>, CarrierError> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = api.list_sip_rules(next.as_deref()).await?;
        out.extend(page.items);
        match page.next {
            Some(t) => next = Some(t),
            None => return Ok(out),
        }
    }
}

/// The SIP rule triggered by a number, if any.
fn rule_on<'a>(rules: &'a [SipRule], n: &E164) -> Option<&'a SipRule> {
    rules
        .iter()
        .find(|r| r.trigger_type == SipRule::TO_PHONE_NUMBER && r.trigger_value == n.as_str())
}

/// Assigns numbers to a SIP media application: a SIP rule per number (`CreateSipRule`,
/// trigger `ToPhoneNumber`, the application at priority 1 in its region). A number whose
/// rule is already there (an earlier try that got no answer) is not sent again.
async fn create_rules(
    engine: &Engine,
    api: &dyn CarrierApi,
    numbers: &[E164],
    sma: &SmaId,
) -> Result<JobAnswer, CarrierError> {
    let (sma_id, region) = sma_target(engine, sma)?;
    let rules = all_sip_rules(api).await?;
    let mut failed = Vec::new();
    for n in numbers {
        if rule_on(&rules, n).is_some_and(|r| r.targets.contains(&sma_id)) {
            continue;
        }
        let rule = NewSipRule {
            name: DialInRule::name_for(n),
            number: n.clone(),
            sma_id: sma_id.clone(),
            region: region.clone(),
        };
        match api.create_sip_rule(&rule).await {
            Ok(_) => {}
            Err(e) if e.is_retryable() => return Err(e),
            Err(e) => failed.push((n.clone(), e.to_string())),
        }
    }
    Ok(done(failed))
}

/// Unassigns numbers from their SIP media application: their SIP rule is disabled, then
/// deleted (the API deletes only a disabled rule). A number without a rule has nothing left.
async fn delete_rules(
    api: &dyn CarrierApi,
    numbers: &[E164],
) -> Result<Vec<(E164, String)>, CarrierError> {
    let rules = all_sip_rules(api).await?;
    let mut failed = Vec::new();
    for n in numbers {
        let Some(rule) = rule_on(&rules, n) else {
            continue;
        };
        let step = async {
            if !rule.disabled {
                api.update_sip_rule(&rule.id, &rule.name, true).await?;
            }
            match api.delete_sip_rule(&rule.id).await {
                Ok(()) | Err(CarrierError::NotFound(_)) => Ok(()),
                Err(e) => Err(e),
            }
        };
        match step.await {
            Ok(()) => {}
            Err(e) if e.is_retryable() => return Err(e),
            Err(e) => failed.push((n.clone(), e.to_string())),
        }
    }
    Ok(failed)
}

fn carrier_id(engine: &Engine, local: &str, what: &str) -> Result<String, CarrierError> {
    engine.store().carrier_id(local).ok_or_else(|| {
        CarrierError::NotFound(format!(
            "{what} {local} (it is not known at the carrier; run `phonedesk sync`)"
        ))
    })
}

/// Sends the job's calls.
async fn perform(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    settings: &WorkerSettings,
    job: &Job,
    now: &(dyn Fn() -> Timestamp + Send + Sync),
) -> Result<JobAnswer, CarrierError> {
    match &job.action {
        Action::Provision {
            product_type,
            numbers,
        } => {
            let order = api
                .create_order(&NewOrder {
                    product_type: *product_type,
                    numbers: numbers.clone(),
                    name: None,
                })
                .await?;
            Ok(JobAnswer::Done {
                failed: Vec::new(),
                carrier_ref: Some(order.id),
            })
        }
        Action::RefreshOrder { order } => {
            let id = match &job.carrier_ref {
                Some(id) => id.clone(),
                None => carrier_id(engine, &order.0, "order")?,
            };
            let o = api.get_order(&id).await?;
            if !o.status.is_final() {
                return Ok(JobAnswer::Wait {
                    reason: format!("the carrier is still processing order {order}"),
                    at: now().plus(settings.order_poll),
                });
            }
            Ok(done(
                o.numbers
                    .into_iter()
                    .filter(|(_, s)| *s != OrderedNumberStatus::Acquired)
                    .map(|(n, _)| (n, "the carrier could not acquire it".to_string()))
                    .collect(),
            ))
        }
        Action::Assign {
            numbers,
            to: Assignee::SipMediaApplication(sma),
        } => create_rules(engine, api, numbers, sma).await,
        Action::Assign { numbers, to } | Action::Reassign { numbers, to } => {
            let force = matches!(job.action, Action::Reassign { .. });
            let target = target(engine, to)?;
            let mut failed = Vec::new();
            for chunk in numbers.chunks(BATCH) {
                failed.extend(failures(api.associate(&target, chunk, force).await?));
            }
            Ok(done(failed))
        }
        Action::Unassign { numbers } => {
            // The carrier needs the current target: group the numbers by where they are.
            let mut by_target: Vec<(Association, Vec<E164>)> = Vec::new();
            let mut by_rule = Vec::new();
            let mut failed = Vec::new();
            for n in numbers {
                let at = engine
                    .store()
                    .number(n)
                    .ok()
                    .flatten()
                    .and_then(|p| p.assignee().cloned());
                if let Some(Assignee::SipMediaApplication(_)) = at {
                    by_rule.push(n.clone());
                    continue;
                }
                match at.map(|a| target(engine, &a)) {
                    Some(Ok(t)) => match by_target.iter_mut().find(|(x, _)| *x == t) {
                        Some((_, ns)) => ns.push(n.clone()),
                        None => by_target.push((t, vec![n.clone()])),
                    },
                    Some(Err(e)) => failed.push((n.clone(), e.to_string())),
                    None => failed.push((n.clone(), "it is not assigned".into())),
                }
            }
            for (t, ns) in by_target {
                for chunk in ns.chunks(BATCH) {
                    failed.extend(failures(api.disassociate(&t, chunk).await?));
                }
            }
            if !by_rule.is_empty() {
                failed.extend(delete_rules(api, &by_rule).await?);
            }
            Ok(done(failed))
        }
        Action::SwitchProductType {
            numbers,
            product_type,
        } => {
            let mut failed = Vec::new();
            for chunk in numbers.chunks(BATCH) {
                let items: Vec<(E164, NumberUpdate)> = chunk
                    .iter()
                    .map(|n| (n.clone(), NumberUpdate::ProductType(*product_type)))
                    .collect();
                failed.extend(failures(api.batch_update_numbers(&items).await?));
            }
            Ok(done(failed))
        }
        Action::SetLabel { number, label } => {
            let name = label.clone().unwrap_or_default();
            api.update_number(number, &NumberUpdate::Name(name)).await?;
            Ok(done(Vec::new()))
        }
        Action::SetUniqueCallingName { number, name } => {
            let name = name.as_ref().map(|n| n.to_string()).unwrap_or_default();
            api.update_number(number, &NumberUpdate::CallingName(name))
                .await?;
            Ok(done(Vec::new()))
        }
        Action::SetDefaultCallingName { name } => {
            let name = name.as_ref().map(|n| n.to_string()).unwrap_or_default();
            api.update_settings(&name).await?;
            Ok(done(Vec::new()))
        }
        Action::Delete { numbers } => {
            let mut failed = Vec::new();
            for chunk in numbers.chunks(BATCH) {
                failed.extend(failures(api.delete_numbers(chunk).await?));
            }
            Ok(done(failed))
        }
        Action::Restore { numbers } => {
            let mut failed = Vec::new();
            for n in numbers {
                match api.restore_number(n).await {
                    Ok(_) => {}
                    Err(e) if e.is_retryable() => return Err(e),
                    Err(e) => failed.push((n.clone(), e.to_string())),
                }
            }
            Ok(done(failed))
        }
        Action::CreateVoiceConnector {
            name,
            region,
            encryption,
        } => {
            let vc = api
                .create_voice_connector(name.trim(), region.trim(), *encryption)
                .await?;
            Ok(JobAnswer::Done {
                failed: Vec::new(),
                carrier_ref: Some(vc.id),
            })
        }
        Action::UpdateVoiceConnector {
            connector,
            name,
            encryption,
        } => {
            let id = carrier_id(engine, &connector.0, "voice connector")?;
            api.update_voice_connector(&id, name.trim(), *encryption)
                .await?;
            Ok(done(Vec::new()))
        }
        Action::DeleteVoiceConnector { connector } => {
            let id = carrier_id(engine, &connector.0, "voice connector")?;
            match api.delete_voice_connector(&id).await {
                Ok(()) | Err(CarrierError::NotFound(_)) => Ok(done(Vec::new())),
                Err(e) => Err(e),
            }
        }
        Action::CreateGroup { name, members } => {
            let members = group_members(engine, members)?;
            let g = api.create_group(name.trim(), &members).await?;
            Ok(JobAnswer::Done {
                failed: Vec::new(),
                carrier_ref: Some(g.id),
            })
        }
        Action::UpdateGroup {
            group,
            name,
            members,
        } => {
            let id = carrier_id(engine, &group.0, "voice connector group")?;
            let members = group_members(engine, members)?;
            api.update_group(&id, name.trim(), &members).await?;
            Ok(done(Vec::new()))
        }
        Action::DeleteGroup { group } => {
            let id = carrier_id(engine, &group.0, "voice connector group")?;
            match api.delete_group(&id).await {
                Ok(()) | Err(CarrierError::NotFound(_)) => Ok(done(Vec::new())),
                Err(e) => Err(e),
            }
        }
        support if super::porting::is_support(support) => {
            super::porting::perform(engine, api, job).await
        }
        other => Ok(JobAnswer::Failed {
            reason: format!("“{}” is not something the carrier does", other.describe()),
        }),
    }
}

fn group_members(
    engine: &Engine,
    members: &[crate::domain::GroupMember],
) -> Result<Vec<CarrierGroupMember>, CarrierError> {
    members
        .iter()
        .map(|m| {
            Ok(CarrierGroupMember {
                connector_id: carrier_id(engine, &m.connector.0, "voice connector")?,
                priority: m.priority,
            })
        })
        .collect()
}

/// A job that may have reached the carrier: what does the carrier show of it? `Some` when
/// it was carried out (its answer), `None` when it must be sent (again).
/// Orders read back, at most, when looking for one whose reply was lost.
const ORDER_PAGES_READ: usize = 20;

/// The order a provisioning job placed, if the carrier holds one: an order for exactly
/// these numbers, placed since the job was made. Read from the carrier's orders, not from
/// the numbers, which may be gone already (released in the AWS console, or failed).
async fn placed_order(
    api: &dyn CarrierApi,
    job: &Job,
    numbers: &[E164],
) -> Result<Option<String>, CarrierError> {
    use std::collections::BTreeSet;
    let want: BTreeSet<&E164> = numbers.iter().collect();
    if want.is_empty() {
        return Ok(None);
    }
    // Clocks differ between here and the carrier: a few minutes of slack.
    let since = job.created_at.minus(Duration::from_secs(300));
    let mut next: Option<String> = None;
    for _ in 0..ORDER_PAGES_READ {
        let page = api.list_orders(next.as_deref()).await?;
        let found = page.items.into_iter().find(|o| {
            o.order_type == crate::domain::OrderType::New
                && o.created_at.is_none_or(|at| at >= since)
                && o.numbers.iter().map(|(n, _)| n).collect::<BTreeSet<_>>() == want
        });
        if let Some(order) = found {
            return Ok(Some(order.id));
        }
        match page.next {
            Some(token) => next = Some(token),
            None => break,
        }
    }
    Ok(None)
}

async fn resolve(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    job: &Job,
) -> Result<Option<JobAnswer>, CarrierError> {
    let number = |n: E164| async move {
        match api.get_number(&n).await {
            Ok(c) => Ok(Some(c)),
            Err(CarrierError::NotFound(_)) | Err(CarrierError::Gone(_)) => Ok(None),
            Err(e) => Err(e),
        }
    };
    match &job.action {
        Action::Provision { numbers, .. } => {
            Ok(placed_order(api, job, numbers)
                .await?
                .map(|id| JobAnswer::Done {
                    failed: Vec::new(),
                    carrier_ref: Some(id),
                }))
        }
        Action::Assign {
            numbers,
            to: Assignee::SipMediaApplication(sma),
        } => {
            // Carried out when every number triggers a rule to the application.
            let (sma_id, _) = sma_target(engine, sma)?;
            let rules = all_sip_rules(api).await?;
            let all_there = numbers
                .iter()
                .all(|n| rule_on(&rules, n).is_some_and(|r| r.targets.contains(&sma_id)));
            Ok(all_there.then(|| done(Vec::new())))
        }
        Action::Assign { numbers, to } | Action::Reassign { numbers, to } => {
            let want = target(engine, to)?;
            for n in numbers {
                match number(n.clone()).await? {
                    Some(c) if c.associations.contains(&want) => {}
                    _ => return Ok(None),
                }
            }
            Ok(Some(done(Vec::new())))
        }
        Action::Unassign { numbers } => {
            for n in numbers {
                if let Some(c) = number(n.clone()).await? {
                    if !c.associations.is_empty() {
                        return Ok(None);
                    }
                }
            }
            Ok(Some(done(Vec::new())))
        }
        Action::Delete { numbers } => {
            for n in numbers {
                if let Some(c) = number(n.clone()).await? {
                    if c.status != CarrierNumberStatus::DeleteInProgress {
                        return Ok(None);
                    }
                }
            }
            Ok(Some(done(Vec::new())))
        }
        Action::Restore { numbers } => {
            for n in numbers {
                if let Some(c) = number(n.clone()).await? {
                    if c.status == CarrierNumberStatus::DeleteInProgress {
                        return Ok(None);
                    }
                }
            }
            Ok(Some(done(Vec::new())))
        }
        Action::CreateVoiceConnector { name, region, .. } => {
            let mut next: Option<String> = None;
            loop {
                let page = api.list_voice_connectors(next.as_deref()).await?;
                if let Some(vc) = page.items.into_iter().find(|vc| {
                    vc.name == name.trim()
                        && vc.region == region.trim()
                        && engine
                            .store()
                            .local_id(crate::domain::VoiceConnectorId::PREFIX, &vc.id)
                            .is_none()
                }) {
                    return Ok(Some(JobAnswer::Done {
                        failed: Vec::new(),
                        carrier_ref: Some(vc.id),
                    }));
                }
                match page.next {
                    Some(t) => next = Some(t),
                    None => return Ok(None),
                }
            }
        }
        Action::CreateGroup { name, .. } => {
            let mut next: Option<String> = None;
            loop {
                let page = api.list_groups(next.as_deref()).await?;
                if let Some(g) = page.items.into_iter().find(|g| {
                    g.name == name.trim()
                        && engine
                            .store()
                            .local_id(crate::domain::GroupId::PREFIX, &g.id)
                            .is_none()
                }) {
                    return Ok(Some(JobAnswer::Done {
                        failed: Vec::new(),
                        carrier_ref: Some(g.id),
                    }));
                }
                match page.next {
                    Some(t) => next = Some(t),
                    None => return Ok(None),
                }
            }
        }
        support if super::porting::is_support(support) => {
            super::porting::resolve(engine, api, job).await
        }
        // The rest set a value or read: sending them again changes nothing twice.
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_within_its_bounds() {
        let s = WorkerSettings::default();
        let mut last_base = Duration::ZERO;
        for tries in 1..12 {
            let d = backoff(&s, JobId(7), tries);
            let base = s
                .backoff
                .saturating_mul(1u32 << (tries - 1))
                .min(s.max_backoff);
            assert!(d >= base / 2 && d <= base, "{tries}: {d:?} for {base:?}");
            assert!(base >= last_base);
            last_base = base;
        }
        assert_eq!(backoff(&s, JobId(7), 3), backoff(&s, JobId(7), 3));
    }

    #[test]
    fn only_transient_errors_are_sent_again_and_uncertain_ones_are_resolved_first() {
        let s = WorkerSettings::default();
        let job = Job {
            id: JobId(1),
            actor: "alice".into(),
            action: Action::Delete {
                numbers: Vec::new(),
            },
            numbers: Vec::new(),
            records: Vec::new(),
            created_at: Timestamp(0),
            state: JobState::Queued,
            attempts: 0,
            not_before: Timestamp(0),
            carrier_ref: None,
            last_error: None,
        };
        let now = Timestamp(1_000);
        assert!(matches!(
            after_error(&s, &job, CarrierError::Throttled, now),
            JobAnswer::Later { .. }
        ));
        assert!(matches!(
            after_error(&s, &job, CarrierError::ServiceFailure { status: 500 }, now),
            JobAnswer::Uncertain { .. }
        ));
        assert!(matches!(
            after_error(&s, &job, CarrierError::BadRequest("no".into()), now),
            JobAnswer::Failed { .. }
        ));
        let tired = Job {
            attempts: s.max_attempts,
            ..job
        };
        match after_error(&s, &tired, CarrierError::Throttled, now) {
            JobAnswer::Failed { reason } => assert!(reason.contains("gave up"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }
}
