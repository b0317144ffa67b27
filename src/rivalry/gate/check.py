"""``rivalry check``: validate change files against the built graph, touching only the
part of the graph the change reaches.

The change is parsed strictly, its neighbourhood is taken from the store, and the same
validation layers as ``rivalry validate`` (SHACL, provenance, OWL) run on the change plus
that neighbourhood, reporting only problems of the nodes the change touches.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from rivalry import reason
from rivalry.gate.contested import contested_problems
from rivalry.gate.forbidden import forbidden_problems
from rivalry.gate.identity import identity_problems
from rivalry.gate.neighbourhood import neighbourhood
from rivalry.load import Sources, load_change, load_vocabulary
from rivalry.locate import Locator
from rivalry.project import Project
from rivalry.validate.report import Report
from rivalry.validate.run import located, validate

# the most statements one submission may bring: the checks grow with the change's size
CHANGE_LIMIT = 50_000


def check(project: Project, store: ox.Store, files: Iterable[Path], *, owl: bool = True) -> Report:
    change = load_change(project, files, limit=CHANGE_LIMIT)
    return check_change(project, store, change, owl=owl)


def check_change(project: Project, store: ox.Store, change: Sources, *, owl: bool = True) -> Report:
    vocabulary = load_vocabulary(project)
    boundary = forbidden_problems(vocabulary.ontology, change)
    if any(p.severity == "violation" for p in boundary):
        # refused before the reasoner and the shapes ever see the change
        locator = Locator.from_quads(change.facts, change.origin)
        return Report([located(p, locator) for p in boundary])
    focus = {q.subject for q in change.facts if isinstance(q.subject, ox.NamedNode)}
    touched = focus | {q.object for q in change.facts if isinstance(q.object, ox.NamedNode)}
    context = Sources(
        ontology=vocabulary.ontology,
        shapes=vocabulary.shapes,
        facts=[*neighbourhood(store, touched), *change.facts],
        origin=change.origin,
    )
    merged = reason.materialised(context, project.rules_dir)
    gate_problems = boundary + identity_problems(store, change) + contested_problems(store, change)
    return validate(
        merged, context, owl=owl, focus=focus, graphs=set(change.origin), also=gate_problems
    )
