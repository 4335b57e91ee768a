"""E-participation in Chromium as a new citizen would take part: register, raise the account to
substantial by SMS, comment on a passage of the demo draft law in Russian and reply, sign a
petition (once, then withdraw and sign again), vote in Bishkek's participatory budget after an
over-budget ballot is refused beside its field; axe-core finds nothing on any of those pages. The
petition's tally is then recounted from the public ledger with `tazakoom participation recount`."""
import json
import re
import sqlite3
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import tazakoom, wait_for_sms
from test_portal_browser import assert_accessible, click_and_wait
from test_services import sign_in_as_with


def unclaimed_bishkek_resident(server):
    """A resident of Bishkek in the demo population register who has no account yet."""
    path = server.database_url.removeprefix("sqlite:")
    with sqlite3.connect(path) as db:
        taken = {row[0] for row in db.execute("SELECT pin FROM people")}
        for (content,) in db.execute("SELECT content FROM rr_population ORDER BY record_key"):
            person = json.loads(content)
            if (person["pin"] not in taken and person.get("phone")
                    and person.get("districtCode", "").startswith("BIS")):
                return person
    raise AssertionError("no unclaimed resident of Bishkek")


def become_substantial_citizen(server, browser, password="новый-пароль-2026"):
    resident = unclaimed_bishkek_resident(server)
    browser.get(server.url + "/register?lang=ru")
    browser.find_element(By.ID, "pin").send_keys(resident["pin"])
    browser.find_element(By.ID, "familyName").send_keys(resident["familyName"])
    browser.find_element(By.ID, "givenName").send_keys(resident["givenName"])
    browser.find_element(By.ID, "password").send_keys(password)
    click_and_wait(browser, "main form button[type=submit]")
    sign_in_as_with(browser, server.url, resident["pin"], password)
    click_and_wait(browser, "#raise-assurance")
    click_and_wait(browser, "#send-code")
    code = re.search(r"\b(\d{6})\b", wait_for_sms(server, resident["phone"])).group(1)
    browser.find_element(By.ID, "code").send_keys(code)
    click_and_wait(browser, "#confirm-code")
    return resident


def test_a_new_citizen_comments_signs_and_votes_in_russian(server, journey):
    """The participant's journey (issue 19), in Russian: comment on a draft law, sign a petition,
    vote in a budget, then see who read their data."""
    url = server.url
    browser = journey
    become_substantial_citizen(server, browser)
    browser.get(url + "/participation")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
    assert_accessible(browser, "participation")

    # A comment on the third article of the draft, marking the words it is about; then a reply.
    click_and_wait(browser, "a[href^='/consultations/']")
    assert_accessible(browser, "consultation")
    browser.find_element(By.ID, "comment-on-2").click()
    browser.find_element(By.ID, "passage-2-text").send_keys("<b>жирный</b>")
    click_and_wait(browser, "#send-comment-2")
    assert browser.find_element(By.ID, "passage-2-error").text, "markup is refused beside the field"
    assert_accessible(browser, "consultation with an error")
    browser.find_element(By.ID, "passage-2-quote").send_keys("четырнадцати рабочих дней")
    text = browser.find_element(By.ID, "passage-2-text")
    text.clear()
    text.send_keys("Предлагаю сократить срок ответа до семи рабочих дней.")
    click_and_wait(browser, "#send-comment-2")
    assert browser.find_element(By.ID, "notice").text == "Ваш комментарий опубликован."
    passage = browser.find_element(By.ID, "passage-2")
    assert "Предлагаю сократить срок ответа до семи рабочих дней." in passage.text
    assert passage.find_element(By.TAG_NAME, "blockquote").text == "четырнадцати рабочих дней"
    passage.find_element(By.CSS_SELECTOR, ".comment details.reply-form summary").click()
    passage.find_element(By.CSS_SELECTOR, ".comment details.reply-form textarea").send_keys(
        "Согласен, семи дней достаточно.")
    click_and_wait(browser, "#passage-2 .comment details.reply-form button[type=submit]")
    assert "Согласен, семи дней достаточно." in browser.find_element(By.CSS_SELECTOR, "#passage-2 .reply").text
    assert_accessible(browser, "consultation with a thread")

    # The petition: signed once, however often; withdrawn; signed again.
    browser.get(url + "/participation")
    click_and_wait(browser, "ul.results a[href^='/petitions/']")
    assert_accessible(browser, "petition")
    click_and_wait(browser, "#sign-petition")
    assert browser.find_element(By.ID, "notice").text == "Ваша подпись учтена."
    assert browser.find_element(By.ID, "petition-signatures").text == "1 подпись"
    assert browser.find_elements(By.CSS_SELECTOR, "figure svg"), "signatures by region as a chart"
    assert_accessible(browser, "petition signed")
    petition = browser.current_url.rsplit("/", 1)[1]
    browser.refresh()  # Post/Redirect/Get: a reload sends nothing again
    assert browser.find_element(By.ID, "petition-signatures").text == "1 подпись"
    click_and_wait(browser, "#withdraw-signature")
    assert browser.find_element(By.ID, "petition-signatures").text == "0 подписей"
    click_and_wait(browser, "#sign-petition")

    # The budget: an over-budget ballot comes back beside the choices; a fitting one is counted.
    browser.get(url + "/participation")
    click_and_wait(browser, "a[href^='/budgets/']")
    assert_accessible(browser, "budget")
    for box in browser.find_elements(By.CSS_SELECTOR, "input[name=choices]"):
        box.click()
    click_and_wait(browser, "#cast-ballot")
    assert "больше бюджета" in browser.find_element(By.ID, "choices-error").text
    assert_accessible(browser, "budget with an error")
    boxes = browser.find_elements(By.CSS_SELECTOR, "input[name=choices]")
    assert all(box.is_selected() for box in boxes), "what was chosen is kept"
    for box in boxes[1:]:
        box.click()
    click_and_wait(browser, "#cast-ballot")
    assert browser.find_element(By.ID, "notice").text == "Ваш бюллетень учтён."
    assert browser.find_element(By.ID, "budget-ballots").text == "1 бюллетень"
    assert_accessible(browser, "budget voted")
    budget = browser.current_url.rsplit("/", 1)[1]

    # Who read their data: the checks behind registering, raising the account and signing, each
    # with the agency and the purpose, each linked to its ledger entry.
    browser.get(url + "/cabinet")
    click_and_wait(browser, "a[href='/cabinet/data-access']")
    assert browser.find_elements(By.CSS_SELECTOR, "main table tbody tr"), "the reads are listed"
    assert browser.find_elements(By.CSS_SELECTOR, "main table a[href^='/ledger/entries/']")

    # Anyone recounts the petition and the budget from the public ledger alone and gets the published
    # figures, once the ledger's next signed checkpoint covers the last entries (every 10 s here).
    deadline = time.time() + 40
    while True:
        done = tazakoom("participation", "recount", petition, "--url", url)
        votes = tazakoom("participation", "recount", "--budget", budget, "--url", url)
        assert done.returncode == 0 and votes.returncode == 0, done.stderr + votes.stderr
        if done.stdout.strip().endswith("signatures: 1") and votes.stdout.strip().endswith(" 1"):
            break
        assert time.time() < deadline, done.stdout + votes.stdout
        time.sleep(2)


