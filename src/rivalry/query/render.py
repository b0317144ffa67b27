"""Show query results: a table for people; CSV, TSV and SPARQL JSON for programs."""

from __future__ import annotations

import sys
from typing import IO

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

from rivalry.vocab import PREFIXES

MACHINE_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
FORMATS = ("table", *MACHINE_FORMATS, *GRAPH_FORMATS)


def render(result, fmt: str, out: IO[bytes] | None = None, title: str | None = None) -> int | None:
    """Write ``result`` in ``fmt``; return the rows or triples written, where counted."""
    out = out or sys.stdout.buffer
    if isinstance(result, ox.QueryBoolean):
        out.write(b"true\n" if bool(result) else b"false\n")
        return 1
    if isinstance(result, ox.QueryTriples):
        triples = list(result)
        graph_format = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        out.write(ox.serialize(triples, format=graph_format, prefixes=PREFIXES))
        return len(triples)
    if fmt in MACHINE_FORMATS:
        result.serialize(out, MACHINE_FORMATS[fmt])
        return None
    return _table(result, title)


def _table(result, title: str | None) -> int:
    table = Table(title=title, show_lines=False, header_style="bold")
    variables = [v.value for v in result.variables]
    for name in variables:
        table.add_column(name, overflow="fold")
    count = 0
    for row in result:
        table.add_row(*(short(row[name]) for name in variables))
        count += 1
    console = Console()
    console.print(table)
    console.print(f"{count} row{'s' if count != 1 else ''}", style="dim")
    return count


def short(term) -> str:
    """A term as a person reads it: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
        return term.value
    return term.value
