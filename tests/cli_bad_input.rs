//! The bad-input list of issue #3: each is refused with one line in plain words, a
//! non-zero exit, and nothing changed in the database (`Desk::refused` compares the whole
//! store before and after, with and without --json).

mod cli_common;
use cli_common::*;

/// Long durations, so nothing falls due while a test compares snapshots.
fn desk_with(overrides: &[(&str, &str)], extra: &str) -> Desk {
    let mut o = vec![
        ("name_update", "1h"),
        ("default_name_cooldown", "7days"),
        ("deletion_retention", "7days"),
        ("support_response", "1h"),
        ("porting_min", "14days"),
        ("porting_max", "28days"),
    ];
    for (k, v) in overrides {
        o.retain(|(x, _)| x != k);
        o.push((k, v));
    }
    Desk::with(&o, extra)
}

struct World {
    d: Desk,
    bc: Vec<String>,
    vc: Vec<String>,
    tf: String,
}

/// Two Business Calling numbers (the first assigned to Ana), two Voice Connector numbers
/// (the first on Trunk A), a toll-free Voice Connector number, an account with two users,
/// two voice connectors.
fn world(overrides: &[(&str, &str)], extra: &str) -> World {
    let d = desk_with(overrides, extra);
    let bc = d.available(&["--area-code", "206"], 2);
    let vc = d.available(&["--area-code", "503"], 2);
    let tf = d.available(&["--toll-free-prefix", "800"], 1).remove(0);
    d.ok(&["provision", "--product-type", "bc", &bc[0], &bc[1]]);
    d.ok(&["provision", "--product-type", "vc", &vc[0], &vc[1], &tf]);
    d.example_account();
    d.ok(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Trunk A",
    ]);
    d.ok(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Trunk B",
    ]);
    sleep_ms(1100);
    d.ok(&["run-due"]);
    d.ok(&["assign", &bc[0], "--user", "user-1"]);
    d.ok(&["assign", &vc[0], "--voice-connector", "vc-1"]);
    World { d, bc, vc, tf }
}

#[test]
fn malformed_and_unknown_numbers() {
    let w = world(&[], "");
    let d = &w.d;
    // Each says what is wrong with the number.
    for (bad, why) in [
        ("phone", "“phone” needs + and the country code"),
        ("2065550123", "“2065550123” needs + and the country code"),
        (
            "12065550123",
            "“12065550123” needs a + before the country code: +12065550123",
        ),
        (
            "1-206-223-2948",
            "“1-206-223-2948” needs a + before the country code: +12062232948",
        ),
        ("+1206", "“+1206” has too few digits: a +1 number has 10"),
        (
            "+1206555012345678",
            "“+1206555012345678” has too many digits: a +1 number has 10",
        ),
        (
            "+99912345678",
            "“+99912345678”: there is no country code +999",
        ),
        (
            "+1206555O123",
            "“+1206555O123” has “O” where a digit belongs",
        ),
    ] {
        // A value that cannot be read is a usage error, exit 2.
        d.refused_with(2, &["numbers", "show", bad], why);
        d.refused_with(2, &["delete", "-y", bad], why);
        d.refused_with(2, &["assign", bad, "--user", "user-2"], why);
    }
    d.refused_with(
        2,
        &["provision", "--product-type", "vc", "+10065550123"],
        "not a valid phone number",
    );
    let stranger = "+12065550199";
    d.refused(&["numbers", "show", stranger], "is not one of your numbers");
    d.refused(
        &["assign", stranger, "--user", "user-2"],
        "is not one of your numbers",
    );
    d.refused(&["delete", "-y", stranger], "is not one of your numbers");
    d.refused(
        &["switch-product-type", stranger, "--to", "vc"],
        "is not one of your numbers",
    );
    d.refused(&["restore", stranger], "not in the deletion queue");
    d.refused(&["restore", &w.bc[1]], "not in the deletion queue");
    d.refused(
        &["calling-name", "set", stranger, "Front Desk"],
        "is not one of your numbers",
    );
    d.refused_with(
        2,
        &["switch-product-type", &w.bc[1], "--to", "fax"],
        "not a product type",
    );
    d.check_sound();
}

