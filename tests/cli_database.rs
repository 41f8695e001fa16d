//! The database and the configuration as the binary meets them: held by another process,
//! written by a newer phonedesk, or configured wrongly. Each is one line and a non-zero
//! exit, never a panic.

mod cli_common;
use cli_common::*;

#[test]
fn a_database_held_by_another_process_is_refused_in_words() {
    let d = Desk::new();
    d.ok(&["directory", "accounts", "create", "Example Corp"]);
    let store = phonedesk::store::Store::open(&phonedesk::store::StoreOptions::new(&d.db)).unwrap();
    let out = d.run(&["numbers", "list"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_one_line(&out.stderr, "is in use by another phonedesk process");
    assert!(
        out.stderr.contains(&format!("pid {}", std::process::id())),
        "{}",
        out.stderr
    );
    let out = d.run(&["--json", "check"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.json()["error"].as_str().unwrap().contains("in use"));
    // A server's marker says how to connect instead.
    phonedesk::store::ServerMarker::write(&d.db, "desk.example.com", 2222).unwrap();
    let out = d.run(&["numbers", "list"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_one_line(&out.stderr, "connect with: ssh -p 2222 desk.example.com");
    drop(store);
    // Once released, the database opens again and nothing was lost.
    let accounts = d.json(&["directory", "accounts"]);
    assert_eq!(accounts[0]["name"], "Example Corp");
}

#[test]
fn a_database_from_a_newer_phonedesk_is_refused() {
    let d = Desk::new();
    d.ok(&["directory", "accounts", "create", "Example Corp"]);
    {
        let db = sled::open(&d.db).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("schema_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let out = d.run(&["numbers", "list"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_one_line(&out.stderr, "was written by a newer phonedesk (schema 99");
    assert!(out.stderr.contains("upgrade phonedesk"), "{}", out.stderr);
}

#[test]
fn a_bad_configuration_names_the_key_and_line() {
    let d = Desk::with_config("[inventory]\nlimit = 25\nlimmit = 3\n");
    let out = d.run(&["numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(&out.stderr, "limmit");
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);

    let d = Desk::with_config("[carrier]\nfailure_rate = 1.5\n");
    let out = d.run(&["--json", "numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(
        &out.stderr,
        "`failure_rate` must be a number from 0.0 to 1.0",
    );
    assert!(out.stderr.contains("line 2"), "{}", out.stderr);
    assert!(out.json()["error"]
        .as_str()
        .unwrap()
        .contains("failure_rate"));

    let d = Desk::with_config("[durations]\nname_update = \"soon\"\n");
    let out = d.run(&["numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(&out.stderr, "line 2");

    // A configuration named explicitly must exist.
    let d = Desk::new();
    std::fs::remove_file(&d.config).unwrap();
    let out = d.run(&["numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(&out.stderr, "cannot read the configuration");
}

#[test]
fn work_that_fell_due_while_stopped_completes_on_the_next_start() {
    let d = Desk::new();
    let n = d.available(&["--area-code", "206"], 1);
    d.ok(&["provision", "--product-type", "vc", &n[0]]);
    sleep_ms(1100);
    // Any command completes what fell due before it runs.
    assert_eq!(d.json(&["numbers", "show", &n[0]])["status"], "Unassigned");
    let out = d.json(&["run-due"]);
    assert_eq!(out["completed"], 0);
}

#[test]
fn a_lowered_limit_is_a_warning_in_check_not_a_problem() {
    let d = Desk::new();
    let n = d.available(&["--area-code", "206"], 3);
    d.provisioned("vc", &n);
    d.check_sound();
    // The administrator lowers the limit below what is held.
    let text = std::fs::read_to_string(&d.config).unwrap();
    std::fs::write(&d.config, format!("{text}\n[inventory]\nlimit = 2\n")).unwrap();
    let out = d.run(&["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    assert!(out.stdout.contains("The database is sound"), "{out:?}");
    let warning = out
        .stdout
        .lines()
        .find(|l| l.starts_with("Warning: "))
        .unwrap_or_else(|| panic!("no warning: {out:?}"));
    assert!(
        warning.contains("3 numbers are held, over the configured limit of 2"),
        "{warning}"
    );
    let v = d.json(&["check"]);
    assert_eq!(v["ok"], true, "{v}");
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1, "{v}");
    // Nothing more can be added while over the limit.
    let more = d.available(&["--area-code", "503"], 1);
    d.refused(
        &["provision", "--product-type", "vc", &more[0]],
        "limited to 2",
    );
}

#[test]
fn the_audit_names_a_local_user_apart_from_ssh_keys() {
    let d = Desk::new();
    d.ok(&["directory", "accounts", "create", "Example Corp"]);
    // cron and systemd start phonedesk without a login name.
    let out = Desk::finish(
        d.command(&["directory", "accounts", "create", "Other Corp"])
            .env_remove("USER")
            .env_remove("LOGNAME")
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let audit = d.json(&["audit", "--limit", "2"]);
    assert_eq!(audit[0]["actor"], "local:unknown", "{audit}");
    assert_eq!(audit[1]["actor"], "local:tester", "{audit}");
}

#[test]
fn a_directory_of_other_files_is_refused_and_left_untouched() {
    let d = Desk::new();
    std::fs::create_dir_all(d.db.join("photos")).unwrap();
    std::fs::write(d.db.join("notes.txt"), "mine").unwrap();
    let listing = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing(&d.db);
    for args in [&["numbers", "list"][..], &["check"], &["--json", "audit"]] {
        let out = d.run(args);
        assert_eq!(out.code, 1, "{out:?}");
        assert_one_line(&out.stderr, "is not a phonedesk database");
        assert_eq!(
            listing(&d.db),
            before,
            "phonedesk wrote into a foreign directory"
        );
    }
    assert_eq!(listing(&d.db.join("photos")), Vec::<String>::new());
    // A new or empty directory becomes a database, and opens again afterwards.
    std::fs::remove_dir_all(&d.db).unwrap();
    std::fs::create_dir(&d.db).unwrap();
    d.ok(&["directory", "accounts", "create", "Example Corp"]);
    assert_eq!(
        d.json(&["directory", "accounts"])[0]["name"],
        "Example Corp"
    );
}

#[test]
fn a_changed_retention_keeps_the_restore_deadline_promised_at_deletion() {
    let d = Desk::with(&[("deletion_retention", "1h")], "");
    let n = d.available(&["--area-code", "206"], 1);
    d.provisioned("vc", &n);
    let said = d.ok(&["delete", "-y", &n[0]]);
    let promised = d.json(&["deletion-queue"])[0]["restorable_until"].clone();
    assert!(promised.is_string(), "{promised}");
    // The administrator lengthens the retention: the promise stands, wherever it shows.
    let text = std::fs::read_to_string(&d.config).unwrap();
    std::fs::write(&d.config, text.replace("\"1h\"", "\"7days\"")).unwrap();
    assert_eq!(d.json(&["deletion-queue"])[0]["restorable_until"], promised);
    assert_eq!(
        d.json(&["numbers", "show", &n[0]])["restorable_until"],
        promised
    );
    let shown = d.ok(&["numbers", "show", &n[0]]);
    let until = said
        .split("restorable until ")
        .nth(1)
        .unwrap()
        .trim_end_matches(['.', '\n']);
    assert!(shown.contains(until), "{said} / {shown}");
    assert!(d.ok(&["deletion-queue"]).contains(until));
    d.check_sound();
}
