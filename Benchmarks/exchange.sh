#!/usr/bin/env bash
# Relay throughput of the exchange layer:  Benchmarks/exchange.sh
#
# Two release `tazakoom serve` nodes on loopback, as in docs/exchange.md: the registration
# service's (operator, provider of the population registry, RESIDENTS residents) and the tax
# service's (client). Reads of random residents' records for DURATION each, CONNECTIONS clients,
# ROUNDS times alternated: directly from the registry's API on the provider's node, and through
# the exchange (client's node → provider's node → the same registry). Both do the same registry
# read and log it for the person; the relay adds two signed hops and a logged, ledgered message on
# each node. Prints a Markdown table (requests/s, p50, p99, and relay against direct).
# TAZAKOOM_BIN: a tazakoom binary to run instead of building the release one (Benchmarks/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-60s}; connections=${CONNECTIONS:-32}; rounds=${ROUNDS:-2}; residents=${RESIDENTS:-10000}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
. Benchmarks/lib.sh
binary=$(tazakoom_binary)
work=$(mktemp -d /tmp/tazakoom-exchange.XXXXXX)
database="sqlite:$work/a.sqlite"
sql() { sqlite3 "$work/a.sqlite" "$1"; }
trap 'kill ${a:-} ${b:-} 2>/dev/null; wait ${a:-} ${b:-} 2>/dev/null; rm -rf "$work"' EXIT
. Benchmarks/two-agencies.sh
direct_token=$(scripts/issue-token "http://127.0.0.1:$pa" SRS registry:read)
export PINS="$work/pins.txt"

measure() { # mode port token -> "rps p50 p99 non2xx"
  local out
  out=$(MODE=$1 TOKEN=$3 wrk -t1 -c"$connections" -d"$duration" --latency -s Benchmarks/exchange.lua \
    "http://127.0.0.1:$2")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out") $(awk '/Non-2xx/ {print $5}' <<<"$out")"
}
echo "| round | direct: reads/s | p50 | p99 | through the exchange: reads/s | p50 | p99 | relay / direct | non-2xx |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq 1 "$rounds"); do
  read -r d_rps d_p50 d_p99 d_err < <(measure direct "$pa" "$direct_token")
  read -r r_rps r_p50 r_p99 r_err < <(measure relay "$pb" "$relay_token")
  echo "| $round | $d_rps | $d_p50 | $d_p99 | $r_rps | $r_p50 | $r_p99 |" \
    "$(python3 -c "print(f'{float($r_rps)/float($d_rps):.2f}')") | $(( ${d_err:-0} + ${r_err:-0} )) |"
done
echo
echo "messages logged: client node $(sqlite3 "$work/b.sqlite" 'SELECT COUNT(*) FROM exchange_messages')," \
  "provider node $(sqlite3 "$work/a.sqlite" 'SELECT COUNT(*) FROM exchange_messages');" \
  "provider ledger $(sqlite3 "$work/a.sqlite" 'SELECT COUNT(*) FROM ledger_entries' 2>/dev/null || echo '?') entries"
