"""How the CLI speaks: consoles, exit codes, errors, and validation reports in every format."""

from __future__ import annotations

import sys
from enum import StrEnum

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.markup import escape

from rivalry.query import render
from rivalry.validate.report import Report

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_CODES = "Exit codes: 0 valid / success; 1 problems found; 2 usage or input error."

out = Console(emoji=False, soft_wrap=True)
err = Console(stderr=True, emoji=False, soft_wrap=True)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    turtle = "turtle"
    github = "github"


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    # messages quote file names and input, which must not be read as console markup
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    return typer.Exit(code)


def emit_report(report: Report, fmt: ReportFormat) -> None:
    if fmt is ReportFormat.json:
        sys.stdout.write(report.to_json() + "\n")
    elif fmt is ReportFormat.turtle:
        sys.stdout.write(report.to_turtle())
    elif fmt is ReportFormat.github:
        sys.stdout.write(report.to_github())
    else:
        print_report(report)


def print_report(report: Report) -> None:
    _print_problems(report)
    for section in report.sections:
        out.print(f"[bold]{escape(section.title)}[/]")
        for line in section.lines:
            out.print(f"    {escape(line)}", highlight=False)


def _print_problems(report: Report) -> None:
    if not report.problems:
        out.print("[green]Valid:[/] no violations, no warnings.")
        return
    for p in report.sorted():
        colour = "red" if p.severity == "violation" else "yellow"
        where = f"{escape(p.where)}  " if p.where else ""
        entity = escape(render.short(ox.NamedNode(p.focus))) if p.focus else ""
        out.print(f"{where}[{colour}]{p.severity}[/] [bold]{p.rule}[/] {entity}", highlight=False)
        out.print(f"    {escape(p.message)}", highlight=False)
    out.print(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)")
