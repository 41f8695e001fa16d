//! `CarrierApi` on `aws-sdk-chimesdkvoice`: one API call per method, the answer converted
//! (`convert`) and every error said in plain words (`errors`). Phone numbers are passed as
//! E.164 (`+12065550123`); the SDK percent-encodes path labels once.

use super::convert::{self, number_from_api, product_type_to_api, untrusted};
use super::errors::carrier_error;
use super::ops::Operation;
use crate::carrier::api::{
    Association, AvailableSearch, CarrierApi, CarrierConnector, CarrierError, CarrierGroup,
    CarrierGroupMember, CarrierNumber, CarrierOrder, CarrierResult, CarrierSettings, NewOrder,
    NewSipRule, NumberFailure, NumberUpdate, Page, SipMediaApplication, SipRule, SupportedCountry,
};
use crate::domain::{ProductType, E164};
use aws_sdk_chimesdkvoice::types::UpdatePhoneNumberRequestItem;
use aws_sdk_chimesdkvoice::Client;

/// The most a list page asks for (the API's maximum for these lists).
const LIST_PAGE: i32 = 100;

/// The Chime SDK Voice API of one AWS account and region.
#[derive(Debug, Clone)]
pub struct ChimeCarrier {
    client: Client,
    region: String,
    endpoint_url: Option<String>,
    /// AWS Support, where ports are filed.
    support: Option<super::support::AwsSupport>,
}

impl ChimeCarrier {
    /// Made by `AwsSession::carrier`, which checks the endpoint.
    pub(super) fn new(client: Client, region: String, endpoint_url: Option<String>) -> Self {
        ChimeCarrier {
            client,
            region,
            endpoint_url,
            support: None,
        }
    }

    /// Files ports and support requests at `support` (`AwsSession::support`).
    pub fn with_support(mut self, support: super::support::AwsSupport) -> Self {
        self.support = Some(support);
        self
    }
}

fn number_what(n: &E164) -> String {
    format!("phone number {n}")
}

fn missing(what: &str) -> CarrierError {
    CarrierError::Unreadable(format!("an answer without the {what}"))
}

fn numbers_text(numbers: &[E164]) -> Vec<String> {
    numbers.iter().map(|n| n.as_str().to_string()).collect()
}

fn sip_rule_refused() -> CarrierError {
    CarrierError::BadRequest(
        "a number reaches a SIP media application through a SIP rule's trigger, \
         not by associating it"
            .to_string(),
    )
}

#[async_trait::async_trait]
impl CarrierApi for ChimeCarrier {
    fn describe(&self) -> String {
        match &self.endpoint_url {
            Some(url) => format!("Chime SDK Voice ({}, at {})", self.region, untrusted(url)),
            None => format!("Chime SDK Voice ({})", self.region),
        }
    }

    fn support(&self) -> Option<&dyn crate::carrier::support::SupportCases> {
        self.support
            .as_ref()
            .map(|s| s as &dyn crate::carrier::support::SupportCases)
    }

