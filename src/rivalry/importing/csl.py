"""The US trade.gov Consolidated Screening List, as CSV (one row per entry, multi-valued
cells separated by "; ", the country code last in each address) or as JSON (an object
whose ``results`` array holds the entries, keyed by ``id``, with multi-valued fields as
arrays, addresses as objects with a ``country`` code, and null for empty fields)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rivalry.importing.records import (
    InputError,
    ListedOn,
    Parsed,
    Party,
    country_code,
    full_date,
)
from rivalry.load.csv_template import checked_header
from rivalry.load.json_guard import JsonLimitError, guard

COLUMNS = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order",
    "license_requirement", "license_policy", "call_sign", "vessel_type", "gross_tonnage",
    "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks", "source_list_url",
    "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
    "source_information_url", "ids",
)  # fmt: skip
REQUIRED = ("_id", "source", "name")

BIS = ("Bureau of Industry and Security", "bis")
OFAC = ("Office of Foreign Assets Control", "ofac")
STATE_ISN = ("Bureau of International Security and Nonproliferation", "isn")
STATE_DDTC = ("Directorate of Defense Trade Controls", "ddtc")

# the CSL's source names -> (list label, list key, (keeping body, body key))
SOURCES = {
    "Entity List (EL) - Bureau of Industry and Security": ("Entity List", "entity-list", BIS),
    "Denied Persons List (DPL) - Bureau of Industry and Security": (
        "Denied Persons List", "denied-persons-list", BIS),
    "Unverified List (UVL) - Bureau of Industry and Security": (
        "Unverified List", "unverified-list", BIS),
    "Military End User (MEU) List - Bureau of Industry and Security": (
        "Military End-User List", "military-end-user-list", BIS),
    "Specially Designated Nationals (SDN) - Treasury Department": (
        "Specially Designated Nationals and Blocked Persons List", "sdn-list", OFAC),
    "Foreign Sanctions Evaders (FSE) - Treasury Department": (
        "Foreign Sanctions Evaders List", "fse-list", OFAC),
    "Sectoral Sanctions Identifications List (SSI) - Treasury Department": (
        "Sectoral Sanctions Identifications List", "ssi-list", OFAC),
    "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department": (
        "Non-SDN Menu-Based Sanctions List", "ns-mbs-list", OFAC),
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department": (
        "Non-SDN Chinese Military-Industrial Complex Companies List", "ns-cmic-list", OFAC),
    "Correspondent Account or Payable-Through Account Sanctions (CAPTA) - Treasury Department": (
        "Correspondent Account or Payable-Through Account Sanctions List", "capta-list", OFAC),
    "Non-SDN Palestinian Legislative Council List (NS-PLC) - Treasury Department": (
        "Non-SDN Palestinian Legislative Council List", "ns-plc-list", OFAC),
    "Nonproliferation Sanctions (ISN) - State Department": (
        "Nonproliferation Sanctions", "nonproliferation-sanctions", STATE_ISN),
    "ITAR Debarred (DTC) - State Department": ("ITAR Debarred List", "itar-debarred", STATE_DDTC),
}  # fmt: skip

KINDS = {"entity": "organisation", "": "organisation", "individual": "person"}
MULTI = ("programs", "alt_names", "citizenships", "nationalities", "dates_of_birth")


def parse_csl(path: Path) -> Parsed:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        return _from_json(text)
    try:
        return _from_csv(text)
    except csv.Error as err:
        raise InputError(None, None, f"not a readable CSV file: {err}") from None


def _from_csv(text: str) -> Parsed:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = checked_header(reader, REQUIRED, COLUMNS, "the CSL's columns are")
    parsed = Parsed(fmt="csl-csv")
    start = 2
    for row in reader:
        cells = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if None in row:
            raise InputError(start, len(header) + 1, "the row has more cells than the header")
        entry = {k: _split(v) if k in MULTI else v for k, v in cells.items()}
        entry["addresses"] = [{"country": a.rpartition(",")[2].strip(), "address": a}
                              for a in _split(cells.get("addresses", ""))]  # fmt: skip
        _entry(parsed, start, entry, cells, lambda c: header.index(c) + 1 if c in header else None)
        start = reader.line_num + 1
    return parsed


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def _from_json(text: str) -> Parsed:
    try:
        guard(text)  # before json.loads, which would recurse through deep nesting
        document = json.loads(text)
    except JsonLimitError as err:
        raise InputError(err.line, err.column, err.message) from None
    except json.JSONDecodeError as err:
        raise InputError(err.lineno, err.colno, f"not valid JSON: {err.msg}") from None
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list):
        raise InputError(1, 1, 'a CSL JSON file is an object with a "results" array of entries')
    parsed = Parsed(fmt="csl-json")
    lines = text.splitlines()
    for index, raw in enumerate(results):
        key = raw.get("id") or raw.get("_id") if isinstance(raw, dict) else None
        if not key:
            raise InputError(None, None, f"results[{index}] is not an entry with an id")
        line = _line_of(lines, f'"{key}"')
        addresses = [a for a in raw.get("addresses") or [] if isinstance(a, dict)]
        _entry(parsed, line, {**raw, "_id": str(key), "addresses": addresses}, raw, lambda c: None)
    return parsed


def _line_of(lines: list[str], needle: str) -> int:
    return next((n for n, line in enumerate(lines, 1) if needle in line), 1)


def _entry(parsed: Parsed, line: int, entry: dict, raw: dict, column) -> None:
    def fail(field: str, message: str) -> InputError:
        return InputError(line, column(field), message)

    key, source, name = (str(entry.get(c) or "").strip() for c in REQUIRED)
    for field, value in (("_id", key), ("source", source), ("name", name)):
        if not value:
            raise fail(field, f"{field} is empty; every CSL entry has one")
    if source not in SOURCES:
        raise fail("source", f"unknown source list {source!r}; the CSL's lists are: "
                   + "; ".join(SOURCES))  # fmt: skip
    kind = KINDS.get(str(entry.get("type") or "").strip().casefold())
    parsed.list_names.add(source)
    if kind is None:
        parsed.skipped.append((line, f"{entry.get('type')} {name!r}: only entities and "
                               "individuals are imported"))  # fmt: skip
        return
    dates = {}
    for field in ("start_date", "end_date"):
        given = str(entry.get(field) or "").strip()
        dates[field] = full_date(given)
        if given and dates[field] is None:
            raise fail(field, f"{field} {given!r} is not a date; the CSL writes YYYY-MM-DD")
    countries = [country_code(str(a.get("country") or "")) for a in entry["addresses"]]
    names = [name, *[n for n in entry.get("alt_names") or [] if n != name]]
    party = parsed.parties.setdefault(key, Party(key, line, kind, names, raw=raw))
    party.countries = sorted({c for c in countries if c})
    label, list_key, (authority, body_key) = SOURCES[source]
    parsed.listings.append(
        ListedOn(
            party=key,
            line=line,
            list_name=source,
            list_label=label,
            authority=authority,
            country="US",
            start=dates["start_date"],
            end=dates["end_date"],
            key=key,
            raw=raw,
            list_key=f"us-{list_key}",
            body_key=f"us-{body_key}",
        )
    )