#[test]
fn wrong_assignees_and_missing_directory_records() {
    let w = world(&[], "");
    let d = &w.d;
    d.refused(
        &["assign", &w.bc[1], "--voice-connector", "vc-2"],
        "is a Business Calling number",
    );
    d.refused(
        &["assign", &w.bc[1], "--group", "vcg-1"],
        "no voice connector group vcg-1",
    );
    d.refused(
        &["assign", &w.vc[1], "--user", "user-2"],
        "is a Voice Connector number",
    );
    d.refused(
        &["assign", &w.bc[1], "--user", "user-1"],
        "Ana Lima already has the Business Calling number",
    );
    d.refused(
        &["assign", &w.bc[1], "--user", "user-99"],
        "no user user-99",
    );
    d.refused(
        &[
            "assign",
            &w.bc[1],
            "--user",
            "user-2",
            "--account",
            "acct-99",
        ],
        "no account acct-99",
    );
    d.refused(
        &["assign", &w.vc[1], "--voice-connector", "vc-99"],
        "no voice connector vc-99",
    );
    d.refused(
        &["reassign", &w.bc[0], "--user", "user-2"],
        "only Voice Connector numbers can be reassigned",
    );
    d.refused(
        &["assign", &w.vc[0], "--voice-connector", "vc-2"],
        "unassign it before",
    );
    d.refused(
        &[
            "directory",
            "users",
            "create",
            "--account",
            "acct-9",
            "--name",
            "X Y",
            "--email",
            "x@example.com",
        ],
        "no account acct-9",
    );
    d.refused(
        &[
            "directory",
            "users",
            "create",
            "--account",
            "acct-1",
            "--name",
            "X Y",
            "--email",
            "nope",
        ],
        "not an email address",
    );
    d.refused(
        &[
            "directory",
            "voice-connectors",
            "create",
            "--name",
            "T",
            "--region",
            "mars-1",
        ],
        "not a Voice Connector region",
    );
    d.refused_with(2, &["assign", &w.vc[1]], "--voice-connector");
    d.check_sound();
}

#[test]
fn toll_free_numbers_are_never_business_calling() {
    let w = world(&[], "");
    let d = &w.d;
    let tf = d.available(&["--toll-free-prefix", "888"], 1);
    d.refused(&["provision", "--product-type", "bc", &tf[0]], "toll-free");
    d.refused(
        &["switch-product-type", &w.tf, "--to", "BusinessCalling"],
        "toll-free",
    );
    let form = [
        "support",
        "port-in",
        "+18665550123",
        "--product-type",
        "bc",
        "--btn",
        "+12065550100",
        "--authorizing-person",
        "Ana Lima",
        "--service-address",
        "1 Main St",
        "--customer-name",
        "Example Corp",
        "--requested",
        "2030-06-03T09:00",
        "--email",
        "ana@example.com",
    ];
    d.refused(&form, "toll-free");
    d.check_sound();
}

#[test]
fn assigned_numbers_cannot_be_deleted_or_switched_and_connectors_with_numbers_stay() {
    let w = world(&[], "");
    let d = &w.d;
    d.refused(
        &["delete", "-y", &w.bc[0]],
        "unassign it before you delete it",
    );
    d.refused(&["delete", "-y", &w.vc[0]], "is assigned to Trunk A");
    d.refused(
        &["switch-product-type", &w.bc[0], "--to", "vc"],
        "unassign it before you switch its product type",
    );
    d.refused(
        &["directory", "voice-connectors", "delete", "-y", "vc-1"],
        "still has 1 number assigned; unassign it first",
    );
    d.refused(
        &["directory", "users", "delete", "-y", "user-1"],
        "still has 1 number assigned; unassign it first",
    );
    d.refused(
        &["directory", "accounts", "delete", "-y", "acct-1"],
        "still has 2 users; delete them first",
    );
    // A number in Pending is not in the inventory yet.
    let more = d.available(&["--area-code", "312"], 1);
    let pending = port_in(&[&more[0]], "vc", "");
    let mut pending: Vec<&str> = pending;
    pending.extend_from_slice(&["--voice-connector", "vc-2"]);
    d.ok(&pending);
    d.refused(
        &["assign", &more[0], "--voice-connector", "vc-2"],
        "is not in the inventory",
    );
    d.refused(&["delete", "-y", &more[0]], "still being ported in");
    d.check_sound();
}

