"""Two `tazakoom serve` processes on one PostgreSQL database act as one platform:
both start (and migrate) at once, and a session opened on one works on the other."""
import os
import re
import threading

import requests

from conftest import CITIZEN, DEMO_PASSWORD, Server


def csrf_of(session, url):
    page = session.get(url + "/signin")
    return re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)


def test_two_servers_share_sessions(postgres_database, workdir):
    servers = [None, None]

    def start(i):
        servers[i] = Server(postgres_database, os.path.join(workdir, f"node{i}.log"))

    threads = [threading.Thread(target=start, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        a, b = servers
        assert a is not None and b is not None, "both nodes started"
        session = requests.Session()
        token = csrf_of(session, a.url)
        signed_in = session.post(a.url + "/signin", data={"_csrf": token, "pin": CITIZEN, "password": DEMO_PASSWORD}, allow_redirects=False)
        assert signed_in.status_code == 303
        cabinet = session.get(b.url + "/cabinet", allow_redirects=False)  # the other node
        assert cabinet.status_code == 200
        assert CITIZEN in cabinet.text
        token = session.cookies["tk_csrf"]  # signing in renews the form token (it belongs to the session)
        out = session.post(b.url + "/signout", data={"_csrf": token}, allow_redirects=False)
        assert out.status_code == 303
        stale = requests.get(a.url + "/cabinet", cookies={"tk_session": signed_in.cookies["tk_session"]}, allow_redirects=False)
        assert stale.status_code == 303, "signing out on one node ends the session on all"
    finally:
        for s in servers:
            if s is not None:
                s.stop()
