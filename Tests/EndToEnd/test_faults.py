"""Faults the platform must ride out by itself: PostgreSQL going down under load and coming back, the
disk of the SQLite default filling up, and the node killed (kill -9) under the load of every module. While the fault lasts the node answers errors (problem
details, never a hang or a crash); once it is over the node serves again without a restart, and
nothing it acknowledged is lost: every application it answered 201 for is stored, and the ledger
verifies and reconciles."""
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid

import pytest
import requests

from conftest import CITIZEN, ROOT, Server, issue_token, pin, sign_in_session, tazakoom

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
        # An outage, not a bug: 503 with Retry-After, whether the request waited for a connection or lost
        # it under a query.
        assert all(code == 503 for code, _ in during if code != "no answer"), during[:5]
        assert any(code == 503 for code, _ in during), during[:5]
        # None left hanging: a request whose connection died under it once waited for ever, and every
        # submission batched behind it too.
        assert not [error for code, error in refused if code == "no answer"], refused[:5]
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


SIGNERS = ["11207199000417", "20303198500231", "22511197901022"]


class MixedLoad:
    """Clients of every writing module at once against one node: applications (services and
    workflow), people registered (identity, registries), petition signatures and withdrawals
    (participation), and anonymous reads of the portal, open data and ledger. It notes what the
    node acknowledged, and what was in flight when the node died."""

    def __init__(self, url, token, petition):
        self.url, self.token, self.petition = url, token, petition
        self.applications, self.people = [], []
        self.signature = {}      # signer -> state after the last acknowledged action
        self.uncertain = set()   # signers whose last action got no answer
        self.stop = threading.Event()
        self.sessions = {}
        for pin in SIGNERS:
            session = requests.Session()
            self.sessions[pin] = (session, sign_in_session(session, url, pin))
        self.threads = [threading.Thread(target=self.apply, args=(w,)) for w in range(3)]
        self.threads += [threading.Thread(target=self.register), threading.Thread(target=self.read)]
        self.threads += [threading.Thread(target=self.sign, args=(pin,)) for pin in SIGNERS]

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def post(self, path, **kwargs):
        return requests.post(self.url + path, headers={"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})},
                             timeout=10, **kwargs)

    def apply(self, worker):
        n = 0
        while not self.stop.is_set():
            n += 1
            body = {"applicantId": SIGNERS[n % 3], "formData": {"crop": "wheat", "irrigated": "yes", "hectares": 1 + n % 9}}
            try:
                answer = self.post("/api/v1/registration/services/land-subsidy/applications", json=body,
                                   headers={"Idempotency-Key": f"mixed-{worker}-{n}-{uuid.uuid4().hex[:6]}"})
            except requests.RequestException:
                continue
            if answer.status_code == 201:
                self.applications.append(answer.json()["fileId"])

    def register(self):
        n = 0
        while not self.stop.is_set():
            n += 1
            person = pin(n)
            try:
                answer = self.post("/api/v1/people", json={"pin": person, "familyName": "Сыноов", "givenName": f"Киши{n}"})
            except requests.RequestException:
                continue
            if answer.status_code == 201:
                self.people.append(person)

    def sign(self, signer):
        session, csrf = self.sessions[signer]
        action = "sign"
        while not self.stop.is_set():
            try:
                answer = session.post(f"{self.url}/petitions/{self.petition}/{action}", data={"_csrf": csrf},
                                      allow_redirects=False, timeout=10)
            except requests.RequestException:
                self.uncertain.add(signer)
                continue
            if answer.status_code == 303:
                self.signature[signer] = action == "sign"
                self.uncertain.discard(signer)
                action = "withdraw" if action == "sign" else "sign"

    def read(self):
        paths = ["/", "/services", "/participation", "/datasets", "/api/3/action/package_search?q=services",
                 "/ledger", "/programme", "/alerts", "/performance"]
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                requests.get(self.url + paths[n % len(paths)], timeout=10)
            except requests.RequestException:
                pass


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_kill_9_under_mixed_load_of_every_module_loses_nothing_acknowledged(engine, workdir, request):
    database_url = (f"sqlite:{workdir}/tk.sqlite" if engine == "sqlite" else request.getfixturevalue("postgres_database"))
    log = os.path.join(workdir, "node.log")
    node = Server(database_url, log, "--checkpoint-interval", "1")
    token = issue_token(node.url, scopes=("application:write", "application:read", "identity:write", "identity:read"),
                        agency="MOA")
    page = requests.get(node.url + "/participation").text
    petition = re.search(r'href="/petitions/([0-9a-f-]{36})"', page).group(1)
    load = MixedLoad(node.url, token, petition)
    load.start()
    time.sleep(4)
    node.kill()  # every client is still sending
    load.finish()
    assert len(load.applications) > 5 and len(load.people) > 5 and load.signature, "work was acknowledged before the kill"

    node = Server(database_url, log, "--checkpoint-interval", "1", port=node.port)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        for file_id in load.applications:
            answer = requests.get(f"{node.url}/api/v1/registration/applications/{file_id}", headers=headers, timeout=10)
            assert answer.status_code == 200, f"acknowledged application {file_id} is lost"
        for person in load.people:
            answer = requests.get(f"{node.url}/api/v1/people/{person}?purpose=Fault%20test", headers=headers, timeout=10)
            assert answer.status_code == 200, f"acknowledged person {person} is lost"
        # The tally holds every acknowledged signature and withdrawal; a signer whose last action
        # got no answer may have been counted either way.
        certain = sum(1 for signer, signed in load.signature.items() if signed and signer not in load.uncertain)
        tally = requests.get(f"{node.url}/api/v1/petitions/{petition}", timeout=10).json()["signatures"]
        assert certain <= tally <= certain + len(load.uncertain), (tally, load.signature, load.uncertain)
        # And the public ledger, recounted, gives the same figure once a checkpoint covers it.
        deadline = time.time() + 60
        while True:
            recount = tazakoom("participation", "recount", petition, "--url", node.url)
            if recount.returncode == 0 and recount.stdout.strip().endswith(f"signatures: {tally}"):
                break
            assert time.time() < deadline, recount.stdout + recount.stderr
            time.sleep(1)
    finally:
        node.stop()
    for check in ("verify", "reconcile"):
        result = tazakoom("ledger", check, "--database-url", database_url)
        assert result.returncode == 0, result.stdout + result.stderr
