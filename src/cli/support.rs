//! Support requests: plain ones, port in (with its LOA step) and port out. The service PIN
//! and account numbers are shown masked; only the port-out PIN that support hands out can
//! be revealed, on request.

use super::args::*;
use super::output::*;
use super::{CliError, Ctx, Res};
use crate::domain::*;
use crate::local_time::{self, Shown};
use serde_json::json;

pub fn run(ctx: &mut Ctx, cmd: SupportCmd) -> Res {
    match cmd {
        SupportCmd::List => list(ctx),
        SupportCmd::Show { id, reveal } => show(ctx, &id, reveal),
        SupportCmd::New {
            category,
            subject,
            issue,
            email,
        } => {
            let category = Category::parse(&category).ok_or_else(|| {
                CliError::usage(format!(
                    "“{}” is not a category: use General, Billing, Technical or Other",
                    one_line(&category)
                ))
            })?;
            act(
                ctx,
                Action::SubmitRequest(NewRequest::Other {
                    category,
                    subject,
                    issue,
                    email,
                }),
            )
        }
        SupportCmd::PortIn(a) => port_in(ctx, a),
        SupportCmd::PortOut {
            numbers,
            product_type,
            email,
        } => {
            let form = PortOut {
                numbers: parse_numbers(&numbers)?,
                product_type: parse_product(&product_type)?,
            };
            act(
                ctx,
                Action::SubmitRequest(NewRequest::PortOut { form, email }),
            )
        }
        SupportCmd::Reply { id, text } => act(
            ctx,
            Action::Reply {
                request: request_id(&id),
                text,
            },
        ),
        SupportCmd::Loa {
            id,
            carrier,
            authorizing_person,
            btn,
            service_address,
            file,
        } => {
            let loa = Loa {
                carrier,
                authorizing_person,
                btn: parse_number(&btn)?,
                service_address,
                submitted_at: ctx.now(),
            };
            let file = file
                .map(|path| {
                    crate::carrier::porting::read_loa_file(&path).map_err(CliError::refused)
                })
                .transpose()?;
            submit_loa(ctx, request_id(&id), loa, file)
        }
        SupportCmd::Cancel { id } => {
            ctx.confirm(&format!("Ask support to cancel {}?", one_line(&id)))?;
            act(
                ctx,
                Action::CancelRequest {
                    request: request_id(&id),
                },
            )
        }
        SupportCmd::Close { id } => act(
            ctx,
            Action::CloseRequest {
                request: request_id(&id),
            },
        ),
    }
}

fn request_id(text: &str) -> RequestId {
    RequestId(text.trim().to_string())
}

fn act(ctx: &mut Ctx, action: Action) -> Res {
    match ctx.act(action) {
        Ok(o) => ctx.report(&o),
        Err(e) => paste_without_support_plan(ctx, e),
    }
}

/// Without a support plan that allows AWS Support's API, a new request's case cannot be
/// filed by phonedesk: said in one line, with the case ready to paste into the Support
/// Center. The request stays recorded; its job can be retried later or cancelled.
fn paste_without_support_plan(ctx: &mut Ctx, e: CliError) -> Res {
    let no_plan = crate::carrier::api::CarrierError::SubscriptionRequired.to_string();
    if !e.message.contains(&no_plan) {
        return Err(e);
    }
    let failed = ctx
        .engine
        .store()
        .jobs()?
        .into_iter()
        .filter(|j| matches!(j.action, Action::SubmitRequest(_)) && j.is_failed())
        .max_by_key(|j| j.id);
    let Some((job, r)) = failed.and_then(|j| {
        let r = ctx.engine.store().request(&j.request()?).ok()??;
        Some((j.id, r))
    }) else {
        return Err(e);
    };
    let case = case_text(&r);
    let category = match r.kind {
        RequestKind::PortIn(_) => "Phone Number Port In",
        RequestKind::PortOut(_) => "Phone Number Port Out",
        RequestKind::Other => "General guidance",
    };
    let line = format!(
        "AWS Support's API needs a support plan that allows it (Business or higher): {} is recorded here ({job} can be retried once it does, or cancelled); file the case in the Support Center (Account and billing, Chime SDK (Number Management), {category}) with this text:",
        r.id
    );
    if ctx.json {
        return ctx.print_json(&json!({
            "ok": false,
            "error": line,
            "request": r.id.as_str(),
            "job": job.to_string(),
            "case": { "subject": case.subject, "body": case.body, "category": category },
        }));
    }
    writeln!(ctx.out, "{}", one_line(&line))?;
    writeln!(ctx.out)?;
    writeln!(ctx.out, "Subject: {}", one_line(&case.subject))?;
    writeln!(ctx.out)?;
    writeln!(ctx.out, "{}", lines(&case.body))?;
    Ok(())
}

