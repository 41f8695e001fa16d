//! `phonedesk watch` and `[hooks]`, driving the built binary on a temporary database: the
//! watch owns the database while it runs (its scheduler completes what falls due and tells
//! it), and the hooks it runs get each notice's JSON record on their standard input.

mod cli_common;

use cli_common::{sleep_ms, Desk, Out};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Runs `watch` with these flags until it ends by itself; panics if it runs past `limit`.
fn watch(desk: &Desk, args: &[&str], limit: Duration) -> Out {
    let mut a = vec!["watch"];
    a.extend_from_slice(args);
    let child = desk
        .command(&a)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait(child, limit)
}

fn wait(mut child: Child, limit: Duration) -> Out {
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            let out = Desk::finish(child.wait_with_output().unwrap());
            panic!("watch did not end within {limit:?}: {out:?}");
        }
        sleep_ms(20);
    }
    Desk::finish(child.wait_with_output().unwrap())
}

fn json_lines(out: &Out) -> Vec<Value> {
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// An executable shell script in the desk's directory.
fn script(desk: &Desk, name: &str, body: &str) -> PathBuf {
    let path = desk.path().join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// A desk whose configuration gets `extra` appended, written once `f` has the desk's paths.
/// Orders take 3 s: every command completes what is due when it starts, so an order must
/// still be pending when the watch starts, on a busy machine too.
fn desk_with(extra: impl FnOnce(&Desk) -> String) -> Desk {
    let desk = Desk::with(&[("provisioning_delay", "3s")], "");
    let text = format!(
        "{}\n{}",
        std::fs::read_to_string(&desk.config).unwrap(),
        extra(&desk)
    );
    std::fs::write(&desk.config, text).unwrap();
    desk
}

fn order(desk: &Desk, n: usize) -> Vec<String> {
    let numbers = desk.available(&["--area-code", "206"], n);
    let mut args = vec!["provision", "--product-type", "vc"];
    args.extend(numbers.iter().map(String::as_str));
    desk.ok(&args);
    numbers
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn watch_json_sees_an_order_complete_and_text_says_it_in_words() {
    let desk = desk_with(|_| String::new());
    let numbers = order(&desk, 2);
    let out = watch(&desk, &["--json", "--count", "1"], Duration::from_secs(20));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{out:?}");
    let n = &lines[0];
    assert_eq!(n["kind"], "order-completed");
    assert_eq!(n["order"], "order-1");
    assert_eq!(n["status"], "Successful");
    assert_eq!(n["actor"], "scheduler");
    assert_eq!(n["message"], "order-1 completed: 2 numbers acquired.");
    assert_eq!(n["numbers"], serde_json::json!(numbers));
    // The watch's own scheduler completed it: the numbers are in the inventory.
    assert_eq!(desk.status(&numbers[0]), "Unassigned");

    // The same, in words, with only the kinds asked for.
    order(&desk, 1);
    let out = watch(
        &desk,
        &["--kind", "order-failed,order-completed", "--count", "1"],
        Duration::from_secs(20),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .ends_with("  order completed  order-2 completed: 1 number acquired.\n"),
        "{out:?}"
    );
    desk.check_sound();
}

#[test]
fn watch_tells_names_landing_and_purges_drawing_near() {
    // The name lands after the watch starts; the purge is a day away.
    let desk = Desk::with(&[("name_update", "4s"), ("deletion_retention", "20h")], "");
    let numbers = order(&desk, 2);
    sleep_ms(1100);
    desk.ok(&["run-due"]);
    desk.ok(&["calling-name", "set", &numbers[0], "Front Desk"]);
    desk.ok(&["delete", "--yes", &numbers[1]]);
    let out = watch(
        &desk,
        &[
            "--json",
            "--kind",
            "name-landed",
            "--kind",
            "purge-soon",
            "--count",
            "2",
        ],
        Duration::from_secs(20),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let mut kinds: Vec<(String, Value)> = json_lines(&out)
        .into_iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_string(),
                n["numbers"].clone(),
            )
        })
        .collect();
    kinds.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        kinds,
        vec![
            ("name-landed".into(), serde_json::json!([numbers[0]])),
            ("purge-soon".into(), serde_json::json!([numbers[1]])),
        ]
    );
}

