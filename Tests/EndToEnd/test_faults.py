"""Faults the platform must ride out by itself: PostgreSQL going down under load and coming back, and
the disk of the SQLite default filling up. While the fault lasts the node answers errors (problem
details, never a hang or a crash); once it is over the node serves again without a restart, and
nothing it acknowledged is lost: every application it answered 201 for is stored, and the ledger
verifies and reconciles."""
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
import requests

from conftest import CITIZEN, ROOT, Server, issue_token, tazakoom

POSTGRES = os.path.join(ROOT, "scripts", "postgres.sh")


@pytest.fixture
def own_postgres(workdir):
    """A PostgreSQL cluster of this test's own, so that stopping it upsets no other test."""
    if not shutil.which("psql") or not os.path.isdir("/usr/lib/postgresql"):
        pytest.skip("PostgreSQL is not installed")
    # Not under `workdir` (mode 700, the test's own): the server runs as the postgres user.
    parent = tempfile.mkdtemp(prefix="tk-pg-")
    os.chmod(parent, 0o755)
    directory = os.path.join(parent, "pg")
    url = subprocess.run([POSTGRES, "start", directory], check=True, capture_output=True, text=True).stdout.strip()
    name = "tk_fault_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", url, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    yield directory, url.rsplit("/", 1)[0] + "/" + name
    subprocess.run([POSTGRES, "stop", directory], check=False)
    shutil.rmtree(parent, ignore_errors=True)


def test_a_node_rides_out_postgresql_going_down_and_loses_nothing_it_acknowledged(own_postgres, workdir):
    directory, database_url = own_postgres
    # A short wait for a connection, so that the outage below outlasts it.
    node = Server(database_url, os.path.join(workdir, "node.log"), "--database-wait", "2")
    try:
        token = issue_token(node.url, scopes=("application:write",), agency="MOA")
        acknowledged, refused, stop = [], [], threading.Event()

        def submit():
            n = 0
            while not stop.is_set():
                n += 1
                key = f"fault-{n}"
                try:
                    answer = requests.post(
                        node.url + "/api/v1/registration/services/land-subsidy/applications",
                        json={"applicantId": CITIZEN, "formData": {"crop": "barley", "irrigated": "no", "hectares": 3}},
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key}, timeout=30)
                except requests.RequestException as error:
                    refused.append(("no answer", str(error)))
                    continue
                if answer.status_code == 201:
                    acknowledged.append(answer.json()["fileId"])
                else:
                    refused.append((answer.status_code, answer.headers.get("Content-Type", "")))
                time.sleep(0.05)

        worker = threading.Thread(target=submit)
        worker.start()
        time.sleep(3)
        before = len(acknowledged)
        subprocess.run([POSTGRES, "down", directory], check=True)
        time.sleep(5)
        during = list(refused)
        subprocess.run([POSTGRES, "up", directory], check=True)
        # Back by itself: new submissions are acknowledged again within a short while.
        deadline = time.time() + 60
        while time.time() < deadline and len(acknowledged) < before + 20:
            time.sleep(0.5)
        stop.set()
        worker.join()

        assert before > 0, "submissions were acknowledged before the fault"
        assert during, "while PostgreSQL was down the node said so"
        assert all(code == 503 or code == 500 for code, _ in during if code != "no answer"), during[:5]
        assert any(code in (500, 503) for code, _ in during), during[:5]
        assert all("application/problem+json" in kind for code, kind in during if code != "no answer"), during[:5]
        assert len(acknowledged) >= before + 20, "the node serves again without a restart"
        assert node.process.poll() is None, "the node is still running"
        ids = "','".join(acknowledged)
        stored = subprocess.run(
            ["psql", database_url, "-Atq", "-c", f"SELECT COUNT(*) FROM applications WHERE id IN ('{ids}')"],
            check=True, capture_output=True, text=True).stdout.strip()
        assert int(stored) == len(acknowledged), f"{stored} of {len(acknowledged)} acknowledged applications stored"
    finally:
        node.stop()
    verified = tazakoom("ledger", "verify", "--database-url", database_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    reconciled = tazakoom("ledger", "reconcile", "--database-url", database_url)
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr


class Submitter:
    """Submits applications one after another in a thread, keeping what was acknowledged and what refused."""

    def __init__(self, url, token):
        self.url, self.token = url, token
        self.acknowledged, self.refused, self.stop = [], [], threading.Event()
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                answer = requests.post(
                    self.url + "/api/v1/registration/services/land-subsidy/applications",
                    json={"applicantId": CITIZEN, "formData": {"crop": "potato", "irrigated": "yes", "hectares": 2}},
                    headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": f"disk-{n}"}, timeout=30)
            except requests.RequestException as error:
                self.refused.append(("no answer", str(error)))
                continue
            if answer.status_code == 201:
                self.acknowledged.append(answer.json()["fileId"])
            else:
                self.refused.append((answer.status_code, answer.headers.get("Content-Type", "")))
            time.sleep(0.02)

    def finish(self):
        self.stop.set()
        self.thread.join()


@pytest.fixture
def small_disk():
    """A 40 MB filesystem of its own (tmpfs), or a skip where mounting is not allowed."""
    mountpoint = tempfile.mkdtemp(prefix="tk-disk-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", mountpoint], capture_output=True)
    if mounted.returncode != 0:
        os.rmdir(mountpoint)
        pytest.skip("cannot mount a small filesystem here: " + mounted.stderr.decode()[:200])
    yield mountpoint
    subprocess.run(["umount", "-l", mountpoint], check=False)
    shutil.rmtree(mountpoint, ignore_errors=True)


def test_a_full_disk_refuses_writes_and_the_node_recovers_when_space_returns(small_disk, workdir):
    database = os.path.join(small_disk, "tazakoom.sqlite")
    node = Server(f"sqlite:{database}", os.path.join(workdir, "node.log"))
    filler = os.path.join(small_disk, "filler")
    try:
        token = issue_token(node.url, scopes=("application:write",), agency="MOA")
        submitter = Submitter(node.url, token)
        time.sleep(2)
        before = len(submitter.acknowledged)
        # Fill the disk to the last byte.
        descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
        for chunk in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * chunk)
            except OSError:
                pass
        os.close(descriptor)
        time.sleep(4)
        during = list(submitter.refused)
        os.remove(filler)
        deadline = time.time() + 60
        while time.time() < deadline and len(submitter.acknowledged) < before + 40:
            time.sleep(0.5)
        submitter.finish()

        assert before > 0, "submissions were acknowledged before the disk filled"
        assert during, "with the disk full the node said so"
        assert all(code in (500, 503) for code, _ in during if code != "no answer"), during[:5]
        assert all("application/problem+json" in kind for code, kind in during if code != "no answer"), during[:5]
        assert node.process.poll() is None, "the node is still running"
        assert len(submitter.acknowledged) >= before + 40, "writes resume once there is room again"
        health = requests.get(node.url + "/readyz", timeout=10)
        assert health.status_code == 200
    finally:
        node.stop()
    stored = subprocess.run(["sqlite3", database, "SELECT id FROM applications"], capture_output=True, text=True).stdout.split()
    missing = set(submitter.acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged applications lost"
    verified = tazakoom("ledger", "verify", "--database-url", f"sqlite:{database}")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    reconciled = tazakoom("ledger", "reconcile", "--database-url", f"sqlite:{database}")
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
