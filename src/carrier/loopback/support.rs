//! AWS Support's wire protocol (awsJson1_1: `POST /` with `X-Amz-Target:
//! AWSSupport_20130415.<Operation>`, lowerCamel JSON members, errors as `__type`), in front
//! of any `SupportCases`, so `aws-sdk-support` can be pointed at the loopback server.

use super::wire::WireError;
use crate::carrier::api::CarrierError;
use crate::carrier::support::{CaseAttachment, CaseQuery, NewCase, SupportCases};
use crate::domain::Timestamp;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};

/// The target prefix of every Support operation.
pub const TARGET_PREFIX: &str = "AWSSupport_20130415.";

/// The operation a target names (`AWSSupport_20130415.CreateCase` → `CreateCase`).
pub fn operation(target: &str) -> Option<&str> {
    target
        .strip_prefix(TARGET_PREFIX)
        .filter(|op| !op.is_empty())
}

/// An awsJson1_1 error: its exception name, in the header and as `__type`.
pub struct JsonError {
    pub status: u16,
    pub exception: &'static str,
    pub message: String,
}

impl JsonError {
    pub fn body(&self) -> Value {
        json!({ "__type": self.exception, "message": self.message })
    }

    fn invalid(message: impl Into<String>) -> JsonError {
        JsonError {
            status: 400,
            exception: "ValidationException",
            message: message.into(),
        }
    }
}

impl From<CarrierError> for JsonError {
    fn from(e: CarrierError) -> JsonError {
        let (status, exception) = match &e {
            CarrierError::SubscriptionRequired => (400, "SubscriptionRequiredException"),
            CarrierError::NotFound(m) if m.starts_with("attachment set") => {
                (400, "AttachmentSetIdNotFound")
            }
            CarrierError::NotFound(_) => (400, "CaseIdNotFound"),
            CarrierError::Throttled => (400, "ThrottlingException"),
            _ => {
                let w = WireError::from(e.clone());
                let exception = match w.status {
                    500..=599 => "InternalServerError",
                    _ => w.exception,
                };
                (w.status, exception)
            }
        };
        JsonError {
            status,
            exception,
            message: e.to_string(),
        }
    }
}

fn time(t: Option<Timestamp>) -> Value {
    match t.and_then(|t| jiff::Timestamp::from_millisecond(t.0).ok()) {
        Some(t) => Value::String(t.to_string()),
        None => Value::Null,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateCaseIn {
    subject: String,
    communication_body: String,
    service_code: Option<String>,
    category_code: Option<String>,
    severity_code: Option<String>,
    issue_type: Option<String>,
    attachment_set_id: Option<String>,
    #[serde(default)]
    cc_email_addresses: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttachmentIn {
    file_name: String,
    data: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddAttachmentsIn {
    attachment_set_id: Option<String>,
    attachments: Vec<AttachmentIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddCommunicationIn {
    case_id: String,
    communication_body: String,
    attachment_set_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CaseIdIn {
    case_id: String,
    next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeCasesIn {
    #[serde(default)]
    case_id_list: Vec<String>,
    #[serde(default)]
    include_resolved_cases: bool,
    next_token: Option<String>,
}

fn input<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, JsonError> {
    let body = if body.is_empty() {
        b"{}" as &[u8]
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| JsonError::invalid(format!("the request body is not valid: {e}")))
}

/// One Support operation: its JSON answer.
pub async fn handle(
    support: &dyn SupportCases,
    operation: &str,
    body: &[u8],
) -> Result<Value, JsonError> {
    Ok(match operation {
        "DescribeServices" => {
            let services = support.describe_services().await?;
            json!({ "services": services.iter().map(|s| json!({
                "code": s.code, "name": s.name,
                "categories": s.categories.iter().map(|c| json!({"code": c.code, "name": c.name})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>() })
        }
        "CreateCase" => {
            let i: CreateCaseIn = input(body)?;
            let id = support
                .create_case(&NewCase {
                    subject: i.subject,
                    body: i.communication_body,
                    service_code: i.service_code.unwrap_or_default(),
                    category_code: i.category_code.unwrap_or_default(),
                    severity_code: i.severity_code,
                    issue_type: i.issue_type,
                    attachment_set_id: i.attachment_set_id,
                    cc: i.cc_email_addresses,
                })
                .await?;
            json!({ "caseId": id })
        }
        "AddAttachmentsToSet" => {
            let i: AddAttachmentsIn = input(body)?;
            let mut files = Vec::new();
            for a in i.attachments {
                let data = base64::engine::general_purpose::STANDARD
                    .decode(a.data.as_bytes())
                    .map_err(|_| JsonError::invalid("an attachment's data is not base64"))?;
                files.push(CaseAttachment {
                    file_name: a.file_name,
                    data,
                });
            }
            let set = support
                .add_attachments(i.attachment_set_id.as_deref(), &files)
                .await?;
            json!({ "attachmentSetId": set.id, "expiryTime": time(set.expires_at) })
        }
        "AddCommunicationToCase" => {
            let i: AddCommunicationIn = input(body)?;
            support
                .add_communication(
                    &i.case_id,
                    &i.communication_body,
                    i.attachment_set_id.as_deref(),
                )
                .await?;
            json!({ "result": true })
        }
        "DescribeCommunications" => {
            let i: CaseIdIn = input(body)?;
            let page = support
                .describe_communications(&i.case_id, i.next_token.as_deref())
                .await?;
            json!({
                "communications": page.items.iter().map(|m| json!({
                    "caseId": i.case_id, "body": m.body, "submittedBy": m.submitted_by,
                    "timeCreated": time(m.created_at),
                    "attachmentSet": m.attachments.iter().map(|f| json!({"fileName": f})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "nextToken": page.next,
            })
        }
        "DescribeCases" => {
            let i: DescribeCasesIn = input(body)?;
            let page = support
                .describe_cases(&CaseQuery {
                    case_ids: i.case_id_list,
                    include_resolved: i.include_resolved_cases,
                    next: i.next_token,
                })
                .await?;
            json!({
                "cases": page.items.iter().map(|c| json!({
                    "caseId": c.id, "displayId": c.display_id, "subject": c.subject,
                    "status": c.status, "serviceCode": c.service_code,
                    "categoryCode": c.category_code, "submittedBy": c.submitted_by,
                    "timeCreated": time(c.created_at), "language": "en",
                })).collect::<Vec<_>>(),
                "nextToken": page.next,
            })
        }
        "ResolveCase" => {
            let i: CaseIdIn = input(body)?;
            let fin = support.resolve_case(&i.case_id).await?;
            json!({ "initialCaseStatus": "opened", "finalCaseStatus": fin })
        }
        other => {
            return Err(JsonError {
                status: 400,
                exception: "UnknownOperationException",
                message: format!("{other} is not an operation this server serves"),
            })
        }
    })
}
