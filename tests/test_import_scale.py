"""Large changes (issue 16): no statement limit stops a submission, and a merge written in
batches is still all or nothing — killed after a batch landed and before the merge record,
the next writer takes the landed quads out again, leaving files and store as before."""

from __future__ import annotations

import signal

import pyoxigraph as ox
import pytest

from conftest import project_copy, rivalry
from rivalry.gate import merge
from rivalry.gate.check import load_submission
from rivalry.kernel.paths import Project
from test_gate import GATE, _paused_add, snapshot


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return project_copy(tmp_path_factory.mktemp("scale") / "project")


def test_a_change_of_more_than_50000_statements_is_read(tmp_path, project):
    graph = "https://w3id.org/tech-rivalry/graph/scale-test"
    lines = [
        f"<https://w3id.org/tech-rivalry/id/organisation/scale-{n}> "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Scale {n}" <{graph}> .'
        for n in range(50_001)
    ]
    change = tmp_path / "large.nq"
    change.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(load_submission(project, [change]).facts) == 50_001


def test_killed_between_batches_leaves_everything_as_before(workspace):
    before = snapshot(workspace)
    change = GATE / "accepted" / "new-chip-of-existing-firm.trig"
    process = _paused_add(workspace, "batch", change)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    store_path = workspace / ".rivalry" / "store"
    store = ox.Store(str(store_path))
    chip = ox.NamedNode("https://w3id.org/tech-rivalry/id/chip/test-gate-ascend-920")
    landed = list(store.quads_for_pattern(chip, None, None, None))
    del store
    assert landed, "the first batch is in the store when the add is killed"
    project = Project.locate(workspace, store_path)
    with merge.writer_lock(project):
        assert merge.recover(project) == "rolled back"
    assert not (workspace / ".rivalry" / "add-journal.json").exists()
    assert snapshot(workspace) == before
    # and the same change goes in afterwards, whole
    added = rivalry("add", str(change), project=workspace, store=store_path)
    assert added.returncode == 0, added.stdout + added.stderr
    assert (workspace / "graph" / "sources" / "gate-new-chip-of-existing-firm.trig").exists()
