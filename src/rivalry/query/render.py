"""Show query results: a table for people; CSV, TSV and SPARQL JSON for programs."""

from __future__ import annotations

import sys
from typing import IO

import pyoxigraph as ox
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from rivalry.kernel.formats import GRAPH_FORMATS, SELECT_FORMATS
from rivalry.kernel.namespaces import PREFIXES, compact
from rivalry.query.cells import SPREADSHEET_SAFE

FORMATS = ("table", *SELECT_FORMATS, *GRAPH_FORMATS)
MIN_COLUMN_WIDTH = 14  # below this a column wraps into an unreadable strip


def render(result, fmt: str, out: IO[bytes] | None = None, title: str | None = None) -> int | None:
    """Write ``result`` in ``fmt``; return the rows or triples written, where counted."""
    out = out or sys.stdout.buffer
    if isinstance(result, ox.QueryBoolean):
        out.write(b"true\n" if bool(result) else b"false\n")
        return 1
    if isinstance(result, ox.QueryTriples):
        triples = list(result)
        graph_format = GRAPH_FORMATS.get(fmt, GRAPH_FORMATS["turtle"])[0]
        out.write(ox.serialize(triples, format=graph_format, prefixes=PREFIXES))
        return len(triples)
    if fmt in SPREADSHEET_SAFE:  # formulas neutralised: the file may open in a spreadsheet
        out.write(SPREADSHEET_SAFE[fmt](result.serialize(format=SELECT_FORMATS[fmt][0])))
        return None
    if fmt in SELECT_FORMATS:
        result.serialize(out, SELECT_FORMATS[fmt][0])
        return None
    return _table(result, title)


def _table(result, title: str | None) -> int:
    """A table when the columns fit the terminal, else one block of ``name: value`` per row."""
    console = Console(emoji=False, highlight=False)
    variables = [v.value for v in result.variables]
    rows = [[short(row[name]) for name in variables] for row in result]
    if console.width >= MIN_COLUMN_WIDTH * len(variables):
        table = Table(title=title, header_style="bold")
        for name in variables:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    else:
        if title:
            console.print(title, style="bold")
        width = max(len(name) for name in variables)
        for number, row in enumerate(rows, start=1):
            console.rule(f"{number}", style="dim")
            for name, value in zip(variables, row, strict=True):
                if value:
                    console.print(f"[bold]{name:>{width}}[/]  {escape(value)}")
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")
    return len(rows)


def short(term) -> str:
    """A term as a person reads it: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    return compact(term.value) if isinstance(term, ox.NamedNode) else term.value
