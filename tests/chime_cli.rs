//! Every Voice Connector and SIP media application procedure of the seed, from the command
//! line, on "real" numbers: the built CLI drives the AWS SDK client against the built
//! binary's `phonedesk fake-chime` (tests/chime_common), `--json` checked, the server's
//! requests counted.

mod chime_common;

use chime_common::ChimeDesk;
use serde_json::{json, Value};

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn numbers_of(found: &Value) -> Vec<String> {
    found
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {found}"))
        .iter()
        .map(|x| x["number"].as_str().unwrap().to_string())
        .collect()
}

/// The number as the carrier holds it (`GetPhoneNumber`, read as the AWS console would).
fn at_carrier(desk: &ChimeDesk, number: &str) -> Value {
    desk.chime
        .api_get(&format!("/phone-numbers/{}", number.replace('+', "%2B")))["PhoneNumber"]
        .clone()
}

/// The carrier's own id of the voice connector or group phonedesk calls `name`.
fn carrier_id_named(desk: &ChimeDesk, list: &str, key: &str, id: &str, name: &str) -> String {
    desk.chime.api_get(&format!("/{list}"))[key]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Name"] == name)
        .unwrap_or_else(|| panic!("no {name} at the carrier"))[id]
        .as_str()
        .unwrap()
        .to_string()
}

/// Synced directory, then `count` numbers provisioned and acquired; returns them.
fn with_numbers(desk: &ChimeDesk, count: usize) -> Vec<String> {
    desk.sync();
    let found = desk.json(&[
        "search",
        "--area-code",
        "206",
        "--limit",
        &count.to_string(),
    ]);
    let numbers = numbers_of(&found);
    assert_eq!(numbers.len(), count, "{found}");
    let mut args = vec!["provision", "--product-type", "vc"];
    args.extend(numbers.iter().map(String::as_str));
    desk.json(&args);
    desk.chime.advance(24 * 3600);
    desk.sync();
    for n in &numbers {
        assert_eq!(desk.number(n)["status"], "Unassigned", "{n}");
    }
    numbers
}

#[test]
fn search_asks_the_carrier_and_applies_contains_over_its_pages() {
    let desk = ChimeDesk::start();
    let found = desk.json(&["search", "--area-code", "206", "--limit", "4"]);
    assert_eq!(numbers_of(&found).len(), 4, "{found}");
    assert!(
        found[0]["location"].as_str().unwrap().ends_with("WA"),
        "{found}"
    );
    assert_eq!(desk.chime.count("SearchAvailablePhoneNumbers"), 1);
    // The API has no "contains": phonedesk reads the pages and keeps what fits.
    let found = desk.json(&[
        "search",
        "--area-code",
        "206",
        "--contains",
        "77",
        "--limit",
        "3",
    ]);
    let numbers = numbers_of(&found);
    assert_eq!(numbers.len(), 3, "{found}");
    for n in &numbers {
        assert!(n[2..].contains("77"), "{n} does not contain 77");
    }
    assert!(desk.chime.count("SearchAvailablePhoneNumbers") >= 2);
    // The rules refuse a bad query before anything is sent.
    let before = desk.chime.count("SearchAvailablePhoneNumbers");
    let e = desk.refused(&["search", "--contains", "555"]);
    assert!(e.contains("area code"), "{e}");
    assert_eq!(desk.chime.count("SearchAvailablePhoneNumbers"), before);
}

