"""Open data end to end: CKAN's own command-line client, ckanapi, publishes, uploads, searches and
dumps against a real `tazakoom serve`, unchanged."""
import csv
import io
import json
import os
import subprocess

import requests

from conftest import issue_token


def ckanapi(*args):
    done = subprocess.run(["ckanapi", *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_ckanapi_works_unchanged(publishing_server, workdir):
    server = publishing_server
    token = issue_token(server.url, scopes=("opendata:write",), agency="MOH")
    remote = ["-r", server.url]
    created = json.loads(ckanapi(
        "action", "package_create", *remote, "-a", token, "name=hospitals", "title=Hospitals and beds",
        "owner_org=moh", "license_id=CC-BY-4.0", 'tags:[{"name": "health"}, {"name": "beds"}]',
        'title_translated:{"en": "Hospitals and beds", "ru": "Больницы и койки", "ky": "Ооруканалар"}'))
    assert created["name"] == "hospitals" and created["organization"]["name"] == "moh"

    data = os.path.join(workdir, "beds.csv")
    with open(data, "w", encoding="utf-8") as f:
        f.write("region,year,beds\n")
        for i in range(300):
            f.write(f"{['Chuy', 'Osh', 'Naryn'][i % 3]},{2020 + i % 5},{i}\n")
    resource = json.loads(ckanapi(
        "action", "resource_create", *remote, "-a", token, "package_id=hospitals", "name=Beds by region",
        "format=CSV", f"upload@{data}"))
    assert resource["datastore_active"] is True

    found = json.loads(ckanapi("action", "package_search", "q=койки", 'fq=tags:beds', *remote))
    assert found["count"] == 1 and found["results"][0]["name"] == "hospitals"
    by_get = json.loads(ckanapi("action", "package_search", "q=hospitals", "-g", *remote))
    assert by_get["count"] == 1

    rows = json.loads(ckanapi(
        "action", "datastore_search", f"resource_id={resource['id']}", 'filters:{"region": "Osh", "year": 2021}',
        "limit=3", *remote))
    assert rows["total"] == 20 and len(rows["records"]) == 3

    dumped = {d["name"]: d for d in map(json.loads, ckanapi("dump", "datasets", "--all", *remote).splitlines())}
    assert dumped["hospitals"]["resources"][0]["datastore_active"] is True
    # The platform's own figures, published at start through the same path.
    assert {"service-performance", "registry-sizes", "ledger-checkpoint"} <= set(dumped)

    # CKAN's errors come back as ckanapi's own exceptions, not crashes.
    refused = subprocess.run(["ckanapi", "action", "package_search", "fq=nosuch:x", *remote], capture_output=True, text=True)
    assert refused.returncode != 0 and "SearchQueryError" in refused.stderr + refused.stdout
    stranger = subprocess.run(["ckanapi", "action", "package_create", "name=x", "owner_org=moh", *remote],
                              capture_output=True, text=True)
    assert stranger.returncode != 0 and "NotAuthorized" in stranger.stderr + stranger.stdout


def test_standards_parse_and_validate(server, workdir):
    """DCAT-AP parses with rdflib (JSON-LD and Turtle, catalog and dataset); the data package
    passes `frictionless validate`, data included."""
    import rdflib
    import requests
    from rdflib.namespace import DCAT, DCTERMS, RDF

    token = issue_token(server.url, scopes=("opendata:write",), agency="MOH")
    remote = ["-r", server.url, "-a", token]
    ckanapi("action", "package_create", *remote, "name=beds", "title=Beds", "owner_org=moh", "license_id=CC-BY-4.0",
            'title_translated:{"en": "Hospital beds", "ru": "Больничные койки"}', "notes=Beds \"quoted\"\nand a new line",
            'tags:[{"name": "health"}]', 'groups:[{"name": "heal"}]', "frequency=MONTHLY", "maintainer_email=data@moh.kg")
    data = os.path.join(workdir, "beds.csv")
    with open(data, "w", encoding="utf-8") as f:
        f.write("region,year,beds,share,open,counted\n")
        for i in range(50):
            region = ["Chuy", '"Osh, city"', "Naryn"][i % 3]
            f.write(f"{region},{2020 + i % 5},{i},{i / 4},{'true' if i % 2 else 'false'},2024-02-{1 + i % 28:02d}\n")
    ckanapi("action", "resource_create", *remote, "package_id=beds", "name=Beds by region", "format=CSV", f"upload@{data}")

    for path, fmt in [("/catalog.ttl", "turtle"), ("/catalog.jsonld", "json-ld"),
                      ("/datasets/beds/dcat.ttl", "turtle"), ("/datasets/beds/dcat.jsonld", "json-ld")]:
        answer = requests.get(server.url + path, timeout=10)
        assert answer.status_code == 200, path
        graph = rdflib.Graph().parse(data=answer.text, format=fmt)
        dataset = rdflib.URIRef(server.url + "/datasets/beds")
        assert (dataset, RDF.type, DCAT.Dataset) in graph, path
        titles = {(str(t), t.language) for t in graph.objects(dataset, DCTERMS.title)}
        assert ("Больничные койки", "ru") in titles, path
        assert any(graph.objects(dataset, DCAT.distribution)), path
        assert "Beds \"quoted\"\nand a new line" in {str(d) for d in graph.objects(dataset, DCTERMS.description)}, path
        if path.startswith("/catalog"):
            assert (None, RDF.type, DCAT.Catalog) in graph

    descriptor = server.url + "/datasets/beds/datapackage.json"
    done = subprocess.run(["frictionless", "validate", "--json", descriptor], capture_output=True, text=True, timeout=120)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["valid"], done.stdout[:2000]


def test_a_person_finds_and_previews_data_in_the_browser(publishing_server, journey):
    """The journalist's journey (issue 19), in Russian: search the catalogue, open a dataset, see
    its preview table and chart, download it as CSV; axe-core finds nothing on any page."""
    from selenium.webdriver.common.by import By
    from test_portal_browser import assert_accessible, click_and_wait

    server = publishing_server
    browser = journey
    browser.get(server.url + "/?lang=ru")
    browser.get(server.url + "/datasets")
    assert_accessible(browser, "datasets")
    browser.find_element(By.ID, "q").send_keys("показатели услуг")
    click_and_wait(browser, "form.search button[type=submit]")
    assert "1 набор данных" in browser.find_element(By.TAG_NAME, "main").text
    click_and_wait(browser, "ul.results h2 a")
    main = browser.find_element(By.TAG_NAME, "main")
    assert "Показатели государственных услуг" in main.text
    assert main.find_elements(By.CSS_SELECTOR, "figure svg"), "a chart of the first rows"
    assert main.find_elements(By.CSS_SELECTOR, "table tbody tr"), "a preview table"
    assert_accessible(browser, "dataset")
    download = main.find_element(By.CSS_SELECTOR, "a[href$='/data.csv']").get_attribute("href")
    answer = requests.get(download, timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert len(rows) > 1 and len(rows[0]) == len(rows[1]), rows[:2]
    browser.set_window_size(360, 800)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), \
        "no sideways scrolling at 360 px"
