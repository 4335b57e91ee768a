#!/usr/bin/env bash
# Submissions and page reads on a grown database, minute by minute:  Benchmarks/grown.sh
#
# 1. Starts a release `tazakoom serve` with RESIDENTS synthetic residents (default 100,000) on a
#    fresh database: SQLite by default, or DATABASE_URL (an empty PostgreSQL database, fsync on).
# 2. Measures a minute of submissions alone on the fresh database (the reference).
# 3. Grows it with submissions from all those residents until APPLICATIONS applications are stored
#    (default 1,000,000), printing progress each minute.
# 4. Measures a minute of submissions alone on the grown database, then MINUTES minutes (default
#    10) of submissions (CONNECTIONS clients, default 32) together with home-page reads (READERS
#    clients, default 8), each minute's throughput and p50/p99, the WAL and resident memory.
# Writes the tables to docs/performance-grown-ENGINE.md and the chart to docs/performance-grown-ENGINE.svg.
# KEEP=1 keeps the grown SQLite file (for scripts/explain-hot) and prints where it is; REUSE=FILE
# starts from such a file instead (no fresh-database minute, no growing if it is big enough; WARMUP
# seconds of submissions first, default 30, not counted: a node's first minute on a big file does
# one-off work, such as the first reconciliation round and the open-data figures on a cold cache).
# TAZAKOOM_BIN: a tazakoom binary to run instead of building the release one. OUT=DIR writes the
# page and chart there instead of docs/ (for a comparison that should not replace the record).
set -euo pipefail
cd "$(dirname "$0")/.."
residents=${RESIDENTS:-100000}; target=${APPLICATIONS:-1000000}; minutes=${MINUTES:-10}
connections=${CONNECTIONS:-32}; readers=${READERS:-8}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
. Benchmarks/lib.sh
binary=$(tazakoom_binary)
work=$(mktemp -d /tmp/tazakoom-grown.XXXXXX)
if [ -n "${DATABASE_URL:-}" ]; then engine=postgres; url=$DATABASE_URL; else engine=sqlite; url="sqlite:$work/g.sqlite"; fi
[ -n "${REUSE:-}" ] && ln -s "$(realpath "$REUSE")" "$work/g.sqlite"
query() { # SQL -> the first column of each row
  if [ "$engine" = sqlite ]; then sqlite3 "$work/g.sqlite" "$1"; else psql -Atq "$url" -c "$1"; fi
}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# A checkpoint file of its own: the default one in the working directory belongs to another database.
LOG_LEVEL=warning "$binary" serve --port "$port" --database-url "$url" --demo-size "$residents" \
  --checkpoint-file "$work/ledger.checkpoint" >"$work/server.log" 2>&1 &
server=$!
if [ -n "${KEEP:-}" ]; then
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; echo "kept: $work" >&2' EXIT
else
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
fi
echo "== starting with $residents residents ($engine)" >&2
for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$port"
TOKEN=$(scripts/issue-token "$base" MOA application:write)
PINS="$work/pins.txt"
query "SELECT record_key FROM rr_population ORDER BY record_key LIMIT $residents" >"$PINS"
export TOKEN PINS
submit_url="$base/api/v1/registration/services/land-subsidy/applications"

run() { # seconds connections url [wrk options] -> "rps p50 p99 non2xx"
  local out
  out=$(wrk -t1 -c"$2" -d"$1"s --latency "${@:4}" "$3")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out") $(awk '/Non-2xx/ {print $5}' <<<"$out" | grep . || echo 0)"
}
# SQLite follows a symbolic link (REUSE): the log is beside the file it points to.
wal() { stat -c %s "$(realpath "$work/g.sqlite")-wal" 2>/dev/null | awk '{printf "%d MiB", $1/1048576}' || echo "-"; }
[ "$engine" = postgres ] && wal() { echo "-"; }
rss() { awk '/VmRSS/ {printf "%d MiB", $2/1024}' "/proc/$server/status"; }

if [ -z "${REUSE:-}" ]; then
  echo "== a minute of submissions alone, fresh database" >&2
  read -r fresh_rps fresh_p50 fresh_p99 fresh_err < <(run 60 "$connections" "$submit_url" -s Benchmarks/submit.lua)
  echo "   $fresh_rps/s, p50 $fresh_p50, p99 $fresh_p99" >&2
