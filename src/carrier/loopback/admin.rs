//! `/_sim/...`: the simulation's controls for tests and demos (faults, the clock, request
//! counts, the AWS console). Served only in front of a `SimCarrier`.

use super::wire::WireError;
use crate::carrier::api::{Association, CarrierNumberStatus, NumberUpdate};
use crate::carrier::sim::{CallFault, SimCarrier, SimClock};
use crate::domain::{ProductType, E164};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// What the admin routes reach.
#[derive(Clone)]
pub struct SimAdmin {
    pub sim: Arc<SimCarrier>,
    pub clock: Arc<SimClock>,
}

// (serde cannot refuse unknown fields beside a flattened enum.)
#[derive(Deserialize)]
struct ArmFault {
    #[serde(flatten)]
    fault: CallFault,
    #[serde(default = "one")]
    count: u32,
    operation: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberFault {
    number: String,
    #[serde(default = "service_failure")]
    code: String,
}

fn service_failure() -> String {
    "ServiceFailure".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AcquisitionFault {
    #[serde(default)]
    count: u32,
    number: Option<String>,
}

/// Whether the account's support plan allows the Support API (`false`: every Support
/// call answers `SubscriptionRequiredException`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportPlan {
    allowed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    #[serde(default)]
    seconds: u64,
    #[serde(default)]
    millis: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Buy {
    numbers: Vec<String>,
    product_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Change {
    name: Option<String>,
    calling_name: Option<String>,
    product_type: Option<String>,
    /// `VoiceConnectorId:<id>`, `VoiceConnectorGroupId:<id>` or `SipRuleId:<id>`.
    associate: Option<String>,
    /// One of the API's eleven statuses (`DeleteFailed`...), shown until the number changes.
    status: Option<String>,
}

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, WireError> {
    serde_json::from_slice(bytes)
        .map_err(|e| WireError::bad_request(format!("the body is not valid: {e}")))
}

fn number(text: &str) -> Result<E164, WireError> {
    E164::parse(text).map_err(|e| WireError::bad_request(e.to_string()))
}

fn product(text: Option<&str>) -> Result<ProductType, WireError> {
    match text {
        None => Ok(ProductType::VoiceConnector),
        Some(t) => super::wire::parse_product_type(t)
            .ok_or_else(|| WireError::bad_request(format!("“{t}” is not a product type"))),
    }
}

/// Handles `/_sim/<rest>`.
pub fn handle(
    admin: &SimAdmin,
    method: &str,
    rest: &[String],
    bytes: &[u8],
    counts: &BTreeMap<String, u64>,
) -> Result<(u16, Option<Value>), WireError> {
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let faults = admin.sim.faults();
    match (method, rest.as_slice()) {
        ("POST", ["faults"]) => {
            let f: ArmFault = body(bytes)?;
            faults.arm(f.fault, f.count, f.operation.as_deref());
            Ok((204, None))
        }
        ("POST", ["faults", "number"]) => {
            let f: NumberFault = body(bytes)?;
            faults.fail_number(number(&f.number)?, &f.code);
            Ok((204, None))
        }
        ("POST", ["faults", "acquisitions"]) => {
            let f: AcquisitionFault = body(bytes)?;
            faults.fail_next_acquisitions(f.count);
            if let Some(n) = f.number {
                faults.fail_acquisition_of(number(&n)?);
            }
            Ok((204, None))
        }
        ("POST", ["support-plan"]) => {
            let p: SupportPlan = body(bytes)?;
            admin.sim.set_support_plan(p.allowed);
            Ok((204, None))
        }
        ("DELETE", ["faults"]) => {
            faults.clear();
            Ok((204, None))
        }
        ("POST", ["advance"]) => {
            let a: Advance = body(bytes)?;
            admin
                .clock
                .advance(Duration::from_secs(a.seconds) + Duration::from_millis(a.millis));
            Ok((200, Some(json!({ "now": admin.clock.now().rfc3339() }))))
        }
        ("GET", ["clock"]) => Ok((200, Some(json!({ "now": admin.clock.now().rfc3339() })))),
        ("GET", ["requests"]) => Ok((200, Some(json!(counts)))),
        ("POST", ["numbers"]) => {
            let b: Buy = body(bytes)?;
            let numbers = b
                .numbers
                .iter()
                .map(|n| number(n))
                .collect::<Result<Vec<_>, _>>()?;
            let o = admin
                .sim
                .console_buy(&numbers, product(b.product_type.as_deref())?)?;
            Ok((
                201,
                Some(json!({ "PhoneNumberOrder": super::wire::order(&o) })),
            ))
        }
        ("POST", ["numbers", id]) => {
            let n = number(id)?;
            let c: Change = body(bytes)?;
            if let Some(p) = c.product_type.as_deref() {
                admin
                    .sim
                    .console_update(&n, &NumberUpdate::ProductType(product(Some(p))?))?;
            }
            if let Some(name) = c.calling_name {
                admin
                    .sim
                    .console_update(&n, &NumberUpdate::CallingName(name))?;
            }
            if let Some(name) = c.name {
                admin.sim.console_update(&n, &NumberUpdate::Name(name))?;
            }
            if let Some(a) = c.associate {
                let (kind, value) = a.split_once(':').ok_or_else(|| {
                    WireError::bad_request("associate is VoiceConnectorId:<id>, VoiceConnectorGroupId:<id> or SipRuleId:<id>")
                })?;
                let target = Association::from_api(kind, value.to_string()).ok_or_else(|| {
                    WireError::bad_request(format!("“{kind}” is not an association name"))
                })?;
                admin.sim.console_associate(&target, &n)?;
            }
            if let Some(st) = c.status.as_deref() {
                let status = CarrierNumberStatus::from_api(st).ok_or_else(|| {
                    WireError::bad_request(format!("“{st}” is not a phone number status"))
                })?;
                admin.sim.console_set_status(&n, status)?;
            }
            Ok((204, None))
        }
        ("DELETE", ["numbers", id]) => {
            admin.sim.console_release(&number(id)?)?;
            Ok((204, None))
        }
        _ => Err(WireError::not_found(format!(
            "no simulation control at {method} /_sim/{}",
            rest.join("/")
        ))),
    }
}
