"""The Typer application every verb module registers its commands on, and the entry point."""

from __future__ import annotations

from typing import Annotated

import typer

from rivalry.cli.output import EXIT_CODES, EXIT_USAGE, err, out
from rivalry.kernel.paths import ProjectMissing
from rivalry.kernel.version import VERSION

app = typer.Typer(
    help="Tech Rivalry Knowledge Graph: build, validate and query the graph.\n\n" + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def main_callback(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        out.print(f"rivalry {VERSION}")
        raise typer.Exit()


def main() -> None:
    try:
        app()
    except ProjectMissing as error:  # raised by Project.locate in any verb: a usage error
        err.print(f"[bold red]error:[/] {error}", highlight=False)
        raise SystemExit(EXIT_USAGE) from None
