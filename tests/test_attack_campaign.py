"""A short fixed-seed run of the attack harness (scripts/attack.py, issue 20): about a minute of
hostile SPARQL, hostile change files and killed writers against a copy of the project. Its
figures go to the scorecard; any failure it finds fails the test, with the reproductions
saved under .rivalry/attack/."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT
from scorecard import record

BUDGET, SEED = 60, 20


def _campaign(report_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "attack.py"),
            "--budget",
            str(BUDGET),
            "--seed",
            str(SEED),
            "--json",
            str(report_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUDGET * 5 + 300,  # the last trial may run to its own limit
    )


def test_plan_is_the_same_for_the_same_seed():
    plan = [sys.executable, str(ROOT / "scripts" / "attack.py"), "--plan", "40", "--seed", "3"]
    first, again = (subprocess.run(plan, capture_output=True, text=True) for _ in range(2))
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout and len(first.stdout.splitlines()) == 40


def test_a_short_fixed_seed_campaign_finds_nothing(tmp_path):
    out = tmp_path / "attack.json"
    result = _campaign(out)
    assert out.exists(), result.stderr[-3000:]
    report = json.loads(out.read_text())
    totals = {
        kind: sum(family[kind] for family in report["families"].values())
        for kind in next(iter(report["families"].values()))
    }
    record(
        "attack",
        seed=SEED,
        seconds=report["seconds"],
        failures=report["failures"],
        max_server_rss_mb=report["max_server_rss_mb"],
        **{f"{family}_attempts": row["attempts"] for family, row in report["families"].items()},
        **totals,
    )
    assert totals["attempts"] > 0
    assert result.returncode == 0 and report["failures"] == 0, [
        (f["generator"], f["kind"], f["detail"][:200]) for f in report["found"]
    ]
