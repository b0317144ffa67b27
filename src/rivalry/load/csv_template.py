"""Facts from the curators' CSV template, for those who do not write RDF.

One fact per row. The columns (a header row is required; order is free):

    subject, relation, object, value, language, start, end,
    source_url, source_title, publisher, source_date

``subject``, ``relation`` and ``object`` take prefixed names (``firm:huawei``,
``tr:headquarteredIn``, ``a`` for rdf:type) or full IRIs; ``value`` takes a literal instead
of ``object``, typed by the relation's range in the ontology (a super-property's range
when it has none of its own). Dates are a day (YYYY-MM-DD), or a month (YYYY-MM) or a
year (YYYY) when the source gives no day. A row with ``start`` or ``end`` becomes a timed
relation node carrying the dates. Rows are grouped by source: each source URL gets a
source document and its own named graph; a row that types its subject as an event, a
claim, a position or a chip use (``event:x,a,tr:Statement``) mints it, and it is sourced
to that row's document, so other rows of the file can describe and reference it. An
empty ``source_date`` makes the source undated: it is then dated by the day it was read
(tr:retrievedOn, today). Errors name the row (line) and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from rivalry.kernel.dates import WRITTEN, datatype_of
from rivalry.kernel.errors import RivalryError
from rivalry.kernel.namespaces import GRAPH, ID, PREFIXES, TR, XSD, compact
from rivalry.kernel.terms import rdf, rdfs, tr, xsd
from rivalry.kernel.text import slug

COLUMNS = (
    "subject", "relation", "object", "value", "language", "start", "end",
    "source_url", "source_title", "publisher", "source_date",
)  # fmt: skip
REQUIRED = ("subject", "relation", "source_url", "source_title", "publisher")
HEADER = (*REQUIRED, "source_date")  # source_date may be left empty, but not left out
MAX_BYTES = 10 * 1024 * 1024

# lexical forms of the datatypes a value is checked against before it is typed
LEXICAL = {
    xsd.date: re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    xsd.nonNegativeInteger: re.compile(r"\+?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"),
    XSD + "boolean": re.compile(r"true|false|1|0"),
    xsd.anyURI: re.compile(r"https?://\S+"),
    XSD + "dateTime": re.compile(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?"
    ),
}
WRITE = {
    xsd.date: "a day, YYYY-MM-DD",
    XSD + "integer": "a whole number such as 3000",
    xsd.nonNegativeInteger: "a whole number of zero or more",
    XSD + "decimal": "a number such as 12.5",
    XSD + "boolean": "true or false",
    xsd.anyURI: "an http(s) URL",
    XSD + "dateTime": "a time such as 2025-05-21T09:30:00Z",
}


@dataclass
class Vocabulary:
    """What the template reads of the ontology to type a row."""

    ranges: dict[str, str] = field(default_factory=dict)  # property -> range (inherited)
    objects: set[str] = field(default_factory=set)  # object properties
    sourced: set[str] = field(default_factory=set)  # classes whose members cite a source


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
            close = difflib.get_close_matches(prefix, sorted(PREFIXES), n=1, cutoff=0.6)
            if sep and close:
                hint = f"; did you mean {close[0]}:{local}?"
            else:
                hint = f"; the known prefixes are {', '.join(sorted(PREFIXES))}"
            raise ValueError(f"{text!r} is not an IRI or a prefixed name with a known prefix{hint}")
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


def parse_csv(
    path: Path, ranges: dict[str, str] | Vocabulary, today: dt.date | None = None
) -> list[ox.Quad]:
    """Read the template; ``ranges`` maps property IRIs to their rdfs:range IRI (or is the
    whole Vocabulary); ``today`` is the retrieval day of undated sources."""
    vocabulary = ranges if isinstance(ranges, Vocabulary) else Vocabulary(ranges=dict(ranges))
    day = (today or dt.date.today()).isoformat()
    if path.stat().st_size > MAX_BYTES:
        raise CsvError(1, None, f"file is larger than {MAX_BYTES // 1024 // 1024} MiB")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = checked_header(reader, HEADER, COLUMNS, "the template's columns are")
        quads: list[ox.Quad] = []
        for row in reader:
            row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            quads += _row(reader.line_num, row, header, vocabulary, day)
    return list(dict.fromkeys(quads))


def _row(line: int, row: dict[str, str], header: list[str], vocabulary: Vocabulary, day: str):
    def fail(column: str, message: str) -> CsvError:
        return CsvError(line, header.index(column) + 1 if column in header else None, message)

    for column in REQUIRED:
        if not row.get(column):
            raise fail(column, f"{column} is empty; every fact needs it")
    for column in ("start", "end", "source_date"):
        if row.get(column) and datatype_of(row[column]) is None:
            raise fail(column, f"{column} {row[column]!r} is not a date; write {WRITTEN}")
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
    datatype = vocabulary.ranges.get(relation.value, "")
    if "object" in terms and relation.value not in vocabulary.objects and _is_datatype(datatype):
        raise fail(
            "object",
            f"{compact(relation.value)} takes a literal ({compact(datatype)}); put it in the "
            "value column",
        )
    if "object" not in terms and relation.value in vocabulary.objects:
        raise fail(
            "value",
            f"{compact(relation.value)} links to an entity; put its IRI (like firm:huawei) "
            "in the object column, not a literal in value",
        )
    try:
        obj = terms.get("object") or _literal(row, relation, vocabulary.ranges)
    except ValueError as err:
        raise fail("value", str(err)) from None

    source_id = "csv-" + hashlib.sha256(row["source_url"].encode()).hexdigest()[:12]
    graph = ox.NamedNode(GRAPH + source_id)
    source = ox.NamedNode(f"{ID}source/{source_id}")
    publisher = ox.NamedNode(f"{ID}publisher/{slug(row['publisher'])}")
    date = ox.NamedNode(xsd.date)

    def q(s, p, o):
        return ox.Quad(s, ox.NamedNode(p), o, graph)

    dated = bool(row.get("source_date"))
    quads = [
        q(source, rdf.type, ox.NamedNode(tr.NewsReport if dated else tr.SourceDocument)),
        q(source, tr.url, ox.Literal(row["source_url"], datatype=ox.NamedNode(xsd.anyURI))),
        q(
            source,
            tr.title,
            ox.Literal(row["source_title"], language=row.get("language") or "en"),
        ),
        q(source, tr.publisher, publisher),
        q(source, tr.describesGraph, graph),
        q(publisher, rdf.type, ox.NamedNode(tr.Organisation)),
        q(publisher, rdfs.label, ox.Literal(row["publisher"], language="en")),
    ]
    if dated:
        quads.append(q(source, tr.published, _date(row["source_date"])))
    else:  # undated: dated at the latest by the day it was read
        quads += [
            q(source, tr.retrievedOn, ox.Literal(day, datatype=date)),
            q(
                source,
                rdfs.comment,
                ox.Literal(
                    f"Undated: the CSV row gave no source date; the page was read on {day}.",
                    language="en",
                ),
            ),
        ]
    if relation.value == rdf.type and obj.value in vocabulary.sourced:
        # a row minting an event, claim, position or chip use cites the row's document
        quads.append(q(subject, tr.source, source))
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
                quads.append(q(node, TR + prop, _date(row[column])))
    else:
        quads.append(ox.Quad(subject, relation, obj, graph))
    return quads


def _date(text: str) -> ox.Literal:
    datatype = datatype_of(text)
    if datatype is None:
        raise ValueError(f"{text!r} is not a date; write {WRITTEN}")
    return ox.Literal(text, datatype=ox.NamedNode(datatype))


def _is_datatype(iri: str) -> bool:
    return iri.startswith(XSD) or iri in (rdf.langString, tr.CalendarDate)


def _literal(row: dict[str, str], relation: ox.NamedNode, ranges: dict[str, str]) -> ox.Literal:
    """The value typed by the relation's range, refused when it is not of that type."""
    value, language = row["value"], row.get("language")
    datatype = ranges.get(relation.value, xsd.string)
    if datatype == rdf.langString or (language and datatype == xsd.string):
        return ox.Literal(value, language=language or "en")
    name = compact(relation.value)
    if datatype == tr.CalendarDate:
        if datatype_of(value) is None:
            raise ValueError(f"{name} takes a date, and {value!r} is none; write {WRITTEN}")
        return _date(value)
    pattern = LEXICAL.get(datatype)
    if pattern is not None and not pattern.fullmatch(value):
        raise ValueError(f"{name} takes {WRITE[datatype]}, and {value!r} is not one")
    if datatype == xsd.date:  # the form is right; is it a real day?
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name} takes a real day; {value!r} is none") from None
    if language:
        raise ValueError(
            f"{name} takes {compact(datatype)}, which has no language; leave language empty"
        )
    return ox.Literal(value, datatype=ox.NamedNode(datatype))
