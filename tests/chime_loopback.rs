//! The real `aws-sdk-chimesdkvoice` client (its serialisation, SigV4 signing and error
//! parsing) against the loopback server in front of the simulated carrier. Offline: the
//! client's endpoint is the loopback port. Build with `--features aws`.
#![cfg(feature = "aws")]

use aws_sdk_chimesdkvoice as voice;
use phonedesk::carrier::api::{CarrierApi, CarrierNumberStatus};
use phonedesk::carrier::loopback::{LoopbackServer, SimAdmin};
use phonedesk::carrier::sim::{SimCarrier, SimClock, SimSettings};
use phonedesk::domain::{Policy, ProductType, Timestamp, E164};
use std::sync::Arc;
use std::time::Duration;
use voice::types::{PhoneNumberProductType, UpdatePhoneNumberRequestItem, VoiceConnectorItem};

struct Fixture {
    client: voice::Client,
    sim: Arc<SimCarrier>,
    clock: Arc<SimClock>,
    server: LoopbackServer,
    _dir: tempfile::TempDir,
}

fn client(url: &str, timeout: Option<Duration>) -> voice::Client {
    use aws_smithy_http_client::tls;
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut conf = voice::Config::builder()
        .behavior_version(voice::config::BehaviorVersion::latest())
        .region(voice::config::Region::new("us-east-1"))
        .credentials_provider(voice::config::Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        ))
        .endpoint_url(url)
        .retry_config(voice::config::retry::RetryConfig::disabled())
        .http_client(http);
    if let Some(t) = timeout {
        conf = conf.timeout_config(
            voice::config::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(t)
                .build(),
        );
    }
    voice::Client::from_conf(conf.build())
}

async fn fixture_with(page_size: usize, limit: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::Config::new().path(dir.path()).open().unwrap();
    let clock = SimClock::fixed(Timestamp(1_800_000_000_000));
    let mut settings = SimSettings::from_policy(&Policy::default(), 3, 0.0);
    settings.page_size = page_size;
    settings.inventory_limit = limit;
    let sim = Arc::new(
        SimCarrier::open(db.open_tree("carrier").unwrap(), settings, clock.as_clock()).unwrap(),
    );
    let admin = SimAdmin {
        sim: Arc::clone(&sim),
        clock: Arc::clone(&clock),
    };
    let server = LoopbackServer::start(
        "127.0.0.1:0".parse().unwrap(),
        Arc::clone(&sim) as Arc<dyn CarrierApi>,
        Some(admin),
    )
    .await
    .unwrap();
    Fixture {
        client: client(&server.url(), None),
        sim,
        clock,
        server,
        _dir: dir,
    }
}

async fn fixture() -> Fixture {
    fixture_with(100, 25).await
}

/// Numbers bought and acquired.
async fn bought(f: &Fixture, count: i32) -> Vec<String> {
    let found = f
        .client
        .search_available_phone_numbers()
        .state("WA")
        .max_results(count)
        .send()
        .await
        .unwrap();
    let numbers = found.e164_phone_numbers().to_vec();
    f.client
        .create_phone_number_order()
        .product_type(PhoneNumberProductType::VoiceConnector)
        .set_e164_phone_numbers(Some(numbers.clone()))
        .send()
        .await
        .unwrap();
    f.clock.advance(Duration::from_secs(3600));
    numbers
}

#[tokio::test]
async fn search_pages_through_distinct_numbers() {
    let f = fixture().await;
    let one = f
        .client
        .search_available_phone_numbers()
        .city("Seattle")
        .state("WA")
        .country("US")
        .max_results(5)
        .send()
        .await
        .unwrap();
    assert_eq!(one.e164_phone_numbers().len(), 5);
    let token = one.next_token().expect("a full page has a next token");
    let two = f
        .client
        .search_available_phone_numbers()
        .city("Seattle")
        .state("WA")
        .max_results(5)
        .next_token(token)
        .send()
        .await
        .unwrap();
    assert!(two
        .e164_phone_numbers()
        .iter()
        .all(|n| !one.e164_phone_numbers().contains(n)));
    let tf = f
        .client
        .search_available_phone_numbers()
        .toll_free_prefix("888")
        .max_results(3)
        .send()
        .await
        .unwrap();
    assert!(tf
        .e164_phone_numbers()
        .iter()
        .all(|n| n.starts_with("+1888")));
    let countries = f
        .client
        .list_supported_phone_number_countries()
        .product_type(PhoneNumberProductType::VoiceConnector)
        .send()
        .await
        .unwrap();
    assert_eq!(
        countries.phone_number_countries()[0].country_code(),
        Some("US")
    );
}

