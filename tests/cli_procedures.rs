//! Every procedure of the seed, run through the real binary with a temporary database and
//! durations of a few seconds.

mod cli_common;
use cli_common::*;

fn directory(d: &Desk) {
    d.example_account();
    let vc = d.json(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Trunk A",
    ]);
    assert_eq!(vc["created"], "vc-1");
    d.ok(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Trunk B",
        "--region",
        "us-west-2",
        "--encryption",
        "off",
    ]);
    d.ok(&[
        "directory",
        "groups",
        "create",
        "--name",
        "Both",
        "--member",
        "vc-1:1",
        "--member",
        "vc-2:2",
    ]);
    let groups = d.json(&["directory", "groups"]);
    assert_eq!(groups[0]["members"][1]["voice_connector"], "vc-2");
    let users = d.ok(&["directory", "users"]);
    assert!(
        users.contains("Ana Lima") && users.contains("Bo Chen"),
        "{users}"
    );
}

#[test]
fn provision_assign_reassign_unassign_switch_delete_restore() {
    // A little slower than the fast durations, so a loaded machine still sees Pending and
    // the deletion queue before they move on.
    let d = Desk::with(
        &[("provisioning_delay", "3s"), ("deletion_retention", "5s")],
        "",
    );
    let local = d.available(&["--area-code", "206"], 3);
    let vc = d.available(&["--state", "OR"], 2);

    // Provision: the numbers appear in Orders and Pending, then in the Inventory.
    let o = d.json(&[
        "provision",
        "--product-type",
        "BusinessCalling",
        &local[0],
        &local[1],
        &local[2],
    ]);
    assert_eq!(o["order"], "order-1");
    assert!(o["takes_effect_at"].is_string());
    let pending = d.json(&["numbers", "list", "--place", "pending"]);
    assert_eq!(pending.as_array().unwrap().len(), 3);
    assert_eq!(pending[0]["status"], "AcquireInProgress");
    let orders = d.json(&["orders", "list"]);
    assert_eq!(orders[0]["status"], "Processing");
    d.ok(&["provision", "--product-type", "vc", &vc[0], &vc[1]]);
    sleep_ms(3100);
    let inventory = d.json(&["numbers", "list", "--place", "inventory"]);
    assert_eq!(inventory.as_array().unwrap().len(), 5);
    assert!(inventory
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["status"] == "Unassigned"));
    assert_eq!(
        d.json(&["orders", "show", "order-1"])["status"],
        "Successful"
    );
    assert!(d.ok(&["orders", "show", "order-2"]).contains("Acquired"));

    directory(&d);

    // Business Calling to a user: the account, then the user; permissions start off.
    let out = d.ok(&[
        "assign",
        &local[0],
        "--account",
        "acct-1",
        "--user",
        "user-1",
    ]);
    assert!(
        out.contains("Assigned") && out.contains("Ana Lima") && out.contains("sign out"),
        "{out}"
    );
    let show = d.json(&["numbers", "show", &local[0]]);
    assert_eq!(show["assigned_to"]["name"], "Ana Lima");
    assert_eq!(show["calls_enabled"], false);
    let out = d.ok(&[
        "directory",
        "users",
        "edit",
        "user-1",
        "--calling",
        "on",
        "--sms",
        "on",
    ]);
    assert!(out.contains("sign out"), "{out}");
    let show = d.ok(&["numbers", "show", &local[0]]);
    assert!(
        show.contains("Ana Lima")
            && show.contains("Calls enabled: yes")
            && show.contains("SMS enabled:   yes"),
        "{show}"
    );
    assert!(show.contains("Seattle, WA"), "{show}");

    // Voice Connector numbers to a connector and a group; reassign in one step.
    d.ok(&["assign", &vc[0], "--voice-connector", "vc-1"]);
    d.ok(&["assign", &vc[1], "--group", "vcg-1"]);
    assert_eq!(
        d.json(&["numbers", "list", "--assigned-to", "vc-1"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let out = d.ok(&["reassign", &vc[0], "--group", "vcg-1"]);
    assert!(out.contains("Reassigned") && out.contains("Both"), "{out}");
    // Where it already is: refused, nothing changed.
    d.refused(
        &["reassign", &vc[0], "--group", "vcg-1"],
        "is already assigned to",
    );
    assert_eq!(
        d.json(&["numbers", "list", "--assigned-to", "vcg-1"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(d
        .json(&["numbers", "list", "--assigned-to", "vc-1"])
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        d.json(&["numbers", "list", "--state", "OR"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        d.json(&[
            "numbers",
            "list",
            "--city",
            "Seattle",
            "--product-type",
            "bc"
        ])
        .as_array()
        .unwrap()
        .len(),
        3
    );

    // Unassign (confirmed), switch product type, label.
    d.ok(&["unassign", "--yes", &vc[0]]);
    assert_eq!(d.status(&vc[0]), "Unassigned");
    d.refused(
        &["switch-product-type", &vc[0], &local[1], "--to", "bc"],
        "is already Business Calling",
    );
    d.ok(&["switch-product-type", &local[1], "--to", "vc"]);
    assert_eq!(
        d.json(&["numbers", "show", &local[1]])["product_type"],
        "VoiceConnector"
    );
    d.ok(&["label", &local[1], "Front desk"]);
    assert_eq!(
        d.json(&["numbers", "show", &local[1]])["label"],
        "Front desk"
    );
    d.ok(&["label", &local[1], "--clear"]);

    // Delete to the deletion queue, restore within the window.
    let out = d.ok(&["delete", "--yes", &local[1], &local[2]]);
    assert!(out.contains("deletion queue"), "{out}");
    let q = d.json(&["deletion-queue"]);
    assert_eq!(q.as_array().unwrap().len(), 2);
    assert!(q[0]["restorable_until"].is_string());
    assert!(d.ok(&["deletion-queue"]).contains("TIME LEFT"));
    d.ok(&["restore", &local[2]]);
    assert_eq!(d.status(&local[2]), "Unassigned");
    // After the window the number is purged for good and cannot be restored.
    sleep_ms(5100);
    d.ok(&["run-due"]);
    d.refused(&["restore", &local[1]], "not in the deletion queue");
    d.refused(
        &["numbers", "show", &local[1]],
        "is not one of your numbers",
    );
    d.check_sound();
}

/// Polls until `done` holds (a state change, not a guess at how long it takes); fails after
/// 30 s so a stuck update shows as a failure instead of a hang.
fn until(what: &str, mut done: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(started.elapsed().as_secs() < 30, "still waiting for {what}");
        sleep_ms(50);
    }
}

#[test]
fn calling_names_default_and_unique() {
    // Each phase gets durations that make its state certain however slow the machine is:
    // an hour where something must still be running, a second where it must have ended,
    // and polling for the end instead of sleeping a guessed time. (Nothing-changed checks
    // for these refusals live in cli_bad_input.)
    let d = Desk::with(
        &[("name_update", "1h"), ("default_name_cooldown", "1h")],
        "",
    );
    let n = d.available(&["--area-code", "312"], 1);
    d.provisioned("bc", &n);
    let out = d.ok(&["calling-name", "default", "Example Corp"]);
    assert!(out.contains("Example Corp") && out.contains("by"), "{out}");
    let o = d.json(&["calling-name", "set", &n[0], "Front Desk"]);
    assert!(o["takes_effect_at"].is_string());
    let refused = |d: &Desk, args: &[&str], needle: &str| {
        let out = d.run(args);
        assert_eq!(out.code, 1, "{out:?}");
        assert_one_line(&out.stderr, needle);
    };
    // While the unique name rolls out it cannot change; the default neither.
    refused(
        &d,
        &["calling-name", "set", &n[0], "Reception"],
        "still being updated",
    );
    refused(
        &d,
        &["calling-name", "default", "New Name"],
        "still in progress",
    );
    let show = d.json(&["calling-name", "show"]);
    assert_eq!(show["default"]["status"], "UpdateInProgress");
    assert!(show["default"]["completes_at"].is_string());
    assert_eq!(show["numbers"][0]["name"], "Front Desk");
    let details = d.ok(&["numbers", "show", &n[0]]);
    assert!(
        details.contains("update in progress, completes at"),
        "{details}"
    );
    d.check_sound();

    // Updated, but the default's cooldown still runs.
    let d = Desk::with(
        &[("name_update", "1s"), ("default_name_cooldown", "1h")],
        "",
    );
    let n = d.available(&["--area-code", "312"], 1);
    d.provisioned("bc", &n);
    d.ok(&["calling-name", "default", "Example Corp"]);
    d.ok(&["calling-name", "set", &n[0], "Front Desk"]);
    until("the unique name's update", || {
        d.json(&["numbers", "show", &n[0]])["calling_name_status"] == "UpdateSucceeded"
    });
    until("the default's update", || {
        d.json(&["calling-name", "show"])["default"]["status"] == "UpdateSucceeded"
    });
    refused(
        &d,
        &["calling-name", "default", "New Name"],
        "it can change again at",
    );
    assert!(d
        .ok(&["calling-name", "show"])
        .contains("can change again at"));
    d.ok(&["calling-name", "set", &n[0], "--clear"]);
    d.check_sound();

    // Once the cooldown has passed, the default can be cleared.
    let d = Desk::with(
        &[("name_update", "1s"), ("default_name_cooldown", "2s")],
        "",
    );
    d.ok(&["calling-name", "default", "Example Corp"]);
    until("the end of the default's cooldown", || {
        let show = d.json(&["calling-name", "show"]);
        show["default"]["status"] == "UpdateSucceeded"
            && show["default"]["next_change_possible_at"].is_null()
    });
    let out = d.ok(&["calling-name", "default", "--clear"]);
    assert!(out.contains("nothing"), "{out}");
    d.check_sound();
}

fn port_in_args<'a>(numbers: &'a [&'a str], product: &'a str) -> Vec<&'a str> {
    let mut a = vec!["support", "port-in"];
    a.extend_from_slice(numbers);
    a.extend_from_slice(&[
        "--product-type",
        product,
        "--btn",
        numbers[0],
        "--authorizing-person",
        "Ana Lima",
        "--current-carrier",
        "Old Tel",
        "--service-account-number",
        "99887766",
        "--service-pin",
        "4321",
        "--service-address",
        "1 Main St, Seattle",
        "--customer-name",
        "Example Corp",
        "--requested",
        "2030-06-03T09:00",
        "--email",
        "ana@example.com",
    ]);
    a
}

#[test]
fn port_in_with_loa_mismatch_then_match_lands_unassigned() {
    let d = Desk::new();
    let n = d.available(&["--area-code", "425"], 2);
    let tf = d.available(&["--toll-free-prefix", "888"], 1);
    // Voice Connector ports need a connector first.
    let tf_numbers = [tf[0].as_str()];
    let mut args = port_in_args(&tf_numbers, "vc");
    d.refused(&args, "create a voice connector first");
    d.ok(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Trunk A",
    ]);
    args.extend_from_slice(&["--voice-connector", "vc-1"]);
    let vc_port = d.json(&args);
    assert_eq!(vc_port["request"], "req-1");

    let bc_numbers = [n[0].as_str(), n[1].as_str()];
    let o = d.json(&port_in_args(&bc_numbers, "bc"));
    assert_eq!(o["request"], "req-2");
    let pending = d.json(&["numbers", "list", "--status", "PortinInProgress"]);
    assert_eq!(pending.as_array().unwrap().len(), 3);
    let shown = d.ok(&["support", "show", "req-2"]);
    assert!(
        !shown.contains("99887766") && !shown.contains("4321"),
        "secrets leaked: {shown}"
    );
    assert!(shown.contains("••"), "{shown}");
    sleep_ms(1100);
    assert_eq!(
        d.json(&["support", "show", "req-2"])["status"],
        "PendingDocuments"
    );
    let loa = |who: &str| {
        let args = [
            "support",
            "loa",
            "req-2",
            "--carrier",
            "Old Tel",
            "--authorizing-person",
            who,
            "--btn",
            &n[0],
            "--service-address",
            "1 Main St, Seattle",
        ];
        (d.run(&args), args.map(str::to_string))
    };
    // An LOA that does not match is kept, but the port is not scheduled: exit 1, with
    // the request's new status.
    let (out, _) = loa("Someone Else");
    assert_eq!(out.code, 1, "{out:?}");
    assert_one_line(&out.stderr, "does not match");
    assert!(out.stderr.contains("ChangeRequested"), "{out:?}");
    assert_eq!(
        d.json(&["support", "show", "req-2"])["status"],
        "ChangeRequested"
    );
    let (_, args) = loa("Someone Else");
    let mut json_args = vec!["--json"];
    json_args.extend(args.iter().map(String::as_str));
    let out = d.run(&json_args);
    assert_eq!(out.code, 1, "{out:?}");
    let v = out.json();
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["accepted"], false, "{v}");
    assert_eq!(v["status"], "ChangeRequested", "{v}");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("authorizing person differs"),
        "{v}"
    );
    assert!(
        v["error"].as_str().unwrap().contains("does not match"),
        "{v}"
    );
    let (out, _) = loa("Ana Lima");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("accepted"), "{out:?}");
    let r = d.json(&["support", "show", "req-2"]);
    assert_eq!(r["status"], "FOC");
    assert!(r["foc_date"].is_string());
    assert!(r["port_in"]["service_pin"].as_str().unwrap().contains('•'));
    sleep_ms(3100);
    assert_eq!(d.json(&["support", "show", "req-2"])["status"], "Completed");
    assert_eq!(d.status(&n[0]), "Unassigned");
    assert_eq!(d.status(&n[1]), "Unassigned");
    let orders = d.json(&["orders", "list"]);
    assert!(orders
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["order_type"] == "Porting" && o["status"] == "Successful"));
    d.ok(&["support", "cancel", "--yes", "req-1"]);
    d.check_sound();
}

