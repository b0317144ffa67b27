"""The vendored browser libraries are the versions package-lock.json pins, each with its
licence, and the pages' own files never point at another host."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rivalry.web.html import STATIC

ROOT = Path(__file__).resolve().parent.parent
VENDOR = STATIC / "vendor"


def test_vendored_versions_are_the_locked_ones() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert set(manifest) == set(wanted), "run `make vendor` after changing package.json"
    for package, entry in manifest.items():
        assert entry["version"] == lock[f"node_modules/{package}"]["version"] == wanted[package]
        for name in entry["files"]:
            assert (VENDOR / name).stat().st_size > 0
        assert (VENDOR / entry["files"][0]).parent.joinpath("LICENSE").exists()


def test_the_pages_own_scripts_load_nothing_from_elsewhere() -> None:
    remote = re.compile(r"""(?:src|href)\s*=\s*["']https?://|import\s*\(?\s*["']https?://""")
    own = [p for p in STATIC.rglob("*") if p.is_file() and VENDOR not in p.parents]
    for path in own:
        if path.suffix in {".js", ".css", ".html"}:
            assert not remote.search(path.read_text(encoding="utf-8")), path
