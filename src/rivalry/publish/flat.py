"""Flat CSV exports for spreadsheet users: one row per entity, one row per sourced fact.

Every cell goes through the spreadsheet guard (query.cells), so a label such as
"=HYPERLINK(…)" is shown as text, never run as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.namespaces import ID, compact
from rivalry.query.cells import safe_cell
from rivalry.web import pages

ENTITIES = """
SELECT ?id (GROUP_CONCAT(DISTINCT ?type; separator=";") AS ?types)
       (SAMPLE(?label) AS ?name) (GROUP_CONCAT(DISTINCT ?alt; separator=";") AS ?alts)
       (GROUP_CONCAT(DISTINCT STR(?state); separator=";") AS ?states)
       (GROUP_CONCAT(DISTINCT STR(?wd); separator=";") AS ?wikidata) WHERE {
    GRAPH ?g { ?id a ?class } FILTER (?g != trg:inferred && STRSTARTS(STR(?class), STR(tr:)))
    BIND (STR(?class) AS ?type)
    OPTIONAL { ?id rdfs:label ?label FILTER (LANGMATCHES(LANG(?label), "en")) }
    OPTIONAL { ?id skos:altLabel ?alt }
    OPTIONAL { ?id tr:ofState|tr:headquarteredIn ?state }
    OPTIONAL { ?id owl:sameAs|skos:exactMatch ?wd
               FILTER (STRSTARTS(STR(?wd), "http://www.wikidata.org/entity/")) }
} GROUP BY ?id ORDER BY ?id"""

# the facts each source document's graph states, with the document's citation
FACTS = """
SELECT ?s ?p ?o ?url ?title ?publisherName ?date WHERE {
    ?doc tr:describesGraph ?graph .
    GRAPH ?graph { ?s ?p ?o }
    OPTIONAL { ?doc tr:url ?url }
    OPTIONAL { ?doc tr:title ?title }
    OPTIONAL { ?doc tr:publisher ?publisher . ?publisher rdfs:label ?publisherName }
    OPTIONAL { ?doc tr:published ?date }
} ORDER BY ?s ?p ?o ?url"""

ENTITY_COLUMNS = ("id", "type", "label", "alt_labels", "state", "wikidata")
FACT_COLUMNS = (
    "subject",
    "predicate",
    "object",
    "source_url",
    "source_title",
    "publisher",
    "date",
)


def entity_rows(store: ox.Store) -> list[list[str]]:
    rows = []
    for r in pages.select(store, ENTITIES):
        if not r["id"]["value"].startswith(ID):
            continue
        types = ";".join(sorted(compact(t) for t in r["types"]["value"].split(";") if t))
        rows.append(
            [
                r["id"]["value"],
                types,
                r.get("name", {}).get("value", ""),
                ";".join(sorted(r.get("alts", {}).get("value", "").split(";"))).strip(";"),
                r.get("states", {}).get("value", ""),
                r.get("wikidata", {}).get("value", ""),
            ]
        )
    return rows


def fact_rows(store: ox.Store) -> list[list[str]]:
    seen, rows = set(), []
    for r in pages.select(store, FACTS):
        row = [
            r.get(k, {}).get("value", "")
            for k in ("s", "p", "o", "url", "title", "publisherName", "date")
        ]
        if tuple(row) not in seen:
            seen.add(tuple(row))
            rows.append(row)
    return rows


def to_csv(columns: tuple[str, ...], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8")


def write(store: ox.Store, out: Path) -> tuple[Path, Path]:
    entities, facts = out / "entities.csv", out / "facts.csv"
    entities.write_bytes(to_csv(ENTITY_COLUMNS, entity_rows(store)))
    facts.write_bytes(to_csv(FACT_COLUMNS, fact_rows(store)))
    return entities, facts