#[test]
fn a_hook_gets_the_notice_as_json_on_its_stdin() {
    let desk = desk_with(|d| {
        let got = d.path().join("got.jsonl");
        let hook = script(
            d,
            "record.sh",
            "cat >> \"$1\"; echo \"$PHONEDESK_NOTICE\" >> \"$1.kinds\"",
        );
        format!(
            "[hooks.record]\non = [\"order-completed\"]\ncommand = [\"{}\", \"{}\"]\n",
            hook.display(),
            got.display()
        )
    });
    order(&desk, 1);
    let out = watch(&desk, &["--json", "--count", "1"], Duration::from_secs(20));
    assert_eq!(out.code, 0, "{out:?}");
    // `watch` lets its hooks finish before it ends.
    let got = read(&desk.path().join("got.jsonl"));
    let record: Value = serde_json::from_str(got.trim()).unwrap_or_else(|e| panic!("{e}: {got:?}"));
    assert_eq!(
        record,
        json_lines(&out)[0],
        "the hook reads what watch prints"
    );
    assert_eq!(
        read(&desk.path().join("got.jsonl.kinds")),
        "order-completed\n"
    );
}

#[test]
fn a_hanging_hook_is_stopped_at_its_time_limit_and_tried_a_bounded_number_of_times() {
    let desk = desk_with(|d| {
        let hook = script(d, "hang.sh", "echo $$ >> \"$1\"; sleep 30");
        let runs = d.path().join("runs");
        format!(
            "[hooks.slow]\non = [\"order-completed\"]\ncommand = [\"{}\", \"{}\"]\ntimeout = \"500ms\"\nretries = 2\nretry_delay = \"100ms\"\n",
            hook.display(),
            runs.display()
        )
    });
    order(&desk, 1);
    let started = Instant::now();
    let out = watch(&desk, &["--count", "1"], Duration::from_secs(20));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("order-1 completed"), "{out:?}");
    // One try and two retries, each stopped at 500 ms: about 1.8 s, not 90.
    let runs = read(&desk.path().join("runs"));
    assert_eq!(runs.lines().count(), 3, "{runs:?}");
    assert!(started.elapsed() < Duration::from_secs(15));
    for pid in runs.lines() {
        let stat = read(Path::new(&format!("/proc/{pid}/stat")));
        assert!(
            stat.is_empty() || stat.contains(") Z "),
            "hook {pid} still runs"
        );
    }
    assert_eq!(
        out.stderr,
        "phonedesk: the hook `slow` failed on the notice order-completed (3 tries): it ran past its time limit (500ms) and was stopped\n"
    );
}

#[test]
fn a_failing_hook_stops_no_change_and_is_said_once() {
    let desk = desk_with(|_| {
        "[hooks.broken]\non = [\"all\"]\ncommand = [\"/bin/sh\", \"-c\", \"echo mail server down >&2; exit 1\"]\nretries = 0\n".into()
    });
    let numbers = desk.available(&["--area-code", "206"], 2);
    for n in &numbers {
        desk.ok(&["provision", "--product-type", "vc", n]);
    }
    let out = watch(
        &desk,
        &["--json", "--kind", "order-completed", "--count", "2"],
        Duration::from_secs(20),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let orders: Vec<Value> = json_lines(&out)
        .iter()
        .map(|n| n["order"].clone())
        .collect();
    assert_eq!(orders, ["order-1", "order-2"]);
    for n in &numbers {
        assert_eq!(desk.status(n), "Unassigned");
    }
    assert_eq!(
        out.stderr,
        "phonedesk: the hook `broken` failed on the notice order-completed (1 try): it exited with status 1: mail server down\n",
        "said once, not once per notice"
    );
}

#[test]
fn a_bad_hook_is_refused_with_its_key_before_anything_runs() {
    let desk = desk_with(|_| "[hooks.mail]\non = [\"order-done\"]\ncommand = [\"true\"]\n".into());
    let out = desk.run(&["watch"]);
    assert_eq!(out.code, 2, "{out:?}");
    cli_common::assert_one_line(
        &out.stderr,
        "`hooks.mail.on` has “order-done”, which is no notice",
    );
    assert!(out.stderr.contains(", line "), "{out:?}");
}
