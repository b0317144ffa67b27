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
    data = to_rdflib(sources.ontology + sources.facts)
    shapes = to_rdflib(without_sparql(sources.shapes))
    nodes = None if focus is None else [rdflib.URIRef(n.value) for n in focus]
    report.extend(shacl_problems(data, shapes, focus_nodes=nodes))
    # the SPARQL-based constraints run on Oxigraph, over what pySHACL sees: facts + ontology
    report.extend(
        sparql_problems(
            _default_graph(sources.ontology + sources.facts),
            load_constraints(_default_graph(sources.shapes)),
            None if focus is None else {n.value for n in focus},
        )
    )
    report.extend(provenance_problems(sources, graphs))
    if owl:
        report.extend(owl_problems(store))
    locator = Locator.from_quads(sources.facts, sources.origin)
    report.problems = [located(p, locator) for p in report.problems]
    return report


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
