#!/usr/bin/env bash
# The soak: every module's traffic at once for MINUTES minutes (default 10) after WARMUP minutes
# (default 4) of the same traffic, on one engine:
#   Benchmarks/soak.sh                       (SQLite, a fresh file)
#   ENGINE=postgres Benchmarks/soak.sh       (PostgreSQL, a throwaway cluster of its own, fsync on)
#
# Node A is the platform under test: the registration service's node with RESIDENTS residents
# (default 10,000), the exchange operator and provider of the population registry, publishing its
# open data. Node B (SQLite) is the tax service's node, a client of the exchange. Each minute, in
# parallel and each with its own clients:
#   - application submissions to A (Benchmarks/submit.lua, 8 clients);
#   - anonymous reads of A's pages, CKAN search and datastore, ledger, alerts (Benchmarks/pages.lua, 4);
#   - registry reads on A's API (Benchmarks/exchange.lua direct, 4);
#   - the same reads through the exchange, B → A (Benchmarks/exchange.lua relay, 4);
#   - petition signatures and withdrawals by the demo citizens (Benchmarks/soak_signatures.py).
# A's resident memory (VmRSS) is sampled every 5 s. Prints a Markdown table by minute and the
# memory verdict (the end against the end of the first measured minute, within 10%), and writes
# the figures to OUT (default /tmp/soak-ENGINE.csv) for Benchmarks/soak_chart.py.
# TAZAKOOM_BIN: a tazakoom binary to run instead of building the release one.
# Why a warm-up: SQLite's page cache (Database.defaultSQLiteCacheKiB per database file) and the
# operating system's file cache fill as the growing database is read; the warm-up minutes are in
# the table and the chart, marked, so the filling is visible.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${ENGINE:-sqlite}; minutes=${MINUTES:-10}; warmup=${WARMUP:-4}; residents=${RESIDENTS:-10000}
out=${OUT:-/tmp/soak-$engine.csv}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
. Benchmarks/lib.sh
binary=$(tazakoom_binary)
work=$(mktemp -d /tmp/tazakoom-soak.XXXXXX)
chmod 755 "$work"
cleanup() {
  kill ${a:-} ${b:-} ${signer:-} ${sampler:-} 2>/dev/null || true
  wait ${a:-} ${b:-} 2>/dev/null || true
  [ "$engine" = postgres ] && scripts/postgres.sh stop "$work/pg"
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
if [ "$engine" = postgres ]; then
  database=$(PG_FSYNC=on scripts/postgres.sh start "$work/pg")
  sql() { psql -qAt "$database" -c "$1"; }
else
  database="sqlite:$work/a.sqlite"
  sql() { sqlite3 "$work/a.sqlite" "$1"; }
fi
echo "== starting node A ($engine, $residents residents) and node B" >&2
. Benchmarks/two-agencies.sh
# Node A's token for submissions and direct registry reads (B's token, relay_token, is bound to
# TAXSYS): one token, since a second sign-in of the administrator within 30 s would reuse its code.
submit_token=$(scripts/issue-token "http://127.0.0.1:$pa" SRS application:write registry:read)
direct_token=$submit_token
# The published datasets: wait for the first publication, then take a resource of the first one.
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$pa/api/3/action/package_list" | grep -q '"result":\["' && break; sleep 0.2
done
dataset=$(curl -fs "http://127.0.0.1:$pa/api/3/action/package_list" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"][0])')
resource=$(curl -fs "http://127.0.0.1:$pa/api/3/action/package_show?id=$dataset" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["resources"][0]["id"])')
petition=$(curl -fs "http://127.0.0.1:$pa/participation" | grep -o 'href="/petitions/[0-9a-f-]\{36\}"' | head -1 | cut -d'"' -f2)
cat >"$work/pages.txt" <<EOF
/
/services
/services/land-subsidy
/participation
$petition
/api/v1/petitions/${petition#/petitions/}
/programme
/alerts
/api/alerts
/datasets
/datasets/$dataset
/api/3/action/package_search?q=applications&rows=10
/api/3/action/datastore_search?resource_id=$resource&limit=50
/ledger
/ledger/checkpoint
/performance
EOF

(while kill -0 $a 2>/dev/null; do
  echo "$(date +%s) $(awk '/VmRSS/ {print $2}' /proc/$a/status)"; sleep 5
done) >"$work/rss.txt" &
sampler=$!
python3 Benchmarks/soak_signatures.py "http://127.0.0.1:$pa" "$work/signatures.txt" $(((warmup + minutes) * 60 + 5)) \
  2>"$work/signer.log" &
signer=$!
rate() { awk '/Requests\/sec/ {print $2}' "$1"; }
rss_now() { echo $(( $(awk '/VmRSS/ {print $2}' /proc/$a/status) / 1024 )); }
signed_before=0
echo "minute,phase,submissions,submissions_p99,pages,registry,relay,signatures,rss_mib" >"$out"
echo "| minute | submissions/s | p99 | pages/s | registry/s | relayed/s | signatures/s | errors | A's memory |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $(seq 1 $((warmup + minutes))); do
  if [ "$n" -le "$warmup" ]; then m="warm-up $n"; phase=warmup; else m=$((n - warmup)); phase=measured; fi
  TOKEN=$submit_token PINS="$work/pins.txt" wrk -t1 -c8 -d60s --latency -s Benchmarks/submit.lua \
    "http://127.0.0.1:$pa/api/v1/registration/services/land-subsidy/applications" >"$work/submit.txt" &
  streams=$!
  PAGES="$work/pages.txt" wrk -t1 -c4 -d60s -s Benchmarks/pages.lua "http://127.0.0.1:$pa" >"$work/pages.out" &
  streams="$streams $!"
  MODE=direct TOKEN=$direct_token PINS="$work/pins.txt" wrk -t1 -c4 -d60s -s Benchmarks/exchange.lua \
    "http://127.0.0.1:$pa" >"$work/direct.txt" &
  streams="$streams $!"
  MODE=relay TOKEN=$relay_token PINS="$work/pins.txt" wrk -t1 -c4 -d60s -s Benchmarks/exchange.lua \
    "http://127.0.0.1:$pb" >"$work/relay.txt" &
  wait $streams $!
  read -r signed _ <"$work/signatures.txt"
  signatures=$(python3 -c "print(round(($signed - $signed_before) / 60, 1))"); signed_before=$signed
  errors=$(cat "$work/submit.txt" "$work/pages.out" "$work/direct.txt" "$work/relay.txt" \
    | awk '/Non-2xx or 3xx responses/ {n += $5} END {print n + 0}')
  p99=$(awk '$1=="99%" {print $2}' "$work/submit.txt")
  echo "$n,$phase,$(rate "$work/submit.txt"),$p99,$(rate "$work/pages.out"),$(rate "$work/direct.txt"),$(rate "$work/relay.txt"),$signatures,$(rss_now)" >>"$out"
  echo "| $m | $(rate "$work/submit.txt") | $p99 | $(rate "$work/pages.out") | $(rate "$work/direct.txt") |" \
    "$(rate "$work/relay.txt") | $signatures | $errors | $(rss_now) MiB |"
done
start=$(sed -n 2p "$out" | cut -d, -f9)
first=$(grep ',measured,' "$out" | head -1 | cut -d, -f9); last=$(tail -1 "$out" | cut -d, -f9)
echo
echo "A's resident memory: $start MiB after the first warm-up minute;" \
  "$first MiB after the first measured minute, $last MiB at the end" \
  "($(python3 -c "print(f'{($last - $first) / $first * 100:+.1f}')")%; target: within 10%);" \
  "largest sample $(( $(sort -k2 -n "$work/rss.txt" | tail -1 | cut -d' ' -f2) / 1024 )) MiB;" \
  "applications stored: $(sql 'SELECT COUNT(*) FROM applications'); petition signatures and withdrawals answered, refused: $(cat "$work/signatures.txt")"
