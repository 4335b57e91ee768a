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

import sys

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from demo_signin import next_code, sign_in as sign_in_session  # noqa: E402
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
        # The demo's SMS and email adapter writes what it would send here (one JSON per line).
        self.messages_path = log_path + ".messages"
        extra = (*extra, "--message-file", self.messages_path)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "a")
        if "--checkpoint-file" not in extra:  # one per node, as each node would have its own disk
            extra = (*extra, "--checkpoint-file", log_path + ".checkpoint")
        if "--open-data-interval" not in extra:  # its ledger entries would upset tests that count them
            extra = (*extra, "--open-data-interval", "0")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--port", str(self.port), "--database-url", database_url, *extra],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                # The log goes with the temporary directory: say here why the server stopped.
                self.log.close()
                with open(log_path) as f:
                    tail = f.read()[-3000:]
                raise RuntimeError(f"server exited early (status {self.process.returncode}), {log_path} ends:\n{tail}")
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
def publishing_server(workdir):
    """A server that publishes its own open data, as `serve` does by default."""
    s = Server(f"sqlite:{workdir}/tazakoom.sqlite", os.path.join(workdir, "server.log"), "--open-data-interval", "3600")
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


@pytest.fixture
def journey(browser):
    """The browser of a journey (issue 19): every HTML page it opens, by address or through
    `click_and_wait`, is checked with axe-core as it loads; any violation fails the test. A file
    it opens (a receipt, a CSV) is not a page and is left alone."""
    from test_portal_browser import check_page

    open_address = browser.get

    def get(address):
        open_address(address)
        check_page(browser)

    browser.get = get
    browser.checks_every_page = True
    yield browser


def issue_token(url, scopes=("identity:write", "identity:read"), agency="MDD"):
    """Signs in as the demo administrator and issues an API token, as a person would in the browser."""
    import re
    session = requests.Session()
    csrf = sign_in_session(session, url, ADMIN)
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


def give_second_factor(driver, url, pin):
    """In the browser: type the demo authenticator's code when the sign-in asks for it."""
    from selenium.webdriver.common.by import By
    if "/signin/code" not in driver.current_url:
        return
    driver.find_element(By.ID, "code").send_keys(next_code(url, pin))
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 15).until(lambda d: "/signin/code" not in d.current_url)
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
    if getattr(driver, "checks_every_page", False):
        from test_portal_browser import check_page
        check_page(driver)


def wait_for_sms(server, phone, timeout=30):
    """The text of the newest SMS the demo adapter sent to `phone` (the outbox sends every few seconds)."""
    import json
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(server.messages_path):
            with open(server.messages_path) as f:
                texts = [m["body"] for m in map(json.loads, f) if m["channel"] == "sms" and m["recipient"] == phone]
            if texts:
                return texts[-1]
        time.sleep(0.5)
    raise AssertionError(f"no SMS to {phone} within {timeout} s")


def unclaimed_resident(server):
    """A resident of the demo population register (SQLite) who has no account yet."""
    import json
    import sqlite3
    path = server.database_url.removeprefix("sqlite:")
    with sqlite3.connect(path) as db:
        taken = {row[0] for row in db.execute("SELECT pin FROM people")}
        for (content,) in db.execute("SELECT content FROM rr_population ORDER BY record_key"):
            person = json.loads(content)
            if person["pin"] not in taken and person.get("phone"):
                return person
    raise AssertionError("no unclaimed resident")
