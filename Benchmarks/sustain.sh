#!/usr/bin/env bash
# Sustained submissions, minute by minute:  Benchmarks/sustain.sh
#
# Starts a release `tazakoom serve` on a fresh SQLite file, then sends land-subsidy submissions
# (Benchmarks/submit.lua) for MINUTES minutes (default 3) with CONNECTIONS clients (default 32),
# from RESIDENTS synthetic residents (default 10,000; 0: the demo's three citizens),
# printing each minute's throughput and p99, the WAL and database sizes, and at the end the largest
# WAL seen (sampled every 2 s): costs that grow with the data show up here, not in 10 s runs.
# TAZAKOOM_BIN: a tazakoom binary to run instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${MINUTES:-3}; connections=${CONNECTIONS:-32}; residents=${RESIDENTS:-10000}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
. Benchmarks/lib.sh
binary=$(tazakoom_binary)
work=$(mktemp -d /tmp/tazakoom-sustain.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LOG_LEVEL=info "$binary" serve --port "$port" --database-url "sqlite:$work/b.sqlite" --demo-size "$residents" \
  >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 1000); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
TOKEN=$(scripts/issue-token "http://127.0.0.1:$port" MOA application:write)
PINS=""
if [ "$residents" -gt 0 ]; then
  PINS="$work/pins.txt"
  sqlite3 "$work/b.sqlite" "SELECT record_key FROM rr_population ORDER BY record_key LIMIT $residents" >"$PINS"
fi
export TOKEN PINS
(while kill -0 $server 2>/dev/null; do stat -c %s "$work/b.sqlite-wal" 2>/dev/null || echo 0; sleep 2; done) >"$work/wal.txt" &
echo "| minute | submissions/s | p99 | WAL at the end | database |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for m in $(seq 1 "$minutes"); do
  out=$(wrk -t1 -c"$connections" -d60s --latency -s Benchmarks/submit.lua \
    "http://127.0.0.1:$port/api/v1/registration/services/land-subsidy/applications")
  echo "| $m | $(awk '/Requests\/sec/ {print $2}' <<<"$out") | $(awk '$1=="99%" {print $2}' <<<"$out") |" \
    "$(( $(stat -c %s "$work/b.sqlite-wal") / 1048576 )) MiB | $(( $(stat -c %s "$work/b.sqlite") / 1048576 )) MiB |"
done
echo
echo "largest WAL seen: $(( $(sort -n "$work/wal.txt" | tail -1) / 1048576 )) MiB;" \
  "applications: $(sqlite3 "$work/b.sqlite" 'SELECT COUNT(*) FROM applications' 2>/dev/null || echo '?')"
