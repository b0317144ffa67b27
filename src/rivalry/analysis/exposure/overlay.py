"""What if: the built store plus hypothetical facts, in memory, never merged.

The store is copied into a new in-memory store; the assumed files are parsed with the
project's strict loader (``rivalry.load``), added to it — triples outside a named graph go
to an ``assumed`` graph of their file — and the inference rules are run again, so that
derived links (a chip use's "uses item", a threat's "forbids compliance") follow from them.
The store on disk and ``graph/`` are only read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import GRAPH
from rivalry.kernel.paths import Project
from rivalry.load.parse import load_change
from rivalry.reason.rules import UNION, materialise, rule_queries

ASSUMED_GRAPH = GRAPH + "assumed/"


@dataclass(frozen=True)
class Assumed:
    """The hypothetical facts' graphs (to mark what rests on them) and their files."""

    graphs: frozenset[str]
    files: tuple[str, ...]


def overlay(store: ox.Store, project: Project, files: Iterable[Path]) -> tuple[ox.Store, Assumed]:
    """An in-memory copy of ``store`` with the facts of ``files`` added and inferred from.

    Raises ``rivalry.load.parse.ParseError`` (file:line:column) on a file that does not
    parse."""
    files = list(files)
    change = load_change(project, files)
    quads = []
    for quad in change.facts:
        graph = quad.graph_name
        if isinstance(graph, ox.DefaultGraph):
            origin = change.origin.get("", files[0] if files else Path("assumed"))
            graph = ox.NamedNode(ASSUMED_GRAPH + Path(origin).name)
        quads.append(ox.Quad(quad.subject, quad.predicate, quad.object, graph))
    memory = ox.Store()
    memory.bulk_extend(store)
    memory.extend(quads)
    memory.extend(ox.Quad(q.subject, q.predicate, q.object, UNION) for q in quads)
    materialise(memory, rule_queries(project.rules_dir))
    graphs = frozenset(q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode))
    return memory, Assumed(graphs, tuple(str(f) for f in files))
