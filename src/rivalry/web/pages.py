"""An entity's page: the queries that gather it and the HTML that shows it. Shared by
`rivalry serve` (pages rendered per request) and `rivalry publish` (a static site)."""

from __future__ import annotations

import json
from html import escape

import pyoxigraph as ox

from rivalry.kernel.formats import SELECT_FORMATS
from rivalry.kernel.namespaces import PREFIXES
from rivalry.web.html import Linker, table

DESCRIBE = """
SELECT ?entity ?direction ?p ?o ?oLabel ?graph ?source ?sourceTitle WHERE {
    { GRAPH ?graph { ?entity ?p ?o } BIND ("out" AS ?direction) }
    UNION
    { GRAPH ?graph { ?o ?p ?entity } BIND ("in" AS ?direction) }
    FILTER (?graph != trg:inferred && ?graph != trg:ontology && ?graph != trg:shapes)
    OPTIONAL { ?o rdfs:label ?oLabel FILTER (LANG(?oLabel) = "en") }
    OPTIONAL { ?source tr:describesGraph ?graph . OPTIONAL { ?source tr:title ?sourceTitle } }
} ORDER BY ?direction ?p ?o"""

WHOLE_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"

# the data document of an entity: what it says and what points to it
ABOUT = "CONSTRUCT { ?e ?p ?o . ?s ?q ?e } WHERE { { ?e ?p ?o } UNION { ?s ?q ?e } }"

TIMELINE = """
SELECT DISTINCT ?entity ?event ?date ?kind ?summary WHERE {
    { ?event tr:actor ?entity } UNION { ?event tr:about ?entity }
    UNION { ?event tr:invokes ?entity }
    ?event tr:onDate ?date .
    GRAPH ?tg { ?event a ?class } FILTER (?tg != trg:inferred)
    ?class rdfs:label ?kind .
    OPTIONAL { ?event tr:summary ?summary }
} ORDER BY ?date ?event"""

# what the named graphs a source document describes contributed (its page lists them all)
CONTRIBUTED = """
SELECT ?entity ?graph ?s ?sLabel ?p ?o ?oLabel WHERE {
    ?entity tr:describesGraph ?graph .
    GRAPH ?graph { ?s ?p ?o }
    OPTIONAL { ?s rdfs:label ?sLabel FILTER (LANG(?sLabel) = "en") }
    OPTIONAL { ?o rdfs:label ?oLabel FILTER (LANG(?oLabel) = "en") }
} ORDER BY ?graph ?s ?p LIMIT 1000"""

# the data documents offered for every entity: (name, file extension)
DATA_LINKS = (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"))


def select(store: ox.Store, query: str, bindings: dict | None = None) -> list[dict]:
    """Run a SELECT in-process and return SPARQL JSON bindings, as the worker pool does."""
    result = store.query(
        query,
        prefixes=PREFIXES,
        substitutions={ox.Variable(k): v for k, v in (bindings or {}).items()},
    )
    body = result.serialize(format=SELECT_FORMATS["json"][0])
    return json.loads(body)["results"]["bindings"]


def entity(
    iri: str,
    facts: list[dict],
    events: list[dict],
    contributed: list[dict],
    link: Linker,
    data: dict[str, str],
) -> tuple[str, str]:
    """The page's title and body: relations both ways with their sources, and a timeline."""
    label = next(
        (
            f["o"]["value"]
            for f in facts
            if f["direction"]["value"] == "out" and f["p"]["value"].endswith("#label")
        ),
        iri.rsplit("/", 1)[-1],
    )

    def rows(direction: str) -> str:
        """One row per fact, with every source that states it."""
        grouped: dict[tuple[str, str], list] = {}
        for f in facts:
            if f["direction"]["value"] == direction:
                grouped.setdefault((json.dumps(f["p"]), json.dumps(f["o"])), []).append(f)
        out = []
        for group in grouped.values():
            first = group[0]
            sources = "<br>".join(
                link.link(f["source"]["value"], f.get("sourceTitle", {}).get("value"))
                for f in group
                if f.get("source")
            )
            value = link.cell(first["o"], first.get("oLabel", {}).get("value"))
            out.append(
                f"<tr><td>{link.link(first['p']['value'])}</td><td>{value}</td>"
                f"<td>{sources}</td></tr>"
            )
        return "".join(out)

    timeline = "".join(
        f"<li>{escape(e['date']['value'])} — "
        f"{link.link(e['event']['value'], e['kind']['value'])}: "
        f"{escape(e.get('summary', {}).get('value', ''))}</li>"
        for e in events
    )
    documents = " ".join(
        f"<a href='{escape(href)}'>{escape(name)}</a>" for name, href in data.items()
    )
    body = (
        f"<p class='muted'><code>{escape(iri)}</code> · data: {documents}</p>"
        "<h2>Relations</h2><table><thead><tr><th>relation</th><th>value</th><th>source</th>"
        f"</tr></thead><tbody>{rows('out')}</tbody></table>"
        "<h2>Referred to by</h2><table><thead><tr><th>relation</th><th>from</th><th>source</th>"
        f"</tr></thead><tbody>{rows('in')}</tbody></table>"
        f"<h2>Timeline</h2><ol class='timeline'>{timeline}</ol>"
    )
    if contributed:
        body += "<h2>What this document contributed</h2>" + table(
            ["s", "p", "o"], contributed, link
        )
    return label, body
