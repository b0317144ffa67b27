"""`rivalry push`: copy the built store's named graphs into a remote SPARQL server.

Each graph is replaced, never appended to: a Graph Store Protocol PUT where the server has a
Graph Store endpoint, otherwise SPARQL Update (DROP SILENT GRAPH, then INSERT DATA in chunks).
The union of the graphs goes to the server's default graph; servers without a separate default
graph (Virtuoso) get it as a named graph instead, to be named as the default graph of each query.
Afterwards every graph's triple count is read back and compared with the store's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import GRAPH

UNION_GRAPH = GRAPH + "union"
CHUNK = 5_000  # triples per INSERT DATA: under the statement-size limits of common servers
RETRIES = 3  # PUT and DROP+INSERT of one graph are idempotent, so a failed attempt is re-run
NOT_SUPPORTED = {404, 405, 501}  # how servers say "no Graph Store endpoint here"


class PushError(RivalryError):
    pass


@dataclass
class Target:
    query: str
    update: str
    gsp: str | None = None
    auth: httpx.Auth | None = None
    timeout: float = 300.0


@dataclass
class GraphCount:
    graph: str
    local: int
    remote: int | None = None

    @property
    def ok(self) -> bool:
        return self.local == self.remote


@dataclass
class PushResult:
    counts: list[GraphCount]
    method: str  # "graph-store" or "update"
    union_graph: str | None  # set when the union went to a named graph
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.counts)


def push(
    store: ox.Store, target: Target, progress: Callable[[str], None] | None = None
) -> PushResult:
    graphs = sorted(g.value for g in store.named_graphs())
    with httpx.Client(auth=target.auth, timeout=target.timeout) as client:
        sender = _Sender(client, target)
        for graph in graphs:
            sender.replace(graph, _triples(store, ox.NamedNode(graph)))
            if progress:
                progress(graph)
        union = _triples(store, ox.DefaultGraph())
        union_graph = None
        if not sender.replace_default(union):
            union_graph = UNION_GRAPH
            sender.replace(UNION_GRAPH, union)
            sender.notes.append(
                f"the server has no separate default graph; the union went to <{UNION_GRAPH}>: "
                f"query with default-graph-uri={UNION_GRAPH} (rivalry query --default-graph)"
            )
        counts = [GraphCount(g, len(_triples(store, ox.NamedNode(g)))) for g in graphs]
        counts.append(GraphCount(union_graph or "(default graph)", len(union)))
        remote = _remote_counts(client, target)
        for count in counts:
            count.remote = remote.get(count.graph)
    return PushResult(counts, sender.method, union_graph, sender.notes)


def _triples(store: ox.Store, graph) -> list[ox.Triple]:
    return [q.triple for q in store.quads_for_pattern(None, None, None, graph)]


class _Sender:
    def __init__(self, client: httpx.Client, target: Target):
        self.client, self.target = client, target
        self.method = "graph-store" if target.gsp else "update"
        self.notes: list[str] = []

    def replace(self, graph: str, triples: list[ox.Triple]) -> None:
        if self.method == "graph-store":
            response = self._put({"graph": graph}, triples)
            if response.status_code in NOT_SUPPORTED:
                self.method = "update"
                self.notes.append(
                    f"the Graph Store endpoint answered {response.status_code}; "
                    "switched to SPARQL Update"
                )
            else:
                _raise_for(response, f"PUT <{graph}>")
                return
        self._update_replace(f"GRAPH {ox.NamedNode(graph)}", triples)

    def replace_default(self, triples: list[ox.Triple]) -> bool:
        """Replace the default graph; False if the server has none of its own."""
        if self.method == "graph-store":
            # Virtuoso answers 500 here and then garbles the next answer on the same
            # connection, so the probe closes it
            response = self._put({"default": ""}, triples, {"Connection": "close"})
            if response.status_code == 401:
                _raise_for(response, "PUT default graph")
            return response.is_success
        probe = self._post_update("DROP SILENT DEFAULT")
        if not probe.is_success:
            return False
        self._update_replace("DEFAULT", triples)
        return True

    def _put(self, params: dict, triples: list[ox.Triple], headers=None) -> httpx.Response:
        # called only for a target with a Graph Store URL (gsp is not None)
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        return self._retry(
            lambda: self.client.put(
                self.target.gsp,  # type: ignore[arg-type]
                params=params,
                content=body,
                headers={"Content-Type": "text/turtle; charset=utf-8", **(headers or {})},
            )
        )

    def _update_replace(self, graph_clause: str, triples: list[ox.Triple]) -> None:
        drop = "DROP SILENT DEFAULT" if graph_clause == "DEFAULT" else f"DROP SILENT {graph_clause}"
        _raise_for(self._post_update(drop), drop)
        for start in range(0, len(triples), CHUNK):
            data = ox.serialize(triples[start : start + CHUNK], format=ox.RdfFormat.N_TRIPLES)
            inner = data.decode()
            block = inner if graph_clause == "DEFAULT" else f"{graph_clause} {{\n{inner}}}"
            _raise_for(self._post_update(f"INSERT DATA {{\n{block}\n}}"), "INSERT DATA")

    def _post_update(self, text: str) -> httpx.Response:
        return self._retry(
            lambda: self.client.post(
                self.target.update,
                content=text.encode(),
                headers={"Content-Type": "application/sparql-update"},
            )
        )

    def _retry(self, send: Callable[[], httpx.Response]) -> httpx.Response:
        for attempt in range(RETRIES):
            try:
                response = send()
            except httpx.TransportError as error:
                if attempt == RETRIES - 1:
                    raise PushError(f"cannot reach the server: {error}") from error
            else:
                if response.status_code not in {502, 503, 504} or attempt == RETRIES - 1:
                    return response
            time.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")


def _remote_counts(client: httpx.Client, target: Target) -> dict[str, int]:
    counts = {}
    for query, key in (
        ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", None),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "(default graph)"),
    ):
        response = client.post(
            target.query,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
        )
        _raise_for(response, "counting triples")
        for row in response.json()["results"]["bindings"]:
            counts[row["g"]["value"] if key is None else key] = int(row["n"]["value"])
    return counts


def _raise_for(response: httpx.Response, what: str) -> None:
    if response.status_code == 401:
        raise PushError(
            f"{what}: the server wants credentials (401); set RIVALRY_PUSH_USER and "
            "RIVALRY_PUSH_PASSWORD, and --auth digest if it asks for Digest"
        )
    if not response.is_success:
        raise PushError(f"{what}: HTTP {response.status_code}: {response.text[:500]}")
