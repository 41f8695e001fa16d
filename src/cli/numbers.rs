//! Numbers: search and provision, the Pending / Inventory / Deletion queue lists, details,
//! assignment, product types, labels, calling names, delete and restore.

use super::args::*;
use super::output::{self, *};
use super::{CliError, Ctx, Res};
use crate::carrier::search::RemoteSearchError;
use crate::domain::*;
use crate::local_time::Shown;
use serde_json::json;

fn query(flags: &SearchFlags, limit: usize) -> Res<SearchQuery> {
    let mut q = SearchQuery::us().with_limit(limit);
    q.country = flags.country.clone();
    q.state = flags.state.clone();
    q.city = flags.city.clone();
    q.contains = flags.contains.clone();
    if let Some(a) = &flags.area_code {
        let npa = a.trim().parse::<u16>().map_err(|_| {
            CliError::usage(format!(
                "an area code has 3 digits from 200 to 999, not “{}”",
                one_line(a)
            ))
        })?;
        q.area_code = Some(npa);
    }
    if let Some(p) = &flags.toll_free_prefix {
        let prefix = p.trim().parse::<u16>().map_err(|_| {
            CliError::usage(format!(
                "“{}” is not a toll-free prefix: use 800, 833, 844, 855, 866, 877 or 888",
                one_line(p)
            ))
        })?;
        q.toll_free_prefix = Some(prefix);
    }
    if let Some(t) = &flags.number_type {
        q.number_type = Some(
            match t
                .trim()
                .to_ascii_lowercase()
                .replace(['_', ' '], "-")
                .as_str()
            {
                "local" => NumberType::Local,
                "toll-free" | "tollfree" => NumberType::TollFree,
                _ => {
                    return Err(CliError::usage(format!(
                        "--type is local or toll-free, not “{}”",
                        one_line(t)
                    )))
                }
            },
        );
    }
    Ok(q.normalized())
}

/// An available number, with the hold on it (a mark in someone's provisioning wizard).
fn available_json(a: &AvailableNumber, hold: Option<&Hold>, now: Timestamp) -> serde_json::Value {
    json!({
        "number": a.number.as_str(),
        "number_type": match a.number_type { NumberType::Local => "Local", NumberType::TollFree => "TollFree" },
        "city": a.city,
        "state": a.state,
        "location": a.place(),
        "hold": hold.map(|h| json!({
            "holder": h.holder,
            "until": h.until.rfc3339(),
            "shown": h.shown(now),
        })),
    })
}

/// The hold in force on each number, in order.
fn holds_on(ctx: &Ctx, found: &[AvailableNumber], now: Timestamp) -> Res<Vec<Option<Hold>>> {
    found
        .iter()
        .map(|a| Ok(ctx.engine.hold_on(&a.number, now)?))
        .collect()
}

fn find(ctx: &Ctx, q: &SearchQuery) -> Res<Vec<AvailableNumber>> {
    crate::carrier::search::available(ctx.engine, q).map_err(|e| match e {
        RemoteSearchError::Local(e) => CliError::from(e),
        e => CliError::refused(e.to_string()),
    })
}

