"""Exposure pages, shared by ``rivalry serve`` and the static release: one entity's
explanation on a day (each path with its links, days and linked sources, and the path
diagram as inline SVG), and the ranking of states and firms by their paths on a day, each
row linked to its explanation.

The functions return (title, body) for ``html.page``; where a page links to another is
given by the caller (``href``), so the server and the static site can place them apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html import escape

import pyoxigraph as ox

from rivalry.analysis import exposure as analysis
from rivalry.analysis.exposure import render
from rivalry.analysis.exposure.model import Exposure, Link, Path, Source
from rivalry.kernel.namespaces import compact
from rivalry.query import catalogue, execute
from rivalry.web import html

# the day the starting story turns on (MOFCOM's statement); a release's default date
DEFAULT_DAY = date(2025, 5, 21)
KINDS = ("/id/state/", "/id/firm/")
Href = Callable[[str, date], str]  # (entity IRI, day) -> where its explanation is


def explainable(iri: str) -> bool:
    """States and firms have exposure explanations (told apart by their IRI's kind)."""
    return any(kind in iri for kind in KINDS)


def entity_link(iri: str, href: Href, day: date = DEFAULT_DAY) -> str:
    """The entity page's link to its explanation (empty for other kinds)."""
    if not explainable(iri):
        return ""
    return (
        f"<p><a href='{escape(href(iri, day))}'>How it is exposed</a> "
        "<span class='muted'>(measures, rival laws and the links between, with sources)</span></p>"
    )


def inline_svg(picture: bytes) -> str:
    """Graphviz's SVG without its XML prolog and DOCTYPE, to sit inside an HTML page."""
    text = picture.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def _sources(sources: tuple[Source, ...], linker: html.Linker) -> str:
    if not sources:
        return "<span class='muted'>no source in the graph</span>"
    items = []
    for s in sources:
        label = s.title or s.url or compact(s.iri)
        who = ", ".join(x for x in (s.publisher, s.published) if x)
        mark = "assumed: " if s.assumed else ""
        link = linker.link(s.url, label) if s.url else linker.link(s.iri, label)
        items.append(
            f"{mark}{link}" + (f" <span class='muted'>({escape(who)})</span>" if who else "")
        )
    return "; ".join(items)


def _link_row(link: Link, linker: html.Linker) -> str:
    days = ", ".join(p.text() for p in link.periods)
    contested = "".join(
        f"<br><strong>contested</strong>: {escape(c.name or compact(c.matter))}<ul>"
        + "".join(f"<li>{escape(claim.text())}</li>" for claim in c.claims)
        + "</ul>"
        for c in link.contested
    )
    return (
        f"<tr><td>{linker.link(link.subject.iri, link.subject.name)}</td>"
        f"<td>{escape(render.words(link.relation))}</td>"
        f"<td>{linker.link(link.object.iri, link.object.name)}</td>"
        f"<td>{escape(days)}</td><td>{_sources(link.sources, linker)}{contested}</td></tr>"
    )


def _path(number: int, path: Path, linker: html.Linker) -> str:
    m, law = path.measure, path.law
    acts = "".join(
        f"<li>{escape(a.kind)} {escape(str(a.day or ''))}: {escape(a.name or compact(a.iri))} "
        f"— {_sources(a.sources, linker)}</li>"
        for a in path.acts
    )
    rows = "".join(_link_row(k, linker) for k in path.links)
    holds = ", ".join(p.text() for p in path.periods)
    return (
        f"<section class='path'><h3>{number}. {escape(path.how)}, through "
        f"{linker.link(path.through.iri, path.through.name)}"
        f"{' (assumed)' if path.assumed else ''}</h3>"
        f"<p>Measure: {linker.link(m.node.iri, m.node.name)} ({escape(m.state.name)}), in force "
        f"{escape(m.in_force.text())} — {_sources(m.sources, linker)}</p>"
        f"<p>Rival law: {linker.link(law.node.iri, law.node.name)} ({escape(law.state.name)}), "
        f"in force {escape(law.in_force.text())}, forbids complying with the measure"
        f"{'; invoked by' if acts else ''}</p>{f'<ul>{acts}</ul>' if acts else ''}"
        "<table><thead><tr><th>from</th><th>link</th><th>to</th><th>days</th><th>sources</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        f"<p>Holds {escape(holds)}</p></section>"
    )


def explanation(exposure: Exposure, linker: html.Linker, picture: str = "") -> tuple[str, str]:
    entity = exposure.entity
    count = len(exposure.paths)
    title = f"Exposure of {entity.name} on {exposure.day}"
    form = (
        "<form method='get'><label>Date <input name='date' type='date' "
        f"value='{exposure.day.isoformat()}'></label> <button type='submit'>Explain</button></form>"
    )
    head = (
        f"<p>{linker.link(entity.iri, entity.name)}: {count} exposure "
        f"path{'s' if count != 1 else ''} on {exposure.day}.</p>"
    )
    if not exposure.paths:
        head += "<p>No measure in force that a rival law forbids complying with reaches it.</p>"
    diagram = f"<figure class='diagram'>{picture}</figure>" if picture else ""
    paths = "".join(_path(i, p, linker) for i, p in enumerate(exposure.paths, 1))
    return title, form + head + diagram + paths


RANKING = "exposure-ranking"


def ranking_rows(store: ox.Store, queries_dir, day: date) -> list[dict]:
    """The catalogue's exposure-ranking on ``day``: entity, name, kind, paths, ways."""
    entry = catalogue.find(queries_dir, RANKING)
    bindings = {ox.Variable("date"): ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD_DATE))}
    rows = []
    for row in execute.execute(store, entry.text, bindings):
        rows.append(
            {
                "entity": row["entity"].value,
                "name": row["entityName"].value if row["entityName"] else "",
                "kind": row["kind"].value if row["kind"] else "",
                "paths": int(row["paths"].value),
                "ways": row["ways"].value if row["ways"] else "",
            }
        )
    return rows


XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def ranking(rows: list[dict], day: date, linker: html.Linker, href: Href) -> tuple[str, str]:
    title = f"Exposure ranking on {day}"
    form = (
        "<form method='get'><label>Date <input name='date' type='date' "
        f"value='{day.isoformat()}'></label> <button type='submit'>Rank</button></form>"
    )
    if not rows:
        return title, form + "<p>No state or firm is exposed on this day.</p>"
    body = "".join(
        f"<tr><td>{linker.link(r['entity'], r['name'])}</td><td>{escape(_kind(r['kind']))}</td>"
        f"<td><a href='{escape(href(r['entity'], day))}'>{r['paths']}</a></td>"
        f"<td>{escape(r['ways'])}</td></tr>"
        for r in rows
    )
    return title, (
        form + "<table><thead><tr><th>entity</th><th>kind</th><th>paths (explained)</th>"
        f"<th>how</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _kind(kind: str) -> str:
    return re.sub(r".*[#/]", "", kind)


def parse_day(text: str | None, default: date) -> date:
    """A page's ?date=; ``ValueError`` with how to write it otherwise."""
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text[:40]!r} is not a date; write it as YYYY-MM-DD") from None


def explain(store: ox.Store, iri: str, day: date) -> tuple[Exposure, str]:
    """The explanation and its diagram as inline SVG (empty when Graphviz is missing)."""
    result = analysis.explain(store, ox.NamedNode(iri), day)
    try:
        picture = inline_svg(render.svg(result)) if result.paths else ""
    except render.RenderError:
        picture = ""
    return result, picture
