"""Calendar dates of three precisions — a day, a month, a year — and the interval of days
each stands for, so that "2025" compares with "2026-01-01" as a source would mean it."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from rivalry.kernel.terms import xsd

# lexical forms in ASCII digits (``\d`` would take any script's digits); use with fullmatch
FORMS = (
    (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), xsd.date),
    (re.compile(r"[0-9]{4}-[0-9]{2}"), xsd.gYearMonth),
    (re.compile(r"[0-9]{4}"), xsd.gYear),
)
DATATYPES = frozenset(datatype for _, datatype in FORMS)
WRITTEN = "YYYY-MM-DD, or YYYY-MM or YYYY when the source gives no day"


def datatype_of(text: str) -> str | None:
    """The datatype a written date has (xsd:date, xsd:gYearMonth or xsd:gYear), or None
    when it is no real date in one of the three forms."""
    for pattern, datatype in FORMS:
        if pattern.fullmatch(text):
            try:
                interval(text)
            except ValueError:
                return None
            return datatype
    return None


def interval(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day a day, month or year stands for; ValueError if none."""
    parts = [int(p) for p in text[:10].split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def first_day(text: str) -> dt.date:
    return interval(text)[0]
