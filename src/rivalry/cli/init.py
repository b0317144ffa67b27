"""rivalry init: a curator's project of one's own, started from the bundled graph."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from rivalry.cli.app import app
from rivalry.cli.output import fail, out
from rivalry.kernel.paths import PARTS, bundled_root

GITIGNORE = """\
# the built store, the writer's lock and journal, staged merges: rebuilt by `rivalry build`
.rivalry/
# releases written by `rivalry publish`
dist/
"""


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="The new project's folder (created; must be empty).")
    ],
) -> None:
    """Create a curator's project: a copy of the ontology (shapes and rules), the graph and
    the query catalogue, with a .gitignore for the store, ready for `git init`.

    Run the other verbs inside it (or give --project DIR / set RIVALRY_PROJECT).
    """
    source = bundled_root()
    if source is None:
        raise fail("this installation has no bundled graph to copy; reinstall the package")
    target = directory.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise fail(
            f"{target} already exists and is not an empty folder; "
            "give a new or empty folder to rivalry init"
        )
    staging = target.with_name(f".{target.name}.init-partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        for part in PARTS:
            shutil.copytree(source / part, staging / part, ignore=shutil.ignore_patterns(".*"))
        (staging / ".gitignore").write_text(GITIGNORE)
        if target.exists():
            target.rmdir()
        staging.rename(target)  # all or nothing: a half-copied project is never left
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise fail(f"could not create {target}: {error}") from None
    out.print(f"[green]Created[/] the project {target}", highlight=False)
    out.print(f"Next: cd {target} && git init && rivalry build && rivalry queries", highlight=False)
