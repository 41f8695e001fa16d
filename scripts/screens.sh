#!/usr/bin/env bash
# Text captures of the console's main screens for docs/screens.md: a small database is
# filled through the CLI, then the console runs in tmux (100x30) and each screen is
# captured with capture-pane. Usage: scripts/screens.sh (needs tmux).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
work=$(mktemp -d)
sock="phonedesk-screens-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
cat > "$work/config.toml" <<'TOML'
[durations]
provisioning_delay = "2s"
support_response = "2s"
[carrier]
failure_rate = 0.0
TOML
bin="$PWD/target/debug/phonedesk"
export USER=ana
pd() { "$bin" --config "$work/config.toml" --db "$work/db" "$@" >/dev/null; }
nums() { "$bin" --config "$work/config.toml" --db "$work/db" --json search "$@" | python3 -c 'import json,sys; print(" ".join(x["number"] for x in json.load(sys.stdin)))'; }

pd directory accounts create Acme
pd directory users create --account acct-1 --name "Ana Lima" --email ana@example.com
pd directory users create --account acct-1 --name "Bo Chen" --email bo@example.com
pd directory voice-connectors create --name "Main trunk" --region us-east-1
pd directory voice-connectors create --name "Backup trunk" --region us-west-2
pd directory groups create --name Failover --member vc-1:1 --member vc-2:2
read -r a b c <<<"$(nums --area-code 206 --limit 3)"
read -r d e <<<"$(nums --state NY --limit 2)"
tf=$(nums --toll-free-prefix 888 --limit 1)
pd provision --product-type bc "$a" "$b" "$c"
pd provision --product-type vc "$d" "$e" "$tf"
sleep 2.5
pd run-due
pd assign "$a" --user user-1
pd assign "$d" "$tf" --voice-connector vc-1
pd assign "$e" --group vcg-1
pd calling-name default "Acme Corp"
pd calling-name set "$b" "Front Desk"
pd delete "$c" --yes
read -r p1 <<<"$(nums --area-code 312 --limit 1)"
pd support port-in "$p1" --product-type bc --btn "$p1" --authorizing-person "Ana Lima" --current-carrier "Old Telco" --service-account-number 99887766 --service-pin 4321 --service-address "1 Main St, Chicago, IL" --customer-name Acme --requested "2030-06-03 09:00" --email ana@example.com
pd support new --category technical --subject "Dropped calls" --issue "Calls drop after 5 minutes" --email ana@example.com
read -r n1 n2 <<<"$(nums --area-code 415 --limit 2)"
pd provision --product-type bc "$n1" "$n2"

tmux -L "$sock" new-session -d -x 100 -y 30 "USER=ana '$bin' --config '$work/config.toml' --db '$work/db'"
sleep 1.5
out=docs/screens.md
cat > "$out" <<'MD'
# The console, screen by screen

Text captures of the console at 100x30, made by `scripts/screens.sh` (tmux `capture-pane`)
on a small database filled through the CLI. Colours are not shown.
MD
shot() {
  local title=$1; shift
  for k in "$@"; do tmux -L "$sock" send-keys "$k"; sleep 0.3; done
  sleep 0.5
  { printf '\n## %s\n\n```text\n' "$title"; tmux -L "$sock" capture-pane -p; printf '```\n'; } >> "$out"
}
shot "Inventory" 3
shot "Inventory: details of a number" Enter
shot "Inventory: the keys of the screen (?)" Escape "?"
shot "Orders" Escape 1
shot "Pending" 2
shot "Provisioning wizard: product type" p
shot "Provisioning wizard: search" Enter Tab Tab Tab 2 0 6
shot "Provisioning wizard: results, two marked" Enter Space Space
shot "Deletion queue" Escape Escape Escape Escape 4
shot "Support" 5
shot "Support: a port-in request (secrets masked)" Enter
shot "Directory: users" Escape 6
shot "Directory: voice connectors" "]"
shot "Directory: groups" "]"
shot "Audit" 7
tmux -L "$sock" send-keys q
echo "wrote $out"
