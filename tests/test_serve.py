"""`rivalry serve` against real clients: SPARQLWrapper, rdflib's SPARQLStore, plain HTTP,
and headless Chromium driven by Playwright. The server runs as a subprocess on loopback."""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

from conftest import ROOT, SCREENSHOTS
from rivalry.web.html import Linker
from tools.loopback import free_port, wait_until_listening


@pytest.fixture(scope="module")
def server(built, project):
    port = free_port()
    env = {**os.environ, "RIVALRY_STORE": str(project.store_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "rivalry", "serve", "--port", str(port), "--timeout", "3"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_listening(port)
    yield url
    process.terminate()
    process.wait(timeout=20)


def get(url: str, path: str, accept: str | None = None, timeout: float = 30):
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    connection.request("GET", path, headers={"Accept": accept} if accept else {})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def post(url: str, path: str, body: str, kind: str, headers: dict | None = None):
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("POST", path, body=body, headers={"Content-Type": kind, **(headers or {})})
    response = connection.getresponse()
    return response.status, response.read()


CHIPS = "SELECT ?chip ?label WHERE { ?chip a tr:Chip ; rdfs:label ?label } ORDER BY ?label"


def chip_count(url: str) -> int:
    """How many chips the served graph holds, so tests follow the data as it grows."""
    query = quote("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a tr:Chip }")
    status, _, body = get(url, f"/sparql?query={query}", "application/sparql-results+json")
    assert status == 200
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def reference_state_codes() -> list[str]:
    graph = rdflib.Dataset()
    graph.parse(ROOT / "graph" / "reference" / "iso-3166.trig", format="trig")
    iso = rdflib.URIRef("https://w3id.org/tech-rivalry/ontology#isoCode")
    return sorted(str(code) for _, _, code, _ in graph.quads((None, iso, None, None)))


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_format(server, fmt):
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(CHIPS)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    if fmt == JSON:
        labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    elif fmt == XML:
        labels = [n.firstChild.data for n in result.getElementsByTagName("literal")]
    elif fmt == CSV:
        text = result.decode() if isinstance(result, bytes) else result
        labels = [row["label"] for row in csv.DictReader(io.StringIO(text))]
    else:  # TSV writes terms in their SPARQL/Turtle form
        text = result.decode() if isinstance(result, bytes) else result
        labels = [line.split("\t")[1] for line in text.splitlines()[1:]]
        assert '"Huawei Ascend 910C"@en' in labels
        return
    assert "Huawei Ascend 910C" in labels


def test_sparqlwrapper_construct_and_ask(server):
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery("CONSTRUCT { ?c a tr:Chip } WHERE { ?c a tr:Chip }")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == chip_count(server) >= 3
    client.setQuery('ASK { ?s tr:isoCode "MY" }')
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore(server):
    store = SPARQLStore(f"{server}/sparql", returnFormat="json")
    rows = list(
        store.query(
            "PREFIX tr: <https://w3id.org/tech-rivalry/ontology#> "
            "SELECT ?s WHERE { ?s tr:isoCode ?code } ORDER BY ?code"
        )
    )
    codes = [str(r[0]).rsplit("/", 1)[1] for r in rows]
    assert codes == reference_state_codes()
    assert {"CN", "MY", "US"} <= set(codes)


def test_post_form_and_direct_body(server):
    host, port = server.removeprefix("http://").split(":")
    for body, kind in (
        (f"query={quote(CHIPS)}", "application/x-www-form-urlencoded"),
        (CHIPS, "application/sparql-query"),
    ):
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request(
            "POST",
            "/sparql",
            body=body,
            headers={"Content-Type": kind, "Accept": "application/sparql-results+json"},
        )
        response = connection.getresponse()
        assert response.status == 200
        assert len(json.loads(response.read())["results"]["bindings"]) == chip_count(server)


def test_protocol_errors(server):
    status, _, body = get(server, "/sparql?query=" + quote("SELECT WHERE {"))
    assert status == 400 and b"Malformed" in body
    status, _, _ = get(server, "/sparql?update=" + quote("CLEAR ALL"))
    assert status == 400  # update by GET is never allowed
    assert post(server, "/sparql", "CLEAR ALL", "application/sparql-update")[0] == 403
    status, _, body = get(
        server,
        "/sparql?query=" + quote("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"),
    )
    assert status == 400 and b"SERVICE" in body


def test_service_description_on_bare_get(server):
    status, _, body = get(server, "/sparql")
    assert status == 200
    graph = rdflib.Graph().parse(data=body.decode(), format="turtle")
    assert any("sparql-service-description#endpoint" in str(p) for p in graph.predicates())


def test_linked_data_303_and_content_negotiation(server):
    path = "/id/chip/huawei-ascend-910c"
    status, headers, _ = get(server, path, "text/html")
    assert status == 303 and headers["location"] == "/page/chip/huawei-ascend-910c"
    status, headers, _ = get(server, path, "text/turtle")
    assert status == 303 and headers["location"].endswith(".ttl")
    status, headers, body = get(server, headers["location"])
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert any(t.object == ox.Literal("Huawei Ascend 910C", language="en") for t in triples)
    status, _, body = get(server, "/data/chip/huawei-ascend-910c.jsonld")
    assert status == 200 and json.loads(body)


def test_void(server):
    status, _, body = get(server, "/.well-known/void")
    assert status == 200
    assert "void:triples" in body.decode()
    assert list(ox.parse(body, format=ox.RdfFormat.TURTLE))


def test_catalogue_query_downloads_csv(server):
    status, headers, body = get(server, "/queries/chips-singled-out?state=state:US&format=csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert "Huawei Ascend 910C" in body.decode()


def test_a_pathological_query_times_out_and_others_are_served(server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    outcome = {}

    def hog():
        outcome["slow"] = get(server, "/sparql?query=" + quote(slow))[0]

    thread = threading.Thread(target=hog)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, _ = get(server, "/sparql?query=" + quote(CHIPS))
    fast = time.monotonic() - started
    thread.join(60)
    assert status == 200
    assert outcome["slow"] == 503
    assert fast < 3  # answered while the slow query still ran: not a timing assert on speed


def test_html_never_links_dangerous_iris():
    linker = Linker("https://w3id.org/tech-rivalry/")
    assert "<a" not in linker.link("javascript:alert(1)")
    assert "&lt;script&gt;" in linker.link("https://example.org/", "<script>x</script>")
    assert linker.link("https://w3id.org/tech-rivalry/id/firm/huawei").startswith(
        "<a href='/page/firm/huawei'>"
    )


def test_browser_finds_who_restricts_the_910c(server, chromium):
    """Headless Chromium: search, follow a link, run a catalogue query, read the table."""
    page = chromium.new_page()
    try:
        page.goto(server + "/")
        page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)
        page.fill("input[name=q]", "Ascend 910C")
        page.click("button[type=submit]")
        page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=True)
        page.click("ul.results a >> text=Huawei Ascend 910C")
        assert page.locator("h1").inner_text() == "Huawei Ascend 910C"
        referred = page.locator("table").nth(1).inner_text()
        assert "General Prohibition 10" in referred  # who restricts it, with the source beside
        page.screenshot(path=str(SCREENSHOTS / "entity.png"), full_page=True)
        page.goto(server + "/queries")
        page.click("button >> text=Run chips-singled-out")
        rows = page.locator("table tbody tr")
        status, _, body = get(server, "/queries/chips-singled-out?state=state:US&format=csv")
        assert status == 200 and rows.count() == len(body.decode().splitlines()) - 1 >= 3
        assert "Huawei Ascend 910C" in page.locator("table").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "query.png"), full_page=True)
        with page.expect_download() as download:
            page.click("a >> text=CSV")
        assert Path(download.value.path()).read_text().startswith("state,")
    finally:
        page.close()


