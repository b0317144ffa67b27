"""Strict parsing of the project's RDF files, with the file, line and column of any error.

Everything is parsed with pyoxigraph, which rejects invalid documents that rdflib lets
through and never fetches a remote JSON-LD context; rdflib graphs are made from the
parsed quads only where a library needs them (pySHACL).
"""

from __future__ import annotations

import csv
import itertools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import quote

import pyoxigraph as ox

from rivalry.kernel import nesting
from rivalry.kernel.errors import RivalryError
from rivalry.kernel.formats import RDF_FILE_FORMATS
from rivalry.kernel.namespaces import GENID, ONTOLOGY_GRAPH, OWL, RDFS, SHAPES_GRAPH
from rivalry.kernel.paths import Project
from rivalry.kernel.terms import rdf, rdfs, tr, xsd
from rivalry.load.csv_template import CsvError, Vocabulary, parse_csv
from rivalry.load.json_guard import JsonLimitError, guard

if TYPE_CHECKING:  # rdflib is imported by the two functions that make its terms (start-up)
    import rdflib

FORMATS = RDF_FILE_FORMATS
XSD_STRING = xsd.string
BOM = b"\xef\xbb\xbf"
# collections and [ ] nested deeper than this are refused before parsing: no real fact needs
# it, and every later stage pays for each level (a 100,000-deep list took 10 s to refuse)
MAX_NESTING = 100
NESTED_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3)
RDF12_TRIPLE = re.compile(r"<<|\{\|")
RDF12_DIRECTION = re.compile(r"@[A-Za-z0-9-]+--")


@dataclass
class ParseError(RivalryError):
    """An input file is not valid RDF; says where and why."""

    path: Path
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.message}"


def parse_file(
    path: Path, graph: str | None = None, base: str | None = None, limit: int | None = None
) -> list[ox.Quad]:
    """Parse one file strictly; triples in its default graph go to ``graph`` if given.

    Without ``base`` a relative IRI is an error: project files must name things in full.
    Parsing stops with an error past ``limit`` statements, before they fill the memory.
    """
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise ParseError(path, None, None, f"unknown file type {path.suffix!r}; use one of {known}")
    try:
        quads = []
        with path.open("rb") as handle:
            if handle.read(len(BOM)) != BOM:  # a BOM is skipped, as the CSV reader does
                handle.seek(0)
            if fmt == ox.RdfFormat.JSON_LD:
                text = handle.read().decode("utf-8")
                guard(text, jsonld=True)
                source: bytes | BinaryIO = text.encode("utf-8")
            elif fmt in NESTED_FORMATS:
                source = handle.read()
                # undecodable bytes are left to the parser, which says where they are
                _refuse_deep_nesting(path, source.decode("utf-8", errors="replace"))
            else:
                source = handle
            for quad in ox.parse(source, format=fmt, base_iri=base):
                quads.append(quad)
                if limit is not None and len(quads) > limit:
                    raise ParseError(path, None, None, _too_many(limit))
    except SyntaxError as err:
        # the location is reported separately, as file:line:column
        message = re.sub(r"^Parser error (at|between) .*? columns? \d+( and \d+)?: ", "", err.msg)
        message = _bad_language_tag(path, err.lineno, err.offset) or _explain(message)
        raise ParseError(path, err.lineno, err.offset, message) from None
    except JsonLimitError as err:
        raise ParseError(path, err.line, err.column, err.message) from None
    except UnicodeDecodeError as err:
        raise ParseError(path, None, None, f"not UTF-8: {err.reason} at byte {err.start}") from None
    except (OSError, ValueError) as err:
        raise ParseError(path, None, None, _explain(str(err))) from None
    except MemoryError as err:  # pyoxigraph's cap on one token (16 MiB), not an exhausted heap
        raise ParseError(path, None, None, f"{err}: a single term is too large") from None
    _refuse_rdf12(path, quads)
    if graph is None:
        return quads
    target = ox.NamedNode(graph)
    return [
        ox.Quad(q.subject, q.predicate, q.object, target)
        if isinstance(q.graph_name, ox.DefaultGraph)
        else q
        for q in quads
    ]


def _refuse_deep_nesting(path: Path, text: str) -> None:
    opening = nesting.too_deep(text, MAX_NESTING)
    if opening is not None:
        line, column = nesting.line_column(text, opening)
        raise ParseError(
            path,
            line,
            column,
            f"collections ( ) and blank nodes [ ] nested more than {MAX_NESTING} levels deep; "
            "give the inner nodes names and link them instead",
        )


