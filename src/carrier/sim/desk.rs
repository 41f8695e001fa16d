//! The simulated carrier's support desk, as AWS Support's case API (`SupportCases`): cases
//! with their threads and attachment sets, persisted with the rest of the simulation. It
//! reads a case as a person at Support would (the numbers on its first line, the port
//! form's fields) and answers with the simulated desk's own rules and words
//! (`SimulatedCarrier`'s `Desk` answers, `desk_text`): a reply after the support response
//! time, a porting order at the carrier (pending documents, then FOC with its date once
//! the LOA is in, complete on that date), a cancellation when asked.
//!
//! Lazy time, as the rest of the simulation: the desk's due steps are carried out when the
//! carrier is next read (`settle_desk`).

use super::records::NumberRec;
use super::SimCarrier;
use crate::carrier::api::{CarrierError, CarrierOrder, CarrierOrderStatus, CarrierResult, Page};
use crate::carrier::support::{
    AttachmentSet, CaseAttachment, CaseMessage, CaseQuery, NewCase, SupportCase, SupportCases,
    SupportCategory, SupportService, PORT_IN_CATEGORY, PORT_OUT_CATEGORY,
};
use crate::domain::{
    case_numbers, desk_text, Category, Desk, OrderType, OrderedNumberStatus, PortIn, ProductType,
    RequestId, RequestKind, RequestStatus, SupportRequest, Timestamp, E164,
};
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// The service and categories the simulated Support lists (`DescribeServices`).
pub const SERVICE_CODE: &str = "chime-sdk-number-management";
pub const SERVICE_NAME: &str = "Chime SDK (Number Management)";
const PORT_IN_CODE: &str = "phone-number-port-in";
const PORT_OUT_CODE: &str = "phone-number-port-out";
const GENERAL_CODE: &str = "general-guidance";

/// Who writes for the desk, as AWS Support signs its messages.
const AWS: &str = "Amazon Web Services";

/// An attachment set lives an hour (AWS Support's rule).
const SET_LIFE: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum CaseKind {
    PortIn,
    PortOut,
    Other,
}

/// What the desk does next on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Step {
    /// Read a new case: answer it (and make the porting order).
    Review,
    /// Read the LOA attached.
    CheckLoa,
    /// Cancel the port.
    Cancel,
    /// Answer a plain case's new message.
    Answer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct MessageRec {
    pub body: String,
    pub by: String,
    pub at: Timestamp,
    pub attachments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CaseRec {
    pub id: String,
    pub display_id: u64,
    pub subject: String,
    pub service_code: String,
    pub category_code: String,
    pub kind: CaseKind,
    pub status: String,
    pub created_at: Timestamp,
    /// The first message is the case's body.
    pub messages: Vec<MessageRec>,
    pub next_step: Option<(Timestamp, Step)>,
    /// The porting order the desk made for it.
    pub port: Option<String>,
}

/// A porting order, as Support makes it at the carrier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PortRec {
    pub id: String,
    pub product_type: ProductType,
    pub numbers: Vec<E164>,
    pub outgoing: bool,
    pub status: CarrierOrderStatus,
    pub foc_date: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The numbers moved (in or out) when the port completed.
    pub settled: bool,
}

impl PortRec {
    /// FOC turns into success on the port date.
    fn status_at(&self, now: Timestamp) -> CarrierOrderStatus {
        match (self.status, self.foc_date) {
            (CarrierOrderStatus::Foc, Some(d)) if now >= d => CarrierOrderStatus::Successful,
            (s, _) => s,
        }
    }