#[test]
fn the_inventory_limit_refuses_orders_and_restores_whole() {
    let d = desk_with(&[], "\n[inventory]\nlimit = 3\n");
    let n = d.available(&["--area-code", "206"], 4);
    // An order past the limit is refused whole: nothing ordered.
    d.refused(
        &[
            "provision",
            "--product-type",
            "vc",
            &n[0],
            &n[1],
            &n[2],
            &n[3],
        ],
        "limited to 3 numbers",
    );
    assert!(d.json(&["orders", "list"]).as_array().unwrap().is_empty());
    assert!(d.json(&["numbers", "list"]).as_array().unwrap().is_empty());
    d.refused(
        &[
            "provision",
            "--product-type",
            "vc",
            "--area-code",
            "206",
            "--limit",
            "4",
        ],
        "limited to 3 numbers",
    );
    d.ok(&["provision", "--product-type", "vc", &n[0], &n[1], &n[2]]);
    sleep_ms(1100);
    d.ok(&["run-due"]);
    d.refused(
        &["provision", "--product-type", "vc", &n[3]],
        "limited to 3 numbers",
    );
    // A restore that would go past the limit is refused too.
    d.ok(&["delete", "-y", &n[0]]);
    d.ok(&["provision", "--product-type", "vc", &n[3]]);
    sleep_ms(1100);
    d.ok(&["run-due"]);
    d.refused(&["restore", &n[0]], "limited to 3 numbers");
    d.check_sound();
}

#[test]
fn searches_follow_the_rules() {
    let d = desk_with(&[], "");
    d.refused(
        &["search"],
        "needs an area code, a state, a city with its state, or a toll-free prefix",
    );
    d.refused(&["search", "--contains", "555"], "needs an area code");
    d.refused(&["search", "--city", "Seattle"], "needs the city's state");
    for bad in ["822", "900", "811", "8000"] {
        d.refused(
            &["search", "--toll-free-prefix", bad],
            "is not a toll-free prefix",
        );
    }
    // Values that do not read as numbers are usage errors; numbers a rule refuses, refusals.
    d.refused_with(
        2,
        &["search", "--toll-free-prefix", "eight"],
        "is not a toll-free prefix",
    );
    d.refused_with(
        2,
        &["search", "--area-code", "two-oh-six"],
        "an area code has 3 digits",
    );
    d.refused(&["search", "--state", "ZZ"], "is not a US state");
    d.refused(
        &["search", "--area-code", "800"],
        "toll-free prefix, not an area code",
    );
    d.refused(
        &["search", "--area-code", "206", "--limit", "501"],
        "ask for 1 to 500",
    );
    d.refused(
        &["search", "--country", "GB", "--area-code", "206"],
        "United States numbers only",
    );
    d.refused(
        &["provision", "--product-type", "vc", "--city", "Seattle"],
        "needs the city's state",
    );
    let found = d.json(&[
        "search", "--city", "Seattle", "--state", "WA", "--limit", "2",
    ]);
    assert_eq!(found.as_array().unwrap().len(), 2);
    assert_eq!(
        d.json(&["search", "--toll-free-prefix", "833", "--limit", "1"])[0]["number_type"],
        "TollFree"
    );
}

