"""Provenance rules the shapes cannot see: every fact sits in a named graph, and every
named graph is described by the source document it was taken from."""

from __future__ import annotations

import pyoxigraph as ox

from rivalry.load import Sources
from rivalry.validate.report import Problem
from rivalry.vocab import TR

DESCRIBES = ox.NamedNode(TR + "describesGraph")


def provenance_problems(sources: Sources, graphs: set[str] | None = None) -> list[Problem]:
    """Problems of the named graphs in ``sources`` (only those in ``graphs``, if given)."""
    problems = []
    described = {q.object.value for q in sources.facts if q.predicate == DESCRIBES}
    seen: set[str] = set()
    for q in sources.facts:
        graph = q.graph_name
        key = graph.value if isinstance(graph, ox.NamedNode) else ""
        if key in seen or (graphs is not None and key not in graphs):
            continue
        seen.add(key)
        path = sources.origin.get(key)
        if not isinstance(graph, ox.NamedNode):
            problems.append(
                Problem(
                    severity="violation",
                    layer="provenance",
                    rule="fact-in-named-graph",
                    message="Facts sit outside any named graph, so nothing says where they come "
                    "from. Put them inside the named graph of their source: "
                    "<https://w3id.org/tech-rivalry/graph/SOURCE-ID> { … }.",
                    file=path,
                )
            )
        elif key not in described:
            problems.append(
                Problem(
                    severity="violation",
                    layer="provenance",
                    rule="graph-has-source",
                    message=f"Named graph <{key}> has no source document describing it. Add the "
                    "source (tr:url, tr:publisher, tr:published, tr:title) with "
                    f"tr:describesGraph <{key}> inside the graph.",
                    file=path,
                )
            )
    return problems
