"""Journeys of a citizen and an official as issue 14 describes them, in Chromium: reloading and
switching language after a form (Post/Redirect/Get), an application by keyboard alone, an appeal in
Kyrgyz on a phone, records, the ledger explorer, search and the dashboard in Russian. axe-core 4
finds no violation of any impact on every page visited."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import CITIZEN
from test_portal_browser import assert_accessible, click_and_wait
from test_registries import sign_in_as
from test_services import APPLICANT, BCH_HEAD, SRS_HEAD, apply_for_permit, decide_from_inbox, session_for


def decide(url, official, application, action, reason):
    """An official's decision through the portal's form, outside the browser."""
    session, csrf = session_for(url, official)
    answer = session.post(f"{url}/office/cases/{application}/decide",
                          data={"_csrf": csrf, "action": action, "reason": reason}, allow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]


def focus_outline(browser):
    return browser.execute_script(
        "const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth")


def test_after_paying_a_reload_or_another_language_sends_nothing_again(server, browser):
    url = server.url
    browser.set_window_size(1280, 900)
    sign_in_as(browser, url, CITIZEN)
    browser.get(url + "/services/no-criminal-record/apply?lang=ru")
    Select(browser.find_element(By.ID, "purpose")).select_by_value("employment")
    click_and_wait(browser, "button[value=submit]")
    application = browser.current_url
    click_and_wait(browser, "#pay")
    # The answer to the form is a page of its own (303): its address is the application's.
    assert browser.current_url == application
    assert browser.find_element(By.ID, "notice").text
    receipts = browser.find_element(By.TAG_NAME, "main").text.count("R-")
    assert_accessible(browser, "paid application")
    browser.refresh()
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "issued"
    assert not browser.find_elements(By.ID, "notice"), "the message is shown once"
    assert browser.find_element(By.TAG_NAME, "main").text.count("R-") == receipts, "nothing paid twice"
    click_and_wait(browser, "a[hreflang=ky]")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ky"
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "issued"
    assert_accessible(browser, "paid application in Kyrgyz")


def test_an_application_by_keyboard_alone(server, browser):
    url = server.url
    browser.set_window_size(1280, 900)
    sign_in_as(browser, url, CITIZEN)
    browser.get(url + "/services/court-case-status/apply?lang=en")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    skip = browser.switch_to.active_element
    assert skip.get_attribute("class") == "skip", "the first stop is the skip link"
    assert not focus_outline(browser).startswith("none"), "focus is visible"
    skip.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "main")

    def tab_to(element_id, limit=40):
        for _ in range(limit):
            browser.switch_to.active_element.send_keys(Keys.TAB)
            if browser.switch_to.active_element.get_attribute("id") == element_id:
                assert not focus_outline(browser).startswith("none"), f"focus on {element_id} is visible"
                return browser.switch_to.active_element
        raise AssertionError(f"{element_id} not reached by TAB")

    # Sent empty: the error summary takes focus, counts the problems and links to each field.
    tab_to("submit-application").send_keys(Keys.ENTER)
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.ID, "error-summary"))
    assert browser.title.startswith("Error:")
    WebDriverWait(browser, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "error-summary")
    assert_accessible(browser, "form with errors")
    browser.switch_to.active_element.send_keys(Keys.TAB)
    link = browser.switch_to.active_element
    assert link.get_attribute("href").endswith("#caseNumber")
    link.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "caseNumber")
    field = browser.switch_to.active_element
    assert field.get_attribute("aria-describedby") and "caseNumber-error" in field.get_attribute("aria-describedby")
    field.send_keys("ГД-55/26")
    role = tab_to("role")
    role.send_keys(Keys.ARROW_DOWN)
    tab_to("submit-application").send_keys(Keys.ENTER)
    WebDriverWait(browser, 15).until(lambda d: "/cabinet/applications/TK-" in d.current_url)
    assert browser.find_element(By.ID, "status").get_attribute("data-status")
    assert "TK-" in browser.title, "the title says which application"
    assert_accessible(browser, "application sent by keyboard")


def test_a_refused_applicant_appeals_in_kyrgyz_on_a_phone(server, browser):
    url = server.url
    application, _ = apply_for_permit(url)
    decide(url, SRS_HEAD, application, "confirm_title", "Участок зарегистрирован за заявителем")
    decide(url, BCH_HEAD, application, "refuse", "Проект не согласован")
    browser.set_window_size(360, 740)
    sign_in_as(browser, url, APPLICANT)
    browser.get(f"{url}/cabinet/applications/{application}?lang=ky")
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "refused"
    assert browser.find_element(By.ID, "appeal-right").text
    assert_accessible(browser, "refused application (ky, 360 px)")
    overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"scrolls sideways by {overflow}px at 360px"
    click_and_wait(browser, "#send-appeal")
    assert browser.find_element(By.ID, "appeal-error").text, "grounds are required"
    assert browser.switch_to.active_element.get_attribute("id") == "error-summary"
    browser.find_element(By.ID, "appeal").send_keys("Долбоор ГУАиГ менен макулдашылган")
    click_and_wait(browser, "#send-appeal")
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "under_appeal"
    assert browser.find_element(By.ID, "notice").text
    assert_accessible(browser, "appealed application (ky, 360 px)")
    # The head of the city hall sees the grounds and sets the refusal aside.
    decide_from_inbox(browser, url, BCH_HEAD, application, "overturn_refusal", "Макулдашуу бар")
    browser.delete_all_cookies()
    sign_in_as(browser, url, APPLICANT)
    browser.get(f"{url}/cabinet/applications/{application}")
    assert browser.find_element(By.ID, "status").get_attribute("data-status") == "in_progress"


def test_records_ledger_search_and_dashboard_in_russian(server, browser):
    url = server.url
    browser.set_window_size(1280, 900)
    sign_in_as(browser, url, CITIZEN)
    browser.get(url + "/cabinet/records?lang=ru")
    assert "1-01-00-0000-0000" in browser.find_element(By.TAG_NAME, "main").text
    assert_accessible(browser, "my records")
    browser.get(url + "/ledger")
    Select(browser.find_element(By.ID, "kind")).select_by_value("registry.read")
    click_and_wait(browser, "#find-entries")
    entries = browser.find_elements(By.CSS_SELECTOR, "#entries a[href^='/ledger/entries/']")
    assert entries, "the reads of her records are in the ledger"
    assert_accessible(browser, "ledger explorer")
    click_and_wait(browser, "#entries a[href^='/ledger/entries/']")
    assert browser.find_element(By.ID, "entry-what").text == "Чтение персональных данных"
    assert_accessible(browser, "ledger entry")
    browser.get(url + "/services?q=справка+о+несудимости")
    assert browser.find_elements(By.CSS_SELECTOR, "a[href='/services/no-criminal-record']")
    browser.get(url + "/services?q=квадроцикл")
    assert browser.find_element(By.ID, "suggestions").text
    assert_accessible(browser, "catalogue: nothing found")
    browser.get(url + "/performance")
    assert len(browser.find_elements(By.TAG_NAME, "figcaption")) == 4
    assert_accessible(browser, "performance")
    browser.set_window_size(360, 740)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the dashboard scrolls sideways by {overflow}px at 360px"
