"""Run every validation layer over a materialised dataset and collect one report."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import rdflib

from rivalry import reason
from rivalry.load import Sources, load_project, to_rdflib
from rivalry.locate import Locator
from rivalry.project import Project
from rivalry.validate.candidates import candidates, surroundings
from rivalry.validate.owl import owl_problems
from rivalry.validate.provenance import provenance_problems
from rivalry.validate.report import Problem, Report
from rivalry.validate.shacl import shacl_problems
from rivalry.validate.sparql_shapes import load_constraints, sparql_problems, without_sparql


def validate(
    store: ox.Store,
    sources: Sources,
    *,
    owl: bool = True,
    focus: set[ox.NamedNode] | None = None,
    graphs: set[str] | None = None,
    also: Iterable[Problem] = (),
) -> Report:
    """SHACL on the asserted facts (with the ontology), provenance, and OWL on everything.

    ``focus`` limits SHACL to those nodes and ``graphs`` limits the provenance rules to
    those named graphs, for checking a change set against the graph it joins; ``also``
    adds problems found by other layers, so that all are located and reported together.
    """
    report = Report(list(also))
    # what pySHACL sees, facts + ontology, as one graph in Oxigraph for the SPARQL layers
    facts = _default_graph(sources.ontology + sources.facts)
    shapes_store = _default_graph(sources.shapes)
    shapes = to_rdflib(without_sparql(sources.shapes))
    if focus is None:  # the whole graph: pySHACL checks only the nodes that may fail
        report.extend(_core_problems(facts, sources, shapes))
    else:
        data = to_rdflib(sources.ontology + sources.facts)
        nodes = [rdflib.URIRef(n.value) for n in focus]
        report.extend(shacl_problems(data, shapes, focus_nodes=nodes))
    report.extend(
        sparql_problems(
            facts,
            load_constraints(shapes_store),
            None if focus is None else {n.value for n in focus},
        )
    )
    report.extend(provenance_problems(sources, graphs))
    if owl:
        report.extend(owl_problems(store))
    locator = Locator.from_quads(sources.facts, sources.origin)
    report.problems = [located(p, locator) for p in report.problems]
    return report


def _core_problems(facts: ox.Store, sources: Sources, shapes: rdflib.Graph) -> list[Problem]:
    """Each shape on the nodes that may fail it, over those nodes' surroundings."""
    core = _default_graph(without_sparql(sources.shapes))
    found = candidates(facts, core)
    nodes = set().union(*found.values())
    data = to_rdflib(sources.ontology + surroundings(facts, core, nodes))
    problems = []
    for shape, focus in found.items():
        focus_nodes = [rdflib.URIRef(n.value) for n in focus]
        problems += shacl_problems(data, shapes, focus_nodes, use_shapes=[rdflib.URIRef(shape)])
    return problems


def _default_graph(quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
    return store


def check_project(project: Project, extra: Iterable[Path] = (), *, owl: bool = True) -> Report:
    """Validate the project's graph plus ``extra`` files, on an in-memory copy."""
    sources = load_project(project, extra)
    return validate(reason.materialised(sources, project.rules_dir), sources, owl=owl)


def located(problem, locator: Locator):
    """The problem with the file and line of its focus node, unless it has them already."""
    if problem.file is not None:
        return problem
    path, line = locator.locate(problem.focus)
    return dataclasses.replace(problem, file=path, line=line)
