//! Organisations on one PostgreSQL database (a throwaway server, `postgres_rig`): a
//! second organisation's administrator sees nothing of the first, in the console, in
//! commands over SSH (lists, search, export, audit, history), in `watch` over SSH, and
//! with `--org` on the command line; `serve` serves every organisation its keys name.
//! Driven with the built binary and the real OpenSSH client (a console in tmux).
//!
//! Needs PostgreSQL (skipped without it unless PHONEDESK_REQUIRE_POSTGRES is set), `ssh`,
//! `ssh-keygen` and `tmux`.

mod chime_common;
mod cli_common;
mod postgres_rig;
mod serve_rig;

use cli_common::*;
use postgres_rig::TestPostgres;
use serve_rig::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The server, its keys and two organisations' desks on one database.
struct Rig {
    port: u16,
    server: Option<Child>,
    tmux: Tmux,
    acme: Desk,
    beta: Desk,
    /// Last: the tmux socket is inside it, and the tmux server must be killed first
    /// (fields drop in order).
    dir: tempfile::TempDir,
}

impl Drop for Rig {
    fn drop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The test durations, with beta's simulated carrier seeded otherwise (so its search
/// offers other numbers than acme's) and a limit of its own.
fn config_text(port: u16, dir: &Path, organisation: &str) -> String {
    format!(
        "{FAST}\n[database]\norganisation = \"{organisation}\"\n\
         [ssh]\nlisten = \"127.0.0.1:{port}\"\nhost_key = \"{}\"\nauthorized_keys = \"{}\"\n\
         [organisations.beta.carrier]\nseed = 4242\n\
         [organisations.beta.inventory]\nlimit = 9\n\
         [hooks.record]\non = [\"all\"]\ncommand = \"cat >> {d}/default-hook.log\"\nshell = true\n\
         [organisations.acme.hooks.record]\non = [\"all\"]\ncommand = \"cat >> {d}/acme-hook.log\"\nshell = true\n\
         [organisations.beta.hooks.record]\non = [\"all\"]\ncommand = \"cat >> {d}/beta-hook.log\"\nshell = true\n\
         [organisations.beta.hooks.broken]\non = [\"order-completed\"]\ncommand = [\"false\"]\nretries = 0\n",
        dir.join("host_key").display(),
        dir.join("authorized_keys").display(),
        d = dir.display(),
    )
}

impl Rig {
    /// Keys: alice, admin of acme; bob, admin of beta; carol, viewer of beta.
    fn new(pg: &TestPostgres) -> Rig {
        let dir = rig_dir("orgs-rig");
        let d = dir.path();
        let keys = format!(
            "# organisation, role, name, key\norg=acme admin alice {}org=beta admin bob {}org=beta viewer carol {}",
            keygen(d, "alice"),
            keygen(d, "bob"),
            keygen(d, "carol")
        );
        write_private(&d.join("authorized_keys"), &keys);
        let port = free_port();
        let url = pg.create("orgs");
        let desk = |organisation: &str| {
            let mut desk = Desk::with_config(&config_text(port, d, organisation));
            desk.db = url.clone().into();
            desk
        };
        Rig {
            acme: desk("acme"),
            beta: desk("beta"),
            tmux: Tmux::new(d.join("tmux.sock")),
            dir,
            port,
            server: None,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Starts `serve` and returns what it printed up to "connect with:".
    fn start(&mut self) -> Vec<String> {
        let mut command = Command::new(BIN);
        command
            .arg("--config")
            .arg(&self.acme.config)
            .arg("--db")
            .arg(&self.acme.db)
            .arg("serve")
            .env_remove("PHONEDESK_ORG")
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("conf"));
        let (child, seen) = start_serve(command, &self.path("serve.err"));
        self.server = Some(child);
        seen
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.path("serve.err")).unwrap_or_default()
    }

    fn ssh_command(&self, key: &str) -> Command {
        ssh_command(self.dir.path(), key, self.port)
    }

    /// `ssh -T KEY@127.0.0.1 COMMAND`: its exit code and output.
    fn ssh(&self, key: &str, command: &[&str]) -> Out {
        let out = self
            .ssh_command(key)
            .arg("-T")
            .arg("admin@127.0.0.1")
            .args(command)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Desk::finish(out)
    }

    fn ssh_ok(&self, key: &str, command: &[&str]) -> String {
        let out = self.ssh(key, command);
        assert_eq!(out.code, 0, "{key}: {command:?}: {out:?}\n{}", self.log());
        out.stdout
    }

