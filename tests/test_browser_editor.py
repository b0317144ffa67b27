"""The SPARQL editor in Debian's headless Chromium: YASGUI draws a SELECT as a table and a
CONSTRUCT as Turtle, completes from the ontology, opens catalogue examples, keeps the query
in the URL, and asks no host but the server for anything."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from conftest import SCREENSHOTS, served

# YASQE checks the syntax as typed and flags an undeclared prefix, as any SPARQL editor does
PROLOGUE = (
    "PREFIX tr: <https://w3id.org/tech-rivalry/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


@pytest.fixture(scope="module")
def site(built, project):
    with served(project.store_path, "--timeout", "10") as url:
        yield url


@pytest.fixture
def browser_page(site, chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    seen = {"requests": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    yield page, seen
    page.close()


def _run(page, query: str) -> None:
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "q => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(q)", PROLOGUE + query
    )
    assert page.locator(".yasqe .CodeMirror-gutter-elt .parseErrorIcon").count() == 0
    page.click(".yasqe_queryButton")
    page.wait_for_function("document.getElementById('status').textContent.includes('ms')")


def _only_the_server(site: str, seen: dict) -> None:
    host = urlsplit(site).netloc
    elsewhere = [u for u in seen["requests"] if not u.startswith("data:")]
    elsewhere = [u for u in elsewhere if urlsplit(u).netloc != host]
    assert not elsewhere, elsewhere
    assert not seen["errors"], seen["errors"]


def _visible(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0


def test_the_editor_draws_a_select_as_a_sortable_counted_table(site, browser_page):
    page, seen = browser_page
    page.goto(site + "/sparql-editor")
    query = "SELECT ?chip ?label WHERE { ?chip a tr:Chip ; rdfs:label ?label } ORDER BY ?label"
    _run(page, query)
    table = page.locator(".yasr table.dataTable")
    table.wait_for()
    _visible(table)
    assert page.locator("#plain-editor").is_hidden()  # YASGUI replaced the plain form
    assert page.locator(".yasr table.dataTable tbody tr").count() >= 3
    assert "Huawei Ascend 910C" in table.inner_text()
    assert "rows" in page.locator("#status").inner_text()
    assert "query=" in page.url  # the permalink
    page.screenshot(path=str(SCREENSHOTS / "editor-select.png"), full_page=True)
    # the permalink opens the same query
    page.goto(page.url)
    page.wait_for_selector(".yasqe .CodeMirror")
    text = page.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")
    assert "?chip a tr:Chip" in text
    _only_the_server(site, seen)


def test_the_editor_draws_a_construct_as_turtle(site, browser_page):
    page, seen = browser_page
    page.goto(site + "/sparql-editor")
    _run(page, "CONSTRUCT { ?c a tr:Chip ; rdfs:label ?l } WHERE { ?c a tr:Chip ; rdfs:label ?l }")
    page.click(".yasr .select_response")
    response = page.locator(".yasr .CodeMirror")
    response.wait_for()
    _visible(response)
    assert "tr:Chip" in response.inner_text() or "ontology#Chip" in response.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "editor-construct.png"), full_page=True)
    _only_the_server(site, seen)


def test_the_editor_opens_catalogue_examples_and_completes_locally(site, browser_page):
    page, seen = browser_page
    page.goto(site + "/sparql-editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.select_option("#examples", "chips-singled-out")
    page.wait_for_function(
        "document.querySelector('.tab.active') && "
        "document.querySelector('.tab.active').textContent.includes('chips-singled-out')"
    )
    text = page.evaluate(
        "[...document.querySelectorAll('.yasqe .CodeMirror')]"
        ".map(e => e.CodeMirror.getValue()).join('\\n')"
    )
    assert "#+ summary" in text
    # completion of an ontology term, from the page's own list
    page.evaluate(
        "() => { const cm = [...document.querySelectorAll('.yasqe .CodeMirror')]"
        ".find(e => e.offsetParent).CodeMirror; cm.setValue('PREFIX tr: <https://w3id.org/tech-rivalry/ontology#>\\n"
        "SELECT * WHERE { ?s tr:desig'); cm.setCursor({line: 1, ch: 40}); cm.focus(); }"
    )
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints")
    hints.wait_for(timeout=5000)
    assert "designedBy" in hints.inner_text() or "designates" in hints.inner_text()
    _only_the_server(site, seen)


def test_the_editor_page_still_works_without_javascript(site, built, chromium):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        query = "CONSTRUCT { ?c a tr:Chip } WHERE { ?c a tr:Chip } LIMIT 2"
        page.goto(site + "/sparql-editor?" + urlencode({"query": query}))
        assert "tr:Chip" in page.locator("pre.rdf").inner_text()
        page.fill("textarea[name=query]", "SELECT ?c WHERE { ?c a tr:Chip }")
        with page.expect_navigation():  # the form's GET: count the rows of the new page
            page.click("button >> text=Run")
        assert page.locator("table tbody tr").count() >= 3
    finally:
        context.close()
