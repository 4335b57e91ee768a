"""E-services end to end, in a real browser and with real servers: a new citizen finds the
criminal-record certificate in Kyrgyz, applies, pays, receives the signed certificate and verifies
it; officials of two agencies decide a building permit from their inboxes; axe-core finds no
serious or critical violation on the catalogue, form, cabinet, inbox and case pages; kill -9
under load loses no acknowledged application."""
import json
import os
import re
import subprocess
import threading
import time
import uuid

import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import (DEMO_PASSWORD, Server, give_second_factor, issue_token, sign_in_session, tazakoom,
                      unclaimed_resident, wait_for_sms)
from test_portal_browser import assert_accessible, click_and_wait
from test_registries import sign_in_as

APPLICANT = "20303198500231"      # Bakyt Asanov, demo citizen
SRS_HEAD = "13009197500333"
BCH_HEAD = "11003198100266"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 200


def session_for(url, pin):
    s = requests.Session()
    return s, sign_in_session(s, url, pin)  # signing in renews the form token (it belongs to the session)


def apply_for_permit(url):
    s, csrf = session_for(url, APPLICANT)
    form = s.get(url + "/services/building-permit/apply")
    key = re.search(r'name="idempotencyKey" value="([^"]+)"', form.text).group(1)
    r = s.post(url + "/services/building-permit/apply", files={
        "_csrf": (None, csrf), "idempotencyKey": (None, key), "intent": (None, "submit"), "parcel": (None, "1-01-01-0000-0001"),
        "zone": (None, "residential"), "floors": (None, "4"), "area": (None, "320"), "site_plan": ("plan.png", PNG, "image/png")})
    assert r.status_code == 200 and "/cabinet/applications/TK-" in r.url, r.text[:500]
    return r.url.rsplit("/", 1)[1], s