/// A required flag of the port-in form that was not given at all: a usage error (exit 2),
/// as clap reports the required flags of every other command. A flag given with an empty
/// value reaches the domain, which refuses it (exit 1).
/// Submits an LOA and answers with the request's new status. An LOA the carrier's records
/// do not match is kept (support asks for a corrected one), but the command exits 1 so a
/// script sees that the port is not scheduled.
fn submit_loa(ctx: &mut Ctx, id: RequestId, loa: Loa, file: Option<LoaFile>) -> Res {
    let action = match file {
        Some(file) => Action::SubmitLoaFile {
            request: id.clone(),
            loa,
            file,
        },
        None => Action::SubmitLoa {
            request: id.clone(),
            loa,
        },
    };
    if ctx.engine.remote().is_some() {
        // AWS Support answers in the case; the sync brings the port's progress.
        return act(ctx, action);
    }
    let o = ctx.act(action)?;
    let r = ctx.engine.store().request(&id)?;
    let status = r.as_ref().map(|r| r.status);
    let accepted = status == Some(RequestStatus::Foc);
    if ctx.json {
        let mut v = outcome_json(&o);
        v["ok"] = json!(accepted);
        v["accepted"] = json!(accepted);
        v["status"] = json!(status.map(RequestStatus::label));
        v["foc_date"] = ts(r.as_ref().and_then(|r| r.foc_date));
        if !accepted {
            // Support's answer names every field that differs.
            let answer = r.as_ref().and_then(|r| r.thread.last()).map(|m| &m.text);
            v["reason"] = json!(answer);
            v["error"] = json!(o.message);
        }
        ctx.print_json(&v)?;
    } else if accepted {
        ctx.report(&o)?;
    }
    if accepted {
        return Ok(());
    }
    let status = status.map(RequestStatus::label).unwrap_or("unknown");
    Err(CliError {
        answered: ctx.json,
        ..CliError::refused(format!("{} Its status is {status}.", o.message))
    })
}

fn missing(field: &'static str, flag: &str) -> CliError {
    CliError::usage(format!(
        "{} (--{flag})",
        RuleError::MissingField {
            form: PORT_IN_FORM,
            field
        }
    ))
}

fn port_in(ctx: &mut Ctx, a: PortInArgs) -> Res {
    if a.numbers.is_empty() {
        return Err(CliError::usage(format!(
            "{} (give them after port-in)",
            RuleError::MissingField {
                form: PORT_IN_FORM,
                field: "numbers to port"
            }
        )));
    }
    let numbers = parse_numbers(&a.numbers)?;
    let product_type = parse_product(
        a.product_type
            .as_deref()
            .ok_or_else(|| missing("product type", "product-type"))?,
    )?;
    let btn = parse_number(
        a.btn
            .as_deref()
            .ok_or_else(|| missing("billing telephone number", "btn"))?,
    )?;
    let given = |value: Option<String>, field: &'static str, flag: &str| {
        value.ok_or_else(|| missing(field, flag))
    };
    let authorizing_person = given(
        a.authorizing_person,
        "authorizing person",
        "authorizing-person",
    )?;
    let service_address = given(a.service_address, "service address", "service-address")?;
    let customer_name = given(a.customer_name, "customer name", "customer-name")?;
    let email = given(a.email, "email", "email")?;
    let requested = a
        .requested
        .as_deref()
        .ok_or_else(|| missing("requested date and time", "requested"))?;
    let requested_at = local_time::read(requested).ok_or_else(|| {
        CliError::usage(format!(
            "“{}” is not a date and time: write {}",
            one_line(requested),
            local_time::how_to_write()
        ))
    })?;
    let form = PortIn {
        numbers,
        product_type,
        btn,
        authorizing_person,
        current_carrier: a.current_carrier.filter(|c| !c.trim().is_empty()),
        service_account_number: a
            .service_account_number
            .filter(|s| !s.trim().is_empty())
            .map(Secret::new),
        service_pin: a
            .service_pin
            .filter(|s| !s.trim().is_empty())
            .map(Secret::new),
        service_address,
        customer_name,
        requested_at,
        voice_connector: a
            .voice_connector
            .map(|v| VoiceConnectorId(v.trim().to_string())),
    };
    act(
        ctx,
        Action::SubmitRequest(NewRequest::PortIn { form, email }),
    )
}

fn status_of(r: &SupportRequest) -> &'static str {
    r.status.label()
}

fn summary_json(r: &SupportRequest) -> serde_json::Value {
    json!({
        "id": r.id.as_str(),
        "kind": r.kind_label(),
        "category": r.category.label(),
        "subject": r.subject,
        "status": status_of(r),
        "email": r.email,
        "numbers": r.numbers().iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        "foc_date": ts(r.foc_date),
        "next_step_at": ts(r.next_step_at),
        "created_at": r.created_at.rfc3339(),
        "updated_at": r.updated_at.rfc3339(),
    })
}

