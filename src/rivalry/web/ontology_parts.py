"""The parts of the ontology page beyond the term list, pyLODE/Widoco-style: the header's
metadata, the namespace table, term relations (in domain of, in range of, sub-classes),
deprecated terms, a class diagram (graphviz SVG, drawn from the ontology) and the shapes
with their targets and constraints."""

from __future__ import annotations

import re
from html import escape

import graphviz
import pyoxigraph as ox

from rivalry.kernel.namespaces import PREFIXES, TR, compact
from rivalry.web import pages

ONTOLOGY_IRI = TR.rstrip("#")
# vocabularies the ontology's header uses that the data never needs a prefix for
HEADER_PREFIXES = {"vann": "http://purl.org/vocab/vann/", "foaf": "http://xmlns.com/foaf/0.1/"}
HEADER = """
SELECT ?p ?o WHERE { GRAPH trg:ontology { ?ontology a owl:Ontology ; ?p ?o } }
ORDER BY ?p ?o"""
METADATA = (
    ("dcterms:title", "title"),
    ("dcterms:description", "abstract"),
    ("owl:versionInfo", "version"),
    ("owl:versionIRI", "version IRI"),
    ("dcterms:creator", "creators"),
    ("dcterms:created", "created"),
    ("dcterms:license", "licence"),
    ("dcterms:bibliographicCitation", "cite as"),
    ("rdfs:comment", "note"),
    ("skos:changeNote", "changes"),  # one note per module that changed in a version
)
USED_IRIS = """
SELECT DISTINCT ?iri WHERE {
    GRAPH ?g { { ?iri ?p ?o } UNION { ?s ?iri ?o } UNION { ?s ?p ?iri } }
    FILTER (isIRI(?iri) && ?g IN (trg:ontology, trg:shapes))
}"""
RELATIONS = """
SELECT ?term ?relation ?other WHERE {
    GRAPH trg:ontology {
        { ?other rdfs:domain ?term BIND ("in domain of" AS ?relation) }
        UNION { ?other rdfs:range ?term BIND ("in range of" AS ?relation) }
        UNION { ?other rdfs:subClassOf ?term BIND ("sub-classes" AS ?relation) }
        UNION { ?other rdfs:subPropertyOf ?term BIND ("sub-properties" AS ?relation) }
    }
    FILTER (isIRI(?term) && isIRI(?other))
} ORDER BY ?term ?relation ?other"""
DEPRECATED = """
SELECT ?term ?label WHERE {
    GRAPH trg:ontology { ?term owl:deprecated true OPTIONAL { ?term rdfs:label ?label } }
} ORDER BY ?term"""
CHANGES = """
SELECT ?term ?label ?note ?version WHERE {
    GRAPH trg:ontology {
        ?term skos:changeNote ?note OPTIONAL { ?term rdfs:label ?label }
        OPTIONAL { ?ontology owl:versionInfo ?version }
    }
    FILTER (STRSTARTS(STR(?term), STR(tr:)))  # the terms' notes, not the ontology's own
} ORDER BY ?note ?term"""
DIAGRAM = """
SELECT ?from ?to ?kind ?label WHERE {
    GRAPH trg:ontology {
        { ?from a owl:Class ; rdfs:subClassOf ?to BIND ("sub" AS ?kind) }
        UNION { ?p a owl:ObjectProperty ; rdfs:domain ?from ; rdfs:range ?to
                BIND ("property" AS ?kind) BIND (STRAFTER(STR(?p), "#") AS ?label) }
    }
    FILTER (isIRI(?from) && isIRI(?to) && STRSTARTS(STR(?from), STR(tr:))
            && STRSTARTS(STR(?to), STR(tr:)))
} ORDER BY ?kind ?from ?to ?label"""
SHAPES = """
SELECT ?shape ?target ?targetKind ?property ?path ?constraint ?value ?message WHERE {
    GRAPH trg:shapes {
        ?shape a sh:NodeShape .
        OPTIONAL { ?shape ?targetKind ?target
                   FILTER (?targetKind IN (sh:targetClass, sh:targetNode, sh:targetSubjectsOf,
                                           sh:targetObjectsOf)) }
        OPTIONAL {
            { ?shape sh:property ?property } UNION { ?shape sh:sparql ?property }
            OPTIONAL { ?property sh:path ?path }
            OPTIONAL { ?property ?constraint ?value
                       FILTER (?constraint IN (sh:minCount, sh:maxCount, sh:datatype, sh:class,
                               sh:pattern, sh:in, sh:nodeKind, sh:hasValue, sh:minInclusive,
                               sh:maxInclusive, sh:severity, sh:lessThan, sh:node)) }
            OPTIONAL { ?property sh:message ?message }
        }
    }
} ORDER BY ?shape ?property ?constraint"""


def metadata(store: ox.Store) -> str:
    values: dict[str, list[str]] = {}
    for row in pages.select(store, HEADER):
        value = row["o"]
        text = escape(value["value"])
        if value["type"] == "uri" and value["value"].startswith(("http://", "https://")):
            text = f"<a href='{text}'>{text}</a>"
        values.setdefault(compact(row["p"]["value"]), []).append(text)
    cells = "".join(
        f"<tr><th>{name}</th><td>{'<br>'.join(values[key])}</td></tr>"
        for key, name in METADATA
        if key in values
    )
    return (
        f"<h2 id='metadata'>Metadata</h2><table><tr><th>IRI</th><td><code>"
        f"{escape(ONTOLOGY_IRI)}</code></td></tr>{cells}</table>"
    )


