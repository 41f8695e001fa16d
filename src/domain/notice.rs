//! Notices: the changes an administrator wants to be told about (an order completed, a
//! port got its date, a calling name landed, a number changed outside phonedesk, a purge
//! is near, the inventory nears its limit), derived in one place from what a decision
//! writes and what was there before. `phonedesk watch`, the `[hooks]` and the console all
//! read these, so a kind means the same everywhere. Pure: the engine hands in the view as
//! it was before the change and the time.

use super::*;
use serde::Serialize;
use std::time::Duration;

/// What a notice is about. The names (`order-completed`) are what `watch --kind`, the
/// `[hooks]` configuration and the JSON records use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NoticeKind {
    OrderCompleted,
    OrderPartial,
    OrderFailed,
    PortStatus,
    PortDate,
    PortCompleted,
    NameLanded,
    NameFailed,
    ChangedOutside,
    PurgeSoon,
    NearLimit,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 11] = [
        NoticeKind::OrderCompleted,
        NoticeKind::OrderPartial,
        NoticeKind::OrderFailed,
        NoticeKind::PortStatus,
        NoticeKind::PortDate,
        NoticeKind::PortCompleted,
        NoticeKind::NameLanded,
        NoticeKind::NameFailed,
        NoticeKind::ChangedOutside,
        NoticeKind::PurgeSoon,
        NoticeKind::NearLimit,
    ];

    /// The kind's name for scripts and the configuration.
    pub fn name(self) -> &'static str {
        match self {
            NoticeKind::OrderCompleted => "order-completed",
            NoticeKind::OrderPartial => "order-partial",
            NoticeKind::OrderFailed => "order-failed",
            NoticeKind::PortStatus => "port-status",
            NoticeKind::PortDate => "port-date",
            NoticeKind::PortCompleted => "port-completed",
            NoticeKind::NameLanded => "name-landed",
            NoticeKind::NameFailed => "name-failed",
            NoticeKind::ChangedOutside => "changed-outside",
            NoticeKind::PurgeSoon => "purge-soon",
            NoticeKind::NearLimit => "near-limit",
        }
    }

    /// The kind in words, for people.
    pub fn label(self) -> &'static str {
        match self {
            NoticeKind::OrderCompleted => "order completed",
            NoticeKind::OrderPartial => "order partly completed",
            NoticeKind::OrderFailed => "order failed",
            NoticeKind::PortStatus => "port status changed",
            NoticeKind::PortDate => "port date set",
            NoticeKind::PortCompleted => "port completed",
            NoticeKind::NameLanded => "calling name landed",
            NoticeKind::NameFailed => "calling name failed",
            NoticeKind::ChangedOutside => "changed outside phonedesk",
            NoticeKind::PurgeSoon => "purge within 24 h",
            NoticeKind::NearLimit => "inventory near its limit",
        }
    }

    /// A kind by its name, as typed in a flag or the configuration.
    pub fn parse(name: &str) -> Option<NoticeKind> {
        let name = name.trim();
        NoticeKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// "order-completed, order-partial, …": every name, for messages.
    pub fn names() -> String {
        NoticeKind::ALL.map(NoticeKind::name).join(", ")
    }
}

impl Serialize for NoticeKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One thing to tell: its kind, a sentence, and the records it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub kind: NoticeKind,
    /// One sentence for people: "order-3 completed: 2 numbers acquired."
    pub words: String,
    pub numbers: Vec<E164>,
    pub order: Option<OrderId>,
    pub request: Option<RequestId>,
    /// The status it reached, in the API's spelling: an order's (`Partial`), a port's
    /// (`FOC`), a calling name's (`UpdateFailed`).
    pub status: Option<&'static str>,
    /// When what it announces happens: the port date, the purge.
    pub when: Option<Timestamp>,
    /// The numbers held and the limit, for `near-limit`.
    pub held: Option<usize>,
    pub limit: Option<usize>,
}

impl Notice {
    fn new(kind: NoticeKind, words: String) -> Notice {
        Notice {
            kind,
            words,
            numbers: Vec::new(),
            order: None,
            request: None,
            status: None,
            when: None,
            held: None,
            limit: None,
        }
    }
}

