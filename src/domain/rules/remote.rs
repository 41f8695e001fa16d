//! Decisions when the carrier is remote (the Chime SDK Voice API): the carrier is the
//! source of truth, so an action that changes something there is checked by phonedesk's
//! rules at once (the clear error before anything is sent) and written as a job; the
//! change itself lands when the carrier's answer comes back (`CarrierAnswer`), through the
//! very rule code that decided it. A sync brings what changed outside phonedesk.

use super::*;

/// The carrier's answers as the job worker reports them: it sells whatever is asked (the
/// order's own answer says otherwise), and an order's numbers are acquired unless the
/// report lists them as failed.
struct Reported<'a> {
    failed: &'a [(E164, String)],
}

impl Desk for Reported<'_> {
    fn offers(&self, _: &E164) -> bool {
        true
    }
    fn acquire(&self, _: &OrderId, number: &E164) -> Result<(), String> {
        match self.failed.iter().find(|(n, _)| n == number) {
            Some((_, reason)) => Err(reason.clone()),
            None => Ok(()),
        }
    }
    fn review_port_in(&self, _: &PortIn) -> Result<String, String> {
        Err(PORTING_BY_SUPPORT.into())
    }
    fn check_loa(&self, _: &PortIn, _: &Loa) -> Result<(), String> {
        Err(PORTING_BY_SUPPORT.into())
    }
    fn port_date(&self, _: &RequestId, now: Timestamp, _: &Policy) -> Timestamp {
        now
    }
    fn port_out_credentials(&self, _: &RequestId) -> (String, Secret) {
        (String::new(), Secret::new(String::new()))
    }
    fn answer(&self, _: &SupportRequest) -> String {
        PORTING_BY_SUPPORT.into()
    }
}

const PORTING_BY_SUPPORT: &str = "with the Chime SDK, requests go to AWS Support";

/// True for the actions this module decides when the carrier is remote.
pub(super) fn handles(action: &Action) -> bool {
    !matches!(
        action,
        Action::RunDue(_) | Action::DismissFailed { .. } | Action::Undo(_)
    )
}

pub(super) fn decide(ctx: &Ctx, tx: &mut Tx, action: &Action) -> Result<Outcome, RuleError> {
    match action {
        Action::CarrierAnswer { job, answer } => answer_job(ctx, tx, *job, answer),
        Action::RetryJob { job } => retry(ctx, tx, *job),
        Action::CancelJob { job } => cancel(ctx, tx, *job),
        Action::SyncNumbers { numbers } => sync_numbers(ctx, tx, numbers),
        Action::SyncGone { numbers } => sync_gone(ctx, tx, numbers),
        Action::SyncOrders { orders } => sync_orders(ctx, tx, orders),
        Action::SyncDirectory {
            connectors,
            groups,
            settings,
        } => sync_directory(ctx, tx, connectors, groups, settings),
        Action::SyncRequests { cases } => sync_requests(ctx, tx, cases),
        Action::SyncSipDirectory { apps, rules } => sync_sip_directory(tx, apps, rules),
        Action::RefreshOrder { .. } => Err(RuleError::NotScheduler),
        _ => request(ctx, tx, action),
    }
}

/// What the Chime SDK has no API for: the Amazon Chime service (Business Calling, its
/// accounts and users) ended on 2026-02-20.
fn refuse_unsupported(action: &Action) -> Result<(), RuleError> {
    let business_calling = match action {
        Action::Provision { product_type, .. } | Action::SwitchProductType { product_type, .. } => {
            *product_type == ProductType::BusinessCalling
        }
        Action::Assign { to, .. } | Action::Reassign { to, .. } => {
            matches!(to, Assignee::User { .. })
        }
        Action::CreateAccount { .. }
        | Action::DeleteAccount { .. }
        | Action::CreateUser { .. }
        | Action::SetUserPermissions { .. }
        | Action::DeleteUser { .. } => true,
        _ => false,
    };
    if business_calling {
        return Err(RuleError::BusinessCallingEnded);
    }
    if let Action::CreateSipMediaApplication { .. } = action {
        return Err(RuleError::SipMediaApplicationAtCarrier);
    }
    Ok(())
}

/// The numbers an action touches.
fn numbers_of(action: &Action) -> Vec<E164> {
    match action {
        Action::Provision { numbers, .. }
        | Action::Assign { numbers, .. }
        | Action::Reassign { numbers, .. }
        | Action::Unassign { numbers }
        | Action::SwitchProductType { numbers, .. }
        | Action::Delete { numbers }
        | Action::Restore { numbers } => numbers.clone(),
        Action::SetLabel { number, .. } | Action::SetUniqueCallingName { number, .. } => {
            vec![number.clone()]
        }
        Action::SubmitRequest(NewRequest::PortIn { form, .. }) => form.numbers.clone(),
        Action::SubmitRequest(NewRequest::PortOut { form, .. }) => form.numbers.clone(),
        _ => Vec::new(),
    }
}

/// Keeps a scratch decision's writes, without the simulated desk's scheduled work: with a
/// remote carrier, its own desk and orders answer instead.
fn keep_without_desk(tx: &mut Tx, changes: Vec<Change>) {
    for change in changes {
        match change {
            Change::Schedule(Due {
                task: Task::CompleteOrder(_) | Task::SupportStep(_),
                ..
            })
            | Change::Unschedule(Due {
                task: Task::SupportStep(_),
                ..
            }) => {}
            Change::PutNumber(p) => tx.put_number(p),
            Change::RemoveNumber(n) => tx.remove_number(&n),
            Change::PutRequest(mut r) => {
                r.next_step_at = None;
                tx.push(Change::PutRequest(r));
            }
            other => tx.push(other),
        }
    }
}

/// The other records an action touches, by local id.
fn records_of(action: &Action) -> Vec<String> {
    match action {
        Action::UpdateVoiceConnector { connector, .. }
        | Action::DeleteVoiceConnector { connector } => vec![connector.0.clone()],
        Action::UpdateGroup { group, .. } | Action::DeleteGroup { group } => vec![group.0.clone()],
        Action::SetDefaultCallingName { .. } => vec!["settings".into()],
        other => other
            .request()
            .map(|r| vec![r.0.clone()])
            .unwrap_or_default(),
    }
}

