"""rivalry build and rivalry validate: the pipeline over the whole project."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from rivalry.cli.app import app
from rivalry.cli.options import OwlOpt, ProjectOpt, StoreOpt, VerboseOpt
from rivalry.cli.output import (
    EXIT_OK,
    EXIT_PROBLEMS,
    ReportFormat,
    emit_report,
    err,
    fail,
    out,
    print_report,
    relative_path,
)
from rivalry.kernel.paths import Project


@app.command()
def build(
    project: ProjectOpt = None,
    store: StoreOpt = None,
    owl: OwlOpt = True,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Also list the entities per class and every warning with its file and line.",
        ),
    ] = False,
) -> None:
    """Load ontology and graph into the store, materialise inferences, validate, summarise.

    The new store replaces the old one only if the graph validates; otherwise the old store
    is kept and the problems are listed. Rebuilding the same graph gives the same store.
    """
    from rivalry.gate import merge, transaction
    from rivalry.load.parse import ParseError

    proj = Project.locate(project, store)
    if proj.bundled:
        err.print(
            f"No project in {proj.searched[0]} or its parents: building the bundled graph "
            f"into {proj.store_path} (`rivalry init DIR` makes a project of your own).",
            highlight=False,
        )
    with err.status("Building: parse, load, infer, validate…"):
        try:
            result = transaction.build(
                proj,
                owl=owl,
                on_recovered=lambda how: err.print(
                    f"An interrupted merge was found and settled ({how})."
                ),
            )
        except (ParseError, merge.MergeError) as error:
            raise fail(str(error)) from None
    report = result.report
    out.print(
        f"Build summary: {result.asserted:,} asserted + {result.inferred:,} inferred triples, "
        f"{result.graphs:,} named graphs, {result.sources:,} source documents",
        highlight=False,
    )
    if verbose:
        classes = Table("class", "entities", title="Entities per class")
        for name, count in result.classes.items():
            classes.add_row(f"tr:{name}", str(count))
        out.print(classes)
    print_report(report, proj.root, verbose)
    if not result.swapped:
        raise fail("the graph does not validate; the previous store was kept", EXIT_PROBLEMS)
    out.print(f"[green]Built[/] {relative_path(result.store_path, proj.root)}", highlight=False)


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Extra Turtle/TriG/N-Triples/N-Quads/JSON-LD files to validate with the graph.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people, json for programs, turtle for a W3C SHACL validation report.",
        ),
    ] = ReportFormat.text,
    project: ProjectOpt = None,
    owl: OwlOpt = True,
    verbose: VerboseOpt = False,
) -> None:
    """Validate the graph (plus FILES) with the SHACL shapes and the OWL consistency check.

    Nothing is written: the check runs on an in-memory copy.
    """
    from rivalry.load.parse import ParseError
    from rivalry.validate.layers import check_project

    proj = Project.locate(project)
    for path in files or []:
        if not path.is_file():
            raise fail(f"{path}: no such file")
    try:
        report = check_project(proj, files or [], owl=owl)
    except ParseError as error:
        raise fail(str(error)) from None
    emit_report(report, fmt, proj.root, verbose)
    raise typer.Exit(EXIT_OK if report.conforms else EXIT_PROBLEMS)
