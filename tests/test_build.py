"""The build: the shipped graph builds, validates and is consistent; rebuilding is
idempotent; a build that fails validation keeps the previous store."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from rivalry.kernel.namespaces import INFERRED_GRAPH
from rivalry.kernel.paths import Project
from rivalry.store.build import build
from rivalry.store.embedded import open_store

pytestmark = pytest.mark.owl


def test_shipped_graph_builds_and_conforms(built):
    assert built.swapped
    assert built.report.violations == []
    assert built.sources >= 15
    assert built.asserted > 500
    assert built.inferred > 0
    for kind in (
        "State",
        "Ministry",
        "Agency",
        "Firm",
        "Chip",
        "Event",
        "Claim",
        "Law",
        "Guidance",
    ):
        assert built.classes.get(kind, 0) >= 1, kind


def test_inferences_live_in_their_own_graph(store):
    inferred = ox.NamedNode(INFERRED_GRAPH)
    assert any(True for _ in store.quads_for_pattern(None, None, None, inferred))
    # nothing inferred is also asserted: the two never overlap; the default graph is the
    # union of both
    for quad in store.quads_for_pattern(None, None, None, inferred):
        others = store.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
        assert {str(q.graph_name) for q in others} == {str(inferred), str(ox.DefaultGraph())}


def test_default_graph_is_the_union_of_named_graphs(store):
    named = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert named == default


def _snapshot(path):
    """The store's quads; blank nodes (only in ontology and shapes) are counted, not named."""
    store = open_store(path)
    named = {str(q) for q in store if not _has_blank(q)}
    blank = sum(1 for q in store if _has_blank(q))
    del store
    return named, blank


def _has_blank(quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)


def test_rebuild_is_idempotent(tmp_path):
    project = Project.locate(store=tmp_path / "store")
    first = build(project, owl=False)
    before = _snapshot(project.store_path)
    second = build(project, owl=False)
    assert first.swapped and second.swapped
    assert _snapshot(project.store_path) == before


def test_failed_build_keeps_previous_store(tmp_path):
    root = Project.locate().root
    copy = tmp_path / "project"
    for part in ("ontology", "graph", "queries"):
        shutil.copytree(root / part, copy / part)
    project = Project.locate(copy, tmp_path / "store")
    assert build(project, owl=False).swapped
    before = _snapshot(project.store_path)
    shutil.copy(root / "tests" / "fixtures" / "chip-as-state.trig", copy / "graph" / "bad.trig")
    failed = build(project, owl=False)
    assert not failed.swapped
    assert any(p.rule == "trsh:DisjointTypesShape" for p in failed.report.violations)
    assert _snapshot(project.store_path) == before
    # store.changed: the marker running servers watch (touched by every write that lands)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "store", "store.changed"]
