"""Show query results: a table for people; CSV, TSV and SPARQL JSON for programs."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from typing import IO

import pyoxigraph as ox
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from rivalry.kernel.errors import RivalryError
from rivalry.kernel.formats import GRAPH_FORMATS, SELECT_FORMATS
from rivalry.kernel.namespaces import PREFIXES, compact
from rivalry.query.cells import SPREADSHEET_SAFE

FORMATS = ("table", *SELECT_FORMATS, *GRAPH_FORMATS)
MIN_COLUMN_WIDTH = 14  # below this a column wraps into an unreadable strip
GAP = 3  # between two columns: a space of padding each side of the (blank) border


class ColumnError(RivalryError):
    """A column asked for by name that the result does not have."""


def render(
    result,
    fmt: str,
    out: IO[bytes] | None = None,
    title: str | None = None,
    *,
    limit: int | None = None,
    columns: Sequence[str] = (),
) -> int | None:
    """Write ``result`` in ``fmt``; return the rows or triples written, where counted.

    ``limit`` and ``columns`` shape only the table for people (at most ``limit`` rows, the
    named columns); every other format is complete."""
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
    return _table(result, title, limit, columns)


def shown_columns(variables: list[str], columns: Sequence[str]) -> list[str]:
    """The columns to show: ``columns`` (each must be one of ``variables``), else all."""
    for name in columns:
        if name not in variables:
            near = difflib.get_close_matches(name, variables, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ColumnError(
                f"the result has no column {name!r}{hint} Its columns: {', '.join(variables)}"
            )
    return list(columns) or variables


def _table(result, title: str | None, limit: int | None, columns: Sequence[str]) -> int:
    """A table when the columns fit the terminal, else one block of ``name: value`` per row.
    Long values (IRIs, URLs) fold onto the next line; nothing is cut with an ellipsis."""
    console = Console(emoji=False, highlight=False)
    variables = [v.value for v in result.variables]
    shown = shown_columns(variables, columns)
    rows: list[list[str]] = []
    total = 0
    for row in result:  # counted to the end, so the footer can say how many were left out
        total += 1
        if limit is None or len(rows) < limit:
            rows.append([short(row[name]) for name in shown])
    if console.width >= MIN_COLUMN_WIDTH * len(shown):
        table = Table(
            title=title,
            title_justify="left",
            title_style="bold",
            header_style="bold",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
        )
        for name, width in zip(shown, _widths(shown, rows, console.width), strict=True):
            table.add_column(name, overflow="fold", width=width)
        for values in rows:
            table.add_row(*(escape(v) for v in values))
        console.print(table)
    else:
        if title:
            console.print(title, style="bold")
        width = max(len(name) for name in shown)
        for number, values in enumerate(rows, start=1):
            console.rule(f"{number}", style="dim")
            for name, value in zip(shown, values, strict=True):
                if value:
                    console.print(f"[bold]{name:>{width}}[/]  {escape(value)}")
    hidden = [v for v in variables if v not in shown]
    console.print(_footer(total, len(rows), hidden), style="dim", soft_wrap=True)
    return len(rows)


def _widths(names: list[str], rows: list[list[str]], width: int) -> list[int]:
    """Column widths that fill at most ``width`` and keep IRIs, dates and numbers whole.

    A value without spaces can only be folded mid-word, which makes an IRI hard to read and
    to copy, while prose wraps at spaces. So the columns of unbroken values get their full
    width, narrowest first, as long as every other column keeps MIN_COLUMN_WIDTH; the
    columns left share the rest in proportion to their longest value."""
    natural = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    room = width - GAP * (len(names) - 1)
    if sum(natural) <= room:
        return natural
    widths: list[int | None] = [None] * len(names)
    unbroken = [i for i in range(len(names)) if all(" " not in row[i] for row in rows)]
    for i in sorted(unbroken, key=lambda i: natural[i]):
        others = sum(
            min(natural[k], MIN_COLUMN_WIDTH)
            for k in range(len(names))
            if k != i and widths[k] is None
        )
        if natural[i] + others <= room:
            widths[i] = natural[i]
            room -= natural[i]
    rest = [i for i in range(len(names)) if widths[i] is None]
    wanted = sum(natural[i] for i in rest)
    for i in rest:
        widths[i] = min(natural[i], max(MIN_COLUMN_WIDTH, room * natural[i] // wanted))
    while sum(w or 0 for w in widths) > width - GAP * (
        len(names) - 1
    ):  # rounding: shave the widest
        widest = max(rest, key=lambda i: widths[i] or 0)
        widths[widest] = (widths[widest] or 1) - 1
    return [w or 1 for w in widths]


def _footer(total: int, shown: int, hidden: list[str]) -> str:
    footer = f"{total} row{'s' if total != 1 else ''}"
    if shown < total:
        footer += f", the first {shown} shown (--all for every row)"
    if hidden:
        footer += f"; more columns: {', '.join(hidden)} (--columns all, or --format csv)"
    return footer


def short(term) -> str:
    """A term as a person reads it: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    return compact(term.value) if isinstance(term, ox.NamedNode) else term.value
