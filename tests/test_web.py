"""The HTML both the server and the static release build (rivalry.web)."""

from __future__ import annotations

import pyoxigraph as ox

from rivalry.kernel.namespaces import GRAPH, ID
from rivalry.kernel.terms import rdfs, tr
from rivalry.web import pages


def test_a_source_page_lists_what_every_graph_it_describes_contributed():
    # serve and publish both kept only the last graph's rows (the loop overwrote them)
    source = ox.NamedNode(ID + "source/two-graphs")
    store = ox.Store()
    for key in ("first", "second"):
        graph = ox.NamedNode(GRAPH + key)
        chip = ox.NamedNode(f"{ID}chip/{key}")
        describes = (source, ox.NamedNode(tr.describesGraph), graph)
        # as in a built store: each graph, and their union as the default graph
        store.add(ox.Quad(*describes, graph))
        store.add(ox.Quad(*describes, ox.DefaultGraph()))
        store.add(ox.Quad(chip, ox.NamedNode(rdfs.label), ox.Literal(key, language="en"), graph))
    rows = pages.select(store, pages.CONTRIBUTED, {"entity": source})
    assert {r["graph"]["value"] for r in rows} == {GRAPH + "first", GRAPH + "second"}
    assert {r["s"]["value"] for r in rows} >= {ID + "chip/first", ID + "chip/second"}
