"""The same Idempotency-Key sent at the same moment to two nodes on one PostgreSQL: one write per
key, and every answer is the first one (201, first or replayed) or 409 "still in progress" — never
a 5xx (issue 11)."""
import os
import subprocess
import threading
import uuid

import requests

from conftest import Server, issue_token

APPLICANT = "20303198500231"  # Bakyt Asanov, demo citizen
ROUNDS = 40


def post_at_once(urls, path, token, key, body):
    """Sends `body` with `key` to every url at the same instant; returns the responses (or errors)."""
    barrier = threading.Barrier(len(urls))
    answers = [None] * len(urls)

    def send(i):
        barrier.wait()
        try:
            answers[i] = requests.post(urls[i] + path, json=body, timeout=30,
                                       headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
        except requests.RequestException as error:
            answers[i] = error

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(urls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def count(database_url, query):
    out = subprocess.run(["psql", database_url, "-At", "-c", query], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


def test_one_key_sent_to_two_nodes_at_once_writes_once(postgres_database, workdir):
    servers = []
    try:
        servers = [Server(postgres_database, os.path.join(workdir, f"node{i}.log")) for i in range(2)]
        urls = [s.url for s in servers]
        token = issue_token(urls[0], scopes=("application:write", "application:read"), agency="MOA")
        path = "/api/v1/registration/services/land-subsidy/applications"
        run = uuid.uuid4().hex[:8]
        statuses = []
        for n in range(ROUNDS):
            key = f"twin-{run}-{n:03d}"
            body = {"applicantId": APPLICANT, "formData": {"crop": "wheat", "irrigated": "yes", "hectares": 1 + n % 7}}
            answers = post_at_once(urls, path, token, key, body)
            for answer in answers:
                assert not isinstance(answer, Exception), f"{key}: {answer}"
                assert answer.status_code in (201, 409), f"{key}: {answer.status_code} {answer.text[:300]}"
                if answer.status_code == 409:
                    assert answer.headers.get("Retry-After"), "409 says when to retry"
                statuses.append(answer.status_code)
            ids = {a.json()["fileId"] for a in answers if a.status_code == 201}
            assert len(ids) == 1, f"{key}: one application per key, got {ids}"
        assert statuses.count(201) >= ROUNDS, "every key got its application acknowledged at least once"
        assert count(postgres_database, f"SELECT COUNT(*) FROM applications WHERE idempotency_key LIKE '%twin-{run}-%'") == ROUNDS
        # The generic API path (people): the same, through the stored answer.
        people_token = issue_token(urls[0], scopes=("identity:write",))
        for n in range(10):
            pin = "21503198" + "5" + f"{20000 + n:05d}"
            answers = post_at_once(urls, "/api/v1/people", people_token, f"person-{run}-{n}",
                                   {"pin": pin, "familyName": "Тестов", "givenName": f"Тест{n}"})
            for answer in answers:
                assert not isinstance(answer, Exception), answer
                assert answer.status_code in (201, 409), f"{answer.status_code} {answer.text[:300]}"
            assert count(postgres_database, f"SELECT COUNT(*) FROM people WHERE pin = '{pin}'") == 1
    finally:
        for s in servers:
            s.stop()
