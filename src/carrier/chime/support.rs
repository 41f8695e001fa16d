//! `SupportCases` on AWS Support (`aws-sdk-support`), in us-east-1. Every call fails with
//! `SubscriptionRequiredException` without a support plan that allows the API
//! (`CarrierError::SubscriptionRequired`).

use super::convert::{untrusted, untrusted_letter};
use super::errors::carrier_error;
use super::ops::Operation;
use crate::carrier::api::{CarrierError, CarrierResult, Page};
use crate::carrier::support::{
    AttachmentSet, CaseAttachment, CaseMessage, CaseQuery, NewCase, PortCodeOverrides, SupportCase,
    SupportCases, SupportCategory, SupportService,
};
use crate::domain::Timestamp;
use aws_sdk_support::primitives::{Blob, DateTime, DateTimeFormat};
use aws_sdk_support::types::Attachment;

/// AWS Support's case API.
#[derive(Debug, Clone)]
pub struct AwsSupport {
    client: aws_sdk_support::Client,
    overrides: PortCodeOverrides,
}

impl AwsSupport {
    pub fn new(client: aws_sdk_support::Client) -> AwsSupport {
        AwsSupport {
            client,
            overrides: PortCodeOverrides::default(),
        }
    }

    /// The port cases' codes the config sets.
    pub fn with_overrides(mut self, overrides: PortCodeOverrides) -> AwsSupport {
        self.overrides = overrides;
        self
    }
}

/// Support writes times as text (`2026-12-07T05:00:00.000Z`).
fn time(text: Option<&str>) -> Option<Timestamp> {
    let parsed = DateTime::from_str(text?, DateTimeFormat::DateTime).ok()?;
    parsed.to_millis().ok().map(Timestamp::from_millis)
}

fn case_what(id: &str) -> String {
    format!("support case {}", untrusted(id))
}

#[async_trait::async_trait]
impl SupportCases for AwsSupport {
    fn code_overrides(&self) -> PortCodeOverrides {
        self.overrides.clone()
    }

    async fn describe_services(&self) -> CarrierResult<Vec<SupportService>> {
        let out = self
            .client
            .describe_services()
            .language("en")
            .send()
            .await
            .map_err(|e| carrier_error(Operation::DescribeServices, "support services", e))?;
        Ok(out
            .services()
            .iter()
            .filter_map(|s| {
                Some(SupportService {
                    code: untrusted(s.code()?),
                    name: untrusted(s.name().unwrap_or("")),
                    categories: s
                        .categories()
                        .iter()
                        .filter_map(|c| {
                            Some(SupportCategory {
                                code: untrusted(c.code()?),
                                name: untrusted(c.name().unwrap_or("")),
                            })
                        })
                        .collect(),
                })
            })
            .collect())
    }

    async fn create_case(&self, case: &NewCase) -> CarrierResult<String> {
        let mut call = self
            .client
            .create_case()
            .subject(&case.subject)
            .communication_body(&case.body)
            .service_code(&case.service_code)
            .category_code(&case.category_code)
            .language("en")
            .set_severity_code(case.severity_code.clone())
            .set_issue_type(case.issue_type.clone())
            .set_attachment_set_id(case.attachment_set_id.clone());
        for cc in &case.cc {
            call = call.cc_email_addresses(cc);
        }
        let out = call
            .send()
            .await
            .map_err(|e| carrier_error(Operation::CreateCase, "support service", e))?;
        out.case_id()
            .filter(|id| !id.is_empty())
            .map(untrusted)
            .ok_or_else(|| CarrierError::Unreadable("a new case without its id".into()))
    }

    async fn add_attachments(
        &self,
        set_id: Option<&str>,
        files: &[CaseAttachment],
    ) -> CarrierResult<AttachmentSet> {
        let mut call = self
            .client
            .add_attachments_to_set()
            .set_attachment_set_id(set_id.map(str::to_string));
        for file in files {
            call = call.attachments(
                Attachment::builder()
                    .file_name(&file.file_name)
                    .data(Blob::new(file.data.clone()))
                    .build(),
            );
        }
        let out = call
            .send()
            .await
            .map_err(|e| carrier_error(Operation::AddAttachmentsToSet, "attachment set", e))?;
        let id = out
            .attachment_set_id()
            .filter(|id| !id.is_empty())
            .ok_or_else(|| CarrierError::Unreadable("an attachment set without its id".into()))?;
        Ok(AttachmentSet {
            id: untrusted(id),
            expires_at: time(out.expiry_time()),
        })
    }

    async fn add_communication(
        &self,
        case_id: &str,
        body: &str,
        attachment_set_id: Option<&str>,
    ) -> CarrierResult<()> {
        let out = self
            .client
            .add_communication_to_case()
            .case_id(case_id)
            .communication_body(body)
            .set_attachment_set_id(attachment_set_id.map(str::to_string))
            .send()
            .await
            .map_err(|e| {
                carrier_error(Operation::AddCommunicationToCase, &case_what(case_id), e)
            })?;
        if out.result() {
            Ok(())
        } else {
            Err(CarrierError::Unprocessable(format!(
                "AWS Support did not add the message to {}",
                case_what(case_id)
            )))
        }
    }

    async fn describe_communications(
        &self,
        case_id: &str,
        next: Option<&str>,
    ) -> CarrierResult<Page<CaseMessage>> {
        let out = self
            .client
            .describe_communications()
            .case_id(case_id)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| {
                carrier_error(Operation::DescribeCommunications, &case_what(case_id), e)
            })?;
        Ok(Page {
            items: out
                .communications()
                .iter()
                .map(|c| CaseMessage {
                    body: c.body().map(untrusted_letter).unwrap_or_default(),
                    submitted_by: untrusted(c.submitted_by().unwrap_or("")),
                    created_at: time(c.time_created()),
                    attachments: c
                        .attachment_set()
                        .iter()
                        .filter_map(|a| a.file_name())
                        .map(untrusted)
                        .collect(),
                })
                .collect(),
            next: out.next_token().map(str::to_string),
        })
    }

    async fn describe_cases(&self, q: &CaseQuery) -> CarrierResult<Page<SupportCase>> {
        let out = self
            .client
            .describe_cases()
            .set_case_id_list((!q.case_ids.is_empty()).then(|| q.case_ids.clone()))
            .include_resolved_cases(q.include_resolved)
            .include_communications(false)
            .language("en")
            .set_next_token(q.next.clone())
            .send()
            .await
            .map_err(|e| carrier_error(Operation::DescribeCases, "support cases", e))?;
        let items = out
            .cases()
            .iter()
            .filter_map(|c| {
                Some(SupportCase {
                    id: untrusted(c.case_id()?),
                    display_id: c.display_id().map(untrusted),
                    subject: untrusted(c.subject().unwrap_or("")),
                    status: untrusted(c.status().unwrap_or("")),
                    service_code: c.service_code().map(untrusted),
                    category_code: c.category_code().map(untrusted),
                    created_at: time(c.time_created()),
                    submitted_by: c.submitted_by().map(untrusted),
                })
            })
            .collect();
        Ok(Page {
            items,
            next: out.next_token().map(str::to_string),
        })
    }

    async fn resolve_case(&self, case_id: &str) -> CarrierResult<String> {
        let out = self
            .client
            .resolve_case()
            .case_id(case_id)
            .send()
            .await
            .map_err(|e| carrier_error(Operation::ResolveCase, &case_what(case_id), e))?;
        Ok(untrusted(out.final_case_status().unwrap_or("resolved")))
    }
}
