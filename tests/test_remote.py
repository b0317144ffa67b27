"""`rivalry query --endpoint`: the catalogue answers the same on a real `oxigraph serve`
(PyPI package `oxigraph`, started here on loopback) as on the embedded store."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

import servers
from conftest import rivalry
from rivalry.query import catalogue
from tools.loopback import free_port, wait_until_listening


@pytest.fixture(scope="module")
def endpoint(built, project, tmp_path_factory):
    """An Oxigraph server loaded with the built store's quads (named graphs and union)."""
    workdir = tmp_path_factory.mktemp("oxigraph")
    dump = workdir / "dump.nq"
    store = ox.Store.read_only(str(project.store_path))
    store.dump(str(dump), ox.RdfFormat.N_QUADS)
    del store
    with servers.oxigraph_loaded(workdir, dump) as url:
        yield url


def rows(result) -> list[tuple]:
    assert result.returncode == 0, result.stderr
    return sorted(tuple(r.values()) for r in csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.parametrize(
    "query",
    catalogue.load_catalogue(Path(__file__).resolve().parents[1] / "queries"),
    ids=lambda q: q.name,
)
def test_catalogue_answers_the_same_remotely(query, endpoint, project):
    local = rivalry("query", query.name, "-f", "csv", store=project.store_path)
    far = rivalry("query", query.name, "-f", "csv", "--endpoint", endpoint)
    assert rows(far) == rows(local)
    assert rows(local) or query.name in {"single-source-facts"}


def test_parameters_travel_safely(endpoint, project):
    args = ("query", "timeline", "-p", "from=2025-05-20", "-p", "to=2025-05-20", "-f", "csv")
    assert rows(rivalry(*args, "--endpoint", endpoint)) == rows(
        rivalry(*args, store=project.store_path)
    )
    hostile = rivalry("query", "entity", "-p", 'entity=x" } ?s ?p ?o {', "--endpoint", endpoint)
    assert hostile.returncode == 2


def test_serve_pages_and_sparql_from_a_remote_endpoint(endpoint):
    from test_serve import get

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rivalry", "serve", "--port", str(port), "--endpoint", endpoint],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_listening(port)
        status, _, body = get(url, "/page/chip/huawei-ascend-910c")
        assert status == 200 and "General Prohibition 10" in body.decode()
        status, _, body = get(url, "/queries/chips-singled-out?state=state:US&format=csv")
        assert status == 200 and "Huawei Ascend 910C" in body.decode()
        status, _, body = get(
            url, "/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", "application/sparql-results+json"
        )
        assert status == 200 and b"true" in body
    finally:
        server.terminate()
        server.wait(timeout=20)
