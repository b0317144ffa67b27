"""What every importer reads a file into, before any RDF: parties (firms, organisations,
people), their listings on control lists, and ownership links, each with its line and its
raw values."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pycountry

from rivalry.kernel.text import ISO_DATE
from rivalry.load.csv_template import CsvError


class InputError(CsvError):
    """A record the importer cannot read; says where (line, column) and how to fix it."""


@dataclass
class Party:
    key: str  # the record's identifier in the file
    line: int
    kind: str  # "firm", "organisation" or "person"
    names: list[str]  # the first is the primary name
    countries: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2, capitals
    wikidata: str | None = None
    raw: dict = field(default_factory=dict)


@dataclass
class ListedOn:
    party: str  # key of the listed party
    line: int
    list_name: str  # the list's name as the file gives it
    list_label: str  # the list's name as the graph labels it
    authority: str  # the body that keeps the list
    country: str  # the state of that body
    start: str | None  # the day the listing took effect, if the file gives a full date
    end: str | None
    key: str  # the record's identifier (a row may list one party on one list)
    raw: dict = field(default_factory=dict)
    list_key: str | None = None  # short IRI keys where the list is known; else slugs
    body_key: str | None = None


@dataclass
class Owns:
    owner: str
    asset: str
    line: int
    key: str
    start: str | None
    end: str | None
    raw: dict = field(default_factory=dict)
    percentage: str | None = None  # the share in per cent, 0 to 100, as a decimal's text


@dataclass
class Parsed:
    fmt: str
    parties: dict[str, Party] = field(default_factory=dict)
    listings: list[ListedOn] = field(default_factory=list)
    ownerships: list[Owns] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    list_names: set[str] = field(default_factory=set)


def full_date(text: str | None) -> str | None:
    """A real calendar day, or None for partial dates ("2019-05") kept only as raw values."""
    text = (text or "").strip()[:10]
    if not ISO_DATE.fullmatch(text):
        return None
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return None
    return text


def share_percentage(text: str | None) -> str | None:
    """A share in per cent ("51", "33.3", "100%") as a decimal's text, or None if it is
    missing or not a number from 0 to 100."""
    text = (text or "").strip().removesuffix("%").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= 100:
        return None
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def country_code(text: str) -> str | None:
    """An ISO 3166-1 alpha-2 code ("cn", "CN") or None if ISO assigns no country to it."""
    code = text.strip().upper()
    return code if len(code) == 2 and pycountry.countries.get(alpha_2=code) else None


def raw_json(raw: dict) -> str:
    return json.dumps(raw, ensure_ascii=False, sort_keys=True)
