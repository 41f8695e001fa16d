#!/usr/bin/env python3
"""Issue 11's benchmark (see bench/issue11.sh): cold `phonedesk apply` and `history`.

1. seeds once (cached in target/issue11-bench/db-NUMBERS-ENTRIES): `bench seed-history` puts
   --numbers numbers in the store through the engine (orders completed, a third of the
   Voice Connector numbers assigned), then label changes through the engine until the
   audit log holds --entries entries, --of-one of them about one assigned number; then
   `bench apply-rows` writes the spreadsheet: --rows rows in runs of 50 equal kinds of
   change (assign to the voice connector, label, unassign, product type, calling name);
2. `phonedesk history NUMBER` (and `--json`): --runs cold runs on the seeded database;
3. `phonedesk apply rows.csv --dry-run`, then `phonedesk apply rows.csv`: each run on a
   fresh copy of a database seeded with the same numbers but a short log (a copy of the
   long one is a gigabyte; the copy is not timed);
4. prints the load average before and after, and a table of medians and fastest runs.
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHONEDESK = os.path.join(ROOT, "target", "release", "phonedesk")
BENCH = os.path.join(ROOT, "target", "release", "bench")


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def seed(a):
    """The two databases, seeded once: `long-log` (the numbers and the long audit log, for
    `history`) and `numbers` (the same numbers only, copied for each `apply` run: small
    enough to copy on a crowded disk)."""
    cache = os.path.join(ROOT, "target", "issue11-bench", f"db-{a.numbers}-{a.entries}")
    if os.path.isdir(cache):
        return cache
    tmp = cache + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    print(f"seeding {a.numbers} numbers and {a.entries} audit entries (once) ...", file=sys.stderr)
    logs = {}
    for name, entries in (("numbers", 0), ("long-log", a.entries)):
        db = os.path.join(tmp, name)
        t = time.perf_counter()
        out = subprocess.run([BENCH, "seed-history", "--db", db, "--numbers", str(a.numbers),
                              "--entries", str(entries), "--of-one", str(a.of_one)],
                             check=True, capture_output=True, text=True)
        sys.stderr.write(out.stderr)
        logs[name] = {"hot": out.stdout.strip(), "seconds": time.perf_counter() - t,
                      "log": out.stderr.strip().splitlines()[-1], "load_after": load()}
        # sled 0.34 writes its snapshot when a store is opened: open it once, so the
        # measured processes open from the snapshot instead of replaying the seed's log.
        subprocess.run(pd(tmp, db) + ["audit", "--limit", "1"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(tmp, "rows.csv"), "w") as f:
        subprocess.run([BENCH, "apply-rows", "--db", os.path.join(tmp, "numbers"), "--rows", str(a.rows)],
                       check=True, stdout=f)
    with open(os.path.join(tmp, "seed.json"), "w") as f:
        json.dump(logs["long-log"], f)
    os.rename(tmp, cache)
    return cache


def config(dir):
    cfg = os.path.join(dir, "bench.toml")
    if not os.path.exists(cfg):
        with open(cfg, "w") as f:
            f.write('[inventory]\nlimit = 1000000\n[durations]\nprovisioning_delay = "1h"\n'
                    '[carrier]\nfailure_rate = 0.0\n')
    return cfg


def pd(dir, db):
    return [PHONEDESK, "--config", config(dir), "--db", db]


def timed(cmd, ok=(0,)):
    """Wall-clock ms, the process's own CPU ms (user + system: what other agents' load
    inflates least), and its stdout."""
    out = tempfile.TemporaryFile()
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    ms = (time.perf_counter() - t) * 1000
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"{' '.join(cmd)} failed ({code}): {p.stderr.read().decode().strip()}")
    out.seek(0)
    return ms, (usage.ru_utime + usage.ru_stime) * 1000, out.read().decode()


class console_holding:
    """`phonedesk` (the console) on a pseudo-terminal for the duration of a `with`."""

    def __init__(self, cmd):
        self.cmd = cmd

    def __enter__(self):
        import pty, select
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.execv(self.cmd[0], self.cmd)
        # Up once it has drawn a screen; its socket listens before it draws.
        shown, deadline = 0, time.time() + 60
        while shown < 2000 and time.time() < deadline:
            if select.select([self.fd], [], [], 0.2)[0]:
                try:
                    shown += len(os.read(self.fd, 65536))
                except OSError:
                    break
        self.drain = True
        import threading
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()
        return self

    def _drain(self):
        while self.drain:
            try:
                os.read(self.fd, 65536)
            except OSError:
                return

    def __exit__(self, *exc):
        os.write(self.fd, b"q")
        deadline = time.time() + 10
        while time.time() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(self.pid, 15)
            os.waitpid(self.pid, 0)
        self.drain = False


def fresh_copy(cache, work, name):
    db = os.path.join(work, name)
    shutil.copytree(os.path.join(cache, "numbers"), db)
    lock = os.path.join(db, "phonedesk.lock")
    if os.path.exists(lock):
        os.remove(lock)
    return db


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--numbers", type=int, default=20_000)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--of-one", type=int, default=1_000)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--apply-runs", type=int, default=3)
    ap.add_argument("--phonedesk", default=None, help="measure this phonedesk binary instead (e.g. an older build)")
    a = ap.parse_args()
    global PHONEDESK
    if a.phonedesk:
        PHONEDESK = os.path.abspath(a.phonedesk)
    for exe in (PHONEDESK, BENCH):
        if not os.path.exists(exe):
            sys.exit("build first: cargo build --release --bins")
    cache = seed(a)
    with open(os.path.join(cache, "seed.json")) as f:
        seeded = json.load(f)
    hot, rows = seeded["hot"], os.path.join(cache, "rows.csv")
    db = os.path.join(cache, "long-log")
    before = load()
    results = {}

    cpu = {}

    def run(label, cmd, n, check):
        times, cpus = [], []
        for _ in range(n):
            ms, cpu_ms, out = timed(cmd)
            check(out)
            times.append(ms)
            cpus.append(cpu_ms)
        results[label], cpu[label] = times, cpus
        print(f"{label}: {', '.join(f'{t:.0f}' for t in times)} ms", file=sys.stderr)

    def shows(n):
        def check(out):
            got = len(json.loads(out)["entries"])
            if got != n:
                sys.exit(f"history --json showed {got} entries, not {n}")
        return check

    run(f"`history NUMBER` ({a.of_one} entries of {a.entries:,})", pd(cache, db) + ["history", hot],
        a.runs, lambda out: None)
    run(f"`--json history NUMBER`", pd(cache, db) + ["--json", "history", hot], a.runs, shows(a.of_one))
    # The same command while a console holds the database: it runs there (the local
    # socket), in a process that opened the store once.
    with console_holding(pd(cache, db)):
        run(f"`history NUMBER` while a console holds the database", pd(cache, db) + ["history", hot],
            a.runs, lambda out: None)
        run(f"`--json history NUMBER` while a console holds the database", pd(cache, db) + ["--json", "history", hot],
            a.runs, shows(a.of_one))

    work = tempfile.mkdtemp(prefix="phonedesk-issue11-", dir=os.path.join(ROOT, "target"))
    summary = {}
    try:
        for dry in (True, False):
            label = f"`apply rows.csv{' --dry-run' if dry else ''}` ({a.rows:,} rows)"
            times, cpus = [], []
            for r in range(a.apply_runs):
                copy = fresh_copy(cache, work, f"db-{r}")
                cmd = pd(cache, copy) + ["--json", "apply", rows] + (["--dry-run"] if dry else [])
                ms, cpu_ms, out = timed(cmd, ok=(0, 1))
                report = json.loads(out)
                counts = {}
                for row in report["rows"]:
                    counts[row["result"]] = counts.get(row["result"], 0) + 1
                summary[label] = counts
                times.append(ms)
                cpus.append(cpu_ms)
                shutil.rmtree(copy)
            results[label], cpu[label] = times, cpus
            print(f"{label}: {', '.join(f'{t:.0f}' for t in times)} ms, rows: {summary[label]}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    after = load()

    print(f"\nphonedesk {a.numbers:,} numbers, {a.entries:,} audit entries ({a.of_one} about {hot}); "
          f"load average before {before}, after {after}")
    print(f"seeding the long log (once, cached): {seeded['seconds']:.0f} s, load average after "
          f"{seeded['load_after']}: {seeded['log']}\n")
    print("| figure | median | fastest | CPU time (median) | runs | target |")
    print("|---|---|---|---|---|---|")
    targets = {"history": "< 50 ms", "apply": "< 2 s"}
    for label, times in results.items():
        target = targets["history" if "history" in label else "apply"]
        extra = f" ({', '.join(f'{v} {k}' for k, v in summary[label].items())})" if label in summary else ""
        print(f"| {label}{extra} | {statistics.median(times):.0f} ms | {min(times):.0f} ms | "
              f"{statistics.median(cpu[label]):.0f} ms | {len(times)} | {target} |")


if __name__ == "__main__":
    main()