pub fn search(ctx: &mut Ctx, a: SearchArgs) -> Res {
    let product = a.product_type.as_deref().map(parse_product).transpose()?;
    let q = query(&a.flags, a.limit.unwrap_or(DEFAULT_SEARCH_RESULTS))?;
    let found = find(ctx, &q)?;
    let now = crate::engine::now();
    let holds = holds_on(ctx, &found, now)?;
    if ctx.json {
        let records: Vec<serde_json::Value> = found
            .iter()
            .zip(&holds)
            .map(|(a, h)| available_json(a, h.as_ref(), now))
            .collect();
        return ctx.print_json(&json!(records));
    }
    if found.is_empty() {
        writeln!(ctx.out, "No numbers are available for this search.")?;
        return Ok(());
    }
    // A HOLD column only when someone holds one of them.
    let any_held = holds.iter().any(Option::is_some);
    let rows: Vec<Vec<String>> = found
        .iter()
        .zip(&holds)
        .map(|(n, h)| {
            let mut row = vec![
                n.number.to_string(),
                n.number_type.label().into(),
                n.place(),
            ];
            if any_held {
                row.push(h.as_ref().map(|h| h.shown(now)).unwrap_or_default());
            }
            row
        })
        .collect();
    let headers: &[&str] = if any_held {
        &["NUMBER", "TYPE", "LOCATION", "HOLD"]
    } else {
        &["NUMBER", "TYPE", "LOCATION"]
    };
    table(ctx.out, headers, &rows)?;
    let pt = product.map(|p| p.api_name()).unwrap_or("TYPE");
    writeln!(
        ctx.out,
        "{} available. Order with: phonedesk provision --product-type {pt} NUMBER...",
        found.len()
    )?;
    Ok(())
}

pub fn provision(ctx: &mut Ctx, a: ProvisionArgs) -> Res {
    let product = parse_product(&a.product_type)?;
    let numbers = if a.numbers.is_empty() {
        if !a.search.any() {
            return Err(CliError::usage(
                "name the numbers to order, or give search flags (e.g. --area-code 206)",
            ));
        }
        let wanted = a.limit.unwrap_or(1);
        // Numbers other administrators hold are passed over: ask for as many more.
        let now = crate::engine::now();
        let others = ctx
            .engine
            .store()
            .holds()
            .map_err(crate::engine::EngineError::from)?
            .iter()
            .filter(|h| h.blocks(ctx.actor, now))
            .count();
        let more = (wanted + others).min(ctx.engine.policy().search_limit.max(wanted));
        let q = query(&a.search, more)?;
        let found = find(ctx, &q)?;
        let holds = holds_on(ctx, &found, now)?;
        if found.is_empty() {
            return Err(CliError::refused(
                "no numbers are available for this search; nothing was ordered",
            ));
        }
        let free: Vec<E164> = found
            .iter()
            .zip(holds)
            .filter(|(_, h)| !h.as_ref().is_some_and(|h| h.blocks(ctx.actor, now)))
            .map(|(n, _)| n.number.clone())
            .take(wanted)
            .collect();
        // All of them held by others: the order is tried anyway, for the rules' reason.
        if free.is_empty() {
            found.into_iter().take(wanted).map(|n| n.number).collect()
        } else {
            free
        }
    } else {
        if a.search.any() || a.limit.is_some() {
            return Err(CliError::usage(
                "give either numbers or search flags, not both",
            ));
        }
        parse_numbers(&a.numbers)?
    };
    let o = ctx.act(Action::Provision {
        product_type: product,
        numbers,
    })?;
    ctx.report(&o)?;
    if !ctx.json {
        if let Some(at) = o.takes_effect_at {
            writeln!(
                ctx.out,
                "The numbers wait in Pending until the order completes, by {}.",
                at.shown()
            )?;
        } else if o.job.is_some() {
            writeln!(
                ctx.out,
                "The numbers wait in Pending until the carrier completes the order; `phonedesk sync` (or a running console or serve) brings them in."
            )?;
        }
    }
    Ok(())
}

pub fn numbers(ctx: &mut Ctx, cmd: NumbersCmd) -> Res {
    match cmd {
        NumbersCmd::List(a) => list(ctx, a),
        NumbersCmd::Show { number } => show(ctx, &number),
    }
}