#[tokio::test]
async fn an_order_completes_and_its_numbers_are_managed() {
    let f = fixture_with(2, 25).await;
    let found = f
        .client
        .search_available_phone_numbers()
        .area_code("206")
        .max_results(3)
        .send()
        .await
        .unwrap();
    let numbers = found.e164_phone_numbers().to_vec();
    let created = f
        .client
        .create_phone_number_order()
        .product_type(PhoneNumberProductType::VoiceConnector)
        .set_e164_phone_numbers(Some(numbers.clone()))
        .name("Front desk")
        .send()
        .await
        .unwrap();
    let order = created.phone_number_order().unwrap();
    assert_eq!(order.status().unwrap().as_str(), "Processing");
    assert!(order.created_timestamp().is_some());
    let id = order.phone_number_order_id().unwrap().to_string();
    f.clock.advance(Duration::from_secs(61));
    let got = f
        .client
        .get_phone_number_order()
        .phone_number_order_id(&id)
        .send()
        .await
        .unwrap();
    let order = got.phone_number_order().unwrap();
    assert_eq!(order.status().unwrap().as_str(), "Successful");
    assert!(order
        .ordered_phone_numbers()
        .iter()
        .all(|o| o.status().unwrap().as_str() == "Acquired"));
    let orders = f.client.list_phone_number_orders().send().await.unwrap();
    assert_eq!(orders.phone_number_orders().len(), 1);

    // The inventory, two per page.
    let mut listed = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = f
            .client
            .list_phone_numbers()
            .set_next_token(next.clone())
            .max_results(2)
            .send()
            .await
            .unwrap();
        assert!(page.phone_numbers().len() <= 2);
        listed.extend(
            page.phone_numbers()
                .iter()
                .map(|p| p.e164_phone_number().unwrap().to_string()),
        );
        next = page.next_token().map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    let mut want = numbers.clone();
    want.sort();
    assert_eq!(listed, want);

    // The id in the path is the E.164 number, percent-encoded by the SDK.
    let n = &numbers[0];
    let p = f
        .client
        .get_phone_number()
        .phone_number_id(n)
        .send()
        .await
        .unwrap();
    let p = p.phone_number().unwrap();
    assert_eq!(p.status().unwrap().as_str(), "Unassigned");
    assert_eq!(p.name(), Some("Front desk"));
    assert_eq!(p.country(), Some("US"));
    assert!(p.capabilities().unwrap().inbound_call().unwrap());

    let updated = f
        .client
        .update_phone_number()
        .phone_number_id(n)
        .name("Sales line")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.phone_number().unwrap().name(), Some("Sales line"));
    let batch = f
        .client
        .batch_update_phone_number()
        .update_phone_number_request_items(
            UpdatePhoneNumberRequestItem::builder()
                .phone_number_id(n)
                .calling_name("Acme")
                .build()
                .unwrap(),
        )
        .update_phone_number_request_items(
            UpdatePhoneNumberRequestItem::builder()
                .phone_number_id(&numbers[1])
                .name("bad/label")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(batch.phone_number_errors().len(), 1);
    assert_eq!(
        batch.phone_number_errors()[0].phone_number_id(),
        Some(numbers[1].as_str())
    );
    let p = f
        .client
        .get_phone_number()
        .phone_number_id(n)
        .send()
        .await
        .unwrap();
    assert_eq!(
        p.phone_number()
            .unwrap()
            .calling_name_status()
            .unwrap()
            .as_str(),
        "UpdateInProgress"
    );

    // Associate with a voice connector, then with a group (moving needs force).
    let vcs = f.client.list_voice_connectors().send().await.unwrap();
    let vc = vcs.voice_connectors()[0]
        .voice_connector_id()
        .unwrap()
        .to_string();
    let a = f
        .client
        .associate_phone_numbers_with_voice_connector()
        .voice_connector_id(&vc)
        .e164_phone_numbers(n)
        .force_associate(false)
        .send()
        .await
        .unwrap();
    assert!(a.phone_number_errors().is_empty());
    let groups = f.client.list_voice_connector_groups().send().await.unwrap();
    let group = groups.voice_connector_groups()[0]
        .voice_connector_group_id()
        .unwrap()
        .to_string();
    let refused = f
        .client
        .associate_phone_numbers_with_voice_connector_group()
        .voice_connector_group_id(&group)
        .e164_phone_numbers(n)
        .force_associate(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.phone_number_errors()[0]
            .error_code()
            .unwrap()
            .as_str(),
        "PhoneNumberAssociationsExist"
    );
    f.client
        .associate_phone_numbers_with_voice_connector_group()
        .voice_connector_group_id(&group)
        .e164_phone_numbers(n)
        .force_associate(true)
        .send()
        .await
        .unwrap();
    let by_group = f
        .client
        .list_phone_numbers()
        .filter_name(voice::types::PhoneNumberAssociationName::VoiceConnectorGroupId)
        .filter_value(&group)
        .send()
        .await
        .unwrap();
    assert_eq!(by_group.phone_numbers().len(), 1);
    let p = f
        .client
        .get_phone_number()
        .phone_number_id(n)
        .send()
        .await
        .unwrap();
    let assoc = &p.phone_number().unwrap().associations()[0];
    assert_eq!(assoc.name().unwrap().as_str(), "VoiceConnectorGroupId");
    assert_eq!(assoc.value(), Some(group.as_str()));
    // An associated number is not deleted.
    let e = f
        .client
        .delete_phone_number()
        .phone_number_id(n)
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_bad_request_exception());
    f.client
        .disassociate_phone_numbers_from_voice_connector_group()
        .voice_connector_group_id(&group)
        .e164_phone_numbers(n)
        .send()
        .await
        .unwrap();

    // Delete one, batch-delete the others, restore one.
    f.client
        .delete_phone_number()
        .phone_number_id(n)
        .send()
        .await
        .unwrap();
    let b = f
        .client
        .batch_delete_phone_number()
        .phone_number_ids(&numbers[1])
        .phone_number_ids(&numbers[2])
        .send()
        .await
        .unwrap();
    assert!(b.phone_number_errors().is_empty());
    let p = f
        .client
        .get_phone_number()
        .phone_number_id(n)
        .send()
        .await
        .unwrap();
    let p = p.phone_number().unwrap();
    assert_eq!(p.status().unwrap().as_str(), "DeleteInProgress");
    assert!(p.deletion_timestamp().is_some());
    let r = f
        .client
        .restore_phone_number()
        .phone_number_id(n)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.phone_number().unwrap().status().unwrap().as_str(),
        "Unassigned"
    );
    // Seven days later the others are gone.
    f.clock.advance(Duration::from_secs(7 * 86_400));
    let e = f
        .client
        .get_phone_number()
        .phone_number_id(&numbers[1])
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_not_found_exception());
    // Product type switch of an unassigned number.
    let sma = f
        .client
        .update_phone_number()
        .phone_number_id(n)
        .product_type(PhoneNumberProductType::SipMediaApplicationDialIn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sma.phone_number().unwrap().product_type().unwrap().as_str(),
        "SipMediaApplicationDialIn"
    );
}

