"""Run every validation layer over a materialised dataset and collect one report."""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox

from rivalry.load import Sources, to_rdflib
from rivalry.locate import Locator
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


def _located(problem, locator: Locator):
    if problem.file is not None:
        return problem
    path, line = locator.locate(problem.focus)
    return dataclasses.replace(problem, file=path, line=line)
