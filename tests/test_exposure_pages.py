"""The exposure pages: the explanation and the ranking in `rivalry serve` (real server, over
HTTP, on the hand-written case), the entity page's link to them, and the static release's
copies written by publish/exposure_site.py."""

from __future__ import annotations

import http.client
import re
from datetime import date

import pytest

from conftest import CASES, built_project, served
from rivalry.publish.exposure_site import write_exposure
from rivalry.store.embedded import open_store

DAY = "2024-06-10"  # three paths for Malaysia in the case (tests/test_exposure.py)


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return built_project(tmp_path_factory.mktemp("pages"), [CASES / "exposure-paths.trig"])


@pytest.fixture(scope="module")
def site(case):
    with served(case.store_path, "--timeout", "10") as url:
        yield url


def get(url: str, path: str) -> tuple[int, str]:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode()


def test_explanation_page_has_each_path_the_diagram_and_linked_sources(site):
    status, page = get(site, f"/exposure/state:MY?date={DAY}")
    assert status == 200, page
    assert "Exposure of Malaysia on 2024-06-10" in page
    assert page.count("<section class='path'>") == 3
    assert "<svg" in page and "<?xml" not in page  # inline, without the prolog
    assert "hosts a project using a restricted item" in page
    assert "home of a subsidiary of a restricted firm" in page
    sources = re.findall(r"<a href='(https?://[^']+)' rel='nofollow'>", page)
    assert sources and all(s.startswith(("http://", "https://")) for s in sources)
    assert "<strong>contested</strong>" in page  # the project's contested use
    assert "href='/page/state/MY'" in page  # the entity links to its own page


def test_explanation_on_a_day_without_paths(site):
    status, page = get(site, "/exposure/state:MY?date=2024-03-15")
    assert status == 200
    assert "0 exposure paths" in page and "<svg" not in page


def test_ranking_page_links_each_row_to_its_explanation(site):
    status, page = get(site, f"/exposure?date={DAY}")
    assert status == 200, page
    assert "Exposure ranking on 2024-06-10" in page
    assert f"href='/exposure/state:MY?date={DAY}'>3</a>" in page
    linked = re.findall(r"href='(/exposure/[^']+)'", page)
    assert len(linked) >= 2
    for path in linked:
        status, explained = get(site, path.replace("&amp;", "&"))
        assert status == 200 and "Exposure of" in explained


def test_entity_page_links_to_its_explanation(site):
    status, page = get(site, "/page/state/MY")
    assert status == 200
    assert "href='/exposure/state:MY?date=2025-05-21'>How it is exposed</a>" in page


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("/exposure/state:MY?date=21-05-2025", 400, "write it as YYYY-MM-DD"),
        ("/exposure?date=tomorrow", 400, "write it as YYYY-MM-DD"),
        ("/exposure/state:ZZ?date=2024-06-10", 404, "is not in the graph"),
        ("/exposure/Malays?date=2024-06-10", 404, "did you mean state:MY"),
        ("/exposure/chip:exco-x1?date=2024-06-10", 404, "neither a state nor a firm"),
    ],
)
def test_bad_input_is_a_clear_error(site, path, code, message):
    status, page = get(site, path)
    assert status == code and message in page


def test_static_release_has_the_ranking_and_explanations(case, tmp_path):
    store = open_store(case.store_path)
    explained = write_exposure(store, tmp_path, case.queries_dir, date(2024, 6, 10))
    index = (tmp_path / "exposure" / "index.html").read_text()
    assert "Exposure ranking on 2024-06-10" in index and "<form" not in index
    assert "href='state/MY.html'>3</a>" in index
    assert len(explained) >= 2
    for iri in explained:
        key = iri.split("/id/", 1)[1]
        page = (tmp_path / "exposure" / f"{key}.html").read_text()
        assert "Exposure of" in page and "<form" not in page
        assert "href='../../exposure/index.html'" in page
    malaysia = (tmp_path / "exposure" / "state" / "MY.html").read_text()
    assert malaysia.count("<section class='path'>") == 3 and "<svg" in malaysia
    assert "href='../../id/state/MY.html'" in malaysia  # relative links into the release


@pytest.fixture(scope="module")
def remote_site(case, tmp_path_factory):
    import pyoxigraph as ox

    import servers

    workdir = tmp_path_factory.mktemp("remote-pages")
    dump = workdir / "dump.nq"
    store = ox.Store.read_only(str(case.store_path))
    store.dump(str(dump), ox.RdfFormat.N_QUADS)
    del store
    with (
        servers.oxigraph_loaded(workdir, dump) as endpoint,
        served(case.store_path, "--endpoint", endpoint, "--timeout", "10") as url,
    ):
        yield url


@pytest.mark.parametrize("entity", ["state:MY", "firm:exco-my", "firm:tw-foundry"])
def test_explanation_from_a_remote_oxigraph_is_the_same_page(site, remote_site, entity):
    path = f"/exposure/{entity}?date={DAY}"
    near, far = get(site, path), get(remote_site, path)
    assert near[0] == far[0] == 200
    assert far[1] == near[1]


def test_ranking_from_a_remote_oxigraph_has_the_same_rows(site, remote_site):
    path = f"/exposure?date={DAY}"
    near, far = get(site, path), get(remote_site, path)
    assert sorted(far[1].split("<tr>")) == sorted(near[1].split("<tr>"))
