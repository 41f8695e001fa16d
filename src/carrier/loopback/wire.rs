//! The `chime-sdk-voice` wire shapes (restJson1): the JSON the AWS SDK sends and reads,
//! with the carrier records turned into them, and errors as the SDK parses them (status,
//! `x-amzn-errortype` header, `{"Code", "Message"}` body).

use crate::carrier::api::*;
use crate::domain::{
    CallingNameStatus, NumberType, OrderType, OrderedNumberStatus, ProductType, Timestamp,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The API's timestamps: RFC 3339 (`DateTimeWithOffset`).
pub fn time(t: Option<Timestamp>) -> Value {
    t.map(|t| Value::String(t.rfc3339())).unwrap_or(Value::Null)
}

pub fn number_type(t: NumberType) -> &'static str {
    match t {
        NumberType::Local => "Local",
        NumberType::TollFree => "TollFree",
    }
}

pub fn parse_number_type(s: &str) -> Option<NumberType> {
    match s {
        "Local" => Some(NumberType::Local),
        "TollFree" => Some(NumberType::TollFree),
        _ => None,
    }
}

/// The API's two product types (not Business Calling).
pub fn parse_product_type(s: &str) -> Option<ProductType> {
    match s {
        "VoiceConnector" => Some(ProductType::VoiceConnector),
        "SipMediaApplicationDialIn" => Some(ProductType::SipMediaApplicationDialIn),
        _ => None,
    }
}

fn name_status(s: CallingNameStatus) -> &'static str {
    match s {
        CallingNameStatus::Unassigned => "Unassigned",
        CallingNameStatus::UpdateInProgress => "UpdateInProgress",
        CallingNameStatus::UpdateSucceeded => "UpdateSucceeded",
        CallingNameStatus::UpdateFailed => "UpdateFailed",
    }
}

pub fn phone_number(n: &CarrierNumber) -> Value {
    let c = n.capabilities;
    json!({
        "PhoneNumberId": n.number.as_str(),
        "E164PhoneNumber": n.number.as_str(),
        "Country": n.country,
        "Type": number_type(n.number_type),
        "ProductType": n.product_type.api_name(),
        "Status": n.status.api_name(),
        "Capabilities": {
            "InboundCall": c.inbound_call,
            "OutboundCall": c.outbound_call,
            "InboundSMS": c.inbound_sms,
            "OutboundSMS": c.outbound_sms,
            "InboundMMS": false,
            "OutboundMMS": false,
        },
        "Associations": n.associations.iter().map(|a| json!({
            "Value": a.id(),
            "Name": a.api_name(),
            "AssociatedTimestamp": time(n.updated_at),
        })).collect::<Vec<_>>(),
        "CallingName": n.calling_name,
        "CallingNameStatus": n.calling_name_status.map(name_status),
        "CreatedTimestamp": time(n.created_at),
        "UpdatedTimestamp": time(n.updated_at),
        "DeletionTimestamp": time(n.deletion_at),
        "OrderId": n.order_id,
        "Name": n.name,
    })
}

pub fn order(o: &CarrierOrder) -> Value {
    json!({
        "PhoneNumberOrderId": o.id,
        "ProductType": o.product_type.api_name(),
        "Status": o.status.api_name(),
        "OrderType": match o.order_type { OrderType::New => "New", OrderType::Porting => "Porting" },
        "OrderedPhoneNumbers": o.numbers.iter().map(|(n, s)| json!({
            "E164PhoneNumber": n.as_str(),
            "Status": match s {
                OrderedNumberStatus::Processing => "Processing",
                OrderedNumberStatus::Acquired => "Acquired",
                OrderedNumberStatus::Failed => "Failed",
            },
        })).collect::<Vec<_>>(),
        "CreatedTimestamp": time(o.created_at),
        "UpdatedTimestamp": time(o.updated_at),
        "FocDate": o.foc_date,
    })
}

pub fn connector(v: &CarrierConnector) -> Value {
    json!({
        "VoiceConnectorId": v.id,
        "AwsRegion": v.region,
        "Name": v.name,
        "OutboundHostName": v.outbound_host,
        "RequireEncryption": v.encryption,
        "VoiceConnectorArn": format!("arn:aws:chime:{}:111122223333:vc/{}", v.region, v.id),
    })
}

pub fn group(g: &CarrierGroup) -> Value {
    json!({
        "VoiceConnectorGroupId": g.id,
        "Name": g.name,
        "VoiceConnectorItems": g.members.iter().map(|m| json!({
            "VoiceConnectorId": m.connector_id,
            "Priority": m.priority,
        })).collect::<Vec<_>>(),
        "VoiceConnectorGroupArn": format!("arn:aws:chime:us-east-1:111122223333:vcg/{}", g.id),
    })
}

