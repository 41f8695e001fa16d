//! The API's routes: a request (method, path, query, body) to one `CarrierApi` call and
//! its answer.

use super::wire::{self, WireError};
use crate::carrier::api::*;
use crate::carrier::sim::ops;
use crate::domain::E164;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::HashMap;

/// A request, decoded: path segments and query values percent-decoded once.
pub struct Request {
    pub method: String,
    pub segments: Vec<String>,
    pub query: HashMap<String, String>,
    pub body: Vec<u8>,
}

/// An answer: status and JSON body (none for 204).
pub type Answer = Result<(u16, Option<Value>), WireError>;

impl Request {
    fn q(&self, key: &str) -> Option<String> {
        self.query.get(key).cloned()
    }

    fn operation(&self) -> Option<&str> {
        self.query.get("operation").map(String::as_str)
    }

    fn json<T: DeserializeOwned>(&self) -> Result<T, WireError> {
        serde_json::from_slice(&self.body)
            .map_err(|e| WireError::bad_request(format!("the request body is not valid: {e}")))
    }
}

/// The API operation a request names, for counting; `None` for an unknown route.
pub fn operation_of(r: &Request) -> Option<&'static str> {
    let segs: Vec<&str> = r.segments.iter().map(String::as_str).collect();
    let op = r.operation();
    Some(match (r.method.as_str(), segs.as_slice(), op) {
        ("GET", ["search"], _) => ops::SEARCH,
        ("GET", ["phone-number-countries"], _) => ops::COUNTRIES,
        ("POST", ["phone-number-orders"], _) => ops::CREATE_ORDER,
        ("GET", ["phone-number-orders"], _) => ops::LIST_ORDERS,
        ("GET", ["phone-number-orders", _], _) => ops::GET_ORDER,
        ("GET", ["phone-numbers"], _) => ops::LIST_NUMBERS,
        ("POST", ["phone-numbers"], Some("batch-update")) => ops::BATCH_UPDATE,
        ("POST", ["phone-numbers"], Some("batch-delete")) => ops::BATCH_DELETE,
        ("GET", ["phone-numbers", _], _) => ops::GET_NUMBER,
        ("POST", ["phone-numbers", _], Some("restore")) => ops::RESTORE,
        ("POST", ["phone-numbers", _], None) => ops::UPDATE_NUMBER,
        ("DELETE", ["phone-numbers", _], _) => ops::DELETE_NUMBER,
        ("POST", ["voice-connectors", _], Some("associate-phone-numbers")) => ops::ASSOCIATE_VC,
        ("POST", ["voice-connectors", _], Some("disassociate-phone-numbers")) => {
            ops::DISASSOCIATE_VC
        }
        ("POST", ["voice-connector-groups", _], Some("associate-phone-numbers")) => {
            ops::ASSOCIATE_GROUP
        }
        ("POST", ["voice-connector-groups", _], Some("disassociate-phone-numbers")) => {
            ops::DISASSOCIATE_GROUP
        }
        ("GET", ["voice-connectors"], _) => ops::LIST_VCS,
        ("POST", ["voice-connectors"], _) => ops::CREATE_VC,
        ("GET", ["voice-connectors", _], _) => "GetVoiceConnector",
        ("PUT", ["voice-connectors", _], _) => ops::UPDATE_VC,
        ("DELETE", ["voice-connectors", _], _) => ops::DELETE_VC,
        ("GET", ["voice-connector-groups"], _) => ops::LIST_GROUPS,
        ("POST", ["voice-connector-groups"], _) => ops::CREATE_GROUP,
        ("GET", ["voice-connector-groups", _], _) => "GetVoiceConnectorGroup",
        ("PUT", ["voice-connector-groups", _], _) => ops::UPDATE_GROUP,
        ("DELETE", ["voice-connector-groups", _], _) => ops::DELETE_GROUP,
        ("GET", ["settings", "phone-number"], _) => ops::GET_SETTINGS,
        ("PUT", ["settings", "phone-number"], _) => ops::UPDATE_SETTINGS,
        ("GET", ["sip-media-applications"], _) => ops::LIST_SMAS,
        ("GET", ["sip-rules"], _) => ops::LIST_RULES,
        ("POST", ["sip-rules"], _) => ops::CREATE_RULE,
        ("PUT", ["sip-rules", _], _) => ops::UPDATE_RULE,
        ("DELETE", ["sip-rules", _], _) => ops::DELETE_RULE,
        _ => return None,
    })
}

