"""Selective catalogue queries rewritten to start from their parameters (the 1M-triple
benchmark): answers that the old forms got wrong, checked on the curated graph. That the
other answers are unchanged is the goldens' job (tests/test_queries.py)."""

from __future__ import annotations

from rivalry.query import catalogue, execute


def rows(store, project, name: str, **given: str) -> list[dict]:
    query = catalogue.find(project.queries_dir, name)
    bindings = execute.bind(store, query, given)
    solutions = execute.execute(store, query.text, bindings)
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in solutions]


def test_a_claimants_position_includes_its_own_claims(store, project):
    # BIS itself makes the claims; the old form's lone FILTER (?by = ?entity) branch
    # matched nothing, so a body's or an official's own position came back empty
    found = rows(store, project, "position-as-of", entity="body:us-bis", date="2026-01-01")
    assert {r["claimant"] for r in found} == {"Bureau of Industry and Security"}
    assert {r["stance"] for r in found} == {"affirms"}
    person = rows(store, project, "position-as-of", entity="person:david-sacks", date="2025-05-20")
    assert {r["stance"] for r in person} == {"affirms"}
