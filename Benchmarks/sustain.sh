#!/usr/bin/env bash
# Sustained submissions, minute by minute:  Benchmarks/sustain.sh
#
# Starts a release `tazakoom serve` on a fresh SQLite file, then sends land-subsidy submissions
# (Benchmarks/submit.lua) for MINUTES minutes (default 3) with CONNECTIONS clients (default 32),
# from RESIDENTS synthetic residents (default 10,000; 0: the demo's three citizens),
# printing each minute's throughput, p50, p90 and p99, the WAL and database sizes, bytes and CPU per submission, and at the end the largest
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
# Per submission, from the server's /proc/PID/io and CPU time: bytes written and read through system
# calls (files and sockets alike), and CPU (user + system): what tells a query that grows with the data (more CPU, more reads)
# from indexes that outgrow the caches (more bytes per commit).
io() { awk '/^(rchar|wchar):/ {printf "%s ", $2}' "/proc/$server/io"; awk '{print $14 + $15}' "/proc/$server/stat"; }
ticks=$(getconf CLK_TCK)
# The growth of a counter from $1 to $2 over this minute's requests.
per() { [ "${requests:-0}" -gt 0 ] && echo $(( ($2 - $1) / requests )) || echo "?"; }
echo "| minute | submissions/s | p50 | p90 | p99 | WAL at the end | database | written per submission | read per submission | CPU per submission |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for m in $(seq 1 "$minutes"); do
  read -r read0 written0 cpu0 <<<"$(io)"
  out=$(wrk -t1 -c"$connections" -d60s --latency -s Benchmarks/submit.lua \
    "http://127.0.0.1:$port/api/v1/registration/services/land-subsidy/applications")
  read -r read1 written1 cpu1 <<<"$(io)"
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "| $m | $(awk '/Requests\/sec/ {print $2}' <<<"$out") |" \
    "$(awk '$1=="50%" {print $2}' <<<"$out") | $(awk '$1=="90%" {print $2}' <<<"$out") | $(awk '$1=="99%" {print $2}' <<<"$out") |" \
    "$(( $(stat -c %s "$work/b.sqlite-wal") / 1048576 )) MiB | $(( $(stat -c %s "$work/b.sqlite") / 1048576 )) MiB |" \
    "$(per "$written0" "$written1") B | $(per "$read0" "$read1") B |" \
    "$(( (cpu1 - cpu0) * 1000000 / ticks / ${requests:-1} )) µs |"
done
echo
echo "largest WAL seen: $(( $(sort -n "$work/wal.txt" | tail -1) / 1048576 )) MiB;" \
  "applications: $(sqlite3 "$work/b.sqlite" 'SELECT COUNT(*) FROM applications' 2>/dev/null || echo '?')"