def namespaces(store: ox.Store) -> str:
    used = {row["iri"]["value"] for row in pages.select(store, USED_IRIS)}
    rows = "".join(
        f"<tr><td><code>{escape(prefix)}</code></td><td><code>{escape(ns)}</code></td></tr>"
        for prefix, ns in sorted({**HEADER_PREFIXES, **PREFIXES}.items())
        if any(iri.startswith(ns) for iri in used)
    )
    return (
        "<h2 id='namespaces'>Namespaces</h2><table><thead><tr><th>prefix</th>"
        f"<th>namespace</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def relations(store: ox.Store) -> dict[str, dict[str, list[str]]]:
    """term → relation ("in domain of", "in range of", "sub-classes" …) → other terms."""
    found: dict[str, dict[str, list[str]]] = {}
    for row in pages.select(store, RELATIONS):
        term, relation = row["term"]["value"], row["relation"]["value"]
        found.setdefault(term, {}).setdefault(relation, []).append(row["other"]["value"])
    return found


def deprecated(store: ox.Store) -> str:
    rows = pages.select(store, DEPRECATED)
    items = "".join(
        f"<li><code>{escape(compact(r['term']['value']))}</code> "
        f"{escape(r.get('label', {}).get('value', ''))}</li>"
        for r in rows
    )
    return "<h2 id='deprecated'>Deprecated terms</h2>" + (
        f"<ul>{items}</ul>" if items else "<p>None: no term is deprecated (owl:deprecated).</p>"
    )


def changes(store: ox.Store) -> str:
    """The terms added or deprecated since 0.1.0 (skos:changeNote, ontology/changes.ttl)."""
    rows = pages.select(store, CHANGES)
    version = rows[0].get("version", {}).get("value", "") if rows else ""
    items = "".join(
        f"<li><a href='#{escape(r['term']['value'].rsplit('#', 1)[-1])}'>"
        f"<code>{escape(compact(r['term']['value']))}</code></a> "
        f"{escape(r.get('label', {}).get('value', ''))} — {escape(r['note']['value'])}</li>"
        for r in rows
    )
    return (
        f"<h2 id='changes'>Changes in {escape(version)}</h2>"
        "<p>Since 0.1.0 (the terms of 0.1.0 all still resolve; none is removed).</p>"
        + (f"<ul>{items}</ul>" if items else "<p>No term added or deprecated.</p>")
    )


def diagram(store: ox.Store) -> str:
    """The classes, their sub-class links and the object properties between them, as SVG."""
    graph = graphviz.Digraph("classes", graph_attr={"rankdir": "BT", "fontsize": "10"})
    graph.attr("node", shape="box", fontname="Helvetica", fontsize="10")
    graph.attr("edge", fontname="Helvetica", fontsize="8")
    nodes: set[str] = set()
    for row in pages.select(store, DIAGRAM):
        a, b = (row[k]["value"][len(TR) :] for k in ("from", "to"))
        for node in (a, b):
            if node not in nodes:
                nodes.add(node)
                graph.node(node, "tr:" + node, URL="#" + node)
        if row["kind"]["value"] == "sub":
            graph.edge(a, b, arrowhead="empty")
        else:
            graph.edge(a, b, label=row["label"]["value"], color="#0645ad", style="dashed")
    svg = graph.pipe(format="svg").decode()
    svg = svg[svg.index("<svg") :]  # no XML prolog or DOCTYPE inside HTML
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return (
        "<h2 id='diagram'>Class diagram</h2><p class='muted'>Solid arrows: sub-class of; "
        "dashed: an object property from its domain to its range. Drawn from the ontology "
        f"by graphviz.</p><div style='overflow:auto'>{svg}</div>"
    )


def shapes(store: ox.Store) -> str:
    by_shape: dict[str, dict] = {}
    for row in pages.select(store, SHAPES):
        shape = by_shape.setdefault(row["shape"]["value"], {"targets": set(), "properties": {}})
        if "target" in row:
            kind = compact(row["targetKind"]["value"]).removeprefix("sh:")
            shape["targets"].add(f"{kind} {compact(row['target']['value'])}")
        if "property" in row:
            prop = shape["properties"].setdefault(
                row["property"]["value"], {"path": "", "constraints": set(), "message": ""}
            )
            if "path" in row:
                prop["path"] = compact(row["path"]["value"])
            if "constraint" in row:
                prop["constraints"].add(
                    f"{compact(row['constraint']['value'])} {compact(row['value']['value'])}"
                )
            if "message" in row:
                prop["message"] = row["message"]["value"]
    parts = []
    for iri, shape in sorted(by_shape.items()):
        rows = "".join(
            f"<tr><td><code>{escape(p['path'] or 'SPARQL constraint')}</code></td>"
            f"<td>{'<br>'.join(escape(c) for c in sorted(p['constraints']))}</td>"
            f"<td>{escape(p['message'])}</td></tr>"
            for _, p in sorted(shape["properties"].items(), key=lambda kv: kv[1]["path"])
        )
        targets = ", ".join(f"<code>{escape(t)}</code>" for t in sorted(shape["targets"]))
        local = compact(iri).replace(":", "-")
        parts.append(
            f"<section id='{escape(local)}'><h3><code>{escape(compact(iri))}</code></h3>"
            f"<p>Targets: {targets or '— (used by other shapes)'}</p>"
            "<table><thead><tr><th>path</th><th>constraints</th><th>message</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>"
        )
    return f"<h2 id='shapes'>Shapes ({len(by_shape)})</h2>" + "".join(parts)
