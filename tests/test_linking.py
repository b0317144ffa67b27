"""`rivalry link wikidata` against a real `oxigraph serve` loaded with a hand-written,
Wikidata-shaped sample: states by ISO code, firms and bodies by label and class, an
ambiguous label reported and never linked, and a proposal that goes through `rivalry add`."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import servers
from conftest import project_copy, rivalry
from test_gate import snapshot
from tools.loopback import free_port

SAMPLES = Path(__file__).parent / "importing"
WD = "http://www.wikidata.org/entity/"


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("wikidata")
    with servers.oxigraph_loaded(workdir, SAMPLES / "wikidata-sample.ttl") as url:
        yield url


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A project copy with states (FR, DE, AE) that have no Wikidata link yet."""
    root = project_copy(tmp_path_factory.mktemp("link") / "project")
    args = (
        "import",
        "csl",
        str(SAMPLES / "csl-sample.csv"),
        "--retrieved",
        "2026-11-20",
        "--no-owl",
    )
    result = rivalry(*args, project=root, store=root / ".rivalry" / "store")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def run(workspace: Path, *args: str):
    return rivalry(*args, project=workspace, store=workspace / ".rivalry" / "store")


def links(workspace: Path, endpoint: str) -> dict[str, list[dict]]:
    result = run(workspace, "link", "wikidata", "--endpoint", endpoint, "--format", "json")
    assert result.returncode == 0, result.stderr
    found: dict[str, list[dict]] = {}
    for row in json.loads(result.stdout):
        found.setdefault(row["entity"], []).append(row)
    return found


def test_finds_unique_links_and_reports_ambiguous_ones(workspace, wikidata):
    before = snapshot(workspace)
    found = links(workspace, wikidata)
    unique = {e: rows[0]["qid"] for e, rows in found.items() if rows[0]["status"] == "unique"}
    assert unique == {
        "state:FR": "Q142",
        "state:DE": "Q183",
        "state:AE": "Q878",
        "firm:huawei": "Q900000001",  # by its alias "Huawei"
        "firm:hisilicon": "Q900000002",  # through a subclass of company
        "body:us-bis": "Q900000010",
    }
    mofcom = found["body:cn-mofcom"]
    assert {r["status"] for r in mofcom} == {"ambiguous"}
    assert {r["qid"] for r in mofcom} == {"Q900000011", "Q900000012"}
    assert "Thailand" in " ".join(r["description"] for r in mofcom)
    assert found["firm:skyvast"][0]["status"] == "no match"  # same label, but a film
    assert "state:MY" not in found  # already linked
    assert snapshot(workspace) == before  # reporting writes nothing


def test_table_for_people(workspace, wikidata):
    result = run(workspace, "link", "wikidata", "--endpoint", wikidata)
    assert result.returncode == 0, result.stderr
    assert "ambiguous" in result.stdout and "body:cn-mofcom" in result.stdout
    assert "6 unique, 1 ambiguous" in " ".join(result.stdout.split())


def test_proposal_goes_through_add(workspace, wikidata, tmp_path):
    proposal = tmp_path / "wikidata-links.trig"
    result = run(workspace, "link", "wikidata", "--endpoint", wikidata, "--write", str(proposal))
    assert result.returncode == 0, result.stderr
    text = proposal.read_text()
    assert "Q900000011" not in text and "Q900000012" not in text  # ambiguous: not proposed
    assert "tr:linkQuery" in text and wikidata in text
    added = run(workspace, "add", str(proposal), "--no-owl")
    assert added.returncode == 0, added.stdout + added.stderr
    after = links(workspace, wikidata)
    assert "firm:huawei" not in after and "state:FR" not in after
    assert after["body:cn-mofcom"][0]["status"] == "ambiguous"


def test_unreachable_endpoint(workspace):
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    result = run(workspace, "link", "wikidata", "--endpoint", endpoint, "--timeout", "5")
    assert result.returncode == 2
    assert f"{endpoint}: the endpoint failed" in result.stderr


def test_queries_say_who_is_asking(workspace):
    """Wikimedia asks clients for a descriptive User-Agent; every query carries ours."""
    agents = []

    class Endpoint(BaseHTTPRequestHandler):
        def do_POST(self):
            agents.append(self.headers["User-Agent"])
            self.rfile.read(int(self.headers["Content-Length"]))
            body = b'{"head": {"vars": []}, "results": {"bindings": []}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        result = run(workspace, "link", "wikidata", "--endpoint", endpoint, "-f", "csv")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert agents and all(a.startswith("rivalry/") and "tech-rivalry" in a for a in agents)
