"""Issue 17's "errors, not silence" and the front door's bugs: parameters resolved or refused
with a "did you mean", catalogue typos, the editor's CONSTRUCT and updates, search, the
site's own 404, no server paths in errors, and a busy port."""

from __future__ import annotations

import http.client
import socket
from urllib.parse import quote, urlencode

import pytest

from conftest import ROOT, rivalry
from rivalry.query import catalogue, execute

QUERIES = ROOT / "queries"


def entity_of(store, value: str) -> str:
    query = catalogue.find(QUERIES, "relations-as-of")
    bound = execute.bind(store, query, {"entity": value, "date": "2025-05-21"})
    return next(v.value for k, v in bound.items() if k.value == "entity")


@pytest.mark.parametrize(
    ("given", "iri"),
    [
        ("firm:huawei", "firm/huawei"),
        ("Huawei Technologies Co., Ltd.", "firm/huawei"),  # a name, punctuation aside
        ("huawei technologies", "firm/huawei"),
        ("MY", "state/MY"),  # an ISO code
        ("Q833", "state/MY"),  # a Wikidata id
        ("Ascend 910C", "chip/huawei-ascend-910c"),  # a part of the chip's name
    ],
)
def test_entity_parameters_take_what_people_type(store, given: str, iri: str) -> None:
    assert entity_of(store, given).endswith("/id/" + iri)


@pytest.mark.parametrize(
    ("given", "suggestion"),
    [
        ("firm:huawie", "did you mean firm:huawei"),
        ("Huawai", "firm:huawei"),
        ("state:JA", "did you mean state:JP"),
    ],
)
def test_an_unknown_entity_is_an_error_with_the_nearest(store, given: str, suggestion: str):
    with pytest.raises(execute.ParamError, match=suggestion):
        entity_of(store, given)


def test_the_cli_refuses_an_unknown_entity_with_exit_2(built, project) -> None:
    out = rivalry("query", "relations-as-of", "-p", "entity=firm:huawie", store=project.store_path)
    assert out.returncode == 2, out.stdout
    assert "did you mean firm:huawei?" in out.stderr
    assert "0 rows" not in out.stdout


def test_a_catalogue_typo_names_the_nearest_query_and_no_folder(built, project) -> None:
    out = rivalry("query", "timline", store=project.store_path)
    assert out.returncode == 2
    assert "did you mean 'timeline'?" in out.stderr and str(ROOT) not in out.stderr


def get(url: str, path: str) -> tuple[int, str]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", path, headers={"Accept": "text/html"})
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8")


def test_the_web_form_gives_a_400_page_with_the_same_message(endpoint) -> None:
    status, body = get(endpoint, "/queries/relations-as-of?entity=firm:huawie&date=2025-05-21")
    assert status == 400 and "<!doctype html>" in body
    assert "did you mean firm:huawei?" in body


def test_errors_never_show_the_servers_folder(endpoint) -> None:
    status, body = get(endpoint, "/queries/timline")
    assert status == 400 and "timeline" in body
    assert str(ROOT) not in body


def test_an_unknown_path_gets_the_sites_own_404_page(endpoint) -> None:
    status, body = get(endpoint, "/no/such/page")
    assert status == 404 and "<!doctype html>" in body and "/queries" in body


def editor(endpoint: str, query: str) -> tuple[int, str]:
    return get(endpoint, "/sparql-editor?" + urlencode({"query": query}))


def test_the_editor_shows_a_construct_as_turtle(endpoint) -> None:
    status, body = editor(
        endpoint, "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a tr:Chip ; rdfs:label ?l } LIMIT 3"
    )
    assert status == 200 and "Expecting value" not in body
    assert "<pre class='rdf'>" in body and ("rdf-schema#label" in body or "rdfs:label" in body)


def test_the_editor_refuses_an_update_as_an_update(endpoint) -> None:
    _, body = editor(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert "Updates are not accepted here" in body


def test_search_lists_each_entity_once(endpoint) -> None:
    _, body = get(endpoint, "/search?q=Huawei")
    assert body.count("href='/page/firm/huawei'") == 1


def test_search_suggests_a_near_miss(endpoint) -> None:
    _, body = get(endpoint, "/search?q=" + quote("Huawai"))
    assert "Did you mean" in body and "/page/firm/huawei" in body


def test_serve_on_a_busy_port_is_a_usage_error_before_serving(built, project) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = rivalry("serve", "--port", str(port), store=project.store_path)
    assert out.returncode == 2
    assert "Address already in use" in out.stderr and "--port" in out.stderr
    assert "Serving" not in out.stderr