    async fn search_available_numbers(&self, q: &AvailableSearch) -> CarrierResult<Page<E164>> {
        let out = self
            .client
            .search_available_phone_numbers()
            .set_area_code(q.area_code.clone())
            .set_city(q.city.clone())
            .set_state(q.state.clone())
            .set_country(q.country.clone())
            .set_toll_free_prefix(q.toll_free_prefix.clone())
            .set_phone_number_type(q.number_type.map(convert::number_type_to_api))
            .set_max_results((q.max_results > 0).then(|| q.max_results.min(500) as i32))
            .set_next_token(q.next.clone())
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::SearchAvailablePhoneNumbers,
                    "numbers to search",
                    e,
                )
            })?;
        Ok(Page {
            items: out
                .e164_phone_numbers()
                .iter()
                .map(|n| number_from_api(n))
                .collect::<CarrierResult<_>>()?,
            next: out.next_token().map(str::to_string),
        })
    }

    async fn list_supported_countries(
        &self,
        product_type: ProductType,
    ) -> CarrierResult<Vec<SupportedCountry>> {
        let out = self
            .client
            .list_supported_phone_number_countries()
            .product_type(product_type_to_api(product_type)?)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::ListSupportedPhoneNumberCountries,
                    "list of countries",
                    e,
                )
            })?;
        out.phone_number_countries()
            .iter()
            .map(convert::country)
            .collect()
    }

    async fn create_order(&self, order: &NewOrder) -> CarrierResult<CarrierOrder> {
        let out = self
            .client
            .create_phone_number_order()
            .product_type(product_type_to_api(order.product_type)?)
            .set_e164_phone_numbers(Some(numbers_text(&order.numbers)))
            .set_name(order.name.clone())
            .send()
            .await
            .map_err(|e| carrier_error(Operation::CreatePhoneNumberOrder, "order", e))?;
        convert::order(out.phone_number_order().ok_or_else(|| missing("order"))?)
    }

    async fn get_order(&self, id: &str) -> CarrierResult<CarrierOrder> {
        let out = self
            .client
            .get_phone_number_order()
            .phone_number_order_id(id)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::GetPhoneNumberOrder,
                    &format!("order {}", untrusted(id)),
                    e,
                )
            })?;
        convert::order(out.phone_number_order().ok_or_else(|| missing("order"))?)
    }

    async fn list_orders(&self, next: Option<&str>) -> CarrierResult<Page<CarrierOrder>> {
        let out = self
            .client
            .list_phone_number_orders()
            .max_results(LIST_PAGE)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| carrier_error(Operation::ListPhoneNumberOrders, "orders", e))?;
        Ok(Page {
            items: out
                .phone_number_orders()
                .iter()
                .map(convert::order)
                .collect::<CarrierResult<_>>()?,
            next: out.next_token().map(str::to_string),
        })
    }

    async fn get_number(&self, number: &E164) -> CarrierResult<CarrierNumber> {
        let out = self
            .client
            .get_phone_number()
            .phone_number_id(number.as_str())
            .send()
            .await
            .map_err(|e| carrier_error(Operation::GetPhoneNumber, &number_what(number), e))?;
        convert::number(out.phone_number().ok_or_else(|| missing("phone number"))?)
    }

    async fn list_numbers(&self, next: Option<&str>) -> CarrierResult<Page<CarrierNumber>> {
        let out = self
            .client
            .list_phone_numbers()
            .max_results(LIST_PAGE)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| carrier_error(Operation::ListPhoneNumbers, "phone numbers", e))?;
        Ok(Page {
            items: out
                .phone_numbers()
                .iter()
                .map(convert::number)
                .collect::<CarrierResult<_>>()?,
            next: out.next_token().map(str::to_string),
        })
    }

    async fn associate(
        &self,
        target: &Association,
        numbers: &[E164],
        force: bool,
    ) -> CarrierResult<Vec<NumberFailure>> {
        let errors = match target {
            Association::VoiceConnector(id) => self
                .client
                .associate_phone_numbers_with_voice_connector()
                .voice_connector_id(id)
                .set_e164_phone_numbers(Some(numbers_text(numbers)))
                .force_associate(force)
                .send()
                .await
                .map_err(|e| {
                    carrier_error(
                        Operation::AssociatePhoneNumbersWithVoiceConnector,
                        &format!("voice connector {}", untrusted(id)),
                        e,
                    )
                })?
                .phone_number_errors()
                .to_vec(),
            Association::VoiceConnectorGroup(id) => self
                .client
                .associate_phone_numbers_with_voice_connector_group()
                .voice_connector_group_id(id)
                .set_e164_phone_numbers(Some(numbers_text(numbers)))
                .force_associate(force)
                .send()
                .await
                .map_err(|e| {
                    carrier_error(
                        Operation::AssociatePhoneNumbersWithVoiceConnectorGroup,
                        &format!("voice connector group {}", untrusted(id)),
                        e,
                    )
                })?
                .phone_number_errors()
                .to_vec(),
            Association::SipRule(_) => return Err(sip_rule_refused()),
        };
        convert::failures(&errors)
    }

    async fn disassociate(
        &self,
        target: &Association,
        numbers: &[E164],
    ) -> CarrierResult<Vec<NumberFailure>> {
        let errors = match target {
            Association::VoiceConnector(id) => self
                .client
                .disassociate_phone_numbers_from_voice_connector()
                .voice_connector_id(id)
                .set_e164_phone_numbers(Some(numbers_text(numbers)))
                .send()
                .await
                .map_err(|e| {
                    carrier_error(
                        Operation::DisassociatePhoneNumbersFromVoiceConnector,
                        &format!("voice connector {}", untrusted(id)),
                        e,
                    )
                })?
                .phone_number_errors()
                .to_vec(),
            Association::VoiceConnectorGroup(id) => self
                .client
                .disassociate_phone_numbers_from_voice_connector_group()
                .voice_connector_group_id(id)
                .set_e164_phone_numbers(Some(numbers_text(numbers)))
                .send()
                .await
                .map_err(|e| {
                    carrier_error(
                        Operation::DisassociatePhoneNumbersFromVoiceConnectorGroup,
                        &format!("voice connector group {}", untrusted(id)),
                        e,
                    )
                })?
                .phone_number_errors()
                .to_vec(),
            Association::SipRule(_) => return Err(sip_rule_refused()),
        };
        convert::failures(&errors)
    }

    async fn update_number(
        &self,
        number: &E164,
        update: &NumberUpdate,
    ) -> CarrierResult<CarrierNumber> {
        let call = self
            .client
            .update_phone_number()
            .phone_number_id(number.as_str());
        let call = match update {
            NumberUpdate::ProductType(p) => call.product_type(product_type_to_api(*p)?),
            NumberUpdate::CallingName(name) => call.calling_name(name),
            NumberUpdate::Name(name) => call.name(name),
        };
        let out = call
            .send()
            .await
            .map_err(|e| carrier_error(Operation::UpdatePhoneNumber, &number_what(number), e))?;
        convert::number(out.phone_number().ok_or_else(|| missing("phone number"))?)
    }

    async fn batch_update_numbers(
        &self,
        items: &[(E164, NumberUpdate)],
    ) -> CarrierResult<Vec<NumberFailure>> {
        let mut call = self.client.batch_update_phone_number();
        for (number, update) in items {
            let item = UpdatePhoneNumberRequestItem::builder().phone_number_id(number.as_str());
            let item = match update {
                NumberUpdate::ProductType(p) => item.product_type(product_type_to_api(*p)?),
                NumberUpdate::CallingName(name) => item.calling_name(name),
                NumberUpdate::Name(name) => item.name(name),
            };
            call = call.update_phone_number_request_items(
                item.build()
                    .map_err(|_| CarrierError::BadRequest("a change without its number".into()))?,
            );
        }
        let out = call
            .send()
            .await
            .map_err(|e| carrier_error(Operation::BatchUpdatePhoneNumber, "phone numbers", e))?;
        convert::failures(out.phone_number_errors())
    }

    async fn delete_numbers(&self, numbers: &[E164]) -> CarrierResult<Vec<NumberFailure>> {
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        let out = self
            .client
            .batch_delete_phone_number()
            .set_phone_number_ids(Some(numbers_text(numbers)))
            .send()
            .await
            .map_err(|e| carrier_error(Operation::BatchDeletePhoneNumber, "phone numbers", e))?;
        convert::failures(out.phone_number_errors())
    }

    async fn restore_number(&self, number: &E164) -> CarrierResult<CarrierNumber> {
        let out = self
            .client
            .restore_phone_number()
            .phone_number_id(number.as_str())
            .send()
            .await
            .map_err(|e| carrier_error(Operation::RestorePhoneNumber, &number_what(number), e))?;
        convert::number(out.phone_number().ok_or_else(|| missing("phone number"))?)
    }

    async fn get_settings(&self) -> CarrierResult<CarrierSettings> {
        let out = self
            .client
            .get_phone_number_settings()
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::GetPhoneNumberSettings,
                    "phone number settings",
                    e,
                )
            })?;
        Ok(convert::settings(
            out.calling_name(),
            out.calling_name_updated_timestamp(),
        ))
    }

    async fn update_settings(&self, calling_name: &str) -> CarrierResult<()> {
        self.client
            .update_phone_number_settings()
            .calling_name(calling_name)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::UpdatePhoneNumberSettings,
                    "phone number settings",
                    e,
                )
            })?;
        Ok(())
    }

    async fn list_voice_connectors(
        &self,
        next: Option<&str>,
    ) -> CarrierResult<Page<CarrierConnector>> {
        let out = self
            .client
            .list_voice_connectors()
            .max_results(LIST_PAGE)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| carrier_error(Operation::ListVoiceConnectors, "voice connectors", e))?;
        Ok(Page {
            items: out
                .voice_connectors()
                .iter()
                .map(convert::connector)
                .collect::<CarrierResult<_>>()?,
            next: out.next_token().map(str::to_string),
        })
    }

    async fn create_voice_connector(
        &self,
        name: &str,
        region: &str,
        encryption: bool,
    ) -> CarrierResult<CarrierConnector> {
        let out = self
            .client
            .create_voice_connector()
            .name(name)
            .aws_region(convert::region_to_api(region)?)
            .require_encryption(encryption)
            .send()
            .await
            .map_err(|e| carrier_error(Operation::CreateVoiceConnector, "voice connector", e))?;
        convert::connector(
            out.voice_connector()
                .ok_or_else(|| missing("voice connector"))?,
        )
    }

    async fn update_voice_connector(
        &self,
        id: &str,
        name: &str,
        encryption: bool,
    ) -> CarrierResult<CarrierConnector> {
        let out = self
            .client
            .update_voice_connector()
            .voice_connector_id(id)
            .name(name)
            .require_encryption(encryption)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::UpdateVoiceConnector,
                    &format!("voice connector {}", untrusted(id)),
                    e,
                )
            })?;
        convert::connector(
            out.voice_connector()
                .ok_or_else(|| missing("voice connector"))?,
        )
    }

    async fn delete_voice_connector(&self, id: &str) -> CarrierResult<()> {
        self.client
            .delete_voice_connector()
            .voice_connector_id(id)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::DeleteVoiceConnector,
                    &format!("voice connector {}", untrusted(id)),
                    e,
                )
            })?;
        Ok(())
    }

    async fn list_groups(&self, next: Option<&str>) -> CarrierResult<Page<CarrierGroup>> {
        let out = self
            .client
            .list_voice_connector_groups()
            .max_results(LIST_PAGE)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::ListVoiceConnectorGroups,
                    "voice connector groups",
                    e,
                )
            })?;
        Ok(Page {
            items: out
                .voice_connector_groups()
                .iter()
                .map(convert::group)
                .collect::<CarrierResult<_>>()?,
            next: out.next_token().map(str::to_string),
        })
    }

    async fn create_group(
        &self,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<CarrierGroup> {
        let out = self
            .client
            .create_voice_connector_group()
            .name(name)
            .set_voice_connector_items(Some(convert::group_members(members)?))
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::CreateVoiceConnectorGroup,
                    "voice connector group",
                    e,
                )
            })?;
        convert::group(
            out.voice_connector_group()
                .ok_or_else(|| missing("voice connector group"))?,
        )
    }

    async fn update_group(
        &self,
        id: &str,
        name: &str,
        members: &[CarrierGroupMember],
    ) -> CarrierResult<CarrierGroup> {
        let out = self
            .client
            .update_voice_connector_group()
            .voice_connector_group_id(id)
            .name(name)
            .set_voice_connector_items(Some(convert::group_members(members)?))
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::UpdateVoiceConnectorGroup,
                    &format!("voice connector group {}", untrusted(id)),
                    e,
                )
            })?;
        convert::group(
            out.voice_connector_group()
                .ok_or_else(|| missing("voice connector group"))?,
        )
    }

    async fn delete_group(&self, id: &str) -> CarrierResult<()> {
        self.client
            .delete_voice_connector_group()
            .voice_connector_group_id(id)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::DeleteVoiceConnectorGroup,
                    &format!("voice connector group {}", untrusted(id)),
                    e,
                )
            })?;
        Ok(())
    }

    async fn list_sip_media_applications(
        &self,
        next: Option<&str>,
    ) -> CarrierResult<Page<SipMediaApplication>> {
        let out = self
            .client
            .list_sip_media_applications()
            .max_results(LIST_PAGE)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::ListSipMediaApplications,
                    "SIP media applications",
                    e,
                )
            })?;
        Ok(Page {
            items: out
                .sip_media_applications()
                .iter()
                .map(convert::sip_media_application)
                .collect::<CarrierResult<_>>()?,
            next: out.next_token().map(str::to_string),
        })
    }

    async fn list_sip_rules(&self, next: Option<&str>) -> CarrierResult<Page<SipRule>> {
        let out = self
            .client
            .list_sip_rules()
            .max_results(LIST_PAGE)
            .set_next_token(next.map(str::to_string))
            .send()
            .await
            .map_err(|e| carrier_error(Operation::ListSipRules, "SIP rules", e))?;
        Ok(Page {
            items: out
                .sip_rules()
                .iter()
                .map(convert::sip_rule)
                .collect::<CarrierResult<_>>()?,
            next: out.next_token().map(str::to_string),
        })
    }

    async fn create_sip_rule(&self, rule: &NewSipRule) -> CarrierResult<SipRule> {
        use aws_sdk_chimesdkvoice::types::{SipRuleTargetApplication, SipRuleTriggerType};
        let target = SipRuleTargetApplication::builder()
            .sip_media_application_id(&rule.sma_id)
            .priority(1)
            .aws_region(&rule.region)
            .build();
        let out = self
            .client
            .create_sip_rule()
            .name(&rule.name)
            .trigger_type(SipRuleTriggerType::ToPhoneNumber)
            .trigger_value(rule.number.as_str())
            .disabled(false)
            .target_applications(target)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::CreateSipRule,
                    &format!("SIP rule for {}", rule.number),
                    e,
                )
            })?;
        convert::sip_rule(out.sip_rule().ok_or_else(|| missing("SIP rule"))?)
    }

    async fn update_sip_rule(
        &self,
        id: &str,
        name: &str,
        disabled: bool,
    ) -> CarrierResult<SipRule> {
        let out = self
            .client
            .update_sip_rule()
            .sip_rule_id(id)
            .name(name)
            .disabled(disabled)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::UpdateSipRule,
                    &format!("SIP rule {}", untrusted(id)),
                    e,
                )
            })?;
        convert::sip_rule(out.sip_rule().ok_or_else(|| missing("SIP rule"))?)
    }

    async fn delete_sip_rule(&self, id: &str) -> CarrierResult<()> {
        self.client
            .delete_sip_rule()
            .sip_rule_id(id)
            .send()
            .await
            .map_err(|e| {
                carrier_error(
                    Operation::DeleteSipRule,
                    &format!("SIP rule {}", untrusted(id)),
                    e,
                )
            })?;
        Ok(())
    }
}
