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
from rivalry.gate.identity import identity_problems
from rivalry.gate.neighbourhood import neighbourhood
from rivalry.load import Sources, load_change, load_vocabulary
from rivalry.project import Project
from rivalry.validate.report import Report
from rivalry.validate.run import validate


def check(project: Project, store: ox.Store, files: Iterable[Path], *, owl: bool = True) -> Report:
    change = load_change(project, files)
    return check_change(project, store, change, owl=owl)


def check_change(project: Project, store: ox.Store, change: Sources, *, owl: bool = True) -> Report:
    vocabulary = load_vocabulary(project)
    focus = {q.subject for q in change.facts if isinstance(q.subject, ox.NamedNode)}
    touched = focus | {q.object for q in change.facts if isinstance(q.object, ox.NamedNode)}
    context = Sources(
        ontology=vocabulary.ontology,
        shapes=vocabulary.shapes,
        facts=[*neighbourhood(store, touched), *change.facts],
        origin=change.origin,
    )
    merged = reason.materialised(context, project.rules_dir)
    gate_problems = identity_problems(store, change) + contested_problems(store, change)
    return validate(
        merged, context, owl=owl, focus=focus, graphs=set(change.origin), also=gate_problems
    )