#[test]
fn port_out_then_unassign_and_delete() {
    let d = Desk::new();
    let n = d.available(&["--area-code", "617"], 1);
    d.provisioned("bc", &n);
    // `--name`, as the other create commands (`directory` above gives the name alone).
    d.refused_with(2, &["directory", "accounts", "create"], "--name");
    d.refused_with(
        2,
        &["directory", "accounts", "create", "--name", "A", "B"],
        "cannot be used with",
    );
    assert!(d
        .ok(&["directory", "accounts", "create", "--name", "Example Corp"])
        .contains("Created account Example Corp (acct-1)"));
    d.ok(&[
        "directory",
        "users",
        "create",
        "--account",
        "acct-1",
        "--name",
        "Ana Lima",
        "--email",
        "ana@example.com",
    ]);
    d.ok(&["assign", &n[0], "--user", "user-1"]);
    d.refused(
        &[
            "support",
            "port-out",
            &n[0],
            "--product-type",
            "vc",
            "--email",
            "ana@example.com",
        ],
        "not Voice Connector",
    );
    let o = d.json(&[
        "support",
        "port-out",
        &n[0],
        "--product-type",
        "bc",
        "--email",
        "ana@example.com",
    ]);
    assert_eq!(o["request"], "req-1");
    sleep_ms(1100);
    let r = d.json(&["support", "show", "req-1"]);
    assert!(r["port_out_account"].as_str().unwrap().starts_with("PD-"));
    let masked = r["port_out_pin"].as_str().unwrap().to_string();
    assert!(masked.contains('•'), "{masked}");
    let revealed = d.json(&["support", "show", "req-1", "--reveal"])["port_out_pin"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        revealed.chars().all(|c| c.is_ascii_digit()) && revealed.len() == 6,
        "{revealed}"
    );
    sleep_ms(3100);
    assert_eq!(d.json(&["support", "show", "req-1"])["status"], "Completed");
    assert_eq!(d.json(&["numbers", "show", &n[0]])["ported_out"], true);
    d.ok(&["unassign", "-y", &n[0]]);
    d.ok(&["delete", "-y", &n[0]]);
    assert_eq!(d.status(&n[0]), "DeleteInProgress");
    d.check_sound();
}