    /// `ssh KEY watch --all --json`, its lines arriving on the receiver.
    fn watch(&self, key: &str) -> (Child, mpsc::Receiver<String>) {
        watch(self.ssh_command(key))
    }

    fn tmux(&self, args: &[&str]) -> String {
        self.tmux.run(args)
    }

    /// A console over SSH for `key` in the tmux session `pane`.
    fn console(&self, pane: &str, key: &str) {
        self.tmux.console(pane, self.ssh_command(key));
    }

    /// A tmux session `pane` of 160x40 running the shell command `line`.
    fn session(&self, pane: &str, line: &str) {
        self.tmux.session(pane, line);
    }

    fn wait_for(&self, pane: &str, what: &str) -> String {
        self.tmux.wait_for(pane, what, || self.log())
    }
}

/// None of `secrets` (acme's numbers, names and labels) appears in `text`.
fn assert_sees_none(what: &str, text: &str, secrets: &[String]) {
    for s in secrets {
        assert!(
            !text.contains(s.as_str()),
            "{what} shows acme's {s:?}:\n{text}"
        );
    }
}

/// Two organisations in one database, each with its own numbers, directory, orders and
/// audit log: beta's administrator sees nothing of acme through any front end.
#[test]
fn a_second_organisations_administrator_sees_nothing_of_the_first() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    if tools_missing() {
        return;
    }
    let mut rig = Rig::new(&pg);

