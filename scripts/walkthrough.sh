#!/usr/bin/env bash
# Runs the seed's procedures through the CLI on a fresh database with short durations and
# writes the real output to docs/walkthrough.md. Usage: scripts/walkthrough.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/config.toml" <<'TOML'
[durations]
provisioning_delay = "2s"
name_update = "4s"
support_response = "2s"
porting_min = "3s"
porting_max = "4s"
[carrier]
failure_rate = 0.0
TOML
bin="$PWD/target/debug/phonedesk"
out=docs/walkthrough.md
export USER=ana
pd() { "$bin" --config "$work/config.toml" --db "$work/db" "$@"; }
step() { printf '\n%s\n\n' "$*" >> "$out"; }
run() {
  {
    printf '```console\n$ phonedesk'
    for a in "$@"; do
      if [[ $a =~ [^A-Za-z0-9_+@.:/=,-] ]]; then printf ' "%s"' "$a"; else printf ' %s' "$a"; fi
    done
    printf '\n'
  } >> "$out"
  pd "$@" >> "$out" 2>&1 || true
  printf '```\n' >> "$out"
}
json() { pd --json "$@"; }

cat > "$out" <<'MD'
# A walk through the seed with the command line

Real output of `scripts/walkthrough.sh`, which runs every procedure of the seed on a fresh
database with short durations (provisioning 2 s, name updates 4 s, support answers 2 s,
ports 3-4 s; the cooldowns and the deletion window keep the seed's 7 days). Numbers come
from the simulated carrier, so they differ with its seed.
MD

step "## Provisioning phone numbers"
step "Search by area code, state, city or toll-free prefix, then order:"
run search --area-code 206 --limit 3
read -r n1 n2 < <(json search --area-code 206 --limit 2 | python3 -c 'import json,sys; print(" ".join(x["number"] for x in json.load(sys.stdin)))')
tf=$(json search --toll-free-prefix 888 --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["number"])')
run provision --product-type business-calling "$n1"
run provision --product-type voice-connector "$n2" "$tf"
step "The numbers wait in Pending until the carrier completes the order:"
run numbers list --place pending
sleep 2.5
run orders list
run numbers list
step "Toll-free numbers are never Business Calling, and the inventory holds 25 numbers by default:"
run switch-product-type "$tf" --to business-calling
run provision --product-type voice-connector --state WA --limit 23

step "## The directory: accounts, users, voice connectors, groups"
run directory accounts create Acme
run directory users create --account acct-1 --name "Ana Lima" --email ana@example.com
run directory voice-connectors create --name "Main trunk" --region us-east-1
run directory groups create --name "Failover" --member vc-1:1

step "## Assigning, reassigning, unassigning"
run assign "$n1" --user user-1
run directory users edit user-1 --calling on --sms on
run assign "$n2" --user user-1
run assign "$n2" "$tf" --voice-connector vc-1
run reassign "$tf" --group vcg-1
run numbers show "$n1"
run unassign "$n1" --yes

step "## Switching product types"
run switch-product-type "$tf" --to business-calling
run switch-product-type "$n1" --to voice-connector
run switch-product-type "$n1" --to business-calling

step "## Calling names"
run calling-name default "Acme Corp"
run calling-name default "Acme Inc"
run calling-name set "$n1" "Front Desk"
run calling-name set "$n1" "Reception"
run calling-name set "$n1" "Acme, Inc."
run calling-name set "$n1" "A Name Far Too Long"
sleep 4.5
run calling-name show

step "## Deleting and restoring"
run delete "$n2" --yes
run delete "$n1" --yes
run deletion-queue
run restore "$n1"

step "## Porting numbers in and out"
read -r p1 p2 < <(json search --area-code 312 --limit 2 | python3 -c 'import json,sys; print(" ".join(x["number"] for x in json.load(sys.stdin)))')
run support port-in +14165550123 --product-type business-calling --btn +13125550100 --authorizing-person "Ana Lima" --service-address "1 Main St, Chicago, IL" --customer-name Acme --requested "2030-06-03 09:00" --email ana@example.com
run support port-in "$p1" "$p2" --product-type voice-connector --btn "$p1" --authorizing-person "Ana Lima" --current-carrier "Old Telco" --service-account-number 99887766 --service-pin 4321 --service-address "1 Main St, Chicago, IL" --customer-name Acme --requested "2030-06-03 09:00" --voice-connector vc-1 --email ana@example.com
run numbers list --place pending
sleep 2.5
run support show req-1
run support loa req-1 --carrier "Old Telco" --authorizing-person "Bo Chen" --btn "$p1" --service-address "1 Main St, Chicago, IL"
run support loa req-1 --carrier "Old Telco" --authorizing-person "Ana Lima" --btn "$p1" --service-address "1 Main St, Chicago, IL"
sleep 4.5
run support show req-1
run support port-out "$n2" --product-type voice-connector --email ana@example.com
sleep 2.5
run support show req-2
sleep 4.5
run support list
step "Once ported out, the number is only unassigned and deleted:"
run calling-name set "$n2" "Old Line"
run unassign "$n2" --yes
run delete "$n2" --yes

step "## A plain support request, the audit log, export and check"
run support new --category technical --subject "Dropped calls" --issue "Calls on the main trunk drop after 5 minutes" --email ana@example.com
run audit --limit 8
run export --format csv
run check
echo "wrote $out"
