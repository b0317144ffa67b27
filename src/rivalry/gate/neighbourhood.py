"""Extract the part of the built graph that a change set can affect.

Validating a change must not mean re-validating the whole graph. Every shape looks at
a focus node's own triples, the triples of the nodes those point to (types, dates of a
source, the state of a parent body, the founding date of an actor), and — for the loop
rules — the chain of parent bodies or parent firms above it. So the neighbourhood of a
change is: the asserted triples of the nodes it touches, of the nodes those point to,
of every ancestor in the government and corporate trees, the terms in office of each
signatory (the signature rule checks the signer held the office that day), and the
source description of each named graph involved.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from rivalry.kernel.namespaces import (
    NOT_FACT_GRAPHS,
    PREFIXES,
)
from rivalry.kernel.terms import tr

DESCRIBES = ox.NamedNode(tr.describesGraph)
SIGNED_BY = ox.NamedNode(tr.signedBy)
HOLDER = ox.NamedNode(tr.holder)

ANCESTORS = """
SELECT ?node ?ancestor WHERE { ?node (tr:parentBody|tr:subsidiaryOf)+ ?ancestor }"""


def asserted(store: ox.Store, subject: ox.NamedNode) -> list[ox.Quad]:
    """The asserted quads about ``subject``, each in its source's named graph."""
    return [
        q
        for q in store.quads_for_pattern(subject, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in NOT_FACT_GRAPHS
    ]


def neighbourhood(store: ox.Store, focus: Iterable[ox.NamedNode]) -> list[ox.Quad]:
    focus = set(focus)
    quads = {q for node in focus for q in asserted(store, node)}
    ancestors: set[ox.NamedNode] = set()
    # nodes the store has never seen (new ones, skolemised blank nodes) have no ancestors
    # there; skipping them keeps a change with many new nodes from running a query apiece
    for node in (n for n in focus if next(iter(store.quads_for_pattern(n, None, None)), None)):
        rows = store.query(ANCESTORS, prefixes=PREFIXES, substitutions={ox.Variable("node"): node})
        ancestors.update(row["ancestor"] for row in rows)
    reached = {q.object for q in quads if isinstance(q.object, ox.NamedNode)} | ancestors
    for node in reached - focus:
        quads.update(asserted(store, node))
    # a signatory's terms point at the signatory, not the other way: fetch them by holder,
    # for the people the change names and the signers of the instruments it touches
    signers = focus | {q.object for q in quads if q.predicate == SIGNED_BY}
    for signer in signers:
        for term in {q.subject for q in store.quads_for_pattern(None, HOLDER, signer)}:
            if isinstance(term, ox.NamedNode):
                quads.update(asserted(store, term))
    for graph in {q.graph_name for q in quads}:
        quads.update(store.quads_for_pattern(None, DESCRIBES, graph, graph))
    return sorted(quads, key=str)