/// How long before its purge a deleted number is announced.
pub const PURGE_WARNING: Duration = Duration::from_secs(24 * 3600);

/// The share of the limit at which the inventory is announced, in percent.
pub const NEAR_LIMIT_PERCENT: usize = 90;

/// What a decision's `changes` are worth telling, read against `before`, the state they
/// replace. Orders reaching an end, port requests moving, calling names finishing (a
/// number's and the default), and numbers a carrier sync changed (`actor` is the carrier
/// and the action one of its syncs).
pub fn notices(
    actor: &Actor,
    action: &Action,
    changes: &[Change],
    before: &dyn View,
) -> Vec<Notice> {
    let from_sync = actor.name == Actor::carrier().name
        && matches!(
            action,
            Action::SyncNumbers { .. } | Action::SyncGone { .. } | Action::SyncOrders { .. }
        );
    let mut out = Vec::new();
    let mut outside: Vec<E164> = Vec::new();
    for change in changes {
        match change {
            Change::PutOrder(order) => out.extend(order_notice(before.order(&order.id), order)),
            Change::PutRequest(r) => out.extend(port_notice(before.request(&r.id).as_ref(), r)),
            Change::PutSettings(s) => out.extend(name_notice(
                None,
                &before.settings().default_calling_name,
                &s.default_calling_name,
            )),
            Change::PutNumber(p) => {
                let old = before.number(&p.number);
                let name = old
                    .as_ref()
                    .and_then(|o| name_notice(Some(&p.number), &o.calling_name, &p.calling_name));
                match name {
                    Some(n) => out.push(n),
                    None if from_sync && !same_but_for_time(old.as_ref(), p) => {
                        outside.push(p.number.clone())
                    }
                    None => {}
                }
            }
            Change::RemoveNumber(n) if from_sync && before.number(n).is_some() => {
                outside.push(n.clone())
            }
            _ => {}
        }
    }
    outside.dedup();
    if !outside.is_empty() {
        let words = match outside.as_slice() {
            [one] => format!("{one} changed outside phonedesk."),
            many => format!("{} numbers changed outside phonedesk.", many.len()),
        };
        let mut n = Notice::new(NoticeKind::ChangedOutside, words);
        n.numbers = outside;
        out.push(n);
    }
    out
}

/// Whether a number's new record differs from its old one only in when it was updated.
fn same_but_for_time(old: Option<&PhoneNumber>, new: &PhoneNumber) -> bool {
    old.is_some_and(|o| {
        let mut o = o.clone();
        o.updated_at = new.updated_at;
        &o == new
    })
}

