#!/usr/bin/env bash
# A cold `phonedesk search` from the command line (a new process each time: the store opened,
# the carrier's data read, the search, the answer printed), on an empty store and on one
# seeded with N numbers through the engine (`bench seed`). Median and fastest of R runs.
#
#   cargo build --release --bins && bench/search.sh            # 100,000 numbers, 11 runs
#   bench/search.sh 300000 21
set -euo pipefail
cd "$(dirname "$0")/.."
numbers=${1:-100000}
runs=${2:-11}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
printf '[inventory]\nlimit = %s\n' "$((numbers + 1000))" >"$scratch/bench.toml"
export PHONEDESK_CONFIG="$scratch/bench.toml"
target/release/bench seed --db "$scratch/seeded" --numbers "$numbers"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| cold \`phonedesk search\` | store | median | fastest |"
echo "|---|---|---|---|"
for db in empty seeded; do
  for query in "--state AL" "--state CA" "--area-code 206"; do
    python3 - "$scratch/$db" "$runs" $query <<'PY'
import os, statistics, subprocess, sys, time
db, runs, *query = sys.argv[1:]
args = ["target/release/phonedesk", "--db", db, "search", *query, "--limit", "10"]
times = []
for _ in range(int(runs)):
    t = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, check=True)
    times.append((time.perf_counter() - t) * 1000)
label = "empty" if os.path.basename(db) == "empty" else "seeded"
print(f"| `search {' '.join(query)} --limit 10` | {label} | {statistics.median(times):.0f} ms | {min(times):.0f} ms |")
PY
  done
done
