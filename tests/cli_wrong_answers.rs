//! Bad input that used to get a wrong answer (issue #9): numbers listed twice, a plain
//! request's missing email, usage errors under --json. Each is refused with one line that
//! says what is wrong, and the store is left exactly as it was.

mod cli_common;
use cli_common::*;

#[test]
fn a_number_listed_twice_is_refused_by_every_action() {
    let d = Desk::new();
    let n = d.available(&["--area-code", "206"], 2);
    let (a, b) = (n[0].as_str(), n[1].as_str());
    let twice = format!("{a} is listed twice");
    // Provision and port-in alike.
    d.refused(&["provision", "--product-type", "bc", a, b, a], &twice);
    d.refused(
        &[
            "support",
            "port-in",
            a,
            a,
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
        ],
        &twice,
    );
    // Every other action that takes several numbers.
    d.provisioned("vc", &n);
    d.ok(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Trunk A",
    ]);
    d.refused(&["assign", a, a, "--voice-connector", "vc-1"], &twice);
    d.refused(&["switch-product-type", a, a, "--to", "bc"], &twice);
    d.refused(&["delete", "-y", a, b, a], &twice);
    d.refused(
        &[
            "support",
            "port-out",
            a,
            a,
            "--product-type",
            "vc",
            "--email",
            "ana@example.com",
        ],
        &twice,
    );
    d.ok(&["assign", a, "--voice-connector", "vc-1"]);
    d.refused(&["reassign", a, a, "--voice-connector", "vc-1"], &twice);
    d.refused(&["unassign", "-y", a, a], &twice);
    d.ok(&["delete", "-y", b]);
    d.refused(&["restore", b, b], &format!("{b} is listed twice"));
    d.check_sound();
}

#[test]
fn a_plain_request_missing_its_email_is_called_a_plain_request() {
    let d = Desk::new();
    let args = [
        "support",
        "new",
        "--subject",
        "Hi",
        "--issue",
        "Hello",
        "--email",
        "",
    ];
    let err = d.refused(&args, "the plain request is missing the email");
    assert!(!err.contains("port-in"), "{err}");
    let err = d.refused(
        &[
            "support",
            "port-out",
            "+12065550123",
            "--product-type",
            "bc",
            "--email",
            " ",
        ],
        "the port-out form is missing the email",
    );
    assert!(!err.contains("port-in"), "{err}");
    // One rule for both forms: a flag not given at all is a usage error (exit 2), as a
    // port-in's is (tests/cli_bad_input.rs), and one given empty is a refusal (exit 1).
    d.refused_with(
        2,
        &[
            "support",
            "port-out",
            "+12065550123",
            "--product-type",
            "bc",
        ],
        "--email",
    );
}