#[test]
fn provisioning_orders_at_the_carrier_and_the_numbers_arrive_with_the_sync() {
    let desk = ChimeDesk::start();
    let s = desk.sync();
    assert!(
        s["directory"]
            .as_str()
            .unwrap()
            .contains("changed outside phonedesk"),
        "{s}"
    );
    let found = desk.json(&["search", "--area-code", "206", "--limit", "2"]);
    let numbers = numbers_of(&found);
    let o = desk.json(&[
        "provision",
        "--product-type",
        "vc",
        &numbers[0],
        &numbers[1],
    ]);
    assert_eq!(o["ok"], true, "{o}");
    let order = o["order"].as_str().unwrap().to_string();
    assert!(o["message"].as_str().unwrap().contains("accepted"), "{o}");
    assert_eq!(desk.chime.count("CreatePhoneNumberOrder"), 1);
    assert_eq!(desk.number(&numbers[0])["status"], "AcquireInProgress");
    // The order is followed by a job until the carrier completes it.
    let jobs = desk.jobs();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert!(
        jobs[0]["what"].as_str().unwrap().contains(&order),
        "{jobs:?}"
    );
    assert_eq!(jobs[0]["state"], "queued");
    assert_eq!(strs(&jobs[0]["numbers"]), numbers);
    // Before the carrier's delay, a sync leaves it pending.
    desk.sync();
    assert_eq!(desk.number(&numbers[0])["status"], "AcquireInProgress");
    desk.chime.advance(24 * 3600);
    desk.sync();
    let orders = desk.json(&["orders", "show", &order]);
    assert_eq!(orders["status"], "Successful", "{orders}");
    // The local alias keeps the carrier's own id.
    let at_carrier = desk.chime.api_get("/phone-number-orders");
    assert_eq!(
        orders["carrier_id"], at_carrier["PhoneNumberOrders"][0]["PhoneNumberOrderId"],
        "{at_carrier}"
    );
    for n in &numbers {
        let p = desk.number(n);
        assert_eq!(p["status"], "Unassigned", "{p}");
        assert_eq!(p["place"], "inventory", "{p}");
    }
    assert!(desk.jobs().is_empty());
    assert_eq!(desk.chime.count("CreatePhoneNumberOrder"), 1);
    desk.check();
}

