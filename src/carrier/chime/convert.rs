//! Between the SDK's types and the carrier records of `carrier::api`, both ways. Everything
//! the service sends is untrusted text: it is read, checked and escaped here, once.

use crate::carrier::api::{
    Association, CarrierConnector, CarrierError, CarrierGroup, CarrierGroupMember, CarrierNumber,
    CarrierNumberStatus, CarrierOrder, CarrierOrderStatus, CarrierResult, CarrierSettings,
    NumberFailure, SipMediaApplication, SipRule, SupportedCountry,
};
use crate::domain::{
    CallingNameStatus, Capabilities, NumberError, NumberType, OrderType, OrderedNumberStatus,
    ProductType, Timestamp, E164,
};
use aws_sdk_chimesdkvoice::primitives::DateTime;
use aws_sdk_chimesdkvoice::types as sdk;

/// The longest carrier message phonedesk keeps; the rest is cut.
const MESSAGE_LIMIT: usize = 300;

/// Text from the service made safe to show and store: one line, control and invisible
/// formatting characters written as `\u{…}`, at most `MESSAGE_LIMIT` characters.
pub fn untrusted(text: &str) -> String {
    let mut out = String::new();
    for (count, c) in text
        .split_whitespace()
        .flat_map(|w| w.chars().chain([' ']))
        .enumerate()
    {
        if count >= MESSAGE_LIMIT {
            out = out.trim_end().to_string();
            out.push('…');
            return out;
        }
        push_escaped(&mut out, c);
    }
    out.trim_end().to_string()
}

/// The longest letter (a support message) phonedesk keeps.
const LETTER_LIMIT: usize = 20_000;

/// A letter from the service (a Support reply): its lines kept, each made safe as in
/// `untrusted`, at most `LETTER_LIMIT` characters.
pub fn untrusted_letter(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for c in line.chars() {
            count += 1;
            if count > LETTER_LIMIT {
                out.push('…');
                return out;
            }
            push_escaped(&mut out, if c == '\t' { ' ' } else { c });
        }
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    if c.is_control() || is_invisible_format(c) {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    } else {
        out.push(c);
    }
}

/// Bidirectional overrides, zero-width characters and the like: they change how the text
/// around them reads on a terminal.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

fn unreadable(what: &str) -> CarrierError {
    CarrierError::Unreadable(what.to_string())
}

/// A phone number id or E.164 number as the API wrote it. AWS examples show ids already
/// percent-encoded (`%2B12065550100`): those are decoded once here, so the SDK (which
/// encodes path labels) encodes them exactly once when they are sent back.
pub fn number_from_api(id: &str) -> CarrierResult<E164> {
    let decoded = if id.contains('%') {
        percent_encoding::percent_decode_str(id)
            .decode_utf8()
            .map_err(|_| unreadable(&format!("a phone number id “{}”", untrusted(id))))?
            .into_owned()
    } else {
        id.to_string()
    };
    match E164::parse(&decoded) {
        Ok(n) => Ok(n),
        // The carrier holds it, so it exists even if libphonenumber's tables disagree.
        Err(NumberError::Invalid(compact)) => Ok(E164::from_stored(compact)),
        Err(_) => Err(unreadable(&format!("a phone number “{}”", untrusted(id)))),
    }
}

pub fn timestamp(t: Option<&DateTime>) -> Option<Timestamp> {
    t.and_then(|t| t.to_millis().ok())
        .map(Timestamp::from_millis)
}

pub fn product_type_to_api(p: ProductType) -> CarrierResult<sdk::PhoneNumberProductType> {
    match p {
        ProductType::VoiceConnector => Ok(sdk::PhoneNumberProductType::VoiceConnector),
        ProductType::SipMediaApplicationDialIn => {
            Ok(sdk::PhoneNumberProductType::SipMediaApplicationDialIn)
        }
        ProductType::BusinessCalling => Err(CarrierError::BadRequest(
            "Business Calling ended with the Amazon Chime service on 2026-02-20; \
             Chime SDK Voice numbers are Voice Connector or SIP Media Application Dial-In"
                .to_string(),
        )),
    }
}

pub fn product_type_from_api(
    p: Option<&sdk::PhoneNumberProductType>,
) -> CarrierResult<ProductType> {
    match p {
        Some(sdk::PhoneNumberProductType::VoiceConnector) => Ok(ProductType::VoiceConnector),
        Some(sdk::PhoneNumberProductType::SipMediaApplicationDialIn) => {
            Ok(ProductType::SipMediaApplicationDialIn)
        }
        Some(other) => Err(unreadable(&format!(
            "a product type “{}”",
            untrusted(other.as_str())
        ))),
        None => Err(unreadable("a record without its product type")),
    }
}

pub fn number_type_to_api(t: NumberType) -> sdk::PhoneNumberType {
    match t {
        NumberType::Local => sdk::PhoneNumberType::Local,
        NumberType::TollFree => sdk::PhoneNumberType::TollFree,
    }
}