pub fn sip_media_application(a: &SipMediaApplication) -> Value {
    json!({
        "SipMediaApplicationId": a.id,
        "AwsRegion": a.region,
        "Name": a.name,
        "Endpoints": [],
        "SipMediaApplicationArn": format!("arn:aws:chime:{}:111122223333:sma/{}", a.region, a.id),
    })
}

/// `regions` gives each target application's region.
pub fn sip_rule(r: &SipRule, region_of: impl Fn(&str) -> Option<String>) -> Value {
    json!({
        "SipRuleId": r.id,
        "Name": r.name,
        "Disabled": r.disabled,
        "TriggerType": r.trigger_type,
        "TriggerValue": r.trigger_value,
        "TargetApplications": r.targets.iter().enumerate().map(|(i, t)| json!({
            "SipMediaApplicationId": t,
            "Priority": i + 1,
            "AwsRegion": region_of(t),
        })).collect::<Vec<_>>(),
    })
}

pub fn failures(f: &[NumberFailure]) -> Value {
    json!({
        "PhoneNumberErrors": f.iter().map(|f| json!({
            "PhoneNumberId": f.number.as_str(),
            "ErrorCode": f.code,
            "ErrorMessage": f.message,
        })).collect::<Vec<_>>(),
    })
}

/// An error as the API answers it: HTTP status, exception name, `ErrorCode`, message.
pub struct WireError {
    pub status: u16,
    pub exception: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl WireError {
    pub fn bad_request(message: impl Into<String>) -> WireError {
        WireError {
            status: 400,
            exception: "BadRequestException",
            code: "BadRequest",
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> WireError {
        WireError {
            status: 404,
            exception: "NotFoundException",
            code: "NotFound",
            message: message.into(),
        }
    }

    pub fn body(&self) -> Value {
        json!({ "Code": self.code, "Message": self.message })
    }
}

impl From<CarrierError> for WireError {
    fn from(e: CarrierError) -> WireError {
        let w = |status, exception, code, message: String| WireError {
            status,
            exception,
            code,
            message,
        };
        match e {
            CarrierError::Throttled => w(
                429,
                "ThrottledClientException",
                "Throttled",
                "Rate exceeded".into(),
            ),
            CarrierError::ServiceFailure { .. }
            | CarrierError::Timeout
            | CarrierError::Network(_)
            | CarrierError::Unreadable(_) => w(
                500,
                "ServiceFailureException",
                "ServiceFailure",
                "Service failure".into(),
            ),
            CarrierError::Unavailable => w(
                503,
                "ServiceUnavailableException",
                "ServiceUnavailable",
                "Service unavailable".into(),
            ),
            CarrierError::AccessDenied { action } => w(
                403,
                "AccessDeniedException",
                "AccessDenied",
                format!("not authorized to perform {action}"),
            ),
            CarrierError::Unauthorized(m) => {
                w(401, "UnauthorizedClientException", "Unauthorized", m)
            }
            CarrierError::NotFound(m) => w(404, "NotFoundException", "NotFound", m),
            CarrierError::Gone(m) => w(410, "GoneException", "Gone", m),
            CarrierError::BadRequest(m) => w(400, "BadRequestException", "BadRequest", m),
            CarrierError::Conflict(m) => w(409, "ConflictException", "Conflict", m),
            CarrierError::ResourceLimitExceeded(m) => w(
                400,
                "ResourceLimitExceededException",
                "ResourceLimitExceeded",
                m,
            ),
            CarrierError::Unprocessable(m) => {
                w(422, "UnprocessableEntityException", "Unprocessable", m)
            }
            CarrierError::SubscriptionRequired => {
                w(403, "ForbiddenException", "Forbidden", "Forbidden".into())
            }
        }
    }
}

// ---- request bodies ----

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateOrder {
    pub product_type: String,
    pub e164_phone_numbers: Vec<String>,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Associate {
    pub e164_phone_numbers: Vec<String>,
    #[serde(default)]
    pub force_associate: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateItem {
    pub phone_number_id: Option<String>,
    pub product_type: Option<String>,
    pub calling_name: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchUpdate {
    pub update_phone_number_request_items: Vec<UpdateItem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchDelete {
    pub phone_number_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Settings {
    pub calling_name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Connector {
    pub name: String,
    pub aws_region: Option<String>,
    pub require_encryption: bool,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Item {
    pub voice_connector_id: String,
    pub priority: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    pub name: String,
    #[serde(default)]
    pub voice_connector_items: Vec<Item>,
}

/// `CreateSipRule`'s body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewRule {
    pub name: String,
    pub trigger_type: String,
    pub trigger_value: String,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub target_applications: Vec<TargetApp>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TargetApp {
    pub sip_media_application_id: String,
    pub aws_region: Option<String>,
}

/// `UpdateSipRule`'s body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleUpdate {
    pub name: String,
    pub disabled: Option<bool>,
}
