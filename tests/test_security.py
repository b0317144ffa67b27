"""Security of the public surface (RELIABILITY.md §3.4): federation and LOAD refused, the
endpoint read-only, no SPARQL built by string formatting in ``src/``, pages that cannot run
injected script, no path traversal, body-size limits, loopback by default, and no known
vulnerable dependency."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from conftest import ROOT, served
from rivalry.kernel.namespaces import GRAPH, ID, RDFS, TR
from scorecard import record
from test_conformance_sparql import send

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _count(endpoint: str) -> bytes:
    status, _, body = send(endpoint, "GET", "/sparql?query=" + quote(COUNT))
    assert status == 200
    return body


def test_service_and_load_are_refused(endpoint, canary):
    attempts = [
        f"SELECT * WHERE {{ SERVICE <{canary.url}/sparql> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{canary.url}/s> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o SERVICE <{canary.url}/x> {{ ?s ?q ?r }} }} LIMIT 1",
    ]
    for query in attempts:
        status, _, body = send(endpoint, "GET", "/sparql?query=" + quote(query))
        assert status == 400 and b"SERVICE" in body, (status, body)
    assert canary.hits == []
    record("security", service_rejected=len(attempts), service_tried=len(attempts))


def test_the_words_in_strings_iris_and_comments_are_not_refused(endpoint):
    innocent = [
        'SELECT * WHERE { ?s ?p "Secret Service" } LIMIT 1',
        "SELECT * WHERE { ?s ?p ?o FILTER (?o != <https://example.org/service/load>) } LIMIT 1",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # load more later",
        "SELECT * WHERE { ?s ?p '''a\nSERVICE <http://x> {}''' }",
    ]
    for query in innocent:
        status, _, body = send(endpoint, "GET", "/sparql?query=" + quote(query))
        assert status == 200, (query, status, body)
    record("security", service_false_rejections=0, innocent_queries=len(innocent))


def test_public_endpoint_is_read_only(endpoint, canary):
    before = _count(endpoint)
    updates = [
        "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
        "CLEAR ALL",
        "DROP ALL",
        "LOAD <file:///etc/hostname>",
        f"LOAD <{canary.url}/data.ttl>",
        "DELETE WHERE { ?s ?p ?o }",
    ]
    writes = 0
    for update in updates:
        for method, path, body, kind in (
            ("GET", "/sparql?update=" + quote(update), None, None),
            ("POST", "/sparql", "update=" + quote(update), "application/x-www-form-urlencoded"),
            ("POST", "/sparql", update, "application/sparql-update"),
            ("POST", "/sparql", update, "application/sparql-query"),
        ):
            headers = {"Content-Type": kind} if kind else {}
            status, _, answer = send(endpoint, method, path, body and body.encode(), headers)
            writes += int(status < 300)
            assert 400 <= status < 500, (method, update, status, answer)
    assert _count(endpoint) == before
    assert canary.hits == []
    record("security", update_attempts=len(updates) * 4, update_successes=writes)


# ------------------------------------------------------------------ no string-built SPARQL

SPARQL_SYNTAX = re.compile(
    r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\s*[?*{(]|\bWHERE\s*\{|\b(INSERT|DELETE)\s+(DATA\s*)?\{"
    r"|\bFILTER\s*\(|\bVALUES\s*[(?]|(?<!@)\bPREFIX\s+\w*:|\bSERVICE\s*<",
    re.IGNORECASE,
)
# functions that build SPARQL text from trusted parts, each with why it is safe
ALLOWED = {
    "query/execute.py:with_values": "terms are written by pyoxigraph's serialiser (escaped "
    "N-Triples): a VALUES block, which Oxigraph plans joins from and remote endpoints need",
    "reason/rules.py:<module>": "fixed text around the project's own inferred-graph IRI",
    "reason/rules.py:as_insert": "rewrites the project's own rule files (ontology/rules/*.rq)",
    "validate/candidates.py:_value_violation": "compiles the project's shapes; every term is "
    "written by pyoxigraph's serialiser",
    "validate/candidates.py:some_value": "part of _value_violation's compiler",
    "validate/candidates.py:candidates": "compiles the project's shapes into candidate queries",
    "query/remote.py:declared": "the project's own prefix table",
    "validate/owl.py:_out_of_range": "one ontology property and its range, IRIs written by "
    "pyoxigraph's serialiser, in a VALUES block",
    "validate/sparql_shapes.py:query": "IRIs from the project's shapes files",
    "analysis/exposure/walker.py:run_many": "a VALUES block of IRIs written by pyoxigraph's "
    "serialiser (a frontier of the walk, batched)",
    "analysis/exposure/walker.py:_read_links": "one ontology property IRI written by pyoxigraph's "
    "serialiser",
    "query/remote.py:quads_for_pattern": "VALUES of terms written by pyoxigraph's serialiser",
    "push/transfer.py:_update_replace": "INSERT DATA of triples and a graph IRI written by "
    "pyoxigraph's "
    "N-Triples serialiser, the only way to send data by SPARQL Update",
}


def _formatted_strings(tree: ast.AST):
    """(function, line, literal text) of every f-string, %-format and .format() in a module."""

    def visit(node, function):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node.name
        text = None
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        elif (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Mod)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
        ):
            text = node.left.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
        ):
            text = str(node.func.value.value)
        if text is not None:
            yield function, node.lineno, text
        for child in ast.iter_child_nodes(node):
            yield from visit(child, function)

    yield from visit(tree, "<module>")


def test_lint_finds_string_built_sparql():
    sample = "def f(x):\n    return f\"SELECT ?s WHERE {{ ?s ?p '{x}' }}\"\n"
    assert [t for _, _, t in _formatted_strings(ast.parse(sample)) if SPARQL_SYNTAX.search(t)]


def test_no_sparql_is_built_by_string_formatting_in_src():
    source = ROOT / "src" / "rivalry"
    hits, used = [], set()
    for path in sorted(source.rglob("*.py")):
        module = str(path.relative_to(source))
        for function, line, text in _formatted_strings(ast.parse(path.read_text())):
            if SPARQL_SYNTAX.search(text):
                if f"{module}:{function}" in ALLOWED:
                    used.add(f"{module}:{function}")
                else:
                    hits.append(f"src/rivalry/{module}:{line} in {function}: {text[:60]!r}")
    record("security", lint_hits=len(hits))
    assert not hits, "bind values with substitutions=, never by formatting: " + "; ".join(hits)
    assert used == set(ALLOWED), f"stale allow-list entries: {set(ALLOWED) - used}"


# ------------------------------------------------------------------ pages, paths, limits

XSS_LABELS = [
    "<script>alert('label')</script>",
    "\"><img src=x onerror=alert('attr')>",
    "'><svg onload=alert(1)>",
    "\u202eevil\u202c",
]
XSS_LINKS = ["javascript:alert('link')", "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E"]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, project):
    """``rivalry serve`` on a store whose labels and links carry markup and script IRIs."""
    path = tmp_path_factory.mktemp("xss") / "store"
    store = ox.Store(str(path))
    graph = ox.NamedNode(GRAPH + "xss")
    firm = ox.NamedNode(ID + "firm/xss")
    label, website = ox.NamedNode(RDFS + "label"), ox.NamedNode(TR + "website")
    quads = [ox.Quad(firm, label, ox.Literal(t, language="en"), graph) for t in XSS_LABELS]
    quads += [ox.Quad(firm, website, ox.NamedNode(i), graph) for i in XSS_LINKS]
    quads += [ox.Quad(q.subject, q.predicate, q.object) for q in quads]  # the union graph
    store.extend(quads)
    store.flush()
    del store
    with served(path, "--workers", "1") as url:
        yield url


class ActiveContent(HTMLParser):
    """Collects what a browser would run: script elements, on* handlers, script/data links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        given = dict(attrs)
        if tag == "script" and _own_script(given):
            return
        if tag == "link" and given.get("rel") == "icon" and given.get("href") == "data:,":
            return  # an empty icon, so browsers do not ask for /favicon.ico
        if tag in ("script", "iframe", "object", "embed", "svg", "img"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.found.append(f"{tag} {name}={value}")


def _own_script(attrs: dict) -> bool:
    """The site's own files (same origin, under /static/) or inert JSON data: never the graph's
    text. Anything else, inline code included, counts as active content."""
    if attrs.get("type") == "application/json":
        return True
    return (attrs.get("src") or "").startswith("/static/")


def test_embedded_view_data_cannot_close_its_script_element():
    from rivalry.web.views import embed

    html = embed({"timeline": [{"label": "</script><script>alert(1)</script><!--"}]})
    data = html.split("<script type='application/json'", 1)[1].split(">", 1)[1]
    assert "<" not in data.split("</script>", 1)[0]


def test_pages_never_carry_active_content(hostile_server):
    checked = 0
    for path in ("/page/firm/xss", "/search?q=" + quote("script"), "/search?q=" + quote("img")):
        status, media, body = send(hostile_server, "GET", path)
        assert status == 200 and media.startswith("text/html"), (path, status)
        parser = ActiveContent()
        parser.feed(body.decode("utf-8"))
        assert parser.found == [], (path, parser.found)
        checked += 1
    page = send(hostile_server, "GET", "/page/firm/xss")[2].decode()
    assert "&lt;script&gt;" in page and "javascript:alert" in page  # shown, as text
    record("security", xss_pages_checked=checked, xss_executed=0)


TRAVERSALS = [
    "/data/..%2F..%2F..%2Fetc%2Fpasswd.ttl",
    "/data/%2e%2e/%2e%2e/etc/passwd.ttl",
    "/data/firm/..%252F..%252Fetc%252Fpasswd.ttl",
    "/page/..%2F..%2F..%2Fetc%2Fpasswd",
    "/page/%00",
    "/page/firm/%C0%AE%C0%AE%2Fetc",
    "/id/..%2F..%2Fetc%2Fpasswd",
    "/queries/..%2F..%2Fpyproject",
    "/queries/..%2F..%2F..%2Fetc%2Fpasswd",
    "/queries/%2e%2e",
    "/queries/timeline%00",
]


def test_path_traversal_reads_nothing(endpoint):
    statuses = []
    for path in TRAVERSALS:
        status, _, body = send(endpoint, "GET", path)
        statuses.append(status)
        assert status < 500, (path, status, body[:200])
        assert b"root:" not in body and b"[project]" not in body, path
    record("security", traversal_attempts=len(TRAVERSALS))


def test_request_bodies_are_limited(endpoint):
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (2 * 1024 * 1024)
    status, _, body = send(
        endpoint, "POST", "/sparql", huge.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert status == 413 and b"larger than" in body
    form = "query=" + quote(huge)
    status, _, _ = send(
        endpoint,
        "POST",
        "/sparql",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 413


def test_the_server_binds_to_loopback_by_default(endpoint):
    port = int(endpoint.rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.split(":")
            if int(hexport, 16) == port and state == "0A":  # 0A: LISTEN
                listening.append(address)
    assert listening == ["0100007F"], listening  # 127.0.0.1 only, no 0.0.0.0 or ::


# ------------------------------------------------------------------ dependencies


def test_no_known_vulnerable_dependency():
    """pip-audit over the installed environment; skipped only when the index is unreachable."""
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--skip-editable"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    unreachable = ("ConnectionError", "Max retries", "Temporary failure in name resolution")
    if result.returncode != 0 and any(s in result.stderr for s in unreachable):
        pytest.skip(f"the vulnerability index is unreachable: {result.stderr.strip()[-200:]}")
    found = [line for line in result.stdout.splitlines() if re.match(r"^\S+\s+\S+\s+\S+-", line)]
    record("security", pip_audit_vulnerabilities=len(found))
    assert result.returncode == 0, result.stdout + result.stderr