def test_officials_publish_answer_and_moderate_in_the_browser(server, browser):
    """The city hall's head publishes a draft and answers a comment in English; an administrator
    handles a report in Kyrgyz; axe-core finds nothing on the officials' and moderators' pages."""
    from conftest import ADMIN
    from test_registries import sign_in_as
    from test_services import BCH_HEAD

    url = server.url
    sign_in_as(browser, url, BCH_HEAD)
    browser.get(url + "/office/participation?lang=en")
    assert_accessible(browser, "office participation")
    browser.find_element(By.ID, "new-draft").click()
    browser.find_element(By.ID, "draft-title").send_keys("City rules for keeping dogs")
    browser.find_element(By.ID, "draft-text").send_keys(
        "Article 1. Dogs are walked on a lead in parks.\n\nArticle 2. Owners clean up after their dogs.")
    click_and_wait(browser, "#publish-draft")
    assert browser.find_element(By.ID, "notice").text == "The draft is published for comment."
    assert_accessible(browser, "office consultation")
    office_page = browser.current_url

    # A resident comments (as a request, to keep the test short), the head answers in the browser.
    import requests
    from conftest import CITIZEN, sign_in_session
    citizen = requests.Session()
    csrf = sign_in_session(citizen, url, CITIZEN)
    public = office_page.replace("/office/consultations/", "/consultations/")
    posted = citizen.post(public + "/comments", data={"_csrf": csrf, "passage": "1", "text": "Add fines, please."})
    assert posted.status_code == 200 and "#comment-" in posted.url, posted.text[:300]
    browser.get(office_page)
    Select(browser.find_element(By.CSS_SELECTOR, "select[name=handling]")).select_by_value("accepted")
    browser.find_element(By.CSS_SELECTOR, "textarea[name=response]").send_keys("A fine of 500 som is added.")
    click_and_wait(browser, "form[action$='/answer'] button[type=submit]")
    assert "A fine of 500 som is added." in browser.find_element(By.TAG_NAME, "main").text
    assert_accessible(browser, "office consultation answered")

    # The resident reports another comment; the administrator hides it from the queue, in Kyrgyz.
    comment = posted.url.rsplit("#comment-", 1)[1]
    filed = citizen.post(url + "/reports", data={"_csrf": csrf, "target": f"comment:{comment}", "reason": "spam"})
    assert filed.status_code == 200, filed.text[:300]
    browser.delete_all_cookies()
    sign_in_as(browser, url, ADMIN)
    browser.get(url + "/office/moderation?lang=ky")
    assert_accessible(browser, "moderation")
    click_and_wait(browser, "button[id^=hide-]")
    assert browser.find_element(By.ID, "notice").text == "Чечимиңиз жазылды."
    browser.get(public)
    assert browser.find_element(By.ID, f"comment-{comment}-hidden").text.startswith("Модератор жашырды")
    assert_accessible(browser, "consultation with a hidden comment")
