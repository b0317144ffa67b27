"""Find the graph's IRI for a thing an imported file names, by the same keys the gate's
identity layer uses to flag duplicates (Wikidata item, ISO code, normalised name within a
type), so an import lands on ``firm:huawei`` instead of minting a second Huawei."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from rivalry.gate.identity import EXACT, ISO
from rivalry.kernel.errors import RivalryError
from rivalry.kernel.names import normalise
from rivalry.kernel.namespaces import PREFIXES

NAMES_OF_TYPE = """
SELECT DISTINCT ?type ?entity ?name WHERE {
    ?entity a ?type .
    { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name }
}"""


class Ambiguous(RivalryError, ValueError):
    pass


class Reconciler:
    def __init__(self, store: ox.Store):
        self.store = store
        self._names: dict[str, dict[str, set[ox.NamedNode]]] = {}

    def known(self, iri: ox.NamedNode) -> bool:
        return next(iter(self.store.quads_for_pattern(iri, None, None)), None) is not None

    def names_of(self, iri: ox.NamedNode) -> set[str]:
        rows = self.store.query(
            "SELECT ?e ?n WHERE { ?e rdfs:label|skos:altLabel ?n }",
            prefixes=PREFIXES,
            substitutions={ox.Variable("e"): iri},
        )
        return {normalise(row["n"].value) for row in rows}

    def has(self, iri: ox.NamedNode, prop: ox.NamedNode) -> bool:
        return next(iter(self.store.quads_for_pattern(iri, prop, None)), None) is not None

    def is_a(self, iri: ox.NamedNode, cls: str) -> bool:
        answer = self.store.query(
            "ASK { ?e a ?c }",
            prefixes=PREFIXES,
            substitutions={ox.Variable("e"): iri, ox.Variable("c"): ox.NamedNode(cls)},
        )
        return bool(answer)

    def by_wikidata(self, item: ox.NamedNode) -> ox.NamedNode | None:
        found = {q.subject for q in self.store.quads_for_pattern(None, EXACT, item)}
        return _one(found, f"Wikidata item {item.value}")

    def by_iso(self, code: str) -> ox.NamedNode | None:
        found = {q.subject for q in self.store.quads_for_pattern(None, ISO, ox.Literal(code))}
        return _one(found, f"ISO code {code}")

    def by_names(self, cls: str, names: list[str]) -> ox.NamedNode | None:
        """The one entity of type ``cls`` with the first name that matches anything."""
        index = self._index(cls)
        for name in names:
            found = index.get(normalise(name), set())
            if found:
                return _one(found, f"the name {name!r}")
        return None

    def _index(self, cls: str) -> dict[str, set[ox.NamedNode]]:
        if cls not in self._names:
            index = defaultdict(set)
            rows = self.store.query(
                NAMES_OF_TYPE,
                prefixes=PREFIXES,
                substitutions={ox.Variable("type"): ox.NamedNode(cls)},
            )
            for row in rows:
                index[normalise(row["name"].value)].add(row["entity"])
            self._names[cls] = index
        return self._names[cls]


def _one(found: set[ox.NamedNode], what: str) -> ox.NamedNode | None:
    if len(found) > 1:
        names = ", ".join(sorted(f.value for f in found))
        raise Ambiguous(f"{what} matches several entities in the graph ({names})")
    return next(iter(found), None)
