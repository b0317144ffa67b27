"""A disposable copy of the project for the campaign, reset to a pristine state before each
trial, and the observations the oracles need: which files changed anywhere around the
project, what the store holds, and how a CLI run ended.

Layout under one temporary folder::

    pristine/a/b/project   built once, never touched again
    work/a/b/project       what the commands run on; ``work/`` is snapshotted whole, so a
                           file written up to five ``../`` above graph/sources/ is still seen
    inputs/                the generated change files (outside ``work/``)
    serve/store            a copy of the store for ``rivalry serve`` (never written by ``add``)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from conftest import fingerprint

NEST = Path("a") / "b" / "project"
# where a command may write: the merge target folder and the project's private state
ALLOWED = (Path("graph") / "sources", Path(".rivalry"))
EXIT_CODES = {0, 1, 2}  # README, "Validation and exit codes"


@dataclass
class Run:
    command: list[str]
    code: int | None  # None: killed at the timeout
    stdout: str
    stderr: str
    seconds: float

    @property
    def crashed(self) -> bool:
        return self.code is not None and (
            self.code not in EXIT_CODES or "Traceback (most recent call last)" in self.stderr
        )

    @property
    def hung(self) -> bool:
        return self.code is None


class Workspace:
    def __init__(self, base: Path, source: Path):
        self.base = base
        self.pristine = base / "pristine" / NEST
        self.work_top = base / "work"
        self.project = self.work_top / NEST
        self.inputs = base / "inputs"
        self.serve_store = base / "serve" / "store"
        self.pristine.mkdir(parents=True)
        for part in ("ontology", "graph", "queries"):
            shutil.copytree(source / part, self.pristine / part, symlinks=True)
        self.inputs.mkdir()

    def env(self, project: Path | None = None) -> dict[str, str]:
        project = project or self.project
        return {
            **os.environ,
            "RIVALRY_PROJECT": str(project),
            "RIVALRY_STORE": str(project / ".rivalry" / "store"),
        }

    def build_pristine(self) -> Run:
        run = rivalry(["build", "--no-owl"], self.env(self.pristine), timeout=300)
        if run.code == 0:
            self.serve_store.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(self.pristine / ".rivalry" / "store", self.serve_store)
        return run

    def reset(self) -> None:
        """Throw away whatever the last trial did: ``work/`` becomes the pristine copy again."""
        if self.work_top.exists():
            shutil.rmtree(self.work_top)
        shutil.copytree(self.pristine.parents[2], self.work_top, symlinks=True)

    def rivalry(self, args: list[str], timeout: float) -> Run:
        return rivalry(args, self.env(), timeout)

    def start(self, args: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "rivalry", *args],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def tree(self) -> dict[str, tuple[int, int]]:
        """Every file under ``work/`` with its size and modification time."""
        out = {}
        for folder, _, files in os.walk(self.work_top):
            for name in files:
                path = Path(folder, name)
                try:
                    info = path.lstat()
                except OSError:
                    continue
                out[str(path.relative_to(self.work_top))] = (info.st_size, info.st_mtime_ns)
        return out

    def outside_writes(self, before: dict, after: dict) -> list[str]:
        """Files created, changed or deleted anywhere but graph/sources/ and .rivalry/."""
        changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
        inside = [str(NEST / allowed) + os.sep for allowed in ALLOWED]
        return sorted(p for p in changed if not p.startswith(tuple(inside)))

    def changed_graph_files(self, before: dict, after: dict) -> list[str]:
        sources = str(NEST / "graph" / "sources") + os.sep
        return sorted(p for p in after if p.startswith(sources) and before.get(p) != after[p])

    def fingerprint(self) -> tuple[dict[str, str], str]:
        return fingerprint(self.project)

    def facts(self) -> set[str]:
        """The store's quads without blank nodes (their labels change from build to build)."""
        store = ox.Store.read_only(str(self.project / ".rivalry" / "store"))
        try:
            return {
                str(q)
                for q in store
                if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object, q.graph_name))
            }
        finally:
            del store

    def leftovers(self) -> list[str]:
        state = self.project / ".rivalry"
        # store.changed is the marker every write touches for running servers (kept on purpose)
        kept = {"store", "store.changed"}
        return sorted(p.name for p in state.glob("store.*") if p.name not in kept)


def rivalry(args: list[str], env: dict[str, str], timeout: float) -> Run:
    """The real CLI in a subprocess (its own session, so a timeout kills all of it)."""
    command = [sys.executable, "-m", "rivalry", *args]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
        code = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        code = None
    text = lambda b: b.decode("utf-8", "replace")  # noqa: E731
    return Run(command, code, text(out), text(err), time.monotonic() - started)
