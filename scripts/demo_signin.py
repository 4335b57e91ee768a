"""Signing in to a demo platform as its people do, for scripts and end-to-end tests.

Officials and administrators give a second factor after the password: the code of the demo
authenticator secret (printed by `tazakoom serve`). A code is accepted once (RFC 6238 replay rule),
so the codes handed out here never repeat a step for the same account on the same server; when the
three steps around now are used, they wait for the next one as a person waits for the app."""
import base64
import hashlib
import hmac
import re
import struct
import time

DEMO_PASSWORD = "demo-taza-koom"
DEMO_SECRET = "TAZAKOOMDEMOSECONDFACTORDEMOKEYS"
_last_step = {}


def totp(secret, step):
    """The six-digit RFC 6238 code of a Base32 secret for a 30-second step."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def next_code(base, pin, secret=DEMO_SECRET):
    """A demo code for `pin` on the server at `base` whose step no earlier code used."""
    now = int(time.time()) // 30
    # The server accepts the steps before and after its own. The step before is only safe early in a
    # window: typed in its last seconds, it is two behind by the time the server checks it.
    earliest = now - 1 if time.time() % 30 < 20 else now
    step = max(earliest, _last_step.get((base, pin), -1) + 1)
    if step > now + 1:  # all three accepted steps are used: wait for the next one
        time.sleep((step - 1) * 30 - time.time() + 0.2)
    _last_step[(base, pin)] = step
    return totp(secret, step)


def sign_in(session, base, pin, password=DEMO_PASSWORD):
    """Signs a `requests.Session` in (with the second step when the account has one); returns the
    session's form token, which signing in renews."""
    csrf = re.search(r'name="_csrf" value="([^"]+)"', session.get(base + "/signin").text).group(1)
    answer = session.post(base + "/signin", data={"_csrf": csrf, "pin": pin, "password": password}, allow_redirects=False)
    if answer.headers.get("Location", "").startswith("/signin/code"):
        code = session.post(base + "/signin/code", data={"_csrf": session.cookies["tk_csrf"], "code": next_code(base, pin)},
                            allow_redirects=False)
        assert code.status_code == 303, code.text[:300]
    return session.cookies["tk_csrf"]
