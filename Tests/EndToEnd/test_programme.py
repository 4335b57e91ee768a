"""The programme dashboard and an emergency alert in Chromium: a visitor reads the dashboard in
Kyrgyz on a 360-pixel screen and follows a figure to how it is computed; the platform's
administrator publishes a mudflow alert for Chüy (a form without Russian comes back beside the
field first); a resident of Chüy then sees the banner on every page and gets the SMS, and a
resident of Osh does not see it. axe-core finds nothing on any of those pages."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import wait_for_sms
from test_portal_browser import assert_accessible, click_and_wait
from test_registries import sign_in_as

ADMINISTRATOR = "11502198000555"
CHUY_RESIDENT = ("22511197901022", "+996 700 301 022")
OSH_RESIDENT = "20303198500231"


def test_the_dashboard_reads_on_a_small_screen_and_links_each_figure_to_its_method(server, browser):
    browser.set_window_size(360, 800)
    try:
        browser.get(server.url + "/programme?lang=ky")
        assert browser.find_element(By.TAG_NAME, "h1").text == "«Таза Коом»: программанын жүрүшү"
        assert browser.find_elements(By.CSS_SELECTOR, "svg.chart"), "ICT statistics by region as a chart"
        assert browser.find_elements(By.CSS_SELECTOR, "svg.progress"), "progress against target"
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 360
        assert_accessible(browser, "programme dashboard")
        click_and_wait(browser, "a[href='/programme/indicators/broadband-coverage']")
        assert "Санариптик өнүктүрүү министрлиги" in browser.find_element(By.TAG_NAME, "main").text
        assert browser.find_elements(By.CSS_SELECTOR, "a[href='/datasets/programme-indicators']")
        assert_accessible(browser, "indicator page")
    finally:
        browser.set_window_size(1280, 900)


def fill_alert(browser, languages):
    Select(browser.find_element(By.ID, "category")).select_by_value("Geo")
    Select(browser.find_element(By.ID, "severity")).select_by_value("Severe")
    Select(browser.find_element(By.ID, "urgency")).select_by_value("Immediate")
    Select(browser.find_element(By.ID, "certainty")).select_by_value("Likely")
    box = browser.find_element(By.ID, "regions-CHU")
    if not box.is_selected():
        box.click()
    texts = {
        "ky": ("Сел коркунучу", "Дарыя нугунан алыс болуңуз."),
        "ru": ("Угроза селя", "Держитесь подальше от русел рек."),
        "en": ("Mudflow warning", "Stay away from riverbeds."),
    }
    for language in languages:
        headline, instruction = texts[language]
        field = browser.find_element(By.ID, f"headline_{language}")
        field.clear()
        field.send_keys(headline)
        field = browser.find_element(By.ID, f"instruction_{language}")
        field.clear()
        field.send_keys(instruction)


def test_an_alert_reaches_the_residents_of_its_region(server, journey):
    """The alert's journey (issue 19): the administrator publishes it in English,
    a resident of the region sees it in Russian on every page and by SMS, a resident elsewhere not."""
    url = server.url
    browser = journey
    sign_in_as(browser, url, ADMINISTRATOR)
    browser.get(url + "/office/programme?lang=en")
    assert_accessible(browser, "office programme")
    fill_alert(browser, ["ky", "en"])
    click_and_wait(browser, "#publish-alert")
    assert browser.find_element(By.ID, "headline_ru-error").text, "Russian is missing, beside the field"
    assert browser.find_element(By.ID, "headline_ky").get_attribute("value") == "Сел коркунучу", "typed text kept"
    assert_accessible(browser, "alert form with errors")
    fill_alert(browser, ["ru"])
    click_and_wait(browser, "#publish-alert")
    assert browser.current_url.endswith("/alerts")
    assert browser.find_element(By.ID, "notice").text
    assert_accessible(browser, "alerts page")

    browser.delete_all_cookies()
    resident, phone = CHUY_RESIDENT
    sign_in_as(browser, url, resident)
    browser.get(url + "/?lang=ru")
    banner = browser.find_element(By.ID, "emergency")
    assert "Угроза селя" in banner.text and "Держитесь подальше от русел рек." in banner.text
    assert_accessible(browser, "home page with an alert banner")
    browser.get(url + "/services")
    assert browser.find_elements(By.ID, "emergency"), "the banner is on every page"
    assert "Угроза селя" in wait_for_sms(server, phone)

    browser.delete_all_cookies()
    sign_in_as(browser, url, OSH_RESIDENT)
    browser.get(url + "/")
    assert not browser.find_elements(By.ID, "emergency"), "not for Osh"
