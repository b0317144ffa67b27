"""The answers of links-from.rq and links-to.rq (and of instrument.rq and source.rq) read
straight from an embedded store's indexes, one triple pattern at a time.

A hub state's frontier is thousands of nodes: the SPARQL form binds them in a VALUES block
and takes about a second at 1M triples, most of it on links the skeleton has already ruled
out. Read pattern by pattern, a link the walk does not want (``keep`` says no) costs one
index lookup and no source or date reads. The rows are the queries' rows (the same
variables, one row per combination of the OPTIONAL values), so the walker reads both alike;
tests/test_exposure_skeleton.py compares the two on generated graphs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from rivalry.kernel.namespaces import INFERRED_GRAPH, TR
from rivalry.kernel.terms import rdf, rdfs, tr

UNION = ox.DefaultGraph()
TYPE = ox.NamedNode(rdf.type)
DESCRIBES = ox.NamedNode(tr.describesGraph)
INFERRED = ox.NamedNode(INFERRED_GRAPH)
TIMED = ox.NamedNode(tr.TimedRelation)
CHIP_USE = ox.NamedNode(tr.ChipUse)
REL_SUBJECT, REL_PROPERTY, REL_OBJECT = (
    ox.NamedNode(tr.relSubject),
    ox.NamedNode(tr.relProperty),
    ox.NamedNode(tr.relObject),
)
USING, USED = ox.NamedNode(tr.usingProject), ox.NamedNode(tr.usedItem)
START, END, POINT, SOURCE = (
    ox.NamedNode(tr.startDate),
    ox.NamedNode(tr.endDate),
    ox.NamedNode(tr.pointInTime),
    ox.NamedNode(tr.source),
)
USES_ITEM = ox.NamedNode(tr.usesItem)
ISSUED_BY, OF_STATE = ox.NamedNode(tr.issuedBy), ox.NamedNode(tr.ofState)
RESCINDED_ON, RESCINDS = ox.NamedNode(tr.rescindedOn), ox.NamedNode(tr.rescinds)
# the dates an instrument comes into force by, in the order instrument.rq's COALESCE tries
SINCE = tuple(
    ox.NamedNode(p) for p in (tr.effectiveOn, tr.publishedOn, tr.adoptedOn, tr.announcedOn)
)
# the triples whose graphs' sources are the instrument's
DATED = (ISSUED_BY, *SINCE)
LABEL = ox.NamedNode(rdfs.label)
DOCUMENT = {
    "url": ox.NamedNode(tr.url),
    "published": ox.NamedNode(tr.published),
    "title": ox.NamedNode(tr.title),
}
PUBLISHER = ox.NamedNode(tr.publisher)
RESTRICTING = (ox.NamedNode(tr.restricts), ox.NamedNode(tr.designates))
AMENDS = ox.NamedNode(tr.amends)

Row = dict[str, Any]  # variable -> term or None, as a query solution reads
Keep = Callable[[str, str, str], bool]  # (subject, property IRI, object) -> wanted?


@dataclass(frozen=True)
class InstrumentRead:
    """An instrument's rows of instrument.rq, summed up: the dates it may come into force
    by (its effective dates, else its publication, adoption or announcement dates), the
    dates it ends by, its issuing state and its sources."""

    since: list
    ends: list
    state: str
    sources: frozenset[str]


class IndexedLinks:
    """Rows of the links queries over one store; the sources of each graph are cached."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._describers: dict[ox.NamedNode, list] = {}
        self._states: dict[Any, list[str]] = {}  # issuing bodies are shared: read each once

    def rows(self, iris: Iterable[str], direction: str, relation: str, keep: Keep) -> Iterator[Row]:
        prop = ox.NamedNode(TR + relation.removeprefix("tr:"))
        for iri in sorted(iris):
            node = ox.NamedNode(iri)
            yield from self._direct(node, prop, direction, keep)
            yield from self._timed(node, prop, direction, keep)
            if prop == USES_ITEM:
                yield from self._chip_uses(node, direction, keep)

    def instrument(self, iri: str) -> InstrumentRead | None:
        """What instrument.rq's rows say, summed up: None when no body issued it. A lookup
        per property, in every graph at once: the values, and the graphs whose sources are
        the instrument's (an instrument has dozens of quads, mostly its types)."""
        node = ox.NamedNode(iri)
        graphs: set[ox.NamedNode] = set()
        values: dict[ox.NamedNode, list] = {}
        for p in DATED:
            objects = set()
            for quad in self.store.quads_for_pattern(node, p, None, None):
                objects.add(quad.object)
                if isinstance(quad.graph_name, ox.NamedNode):
                    graphs.add(quad.graph_name)
            values[p] = sorted(objects, key=str)
        bodies = values[ISSUED_BY]
        if not bodies:
            return None
        since = next((found for p in SINCE if (found := values[p])), [])
        ends = self._values(node, RESCINDED_ON)
        for quad in self.store.quads_for_pattern(None, RESCINDS, node, UNION):
            ends += self._values(quad.subject, SINCE[0])
        states = sorted(s for b in bodies for s in self._state_of(b))
        sources = {
            source.value
            for graph in graphs
            for source in self._sources_of_graph(graph)
            if source is not None
        }
        return InstrumentRead(since, ends, states[0] if states else "", frozenset(sources))

    def _state_of(self, body) -> list[str]:
        if body not in self._states:
            self._states[body] = [s.value for s in self._values(body, OF_STATE)]
        return self._states[body]

    def restriction_rows(self, target: str) -> Iterator[Row]:
        """restrictions.rq's rows for one target: each graph (not the inferred one) in
        which a measure, or an amendment of one, restricts or designates it."""
        node = ox.NamedNode(target)
        for prop in RESTRICTING:
            for quad in self.store.quads_for_pattern(None, prop, node, None):
                graph = quad.graph_name
                if not isinstance(graph, ox.NamedNode) or graph == INFERRED:
                    continue
                restricting = quad.subject
                measures = [restricting, *self._values(restricting, AMENDS)]
                for measure, source in itertools.product(measures, self._sources_of_graph(graph)):
                    yield {
                        "target": node,
                        "measure": measure,
                        "restricting": restricting,
                        "p": prop,
                        "g": graph,
                        "source": source,
                    }

    def source(self, iri: str) -> Row:
        """source.rq's row for one source document (the least value where it has several)."""
        node = ox.NamedNode(iri)
        row: Row = {"source": node}
        for name, predicate in DOCUMENT.items():
            row[name] = min(self._values(node, predicate), key=str, default=None)
        names = sorted(
            (label.value if isinstance(label, ox.Literal) else "", publisher.value)
            for publisher in self._values(node, PUBLISHER)
            for label in self._values(publisher, LABEL) or [None]
        )
        row["publisher"] = ox.Literal(names[0][0] or names[0][1]) if names else None
        return row

    def _values(self, subject, predicate, graph=UNION) -> list:
        return [q.object for q in self.store.quads_for_pattern(subject, predicate, None, graph)]

    def _is_a(self, node, cls: ox.NamedNode) -> bool:
        return next(iter(self.store.quads_for_pattern(node, TYPE, cls, UNION)), None) is not None

    def _sources_of_graph(self, graph: ox.NamedNode) -> list:
        if graph not in self._describers:
            found = self.store.quads_for_pattern(None, DESCRIBES, graph, UNION)
            self._describers[graph] = [q.subject for q in found] or [None]
        return self._describers[graph]

    def _named_graphs(self, subject, predicate, obj) -> list[ox.NamedNode]:
        return [
            q.graph_name
            for q in self.store.quads_for_pattern(subject, predicate, obj, None)
            if isinstance(q.graph_name, ox.NamedNode)
        ]

    def _direct(self, node, prop, direction: str, keep: Keep) -> Iterator[Row]:
        """``GRAPH ?g { ?s ?p ?o }`` outside the inferred graph, with the graph's source."""
        pattern = (node, prop, None) if direction == "from" else (None, prop, node)
        for quad in self.store.quads_for_pattern(*pattern, None):
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode) or graph == INFERRED:
                continue
            if not isinstance(quad.object, ox.NamedNode):
                continue  # FILTER (isIRI(?o))
            if not keep(quad.subject.value, prop.value, quad.object.value):
                continue
            for source in self._sources_of_graph(graph):
                yield _row(quad.subject, prop, quad.object, graph, source=source)

    def _timed(self, node, prop, direction: str, keep: Keep) -> Iterator[Row]:
        """Timed relations of ``prop`` with ``node`` at the near end, with their dates."""
        ends = (REL_SUBJECT, REL_OBJECT)
        for qualifier, s, o in self._qualifiers(node, direction, ends, TIMED, prop, keep):
            if prop in self._values(qualifier, REL_PROPERTY):
                yield from self._qualified(qualifier, s, prop, o, REL_SUBJECT, dated=True)

    def _chip_uses(self, node, direction: str, keep: Keep) -> Iterator[Row]:
        """Chip uses: the qualified form of ``?project tr:usesItem ?item``."""
        ends = (USING, USED)
        for qualifier, s, o in self._qualifiers(node, direction, ends, CHIP_USE, USES_ITEM, keep):
            yield from self._qualified(qualifier, s, USES_ITEM, o, USING, dated=False)

    def _qualifiers(self, node, direction: str, ends, cls, prop, keep: Keep):
        """(qualifier, subject, object) of each ``cls`` node whose near end (of ``ends``,
        the subject and object properties) is ``node``, with an IRI object ``keep`` wants."""
        subject_of, object_of = ends
        near = subject_of if direction == "from" else object_of
        for quad in self.store.quads_for_pattern(None, near, node, UNION):
            qualifier = quad.subject
            if not self._is_a(qualifier, cls):
                continue
            subjects = [node] if direction == "from" else self._values(qualifier, subject_of)
            objects = self._values(qualifier, object_of) if direction == "from" else [node]
            for s, o in itertools.product(subjects, objects):
                if isinstance(o, ox.NamedNode) and keep(s.value, prop.value, o.value):
                    yield qualifier, s, o

    def _qualified(self, qualifier, s, prop, o, anchor, *, dated: bool) -> Iterator[Row]:
        """One row per graph stating the qualifier's ``anchor`` triple and per combination
        of its optional dates and sources (as the OPTIONALs of the query multiply)."""
        graphs = self._named_graphs(qualifier, anchor, s)
        if not graphs:
            return
        if dated:
            optional = [self._values(qualifier, p) or [None] for p in (START, END, POINT)]
        else:
            optional = [[None], [None], [None]]
        sources = self._values(qualifier, SOURCE) or [None]
        for graph, start, end, point, source in itertools.product(graphs, *optional, sources):
            yield _row(s, prop, o, graph, qualifier, start, end, point, source)


def _row(s, p, o, g, qualifier=None, start=None, end=None, point=None, source=None) -> Row:
    return {
        "s": s,
        "p": p,
        "o": o,
        "g": g,
        "qualifier": qualifier,
        "start": start,
        "end": end,
        "point": point,
        "source": source,
    }
