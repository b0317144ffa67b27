"""Options shared by several verbs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from rivalry.cli.output import ReportFormat

ProjectOpt = Annotated[
    Path | None,
    typer.Option(
        "--project",
        help="Project folder (ontology/, graph/, queries/). Default: $RIVALRY_PROJECT, else "
        "the current folder or its nearest parent that is one, else the bundled graph.",
        show_default=False,
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="On-disk store folder. Default: $RIVALRY_STORE or <project>/.rivalry/store "
        "(the per-user data folder for the bundled graph).",
        show_default=False,
    ),
]
OwlOpt = Annotated[
    bool, typer.Option("--owl/--no-owl", help="Run the OWL consistency check (HermiT, needs Java).")
]


ChangeFiles = Annotated[
    list[Path],
    typer.Argument(
        help="Change files: Turtle, TriG, N-Triples, N-Quads, JSON-LD or the CSV template.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        help="text for people, json for programs, turtle for a W3C "
        "SHACL validation report, github for workflow annotations.",
    ),
]


EndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help="A SPARQL 1.1 endpoint URL to query instead of the embedded "
        "store (it must hold the graphs and their union as default graph).",
        show_default=False,
    ),
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        "-v",
        help="List every warning with its file and line (by default: a count per rule).",
    ),
]
