#!/usr/bin/env bash
# The console benchmark: phonedesk's Inventory with 100,000 numbers against the bare-ratatui
# floor of ../shared/perf, in the same run. Prints a markdown table (see docs/performance.md).
#
#   bench/tui.sh                  # 100,000 numbers, 3 runs of each case
#   bench/tui.sh --runs 5 --numbers 20000
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 bench/tui.py "$@"
