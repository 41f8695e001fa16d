#!/usr/bin/env bash
# Issue 11's figures: `phonedesk apply` of a 10,000-row spreadsheet and `phonedesk history`
# of a number with 1,000 audit entries among 1,000,000, each a cold process as an
# administrator runs it. Seeds once through the engine (minutes; cached under
# target/issue11-bench/, delete it to seed again), then prints a markdown table.
#
#   cargo build --release --bins && bench/issue11.sh        # 1,000,000 entries, 7 runs
#   bench/issue11.sh --entries 100000 --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/issue11.py "$@"
