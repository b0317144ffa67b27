"""One test per case file under tests/shapes/: the graph plus the case must give exactly
the expected outcome. The first line of each file says what to expect:

    # expect: valid                -> no violations
    # expect: trsh:StateShape      -> a violation of that rule, on the case's own entities
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rivalry.load import Sources, parse_file
from rivalry.validate.run import check_sources

CASES = sorted((Path(__file__).parent / "shapes").glob("*/*.trig"))
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)")


def expected(path: Path) -> str:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path}: first line must be '# expect: <rule or valid>'"
    return match.group(1)


def with_case(sources: Sources, path: Path) -> Sources:
    quads = parse_file(path)
    origin = dict(sources.origin)
    for q in quads:
        origin.setdefault(getattr(q.graph_name, "value", ""), path)
    return Sources(sources.ontology, sources.shapes, sources.facts + quads, origin)


def test_there_are_cases():
    assert len([c for c in CASES if c.parent.name == "invalid"]) >= 25
    assert len([c for c in CASES if c.parent.name == "valid"]) >= 8


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case(case, sources, project):
    expect = expected(case)
    needs_owl = expect == "owl-consistency"
    report = check_sources(with_case(sources, case), project.rules_dir, owl=needs_owl)
    own = [p for p in report.violations if p.file == case]
    if expect == "valid":
        assert case.parent.name == "valid"
        assert own == [], [f"{p.rule}: {p.message}" for p in own]
    else:
        assert case.parent.name == "invalid"
        rules = {p.rule for p in own}
        assert expect in rules, f"expected {expect}, got {sorted(rules)}"
        assert all(p.message for p in own)
