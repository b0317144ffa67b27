"""Pictures of a set of SPARQL JSON rows, chosen by what the columns hold: dates give a
timeline, a year with counts gives a chart, states give a map, IRIs give a network. The data
is embedded in the page as JSON and drawn by static/views.js; the table is always there."""

from __future__ import annotations

import itertools
import json
import re

import pycountry

from rivalry.kernel.namespaces import ID, compact
from rivalry.web.html import Linker

DATE = re.compile(r"^-?\d{4}-\d{2}-\d{2}")
NUMERIC = ("integer", "decimal", "double", "float", "int", "long")
STATE = ID + "state/"


def iso_numeric(alpha2: str) -> str | None:
    """ISO 3166-1 numeric code of an alpha-2 code (the world shapes are keyed by it)."""
    country = pycountry.countries.get(alpha_2=alpha2.upper())
    return country.numeric if country else None


def _is_number(b: dict | None) -> bool:
    return b is not None and b.get("type") == "literal" and b.get("datatype", "").endswith(NUMERIC)


def _label(row: dict, var: str) -> str:
    """The value of ``var``, or its label column (``xLabel``) when the query gave one."""
    b = row.get(var + "Label") or row.get(var)
    if not b:
        return ""
    return b["value"] if b["type"] != "uri" else compact(b["value"])


def result_views(variables: list[str], rows: list[dict], link: Linker) -> dict:
    """Which pictures fit these rows, with the data each needs."""
    views: dict = {}
    uris = [v for v in variables if any(r.get(v, {}).get("type") == "uri" for r in rows)]
    dates = [
        v for v in variables if rows and all(DATE.match(r[v]["value"]) for r in rows if v in r)
    ]
    dates = [v for v in dates if any(v in r for r in rows)]
    numbers = [v for v in variables if any(_is_number(r.get(v)) for r in rows)]
    if dates:
        d = dates[0]
        text = [v for v in variables if v != d and v not in uris][:2] or uris[:1]
        views["timeline"] = [
            {
                "date": r[d]["value"][:10],
                "label": " · ".join(_label(r, v) for v in text if r.get(v)) or r[d]["value"],
                "href": _href(link, r, uris),
            }
            for r in rows
            if d in r
        ]
    year = next((v for v in variables if v.lower() in ("year", "yr")), None)
    counts = [v for v in numbers if v != year]
    if year and counts:
        views["chart"] = _chart(variables, rows, year, counts[0], uris)
    states = sorted(
        {
            r[v]["value"]
            for r in rows
            for v in uris
            if r.get(v, {}).get("value", "").startswith(STATE)
        }
    )
    places = [(s, iso_numeric(s[len(STATE) :])) for s in states]
    if any(n for _, n in places):
        views["map"] = [
            {"id": n, "name": compact(s), "href": link.local(s) or s} for s, n in places if n
        ]
    if len(uris) >= 2 or (uris and len(rows) > 1):
        views["network"] = _network(rows, uris, link)
    return views


def _href(link: Linker, row: dict, uris: list[str]) -> str | None:
    for v in uris:
        if v in row:
            return link.local(row[v]["value"]) or None
    return None


def _chart(variables: list[str], rows: list[dict], year: str, count: str, uris: list[str]) -> dict:
    """Counts per year, one series per combination of the other text columns."""
    others = [v for v in variables if v not in (year, count) and not v.endswith("Label")][:2]
    years = sorted({int(float(r[year]["value"])) for r in rows if year in r})
    series: dict[str, dict[int, float]] = {}
    for r in rows:
        if year not in r or count not in r:
            continue
        name = " · ".join(_label(r, v) for v in others if r.get(v)) or count
        bucket = series.setdefault(name, {})
        y = int(float(r[year]["value"]))
        bucket[y] = bucket.get(y, 0) + float(r[count]["value"])
    top = sorted(series, key=lambda n: -sum(series[n].values()))[:12]
    return {
        "years": years,
        "series": [{"name": n, "data": [series[n].get(y, 0) for y in years]} for n in top],
    }


def _network(rows: list[dict], uris: list[str], link: Linker) -> dict:
    nodes: dict[str, dict] = {}
    links: set[tuple[str, str]] = set()
    for r in rows[:500]:
        present = [r[v]["value"] for v in uris if v in r]
        for var, iri in zip([v for v in uris if v in r], present, strict=True):
            nodes.setdefault(iri, {"id": iri, "name": _label(r, var), "href": link.local(iri)})
        for a, b in itertools.pairwise(present):
            if a != b:
                links.add((a, b))
    return {
        "nodes": list(nodes.values())[:200],
        "links": [{"source": a, "target": b} for a, b in links if a in nodes and b in nodes],
    }


def first_view(views: dict) -> str:
    """The view a result opens on: a picture its columns call for, else the table."""
    return next((k for k in ("timeline", "chart", "map") if k in views), "table")


def embed(views: dict, element_id: str = "views", table_id: str | None = None) -> str:
    """The views' data as an inert JSON script and the place views.js draws them; with
    ``table_id`` the server-rendered table becomes one of the tabs."""
    if not views:
        return ""
    # no "<" at all inside the script element: neither "</script" nor "<!--" can end or
    # change its parsing, whatever the graph's labels hold
    data = json.dumps(views).replace("<", "\\u003c")
    extra = f" data-table='{table_id}' data-first='{first_view(views)}'" if table_id else ""
    return (
        f"<div class='views' id='{element_id}' data-views='{element_id}-data'{extra}></div>"
        f"<script type='application/json' id='{element_id}-data'>{data}</script>"
    )
