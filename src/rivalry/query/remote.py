"""Run catalogue and ad-hoc queries on any SPARQL 1.1 endpoint instead of the embedded store.

The endpoint must hold what ``rivalry build`` puts in the store: the named graphs, and their
union as the default graph (``rivalry push`` and the ``oxigraph`` server's
``--union-default-graph`` both give that). Parameters travel as a ``VALUES`` block at the
start of the outer ``WHERE`` group — the same "bound before evaluation" meaning the embedded
engine gives them — with every term written by pyoxigraph's own serialiser, so a value can
never become query syntax.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.formats import media_type
from rivalry.kernel.namespaces import PREFIXES
from rivalry.query.execute import WHERE, with_values


def declared(text: str) -> str:
    """Prepend the project's prefixes that the query does not declare itself."""
    own = {m.lower() for m in re.findall(r"PREFIX\s+(\w*):", text, re.IGNORECASE)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p.lower() not in own]
    return "\n".join(lines) + "\n" + text


# the project's named graphs on a server, to name them in a query's dataset
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), STR(trg:))) }"


class RemoteError(RivalryError):
    """The endpoint could not be reached or refused the query."""


def remote_query(
    endpoint: str,
    text: str,
    bindings,
    fmt: str,
    timeout: float = 60,
    default_graph: str | None = None,
) -> bytes:
    """Run a query remotely (SPARQL 1.1 Protocol, POST form). With ``default_graph`` (a server
    without a default graph of its own, such as Virtuoso, after ``rivalry push``), the query's
    dataset is that graph as default and the project's other graphs as named graphs."""
    form = [("query", with_values(declared(text), bindings))]
    if default_graph:
        form.append(("default-graph-uri", default_graph))
        form += [
            ("named-graph-uri", g) for g in project_graphs(endpoint, timeout) if g != default_graph
        ]
    return _post(endpoint, form, media_type(fmt if fmt != "table" else "json"), timeout)


def project_graphs(endpoint: str, timeout: float = 60) -> list[str]:
    body = _post(endpoint, [("query", declared(GRAPHS))], media_type("json"), timeout)
    return sorted(row["g"]["value"] for row in json.loads(body)["results"]["bindings"])


def _post(endpoint: str, form: list[tuple[str, str]], accept: str, timeout: float) -> bytes:
    # httpx rather than urllib: Virtuoso echoes every named graph of the dataset as a response
    # header, past the 100 headers http.client accepts
    try:
        response = httpx.post(
            endpoint,
            content=urlencode(form).encode(),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=timeout,
        )
    except httpx.HTTPError as error:
        raise RemoteError(f"cannot reach {endpoint}: {error}") from error
    if not response.is_success:
        raise RemoteError(f"{endpoint} answered {response.status_code}: {response.text[:500]}")
    return response.content


class RemoteSolutions:
    """SPARQL JSON results read back into pyoxigraph terms, for the table renderer."""

    def __init__(self, body: bytes):
        data = json.loads(body)
        self.variables = [ox.Variable(v) for v in data["head"].get("vars", [])]
        self.rows = [
            _Row({name: _term(value) for name, value in binding.items()})
            for binding in data.get("results", {}).get("bindings", [])
        ]

    def __iter__(self):
        return iter(self.rows)


class _Row(dict):
    def __missing__(self, name):  # an unbound variable, as in pyoxigraph's solutions
        return None


def _term(value: dict):
    if value["type"] == "uri":
        return ox.NamedNode(value["value"])
    if value["type"] == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])


class RemoteStore:
    """A remote endpoint read through the few calls of pyoxigraph's Store that the exposure
    walk makes (``query`` and ``quads_for_pattern``), so the same code answers remotely.

    Terms go into the query text by pyoxigraph's serialiser, as VALUES, never as syntax."""

    def __init__(self, endpoint: str, timeout: float = 60):
        self.endpoint, self.timeout = endpoint, timeout

    def query(self, text: str, prefixes=None, substitutions=None) -> RemoteSolutions:
        # execute.execute has already written the substitutions into the text as VALUES
        # (its own way of binding); a text without a WHERE group gets them here
        if substitutions and not WHERE.search(text):
            text = with_values(text, substitutions)
        form = [("query", declared(text))]
        return RemoteSolutions(_post(self.endpoint, form, media_type("json"), self.timeout))

    def quads_for_pattern(self, subject, predicate, obj, graph=None):
        terms = {"s": subject, "p": predicate, "o": obj}
        values = " ".join(
            f"VALUES ?{name} {{ {term} }}" for name, term in terms.items() if term is not None
        )
        if isinstance(graph, ox.DefaultGraph):
            where = f"{{ {values} ?s ?p ?o }}"
        elif graph is None:  # any graph, the default one included
            where = f"{{ {values} {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
        else:
            where = f"{{ {values} VALUES ?g {{ {graph} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        for row in self.query(f"SELECT ?s ?p ?o ?g WHERE {where}"):
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"] or ox.DefaultGraph())
