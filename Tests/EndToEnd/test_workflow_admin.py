"""The administrator publishes a process definition in a real browser, sees its diagram and tries
its decision table; axe-core finds no serious or critical violation on those pages."""
from selenium.webdriver.common.by import By

from conftest import ADMIN
from test_portal_browser import assert_accessible, click_and_wait
from test_registries import sign_in_as

SUBSIDY = """id: farm-subsidy-pilot
version: 1
title: Agricultural land subsidy
states:
  - {id: submitted, start: true, sla: 3}
  - {id: review, sla: 10}
  - {id: granted, terminal: true}
  - {id: refused, terminal: true}
actions:
  - {id: accept, from: [submitted], to: review, roles: [clerk]}
  - {id: grant, from: [review], to: granted, roles: [head]}
  - {id: refuse, from: [review], to: refused, roles: [head, specialist]}
decisionTables:
  - name: subsidy
    hitPolicy: FIRST
    inputs: [hectares]
    outputs: [amount]
    rules:
      - {when: ["< 1"], then: ["0"]}
      - {when: ["-"], then: ["hectares * 4000"]}
"""


def test_publish_see_the_diagram_and_simulate(server, browser):
    sign_in_as(browser, server.url, ADMIN)
    browser.get(server.url + "/admin/workflow")
    assert_accessible(browser, "workflow administration")
    browser.find_element(By.ID, "definition").send_keys(SUBSIDY.replace("to: granted", "to: nowhere"))
    click_and_wait(browser, "form[action='/admin/workflow'] button")
    assert "unknown state nowhere" in browser.find_element(By.ID, "definition-error").text
    assert_accessible(browser, "workflow administration with errors")
    area = browser.find_element(By.ID, "definition")
    area.clear()
    area.send_keys(SUBSIDY)
    click_and_wait(browser, "form[action='/admin/workflow'] button")
    assert browser.current_url.endswith("/admin/workflow/farm-subsidy-pilot/1")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.diagram")
    assert_accessible(browser, "process diagram")
    browser.find_element(By.ID, "facts").send_keys("hectares = 2.5")
    click_and_wait(browser, "form[action$='/simulate'] button")
    assert "10000" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    assert_accessible(browser, "decision simulator")
