"""Ontology documentation as one HTML page: every class and property with its label,
definition, domain and range, the shapes that constrain it and the catalogue queries that use it."""

from __future__ import annotations

import re
from html import escape

import pyoxigraph as ox

from rivalry.kernel.namespaces import SKOS, TR, compact
from rivalry.query.catalogue import CatalogueQuery
from rivalry.web import html, ontology_parts, pages

TERMS = """
SELECT ?term ?kind ?label ?definition
       (GROUP_CONCAT(DISTINCT STR(?domain); separator=" ") AS ?domains)
       (GROUP_CONCAT(DISTINCT STR(?range); separator=" ") AS ?ranges)
       (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers) WHERE {
    GRAPH trg:ontology {
        ?term a ?kind ; rdfs:label ?label .
        OPTIONAL { ?term skos:definition ?definition }
        OPTIONAL { ?term rdfs:domain ?domain }
        OPTIONAL { ?term rdfs:range ?range }
        OPTIONAL { ?term rdfs:subClassOf|rdfs:subPropertyOf ?super }
    }
    FILTER (STRSTARTS(STR(?term), STR(tr:))
            && (?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                          owl:AnnotationProperty, rdfs:Datatype, skos:ConceptScheme)
                || STRSTARTS(STR(?kind), STR(tr:))))
} GROUP BY ?term ?kind ?label ?definition ORDER BY ?kind ?label"""

# (shape, term) pairs: a node shape targets a class, or has a property shape on a path or with
# sh:class; SPARQL constraints are matched by the terms their text names
SHAPE_TERMS = """
SELECT DISTINCT ?shape ?term ?select WHERE {
    GRAPH trg:shapes {
        ?shape a sh:NodeShape .
        { ?shape sh:targetClass ?term }
        UNION { ?shape sh:property ?p . ?p sh:path|sh:class ?term }
        UNION { ?shape sh:sparql ?c . ?c sh:select ?select }
    }
}"""

KINDS = {
    "Class": "Classes",
    "ObjectProperty": "Object properties",
    "DatatypeProperty": "Datatype properties",
    "AnnotationProperty": "Annotation properties",
    "Datatype": "Datatypes",
    "Individual": "Individuals",
}


def _section(kind: str) -> str:
    """OWL's kinds of term by their local name; anything typed by a tr: class, and a concept
    scheme of the ontology (tr:CountedKinds), is an individual."""
    if kind.startswith(TR) or kind == SKOS + "ConceptScheme":
        return "Individual"
    return kind.rsplit("#", 1)[-1]


def render(
    store: ox.Store,
    queries: list[CatalogueQuery],
    version: str,
    nav: str = html.NAV,
    static: str = "/static/",
) -> str:
    """The page; ``nav`` is the release's or the server's navigation bar, ``static`` where
    web/static is reachable from the page (a release: relative)."""
    terms = pages.select(store, TERMS)
    shaped = _shapes_by_term(store, [t["term"]["value"] for t in terms])
    used = {t["term"]["value"]: _queries_using(t["term"]["value"], queries) for t in terms}
    related = ontology_parts.relations(store)
    sections = []
    for kind, title in KINDS.items():
        rows = [t for t in terms if _section(t["kind"]["value"]) == kind]
        if not rows:
            continue
        sections.append(f"<h2 id='{kind}'>{title} ({len(rows)})</h2>")
        sections.extend(_term(t, shaped, used, related) for t in rows)
    parts = {
        "metadata": "Metadata",
        "changes": "Changes",
        "namespaces": "Namespaces",
        "diagram": "Class diagram",
        **KINDS,
        "deprecated": "Deprecated terms",
        "shapes": "Shapes",
    }
    toc = " · ".join(f"<a href='#{k}'>{v}</a>" for k, v in parts.items())
    body = (
        f"<p>Version {escape(version)}. Namespace <code>{escape(TR)}</code>. "
        "Also as <a href='ontology.ttl'>Turtle</a> and <a href='ontology.rdf'>RDF/XML</a>; "
        f"the shapes as <a href='shapes.ttl'>Turtle</a>.</p><p>{toc}</p>"
        + ontology_parts.metadata(store)
        + ontology_parts.changes(store)
        + ontology_parts.namespaces(store)
        + ontology_parts.diagram(store)
        + "".join(sections)
        + ontology_parts.deprecated(store)
        + ontology_parts.shapes(store)
    )
    return html.page("Tech Rivalry ontology", body, nav, static=static)


def _term(
    t: dict,
    shaped: dict[str, set[str]],
    used: dict[str, list[str]],
    related: dict[str, dict[str, list[str]]],
) -> str:
    iri = t["term"]["value"]
    local = iri[len(TR) :]

    def links(values: str) -> str:
        return ", ".join(_ref(v) for v in sorted(values.split()) if v) or "—"

    rows = [
        ("definition", escape(t.get("definition", {}).get("value", ""))),
        ("subclass/subproperty of", links(t.get("supers", {}).get("value", ""))),
        ("domain", links(t.get("domains", {}).get("value", ""))),
        ("range", links(t.get("ranges", {}).get("value", ""))),
        *(
            (name, links(" ".join(related.get(iri, {}).get(name, []))))
            for name in ("in domain of", "in range of", "sub-classes", "sub-properties")
            if related.get(iri, {}).get(name)
        ),
        (
            "constrained by",
            ", ".join(f"<code>{escape(compact(s))}</code>" for s in sorted(shaped.get(iri, ())))
            or "—",
        ),
        ("used by queries", ", ".join(f"<code>{escape(q)}</code>" for q in used[iri]) or "—"),
    ]
    cells = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    return (
        f"<section id='{escape(local)}'><h3>{escape(t['label']['value'])} "
        f"<code>tr:{escape(local)}</code></h3><table>{cells}</table></section>"
    )


def _ref(iri: str) -> str:
    if iri.startswith(TR):
        local = iri[len(TR) :]
        return f"<a href='#{escape(local)}'><code>tr:{escape(local)}</code></a>"
    return f"<code>{escape(compact(iri))}</code>"


def _shapes_by_term(store: ox.Store, terms: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    patterns = {t: re.compile(rf"tr:{re.escape(t[len(TR) :])}\b|<{re.escape(t)}>") for t in terms}
    for row in pages.select(store, SHAPE_TERMS):
        shape = row["shape"]["value"]
        if "term" in row:
            found.setdefault(row["term"]["value"], set()).add(shape)
        else:
            for term, pattern in patterns.items():
                if pattern.search(row["select"]["value"]):
                    found.setdefault(term, set()).add(shape)
    return found


def _queries_using(term: str, queries: list[CatalogueQuery]) -> list[str]:
    pattern = re.compile(rf"tr:{re.escape(term[len(TR) :])}\b|<{re.escape(term)}>")
    return [q.name for q in queries if pattern.search(q.text)]
