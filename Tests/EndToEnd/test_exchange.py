"""The exchange layer between two real `tazakoom` processes on loopback, configured as two
agencies: the State Registration Service (operator of the exchange, provider of the population
registry) and the State Tax Service, whose system reads a resident's record through both nodes.
Between them a small proxy that can alter messages in transit, and providers that time out or
reset the connection. Issue 15's first and second acceptance items, and the third's bad input."""
import base64
import http.client
import http.server
import json
import os
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.parse

import pytest
import requests

from conftest import BINARY, ROOT, Server, free_port, issue_token

RESIDENT = "11207199000417"
PROVIDER = "KG/GOV/70000001"
TAX = "KG/GOV/70000002"
PEOPLE = "KG/GOV/70000001/POPULATION/people"
TAXSYS = "KG/GOV/70000002/TAXSYS"
PURPOSE = "purpose=Tax%20Code%2C%20art.%2045"


class Proxy(http.server.ThreadingHTTPServer):
    """Forwards everything to `target`; `mode` says what to alter on the way."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.mode = "none"
        super().__init__(("127.0.0.1", free_port()), ProxyHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def relay(self):
        mode = self.server.mode
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length", "connection")}
        path = self.path
        if mode == "slow" and path.startswith("/exchange/in/"):
            time.sleep(6)  # longer than the tax node's --exchange-timeout
        if mode == "request" and path.startswith("/exchange/in/"):
            path = path.replace(RESIDENT, RESIDENT[:-1] + "8")  # another person's record
        connection = http.client.HTTPConnection("127.0.0.1", self.server.target_port, timeout=30)
        connection.request(self.command, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        if mode == "response" and path.startswith("/exchange/in/") and data:
            data = data[:-2] + bytes([data[-2] ^ 0x01]) + data[-1:]
        if mode == "conf" and path == "/exchange/globalconf":
            data = data.replace(b"State Tax Service", b"State Tax Servicf")
        self.send_response(response.status)
        for k, v in response.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = relay


class Backend(http.server.ThreadingHTTPServer):
    """A provider's own system: `/slow` answers too late, `/reset` closes the connection unanswered."""

    def __init__(self):
        super().__init__(("127.0.0.1", free_port()), BackendHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class BackendHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path.startswith("/slow"):
            time.sleep(5)
        if self.path.startswith("/reset"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            return
        body = json.dumps({"ok": True, "client": self.headers.get("Information-Mediator-Client")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def cli(*args, database):
    result = subprocess.run([BINARY, "exchange", *args, "--database-url", database], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result


def wait_for(condition, what, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def messages(path, message_id):
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT side, request_hash, response_digest, status, error, ledger_index FROM exchange_messages "
            "WHERE message_id = ?", (message_id,)).fetchall()


@pytest.fixture
def agencies(workdir):
    provider_db = os.path.join(workdir, "registration.sqlite")
    client_db = os.path.join(workdir, "tax.sqlite")
    provider_port = free_port()
    proxy = Proxy(provider_port)

    def start_provider():
        return Server(f"sqlite:{provider_db}", os.path.join(workdir, "registration.log"),
                      "--exchange-member", PROVIDER, "--exchange-name", "State Registration Service",
                      "--exchange-operator", "--exchange-keep-bodies", "--exchange-refresh", "1",
                      "--exchange-timeout", "2", "--public-url", proxy.url, "--checkpoint-interval", "1",
                      "--demo-size", "20", port=provider_port)

    # A test may kill the provider's node and start it again: the fixture stops whichever runs.
    nodes = {"provider": start_provider()}
    provider = nodes["provider"]
    backend = Backend()
    try:
        operator_key = requests.get(provider.url + "/exchange/operator-key").text.strip()
        for args in [
            ("offer", PEOPLE, "--backend", "registry:population", "--agency", "SRS"),
            ("grant", PEOPLE, TAXSYS, "--method", "GET"),
            ("offer", "KG/GOV/70000001/POPULATION/slow", "--backend", backend.url + "/slow", "--agency", "SRS"),
            ("grant", "KG/GOV/70000001/POPULATION/slow", TAXSYS),
            ("offer", "KG/GOV/70000001/POPULATION/reset", "--backend", backend.url + "/reset", "--agency", "SRS"),
            ("grant", "KG/GOV/70000001/POPULATION/reset", TAXSYS),
        ]:
            result = cli(*args, database=f"sqlite:{provider_db}")
            assert result.returncode == 0, result.stderr
        client = Server(f"sqlite:{client_db}", os.path.join(workdir, "tax.log"),
                        "--exchange-member", TAX, "--exchange-name", "State Tax Service",
                        "--exchange-operator-url", proxy.url, "--exchange-operator-key", operator_key,
                        "--exchange-refresh", "1", "--exchange-max-body-mb", "1", "--exchange-timeout", "4",
                        "--demo-size", "20")
        try:
            token = issue_token(client.url, scopes=("registry:read",), agency="STS")
            for subsystem in ["TAXSYS", "OTHERSYS"]:
                result = cli("bind", subsystem, "--token", token, database=f"sqlite:{client_db}")
                assert result.returncode == 0, result.stderr
            # The tax service asks to join (with its two subsystems); the operator approves.
            wait_for(lambda: "OTHERSYS" in pending_entry(provider_db), "the request naming both subsystems")
            result = cli("approve", TAX, "--by", "SRS", database=f"sqlite:{provider_db}")
            assert result.returncode == 0, result.stderr
            wait_for(lambda: '"subsystem_code":"TAXSYS"' in requests.get(client.url + "/listClients").text,
                     "the tax node to take the new configuration")
            nodes.update({"client": client, "proxy": proxy, "token": token, "operator_key": operator_key,
                          "provider_db": provider_db, "client_db": client_db, "start_provider": start_provider})
            yield nodes
        finally:
            client.stop()
    finally:
        nodes["provider"].stop()
        proxy.shutdown()
        backend.shutdown()


def pending_entry(path):
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT entry FROM exchange_members WHERE id = ?", (TAX,)).fetchone()
        return row[0] if row else ""


def call(agencies, target, client=TAXSYS, query=PURPOSE, method="GET", headers=None, **kwargs):
    h = {"Authorization": "Bearer " + agencies["token"]}
    if client is not None:
        h["X-Road-Client"] = client
    h.update(headers or {})
    return requests.request(method, f"{agencies['client'].url}/r1/{target}" + (f"?{query}" if query else ""),
                            headers=h, timeout=30, **kwargs)


def test_the_tax_system_reads_a_resident_through_both_nodes(agencies):
    r = call(agencies, f"{PEOPLE}/1/{RESIDENT}", headers={"X-Road-Id": "e2e-read-1", "X-Road-Issue": "TAX-2026-1"})
    assert r.status_code == 200, r.text
    assert r.json()["pin"] == RESIDENT
    assert r.headers["X-Road-Id"] == "e2e-read-1" and r.headers["X-Road-Request-Hash"]
    assert "X-Road-Error" not in r.headers

    # Both message logs agree, and each line is in its node's ledger.
    sent = messages(agencies["client_db"], "e2e-read-1")
    received = messages(agencies["provider_db"], "e2e-read-1")
    assert [row[0] for row in sent] == ["client"] and [row[0] for row in received] == ["provider"]
    assert sent[0][1:4] == received[0][1:4] and sent[0][1] == r.headers["X-Road-Request-Hash"]
    assert sent[0][5] is not None and received[0][5] is not None

    # The resident sees the tax service's read, with its purpose.
    with sqlite3.connect(agencies["provider_db"]) as db:
        reads = db.execute("SELECT reader_name, application, legal_basis FROM data_access_log WHERE person_pin = ?",
                           (RESIDENT,)).fetchall()
    assert ("State Tax Service", TAXSYS, "Tax Code, art. 45") in reads

    # The evidence package verifies offline, and not once a byte of it is changed.
    package = os.path.join(os.path.dirname(agencies["provider_db"]), "evidence.zip")
    wait_for(lambda: cli("evidence", "e2e-read-1", "--side", "provider", "--output", package,
                         database=f"sqlite:{agencies['provider_db']}").returncode == 0, "a checkpoint with the entry")
    ok = subprocess.run([BINARY, "exchange", "verify-evidence", package, "--operator-key", agencies["operator_key"]],
                        capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and "OK" in ok.stdout and "bodies included" in ok.stdout, ok.stdout + ok.stderr
    data = bytearray(open(package, "rb").read())
    marker = data.find(RESIDENT.encode())  # the first place the resident appears
    data[marker] ^= 0x01
    open(package, "wb").write(bytes(data))
    bad = subprocess.run([BINARY, "exchange", "verify-evidence", package], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode != 0 and "NOT VERIFIED" in bad.stderr, bad.stdout + bad.stderr


def test_a_subsystem_without_the_right_is_refused(agencies):
    r = call(agencies, f"{PEOPLE}/1/{RESIDENT}", client="KG/GOV/70000002/OTHERSYS")
    assert r.status_code == 500 and r.headers["X-Road-Error"] == "Server.ServerProxy.AccessDenied", r.text
    assert r.json()["type"] == "Server.ServerProxy.AccessDenied"


def test_alterations_in_transit_are_detected(agencies):
    proxy = agencies["proxy"]
    proxy.mode = "request"
    r = call(agencies, f"{PEOPLE}/1/{RESIDENT}")
    assert r.headers.get("X-Road-Error") == "Server.ServerProxy.InvalidSignatureValue", r.text
    proxy.mode = "response"
    r = call(agencies, f"{PEOPLE}/1/{RESIDENT}")
    assert r.status_code == 500 and r.headers.get("X-Road-Error") == "Server.ClientProxy.InvalidSignatureValue", r.text
    assert RESIDENT not in r.text
    # A configuration whose signature no longer matches is not taken: the serial stays.
    proxy.mode = "conf"
    before = serial(agencies["client"])
    result = cli("group", "tax-authorities", TAXSYS, database=f"sqlite:{agencies['provider_db']}")
    assert result.returncode == 0, result.stderr
    time.sleep(3)
    assert serial(agencies["client"]) == before
    proxy.mode = "none"
    wait_for(lambda: serial(agencies["client"]) > before, "the genuine configuration")


def serial(server):
    note = requests.get(server.url + "/exchange/globalconf").text
    return json.loads(note.split("\n")[1])["serial"]


def test_bad_input_gets_the_right_x_road_error(agencies):
    cases = [
        (dict(target=f"{PEOPLE}/1/{RESIDENT}", client=None), "Client.MissingHeaderField"),
        (dict(target=f"{PEOPLE}/1/{RESIDENT}", client="KG/GOV"), "Client.InvalidClientIdentifier"),
        (dict(target=f"{PEOPLE}/1/{RESIDENT}", client="KG/GOV/70000002/TAX%0ASYS"), "Client.InvalidClientIdentifier"),
        (dict(target="KG/GOV/70000001/POPULATION"), "Client.BadRequest"),
        (dict(target="KG/GOV/70000001/POPULATION/nothing/1"), "Server.ServerProxy.UnknownService"),
        (dict(target="KG/GOV/79999999/POPULATION/people/1"), "Server.ClientProxy.UnknownMember"),
        (dict(target=f"{PEOPLE}/1/{RESIDENT}", method="POST", data=b"x" * (1024 * 1024 + 1)), "Client.BadRequest"),
        (dict(target="KG/GOV/70000001/POPULATION/slow/x"), "Server.ServerProxy.ServiceFailed"),
        (dict(target="KG/GOV/70000001/POPULATION/reset/x"), "Server.ServerProxy.ServiceFailed"),
    ]
    for i, (kwargs, expected) in enumerate(cases):
        message_id = f"e2e-bad-{i}"
        kwargs.setdefault("headers", {})["X-Road-Id"] = message_id
        r = call(agencies, **kwargs)
        assert r.headers.get("X-Road-Error") == expected, (i, r.status_code, r.text)
        assert r.status_code == (400 if expected.startswith("Client.") else 500), (i, r.text)
        assert r.json()["type"] == expected
        # Logged on the tax node, with its error.
        assert messages(agencies["client_db"], message_id)[0][4] == expected, i
    # The nodes still serve.
    assert requests.get(agencies["client"].url + "/readyz").status_code == 200
    assert requests.get(agencies["provider"].url + "/readyz").status_code == 200


def test_the_administrators_page_in_russian(agencies, browser):
    """The operator's administrator sees the members, the traffic as charts and the message log;
    axe-core finds nothing on the page."""
    from conftest import ADMIN
    from test_portal_browser import assert_accessible
    from test_registries import sign_in_as

    assert call(agencies, f"{PEOPLE}/1/{RESIDENT}").status_code == 200
    url = agencies["provider"].url
    sign_in_as(browser, url, ADMIN)
    browser.get(url + "/admin/exchange?lang=ru")
    main = browser.find_element("tag name", "main")
    assert "Слой обмена" in browser.title, browser.title
    assert "State Tax Service" in main.text and "<svg" in browser.page_source
    assert "за последние 30 дней" in main.text
    assert_accessible(browser, "exchange administration")


def test_an_auditor_checks_an_evidence_package_and_a_receipt_against_the_ledger(agencies, journey, workdir):
    """The auditor's journey (issue 19), in Russian: the registration service hands over the
    evidence package of one exchange message; the auditor verifies it offline, finds the message's
    entry in the provider's public ledger explorer, takes its receipt and checks that too, with the
    commands and the key the explorer shows."""
    from selenium.webdriver.common.by import By
    from test_portal_browser import click_and_wait

    browser = journey
    browser.set_window_size(1280, 900)
    answer = call(agencies, f"{PEOPLE}/1/{RESIDENT}", headers={"X-Road-Id": "audit-1"})
    assert answer.status_code == 200, answer.text
    provider = f"sqlite:{agencies['provider_db']}"
    package = os.path.join(workdir, "audit-1.zip")
    wait_for(lambda: cli("evidence", "audit-1", "--side", "provider", "--output", package,
                         database=provider).returncode == 0, "a checkpoint with the message's entry")
    checked = subprocess.run([BINARY, "exchange", "verify-evidence", package, "--operator-key", agencies["operator_key"]],
                             capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0 and "OK" in checked.stdout, checked.stdout + checked.stderr
    index = messages(agencies["provider_db"], "audit-1")[0][5]

    # The explorer: the entry by its number, then its receipt, checked with the explorer's own command.
    url = agencies["provider"].url
    browser.get(url + "/ledger?lang=ru")
    commands = browser.find_element(By.CSS_SELECTOR, "main pre code").text
    browser.find_element(By.ID, "index").send_keys(str(index))
    click_and_wait(browser, "#find-entries")
    assert browser.current_url.endswith(f"/ledger/entries/{index}")
    assert "audit-1" in browser.find_element(By.TAG_NAME, "main").text, "the entry names the message"
    receipt = requests.get(browser.find_element(By.CSS_SELECTOR, "a[href^='/ledger/receipt/']").get_attribute("href"))
    assert receipt.status_code == 200
    path = os.path.join(workdir, "receipt.txt")
    with open(path, "w") as f:
        f.write(receipt.text)
    command = next(line for line in commands.splitlines() if "verify-receipt" in line)
    key = command.split("--key", 1)[1].strip().strip("'")
    verified = subprocess.run([BINARY, "ledger", "verify-receipt", path, "--key", key],
                              capture_output=True, text=True, cwd=ROOT)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    lines = receipt.text.split("\n")
    extra = next(i for i, line in enumerate(lines) if line.startswith("extra "))
    entry = json.loads(base64.b64decode(lines[extra][len("extra "):]))
    assert "audit-1" in json.dumps(entry, ensure_ascii=False), "the receipt carries the message's entry"
    lines[extra] = "extra " + base64.b64encode(json.dumps(entry).replace("audit-1", "audit-2").encode()).decode()
    with open(path, "w") as f:
        f.write("\n".join(lines))
    forged = subprocess.run([BINARY, "ledger", "verify-receipt", path, "--key", key],
                            capture_output=True, text=True, cwd=ROOT)
    assert forged.returncode != 0, "a receipt changed after the fact does not verify"


def test_a_slow_and_then_a_dead_provider_node(agencies):
    """Faults (issue 19): the provider's node answers too slowly, then is killed (kill -9) while the
    tax system keeps reading. Every read is answered within the tax node's timeout, with X-Road's
    error while the provider cannot answer; the tax node keeps serving; once the provider's node is
    back, reads succeed again without restarting anything. No read answered 200 is missing from
    the provider's message log, and both nodes' ledgers verify and reconcile afterwards."""
    from conftest import tazakoom

    assert call(agencies, f"{PEOPLE}/1/{RESIDENT}").status_code == 200
    agencies["proxy"].mode = "slow"
    started = time.time()
    slow = call(agencies, f"{PEOPLE}/1/{RESIDENT}", headers={"X-Road-Id": "fault-slow"})
    assert time.time() - started < 5.5, "answered at the tax node's timeout, not the provider's pace"
    assert slow.status_code >= 500 and slow.headers.get("X-Road-Error", "").startswith("Server."), slow.text
    assert messages(agencies["client_db"], "fault-slow")[0][4], "logged with its error on the tax node"
    agencies["proxy"].mode = "none"

    answers = {}
    stop = threading.Event()

    def read():
        n = 0
        while not stop.is_set():
            n += 1
            try:
                r = call(agencies, f"{PEOPLE}/1/{RESIDENT}", headers={"X-Road-Id": f"fault-dead-{n}"})
                answers[f"fault-dead-{n}"] = (r.status_code, r.headers.get("X-Road-Error"), time.time())
            except requests.RequestException as error:
                answers[f"fault-dead-{n}"] = (None, str(error), time.time())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        time.sleep(2)
        agencies["provider"].kill()
        killed = time.time()
        time.sleep(4)
        during = [a for a in answers.values() if a[2] > killed + 0.5]
        assert during and all(a[0] is not None and a[0] >= 500 and (a[1] or "").startswith("Server.") for a in during), during
        assert requests.get(agencies["client"].url + "/readyz", timeout=5).status_code == 200, "the tax node serves on"
        agencies["provider"] = agencies["start_provider"]()
        wait_for(lambda: any(a[0] == 200 and a[2] > time.time() - 1 for a in list(answers.values())),
                 "reads through the exchange again")
    finally:
        stop.set()
        reader.join()
    assert all(a[0] is not None for a in answers.values()), "every read got an answer"
    for message_id, (status, _, _) in answers.items():
        if status == 200:
            assert messages(agencies["provider_db"], message_id), f"{message_id} was answered but not logged"
    for database in (agencies["provider_db"], agencies["client_db"]):
        for check in ("verify", "reconcile"):
            result = tazakoom("ledger", check, "--database-url", f"sqlite:{database}")
            assert result.returncode == 0, result.stdout + result.stderr
