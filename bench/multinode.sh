#!/usr/bin/env bash
# The multi-node benchmark: two `serve` nodes on one throwaway PostgreSQL holding 1,000,000
# numbers; actions per second from 10 SSH sessions at once, the cross-node delay (a change
# acknowledged on node A to its line on node B's `watch`), and the console's first frame
# and per-key time on PostgreSQL against sled in the same run. See bench/multinode.py.
#
#   bench/multinode.sh                           # 1,000,000 numbers, 10 sessions
#   bench/multinode.sh --numbers 100000 --sessions 4 --actions 20 --runs 1
#
# The PostgreSQL cluster is kept in target/multinode-bench/pg-N and reused by later runs
# (delete it to copy the seed again).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/multinode.py "$@"
