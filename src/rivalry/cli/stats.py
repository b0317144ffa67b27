"""rivalry stats: what the built graph holds."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from rivalry.cli.app import app
from rivalry.cli.options import ProjectOpt, StoreOpt
from rivalry.cli.output import EXIT_PROBLEMS, err, fail, out
from rivalry.kernel.paths import Project


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def stats(
    fmt: Annotated[
        StatsFormat,
        typer.Option("--format", "-f", help="table for people; json or csv for programs."),
    ] = StatsFormat.table,
    project: ProjectOpt = None,
    store: StoreOpt = None,
) -> None:
    """Coverage figures of the built store: triples, named graphs, source documents (by
    kind, by publisher), facts, entities by class, events, claims and contested matters,
    instruments by state and kind, the date span, and facts without a source.

    A fact is an asserted triple in a source's named graph other than the description of
    the source itself. Exit codes: 0 success; 1 some facts have no source; 2 usage error
    or no store.
    """
    from rivalry.analysis.stats import collect
    from rivalry.store.embedded import StoreMissing, open_store

    proj = Project.locate(project, store)
    try:
        db = open_store(proj.store_path)
        with err.status("Counting…"):
            figures = collect(db)
    except StoreMissing as error:
        raise fail(str(error)) from None
    if fmt is StatsFormat.json:
        sys.stdout.write(figures.to_json() + "\n")
    elif fmt is StatsFormat.csv:
        sys.stdout.write(figures.to_csv())
    else:
        for section in figures.sections():
            rows = figures.section(section)
            grouped = any(group for group, _, _ in rows)
            table = Table(*(["group"] if grouped else []), "figure", "value", title=section)
            for group, name, value in rows:
                table.add_row(*([group] if grouped else []), name, str(value))
            out.print(table)
    if figures.unsourced:
        raise fail(f"{figures.unsourced} fact(s) have no source", EXIT_PROBLEMS)
