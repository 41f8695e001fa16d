//! The server with a plain HTTP/1.1 client (the AWS SDK tests are in
//! `tests/chime_loopback.rs`, with `--features aws`).

use super::*;
use crate::carrier::sim::{SimCarrier, SimClock, SimSettings};
use crate::domain::{Policy, ProductType, Timestamp, E164};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Fixture {
    server: LoopbackServer,
    sim: Arc<SimCarrier>,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::Config::new().path(dir.path()).open().unwrap();
    let clock = SimClock::fixed(Timestamp(1_800_000_000_000));
    let sim = Arc::new(
        SimCarrier::open(
            db.open_tree("carrier").unwrap(),
            SimSettings::from_policy(&Policy::default(), 1, 0.0),
            clock.as_clock(),
        )
        .unwrap(),
    );
    let admin = SimAdmin {
        sim: Arc::clone(&sim),
        clock,
    };
    let server = LoopbackServer::start(
        "127.0.0.1:0".parse().unwrap(),
        sim.clone() as Arc<dyn CarrierApi>,
        Some(admin),
    )
    .await
    .unwrap();
    Fixture {
        server,
        sim,
        _dir: dir,
    }
}

/// (status, headers in lower case, body)
async fn send(addr: SocketAddr, method: &str, target: &str, body: &str) -> (u16, String, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{method} {target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    let status = head[9..12].parse().unwrap();
    (status, head.to_lowercase(), body.to_string())
}

#[tokio::test]
async fn only_loopback_addresses_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let db = sled::Config::new().path(dir.path()).open().unwrap();
    let sim = SimCarrier::open(
        db.open_tree("c").unwrap(),
        SimSettings::from_policy(&Policy::default(), 1, 0.0),
        SimClock::system().as_clock(),
    )
    .unwrap();
    let e = LoopbackServer::start("0.0.0.0:0".parse().unwrap(), Arc::new(sim), None)
        .await
        .err()
        .unwrap();
    assert!(e.to_string().contains("not a loopback address"), "{e}");
}

#[tokio::test]
async fn a_percent_encoded_number_is_found_and_errors_carry_their_type() {
    let f = fixture().await;
    let n = E164::nanp(206, 215, 4321);
    f.sim
        .console_buy(std::slice::from_ref(&n), ProductType::VoiceConnector)
        .unwrap();
    let (status, _, body) = send(f.server.addr(), "GET", "/phone-numbers/%2B12062154321", "").await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["PhoneNumber"]["E164PhoneNumber"], "+12062154321");
    assert_eq!(v["PhoneNumber"]["Status"], "Unassigned");
    let (status, head, body) =
        send(f.server.addr(), "GET", "/phone-numbers/%2B12062159999", "").await;
    assert_eq!(status, 404);
    assert!(
        head.contains("x-amzn-errortype: notfoundexception"),
        "{head}"
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["Code"], "NotFound");
    assert_eq!(f.server.counts().get("GetPhoneNumber"), 2);
}

#[tokio::test]
async fn batch_items_take_one_attribute() {
    let f = fixture().await;
    let body = r#"{"UpdatePhoneNumberRequestItems":[{"PhoneNumberId":"+12062154321","Name":"a","CallingName":"Acme"}]}"#;
    let (status, head, _) = send(
        f.server.addr(),
        "POST",
        "/phone-numbers?operation=batch-update",
        body,
    )
    .await;
    assert_eq!(status, 400);
    assert!(head.contains("badrequestexception"));
}

#[tokio::test]
async fn the_simulation_controls_move_the_clock_and_count() {
    let f = fixture().await;
    let (status, _, body) = send(
        f.server.addr(),
        "POST",
        "/_sim/advance",
        r#"{"seconds":60}"#,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("2027-01-15T08:01:00Z"), "{body}");
    send(f.server.addr(), "GET", "/settings/phone-number", "").await;
    let (_, _, body) = send(f.server.addr(), "GET", "/_sim/requests", "").await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["GetPhoneNumberSettings"], 1);
    let (status, _, _) = send(
        f.server.addr(),
        "POST",
        "/_sim/faults",
        r#"{"kind":"throttle","count":1}"#,
    )
    .await;
    assert_eq!(status, 204);
    let (status, head, _) = send(f.server.addr(), "GET", "/settings/phone-number", "").await;
    assert_eq!(status, 429);
    assert!(head.contains("throttledclientexception"));
    let (status, _, _) = send(f.server.addr(), "GET", "/nowhere", "").await;
    assert_eq!(status, 404);
}