#[test]
fn groups_hold_three_connectors_and_accounts_three_groups() {
    let d = desk_with(&[], "");
    for name in ["A", "B", "C", "D"] {
        d.ok(&["directory", "voice-connectors", "create", "--name", name]);
    }
    let four = [
        "directory",
        "groups",
        "create",
        "--name",
        "Big",
        "--member",
        "vc-1:1",
        "--member",
        "vc-2:2",
        "--member",
        "vc-3:3",
        "--member",
        "vc-4:4",
    ];
    d.refused(&four, "at most 3 voice connectors");
    d.refused(
        &[
            "directory",
            "groups",
            "create",
            "--name",
            "Bad",
            "--member",
            "vc-1:0",
        ],
        "priority is 1 (highest) to 99",
    );
    d.refused(
        &[
            "directory",
            "groups",
            "create",
            "--name",
            "Bad",
            "--member",
            "vc-9:1",
        ],
        "no voice connector vc-9",
    );
    d.refused(
        &[
            "directory",
            "groups",
            "create",
            "--name",
            "Bad",
            "--member",
            "vc-1:1",
            "--member",
            "vc-1:2",
        ],
        "appears twice",
    );
    for name in ["G1", "G2", "G3"] {
        d.ok(&[
            "directory",
            "groups",
            "create",
            "--name",
            name,
            "--member",
            "vc-1:1",
        ]);
    }
    d.refused(
        &[
            "directory",
            "groups",
            "create",
            "--name",
            "G4",
            "--member",
            "vc-2:1",
        ],
        "at most 3 voice connector groups",
    );
    d.refused(
        &[
            "directory",
            "groups",
            "edit",
            "vcg-1",
            "--member",
            "vc-1:1",
            "--member",
            "vc-2:2",
            "--member",
            "vc-3:3",
            "--member",
            "vc-4:4",
        ],
        "at most 3 voice connectors",
    );
    d.refused(
        &["directory", "voice-connectors", "delete", "-y", "vc-1"],
        "member of voice connector group",
    );
    d.check_sound();
}

#[test]
fn calling_names_outside_the_pattern() {
    let w = world(&[], "");
    let d = &w.d;
    let n = &w.bc[1];
    let cases = [
        ("A", "at least 2 characters"),
        (
            "ABCDEFGHIJKLMNOP",
            "at most 15 characters (this one has 16)",
        ),
        ("Acme, Inc", "only letters A-Z, digits and spaces"),
        ("Acme!", "only letters A-Z, digits and spaces"),
        ("Acme\u{7}Bell", "U+0007"),
        ("Acme\u{1b}[2J", "U+001B"),
        ("Hi \u{1F4DE}", "only letters A-Z, digits and spaces"),
        ("Café", "only letters A-Z, digits and spaces"),
    ];
    for (name, why) in cases {
        d.refused(&["calling-name", "set", n, name], why);
        d.refused(&["calling-name", "default", name], why);
    }
    d.refused_with(2, &["calling-name", "set", n, "   "], "or --clear");
    d.check_sound();
}

#[test]
fn calling_names_change_at_their_pace() {
    // The default: once every 7 days, even after its update completed.
    let w = world(&[("name_update", "1s")], "");
    let d = &w.d;
    d.ok(&["calling-name", "default", "Example Corp"]);
    sleep_ms(1100);
    d.ok(&["run-due"]);
    d.refused(
        &["calling-name", "default", "Example Two"],
        "it can change again at",
    );
    d.refused(
        &["calling-name", "default", "--clear"],
        "it can change again at",
    );
    // A unique name cannot change while its update is in progress.
    let w = world(&[], "");
    let d = &w.d;
    d.ok(&["calling-name", "default", "Example Corp"]);
    d.refused(
        &["calling-name", "default", "Example Two"],
        "still in progress",
    );
    d.ok(&["calling-name", "set", &w.bc[1], "Front Desk"]);
    d.refused(
        &["calling-name", "set", &w.bc[1], "Reception"],
        "still being updated",
    );
    d.refused(
        &["calling-name", "set", &w.bc[1], "--clear"],
        "still being updated",
    );
    d.ok(&["calling-name", "set", &w.vc[1], "Trunk Line"]);
    d.check_sound();
}