pub fn number_type_from_api(t: &sdk::PhoneNumberType) -> Option<NumberType> {
    match t {
        sdk::PhoneNumberType::Local => Some(NumberType::Local),
        sdk::PhoneNumberType::TollFree => Some(NumberType::TollFree),
        _ => None,
    }
}

fn calling_name_status(s: &sdk::CallingNameStatus) -> CarrierResult<CallingNameStatus> {
    match s {
        sdk::CallingNameStatus::Unassigned => Ok(CallingNameStatus::Unassigned),
        sdk::CallingNameStatus::UpdateInProgress => Ok(CallingNameStatus::UpdateInProgress),
        sdk::CallingNameStatus::UpdateSucceeded => Ok(CallingNameStatus::UpdateSucceeded),
        sdk::CallingNameStatus::UpdateFailed => Ok(CallingNameStatus::UpdateFailed),
        other => Err(unreadable(&format!(
            "a calling name status “{}”",
            untrusted(other.as_str())
        ))),
    }
}

fn required<'a>(value: Option<&'a str>, what: &str) -> CarrierResult<&'a str> {
    value
        .filter(|v| !v.is_empty())
        .ok_or_else(|| unreadable(&format!("a record without its {what}")))
}

pub fn number(p: &sdk::PhoneNumber) -> CarrierResult<CarrierNumber> {
    let number = match p.e164_phone_number().filter(|n| !n.is_empty()) {
        Some(n) => number_from_api(n)?,
        None => number_from_api(required(p.phone_number_id(), "phone number")?)?,
    };
    let status_text = p.status().map(|s| s.as_str()).unwrap_or("");
    let status = CarrierNumberStatus::from_api(status_text).ok_or_else(|| {
        unreadable(&format!(
            "the status “{}” of {number}",
            untrusted(status_text)
        ))
    })?;
    let number_type = p
        .r#type()
        .and_then(number_type_from_api)
        .unwrap_or_else(|| number.number_type());
    let capabilities = p
        .capabilities()
        .map_or(Capabilities::for_number(number_type), |c| Capabilities {
            inbound_call: c.inbound_call().unwrap_or(false),
            outbound_call: c.outbound_call().unwrap_or(false),
            inbound_sms: c.inbound_sms().unwrap_or(false),
            outbound_sms: c.outbound_sms().unwrap_or(false),
        });
    let associations = p
        .associations()
        .iter()
        .map(|a| {
            let name = a.name().map(|n| n.as_str()).unwrap_or("");
            let value = required(a.value(), "association's id")?;
            Association::from_api(name, untrusted(value)).ok_or_else(|| {
                unreadable(&format!("an association “{}” of {number}", untrusted(name)))
            })
        })
        .collect::<CarrierResult<Vec<_>>>()?;
    Ok(CarrierNumber {
        number_type,
        product_type: product_type_from_api(p.product_type())?,
        status,
        capabilities,
        associations,
        calling_name: p.calling_name().filter(|n| !n.is_empty()).map(untrusted),
        calling_name_status: p
            .calling_name_status()
            .map(calling_name_status)
            .transpose()?,
        name: p.name().filter(|n| !n.is_empty()).map(untrusted),
        order_id: p.order_id().filter(|n| !n.is_empty()).map(untrusted),
        created_at: timestamp(p.created_timestamp()),
        updated_at: timestamp(p.updated_timestamp()),
        deletion_at: timestamp(p.deletion_timestamp()),
        country: p.country().filter(|n| !n.is_empty()).map(untrusted),
        number,
    })
}

pub fn order(o: &sdk::PhoneNumberOrder) -> CarrierResult<CarrierOrder> {
    let id = untrusted(required(o.phone_number_order_id(), "order id")?);
    let status_text = o.status().map(|s| s.as_str()).unwrap_or("");
    let status = CarrierOrderStatus::from_api(status_text).ok_or_else(|| {
        unreadable(&format!(
            "the status “{}” of order {id}",
            untrusted(status_text)
        ))
    })?;
    let order_type = match o.order_type() {
        Some(sdk::PhoneNumberOrderType::Porting) => OrderType::Porting,
        // Orders from before the API had order types are new orders.
        Some(sdk::PhoneNumberOrderType::New) | None => OrderType::New,
        Some(other) => {
            return Err(unreadable(&format!(
                "the order type “{}” of order {id}",
                untrusted(other.as_str())
            )))
        }
    };
    let numbers = o
        .ordered_phone_numbers()
        .iter()
        .map(|n| {
            let number = number_from_api(required(n.e164_phone_number(), "ordered number")?)?;
            let status = match n.status() {
                Some(sdk::OrderedPhoneNumberStatus::Processing) | None => {
                    OrderedNumberStatus::Processing
                }
                Some(sdk::OrderedPhoneNumberStatus::Acquired) => OrderedNumberStatus::Acquired,
                Some(sdk::OrderedPhoneNumberStatus::Failed) => OrderedNumberStatus::Failed,
                Some(other) => {
                    return Err(unreadable(&format!(
                        "the status “{}” of {number} in order {id}",
                        untrusted(other.as_str())
                    )))
                }
            };
            Ok((number, status))
        })
        .collect::<CarrierResult<Vec<_>>>()?;
    Ok(CarrierOrder {
        order_type,
        product_type: product_type_from_api(o.product_type())?,
        status,
        numbers,
        created_at: timestamp(o.created_timestamp()),
        updated_at: timestamp(o.updated_timestamp()),
        foc_date: o.foc_date().filter(|d| !d.is_empty()).map(untrusted),
        id,
    })
}

