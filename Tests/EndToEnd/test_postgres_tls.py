"""TLS to PostgreSQL: a cluster that refuses connections without TLS (`PG_TLS=on scripts/postgres.sh
start`, a certificate for 127.0.0.1 from a throwaway CA). The node connects with libpq's
`sslmode=verify-full&sslrootcert=CA` and every connection it holds is encrypted; without TLS it is
refused, and with a CA that did not sign the server's certificate it does not trust the server."""
import os
import shutil
import subprocess
import tempfile
import uuid

import pytest
import requests

from conftest import ROOT, Server, issue_token

POSTGRES = os.path.join(ROOT, "scripts", "postgres.sh")


@pytest.fixture
def tls_postgres():
    if not shutil.which("psql") or not os.path.isdir("/usr/lib/postgresql"):
        pytest.skip("PostgreSQL is not installed")
    parent = tempfile.mkdtemp(prefix="tk-pgtls-")  # not under workdir (mode 700): postgres reads it
    os.chmod(parent, 0o755)
    directory = os.path.join(parent, "pg")
    url = subprocess.run([POSTGRES, "start", directory], check=True, capture_output=True, text=True,
                         env={**os.environ, "PG_TLS": "on"}).stdout.strip()
    ca = os.path.join(directory, "ca.pem")
    name = "tk_tls_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", f"{url}?sslmode=require", "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    yield url.rsplit("/", 1)[0] + "/" + name, ca, parent
    subprocess.run([POSTGRES, "stop", directory], check=False)
    shutil.rmtree(parent, ignore_errors=True)


def test_the_node_speaks_tls_to_postgresql_and_checks_the_server(tls_postgres, workdir):
    database, ca, parent = tls_postgres
    secured = f"{database}?sslmode=verify-full&sslrootcert={ca}"
    node = Server(secured, os.path.join(workdir, "node.log"))
    try:
        token = issue_token(node.url, scopes=("application:write",), agency="MOA")
        answer = requests.post(node.url + "/api/v1/registration/services/land-subsidy/applications",
                               json={"applicantId": "11207199000417",
                                     "formData": {"crop": "wheat", "irrigated": "yes", "hectares": 2}},
                               headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "tls-1"}, timeout=30)
        assert answer.status_code == 201, answer.text[:300]
        name = database.rsplit("/", 1)[1]
        plain = subprocess.run(["psql", f"{secured}", "-Atq", "-c",
                                "SELECT COUNT(*), COUNT(*) FILTER (WHERE s.ssl) FROM pg_stat_activity a "
                                f"JOIN pg_stat_ssl s USING (pid) WHERE a.datname = '{name}' AND a.pid <> pg_backend_pid()"],
                               capture_output=True, text=True, check=True).stdout.strip()
        total, encrypted = map(int, plain.split("|"))
        assert total >= 1 and encrypted == total, plain
    finally:
        node.stop()

    # Without TLS the server refuses the node, which says why and does not start.
    with pytest.raises(RuntimeError):
        Server(f"{database}?sslmode=disable", os.path.join(workdir, "plain.log"), "--database-wait", "2")
    # A CA that did not sign the server's certificate: the node does not trust the server.
    other = os.path.join(parent, "other-ca.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Other CA",
                    "-keyout", other + ".key", "-out", other], check=True, capture_output=True)
    with pytest.raises(RuntimeError):
        Server(f"{database}?sslmode=verify-full&sslrootcert={other}", os.path.join(workdir, "stranger.log"),
               "--database-wait", "2")


def test_a_password_on_the_command_line_is_refused():
    """Secrets come from files or the environment: `ps` shows a command line to every user."""
    from conftest import tazakoom
    for args in (["ledger", "verify", "--database-url", "postgres://tk:secret@127.0.0.1:1/tk"],
                 ["serve", "--replica-url", "postgres://tk:secret@127.0.0.1:1/tk"]):
        refused = tazakoom(*args, timeout=30)
        assert refused.returncode != 0 and "TAZAKOOM_" in refused.stderr, refused.stderr
        assert "carries a password" in refused.stderr
    # Without a password, a PostgreSQL URL or a plain SQLite path is taken as it is.
    for url in ("postgres://tk@127.0.0.1:1/tk", "/nonexistent-dir/tk.sqlite"):
        answer = tazakoom("ledger", "reconcile", "--database-url", url, timeout=60)
        assert "carries a password" not in answer.stderr, answer.stderr
