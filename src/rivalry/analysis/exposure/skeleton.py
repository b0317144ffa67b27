"""Which links of an entity can end in an exposure, read from the store's indexes alone.

The walk (paths.py) follows every link of its kinds out from the entity and only then asks
which of the targets it reached a measure restricts; a state home to thousands of firms
costs seconds of SPARQL for links that lead nowhere. The skeleton walks the same way over
bare triple patterns — direct triples in the union default graph, timed relations and chip
uses by their qualifier properties, whatever their dates, graphs or sources — keeps the
chains ending in a target that some measure with a rival law against it restricts
(directly or through an amendment), and hands the walk the links on those chains. What it
reads is a superset of what the walk's queries read, so the walk's answer is unchanged;
it only asks about fewer nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from rivalry.analysis.exposure.indexed import (
    AMENDS,
    REL_OBJECT,
    REL_PROPERTY,
    REL_SUBJECT,
    RESTRICTING,
    UNION,
    USED,
    USING,
)
from rivalry.analysis.exposure.model import Link, Node
from rivalry.kernel.namespaces import TR
from rivalry.kernel.terms import tr

FORBIDS = ox.NamedNode(tr.forbidsComplianceWith)

Triple = tuple[str, str, str]  # subject, compact relation, object


@dataclass
class Allowed:
    """The links on chains that can end in an exposure, for Walker.links to keep to."""

    triples: set[Triple] = field(default_factory=set)
    keys: set[tuple[str, str, str]] = field(default_factory=set)  # (near, direction, relation)

    def add(self, links: list[Link], start: str) -> None:
        """Record a chain of links leading up from ``start``."""
        near = start
        for link in links:
            s, o = link.subject.iri, link.object.iri
            self.triples.add((s, link.relation, o))
            if s == near:
                self.keys.add((near, "from", link.relation))
            if o == near:
                self.keys.add((near, "to", link.relation))
            near = o if s == near else s


class Skeleton:
    """The Walker's ``links`` over bare triple patterns (no dates, sources or names)."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._links: dict[tuple[str, str, str], list[Link]] = {}
        self._nodes: dict[str, Node] = {}
        self._relevant: dict[str, bool] = {}

    def node(self, iri: str) -> Node:
        found = self._nodes.get(iri)
        if found is None:
            found = self._nodes[iri] = Node(iri, "")
        return found

    def _objects(self, subject, predicate):
        for quad in self.store.quads_for_pattern(subject, predicate, None, UNION):
            yield quad.object

    def _subjects(self, predicate, obj):
        for quad in self.store.quads_for_pattern(None, predicate, obj, UNION):
            yield quad.subject

    def links(self, iri: str, direction: str, relation: str) -> list[Link]:
        key = (iri, direction, relation)
        if key not in self._links:
            self._links[key] = [
                Link(self.node(s), relation, self.node(o))
                for s, o in sorted(self._pairs(iri, direction, relation))
            ]
        return self._links[key]

    def _pairs(self, iri: str, direction: str, relation: str) -> set[tuple[str, str]]:
        """(subject, object) of every link of ``relation`` at ``iri``; IRIs only, as the
        walk's queries keep (FILTER isIRI(?o))."""
        node = ox.NamedNode(iri)
        prop = ox.NamedNode(TR + relation.removeprefix("tr:"))
        if direction == "from":
            ends = list(self._objects(node, prop))
            for q in self._subjects(REL_SUBJECT, node):
                if prop in self._objects(q, REL_PROPERTY):
                    ends += self._objects(q, REL_OBJECT)
            if relation == "tr:usesItem":
                for q in self._subjects(USING, node):
                    ends += self._objects(q, USED)
            return {(iri, e.value) for e in ends if isinstance(e, ox.NamedNode)}
        ends = list(self._subjects(prop, node))
        for q in self._subjects(REL_OBJECT, node):
            if prop in self._objects(q, REL_PROPERTY):
                ends += self._objects(q, REL_SUBJECT)
        if relation == "tr:usesItem":
            for q in self._subjects(USED, node):
                ends += self._objects(q, USING)
        return {(e.value, iri) for e in ends if isinstance(e, ox.NamedNode)}

    def relevant(self, target: str) -> bool:
        """Whether a measure a rival law forbids complying with restricts or designates the
        target, itself or through an amendment (the walk then checks dates and states)."""
        if target not in self._relevant:
            node = ox.NamedNode(target)
            restricting = {r for p in RESTRICTING for r in self._subjects(p, node)}
            measures = set(restricting)
            for r in restricting:
                measures |= set(self._objects(r, AMENDS))
            self._relevant[target] = any(
                next(iter(self._subjects(FORBIDS, m)), None) is not None for m in measures
            )
        return self._relevant[target]
