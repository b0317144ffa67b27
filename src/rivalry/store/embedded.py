"""The embedded Oxigraph store on disk: built whole in a fresh folder, then swapped in.

A build never writes into the live store. It fills a store in a staging folder next to
it and, only when the build succeeds and that store is closed, renames it into place,
so a failed or interrupted build leaves the previous store as it was.

The swap is two renames (live store aside, new store in). A process killed between them
leaves no live store but the old one in ``store.old-<pid>``; ``settle`` puts it back
before the store is next opened or built, and drops the folders of dead builds.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from time import time_ns

import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError


class StoreMissing(RivalryError):
    def __init__(self, path: Path):
        super().__init__(f"no store at {path}; run `rivalry build` first")


def marker_path(path: Path) -> Path:
    """A file beside the store that every write touches, so readers see it changed."""
    return path.with_name(f"{path.name}.changed")


def mark_changed(path: Path) -> None:
    marker = marker_path(path)
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(time_ns()))  # a new mtime and content, however fast the writes


def generation(path: Path) -> tuple[int, int]:
    """Changes when a build swaps a new store in (new folder) or a merge writes into it
    (the marker): a read-only handle opened before then answers from the old snapshot."""
    try:
        folder = os.stat(path).st_ino
    except OSError:
        folder = 0
    try:
        marked = marker_path(path).stat().st_mtime_ns
    except OSError:
        marked = 0
    return folder, marked


def staging_path(path: Path) -> Path:
    """A fresh, empty folder beside ``path`` for a store being built."""
    path.parent.mkdir(parents=True, exist_ok=True)
    settle(path)
    tmp = path.with_name(f"{path.name}.building-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    return tmp


def swap_in(tmp: Path, path: Path) -> None:
    """Make a closed, staged store live: move the old one aside, rename, drop the old."""
    old = path.with_name(f"{path.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)  # left by a dead process that had this pid
    if path.exists():
        os.replace(path, old)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)
    mark_changed(path)


def settle(path: Path) -> None:
    """Undo what killed builds left beside ``path``: put back a store moved aside by a swap
    that never finished, and remove the staging and old folders of dead processes."""
    leftovers = [
        (p, kind, int(pid))
        for p in path.parent.glob(f"{path.name}.*-*")
        for kind, _, pid in [p.name.removeprefix(f"{path.name}.").rpartition("-")]
        if kind in ("building", "old") and pid.isdigit() and not _alive(int(pid))
    ]
    for old, kind, _ in leftovers:
        if kind == "old" and not path.exists():
            with contextlib.suppress(OSError):  # another process put one back first
                os.replace(old, path)
    for leftover, _, _ in leftovers:
        shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def open_store(path: Path) -> ox.Store:
    """Open the built store read-only, so several readers can share it."""
    if not path.exists():
        settle(path)
    if not path.exists():
        raise StoreMissing(path)
    return ox.Store.read_only(str(path))