#[test]
fn usage_errors_answer_in_json_under_json() {
    let d = Desk::new();
    for args in [
        &["--json", "numbers", "lst"][..],
        &["--json", "search", "--limit", "abc"],
        &["search", "--area-code", "206", "--limit", "abc", "--json"],
        &["--json", "switch-product-type", "+12065550123"],
        &["--json", "numbers"],
        &["--json", "frobnicate"],
    ] {
        let out = d.run(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        let error = out.json()["error"].as_str().unwrap_or("").to_string();
        assert!(!error.is_empty(), "{args:?}: {out:?}");
        assert_one_line(&out.stderr, &error);
    }
    // In plain words: not Rust's "invalid digit found in string".
    let out = d.run(&["--json", "search", "--limit", "abc"]);
    assert!(out.stderr.contains("must be a whole number"), "{out:?}");
    let out = d.run(&["--json", "switch-product-type", "+12065550123"]);
    assert!(
        out.json()["error"].as_str().unwrap().contains("--to"),
        "{out:?}"
    );
    // Help and version still print as they are, with exit 0.
    let help = d.ok(&["--json", "--help"]);
    assert!(help.contains("Usage:"), "{help}");
    let version = d.ok(&["--json", "--version"]);
    assert!(version.starts_with("phonedesk "), "{version}");
    // Without --json, stdout stays empty.
    let out = d.run(&["numbers", "lst"]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    let out = d.run(&["numbers"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(
        &out.stderr,
        "`phonedesk numbers` needs a command (list, show)",
    );
}

#[test]
fn a_bad_configuration_says_what_the_value_must_be() {
    let d = Desk::with(&[], "\n[inventory]\nlimit = -1\n");
    let out = d.run(&["numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(
        &out.stderr,
        "`limit` must be a whole number of at least 1, not -1",
    );
    assert!(!out.stderr.contains("usize"), "{out:?}");
    let out = d.run(&["--json", "numbers", "list"]);
    assert!(out.json()["error"]
        .as_str()
        .unwrap()
        .contains("must be a whole number"));
}

#[test]
fn files_that_cannot_be_read_or_written_are_said_in_words() {
    let d = Desk::new();
    let missing = d.dir.path().join("no-such-folder").join("numbers.csv");
    let out = d.run(&["export", "--output", missing.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_one_line(
        &out.stderr,
        &format!(
            "cannot write {}: no such file or directory",
            missing.display()
        ),
    );
    let out = d.run(&["export", "--output", d.dir.path().to_str().unwrap()]);
    assert_one_line(&out.stderr, ": is a directory");
    assert!(!out.stderr.contains("os error"), "{out:?}");
    let mut d = d;
    d.config = d.dir.path().join("missing.toml");
    let out = d.run(&["numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(
        &out.stderr,
        &format!(
            "cannot read the configuration {}: no such file or directory",
            d.config.display()
        ),
    );
}

fn port_in_at<'a>(number: &'a str, requested: &'a str) -> Vec<&'a str> {
    vec![
        "support",
        "port-in",
        number,
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
        requested,
        "--email",
        "ana@example.com",
    ]
}

#[test]
fn times_take_offsets_and_the_users_zone_and_show_the_zone() {
    let d = Desk::with(&[("support_response", "1h")], "");
    let requested = |id: &str| {
        d.json(&["support", "show", id])["port_in"]["requested_at"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // An RFC 3339 offset is accepted, as Z is.
    d.ok(&port_in_at("+12065550123", "2030-06-03T09:00+02:00"));
    assert_eq!(requested("req-1"), "2030-06-03T07:00:00Z");
    d.ok(&port_in_at("+12065550124", "2030-06-03T07:00Z"));
    assert_eq!(requested("req-2"), "2030-06-03T07:00:00Z");
    // Without an offset, the time is the user's: Paris is at +02:00 in June.
    let out = d.run_in_zone(
        "Europe/Paris",
        &port_in_at("+12065550125", "2030-06-03T09:00"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(requested("req-3"), "2030-06-03T07:00:00Z");
    // ...and in UTC for a user in UTC.
    d.ok(&port_in_at("+12065550126", "2030-06-03 09:00"));
    assert_eq!(requested("req-4"), "2030-06-03T09:00:00Z");
    // Every time shown names its zone, in the user's zone.
    let shown = d.ok(&["support", "show", "req-3"]);
    assert!(
        shown.contains("Requested port date: 2030-06-03 07:00 UTC"),
        "{shown}"
    );
    let created = shown
        .lines()
        .find(|l| l.starts_with("Created:"))
        .unwrap()
        .to_string();
    assert!(created.ends_with(" UTC"), "{created}");
    let out = d.run_in_zone("Europe/Paris", &["support", "show", "req-3"]);
    let created = out
        .stdout
        .lines()
        .find(|l| l.starts_with("Created:"))
        .unwrap();
    assert!(
        created.ends_with(" CET") || created.ends_with(" CEST"),
        "{created}"
    );
    let list = d
        .run_in_zone("America/New_York", &["support", "list"])
        .stdout;
    assert!(list.contains(" EST") || list.contains(" EDT"), "{list}");
    // A time that is not one is a usage error that says how to write one.
    let err = d.refused_with(
        2,
        &port_in_at("+12065550127", "next tuesday"),
        "is not a date and time",
    );
    assert!(err.contains("+02:00"), "{err}");
    d.refused_with(
        2,
        &port_in_at("+12065550127", "2030-06-31T09:00"),
        "is not a date and time",
    );
}
