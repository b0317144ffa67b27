"""Coverage figures of a built store: what the graph holds and where it comes from.

Definitions, so that the figures can be checked by hand:

- *asserted* triples are the quads of the source graphs (every named graph except the
  ontology, the shapes and the inferred graph), counted once per graph that states them;
  *distinct* counts each triple once however many sources state it. *Inferred* triples are
  those of the inferred graph.
- a *fact* is an asserted quad whose subject is not the source document of its own graph:
  what a source says about the world, not the description of the source itself (its URL,
  title, publisher, date). A fact is *corroborated* when two or more reports state it: a
  mirror or syndicated copy and its original are one report (source_quality.report_keys).
- a fact *without a source* sits in a graph no source document describes, or only in the
  default graph (in no named graph at all); a valid build has none.
- the *date span* is the earliest and latest xsd:date in the facts (events, instrument dates,
  relation dates), apart from the publication dates of the sources, shown on their own.
- a source document's *kind* is official (tr:OfficialDocument, a government's own
  publication), news (tr:NewsReport), reference (tr:ReferenceWork) or unspecified (typed
  only tr:SourceDocument).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox

from rivalry.analysis.source_quality import (
    identity_quality,
    lineage_quality,
    report_keys,
    source_quality,
)
from rivalry.kernel.namespaces import (
    INFERRED_GRAPH,
    VOCABULARY_GRAPHS,
)
from rivalry.kernel.terms import tr, xsd
from rivalry.query import execute
from rivalry.store.build import count_classes

DESCRIBES = ox.NamedNode(tr.describesGraph)
PUBLISHED = ox.NamedNode(tr.published)
DATE = ox.NamedNode(xsd.date)

SOURCES = """
SELECT ?source ?kind ?publisher WHERE {
    ?source a tr:SourceDocument .
    OPTIONAL {
        VALUES (?class ?kind) {
            (tr:OfficialDocument "official") (tr:NewsReport "news") (tr:ReferenceWork "reference")
        }
        ?source a ?class .
    }
    OPTIONAL { ?source tr:publisher ?publisherIri OPTIONAL { ?publisherIri rdfs:label ?label } }
    BIND (COALESCE(STR(?label), STR(?publisherIri), "(no publisher)") AS ?publisher)
}"""

INSTRUMENTS = """
SELECT ?state ?kind (COUNT(DISTINCT ?instrument) AS ?n) WHERE {
    ?instrument a tr:LegalInstrument .
    GRAPH ?typeGraph { ?instrument a ?class } FILTER (?typeGraph != trg:inferred)
    ?class rdfs:subClassOf* tr:LegalInstrument ; rdfs:label ?kindLabel .
    OPTIONAL { ?instrument tr:issuedBy/tr:ofState/rdfs:label ?stateLabel }
    BIND (COALESCE(STR(?stateLabel), "(no issuing state)") AS ?state)
    BIND (STR(?kindLabel) AS ?kind)
} GROUP BY ?state ?kind ORDER BY ?state ?kind"""

EVENTS = """
SELECT (COUNT(DISTINCT ?event) AS ?events) (COUNT(DISTINCT ?dated) AS ?onDate) WHERE {
    ?event a tr:Event .
    OPTIONAL { ?event tr:onDate ?day BIND (?event AS ?dated) }
}"""

CLAIMS = """
SELECT (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?matter) AS ?matters) WHERE {
    ?claim a tr:Claim . OPTIONAL { ?claim tr:matter ?matter }
}"""

# contested as in the contested-claims query (two stances, or two values, on one matter),
# counted in one pass instead of pairing every two claims
CONTESTED = """
SELECT (COUNT(*) AS ?contested) WHERE {
    SELECT ?matter WHERE {
        ?claim tr:matter ?matter .
        OPTIONAL { ?claim tr:stance ?stance }
        OPTIONAL { ?claim tr:claimedValue ?value }
        FILTER (!BOUND(?stance) || ?stance != tr:DeclinesToComment)
    } GROUP BY ?matter HAVING (COUNT(DISTINCT ?stance) > 1 || COUNT(DISTINCT ?value) > 1)
}"""


@dataclass
class Stats:
    """Figures as (section, group, name, value) rows, in the order they are shown."""

    rows: list[tuple[str, str, str, int | str]] = field(default_factory=list)

    def add(self, section: str, name: str, value: int | str, group: str = "") -> None:
        self.rows.append((section, group, name, value))

    def get(self, section: str, name: str, group: str = "") -> int | str | None:
        for row in self.rows:
            if row[:3] == (section, group, name):
                return row[3]
        return None

    def section(self, section: str) -> list[tuple[str, str, int | str]]:
        return [(g, n, v) for s, g, n, v in self.rows if s == section]

    def sections(self) -> list[str]:
        return list(dict.fromkeys(row[0] for row in self.rows))

    def to_json(self) -> str:
        nested: dict = {}
        for section, group, name, value in self.rows:
            target = nested.setdefault(section, {})
            if group:
                target = target.setdefault(group, {})
            target[name] = value
        return json.dumps(nested, indent=2, ensure_ascii=False)

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["section", "group", "name", "value"])
        writer.writerows(self.rows)
        return buffer.getvalue()

    @property
    def unsourced(self) -> int:
        return int(self.get("facts", "without a source") or 0)


@dataclass
class _Scan:
    """What one pass over the named graphs finds."""

    graphs: int = 0
    source_graphs: int = 0
    asserted: int = 0
    vocabulary: int = 0
    inferred: int = 0
    facts: Counter = field(default_factory=Counter)  # fact triple -> graphs stating it
    reports: dict = field(default_factory=dict)  # fact triple -> reports (copies as originals)
    distinct: set = field(default_factory=set)  # every asserted triple
    unsourced: int = 0
    dates: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)


def _scan(store: ox.Store) -> _Scan:
    scan = _Scan()
    keys = report_keys(store)
    described = {
        q.object.value: q.subject
        for q in store.quads_for_pattern(None, DESCRIBES, None, None)
        if isinstance(q.object, ox.NamedNode) and not isinstance(q.graph_name, ox.DefaultGraph)
    }
    in_named: set[ox.Triple] = set()
    for graph in store.named_graphs():
        scan.graphs += 1
        quads = list(store.quads_for_pattern(None, None, None, graph))
        in_named.update(q.triple for q in quads)
        if graph.value in VOCABULARY_GRAPHS:
            scan.vocabulary += len(quads)
            continue
        if graph.value == INFERRED_GRAPH:
            scan.inferred += len(quads)
            continue
        scan.source_graphs += 1
        scan.asserted += len(quads)
        own_source = described.get(graph.value)
        for quad in quads:
            scan.distinct.add(quad.triple)
            if quad.subject == own_source:
                if quad.predicate == PUBLISHED:
                    scan.published.append(quad.object.value)
                continue
            scan.facts[quad.triple] += 1
            report = keys.get(own_source.value, own_source.value) if own_source else graph.value
            scan.reports.setdefault(quad.triple, set()).add(report)
            scan.unsourced += own_source is None
            obj = quad.object
            if isinstance(obj, ox.Literal) and obj.datatype == DATE and quad.predicate != PUBLISHED:
                scan.dates.append(obj.value)
    # the default graph is the union of the named graphs; anything only there has no source
    scan.unsourced += sum(
        1
        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
        if q.triple not in in_named
    )
    return scan


def collect(store: ox.Store) -> Stats:
    stats = Stats()
    scan = _scan(store)
    stats.add("triples", "asserted", scan.asserted)
    stats.add("triples", "asserted, distinct", len(scan.distinct))
    stats.add("triples", "inferred", scan.inferred)
    stats.add("triples", "ontology and shapes", scan.vocabulary)
    stats.add("named graphs", "source graphs", scan.source_graphs)
    stats.add("named graphs", "all", scan.graphs)
    _sources(stats, store)
    for name, value in source_quality(store):
        stats.add("citability", name, value)
    for name, figure in lineage_quality(store):
        stats.add("lineage", name, figure)
    for name, ident in identity_quality(store):
        stats.add("identity", name, ident)

    stats.add("facts", "asserted", sum(scan.facts.values()))
    stats.add(
        "facts",
        "corroborated (2+ sources)",
        sum(1 for reports in scan.reports.values() if len(reports) > 1),
    )
    stats.add("facts", "without a source", scan.unsourced)

    for name, count in count_classes(store).items():
        stats.add("entities by class", f"tr:{name}", count)

    [events] = list(execute.execute(store, EVENTS))
    stats.add("events", "events", int(events["events"].value))
    stats.add("events", "with an exact day", int(events["onDate"].value))

    [claims] = list(execute.execute(store, CLAIMS))
    [contested] = list(execute.execute(store, CONTESTED))
    stats.add("claims", "claims", int(claims["claims"].value))
    stats.add("claims", "matters", int(claims["matters"].value))
    stats.add("claims", "contested matters", int(contested["contested"].value))

    for row in execute.execute(store, INSTRUMENTS):
        stats.add("instruments", row["kind"].value, int(row["n"].value), group=row["state"].value)

    stats.add("date span", "earliest", min(scan.dates, default=""))
    stats.add("date span", "latest", max(scan.dates, default=""))
    stats.add("date span", "first source published", min(scan.published, default=""))
    stats.add("date span", "last source published", max(scan.published, default=""))
    return stats


def _sources(stats: Stats, store: ox.Store) -> None:
    kinds: dict[str, str] = {}
    publishers: dict[str, str] = {}
    for row in execute.execute(store, SOURCES):
        source = row["source"].value
        kind = row["kind"].value if row["kind"] else "unspecified"
        # a document typed both official and news counts as official
        if kinds.get(source) != "official":
            kinds[source] = kind
        publishers[source] = row["publisher"].value
    stats.add("source documents", "all", len(kinds))
    for kind in ("official", "news", "reference", "unspecified"):
        stats.add("source documents", kind, sum(1 for k in kinds.values() if k == kind))
    for publisher, count in sorted(
        Counter(publishers.values()).items(), key=lambda p: (-p[1], p[0])
    ):
        stats.add("sources by publisher", publisher, count)
