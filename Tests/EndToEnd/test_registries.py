"""Registries end to end: an official looks a citizen up in a real browser and the citizen then
sees it under "Who looked at my data"; the import CLI is all-or-nothing with a report."""
import csv
import os

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import CITIZEN, DEMO_PASSWORD, give_second_factor, tazakoom
from test_portal_browser import assert_accessible, click_and_wait

CLERK = "20106198800712"  # State Registration Service


def sign_in_as(driver, url, pin):
    driver.get(url + "/signin")
    driver.find_element(By.ID, "pin").send_keys(pin)
    driver.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    click_and_wait(driver, "main form button[type=submit]")
    give_second_factor(driver, url, pin)


def test_a_citizen_sees_who_looked_at_their_data(server, browser):
    # The official: search the population register by PIN, stating the legal basis.
    sign_in_as(browser, server.url, CLERK)
    browser.get(server.url + "/office/registries")
    assert_accessible(browser, "registry search")
    Select(browser.find_element(By.ID, "target")).select_by_value("population:pin")
    browser.find_element(By.ID, "value").send_keys(CITIZEN)
    click_and_wait(browser, "main form button[type=submit]")
    assert "purpose-error" in browser.page_source, "a person's record is not shown without a legal basis"
    Select(browser.find_element(By.ID, "target")).select_by_value("population:pin")
    browser.find_element(By.ID, "value").clear()
    browser.find_element(By.ID, "value").send_keys(CITIZEN)
    browser.find_element(By.ID, "purpose").send_keys("Law on State Registration, art. 12")
    browser.find_element(By.ID, "caseNumber").send_keys("SRS-2026-0042")
    click_and_wait(browser, "main form button[type=submit]")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Токтогулова" in main and CITIZEN in main
    assert_accessible(browser, "registry search results")
    click_and_wait(browser, "form[action='/signout'] button")

    # The citizen: from the cabinet to "Who looked at my data".
    sign_in_as(browser, server.url, CITIZEN)
    assert browser.current_url.endswith("/cabinet")
    click_and_wait(browser, "a[href='/cabinet/data-access']")
    table = browser.find_element(By.CSS_SELECTOR, "main table").text
    assert "State Registration Service" in table
    assert "Law on State Registration, art. 12" in table and "SRS-2026-0042" in table
    assert browser.find_elements(By.CSS_SELECTOR, "a[href^='/ledger/entries/']")
    assert_accessible(browser, "who looked at my data")
    browser.set_window_size(360, 740)
    for path in ["/cabinet/data-access"]:
        browser.get(server.url + path)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
        # Each row is a card: no column squeezed to a letter per line.
        narrow = browser.execute_script(
            "return [...document.querySelectorAll('td')].filter(td => td.textContent.trim()"
            " && td.getBoundingClientRect().width < 150).length")
        assert narrow == 0, f"{path}: {narrow} cells narrower than 150px at 360px"
    # The linked ledger entry is a registry read.
    entry = browser.find_element(By.CSS_SELECTOR, "a[href^='/ledger/entries/']").get_attribute("href")
    browser.get(entry)
    assert "registry.read" in browser.page_source


def write_population(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["pin", "familyName", "givenName", "patronymic", "birthDate", "sex", "districtCode", "address"])
        writer.writerows(rows)


def test_import_is_all_or_nothing_with_a_report(workdir):
    db = f"sqlite:{workdir}/import.sqlite"
    good = [[f"2150319850{n:04d}", "Асанов", f"Улан{n}", "Бакытович", "1985-03-15", "male", "BIS-LEN", f"Ленин к. {n}, кв. 1"] for n in range(1, 2001)]
    bad = [row[:] for row in good]
    bad[999][5] = "unknown"  # line 1001
    bad_file = os.path.join(workdir, "bad.csv")
    write_population(bad_file, bad)
    refused = tazakoom("import", "registry", "population", bad_file, "--database-url", db)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "Nothing imported" in refused.stdout and "line 1001, sex" in refused.stdout
    with open(bad_file + ".rejected.csv", encoding="utf-8") as f:
        assert "1001,sex," in f.read()

    good_file = os.path.join(workdir, "good.csv")
    write_population(good_file, good)
    done = tazakoom("import", "registry", "population", good_file, "--database-url", db, "--reason", "census 2026")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Imported 2000 rows into population" in done.stdout
    assert "rows/s" in done.stderr  # the progress bar

    out = os.path.join(workdir, "out.csv")
    exported = tazakoom("export", "registry", "population", out, "--database-url", db)
    assert exported.returncode == 0, exported.stderr
    with open(out, encoding="utf-8") as f:
        assert len(list(csv.reader(f))) == 2001
    missing = tazakoom("import", "registry", "nothing", good_file, "--database-url", db)
    assert missing.returncode != 0 and "no registry called nothing" in missing.stderr


def test_an_import_killed_halfway_leaves_nothing(workdir):
    """kill -9 in the middle of a large import: after restart the registry holds none of its rows."""
    import signal
    import subprocess
    import time

    from conftest import BINARY, ROOT

    db = f"sqlite:{workdir}/killed.sqlite"
    big = os.path.join(workdir, "big.csv")
    with open(big, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["pin", "familyName", "givenName", "patronymic", "birthDate", "sex", "districtCode", "address"])
        # 300,000 valid, distinct PINs: born on different days of 1950-1990, sequence numbers 1-99.
        import datetime
        day = datetime.date(1950, 1, 1)
        for n in range(300_000):
            d = day + datetime.timedelta(days=n % 14000)
            writer.writerow([f"2{d.day:02d}{d.month:02d}{d.year}{n // 14000 + 1:05d}", "Асанов", f"Улан{n}", "", d.isoformat(), "male", "BIS-LEN", ""])
    assert tazakoom("migrate", "--database-url", db).returncode == 0
    process = subprocess.Popen([BINARY, "import", "registry", "population", big, "--database-url", db],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    # Kill it once the progress bar shows rows stored (and long before the end).
    import threading
    seen = []
    reader = threading.Thread(target=lambda: seen.extend(iter(lambda: process.stderr.read(64), b"")), daemon=True)
    reader.start()
    deadline = time.time() + 60
    while time.time() < deadline and b" rows, " not in b"".join(seen):
        time.sleep(0.05)
    assert process.poll() is None, "the import should still be running"
    assert b" rows, " in b"".join(seen), "the import should have stored rows by now"
    process.send_signal(signal.SIGKILL)
    process.wait()
    export = os.path.join(workdir, "after.csv")
    out = tazakoom("export", "registry", "population", export, "--database-url", db)
    assert out.returncode == 0, out.stderr
    with open(export, encoding="utf-8") as f:
        assert len(list(csv.reader(f))) == 1, "only the header: nothing of the killed import"
    assert tazakoom("ledger", "verify", "--database-url", db).returncode == 0
