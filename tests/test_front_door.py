"""The researcher's front door (issue 17): errors instead of silence, search that lists each
entity once, the site's own error pages, the editor's no-JavaScript form, a busy port, and a
running server that sees what `rivalry add` merged. Real CLI, real server."""

from __future__ import annotations

import http.client
import socket
import time
from urllib.parse import quote, urlencode

import pytest

from conftest import ROOT, project_copy, rivalry, served

GATE = ROOT / "tests" / "gate" / "accepted"


def get(url: str, path: str) -> tuple[int, str, str]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", path)
    answer = connection.getresponse()
    body = answer.read().decode("utf-8")
    connection.close()
    return answer.status, answer.getheader("content-type", ""), body


# ---------------------------------------------------------------- parameters, on the CLI


@pytest.mark.parametrize("value", ["to=2025-02-30", "from=2025-13-01"])
def test_an_impossible_date_is_an_error_naming_the_parameter(built, project, value):
    result = rivalry("query", "timeline", "-p", value, store=project.store_path)
    assert result.returncode == 2, result.stdout
    assert value.split("=")[0] + "=" in result.stderr and "calendar date" in result.stderr


def test_a_misspelt_entity_gets_did_you_mean(built, project):
    result = rivalry("query", "entity", "-p", "entity=firm:huawie", store=project.store_path)
    assert result.returncode == 2, result.stdout
    assert "did you mean firm:huawei?" in result.stderr.lower()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("MY", "state/MY"),  # ISO 3166-1 code
        ("Q833", "state/MY"),  # Wikidata id
        ("wd:Q833", "state/MY"),
        ("Ascend 910C", "chip/huawei-ascend-910c"),  # the end of its label
        ("huawei technologies co., ltd.", "firm/huawei"),  # label, any case
    ],
)
def test_an_entity_is_found_by_code_wikidata_id_or_label(built, project, value, expected):
    result = rivalry(
        "query", "entity", "-p", f"entity={value}", "--format", "csv", store=project.store_path
    )
    assert result.returncode == 0, result.stderr
    rows = result.stdout.splitlines()
    assert len(rows) > 1 and expected in result.stdout, result.stdout[:500]


def test_a_misspelt_query_name_gets_the_nearest_without_a_path(built, project):
    result = rivalry("query", "timline", store=project.store_path)
    assert result.returncode == 2
    assert "did you mean 'timeline'" in result.stderr
    assert str(ROOT) not in result.stderr


# ---------------------------------------------------------------- the site


@pytest.fixture(scope="module")
def site(built, project):
    with served(project.store_path, "--timeout", "10") as url:
        yield url


def test_a_bad_parameter_on_the_web_is_a_400_page_with_did_you_mean(site):
    status, media, body = get(site, "/queries/entity?entity=firm:huawie")
    assert status == 400 and media.startswith("text/html")
    assert "Did you mean firm:huawei?" in body and "<nav>" in body
    status, _, body = get(site, "/queries/timeline?to=2025-02-30")
    assert status == 400 and "calendar date" in body


def test_no_error_page_shows_the_servers_folder(site):
    status, media, body = get(site, "/queries/timline")
    assert status == 400 and media.startswith("text/html")
    assert "did you mean &#x27;timeline&#x27;" in body
    assert str(ROOT) not in body and "/queries;" not in body


def test_an_unknown_path_gets_the_sites_own_404_page(site):
    status, media, body = get(site, "/no/such/page")
    assert status == 404 and media.startswith("text/html")
    assert "<nav>" in body and "Not found" in body


def test_search_lists_each_entity_once_with_its_types(site):
    _, _, body = get(site, "/search?q=Huawei")
    assert body.count("href='/page/firm/huawei'") == 1
    assert "firm" in body.split("href='/page/firm/huawei'")[1].split("</li>")[0]


def test_search_says_how_many_it_found_and_pages_them(site):
    _, _, body = get(site, "/search?q=a")
    assert "showing 1 to 50 of " in body and "page=2" in body
    total = int(body.split("showing 1 to 50 of ")[1].split(" ")[0].split("<")[0])
    assert total > 50
    _, _, second = get(site, "/search?q=a&page=2")
    assert "showing 51 to" in second


def test_search_finds_a_near_miss(site):
    _, _, body = get(site, "/search?q=Huawai")
    assert "Did you mean" in body and "/page/firm/huawei" in body


def test_the_editor_form_shows_a_construct_as_turtle(site):
    query = "CONSTRUCT { ?c a tr:Chip } WHERE { ?c a tr:Chip } LIMIT 3"
    status, _, body = get(site, "/sparql-editor?" + urlencode({"query": query}))
    assert status == 200 and "Expecting value" not in body
    turtle = body.split("<pre class='rdf'>")[1].split("</pre>")[0]
    assert "tr:Chip" in turtle
    assert "@prefix schema:" not in turtle  # only the prefixes the triples use


def test_the_editor_form_refuses_an_update_by_name(site):
    update = "PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }"
    _, _, body = get(site, "/sparql-editor?" + urlencode({"query": update}))
    assert "updates are not accepted at this endpoint" in body


def test_catalogue_queries_open_in_the_editor(site):
    _, _, listing = get(site, "/queries")
    assert listing.count("open in editor") >= 10
    _, _, result = get(site, "/queries/timeline")
    assert "open in editor" in result and "<summary>SPARQL</summary>" in result
    link = result.split("open in editor")[0].rsplit("href='", 1)[1].split("'")[0]
    status, _, editor = get(site, link.replace("&amp;", "&"))
    assert status == 200 and "SELECT DISTINCT ?from ?to" in editor


def test_the_editor_serves_its_library_and_script_locally(site):
    _, _, body = get(site, "/sparql-editor")
    for path in (
        "/static/vendor/zazuko-yasgui/yasgui.min.js",
        "/static/vendor/zazuko-yasgui/yasgui.min.css",
        "/static/editor.js",
    ):
        assert path in body
        assert get(site, path)[0] == 200
    assert "id='plain-editor'" in body and "<textarea" in body  # usable without JavaScript
    assert "https://" not in body.split("<script")[1].split("id='editor-settings'")[0]


# ---------------------------------------------------------------- serve and add


def test_serve_on_a_busy_port_says_so_before_serving(built, project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = rivalry("serve", "--port", str(port), store=project.store_path)
    assert result.returncode == 2, result.stderr
    assert "in use" in result.stderr and "Serving" not in result.stderr


def test_a_running_server_answers_with_what_rivalry_add_merged(tmp_path):
    root = project_copy(tmp_path / "project")
    store = root / ".rivalry" / "store"
    ask = "/sparql?" + urlencode(
        {"query": "ASK { chip:test-gate-ascend-920 a tr:Chip }", "format": "json"}
    )
    page = "/search?q=" + quote("Gate Ascend test part")
    with served(store, "--timeout", "10") as url:
        assert '"boolean":false' in get(url, ask)[2].replace(" ", "")
        added = rivalry(
            "add",
            "--no-owl",
            str(GATE / "new-chip-of-existing-firm.trig"),
            project=root,
            store=store,
        )
        assert added.returncode == 0, added.stdout + added.stderr
        deadline = time.monotonic() + 10
        while '"boolean":true' not in get(url, ask)[2].replace(" ", ""):
            assert time.monotonic() < deadline, "the server still answers from the old store"
            time.sleep(0.5)
        assert "/page/chip/test-gate-ascend-920" in get(url, page)[2]
