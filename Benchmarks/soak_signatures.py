#!/usr/bin/env python3
"""Petition traffic for the soak: `soak_signatures.py BASE_URL COUNT_FILE SECONDS`.

Signs the demo's citizens in through the portal's forms and has each sign the demo petition and
withdraw the signature, over and over (both are ledger entries and move the tally), for SECONDS.
Every second it writes the number of answered actions so far to COUNT_FILE, so that the caller can
read the rate of each minute. Citizens whose account may not sign are left out."""
import os
import re
import sys
import threading
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from demo_signin import sign_in  # noqa: E402

CITIZENS = ["11207199000417", "20303198500231", "22511197901022"]
base, count_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
petition = re.search(r'href="/petitions/([0-9a-f-]{36})"', requests.get(base + "/participation").text).group(1)
done = 0
failed = 0
lock = threading.Lock()
deadline = time.time() + seconds


def citizen(pin):
    global done, failed
    session = requests.Session()
    csrf = sign_in(session, base, pin)
    while time.time() < deadline:
        for action in ("sign", "withdraw"):
            answer = session.post(f"{base}/petitions/{petition}/{action}", data={"_csrf": csrf}, allow_redirects=False)
            with lock:
                if answer.status_code == 303:
                    done += 1
                else:
                    failed += 1
            if answer.status_code == 403:  # this account may not sign (assurance): leave it out
                return


workers = [threading.Thread(target=citizen, args=(pin,), daemon=True) for pin in CITIZENS]
for worker in workers:
    worker.start()
while time.time() < deadline:
    with open(count_file + ".tmp", "w") as f:
        f.write(f"{done} {failed}\n")
    os.replace(count_file + ".tmp", count_file)
    time.sleep(1)
for worker in workers:
    worker.join()
