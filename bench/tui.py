#!/usr/bin/env python3
"""The console benchmark: phonedesk's Inventory on 100,000 numbers against the bare-ratatui
floor of /work/shared/perf, measured in the same run (see docs/performance.md).

    bench/tui.sh                 # or: python3 bench/tui.py [--runs 3] [--numbers 100000]

1. builds the floor (`cargo build --release` in a copy of ../shared/perf/baseline under
   target/perf-baseline/src; the shared folder is read-only) and phonedesk (release);
2. seeds a database of N numbers through the engine once (`bench seed`, cached under
   target/tui-bench/db-N) and works on a copy of it;
3. writes a bench config: inventory limit N, provisioning delay 1 hour (nothing completes
   while measuring), failure rate 0;
4. runs ../shared/perf/ptymeter.py on the floor (N rows, 1 row) and bench/ptymeter_rss.py
   (the same measurement plus resident memory) on `phonedesk --config CFG --db DB`, which
   opens on the Inventory screen; the marker is the national form of the first inventory
   number, so the first frame counts only when real rows are on screen;
5. prints a markdown table: first frame ms, bytes per cursor move, ms per key, memory, and
   the ratio to the floor. Each case runs --runs times; the median of the runs is shown.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile

# The first frame's target: the floor's with this many rows (performance.md), for any store.
FIRST_FRAME_ROWS = 100_000
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("PERF_DIR", os.path.join(os.path.dirname(ROOT), "shared", "perf"))


def sh(*cmd, cwd=ROOT):
    return subprocess.run(cmd, check=True, cwd=cwd)


def ensure_pyte():
    try:
        import pyte  # noqa: F401
    except ImportError:
        print("installing pyte (pip install pyte) ...", file=sys.stderr)
        sh(sys.executable, "-m", "pip", "install", "--quiet", "pyte")


def build(numbers):
    src = os.path.join(ROOT, "target", "perf-baseline", "src")
    os.makedirs(src, exist_ok=True)
    # Plain copies (the shared files are read-only; their modes are not kept).
    os.makedirs(os.path.join(src, "src"), exist_ok=True)
    for name in ("Cargo.toml", "Cargo.lock", os.path.join("src", "main.rs")):
        shutil.copyfile(os.path.join(SHARED, "baseline", name), os.path.join(src, name))
    print("building the floor (target/perf-baseline/src) ...", file=sys.stderr)
    sh("cargo", "build", "--release", "--quiet", cwd=src)
    print("building phonedesk (release) ...", file=sys.stderr)
    sh("cargo", "build", "--release", "--quiet", "--bin", "phonedesk", "--bin", "bench")
    cache = os.path.join(ROOT, "target", "tui-bench", f"db-{numbers}")
    if not os.path.isdir(cache):
        print(f"seeding {numbers} numbers into {cache} (once) ...", file=sys.stderr)
        tmp = cache + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        sh("target/release/bench", "seed", "--db", tmp, "--numbers", str(numbers))
        # sled 0.34 writes its snapshot only when a store is opened: open it once now, so
        # every copy opens from the snapshot instead of replaying the seed's whole log.
        cfg = os.path.join(tmp, "..", "warm.toml")
        with open(cfg, "w") as f:
            f.write(f"[inventory]\nlimit = {numbers}\n")
        subprocess.run(["target/release/phonedesk", "--config", cfg, "--db", tmp, "numbers", "list", "--status", "Unassigned"],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        os.rename(tmp, cache)
    return os.path.join(src, "target", "release", "baseline"), os.path.join(ROOT, "target", "release", "phonedesk"), cache


def national(e164):
    d = e164[2:]
    return f"({d[:3]}) {d[3:6]}-{d[6:]}"


def meter(script, size, marker, keys, cmd, extra=()):
    out = subprocess.run([sys.executable, script, "--size", size, "--marker", marker, "--keys", keys, *extra, "--", *cmd],
                         check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out)


def med(runs, key):
    vals = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--numbers", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keys", default="j*30")
    ap.add_argument("--phonedesk", default=None, help="measure this phonedesk binary instead (e.g. an older build)")
    ap.add_argument("--in-place", action="store_true",
                    help="measure on the cached database itself instead of a copy, and leave out the "
                         "action case (it changes the store): for a disk too full for a copy of 1,000,000 numbers")
    a = ap.parse_args()
    ensure_pyte()
    baseline, phonedesk, cache = build(a.numbers)
    if a.phonedesk:
        phonedesk = os.path.abspath(a.phonedesk)
    shared_meter = os.path.join(SHARED, "ptymeter.py")
    own_meter = os.path.join(ROOT, "bench", "ptymeter_rss.py")

    work = tempfile.mkdtemp(prefix="phonedesk-tui-bench-")
    try:
        db = os.path.join(work, "db")
        if a.in_place:
            db = cache
        else:
            shutil.copytree(cache, db)
        lock = os.path.join(db, "phonedesk.lock")
        if os.path.exists(lock):
            os.remove(lock)
        cfg = os.path.join(work, "config.toml")
        with open(cfg, "w") as f:
            f.write(f'[inventory]\nlimit = {a.numbers}\n[durations]\nprovisioning_delay = "1h"\n'
                    '[carrier]\nfailure_rate = 0.0\n')
        pd = [phonedesk, "--config", cfg, "--db", db]
        listing = subprocess.run(pd + ["numbers", "list", "--place", "inventory"], check=True,
                                 capture_output=True, text=True).stdout.splitlines()
        first = national(listing[1].split()[0])

        cases = []  # (label, size, keys, command, meter, marker, extra, floor label)
        for size in ("120x40", "80x24"):
            cases.append((f"floor, {a.numbers} rows, {size}", size, a.keys, [baseline, str(a.numbers)], shared_meter, "Inventory", ()))
            if a.numbers != FIRST_FRAME_ROWS:
                # The first-frame target is the floor's with 100,000 rows, whatever the store holds.
                cases.append((f"floor, {FIRST_FRAME_ROWS} rows, {size}", size, a.keys, [baseline, str(FIRST_FRAME_ROWS)], shared_meter, "Inventory", ()))
            cases.append((f"phonedesk, {a.numbers} numbers, {size}", size, a.keys, pd, own_meter, first, ()))
        cases.append(("floor, 1 row, 120x40", "120x40", "", [baseline, "1"], shared_meter, "Inventory", ()))
        cases.append((f"phonedesk screen switches (tab*14), 120x40", "120x40", "tab*14", pd, own_meter, first, ()))
        cases.append((f"phonedesk screen switches (tab*14), 80x24", "80x24", "tab*14", pd, own_meter, first, ()))
        cases.append((f"phonedesk page down (pgdn*20), 120x40", "120x40", "pgdn*20", pd, own_meter, first, ()))
        # The first `/` filter keystrokes, and an action whose engine event refreshes the
        # screen (the default calling name form: N, type, Enter).
        cases.append((f"phonedesk filter (/ then 2 0 6), 120x40", "120x40", "/,2,0,6", pd, own_meter, first, ()))
        # A sort by another column than the index's (Shift+S: Status), then back (Shift+S again).
        cases.append((f"phonedesk sort by Status (S, S), 120x40", "120x40", "S,S", pd, own_meter, first, ()))
        if not a.in_place:
            cases.append((f"phonedesk action + refresh (N Bench Enter), 120x40", "120x40", "N,B,e,n,c,h,enter", pd, own_meter, first, ()))

        results = {c[0]: [] for c in cases}
        for r in range(a.runs):
            for label, size, keys, cmd, script, marker, extra in cases:
                if "action" in label:
                    # An action changes the store: each run on a fresh copy.
                    fresh = os.path.join(work, f"db-{r}")
                    shutil.copytree(cache, fresh)
                    if os.path.exists(os.path.join(fresh, "phonedesk.lock")):
                        os.remove(os.path.join(fresh, "phonedesk.lock"))
                    cmd = [phonedesk, "--config", cfg, "--db", fresh]
                results[label].append(meter(script, size, marker, keys, cmd, extra))
                print(f"run {r + 1}/{a.runs}: {label}: {json.dumps(results[label][-1])}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def row(label):
        rs = results[label]
        return {k: med(rs, k) for k in ("first_frame_ms", "bytes_per_key_median", "ms_per_key_median",
                                        "ms_per_key_max", "rss_first_frame_mb", "rss_max_mb", "rss_peak_mb")}

    def fmt(v, nd=1):
        return "-" if v is None else f"{v:.{nd}f}"

    def ratio(x, y):
        return "-" if x is None or not y else f"{x / y:.2f}x"

    print(f"\nphonedesk console vs the bare-ratatui floor, {a.numbers:,} numbers, keys {a.keys}, "
          f"median of {a.runs} runs\n")
    print("| case | first frame ms | bytes per key | ms per key (median / max) | resident memory MB (first frame / max / peak) |")
    print("|---|---|---|---|---|")
    for label in results:
        r = row(label)
        print(f"| {label} | {fmt(r['first_frame_ms'])} | {fmt(r['bytes_per_key_median'], 0)} | "
              f"{fmt(r['ms_per_key_median'], 2)} / {fmt(r['ms_per_key_max'], 2)} | "
              f"{fmt(r['rss_first_frame_mb'])} / {fmt(r['rss_max_mb'])} / {fmt(r['rss_peak_mb'])} |")
    print("\n| figure | phonedesk | floor | ratio | target |")
    print("|---|---|---|---|---|")
    n = a.numbers
    for size in ("120x40", "80x24"):
        p, b = row(f"phonedesk, {n} numbers, {size}"), row(f"floor, {n} rows, {size}")
        f = row(f"floor, {FIRST_FRAME_ROWS} rows, {size}") if n != FIRST_FRAME_ROWS else b
        print(f"| first frame, {size} (ms; floor with {FIRST_FRAME_ROWS:,} rows) | {fmt(p['first_frame_ms'])} | {fmt(f['first_frame_ms'])} | "
              f"{ratio(p['first_frame_ms'], f['first_frame_ms'])} | <= 1.0x |")
        print(f"| bytes per cursor move, {size} | {fmt(p['bytes_per_key_median'], 0)} | {fmt(b['bytes_per_key_median'], 0)} | "
              f"{ratio(p['bytes_per_key_median'], b['bytes_per_key_median'])} | <= 1.5x |")
        print(f"| ms per cursor move, {size} | {fmt(p['ms_per_key_median'], 2)} | {fmt(b['ms_per_key_median'], 2)} | "
              f"{ratio(p['ms_per_key_median'], b['ms_per_key_median'])} | <= 2x |")
    b = row(f"floor, {n} rows, 120x40")
    for size in ("120x40", "80x24"):
        p = row(f"phonedesk screen switches (tab*14), {size}")
        print(f"| ms per screen switch (Tab), {size} | {fmt(p['ms_per_key_median'], 2)} | {fmt(b['ms_per_key_median'], 2)} | "
              f"{ratio(p['ms_per_key_median'], b['ms_per_key_median'])} | <= 2x |")
    p, b = row(f"phonedesk page down (pgdn*20), 120x40"), row(f"floor, {n} rows, 120x40")
    print(f"| ms per page down, 120x40 (the floor has no page down: its cursor move) | {fmt(p['ms_per_key_median'], 2)} | "
          f"{fmt(b['ms_per_key_median'], 2)} | {ratio(p['ms_per_key_median'], b['ms_per_key_median'])} | <= 2x |")
    f = results[f"phonedesk filter (/ then 2 0 6), 120x40"]
    slowest = statistics.median(max(x or 0 for x in r["per_key_first_ms"]) for r in f)
    quiet = statistics.median(max(x or 0 for x in r["per_key_ms"]) for r in f)
    print(f"| ms for the slowest `/` filter keystroke, until its screen (first: `2`) | {slowest:.2f} | {fmt(b['ms_per_key_median'], 2)} | "
          f"{ratio(slowest, b['ms_per_key_median'])} | 16 ms |")
    print(f"| ms for the slowest `/` filter keystroke, until the output went quiet (matches counted; at most 5 s a key) | {quiet:.2f} | | | |")
    f = results[f"phonedesk sort by Status (S, S), 120x40"]
    slowest = statistics.median(max(x or 0 for x in r["per_key_ms"]) for r in f)
    print(f"| ms for a sort by Status (Shift+S), the slower of two | {slowest:.2f} | {fmt(b['ms_per_key_median'], 2)} | "
          f"{ratio(slowest, b['ms_per_key_median'])} | 16 ms |")
    f = results.get(f"phonedesk action + refresh (N Bench Enter), 120x40")
    if f:
        last = statistics.median(r["per_key_ms"][-1] or 0 for r in f)
        print(f"| ms for an action and its refresh (Enter: dispatch, flush, engine event, redraw) | {last:.2f} | | | |")
    one = row("floor, 1 row, 120x40")
    p = row(f"phonedesk, {n} numbers, 120x40")
    print(f"| first frame vs the floor with 1 row (ms) | {fmt(p['first_frame_ms'])} | {fmt(one['first_frame_ms'])} | "
          f"{ratio(p['first_frame_ms'], one['first_frame_ms'])} | |")
    peak = max(row(l)["rss_peak_mb"] or 0 for l in results if l.startswith("phonedesk"))
    print(f"| resident memory, peak over every phonedesk case (MB) | {peak:.1f} | | | < 60 MB |")


if __name__ == "__main__":
    main()
