//! The support desk's side of the rules: filing requests, the port-in life cycle with its
//! LOA step, port-out credentials, and the desk's scheduled answers.

use super::{checked_lines, checked_text, listed_once, shown_as_typed, Ctx, Outcome};
use crate::domain::*;

const SUPPORT: &str = desk_text::SUPPORT_NAME;
use super::{ISSUE_MAX, TEXT_MAX as FIELD_MAX};

fn request(tx: &Tx, id: &RequestId) -> Result<SupportRequest, RuleError> {
    tx.base()
        .request(id)
        .ok_or_else(|| RuleError::UnknownRequest(id.0.clone()))
}

/// Writes the request and reports on it.
fn saved(tx: &mut Tx, r: SupportRequest, message: String) -> Outcome {
    let id = r.id.clone();
    tx.push(Change::PutRequest(r));
    Outcome {
        message,
        request: Some(id),
        ..Default::default()
    }
}

/// The desk acts on the request at `at`.
fn schedule_step(tx: &mut Tx, id: &RequestId, at: Timestamp) {
    tx.push(Change::Schedule(Due {
        at,
        task: Task::SupportStep(id.clone()),
    }));
}

/// The desk no longer acts at `at`.
fn unschedule_step(tx: &mut Tx, id: &RequestId, at: Option<Timestamp>) {
    if let Some(at) = at {
        tx.push(Change::Unschedule(Due {
            at,
            task: Task::SupportStep(id.clone()),
        }));
    }
}

fn support_reply(r: &mut SupportRequest, at: Timestamp, text: String) {
    r.thread.push(Reply {
        author: Author::Support,
        name: SUPPORT.into(),
        at,
        text,
    });
    r.updated_at = at;
}

fn required(text: &str, form: &'static str, field: &'static str) -> Result<String, RuleError> {
    checked_text(text, field, FIELD_MAX).map_err(|e| match e {
        RuleError::Empty { .. } => RuleError::MissingField { form, field },
        RuleError::HiddenCharacter {
            hidden, position, ..
        } => RuleError::HiddenCharacter {
            what: format!("the {field}"),
            hidden,
            position,
        },
        other => other,
    })
}

fn checked_email(email: &str, form: &'static str) -> Result<String, RuleError> {
    if email.trim().is_empty() {
        return Err(RuleError::MissingField {
            form,
            field: "email",
        });
    }
    if !is_plausible_email(email) {
        return Err(RuleError::BadEmail(
            email.chars().filter(|c| !c.is_control()).take(80).collect(),
        ));
    }
    Ok(email.trim().to_string())
}

/// Numbers listed once each and none of them ours already.
fn fresh_numbers(tx: &Tx, numbers: &[E164]) -> Result<(), RuleError> {
    if numbers.is_empty() {
        return Err(RuleError::MissingField {
            form: PORT_IN_FORM,
            field: "numbers to port",
        });
    }
    listed_once(numbers)?;
    for n in numbers {
        match tx.number(n) {
            Some(p) if p.status == NumberStatus::PortinInProgress => {
                return Err(RuleError::PortInProgress {
                    number: n.clone(),
                    request: p.port_request.map(|r| r.0).unwrap_or_default(),
                })
            }
            Some(p) if !matches!(p.status, NumberStatus::AcquireFailed { .. }) => {
                return Err(RuleError::AlreadyHeld(n.clone()))
            }
            _ => {}
        }
    }
    Ok(())
}

fn new_request(
    ctx: &Ctx,
    tx: &mut Tx,
    category: Category,
    subject: String,
    issue: String,
    email: String,
    kind: RequestKind,
) -> SupportRequest {
    let id = RequestId::from_seq(tx.next_id(|s| &mut s.request));
    let at = ctx.now.plus(ctx.policy.support_response);
    schedule_step(tx, &id, at);
    SupportRequest {
        id,
        category,
        subject,
        issue,
        email,
        kind,
        status: RequestStatus::Submitted,
        thread: Vec::new(),
        loas: Vec::new(),
        foc_date: None,
        port_out_account: None,
        port_out_pin: None,
        next_step_at: Some(at),
        created_at: ctx.now,
        updated_at: ctx.now,
    }
}

