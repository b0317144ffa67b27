"""The reliability scorecard (RELIABILITY.md §3.5): tests record counts, the run prints one line.

A test calls ``record("conformance.turtle", passed=412, failed=0)``; counts under one section add
up across calls. At the end of the session ``conftest.py`` merges every section into
``.rivalry/scorecard.json`` and ``.ci/run`` prints it as a single JSON line.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ROOT / ".rivalry" / "scorecard"
SCORECARD = ROOT / ".rivalry" / "scorecard.json"


def reset() -> None:
    SECTIONS.mkdir(parents=True, exist_ok=True)
    for old in SECTIONS.glob("*.json"):
        old.unlink()
    SCORECARD.unlink(missing_ok=True)


def record(section: str, **counts: float) -> None:
    """Add numeric counts to a section; a key named ``max_*`` keeps the largest value instead."""
    path = SECTIONS / f"{section}.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    for key, value in counts.items():
        if key.startswith("max_"):
            current[key] = max(current.get(key, value), value)
        else:
            current[key] = current.get(key, 0) + value
    SECTIONS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, sort_keys=True))


def write() -> dict:
    """Merge the sections into one dictionary, write it, and return it."""
    card = {p.stem: json.loads(p.read_text()) for p in sorted(SECTIONS.glob("*.json"))}
    SCORECARD.write_text(json.dumps(card, sort_keys=True))
    return card