fn e164(text: &str) -> Result<E164, WireError> {
    E164::parse(text).map_err(|e| WireError::bad_request(e.to_string()))
}

fn numbers(texts: &[String]) -> Result<Vec<E164>, WireError> {
    texts.iter().map(|t| e164(t)).collect()
}

fn product_type(text: &str) -> Result<crate::domain::ProductType, WireError> {
    wire::parse_product_type(text)
        .ok_or_else(|| WireError::bad_request(format!("“{text}” is not a product type")))
}

fn max_results(r: &Request, default: u32) -> Result<u32, WireError> {
    match r.q("max-results") {
        None => Ok(default),
        Some(m) => m
            .parse()
            .map_err(|_| WireError::bad_request("max-results is a number")),
    }
}

fn page(key: &str, items: Vec<Value>, next: Option<String>) -> Value {
    let mut v = serde_json::Map::new();
    v.insert(key.to_string(), Value::Array(items));
    if let Some(n) = next {
        v.insert("NextToken".into(), Value::String(n));
    }
    Value::Object(v)
}

fn ok(v: Value) -> Answer {
    Ok((200, Some(v)))
}

/// Every page of a list, for the few routes the interface answers only by listing.
async fn all<T, F, Fut>(mut list: F) -> Result<Vec<T>, WireError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = CarrierResult<Page<T>>>,
{
    let mut out = Vec::new();
    let mut next = None;
    loop {
        let p = list(next).await?;
        out.extend(p.items);
        next = p.next;
        if next.is_none() {
            return Ok(out);
        }
    }
}

