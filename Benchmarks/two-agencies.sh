# Sourced by Benchmarks/exchange.sh and Benchmarks/soak.sh: two release nodes on loopback, set up
# as docs/exchange.md describes. Node A ("$database", RESIDENTS residents) is the registration
# service: the exchange operator and provider of the population registry. Node B (SQLite) is the
# tax service's, whose TAXSYS subsystem may read it. Needs: $binary, $work, $database, $residents,
# a function sql QUERY that queries A's database. Sets: $pa $pb (ports), $a $b (processes),
# $relay_token (B's token bound to TAXSYS); writes A's residents' PINs to $work/pins.txt.
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pa=$(free); pb=$(free)
"$binary" serve --port "$pa" --database-url "$database" --demo-size "$residents" \
  --exchange-member KG/GOV/70000001 --exchange-name "State Registration Service" --exchange-operator \
  --exchange-refresh 1 --checkpoint-file "$work/a.checkpoint" >"$work/a.log" 2>&1 &
a=$!
for _ in $(seq 1 1500); do curl -fs "http://127.0.0.1:$pa/readyz" >/dev/null && break; sleep 0.2; done
key=$(curl -fs "http://127.0.0.1:$pa/exchange/operator-key")
"$binary" exchange offer KG/GOV/70000001/POPULATION/people --backend registry:population --agency SRS \
  --database-url "$database" >/dev/null
"$binary" exchange grant KG/GOV/70000001/POPULATION/people KG/GOV/70000002/TAXSYS --method GET \
  --database-url "$database" >/dev/null
"$binary" serve --port "$pb" --database-url "sqlite:$work/b.sqlite" --demo-size 20 \
  --exchange-member KG/GOV/70000002 --exchange-name "State Tax Service" \
  --exchange-operator-url "http://127.0.0.1:$pa" --exchange-operator-key "$key" --exchange-refresh 1 \
  --checkpoint-file "$work/b.checkpoint" >"$work/b.log" 2>&1 &
b=$!
for _ in $(seq 1 1000); do curl -fs "http://127.0.0.1:$pb/readyz" >/dev/null && break; sleep 0.2; done
relay_token=$(scripts/issue-token "http://127.0.0.1:$pb" STS registry:read)
"$binary" exchange bind TAXSYS --token "$relay_token" --database-url "sqlite:$work/b.sqlite" >/dev/null
for _ in $(seq 1 100); do
  sql "SELECT entry FROM exchange_members WHERE id = 'KG/GOV/70000002'" | grep -q TAXSYS && break
  sleep 0.3
done
"$binary" exchange approve KG/GOV/70000002 --database-url "$database" >/dev/null
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$pb/listClients" | grep -q '"subsystem_code":"TAXSYS"' && break; sleep 0.3
done
sql "SELECT record_key FROM rr_population ORDER BY record_key" >"$work/pins.txt"