/// An administrator's action: the rules as pre-checks, then a job.
fn request(ctx: &Ctx, tx: &mut Tx, action: &Action) -> Result<Outcome, RuleError> {
    refuse_unsupported(action)?;
    let numbers = numbers_of(action);
    let records = records_of(action);
    for n in &numbers {
        if let Some(job) = tx.base().job_on(&format!("n:{n}")) {
            return Err(RuleError::JobInFlight {
                what: n.to_string(),
                job,
            });
        }
    }
    // A failed acquisition is phonedesk's record of an order's answer: the carrier does not
    // hold the number, so nothing but a new order of it can be sent.
    if !matches!(action, Action::Provision { .. }) {
        for n in &numbers {
            if let Some(p) = tx
                .number(n)
                .filter(|p| matches!(p.status, NumberStatus::AcquireFailed { .. }))
            {
                return Err(RuleError::NotInInventory {
                    number: n.clone(),
                    status: status_words(&p),
                });
            }
        }
    }
    for r in &records {
        if let Some(job) = tx.base().job_on(&format!("r:{r}")) {
            return Err(RuleError::JobInFlight {
                what: r.clone(),
                job,
            });
        }
    }
    // Decide on a scratch transaction: the rules refuse with their clear error, or say
    // what would change. Only a provision keeps its writes: its numbers wait in Pending
    // (the administrator's intent, visible at once) until the carrier answers.
    let desk = Reported { failed: &[] };
    let pre = Ctx {
        desk: &desk,
        ..*ctx
    };
    let mut scratch = Tx::new(tx.base());
    let predicted = match action {
        // The LOA is recorded now; AWS Support's answer comes through the case.
        Action::SubmitLoa { request, loa } => support::record_loa(ctx, &mut scratch, request, loa)?,
        Action::SubmitLoaFile { request, loa, file } => {
            check_loa_file(file)?;
            support::record_loa(ctx, &mut scratch, request, loa)?
        }
        _ => pre.run(&mut scratch, action)?,
    };
    let mut job_records = records;
    // A provision and a new request keep their writes: the numbers wait in Pending and the
    // request is on the Support screen (the administrator's intent, visible at once) until
    // the carrier answers. So does an LOA.
    if matches!(
        action,
        Action::Provision { .. }
            | Action::SubmitRequest(_)
            | Action::SubmitLoa { .. }
            | Action::SubmitLoaFile { .. }
    ) {
        keep_without_desk(tx, scratch.into_changes());
        job_records.extend(predicted.order.iter().map(|o| o.0.clone()));
        if let (Action::SubmitRequest(_), Some(r)) = (action, &predicted.request) {
            job_records.push(r.0.clone());
        }
    }
    let id = JobId(tx.base().last_job_id() + 1);
    tx.push(Change::PutJob(Job {
        id,
        actor: ctx.actor.name.clone(),
        action: action.clone(),
        numbers,
        records: job_records,
        created_at: ctx.now,
        state: JobState::Queued,
        attempts: 0,
        not_before: ctx.now,
        carrier_ref: None,
        last_error: None,
    }));
    Ok(Outcome {
        message: format!("Sent to the carrier as {id}: {}.", action.describe()),
        job: Some(id),
        order: predicted.order,
        numbers: predicted.numbers,
        request: predicted.request,
        ..Default::default()
    })
}

fn check_loa_file(file: &LoaFile) -> Result<(), RuleError> {
    let name = checked_text(&file.name, "the LOA file's name", TEXT_MAX)?;
    if file.data.is_empty() {
        return Err(RuleError::LoaFile(format!("{name} is empty")));
    }
    if file.data.len() > LOA_FILE_MAX {
        return Err(RuleError::LoaFile(format!(
            "{name} is larger than the 5 MB AWS Support takes"
        )));
    }
    Ok(())
}

/// Requests as the carrier shows them: what differs is applied.
fn sync_requests(ctx: &Ctx, tx: &mut Tx, cases: &[CaseProgress]) -> Result<Outcome, RuleError> {
    let mut changed = Vec::new();
    for p in cases {
        if tx.base().job_on(&format!("r:{}", p.request)).is_some() {
            continue; // the job's answer settles it first
        }
        if let Some(id) = support::apply_progress(ctx, tx, p)? {
            changed.push(id);
        }
    }
    Ok(Outcome {
        message: match changed.as_slice() {
            [] => "No support request changed.".into(),
            [one] => format!("{one} changed at AWS Support."),
            many => format!("{} support requests changed at AWS Support.", many.len()),
        },
        request: changed.first().cloned(),
        ..Default::default()
    })
}

fn answer_job(ctx: &Ctx, tx: &mut Tx, id: JobId, answer: &JobAnswer) -> Result<Outcome, RuleError> {
    let Some(mut job) = tx.base().job(id) else {
        return Ok(Outcome::say(format!("{id} is no longer waiting.")));
    };
    match answer {
        JobAnswer::Sending => {
            job.state = JobState::Sent { at: ctx.now };
            job.attempts += 1;
            tx.push(Change::PutJob(job));
            Ok(Outcome::say(format!("{id} sent to the carrier.")))
        }
        JobAnswer::Later { reason, at } => {
            job.state = JobState::Queued;
            job.not_before = *at;
            job.last_error = Some(reason.clone());
            tx.push(Change::PutJob(job));
            Ok(Outcome::say(format!("{id} waits: {reason}.")))
        }
        JobAnswer::Uncertain { reason, at } => {
            // Still possibly sent: the worker reads the carrier's state before sending again.
            job.not_before = *at;
            job.last_error = Some(reason.clone());
            tx.push(Change::PutJob(job));
            Ok(Outcome::say(format!(
                "{id}: no clear answer ({reason}); the carrier's state will be read before it is sent again."
            )))
        }
        JobAnswer::Wait { reason, at } => {
            job.state = JobState::Queued;
            job.not_before = *at;
            job.attempts = 0;
            job.last_error = Some(reason.clone());
            tx.push(Change::PutJob(job));
            Ok(Outcome::say(format!("{id}: {reason}.")))
        }
        JobAnswer::Failed { reason } => failed(ctx, tx, job, reason),
        JobAnswer::Done {
            failed,
            carrier_ref,
        } => done(ctx, tx, job, failed, carrier_ref.as_deref()),
    }
}

/// A job the carrier refused or that was given up.
fn failed(ctx: &Ctx, tx: &mut Tx, mut job: Job, reason: &str) -> Result<Outcome, RuleError> {
    let what = job.describe();
    match &job.action {
        // An order the carrier refused (or that cannot be followed any more) is final:
        // its numbers fail with the reason, as a failed acquisition does.
        Action::Provision { .. } | Action::RefreshOrder { .. } => {
            tx.push(Change::RemoveJob(job.id));
            let everything: Vec<(E164, String)> = job
                .numbers
                .iter()
                .map(|n| (n.clone(), reason.to_string()))
                .collect();
            if let Some(order) = order_of(&job) {
                let desk = Reported {
                    failed: &everything,
                };
                Ctx {
                    desk: &desk,
                    ..*ctx
                }
                .complete_order(tx, &order)?;
            }
        }
        _ => {
            job.state = JobState::Failed {
                reason: reason.to_string(),
                at: ctx.now,
            };
            tx.push(Change::PutJob(job));
        }
    }
    Ok(Outcome::say(format!(
        "The carrier did not carry out “{what}”: {reason}."
    )))
}

/// The local order a provisioning or refresh job follows.
fn order_of(job: &Job) -> Option<OrderId> {
    match &job.action {
        Action::RefreshOrder { order } => Some(order.clone()),
        _ => job
            .records
            .iter()
            .find(|r| r.starts_with("order-"))
            .map(|r| OrderId(r.clone())),
    }
}

