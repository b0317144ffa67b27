"""An entity parameter as people give it: an IRI or CURIE (firm:huawei), a name or former
name ("Ascend 910C"), an ISO code (MY) or a Wikidata id (Q7850). A miss is an error with the
nearest known entities, never an empty answer."""

from __future__ import annotations

import difflib
import re

import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.names import normalise
from rivalry.kernel.namespaces import ID, PREFIXES, compact

WIKIDATA = "http://www.wikidata.org/entity/"

KNOWN = "ASK { ?entity ?p ?o }"

# every named entity once, with each of its names: the look-up table for names and near misses
NAMES = """
SELECT ?entity ?label WHERE {
    { ?entity rdfs:label ?label } UNION { ?entity skos:altLabel ?label }
    FILTER (STRSTARTS(STR(?entity), STR(id:)))
}"""

BY_CODE = """
SELECT DISTINCT ?entity ?wanted WHERE {
    { ?entity tr:isoCode ?code FILTER (UCASE(STR(?code)) = UCASE(STR(?wanted))) }
    UNION { ?entity skos:exactMatch ?wanted }
} LIMIT 2"""

SAME_KIND = """
SELECT DISTINCT ?entity ?kind WHERE { ?entity ?p ?o FILTER (STRSTARTS(STR(?entity), ?kind)) }"""


# kinds whose names describe another entity ("Fabricator of Huawei Ascend 910C"): a part of
# a name picks the thing itself over these
RECORD_KINDS = {"matter", "claim", "event", "source", "designation", "position", "merge"}


class UnknownEntity(RivalryError):
    pass


def resolve(store: ox.Store, name: str, value: str, iri: ox.NamedNode | None) -> ox.NamedNode:
    """The entity ``value`` names; ``iri`` is its reading as an IRI, if it is one."""
    if iri is not None:
        if store.query(KNOWN, substitutions={ox.Variable("entity"): iri}):
            return iri
        raise UnknownEntity(
            f"{name}={value!r}: {compact(iri.value)} is not in the graph"
            + _hint(_near_iris(store, iri))
        )
    text = value.strip()
    wanted: ox.NamedNode | ox.Literal = ox.Literal(text)
    if re.fullmatch(r"Q[0-9]+", text, flags=re.IGNORECASE):
        wanted = ox.NamedNode(WIKIDATA + text.upper())
    found = [
        r["entity"]
        for r in store.query(
            BY_CODE, prefixes=PREFIXES, substitutions={ox.Variable("wanted"): wanted}
        )
    ]
    if len(found) == 1:
        return found[0]
    known = names(store)
    key = normalise(text)
    exact = sorted({entity for entity, label in known if normalise(label) == key})
    if len(exact) == 1:
        return ox.NamedNode(exact[0])
    # a part of a longer name, as whole words ("Ascend 910C" for "Huawei Ascend 910C")
    if not exact and key:
        exact = sorted({e for e, label in known if f" {key} " in f" {normalise(label)} "})
        things = [e for e in exact if e[len(ID) :].split("/", 1)[0] not in RECORD_KINDS]
        if len(things) == 1:
            return ox.NamedNode(things[0])
    if len(exact) > 1:
        listed = ", ".join(compact(e) for e in exact[:5])
        raise UnknownEntity(f"{name}={value!r} names several entities ({listed}); give one IRI")
    raise UnknownEntity(
        f"{name}={value!r}: no entity has that name, ISO code or Wikidata id"
        + _hint(near_names(known, key))
    )


def names(store: ox.Store) -> list[tuple[str, str]]:
    rows = store.query(NAMES, prefixes=PREFIXES)
    return [(r["entity"].value, r["label"].value) for r in rows]


def near_names(known: list[tuple[str, str]], key: str, n: int = 3) -> list[str]:
    """The entities (CURIEs) whose normalised names are spelled closest to ``key``."""
    by_key: dict[str, set[str]] = {}
    for entity, label in known:
        by_key.setdefault(normalise(label), set()).add(entity)
    close = difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.7)
    return list(dict.fromkeys(compact(e) for k in close for e in sorted(by_key[k])))[:n]


def _near_iris(store: ox.Store, iri: ox.NamedNode) -> list[str]:
    """Known IRIs of the same kind (firm/, state/, …) spelled closest to ``iri``."""
    kind = iri.value.rpartition("/")[0] + "/"
    if not kind.startswith(ID):
        return []
    rows = store.query(SAME_KIND, substitutions={ox.Variable("kind"): ox.Literal(kind)})
    known = {r["entity"].value[len(kind) :] for r in rows}
    local = iri.value[len(kind) :]
    # spelled like it: compared on the local names, where a typo weighs what it should
    cutoff = 0.5 if len(local) <= 3 else 0.6  # one letter of a two-letter code is half of it
    close = difflib.get_close_matches(local, sorted(known), n=3, cutoff=cutoff)
    return [compact(kind + c) for c in close]


def _hint(candidates: list[str]) -> str:
    if not candidates:
        return "; give its IRI (e.g. firm:huawei), a name, an ISO code or a Wikidata id"
    return "; did you mean " + " or ".join(candidates) + "?"
