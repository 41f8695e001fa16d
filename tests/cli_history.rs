//! `phonedesk history NUMBER` and `phonedesk audit` with its filters and CSV, through the
//! real binary on a temporary database.

mod cli_common;
use cli_common::*;

/// Two Voice Connector numbers acquired and the connector "Trunk A" (vc-1).
fn desk() -> (Desk, Vec<String>) {
    Desk::with_acquired(2, "Trunk A")
}

#[test]
fn history_shows_a_numbers_timeline_with_who_and_what_it_was_before() {
    let (d, numbers) = desk();
    let n = &numbers[0];
    d.ok(&["assign", n, "--voice-connector", "vc-1"]);
    d.ok(&["label", n, "Front desk"]);
    d.ok(&["unassign", "--yes", n]);
    let text = d.ok(&["history", n]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("History of ("), "{text}");
    let order: Vec<usize> = [
        "provision",
        "complete due work",
        "assign",
        "set label",
        "unassign",
    ]
    .iter()
    .map(|a| {
        lines
            .iter()
            .position(|l| l.contains(&format!("  {a}  ")))
            .unwrap_or_else(|| panic!("no {a} in {text}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {text}"
    );
    assert!(
        text.contains("assignee: none → voice connector Trunk A"),
        "{text}"
    );
    assert!(
        text.contains("assignee: voice connector Trunk A → none"),
        "{text}"
    );
    assert!(text.contains("label: none → “Front desk”"), "{text}");
    assert!(text.contains("local:tester"), "{text}");

    let v = d.json(&["history", n]);
    assert_eq!(v["number"], n.as_str());
    let entries = v["entries"].as_array().unwrap();
    let assign = entries.iter().find(|e| e["action"] == "assign").unwrap();
    let change = assign["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "assignee")
        .unwrap();
    assert_eq!(change["before"], serde_json::Value::Null);
    assert_eq!(change["after"]["id"], "vc-1");
    assert_eq!(change["after"]["name"], "Trunk A");

    // The other number was never assigned.
    assert!(!d.ok(&["history", &numbers[1]]).contains("assign "));
}

#[test]
fn history_refuses_a_bad_number_and_says_when_nothing_is_recorded() {
    let (d, _) = desk();
    d.refused_with(2, &["history", "555"], "E.164");
    let out = d.ok(&["history", "+12065550100"]);
    assert!(
        out.starts_with("Nothing is recorded about (206) 555-0100"),
        "{out}"
    );
    // A lookup reads the number's form, not libphonenumber's validity (whose metadata
    // is most of a cold `history`): a number that cannot be ordered has nothing recorded.
    let out = d.ok(&["history", "+1 123 555 0123"]);
    assert!(
        out.starts_with("Nothing is recorded about (123) 555-0123"),
        "{out}"
    );
    assert!(d
        .ok(&["audit", "--number", "+11235550123"])
        .contains("No audit entries match"));
}

#[test]
fn audit_filters_by_number_actor_action_time_and_refusal() {
    let (d, numbers) = desk();
    d.ok(&["label", &numbers[0], "one"]);
    d.ok(&["label", &numbers[1], "two"]);
    d.run(&["restore", &numbers[0]]);
    let only = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["audit"];
        all.extend_from_slice(args);
        d.json(&all).as_array().unwrap().clone()
    };
    let mine = only(&["--number", &numbers[0]]);
    assert!(mine.iter().all(|e| e["numbers"]
        .as_array()
        .unwrap()
        .contains(&numbers[0].clone().into())));
    assert!(mine.iter().any(|e| e["action"] == "set label"));
    assert!(!mine
        .iter()
        .any(|e| e["changes"].to_string().contains("two")));
    let failed = only(&["--failed"]);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["action"], "restore");
    assert_eq!(only(&["--action", "set label"]).len(), 2);
    assert_eq!(only(&["--actor", "nobody"]).len(), 0);
    assert!(only(&["--actor", "LOCAL:tester"]).len() >= 3);
    assert_eq!(only(&["--since", "2999-01-01T00:00Z"]).len(), 0);
    assert_eq!(
        only(&["--until", "2000-01-01T00:00Z"]).len(),
        0,
        "nothing before 2000"
    );
    assert_eq!(
        d.ok(&["audit", "--actor", "nobody"]).trim(),
        "No audit entries match."
    );
}

#[test]
fn audit_refuses_bad_filters_in_plain_words_and_writes_nothing() {
    let (d, _) = desk();
    let before = d.snapshot();
    d.refused_with(2, &["audit", "--since", "yesterday"], "is not a time");
    d.refused_with(
        2,
        &[
            "audit",
            "--since",
            "2026-12-02T00:00Z",
            "--until",
            "2026-12-01T00:00Z",
        ],
        "--since must be before --until",
    );
    let both = d.run(&["--json", "audit", "--csv"]);
    assert_eq!(both.code, 2, "{both:?}");
    assert_one_line(&both.stderr, "not both");
    d.refused_with(2, &["audit", "--number", "12"], "E.164");
    d.refused_with(2, &["audit", "--limit", "0"], "at least 1");
    d.refused_with(
        2,
        &["history", "+12065550100", "--limit", "0"],
        "at least 1",
    );
    assert_eq!(d.snapshot(), before);
}

#[test]
fn audit_csv_is_safe_for_spreadsheets_and_names_every_number() {
    let (d, numbers) = desk();
    d.ok(&["label", &numbers[0], "=HYPERLINK(\"http://evil.example\")"]);
    let csv = d.ok(&["audit", "--csv", "--action", "set label"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "seq");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let cell = |name: &str| {
        let i = headers.iter().position(|h| h == name).unwrap();
        rows[0][i].to_string()
    };
    assert_eq!(cell("numbers"), numbers[0]);
    assert!(cell("changes").starts_with('\''), "{}", cell("changes"));
    assert!(cell("changes").contains("=HYPERLINK"));
    assert_eq!(cell("ok"), "true");
}

#[test]
fn undo_takes_back_the_latest_change_and_lists_what_can_be_undone() {
    let (d, numbers) = desk();
    let n = &numbers[0];
    d.ok(&["assign", n, "--voice-connector", "vc-1"]);
    let list = d.ok(&["undo", "--list"]);
    assert!(list.contains("ENTRY") && list.contains("assign"), "{list}");
    assert!(list.contains("yes"), "{list}");
    let out = d.ok(&["undo"]);
    assert!(out.starts_with("Undid entry"), "{out}");
    assert_eq!(d.status(n), "Unassigned");
    // Its own entry is in the number's history; a second undo of the same entry is
    // refused, and nothing changes.
    assert!(d.ok(&["history", n]).contains("  undo  "));
    let listed = d.json(&["undo", "--list"]);
    let assign = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "assign")
        .unwrap();
    assert_eq!(assign["can_undo"], false);
    let seq = assign["seq"].to_string();
    d.refused(&["undo", &seq], "has changed since");
    d.refused_with(2, &["undo", "x"], "audit entry's number");
    d.refused(&["undo", "9999"], "there is no audit entry 9999");
}