def test_a_new_citizen_gets_a_certificate_in_kyrgyz_and_verifies_it(server, journey):
    """The citizen's journey (issue 19), in Kyrgyz on a 360-pixel phone: register, raise the
    account's assurance, apply, pay, follow the case, appeal a refusal, verify the document."""
    url = server.url
    browser = journey
    browser.set_window_size(360, 740)
    resident = unclaimed_resident(server)
    pin = resident["pin"]
    # Register, as a new citizen would: the account is of low assurance.
    browser.get(url + "/register?lang=ky")
    browser.find_element(By.ID, "pin").send_keys(pin)
    browser.find_element(By.ID, "familyName").send_keys(resident["familyName"])
    browser.find_element(By.ID, "givenName").send_keys(resident["givenName"])
    browser.find_element(By.ID, "password").send_keys("жаңы-сырсөз-2026")
    click_and_wait(browser, "main form button[type=submit]")
    sign_in_as_with(browser, url, pin, "жаңы-сырсөз-2026")

    # Raise it to substantial with the code sent by SMS to the phone the population register holds.
    assert browser.find_element(By.ID, "cabinet-assurance").text == "Төмөн"
    click_and_wait(browser, "#raise-assurance")
    assert_accessible(browser, "assurance")
    click_and_wait(browser, "#send-code")
    assert resident["phone"][-3:] in browser.find_element(By.ID, "code-sent").text
    code = re.search(r"\b(\d{6})\b", wait_for_sms(server, resident["phone"])).group(1)
    browser.find_element(By.ID, "code").send_keys("000000" if code != "000000" else "111111")
    click_and_wait(browser, "#confirm-code")
    assert browser.find_element(By.ID, "code-error").text, "a wrong code is named beside the field"
    browser.find_element(By.ID, "code").send_keys(code)
    click_and_wait(browser, "#confirm-code")
    assert browser.find_element(By.ID, "assurance-level").text == "Жогорулатылган"
    assert_accessible(browser, "assurance raised")

    # The catalogue, in Kyrgyz: search for the certificate (it needs a substantial account).
    browser.get(url + "/services")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ky"
    browser.find_element(By.ID, "q").send_keys("соттуулугу")
    click_and_wait(browser, "form[role=search] button[type=submit]")
    assert_accessible(browser, "catalogue")
    click_and_wait(browser, "a[href='/services/no-criminal-record']")
    assert "Соттуулугу жок" in browser.find_element(By.TAG_NAME, "h1").text
    click_and_wait(browser, "a[href='/services/no-criminal-record/apply']")
    assert_accessible(browser, "application form")

    # The form: names come from the register now; a missing answer is reported beside its field.
    assert resident["familyName"] in browser.find_element(By.TAG_NAME, "main").text
    click_and_wait(browser, "button[value=submit]")
    assert browser.find_element(By.ID, "purpose-error").text
    assert_accessible(browser, "form with errors")
    Select(browser.find_element(By.ID, "purpose")).select_by_value("employment")
    click_and_wait(browser, "button[value=submit]")

    # The cabinet: waiting for payment; pay through the test bank.
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "awaiting_payment"
    assert_accessible(browser, "cabinet: application")
    click_and_wait(browser, "#pay")
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "issued"
    tracking = browser.find_element(By.ID, "tracking-number").text
    assert tracking.startswith("TK-")
    rows = browser.find_elements(By.CSS_SELECTOR, "a[href^='/ledger/entries/']")
    assert len(rows) >= 3, "each step of the timeline links its ledger entry"

    # The signed certificate, then its public verification page.
    click_and_wait(browser, "#document-link")
    assert resident["givenName"] in browser.find_element(By.ID, "holder").text
    document = browser.find_element(By.ID, "document-id").text
    assert_accessible(browser, "document")
    # The QR code on the document decodes (Debian's zbarimg, from what Chromium shows) to the full
    # verification address, printed beside it; that address says genuine.
    address = browser.find_element(By.ID, "verify-address").text
    assert address == url + "/verify/" + document
    qr_png = os.path.join(os.path.dirname(server.log.name), "qr.png")
    with open(qr_png, "wb") as f:
        f.write(browser.find_element(By.ID, "document-qr").screenshot_as_png)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", qr_png], capture_output=True, text=True, timeout=30)
    assert decoded.stdout.strip() == address, decoded.stderr
    browser.get(url + "/cabinet/applications")
    assert tracking in browser.page_source
    assert_accessible(browser, "cabinet: applications")

    # A second application, for the land subsidy: its published rules refuse a crop outside the
    # programme at once, and the refusal is appealed, with grounds, from the application's page.
    browser.get(url + "/services/land-subsidy/apply")
    Select(browser.find_element(By.ID, "crop")).select_by_value("other")
    Select(browser.find_element(By.ID, "irrigated")).select_by_value("no")
    browser.find_element(By.ID, "hectares").send_keys("2")
    click_and_wait(browser, "button[value=submit]")
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "refused"
    browser.find_element(By.ID, "appeal").send_keys("Жүгөрү дагы дан эгини болуп саналат")
    click_and_wait(browser, "#send-appeal")
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "under_appeal"
    browser.get(url + "/cabinet/notifications")
    assert browser.find_elements(By.CSS_SELECTOR, "main li"), "the steps of both cases were notified"
    browser.delete_all_cookies()
    browser.get(url + "/verify/" + document)
    verdict = browser.find_element(By.ID, "verdict")
    assert "genuine" in verdict.get_attribute("class")
    assert pin not in browser.page_source, "the public page masks the PIN"

    # The same file, changed by one letter, fails; the original passes offline too.
    signed_in = requests.Session()
    csrf = sign_in_session(signed_in, url, pin, "жаңы-сырсөз-2026")
    original = signed_in.get(f"{url}/documents/{document}/document.json").text
    forged = original.replace("employment", "adoption")
    check = signed_in.post(url + "/verify", files={"_csrf": (None, csrf), "document": (None, forged)})
    assert check.status_code == 422
    path = os.path.join(os.path.dirname(server.log.name), "certificate.json")
    with open(path, "w") as f:
        f.write(original)
    keys = os.path.join(os.path.dirname(server.log.name), "keys.json")
    with open(keys, "w") as f:
        f.write(requests.get(url + "/api/v1/agency-keys").text)
    out = tazakoom("verify-document", path, "--keys", keys)
    assert out.returncode == 0 and out.stdout.startswith("valid"), out.stdout + out.stderr
    with open(path, "w") as f:
        f.write(forged)
    assert tazakoom("verify-document", path).returncode == 1