/// The carrier carried the job out (but for the numbers in `refused`).
fn done(
    ctx: &Ctx,
    tx: &mut Tx,
    job: Job,
    refused: &[(E164, String)],
    carrier_ref: Option<&str>,
) -> Result<Outcome, RuleError> {
    tx.push(Change::RemoveJob(job.id));
    let mut outcome = match &job.action {
        Action::Provision { .. } => {
            let Some(order) = order_of(&job) else {
                return Ok(Outcome::say("The order has no local record."));
            };
            if let Some(carrier) = carrier_ref {
                tx.push(Change::MapCarrierId {
                    local: order.0.clone(),
                    carrier: carrier.to_string(),
                });
            }
            // Follow the order until it completes.
            let follow = JobId(job.id.0.max(tx.base().last_job_id()) + 1);
            tx.push(Change::PutJob(Job {
                id: follow,
                actor: job.actor.clone(),
                action: Action::RefreshOrder {
                    order: order.clone(),
                },
                numbers: job.numbers.clone(),
                records: vec![order.0.clone()],
                created_at: ctx.now,
                state: JobState::Queued,
                attempts: 0,
                not_before: ctx.now.plus(ORDER_POLL),
                carrier_ref: carrier_ref.map(str::to_string),
                last_error: None,
            }));
            Outcome {
                message: format!("The carrier accepted order {order}."),
                order: Some(order),
                ..Default::default()
            }
        }
        Action::RefreshOrder { order } => {
            let desk = Reported { failed: refused };
            Ctx {
                desk: &desk,
                ..*ctx
            }
            .complete_order(tx, order)?
        }
        Action::SubmitRequest(_) => {
            let Some(request) = job.request() else {
                return Ok(Outcome::say("The request has no local record."));
            };
            if let Some(case) = carrier_ref {
                tx.push(Change::MapCarrierId {
                    local: request.0.clone(),
                    carrier: case.to_string(),
                });
            }
            Outcome {
                message: format!(
                    "AWS Support opened case {} for {request}.",
                    carrier_ref.unwrap_or("(no id)")
                ),
                request: Some(request),
                ..Default::default()
            }
        }
        Action::SubmitLoa { request, .. } | Action::SubmitLoaFile { request, .. } => Outcome {
            message: format!("AWS Support has the LOA for {request}."),
            request: Some(request.clone()),
            ..Default::default()
        },
        action @ (Action::Reply { .. }
        | Action::CancelRequest { .. }
        | Action::CloseRequest { .. }) => {
            let mut scratch = Tx::new(tx.base());
            match ctx.run(&mut scratch, action) {
                Ok(outcome) => {
                    keep_without_desk(tx, scratch.into_changes());
                    outcome
                }
                Err(e) => Outcome::say(format!(
                    "AWS Support has “{}”; phonedesk's record follows at the next sync ({e}).",
                    action.describe()
                )),
            }
        }
        action => {
            let asked = numbers_of(action);
            let all_refused =
                !asked.is_empty() && asked.iter().all(|n| refused.iter().any(|(r, _)| r == n));
            let action = without(action, refused);
            if all_refused {
                Outcome::say("The carrier refused every number.")
            } else {
                // The same rule that decided the request applies it; if the state moved on
                // meanwhile, the next sync brings the carrier's word.
                match ctx.run(tx, &action) {
                    Ok(outcome) => {
                        map_created(tx, &action, &outcome, carrier_ref);
                        outcome
                    }
                    Err(e) => Outcome::say(format!(
                        "The carrier carried out “{}”; phonedesk's record follows at the next sync ({e}).",
                        action.describe()
                    )),
                }
            }
        }
    };
    if !refused.is_empty() {
        let list: Vec<String> = refused
            .iter()
            .map(|(n, why)| format!("{n}: {why}"))
            .collect();
        outcome.message = format!(
            "{} Refused by the carrier: {}.",
            outcome.message,
            list.join("; ")
        );
        outcome.note = Some(format!("{} numbers refused", refused.len()));
    }
    Ok(outcome)
}

/// Records the carrier's id of what an answer created, and forgets deleted ones.
fn map_created(tx: &mut Tx, action: &Action, outcome: &Outcome, carrier_ref: Option<&str>) {
    match action {
        Action::CreateVoiceConnector { .. } | Action::CreateGroup { .. } => {
            if let (Some(local), Some(carrier)) = (&outcome.created, carrier_ref) {
                tx.push(Change::MapCarrierId {
                    local: local.clone(),
                    carrier: carrier.to_string(),
                });
            }
        }
        Action::DeleteVoiceConnector { connector } => tx.push(Change::UnmapCarrierId {
            local: connector.0.clone(),
        }),
        Action::DeleteGroup { group } => tx.push(Change::UnmapCarrierId {
            local: group.0.clone(),
        }),
        _ => {}
    }
}

/// The action without the numbers the carrier refused.
fn without(action: &Action, refused: &[(E164, String)]) -> Action {
    let keep = |ns: &Vec<E164>| -> Vec<E164> {
        ns.iter()
            .filter(|n| !refused.iter().any(|(r, _)| r == *n))
            .cloned()
            .collect()
    };
    let mut a = action.clone();
    match &mut a {
        Action::Assign { numbers, .. }
        | Action::Reassign { numbers, .. }
        | Action::Unassign { numbers }
        | Action::SwitchProductType { numbers, .. }
        | Action::Delete { numbers }
        | Action::Restore { numbers } => *numbers = keep(numbers),
        _ => {}
    }
    a
}

fn retry(ctx: &Ctx, tx: &mut Tx, id: JobId) -> Result<Outcome, RuleError> {
    let mut job = tx.base().job(id).ok_or(RuleError::NoSuchJob(id))?;
    if !job.is_failed() {
        return Err(RuleError::JobNotFailed(id));
    }
    // Sent before: it may have been carried out, so the worker reads the carrier's state
    // before sending it again (never twice).
    job.state = if job.attempts > 0 {
        JobState::Sent { at: ctx.now }
    } else {
        JobState::Queued
    };
    job.attempts = 0;
    job.not_before = ctx.now;
    job.last_error = None;
    tx.push(Change::PutJob(job));
    Ok(Outcome {
        message: format!("{id} will be sent again."),
        job: Some(id),
        ..Default::default()
    })
}

fn cancel(ctx: &Ctx, tx: &mut Tx, id: JobId) -> Result<Outcome, RuleError> {
    let job = tx.base().job(id).ok_or(RuleError::NoSuchJob(id))?;
    if let JobState::Sent { .. } = job.state {
        return Err(RuleError::JobSent(id));
    }
    let what = job.describe();
    if matches!(job.action, Action::Provision { .. }) && job.attempts == 0 || job.is_failed() {
        if let Action::Provision { .. } = job.action {
            let reason = if job.attempts == 0 {
                "cancelled before it reached the carrier"
            } else {
                "cancelled; had the carrier taken the order, the next sync brings its numbers"
            };
            return failed(ctx, tx, job, reason)
                .map(|_| Outcome::say(format!("Cancelled {id}: {what}.")));
        }
    }
    if let Action::RefreshOrder { .. } = job.action {
        return Err(RuleError::JobSent(id));
    }
    tx.push(Change::RemoveJob(id));
    Ok(Outcome::say(format!("Cancelled {id}: {what}.")))
}