fn list(ctx: &mut Ctx) -> Res {
    let mut requests = ctx.engine.store().requests()?;
    requests.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.id.as_str().len().cmp(&a.id.as_str().len()))
            .then_with(|| b.id.cmp(&a.id))
    });
    if ctx.json {
        return ctx.print_json(&json!(requests
            .iter()
            .map(summary_json)
            .collect::<Vec<_>>()));
    }
    if requests.is_empty() {
        writeln!(ctx.out, "No support requests.")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = requests
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.kind_label().into(),
                status_of(r).into(),
                r.subject.clone(),
                r.updated_at.shown(),
            ]
        })
        .collect();
    table(
        ctx.out,
        &["ID", "KIND", "STATUS", "SUBJECT", "UPDATED"],
        &rows,
    )
}

fn masked(s: &Option<Secret>) -> Option<String> {
    s.as_ref().map(|s| s.masked())
}

fn show(ctx: &mut Ctx, id: &str, reveal: bool) -> Res {
    // A secret is shown to administrators only; a viewer is told so before anything is read.
    if reveal && !ctx.actor.role.may_reveal() {
        return Err(CliError::refused(format!(
            "{} has read-only access: only an administrator can reveal the port-out PIN",
            one_line(&ctx.actor.name)
        )));
    }
    let id = request_id(id);
    let r =
        ctx.engine.store().request(&id)?.ok_or_else(|| {
            CliError::refused(RuleError::UnknownRequest(id.0.clone()).to_string())
        })?;
    let pin = r.port_out_pin.as_ref().map(|p| {
        if reveal {
            p.reveal().to_string()
        } else {
            p.masked()
        }
    });
    if ctx.json {
        let mut v = summary_json(&r);
        v["issue"] = json!(r.issue);
        v["port_out_account"] = json!(r.port_out_account);
        v["port_out_pin"] = json!(pin);
        v["thread"] = json!(r
            .thread
            .iter()
            .map(|m| json!({ "author": format!("{:?}", m.author), "name": m.name, "at": m.at.rfc3339(), "text": m.text }))
            .collect::<Vec<_>>());
        v["loas"] = json!(r
            .loas
            .iter()
            .map(|l| json!({ "carrier": l.carrier, "authorizing_person": l.authorizing_person, "btn": l.btn.as_str(), "service_address": l.service_address, "submitted_at": l.submitted_at.rfc3339() }))
            .collect::<Vec<_>>());
        if let Some(p) = r.port_in() {
            v["port_in"] = json!({
                "product_type": p.product_type.api_name(),
                "btn": p.btn.as_str(),
                "authorizing_person": p.authorizing_person,
                "current_carrier": p.current_carrier,
                "service_account_number": masked(&p.service_account_number),
                "service_pin": masked(&p.service_pin),
                "service_address": p.service_address,
                "customer_name": p.customer_name,
                "requested_at": p.requested_at.rfc3339(),
                "voice_connector": p.voice_connector.as_ref().map(|v| v.as_str()),
            });
        }
        return ctx.print_json(&v);
    }
    let mut rows = vec![
        ("Request", format!("{} ({})", r.id, r.kind_label())),
        ("Category", r.category.label().into()),
        ("Subject", r.subject.clone()),
        ("Status", status_of(&r).into()),
        ("Email", r.email.clone()),
        ("Created", r.created_at.shown()),
    ];
    if let Some(t) = r.foc_date {
        rows.push(("Port date (FOC)", t.shown()));
    }
    if let Some(t) = r.next_step_at {
        rows.push(("Support acts by", t.shown()));
    }
    if let Some(a) = &r.port_out_account {
        rows.push(("Port-out account ID", a.clone()));
    }
    if let Some(p) = pin {
        let hint = if reveal { "" } else { "  (--reveal to show)" };
        rows.push(("Port-out PIN", format!("{p}{hint}")));
    }
    fields(ctx.out, &rows)?;
    writeln!(ctx.out, "\n{}", lines(&r.issue))?;
    for l in &r.loas {
        writeln!(
            ctx.out,
            "\nLOA {} for {}: {}, BTN {}, {}",
            l.submitted_at.shown(),
            one_line(&l.carrier),
            one_line(&l.authorizing_person),
            l.btn,
            one_line(&l.service_address)
        )?;
    }
    for m in &r.thread {
        writeln!(
            ctx.out,
            "\n--- {} ({}) ---\n{}",
            one_line(&m.name),
            m.at.shown(),
            lines(&m.text)
        )?;
    }
    Ok(())
}