def _refuse_rdf12(path: Path, quads: list[ox.Quad]) -> None:
    """The project's graph is RDF 1.1: refuse the RDF 1.2 terms pyoxigraph can parse."""
    for q in quads:
        if isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple):
            line, column = _first(path, RDF12_TRIPLE)
            raise ParseError(
                path,
                line,
                column,
                "RDF 1.2 triple terms are not supported (<<( … )>>, << … >> and {| … |}); "
                "state the triple itself, or describe it with a tr:TimedRelation",
            )
        if isinstance(q.object, ox.Literal) and q.object.direction is not None:
            line, column = _first(path, RDF12_DIRECTION)
            raise ParseError(
                path,
                line,
                column,
                f"RDF 1.2 base directions are not supported (@{q.object.language}--"
                f"{q.object.direction}); write the language tag alone, e.g. "
                f"@{q.object.language}",
            )


def _first(path: Path, pattern: re.Pattern) -> tuple[int | None, int | None]:
    """The line and column of the first match of ``pattern`` in the file, if any."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, text in enumerate(handle, 1):
            found = pattern.search(text)
            if found:
                return number, found.start() + 1
    return None, None


def _bad_language_tag(path: Path, line: int | None, column: int | None) -> str | None:
    """pyoxigraph reads a tag ending in "-" (``"x"@en-``) as a number that follows it."""
    if line is None or column is None:
        return None
    with path.open(encoding="utf-8", errors="replace") as handle:
        text = next(itertools.islice(handle, line - 1, None), "")
    tag = re.search(r"@([A-Za-z][A-Za-z0-9-]*-)$", text[:column])
    if tag is None:
        return None
    return (
        f"@{tag.group(1)} is not a valid language tag: its parts are letters or digits "
        "joined by single hyphens, with none at the end, e.g. @en or @en-GB"
    )


def _too_many(limit: int | None) -> str:
    return f"more than {limit:,} statements in one change; split it into several submissions"


def _explain(message: str) -> str:
    if "LoadDocumentCallback" in message:  # pyoxigraph never fetches a JSON-LD context
        return (
            "the JSON-LD @context refers to a document by URL or file path; contexts "
            "are never fetched — put the context inline as a JSON object"
        )
    return message


@dataclass
class Sources:
    """The project's parsed files: ontology, shapes and graph, and where each graph came from."""

    ontology: list[ox.Quad] = field(default_factory=list)
    shapes: list[ox.Quad] = field(default_factory=list)
    facts: list[ox.Quad] = field(default_factory=list)
    origin: dict[str, Path] = field(default_factory=dict)

    def all_quads(self) -> list[ox.Quad]:
        return self.ontology + self.shapes + self.facts


def skolemise(quads: list[ox.Quad], key: str) -> list[ox.Quad]:
    """Replace blank nodes by IRIs that are the same on every parse of the same file.

    Parsers name blank nodes at random; numbering them in order of first appearance under
    ``key`` (the file's name in the project) makes rebuilds identical and lets exports to
    remote stores replace, not duplicate, them.
    """
    names: dict[str, ox.NamedNode] = {}

    def fix(term):
        if isinstance(term, ox.BlankNode):
            if term.value not in names:
                names[term.value] = ox.NamedNode(f"{GENID}{key}/{len(names) + 1}")
            return names[term.value]
        return term

    return [ox.Quad(fix(q.subject), q.predicate, fix(q.object), fix(q.graph_name)) for q in quads]


def load_vocabulary(project: Project) -> Sources:
    """Parse the ontology and the shapes only."""
    sources = Sources()
    for path in project.ontology_files():
        sources.ontology += parse_file(path, ONTOLOGY_GRAPH)
    for path in project.shape_files():
        sources.shapes += parse_file(path, SHAPES_GRAPH)
    return sources


def load_change(project: Project, files: Iterable[Path], limit: int | None = None) -> Sources:
    """Parse fact files (skolemised), remembering which file each named graph came from.

    ``limit`` caps the statements of all the files together (the gate's size limit).
    """
    sources = Sources()
    for path in files:
        left = None if limit is None else limit - len(sources.facts)
        if path.suffix.lower() == ".csv":
            raw = parse_csv_facts(project, path)
            if left is not None and len(raw) > left:
                raise ParseError(path, None, None, _too_many(limit))
        else:
            raw = parse_file(path, limit=left)
        quads = skolemise(raw, _key(project, path))
        for q in quads:
            sources.origin.setdefault(graph_key(q.graph_name), path)
        sources.facts += quads
    return sources