/// The numbers a filter selects, from the indexes where it can.
pub fn select(ctx: &Ctx, a: &ListArgs) -> Res<Vec<PhoneNumber>> {
    let store = ctx.engine.store();
    let mut statuses: Vec<StatusCode> = StatusCode::ALL.to_vec();
    if let Some(s) = &a.status {
        let code = StatusCode::parse(s).ok_or_else(|| {
            CliError::usage(format!(
                "“{}” is not a status: use AcquireInProgress, AcquireFailed, PortinInProgress, Unassigned, Assigned or DeleteInProgress",
                one_line(s)
            ))
        })?;
        statuses.retain(|c| *c == code);
    }
    if let Some(p) = &a.place {
        let place = parse_place(p)?;
        statuses.retain(|c| c.place() == place);
    }
    let keys = match &a.assigned_to {
        Some(id) => {
            let mut k = store.numbers_assigned_to(id.trim());
            k.sort();
            k
        }
        None => store.numbers_in(&statuses),
    };
    let product = a.product_type.as_deref().map(parse_product).transpose()?;
    let state = match &a.state {
        Some(s) => Some(us_state(s).ok_or_else(|| {
            CliError::usage(format!(
                "“{}” is not a US state: use its two-letter code, e.g. WA",
                one_line(s)
            ))
        })?),
        None => None,
    };
    let city = a.city.as_ref().map(|c| c.trim().to_lowercase());
    let carrier = ctx.engine.carrier();
    let mut out = Vec::new();
    for p in store.numbers_at(&keys)? {
        if !statuses.contains(&p.status.code()) || product.is_some_and(|t| t != p.product_type) {
            continue;
        }
        if state.is_some() || city.is_some() {
            let Some(place) = carrier.place_of(&p.number) else {
                continue;
            };
            let (place_city, place_state) = match place.rsplit_once(", ") {
                Some((c, s)) => (Some(c.to_lowercase()), s.to_string()),
                None => (
                    None,
                    us_state(&place)
                        .map(|s| s.0.to_string())
                        .unwrap_or_default(),
                ),
            };
            if state.is_some_and(|(code, _)| code != place_state) {
                continue;
            }
            if city
                .as_ref()
                .is_some_and(|c| place_city.as_ref() != Some(c))
            {
                continue;
            }
        }
        out.push(p);
    }
    Ok(out)
}

fn status_text(p: &PhoneNumber, names: &Names) -> String {
    match p.assignee() {
        Some(a) => format!("Assigned to {}", names.assignee_label(a)),
        None => p.status_name().to_string(),
    }
}

