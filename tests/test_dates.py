"""Dates of three precisions and the intervals they stand for (kernel/dates.py), and the
interval rule the time shapes use on lexical forms."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from rivalry.kernel.dates import datatype_of, interval
from rivalry.kernel.terms import xsd


@pytest.mark.parametrize(
    "text, datatype",
    [("2025-05-20", xsd.date), ("2025-05", xsd.gYearMonth), ("2025", xsd.gYear)],
)
def test_the_three_forms(text, datatype):
    assert datatype_of(text) == datatype


@pytest.mark.parametrize(
    "text", ["2025-13", "2025-02-30", "25", "20 May 2025", "\uff12\uff10\uff12\uff15"]
)
def test_not_dates(text):
    assert datatype_of(text) is None


def test_intervals():
    assert interval("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert interval("2025") == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


# the time shapes' test "A is certainly before B": CONCAT(STR(?a), "~") < STR(?b)
CASES = [
    ("2025", "2026-01-01", True),
    ("2025-05", "2025-05-20", False),
    ("2025-05-20", "2025-05", False),
    ("2025-05-31", "2025-06", True),
    ("2025-05-20", "2025-05-20", False),
    ("2025-05-19", "2025-05-20", True),
    ("2025", "2025-01-01", False),
]


@pytest.mark.parametrize("a, b, before", CASES)
def test_certainly_before_on_lexical_forms(a, b, before):
    (row,) = ox.Store().query(
        'SELECT ?a ?b (CONCAT(STR(?a), "~") < STR(?b) AS ?before) WHERE {}',
        substitutions={ox.Variable("a"): ox.Literal(a), ox.Variable("b"): ox.Literal(b)},
    )
    assert (row["before"].value == "true") is before
    _, last_a = interval(a)
    first_b, _ = interval(b)
    assert (last_a < first_b) is before
