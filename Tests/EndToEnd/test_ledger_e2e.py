"""The transparency ledger end to end: real servers, the auditor's command line, tampering,
kill -9 during appends, and two nodes appending to one PostgreSQL."""
import os
import sqlite3
import subprocess
import threading
import time

import requests

from conftest import Server, issue_token, register, tazakoom


def wait_for_checkpoint(url, size, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        r = requests.get(url + "/ledger/checkpoint")
        if r.status_code == 200 and int(r.text.split("\n")[1]) >= size:
            return r.text
        time.sleep(0.3)
    raise AssertionError(f"no checkpoint of size {size} within {seconds}s")


def test_audit_over_http_and_database_receipts_and_tampering(workdir):
    db = f"sqlite:{workdir}/tk.sqlite"
    server = Server(db, os.path.join(workdir, "server.log"), "--checkpoint-interval", "1")
    try:
        token = issue_token(server.url)
        indexes = [register(server.url, token, n) for n in range(40)]
        assert None not in indexes
        wait_for_checkpoint(server.url, max(indexes) + 1)
        key = requests.get(server.url + "/ledger/key").text.strip()
        out = tazakoom("ledger", "verify", "--url", server.url, "--key", key)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("valid:")
        receipt = requests.get(f"{server.url}/ledger/receipt/{indexes[7]}").text
        tmp = os.path.join(workdir, "r.tlog-proof")
        open(tmp, "w").write(receipt)
        ok = tazakoom("ledger", "verify-receipt", tmp, "--key", key)
        assert ok.returncode == 0 and "identity.person.registered" in ok.stdout, ok.stderr
        open(tmp, "w").write(receipt.replace(f"index {indexes[7]}", f"index {indexes[8]}"))
        bad = tazakoom("ledger", "verify-receipt", tmp, "--key", key)
        assert bad.returncode == 1 and bad.stderr.startswith("invalid:")
    finally:
        server.stop()

    assert tazakoom("ledger", "verify", "--database-url", db).returncode == 0
    victim = indexes[5]
    with sqlite3.connect(f"{workdir}/tk.sqlite") as c:
        c.execute("UPDATE ledger_entries SET body = CAST(replace(CAST(body AS TEXT), 'person:', 'persoN:') AS BLOB) WHERE idx = ?", (victim,))
    out = tazakoom("ledger", "verify", "--database-url", db)
    assert out.returncode == 1
    assert f"index {victim}" in out.stderr, out.stderr
    refused = tazakoom("ledger", "sign", "--database-url", db)
    assert refused.returncode == 1 and f"index {victim}" in refused.stderr


def test_restored_backup_behind_a_signed_checkpoint_does_not_start(workdir):
    db_path = f"{workdir}/tk.sqlite"
    server = Server(f"sqlite:{db_path}", os.path.join(workdir, "server.log"), "--checkpoint-interval", "1")
    try:
        token = issue_token(server.url)
        first = register(server.url, token, 1)
        wait_for_checkpoint(server.url, first + 1)
        backup = sqlite3.connect(f"{workdir}/backup.sqlite")
        with sqlite3.connect(db_path) as live:
            live.backup(backup)
        backup.close()
        last = max(register(server.url, token, n) for n in range(2, 6))
        wait_for_checkpoint(server.url, last + 1)  # signed and remembered beyond the backup
    finally:
        server.stop()
    os.replace(f"{workdir}/backup.sqlite", db_path)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(db_path + suffix):
            os.remove(db_path + suffix)
    out = subprocess.run([conftest_binary(), "serve", "--port", "0", "--database-url", f"sqlite:{db_path}",
                          "--checkpoint-file", os.path.join(workdir, "server.log.checkpoint")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "restored backup" in (out.stdout + out.stderr)


def conftest_binary():
    from conftest import BINARY
    return BINARY


def hammer(url, token, start, count, acknowledged, stop):
    for n in range(start, start + count):
        if stop.is_set():
            return
        index = register(url, token, n)
        if index is not None:
            acknowledged.append(index)


def crash_and_recover(database_url, workdir):
    log = os.path.join(workdir, "server.log")
    server = Server(database_url, log, "--checkpoint-interval", "1")
    token = issue_token(server.url)
    acknowledged, stop = [], threading.Event()
    threads = [threading.Thread(target=hammer, args=(server.url, token, 1000 * t, 1000, acknowledged, stop)) for t in range(8)]
    for t in threads:
        t.start()
    time.sleep(3)
    server.kill()  # mid-flight: clients are still appending
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) > 20, "the clients got some appends through before the kill"
    server = Server(database_url, log, "--checkpoint-interval", "0", port=server.port)
    try:
        for index in acknowledged:
            entry = requests.get(f"{server.url}/ledger/entries/{index}")
            assert entry.status_code == 200, f"acknowledged entry {index} is lost"
            assert entry.json()["event"]["kind"] == "identity.person.registered"
    finally:
        server.stop()
    out = tazakoom("ledger", "verify", "--database-url", database_url)
    assert out.returncode == 0, out.stderr
    assert len(set(acknowledged)) == len(acknowledged), "no index was handed out twice"


def test_kill_9_during_appends_loses_no_acknowledged_entry_sqlite(workdir):
    crash_and_recover(f"sqlite:{workdir}/tk.sqlite", workdir)


def test_kill_9_during_appends_loses_no_acknowledged_entry_postgres(postgres_database, workdir):
    crash_and_recover(postgres_database, workdir)


def test_two_nodes_append_to_one_log(postgres_database, workdir):
    a = Server(postgres_database, os.path.join(workdir, "a.log"), "--checkpoint-interval", "1")
    b = Server(postgres_database, os.path.join(workdir, "b.log"), "--checkpoint-interval", "1")
    try:
        token = issue_token(a.url)
        acknowledged, stop = [], threading.Event()
        threads = [threading.Thread(target=hammer, args=(node.url, token, 1000 * t, 60, acknowledged, stop))
                   for t, node in enumerate([a, b, a, b, a, b])]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(acknowledged) == 360
        first = min(acknowledged)  # after the start-up entries (registries) and the token's own
        assert sorted(acknowledged) == list(range(first, first + 360)), "dense, gap-free, no duplicates across nodes"
        size = first + 360
        wait_for_checkpoint(a.url, size)
        key = requests.get(a.url + "/ledger/key").text.strip()
        assert requests.get(b.url + "/ledger/key").text.strip() == key, "both nodes sign with the same key"
        for node in (a, b):
            out = tazakoom("ledger", "verify", "--url", node.url, "--key", key)
            assert out.returncode == 0, out.stderr
    finally:
        a.stop()
        b.stop()
    assert tazakoom("ledger", "verify", "--database-url", postgres_database).returncode == 0


def test_tampering_on_postgres_is_named_by_the_command_line(postgres_database, workdir):
    server = Server(postgres_database, os.path.join(workdir, "server.log"), "--checkpoint-interval", "1")
    try:
        token = issue_token(server.url)
        indexes = [register(server.url, token, n) for n in range(12)]
        wait_for_checkpoint(server.url, max(indexes) + 1)
    finally:
        server.stop()
    assert tazakoom("ledger", "verify", "--database-url", postgres_database).returncode == 0
    subprocess.run(["psql", postgres_database, "-q", "-c", f"DELETE FROM ledger_entries WHERE idx = {indexes[4]}"], check=True)
    out = tazakoom("ledger", "verify", "--database-url", postgres_database)
    assert out.returncode == 1 and f"index {indexes[4]}" in out.stderr, out.stderr
    refused = tazakoom("ledger", "sign", "--database-url", postgres_database)
    assert refused.returncode == 1


def test_reconcile_names_a_record_edited_with_sql(workdir):
    import sqlite3
    db = os.path.join(workdir, "reconcile.sqlite")
    server = Server("sqlite:" + db, os.path.join(workdir, "server.log"))
    server.stop()
    out = tazakoom("ledger", "reconcile", "--database-url", db)
    assert out.returncode == 0 and out.stdout.startswith("reconciled:"), out.stdout + out.stderr
    with sqlite3.connect(db) as conn:
        key = conn.execute("SELECT record_key FROM rr_population ORDER BY record_key LIMIT 1").fetchone()[0]
        conn.execute("UPDATE rr_population SET content = replace(content, 'a', 'o') WHERE record_key = ?", (key,))
    out = tazakoom("ledger", "reconcile", "--database-url", db)
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"changed registry:population/{key}" in out.stdout
    assert "do not match the ledger" in out.stderr
