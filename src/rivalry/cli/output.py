"""How the CLI speaks: consoles, exit codes, errors, and validation reports in every format."""

from __future__ import annotations

import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:  # the verbs import the pipeline when they run, so --help starts fast
    from rivalry.validate.report import Problem, Report

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


def emit_report(
    report: Report, fmt: ReportFormat, root: Path | None = None, verbose: bool = True
) -> None:
    if fmt is ReportFormat.json:
        sys.stdout.write(report.to_json() + "\n")
    elif fmt is ReportFormat.turtle:
        sys.stdout.write(report.to_turtle())
    elif fmt is ReportFormat.github:
        sys.stdout.write(report.to_github())
    else:
        print_report(report, root, verbose)


def print_report(report: Report, root: Path | None = None, verbose: bool = True) -> None:
    """The problems, then any extra sections (check's exposure effect)."""
    _print_problems(report, root, verbose)
    for section in report.sections:
        out.print(f"[bold]{escape(section.title)}[/]")
        for line in section.lines:
            out.print(f"    {escape(line)}", highlight=False)


def _print_problems(report: Report, root: Path | None, verbose: bool) -> None:
    """Violations always in full; warnings in full when ``verbose``, else a count per rule.
    File names are shown relative to ``root`` (the project) when they lie inside it."""
    import pyoxigraph as ox

    from rivalry.query import render

    if not report.problems:
        out.print("[green]Valid:[/] no violations, no warnings.")
        return
    listed = (
        report.sorted() if verbose else [p for p in report.sorted() if p.severity == "violation"]
    )
    for p in listed:
        colour = "red" if p.severity == "violation" else "yellow"
        where = f"{escape(relative_where(p, root))}  " if p.file else ""
        entity = escape(render.short(ox.NamedNode(p.focus))) if p.focus else ""
        out.print(f"{where}[{colour}]{p.severity}[/] [bold]{p.rule}[/] {entity}", highlight=False)
        out.print(f"    {escape(p.message)}", highlight=False)
    counts = f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)"
    if verbose or not report.warnings:
        out.print(counts)
        return
    out.print(f"{counts}; the warnings by rule (--verbose lists each with its file and line):")
    print_warning_counts(report)


def print_warning_counts(report: Report) -> None:
    """One line per rule with its number of warnings, most frequent first."""
    counts = Counter(p.rule for p in set(report.warnings))
    for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        out.print(f"  [yellow]{count:>5}[/] {escape(rule)}", highlight=False)


def relative_where(problem: Problem, root: Path | None) -> str:
    """``file:line:column`` with the file relative to the project when it lies inside it."""
    where = problem.where
    if root is None or problem.file is None:
        return where
    try:
        relative = problem.file.resolve().relative_to(root.resolve())
    except ValueError:  # outside the project (a change file elsewhere): keep it as given
        return where
    return str(relative) + where.removeprefix(str(problem.file))


def relative_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` where it lies inside it, else as it is."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
