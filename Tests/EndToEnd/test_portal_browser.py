"""A citizen in a real browser (Chromium at phone width): sign in, switch language, sign out;
axe-core 4 (the current release, bundled by the axe-playwright-python wheel) finds no violation of
any impact on the pages visited."""
import importlib.resources

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import CITIZEN, DEMO_PASSWORD, next_code

# axe-selenium-python bundles axe-core 3.x; the current axe-core 4 ships in this wheel (installed
# with --no-deps: only its JavaScript file is used, run through Selenium).
AXE_SOURCE = (importlib.resources.files("axe_playwright_python") / "axe.min.js").read_text()


def violations(driver):
    """Every axe-core violation on the current page, of any impact (moderate and minor included)."""
    driver.set_script_timeout(60)
    driver.execute_script(AXE_SOURCE)
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(done).catch(e => done({violations: [{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: []}]}));")
    return results["violations"]


def assert_accessible(driver, page):
    found = violations(driver)
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in found)
    assert not found, f"{page} ({driver.current_url}):\n{report}"


def check_page(driver):
    """In a journey: axe-core on the page just opened, when it is an HTML page; on a phone-sized
    window, the page must not scroll sideways either."""
    if driver.execute_script("return document.contentType") != "text/html":
        return
    assert_accessible(driver, "page")
    width, overflow = driver.execute_script(
        "return [window.innerWidth, document.documentElement.scrollWidth - document.documentElement.clientWidth]")
    assert width > 400 or overflow <= 0, f"{driver.current_url} scrolls sideways by {overflow}px at {width}px"


def click_and_wait(driver, selector):
    """Clicks a link or button and waits until the next page has replaced this one and loaded.

    While the old page is being torn down Chromium may answer "node does not belong to the
    document" instead of "stale element"; both mean the old page is gone."""
    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, selector).click()

    def replaced(d):
        try:
            old.tag_name
            return False
        except WebDriverException:  # StaleElementReferenceException is one of these
            return True

    WebDriverWait(driver, 15).until(replaced)
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return document.readyState") == "complete")
    if getattr(driver, "checks_every_page", False):
        check_page(driver)


def sign_in(driver, url, password=DEMO_PASSWORD):
    driver.get(url + "/signin")
    driver.find_element(By.ID, "pin").send_keys(CITIZEN)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver, "main form button[type=submit]")


def test_citizen_signs_in_switches_language_and_signs_out(server, browser):
    browser.get(server.url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    sign_in(browser, server.url)
    assert browser.current_url.endswith("/cabinet")
    assert CITIZEN in browser.find_element(By.TAG_NAME, "main").text

    click_and_wait(browser, "a[hreflang=ru]")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
    assert "Личный кабинет" in browser.find_element(By.TAG_NAME, "h1").text
    browser.get(server.url + "/")  # the choice persists without the query parameter
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"

    click_and_wait(browser, "form[action='/signout'] button")
    assert browser.find_elements(By.CSS_SELECTOR, "a[href='/signin']")
    browser.get(server.url + "/cabinet")
    assert "/signin" in browser.current_url


def test_wrong_password_shows_an_error_without_saying_why(server, browser):
    sign_in(browser, server.url, password="wrong password")
    assert browser.find_element(By.ID, "signin-error").text == "The PIN or password is not right."


def test_pages_have_no_serious_accessibility_violations(server, browser):
    for lang in ["ky", "ru", "en"]:
        browser.get(f"{server.url}/?lang={lang}")
        assert_accessible(browser, f"home ({lang})")
        browser.get(server.url + "/signin")
        assert_accessible(browser, f"sign-in ({lang})")
    browser.get(server.url + "/register")
    assert_accessible(browser, "register")
    browser.get(server.url + "/ledger")
    assert_accessible(browser, "ledger")
    for path in ["/services/no-criminal-record", "/performance", "/verify"]:
        browser.get(server.url + path)
        assert_accessible(browser, path)
    sign_in(browser, server.url)
    assert browser.current_url.endswith("/cabinet")
    assert_accessible(browser, "cabinet")


def test_pages_fit_a_360_pixel_screen(server, browser):
    browser.set_window_size(360, 740)
    sign_in(browser, server.url)
    for path in ["/", "/signin", "/cabinet", "/register", "/ledger", "/services", "/services/building-permit",
                 "/services/birth-registration/apply", "/cabinet/applications", "/performance", "/verify"]:
        browser.get(server.url + path)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"


def test_forms_work_with_javascript_off(server, workdir):
    """The portal needs no JavaScript: the same flow with it disabled."""
    import os
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=en-US"]:
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
    try:
        sign_in(driver, server.url)
        assert driver.current_url.endswith("/cabinet")
        assert CITIZEN in driver.find_element(By.TAG_NAME, "main").text
    finally:
        driver.quit()


def test_an_official_signs_in_with_a_code_from_their_authenticator(server, browser):
    clerk = "20106198800712"
    browser.get(server.url + "/signin?lang=ru")
    browser.find_element(By.ID, "pin").send_keys(clerk)
    browser.find_element(By.ID, "password").send_keys(DEMO_PASSWORD)
    click_and_wait(browser, "main form button[type=submit]")
    # The password alone opens nothing: the second step asks for the app's code.
    assert "/signin/code" in browser.current_url
    assert_accessible(browser, "second factor")
    browser.get(server.url + "/office/inbox")
    assert "/signin" in browser.current_url, "a half-signed-in official is not let into the back office"
    browser.get(server.url + "/signin/code")
    browser.find_element(By.ID, "code").send_keys("000000")
    click_and_wait(browser, "main form button[type=submit]")
    assert browser.find_element(By.ID, "code-error").text, "a wrong code is named beside the field"
    assert_accessible(browser, "second factor with an error")
    browser.find_element(By.ID, "code").send_keys(next_code(server.url, clerk))
    click_and_wait(browser, "main form button[type=submit]")
    assert browser.current_url.endswith("/cabinet")
    browser.get(server.url + "/office/inbox")
    assert browser.current_url.endswith("/office/inbox")