/// Carries out one API request.
pub async fn handle(api: &dyn CarrierApi, r: &Request) -> Answer {
    let op = operation_of(r).ok_or_else(|| {
        WireError::not_found(format!(
            "no operation at {} /{}",
            r.method,
            r.segments.join("/")
        ))
    })?;
    let id = r.segments.get(1).cloned().unwrap_or_default();
    match op {
        ops::SEARCH => {
            if r.q("type").as_deref() != Some("phone-numbers") {
                return Err(WireError::bad_request("search needs type=phone-numbers"));
            }
            let number_type = match r.q("phone-number-type") {
                None => None,
                Some(t) => Some(wire::parse_number_type(&t).ok_or_else(|| {
                    WireError::bad_request(format!("“{t}” is not a phone number type"))
                })?),
            };
            let q = AvailableSearch {
                area_code: r.q("area-code"),
                city: r.q("city"),
                state: r.q("state"),
                country: r.q("country"),
                toll_free_prefix: r.q("toll-free-prefix"),
                number_type,
                max_results: max_results(r, 100)?,
                next: r.q("next-token"),
            };
            let p = api.search_available_numbers(&q).await?;
            let mut v = json!({ "E164PhoneNumbers": p.items.iter().map(|n| n.as_str()).collect::<Vec<_>>() });
            if let Some(n) = p.next {
                v["NextToken"] = Value::String(n);
            }
            ok(v)
        }
        ops::COUNTRIES => {
            let pt = product_type(&r.q("product-type").unwrap_or_default())?;
            let countries = api.list_supported_countries(pt).await?;
            ok(
                json!({ "PhoneNumberCountries": countries.iter().map(|c| json!({
                "CountryCode": c.country,
                "SupportedPhoneNumberTypes": c.number_types.iter().map(|t| wire::number_type(*t)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>() }),
            )
        }
        ops::CREATE_ORDER => {
            let b: wire::CreateOrder = r.json()?;
            let order = NewOrder {
                product_type: product_type(&b.product_type)?,
                numbers: numbers(&b.e164_phone_numbers)?,
                name: b.name,
            };
            let o = api.create_order(&order).await?;
            Ok((201, Some(json!({ "PhoneNumberOrder": wire::order(&o) }))))
        }
        ops::GET_ORDER => {
            ok(json!({ "PhoneNumberOrder": wire::order(&api.get_order(&id).await?) }))
        }
        ops::LIST_ORDERS => {
            let p = api.list_orders(r.q("next-token").as_deref()).await?;
            ok(page(
                "PhoneNumberOrders",
                p.items.iter().map(wire::order).collect(),
                p.next,
            ))
        }
        ops::GET_NUMBER => {
            let n = api.get_number(&e164(&id)?).await?;
            ok(json!({ "PhoneNumber": wire::phone_number(&n) }))
        }
        ops::LIST_NUMBERS => {
            let p = api.list_numbers(r.q("next-token").as_deref()).await?;
            // The interface lists every number; the API's filters apply to the page.
            let status = r.q("status");
            let product = r.q("product-type");
            let filter = r.q("filter-name").zip(r.q("filter-value"));
            let items = p
                .items
                .iter()
                .filter(|n| {
                    status
                        .as_deref()
                        .map(|s| s == n.status.api_name())
                        .unwrap_or(true)
                })
                .filter(|n| {
                    product
                        .as_deref()
                        .map(|s| s == n.product_type.api_name())
                        .unwrap_or(true)
                })
                .filter(|n| {
                    filter
                        .as_ref()
                        .map(|(name, value)| {
                            n.associations
                                .iter()
                                .any(|a| a.api_name() == name && a.id() == value)
                        })
                        .unwrap_or(true)
                })
                .map(wire::phone_number)
                .collect();
            ok(page("PhoneNumbers", items, p.next))
        }
        ops::UPDATE_NUMBER => {
            let b: wire::UpdateItem = r.json()?;
            let n = e164(&id)?;
            let updates = updates_of(&b)?;
            if updates.is_empty() {
                return Err(WireError::bad_request("nothing to update"));
            }
            let mut last = None;
            for u in &updates {
                last = Some(api.update_number(&n, u).await?);
            }
            let last = last.expect("at least one update");
            ok(json!({ "PhoneNumber": wire::phone_number(&last) }))
        }
        ops::BATCH_UPDATE => {
            let b: wire::BatchUpdate = r.json()?;
            let mut items = Vec::new();
            for item in &b.update_phone_number_request_items {
                let n = e164(item.phone_number_id.as_deref().unwrap_or(""))?;
                let mut u = updates_of(item)?;
                if u.len() != 1 {
                    return Err(WireError::bad_request(format!(
                        "update one attribute at a time for each item ({n} has {})",
                        u.len()
                    )));
                }
                items.push((n, u.remove(0)));
            }
            ok(wire::failures(&api.batch_update_numbers(&items).await?))
        }
        ops::DELETE_NUMBER => {
            let n = e164(&id)?;
            let failures = api.delete_numbers(std::slice::from_ref(&n)).await?;
            match failures.into_iter().next() {
                // DeletePhoneNumber answers only these two for a number it keeps.
                Some(f) if f.code == "NotFound" => Err(WireError::not_found(f.message)),
                Some(f) => Err(WireError::bad_request(f.message)),
                None => Ok((204, None)),
            }
        }
        ops::BATCH_DELETE => {
            let b: wire::BatchDelete = r.json()?;
            ok(wire::failures(
                &api.delete_numbers(&numbers(&b.phone_number_ids)?).await?,
            ))
        }
        ops::RESTORE => {
            let n = api.restore_number(&e164(&id)?).await?;
            ok(json!({ "PhoneNumber": wire::phone_number(&n) }))
        }
        ops::ASSOCIATE_VC | ops::ASSOCIATE_GROUP => {
            let b: wire::Associate = r.json()?;
            let target = if op == ops::ASSOCIATE_VC {
                Association::VoiceConnector(id)
            } else {
                Association::VoiceConnectorGroup(id)
            };
            let f = api
                .associate(
                    &target,
                    &numbers(&b.e164_phone_numbers)?,
                    b.force_associate.unwrap_or(false),
                )
                .await?;
            ok(wire::failures(&f))
        }
        ops::DISASSOCIATE_VC | ops::DISASSOCIATE_GROUP => {
            let b: wire::Associate = r.json()?;
            let target = if op == ops::DISASSOCIATE_VC {
                Association::VoiceConnector(id)
            } else {
                Association::VoiceConnectorGroup(id)
            };
            ok(wire::failures(
                &api.disassociate(&target, &numbers(&b.e164_phone_numbers)?)
                    .await?,
            ))
        }
        ops::GET_SETTINGS => {
            let s = api.get_settings().await?;
            ok(
                json!({ "CallingName": s.calling_name, "CallingNameUpdatedTimestamp": wire::time(s.updated_at) }),
            )
        }
        ops::UPDATE_SETTINGS => {
            let b: wire::Settings = r.json()?;
            api.update_settings(&b.calling_name).await?;
            Ok((204, None))
        }
        ops::LIST_VCS => {
            let p = api
                .list_voice_connectors(r.q("next-token").as_deref())
                .await?;
            ok(page(
                "VoiceConnectors",
                p.items.iter().map(wire::connector).collect(),
                p.next,
            ))
        }
        ops::CREATE_VC => {
            let b: wire::Connector = r.json()?;
            let region = b.aws_region.unwrap_or_else(|| "us-east-1".into());
            let v = api
                .create_voice_connector(&b.name, &region, b.require_encryption)
                .await?;
            Ok((201, Some(json!({ "VoiceConnector": wire::connector(&v) }))))
        }
        "GetVoiceConnector" => {
            let vcs = all(|n| async move { api.list_voice_connectors(n.as_deref()).await }).await?;
            let v = vcs
                .iter()
                .find(|v| v.id == id)
                .ok_or_else(|| WireError::not_found(format!("voice connector {id}")))?;
            ok(json!({ "VoiceConnector": wire::connector(v) }))
        }
        ops::UPDATE_VC => {
            let b: wire::Connector = r.json()?;
            let v = api
                .update_voice_connector(&id, &b.name, b.require_encryption)
                .await?;
            ok(json!({ "VoiceConnector": wire::connector(&v) }))
        }
        ops::DELETE_VC => {
            api.delete_voice_connector(&id).await?;
            Ok((204, None))
        }
        ops::LIST_GROUPS => {
            let p = api.list_groups(r.q("next-token").as_deref()).await?;
            ok(page(
                "VoiceConnectorGroups",
                p.items.iter().map(wire::group).collect(),
                p.next,
            ))
        }
        ops::CREATE_GROUP | ops::UPDATE_GROUP => {
            let b: wire::Group = r.json()?;
            let members = b
                .voice_connector_items
                .iter()
                .map(|i| {
                    u8::try_from(i.priority)
                        .map(|priority| CarrierGroupMember {
                            connector_id: i.voice_connector_id.clone(),
                            priority,
                        })
                        .map_err(|_| {
                            WireError::bad_request(format!(
                                "a priority is 1 to 99, not {}",
                                i.priority
                            ))
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if op == ops::CREATE_GROUP {
                let g = api.create_group(&b.name, &members).await?;
                Ok((201, Some(json!({ "VoiceConnectorGroup": wire::group(&g) }))))
            } else {
                let g = api.update_group(&id, &b.name, &members).await?;
                Ok((202, Some(json!({ "VoiceConnectorGroup": wire::group(&g) }))))
            }
        }
        "GetVoiceConnectorGroup" => {
            let groups = all(|n| async move { api.list_groups(n.as_deref()).await }).await?;
            let g = groups
                .iter()
                .find(|g| g.id == id)
                .ok_or_else(|| WireError::not_found(format!("voice connector group {id}")))?;
            ok(json!({ "VoiceConnectorGroup": wire::group(g) }))
        }
        ops::DELETE_GROUP => {
            api.delete_group(&id).await?;
            Ok((204, None))
        }
        ops::LIST_SMAS => {
            let p = api
                .list_sip_media_applications(r.q("next-token").as_deref())
                .await?;
            ok(page(
                "SipMediaApplications",
                p.items.iter().map(wire::sip_media_application).collect(),
                p.next,
            ))
        }
        ops::LIST_RULES => {
            let p = api.list_sip_rules(r.q("next-token").as_deref()).await?;
            let apps =
                all(|n| async move { api.list_sip_media_applications(n.as_deref()).await }).await?;
            let region_of = |id: &str| apps.iter().find(|a| a.id == id).map(|a| a.region.clone());
            let wanted = r.q("sip-media-application");
            let items = p
                .items
                .iter()
                .filter(|rule| {
                    wanted
                        .as_ref()
                        .map(|w| rule.targets.contains(w))
                        .unwrap_or(true)
                })
                .map(|rule| wire::sip_rule(rule, region_of))
                .collect();
            ok(page("SipRules", items, p.next))
        }
        ops::CREATE_RULE => {
            let b: wire::NewRule = r.json()?;
            if b.trigger_type != SipRule::TO_PHONE_NUMBER {
                return Err(WireError::bad_request(
                    "the simulated carrier makes SIP rules with TriggerType ToPhoneNumber only",
                ));
            }
            let [target] = b.target_applications.as_slice() else {
                return Err(WireError::bad_request(
                    "the simulated carrier makes SIP rules with one target application",
                ));
            };
            if b.disabled {
                return Err(WireError::bad_request(
                    "the simulated carrier makes SIP rules enabled",
                ));
            }
            let rule = api
                .create_sip_rule(&NewSipRule {
                    name: b.name,
                    number: e164(&b.trigger_value)?,
                    sma_id: target.sip_media_application_id.clone(),
                    region: target.aws_region.clone().unwrap_or_default(),
                })
                .await?;
            let region = target.aws_region.clone();
            Ok((
                201,
                Some(json!({ "SipRule": wire::sip_rule(&rule, |_| region.clone()) })),
            ))
        }
        ops::UPDATE_RULE => {
            let b: wire::RuleUpdate = r.json()?;
            let rules = all(|n| async move { api.list_sip_rules(n.as_deref()).await }).await?;
            let old = rules
                .iter()
                .find(|x| x.id == id)
                .ok_or_else(|| WireError::not_found(format!("SIP rule {id}")))?;
            let rule = api
                .update_sip_rule(&id, &b.name, b.disabled.unwrap_or(old.disabled))
                .await?;
            let apps =
                all(|n| async move { api.list_sip_media_applications(n.as_deref()).await }).await?;
            let region_of = |id: &str| apps.iter().find(|a| a.id == id).map(|a| a.region.clone());
            Ok((
                202,
                Some(json!({ "SipRule": wire::sip_rule(&rule, region_of) })),
            ))
        }
        ops::DELETE_RULE => {
            api.delete_sip_rule(&id).await?;
            Ok((204, None))
        }
        _ => Err(WireError::not_found(format!("no operation {op}"))),
    }
}

/// The attributes an update item sets, in the API's order.
fn updates_of(item: &wire::UpdateItem) -> Result<Vec<NumberUpdate>, WireError> {
    let mut out = Vec::new();
    if let Some(p) = &item.product_type {
        out.push(NumberUpdate::ProductType(product_type(p)?));
    }
    if let Some(c) = &item.calling_name {
        out.push(NumberUpdate::CallingName(c.clone()));
    }
    if let Some(n) = &item.name {
        out.push(NumberUpdate::Name(n.clone()));
    }
    Ok(out)
}
