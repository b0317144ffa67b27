"""``rivalry serve`` against the W3C SPARQL 1.1 query-syntax and Protocol tests, over HTTP.

Syntax: a malformed query gets 400 with a message, never a 5xx; a well-formed one is
accepted (200), unless it uses SERVICE, which the public endpoint refuses by policy (400,
counted as ``refused``). Protocol: every request of every test is replayed with ``/sparql/``
mapped to ``/sparql``; query tests must get the expected status class and result format.
The endpoint is read-only, so the tests whose requests are updates must be refused with a
4xx instead (counted as ``refused``).
"""

from __future__ import annotations

import http.client
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
import pytest

from scorecard import record
from w3c_manifest import MF, RDF, W3C, entries, manifest_graph, read_list

SYNTAX = W3C / "sparql" / "sparql11" / "syntax-query"
PROTOCOL = W3C / "sparql" / "sparql11" / "protocol"
SYNTAX_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/syntax-query/"
PROTOCOL_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"


def send(url: str, method: str, path: str, body: bytes | None = None, headers=None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.getheader("content-type", ""), response.read()


# ------------------------------------------------------------------ query syntax

_NO_BASE = "the endpoint parses queries without a base IRI, so a relative IRI such as <x> is "
_NO_BASE += "an error (400 with the position), as it is in the project's files"
SYNTAX_XFAIL = {"syntax-oneof-03.rq": _NO_BASE, "syntax-construct-where-02.rq": _NO_BASE}
SYNTAX_CASES = [
    pytest.param(
        e,
        id=e.name,
        marks=[pytest.mark.xfail(reason=SYNTAX_XFAIL[e.name], strict=True)]
        if e.name in SYNTAX_XFAIL
        else [],
    )
    for e in entries(SYNTAX / "manifest.ttl", SYNTAX_BASE)
    if e.action is not None
]


def test_syntax_suite_is_complete():
    assert len(SYNTAX_CASES) == 94


@pytest.mark.parametrize("entry", SYNTAX_CASES)
def test_query_syntax(endpoint, entry):
    query = entry.action.read_text(encoding="utf-8")
    status, _, body = send(endpoint, "GET", "/sparql?query=" + quote(query))
    negative = "Negative" in entry.kind
    if negative:
        outcome = "passed" if status == 400 and body.strip() else "failed"
    elif status == 400 and b"SERVICE" in body and "SERVICE" in query.upper():
        outcome = "refused"  # federation is refused by policy
    elif status == 400 and b"custom function" in body:
        outcome = "refused"  # well-formed, but calls a function the engine does not have
    else:
        outcome = "passed" if status == 200 else "failed"
    if entry.name in SYNTAX_XFAIL:
        outcome = "xfail" if outcome == "failed" else outcome
    record("conformance.sparql_syntax", **{outcome: 1}, server_errors=int(status >= 500))
    assert outcome not in ("failed", "xfail"), f"{status}: {body[:300]!r}"


# ------------------------------------------------------------------ protocol


def _one(store, subject, predicate):
    quad = next(iter(store.quads_for_pattern(subject, ox.NamedNode(predicate), None, None)), None)
    return quad.object if quad else None


def _requests(store, entry):
    """Each request of the test as (method, path, headers, body, expected status class)."""
    action = _one(store, entry.node, MF + "action")
    for request in read_list(store, _one(store, action, HT + "requests")):
        headers = {
            _one(store, h, HT + "fieldName").value: _one(store, h, HT + "fieldValue").value
            for h in read_list(
                store, _one(store, request, HT + "headers") or ox.NamedNode(RDF + "nil")
            )
        }
        body = _one(store, request, HT + "body")
        data = None
        if body is not None:
            encoding = _one(store, body, CNT + "characterEncoding")
            data = _one(store, body, CNT + "chars").value.encode(
                encoding.value if encoding else "utf-8"
            )
        response = _one(store, request, HT + "resp")
        statuses = {
            q.object.value.rsplit("StatusCode", 1)[-1][0]
            for q in store.quads_for_pattern(
                response, ox.NamedNode(MF + "expectedStatus"), None, None
            )
        }
        yield (
            _one(store, request, HT + "methodName").value,
            _one(store, request, HT + "absolutePath").value.replace("/sparql/", "/sparql", 1),
            headers,
            data,
            statuses or {"2"},
            _one(store, response, MF + "expectedFormat"),
        )


PROTOCOL_STORE = manifest_graph(PROTOCOL / "manifest.ttl", PROTOCOL_BASE)
PROTOCOL_XFAIL = {"query_content_type_construct": _NO_BASE}
PROTOCOL_CASES = [
    pytest.param(
        e,
        id=name,
        marks=[pytest.mark.xfail(reason=PROTOCOL_XFAIL[name], strict=True)]
        if name in PROTOCOL_XFAIL
        else [],
    )
    for e in entries(PROTOCOL / "manifest.ttl", PROTOCOL_BASE)
    if (name := e.node.value.rsplit("#", 1)[-1])
]
FORMATS = {
    "boolean": ("application/sparql-results+json",),
    "tabular": ("application/sparql-results+json",),
    "RDF": ("text/turtle",),
}


def _is_update(method: str, path: str, headers: dict, body: bytes | None) -> bool:
    kind = headers.get("content-type", "")
    return (
        "update=" in path
        or "sparql-update" in kind
        or (body is not None and body.startswith(b"update="))
    )


def test_protocol_suite_is_complete():
    assert len(PROTOCOL_CASES) == 34


@pytest.mark.parametrize("entry", PROTOCOL_CASES)
def test_protocol(endpoint, entry):
    if entry.node.value.rsplit("#", 1)[-1] in PROTOCOL_XFAIL:
        record("conformance.sparql_protocol", xfail=1)
    outcome = "passed"
    for method, path, headers, body, expected, fmt in _requests(PROTOCOL_STORE, entry):
        status, media, content = send(endpoint, method, path, body, headers)
        record("conformance.sparql_protocol_requests", sent=1, server_errors=int(status >= 500))
        assert status < 500, f"{method} {path}: {status} {content[:200]!r}"
        if _is_update(method, path, headers, body) and "2" in expected:
            assert 400 <= status < 500, f"an update was not refused: {status}"
            outcome = "refused"
            break  # what follows checks the update's effect, which a read-only store cannot have
        assert str(status)[0] in expected, f"{method} {path}: {status} {content[:300]!r}"
        if fmt is not None and status < 300:
            assert media.split(";")[0] in FORMATS[fmt.value], media
    record("conformance.sparql_protocol", **{outcome: 1})
