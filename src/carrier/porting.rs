//! Porting and support requests through the carrier's support desk (AWS Support cases):
//! the calls a support job makes, how a job that may have reached Support is found again
//! (never a second case), and the sync of cases and porting orders into the requests.

use super::api::{CarrierApi, CarrierError, CarrierResult, Page};
use super::support::{
    find_port_codes, CaseAttachment, CaseQuery, NewCase, PortCodes, SupportCase, SupportCases,
};
use crate::domain::{
    case_mark, case_text, desk_text, loa_document, Action, Author, CarrierOrder,
    CarrierOrderStatus, CaseProgress, Job, JobAnswer, Loa, LoaFile, NewRequest, OrderType, Reply,
    RequestKind, RequestStatus, SupportRequest, Timestamp,
};
use crate::engine::Engine;
use std::sync::Arc;

/// The signed LOA document, read whole from the administrator's machine (AWS Support
/// takes 5 MB per file); the refusal in plain words. Used by the CLI and the console.
pub fn read_loa_file(path: &std::path::Path) -> Result<LoaFile, String> {
    let shown = crate::text::one_line(&path.display().to_string()).into_owned();
    let words = |e: std::io::Error| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "there is no such file",
            std::io::ErrorKind::PermissionDenied => "permission denied",
            std::io::ErrorKind::IsADirectory => "it is a directory",
            _ => "it could not be read",
        };
        format!("cannot read the LOA file {shown}: {why}")
    };
    let size = std::fs::metadata(path).map_err(words)?.len();
    if path.is_dir() {
        return Err(format!(
            "cannot read the LOA file {shown}: it is a directory"
        ));
    }
    if size as usize > crate::domain::LOA_FILE_MAX {
        return Err(format!(
            "the LOA file {shown} is larger than the 5 MB AWS Support takes"
        ));
    }
    let data = std::fs::read(path).map_err(words)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "loa".into());
    Ok(LoaFile { name, data })
}

/// Support's cases for a job: the carrier has a support desk, or says why not.
fn desk(api: &dyn CarrierApi) -> CarrierResult<&dyn SupportCases> {
    api.support()
        .ok_or_else(|| CarrierError::BadRequest(format!("{} has no support desk", api.describe())))
}

fn local_request(engine: &Engine, job: &Job) -> CarrierResult<SupportRequest> {
    let id = job
        .request()
        .ok_or_else(|| CarrierError::BadRequest("the job names no support request".into()))?;
    engine
        .store()
        .request(&id)
        .ok()
        .flatten()
        .ok_or_else(|| CarrierError::NotFound(format!("support request {id} here")))
}

/// The case a request was filed as.
fn case_of(engine: &Engine, r: &SupportRequest) -> CarrierResult<String> {
    engine.store().carrier_id(&r.id.0).ok_or_else(|| {
        CarrierError::NotFound(format!(
            "case for {} (it was not filed at AWS Support yet: retry or cancel its job)",
            r.id
        ))
    })
}

/// The service and category codes for a request: port cases by `DescribeServices` (or
/// the config); plain requests under the same service, in its general category.
async fn codes_for(
    support: &dyn SupportCases,
    r: &SupportRequest,
) -> CarrierResult<(String, String)> {
    let services = support.describe_services().await?;
    let codes: PortCodes = find_port_codes(&services, &support.code_overrides())
        .map_err(|e| CarrierError::BadRequest(e.to_string()))?;
    let category = match &r.kind {
        RequestKind::PortIn(_) => codes.port_in_category.clone(),
        RequestKind::PortOut(_) => codes.port_out_category.clone(),
        RequestKind::Other => services
            .iter()
            .find(|s| s.code == codes.service_code)
            .and_then(|s| {
                s.categories.iter().find(|c| {
                    let n = c.name.to_lowercase();
                    n.contains("general") || n.contains("other")
                })
            })
            .map(|c| c.code.clone())
            .unwrap_or(codes.port_in_category.clone()),
    };
    Ok((codes.service_code, category))
}

/// The LOA's document: the administrator's file, or the LOA written out.
fn loa_files(r: &SupportRequest, loa: &Loa, file: Option<&LoaFile>) -> Vec<CaseAttachment> {
    match file {
        Some(f) => vec![CaseAttachment {
            file_name: f.name.clone(),
            data: f.data.clone(),
        }],
        None => vec![CaseAttachment {
            file_name: format!("LOA-{}.txt", r.id),
            data: loa_document(r, loa).into_bytes(),
        }],
    }
}