def test_vocabulary_iris_resolve(server):
    status, _, body = get(server, "/ontology")
    assert status == 200 and "id='Chip'" in body.decode()
    status, headers, body = get(server, "/ontology", "text/turtle")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    assert len(list(ox.parse(body, format=ox.RdfFormat.TURTLE))) > 500
    status, _, body = get(server, "/shapes")
    assert status == 200 and "StateShape" in body.decode()


def test_source_page_lists_what_the_document_contributed(server):
    status, _, body = get(server, "/page/source/thestar-2025-05-21-miti")
    text = body.decode()
    assert status == 200 and "What this document contributed" in text
    assert "Ministry of Investment, Trade and Industry" in text


def test_nameless_neighbours_are_named_by_kind_and_links(server):
    """A qualified node (a project participation) has no label; the page names it by its kind
    and what it links instead of printing its raw IRI."""
    status, _, body = get(server, "/page/firm/skyvast")
    text = body.decode()
    assert status == 200
    assert "project participation: " in text and "developer" in text
    assert ">participation:my-strategic-ai-infrastructure-skyvast" not in text


def test_result_row_limit_is_signalled_not_truncated(built, project):
    from rivalry.serve.workers import Request, ResultTooLarge, WorkerPool

    pool = WorkerPool(str(project.store_path), size=1, timeout=30, row_limit=5)
    try:
        with pytest.raises(ResultTooLarge, match="more than 5 rows"):
            pool.run(Request("SELECT * WHERE { ?s ?p ?o }"))
        body, _ = pool.run(Request("SELECT * WHERE { ?s ?p ?o } LIMIT 5"))
        assert len(json.loads(body)["results"]["bindings"]) == 5
    finally:
        pool.close()


def test_updates_need_the_flag_and_the_token(built, tmp_path, project):
    store = tmp_path / "store"
    shutil.copytree(project.store_path, store)
    port = free_port()
    env = {**os.environ, "RIVALRY_STORE": str(store), "RIVALRY_UPDATE_TOKEN": "s3cret-token"}
    process = subprocess.Popen(
        [sys.executable, "-m", "rivalry", "serve", "--port", str(port), "--allow-update"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    insert = "INSERT DATA { <https://example.org/t> <https://example.org/p> 1 }"
    ask = "/sparql?query=" + quote("ASK { <https://example.org/t> ?p ?o }")
    try:
        wait_until_listening(port)
        assert post(url, "/sparql", insert, "application/sparql-update")[0] == 401
        wrong = {"Authorization": "Bearer nope"}
        assert post(url, "/sparql", insert, "application/sparql-update", wrong)[0] == 401
        assert b"false" in get(url, ask, "application/sparql-results+json")[2]
        right = {"Authorization": "Bearer s3cret-token"}
        assert post(url, "/sparql", insert, "application/sparql-update", right)[0] == 204
        assert b"true" in get(url, ask, "application/sparql-results+json")[2]
        load = "LOAD <http://127.0.0.1:9/x.ttl>"
        assert post(url, "/sparql", load, "application/sparql-update", right)[0] == 400
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_the_vendored_browser_libraries_are_served_from_the_package(server):
    status, headers, body = get(server, "/static/vendor/echarts/echarts.min.js")
    assert status == 200 and headers["content-type"].startswith(("text/javascript", "application/"))
    assert len(body) > 100_000
    status, _, body = get(server, "/static/vendor/MANIFEST.json")
    assert status == 200 and b'"@zazuko/yasgui"' in body
    assert get(server, "/static/../serve/app.py")[0] == 404
