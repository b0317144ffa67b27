"""Run every validation layer over a materialised dataset and collect one report."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from rivalry import reason
from rivalry.kernel.namespaces import compact
from rivalry.kernel.paths import Project
from rivalry.kernel.terms import sh
from rivalry.load.parse import Sources, load_project, to_rdflib
from rivalry.validate.candidates import candidates, surroundings
from rivalry.validate.derived import (
    Causes,
    Derivation,
    attributed,
    brought_by,
    derivations,
    inferred_quads,
    key,
)
from rivalry.validate.locate import Locator
from rivalry.validate.owl import owl_problems
from rivalry.validate.provenance import provenance_problems
from rivalry.validate.report import Problem, Report
from rivalry.validate.sparql_shapes import load_constraints, sparql_problems, without_sparql

if TYPE_CHECKING:  # rdflib and pySHACL load only when a node may fail a core shape
    import rdflib


def validate(
    store: ox.Store,
    sources: Sources,
    *,
    owl: bool = True,
    focus: set[ox.NamedNode] | None = None,
    graphs: set[str] | None = None,
    also: Iterable[Problem] = (),
) -> Report:
    """SHACL on the facts as the build holds them (asserted, inferred, the ontology),
    provenance, and OWL on everything.

    ``store`` is the materialised dataset of ``sources``. ``focus`` limits SHACL to those
    nodes (and the subjects of the timed relations among them) and ``graphs`` limits the
    provenance rules to those named graphs, for checking a change set against the graph it
    joins; ``also`` adds problems found by other layers, so that all are located and
    reported together.
    """
    derived = derivations(store)
    if focus is not None:
        focus = focus | brought_by(focus, derived)
    asserted = sources.ontology + sources.facts
    # what the shapes see, facts + inferences + ontology, as one graph in Oxigraph
    facts = _default_graph(asserted + inferred_quads(store, derived, sources.shapes))
    shape_problems = _shape_problems(facts, sources, focus)
    causes = _causes(shape_problems, derived, asserted, sources, focus)
    locator = Locator.from_quads(sources.facts, sources.origin)
    problems = [attributed(p, causes[p], locator) if p in causes else p for p in shape_problems]
    problems += provenance_problems(sources, graphs)
    if owl:
        problems += owl_problems(store)
    return Report([located(p, locator) for p in [*also, *problems]])


def _shape_problems(
    facts: ox.Store,
    sources: Sources,
    focus: set | None,
    only: set | None = None,
    rules: set[str] | None = None,
) -> list[Problem]:
    """Every shape's problems on ``facts``, of ``focus`` or of the whole graph (only the
    nodes of ``only`` and the shapes named in ``rules``, if given)."""
    wanted = only if focus is None else focus if only is None else focus & only
    # pySHACL checks only the nodes that may fail (of the whole graph, or of a change): the
    # cost follows the candidates, not every node times every shape
    problems = _core_problems(facts, sources, wanted, rules) if wanted != set() else []
    constraints = load_constraints(_default_graph(sources.shapes))
    if rules is not None:
        constraints = [c for c in constraints if compact(c.shape) in rules]
    values = None if wanted is None else {n.value for n in wanted}
    return problems + sparql_problems(facts, constraints, values)


def _causes(problems, derived, asserted, sources, focus) -> dict[Problem, Derivation]:
    """The problems that only the derived triples bring, each with its derivation: those
    the shapes do not find again on the asserted facts alone (re-checked for the problems'
    nodes only, so a graph with few problems pays little)."""
    index = Causes(derived)
    causes = {p: index.cause(p) for p in problems if p.focus and derived}
    suspects = {p: d for p, d in causes.items() if d is not None}
    if not suspects:
        return {}
    only = {ox.NamedNode(p.focus) for p in suspects}
    rules = {p.rule for p in suspects}
    again = _shape_problems(_default_graph(asserted), sources, focus, only, rules)
    found = {key(p) for p in again}
    return {p: d for p, d in suspects.items() if key(p) not in found}


def _core_problems(
    facts: ox.Store,
    sources: Sources,
    only: set | None = None,
    rules: set[str] | None = None,
) -> list[Problem]:
    """Each shape on the nodes that may fail it, over those nodes' surroundings."""
    core = _default_graph(without_sparql(sources.shapes))
    found = candidates(facts, core)
    if only is not None:
        found = {shape: nodes & only for shape, nodes in found.items() if nodes & only}
    nodes = set().union(*found.values())
    if not nodes:
        return []  # no candidate: pySHACL (and its imports) not needed at all
    import rdflib

    from rivalry.validate.shacl import shacl_problems

    shapes = to_rdflib(without_sparql(sources.shapes))
    data = to_rdflib(sources.ontology + surroundings(facts, core, nodes))
    problems: dict[Problem, None] = {}
    for shape, focus in found.items():
        focus_nodes = [rdflib.URIRef(n.value) for n in focus]
        use = [rdflib.URIRef(shape), *_named_properties(shapes, rdflib.URIRef(shape))]
        problems.update(dict.fromkeys(shacl_problems(data, shapes, focus_nodes, use_shapes=use)))
    return [p for p in problems if rules is None or p.rule in rules]


def _named_properties(shapes: rdflib.Graph, shape: rdflib.URIRef) -> list[rdflib.URIRef]:
    """The named property shapes ``shape`` includes (trsh:sourceRequired, trsh:label).
    pySHACL skips a named shape that ``use_shapes`` does not list; listed, it also applies
    it to the focus nodes directly, which reports the same results again (dropped above)."""
    import rdflib

    property_ = rdflib.URIRef(sh.property)
    return [o for o in shapes.objects(shape, property_) if isinstance(o, rdflib.URIRef)]


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