#[test]
fn voice_connector_and_sip_media_application_procedures_reach_the_carrier() {
    let desk = ChimeDesk::start();
    let n = with_numbers(&desk, 2);
    let (n1, n2) = (n[0].as_str(), n[1].as_str());
    // The directory comes from the carrier, with local aliases.
    let vcs = desk.json(&["directory", "voice-connectors"]);
    let primary = vcs
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "Primary trunk")
        .unwrap_or_else(|| panic!("{vcs}"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let groups = desk.json(&["directory", "groups"]);
    let group = groups[0]["id"].as_str().unwrap().to_string();
    let primary_at_carrier = carrier_id_named(
        &desk,
        "voice-connectors",
        "VoiceConnectors",
        "VoiceConnectorId",
        "Primary trunk",
    );
    let carrier_ids: Vec<&Value> = vcs
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["carrier_id"])
        .collect();
    assert!(carrier_ids.contains(&&json!(primary_at_carrier)), "{vcs}");
    let group_at_carrier = carrier_id_named(
        &desk,
        "voice-connector-groups",
        "VoiceConnectorGroups",
        "VoiceConnectorGroupId",
        groups[0]["name"].as_str().unwrap(),
    );

    assert_eq!(
        groups[0]["carrier_id"],
        group_at_carrier.as_str(),
        "{groups}"
    );
    // Assign to a voice connector.
    let o = desk.json(&["assign", n1, "--voice-connector", &primary]);
    assert!(o["message"].as_str().unwrap().contains("Assigned"), "{o}");
    assert_eq!(desk.number(n1)["assigned_to"]["id"], primary.as_str());
    let c = at_carrier(&desk, n1);
    assert_eq!(c["Status"], "Assigned", "{c}");
    assert_eq!(c["Associations"][0]["Name"], "VoiceConnectorId", "{c}");
    assert_eq!(c["Associations"][0]["Value"], primary_at_carrier.as_str());
    // Reassign to a group in one step.
    let o = desk.json(&["reassign", n1, "--group", &group]);
    assert!(o["message"].as_str().unwrap().contains("Reassigned"), "{o}");
    assert_eq!(desk.number(n1)["assigned_to"]["id"], group.as_str());
    let c = at_carrier(&desk, n1);
    assert_eq!(c["Associations"][0]["Name"], "VoiceConnectorGroupId", "{c}");
    assert_eq!(c["Associations"][0]["Value"], group_at_carrier.as_str());
    // Unassign.
    desk.json(&["unassign", "--yes", n1]);
    assert_eq!(desk.number(n1)["status"], "Unassigned");
    assert_eq!(at_carrier(&desk, n1)["Status"], "Unassigned");
    // Assign to a group directly.
    desk.json(&["assign", n2, "--group", &group]);
    assert_eq!(
        at_carrier(&desk, n2)["Associations"][0]["Name"],
        "VoiceConnectorGroupId"
    );
    desk.json(&["unassign", "--yes", n2]);

    // Product type: Voice Connector ↔ SIP Media Application Dial-In.
    let o = desk.json(&["switch-product-type", n2, "--to", "sip-media-application"]);
    assert_eq!(o["ok"], true, "{o}");
    assert_eq!(desk.number(n2)["product_type"], "SipMediaApplicationDialIn");
    assert_eq!(
        at_carrier(&desk, n2)["ProductType"],
        "SipMediaApplicationDialIn"
    );
    desk.json(&["switch-product-type", n2, "--to", "vc"]);
    assert_eq!(desk.number(n2)["product_type"], "VoiceConnector");
    assert_eq!(at_carrier(&desk, n2)["ProductType"], "VoiceConnector");

    // Label: the API's Name rule is checked before anything is sent.
    desk.json(&["label", n1, "Front desk, 2nd floor"]);
    assert_eq!(desk.number(n1)["label"], "Front desk, 2nd floor");
    assert_eq!(at_carrier(&desk, n1)["Name"], "Front desk, 2nd floor");
    let updates = desk.chime.count("UpdatePhoneNumber");
    let e = desk.refused(&["label", n1, "Desk #2!"]);
    assert!(e.contains("letters A-Z"), "{e}");
    assert_eq!(
        desk.chime.count("UpdatePhoneNumber"),
        updates,
        "sent anyway"
    );
    assert!(desk.jobs().is_empty(), "a refused label left a job");
    assert_eq!(desk.number(n1)["label"], "Front desk, 2nd floor");
    desk.json(&["label", n1, "--clear"]);
    assert_eq!(desk.number(n1)["label"], Value::Null);

    // Calling names: one number's own, and the default.
    desk.json(&["calling-name", "set", n1, "Acme Sales"]);
    let c = at_carrier(&desk, n1);
    assert_eq!(c["CallingName"], "Acme Sales", "{c}");
    let p = desk.number(n1);
    assert_eq!(p["calling_name_status"], "UpdateInProgress", "{p}");
    // While the carrier rolls the name out, its CallingName is the pending one: a sync
    // neither puts it in force early nor calls phonedesk's own change an outside one.
    let s = desk.sync();
    assert!(strs(&s["changed"]).is_empty(), "{s}");
    assert_eq!(desk.number(n1), p);
    let e = desk.refused(&["calling-name", "set", n2, "Acme_Sales"]);
    assert!(e.contains("calling name"), "{e}");
    desk.json(&["calling-name", "default", "Acme"]);
    let names = desk.json(&["calling-name", "show"]);
    assert_eq!(names["default"]["name"], "Acme", "{names}");
    assert_eq!(desk.chime.count("UpdatePhoneNumberSettings"), 1);
    // The carrier applies names later; the sync brings it.
    desk.chime.advance(4 * 24 * 3600);
    desk.sync();
    let p = desk.number(n1);
    assert_eq!(p["calling_name"], "Acme Sales", "{p}");
    assert_eq!(p["calling_name_status"], "UpdateSucceeded", "{p}");

    // Delete to the deletion queue, then restore.
    let o = desk.json(&["delete", "--yes", n2]);
    assert!(
        o["message"].as_str().unwrap().contains("deletion queue"),
        "{o}"
    );
    let queue = desk.json(&["deletion-queue"]);
    assert_eq!(numbers_of(&queue), vec![n2.to_string()], "{queue}");
    assert_eq!(at_carrier(&desk, n2)["Status"], "DeleteInProgress");
    desk.json(&["restore", n2]);
    assert_eq!(desk.number(n2)["status"], "Unassigned");
    assert_eq!(at_carrier(&desk, n2)["Status"], "Unassigned");
    assert_eq!(numbers_of(&desk.json(&["deletion-queue"])).len(), 0);

    // Nothing was sent twice, and nothing waits.
    let r = desk.chime.requests();
    assert_eq!(
        r.get("AssociatePhoneNumbersWithVoiceConnector"),
        Some(&1),
        "{r:?}"
    );
    assert_eq!(r.get("RestorePhoneNumber"), Some(&1), "{r:?}");
    assert!(desk.jobs().is_empty());
    desk.check();
}

