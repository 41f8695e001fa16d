//! Seeding for issue 11's figures: a long audit log in which one number has many entries
//! (`bench seed-history`), and a spreadsheet of mixed changes for `phonedesk apply`
//! (`bench apply-rows`). Both go through the engine and the store's own code: every
//! audit entry is a real action's, with its field changes and its by-number index keys.

use super::{flag, number_flag, seed_at, seeding_engine_at, T0};
use phonedesk::domain::*;
use phonedesk::engine::Engine;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// `bench seed-history --db DIR [--numbers 20000] [--entries 1000000] [--of-one 1000]`:
/// seeds the numbers, then label changes until the log holds `entries` entries, `of-one`
/// of them about one number (spread evenly through the log). Prints that number.
pub fn seed(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let db = flag(args, "--db").map(PathBuf::from).ok_or("--db DIR")?;
    let numbers = number_flag(args, "--numbers", 20_000);
    let entries = number_flag(args, "--entries", 1_000_000) as u64;
    let of_one = number_flag(args, "--of-one", 1_000);
    let started = Instant::now();
    drop(seed_at(&db, numbers)?);
    let seeded_numbers = started.elapsed();
    let engine = seeding_engine_at(&db, numbers)?;
    let store = engine.store();
    let admin = Actor::admin("bench");
    let mut all = store.numbers_in(&[StatusCode::Assigned]);
    // The one number: assigned, so its own history has an order, its completion and an
    // assignment before the label changes.
    let hot = all
        .first()
        .cloned()
        .ok_or("no assigned number was seeded")?;
    all.extend(store.numbers_in(&[StatusCode::Unassigned]));
    let others: Vec<E164> = all.into_iter().filter(|n| *n != hot).collect();
    let logged = |e: &Engine| e.store().audit(1).map(|l| l.first().map_or(0, |x| x.seq));
    let hot_has = store.history(&hot, of_one)?.len();
    let to_write = entries.saturating_sub(logged(&engine)?);
    let hot_more = (of_one.saturating_sub(hot_has) as u64).min(to_write);
    // Every `every`-th new entry is about the hot number.
    let every = (to_write / hot_more.max(1)).max(1);
    let mut now = T0.plus(Duration::from_secs(86_400));
    let (mut hot_done, mut other) = (0u64, 0usize);
    let labels_started = Instant::now();
    for i in 0..to_write {
        let number = if hot_done < hot_more && i % every == every - 1 {
            hot_done += 1;
            hot.clone()
        } else {
            other += 1;
            others[other % others.len()].clone()
        };
        engine.dispatch(
            &admin,
            Action::SetLabel {
                number,
                label: Some(format!("desk {i}")),
            },
            now,
        )?;
        now = now.plus(Duration::from_millis(10));
        if i % 100_000 == 99_999 {
            eprintln!(
                "  {} entries written, {:.0} s",
                i + 1,
                labels_started.elapsed().as_secs_f64()
            );
        }
    }
    store.flush()?;
    let total = logged(&engine)?;
    let of_hot = store.history(&hot, usize::MAX)?.len();
    eprintln!(
        "seeded {numbers} numbers in {:.1} s, then {to_write} label changes in {:.1} s: \
         {total} audit entries, {of_hot} of them about {hot}",
        seeded_numbers.as_secs_f64(),
        labels_started.elapsed().as_secs_f64()
    );
    println!("{hot}");
    Ok(())
}

/// `bench apply-rows --db DIR [--rows 10000] [--run 50]`: prints a CSV for `phonedesk apply`
/// of the seeded numbers, in runs of `run` equal kinds of change: assign to the voice
/// connector, label, unassign, product type, calling name (each number once, each row
/// one the rules accept, labels and names each their own).
pub fn rows(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let db = flag(args, "--db").map(PathBuf::from).ok_or("--db DIR")?;
    let rows = number_flag(args, "--rows", 10_000);
    let run = number_flag(args, "--run", 50).max(1);
    let engine = seeding_engine_at(&db, usize::MAX)?;
    let store = engine.store();
    let connector = store
        .voice_connectors()?
        .into_iter()
        .next()
        .ok_or("no voice connector was seeded")?;
    let unassigned = store.numbers_at(&store.numbers_in(&[StatusCode::Unassigned]))?;
    let (mut vc, mut bc): (Vec<E164>, Vec<E164>) = (Vec::new(), Vec::new());
    for p in unassigned {
        match p.product_type {
            ProductType::VoiceConnector => vc.push(p.number),
            ProductType::BusinessCalling => bc.push(p.number),
            ProductType::SipMediaApplicationDialIn => {}
        }
    }
    let mut assigned = store.numbers_in(&[StatusCode::Assigned]).into_iter();
    let (mut vc, mut bc) = (vc.into_iter(), bc.into_iter());
    let vc_name = connector.name.clone();
    let mut out = csv::Writer::from_writer(std::io::stdout().lock());
    out.write_record(["number", "change", "value"])?;
    let mut written = 0;
    let mut kind = 0;
    while written < rows {
        for _ in 0..run.min(rows - written) {
            let row = match kind % 5 {
                0 => vc.next().map(|n| (n, "assign", format!("vc:{vc_name}"))),
                1 => vc.next().map(|n| (n, "label", format!("desk {written}"))),
                2 => assigned.next().map(|n| (n, "unassign", String::new())),
                3 => bc.next().map(|n| (n, "product-type", "vc".to_string())),
                _ => bc
                    .next()
                    .map(|n| (n, "calling-name", format!("Desk {written}"))),
            };
            let (number, change, value) =
                row.ok_or("not enough seeded numbers for that many rows: seed more")?;
            out.write_record([number.as_str(), change, value.as_str()])?;
            written += 1;
        }
        kind += 1;
    }
    out.flush()?;
    Ok(())
}