fn list(ctx: &mut Ctx, a: ListArgs) -> Res {
    let numbers = select(ctx, &a)?;
    let names = Names::load(ctx.engine)?;
    if ctx.json {
        let v: Vec<_> = numbers
            .iter()
            .map(|p| number_json(ctx.engine, &names, p))
            .collect();
        return ctx.print_json(&json!(v));
    }
    if numbers.is_empty() {
        writeln!(ctx.out, "No numbers.")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = numbers
        .iter()
        .map(|p| {
            vec![
                p.number.to_string(),
                p.product_type.label().into(),
                status_text(p, &names),
                p.calling_name
                    .shown()
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                p.label.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        ctx.out,
        &["NUMBER", "PRODUCT TYPE", "STATUS", "CALLING NAME", "LABEL"],
        &rows,
    )?;
    let held = ctx.engine.store().held();
    writeln!(
        ctx.out,
        "{} shown; {held} of {} held.",
        numbers.len(),
        ctx.engine.policy().inventory_limit
    )?;
    Ok(())
}

fn known(ctx: &Ctx, text: &str) -> Res<PhoneNumber> {
    let n = parse_number(text)?;
    ctx.engine
        .store()
        .number(&n)?
        .ok_or_else(|| CliError::refused(RuleError::UnknownNumber(n).to_string()))
}

fn show(ctx: &mut Ctx, number: &str) -> Res {
    let p = known(ctx, number)?;
    let names = Names::load(ctx.engine)?;
    if ctx.json {
        let mut v = number_json(ctx.engine, &names, &p);
        let default = ctx.engine.store().settings()?.default_calling_name;
        v["default_calling_name"] = json!(default.shown().map(|n| n.as_str()));
        return ctx.print_json(&v);
    }
    let now = ctx.now();
    let (calls, sms) = calls_and_sms(&p, &names);
    let mut rows: Vec<(&str, String)> = vec![
        ("Number", format!("{}  {}", p.number, p.number.national())),
        ("Type", p.number_type.label().into()),
        ("Product type", p.product_type.label().into()),
        ("Status", p.status_name().into()),
        (
            "Location",
            ctx.engine
                .carrier()
                .place_of(&p.number)
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    if let Some(a) = p.assignee() {
        rows.push((
            "Assigned to",
            format!("{} {}", a.kind_label(), names.assignee_label(a)),
        ));
    }
    rows.push(("Calls enabled", yes_no(calls).into()));
    rows.push(("SMS enabled", yes_no(sms).into()));
    let c = p.capabilities;
    rows.push((
        "Capabilities",
        format!(
            "inbound call {}, outbound call {}, inbound SMS {}, outbound SMS {}",
            yes_no(c.inbound_call),
            yes_no(c.outbound_call),
            yes_no(c.inbound_sms),
            yes_no(c.outbound_sms)
        ),
    ));
    rows.push((
        "Calling name",
        calling_name_text(ctx, &p.calling_name, now)?,
    ));
    rows.push(("Label", p.label.clone().unwrap_or_else(|| "—".into())));
    if let Some(o) = &p.order {
        rows.push(("Order", o.to_string()));
    }
    if let Some(r) = &p.port_request {
        rows.push(("Port request", r.to_string()));
    }
    if let NumberStatus::AcquireFailed { reason } = &p.status {
        rows.push(("Failure", reason.clone()));
    }
    if let (Some(d), Some(until)) = (p.deleted_at(), p.restorable_until()) {
        rows.push(("Deleted", d.shown()));
        rows.push((
            "Restorable until",
            format!("{} ({} left)", until.shown(), left(now, until)),
        ));
    }
    if p.ported_out {
        rows.push(("Ported out", "yes: unassign and delete it".into()));
    }
    fields(ctx.out, &rows)
}

fn calling_name_text(ctx: &Ctx, s: &NameSetting, now: Timestamp) -> Res<String> {
    let mut text = match (&s.current, &s.pending) {
        (_, Some(p)) => format!(
            "{} (update in progress, completes at {}, in {})",
            p.name
                .as_ref()
                .map(|n| format!("“{n}”"))
                .unwrap_or_else(|| "cleared".into()),
            p.completes_at.shown(),
            left(now, p.completes_at)
        ),
        (Some(n), None) => format!("“{n}” ({})", s.status.label()),
        (None, None) => String::new(),
    };
    if s.current.is_none() && s.pending.is_none() {
        let d = ctx.engine.store().settings()?.default_calling_name;
        text = match d.shown() {
            Some(n) => format!("none of its own: the default “{n}” applies"),
            None => "not set".into(),
        };
    }
    Ok(text)
}

fn assignee(ctx: &Ctx, a: &AssignArgs) -> Res<Assignee> {
    if let (Some(user), Some(acct)) = (&a.user, &a.account) {
        return Ok(Assignee::User {
            account: AccountId(acct.trim().to_string()),
            user: UserId(user.trim().to_string()),
        });
    }
    let (kind, typed) = match (&a.user, &a.voice_connector, &a.group, &a.sip_media_application) {
        (Some(u), ..) => (AssigneeKind::User, u),
        (_, Some(vc), ..) => (AssigneeKind::VoiceConnector, vc),
        (_, _, Some(g), _) => (AssigneeKind::VoiceConnectorGroup, g),
        (.., Some(sma)) => (AssigneeKind::SipMediaApplication, sma),
        _ => {
            return Err(CliError::usage(
                "say where to: --user ID, --voice-connector ID, --group ID or --sip-media-application ID",
            ))
        }
    };
    // By id, or by name when one entry has it (the console's `:assign` reads names the same way).
    let store = ctx.engine.store();
    let (users, connectors, groups, apps) = (
        store.users()?,
        store.voice_connectors()?,
        store.groups()?,
        store.sip_media_apps()?,
    );
    let lists = DirectoryLists {
        users: &users,
        connectors: &connectors,
        groups: &groups,
        apps: &apps,
    };
    lists
        .assignee(kind, typed)
        .map_err(|e| CliError::refused(e.to_string()))
}

pub fn assign(ctx: &mut Ctx, a: AssignArgs, reassign: bool) -> Res {
    let numbers = parse_numbers(&a.numbers)?;
    let to = assignee(ctx, &a)?;
    let action = if reassign {
        Action::Reassign { numbers, to }
    } else {
        Action::Assign { numbers, to }
    };
    let o = ctx.act(action)?;
    ctx.report(&o)
}

fn count_words(numbers: &[E164]) -> String {
    match numbers {
        [one] => one.to_string(),
        many => format!("{} numbers", many.len()),
    }
}

pub fn unassign(ctx: &mut Ctx, a: NumbersArg) -> Res {
    let numbers = parse_numbers(&a.numbers)?;
    ctx.confirm(&format!("Unassign {}?", count_words(&numbers)))?;
    let o = ctx.act(Action::Unassign { numbers })?;
    ctx.report(&o)
}

pub fn switch(ctx: &mut Ctx, a: SwitchArgs) -> Res {
    let product_type = parse_product(&a.to)?;
    let numbers = parse_numbers(&a.numbers)?;
    let o = ctx.act(Action::SwitchProductType {
        numbers,
        product_type,
    })?;
    ctx.report(&o)
}

pub fn label(ctx: &mut Ctx, a: LabelArgs) -> Res {
    let number = parse_number(&a.number)?;
    let label = if a.clear { None } else { a.text };
    let o = ctx.act(Action::SetLabel { number, label })?;
    ctx.report(&o)
}

fn calling_name_arg(name: Option<String>, clear: bool) -> Res<Option<CallingName>> {
    if clear {
        return Ok(None);
    }
    let text = name.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(CliError::usage(
            "give a name of 2 to 15 letters, digits and spaces, or --clear",
        ));
    }
    CallingName::parse(&text).map_err(|e| CliError::refused(e.to_string()))
}

pub fn calling_name(ctx: &mut Ctx, cmd: CallingNameCmd) -> Res {
    match cmd {
        CallingNameCmd::Default {
            name: None,
            clear: false,
        } => show_names(ctx),
        CallingNameCmd::Default { name, clear } => {
            let name = calling_name_arg(name, clear)?;
            let o = ctx.act(Action::SetDefaultCallingName { name })?;
            ctx.report(&o)
        }
        CallingNameCmd::Set {
            number,
            name,
            clear,
        } => {
            let number = parse_number(&number)?;
            let name = calling_name_arg(name, clear)?;
            let o = ctx.act(Action::SetUniqueCallingName { number, name })?;
            ctx.report(&o)
        }
        CallingNameCmd::Show => show_names(ctx),
    }
}

fn setting_json(s: &NameSetting) -> serde_json::Value {
    json!({
        "name": s.shown().map(|n| n.as_str()),
        "current": s.current.as_ref().map(|n| n.as_str()),
        "status": name_status(s.status),
        "completes_at": ts(s.pending.as_ref().map(|p| p.completes_at)),
        "last_requested_at": ts(s.last_requested_at),
    })
}

fn show_names(ctx: &mut Ctx) -> Res {
    let now = ctx.now();
    let default = ctx.engine.store().settings()?.default_calling_name;
    let next_change = default
        .last_requested_at
        .map(|t| t.plus(ctx.engine.policy().default_name_cooldown));
    let store = ctx.engine.store();
    let inventory =
        store.numbers_at(&store.numbers_in(&[StatusCode::Unassigned, StatusCode::Assigned]))?;
    let unique: Vec<&PhoneNumber> = inventory
        .iter()
        .filter(|p| p.calling_name.current.is_some() || p.calling_name.pending.is_some())
        .collect();
    if ctx.json {
        let mut d = setting_json(&default);
        d["next_change_possible_at"] = ts(next_change.filter(|t| *t > now));
        let u: Vec<_> = unique
            .iter()
            .map(|p| {
                let mut v = setting_json(&p.calling_name);
                v["number"] = json!(p.number.as_str());
                v
            })
            .collect();
        return ctx.print_json(&json!({ "default": d, "numbers": u }));
    }
    let text = calling_name_text(ctx, &default, now)?;
    let text = if default.current.is_none() && default.pending.is_none() {
        "not set".into()
    } else {
        text
    };
    writeln!(ctx.out, "Default calling name: {text}")?;
    match next_change.filter(|t| *t > now) {
        Some(t) => writeln!(
            ctx.out,
            "The default can change again at {} (in {}).",
            t.shown(),
            left(now, t)
        )?,
        None => writeln!(ctx.out, "The default can be changed now.")?,
    }
    if unique.is_empty() {
        writeln!(ctx.out, "No number has a unique calling name.")?;
        return Ok(());
    }
    let mut rows = Vec::new();
    for p in unique {
        rows.push(vec![
            p.number.to_string(),
            calling_name_text(ctx, &p.calling_name, now)?,
        ]);
    }
    table(ctx.out, &["NUMBER", "UNIQUE CALLING NAME"], &rows)
}

pub fn delete(ctx: &mut Ctx, a: NumbersArg) -> Res {
    let numbers = parse_numbers(&a.numbers)?;
    let days = output::span(ctx.engine.policy().deletion_retention);
    ctx.confirm(&format!(
        "Delete {}? They stay restorable for {days}.",
        count_words(&numbers)
    ))?;
    let o = ctx.act(Action::Delete { numbers })?;
    ctx.report(&o)
}

pub fn restore(ctx: &mut Ctx, a: NumbersArg) -> Res {
    let numbers = parse_numbers(&a.numbers)?;
    let o = ctx.act(Action::Restore { numbers })?;
    ctx.report(&o)
}

pub fn dismiss(ctx: &mut Ctx, a: NumbersArg) -> Res {
    let numbers = parse_numbers(&a.numbers)?;
    let o = ctx.act(Action::DismissFailed { numbers })?;
    ctx.report(&o)
}

pub fn deletion_queue(ctx: &mut Ctx) -> Res {
    let now = ctx.now();
    let store = ctx.engine.store();
    let numbers = store.numbers_at(&store.numbers_in(&[StatusCode::DeleteInProgress]))?;
    if ctx.json {
        let v: Vec<_> = numbers
            .iter()
            .map(|p| {
                let until = p.restorable_until();
                json!({
                    "number": p.number.as_str(),
                    "product_type": p.product_type.api_name(),
                    "deleted_at": ts(p.deleted_at()),
                    "restorable_until": ts(until),
                    "seconds_left": until.map(|u| now.until(u).as_secs()),
                    "label": p.label,
                })
            })
            .collect();
        return ctx.print_json(&json!(v));
    }
    if numbers.is_empty() {
        writeln!(ctx.out, "The deletion queue is empty.")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = numbers
        .iter()
        .map(|p| {
            let d = p.deleted_at().unwrap_or(now);
            let until = p.restorable_until().unwrap_or(now);
            let remaining = if until > now {
                left(now, until)
            } else {
                "window closed".into()
            };
            vec![
                p.number.to_string(),
                p.product_type.label().into(),
                d.shown(),
                until.shown(),
                remaining,
            ]
        })
        .collect();
    table(
        ctx.out,
        &[
            "NUMBER",
            "PRODUCT TYPE",
            "DELETED",
            "RESTORABLE UNTIL",
            "TIME LEFT",
        ],
        &rows,
    )
}