#[test]
fn jobs_sent_without_waiting_are_listed_and_sent_by_the_next_sync() {
    let desk = ChimeDesk::start();
    let n = with_numbers(&desk, 1);
    let o = desk.json(&["--no-wait", "label", &n[0], "Lobby"]);
    let job = o["job"].as_str().unwrap().to_string();
    assert!(
        o["message"]
            .as_str()
            .unwrap()
            .contains("Sent to the carrier"),
        "{o}"
    );
    let jobs = desk.jobs();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0]["id"], job.as_str());
    assert_eq!(jobs[0]["state"], "queued");
    assert_eq!(jobs[0]["actor"], "local:ana");
    assert!(
        jobs[0]["what"].as_str().unwrap().contains("label"),
        "{jobs:?}"
    );
    assert_eq!(desk.chime.count("UpdatePhoneNumber"), 0);
    desk.sync();
    assert!(desk.jobs().is_empty());
    assert_eq!(desk.number(&n[0])["label"], "Lobby");
    assert_eq!(at_carrier(&desk, &n[0])["Name"], "Lobby");
}

#[test]
fn the_sync_brings_numbers_bought_changed_and_released_in_the_aws_console() {
    let desk = ChimeDesk::start();
    desk.sync();
    let found = numbers_of(&desk.json(&["search", "--area-code", "425", "--limit", "2"]));
    let (a, b) = (found[0].as_str(), found[1].as_str());
    desk.chime.console_buy(&[a, b], "VoiceConnector");
    desk.chime.advance(24 * 3600);
    let s = desk.sync();
    let changed = strs(&s["changed"]);
    assert!(
        changed.contains(&a.to_string()) && changed.contains(&b.to_string()),
        "{s}"
    );
    assert_eq!(desk.number(a)["status"], "Unassigned");
    desk.chime.console_change(a, json!({ "name": "Reception" }));
    desk.chime.console_release(b);
    let s = desk.sync();
    assert_eq!(strs(&s["changed"]), vec![a.to_string()], "{s}");
    assert_eq!(strs(&s["gone"]), vec![b.to_string()], "{s}");
    assert_eq!(desk.number(a)["label"], "Reception");
    // A calling name asked for in the AWS console is followed like phonedesk's own.
    desk.chime
        .console_change(a, json!({ "calling_name": "Front Office" }));
    let s = desk.sync();
    assert_eq!(strs(&s["changed"]), vec![a.to_string()], "{s}");
    let p = desk.number(a);
    assert_eq!(p["calling_name_status"], "UpdateInProgress", "{p}");
    assert!(p["calling_name_completes_at"].is_string(), "{p}");
    desk.check();
    desk.chime.advance(4 * 24 * 3600);
    desk.sync();
    let p = desk.number(a);
    assert_eq!(p["calling_name"], "Front Office", "{p}");
    assert_eq!(p["calling_name_status"], "UpdateSucceeded", "{p}");
    let e = desk.refused(&["numbers", "show", b]);
    assert!(e.contains(b), "{e}");
    let audit = desk.run(&["audit"]);
    assert!(
        audit.stdout.contains("changed outside phonedesk"),
        "{audit:?}"
    );
    // The same sync again changes nothing.
    let s = desk.sync();
    assert!(
        strs(&s["changed"]).is_empty() && strs(&s["gone"]).is_empty(),
        "{s}"
    );
    desk.check();
}

