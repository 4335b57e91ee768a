#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and benchmarks.
#   scripts/postgres.sh start DIR   -> initdb into DIR, start on a free port, print the URL
#   scripts/postgres.sh stop DIR    -> stop it and remove DIR
#   scripts/postgres.sh down DIR    -> stop it, keeping its data (a crash or maintenance, for fault tests)
#   scripts/postgres.sh up DIR      -> start it again on the same port
#   scripts/postgres.sh replica DIR PRIMARY_DIR -> a streaming replica (pg_basebackup -R) of the
#                                     cluster in PRIMARY_DIR, on a free port; prints its URL
# PG_TLS=on (start): TLS only, with a certificate for 127.0.0.1 signed by a throwaway CA written to
# DIR/ca.pem (clients use ?sslmode=verify-full&sslrootcert=DIR/ca.pem); connections without TLS are
# refused.
# Runs the server as the 'postgres' system user when started as root (PostgreSQL refuses root).
# fsync is off (tests need no durability) unless PG_FSYNC=on (benchmarks: Benchmarks/grown.sh).
# max_connections is 1000 (PG_MAX_CONNECTIONS): the Swift suite runs its tests at once, each test database
# with a pool of up to 10, and at 200 a slow machine's run met 'too many clients', which trips PostgresNIO's
# circuit breaker: every request then answers 503 (DatabaseUnavailable) instead of waiting for a connection.
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
  echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off} -c max_connections=${PG_MAX_CONNECTIONS:-1000}" >"$dir/options"
  if [ "${PG_TLS:-off}" = on ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Taza Koom test CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" \
      >/dev/null 2>&1
    printf "subjectAltName=IP:127.0.0.1,DNS:localhost\n" >"$dir/san.txt"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
      -extfile "$dir/san.txt" -out "$dir/server.crt" >/dev/null 2>&1
    chmod 600 "$dir/server.key"; chmod 644 "$dir/ca.pem"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/server.key" "$dir/server.crt"
    echo " -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" >>"$dir/options"
    sed -i 's/^host /hostssl /' "$dir/data/pg_hba.conf"
    tr -d '\n' <"$dir/options" >"$dir/options.one" && mv "$dir/options.one" "$dir/options"
  fi
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
replica)
  primary=${3:?the primary cluster directory}
  mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  primary_port=$(sed -n 's/^-p \([0-9]*\) .*/\1/p' "$primary/options")
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_pg "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/data" -R -X stream \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${PG_MAX_CONNECTIONS:-1000} -c hot_standby=on" \
    >"$dir/options"
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$(cat "$dir/options")" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  ;;
*) echo "usage: $0 start|stop|down|up|replica DIR [PRIMARY_DIR]" >&2; exit 2 ;;
esac
