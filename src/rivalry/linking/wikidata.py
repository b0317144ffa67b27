"""``rivalry link wikidata``: find Wikidata items for the graph's states (by ISO 3166-1 code,
P297), firms and government bodies (by English label or alias, and by being an instance
of a business or government-body class), without guessing.

Each entity with exactly one candidate item gets a proposed ``skos:exactMatch``; entities
with several candidates are reported for a curator, never linked. Proposals are written as
a named graph whose source is the linking run (endpoint, day, the queries sent), to go
through ``rivalry add`` like any other change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from rivalry.kernel.namespaces import GRAPH, ID, PREFIXES
from rivalry.kernel.terms import rdf, skos, tr, xsd
from rivalry.kernel.version import VERSION

WD = "http://www.wikidata.org/entity/"
DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
# Wikimedia asks every client to say who it is and how to reach its maintainers
USER_AGENT = f"rivalry/{VERSION} (Tech Rivalry Knowledge Graph; https://w3id.org/tech-rivalry/)"
BATCH = 50

# classes an item must be an instance of (directly or through subclasses) to be a candidate
CLASSES = {
    "firm": ("wd:Q4830453", "wd:Q6881511", "wd:Q783794", "wd:Q891723"),  # business, enterprise,
    # company, public company
    "body": ("wd:Q327333", "wd:Q192350", "wd:Q2659904"),  # government agency, ministry,
    # government organisation
}

UNLINKED = """
SELECT DISTINCT ?class ?property ?entity ?key WHERE {
    ?entity a ?class .
    ?entity ?property ?key .
    FILTER NOT EXISTS {
        ?entity skos:exactMatch ?item . FILTER (STRSTARTS(STR(?item), "http://www.wikidata.org/"))
    }
}"""
KINDS = {  # kind -> (class, property whose values are looked up)
    "state": (tr.State, tr.isoCode),
    "firm": (tr.Firm, None),
    "body": (tr.GovernmentBody, None),
}
NAMES = (PREFIXES["rdfs"] + "label", skos.altLabel)

STATE_QUERY = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
SELECT ?key ?item ?label ?description WHERE {
  VALUES ?key { %s }
  ?item wdt:P297 ?key .
  OPTIONAL { ?item rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL { ?item schema:description ?description FILTER (LANG(?description) = "en") }
}"""
NAME_QUERY = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
SELECT DISTINCT ?key ?item ?label ?description WHERE {
  VALUES ?key { %s }
  VALUES ?class { %s }
  ?item rdfs:label|skos:altLabel ?key ; wdt:P31/wdt:P279* ?class .
  OPTIONAL { ?item rdfs:label ?label FILTER (LANG(?label) = "en") }
  OPTIONAL { ?item schema:description ?description FILTER (LANG(?description) = "en") }
}"""


@dataclass
class Item:
    qid: str
    label: str = ""
    description: str = ""


@dataclass
class Match:
    entity: str
    kind: str
    keys: list[str]
    items: dict[str, Item] = field(default_factory=dict)
    taken_by: str | None = None  # another entity of the graph already linked to the item

    @property
    def status(self) -> str:
        if len(self.items) > 1:
            return "ambiguous"
        if not self.items:
            return "no match"
        return "already linked elsewhere" if self.taken_by else "unique"


@dataclass
class Run:
    endpoint: str
    day: str
    matches: list[Match]
    queries: list[str]

    def unique(self) -> list[Match]:
        return [m for m in self.matches if m.status == "unique"]


def unlinked(store: ox.Store) -> list[Match]:
    """States, firms and government bodies with no Wikidata link yet, with their keys."""
    matches = []
    for kind, (cls, prop) in KINDS.items():
        keys: dict[str, list[str]] = defaultdict(list)
        for prop_iri in (prop,) if prop else NAMES:
            bound = {ox.Variable("class"): cls, ox.Variable("property"): prop_iri}
            rows = store.query(
                UNLINKED,
                prefixes=PREFIXES,
                substitutions={v: ox.NamedNode(iri) for v, iri in bound.items()},
            )
            for row in rows:
                keys[row["entity"].value].append(row["key"].value)
        matches += [Match(e, kind, sorted(set(k))) for e, k in sorted(keys.items())]
    return matches


def link(
    store: ox.Store,
    endpoint: str = DEFAULT_ENDPOINT,
    *,
    progress: Callable[[int], None] = lambda n: None,
    timeout: int = 60,
) -> Run:
    matches = unlinked(store)
    queries = []
    for kind in KINDS:
        of_kind = [m for m in matches if m.kind == kind]
        by_key = defaultdict(list)
        for match in of_kind:
            for key in match.keys:
                by_key[key].append(match)
        keys = sorted(by_key)
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            query = _query(kind, batch)
            queries.append(query)
            for row in _select(endpoint, query, timeout):
                qid = row["item"].removeprefix(WD)
                for match in by_key.get(row["key"], []):
                    match.items.setdefault(
                        qid, Item(qid, row.get("label", ""), row.get("description", ""))
                    )
            progress(len(batch))
    for match in matches:
        if len(match.items) == 1:
            match.taken_by = _linked_elsewhere(store, match)
    return Run(endpoint, dt.date.today().isoformat(), matches, queries)


def count_keys(store: ox.Store) -> int:
    return sum(len(m.keys) for m in unlinked(store))


def _query(kind: str, keys: Iterable[str]) -> str:
    if kind == "state":
        return STATE_QUERY % " ".join(str(ox.Literal(k)) for k in keys)
    values = " ".join(str(ox.Literal(k, language="en")) for k in keys)
    return NAME_QUERY % (values, " ".join(CLASSES[kind]))


def _select(endpoint: str, query: str, timeout: int) -> list[dict[str, str]]:
    client = SPARQLWrapper(endpoint, agent=USER_AGENT)
    client.setMethod(POST)
    client.setTimeout(timeout)
    client.setReturnFormat(JSON)
    client.setQuery(query)
    data: Any = client.query().convert()  # JSON asked for: a dict
    return [
        {name: value["value"] for name, value in binding.items()}
        for binding in data["results"]["bindings"]
    ]


def _linked_elsewhere(store: ox.Store, match: Match) -> str | None:
    item = ox.NamedNode(WD + next(iter(match.items)))
    for q in store.quads_for_pattern(None, ox.NamedNode(skos.exactMatch), item):
        if q.subject.value != match.entity:
            return q.subject.value
    return None


def proposal(run: Run) -> list[ox.Quad]:
    """The unique links as one named graph, described by the linking run that found them."""
    digest = hashlib.sha256("\n".join([run.endpoint, *run.queries]).encode()).hexdigest()[:12]
    source_id = f"wikidata-link-{run.day}-{digest}"
    graph, source = ox.NamedNode(GRAPH + source_id), ox.NamedNode(f"{ID}source/{source_id}")

    def quad(s, p: str, o) -> ox.Quad:
        return ox.Quad(s, ox.NamedNode(p), o, graph)

    day = ox.Literal(run.day, datatype=ox.NamedNode(xsd.date))
    quads = [
        quad(source, rdf.type, ox.NamedNode(tr.ReferenceWork)),
        quad(source, tr.url, ox.Literal(run.endpoint, datatype=ox.NamedNode(xsd.anyURI))),
        quad(source, tr.publisher, ox.NamedNode(f"{ID}publisher/wikimedia-foundation")),
        quad(source, tr.title, ox.Literal(f"Wikidata links found on {run.day}", language="en")),
        quad(source, tr.published, day),
        quad(source, tr.retrievedOn, day),
        quad(source, tr.describesGraph, graph),
        *(quad(source, tr.linkQuery, ox.Literal(q)) for q in run.queries),
    ]
    for match in run.unique():
        item = ox.NamedNode(WD + next(iter(match.items)))
        quads.append(quad(ox.NamedNode(match.entity), skos.exactMatch, item))
    return quads