pub fn failures(errors: &[sdk::PhoneNumberError]) -> CarrierResult<Vec<NumberFailure>> {
    errors
        .iter()
        .map(|e| {
            Ok(NumberFailure {
                number: number_from_api(required(e.phone_number_id(), "failed number")?)?,
                code: e
                    .error_code()
                    .map(|c| untrusted(c.as_str()))
                    .unwrap_or_default(),
                message: e.error_message().map(untrusted).unwrap_or_default(),
            })
        })
        .collect()
}

pub fn connector(v: &sdk::VoiceConnector) -> CarrierResult<CarrierConnector> {
    Ok(CarrierConnector {
        id: untrusted(required(v.voice_connector_id(), "voice connector id")?),
        name: untrusted(v.name().unwrap_or("")),
        region: untrusted(v.aws_region().map(|r| r.as_str()).unwrap_or("")),
        encryption: v.require_encryption().unwrap_or(false),
        outbound_host: v
            .outbound_host_name()
            .filter(|h| !h.is_empty())
            .map(untrusted),
    })
}

pub fn group(g: &sdk::VoiceConnectorGroup) -> CarrierResult<CarrierGroup> {
    let id = untrusted(required(
        g.voice_connector_group_id(),
        "voice connector group id",
    )?);
    let members = g
        .voice_connector_items()
        .iter()
        .map(|item| {
            let priority = u8::try_from(item.priority())
                .ok()
                .filter(|p| (1..=99).contains(p))
                .ok_or_else(|| {
                    unreadable(&format!(
                        "the priority {} in voice connector group {id}",
                        item.priority()
                    ))
                })?;
            Ok(CarrierGroupMember {
                connector_id: untrusted(item.voice_connector_id()),
                priority,
            })
        })
        .collect::<CarrierResult<Vec<_>>>()?;
    Ok(CarrierGroup {
        name: untrusted(g.name().unwrap_or("")),
        members,
        id,
    })
}

pub fn group_members(
    members: &[CarrierGroupMember],
) -> CarrierResult<Vec<sdk::VoiceConnectorItem>> {
    members
        .iter()
        .map(|m| {
            sdk::VoiceConnectorItem::builder()
                .voice_connector_id(&m.connector_id)
                .priority(i32::from(m.priority))
                .build()
                .map_err(|_| {
                    CarrierError::BadRequest("a group member needs a voice connector".into())
                })
        })
        .collect()
}

pub fn sip_media_application(s: &sdk::SipMediaApplication) -> CarrierResult<SipMediaApplication> {
    Ok(SipMediaApplication {
        id: untrusted(required(
            s.sip_media_application_id(),
            "SIP media application id",
        )?),
        name: untrusted(s.name().unwrap_or("")),
        region: untrusted(s.aws_region().unwrap_or("")),
    })
}

pub fn sip_rule(r: &sdk::SipRule) -> CarrierResult<SipRule> {
    Ok(SipRule {
        id: untrusted(required(r.sip_rule_id(), "SIP rule id")?),
        name: untrusted(r.name().unwrap_or("")),
        disabled: r.disabled().unwrap_or(false),
        trigger_type: untrusted(r.trigger_type().map(|t| t.as_str()).unwrap_or("")),
        trigger_value: untrusted(r.trigger_value().unwrap_or("")),
        targets: r
            .target_applications()
            .iter()
            .filter_map(|t| t.sip_media_application_id())
            .map(untrusted)
            .collect(),
    })
}

pub fn settings(calling_name: Option<&str>, updated: Option<&DateTime>) -> CarrierSettings {
    CarrierSettings {
        calling_name: calling_name.filter(|n| !n.is_empty()).map(untrusted),
        updated_at: timestamp(updated),
    }
}

pub fn country(c: &sdk::PhoneNumberCountry) -> CarrierResult<SupportedCountry> {
    Ok(SupportedCountry {
        country: untrusted(required(c.country_code(), "country code")?),
        number_types: c
            .supported_phone_number_types()
            .iter()
            .filter_map(number_type_from_api)
            .collect(),
    })
}

/// A voice connector's region, checked against the API's ten.
pub fn region_to_api(region: &str) -> CarrierResult<sdk::VoiceConnectorAwsRegion> {
    sdk::VoiceConnectorAwsRegion::values()
        .iter()
        .find(|r| **r == region)
        .map(|r| sdk::VoiceConnectorAwsRegion::from(*r))
        .ok_or_else(|| {
            CarrierError::BadRequest(format!(
                "voice connectors can be made in {}, not in “{}”",
                sdk::VoiceConnectorAwsRegion::values().join(", "),
                untrusted(region)
            ))
        })
}
