"""A second value for a one-valued property (owl:FunctionalProperty) names the value the
graph already holds, the source that gives it and the file it is in, so the curator can
tell which of the two to keep without searching the graph."""

from __future__ import annotations

import pyoxigraph as ox

from rivalry.kernel.namespaces import GRAPH, OWL, compact
from rivalry.kernel.paths import BadGraphName, Project
from rivalry.kernel.terms import rdf, tr
from rivalry.load.parse import Sources
from rivalry.validate.report import Problem

FUNCTIONAL = ox.NamedNode(OWL + "FunctionalProperty")
TYPE = ox.NamedNode(rdf.type)
DESCRIBES = ox.NamedNode(tr.describesGraph)
RULE = "one-valued"


def one_valued_problems(
    project: Project, store: ox.Store, ontology: list[ox.Quad], change: Sources
) -> list[Problem]:
    functional = {q.subject for q in ontology if q.predicate == TYPE and q.object == FUNCTIONAL}
    if not functional:
        return []
    problems, seen = [], set()
    for quad in change.facts:
        if quad.predicate not in functional or not isinstance(quad.subject, ox.NamedNode):
            continue
        for held in store.quads_for_pattern(quad.subject, quad.predicate, None):
            graph = held.graph_name
            if held.object == quad.object or not isinstance(graph, ox.NamedNode):
                continue
            if not graph.value.startswith(GRAPH) or graph.value == GRAPH + "inferred":
                continue
            key = (quad.subject, quad.predicate, quad.object, held.object)
            if key in seen:
                continue
            seen.add(key)
            problems.append(_problem(project, store, quad, held))
    return problems


def _problem(project: Project, store: ox.Store, new: ox.Quad, held: ox.Quad) -> Problem:
    graph = held.graph_name
    source = next((q.subject for q in store.quads_for_pattern(None, DESCRIBES, graph, graph)), None)
    try:
        where = str(project.source_file(graph.value).relative_to(project.root))
    except (BadGraphName, ValueError):
        where = compact(graph.value)
    given = f"source {compact(source.value)}" if source is not None else compact(graph.value)
    return Problem(
        severity="violation",
        layer="gate",
        rule=RULE,
        focus=new.subject.value,
        path=new.predicate.value,
        value=_show(new.object),
        message=(
            f"{compact(new.subject.value)} already has {compact(new.predicate.value)} "
            f"{_show(held.object)} from {given} ({where}); it takes one value, and the change "
            f"gives {_show(new.object)} as a second. If the sources disagree, keep one value "
            "and record the other as a claim (tr:Claim with tr:claimedValue); if the existing "
            f"value is wrong, correct it in {where}."
        ),
    )


def _show(term) -> str:
    return compact(term.value) if isinstance(term, ox.NamedNode) else term.value