    // acme's work, from the command line (`[database] organisation = "acme"`).
    let acme_numbers = rig.acme.acquired_with_connector(3, "Acme trunk");
    rig.acme
        .ok(&["assign", &acme_numbers[0], "--voice-connector", "vc-1"]);
    rig.acme
        .ok(&["label", &acme_numbers[1], "acme-secret-label"]);
    // beta's, with `--org` on a desk configured for acme: the flag wins.
    let beta_numbers = {
        let found = rig.beta.available(&["--area-code", "312"], 2);
        let mut args = vec!["--org", "beta", "provision", "--product-type", "vc"];
        args.extend(found.iter().map(String::as_str));
        rig.acme.ok(&args);
        sleep_ms(1100);
        rig.acme.ok(&["--org", "beta", "run-due"]);
        found
    };
    rig.beta.ok(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Beta trunk",
    ]);
    let mut secrets: Vec<String> = acme_numbers.clone();
    secrets.extend(["Acme trunk".to_string(), "acme-secret-label".to_string()]);
    // The numbers as the CSV and the console write them too: (206) 555-0123.
    secrets.extend(acme_numbers.iter().map(|n| national(n)));

    // The command line on PostgreSQL, --org and the configuration alike.
    let beta_list = rig.beta.ok(&["numbers", "list"]);
    assert!(beta_list.contains(&beta_numbers[0]), "{beta_list}");
    assert!(
        beta_list.contains("of 9 held"),
        "beta's own limit: {beta_list}"
    );
    assert_sees_none("beta's `numbers list`", &beta_list, &secrets);
    let acme_by_flag = rig.beta.ok(&["--org", "acme", "numbers", "list"]);
    assert!(acme_by_flag.contains(&acme_numbers[0]), "{acme_by_flag}");
    assert!(acme_by_flag.contains("of 25 held"), "{acme_by_flag}");
    assert!(!acme_by_flag.contains(&beta_numbers[0]), "{acme_by_flag}");
    for args in [
        vec!["audit", "--limit", "1000"],
        vec!["export", "--format", "csv"],
        vec!["directory", "voice-connectors", "list"],
        vec!["orders", "list"],
    ] {
        let text = rig.beta.ok(&args);
        assert_sees_none(&format!("beta's `{}`", args.join(" ")), &text, &secrets);
    }
    rig.beta.check_sound();
    rig.acme.check_sound();

    // serve: one process, both organisations.
    let started = rig.start().join("\n");
    assert!(
        started.contains("organisation acme: 3 numbers held of 25")
            && started.contains("organisation beta: 2 numbers held of 9"),
        "{started}"
    );
    // While serve has both open, a command of each organisation sees its own.
    let beta_now = rig.beta.ok(&["numbers", "list"]);
    assert!(beta_now.contains(&beta_numbers[1]), "{beta_now}");
    assert_sees_none("beta's `numbers list` beside serve", &beta_now, &secrets);
    let acme_now = rig.beta.ok(&["--org", "acme", "numbers", "list"]);
    assert!(acme_now.contains(&acme_numbers[1]), "{acme_now}");
    assert!(!acme_now.contains(&beta_numbers[1]), "{acme_now}");
    // A new organisation in the keys needs a restart: SIGHUP keeps the keys in force.
    let keys = rig.path("authorized_keys");
    let before = std::fs::read_to_string(&keys).unwrap();
    std::fs::write(
        &keys,
        format!(
            "{before}org=gamma admin gina {}",
            keygen(rig.dir.path(), "gina")
        ),
    )
    .unwrap();
    unsafe {
        libc::kill(rig.server.as_ref().unwrap().id() as i32, libc::SIGHUP);
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rig.log().contains("kept the keys in force") {
        assert!(Instant::now() < deadline, "{}", rig.log());
        sleep_ms(20);
    }
    assert!(
        rig.log().contains("line 5 names the organisation “gamma”, which this server does not serve; restart it to serve a new organisation"),
        "{}",
        rig.log()
    );
    let out = rig.ssh("gina", &["numbers", "list"]);
    assert_eq!(out.code, 255, "gina's key is not in force: {out:?}");
    std::fs::write(&keys, before).unwrap();

    // bob watches beta's events while alice works in acme.
    let (mut bob_watch, bob_lines) = rig.watch("bob");
    let (mut alice_watch, alice_lines) = rig.watch("alice");
    // The consoles: alice's in acme, bob's in beta.
    rig.console("alice", "alice");
    rig.console("bob", "bob");
    rig.wait_for("alice", &national(&acme_numbers[0]));
    let bob_screen = rig.wait_for("bob", &national(&beta_numbers[0]));

    rig.ssh_ok("alice", &["label", &acme_numbers[2], "acme-while-watched"]);
    secrets.push("acme-while-watched".into());
    rig.ssh_ok("bob", &["label", &beta_numbers[0], "beta-while-watched"]);
    let mut alice_seen = Vec::new();
    read_until(&alice_lines, &mut alice_seen, &acme_numbers[2]);
    let mut bob_seen = Vec::new();
    read_until(&bob_lines, &mut bob_seen, &beta_numbers[0]);
    // Give a leaked event time to arrive behind beta's own.
    std::thread::sleep(Duration::from_millis(300));
    bob_seen.extend(bob_lines.try_iter());
    assert_sees_none("bob's `watch --all`", &bob_seen.join("\n"), &secrets);
    assert!(
        !bob_seen.join("\n").contains("alice"),
        "bob's watch names acme's administrator: {bob_seen:#?}"
    );

    // Commands over SSH as beta's administrator and viewer.
    for key in ["bob", "carol"] {
        for args in [
            vec!["numbers", "list", "--json"],
            vec!["numbers", "list", "--place", "deletion-queue"],
            vec!["search", "--area-code", "206", "--limit", "50"],
            vec!["export"],
            vec!["export", "--format", "json"],
            vec!["audit", "--json", "--limit", "1000"],
            vec!["orders", "list"],
            vec!["directory", "voice-connectors", "list"],
            vec!["jobs", "list"],
        ] {
            let out = rig.ssh(key, &args);
            assert_sees_none(
                &format!("{key}'s `{}` over SSH", args.join(" ")),
                &format!("{}{}", out.stdout, out.stderr),
                &secrets,
            );
        }
        // acme's number is none of beta's: nothing recorded, no details.
        let history = rig.ssh_ok(key, &["history", &acme_numbers[1]]);
        assert!(
            history.starts_with("Nothing is recorded about"),
            "{history}"
        );
        let out = rig.ssh(key, &["numbers", "show", &acme_numbers[1]]);
        assert_eq!(out.code, 1, "{key}: {out:?}");
        assert!(!out.stdout.contains("acme-secret-label"), "{key}: {out:?}");
    }
    // `--org` over SSH: the key decides; naming another organisation is refused.
    let out = rig.ssh("bob", &["numbers", "list", "--org", "acme"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("your key chooses the organisation: it signs in to “beta”, not “acme”")
            && out.stdout.is_empty(),
        "{out:?}"
    );
    rig.ssh_ok("bob", &["numbers", "list", "--org=beta"]);
    let bob_list = rig.ssh_ok("bob", &["numbers", "list"]);
    assert!(bob_list.contains(&beta_numbers[0]), "{bob_list}");
    let alice_list = rig.ssh_ok("alice", &["numbers", "list"]);
    assert!(alice_list.contains(&acme_numbers[0]), "{alice_list}");
    assert!(!alice_list.contains(&beta_numbers[0]), "{alice_list}");
    // The consoles: bob's shows beta's numbers and none of acme's, on the Inventory and
    // the Directory; one admin connected in each (the other organisation's do not count).
    let bob_screen = {
        let s = rig.wait_for("bob", &national(&beta_numbers[1]));
        assert!(
            s.contains("phonedesk │ beta │ Held 2/9"),
            "beta's name, count and limit: {s}"
        );
        assert_eq!(bob_screen.lines().count(), s.lines().count());
        s
    };
    assert_sees_none("bob's console", &bob_screen, &secrets);
    assert!(!bob_screen.contains("admins connected"), "{bob_screen}");
    let alice_screen = rig.wait_for("alice", "phonedesk │ acme │ Held 3/25");
    assert!(
        !alice_screen.contains(&national(&beta_numbers[0])),
        "{alice_screen}"
    );
    // The console's audit log: beta's entries (bob's label), none of acme's.
    rig.tmux(&["send-keys", "-t", "bob", "7"]);
    let audit_screen = rig.wait_for("bob", "local:tester");
    assert!(audit_screen.contains("bob"), "{audit_screen}");
    assert_sees_none("bob's console audit log", &audit_screen, &secrets);
    assert!(!audit_screen.contains("alice"), "{audit_screen}");
    // The console's export (`e` on the Inventory), shown on the terminal.
    rig.tmux(&["send-keys", "-t", "bob", "1"]);
    let orders_screen = rig.wait_for("bob", "┌ Orders");
    assert_sees_none("bob's console orders", &orders_screen, &secrets);
    rig.tmux(&["send-keys", "-t", "bob", "6"]);
    rig.wait_for("bob", "┌ Directory");
    rig.tmux(&["send-keys", "-t", "bob", "]"]);
    let directory_screen = rig.wait_for("bob", "Beta trunk");
    assert_sees_none("bob's console directory", &directory_screen, &secrets);
    rig.tmux(&["send-keys", "-t", "bob", "3"]);
    rig.wait_for("bob", "┌ Inventory");
    rig.tmux(&["send-keys", "-t", "bob", "e"]);
    let export_screen = rig.wait_for("bob", "number,");
    assert!(export_screen.contains(&beta_numbers[0]), "{export_screen}");
    assert_sees_none("bob's console export", &export_screen, &secrets);

    // Each organisation's hooks hear its own notices only; the top-level hooks are the
    // default organisation's, which this server does not serve. A hook's trouble is said
    // in the server's log with its organisation's name.
    for (key, area) in [("alice", "206"), ("bob", "312")] {
        let order = ["provision", "--product-type", "vc", "--limit", "1"];
        rig.ssh_ok(key, &[&order[..], &["--area-code", area]].concat());
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let hook_log = |org: &str| std::fs::read_to_string(rig.path(&format!("{org}-hook.log")));
    while !(hook_log("acme").is_ok_and(|l| l.contains("order-completed"))
        && hook_log("beta").is_ok_and(|l| l.contains("order-completed"))
        && rig
            .log()
            .contains("phonedesk serve: beta: the hook `broken` failed"))
    {
        assert!(
            Instant::now() < deadline,
            "{:?} {:?}\n{}",
            hook_log("acme"),
            hook_log("beta"),
            rig.log()
        );
        sleep_ms(50);
    }
    let beta_heard = hook_log("beta").unwrap();
    assert_sees_none("beta's hook", &beta_heard, &secrets);
    for n in rig.acme.json(&["numbers", "list"]).as_array().unwrap() {
        let n = n["number"].as_str().unwrap();
        assert!(
            !beta_heard.contains(n),
            "beta's hook heard acme's {n}: {beta_heard}"
        );
    }
    let acme_heard = hook_log("acme").unwrap();
    assert!(!acme_heard.contains(&beta_numbers[0]), "{acme_heard}");
    assert!(!rig.path("default-hook.log").exists());
    assert!(
        !rig.log().contains("acme: the hook `broken`"),
        "{}",
        rig.log()
    );

    // A change of bob's lands in beta only; acme's numbers are not beta's to change
    // (bob's own attempt is in beta's audit log, as every refusal is).
    let out = rig.ssh("bob", &["label", &acme_numbers[0], "taken-over"]);
    assert_eq!(out.code, 1, "{out:?}");
    let acme_after = rig.acme.json(&["numbers", "show", &acme_numbers[0]]);
    assert!(
        !acme_after.to_string().contains("taken-over"),
        "{acme_after}"
    );

    let _ = bob_watch.kill();
    let _ = alice_watch.kill();
    let _ = bob_watch.wait();
    let _ = alice_watch.wait();
    alice_seen.extend(alice_lines.try_iter());
    assert!(
        !alice_seen.join("\n").contains(&beta_numbers[0]) && !alice_seen.join("\n").contains("bob"),
        "{alice_seen:#?}"
    );
}

/// An embedded database holds one organisation: naming another is refused in words, by
/// the command line, the configuration and `serve`'s keys, and nothing is written.
#[test]
fn an_embedded_database_refuses_another_organisation_in_words() {
    let d = Desk::new();
    let out = d.run(&["--org", "acme", "numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(
        &out.stderr,
        "--org names the organisation “acme”, but an embedded database holds one organisation; use PostgreSQL for several",
    );
    let out = d
        .command(&["numbers", "list"])
        .env("PHONEDESK_ORG", "acme")
        .output();
    let out = Desk::finish(out.unwrap());
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(&out.stderr, "PHONEDESK_ORG names the organisation “acme”");
    // The default organisation, by name, is the one a directory holds.
    d.ok(&["--org", "default", "numbers", "list"]);
    let out = d.run(&["--org", "ac me", "numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(&out.stderr, "must be 1 to 32 letters, digits, `-` or `_`");

    let tables = Desk::with_config(&format!(
        "{FAST}\n[organisations.acme.inventory]\nlimit = 3\n"
    ));
    let out = tables.run(&["numbers", "list"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_one_line(
        &out.stderr,
        "the configuration has [organisations.acme], but an embedded database holds one organisation",
    );

    // serve, with a key of another organisation.
    let dir = rig_dir("orgs-rig");
    let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHXNoXbJ1P2s1XHc5u4S8kwHx6yHcQWwOQdFhT0oYQxg";
    let keys = dir.path().join("authorized_keys");
    write_private(
        &keys,
        &format!(
            "admin alice {}\norg=acme admin bob {key}\n",
            key.replace("YQxg", "YQxh")
        ),
    );
    let served = Desk::with_config(&format!(
        "{FAST}\n[ssh]\nlisten = \"127.0.0.1:0\"\nauthorized_keys = \"{}\"\nhost_key = \"{}\"\n",
        keys.display(),
        dir.path().join("host_key").display()
    ));
    let out = served.run(&["serve"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_one_line(
        &out.stderr,
        &format!(
            "the authorized keys file {}, line 2, names the organisation “acme”, but an embedded database holds one organisation; use PostgreSQL for several",
            keys.display()
        ),
    );
    assert!(!served.db.exists(), "nothing was written");
}

/// `db copy --org` moves a directory into one organisation of a database that holds
/// others, and back; the others are left as they were.
#[test]
fn db_copy_moves_a_directory_into_one_organisation() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let url = pg.create("copy_orgs");
    let mut server = Desk::new();
    server.db = url.clone().into();
    let default_numbers = server.available(&["--area-code", "206"], 2);
    server.provisioned("vc", &default_numbers);
    let acme_list = server.ok(&["--org", "acme", "numbers", "list"]);
    assert!(
        acme_list.starts_with("No numbers"),
        "a new organisation is empty: {acme_list}"
    );
    let default_list = server.ok(&["numbers", "list"]);

    let sled = Desk::new();
    let moved = sled.available(&["--area-code", "312"], 3);
    sled.provisioned("vc", &moved);
    let sled_dir = sled.db.display().to_string();
    let out = sled.run(&[
        "db", "copy", "--from", &sled_dir, "--to", &url, "--org", "gamma",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let gamma = server.ok(&["--org", "gamma", "numbers", "list"]);
    assert_eq!(gamma, sled.ok(&["numbers", "list"]));
    assert!(
        gamma.contains(&moved[0]) && !gamma.contains(&default_numbers[0]),
        "{gamma}"
    );
    assert_eq!(server.ok(&["numbers", "list"]), default_list);
    // Into an organisation that holds records: refused, as into a database that does.
    let out = sled.run(&[
        "db", "copy", "--from", &sled_dir, "--to", &url, "--org", "default",
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_one_line(&out.stderr, "already holds phonedesk records");
    // Back out of gamma into a new directory.
    let back = Desk::new();
    let back_dir = back.db.display().to_string();
    let out = back.run(&[
        "db", "copy", "--from", &url, "--to", &back_dir, "--org", "gamma",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(back.ok(&["numbers", "list"]), gamma);
}

/// Each organisation talks to its own carrier: acme to one AWS account, beta to another
/// (`[organisations.beta.carrier] endpoint_url`, as a profile or role would), sandbox to
/// the simulated carrier. Two fake Chime SDK Voice servers stand in for the accounts.
#[test]
fn each_organisation_has_its_own_carrier() {
    use chime_common::{ChimeDesk, FakeChime};
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    let (account_a, account_b) = (FakeChime::start(), FakeChime::start());
    let beta_url = account_b.url();
    let desk = ChimeDesk::with(
        account_a,
        &format!(
            "[organisations.beta.carrier]\nendpoint_url = \"{beta_url}\"\n\
             [organisations.sandbox.carrier]\nkind = \"simulated\"\n"
        ),
    );
    let url = pg.create("carriers");
    let run = |org: &str, args: &[&str]| {
        let out = desk
            .command()
            .env("PHONEDESK_DB", &url)
            .args(["--json", "--org", org])
            .args(args)
            .output()
            .unwrap();
        let out = Desk::finish(out);
        assert_eq!(out.code, 0, "{org}: {args:?}: {out:?}");
        out.json()
    };
    // Each organisation searches its own account; the sandbox asks none.
    let searches = || {
        (
            desk.chime.count("SearchAvailablePhoneNumbers"),
            account_b.count("SearchAvailablePhoneNumbers"),
        )
    };
    let search = |org: &str| -> Vec<String> {
        let found = run(org, &["search", "--area-code", "425", "--limit", "2"]);
        let numbers = found.as_array().unwrap().iter();
        numbers
            .map(|n| n["number"].as_str().unwrap().to_string())
            .collect()
    };
    let (a0, b0) = searches();
    search("sandbox");
    assert_eq!(searches(), (a0, b0));
    search("acme");
    assert_eq!(searches(), (a0 + 1, b0));
    let offered = search("beta");
    assert_eq!(searches(), (a0 + 1, b0 + 1));
    // A number bought in account B's console: beta's sync brings it, acme's does not.
    let bought: Vec<&str> = offered.iter().map(String::as_str).collect();
    account_b.console_buy(&bought, "VoiceConnector");
    account_b.advance(24 * 3600);
    run("beta", &["sync"]);
    run("acme", &["sync"]);
    let numbers = |org: &str| run(org, &["numbers", "list"]).to_string();
    assert!(numbers("beta").contains(bought[0]), "{}", numbers("beta"));
    assert!(!numbers("acme").contains(bought[0]), "{}", numbers("acme"));
    assert!(
        !numbers("sandbox").contains(bought[0]),
        "{}",
        numbers("sandbox")
    );
}

/// The console on this machine opens the organisation `--org` names, and its header says
/// which one it is; the default organisation's numbers are not on its screen.
#[test]
fn the_local_console_opens_the_organisation_of_org() {
    let Some(pg) = TestPostgres::start() else {
        return;
    };
    if tools_missing() {
        return;
    }
    let rig = Rig::new(&pg);
    // acme's desk, told `--org`: the flag wins over `[database] organisation`.
    let d = &rig.acme;
    let default_numbers = d.available(&["--area-code", "206"], 1);
    d.ok(&[
        "--org",
        "default",
        "provision",
        "--product-type",
        "vc",
        &default_numbers[0],
    ]);
    let beta_number = rig.beta.available(&["--area-code", "312"], 1).remove(0);
    d.ok(&[
        "--org",
        "beta",
        "provision",
        "--product-type",
        "vc",
        &beta_number,
    ]);
    sleep_ms(1100);
    d.ok(&["--org", "beta", "run-due"]);
    d.ok(&["--org", "default", "run-due"]);
    assert!(d
        .ok(&["--org", "default", "numbers", "list"])
        .contains(&default_numbers[0]));
    let console = format!(
        "'{BIN}' --config '{}' --db '{}' --org beta",
        d.config.display(),
        d.db.display()
    );
    rig.session("local", &console);
    let screen = rig.wait_for("local", &national(&beta_number));
    assert!(screen.contains("phonedesk │ beta │ Held 1/9"), "{screen}");
    assert!(!screen.contains(&national(&default_numbers[0])), "{screen}");
}
