"""Named property shapes (trsh:sourceRequired, trsh:label) that node shapes include are
checked by full validation too: pySHACL, given a node shape in ``use_shapes``, treated them as
filtered out, so the build never reported an event without a source."""

from __future__ import annotations

from pathlib import Path

from rivalry.validate.layers import check_project

CASE = Path(__file__).parent / "shapes" / "invalid" / "event-without-source.trig"


def test_full_validation_reports_a_missing_source(project):
    report = check_project(project, [CASE], owl=False)
    found = {(p.rule, p.focus) for p in report.violations}
    event = "https://w3id.org/tech-rivalry/id/event/2025-05-21-test-statement"
    assert ("trsh:sourceRequired", event) in found, sorted(found)
