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

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper

from rivalry.formats import media_type
from rivalry.query.run import with_values
from rivalry.vocab import PREFIXES


def declared(text: str) -> str:
    """Prepend the project's prefixes that the query does not declare itself."""
    own = {m.lower() for m in re.findall(r"PREFIX\s+(\w*):", text, re.IGNORECASE)}
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p.lower() not in own]
    return "\n".join(lines) + "\n" + text


def remote_query(endpoint: str, text: str, bindings, fmt: str, timeout: float = 60) -> bytes:
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setTimeout(int(timeout))
    client.setQuery(with_values(declared(text), bindings))
    client.addCustomHttpHeader("Accept", media_type(fmt if fmt != "table" else "json"))
    client.setReturnFormat("json" if fmt == "json" else fmt)
    response = client.query().response
    return response.read()


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
