//! Porting from the command line on "real" numbers: the built CLI files the case through
//! `aws-sdk-support` at the built binary's `phonedesk fake-chime` (its simulated AWS Support
//! desk), attaches the LOA from a file, and follows the port with `phonedesk sync`.

mod chime_common;

use chime_common::ChimeDesk;
use serde_json::{json, Value};

const DAY: u64 = 86_400;

fn request(desk: &ChimeDesk, id: &str) -> Value {
    desk.json(&["support", "show", id])
}

#[test]
fn a_port_in_from_the_cli_is_filed_at_aws_support_and_lands_in_the_inventory() {
    let desk = ChimeDesk::start();
    desk.sync();
    let found = desk.json(&["search", "--area-code", "206", "--limit", "2"]);
    let numbers: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["number"].as_str().unwrap().to_string())
        .collect();
    let mut args = vec![
        "support",
        "port-in",
        "--product-type",
        "VoiceConnector",
        "--btn",
        numbers[0].as_str(),
        "--authorizing-person",
        "Ana Lopez",
        "--current-carrier",
        "Old Telco",
        "--service-address",
        "1 Main St, Seattle WA",
        "--customer-name",
        "Acme",
        "--requested",
        "2099-01-05",
        "--voice-connector",
        "vc-1",
        "--email",
        "ana@example.com",
    ];
    args.extend(numbers.iter().map(String::as_str));
    let filed = desk.json(&args);
    let id = filed["request"]
        .as_str()
        .expect("the request id")
        .to_string();
    assert!(
        filed["message"]
            .as_str()
            .unwrap()
            .contains("AWS Support opened case"),
        "{filed}"
    );
    assert_eq!(desk.chime.count("CreateCase"), 1);

    desk.chime.advance(2 * DAY);
    desk.sync();
    assert_eq!(request(&desk, &id)["status"], "PendingDocuments");

    let loa = desk.dir().join("loa.pdf");
    std::fs::write(&loa, b"%PDF-1.4 the signed LOA").unwrap();
    let sent = desk.json(&[
        "support",
        "loa",
        &id,
        "--carrier",
        "Old Telco",
        "--authorizing-person",
        "Ana Lopez",
        "--btn",
        &numbers[0],
        "--service-address",
        "1 Main St, Seattle WA",
        "--file",
        loa.to_str().unwrap(),
    ]);
    assert!(
        sent["message"]
            .as_str()
            .unwrap()
            .contains("AWS Support has the LOA"),
        "{sent}"
    );
    assert_eq!(desk.chime.count("AddAttachmentsToSet"), 1);

    desk.chime.advance(2 * DAY);
    desk.sync();
    let r = request(&desk, &id);
    assert_eq!(r["status"], "FOC", "{r}");
    assert!(!r["foc_date"].is_null(), "{r}");

    desk.chime.advance(40 * DAY);
    desk.sync();
    assert_eq!(request(&desk, &id)["status"], "Completed");
    for n in &numbers {
        assert_eq!(desk.number(n)["status"], "Unassigned", "{n}");
    }
    assert_eq!(desk.chime.count("CreateCase"), 1);
    desk.check();
}

#[test]
fn without_a_support_plan_the_cli_prints_the_case_to_paste() {
    let desk = ChimeDesk::start();
    desk.chime
        .sim("POST", "support-plan", Some(json!({"allowed": false})));
    let r = desk.run(&[
        "support",
        "new",
        "--subject",
        "Limits",
        "--issue",
        "What is my limit?",
        "--email",
        "ana@example.com",
    ]);
    assert_eq!(r.code, 0, "{r:?}");
    let mut lines = r.stdout.lines();
    let first = lines.next().unwrap();
    assert!(
        first.contains("support plan") && first.contains("req-1"),
        "{r:?}"
    );
    assert!(
        r.stdout.contains("Subject: Limits [phonedesk req-1"),
        "{r:?}"
    );
    assert!(r.stdout.contains("What is my limit?"), "{r:?}");
    // The request stays recorded; its job can be retried once the plan allows the API.
    assert_eq!(request(&desk, "req-1")["status"], "Submitted");
    desk.chime
        .sim("POST", "support-plan", Some(json!({"allowed": true})));
    let job = desk.jobs()[0]["id"].as_str().unwrap().to_string();
    desk.json(&["jobs", "retry", &job]);
    desk.sync();
    assert_eq!(desk.chime.count("CreateCase"), 1);
}