#[tokio::test]
async fn settings_connectors_groups_and_sip_resources() {
    let f = fixture().await;
    f.client
        .update_phone_number_settings()
        .calling_name("Acme Corp")
        .send()
        .await
        .unwrap();
    let s = f.client.get_phone_number_settings().send().await.unwrap();
    assert_eq!(s.calling_name(), Some("Acme Corp"));
    assert!(s.calling_name_updated_timestamp().is_some());
    let e = f
        .client
        .update_phone_number_settings()
        .calling_name("Other")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_bad_request_exception());

    let vc = f
        .client
        .create_voice_connector()
        .name("Tokyo trunk")
        .aws_region(voice::types::VoiceConnectorAwsRegion::ApNortheast1)
        .require_encryption(true)
        .send()
        .await
        .unwrap();
    let vc = vc.voice_connector().unwrap();
    let id = vc.voice_connector_id().unwrap().to_string();
    assert_eq!(vc.aws_region().unwrap().as_str(), "ap-northeast-1");
    let got = f
        .client
        .get_voice_connector()
        .voice_connector_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.voice_connector().unwrap().name(), Some("Tokyo trunk"));
    let up = f
        .client
        .update_voice_connector()
        .voice_connector_id(&id)
        .name("Osaka trunk")
        .require_encryption(false)
        .send()
        .await
        .unwrap();
    assert_eq!(
        up.voice_connector().unwrap().require_encryption(),
        Some(false)
    );

    let g = f
        .client
        .create_voice_connector_group()
        .name("Asia")
        .voice_connector_items(
            VoiceConnectorItem::builder()
                .voice_connector_id(&id)
                .priority(1)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let gid = g
        .voice_connector_group()
        .unwrap()
        .voice_connector_group_id()
        .unwrap()
        .to_string();
    let e = f
        .client
        .create_voice_connector_group()
        .name("Bad")
        .voice_connector_items(
            VoiceConnectorItem::builder()
                .voice_connector_id(&id)
                .priority(100)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_bad_request_exception());
    let e = f
        .client
        .delete_voice_connector()
        .voice_connector_id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_conflict_exception());
    let ug = f
        .client
        .update_voice_connector_group()
        .voice_connector_group_id(&gid)
        .name("Asia Pacific")
        .set_voice_connector_items(Some(vec![]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        ug.voice_connector_group().unwrap().name(),
        Some("Asia Pacific")
    );
    let gg = f
        .client
        .get_voice_connector_group()
        .voice_connector_group_id(&gid)
        .send()
        .await
        .unwrap();
    assert!(gg
        .voice_connector_group()
        .unwrap()
        .voice_connector_items()
        .is_empty());
    f.client
        .delete_voice_connector_group()
        .voice_connector_group_id(&gid)
        .send()
        .await
        .unwrap();
    f.client
        .delete_voice_connector()
        .voice_connector_id(&id)
        .send()
        .await
        .unwrap();
    let e = f
        .client
        .get_voice_connector()
        .voice_connector_id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_not_found_exception());

    let apps = f.client.list_sip_media_applications().send().await.unwrap();
    assert_eq!(apps.sip_media_applications().len(), 2);
    let app = &apps.sip_media_applications()[0];
    // A SIP rule triggered by a SIP Media Application Dial-In number, over the wire.
    let n = E164::parse("+12065550142").unwrap();
    f.sim
        .console_buy(
            std::slice::from_ref(&n),
            ProductType::SipMediaApplicationDialIn,
        )
        .unwrap();
    use voice::types::{SipRuleTargetApplication, SipRuleTriggerType};
    let made = f
        .client
        .create_sip_rule()
        .name("front door")
        .trigger_type(SipRuleTriggerType::ToPhoneNumber)
        .trigger_value(n.as_str())
        .target_applications(
            SipRuleTargetApplication::builder()
                .sip_media_application_id(app.sip_media_application_id().unwrap())
                .priority(1)
                .aws_region(app.aws_region().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = made.sip_rule().unwrap().sip_rule_id().unwrap().to_string();
    let rules = f.client.list_sip_rules().send().await.unwrap();
    let rule = &rules.sip_rules()[0];
    assert_eq!(rule.trigger_type().unwrap().as_str(), "ToPhoneNumber");
    assert_eq!(rule.trigger_value(), Some(n.as_str()));
    assert_eq!(rule.target_applications().len(), 1);
    let p = f
        .client
        .get_phone_number()
        .phone_number_id(n.as_str())
        .send()
        .await
        .unwrap();
    let assoc = &p.phone_number().unwrap().associations()[0];
    assert_eq!(assoc.name().unwrap().as_str(), "SipRuleId");
    // An enabled rule is not deleted; disabled, it is.
    let e = f
        .client
        .delete_sip_rule()
        .sip_rule_id(&id)
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_bad_request_exception());
    f.client
        .update_sip_rule()
        .sip_rule_id(&id)
        .name("front door")
        .disabled(true)
        .send()
        .await
        .unwrap();
    f.client
        .delete_sip_rule()
        .sip_rule_id(&id)
        .send()
        .await
        .unwrap();
    assert!(f
        .client
        .list_sip_rules()
        .send()
        .await
        .unwrap()
        .sip_rules()
        .is_empty());
}

