"""One test per case file under tests/shapes/: the case, checked against the built graph,
must give the expected outcome. The first line of each file says what to expect:

    # expect: valid                -> no violations
    # expect: trsh:StateShape      -> a violation of that rule, on the case's own entities
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rivalry.gate.check import check

CASES = sorted((Path(__file__).parent / "shapes").glob("*/*.trig"))
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)")


def expected(path: Path) -> str:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path}: first line must be '# expect: <rule or valid>'"
    return match.group(1)


def test_there_are_cases():
    assert len([c for c in CASES if c.parent.name == "invalid"]) >= 25
    assert len([c for c in CASES if c.parent.name == "valid"]) >= 8


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case(case, project, store):
    """Checked as a change set against the built graph, OWL included."""
    expect = expected(case)
    report = check(project, store, [case])
    own = [p for p in report.violations if p.file == case]
    if expect == "valid":
        assert case.parent.name == "valid"
        assert own == [], [f"{p.rule}: {p.message}" for p in own]
    else:
        assert case.parent.name == "invalid"
        rules = {p.rule for p in own}
        assert expect in rules, f"expected {expect}, got {sorted(rules)}"
        assert all(p.message for p in own)
