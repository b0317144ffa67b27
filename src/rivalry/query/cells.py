"""Spreadsheet-safe CSV and TSV results: a cell that a spreadsheet would run as a formula
gets a leading ``'`` (OWASP, "CSV Injection").

A cell is neutralised when it starts with ``= + - @``, a tab or a carriage return, unless
the whole cell is a plain number (``-5``, ``+1.5e3``): numbers stay numbers, and a number
is no formula. The rule reads the cell's text, not its RDF type, so an ill-typed
``"-1+cmd"^^xsd:integer`` is neutralised too. Used by ``rivalry query --format csv|tsv``,
``/queries/<name>?format=csv|tsv`` and ``/sparql`` results as text/csv or
text/tab-separated-values.
"""

from __future__ import annotations

import csv
import io
import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def safe_cell(text: str) -> str:
    if text.startswith(TRIGGERS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_csv(body: bytes) -> bytes:
    """SPARQL CSV results (RFC 4180, CRLF) with every cell made safe."""
    rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def safe_tsv(body: bytes) -> bytes:
    """SPARQL TSV results with every cell made safe. Terms are in Turtle syntax there
    (``"=x"@en``), and a spreadsheet strips the quotes: the mark goes inside them."""
    lines = body.decode("utf-8").split("\n")
    cells = ("\t".join(_safe_term(c) for c in line.split("\t")) for line in lines)
    return "\n".join(cells).encode("utf-8")


def _safe_term(cell: str) -> str:
    if cell.startswith('"'):
        end = cell.rfind('"')
        return '"' + safe_cell(cell[1:end]) + cell[end:] if end > 0 else cell
    return safe_cell(cell)


SPREADSHEET_SAFE = {"csv": safe_csv, "tsv": safe_tsv}
