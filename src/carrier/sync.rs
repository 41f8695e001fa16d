//! The sync: the carrier is the source of truth. It reads the carrier's voice connectors,
//! groups, default calling name, SIP media applications and rules, and numbers, page by page, and hands each page to the
//! engine as a `carrier` action; the rules apply what differs ("changed outside
//! phonedesk"). Numbers the carrier no longer lists leave the inventory at the end.

use super::api::{CarrierApi, CarrierError, Page};
use crate::domain::{Action, Actor, Outcome, StatusCode, Timestamp, E164};
use crate::engine::{Engine, EngineError};
use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    /// Numbers the carrier holds.
    pub numbers: usize,
    /// Numbers changed, created or removed here because the carrier differed.
    pub changed: Vec<E164>,
    pub gone: Vec<E164>,
    /// The directory's summary ("2 directory records changed outside phonedesk.").
    pub directory: String,
    /// Orders placed outside phonedesk (the AWS console), now listed under Orders.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub orders: String,
    /// Support requests and ports, as AWS Support and the porting orders show them.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub support: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the sync stopped: {0}")]
    Carrier(#[from] CarrierError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// Reads every page of a list.
async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, CarrierError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, CarrierError>>,
{
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let p = page(next).await?;
        out.extend(p.items);
        match p.next {
            Some(t) => next = Some(t),
            None => return Ok(out),
        }
    }
}

async fn apply(
    engine: &Arc<Engine>,
    action: Action,
    now: Timestamp,
) -> Result<Outcome, EngineError> {
    let e = Arc::clone(engine);
    tokio::task::spawn_blocking(move || e.dispatch(&Actor::carrier(), action, now))
        .await
        .map_err(|_| EngineError::Stopped)?
}

/// One whole sync.
pub async fn sync(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    now: &(dyn Fn() -> Timestamp + Send + Sync),
) -> Result<SyncReport, SyncError> {
    let connectors =
        all_pages(|t| async move { api.list_voice_connectors(t.as_deref()).await }).await?;
    let groups = all_pages(|t| async move { api.list_groups(t.as_deref()).await }).await?;
    let settings = api.get_settings().await?;
    let directory = apply(
        engine,
        Action::SyncDirectory {
            connectors,
            groups,
            settings,
        },
        now(),
    )
    .await?
    .message;
    // SIP media applications and their rules before the numbers: a number triggering a
    // rule is assigned to the rule's application.
    let apps =
        all_pages(|t| async move { api.list_sip_media_applications(t.as_deref()).await }).await?;
    let rules = all_pages(|t| async move { api.list_sip_rules(t.as_deref()).await }).await?;
    let sip = apply(engine, Action::SyncSipDirectory { apps, rules }, now())
        .await?
        .message;
    let directory = if sip == crate::domain::SIP_DIRECTORY_MATCHES {
        directory
    } else {
        format!("{directory} {sip}")
    };
    let mut report = SyncReport {
        directory,
        ..Default::default()
    };
    // The carrier's numbers as their digits: 8 bytes each, so 100,000 of them stay small.
    let mut seen: HashSet<u64> = HashSet::new();
    let mut next: Option<String> = None;
    loop {
        let page = api.list_numbers(next.as_deref()).await?;
        report.numbers += page.items.len();
        seen.extend(page.items.iter().filter_map(|n| n.number.digits()));
        if !page.items.is_empty() {
            let outcome = apply(
                engine,
                Action::SyncNumbers {
                    numbers: page.items,
                },
                now(),
            )
            .await?;
            report.changed.extend(outcome.numbers);
        }
        match page.next {
            Some(t) => next = Some(t),
            None => break,
        }
    }
    // What phonedesk holds that the carrier does not list any more. Failed acquisitions
    // are phonedesk's own record of an order's answer; they stay until dismissed.
    // A second pass over the store's keys: only the gone ones are kept.
    let mut gone: Vec<E164> = engine
        .store()
        .numbers_in_iter(&[
            StatusCode::AcquireInProgress,
            StatusCode::PortinInProgress,
            StatusCode::Unassigned,
            StatusCode::Assigned,
            StatusCode::DeleteInProgress,
        ])
        .filter(|n| n.digits().is_none_or(|d| !seen.contains(&d)))
        .collect();
    drop(seen);
    gone.sort();
    for chunk in gone.chunks(500) {
        let outcome = apply(
            engine,
            Action::SyncGone {
                numbers: chunk.to_vec(),
            },
            now(),
        )
        .await?;
        report.gone.extend(outcome.numbers);
    }
    // The carrier's orders page by page: new-number orders are applied as they come (a
    // page at a time stays small); only porting orders are kept, for the support sync.
    let mut porting = Vec::new();
    let mut said = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = api.list_orders(next.as_deref()).await?;
        let (new, ports): (Vec<_>, Vec<_>) = page
            .items
            .into_iter()
            .partition(|o| o.order_type == crate::domain::OrderType::New);
        porting.extend(ports);
        if !new.is_empty() {
            let message = apply(engine, Action::SyncOrders { orders: new }, now())
                .await?
                .message;
            if !message.is_empty() {
                said.push(message);
            }
        }
        match page.next {
            Some(t) => next = Some(t),
            None => break,
        }
    }
    report.orders = said.join(" ");
    report.support = sync_requests(engine, api, &porting, now).await?;
    Ok(report)
}

/// Support requests filed at the carrier's support desk: their cases and porting orders.
/// Without a support plan that allows the API, the rest of the sync still counts.
async fn sync_requests(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    orders: &[crate::domain::CarrierOrder],
    now: &(dyn Fn() -> Timestamp + Send + Sync),
) -> Result<String, SyncError> {
    if api.support().is_none() {
        return Ok(String::new());
    }
    let cases = match super::porting::progress(engine, api, orders).await {
        Ok(cases) => cases,
        Err(e @ CarrierError::SubscriptionRequired) => return Ok(e.to_string()),
        Err(e) => return Err(e.into()),
    };
    if cases.is_empty() {
        return Ok(String::new());
    }
    Ok(apply(engine, Action::SyncRequests { cases }, now())
        .await?
        .message)
}

/// A sync every `interval`, in the background of the console and `serve` (on a database
/// several processes share, by the one that leads: `Engine::leads`); a failed sync is said
/// once (`Engine::trouble`: the server's log, every console) and tried again at
/// the next interval.
pub fn spawn_periodic(
    engine: Arc<Engine>,
    api: Arc<dyn CarrierApi>,
    interval: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval.max(std::time::Duration::from_secs(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // One node of those sharing the database syncs for all.
            let e = Arc::clone(&engine);
            if !tokio::task::spawn_blocking(move || e.leads())
                .await
                .unwrap_or(false)
            {
                continue;
            }
            let synced = sync(&engine, api.as_ref(), &crate::engine::now).await;
            engine.trouble("the carrier sync", synced.err().map(|e| e.to_string()));
        }
    })
}
