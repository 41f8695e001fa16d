//! End to end: the built `phonedesk` binary in a real terminal (tmux, 120x40), driven with
//! keys only, asserting on the screen's text at each step of the seed's walk: provision
//! with the wizard, the order in Orders and Pending completing on screen without a key
//! press, assign (to a user made on the Directory screen), a unique calling name, unassign,
//! delete, restore from the Deletion queue, a port-in request from the Support screen. And
//! the list tools: `:assign` with the command line's words, sort, a field filter,
//! drill-down from a connector and from an order, the cursor staying on its number while
//! an order lands above it, and a bracketed paste of three numbers into a form field.
//!
//! Needs tmux (`.ci/run` installs it); without it the test says so and passes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_phonedesk");

const CONFIG: &str = r#"
[durations]
provisioning_delay = "2s"
name_update = "3s"
deletion_retention = "30s"
support_response = "1s"

[carrier]
failure_rate = 0.0
"#;

/// A tmux server of our own (its own socket) running the console; killed on drop.
struct Term {
    socket: String,
    dir: tempfile::TempDir,
}

impl Term {
    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run tmux")
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("db")
    }

    /// The command line, when the console is not running (it holds the store).
    fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(BIN)
            .arg("--config")
            .arg(self.config())
            .arg("--db")
            .arg(self.db())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run phonedesk");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "phonedesk {args:?} failed: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    }

    fn start(&self) {
        let cmd = format!(
            "{} --config {} --db {}",
            shell_quote(Path::new(BIN)),
            shell_quote(&self.config()),
            shell_quote(&self.db())
        );
        let out = self.tmux(&[
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            "-e",
            "TERM=xterm-256color",
            "-e",
            "NO_COLOR=",
            &cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Named keys (`Enter`, `Space`, `Tab`, `Escape`, `j`...), one tmux key each.
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "0"];
        args.extend_from_slice(keys);
        let out = self.tmux(&args);
        assert!(out.status.success(), "send-keys {keys:?}");
    }

    /// Literal text, typed into a form.
    fn type_text(&self, text: &str) {
        let out = self.tmux(&["send-keys", "-t", "0", "-l", text]);
        assert!(out.status.success(), "send-keys -l {text:?}");
    }

    fn screen(&self) -> String {
        let out = self.tmux(&["capture-pane", "-p", "-t", "0"]);
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Polls the screen until `pred` holds (up to `secs`); panics with the screen if not.
    fn wait_until(&self, what: &str, secs: u64, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if Instant::now() > deadline {
                panic!("waited {secs} s for {what}; the screen reads:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Waits until every one of `texts` is on screen.
    fn wait_for(&self, texts: &[&str]) -> String {
        self.wait_until(&format!("{texts:?}"), 5, |s| {
            texts.iter().all(|t| s.contains(t))
        })
    }

    /// The screen line that holds `text`.
    fn line_with(&self, text: &str) -> String {
        self.screen()
            .lines()
            .find(|l| l.contains(text))
            .unwrap_or_default()
            .to_string()
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// "+12062232948" as the console shows it in narrow columns: "(206) 223-2948".
fn national(e164: &str) -> String {
    let d = &e164[2..];
    format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..])
}

fn tmux_missing() -> bool {
    Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
}

fn term() -> Term {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), CONFIG).unwrap();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Term {
        socket: format!("phonedesk-e2e-{}-{nanos}", std::process::id()),
        dir,
    }
}

#[test]
fn the_seed_walk_with_keys_only() {
    if tmux_missing() {
        eprintln!("SKIPPED tui_e2e: tmux is not installed (`.ci/run` installs it)");
        return;
    }
    let started = Instant::now();
    let t = term();
    t.start();
    // The console opens on an empty Inventory.
    t.wait_for(&["Held 0/25", "No numbers in the inventory yet"]);

    // --- The Directory: an account, then a user in it (for the Business Calling number).
    t.keys(&["6"]);
    t.wait_for(&["Directory", "Accounts"]);
    t.keys(&["A"]);
    t.wait_for(&["account"]);
    t.type_text("Contoso");
    t.keys(&["Enter"]);
    t.wait_for(&["Contoso"]);
    t.keys(&["n"]);
    t.wait_for(&["Email"]);
    t.type_text("Ada Lovelace");
    t.keys(&["Tab"]);
    t.type_text("ada@example.com");
    t.keys(&["Enter"]);
    t.wait_for(&["Ada Lovelace", "ada@example.com"]);
    t.keys(&["3"]);
    t.wait_for(&["No numbers in the inventory yet"]);

    // --- Provision: product type, search by area code, mark two with Space, provision.
    t.keys(&["p"]);
    t.wait_for(&["Step 1 of 3", "Business Calling"]);
    t.keys(&["Enter"]);
    t.wait_for(&["step 2 of 3", "Area code"]);
    t.keys(&["Tab", "Tab", "Tab"]);
    t.type_text("206");
    t.keys(&["Enter"]);
    let s = t.wait_for(&["step 3 of 3", "10 numbers available"]);
    let found: Vec<String> = s
        .lines()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("+1206")))
        .map(str::to_string)
        .collect();
    assert!(found.len() >= 2, "search results: {s}");
    let (first, second) = (found[0].clone(), found[1].clone());
    t.keys(&["Space", "Space"]);
    t.wait_for(&["2 marked"]);
    t.keys(&["p"]);

    // --- The order shows in Orders, then Pending, and completes without a key press.
    t.wait_for(&["order-1", "Processing", "Ordered 2 numbers", "Held 2/25"]);
    t.keys(&["2"]);
    // The tab bar always reads "Pending": wait for the screen's own table or empty text.
    let s = t.wait_until("the Pending screen", 5, |s| {
        s.contains("Expected / reason") || s.contains("Nothing pending")
    });
    assert!(
        s.contains(&national(&first)) || s.contains("Nothing pending"),
        "Pending shows the order's numbers (unless it already completed): {s}"
    );
    // The completion does not replace the administrator's own result ("Ordered 2
    // numbers"): it is counted on the status line and read in the message log.
    t.wait_until("the order to complete on the Pending screen", 6, |s| {
        s.contains("Nothing pending") && s.contains("new: M")
    });
    t.keys(&["M"]);
    t.wait_for(&[
        "Messages, newest first",
        "Order order-1 completed",
        "Ordered 2",
    ]);
    t.keys(&["Escape"]);
    t.wait_until("the message log to close", 5, |s| {
        !s.contains("Messages, newest first")
    });
    t.keys(&["1"]);
    t.wait_for(&["order-1", "Successful"]);

    // --- Assign the first number to Ada (Business Calling: account, then user).
    t.keys(&["3"]);
    t.wait_for(&[&first, &second, "Unassigned", "1/2"]);
    t.keys(&["a"]);
    t.wait_for(&["Assign: account", "Contoso"]);
    t.keys(&["Enter"]);
    t.wait_for(&["Assign: user", "Ada Lovelace <ada@example.com>"]);
    t.keys(&["Enter"]);
    t.wait_for(&[&format!("Assigned {first} to Ada Lovelace")]);
    let row = t.line_with(&first);
    assert!(
        row.contains("Assigned") && row.contains("Ada Lovelace"),
        "{row}"
    );

    // --- A unique calling name: in progress, then done on screen without a key press.
    t.keys(&["n"]);
    t.wait_for(&["Unique calling name of", "2-15 letters"]);
    t.type_text("Front Desk");
    t.keys(&["Enter"]);
    t.wait_for(&["Front Desk (in", "becomes “Front Desk”"]);
    // The update's completion is a background message: counted, not over the own result.
    t.wait_until("the calling name update to complete", 6, |s| {
        s.contains("new: M")
            && s.lines()
                .any(|l| l.contains(&first) && l.contains("Front Desk") && !l.contains("(in"))
    });

    // --- Unassign, with the confirmation's check box.
    t.keys(&["u"]);
    t.wait_for(&["Unassign phone numbers", &format!("[ ] Unassign {first}")]);
    t.keys(&["Space", "Enter"]);
    t.wait_for(&[&format!("Unassigned {first}.")]);
    let row = t.line_with(&first);
    assert!(row.contains("Unassigned") && !row.contains("Ada"), "{row}");

    // --- Delete, with the confirmation: the number leaves the inventory.
    t.keys(&["d"]);
    t.wait_for(&["Delete phone numbers", "Deletion queue for 30 seconds"]);
    t.keys(&["Space", "Enter"]);
    let s = t.wait_until("the number to leave the inventory", 5, |s| {
        s.contains("1/1") && !s.lines().any(|l| l.starts_with('│') && l.contains(&first))
    });
    assert!(s.contains(&second), "{s}");

    // --- Restore it from the Deletion queue, where its restore countdown runs.
    t.keys(&["4"]);
    t.wait_for(&[&national(&first)]);
    t.keys(&["r"]);
    t.wait_for(&["back to the inventory"]);
    t.keys(&["3"]);
    let s = t.wait_for(&[&first, &second, "2/2"]);
    assert!(t.line_with(&first).contains("Unassigned"), "{s}");

    // --- File a port-in request from the Support screen (two steps).
    t.keys(&["5"]);
    t.wait_for(&["Support"]);
    t.keys(&["i"]);
    t.wait_for(&["Port numbers in (1 of 2)", "Numbers to port"]);
    t.type_text("+12062151234");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.type_text("ada@example.com");
    t.keys(&["Enter"]);
    t.wait_for(&["Port numbers in (2 of 2)", "Billing number"]);
    for (i, text) in [
        "+12062151000",
        "Ada Lovelace",
        "Northwind Telecom",
        "98765432",
        "4321",
        "410 Terry Ave N, Seattle, WA 98109",
        "Contoso",
    ]
    .iter()
    .enumerate()
    {
        if i > 0 {
            t.keys(&["Tab"]);
        }
        t.type_text(text);
    }
    t.keys(&["Enter"]);
    let s = t.wait_for(&["Submitted port in"]);
    assert!(
        !s.contains("98765432") && !s.contains("4321"),
        "the secrets stay masked: {s}"
    );

    eprintln!(
        "tui_e2e: the walk took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    t.keys(&["q"]);
    t.wait_until("the console to quit", 5, |_| {
        !t.tmux(&["has-session"]).status.success()
    });
    // The store agrees with what the screen said.
    let requests = t.cli(&["support", "list"]);
    assert!(
        requests.contains("port in") && requests.contains("Submitted"),
        "{requests}"
    );
    let numbers = t.cli(&["numbers", "list", "--place", "inventory"]);
    assert!(
        numbers.contains(&first) && numbers.contains(&second),
        "{numbers}"
    );
}

/// The E.164 numbers of the screen's table rows, top to bottom.
fn listed(screen: &str, prefix: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| l.starts_with('│'))
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with(prefix)))
        .map(str::to_string)
        .collect()
}

