#!/usr/bin/env bash
# The open-data datastore against Datasette, on the same table:  Benchmarks/opendata.sh
#
# Writes the 1,000,000-row, 10-column table (Benchmarks/make_table.py, about 70 MB), then
#  1. loads it ROUNDS times each with `sqlite3 .import` (the baseline: no types, no checks) and with
#     `tazakoom import dataset` (two streaming passes, type inference, typed columns, a ledger entry);
#  2. serves it with a release `tazakoom serve` and with Datasette (PyPI) on the sqlite3 import, and
#     measures a query with two filters and a page of 50, CONNECTIONS clients, DURATION per run,
#     alternated ROUNDS times: Datasette without the total (`_nocount=1`) and with it, and
#     `datastore_search` with `include_total` (CKAN's default) and without.
# Each server gets one warm-up request first (ours makes its filter index on the first filtered read).
# Prints Markdown tables. Targets (issue 16): datastore_search with the total at Datasette's no-total
# throughput or better; the load in at most twice sqlite3's time.
# TAZAKOOM_BIN: a tazakoom binary to run instead of building the release one (Benchmarks/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}; duration=${DURATION:-30s}; connections=${CONNECTIONS:-4}; rounds=${ROUNDS:-2}
for tool in wrk sqlite3 datasette; do
  command -v $tool >/dev/null || { echo "$tool is missing (apt-get install -y wrk sqlite3; pip install datasette)" >&2; exit 1; }
done
. Benchmarks/lib.sh
binary=$(tazakoom_binary)
work=$(mktemp -d /tmp/tazakoom-opendata.XXXXXX)
trap 'kill ${ours:-} ${theirs:-} 2>/dev/null; wait ${ours:-} ${theirs:-} 2>/dev/null || true; rm -rf "$work"' EXIT
python3 Benchmarks/make_table.py "$work/table.csv" "$rows"
seconds() { python3 -c 'import time; print(f"{time.time():.3f}")'; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

echo "| round | sqlite3 .import, s | tazakoom import dataset, s | ours / sqlite3 |"
echo "| ---: | ---: | ---: | ---: |"
for round in $(seq 1 "$rounds"); do
  rm -f "$work"/ds.sqlite* "$work"/tk.sqlite*
  start=$(seconds); sqlite3 "$work/ds.sqlite" ".mode csv" ".import $work/table.csv t"; end=$(seconds)
  baseline=$(elapsed "$start" "$end")
  # The platform's tables first (a fresh node's start-up), so the timing is the import alone.
  "$binary" migrate --database-url "sqlite:$work/tk.sqlite" >/dev/null 2>&1
  start=$(seconds)
  "$binary" import dataset "$work/table.csv" --name bench --organization moh --title "Benchmark table" \
    --database-url "sqlite:$work/tk.sqlite" >/dev/null 2>&1
  end=$(seconds)
  ours_load=$(elapsed "$start" "$end")
  echo "| $round | $baseline | $ours_load | $(python3 -c "print(f'{$ours_load/$baseline:.2f}')") |"
done

free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
po=$(free); pt=$(free)
"$binary" serve --port "$po" --database-url "sqlite:$work/tk.sqlite" --demo-size 20 >"$work/ours.log" 2>&1 &
ours=$!
# Datasette's default time limit (1 s) would drop the total instead of computing it.
datasette serve "$work/ds.sqlite" --port "$pt" --setting sql_time_limit_ms 30000 >"$work/theirs.log" 2>&1 &
theirs=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$po/readyz" >/dev/null && curl -fs "http://127.0.0.1:$pt/" >/dev/null && break; sleep 0.2; done
resource=$(sqlite3 "$work/tk.sqlite" "SELECT resource_id FROM opendata_datastore LIMIT 1")
filters=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("{\"region\": \"Osh\", \"year\": 2010}"))')
declare -A url=(
  [datasette_nocount]="http://127.0.0.1:$pt/ds/t.json?region=Osh&year=2010&_size=50&_nocount=1&_nofacet=1&_nosuggest=1"
  [datasette_count]="http://127.0.0.1:$pt/ds/t.json?region=Osh&year=2010&_size=50&_nofacet=1&_nosuggest=1"
  [ours_total]="http://127.0.0.1:$po/api/3/action/datastore_search?resource_id=$resource&filters=$filters&limit=50"
  [ours_nototal]="http://127.0.0.1:$po/api/3/action/datastore_search?resource_id=$resource&filters=$filters&limit=50&include_total=false"
)
for name in "${!url[@]}"; do curl -fs --max-time 120 "${url[$name]}" >/dev/null; done
python3 - "${url[datasette_count]}" "${url[ours_total]}" <<'PY'
import json, sys, urllib.request
theirs = json.load(urllib.request.urlopen(sys.argv[1]))
ours = json.load(urllib.request.urlopen(sys.argv[2]))["result"]
assert theirs["filtered_table_rows_count"] == ours["total"], (theirs["filtered_table_rows_count"], ours["total"])
assert len(theirs["rows"]) == len(ours["records"]) == 50
print(f"both answer the same: {ours['total']} matching rows, a page of 50")
PY
measure() { # url -> "rps p50 p99"
  local out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$1")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out") $(awk '$1=="99%" {print $2}' <<<"$out")"
}
echo
echo "| round | Datasette, no total: req/s (p50, p99) | Datasette, total | datastore_search, total | datastore_search, no total | ours with total / Datasette without |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq 1 "$rounds"); do
  read -r dn dn50 dn99 <<<"$(measure "${url[datasette_nocount]}")"
  read -r dc dc50 dc99 <<<"$(measure "${url[datasette_count]}")"
  read -r ot ot50 ot99 <<<"$(measure "${url[ours_total]}")"
  read -r on on50 on99 <<<"$(measure "${url[ours_nototal]}")"
  echo "| $round | $dn ($dn50, $dn99) | $dc ($dc50, $dc99) | $ot ($ot50, $ot99) | $on ($on50, $on99) | $(python3 -c "print(f'{$ot/$dn:.2f}')") |"
done