fn loa_message(r: &SupportRequest, loa: &Loa) -> String {
    format!(
        "The LOA for {} is attached (current carrier {}, authorized by {}).",
        r.id, loa.carrier, loa.authorizing_person
    )
}

/// What a support job writes on its case, if it writes a message.
fn message_of(r: &SupportRequest, action: &Action) -> Option<String> {
    match action {
        Action::Reply { text, .. } => Some(text.clone()),
        Action::CancelRequest { .. } => Some(desk_text::ASK_CANCEL.to_string()),
        Action::SubmitLoa { loa, .. } | Action::SubmitLoaFile { loa, .. } => {
            Some(loa_message(r, loa))
        }
        _ => None,
    }
}

/// True for the jobs this module sends.
pub fn is_support(action: &Action) -> bool {
    matches!(
        action,
        Action::SubmitRequest(_)
            | Action::Reply { .. }
            | Action::SubmitLoa { .. }
            | Action::SubmitLoaFile { .. }
            | Action::CancelRequest { .. }
            | Action::CloseRequest { .. }
    )
}

/// Sends a support job's calls.
pub async fn perform(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    job: &Job,
) -> CarrierResult<JobAnswer> {
    let support = desk(api)?;
    let r = local_request(engine, job)?;
    let done = |carrier_ref: Option<String>| JobAnswer::Done {
        failed: Vec::new(),
        carrier_ref,
    };
    match &job.action {
        Action::SubmitRequest(new) => {
            let (service_code, category_code) = codes_for(support, &r).await?;
            let text = case_text(&r);
            let case = support
                .create_case(&NewCase {
                    subject: text.subject,
                    body: text.body,
                    service_code,
                    category_code,
                    severity_code: None,
                    issue_type: Some("customer-service".into()),
                    attachment_set_id: None,
                    cc: match new {
                        NewRequest::Other { email, .. }
                        | NewRequest::PortIn { email, .. }
                        | NewRequest::PortOut { email, .. } => vec![email.trim().to_string()],
                    },
                })
                .await?;
            Ok(done(Some(case)))
        }
        Action::SubmitLoa { loa, .. } | Action::SubmitLoaFile { loa, .. } => {
            let case = case_of(engine, &r)?;
            let file = match &job.action {
                Action::SubmitLoaFile { file, .. } => Some(file),
                _ => None,
            };
            let set = support
                .add_attachments(None, &loa_files(&r, loa, file))
                .await?;
            support
                .add_communication(&case, &loa_message(&r, loa), Some(&set.id))
                .await?;
            Ok(done(None))
        }
        Action::Reply { .. } | Action::CancelRequest { .. } => {
            let case = case_of(engine, &r)?;
            let body = message_of(&r, &job.action).unwrap_or_default();
            support.add_communication(&case, &body, None).await?;
            Ok(done(None))
        }
        Action::CloseRequest { .. } => {
            let case = case_of(engine, &r)?;
            support.resolve_case(&case).await?;
            Ok(done(None))
        }
        other => Ok(JobAnswer::Failed {
            reason: format!("“{}” is not a support request", other.describe()),
        }),
    }
}

/// Every case Support lists (resolved ones too), page by page.
async fn all_cases(
    support: &dyn SupportCases,
    ids: Vec<String>,
) -> CarrierResult<Vec<SupportCase>> {
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let page: Page<SupportCase> = support
            .describe_cases(&CaseQuery {
                case_ids: ids.clone(),
                include_resolved: true,
                next,
            })
            .await?;
        out.extend(page.items);
        match page.next {
            Some(t) => next = Some(t),
            None => return Ok(out),
        }
    }
}

/// A support job that may have reached Support: `Some` when the case or message is
/// there (its answer), `None` when it must be sent (again).
pub async fn resolve(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    job: &Job,
) -> CarrierResult<Option<JobAnswer>> {
    let support = desk(api)?;
    let r = local_request(engine, job)?;
    match &job.action {
        Action::SubmitRequest(_) => {
            // The case carries the request's mark in its subject.
            let mark = case_mark(&r);
            let found = all_cases(support, Vec::new())
                .await?
                .into_iter()
                .find(|c| c.subject.contains(&mark));
            Ok(found.map(|c| JobAnswer::Done {
                failed: Vec::new(),
                carrier_ref: Some(c.id),
            }))
        }
        Action::CloseRequest { .. } => Ok(None), // resolving twice changes nothing
        action => {
            let Some(body) = message_of(&r, action) else {
                return Ok(None);
            };
            let case = case_of(engine, &r)?;
            let thread = all_messages(support, &case).await?;
            let sent = thread.iter().any(|m| m.body.trim() == body.trim());
            Ok(sent.then_some(JobAnswer::Done {
                failed: Vec::new(),
                carrier_ref: None,
            }))
        }
    }
}

