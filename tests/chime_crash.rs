//! Crash safety with the real carrier: the built CLI, sending orders and syncing against
//! the built `phonedesk fake-chime`, is killed with SIGKILL at random moments (before the
//! call, while it is at the carrier, between the carrier's answer and its record, in the
//! middle of a sync), 20 times and more. After each kill `phonedesk check` passes; at the
//! end, once the waiting jobs are sent and the orders synced, no order was placed twice
//! (the carrier's orders are counted), every acknowledged order's numbers are in the
//! inventory, and every order at the carrier is one of phonedesk's.

mod chime_common;

use chime_common::ChimeDesk;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

const KILLS: usize = 24;

/// A small deterministic generator for the kill delays; the seed is printed on failure.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// Whether any process of group `pgid` is still running (a zombie has released its
/// files and locks already).
fn group_alive(pgid: i32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|e| {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            return false;
        };
        let Some(tail) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            return false;
        };
        let fields: Vec<&str> = tail.split_whitespace().collect();
        fields.len() > 2 && fields[2] == pgid.to_string() && fields[0] != "Z" && fields[0] != "X"
    })
}

/// Runs `phonedesk ARGS` in its own process group and kills it with SIGKILL after
/// `after` unless it finished first; waits until it is gone. Its exit code if it finished.
fn run_and_kill(desk: &ChimeDesk, args: &[&str], after: Duration, seed: u64) -> Option<i32> {
    let mut child = desk
        .command()
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let pgid = child.id() as i32;
    let started = Instant::now();
    while started.elapsed() < after {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
    let _ = child.wait();
    let waited = Instant::now();
    while group_alive(pgid) {
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "seed {seed}: the killed phonedesk did not exit"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    None
}

fn numbers_of(found: &Value) -> Vec<String> {
    found
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {found}"))
        .iter()
        .map(|x| x["number"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn orders_and_syncs_killed_at_random_are_never_sent_twice() {
    let desk = ChimeDesk::start();
    desk.sync();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Lcg(seed);
    // Every provision asked for, and those acknowledged (exit 0), by their numbers.
    let mut asked: Vec<Vec<String>> = Vec::new();
    let mut acknowledged: Vec<Vec<String>> = Vec::new();
    // How long one provision takes here, uninterrupted: the kills fall within twice that,
    // so a loaded machine (a slow start) still sees kills before and after the answer.
    let first = numbers_of(&desk.json(&["search", "--area-code", "206", "--limit", "1"]));
    let timed = Instant::now();
    let mut args = vec!["provision", "--product-type", "vc"];
    args.extend(first.iter().map(String::as_str));
    desk.json(&args);
    let window = (timed.elapsed().as_millis() as u64).clamp(200, 5_000) * 2;
    acknowledged.push(first.clone());
    asked.push(first);
    let started = Instant::now();
    for round in 0..KILLS {
        if round % 4 == 3 {
            // A sync killed midway, while the carrier answers slowly.
            desk.chime.fault(
                json!({ "kind": "delay", "millis": 40 }),
                6,
                Some("ListPhoneNumbers"),
            );
            run_and_kill(&desk, &["sync"], Duration::from_millis(rng.next(200)), seed);
            desk.chime.clear_faults();
        } else {
            let found = desk.json(&["search", "--area-code", "206", "--limit", "2"]);
            let numbers = numbers_of(&found);
            if numbers.is_empty() {
                continue;
            }
            // The order reaches the carrier slowly, or is carried out and its answer lost.
            let fault = if rng.next(2) == 0 {
                json!({ "kind": "delay", "millis": 80 })
            } else {
                json!({ "kind": "fail-reply" })
            };
            desk.chime.fault(fault, 1, Some("CreatePhoneNumberOrder"));
            let mut args = vec!["provision", "--product-type", "vc"];
            args.extend(numbers.iter().map(String::as_str));
            let code = run_and_kill(
                &desk,
                &args,
                Duration::from_millis(20 + rng.next(window)),
                seed,
            );
            desk.chime.clear_faults();
            if code == Some(0) {
                acknowledged.push(numbers.clone());
            }
            asked.push(numbers);
        }
        // A killed process's file lock may be released a moment after it is gone from the
        // process table on a loaded machine: "in use" is waited out briefly.
        let mut check = desk.run(&["check"]);
        let waited = Instant::now();
        while check.stderr.contains("in use by another phonedesk process")
            && waited.elapsed() < Duration::from_secs(10)
        {
            std::thread::sleep(Duration::from_millis(50));
            check = desk.run(&["check"]);
        }
        assert_eq!(
            check.code, 0,
            "seed {seed}, round {round}: check failed after SIGKILL: {check:?}"
        );
    }
    // Everything left is sent and followed until the carrier has finished.
    for _ in 0..6 {
        desk.chime.advance(24 * 3600);
        desk.sync();
        if desk.jobs().is_empty() {
            break;
        }
    }
    assert!(desk.jobs().is_empty(), "seed {seed}: {:?}", desk.jobs());
    desk.check();

    // Never twice: each order at the carrier is one of phonedesk's, and no number was
    // ordered twice.
    let at_carrier = desk.chime.api_get("/phone-number-orders?max-results=500");
    let orders = at_carrier["PhoneNumberOrders"].as_array().unwrap().clone();
    assert!(
        orders.len() <= asked.len(),
        "seed {seed}: {} orders at the carrier for {} asked",
        orders.len(),
        asked.len()
    );
    let mut ordered: BTreeMap<String, String> = BTreeMap::new();
    for o in &orders {
        let id = o["PhoneNumberOrderId"].as_str().unwrap().to_string();
        for n in o["OrderedPhoneNumbers"].as_array().unwrap() {
            let number = n["E164PhoneNumber"].as_str().unwrap().to_string();
            if let Some(other) = ordered.insert(number.clone(), id.clone()) {
                panic!("seed {seed}: {number} was ordered twice ({other} and {id})");
            }
        }
    }
    let mine: BTreeSet<String> = desk
        .json(&["orders", "list"])
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["carrier_id"].as_str().map(str::to_string))
        .collect();
    for o in &orders {
        let id = o["PhoneNumberOrderId"].as_str().unwrap();
        assert!(
            mine.contains(id),
            "seed {seed}: order {id} at the carrier is not phonedesk's"
        );
    }
    // Nothing acknowledged is lost.
    for numbers in &acknowledged {
        for n in numbers {
            let p = desk.number(n);
            assert_eq!(p["place"], "inventory", "seed {seed}: {n}: {p}");
        }
    }
    eprintln!(
        "{KILLS} kills within {window} ms, {} orders asked, {} acknowledged (one unkilled), {} at the carrier, {:.1} s",
        asked.len(),
        acknowledged.len(),
        orders.len(),
        started.elapsed().as_secs_f64()
    );
}
