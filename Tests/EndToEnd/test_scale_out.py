"""Three `tazakoom serve` nodes on one PostgreSQL database, behind a round-robin client, act as one
platform: they start (and migrate) at once; applications submitted through any node are stored
once; the demo is seeded once; each case's SLA timer fires once although every node polls for it;
the demo citizen signing the same petition on all three nodes at once is counted once; every
notification goes out once although each node's outbox worker competes for it; and afterwards the one ledger verifies and
every record it speaks for reconciles."""
import json
import os
import re
import subprocess
import threading
import time

import requests

from conftest import CITIZEN, Server, issue_token, sign_in_session, tazakoom

APPLICANTS = ["20303198500231", CITIZEN, "22511197901022"]


def psql(database_url, query):
    out = subprocess.run(["psql", database_url, "-Atq", "-c", query], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def start_nodes(database_url, workdir, count=3):
    nodes = [None] * count

    def start(i):
        nodes[i] = Server(database_url, os.path.join(workdir, f"node{i}.log"))

    threads = [threading.Thread(target=start, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(nodes), "every node started"
    return nodes


def sent_messages(nodes):
    """(channel, recipient, body) of every message any node's adapter sent."""
    sent = []
    for node in nodes:
        if os.path.exists(node.messages_path):
            with open(node.messages_path) as f:
                sent += [(m["channel"], m["recipient"], m["body"]) for m in map(json.loads, f)]
    return sent


def test_three_nodes_behind_a_round_robin_client_act_as_one_platform(postgres_database, workdir):
    nodes = start_nodes(postgres_database, workdir)
    try:
        urls = [n.url for n in nodes]
        # Started together, the nodes seeded the demo once: one draft law, one budget.
        assert psql(postgres_database, "SELECT COUNT(*) FROM participation_consultations") == "1"
        assert psql(postgres_database, "SELECT COUNT(*) FROM participation_budgets") == "1"
        token = issue_token(urls[0], scopes=("application:write", "application:read"), agency="MOA")

        # Applications through every node in turn, each sent twice (a retry): stored once each.
        for i in range(30):
            body = {"applicantId": APPLICANTS[i % 3], "formData": {"crop": "wheat", "irrigated": "yes", "hectares": 1 + i}}
            for attempt in range(2):
                answer = requests.post(
                    urls[(i + attempt) % 3] + "/api/v1/registration/services/land-subsidy/applications", json=body,
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"scale-out-{i}"}, timeout=30)
                assert answer.status_code in (200, 201), answer.text[:300]
        assert psql(postgres_database, "SELECT COUNT(*) FROM applications WHERE service_id = 'land-subsidy'") == "30"

        # The cases' SLA passes (their timers are moved into the past, as ten working days would):
        # every node polls the timers at about the same moment, and each case escalates once.
        cases = "SELECT id FROM workflow_cases WHERE definition_id = 'land-subsidy'"
        psql(postgres_database, f"UPDATE workflow_cases SET timer_at = 1 WHERE id IN ({cases})")
        escalations = f"SELECT case_id, COUNT(*) FROM workflow_history WHERE kind = 'escalated' AND case_id IN ({cases}) GROUP BY case_id"
        deadline = time.time() + 75  # each node polls every 30 s
        while time.time() < deadline and len(psql(postgres_database, escalations).splitlines()) < 30:
            time.sleep(1)
        time.sleep(3)  # a second firing, if any, would come within a poll of the first
        fired = [line.split("|") for line in psql(postgres_database, escalations).splitlines()]
        assert len(fired) == 30 and all(count == "1" for _, count in fired), fired

        # The same person signs the same petition on all three nodes at once, twice over: one signature.
        sessions = [requests.Session() for _ in urls]
        tokens = [sign_in_session(s, url, CITIZEN) for s, url in zip(sessions, urls)]
        hub = sessions[0].get(urls[0] + "/participation").text
        petition = re.search(r'href="/petitions/([0-9a-z-]{8,})"', hub).group(1)
        before = requests.get(f"{urls[1]}/api/v1/petitions/{petition}", timeout=10).json()["signatures"]
        signing = [
            threading.Thread(target=lambda s=s, u=u, t=t: s.post(f"{u}/petitions/{petition}/sign", data={"_csrf": t},
                                                                 allow_redirects=False, timeout=30))
            for s, u, t in zip(sessions * 2, urls * 2, tokens * 2)
        ]
        for t in signing:
            t.start()
        for t in signing:
            t.join()
        after = requests.get(f"{urls[2]}/api/v1/petitions/{petition}", timeout=10).json()["signatures"]
        assert after == before + 1, f"{before} -> {after}"

        # Every node's outbox worker competes for the notifications: each goes out once.
        deadline = time.time() + 60
        while time.time() < deadline:
            pending = psql(postgres_database, "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'")
            if pending == "0" and len(sent_messages(nodes)) > 0:
                break
            time.sleep(1)
        time.sleep(3)  # a duplicate, if any, would arrive within a poll or two
        sent = sent_messages(nodes)
        queued = int(psql(postgres_database, "SELECT COUNT(*) FROM outbox"))
        assert len(sent) == queued and len(set(sent)) == len(sent), f"{len(sent)} sent for {queued} queued"
        assert queued >= 30, f"only {queued} messages queued for 30 applications"
    finally:
        for node in nodes:
            node.stop()

    # One ledger: the whole log verifies, and every record it speaks for matches its seal.
    verified = tazakoom("ledger", "verify", "--database-url", postgres_database)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    reconciled = tazakoom("ledger", "reconcile", "--database-url", postgres_database)
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
