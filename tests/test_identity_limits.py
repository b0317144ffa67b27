"""A change full of untyped nodes (a hostile 100,000-deep list) is refused on its first
untyped nodes, one by one, and the rest as one count: the check stays quick and says how
many more there are."""

from __future__ import annotations

import pyoxigraph as ox

from rivalry.gate.identity import UNTYPED_LISTED, identity_problems
from rivalry.kernel.namespaces import GRAPH, ID
from rivalry.load.parse import Sources

SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")


def test_untyped_nodes_beyond_the_limit_are_counted_in_one_problem(store):
    graph = ox.NamedNode(GRAPH + "untyped-many")
    nodes = [ox.NamedNode(f"{ID}chip/untyped-{i:05d}") for i in range(UNTYPED_LISTED + 5)]
    facts = [
        ox.Quad(a, SEE_ALSO, b, graph) for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=True)
    ]
    untyped = [
        p for p in identity_problems(store, Sources(facts=facts)) if p.rule == "untyped-entity"
    ]
    assert len(untyped) == UNTYPED_LISTED + 1
    assert untyped[-1].message.startswith("5 more nodes, from chip:untyped-01000 on,")
