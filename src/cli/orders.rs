//! Orders: provisioning and porting orders, kept as history.

use super::args::OrdersCmd;
use super::output::*;
use super::{CliError, Ctx, Res};
use crate::domain::*;
use crate::local_time::Shown;
use serde_json::json;

/// An order as JSON; `carrier_id` is the remote carrier's own id (`PhoneNumberOrderId`).
fn order_json(store: &crate::store::Store, o: &Order) -> serde_json::Value {
    json!({
        "id": o.id.as_str(),
        "carrier_id": store.carrier_id(o.id.as_str()),
        "order_type": format!("{:?}", o.order_type),
        "product_type": o.product_type.api_name(),
        "status": o.status().label(),
        "created_at": o.created_at.rfc3339(),
        "completes_at": ts(o.completes_at),
        "updated_at": o.updated_at.rfc3339(),
        "request": o.request.as_ref().map(|r| r.as_str()),
        "numbers": o.numbers.iter().map(|n| json!({
            "number": n.number.as_str(),
            "status": format!("{:?}", n.status),
            "reason": n.reason,
        })).collect::<Vec<_>>(),
    })
}

/// Orders newest first (ids count up).
fn sorted(mut orders: Vec<Order>) -> Vec<Order> {
    orders.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| seq(&b.id).cmp(&seq(&a.id)))
    });
    orders
}

fn seq(id: &OrderId) -> u64 {
    id.as_str()
        .rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

pub fn run(ctx: &mut Ctx, cmd: OrdersCmd) -> Res {
    match cmd {
        OrdersCmd::List => list(ctx),
        OrdersCmd::Show { id } => show(ctx, &id),
    }
}

fn list(ctx: &mut Ctx) -> Res {
    let orders = sorted(ctx.engine.store().orders()?);
    if ctx.json {
        let store = ctx.engine.store();
        let v: Vec<_> = orders.iter().map(|o| order_json(store, o)).collect();
        return ctx.print_json(&json!(v));
    }
    if orders.is_empty() {
        writeln!(ctx.out, "No orders yet.")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = orders
        .iter()
        .map(|o| {
            vec![
                o.id.to_string(),
                format!("{:?}", o.order_type),
                o.product_type.label().into(),
                o.status().label().into(),
                o.numbers.len().to_string(),
                o.created_at.shown(),
                o.completes_at
                    .map(|t| t.shown())
                    .unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    table(
        ctx.out,
        &[
            "ORDER",
            "TYPE",
            "PRODUCT TYPE",
            "STATUS",
            "NUMBERS",
            "CREATED",
            "COMPLETES",
        ],
        &rows,
    )
}

fn show(ctx: &mut Ctx, id: &str) -> Res {
    let id = OrderId(id.trim().to_string());
    let o = ctx
        .engine
        .store()
        .order(&id)?
        .ok_or_else(|| CliError::refused(format!("no order {}", one_line(id.as_str()))))?;
    if ctx.json {
        return ctx.print_json(&order_json(ctx.engine.store(), &o));
    }
    let mut rows = vec![
        ("Order", o.id.to_string()),
        ("Type", format!("{:?}", o.order_type)),
        ("Product type", o.product_type.label().into()),
        ("Status", o.status().label().into()),
        ("Created", o.created_at.shown()),
    ];
    if let Some(t) = o.completes_at {
        rows.push(("Completes", t.shown()));
    }
    if let Some(r) = &o.request {
        rows.push(("Support request", r.to_string()));
    }
    fields(ctx.out, &rows)?;
    writeln!(ctx.out)?;
    let rows: Vec<Vec<String>> = o
        .numbers
        .iter()
        .map(|n| {
            vec![
                n.number.to_string(),
                format!("{:?}", n.status),
                n.reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(ctx.out, &["NUMBER", "STATUS", "REASON"], &rows)
}