def sign_in_as_with(driver, url, pin, password):
    driver.get(url + "/signin")
    driver.find_element(By.ID, "pin").send_keys(pin)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver, "main form button[type=submit]")
    give_second_factor(driver, url, pin)


def decide_from_inbox(browser, url, official, application, action, reason):
    browser.delete_all_cookies()
    sign_in_as(browser, url, official)
    browser.get(url + "/office/inbox")
    assert_accessible(browser, "inbox")
    badge = browser.find_element(By.CSS_SELECTOR, "span.badge")
    assert badge.text
    click_and_wait(browser, f"a[href='/office/cases/{application}']")
    assert_accessible(browser, "case")
    Select(browser.find_element(By.ID, "action")).select_by_value(action)
    click_and_wait(browser, "#decide")
    assert browser.find_element(By.ID, "reason-error").text, "a decision needs a reason"
    Select(browser.find_element(By.ID, "action")).select_by_value(action)
    browser.find_element(By.ID, "reason").send_keys(reason)
    click_and_wait(browser, "#decide")
    assert browser.find_element(By.CSS_SELECTOR, "p.notice[role=status]").text


def test_officials_of_two_agencies_decide_a_building_permit_from_their_inboxes(server, journey):
    """The official's journey (issue 19), in English at desk width: sign in with the password and
    the authenticator's code, decide the case from the inbox; the second agency's head does too."""
    url = server.url
    browser = journey
    browser.set_window_size(1280, 900)
    application, citizen = apply_for_permit(url)
    decide_from_inbox(browser, url, SRS_HEAD, application, "confirm_title", "Участок зарегистрирован за заявителем")
    decide_from_inbox(browser, url, BCH_HEAD, application, "approve", "Проект соответствует генеральному плану")
    page = citizen.get(f"{url}/cabinet/applications/{application}")
    assert 'data-status="issued"' in page.text and "Проект соответствует генеральному плану" in page.text


def submit_load(url, token, acknowledged, stop, worker):
    n = 0
    while not stop.is_set():
        n += 1
        key = f"crash-{worker}-{n}-{uuid.uuid4().hex[:8]}"
        try:
            r = requests.post(url + "/api/v1/registration/services/land-subsidy/applications",
                              json={"applicantId": APPLICANT, "formData": {"crop": "wheat", "irrigated": "yes", "hectares": 1 + n % 7}},
                              headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key}, timeout=10)
        except requests.RequestException:
            continue
        if r.status_code == 201:
            acknowledged.append(r.json()["fileId"])


def test_kill_9_under_load_keeps_every_acknowledged_application(workdir):
    database_url = f"sqlite:{workdir}/tk.sqlite"
    log = os.path.join(workdir, "server.log")
    server = Server(database_url, log)
    token = issue_token(server.url, scopes=("application:write", "application:read"), agency="MOA")
    acknowledged, stop = [], threading.Event()
    threads = [threading.Thread(target=submit_load, args=(server.url, token, acknowledged, stop, w)) for w in range(8)]
    for t in threads:
        t.start()
    time.sleep(3)
    server.kill()  # clients are still submitting
    stop.set()
    for t in threads:
        t.join()
    assert len(acknowledged) > 20, "applications were acknowledged before the kill"
    server = Server(database_url, log, port=server.port)
    try:
        for file_id in acknowledged:
            r = requests.get(f"{server.url}/api/v1/registration/applications/{file_id}", headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, f"acknowledged application {file_id} is lost"
    finally:
        server.stop()
    out = tazakoom("ledger", "verify", "--database-url", database_url)
    assert out.returncode == 0, out.stderr