#[test]
fn business_calling_is_refused_in_one_line_with_the_real_carrier() {
    let desk = ChimeDesk::start();
    let n = with_numbers(&desk, 1);
    let orders = desk.chime.count("CreatePhoneNumberOrder");
    let found = numbers_of(&desk.json(&["search", "--area-code", "206", "--limit", "1"]));
    for args in [
        vec!["provision", "--product-type", "bc", found[0].as_str()],
        vec!["switch-product-type", n[0].as_str(), "--to", "bc"],
        vec!["directory", "accounts", "create", "Sales"],
    ] {
        let e = desk.refused(&args);
        assert!(
            e.contains("Business Calling")
                && e.contains("ended with the Amazon Chime service on 2026-02-20"),
            "{args:?}: {e}"
        );
    }
    assert_eq!(desk.chime.count("CreatePhoneNumberOrder"), orders);
    assert!(desk.jobs().is_empty());
}

#[test]
fn throttling_is_waited_out_and_then_the_change_succeeds() {
    let desk = ChimeDesk::start();
    let n = with_numbers(&desk, 1);
    desk.chime.fault(
        json!({ "kind": "throttle" }),
        2,
        Some("AssociatePhoneNumbersWithVoiceConnector"),
    );
    let o = desk.json(&["assign", &n[0], "--voice-connector", "vc-2"]);
    assert!(o["message"].as_str().unwrap().contains("Assigned"), "{o}");
    assert_eq!(
        desk.chime.count("AssociatePhoneNumbersWithVoiceConnector"),
        3
    );
    assert_eq!(at_carrier(&desk, &n[0])["Status"], "Assigned");
    assert!(desk.jobs().is_empty());
}

#[test]
fn an_order_whose_reply_was_lost_in_a_500_is_not_ordered_twice() {
    let desk = ChimeDesk::start();
    desk.sync();
    let found = numbers_of(&desk.json(&["search", "--area-code", "206", "--limit", "2"]));
    // The carrier creates the order, then answers 500: the SDK must not resend it, and
    // phonedesk reads the carrier's state before sending anything again.
    desk.chime.fault(
        json!({ "kind": "fail-reply" }),
        1,
        Some("CreatePhoneNumberOrder"),
    );
    let o = desk.json(&["provision", "--product-type", "vc", &found[0], &found[1]]);
    assert_eq!(o["ok"], true, "{o}");
    assert_eq!(desk.chime.count("CreatePhoneNumberOrder"), 1);
    let at_carrier = desk.chime.api_get("/phone-number-orders");
    assert_eq!(
        at_carrier["PhoneNumberOrders"].as_array().unwrap().len(),
        1,
        "{at_carrier}"
    );
    desk.chime.advance(24 * 3600);
    desk.sync();
    for n in &found {
        assert_eq!(desk.number(n)["status"], "Unassigned", "{n}");
    }
    assert_eq!(desk.chime.count("CreatePhoneNumberOrder"), 1);
    // A 500 that applied nothing is sent again, once.
    let more = numbers_of(&desk.json(&["search", "--area-code", "206", "--limit", "1"]));
    desk.chime.fault(
        json!({ "kind": "server-error", "status": 500 }),
        1,
        Some("CreatePhoneNumberOrder"),
    );
    desk.json(&["provision", "--product-type", "vc", &more[0]]);
    assert_eq!(desk.chime.count("CreatePhoneNumberOrder"), 3);
    let at_carrier = desk.chime.api_get("/phone-number-orders");
    assert_eq!(at_carrier["PhoneNumberOrders"].as_array().unwrap().len(), 2);
    desk.check();
}

