//! Request shapes and answers of every operation, offline: the real SDK client (its
//! serialisation and SigV4 signing) against `StaticReplayClient`, on a loopback endpoint
//! with static test credentials and an empty environment, so nothing can reach AWS.

use super::*;
use crate::carrier::api::{
    Association, AvailableSearch, CarrierApi, CarrierError, CarrierGroupMember,
    CarrierNumberStatus, CarrierOrderStatus, NewOrder, NumberUpdate,
};
use crate::carrier::support::{CaseAttachment, CaseQuery, NewCase, SupportCases};
use crate::domain::{
    CallingNameStatus, NumberType, OrderType, OrderedNumberStatus, ProductType, Timestamp, E164,
};
use aws_smithy_http_client::test_util::{NeverClient, ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use serde_json::{json, Value};
use std::time::Duration;

const ENDPOINT: &str = "http://127.0.0.1:1";

fn settings(endpoint: &str, timeout: Duration) -> ChimeSettings {
    ChimeSettings {
        region: "us-east-1".into(),
        profile: None,
        endpoint_url: Some(endpoint.into()),
        timeout,
    }
}

/// The production loader with test credentials and no host environment on top.
fn test_loader(endpoint: &str, timeout: Duration) -> aws_config::ConfigLoader {
    config_loader(&settings(endpoint, timeout))
        .unwrap()
        .empty_test_environment()
        .test_credentials()
}

/// One exchange: what phonedesk should send, what the service answers.
struct Exchange {
    method: &'static str,
    path: String,
    body: Option<Value>,
    status: u16,
    headers: Vec<(&'static str, String)>,
    reply: String,
}

fn send(method: &'static str, path: &str, body: Option<Value>) -> Exchange {
    Exchange {
        method,
        path: path.to_string(),
        body,
        status: 200,
        headers: vec![("content-type", "application/json".into())],
        reply: "{}".into(),
    }
}

impl Exchange {
    fn answer(mut self, status: u16, reply: Value) -> Exchange {
        self.status = status;
        self.reply = reply.to_string();
        self
    }

    fn error(mut self, status: u16, code: &str, message: &str) -> Exchange {
        self.status = status;
        self.headers.push(("x-amzn-errortype", code.to_string()));
        self.reply = json!({ "Message": message }).to_string();
        self
    }

    fn event(&self) -> ReplayEvent {
        let body = self.body.as_ref().map_or(String::new(), Value::to_string);
        let mut response = http::Response::builder().status(self.status);
        for (k, v) in &self.headers {
            response = response.header(*k, v);
        }
        ReplayEvent::new(
            http::Request::builder()
                .method(self.method)
                .uri(format!("{ENDPOINT}{}", self.path))
                .body(SdkBody::from(body))
                .unwrap(),
            response.body(SdkBody::from(self.reply.clone())).unwrap(),
        )
    }
}

/// A session whose HTTP client replays `exchanges`, and that client.
async fn replay(exchanges: &[Exchange]) -> (AwsSession, StaticReplayClient) {
    let http = StaticReplayClient::new(exchanges.iter().map(Exchange::event).collect());
    let sdk = test_loader(ENDPOINT, Duration::from_secs(5))
        .http_client(http.clone())
        .load()
        .await;
    (AwsSession::from_sdk_config(sdk).unwrap(), http)
}

/// Checks method, path and query, and JSON body of every request sent.
fn assert_sent(http: &StaticReplayClient, exchanges: &[Exchange]) {
    let actual: Vec<_> = http.actual_requests().collect();
    assert_eq!(actual.len(), exchanges.len(), "number of requests sent");
    for (req, want) in actual.iter().zip(exchanges) {
        assert_eq!(req.method(), want.method, "method of {}", want.path);
        assert_eq!(req.uri(), format!("{ENDPOINT}{}", want.path));
        let sent = req.body().bytes().unwrap_or(&[]);
        match &want.body {
            Some(body) => {
                let sent: Value = serde_json::from_slice(sent).expect("a JSON body");
                assert_eq!(&sent, body, "body of {} {}", want.method, want.path);
            }
            None => assert!(
                sent.is_empty() || sent == b"{}",
                "no body expected for {} {}",
                want.method,
                want.path
            ),
        }
        assert!(
            req.headers()
                .get("authorization")
                .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256")),
            "requests are signed"
        );
    }
}

/// Runs `call` against a carrier replaying `exchanges`, then checks what was sent.
async fn carrier_call<T>(
    exchanges: Vec<Exchange>,
    call: impl AsyncFnOnce(&ChimeCarrier) -> T,
) -> T {
    let (session, http) = replay(&exchanges).await;
    let out = call(&session.carrier()).await;
    assert_sent(&http, &exchanges);
    out
}

fn n(text: &str) -> E164 {
    E164::parse(text).unwrap()
}

fn number_json(id: &str, status: &str) -> Value {
    json!({
        "PhoneNumberId": id,
        "E164PhoneNumber": "+12065550100",
        "Country": "US",
        "Type": "Local",
        "ProductType": "VoiceConnector",
        "Status": status,
        "Capabilities": {"InboundCall": true, "OutboundCall": true, "InboundSMS": true, "OutboundSMS": false},
        "Associations": [{"Value": "abcdef1ghij2klmno3pqr4", "Name": "VoiceConnectorId", "AssociatedTimestamp": "2026-12-01T10:00:00Z"}],
        "CallingName": "ACME",
        "CallingNameStatus": "UpdateInProgress",
        "CreatedTimestamp": "2026-12-01T09:00:00Z",
        "UpdatedTimestamp": "2026-12-01T10:00:00.500Z",
        "OrderId": "1b4a2b0c-0000-4000-8000-000000000001",
        "Name": "Front desk"
    })
}

#[tokio::test]
async fn search_sends_the_filters_as_the_query_and_reads_a_page() {
    let page = carrier_call(
        vec![send(
            "GET",
            "/search?type=phone-numbers&area-code=206&city=Seattle&country=US&state=WA&phone-number-type=Local&max-results=10&next-token=t1",
            None,
        )
        .answer(200, json!({"E164PhoneNumbers": ["+12065550100", "%2B12065550101"], "NextToken": "t2"}))],
        async |c| {
            c.search_available_numbers(&AvailableSearch {
                area_code: Some("206".into()),
                city: Some("Seattle".into()),
                state: Some("WA".into()),
                country: Some("US".into()),
                number_type: Some(NumberType::Local),
                max_results: 10,
                next: Some("t1".into()),
                ..Default::default()
            })
            .await
        },
    )
    .await
    .unwrap();
    assert_eq!(page.items, vec![n("+12065550100"), n("+12065550101")]);
    assert_eq!(page.next.as_deref(), Some("t2"));
}

#[tokio::test]
async fn an_order_is_posted_once_and_read_back() {
    let order = carrier_call(
        vec![send(
            "POST",
            "/phone-number-orders",
            Some(json!({"ProductType": "VoiceConnector", "E164PhoneNumbers": ["+12065550100", "+12065550101"], "Name": "Front desk"})),
        )
        .answer(201, json!({"PhoneNumberOrder": {
            "PhoneNumberOrderId": "1b4a2b0c-0000-4000-8000-000000000001",
            "ProductType": "VoiceConnector",
            "Status": "Processing",
            "OrderType": "New",
            "OrderedPhoneNumbers": [
                {"E164PhoneNumber": "+12065550100", "Status": "Processing"},
                {"E164PhoneNumber": "+12065550101", "Status": "Failed"}
            ],
            "CreatedTimestamp": "2026-12-07T05:00:00Z",
            "UpdatedTimestamp": "2026-12-07T05:00:01Z"
        }}))],
        async |c| {
            c.create_order(&NewOrder {
                product_type: ProductType::VoiceConnector,
                numbers: vec![n("+12065550100"), n("+12065550101")],
                name: Some("Front desk".into()),
            })
            .await
        },
    )
    .await
    .unwrap();
    assert_eq!(order.id, "1b4a2b0c-0000-4000-8000-000000000001");
    assert_eq!(order.status, CarrierOrderStatus::Processing);
    assert_eq!(order.order_type, OrderType::New);
    assert_eq!(
        order.numbers,
        vec![
            (n("+12065550100"), OrderedNumberStatus::Processing),
            (n("+12065550101"), OrderedNumberStatus::Failed)
        ]
    );
    assert_eq!(order.created_at, Some(Timestamp(1_796_619_600_000)));
    assert_eq!(order.foc_date, None);
}

#[tokio::test]
async fn business_calling_is_refused_before_anything_is_sent() {
    let err = carrier_call(vec![], async |c| {
        c.create_order(&NewOrder {
            product_type: ProductType::BusinessCalling,
            numbers: vec![n("+12065550100")],
            name: None,
        })
        .await
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("Business Calling ended"), "{err}");
}

#[tokio::test]
async fn porting_orders_keep_their_status_and_foc_date() {
    let orders = carrier_call(
        vec![
            send("GET", "/phone-number-orders/order-1", None).answer(
                200,
                json!({"PhoneNumberOrder": {"PhoneNumberOrderId": "order-1", "ProductType": "VoiceConnector",
                    "Status": "FOC", "OrderType": "Porting", "FocDate": "2026-12-20",
                    "OrderedPhoneNumbers": [{"E164PhoneNumber": "+12065550100", "Status": "Processing"}]}}),
            ),
            send("GET", "/phone-number-orders?next-token=p2&max-results=100", None).answer(
                200,
                json!({"PhoneNumberOrders": [{"PhoneNumberOrderId": "order-2", "ProductType": "SipMediaApplicationDialIn",
                    "Status": "Partial", "OrderType": "New", "OrderedPhoneNumbers": []}]}),
            ),
        ],
        async |c| (c.get_order("order-1").await, c.list_orders(Some("p2")).await),
    )
    .await;
    let one = orders.0.unwrap();
    assert_eq!(
        (one.status, one.order_type),
        (CarrierOrderStatus::Foc, OrderType::Porting)
    );
    assert_eq!(one.foc_date.as_deref(), Some("2026-12-20"));
    let page = orders.1.unwrap();
    assert_eq!(page.next, None);
    assert_eq!(
        page.items[0].product_type,
        ProductType::SipMediaApplicationDialIn
    );
    assert_eq!(page.items[0].status, CarrierOrderStatus::Partial);
}

#[tokio::test]
async fn a_number_id_read_back_encoded_is_sent_back_encoded_once() {
    // The API may answer with the id already percent-encoded (`%2B…`); phonedesk decodes
    // it once, so the SDK's own encoding of the path gives `%2B`, never `%252B`.
    let encoded = number_json("%2B12065550100", "DeleteInProgress");
    let mut without_e164 = encoded.clone();
    without_e164
        .as_object_mut()
        .unwrap()
        .remove("E164PhoneNumber");
    let (read, restored) = carrier_call(
        vec![
            send("GET", "/phone-numbers/%2B12065550100", None)
                .answer(200, json!({"PhoneNumber": without_e164})),
            send(
                "POST",
                "/phone-numbers/%2B12065550100?operation=restore",
                None,
            )
            .answer(
                200,
                json!({"PhoneNumber": number_json("%2B12065550100", "Unassigned")}),
            ),
        ],
        async |c| {
            let read = c.get_number(&n("+12065550100")).await.unwrap();
            let restored = c.restore_number(&read.number).await.unwrap();
            (read, restored)
        },
    )
    .await;
    assert_eq!(read.number.as_str(), "+12065550100");
    assert_eq!(read.status, CarrierNumberStatus::DeleteInProgress);
    assert_eq!(restored.status, CarrierNumberStatus::Unassigned);
}

#[test]
fn ids_are_decoded_exactly_once() {
    assert_eq!(
        number_from_api("%2B12065550100").unwrap().as_str(),
        "+12065550100"
    );
    assert_eq!(
        number_from_api("+12065550100").unwrap().as_str(),
        "+12065550100"
    );
    // Encoded twice stays wrong rather than being decoded twice.
    assert!(matches!(
        number_from_api("%252B12065550100"),
        Err(CarrierError::Unreadable(_))
    ));
    assert!(matches!(
        number_from_api("12065550100"),
        Err(CarrierError::Unreadable(_))
    ));
}

#[tokio::test]
async fn a_number_reads_every_field() {
    let page = carrier_call(
        vec![send("GET", "/phone-numbers?max-results=100", None).answer(
            200,
            json!({"PhoneNumbers": [number_json("%2B12065550100", "Assigned")], "NextToken": "n2"}),
        )],
        async |c| c.list_numbers(None).await,
    )
    .await
    .unwrap();
    let got = &page.items[0];
    assert_eq!(page.next.as_deref(), Some("n2"));
    assert_eq!(got.number_type, NumberType::Local);
    assert_eq!(got.product_type, ProductType::VoiceConnector);
    assert_eq!(got.status, CarrierNumberStatus::Assigned);
    assert!(got.capabilities.inbound_sms && !got.capabilities.outbound_sms);
    assert_eq!(
        got.associations,
        vec![Association::VoiceConnector("abcdef1ghij2klmno3pqr4".into())]
    );
    assert_eq!(got.calling_name.as_deref(), Some("ACME"));
    assert_eq!(
        got.calling_name_status,
        Some(CallingNameStatus::UpdateInProgress)
    );
    assert_eq!(got.name.as_deref(), Some("Front desk"));
    assert_eq!(
        got.order_id.as_deref(),
        Some("1b4a2b0c-0000-4000-8000-000000000001")
    );
    assert_eq!(got.updated_at, Some(Timestamp(1_796_119_200_500)));
    assert_eq!(got.deletion_at, None);
    assert_eq!(got.country.as_deref(), Some("US"));
}

#[tokio::test]
async fn every_status_of_the_api_is_read() {
    for status in CarrierNumberStatus::ALL {
        let got = carrier_call(
            vec![send("GET", "/phone-numbers/%2B12065550100", None).answer(
                200,
                json!({"PhoneNumber": number_json("+12065550100", status.api_name())}),
            )],
            async |c| c.get_number(&n("+12065550100")).await,
        )
        .await
        .unwrap();
        assert_eq!(got.status, status);
    }
    let err = carrier_call(
        vec![send("GET", "/phone-numbers/%2B12065550100", None).answer(
            200,
            json!({"PhoneNumber": number_json("+12065550100", "Teleported\u{1b}[2J")}),
        )],
        async |c| c.get_number(&n("+12065550100")).await,
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the carrier answered something phonedesk cannot read: the status “Teleported\\u{1b}[2J” of +12065550100"
    );
}

#[tokio::test]
async fn associations_go_to_the_connector_or_group_and_return_per_number_failures() {
    let failures = carrier_call(
        vec![
            send(
                "POST",
                "/voice-connectors/vc1?operation=associate-phone-numbers",
                Some(json!({"E164PhoneNumbers": ["+12065550100", "+12065550101"], "ForceAssociate": false})),
            )
            .answer(200, json!({"PhoneNumberErrors": [
                {"PhoneNumberId": "%2B12065550101", "ErrorCode": "PhoneNumberAssociationsExist", "ErrorMessage": "already associated"}
            ]})),
            send(
                "POST",
                "/voice-connector-groups/g1?operation=associate-phone-numbers",
                Some(json!({"E164PhoneNumbers": ["+12065550100"], "ForceAssociate": true})),
            )
            .answer(200, json!({"PhoneNumberErrors": []})),
            send(
                "POST",
                "/voice-connectors/vc1?operation=disassociate-phone-numbers",
                Some(json!({"E164PhoneNumbers": ["+12065550100"]})),
            )
            .answer(200, json!({})),
            send(
                "POST",
                "/voice-connector-groups/g1?operation=disassociate-phone-numbers",
                Some(json!({"E164PhoneNumbers": ["+12065550100"]})),
            )
            .answer(200, json!({"PhoneNumberErrors": [
                {"PhoneNumberId": "+12065550100", "ErrorCode": "NotFound", "ErrorMessage": "gone"}
            ]})),
        ],
        async |c| {
            let vc = Association::VoiceConnector("vc1".into());
            let group = Association::VoiceConnectorGroup("g1".into());
            let one = [n("+12065550100")];
            vec![
                c.associate(&vc, &[n("+12065550100"), n("+12065550101")], false).await.unwrap(),
                c.associate(&group, &one, true).await.unwrap(),
                c.disassociate(&vc, &one).await.unwrap(),
                c.disassociate(&group, &one).await.unwrap(),
            ]
        },
    )
    .await;
    assert_eq!(failures[0].len(), 1);
    assert_eq!(failures[0][0].number, n("+12065550101"));
    assert_eq!(failures[0][0].code, "PhoneNumberAssociationsExist");
    assert_eq!(
        failures[0][0].words(),
        "+12065550101: it is still assigned at the carrier; unassign it first"
    );
    assert!(failures[1].is_empty() && failures[2].is_empty());
    assert_eq!(
        failures[3][0].words(),
        "+12065550100: the carrier no longer holds it"
    );
}

#[tokio::test]
async fn sip_rules_are_not_associated() {
    let err = carrier_call(vec![], async |c| {
        c.associate(
            &Association::SipRule("r1".into()),
            &[n("+12065550100")],
            false,
        )
        .await
    })
    .await
    .unwrap_err();
    assert!(matches!(err, CarrierError::BadRequest(_)));
}

#[tokio::test]
async fn updates_send_one_attribute_each() {
    let (one, batch) = carrier_call(
        vec![
            send("POST", "/phone-numbers/%2B12065550100", Some(json!({"CallingName": "ACME"})))
                .answer(200, json!({"PhoneNumber": number_json("+12065550100", "Assigned")})),
            send(
                "POST",
                "/phone-numbers?operation=batch-update",
                Some(json!({"UpdatePhoneNumberRequestItems": [
                    {"PhoneNumberId": "+12065550100", "ProductType": "SipMediaApplicationDialIn"},
                    {"PhoneNumberId": "+12065550101", "Name": "Lobby"}
                ]})),
            )
            .answer(200, json!({"PhoneNumberErrors": [
                {"PhoneNumberId": "+12065550101", "ErrorCode": "BadRequest", "ErrorMessage": "Name is\ninvalid"}
            ]})),
        ],
        async |c| {
            let one = c
                .update_number(&n("+12065550100"), &NumberUpdate::CallingName("ACME".into()))
                .await
                .unwrap();
            let batch = c
                .batch_update_numbers(&[
                    (
                        n("+12065550100"),
                        NumberUpdate::ProductType(ProductType::SipMediaApplicationDialIn),
                    ),
                    (n("+12065550101"), NumberUpdate::Name("Lobby".into())),
                ])
                .await
                .unwrap();
            (one, batch)
        },
    )
    .await;
    assert_eq!(one.calling_name.as_deref(), Some("ACME"));
    assert_eq!(batch[0].words(), "+12065550101: Name is invalid");
}

#[tokio::test]
async fn deletes_go_in_one_batch_and_an_empty_list_sends_nothing() {
    let failures = carrier_call(
        vec![send(
            "POST",
            "/phone-numbers?operation=batch-delete",
            Some(json!({"PhoneNumberIds": ["+12065550100", "+18005550100"]})),
        )
        .answer(200, json!({"PhoneNumberErrors": [
            {"PhoneNumberId": "+18005550100", "ErrorCode": "PhoneNumberAssociationsExist", "ErrorMessage": "x"}
        ]}))],
        async |c| {
            assert!(c.delete_numbers(&[]).await.unwrap().is_empty());
            c.delete_numbers(&[n("+12065550100"), n("+18005550100")]).await
        },
    )
    .await
    .unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].number, n("+18005550100"));
}

#[tokio::test]
async fn the_default_calling_name_is_read_and_set() {
    let (got, set) = carrier_call(
        vec![
            send("GET", "/settings/phone-number", None).answer(
                200,
                json!({"CallingName": "ACME Corp", "CallingNameUpdatedTimestamp": "2026-12-01T00:00:00Z"}),
            ),
            send("PUT", "/settings/phone-number", Some(json!({"CallingName": ""}))).answer(204, json!({})),
        ],
        async |c| (c.get_settings().await.unwrap(), c.update_settings("").await),
    )
    .await;
    assert_eq!(got.calling_name.as_deref(), Some("ACME Corp"));
    assert_eq!(got.updated_at, Some(Timestamp(1_796_083_200_000)));
    assert_eq!(set, Ok(()));
}

#[tokio::test]
async fn voice_connectors_are_listed_made_changed_and_deleted() {
    let connector = json!({"VoiceConnectorId": "abcdef1ghij2klmno3pqr4", "AwsRegion": "eu-west-2",
        "Name": "Trunk A", "OutboundHostName": "abcdef1ghij2klmno3pqr4.voiceconnector.chime.aws",
        "RequireEncryption": true});
    let out = carrier_call(
        vec![
            send(
                "GET",
                "/voice-connectors?next-token=v2&max-results=100",
                None,
            )
            .answer(200, json!({"VoiceConnectors": [connector.clone()]})),
            send(
                "POST",
                "/voice-connectors",
                Some(
                    json!({"Name": "Trunk A", "AwsRegion": "eu-west-2", "RequireEncryption": true}),
                ),
            )
            .answer(201, json!({"VoiceConnector": connector.clone()})),
            send(
                "PUT",
                "/voice-connectors/abcdef1ghij2klmno3pqr4",
                Some(json!({"Name": "Trunk B", "RequireEncryption": false})),
            )
            .answer(200, json!({"VoiceConnector": connector.clone()})),
            send("DELETE", "/voice-connectors/abcdef1ghij2klmno3pqr4", None).answer(204, json!({})),
        ],
        async |c| {
            let list = c.list_voice_connectors(Some("v2")).await.unwrap();
            let made = c
                .create_voice_connector("Trunk A", "eu-west-2", true)
                .await
                .unwrap();
            c.update_voice_connector("abcdef1ghij2klmno3pqr4", "Trunk B", false)
                .await
                .unwrap();
            c.delete_voice_connector("abcdef1ghij2klmno3pqr4")
                .await
                .unwrap();
            (list, made)
        },
    )
    .await;
    assert_eq!(out.0.items, vec![out.1.clone()]);
    assert_eq!(out.1.region, "eu-west-2");
    assert!(out.1.encryption);
    assert_eq!(
        out.1.outbound_host.as_deref(),
        Some("abcdef1ghij2klmno3pqr4.voiceconnector.chime.aws")
    );
}

#[tokio::test]
async fn a_region_outside_the_ten_is_refused_before_sending() {
    let err = carrier_call(vec![], async |c| {
        c.create_voice_connector("Trunk", "mars-north-1", false)
            .await
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("ap-southeast-2"), "{err}");
}

#[tokio::test]
async fn groups_are_listed_made_changed_and_deleted() {
    let group = json!({"VoiceConnectorGroupId": "g1", "Name": "Pair",
        "VoiceConnectorItems": [{"VoiceConnectorId": "vc1", "Priority": 1}, {"VoiceConnectorId": "vc2", "Priority": 2}]});
    let members = vec![
        CarrierGroupMember {
            connector_id: "vc1".into(),
            priority: 1,
        },
        CarrierGroupMember {
            connector_id: "vc2".into(),
            priority: 2,
        },
    ];
    let items = json!([{"VoiceConnectorId": "vc1", "Priority": 1}, {"VoiceConnectorId": "vc2", "Priority": 2}]);
    let out = carrier_call(
        vec![
            send("GET", "/voice-connector-groups?max-results=100", None).answer(
                200,
                json!({"VoiceConnectorGroups": [group.clone()], "NextToken": "x"}),
            ),
            send(
                "POST",
                "/voice-connector-groups",
                Some(json!({"Name": "Pair", "VoiceConnectorItems": items})),
            )
            .answer(201, json!({"VoiceConnectorGroup": group.clone()})),
            send(
                "PUT",
                "/voice-connector-groups/g1",
                Some(json!({"Name": "Pair", "VoiceConnectorItems": items})),
            )
            .answer(202, json!({"VoiceConnectorGroup": group.clone()})),
            send("DELETE", "/voice-connector-groups/g1", None).answer(204, json!({})),
        ],
        async |c| {
            let list = c.list_groups(None).await.unwrap();
            let made = c.create_group("Pair", &members).await.unwrap();
            c.update_group("g1", "Pair", &members).await.unwrap();
            c.delete_group("g1").await.unwrap();
            (list, made)
        },
    )
    .await;
    assert_eq!(out.0.next.as_deref(), Some("x"));
    assert_eq!(out.1.members, members);
}

#[tokio::test]
async fn sip_media_applications_rules_and_countries_are_read() {
    let (apps, rules, countries) = carrier_call(
        vec![
            send("GET", "/sip-media-applications?max-results=100", None).answer(
                200,
                json!({"SipMediaApplications": [{"SipMediaApplicationId": "sma1", "AwsRegion": "us-east-1", "Name": "IVR"}]}),
            ),
            send("GET", "/sip-rules?max-results=100&next-token=r2", None).answer(
                200,
                json!({"SipRules": [{"SipRuleId": "rule1", "Name": "Main line", "Disabled": false,
                    "TriggerType": "ToPhoneNumber", "TriggerValue": "+12065550100",
                    "TargetApplications": [{"SipMediaApplicationId": "sma1", "Priority": 1, "AwsRegion": "us-east-1"}]}]}),
            ),
            send("GET", "/phone-number-countries?product-type=SipMediaApplicationDialIn", None).answer(
                200,
                json!({"PhoneNumberCountries": [{"CountryCode": "GB", "SupportedPhoneNumberTypes": ["Local", "TollFree"]}]}),
            ),
        ],
        async |c| {
            (
                c.list_sip_media_applications(None).await.unwrap(),
                c.list_sip_rules(Some("r2")).await.unwrap(),
                c.list_supported_countries(ProductType::SipMediaApplicationDialIn)
                    .await
                    .unwrap(),
            )
        },
    )
    .await;
    assert_eq!(apps.items[0].name, "IVR");
    assert_eq!(rules.items[0].trigger_type, "ToPhoneNumber");
    assert_eq!(rules.items[0].targets, vec!["sma1".to_string()]);
    assert_eq!(countries[0].country, "GB");
    assert_eq!(
        countries[0].number_types,
        vec![NumberType::Local, NumberType::TollFree]
    );
}

/// `get_number` answered with `code`/`status`, as a carrier error.
async fn get_number_failing(status: u16, code: &str, message: &str) -> CarrierError {
    carrier_call(
        vec![send("GET", "/phone-numbers/%2B12065550100", None).error(status, code, message)],
        async |c| c.get_number(&n("+12065550100")).await,
    )
    .await
    .unwrap_err()
}

#[tokio::test]
async fn every_typed_error_becomes_a_carrier_error_in_plain_words() {
    let cases: Vec<(u16, &str, CarrierError)> = vec![
        (429, "ThrottledClientException", CarrierError::Throttled),
        (
            500,
            "ServiceFailureException",
            CarrierError::ServiceFailure { status: 500 },
        ),
        (
            503,
            "ServiceUnavailableException",
            CarrierError::Unavailable,
        ),
        (
            403,
            "AccessDeniedException",
            CarrierError::AccessDenied {
                action: "chime:GetPhoneNumber".into(),
            },
        ),
        (
            403,
            "ForbiddenException",
            CarrierError::AccessDenied {
                action: "chime:GetPhoneNumber".into(),
            },
        ),
        (
            401,
            "UnauthorizedClientException",
            CarrierError::Unauthorized("the reason".into()),
        ),
        (
            404,
            "NotFoundException",
            CarrierError::NotFound("phone number +12065550100".into()),
        ),
        (
            410,
            "GoneException",
            CarrierError::Gone("phone number +12065550100".into()),
        ),
        (
            400,
            "BadRequestException",
            CarrierError::BadRequest("the reason".into()),
        ),
        (
            409,
            "ConflictException",
            CarrierError::Conflict("the reason".into()),
        ),
        (
            422,
            "UnprocessableEntityException",
            CarrierError::Unprocessable("the reason".into()),
        ),
        (
            400,
            "ResourceLimitExceededException",
            CarrierError::ResourceLimitExceeded("the reason".into()),
        ),
        // An error code phonedesk does not know is read from its HTTP status.
        (
            409,
            "SomethingNewException",
            CarrierError::Conflict("the reason".into()),
        ),
        (502, "", CarrierError::ServiceFailure { status: 502 }),
    ];
    for (status, code, want) in cases {
        assert_eq!(
            get_number_failing(status, code, "the reason").await,
            want,
            "{code}"
        );
    }
}

#[tokio::test]
async fn access_denied_names_the_iam_action_of_the_operation() {
    let err = carrier_call(
        vec![send(
            "POST",
            "/phone-number-orders",
            Some(json!({"ProductType": "VoiceConnector", "E164PhoneNumbers": ["+12065550100"]})),
        )
        .error(403, "AccessDeniedException", "User is not authorized")],
        async |c| {
            c.create_order(&NewOrder {
                product_type: ProductType::VoiceConnector,
                numbers: vec![n("+12065550100")],
                name: None,
            })
            .await
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the AWS credentials are not allowed to call chime:CreatePhoneNumberOrder; add it to the IAM policy"
    );
}

#[tokio::test]
async fn the_services_message_is_escaped() {
    let err = get_number_failing(409, "ConflictException", "bad\u{1b}[31m red\u{202e}txt").await;
    assert_eq!(
        err.to_string(),
        "the carrier refused the change: bad\\u{1b}[31m red\\u{202e}txt"
    );
    let long = "x".repeat(1000);
    let CarrierError::BadRequest(said) =
        get_number_failing(400, "BadRequestException", &long).await
    else {
        panic!("a bad request")
    };
    assert!(said.chars().count() <= 301 && said.ends_with('…'));
}

#[tokio::test]
async fn a_server_error_is_not_resent_by_the_sdk() {
    // The SDK's standard retry mode would send CreatePhoneNumberOrder again after a 500
    // (a second order); phonedesk's worker decides instead, after reading the carrier.
    let exchanges = vec![send(
        "POST",
        "/phone-number-orders",
        Some(json!({"ProductType": "VoiceConnector", "E164PhoneNumbers": ["+12065550100"]})),
    )
    .error(500, "ServiceFailureException", "internal")];
    let (session, http) = replay(&exchanges).await;
    let err = session
        .carrier()
        .create_order(&NewOrder {
            product_type: ProductType::VoiceConnector,
            numbers: vec![n("+12065550100")],
            name: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err, CarrierError::ServiceFailure { status: 500 });
    assert!(err.may_have_applied());
    assert_eq!(http.actual_requests().count(), 1);
    let throttled = vec![send("GET", "/phone-numbers?max-results=100", None).error(
        429,
        "ThrottledClientException",
        "slow down",
    )];
    let (session, http) = replay(&throttled).await;
    assert_eq!(
        session.carrier().list_numbers(None).await.unwrap_err(),
        CarrierError::Throttled
    );
    assert_eq!(http.actual_requests().count(), 1);
}

#[tokio::test]
async fn the_loaded_configuration_has_retries_off_and_the_timeouts_of_the_settings() {
    let sdk = test_loader(ENDPOINT, Duration::from_secs(7)).load().await;
    assert_eq!(sdk.retry_config().unwrap().max_attempts(), 1);
    let timeouts = sdk.timeout_config().unwrap();
    assert_eq!(timeouts.operation_timeout(), Some(Duration::from_secs(7)));
    assert_eq!(
        timeouts.operation_attempt_timeout(),
        Some(Duration::from_secs(7))
    );
    assert_eq!(timeouts.connect_timeout(), Some(Duration::from_secs(7)));
    assert_eq!(sdk.region().unwrap().as_ref(), "us-east-1");
    assert_eq!(sdk.endpoint_url(), Some(ENDPOINT));
    let session = AwsSession::from_sdk_config(sdk).unwrap();
    assert_eq!(
        session.carrier().describe(),
        "Chime SDK Voice (us-east-1, at http://127.0.0.1:1)"
    );
}

#[tokio::test]
async fn a_call_that_never_answers_times_out() {
    let sdk = test_loader(ENDPOINT, Duration::from_millis(200))
        .http_client(NeverClient::new())
        .load()
        .await;
    let carrier = AwsSession::from_sdk_config(sdk).unwrap().carrier();
    let err = carrier.get_number(&n("+12065550100")).await.unwrap_err();
    assert_eq!(err, CarrierError::Timeout);
    assert_eq!(err.to_string(), "the carrier did not answer in time");
}

#[tokio::test]
async fn a_refused_connection_is_said_plainly_through_the_real_https_client() {
    // Port 1 on loopback: nothing listens there, the connection is refused.
    let sdk = test_loader("http://127.0.0.1:1", Duration::from_secs(5))
        .load()
        .await;
    let carrier = AwsSession::from_sdk_config(sdk).unwrap().carrier();
    let err = carrier.list_numbers(None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the carrier could not be reached: the carrier's endpoint refused the connection"
    );
    assert!(err.is_retryable());
}

#[derive(Debug)]
struct NoCredentials;

impl aws_credential_types::provider::ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(
        &'a self,
    ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::not_loaded(
                "no profile, no environment variables",
            ),
        ))
    }
}

#[tokio::test]
async fn missing_credentials_are_said_plainly() {
    let sdk = test_loader(ENDPOINT, Duration::from_secs(5))
        .credentials_provider(NoCredentials)
        .http_client(NeverClient::new())
        .load()
        .await;
    let err = AwsSession::from_sdk_config(sdk)
        .unwrap()
        .carrier()
        .get_settings()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the AWS credentials were refused: no AWS credentials were found (environment variables, \
         the profile, an SSO login or an instance role): no profile, no environment variables"
    );
}

#[tokio::test]
async fn who_am_i_reads_the_account_from_sts() {
    let reply = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/phonedesk</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"#;
    let http = StaticReplayClient::new(vec![ReplayEvent::new(
        http::Request::builder()
            .uri(format!("{ENDPOINT}/"))
            .body(SdkBody::from("Action=GetCallerIdentity&Version=2011-06-15"))
            .unwrap(),
        http::Response::builder()
            .status(200)
            .header("content-type", "text/xml")
            .body(SdkBody::from(reply))
            .unwrap(),
    )]);
    let sdk = test_loader(ENDPOINT, Duration::from_secs(5))
        .http_client(http.clone())
        .load()
        .await;
    let me = AwsSession::from_sdk_config(sdk)
        .unwrap()
        .who_am_i()
        .await
        .unwrap();
    http.assert_requests_match(&[]);
    assert_eq!(me.account, "123456789012");
    assert_eq!(
        me.to_string(),
        "AWS account 123456789012 in us-east-1, as arn:aws:iam::123456789012:user/phonedesk"
    );
}

/// An AWS Support exchange (JSON 1.1: `POST /`, the operation in `X-Amz-Target`).
fn support_exchange(target: &str, body: Value, status: u16, reply: Value) -> (String, Exchange) {
    let mut x = send("POST", "/", Some(body)).answer(status, reply);
    x.headers = vec![("content-type", "application/x-amz-json-1.1".into())];
    (format!("AWSSupport_20130415.{target}"), x)
}

async fn support_call<T>(
    exchanges: Vec<(String, Exchange)>,
    call: impl AsyncFnOnce(&AwsSupport) -> T,
) -> T {
    let only: Vec<Exchange> = exchanges
        .iter()
        .map(|(_, x)| Exchange {
            method: x.method,
            path: x.path.clone(),
            body: x.body.clone(),
            status: x.status,
            headers: x.headers.clone(),
            reply: x.reply.clone(),
        })
        .collect();
    let (session, http) = replay(&only).await;
    let out = call(&session.support()).await;
    assert_sent(&http, &only);
    let targets: Vec<String> = http
        .actual_requests()
        .map(|r| r.headers().get("x-amz-target").unwrap_or("").to_string())
        .collect();
    let want: Vec<String> = exchanges.into_iter().map(|(t, _)| t).collect();
    assert_eq!(targets, want);
    out
}

#[tokio::test]
async fn support_cases_are_filed_followed_and_resolved() {
    let out = support_call(
        vec![
            support_exchange(
                "DescribeServices",
                json!({"language": "en"}),
                200,
                json!({"services": [{"code": "chime-number-management", "name": "Chime SDK (Number Management)",
                    "categories": [{"code": "port-in", "name": "Phone Number Port In"}, {"code": "port-out", "name": "Phone Number Port Out"}]}]}),
            ),
            support_exchange(
                "AddAttachmentsToSet",
                json!({"attachments": [{"fileName": "loa.pdf", "data": "JVBERg=="}]}),
                200,
                json!({"attachmentSetId": "as-1", "expiryTime": "2026-12-07T06:00:00.000Z"}),
            ),
            support_exchange(
                "CreateCase",
                json!({"subject": "Porting phone numbers in", "communicationBody": "Numbers: +12065550100",
                    "serviceCode": "chime-number-management", "categoryCode": "port-in", "language": "en",
                    "issueType": "customer-service", "attachmentSetId": "as-1"}),
                200,
                json!({"caseId": "case-123456789012-muen-2026-abc"}),
            ),
            support_exchange(
                "AddCommunicationToCase",
                json!({"caseId": "case-123456789012-muen-2026-abc", "communicationBody": "Any news?"}),
                200,
                json!({"result": true}),
            ),
            support_exchange(
                "DescribeCommunications",
                json!({"caseId": "case-123456789012-muen-2026-abc"}),
                200,
                json!({"communications": [{"caseId": "case-123456789012-muen-2026-abc",
                    "body": "Hello,\nplease upload\u{1b}[2J the LOA", "submittedBy": "Amazon Web Services",
                    "timeCreated": "2026-12-07T05:10:00.000Z", "attachmentSet": [{"attachmentId": "a1", "fileName": "form.pdf"}]}],
                    "nextToken": "c2"}),
            ),
            support_exchange(
                "DescribeCases",
                json!({"caseIdList": ["case-123456789012-muen-2026-abc"], "includeResolvedCases": true,
                    "includeCommunications": false, "language": "en"}),
                200,
                json!({"cases": [{"caseId": "case-123456789012-muen-2026-abc", "displayId": "1234567890",
                    "subject": "Porting phone numbers in", "status": "pending-customer-action",
                    "serviceCode": "chime-number-management", "categoryCode": "port-in",
                    "timeCreated": "2026-12-07T05:00:00.000Z"}]}),
            ),
            support_exchange(
                "ResolveCase",
                json!({"caseId": "case-123456789012-muen-2026-abc"}),
                200,
                json!({"initialCaseStatus": "opened", "finalCaseStatus": "resolved"}),
            ),
        ],
        async |s| {
            let services = s.describe_services().await.unwrap();
            let set = s
                .add_attachments(None, &[CaseAttachment { file_name: "loa.pdf".into(), data: b"%PDF".to_vec() }])
                .await
                .unwrap();
            let id = s
                .create_case(&NewCase {
                    subject: "Porting phone numbers in".into(),
                    body: "Numbers: +12065550100".into(),
                    service_code: services[0].code.clone(),
                    category_code: services[0].categories[0].code.clone(),
                    issue_type: Some("customer-service".into()),
                    attachment_set_id: Some(set.id.clone()),
                    ..Default::default()
                })
                .await
                .unwrap();
            s.add_communication(&id, "Any news?", None).await.unwrap();
            let thread = s.describe_communications(&id, None).await.unwrap();
            let cases = s
                .describe_cases(&CaseQuery { case_ids: vec![id.clone()], include_resolved: true, next: None })
                .await
                .unwrap();
            let resolved = s.resolve_case(&id).await.unwrap();
            (set, id, thread, cases, resolved)
        },
    )
    .await;
    let (set, id, thread, cases, resolved) = out;
    assert_eq!(set.expires_at, Some(Timestamp(1_796_623_200_000)));
    assert_eq!(id, "case-123456789012-muen-2026-abc");
    assert_eq!(
        thread.items[0].body,
        "Hello,\nplease upload\\u{1b}[2J the LOA"
    );
    assert_eq!(thread.items[0].attachments, vec!["form.pdf".to_string()]);
    assert_eq!(thread.next.as_deref(), Some("c2"));
    assert_eq!(cases.items[0].status, "pending-customer-action");
    assert_eq!(cases.items[0].display_id.as_deref(), Some("1234567890"));
    assert_eq!(resolved, "resolved");
}

#[tokio::test]
async fn support_without_a_plan_that_allows_the_api_says_so() {
    let err = support_call(
        vec![support_exchange(
            "DescribeServices",
            json!({"language": "en"}),
            400,
            json!({"__type": "SubscriptionRequiredException", "message": "AWS Premium Support Subscription is required to use this service."}),
        )],
        async |s| s.describe_services().await,
    )
    .await
    .unwrap_err();
    assert_eq!(err, CarrierError::SubscriptionRequired);
    let err = support_call(
        vec![support_exchange(
            "ResolveCase",
            json!({"caseId": "case-x"}),
            400,
            json!({"__type": "CaseIdNotFound", "message": "no such case"}),
        )],
        async |s| s.resolve_case("case-x").await,
    )
    .await
    .unwrap_err();
    assert_eq!(err.to_string(), "the carrier has no support case case-x");
}
