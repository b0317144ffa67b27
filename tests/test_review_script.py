"""scripts/review.py: a curator's whole-graph review and seeded audit draws in one command."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = [sys.executable, str(ROOT / "scripts" / "review.py")]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SCRIPT, *args], capture_output=True, text=True, cwd=ROOT)


def test_each_fact_is_printed_beside_its_sources_url() -> None:
    out = run("graph/sources/thenews-sg-2025-03-06-additional-charge.trig")
    assert out.returncode == 0, out.stderr
    assert "https://thenews.sg/3-men-charged" in out.stdout
    assert "event:2025-03-06-sg-additional-charges-server-fraud  tr:actor  person:ng-yi-wen" in (
        out.stdout
    )
    assert "tr:Merge" not in out.stdout  # bookkeeping is not re-read against the article


def test_a_seeded_draw_is_reproducible_and_names_the_document() -> None:
    first, second = (
        run("--sample", "30", "--seed", "7", "--format", "csv"),
        run("--sample", "30", "--seed", "7", "--format", "csv"),
    )
    assert first.returncode == 0 and first.stdout == second.stdout
    rows = list(csv.DictReader(io.StringIO(first.stdout)))
    assert len(rows) == 30
    assert all(r["file"].startswith("graph/sources/") and r["url"].startswith("http") for r in rows)


def test_a_missing_file_is_an_error() -> None:
    out = run("graph/sources/no-such-file.trig")
    assert out.returncode == 2 and "no such file" in out.stderr