pub(super) fn submit(ctx: &Ctx, tx: &mut Tx, new: &NewRequest) -> Result<Outcome, RuleError> {
    let r = match new {
        NewRequest::Other {
            category,
            subject,
            issue,
            email,
        } => {
            let subject = checked_text(subject, "the subject", FIELD_MAX)?;
            let issue = checked_lines(issue, "the issue", ISSUE_MAX)?;
            let email = checked_email(email, PLAIN_FORM)?;
            new_request(
                ctx,
                tx,
                *category,
                subject,
                issue,
                email,
                RequestKind::Other,
            )
        }
        NewRequest::PortIn { form, email } => port_in(ctx, tx, form, email)?,
        NewRequest::PortOut { form, email } => {
            let email = checked_email(email, PORT_OUT_FORM)?;
            if form.numbers.is_empty() {
                return Err(RuleError::MissingField {
                    form: PORT_OUT_FORM,
                    field: "numbers to port out",
                });
            }
            listed_once(&form.numbers)?;
            for n in &form.numbers {
                let p = tx.number(n).filter(|p| p.place() == Place::Inventory);
                let Some(p) = p else {
                    return Err(RuleError::NotOursToPortOut(n.clone()));
                };
                ctx.not_leaving(tx, &p, "ported out again", false)?;
                if p.product_type != form.product_type {
                    return Err(RuleError::ProductMismatch {
                        number: n.clone(),
                        actual: p.product_type,
                        claimed: form.product_type,
                    });
                }
            }
            let issue = format!(
                "Port out {} ({}).",
                form.numbers
                    .iter()
                    .map(|n| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                form.product_type
            );
            let r = new_request(
                ctx,
                tx,
                Category::Other,
                SUBJECT_PORT_OUT.into(),
                issue,
                email,
                RequestKind::PortOut(form.clone()),
            );
            // The numbers remember the port, so nothing else changes them meanwhile.
            for n in &form.numbers {
                if let Some(mut p) = tx.number(n) {
                    p.port_request = Some(r.id.clone());
                    p.updated_at = ctx.now;
                    tx.put_number(p);
                }
            }
            r
        }
    };
    let outcome = Outcome {
        message: format!(
            "Submitted {} {}; support answers by {}.",
            r.kind_label(),
            r.id,
            r.next_step_at.unwrap_or(ctx.now)
        ),
        request: Some(r.id.clone()),
        numbers: r.numbers().to_vec(),
        order: r
            .port_in()
            .map(|_| OrderId::from_seq(tx.settings().sequences.order)),
        ..Default::default()
    };
    tx.push(Change::PutRequest(r));
    Ok(outcome)
}

fn port_in(
    ctx: &Ctx,
    tx: &mut Tx,
    form: &PortIn,
    email: &str,
) -> Result<SupportRequest, RuleError> {
    fresh_numbers(tx, &form.numbers)?;
    for n in &form.numbers {
        if !n.is_us() {
            return Err(RuleError::PortInNotUs(n.clone()));
        }
        if form.product_type == ProductType::BusinessCalling
            && n.number_type() == NumberType::TollFree
        {
            return Err(RuleError::TollFreeBusinessCalling(n.clone()));
        }
    }
    if form.product_type == ProductType::VoiceConnector {
        match &form.voice_connector {
            None if tx.base().voice_connector_count() == 0 => {
                return Err(RuleError::PortInNeedsVoiceConnector)
            }
            None => {
                return Err(RuleError::MissingField {
                    form: PORT_IN_FORM,
                    field: "voice connector",
                })
            }
            Some(vc) if tx.base().voice_connector(vc).is_none() => {
                return Err(RuleError::UnknownVoiceConnector(vc.0.clone()))
            }
            Some(_) => {}
        }
    }
    if form.requested_at < ctx.now {
        return Err(RuleError::RequestedInPast {
            requested: form.requested_at,
        });
    }
    let mut form = form.clone();
    form.authorizing_person =
        required(&form.authorizing_person, PORT_IN_FORM, "authorizing person")?;
    form.service_address = required(&form.service_address, PORT_IN_FORM, "service address")?;
    form.customer_name = required(&form.customer_name, PORT_IN_FORM, "customer name")?;
    for (secret, what) in [
        (&form.service_account_number, "the service account number"),
        (&form.service_pin, "the service PIN"),
    ] {
        if let Some(s) = secret {
            shown_as_typed(s.reveal(), what, |_| false)?;
        }
    }
    form.current_carrier = form
        .current_carrier
        .as_deref()
        .map(|c| required(c, PORT_IN_FORM, "current carrier"))
        .transpose()?;
    let email = checked_email(email, PORT_IN_FORM)?;
    ctx.check_limit(tx, form.numbers.len())?;

    let order_id = OrderId::from_seq(tx.next_id(|s| &mut s.order));
    let issue = port_in_issue(&form);
    let r = new_request(
        ctx,
        tx,
        Category::Other,
        SUBJECT_PORT_IN.into(),
        issue,
        email,
        RequestKind::PortIn(form.clone()),
    );
    for n in &form.numbers {
        let mut p = PhoneNumber::new(
            n.clone(),
            form.product_type,
            NumberStatus::PortinInProgress,
            ctx.now,
        );
        p.order = Some(order_id.clone());
        p.port_request = Some(r.id.clone());
        tx.put_number(p);
    }
    tx.push(Change::PutOrder(Order {
        id: order_id,
        order_type: OrderType::Porting,
        product_type: form.product_type,
        created_at: ctx.now,
        completes_at: None,
        updated_at: ctx.now,
        numbers: form
            .numbers
            .iter()
            .map(|n| OrderedNumber {
                number: n.clone(),
                status: OrderedNumberStatus::Processing,
                reason: None,
            })
            .collect(),
        request: Some(r.id.clone()),
    }));
    Ok(r)
}

/// The seed's issue text, with the secrets masked: the request text is shown and logged.
fn port_in_issue(f: &PortIn) -> String {
    let numbers = f
        .numbers
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let masked = |s: &Option<Secret>| {
        s.as_ref()
            .map(|s| s.masked())
            .unwrap_or_else(|| "not given".into())
    };
    format!(
        "Numbers to port in ({}): {numbers}\nBilling telephone number: {}\nAuthorizing person: {}\nCurrent carrier: {}\nService account number: {}\nService PIN: {}\nService address: {}\nCustomer name: {}\nRequested port date: {}",
        f.product_type,
        f.btn,
        f.authorizing_person,
        f.current_carrier.as_deref().unwrap_or("unknown"),
        masked(&f.service_account_number),
        masked(&f.service_pin),
        f.service_address,
        f.customer_name,
        f.requested_at,
    )
}

pub(super) fn reply(
    ctx: &Ctx,
    tx: &mut Tx,
    id: &RequestId,
    text: &str,
) -> Result<Outcome, RuleError> {
    let mut r = request(tx, id)?;
    if r.status.is_final() {
        return Err(RuleError::WrongRequestState {
            request: id.0.clone(),
            status: r.status.label(),
            hint: "file a new request",
        });
    }
    let text = checked_lines(text, "the reply", ISSUE_MAX)?;
    r.thread.push(Reply {
        author: Author::Administrator,
        name: ctx.actor.name.clone(),
        at: ctx.now,
        text,
    });
    r.updated_at = ctx.now;
    // A plain request that was answered goes back to the desk.
    if matches!(r.kind, RequestKind::Other) && r.status == RequestStatus::Answered {
        let at = ctx.now.plus(ctx.policy.support_response);
        r.status = RequestStatus::Submitted;
        r.next_step_at = Some(at);
        schedule_step(tx, id, at);
    }
    Ok(saved(tx, r, format!("Replied to {id}.")))
}

pub(super) fn submit_loa(
    ctx: &Ctx,
    tx: &mut Tx,
    id: &RequestId,
    loa: &Loa,
) -> Result<Outcome, RuleError> {
    let mut r = request(tx, id)?;
    let form = r.port_in().cloned().ok_or_else(|| RuleError::NotPortIn {
        request: id.0.clone(),
    })?;
    if !matches!(
        r.status,
        RequestStatus::PendingDocuments | RequestStatus::ChangeRequested
    ) {
        return Err(RuleError::WrongRequestState {
            request: id.0.clone(),
            status: r.status.label(),
            hint: "an LOA is accepted only when support asks for it",
        });
    }
    let loa = checked_loa(ctx, loa)?;
    r.loas.push(loa.clone());
    let message = match ctx.desk.check_loa(&form, &loa) {
        Ok(()) => {
            let date = ctx.desk.port_date(id, ctx.now, ctx.policy);
            r.status = RequestStatus::Foc;
            r.foc_date = Some(date);
            r.next_step_at = Some(date);
            schedule_step(tx, id, date);
            support_reply(&mut r, ctx.now, desk_text::loa_accepted(date));
            if let Some(order_id) = form
                .numbers
                .first()
                .and_then(|n| tx.number(n))
                .and_then(|p| p.order)
            {
                if let Some(mut o) = tx.base().order(&order_id) {
                    o.completes_at = Some(date);
                    o.updated_at = ctx.now;
                    tx.push(Change::PutOrder(o));
                }
            }
            format!("LOA accepted: {id} ports on {}.", date)
        }
        Err(why) => {
            r.status = RequestStatus::ChangeRequested;
            r.next_step_at = None;
            support_reply(&mut r, ctx.now, desk_text::loa_mismatch(&why));
            format!(
                "The LOA does not match the carrier's records ({why}); {id} needs a corrected LOA."
            )
        }
    };
    r.updated_at = ctx.now;
    Ok(saved(tx, r, message))
}

/// The LOA's fields, each required and free of hidden characters.
pub(super) fn checked_loa(ctx: &Ctx, loa: &Loa) -> Result<Loa, RuleError> {
    Ok(Loa {
        carrier: required(&loa.carrier, LOA_FORM, "carrier")?,
        authorizing_person: required(&loa.authorizing_person, LOA_FORM, "authorizing person")?,
        btn: loa.btn.clone(),
        service_address: required(&loa.service_address, LOA_FORM, "service address")?,
        submitted_at: ctx.now,
    })
}

/// With AWS Support: the LOA is recorded and goes to the case as a document; the port's
/// progress then comes from the porting order. Support asks for documents in the case, so
/// any open port-in takes one.
pub(super) fn record_loa(
    ctx: &Ctx,
    tx: &mut Tx,
    id: &RequestId,
    loa: &Loa,
) -> Result<Outcome, RuleError> {
    let mut r = request(tx, id)?;
    if r.port_in().is_none() {
        return Err(RuleError::NotPortIn {
            request: id.0.clone(),
        });
    }
    if r.status.is_final() || r.status == RequestStatus::CancelRequested {
        return Err(RuleError::WrongRequestState {
            request: id.0.clone(),
            status: r.status.label(),
            hint: "an LOA is accepted only while the port is open",
        });
    }
    let loa = checked_loa(ctx, loa)?;
    r.loas.push(loa);
    r.updated_at = ctx.now;
    Ok(saved(tx, r, format!("LOA recorded for {id}.")))
}

/// A request as the carrier shows it (a `carrier` action from the sync): the porting
/// order's status and date, the case's thread, and a resolved case. A port that ends
/// settles its numbers as the simulated desk's ends do.
pub(super) fn apply_progress(
    ctx: &Ctx,
    tx: &mut Tx,
    p: &CaseProgress,
) -> Result<Option<RequestId>, RuleError> {
    let Some(mut r) = tx.base().request(&p.request) else {
        return Ok(None);
    };
    let before = r.clone();
    let now = ctx.now;
    if let Some(thread) = &p.thread {
        r.thread = thread.clone();
    }
    if let Some(status) = p.status.filter(|s| *s != r.status && !r.status.is_final()) {
        match (&r.kind, status) {
            (RequestKind::PortIn(_), RequestStatus::Completed) => {
                settle_port_in(tx, &r, true, now, "")
            }
            (RequestKind::PortIn(_), RequestStatus::Cancelled | RequestStatus::Exception) => {
                settle_port_in(tx, &r, false, now, "the port did not go through")
            }
            (RequestKind::PortOut(form), RequestStatus::Completed) => {
                settle_port_out(tx, &form.clone(), now)
            }
            _ => {}
        }
        r.status = status;
    }
    if p.foc_date.is_some() {
        r.foc_date = p.foc_date;
    }
    if p.resolved && !r.status.is_final() && (p.status.is_none() || r.kind == RequestKind::Other) {
        r.status = RequestStatus::Closed;
    }
    if r == before {
        return Ok(None);
    }
    r.updated_at = now;
    let id = r.id.clone();
    tx.push(Change::PutRequest(r));
    Ok(Some(id))
}

pub(super) fn cancel(ctx: &Ctx, tx: &mut Tx, id: &RequestId) -> Result<Outcome, RuleError> {
    let mut r = request(tx, id)?;
    if r.status.is_final() || r.status == RequestStatus::CancelRequested {
        return Err(RuleError::WrongRequestState {
            request: id.0.clone(),
            status: r.status.label(),
            hint: "it cannot be cancelled",
        });
    }
    unschedule_step(tx, id, r.next_step_at);
    let at = ctx.now.plus(ctx.policy.support_response);
    r.status = RequestStatus::CancelRequested;
    r.next_step_at = Some(at);
    r.updated_at = ctx.now;
    schedule_step(tx, id, at);
    Ok(saved(tx, r, format!("Asked support to cancel {id}.")))
}

pub(super) fn close(ctx: &Ctx, tx: &mut Tx, id: &RequestId) -> Result<Outcome, RuleError> {
    let mut r = request(tx, id)?;
    if !matches!(r.kind, RequestKind::Other) {
        return Err(RuleError::WrongRequestState {
            request: id.0.clone(),
            status: r.status.label(),
            hint: "port requests end by completing or by cancelling",
        });
    }
    if r.status.is_final() {
        return Err(RuleError::WrongRequestState {
            request: id.0.clone(),
            status: r.status.label(),
            hint: "it is already closed",
        });
    }
    unschedule_step(tx, id, r.next_step_at.take());
    r.status = RequestStatus::Closed;
    r.updated_at = ctx.now;
    Ok(saved(tx, r, format!("Closed {id}.")))
}

/// The desk's next move on a request, when it falls due.
pub(super) fn step(
    ctx: &Ctx,
    tx: &mut Tx,
    id: &RequestId,
    at: Timestamp,
) -> Result<Outcome, RuleError> {
    let Some(mut r) = tx.base().request(id) else {
        return Ok(Outcome::default());
    };
    if r.next_step_at != Some(at) {
        return Ok(Outcome {
            message: "Nothing to do.".into(),
            ..Default::default()
        });
    }
    r.next_step_at = None;
    let now = ctx.now;
    let message = match (r.kind.clone(), r.status) {
        (_, RequestStatus::CancelRequested) => {
            settle_port_in(tx, &r, false, now, "the port was cancelled");
            r.status = RequestStatus::Cancelled;
            support_reply(&mut r, now, desk_text::CANCELLED.into());
            format!("{id} is cancelled.")
        }
        (RequestKind::Other, RequestStatus::Submitted) => {
            let answer = ctx.desk.answer(&r);
            support_reply(&mut r, now, answer);
            r.status = RequestStatus::Answered;
            format!("Support answered {id}.")
        }
        (RequestKind::PortIn(form), RequestStatus::Submitted) => {
            match ctx.desk.review_port_in(&form) {
                Ok(text) => {
                    r.status = RequestStatus::PendingDocuments;
                    support_reply(&mut r, now, text);
                    format!("{id} can be ported: submit the LOA.")
                }
                Err(text) => {
                    settle_port_in(tx, &r, false, now, "not portable");
                    r.status = RequestStatus::Exception;
                    support_reply(&mut r, now, text);
                    format!("{id} cannot be ported.")
                }
            }
        }
        (RequestKind::PortIn(_), RequestStatus::Foc) => {
            settle_port_in(tx, &r, true, now, "");
            r.status = RequestStatus::Completed;
            support_reply(&mut r, now, desk_text::PORT_IN_COMPLETE.into());
            format!("{id} is complete: the numbers are in the inventory.")
        }
        (RequestKind::PortOut(_), RequestStatus::Submitted) => {
            let (account, pin) = ctx.desk.port_out_credentials(id);
            let date = ctx.desk.port_date(id, now, ctx.policy);
            support_reply(&mut r, now, desk_text::port_out_credentials(&account, date));
            r.port_out_account = Some(account);
            r.port_out_pin = Some(pin);
            r.status = RequestStatus::Foc;
            r.foc_date = Some(date);
            r.next_step_at = Some(date);
            schedule_step(tx, id, date);
            format!("Support answered {id} with the account ID and PIN.")
        }
        (RequestKind::PortOut(form), RequestStatus::Foc) => {
            settle_port_out(tx, &form, now);
            r.status = RequestStatus::Completed;
            support_reply(&mut r, now, desk_text::PORT_OUT_COMPLETE.into());
            format!("{id} is complete: unassign and delete the ported numbers.")
        }
        _ => {
            return Ok(Outcome {
                message: "Nothing to do.".into(),
                ..Default::default()
            })
        }
    };
    Ok(saved(tx, r, message))
}

/// Ends a port-out: the numbers stay until the administrator unassigns and deletes them.
fn settle_port_out(tx: &mut Tx, form: &PortOut, now: Timestamp) {
    for n in &form.numbers {
        if let Some(mut p) = tx.number(n) {
            p.ported_out = true;
            p.updated_at = now;
            tx.put_number(p);
        }
    }
}

/// Ends a port-in: its numbers land in the inventory, or leave Pending; the order follows.
fn settle_port_in(tx: &mut Tx, r: &SupportRequest, landed: bool, now: Timestamp, reason: &str) {
    let Some(form) = r.port_in() else { return };
    let mut order_id = None;
    for n in &form.numbers {
        let Some(mut p) = tx.number(n) else { continue };
        if p.status != NumberStatus::PortinInProgress || p.port_request.as_ref() != Some(&r.id) {
            continue;
        }
        order_id = p.order.clone();
        if landed {
            p.status = NumberStatus::Unassigned;
            p.updated_at = now;
            tx.put_number(p);
        } else {
            tx.remove_number(n);
        }
    }
    if let Some(mut o) = order_id.and_then(|id| tx.base().order(&id)) {
        for item in &mut o.numbers {
            if landed {
                item.status = OrderedNumberStatus::Acquired;
            } else {
                item.status = OrderedNumberStatus::Failed;
                item.reason = Some(reason.to_string());
            }
        }
        o.updated_at = now;
        tx.push(Change::PutOrder(o));
    }
}