else
  read -r fresh_rps fresh_p50 fresh_p99 fresh_err <<<"${FRESH:-1} - - -"
  if [ "${WARMUP:-30}" -gt 0 ]; then
    echo "== ${WARMUP:-30} s of submissions after the start, not counted" >&2
    run "${WARMUP:-30}" "$connections" "$submit_url" -s Benchmarks/submit.lua >/dev/null
  fi
fi
echo "== growing to $target applications" >&2
count=$(query "SELECT COUNT(*) FROM applications")
while [ "$count" -lt "$target" ]; do
  read -r g_rps _ g_p99 _ < <(run 60 64 "$submit_url" -s Benchmarks/submit.lua)
  count=$(query "SELECT COUNT(*) FROM applications")
  echo "   $count of $target applications ($g_rps/s, p99 $g_p99)" >&2
done
ledger=$(query "SELECT size FROM ledger_state" 2>/dev/null | head -1 || echo "?")
echo "== a minute of submissions alone, grown database" >&2
read -r grown_rps grown_p50 grown_p99 grown_err < <(run 60 "$connections" "$submit_url" -s Benchmarks/submit.lua)
echo "   $grown_rps/s, p50 $grown_p50, p99 $grown_p99" >&2

echo "== $minutes minutes of submissions with page reads" >&2
rows=""; csv="minute,submissions,p99,reads"
for m in $(seq 1 "$minutes"); do
  run 60 "$readers" "$base/" -H "Accept-Language: ru" >"$work/reads.txt" &
  reader=$!
  read -r s_rps s_p50 s_p99 s_err < <(run 60 "$connections" "$submit_url" -s Benchmarks/submit.lua)
  wait $reader
  read -r r_rps r_p50 r_p99 r_err <"$work/reads.txt"
  rows+="| $m | $s_rps | $s_p50 | $s_p99 | $r_rps | $r_p50 | $r_p99 | $(wal) | $(rss) | $((s_err + r_err)) |"$'\n'
  csv+=$'\n'"$m,$s_rps,$s_p99,$r_rps"
  echo "   minute $m: submissions $s_rps/s p99 $s_p99, reads $r_rps/s p99 $r_p99" >&2
done
count=$(query "SELECT COUNT(*) FROM applications")
ratio() { python3 -c "print(f'{float($1)/float($2):.2f}')"; }
mixed_mean=$(awk -F, 'NR>1 {s+=$2; n++} END {printf "%.0f", s/n}' <<<"$csv")

mkdir -p "${OUT:-docs}"
page=${OUT:-docs}/performance-grown-$engine.md
chart=${OUT:-docs}/performance-grown-$engine.svg
cat >"$page" <<MD
# Performance on a grown database ($engine)

Measured by \`Benchmarks/grown.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores, release build, wrk on loopback sharing
the cores. $residents synthetic residents; land-subsidy submissions through the GovStack Registration API
(\`Benchmarks/submit.lua\`, applicants spread over all residents), $connections clients; page reads: the home page in
Russian, $readers clients.

| submissions alone, $connections clients | requests/s | p50 | p99 | non-2xx |
| --- | ---: | ---: | ---: | ---: |
| fresh database | $fresh_rps | $fresh_p50 | $fresh_p99 | $fresh_err |
| grown: $target+ applications, ledger of $ledger entries | $grown_rps | $grown_p50 | $grown_p99 | $grown_err |

Grown against fresh: **$(ratio "$grown_rps" "$fresh_rps")** of the throughput (target: 0.80 or more; p99 under 50 ms on
SQLite, 100 ms on PostgreSQL). Under mixed load submissions averaged $mixed_mean/s: **$(ratio "$mixed_mean" "$grown_rps")** of
their throughput alone on the same database (target: 0.50 or more).

Submissions with page reads, minute by minute ($count applications at the end):

| minute | submissions/s | p50 | p99 | page reads/s | p50 | p99 | WAL | resident memory | non-2xx |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
$rows
![Submissions and page reads per minute]($(basename "$chart"))
MD
python3 Benchmarks/chart.py "$chart" <<<"$csv"
cat "$page"