fn port_in<'a>(numbers: &[&'a str], product: &'a str, skip: &str) -> Vec<&'a str> {
    let mut a = vec!["support", "port-in"];
    a.extend_from_slice(numbers);
    let fields: [(&str, &str); 9] = [
        ("--product-type", product),
        ("--btn", "+12065550100"),
        ("--authorizing-person", "Ana Lima"),
        ("--current-carrier", "Old Tel"),
        ("--service-address", "1 Main St"),
        ("--customer-name", "Example Corp"),
        ("--requested", "2030-06-03T09:00"),
        ("--email", "ana@example.com"),
        ("--service-pin", "1234"),
    ];
    for (flag, value) in fields {
        if flag != skip {
            a.push(flag);
            a.push(value);
        }
    }
    a
}

#[test]
fn port_in_requests_are_checked() {
    let d = desk_with(&[], "");
    // Non-US numbers: London, Toronto.
    d.refused(&port_in(&["+442079460123"], "bc", ""), "is not a US number");
    d.refused(
        &port_in(&["+12065550123", "+14165550123"], "bc", ""),
        "+14165550123 is not a US number",
    );
    // Voice Connector without any connector.
    d.refused(
        &port_in(&["+12065550123"], "vc", ""),
        "create a voice connector first",
    );
    // Every required field: a flag not given is a usage error (exit 2), as for every
    // command; a flag given empty is refused by the rules (exit 1).
    for (flag, what) in [
        ("--authorizing-person", "authorizing person"),
        ("--service-address", "service address"),
        ("--customer-name", "customer name"),
        ("--email", "email"),
        ("--btn", "billing telephone number"),
        ("--requested", "requested date and time"),
        ("--product-type", "product type"),
    ] {
        d.refused_with(
            2,
            &port_in(&["+12065550123"], "bc", flag),
            &format!("the port-in form is missing the {what}"),
        );
    }
    d.refused_with(2, &port_in(&[], "bc", ""), "missing the numbers to port");
    for (flag, what) in [
        ("--authorizing-person", "authorizing person"),
        ("--service-address", "service address"),
        ("--customer-name", "customer name"),
        ("--email", "email"),
    ] {
        let mut blank = port_in(&["+12065550123"], "bc", flag);
        blank.extend_from_slice(&[flag, "  "]);
        d.refused(&blank, &format!("the port-in form is missing the {what}"));
    }
    let mut bad_date = port_in(&["+12065550123"], "bc", "--requested");
    bad_date.extend_from_slice(&["--requested", "next tuesday"]);
    d.refused_with(2, &bad_date, "is not a date and time");
    let mut bad_btn = port_in(&["+12065550123"], "bc", "--btn");
    bad_btn.extend_from_slice(&["--btn", "2065550100"]);
    d.refused_with(2, &bad_btn, "“2065550100” needs + and the country code");
    d.refused_with(
        2,
        &port_in(&["+12065550123"], "fax", ""),
        "is not a product type",
    );
    d.ok(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Trunk A",
    ]);
    d.refused(
        &port_in(&["+12065550123"], "vc", ""),
        "missing the voice connector",
    );
    let mut vc99 = port_in(&["+12065550123"], "vc", "");
    vc99.extend_from_slice(&["--voice-connector", "vc-99"]);
    d.refused(&vc99, "no voice connector vc-99");
    d.refused(
        &[
            "support",
            "loa",
            "req-1",
            "--carrier",
            "X",
            "--authorizing-person",
            "Y",
            "--btn",
            "+12065550100",
            "--service-address",
            "Z",
        ],
        "no support request req-1",
    );
    d.refused(
        &[
            "support",
            "new",
            "--subject",
            "Hi",
            "--issue",
            "Hello",
            "--email",
            "not-an-email",
        ],
        "not an email address",
    );
    d.check_sound();
}