/// The row (top to bottom) where `number` shows, if it does.
fn row_of(screen: &str, number: &str) -> Option<usize> {
    listed(screen, "+1").iter().position(|n| n == number)
}

#[test]
fn the_list_tools_sort_filter_drill_down_paste_and_a_cursor_that_keeps_its_number() {
    if tmux_missing() {
        eprintln!("SKIPPED tui_e2e: tmux is not installed (`.ci/run` installs it)");
        return;
    }
    let t = term();
    // Four Voice Connector numbers ordered before the console opens; it lands them.
    t.cli(&[
        "directory",
        "voice-connectors",
        "create",
        "--name",
        "Main trunk",
    ]);
    t.cli(&[
        "provision",
        "--product-type",
        "vc",
        "--area-code",
        "206",
        "--limit",
        "4",
    ]);
    t.start();
    let s = t.wait_until("the order to land in the inventory", 8, |s| {
        listed(s, "+1206").len() == 4
    });
    let n = listed(&s, "+1206");
    let mut sorted = n.clone();
    sorted.sort();
    assert_eq!(n, sorted, "the inventory opens in E.164 order");

    // --- `:` with the command line's words: two of them to the connector, by name.
    t.keys(&[":"]);
    t.type_text(&format!("assign {} {} vc \"Main trunk\"", n[1], n[3]));
    t.keys(&["Enter"]);
    t.wait_until("the two numbers to be assigned", 5, |s| {
        [&n[1], &n[3]].iter().all(|x| {
            s.lines()
                .any(|l| l.contains(x.as_str()) && l.contains("Main trunk"))
        })
    });

    // --- Sort by Status (Shift-S): the header shows it, assigned rows come first; again:
    // the other way round.
    t.keys(&["S"]);
    let s = t.wait_for(&["Status▲", "Sorted by Status, ascending"]);
    assert!(row_of(&s, &n[1]) < row_of(&s, &n[0]), "{s}");
    assert!(row_of(&s, &n[3]) < row_of(&s, &n[2]), "{s}");
    t.keys(&["S"]);
    let s = t.wait_for(&["Status▼"]);
    assert!(row_of(&s, &n[0]) < row_of(&s, &n[1]), "{s}");
    // Back to the number order.
    t.keys(&["U"]);
    t.wait_for(&["Number▲"]);

    // --- A field filter: only the unassigned ones; Esc clears it.
    t.keys(&["/"]);
    t.type_text("status:unassigned");
    t.keys(&["Enter"]);
    let s = t.wait_until("the filter to apply", 5, |s| {
        s.contains("/status:unassigned") && listed(s, "+1206").len() == 2
    });
    assert_eq!(listed(&s, "+1206"), vec![n[0].clone(), n[2].clone()], "{s}");
    t.keys(&["Escape"]);
    t.wait_until("the filter to clear", 5, |s| listed(s, "+1206").len() == 4);

    // --- Drill-down: Enter on the connector shows its numbers in the Inventory.
    t.keys(&["6"]);
    t.wait_for(&["Directory"]);
    t.keys(&["]"]);
    t.wait_for(&["Main trunk", "us-east-1"]);
    t.keys(&["Enter"]);
    let s = t.wait_until("the connector's numbers", 5, |s| {
        s.contains("Inventory /") && listed(s, "+1206").len() == 2
    });
    assert_eq!(listed(&s, "+1206"), vec![n[1].clone(), n[3].clone()], "{s}");
    t.keys(&["Escape"]);
    t.wait_until("the filter to clear", 5, |s| listed(s, "+1206").len() == 4);
    // Enter on an order, then Enter in its details: the order's numbers.
    t.keys(&["1"]);
    t.wait_for(&["order-1", "Successful"]);
    t.keys(&["Enter"]);
    t.wait_for(&["Orders › order-1"]);
    t.keys(&["Enter"]);
    let s = t.wait_for(&["/order:order-1"]);
    assert_eq!(listed(&s, "+1206"), n, "{s}");
    t.keys(&["Escape"]);
    t.wait_until("the filter to clear", 5, |s| !s.contains("/order:"));

    // --- The cursor stays on its number while an order lands above it.
    t.keys(&["G"]);
    t.wait_for(&["4/4"]);
    t.keys(&["p"]);
    t.wait_for(&["Step 1 of 3"]);
    t.keys(&["Enter"]);
    t.wait_for(&["step 2 of 3", "Area code"]);
    t.keys(&["Tab", "Tab", "Tab"]);
    t.type_text("201");
    t.keys(&["Enter"]);
    t.wait_for(&["step 3 of 3"]);
    t.keys(&["Space"]);
    t.wait_for(&["1 marked"]);
    t.keys(&["p"]);
    t.wait_for(&["Ordered +1201", "(order-2)"]);
    t.keys(&["3"]);
    let s = t.wait_until("the new number to land above the cursor", 8, |s| {
        listed(s, "+1").len() == 5
    });
    assert!(listed(&s, "+1")[0].starts_with("+1201"), "{s}");
    t.wait_for(&["5/5"]);
    t.keys(&["y"]);
    t.wait_for(&[&format!("Copied {} to your clipboard", n[3])]);

    // --- Bracketed paste: three numbers, one per line, into "Numbers to port": the
    // form takes them all and is not submitted.
    t.keys(&["5"]);
    t.wait_for(&["Support"]);
    t.keys(&["i"]);
    t.wait_for(&["Port numbers in (1 of 2)", "Numbers to port"]);
    let three = "+12062151234\n+12062151235\n+12062151236\n";
    assert!(t
        .tmux(&["set-buffer", "-b", "three", three])
        .status
        .success());
    assert!(t
        .tmux(&["paste-buffer", "-p", "-d", "-b", "three", "-t", "0"])
        .status
        .success());
    // The field shows its end, checked (✓: every number of the list reads), ...
    let s = t.wait_for(&["+12062151235, +12062151236 ✓"]);
    assert!(s.contains("Port numbers in (1 of 2)"), "not submitted: {s}");
    assert!(!s.contains("(2 of 2)"), "{s}");
    // ... and its start after Home.
    t.keys(&["Home"]);
    t.wait_for(&["> Numbers to port +12062151234, +12062151235"]);
    t.keys(&["Escape"]);
    t.keys(&["q"]);
}
