"""Facts from the curators' CSV template, for those who do not write RDF.

One fact per row. The columns (a header row is required; order is free):

    subject, relation, object, value, language, start, end,
    source_url, source_title, publisher, source_date

``subject``, ``relation`` and ``object`` take prefixed names (``firm:huawei``,
``tr:headquarteredIn``, ``a`` for rdf:type) or full IRIs; ``value`` takes a literal instead
of ``object``, typed by the relation's range in the ontology. A row with ``start`` or
``end`` becomes a timed relation node carrying the dates. Rows are grouped by source: each
source URL gets a source document and its own named graph. Errors name the row (line)
and column.
"""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import GRAPH, ID, PREFIXES, TR
from rivalry.kernel.terms import rdf, rdfs, tr, xsd
from rivalry.kernel.text import ISO_DATE, slug

COLUMNS = (
    "subject", "relation", "object", "value", "language", "start", "end",
    "source_url", "source_title", "publisher", "source_date",
)  # fmt: skip
REQUIRED = ("subject", "relation", "source_url", "source_title", "publisher", "source_date")
MAX_BYTES = 10 * 1024 * 1024


class CsvError(RivalryError, ValueError):
    def __init__(self, line: int | None, column: int | None, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def _node(text: str) -> ox.NamedNode:
    text = text.strip()
    if text == "a":
        return ox.NamedNode(rdf.type)
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif not re.match(r"^https?://", text):
        prefix, sep, local = text.partition(":")
        if not sep or prefix not in PREFIXES:
            known = ", ".join(sorted(PREFIXES))
            raise ValueError(
                f"{text!r} is not an IRI or a prefixed name with a known prefix ({known})"
            )
        text = PREFIXES[prefix] + local
    return ox.NamedNode(text)


def checked_header(reader: csv.DictReader, required, columns, known: str) -> list[str]:
    """The header row, refused if it lacks a required column or has an unknown one."""
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise CsvError(
            1,
            None,
            f"the header lacks column(s) {', '.join(missing)}; {known}: {', '.join(columns)}",
        )
    unknown = [c for c in header if c not in columns]
    if unknown:
        raise CsvError(1, header.index(unknown[0]) + 1, f"unknown column {unknown[0]!r}")
    return header


def parse_csv(path: Path, ranges: dict[str, str]) -> list[ox.Quad]:
    """Read the template; ``ranges`` maps property IRIs to their rdfs:range IRI."""
    if path.stat().st_size > MAX_BYTES:
        raise CsvError(1, None, f"file is larger than {MAX_BYTES // 1024 // 1024} MiB")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = checked_header(reader, REQUIRED, COLUMNS, "the template's columns are")
        quads: list[ox.Quad] = []
        for row in reader:
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            quads += _row(reader.line_num, row, header, ranges)
    return list(dict.fromkeys(quads))


def _row(line: int, row: dict[str, str], header: list[str], ranges: dict[str, str]):
    def fail(column: str, message: str) -> CsvError:
        return CsvError(line, header.index(column) + 1 if column in header else None, message)

    for column in REQUIRED:
        if not row.get(column):
            raise fail(column, f"{column} is empty; every fact needs it")
    for column in ("start", "end", "source_date"):
        if row.get(column) and not ISO_DATE.fullmatch(row[column]):
            raise fail(column, f"{column} {row[column]!r} is not a date; write YYYY-MM-DD")
    if not re.match(r"^https?://", row["source_url"]):
        raise fail("source_url", "source_url must be an http(s) URL")
    if row.get("language"):
        try:
            ox.Literal("", language=row["language"])
        except ValueError:
            suggestion = row["language"].replace("_", "-")
            hint = f"; write {suggestion!r}" if suggestion != row["language"] else ""
            raise fail(
                "language",
                f"language {row['language']!r} is not a BCP 47 language tag (e.g. en, "
                f"en-GB, zh-Hans){hint}",
            ) from None
    if not slug(row["publisher"]):
        raise fail(
            "publisher",
            f"publisher {row['publisher']!r} has no letters or digits to make its IRI from; "
            "write the publisher's name",
        )
    if bool(row.get("object")) == bool(row.get("value")):
        raise fail("object", "give either object (an entity) or value (a literal), not both")
    terms = {}
    for column in ("subject", "relation", "object"):
        if row.get(column):
            try:
                terms[column] = _node(row[column])
            except ValueError as err:
                raise fail(column, str(err)) from None
    subject, relation = terms["subject"], terms["relation"]
    obj = terms.get("object") or _literal(row, relation, ranges)

    source_id = "csv-" + hashlib.sha256(row["source_url"].encode()).hexdigest()[:12]
    graph = ox.NamedNode(GRAPH + source_id)
    source = ox.NamedNode(f"{ID}source/{source_id}")
    publisher = ox.NamedNode(f"{ID}publisher/{slug(row['publisher'])}")
    date = ox.NamedNode(xsd.date)

    def q(s, p, o):
        return ox.Quad(s, ox.NamedNode(p), o, graph)

    quads = [
        q(source, rdf.type, ox.NamedNode(tr.NewsReport)),
        q(source, tr.url, ox.Literal(row["source_url"], datatype=ox.NamedNode(xsd.anyURI))),
        q(
            source,
            tr.title,
            ox.Literal(row["source_title"], language=row.get("language") or "en"),
        ),
        q(source, tr.publisher, publisher),
        q(source, tr.published, ox.Literal(row["source_date"], datatype=date)),
        q(source, tr.describesGraph, graph),
        q(publisher, rdf.type, ox.NamedNode(tr.Organisation)),
        q(publisher, rdfs.label, ox.Literal(row["publisher"], language="en")),
    ]
    if row.get("start") or row.get("end"):
        key = hashlib.sha256(f"{subject}|{relation}|{obj}|{source_id}".encode()).hexdigest()[:12]
        node = ox.NamedNode(f"{ID}relation/{key}")
        quads += [
            q(node, rdf.type, ox.NamedNode(tr.TimedRelation)),
            q(node, tr.relSubject, subject),
            q(node, tr.relProperty, relation),
            q(node, tr.relObject, obj),
            q(node, tr.source, source),
        ]
        for column, prop in (("start", "startDate"), ("end", "endDate")):
            if row.get(column):
                quads.append(q(node, TR + prop, ox.Literal(row[column], datatype=date)))
    else:
        quads.append(ox.Quad(subject, relation, obj, graph))
    return quads


def _literal(row: dict[str, str], relation: ox.NamedNode, ranges: dict[str, str]) -> ox.Literal:
    value, language = row["value"], row.get("language")
    datatype = ranges.get(relation.value, xsd.string)
    if datatype == rdf.langString or language:
        return ox.Literal(value, language=language or "en")
    return ox.Literal(value, datatype=ox.NamedNode(datatype))
