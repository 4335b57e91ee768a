#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and benchmarks.
#   scripts/postgres.sh start DIR   -> initdb into DIR, start on a free port, print the URL
#   scripts/postgres.sh stop DIR    -> stop it and remove DIR
#   scripts/postgres.sh down DIR    -> stop it, keeping its data (a crash or maintenance, for fault tests)
#   scripts/postgres.sh up DIR      -> start it again on the same port
# Runs the server as the 'postgres' system user when started as root (PostgreSQL refuses root).
# fsync is off (tests need no durability) unless PG_FSYNC=on (benchmarks: Benchmarks/grown.sh).
set -euo pipefail
cmd=${1:?start or stop}; dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
start)
  mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=200" >"$dir/options"
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$(cat "$dir/options")" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  ;;
stop)
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
down)
  as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
  ;;
up)
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$(cat "$dir/options")" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  ;;
*) echo "usage: $0 start|stop|down|up DIR" >&2; exit 2 ;;
esac
