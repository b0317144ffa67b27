"""The facts the build derives, for the shapes to see, and the input that caused each one.

The shapes must judge the graph as the build will hold it (DESIGN principle 8): a timed
relation still in force becomes its direct triple, and the rules add closures. So the
shapes run on the asserted facts plus the inferred graph. A problem that appears only
because of a triple derived from a timed relation is reported at that relation's line,
and says so, since the direct triple is written nowhere.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pyoxigraph as ox

from rivalry.kernel.namespaces import INFERRED_GRAPH, PREFIXES, TR, compact
from rivalry.kernel.terms import rdf, tr
from rivalry.validate.locate import Locator
from rivalry.validate.report import Problem

INFERRED = ox.NamedNode(INFERRED_GRAPH)
TYPE = ox.NamedNode(rdf.type)

# the direct triples of timed relations that no source asserts (the rule in
# ontology/rules/timed-relation-truthy.rq put them in the inferred graph)
DERIVATIONS = """
SELECT ?relation ?s ?p ?o WHERE {
    ?relation a tr:TimedRelation ; tr:relSubject ?s ; tr:relProperty ?p ; tr:relObject ?o .
    GRAPH trg:inferred { ?s ?p ?o }
}"""


@dataclass(frozen=True)
class Derivation:
    """A direct triple the build derives from the timed relation node ``relation``."""

    relation: ox.NamedNode | ox.BlankNode
    triple: ox.Triple

    def terms(self) -> list[str]:
        t = self.triple
        return [term.value for term in (t.subject, t.predicate, t.object)]


def derivations(store: ox.Store) -> list[Derivation]:
    rows = store.query(DERIVATIONS, prefixes=PREFIXES)
    found = {Derivation(r["relation"], ox.Triple(r["s"], r["p"], r["o"])) for r in rows}
    return sorted(found, key=str)


def inferred_quads(
    store: ox.Store, derived: list[Derivation], shapes: list[ox.Quad]
) -> list[ox.Quad]:
    """The inferred triples the shapes can read: those of the project's vocabulary or of a
    property the shapes name. Left out are the super-properties from other vocabularies
    (prov:, org:), which only queries use, and inferred super-types, since the shapes follow
    rdfs:subClassOf* themselves (the extra types would repeat a disjoint-types problem once
    per pair of super-classes); both would only make the shapes' data larger."""
    kept = {d.triple for d in derived}
    named = {t.value for q in shapes for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}

    def readable(q: ox.Quad) -> bool:
        if q.predicate == TYPE:
            return q.triple in kept
        return q.predicate.value.startswith(TR) or q.predicate.value in named or q.triple in kept

    return [q for q in store.quads_for_pattern(None, None, None, INFERRED) if readable(q)]


def brought_by(focus: set, derived: list[Derivation]) -> set:
    """Nodes whose facts change because a focus node is a timed relation: its subject."""
    return {d.triple.subject for d in derived if d.relation in focus}


def key(problem: Problem) -> tuple:
    return (problem.severity, problem.rule, problem.focus, problem.path, problem.value)


class Causes:
    """The derivations indexed by the nodes and the property they name, so finding a
    problem's cause looks only at the derivations that can be it (a scan of every one for
    every problem grew with the change squared)."""

    def __init__(self, derived: list[Derivation]):
        self.derived = derived
        self.by_node: dict[str, list[int]] = {}
        self.by_property: dict[str, list[int]] = {}
        for i, d in enumerate(derived):
            s, p, o = d.terms()
            for node in {s, o}:
                self.by_node.setdefault(node, []).append(i)
            self.by_property.setdefault(p, []).append(i)

    def cause(self, problem: Problem) -> Derivation | None:
        """The derivation that most plausibly brought ``problem``: one about its focus node
        first, then one whose property or object the problem names (the earliest of the
        best, as a scan of all of them in order would pick)."""
        named = {problem.path, problem.value}
        mentions = lambda iri: iri in named or compact(iri) in problem.message  # noqa: E731
        about = self.by_node.get(problem.focus or "", [])
        if not about:  # only a derivation whose property the problem names can be the cause
            about = sorted(i for p, found in self.by_property.items() if mentions(p) for i in found)
        best = None
        for i in about:
            s, p, o = self.derived[i].terms()
            score = (problem.focus in (s, o), mentions(p), mentions(o) or mentions(s))
            if best is None or score > best[0]:
                best = (score, i)
        if best is None or not any(best[0][:2]):
            return None
        return self.derived[best[1]]


def cause(problem: Problem, derived: list[Derivation]) -> Derivation | None:
    return Causes(derived).cause(problem)


def attributed(problem: Problem, derivation: Derivation, locator: Locator) -> Problem:
    """The problem placed at the timed relation's line, saying the fact is derived."""
    relation = derivation.relation
    path, line = locator.locate(relation.value if isinstance(relation, ox.NamedNode) else None)
    s, p, o = derivation.terms()
    if path is None:  # a blank-node relation: look for it by its subject
        path, _ = locator.locate(s)
    if path is not None and line is None:  # a CSV row, or a relation with a minted IRI
        line = (
            locator.line_with(path, [s, p, o])
            or locator.line_with(path, [s, o])
            or locator.line_with(path, [tr.relSubject, s])
        )
    stated = f"{compact(s)} {compact(p)} {compact(o)}"
    where = compact(relation.value) if path is None else f"{path}:{line}" if line else str(path)
    message = f"{problem.message} ({stated} is derived from the timed relation at {where}.)"
    return dataclasses.replace(problem, message=message, file=path, line=line)