#[test]
fn a_command_waits_for_one_call_no_longer_than_the_configured_call_timeout() {
    // The harness configures `call_timeout = "5s"`; the worker's default is 30 s.
    let desk = ChimeDesk::start();
    let n = with_numbers(&desk, 1);
    desk.chime.fault(
        json!({ "kind": "delay", "millis": 20_000 }),
        1,
        Some("UpdatePhoneNumber"),
    );
    let started = std::time::Instant::now();
    let o = desk.json(&["label", &n[0], "Lobby"]);
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_secs(15),
        "the call was given up after the configured 5 s, not the default 30 s: {took:?}"
    );
    assert!(o["ok"].as_bool().unwrap_or(true), "{o}");
    assert_eq!(desk.number(&n[0])["label"], "Lobby");
    assert!(desk.jobs().is_empty());
}

#[test]
fn the_carriers_own_status_is_shown_with_the_apis_name() {
    let desk = ChimeDesk::start();
    let numbers = with_numbers(&desk, 2);
    let (a, b) = (numbers[0].as_str(), numbers[1].as_str());
    desk.json(&["delete", "--yes", a]);
    // At the carrier, the deletion of `a` failed and `b` was cancelled.
    desk.chime
        .console_change(a, json!({ "status": "DeleteFailed" }));
    desk.chime
        .console_change(b, json!({ "status": "Cancelled" }));
    let s = desk.sync();
    let mut changed = strs(&s["changed"]);
    changed.sort();
    assert_eq!(changed, vec![a.to_string(), b.to_string()], "{s}");
    let p = desk.number(a);
    assert_eq!(p["status"], "DeleteFailed", "{p}");
    assert_eq!(p["place"], "deletion-queue", "{p}");
    assert_eq!(desk.number(b)["status"], "Cancelled");
    let shown = desk.run(&["numbers", "show", a]);
    assert!(shown.stdout.contains("DeleteFailed"), "{shown:?}");
    let listed = desk.run(&["numbers", "list"]);
    assert!(listed.stdout.contains("Cancelled"), "{listed:?}");
    desk.check();
    // phonedesk's rules work from the lifecycle: a number whose deletion failed can be
    // restored, and then it is what the carrier says again.
    desk.json(&["restore", a]);
    assert_eq!(desk.number(a)["status"], "Unassigned");
    desk.sync();
    assert_eq!(desk.number(a)["status"], "Unassigned");
    desk.check();
}

#[test]
fn orders_placed_in_the_aws_console_are_listed_under_orders_once() {
    let desk = ChimeDesk::start();
    desk.sync();
    let found = numbers_of(&desk.json(&["search", "--area-code", "425", "--limit", "3"]));
    // phonedesk's own order first, then one placed in the AWS console.
    desk.json(&["provision", "--product-type", "vc", &found[0]]);
    let bought = desk
        .chime
        .console_buy(&[found[1].as_str(), found[2].as_str()], "VoiceConnector");
    let carrier_id = bought["PhoneNumberOrder"]["PhoneNumberOrderId"]
        .as_str()
        .unwrap()
        .to_string();
    desk.chime.advance(24 * 3600);
    let s = desk.sync();
    let said = s["orders"].as_str().unwrap_or_default();
    assert!(
        said.contains("Orders placed outside phonedesk: order-2"),
        "{s}"
    );
    let outside = desk.json(&["orders", "show", "order-2"]);
    assert_eq!(outside["carrier_id"], carrier_id.as_str(), "{outside}");
    assert_eq!(outside["status"], "Successful", "{outside}");
    let listed = desk.json(&["orders", "list"]);
    let listed = listed.as_array().unwrap();
    assert_eq!(
        listed.len(),
        2,
        "phonedesk's own order is not listed twice: {listed:?}"
    );
    // Nothing new the next time.
    let s = desk.sync();
    assert!(s.get("orders").is_none(), "{s}");
    assert_eq!(desk.json(&["orders", "list"]).as_array().unwrap().len(), 2);
}

