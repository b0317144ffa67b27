"""The SPARQL editor's page: YASGUI (vendored, served from /static) over a plain form that
works without JavaScript. Everything the editor needs (prefixes, the ontology's terms, the
catalogue) is written into the page, so the browser asks no other host for anything."""

from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import PREFIXES, TR
from rivalry.query.catalogue import CatalogueQuery

YASGUI = "/static/vendor/zazuko-yasgui/"
HEAD = (
    f"<link rel='stylesheet' href='{YASGUI}yasgui.min.css'>"
    f"<script src='{YASGUI}yasgui.min.js' defer></script>"
    "<script src='/static/editor.js' defer></script>"
    "<style>#editor-tools{margin:.5rem 0;line-height:1.8}#examples{max-width:100%}</style>"
)

DEFAULT_QUERY = "SELECT ?entity ?label WHERE {\n  ?entity a tr:Chip ; rdfs:label ?label .\n}"

# the first keyword after the prologue (PREFIX/BASE lines, comments) tells an update apart
_PROLOGUE = re.compile(r"(\s+|#[^\n]*|(PREFIX\s+[\w.-]*:\s*<[^>]*>)|(BASE\s*<[^>]*>))", re.I)
_UPDATE = re.compile(r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)

_CLASSES = {"http://www.w3.org/2002/07/owl#Class", "http://www.w3.org/2000/01/rdf-schema#Class"}
_PROPERTIES = {
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/2002/07/owl#AnnotationProperty",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
}
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def is_update(text: str) -> bool:
    position = 0
    while match := _PROLOGUE.match(text, position):
        if match.end() == position:
            break
        position = match.end()
    return _UPDATE.match(text, position) is not None


def ontology_terms(folder: Path) -> dict[str, list[str]]:
    """The vocabulary's classes and properties (full IRIs), read from its Turtle files."""
    classes, properties = set(), set()
    for path in sorted(folder.glob("*.ttl")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            subject, kind = quad.subject, quad.object
            if quad.predicate.value != _TYPE or not isinstance(subject, ox.NamedNode):
                continue
            if not subject.value.startswith(TR):
                continue
            if kind.value in _CLASSES:
                classes.add(subject.value)
            elif kind.value in _PROPERTIES:
                properties.add(subject.value)
    return {"classes": sorted(classes), "properties": sorted(properties)}


def settings(queries: list[CatalogueQuery], terms: dict[str, list[str]], text: str) -> str:
    """What editor.js reads: the endpoint, prefixes, terms and the catalogue's queries."""
    data = {
        "endpoint": "/sparql",
        "query": text,
        "prefixes": {p: ns for p, ns in PREFIXES.items()},
        "terms": terms,
        "catalogue": [{"name": q.name, "summary": q.summary, "query": q.text} for q in queries],
    }
    # "</" cannot end the script element early once escaped as "<\/"
    return json.dumps(data).replace("</", "<\\/")


def body(text: str, result_html: str, queries: list[CatalogueQuery], terms) -> str:
    examples = "".join(
        f"<option value='{escape(q.name)}'>{escape(q.name)} — {escape(q.summary)}</option>"
        for q in queries
    )
    downloads = " ".join(
        f"<a data-format='{f}' href='#'>{f}</a>"
        for f in ("json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld", "rdfxml")
    )
    return (
        "<script type='application/json' id='editor-settings'>"
        f"{settings(queries, terms, text)}</script>"
        "<div id='editor-tools' hidden><label>Examples from the catalogue "
        f"<select id='examples'><option value=''>choose a query…</option>{examples}</select>"
        "</label> <a id='permalink' href='#'>permalink</a> · "
        f"<span id='downloads'>download: {downloads}</span> · <span id='status'></span></div>"
        "<div id='yasgui'></div>"
        # without JavaScript (or if YASGUI fails to load): the server runs the form's query
        # and draws the answer below it; editor.js hides this once YASGUI is up
        "<div id='plain-editor'><form method='get' action='/sparql-editor'>"
        f"<textarea name='query' rows='14'>{escape(text)}</textarea>"
        f"<p><button type='submit'>Run</button></p></form>{result_html}</div>"
        "<p class='muted'>Prefixes tr:, id:, state:, firm:, chip: … are predeclared. "
        "Endpoint: <code>/sparql</code>.</p>"
    )