#[test]
fn plain_request_audit_export_and_check() {
    let d = Desk::new();
    let n = d.available(&["--area-code", "206"], 2);
    d.provisioned("vc", &n);
    d.ok(&["label", &n[0], "Lobby, \"main\""]);
    let o = d.json(&[
        "support",
        "new",
        "--category",
        "Technical",
        "--subject",
        "Echo on calls",
        "--issue",
        "We hear an echo.",
        "--email",
        "ana@example.com",
    ]);
    assert_eq!(o["request"], "req-1");
    sleep_ms(1100);
    let r = d.json(&["support", "show", "req-1"]);
    assert_eq!(r["status"], "Answered");
    assert_eq!(r["thread"][0]["author"], "Support");
    d.ok(&["support", "reply", "req-1", "Thanks, that helped."]);
    d.ok(&["support", "close", "req-1"]);
    assert_eq!(d.json(&["support", "list"])[0]["status"], "Closed");

    // Audit: newest first, who did what, refusals too.
    d.run(&["delete", "-y", "+12065550199"]);
    let audit = d.json(&["audit", "--limit", "3"]);
    assert_eq!(audit[0]["ok"], false);
    assert_eq!(audit[0]["actor"], "local:tester");
    assert!(d.ok(&["audit"]).contains("provision"));

    // Export: CSV with a header and quoting; JSON; to a file.
    let csv = d.ok(&["export", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("number,number_type,product_type,status"));
    assert_eq!(csv.lines().count(), 3);
    assert!(csv.contains("\"Lobby, \"\"main\"\"\""), "{csv}");
    let json = d.ok(&["export", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    let file = d.path().join("numbers.csv");
    d.ok(&[
        "export",
        "--format",
        "csv",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), csv);
    d.refused_with(2, &["export", "--format", "xml"], "csv or json");

    let check = d.json(&["check"]);
    assert_eq!(check["ok"], true);
    assert!(d.ok(&["run-due"]).contains("due"));
}

#[test]
fn destructive_commands_need_yes_without_a_terminal() {
    let d = Desk::new();
    let n = d.available(&["--area-code", "206"], 1);
    d.provisioned("vc", &n);
    d.ok(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Trunk A",
    ]);
    d.ok(&["assign", &n[0], "--voice-connector", "vc-1"]);
    d.refused_with(2, &["unassign", &n[0]], "add --yes");
    d.ok(&["unassign", "--yes", &n[0]]);
    d.refused_with(2, &["delete", &n[0]], "add --yes");
    d.refused_with(
        2,
        &["directory", "voice-connectors", "delete", "vc-1"],
        "add --yes",
    );
    d.ok(&["directory", "voice-connectors", "delete", "vc-1", "--yes"]);
    assert_eq!(d.status(&n[0]), "Unassigned");
}

#[test]
fn help_and_usage_errors() {
    let d = Desk::new();
    let help = d.ok(&["--help"]);
    assert!(
        help.contains("provision") && help.contains("deletion-queue"),
        "{help}"
    );
    let out = d.run(&["frobnicate"]);
    assert_eq!(out.code, 2);
    assert_one_line(&out.stderr, "frobnicate");
    let out = d.run(&["assign"]);
    assert_eq!(out.code, 2);
    assert_one_line(&out.stderr, "NUMBERS");
    let out = d.run(&[]);
    assert_eq!(out.code, 2);
    assert_one_line(&out.stderr, "the console needs a terminal");
}