async fn all_messages(
    support: &dyn SupportCases,
    case: &str,
) -> CarrierResult<Vec<super::support::CaseMessage>> {
    let mut out = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = support
            .describe_communications(case, next.as_deref())
            .await?;
        out.extend(page.items);
        match page.next {
            Some(t) => next = Some(t),
            None => return Ok(out),
        }
    }
}

/// A porting order's status as a request's (the table in docs/carrier.md).
pub fn request_status(s: CarrierOrderStatus) -> Option<RequestStatus> {
    use CarrierOrderStatus as O;
    Some(match s {
        O::Submitted => RequestStatus::Submitted,
        O::PendingDocuments => RequestStatus::PendingDocuments,
        O::Foc => RequestStatus::Foc,
        O::ChangeRequested => RequestStatus::ChangeRequested,
        O::Exception => RequestStatus::Exception,
        O::CancelRequested => RequestStatus::CancelRequested,
        O::Cancelled => RequestStatus::Cancelled,
        O::Successful => RequestStatus::Completed,
        O::Processing | O::Failed | O::Partial => return None,
    })
}

/// The porting order that carries a request: the newest one naming any of its numbers.
fn order_for<'a>(orders: &'a [CarrierOrder], r: &SupportRequest) -> Option<&'a CarrierOrder> {
    orders
        .iter()
        .filter(|o| o.order_type == OrderType::Porting)
        .filter(|o| o.numbers.iter().any(|(n, _)| r.numbers().contains(n)))
        .max_by_key(|o| o.created_at)
}

/// Reads the carrier's porting orders and each open request's case, as `CaseProgress`
/// for the `SyncRequests` action. Requests not filed at Support are left out.
pub async fn progress(
    engine: &Arc<Engine>,
    api: &dyn CarrierApi,
    orders: &[CarrierOrder],
) -> CarrierResult<Vec<CaseProgress>> {
    let Some(support) = api.support() else {
        return Ok(Vec::new());
    };
    let requests: Vec<SupportRequest> = engine
        .store()
        .requests()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| !r.status.is_final())
        .collect();
    let filed: Vec<(SupportRequest, String)> = requests
        .into_iter()
        .filter_map(|r| engine.store().carrier_id(&r.id.0).map(|c| (r, c)))
        .collect();
    if filed.is_empty() {
        return Ok(Vec::new());
    }
    let mut cases = Vec::new();
    for chunk in filed.chunks(100) {
        let ids = chunk.iter().map(|(_, c)| c.clone()).collect();
        cases.extend(all_cases(support, ids).await?);
    }
    let mut out = Vec::new();
    for (r, case) in filed {
        let body = case_text(&r).body;
        let mut messages = all_messages(support, &case).await?;
        messages.sort_by_key(|m| m.created_at);
        let thread: Vec<Reply> = messages
            .into_iter()
            .filter(|m| m.body.trim() != body.trim())
            .map(|m| {
                let support_wrote = m.submitted_by.contains("Amazon Web Services")
                    || m.submitted_by == desk_text::SUPPORT_NAME;
                Reply {
                    author: if support_wrote {
                        Author::Support
                    } else {
                        Author::Administrator
                    },
                    name: if support_wrote {
                        desk_text::SUPPORT_NAME.to_string()
                    } else {
                        m.submitted_by.clone()
                    },
                    at: m.created_at.unwrap_or(r.created_at),
                    text: m.body,
                }
            })
            .collect();
        let order = match r.kind {
            RequestKind::Other => None,
            _ => order_for(orders, &r),
        };
        out.push(CaseProgress {
            request: r.id.clone(),
            status: order.and_then(|o| request_status(o.status)),
            foc_date: order
                .and_then(|o| o.foc_date.as_deref())
                .and_then(Timestamp::parse),
            thread: Some(thread),
            resolved: cases.iter().any(|c| c.id == case && c.status == "resolved"),
        });
    }
    Ok(out)
}
