"""Entity parameters by any name a researcher knows: IRI or CURIE, label, alternative label,
ISO code or Wikidata id; a miss names the nearest known entity instead of answering nothing."""

from __future__ import annotations

import difflib

import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.names import normalise
from rivalry.kernel.namespaces import ID, PREFIXES, compact

WIKIDATA = "http://www.wikidata.org/entity/"

# every typed data entity with its names: labels, alternative labels, ISO codes, Wikidata ids
NAMES = """
SELECT DISTINCT ?entity ?name WHERE {
    ?entity a ?class .
    FILTER (STRSTARTS(STR(?entity), STR(id:)))
    OPTIONAL {
        { ?entity rdfs:label|skos:altLabel|tr:isoCode ?name }
        UNION { ?entity skos:exactMatch|owl:sameAs ?wd .
                FILTER (STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/"))
                BIND (STRAFTER(STR(?wd), "http://www.wikidata.org/entity/") AS ?name) }
    }
}"""


# id(store) → (the handle, kept alive so the id is not reused; its names)
_CACHE: dict[int, tuple[ox.Store, Names]] = {}


class UnknownEntity(RivalryError):
    pass


def in_graph(store: ox.Store, iri: str) -> bool:
    """Whether an IRI needs no name look-up: outside the data namespace (a class, a term),
    or the subject of a fact — typed entities and hand-loaded untyped ones alike. One index
    probe, where the names of every entity take seconds to read at 1M triples."""
    if not iri.startswith(ID):
        return True
    node = ox.NamedNode(iri)
    return next(iter(store.quads_for_pattern(node, None, None)), None) is not None


class Names:
    """The store's entities and their names, read once per store handle (~0.2 s)."""

    @classmethod
    def of(cls, store: ox.Store) -> Names:
        held = _CACHE.get(id(store))
        if held is None or held[0] is not store:
            if len(_CACHE) > 4:  # a server reopens its store after each merge
                _CACHE.clear()
            held = _CACHE[id(store)] = (store, cls(store))
        return held[1]

    def __init__(self, store: ox.Store):
        self.store = store
        self.entities: set[str] = set()
        self.label: dict[str, str] = {}
        self.by_name: dict[str, set[str]] = {}
        for row in store.query(NAMES, prefixes=PREFIXES):
            iri = row["entity"].value
            self.entities.add(iri)
            if row["name"] is not None:
                self.label.setdefault(iri, row["name"].value)
                self.by_name.setdefault(normalise(row["name"].value), set()).add(iri)

    def resolve(self, param: str, value: str, iri: str | None) -> ox.NamedNode:
        if iri is not None:
            if in_graph(self.store, iri):
                return ox.NamedNode(iri)
            raise UnknownEntity(
                f"{param}={value!r}: {compact(iri)} is not in the graph.{self._hint(value)}"
            )
        key = normalise(value.removeprefix("wd:"))
        found = self.by_name.get(key) or self._within(key)
        if len(found) == 1:
            return ox.NamedNode(next(iter(found)))
        if found:
            names = ", ".join(sorted(compact(i) for i in found)[:8])
            raise UnknownEntity(f"{param}={value!r} names several entities: {names}; give one")
        raise UnknownEntity(
            f"{param}={value!r}: no entity has that label, alternative label, ISO code "
            f"or Wikidata id.{self._hint(value)}"
        )

    def _within(self, key: str) -> set[str]:
        """Entities with a name ending in ``key`` ("Ascend 910C" for "Huawei Ascend 910C"),
        else containing it, as whole words."""
        if len(key) < 3:
            return set()
        ending = {
            i for name, iris in self.by_name.items() if f" {name}".endswith(f" {key}") for i in iris
        }
        padded = f" {key} "
        return ending or {
            i for name, iris in self.by_name.items() if padded in f" {name} " for i in iris
        }

    def _hint(self, value: str) -> str:
        curies = {compact(i): i for i in self.entities}
        close = difflib.get_close_matches(value, sorted(curies), n=1, cutoff=0.75)
        if not close:
            named = difflib.get_close_matches(normalise(value), sorted(self.by_name), n=1)
            close = [compact(min(self.by_name[named[0]]))] if named else []
        return f" Did you mean {close[0]}?" if close else " Give its IRI (e.g. firm:huawei)."

    def closest(self, text: str, n: int = 5) -> list[tuple[str, str]]:
        """The entities whose names are nearest ``text`` ("Huawai" → Huawei), as (IRI, name)."""
        names = difflib.get_close_matches(normalise(text), list(self.by_name), n=n, cutoff=0.7)
        found: dict[str, str] = {}
        for name in names:
            for iri in sorted(self.by_name[name]):
                found.setdefault(iri, self.label.get(iri, name))
        return list(found.items())[:n]
