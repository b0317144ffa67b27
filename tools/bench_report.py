"""Write a benchmark's rows as JSON and a Markdown table under benchmarks/, and print them."""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

OUT = Path(__file__).resolve().parents[1] / "benchmarks"  # tools/ is at the root


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


def machine_details() -> dict:
    """CPU model, cores, RAM and the load average now (other jobs share the machine)."""
    cpu = _first("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()
    ram_kib = _first("/proc/meminfo", "MemTotal")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(int(ram_kib.split()[0]) / 2**20, 1) if ram_kib else None,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def _first(path: str, key: str) -> str | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), None)


def markdown_table(rows: list[dict]) -> list[str]:
    columns = list(dict.fromkeys(c for row in rows for c in row))  # every row's, in order
    return [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_cell(r.get(c)) for c in columns) + " |" for r in rows),
    ]


def _cell(value) -> str:
    return "—" if value is None else str(value)


def write_report(name: str, title: str, intro: str, rows: list[dict]) -> None:
    """``benchmarks/<name>.json`` and ``benchmarks/<name>.md``, then the table on the terminal."""
    OUT.mkdir(exist_ok=True)
    data = {"machine": machine(), "rows": rows}
    (OUT / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n")
    columns = list(rows[0])
    lines = [f"# {title}", "", f"Machine: {machine()}. {intro}", "", *markdown_table(rows)]
    (OUT / f"{name}.md").write_text("\n".join(lines) + "\n")
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*(str(row[c]) for c in columns))
    Console().print(table)