/// Where the carrier says a number is, in phonedesk's terms; `None` when it names a voice
/// connector or group phonedesk does not know (the directory sync comes first).
fn status_from(
    tx: &Tx,
    c: &CarrierNumber,
    reason_if_failed: &str,
    now: Timestamp,
    retention: std::time::Duration,
) -> Option<NumberStatus> {
    use CarrierNumberStatus as S;
    Some(match c.status {
        S::AcquireInProgress => NumberStatus::AcquireInProgress,
        S::AcquireFailed => NumberStatus::AcquireFailed {
            reason: reason_if_failed.to_string(),
        },
        S::PortinInProgress | S::PortinCancelRequested => NumberStatus::PortinInProgress,
        S::Unassigned | S::Cancelled => NumberStatus::Unassigned,
        S::Assigned => match c.associations.first() {
            Some(Association::VoiceConnector(id)) => {
                NumberStatus::Assigned(Assignee::VoiceConnector(VoiceConnectorId(
                    tx.base().local_id(VoiceConnectorId::PREFIX, id)?,
                )))
            }
            Some(Association::VoiceConnectorGroup(id)) => NumberStatus::Assigned(
                Assignee::VoiceConnectorGroup(GroupId(tx.base().local_id(GroupId::PREFIX, id)?)),
            ),
            // A SIP rule triggered by the number: assigned to the rule's SIP media
            // application (the SIP directory is synced first). A rule phonedesk does not
            // follow (no known application) leaves the number unassigned here.
            Some(Association::SipRule(_)) => match tx.base().dial_in_rule(&c.number) {
                Some(rule) => NumberStatus::Assigned(Assignee::SipMediaApplication(rule.sma)),
                None => NumberStatus::Unassigned,
            },
            None => NumberStatus::Unassigned,
        },
        S::DeleteInProgress | S::ReleaseInProgress | S::DeleteFailed | S::ReleaseFailed => {
            // The carrier keeps a deleted number restorable for its retention from the
            // deletion timestamp; without one, from the time the sync first sees it.
            let deleted_at = c.deletion_at.or(c.updated_at).unwrap_or(now);
            NumberStatus::DeleteInProgress {
                deleted_at,
                restorable_until: deleted_at.plus(retention),
            }
        }
    })
}

/// A page of the carrier's numbers: what differs from phonedesk's records is applied.
fn sync_numbers(ctx: &Ctx, tx: &mut Tx, numbers: &[CarrierNumber]) -> Result<Outcome, RuleError> {
    let mut changed = Vec::new();
    for c in numbers {
        if tx.base().job_on(&format!("n:{}", c.number)).is_some() {
            continue; // the job's answer settles it
        }
        let old = tx.number(&c.number);
        let Some(status) = status_from(
            tx,
            c,
            "the carrier could not acquire it",
            ctx.now,
            ctx.policy.deletion_retention,
        ) else {
            continue;
        };
        let mut p = old.clone().unwrap_or_else(|| {
            PhoneNumber::new(c.number.clone(), c.product_type, status.clone(), ctx.now)
        });
        let same_kind = |a: &NumberStatus, b: &NumberStatus| {
            matches!(
                (a, b),
                (
                    NumberStatus::AcquireFailed { .. },
                    NumberStatus::AcquireFailed { .. }
                ) | (
                    NumberStatus::DeleteInProgress { .. },
                    NumberStatus::DeleteInProgress { .. }
                )
            )
        };
        // A failed acquisition keeps its own reason; a deleted number keeps the restore
        // deadline it was promised.
        if !same_kind(&p.status, &status) {
            p.status = status;
        }
        // The carrier's own word, where the lifecycle cannot say it (`DeleteFailed` is
        // kept as a number in the deletion queue, and shown as `DeleteFailed`).
        p.carrier_status = Some(c.status).filter(|s| s.api_name() != p.status.code().api_name());
        p.product_type = c.product_type;
        p.label = c.name.clone().filter(|n| !n.is_empty());
        p.capabilities = c.capabilities;
        let carrier_name = c
            .calling_name
            .as_deref()
            .and_then(|n| CallingName::parse(n).ok().flatten());
        if c.calling_name_status == Some(CallingNameStatus::UpdateInProgress) {
            // The carrier's CallingName is the name being rolled out, not the one in force.
            let known = p.calling_name.pending.as_ref().map(|x| &x.name);
            if known != Some(&carrier_name) {
                // Asked for outside phonedesk: it completes like phonedesk's own.
                let completes_at = c.updated_at.unwrap_or(ctx.now).plus(ctx.policy.name_update);
                p.calling_name.pending = Some(PendingName {
                    name: carrier_name,
                    completes_at,
                });
                tx.push(Change::Schedule(Due {
                    at: completes_at,
                    task: Task::CompleteNumberName(c.number.clone()),
                }));
            }
            p.calling_name.status = CallingNameStatus::UpdateInProgress;
        } else {
            if c.calling_name.is_some() {
                p.calling_name.current = carrier_name;
            }
            if let Some(s) = c.calling_name_status {
                p.calling_name.status = s;
                p.calling_name.pending = None;
            }
        }
        if old.as_ref() != Some(&p) {
            p.updated_at = ctx.now;
            let was_deleted = matches!(
                old.as_ref().map(|o| &o.status),
                Some(NumberStatus::DeleteInProgress { .. })
            );
            if let (
                NumberStatus::DeleteInProgress {
                    restorable_until, ..
                },
                false,
            ) = (&p.status, was_deleted)
            {
                tx.push(Change::Schedule(Due {
                    at: *restorable_until,
                    task: Task::Purge(p.number.clone()),
                }));
            }
            changed.push(p.number.clone());
            tx.put_number(p);
        }
    }
    Ok(Outcome {
        message: match changed.len() {
            0 => "Nothing changed outside phonedesk.".into(),
            1 => format!("{} changed outside phonedesk.", changed[0]),
            n => format!("{n} numbers changed outside phonedesk."),
        },
        numbers: changed,
        ..Default::default()
    })
}

