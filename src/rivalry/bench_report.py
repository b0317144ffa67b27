"""Write a benchmark's rows as JSON and a Markdown table under benchmarks/, and print them."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

OUT = Path(__file__).resolve().parents[2] / "benchmarks"


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


def write_report(name: str, title: str, intro: str, rows: list[dict]) -> None:
    """``benchmarks/<name>.json`` and ``benchmarks/<name>.md``, then the table on the terminal."""
    OUT.mkdir(exist_ok=True)
    data = {"machine": machine(), "rows": rows}
    (OUT / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    columns = list(rows[0])
    lines = [
        f"# {title}",
        "",
        f"Machine: {machine()}. {intro}",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(str(r[c]) for c in columns) + " |" for r in rows),
    ]
    (OUT / f"{name}.md").write_text("\n".join(lines) + "\n")
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*(str(row[c]) for c in columns))
    Console().print(table)
