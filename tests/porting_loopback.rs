//! Porting through the real `aws-sdk-support` and `aws-sdk-chimesdkvoice` clients against
//! the loopback server (the simulated carrier and its simulated AWS Support desk): the
//! engine, the job worker and the sync, over the wire, with static test credentials.
#![cfg(feature = "aws")]

mod support;

use phonedesk::carrier::api::{AvailableSearch, CarrierApi};
use phonedesk::carrier::chime::{config_loader, AwsSession, ChimeSettings};
use phonedesk::carrier::loopback::{LoopbackServer, SimAdmin};
use phonedesk::carrier::sim::{SimCarrier, SimClock, SimSettings};
use phonedesk::carrier::support::PortCodeOverrides;
use phonedesk::carrier::worker::{self, WorkerSettings};
use phonedesk::domain::*;
use phonedesk::engine::Engine;
use std::sync::Arc;
use std::time::Duration;
use support::*;

const DAY: Duration = Duration::from_secs(24);

struct Rig {
    engine: Arc<Engine>,
    chime: Arc<dyn CarrierApi>,
    sim: Arc<SimCarrier>,
    clock: Arc<SimClock>,
    server: LoopbackServer,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

impl Rig {
    async fn new(overrides: PortCodeOverrides) -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let carrier_dir = tempfile::tempdir().unwrap();
        let mut policy = fast_policy(50);
        policy.carrier_remote = true;
        let engine = Arc::new(open(dir.path(), policy.clone(), 0.0));
        let clock = SimClock::fixed(Timestamp(1_800_000_000_000));
        let db = sled::Config::new().path(carrier_dir.path()).open().unwrap();
        let sim = Arc::new(
            SimCarrier::open(
                db.open_tree("carrier").unwrap(),
                SimSettings::from_policy(&policy, 7, 0.0),
                clock.as_clock(),
            )
            .unwrap(),
        );
        let server = LoopbackServer::start(
            "127.0.0.1:0".parse().unwrap(),
            Arc::clone(&sim) as Arc<dyn CarrierApi>,
            Some(SimAdmin {
                sim: Arc::clone(&sim),
                clock: Arc::clone(&clock),
            }),
        )
        .await
        .unwrap();
        let settings = ChimeSettings {
            region: "us-west-2".into(),
            profile: None,
            endpoint_url: Some(server.url()),
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
        let chime: Arc<dyn CarrierApi> = Arc::new(
            session
                .carrier()
                .with_support(session.support().with_overrides(overrides)),
        );
        engine.set_remote(Arc::clone(&chime));
        Rig {
            engine,
            chime,
            sim,
            clock,
            server,
            _dirs: (dir, carrier_dir),
        }
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    fn act(&self, action: Action) -> Outcome {
        self.engine
            .dispatch(&admin(), action, self.now())
            .unwrap_or_else(|e| panic!("refused: {e}"))
    }

    async fn settle(&self, job: JobId) -> worker::Answered {
        let clock = Arc::clone(&self.clock);
        let now = move || clock.now();
        let settings = WorkerSettings {
            backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
            ..Default::default()
        };
        worker::run_until_answered(
            &self.engine,
            self.chime.as_ref(),
            &settings,
            &[job],
            Duration::from_secs(20),
            &now,
        )
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.job == job)
        .unwrap_or_else(|| panic!("{job} got no final answer"))
    }

    async fn sync(&self) -> phonedesk::carrier::sync::SyncReport {
        let clock = Arc::clone(&self.clock);
        let now = move || clock.now();
        phonedesk::carrier::sync::sync(&self.engine, self.chime.as_ref(), &now)
            .await
            .unwrap()
    }

    fn request(&self, id: &RequestId) -> SupportRequest {
        self.engine.store().request(id).unwrap().unwrap()
    }

