"""The embedded Oxigraph store on disk: built whole in a fresh folder, then swapped in.

A build never writes into the live store. It fills a store in a staging folder next to
it and, only when the build succeeds and that store is closed, renames it into place,
so a failed or interrupted build leaves the previous store as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox


class StoreMissing(Exception):
    def __init__(self, path: Path):
        super().__init__(f"no store at {path}; run `rivalry build` first")


def staging_path(path: Path) -> Path:
    """A fresh, empty folder beside ``path`` for a store being built."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.building-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    return tmp


def swap_in(tmp: Path, path: Path) -> None:
    """Make a closed, staged store live: move the old one aside, rename, drop the old."""
    old = path.with_name(f"{path.name}.old-{os.getpid()}")
    if path.exists():
        os.replace(path, old)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


def open_store(path: Path) -> ox.Store:
    """Open the built store read-only, so several readers can share it."""
    if not path.exists():
        raise StoreMissing(path)
    return ox.Store.read_only(str(path))