def parse_csv_facts(project: Project, path: Path) -> list[ox.Quad]:
    """Read the curators' CSV template, typing values by the ontology's property ranges."""
    ranges = template_vocabulary(load_vocabulary(project).ontology)
    try:
        return parse_csv(path, ranges)
    except CsvError as err:
        raise ParseError(path, err.line, err.column, err.message) from None
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ParseError(path, None, None, str(err)) from None


# the classes whose members cite their source (trsh:sourceRequired)
SOURCED_ROOTS = (tr.Event, tr.Claim, tr.Position, tr.ChipUse, tr.TimedRelation)


def template_vocabulary(ontology: list[ox.Quad]) -> Vocabulary:
    """Ranges (a sub-property inherits its super-property's), object properties and the
    classes whose members need a source, as the CSV template types its rows."""
    ranges: dict[str, str] = {}
    parents: dict[str, list[str]] = {}
    supers: dict[str, list[str]] = {}
    objects = set()
    for q in ontology:
        s, p, o = q.subject.value, q.predicate.value, q.object
        if p == rdfs.range and isinstance(o, ox.NamedNode):
            ranges[s] = o.value
        elif p == RDFS + "subPropertyOf" and isinstance(o, ox.NamedNode):
            supers.setdefault(s, []).append(o.value)
        elif p == RDFS + "subClassOf" and isinstance(o, ox.NamedNode):
            parents.setdefault(s, []).append(o.value)
        elif p == rdf.type and o.value == OWL + "ObjectProperty":
            objects.add(s)

    def ancestors(term: str, links: dict[str, list[str]]) -> list[str]:
        seen, pending = [], list(links.get(term, ()))
        while pending:
            up = pending.pop(0)
            if up not in seen:
                seen.append(up)
                pending += links.get(up, ())
        return seen

    for prop in set(supers) - set(ranges):
        inherited = next((ranges[up] for up in ancestors(prop, supers) if up in ranges), None)
        if inherited:
            ranges[prop] = inherited
    for prop in set(supers):
        if any(up in objects for up in ancestors(prop, supers)):
            objects.add(prop)
    classes = set(parents) | set(SOURCED_ROOTS)
    sourced = {
        c for c in classes if c in SOURCED_ROOTS or set(ancestors(c, parents)) & set(SOURCED_ROOTS)
    }
    return Vocabulary(ranges=ranges, objects=objects, sourced=sourced)


def load_project(project: Project, extra: Iterable[Path] = ()) -> Sources:
    """Parse the ontology, the shapes, every graph file and any extra files."""
    sources = load_vocabulary(project)
    facts = load_change(project, [*project.graph_files(), *extra])
    sources.facts, sources.origin = facts.facts, facts.origin
    return sources


def _key(project: Project, path: Path) -> str:
    path = path.resolve()
    relative = path.relative_to(project.root) if path.is_relative_to(project.root) else path.name
    return quote(str(relative).removesuffix(path.suffix), safe="/")


def graph_key(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> str:
    return graph.value if isinstance(graph, ox.NamedNode) else ""


def to_rdflib(quads: Iterable[ox.Quad | ox.Triple]) -> rdflib.Graph:
    """Merge quads into one rdflib graph (for pySHACL), term by term.

    Converting each term directly costs time linear in its size; going through rdflib's
    N-Triples parser cost time quadratic in the length of a line (a 1 MiB IRI took 29 s).
    """
    import rdflib

    graph = rdflib.Graph()
    # rdflib logs a traceback for each ill-typed literal; the shapes report those as
    # violations, with the file and line, so the traceback would only alarm the curator
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        for q in quads:
            graph.add((rdflib_term(q.subject), rdflib_term(q.predicate), rdflib_term(q.object)))
    finally:
        log.setLevel(level)
    return graph


def rdflib_term(term) -> rdflib.term.Node:
    """A pyoxigraph term as the equal rdflib term (the gate, the API's to_rdflib)."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # written without a datatype, as N-Triples does
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    # parse_file refuses RDF 1.2 triple terms, so none reaches here
    raise TypeError(f"{term!r} has no rdflib equivalent")
