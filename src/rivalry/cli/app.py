"""The Typer application every verb module registers its commands on, and the entry point."""

from __future__ import annotations

from typing import Annotated

import typer

from rivalry.cli.output import EXIT_CODES, out
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
    app()