    pub fn view(&self, now: Timestamp) -> CarrierOrder {
        let status = self.status_at(now);
        let each = match status {
            CarrierOrderStatus::Successful => OrderedNumberStatus::Acquired,
            CarrierOrderStatus::Cancelled | CarrierOrderStatus::Exception => {
                OrderedNumberStatus::Failed
            }
            _ => OrderedNumberStatus::Processing,
        };
        CarrierOrder {
            id: self.id.clone(),
            order_type: OrderType::Porting,
            product_type: self.product_type,
            status,
            numbers: self.numbers.iter().map(|n| (n.clone(), each)).collect(),
            created_at: Some(self.created_at),
            updated_at: Some(self.updated_at),
            foc_date: self.foc_date.map(|d| d.to_string_utc_date()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AttachmentSetRec {
    pub id: String,
    pub files: Vec<String>,
    pub expires_at: Timestamp,
}

trait UtcDate {
    fn to_string_utc_date(&self) -> String;
}

impl UtcDate for Timestamp {
    /// The API writes `FocDate` as an ISO 8601 time.
    fn to_string_utc_date(&self) -> String {
        jiff::Timestamp::from_millisecond(self.0)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }
}

/// A port-in form read back from the case's text (the lines `port_in_issue` writes).
fn port_in_from(body: &str) -> PortIn {
    let field = |name: &str| {
        body.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    let numbers = case_numbers(body);
    PortIn {
        btn: field("Billing telephone number:")
            .and_then(|b| E164::parse(&b).ok())
            .or_else(|| numbers.first().cloned())
            .unwrap_or_else(|| E164::nanp(206, 555, 100)),
        numbers,
        product_type: ProductType::VoiceConnector,
        authorizing_person: field("Authorizing person:").unwrap_or_default(),
        current_carrier: field("Current carrier:").filter(|c| c != "unknown"),
        service_account_number: None,
        service_pin: None,
        service_address: field("Service address:").unwrap_or_default(),
        customer_name: field("Customer name:").unwrap_or_default(),
        requested_at: Timestamp(0),
        voice_connector: None,
    }
}

fn product_of(body: &str) -> ProductType {
    let first = body.lines().next().unwrap_or("");
    ProductType::ALL
        .into_iter()
        .find(|p| first.contains(&format!("({p})")))
        .unwrap_or(ProductType::VoiceConnector)
}

impl SimCarrier {
    /// Sets whether the account's support plan allows the Support API: without one, every
    /// Support call is answered `SubscriptionRequiredException`.
    pub fn set_support_plan(&self, allowed: bool) {
        self.no_support_plan.store(!allowed, Ordering::SeqCst);
    }

    async fn support_call<T>(
        &self,
        op: &'static str,
        f: impl FnOnce(&Self, Timestamp) -> CarrierResult<T>,
    ) -> CarrierResult<T> {
        if self.no_support_plan.load(Ordering::SeqCst) {
            *self.lock_calls().entry(op.to_string()).or_default() += 1;
            return Err(CarrierError::SubscriptionRequired);
        }
        self.call(op, |s, now| {
            s.settle_desk(now)?;
            f(s, now)
        })
        .await
    }

    fn case_or_not_found(&self, id: &str) -> CarrierResult<CaseRec> {
        self.db
            .case(id)?
            .ok_or_else(|| CarrierError::NotFound(format!("support case {id}")))
    }

    fn response(&self) -> Duration {
        self.settings.policy.support_response
    }

    /// Carries out the desk's steps that fell due by `now`, and completes ports whose date
    /// came.
    pub(super) fn settle_desk(&self, now: Timestamp) -> CarrierResult<()> {
        let _w = self.lock();
        let cases = self.db.cases()?;
        let ports = self.db.ports()?;
        let due = cases
            .iter()
            .any(|c| c.next_step.is_some_and(|(at, _)| at <= now));
        let ending = ports
            .iter()
            .any(|p| !p.settled && p.status_at(now) == CarrierOrderStatus::Successful);
        if !due && !ending {
            return Ok(());
        }
        let mut meta = self.db.meta()?.unwrap_or_default();
        let mut w = self.db.writer();
        for mut case in cases {
            let Some((at, step)) = case.next_step else {
                continue;
            };
            if at > now {
                continue;
            }
            case.next_step = None;
            self.step(&mut case, step, at, &mut meta, &mut w)?;
            w.put_case(&case);
        }
        // Ports completed on their date: the numbers arrive or leave.
        for mut p in self.db.ports()? {
            if p.settled || p.status_at(now) != CarrierOrderStatus::Successful {
                continue;
            }
            let at = p.foc_date.unwrap_or(now);
            for n in &p.numbers {
                if p.outgoing {
                    w.remove_number(n);
                } else {
                    w.put_number(&NumberRec {
                        number: n.clone(),
                        product_type: p.product_type,
                        order_id: Some(p.id.clone()),
                        acquired_at: at,
                        acquire_ok: true,
                        associations: Vec::new(),
                        calling_name: None,
                        name_update: None,
                        name: None,
                        created_at: at,
                        updated_at: at,
                        deleted_at: None,
                    });
                }
            }
            p.settled = true;
            p.status = CarrierOrderStatus::Successful;
            p.updated_at = at;
            w.put_port(&p);
        }
        w.put_meta(&meta);
        w.commit()
    }

    fn reply(case: &mut CaseRec, at: Timestamp, text: String) {
        case.messages.push(MessageRec {
            body: text,
            by: AWS.into(),
            at,
            attachments: Vec::new(),
        });
    }

    /// One step of the desk on a case, at `at`.
    fn step(
        &self,
        case: &mut CaseRec,
        step: Step,
        at: Timestamp,
        meta: &mut super::records::Meta,
        w: &mut super::store::Writer<'_>,
    ) -> CarrierResult<()> {
        let body = case
            .messages
            .first()
            .map(|m| m.body.clone())
            .unwrap_or_default();
        let request = RequestId(case.id.clone());
        let policy = &self.settings.policy;
        let mut port = match &case.port {
            Some(id) => self.db.port(id)?,
            None => None,
        };
        match (step, case.kind) {
            (Step::Review, CaseKind::PortIn) => {
                let form = port_in_from(&body);
                let (status, text) = match self.desk.review_port_in(&form) {
                    Ok(text) => (CarrierOrderStatus::PendingDocuments, text),
                    Err(text) => (CarrierOrderStatus::Exception, text),
                };
                Self::reply(case, at, text);
                case.status = "pending-customer-action".into();
                port = Some(PortRec {
                    id: self.guid(meta, "port"),
                    product_type: product_of(&body),
                    numbers: form.numbers,
                    outgoing: false,
                    status,
                    foc_date: None,
                    created_at: at,
                    updated_at: at,
                    settled: false,
                });
            }
            (Step::Review, CaseKind::PortOut) => {
                let (account, _pin) = self.desk.port_out_credentials(&request);
                let date = self.desk.port_date(&request, at, policy);
                Self::reply(case, at, desk_text::port_out_credentials(&account, date));
                case.status = "work-in-progress".into();
                port = Some(PortRec {
                    id: self.guid(meta, "port"),
                    product_type: product_of(&body),
                    numbers: case_numbers(&body),
                    outgoing: true,
                    status: CarrierOrderStatus::Foc,
                    foc_date: Some(date),
                    created_at: at,
                    updated_at: at,
                    settled: false,
                });
            }
            (Step::Review | Step::Answer, CaseKind::Other) => {
                let asked = case
                    .messages
                    .iter()
                    .rev()
                    .find(|m| m.by != AWS)
                    .map(|m| m.body.clone())
                    .unwrap_or_default();
                let r = plain_request(&request, &case.subject, &asked, at);
                Self::reply(case, at, self.desk.answer(&r));
                case.status = "pending-customer-action".into();
            }
            (Step::CheckLoa, CaseKind::PortIn) => {
                if let Some(p) = port.as_mut() {
                    let date = self.desk.port_date(&request, at, policy);
                    p.status = CarrierOrderStatus::Foc;
                    p.foc_date = Some(date);
                    p.updated_at = at;
                    Self::reply(case, at, desk_text::loa_accepted(date));
                    case.status = "work-in-progress".into();
                }
            }
            (Step::Cancel, _) => {
                if let Some(p) = port.as_mut() {
                    p.status = CarrierOrderStatus::Cancelled;
                    p.updated_at = at;
                }
                Self::reply(case, at, desk_text::CANCELLED.into());
                case.status = "resolved".into();
            }
            _ => {}
        }
        if let Some(p) = port {
            case.port = Some(p.id.clone());
            w.put_port(&p);
        }
        Ok(())
    }
}

/// A plain request as the desk's `answer` reads it.
fn plain_request(id: &RequestId, subject: &str, issue: &str, at: Timestamp) -> SupportRequest {
    SupportRequest {
        id: id.clone(),
        category: Category::General,
        subject: subject.to_string(),
        issue: issue.to_string(),
        email: String::new(),
        kind: RequestKind::Other,
        status: RequestStatus::Submitted,
        thread: Vec::new(),
        loas: Vec::new(),
        foc_date: None,
        port_out_account: None,
        port_out_pin: None,
        next_step_at: None,
        created_at: at,
        updated_at: at,
    }
}

fn case_view(c: &CaseRec) -> SupportCase {
    SupportCase {
        id: c.id.clone(),
        display_id: Some(c.display_id.to_string()),
        subject: c.subject.clone(),
        status: c.status.clone(),
        service_code: Some(c.service_code.clone()),
        category_code: Some(c.category_code.clone()),
        created_at: Some(c.created_at),
        submitted_by: c.messages.first().map(|m| m.by.clone()),
    }
}

/// Names of the Support operations, for the call counts.
pub mod ops {
    pub const DESCRIBE_SERVICES: &str = "DescribeServices";
    pub const CREATE_CASE: &str = "CreateCase";
    pub const ADD_ATTACHMENTS: &str = "AddAttachmentsToSet";
    pub const ADD_COMMUNICATION: &str = "AddCommunicationToCase";
    pub const DESCRIBE_COMMUNICATIONS: &str = "DescribeCommunications";
    pub const DESCRIBE_CASES: &str = "DescribeCases";
    pub const RESOLVE_CASE: &str = "ResolveCase";
}

#[async_trait::async_trait]
impl SupportCases for SimCarrier {
    async fn describe_services(&self) -> CarrierResult<Vec<SupportService>> {
        self.support_call(ops::DESCRIBE_SERVICES, |_, _| {
            let cat = |code: &str, name: &str| SupportCategory {
                code: code.into(),
                name: name.into(),
            };
            Ok(vec![SupportService {
                code: SERVICE_CODE.into(),
                name: SERVICE_NAME.into(),
                categories: vec![
                    cat(GENERAL_CODE, "General guidance"),
                    cat(PORT_IN_CODE, PORT_IN_CATEGORY),
                    cat(PORT_OUT_CODE, PORT_OUT_CATEGORY),
                ],
            }])
        })
        .await
    }

    async fn create_case(&self, new: &NewCase) -> CarrierResult<String> {
        self.support_call(ops::CREATE_CASE, |s, now| {
            if new.subject.trim().is_empty() || new.body.trim().is_empty() {
                return Err(CarrierError::BadRequest(
                    "a case needs a subject and a communication body".into(),
                ));
            }
            if new.service_code != SERVICE_CODE {
                return Err(CarrierError::BadRequest(format!(
                    "{} is not a service code DescribeServices lists",
                    new.service_code
                )));
            }
            let kind = match new.category_code.as_str() {
                PORT_IN_CODE => CaseKind::PortIn,
                PORT_OUT_CODE => CaseKind::PortOut,
                GENERAL_CODE => CaseKind::Other,
                other => {
                    return Err(CarrierError::BadRequest(format!(
                        "{other} is not a category of {SERVICE_CODE}"
                    )))
                }
            };
            let _w = s.lock();
            let mut meta = s.db.meta()?.unwrap_or_default();
            meta.seq += 1;
            let display_id = 17_000_000_000 + meta.seq;
            let id = format!("case-123456789012-sim-{display_id}");
            let mut files = Vec::new();
            if let Some(set) = &new.attachment_set_id {
                files = s.live_set(set, now)?.files;
            }
            let case = CaseRec {
                id: id.clone(),
                display_id,
                subject: new.subject.clone(),
                service_code: new.service_code.clone(),
                category_code: new.category_code.clone(),
                kind,
                status: "opened".into(),
                created_at: now,
                messages: vec![MessageRec {
                    body: new.body.clone(),
                    by: "phonedesk".into(),
                    at: now,
                    attachments: files,
                }],
                next_step: Some((now.plus(s.response()), Step::Review)),
                port: None,
            };
            let mut w = s.db.writer();
            w.put_case(&case);
            w.put_meta(&meta);
            w.commit()?;
            Ok(id)
        })
        .await
    }

    async fn add_attachments(
        &self,
        set_id: Option<&str>,
        files: &[CaseAttachment],
    ) -> CarrierResult<AttachmentSet> {
        self.support_call(ops::ADD_ATTACHMENTS, |s, now| {
            if files.is_empty() || files.len() > 3 {
                return Err(CarrierError::BadRequest(
                    "an attachment set takes one to three files".into(),
                ));
            }
            if let Some(f) = files.iter().find(|f| f.data.len() > 5 * 1024 * 1024) {
                return Err(CarrierError::BadRequest(format!(
                    "{} is larger than 5 MB",
                    f.file_name
                )));
            }
            let _w = s.lock();
            let mut set = match set_id {
                Some(id) => s.live_set(id, now)?,
                None => {
                    let mut meta = s.db.meta()?.unwrap_or_default();
                    let id = s.guid(&mut meta, "attachments");
                    let mut w = s.db.writer();
                    w.put_meta(&meta);
                    w.commit()?;
                    AttachmentSetRec {
                        id,
                        files: Vec::new(),
                        expires_at: now.plus(SET_LIFE),
                    }
                }
            };
            if set.files.len() + files.len() > 3 {
                return Err(CarrierError::BadRequest(
                    "an attachment set holds three files at most".into(),
                ));
            }
            set.files.extend(files.iter().map(|f| f.file_name.clone()));
            let mut w = s.db.writer();
            w.put_attachment_set(&set);
            w.commit()?;
            Ok(AttachmentSet {
                id: set.id,
                expires_at: Some(set.expires_at),
            })
        })
        .await
    }

    async fn add_communication(
        &self,
        case_id: &str,
        body: &str,
        attachment_set_id: Option<&str>,
    ) -> CarrierResult<()> {
        self.support_call(ops::ADD_COMMUNICATION, |s, now| {
            let _w = s.lock();
            let mut case = s.case_or_not_found(case_id)?;
            if case.status == "resolved" {
                return Err(CarrierError::BadRequest(format!(
                    "support case {case_id} is resolved"
                )));
            }
            let files = match attachment_set_id {
                Some(set) => s.live_set(set, now)?.files,
                None => Vec::new(),
            };
            let next = now.plus(s.response());
            let port = match &case.port {
                Some(id) => s.db.port(id)?,
                None => None,
            };
            if body.trim() == desk_text::ASK_CANCEL {
                case.next_step = Some((next, Step::Cancel));
                if let Some(mut p) = port {
                    p.status = CarrierOrderStatus::CancelRequested;
                    p.updated_at = now;
                    let mut w = s.db.writer();
                    w.put_port(&p);
                    w.commit()?;
                }
            } else if !files.is_empty() && case.kind == CaseKind::PortIn {
                if port.is_some() {
                    case.next_step = Some((next, Step::CheckLoa));
                }
            } else if case.kind == CaseKind::Other {
                case.next_step = Some((next, Step::Answer));
            }
            case.status = "customer-action-completed".into();
            case.messages.push(MessageRec {
                body: body.to_string(),
                by: "phonedesk".into(),
                at: now,
                attachments: files,
            });
            let mut w = s.db.writer();
            w.put_case(&case);
            w.commit()
        })
        .await
    }

    async fn describe_communications(
        &self,
        case_id: &str,
        next: Option<&str>,
    ) -> CarrierResult<Page<CaseMessage>> {
        self.support_call(ops::DESCRIBE_COMMUNICATIONS, |s, _| {
            let case = s.case_or_not_found(case_id)?;
            let start: usize = next.and_then(|t| t.parse().ok()).unwrap_or(0);
            let size = s.settings.page_size.max(1);
            // Newest first, as AWS Support lists them.
            let all: Vec<&MessageRec> = case.messages.iter().rev().collect();
            let items = all
                .iter()
                .skip(start)
                .take(size)
                .map(|m| CaseMessage {
                    body: m.body.clone(),
                    submitted_by: m.by.clone(),
                    created_at: Some(m.at),
                    attachments: m.attachments.clone(),
                })
                .collect();
            Ok(Page {
                items,
                next: (start + size < all.len()).then(|| (start + size).to_string()),
            })
        })
        .await
    }

    async fn describe_cases(&self, q: &CaseQuery) -> CarrierResult<Page<SupportCase>> {
        self.support_call(ops::DESCRIBE_CASES, |s, _| {
            if q.case_ids.len() > 100 {
                return Err(CarrierError::BadRequest(
                    "DescribeCases takes 100 case ids at most".into(),
                ));
            }
            let mut found = Vec::new();
            for c in s.db.cases()? {
                if !q.case_ids.is_empty() && !q.case_ids.contains(&c.id) {
                    continue;
                }
                if !q.include_resolved && c.status == "resolved" {
                    continue;
                }
                found.push(case_view(&c));
            }
            let start: usize = q.next.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
            let size = s.settings.page_size.max(1);
            let more = start + size < found.len();
            Ok(Page {
                items: found.into_iter().skip(start).take(size).collect(),
                next: more.then(|| (start + size).to_string()),
            })
        })
        .await
    }

    async fn resolve_case(&self, case_id: &str) -> CarrierResult<String> {
        self.support_call(ops::RESOLVE_CASE, |s, _| {
            let _w = s.lock();
            let mut case = s.case_or_not_found(case_id)?;
            let initial = case.status.clone();
            case.status = "resolved".into();
            case.next_step = None;
            let mut w = s.db.writer();
            w.put_case(&case);
            w.commit()?;
            let _ = initial;
            Ok("resolved".to_string())
        })
        .await
    }
}

impl SimCarrier {
    fn live_set(&self, id: &str, now: Timestamp) -> CarrierResult<AttachmentSetRec> {
        match self.db.attachment_set(id)? {
            Some(set) if now < set.expires_at => Ok(set),
            Some(_) => Err(CarrierError::BadRequest(format!(
                "attachment set {id} expired (a set lives one hour)"
            ))),
            None => Err(CarrierError::NotFound(format!("attachment set {id}"))),
        }
    }
}
