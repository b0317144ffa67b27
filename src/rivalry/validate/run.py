"""Run every validation layer over a materialised dataset and collect one report."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from rivalry import reason
from rivalry.load import Sources, load_project, to_rdflib
from rivalry.locate import Locator
from rivalry.project import Project
from rivalry.validate.owl import owl_problems
from rivalry.validate.provenance import provenance_problems
from rivalry.validate.report import Report
from rivalry.validate.shacl import shacl_problems


def validate(store: ox.Store, sources: Sources, *, owl: bool = True) -> Report:
    """SHACL on the asserted facts (with the ontology), provenance, and OWL on everything."""
    report = Report()
    data = to_rdflib(sources.ontology + sources.facts)
    shapes = to_rdflib(sources.shapes)
    report.extend(shacl_problems(data, shapes))
    report.extend(provenance_problems(sources))
    if owl:
        report.extend(owl_problems(store))
    locator = Locator.from_quads(sources.facts, sources.origin)
    report.problems = [_located(p, locator) for p in report.problems]
    return report


def check_project(project: Project, extra: Iterable[Path] = (), *, owl: bool = True) -> Report:
    """Validate the project's graph plus ``extra`` files, on an in-memory copy."""
    return check_sources(load_project(project, extra), project.rules_dir, owl=owl)


def check_sources(sources: Sources, rules_dir: Path, *, owl: bool = True) -> Report:
    return validate(reason.materialised(sources, rules_dir), sources, owl=owl)


def _located(problem, locator: Locator):
    if problem.file is not None:
        return problem
    path, line = locator.locate(problem.focus)
    return dataclasses.replace(problem, file=path, line=line)
