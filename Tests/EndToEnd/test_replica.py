"""The open-data portal and its CKAN API read from a streaming PostgreSQL replica (`--replica-url`):
a real standby of the test cluster, started by `.ci/run` (and `scripts/test`) with
`scripts/postgres.sh replica`. While the standby's replay is paused, a dataset just created through
the API (written to the primary) is not found by the API's reads, which shows where they come from;
once replay resumes it is. Writes and every other page stay on the primary."""
import os
import subprocess
import time

import pytest
import requests

from conftest import Server, issue_token


def psql(url, query):
    out = subprocess.run(["psql", url, "-Atq", "-c", query], capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else None


@pytest.fixture
def replica_of(postgres_database):
    base = os.environ.get("TAZAKOOM_TEST_POSTGRES_REPLICA_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("CI starts a streaming replica: TAZAKOOM_TEST_POSTGRES_REPLICA_URL is missing")
        pytest.skip("TAZAKOOM_TEST_POSTGRES_REPLICA_URL is not set")
    replica = base.rsplit("/", 1)[0] + "/" + postgres_database.rsplit("/", 1)[1]
    primary_admin = os.environ["TAZAKOOM_TEST_POSTGRES_URL"]
    psql(base, "SELECT pg_wal_replay_resume()")  # in case an earlier run stopped while it was paused
    # The standby replays everything the suite wrote before (the Swift tests' many databases
    # too), which on two busy cores has taken longer than half a minute once.
    deadline = time.time() + 180
    while psql(replica, "SELECT 1") != "1":  # the new database reaches the standby
        assert time.time() < deadline, (
            "the test database did not reach the replica: primary at "
            f"{psql(primary_admin, 'SELECT pg_current_wal_lsn()')}, replica replayed "
            f"{psql(base, 'SELECT pg_last_wal_replay_lsn()')}, paused {psql(base, 'SELECT pg_is_wal_replay_paused()')}")
        time.sleep(0.3)
    assert psql(replica, "SELECT pg_is_in_recovery()") == "t", "a standby, not a second primary"
    yield postgres_database, replica, base
    psql(base, "SELECT pg_wal_replay_resume()")


def found(url, name):
    answer = requests.get(f"{url}/api/3/action/package_show", params={"id": name}, timeout=10)
    return answer.status_code == 200 and answer.json()["result"]["name"] == name


def test_open_data_reads_come_from_the_streaming_replica(replica_of, workdir):
    primary, replica, replica_admin = replica_of
    node = Server(primary, os.path.join(workdir, "node.log"), "--replica-url", replica)
    try:
        token = issue_token(node.url, scopes=("opendata:write",), agency="MOH")
        create = {"name": "clinics", "title": "Clinics", "owner_org": "moh", "license_id": "CC-BY-4.0"}
        psql(replica_admin, "SELECT pg_wal_replay_pause()")
        answer = requests.post(f"{node.url}/api/3/action/package_create", json=create,
                               headers={"Authorization": token}, timeout=30)
        assert answer.status_code == 200 and answer.json()["result"]["name"] == "clinics", answer.text[:300]
        assert psql(primary, "SELECT COUNT(*) FROM opendata_datasets WHERE name = 'clinics'") == "1", "written to the primary"
        time.sleep(1)
        assert not found(node.url, "clinics"), "read from the paused replica, which has not replayed the write"
        assert requests.get(f"{node.url}/datasets/clinics", timeout=10).status_code == 404
        # Everything else reads the primary: the portal's other pages work as before.
        assert requests.get(f"{node.url}/services", timeout=10).status_code == 200

        psql(replica_admin, "SELECT pg_wal_replay_resume()")
        deadline = time.time() + 30
        while not found(node.url, "clinics"):
            assert time.time() < deadline, "the replica caught up, but the read still misses the dataset"
            time.sleep(0.3)
        assert requests.get(f"{node.url}/datasets/clinics", timeout=10).status_code == 200
        assert int(psql(replica, "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                                 " AND pid <> pg_backend_pid()")) >= 1, "the node holds connections to the replica"
    finally:
        node.stop()


def test_a_replica_beside_sqlite_is_refused(workdir):
    """A replica belongs to a PostgreSQL primary: beside SQLite the node says so and does not start."""
    with pytest.raises(RuntimeError):
        Server(f"sqlite:{workdir}/tk.sqlite", os.path.join(workdir, "node.log"),
               "--replica-url", "postgres://postgres@127.0.0.1:1/none")
    with open(os.path.join(workdir, "node.log")) as f:
        assert "replica is a PostgreSQL standby" in f.read()
