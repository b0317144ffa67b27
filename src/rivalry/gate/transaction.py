"""The writer's sequence, in one place for the CLI and the Python API: take the writer lock,
settle a merge an earlier writer left interrupted, then build the store or check a change and
merge it only if it passes.

Callers are told what happened through two callbacks (a recovered merge, the check's report),
so the CLI prints them where it always did and the API can keep them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from rivalry.gate import merge
from rivalry.gate.check import checked_change
from rivalry.kernel.errors import RivalryError
from rivalry.kernel.paths import Project
from rivalry.load.parse import Sources
from rivalry.store.build import BuildResult
from rivalry.store.build import build as run_build
from rivalry.store.embedded import StoreMissing, settle
from rivalry.validate.report import Report


class ChangeRefused(RivalryError):
    """The change did not pass the check; nothing was merged. ``report`` says why."""

    def __init__(self, report: Report):
        super().__init__("the change does not pass the check; nothing was merged")
        self.report = report


class MergeFailed(RivalryError):
    """The disk refused a write midway; files and store are as they were (or the next writer
    finishes the merge from its journal)."""


def build(
    project: Project,
    *,
    owl: bool = True,
    on_recovered: Callable[[str], None] | None = None,
) -> BuildResult:
    """Rebuild the store under the writer lock, first settling an interrupted merge."""
    with merge.writer_lock(project):
        recovered = project.store_path.exists() and merge.recover(project, rebuilding=True)
        if recovered and on_recovered:
            on_recovered(recovered)
        return run_build(project, owl=owl)


def check_and_merge(
    project: Project,
    make_change: Callable[[ox.Store], Sources | None],
    inputs: list[Path],
    *,
    owl: bool = True,
    on_recovered: Callable[[str], None] | None = None,
    on_report: Callable[[Report], None] | None = None,
) -> merge.MergeResult | None:
    """Under the writer lock: settle an interrupted merge, build the change from the store,
    check it, and merge it only if it passes. Returns None when there was nothing to add;
    raises ChangeRefused when the check fails and MergeFailed when the disk does."""
    project.require_writable("add")
    try:
        with merge.writer_lock(project):
            return _merge_locked(project, make_change, inputs, owl, on_recovered, on_report)
    except OSError as error:  # disk full, file too large, permissions: nothing half-done stays
        raise MergeFailed(
            f"{error}; nothing was merged, or the next rivalry add or build finishes the "
            "interrupted merge. Free some space and run the command again."
        ) from None
    except RivalryError as error:
        # without the frames that held the store open: a process that goes on (the API) must
        # be able to open it again, and RocksDB allows one writable handle per process
        raise error.with_traceback(None) from None


def _merge_locked(
    project: Project,
    make_change: Callable[[ox.Store], Sources | None],
    inputs: list[Path],
    owl: bool,
    on_recovered: Callable[[str], None] | None,
    on_report: Callable[[Report], None] | None,
) -> merge.MergeResult | None:
    settle(project.store_path)  # a store a killed build had moved aside is put back
    if not project.store_path.exists():
        raise StoreMissing(project.store_path)
    recovered = merge.recover(project)
    if recovered and on_recovered:
        on_recovered(recovered)
    db = ox.Store(str(project.store_path))
    change = make_change(db)
    if change is None:
        return None
    report, inferred = checked_change(project, db, change, owl=owl)
    if on_report:
        on_report(report)
    if not report.conforms:
        raise ChangeRefused(report)
    return merge.merge(project, db, change, inputs, checked=inferred)
