//! Support cases, the way the real carrier files ports: AWS Support's case API
//! (`aws-support`), as one interface the simulation's support desk can implement too.
//! Codes of the service and categories are not documented; they are found with
//! `describe_services` (`find_port_codes`) and can be set in the config.

use super::api::{CarrierResult, Page};
use crate::domain::Timestamp;

/// A Support service and its categories (`DescribeServices`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportService {
    pub code: String,
    pub name: String,
    pub categories: Vec<SupportCategory>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportCategory {
    pub code: String,
    pub name: String,
}

/// A case to open (`CreateCase`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCase {
    pub subject: String,
    pub body: String,
    pub service_code: String,
    pub category_code: String,
    /// `low`, `normal`, ...; the service's default when `None`.
    pub severity_code: Option<String>,
    /// `customer-service` (account and billing, where ports are filed) or `technical`.
    pub issue_type: Option<String>,
    pub attachment_set_id: Option<String>,
    pub cc: Vec<String>,
}

/// A file to attach (the LOA).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAttachment {
    pub file_name: String,
    pub data: Vec<u8>,
}

/// An attachment set (`AddAttachmentsToSet`): it expires an hour after it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentSet {
    pub id: String,
    pub expires_at: Option<Timestamp>,
}

/// One message of a case's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMessage {
    pub body: String,
    /// "Amazon Web Services" for Support's replies.
    pub submitted_by: String,
    pub created_at: Option<Timestamp>,
    /// The attachments' file names.
    pub attachments: Vec<String>,
}

/// A case as Support holds it (`DescribeCases`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportCase {
    pub id: String,
    /// The number the Support Center shows.
    pub display_id: Option<String>,
    pub subject: String,
    /// `opened`, `pending-customer-action`, `work-in-progress`, `resolved`, ...
    pub status: String,
    pub service_code: Option<String>,
    pub category_code: Option<String>,
    pub created_at: Option<Timestamp>,
    pub submitted_by: Option<String>,
}

/// Which cases to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    /// Up to 100; all recent cases when empty.
    pub case_ids: Vec<String>,
    pub include_resolved: bool,
    pub next: Option<String>,
}

/// The Support case API, as porting uses it. Every method is one API call.
#[async_trait::async_trait]
pub trait SupportCases: Send + Sync {
    async fn describe_services(&self) -> CarrierResult<Vec<SupportService>>;
    /// Opens a case; its id.
    async fn create_case(&self, case: &NewCase) -> CarrierResult<String>;
    /// Adds files to a new set (`set_id` `None`) or to an existing one.
    async fn add_attachments(
        &self,
        set_id: Option<&str>,
        files: &[CaseAttachment],
    ) -> CarrierResult<AttachmentSet>;
    async fn add_communication(
        &self,
        case_id: &str,
        body: &str,
        attachment_set_id: Option<&str>,
    ) -> CarrierResult<()>;
    async fn describe_communications(
        &self,
        case_id: &str,
        next: Option<&str>,
    ) -> CarrierResult<Page<CaseMessage>>;
    async fn describe_cases(&self, q: &CaseQuery) -> CarrierResult<Page<SupportCase>>;
    /// Resolves a case; its final status.
    async fn resolve_case(&self, case_id: &str) -> CarrierResult<String>;

    /// Codes the config sets for port cases (the rest are found with `describe_services`).
    fn code_overrides(&self) -> PortCodeOverrides {
        PortCodeOverrides::default()
    }
}

/// The codes a port case is filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortCodes {
    pub service_code: String,
    pub port_in_category: String,
    pub port_out_category: String,
}

/// Codes set in the config; each one set wins over what `DescribeServices` says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortCodeOverrides {
    pub service_code: Option<String>,
    pub port_in_category: Option<String>,
    pub port_out_category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortCodesError {
    #[error("AWS Support lists no service named like “Chime SDK (Number Management)”; set support_service_code in the config")]
    NoService,
    #[error(
        "AWS Support's service {service} has no category “{category}”; set its code in the config"
    )]
    NoCategory {
        service: String,
        category: &'static str,
    },
}

