#!/usr/bin/env bash
# Before and after for the request pipeline, in one run:  Benchmarks/pipeline.sh OLD_BINARY [NEW_BINARY]
#
# Starts the bare Hummingbird server (Benchmarks/BareServer) and each given `tazakoom` binary on a
# fresh SQLite file with the demo data, then, for ROUNDS rounds, alternates: the bare server's
# /healthz, then each binary's /healthz, /signin, / and land-subsidy submissions through the API
# (Benchmarks/submit.lua with a token of the binary's own; wrk, DURATION each, 32 connections). Prints
# requests/s, the ratio to the bare server measured just before, and each server's CPU time per
# request (user and system time of the process over the requests it answered), which drifts less
# than throughput on a shared machine; "CPU ratio" is the bare server's CPU per request over this
# binary's (the share of its cost per probe that the bare server would also pay). NEW_BINARY defaults to this tree's release build.
# Settings: ROUNDS (default 4), DURATION (default 8s).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ $# -ge 1 ] || { echo "usage: $0 OLD_BINARY [NEW_BINARY]" >&2; exit 2; }
swift build -c release --product bare-server >/dev/null
bin=$(swift build -c release --show-bin-path)
if [ $# -lt 2 ]; then swift build -c release --product tazakoom >/dev/null; fi
binaries=("$1" "${2:-$bin/tazakoom}")
work=$(mktemp -d /tmp/tazakoom-pipeline.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bare_port=$(free_port)
"$bin/bare-server" "$bare_port" >/dev/null 2>&1 &
bare=$!
pids=("$bare"); ports=()
for i in "${!binaries[@]}"; do
  ports[i]=$(free_port)
  "${binaries[i]}" serve --port "${ports[i]}" --database-url "sqlite:$work/$i.sqlite" >"$work/$i.log" 2>&1 &
  pids+=("$!")
done
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for port in "${ports[@]}"; do
  for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
done

tokens=()
for i in "${!ports[@]}"; do tokens[i]=$(scripts/issue-token "http://127.0.0.1:${ports[i]}" MOA application:write); done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measure() { # url pid [wrk options] -> "requests/s cpu-µs-per-request non-2xx"
  local before after out
  before=$(cpu_ticks "$2")
  out=$(wrk -t2 -c32 -d"${DURATION:-8s}" -H "Accept-Language: ky" "${@:3}" "$1")
  after=$(cpu_ticks "$2")
  awk -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n=$1} /Requests\/sec/ {r=$2} /Non-2xx/ {e=$5}
    END {printf "%.0f %.0f %d\n", r, (a-b)*1e6/hz/n, e}' <<<"$out"
}

echo "| round | binary | bare /healthz/s | /healthz/s | ratio | bare CPU | CPU per /healthz | CPU ratio | /signin/s | CPU per /signin | //s | CPU per / | submissions/s | CPU per submission | refused submissions |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for round in $(seq 1 "${ROUNDS:-4}"); do
  for i in "${!binaries[@]}"; do
    pid=${pids[i+1]}; base="http://127.0.0.1:${ports[i]}"
    read -r b_rps b_cpu _ < <(measure "http://127.0.0.1:$bare_port/healthz" "$bare")
    read -r h_rps h_cpu _ < <(measure "$base/healthz" "$pid")
    read -r s_rps s_cpu _ < <(measure "$base/signin" "$pid")
    read -r p_rps p_cpu _ < <(measure "$base/" "$pid")
    read -r a_rps a_cpu a_err < <(export TOKEN=${tokens[i]}; measure "$base/api/v1/registration/services/land-subsidy/applications" \
      "$pid" -s Benchmarks/submit.lua)
    ratio=$(awk -v t="$h_rps" -v b="$b_rps" 'BEGIN {printf "%.2f", t/b}')
    cpu_ratio=$(awk -v t="$h_cpu" -v b="$b_cpu" 'BEGIN {printf "%.2f", b/t}')
    echo "| $round | ${binaries[i]} | $b_rps | $h_rps | $ratio | $b_cpu µs | $h_cpu µs | $cpu_ratio | $s_rps | $s_cpu µs | $p_rps | $p_cpu µs | $a_rps | $a_cpu µs | $a_err |"
  done
done
