//! Core benchmarks and a seeding tool, run in release mode:
//!
//!     cargo run --release --bin bench -- core            # the figures in the README
//!     cargo run --release --bin bench -- seed --db DIR --numbers 100000
//!     cargo build --release --bins && target/release/bench carrier   # see carrier.rs
//!     bench/issue11.sh      # `apply` of 10,000 rows, `history` among 1,000,000 entries
//!     target/release/bench sizes --db DIR     # live bytes per tree beside sled's files
//!     target/release/bench compact --db DIR --to NEW   # sled's export/import into NEW
//!
//! `seed` fills a database through the engine (real orders, completed by the scheduler's
//! path) for the console and SSH benchmarks; open it with a config whose inventory limit is
//! at least the number count.

mod carrier;
mod history;

use phonedesk::carrier::SimulatedCarrier;
use phonedesk::domain::*;
use phonedesk::engine::Engine;
use phonedesk::store::{Store, StoreOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("core") => core(),
        Some("measure") => measure(
            &flag(&args, "--db")
                .map(PathBuf::from)
                .unwrap_or_else(|| usage()),
        ),
        Some("carrier") => carrier::run(
            flag(&args, "--numbers")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100_000),
            flag(&args, "--order")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000),
        ),
        Some("seed") => {
            let db = flag(&args, "--db")
                .map(PathBuf::from)
                .unwrap_or_else(|| usage());
            let n = number_flag(&args, "--numbers", 100_000);
            let t = Instant::now();
            seed_at(&db, n).map(|_| {
                eprintln!("seeding took {:.1} s", t.elapsed().as_secs_f64());
            })
        }
        Some("seed-history") => history::seed(&args),
        Some("compact") => compact(
            &flag(&args, "--db")
                .map(PathBuf::from)
                .unwrap_or_else(|| usage()),
            &flag(&args, "--to")
                .map(PathBuf::from)
                .unwrap_or_else(|| usage()),
        ),
        Some("sizes") => sizes(
            &flag(&args, "--db")
                .map(PathBuf::from)
                .unwrap_or_else(|| usage()),
        ),
        Some("apply-rows") => history::rows(&args),
        _ => usage(),
    };
    if let Err(e) = result {
        eprintln!("bench: {e}");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: bench core | bench seed --db DIR [--numbers N] | bench carrier [--numbers N] [--order N]\n\
         \x20      bench seed-history --db DIR [--numbers N] [--entries N] [--of-one N]\n\
         \x20      bench sizes --db DIR | bench compact --db DIR --to NEW_DIR\n\
         \x20      bench apply-rows --db DIR [--rows N] [--run N] > rows.csv"
    );
    std::process::exit(2)
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// A count given as `name N` (digits, `_` allowed), or `default`.
fn number_flag(args: &[String], name: &str, default: usize) -> usize {
    flag(args, name)
        .and_then(|s| s.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn policy(limit: usize) -> Policy {
    Policy {
        inventory_limit: limit,
        provisioning_delay: Duration::from_secs(1),
        ..Policy::default()
    }
}

fn engine_at(db: &Path, limit: usize) -> Result<Engine, Box<dyn std::error::Error>> {
    engine_with(StoreOptions::new(db), limit)
}

/// An engine for filling a database: each action is still one transaction, but the store
/// flushes only when told (`Store::flush`), not after every action.
fn seeding_engine_at(db: &Path, limit: usize) -> Result<Engine, Box<dyn std::error::Error>> {
    let mut options = StoreOptions::new(db);
    options.flush_each_write = false;
    // A page cache that holds the whole store being filled: with the console's 16 MB,
    // every order past a few hundred thousand numbers read its pages back from the log.
    options.cache_bytes = 1 << 30;
    engine_with(options, limit)
}

fn engine_with(options: StoreOptions, limit: usize) -> Result<Engine, Box<dyn std::error::Error>> {
    let store = Store::open(&options)?;
    Ok(Engine::new(
        store,
        Arc::new(SimulatedCarrier::new(2026, 0.0)),
        policy(limit),
    ))
}

const T0: Timestamp = Timestamp(1_790_000_000_000);

/// Fills the store with `count` numbers: orders of up to 1,000 numbers, each from the next
/// two states in turn (so the numbers spread over every state), completed, then a third
/// assigned to voice connectors.
fn seed_at(db: &Path, count: usize) -> Result<Engine, Box<dyn std::error::Error>> {
    let engine = seeding_engine_at(db, count.max(25))?;
    let admin = Actor::admin("bench");
    let mut now = T0;
    let states: Vec<String> = engine
        .carrier()
        .states()
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let mut held = engine.store().held();
    let mut round = 0;
    let started = Instant::now();
    // Where the time goes, reported every 100 orders: a seed that slows as the store grows
    // shows which part grows.
    let (mut searching, mut ordering, mut completing) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    while held < count {
        let mut batch = Vec::new();
        let t = Instant::now();
        // Each order starts at the next states: a search reads the held numbers of every
        // exchange it passes, so orders that always started at the same states made each
        // search read everything seeded so far (a million took hours). Spread over every
        // state, a search meets about 1/50 of the store.
        let first = (round * 2) % states.len();
        for state in states[first..].iter().chain(&states[..first]) {
            let want = (count - held - batch.len()).min(500);
            if want == 0 {
                break;
            }
            let found =
                engine.search(&SearchQuery::us().with_state(state.clone()).with_limit(want))?;
            batch.extend(found.into_iter().map(|a| a.number));
            if batch.len() >= 1_000 {
                break;
            }
        }
        if batch.is_empty() {
            return Err(format!("the carrier ran out of numbers at {held}").into());
        }
        batch.truncate((count - held).min(1_000));
        searching += t.elapsed();
        let product = if round % 3 == 0 {
            ProductType::BusinessCalling
        } else {
            ProductType::VoiceConnector
        };
        let t = Instant::now();
        engine.dispatch(
            &admin,
            Action::Provision {
                product_type: product,
                numbers: batch,
            },
            now,
        )?;
        ordering += t.elapsed();
        now = now.plus(Duration::from_secs(2));
        let t = Instant::now();
        engine.run_due(now)?;
        completing += t.elapsed();
        held = engine.store().held();
        round += 1;
        if round % 100 == 0 {
            eprintln!(
                "  {held} numbers, {:.0} s: the last 100 orders searching {:.1} s, ordering {:.1} s, completing {:.1} s",
                started.elapsed().as_secs_f64(),
                searching.as_secs_f64(),
                ordering.as_secs_f64(),
                completing.as_secs_f64()
            );
            (searching, ordering, completing) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        }
    }
    let vc = engine.dispatch(
        &admin,
        Action::CreateVoiceConnector {
            name: "Main trunk".into(),
            region: "us-east-1".into(),
            encryption: true,
        },
        now,
    )?;
    let vc = VoiceConnectorId(vc.created.unwrap_or_default());
    let vc_numbers: Vec<E164> = engine
        .store()
        .numbers_at(&engine.store().numbers_in(&[StatusCode::Unassigned]))?
        .into_iter()
        .filter(|p| p.product_type == ProductType::VoiceConnector)
        .map(|p| p.number)
        .step_by(2)
        .collect();
    for chunk in vc_numbers.chunks(1_000) {
        engine.dispatch(
            &admin,
            Action::Assign {
                numbers: chunk.to_vec(),
                to: Assignee::VoiceConnector(vc.clone()),
            },
            now,
        )?;
    }
    engine.store().flush()?;
    eprintln!(
        "seeded {} numbers into {}",
        engine.store().held(),
        db.display()
    );
    Ok(engine)
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.to_string())
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn core() -> Result<(), Box<dyn std::error::Error>> {
    let dir = ScratchDir::new()?;
    let admin = Actor::admin("bench");

    // 1. Applying a 1,000-number order: the provision and its completion, each one transaction.
    let mut order_ms = Vec::new();
    let mut complete_ms = Vec::new();
    for i in 0..5 {
        let e = engine_at(&dir.path().join(format!("order{i}")), 1_000)?;
        let mut numbers = Vec::new();
        for state in ["CA", "TX", "NY", "WA"] {
            numbers.extend(
                e.search(&SearchQuery::us().with_state(state).with_limit(250))?
                    .into_iter()
                    .map(|a| a.number),
            );
        }
        let t = Instant::now();
        e.dispatch(
            &admin,
            Action::Provision {
                product_type: ProductType::VoiceConnector,
                numbers,
            },
            T0,
        )?;
        order_ms.push(ms(t.elapsed()));
        let t = Instant::now();
        e.run_due(T0.plus(Duration::from_secs(2)))?;
        complete_ms.push(ms(t.elapsed()));
    }

    // 2. Searches.
    let e = engine_at(&dir.path().join("search"), 25)?;
    let queries = [
        ("state CA, 10 results", SearchQuery::us().with_state("CA")),
        (
            "Seattle, WA, 10 results",
            SearchQuery::us().with_city("Seattle", "WA"),
        ),
        (
            "area code 212, 100 results",
            SearchQuery::us().with_area_code(212).with_limit(100),
        ),
        (
            "toll-free 888 containing 77",
            SearchQuery::us()
                .with_toll_free_prefix(888)
                .with_contains("77"),
        ),
    ];
    e.search(&queries[0].1)?; // the carrier's data is indexed on first use
    let mut search_lines = Vec::new();
    for (label, q) in &queries {
        let runs: Vec<f64> = (0..50)
            .map(|_| {
                let t = Instant::now();
                let _ = e.search(q);
                ms(t.elapsed())
            })
            .collect();
        search_lines.push(format!(
            "| available-number search: {label} | {:.3} ms | < 5 ms |",
            median(runs)
        ));
    }
    drop(e);

    // 3. 100,000 numbers: seeded here, measured in a fresh process so memory is its own.
    let db = dir.path().join("big");
    let t = Instant::now();
    drop(seed_at(&db, 100_000)?);
    let seed_s = t.elapsed().as_secs_f64();
    let measured = std::process::Command::new(std::env::current_exe()?)
        .args(["measure", "--db"])
        .arg(&db)
        .output()?;
    if !measured.status.success() {
        return Err(String::from_utf8_lossy(&measured.stderr).to_string().into());
    }

    println!("| figure | measured | target |");
    println!("|---|---|---|");
    println!("| applying a 1,000-number order (provision, one transaction + flush) | {:.1} ms | < 200 ms |", median(order_ms));
    println!(
        "| completing that order (1,000 numbers to the inventory) | {:.1} ms | < 200 ms |",
        median(complete_ms)
    );
    for l in search_lines {
        println!("{l}");
    }
    println!("| seeding 100,000 numbers through the engine | {seed_s:.1} s | |");
    print!("{}", String::from_utf8_lossy(&measured.stdout));
    Ok(())
}

/// What each tree of a database holds (keys, bytes of keys and values) beside the size of
/// its files: how much of the file is live data.
fn sizes(db: &Path) -> Result<(), Box<dyn std::error::Error>> {
    use phonedesk::store::{Scan, Tree};
    let t = Instant::now();
    let store = Store::open(&StoreOptions::new(db))?;
    let open_ms = ms(t.elapsed());
    println!("| tree | keys | key bytes | value bytes |");
    println!("|---|---|---|---|");
    let mut total = 0;
    for tree in Tree::ALL {
        let (mut keys, mut key_bytes, mut value_bytes) = (0usize, 0usize, 0usize);
        let mut scan = Scan::all().limit(4096);
        loop {
            let page = store.backend().scan(tree, &scan)?;
            for (k, v) in &page {
                keys += 1;
                key_bytes += k.len();
                value_bytes += v.len();
            }
            match page.last() {
                Some((k, _)) if page.len() == 4096 => {
                    scan = Scan::all()
                        .from(std::ops::Bound::Excluded(k.clone()))
                        .limit(4096)
                }
                _ => break,
            }
        }
        total += key_bytes + value_bytes;
        if keys > 0 {
            println!("| {} | {keys} | {key_bytes} | {value_bytes} |", tree.name());
        }
    }
    println!(
        "\nlive keys and values {:.1} MB; sled's files {:.1} MB; opened in {open_ms:.0} ms",
        total as f64 / 1e6,
        store.size_on_disk() as f64 / 1e6
    );
    Ok(())
}

/// Copies a database's live keys and values into a new one with sled's own export and
/// import (the same trees, none of the garbage a log-structured file keeps): what opening
/// a store costs without it.
fn compact(db: &Path, to: &Path) -> Result<(), Box<dyn std::error::Error>> {
    if to.exists() {
        return Err(format!("{} exists", to.display()).into());
    }
    let t = Instant::now();
    let from = sled::open(db)?;
    let into = sled::open(to)?;
    into.import(from.export());
    into.flush()?;
    eprintln!(
        "compacted {} ({:.1} MB) into {} ({:.1} MB) in {:.1} s",
        db.display(),
        from.size_on_disk()? as f64 / 1e6,
        to.display(),
        into.size_on_disk()? as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Figures for a store of 100,000 numbers, from a fresh process.
fn measure(db: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let rss_before = rss_mb();
    let t = Instant::now();
    let e = engine_at(db, 100_000)?;
    let open_ms = ms(t.elapsed());
    let t = Instant::now();
    let page = e.store().numbers_page(StatusCode::Unassigned, 40);
    let page_records = e.store().numbers_at(&page)?;
    let page_ms = ms(t.elapsed());
    let t = Instant::now();
    let keys = e.store().numbers_in(&[StatusCode::Unassigned]);
    let keys_ms = ms(t.elapsed());
    let t = Instant::now();
    let records = e.store().numbers_at(&keys)?;
    let records_ms = ms(t.elapsed());
    let rss_listing = rss_mb();
    drop(records);
    let t = Instant::now();
    let assigned = e.store().numbers_in(&[StatusCode::Assigned]);
    let assigned_ms = ms(t.elapsed());
    let size_mb = e.store().size_on_disk() as f64 / 1e6;
    println!("| opening the store with 100,000 numbers | {open_ms:.1} ms | |");
    println!(
        "| first screen: {} Unassigned numbers with their records | {page_ms:.2} ms | |",
        page_records.len()
    );
    println!(
        "| listing the keys of {} Unassigned numbers (status index) | {keys_ms:.1} ms | |",
        keys.len()
    );
    println!(
        "| listing the keys of {} Assigned numbers (status index) | {assigned_ms:.1} ms | |",
        assigned.len()
    );
    println!(
        "| reading all {} Unassigned records | {records_ms:.1} ms | |",
        keys.len()
    );
    println!("| store size on disk, 100,000 numbers | {size_mb:.1} MB | |");
    println!("| process memory (RSS): started / after reading every record | {rss_before:.1} MB / {rss_listing:.1} MB | < 60 MB |");
    Ok(())
}

/// A directory under the system's temp dir, removed on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> std::io::Result<ScratchDir> {
        let p = std::env::temp_dir().join(format!("phonedesk-bench-{}", std::process::id()));
        std::fs::create_dir_all(&p)?;
        Ok(ScratchDir(p))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // PHONEDESK_BENCH_KEEP=1 keeps the databases, to look into a run afterwards.
        if std::env::var_os("PHONEDESK_BENCH_KEEP").is_some() {
            eprintln!("bench: kept {}", self.0.display());
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