#[tokio::test]
async fn errors_arrive_typed() {
    let f = fixture_with(100, 2).await;
    let e = f
        .client
        .get_phone_number()
        .phone_number_id("+12065550100")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_not_found_exception());
    let e = f
        .client
        .associate_phone_numbers_with_voice_connector()
        .voice_connector_id("nope")
        .e164_phone_numbers("+12065550100")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_not_found_exception());
    let found = f
        .client
        .search_available_phone_numbers()
        .state("WA")
        .max_results(3)
        .send()
        .await
        .unwrap();
    let e = f
        .client
        .create_phone_number_order()
        .product_type(PhoneNumberProductType::VoiceConnector)
        .set_e164_phone_numbers(Some(found.e164_phone_numbers().to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(e
        .into_service_error()
        .is_resource_limit_exceeded_exception());
    let e = f
        .client
        .create_phone_number_order()
        .product_type(PhoneNumberProductType::VoiceConnector)
        .e164_phone_numbers("+442079460123")
        .send()
        .await
        .unwrap_err();
    let e = e.into_service_error();
    assert!(e.is_bad_request_exception());
    assert!(e.to_string().contains("outside the US"), "{e}");
}

#[tokio::test]
async fn faults_reach_the_client() {
    let f = fixture().await;
    let faults = f.sim.faults();
    faults.throttle_next(1);
    let e = f
        .client
        .get_phone_number_settings()
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_throttled_client_exception());
    faults.fail_next(1, 500);
    let e = f
        .client
        .get_phone_number_settings()
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_service_failure_exception());
    faults.fail_next(1, 503);
    let e = f
        .client
        .get_phone_number_settings()
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_service_unavailable_exception());
    assert_eq!(f.server.counts().get("GetPhoneNumberSettings"), 3);

    // A slow answer times the client out.
    faults.delay_next(1, Duration::from_millis(800));
    let impatient = client(&f.server.url(), Some(Duration::from_millis(200)));
    let e = impatient
        .get_phone_number_settings()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e, voice::error::SdkError::TimeoutError(_)),
        "{e:?}"
    );

    // Acquisitions that fail.
    faults.fail_next_acquisitions(1);
    let numbers = bought(&f, 2).await;
    let orders = f.client.list_phone_number_orders().send().await.unwrap();
    assert_eq!(
        orders.phone_number_orders()[0].status().unwrap().as_str(),
        "Partial"
    );
    let failed = f
        .client
        .list_phone_numbers()
        .status("AcquireFailed")
        .send()
        .await
        .unwrap();
    assert_eq!(failed.phone_numbers().len(), 1);
    let good = numbers
        .iter()
        .find(|n| failed.phone_numbers()[0].e164_phone_number() != Some(n.as_str()))
        .unwrap()
        .clone();

    // A per-number failure inside a 200.
    faults.fail_number(E164::parse(&good).unwrap(), "ServiceFailure");
    let b = f
        .client
        .batch_delete_phone_number()
        .phone_number_ids(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(
        b.phone_number_errors()[0].error_code().unwrap().as_str(),
        "ServiceFailure"
    );
    faults.clear();

    // Applied, but the reply is lost: the order exists once.
    let more = f
        .client
        .search_available_phone_numbers()
        .state("OR")
        .max_results(2)
        .send()
        .await
        .unwrap();
    faults.fail_reply_next(1, Some("CreatePhoneNumberOrder"));
    let e = f
        .client
        .create_phone_number_order()
        .product_type(PhoneNumberProductType::VoiceConnector)
        .set_e164_phone_numbers(Some(more.e164_phone_numbers().to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_service_failure_exception());
    assert_eq!(f.server.counts().get("CreatePhoneNumberOrder"), 2);
    let orders = f.client.list_phone_number_orders().send().await.unwrap();
    assert_eq!(orders.phone_number_orders().len(), 2);
    let n = E164::parse(&more.e164_phone_numbers()[0]).unwrap();
    assert_eq!(
        f.sim.get_number(&n).await.unwrap().status,
        CarrierNumberStatus::AcquireInProgress
    );

    // A number bought in the AWS console shows up.
    let console = E164::nanp(206, 215, 4321);
    f.sim
        .console_buy(std::slice::from_ref(&console), ProductType::VoiceConnector)
        .unwrap();
    let p = f
        .client
        .get_phone_number()
        .phone_number_id(console.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(
        p.phone_number().unwrap().status().unwrap().as_str(),
        "Unassigned"
    );
}

#[tokio::test]
async fn the_loopback_server_says_whose_credentials_these_are_as_sts_does() {
    use phonedesk::carrier::chime::{config_loader, AwsSession, ChimeSettings, Connected};
    let f = fixture().await;
    let settings = ChimeSettings {
        region: "us-west-2".into(),
        profile: None,
        endpoint_url: Some(f.server.url()),
        timeout: Duration::from_secs(10),
    };
    let sdk = config_loader(&settings)
        .unwrap()
        .credentials_provider(aws_credential_types::Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        ))
        .load()
        .await;
    let session = AwsSession::from_sdk_config(sdk).unwrap();
    let connected = Connected {
        api: Arc::new(session.carrier()),
        session,
    };
    let (short, long) = connected.whose().await;
    assert_eq!(short, "AWS 111122223333 us-west-2");
    assert_eq!(
        long,
        "AWS account 111122223333 in us-west-2, as arn:aws:iam::111122223333:user/phonedesk"
    );
    assert_eq!(f.server.counts().all().get("GetCallerIdentity"), Some(&1));
}
