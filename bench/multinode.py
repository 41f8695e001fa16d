#!/usr/bin/env python3
"""Two `phonedesk serve` nodes on one PostgreSQL database (see README "Performance").

    bench/multinode.sh [--numbers 1000000] [--sessions 10] [--actions 100] [--delays 30] [--runs 3]

1. builds phonedesk and bench (release);
2. a throwaway PostgreSQL cluster (initdb, loopback only, default durability settings:
   fsync and synchronous_commit on), kept under target/multinode-bench/pg-N between runs;
   the first run fills it from a sled seed of N numbers with `phonedesk db copy`: the
   console benchmark's cached seed (target/tui-bench/db-N, or --seed DIR) when there is
   one, else `bench seed` makes one (a copy is taken; the seed is left as it was);
3. starts two `serve` nodes on it (two loopback ports, one host key, one key file) and
   measures, each figure from the OpenSSH client:
   * actions per second: --sessions SSH connections at once, alternately on each node
     (multiplexed with ControlMaster, so each action is a command on an open connection,
     not a new handshake), each running --actions `label` changes one after the other;
   * the cross-node delay: a `label` through node A, from its acknowledgement (the ssh
     command ended with exit 0) to its line in `watch --all --json` on node B, --delays
     times; also from the moment the command was sent;
4. stops the nodes and measures the console (`phonedesk` on a local pty, bench/ptymeter_rss.py)
   on the PostgreSQL database and on the sled copy it was filled from (kept as
   target/multinode-bench/sled-twin-N, also read for the numbers to change), alternately, --runs
   times: first frame and ms per cursor move (j), with the ratio PG / sled (target <= 1.5x).
Prints a markdown table and the load average before and after.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "target", "multinode-bench")
PHONEDESK = os.path.join(ROOT, "target", "release", "phonedesk")


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def national(e164):
    d = e164[2:]
    return f"({d[:3]}) {d[3:6]}-{d[6:]}"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Postgres:
    """A cluster under target/multinode-bench: as the postgres user when run as root."""

    def __init__(self, data):
        self.data = data
        self.bin = self.bin_dir()
        self.port = free_port()
        self.root = os.getuid() == 0

    @staticmethod
    def bin_dir():
        base = "/usr/lib/postgresql"
        versions = sorted(os.listdir(base)) if os.path.isdir(base) else []
        for v in reversed(versions):
            b = os.path.join(base, v, "bin")
            if os.path.exists(os.path.join(b, "initdb")):
                return b
        sys.exit("PostgreSQL is not installed (initdb not found)")

    def run(self, tool, *args):
        cmd = [os.path.join(self.bin, tool), *args]
        if self.root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return sh(*cmd, cwd=os.path.dirname(self.data), stdout=subprocess.DEVNULL)

    def init(self):
        os.makedirs(self.data)
        if self.root:
            os.chmod(os.path.dirname(self.data), 0o755)
            sh("chown", "-R", "postgres:postgres", os.path.dirname(self.data))
        self.run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def start(self):
        opts = (f"-p {self.port} -k {os.path.dirname(self.data)} -c listen_addresses=127.0.0.1 "
                "-c max_connections=100")
        self.run("pg_ctl", "-D", self.data, "-l", self.data + ".log", "-o", opts, "-w", "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, db="phonedesk"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"


def seeded_cluster(numbers, seed):
    """The cached cluster holding the seed (made the first time); started."""
    cluster = os.path.join(BENCH, f"pg-{numbers}")
    pg = Postgres(os.path.join(cluster, "data"))
    if not os.path.exists(os.path.join(cluster, "seeded")):
        shutil.rmtree(cluster, ignore_errors=True)
        os.makedirs(cluster)
        pg.init()
        pg.start()
        pg.run("createdb", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "phonedesk")
        copy = sled_twin(numbers, seed)
        t = time.time()
        print(f"copying {seed} into PostgreSQL (once) ...", file=sys.stderr)
        sh(PHONEDESK, "db", "copy", "--from", copy, "--to", pg.url(), stdout=sys.stderr)
        print(f"copied in {time.time() - t:.0f} s", file=sys.stderr)
        # The statistics for the planner, as autovacuum would gather them later.
        pg.run("vacuumdb", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-z", "phonedesk")
        open(os.path.join(cluster, "seeded"), "w").close()
    else:
        pg.start()
    return pg


def sled_twin(numbers, seed):
    """The sled copy of the seed beside the cluster (what PostgreSQL was filled from; the
    console is measured on it), made once; the seed itself is only read."""
    twin = os.path.join(BENCH, f"sled-twin-{numbers}")
    if not os.path.isdir(twin):
        shutil.copytree(seed, twin + ".tmp", ignore=shutil.ignore_patterns("phonedesk.lock", "phonedesk.run"))
        os.rename(twin + ".tmp", twin)
    return twin


def sled_seed(numbers, given):
    if given:
        return given
    cached = os.path.join(ROOT, "target", "tui-bench", f"db-{numbers}")
    if os.path.isdir(cached):
        return cached
    own = os.path.join(BENCH, f"sled-{numbers}")
    if not os.path.isdir(own):
        print(f"seeding {numbers} numbers into {own} (once) ...", file=sys.stderr)
        sh(os.path.join(ROOT, "target", "release", "bench"), "seed", "--db", own + ".tmp",
           "--numbers", str(numbers), stdout=sys.stderr)
        os.rename(own + ".tmp", own)
    return own


class Node:
    def __init__(self, work, name, url, sessions):
        self.name, self.url = name, url
        self.home = os.path.join(work, name)
        os.makedirs(os.path.join(self.home, "run"), mode=0o700)
        self.port = free_port()
        self.config = os.path.join(self.home, "config.toml")
        with open(self.config, "w") as f:
            f.write(f"{BASE_CONFIG}[ssh]\nlisten = \"127.0.0.1:{self.port}\"\n"
                    f"host_key = \"{work}/host_key\"\nauthorized_keys = \"{work}/authorized_keys\"\n"
                    f"max_sessions = {sessions + 8}\n")
        env = dict(os.environ, XDG_DATA_HOME=os.path.join(self.home, "data"),
                   XDG_CONFIG_HOME=os.path.join(self.home, "conf"),
                   XDG_RUNTIME_DIR=os.path.join(self.home, "run"))
        out = open(os.path.join(self.home, "serve.out"), "w")
        self.err = os.path.join(self.home, "serve.err")
        self.proc = subprocess.Popen([PHONEDESK, "--config", self.config, "--db", url, "serve"],
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=open(self.err, "w"), env=env)
        deadline = time.time() + 120
        while "connect with" not in open(os.path.join(self.home, "serve.out")).read():
            if self.proc.poll() is not None or time.time() > deadline:
                sys.exit(f"node {name} did not start:\n{open(self.err).read()}")
            time.sleep(0.05)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


BASE_CONFIG = ""


class Client:
    """The OpenSSH client with the bench key; `master` opens a multiplexed connection."""

    def __init__(self, work):
        self.work = work

    def base(self, port):
        return ["ssh", "-F", "/dev/null", "-i", os.path.join(self.work, "key"), "-p", str(port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR"]

    def master(self, port, control):
        sh(*self.base(port), "-o", "ControlMaster=yes", "-o", f"ControlPath={control}",
           "-o", "ControlPersist=yes", "-fN", "admin@127.0.0.1")

    def close(self, port, control):
        subprocess.run([*self.base(port), "-o", f"ControlPath={control}", "-O", "exit", "admin@127.0.0.1"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run(self, port, control, *command):
        """Runs a command over the open connection; seconds it took."""
        t = time.perf_counter()
        r = subprocess.run([*self.base(port), "-o", f"ControlPath={control}", "-T", "admin@127.0.0.1", *command],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{command}: exit {r.returncode}: {r.stderr.strip()}")
        return time.perf_counter() - t


def actions_per_second(client, nodes, controls, numbers, actions):
    latencies, errors = [], []

    def session(i):
        node = nodes[i % 2]
        number = numbers[i]
        for j in range(actions):
            try:
                latencies.append(client.run(node.port, controls[i], "label", number, f"bench-{i}-{j}"))
            except RuntimeError as e:
                errors.append(str(e))

    threads = [threading.Thread(target=session, args=(i,)) for i in range(len(controls))]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t
    if errors:
        sys.exit(f"{len(errors)} actions failed, the first: {errors[0]}")
    return len(latencies) / wall, latencies, wall


def cross_node_delays(client, a, b, control_a, control_b, number, times):
    watch = subprocess.Popen([*client.base(b.port), "-T", "admin@127.0.0.1", "watch", "--all", "--json"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    arrivals = []
    lock = threading.Condition()

    def reader():
        for line in watch.stdout:
            with lock:
                arrivals.append((time.perf_counter(), line))
                lock.notify_all()

    threading.Thread(target=reader, daemon=True).start()
    # The watch listens once it shows a change of B's own (it needs a moment to connect).
    deadline = time.time() + 20
    for k in range(20):
        client.run(b.port, control_b, "label", number, f"warm-up-{k}")
        with lock:
            lock.wait_for(lambda: any(number in l for _, l in arrivals), 1.0)
            if any(number in l for _, l in arrivals):
                break
        if time.time() > deadline:
            sys.exit("node B's watch showed nothing within 20 s")
    since_ack, since_sent = [], []
    for k in range(times + 1):
        with lock:
            seen = len(arrivals)
        sent = time.perf_counter()
        took = client.run(a.port, control_a, "label", number, f"delay-{k}")
        acked = sent + took
        deadline = time.time() + 10
        with lock:
            while not any(number in l for _, l in arrivals[seen:]):
                if time.time() > deadline:
                    sys.exit("node B's watch did not show node A's change within 10 s")
                lock.wait(0.5)
            at = next(t for t, l in arrivals[seen:] if number in l)
        if k > 0:  # the first one warms the path up
            since_ack.append((at - acked) * 1000)
            since_sent.append((at - sent) * 1000)
        time.sleep(0.05)
    watch.terminate()
    return since_ack, since_sent


def console(numbers, runs, keys, url, sled, marker):
    meter = os.path.join(ROOT, "bench", "ptymeter_rss.py")
    cfg = os.path.join(BENCH, "console.toml")
    with open(cfg, "w") as f:
        f.write(BASE_CONFIG)
    results = {"PostgreSQL": [], "sled": []}
    for r in range(runs):
        for label, db in (("PostgreSQL", url), ("sled", sled)):
            out = subprocess.run([sys.executable, meter, "--size", "120x40", "--marker", marker, "--keys", keys,
                                  "--", PHONEDESK, "--config", cfg, "--db", db],
                                 check=True, capture_output=True, text=True).stdout
            results[label].append(json.loads(out))
            print(f"run {r + 1}/{runs}: console on {label}: {results[label][-1].get('first_frame_ms')} ms first frame, "
                  f"{results[label][-1].get('ms_per_key_median')} ms per key, "
                  f"{results[label][-1].get('bytes_per_key_median')} bytes per key", file=sys.stderr)
    return results


def main():
    global BASE_CONFIG
    ap = argparse.ArgumentParser()
    ap.add_argument("--numbers", type=int, default=1_000_000)
    ap.add_argument("--seed", default=None, help="a sled database of --numbers numbers to copy (default: the "
                                                  "console benchmark's cached seed, else `bench seed`)")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--actions", type=int, default=100)
    ap.add_argument("--delays", type=int, default=30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keys", default="j*30")
    a = ap.parse_args()
    try:
        import pyte  # noqa: F401
    except ImportError:
        sh(sys.executable, "-m", "pip", "install", "--quiet", "pyte")
    sh("cargo", "build", "--release", "--quiet", "--bin", "phonedesk", "--bin", "bench", cwd=ROOT)
    os.makedirs(BENCH, exist_ok=True)
    load_before = os.getloadavg()
    BASE_CONFIG = (f"[inventory]\nlimit = {a.numbers * 2}\n[durations]\nprovisioning_delay = \"1h\"\n"
                   "[carrier]\nfailure_rate = 0.0\n")
    seed = sled_seed(a.numbers, a.seed)
    pg = seeded_cluster(a.numbers, seed)
    work = tempfile.mkdtemp(prefix="run-", dir=BENCH)
    nodes, client, controls = [], Client(work), []
    try:
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", os.path.join(work, "key"))
        with open(os.path.join(work, "authorized_keys"), "w") as f:
            f.write(f"admin bench {open(os.path.join(work, 'key.pub')).read()}")
        os.chmod(os.path.join(work, "authorized_keys"), 0o600)
        twin = sled_twin(a.numbers, seed)
        listing = subprocess.run([PHONEDESK, "--config", os.devnull, "--db", twin, "numbers", "list",
                                  "--status", "Unassigned"], check=True, capture_output=True, text=True).stdout
        numbers = [l.split()[0] for l in listing.splitlines()[1:a.sessions + 3] if l.startswith("+")]
        first_inventory = subprocess.run([PHONEDESK, "--config", os.devnull, "--db", twin, "numbers", "list",
                                          "--place", "inventory"], check=True, capture_output=True,
                                         text=True).stdout.splitlines()[1].split()[0]
        t = time.perf_counter()
        nodes.append(Node(work, "a", pg.url(), a.sessions))
        started_a = time.perf_counter() - t
        nodes.append(Node(work, "b", pg.url(), a.sessions))
        for i in range(a.sessions):
            control = os.path.join(work, f"ctl-{i}")
            client.master(nodes[i % 2].port, control)
            controls.append(control)
        control_a, control_b = os.path.join(work, "ctl-a-"), os.path.join(work, "ctl-b-")
        client.master(nodes[0].port, control_a)
        client.master(nodes[1].port, control_b)
        controls_extra = [(nodes[0].port, control_a), (nodes[1].port, control_b)]

        rate, latencies, wall = actions_per_second(client, nodes, controls, numbers, a.actions)
        print(f"actions: {len(latencies)} in {wall:.1f} s", file=sys.stderr)
        since_ack, since_sent = cross_node_delays(client, nodes[0], nodes[1], control_a, control_b,
                                                  numbers[a.sessions], a.delays)
        for i, control in enumerate(controls):
            client.close(nodes[i % 2].port, control)
        for port, control in controls_extra:
            client.close(port, control)
        for n in nodes:
            n.stop()
        nodes = []

        sled = twin
        shown = console(a.numbers, a.runs, a.keys, pg.url(), sled, national(first_inventory))
    finally:
        for n in nodes:
            n.stop()
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    def med(label, key):
        vals = [r[key] for r in shown[label] if r.get(key) is not None]
        return statistics.median(vals) if vals else float("nan")

    print(f"\nTwo serve nodes on one PostgreSQL database, {a.numbers:,} numbers "
          f"(load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; node A started in {started_a:.1f} s)\n")
    print("| figure | measured | target |")
    print("|---|---|---|")
    print(f"| actions per second, {a.sessions} SSH sessions at once on two nodes ({len(latencies)} `label` changes) "
          f"| {rate:.0f} | |")
    print(f"| one action's time at the client under that load: median / p95 (ms) "
          f"| {statistics.median(latencies) * 1000:.0f} / {pct(latencies, 95) * 1000:.0f} | |")
    print(f"| cross-node delay, acknowledged on A to the line on B's `watch`: median / p95 / max (ms) "
          f"| {statistics.median(since_ack):.0f} / {pct(since_ack, 95):.0f} / {max(since_ack):.0f} | < 100 ms |")
    print(f"| the same, from the command sent to A: median / p95 (ms) "
          f"| {statistics.median(since_sent):.0f} / {pct(since_sent, 95):.0f} | |")
    for key, what in (("first_frame_ms", "console first frame (ms)"), ("ms_per_key_median", "console ms per cursor move"),
                      ("bytes_per_key_median", "console bytes per cursor move")):
        p, s = med("PostgreSQL", key), med("sled", key)
        print(f"| {what}: PostgreSQL / sled, median of {a.runs} | {p:.1f} / {s:.1f} = {p / s:.2f}x | <= 1.5x |")


if __name__ == "__main__":
    main()