pub const PORT_IN_CATEGORY: &str = "Phone Number Port In";
pub const PORT_OUT_CATEGORY: &str = "Phone Number Port Out";

/// The service whose name contains "Chime" and "Number Management", and its categories
/// "Phone Number Port In" / "Phone Number Port Out" (names compared without case), unless
/// the config sets the codes.
pub fn find_port_codes(
    services: &[SupportService],
    overrides: &PortCodeOverrides,
) -> Result<PortCodes, PortCodesError> {
    let contains = |hay: &str, needle: &str| hay.to_lowercase().contains(&needle.to_lowercase());
    let service = match &overrides.service_code {
        Some(code) => services.iter().find(|s| &s.code == code),
        None => services
            .iter()
            .find(|s| contains(&s.name, "chime") && contains(&s.name, "number management")),
    };
    let service_code = match (&overrides.service_code, service) {
        (Some(code), _) => code.clone(),
        (None, Some(s)) => s.code.clone(),
        (None, None) => return Err(PortCodesError::NoService),
    };
    let category = |name: &'static str, set: &Option<String>| -> Result<String, PortCodesError> {
        if let Some(code) = set {
            return Ok(code.clone());
        }
        service
            .and_then(|s| {
                s.categories
                    .iter()
                    .find(|c| c.name.trim().eq_ignore_ascii_case(name))
            })
            .map(|c| c.code.clone())
            .ok_or_else(|| PortCodesError::NoCategory {
                service: service_code.clone(),
                category: name,
            })
    };
    Ok(PortCodes {
        port_in_category: category(PORT_IN_CATEGORY, &overrides.port_in_category)?,
        port_out_category: category(PORT_OUT_CATEGORY, &overrides.port_out_category)?,
        service_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services() -> Vec<SupportService> {
        let cat = |code: &str, name: &str| SupportCategory {
            code: code.into(),
            name: name.into(),
        };
        vec![
            SupportService {
                code: "amazon-chime".into(),
                name: "Chime".into(),
                categories: vec![cat("other", "Other")],
            },
            SupportService {
                code: "chime-sdk-number-management".into(),
                name: "Chime SDK (Number Management)".into(),
                categories: vec![
                    cat("port-in", "Phone Number Port In"),
                    cat("port-out", "Phone Number Port Out"),
                ],
            },
        ]
    }

    #[test]
    fn port_codes_are_found_by_name() {
        let codes = find_port_codes(&services(), &PortCodeOverrides::default()).unwrap();
        assert_eq!(
            codes,
            PortCodes {
                service_code: "chime-sdk-number-management".into(),
                port_in_category: "port-in".into(),
                port_out_category: "port-out".into(),
            }
        );
    }

    #[test]
    fn codes_from_the_config_win() {
        let overrides = PortCodeOverrides {
            service_code: Some("custom".into()),
            port_in_category: Some("in".into()),
            port_out_category: Some("out".into()),
        };
        let codes = find_port_codes(&[], &overrides).unwrap();
        assert_eq!(codes.service_code, "custom");
        assert_eq!(codes.port_in_category, "in");
        let only_out = PortCodeOverrides {
            port_out_category: Some("po".into()),
            ..Default::default()
        };
        let codes = find_port_codes(&services(), &only_out).unwrap();
        assert_eq!(
            (
                codes.port_in_category.as_str(),
                codes.port_out_category.as_str()
            ),
            ("port-in", "po")
        );
    }

    #[test]
    fn a_missing_service_or_category_is_said_plainly() {
        assert_eq!(
            find_port_codes(&services()[..1], &PortCodeOverrides::default()),
            Err(PortCodesError::NoService)
        );
        let mut s = services();
        s[1].categories.pop();
        let err = find_port_codes(&s, &PortCodeOverrides::default()).unwrap_err();
        assert_eq!(err.to_string(), "AWS Support's service chime-sdk-number-management has no category “Phone Number Port Out”; set its code in the config");
    }
}
