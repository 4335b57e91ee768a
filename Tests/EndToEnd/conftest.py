"""Fixtures for end-to-end tests: real `tazakoom serve` processes, a real Chromium.

The server binary is TAZAKOOM_BIN or .build/debug/tazakoom (built by `swift build`).
PostgreSQL tests run when TAZAKOOM_TEST_POSTGRES_URL is set (scripts/test and .ci/run set it).
"""
import os
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("TAZAKOOM_BIN", os.path.join(ROOT, ".build", "debug", "tazakoom"))
DEMO_PASSWORD = "demo-taza-koom"
CITIZEN = "11207199000417"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `tazakoom serve` process on a free port."""

    def __init__(self, database_url, log_path, *extra, port=None):
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "a")
        if "--checkpoint-file" not in extra:  # one per node, as each node would have its own disk
            extra = (*extra, "--checkpoint-file", log_path + ".checkpoint")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--port", str(self.port), "--database-url", database_url, *extra],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early, see {log_path}")
            try:
                if requests.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server did not become ready, see {log_path}")

    def kill(self):
        """kill -9: no shutdown, no flushing, as a power cut would do to the process."""
        self.process.kill()
        self.process.wait()
        self.log.close()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def workdir():
    with tempfile.TemporaryDirectory(prefix="tk-e2e-") as d:
        yield d


@pytest.fixture
def server(workdir):
    s = Server(f"sqlite:{workdir}/tazakoom.sqlite", os.path.join(workdir, "server.log"))
    yield s
    s.stop()


@pytest.fixture
def postgres_database():
    """A fresh, empty PostgreSQL database; skipped when no server is configured."""
    base = os.environ.get("TAZAKOOM_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("TAZAKOOM_TEST_POSTGRES_URL is not set")
    name = "tk_e2e_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", base, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    yield base.rsplit("/", 1)[0] + "/" + name
    subprocess.run(["psql", base, "-q", "-c", f"DROP DATABASE {name} WITH (FORCE)"], check=False)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=390,844", "--lang=en-US"]:
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def issue_token(url, scopes=("identity:write", "identity:read"), agency="MDD"):
    """Signs in as the demo administrator and issues an API token, as a person would in the browser."""
    import re
    session = requests.Session()
    page = session.get(url + "/signin")
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    session.post(url + "/signin", data={"_csrf": csrf, "pin": ADMIN, "password": DEMO_PASSWORD}, allow_redirects=False)
    csrf = session.cookies["tk_csrf"]  # signing in renews the form token (it belongs to the session)
    issued = session.post(url + "/admin/clients", data=[("_csrf", csrf), ("name", "e2e"), ("agencyCode", agency)] + [("scopes", s) for s in scopes])
    assert issued.status_code == 201, issued.text[:300]
    return re.search(r'<code class="token">([^<]+)</code>', issued.text).group(1)


def pin(n):
    """A valid PIN: male, born 15 March 1985, sequence number n."""
    return "21503198" + "5" + f"{10000 + n:05d}"


def register(url, token, n):
    """Registers person n through the API; returns the ledger index of the action, or None if not acknowledged."""
    try:
        r = requests.post(url + "/api/v1/people", json={"pin": pin(n), "familyName": "Тестов", "givenName": f"Тест{n}"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    except requests.RequestException:
        return None
    return int(r.headers["Ledger-Index"]) if r.status_code == 201 else None


def tazakoom(*args, timeout=300):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


ADMIN = "11502198000555"
