"""Dates of lower precision in the as-of queries, day by day, on tests/cases/dates.trig: a
start given as a year counts from its first day, an end given as a month until its last,
so the answers list what may have held on the day."""

from __future__ import annotations

import pytest

from conftest import CASES, built_project
from rivalry.store.embedded import open_store
from test_queries import answer


@pytest.fixture(scope="module")
def dates_store(tmp_path_factory):
    case = built_project(tmp_path_factory.mktemp("dates"), [CASES / "dates.trig"])
    return open_store(case.store_path)


@pytest.mark.parametrize(
    ("day", "held"),
    [("2022-12-31", False), ("2023-01-01", True), ("2024-06-30", True), ("2024-07-01", False)],
)
def test_a_relation_dated_by_year_and_month(dates_store, day, held):
    rows = answer(dates_store, "relations-as-of", entity="firm:datesfirm", date=day)
    assert bool(rows) is held


@pytest.mark.parametrize(
    ("day", "in_force"),
    [("2025-04-30", False), ("2025-05-01", True), ("2025-12-31", True), ("2027-01-01", False)],
)
def test_a_rule_in_force_from_a_month_and_rescinded_in_a_year(dates_store, day, in_force):
    rows = answer(dates_store, "restricted-as-of", state="state:US", date=day)
    assert any(r["instrument"] == "instrument:us-dates-rule" for r in rows) is in_force
