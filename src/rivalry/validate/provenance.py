"""Provenance rules the shapes cannot see: every fact sits in a named graph, and every
named graph is described by the source document it was taken from."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from rivalry.kernel.namespaces import compact
from rivalry.kernel.terms import tr
from rivalry.load.parse import Sources
from rivalry.validate.report import Problem

DESCRIBES = ox.NamedNode(tr.describesGraph)


def provenance_problems(sources: Sources, graphs: set[str] | None = None) -> list[Problem]:
    """Problems of the named graphs in ``sources`` (only those in ``graphs``, if given)."""
    problems = []
    described = {q.object.value for q in sources.facts if q.predicate == DESCRIBES}
    problems += one_source_per_graph(sources, graphs)
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


def one_source_per_graph(sources: Sources, graphs: set[str] | None = None) -> list[Problem]:
    """A named graph has one source document, and a source describes one graph: a second
    source claiming a graph would give each of its facts a second, forged provenance."""
    describers: dict[str, set[str]] = defaultdict(set)
    described: dict[str, set[str]] = defaultdict(set)
    where: dict[str, str] = {}
    for q in sources.facts:
        if q.predicate == DESCRIBES and isinstance(q.object, ox.NamedNode):
            describers[q.object.value].add(q.subject.value)
            described[q.subject.value].add(q.object.value)
            where.setdefault(q.subject.value, graph_of(q))
    problems = []
    for graph, sources_of in sorted(describers.items()):
        if len(sources_of) > 1 and (graphs is None or graph in graphs):
            names = sorted(sources_of)
            problems += [
                second_source(name, graph, [n for n in names if n != name]) for name in names
            ]
    for source, graphs_of in sorted(described.items()):
        if len(graphs_of) > 1 and (graphs is None or where[source] in graphs):
            problems.append(
                Problem(
                    severity="violation",
                    layer="provenance",
                    rule="source-describes-one-graph",
                    message=f"{compact(source)} describes {len(graphs_of)} named graphs "
                    f"({', '.join(f'<{g}>' for g in sorted(graphs_of))}); a source describes "
                    "only the graph of the facts taken from it",
                    focus=source,  # located at the source's description
                )
            )
    return problems


def second_source(source: str, graph: str, others: list[str]) -> Problem:
    return Problem(
        severity="violation",
        layer="provenance",
        rule="graph-has-one-source",
        message=f"<{graph}> is already described by {', '.join(map(compact, others))}; "
        f"{compact(source)} may not claim it too. Put this source's facts in its own graph "
        f"<…/graph/SOURCE-ID>, or cite {compact(others[0])} instead of adding a source",
        focus=source,  # located at the source's description
    )


def graph_of(q: ox.Quad) -> str:
    return q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