#[test]
fn sip_media_application_numbers_are_assigned_by_a_sip_rule_never_twice() {
    let desk = ChimeDesk::start();
    let numbers = with_numbers(&desk, 3);
    let (a, b, vc_number) = (
        numbers[0].as_str(),
        numbers[1].as_str(),
        numbers[2].as_str(),
    );
    // The sync brought the carrier's SIP media applications into the directory.
    let apps = desk.json(&["directory", "sip-media-applications"]);
    let names: Vec<&str> = apps
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["IVR", "Voicemail"], "{apps}");
    let ivr = apps[0]["id"].as_str().unwrap().to_string();
    desk.json(&["switch-product-type", a, b, "--to", "sip-media-application"]);
    // The product type rule refuses at once, both ways, and sends nothing.
    let e = desk.refused(&["assign", vc_number, "--sip-media-application", &ivr]);
    assert!(e.contains("Voice Connector"), "{e}");
    let e = desk.refused(&["assign", a, "--voice-connector", "vc-1"]);
    assert!(e.contains("SIP media application"), "{e}");
    assert_eq!(desk.chime.count("CreateSipRule"), 0);

    let o = desk.json(&["assign", a, "--sma", "IVR"]);
    assert!(o["ok"].as_bool().unwrap_or(true), "{o}");
    assert_eq!(desk.chime.count("CreateSipRule"), 1);
    let p = desk.number(a);
    assert_eq!(p["status"], "Assigned", "{p}");
    assert_eq!(p["assigned_to"]["kind"], "sip_media_application", "{p}");
    assert_eq!(p["assigned_to"]["name"], "IVR", "{p}");
    let rules = desk.chime.api_get("/sip-rules")["SipRules"].clone();
    let rule = &rules.as_array().unwrap()[0];
    assert_eq!(rule["TriggerType"], "ToPhoneNumber", "{rules}");
    assert_eq!(rule["TriggerValue"], a, "{rules}");
    assert_eq!(rule["TargetApplications"][0]["Priority"], 1, "{rules}");
    assert_eq!(
        rule["TargetApplications"][0]["AwsRegion"], "us-east-1",
        "{rules}"
    );
    let at = at_carrier(&desk, a);
    assert_eq!(at["Associations"][0]["Name"], "SipRuleId", "{at}");

    // The reply to the next CreateSipRule is lost after the rule was made: the job reads
    // ListSipRules before sending again, so the rule is made once.
    desk.chime
        .fault(json!({ "kind": "fail-reply" }), 1, Some("CreateSipRule"));
    desk.json(&["assign", b, "--sip-media-application", &ivr]);
    assert_eq!(desk.chime.count("CreateSipRule"), 2);
    assert_eq!(desk.number(b)["assigned_to"]["id"], ivr.as_str());
    let listed = desk.json(&["directory", "sip-rules"]);
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    let text = desk.run(&["directory", "sip-media-applications"]);
    assert!(
        text.stdout.contains(a) && text.stdout.contains(b),
        "{text:?}"
    );
    desk.check();

    // Unassigned: the rule is disabled, then deleted (the API's order).
    desk.json(&["unassign", "--yes", a]);
    assert_eq!(desk.chime.count("UpdateSipRule"), 1);
    assert_eq!(desk.chime.count("DeleteSipRule"), 1);
    assert_eq!(desk.number(a)["status"], "Unassigned");
    assert_eq!(at_carrier(&desk, a)["Status"], "Unassigned");
    let listed = desk.json(&["directory", "sip-rules"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    // A sync agrees with all of it.
    let s = desk.sync();
    assert!(strs(&s["changed"]).is_empty(), "{s}");
    assert_eq!(
        desk.number(b)["assigned_to"]["kind"],
        "sip_media_application"
    );
    desk.check();
}