/// Numbers the carrier no longer holds leave the inventory (their history stays in the
/// audit log).
/// Orders the carrier holds that phonedesk did not place (the AWS console's): listed
/// under Orders with the carrier's id, and their numbers' progress kept up to date. An
/// order on numbers with a job in flight is phonedesk's own whose answer is on its way
/// (the job maps it): left alone, so it is never listed twice.
fn sync_orders(ctx: &Ctx, tx: &mut Tx, orders: &[CarrierOrder]) -> Result<Outcome, RuleError> {
    let mut added = Vec::new();
    let mut updated = 0usize;
    for o in orders.iter().filter(|o| o.order_type == OrderType::New) {
        let ordered = |old: Option<&Order>| -> Vec<OrderedNumber> {
            o.numbers
                .iter()
                .map(|(n, status)| OrderedNumber {
                    number: n.clone(),
                    status: *status,
                    // A reason phonedesk recorded stays.
                    reason: old
                        .and_then(|old| old.numbers.iter().find(|x| &x.number == n))
                        .and_then(|x| x.reason.clone()),
                })
                .collect()
        };
        match tx.base().local_id(OrderId::PREFIX, &o.id).map(OrderId) {
            Some(local) => {
                // phonedesk's own orders are followed by their jobs.
                if tx.base().job_on(&format!("r:{local}")).is_some() {
                    continue;
                }
                let Some(old) = tx.base().order(&local) else {
                    continue;
                };
                let numbers = ordered(Some(&old));
                if numbers != old.numbers {
                    tx.push(Change::PutOrder(Order {
                        numbers,
                        updated_at: o.updated_at.unwrap_or(ctx.now),
                        ..old
                    }));
                    updated += 1;
                }
            }
            None => {
                let in_flight = o
                    .numbers
                    .iter()
                    .any(|(n, _)| tx.base().job_on(&format!("n:{n}")).is_some());
                if in_flight || o.numbers.is_empty() {
                    continue;
                }
                let id = OrderId::from_seq(tx.next_id(|s| &mut s.order));
                tx.push(Change::MapCarrierId {
                    local: id.0.clone(),
                    carrier: o.id.clone(),
                });
                let created = o.created_at.unwrap_or(ctx.now);
                tx.push(Change::PutOrder(Order {
                    id: id.clone(),
                    order_type: OrderType::New,
                    product_type: o.product_type,
                    created_at: created,
                    completes_at: None,
                    updated_at: o.updated_at.unwrap_or(created),
                    numbers: ordered(None),
                    request: None,
                }));
                added.push(id);
            }
        }
    }
    let message = match (added.len(), updated) {
        (0, 0) => String::new(),
        (0, u) => format!("{u} orders placed outside phonedesk progressed."),
        (_, _) => format!(
            "Orders placed outside phonedesk: {}.",
            added
                .iter()
                .map(|o| o.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Ok(Outcome {
        message,
        ..Default::default()
    })
}

fn sync_gone(_: &Ctx, tx: &mut Tx, numbers: &[E164]) -> Result<Outcome, RuleError> {
    let mut gone = Vec::new();
    for n in numbers {
        let Some(p) = tx.number(n) else { continue };
        if tx.base().job_on(&format!("n:{n}")).is_some() {
            continue;
        }
        // A port-in's numbers reach the carrier's inventory only once Support has made
        // its porting order; until the port ends they stay in Pending.
        let open_port = p.status == NumberStatus::PortinInProgress
            && p.port_request
                .as_ref()
                .and_then(|r| tx.base().request(r))
                .is_some_and(|r| !r.status.is_final());
        if open_port {
            continue;
        }
        tx.remove_number(n);
        gone.push(n.clone());
    }
    Ok(Outcome {
        message: match gone.len() {
            0 => "No number left the carrier.".into(),
            1 => format!(
                "{} is gone at the carrier (changed outside phonedesk).",
                gone[0]
            ),
            n => format!("{n} numbers are gone at the carrier (changed outside phonedesk)."),
        },
        numbers: gone,
        ..Default::default()
    })
}

/// The carrier's voice connectors, groups and default calling name, whole.
fn sync_directory(
    ctx: &Ctx,
    tx: &mut Tx,
    connectors: &[CarrierConnector],
    groups: &[CarrierGroup],
    settings: &CarrierSettings,
) -> Result<Outcome, RuleError> {
    let mut changes = 0usize;
    let mut known_vcs = Vec::new();
    for c in connectors {
        let local = match tx.base().local_id(VoiceConnectorId::PREFIX, &c.id) {
            Some(id) => VoiceConnectorId(id),
            None => {
                let id = VoiceConnectorId::from_seq(tx.next_id(|s| &mut s.connector));
                tx.push(Change::MapCarrierId {
                    local: id.0.clone(),
                    carrier: c.id.clone(),
                });
                id
            }
        };
        let record = VoiceConnector {
            id: local.clone(),
            name: c.name.clone(),
            region: c.region.clone(),
            encryption: c.encryption,
        };
        if tx.base().voice_connector(&local).as_ref() != Some(&record) {
            tx.push(Change::PutConnector(record));
            changes += 1;
        }
        known_vcs.push((c.id.clone(), local));
    }
    let mut new_groups = Vec::new();
    for g in groups {
        let local = match tx.base().local_id(GroupId::PREFIX, &g.id) {
            Some(id) => GroupId(id),
            None => {
                let id = GroupId::from_seq(tx.next_id(|s| &mut s.group));
                tx.push(Change::MapCarrierId {
                    local: id.0.clone(),
                    carrier: g.id.clone(),
                });
                id
            }
        };
        let members = g
            .members
            .iter()
            .filter_map(|m| {
                let vc = known_vcs.iter().find(|(c, _)| *c == m.connector_id)?;
                Some(GroupMember {
                    connector: vc.1.clone(),
                    priority: m.priority,
                })
            })
            .collect();
        new_groups.push(VoiceConnectorGroup {
            id: local,
            name: g.name.clone(),
            members,
        });
    }
    // Local records the carrier no longer has (and that no job is creating) go.
    let local_vcs: Vec<VoiceConnectorId> = (0..=tx.settings().sequences.connector)
        .map(VoiceConnectorId::from_seq)
        .filter(|id| tx.base().voice_connector(id).is_some())
        .collect();
    for vc in local_vcs {
        let mapped = tx.base().carrier_id(&vc.0);
        if mapped.is_some() && !known_vcs.iter().any(|(_, l)| *l == vc) {
            tx.push(Change::RemoveConnector(vc.clone()));
            tx.push(Change::UnmapCarrierId { local: vc.0 });
            changes += 1;
        }
    }
    let before = tx.groups();
    let unmapped_local: Vec<VoiceConnectorGroup> = before
        .iter()
        .filter(|g| tx.base().carrier_id(&g.id.0).is_none())
        .cloned()
        .collect();
    let mut all_groups = new_groups;
    all_groups.extend(unmapped_local);
    all_groups.sort_by(|a, b| a.id.cmp(&b.id));
    let mut sorted_before = before.clone();
    sorted_before.sort_by(|a, b| a.id.cmp(&b.id));
    if all_groups != sorted_before {
        changes += 1;
        for g in &before {
            if !all_groups.iter().any(|n| n.id == g.id) {
                tx.push(Change::UnmapCarrierId {
                    local: g.id.0.clone(),
                });
            }
        }
        tx.put_groups(all_groups);
    }
    let name = settings
        .calling_name
        .as_deref()
        .and_then(|n| CallingName::parse(n).ok().flatten());
    let mut s = tx.settings();
    if s.default_calling_name.current != name && s.default_calling_name.pending.is_none() {
        s.default_calling_name.current = name;
        s.default_calling_name.last_requested_at = settings
            .updated_at
            .or(s.default_calling_name.last_requested_at);
        tx.put_settings(s);
        changes += 1;
    }
    let _ = ctx;
    Ok(Outcome::say(match changes {
        0 => "The directory matches the carrier.".to_string(),
        n => format!("{n} directory records changed outside phonedesk."),
    }))
}

/// What a sync of the SIP media applications and rules says when nothing differed.
pub const SIP_DIRECTORY_MATCHES: &str = "The SIP media applications and rules match the carrier.";

/// The carrier's SIP media applications and its SIP rules triggered by a phone number,
/// whole: what differs is applied. Rules are followed by their number; a rule on a number
/// with a job in flight is left to the job.
fn sync_sip_directory(
    tx: &mut Tx,
    apps: &[SipMediaApplication],
    rules: &[SipRule],
) -> Result<Outcome, RuleError> {
    let mut changes = 0usize;
    let existing = tx.base().sip_media_apps();
    let mut next = super::next_sma_id(tx.base()).seq();
    let mut known: Vec<(String, SmaId)> = Vec::new();
    for a in apps {
        let local = match tx.base().local_id(SmaId::PREFIX, &a.id) {
            Some(id) => SmaId(id),
            None => {
                let id = SmaId::from_seq(next);
                next += 1;
                tx.push(Change::MapCarrierId {
                    local: id.0.clone(),
                    carrier: a.id.clone(),
                });
                id
            }
        };
        let record = SipMediaApp {
            id: local.clone(),
            name: a.name.clone(),
            region: a.region.clone(),
        };
        if existing.iter().find(|e| e.id == local) != Some(&record) {
            tx.push(Change::PutSipMediaApp(record));
            changes += 1;
        }
        known.push((a.id.clone(), local));
    }
    for e in &existing {
        if tx.base().carrier_id(&e.id.0).is_some() && !known.iter().any(|(_, l)| *l == e.id) {
            tx.push(Change::RemoveSipMediaApp(e.id.clone()));
            tx.push(Change::UnmapCarrierId {
                local: e.id.0.clone(),
            });
            changes += 1;
        }
    }
    let mut seen = std::collections::HashSet::new();
    for r in rules
        .iter()
        .filter(|r| r.trigger_type == SipRule::TO_PHONE_NUMBER)
    {
        let Ok(number) = E164::parse(&r.trigger_value) else {
            continue;
        };
        let Some(sma) = r
            .targets
            .iter()
            .find_map(|t| known.iter().find(|(c, _)| c == t).map(|(_, l)| l.clone()))
        else {
            continue;
        };
        seen.insert(number.clone());
        if tx.base().job_on(&format!("n:{number}")).is_some() {
            continue; // the job's answer settles it
        }
        let record = DialInRule {
            number: number.clone(),
            name: r.name.clone(),
            sma,
            disabled: r.disabled,
        };
        if tx.base().dial_in_rule(&number).as_ref() != Some(&record) {
            tx.push(Change::PutDialInRule(record));
            changes += 1;
        }
    }
    for old in tx.base().dial_in_rules() {
        let busy = tx.base().job_on(&format!("n:{}", old.number)).is_some();
        if !seen.contains(&old.number) && !busy {
            tx.push(Change::RemoveDialInRule(old.number));
            changes += 1;
        }
    }
    Ok(Outcome::say(match changes {
        0 => SIP_DIRECTORY_MATCHES.to_string(),
        n => format!("{n} SIP media application and rule records changed outside phonedesk."),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Capabilities;

    const T: Timestamp = Timestamp(1_800_000_000_000);

    struct World {
        view: MemoryView,
        policy: Policy,
        now: Timestamp,
    }

    /// The simulated desk is never asked in remote mode.
    struct NoDesk;
    impl Desk for NoDesk {
        fn offers(&self, _: &E164) -> bool {
            panic!("the remote mode asked the desk")
        }
        fn acquire(&self, _: &OrderId, _: &E164) -> Result<(), String> {
            panic!("the remote mode asked the desk")
        }
        fn review_port_in(&self, _: &PortIn) -> Result<String, String> {
            panic!("the remote mode asked the desk")
        }
        fn check_loa(&self, _: &PortIn, _: &Loa) -> Result<(), String> {
            panic!("the remote mode asked the desk")
        }
        fn port_date(&self, _: &RequestId, _: Timestamp, _: &Policy) -> Timestamp {
            panic!("the remote mode asked the desk")
        }
        fn port_out_credentials(&self, _: &RequestId) -> (String, Secret) {
            panic!("the remote mode asked the desk")
        }
        fn answer(&self, _: &SupportRequest) -> String {
            panic!("the remote mode asked the desk")
        }
    }

    fn num(i: u16) -> E164 {
        E164::nanp(206, 215, 1000 + i)
    }

    fn at_carrier(n: E164, status: CarrierNumberStatus) -> CarrierNumber {
        CarrierNumber {
            number_type: n.number_type(),
            number: n,
            product_type: ProductType::VoiceConnector,
            status,
            capabilities: Capabilities::for_number(NumberType::Local),
            associations: Vec::new(),
            calling_name: None,
            calling_name_status: None,
            name: None,
            order_id: None,
            created_at: None,
            updated_at: None,
            deletion_at: None,
            country: Some("US".into()),
        }
    }

    impl World {
        fn new() -> World {
            World {
                view: MemoryView::default(),
                policy: Policy {
                    carrier_remote: true,
                    ..Policy::default()
                },
                now: T,
            }
        }

        fn as_actor(&mut self, actor: &Actor, action: Action) -> Result<Outcome, RuleError> {
            let before = format!("{:?}", self.view);
            match crate::domain::decide(actor, &action, &self.view, &NoDesk, &self.policy, self.now)
            {
                Ok(d) => {
                    self.view.apply(&d.changes);
                    Ok(d.outcome)
                }
                Err(e) => {
                    assert_eq!(
                        before,
                        format!("{:?}", self.view),
                        "a refusal changed state"
                    );
                    Err(e)
                }
            }
        }

        fn admin(&mut self, action: Action) -> Result<Outcome, RuleError> {
            self.as_actor(&Actor::admin("ana"), action)
        }

        fn carrier(&mut self, action: Action) -> Outcome {
            self.as_actor(&Actor::carrier(), action)
                .unwrap_or_else(|e| panic!("carrier action refused: {e}"))
        }

        fn answer(&mut self, job: JobId, answer: JobAnswer) -> Outcome {
            self.carrier(Action::CarrierAnswer { job, answer })
        }

        fn done(&mut self, job: JobId, carrier_ref: Option<&str>) -> Outcome {
            self.answer(
                job,
                JobAnswer::Done {
                    failed: Vec::new(),
                    carrier_ref: carrier_ref.map(str::to_string),
                },
            )
        }

        /// A voice connector known at the carrier as `abc`, and two unassigned numbers.
        fn with_connector_and_numbers(&mut self) -> VoiceConnectorId {
            self.carrier(Action::SyncDirectory {
                connectors: vec![CarrierConnector {
                    id: "abc".into(),
                    name: "Main trunk".into(),
                    region: "us-east-1".into(),
                    encryption: true,
                    outbound_host: None,
                }],
                groups: Vec::new(),
                settings: CarrierSettings::default(),
            });
            self.carrier(Action::SyncNumbers {
                numbers: vec![
                    at_carrier(num(1), CarrierNumberStatus::Unassigned),
                    at_carrier(num(2), CarrierNumberStatus::Unassigned),
                ],
            });
            VoiceConnectorId::from_seq(1)
        }
    }

    #[test]
    fn a_change_waits_for_the_carrier_and_lands_with_its_answer() {
        let mut w = World::new();
        let vc = w.with_connector_and_numbers();
        let o = w
            .admin(Action::Assign {
                numbers: vec![num(1)],
                to: Assignee::VoiceConnector(vc.clone()),
            })
            .unwrap();
        let job = o.job.expect("a job");
        assert!(o.message.contains("Sent to the carrier"), "{}", o.message);
        assert_eq!(w.view.numbers[&num(1)].status, NumberStatus::Unassigned);
        // One job at a time per number.
        let again = w.admin(Action::Delete {
            numbers: vec![num(1)],
        });
        assert!(
            matches!(again, Err(RuleError::JobInFlight { .. })),
            "{again:?}"
        );
        w.answer(job, JobAnswer::Sending);
        assert!(matches!(w.view.jobs[&job].state, JobState::Sent { .. }));
        let o = w.done(job, None);
        assert!(o.message.contains("Assigned"), "{}", o.message);
        assert_eq!(
            w.view.numbers[&num(1)].status,
            NumberStatus::Assigned(Assignee::VoiceConnector(vc))
        );
        assert!(w.view.jobs.is_empty());
    }

    #[test]
    fn the_rules_still_refuse_at_once_and_send_nothing() {
        let mut w = World::new();
        w.with_connector_and_numbers();
        let e = w.admin(Action::Assign {
            numbers: vec![num(1)],
            to: Assignee::VoiceConnector(VoiceConnectorId::from_seq(9)),
        });
        assert!(e.is_err());
        assert!(w.view.jobs.is_empty());
        let e = w.admin(Action::Provision {
            product_type: ProductType::BusinessCalling,
            numbers: vec![num(5)],
        });
        assert_eq!(e, Err(RuleError::BusinessCallingEnded));
    }

    #[test]
    fn an_order_is_pending_until_the_carrier_completes_it() {
        let mut w = World::new();
        let o = w
            .admin(Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers: vec![num(7), num(8)],
            })
            .unwrap();
        let order = o.order.clone().expect("an order");
        assert_eq!(
            w.view.numbers[&num(7)].status,
            NumberStatus::AcquireInProgress
        );
        assert!(
            w.view.schedule.is_empty(),
            "no simulated completion is scheduled"
        );
        let job = o.job.unwrap();
        w.done(job, Some("guid-1"));
        assert_eq!(w.view.carrier_ids[&order.0], "guid-1");
        let follow = *w.view.jobs.keys().next().expect("a job follows the order");
        assert!(matches!(
            w.view.jobs[&follow].action,
            Action::RefreshOrder { .. }
        ));
        w.answer(
            follow,
            JobAnswer::Done {
                failed: vec![(num(8), "the carrier could not acquire it".into())],
                carrier_ref: None,
            },
        );
        assert_eq!(w.view.numbers[&num(7)].status, NumberStatus::Unassigned);
        assert!(matches!(
            w.view.numbers[&num(8)].status,
            NumberStatus::AcquireFailed { .. }
        ));
        assert_eq!(w.view.orders[&order].status(), OrderStatus::Partial);
    }

    #[test]
    fn an_order_the_carrier_refuses_fails_its_numbers() {
        let mut w = World::new();
        let o = w
            .admin(Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers: vec![num(7)],
            })
            .unwrap();
        let o2 = w.answer(
            o.job.unwrap(),
            JobAnswer::Failed {
                reason: "the AWS account's limit was reached".into(),
            },
        );
        assert!(o2.message.contains("limit"), "{}", o2.message);
        assert!(matches!(
            w.view.numbers[&num(7)].status,
            NumberStatus::AcquireFailed { .. }
        ));
        assert_eq!(
            w.view.orders[&o.order.unwrap()].status(),
            OrderStatus::Failed
        );
        assert!(w.view.jobs.is_empty());
    }

    #[test]
    fn a_failed_job_can_be_retried_or_cancelled_but_not_while_sent() {
        let mut w = World::new();
        w.with_connector_and_numbers();
        let job = w
            .admin(Action::Delete {
                numbers: vec![num(2)],
            })
            .unwrap()
            .job
            .unwrap();
        w.answer(job, JobAnswer::Sending);
        assert_eq!(
            w.admin(Action::CancelJob { job }),
            Err(RuleError::JobSent(job))
        );
        w.answer(
            job,
            JobAnswer::Failed {
                reason: "the carrier refused the change: no".into(),
            },
        );
        assert_eq!(w.view.numbers[&num(2)].status, NumberStatus::Unassigned);
        w.admin(Action::RetryJob { job }).unwrap();
        // Sent once already: the carrier's state is read before it is sent again.
        assert!(matches!(w.view.jobs[&job].state, JobState::Sent { .. }));
        w.answer(
            job,
            JobAnswer::Failed {
                reason: "the carrier refused the change: still no".into(),
            },
        );
        w.admin(Action::CancelJob { job }).unwrap();
        assert!(w.view.jobs.is_empty());
        assert_eq!(
            w.admin(Action::CarrierAnswer {
                job,
                answer: JobAnswer::Sending
            }),
            Err(RuleError::NotScheduler)
        );
    }

    #[test]
    fn refused_numbers_are_left_as_they_were_and_named() {
        let mut w = World::new();
        let vc = w.with_connector_and_numbers();
        let job = w
            .admin(Action::Assign {
                numbers: vec![num(1), num(2)],
                to: Assignee::VoiceConnector(vc.clone()),
            })
            .unwrap()
            .job
            .unwrap();
        let o = w.answer(
            job,
            JobAnswer::Done {
                failed: vec![(num(2), "the carrier no longer holds it".into())],
                carrier_ref: None,
            },
        );
        assert!(o.message.contains(num(2).as_str()), "{}", o.message);
        assert_eq!(
            w.view.numbers[&num(1)].status,
            NumberStatus::Assigned(Assignee::VoiceConnector(vc))
        );
        assert_eq!(w.view.numbers[&num(2)].status, NumberStatus::Unassigned);
    }

    #[test]
    fn a_sync_applies_what_changed_outside_phonedesk() {
        let mut w = World::new();
        w.with_connector_and_numbers();
        let mut changed = at_carrier(num(1), CarrierNumberStatus::Assigned);
        changed.associations = vec![Association::VoiceConnector("abc".into())];
        changed.name = Some("Front desk".into());
        let o = w.carrier(Action::SyncNumbers {
            numbers: vec![changed, at_carrier(num(2), CarrierNumberStatus::Unassigned)],
        });
        assert_eq!(o.numbers, vec![num(1)]);
        assert!(o.message.contains("changed outside phonedesk"));
        let p = &w.view.numbers[&num(1)];
        assert_eq!(p.label.as_deref(), Some("Front desk"));
        assert_eq!(
            p.status,
            NumberStatus::Assigned(Assignee::VoiceConnector(VoiceConnectorId::from_seq(1)))
        );
        let o = w.carrier(Action::SyncGone {
            numbers: vec![num(2)],
        });
        assert_eq!(o.numbers, vec![num(2)]);
        assert!(!w.view.numbers.contains_key(&num(2)));
        // The same sync again changes nothing.
        let mut same = at_carrier(num(1), CarrierNumberStatus::Assigned);
        same.associations = vec![Association::VoiceConnector("abc".into())];
        same.name = Some("Front desk".into());
        let o = w.carrier(Action::SyncNumbers {
            numbers: vec![same],
        });
        assert!(o.numbers.is_empty(), "{:?}", o.numbers);
    }

    #[test]
    fn a_label_the_carrier_would_refuse_is_refused_before_a_job() {
        let mut w = World::new();
        w.with_connector_and_numbers();
        let e = w.admin(Action::SetLabel {
            number: num(1),
            label: Some("Desk #2!".into()),
        });
        assert!(matches!(e, Err(RuleError::CarrierLabel(_))), "{e:?}");
        assert!(w.view.jobs.is_empty());
        let o = w
            .admin(Action::SetLabel {
                number: num(1),
                label: Some("Front desk, 2nd floor".into()),
            })
            .unwrap();
        assert!(o.job.is_some());
    }

    #[test]
    fn nothing_is_sent_for_a_failed_acquisition_but_a_new_order() {
        let mut w = World::new();
        let mut failed = at_carrier(num(3), CarrierNumberStatus::AcquireFailed);
        failed.order_id = None;
        w.carrier(Action::SyncNumbers {
            numbers: vec![failed],
        });
        let e = w.admin(Action::SetLabel {
            number: num(3),
            label: Some("Lobby".into()),
        });
        assert!(matches!(e, Err(RuleError::NotInInventory { .. })), "{e:?}");
        assert!(w.view.jobs.is_empty());
        let o = w
            .admin(Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers: vec![num(3)],
            })
            .unwrap();
        assert!(o.job.is_some());
    }

    #[test]
    fn a_connector_created_through_the_carrier_keeps_the_carriers_id() {
        let mut w = World::new();
        let job = w
            .admin(Action::CreateVoiceConnector {
                name: "Edge".into(),
                region: "us-west-2".into(),
                encryption: true,
            })
            .unwrap()
            .job
            .unwrap();
        assert!(
            w.view.connectors.is_empty(),
            "created when the carrier says so"
        );
        let o = w.done(job, Some("xyz"));
        let local = o.created.expect("created");
        assert_eq!(w.view.carrier_ids[&local], "xyz");
        assert_eq!(w.view.connectors.len(), 1);
    }

    #[test]
    fn the_carriers_own_status_is_shown_while_the_rules_work_from_the_lifecycle() {
        let mut w = World::new();
        w.with_connector_and_numbers();
        let mut delete_failed = at_carrier(num(1), CarrierNumberStatus::DeleteFailed);
        delete_failed.deletion_at = Some(T);
        w.carrier(Action::SyncNumbers {
            numbers: vec![
                delete_failed,
                at_carrier(num(3), CarrierNumberStatus::ReleaseFailed),
                at_carrier(num(4), CarrierNumberStatus::PortinCancelRequested),
                at_carrier(num(5), CarrierNumberStatus::Cancelled),
                at_carrier(num(6), CarrierNumberStatus::ReleaseInProgress),
            ],
        });
        let shown = |w: &World, i: u16| {
            let p = &w.view.numbers[&num(i)];
            (p.status_name(), p.place())
        };
        assert_eq!(shown(&w, 1), ("DeleteFailed", Place::DeletionQueue));
        assert_eq!(shown(&w, 3), ("ReleaseFailed", Place::DeletionQueue));
        assert_eq!(shown(&w, 4), ("PortinCancelRequested", Place::Pending));
        assert_eq!(shown(&w, 5), ("Cancelled", Place::Inventory));
        assert_eq!(shown(&w, 6), ("ReleaseInProgress", Place::DeletionQueue));
        // A status the lifecycle says already is not kept twice.
        assert_eq!(w.view.numbers[&num(2)].carrier_status, None);
        assert_eq!(shown(&w, 2), ("Unassigned", Place::Inventory));
        // The rules work from the lifecycle: a number whose deletion failed can be restored,
        // and once phonedesk's rule moves it on, the carrier's old word is gone.
        let job = w
            .admin(Action::Restore {
                numbers: vec![num(1)],
            })
            .unwrap()
            .job
            .unwrap();
        w.done(job, None);
        assert_eq!(w.view.numbers[&num(1)].carrier_status, None);
        assert_eq!(shown(&w, 1), ("Unassigned", Place::Inventory));
        // The carrier's word comes back with the next sync that says it.
        w.carrier(Action::SyncNumbers {
            numbers: vec![at_carrier(num(5), CarrierNumberStatus::Unassigned)],
        });
        assert_eq!(shown(&w, 5), ("Unassigned", Place::Inventory));
        assert_eq!(w.view.numbers[&num(5)].carrier_status, None);
    }

    fn sma_number(n: E164, status: CarrierNumberStatus) -> CarrierNumber {
        CarrierNumber {
            product_type: ProductType::SipMediaApplicationDialIn,
            ..at_carrier(n, status)
        }
    }

    fn ivr() -> SipMediaApplication {
        SipMediaApplication {
            id: "sma-guid".into(),
            name: "IVR".into(),
            region: "us-east-1".into(),
        }
    }

    fn rule_on(n: &E164, id: &str) -> SipRule {
        SipRule {
            id: id.into(),
            name: "front door".into(),
            disabled: false,
            trigger_type: SipRule::TO_PHONE_NUMBER.into(),
            trigger_value: n.to_string(),
            targets: vec!["sma-guid".into()],
        }
    }

    #[test]
    fn the_sync_brings_sip_media_applications_and_the_numbers_their_rules_route() {
        let mut w = World::new();
        w.carrier(Action::SyncSipDirectory {
            apps: vec![ivr()],
            rules: vec![rule_on(&num(1), "rule-guid")],
        });
        let sma = SmaId::from_seq(1);
        assert_eq!(w.view.sip_media_apps[&sma].name, "IVR");
        assert_eq!(w.view.carrier_ids[&sma.0], "sma-guid");
        assert_eq!(w.view.dial_in_rules[&num(1)].sma, sma);
        let mut routed = sma_number(num(1), CarrierNumberStatus::Assigned);
        routed.associations = vec![Association::SipRule("rule-guid".into())];
        w.carrier(Action::SyncNumbers {
            numbers: vec![routed],
        });
        assert_eq!(
            w.view.numbers[&num(1)].status,
            NumberStatus::Assigned(Assignee::SipMediaApplication(sma.clone()))
        );
        assert_eq!(w.view.numbers[&num(1)].carrier_status, None);
        // The same again changes nothing; a rule gone at the carrier leaves the directory.
        let o = w.carrier(Action::SyncSipDirectory {
            apps: vec![ivr()],
            rules: vec![rule_on(&num(1), "rule-guid")],
        });
        assert_eq!(o.message, SIP_DIRECTORY_MATCHES);
        w.carrier(Action::SyncSipDirectory {
            apps: vec![ivr()],
            rules: Vec::new(),
        });
        assert!(w.view.dial_in_rules.is_empty());
    }

    #[test]
    fn an_sma_number_is_assigned_through_a_job_and_only_to_an_sma() {
        let mut w = World::new();
        let vc = w.with_connector_and_numbers();
        w.carrier(Action::SyncSipDirectory {
            apps: vec![ivr()],
            rules: Vec::new(),
        });
        w.carrier(Action::SyncNumbers {
            numbers: vec![sma_number(num(3), CarrierNumberStatus::Unassigned)],
        });
        let sma = SmaId::from_seq(1);
        // The product type rule refuses before anything is sent, both ways.
        let e = w.admin(Action::Assign {
            numbers: vec![num(3)],
            to: Assignee::VoiceConnector(vc),
        });
        assert!(matches!(e, Err(RuleError::WrongAssignee { .. })), "{e:?}");
        let e = w.admin(Action::Assign {
            numbers: vec![num(1)],
            to: Assignee::SipMediaApplication(sma.clone()),
        });
        assert!(matches!(e, Err(RuleError::WrongAssignee { .. })), "{e:?}");
        assert!(w.view.jobs.is_empty());
        let job = w
            .admin(Action::Assign {
                numbers: vec![num(3)],
                to: Assignee::SipMediaApplication(sma.clone()),
            })
            .unwrap()
            .job
            .unwrap();
        assert!(
            w.view.dial_in_rules.is_empty(),
            "made when the carrier says so"
        );
        w.done(job, None);
        assert_eq!(
            w.view.numbers[&num(3)].status,
            NumberStatus::Assigned(Assignee::SipMediaApplication(sma.clone()))
        );
        assert_eq!(w.view.dial_in_rules[&num(3)].sma, sma);
        let e = w.admin(Action::Reassign {
            numbers: vec![num(3)],
            to: Assignee::SipMediaApplication(sma),
        });
        assert_eq!(e, Err(RuleError::ReassignSipMediaApplication(num(3))));
        let job = w
            .admin(Action::Unassign {
                numbers: vec![num(3)],
            })
            .unwrap()
            .job
            .unwrap();
        w.done(job, None);
        assert_eq!(w.view.numbers[&num(3)].status, NumberStatus::Unassigned);
        assert!(w.view.dial_in_rules.is_empty());
        // SIP media applications are made in the AWS console.
        let e = w.admin(Action::CreateSipMediaApplication {
            name: "Queue".into(),
            region: "us-east-1".into(),
        });
        assert_eq!(e, Err(RuleError::SipMediaApplicationAtCarrier));
    }
}
