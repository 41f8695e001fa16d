#!/usr/bin/env bash
# The SSH benchmark: N concurrent consoles (default 10) over loopback on a store of 100,000
# numbers. Reports key press to frame latency and bytes per cursor move, per session and over
# all sessions, beside one session alone, the same console on a local pty, and the
# bare-ratatui floor of /work/shared/perf (or $PERF_DIR), all in the same run. Needs ssh, ssh-keygen, python3 with pyte (pip install pyte).
#
#   bench/ssh.sh                      # 10 sessions, 100,000 numbers, 120x40, 30 cursor moves
#   SESSIONS=4 NUMBERS=20000 SIZE=80x24 KEYS='j*50' bench/ssh.sh
#
# The seeded database is kept in target/ssh-bench/ and reused by later runs.
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${SESSIONS:-10}
NUMBERS=${NUMBERS:-100000}
SIZE=${SIZE:-120x40}
KEYS=${KEYS:-j*30}
PERF_DIR=${PERF_DIR:-$(cd .. && pwd)/shared/perf}

cargo build --release --quiet --bin phonedesk --bin bench
bin=target/release/phonedesk
cache=target/ssh-bench/db-$NUMBERS
if [ ! -d "$cache" ]; then
    echo "seeding $NUMBERS numbers into $cache (once) ..." >&2
    rm -rf "$cache.tmp"; mkdir -p target/ssh-bench
    target/release/bench seed --db "$cache.tmp" --numbers "$NUMBERS" >&2
    mv "$cache.tmp" "$cache"
fi

# Not under /tmp: the server refuses keys below a directory others can write (as sshd does).
work=$(mktemp -d -p "$PWD/target/ssh-bench")
server=
cleanup() {
    if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

cp -r "$cache" "$work/db"
rm -f "$work/db/phonedesk.lock"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$work/key"
echo "admin bench $(cat "$work/key.pub")" > "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.toml" <<TOML
[inventory]
limit = $((NUMBERS * 2))
[ssh]
listen = "127.0.0.1:$port"
host_key = "$work/host_key"
authorized_keys = "$work/authorized_keys"
max_sessions = $((SESSIONS + 4))
TOML

"$bin" --config "$work/config.toml" --db "$work/db" serve > "$work/serve.out" 2> "$work/serve.err" &
server=$!
for _ in $(seq 200); do grep -q "connect with" "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
grep -q "connect with" "$work/serve.out" || { cat "$work/serve.err" >&2; exit 1; }

rss() { awk -v k="$1:" '$1 == k {printf "%.1f", $2/1024}' "/proc/$server/status"; }
run() {
    python3 bench/ssh_bench.py --port "$port" --key "$work/key" --sessions "$1" --size "$SIZE" \
        --keys "$KEYS" --change-row "$2"
}

echo "== phonedesk serve, $NUMBERS numbers, $SIZE, keys $KEYS"
echo "-- server resident memory before any session: $(rss VmRSS) MB"
echo "-- 1 session";  run 1 1
echo "-- $SESSIONS sessions at once"; run "$SESSIONS" 2
echo "-- server resident memory: peak $(rss VmHWM) MB, after the sessions closed $(rss VmRSS) MB"
echo "-- the same console on a local pty, no SSH (a copy of the database)"
cp -r "$cache" "$work/db-local"; rm -f "$work/db-local/phonedesk.lock"
printf '[inventory]\nlimit = %d\n' $((NUMBERS * 2)) > "$work/local.toml"
python3 "$PERF_DIR/ptymeter.py" --size "$SIZE" --marker Inventory --keys "$KEYS" -- \
    "$bin" --config "$work/local.toml" --db "$work/db-local"
if [ -f "$PERF_DIR/baseline/Cargo.toml" ]; then
    # Built outside the project's own target, from the shared folder, left untouched.
    cargo build --release --quiet --manifest-path "$PERF_DIR/baseline/Cargo.toml" --target-dir target/perf-baseline
    echo "-- floor: bare ratatui baseline, $NUMBERS rows, same size and keys, local pty, no SSH"
    python3 "$PERF_DIR/ptymeter.py" --size "$SIZE" --marker Inventory --keys "$KEYS" -- \
        target/perf-baseline/release/baseline "$NUMBERS"
else
    echo "-- floor skipped: no $PERF_DIR/baseline (set PERF_DIR)"
fi