/// An order that reached its end now: completed, partly, or failed. Porting orders are
/// told by their port request.
fn order_notice(old: Option<Order>, new: &Order) -> Option<Notice> {
    if new.order_type == OrderType::Porting {
        return None;
    }
    let status = new.status();
    let was = old.map(|o| o.status());
    if status == OrderStatus::Processing || was == Some(status) {
        return None;
    }
    let acquired = new
        .numbers
        .iter()
        .filter(|n| n.status == OrderedNumberStatus::Acquired)
        .count();
    let failed: Vec<&OrderedNumber> = new
        .numbers
        .iter()
        .filter(|n| n.status == OrderedNumberStatus::Failed)
        .collect();
    let reasons = || {
        failed
            .iter()
            .map(|n| match &n.reason {
                Some(r) => format!("{} ({r})", n.number),
                None => n.number.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let id = &new.id;
    let (kind, words) = match status {
        OrderStatus::Successful => (
            NoticeKind::OrderCompleted,
            format!(
                "{id} completed: {} acquired.",
                counted(acquired as u64, "number")
            ),
        ),
        OrderStatus::Partial => (
            NoticeKind::OrderPartial,
            format!(
                "{id} partly completed: {} acquired, {} failed: {}.",
                counted(acquired as u64, "number"),
                failed.len(),
                reasons()
            ),
        ),
        _ => (
            NoticeKind::OrderFailed,
            format!("{id} failed: {}.", reasons()),
        ),
    };
    let mut n = Notice::new(kind, words);
    n.numbers = new.numbers.iter().map(|n| n.number.clone()).collect();
    n.order = Some(id.clone());
    n.status = Some(status.label());
    Some(n)
}

/// A port request that moved: completed, given its date, or another status.
fn port_notice(old: Option<&SupportRequest>, new: &SupportRequest) -> Option<Notice> {
    let old = old?;
    if matches!(new.kind, RequestKind::Other) {
        return None;
    }
    let id = &new.id;
    let what = new.kind_label();
    let (kind, words) = if new.status == RequestStatus::Completed && old.status != new.status {
        (
            NoticeKind::PortCompleted,
            format!("{id} ({what}) is complete."),
        )
    } else if new.foc_date.is_some() && new.foc_date != old.foc_date {
        (
            NoticeKind::PortDate,
            format!("{id} ({what}) has its port date (FOC)."),
        )
    } else if new.status != old.status {
        (
            NoticeKind::PortStatus,
            format!(
                "{id} ({what}) moved from {} to {}.",
                old.status.label(),
                new.status.label()
            ),
        )
    } else {
        return None;
    };
    let mut n = Notice::new(kind, words);
    n.numbers = new.numbers().to_vec();
    n.request = Some(id.clone());
    n.status = Some(new.status.label());
    n.when = new.foc_date.filter(|_| kind == NoticeKind::PortDate);
    Some(n)
}

/// A calling name that finished updating (`number`: a number's own, `None`: the default).
fn name_notice(number: Option<&E164>, old: &NameSetting, new: &NameSetting) -> Option<Notice> {
    let whose = match number {
        Some(n) => format!("{n}'s calling name"),
        None => "The default calling name".to_string(),
    };
    let (kind, words) = if new.status == CallingNameStatus::UpdateFailed
        && old.status != CallingNameStatus::UpdateFailed
    {
        (
            NoticeKind::NameFailed,
            format!("{whose} could not be updated at the carrier."),
        )
    } else if old.in_progress() && !new.in_progress() {
        let words = match &new.current {
            Some(name) => format!("{whose} is now “{name}”."),
            None => format!("{whose} is cleared."),
        };
        (NoticeKind::NameLanded, words)
    } else {
        return None;
    };
    let mut n = Notice::new(kind, words);
    n.numbers = number.into_iter().cloned().collect();
    n.status = Some(name_status_name(new.status));
    Some(n)
}

fn name_status_name(s: CallingNameStatus) -> &'static str {
    match s {
        CallingNameStatus::Unassigned => "Unassigned",
        CallingNameStatus::UpdateInProgress => "UpdateInProgress",
        CallingNameStatus::UpdateSucceeded => "UpdateSucceeded",
        CallingNameStatus::UpdateFailed => "UpdateFailed",
    }
}

/// The inventory crossed 90 % of its limit upwards with this change (said once per
/// crossing, not at every order while it stays there).
pub fn near_limit(held_before: usize, held_after: usize, limit: usize) -> Option<Notice> {
    let reached = |held: usize| held * 100 >= limit * NEAR_LIMIT_PERCENT;
    if limit == 0 || reached(held_before) || !reached(held_after) {
        return None;
    }
    let mut n = Notice::new(
        NoticeKind::NearLimit,
        format!(
            "The inventory holds {held_after} of its {limit} numbers ({}%).",
            held_after * 100 / limit
        ),
    );
    n.held = Some(held_after);
    n.limit = Some(limit);
    Some(n)
}

/// A deleted number whose purge (`purge_at`, the due purge) is within 24 h of `now` and
/// still stands (the number was not restored meanwhile).
pub fn purge_soon(number: &PhoneNumber, purge_at: Timestamp, now: Timestamp) -> Option<Notice> {
    let NumberStatus::DeleteInProgress {
        restorable_until, ..
    } = number.status
    else {
        return None;
    };
    if restorable_until != purge_at || purge_at < now || purge_at > now.plus(PURGE_WARNING) {
        return None;
    }
    let mut n = Notice::new(
        NoticeKind::PurgeSoon,
        format!(
            "{} is purged in {} unless it is restored.",
            number.number,
            format_duration(now.until(purge_at))
        ),
    );
    n.numbers = vec![number.number.clone()];
    n.when = Some(purge_at);
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timestamp = Timestamp(1_790_000_000_000);

    fn num(line: u16) -> E164 {
        E164::nanp(206, 555, line)
    }

    fn number(line: u16, status: NumberStatus) -> PhoneNumber {
        PhoneNumber::new(num(line), ProductType::VoiceConnector, status, T)
    }

    fn order(statuses: &[OrderedNumberStatus]) -> Order {
        Order {
            id: OrderId::from_seq(3),
            order_type: OrderType::New,
            product_type: ProductType::VoiceConnector,
            created_at: T,
            completes_at: None,
            updated_at: T,
            numbers: statuses
                .iter()
                .enumerate()
                .map(|(i, s)| OrderedNumber {
                    number: num(i as u16),
                    status: *s,
                    reason: (*s == OrderedNumberStatus::Failed).then(|| "not available".into()),
                })
                .collect(),
            request: None,
        }
    }

    fn told(actor: &Actor, action: &Action, view: &MemoryView, changes: &[Change]) -> Vec<Notice> {
        notices(actor, action, changes, view)
    }

    fn due() -> Action {
        Action::RunDue(Due {
            at: T,
            task: Task::CompleteOrder(OrderId::from_seq(3)),
        })
    }

    #[test]
    fn an_order_reaching_its_end_is_told_once_by_how_it_ended() {
        use OrderedNumberStatus::*;
        let mut view = MemoryView::default();
        let processing = order(&[Processing, Processing]);
        view.orders.insert(processing.id.clone(), processing);
        let cases = [
            (order(&[Acquired, Acquired]), NoticeKind::OrderCompleted, "order-3 completed: 2 numbers acquired."),
            (order(&[Acquired, Failed]), NoticeKind::OrderPartial, "order-3 partly completed: 1 number acquired, 1 failed: +12065550001 (not available)."),
            (order(&[Failed, Failed]), NoticeKind::OrderFailed, "order-3 failed: +12065550000 (not available), +12065550001 (not available)."),
        ];
        for (done, kind, words) in cases {
            let n = told(
                &Actor::system(),
                &due(),
                &view,
                &[Change::PutOrder(done.clone())],
            );
            assert_eq!(n.len(), 1, "{kind:?}");
            assert_eq!(n[0].kind, kind);
            assert_eq!(n[0].words, words);
            assert_eq!(n[0].order, Some(OrderId::from_seq(3)));
            assert_eq!(n[0].numbers, vec![num(0), num(1)]);
            // Already ended before: nothing new to tell.
            let mut ended = view.clone();
            ended.orders.insert(done.id.clone(), done.clone());
            assert!(told(&Actor::system(), &due(), &ended, &[Change::PutOrder(done)]).is_empty());
        }
        // Still processing, or a porting order (its port request tells): nothing.
        let mut porting = order(&[Acquired, Acquired]);
        porting.order_type = OrderType::Porting;
        for o in [order(&[Acquired, Processing]), porting] {
            assert!(told(&Actor::system(), &due(), &view, &[Change::PutOrder(o)]).is_empty());
        }
    }

    fn port_out(status: RequestStatus, foc: Option<Timestamp>) -> SupportRequest {
        SupportRequest {
            id: RequestId::from_seq(2),
            category: Category::Technical,
            subject: "port".into(),
            issue: String::new(),
            email: "a@b.c".into(),
            kind: RequestKind::PortOut(PortOut {
                numbers: vec![num(7)],
                product_type: ProductType::VoiceConnector,
            }),
            status,
            thread: Vec::new(),
            loas: Vec::new(),
            foc_date: foc,
            port_out_account: None,
            port_out_pin: None,
            next_step_at: None,
            created_at: T,
            updated_at: T,
        }
    }

    #[test]
    fn a_port_request_tells_its_status_its_date_and_its_completion() {
        let step = Action::RunDue(Due {
            at: T,
            task: Task::SupportStep(RequestId::from_seq(2)),
        });
        let date = T.plus(Duration::from_secs(86_400));
        let cases = [
            (
                port_out(RequestStatus::Submitted, None),
                port_out(RequestStatus::PendingDocuments, None),
                NoticeKind::PortStatus,
                "req-2 (port out) moved from Submitted to PendingDocuments.",
            ),
            (
                port_out(RequestStatus::PendingDocuments, None),
                port_out(RequestStatus::Foc, Some(date)),
                NoticeKind::PortDate,
                "req-2 (port out) has its port date (FOC).",
            ),
            (
                port_out(RequestStatus::Foc, Some(date)),
                port_out(RequestStatus::Completed, Some(date)),
                NoticeKind::PortCompleted,
                "req-2 (port out) is complete.",
            ),
        ];
        for (old, new, kind, words) in cases {
            let mut view = MemoryView::default();
            view.requests.insert(old.id.clone(), old);
            let n = told(
                &Actor::system(),
                &step,
                &view,
                &[Change::PutRequest(new.clone())],
            );
            assert_eq!(n.len(), 1, "{kind:?}");
            assert_eq!((n[0].kind, n[0].words.as_str()), (kind, words));
            assert_eq!(n[0].request, Some(RequestId::from_seq(2)));
            assert_eq!(n[0].numbers, vec![num(7)]);
            assert_eq!(n[0].status, Some(new.status.label()));
            assert_eq!(n[0].when, (kind == NoticeKind::PortDate).then_some(date));
        }
        // A new request, a reply without a move, and a plain request: nothing.
        let view = MemoryView::default();
        let new = port_out(RequestStatus::Submitted, None);
        assert!(told(
            &Actor::admin("a"),
            &step,
            &view,
            &[Change::PutRequest(new.clone())]
        )
        .is_empty());
        let mut view = MemoryView::default();
        view.requests.insert(new.id.clone(), new.clone());
        let mut replied = new.clone();
        replied.updated_at = T.plus(Duration::from_secs(5));
        assert!(told(
            &Actor::admin("a"),
            &step,
            &view,
            &[Change::PutRequest(replied)]
        )
        .is_empty());
        let mut plain = new.clone();
        plain.kind = RequestKind::Other;
        view.requests.insert(plain.id.clone(), plain.clone());
        plain.status = RequestStatus::Answered;
        assert!(told(&Actor::system(), &step, &view, &[Change::PutRequest(plain)]).is_empty());
    }

    #[test]
    fn a_calling_name_tells_when_it_lands_or_fails() {
        let name = CallingName::parse("Example Corp").unwrap();
        let mut asked = number(1, NumberStatus::Unassigned);
        asked
            .calling_name
            .request(name.clone(), T, T.plus(Duration::from_secs(60)));
        let mut view = MemoryView::default();
        view.numbers.insert(asked.number.clone(), asked.clone());
        let step = Action::RunDue(Due {
            at: T,
            task: Task::CompleteNumberName(num(1)),
        });

        let mut landed = asked.clone();
        landed.calling_name.complete();
        let n = told(&Actor::system(), &step, &view, &[Change::PutNumber(landed)]);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].kind, NoticeKind::NameLanded);
        assert_eq!(
            n[0].words,
            "+12065550001's calling name is now “Example Corp”."
        );
        assert_eq!(n[0].numbers, vec![num(1)]);

        let mut failed = asked.clone();
        failed.calling_name.pending = None;
        failed.calling_name.status = CallingNameStatus::UpdateFailed;
        let n = told(
            &Actor::carrier(),
            &step,
            &view,
            &[Change::PutNumber(failed)],
        );
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].kind, NoticeKind::NameFailed);
        assert_eq!(n[0].status, Some("UpdateFailed"));

        // The default name, in the settings.
        let mut settings = Settings::default();
        settings
            .default_calling_name
            .request(name, T, T.plus(Duration::from_secs(60)));
        view.settings = settings.clone();
        settings.default_calling_name.complete();
        let n = told(
            &Actor::system(),
            &step,
            &view,
            &[Change::PutSettings(settings)],
        );
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].kind, NoticeKind::NameLanded);
        assert_eq!(
            n[0].words,
            "The default calling name is now “Example Corp”."
        );
        assert!(n[0].numbers.is_empty());

        // Asking for a name is not its landing.
        let plain = number(1, NumberStatus::Unassigned);
        let mut view = MemoryView::default();
        view.numbers.insert(plain.number.clone(), plain);
        assert!(told(
            &Actor::admin("a"),
            &step,
            &view,
            &[Change::PutNumber(asked)]
        )
        .is_empty());
    }

    #[test]
    fn a_carrier_sync_that_changes_numbers_tells_they_changed_outside() {
        let before = number(1, NumberStatus::Unassigned);
        let mut view = MemoryView::default();
        view.numbers.insert(before.number.clone(), before.clone());
        view.numbers
            .insert(num(2), number(2, NumberStatus::Unassigned));
        let mut labelled = before.clone();
        labelled.label = Some("front desk".into());
        labelled.updated_at = T.plus(Duration::from_secs(1));
        let mut touched = number(2, NumberStatus::Unassigned);
        touched.updated_at = T.plus(Duration::from_secs(1));
        let sync = Action::SyncNumbers {
            numbers: Vec::new(),
        };
        let changes = [
            Change::PutNumber(labelled.clone()),
            Change::PutNumber(touched),
            Change::RemoveNumber(num(9)),
        ];
        let n = told(&Actor::carrier(), &sync, &view, &changes);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].kind, NoticeKind::ChangedOutside);
        assert_eq!(n[0].numbers, vec![num(1)], "only a real difference counts");
        assert_eq!(n[0].words, "+12065550001 changed outside phonedesk.");

        let gone = Action::SyncGone {
            numbers: vec![num(1), num(2)],
        };
        let n = told(
            &Actor::carrier(),
            &gone,
            &view,
            &[Change::RemoveNumber(num(1)), Change::RemoveNumber(num(2))],
        );
        assert_eq!(n[0].words, "2 numbers changed outside phonedesk.");

        // The same change by an administrator, or by the carrier's answer to a job, is
        // phonedesk's own.
        let label = Action::SetLabel {
            number: num(1),
            label: None,
        };
        assert!(told(
            &Actor::admin("a"),
            &label,
            &view,
            &[Change::PutNumber(labelled.clone())]
        )
        .is_empty());
        let answer = Action::RefreshOrder {
            order: OrderId::from_seq(1),
        };
        assert!(told(
            &Actor::carrier(),
            &answer,
            &view,
            &[Change::PutNumber(labelled)]
        )
        .is_empty());
    }

    #[test]
    fn the_inventory_is_told_once_when_it_crosses_ninety_percent() {
        let n = near_limit(22, 23, 25).unwrap();
        assert_eq!(n.kind, NoticeKind::NearLimit);
        assert_eq!(n.words, "The inventory holds 23 of its 25 numbers (92%).");
        assert_eq!((n.held, n.limit), (Some(23), Some(25)));
        assert!(near_limit(0, 25, 25).is_some());
        assert!(near_limit(23, 24, 25).is_none(), "already there");
        assert!(near_limit(10, 22, 25).is_none(), "not there yet");
        assert!(near_limit(24, 20, 25).is_none(), "going down");
        assert!(near_limit(89, 90, 100).is_some());
    }

    #[test]
    fn a_purge_within_a_day_is_told_unless_restored() {
        let at = T.plus(Duration::from_secs(3600));
        let deleted = number(
            4,
            NumberStatus::DeleteInProgress {
                deleted_at: T,
                restorable_until: at,
            },
        );
        let n = purge_soon(&deleted, at, T).unwrap();
        assert_eq!(n.kind, NoticeKind::PurgeSoon);
        assert_eq!(
            n.words,
            "+12065550004 is purged in 1 h 0 m unless it is restored."
        );
        assert_eq!(n.when, Some(at));
        assert_eq!(n.numbers, vec![num(4)]);
        // Two days away, already past, an old purge of a number deleted again later, or
        // a restored number: nothing.
        let far = T.plus(Duration::from_secs(2 * 86_400));
        assert!(purge_soon(&deleted, at, far).is_none());
        assert!(purge_soon(&deleted, at, T.minus(Duration::from_secs(2 * 86_400))).is_none());
        assert!(purge_soon(&deleted, T.plus(Duration::from_secs(60)), T).is_none());
        assert!(purge_soon(&number(4, NumberStatus::Unassigned), at, T).is_none());
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.name()), Some(k));
        }
        assert_eq!(
            NoticeKind::parse(" Order-Failed "),
            Some(NoticeKind::OrderFailed)
        );
        assert_eq!(NoticeKind::parse("order-done"), None);
    }
}