    /// A raw `/_sim/` call, as a test harness or a demo makes it.
    async fn sim_post(&self, path: &str, body: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(self.server.addr())
            .await
            .unwrap();
        let req = format!(
            "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }
}

fn port_in(rig: &Rig, numbers: Vec<E164>) -> Action {
    Action::SubmitRequest(NewRequest::PortIn {
        form: PortIn {
            btn: numbers[0].clone(),
            numbers,
            product_type: ProductType::VoiceConnector,
            authorizing_person: "Ana Lopez".into(),
            current_carrier: Some("Old Telco".into()),
            service_account_number: None,
            service_pin: None,
            service_address: "1 Main St, Seattle WA".into(),
            customer_name: "Acme".into(),
            requested_at: rig.now().plus(Duration::from_secs(3600)),
            voice_connector: Some(VoiceConnectorId::from_seq(1)),
        },
        email: "ana@example.com".into(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_in_goes_over_the_wire_from_the_case_to_the_inventory() {
    let rig = Rig::new(PortCodeOverrides::default()).await;
    rig.sync().await;
    let numbers = rig
        .sim
        .search_available_numbers(&AvailableSearch {
            area_code: Some("206".into()),
            country: Some("US".into()),
            max_results: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .items;
    let o = rig.act(port_in(&rig, numbers.clone()));
    let request = o.request.clone().unwrap();
    let a = rig.settle(o.job.unwrap()).await;
    assert!(a.ok, "{}", a.message);
    let counts = rig.server.counts();
    assert_eq!(counts.get("CreateCase"), 1);
    assert_eq!(counts.get("DescribeServices"), 1);

    rig.clock.advance(DAY);
    rig.sync().await;
    let r = rig.request(&request);
    assert_eq!(r.status, RequestStatus::PendingDocuments, "{:?}", r.thread);
    assert!(r.thread.iter().any(|m| m.author == Author::Support));

    let o = rig.act(Action::SubmitLoaFile {
        request: request.clone(),
        loa: Loa {
            carrier: "Old Telco".into(),
            authorizing_person: "Ana Lopez".into(),
            btn: numbers[0].clone(),
            service_address: "1 Main St, Seattle WA".into(),
            submitted_at: rig.now(),
        },
        file: LoaFile {
            name: "loa.pdf".into(),
            data: b"%PDF-1.4 signed LOA".to_vec(),
        },
    });
    let a = rig.settle(o.job.unwrap()).await;
    assert!(a.ok, "{}", a.message);
    assert_eq!(counts.get("AddAttachmentsToSet"), 1);
    rig.clock.advance(DAY);
    rig.sync().await;
    let r = rig.request(&request);
    assert_eq!(r.status, RequestStatus::Foc);
    assert!(r.foc_date.is_some());
    assert!(
        r.thread
            .iter()
            .any(|m| m.author == Author::Administrator && m.text.contains("LOA")),
        "{:?}",
        r.thread
    );

    rig.clock.advance(Duration::from_secs(29 * 24));
    rig.sync().await;
    assert_eq!(rig.request(&request).status, RequestStatus::Completed);
    for n in &numbers {
        let p = rig.engine.store().number(n).unwrap().unwrap();
        assert_eq!(p.status, NumberStatus::Unassigned, "{n}");
    }
    assert_eq!(counts.get("CreateCase"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_support_plan_the_sdk_error_becomes_one_plain_sentence() {
    let rig = Rig::new(PortCodeOverrides::default()).await;
    let answer = rig
        .sim_post("/_sim/support-plan", r#"{"allowed": false}"#)
        .await;
    assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    let o = rig.act(Action::SubmitRequest(NewRequest::Other {
        category: Category::General,
        subject: "Limits".into(),
        issue: "What is my limit?".into(),
        email: "ana@example.com".into(),
    }));
    let a = rig.settle(o.job.unwrap()).await;
    assert!(!a.ok);
    assert!(
        a.message
            .contains("support plan does not allow the Support API"),
        "{}",
        a.message
    );
    assert_eq!(
        rig.request(&o.request.unwrap()).status,
        RequestStatus::Submitted
    );
    rig.sim_post("/_sim/support-plan", r#"{"allowed": true}"#)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_from_the_config_are_sent_as_they_are() {
    let rig = Rig::new(PortCodeOverrides {
        service_code: Some("not-a-service".into()),
        ..Default::default()
    })
    .await;
    let o = rig.act(Action::SubmitRequest(NewRequest::Other {
        category: Category::General,
        subject: "Limits".into(),
        issue: "What is my limit?".into(),
        email: "ana@example.com".into(),
    }));
    let a = rig.settle(o.job.unwrap()).await;
    assert!(!a.ok);
    assert!(a.message.contains("not-a-service"), "{}", a.message);
}
